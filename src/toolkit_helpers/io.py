"""Robust reading of the tabular files councils publish, and safe writing of outputs.

Readers here do not interpret columns; domain loaders (``spend``, ``claimants``,
``transport`` …) build on them. Nothing here ever writes to an input file.

- :func:`decode_text` — bytes → text for UTF-8, UTF-8 with BOM and Windows-1252 (line by line
  when a file mixes them), with the encoding and line endings it found.
- :func:`read_csv_rows` — a CSV file as a list of rows (lists of strings), any line ending.
- :func:`read_excel_rows` — every sheet (or one) of a workbook (``.xlsx``, ``.xlsm``, ``.xls``,
  ``.ods``; cell values read by python-calamine) as rows of strings; :func:`read_workbook` the
  same with notes (merged cells filled down, formulas without saved values shown as ``=…``, a
  false sheet size).
- :func:`read_rows` — either, by file type; :func:`read_tables` with the delimiter and notes.
- :data:`LIMITS` — what a loader will read (file size, columns, cells, unzipped workbook size,
  JSON depth), each overridable (:data:`LIMIT_ENV`, :func:`set_limits`); :func:`read_bytes` /
  :func:`check_regular_file` (regular files only: never a pipe or a device),
  :func:`check_table_shape` (columns and cells counted before parsing), :func:`load_json`.
- :func:`number_style` / :func:`choose_decimal` — decimal comma or decimal point, per file.
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
import re
import stat as _stat
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError, DataFileError

csv.field_size_limit(1 << 30)

#: Workbooks the loaders read (:func:`read_workbook`): Excel (``.xlsx``, ``.xlsm``, old-style
#: ``.xls``) and OpenDocument (``.ods``, LibreOffice Calc).
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ""}

# ---------------------------------------------------------------- limits

#: What the loaders will read, so that a broken or hostile file ends in a clear
#: :class:`DataFileError` (saying the limit and how to raise it) instead of filling the memory,
#: hanging or crashing Python:
#:
#: - ``max_file_mb`` — the size of a data file on disk (CSV, JSON, workbook), in MB;
#: - ``max_columns`` — columns in a table (Excel's own maximum is 16,384);
#: - ``max_cells`` — rows × columns of a table (a CSV, or a workbook sheet);
#: - ``max_unzipped_mb`` — what a workbook (a zip file) unzips to, in MB (a "zip bomb" is tiny
#:   on disk and gigabytes unzipped);
#: - ``max_json_depth`` — how deeply a JSON file may nest objects and lists (OCDS needs ~10).
#:
#: Each can be raised for a session with an environment variable (:data:`LIMIT_ENV`:
#: ``TOOLKIT_MAX_FILE_MB``, ``TOOLKIT_MAX_COLUMNS``, ``TOOLKIT_MAX_CELLS``,
#: ``TOOLKIT_MAX_UNZIPPED_MB``, ``TOOLKIT_MAX_JSON_DEPTH``), which wins, or in Python with
#: :func:`set_limits` (``settings.limits`` of a council config is meant for it:
#: ``set_limits(config.settings.get("limits"))``). Regular files only: a folder, a named pipe
#: or a device (``/dev/zero``) given as a data file is refused before it is opened.
LIMITS: dict[str, int] = {
    "max_file_mb": 256,
    "max_columns": 16_384,
    "max_cells": 25_000_000,
    "max_unzipped_mb": 1_024,
    "max_json_depth": 200,
}
#: The environment variable overriding each limit.
LIMIT_ENV = {name: "TOOLKIT_" + name.upper() for name in LIMITS}
_LIMIT_UNITS = {"max_file_mb": "MB", "max_columns": "columns", "max_cells": "cells",
                "max_unzipped_mb": "MB unzipped", "max_json_depth": "levels"}


def _limit_value(name: str, value, where: str) -> int:
    try:
        number = int(str(value).strip().replace("_", "").replace(",", ""))
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ConfigError(f"{where} must be a whole number above 0, not {value!r}",
                          hint=f"for example {LIMITS[name] * 2} (the default is {LIMITS[name]:,}).")
    return number


def limit(name: str) -> int:
    """The limit ``name`` (a key of :data:`LIMITS`) in force: its environment variable
    (:data:`LIMIT_ENV`) when set, else :data:`LIMITS`."""
    if name not in LIMITS:
        raise KeyError(f"no limit called {name!r}: the limits are {', '.join(LIMITS)}")
    env = os.environ.get(LIMIT_ENV[name], "").strip()
    if env:
        return _limit_value(name, env, f"the environment variable {LIMIT_ENV[name]}")
    return int(LIMITS[name])


def limits() -> dict[str, int]:
    """Every limit in force (see :data:`LIMITS`)."""
    return {name: limit(name) for name in LIMITS}


def set_limits(values: Mapping | None = None, **more) -> dict[str, int]:
    """Change limits for this session (``set_limits(max_file_mb=1024)``, or a mapping such
    as a config's ``settings.limits``); returns the previous values, so
    ``set_limits(old)`` restores them. An unknown name or a value that is not a positive whole
    number raises :class:`~toolkit_helpers.errors.ConfigError`. Environment variables
    (:data:`LIMIT_ENV`) still win."""
    import difflib

    new = dict(values or {})
    new.update(more)
    checked = {}
    for name, value in new.items():
        if name not in LIMITS:
            close = difflib.get_close_matches(str(name), list(LIMITS), n=1)
            raise ConfigError(f"unknown limit {name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""),
                              hint=f"the limits are {', '.join(LIMITS)}.")
        checked[name] = _limit_value(name, value, f"the limit {name}")
    old = {name: LIMITS[name] for name in checked}
    LIMITS.update(checked)
    return old


def limit_error(name: str, found: str, what: str, *, file=None, row: int | None = None,
                column=None, advice: str = "") -> DataFileError:
    """The :class:`DataFileError` for a file over the limit ``name``: what was found, the
    limit, and how to raise it."""
    value = limit(name)
    unit = _LIMIT_UNITS[name]
    bigger = value * 4
    return DataFileError(
        f"{what} ({found}; the toolkit's limit is {value:,} {unit})", file=file, row=row,
        column=column,
        hint=(advice + " " if advice else "") +
             f"If the file is genuine, raise the limit: set the environment variable "
             f"{LIMIT_ENV[name]} (e.g. {LIMIT_ENV[name]}={bigger}), or "
             f"settings: limits: {name}: {bigger} in the council config, or "
             f"toolkit_helpers.io.set_limits({name}={bigger}) in Python.")


_FILE_KINDS = ((_stat.S_ISFIFO, "a named pipe (FIFO)"), (_stat.S_ISCHR, "a device (like /dev/zero)"),
               (_stat.S_ISBLK, "a block device (a disk)"), (_stat.S_ISSOCK, "a socket"))


def check_regular_file(path: str | os.PathLike, *, size: bool = True) -> os.stat_result:
    """``os.stat`` of a data file, refusing anything that is not a regular file — a folder, a
    named pipe, a device (a symlink to ``/dev/zero``), a socket — before it is opened (reading
    one could hang or never end), and (``size=True``) a file over ``max_file_mb``."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise DataFileError("file not found", file=path,
                            hint="check the path (relative paths in a council config are "
                                 "relative to the config file's folder).") from None
    except PermissionError:
        raise DataFileError("no permission to read this file", file=path) from None
    except OSError as exc:
        raise DataFileError(f"this file cannot be read ({exc.strerror or exc})", file=path,
                            hint="check the path; a symbolic link may point nowhere.") from None
    if _stat.S_ISDIR(st.st_mode):
        raise DataFileError("this is a folder, not a file", file=path,
                            hint="give the path of a data file (or a folder where the loader "
                                 "accepts one).")
    if not _stat.S_ISREG(st.st_mode):
        kind = next((k for test, k in _FILE_KINDS if test(st.st_mode)), "not a regular file")
        raise DataFileError(f"this is not a regular file: it is {kind}", file=path,
                            hint="the toolkit reads only ordinary files (a pipe or a device could "
                                 "hang or never end); save the data to a file and give its path.")
    if size and st.st_size > limit("max_file_mb") * 1024 * 1024:
        raise limit_error("max_file_mb", f"{st.st_size / 1024 / 1024:,.0f} MB", "this file is too large",
                          file=path, advice="For many large spend files use "
                                            "spend_pipeline.SpendPipeline (DuckDB), which streams them.")
    return st


