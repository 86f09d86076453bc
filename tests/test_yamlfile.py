"""Content is read with libyaml's C parser: the same data as the pure-Python safe loader,
and no more power (a Python tag is refused, as safe_load refuses it)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core import yamlfile

ROOT = Path(__file__).resolve().parents[1]


def test_the_fast_loader_is_used_where_pyyaml_has_libyaml() -> None:
    if yaml.__with_libyaml__:
        assert yamlfile.LOADER is yaml.CSafeLoader
    assert issubclass(yamlfile.LOADER, yaml.SafeLoader) or yamlfile.LOADER is yaml.CSafeLoader


@pytest.mark.parametrize("path", sorted((ROOT / "content").rglob("*.yaml")), ids=lambda p: p.name)
def test_every_content_file_reads_as_safe_load_reads_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yamlfile.read(path) == yaml.safe_load(text)


def test_python_tags_are_refused() -> None:
    with pytest.raises(yaml.YAMLError):
        yamlfile.parse("!!python/object/apply:os.system ['true']")


def test_a_syntax_error_is_a_yaml_error_with_a_line() -> None:
    with pytest.raises(yaml.YAMLError) as raised:
        yamlfile.parse("a: [1, 2\nb: 3\n")
    assert "line" in str(raised.value)
