"""Talking-points slides: one self-contained, offline HTML deck per notebook, made from the
notebook's own headings, objectives, exercises and summary."""
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from toolkit_helpers import slides
from toolkit_helpers.collection import discover
from toolkit_helpers.errors import ToolkitError

ROOT = Path(__file__).resolve().parents[1]

MD = [
    "# Bins: open data for collections\n\nA first paragraph.",
    "## Overview\n\nIn this notebook you will:\n\n1. load the **collection** rounds;\n"
    "2. find missed bins\n   by street;\n3. save `outputs/<council>/` artefacts.",
    "## Prerequisites\n\n**Time to learn**: 20 minutes (10 reading, 10 for the exercises)",
    "## 1. Why rounds matter\n\nCrews follow rounds. Missed bins (about 2% of lifts) cost "
    "money. A third sentence. A fourth sentence.",
    "## 2. The data\n\n- rounds.csv: one row per street\n- missed.csv: reports",
    "## Exercises\n\n**Learning objectives**: read a round; spot a missed street.\n\n"
    "1. Which street has most missed bins? Look at the table.\n"
    "2. How many rounds are there?\n\n<details><summary>Solution</summary>\n\n"
    "1. Elm Road.\n2. Four.\n\n</details>",
    "## Summary\n\n- Rounds are data.\n- Missed bins show where.",
    "## What's next\n\n- `stages/01_goals.ipynb`: goals.",
]


@pytest.fixture
def notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(m) for m in MD]
    nb.cells.insert(4, nbformat.v4.new_code_cell("print('hello')"))
    path = tmp_path / "notebooks" / "case_studies" / "bins.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