def read_bytes(path: str | os.PathLike) -> bytes:
    """The bytes of a data file: a regular file (see :func:`check_regular_file`) within
    ``max_file_mb``. Opened without blocking and checked again once open, so a file swapped
    for a pipe in between cannot hang the read."""
    path = Path(path)
    check_regular_file(path)
    cap = limit("max_file_mb") * 1024 * 1024
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise DataFileError("file not found", file=path, hint="check the path.") from None
    except IsADirectoryError:
        raise DataFileError("this is a folder, not a file", file=path) from None
    except PermissionError:
        raise DataFileError("no permission to read this file", file=path) from None
    except OSError as exc:
        raise DataFileError(f"this file cannot be read ({exc.strerror or exc})", file=path) from None
    with os.fdopen(fd, "rb") as fh:
        if not _stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise DataFileError("this is not a regular file", file=path,
                                hint="the toolkit reads only ordinary files.")
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise limit_error("max_file_mb", f"more than {cap // 1024 // 1024:,} MB", "this file is too large",
                          file=path)
    return data


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1252" or "mixed" (see decode_text)
    line_ending: str  # "CRLF", "LF", "CR", "mixed" or "none"
    #: for ``encoding == "mixed"``: the (1-based) lines decoded as Windows-1252
    cp1252_lines: tuple[int, ...] = ()


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
    # Not UTF-8 as a whole, but some lines may be (files pasted together from two systems):
    # then each line is decoded as what it is, so `Café` (UTF-8) and `£` (Windows-1252) are
    # both right, and the Windows-1252 lines are listed.
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    if has_utf8_sequences(body):
        text, cp_lines = _decode_by_line(body)
        if text is not None:
            return DecodedText(text, "mixed", ending, tuple(cp_lines))
    # Windows-1252 leaves five bytes undefined; map those through Latin-1 so no byte is lost.
    return DecodedText(raw.decode("cp1252", errors=_CP1252_LATIN1_HANDLER), "cp1252", ending)


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")


def has_utf8_sequences(raw: bytes) -> bool:
    """Whether ``raw`` holds any UTF-8 encoded non-ASCII character (a file that is not UTF-8
    as a whole may still have UTF-8 lines: see :func:`decode_text`)."""
    return _UTF8_SEQUENCE.search(raw) is not None


def _decode_by_line(raw: bytes) -> tuple[str | None, list[int]]:
    """Each line as UTF-8 where it is valid UTF-8, else as Windows-1252: ``(text, the
    Windows-1252 line numbers)``, or ``(None, [])`` unless there are lines of both kinds."""
    parts: list[str] = []
    cp_lines: list[int] = []
    utf8 = 0
    for n, line in enumerate(raw.splitlines(keepends=True), start=1):
        if line.isascii():
            parts.append(line.decode("ascii"))
            continue
        try:
            parts.append(line.decode("utf-8"))
            utf8 += 1
        except UnicodeDecodeError:
            parts.append(line.decode("cp1252", errors=_CP1252_LATIN1_HANDLER))
            cp_lines.append(n)
    if not (utf8 and cp_lines):
        return None, []
    return "".join(parts), cp_lines


def encoding_note(decoded: DecodedText) -> str | None:
    """A sentence for a loader's report when a file mixes encodings line by line."""
    if decoded.encoding != "mixed":
        return None
    lines = decoded.cp1252_lines
    shown = ", ".join(str(n) for n in lines[:10]) + (f" … ({len(lines):,} lines)" if len(lines) > 10 else "")
    return (f"the file mixes encodings: line{'s' if len(lines) > 1 else ''} {shown} "
            "decoded as Windows-1252, the rest as UTF-8")


_CP1252_LATIN1_HANDLER = "toolkit-cp1252-latin1"


def _cp1252_undefined_as_latin1(err: UnicodeDecodeError):
    """Decode the bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) as Latin-1."""
    bad = err.object[err.start:err.end]
    return bad.decode("latin-1"), err.end


codecs.register_error(_CP1252_LATIN1_HANDLER, _cp1252_undefined_as_latin1)


def read_text(path: str | os.PathLike) -> DecodedText:
    """Read and decode a text file (see :func:`read_bytes`, :func:`decode_text`)."""
    path = Path(path)
    return decode_text(read_bytes(path), file=path)


#: The most values (nodes, plus the characters of their text) a YAML file with aliases may
#: expand to, or 10 × the file's length if larger. Anchors (``&a``) and aliases (``*a``) share
#: one object when loaded, but anything that walks, copies or writes the data expands every
#: alias: a "billion laughs" chain of a few lines would expand to gigabytes.
YAML_MAX_EXPANSION = 1_000_000


class YamlTooLarge(Exception):
    """Internal: the YAML's aliases expand past the limit (or refer to themselves)."""

    def __init__(self, problem: str, mark=None):
        super().__init__(problem)
        self.problem, self.mark = problem, mark


def _yaml_expanded_size(root, limit: int) -> int:
    """How many nodes (plus scalar characters) ``root`` expands to when every alias is copied
    out, stopping past ``limit``; a node that contains itself is refused. Iterative (no
    recursion limit), each node counted once (memoised by identity)."""
    import yaml

    def children(node):
        if isinstance(node, yaml.MappingNode):
            return [n for pair in node.value for n in pair]
        if isinstance(node, yaml.SequenceNode):
            return list(node.value)
        return []

    size: dict[int, int] = {}
    open_: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            own = 1 + (len(node.value) if isinstance(node, yaml.ScalarNode) else 0)
            total = own + sum(size[id(c)] for c in children(node))
            size[key] = min(total, limit + 1)
            open_.discard(key)
            if total > limit:
                raise YamlTooLarge(f"its anchors and aliases (&name, *name) expand to more than "
                                   f"{limit:,} values (an alias bomb?)", node.start_mark)
            continue
        if key in size:
            continue
        if key in open_:
            raise YamlTooLarge("an alias (*name) refers to the block that contains it",
                               node.start_mark)
        open_.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children(node) if id(c) not in size)
    return size.get(id(root), 0)


