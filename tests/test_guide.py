"""The facilitator guide covers every notebook and its generated index is current; every notebook
has exercises with objectives, a solution for each and a self-check; outputs can be archived."""
import json
import zipfile
from pathlib import Path

import pytest

from toolkit_helpers import ToolkitError
from toolkit_helpers.artefacts import archive
from toolkit_helpers.collection import discover
from toolkit_helpers.guide import END, START, collection_guide, read_notebook, render_index, update_guide

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "facilitator-guide.md"


def test_generated_index_is_up_to_date():
    text = GUIDE.read_text(encoding="utf-8")
    current = text[text.index(START): text.index(END) + len(END)]
    assert current == render_index(collection_guide(ROOT)), "run `make guide` and commit the guide"


def test_every_notebook_is_in_the_agendas():
    text = GUIDE.read_text(encoding="utf-8")
    hand_written = text[: text.index(START)]
    agendas = hand_written[hand_written.index("## Agendas"): hand_written.index("## Before the day")]
    for nb in discover(ROOT):
        assert f"`{nb.name}`" in agendas, f"{nb.name} is missing from the agendas"


@pytest.mark.parametrize("guide", collection_guide(ROOT), ids=lambda g: g.name)
def test_every_notebook_has_exercises_objectives_solutions_and_selfcheck(guide):
    assert guide.minutes and guide.minutes > 0, "a 'Time to learn: N minutes' line"
    assert len(guide.objectives) > 20, "a 'Learning objectives' line in the Exercises section"
    assert guide.exercises, "numbered exercises"
    assert [e.number for e in guide.exercises] == list(range(1, len(guide.exercises) + 1))
    assert all(e.solved for e in guide.exercises), "a numbered answer in the folded solution for each"
    assert guide.selfcheck, "a selfcheck cell in the Exercises section"


def _notebook(path: Path, exercises_md: str, check_code: str = "print(selfcheck.check(a, 1))"):
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# A title\n\n## Prerequisites\n\n"
         "**Time to learn**: 12 minutes (7 reading, 5 exercises)."},
        {"cell_type": "markdown", "metadata": {}, "source": exercises_md},
        {"cell_type": "code", "metadata": {}, "source": check_code, "outputs": [],
         "execution_count": None},
        {"cell_type": "markdown", "metadata": {}, "source": "## Summary\n\n1. Not an exercise."},
    ]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}), encoding="utf-8")
    return path


def test_read_notebook_finds_exercises_and_which_have_solutions(tmp_path):
    md = ("## Exercises\n\n**Learning objectives**: read a **table**; use `TOP_N`.\n\n"
          "1. Which row is `largest`? Put it in `answer_1`.\n"
          "2. A second question that runs\n   over two lines. And more.\n\n"
          "<details><summary>Solution</summary>\n\n1. The first row.\n\n</details>\n")
    g = read_notebook(_notebook(tmp_path / "nb.ipynb", md), tmp_path)
    assert (g.title, g.minutes, g.split) == ("A title", 12, "7 reading, 5 exercises")
    assert g.objectives == "read a table; use TOP_N."
    assert [(e.number, e.text, e.solved) for e in g.exercises] == [
        (1, "Which row is largest?", True),
        (2, "A second question that runs over two lines.", False)]
    assert g.selfcheck
    assert "| `nb` | 2 | A second question that runs over two lines. | MISSING | yes |" \
        in render_index([g])


def test_a_notebook_without_selfcheck_is_reported(tmp_path):
    g = read_notebook(_notebook(tmp_path / "nb.ipynb", "## Exercises\n\n1. Q?\n", "x = 1"),
                      tmp_path)
    assert not g.selfcheck and g.objectives == ""


def test_update_guide_rewrites_only_the_generated_part(tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text(f"Intro | kept\n\n{START}\nstale\n{END}\n\nOutro kept.\n", encoding="utf-8")
    assert update_guide(guide, ROOT) is True
    text = guide.read_text(encoding="utf-8")
    assert text.startswith("Intro | kept\n\n") and text.endswith("\n\nOutro kept.\n")
    assert "stale" not in text and "`00_start_here`" in text
    assert update_guide(guide, ROOT) is False  # already current: file untouched


def test_update_guide_without_markers_is_a_clear_error(tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text("no markers here\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="markers"):
        update_guide(guide, ROOT)
    assert guide.read_text(encoding="utf-8") == "no markers here\n"


def test_archive_zips_the_outputs_for_download(tmp_path):
    out = tmp_path / "outputs" / "anytown"
    (out / "01_goals").mkdir(parents=True)
    (out / "01_goals" / "manifest.json").write_text('{"a": 1}', encoding="utf-8")
    (out / "business_case.html").write_text("<html></html>", encoding="utf-8")
    (out / "half_written.tmp").write_text("x", encoding="utf-8")
    dest = archive(out)
    assert dest == tmp_path / "outputs" / "anytown.zip"
    with zipfile.ZipFile(dest) as zf:
        assert sorted(zf.namelist()) == ["anytown/01_goals/manifest.json",
                                         "anytown/business_case.html"]
        assert zf.read("anytown/01_goals/manifest.json") == b'{"a": 1}'
    assert [p.name for p in dest.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_archive_of_nothing_says_run_first(tmp_path):
    with pytest.raises(ToolkitError, match="run the collection first"):
        archive(tmp_path / "nope")
