"""Publish-readiness: is a dataset safe and ready to open?

For a table the council means to publish (CSV or ``.xlsx``):

- :func:`screen` — a **personal-data screen**, cell by cell, for email addresses, UK phone
  numbers, National Insurance numbers, personal names with titles, individuals' postcodes in
  free text and bank details (sort codes, account numbers, IBANs); :func:`findings_table` gives
  per-column counts with example row numbers and masked examples (never the value itself).
- :func:`redact` — replaces only the personal-data spans with a Transparency Code label
  (``REDACTED PERSONAL DATA`` by default); **every other value stays byte-identical**.
- :func:`neutralise` — text cells a spreadsheet would run as a formula (starting ``=``, ``+``,
  ``-``, ``@`` and not a number) get a leading ``'`` (:func:`toolkit_helpers.io.neutralise_formula`).
- :func:`write_data_package` — the table as UTF-8 CSV plus ``datapackage.json`` (Frictionless
  Data Package: licence, OGL v3 by default; publisher; field types), then
  :func:`validate_package` with the ``frictionless`` library.
- :func:`five_star` — the five-star open data level the published files reach, and what the next
  star needs.

What the screen decides, and why (tested on a labelled set in ``tests/test_publish.py``):

- **Emails**: every address, except role mailboxes (``libraries@``, ``info@``, ``enquiries@`` …)
  which name a team, not a person.
- **Phones**: UK geographic (01, 02) and mobile (07) numbers, written with spaces, brackets,
  hyphens or ``+44``. 03, 08 and 09 numbers are organisations' numbers, not personal. A run of
  digits glued to letters or hyphens (``INV-01632960123``), or just after a word like
  *invoice*, *ref*, *order* or *no.*, is a reference, not a phone; a bare run of 10–11 digits
  in a column whose header says it is an id, reference or invoice number is left alone.
- **NI numbers**: HMRC's format (two prefix letters from the allowed set, not BG, GB, KN, NK,
  NT, TN or ZZ; six digits; suffix A–D), upper case, standing alone. Product codes that break
  any of these rules (``GB123456A``, ``AB123456E``, ``SKU-AB123456C``) are not flagged.
- **Names with titles**: Mr, Mrs, Ms, Miss, Mx, Dr, Prof, Sir, Dame, Rev, Lady, Lord followed by
  a capitalised name. An organisation named after a person (``Dr Foster Intelligence Ltd``,
  ``Mr Smith & Sons``) is **not** personal data: a name followed by Ltd, Limited, plc, LLP,
  & Co, & Sons, Trust, Surgery, Practice, Associates, Group … is left alone. Names without a
  title are out of scope (a screen cannot tell them from place or company names).
- **Postcodes**: full UK postcodes (outward and inward code; district-only ``AT1`` is not
  personal) in a cell that does not name an organisation (Ltd, Library, School, Council,
  Centre …) and in a column that is not an organisation's address (``supplier``, ``venue``,
  ``site``, ``premises`` …).
- **Bank details**: IBANs (checked with the mod-97 check digits); sort codes ``12-34-56`` and
  8-digit account numbers only with a banking word in the cell (*sort code*, *account*,
  *a/c*, *bank*) or the column header — so ``01-02-23`` as a date is not a sort code.
"""
from __future__ import annotations

import csv
import io as _io
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from .errors import DataFileError, ToolkitError
from .io import atomic_write_text, is_blank_row, neutralise_formula, read_rows

KINDS = ("email", "phone", "ni_number", "name_with_title", "postcode", "bank_details")
KIND_LABELS = {
    "email": "email address",
    "phone": "UK phone number",
    "ni_number": "National Insurance number",
    "name_with_title": "personal name with a title",
    "postcode": "individual's postcode",
    "bank_details": "bank details (sort code, account number, IBAN)",
}
# Labels seen in councils' Transparency Code publications.
REDACTION_LABELS = ("REDACTED PERSONAL DATA", "Redacted", "Name redacted",
                    "REDACTED COMMERCIAL CONFIDENTIALITY")
