"""Claimant count (ONS / DWP, via NOMIS): loading any published layout, and the live API.

:func:`load_claimant_count` reads

- the **raw NOMIS API CSV** (``DATE``/``DATE_NAME``/``DATE_CODE``, ``GEOGRAPHY_NAME``,
  ``GEOGRAPHY_CODE``, ``MEASURES_NAME``, ``OBS_VALUE``, …; fully quoted; months like
  ``January 2018``); breakdown columns (sex, age, duration) are narrowed to their totals;
- **tidy extracts**: one row per area, month and measure (``date``/``month``, ``area_code``,
  ``area_name``, ``measure``, ``value``), months as text (``Jan 2018``, ``Jan-18``, ``2018-01``);
- **wide extracts**: one row per area and month, with count and rate columns and ISO dates;

with several geography levels in one file (wards, districts, unitaries, boroughs, combined
authorities, regions, countries), into one long frame: ``date`` (first of the month),
``area_code``, ``area_name``, ``area_type`` (from the GSS code's prefix), ``measure`` (``count``
or ``rate``), ``value``, ``series`` (which NOMIS dataset: the claimant count or Jobseeker's
Allowance), plus ``source_file`` and ``source_row``. ``df.attrs["report"]`` says which layout,
columns and series were found and what was set aside.

Values use decimal points (``1,205``, ``2.4``) or, file by file, decimal commas (``1.205``,
``2,4``: a semicolon export); a value in the other convention, one that is not a finite number
(``inf``, ``nan``) or a formula without a saved value is an error naming its row. A row with a
month and a value is never set aside unread: a bad or missing area code there is an error, even
on the last line (only footnotes and notes are set aside).

Code and name columns are found under their usual names (``area_code``, ``Area code``,
``GEOGRAPHY_CODE``, ``geography code`` …) and under the ONS lookup names (``lad21cd``/``lad21nm``,
``LAD23CD``, ``wd22cd``, ``cauth22cd``, ``rgn21cd`` …, any case); with several ONS code columns the
finest geography (ward before district before region) is the row's area. ``mapping`` names the
columns outright when detection is not enough (see :data:`MAPPING_FIELDS`).

:func:`fetch_nomis` asks the NOMIS API for the claimant count (dataset ``NM_162_1``), page by
page past its 25,000-row cap (at most :data:`NOMIS_MAX_PAGES` pages and :data:`NOMIS_MAX_ROWS`
rows), and refuses an answer whose rows fall short of its ``RECORD_COUNT`` (NOMIS can return a
truncated answer with HTTP 200), or that is not the CSV asked for (never cached).
"""
from __future__ import annotations

import io as _io
import math
import re
from collections.abc import Iterable
from pathlib import Path

from .errors import DataFileError, FetchError
from .io import (
    FORMULA_HINT,
    VALID_WITH_COMMA,
    VALID_WITH_POINT,
    check_mapping,
    choose_decimal,
    find_header_row,
    iter_paths,
    match_header,
    normalise_header,
    number_core,
    number_style,
    read_tables,
)

COLUMNS = ("date", "area_code", "area_name", "area_type", "measure", "value", "series",
           "source_file", "source_row")

#: The fields ``load_claimant_count(mapping=...)`` can name a column for.
MAPPING_FIELDS = ("date", "area_code", "area_name", "measure", "value")

#: The two NOMIS series a claimant file can hold (the ``series`` column).
SERIES_CLAIMANT_COUNT = "Claimant count (NM_162_1)"
SERIES_JSA = "Jobseeker's Allowance (NM_1_1)"

#: GSS code prefixes → area type (ONS Register of Geographic Codes).
AREA_TYPES = {
    "E92": "country", "W92": "country", "S92": "country", "N92": "country", "K02": "country",
    "K03": "country", "K04": "country",
    "E12": "region", "E10": "county", "E06": "unitary authority",
    "E07": "non-metropolitan district", "E08": "metropolitan district", "E09": "London borough",
    "E05": "ward", "E01": "LSOA", "E02": "MSOA", "E47": "combined authority",
    "W06": "Welsh unitary authority", "S12": "Scottish council area",
    "N09": "Northern Ireland district",
}
GSS_PATTERN = r"[EWSNK]\d{8}"

