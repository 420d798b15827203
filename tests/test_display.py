"""toolkit_helpers.display: tables and sentences as people read them."""
from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from toolkit_helpers import display as d
from toolkit_helpers.pack_format import is_money_column


class _Cells(HTMLParser):
    """The table's header and body cells, and the attributes of every tag."""

    def __init__(self):
        super().__init__()
        self.th, self.td, self.tags, self._cur = [], [], [], None
        self.caption = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("th", "td", "caption"):
            self._cur = (tag, [])

    def handle_endtag(self, tag):
        if self._cur and tag == self._cur[0]:
            text = "".join(self._cur[1])
            if tag == "caption":
                self.caption = text
            else:
                (self.th if tag == "th" else self.td).append(text)
            self._cur = None

    def handle_data(self, data):
        if self._cur:
            self._cur[1].append(data)


def parse(html_text: str) -> _Cells:
    p = _Cells()
    p.feed(html_text)
    return p


# ----------------------------------------------------------------------------- index
def test_default_range_index_is_not_shown():
    t = d.table(pd.DataFrame({"a": [1, 2]}))
    assert t.headers == ["A"]
    assert t.rows == [["1"], ["2"]]


def test_a_named_index_becomes_a_column():
    s = pd.DataFrame({"supplier": ["X", "Y", "X"], "amount": [1.0, 2.0, 3.0]}).groupby(
        "supplier")["amount"].sum()
    t = d.table(s)
    assert t.headers == ["Supplier", "Amount (£)"]
    assert t.rows == [["X", "£4"], ["Y", "£2"]]


def test_index_can_be_forced_either_way():
    df = pd.DataFrame({"v": [1, 2]}, index=pd.Index(["p", "q"], name="place"))
    assert d.table(df, index=False).headers == ["V"]
    assert d.table(pd.DataFrame({"v": [5]}), index=True).rows == [["0", "5"]]


# ----------------------------------------------------------------------------- headers
def test_headers_in_peoples_words_glossary_and_per_call_mapping():
    df = pd.DataFrame({"ocid": ["o"], "cpv_division": ["45"], "gss_code": ["E07000123"],
                       "amount_gbp": [1.0], "months_to_end": [3], "Already Words": [1]})
    t = d.table(df, headers={"months_to_end": "Months left"})
    assert t.headers == ["Contracting process ID (OCID)", "CPV division", "GSS code",
                         "Amount (£)", "Months left", "Already Words"]
    assert d.header_text("service_area_name") == "Service area name"


# ----------------------------------------------------------------------------- formats
def test_money_counts_percent_booleans_dates():
    df = pd.DataFrame({
        "amount": [37831780.0, -1234.5],
        "lines": [3716.0, 12.0],
        "top_n_share": [0.4623, 0.05],
        "switching_value_pct": [23.5, 7.0],
        "valid": [True, False],
        "payment_date": pd.to_datetime(["2025-04-01", "2025-12-31"]),
        "year": [2024, 2025],
    })
    t = d.table(df)
    assert t.rows[0] == ["£37,831,780", "3,716", "46.2%", "23.5%", "Yes", "1 April 2025", "2024"]
    assert t.rows[1] == ["−£1,235", "12", "5.0%", "7.0%", "No", "31 December 2025", "2025"]
    assert not any(re.search(r"\d\.0$", c) for row in t.rows for c in row)


def test_a_count_of_spend_files_is_a_number_not_money():
    # the neighbours study's table of councils: "spend files" counts files of spend
    df = pd.DataFrame({"council": ["Anytown", "Castlemere"], "spend files": [12, 0],
                       "spend_files": [3, 1], "net spend": [1234.5, 99.0],
                       "spend_gbp": [10.0, 2.0]})
    t = d.table(df)
    assert t.rows == [["Anytown", "12", "3", "£1,235", "£10"],
                      ["Castlemere", "0", "1", "£99", "£2"]]
    # one rule for the notebooks' tables and the pack's cells
    assert not is_money_column("spend files") and not is_money_column("Value records")
    assert is_money_column("net spend") and is_money_column("amount_gbp")
    assert d.table(df[["spend files"]], money=["spend files"]).rows[0] == ["£12"]  # asked for


