"""Reading what people type into a form: dates, months and numbers.

One reader for every form, so the same text means the same date everywhere:

- :func:`parse_date` — UK day first for ambiguous dates (``01/04/2025`` is 1 April 2025), ISO
  (``2025-04-01``), ``1 April 2025``, ``1 Apr 2025``; a blank, a month alone (``2030-01``)
  or an impossible date (``31/02/2025``) is refused with a one-line message saying what to
  type;
- :func:`parse_month` — a month: ``2030-01``, ``January 2030``, ``Jan 2030``, ``01/2030`` (a
  full date gives its month);
- :func:`parse_number` — a number with an optional unit and range (``800``, ``1,600 m``);
- :func:`format_date` / :func:`format_month` — ``1 April 2025`` / ``April 2025``, the way a
  form says back what it used.

Every refusal is a :class:`~toolkit_helpers.errors.ToolkitError` (a ``ValueError``) whose
text is one line.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re

from .errors import ToolkitError

#: What a form says a date should look like.
DATE_EXAMPLES = "e.g. 1/4/2025 (day first), 2025-04-01 or 1 April 2025"
MONTH_EXAMPLES = "e.g. 2025-04, April 2025 or 04/2025"

_MONTHS = {n.lower(): i for i, n in enumerate(calendar.month_name) if n}
_MONTHS |= {n.lower(): i for i, n in enumerate(calendar.month_abbr) if n}
_MONTHS["sept"] = 9

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?")
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")
_D_MON_Y = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_MON_D_Y = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_YM = re.compile(r"(\d{4})[-/.](\d{1,2})")
_MY = re.compile(r"(\d{1,2})[/.\-](\d{4})")
_MON_Y = re.compile(r"([A-Za-z]+)\.?,?[\s\-]+(\d{4})")


def _quote(text: str) -> str:
    return "'" + text.replace("\n", " ")[:60] + "'"


def _month_number(name: str) -> int | None:
    return _MONTHS.get(name.strip(".").lower())


def _make(y: int, m: int, d: int, text: str) -> _dt.date:
    if not 1 <= m <= 12:
        hint = (f"type the day first, e.g. {m:02d}/{d:02d}/{y}." if 1 <= d <= 12 and m <= 31
                else f"type a date, {DATE_EXAMPLES}.")
        raise ToolkitError(f"{_quote(text)} is not a date: there is no month {m}", hint=hint)
    last = calendar.monthrange(y, m)[1] if 1 <= y <= 9999 else 31
    if not 1 <= d <= last:
        raise ToolkitError(f"{_quote(text)} is not a real date: {calendar.month_name[m]} {y} "
                           f"has {last} days", hint=f"type a date, {DATE_EXAMPLES}.")
    if not 1900 <= y <= 2200:
        raise ToolkitError(f"{_quote(text)}: the year {y} is out of range",
                           hint=f"type a date, {DATE_EXAMPLES}.")
    return _dt.date(y, m, d)


def _as_month(text: str) -> tuple[int, int] | None:
    """``(year, month)`` when ``text`` is a month alone (no day)."""
    if m := _YM.fullmatch(text):
        return int(m.group(1)), int(m.group(2))
    if m := _MY.fullmatch(text):
        return int(m.group(2)), int(m.group(1))
    if (m := _MON_Y.fullmatch(text)) and _month_number(m.group(1)):
        return int(m.group(2)), _month_number(m.group(1))
    return None


def parse_date(text, *, what: str = "date") -> _dt.date:
    """The date a person typed, reading day first when it is ambiguous.

    ``01/04/2025`` → 1 April 2025; ``2025-04-01``; ``1 April 2025``; ``1 Apr 2025``;
    ``April 1, 2025``; a two-digit year is this century (``1/4/25``). A ``date``/``datetime``
    is returned as a date. Raises :class:`ToolkitError` (one line: what is wrong, what to
    type) for a blank, a month or year alone, or an impossible date."""
    if isinstance(text, _dt.datetime):
        return text.date()
    if isinstance(text, _dt.date):
        return text
    if hasattr(text, "to_pydatetime"):  # a pandas Timestamp
        return text.to_pydatetime().date()
    s = " ".join(str(text if text is not None else "").split())
    if not s:
        raise ToolkitError(f"the {what} is blank", hint=f"type a date, {DATE_EXAMPLES}.")
    if m := _ISO.fullmatch(s):
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), s)
    if m := _DMY.fullmatch(s):
        y = int(m.group(3))
        return _make(y + 2000 if len(m.group(3)) == 2 else y, int(m.group(2)), int(m.group(1)), s)
    if (m := _D_MON_Y.fullmatch(s)) and _month_number(m.group(2)):
        return _make(int(m.group(3)), _month_number(m.group(2)), int(m.group(1)), s)
    if (m := _MON_D_Y.fullmatch(s)) and _month_number(m.group(1)):
        return _make(int(m.group(3)), _month_number(m.group(1)), int(m.group(2)), s)
    if month := _as_month(s):
        y, mo = month
        if 1 <= mo <= 12:
            last = calendar.monthrange(y, mo)[1]
            raise ToolkitError(f"{_quote(s)} is a month, not a full {what}",
                               hint=f"type the day too, e.g. 1/{mo}/{y} or {y}-{mo:02d}-{last}.")
    if re.fullmatch(r"\d{4}", s):
        raise ToolkitError(f"{_quote(s)} is a year, not a full {what}",
                           hint=f"type the day and month too, e.g. 31/3/{s} or {s}-03-31.")
    raise ToolkitError(f"{_quote(s)} is not a {what}", hint=f"type a date, {DATE_EXAMPLES}.")


def parse_month(text, *, what: str = "month") -> _dt.date:
    """The month a person typed, as the first day of that month: ``2030-01``, ``January
    2030``, ``Jan 2030``, ``01/2030``; a full date (read as :func:`parse_date`) gives its
    month. Raises :class:`ToolkitError` for a blank or anything else."""
    if isinstance(text, _dt.date):
        return (text.date() if isinstance(text, _dt.datetime) else text).replace(day=1)
    if hasattr(text, "to_pydatetime"):
        return text.to_pydatetime().date().replace(day=1)
    s = " ".join(str(text if text is not None else "").split())
    if not s:
        raise ToolkitError(f"the {what} is blank", hint=f"type a month, {MONTH_EXAMPLES}.")
    if month := _as_month(s):
        y, mo = month
        if not 1 <= mo <= 12:
            raise ToolkitError(f"{_quote(s)} is not a {what}: there is no month {mo}",
                               hint=f"type a month, {MONTH_EXAMPLES}.")
        if not 1900 <= y <= 2200:
            raise ToolkitError(f"{_quote(s)}: the year {y} is out of range",
                               hint=f"type a month, {MONTH_EXAMPLES}.")
        return _dt.date(y, mo, 1)
    try:
        return parse_date(s, what=what).replace(day=1)
    except ToolkitError:
        raise ToolkitError(f"{_quote(s)} is not a {what}",
                           hint=f"type a month, {MONTH_EXAMPLES}.") from None


def format_date(d) -> str:
    """``1 April 2025`` (no leading zero, the month in words: unambiguous for everyone)."""
    d = parse_date(d)
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def format_month(d) -> str:
    """``April 2025``."""
    d = parse_month(d)
    return f"{calendar.month_name[d.month]} {d.year}"


_NUM = re.compile(r"([-+−–]?)\s*(\d[\d,]*(?:\.\d*)?|\.\d+)\s*([A-Za-z%£]*)")


def _fmt_number(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.6g}"


def parse_number(text, *, what: str = "number", minimum: float | None = None,
                 maximum: float | None = None, unit: str = "", integer: bool = False):
    """A number a person typed: ``800``, ``1,600``, ``1600 m`` (``unit`` may follow), with
    an optional range. Returns an ``int`` when ``integer`` else a ``float``. Raises
    :class:`ToolkitError` (one line) for a blank, non-number or out-of-range value."""
    u = f" {unit}" if unit else ""
    if minimum is not None and maximum is not None:
        rng = f"a number from {_fmt_number(minimum)} to {_fmt_number(maximum)}{u}"
    elif minimum is not None:
        rng = f"a number of at least {_fmt_number(minimum)}{u}"
    elif maximum is not None:
        rng = f"a number up to {_fmt_number(maximum)}{u}"
    else:
        rng = f"a number{u and ' (in' + u + ')'}"
    if isinstance(text, bool):
        raise ToolkitError(f"the {what} must be a number", hint=f"type {rng}.")
    if isinstance(text, (int, float)):
        v = float(text)
        shown = _fmt_number(v)
    else:
        s = str(text if text is not None else "").strip()
        if not s:
            raise ToolkitError(f"the {what} is blank", hint=f"type {rng}.")
        m = _NUM.fullmatch(s)
        if not m or (m.group(3) and unit and m.group(3).lower() != unit.lower()):
            raise ToolkitError(f"{_quote(s)} is not a number" + (f" (in {unit})" if unit else ""),
                               hint=f"type {rng}, digits only.")
        if m.group(3) and not unit:
            raise ToolkitError(f"{_quote(s)} is not a number", hint=f"type {rng}, digits only.")
        v = float(m.group(2).replace(",", ""))
        if m.group(1) in ("-", "−", "–"):
            v = -v
        shown = s
    if v != v or v in (float("inf"), float("-inf")):
        raise ToolkitError(f"{_quote(str(text))} is not a number", hint=f"type {rng}.")
    if integer and not float(v).is_integer():
        raise ToolkitError(f"{_quote(shown)} is not a whole number", hint=f"type {rng}.")
    if minimum is not None and v < minimum:
        raise ToolkitError(f"{_fmt_number(v)}{u} is too small", hint=f"type {rng}.")
    if maximum is not None and v > maximum:
        raise ToolkitError(f"{_fmt_number(v)}{u} is too large", hint=f"type {rng}.")
    return int(v) if integer else float(v)


def one_line(exc: BaseException) -> str:
    """An exception's message as one line: a :class:`ToolkitError`'s "what to do" joins its
    problem with a dash; other exceptions keep their text (line breaks become spaces)."""
    if isinstance(exc, ToolkitError):
        text = exc._format().replace("\nWhat to do: ", " — ")
    else:
        text = str(exc)
        if isinstance(exc, KeyError) and exc.args:
            text = f"{exc.args[0]!r} not found"
    text = " ".join(text.split())
    return text[:400] + ("…" if len(text) > 400 else "")
