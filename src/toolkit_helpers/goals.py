"""Stage 1: goals — the benefits register, the logic model, SMART checks and the pattern choice.

- :func:`load_benefits` reads a **benefits register** (CSV or YAML): one row per benefit with
  ``benefit, who_gains, measure, baseline, target, owner, by_when``. A benefit without a measure
  or an owner (or without a name) is refused with a message naming the file, row and field.
- :func:`smart_check` checks, for each benefit, what the data can show — Specific (a named
  measure), Measurable (numeric baseline and target in the same unit), Time-bound (a date in
  the future) and Owned (a named owner) — and says what to add when one fails; Achievable and
  Relevant cannot be judged from the data, so it gives a prompt for each ("for you to judge:
  is a fall from 46 to 23 in 18 months achievable? …"). :func:`smart_goal` does the same for a
  goal written as a sentence.
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
    (_, header), body = rows_n[0], rows_n[1:]
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


def benefit_key(name) -> str:
    """A benefit's name for matching: case, spaces and trailing full stops ignored."""
    return " ".join(str(name or "").split()).casefold().rstrip(".").strip()


def upsert_benefit(register, record: dict):
    """The register with ``record`` (a benefit as a form gives it: keys as in
    :data:`BENEFIT_ALIASES`, a bracketed hint after a label ignored) added, or — when a benefit of the same name is already there
    (case and spaces ignored) — replacing it in place. Validated as
    :func:`benefits_from_records` does (a :class:`DataFileError` when it cannot be used); a
    ``datetime.date`` "by when" is written as ``YYYY-MM-DD``. Returns ``(register, new row
    (a one-row frame), "added" | "updated")``; the input register is not changed."""
    import pandas as pd

    rec = {re.sub(r"\s*\([^)]*\)\s*$", "", str(k)): (v.isoformat() if isinstance(v, _dt.date) else v)
           for k, v in record.items()}  # a form's labels: "By when (yyyy-mm-dd)" → "By when"
    new = benefits_from_records([rec])
    if register is None or not len(register):
        return new.reset_index(drop=True), new, "added"
    out = register.copy().reset_index(drop=True)
    key = benefit_key(new.loc[0, "benefit"])
    same = [i for i, b in enumerate(out["benefit"]) if benefit_key(b) == key]
    if same:
        for f in BENEFIT_FIELDS:
            out.loc[same[0], f] = new.loc[0, f]
        out = out.drop(index=same[1:]).reset_index(drop=True)  # earlier duplicates merged
        return out, new, "updated"
    return pd.concat([out, new], ignore_index=True), new, "added"


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