def test_pence_kept_for_small_money_and_explicit_columns():
    df = pd.DataFrame({"fare": [2.5, 12.75], "uptake": [0.25, 0.5], "n": [1, 2]})
    t = d.table(df, money=["fare"], percent=["uptake"])
    assert [r[:2] for r in t.rows] == [["£2.50", "25%"], ["£12.75", "50%"]]
    assert d.table(pd.DataFrame({"amount": [5.0]}), money=False).rows == [["5"]]


def test_missing_values_are_blank_and_object_booleans_read_yes_no():
    df = pd.DataFrame({"amount": [1.0, None], "ok": pd.array([True, None], dtype="object"),
                       "when": [pd.Timestamp("2024-02-29 14:30"), pd.NaT]})
    t = d.table(df)
    assert t.rows == [["£1", "Yes", "29 February 2024 14:30"], ["", "", ""]]


# ----------------------------------------------------------------------------- text
def test_long_text_is_never_cut():
    long = "word " * 120 + "end"
    t = d.table(pd.DataFrame({"purpose": [long]}))
    html_text = t._repr_html_()
    assert "…" not in html_text and "..." not in html_text
    assert parse(html_text).td == [long]
    assert "white-space:normal" in html_text and "overflow-wrap:anywhere" in html_text


def test_hostile_cells_and_headers_are_escaped():
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    df = pd.DataFrame({evil: [evil], "b": ['" onmouseover="x']})
    html_text = d.table(df, caption=evil)._repr_html_()
    assert "<script>" not in html_text and "<img" not in html_text
    p = parse(html_text)
    assert p.td[0] == evil and p.th[0] == evil and p.caption == evil
    assert all("onerror" not in a and "onmouseover" not in a for _, a in p.tags)


def test_accessible_markup_and_keyboard_scrollable_wrapper():
    html_text = d.table(pd.DataFrame({"a": [1], "b": ["x"]}), caption="Spend by area")._repr_html_()
    p = parse(html_text)
    region = p.tags[0]
    assert region[0] == "div"
    assert region[1]["tabindex"] == "0" and region[1]["role"] == "region"
    assert region[1]["aria-label"] == "Spend by area"
    assert "overflow-x:auto" in region[1]["style"]
    assert p.caption == "Spend by area"
    assert [a.get("scope") for t, a in p.tags if t == "th"] == ["col", "col"]


