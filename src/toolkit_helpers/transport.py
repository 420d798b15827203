"""Readers for transport open data: TfL-style station counts, network demand and stop locations.

- :func:`load_station_counts` — TfL annual station counts (``AC2020_AnnualisedEntryExit.csv``
  and the other years' layouts): title, copyright and version rows, two header rows (day type,
  then Entries/Exits), a BOM, thousands separators, day-type columns that change between years,
  placeholder rows such as ``---see LU---`` and ``---Station Closed---`` (in the count cells, or
  in the coverage/notes column with ``---`` in the count cells). One row per station
  and mode: ``mode, nlc, station, year, annualised_entries_exits`` plus the day-type columns
  the file has (``weekday_mon_thu_entries``, ``midweek_tue_thu_exits`` …). The year comes from
  the title row. The same station twice in one file is counted once (the first row).
- :func:`load_daily_journeys` — TfL network demand (``TravelDate, DayOFWeek,
  TubeJourneyCount, BusJourneyCount``): dates as ``yyyymmdd``, header spellings that change;
  several files (a list or a folder) are joined by date, overlaps counted once.
- :func:`load_stops` — stop and station locations: GTFS ``stops.txt`` from any operator (Bus
  Open Data Service, rail, tram) or a simple CSV of name, latitude, longitude, step-free flag.
- :func:`stops_from_stoppoint` / :func:`fetch_stoppoints` — the TfL Unified API ``StopPoint``
  answer as the same table (optional, live; the notebook falls back to the sample).

Every loader leaves its input untouched, raises :class:`~toolkit_helpers.errors.DataFileError`
naming the file, row and column when it cannot read something, and records what it found in
``df.attrs["report"]``.
"""
from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from pathlib import Path

from .errors import DataFileError
from .io import (
    check_mapping,
    find_header_row,
    is_blank_row,
    iter_paths,
    match_header,
    normalise_header,
    read_rows,
)

# ----------------------------------------------------------------------------- numbers

_MISSING = {"", "-", "n/a", "na", "..", "x", "null", "none"}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_PLACEHOLDER = re.compile(r"^-{2,}\s*(.*?)\s*-{2,}$")
#: A count cell of dashes only (``---``): no count, as in the placeholder rows.
_DASHES = re.compile(r"^-{2,}$")