DEFAULT_LABEL = "REDACTED PERSONAL DATA"

OGL_V3 = {
    "name": "OGL-UK-3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "title": "Open Government Licence v3.0",
}

# Open licences a council might choose, by their SPDX-style identifier.
LICENCES = {
    "OGL-UK-3.0": OGL_V3,
    "CC-BY-4.0": {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                  "title": "Creative Commons Attribution 4.0"},
    "CC0-1.0": {"name": "CC0-1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/",
                "title": "CC0 1.0 Universal (public domain dedication)"},
    "ODC-BY-1.0": {"name": "ODC-BY-1.0", "path": "https://opendatacommons.org/licenses/by/1-0/",
                   "title": "Open Data Commons Attribution Licence v1.0"},
    "ODbL-1.0": {"name": "ODbL-1.0", "path": "https://opendatacommons.org/licenses/odbl/1-0/",
                 "title": "Open Data Commons Open Database Licence v1.0"},
}


def licence(name: str = "OGL-UK-3.0") -> dict:
    """The licence record for an identifier in :data:`LICENCES` (OGL v3 by default)."""
    if name not in LICENCES:
        raise ToolkitError(f"unknown licence {name!r}",
                           hint=f"choose one of {', '.join(LICENCES)} (OGL-UK-3.0 for most UK "
                                "public-sector data).")
    return dict(LICENCES[name])


# ------------------------------------------------------------------ patterns

_ROLE_MAILBOXES = {
    "info", "enquiries", "enquiry", "libraries", "library", "admin", "contact", "hello",
    "office", "support", "bookings", "booking", "noreply", "no-reply", "customerservices",
    "customer.services", "foi", "dpo", "dataprotection", "data.protection", "opendata",
    "open.data", "press", "media", "events", "hubs", "feedback", "complaints", "council",
    "reception", "accounts", "finance", "procurement", "webmaster", "help", "team", "sales",
}
_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(?![\w-])")

# UK phone numbers: +44 / 0, then area code and number in the usual groupings.
_PHONE = re.compile(
    r"(?<![\w/@.-])"
    r"(?:\+44\s?\(0\)\s?|\+44\s?|0044\s?|\(0|0)"
    r"(\d(?:(?:\)\s?|[\s-])?\d){8,9})"
    r"(?![\w/-]|\.\d)")
_PHONE_REF_WORDS = re.compile(
    r"(?:invoice|inv|ref|reference|order|po|no|number|num|id|account|a/c|acc|#|tx|txn|trans)"
    r"\.?:?\s*#?\s*$", re.I)
_ID_HEADER = re.compile(r"\b(id|ref|reference|invoice|order|transaction|trans|code|sku|"
                        r"account|urn|uprn|number no)\b", re.I)
_PHONE_HEADER = re.compile(r"phone|tel|mobile|contact", re.I)

_NI = re.compile(
    r"(?<![A-Za-z0-9-])"
    r"(?!BG|GB|KN|NK|NT|TN|ZZ)([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])"
    r"\s?(\d{2})\s?(\d{2})\s?(\d{2})\s?([A-D])"
    r"(?![A-Za-z0-9-])")

_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Rev|Revd|Lady|Lord)"
_NAME_WORD = r"(?:O['’][A-Z][a-z]+|Mc[A-Z][a-z]+|[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*|[A-Z]\.?)"
_NAME = re.compile(rf"(?<![\w])({_TITLES})\.?\s+({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})(?![\w])")
_ORG_AFTER = re.compile(
    r"^\s*(?:&\s*(?:Co|Sons|Son|Partners|Daughters)\b|(?:[A-Z][\w'’-]*\s+){0,3}?"
    r"(?:Ltd|Limited|plc|PLC|LLP|Inc|CIC|Trust|Surgery|Practice|Associates|Group|Foundation|"
    r"Partnership|Intelligence|Holdings|Services|Solutions|Consulting|Consultancy|Enterprises|"
    r"Products|Industries|Company|Co\b|Clinic|Pharmacy|Dental|Opticians))\b")