def safe_load_yaml(text: str, *, max_expansion: int | None = None):
    """``yaml.safe_load(text)`` (no tags that run code) that refuses YAML whose aliases expand
    past ``max_expansion`` values (default :data:`YAML_MAX_EXPANSION`, or 10 × the text's
    length if larger), or refer to themselves: raises :class:`YamlTooLarge` (with the position
    of the offending block). Text without aliases is loaded as ``yaml.safe_load`` does."""
    import yaml

    limit = max_expansion if max_expansion is not None else max(YAML_MAX_EXPANSION, 10 * len(text))

    class LimitedLoader(yaml.SafeLoader):
        aliases = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
            return super().compose_node(parent, index)

        def get_single_node(self):
            node = super().get_single_node()
            if node is not None and self.aliases:
                _yaml_expanded_size(node, limit)
            return node

    loader = LimitedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def read_yaml(path: str | os.PathLike, *, error: type = DataFileError,
              missing_hint: str = "check the path.") -> tuple[Any, str]:
    """A YAML file read with the safe loader (no tags that run code) → ``(data, text)``.

    A missing file, a file that is not UTF-8, or a YAML syntax error raises ``error`` (a
    :class:`DataFileError` by default) naming the file, and the line and column of the error.
    So do YAML whose anchors and aliases expand past :data:`YAML_MAX_EXPANSION` values (a
    "billion laughs" alias bomb: refused before anything expands it), an alias inside the block
    it names, and nesting too deep to read.
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
        return safe_load_yaml(text), text
    except YamlTooLarge as exc:
        mark = exc.mark
        raise error(f"the YAML cannot be read: {exc.problem}", file=path,
                    row=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                    hint="write the values out instead of repeating them with aliases (*name), "
                         "or use fewer of them.") from None
    except RecursionError:
        raise error("the YAML cannot be read (it is nested too deeply)", file=path,
                    hint="a config or input file needs only a few levels of indentation.") from None
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
    check_table_shape(text, delimiter, file=file)
    reader = csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [row for row in reader]
    except csv.Error as exc:
        raise DataFileError(f"the CSV cannot be parsed ({exc})", file=file,
                            row=reader.line_num,
                            hint="look for an unclosed quote (\") on or before this row.") from None


_QUOTED = re.compile(r'"[^"]*"')


def _line_widths(text: str, delimiter: str):
    """Fields per physical line (delimiters + 1), as a numpy array, counted without parsing."""
    import numpy as np

    d = delimiter.encode("utf-8")
    if len(d) != 1:  # pragma: no cover - delimiters are single ASCII characters
        return np.array([line.count(delimiter) + 1 for line in text.splitlines() or [""]])
    raw = text.encode("utf-8", "surrogatepass")
    arr = np.frombuffer(raw, dtype=np.uint8)
    if "\r" in text:
        lf, cr = arr == 10, arr == 13
        cr[:-1] &= ~lf[1:]  # CRLF is one line break
        breaks = np.flatnonzero(lf | cr)
    else:
        breaks = np.flatnonzero(arr == 10)
    delims = np.flatnonzero(arr == d[0])
    before = np.concatenate(([0], np.searchsorted(delims, breaks), [len(delims)]))
    widths = np.diff(before) + 1
    if len(widths) > 1 and (not raw or raw[-1:] in (b"\n", b"\r")):
        widths = widths[:-1]  # nothing after the last line break
    return widths


def check_table_shape(text: str, delimiter: str = ",", file=None) -> tuple[int, int]:
    """Refuse delimited text that would make a table wider than ``max_columns`` or larger
    than ``max_cells`` (rows × columns) **before** any CSV parser builds it (a 5 MB line of
    five million commas would otherwise take gigabytes). Delimiters are counted per line
    without parsing; only when a limit seems crossed are quoted values (which may hold the
    delimiter or line breaks) taken out and the count made again. Returns ``(lines, widest
    line)`` as counted (upper bounds)."""
    max_cols, max_cells = limit("max_columns"), limit("max_cells")
    n_delim = text.count(delimiter)
    lines = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    if n_delim + 1 <= max_cols and lines * (n_delim + 1) <= max_cells:
        return lines, n_delim + 1
    widths = _line_widths(text, delimiter)
    widest = int(widths.max())
    if widest > max_cols or len(widths) * widest > max_cells:
        if '"' in text:  # quoted values may hold delimiters and line breaks: count without them
            widths = _line_widths(_QUOTED.sub('""', text), delimiter)
            widest = int(widths.max())
        if widest > max_cols:
            row = int(widths.argmax()) + 1
            raise limit_error("max_columns", f"{widest:,} columns",
                              "this row has too many columns", file=file, row=row,
                              advice="Check the file is really a table (a delimiter or quote may "
                                     "be wrong).")
        if len(widths) * widest > max_cells:
            raise limit_error("max_cells", f"{len(widths):,} rows × {widest:,} columns",
                              "this table has too many cells", file=file,
                              advice="Split the file, or for spend files use "
                                     "spend_pipeline.SpendPipeline (DuckDB), which streams them.")
    return int(len(widths)), widest


#: The delimiters :func:`sniff_delimiter` chooses from (comma first: the default).
DELIMITERS = (",", "\t", ";", "|")
_SNIFF_CHARS, _SNIFF_RECORDS = 20_000, 20


def _unquoted_records(text: str, records: int = _SNIFF_RECORDS, chars: int = _SNIFF_CHARS
                      ) -> list[str]:
    """The first ``records`` non-blank records of delimited text with every quoted value taken
    out (``A;"Books, maps";1`` → ``A;"";1``), so separators inside quotes are not counted.

    Quote-aware whatever the delimiter: a ``"`` opens a quoted value at the start of a line or
    right after any of :data:`DELIMITERS` (spaces allowed between), and the value runs to the
    next ``"`` not doubled (``""`` is a quote inside it), across line breaks. A ``"`` inside an
    unquoted value (``12" pipe``) is text. Only the first ``chars`` characters are looked at; a
    record cut off there (or inside an unclosed quote) is left out."""
    sample = text[:chars]
    cut = len(text) > chars
    out: list[str] = []
    cur: list[str] = []
    start = True  # at the start of a field
    quoted = False
    i, n = 0, len(sample)
    while i < n and len(out) < records:
        ch = sample[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and sample[i + 1] == '"':
                    i += 2
                    continue
                quoted = False
                cur.append('"')
            i += 1
            continue
        if ch == "\n" or ch == "\r":
            line = "".join(cur)
            if line.strip():
                out.append(line)
            cur, start = [], True
        elif ch == '"' and start:
            quoted = True
            cur.append('"')
            start = False
        else:
            cur.append(ch)
            start = ch in DELIMITERS or (start and ch == " ")
        i += 1
    if len(out) < records and not quoted and not cut:
        line = "".join(cur)
        if line.strip():
            out.append(line)
    return out


def delimiter_counts(text: str) -> dict[str, list[int]]:
    """How many times each of :data:`DELIMITERS` is on each of the first (non-blank) records
    of ``text``, **outside quoted values** (see :func:`sniff_delimiter`)."""
    records = _unquoted_records(text)
    return {d: [r.count(d) for r in records] for d in DELIMITERS}


def sniff_delimiter(text: str) -> str:
    """Comma unless the first records are clearly tab-, semicolon- or bar-separated, counting
    separators **outside quoted values** only (a semicolon export whose quoted purposes hold
    commas, ``A;10;"Books, maps, DVDs"``, is semicolon-separated): the other delimiter is more
    than twice as common as commas, or it is on (nearly) every record the same number of times
    while commas are not (a semicolon export whose amounts have decimal commas:
    ``Supplier;Amount`` / ``A;1.250,00`` / ``B;12,5``), or both are steady but only the other
    one fits the header row too (unquoted commas in every record's text, none in the header)."""
    per = delimiter_counts(text)
    counts = {d: sum(v) for d, v in per.items()}
    best = max(counts, key=counts.get)
    if best != "," and counts[best] > 2 * counts[","]:
        return best

    def mode(d: str) -> int:
        values = per[d]
        return max(set(values), key=lambda v: (values.count(v), v)) if values else 0

    def steady(d: str) -> bool:
        values = per[d]
        top = mode(d)
        return len(values) >= 2 and top > 0 and values.count(top) >= 0.8 * len(values)

    others = [d for d in DELIMITERS[1:] if steady(d)]
    if not steady(","):
        if others:
            return max(others, key=counts.get)
        return ","
    # commas and another delimiter both steady: the one the header row agrees with
    fits = [d for d in others if per[d][0] == mode(d)]
    if fits and per[","][0] != mode(","):
        return max(fits, key=counts.get)
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


@dataclass
class Sheet:
    """One sheet of a workbook as :func:`read_workbook` reads it: its ``rows`` of text cells,
    and ``notes`` on what was done (merged cells filled down, formulas without saved values,
    a false sheet size)."""
    name: str
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    #: (row, column) 1-based → the formula of a cell that has no saved value
    formulas: dict = field(default_factory=dict)


#: The text a formula cell without a saved value gets (after ``=`` and its formula): loaders
#: show it, and :data:`FORMULA_HINT` says what to do.
FORMULA_HINT = ("open the workbook in Excel (or LibreOffice) and save it, so the formulas' values "
                "are saved with it, then load it again")

_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_XML_CELL_WITH_FORMULA = re.compile(
    rb'<(?:\w+:)?c\b([^>]*?)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)\s*'
    rb'(<(?:\w+:)?v\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?v>))?')
_XML_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_XML_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_XML_TYPE = re.compile(rb'\bt="(\w+)"')


def _column_number(letters: str | bytes) -> int:
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n


_XML_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]+)(\d+)"')
_XML_CELL_TAG = re.compile(rb'<(?:\w+:)?c[\s/>]')
_XML_CELL_COL = re.compile(rb'<c r="([A-Z]+)')
_XML_CELL_ROW = re.compile(rb'<c r="[A-Z]+(\d+)')
_XML_ROW_FAST = re.compile(rb'<row r="(\d+)"')
_XML_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"')
_XML_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_XML_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b([^>]*?\bt="e"[^>]*)>')
_XML_VALUE = re.compile(rb'<(?:\w+:)?v\b[^>]*>([^<]*)</(?:\w+:)?v>')