#: Header variants (as :func:`io.normalise_header` writes them), best first.
SYNONYMS = {
    "date_code": ("date code", "date"),
    "date_name": ("date name", "month", "period", "time period", "date of count"),
    "area_code": ("geography code", "area code", "gss code", "la code", "local authority code",
                  "code", "ons code"),
    "area_name": ("geography name", "area name", "local authority", "area", "name", "geography"),
    "measure": ("measures name", "measure name", "measure", "measures", "indicator"),
    "value": ("obs value", "value", "observation"),
    "count": ("count", "claimant count", "claimants", "number of claimants", "persons claiming jsa"),
    "rate": ("rate", "claimant rate", "rate per cent", "claimant rate per cent",
             "claimants as a proportion of residents aged 16 64", "proportion of residents aged 16 64"),
}
#: ONS lookup-style code and name columns (``lad21cd``, ``LAD23NM``, ``wd22cd``, ``cauth22cd`` …),
#: as :func:`io.normalise_header` writes them.
_ONS_COLUMN = re.compile(r"^([a-z]{2,6})(\d{2})(cd|nm)$")
#: ONS geography prefixes, finest first: with several code columns the finest is the row's area.
_ONS_FINENESS = ("oa", "lsoa", "msoa", "wd", "ward", "pcon", "lad", "ltla", "cmlad", "utla", "cua",
                 "cty", "cauth", "lep", "rgn", "gor", "ctry", "nat")
#: Columns naming the NOMIS dataset of each row.
_DATASET_HEADERS = ("dataset", "dataset id", "dataset code", "dataset name", "dataset title")

#: Breakdown columns narrowed to their "total" category.
BREAKDOWNS = ("sex name", "gender name", "age name", "duration name", "sex", "gender", "age")
_TOTAL_CATEGORY = re.compile(r"(?i)^\s*(total|all\b.*|persons|aged 16\+|16\+|all persons)\s*$")
#: Cell values that mean "no value" in NOMIS and ONS extracts (suppressed, not available).
MISSING = {"", "..", ".", "*", "!", "-", "x", ":", "n/a", "na", "null", "#n/a"}

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def area_type(code: str) -> str:
    """The kind of area a GSS code names, from its prefix (``E07000901`` → non-metropolitan
    district); ``other`` for prefixes not in :data:`AREA_TYPES`."""
    return AREA_TYPES.get(str(code)[:3].upper(), "other")


def parse_month(text) -> "object":
    """Month text → ``pandas.Timestamp`` of the first of that month, or ``None``.

    Reads ``2018-01``, ``2018-01-01``, ``January 2018``, ``Jan 2018``, ``Jan-18``, ``01/2018``,
    ``2018M01`` and dates ``dd/mm/yyyy`` (their month).
    """
    import pandas as pd

    s = str(text).strip()
    if not s:
        return None
    m = re.fullmatch(r"(\d{4})[-/M]?(\d{1,2})(?:[-/]\d{1,2})?(?:[ T].*)?", s)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
    elif (m := re.fullmatch(r"([A-Za-z]{3,9})\.?[\s\-/]*(\d{2}|\d{4})", s)):
        mo = _MONTHS.get(m.group(1)[:3].lower())
        y = int(m.group(2))
        y = y + 2000 if y < 100 else y
        if mo is None or (len(m.group(1)) > 3 and not _full_month(m.group(1))):
            return None
    elif (m := re.fullmatch(r"(?:\d{1,2}[/.-])?(\d{1,2})[/.-](\d{4})", s)):
        mo, y = int(m.group(1)), int(m.group(2))
    else:
        return None
    if not (1 <= mo <= 12 and 1900 <= y <= 2100):
        return None
    return pd.Timestamp(year=y, month=mo, day=1)


def _full_month(name: str) -> bool:
    full = ["january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december"]
    n = name.lower()
    return n in full or n == "sept"


def _ons_columns(keys: list[str], kind: str) -> list[tuple[int, str]]:
    """``[(index, prefix+year)]`` of ONS-style ``cd``/``nm`` columns, finest geography first."""
    found = []
    for i, k in enumerate(keys):
        m = _ONS_COLUMN.match(k)
        if m and m.group(3) == kind:
            rank = _ONS_FINENESS.index(m.group(1)) if m.group(1) in _ONS_FINENESS else len(_ONS_FINENESS)
            found.append((rank, i, m.group(1) + m.group(2)))
    return [(i, stem) for _, i, stem in sorted(found)]


