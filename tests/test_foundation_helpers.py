"""paths, charts, artefacts, selfcheck, orientation, notebook start."""
import json
from pathlib import Path

import pytest

from toolkit_helpers import artefacts, charts, orientation, paths, selfcheck
from toolkit_helpers.errors import DataFileError, ToolkitError


def test_error_message_names_file_row_column_and_hint():
    e = ToolkitError("bad amount 'abc'", file="spend.csv", row=12, column="Amount",
                     hint="fix the cell")
    assert str(e) == "spend.csv, row 12, column 'Amount': bad amount 'abc'\nWhat to do: fix the cell"
    assert isinstance(e, ValueError)


@pytest.mark.parametrize("part", ["../escape.txt", "/etc/passwd", "a/../../b"])
def test_safe_join_refuses_traversal(tmp_path, part):
    with pytest.raises(ToolkitError, match="outside"):
        paths.safe_join(tmp_path, part)


def test_safe_join_allows_inside(tmp_path):
    assert paths.safe_join(tmp_path, "a", "b.csv") == (tmp_path / "a" / "b.csv").resolve()


def test_slugify():
    assert paths.slugify("Anytown Borough Council") == "anytown-borough-council"
    assert paths.slugify("../../etc") == "etc"
    assert paths.slugify("***") == "council"


def test_palette_is_okabe_ito_and_distinct():
    assert len(set(charts.PALETTE)) == len(charts.PALETTE) == 8
    assert charts.PALETTE[0] == "#0072B2"


def test_show_figure_sets_alt_text(monkeypatch):
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display",
                        lambda obj, raw=False, metadata=None: shown.append((obj, metadata)))
    fig, ax = charts.new_figure()
    ax.plot([1, 2], [3, 4])
    png = charts.show_figure(fig, 'A line rising from 3 to 4 <"quoted">.')
    assert png.startswith(b"\x89PNG")
    bundle, meta = shown[0]
    assert meta == {"image/png": {"alt": 'A line rising from 3 to 4 <"quoted">.'}}
    assert 'alt="A line rising from 3 to 4 &lt;&quot;quoted&quot;&gt;."' in bundle["text/html"]
    assert bundle["text/plain"] == '[Figure: A line rising from 3 to 4 <"quoted">.]'
    import base64
    assert base64.b64decode(bundle["image/png"]) == png
    with pytest.raises(ValueError, match="alt text"):
        charts.show_figure(charts.new_figure()[0], "  ")


def test_figure_png_is_deterministic():
    def make():
        fig, ax = charts.new_figure()
        ax.bar(["a", "b"], [1, 2])
        return charts.figure_png(fig)

    assert make() == make()


def test_format_gbp():
    assert charts.format_gbp(1234567.8) == "£1,234,568"
    assert charts.format_gbp(-12.5, 2) == "-£12.50"
    assert charts.format_gbp(float("nan")) == "–"


def test_artefacts_manifest(tmp_path):
    import pandas as pd

    art = artefacts.Artefacts(tmp_path, "my notebook", council="Testshire")
    art.table("Top suppliers", pd.DataFrame({"s": ["=cmd()"], "v": [1]}), case="commercial",
              title="Top")
    fig, ax = charts.new_figure()
    art.figure("chart", fig, alt="A chart.", case="economic", title="Chart")
    art.text("note", "Some **text**", case="strategic", title="Note")
    art.data("numbers", {"a": 1})
    m = json.loads((tmp_path / "my_notebook" / "manifest.json").read_text())
    assert [e["name"] for e in m["entries"]] == ["Top suppliers", "chart", "note", "numbers"]
    assert m["council"] == "Testshire"
    assert (tmp_path / "my_notebook" / "top_suppliers.csv").read_text().startswith("s,v\n'=cmd()")
    assert artefacts.read_manifests(tmp_path)["my_notebook"]["entries"][1]["alt"] == "A chart."
    with pytest.raises(ValueError, match="case must be"):
        art.text("x", "y", case="nonsense", title="x")
    with pytest.raises(ValueError, match="alt text"):
        art.figure("f", fig, alt="", case="economic", title="f")
    # re-recording an entry replaces it rather than duplicating
    art.text("note", "changed", case="strategic", title="Note")
    assert len(artefacts.read_manifests(tmp_path)["my_notebook"]["entries"]) == 4


def test_artefact_names_cannot_escape(tmp_path):
    art = artefacts.Artefacts(tmp_path, "../../evil")
    assert art.folder.parent == tmp_path.resolve()
    p = art.text("../../../x", "y", case="appendix", title="t")
    assert tmp_path.resolve() in p.resolve().parents


@pytest.mark.parametrize("answer,expected,ok", [
    (10.05, 10.0, True), (11, 10.0, False), ("Access ", "access", True), (["b", "a"], ["a", "b"], True),
    (["a"], ["a", "b"], False), ("x", 3.0, False),
])
def test_selfcheck(answer, expected, ok):
    assert bool(selfcheck.check(answer, expected)) is ok


