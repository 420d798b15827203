"""Spend data for many councils and many rows, within Binder's memory: a DuckDB pipeline.

:func:`load_spend` reads everything into pandas, which is right for one council's year but not
for tens of millions of lines. :class:`SpendPipeline` ingests published spend files into a
columnar cache (one Parquet file per input file) and computes the standard summaries with SQL
(by month, service area, supplier; supplier concentration; duplicate candidates), so only the
small results are ever pandas frames.

**The same rules as** :func:`toolkit_helpers.spend.load_spend`. Each CSV's layout is decided
from its head only (the first :data:`HEAD_BYTES`): the header row and the columns by
:mod:`toolkit_helpers.spend`'s own functions (:func:`spend.find_header`,
:func:`spend.detect_columns`), the delimiter and the encoding (UTF-8, or Latin-1 for a
Windows-1252 file without the bytes where the two differ). Files of one layout are then read
together by DuckDB in one pass: the columns used are stripped as Python strips, each record is
kept or set aside (blank, repeated header, totals, no content — :func:`spend.drop_mask`'s
reasons, counted per file as ``load_spend``'s report counts them) as it is read, and the kept
records are parsed by SQL written from the same rules (amount forms, date shapes with day-first
or month-first detection, missing tokens) and written to the Parquet cache. Only a byte search
for blank lines looks at a whole file in Python (DuckDB would skip them, shifting row
numbers). Files the SQL route cannot take exactly as ``load_spend`` would — workbooks,
Windows-1252 files using the bytes 0x80–0x9F (found in the head, or in the cells of the columns
used), mixed encodings, bytes that are not UTF-8 after a UTF-8 head, blank lines, ragged rows
or unclosed quotes, a header on the last line, totals rows with no label, an empty chosen
column, mostly unreadable columns — are read by ``load_spend`` itself (one file at a time) and
written to the same cache. Results equal the pandas path (tested on the bad-input corpus, the
synthetic samples and small awkward data).

**The cache** holds one Parquet file per input, named from the file's path, size,
modification time, the column mapping and :data:`CACHE_VERSION`; an unchanged file is not read
again. Cache files are written atomically.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io as _io
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import spend
from .errors import DataFileError

#: Bump when the parsing rules change, so old cache files are not reused.
CACHE_VERSION = 3
#: Columns of every cache file, in order.
CACHE_COLUMNS = spend.CANONICAL + ("source_file", "source_row") + (
    "effective_date", "irrecoverable_vat", "supplier_id", "expense_code")
#: Bytes of a file read to find its header (the first records).
HEAD_BYTES = 256 * 1024
#: CSV bytes read by SQL in one batch (files of one layout are read together up to this).
BATCH_BYTES = 192 * 1024 * 1024
#: Parquet compression of the cache (fast to write and read; the cache is about a third of
#: the CSVs' size).
PARQUET_CODEC = "snappy"
#: Reasons rows are set aside, as :func:`spend.drop_mask` names them (its order).
DROP_REASONS = ("blank", "repeated header", "totals", "no amount, supplier, date or reference")
#: DuckDB's memory limit: well inside Binder's 1–2 GB; DuckDB spills to disk beyond it.
MEMORY_LIMIT = "900MB"


# ----------------------------------------------------------------------------- SQL pieces

def _q(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _strip(expr: str) -> str:
    """Python's ``str.strip()`` (Unicode spaces) in SQL: DuckDB's fast ``trim`` of spaces,
    and the slower trim of every whitespace character only where one is left at an end."""
    ws, t = _q(spend.PY_WHITESPACE), f"trim({expr})"
    return (f"(CASE WHEN contains({ws}, left({t}, 1)) OR contains({ws}, right({t}, 1)) "
            f"THEN trim({expr}, {ws}) ELSE {t} END)")


def _strip_fast(expr: str) -> str:
    """:func:`_strip`, passing over the usual cell — printable ASCII at both ends, so nothing
    to strip — without trimming it."""
    return (f"(CASE WHEN ascii({expr}) BETWEEN 33 AND 126 AND ascii(right({expr}, 1)) "
            f"BETWEEN 33 AND 126 THEN {expr} ELSE {_strip(expr)} END)")


def _filled(expr: str) -> str:
    """SQL: the cell has something other than whitespace (``str.strip()`` leaves text), false
    for NULL; a cell starting with printable ASCII is decided without trimming."""
    return (f"(CASE WHEN {expr} IS NULL OR {expr} = '' THEN false "
            f"WHEN ascii({expr}) BETWEEN 33 AND 126 THEN true ELSE {_strip(expr)} <> '' END)")


_MISSING_ANY = sorted(spend._MISSING_ANY_CASE)
_MISSING_UPPER = sorted(spend.MISSING_TOKENS)
#: "No value" in amount columns (``nan`` there is an unreadable amount, as in load_spend).
_AMOUNT_MISSING_UPPER = sorted(spend.AMOUNT_MISSING_TOKENS)


def _in(expr: str, values) -> str:
    return f"{expr} IN ({', '.join(_q(v) for v in values)})"


#: The longest missing token (in bytes): longer text is never one.
_TOKEN_BYTES = max(len(t.encode()) for t in spend._MISSING_ANY_CASE)


def _is_token(s: str, values, upper: bool = False) -> str:
    """SQL: the (non-NULL) text ``s`` is one of ``values`` (missing tokens), with the usual
    cell — longer than any token — decided by its length alone."""
    e = f"upper({s})" if upper else s
    return f"(CASE WHEN strlen({s}) > {_TOKEN_BYTES} THEN false ELSE {_in(e, values)} END)"


def _amount_expr(s: str) -> str:
    """SQL for :func:`spend.parse_amounts` of the stripped text ``s``: NULL when empty or
    unreadable (infinite values are made NULL by :func:`_finite`)."""
    step2 = f"replace(replace(replace({s}, ',', ''), '£', ''), ' ', '')"
    t = f"replace({s}, '\u2212', '-')"
    neg = (f"(regexp_full_match({t}, '-?\\s*[£]?\\s*\\(.*\\)') OR "
           f"regexp_full_match({t}, '[^-]*\\d[\\s£]*-') OR "
           f"regexp_full_match({t}, '(?i).*\\d\\s*CR'))")
    c0 = f"regexp_replace(regexp_replace({t}, '(?i)GBP|CR$', '', 'g'), '[£\\s,()]', '', 'g')"
    c1 = f"(CASE WHEN regexp_full_match({c0}, '[^-]+-') THEN rtrim({c0}, '-') ELSE {c0} END)"
    c2 = f"(CASE WHEN {neg} THEN ltrim({c1}, '-') ELSE {c1} END)"
    num = (f"(CASE WHEN regexp_full_match({c2}, '[-+]?(\\d+\\.?\\d*|\\.\\d+)') "
           f"THEN TRY_CAST({c2} AS DOUBLE) END)")
    step3 = f"(CASE WHEN {neg} THEN -abs({num}) ELSE {num} END)"
    return (f"(CASE WHEN {s} IS NULL OR {_is_token(s, _MISSING_UPPER, True)} THEN NULL "
            f"WHEN TRY_CAST({s} AS DOUBLE) IS NOT NULL THEN TRY_CAST({s} AS DOUBLE) "
            f"WHEN TRY_CAST({step2} AS DOUBLE) IS NOT NULL THEN TRY_CAST({step2} AS DOUBLE) "
            f"ELSE {step3} END)")


def _finite(expr: str) -> str:
    return f"(CASE WHEN isfinite({expr}) THEN {expr} END)"


_NUMERIC_DMY = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
_BIG = r"(?:1[3-9]|2\d|3[01])"


def _month_first_sql(d: str) -> str:
    """Aggregate: numeric dates look month first (as :func:`spend._month_first`)."""
    return (f"(bool_or(regexp_full_match({d}, '\\d{{1,2}}[/.-]{_BIG}[/.-]\\d{{2,4}}')) AND NOT "
            f"coalesce(bool_or(regexp_full_match({d}, '{_BIG}[/.-]\\d{{1,2}}[/.-]\\d{{2,4}}')), false))")


def _date_expr(d: str, dayfirst_col: str) -> str:
    """SQL for :func:`spend.parse_dates` of ``d`` (stripped, time removed, NULL when empty or
    lost), the shapes of :data:`spend.DATE_PATTERNS` in the same order. ``dayfirst_col`` is a
    boolean expression."""
    lo, hi = spend.PLAUSIBLE_YEARS

    def ok(e: str) -> str:
        return f"(CASE WHEN year({e}) BETWEEN {lo} AND {hi} THEN {e} END)"

    def fmt(f: str) -> str:
        return _q(f)

    slash = f"regexp_replace({d}, '[.-]', '/', 'g')"
    mon = (f"replace(regexp_replace(regexp_replace({d}, '[\\s-]+', ' ', 'g'), "
           f"'(\\d)([A-Za-z])|([A-Za-z.])(\\d)', '\\1\\3 \\2\\4', 'g'), '.', '')")
    mon = f"regexp_replace({mon}, '(?i)\\bsept\\b', 'Sep', 'g')"

    def ordered(x: str, fmt_dayfirst: str) -> str:
        """strptime day first or month first, by the column's order."""
        other = fmt_dayfirst.replace("%d/%m", "%m/%d")
        return (f"(CASE WHEN {dayfirst_col} THEN try_strptime({x}, {_q(fmt_dayfirst)}) "
                f"ELSE try_strptime({x}, {_q(other)}) END)")

    serial = f"TRY_CAST({d} AS DOUBLE)"
    lo_s, hi_s = spend.EXCEL_SERIAL_RANGE
    parts = [
        # the two fast shapes first, as parse_dates does
        ok(f"(CASE WHEN length({d}) BETWEEN 8 AND 10 THEN try_strptime({d}, '%Y-%m-%d') END)"),
        ok(ordered(d, "%d/%m/%Y")),
    ]
    for name, pattern, formats in spend.DATE_PATTERNS:
        cond = f"regexp_full_match({d}, {_q(pattern)})"
        if name == "Excel serial":
            e = (f"(CASE WHEN {cond} AND {serial} BETWEEN {lo_s} AND {hi_s} THEN "
                 f"DATE '1899-12-30' + CAST(floor({serial}) AS INTEGER) END)::TIMESTAMP")
        elif formats[0] == "%d/%m/%Y":
            e = f"(CASE WHEN {cond} THEN {ordered(slash, '%d/%m/%Y')} END)"
        elif formats[0] == "%d/%m/%y":
            e = f"(CASE WHEN {cond} THEN {ordered(slash, '%d/%m/%y')} END)"
        elif "%b" in formats[0]:
            tries = ", ".join(ok(f"try_strptime({mon}, {fmt(f)})") for f in formats)
            e = f"(CASE WHEN {cond} THEN coalesce({tries}) END)"
        else:
            e = f"(CASE WHEN {cond} THEN try_strptime({d}, {fmt(formats[0])}) END)"
        parts.append(ok(e))
    # the two common shapes first; a CASE only evaluates the later shapes for the rows left
    # (a plain coalesce evaluates every shape for every row: 20 times slower)
    return (f"CAST(CASE WHEN {parts[0]} IS NOT NULL THEN {parts[0]} "
            f"WHEN {parts[1]} IS NOT NULL THEN {parts[1]} "
            f"ELSE coalesce({', '.join(parts[2:])}) END AS TIMESTAMP)")


