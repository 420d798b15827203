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

Code and name columns are found under their usual names (``area_code``, ``Area code``,
``GEOGRAPHY_CODE``, ``geography code`` …) and under the ONS lookup names (``lad21cd``/``lad21nm``,
``LAD23CD``, ``wd22cd``, ``cauth22cd``, ``rgn21cd`` …, any case); with several ONS code columns the
finest geography (ward before district before region) is the row's area. ``mapping`` names the
columns outright when detection is not enough (see :data:`MAPPING_FIELDS`).

:func:`fetch_nomis` asks the NOMIS API for the claimant count (dataset ``NM_162_1``), page by
page past its 25,000-row cap, and refuses an answer whose rows fall short of its
``RECORD_COUNT`` (NOMIS can return a truncated answer with HTTP 200).
"""
from __future__ import annotations

import io as _io
import re
from pathlib import Path
from typing import Iterable

from .errors import DataFileError, FetchError
from .io import (check_mapping, find_header_row, iter_paths, match_header, normalise_header,
                 read_rows)

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


def _number(text: str, file, row: int, column: str):
    s = str(text).strip().replace(",", "").rstrip("%").strip()
    if s.lower() in MISSING:
        return None
    try:
        return float(s)
    except ValueError:
        raise DataFileError(f"{text!r} is not a number", file=file, row=row, column=column,
                            hint="claimant counts and rates must be numbers; NOMIS marks "
                                 "missing values with '..' or '*', which are read as empty.") from None


def _header_row(rows, mapping: dict[str, str]) -> int | None:
    def score(row):
        s = _score(row)
        if mapping:
            s += 2 * sum(match_header(list(row), c) is not None for c in mapping.values())
        return s

    return find_header_row(rows, score, min_score=2, search_rows=50)


def _read_block(path: Path, sheet, rows: list[list[str]], mapping: dict[str, str] | None = None):
    """One table of cells → (records, report)."""
    mapping = mapping or {}
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
            if i == len(rows) - 1 or not code:  # a footnote or a totals line at the end
                set_aside += 1
                continue
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
            value = _number(raw, path, rownum, colname)
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
              "rows_read": len(records), "set_aside": set_aside, "empty_values": empty}
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
        blocks = read_rows(p, sheet if p.suffix.lower() in (".xlsx", ".xlsm") else None)
        if not any(rows for _, rows in blocks):
            raise DataFileError("the file is empty", file=p,
                                hint="check the download: a claimant count file needs a header and rows.")
        if len(blocks) > 1:  # a workbook: read the sheets with a claimant header
            ok = [_header_row(rows, mapping) is not None for _, rows in blocks]
            if any(ok):
                skipped += [f"{p.name} [{sh}]" for (sh, _), y in zip(blocks, ok) if not y]
                blocks = [b for b, y in zip(blocks, ok) if y]
        for sh, rows in blocks:
            recs, rep = _read_block(p, sh, rows, mapping)
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


def fetch_nomis(geographies: Iterable[str], since: str = "2015-01", *, base_url: str = NOMIS_URL,
                page_size: int = NOMIS_PAGE, timeout=None, cache_dir=None, session=None):
    """The claimant count and rate for ``geographies`` (GSS codes) from ``since`` (``yyyy-mm``)
    to the latest month, from the NOMIS API, as :func:`load_claimant_count` returns it.

    Pages with ``recordoffset`` until every row is in; each page's ``RECORD_COUNT`` (the total
    the query matches) is checked, and an answer with fewer rows than that raises
    :class:`FetchError` (NOMIS can cut an oversized answer short with HTTP 200).
    """
    import csv
    import tempfile

    from .net import DEFAULT_TIMEOUT, fetch

    codes = [g.strip().upper() for g in geographies]
    if not codes or not all(re.fullmatch(GSS_PATTERN, c) for c in codes):
        raise FetchError("geographies must be GSS codes such as E07000123", hint=f"got {codes}")
    params = {"geography": ",".join(codes), "date": f"{since}-latest", "gender": "0", "age": "0",
              "measure": "1,2", "measures": "20100",
              "select": "date_name,geography_name,geography_code,measure_name,obs_value,record_count"}
    header, rows, expected, offset = None, [], None, 0
    while True:
        body = fetch(base_url, params={**params, "recordoffset": str(offset),
                                       "recordlimit": str(page_size)},
                     timeout=timeout or DEFAULT_TIMEOUT, cache_dir=cache_dir, session=session)
        try:
            page = list(csv.reader(_io.StringIO(body.decode("utf-8-sig"))))
        except (UnicodeDecodeError, csv.Error):
            raise FetchError("the NOMIS answer is not a CSV",
                             hint="the service may be down; the sample data is used.") from None
        if not page:
            break
        header, data = page[0], [r for r in page[1:] if r]
        keys = [normalise_header(h) for h in header]
        if "record count" in keys and data:
            expected = int(float(data[0][keys.index("record count")]))
        rows.extend(data)
        offset += len(data)
        if not data or len(data) < page_size or (expected is not None and offset >= expected):
            break
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
        df = load_claimant_count(f)
    df.attrs["report"]["source"] = "NOMIS API (live)"
    return df
