"""Stage 1: goals — the benefits register, the logic model, SMART checks and the pattern choice.

- :func:`load_benefits` reads a **benefits register** (CSV or YAML): one row per benefit with
  ``benefit, who_gains, measure, baseline, target, owner, by_when``. A benefit without a measure
  or an owner (or without a name) is refused with a message naming the file, row and field.
- :func:`smart_check` says, for each benefit, whether it is Specific, Measurable, Achievable,
  Relevant and Time-bound, and what to add when it is not; :func:`smart_goal` does the same for
  a goal written as a sentence.
- :func:`load_logic_model` reads a **logic model** (YAML: inputs → activities → outputs →
  outcomes → impact) and checks every stage is there.
- :func:`suggest_patterns` turns a few yes/no answers into the toolkit's three patterns
  (access, delivery chains, better-informed policy).
"""
from __future__ import annotations

import datetime as _dt
import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import DataFileError
from .io import normalise_header, read_yaml

BENEFIT_FIELDS = ("benefit", "who_gains", "measure", "baseline", "target", "owner", "by_when")
REQUIRED_BENEFIT_FIELDS = ("benefit", "measure", "owner")
# Header spellings people use → canonical field.
BENEFIT_ALIASES = {
    "benefit": "benefit", "benefits": "benefit", "description": "benefit",
    "who gains": "who_gains", "who benefits": "who_gains", "beneficiary": "who_gains",
    "beneficiaries": "who_gains", "who": "who_gains",
    "measure": "measure", "indicator": "measure", "kpi": "measure", "metric": "measure",
    "baseline": "baseline", "current": "baseline", "current value": "baseline",
    "target": "target", "target value": "target",
    "owner": "owner", "benefit owner": "owner", "responsible": "owner",
    "by when": "by_when", "by_when": "by_when", "date": "by_when", "target date": "by_when",
    "deadline": "by_when", "when": "by_when",
}
LOGIC_STAGES = ("inputs", "activities", "outputs", "outcomes", "impact")
PATTERNS = {
    "access": "Access: open data helps people find and use a service (journeys, opening times, "
              "where to go) — like TfL's open transport data.",
    "delivery": "Delivery chains: open spend and contract data shows who delivers, for how much, "
                "and opens the market — like Spend Network's use of council spend and tenders.",
    "policy": "Better-informed policy: open data lets decision makers see need and compare "
              "places — like DWP's claimant count tool.",
}


# ------------------------------------------------------------------ benefits register
def _read_records(path: Path, what: str) -> tuple[list[dict], list[int]]:
    """Records of a CSV (header + rows) or YAML (a list, or a mapping holding one list) file,
    with the row number each came from (CSV: line in the file; YAML: item number)."""
    if path.suffix.lower() in (".yaml", ".yml"):
        data, _ = read_yaml(path)
        if isinstance(data, dict):
            lists = [v for v in data.values() if isinstance(v, list)]
            data = lists[0] if len(lists) == 1 else data.get(what)
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise DataFileError(f"expected a list of {what}, one mapping each", file=path,
                                hint=f"write '{what}:' then one '- benefit: …' item per {what[:-1]}.")
        return [{str(k): v for k, v in d.items()} for d in data], list(range(1, len(data) + 1))
    from .io import is_blank_row, read_rows

    (_, rows), *_ = read_rows(path)
    rows_n = [(i, r) for i, r in enumerate(rows, start=1) if not is_blank_row(r)]
    if not rows_n:
        raise DataFileError("the file is empty", file=path, hint=f"add a header row and one row per {what[:-1]}.")
    (hline, header), body = rows_n[0], rows_n[1:]
    return ([{header[j]: (r[j] if j < len(r) else "") for j in range(len(header))} for _, r in body],
            [i for i, _ in body])


def _canonical(keys, path, row_label: str = "header") -> dict[str, str]:
    """Original key → canonical field; unknown keys are refused with a suggestion."""
    out = {}
    for k in keys:
        norm = normalise_header(k)
        canon = BENEFIT_ALIASES.get(norm) or BENEFIT_ALIASES.get(norm.replace(" ", "_"))
        if canon is None and norm.replace(" ", "_") in BENEFIT_FIELDS:
            canon = norm.replace(" ", "_")
        if canon is None:
            if not norm:
                continue
            close = difflib.get_close_matches(norm, list(BENEFIT_ALIASES), n=1)
            raise DataFileError(f"unknown column {k!r}" + (f" (did you mean {close[0]!r}?)" if close else ""),
                                file=path, column=str(k),
                                hint=f"the benefits register's columns are {', '.join(BENEFIT_FIELDS)}.")
        out[k] = canon
    return out