@dataclass
class _SheetScan:
    """What a worksheet's XML holds, found by :func:`_scan_sheet_xml` without building it."""
    merges: list = field(default_factory=list)      # (row0, col0, row1, col1), 1-based
    formulas: dict = field(default_factory=dict)    # (row, col) → formula without saved value
    errors: dict = field(default_factory=dict)      # (row, col) → saved error ("#DIV/0!")
    dimension: tuple | None = None                  # (min_row, min_col, max_row, max_col) stated
    max_row: int = 0       # the last row holding a cell
    last_row: int = 0      # the last <row> element (it may hold no cell)
    max_col: int = 0       # the last column of any cell
    widest_row: int = 0    # a row with a cell in max_col
    cells: int = 0         # <c> elements
    refs: int = 0          # of them with an r="A1" reference
    row_widths: dict | None = None  # row → last column (when asked for)


def _scan_sheet(archive, member: str, widths: bool | None = None) -> _SheetScan:
    """Merged ranges, formula cells without a saved value ``{(row, col): formula}``, saved
    errors, the stated size (``<dimension>``) and the real extent of a worksheet's XML,
    streamed in slices (never held whole, never built as a tree). ``widths``: also each row's
    last column (``None``: only when the sheet states no size)."""
    from xml.sax.saxutils import unescape

    out = _SheetScan()

    def extent(piece: bytes, prefixed: bool) -> None:
        # the cells' references, found at C speed where cells are written <c r="B7" … (as
        # Excel, LibreOffice and openpyxl write them); otherwise by the general pattern. A
        # cell without a reference is counted (refs < cells): its place is not known here.
        fast = piece.count(b'<c r="')
        if fast and fast == piece.count(b"<c") and not prefixed:
            cells = fast
            cols, rows = _XML_CELL_COL.findall(piece), _XML_CELL_ROW.findall(piece)
        else:
            cells = len(_XML_CELL_TAG.findall(piece))
            pairs = _XML_CELL_REF.findall(piece) if cells else []
            cols, rows = [c for c, _r in pairs], [r for _c, r in pairs]
        if cells:
            out.cells += cells
            out.refs += min(len(cols), len(rows))
            if cols and len(cols) == len(rows):
                letters = max(set(cols), key=lambda c: (len(c), c))
                col = _column_number(letters)
                if col > out.max_col:
                    out.max_col = col
                    out.widest_row = int(rows[cols.index(letters)])
                distinct = set(rows)
                longest = max(map(len, distinct))
                out.max_row = max(out.max_row, max(int(r) for r in distinct if len(r) == longest))
                if out.row_widths is not None:  # each row's last cell (cells in column order)
                    rw = out.row_widths
                    for r, c in dict(zip(rows, cols)).items():
                        n, w = int(r), _column_number(c)
                        if w > rw.get(n, 0):
                            rw[n] = w
        found = _XML_ROW_FAST.findall(piece)
        if len(found) != piece.count(b"<row") or prefixed:
            found = _XML_ROW_REF.findall(piece)
        if found:
            out.last_row = max(out.last_row, max(map(int, found)))

    def scan(piece: bytes) -> None:
        prefixed = b":c" in piece  # elements with a namespace prefix (<x:c>): the general patterns
        extent(piece, prefixed)
        if b"<f" in piece or (prefixed and b":f" in piece):
            for m in _XML_CELL_WITH_FORMULA.finditer(piece):
                attrs, text, v_el, v_text = m.groups()
                ref = _XML_REF.search(attrs)
                if ref is None:
                    continue
                kind = _XML_TYPE.search(attrs)
                cached = v_el is not None and (v_text or (kind and kind.group(1) == b"str"))
                if not cached:
                    formula = unescape(text.decode("utf-8", "replace"),
                                       {"&quot;": '"', "&apos;": "'"}) if text else "(shared formula)"
                    out.formulas[(int(ref.group(2)), _column_number(ref.group(1)))] = formula
        if b't="e"' in piece:
            for m in _XML_ERROR_CELL.finditer(piece):
                ref = _XML_REF.search(m.group(1))
                end = piece.find(b"/c>", m.end())
                value = _XML_VALUE.search(piece, m.end(), end if end >= 0 else len(piece))
                if ref is not None and value is not None and value.group(1):
                    out.errors[(int(ref.group(2)), _column_number(ref.group(1)))] = \
                        value.group(1).decode("utf-8", "replace")
        if b"mergeCell" in piece:
            for m in _XML_MERGE.finditer(piece):
                c0, r0, c1, r1 = m.group(1), int(m.group(2)), m.group(3), m.group(4)
                out.merges.append((r0, _column_number(c0), int(r1) if r1 else r0,
                                   _column_number(c1) if c1 else _column_number(c0)))

    with archive.open(member) as fh:
        tail = b""
        first = True
        while True:
            chunk = fh.read(1 << 22)
            if not chunk:
                break
            buf = tail + chunk
            if first:  # the stated size comes before the cells
                first = False
                head_end = buf.find(b"sheetData")
                m = _XML_DIMENSION.search(buf, 0, head_end if head_end >= 0 else len(buf))
                if m:
                    c0, r0, c1, r1 = m.groups()
                    out.dimension = (int(r0), _column_number(c0), int(r1 or r0),
                                     _column_number(c1 or c0))
                if widths is None:  # openpyxl's rows are ragged where no size is believed
                    widths = not _dimension_believed(out.dimension)
                if widths:
                    out.row_widths = {}
            cut = buf.rfind(b"row>")  # never inside a cell
            if cut < 0:
                tail = buf
                continue
            scan(buf[:cut + 4])
            tail = buf[cut + 4:]
        scan(tail)
    return out


def _scan_sheet_xml(archive, member: str) -> tuple[list[tuple[int, int, int, int]], dict]:
    """Merged ranges ``(row0, col0, row1, col1)`` and formula cells without a saved value
    ``{(row, col): formula}`` of a worksheet's XML (see :func:`_scan_sheet`)."""
    found = _scan_sheet(archive, member, widths=False)
    return found.merges, found.formulas


def _sheet_extras(archive, member: str | None, name: str, notes: list[str]):
    """Merged ranges and formulas without saved values of a sheet (:func:`_scan_sheet_xml`);
    when its XML cannot be scanned the rows are still used, with a note."""
    if archive is None or not member:
        return [], {}
    for candidate in dict.fromkeys((member, member.lstrip("/"))):
        try:
            return _scan_sheet_xml(archive, candidate)
        except KeyError:
            continue
        except Exception:  # noqa: BLE001 - the scan only adds to what openpyxl read
            break
    notes.append(f"sheet {name!r}: merged cells and formulas could not be checked")
    return [], {}