def _find(header: list[str], field: str) -> int | None:
    keys = [normalise_header(h) for h in header]
    for variant in SYNONYMS[field]:
        if variant in keys:
            return keys.index(variant)
    if field in ("area_code", "area_name"):
        ons = _ons_columns(keys, "cd" if field == "area_code" else "nm")
        if ons:
            if field == "area_name":  # the name column of the geography whose codes are used
                codes = _ons_columns(keys, "cd")
                if codes:
                    same = [i for i, stem in ons if stem == codes[0][1]]
                    if same:
                        return same[0]
            return ons[0][0]
    return None


def _score(row) -> float:
    keys = {normalise_header(c) for c in row}
    score = float(sum(1 for variants in SYNONYMS.values() if keys & set(variants)))
    ons = [_ONS_COLUMN.match(k) for k in keys]
    for field, kind in (("area_code", "cd"), ("area_name", "nm")):
        if not keys & set(SYNONYMS[field]) and any(m and m.group(3) == kind for m in ons):
            score += 1
    return score


def _mapped_columns(header: list[str], mapping: dict[str, str], path, row: int) -> dict[str, int]:
    found = {}
    for field, column in mapping.items():
        j = match_header(header, column)
        if j is None:
            raise DataFileError(
                f"the column {column!r} (mapped to {field!r}) is not in the file", file=path,
                row=row, column=column,
                hint=f"columns seen in the header row: {', '.join(repr(c) for c in header if str(c).strip())}; "
                     "fix the mapping (headers are matched ignoring case) or the file's header.")
        found[field] = j
    return found


def _series_from_text(text) -> str | None:
    """Which NOMIS series a text names (a dataset id or title, a measure, a file name)."""
    t = str(text).lower()
    if re.search(r"(?<![a-z0-9])nm_1_1(?![0-9])", t) or re.search(r"(?<![a-z])jsa(?![a-z])", t) \
            or "jobseeker" in t or "job seeker" in t:
        return SERIES_JSA
    if re.search(r"(?<![a-z0-9])nm_162_1(?![0-9])", t) or "claimant count" in t:
        return SERIES_CLAIMANT_COUNT
    return None


def _measure(text: str) -> str | None:
    t = str(text).lower()
    if any(w in t for w in ("proportion", "rate", "%", "per cent", "percent")):
        return "rate"
    if any(w in t for w in ("count", "claiming", "claimants", "persons", "number")):
        return "count"
    return None


def _number(text: str, file, row: int, column: str, decimal: str = "."):
    """A count or rate cell → float, ``None`` for a missing value (:data:`MISSING`). With
    ``decimal=","`` the file writes ``2,4`` for 2.4 and ``1.205`` for 1205. A number in the
    other convention, a value that is not a finite number (``inf``, ``nan``, ``1e400``) or a
    formula without a saved value raises :class:`DataFileError`."""
    raw = str(text).strip()
    s = raw.rstrip("%").strip()
    if s.replace(",", "").lower() in MISSING or s.lower() in MISSING:
        return None
    if s.startswith("="):
        raise DataFileError(f"{text!r} is a formula without a saved value", file=file, row=row,
                            column=column, hint=FORMULA_HINT + ".")
    core = number_core(s)
    if re.fullmatch(r"[\d.,]+", core) and \
            not re.fullmatch(VALID_WITH_POINT if decimal == "." else VALID_WITH_COMMA, core):
        convention = "decimal points (1,205 or 2.4)" if decimal == "." else "decimal commas (1.205 or 2,4)"
        raise DataFileError(f"{text!r} is not written the way the file's other numbers are: "
                            f"the file uses {convention}", file=file, row=row, column=column,
                            hint="correct this value, or export the file again with one convention.")
    s = s.replace(".", "").replace(",", ".") if decimal == "," else s.replace(",", "")
    try:
        value = float(s)
    except ValueError:
        raise DataFileError(f"{text!r} is not a number", file=file, row=row, column=column,
                            hint="claimant counts and rates must be numbers; NOMIS marks "
                                 "missing values with '..' or '*', which are read as empty.") from None
    if not math.isfinite(value):
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise DataFileError(f"{shown!r} is not a finite number", file=file, row=row, column=column,
                            hint="claimant counts and rates are ordinary numbers; check the export.")
    return value


