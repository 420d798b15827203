"""`make site`: a static HTML page per notebook titled from its first heading, a navigation list
on every page and an index, links between pages that resolve, figures with alt text, widgets
replaced by a note, nothing fetched from the web."""
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from toolkit_helpers import site
from toolkit_helpers.collection import discover

ROOT = Path(__file__).resolve().parents[1]


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.imgs, self.remote, self.h1 = [], [], [], 0
        self.title, self.lang, self.navs, self.ids = "", None, 0, set()
        self._in_title = False
        self.nav_links: list[str] = []
        self._nav_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "title":
            self._in_title = True
        if tag == "h1":
            self.h1 += 1
        if tag == "nav":
            self.navs += 1
            self._nav_depth += 1
        if tag == "a":
            self.links.append(a.get("href"))
            if self._nav_depth:
                self.nav_links.append(a.get("href"))
        if tag == "img":
            self.imgs.append(a)
        for key in ("src", "href"):
            if tag in ("script", "link", "img", "iframe") and re.match(r"(https?:)?//",
                                                                       a.get(key) or ""):
                self.remote.append((tag, a[key]))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag == "nav":
            self._nav_depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(path: Path) -> Collect:
    p = Collect()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def first_heading(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for line in cell.source.splitlines() if cell.cell_type == "markdown" else []:
            if line.startswith("# "):
                return line[2:].strip()
    raise AssertionError(f"{path} has no title")


# ------------------------------------------------------------------ fast unit tests

PAGES = {"00_start_here.ipynb": "00_start_here.html", "stages/01_goals.ipynb": "stages/01_goals.html",
         "case_studies/tfl_transport.ipynb": "case_studies/tfl_transport.html"}


def test_links_to_notebooks_are_rewritten_with_their_anchor():
    body = ('<p><a href="../stages/01_goals.ipynb#4.-The-benefits-register">goals</a> '
            '<a href="../00_start_here.ipynb">start</a> <a href="#local">here</a> '
            '<a href="https://www.gov.uk/x">web</a> <a href="../../data/README.md">data</a></p>')
    out = site.rewrite_links(body, "case_studies/tfl_transport.html",
                             "case_studies/tfl_transport.ipynb", PAGES)
    assert 'href="../stages/01_goals.html#4.-The-benefits-register"' in out
    assert 'href="../00_start_here.html"' in out
    assert 'href="#local"' in out and 'href="https://www.gov.uk/x"' in out
    assert ".ipynb" not in out
    # a file the site does not hold is named, not linked
    assert 'href="../../data/README.md"' not in out and "<code>data/README.md</code>" in out


def test_links_from_the_same_folder_and_the_top():
    out = site.rewrite_links('<a href="01_goals.ipynb">g</a>', "stages/02_data_use.html",
                             "stages/02_data_use.ipynb", PAGES)
    assert 'href="01_goals.html"' in out
    out = site.rewrite_links('<a href="stages/01_goals.ipynb#x">g</a>', "00_start_here.html",
                             "00_start_here.ipynb", PAGES)
    assert 'href="stages/01_goals.html#x"' in out


def test_nav_marks_the_current_page_and_links_relatively():
    pages = [site.Page(k, v, k) for k, v in PAGES.items()]
    nav = site.nav_html(pages, "stages/01_goals.html")
    assert 'href="../index.html"' in nav and 'href="../00_start_here.html"' in nav
    assert 'href="01_goals.html" aria-current="page"' in nav
    assert nav.count('aria-current="page"') == 1


def test_one_h1_and_remote_assets_found():
    assert site._one_h1("<h1 id=a>A</h1><h1>B</h1>") == "<h1 id=a>A</h1><h2>B</h2>"
    assert site.remote_assets('<script src="https://cdn.x/require.js"></script>')
    assert not site.remote_assets('<script>var a = "https://x";</script>')


# ------------------------------------------------------------------ the built site


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    site.build(out)
    return out


def pages(built):
    """The notebook pages and the index (the slides are tested in test_slides.py)."""
    return sorted(q for q in built.rglob("*.html") if q.parent.name != "slides")


@pytest.mark.slow
def test_index_links_every_notebook(built):
    p = parse(built / "index.html")
    expected = {str(n.path.relative_to(ROOT / "notebooks").with_suffix(".html"))
                for n in discover(ROOT)}
    assert expected <= set(p.links)
    for href in expected:
        assert (built / href).exists()
    # every page is a notebook's or the index: nothing stale, nothing missing
    assert {str(q.relative_to(built)) for q in pages(built)} == expected | {"index.html"}
    # and each notebook's talking-points deck is linked from the index
    decks = {f"slides/{n.name}.html" for n in discover(ROOT)}
    assert decks <= set(p.links)
    assert all((built / d).is_file() for d in decks)


@pytest.mark.slow
def test_titles_come_from_the_first_heading(built):
    for n in discover(ROOT):
        page = built / n.path.relative_to(ROOT / "notebooks").with_suffix(".html")
        p = parse(page)
        assert p.title.strip() == first_heading(n.path).replace("`", "").replace("*", "")
        assert p.title.strip() != "Notebook"


@pytest.mark.slow
def test_every_page_has_nav_lang_skip_link_and_one_h1(built):
    n_notebooks = len(discover(ROOT))
    for page in pages(built):
        p = parse(page)
        assert p.lang == "en", page.name
        assert p.h1 == 1, page.name
        assert p.navs == 1, page.name
        assert len(p.nav_links) == n_notebooks + 1, page.name  # the index and every notebook
        assert p.links[0] == "#main" and "main" in p.ids, page.name


@pytest.mark.slow
def test_every_internal_link_resolves(built):
    for page in pages(built):
        p = parse(page)
        rel_dir = posixpath.dirname(str(page.relative_to(built)))
        for href in p.links:
            assert href, page.name
            if re.match(r"^[a-z][a-z0-9+.-]*:", href) or href.startswith("#"):
                continue
            assert ".ipynb" not in href, (page.name, href)
            path, _, anchor = href.partition("#")
            target = built / posixpath.normpath(posixpath.join(rel_dir, path))
            assert target.is_file(), (page.name, href)
            if anchor:
                assert anchor in parse(target).ids, (page.name, href)


@pytest.mark.slow
def test_nothing_is_fetched_from_the_web(built):
    for page in pages(built):
        text = page.read_text(encoding="utf-8")
        assert parse(page).remote == [], page.name
        assert site.remote_assets(text) == [], page.name
        for word in ("require.js", "require.min.js", "MathJax.js", "mathjax@", "cdnjs",
                     "unpkg.com", "jsdelivr"):
            assert word not in text, (page.name, word)


@pytest.mark.slow
def test_pages_have_alt_text_and_no_widget_json(built):
    for page in pages(built):
        if page.name == "index.html":
            continue
        text = page.read_text(encoding="utf-8")
        p = parse(page)
        assert all((img.get("alt") or "").strip() for img in p.imgs), page.name
        assert all(len(img.get("alt") or "") > 20 for img in p.imgs), page.name
        assert "application/vnd.jupyter.widget-view+json" not in text
    assert "Interactive controls appear here" in (built / "00_start_here.html").read_text()
    assert sum(len(parse(q).imgs) for q in pages(built)) > 5  # the figures are there


@pytest.mark.slow
def test_ships_high_contrast_code_and_underlined_links(built):
    text = (built / "stages" / "01_goals.html").read_text(encoding="utf-8")
    assert "text-decoration:underline" in text
    assert site.SITE_CSS.strip()[:40] in text
