"""A readable static rendering of the collection (``make site``): one HTML page per notebook,
with its stored outputs, an index, and a navigation list on every page. Built offline with
nbconvert; the pages work offline too.

* Each page is titled from the notebook's first ``#`` heading and has exactly one ``<h1>``.
* Links between notebooks (``01_goals.ipynb``, ``../stages/01_goals.ipynb#anchor``) are
  rewritten to the generated pages; a relative link to anything else in the repository (which
  the site does not hold) becomes plain text saying where to find it.
* No script or stylesheet from the web: nbconvert's require.js, MathJax, Mermaid and widget
  loader blocks are left out by a small template, images are embedded, and the CSS the site
  ships (high-contrast code, underlined links, a skip link) is inline.
* Widgets need a live kernel, so each widget output is replaced by a short note saying what it
  does and where to use it; every figure keeps its alt text.

Talking-points slides (:mod:`toolkit_helpers.slides`) are built into ``slides/`` beside the
pages and linked from the index.

``python -m toolkit_helpers.site [--out _site]``
"""
from __future__ import annotations

import argparse
import copy
import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from .collection import discover
from .io import atomic_write_text
from .paths import project_root

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ("<p class=\"widget-note\"><em>Interactive controls appear here when you run this "
               "notebook in JupyterLab or on Binder.</em></p>")
SITE_TITLE = "Open Data Public Services Toolkit"

#: High-contrast colours for code (each at least 7:1 on the code background #f7f7f7) and
#: links that are always underlined; a visible skip link and focus ring.
SITE_CSS = """
:root{--jp-content-link-color:#0b4f8a;--jp-mirror-editor-keyword-color:#005a00;
--jp-mirror-editor-atom-color:#1a1aa6;--jp-mirror-editor-number-color:#005a00;
--jp-mirror-editor-def-color:#0000b3;--jp-mirror-editor-variable-color:#1a1a1a;
--jp-mirror-editor-variable-2-color:#00366d;--jp-mirror-editor-variable-3-color:#005a36;
--jp-mirror-editor-punctuation-color:#003d7a;--jp-mirror-editor-property-color:#003d7a;
--jp-mirror-editor-operator-color:#6a00b3;--jp-mirror-editor-comment-color:#36575a;
--jp-mirror-editor-string-color:#8f1717;--jp-mirror-editor-string-2-color:#6a0080;
--jp-mirror-editor-meta-color:#6a00b3;--jp-mirror-editor-qualifier-color:#3d3d3d;
--jp-mirror-editor-builtin-color:#005a00;--jp-mirror-editor-bracket-color:#4d4d33;
--jp-mirror-editor-tag-color:#0f5a00;--jp-mirror-editor-attribute-color:#0000b3;
--jp-mirror-editor-header-color:#0000b3;--jp-mirror-editor-quote-color:#005a00;
--jp-mirror-editor-link-color:#0000b3;--jp-mirror-editor-error-color:#b30000;
--jp-cell-editor-background:#f7f7f7;--jp-content-font-color1:#1a1a1a;
--jp-content-font-color2:#333;--jp-content-font-color3:#444;--jp-ui-font-color1:#1a1a1a;
--jp-ui-font-color2:#333;--jp-ui-font-color3:#444}
.highlight,.highlight pre{background:#f7f7f7;color:#1a1a1a}
.highlight *{color:#1a1a1a;font-style:normal}
.highlight .k,.highlight .kn,.highlight .kc,.highlight .kd,.highlight .kr,.highlight .ow,
.highlight .nb,.highlight .bp{color:#005a00;font-weight:bold}
.highlight .s,.highlight .s1,.highlight .s2,.highlight .sa,.highlight .sd,.highlight .se,
.highlight .si,.highlight .sb,.highlight .sc,.highlight .sh,.highlight .sx{color:#8f1717}
.highlight .c,.highlight .c1,.highlight .cm,.highlight .ch,.highlight .cs{color:#36575a;
font-style:italic}
.highlight .m,.highlight .mi,.highlight .mf,.highlight .mh,.highlight .mo{color:#005a00}
.highlight .nf,.highlight .nc,.highlight .nn,.highlight .fm{color:#0000b3}
.highlight .o,.highlight .p{color:#4a0080}
a,a:visited,.jp-RenderedHTMLCommon a,.jp-RenderedHTMLCommon a:visited{color:#0b4f8a;
text-decoration:underline !important}
a:hover,a:focus{color:#062c4d;text-decoration-thickness:2px}
a:focus,button:focus{outline:3px solid #ffbf47;outline-offset:2px}
.skip-link{position:absolute;left:-9999px;top:0;background:#fff;color:#0b4f8a;padding:.5rem 1rem;
z-index:1000}
.skip-link:focus{left:1rem;top:1rem}
.site-nav{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:.5rem 1rem;
border-bottom:1px solid #767676;line-height:1.5}
.site-nav ol{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;margin:.25rem 0;padding-left:1.25rem}
.site-nav [aria-current="page"]{font-weight:bold}
.site-nav p{margin:.25rem 0}
.jp-RenderedHTMLCommon table{color:#1a1a1a}
.jp-RenderedHTMLCommon tbody tr:nth-child(odd){background:#f2f2f2}
.widget-note{color:#1a1a1a}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);
white-space:nowrap}
"""