def _date_prep(s: str) -> str:
    """Stripped text → date text: NULL when empty or lost (``00:00:00``), time of day removed."""
    lost = f"(contains({s}, ':') AND regexp_full_match({s}, {_q(spend._LOST_DATE)}))"
    no_time = _strip(f"regexp_replace({s}, {_q(spend._TIME_SUFFIX)}, '')")
    untimed = f"(CASE WHEN contains({s}, ':') THEN {no_time} ELSE {s} END)"
    return (f"(CASE WHEN {s} IS NULL OR {_is_token(s, _MISSING_ANY)} OR {lost} THEN NULL "
            f"ELSE {untimed} END)")


def _text_expr(s: str) -> str:
    return f"(CASE WHEN {s} IS NULL OR {_is_token(s, _MISSING_ANY)} THEN NULL ELSE {s} END)"


def _total_label(s: str) -> str:
    return (f"coalesce(contains(lower({s}), 'total') AND "
            f"regexp_full_match({s}, {_q('(?i)' + spend.TOTAL_PATTERN)}), false)")


def supplier_key_sql(s: str) -> str:
    """:func:`spend_analysis.supplier_key` in SQL."""
    from .spend_analysis import _LEGAL_SUFFIX

    e = f"replace(upper({s}), '&', ' AND ')"
    e = f"regexp_replace({e}, '[^A-Z0-9 ]+', ' ', 'g')"
    e = f"regexp_replace({e}, '\\bCO OP', 'COOP', 'g')"
    e = f"regexp_replace({e}, {_q(_LEGAL_SUFFIX.pattern)}, ' ', 'g')"
    # Python's str.split() then join: runs of whitespace → one space, none at the ends
    return f"regexp_replace(regexp_replace({e}, '\\s+', ' ', 'g'), '^ | $', '', 'g')"


