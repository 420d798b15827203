"""Every case of the bad-input corpus (tests/bad_input_corpus.py) ends in correct data or in
the toolkit's own error naming the file and what to do, and leaves its input byte-identical."""
from __future__ import annotations

import hashlib

import pytest

import bad_input_corpus as corpus
from toolkit_helpers.errors import ToolkitError


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _inputs(folder):
    return {p.name: _digest(p) for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("case", corpus.CASES, ids=[c.id for c in corpus.CASES])
def test_case(case, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    path = case.make(folder)
    before = _inputs(folder)
    load = corpus.loader(case.area)
    if case.id == "config-output-escape":
        monkeypatch.setenv("TOOLKIT_OUTPUT_ROOT", str(tmp_path / "outputs"))
        cfg = load(path)
        assert cfg.output_dir.resolve().is_relative_to((tmp_path / "outputs").resolve())
        assert ".." not in cfg.output_dir.parts
    elif case.error:
        with pytest.raises(ToolkitError) as info:
            load(path)
        message = str(info.value)
        if case.names_file:
            assert path.name in message, message
        for fragment in case.error:
            assert fragment.lower() in message.lower(), (fragment, message)
        # the toolkit's errors never chain a library traceback into what the user sees
        assert info.value.__suppress_context__ or info.value.__cause__ is None
    else:
        result = load(path)
        case.check(result)
    assert _inputs(folder) == before, "the input file was changed"


def test_corpus_is_large_and_covers_every_area():
    areas = {c.area for c in corpus.CASES}
    assert len(corpus.CASES) >= 30
    assert areas == {"spend", "ocds", "claimants", "station_counts", "grants", "contracts", "config"}
    assert len({c.id for c in corpus.CASES}) == len(corpus.CASES)
    for c in corpus.CASES:
        assert c.outcome.startswith(("data:", "error:"))
        assert c.outcome.startswith("error:") == bool(c.error), c.id


def test_docs_table_is_current(project_root):
    """docs/bad-input.md shows exactly the corpus that runs (regenerate it with
    `python tests/bad_input_corpus.py`)."""
    text = (project_root / "docs" / "bad-input.md").read_text(encoding="utf-8")
    generated = text.split(corpus.BEGIN, 1)[1].split(corpus.END, 1)[0]
    assert generated.strip() == corpus.table().strip()


SPEND_DATA = [c for c in corpus.CASES if c.area == "spend" and not c.error
              and c.id != "spend-header-only"]


@pytest.mark.parametrize("case", SPEND_DATA, ids=[c.id for c in SPEND_DATA])
def test_spend_cases_through_the_duckdb_pipeline(case, tmp_path):
    """The many-council pipeline reads every awkward spend file of the corpus to the same
    lines as load_spend (it routes what its SQL cannot read exactly to load_spend)."""
    from toolkit_helpers.spend_pipeline import SpendPipeline

    folder = tmp_path / "in"
    folder.mkdir()
    path = case.make(folder)
    before = _inputs(folder)
    with SpendPipeline(tmp_path / "cache") as pipe:
        pipe.ingest(path)
        lines = pipe.sql("SELECT * FROM spend ORDER BY source_row")
    expected = corpus.loader("spend")(path).sort_values("source_row")
    assert lines["amount"].round(2).tolist() == pytest.approx(expected["amount"].round(2).tolist(),
                                                              nan_ok=True)
    assert lines["source_row"].tolist() == expected["source_row"].tolist()
    assert lines["supplier"].tolist() == expected["supplier"].tolist()
    assert _inputs(folder) == before