_ORG_WORDS_IN_NAME = re.compile(
    r"\b(Ltd|Limited|plc|LLP|Inc|CIC|Trust|Surgery|Practice|Associates|Group|Foundation|"
    r"Partnership|Intelligence|Holdings|Services|Solutions|Clinic|Pharmacy)\b")

_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])"
    r"((?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|[A-PR-UWYZ]\d[A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y]\d[ABEHMNPRVWXY])"
    r"\s?\d[ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9])")
_ORG_IN_CELL = re.compile(
    r"\b(Ltd|Limited|plc|LLP|Inc|CIC|Council|Library|Libraries|School|Academy|College|"
    r"University|Centre|Center|Hub|Hall|Church|Surgery|Practice|Hospital|Trust|Station|"
    r"Office|Offices|Depot|Park|Estate|Unit|Industrial|Business|Museum|Theatre|Leisure|"
    r"Pool|Stadium|Hotel|Pharmacy|Clinic|Services|Solutions|Group|Company|Co\.|Store|Shop|"
    r"Market|Works|Warehouse)\b", re.I)
_ORG_ADDRESS_HEADER = re.compile(
    r"supplier|vendor|company|business|organisation|organization|venue|site|premises|"
    r"location|branch|office|depot|beneficiary|contractor|registered", re.I)

_IBAN = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,4})?)(?![A-Za-z0-9])")
_SORT_CODE = re.compile(r"(?<![\w-])(\d{2}-\d{2}-\d{2}|\d{2} \d{2} \d{2})(?![\w-])")
_ACCOUNT = re.compile(r"(?<![\w-])(\d{8})(?![\w-])")
_BANK_WORDS = re.compile(r"sort\s*code|\bs/c\b|account|\ba/c\b|\bacc(?:t)?\b|\bbank|\biban\b|"
                         r"\bbacs\b|\bpayee\b", re.I)
_SORT_WORDS = re.compile(r"sort\s*code|\bs/c\b|\bbank|\bbacs\b|\bpayee\b", re.I)


@dataclass(frozen=True)
class Match:
    """One piece of personal data found in a cell: ``text[start:end]`` is it."""
    kind: str
    start: int
    end: int