# A small template over nbconvert's "lab" one: no require.js, MathJax, Mermaid or widget
# loader from a CDN, a skip link, the site's navigation and CSS.
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}<style type="text/css">{{ resources.toolkit_css }}</style>
{%- endblock html_head_css -%}
{%- block body_header -%}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<a class="skip-link" href="#main">Skip to main content</a>
{{ resources.toolkit_nav }}
<main id="main">
{%- endblock body_header -%}
"""

NAV_PLACEHOLDER = "<!-- toolkit-site-navigation -->"
_HEADING_RE = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_HREF_RE = re.compile(r'(<a\b[^>]*?\bhref=)"([^"]*)"([^>]*>)(.*?)</a>', re.S | re.I)
_H1_RE = re.compile(r"<h1\b([^>]*)>(.*?)</h1>", re.S | re.I)
_SRC_RE = re.compile(r'<(script|link|img|iframe)\b[^>]*\b(?:src|href)="(https?:)?//', re.I)


@dataclass(frozen=True)
class Page:
    """One notebook's page: where it comes from and where it goes in the site."""
    source: str  # the notebook's path under notebooks/, e.g. "stages/01_goals.ipynb"
    href: str  # the page's path in the site, e.g. "stages/01_goals.html"
    title: str


def _static_notebook(nb):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_MIME in data:
                out["data"] = {"text/html": WIDGET_NOTE, "text/plain": "[interactive widget]"}
    nb.metadata.pop("widgets", None)
    return nb


