"""Indonesia's provinces, from `content/provinces.yaml`: shared by every feature that asks
where someone is (subscriptions, targeted broadcasts, tip-offs).

Ids are stable slugs stored in the database and in button data; names are what users see.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core import yamlfile

FILE_NAME = "provinces.yaml"


@dataclass(frozen=True)
class Province:
    id: str
    name: str


class Provinces:
    """The list in file order, with lookup by id."""

    def __init__(self, provinces: list[Province]) -> None:
        self.all = provinces
        self._by_id = {p.id: p for p in provinces}
        if len(self._by_id) != len(provinces):
            raise ValueError("duplicate province id")

    def __len__(self) -> int:
        return len(self.all)

    def __contains__(self, province_id: object) -> bool:
        return province_id in self._by_id

    def get(self, province_id: str | None) -> Province | None:
        return self._by_id.get(province_id or "")

    def name(self, province_id: str | None) -> str:
        found = self.get(province_id)
        return found.name if found else (province_id or "")

    def page(self, number: int, size: int) -> list[Province]:
        return self.all[number * size : (number + 1) * size]

    def pages(self, size: int) -> int:
        return max(1, -(-len(self.all) // size))

    @classmethod
    def load(cls, content_dir: Path) -> Provinces:
        """Read the list; a missing file gives an empty list (the feature then hides the
        province question) rather than stopping the bot."""
        path = Path(content_dir) / FILE_NAME
        if not path.exists():
            return cls([])
        data = yamlfile.read(path) or []
        return cls([Province(str(item["id"]), str(item["name"])) for item in data])
