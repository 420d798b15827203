"""The data quality and accountability scorecard.

Users' top complaint about CSV validators is that they say *what* is wrong but not *where*.
Every finding here carries the **row and column numbers** a spreadsheet shows (row 1 is the
first line of the file; column 1 is column A), and the check names are CSVLint's, so a
finding can be looked up in CSVLint's documentation:

Errors: ``ragged_rows``, ``blank_rows``, ``invalid_encoding``, ``stray_quote``,
``unclosed_quote``, ``whitespace``, ``line_breaks``.
Warnings: ``encoding``, ``title_row``, ``empty_column_name``, ``duplicate_column_name``,
``inconsistent_values``, ``excel``.

Besides structure (validity), a dataset is scored on what makes it *accountable* and usable:
completeness per column, freshness against its declared update frequency, a named steward, an
open licence and a machine-readable format (its five-star level). :func:`score_dataset` gives
one score out of 100 plus the detail; :func:`scorecard` does it for a whole inventory and
:func:`scorecard_figure` draws it.

Findings are bounded: each check keeps its first :data:`MAX_PER_CHECK` findings per column
as examples and counts the rest (:attr:`Table.counts`), so a 50 MB file with a padded cell on
every line costs memory and time in proportion to the file, and the scores and counts are
those of every finding. :func:`findings_summary` gives one row per check and column (count,
examples, "and N more"); :func:`findings_table` lists the examples kept.

>>> card = score_dataset("data/sample/council/library_visits.csv", entry, as_of="2026-10-01")  # doctest: +SKIP
>>> card.score, card.findings                                                            # doctest: +SKIP
"""
from __future__ import annotations

import datetime as _dt
import itertools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataFileError
from .io import column_letter, line_endings

# ------------------------------------------------------------------ check names
ERRORS = ("ragged_rows", "blank_rows", "invalid_encoding", "stray_quote", "unclosed_quote",
          "whitespace", "line_breaks")
WARNINGS = ("encoding", "title_row", "empty_column_name", "duplicate_column_name",
            "inconsistent_values", "excel")
CHECKS = ERRORS + WARNINGS
ABOUT = {
    "ragged_rows": "a row has more or fewer cells than the header",
    "blank_rows": "an empty row in the middle of the data",
    "invalid_encoding": "bytes that are not valid UTF-8 (e.g. a Windows-1252 '£')",
    "stray_quote": "a quote (\") inside a cell that is not quoted, or text after a closing quote",
    "unclosed_quote": "a quoted cell that is never closed (the rest of the file is swallowed)",
    "whitespace": "spaces or tabs at the start or end of a cell",
    "line_breaks": "more than one kind of line ending (CRLF, LF, CR) in one file",
    "encoding": "the file is not UTF-8",
    "title_row": "a title line above the header",
    "empty_column_name": "a column with no name in the header",
    "duplicate_column_name": "two columns with the same name",
    "inconsistent_values": "a column of numbers or dates with some cells of another kind",
    "excel": "an Excel workbook rather than CSV (fine to read, not open-standard)",
}
MISSING = {"", "na", "n/a", "null", "none", "-", "nan", "#n/a"}
MAX_PER_CHECK = 50  # findings kept per check and column; the rest are counted

# Weights of the score (out of 100).
WEIGHTS = {"validity": 25, "completeness": 20, "freshness": 15, "steward": 15, "licence": 15,
           "format": 10}


@dataclass
class Finding:
    check: str
    row: int | None          # 1-based line of the file (sheet row for Excel)
    column: int | None       # 1-based (1 = column A)
    message: str
    column_name: str | None = None

    @property
    def severity(self) -> str:
        return "error" if self.check in ERRORS else "warning"

    def as_dict(self) -> dict:
        return {"check": self.check, "severity": self.severity, "row": self.row,
                "column": self.column, "column_name": self.column_name or "",
                "message": self.message}


class _Collector:
    """Findings as they are found: the first :data:`MAX_PER_CHECK` of each check and column
    are kept (``found``), every one is counted (``counts``), and the rows with an error are
    remembered (for the validity score) — so memory does not grow with the number of
    findings."""

    def __init__(self):
        self.found: list[Finding] = []
        self.counts: dict[tuple[str, int | None], int] = {}
        self.error_rows: set[int] = set()
        self.file_errors = False  # an error about the whole file (no row)
        self.last: tuple | None = None

    def add(self, check: str, row: int | None, column: int | None, message, name=None) -> None:
        """Record one finding; ``message`` may be a function (worked out only if kept)."""
        key = (check, column)
        n = self.counts.get(key, 0)
        self.counts[key] = n + 1
        self.last = (check, row, column)
        if check in ERRORS:
            if row is None:
                self.file_errors = True
            else:
                self.error_rows.add(row)
        if n < MAX_PER_CHECK:
            self.found.append(Finding(check, row, column,
                                      message() if callable(message) else message, name))

    def extend(self, findings: list[Finding]) -> None:
        for f in findings:
            self.add(f.check, f.row, f.column, f.message, f.column_name)


