"""Robust reading of the tabular files councils publish, and safe writing of outputs.

Readers here do not interpret columns; domain loaders (``spend``, ``claimants``,
``transport`` …) build on them. Nothing here ever writes to an input file.

- :func:`decode_text` — bytes → text for UTF-8, UTF-8 with BOM and Windows-1252, with the
  encoding and line endings it found.
- :func:`read_csv_rows` — a CSV file as a list of rows (lists of strings), any line ending.
- :func:`read_excel_rows` — every sheet (or one) of an ``.xlsx`` workbook as rows of strings.
- :func:`read_rows` — either, by file type.
- :func:`find_header_row` — the row most like a header, by a scoring function.
- :func:`atomic_write_bytes` / :func:`atomic_write_text` / :func:`write_csv` — outputs that
  are either complete or untouched, never half-written.
- :func:`neutralise_formula` — make text safe to open in a spreadsheet.
"""
from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io as _io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from .errors import DataFileError

csv.field_size_limit(1 << 30)

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ""}


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16" or "cp1252"
    line_ending: str  # "CRLF", "LF", "CR", "mixed" or "none"


def line_endings(raw: bytes) -> list[str]:
    """The kinds of line ending in ``raw``: any of ``CRLF``, ``CR``, ``LF`` (in that order)."""
    crlf = raw.count(b"\r\n")
    cr = raw.count(b"\r") - crlf
    lf = raw.count(b"\n") - crlf
    return [k for k, n in (("CRLF", crlf), ("CR", cr), ("LF", lf)) if n]


def _line_ending(raw: bytes) -> str:
    kinds = line_endings(raw)
    if not kinds:
        return "none"
    return kinds[0] if len(kinds) == 1 else "mixed"


def column_letter(n: int) -> str:
    """``1`` → ``'A'``, ``27`` → ``'AA'`` (1-based, as a spreadsheet labels columns)."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def looks_binary(raw: bytes) -> bool:
    """True for content that is not text (NUL bytes, or mostly control characters)."""
    head = raw[:4096]
    if b"\x00" in head:
        return True
    if not head:
        return False
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control / len(head) > 0.1


def decode_text(raw: bytes, file: str | os.PathLike | None = None) -> DecodedText:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode
    text"), else Windows-1252.

    Raises :class:`DataFileError` for binary content (e.g. an Excel file renamed ``.csv``).
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
        else:
            return DecodedText(text, "utf-16", _line_ending(text.encode("utf-8")))
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataFileError(
            "this is an Excel (or other zipped/binary) file, not a text CSV", file=file,
            hint="save it with a .xlsx extension (the toolkit reads workbooks) or export it as CSV.")
    if looks_binary(raw):
        raise DataFileError("this file is binary, not text", file=file,
                            hint="check you picked the right file; export the data as CSV or .xlsx.")
    ending = _line_ending(raw)
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return DecodedText(raw[3:].decode("utf-8"), "utf-8-sig", ending)
        except UnicodeDecodeError:
            pass
    try:
        return DecodedText(raw.decode("utf-8"), "utf-8", ending)
    except UnicodeDecodeError:
        pass
    # Windows-1252 leaves five bytes undefined; map those through Latin-1 so no byte is lost.
    return DecodedText(raw.decode("cp1252", errors=_CP1252_LATIN1_HANDLER), "cp1252", ending)


_CP1252_LATIN1_HANDLER = "toolkit-cp1252-latin1"


def _cp1252_undefined_as_latin1(err: UnicodeDecodeError):
    """Decode the bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) as Latin-1."""
    bad = err.object[err.start:err.end]
    return bad.decode("latin-1"), err.end


codecs.register_error(_CP1252_LATIN1_HANDLER, _cp1252_undefined_as_latin1)


def read_text(path: str | os.PathLike) -> DecodedText:
    """Read and decode a text file (see :func:`decode_text`)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataFileError("file not found", file=path,
                            hint="check the path (relative paths in a council config are "
                                 "relative to the config file's folder).") from None
    except IsADirectoryError:
        raise DataFileError("this is a folder, not a file", file=path) from None
    except PermissionError:
        raise DataFileError("no permission to read this file", file=path) from None
    return decode_text(raw, file=path)