def _block_decimal(rows, first: int, value_cols: list[int], delimiter, path) -> tuple[str, str]:
    """The decimal separator of a block's values (:func:`io.choose_decimal`): ``(sep, note)``."""
    counts = {"comma": 0, "point": 0, "grouped_dot": 0, "grouped_comma": 0}
    for r in rows[first:]:
        for c in value_cols:
            cell = r[c] if c < len(r) else ""
            if "," in cell or "." in cell:
                style = number_style(cell.strip().rstrip("%"))
                if style:
                    counts[style] += 1
    sep, note = choose_decimal(counts["comma"], counts["point"], counts["grouped_dot"],
                               counts["grouped_comma"], delimiter)
    if sep is None:
        raise DataFileError(f"cannot tell whether the values use a decimal comma or a decimal "
                            f"point: {note}", file=path,
                            hint="export the file again with one convention.")
    return sep, note


def _data_like(row, date_cols: list[int], value_cols: list[int]) -> bool:
    """A row with a readable month and a number: data, never a footnote to set aside."""
    if not any(parse_month(row[c]) is not None for c in date_cols if c < len(row)):
        return False
    for c in value_cols:
        cell = str(row[c]).strip().replace(",", "") if c < len(row) else ""
        try:
            float(cell.rstrip("%"))
            return True
        except ValueError:
            continue
    return False


def _header_row(rows, mapping: dict[str, str]) -> int | None:
    def score(row):
        s = _score(row)
        if mapping:
            s += 2 * sum(match_header(list(row), c) is not None for c in mapping.values())
        return s

    return find_header_row(rows, score, min_score=2, search_rows=50)


