"""The business case pack: every notebook's artefacts in the Five Case Model.

:func:`build_pack` reads the manifest of every notebook that ran (``<output_dir>/<notebook>/
manifest.json``, see :mod:`toolkit_helpers.artefacts`) and writes two documents into the
council's output folder:

- ``business_case.html`` — one self-contained, accessible HTML file: ``lang`` set, a skip link,
  headings in order, charts embedded as base64 PNG with the alt text from the manifest, tables as
  real ``<table>`` elements with a ``<caption>`` and ``<th scope>``, in a keyboard-scrollable
  region. It is rendered from Jinja2 templates with autoescape, so **every** piece of text from
  the config or the artefacts is escaped; Markdown artefacts go through mistune with raw HTML
  escaped and only http(s) links kept.
- ``business_case.docx`` — the same in Word (python-docx): headings, tables with a repeated
  header row, pictures with their alt text (the ``descr`` of ``wp:docPr``).

Order: executive summary; strategic, economic, commercial, financial and management cases;
appendix of data sources and quality. A section whose notebooks did not run says so (and which
notebook to run) instead of breaking. Both files are written atomically.

The CLI can offer this as a command: ``report.build_pack(output_dir, config)`` returns
``{"html": Path, "docx": Path}``.
"""
from __future__ import annotations

import base64
import csv
import html
import io as _io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .artefacts import read_manifests
from .io import atomic_write_bytes, atomic_write_text

CASE_ORDER = ("summary", "strategic", "economic", "commercial", "financial", "management",
              "appendix")
CASE_TITLES = {
    "summary": "Executive summary",
    "strategic": "Strategic case",
    "economic": "Economic case",
    "commercial": "Commercial case",
    "financial": "Financial case",
    "management": "Management case",
    "appendix": "Appendix B: data sources and quality",
}
CASE_QUESTIONS = {
    "summary": "The proposal and the evidence, on one page.",
    "strategic": "Is there a case for change? The need, the goals and how open data serves them.",
    "economic": "Does it offer value for money? Options, costs and benefits, NPSV and BCR.",
    "commercial": "Is it commercially viable? The market, suppliers and how to procure.",
    "financial": "Is it affordable? Costs by year and who pays.",
    "management": "Can it be delivered? Publishing safely, maturity, ethics, risks and benefits realisation.",
    "appendix": "Where the evidence comes from, and how good it is.",
}
# The collection's notebooks, in the pack's order, with a short title.
NOTEBOOKS: dict[str, str] = {
    "00_start_here": "Start here: open data basics",
    "01_goals": "Stage 1: goals, benefits and logic model",
    "02_data_use": "Stage 2: data inventory, quality and ecosystem",
    "03_demonstrating_value": "Stage 3: demonstrating value (Green Book appraisal)",
    "04_championing_open": "Stage 4: championing open",
    "tfl_transport": "Case study: Transport for London (access)",
    "spend_network_tenders": "Case study: Spend Network tenders (delivery chains)",
    "spend_neighbours": "Case study: your spend beside your neighbours' (delivery chains)",
    "dwp_jobseekers": "Case study: DWP jobseekers (better-informed policy)",
}
# Which notebooks usually give each case its evidence.
CONTRIBUTORS: dict[str, tuple[str, ...]] = {
    "summary": ("01_goals", "03_demonstrating_value"),
    "strategic": ("01_goals", "dwp_jobseekers", "tfl_transport", "spend_neighbours"),
    "economic": ("03_demonstrating_value", "tfl_transport"),
    "commercial": ("spend_network_tenders", "spend_neighbours"),
    "financial": ("03_demonstrating_value",),
    "management": ("02_data_use", "04_championing_open"),
    "appendix": ("02_data_use",),
}
MAX_TABLE_ROWS = 40


# ------------------------------------------------------------------ collecting

@dataclass
class Item:
    notebook: str
    kind: str
    name: str
    title: str
    case: str
    path: Path
    alt: str | None = None
    caption: str | None = None
    meta: dict = field(default_factory=dict)


@dataclass
class Pack:
    council: str
    service: str
    problem: str
    items: dict[str, list[Item]]
    ran: list[str]
    notebook_titles: dict[str, str]
    expected: list[str]
    #: notebook → why it does not apply to this council's data
    not_applicable: dict[str, str] = field(default_factory=dict)
    #: notebook → the inputs it reads: [{"key", "files", "origin"}]
    inputs: dict[str, list[dict]] = field(default_factory=dict)

    def section_inputs(self, case: str) -> list[dict]:
        """The inputs behind a section: those of every notebook that gave it an artefact."""
        out = []
        for nb in dict.fromkeys(i.notebook for i in self.items[case]):
            out += [dict(x, notebook=nb) for x in self.inputs.get(nb, [])]
        return out

    def provenance_note(self, case: str) -> str | None:
        """A warning when a section rests on example or still-blank inputs."""
        found = self.section_inputs(case)
        example = sorted({x["key"].replace("_", " ") for x in found if x["origin"] == "example"})
        blank = sorted({x["key"].replace("_", " ") for x in found if x["origin"] == "template"})
        notes = []
        if example:
            notes.append("Built from the toolkit's example inputs (the fictional sample council, "
                         f"synthetic data), not this council's: {', '.join(example)}. Replace "
                         "them with your own files (the config's data keys) and run again.")
        if blank:
            notes.append(f"Still to fill in: {', '.join(blank)} "
                         f"{'is a blank template' if len(blank) == 1 else 'are blank templates'}"
                         "; this section says what it can without them.")
        return " ".join(notes) or None

    @property
    def not_run(self) -> list[str]:
        return [n for n in self.expected if n not in self.ran]

    def missing_for(self, case: str) -> list[str]:
        return [n for n in CONTRIBUTORS.get(case, ()) if n in self.expected and n not in self.ran]


def _order_key(name: str) -> tuple:
    keys = list(NOTEBOOKS)
    return (keys.index(name), "") if name in keys else (len(keys), name)


def inputs_by_notebook(config) -> dict[str, list[dict]]:
    """For each notebook of the collection, the config inputs it reads (its required and
    optional data keys that the config gives), each with its files and origin (``council``,
    ``example`` or ``template``; see :func:`toolkit_helpers.templates.origin`)."""
    import os

    from .collection import discover
    from .templates import origin

    base = config.path.parent
    out: dict[str, list[dict]] = {}
    for n in discover():
        rows = []
        for key in dict.fromkeys(n.requires + n.optional):
            paths = config.data_paths(key)
            if not paths:
                continue
            files = []
            for p in paths:
                rel = os.path.relpath(Path(p).resolve(), base.resolve())
                files.append(Path(p).name if rel.startswith("..") and os.path.isabs(str(p))
                             and rel.count("..") > 2 else rel)
            rows.append({"key": key, "files": files, "origin": origin(paths)})
        out[n.name] = rows
    return out


