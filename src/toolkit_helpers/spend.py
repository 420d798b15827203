"""Council spend files (Local Government Transparency Code) → one tidy frame.

>>> df = load_spend("data/sample/spend")                    # doctest: +SKIP
>>> mapping_table(df); files_table(df); problems_table(df)  # doctest: +SKIP

:func:`load_spend` takes a published spend file as it is — CSV (UTF-8, UTF-8 with BOM or
Windows-1252; CRLF, LF or CR-only line endings) or an Excel workbook (every sheet, or one) — or a
list of files, or a folder, and returns one row per transaction line with the canonical columns

``organisation, payment_date, service_area, expense_type, supplier, transaction_id, amount,
purpose, source_file, source_row``

plus the extra columns :data:`EXTRA_FIELDS` (``effective_date``, ``irrecoverable_vat``,
``supplier_id``, ``expense_code``), ``sheet`` and ``issue``. ``source_row`` is the row number
as a spreadsheet shows it (1-based, counting title and blank rows), so anyone can find the line
in the original file.

The detection rules are public building blocks, so a bulk pipeline (e.g. DuckDB over tens of
millions of rows) can apply exactly the same rules:

- :data:`SYNONYMS` — the documented header synonym table (canonical field → header variants);
  :func:`header_key` normalises a header the way the table is written.
- :func:`detect_columns` — a header row → which column is which field, and what was left out.
- :func:`header_score` / :func:`find_header` — which row is the header (any row: after title or
  blank rows, even the last line).
- :func:`parse_amounts` — ``£1,000.00``, ``(12.50)``, ``12.50-``, ``12.50 CR`` → floats;
  with ``decimal=","`` ``1.234,56`` and ``12,5``. :func:`detect_decimal` decides per file from
  the amounts and the delimiter (a semicolon export with decimal commas is read as such, with a
  note); an amount in the other convention, ``inf``, ``nan`` or ``1e400`` is unreadable (an
  issue), never misread.
- :func:`parse_dates` — ``dd/mm/yyyy``, ``11-Aug-22``, ``3 Apr 2023``, ISO, Excel serials →
  dates, by the shapes in :data:`DATE_PATTERNS` (strptime formats DuckDB's ``strptime`` shares).
- :data:`TOTAL_PATTERN` / :func:`is_total_label` / :func:`drop_mask` — blank, repeated-header,
  totals and note rows; :data:`MISSING_TOKENS` — cells that mean "no value".

Reading is vectorised: the first records are read with the csv module to find the header, the
records after it by pyarrow's CSV reader when they are regular, otherwise the whole file by
pandas' C parser (ragged rows, a header on the last line); every later step works on whole
columns. One large council's year (~500,000 lines) loads in about 2–3 seconds (see
``benchmarks/README.md``).

**Bad cells never vanish silently.** An amount or date that cannot be read is kept as
``NaN``/``NaT``; the row stays, its ``issue`` column says what was wrong (``amount: not a
number ('12..50')``), and the report counts it with example rows. Only when most of a column cannot
be read (a sign the wrong column was picked) does loading stop, with a
:class:`~toolkit_helpers.errors.DataFileError` naming the file, row and column.

**Procurement card files** (the Code's "all procurement card transactions": LGA layout with
``MerchantCategoryCode``, ``Merchant Name``, ``CardTransaction`` …) load the same way; the report
marks each file (or sheet) ``"kind": "procurement_card"`` or ``"spend"``
(:func:`is_procurement_card`) and :func:`split_procurement_card` separates the two. In a
**folder**, files that are not spend (JSON, XML, claimant counts, notes) are skipped with a
:class:`NotSpendFileWarning` and listed in the report.

What the loader found — encoding, line endings, header row, the column mapping, columns left
out, rows dropped and why, unreadable cells — is in ``df.attrs["report"]``;
:func:`mapping_table`, :func:`files_table` and :func:`problems_table` show it as small tables.
"""
from __future__ import annotations

import csv
import difflib
import functools
import io as _io
import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataFileError
from .io import (
    EXCEL_SUFFIXES,
    FORMULA_HINT,
    check_regular_file,
    check_table_shape,
    column_letter,
    decode_text,
    encoding_note,
    iter_paths,
    normalise_header,
    read_bytes,
    read_workbook,
    sniff_delimiter,
)

# ----------------------------------------------------------------------------- the fields

#: The canonical columns every spend frame has, in this order (product brief).
CANONICAL = ("organisation", "payment_date", "service_area", "expense_type", "supplier",
             "transaction_id", "amount", "purpose")
#: Extra fields kept when a file has them.
EXTRA_FIELDS = ("effective_date", "irrecoverable_vat", "supplier_id", "expense_code")
FIELDS = CANONICAL + EXTRA_FIELDS
#: Every column of the frame :func:`load_spend` returns, in order.
COLUMNS = CANONICAL + ("source_file", "source_row") + EXTRA_FIELDS + ("sheet", "issue")
#: A file must have these (found or mapped) to be read as spend.
REQUIRED = ("supplier", "amount")
TEXT_FIELDS = ("organisation", "service_area", "expense_type", "supplier", "transaction_id",
               "purpose", "supplier_id", "expense_code")
DATE_FIELDS = ("payment_date", "effective_date")
AMOUNT_FIELDS = ("amount", "irrecoverable_vat")

#: The header synonym table: canonical field → header variants seen in published files, in
#: order of preference (the first variant a file has wins). Variants are written as
#: :func:`header_key` makes them: lower case, camelCase split, punctuation and ``£`` removed
#: (``"Net Amount(£) "`` → ``"net amount"``, ``"OrganisationLabel"`` → ``"organisation label"``).
#: Known typos are listed on purpose; other near misses are matched by similarity (reported).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "organisation": (
        "organisation label", "organisation name", "organisation", "organization label",
        "organization name", "organization", "body name", "body", "local authority", "authority",
        "council name", "council", "client", "public body"),
    "payment_date": (
        "payment date", "paid date", "date paid", "date of payment", "payment run date",
        "pay date", "transaction date", "invoice payment date", "date"),
    "service_area": (
        "organisational unit", "organizational unit", "organisatonal unit", "service area",
        "service area description", "service", "service division", "service label",
        "department area", "department", "department name", "directorate", "service cost centre",
        "cost centre description", "cost centre name", "cost centre", "portfolio",
        "service expenditure area"),
    "expense_type": (
        "expenditure category", "expenditure catergory", "expenses type", "expense type",
        "expense category", "expenditure type", "proclass label", "account detail",
        "account description", "subjective description", "subjective", "category internal name",
        "merchant category", "category", "expense description", "cost type"),
    "supplier": (
        "beneficiary name", "benificiary name", "beneficiary", "supplier name", "supplier",
        "vendor name", "vendor", "payee name", "payee", "merchant name", "creditor name",
        "creditor", "recipient name", "recipient", "name"),
    "transaction_id": (
        "transaction number", "transaction no", "trans no", "transaction id", "transaction ref",
        "transaction reference", "payment reference", "reference number", "reference",
        "ref no", "hbc ref no", "ref", "document number", "doc no", "voucher number",
        "invoice number"),
    "amount": (
        "amount", "net amount", "amount paid", "net amount paid", "amount gbp",
        "net amount gbp", "amount excluding vat", "amount excl vat", "amount ex vat",
        "net value", "payment amount", "transaction amount", "line amount", "value", "net",
        "total"),
    "purpose": (
        "purpose", "purpose of expenditure", "purpose of spend", "description",
        "expenditure description", "transaction description", "line description",
        "item description", "narrative", "details", "summary of purpose"),
    "effective_date": (
        "effective date", "period end", "period ending", "period", "month end", "month"),
    "irrecoverable_vat": (
        "irrecoverable vat amount", "irrecoverable vat", "vat irrecoverable",
        "non recoverable vat"),
    "supplier_id": (
        "beneficiary other id", "beneficiary id", "beneficiary registration number",
        "supplier id", "supplier number", "supplier code", "vendor id", "vendor number",
        "company number", "charity number"),
    "expense_code": (
        "expenditure code", "proclass code", "expense code", "account code", "subjective code",
        "merchant category code"),
}

#: Cells read as "no value" in text, amount and date columns (compared in upper case).
MISSING_TOKENS = frozenset({"", "NA", "N/A", "#N/A", "NULL", "NONE", "-", "--", "NAN", "NIL"})
#: Cells read as "no value" in amount columns: :data:`MISSING_TOKENS` but ``nan``, which in an
#: amount column is a broken number (an export of a calculation), so it is counted as
#: unreadable like ``inf`` and ``1e400``, never passed over as empty.
AMOUNT_MISSING_TOKENS = MISSING_TOKENS - {"NAN"}
#: Amount text that may hold a comma that is not a thousands separator (``12,5``, ``1.234,56``,
#: ``1,000,00``): such values are checked against the file's decimal separator. RE2-compatible
#: (DuckDB's ``regexp_matches`` uses it too).
COMMA_SUSPECT = r",\d{0,2}(?:\D|$)|,\d{4,}|\d{4,},|\.\d*,"
#: The same for a dot in a file written with decimal commas (``12.50``, ``1,234.56``).
DOT_SUSPECT = r"\.\d{0,2}(?:\D|$)|\.\d{4,}|\d{4,}\.|,\d*\.|,.*,"

#: A totals label: ``Total``, ``TOTAL``, ``Grand Total``, ``Sub-total``, ``Totals:``,
#: ``Total for April 2023``, ``Total spend`` — but not a supplier like ``Total Gas & Power``.
TOTAL_PATTERN = (r"^\s*(?:grand\s+|sub[\s-]?)?totals?"
                 r"(?:\s+(?:spend|expenditure|payments?|amounts?|value))?"
                 r"(?:\s+(?:for|of|in)\b.*)?[\s:.]*$")
_TOTAL_RE = re.compile(TOTAL_PATTERN, re.IGNORECASE)