def _read_block(path: Path, sheet, rows: list[list[str]], mapping: dict[str, str] | None = None,
                delimiter: str | None = None, notes: list[str] | None = None):
    """One table of cells → (records, report)."""
    mapping = mapping or {}
    notes = list(notes or [])
    h = _header_row(rows, mapping)
    if h is None and mapping:
        raise DataFileError("none of the mapped columns ("
                            + ", ".join(repr(c) for c in mapping.values()) + ") is in the file",
                            file=path, hint="check the mapping against the file's header row.")
    if h is None:
        raise DataFileError("cannot find a claimant count header (an area code and a date, with "
                            "values or count/rate columns)", file=path,
                            hint="the toolkit reads the NOMIS API CSV (GEOGRAPHY_CODE, DATE_NAME, "
                                 "OBS_VALUE), tidy extracts (area_code, date, measure, value) and "
                                 "wide extracts (area_code, date, count, rate).")
    header = [str(c).strip() for c in rows[h]]
    cols = {f: _find(header, f) for f in SYNONYMS}
    mapped = _mapped_columns(header, mapping, path, h + 1)
    # NOMIS has MEASURE_NAME ("Claimant count") and MEASURES_NAME ("Value") in one file, or only
    # MEASURES_NAME ("Persons claiming JSA"): use the one whose values name a count or a rate
    keys = [normalise_header(c) for c in header]
    first = next((r for r in rows[h + 1:] if any(str(c).strip() for c in r)), [])
    for variant in SYNONYMS["measure"]:
        if "measure" in mapped:
            break
        if variant in keys and keys.index(variant) < len(first) and \
                _measure(first[keys.index(variant)]) is not None:
            cols["measure"] = keys.index(variant)
            break
    for field in ("area_code", "area_name", "measure", "value"):
        if field in mapped:
            cols[field] = mapped[field]
    if "date" in mapped:
        cols["date_code"], cols["date_name"] = mapped["date"], None
    if "value" in mapped and "measure" not in mapped and cols["measure"] is not None \
            and cols["measure"] == cols["value"]:
        cols["measure"] = None
    dataset_col = next((keys.index(k) for k in _DATASET_HEADERS if k in keys), None)
    if cols["area_code"] is None:
        raise DataFileError("no area code column (a GSS code such as E07000123)", file=path,
                            row=h + 1, hint="add a column of GSS codes called area_code, or "
                                            "export with GEOGRAPHY_CODE from NOMIS.")
    date_cols = [c for c in (cols["date_code"], cols["date_name"]) if c is not None]
    if not date_cols:
        raise DataFileError("no date or month column", file=path, row=h + 1,
                            hint="add a column called date (e.g. 2024-01) or month (e.g. January 2024).")
    single = None  # a mapped value column with no measure column: its header names the measure
    if cols["value"] is not None and cols["measure"] is not None:
        layout = "raw NOMIS API" if normalise_header(header[cols["value"]]) == "obs value" else "tidy"
        pairs = None
    elif "value" in mapped:
        single = _measure(header[cols["value"]])
        if single is None:
            raise DataFileError(f"the value column {header[cols['value']]!r} does not say whether "
                                "it holds counts or rates, and there is no measure column",
                                file=path, row=h + 1, column=header[cols["value"]],
                                hint="map 'measure' to the column naming each row's measure, or "
                                     "give the value column a header such as 'claimant count' "
                                     "or 'claimant rate'.")
        layout = "tidy"
        pairs = [(single, cols["value"])]
    elif cols["count"] is not None or cols["rate"] is not None:
        layout = "wide"
        pairs = [(m, cols[m]) for m in ("count", "rate") if cols[m] is not None]
    else:
        raise DataFileError("no values: expected a value column with a measure column, or count "
                            "and/or rate columns", file=path, row=h + 1,
                            hint=f"columns seen: {', '.join(repr(c) for c in header if c)}.")
    breakdowns = [i for i, k in enumerate(keys) if k in BREAKDOWNS]
    # Which NOMIS series: a DATASET column (row by row), else what the measures or the value
    # columns say, else the file name, else the claimant count.
    block_series, series_from = None, "default (claimant count)"
    if pairs is None:
        texts = {str(r[cols["measure"]]) for r in rows[h + 1:] if cols["measure"] < len(r)}
        found = {_series_from_text(t) for t in texts} - {None}
        if SERIES_JSA in found:
            block_series, series_from = SERIES_JSA, "measure names"
    elif _series_from_text(" ".join(header[c] for _, c in pairs)) == SERIES_JSA:
        block_series, series_from = SERIES_JSA, "column headers"
    if block_series is None and (by_name := _series_from_text(path.name)):
        block_series, series_from = by_name, "file name"
    block_series = block_series or SERIES_CLAIMANT_COUNT
    value_cols = [cols["value"]] if pairs is None else [c for _, c in pairs]
    decimal, decimal_note = _block_decimal(rows, h + 1, value_cols, delimiter, path)
    if decimal_note:
        notes.append(f"values: {decimal_note}")
    seen_series: dict[str, None] = {}
    from_dataset = False
    records, set_aside, empty = [], 0, 0
    for i in range(h + 1, len(rows)):
        row = rows[i] + [""] * (len(header) - len(rows[i]))
        rownum = i + 1
        if not any(str(c).strip() for c in row):
            continue
        if any(not _TOTAL_CATEGORY.match(str(row[b])) for b in breakdowns):
            set_aside += 1
            continue
        code = str(row[cols["area_code"]]).strip().upper()
        if not re.fullmatch(GSS_PATTERN, code):
            # a footnote, or a line with no area code: set aside, unless it has a month and a
            # value (data, even on the last line, is never set aside unread)
            if (i == len(rows) - 1 or not code) and not _data_like(row, date_cols, value_cols):
                set_aside += 1
                continue
            if not code:
                raise DataFileError("this row has a month and a value but no area code",
                                    file=path, row=rownum, column=header[cols["area_code"]],
                                    hint="add the area's GSS code (e.g. E07000123), or delete the row.")
            raise DataFileError(f"{row[cols['area_code']]!r} is not a GSS area code", file=path,
                                row=rownum, column=header[cols["area_code"]],
                                hint="area codes look like E07000123 (a letter and 8 digits).")
        date = None
        for c in date_cols:
            date = parse_month(row[c])
            if date is not None:
                break
        if date is None:
            raise DataFileError(f"{row[date_cols[0]]!r} is not a month", file=path, row=rownum,
                                column=header[date_cols[0]],
                                hint="months like 2024-01, January 2024, Jan 2024 or Jan-24.")
        name = str(row[cols["area_name"]]).strip() if cols["area_name"] is not None else ""
        if pairs is None:
            measure = _measure(row[cols["measure"]])
            if measure is None:
                raise DataFileError(f"the measure {row[cols['measure']]!r} is neither a count nor "
                                    "a rate", file=path, row=rownum, column=header[cols["measure"]],
                                    hint="measures should name the claimant count or claimants "
                                         "as a proportion of residents aged 16-64.")
            items = [(measure, row[cols["value"]], header[cols["value"]])]
        else:
            items = [(m, row[c], header[c]) for m, c in pairs]
        series = block_series
        if dataset_col is not None and (ds := _series_from_text(row[dataset_col])):
            series, from_dataset = ds, True
        seen_series[series] = None
        for measure, raw, colname in items:
            value = _number(raw, path, rownum, colname, decimal)
            if value is None:
                empty += 1
            records.append((date, code, name, measure, value, series, path.name, rownum))
    columns = {f: header[c] for f, c in cols.items() if c is not None}
    if dataset_col is not None:
        columns["dataset"] = header[dataset_col]
    report = {"file": path.name, "sheet": sheet, "layout": layout, "header_row": h + 1,
              "columns": columns, "mapping": dict(mapping),
              "series": list(seen_series) or [block_series],
              "series_from": "DATASET column" if from_dataset else series_from,
              "rows_read": len(records), "set_aside": set_aside, "empty_values": empty,
              "decimal_separator": decimal, "notes": notes}
    return records, report