def parse_count(text: str, *, file=None, row: int | None = None, column=None) -> float:
    """``"3,568,528"`` → ``3568528.0``; blank, ``-`` or ``n/a`` → NaN; anything else that is not
    a number raises :class:`DataFileError` naming where it is."""
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if s.lower() in _MISSING:
        return math.nan
    plain = s.replace(",", "")
    if _NUMBER.match(plain) and (
            "," not in s or re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", s)):
        return float(plain)
    raise DataFileError(f"{text!r} is not a count", file=file, row=row, column=column,
                        hint="counts are whole numbers, with or without thousands separators "
                             "(3,568,528); leave a cell empty when there is no count.")


def _placeholder(text: str) -> str | None:
    """``'---see LU---'`` → ``'see LU'``; ``'---Station Closed---'`` → ``'Station Closed'``."""
    m = _PLACEHOLDER.match(str(text).strip())
    return m.group(1) if m and m.group(1) else None


def _snake(text: str) -> str:
    return normalise_header(text).replace(" ", "_")


# ----------------------------------------------------------------------------- station counts

#: Identifying columns of the station counts files (normalised header → canonical name).
_ID_COLUMNS = {
    "mode": "mode", "nlc": "nlc", "mnlc": "nlc", "asc": "asc", "masc": "asc",
    "station": "station", "station name": "station", "coverage": "coverage", "source": "source",
}
_MEASURE_WORDS = {"entries": "entries", "entry": "entries", "exits": "exits", "exit": "exits",
                  "en ex": "entries_exits", "entries exits": "entries_exits",
                  "entries and exits": "entries_exits", "en ex total": "entries_exits",
                  "total": "entries_exits"}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
STATION_COLUMNS = ["mode", "nlc", "station", "year", "annualised_entries_exits"]
#: The fields ``load_station_counts(mapping=...)`` can name a column for.
STATION_MAPPING_FIELDS = ("station", "nlc", "mode", "annualised_entries_exits")


def _header_score(row) -> float:
    cells = {normalise_header(c) for c in row}
    return sum(1 for k in ("mode", "nlc", "station", "mnlc") if k in cells) \
        + 0.5 * sum(1 for c in row if normalise_header(c) in _MEASURE_WORDS)


def _scorer(mapping: dict[str, str] | None):
    """The header score, with two points for each mapped header the row has."""
    if not mapping:
        return _header_score
    return lambda row: _header_score(row) + 2 * sum(
        match_header(row, c) is not None for c in mapping.values())


def _title_year(rows, header_i: int, path: Path) -> tuple[int, str]:
    """The year from the title row (the first non-blank row above the header)."""
    title = ""
    for row in rows[:header_i]:
        text = " ".join(c.strip() for c in row if c.strip())
        if text:
            title = text
            break
    found = _YEAR.findall(title)
    if found:
        # "COUNTS (LU/LO/DLR/TfL Rail)--2020 // Station annualised…": the year after '--' wins.
        after = re.search(r"--\s*((?:19|20)\d\d)", title)
        return int(after.group(1) if after else found[0]), title
    raise DataFileError(
        f"no year in the title row ({title[:80]!r})" if title else "no title row above the header",
        file=path, row=1,
        hint="TfL station counts files start with a title like 'COUNTS (LU/LO/DLR)--2020 // "
             "Station annualised entries and exits'; add the year there (the loader never "
             "guesses it from the file name).")


def _count_columns(rows, header_i: int, path: Path, mapping: dict[str, str] | None = None
                   ) -> tuple[dict[int, str], dict[int, str], str]:
    """Canonical names for every column: identifying columns by name, count columns as
    ``<day type>_<entries|exits|entries_exits>`` from the day-type row above the header.
    ``mapping`` (``{field: header}``) names columns outright; a column the file would give the
    same name is then left out."""
    header = rows[header_i]
    above = rows[header_i - 1] if header_i > 0 else []
    ids: dict[int, str] = {}
    counts: dict[int, str] = {}
    for field, column in (mapping or {}).items():
        j = match_header(header, column)
        if j is None:
            raise DataFileError(
                f"the column {column!r} (mapped to {field!r}) is not in the file", file=path,
                row=header_i + 1, column=column,
                hint="columns seen in the header row: "
                     + ", ".join(repr(c.strip()) for c in header if c.strip())
                     + "; fix the mapping (headers are matched ignoring case) or the header.")
        (counts if field == "annualised_entries_exits" else ids)[j] = field
    mapped = set(ids) | set(counts)
    day = ""
    for j, cell in enumerate(header):
        if j in mapped:
            continue
        key = normalise_header(cell)
        day_cell = above[j].strip() if j < len(above) else ""
        if key in _ID_COLUMNS and _ID_COLUMNS[key] not in ids.values():
            ids[j] = _ID_COLUMNS[key]
            continue
        measure = _MEASURE_WORDS.get(key)
        if measure is None:
            # A header naming both, e.g. "Weekday Entries" in a one-row header.
            words = key.split()
            if words and words[-1] in ("entries", "exits"):
                measure, day_cell = words[-1], " ".join(words[:-1]) or day_cell
            elif key:
                continue  # another text column (kept out of the counts)
            else:
                continue
        if day_cell:
            day = day_cell  # merged cells: a day type spans the columns after it
        if not day:
            raise DataFileError(
                f"the count column {cell!r} has no day type in the row above it",
                file=path, row=header_i, column=j + 1,
                hint="the files have two header rows: day type (Weekday, Saturday, "
                     "Annualised …) above Entries/Exits.")
        name = f"{_snake(day)}_{measure}"
        if _snake(day).startswith("annual"):
            name = "annualised_entries_exits" if measure == "entries_exits" else \
                f"annualised_{measure}"
        if name in counts.values() and any(counts.get(k) == name for k in mapped):
            continue  # the mapping named another column for this
        if name in counts.values():
            raise DataFileError(f"two columns would both be {name!r}", file=path,
                                row=header_i + 1, column=j + 1,
                                hint="each day type should appear once for entries and once "
                                     "for exits.")
        counts[j] = name
    missing = [c for c in ("mode", "station") if c not in ids.values()]
    if missing:
        raise DataFileError(f"no {' or '.join(missing)} column in the header row", file=path,
                            row=header_i + 1, hint="the header row names Mode, NLC and Station.")
    if "annualised_entries_exits" not in counts.values():
        raise DataFileError("no annualised entries/exits column (day type 'Annualised' above "
                            "'En/Ex')", file=path, row=header_i + 1,
                            hint="the loader reads the annualised entry/exit files "
                                 "(…_AnnualisedEntryExit.csv).")
    layout = " / ".join(dict.fromkeys(
        re.sub(r"_(entries|exits|entries_exits)$", "", n) for n in counts.values()))
    return ids, counts, layout


def _station_sheets(path: Path, mapping: dict[str, str] | None = None):
    """``[(rows, label, source_name)]`` for each CSV, or each workbook sheet with a header row."""
    blocks = read_rows(path)
    if len(blocks) == 1:
        return [(blocks[0][1], path, path.name)]
    found = [(rows, f"{path} [{sheet}]", f"{path.name} [{sheet}]") for sheet, rows in blocks
             if find_header_row(rows, _scorer(mapping), min_score=2.0, search_rows=30) is not None]
    return found or [(blocks[0][1], path, path.name)]


def _station_key(mode: str, station: str) -> tuple[str, str]:
    return mode.strip().upper(), " ".join(station.split()).casefold()


def _load_station_rows(rows, path, source_name: str, mapping: dict[str, str] | None = None):
    import pandas as pd

    header_i = find_header_row(rows, _scorer(mapping), min_score=2.0, search_rows=30)
    if header_i is None:
        if mapping:
            raise DataFileError("none of the mapped columns ("
                                + ", ".join(repr(c) for c in mapping.values())
                                + ") is in a header row", file=path,
                                hint="check the mapping against the file's header row.")
        raise DataFileError("no header row with Mode, NLC and Station", file=path,
                            hint="is this a TfL station counts file? Its header row starts "
                                 "'Mode,NLC,ASC,Station'.")
    year, title = _title_year(rows, header_i, path)
    ids, counts, layout = _count_columns(rows, header_i, path, mapping)
    # text columns other than mode, NLC, ASC and station (coverage, source, notes …) can carry
    # the placeholder marker, with '---' in the count cells
    width = max((len(r) for r in rows[header_i:]), default=0)
    marker_cols = [j for j in range(width) if j not in counts
                   and ids.get(j) not in ("mode", "nlc", "asc", "station")]
    records = []
    placeholders = no_counts = set_aside = 0
    seen: dict[tuple[str, str], int] = {}
    duplicates = []
    for i in range(header_i + 1, len(rows)):
        row = rows[i]
        if is_blank_row(row):
            continue
        get = lambda j: row[j].strip() if j < len(row) else ""  # noqa: B023 (called in this iteration)
        rec = {name: get(j) for j, name in ids.items()}
        if not rec.get("mode") or not rec.get("station") or _header_score(row) >= 2:
            set_aside += 1  # notes, totals, repeated headers
            continue
        key = _station_key(rec["mode"], rec["station"])
        if key in seen:
            duplicates.append({"station": rec["station"], "mode": rec["mode"], "row": i + 1,
                               "first_row": seen[key]})
            continue
        seen[key] = i + 1
        note = next((ph for j in marker_cols if (ph := _placeholder(get(j)))), "")
        values = {}
        for j, name in counts.items():
            cell = get(j)
            ph = _placeholder(cell)
            if ph is not None or _DASHES.match(cell):
                note = note or ph or ""
                values[name] = math.nan
                continue
            values[name] = parse_count(cell, file=path, row=i + 1, column=rows[header_i][j]
                                       if j < len(rows[header_i]) else j + 1)
        if note:
            placeholders += 1
        elif all(math.isnan(v) for v in values.values()):
            no_counts += 1
            note = "no counts"
        rec.update(values)
        rec["year"] = year
        rec["note"] = note
        rec["source_file"] = source_name
        rec["source_row"] = i + 1
        records.append(rec)
    if not records:
        raise DataFileError("no station rows below the header", file=path, row=header_i + 1,
                            hint="check that this is the full file, not just its headers.")
    day_cols = list(counts.values())
    order = STATION_COLUMNS + [c for c in ("asc", "coverage", "source") if c in ids.values()] \
        + [c for c in day_cols if c != "annualised_entries_exits"] + ["note", "source_file", "source_row"]
    df = pd.DataFrame.from_records(records)
    for c in order:
        if c not in df.columns:
            df[c] = pd.NA if c != "nlc" else ""
    df = df[order]
    for c in day_cols:
        df[c] = df[c].astype("float64")
    report = {"file": source_name, "title": title, "year": year, "layout": layout,
              "header_row": header_i + 1, "stations": int(len(df)),
              "placeholder_rows": placeholders, "rows_without_counts": no_counts,
              "rows_set_aside": set_aside, "duplicate_rows": len(duplicates),
              "duplicates": duplicates, "mapping": dict(mapping or {}),
              "columns": {name: rows[header_i][j].strip() for j, name in {**ids, **counts}.items()
                          if j < len(rows[header_i])},
              "day_type_columns": [c for c in day_cols if c != "annualised_entries_exits"]}
    return df, report


def load_station_counts(path: str | os.PathLike | Iterable, *, mapping=None):
    """TfL annual station counts (any year's layout) → one row per station and mode.

    Columns: ``mode, nlc, station, year, annualised_entries_exits``, then ``asc, coverage,
    source`` when the file has them, then the per-day-type columns the file has (e.g. 2020:
    ``weekday_mon_thu_entries … sunday_exits``; 2023: ``monday_entries, midweek_entries …``),
    then ``note`` (``"see LU"``, ``"Station Closed"``, ``"no counts"`` or empty),
    ``source_file`` and ``source_row``. Rows that only point elsewhere or mark a closed station
    carry no counts (NaN): the marker may be in the count cells (``---see LU---``) or in the
    coverage/notes column with ``---`` in the count cells. ``path`` may be a file, a list of
    files or a folder (several years are stacked); CSV or ``.xlsx`` (each sheet with a station
    header row is read). The same station and mode twice in one file is counted once: the
    first row is kept and the others are listed in the report (``duplicates``).
    ``df.attrs["report"]`` lists each file's year, layout and rows set aside.

    ``mapping`` names columns outright, ``{field: column header}``, overriding detection; the
    fields are :data:`STATION_MAPPING_FIELDS` (``station``, ``nlc``, ``mode``,
    ``annualised_entries_exits``).
    """
    import pandas as pd

    mapping = check_mapping(mapping, STATION_MAPPING_FIELDS, "the station counts")
    frames, reports = [], []
    for p in iter_paths(path, patterns=("*.csv", "*.xlsx", "*.xlsm", "*.xls", "*.ods")):
        for rows, label, source_name in _station_sheets(Path(p), mapping):
            df, rep = _load_station_rows(rows, label, source_name, mapping)
            frames.append(df)
            reports.append(rep)
    if not frames:
        raise DataFileError("no station counts files given", file=str(path))
    years = [r["year"] for r in reports]
    dup = sorted({y for y in years if years.count(y) > 1})
    if dup:
        raise DataFileError(f"more than one file for {dup[0]}", file=str(path),
                            hint="give one annualised counts file per year.")
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    front = [c for c in frames[0].columns if c in out.columns]
    rest = [c for c in out.columns if c not in front]
    tail = ["note", "source_file", "source_row"]
    cols = [c for c in front if c not in tail] + [c for c in rest if c not in tail] + tail
    out = out[cols]
    out.attrs["report"] = {"files": reports, "rows": int(len(out)), "years": sorted(years),
                           "duplicates": [dict(d, file=r["file"]) for r in reports
                                          for d in r["duplicates"]]}
    return out


def station_files_table(df):
    """What :func:`load_station_counts` found in each file (for the notebook to show)."""
    import pandas as pd

    return pd.DataFrame([{
        "file": r["file"], "year": r["year"], "day types": r["layout"],
        "header row": r["header_row"], "stations": r["stations"],
        "placeholder rows (see…, closed)": r["placeholder_rows"],
        "rows without counts": r["rows_without_counts"],
        "rows set aside": r["rows_set_aside"],
        "repeated stations set aside": r.get("duplicate_rows", 0)}
        for r in df.attrs.get("report", {}).get("files", [])])


# ----------------------------------------------------------------------------- daily journeys

_DATE_HEADERS = {"traveldate", "travel date", "date", "day date", "journey date"}
_DOW_HEADERS = {"dayofweek", "day of week", "day", "weekday", "dow", "day name"}


def _mode_name(header: str) -> str:
    """``'TubeJourneyCount'`` → ``'tube'``; ``'Bus journeys'`` → ``'bus'``."""
    s = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(header).replace("\ufeff", ""))
    words = [w for w in normalise_header(s).split()
             if w not in ("journey", "journeys", "count", "counts", "number", "of", "total", "trips")]
    return "_".join(words) or normalise_header(s).replace(" ", "_")