def _title(nb, fallback: str) -> str:
    """The notebook's first ``#`` heading (Markdown emphasis and code marks removed)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                m = _HEADING_RE.match(line.strip())
                if m:
                    return re.sub(r"[*_`]", "", m.group(1)).strip() or fallback
    return fallback


def _rel(target: str, from_page: str) -> str:
    """The relative URL of site path ``target`` from the page at site path ``from_page``."""
    return posixpath.relpath(target, posixpath.dirname(from_page) or ".")


def rewrite_links(body: str, page_href: str, source: str, pages: dict[str, str]) -> str:
    """Point links to notebooks at their pages; turn relative links to files the site does not
    hold into plain text naming the file. ``source``: the notebook's path under notebooks/;
    ``pages``: notebook path under notebooks/ → page path in the site."""

    def fix(m: re.Match) -> str:
        start, href, rest, text = m.group(1), html.unescape(m.group(2)), m.group(3), m.group(4)
        if (not href or href.startswith(("#", "mailto:", "data:"))
                or re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I)):
            return m.group(0)
        path, _, anchor = href.partition("#")
        path = path.split("?", 1)[0]
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if target in pages:
            new = _rel(pages[target], page_href) + (f"#{anchor}" if anchor else "")
            return f'{start}"{html.escape(new)}"{rest}{text}</a>'
        if path.endswith(".html") and target in pages.values():
            return m.group(0)
        where = target if not target.startswith("..") else posixpath.normpath(
            posixpath.join("notebooks", target))
        return (f'<span class="repo-file">{text} (in the toolkit\'s files: '
                f'<code>{html.escape(where)}</code>)</span>')

    return _HREF_RE.sub(fix, body)


def _one_h1(body: str) -> str:
    """Keep the first ``<h1>``; any later one becomes an ``<h2>``."""
    seen = []

    def fix(m: re.Match) -> str:
        if seen:
            return f"<h2{m.group(1)}>{m.group(2)}</h2>"
        seen.append(1)
        return m.group(0)

    return _H1_RE.sub(fix, body)


def nav_html(pages: list[Page], current: str | None) -> str:
    """The navigation list (``current``: the site path of the page it sits on, or None for
    the index)."""
    here = current or "index.html"
    items = []
    for p in pages:
        attr = ' aria-current="page"' if p.href == current else ""
        items.append(f'<li><a href="{html.escape(_rel(p.href, here))}"{attr}>'
                     f"{html.escape(p.title)}</a></li>")
    home_attr = ' aria-current="page"' if current is None else ""
    return (f'<nav class="site-nav" aria-label="Notebooks in the collection">'
            f'<p><a href="{html.escape(_rel("index.html", here))}"{home_attr}>'
            f"{html.escape(SITE_TITLE)}: all notebooks</a></p>"
            f'<ol>{"".join(items)}</ol></nav>')


def _exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab",
                            extra_loaders=[DictLoader({"toolkit_site.html.j2": TEMPLATE})])
    exporter.template_file = "toolkit_site.html.j2"
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    exporter.theme = "light"
    exporter.language_code = "en"
    exporter.mathjax_url = ""
    exporter.require_js_url = ""
    return exporter


def _index_html(pages: list[Page], decks: dict[str, Path] | None = None) -> str:
    decks = decks or {}

    def slides_link(p: Page) -> str:
        name = posixpath.basename(p.href)[: -len(".html")]
        if name not in decks:
            return ""
        return (f' — <a href="slides/{html.escape(name)}.html">talking-points slides'
                f'<span class="visually-hidden"> for {html.escape(p.title)}</span></a>')

    items = "\n".join(
        f'<li><a href="{html.escape(p.href)}">{html.escape(p.title)}</a> '
        f'<small>(notebooks/{html.escape(p.source)})</small>{slides_link(p)}</li>'
        for p in pages)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(SITE_TITLE)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;line-height:1.5;color:#1a1a1a}}
main{{max-width:50rem;margin:1rem auto;padding:0 1rem}} small{{color:#3d3d3d}}
{SITE_CSS}</style></head>
<body><a class="skip-link" href="#main">Skip to main content</a>
{nav_html(pages, None)}
<main id="main">
<h1>{html.escape(SITE_TITLE)}</h1>
<p>A read-only rendering of the notebook collection with the outputs for the fictional sample
council. To run the notebooks, and use the interactive controls, open them in JupyterLab or on
Binder (see the project README). Each notebook also has a deck of talking-points slides for
facilitators (arrow keys move between slides; they work offline).</p>
<ol>
{items}
</ol>
</main></body></html>
"""


def pages_of(root: Path) -> tuple[list[Page], list]:
    """The site's pages, in the collection's order, and the notebooks they come from."""
    import nbformat

    pages, nbs = [], []
    for info in discover(root):
        nb = nbformat.read(info.path, as_version=4)
        rel = info.path.relative_to(root / "notebooks").as_posix()
        pages.append(Page(rel, rel[: -len(".ipynb")] + ".html", _title(nb, info.name)))
        nbs.append(nb)
    return pages, nbs


def build(out_dir: str | Path | None = None, root: Path | None = None) -> Path:
    """Render every notebook to ``out_dir`` (default ``_site/``); return the index path."""
    root = Path(root) if root else project_root()
    out = Path(out_dir) if out_dir else root / "_site"
    exporter = _exporter()
    pages, nbs = pages_of(root)
    by_source = {p.source: p.href for p in pages}
    for page, nb in zip(pages, nbs):
        static = _static_notebook(nb)
        static.metadata["title"] = page.title
        resources = {"toolkit_css": SITE_CSS, "toolkit_nav": NAV_PLACEHOLDER,
                     "metadata": {"name": page.title}}
        body, _ = exporter.from_notebook_node(static, resources=resources)
        body = _one_h1(rewrite_links(body, page.href, page.source, by_source))
        body = body.replace(NAV_PLACEHOLDER, nav_html(pages, page.href), 1)
        atomic_write_text(out / page.href, body)
    from .slides import build as build_slides

    decks = {d.stem: d for d in build_slides(out / "slides", root)}
    return atomic_write_text(out / "index.html", _index_html(pages, decks))


def remote_assets(page_html: str) -> list[str]:
    """Every script, stylesheet, image or frame a page would fetch from the web (should be
    none)."""
    return [m.group(0) for m in _SRC_RE.finditer(page_html)]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Build the static HTML rendering of the collection")
    p.add_argument("--out", default=None)
    args = p.parse_args(argv)
    index = build(args.out)
    print(f"wrote {index}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
