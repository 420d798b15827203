"""`make site`: a static HTML page per notebook, an index linking them all, figures with alt
text, widgets replaced by a note (they cannot run in a static page)."""
from html.parser import HTMLParser
from pathlib import Path

import pytest

from toolkit_helpers import site
from toolkit_helpers.collection import discover

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.imgs = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a":
            self.links.append(a.get("href"))
        if tag == "img":
            self.imgs.append(a)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    site.build(out)
    return out


def test_index_links_every_notebook(built):
    p = Collect()
    p.feed((built / "index.html").read_text())
    expected = {str(n.path.relative_to(ROOT / "notebooks").with_suffix(".html"))
                for n in discover(ROOT)}
    assert expected <= set(p.links)
    for href in expected:
        assert (built / href).exists()


def test_pages_have_alt_text_and_no_widget_json(built):
    for page in built.rglob("*.html"):
        if page.name == "index.html":
            continue
        text = page.read_text()
        p = Collect()
        p.feed(text)
        assert all(len(img.get("alt") or "") > 20 for img in p.imgs), page.name
        assert "application/vnd.jupyter.widget-view+json" not in text
    assert "Interactive controls appear here" in (built / "00_start_here.html").read_text()