# ------------------------------------------------------------------ tokeniser
@dataclass(slots=True)
class _Record:
    line: int                 # line of the file where the record starts (1-based)
    cells: list[str]
    quoted: list[bool]


_EOL = re.compile(r"\r\n|\r|\n")


def _tokenise(text: str, delimiter: str = ",",
              findings: _Collector | None = None) -> tuple[list[_Record], list[Finding]]:
    """Split CSV text into records, noting stray and unclosed quotes with where they are.

    Unlike ``csv.reader`` it never stops: a stray quote is kept as text, an unclosed quote
    swallows the rest of the file (as every CSV reader does) and is reported where it opened.
    """
    records: list[_Record] = []
    findings = _Collector() if findings is None else findings
    unquoted: dict[int, list[bool]] = {}  # one shared [False, …] per width (never changed)
    i, n, line = 0, len(text), 1
    cells: list[str] = []
    quoted: list[bool] = []
    start_line = 1
    buf: list[str] = []
    in_quotes = False
    was_quoted = False
    quote_line = quote_col = 0
    at_field_start = True

    def end_field():
        nonlocal buf, was_quoted, at_field_start
        cells.append("".join(buf))
        quoted.append(was_quoted)
        buf, was_quoted, at_field_start = [], False, True

    def end_record():
        nonlocal cells, quoted, start_line
        records.append(_Record(start_line, cells, quoted))
        cells, quoted = [], []
        start_line = line

    while i < n:
        if not in_quotes and at_field_start and not cells and not buf:
            # fast path: a whole line without quotes is split at once
            m = _EOL.search(text, i)
            end = m.start() if m else n
            seg = text[i:end]
            if '"' not in seg:
                parts = seg.split(delimiter)
                flags = unquoted.get(len(parts))
                if flags is None:
                    flags = unquoted[len(parts)] = [False] * len(parts)
                records.append(_Record(start_line, parts, flags))
                if m is None:
                    break
                i = m.end()
                line += 1
                start_line = line
                continue
        ch = text[i]
        if in_quotes:
            if ch == '"':
                if i + 1 < n and text[i + 1] == '"':
                    buf.append('"')
                    i += 2
                    continue
                in_quotes = False
                i += 1
                # after a closing quote only a delimiter or a line end may follow
                if i < n and text[i] not in (delimiter, "\r", "\n"):
                    findings.add("stray_quote", start_line, len(cells) + 1,
                                 "text follows the closing quote of this cell")
                continue
            if ch == "\r" or ch == "\n":
                if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
                    buf.append("\r\n")
                    i += 2
                else:
                    buf.append(ch)
                    i += 1
                line += 1
                continue
            buf.append(ch)
            i += 1
            continue
        if ch == '"':
            if at_field_start:
                in_quotes, was_quoted = True, True
                quote_line, quote_col = start_line, len(cells) + 1
                at_field_start = False
            else:
                if findings.last != ("stray_quote", start_line, len(cells) + 1):
                    findings.add("stray_quote", start_line, len(cells) + 1,
                                 "a quote inside a cell that is not quoted")
                buf.append(ch)
            i += 1
            continue
        if ch == delimiter:
            end_field()
            i += 1
            continue
        if ch == "\r" or ch == "\n":
            i += 2 if (ch == "\r" and i + 1 < n and text[i + 1] == "\n") else 1
            line += 1
            end_field()
            end_record()
            continue
        buf.append(ch)
        at_field_start = False
        i += 1
    if in_quotes:
        findings.add("unclosed_quote", quote_line, quote_col,
                     "this quoted cell is never closed: everything after it is read as one cell")
    if buf or cells or was_quoted:
        end_field()
        end_record()
    return records, findings.found  # (the findings kept; all of them go to ``findings``)


# ------------------------------------------------------------------ value types
_NUM = re.compile(r"^[-+(]?£?\s*[\d,]*\.?\d+\)?-?%?$")
_DATE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}([ T][\d:.]+)?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|"
                   r"\d{1,2}[ -][A-Za-z]{3,9}[ -]\d{2,4})$")


def value_type(value: str) -> str:
    """``'missing'``, ``'number'``, ``'date'`` or ``'text'`` for one cell."""
    v = value.strip()
    if v.isdigit():
        return "number"
    if len(v) <= 4 and v.lower() in MISSING:
        return "missing"
    if _DATE.match(v):
        return "date"
    if _NUM.match(v) and any(c.isdigit() for c in v):
        return "number"
    return "text"