def redacted_sql(s: str) -> str:
    """:func:`spend_analysis.is_redacted` in SQL: a missing or blank name, a redaction label
    or a mask of asterisks or X's (:data:`spend_analysis.REDACTION_PATTERN`)."""
    from .spend_analysis import REDACTION_PATTERN

    return f"({s} IS NULL OR coalesce(regexp_matches({s}, {_q(REDACTION_PATTERN)}), false))"


def transaction_key_sql(s: str) -> str:
    """:func:`spend_analysis.transaction_key` in SQL (spaces trimmed, upper case, a line
    number after an underscore dropped; blank → NULL)."""
    from .spend_analysis import _REF_LINE_SUFFIX

    return f"regexp_replace(nullif(upper({_strip(s)}), ''), {_q(_REF_LINE_SUFFIX)}, '\\1')"


# ----------------------------------------------------------------------------- ingest

@dataclass
class FileResult:
    file: str
    route: str          # "duckdb" (SQL parsing), "pandas" (load_spend) or "cache"
    rows: int
    why: str = ""       # why the pandas route was taken
    cache: str = ""
    #: rows set aside, by reason, as ``load_spend``'s report (``dropped``) says
    dropped: dict = field(default_factory=dict)


def _schema():
    import pyarrow as pa

    return pa.schema([(c, pa.timestamp("us") if c in spend.DATE_FIELDS else
                       pa.float64() if c in spend.AMOUNT_FIELDS else
                       pa.int64() if c == "source_row" else pa.string())
                      for c in CACHE_COLUMNS])


def _empty_table():
    return _schema().empty_table()


def _signature(plan: dict) -> tuple:
    """Files with equal signatures are read in one batch."""
    det = plan["det"]
    return (plan["encoding"], plan["delimiter"], plan["skip"], plan["width"],
            tuple(plan["header"]), tuple(sorted(det.positions.items())),
            tuple(sorted((k, tuple(v)) for k, v in det.alternatives.items())))


def _merged_dropped(reports: list[dict]) -> dict:
    """One file's rows set aside, by reason, from ``load_spend``'s report entries (a
    workbook has one per sheet: summed)."""
    out: dict[str, int] = {}
    for r in reports:
        for why, n in (r.get("dropped") or {}).items():
            out[why] = out.get(why, 0) + int(n)
    return out


def _side(target: Path) -> Path:
    """The cache file's companion: how it was read and the rows set aside (JSON)."""
    return target.with_suffix(".json")


def _write_side(target: Path, info: dict) -> None:
    from .io import atomic_write_text

    atomic_write_text(_side(target), json.dumps(info, sort_keys=True))