#: Date shapes the loader reads, in order: (name, full-match regex, strptime formats to try).
#: Before matching, a time of day (`` 00:00:00``, ``T10:30:00+01:00``) is removed. Slash,
#: dot and dash separators of numeric dates are read day first (UK), unless the column shows
#: otherwise (a second number above 12 and no first number above 12 → month first; reported).
DATE_PATTERNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ISO yyyy-mm-dd", r"\d{4}-\d{1,2}-\d{1,2}", ("%Y-%m-%d",)),
    ("dd/mm/yyyy", r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}", ("%d/%m/%Y",)),
    ("dd/mm/yy", r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}", ("%d/%m/%y",)),
    ("d Mon yyyy", r"\d{1,2}[\s-]*[A-Za-z]{3,9}\.?[\s-]*\d{4}", ("%d %b %Y", "%d %B %Y")),
    ("dd-Mon-yy", r"\d{1,2}[\s-]*[A-Za-z]{3,9}\.?[\s-]*\d{2}", ("%d %b %y", "%d %B %y")),
    ("yyyy/mm/dd", r"\d{4}/\d{1,2}/\d{1,2}", ("%Y/%m/%d",)),
    ("yyyymmdd", r"(?:19|20)\d{6}", ("%Y%m%d",)),
    ("Excel serial", r"\d{5}(?:\.\d+)?", ()),
)
#: Excel serial day numbers accepted as dates (1954-10-03 … 2119-01-08); day 0 = 1899-12-30.
EXCEL_SERIAL_RANGE = (20000, 80000)
#: Dates outside these years are treated as unreadable (e.g. ``23/04/0023``).
PLAUSIBLE_YEARS = (1990, 2100)
_TIME_SUFFIX = r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)$"
_LOST_DATE = r"^0{1,2}:00(?::00)?(?:\.0+)?$"

#: A column is rejected (and loading stops) when more than this share of its non-empty cells
#: cannot be read as amounts/dates: the wrong column was probably picked.
REJECT_SHARE = 0.5
#: How many example problem rows the report keeps per file.
MAX_EXAMPLES = 20

#: Files a folder gives as spend (the same patterns as :func:`toolkit_helpers.io.iter_paths`).
SPEND_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".ods")
#: Files in a spend folder that are data of another kind (OCDS packages, CKAN answers, XML
#: feeds): never read as spend, skipped with a :class:`NotSpendFileWarning`.
NOT_SPEND_SUFFIXES = (".json", ".jsonl", ".ndjson", ".geojson", ".xml")
#: Kinds (:mod:`toolkit_helpers.kinds`) that :func:`load_spend` reads: a file of one of these
#: kinds that cannot be mapped is an error to fix, not a file to skip.
SPEND_KINDS = frozenset({"spend", "procurement_card"})

#: Procurement card files (Transparency Code 2015: "all procurement card transactions"): a
#: header word that only card files have (``Card``, ``CardTransaction``, ``Cardholder``,
#: ``GPC``, ``MCC``, ``Merchant``, ``Merchant Name``, ``MerchantCategoryCode``). A plain
#: ``Merchant Category`` is not enough: the Code lists it among the spend-over-£500 fields too.
CARD_HEADER_WORDS = frozenset({"card", "cards", "cardholder", "pcard", "gpc", "mcc"})
CARD_MERCHANT_KEYS = frozenset({"merchant", "merchant name", "merchant category code",
                                "merchant code", "merchant id"})
#: File-name words that say "procurement card" (``procurement_card``, ``p-card``, ``GPC`` …).
CARD_NAME_PAIRS = frozenset({("procurement", "card"), ("procurement", "cards"),
                             ("purchase", "card"), ("purchase", "cards"),
                             ("purchasing", "card"), ("purchasing", "cards"),
                             ("p", "card"), ("p", "cards"), ("card", "transactions"),
                             ("card", "spend"), ("card", "payments")})


class NotSpendFileWarning(UserWarning):
    """A file in a spend folder was skipped because it is not a spend file."""


# ----------------------------------------------------------------------------- headers

_CAMEL_1 = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CAMEL_2 = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")


_ASCII_LETTER = re.compile(r"[A-Za-z]")
_ASCII_DIGIT = re.compile(r"[0-9]")


@functools.lru_cache(maxsize=65536)
def _header_key(s: str) -> str:
    s = _CAMEL_2.sub(" ", _CAMEL_1.sub(" ", s.replace("\ufeff", "")))
    return normalise_header(s)


def header_key(name) -> str:
    """A header as the synonym table writes it: ``'Net Amount(£) '`` → ``'net amount'``,
    ``'IrrecoverableVATAmount'`` → ``'irrecoverable vat amount'``, ``'Name:'`` → ``'name'``."""
    return _header_key("" if name is None else str(name))


def _synonym_index() -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for fld, variants in SYNONYMS.items():
        for rank, v in enumerate(variants):
            if v in index:
                raise AssertionError(f"synonym {v!r} listed for {index[v][0]} and {fld}")
            index[v] = (fld, rank)
    return index


SYNONYM_INDEX = _synonym_index()


@functools.lru_cache(maxsize=65536)
def _named_field(cell: str) -> str | None:
    """The field a header cell names by the synonym table, or None. Decided without the
    synonym key where it can be: a cell of ASCII text without a letter (a number, a date, an
    amount) or with an ASCII digit (a reference, an ID) names none, since every synonym has
    letters and none has a digit (a test keeps it so), and :func:`header_key` keeps digits."""
    if (cell.isascii() and cell.lower() == cell.upper()) or _ASCII_DIGIT.search(cell):
        return None
    hit = SYNONYM_INDEX.get(header_key(cell))
    return hit[0] if hit else None


def header_score(row: Sequence, extra: Iterable[str] = ()) -> float:
    """How header-like a row is: the number of distinct fields its cells name (by the synonym
    table, or as one of the ``extra`` column names a user mapping gives)."""
    extra_keys = {header_key(e) for e in extra if e}
    if not extra_keys:  # the usual search: each distinct cell looked up once (cached)
        return float(len({f for cell in row if (f := _named_field(
            cell if isinstance(cell, str) else "" if cell is None else str(cell)))}))
    # a cell of ASCII text without a letter (a number, a date, an amount) names no field:
    # every synonym has letters (unless a user's column name has none)
    skip_letterless = all(_ASCII_LETTER.search(k) for k in extra_keys)
    found = set()
    for cell in row:
        if skip_letterless and isinstance(cell, str) and cell.isascii() \
                and cell.lower() == cell.upper():  # ASCII: no letter has one case only
            continue
        k = header_key(cell)
        if not k:
            continue
        if k in SYNONYM_INDEX:
            found.add(SYNONYM_INDEX[k][0])
        elif k in extra_keys:
            found.add("mapped:" + k)
    return float(len(found))


def find_header(rows: Sequence[Sequence], extra: Iterable[str] = (), min_score: float = 2,
                head: int = 200, tail: int = 50) -> int | None:
    """Index (0-based) of the header row: the row naming the most fields (at least
    ``min_score``), searched in the first ``head`` and the last ``tail`` rows (a header can be
    the last line). Ties go to the earliest row."""
    extra = list(extra)
    n = len(rows)
    candidates = list(range(min(n, head))) + list(range(max(head, n - tail), n))
    best, best_i = min_score - 1e-9, None
    for i in candidates:
        row = rows[i]
        if not any(str(c).strip() for c in row):
            continue
        s = header_score(row, extra)
        if s > best:
            best, best_i = s, i
    return best_i


def _letter(pos: int) -> str:
    """0-based column position → spreadsheet letter (0 → A, 27 → AB)."""
    return column_letter(pos + 1)


@dataclass
class ColumnDetection:
    """Which column of a header is which field (see :func:`detect_columns`).

    Iterating gives ``(mapping, report)``, so ``mapping, report = detect_columns(header)``.
    """
    header: list[str]
    positions: dict[str, int] = field(default_factory=dict)  # field → 0-based column
    how: dict[str, str] = field(default_factory=dict)  # field → synonym | similar | your mapping
    left_out: list[int] = field(default_factory=list)  # named columns no field uses
    spacers: list[int] = field(default_factory=list)  # columns with an empty header
    alternatives: dict[str, list[int]] = field(default_factory=dict)  # field → other matching columns
    absent: list[str] = field(default_factory=list)  # fields a user mapping says the file lacks

    @property
    def mapping(self) -> dict[str, str]:
        """field → the header text as it appears in the file."""
        return {f: self.header[p] for f, p in self.positions.items()}

    @property
    def missing(self) -> list[str]:
        return [f for f in FIELDS if f not in self.positions]

    @property
    def missing_required(self) -> list[str]:
        return [f for f in REQUIRED if f not in self.positions]

    @property
    def report(self) -> dict:
        return {
            "mapped": {f: {"column": self.header[p], "letter": _letter(p), "how": self.how[f]}
                       for f, p in sorted(self.positions.items(), key=lambda kv: FIELDS.index(kv[0]))},
            "not_found": [f for f in self.missing if f not in self.absent],
            "absent_by_mapping": list(self.absent),
            "left_out": [f"{self.header[p].strip()} ({_letter(p)})" for p in self.left_out],
            "also_matched": {f: [f"{self.header[p].strip()} ({_letter(p)})" for p in ps]
                             for f, ps in self.alternatives.items()},
            "spacer_columns": len(self.spacers),
        }

    def __iter__(self):
        yield self.mapping
        yield self.report


def _check_mapping(mapping: Mapping | None, file=None) -> dict[str, str | None]:
    if not mapping:
        return {}
    if not isinstance(mapping, Mapping):
        raise DataFileError(f"mapping must be a dict of field → column, not {type(mapping).__name__}",
                            file=file, hint="e.g. mapping={'supplier': 'Vendor', 'amount': 'Value'}.")
    out = {}
    for k, v in mapping.items():
        if k not in FIELDS:
            close = difflib.get_close_matches(str(k), FIELDS, n=1)
            raise DataFileError(
                f"the mapping names an unknown field {k!r}" +
                (f" (did you mean {close[0]!r}?)" if close else ""), file=file,
                hint=f"mapping keys are the toolkit's field names: {', '.join(FIELDS)}; "
                     "values are the column headers in your file.")
        if v is not None and not isinstance(v, str):
            raise DataFileError(f"the mapping for {k!r} must be a column name (text), not {v!r}",
                                file=file)
        out[k] = v.strip() if isinstance(v, str) and v.strip() else None
    return out


def mapped_column(header: Sequence[str], keys: Sequence[str], fld: str, col: str, file=None,
                  taken: set[int] | frozenset = frozenset()) -> int:
    """The position of the column a user's mapping names for ``fld``: the header exactly as
    written, else the same header key (case, spacing, punctuation ignored) among the columns
    not ``taken``. A :class:`DataFileError` listing the columns seen when there is none."""
    pos = next((i for i, h in enumerate(header) if h.strip() == col), None)
    if pos is None:
        want = header_key(col)
        pos = next((i for i, k in enumerate(keys) if k and k == want and i not in taken), None)
    if pos is None:
        seen = ", ".join(repr(h.strip()) for h in header if h.strip())
        raise DataFileError(
            f"the mapping says {fld} is in column {col!r}, but the file has no such "
            f"column. Columns seen: {seen or '(none)'}", file=file, column=col,
            hint="copy the column name exactly as it appears in the file's header row.")
    return pos