def read_yaml(path: str | os.PathLike, *, error: type = DataFileError,
              missing_hint: str = "check the path.") -> tuple[Any, str]:
    """A YAML file read with the safe loader (no tags that run code) → ``(data, text)``.

    A missing file, a file that is not UTF-8, or a YAML syntax error raises ``error`` (a
    :class:`DataFileError` by default) naming the file, and the line and column of the error.
    """
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error("file not found", file=path, hint=missing_hint) from None
    except IsADirectoryError:
        raise error("this is a folder, not a file", file=path, hint=missing_hint) from None
    except UnicodeDecodeError:
        raise error("the file is not UTF-8 text", file=path,
                    hint="save it as UTF-8 from your editor.") from None
    try:
        return yaml.safe_load(text), text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise error(f"the YAML cannot be read ({getattr(exc, 'problem', exc)})", file=path,
                    row=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                    hint="check indentation (spaces, not tabs) and quotes near this line.") from None


def parse_csv_text(text: str, file=None, delimiter: str | None = None) -> list[list[str]]:
    """Parse CSV text (any of CR, LF, CRLF line endings) into rows of strings."""
    if delimiter is None:
        delimiter = sniff_delimiter(text)
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [row for row in reader]
    except csv.Error as exc:
        raise DataFileError(f"the CSV cannot be parsed ({exc})", file=file,
                            row=reader.line_num,
                            hint="look for an unclosed quote (\") on or before this row.") from None


def sniff_delimiter(text: str) -> str:
    """Comma unless the first lines are clearly tab- or semicolon-separated."""
    sample = text[:20000].splitlines()[:20]
    counts = {d: sum(line.count(d) for line in sample) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    if best != "," and counts[best] > 2 * counts[","]:
        return best
    return ","


def read_csv_rows(path: str | os.PathLike, delimiter: str | None = None) -> list[list[str]]:
    """A CSV file as rows of strings, whatever its encoding and line endings."""
    decoded = read_text(path)
    return parse_csv_text(decoded.text, file=path, delimiter=delimiter)


def _cell_to_str(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def read_excel_rows(path: str | os.PathLike, sheet: str | int | None = None
                    ) -> list[tuple[str, list[list[str]]]]:
    """Rows of every sheet (or the one named/numbered) of an ``.xlsx`` workbook.

    Dates come out as ISO text, numbers as their plain text, empty cells as ``""``.
    Returns ``[(sheet_name, rows), …]``.
    """
    path = Path(path)
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError as exc:  # pragma: no cover - dependency
        raise DataFileError("reading Excel needs openpyxl", file=path) from exc
    import zipfile
    if not path.exists():
        raise DataFileError("file not found", file=path, hint="check the path.")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, EOFError) as exc:
        raw = path.read_bytes()[:8]
        if raw.startswith(b"\xd0\xcf\x11\xe0"):
            why = ("this workbook is password-protected or in the old .xls format")
            hint = "remove the password (or save as .xlsx) in Excel, then try again."
        else:
            why = f"this workbook cannot be opened ({type(exc).__name__}: it may be truncated or not really .xlsx)"
            hint = "open it in Excel or LibreOffice and save it again as .xlsx, or export CSV."
        raise DataFileError(why, file=path, hint=hint) from None
    try:
        names = wb.sheetnames
        if sheet is None:
            chosen = names
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise DataFileError(f"there is no sheet number {sheet} (sheets: {names})",
                                    file=path, hint="sheet numbers start at 0.")
            chosen = [names[sheet]]
        else:
            if sheet not in names:
                raise DataFileError(f"there is no sheet called {sheet!r} (sheets: {names})",
                                    file=path, hint="pass one of the sheet names shown.")
            chosen = [sheet]
        out = []
        for name in chosen:
            ws = wb[name]
            rows = [[_cell_to_str(v) for v in row] for row in ws.iter_rows(values_only=True)]
            out.append((name, rows))
        return out
    finally:
        wb.close()


def read_rows(path: str | os.PathLike, sheet: str | int | None = None
              ) -> list[tuple[str | None, list[list[str]]]]:
    """Rows of a CSV (one block, sheet name ``None``) or of each sheet of a workbook."""
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return read_excel_rows(path, sheet)
    if path.suffix.lower() == ".xls":
        raise DataFileError("old-style .xls workbooks are not supported", file=path,
                            hint="open it in Excel or LibreOffice and save it as .xlsx.")
    return [(None, read_csv_rows(path))]


def is_blank_row(row: Sequence[str]) -> bool:
    return all(not str(c).strip() for c in row)


def find_header_row(rows: Sequence[Sequence[str]], score: Callable[[Sequence[str]], float],
                    min_score: float = 1.0, search_rows: int | None = None) -> int | None:
    """Index of the row with the highest ``score`` (at least ``min_score``), or ``None``.

    Looks at every row (the header can be the last line) unless ``search_rows`` limits it.
    Ties go to the earliest row.
    """
    best, best_i = min_score - 1e-9, None
    limit = len(rows) if search_rows is None else min(len(rows), search_rows)
    for i in range(limit):
        row = rows[i]
        if is_blank_row(row):
            continue
        s = score(row)
        if s > best:
            best, best_i = s, i
    return best_i


def normalise_header(name: str) -> str:
    """Lower-case, no punctuation, single spaces: ``'Net Amount(£) '`` → ``'net amount'``."""
    import re
    s = str(name).replace("\ufeff", "").lower()
    s = s.replace("£", " ")
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return " ".join(s.split())


# ---------------------------------------------------------------- writing outputs

def _file_mode() -> int:
    """The mode a plain ``open()`` would give a new file (0666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _file_mode()


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a
    half-written one (temporary file in the same folder, fsync, rename). The file gets the
    usual permissions (``mkstemp`` alone would make it readable by its owner only)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
        return True
    except ValueError:
        return False


def neutralise_formula(value):
    """Prefix ``'`` to text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
    tab, CR at the start) unless it is a plain number like ``-12.50``. Non-text is returned
    unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def write_csv(df, path: str | os.PathLike, neutralise: bool = True) -> Path:
    """Write a DataFrame as UTF-8 CSV atomically, neutralising formula injection in the header
    and in every column whatever its type (text, categorical, mixed): a cell is checked as the
    text it will be written as."""
    if neutralise:
        df = df.copy()
        df.columns = [neutralise_formula(str(c)) if isinstance(c, str) else c for c in df.columns]
        for j in range(df.shape[1]):
            col = df.iloc[:, j]
            if col.dtype.kind in "biufcmM":  # numbers, booleans and dates are written as such
                continue
            df.isetitem(j, col.astype(object).map(
                lambda v: neutralise_formula(v) if isinstance(v, str) else
                (neutralise_formula(str(v)) if v is not None and v == v and
                 str(v).startswith(_FORMULA_START) else v)))
    return atomic_write_text(path, df.to_csv(index=False, lineterminator="\n"))


