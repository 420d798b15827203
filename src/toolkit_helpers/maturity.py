"""Open data maturity and data ethics, as structured data.

- :func:`load_maturity` — the council's **Open Data Pathway** self-assessment (ODI): five
  dimensions, each scored 1 (initial) to 5 (optimising), from YAML (config ``data.maturity``),
  validated with messages that name the file, the line and what is expected.
- :func:`maturity_table` / :func:`maturity_figure` — the scores, targets and gaps, as a table
  and an accessible bar chart (alt text from the numbers).
- :func:`ethics_canvas` — the **Data Ethics Canvas** (ODI): its 15 areas, each with its
  question, pre-filled where the toolkit already knows the answer (the council's data sources
  from the config and the artefacts of the notebooks that ran, what the personal-data screen
  found, the licence chosen) and marked *to complete* where only people can answer.

YAML layout (``data/sample/council/maturity.yaml``)::

    council: Anytown Borough Council        # optional
    assessed: 2026-03-31                    # optional
    scores:                                 # required: all five, whole numbers 1-5
      data_management_processes: 2
      knowledge_and_skills: 2
      customer_support_and_engagement: 1
      investment_and_financial_performance: 1
      strategic_oversight: 3
    targets: {...}                          # optional, same keys, 1-5, not below the score
    notes: {...}                            # optional, same keys, text
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataFileError
from .io import read_yaml

DIMENSIONS: dict[str, str] = {
    "data_management_processes": "Data management processes",
    "knowledge_and_skills": "Knowledge and skills",
    "customer_support_and_engagement": "Customer support and engagement",
    "investment_and_financial_performance": "Investment and financial performance",
    "strategic_oversight": "Strategic oversight",
}
# The Open Data Pathway's levels (after the capability maturity model).
LEVELS = {1: "Initial", 2: "Repeatable", 3: "Defined", 4: "Managed", 5: "Optimising"}
TOP_KEYS = {"council", "assessed", "scores", "targets", "notes"}

# The Data Ethics Canvas (ODI): its 15 areas and the question each asks.
CANVAS_AREAS: tuple[tuple[str, str, str], ...] = (
    ("data_sources", "Data sources",
     "Name the key data sources you are using or collecting."),
    ("rights", "Rights around data sources",
     "Where did you get the data from? Who owns it, under what licence or agreement may you use it?"),
    ("limitations", "Limitations in data sources",
     "Are there gaps, errors, bias or quality problems in the data that could affect results?"),
    ("context", "Ethical and legislative context",
     "Which laws, policies and codes apply (data protection, equality, sector rules)?"),
    ("reason", "Your reason for using data",
     "What is your primary purpose? What problem are you trying to solve?"),
    ("positive_effects", "Positive effects on people",
     "Which individuals, groups or organisations will benefit, and how?"),
    ("negative_effects", "Negative effects on people",
     "Who could be negatively affected, e.g. by being identified or misrepresented?"),
    ("minimising", "Minimising negative effects",
     "What steps will you take to reduce negative effects?"),
    ("engaging", "Engaging with people",
     "How can people find out about, ask about or challenge what you do with data?"),
    ("communicating", "Communicating your purpose",
     "Do people understand why you are using data, and what for?"),
    ("openness", "Openness and transparency",
     "How open can you be about the project and its data? What will you publish?"),
    ("sharing", "Sharing data with others",
     "Will you share or publish data? With whom, under what terms?"),
    ("implementation", "Ongoing implementation",
     "How will you keep data, processes and safeguards up to date once live?"),
    ("reviews", "Reviews and iterations",
     "How and when will you review the project and this canvas?"),
    ("actions", "Your actions",
     "What are the next steps, who owns them, and by when?"),
)
TO_COMPLETE = "To complete (by the team, with the people affected)."


@dataclass
class Maturity:
    scores: dict[str, int]
    targets: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    council: str | None = None
    assessed: str | None = None
    source: str = ""

    @property
    def mean(self) -> float:
        return sum(self.scores.values()) / len(self.scores)

    @property
    def weakest(self) -> list[str]:
        low = min(self.scores.values())
        return [DIMENSIONS[k] for k in DIMENSIONS if self.scores[k] == low]


def _line_of(text: str, key: str, section: str | None = None) -> int | None:
    """The line number of ``key:`` (inside ``section:`` when given), for error messages."""
    lines = text.splitlines()
    start = 0
    if section:
        start = next((i for i, ln in enumerate(lines) if ln.startswith(f"{section}:")), 0)
    for i in range(start, len(lines)):
        if lines[i].strip().startswith(f"{key}:"):
            return i + 1
    return None


def parse_maturity(raw, *, file=None, text: str = "") -> Maturity:
    """Validate an already-loaded YAML document (see :func:`load_maturity`)."""
    def fail(problem, key=None, hint=None, section=None):
        return DataFileError(problem, file=file,
                             row=_line_of(text, key, section) if key else None, hint=hint)

    if not isinstance(raw, dict):
        raise fail("the maturity file must be a YAML mapping with a 'scores:' section",
                   hint="start from data/sample/council/maturity.yaml.")
    unknown = [k for k in raw if k not in TOP_KEYS]
    if unknown:
        raise fail(f"unknown key {unknown[0]!r}", unknown[0],
                   hint=f"allowed keys: {', '.join(sorted(TOP_KEYS))}.")
    if "scores" not in raw or not isinstance(raw["scores"], dict):
        raise fail("there is no 'scores:' section of the five dimensions", "scores",
                   hint="add 'scores:' with " + ", ".join(DIMENSIONS) + " (each 1 to 5).")

    def section(name, numeric: bool, required: bool):
        given = raw.get(name) or {}
        if not isinstance(given, dict):
            raise fail(f"'{name}' must be a mapping of dimension to value", name)
        for k in given:
            if k not in DIMENSIONS:
                import difflib
                close = difflib.get_close_matches(str(k), list(DIMENSIONS), n=1)
                raise fail(f"'{name}' has an unknown dimension {k!r}"
                           + (f" (did you mean {close[0]!r}?)" if close else ""), str(k),
                           hint="the five dimensions are: " + ", ".join(DIMENSIONS) + ".",
                           section=name)
        if required:
            missing = [k for k in DIMENSIONS if k not in given]
            if missing:
                raise fail(f"'{name}' is missing {', '.join(missing)}", name,
                           hint="score all five dimensions, each 1 to 5.")
        out = {}
        for k, v in given.items():
            if numeric:
                if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 5:
                    raise fail(f"'{name}.{k}' is {v!r}", k, section=name,
                               hint="a whole number from 1 (initial) to 5 (optimising).")
            elif not isinstance(v, str):
                raise fail(f"'{name}.{k}' is {v!r}", k, hint="text (in quotes).", section=name)
            out[k] = v
        return out

    scores = section("scores", True, True)
    targets = section("targets", True, False)
    notes = section("notes", False, False)
    for k, t in targets.items():
        if t < scores[k]:
            raise fail(f"the target for {k} ({t}) is below its score ({scores[k]})", k,
                       section="targets",
                       hint="a target is where you want to be: at least the current score.")
    assessed = raw.get("assessed")
    return Maturity(scores={k: scores[k] for k in DIMENSIONS}, targets=targets, notes=notes,
                    council=str(raw["council"]) if raw.get("council") else None,
                    assessed=str(assessed) if assessed is not None else None,
                    source=Path(file).name if file else "")


def load_maturity(path) -> Maturity:
    """Read and validate a maturity self-assessment YAML file."""
    path = Path(path)
    raw, text = read_yaml(path, missing_hint="check data.maturity in the council config.")
    return parse_maturity(raw, file=path, text=text)


def maturity_table(m: Maturity):
    """One row per dimension: score, level, target, gap, note."""
    import pandas as pd

    rows = []
    for k, label in DIMENSIONS.items():
        s = m.scores[k]
        t = m.targets.get(k)
        rows.append({"dimension": label, "score": s, "level": LEVELS[s],
                     "target": t if t is not None else "", "gap": (t - s) if t is not None else "",
                     "note": m.notes.get(k, "")})
    return pd.DataFrame(rows)


def maturity_text(m: Maturity) -> str:
    """The self-check in plain words."""
    lines = [f"Average score **{m.mean:.1f} of 5** across the Open Data Pathway's five dimensions."]
    lines.append("Weakest: " + ", ".join(m.weakest) + f" (score {min(m.scores.values())}, "
                 f"{LEVELS[min(m.scores.values())].lower()}).")
    strongest = max(m.scores.values())
    lines.append("Strongest: " + ", ".join(DIMENSIONS[k] for k in DIMENSIONS
                                           if m.scores[k] == strongest)
                 + f" (score {strongest}, {LEVELS[strongest].lower()}).")
    if m.targets:
        gap = sum(m.targets[k] - m.scores[k] for k in m.targets)
        lines.append(f"The targets ask for **{gap} level{'s' if gap != 1 else ''}** of improvement in all.")
    return " ".join(lines)


def maturity_figure(m: Maturity):
    """A horizontal bar chart of the scores (targets as outlined bars); returns ``(fig, alt)``."""
    from .charts import PALETTE, new_figure

    labels = list(DIMENSIONS.values())
    scores = [m.scores[k] for k in DIMENSIONS]
    fig, ax = new_figure(figsize=(8, 3.6))
    y = list(range(len(labels)))[::-1]
    if m.targets:
        targets = [m.targets.get(k, m.scores[k]) for k in DIMENSIONS]
        ax.barh(y, targets, color="none", edgecolor=PALETTE[7], linestyle="--", hatch="//",
                label="target")
    ax.barh(y, scores, color=PALETTE[0], height=0.5, label="score")
    for yi, s in zip(y, scores):
        ax.text(s + 0.05, yi, f"{s} ({LEVELS[s]})", va="center", fontsize=9)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 5.9)
    ax.set_xticks([1, 2, 3, 4, 5])
    ax.set_xlabel("score (1 initial – 5 optimising)")
    ax.set_title("Open data maturity self-check")
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    parts = "; ".join(f"{DIMENSIONS[k].lower()} {m.scores[k]}"
                      + (f" (target {m.targets[k]})" if k in m.targets else "")
                      for k in DIMENSIONS)
    alt = (f"Bar chart of the open data maturity self-check, scores out of 5: {parts}. "
           f"Average {m.mean:.1f}; weakest: {', '.join(m.weakest).lower()}.")
    return fig, alt


# ------------------------------------------------------------------ Data Ethics Canvas

def _list(items, limit: int = 12) -> str:
    items = list(dict.fromkeys(i for i in items if i))
    more = len(items) - limit
    text = "; ".join(items[:limit])
    return text + (f"; and {more} more" if more > 0 else "")


def _inventory_rights(output_dir, manifests: dict) -> tuple[str, str] | None:
    """Licences and stewards from a data inventory table another notebook recorded (a table
    with ``name`` and ``licence`` columns, e.g. stage 2's), as the canvas's *rights* answer."""
    from .artefacts import read_entry

    for nb, m in manifests.items():
        for e in m.get("entries", []):
            if e.get("kind") != "table":
                continue
            rows = read_entry(Path(output_dir) / nb, e)
            if not rows or not {"name", "licence"} <= set(rows[0]):
                continue
            by_licence: dict[str, list[str]] = {}
            for r in rows:
                by_licence.setdefault((r.get("licence") or "not recorded").strip() or "not recorded",
                                      []).append(r.get("name", "").strip())
            parts = [f"{lic}: {_list(names, 4)}" for lic, names in sorted(by_licence.items())]
            stewards = _list([(r.get("steward") or "").strip() for r in rows], 6)
            text = "By licence — " + " | ".join(parts) + "."
            if stewards:
                text += f" Stewards: {stewards}."
            return text, f"data inventory ({nb})"
    return None


def ethics_canvas(config=None, *, readiness=None, manifests: dict | None = None,
                  licence_title: str = "Open Government Licence v3.0",
                  maturity: Maturity | None = None, output_dir=None):
    """The Data Ethics Canvas's 15 areas as a table (area, question, answer, source).

    Pre-filled from what the toolkit knows:

    - ``config`` (a :class:`toolkit_helpers.config.Config`): the data sources it names, the
      service's purpose, users and problem;
    - ``readiness`` (:class:`toolkit_helpers.publish.Readiness`): the personal data found and
      redacted, the formula cells neutralised, the data package and its licence;
    - ``manifests`` (:func:`toolkit_helpers.artefacts.read_manifests`): the tables the other
      notebooks recorded as data sources (appendix); with ``output_dir`` (where those
      manifests are), the licences and stewards of a data inventory table (stage 2's);
    - ``maturity``: the weakest maturity dimensions, as actions.

    Every other area says *to complete*: only the team and the people affected can answer it.
    """
    import pandas as pd

    from .config import DATA_KEYS

    answers: dict[str, tuple[str, str]] = {}
    if config is not None:
        sources = [f"{key}: {DATA_KEYS.get(key, key).split(':')[0]} ({', '.join(p.name for p in config.data_paths(key))})"
                   for key in config.data]
        svc = config.service
        if sources:
            answers["data_sources"] = (_list(sources), "council config (data)")
        if svc.problem or svc.name:
            answers["reason"] = (f"{svc.name}: {svc.problem}".strip(": "), "council config (service)")
        if svc.users:
            answers["positive_effects"] = (
                f"Users of {svc.name.lower()}: {svc.users} Benefits as in the benefits register "
                "(stage 1), where it ran.", "council config (service.users)")
    if manifests:
        extra = [f"{e.get('title')} ({nb})" for nb, m in manifests.items()
                 for e in m.get("entries", []) if e.get("case") == "appendix"
                 and e.get("kind") == "table"]
        if extra:
            prev = answers.get("data_sources", ("", ""))[0]
            answers["data_sources"] = (
                _list([prev] + ["Evidence tables: " + _list(extra, 8)]),
                "council config and the notebooks' appendix artefacts")
        if output_dir is not None:
            rights = _inventory_rights(output_dir, manifests)
            if rights:
                answers["rights"] = rights
    answers.setdefault("context", (
        "UK GDPR and the Data Protection Act 2018 (personal data); the Local Government "
        "Transparency Code 2015 (what councils publish); Freedom of Information Act 2000 and the "
        "Re-use of Public Sector Information Regulations 2015; the Equality Act 2010 "
        "(public sector equality duty). Check with the council's data protection officer.",
        "toolkit suggestion: confirm"))
    if readiness is not None:
        kinds = {k: n for k, n in readiness.result.by_kind().items() if n}
        from .publish import KIND_LABELS
        found = "; ".join(f"{KIND_LABELS[k]}: {n}" for k, n in kinds.items())
        cells = len(readiness.result.cells_with_personal_data())
        answers["limitations"] = (
            f"{readiness.source}: {readiness.rows} rows, {readiness.columns} columns; "
            f"{len(readiness.neutralised)} text cells began like spreadsheet formulas and were "
            "neutralised. Free-text columns may hold personal data the screen cannot recognise "
            "(names without titles): read them before publishing.", "publish-readiness check")
        answers["negative_effects"] = (
            (f"Residents could be identified: the screen found personal data in {cells} cells "
             f"of {readiness.source} ({found})." if cells else
             f"The screen found no personal data in {readiness.source}; names without titles "
             "are not screened."), "personal-data screen")
        answers["minimising"] = (
            f"Personal data replaced by '{readiness.label}' (Transparency Code label) before "
            "publication; formula-like cells neutralised; the published file is checked against "
            "its schema with Frictionless.", "publish-readiness check")
        answers["openness"] = (
            f"Publish the data package ({readiness.package.name} and its CSV) under the "
            f"{licence_title}; five-star level {readiness.stars} of 5.", "publish-readiness check")
        answers["sharing"] = (
            f"Open publication under the {licence_title}: anyone may reuse it with attribution.",
            "publish-readiness check (licence)")
    if maturity is not None:
        answers["actions"] = (
            "Raise the weakest open data maturity dimensions first: " + ", ".join(maturity.weakest)
            + ". Owners and dates: to complete.", "maturity self-check")
    rows = []
    for n, (key, area, question) in enumerate(CANVAS_AREAS, 1):
        answer, source = answers.get(key, (TO_COMPLETE, ""))
        rows.append({"no.": n, "area": area, "question": question, "answer": answer,
                     "pre-filled from": source or "—"})
    return pd.DataFrame(rows)


def canvas_markdown(canvas) -> str:
    """The canvas as Markdown (one short section per area) for the business case pack."""
    out = []
    for _, r in canvas.iterrows():
        out.append(f"**{r['no.']}. {r['area']}** — *{r['question']}*\n\n{r['answer']}"
                   + (f" *(pre-filled from: {r['pre-filled from']})*" if r["pre-filled from"] != "—" else ""))
    return "\n\n".join(out) + "\n"