def detect_columns(header: Sequence, mapping: Mapping | None = None, *,
                   file=None, similarity: float = 0.88) -> ColumnDetection:
    """Decide which column of ``header`` holds each field.

    1. ``mapping`` (field → column header) wins; a field mapped to ``None`` or ``""`` is taken
       as absent from the file. A mapped column the header lacks raises
       :class:`DataFileError` listing the columns seen.
    2. Then the synonym table (:data:`SYNONYMS`), by :func:`header_key`; when several columns
       match a field, the better-ranked synonym wins, then the leftmost column; the others are
       kept as ``alternatives`` (:func:`load_spend` uses the next one when the chosen column is
       empty, e.g. two columns called ``Amount`` or an empty ``Amount`` beside ``Net Amount``).
    3. Then near misses (``difflib`` ratio ≥ ``similarity``, keys of 6+ characters), reported as
       ``similar``.

    Returns a :class:`ColumnDetection` (``mapping, report = detect_columns(header)`` works).
    """
    header = ["" if h is None else str(h) for h in header]
    keys = [header_key(h) for h in header]
    det = ColumnDetection(header=header)
    user = _check_mapping(mapping, file)
    taken: set[int] = set()
    for fld, col in user.items():
        if col is None:
            det.absent.append(fld)
            continue
        pos = mapped_column(header, keys, fld, col, file)
        det.positions[fld], det.how[fld] = pos, "your mapping"
        taken.add(pos)
    # synonyms
    candidates: dict[str, list[tuple[int, int]]] = {}
    for i, k in enumerate(keys):
        if i in taken or k not in SYNONYM_INDEX:
            continue
        fld, rank = SYNONYM_INDEX[k]
        candidates.setdefault(fld, []).append((rank, i))
    for fld in FIELDS:
        if fld in det.positions or fld in det.absent or fld not in candidates:
            continue
        ranked = sorted(candidates[fld])
        best_rank, pos = ranked[0]
        det.positions[fld], det.how[fld] = pos, "synonym"
        taken.add(pos)
        if len(ranked) > 1:
            det.alternatives[fld] = [i for _r, i in ranked[1:]]
    # near misses
    all_variants = list(SYNONYM_INDEX)
    for i, k in enumerate(keys):
        if i in taken or len(k) < 6 or k in SYNONYM_INDEX:
            continue
        close = difflib.get_close_matches(k, all_variants, n=1, cutoff=similarity)
        if close:
            fld = SYNONYM_INDEX[close[0]][0]
            if fld not in det.positions and fld not in det.absent:
                det.positions[fld], det.how[fld] = i, f"similar to {close[0]!r}"
                taken.add(i)
    dup_positions = {p for ps in det.alternatives.values() for p in ps}
    for i, k in enumerate(keys):
        if i in taken:
            continue
        if not k:
            det.spacers.append(i)
        elif i not in dup_positions:
            det.left_out.append(i)
    return det


def mapping_error(file, detection: ColumnDetection, sheet: str | None = None) -> DataFileError:
    """The one clear error for a file whose columns cannot be mapped."""
    missing = detection.missing_required
    seen = [h.strip() for h in detection.header if h.strip()]
    example = ", ".join(f"'{f}': '<column in your file>'" for f in missing)
    where = f" (sheet {sheet!r})" if sheet else ""
    return DataFileError(
        f"cannot find the {' and '.join(missing)} column{'s' if len(missing) > 1 else ''} "
        f"in this spend file{where}. Columns seen: "
        + (", ".join(repr(s) for s in seen) if seen else "(no header row found)"),
        file=file,
        hint=f"tell the loader which columns to use: load_spend(path, mapping={{{example}}}), "
             f"or in the council config: mappings: spend: {{{example.replace(chr(39), '')}}}. "
             f"Fields: {', '.join(FIELDS)}.")


def card_evidence(header: Sequence | None = None,
                  name: str | os.PathLike | None = None) -> str | None:
    """Why a file with this header (and file name) is a procurement card file, or ``None``:
    ``"column 'MerchantCategoryCode'"`` / ``"file name"`` (see :data:`CARD_HEADER_WORDS`)."""
    for cell in header or ():
        k = header_key(cell)
        if not k:
            continue
        if k in CARD_MERCHANT_KEYS or CARD_HEADER_WORDS & set(k.split()):
            return f"column {str(cell).strip()!r}"
    if name:
        words = [w for w in re.split(r"[^a-z0-9]+", Path(name).stem.lower()) if w]
        if {"pcard", "pcards", "gpc"} & set(words) or \
                any(pair in CARD_NAME_PAIRS for pair in zip(words, words[1:])):
            return "file name"
    return None


def is_procurement_card(path_or_header) -> bool:
    """Whether a file (a path) or a header row (a list of column names) is a procurement card
    file rather than spend over £250/£500: a card-only column (:data:`CARD_HEADER_WORDS`,
    e.g. the LGA layout's ``MerchantCategoryCode`` or ``CardTransaction``) or, for a path, a
    file name saying so (``procurement_card``, ``p-card``, ``GPC``); for a workbook, the
    header of its first sheet that has one. :func:`load_spend` records the answer per file
    (and sheet) as ``"kind"`` in its report."""
    if isinstance(path_or_header, (str, os.PathLike)):
        p = Path(path_or_header)
        return card_evidence(_file_header(p), p.name) is not None
    return card_evidence(list(path_or_header)) is not None


def _file_header(p: Path) -> list[str]:
    """The header row of a spend file (the first sheet that has one), or ``[]``."""
    if p.suffix.lower() not in EXCEL_SUFFIXES:
        decoded = decode_text(_raw_bytes(p), file=p)
        head, _ends = _head_records(decoded.text, sniff_delimiter(decoded.text))
        h = find_header(head, min_score=2, tail=0)
        if h is not None:
            return [str(c) for c in head[h]]
    for block in read_blocks(p):
        h = _header_index(_stripped(block.frame), [], 2)
        if h is not None:
            return ["" if v is None or v != v else str(v) for v in block.frame.iloc[h].tolist()]
    return []


# ----------------------------------------------------------------------------- values

def _as_str_series(values):
    import pandas as pd

    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if s.dtype != "str":
        s = s.astype("str")
    return s


@dataclass
class Parsed:
    """Values parsed from text cells: ``values`` (float or datetime64), and boolean masks
    ``empty`` (no value given), ``bad`` (a value that could not be read) and, for dates,
    ``lost`` (``00:00:00``: the date was lost in an export). ``info`` says how. For amounts,
    ``wrong_separator`` and ``not_finite`` (both within ``bad``) say why some are bad: a
    decimal separator the file does not use (``12,5`` in a file with decimal points), or a
    value that is not a finite number (``inf``, ``nan``, ``1e400``, 400 digits)."""
    values: object
    empty: object
    bad: object
    lost: object = None
    info: dict = field(default_factory=dict)
    wrong_separator: object = None
    not_finite: object = None


def _wrong_separator(s, usable, decimal: str):
    """Boolean Series: the numbers among ``s[usable]`` whose digits and separators the
    decimal convention ``decimal`` cannot read (``12,5`` or ``1,000,00`` with decimal points;
    ``12.50`` or ``1,234.56`` with decimal commas)."""
    import pandas as pd

    from .io import NUMBER_NOISE, VALID_WITH_COMMA, VALID_WITH_POINT

    wrong = pd.Series(False, index=s.index)
    cand = usable & s.str.contains(COMMA_SUSPECT if decimal == "." else DOT_SUSPECT,
                                   regex=True).fillna(False).astype(bool)
    if cand.any():
        core = s[cand].str.replace(NUMBER_NOISE, "", regex=True)
        numeric = core.str.fullmatch(r"[\d.,]+").fillna(False).astype(bool)
        valid = core.str.fullmatch(VALID_WITH_POINT if decimal == "." else VALID_WITH_COMMA)
        wrong.loc[cand] = numeric & ~valid.fillna(False).astype(bool)
    return wrong


def detect_decimal(values, delimiter: str | None = None) -> tuple[str | None, str]:
    """The decimal separator of a file's amounts: ``(",", note)`` for decimal commas
    (``1.234,56``, ``12,5``), ``(".", note)`` for decimal points, ``(None, why)`` when it
    cannot be told. The convention most values show wins; with none shown a semicolon-separated
    file whose amounts use dots only as thousands groups is read with decimal commas (see
    :func:`toolkit_helpers.io.choose_decimal`). Fast for the usual file: only values with a
    suspect comma are looked at closely."""
    from .io import (
        DECIMAL_COMMA,
        DECIMAL_POINT,
        GROUPED_BY_COMMA,
        GROUPED_BY_DOT,
        NUMBER_NOISE,
        choose_decimal,
    )

    s = _as_str_series(values).str.strip()
    s = s[s.notna() & (s != "")]
    if not len(s):
        return ".", ""

    def count(mask, pattern):
        if not mask.any():
            return 0
        core = s[mask].str.replace(NUMBER_NOISE, "", regex=True)
        return int(core.str.fullmatch(pattern).fillna(False).sum())

    suspect = s.str.contains(COMMA_SUSPECT, regex=True).fillna(False).astype(bool)
    comma = count(suspect, DECIMAL_COMMA)
    if not comma and delimiter != ";":
        return ".", ""
    dots = s.str.contains(".", regex=False).fillna(False).astype(bool)
    point, grouped_dot = count(dots, DECIMAL_POINT), count(dots, GROUPED_BY_DOT)
    grouped_comma = 0
    if delimiter == ";":
        commas = s.str.contains(",", regex=False).fillna(False).astype(bool)
        grouped_comma = count(commas, GROUPED_BY_COMMA)
    return choose_decimal(comma, point, grouped_dot, grouped_comma, delimiter)