class Parse(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append(dict(attrs))

    def handle_data(self, data):
        self.text.append(data)


def test_deck_is_made_from_the_notebook(notebook, tmp_path):
    deck = slides.deck_for(notebook, tmp_path)
    heads = [s.heading for s in deck.slides]
    assert heads == ["Bins: open data for collections", "Overview", "By the end you can",
                     "1. Why rounds matter", "2. The data", "Exercises", "Summary",
                     "What's next"]
    first = deck.slides[0]
    assert first.note == "Time to learn: 20 minutes (10 reading, 10 for the exercises)"
    by = {s.heading: s for s in deck.slides}
    # list items, continuation lines joined, Markdown marks gone, placeholders kept
    assert by["Overview"].points == ["load the collection rounds;", "find missed bins by street;",
                                     "save outputs/<council>/ artefacts."]
    assert by["By the end you can"].points == ["read a round", "spot a missed street"]
    # prose: its first three sentences, not split inside "(about 2% of lifts)"
    assert by["1. Why rounds matter"].points == [
        "Crews follow rounds.", "Missed bins (about 2% of lifts) cost money.",
        "A third sentence."]
    assert by["1. Why rounds matter"].note == "In the notebook: section 1"
    # exercises: the challenge, never the folded solution
    assert by["Exercises"].points == ["1. Which street has most missed bins?",
                                      "2. How many rounds are there?"]
    assert "Elm Road" not in str(deck)


def test_render_is_self_contained_and_accessible(notebook, tmp_path):
    page = slides.render(slides.deck_for(notebook, tmp_path))
    p = Parse()
    p.feed(page)
    assert re.search(r'<html lang="en">', page)
    assert p.tags.count("h1") == 1 and p.tags.count("section") == 8
    assert "<title>Bins: open data for collections — talking points</title>" in page
    # nothing from the web: no src/href to http(s), no CDN names
    for attrs in p.attrs:
        for key in ("src", "href"):
            assert not re.match(r"(https?:)?//", attrs.get(key) or ""), attrs
    assert "reveal" not in page.lower() and "cdn" not in page.lower()
    assert "<script>" in page and "ArrowRight" in page and "ArrowLeft" in page
    assert "&lt;council&gt;" in page  # text is escaped, not injected
    first_link = next(a for t, a in zip(p.tags, p.attrs) if t == "a")
    assert first_link.get("href") == "#slides"  # the skip link comes first


def test_talking_points_limits_and_html():
    many = "\n".join(f"- point {i}" for i in range(12))
    assert slides.talking_points(many) == [f"point {i}" for i in range(slides.MAX_POINTS)]
    long = "- " + "word " * 100
    assert len(slides.talking_points(long)[0]) <= slides.MAX_POINT_CHARS
    assert slides.talking_points("<details><summary>S</summary>\n\n- hidden\n</details>\n"
                                 "- shown") == ["shown"]


def test_a_broken_notebook_is_named(tmp_path):
    bad = tmp_path / "notebooks" / "bad.ipynb"
    bad.parent.mkdir()
    bad.write_text("{not json")
    with pytest.raises(ToolkitError, match="bad.ipynb"):
        slides.deck_for(bad, tmp_path)


def test_one_deck_per_notebook_of_the_collection(tmp_path):
    written = slides.build(tmp_path / "decks", ROOT)
    names = {n.name for n in discover(ROOT)}
    assert {p.stem for p in written} == names  # found, not listed by hand
    for p in written:
        text = p.read_text(encoding="utf-8")
        nb = nbformat.read(next(n.path for n in discover(ROOT) if n.name == p.stem), 4)
        title = next(line[2:].strip() for c in nb.cells if c.cell_type == "markdown"
                     for line in c.source.splitlines() if line.startswith("# "))
        assert title.replace("`", "").replace("*", "") in text.replace("&#x27;", "'")
        assert text.count('class="slide"') >= 5, p.name  # title, overview, sections, …
        assert "Exercises" in text, p.name


def test_cli_slides(tmp_path, capsys):
    from toolkit_helpers.cli import main

    assert main(["slides", "--out", str(tmp_path / "s")]) == 0
    assert "decks" in capsys.readouterr().out
    assert len(list((tmp_path / "s").glob("*.html"))) == len(discover(ROOT))


# ------------------------------------------------------------------ the printable handout


def test_handout_has_every_exercise_in_full_without_solutions(notebook, tmp_path):
    text = slides.handout_markdown(tmp_path)
    assert "## Bins: open data for collections" in text
    assert "1. Which street has most missed bins? Look at the table." in text
    assert "2. How many rounds are there?" in text
    assert text.count("Answer: ____") == 2
    assert "Elm Road" not in text and "<details>" not in text
    assert "**Learning objectives**: read a round; spot a missed street." in text


def test_handout_matches_the_notebooks_and_is_up_to_date():
    from toolkit_helpers.guide import collection_guide

    text = slides.handout_markdown(ROOT)
    guides = collection_guide(ROOT)
    assert text.count("Answer: ____") == sum(len(g.exercises) for g in guides)
    plain = " ".join(text.replace("*", "").replace("`", "").split())
    for g in guides:
        for e in g.exercises:
            assert e.text.rstrip("…")[:60] in plain, (g.name, e.number)
    assert (ROOT / "docs" / "handout.md").read_text(encoding="utf-8") == text, \
        "docs/handout.md is out of date: run `toolkit handout`"


def test_half_day_route_names_real_sections_and_exercises():
    """The facilitator guide's half-day route names sections by their headings: each must be
    a numbered section of that notebook, and each exercise number one it has."""
    import json

    from toolkit_helpers.guide import _sections, read_notebook

    text = (ROOT / "docs" / "facilitator-guide.md").read_text(encoding="utf-8")
    block = text.split("<!-- half-day route")[1].split("<!-- end of half-day route -->")[0]
    paths = {n.name: n.path for n in discover(ROOT)}
    rows = [r for r in block.splitlines() if r.startswith("| `")]
    assert len(rows) >= 6
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        name = cells[0].strip("`")
        assert name in paths, name
        nb = json.loads(paths[name].read_text(encoding="utf-8"))
        headings = {h for h in _sections(nb["cells"]) if h[:1].isdigit()}
        named = [m.group(0).strip() for cell in cells[1:3]
                 for m in re.finditer(r"\d+\. [^;(]+?(?=\s*(?:\(|;|$))", cell)]
        assert named, row
        for section in named:
            assert section in headings, (name, section)
        # every numbered section is either taught or skipped
        assert {h for h in headings} == set(named), (name, headings - set(named))
        numbers = {int(n) for n in re.findall(r"\d+", cells[3].split("(")[0])}
        known = {e.number for e in read_notebook(paths[name], ROOT).exercises}
        assert numbers <= known, (name, numbers - known)