def parse_date(text: str, *, file=None, row=None, column=None):
    """``20190101`` (yyyymmdd), ``2019-01-01`` or ``01/01/2019`` → a ``datetime.date``."""
    import datetime as dt

    s = str(text).strip()
    if s.endswith(".0"):
        s = s[:-2]
    formats = ("%Y%m%d",) if s.isdigit() and len(s) == 8 else () if s.isdigit() else \
        ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %b %Y", "%d %B %Y")
    for fmt in formats:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise DataFileError(f"{text!r} is not a date", file=file, row=row, column=column,
                        hint="dates as yyyymmdd (20190101), yyyy-mm-dd or dd/mm/yyyy.")


def load_daily_journeys(path: str | os.PathLike | Iterable):
    """TfL network demand daily journeys → ``date`` (datetime64), ``day_of_week`` (from the date),
    then one ``<mode>_journeys`` column per count column in the file (``tube_journeys``,
    ``bus_journeys`` …), ``source_row``. Rows sorted by date.

    Headers are matched loosely (``TravelDate``/``Travel Date``/``Date``;
    ``DayOFWeek``/``Day of week``; ``TubeJourneyCount``/``Tube journeys``). A day-of-week
    column that disagrees with the date is reported (``attrs["report"]["day_mismatches"]``), the
    date wins. Repeated dates in one file raise an error naming both rows.

    ``path`` may also be a list of files or a folder (e.g. one file per year, whose headers
    may be spelt differently): every file is read and they are joined by date, with a
    ``source_file`` column before ``source_row``. A date in two files is counted once; where
    the values differ the later file's (in the order given; a folder's files by name) are
    kept, and ``attrs["report"]["conflicting_dates"]`` lists those dates
    (``overlap_dates`` lists every date found in more than one file). A mode missing from one
    file is empty for its dates. A single file gives exactly the frame described above.
    """
    if isinstance(path, (str, os.PathLike)) and not Path(path).is_dir():
        return _load_daily_file(Path(path))
    files = iter_paths(path, patterns=("*.csv", "*.xlsx", "*.xlsm", "*.xls", "*.ods"))
    if not files:
        raise DataFileError("no daily journeys files given", file=str(path))
    if len(files) == 1:
        return _load_daily_file(files[0])
    return _join_daily([_load_daily_file(f) for f in files])