def parse_amounts(values, decimal: str | None = ".") -> Parsed:
    """Money text → floats, vectorised.

    Reads ``1000``, ``1,000.00``, ``£1,000``, ``-£12.50``, ``£-12.50``, ``(12.50)`` (credit),
    ``12.50-`` (credit), ``12.50 CR`` (credit), ``GBP 12.50``, Unicode minus. Empty cells and
    :data:`AMOUNT_MISSING_TOKENS` are ``empty`` (NaN); anything else unreadable is ``bad``
    (NaN), including values that are not finite numbers (``inf``, ``nan``, ``1e400``, 400
    digits: ``not_finite``).

    ``decimal`` is the decimal separator: ``"."`` (UK, the default), ``","`` (``1.234,56``,
    ``12,5``: dots are then thousands separators) or ``None`` to detect it from the values
    (:func:`detect_decimal`). A number written with the other convention (``12,5`` with
    decimal points) is ``bad`` (``wrong_separator``), never misread as 125.
    """
    import numpy as np
    import pandas as pd

    if isinstance(values, pd.Series) and pd.api.types.is_numeric_dtype(values) \
            and not pd.api.types.is_bool_dtype(values):
        v = values.astype("float64")
        not_finite = v.notna() & ~np.isfinite(v.fillna(0))
        v = v.where(~not_finite)
        return Parsed(v, v.isna() & ~not_finite, not_finite.copy(), info={"decimal": "."},
                      wrong_separator=pd.Series(False, index=v.index), not_finite=not_finite)
    s = _as_str_series(values).str.strip()
    empty = s.isna() | s.str.upper().isin(AMOUNT_MISSING_TOKENS)
    if decimal is None:
        decimal = detect_decimal(s[~empty])[0] or "."
    if decimal not in (".", ","):
        raise ValueError(f"decimal must be '.', ',' or None, not {decimal!r}")
    wrong = _wrong_separator(s, ~empty, decimal)
    if decimal == ",":  # 1.234,56 → 1234.56
        conv = ~empty & ~wrong & (s.str.contains(",", regex=False).fillna(False).astype(bool)
                                  | s.str.contains(".", regex=False).fillna(False).astype(bool))
        if conv.any():
            s = s.copy()
            s.loc[conv] = s[conv].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    skip = empty | wrong
    out = pd.to_numeric(s.where(~skip), errors="coerce").astype("float64")
    rest = ~skip & out.isna()
    if rest.any():  # thousands separators and £ signs (plain text replaces: fast)
        t = s[rest]
        for ch in (",", "£", " "):
            t = t.str.replace(ch, "", regex=False)
        out.loc[rest] = pd.to_numeric(t, errors="coerce").astype("float64")
        rest = ~empty & out.isna()
    if rest.any():  # credits written (12.50), 12.50-, 12.50 CR; GBP; Unicode minus
        t = s[rest].str.replace("\u2212", "-", regex=False)
        neg = (t.str.fullmatch(r"-?\s*[£]?\s*\(.*\)") | t.str.fullmatch(r"[^-]*\d[\s£]*-")
               | t.str.fullmatch(r"(?i).*\d\s*CR"))
        cleaned = (t.str.replace(r"(?i)GBP|CR$", "", regex=True)
                   .str.replace(r"[£\s,()]", "", regex=True))
        cleaned = cleaned.where(~cleaned.str.fullmatch(r"[^-]+-"), cleaned.str.rstrip("-"))
        cleaned = cleaned.where(~neg, cleaned.str.lstrip("-"))
        num = pd.to_numeric(cleaned.where(cleaned.str.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)")),
                            errors="coerce")
        num = num.where(~neg, -num.abs())
        out.loc[rest] = num.astype("float64")
    not_finite = out.notna() & ~np.isfinite(out.fillna(0))
    bad = (rest & out.isna()) | wrong | not_finite
    out = out.where(~not_finite & ~wrong)
    return Parsed(out, empty, bad, info={"decimal": decimal}, wrong_separator=wrong,
                  not_finite=not_finite)


def _month_first(numeric_dates) -> bool:
    """True when numeric dates look US-style: some second number > 12, no first number > 12."""
    big = r"(?:1[3-9]|2\d|3[01])"
    first_big = numeric_dates.str.fullmatch(big + r"[/.-]\d{1,2}[/.-]\d{2,4}").fillna(False).any()
    second_big = numeric_dates.str.fullmatch(r"\d{1,2}[/.-]" + big + r"[/.-]\d{2,4}").fillna(False).any()
    return bool(second_big and not first_big)


def parse_dates(values, dayfirst: bool | None = None) -> Parsed:
    """Date text → ``datetime64[ns]`` (midnight), vectorised, by the shapes in
    :data:`DATE_PATTERNS`: ISO, ``dd/mm/yyyy`` (also ``-``/``.``), ``dd/mm/yy``,
    ``3 Apr 2023``, ``11-Aug-22``, ``2023/04/03``, ``20230403`` and Excel serial numbers
    (``45017`` = 2023-04-01). A time of day is dropped. ``00:00:00`` alone means the date was
    lost in an export (``lost``). Numeric dates are day first unless ``dayfirst=False`` or the
    column is clearly month first (``info['order']`` says which). Years outside
    :data:`PLAUSIBLE_YEARS` are ``bad``.
    """
    import pandas as pd

    if isinstance(values, pd.Series) and pd.api.types.is_datetime64_any_dtype(values):
        v = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
        v = v.dt.normalize().astype("datetime64[ns]")
        f = pd.Series(False, index=v.index)
        return Parsed(v, v.isna(), f, f.copy(), {"order": "n/a"})
    s = _as_str_series(values).str.strip()
    empty = s.isna() | s.isin(_MISSING_ANY_CASE)
    timed = ~empty & s.str.contains(":", regex=False).fillna(False).astype(bool)
    lost = pd.Series(False, index=s.index)
    if timed.any():
        lost.loc[timed] = s[timed].str.fullmatch(_LOST_DATE).fillna(False).astype(bool)
    todo = ~empty & ~lost
    d = s.where(todo)
    timed &= todo
    if timed.any():
        d.loc[timed] = d[timed].str.replace(_TIME_SUFFIX, "", regex=True).str.strip()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    info: dict = {"shapes": {}}
    slashed = d.str.contains("/", regex=False).fillna(False).astype(bool)
    numeric = pd.Series(False, index=s.index)
    if slashed.any() or (todo & ~slashed).any():
        numeric = d.str.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}").fillna(False).astype(bool)
    if dayfirst is None:
        dayfirst = not (numeric.any() and _month_first(d[numeric]))
    info["order"] = "day first (dd/mm)" if dayfirst else "month first (mm/dd)"
    remaining = todo.copy()
    # the two commonest shapes first, straight through the C parser of the format
    for name, fmt in (("ISO yyyy-mm-dd", "%Y-%m-%d"),
                      ("dd/mm/yyyy", "%d/%m/%Y" if dayfirst else "%m/%d/%Y")):
        if not remaining.any():
            break
        sub = d[remaining]
        if name == "ISO yyyy-mm-dd":
            sub = sub[sub.str.len().between(8, 10)]
        got = pd.to_datetime(sub, format=fmt, errors="coerce")
        got = got[got.notna() & got.dt.year.between(*PLAUSIBLE_YEARS)]
        if len(got):
            out.loc[got.index] = got.astype("datetime64[ns]")
            remaining.loc[got.index] = False
            info["shapes"][name] = info["shapes"].get(name, 0) + int(len(got))
    for name, pattern, formats in DATE_PATTERNS:
        if not remaining.any():
            break
        sub = d[remaining]
        hit = sub.str.fullmatch(pattern).fillna(False).astype(bool)
        if not hit.any():
            continue
        sub = sub[hit]
        if name == "Excel serial":
            num = pd.to_numeric(sub, errors="coerce")
            ok = num.between(*EXCEL_SERIAL_RANGE)
            parsed = (pd.Timestamp("1899-12-30") + pd.to_timedelta(num.where(ok).floordiv(1), unit="D"))
        else:
            if formats[0].startswith("%d/%m") or formats[0] == "%d/%m/%y":
                sub = sub.str.replace(r"[.-]", "/", regex=True)
                if not dayfirst:
                    formats = tuple(f.replace("%d/%m", "%m/%d") for f in formats)
            elif "%b" in formats[0]:
                sub = (sub.str.replace(r"[\s-]+", " ", regex=True)
                       .str.replace(r"(?<=\d)(?=[A-Za-z])|(?<=[A-Za-z.])(?=\d)", " ", regex=True)
                       .str.replace(".", "", regex=False)
                       .str.replace(r"(?i)\bsept\b", "Sep", regex=True))
            parsed = pd.Series(pd.NaT, index=sub.index, dtype="datetime64[ns]")
            left = pd.Series(True, index=sub.index)
            for fmt in formats:
                got = pd.to_datetime(sub[left], format=fmt, errors="coerce")
                got = got.where(got.dt.year.between(*PLAUSIBLE_YEARS))  # also out of ns range
                parsed.loc[got.index] = parsed.loc[got.index].fillna(got.astype("datetime64[ns]"))
                left = parsed.isna()
                if not left.any():
                    break
        parsed = parsed.astype("datetime64[ns]")
        years = parsed.dt.year
        parsed = parsed.where((years >= PLAUSIBLE_YEARS[0]) & (years <= PLAUSIBLE_YEARS[1]))
        good = parsed.notna()
        if good.any():
            out.loc[parsed.index[good]] = parsed[good]
            info["shapes"][name] = info["shapes"].get(name, 0) + int(good.sum())
        remaining.loc[parsed.index[good]] = False
    bad = remaining & todo
    out = out.dt.normalize()
    return Parsed(out, empty, bad, lost, info)


def is_total_label(values):
    """Boolean Series: cells that are a totals label (:data:`TOTAL_PATTERN`)."""
    import pandas as pd

    s = _as_str_series(values)
    out = pd.Series(False, index=s.index)
    maybe = s.str.lower().str.contains("total", regex=False).fillna(False).astype(bool)
    if maybe.any():
        out.loc[maybe] = s[maybe].str.fullmatch("(?i)" + TOTAL_PATTERN).fillna(False).astype(bool)
    return out


_MISSING_ANY_CASE = frozenset(v for t in MISSING_TOKENS
                             for v in (t, t.lower(), t.title(), t.capitalize()))


def normalise_text(values):
    """Strip spaces; empty cells and :data:`MISSING_TOKENS` (upper, lower or title case) →
    missing (NaN)."""
    s = _strip_series(_as_str_series(values))
    missing = s.isna() | s.isin(_MISSING_ANY_CASE)
    return s.where(~missing) if missing.any() else s


# ----------------------------------------------------------------------------- reading

@dataclass
class Block:
    """One table of raw cells: a CSV file, or one sheet of a workbook."""
    file: Path
    sheet: str | None
    frame: object  # DataFrame of str, integer column labels, index = 0-based row number
    encoding: str | None = None
    line_ending: str | None = None
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)


def _raw_bytes(path: Path) -> bytes:
    """The file's bytes: a regular file within the size limit (:func:`io.read_bytes`)."""
    return read_bytes(path)


def _head_records(text: str, delimiter: str, limit: int = 200) -> tuple[list[list[str]], list[int]]:
    """The first ``limit`` records (csv module) and the text offset where each one ends."""
    sio = _io.StringIO(text, newline="")
    reader = csv.reader(sio, delimiter=delimiter)
    rows: list[list[str]] = []
    ends: list[int] = []
    try:
        for row in reader:
            rows.append(row)
            ends.append(sio.tell())
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows, ends