def _text(v) -> str:
    """A cell as text: "" for None and NaN (a register built by hand in pandas)."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return _clean(v)


_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_NOT_UNITS = {"to", "by", "from", "and", "or", "in", "a", "an", "the", "per", "of", "over",
              "within", "before", "until", "on", "at", "for", "with"}


def _unit_word(w: str) -> str:
    w = w.casefold()
    return w[:-1] if len(w) > 3 and w.endswith("s") else w


def _quantity(text) -> tuple[float, str] | None:
    """``(value, unit)`` of a baseline or target: ``"46%"`` → ``(46, "%")``, ``"£1.2m"`` →
    ``(1200000, "£")``, ``"628,000 visits a year"`` → ``(628000, "visit")``, ``"40"`` →
    ``(40, "")``;
    None when there is no number (``"lots"``)."""
    s = re.sub(r"\(.*?\)", " ", _text(text))
    m = re.search(r"-?\d[\d,]*(?:\.\d+)?", s)
    if not m:
        return None
    try:
        value = float(m.group(0).replace(",", ""))
    except ValueError:
        return None
    before, after = s[:m.start()], s[m.end():].strip()
    unit = ""
    for sym in "£$€":
        if sym in before or after.startswith(sym):
            unit = sym
    sm = re.match(r"(k|thousand|m|million|bn|billion)\b", after, re.I)
    if sm:
        value *= _SCALES[sm.group(1).lower()]
        after = after[sm.end():].strip()
    if re.match(r"(%|per\s?cent\b)", after, re.I):
        return value, "%"
    if not unit:
        wm = re.match(r"[A-Za-z][A-Za-z-]*", after)  # the first word: "visits a year" → visit
        if wm and wm.group(0).casefold() not in _NOT_UNITS:
            unit = _unit_word(wm.group(0))
    return value, unit


def _fmt_quantity(v: float, unit: str) -> str:
    n = f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
    if unit in ("£", "$", "€"):
        return f"{unit}{n}"
    if unit == "%":
        return f"{n}%"
    return n


def _span(start: _dt.date, end: _dt.date) -> str:
    """``"20 days"``, ``"18 months"`` (under two years), then to the half year: ``"2 years"``,
    ``"2.5 years"``."""
    days = (end - start).days
    months = round(days / 30.4375)
    if months < 1:
        return f"{days} day{'s' if days != 1 else ''}"
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    halves = round(months / 6)
    return f"{halves // 2} years" if halves % 2 == 0 else f"{halves / 2:.1f} years"


_PLACEHOLDERS = {"", "tbc", "tbd", "tba", "n/a", "na", "none", "unknown", "-", "--", "?", "todo",
                 "to be confirmed", "to be decided", "to be agreed", "nan", "x", "xxx"}
_NOT_AN_OWNER = {"everyone", "everybody", "all", "all staff", "various", "council", "the council",
                 "us", "we", "team", "the team", "nobody", "no one", "n/a"}


def _named(text: str) -> bool:
    t = " ".join(text.split()).casefold().strip(" .")
    return t not in _PLACEHOLDERS and bool(re.search(r"[^\W\d_]", t))


# ------------------------------------------------------------------ SMART
#: The five letters of SMART.
SMART = ("specific", "measurable", "achievable", "relevant", "time_bound")
#: What the checker can judge from the register itself (✓/✗): Specific (a named measure),
#: Measurable (numeric baseline and target in the same unit), Time-bound (a date after the
#: as-of date) and Owned (a named owner).
SMART_CHECKED = ("specific", "measurable", "time_bound", "owned")
#: What only people can judge: whether the change is achievable and whether it matters. The
#: checker gives a prompt for each, starting "for you to judge:", never a pass or fail.
SMART_FOR_YOU = ("achievable", "relevant")
FOR_YOU_TO_JUDGE = "for you to judge: "
#: The columns of :func:`smart_check`.
SMART_CHECK_COLUMNS = ("benefit", *SMART_CHECKED, "smart", *SMART_FOR_YOU, "advice")
_ALL_CHECKS_PASS = "checks pass: now judge achievable and relevant yourself"


@dataclass
class SmartResult:
    """One benefit against SMART: ``specific, measurable, time_bound, owned`` are the checks
    (bool); ``achievable`` and ``relevant`` are prompts for people to judge (text starting
    "for you to judge:"); ``smart`` is True when every check passes."""
    benefit: str
    specific: bool
    measurable: bool
    time_bound: bool
    owned: bool
    achievable: str
    relevant: str
    advice: str

    @property
    def smart(self) -> bool:
        """Every checkable criterion passes (Achievable and Relevant are for people to judge)."""
        return all(getattr(self, k) for k in SMART_CHECKED)

    def row(self) -> dict:
        return {"benefit": self.benefit, **{k: getattr(self, k) for k in SMART_CHECKED},
                "smart": self.smart, **{k: getattr(self, k) for k in SMART_FOR_YOU},
                "advice": self.advice}


def _as_of(as_of) -> _dt.date:
    as_of = as_of or _dt.date.today()
    if isinstance(as_of, str):
        as_of = _dt.date.fromisoformat(as_of)
    if isinstance(as_of, _dt.datetime):
        as_of = as_of.date()
    return as_of


def _measurable(base_text, target_text) -> tuple[bool, tuple | None, tuple | None, str]:
    """``(ok, baseline, target, advice)`` with baseline/target as ``(value, unit)``."""
    base, target = _quantity(base_text), _quantity(target_text)
    if base is None or target is None:
        return False, base, target, "give the baseline and the target as numbers in the measure's unit"
    (_, ub), (_, ut) = base, target
    if ub and ut and ub != ut:
        return (False, base, target,
                f"the baseline is in {ub!r} but the target in {ut!r}: give both in the same unit")
    return True, base, target, ""


def _achievable_prompt(base, target, deadline: _dt.date | None, when: str, as_of: _dt.date) -> str:
    """The Achievable prompt: the change, its size and the time to make it, as a question."""
    if base is None or target is None or (base[1] and target[1] and base[1] != target[1]):
        return (FOR_YOU_TO_JUDGE + "once the baseline and the target are numbers in the same "
                "unit, ask whether the change is achievable by the date; compare with similar "
                "services")
    (b, ub), (t, ut) = base, target
    unit = ub or ut
    fb, ft = _fmt_quantity(b, unit), _fmt_quantity(t, unit)
    if t == b:
        change = f"holding at {fb}"
    else:
        change = f"a {'rise' if t > b else 'fall'} from {fb} to {ft}"
        if b:
            change += f" ({(t - b) / abs(b) * 100:+,.0f}%)"
    if deadline is not None and deadline > as_of:
        change += f" in {_span(as_of, deadline)}"
    elif when:
        change += f" by {when}"
    return (FOR_YOU_TO_JUDGE + f"is {change} achievable? compare with similar services and with "
            "your own past trend")


def _relevant_prompt(measure: str, who: str) -> str:
    m = f"'{measure}'" if measure else "this measure"
    if who:
        return (FOR_YOU_TO_JUDGE + f"does a change in {m} matter to {who} and to the problem "
                "the service has? check it against the case for change and the logic model's "
                "outcomes")
    return (FOR_YOU_TO_JUDGE + f"who gains from a change in {m} (not given)? does it matter to "
            "the problem the service has? check it against the case for change")


def smart_benefit(b: dict, as_of=None) -> SmartResult:
    """SMART check of one benefit (a dict with :data:`BENEFIT_FIELDS`).

    What the data can show is checked (True/False, with advice when False):

    - Specific: the benefit is described and has a **named measure** (not blank or "tbc");
    - Measurable: baseline and target are both numbers, **in the same unit** (``46%`` and
      ``£23`` are not: a unit on one side only is taken as the other's);
    - Time-bound: a date (or year) to achieve it by, after ``as_of`` (default today);
    - Owned: a **named owner** (a person or post, not blank, "tbc" or "everyone").

    What it cannot show is left to people, with a prompt (text starting "for you to judge:"):

    - Achievable: e.g. "is a fall from 46 to 23 (-50%) in 18 months achievable? compare with
      similar services …" (the size of the change is given, never a pass or fail from a ratio);
    - Relevant: does the measure matter to who gains and to the service's problem?

    ``SmartResult.smart`` is True when every checkable criterion passes.
    """
    as_of = _as_of(as_of)
    advice = []
    benefit, measure = _text(b.get("benefit")), _text(b.get("measure"))
    specific = bool(benefit) and _named(measure)
    if not benefit:
        advice.append("say what changes, for whom, in a short sentence")
    if not _named(measure):
        advice.append("name the measure: what will be counted (e.g. 'calls a month about "
                      "opening times')")
    measurable, base, target, why = _measurable(b.get("baseline"), b.get("target"))
    if why:
        advice.append(why)
    when = _text(b.get("by_when"))
    deadline = None
    if when:
        try:
            deadline = _parse_when(when)
        except ValueError:
            deadline = None
    time_bound = deadline is not None and deadline > as_of
    if when and not time_bound:
        advice.append(f"the date {when!r} is not in the future" if deadline is not None
                      else f"{when!r} is not a date: write it like 2028-03-31")
    elif not when:
        advice.append("give a date to achieve it by")
    owned = _named(_text(b.get("owner"))) and (
        " ".join(_text(b.get("owner")).split()).casefold() not in _NOT_AN_OWNER)
    if not owned:
        advice.append("name one owner (a person or post, e.g. 'Head of Libraries') accountable "
                      "for realising it")
    who = _text(b.get("who_gains"))
    if not who:
        advice.append("say who gains (residents, staff, a partner, the council's budget), to "
                      "judge whether it is relevant")
    return SmartResult(benefit, specific, measurable, time_bound, owned,
                       _achievable_prompt(base, target, deadline, when, as_of),
                       _relevant_prompt(measure, who),
                       "; ".join(advice) or _ALL_CHECKS_PASS)


def smart_check(register, as_of=None):
    """SMART check of every benefit in a register: one row per benefit with the columns
    :data:`SMART_CHECK_COLUMNS` — ``benefit``; the checks ``specific, measurable, time_bound,
    owned`` (True/False); ``smart``, True when **every checkable criterion passes** (it says
    nothing about Achievable and Relevant); ``achievable`` and ``relevant``, prompts for you to
    judge (text starting "for you to judge:"); and ``advice``, what to add where a check fails.
    See :func:`smart_benefit`."""
    import pandas as pd

    rows = [smart_benefit(b, as_of=as_of).row() for b in register.to_dict("records")]
    return pd.DataFrame(rows, columns=list(SMART_CHECK_COLUMNS))


_YEAR = re.compile(r"\b(19|20)\d{2}\b")
# a quantity in a sentence: a number, then "%", "per cent" or up to three words of unit that
# stop before a date ("by March 2028") or the next part ("to …", "from …")
_W = r"(?!(?:by|before|until|within|in|on|to|from|and|or|over|during|for)\b)[A-Za-z][A-Za-z-]*"
_Q = rf"[£$€]?\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|per\s?cent\b|{_W}(?:\s{_W}){{0,2}}))?"
_FROM_TO = re.compile(rf"\bfrom\s+(?P<a>{_Q})\s+to\s+(?P<b>{_Q})", re.I)
_MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|"
           "june|july|august|september|october|november|december")
_DATE_PATTERNS = (
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b"),
    re.compile(rf"\b\d{{1,2}} (?:{_MONTHS}) \d{{4}}\b", re.I),
    re.compile(rf"\b(?:{_MONTHS}) \d{{4}}\b", re.I),
    re.compile(r"\b\d{4}-\d{2}\b"),
    re.compile(r"\b(?:19|20)\d{2}\b"),
)


def _dates_in(text: str) -> list[_dt.date]:
    """Every date in a sentence (most precise forms first; a year on its own is its last day)."""
    found = []
    for pat in _DATE_PATTERNS:
        for m in list(pat.finditer(text)):
            try:
                found.append(_parse_when(m.group(0)))
            except ValueError:
                continue
            text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    return found


def smart_goal(goal: str, as_of=None, owner: str | None = None) -> dict:
    """SMART check of a goal written as a sentence, e.g. "Halve the share of residents making
    a wasted trip, from 46% to 23%, by March 2028".

    Checked (True/False): ``specific`` (six words or more: what changes, for whom),
    ``measurable`` (a baseline and a target, "from 46% to 23%", in the same unit),
    ``time_bound`` (a date with a year, after ``as_of``, default today; the latest date in the
    sentence is taken as the deadline) and ``owned`` (a named ``owner``, when one is given;
    ``None`` when not: a sentence names no owner, the benefits register does). ``smart`` is
    True when every check made passes. ``achievable`` and ``relevant`` are prompts for you to
    judge ("for you to judge: …"), never a pass or fail; ``advice`` says what to add."""
    as_of = _as_of(as_of)
    text = str(goal or "").strip()
    specific = len(text.split()) >= 6
    advice = []
    if not specific:
        advice.append("say what changes and for whom")
    m = _FROM_TO.search(text)
    if m:
        measurable, base, target, why = _measurable(m.group("a"), m.group("b"))
    else:
        measurable, base, target = False, None, None
        why = "give the baseline and the target (e.g. 'from 40% to 20%')"
    if why:
        advice.append(why)
    dates = _dates_in(text[:m.start()] + " " + text[m.end():] if m else text)
    deadline = max(dates) if dates else None
    time_bound = deadline is not None and deadline > as_of
    if deadline is None:
        advice.append("add a date (e.g. 'by March 2028')")
    elif not time_bound:
        advice.append(f"the date ({deadline:%d %B %Y}) is not in the future")
    owned = None
    if owner is not None:
        o = " ".join(str(owner).split())
        owned = _named(o) and o.casefold() not in _NOT_AN_OWNER
        if not owned:
            advice.append("name one owner (a person or post) accountable for it")
    smart = specific and measurable and time_bound and owned is not False
    return {"goal": text, "specific": specific, "measurable": measurable,
            "time_bound": time_bound, "owned": owned, "smart": smart,
            "achievable": _achievable_prompt(base, target, deadline, "", as_of),
            "relevant": (FOR_YOU_TO_JUDGE + "does it address the problem the service has, for "
                         "the people who use it? check it against the case for change"),
            "advice": "; ".join(advice) or _ALL_CHECKS_PASS}


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

    from .charts import MIN_FONT_PT, PALETTE, new_figure

    fig, ax = new_figure(figsize=(11, 4.2))
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
        ax.text(i + 0.1, 0.82, body, ha="left", va="top", fontsize=MIN_FONT_PT)
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