def _join_daily(frames):
    """Daily journeys from several files → one frame by date (see :func:`load_daily_journeys`)."""
    import pandas as pd

    modes: list[str] = []
    for f in frames:
        modes += [m for m in f.attrs["report"]["modes"] if m not in modes]
    parts = []
    for k, f in enumerate(frames):
        part = f.copy()
        part.insert(len(part.columns) - 1, "source_file", f.attrs["report"]["file"])
        part["_order"] = k
        parts.append(part)
    both = pd.concat(parts, ignore_index=True).sort_values(["date", "_order"], kind="stable")
    per_date = both.groupby("date")["_order"].nunique()
    overlap = per_date[per_date > 1].index
    differ = both[both["date"].isin(overlap)].groupby("date")[modes].nunique(dropna=True)
    conflicting = differ[(differ > 1).any(axis=1)].index
    # the later file wins; a mode the later file lacks keeps the earlier file's value
    agg = {c: "last" for c in ["day_of_week", *modes, "source_file", "source_row"]}
    out = both.groupby("date", sort=True).agg(agg).reset_index()
    last_file = both.groupby("date", sort=True).tail(1).set_index("date")
    out["source_file"] = out["date"].map(last_file["source_file"])
    out["source_row"] = out["date"].map(last_file["source_row"]).astype("int64")
    out = out[["date", "day_of_week", *modes, "source_file", "source_row"]]
    reports = [f.attrs["report"] for f in frames]
    out.attrs["report"] = {
        "file": ", ".join(r["file"] for r in reports), "files": reports,
        "header_row": reports[0]["header_row"], "days": int(len(out)),
        "first": f"{out['date'].min():%Y-%m-%d}", "last": f"{out['date'].max():%Y-%m-%d}",
        "modes": modes, "day_mismatches": sum(r["day_mismatches"] for r in reports),
        "overlap_dates": [f"{d:%Y-%m-%d}" for d in overlap],
        "conflicting_dates": [f"{d:%Y-%m-%d}" for d in conflicting]}
    return out