def is_missing(value) -> bool:
    return value is None or str(value).strip().lower() in MISSING


# ------------------------------------------------------------------ reading
@dataclass
class Table:
    """A file's rows as the scorecard sees them (header located, row numbers kept)."""
    file: str
    header: list[str]
    header_row: int                       # 1-based line of the header
    rows: list[tuple[int, list[str]]]     # (line, cells) of the data rows (blank rows dropped)
    findings: list[Finding] = field(default_factory=list)  # the examples kept (see counts)
    kind: str = "csv"                     # csv | excel
    #: every finding counted, kept or not: (check, column) → how many
    counts: dict[tuple[str, int | None], int] = field(default_factory=dict)
    error_rows: int = 0                   # data rows with at least one error
    file_errors: bool = False             # an error about the whole file (no row)

    def count(self, check: str | None = None, severity: str | None = None) -> int:
        """How many findings (kept or not) of a check, or of a severity, or in all."""
        return _count(self.counts, check, severity)


def _count(counts: dict, check: str | None = None, severity: str | None = None) -> int:
    return sum(n for (c, _), n in counts.items()
               if (check is None or c == check)
               and (severity is None or (c in ERRORS) == (severity == "error")))


def _decode(raw: bytes) -> tuple[str, str]:
    """Text with invalid UTF-8 bytes kept as surrogates (so they can be located), and the
    encoding found."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        enc = "utf-8-sig"
    else:
        enc = "utf-8"
    try:
        return raw.decode("utf-8"), enc
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="surrogateescape"), "cp1252"


_SURROGATE = re.compile("[\udc80-\udcff]")


def _fix_surrogates(cell: str) -> str:
    if not _SURROGATE.search(cell):
        return cell
    return cell.encode("utf-8", errors="surrogateescape").decode("cp1252", errors="replace")


def _structure(rows: list[tuple[int, list[str], list[bool]]], file: str, kind: str,
               surrogates: bool = False, findings: _Collector | None = None) -> Table:
    """The checks that work on rows, whatever the file type."""
    findings = _Collector() if findings is None else findings
    # the header is the first non-blank row, or the second after a title row: three suffice
    nonblank = list(itertools.islice(((ln, cells) for ln, cells, _ in rows
                                      if any(c.strip() for c in cells)), 3))
    if not nonblank:
        raise DataFileError("the file has no data", file=file,
                            hint="check you picked the right file.")
    # title row(s): one filled cell above a row with several
    h = 0
    while h + 1 < len(nonblank):
        filled = sum(1 for c in nonblank[h][1] if c.strip())
        nxt = sum(1 for c in nonblank[h + 1][1] if c.strip())
        if filled == 1 and nxt > 1:
            findings.add("title_row", nonblank[h][0], 1,
                                    f"{nonblank[h][1][0].strip()[:40]!r} looks like a title, "
                                    "not a header: put the header on the first line")
            h += 1
        else:
            break
    header_line, header = nonblank[h]
    header = [_fix_surrogates(c) for c in header]
    width = len(header)
    # trailing empty header cells from a spreadsheet export are still empty names
    seen: dict[str, int] = {}
    # a run of unnamed columns at the end (a spreadsheet's ",,,,," tail) is one finding
    tail = width
    while tail > 0 and not header[tail - 1].strip():
        tail -= 1
    if width - tail >= 2:
        findings.add("empty_column_name", header_line, tail + 1,
                                f"columns {column_letter(tail + 1)} to {column_letter(width)} "
                                f"({width - tail} columns) at the end have no name: delete them")
    for j, name in enumerate(header, start=1):
        key = name.strip().lower()
        if name.strip() and name != name.strip(" \t"):
            findings.add("whitespace", header_line, j,
                                    f"the column name {name!r} has spaces at the start or end",
                                    name.strip())
        if not key:
            if j <= tail or width - tail < 2:
                findings.add("empty_column_name", header_line, j,
                                        f"column {column_letter(j)} has no name")
            continue
        if key in seen:
            findings.add("duplicate_column_name", header_line, j,
                                    f"{name.strip()!r} is also the name of column "
                                    f"{seen[key]} ({column_letter(seen[key])})", name.strip())
        else:
            seen[key] = j
    data: list[tuple[int, list[str]]] = []
    pending_blank: list[int] = []
    for ln, cells, q in rows:
        if ln <= header_line:
            continue
        if not any(c.strip() for c in cells):
            pending_blank.append(ln)
            continue
        for b in pending_blank:  # blank rows between data rows (trailing ones are harmless)
            findings.add("blank_rows", b, None, "an empty row inside the data")
        pending_blank = []
        if kind == "csv" and len(cells) != width:
            col = width + 1 if len(cells) > width else len(cells) + 1
            findings.add("ragged_rows", ln, col, f"{len(cells)} cells where the header has {width}")
        for j, c in enumerate(cells, start=1):
            if c != c.strip(" \t") and c.strip():
                findings.add("whitespace", ln, j,
                             lambda c=c: f"{_fix_surrogates(c)!r} has spaces at the start or end",
                             _name(header, j))
        data.append((ln, [_fix_surrogates(c) for c in cells] if surrogates else cells))
    # inconsistent values: a column mostly numbers (or dates) with cells of another kind
    for j in range(1, width + 1):
        kinds = [(ln, cells[j - 1], value_type(cells[j - 1])) for ln, cells in data
                 if j <= len(cells)]
        filled = [k for k in kinds if k[2] != "missing"]
        if len(filled) < 4:
            continue
        counts = {t: sum(1 for k in filled if k[2] == t) for t in ("number", "date", "text")}
        major = max(counts, key=counts.get)
        if major == "text" or counts[major] / len(filled) < 0.75:
            continue
        odd = [k for k in filled if k[2] != major]
        for ln, v, t in odd[:MAX_PER_CHECK]:
            findings.add("inconsistent_values", ln, j,
                         f"{v.strip()!r} is {t} in a column of {major}s "
                         f"({counts[major]} of {len(filled)} filled cells)", _name(header, j))
    return Table(file=file, header=header, header_row=header_line, rows=data,
                 findings=findings.found, kind=kind, counts=findings.counts)


def _name(header: list[str], j: int) -> str | None:
    return header[j - 1].strip() if 0 < j <= len(header) else None


def read_table(path: str | os.PathLike, sheet: str | int | None = 0) -> Table:
    """Read a CSV or Excel file for the scorecard and run every structural check on it."""
    path = Path(path)
    if not path.exists():
        raise DataFileError("file not found", file=path, hint="check the path in the inventory.")
    if path.is_dir():
        raise DataFileError("this is a folder, not a file", file=path)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        from .io import read_excel_rows

        (name, rows), *_ = read_excel_rows(path, sheet)
        found = _Collector()
        found.add("excel", None, None, f"an Excel workbook (sheet {name!r}): publish CSV as "
                  "well, an open format anyone can read")
        t = _structure([(i, r, [False] * len(r)) for i, r in enumerate(rows, start=1)],
                       str(path), "excel", findings=found)
        _finish(t, found)
        return t
    from .io import read_bytes

    raw = read_bytes(path)
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataFileError("this is an Excel (or other binary) file with a CSV name", file=path,
                            hint="rename it to .xlsx, or export it from Excel as CSV (UTF-8).")
    from .io import looks_binary, sniff_delimiter

    if looks_binary(raw):
        raise DataFileError("this file is binary, not text", file=path,
                            hint="export the data as CSV (UTF-8) or .xlsx.")
    text, enc = _decode(raw)
    found = _Collector()
    endings = line_endings(raw)
    if len(endings) > 1:
        found.add("line_breaks", None, None,
                  f"mixed line endings ({', '.join(sorted(endings))}): save the file again so "
                  "every line ends the same way")
    records, _ = _tokenise(text, sniff_delimiter(text), found)
    if enc == "cp1252":
        bad = [(r.line, j) for r in records for j, c in enumerate(r.cells, start=1)
               if _SURROGATE.search(c)]
        first = bad[0] if bad else (None, None)
        found.add("encoding", first[0], first[1],
                  "the file is not UTF-8 (it looks like Windows-1252): save it as 'CSV UTF-8'")
        for ln, j in bad[:MAX_PER_CHECK]:  # (only these are counted, as always)
            found.add("invalid_encoding", ln, j,
                      "bytes here are not valid UTF-8 (read as Windows-1252)")
    t = _structure([(r.line, r.cells, r.quoted) for r in records], str(path), "csv",
                   surrogates=enc == "cp1252", findings=found)
    _finish(t, found)
    return t


def _finish(t: Table, found: _Collector) -> None:
    t.findings, t.counts, t.file_errors = found.found, found.counts, found.file_errors
    lines = {ln for ln, _ in t.rows}
    t.error_rows = sum(1 for ln in found.error_rows if ln in lines)
    for f in t.findings:
        if f.column and not f.column_name and f.check != "title_row":
            f.column_name = _name(t.header, f.column)
    t.findings.sort(key=lambda f: (f.row or 0, f.column or 0, CHECKS.index(f.check)))


def check_file(path: str | os.PathLike) -> list[Finding]:
    """Every CSVLint-style finding for one CSV or Excel file, in file order."""
    return read_table(path).findings


def _more(findings: list[Finding], counts: dict | None) -> dict:
    """(check, column) → how many findings were counted but not kept."""
    if not counts:
        return {}
    kept: dict = {}
    for f in findings:
        kept[(f.check, f.column)] = kept.get((f.check, f.column), 0) + 1
    return {k: n - kept.get(k, 0) for k, n in counts.items() if n > kept.get(k, 0)}


def _cell(row, column) -> str:
    return f"{column_letter(int(column))}{int(row)}" if column and row else ""


def findings_table(findings: list[Finding], counts: dict | None = None):
    """Findings as a table: check, severity, row, column (number and letter), name, message.
    With ``counts`` (:attr:`Table.counts`), each check and column with more findings than the
    examples kept ends with a line saying how many more there are (no row)."""
    import pandas as pd

    rows = [f.as_dict() for f in findings]
    names = {(f.check, f.column): f.column_name or "" for f in findings}
    for (check, column), n in _more(findings, counts).items():
        rows.append({"check": check, "severity": "error" if check in ERRORS else "warning",
                     "row": None, "column": column, "column_name": names.get((check, column), ""),
                     "message": f"and {n:,} more like this" + (
                         f" in column {column_letter(column)}" if column else "")})
    df = pd.DataFrame(rows, columns=["check", "severity", "row", "column", "column_name",
                                     "message"])
    df["row"] = df["row"].astype("Int64")
    df["column"] = df["column"].astype("Int64")
    df.insert(4, "cell", [_cell(r, c) if pd.notna(c) and pd.notna(r) else ""
                          for r, c in zip(df["row"], df["column"])])
    return df


def findings_summary(findings: list[Finding], counts: dict | None = None, examples: int = 3):
    """One row per check and column: ``check, severity, column, column_name, findings`` (how
    many, kept or not), ``examples`` (the first few cells or rows, e.g. ``B2, B5, B9``) and
    ``more`` (``and 4,997 more``, or blank) — what to show people; :func:`findings_table` has
    every example kept with its message. In file order of each check's first finding."""
    import pandas as pd

    groups: dict = {}
    for f in findings:
        groups.setdefault((f.check, f.column), []).append(f)
    total = dict(counts) if counts else {k: len(v) for k, v in groups.items()}
    out = []
    for (check, column), n in total.items():
        got = groups.get((check, column), [])
        shown = [_cell(f.row, f.column) or (f"row {f.row}" if f.row else "") for f in got]
        shown = [s for s in shown if s][:examples]
        rest = n - len(shown)
        first = got[0] if got else None
        out.append({"check": check, "severity": "error" if check in ERRORS else "warning",
                    "column": column, "column_name": (first.column_name or "") if first else "",
                    "findings": n, "examples": ", ".join(shown) or (first.message if first else ""),
                    "more": f"and {rest:,} more" if shown and rest > 0 else "",
                    "_order": ((first.row or 0) if first else 0, column or 0,
                               CHECKS.index(check))})
    df = pd.DataFrame(out, columns=["check", "severity", "column", "column_name", "findings",
                                    "examples", "more", "_order"])
    df = df.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
    df["column"] = df["column"].astype("Int64")
    df["findings"] = df["findings"].astype("int64")
    return df