def load_claimant_count(path, areas: Iterable[str] | None = None, *, mapping=None, sheet=None):
    """Claimant count file(s) (a file, a list or a folder; CSV or .xlsx) → the long frame
    described in the module docstring, sorted by area, series, measure and date.

    ``areas`` (GSS codes) keeps only those areas. Rows repeated across files are kept once;
    two different values for the same area, month, measure and series raise
    :class:`DataFileError`.

    ``mapping`` names the file's columns outright, ``{field: column header}``, overriding
    detection; the fields are :data:`MAPPING_FIELDS` (``date``, ``area_code``, ``area_name``,
    ``measure``, ``value``). A value column mapped without a measure column is read as counts
    or rates from its header (``claimant count``, ``claimant rate``). ``sheet`` (a name, or a
    number from 0) reads one sheet of a workbook; without it every sheet with a claimant
    header is read (sheets of notes are skipped and listed in the report).
    """
    import pandas as pd

    mapping = check_mapping(mapping, MAPPING_FIELDS, "the claimant count")
    records, reports, skipped = [], [], []
    for p in iter_paths(path):
        blocks = read_tables(p, sheet if p.suffix.lower() in (".xlsx", ".xlsm") else None)
        if not any(t.rows for t in blocks):
            raise DataFileError("the file is empty", file=p,
                                hint="check the download: a claimant count file needs a header and rows.")
        if len(blocks) > 1:  # a workbook: read the sheets with a claimant header
            ok = [_header_row(t.rows, mapping) is not None for t in blocks]
            if any(ok):
                skipped += [f"{p.name} [{t.name}]" for t, y in zip(blocks, ok) if not y]
                blocks = [b for b, y in zip(blocks, ok) if y]
        for t in blocks:
            recs, rep = _read_block(p, t.name, t.rows, mapping, t.delimiter, t.notes)
            records.extend(recs)
            reports.append(rep)
    df = pd.DataFrame(records, columns=["date", "area_code", "area_name", "measure", "value",
                                        "series", "source_file", "source_row"])
    df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    df["value"] = df["value"].astype("float64")
    if areas is not None:
        wanted = {a.strip().upper() for a in areas}
        df = df[df["area_code"].isin(wanted)]
    named = df[df["area_name"] != ""].drop_duplicates("area_code", keep="last")
    names = dict(zip(named["area_code"], named["area_name"]))  # the last file's name wins
    key = ["area_code", "series", "measure", "date"]
    dup = df.duplicated(key, keep=False)
    if dup.any():
        clash = df[dup].groupby(key)["value"].nunique(dropna=False)
        clash = clash[clash > 1]
        if len(clash):
            (code, series, measure, date) = clash.index[0]
            rows = df[(df["area_code"] == code) & (df["series"] == series)
                      & (df["measure"] == measure) & (df["date"] == date)]
            where = ", ".join(f"{f} row {r}" for f, r in zip(rows["source_file"], rows["source_row"]))
            raise DataFileError(
                f"two different {measure} values for {code} in {date:%B %Y} ({where})",
                file=rows["source_file"].iloc[0], row=int(rows["source_row"].iloc[0]),
                hint="load one extract at a time, or remove the older file.")
        df = df.drop_duplicates(key, keep="first")
    df["area_name"] = [names.get(c, c) for c in df["area_code"]]
    df["area_type"] = df["area_code"].map(area_type)
    df = df[list(COLUMNS)].sort_values(["area_code", "series", "measure", "date"]).reset_index(drop=True)
    for c in ("area_code", "area_name", "area_type", "measure", "series", "source_file"):
        df[c] = df[c].astype("str")
    df.attrs["report"] = {"files": reports, "rows": int(len(df)),
                          "areas": int(df["area_code"].nunique()),
                          "series": sorted(set(df["series"])),
                          "area_types": {t: int(n) for t, n in
                                         df.groupby("area_type")["area_code"].nunique().items()},
                          "skipped_sheets": skipped,
                          "first_month": None if df.empty else f"{df['date'].min():%Y-%m}",
                          "last_month": None if df.empty else f"{df['date'].max():%Y-%m}"}
    return df