def iter_paths(paths: str | os.PathLike | Iterable, patterns: Sequence[str] = ("*.csv", "*.xlsx", "*.xlsm")
               ) -> list[Path]:
    """A path, a list of paths or a folder (its matching files, sorted) → a list of files."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = sorted({f for pat in patterns for f in p.glob(pat)
                            if f.is_file() and not f.name.startswith((".", "~$"))})
            if not found:
                raise DataFileError(f"the folder has no files matching {', '.join(patterns)}",
                                    file=p, hint="check the folder, or list the files directly.")
            out.extend(found)
        else:
            out.append(p)
    return out


def match_header(header: Sequence, wanted: str) -> int | None:
    """The column whose header is ``wanted``: exactly, then ignoring case, then ignoring
    punctuation and spacing; ``None`` when there is none."""
    cells = [str(c).strip() for c in header]
    w = str(wanted).strip()
    for same in (lambda c: c == w, lambda c: c.lower() == w.lower(),
                 lambda c: normalise_header(c) == normalise_header(w) != ""):
        for j, c in enumerate(cells):
            if same(c):
                return j
    return None


def check_mapping(mapping, allowed: Sequence[str], what: str = "the loader") -> dict[str, str]:
    """Validate a column mapping ``{field: column header}``: every field one of ``allowed``
    (an unknown one gets a did-you-mean), every header non-empty text. Raises
    :class:`DataFileError` listing the allowed fields."""
    import difflib

    if mapping is None:
        return {}
    if not isinstance(mapping, dict):
        raise DataFileError(f"the mapping must be a dictionary of field: column header, not "
                            f"{type(mapping).__name__}",
                            hint=f"for example {{'{allowed[0]}': 'My column'}}; the fields are "
                                 f"{', '.join(allowed)}.")
    out = {}
    for field, column in mapping.items():
        if field not in allowed:
            close = difflib.get_close_matches(str(field), list(allowed), n=1)
            guess = f" (did you mean {close[0]!r}?)" if close else ""
            raise DataFileError(f"unknown field {field!r} in the mapping for {what}{guess}",
                                hint=f"the fields you can map are: {', '.join(allowed)}.")
        if not isinstance(column, str) or not column.strip():
            raise DataFileError(f"the mapping for {field!r} must name a column header, not "
                                f"{column!r}", hint="write the header as it appears in the file.")
        out[field] = column
    return out