# ----------------------------------------------------------------------------- long tables
def test_long_table_shortened_with_count_line_and_csv_of_all_rows(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_ROOT", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "outputs" / "anytown" / "nb"
    out.mkdir(parents=True)
    df = pd.DataFrame({"supplier": [f"S{i}" for i in range(209)], "amount": range(209)})
    t = d.table(df, caption="All suppliers", folder=out)
    assert len(t.rows) == 25 and t.total == 209
    html_text = t._repr_html_()
    assert "Showing 25 of 209 rows." in html_text
    assert t.saved.parent == out / "downloads" and t.saved.name == "all_suppliers.csv"
    with open(t.saved, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["supplier", "amount"] and len(rows) == 210
    links = [a for tag, a in parse(html_text).tags if tag == "a"]
    assert links == [{"href": "outputs/anytown/nb/downloads/all_suppliers.csv", "download": None}]
    # nothing but the CSV was left in the folder (atomic write: no temporary files)
    assert sorted(p.name for p in (out / "downloads").iterdir()) == ["all_suppliers.csv"]
    assert "Showing 25 of 209 rows." in repr(t)


def test_link_is_relative_to_the_notebooks_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_ROOT", str(tmp_path))
    (tmp_path / "notebooks" / "stages").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "notebooks" / "stages")
    out = tmp_path / "outputs" / "c" / "nb"
    t = d.table(pd.DataFrame({"a": range(30)}), folder=out, download="my table")
    assert t.link == "../../outputs/c/nb/downloads/my_table.csv"


def test_no_link_to_a_folder_outside_the_project(tmp_path, monkeypatch):
    (tmp_path / "project").mkdir()
    monkeypatch.setenv("TOOLKIT_ROOT", str(tmp_path / "project"))
    monkeypatch.chdir(tmp_path / "project")
    t = d.table(pd.DataFrame({"a": range(30)}), folder=tmp_path / "scratch")
    assert t.saved.is_file() and t.link is None
    html_text = t._repr_html_()
    assert "<a " not in html_text and str(tmp_path) not in html_text


def test_download_name_cannot_escape_the_output_folder(tmp_path):
    t = d.table(pd.DataFrame({"a": range(30)}), folder=tmp_path, download="../../etc/passwd")
    assert t.saved.resolve().is_relative_to((tmp_path / "downloads").resolve())


def test_short_table_writes_nothing_unless_asked(tmp_path):
    t = d.table(pd.DataFrame({"a": [1]}), folder=tmp_path)
    assert t.saved is None and not (tmp_path / "downloads").exists()
    t = d.table(pd.DataFrame({"a": [1]}), folder=tmp_path, download=True, caption="One")
    assert t.saved == tmp_path / "downloads" / "one.csv" and t.count_line() is None


# ----------------------------------------------------------------------------- display
def test_show_table_and_say_publish_html_and_markdown(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.extend(a))
    d.show_table(pd.Series([1, 2], name="count"))
    d.show_table(None)
    d.say("Total **£12** <script>x</script>")
    d.say("  ")
    d.say("Counted in one year only:", None, 3)
    assert len(shown) == 3
    assert isinstance(shown[0], d.Table) and shown[0].headers == ["Count"]
    md = shown[1]._repr_markdown_()
    assert "**£12**" in md and "<script>" not in md and "&lt;script&gt;" in md
    assert shown[2]._repr_markdown_() == "Counted in one year only:  3"


def test_show_table_passes_other_objects_through(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.extend(a))
    marker = object()
    d.show_table(marker)
    assert shown == [marker]


@pytest.mark.parametrize("value,text", [(1234.5, "1,235"), (-0.004, "0"), (2.0, "2")])
def test_rounding_half_up_and_no_negative_zero(value, text):
    assert d._number(value, 0) == text


# ----------------------------------------------------------------------------- notebooks
ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(str(p.relative_to(ROOT / "notebooks"))
                   for p in (ROOT / "notebooks").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
WIDGET_CALLS = ("widgets.form", "widgets.sliders", "scenario_sliders", "FileUpload")


def _notebook(name):
    import json

    return json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_tables_go_through_show_table(name):
    nb = _notebook(name)
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "from toolkit_helpers.display import" in code and "show_table(" in code
    for cell in nb["cells"]:
        if any(w in "".join(cell["source"]) for w in WIDGET_CALLS):
            continue  # a widget's own output is drawn by toolkit_helpers.widgets / appraisal
        for out in cell.get("outputs", []):
            html_text = "".join(out.get("data", {}).get("text/html", ""))
            # pandas' own HTML (its 0…n index, "…" cut text) never reaches the reader
            assert 'class="dataframe"' not in html_text, "".join(cell["source"])[:200]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_ends_by_saying_to_shut_its_kernel_down(name):
    last = _notebook(name)["cells"][-1]
    text = "".join(last["source"])
    assert last["cell_type"] == "markdown"
    assert "Kernel → Shut Down Kernel" in text and "Binder" in text and "memory" in text


def test_small_numbers_keep_the_decimals_they_have():
    t = d.table(pd.DataFrame({"discount factor": [1.0, 0.9662, 0.0321], "visits": [1.5, 2.25, 3.0]}))
    assert [r[0] for r in t.rows] == ["1.0000", "0.9662", "0.0321"]
    assert [r[1] for r in t.rows] == ["1.50", "2.25", "3.00"]