def _iban_ok(s: str) -> bool:
    s = s.replace(" ", "")
    if not 15 <= len(s) <= 34:
        return False
    moved = s[4:] + s[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


def _overlaps(m: Match, taken: Sequence[Match]) -> bool:
    return any(m.start < t.end and t.start < m.end for t in taken)


_WORTH_A_LOOK = re.compile(rf"[\d@]|\b{_TITLES}\b")


def find_personal_data(text: str, column: str | None = None) -> list[Match]:
    """The personal data in one cell, as spans (non-overlapping, in order).

    ``column`` (the header) is used as context: a banking header makes sort codes and account
    numbers count; an id/reference header stops bare digit runs counting as phones; an
    organisation-address header stops postcodes counting.
    """
    if not isinstance(text, str) or not text.strip() or not _WORTH_A_LOOK.search(text):
        return []
    return list(_find_cached(text, column or ""))


@lru_cache(maxsize=65536)
def _find_cached(text: str, column: str) -> tuple[Match, ...]:
    """The screen proper (cached: datasets repeat values, e.g. the same hub in every row)."""
    header = re.sub(r"[^A-Za-z0-9/]+", " ", column or "")  # "sort_code" → "sort code"
    found: list[Match] = []

    def add(kind, start, end):
        m = Match(kind, start, end)
        if not _overlaps(m, found):
            found.append(m)

    # Emails first (they contain things that look like names and numbers).
    for m in _EMAIL.finditer(text):
        if m.group(1).lower() in _ROLE_MAILBOXES:
            continue
        add("email", m.start(), m.end())

    # IBANs (validated), then the other bank details.
    for m in _IBAN.finditer(text):
        if _iban_ok(m.group(1)):
            add("bank_details", m.start(1), m.end(1))
    bank_context = bool(_BANK_WORDS.search(text) or _BANK_WORDS.search(header))
    sort_context = bool(_SORT_WORDS.search(text) or _SORT_WORDS.search(header))
    if sort_context or bank_context:
        for m in _SORT_CODE.finditer(text):
            add("bank_details", m.start(1), m.end(1))
    if bank_context:
        for m in _ACCOUNT.finditer(text):
            add("bank_details", m.start(1), m.end(1))

    for m in _NI.finditer(text):
        add("ni_number", m.start(), m.end())

    id_header = bool(_ID_HEADER.search(header)) and not _PHONE_HEADER.search(header)
    for m in _PHONE.finditer(text):
        raw = m.group(0)
        digits = re.sub(r"\D", "", raw)
        national = digits[2:] if digits.startswith("44") and raw.lstrip("(").startswith(("+", "00")) else digits
        if national.startswith("0044"):
            national = national[4:]
        national = national if national.startswith("0") else "0" + national
        if len(national) not in (10, 11):
            continue
        if national[1] not in "127":
            continue  # 03, 08, 09 (and 05, 06) numbers are organisations', not personal
        if _PHONE_REF_WORDS.search(text[:m.start()]):
            continue
        plain = raw.isdigit()
        if plain and id_header:
            continue
        add("phone", m.start(), m.end())

    for m in _NAME.finditer(text):
        rest = text[m.end():]
        if _ORG_AFTER.match(rest) or _ORG_WORDS_IN_NAME.search(m.group(2)):
            continue
        add("name_with_title", m.start(), m.end())

    if not _ORG_ADDRESS_HEADER.search(header) and not _ORG_IN_CELL.search(text):
        for m in _POSTCODE.finditer(text):
            add("postcode", m.start(1), m.end(1))

    return tuple(sorted(found, key=lambda x: x.start))


def mask(value: str) -> str:
    """A masked example: the first character of each word, the rest as ``*`` (``Mrs Jane
    Smith`` → ``M** J*** S****``; ``07700 900123`` → ``0**** ******``)."""
    return re.sub(r"(?<=\w)\w", "*", value)


# ------------------------------------------------------------------ the table

@dataclass
class Table:
    """A dataset as text: the header, the rows (lists of strings, as in the file) and each
    row's number in the file (1-based, as a spreadsheet shows it)."""
    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    source: str = ""
    sheet: str | None = None

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.header, dtype=object)

    def copy(self) -> "Table":
        return Table(list(self.header), [list(r) for r in self.rows], list(self.row_numbers),
                     self.source, self.sheet)