def test_selfcheck_unanswered_and_hints():
    r = selfcheck.check(..., 5)
    assert not r and "Not answered" in str(r)
    r = selfcheck.check(7, 5, hint="the total row")
    assert "too high" in str(r) and "the total row" in str(r)
    assert "not one of the options" in str(selfcheck.check_choice("maybe", "yes", ["yes", "no"]))


SCORES = {"understanding": 4, "senior_support": 2, "finding_data": 2, "data_quality": 5,
          "joined_up": 3}


def test_assess_orders_worst_first_and_recommends():
    table = orientation.assess(SCORES)
    assert list(table["score (1–5)"]) == [2, 2, 3, 4, 5]
    # ties keep the BARRIERS order: senior_support before finding_data
    assert table.loc[0, "barrier"] == "Getting senior managers on board"
    assert table.loc[4, "start with"] == "—"
    assert "Getting senior managers on board" in orientation.recommend(SCORES)
    assert "go straight to" in orientation.recommend({k: 4 for k in SCORES})


@pytest.mark.parametrize("bad,match", [
    ({**SCORES, "understanding": 6}, "score 6"), ({**SCORES, "understanding": True}, "score True"),
    ({k: v for k, v in SCORES.items() if k != "joined_up"}, "no score"),
    ({**SCORES, "morale": 3}, "unknown barrier"), ([1, 2], "mapping"),
])
def test_barrier_scores_validation(bad, match):
    with pytest.raises(DataFileError, match=match):
        orientation.validate_scores(bad)


def test_barriers_figure_alt_names_every_score():
    fig, alt = orientation.barriers_figure(SCORES)
    for b in orientation.BARRIERS:
        assert f"{b.barrier}: {SCORES[b.key]}" in alt


def test_notebook_start(tmp_path, project_root):
    from toolkit_helpers.notebook import start

    ctx = start("00_start_here", str(project_root / "councils" / "sample.yaml"), str(tmp_path),
                False, quiet=True)
    assert ctx.config.council.slug == "anytown"
    assert ctx.artefacts.folder == (tmp_path / "00_start_here").resolve()
    assert "Anytown Borough Council (E07000901)" in ctx.describe()


def test_import_is_light():
    import subprocess
    import sys

    code = ("import sys, toolkit_helpers; "
            "heavy = [m for m in ('pandas', 'matplotlib', 'papermill', 'openpyxl', 'duckdb', "
            "'frictionless', 'docx', 'yaml') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("value,kwargs,shown", [
    (2_345_678, {}, "£2.3m"), (2_345_678, {"m_decimals": 2}, "£2.35m"), (45_600, {}, "£46k"),
    (9_500, {}, "£9,500"), (9_500, {"k_from": 1e3}, "£10k"), (-12_400, {}, "-£12k"),
    (950, {}, "£950"), (float("nan"), {}, "–")])
def test_format_gbp_short(value, kwargs, shown):
    from toolkit_helpers.charts import format_gbp_short

    assert format_gbp_short(value, **kwargs) == shown


def test_read_entry_and_find_entry(tmp_path):
    import pandas as pd

    from toolkit_helpers.artefacts import Artefacts, find_entry, read_entry, read_manifests

    art = Artefacts(tmp_path, "nb")
    art.table("sites", pd.DataFrame({"site": ["A", "B"], "metres": [120, 950]}), "strategic", "Sites")
    art.data("headline", {"bcr": 1.8}, "economic")
    art.text("words", "Hello", "summary", "Words")
    manifest = read_manifests(tmp_path)["nb"]
    assert read_entry(art.folder, find_entry(manifest, "sites", "table")) == \
        [{"site": "A", "metres": "120"}, {"site": "B", "metres": "950"}]
    assert read_entry(art.folder, find_entry(manifest, "headline")) == {"bcr": 1.8}
    assert read_entry(art.folder, find_entry(manifest, "words", "text")) == "Hello"
    assert find_entry(manifest, "headline", "table") is None
    (art.folder / "headline.json").unlink()  # its notebook failed part-way
    assert read_entry(art.folder, find_entry(manifest, "headline")) is None
    # a manifest naming a file outside the folder reads only inside it
    (tmp_path / "secret.json").write_text('{"x": 1}')
    assert read_entry(art.folder, {"kind": "data", "file": "../secret.json"}) is None


def test_notebook_markdown_is_safe_html_and_plain_text():
    """Markdown shown in a notebook: raw HTML escaped in the Markdown itself, and the text as
    the plain-text copy (what a viewer that does not render Markdown shows) rather than the
    object's name."""
    from toolkit_helpers.notebook import Markdown

    md = Markdown("**Council:** Anytown <script>alert(1)</script>")
    assert "<script>" not in md._repr_markdown_() and "&lt;script&gt;" in md._repr_markdown_()
    assert repr(md) == "**Council:** Anytown <script>alert(1)</script>"
    assert repr(Markdown()) == ""