def _clean(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def benefits_from_records(records: list[dict], file=None, rows: list[int] | None = None):
    """Validate benefit records (dicts) and return the register as a DataFrame.

    Refuses a benefit with no name, no measure or no owner, naming the row and field.
    """
    import pandas as pd

    rows = rows or list(range(1, len(records) + 1))
    out = []
    for rec, row in zip(records, rows):
        mapping = _canonical(rec.keys(), file)
        b = {f: "" for f in BENEFIT_FIELDS}
        for k, v in rec.items():
            if k in mapping:
                b[mapping[k]] = _clean(v)
        for f in REQUIRED_BENEFIT_FIELDS:
            if not b[f]:
                what = {"benefit": "has no description",
                        "measure": "has no measure: how will you know it happened?",
                        "owner": "has no owner: who is accountable for realising it?"}[f]
                name = f" {b['benefit']!r}" if b["benefit"] else ""
                raise DataFileError(f"benefit{name} {what}", file=file, row=row, column=f,
                                    hint=f"fill in '{f}' for this benefit (every benefit needs "
                                         "a description, a measure and a named owner).")
        if b["by_when"]:
            try:
                _parse_when(b["by_when"])
            except ValueError:
                raise DataFileError(f"{b['by_when']!r} is not a date", file=file, row=row,
                                    column="by_when",
                                    hint="write a date like 2027-03-31, or a year like 2027.") from None
        out.append(b)
    if not out:
        raise DataFileError("the benefits register has no benefits", file=file,
                            hint="add at least one benefit.")
    return pd.DataFrame(out, columns=list(BENEFIT_FIELDS))


BENEFIT_TITLES = {"benefit": "Benefit", "who_gains": "Who gains", "measure": "Measure",
                  "baseline": "Baseline", "target": "Target", "owner": "Owner",
                  "by_when": "By when"}


def register_table(register):
    """The register with the column titles a business case shows (``Who gains``, ``By when``)."""
    return register.rename(columns=BENEFIT_TITLES)


def load_benefits(path: str | os.PathLike):
    """A benefits register from CSV, Excel or YAML → DataFrame with :data:`BENEFIT_FIELDS`."""
    path = Path(path)
    if not path.exists():
        raise DataFileError("file not found", file=path,
                            hint="check data.benefits in the config (relative to the config's folder).")
    records, rows = _read_records(path, "benefits")
    return benefits_from_records(records, file=path, rows=rows)


def _parse_when(text: str) -> _dt.date:
    """A "by when": a year (its last day), a month (``2026-03``, ``March 2026``: its last day)
    or a date in any form :func:`toolkit_helpers.quality.parse_date` reads. Raises ValueError."""
    import calendar

    from .quality import parse_date

    s = str(text).strip()
    if re.fullmatch(r"\d{4}", s):
        return _dt.date(int(s), 12, 31)
    m = re.fullmatch(r"(\d{4})[-/](\d{1,2})", s)
    month = (int(m.group(1)), int(m.group(2))) if m else None
    m = re.fullmatch(r"([A-Za-z]+)\s+(\d{4})", s)
    if m:
        names = {n.lower(): i for i, n in enumerate(calendar.month_name) if n}
        names |= {n.lower(): i for i, n in enumerate(calendar.month_abbr) if n}
        if m.group(1).lower() in names:
            month = (int(m.group(2)), names[m.group(1).lower()])
    if month and 1 <= month[1] <= 12:
        return _dt.date(month[0], month[1], calendar.monthrange(*month)[1])
    d = parse_date(s)
    if d is None:
        raise ValueError(s)
    return d


_NUMBER = re.compile(r"-?\d[\d,]*\.?\d*")


def _number(text: str) -> float | None:
    m = _NUMBER.search(str(text or "").replace("£", ""))
    if not m:
        return None
    try:
        return float(m.group(0).replace(",", ""))
    except ValueError:
        return None


# ------------------------------------------------------------------ SMART
SMART = ("specific", "measurable", "achievable", "relevant", "time_bound")


@dataclass
class SmartResult:
    benefit: str
    specific: bool
    measurable: bool
    achievable: bool
    relevant: bool
    time_bound: bool
    advice: str

    @property
    def smart(self) -> bool:
        return all(getattr(self, k) for k in SMART)


def smart_benefit(b: dict, as_of=None) -> SmartResult:
    """SMART check of one benefit (a dict with :data:`BENEFIT_FIELDS`).

    - Specific: a description of at least four words, and a measure;
    - Measurable: baseline and target are both numbers;
    - Achievable: the target differs from the baseline, by no more than tenfold;
    - Relevant: says who gains;
    - Time-bound: a date (or year) to achieve it by, after ``as_of`` (default today).
    """
    as_of = as_of or _dt.date.today()
    if isinstance(as_of, str):
        as_of = _dt.date.fromisoformat(as_of)
    advice = []
    specific = len(str(b.get("benefit", "")).split()) >= 4 and bool(b.get("measure"))
    if not specific:
        advice.append("say exactly what changes, for whom, in a short sentence with a measure")
    base, target = _number(b.get("baseline")), _number(b.get("target"))
    measurable = base is not None and target is not None
    if not measurable:
        advice.append("give the baseline and the target as numbers in the measure's unit")
    achievable = measurable and base != target and (
        base == 0 or (abs(target / base) <= 10 if base else True))
    if measurable and not achievable:
        advice.append("the target should differ from the baseline, but not by more than tenfold")
    relevant = bool(str(b.get("who_gains", "")).strip())
    if not relevant:
        advice.append("say who gains (residents, staff, a partner, the council's budget)")
    when = str(b.get("by_when", "")).strip()
    time_bound = False
    if when:
        try:
            time_bound = _parse_when(when) > as_of
        except ValueError:
            time_bound = False
        if not time_bound:
            advice.append(f"the date {when!r} is not in the future")
    else:
        advice.append("give a date to achieve it by")
    return SmartResult(str(b.get("benefit", "")), specific, measurable, achievable, relevant,
                       time_bound, "; ".join(advice) or "SMART")


def smart_check(register, as_of=None):
    """SMART check of every benefit in a register: a table of ✓/✗ per letter plus advice."""
    import pandas as pd

    rows = []
    for b in register.to_dict("records"):
        r = smart_benefit(b, as_of=as_of)
        rows.append({"benefit": r.benefit, **{k: r.__dict__[k] for k in SMART},
                     "smart": r.smart, "advice": r.advice})
    return pd.DataFrame(rows, columns=["benefit", *SMART, "smart", "advice"])


_YEAR = re.compile(r"\b(19|20)\d{2}\b")


def smart_goal(goal: str) -> dict:
    """SMART check of a goal written as a sentence: has a number (measurable), a year or date
    (time-bound), and enough words to be specific. Returns letters → bool plus ``advice``."""
    text = str(goal or "").strip()
    has_number = bool(re.search(r"\d", _YEAR.sub("", text)))
    has_time = bool(_YEAR.search(text)) or bool(re.search(r"\bby (the end of|march|april|\d)", text, re.I))
    specific = len(text.split()) >= 6
    advice = []
    if not specific:
        advice.append("say what changes and for whom")
    if not has_number:
        advice.append("add a number to measure it by (e.g. 'from 40% to 60%')")
    if not has_time:
        advice.append("add a date (e.g. 'by March 2028')")
    return {"goal": text, "specific": specific, "measurable": has_number,
            "time_bound": has_time, "advice": "; ".join(advice) or "SMART enough to test"}


# ------------------------------------------------------------------ logic model
def logic_model_from_dict(data, file=None) -> dict[str, list[str]]:
    """Validate a logic model mapping: each of :data:`LOGIC_STAGES` a non-empty list of text."""
    if not isinstance(data, dict):
        raise DataFileError("a logic model must be a mapping of stages to lists", file=file,
                            hint=f"write the stages {', '.join(LOGIC_STAGES)}, each with a list "
                                 "of '- item' lines.")
    if "logic_model" in data and isinstance(data["logic_model"], dict):
        data = data["logic_model"]
    out: dict[str, list[str]] = {}
    for key in data:
        k = str(key).strip().lower()
        if k not in LOGIC_STAGES:
            close = difflib.get_close_matches(k, LOGIC_STAGES, n=1)
            raise DataFileError(f"unknown stage {key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""),
                                file=file, column=str(key),
                                hint=f"the stages are {' → '.join(LOGIC_STAGES)}.")
    for stage in LOGIC_STAGES:
        items = data.get(stage)
        if isinstance(items, str):
            items = [items]
        if not items or not isinstance(items, list) or not all(
                isinstance(i, (str, int, float)) and str(i).strip() for i in items):
            raise DataFileError(f"the logic model has no {stage}", file=file, column=stage,
                                hint=f"list at least one of the {stage} "
                                     f"({LOGIC_HELP[stage]}).")
        out[stage] = [str(i).strip() for i in items]
    return out


LOGIC_HELP = {
    "inputs": "what you put in: staff time, data, money",
    "activities": "what you do: publish, clean, build, engage",
    "outputs": "what you make: datasets, an API, a map, a dashboard",
    "outcomes": "what changes for people: fewer wasted trips, faster answers",
    "impact": "the long-term difference: better services, lower costs",
}


def load_logic_model(path: str | os.PathLike) -> dict[str, list[str]]:
    """A logic model from YAML (``inputs``, ``activities``, ``outputs``, ``outcomes``,
    ``impact``, each a list)."""
    path = Path(path)
    data, _ = read_yaml(path, missing_hint="check data.logic_model in the config.")
    return logic_model_from_dict(data, file=path)


def logic_model_table(model: dict[str, list[str]]):
    """The logic model as a table: one column per stage (read left to right)."""
    import pandas as pd

    depth = max(len(v) for v in model.values())
    return pd.DataFrame({s.capitalize(): model[s] + [""] * (depth - len(model[s]))
                         for s in LOGIC_STAGES})


def logic_model_markdown(model: dict[str, list[str]]) -> str:
    return "\n".join(f"- **{s.capitalize()}**: " + "; ".join(model[s]) for s in LOGIC_STAGES)


def logic_model_figure(model: dict[str, list[str]]):
    """Five boxes left to right joined by arrows, each listing its items. ``(fig, alt)``."""
    import textwrap

    from .charts import PALETTE, new_figure

    fig, ax = new_figure(figsize=(11, 3.6))
    ax.set_axis_off()
    ax.set_xlim(0, 5)
    ax.set_ylim(0, 1)
    for i, stage in enumerate(LOGIC_STAGES):
        ax.add_patch(__import__("matplotlib.patches", fromlist=["x"]).FancyBboxPatch(
            (i + 0.05, 0.05), 0.8, 0.8, boxstyle="round,pad=0.02", facecolor="white",
            edgecolor=PALETTE[i % 5], linewidth=2))
        ax.text(i + 0.45, 0.93, stage.capitalize(), ha="center", va="center", fontweight="bold")
        body = "\n".join("• " + textwrap.fill(t, 20, subsequent_indent="  ")
                         for t in model[stage][:5])
        ax.text(i + 0.1, 0.82, body, ha="left", va="top", fontsize=8)
        if i < 4:
            ax.annotate("", xy=(i + 1.05, 0.45), xytext=(i + 0.86, 0.45),
                        arrowprops={"arrowstyle": "->", "lw": 2})
    ax.set_title("Logic model: inputs → activities → outputs → outcomes → impact")
    alt = ("Logic model in five boxes joined by arrows, left to right. "
           + " ".join(f"{s.capitalize()} ({len(model[s])}): {'; '.join(model[s])}."
                      for s in LOGIC_STAGES))
    return fig, alt


# ------------------------------------------------------------------ patterns
PATTERN_QUESTIONS = {
    "People need to find, reach or use the service (where, when, how)": "access",
    "The service is delivered through suppliers, contracts or partners": "delivery",
    "Decisions about where and what to provide need evidence of need": "policy",
}


def suggest_patterns(answers: dict[str, bool]) -> list[str]:
    """The patterns that fit, from yes/no answers to :data:`PATTERN_QUESTIONS` (keys may also
    be the pattern names themselves)."""
    chosen = []
    for q, yes in answers.items():
        pat = PATTERN_QUESTIONS.get(q, q if q in PATTERNS else None)
        if pat is None:
            raise ValueError(f"unknown question {q!r}: use one of {list(PATTERN_QUESTIONS)}")
        if yes and pat not in chosen:
            chosen.append(pat)
    return [p for p in PATTERNS if p in chosen]


def patterns_table(chosen):
    import pandas as pd

    return pd.DataFrame([{"pattern": p, "fits": p in chosen, "what it means": d}
                         for p, d in PATTERNS.items()])