def load_dataset(path, sheet: str | int | None = 0) -> Table:
    """Read the dataset to publish (CSV, or a sheet of an ``.xlsx``) as text, exactly as written.

    The header is the first non-blank row; blank rows are skipped (their numbers are kept for
    the others); short rows are padded with empty cells. Raises :class:`DataFileError` naming
    the file, row and column for an empty file, a blank or repeated column name, or a row with
    more values than the header has columns.
    """
    path = Path(path)
    blocks = read_rows(path, sheet=sheet if path.suffix.lower() in (".xlsx", ".xlsm") else None)
    sheet_name, rows = blocks[0]
    start = next((i for i, r in enumerate(rows) if not is_blank_row(r)), None)
    if start is None:
        raise DataFileError("the file has no rows", file=path,
                            hint="check you picked the right file; it needs a header row and data.")
    header = [h.replace("\ufeff", "") for h in rows[start]]
    while header and not header[-1].strip():
        header.pop()
    seen: dict[str, int] = {}
    for j, h in enumerate(header):
        name = h.strip()
        if not name:
            raise DataFileError("this column has no name in the header row", file=path,
                                row=start + 1, column=j + 1,
                                hint="give every column a name (or delete the empty column).")
        if name.lower() in seen:
            raise DataFileError(f"the column name {name!r} appears twice", file=path,
                                row=start + 1, column=j + 1,
                                hint="rename one of them so each column has its own name.")
        seen[name.lower()] = j
    out_rows, numbers = [], []
    width = len(header)
    for i in range(start + 1, len(rows)):
        r = list(rows[i])
        if is_blank_row(r):
            continue
        if len(r) > width:
            extra = r[width:]
            if any(str(x).strip() for x in extra):
                raise DataFileError(
                    f"this row has {len(r)} values but the header has {width} columns",
                    file=path, row=i + 1, column=width + 1,
                    hint="look for an unquoted comma in a text value (put the value in quotes) "
                         "or a missing column name.")
            r = r[:width]
        r += [""] * (width - len(r))
        out_rows.append(r)
        numbers.append(i + 1)
    return Table(header, out_rows, numbers, source=path.name, sheet=sheet_name)


def table_from_rows(header: Sequence[str], rows: Iterable[Sequence[str]], source: str = "") -> Table:
    """A :class:`Table` from rows in memory (row numbers as if the header were row 1)."""
    rows = [list(map(str, r)) for r in rows]
    return Table(list(header), rows, list(range(2, len(rows) + 2)), source=source)


# ------------------------------------------------------------------ screen

@dataclass
class CellFinding:
    row: int        # the row number in the file
    column: str
    kind: str
    value: str      # the matched text (kept in memory only; never shown unmasked)
    start: int
    end: int


@dataclass
class ScreenResult:
    table: Table
    cells: list[CellFinding] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.cells)

    def cells_with_personal_data(self) -> set[tuple[int, str]]:
        return {(c.row, c.column) for c in self.cells}

    def by_kind(self) -> dict[str, int]:
        out = {k: 0 for k in KINDS}
        for c in self.cells:
            out[c.kind] += 1
        return out


def screen(table: Table) -> ScreenResult:
    """Screen every cell of ``table`` for personal data."""
    res = ScreenResult(table)
    for r, number in zip(table.rows, table.row_numbers):
        for col, value in zip(table.header, r):
            for m in find_personal_data(value, col):
                res.cells.append(CellFinding(number, col, m.kind, value[m.start:m.end],
                                             m.start, m.end))
    return res


def findings_table(result: ScreenResult, examples: int = 3):
    """Per column and kind: how many found, example row numbers, masked examples."""
    import pandas as pd

    groups: dict[tuple[str, str], list[CellFinding]] = {}
    for c in result.cells:
        groups.setdefault((c.column, c.kind), []).append(c)
    order = {h: i for i, h in enumerate(result.table.header)}
    rows = []
    for (col, kind), items in sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 0),
                                                                      KINDS.index(kv[0][1]))):
        rows.append({
            "column": col,
            "personal data": KIND_LABELS[kind],
            "found": len(items),
            "example rows": ", ".join(str(n) for n in sorted({c.row for c in items})[:examples]),
            "masked examples": "; ".join(list(dict.fromkeys(mask(c.value) for c in items))[:2]),
        })
    return pd.DataFrame(rows, columns=["column", "personal data", "found", "example rows",
                                       "masked examples"])