# ------------------------------------------------------------------ completeness
def completeness(table: Table):
    """Per column: filled cells, missing cells (blank, ``NA``, ``N/A``, ``-`` …) and the share
    filled (0–1)."""
    import pandas as pd

    n = len(table.rows)
    out = []
    for j, name in enumerate(table.header, start=1):
        filled = sum(1 for _, cells in table.rows if j <= len(cells) and not is_missing(cells[j - 1]))
        out.append({"column": j, "column_name": name.strip(), "filled": filled,
                    "missing": n - filled, "completeness": filled / n if n else 0.0})
    return pd.DataFrame(out, columns=["column", "column_name", "filled", "missing",
                                      "completeness"])


# ------------------------------------------------------------------ accountability
FREQUENCY_DAYS = {
    "daily": 1, "weekly": 7, "fortnightly": 14, "monthly": 31, "bi-monthly": 62,
    "quarterly": 92, "six-monthly": 183, "biannually": 183, "annually": 366, "annual": 366,
    "yearly": 366, "one-off": None, "never": None, "irregular": None, "ad hoc": None,
}


def frequency_days(frequency) -> int | None:
    """Days between updates for a declared frequency; ``None`` for one-off/irregular."""
    key = str(frequency or "").strip().lower().replace("_", "-")
    key = {"every month": "monthly", "every quarter": "quarterly", "every year": "annually",
           "bimonthly": "bi-monthly", "half-yearly": "six-monthly", "adhoc": "ad hoc",
           "ad-hoc": "ad hoc"}.get(key, key)
    if key not in FREQUENCY_DAYS:
        raise ValueError(f"unknown update frequency {frequency!r}: use one of "
                         f"{', '.join(k for k in FREQUENCY_DAYS)}")
    return FREQUENCY_DAYS[key]


