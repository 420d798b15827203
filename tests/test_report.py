"""The business case pack: HTML (parsed: five cases, escaping, alt text, tables, headings in
order, missing notebooks said) and Word (re-read with python-docx)."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import json
import pandas as pd
import pytest

from toolkit_helpers import report
from toolkit_helpers.artefacts import Artefacts
from toolkit_helpers.config import parse_config

SCRIPT = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(2)>'
FIVE = ["Strategic case", "Economic case", "Commercial case", "Financial case", "Management case"]


def _png() -> bytes:
    from toolkit_helpers.charts import figure_png, new_figure

    fig, ax = new_figure(figsize=(2, 1.5))
    ax.bar([0, 1], [3, 5])
    return figure_png(fig)


@pytest.fixture
def outputs(tmp_path):
    out = tmp_path / "outputs" / "evil"
    png = _png()
    a = Artefacts(out, "dwp_jobseekers", title=f"DWP {SCRIPT}", council=SCRIPT)
    a.text("need", f"### The need {SCRIPT}\n\nSome **bold** and *italic* {ATTR}\n\n"
                   "- one [link](https://example.org/a?b=1&c=2)\n- two [bad](javascript:alert(3))\n\n"
                   "| a | b |\n|---|---|\n| <b>x</b> | 2 |\n", case="strategic",
           title=f"Need {SCRIPT}")
    a.table("compare", pd.DataFrame({"area": [SCRIPT, "Anytown"], "rate": [ATTR, "2.4"]}),
            case="strategic", title=f"Comparison {ATTR}")
    a.figure("trend", png, alt=f"A line chart {ATTR} {SCRIPT} rising from 2 to 3", case="strategic",
             title="Trend")
    b = Artefacts(out, "03_demonstrating_value", title="Stage 3", council=SCRIPT)
    b.table("appraisal", pd.DataFrame({"option": ["do minimum", "preferred"], "BCR": [1.0, 2.5]}),
            case="economic", title="Appraisal")
    b.table("costs", pd.DataFrame({"year": list(range(60)), "cost": list(range(60))}),
            case="financial", title="Costs by year")
    b.data("headline", {"NPSV": 1234, "BCR": 2.5, "category": SCRIPT}, case="summary",
           title="Headline figures")
    b.data("nested", {"a": [1, 2]}, case="appendix", title="Nested data")
    c = Artefacts(out, "04_championing_open", title="Stage 4", council=SCRIPT)
    c.figure("maturity", png, alt="Bar chart of maturity scores, average 1.6 of 5",
             case="management", title="Maturity")
    c.text("canvas", "**1. Data sources** — *question*\n\nanswer", case="management",
           title="Data Ethics Canvas")
    # an entry whose file has gone missing must not break the pack
    c.table("gone", pd.DataFrame({"x": [1]}), case="appendix", title="Gone table")
    (c.folder / "gone.csv").unlink()
    c.table("blank", pd.DataFrame({"x": [1]}), case="appendix", title="Blank table")
    (c.folder / "blank.csv").write_text("", encoding="utf-8")
    return out


@pytest.fixture
def config(tmp_path):
    raw = {"council": {"name": f"Evil {SCRIPT} {ATTR}", "gss_code": "E07000901", "slug": "evil"},
           "service": {"name": f"Hubs {SCRIPT}", "problem": f"Visits fall {ATTR}"}}
    return parse_config(raw, tmp_path / "c.yaml")


class Parsed(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.headings = [], [], []
        self._h = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._h = [int(tag[1]), ""]

    def handle_endtag(self, tag):
        if self._h and tag == f"h{self._h[0]}":
            self.headings.append(tuple(self._h))
            self._h = None

    def handle_data(self, data):
        self.text.append(data)
        if self._h:
            self._h[1] += data


def _parse(path: Path) -> Parsed:
    p = Parsed()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


def test_build_pack_html(outputs, config):
    paths = report.build_pack(outputs, config)
    assert set(paths) == {"html", "docx", "json"}
    assert paths["html"] == outputs / "business_case.html"
    p = _parse(paths["html"])
    tags = [t for t, _ in p.tags]
    # no injected element or attribute made it through
    assert "script" not in tags
    imgs = [a for t, a in p.tags if t == "img"]
    assert len(imgs) == 2
    for a in imgs:
        assert set(a) == {"src", "alt"} and a["alt"].strip()
        assert a["src"].startswith("data:image/png;base64,")
    assert not any(k.startswith("on") for _, a in p.tags for k in a)
    assert all(a.get("href", "").startswith(("#", "https://")) for t, a in p.tags if t == "a")
    text = "".join(p.text)
    assert SCRIPT in text and "<b>x</b>" in text  # shown as text, not run
    assert any(a["alt"].startswith('A line chart "><img src=x onerror=alert(2)>') for a in imgs)
    # language, skip link, one h1, the five cases, headings in order
    html_tag = dict(p.tags[0][1]) if p.tags[0][0] == "html" else {}
    assert html_tag.get("lang") == "en-GB"
    assert ("a", {"class": "skip", "href": "#main"}) in p.tags
    assert ("main", {"id": "main", "tabindex": "-1"}) in p.tags
    levels = [lvl for lvl, _ in p.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    h2 = [t for lvl, t in p.headings if lvl == 2]
    for case in ["Executive summary", *FIVE, "Appendix A: where the evidence comes from",
                 "Appendix B: data sources and quality", "Appendix C: detailed tables"]:
        assert case in h2
    assert h2.index("Strategic case") < h2.index("Economic case") < h2.index("Management case")
    # tables: caption and scoped headers
    assert tags.count("table") == tags.count("caption") + 1  # the Markdown table has no caption
    assert all(a.get("scope") in ("col", "row") for t, a in p.tags if t == "th")
    # the commercial case's notebook did not run: said so, not broken
    assert "This section is empty: Case study: Spend Network tenders (delivery chains) " \
           "(spend_network_tenders), Case study: your spend beside your neighbours' (delivery " \
           "chains) (spend_neighbours) did not run. Run them" in text
    assert "Gone table" in text and "could not be read (04_championing_open/gone.csv" in text
    assert "could not be read (04_championing_open/blank.csv" in text
    # a long table is in appendix C (cut there with a note), the main body points to it
    assert "The table (60 rows, 2 columns) is in appendix C." in text
    assert "The first 40 of 60 rows" in text
    # structured data is not dumped into the document: its figures are in business_case.json
    assert "1234" not in text
    assert json.loads(paths["json"].read_text())["sections"][0]["figures"][
        "03_demonstrating_value.headline.NPSV"] == "1234"
    # no "From:" line under every table: one provenance table in appendix A
    assert "From: " not in text and "dwp_jobseekers/compare.csv" in text
    # the board's words: column titles and money
    assert "Cost" in text and "£39" in text
    # the safe markdown: bold/italic/links, no javascript: link
    assert ("a", {"href": "https://example.org/a?b=1&c=2"}) in p.tags
    assert "javascript" not in "".join(a.get("href", "") for _, a in p.tags)
    assert "strong" in tags and "em" in tags


def test_markdown_renderer_escapes_everything():
    out = report.markdown_to_html(f"# T {SCRIPT}\n\n{ATTR} **b{SCRIPT}**\n\n- `{SCRIPT}`")
    assert "<script" not in out and "<img" not in out
    assert out.startswith("<h4>T &lt;script&gt;")
    assert "<strong>b&lt;script&gt;" in out and "<code>&lt;script&gt;" in out


def test_build_pack_docx(outputs, config):
    import docx

    paths = report.build_pack(outputs, config)
    d = docx.Document(str(paths["docx"]))
    heads = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert heads[0] == "Executive summary"
    for case in FIVE:
        assert case in heads
    assert d.paragraphs[0].style.name == "Title" and SCRIPT in d.paragraphs[0].text
    assert len(d.tables) >= 6
    headers = [[c.text for c in t.rows[0].cells] for t in d.tables]
    assert headers[:3] == [["", "Figure"], ["a", "b"], ["Area", "Rate"]]
    assert d.tables[2].rows[1].cells[0].text == SCRIPT
    assert d.tables[2].rows[1].cells[1].text == ATTR
    # A4, page numbers and a contents field
    sec = d.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    xml = paths["docx"].read_bytes()
    import zipfile

    with zipfile.ZipFile(paths["docx"]) as z:
        doc_xml = z.read("word/document.xml").decode()
        footers = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
    assert " PAGE " in footers and "TOC \\o" in doc_xml
    assert xml
    shapes = d.inline_shapes
    assert len(shapes) == 2
    descr = [s._inline.docPr.get("descr") for s in shapes]
    assert descr[0].startswith("A line chart") and descr[1].startswith("Bar chart of maturity")
    body = "\n".join(p.text for p in d.paragraphs)
    assert "(spend_network_tenders), " in body and "(spend_neighbours) did not run" in body
    assert d.core_properties.language == "en-GB"


def test_pack_with_nothing_run(tmp_path, config):
    out = tmp_path / "empty"
    paths = report.build_pack(out, config, expected=["01_goals", "03_demonstrating_value"])
    text = "".join(_parse(paths["html"]).text)
    assert "Built from 0 notebooks that ran" in text
    assert "Notebooks that did not run: 01_goals, 03_demonstrating_value." in text
    assert text.count("This section is empty") == 3   # strategic, economic, financial
    assert "Not yet included: Stage 1: goals, benefits and logic model (01_goals), Stage 3" in text
    assert "No notebook has recorded evidence for this section yet." in text


def test_status_tables(outputs, config):
    pack = report.collect(outputs, config)
    s = report.pack_status(pack).set_index("section")
    assert s.loc["Commercial case", "status"] == "empty"
    assert s.loc["Commercial case", "did not run"] == "spend_network_tenders, spend_neighbours"
    assert s.loc["Economic case", "status"] == "partly filled"    # tfl_transport did not run
    assert s.loc["Strategic case", "artefacts"] == 3
    assert s.loc["Executive summary", "status"] == "filled"
    n = report.notebooks_status(pack).set_index("notebook")
    assert n.loc["dwp_jobseekers", "ran"] == "yes" and n.loc["dwp_jobseekers", "artefacts"] == 3
    assert n.loc["01_goals", "ran"] == "no"


def test_rebuild_replaces_atomically(outputs, config):
    first = report.build_pack(outputs, config)["html"].read_bytes()
    again = report.build_pack(outputs, config)["html"].read_bytes()
    assert first == again
    assert not list(outputs.glob(".*.tmp"))


@pytest.mark.parametrize("raw, shown", [
    ("0.05591433004776963", "0.0559"), ("2127500.0", "2,127,500"), ("12.3456", "12.35"),
    ("1234.5", "1,234"), ("2024", "2024"), ("E07000901", "E07000901"), ("-0.5", "-0.5"),
    ("2.0", "2"), ("", ""), ("1.0e5", "1.0e5")])
def test_display_value_rounds_only_floats(raw, shown):
    assert report.display_value(raw) == shown


def test_executive_summary_says_what_each_case_holds(outputs, config):
    pack = report.collect(outputs, config)
    lines = report.case_overview(pack)
    assert lines[0].startswith("Strategic case: 3 items from dwp_jobseekers — e.g. Need")
    assert lines[2] == "Commercial case: no evidence yet."


def test_command_line_hook(outputs, tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("council: {name: Evil, gss_code: 'E07000901'}\nservice: {name: Hubs}\n",
                   encoding="utf-8")
    assert report.main(["--config", str(cfg), "--output-dir", str(outputs)]) == 0
    out = capsys.readouterr().out
    assert "business_case.html" in out and "Commercial case" in out
    assert (outputs / "business_case.docx").is_file()
    assert report.main(["--config", str(cfg), "--output-dir", str(tmp_path / "none")]) == 1
    assert "no outputs to build the pack from" in capsys.readouterr().out


def test_toolkit_pack_command(outputs, tmp_path, capsys):
    from toolkit_helpers import cli

    cfg = tmp_path / "c.yaml"
    cfg.write_text("council: {name: Evil, gss_code: 'E07000901'}\nservice: {name: Hubs}\n"
                   f"output_dir: '{outputs}'\n", encoding="utf-8")
    assert cli.main(["pack", "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "business_case.html (html)" in out and "business_case.docx (docx)" in out
    assert "Commercial case" in (outputs / "business_case.html").read_text(encoding="utf-8")


def test_control_characters_never_reach_word_or_html(tmp_path):
    """A control character in a supplier name (a data file) must not break the Word pack or
    drop a table; one in the config is refused with a message naming the key."""
    import docx

    from toolkit_helpers.errors import ConfigError

    out = tmp_path / "out"
    a = Artefacts(out, "spend_network_tenders", title="Spend")
    a.table("top_suppliers", pd.DataFrame({"supplier": ["Acme\x07 Ltd\x1b", "Bell\x00 plc"],
                                           "amount": [10.0, 20.0]}),
            case="commercial", title="Top\x0b suppliers")
    raw = {"council": {"name": "Testshire", "gss_code": "E07000901"}, "service": {"name": "Hubs"}}
    paths = report.build_pack(out, parse_config(raw, tmp_path / "c.yaml"))
    d = docx.Document(str(paths["docx"]))
    cells = [c.text for t in d.tables for r in t.rows for c in r.cells]
    assert "Acme Ltd" in cells and "Bell plc" in cells
    assert "Top suppliers" in [p.text for p in d.paragraphs]
    html = paths["html"].read_text(encoding="utf-8")
    assert "Acme Ltd" in html and "\x07" not in html
    raw["council"]["name"] = "Test\x07shire"
    with pytest.raises(ConfigError) as e:
        parse_config(raw, tmp_path / "c.yaml")
    assert "council.name" in str(e.value) and "control character" in str(e.value)