def findings_figure(result: ScreenResult):
    """A bar chart of the cells with each kind of personal data; returns ``(fig, alt)``."""
    from .charts import PALETTE, new_figure

    counts = result.by_kind()
    labels = [KIND_LABELS[k] for k in KINDS]
    values = [counts[k] for k in KINDS]
    fig, ax = new_figure(figsize=(8, 3.4))
    y = list(range(len(labels)))[::-1]
    ax.barh(y, values, color=PALETTE[5], height=0.6)
    for yi, v in zip(y, values):
        ax.text(v + 0.05, yi, str(v), va="center", fontsize=10)
    ax.set_yticks(y, labels)
    ax.set_xlabel("items found")
    ax.set_xlim(0, max(values + [1]) * 1.2 + 0.5)
    ax.set_title(f"Personal data found in {result.table.source or 'the dataset'}")
    ax.grid(axis="y", visible=False)
    found = "; ".join(f"{KIND_LABELS[k]}: {counts[k]}" for k in KINDS)
    alt = (f"Bar chart of personal data found by the screen in {result.table.source or 'the dataset'}"
           f" ({len(result.table.rows)} rows): {found}. "
           f"{len(result.cells_with_personal_data())} cells in all.")
    return fig, alt


# ------------------------------------------------------------------ redact and neutralise

def redact_value(value: str, matches: Sequence[Match], label: str = DEFAULT_LABEL) -> str:
    """``value`` with each matched span replaced by ``label`` (the rest untouched)."""
    out, pos = [], 0
    for m in sorted(matches, key=lambda x: x.start):
        out.append(value[pos:m.start])
        out.append(label)
        pos = m.end
    out.append(value[pos:])
    return "".join(out)


def redact(table: Table, result: ScreenResult | None = None, label: str = DEFAULT_LABEL) -> Table:
    """A copy of ``table`` with every personal-data span replaced by ``label``.

    Only the spans the screen found change; every other cell, and the rest of each cell, is
    kept byte for byte.
    """
    if label not in REDACTION_LABELS and not label.strip():
        raise ToolkitError("the redaction label is empty",
                           hint=f"use one of the Transparency Code labels: {', '.join(REDACTION_LABELS)}.")
    result = result if result is not None else screen(table)
    index = {n: i for i, n in enumerate(table.row_numbers)}
    cols = {h: j for j, h in enumerate(table.header)}
    spans: dict[tuple[int, int], list[Match]] = {}
    for c in result.cells:
        spans.setdefault((index[c.row], cols[c.column]), []).append(Match(c.kind, c.start, c.end))
    out = table.copy()
    for (i, j), ms in spans.items():
        out.rows[i][j] = redact_value(table.rows[i][j], ms, label)
    return out


def neutralise(table: Table) -> tuple[Table, list[dict]]:
    """A copy with formula-like text cells made safe, and the list of cells changed
    (row number, column, the value's first character)."""
    out = table.copy()
    changed = []
    for i, (r, number) in enumerate(zip(out.rows, out.row_numbers)):
        for j, value in enumerate(r):
            safe = neutralise_formula(value)
            if safe != value:
                r[j] = safe
                changed.append({"row": number, "column": out.header[j],
                                "starts with": repr(value[:1])})
    return out, changed


# ------------------------------------------------------------------ data package

def _field_type(values: list[str]) -> str:
    vals = [v for v in values if v != ""]
    if not vals:
        return "string"
    if all(re.fullmatch(r"-?\d{1,15}", v) and not (len(v) > 1 and v.lstrip("-").startswith("0"))
           for v in vals):
        return "integer"
    if all(re.fullmatch(r"-?\d+(\.\d+)?", v) for v in vals):
        return "number"
    if all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in vals):
        import datetime as dt
        try:
            for v in vals:
                dt.date.fromisoformat(v)
            return "date"
        except ValueError:
            return "string"
    return "string"


def table_schema(table: Table, descriptions: dict[str, str] | None = None) -> dict:
    """A Frictionless Table Schema for ``table`` (types inferred from the text)."""
    fields = []
    for j, h in enumerate(table.header):
        f = {"name": h, "type": _field_type([r[j] for r in table.rows])}
        if descriptions and h in descriptions:
            f["description"] = descriptions[h]
        if f["type"] == "string" and table.rows and all(
                r[j].startswith(("http://", "https://")) for r in table.rows if r[j]):
            f["format"] = "uri"
        fields.append(f)
    return {"fields": fields}