def collect(output_dir, config=None, expected: list[str] | None = None,
            not_applicable: dict[str, str] | None = None) -> Pack:
    """Everything the pack needs: the artefacts of every notebook that ran, by case."""
    from .pack_format import clean_text

    output_dir = Path(output_dir)
    manifests = read_manifests(output_dir) if output_dir.is_dir() else {}
    items: dict[str, list[Item]] = {c: [] for c in CASE_ORDER}
    titles = dict(NOTEBOOKS)
    for nb in sorted(manifests, key=_order_key):
        m = manifests[nb]
        if m.get("title"):
            titles[nb] = str(m["title"])
        for e in m.get("entries", []):
            case = e.get("case") if e.get("case") in CASE_ORDER else "appendix"
            items[case].append(Item(
                notebook=nb, kind=str(e.get("kind", "")), name=str(e.get("name", "")),
                title=clean_text(e.get("title") or e.get("name") or ""), case=case,
                path=output_dir / nb / Path(str(e.get("file", ""))).name,
                alt=clean_text(e["alt"]) if e.get("alt") else None,
                caption=clean_text(e["caption"]) if e.get("caption") else None,
                meta=e.get("meta") or {}))
    council = service = problem = ""
    if config is not None:
        council, service, problem = (clean_text(config.council.name),
                                     clean_text(config.service.name),
                                     clean_text(config.service.problem))
    else:
        council = next((str(m.get("council")) for m in manifests.values() if m.get("council")), "")
    exp = list(expected) if expected is not None else list(NOTEBOOKS)
    na = dict(not_applicable or {})
    ran = [n for n in sorted(manifests, key=_order_key) if n not in na]
    if na:  # artefacts of a notebook that does not apply are not about this council
        items = {c: [i for i in its if i.notebook not in na] for c, its in items.items()}
    return Pack(council=council or "the council", service=service, problem=problem,
                items=items, ran=ran, notebook_titles=titles, expected=exp, not_applicable=na,
                inputs=inputs_by_notebook(config) if config is not None else {})


def _read_table(path: Path) -> tuple[list[str], list[list[str]]]:
    from .pack_format import clean_text

    text = clean_text(path.read_text(encoding="utf-8-sig"))
    rows = list(csv.reader(_io.StringIO(text, newline="")))
    if not rows:
        return [], []
    return rows[0], rows[1:]


def _read_data(path: Path):
    return json.loads(_read_text(path))


def _read_text(path: Path) -> str:
    """An artefact's text with control characters removed (see pack_format.clean_text)."""
    from .pack_format import clean_text

    return clean_text(path.read_text(encoding="utf-8"))


def _flat_pairs(obj) -> list[tuple[str, str]] | None:
    """A JSON object of plain values as (key, value) pairs; ``None`` if it is not that."""
    if isinstance(obj, dict) and obj and all(not isinstance(v, (dict, list)) for v in obj.values()):
        return [(str(k), "" if v is None else str(v)) for k, v in obj.items()]
    return None


# ------------------------------------------------------------------ a small, safe Markdown

# Markdown is parsed by mistune (already installed with nbconvert): raw HTML is escaped,
# headings take the level the pack gives them, and only http(s) links are kept.

def _md_tokens(md: str) -> list[dict]:
    """Markdown → mistune's block tokens (tables and strikethrough as in GitHub Markdown)."""
    import mistune

    parse = mistune.create_markdown(renderer=None, plugins=["table", "strikethrough"])
    return parse(md.replace("\r\n", "\n").replace("\r", "\n"))


def _safe_link(url: str) -> bool:
    return bool(re.match(r"^https?://", url or "", re.I))


def markdown_to_html(md: str, heading_level: int = 4) -> str:
    """Render Markdown safely (mistune): raw HTML escaped, every heading becomes
    ``<h{heading_level}>``, links kept only to http(s) addresses, images left out (their alt
    text kept), tables as accessible tables."""
    import mistune

    heading_level_ = max(1, min(6, heading_level))

    class Renderer(mistune.HTMLRenderer):
        def heading(self, text, level, **attrs):  # noqa: ARG002 - one level for all
            h = heading_level_
            return f"<h{h}>{text}</h{h}>\n"

        def link(self, text, url, title=None):
            return f'<a href="{html.escape(url, quote=True)}">{text}</a>' if _safe_link(url) else text

        def image(self, text, url, title=None):
            return html.escape(text or "")

        def table(self, text):
            return (f'<div class="table-wrap" role="region" aria-label="table" tabindex="0">'
                    f"<table>{text}</table></div>\n")

        def table_cell(self, text, align=None, head=False):
            tag = "th" if head else "td"
            scope = ' scope="col"' if head else ""
            return f"<{tag}{scope}>{text}</{tag}>"

    render = mistune.create_markdown(escape=True, renderer=Renderer(escape=True),
                                     plugins=["table", "strikethrough"])
    return render(md).strip()


def _inline_runs(children: list[dict], bold=False, italic=False) -> list[tuple[str, bool, bool]]:
    """mistune inline tokens → runs of (text, bold, italic) for Word."""
    runs = []
    for t in children or []:
        kind = t.get("type")
        if kind == "text":
            runs.append((t.get("raw", ""), bold, italic))
        elif kind == "codespan":
            runs.append((t.get("raw", ""), bold, italic))
        elif kind == "strong":
            runs += _inline_runs(t.get("children"), True, italic)
        elif kind == "emphasis":
            runs += _inline_runs(t.get("children"), bold, True)
        elif kind == "strikethrough":
            runs += _inline_runs(t.get("children"), bold, italic)
        elif kind == "link":
            runs += _inline_runs(t.get("children"), bold, italic)
            url = t.get("attrs", {}).get("url", "")
            if _safe_link(url):
                runs.append((f" ({url})", bold, italic))
        elif kind in ("softbreak", "linebreak"):
            runs.append((" ", bold, italic))
        elif kind == "image":
            runs += _inline_runs(t.get("children"), bold, italic)
        elif "raw" in t:
            runs.append((t["raw"], bold, italic))
        elif t.get("children"):
            runs += _inline_runs(t["children"], bold, italic)
    return runs


def _plain(children) -> str:
    return "".join(text for text, _, _ in _inline_runs(children))