def files_table(df):
    """What the loader found in each file (for the notebook to show)."""
    import pandas as pd

    rows = []
    for r in df.attrs.get("report", {}).get("files", []):
        rows.append({"file": r["file"] + (f" [{r['sheet']}]" if r.get("sheet") else ""),
                     "series": ", ".join(r.get("series", [])),
                     "layout": r["layout"], "header row": r["header_row"],
                     "values read": r["rows_read"], "rows set aside (breakdowns, notes)": r["set_aside"],
                     "empty values": r["empty_values"]})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- live (NOMIS)

NOMIS_URL = "https://www.nomisweb.co.uk/api/v01/dataset/NM_162_1.data.csv"
#: NOMIS guest queries return at most this many rows per request.
NOMIS_PAGE = 25_000
#: A live NOMIS fetch asks for at most this many pages …
NOMIS_MAX_PAGES = 40
#: … and accepts at most this many rows (a query matching more is refused on its first page).
NOMIS_MAX_ROWS = 1_000_000
#: Columns every NOMIS page must have (as :func:`~toolkit_helpers.io.normalise_header` reads them).
NOMIS_REQUIRED = ("geography code", "obs value")


def _nomis_page(body: bytes):
    """One NOMIS answer → ``(header, rows, record_count or None)``; anything that is not the
    claimant count CSV asked for (an HTML page, an empty answer, a CSV without the columns,
    ragged rows, a ``RECORD_COUNT`` that is not a count) raises :class:`FetchError`, so it is
    never cached."""
    import csv

    text = body.decode("utf-8-sig")
    if not text.strip():
        raise FetchError("NOMIS sent an empty answer",
                         hint="the service may be down; the sample data is used.")
    if text.lstrip()[:1] == "<":
        raise FetchError("NOMIS answered with a web page (HTML), not the CSV asked for",
                         hint="the service may be down or busy; the sample data is used.")
    try:
        page = [r for r in csv.reader(_io.StringIO(text, newline="")) if r]
    except csv.Error:
        raise FetchError("the NOMIS answer is not a CSV",
                         hint="the service may be down; the sample data is used.") from None
    header, data = page[0], page[1:]
    keys = [normalise_header(h) for h in header]
    missing = [k.upper().replace(" ", "_") for k in NOMIS_REQUIRED if k not in keys]
    if missing:
        raise FetchError(f"the NOMIS answer is not the claimant count CSV (no {', '.join(missing)} "
                         "column)", hint="the service may have changed; the sample data is used.")
    if any(len(r) != len(header) for r in data):
        raise FetchError("the NOMIS answer has rows of the wrong width",
                         hint="the answer was damaged; the sample data is used.")
    expected = None
    if "record count" in keys and data:
        raw = data[0][keys.index("record count")]
        try:
            expected = int(float(raw))
        except (ValueError, OverflowError):
            raise FetchError(f"the NOMIS RECORD_COUNT {raw!r} is not a number",
                             hint="the service may have changed; the sample data is used.") from None
        if expected < 0:
            raise FetchError(f"the NOMIS RECORD_COUNT {raw!r} is not a count",
                             hint="the service may have changed; the sample data is used.")
    return header, data, expected