def _check_workbook_zip(path: Path):
    """What the workbook unzips to, from the zip's directory (before anything is unzipped);
    the open :class:`zipfile.ZipFile`, or ``None`` when it is not a zip (openpyxl then
    explains)."""
    import zipfile

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    total = sum(max(0, i.file_size) for i in archive.infolist())
    cap = limit("max_unzipped_mb") * 1024 * 1024
    if total > cap:
        archive.close()
        raise limit_error("max_unzipped_mb", f"{total / 1024 / 1024:,.0f} MB",
                          "this workbook unzips to too much", file=path,
                          advice="A small file that unzips to gigabytes is a 'zip bomb', not a "
                                 "spreadsheet; a genuine one can be saved as CSV.")
    return archive


def _sheet_rows(ws, path: Path, name: str, notes: list[str]) -> list[list[str]]:
    """The sheet's rows as text, within ``max_cells`` and ``max_columns``. A sheet whose
    stated size (its ``dimension``) is over ``max_cells`` is read by the cells it really has."""
    max_cells, max_cols = limit("max_cells"), limit("max_columns")
    n_rows, n_cols = ws.max_row, ws.max_column
    if n_rows and n_cols and n_rows * n_cols > max_cells:
        try:
            stated = ws.calculate_dimension()
        except ValueError:  # pragma: no cover - unsized
            stated = f"{n_rows:,} rows × {n_cols:,} columns"
        ws.reset_dimensions()
        notes.append(f"sheet {name!r} says it spans {stated} ({n_rows * n_cols:,} cells); only "
                     "the cells it really has are read")
    rows: list[list[str]] = []
    width = 0
    for row in ws.iter_rows(values_only=True):
        if len(row) > max_cols:
            raise limit_error("max_columns", f"{len(row):,} columns",
                              f"row {len(rows) + 1} of sheet {name!r} has too many columns",
                              file=path, row=len(rows) + 1)
        rows.append([_cell_to_str(v) for v in row])
        width = max(width, len(row))
        if len(rows) * max(width, 1) > max_cells:
            raise limit_error("max_cells", f"more than {len(rows):,} rows × {width:,} columns",
                              f"sheet {name!r} has too many cells", file=path,
                              advice="Look for stray cells far from the table (Ctrl+End in Excel "
                                     "goes to the last one) and delete them, or save the sheet as "
                                     "CSV and check its size.")
    return rows


def _fill_merged(rows: list[list[str]], merges, name: str, notes: list[str]) -> None:
    """Fill each merged range spanning rows down its first column (Excel shows the value in
    every row of the range; the file stores it in the first), with a note."""
    filled = []
    for r0, c0, r1, _c1 in sorted(merges):
        if r1 <= r0 or r0 > len(rows):
            continue
        top = rows[r0 - 1]
        value = top[c0 - 1] if c0 - 1 < len(top) else ""
        if not value.strip():
            continue
        n = 0
        for r in range(r0 + 1, min(r1, len(rows)) + 1):
            row = rows[r - 1]
            if len(row) < c0:
                row.extend([""] * (c0 - len(row)))
            if not row[c0 - 1].strip():
                row[c0 - 1] = value
                n += 1
        if n:
            filled.append(f"{column_letter(c0)}{r0}:{column_letter(c0)}{min(r1, len(rows))} "
                          f"({value[:40]!r})")
    if filled:
        shown = "; ".join(filled[:5]) + (f"; … ({len(filled):,} ranges)" if len(filled) > 5 else "")
        notes.append(f"sheet {name!r}: merged cells filled down (the value of a merged range "
                     f"repeated in each of its rows): {shown}")


def _mark_formulas(rows: list[list[str]], formulas: dict, name: str, notes: list[str]) -> dict:
    """Formula cells with no saved value get their formula as text (``=SUM(B2:B9)``) rather
    than looking empty; a note says to open and save the workbook in Excel."""
    marked = {}
    for (r, c), formula in sorted(formulas.items()):
        if r > len(rows):
            continue
        row = rows[r - 1]
        if len(row) < c:
            row.extend([""] * (c - len(row)))
        if not row[c - 1]:
            row[c - 1] = "=" + formula
            marked[(r, c)] = formula
    if marked:
        (r, c), formula = next(iter(marked.items()))
        notes.append(f"sheet {name!r}: {len(marked):,} formula cell{'s' if len(marked) > 1 else ''} "
                     f"without a saved value (e.g. {column_letter(c)}{r}: ={formula}); "
                     f"{FORMULA_HINT}")
    return marked


def _finish_sheet(name: str, rows: list[list[str]], merges, formulas, notes: list[str]) -> Sheet:
    """A sheet's rows with merged cells filled down and formulas without a saved value marked
    (both noted), as either reader gives them."""
    _fill_merged(rows, merges, name, notes)
    return Sheet(name, rows, notes, _mark_formulas(rows, formulas, name, notes))


def choose_sheets(names: list[str], sheet: str | int | None, path=None) -> list[str]:
    """The sheets to read: all (``sheet=None``), one by number (from 0) or one by name; a
    :class:`DataFileError` naming the sheets there when it is not one of them."""
    if sheet is None:
        return list(names)
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise DataFileError(f"there is no sheet number {sheet} (sheets: {names})",
                                file=path, hint="sheet numbers start at 0.")
        return [names[sheet]]
    if sheet not in names:
        raise DataFileError(f"there is no sheet called {sheet!r} (sheets: {names})",
                            file=path, hint="pass one of the sheet names shown.")
    return [sheet]


def _read_workbook_openpyxl(path: str | os.PathLike, sheet: str | int | None = None
                            ) -> list[Sheet]:
    """(The reader before python-calamine, kept for ``.xlsx`` files whose cells have no
    ``r="A1"`` references.) Every sheet (or the one named/numbered) of an ``.xlsx`` workbook, each a
    :class:`Sheet`: rows of text cells (dates as ISO text, numbers as their plain text, empty cells ``""``)
    and notes on what was done.

    Before openpyxl reads anything: the file must be a regular file within ``max_file_mb``,
    and what it unzips to (from the zip's directory) within ``max_unzipped_mb``; a sheet
    whose stated size is over ``max_cells`` is read by the cells it really has, and reading
    stops at ``max_cells`` (see :data:`LIMITS`). Merged ranges spanning rows are filled down
    their first column; formula cells without a saved value (a workbook written by a program
    that does not calculate) hold their formula (``=B2*2``) and are noted (:data:`FORMULA_HINT`).
    """
    path = Path(path)
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - dependency
        raise DataFileError("reading Excel needs openpyxl", file=path) from exc
    check_regular_file(path)
    archive = _check_workbook_zip(path)
    try:
        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except DataFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure to open is the same to the user
            with open(path, "rb") as fh:
                head = fh.read(8)
            if head.startswith(b"\xd0\xcf\x11\xe0"):
                why = "this workbook is password-protected or in the old .xls format"
                hint = "remove the password (or save as .xlsx) in Excel, then try again."
            else:
                why = (f"this workbook cannot be opened ({type(exc).__name__}: it may be "
                       "truncated or not really .xlsx)")
                hint = "open it in Excel or LibreOffice and save it again as .xlsx, or export CSV."
            raise DataFileError(why, file=path, hint=hint) from None
        try:
            names = wb.sheetnames
            chosen = choose_sheets(names, sheet, path)
            out = []
            for name in chosen:
                ws = wb[name]
                notes: list[str] = []
                try:
                    rows = _sheet_rows(ws, path, name, notes)
                except DataFileError:
                    raise
                except Exception as exc:  # noqa: BLE001 - a broken sheet inside a good zip
                    raise DataFileError(f"sheet {name!r} cannot be read ({type(exc).__name__}: "
                                        "the workbook may be damaged)", file=path,
                                        hint="open it in Excel or LibreOffice and save it again "
                                             "as .xlsx, or export CSV.") from None
                merges, formulas = _sheet_extras(archive, getattr(ws, "_worksheet_path", None),
                                                 name, notes)
                out.append(_finish_sheet(name, rows, merges, formulas, notes))
            return out
        finally:
            wb.close()
    finally:
        if archive is not None:
            archive.close()


