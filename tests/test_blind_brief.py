"""The helpers' folders for blind sets and blind judging (bench/blind_brief.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.blind_brief import judges, verdicts, writer

ROOT = Path(__file__).resolve().parents[1]


def test_a_writer_gets_the_topic_titles_and_a_brief_naming_the_folder(tmp_path: Path) -> None:
    writer(tmp_path)
    rows = [line.split("\t") for line in (tmp_path / "topics.txt").read_text().splitlines()]
    assert len(rows) == 50 and all(len(r) == 3 for r in rows)
    assert ["costs", "Biaya penempatan", "Placement costs"] in rows
    text = (tmp_path / "brief.txt").read_text()
    assert f"{tmp_path}/topics.txt" in text and "DIR/" not in text


def _pairs(folder: Path, rows: list[tuple[str, str]]) -> None:
    lines = ["question\tentry", *(f"{q}\t{e}" for q, e in rows)]
    (folder / "pairs.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_pairs_are_dealt_by_question_and_verdicts_merged_in_order(tmp_path: Path) -> None:
    rows = [(f"pertanyaan {n // 3}", f"entry-{n % 3}") for n in range(60)]
    _pairs(tmp_path, rows)
    assert sum(judges(tmp_path)) == 60
    seen: dict[str, int] = {}
    for n in range(1, 6):
        lines = (tmp_path / f"judge{n}.tsv").read_text().splitlines()
        assert lines[0] == "question\tentry"
        for line in lines[1:]:
            question = line.split("\t")[0]
            assert seen.setdefault(question, n) == n  # one judge per question
        answered = ["question\tentry\tverdict", *(f"{line}\tno" for line in lines[1:])]
        (tmp_path / f"verdicts{n}.tsv").write_text("\n".join(answered) + "\n")
    assert "DIR/" not in (tmp_path / "brief.txt").read_text()
    assert verdicts(tmp_path) == 60
    merged = (tmp_path / "all_verdicts.tsv").read_text().splitlines()
    assert merged[0] == "question\tentry\tverdict" and len(merged) == 61


def test_verdicts_that_do_not_answer_their_pairs_are_refused(tmp_path: Path) -> None:
    _pairs(tmp_path, [("a", "costs"), ("b", "costs")])
    judges(tmp_path, count=1)
    (tmp_path / "verdicts1.tsv").write_text("question\tentry\tverdict\na\tcosts\tyes\n")
    with pytest.raises(SystemExit, match=r"verdicts1\.tsv"):
        verdicts(tmp_path, count=1)


def test_a_question_with_quotation_marks_is_dealt_as_written(tmp_path: Path) -> None:
    """'what does "resmi" mean' stopped the dealing (csv refused the quote unescaped)."""
    question = 'my sister want work overseas, what does "resmi" mean exactly'
    _pairs(tmp_path, [(question, "what-is-procedural")])
    assert judges(tmp_path, count=1) == [1]
    assert (tmp_path / "judge1.tsv").read_text().splitlines()[1].split("\t")[0] == question