def _read_side(target: Path) -> dict:
    try:
        return json.loads(_side(target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


class _UsePandas(Exception):
    """This file needs load_spend's full rules (the reason is the message)."""


def _cache_name(path: Path, mapping: Mapping | None, organisation: str | None,
                sheet: str | int | None = None) -> str:
    st = path.stat()
    chosen = [] if sheet is None else [["sheet", sheet]]  # (no sheet: the names as before)
    key = json.dumps([str(path.resolve()), st.st_size, st.st_mtime_ns, mapping or {},
                      organisation, CACHE_VERSION] + chosen, sort_keys=True, default=str)
    return hashlib.sha256(key.encode()).hexdigest()[:24] + ".parquet"


_C1 = bytes(b for b in range(256) if not 0x80 <= b <= 0x9F)


def _head_encoding(raw: bytes, whole: bool) -> str:
    """The DuckDB encoding for a file, decided from its first bytes ``raw`` (``whole``: the
    whole file): UTF-8 (with or without BOM) when they are UTF-8 — DuckDB then refuses a later
    byte that is not, and the file goes to ``load_spend`` — or Latin-1 when they are
    Windows-1252 without the bytes 0x80–0x9F where the two differ (later lines are checked in
    SQL: :func:`_latin1_suspect`)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(raw, final=whole)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # io.has_utf8_sequences, faster: what a UTF-8 decoder keeps when it drops the bytes that
    # are not UTF-8 is non-ASCII exactly when some valid multi-byte sequence is there
    if not raw.decode("utf-8", errors="ignore").isascii():  # UTF-8 lines among Windows-1252
        raise _UsePandas("UTF-8 characters in a file that is not UTF-8 (mixed encodings)")
    if len(raw.translate(None, _C1)):
        raise _UsePandas("Windows-1252 characters in 0x80–0x9F")
    return "latin-1"


def _has_blank_line(path: Path) -> bool:
    """Whether the file has an empty line (DuckDB skips them, which would shift the row
    numbers reported to users): a byte search of the mapped file, no decoding."""
    import mmap

    with open(path, "rb") as f:
        if not os.fstat(f.fileno()).st_size:
            return False
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
            return m.find(b"\n\n") >= 0 or m.find(b"\n\r\n") >= 0


#: Text that Latin-1 decoding gives differently from load_spend's: a C1 control character
#: (a Windows-1252 character such as € or ’ in 0x80–0x9F) or a UTF-8 sequence read as two
#: Latin-1 characters (a UTF-8 line in a Windows-1252 file, which load_spend decodes as UTF-8).
_LATIN1_SUSPECT = "[\\x{80}-\\x{9f}]|[\\x{c2}-\\x{f4}][\\x{80}-\\x{bf}]"


def _latin1_suspect(c: str) -> str:
    """SQL: the cell (read as Latin-1) holds :data:`_LATIN1_SUSPECT` text (ASCII cells, the
    usual ones, are passed over without a regular expression)."""
    return (f"(CASE WHEN {c} IS NULL OR strlen({c}) = length({c}) THEN false "
            f"ELSE regexp_matches({c}, {_q(_LATIN1_SUSPECT)}) END)")


def _plan(path: Path, mapping: Mapping | None):
    """Header row, columns and reading options for the SQL route (or :class:`_UsePandas`),
    from the file's first :data:`HEAD_BYTES` only (plus a byte search for blank lines)."""
    if path.suffix.lower() not in (".csv", ".txt"):
        raise _UsePandas("not a CSV file")
    with open(path, "rb") as f:
        raw = f.read(HEAD_BYTES)
        whole = len(raw) < HEAD_BYTES or not f.read(1)
    if not raw.strip():
        raise _UsePandas("empty file")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
        raise _UsePandas("UTF-16 or binary content")
    enc = _head_encoding(raw, whole)
    if _has_blank_line(path):
        raise _UsePandas("blank lines")
    codec = "utf-8-sig" if enc == "utf-8" else "cp1252"
    text = raw.decode(codec, errors="ignore")
    if "\r" in text and "\r\n" not in text:
        raise _UsePandas("old Mac line endings")
    delimiter = spend.sniff_delimiter(text)
    if delimiter == ";":  # amounts may have decimal commas (load_spend decides, file by file)
        raise _UsePandas("semicolon-separated (decimal commas possible)")
    sio = _io.StringIO(text, newline="")
    rows, ends = [], []
    try:
        for r in csv.reader(sio, delimiter=delimiter):
            rows.append(r)
            ends.append(sio.tell())
            if len(rows) > 200:
                break
    except csv.Error:
        raise _UsePandas("irregular quoting in the first records") from None
    if not whole and len(rows) <= 200:
        rows = rows[:-1]  # the last record may be cut off
    user = spend._check_mapping(mapping, path)
    extra = [c for c in user.values() if c]
    h = spend.find_header(rows[:200], extra, min_score=1 if extra else 2, tail=0)
    if h is None or h + 1 >= len(rows):
        raise _UsePandas("header not found in the first records, or on the last line")
    header = ["" if v is None else str(v) for v in rows[h]]
    det = spend.detect_columns(header, user, file=path)
    if det.missing_required:
        raise _UsePandas("required columns not found")
    lines_before = text[: ends[h]].count("\n")
    if lines_before != h + 1:
        raise _UsePandas("line breaks inside quoted cells above the header")
    width = max(len(r) for r in rows[h:])
    from .io import limit

    if width > limit("max_columns"):
        raise _UsePandas("more columns than the limit (load_spend says so)")
    return {"encoding": enc, "delimiter": delimiter, "skip": h + 1, "header": header,
            "det": det, "width": width}


class SpendPipeline:
    """Ingest spend files into a Parquet cache and summarise them with DuckDB.

    >>> p = SpendPipeline(cache_dir)            # doctest: +SKIP
    >>> p.ingest("data/many-councils/")         # files, a folder, or a list
    >>> p.monthly(); p.spend_by("service_area"); p.concentration(top_n=10)
    """

    def __init__(self, cache_dir: str | os.PathLike, memory_limit: str = MEMORY_LIMIT,
                 threads: int | None = None):
        import duckdb

        self.cache_dir = Path(cache_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect()
        self.con.execute(f"SET memory_limit = {_q(memory_limit)}")
        self.con.execute(f"SET temp_directory = {_q(str(self.cache_dir / 'duckdb-tmp'))}")
        self.con.execute("SET preserve_insertion_order = true")
        # every summary reads the same cache files: read their footers once
        self.con.execute("SET parquet_metadata_cache = true")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.parts: list[Path] = []
        self.files: list[FileResult] = []

    # ------------------------------------------------------------------ ingest
    def ingest(self, path, mapping: Mapping | None = None, organisation: str | None = None,
               refresh: bool = False, sheet: str | int | None = None) -> "SpendPipeline":
        """Add published spend files (a file, a list, or a folder) to the cache.

        ``sheet``: for workbooks, the one sheet to read (as ``load_spend``'s ``sheet``); CSVs
        ignore it. Files already cached (same path, size, modification time, mapping and
        sheet) are not read again. CSVs with the same layout are read together, in batches of about
        :data:`BATCH_BYTES`, so memory stays bounded however many files there are.
        """
        results: dict[Path, FileResult] = {}
        todo: list[tuple[Path, Path, dict]] = []
        paths = spend._paths(path)
        for p in paths:
            target = self.cache_dir / _cache_name(p, mapping, organisation, sheet)
            if target.exists() and not refresh:
                side = _read_side(target)
                n = side.get("rows")
                if not isinstance(n, int):  # a companion without the count: ask the file
                    n = self.con.execute(
                        f"SELECT count(*) FROM read_parquet({_q(str(target))})").fetchone()[0]
                results[p] = FileResult(p.name, "cache", int(n), side.get("why", ""),
                                        target.name, side.get("dropped", {}))
                continue
            try:
                todo.append((p, target, _plan(p, mapping)))
            except _UsePandas as why:
                results[p] = self._via_pandas(p, target, mapping, organisation, str(why), sheet)
        groups: dict[tuple, list] = {}
        for item in todo:
            groups.setdefault(_signature(item[2]), []).append(item)
        for items in groups.values():
            batch, size = [], 0
            for item in items + [None]:
                if item is not None:
                    batch.append(item)
                    size += item[0].stat().st_size
                if batch and (item is None or size >= BATCH_BYTES):
                    for p, target, n, why, dropped in self._ingest_sql(batch, organisation):
                        if why:
                            results[p] = self._via_pandas(p, target, mapping, organisation, why)
                        else:
                            _write_side(target, {"route": "duckdb", "dropped": dropped,
                                                 "rows": n})
                            results[p] = FileResult(p.name, "duckdb", n, cache=target.name,
                                                    dropped=dropped)
                    batch, size = [], 0
        for p in paths:
            self.files.append(results[p])
            self.parts.append(self.cache_dir / results[p].cache)
        return self

    def _via_pandas(self, p: Path, target: Path, mapping, organisation, why: str,
                    sheet=None) -> FileResult:
        n, dropped = self._ingest_pandas(p, target, mapping, organisation, sheet)
        _write_side(target, {"route": "pandas", "why": why, "dropped": dropped, "rows": n})
        return FileResult(p.name, "pandas", n, why, target.name, dropped)

    def _tmp(self, target: Path) -> Path:
        return target.with_name(f".{target.stem}.{os.getpid()}.tmp")

    def _ingest_pandas(self, p: Path, target: Path, mapping, organisation, sheet=None) -> int:
        import pyarrow as pa
        import pyarrow.parquet as pq

        df = spend.load_spend(p, mapping, sheet=sheet, organisation=organisation)
        dropped = _merged_dropped(df.attrs["report"]["files"])
        df = df[list(CACHE_COLUMNS)]
        table = pa.Table.from_pandas(df, schema=_schema(), preserve_index=False)
        tmp = self._tmp(target)
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return len(df), dropped

    def _ingest_sql(self, batch: list[tuple[Path, Path, dict]], organisation):
        """Read a batch of CSVs with one layout by SQL; yield ``(path, target, rows, why,
        dropped)``, ``why`` saying why a file must go through ``load_spend`` instead (then
        nothing of it is written here), ``dropped`` the rows set aside by reason (as
        ``load_spend``'s report).

        One read of the CSVs (the columns used stripped as Python strips, the others kept as
        read and looked at only where a rule needs them), each record's fate (kept, or set
        aside as blank, repeated header, totals, no content) decided in the same pass; then one
        ``COPY`` that parses the kept records and writes them, partitioned by file, one Parquet
        file per input (a ``COPY`` from one table keeps its rows' order: DuckDB's order
        preservation), with the helper columns the per-file checks then read back."""
        import duckdb

        plan = batch[0][2]
        det, header, width = plan["det"], plan["header"], plan["width"]
        cols = [f"c{i}" for i in range(width)]
        columns = "{" + ", ".join(f"{_q(c)}: 'VARCHAR'" for c in cols) + "}"
        files = "[" + ", ".join(_q(str(p)) for p, _, _ in batch) + "]"
        src = (f"read_csv({files}, header=false, skip={plan['skip']}, columns={columns}, "
               f"delim={_q(plan['delimiter'])}, quote='\"', escape='\"', auto_detect=false, "
               f"null_padding=true, strict_mode=true, encoding={_q(plan['encoding'])})")
        col = {f: f"c{i}" for f, i in det.positions.items()}
        used = set(col.values())
        # the columns used, stripped (missing → ''); the others as read
        read = ", ".join(f"coalesce({_strip_fast(c)}, '') AS {c}" if c in used else c
                         for c in cols)

        def filled(c: str) -> str:
            return f"({c} <> '')" if c in used else _filled(c)

        def stripped(c: str) -> str:
            return c if c in used else f"coalesce({_strip_fast(c)}, '')"

        supplier, amount = col["supplier"], col["amount"]
        keys = [col[f] for f in ("amount", "supplier", "payment_date", "transaction_id") if f in col]
        content = " OR ".join(f"{c} <> ''" for c in keys)
        filled_any = " OR ".join(filled(c) for c in sorted(cols, key=lambda c: c not in used))
        named = [i for i, h in enumerate(header) if h.strip() and i < width]
        rep = " AND ".join(f"{stripped(f'c{i}')} = {_q(header[i].strip())}" for i in named)
        rep = (f"(CASE WHEN {stripped(f'c{named[0]}')} = {_q(header[named[0]].strip())} "
               f"THEN {rep} ELSE false END)") if named else "false"
        not_amount = [c for c in cols if c != amount]
        total_any = " OR ".join(_total_label(stripped(c)) for c in not_amount) or "false"
        totals = (f"(CASE WHEN {supplier} = '' OR {_total_label(supplier)} THEN {total_any} "
                  f"ELSE false END)")
        # as spend.drop_mask, whose reasons exclude each other in this order: blank (1),
        # repeated header (2), totals (3), no amount, supplier, date or reference (4); kept: 0
        # (a repeated header always has content: the supplier column is named)
        why = (f"CASE WHEN {content} THEN (CASE WHEN {rep} THEN 2 WHEN {totals} THEN 3 ELSE 0 END) "
               f"WHEN {totals} THEN 3 WHEN {filled_any} THEN 4 ELSE 1 END")
        others = [c for c in not_amount if c != supplier]
        only_amount = (f"(CASE WHEN {amount} = '' OR {supplier} <> '' THEN false ELSE NOT ("
                       + (" OR ".join(filled(c) for c in others) or "false") + ") END)")
        try:
            # every record in file order (insertion order is kept, so rowid numbers the rows);
            # only the columns used are kept, the others are read for the rules only
            kept = ", ".join(["_k"] + sorted(used, key=lambda c: int(c[1:])))
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE raw AS SELECT {kept}, {why} AS _why, "
                             f"{only_amount} AS _only_amount FROM (SELECT CAST(file_index AS INTEGER) AS _k, "
                             f"{read} FROM {src})")
        except duckdb.Error as exc:
            why_not = f"DuckDB could not read it as it is ({str(exc).splitlines()[0][:120]})"
            if len(batch) == 1:
                yield batch[0][0], batch[0][1], 0, why_not, {}
            else:  # find the file(s) at fault one by one
                for item in batch:
                    yield from self._ingest_sql([item], organisation)
            return
        date_fields = [f for f in spend.DATE_FIELDS if f in col]
        amount_fields = [f for f in spend.AMOUNT_FIELDS if f in col]
        dates = {f: _date_prep(col[f]) for f in date_fields}
        # per file (by its place in the list: no join, which would not keep the file order):
        # first record, rows set aside by reason, dates day or month first (kept rows)
        flags = [f"coalesce({_month_first_sql(f'(CASE WHEN _why = 0 THEN {dates[f]} END)')}, "
                 f"false)" for f in date_fields]
        per_file = {r[0]: r[1:] for r in self.con.execute(
            f"SELECT _k, min(rowid), "
            f"{', '.join(f'count(*) FILTER (WHERE _why = {n})' for n in range(1, 5))}"
            f"{''.join(', ' + x for x in flags)} FROM raw GROUP BY _k").fetchall()}
        n_files = len(batch)

        def by_file(i: int, kind: str) -> str:
            values = [per_file[k][i] if k in per_file else 0 for k in range(n_files)]
            return f"list_extract([{', '.join(str(v).lower() for v in values)}]::{kind}[], _k + 1)"

        starts = by_file(0, "BIGINT")
        parsed = ["_k", f"CAST(rowid - {starts} + {1 + plan['skip']} AS BIGINT) AS _row"]
        for f in amount_fields:
            c = col[f]
            parsed.append(f"{_finite(_amount_expr(c))} AS {f}")
            parsed.append(f"({c} = '' OR {_is_token(c, _AMOUNT_MISSING_UPPER, True)}) AS _e_{f}")
            parsed.append(f"(CASE WHEN contains({c}, ',') THEN "
                          f"regexp_matches({c}, {_q(spend.COMMA_SUSPECT)}) ELSE false END) AS _sus_{f}")
        for f in date_fields:
            mf = by_file(5 + date_fields.index(f), "BOOLEAN")
            parsed.append(f"{_date_expr(dates[f], f'NOT {mf}')} AS {f}")
            parsed.append(f"({dates[f]} IS NULL) AS _e_{f}")
        for f in spend.FIELDS:
            if f in col and f not in amount_fields and f not in date_fields:
                parsed.append(f"{_text_expr(col[f])} AS {f}")
        parsed.append("_only_amount")
        for fld in det.alternatives:
            parsed.append(f"({col[fld]} <> '') AS _used_{fld}")
        latin1 = plan["encoding"] == "latin-1"
        if latin1:
            parsed.append("(" + " OR ".join(_latin1_suspect(c) for c in sorted(used)) + ") AS _enc")
        select = []
        for f in CACHE_COLUMNS:
            if f == "source_file":
                names = ", ".join(_q(p.name) for p, _, _ in batch)
                select.append(f"list_extract([{names}], _k + 1) AS source_file")
            elif f == "source_row":
                select.append("_row AS source_row")
            elif f in col:
                select.append(f)
            elif f == "organisation" and organisation:
                select.append(f"{_q(organisation)} AS organisation")
            else:
                kind = ("TIMESTAMP" if f in spend.DATE_FIELDS else
                        "DOUBLE" if f in spend.AMOUNT_FIELDS else "VARCHAR")
                select.append(f"CAST(NULL AS {kind}) AS {f}")
        # the helper columns of the checks below: every parsed column named with a "_" but the
        # file's number and the row's
        aliases = [e.rsplit(" AS ", 1)[-1] for e in parsed]
        helpers = [n for n in aliases if n.startswith("_") and n not in ("_k", "_row")]
        # one pass: the kept records parsed and written, one Parquet file per input file (in
        # file order), with the helper columns the per-file checks below read back (the
        # summaries read only CACHE_COLUMNS)
        # a folder made here for this batch alone (never one that was there before)
        out = Path(tempfile.mkdtemp(prefix=".batch-", suffix=".tmp", dir=self.cache_dir))
        try:
            self.con.execute(f"COPY (SELECT {', '.join(select + helpers)}, _k FROM "
                             f"(SELECT {', '.join(parsed)} FROM raw WHERE _why = 0)) "
                             f"TO {_q(str(out))} (FORMAT parquet, PARTITION_BY (_k), "
                             f"COMPRESSION {PARQUET_CODEC})")
            self.con.execute("DROP TABLE raw")
            written = {int(d.name.partition("=")[2]): sorted(d.glob("*.parquet"))
                       for d in out.glob("_k=*")}
            # per file: what sends it to load_spend (which then gives its exact result or error)
            checks = ["count(*) FILTER (WHERE _only_amount AND amount IS NOT NULL) > 0"]
            reasons = ["rows with only an amount (possible unlabelled totals)"]
            if latin1:
                checks.append("bool_or(_enc)")
                reasons.append("Windows-1252 characters in 0x80–0x9F, or UTF-8 lines, after the "
                               "first records")
            for fld in det.alternatives:
                checks.append(f"NOT bool_or(_used_{fld})")
                reasons.append(f"the column chosen for {fld} is empty")
            for f in amount_fields:  # decimal commas, or commas not in thousands groups
                checks.append(f"coalesce(bool_or(_sus_{f}), false)")
                reasons.append(f"{f} values with a comma that is not a thousands separator")
            for f in amount_fields + date_fields:
                n_filled = f"count(*) FILTER (WHERE NOT _e_{f})"
                checks.append(f"{n_filled} >= 3 AND count(*) FILTER (WHERE NOT _e_{f} AND {f} "
                              f"IS NULL) > {spend.REJECT_SHARE} * {n_filled}")
                reasons.append(f"most {f} values cannot be read")
            failing: dict[int, str] = {}
            counts: dict[int, int] = {}
            if written:
                every = "[" + ", ".join(_q(str(x)) for fs in written.values() for x in fs) + "]"
                for row in self.con.execute(
                        f"SELECT _k, count(*), {', '.join(checks)} FROM read_parquet({every}, "
                        f"hive_partitioning = true, hive_types = {{'_k': INTEGER}}) "
                        f"GROUP BY _k").fetchall():
                    counts[row[0]] = int(row[1])
                    hit = [r for r, flag in zip(reasons, row[2:]) if flag]
                    if hit:
                        failing[row[0]] = hit[0]
            for k, (p, target, _) in enumerate(batch):
                if k in failing:
                    yield p, target, 0, failing[k], {}
                    continue
                parts = written.get(k, [])
                if len(parts) == 1:
                    os.replace(parts[0], target)
                else:  # no line kept (no file written), or the rare file written in pieces
                    self._write_parts(parts, target)
                d = per_file.get(k, (0,) * 5)[1:5]
                dropped = {"title or blank rows above the header": plan["skip"] - 1}
                dropped.update({name: int(n) for name, n in zip(DROP_REASONS, d) if n})
                yield p, target, int(counts.get(k, 0)), "", dropped
        finally:
            self.con.execute("DROP TABLE IF EXISTS raw")
            shutil.rmtree(out, ignore_errors=True)

    def _write_parts(self, parts: list[Path], target: Path) -> None:
        """One cache file from several Parquet pieces of one input file (in order), or an
        empty one (no pieces: no line of the file was kept)."""
        import pyarrow.parquet as pq

        tmp = self._tmp(target)
        try:
            if parts:
                names = "[" + ", ".join(_q(str(x)) for x in parts) + "]"
                self.con.execute(f"COPY (SELECT * FROM read_parquet({names})) TO {_q(str(tmp))} "
                                 f"(FORMAT parquet, COMPRESSION {PARQUET_CODEC})")
            else:
                pq.write_table(_empty_table(), tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)

    # ------------------------------------------------------------------ queries
    def _source(self) -> str:
        if not self.parts:
            raise DataFileError("no spend files have been ingested",
                                hint="call ingest(path) with a file, a list or a folder first.")
        # the SQL route's files carry the helper columns of its checks: only ours are read
        files = ", ".join(_q(str(p)) for p in self.parts)
        return (f"(SELECT {', '.join(CACHE_COLUMNS)} FROM read_parquet([{files}], "
                f"union_by_name = true))")

    def sql(self, query: str):
        """Run SQL over the ingested lines (the view is called ``spend``); a pandas frame."""
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW spend AS SELECT * FROM {self._source()}")
        return self.con.execute(query).df()

    def files_table(self):
        import pandas as pd

        return pd.DataFrame([vars(f) for f in self.files])

    def totals(self) -> dict:
        r = self.sql("SELECT count(*) AS lines, sum(amount) AS net, count(DISTINCT source_file) "
                     "AS files FROM spend")
        return {"lines": int(r.loc[0, "lines"]), "net": round(float(r.loc[0, "net"] or 0), 2),
                "files": int(r.loc[0, "files"])}

    def monthly(self):
        """As :func:`spend_analysis.monthly_spend`."""
        from .spend_analysis import NO_DATE

        df = self.sql(f"""
            SELECT coalesce(strftime(payment_date, '%Y-%m'), {_q(NO_DATE)}) AS month,
                   round(sum(greatest(amount, 0)), 2) AS payments,
                   round(sum(least(amount, 0)), 2) AS credits,
                   round(sum(amount), 2) AS net, count(*) AS transactions
            FROM spend WHERE amount IS NOT NULL GROUP BY 1
            ORDER BY CASE WHEN month = {_q(NO_DATE)} THEN '9999' ELSE month END""")
        df["transactions"] = df["transactions"].astype("int64")
        return df

    def spend_by(self, by: str, top: int | None = None, exclude_redacted: bool = False):
        """As :func:`spend_analysis.spend_by` (``by``: a text column or ``month``)."""
        import pandas as pd

        from .spend_analysis import NO_DATE, NOT_GIVEN, OTHERS

        names = ""
        if by == "month":
            label = f"coalesce(strftime(payment_date, '%Y-%m'), {_q(NO_DATE)})"
        elif by == "supplier":
            # one row per supplier_key, shown by its most frequent spelling over all lines
            # (spaces collapsed; ties: first in alphabetical order), as spend_analysis does
            spelled = f"nullif(regexp_replace({_strip('supplier')}, '\\s+', ' ', 'g'), '')"
            names = (f"WITH _n AS (SELECT _k, first(_s ORDER BY _c DESC, _s) AS _name FROM ("
                     f"SELECT {supplier_key_sql('supplier')} AS _k, {spelled} AS _s, count(*) AS _c "
                     f"FROM spend WHERE {spelled} IS NOT NULL GROUP BY 1, 2) GROUP BY _k) ")
            label = f"coalesce(_n._name, {_q(NOT_GIVEN)})"
        elif by in CACHE_COLUMNS:
            label = f"coalesce(nullif({_strip(by)}, ''), {_q(NOT_GIVEN)})"
        else:
            raise ValueError(f"cannot group by {by!r}: use month or one of {CACHE_COLUMNS}")
        where = "amount IS NOT NULL"
        if exclude_redacted:
            where += f" AND NOT {redacted_sql('supplier')}"
        order = (f"CASE WHEN {by} = {_q(NO_DATE)} THEN '9999' ELSE {by} END" if by == "month"
                 else f"amount DESC, {by}")
        join = (f" LEFT JOIN _n ON _n._k = {supplier_key_sql('spend.supplier')}" if names else "")
        g = self.sql(f"{names}SELECT {label} AS {by}, sum(amount) AS amount, count(*) AS "
                     f"transactions FROM spend{join} WHERE {where} GROUP BY 1 ORDER BY {order}")
        if by != "month" and top is not None and len(g) > top:
            rest = g.iloc[top:]
            g = pd.concat([g.iloc[:top], pd.DataFrame(
                [{by: f"{OTHERS} ({len(rest)})", "amount": rest["amount"].sum(),
                  "transactions": int(rest["transactions"].sum())}])], ignore_index=True)
        total = g["amount"].sum()
        g["share"] = g["amount"] / total if total else float("nan")
        g["transactions"] = g["transactions"].astype("int64")
        g["amount"] = g["amount"].round(2)
        return g

    def concentration(self, top_n: int = 10, exclude_redacted: bool = True):
        """As :func:`spend_analysis.concentration`; returns its ``Concentration``."""
        from .spend_analysis import Concentration, hhi_band

        if top_n < 1:
            raise ValueError("top_n must be at least 1")
        red = redacted_sql("supplier")
        keep = f"NOT {red}" if exclude_redacted else "true"
        # summed by spelling first: the supplier key and the redaction rule (regular
        # expressions) then run once per spelling, not once per line
        r = self.sql(f"""
            WITH names AS (SELECT supplier, sum(amount) AS amount FROM spend
                           WHERE amount IS NOT NULL GROUP BY supplier),
                 per AS (SELECT {supplier_key_sql('supplier')} AS _k, sum(amount) AS amt
                         FROM names WHERE supplier IS NOT NULL AND {keep}
                         GROUP BY 1 HAVING sum(amount) > 0),
                 ranked AS (SELECT amt, row_number() OVER (ORDER BY amt DESC) AS k FROM per)
            SELECT count(*) AS suppliers, sum(amt) AS total,
                   sum(amt) FILTER (WHERE k <= {int(top_n)}) AS top_amount,
                   sum(amt * amt) AS sq,
                   (SELECT coalesce(sum(amount), 0) FROM names WHERE {red}) AS redacted
            FROM ranked""").iloc[0]
        redacted = round(float(r["redacted"]), 2) if exclude_redacted else 0.0
        total = r["total"]
        total = 0.0 if total is None or total != total else float(total)  # no lines: NaN
        if not total:
            return Concentration(0, 0.0, top_n, 0.0, float("nan"), float("nan"), "no spend",
                                 redacted)
        hhi = float(r["sq"]) / total / total * 10000
        top = float(r["top_amount"])
        return Concentration(int(r["suppliers"]), round(total, 2), top_n, round(top, 2),
                             top / total, round(hhi, 1), hhi_band(hhi), redacted)

    def duplicate_candidates(self, exclude_redacted: bool = True):
        """As :func:`spend_analysis.duplicate_candidates` (same rules, rows and order): SQL
        finds the lines that could be candidates (payments to a supplier paid the same amount
        more than once) and the batch references; the classes are worked out by the same
        code as the pandas path, on those lines only."""
        from .spend_analysis import _duplicate_groups, _duplicate_pool

        key = supplier_key_sql("supplier")
        cents = "CAST(round_even(amount * 100, 0) AS BIGINT)"
        red = f"AND NOT {redacted_sql('supplier')}" if exclude_redacted else ""
        batch = self.sql(f"""
            SELECT doc FROM (SELECT {transaction_key_sql('transaction_id')} AS doc, {key} AS k
                             FROM spend WHERE supplier IS NOT NULL)
            WHERE doc IS NOT NULL AND k <> '' GROUP BY doc HAVING count(DISTINCT k) > 1""")
        pool = self.sql(f"""
            SELECT * EXCLUDE (_k, _n) FROM (
                SELECT *, {key} AS _k, count(*) OVER (PARTITION BY {key}, {cents}) AS _n
                FROM spend WHERE amount > 0 AND supplier IS NOT NULL {red})
            WHERE _n > 1 AND _k <> ''""")
        for c in pool.columns:
            if c not in spend.DATE_FIELDS + spend.AMOUNT_FIELDS + ("source_row",):
                pool[c] = pool[c].astype("str")
        return _duplicate_groups(_duplicate_pool(pool, exclude_redacted), set(batch["doc"]))

    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
