"""What the facilitator guide says about each notebook, read from the notebooks themselves.

The guide (``docs/facilitator-guide.md``) has a generated part — the notebook list with times to
learn and learning objectives, and the exercise and solution index — between two marker lines.
:func:`update_guide` rewrites that part from the notebooks, and a test checks it is up to date,
so the guide cannot drift from the collection.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .collection import discover
from .errors import ToolkitError
from .io import atomic_write_text
from .paths import project_root

START = "<!-- generated: notebook index (make guide) -->"
END = "<!-- end of generated notebook index -->"

_TIME = re.compile(r"\*\*Time to learn\*\*:?\s*(\d+)\s*minutes?(?:\s*\(([^)]*)\))?", re.I)
_ITEM = re.compile(r"^(\d+)\.\s+(.*)")
_MARKUP = re.compile(r"\*\*|`|\*")


@dataclass
class Exercise:
    number: int
    text: str            # the challenge's first sentence, plain text
    solved: bool = False # a numbered answer for it inside a folded Solution block


@dataclass
class NotebookGuide:
    name: str
    path: str            # relative to the project root
    title: str
    minutes: int | None
    split: str           # e.g. "25 reading and running, 20 for the exercises"
    objectives: str
    exercises: list[Exercise] = field(default_factory=list)
    selfcheck: bool = False


def _plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", markdown)
    return " ".join(_MARKUP.sub("", text).split())


def _first_sentence(text: str, limit: int = 160) -> str:
    m = re.search(r"(?<=[.?!])\s", text)
    s = text[: m.start()] if m else text
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def _sections(cells: list[dict]) -> dict[str, list[dict]]:
    """Cells grouped by the ``## `` heading they fall under."""
    out: dict[str, list[dict]] = {}
    current = ""
    for cell in cells:
        src = "".join(cell.get("source", ""))
        if cell["cell_type"] == "markdown":
            heads = [ln for ln in src.splitlines() if ln.startswith("## ")]
            if heads:
                current = heads[0][3:].strip()
        out.setdefault(current, []).append(cell)
    return out


def read_notebook(path: Path, root: Path | None = None) -> NotebookGuide:
    """What the guide needs from one notebook: title, time to learn, objectives, exercises."""
    root = root or project_root()
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ToolkitError(f"cannot read this notebook ({exc})", file=path,
                           hint="restore it from git (git checkout -- <file>).") from None
    cells = nb.get("cells", [])
    md = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    title = next((ln[2:].strip() for t in md for ln in t.splitlines() if ln.startswith("# ")),
                 path.stem)
    whole = "\n".join(md)
    t = _TIME.search(whole)
    sections = _sections(cells)
    ex_cells = sections.get("Exercises", [])
    ex_md = "\n".join("".join(c["source"]) for c in ex_cells if c["cell_type"] == "markdown")
    obj = re.search(r"\*\*Learning objectives\*\*:?\s*(.*?)(?:\n\s*\n|$)", ex_md, re.S)
    solved = {int(m.group(1)) for block in re.findall(r"<details>.*?</details>", ex_md, re.S)
              for m in re.finditer(r"^\s*(\d+)\.\s", block, re.M)}
    exercises = []
    outside_solutions = re.sub(r"<details>.*?</details>", "", ex_md, flags=re.S)
    lines = outside_solutions.splitlines()
    for i, line in enumerate(lines):
        m = _ITEM.match(line)
        if not m:
            continue
        body = [m.group(2)]
        for cont in lines[i + 1:]:
            if not cont.startswith("   ") or _ITEM.match(cont):
                break
            body.append(cont.strip())
        n = int(m.group(1))
        exercises.append(Exercise(n, _first_sentence(_plain(" ".join(body))), n in solved))
    code = "\n".join("".join(c["source"]) for c in ex_cells if c["cell_type"] == "code")
    try:
        rel = str(path.relative_to(root))
    except ValueError:
        rel = path.name
    return NotebookGuide(
        name=path.stem, path=rel, title=title,
        minutes=int(t.group(1)) if t else None, split=(t.group(2) or "") if t else "",
        objectives=_plain(obj.group(1)) if obj else "",
        exercises=exercises,
        selfcheck="selfcheck." in code)


def collection_guide(root: Path | None = None) -> list[NotebookGuide]:
    """Every notebook of the collection, in the collection's order."""
    root = root or project_root()
    return [read_notebook(n.path, root) for n in discover(root)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_index(guides: list[NotebookGuide]) -> str:
    """The generated part of the guide, as Markdown."""
    lines = [START, "",
             "### Notebooks, times and learning objectives", "",
             "| Notebook | Time to learn | Learning objectives |", "|---|---|---|"]
    for g in guides:
        time = f"{g.minutes} min" if g.minutes is not None else "not stated"
        if g.split:
            time += f" ({g.split})"
        lines.append(f"| `{g.path}` — {_cell(g.title)} | {_cell(time)} | {_cell(g.objectives)} |")
    total = sum(g.minutes or 0 for g in guides)
    lines += ["", f"All notebooks together: **{total} minutes** of teaching and exercises.", "",
              "### Exercise and solution index", "",
              "Solutions are folded under the exercises in each notebook (click **Solution**); "
              "the self-check cell after them says what is right or where to look.", "",
              "| Notebook | No. | Exercise | Solution | Self-check |", "|---|---|---|---|---|"]
    for g in guides:
        for e in g.exercises:
            lines.append(f"| `{g.name}` | {e.number} | {_cell(e.text)} | "
                         f"{'yes' if e.solved else 'MISSING'} | "
                         f"{'yes' if g.selfcheck else 'no'} |")
    lines += ["", END]
    return "\n".join(lines)


def update_guide(path: str | Path | None = None, root: Path | None = None) -> bool:
    """Rewrite the generated part of the facilitator guide; return True if it changed."""
    root = root or project_root()
    path = Path(path) if path else root / "docs" / "facilitator-guide.md"
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise ToolkitError("the guide has no generated-index markers", file=path,
                           hint=f"put the two lines {START!r} and {END!r} where the index goes.")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    new = before + render_index(collection_guide(root)) + after
    if new != text:
        atomic_write_text(path, new)
        return True
    return False