def _whole(value, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (
            high is not None and value > high):
        raise FetchError(f"{name} must be a whole number from {low:,}"
                         + (f" to {high:,}" if high is not None else " up") + f", not {value!r}")
    return value


def fetch_nomis(geographies: Iterable[str], since: str = "2015-01", *, base_url: str = NOMIS_URL,
                page_size: int = NOMIS_PAGE, timeout=None, cache_dir=None, session=None,
                max_pages: int = NOMIS_MAX_PAGES, max_rows: int = NOMIS_MAX_ROWS, deadline=None):
    """The claimant count and rate for ``geographies`` (GSS codes) from ``since`` (``yyyy-mm``)
    to the latest month, from the NOMIS API, as :func:`load_claimant_count` returns it.

    Pages with ``recordoffset`` until every row is in; each page's ``RECORD_COUNT`` (the total
    the query matches) is checked, and an answer with fewer rows than that raises
    :class:`FetchError` (NOMIS can cut an oversized answer short with HTTP 200).

    Bounded: at most ``max_pages`` requests and ``max_rows`` rows — a query whose
    ``RECORD_COUNT`` is over ``max_rows`` is refused on its first page, and a server still
    sending full pages after ``max_pages`` is left there — both a :class:`FetchError` (the
    caller falls back to the sample). Each request has the timeouts and the deadline of
    :func:`toolkit_helpers.net.fetch`; ``deadline`` (seconds) bounds all the pages together.
    Only pages that are the CSV asked for are cached.
    """
    import csv
    import tempfile

    from .net import DEFAULT_TIMEOUT, Deadline, fetch_parsed

    codes = [g.strip().upper() for g in geographies]
    if not codes or not all(re.fullmatch(GSS_PATTERN, c) for c in codes):
        raise FetchError("geographies must be GSS codes such as E07000123", hint=f"got {codes}")
    page_size = _whole(page_size, "page_size", 1, NOMIS_PAGE)
    max_pages = _whole(max_pages, "max_pages", 1)
    max_rows = _whole(max_rows, "max_rows", 1)
    overall = Deadline(deadline) if deadline is not None else None
    params = {"geography": ",".join(codes), "date": f"{since}-latest", "gender": "0", "age": "0",
              "measure": "1,2", "measures": "20100",
              "select": "date_name,geography_name,geography_code,measure_name,obs_value,record_count"}
    header, rows, expected, offset = None, [], None, 0
    for _ in range(max_pages):
        page_header, data, count = fetch_parsed(
            base_url, _nomis_page, params={**params, "recordoffset": str(offset),
                                           "recordlimit": str(page_size)},
            timeout=timeout or DEFAULT_TIMEOUT, cache_dir=cache_dir, session=session,
            deadline=overall)
        if header is not None and page_header != header:
            raise FetchError("the NOMIS pages do not have the same columns",
                             hint="the data changed while it was fetched; try again later.")
        header = page_header
        if count is not None:
            expected = count
            if expected > max_rows:
                raise FetchError(f"the NOMIS query matches {expected:,} rows, over the limit of "
                                 f"{max_rows:,}", hint="ask for fewer areas or months (since=…), "
                                                       "or raise max_rows.")
        rows.extend(data)
        offset += len(data)
        if len(rows) > max_rows:
            raise FetchError(f"NOMIS sent more than {max_rows:,} rows; stopped there",
                             hint="ask for fewer areas or months (since=…), or raise max_rows.")
        if not data or len(data) < page_size or (expected is not None and offset >= expected):
            break
    else:
        raise FetchError(f"NOMIS was still sending full pages after {max_pages:,} pages "
                         f"({len(rows):,} rows); stopped there",
                         hint="ask for fewer areas or months (since=…), or raise max_pages.")
    if expected is not None and len(rows) < expected:
        raise FetchError(f"NOMIS sent {len(rows):,} of {expected:,} rows (a truncated answer)",
                         hint="try again later, or ask for fewer areas or months.")
    if header is None or not rows:
        raise FetchError("NOMIS returned no rows", hint="check the area codes and the months.")
    with tempfile.TemporaryDirectory(prefix="nomis-") as tmp:
        f = Path(tmp) / "nomis_claimant_count.csv"
        buf = _io.StringIO()
        csv.writer(buf).writerows([header] + rows)
        f.write_text(buf.getvalue(), encoding="utf-8")
        try:
            df = load_claimant_count(f)
        except DataFileError as exc:
            raise FetchError(f"the NOMIS answer could not be read ({exc.problem})",
                             hint="the service may have changed; the sample data is used.") from None
    df.attrs["report"]["source"] = "NOMIS API (live)"
    return df
