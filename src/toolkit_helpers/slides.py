"""Talking-points slides for facilitators: one self-contained HTML deck per notebook, made from
the notebook itself (its title, overview, time to learn, learning objectives, numbered
sections, exercises, summary and what's next), so the slides cannot drift from the collection.

Each deck is one HTML file with its CSS and a few lines of script inline: nothing is fetched
from the web, so it works offline and from a USB stick. Arrow keys, Page Up/Down, Space, Home
and End move between slides; without script every slide is shown one after another (and it
prints one slide per page).

``toolkit slides [--out _site/slides]`` (``make site`` builds them too).
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .collection import discover
from .errors import ToolkitError
from .guide import _plain, _sections, read_notebook
from .io import atomic_write_text
from .paths import project_root

MAX_POINTS = 6
MAX_POINT_CHARS = 220
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+(.*)")
_NUMBERED = re.compile(r"^\d+\.\s")
# HTML a notebook's Markdown may hold (not placeholders such as ``outputs/<council>/``)
_HTML_TAG = re.compile(r"</?(?:details|summary|div|span|br|p|img|a|b|i|em|strong|sup|sub|code|"
                       r"kbd|table|tr|td|th|thead|tbody|ul|ol|li)\b[^>]*>", re.I)
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-Z0-9\"“‘'(])")


@dataclass
class Slide:
    heading: str
    points: list[str] = field(default_factory=list)
    note: str = ""  # a line under the points (e.g. where in the notebook)


@dataclass
class Deck:
    name: str
    title: str
    source: str  # the notebook's path under the project
    slides: list[Slide]


def _shorten(text: str, limit: int = MAX_POINT_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;:") + "…"


def _markdown_of(cells: list[dict]) -> str:
    return "\n".join("".join(c.get("source", "")) for c in cells if c["cell_type"] == "markdown")


def talking_points(markdown: str, limit: int = MAX_POINTS) -> list[str]:
    """The points of a section: its list items (continuation lines joined), or else its first
    sentences; Markdown marks removed, folded solutions and headings left out."""
    text = re.sub(r"<details>.*?</details>", "", markdown, flags=re.S)
    text = _HTML_TAG.sub("", text)
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    items: list[str] = []
    current: list[str] | None = None
    for line in lines:
        m = _LIST_ITEM.match(line)
        if m:
            if current:
                items.append(" ".join(current))
            current = [m.group(1).strip()]
        elif current is not None and line.startswith(("  ", "\t")) and line.strip():
            current.append(line.strip())
        else:
            if current:
                items.append(" ".join(current))
            current = None
    if current:
        items.append(" ".join(current))
    items = [_plain(i) for i in items if _plain(i) and not _plain(i).startswith("|")]
    if items:
        return [_shorten(i) for i in items[:limit]]
    prose = " ".join(_plain(ln) for ln in lines if ln.strip() and not ln.lstrip().startswith("|"))
    sentences = [s.strip() for s in _SENTENCE_END.split(prose) if s.strip()]
    return [_shorten(s) for s in sentences[: min(limit, 3)]]


def deck_for(path: Path, root: Path | None = None) -> Deck:
    """The deck for one notebook."""
    root = root or project_root()
    guide = read_notebook(path, root)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ToolkitError(f"cannot read this notebook ({exc})", file=path,
                           hint="restore it from git (git checkout -- <file>).") from None
    sections = _sections(nb.get("cells", []))
    slides = []
    time = f"Time to learn: {guide.minutes} minutes" if guide.minutes else ""
    if guide.minutes and guide.split:
        time += f" ({guide.split})"
    slides.append(Slide(guide.title, [], time))
    if "Overview" in sections:
        slides.append(Slide("Overview", talking_points(_markdown_of(sections["Overview"]))))
    if guide.objectives:
        parts = [p.strip() for p in re.split(r";\s*", guide.objectives.rstrip(".")) if p.strip()]
        slides.append(Slide("By the end you can", [_shorten(p) for p in parts]))
    for heading, cells in sections.items():
        if _NUMBERED.match(heading):
            slides.append(Slide(heading, talking_points(_markdown_of(cells)),
                                f"In the notebook: section {heading.split('.')[0]}"))
    if guide.exercises:
        slides.append(Slide("Exercises", [f"{e.number}. {_shorten(e.text)}"
                                          for e in guide.exercises],
                            "Try first; then open Solution; the self-check cell says if you "
                            "are right."))
    for heading in ("Summary", "What's next"):
        if heading in sections:
            slides.append(Slide(heading, talking_points(_markdown_of(sections[heading]))))
    return Deck(path.stem, guide.title, guide.path, slides)


CSS = """
*{box-sizing:border-box}
html,body{margin:0;background:#fff;color:#1a1a1a;font-family:system-ui,"Segoe UI",Arial,sans-serif}
a{color:#0b4f8a;text-decoration:underline}
.skip-link{position:absolute;left:-9999px}.skip-link:focus{left:1rem;top:1rem;background:#fff;
padding:.5rem}
.slide{min-height:100vh;padding:6vh 8vw;border-bottom:2px solid #767676;display:flex;
flex-direction:column;justify-content:center}
.slide h1{font-size:clamp(2rem,5vw,3.4rem);line-height:1.15;margin:0 0 1rem}
.slide h2{font-size:clamp(1.6rem,3.6vw,2.6rem);margin:0 0 1.2rem;color:#0b3d6b}
.slide ul{font-size:clamp(1.1rem,2.3vw,1.7rem);line-height:1.45;padding-left:1.2em;margin:0}
.slide li{margin:.35em 0}
.note,.meta{font-size:clamp(1rem,1.8vw,1.3rem);color:#3d3d3d;margin-top:1.5rem}
.js .slide{display:none}.js .slide.current{display:flex}
.bar{position:fixed;bottom:0;right:0;left:0;display:none;justify-content:space-between;
align-items:center;padding:.4rem 1rem;background:#f2f2f2;border-top:1px solid #767676;
font-size:1rem}
.js .bar{display:flex}
.bar button{font:inherit;padding:.3rem .9rem;border:2px solid #0b4f8a;background:#fff;
color:#0b4f8a;border-radius:4px;cursor:pointer}
button:focus,a:focus{outline:3px solid #ffbf47;outline-offset:2px}
@media print{.js .slide{display:flex}.bar{display:none!important}
.slide{min-height:auto;page-break-after:always;border:0}}
"""

SCRIPT = """
(function(){
  document.documentElement.classList.add('js');
  var s=[].slice.call(document.querySelectorAll('.slide')), i=0;
  var pos=document.getElementById('pos');
  function show(n){
    i=Math.max(0,Math.min(s.length-1,n));
    s.forEach(function(e,k){e.classList.toggle('current',k===i);});
    pos.textContent='Slide '+(i+1)+' of '+s.length;
    if(location.hash!=='#'+(i+1)){history.replaceState(null,'','#'+(i+1));}
  }
  document.addEventListener('keydown',function(e){
    if(e.altKey||e.ctrlKey||e.metaKey){return;}
    var k=e.key;
    if(k==='ArrowRight'||k==='PageDown'||k===' '||k==='ArrowDown'){show(i+1);e.preventDefault();}
    else if(k==='ArrowLeft'||k==='PageUp'||k==='ArrowUp'){show(i-1);e.preventDefault();}
    else if(k==='Home'){show(0);e.preventDefault();}
    else if(k==='End'){show(s.length-1);e.preventDefault();}
  });
  document.getElementById('prev').addEventListener('click',function(){show(i-1);});
  document.getElementById('next').addEventListener('click',function(){show(i+1);});
  var h=parseInt((location.hash||'#1').slice(1),10);
  show(isNaN(h)?0:h-1);
})();
"""


def render(deck: Deck) -> str:
    """One self-contained HTML file for a deck."""
    parts = []
    for n, slide in enumerate(deck.slides, 1):
        tag = "h1" if n == 1 else "h2"
        points = "".join(f"<li>{html.escape(p)}</li>" for p in slide.points)
        body = f"<ul>{points}</ul>" if points else ""
        if n == 1:
            body += ('<p class="meta">Talking points for facilitators, made from '
                     f"<code>{html.escape(deck.source)}</code>. Arrow keys move between "
                     "slides.</p>")
        note = f'<p class="note">{html.escape(slide.note)}</p>' if slide.note else ""
        parts.append(f'<section class="slide" id="slide-{n}" aria-label="Slide {n} of '
                     f'{len(deck.slides)}"><{tag}>{html.escape(slide.heading)}</{tag}>'
                     f"{body}{note}</section>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(deck.title)} — talking points</title>
<style>{CSS}</style></head>
<body><a class="skip-link" href="#slides">Skip to the slides</a>
<main id="slides">
{chr(10).join(parts)}
</main>
<nav class="bar" aria-label="Slides"><button type="button" id="prev">Previous</button>
<span id="pos" aria-live="polite"></span>
<button type="button" id="next">Next</button></nav>
<script>{SCRIPT}</script>
</body></html>
"""


def build(out_dir: str | Path | None = None, root: Path | None = None) -> list[Path]:
    """Write one deck per notebook of the collection (found, never listed by hand) into
    ``out_dir`` (default ``_site/slides``); return their paths."""
    root = Path(root) if root else project_root()
    out = Path(out_dir) if out_dir else root / "_site" / "slides"
    return [atomic_write_text(out / f"{info.name}.html", render(deck_for(info.path, root)))
            for info in discover(root)]


def main(argv=None) -> int:
    import argparse

    p = argparse.ArgumentParser(description="Build talking-points slides, one per notebook")
    p.add_argument("--out", default=None)
    args = p.parse_args(argv)
    for path in build(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


# ------------------------------------------------------------------ the printable handout

HANDOUT_HEADER = """# Workshop handout: the exercises

<!-- generated from the notebooks by `toolkit handout`; a test checks it is up to date -->

The exercises of every notebook, as the notebooks ask them, to print (A4) and write on. In the
notebook, put each answer in the answer cell under the exercises (`answer_1 = ...`) and run the
self-check cell after it: it says whether the answer is right, or where to look. Solutions are
folded under the exercises in each notebook (click **Solution**) — try first. Names in
`CAPITALS` (`TOP_N`, `AS_OF`, …) are the notebook's parameters: their values are in its
*Parameters* cell.
"""


def _exercise_items(markdown: str) -> list[str]:
    """The numbered exercises of an Exercises section, in full (Markdown kept), without the
    folded solutions or the learning objectives."""
    text = re.sub(r"<details>.*?</details>", "", markdown, flags=re.S)
    items: list[list[str]] = []
    for line in text.splitlines():
        if re.match(r"^\d+\.\s", line):
            items.append([line])
        elif items and line.startswith("   ") and line.strip():
            items[-1].append(line)
        elif items and not line.strip():
            items[-1].append("")
        elif items and line.strip():
            items.append([])  # prose after the list ends the current item
    return ["\n".join(i).strip() for i in items if i and "".join(i).strip()]


def _parameters(nb: dict) -> dict[str, str]:
    """The literal values of the notebook's ``parameters`` cell, as written."""
    import ast

    out: dict[str, str] = {}
    for cell in nb.get("cells", []):
        if cell["cell_type"] != "code" or "parameters" not in cell.get("metadata", {}).get(
                "tags", []):
            continue
        try:
            tree = ast.parse("".join(cell.get("source", "")))
        except SyntaxError:
            return out
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                    node.targets[0], ast.Name):
                out[node.targets[0].id] = ast.unparse(node.value)
    return out


def handout_markdown(root: Path | None = None) -> str:
    """The handout: for each notebook in the collection's order, its time to learn, learning
    objectives and exercises word for word, with space to write."""
    root = Path(root) if root else project_root()
    parts = [HANDOUT_HEADER]
    for info in discover(root):
        guide = read_notebook(info.path, root)
        nb = json.loads(info.path.read_text(encoding="utf-8"))
        items = _exercise_items(_markdown_of(_sections(nb.get("cells", [])).get("Exercises", [])))
        if not items:
            continue
        parts.append(f"## {guide.title}\n")
        meta = [f"Notebook: `{guide.path}`"]
        if guide.minutes:
            meta.append(f"time to learn: {guide.minutes} minutes")
        parts.append("; ".join(meta) + ".\n")
        if guide.objectives:
            parts.append(f"**Learning objectives**: {guide.objectives}\n")
        params = _parameters(nb)
        used = [k for k in params if any(re.search(rf"\b{re.escape(k)}\b", i) for i in items)]
        if used:
            parts.append("Parameters these exercises use (sample values): "
                         + ", ".join(f"`{k} = {params[k]}`" if params[k] != "None" else
                                     f"`{k}` worked out from the data (the notebook shows it)"
                                     for k in used) + ".\n")
        for item in items:
            parts.append(item + "\n\n   Answer: ________________________________________\n")
    return "\n".join(parts).rstrip() + "\n"


def write_handout(path: str | Path | None = None, root: Path | None = None) -> bool:
    """Write ``docs/handout.md`` (or ``path``); True when it changed."""
    root = Path(root) if root else project_root()
    path = Path(path) if path else root / "docs" / "handout.md"
    text = handout_markdown(root)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    atomic_write_text(path, text)
    return True
