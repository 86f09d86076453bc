"""docs/benchmarks.md is generated from the result files and must match them."""

from __future__ import annotations

import shutil
from pathlib import Path

from bench._provenance import provenance, tree_hash
from bench.render_docs import DOCS, RESULTS, TEMPLATE, included, render

ROOT = Path(__file__).resolve().parents[1]


def test_docs_are_what_render_docs_writes() -> None:
    assert DOCS.read_text(encoding="utf-8") == render(), (
        "docs/benchmarks.md is out of date or was edited by hand: run python3 bench/render_docs.py"
    )


def test_every_result_file_is_in_the_docs() -> None:
    files = {p.relative_to(ROOT).as_posix() for p in RESULTS.glob("*.md")}
    assert files == set(included(TEMPLATE.read_text(encoding="utf-8")))


def test_every_table_row_of_a_result_file_is_in_the_docs_unchanged() -> None:
    docs = DOCS.read_text(encoding="utf-8").splitlines()
    for name in included(TEMPLATE.read_text(encoding="utf-8")):
        rows = [
            li for li in (ROOT / name).read_text(encoding="utf-8").splitlines() if li[:1] == "|"
        ]
        assert [r for r in rows if r not in docs] == [], name


def test_a_changed_result_shows_in_the_rendering(tmp_path: Path) -> None:
    for part in ("bench", "docs"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    before = render(tmp_path)
    result = tmp_path / "bench" / "results" / "check.md"
    result.write_text(result.read_text(encoding="utf-8").replace("|", "| 9.999", 1))
    assert render(tmp_path) != before and "| 9.999" in render(tmp_path)


def test_provenance_names_commit_code_and_content(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.yaml").write_text("x: 1\n")
    (tmp_path / "code.py").write_text("print(1)\n")
    line = provenance(code=["code.py"], root=tmp_path)
    assert "commit " in line and "code sha256" in line and "content sha256" in line
    first = tree_hash(["content"], tmp_path)
    (tmp_path / "content" / "a.yaml").write_text("x: 2\n")
    assert tree_hash(["content"], tmp_path) != first
    assert tree_hash(["code.py"], tmp_path) == tree_hash(["code.py"], tmp_path)