def parse_date(value) -> _dt.date | None:
    """ISO (``2024-03-31``), UK (``31/03/2024``), ``31 Mar 2024``, an Excel serial number
    (``45382``) or a date object; ``None`` when blank."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if hasattr(value, "date") and callable(value.date):  # pandas Timestamp
        return value.date()
    s = str(value).strip()
    if not s:
        return None
    if s.isdigit() and 20000 <= int(s) <= 80000:  # an Excel serial date (days since 1899-12-30)
        return _dt.date(1899, 12, 30) + _dt.timedelta(days=int(s))
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %b %Y", "%d %B %Y", "%Y-%m"):
        try:
            return _dt.datetime.strptime(s[:10] if fmt == "%Y-%m-%d" else s, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{s!r} is not a date: write it as 2024-03-31 or 31/03/2024")


@dataclass
class Freshness:
    status: str        # fresh | late | stale | unknown | not applicable
    score: float
    age_days: int | None
    expected_days: int | None
    message: str


def freshness(last_updated, update_frequency, as_of) -> Freshness:
    """How up to date a dataset is against its declared update frequency.

    *fresh* when updated within one period (plus a week's grace), *late* within two periods,
    *stale* beyond; a one-off dataset is always fresh; no date is *unknown* (score 0).
    """
    as_of = parse_date(as_of)
    last = parse_date(last_updated)
    period = frequency_days(update_frequency) if str(update_frequency or "").strip() else None
    if last is None:
        return Freshness("unknown", 0.0, None, period, "no last-updated date: record one")
    age = (as_of - last).days
    if not str(update_frequency or "").strip():
        return Freshness("unknown", 0.0, age, None,
                         f"updated {age} days ago, but no update frequency is declared")
    if period is None:
        return Freshness("not applicable", 1.0, age, None,
                         f"a one-off/irregular dataset, last updated {age} days ago")
    if age <= period + 7:
        return Freshness("fresh", 1.0, age, period, f"updated {age} days ago (due every {period})")
    if age <= 2 * period + 7:
        return Freshness("late", 0.5, age, period,
                         f"updated {age} days ago: one update missed (due every {period})")
    return Freshness("stale", 0.0, age, period,
                     f"updated {age} days ago: {age // period} updates missed (due every {period})")


OPEN_LICENCES = {
    "ogl": "Open Government Licence", "uk-ogl": "Open Government Licence",
    "open government licence": "Open Government Licence",
    "ogl-uk-3.0": "Open Government Licence", "ogl v3": "Open Government Licence",
    "ogl-3": "Open Government Licence",
    "cc-by": "Creative Commons Attribution", "cc by": "Creative Commons Attribution",
    "cc-by-4.0": "Creative Commons Attribution", "cc-by-sa": "Creative Commons Attribution-ShareAlike",
    "cc0": "CC0 (public domain)", "cc-zero": "CC0 (public domain)", "pddl": "Public Domain (PDDL)",
    "odc-by": "Open Data Commons Attribution", "odbl": "Open Database Licence",
    "odc-odbl": "Open Database Licence",
    "creative commons attribution": "Creative Commons Attribution",
    "creative commons cczero": "CC0 (public domain)", "creative commons zero": "CC0 (public domain)",
    "open data commons": "Open Data Commons", "open database license": "Open Database Licence",
    "open database licence": "Open Database Licence",
}


def open_licence(licence) -> str | None:
    """The open licence a licence text names, or ``None`` (blank, 'internal', 'all rights
    reserved', non-commercial terms …)."""
    s = str(licence or "").strip().lower()
    if not s or "non-commercial" in s or "-nc" in s or "nc-" in s or "internal" in s \
            or "reserved" in s or "proprietary" in s:
        return None
    for key, name in OPEN_LICENCES.items():
        if s == key or s.startswith(key + " ") or key in s.split() or (len(key) > 4 and key in s):
            return name
    if "open government" in s:
        return "Open Government Licence"
    return None


# Five-star open data: 1 on the web with an open licence; 2 structured; 3 non-proprietary
# format; 4 URIs; 5 linked.
FORMAT_STARS = {
    "pdf": 1, "html": 1, "doc": 1, "docx": 1, "jpg": 1, "png": 1, "web page": 1,
    "xls": 2, "xlsx": 2, "xlsm": 2, "shp": 2, "mdb": 2,
    "csv": 3, "tsv": 3, "json": 3, "xml": 3, "geojson": 3, "ods": 3, "txt": 3, "api": 3,
    "gtfs": 3, "zip": 2,
    "rdf": 4, "ttl": 4, "json-ld": 4, "jsonld": 4, "sparql": 5, "linked data": 5,
}


def five_star(fmt, licence) -> int:
    """Five-star level of a dataset: 0 without an open licence, else 1–5 by format."""
    if open_licence(licence) is None:
        return 0
    key = str(fmt or "").strip().lower().lstrip(".")
    return FORMAT_STARS.get(key, 1)


def steward_named(steward) -> bool:
    s = str(steward or "").strip().lower()
    return bool(s) and s not in MISSING | {"unknown", "tbc", "tbd", "?", "none", "nobody"}


# ------------------------------------------------------------------ the score
@dataclass
class Scorecard:
    name: str
    file: str | None
    score: float                      # 0–100
    dimensions: dict[str, float]      # each 0–1
    notes: dict[str, str]
    findings: list[Finding]
    completeness: object | None       # DataFrame
    stars: int
    #: every finding counted, kept or not: (check, column) → how many (:attr:`Table.counts`)
    counts: dict = field(default_factory=dict)

    def count(self, check: str | None = None, severity: str | None = None) -> int:
        """How many findings (kept or not) of a check, or of a severity, or in all."""
        if not self.counts:
            return sum(1 for f in self.findings if (check is None or f.check == check)
                       and (severity is None or f.severity == severity))
        return _count(self.counts, check, severity)

    def summary_row(self) -> dict:
        errors = self.count(severity="error")
        warnings = self.count(severity="warning")
        return {"dataset": self.name, "score": round(self.score),
                **{k: round(v, 2) for k, v in self.dimensions.items()},
                "stars": self.stars, "errors": errors, "warnings": warnings}

    def findings_table(self):
        """Every finding kept, with a line per check and column saying how many more."""
        return findings_table(self.findings, self.counts)

    def findings_summary(self, examples: int = 3):
        """One row per check and column: how many, the first few cells, and how many more."""
        return findings_summary(self.findings, self.counts, examples)

    def detail(self):
        """One line per dimension: score (0–1), weight, and why."""
        import pandas as pd

        return pd.DataFrame([{"dimension": k, "score": round(v, 2), "weight": WEIGHTS[k],
                              "why": self.notes.get(k, "")} for k, v in self.dimensions.items()])


def _entry_get(entry, key, default=""):
    if entry is None:
        return default
    v = entry.get(key, default) if hasattr(entry, "get") else getattr(entry, key, default)
    if v is None or (isinstance(v, float) and v != v):
        return default
    return v


def score_dataset(path, entry=None, as_of=None) -> Scorecard:
    """Score one dataset: its file (CSV or Excel; ``None`` if there is no local copy) and its
    inventory entry (a dict or a row: name, steward, licence, format, update_frequency,
    last_updated). ``as_of`` is the date freshness is judged on (default: today)."""
    as_of = parse_date(as_of) if as_of is not None else _dt.date.today()
    name = str(_entry_get(entry, "name", "") or (Path(path).stem if path else "dataset"))
    notes: dict[str, str] = {}
    dims: dict[str, float] = {}
    findings: list[Finding] = []
    counts: dict = {}
    comp = None
    if path:
        t = read_table(path)
        findings, counts = t.findings, t.counts
        n = len(t.rows)
        valid = max(0.0, (n - t.error_rows) / n) if n else 0.0
        if t.file_errors:
            valid = max(0.0, valid - 0.1)
        warned = {c for (c, _), k in counts.items() if k and c in WARNINGS and c != "excel"}
        valid *= 1 - 0.05 * len(warned)
        dims["validity"] = valid
        notes["validity"] = (f"{t.error_rows} rows with errors of {n} data rows; "
                             f"{t.count(severity='warning')} warnings"
                             + (f" ({', '.join(sorted(warned))}: −5% each)" if warned else ""))
        comp = completeness(t)
        dims["completeness"] = float(comp["completeness"].mean()) if len(comp) else 0.0
        worst = comp.sort_values("completeness").iloc[0] if len(comp) else None
        notes["completeness"] = (f"{dims['completeness']:.0%} of cells filled; least complete: "
                                 f"{worst['column_name']!r} ({worst['completeness']:.0%})"
                                 if worst is not None else "no columns")
        fmt_default = Path(path).suffix.lstrip(".")
    else:
        dims["validity"] = 0.0
        notes["validity"] = "no file to check: add a local copy (column 'file' of the inventory)"
        dims["completeness"] = 0.0
        notes["completeness"] = "no file to check"
        fmt_default = ""
    fr = freshness(_entry_get(entry, "last_updated"), _entry_get(entry, "update_frequency"), as_of)
    dims["freshness"] = fr.score
    notes["freshness"] = f"{fr.status}: {fr.message}"
    steward = _entry_get(entry, "steward")
    dims["steward"] = 1.0 if steward_named(steward) else 0.0
    notes["steward"] = f"steward: {steward}" if dims["steward"] else \
        "no named steward: nobody is accountable for fixing it"
    lic = _entry_get(entry, "licence")
    open_name = open_licence(lic)
    dims["licence"] = 1.0 if open_name else 0.0
    notes["licence"] = (f"open: {open_name}" if open_name else
                        (f"{lic!r} is not an open licence" if str(lic).strip()
                         else "no licence recorded"))
    fmt = str(_entry_get(entry, "format") or fmt_default)
    stars = five_star(fmt, lic)
    dims["format"] = min(stars, 3) / 3
    notes["format"] = (f"{fmt or 'unknown format'}: {stars}★ "
                       + ("(3★ — open, structured, non-proprietary — is the aim)" if stars < 3 else ""))
    score = sum(WEIGHTS[k] * v for k, v in dims.items())
    return Scorecard(name=name, file=str(path) if path else None, score=score, dimensions=dims,
                     notes=notes, findings=findings, completeness=comp, stars=stars,
                     counts=counts)


def scorecard(inventory, as_of=None, base: str | os.PathLike | None = None):
    """Score every inventory entry that has a local ``file`` (or any entry: without a file its
    validity and completeness are 0). ``base`` resolves relative file paths.

    Returns ``(summary_table, {name: Scorecard})``.
    """
    import pandas as pd

    cards = {}
    for _, row in inventory.iterrows():
        f = str(row.get("file", "") or "").strip() if "file" in inventory.columns else ""
        path = None
        if f and f.lower() not in MISSING:
            path = Path(f)
            if not path.is_absolute() and base is not None:
                path = Path(base) / path
        cards[str(row["name"])] = score_dataset(path, row, as_of=as_of)
    summary = pd.DataFrame([c.summary_row() for c in cards.values()])
    if len(summary):
        summary = summary.sort_values("score", ascending=False, kind="stable").reset_index(drop=True)
    return summary, cards


def scorecard_figure(summary):
    """Horizontal bars: each dataset's score out of 100, labelled with the number, with the
    dimension scores as a dot row beside it. Returns ``(fig, alt)``."""
    from .charts import PALETTE, new_figure

    s = summary.sort_values("score", kind="stable")
    fig, ax = new_figure(figsize=(8, 0.6 * len(s) + 1.6))
    ys = range(len(s))
    hatches = ["", "//", "..", "xx"]
    colours = []
    for i, v in enumerate(s["score"]):
        band = 0 if v >= 75 else 1 if v >= 50 else 2
        colours.append(band)
        ax.barh(i, v, color=PALETTE[[2, 1, 5][band]], hatch=hatches[band], edgecolor="black",
                linewidth=0.5)
        ax.text(v + 1, i, f"{v:.0f}", va="center", fontsize=10)
    ax.set_yticks(list(ys), [str(n)[:38] for n in s["dataset"]])
    ax.set_xlim(0, 105)
    ax.set_xlabel("Quality and accountability score (out of 100)")
    ax.set_title("Data quality and accountability scorecard")
    ax.grid(axis="y", visible=False)
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(facecolor=PALETTE[2], hatch="", edgecolor="black", label="75 or more: good"),
                       Patch(facecolor=PALETTE[1], hatch="//", edgecolor="black", label="50–74: needs work"),
                       Patch(facecolor=PALETTE[5], hatch="..", edgecolor="black", label="under 50: poor")],
              loc="lower right", fontsize=9, frameon=True)
    best = s.iloc[-1]
    worst = s.iloc[0]
    alt = (f"Bar chart of the quality and accountability score of {len(s)} datasets, out of 100. "
           f"Highest: {best['dataset']} with {best['score']:.0f}; lowest: {worst['dataset']} with "
           f"{worst['score']:.0f}. "
           + "; ".join(f"{d}: {v:.0f}" for d, v in zip(s["dataset"][::-1], s["score"][::-1])) + ".")
    return fig, alt


def save_upload(name: str, content: bytes, folder) -> Path:
    """Save a file a user uploaded (e.g. through a notebook's upload button) into ``folder``
    under a safe name, atomically, so it can be scored; the original is never touched.
    Only ``.csv``, ``.tsv``, ``.txt`` and ``.xlsx``/``.xlsm`` are accepted."""
    from .io import atomic_write_bytes
    from .paths import safe_join, slugify

    p = Path(str(name))
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods"):
        raise DataFileError(f"{p.name!r} is not a CSV or Excel file", file=p.name,
                            hint="upload a .csv or .xlsx file (export it from your spreadsheet).")
    safe = slugify(p.stem)[:80] + suffix
    return atomic_write_bytes(safe_join(Path(folder), safe), bytes(content))