# ------------------------------------------------------------------ HTML

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;line-height:1.5;color:#1b1b1b;
max-width:60rem;margin:0 auto;padding:0 1rem 3rem;background:#fff}
a{color:#005ea5}a:focus,summary:focus{outline:3px solid #ffbf47;outline-offset:0}
.skip{position:absolute;left:-999px;top:0;background:#ffbf47;color:#000;padding:.5rem 1rem}
.skip:focus{left:1rem}
h1{font-size:2rem;margin-top:1.5rem}h2{border-top:4px solid #0072B2;padding-top:.6rem;margin-top:2.5rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
th,td{border:1px solid #b1b4b6;padding:.3rem .5rem;text-align:left;vertical-align:top}
thead th{background:#f3f2f1}
figure{margin:1rem 0}img{max-width:100%;height:auto}figcaption{font-size:.9rem;color:#505a5f}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.missing{border-left:6px solid #D55E00;background:#fdf3ec;padding:.6rem 1rem}
.provenance{border-left:6px solid #0072B2;background:#eef5fb;padding:.6rem 1rem}
.meta,.source{color:#505a5f;font-size:.9rem}
.table-wrap{overflow-x:auto;max-width:100%}.table-wrap:focus{outline:3px solid #ffbf47}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.decision{font-size:1.1rem;border-left:6px solid #009E73;background:#eef8f3;padding:.6rem 1rem}
@media print{@page{size:A4;margin:20mm 18mm}body{max-width:none;font-size:10.5pt}
nav,.skip{display:none}h2{break-before:page}section#summary h2{break-before:auto}
.table-wrap{overflow:visible}table{font-size:9pt;break-inside:auto}tr,figure{break-inside:avoid}
img{max-height:120mm}a{color:inherit;text-decoration:none}}
"""


_FLOAT = re.compile(r"^-?\d+\.\d+$")


def display_value(text) -> str:
    """A cell as the pack shows it: floats rounded for reading (``0.0559143`` → ``0.0559``,
    ``2127500.0`` → ``2,127,500``, ``12.3456`` → ``12.35``); everything else as it is. The CSV
    files keep full precision."""
    t = "" if text is None else str(text)
    if not _FLOAT.match(t):
        return t
    v = float(t)
    if v.is_integer():
        return f"{int(v):,}" if abs(v) >= 10000 else str(int(v))
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:,.2f}"
    return f"{v:.3g}"


# ------------------------------------------------------------------ HTML templates (Jinja2)

_TEMPLATES = {
    "table": """\
<div class="table-wrap" role="region" aria-label="{{ caption or 'table' }}" tabindex="0"><table>
{%- if caption %}<caption{% if hidden %} class="visually-hidden"{% endif %}>{{ caption }}</caption>{% endif -%}
<thead><tr>{% for h in header %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead><tbody>
{%- for r in rows %}<tr><th scope="row">{{ r[0] }}</th>
{%- for c in r[1:] %}<td{% if c and is_number(c) %} class="num"{% endif %}>{{ c }}</td>{% endfor %}</tr>
{%- endfor %}</tbody></table></div>
{%- if note %}<p class="meta">{{ note }}</p>{% endif %}""",
    "item": """\
<h{{ level }}>{{ item.title }}</h{{ level }}>
{% if kind == "figure" -%}
<figure><img src="data:image/png;base64,{{ b64 }}" alt="{{ alt }}">
{%- if figcaption %}<figcaption>{{ figcaption }}</figcaption>{% endif %}</figure>
{%- elif kind == "pointer" -%}
<p>The table ({{ rows }} rows, {{ cols }} columns) is in <a href="#detail-{{ item.notebook }}-{{ item.name }}">appendix C</a>.</p>
{%- elif kind == "html" -%}
{{ html }}
{%- elif kind == "structured" -%}
<p class="meta">Structured data: {{ item.notebook }}/{{ item.path.name }} in the outputs folder, and business_case.json.</p>
{%- else -%}
<p class="missing">This artefact could not be read ({{ item.notebook }}/{{ item.path.name }} is missing or damaged): run {{ item.notebook }} again.</p>
{%- endif %}""",
    "page": """\
<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the business case</a>
<header>
<h1>{{ title }}</h1>
{% if meta %}<p class="meta">{{ meta | join(" · ") }}</p>{% endif %}
<p class="meta">Prepared with the Open Data Public Services Toolkit, in the Five Case Model (HM Treasury Green Book).</p>
</header>
<nav aria-label="Contents"><h2 id="contents">Contents</h2><ol>
{%- for anchor, label in nav %}<li><a href="#{{ anchor }}">{{ label }}</a></li>{% endfor -%}
</ol></nav>
<main id="main" tabindex="-1">
<section aria-labelledby="summary"><h2 id="summary">Executive summary</h2>
{% if h.decision_sought %}<p class="decision"><strong>Decision sought.</strong> {{ h.decision_sought }}</p>{% endif %}
{% for line in summary_lines %}<p>{{ line }}</p>
{% endfor %}
{{ key_figures }}
{% if h.top_risks %}<h3>Top risks</h3><ol>{% for r in h.top_risks %}<li>{{ r }}</li>{% endfor %}</ol>{% endif %}
{% for cls, text in notes.summary %}<p class="{{ cls }}" role="note">{{ text }}</p>
{% endfor %}
{% for block in summary_items %}{{ block }}
{% endfor %}
</section>
{% for case in cases %}
<section aria-labelledby="{{ case.key }}"><h2 id="{{ case.key }}">{{ case.title }}</h2>
<p class="question"><em>{{ case.question }}</em></p>
{% for cls, text in case.notes %}<p class="{{ cls }}" role="note">{{ text }}</p>
{% endfor %}
{% for block in case.blocks %}{{ block }}
{% endfor %}
</section>
{% endfor %}
<section aria-labelledby="appendix-a" class="appendix"><h2 id="appendix-a">Appendix A: where the evidence comes from</h2>
{% for block in appendix_a %}{{ block }}
{% endfor %}
</section>
<section aria-labelledby="appendix" class="appendix"><h2 id="appendix">Appendix B: data sources and quality</h2>
{% for cls, text in notes.appendix %}<p class="{{ cls }}" role="note">{{ text }}</p>
{% endfor %}
{% for block in appendix_b %}{{ block }}
{% endfor %}
</section>
<section aria-labelledby="appendix-c" class="appendix"><h2 id="appendix-c">Appendix C: detailed tables</h2>
{% for anchor, block in appendix_c %}<div id="{{ anchor }}">{{ block }}</div>
{% endfor %}
<p class="meta">Every figure the sections state is also in business_case.json.</p>
</section>
</main>
</body>
</html>
""",
}
_JINJA = None


def _template(name: str):
    """A pack template; Jinja2 with autoescape on, so every value from a config or an artefact
    is escaped unless it is already-rendered HTML (``Markup``)."""
    global _JINJA
    if _JINJA is None:
        import jinja2

        from .pack_format import is_number

        _JINJA = jinja2.Environment(loader=jinja2.DictLoader(_TEMPLATES), autoescape=True,
                                    undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
        _JINJA.globals["is_number"] = is_number
    return _JINJA.get_template(name)


def _markup(text: str):
    from markupsafe import Markup

    return Markup(text)


def _html_table(header, rows, caption: str | None, note: str | None = None,
                board: bool = True, hide_caption: bool = False) -> str:
    from .pack_format import board_table

    if board:
        header, rows = board_table(header, rows)
    else:
        rows = [[display_value(c) for c in r] for r in rows]
    rows = [list(r) + [""] * (len(header) - len(r)) for r in rows if len(r) or header]
    rows = [r for r in rows if r]
    return _template("table").render(header=header, rows=rows, caption=caption, note=note,
                                     hidden=hide_caption)


def _item_html(item: Item, level: int = 3, full: bool = False) -> str:
    """One artefact in HTML. In the main body a long table is replaced by a pointer to the
    appendix of detailed tables (``full`` shows it whole there)."""
    ctx = {"item": item, "level": level, "kind": "missing"}
    try:
        if not item.path.is_file():
            raise FileNotFoundError
        if item.kind == "figure":
            cap = item.caption if item.caption and item.caption != item.title else None
            ctx.update(kind="figure", b64=base64.b64encode(item.path.read_bytes()).decode("ascii"),
                       alt=item.alt or item.title, figcaption=cap)
        elif item.kind == "table":
            header, rows = _read_table(item.path)
            if not header:
                raise ValueError("empty table")
            if not full and _too_big(len(rows), len(header)):
                ctx.update(kind="pointer", rows=len(rows), cols=len(header))
            else:
                note = None
                if len(rows) > MAX_TABLE_ROWS:
                    note = (f"The first {MAX_TABLE_ROWS} of {len(rows)} rows; the whole table is "
                            f"{item.notebook}/{item.path.name} in the outputs folder.")
                caption = item.caption or item.title
                ctx.update(kind="html", html=_markup(_html_table(
                    header, rows[:MAX_TABLE_ROWS], caption, note, hide_caption=caption == item.title)))
        elif item.kind == "text":
            ctx.update(kind="html", html=_markup(markdown_to_html(_read_text(item.path),
                                                                  heading_level=level + 1)))
        else:
            pairs = _flat_pairs(_read_data(item.path))
            if pairs:
                ctx.update(kind="html", html=_markup(_html_table(["item", "value"], pairs,
                                                                 item.title, hide_caption=True)))
            else:
                ctx.update(kind="structured")
    except (OSError, ValueError, UnicodeDecodeError, csv.Error):
        ctx["kind"] = "missing"
    return _template("item").render(**ctx)


def _missing_text(pack: Pack, case: str) -> str | None:
    missing = pack.missing_for(case)
    if not missing:
        return None
    names = ", ".join(f"{pack.notebook_titles.get(n, n)} ({n})" for n in missing)
    if pack.items[case] or case == "summary":
        return (f"Not yet included: {names} did not run, so "
                f"{'its' if len(missing) == 1 else 'their'} evidence for this section is missing.")
    return (f"This section is empty: {names} did not run. Run "
            f"{'it' if len(missing) == 1 else 'them'} (make run, or toolkit run --config …) and "
            "build the pack again.")


def summary_lines(pack: Pack) -> list[str]:
    """The executive summary's opening paragraph(s), as plain text."""
    lines = []
    first = f"The business case for open data at {pack.council}"
    if pack.service:
        first += f" ({pack.service})"
    first += "."
    if pack.problem:
        first += f" The problem it addresses: {pack.problem}"
    lines.append(first)
    filled = [CASE_TITLES[c].lower() for c in CASE_ORDER[1:6] if pack.items[c]]
    empty = [CASE_TITLES[c].lower() for c in CASE_ORDER[1:6] if not pack.items[c]]
    lines.append(f"Built from {len(pack.ran)} notebook{'s' if len(pack.ran) != 1 else ''} that ran. "
                 + (f"Evidence for the {', '.join(filled)}." if filled else "No case has evidence yet.")
                 + (f" Still to come: the {', '.join(empty)}." if empty else ""))
    if pack.not_run:
        lines.append("Notebooks that did not run: " + ", ".join(pack.not_run) + ".")
    if pack.not_applicable:
        lines.append("Not applicable to this council's data: " + "; ".join(
            f"{pack.notebook_titles.get(n, n)} ({why})" for n, why in pack.not_applicable.items())
            + ".")
    return lines


def _status(pack: Pack, n: str) -> str:
    if n in pack.ran:
        return "ran"
    if n in pack.not_applicable:
        return "not applicable: " + pack.not_applicable[n]
    return "did not run"


def headline_figures(pack: Pack, case: str) -> dict:
    """The figures a section states: every plain value of its data artefacts."""
    out = {}
    for item in pack.items[case]:
        if item.kind != "data":
            continue
        try:
            obj = _read_data(item.path)
        except (OSError, ValueError):
            continue

        def walk(prefix, value, depth=0):
            if isinstance(value, dict) and depth < 3:
                for k, v in value.items():
                    walk(f"{prefix}.{k}", v, depth + 1)
            elif not isinstance(value, (dict, list)):
                out[prefix] = "" if value is None else str(value)

        walk(f"{item.notebook}.{item.name}", obj)
    return out


def provenance(pack: Pack, config=None) -> dict:
    """``business_case.json``: for each section, the notebooks and input files it used, each
    input's origin and the headline figures it states."""
    sections = []
    for case in CASE_ORDER:
        its = pack.items[case]
        used = pack.section_inputs(case)
        origins = sorted({x["origin"] for x in used})
        sections.append({
            "section": case, "title": CASE_TITLES[case],
            "notebooks": list(dict.fromkeys(i.notebook for i in its)),
            "artefacts": len(its),
            "inputs": used,
            "origins": origins,
            "marked": ("example" if "example" in origins else
                       "template" if "template" in origins else None),
            "figures": headline_figures(pack, case),
        })
    notebooks = {n: {"status": _status(pack, n), "inputs": pack.inputs.get(n, [])}
                 for n in sorted(set(pack.expected) | set(pack.ran) | set(pack.not_applicable),
                                 key=_order_key)}
    h = {k: v for k, v in headline(pack).items() if k != "lines"}
    return {"council": pack.council,
            "gss_code": getattr(getattr(config, "council", None), "gss_code", None),
            "service": pack.service, "headline": h, "sections": sections,
            "notebooks": notebooks}


def case_overview(pack: Pack) -> list[str]:
    """One line per case for the executive summary: what evidence it holds."""
    out = []
    for case in CASE_ORDER[1:6]:
        its = pack.items[case]
        if not its:
            out.append(f"{CASE_TITLES[case]}: no evidence yet.")
            continue
        titles = [i.title for i in its if i.kind in ("text", "figure")][:3] or [its[0].title]
        out.append(f"{CASE_TITLES[case]}: {len(its)} item{'s' if len(its) != 1 else ''} from "
                   f"{', '.join(dict.fromkeys(i.notebook for i in its))} — e.g. "
                   + "; ".join(titles) + ".")
    return out


# ------------------------------------------------------------------ the board paper

#: A table longer or wider than this goes to the appendix of detailed tables (the main body
#: says so), so the main body reads as a board paper.
MAIN_TABLE_ROWS = 8
MAIN_TABLE_COLUMNS = 6


def find_item(pack: Pack, notebook: str, name: str) -> Item | None:
    for its in pack.items.values():
        for i in its:
            if i.notebook == notebook and i.name == name:
                return i
    return None


def _item_data(pack: Pack, notebook: str, name: str):
    i = find_item(pack, notebook, name)
    try:
        return _read_data(i.path) if i is not None else None
    except (OSError, ValueError):
        return None


def _table_shape(item: Item) -> tuple[int, int]:
    try:
        header, rows = _read_table(item.path)
        return len(rows), len(header)
    except (OSError, ValueError, UnicodeDecodeError, csv.Error):
        return 0, 0


def _too_big(rows: int, cols: int) -> bool:
    return rows > MAIN_TABLE_ROWS or cols > MAIN_TABLE_COLUMNS


def is_detail(item: Item) -> bool:
    """Whether an artefact belongs in the appendix of detailed tables rather than the main
    body: structured data (its figures are in the executive summary and business_case.json),
    anything a notebook marked ``detail``, and tables longer than :data:`MAIN_TABLE_ROWS` or
    wider than :data:`MAIN_TABLE_COLUMNS`."""
    if item.kind == "data" or item.meta.get("detail"):
        return True
    return item.kind == "table" and _too_big(*_table_shape(item))


def headline(pack: Pack) -> dict:
    """The executive summary's figures: the decision sought, the recommended option with its
    NPSV, BCR and value-for-money category, whole-life cost (real, and nominal when the
    proposal states inflation), affordability and funding, and the top risks. Each is ``None``
    when the notebook or proposal that gives it has not run or is not filled in."""
    from .pack_format import gbp

    appraisal = _item_data(pack, "03_demonstrating_value", "appraisal") or {}
    prop = _item_data(pack, "04_championing_open", "proposal") or {}
    out: dict = {"decision_sought": prop.get("decision_sought") or None,
                 "title": prop.get("title") or None, "stage": prop.get("stage") or None,
                 "version": prop.get("version") or None, "date": prop.get("date") or None,
                 "senior_responsible_owner": prop.get("senior_responsible_owner") or None,
                 "recommended": None, "npsv": None, "bcr": None, "vfm": None,
                 "payback_year": None, "whole_life_cost_real": None,
                 "whole_life_cost_nominal": None, "inflation_pct": prop.get("inflation_pct"),
                 "budget_shortfall": None, "shortfall_years": [], "funding_confirmed": None,
                 "funding_unconfirmed": None, "funding_gap": None,
                 "top_risks": list(prop.get("top_risks") or [])}
    pref = appraisal.get("preferred")
    rec = next((o for o in appraisal.get("options", []) if o.get("option") == pref), None)
    if rec:
        out.update(recommended=pref, npsv=rec.get("npsv"), bcr=rec.get("bcr"),
                   vfm=rec.get("vfm"), payback_year=rec.get("payback_year"))
    costs = find_item(pack, "03_demonstrating_value", "costs_by_year")
    if costs is not None:
        try:
            header, rows = _read_table(costs.path)
            col = {h: j for j, h in enumerate(header)}
            totals = [float(r[col["total"]]) for r in rows]
            out["whole_life_cost_real"] = round(sum(totals), 2)
            infl = appraisal.get("inflation_pct", out["inflation_pct"])
            out["inflation_pct"] = infl
            if "total_nominal" in col:  # as stage 3 computed it
                out["whole_life_cost_nominal"] = round(sum(float(r[col["total_nominal"]])
                                                           for r in rows), 2)
            elif infl is not None:
                out["whole_life_cost_nominal"] = round(sum(
                    v * (1 + float(infl) / 100) ** int(float(r[col["year"]]))
                    for v, r in zip(totals, rows)), 2)
            if "headroom" in col:
                short = [(int(float(r[col["year"]])), float(r[col["headroom"]])) for r in rows
                         if float(r[col["headroom"]]) < 0]
                out["shortfall_years"] = [y for y, _ in short]
                out["budget_shortfall"] = round(-sum(v for _, v in short), 2)
        except (OSError, ValueError, KeyError, IndexError, csv.Error):
            pass
    if prop.get("funding_confirmed") is not None:
        out["funding_confirmed"] = prop.get("funding_confirmed")
        out["funding_unconfirmed"] = prop.get("funding_unconfirmed")
        cost = out["whole_life_cost_nominal"] or out["whole_life_cost_real"]
        if cost is not None:
            out["funding_gap"] = round(cost - float(prop["funding_confirmed"]), 2)
    out["lines"] = _headline_lines(out, gbp)
    return out


def _headline_lines(h: dict, gbp) -> list[tuple[str, str]]:
    """The executive summary's key figures as (what, figure) rows."""
    rows = []
    if h["recommended"]:
        rows.append(("Recommended option", h["recommended"]))
        rows.append(("Net present social value (NPSV)", gbp(float(h["npsv"]))))
        rows.append(("Benefit-cost ratio (BCR)", "not applicable (a net saving)"
                     if h["bcr"] is None else f"{float(h['bcr']):.2f}"))
        rows.append(("Value for money", str(h["vfm"])))
        if h["payback_year"] is not None:
            rows.append(("Discounted payback", f"year {int(h['payback_year'])}"))
    else:
        rows.append(("Recommended option", "not yet appraised: run stage 3 (demonstrating value)"))
    if h["whole_life_cost_real"] is not None:
        text = f"{gbp(h['whole_life_cost_real'])} in real prices"
        if h["whole_life_cost_nominal"] is not None:
            text += (f"; {gbp(h['whole_life_cost_nominal'])} in cash (nominal) prices at "
                     f"{float(h['inflation_pct']):g}% inflation")
        rows.append(("Whole-life cost (with optimism bias)", text))
    if h["budget_shortfall"]:
        rows.append(("Affordability against the budget",
                     f"a shortfall of {gbp(h['budget_shortfall'])} in year(s) "
                     + ", ".join(map(str, h["shortfall_years"]))))
    elif h["budget_shortfall"] == 0:
        rows.append(("Affordability against the budget", "within budget every year"))
    if h["funding_confirmed"] is not None:
        text = (f"{gbp(float(h['funding_confirmed']))} confirmed, "
                f"{gbp(float(h['funding_unconfirmed'] or 0))} not yet confirmed")
        if h["funding_gap"] is not None:
            text += ("; fully funded" if h["funding_gap"] <= 0 else
                     f"; a gap of {gbp(h['funding_gap'])} against the whole-life cost "
                     "until the rest is confirmed")
        rows.append(("Funding", text))
    return rows


def evidence_rows(pack: Pack) -> list[list[str]]:
    """Appendix A: one row per item of evidence — its section, title, notebook and file — and
    where the section's inputs come from (instead of a line under every table)."""
    rows = []
    for case in CASE_ORDER:
        for i in pack.items[case]:
            rows.append([CASE_TITLES[case], i.title, pack.notebook_titles.get(i.notebook, i.notebook),
                         f"{i.notebook}/{i.path.name}"])
    return rows


def inputs_rows(pack: Pack) -> list[list[str]]:
    """Appendix A: every input file each notebook read, with its origin."""
    words = {"council": "the council's", "example": "example (sample council)",
             "template": "blank template"}
    rows = []
    for nb in sorted(pack.inputs, key=_order_key):
        if nb not in pack.ran:
            continue
        for x in pack.inputs[nb]:
            rows.append([pack.notebook_titles.get(nb, nb), x["key"].replace("_", " "),
                         "; ".join(x["files"][:3]) + (" …" if len(x["files"]) > 3 else ""),
                         words.get(x["origin"], x["origin"])])
    return rows


def _case_notes(pack: Pack, case: str) -> list[tuple[str, str]]:
    """(css class, text) notes for a section: where it comes from, and what did not run."""
    notes = []
    origin_note = pack.provenance_note(case)
    if origin_note:
        notes.append(("provenance", "Where this comes from. " + origin_note))
    missing = _missing_text(pack, case)
    if missing:
        notes.append(("missing", missing))
    elif not pack.items[case] and case not in ("summary", "appendix"):
        notes.append(("missing", "No notebook has recorded evidence for this section yet."))
    return notes


def _title_meta(pack: Pack, h: dict) -> list[str]:
    bits = [h.get("title"), h.get("stage"),
            f"version {h['version']}" if h.get("version") else None,
            h.get("date")]
    return [b for b in bits if b]


APPENDICES = (("appendix-a", "Appendix A: where the evidence comes from"),
              ("appendix", "Appendix B: data sources and quality"),
              ("appendix-c", "Appendix C: detailed tables"))


def render_html(pack: Pack) -> str:
    """The pack as one self-contained, accessible HTML document (a string): the executive
    summary, the five cases (main body), then the appendices; prints to A4. Rendered from
    Jinja2 templates with autoescape."""
    title = f"Business case for open data: {pack.council}"
    h = headline(pack)
    main_cases = CASE_ORDER[1:6]
    nav = ([("summary", "Executive summary")] + [(c, CASE_TITLES[c]) for c in main_cases]
           + list(APPENDICES))
    details: list[Item] = []
    cases = []
    for case in main_cases:
        blocks = []
        for item in pack.items[case]:
            if is_detail(item):
                details.append(item)
                if item.kind != "table":
                    continue
            blocks.append(_markup(_item_html(item)))
        cases.append({"key": case, "title": CASE_TITLES[case], "question": CASE_QUESTIONS[case],
                      "notes": _case_notes(pack, case), "blocks": blocks})
    appendix_a = [_markup(_html_table(["section", "evidence", "notebook", "file"],
                                      evidence_rows(pack),
                                      "Every item of evidence in this business case, and its file",
                                      board=False))]
    if pack.inputs:
        appendix_a.append(_markup(_html_table(
            ["notebook", "input", "files", "origin"], inputs_rows(pack),
            "The input files each notebook read, and where they come from", board=False)))
    status = [[n, pack.notebook_titles.get(n, n), _status(pack, n)]
              for n in sorted(set(pack.expected) | set(pack.ran) | set(pack.not_applicable),
                              key=_order_key)]
    appendix_a.append(_markup(_html_table(["notebook", "title", "status"], status,
                                          "Which notebooks' artefacts this pack contains",
                                          board=False)))
    return _template("page").render(
        title=title, css=_markup(_CSS), meta=_title_meta(pack, h), nav=nav, h=h,
        summary_lines=summary_lines(pack),
        key_figures=_markup(_html_table(["", "figure"], [list(r) for r in h["lines"]],
                                        "Key figures", board=False)),
        notes={"summary": _case_notes(pack, "summary"), "appendix": _case_notes(pack, "appendix")},
        summary_items=[_markup(_item_html(i)) for i in pack.items["summary"] if i.kind == "text"],
        cases=cases, appendix_a=appendix_a,
        appendix_b=[_markup(_item_html(i)) for i in pack.items["appendix"] if i.kind != "data"],
        appendix_c=[(f"detail-{i.notebook}-{i.name}", _markup(_item_html(i, full=True)))
                    for i in details if i.kind != "data"])


# ------------------------------------------------------------------ Word


def _docx_table(doc, header, rows, caption: str | None, board: bool = True,
                show_caption: bool = True):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from .pack_format import board_table, is_number

    if board:
        header, rows = board_table(header, rows)
    else:
        rows = [[display_value(c) for c in r] for r in rows]
    if caption and show_caption:
        p = doc.add_paragraph()
        r = p.add_run(caption)
        r.bold = True
    width = max(1, len(header))
    table = doc.add_table(rows=1, cols=width)
    try:
        table.style = "Table Grid"
    except (KeyError, ValueError):  # pragma: no cover - template without the style
        pass
    hdr = table.rows[0]
    for cell, text in zip(hdr.cells, header):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(text))
        run.bold = True
        run.font.size = Pt(9)
    # repeat the header row on each page; mark it as a header for screen readers
    trPr = hdr._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trPr.append(el)
    for r in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, list(r) + [""] * (width - len(r))):
            cell.text = ""
            para = cell.paragraphs[0]
            run = para.add_run(str(text))
            run.font.size = Pt(9)
            if text and is_number(text):
                from docx.enum.text import WD_ALIGN_PARAGRAPH

                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if caption:
        tblPr = table._tbl.tblPr
        cap = OxmlElement("w:tblCaption")
        cap.set(qn("w:val"), caption[:250])
        tblPr.append(cap)
    return table


def _docx_markdown(doc, md: str):
    """Markdown (parsed by mistune) into Word: headings, paragraphs, nested lists, tables,
    block quotes and code blocks."""
    def runs_into(p, children):
        for text, bold, italic in _inline_runs(children):
            run = p.add_run(text)
            run.bold, run.italic = bold or None, italic or None

    def walk(tokens, depth=0, ordered=False):
        for t in tokens:
            kind = t.get("type")
            if kind == "heading":
                doc.add_heading(_plain(t.get("children")), level=3)
            elif kind in ("paragraph", "block_text"):
                runs_into(doc.add_paragraph(), t.get("children"))
            elif kind == "list":
                ordered_ = bool(t.get("attrs", {}).get("ordered"))
                for item in t.get("children", []):
                    first, rest = None, []
                    for child in item.get("children", []):
                        if first is None and child.get("type") in ("block_text", "paragraph"):
                            first = child
                        else:
                            rest.append(child)
                    style = "List Number" if ordered_ else "List Bullet"
                    if depth:
                        style += " 2"
                    try:
                        p = doc.add_paragraph(style=style)
                    except KeyError:  # pragma: no cover - template without the style
                        p = doc.add_paragraph()
                    if first is not None:
                        runs_into(p, first.get("children"))
                    walk(rest, depth + 1, ordered_)
            elif kind == "table":
                head = next((c for c in t.get("children", []) if c["type"] == "table_head"), None)
                body = next((c for c in t.get("children", []) if c["type"] == "table_body"), None)
                header = [_plain(c.get("children")) for c in (head or {}).get("children", [])]
                rows = [[_plain(c.get("children")) for c in r.get("children", [])]
                        for r in (body or {}).get("children", [])]
                if header:
                    _docx_table(doc, header, rows, None, board=False)
            elif kind == "block_quote":
                walk(t.get("children", []), depth)
            elif kind == "block_code":
                p = doc.add_paragraph()
                run = p.add_run(t.get("raw", "").rstrip("\n"))
                run.font.name = "Courier New"

    walk(_md_tokens(md))


def _docx_item(doc, item: Item, level: int = 2, full: bool = False):
    from docx.shared import Inches

    doc.add_heading(item.title, level=level)
    try:
        if not item.path.is_file():
            raise FileNotFoundError
        if item.kind == "figure":
            doc.add_picture(_io.BytesIO(item.path.read_bytes()), width=Inches(4.6))
            inline = doc.inline_shapes[-1]._inline
            alt = item.alt or item.title
            inline.docPr.set("descr", alt)
            inline.docPr.set("title", item.title)
            if item.caption and item.caption != item.title:
                try:
                    doc.add_paragraph(item.caption, style="Caption")
                except KeyError:  # pragma: no cover
                    doc.add_paragraph(item.caption)
        elif item.kind == "table":
            header, rows = _read_table(item.path)
            if not header:
                raise ValueError("empty table")
            if not full and _too_big(len(rows), len(header)):
                doc.add_paragraph(f"The table ({len(rows)} rows, {len(header)} columns) is in "
                                  "appendix C.")
            else:
                caption = item.caption or item.title
                _docx_table(doc, header, rows[:MAX_TABLE_ROWS], caption,
                            show_caption=caption != item.title)
                if len(rows) > MAX_TABLE_ROWS:
                    doc.add_paragraph(f"The first {MAX_TABLE_ROWS} of {len(rows)} rows; the whole "
                                      f"table is {item.notebook}/{item.path.name} in the outputs folder.")
        elif item.kind == "text":
            _docx_markdown(doc, _read_text(item.path))
        else:
            pairs = _flat_pairs(_read_data(item.path))
            if pairs:
                _docx_table(doc, ["item", "value"], pairs, item.title, show_caption=False)
            else:
                doc.add_paragraph(f"Structured data: {item.notebook}/{item.path.name} in the "
                                  "outputs folder, and business_case.json.")
    except (OSError, ValueError, UnicodeDecodeError, csv.Error):
        doc.add_paragraph(f"This artefact could not be read ({item.notebook}/{item.path.name} is "
                          f"missing or damaged): run {item.notebook} again.")


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, TOC …) that Word fills in when the document is opened or printed."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def el(tag, **attrs):
        e = OxmlElement(tag)
        for k, v in attrs.items():
            e.set(qn(k), v)
        return e

    run = paragraph.add_run()
    run._r.append(el("w:fldChar", **{"w:fldCharType": "begin", "w:dirty": "true"}))
    run = paragraph.add_run()
    instr = el("w:instrText", **{"xml:space": "preserve"})
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    run._r.append(el("w:fldChar", **{"w:fldCharType": "separate"}))
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    run._r.append(el("w:fldChar", **{"w:fldCharType": "end"}))


def _docx_notes(doc, pack: Pack, case: str) -> None:
    for cls, text in _case_notes(pack, case):
        p = doc.add_paragraph()
        head, _, rest = text.partition(". ") if cls == "provenance" else ("", "", text)
        if head:
            p.add_run(head + ". ").bold = True
        p.add_run(rest)


def render_docx(pack: Pack) -> bytes:
    """The pack as a Word board paper (bytes): A4, a title page with date and version, a
    contents field, page numbers, the executive summary and five cases, then the appendices."""
    import datetime as dt

    import docx
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Mm, Pt

    doc = docx.Document()
    title = f"Business case for open data: {pack.council}"
    h = headline(pack)
    cp = doc.core_properties
    cp.title, cp.author, cp.language = title, pack.council, "en-GB"
    cp.subject = "Business case (Five Case Model)"
    cp.created = cp.modified = dt.datetime(2024, 1, 1)
    cp.last_modified_by = "Open Data Public Services Toolkit"
    if h.get("version"):
        cp.version = str(h["version"])[:250]
    doc.styles["Normal"].font.size = Pt(10.5)
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Mm(297), Mm(210)
    sec.top_margin = sec.bottom_margin = Mm(20)
    sec.left_margin = sec.right_margin = Mm(20)
    footer = sec.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{pack.council} · business case · page ")
    _field(footer, "PAGE", "1")
    # title page
    doc.add_heading(title, level=0)
    for line in _title_meta(pack, h):
        doc.add_paragraph(line)
    doc.add_paragraph("Prepared with the Open Data Public Services Toolkit, in the Five Case "
                      "Model (HM Treasury Green Book).")
    doc.add_paragraph("Contents").runs[0].bold = True
    _field(doc.add_paragraph(), 'TOC \\o "1-1" \\h \\z \\u',
           "Right-click and choose Update Field to show the contents.")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    # executive summary
    doc.add_heading("Executive summary", level=1)
    if h["decision_sought"]:
        p = doc.add_paragraph()
        p.add_run("Decision sought. ").bold = True
        p.add_run(h["decision_sought"])
    for line in summary_lines(pack):
        doc.add_paragraph(line)
    _docx_table(doc, ["", "Figure"], [list(r) for r in h["lines"]], "Key figures", board=False)
    if h["top_risks"]:
        doc.add_heading("Top risks", level=2)
        for r in h["top_risks"]:
            doc.add_paragraph(r, style="List Number")
    _docx_notes(doc, pack, "summary")
    for item in pack.items["summary"]:
        if item.kind == "text":
            _docx_item(doc, item)
    details: list[Item] = []
    for case in CASE_ORDER[1:6]:
        doc.add_heading(CASE_TITLES[case], level=1)
        p = doc.add_paragraph()
        p.add_run(CASE_QUESTIONS[case]).italic = True
        _docx_notes(doc, pack, case)
        for item in pack.items[case]:
            if is_detail(item):
                details.append(item)
                if item.kind == "table":
                    _docx_item(doc, item)
            else:
                _docx_item(doc, item)
    doc.add_section(WD_SECTION.NEW_PAGE)
    doc.add_heading("Appendix A: where the evidence comes from", level=1)
    _docx_table(doc, ["Section", "Evidence", "Notebook", "File"], evidence_rows(pack),
                "Every item of evidence in this business case, and its file", board=False)
    if pack.inputs:
        _docx_table(doc, ["Notebook", "Input", "Files", "Origin"], inputs_rows(pack),
                    "The input files each notebook read, and where they come from", board=False)
    rows = [[n, pack.notebook_titles.get(n, n), _status(pack, n)]
            for n in sorted(set(pack.expected) | set(pack.ran) | set(pack.not_applicable),
                            key=_order_key)]
    _docx_table(doc, ["Notebook", "Title", "Status"], rows,
                "Which notebooks' artefacts this pack contains", board=False)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading("Appendix B: data sources and quality", level=1)
    _docx_notes(doc, pack, "appendix")
    for item in pack.items["appendix"]:
        if item.kind != "data":
            _docx_item(doc, item)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading("Appendix C: detailed tables", level=1)
    for item in details:
        if item.kind != "data":
            _docx_item(doc, item, full=True)
    doc.add_paragraph("Every figure the sections state is also in business_case.json.")
    buf = _io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ the pack

def pack_status(pack: Pack):
    """Per section: how many artefacts, from which notebooks, and what is missing."""
    import pandas as pd

    rows = []
    for case in CASE_ORDER:
        its = pack.items[case]
        missing = pack.missing_for(case)
        rows.append({
            "section": CASE_TITLES[case],
            "artefacts": len(its),
            "from notebooks": ", ".join(dict.fromkeys(i.notebook for i in its)) or "—",
            "status": ("filled" if its and not missing else
                       "partly filled" if its else "empty") if case != "summary" else
                      ("filled" if its else "generated"),
            "did not run": ", ".join(missing) or "—",
        })
    return pd.DataFrame(rows)


def notebooks_status(pack: Pack):
    """Which notebooks ran (have a manifest) and how many artefacts each gave."""
    import pandas as pd

    counts: dict[str, int] = {}
    for its in pack.items.values():
        for i in its:
            counts[i.notebook] = counts.get(i.notebook, 0) + 1
    names = sorted(set(pack.expected) | set(pack.ran), key=_order_key)
    return pd.DataFrame([{"notebook": n, "ran": "yes" if n in pack.ran else "no",
                          "artefacts": counts.get(n, 0)} for n in names])


def build_pack(output_dir, config=None, expected: list[str] | None = None,
               not_applicable: dict[str, str] | None = None) -> dict[str, Path]:
    """Write ``business_case.html``, ``business_case.docx`` and ``business_case.json`` into
    ``output_dir`` (atomically) from the artefacts found there; return their paths
    ``{"html": …, "docx": …, "json": …}``.

    ``expected`` lists the notebooks that should have run (default: the whole collection);
    those missing are named in the pack. ``not_applicable`` names the notebooks that do not
    apply to the council's data, with why (their old artefacts are left out).
    """
    output_dir = Path(output_dir)
    pack = collect(output_dir, config, expected, not_applicable)
    html_path = atomic_write_text(output_dir / "business_case.html", render_html(pack))
    docx_path = atomic_write_bytes(output_dir / "business_case.docx", render_docx(pack))
    json_path = atomic_write_text(output_dir / "business_case.json",
                                  json.dumps(provenance(pack, config), indent=2,
                                             ensure_ascii=False) + "\n")
    return {"html": html_path, "docx": docx_path, "json": json_path}


def main(argv: list[str] | None = None) -> int:
    """``python -m toolkit_helpers.report [--config FILE] [--output-dir DIR]``: build the pack
    from the outputs already there (e.g. after ``make run``), print where it went."""
    import argparse

    from .config import load_config
    from .errors import ToolkitError

    ap = argparse.ArgumentParser(prog="python -m toolkit_helpers.report",
                                 description="Build the business case pack (HTML and Word).")
    ap.add_argument("--config", default="councils/sample.yaml", help="council config YAML")
    ap.add_argument("--output-dir", default=None,
                    help="the council's output folder (default: the config's)")
    args = ap.parse_args(argv)
    try:
        cfg = load_config(args.config)
        out = Path(args.output_dir) if args.output_dir else cfg.output_dir
        if not out.is_dir():
            raise ToolkitError("there are no outputs to build the pack from", file=out,
                               hint="run the collection first (make run).")
        paths = build_pack(out, cfg)
    except ToolkitError as exc:
        print(f"error: {exc}")
        return 1
    pack = collect(out, cfg)
    for kind, path in paths.items():
        print(f"{kind}: {path}")
    print(pack_status(pack).to_string(index=False))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