def _str_frame(rows: list[list[str]], width: int, start: int = 0):
    import pandas as pd

    frame = pd.DataFrame([list(r) + [""] * (width - len(r)) for r in rows] or None,
                         columns=range(width), dtype="str")
    frame.index = range(start, start + len(frame))
    return frame


def _pyarrow_body(body, width: int, delimiter: str):
    """The records after the header, read by pyarrow's CSV reader (fast, all text), or ``None``
    when pyarrow cannot read them as they are (ragged rows, odd quoting, no rows, text that is
    not UTF-8): the caller then uses pandas' C parser, which handles those. ``body`` is the
    text, or a binary file positioned at the first record (read as it streams: the file's
    bytes are never all in memory)."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError:  # pragma: no cover - pandas' str dtype needs pyarrow
        return None
    import pandas as pd

    if isinstance(body, str):
        if not body.strip("\r\n"):
            return None
        body = _io.BytesIO(body.encode("utf-8"))
    names = [f"c{i}" for i in range(width)]
    try:
        table = pcsv.read_csv(
            body,
            read_options=pcsv.ReadOptions(column_names=names),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, quote_char='"',
                                            double_quote=True, newlines_in_values=True,
                                            ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                strings_can_be_null=False,
                                                quoted_strings_can_be_null=False))
    except (pa.ArrowException, ValueError):
        return None
    if not table.num_rows:
        return None
    str_dtype = pd.StringDtype("pyarrow", na_value=float("nan"))
    frame = table.to_pandas(types_mapper={pa.string(): str_dtype, pa.large_string(): str_dtype}.get)
    frame.columns = range(width)
    return frame


#: Bytes of a UTF-8 file read first by :func:`_stream_utf8_block` (the header and the first
#: records are found in them).
STREAM_HEAD_BYTES = 1 << 20


def _line_ending_of_file(path: Path) -> str:
    """:func:`io.line_endings` of a whole file, counted in chunks (not all in memory)."""
    crlf = cr = lf = 0
    prev = b""
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 24), b""):
            joined = prev[-1:] + chunk  # a CRLF split between two chunks
            crlf += joined.count(b"\r\n")
            cr += chunk.count(b"\r")
            lf += chunk.count(b"\n")
            prev = chunk
    kinds = [k for k, n in (("CRLF", crlf), ("CR", cr - crlf), ("LF", lf - crlf)) if n]
    return "none" if not kinds else kinds[0] if len(kinds) == 1 else "mixed"


def _stream_utf8_block(path: Path, header_hint: Iterable[str]) -> Block | None:
    """A UTF-8 CSV (the usual published file) read without holding its text: the header and
    the first records found in its first :data:`STREAM_HEAD_BYTES` exactly as
    :func:`read_csv_frame` finds them in the whole text, then the records after the header
    streamed from the file by pyarrow (which checks they are UTF-8), as Arrow-backed strings.
    ``None`` when the file needs the whole-text route: not UTF-8, binary, no header in the
    first records, ragged or oddly quoted rows, a table beyond the size limits (whose error
    that route gives)."""
    from .io import limit, looks_binary

    check_regular_file(path)
    with open(path, "rb") as f:
        raw = f.read(STREAM_HEAD_BYTES)
        whole = not f.read(1)
    if whole or raw.startswith((b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) \
            or looks_binary(raw):
        return None  # a small file: the whole-text route costs nothing
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = _utf8_decoder().decode(raw[3:] if bom else raw, final=False)
    except UnicodeDecodeError:
        return None
    delimiter = sniff_delimiter(text)
    head, ends = _head_records(text, delimiter)
    if len(head) < 200 or ends[-1] >= len(text):  # the first records must be complete
        return None
    hint = [h for h in header_hint if h]
    h = find_header(head, hint, min_score=1 if hint else 2, tail=0)
    if h is None:
        return None
    width = max(len(r) for r in head)
    with open(path, "rb") as f:
        f.seek((3 if bom else 0) + len(text[:ends[h]].encode("utf-8")))
        body = _pyarrow_body(f, max(len(r) for r in head[h:]), delimiter)
    if body is None:
        return None
    width = max(width, body.shape[1])
    if width > limit("max_columns") or (h + 1 + len(body)) * width > limit("max_cells"):
        return None
    top = _str_frame(head[:h + 1], width)
    for c in range(body.shape[1], width):
        body[c] = _str_series("", body.index)
    body.index = range(h + 1, h + 1 + len(body))
    frame = _concat_frames(top, body) if len(top) else body
    return Block(path, None, frame, "utf-8-sig" if bom else "utf-8", _line_ending_of_file(path),
                 delimiter, [])


def _utf8_decoder():
    import codecs

    return codecs.getincrementaldecoder("utf-8")()


def _str_series(value: str, index):
    import pandas as pd

    return pd.Series(value, index=index, dtype="str")


def _concat_frames(top, body):
    import pandas as pd

    return pd.concat([top, body])


def read_csv_frame(path: str | os.PathLike, delimiter: str | None = None,
                   header_hint: Iterable[str] = (), fast: bool = True) -> Block:
    """A CSV file → a :class:`Block` of raw text cells (no header interpretation): every
    record kept, blank rows included, so the frame's index + 1 is the row number a spreadsheet
    shows.

    The first records are read with the csv module to find the header (:func:`find_header`,
    with ``header_hint`` column names from a user mapping); the records after it are read by
    pyarrow's CSV reader when they are regular (the fast path, ``fast=True``), otherwise the
    whole file by pandas' C parser, which copes with ragged rows.
    """
    import pandas as pd

    path = Path(path)
    if fast and delimiter is None:
        block = _stream_utf8_block(path, header_hint)
        if block is not None:
            return block
    raw = _raw_bytes(path)
    decoded = decode_text(raw, file=path)
    text = decoded.text
    if not text.strip():
        raise DataFileError("the file is empty", file=path,
                            hint="check the download; a spend file needs a header row and rows.")
    delimiter = delimiter or sniff_delimiter(text)
    check_table_shape(text, delimiter, file=path)  # before any parser builds the table
    notes = [n for n in (encoding_note(decoded),) if n]
    head, ends = _head_records(text, delimiter)
    width = max((len(r) for r in head), default=1) or 1
    if fast:
        hint = [h for h in header_hint if h]
        h = find_header(head, hint, min_score=1 if hint else 2, tail=0)
        if h is not None:
            body = _pyarrow_body(text[ends[h]:], max(len(r) for r in head[h:]), delimiter)
            if body is not None:
                width = max(width, body.shape[1])
                top = _str_frame(head[:h + 1], width)
                if body.shape[1] < width:
                    for c in range(body.shape[1], width):
                        body[c] = pd.Series("", index=body.index, dtype="str")
                body.index = range(h + 1, h + 1 + len(body))
                frame = pd.concat([top, body]) if len(top) else body
                return Block(path, None, frame, decoded.encoding, decoded.line_ending, delimiter,
                             notes)
    frame = None
    for _attempt in range(12):
        try:
            frame = pd.read_csv(_io.StringIO(text), header=None, names=range(width), dtype=str,
                                keep_default_na=False, na_filter=False, skip_blank_lines=False,
                                sep=delimiter, quotechar='"', engine="c", index_col=False)
            break
        except pd.errors.ParserError as exc:
            msg = str(exc)
            m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", msg)
            if m:
                width = max(width + 1, int(m.group(3)))
                continue
            m = re.search(r"EOF inside string starting at row (\d+)", msg)
            raise DataFileError(
                "the CSV cannot be parsed: a quoted value is never closed", file=path,
                row=int(m.group(1)) + 1 if m else None,
                hint='look for an unclosed quote (") on or after this row.') from None
    if frame is None:  # pathological widths: let the csv module read it
        from .io import parse_csv_text

        rows = parse_csv_text(text, file=path, delimiter=delimiter)
        frame = _str_frame(rows, max(len(r) for r in rows))
    frame.columns = range(frame.shape[1])
    return Block(path, None, frame, decoded.encoding, decoded.line_ending, delimiter, notes)


def read_excel_frames(path: str | os.PathLike, sheet: str | int | None = None) -> list[Block]:
    """Each sheet (or the one named/numbered) of a workbook → a :class:`Block` of text cells
    (dates as ISO text, numbers as plain text), read by :func:`io.read_workbook` (limits,
    merged cells filled down, formulas without saved values shown as ``=…``, with notes)."""
    import pandas as pd

    path = Path(path)
    blocks = []
    for ws in read_workbook(path, sheet):
        name, rows = ws.name, ws.rows
        width = max((len(r) for r in rows), default=0)
        frame = pd.DataFrame([list(r) + [""] * (width - len(r)) for r in rows] or [[]],
                             dtype="str")
        if not rows:
            frame = pd.DataFrame(columns=range(0), dtype="str")
        frame.columns = range(frame.shape[1])
        blocks.append(Block(path, name, frame, path.suffix.lower().lstrip(".") or "xlsx", None, None,
                            list(ws.notes)))
    return blocks


def read_blocks(path: str | os.PathLike, sheet: str | int | None = None,
                header_hint: Iterable[str] = ()) -> list[Block]:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_excel_frames(path, sheet)
    if suffix == ".xls":
        raise DataFileError("old-style .xls workbooks are not supported", file=path,
                            hint="open it in Excel or LibreOffice and save it as .xlsx.")
    return [read_csv_frame(path, header_hint=header_hint)]


# ----------------------------------------------------------------------------- tidying

def _has_text(frame) -> bool:
    """Any cell with something other than spaces (stops at the first column that has one)."""
    for c in frame.columns:
        col = frame[c].fillna("")
        if (col != "").any() and (col.str.strip() != "").any():
            return True
    return False


def _empty_frame():
    import pandas as pd

    data = {}
    for c in COLUMNS:
        if c in ("amount", "irrecoverable_vat"):
            data[c] = pd.Series(dtype="float64")
        elif c in DATE_FIELDS:
            data[c] = pd.Series(dtype="datetime64[ns]")
        elif c == "source_row":
            data[c] = pd.Series(dtype="int64")
        else:
            data[c] = pd.Series(dtype="str")
    return pd.DataFrame(data)


def _examples(mask, rows, column: str, values, problem: str, limit=MAX_EXAMPLES) -> list[dict]:
    idx = mask[mask].index[:limit]
    return [{"row": int(rows[i]), "column": column, "value": str(values[i]), "problem": problem}
            for i in idx]


#: The characters Python's ``str.strip()`` removes (``str.isspace()``), written out: working
#: them out by testing every code point costs every kernel about 0.2 s at import (a test
#: checks this list against Python's own).
PY_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003"
                 "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
#: The same, as a regular expression class.
_WHITESPACE_CLASS = "[" + PY_WHITESPACE + "]"
_PADDED = f"^{_WHITESPACE_CLASS}|{_WHITESPACE_CLASS}$"


def _strip_series(s):
    """``s.str.strip()``, or ``s`` itself (no copy) when no value has spaces to strip: the
    usual column, whose Arrow-backed strings are then shared, not duplicated."""
    if not len(s) or s.str.contains(_PADDED, regex=True).fillna(True).any():
        return s.str.strip()
    return s


def _stripped(frame):
    """Every cell stripped of surrounding spaces (missing cells become ``""``); columns with
    nothing to strip are shared with ``frame``, not copied."""
    out = frame.copy(deep=False)
    for c in out.columns:
        col = out[c]
        if col.hasnans:
            col = col.fillna("")
        out[c] = _strip_series(col)
    return out


def drop_mask(body, det: ColumnDetection, header: Sequence[str], amounts=None, filled=None):
    """Rows to drop from a block body, by reason: ``blank``, ``repeated header``, ``totals``
    and ``no amount, supplier, date or reference`` (notes, sub-headings). ``body`` holds the
    cells (stripped of spaces), ``filled`` (optional) the boolean frame ``body != ""``.
    Returns ``{reason: boolean Series}`` (mutually exclusive)."""
    import numpy as np
    import pandas as pd

    idx = body.index
    if filled is None:
        body = _stripped(body)
        filled = body.ne("")
    reasons: dict[str, pd.Series] = {}
    any_filled = filled.any(axis=1) if filled.shape[1] else pd.Series(False, index=idx)
    blank = ~any_filled
    reasons["blank"] = blank
    taken = blank.copy()
    # a header row repeated (pages, files pasted together)
    hdr = [str(h).strip() for h in header]
    named = [c for c in body.columns if c < len(hdr) and hdr[c]]
    if named:
        rep = (body[named[0]] == hdr[named[0]]) & ~taken
        if rep.any():
            sub = body[rep]
            same = pd.Series(True, index=sub.index)
            for c in named[1:]:
                same &= sub[c] == hdr[c]
            rep = pd.Series(False, index=idx)
            rep.loc[same[same].index] = True
        reasons["repeated header"] = rep
        taken |= rep
    pos = det.positions
    supplier = body[pos["supplier"]] if "supplier" in pos else pd.Series("", index=idx, dtype="str")
    # labelled totals: a totals label somewhere, and no real supplier
    cand = ((supplier == "") | is_total_label(supplier)) & ~taken
    totals = pd.Series(False, index=idx)
    if cand.any():
        sub = body[cand]
        hit = pd.Series(False, index=sub.index)
        for c in sub.columns:
            if c != pos.get("amount"):
                hit |= is_total_label(sub[c])
        totals.loc[hit[hit].index] = True
    # unlabelled totals: only an amount, equal to the sum of the rows above it
    if amounts is not None and "amount" in pos:
        others = [c for c in filled.columns if c != pos["amount"]]
        only_amount = (~filled[others].any(axis=1) if others else pd.Series(True, index=idx))
        only_amount &= amounts.notna() & ~taken & ~totals
        if only_amount.any():
            vals = amounts.where(~(totals | taken | only_amount), 0).fillna(0).to_numpy()
            running = np.cumsum(vals)
            positions = {i: k for k, i in enumerate(idx)}
            last = 0.0
            for i in only_amount[only_amount].index:
                k = positions[i]
                before = running[k - 1] if k else 0.0
                if abs((before - last) - amounts[i]) <= 0.005 + 1e-9 * abs(amounts[i]):
                    totals.loc[i] = True
                    last = before
    reasons["totals"] = totals & ~taken
    taken |= totals
    # no content at all in the fields that make a transaction
    keys = [pos[f] for f in ("amount", "supplier", "payment_date", "transaction_id") if f in pos]
    content = filled[keys].any(axis=1) if keys else pd.Series(False, index=idx)
    reasons["no amount, supplier, date or reference"] = ~content & ~taken
    return reasons


def _header_index(frame, extra, min_score) -> int | None:
    n = len(frame)
    if n <= 250:
        return find_header(frame.values.tolist(), extra, min_score, head=n, tail=0)
    rows = frame.head(200).values.tolist() + frame.tail(50).values.tolist()
    i = find_header(rows, extra, min_score, head=250, tail=0)
    if i is None:
        return None
    return i if i < 200 else n - 50 + (i - 200)


def _tidy_block(block: Block, mapping, organisation: str | None) -> tuple[object, dict]:
    """A raw block → (canonical frame, report dict)."""
    import numpy as np
    import pandas as pd

    frame = _stripped(block.frame)
    user = _check_mapping(mapping, block.file)
    extra = [c for c in user.values() if c]
    h = _header_index(frame, extra, min_score=1 if extra else 2)
    report = {"file": block.file.name, "sheet": block.sheet, "encoding": block.encoding,
              "line_endings": block.line_ending, "delimiter": block.delimiter,
              "rows_in_file": int(len(frame)), "notes": list(block.notes)}
    if h is None:
        first = next((r for r in frame.head(50).values.tolist() if any(str(c).strip() for c in r)), [])
        det = ColumnDetection(header=[str(c) for c in first])
        if user:
            det = detect_columns(first, user, file=block.file) if first else det
        raise mapping_error(block.file, det, block.sheet)
    header = ["" if v is None or v != v else str(v) for v in block.frame.iloc[h].tolist()]
    det = detect_columns(header, user, file=block.file)
    if det.missing_required:
        raise mapping_error(block.file, det, block.sheet)
    report["header_row"] = int(h + 1)
    evidence = card_evidence(header, block.file.name)
    report["kind"] = "procurement_card" if evidence else "spend"
    report["kind_reason"] = evidence or ""
    filled_all = frame.ne("")
    body = frame.iloc[h + 1:]
    filled = filled_all.iloc[h + 1:]
    dropped = {"title or blank rows above the header": int(h)}
    if body.shape[0] == 0 or not filled.to_numpy().any():
        # header on the last line: rows above it, shaped like data, are the data
        if h > 0:
            width = sum(1 for c in header if c.strip())
            count = filled_all.iloc[:h].sum(axis=1)
            datalike = count >= max(2, width // 2)
            if datalike.any():
                body = frame.iloc[:h][datalike]
                filled = filled_all.iloc[:h][datalike]
                dropped["title or blank rows above the header"] = int((~datalike).sum())
                report["notes"].append(
                    f"the header is the last line (row {h + 1}); the {int(datalike.sum())} "
                    "rows above it are read as data")
    # a chosen column that is empty while another column matching the field has values
    # (two columns called "Amount"; an empty "Amount" beside "Net Amount"): use that one
    for fld, others in det.alternatives.items():
        p = det.positions[fld]
        if not filled[p].any():
            for o in others:
                if filled[o].any():
                    det.positions[fld], det.alternatives[fld] = o, [p] + [x for x in others if x != o]
                    det.how[fld] = det.how[fld] + f" (column {_letter(p)} is empty)"
                    report["notes"].append(
                        f"{fld}: column {_letter(p)} ({header[p].strip()!r}) is empty, so column "
                        f"{_letter(o)} ({header[o].strip()!r}) is used")
                    break
    # spacer columns with values are not spacers: report them as left out
    for s in list(det.spacers):
        if s in filled.columns and filled[s].any():
            det.spacers.remove(s)
            det.left_out.append(s)
            report["notes"].append(f"column {_letter(s)} has values but no header: left out")
    decimal = _file_decimal(body, det, header, block, report)
    amount_p = parse_amounts(body[det.positions["amount"]], decimal)
    reasons = drop_mask(body, det, header, amount_p.values, filled=filled)
    drop = pd.Series(False, index=body.index)
    for why, m in reasons.items():
        n = int(m.sum())
        if n:
            dropped[why] = dropped.get(why, 0) + n
        drop |= m
    # only the columns used are taken from the body (and copied only when rows are dropped)
    used = sorted(set(det.positions.values()))
    keep = body[used] if not drop.any() else body.loc[~drop, used]
    # the block's other cells are not needed from here: let them go before the parsing (a
    # large file's unused columns are tens of MB)
    block.frame = frame = filled_all = body = filled = drop = reasons = None
    rows = (keep.index.to_numpy() + 1).astype("int64")
    out = pd.DataFrame(index=keep.index)
    issues = pd.Series("", index=keep.index, dtype="str")
    examples: list[dict] = []
    counts = {"amounts unreadable": 0, "amounts missing": 0, "dates unreadable": 0,
              "dates lost (00:00:00)": 0, "dates missing": 0}
    rownum = pd.Series(rows, index=keep.index)
    for fld in FIELDS:
        if fld not in det.positions:
            continue
        raw = keep[det.positions[fld]]
        colname = header[det.positions[fld]].strip()
        if fld in AMOUNT_FIELDS:
            p = amount_p if fld == "amount" else parse_amounts(raw, decimal)
            vals, bad, empty = p.values.loc[keep.index], p.bad.loc[keep.index], p.empty.loc[keep.index]
            out[fld] = vals
            _check_share(bad, empty, raw, rownum, block, colname, fld, "amounts")
            if bad.any():
                for why, mask, text in _amount_problems(fld, p, bad, raw, decimal):
                    issues = _add_issue(issues, mask, text)
                    examples += _examples(mask, rownum, colname, raw, why)
            if fld == "amount":
                counts["amounts unreadable"] = int(bad.sum())
                counts["amounts missing"] = int(empty.sum())
                if empty.any():
                    issues = _add_issue(issues, empty, "amount: empty")
        elif fld in DATE_FIELDS:
            p = parse_dates(raw)
            out[fld] = p.values
            _check_share(p.bad, p.empty | p.lost, raw, rownum, block, colname, fld, "dates")
            if p.bad.any():
                issues = _add_issue(issues, p.bad, f"{fld}: not a date ('" + raw + "')")
                examples += _examples(p.bad, rownum, colname, raw, f"{fld} not a date")
            if fld == "payment_date":
                counts["dates unreadable"] = int(p.bad.sum())
                counts["dates lost (00:00:00)"] = int(p.lost.sum())
                counts["dates missing"] = int(p.empty.sum())
                report["date_order"] = p.info.get("order")
                report["date_shapes"] = p.info.get("shapes", {})
                if p.lost.any():
                    issues = _add_issue(issues, p.lost, "payment_date: lost (00:00:00)")
                    examples += _examples(p.lost, rownum, colname, raw, "payment_date lost")
        else:
            out[fld] = normalise_text(raw)
    if "payment_date" not in det.positions:
        counts["dates missing"] = int(len(keep))
    result = pd.DataFrame({c: out[c] if c in out else None for c in FIELDS}, index=keep.index)
    result = _fix_dtypes(result)
    if organisation and "organisation" not in det.positions:
        result["organisation"] = organisation
        report["notes"].append(f"organisation not in the file: set to {organisation!r}")
    result["source_file"] = block.file.name
    result["source_row"] = rows
    result["sheet"] = block.sheet
    result["issue"] = issues.where(issues != "")
    result = result[list(COLUMNS)].reset_index(drop=True)
    result["sheet"] = result["sheet"].astype("str")
    result["issue"] = result["issue"].astype("str")
    report.update(det.report)
    report["rows_kept"] = int(len(result))
    report["dropped"] = dropped
    report["problems"] = counts
    report["examples"] = examples[:MAX_EXAMPLES]
    report["amount_total"] = round(float(np.nansum(result["amount"].to_numpy())), 2)
    return result, report


def _file_decimal(body, det: ColumnDetection, header, block: Block, report: dict) -> str:
    """The decimal separator of a block's amounts (:func:`detect_decimal`), recorded in the
    report (``decimal_separator``, and a note when it is not plain decimal points); a file
    whose amounts cannot tell raises :class:`DataFileError`."""
    import pandas as pd

    cols = [det.positions[f] for f in AMOUNT_FIELDS if f in det.positions]
    values = pd.concat([body[c] for c in cols], ignore_index=True) if cols else pd.Series([], dtype="str")
    sep, note = detect_decimal(values, block.delimiter)
    if sep is None:
        colname = header[det.positions["amount"]].strip()
        raise DataFileError(
            f"cannot tell whether the amounts use a decimal comma or a decimal point: {note}",
            file=block.file, column=colname,
            hint="export the file again with one convention (1234.56, or 1234,56 with a "
                 "semicolon between columns), or correct the amounts that differ."
                 + (f" Sheet: {block.sheet!r}." if block.sheet else ""))
    report["decimal_separator"] = sep
    if note:
        report["notes"].append(f"amounts: {note}")
    return sep


def _amount_problems(fld: str, p: Parsed, bad, raw, decimal: str):
    """``[(problem, mask, issue text)]`` for the bad amounts of a column, by why they are bad:
    a formula without a saved value, a decimal separator the file does not use, a value that
    is not a finite number, anything else."""
    import pandas as pd

    shown = raw.where(raw.str.len() <= 40, raw.str.slice(0, 40) + "…")
    idx = bad.index
    formula = bad & raw.str.startswith("=").fillna(False).astype(bool)
    wrong = bad & (p.wrong_separator.loc[idx] if p.wrong_separator is not None
                   else pd.Series(False, index=idx)) & ~formula
    infinite = bad & (p.not_finite.loc[idx] if p.not_finite is not None
                      else pd.Series(False, index=idx)) & ~formula & ~wrong
    other = bad & ~formula & ~wrong & ~infinite
    convention = "decimal points" if decimal == "." else "decimal commas"
    out = []
    if formula.any():
        out.append((f"{fld} is a formula without a saved value", formula,
                    f"{fld}: a formula with no saved value ('" + shown + f"'): {FORMULA_HINT}"))
    if wrong.any():
        out.append((f"{fld} decimal separator", wrong,
                    f"{fld}: not read ('" + shown + f"'): the file uses {convention}"))
    if infinite.any():
        out.append((f"{fld} not a finite number", infinite,
                    f"{fld}: not a finite number ('" + shown + "')"))
    if other.any():
        out.append((f"{fld} not a number", other, f"{fld}: not a number ('" + shown + "')"))
    return out


def _add_issue(issues, mask, text):
    """Append ``text`` (a string or a Series aligned with ``issues``) where ``mask``."""
    import pandas as pd

    sel = mask[mask].index
    cur = issues.loc[sel]
    add = text.loc[sel] if isinstance(text, pd.Series) else text
    issues.loc[sel] = cur.where(cur == "", cur + "; ") + add
    return issues


def _check_share(bad, empty, raw, rownum, block: Block, colname: str, fld: str, what: str):
    filled = int((~empty).sum())
    n_bad = int(bad.sum())
    if filled >= 3 and n_bad > REJECT_SHARE * filled:
        first = bad[bad].index[0]
        examples = ", ".join(repr(str(v)[:40]) for v in raw[bad].head(3))
        if raw[bad].str.startswith("=").fillna(False).all():
            raise DataFileError(
                f"{n_bad:,} of {filled:,} values in the column used for {fld} are formulas "
                f"without a saved value (e.g. {examples})", file=block.file,
                row=int(rownum[first]), column=colname,
                hint=FORMULA_HINT + "." + (f" Sheet: {block.sheet!r}." if block.sheet else ""))
        raise DataFileError(
            f"{n_bad:,} of {filled:,} values in the column used for {fld} cannot be read as "
            f"{what} (e.g. {examples}); this is probably not the {fld} column",
            file=block.file, row=int(rownum[first]), column=colname,
            hint=f"pass mapping={{'{fld}': '<the right column>'}} (or '{fld}': None if the file "
                 f"has no such column)." + (f" Sheet: {block.sheet!r}." if block.sheet else ""))


def _fix_dtypes(df):
    for c in df.columns:
        if c in AMOUNT_FIELDS:
            df[c] = df[c].astype("float64")
        elif c in DATE_FIELDS:
            df[c] = df[c].astype("datetime64[ns]")
        else:
            df[c] = df[c].astype("str")
    return df


# ----------------------------------------------------------------------------- public loader

def _paths(path) -> list[Path]:
    if isinstance(path, (list, tuple)) and not path:
        raise DataFileError("no spend files given", hint="pass a file, a list of files or a folder.")
    paths = iter_paths(path)
    if not paths:
        raise DataFileError("no spend files found", file=path, hint="check the folder.")
    for p in paths:  # regular files only, before anything opens them (a pipe would hang)
        check_regular_file(p, size=False)
    return paths


def _inputs(path) -> list[tuple[Path, bool]]:
    """``(file, found in a folder)`` for a file, a list of files or a folder. A folder gives its
    spend files (``*.csv``, ``*.xlsx``, ``*.xlsm``, as :func:`toolkit_helpers.io.iter_paths`
    lists them) and its JSON/XML files (:data:`NOT_SPEND_SUFFIXES`, skipped with a warning),
    sorted by name."""
    if isinstance(path, (list, tuple)) and not path:
        raise DataFileError("no spend files given", hint="pass a file, a list of files or a folder.")
    items = [path] if isinstance(path, (str, os.PathLike)) else list(path)
    out: list[tuple[Path, bool]] = []
    for item in items:
        p = Path(item)
        if not p.is_dir():
            out.append((p, False))
            continue
        found = set()
        for f in p.iterdir():
            if not f.is_file() or f.name.startswith((".", "~$")):
                continue
            if f.suffix in SPEND_SUFFIXES or f.suffix.lower() in NOT_SPEND_SUFFIXES:
                found.add(f)
        if not found:
            raise DataFileError(
                f"the folder has no files matching {', '.join('*' + x for x in SPEND_SUFFIXES)}",
                file=p, hint="check the folder, or list the files directly.")
        out += [(f, True) for f in sorted(found)]
    if not out:
        raise DataFileError("no spend files found", file=path, hint="check the folder.")
    return out


def _load_file(p: Path, sheet, hint, mapping, organisation) -> tuple[list, list[dict]]:
    """One file's frames and report entries (a workbook's sheets without spend are skipped)."""
    frames, reports = [], []
    blocks = read_blocks(p, sheet, hint)
    usable = 0
    skipped = []
    for block in blocks:
        if block.frame.shape[0] == 0 or not _has_text(block.frame):
            skipped.append({"file": p.name, "sheet": block.sheet, "why": "empty"})
            continue
        try:
            df, rep = _tidy_block(block, mapping, organisation)
        except DataFileError as exc:
            # in a workbook, a sheet without a spend header (notes, pivot) is skipped
            if block.sheet is not None and sheet is None and len(blocks) > 1 and \
                    exc.problem.startswith("cannot find"):
                skipped.append({"file": p.name, "sheet": block.sheet,
                                "why": "no spend header (supplier and amount columns)"})
                continue
            raise
        usable += 1
        frames.append(df)
        reports.append(rep)
    if not usable:
        if blocks and all(s["why"] == "empty" for s in skipped):
            raise DataFileError("the file has no rows", file=p,
                                hint="check the download; a spend file needs a header row.")
        raise DataFileError(
            "no sheet of this workbook has spend columns (supplier and amount)", file=p,
            hint="pass sheet='<name>' and mapping={'supplier': ..., 'amount': ...}; "
                 f"sheets: {', '.join(repr(b.sheet) for b in blocks)}.")
    for s in skipped:
        reports.append({"file": s["file"], "sheet": s["sheet"], "skipped": s["why"],
                        "rows_kept": 0})
    return frames, reports


def _not_spend_problem(exc: DataFileError) -> bool:
    """The error says the file has no spend columns (rather than a broken spend file)."""
    return exc.problem.startswith(("cannot find the", "no sheet of this workbook has spend",
                                   "the mapping says"))


def _spend_header_found(p: Path) -> bool:
    """Whether some sheet of the file has supplier and amount columns by the synonym table (a
    spend file that a user mapping does not fit is not "not spend")."""
    try:
        for block in read_blocks(p):
            frame = _stripped(block.frame)
            h = _header_index(frame, [], 2)
            if h is None:
                continue
            header = ["" if v is None or v != v else str(v) for v in block.frame.iloc[h].tolist()]
            if not detect_columns(header).missing_required:
                return True
    except DataFileError:
        return False
    return False


def likely_kind(path) -> tuple[str, str]:
    """``(kind, reason)`` for a file: what :func:`toolkit_helpers.onboard.classify_file` says
    it is, or ``("unknown", "")`` when that cannot tell (or is not installed)."""
    try:
        from .onboard import classify_file

        got = classify_file(Path(path))
        kind = str(getattr(got, "kind", "") or "unknown")
        reason = str(getattr(got, "reason", "") or "")
        return kind, reason
    except Exception:  # noqa: BLE001 - a helper to name the kind; never fatal
        return "unknown", ""


def _skip_not_spend(p: Path, why: str, kind: str | None = None) -> dict:
    if kind is None:
        kind, reason = likely_kind(p)
        why = reason or why
    skipped = f"not a spend file (looks like {kind})"
    warnings.warn(f"{p.name} is {skipped}: skipped" + (f" ({why})" if why else "")
                  + "; the other files are loaded.", NotSpendFileWarning, stacklevel=3)
    return {"file": p.name, "sheet": None, "skipped": skipped, "rows_kept": 0,
            "likely_kind": kind, "why": why}


def load_spend(path, mapping: Mapping | None = None, *, sheet: str | int | None = None,
               organisation: str | None = None):
    """Published spend file(s) → one frame of transaction lines (see the module docstring).

    Parameters
    ----------
    path:
        a CSV or ``.xlsx`` file, a list of them, or a folder (its ``*.csv``/``*.xlsx`` files,
        sorted by name). In a folder, a file that is not spend — JSON or XML, or a CSV/workbook
        without supplier and amount columns (claimant counts, an OCDS CSV, notes) — is
        skipped with a :class:`NotSpendFileWarning` naming it and its likely kind, and listed
        in the report's files with ``"skipped": "not a spend file (looks like <kind>)"``; a
        file given by name that is not spend raises :class:`DataFileError`.
    mapping:
        optional ``{field: column header}`` overriding detection, e.g.
        ``{"supplier": "Vendor", "amount": "Value (GBP)"}``; ``{"payment_date": None}`` says
        the file has no payment date. Fields: :data:`FIELDS`.
    sheet:
        for workbooks, one sheet (name or 0-based number) instead of every sheet.
    organisation:
        the organisation name to fill in when a file has no organisation column.

    Returns a DataFrame with :data:`COLUMNS`; ``df.attrs["report"]`` holds what was found,
    with per file (or sheet) its ``"kind"``: ``"procurement_card"`` or ``"spend"`` (see
    :func:`is_procurement_card`, :func:`split_procurement_card`).
    Raises :class:`DataFileError` for a file that cannot be read or mapped.
    """
    import pandas as pd

    frames, reports = [], []
    hint = [c for c in _check_mapping(mapping).values() if c]
    loaded, not_spend = 0, []
    for p, in_folder in _inputs(path):
        if in_folder and p.suffix.lower() in NOT_SPEND_SUFFIXES:
            reports.append(_skip_not_spend(p, "JSON and XML files are not read as spend"))
            not_spend.append(reports[-1])
            continue
        try:
            file_frames, file_reports = _load_file(p, sheet, hint, mapping, organisation)
        except DataFileError as exc:
            # a file in a folder that is not spend (claimant counts, notes, OCDS CSV): skipped
            if not (in_folder and _not_spend_problem(exc)) or _spend_header_found(p):
                raise
            kind, reason = likely_kind(p)
            if kind in SPEND_KINDS:
                raise
            reports.append(_skip_not_spend(p, reason or exc.problem, kind))
            not_spend.append(reports[-1])
            continue
        loaded += 1
        frames += file_frames
        reports += file_reports
    if not loaded and not_spend:
        listed = "; ".join(f"{r['file']} ({r['skipped']})" for r in not_spend)
        raise DataFileError(
            f"no spend file here: every file was skipped as not spend: {listed}",
            file=path if isinstance(path, (str, os.PathLike)) else None,
            hint="point the loader at the spend files (CSV or .xlsx with supplier and amount "
                 "columns), or pass mapping={'supplier': ..., 'amount': ...} if their headers "
                 "are unusual.")
    frames = [f for f in frames if len(f)]
    if frames:
        out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    else:
        out = _empty_frame()
    out = _fix_dtypes(out)
    out["source_row"] = out["source_row"].astype("int64")
    out.attrs["report"] = {"files": reports, "rows": int(len(out)),
                           "issues": int(out["issue"].notna().sum()),
                           "amount_total": round(float(out["amount"].sum()), 2)}
    return out


def resolve_inputs(value, config=None, key: str = "spend") -> list[Path]:
    """The files a notebook should read: ``value`` (a path, a list of paths or a folder, as a
    user types them in a Parameters cell) when given, else the council config's
    ``data.<key>``. Relative paths are resolved as :func:`toolkit_helpers.paths.resolve_user_path`
    does (working folder, then the project folder). Raises :class:`ConfigError` when neither
    names anything."""
    from .config import DATA_KEYS
    from .errors import ConfigError
    from .paths import resolve_user_path

    if value is None or (isinstance(value, (list, tuple)) and not value):
        paths = config.data_paths(key) if config is not None else []
        if not paths:
            raise ConfigError(
                f"no {key} files: the parameter is None and the config has no data.{key}",
                file=getattr(config, "path", None),
                hint=f"set data.{key} in the council config ({DATA_KEYS.get(key, '')}), or give "
                     "the path in the Parameters cell.")
        return list(paths)
    items = [value] if isinstance(value, (str, os.PathLike)) else list(value)
    return [resolve_user_path(v) for v in items]


# ----------------------------------------------------------------------------- report views

def _report(obj) -> dict:
    if isinstance(obj, dict):
        return obj
    rep = getattr(obj, "attrs", {}).get("report")
    if rep is None:
        raise ValueError("no loader report here: pass the frame load_spend returned "
                         "(before filtering) or its attrs['report']")
    return rep


def mapping_table(obj):
    """The column mapping as a small table: one row per field (and per left-out column) for
    each distinct file layout; files sharing a layout are listed together."""
    import pandas as pd

    rep = _report(obj)
    layouts: dict[tuple, list[str]] = {}
    detail: dict[tuple, dict] = {}
    for f in rep["files"]:
        if f.get("skipped"):
            continue
        sig = (tuple((k, v["column"], v["how"]) for k, v in f["mapped"].items()),
               tuple(f["left_out"]), tuple(f["not_found"]))
        name = f["file"] + (f" [{f['sheet']}]" if f.get("sheet") else "")
        layouts.setdefault(sig, []).append(name)
        detail[sig] = f
    rows = []
    for n, (sig, files) in enumerate(layouts.items(), start=1):
        f = detail[sig]
        shown = files[0] if len(files) == 1 else f"{files[0]} … {files[-1]} ({len(files)} files/sheets)"
        for fld in FIELDS:
            if fld in f["mapped"]:
                m = f["mapped"][fld]
                rows.append({"layout": n, "files": shown, "field": fld,
                             "column in file": f"{m['column'].strip()} ({m['letter']})",
                             "how": m["how"]})
            elif fld in CANONICAL:
                rows.append({"layout": n, "files": shown, "field": fld,
                             "column in file": "— not in file (left empty)",
                             "how": "your mapping" if fld in f.get("absent_by_mapping", []) else "not found"})
        for col in f["left_out"]:
            rows.append({"layout": n, "files": shown, "field": "(left out)",
                         "column in file": col, "how": "no matching field"})
        for fld, cols in f.get("also_matched", {}).items():
            for col in cols:
                rows.append({"layout": n, "files": shown, "field": "(left out)",
                             "column in file": col, "how": f"another column for {fld}"})
    return pd.DataFrame(rows, columns=["layout", "files", "field", "column in file", "how"])


def files_table(obj):
    """One row per file (or sheet): encoding, header row, rows kept and dropped, problems."""
    import pandas as pd

    rep = _report(obj)
    rows = []
    for f in rep["files"]:
        if f.get("skipped"):
            rows.append({"file": f["file"], "sheet": f.get("sheet") or "", "encoding": "",
                         "header row": None, "rows kept": 0, "rows dropped": 0,
                         "why dropped": f"{'sheet' if f.get('sheet') else 'file'} skipped: "
                                        f"{f['skipped']}",
                         "unreadable amounts": 0, "unreadable or lost dates": 0,
                         "amount total (£)": 0.0})
            continue
        d = {k: v for k, v in f["dropped"].items() if v}
        p = f["problems"]
        enc = f["encoding"] or ""
        if f.get("line_endings") and f["line_endings"] not in ("none",):
            enc += f", {f['line_endings']}"
        rows.append({
            "file": f["file"], "sheet": f.get("sheet") or "", "encoding": enc,
            "header row": f["header_row"], "rows kept": f["rows_kept"],
            "rows dropped": sum(d.values()),
            "why dropped": "; ".join(f"{n} {k}" for k, n in d.items()) or "–",
            "unreadable amounts": p["amounts unreadable"],
            "unreadable or lost dates": p["dates unreadable"] + p["dates lost (00:00:00)"],
            "amount total (£)": f["amount_total"],
        })
    out = pd.DataFrame(rows)
    if len(out):
        out["header row"] = out["header row"].astype("Int64")
    return out


def split_procurement_card(df):
    """``(supplier_spend, card_spend)``: the lines of ``df`` (from :func:`load_spend`) from
    spend files and from procurement card files, by each file's (and sheet's) ``"kind"`` in the
    report (see :func:`is_procurement_card`). Card transactions are many small purchases from
    shops and online merchants: analyse them apart from payments to suppliers. Each part keeps
    the report, with its own files, rows and total."""
    import numpy as np

    rep = _report(df)
    card = {f"{f['file']}\x00{f.get('sheet') or ''}" for f in rep["files"]
            if not f.get("skipped") and f.get("kind") == "procurement_card"}
    sheet = df["sheet"].astype("object").where(df["sheet"].notna(), "").astype("str")
    keys = df["source_file"].astype("str") + "\x00" + sheet
    is_card = keys.isin(card).to_numpy(dtype=bool) if card else np.zeros(len(df), dtype=bool)
    parts = []
    for mask, want in ((~is_card, "spend"), (is_card, "procurement_card")):
        part = df[mask].copy()
        files = [f for f in rep["files"] if (f.get("kind") or "spend") == want]  # skipped: spend
        part.attrs = {**df.attrs, "report": {
            **rep, "files": files, "rows": int(len(part)),
            "issues": int(part["issue"].notna().sum()),
            "amount_total": round(float(part["amount"].sum()), 2)}}
        parts.append(part)
    return parts[0], parts[1]


def problems_table(df, limit: int | None = 20):
    """Rows whose amount or date could not be read (``issue`` set): where to find them."""
    bad = df[df["issue"].notna()]
    cols = ["source_file", "sheet", "source_row", "supplier", "amount", "payment_date", "issue"]
    out = bad[cols].reset_index(drop=True)
    return out.head(limit) if limit else out


__all__ = [
    "CANONICAL", "EXTRA_FIELDS", "FIELDS", "COLUMNS", "REQUIRED", "SYNONYMS", "SYNONYM_INDEX",
    "MISSING_TOKENS", "AMOUNT_MISSING_TOKENS", "detect_decimal", "TOTAL_PATTERN", "DATE_PATTERNS", "header_key", "header_score",
    "find_header", "detect_columns", "ColumnDetection", "mapping_error", "parse_amounts",
    "parse_dates", "Parsed", "is_total_label", "normalise_text", "drop_mask", "read_csv_frame",
    "read_excel_frames", "read_blocks", "load_spend", "mapping_table", "files_table",
    "problems_table", "resolve_inputs", "is_procurement_card", "card_evidence",
    "split_procurement_card", "likely_kind", "NotSpendFileWarning", "SPEND_SUFFIXES",
    "NOT_SPEND_SUFFIXES", "SPEND_KINDS",
]