def _load_daily_file(path: Path):
    """One daily journeys file (see :func:`load_daily_journeys`)."""
    import pandas as pd

    rows = read_rows(path)[0][1]

    def score(row):
        keys = {normalise_header(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", c)) for c in row}
        keys |= {normalise_header(c) for c in row}
        return 2 * bool(keys & _DATE_HEADERS) + bool(keys & _DOW_HEADERS) + \
            0.5 * sum("journey" in k or "count" in k for k in keys)

    hi = find_header_row(rows, score, min_score=2.5, search_rows=20)
    if hi is None:
        raise DataFileError("no header row with a date column and journey counts", file=path,
                            hint="the header names the date (TravelDate) and the counts "
                                 "(TubeJourneyCount, BusJourneyCount …).")
    header = rows[hi]
    date_j = dow_j = None
    mode_cols: dict[int, str] = {}
    for j, h in enumerate(header):
        k1 = normalise_header(h)
        k2 = normalise_header(re.sub(r"(?<=[a-z])(?=[A-Z])", " ", h))
        if date_j is None and (k1 in _DATE_HEADERS or k2 in _DATE_HEADERS):
            date_j = j
        elif dow_j is None and (k1 in _DOW_HEADERS or k2 in _DOW_HEADERS):
            dow_j = j
        elif k1:
            mode_cols[j] = _mode_name(h) + "_journeys"
    if date_j is None or not mode_cols:
        raise DataFileError("the header has no date column or no count columns", file=path,
                            row=hi + 1, hint="expected e.g. TravelDate, DayOFWeek, "
                                             "TubeJourneyCount, BusJourneyCount.")
    records, seen, mismatches = [], {}, 0
    for i in range(hi + 1, len(rows)):
        row = rows[i]
        if is_blank_row(row):
            continue
        get = lambda j: row[j].strip() if j < len(row) else ""  # noqa: B023 (called in this iteration)
        d = parse_date(get(date_j), file=path, row=i + 1, column=header[date_j])
        if d in seen:
            raise DataFileError(f"{d:%Y-%m-%d} appears twice (rows {seen[d]} and {i + 1})",
                                file=path, row=i + 1, column=header[date_j],
                                hint="each date should appear once; remove the duplicate.")
        seen[d] = i + 1
        rec = {"date": d, "day_of_week": d.strftime("%A")}
        if dow_j is not None and get(dow_j) and not d.strftime("%A").lower().startswith(
                get(dow_j).lower()[:3]):
            mismatches += 1
        for j, name in mode_cols.items():
            rec[name] = parse_count(get(j), file=path, row=i + 1, column=header[j])
        rec["source_row"] = i + 1
        records.append(rec)
    if not records:
        raise DataFileError("no rows below the header", file=path, row=hi + 1)
    df = pd.DataFrame.from_records(records)
    df["date"] = pd.to_datetime(df["date"])
    df = df.sort_values("date", kind="stable").reset_index(drop=True)
    df.attrs["report"] = {"file": path.name, "header_row": hi + 1, "days": int(len(df)),
                          "first": f"{df['date'].min():%Y-%m-%d}",
                          "last": f"{df['date'].max():%Y-%m-%d}",
                          "modes": list(mode_cols.values()), "day_mismatches": mismatches}
    return df


# ----------------------------------------------------------------------------- stops

STOP_COLUMNS = ["stop_id", "name", "latitude", "longitude", "step_free", "kind", "parent_station",
                "source_row"]
_TRUE = {"yes", "y", "true", "t", "1", "step free", "step-free"}
_FALSE = {"no", "n", "false", "f", "0"}


def parse_flag(text: str, *, file=None, row=None, column=None):
    """``yes/no/true/false/1/0`` → ``True``/``False``; blank or ``unknown`` → ``None``."""
    s = str(text).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    if s in ("", "unknown", "not known", "n/a", "na", "-"):
        return None
    raise DataFileError(f"{text!r} is not yes or no", file=file, row=row, column=column,
                        hint="write step-free as yes or no (or leave it empty when not known).")


def _coord(text, *, lo, hi, what, file, row, column):
    s = str(text).strip()
    try:
        v = float(s)
    except ValueError:
        raise DataFileError(f"{text!r} is not a {what}", file=file, row=row, column=column,
                            hint=f"{what}s are decimal degrees, e.g. 51.5074 / -0.1278.") from None
    if not lo <= v <= hi:
        raise DataFileError(f"{v} is outside the range of a {what} ({lo} to {hi})", file=file,
                            row=row, column=column,
                            hint="check that latitude and longitude are not swapped.")
    return v


_NAME_HEADERS = ("stop_name", "name", "station", "station name", "stop name", "site", "site name")
_LAT_HEADERS = ("stop_lat", "latitude", "lat")
_LON_HEADERS = ("stop_lon", "longitude", "lon", "long", "lng")
_STEP_HEADERS = ("wheelchair_boarding", "step_free", "step free", "stepfree", "step free access",
                 "accessible", "wheelchair accessible")


def _find(header_norm: list[str], options) -> int | None:
    opts = [normalise_header(o) for o in options]
    for o in opts:
        if o in header_norm:
            return header_norm.index(o)
    return None


def load_stops(path: str | os.PathLike, stations_only: bool = True):
    """Stop or station locations → ``stop_id, name, latitude, longitude, step_free, kind,
    parent_station, source_row``.

    Reads a GTFS ``stops.txt`` (``stop_id, stop_name, stop_lat, stop_lon, location_type,
    parent_station, wheelchair_boarding``) or a simple CSV of ``name, latitude, longitude,
    step_free``. GTFS ``wheelchair_boarding`` is 1 (step-free), 2 (not) or 0/empty (not known;
    a platform inherits its station's value). With ``stations_only`` (default) a GTFS file with
    stations (``location_type`` 1) gives its stations, plus stops that belong to no station;
    entrances, generic nodes and boarding areas are always left out. ``step_free`` is
    ``True``/``False``/``None`` (not known).
    """
    import pandas as pd

    path = Path(path)
    rows = read_rows(path)[0][1]

    def score(row):
        keys = [normalise_header(c) for c in row]
        return sum(_find(keys, opts) is not None for opts in (_NAME_HEADERS, _LAT_HEADERS, _LON_HEADERS))

    hi = find_header_row(rows, score, min_score=3, search_rows=20)
    if hi is None:
        raise DataFileError("no header row with a name, latitude and longitude", file=path,
                            hint="GTFS stops.txt (stop_name, stop_lat, stop_lon) or a CSV with "
                                 "columns name, latitude, longitude, step_free.")
    header = rows[hi]
    keys = [normalise_header(c) for c in header]
    name_j, lat_j, lon_j = (_find(keys, o) for o in (_NAME_HEADERS, _LAT_HEADERS, _LON_HEADERS))
    step_j = _find(keys, _STEP_HEADERS)
    id_j = _find(keys, ("stop_id", "id", "naptan", "atco code", "code"))
    type_j = _find(keys, ("location_type",))
    parent_j = _find(keys, ("parent_station",))
    gtfs = "stop lat" in keys
    records = []
    for i in range(hi + 1, len(rows)):
        row = rows[i]
        if is_blank_row(row):
            continue
        get = lambda j: row[j].strip() if j is not None and j < len(row) else ""  # noqa: B023 (called in this iteration)
        loc_type = get(type_j) or "0"
        if gtfs and loc_type in ("2", "3", "4"):
            continue  # entrances/exits, generic nodes, boarding areas
        if gtfs and not get(lat_j) and not get(lon_j):
            continue
        name = get(name_j)
        if not name:
            raise DataFileError("a stop with no name", file=path, row=i + 1, column=header[name_j],
                                hint="give every stop a name.")
        lat = _coord(get(lat_j), lo=-90, hi=90, what="latitude", file=path, row=i + 1,
                     column=header[lat_j])
        lon = _coord(get(lon_j), lo=-180, hi=180, what="longitude", file=path, row=i + 1,
                     column=header[lon_j])
        raw_step = get(step_j)
        if gtfs and step_j is not None and keys[step_j] == "wheelchair boarding":
            if raw_step not in ("", "0", "1", "2"):
                raise DataFileError(f"{raw_step!r} is not a GTFS wheelchair_boarding value",
                                    file=path, row=i + 1, column=header[step_j],
                                    hint="0 or empty = not known, 1 = step-free, 2 = not.")
            step = {"1": True, "2": False}.get(raw_step)
        else:
            step = parse_flag(raw_step, file=path, row=i + 1,
                              column=header[step_j] if step_j is not None else None)
        records.append({"stop_id": get(id_j) or f"row{i + 1}", "name": name, "latitude": lat,
                        "longitude": lon, "step_free": step,
                        "kind": ("station" if loc_type == "1" else "stop") if gtfs else "station",
                        "parent_station": get(parent_j), "source_row": i + 1})
    if not records:
        raise DataFileError("no stops below the header", file=path, row=hi + 1)
    df = pd.DataFrame.from_records(records, columns=STOP_COLUMNS)
    df["step_free"] = df["step_free"].astype("object")
    if gtfs:
        station_step = df.loc[df["kind"] == "station"].set_index("stop_id")["step_free"].to_dict()
        inherit = df["step_free"].isna() & df["parent_station"].isin(list(station_step))
        df.loc[inherit, "step_free"] = df.loc[inherit, "parent_station"].map(station_step)
        if stations_only and (df["kind"] == "station").any():
            df = df[(df["kind"] == "station") | (df["parent_station"] == "")]
    df = df.reset_index(drop=True)
    df["step_free"] = df["step_free"].map(lambda v: None if v is None or v != v else bool(v)) \
        .astype("object")
    df.attrs["report"] = {"file": path.name, "layout": "GTFS stops.txt" if gtfs else "simple CSV",
                          "header_row": hi + 1, "stops": int(len(df)),
                          "step_free": int((df["step_free"] == True).sum()),  # noqa: E712
                          "step_free_unknown": int(df["step_free"].isna().sum())}
    return df


# ----------------------------------------------------------------------------- TfL Unified API

STOPPOINT_URL = "https://api.tfl.gov.uk/StopPoint"
STEP_FREE_KEYS = {"accessviaLift".lower(), "stepfreeaccess", "stepfree", "wheelchairaccessible"}


def stops_from_stoppoint(answer) -> "object":
    """The TfL Unified API ``StopPoint`` answer (``{"stopPoints": [...]}`` or a list) → the
    :func:`load_stops` table. Step-free comes from the ``Accessibility`` additional properties
    (``AccessViaLift``/``StepFreeAccess`` = ``Yes``/``No``), else not known."""
    import pandas as pd

    from .errors import FetchError

    if isinstance(answer, dict):
        points = answer.get("stopPoints", answer.get("StopPoints"))
    else:
        points = answer
    if not isinstance(points, list):
        raise FetchError("the StopPoint answer has no list of stop points",
                         hint="the API may have changed; the sample stops are used.")
    records = []
    for n, sp in enumerate(points, start=1):
        if not isinstance(sp, dict) or "lat" not in sp or "lon" not in sp:
            continue
        step = None
        for prop in sp.get("additionalProperties") or []:
            key = str(prop.get("key", "")).replace(" ", "").lower()
            if key in STEP_FREE_KEYS:
                val = str(prop.get("value", "")).strip().lower()
                if val.startswith("yes") or val == "true":
                    step = True
                elif val.startswith("no") or val == "false":
                    step = False if step is None else step
        records.append({"stop_id": sp.get("naptanId") or sp.get("id") or f"sp{n}",
                        "name": sp.get("commonName") or sp.get("name") or "",
                        "latitude": float(sp["lat"]), "longitude": float(sp["lon"]),
                        "step_free": step, "kind": "station",
                        "parent_station": "", "source_row": n})
    df = pd.DataFrame.from_records(records, columns=STOP_COLUMNS)
    df["step_free"] = df["step_free"].astype("object")
    df.attrs["report"] = {"file": "TfL Unified API StopPoint (live)", "layout": "StopPoint JSON",
                          "header_row": None, "stops": int(len(df)),
                          "step_free": int((df["step_free"] == True).sum()),  # noqa: E712
                          "step_free_unknown": int(df["step_free"].isna().sum())}
    return df


def fetch_stoppoints(lat: float, lon: float, radius_m: int = 2000, *,
                     stop_types: str = "NaptanMetroStation,NaptanRailStation",
                     timeout=None, cache_dir=None, session=None, base_url: str = STOPPOINT_URL,
                     deadline=None):
    """Stations within ``radius_m`` of a point from the TfL Unified API (``StopPoint``), as the
    :func:`load_stops` table. Timeout, an overall deadline (``deadline`` seconds, else
    :func:`toolkit_helpers.net.deadline_for` the timeout), retries and an on-disk cache come
    from :func:`toolkit_helpers.net.fetch_parsed`: only an answer that reads as a StopPoint
    answer is cached. Failures — including an answer that is not JSON or not StopPoint's
    shape — raise ``FetchError`` (the notebook then uses the sample through
    :func:`toolkit_helpers.net.live_or_sample`). Attribution: *Powered by TfL Open Data*."""
    from . import net

    kwargs = {"params": {"lat": lat, "lon": lon, "radius": int(radius_m), "stopTypes": stop_types}}
    if timeout is not None:
        kwargs["timeout"] = timeout
    kwargs["cache_dir"] = cache_dir if cache_dir is not None else net.default_cache_dir()
    if session is not None:
        kwargs["session"] = session
    if deadline is not None:
        kwargs["deadline"] = deadline

    def parse(body):
        return stops_from_stoppoint(net.parse_json(body, "the StopPoint answer"))

    return net.fetch_parsed(base_url, parse, **kwargs)