def _csv_text(table: Table) -> str:
    buf = _io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(table.header)
    w.writerows(table.rows)
    return buf.getvalue()


def _package_name(text: str) -> str:
    s = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-")
    return s or "dataset"


def write_data_package(table: Table, folder, *, name: str, title: str, description: str = "",
                       publisher: str = "", licence: dict | None = None,
                       descriptions: dict[str, str] | None = None,
                       keywords: Sequence[str] = (), sources: Sequence[dict] = (),
                       homepage: str | None = None) -> Path:
    """Write ``<name>.csv`` and ``datapackage.json`` into ``folder`` (atomically); return the
    path of ``datapackage.json``. Licence: OGL v3 unless another is given."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pname = _package_name(name)
    csv_name = f"{pname}.csv"
    atomic_write_text(folder / csv_name, _csv_text(table))
    lic = dict(licence or OGL_V3)
    if not (lic.get("name") or lic.get("path")):
        raise ToolkitError("a licence needs a name or a path (web address)",
                           hint="e.g. {'name': 'OGL-UK-3.0', 'path': '…/open-government-licence/version/3/'}.")
    package = {
        "name": pname,
        "title": title,
        "description": description,
        "licenses": [lic],
        "keywords": list(keywords),
        "resources": [{
            "name": pname,
            "path": csv_name,
            "title": title,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "lineTerminator": "\n"},
            "licenses": [lic],
            "schema": table_schema(table, descriptions),
        }],
    }
    if publisher:
        package["contributors"] = [{"title": publisher, "role": "publisher"}]
    if sources:
        package["sources"] = list(sources)
    if homepage:
        package["homepage"] = homepage
    path = folder / "datapackage.json"
    atomic_write_text(path, json.dumps(package, indent=2, ensure_ascii=False) + "\n")
    return path


@dataclass
class Validation:
    valid: bool
    errors: list[str]

    def __bool__(self) -> bool:
        return self.valid


def validate_package(path) -> Validation:
    """Validate a ``datapackage.json`` (and its CSV against the schema) with ``frictionless``."""
    import frictionless

    path = Path(path)
    report = frictionless.Package(str(path)).validate()
    errors = []
    for task in report.tasks:
        for err in task.errors:
            where = []
            if getattr(err, "row_number", None):
                where.append(f"row {err.row_number}")
            if getattr(err, "field_name", None):
                where.append(f"column {err.field_name!r}")
            errors.append((", ".join(where) + ": " if where else "") + err.message)
    for err in report.errors:
        errors.append(err.message)
    return Validation(bool(report.valid), errors)


# ------------------------------------------------------------------ five stars

FIVE_STARS = (
    (1, "on the web with an open licence", "publish it on the council's website or data portal under the OGL"),
    (2, "structured, machine-readable data", "publish a table (CSV or a spreadsheet), not a PDF or a picture"),
    (3, "a non-proprietary format", "publish CSV (UTF-8) beside any Excel file"),
    (4, "URIs to identify things", "add columns of web identifiers (URIs), e.g. the council's "
                                    "OrganisationURI or statistics.data.gov.uk codes"),
    (5, "linked to other data", "point those identifiers at other publishers' data (e.g. ONS "
                                "geography URIs) and describe the links in the schema"),
)


def five_star(package_path=None, *, licence: dict | None = OGL_V3, published: bool = True,
              table: Table | None = None, source_format: str = "csv", publisher_domain: str = ""):
    """The five-star level reached, with a checklist (``(level, checklist DataFrame)``).

    Stars are cumulative. 1: an open licence and published on the web; 2: a table; 3: CSV (the
    data package writes one); 4: at least one column of ``http(s)://`` identifiers; 5: at least
    one such column pointing at another publisher's domain (linked data).
    """
    import pandas as pd

    uri_cols: list[str] = []
    linked: list[str] = []
    if table is not None:
        for j, h in enumerate(table.header):
            vals = [r[j] for r in table.rows if r[j]]
            if vals and all(v.startswith(("http://", "https://")) for v in vals):
                uri_cols.append(h)
                domains = {re.sub(r"^https?://([^/]+).*", r"\1", v).lower() for v in vals}
                if publisher_domain and any(not d.endswith(publisher_domain.lower()) for d in domains):
                    linked.append(h)
    met = {
        1: bool(licence) and published,
        2: table is not None,
        3: package_path is not None or source_format.lower() == "csv",
        4: bool(uri_cols),
        5: bool(linked),
    }
    level = 0
    for n in range(1, 6):
        if met[n]:
            level = n
        else:
            break
    rows = []
    for n, what, todo in FIVE_STARS:
        rows.append({"stars": "★" * n, "what it takes": what,
                     "reached": "yes" if n <= level else ("met, after a lower star" if met[n] else "no"),
                     "what to do": "" if n <= level else todo})
    return level, pd.DataFrame(rows)


# ------------------------------------------------------------------ the whole check

@dataclass
class Readiness:
    source: str
    rows: int
    columns: int
    result: ScreenResult
    findings: object            # DataFrame
    neutralised: list[dict]
    package: Path
    validation: Validation
    stars: int
    stars_table: object         # DataFrame
    label: str

    def summary(self):
        import pandas as pd

        kinds = self.result.by_kind()
        items = [("rows screened", self.rows), ("columns", self.columns),
                 ("cells with personal data", len(self.result.cells_with_personal_data())),
                 *((f"  {KIND_LABELS[k]}", n) for k, n in kinds.items()),
                 ("formula-like cells neutralised", len(self.neutralised)),
                 ("data package valid (frictionless)", "yes" if self.validation.valid else "no"),
                 ("five-star level", f"{self.stars} of 5"),
                 ("redaction label", self.label)]
        return pd.DataFrame(items, columns=["check", "result"])


def check_readiness(path, out_folder, *, name: str | None = None, title: str | None = None,
                    description: str = "", publisher: str = "", licence: dict | None = None,
                    label: str = DEFAULT_LABEL, publisher_domain: str = "",
                    descriptions: dict[str, str] | None = None, sheet=0) -> Readiness:
    """Screen, redact, neutralise and package ``path`` into ``out_folder``; validate; count stars.

    The input file is only read. The published CSV and ``datapackage.json`` go to
    ``out_folder``.
    """
    table = load_dataset(path, sheet=sheet)
    result = screen(table)
    redacted = redact(table, result, label=label)
    safe, changed = neutralise(redacted)
    stem = name or Path(path).stem
    pkg = write_data_package(
        safe, out_folder, name=stem, title=title or stem.replace("_", " ").capitalize(),
        description=description, publisher=publisher, licence=licence,
        descriptions=descriptions,
        sources=[{"title": f"{publisher or 'The council'}: {Path(path).name} (redacted)"}])
    validation = validate_package(pkg)
    stars, stars_table = five_star(pkg, licence=licence or OGL_V3, table=safe,
                                   publisher_domain=publisher_domain)
    return Readiness(source=Path(path).name, rows=len(table.rows), columns=len(table.header),
                     result=result, findings=findings_table(result), neutralised=changed,
                     package=pkg, validation=validation, stars=stars, stars_table=stars_table,
                     label=label)


def default_title(path, service: str | None = None) -> str:
    """A dataset title from its file name and the service (``library_events.csv`` for
    *Libraries* → ``"Libraries: library events"``), used when no title is given."""
    stem = Path(path).stem if path else "dataset"
    words = " ".join(w for w in re.split(r"[_\-\s]+", stem) if w) or "dataset"
    words = words[:1].upper() + words[1:] if not service else words
    return f"{service}: {words}" if service else words