def _dimension_believed(dimension) -> bool:
    """Whether a sheet's stated size is used as its size (as openpyxl does): given, and
    within ``max_cells`` (a false size is ignored, with a note)."""
    return dimension is not None and dimension[2] * dimension[3] <= limit("max_cells")


_ODS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
        "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}
_ODS_REF = re.compile(r"\[\$?'?[^\].:]*'?\.\$?([A-Z]{1,3})\$?(\d+)(?::\$?'?[^\].:]*'?\.\$?([A-Z]{1,3})\$?(\d+))?\]")


def _ods_formula(text: str) -> str:
    """An OpenDocument formula as a spreadsheet shows it: ``of:=SUM([.B2:.B9])*2`` →
    ``SUM(B2:B9)*2``."""
    body = re.sub(r"^(?:\w+:)?=", "", text)
    return _ODS_REF.sub(lambda m: f"{m[1]}{m[2]}" + (f":{m[3]}{m[4]}" if m[3] else ""), body)


def _scan_ods(archive) -> dict[str, _SheetScan]:
    """Per sheet of an OpenDocument spreadsheet (``content.xml``, parsed as a stream, repeated
    rows and columns counted, never expanded): merged ranges, formulas without a saved value,
    and the real extent (the last row and column holding something)."""
    from xml.etree.ElementTree import iterparse

    t, o = "{" + _ODS["table"] + "}", "{" + _ODS["office"] + "}"
    out: dict[str, _SheetScan] = {}
    scan = _SheetScan()
    row = col = 0
    row_repeat = 1
    with archive.open("content.xml") as fh:
        for event, el in iterparse(fh, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == t + "table":
                    scan = out.setdefault(el.get(t + "name") or f"Sheet{len(out) + 1}", _SheetScan())
                    row = 0
                elif tag == t + "table-row":
                    row_repeat = int(el.get(t + "number-rows-repeated") or 1)
                    row, col = row + 1, 0
                continue
            if tag in (t + "table-cell", t + "covered-table-cell"):
                repeat = int(el.get(t + "number-columns-repeated") or 1)
                formula = el.get(t + "formula")
                has_value = el.get(o + "value-type") is not None
                filled = has_value or formula is not None or len(el) > 0
                if filled and tag == t + "table-cell":
                    last_row, last_col = row + row_repeat - 1, col + repeat
                    scan.cells += repeat * row_repeat
                    if last_col > scan.max_col:
                        scan.max_col, scan.widest_row = last_col, row
                    scan.max_row = max(scan.max_row, last_row)
                    rows_spanned = int(el.get(t + "number-rows-spanned") or 1)
                    cols_spanned = int(el.get(t + "number-columns-spanned") or 1)
                    if rows_spanned > 1 or cols_spanned > 1:
                        scan.merges.append((row, col + 1, row + rows_spanned - 1,
                                            col + cols_spanned))
                    if formula is not None and not has_value:
                        scan.formulas[(row, col + 1)] = _ods_formula(formula)
                col += repeat
                el.clear()
            elif tag == t + "table-row":
                row += row_repeat - 1
                el.clear()
    return out


def _workbook_kind(path: Path, archive) -> str | None:
    """What a workbook really is, from its content: ``xlsx`` (also ``.xlsm``), ``ods``, ``xls``
    (an OLE container: an old .xls, or a password-protected workbook) or ``None``."""
    if archive is not None:
        names = set(archive.namelist())
        if "content.xml" in names and ("mimetype" in names or "META-INF/manifest.xml" in names):
            return "ods"
        if "[Content_Types].xml" in names or any(n.endswith("workbook.xml") for n in names):
            return "xlsx"
        return None
    with open(path, "rb") as fh:
        head = fh.read(8)
    return "xls" if head.startswith(b"\xd0\xcf\x11\xe0") else None


def _xlsx_sheet_members(archive) -> dict[str, str]:
    """Sheet name → the zip member holding its XML, from the workbook part and its
    relationships (small files)."""
    import posixpath
    from xml.etree.ElementTree import fromstring

    main = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    names = set(archive.namelist())
    book = "xl/workbook.xml"
    if "_rels/.rels" in names:
        for rel in fromstring(archive.read("_rels/.rels")).iter(pkg + "Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                book = rel.get("Target", book).lstrip("/")
    folder = posixpath.dirname(book)
    rels_name = posixpath.join(folder, "_rels", posixpath.basename(book) + ".rels")
    targets = {}
    for rel in fromstring(archive.read(rels_name)).iter(pkg + "Relationship"):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = (target.lstrip("/") if target.startswith("/")
                                  else posixpath.normpath(posixpath.join(folder, target)))
    out = {}
    for el in fromstring(archive.read(book)).iter():
        if el.tag.rsplit("}", 1)[-1] == "sheet":
            # r:id, in the transitional namespace or another (strict OOXML)
            rid = el.get(f"{{{main}}}id") or next(
                (v for k, v in el.attrib.items() if k.startswith("{") and k.endswith("}id")), None)
            if el.get("name") is not None and targets.get(rid) in names:
                out[el.get("name")] = targets[rid]
    return out


def _check_extent(scan: _SheetScan, path: Path, name: str, notes: list[str]) -> None:
    """Refuse a sheet over ``max_columns`` / ``max_cells`` **before** it is read (a sheet holding
    a cell at XFD1048576 is 17 billion cells: calamine would ask for them all at once): the
    cells it really has, and its stated size when that is believed; a stated size over
    ``max_cells`` is ignored, with a note."""
    max_cells, max_cols = limit("max_cells"), limit("max_columns")
    height = max(scan.max_row, scan.last_row)
    width = scan.max_col
    d = scan.dimension
    if d is not None:
        if _dimension_believed(d):
            width = max(width, d[3])
        else:
            stated = f"{column_letter(d[1])}{d[0]}:{column_letter(d[3])}{d[2]}"
            notes.append(f"sheet {name!r} says it spans {stated} ({d[2] * d[3]:,} cells); only "
                         "the cells it really has are read")
    if width > max_cols:
        row = scan.widest_row or 1
        raise limit_error("max_columns", f"{width:,} columns",
                          f"row {row} of sheet {name!r} has too many columns", file=path, row=row)
    if height * width > max_cells:
        raise limit_error("max_cells", f"{height:,} rows × {width:,} columns",
                          f"sheet {name!r} has too many cells", file=path,
                          advice="Look for stray cells far from the table (Ctrl+End in Excel "
                                 "goes to the last one) and delete them, or save the sheet as "
                                 "CSV and check its size.")


def _value_to_str(value) -> str:
    """A cell value from calamine as text, as :func:`_cell_to_str` writes openpyxl's: calamine
    gives every number as a float, so a whole number is written without ``.0`` up to 16
    digits (openpyxl read ``1000000000000000`` as a whole number)."""
    if type(value) is float and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return _cell_to_str(value)


def _shape_rows(values: list[list], scan: _SheetScan | None) -> list[list[str]]:
    """Calamine's cells as rows of text, shaped as openpyxl read them, so results are the same:
    from A1; with a stated size believed, every row as wide as it says and as many rows as the
    sheet has up to it; otherwise each row as long as its last cell (a cell with only a
    format counts) and every row the sheet has. A cell outside a too small stated size is
    still read (openpyxl left it out). Without ``scan`` (``.xls``, ``.ods``): a plain grid."""
    rows = [[v if type(v) is str else _value_to_str(v) for v in r] for r in values]
    widest = max((len(r) for r in rows), default=0)
    if scan is None:
        height, width = len(rows), widest
    elif scan.row_widths is not None:  # no size believed: rows as long as their last cell
        height = max(len(rows), scan.last_row, scan.max_row)
        rows.extend([] for _ in range(height - len(rows)))
        for i, r in enumerate(rows):
            w = scan.row_widths.get(i + 1, 0)
            while len(r) > w and not r[-1]:
                r.pop()
            if len(r) < w:
                r.extend([""] * (w - len(r)))
        return rows
    elif scan.dimension is not None and _dimension_believed(scan.dimension):
        height = max(len(rows), min(scan.last_row, scan.dimension[2]))
        width = max(widest, scan.dimension[3])
    else:
        height, width = max(len(rows), scan.last_row), widest
    for r in rows:
        if len(r) < width:
            r.extend([""] * (width - len(r)))
    rows.extend([""] * width for _ in range(height - len(rows)))
    return rows


def _fill_errors(rows: list[list[str]], errors: dict) -> None:
    """Cells holding a saved error (``#DIV/0!``, ``#N/A``) show it, as openpyxl read them
    (calamine reads them as empty)."""
    for (r, c), text in errors.items():
        if r <= len(rows) and c <= len(rows[r - 1]) and not rows[r - 1][c - 1]:
            rows[r - 1][c - 1] = text


def _open_error(path: Path, kind: str | None, exc: Exception | None) -> DataFileError:
    """The error for a workbook that cannot be opened, saying why as far as it is known."""
    suffix = path.suffix.lower() or ".xlsx"
    if exc is not None and (type(exc).__name__ == "PasswordError" or "password" in str(exc).lower()):
        return DataFileError("this workbook is password-protected", file=path,
                             hint="remove the password in Excel (or save an unprotected copy), "
                                  "then try again.")
    if kind == "xls" and suffix != ".xls":  # Excel encrypts an .xlsx into an OLE container
        return DataFileError("this workbook is password-protected or a damaged old-style .xls "
                             "file", file=path,
                             hint="remove the password (or save as .xlsx) in Excel, then try again.")
    why = f"{type(exc).__name__}: it" if exc is not None else "it"
    return DataFileError(f"this workbook cannot be opened ({why} may be truncated, damaged or "
                         f"not really {suffix})", file=path,
                         hint="open it in Excel or LibreOffice and save it again as .xlsx, or "
                              "export CSV.")


#: What each kind of workbook is called in notes.
_WORKBOOK_KINDS = {"xlsx": "an .xlsx", "xls": "an old-style .xls", "ods": "an OpenDocument .ods"}


def read_workbook(path: str | os.PathLike, sheet: str | int | None = None) -> list[Sheet]:
    """Every sheet (or the one named/numbered) of a workbook — ``.xlsx``/``.xlsm``, old-style
    ``.xls`` or OpenDocument ``.ods`` (what the file really is decides, not its name) — each a
    :class:`Sheet`: rows of text cells (dates as ISO text, numbers as their plain text, empty
    cells ``""``) and notes on what was done. Cell values are read by python-calamine (ten
    times faster than openpyxl: 100,000 rows in about two seconds).

    Before a cell is read: the file must be a regular file within ``max_file_mb``; what a
    zipped workbook (``.xlsx``, ``.ods``) unzips to, from the zip's directory, within
    ``max_unzipped_mb``; and each sheet's XML is scanned as a stream for its real extent,
    refused over ``max_columns`` / ``max_cells`` (a sheet whose stated size is over
    ``max_cells`` is read by the cells it really has, with a note). An ``.xls`` (at most
    65,536 × 256 cells) is checked once read. The same scan finds what calamine does not say:
    merged ranges spanning rows are filled down their first column; formula cells without a
    saved value (a workbook written by a program that does not calculate) hold their formula
    (``=B2*2``) and are noted (:data:`FORMULA_HINT`); saved errors (``#DIV/0!``) are kept.
    Rows are shaped as openpyxl read them (from A1, padded to the stated size), so results
    are the same as before; an ``.xlsx`` whose cells lack references is read by openpyxl.
    """
    path = Path(path)
    check_regular_file(path)
    archive = _check_workbook_zip(path)
    try:
        kind = _workbook_kind(path, archive)
        if kind is None:
            raise _open_error(path, None, None)
        members: dict[str, str] = {}
        if kind == "xlsx":
            try:
                members = _xlsx_sheet_members(archive)
            except Exception:  # noqa: BLE001 - a damaged package: openpyxl explains
                return _read_workbook_openpyxl(path, sheet)
        try:
            import python_calamine
        except ImportError as exc:  # pragma: no cover - dependency
            raise DataFileError("reading workbooks needs python-calamine", file=path) from exc
        same = {"xlsx": (".xlsx", ".xlsm"), "xls": (".xls",), "ods": (".ods",)}[kind]
        misnamed = ([] if path.suffix.lower() in same else
                    [f"the file is {_WORKBOOK_KINDS[kind]} workbook, though named "
                     f"{path.suffix or '(no extension)'}: read as what it is"])
        try:
            if path.suffix.lower() in same:
                wb = python_calamine.CalamineWorkbook.from_path(str(path))
            else:  # named as another kind (an .xls saved as .xlsx): calamine reads the content
                with open(path, "rb") as fh:
                    wb = python_calamine.CalamineWorkbook.from_filelike(fh)
        except Exception as exc:  # noqa: BLE001 - any failure to open is the same to the user
            raise _open_error(path, kind, exc) from None
        try:
            names = list(wb.sheet_names)
            chosen = choose_sheets(names, sheet, path)
            # every chosen sheet is checked before any is read
            scans: dict[str, _SheetScan | None] = {}
            notes: dict[str, list[str]] = {name: list(misnamed) for name in chosen}
            if kind == "xlsx":
                for name in chosen:
                    if name not in members:
                        return _read_workbook_openpyxl(path, sheet)
                    try:
                        scans[name] = _scan_sheet(archive, members[name])
                    except Exception:  # noqa: BLE001 - unreadable XML: openpyxl explains
                        return _read_workbook_openpyxl(path, sheet)
                    if scans[name].refs < scans[name].cells:  # cells placed by position
                        return _read_workbook_openpyxl(path, sheet)
            elif kind == "ods":
                try:
                    found = _scan_ods(archive)
                except Exception as exc:  # noqa: BLE001 - damaged content.xml
                    raise _open_error(path, kind, exc) from None
                for name in chosen:
                    scans[name] = found.get(name, _SheetScan())
            for name in chosen:
                if scans.get(name) is not None:
                    _check_extent(scans[name], path, name, notes[name])
            out = []
            for name in chosen:
                scan = scans.get(name)
                try:
                    data = wb.get_sheet_by_name(name)
                    values = data.to_python(skip_empty_area=False)
                    merged = data.merged_cell_ranges if kind == "xls" else None
                except Exception as exc:  # noqa: BLE001 - a broken sheet inside a good file
                    raise DataFileError(f"sheet {name!r} cannot be read ({type(exc).__name__}: "
                                        "the workbook may be damaged)", file=path,
                                        hint="open it in Excel or LibreOffice and save it again "
                                             "as .xlsx, or export CSV.") from None
                if scan is None:  # .xls: checked once read (the format caps it)
                    scan = _SheetScan(max_row=len(values),
                                      max_col=max((len(r) for r in values), default=0),
                                      widest_row=1)
                    scan.merges = [(r0 + 1, c0 + 1, r1 + 1, c1 + 1)
                                   for (r0, c0), (r1, c1) in (merged or [])]
                    _check_extent(scan, path, name, notes[name])
                rows = _shape_rows(values, scan if kind == "xlsx" else None)
                _fill_errors(rows, scan.errors)
                out.append(_finish_sheet(name, rows, scan.merges, scan.formulas, notes[name]))
            return out
        finally:
            wb.close()
    finally:
        if archive is not None:
            archive.close()


def read_excel_rows(path: str | os.PathLike, sheet: str | int | None = None
                    ) -> list[tuple[str, list[list[str]]]]:
    """Rows of every sheet (or the one named/numbered) of a workbook (``.xlsx``, ``.xlsm``,
    ``.xls``, ``.ods``), as :func:`read_workbook` reads them. Returns ``[(sheet_name, rows),
    …]``."""
    return [(s.name, s.rows) for s in read_workbook(path, sheet)]


@dataclass
class Table:
    """One table of text cells from :func:`read_tables`: a CSV file (``name`` ``None``) or one
    sheet of a workbook, with what was found reading it."""
    name: str | None
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    delimiter: str | None = None  # CSV only
    encoding: str | None = None  # for a workbook "xlsx" (also .xlsm), "xls" or "ods"


def read_tables(path: str | os.PathLike, sheet: str | int | None = None) -> list[Table]:
    """A CSV (one :class:`Table`) or each sheet of a workbook (:func:`read_workbook`), with
    the delimiter, encoding and notes (mixed encodings, merged cells, formulas without saved
    values)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        kind = {".xls": "xls", ".ods": "ods"}.get(suffix, "xlsx")
        return [Table(s.name, s.rows, list(s.notes), None, kind) for s in read_workbook(path, sheet)]
    decoded = read_text(path)
    delimiter = sniff_delimiter(decoded.text)
    rows = parse_csv_text(decoded.text, file=path, delimiter=delimiter)
    note = encoding_note(decoded)
    return [Table(None, rows, [note] if note else [], delimiter, decoded.encoding)]


def read_rows(path: str | os.PathLike, sheet: str | int | None = None
              ) -> list[tuple[str | None, list[list[str]]]]:
    """Rows of a CSV (one block, sheet name ``None``) or of each sheet of a workbook."""
    return [(t.name, t.rows) for t in read_tables(path, sheet)]


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


def _neutralise_cell(v):
    """A cell of any type, neutralised as the text it will be written as (missing values,
    ``None``, ``NaN`` and ``pd.NA``, are left as they are)."""
    if isinstance(v, str):
        return neutralise_formula(v)
    try:
        import pandas as pd

        if v is None or pd.isna(v):
            return v
    except (TypeError, ValueError):  # a list or other container: check its text
        pass
    text = str(v)
    return neutralise_formula(text) if text.startswith(_FORMULA_START) else v


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
            df.isetitem(j, col.astype(object).map(_neutralise_cell))
    return atomic_write_text(path, df.to_csv(index=False, lineterminator="\n"))


def iter_paths(paths: str | os.PathLike | Iterable,
               patterns: Sequence[str] = ("*.csv", "*.xlsx", "*.xlsm", "*.xls", "*.ods")
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
    for field, column in mapping.items():  # noqa: F402 (dataclasses.field unused here)
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


# ---------------------------------------------------------------- numbers: decimal comma or point

#: The digits and separators of a number once its sign, currency, brackets, spaces and
#: ``CR``/``GBP`` are taken out (what :data:`DECIMAL_COMMA` and friends are matched on).
NUMBER_NOISE = r"(?i)gbp|eur|cr$|[£€\s()+\-\u2212]"
#: A decimal comma: ``12,5``, ``0,75``, ``1.234,56``, ``1234,567`` (a comma not followed by
#: exactly three digits, or after dot-grouped thousands: never a thousands separator).
DECIMAL_COMMA = r"(?!\d{1,3}(?:,\d{3})+$)(?:\d{1,3}(?:\.\d{3})+|\d*),\d+"
#: A decimal point: ``12.50``, ``.5``, ``1,234.56`` (never a thousands separator).
DECIMAL_POINT = r"(?!\d{1,3}(?:\.\d{3})+$)(?:\d{1,3}(?:,\d{3})+|\d*)\.\d+"
#: Only thousands groups, which either convention could mean: ``1,234`` / ``1.234``.
GROUPED_BY_COMMA = r"\d{1,3}(?:,\d{3})+"
GROUPED_BY_DOT = r"\d{1,3}(?:\.\d{3})+"
#: The numbers each convention can read (digits and separators only).
VALID_WITH_POINT = r"\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d*\.?\d*"
VALID_WITH_COMMA = r"\d{1,3}(?:\.\d{3})+(?:,\d*)?|\d*,?\d*"


def number_core(text) -> str:
    """``'£(1.234,56)'`` → ``'1.234,56'``: the digits and separators a decimal rule looks at."""
    return re.sub(NUMBER_NOISE, "", str(text))


def number_style(text) -> str | None:
    """``'comma'`` (a decimal comma), ``'point'`` (a decimal point), ``'grouped_comma'`` /
    ``'grouped_dot'`` (thousands groups only: either) or ``None`` (no separator, or not a
    number)."""
    core = number_core(text)
    for name, pattern in (("comma", DECIMAL_COMMA), ("point", DECIMAL_POINT),
                          ("grouped_comma", GROUPED_BY_COMMA), ("grouped_dot", GROUPED_BY_DOT)):
        if re.fullmatch(pattern, core):
            return name
    return None


def choose_decimal(comma: int, point: int, grouped_dot: int = 0, grouped_comma: int = 0,
                   delimiter: str | None = None) -> tuple[str | None, str]:
    """The decimal separator of a file's numbers, from how many values show each (see
    :func:`number_style`) and the delimiter: ``(separator, note)``. The convention most
    values show wins (the others are then unreadable, never misread); with none shown, a
    semicolon-separated file whose numbers have dots as thousands groups (``1.234``) is read
    with decimal commas (Excel writes ``;`` where ``,`` is the decimal separator), anything
    else with decimal points. ``(None, why)`` when it cannot be told: as many values one way
    as the other, or a semicolon file with both ``1.234`` and ``1,234``."""
    if comma > point:
        note = (f"decimal commas: {comma:,} value{'s' if comma > 1 else ''} like '12,5' or "
                "'1.234,56'; dots are thousands separators")
        if point:
            note += f"; {point:,} value{'s' if point > 1 else ''} with a decimal point left unread"
        return ",", note
    if point > comma:
        note = (f"{comma:,} value{'s' if comma > 1 else ''} with a decimal comma left unread "
                "(the file uses decimal points)") if comma else ""
        return ".", note
    if comma:
        return None, (f"as many values have a decimal comma ({comma:,}) as a decimal point "
                      f"({point:,})")
    if delimiter == ";" and grouped_dot:
        if grouped_comma:
            return None, ("the file is semicolon-separated and has numbers like '1.234' and "
                          "'1,234' (one of them with three decimals?)")
        return ",", ("decimal commas assumed: the file is semicolon-separated and its numbers "
                     "use dots only as thousands separators ('1.234' read as 1234)")
    return ".", ""


# ---------------------------------------------------------------- JSON

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)


def json_depth(text: str) -> int:
    """How deeply objects and lists nest in JSON text, counted without parsing (strings
    skipped), in slices so memory stays small."""
    import numpy as np

    if text.count("[") + text.count("{") == 0:
        return 0
    raw = _JSON_STRING.sub('""', text).encode("utf-8", "surrogatepass")
    deepest = level = 0
    step = 1 << 22
    for start in range(0, len(raw), step):
        arr = np.frombuffer(raw, dtype=np.uint8, count=min(step, len(raw) - start), offset=start)
        moves = ((arr == 91) | (arr == 123)).astype(np.int32) - ((arr == 93) | (arr == 125))
        running = np.cumsum(moves, dtype=np.int64) + level
        if len(running):
            deepest = max(deepest, int(running.max()))
            level = int(running[-1])
    return deepest


def load_json(text: str, file=None):
    """``json.loads(text)`` after checking how deeply it nests (``max_json_depth``): JSON
    nested 10,000 deep is a :class:`DataFileError` saying the limit, not a ``RecursionError``.
    Syntax errors are left to the caller (``json.JSONDecodeError``)."""
    import json

    cap = limit("max_json_depth")
    if text.count("[") + text.count("{") > cap:
        depth = json_depth(text)
        if depth > cap:
            raise limit_error("max_json_depth", f"{depth:,} levels", "this JSON nests too deeply",
                              file=file, advice="OCDS and 360Giving files nest about ten levels; "
                                                "check you picked the right file.")
    try:
        return json.loads(text)
    except RecursionError:
        raise limit_error("max_json_depth", "too deep for Python", "this JSON nests too deeply",
                          file=file) from None
