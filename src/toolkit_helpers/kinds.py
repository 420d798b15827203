"""The kinds of file a council gives the toolkit, and the loader that reads each.

A *kind* is also a config ``data`` key (``spend``, ``claimants``, …). For every kind that a
council downloads (rather than writes itself) this module knows its loader, what it feeds, and
how to summarise what was loaded (rows, date range, total), so ``toolkit init`` and
``toolkit check-config --load`` check a file the same way a notebook reads it.

>>> from toolkit_helpers import kinds
>>> df = kinds.load("spend", ["a.csv"])                 # doctest: +SKIP
>>> kinds.summarise("spend", df)                        # doctest: +SKIP
{'rows': 120, 'first': '2024-04-02', 'last': '2024-06-28', 'total': 53211.5, 'detail': ''}

Column mappings (the config's ``mappings:``, see :mod:`toolkit_helpers.config`):
:func:`takes_mapping` / :func:`takes_sheet` say whether a kind's loader takes a ``mapping`` or a
``sheet``; :func:`mapping_fields` lists the fields a mapping may name (read from the loader's
module, ``None`` when the module does not say). :func:`load_config_key` loads every file of a
config's data key with the mapping and sheet that apply to each file, and :func:`check_config`
is what ``toolkit check-config --load`` prints.

>>> df = kinds.load_config_key(load_config("councils/my-council.yaml"), "spend")  # doctest: +SKIP
"""
from __future__ import annotations

import importlib
import inspect
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    loader: str  # "module:function" inside toolkit_helpers
    feeds: tuple[str, ...]  # notebooks that read it
    downloaded: bool = True  # False: a file the council writes itself (a template)


KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("spend", "spend over £250/£500", "spend:load_spend", ("spend_network_tenders",)),
    Kind("procurement_card", "procurement card transactions", "spend:load_spend",
         ("spend_network_tenders",)),
    Kind("grants", "grants (360Giving)", "registers:load_grants", ("spend_network_tenders",)),
    Kind("ocds", "contracts and tenders (OCDS)", "procurement:load_ocds",
         ("spend_network_tenders",)),
    Kind("contracts", "contracts register (over £5,000)", "registers:load_contracts_register",
         ("spend_network_tenders",)),
    Kind("claimants", "claimant count (NOMIS/ONS)", "claimants:load_claimant_count",
         ("dwp_jobseekers",)),
    Kind("station_counts", "station entries and exits (TfL-style)",
         "transport:load_station_counts", ("tfl_transport",)),
    Kind("daily_journeys", "daily journeys (TfL-style network demand)",
         "transport:load_daily_journeys", ("tfl_transport",)),
    Kind("stops", "stop and station locations (GTFS stops.txt or CSV)", "transport:load_stops",
         ("tfl_transport",)),
    Kind("service_locations", "the council's service sites", "openreferral:load_service_locations",
         ("tfl_transport",)),
    Kind("catalogue", "CKAN catalogue answers (JSON)", "catalogue:load_snapshot", ("02_data_use",)),
    Kind("inventory", "data inventory", "inventory:load_inventory", ("02_data_use",), False),
    Kind("tile_map", "tile map layout", "claimants_charts:load_tile_map", ("dwp_jobseekers",)),
)}

#: The inputs of the neighbours study (``spend_neighbours``): loaded and checked like the kinds
#: above, but kept apart from them because ``toolkit init`` does not recognise them among a
#: council's own downloads (it drafts a config from one council's files; every kind in
#: :data:`KINDS` is one it classifies). A ``neighbours`` "file" is one council's folder under
#: ``data.neighbours`` (:func:`files`), read as the study reads it: the spend pipeline, one
#: council at a time, into :class:`~toolkit_helpers.neighbours.CouncilSpend` aggregates.
NEIGHBOUR_KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("neighbours", "statistical neighbours' spend (one folder per council)",
         "neighbours:load_council", ("spend_neighbours",)),
    Kind("population", "ONS mid-year population estimates", "neighbours:load_population",
         ("spend_neighbours",)),
)}

#: Kinds whose loader reads one file at a time (a list is loaded file by file).
SINGLE_FILE = {"stops", "service_locations", "inventory", "tile_map", "population", "neighbours"}

#: The files a loader reads from a folder (its ``iter_paths`` patterns); others: CSV and Excel.
FOLDER_PATTERNS: dict[str, tuple[str, ...]] = {
    "grants": ("*.csv", "*.xlsx", "*.xlsm", "*.xls", "*.ods", "*.json"),
    "ocds": ("*.json", "*.jsonl", "*.csv"),
    "catalogue": ("*.json",),
}
DEFAULT_PATTERNS = ("*.csv", "*.xlsx", "*.xlsm", "*.xls", "*.ods")

#: Where each kind's loader lists the fields a column mapping may name ("module:CONSTANT").
#: A constant that is not there (yet) means "no field check" for that kind.
MAPPING_FIELD_CONSTANTS: dict[str, str] = {
    "spend": "spend:FIELDS",
    "procurement_card": "spend:FIELDS",
    "grants": "registers:GRANT_FIELDS",
    "contracts": "registers:CONTRACT_FIELDS",
    "ocds": "procurement:MAPPING_FIELDS",
    "claimants": "claimants:MAPPING_FIELDS",
    "station_counts": "transport:STATION_MAPPING_FIELDS",
}


def kind(key: str) -> Kind | None:
    """The :class:`Kind` of a data key (:data:`KINDS` or :data:`NEIGHBOUR_KINDS`), or None (a
    template, or a key without a loader)."""
    return KINDS.get(key) or NEIGHBOUR_KINDS.get(key)


def loader(key: str):
    """The loader function for a kind."""
    module, func = kind(key).loader.split(":")
    return getattr(importlib.import_module(f"toolkit_helpers.{module}"), func)


def _params(key: str):
    return inspect.signature(loader(key)).parameters if kind(key) else {}


def takes_mapping(key: str) -> bool:
    """Whether the kind's loader takes a column ``mapping`` (a template or an unknown key:
    ``False``)."""
    return "mapping" in _params(key)


def takes_sheet(key: str) -> bool:
    """Whether the kind's loader reads one chosen ``sheet`` of a workbook."""
    return "sheet" in _params(key)


def mapping_fields(key: str) -> tuple[str, ...] | None:
    """The fields a column mapping for ``key`` may name, as the loader's module lists them
    (:data:`MAPPING_FIELD_CONSTANTS`), or ``None`` when the kind takes no mapping or its
    module does not list them (then any field name is passed on to the loader)."""
    spec = MAPPING_FIELD_CONSTANTS.get(key)
    if spec is None or not takes_mapping(key):
        return None
    module, name = spec.split(":")
    try:
        mod = importlib.import_module(f"toolkit_helpers.{module}")
    except ImportError:
        return None
    value = getattr(mod, name, None)
    if not value or isinstance(value, str):
        return None
    return tuple(str(v) for v in value)


def files(key: str, paths) -> list[Path]:
    """The files ``paths`` (a path, a list, folders) stand for, as the kind's loader reads
    them: a folder gives its files matching the loader's patterns, sorted by name (for
    ``neighbours``: its council folders). Raises
    :class:`~toolkit_helpers.errors.DataFileError` for a folder with none."""
    from .errors import DataFileError
    from .io import iter_paths

    items = list(paths) if isinstance(paths, (list, tuple)) else [paths]
    if key == "neighbours":
        from .neighbours import council_folders

        out = []
        for top in items:
            found = council_folders(top)
            if not found:
                raise DataFileError("no council folders in this folder", file=top,
                                    hint="make one folder per council, named from its GSS code "
                                         "(e.g. E07000903-castlemere), holding its published "
                                         "spend files.")
            out += found
        return out
    return iter_paths(items, FOLDER_PATTERNS.get(key, DEFAULT_PATTERNS))


def load(key: str, paths, mapping: dict | None = None, sheet=None):
    """Load ``paths`` (a path or a list) with the kind's loader, passing ``mapping`` and
    ``sheet`` when the loader takes them. Raises the loader's own :class:`ToolkitError`."""
    fn = loader(key)
    params = inspect.signature(fn).parameters
    kw = {}
    if mapping and "mapping" in params:
        kw["mapping"] = mapping
    if sheet is not None and "sheet" in params:
        kw["sheet"] = sheet
    items = list(paths) if isinstance(paths, (list, tuple)) else [paths]
    if key in SINGLE_FILE or (key == "daily_journeys" and len(items) == 1):
        if len(items) == 1:
            return fn(items[0], **kw)
        import pandas as pd

        frames = [fn(p, **kw) for p in items]
        if not all(isinstance(f, pd.DataFrame) for f in frames):  # neighbours: councils
            return frames
        out = pd.concat(frames, ignore_index=True)
        out.attrs["report"] = {"files": [f.attrs.get("report", {}) for f in frames]}
        return out
    return fn(items if len(items) > 1 else items[0], **kw)


_load = load  # for check_config, whose ``load`` parameter hides the function


def _day(v) -> str | None:
    import pandas as pd

    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    return f"{pd.Timestamp(v):%Y-%m-%d}"


def summarise(key: str, obj) -> dict:
    """What a loaded file holds: ``rows``, ``first`` and ``last`` date (ISO, or year), ``total``
    (money, where the kind has one) and a short ``detail``."""
    import pandas as pd

    out = {"rows": None, "first": None, "last": None, "total": None, "detail": ""}
    if key == "neighbours":  # CouncilSpend aggregates, one council or a list
        councils = obj if isinstance(obj, list) else [obj]
        months = sorted(m for c in councils for m in c.months)
        out["rows"] = sum(c.lines for c in councils)
        out["first"], out["last"] = (months[0], months[-1]) if months else (None, None)
        out["total"] = round(sum(c.net for c in councils), 2)
        n = sum(c.files for c in councils)
        suppliers = sum(0 if c.suppliers is None else len(c.suppliers) for c in councils)
        out["detail"] = (f"{len(councils)} councils, " if len(councils) > 1 else "") + \
            f"{n} file{'s' if n != 1 else ''}, {suppliers} suppliers"
        return out
    if key == "catalogue":
        out["rows"] = len(obj)
        out["detail"] = f"{len(obj)} datasets"
        return out
    df = obj
    out["rows"] = int(len(df))

    def span(col):
        if col in df.columns and len(df):
            s = pd.to_datetime(df[col], errors="coerce").dropna()
            if len(s):
                out["first"], out["last"] = _day(s.min()), _day(s.max())

    if key in ("spend", "procurement_card"):
        span("payment_date")
        out["total"] = round(float(df["amount"].sum()), 2)
        out["detail"] = f"{df['supplier'].nunique()} suppliers"
    elif key == "grants":
        span("award_date")
        out["total"] = round(float(pd.to_numeric(df["amount"], errors="coerce").sum()), 2)
        out["detail"] = f"{df['recipient_name'].nunique()} recipients"
    elif key == "contracts":
        span("start_date")
        out["total"] = round(float(pd.to_numeric(df["value"], errors="coerce").sum()), 2)
        out["detail"] = f"{df['supplier'].nunique()} suppliers"
    elif key == "ocds":
        span("date")
        awarded = pd.to_numeric(df.get("award_value_amount"), errors="coerce")
        out["total"] = round(float(awarded.sum()), 2) if awarded is not None else None
        buyers = sorted({str(b) for b in df["buyer"].dropna()})
        out["detail"] = (f"{df['ocid'].nunique()} processes; buyer"
                         f"{'s' if len(buyers) != 1 else ''}: {', '.join(buyers[:3]) or '—'}"
                         + (" …" if len(buyers) > 3 else ""))
    elif key == "claimants":
        span("date")
        out["detail"] = f"{df['area_code'].nunique()} areas"
    elif key == "station_counts":
        years = sorted({int(y) for y in df["year"].dropna()})
        if years:
            out["first"], out["last"] = str(years[0]), str(years[-1])
        out["detail"] = f"{df['station'].nunique()} stations"
    elif key == "daily_journeys":
        span("date")
        out["detail"] = f"{len(df)} days"
    elif key == "stops":
        out["detail"] = f"{len(df)} stops"
    elif key == "service_locations":
        out["detail"] = f"{len(df)} sites"
    elif key == "inventory":
        out["detail"] = f"{len(df)} datasets"
    elif key == "tile_map":
        out["detail"] = f"{len(df)} tiles"
    elif key == "population":
        out["detail"] = f"{df['code'].nunique()} areas"
    return out


# ------------------------------------------------------------------ a config's data keys

def _template_keys() -> set[str]:
    from .templates import TEMPLATES

    return set(TEMPLATES) | {k for k, kind in KINDS.items() if not kind.downloaded}


@dataclass
class _Unit:
    """What one loader call reads: a file, or a whole folder when every file in it takes the
    same mapping and sheet (so the loader's own folder rules apply)."""
    path: Path
    mapping: dict | None
    sheet: object
    in_folder: bool  # a file of a configured folder, loaded on its own


def _units(config, key: str) -> list[_Unit]:
    from .errors import DataFileError

    out = []
    for item in config.data_paths(key):
        item = Path(item)
        if item.is_dir():
            try:
                found = files(key, item)
            except DataFileError:  # no files: the loader says so in its own words
                found = []
            choices = [config.mapping_for(key, f) for f in found]
            if not found or all(c == choices[0] for c in choices):
                out.append(_Unit(item, *(choices[0] if found else config.mapping_for(key, item)),
                                 False))
            else:
                out += [_Unit(f, m, s, True) for f, (m, s) in zip(found, choices)]
        else:
            out.append(_Unit(item, *config.mapping_for(key, item), False))
    return out


def _skip_reason(key: str, path: Path, exc) -> str | None:
    """Why the loader, reading the folder ``path`` is in, would skip it rather than fail (a
    CSV that is not spend in a spend folder), or ``None`` (a real problem)."""
    if key not in ("spend", "procurement_card"):
        return None
    from . import spend

    not_spend = getattr(spend, "_not_spend_problem", None)
    if not_spend is not None and not not_spend(exc):
        return None
    header_found = getattr(spend, "_spend_header_found", None)
    if header_found is not None and header_found(path):
        return None
    likely = getattr(spend, "likely_kind", None)
    kind = likely(path)[0] if likely is not None else "unknown"
    if kind in getattr(spend, "SPEND_KINDS", ("spend", "procurement_card")):
        return None
    return "not a spend file" + (f" (looks like {kind})" if kind != "unknown" else "")


def _merge_reports(reports: list[dict], rows: int) -> dict:
    out: dict = {"files": [], "rows": rows, "loaded_separately": True, "parts": reports}
    for r in reports:
        out["files"] += list(r.get("files") or [r])
        for k in ("issues", "amount_total", "value_total"):
            if isinstance(r.get(k), (int, float)) and not isinstance(r.get(k), bool):
                out[k] = round(out.get(k, 0) + r[k], 2)
    return out


def _combine(key: str, parts: list):
    """Frames loaded apart (each file with its own mapping) → one frame, with the cross-file
    rules the loader applies when it reads the files together."""
    import pandas as pd

    from .errors import DataFileError

    if len(parts) == 1:
        return parts[0]
    if all(isinstance(p, list) for p in parts):
        return [x for p in parts for x in p]
    if key == "station_counts":
        seen: dict = {}
        for p in parts:
            for y in sorted({int(v) for v in p["year"].dropna()}):
                if y in seen:
                    raise DataFileError(f"more than one file for {y}", file=seen[y],
                                        hint="give one annualised counts file per year.")
                seen[y] = p["source_file"].iloc[0] if "source_file" in p and len(p) else None
    frames = [p for p in parts if len(p)] or parts[:1]
    out = pd.concat(frames, ignore_index=True)
    if key == "claimants":
        ids = ["area_code", "series", "measure", "date"]
        dup = out.duplicated(ids, keep=False)
        if dup.any():
            clash = out[dup].groupby(ids)["value"].nunique(dropna=False)
            clash = clash[clash > 1]
            if len(clash):
                code, _, measure, date = clash.index[0]
                raise DataFileError(f"two different {measure} values for {code} in "
                                    f"{pd.Timestamp(date):%B %Y} in different files",
                                    hint="load one extract at a time, or remove the older file.")
            out = out.drop_duplicates(ids, keep="first")
        out = out.sort_values(ids).reset_index(drop=True)
    out.attrs["report"] = _merge_reports([p.attrs.get("report", {}) for p in parts], len(out))
    return out


def load_config_key(config, key: str):
    """Load every file of the config's data ``key`` with the column mapping and sheet that
    apply to each (:meth:`toolkit_helpers.config.Config.mapping_for`).

    When every file takes the same mapping and sheet, the loader reads them all at once, exactly
    as ``load(key, config.data[key], mapping, sheet)``; otherwise each file (or each folder whose
    files agree) is read with its own and the frames are joined (``attrs["report"]["files"]``
    lists every file). ``neighbours`` gives every council to compare (the council first) as
    :class:`~toolkit_helpers.neighbours.CouncilSpend` aggregates, read as the neighbours study
    reads them. Raises :class:`~toolkit_helpers.errors.ConfigError` for a key that is not set or
    has no loader, and the loader's own error for a file it cannot read.
    """
    from .config import DATA_KEYS
    from .errors import ConfigError, DataFileError

    if kind(key) is None:
        raise ConfigError(f"data key {key!r} has no loader", file=config.path,
                          hint=f"keys with a loader: {', '.join([*KINDS, *NEIGHBOUR_KINDS])}.")
    if not config.data_paths(key):
        raise ConfigError(f"key 'data.{key}' is not set", file=config.path,
                          hint=f"add it under data: in the config: {DATA_KEYS.get(key, key)}.")
    if key == "neighbours":  # every council, as the study reads them (the council's mappings)
        from . import neighbours as nb

        return nb.aggregate(nb.config_sources(config), config=config)
    units = _units(config, key)
    first = (units[0].mapping, units[0].sheet)
    if all((u.mapping, u.sheet) == first for u in units):
        return load(key, config.data[key], *first)
    parts = []
    for u in units:
        try:
            parts.append(load(key, u.path, u.mapping, u.sheet))
        except DataFileError as exc:
            why = _skip_reason(key, u.path, exc) if u.in_folder else None
            if why is None:
                raise
            from . import spend

            warnings.warn(f"{u.path.name} is {why}: skipped; the other files are loaded.",
                          getattr(spend, "NotSpendFileWarning", UserWarning), stacklevel=2)
    if not parts:
        raise DataFileError(f"no file of data.{key} could be read", file=config.path,
                            hint=f"check data.{key} in the config.")
    return _combine(key, parts)


# ------------------------------------------------------------------ toolkit check-config

@dataclass
class CheckRow:
    """One line of ``toolkit check-config --load``."""
    key: str
    file: str
    rows: int | None = None
    first: str | None = None
    last: str | None = None
    total: float | None = None
    status: str = "OK"
    ok: bool = True
    hint: str | None = None


@dataclass
class ConfigCheck:
    """What :func:`check_config` found: a row per file (and per key of several files), the
    loaders' notes (warnings) and :func:`config_warnings`."""
    rows: list[CheckRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[CheckRow]:
        return [r for r in self.rows if not r.ok]

    def table(self) -> str:
        """The rows as a plain-text table: key, file, rows, date range, total, status."""
        head = ("key", "file", "rows", "dates", "total", "status")
        body = [(r.key, r.file, "" if r.rows is None else f"{r.rows:,}",
                 f"{r.first} – {r.last}" if r.first else "",
                 "" if r.total is None else f"{r.total:,.2f}", r.status) for r in self.rows]
        widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head) - 1)]
        right = {2, 4}

        def line(cells):
            out = [c.rjust(w) if i in right else c.ljust(w)
                   for i, (c, w) in enumerate(zip(cells, widths))]
            return "  ".join(out + [cells[-1]]).rstrip()

        return "\n".join([line(head), line(tuple("-" * w for w in widths) + ("------",)),
                          *(line(b) for b in body)])


def _shown(config, path) -> str:
    """A path as the config's folder sees it (what the user wrote under ``data:``)."""
    try:
        return Path(os.path.relpath(Path(path), Path(config.path).parent)).as_posix()
    except ValueError:  # another drive (Windows)
        return Path(path).as_posix()


def config_warnings(config) -> list[str]:
    """Warnings about a config that loads: data keys that still point at the toolkit's sample
    data (``data/sample/``), and per-file mapping patterns that match none of a key's files."""
    from .errors import ToolkitError
    from .templates import origin

    out = []
    for key in config.data:
        paths = config.data_paths(key)
        if origin(paths) == "example":
            out.append(f"data.{key} points at the toolkit's sample data "
                       f"({', '.join(_shown(config, p) for p in paths)}), not the council's own "
                       "file: replace it before using the results")
    out += _neighbours_warnings(config)
    for key, rules in getattr(config, "mapping_rules", {}).items():
        if not any(r.files for r in rules) or not config.data_paths(key):
            continue
        try:
            found = files(key, config.data_paths(key))
        except ToolkitError:
            continue
        base = Path(config.path).parent
        for r in rules:
            if r.files and not any(r.matches(f, base) for f in found):
                out.append(f"{r.where}.files ({', '.join(r.files)}) matches none of the files "
                           f"of data.{key}: check the pattern")
    return out


def _neighbours_warnings(config) -> list[str]:
    """``data.neighbours``: neighbours named in the config without a folder, and folders whose
    name does not start with a GSS code (both would show as *not known* in the study)."""
    from .neighbours import council_folders, folder_code

    tops = [p for p in config.data_paths("neighbours") if Path(p).is_dir()]
    if not tops:
        return []
    folders = council_folders(tops)
    codes = {folder_code(f) for f in folders}
    out = [f"council.statistical_neighbours names {code}, which has no folder under "
           "data.neighbours: its spend will show as not known; add a folder named "
           f"{code}-<name> holding its published spend files"
           for code in config.council.statistical_neighbours if code not in codes]
    out += [f"data.neighbours: the folder {f.name} does not start with a GSS code, so its "
            "population and postcodes are not known: rename it like E07000903-castlemere"
            for f in folders if folder_code(f) is None]
    return out


def _error_status(exc) -> str:
    from .errors import ToolkitError

    if isinstance(exc, ToolkitError):
        where = []
        if exc.file is not None:
            where.append(Path(exc.file).name)
        if exc.row is not None:
            where.append(f"row {exc.row}")
        if exc.column is not None:
            where.append(f"column {exc.column!r}" if isinstance(exc.column, str)
                         else f"column {exc.column}")
        return "error: " + (", ".join(where) + ": " if where else "") + exc.problem
    return f"error: unexpected {type(exc).__name__}: {exc}"


def _try(row: CheckRow, key: str, fn, notes: list[str], what: str):
    """Run ``fn`` (a load) and fill ``row`` from what it loaded, or from the error. Returns
    ``(object or None, exception or None)``; the loader's warnings go to ``notes``."""
    obj = error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            obj = fn()
            s = summarise(key, obj)
        except Exception as exc:  # noqa: BLE001 - every problem is a row of the table
            obj, error = None, exc
            row.ok, row.status = False, _error_status(exc)
            row.hint = getattr(exc, "hint", None)
    for w in caught:
        note = f"{key} {what}: {str(w.message).splitlines()[0]}"
        if note not in notes:
            notes.append(note)
    if obj is not None:
        row.rows, row.first, row.last, row.total = s["rows"], s["first"], s["last"], s["total"]
        row.status = "OK" + (f" ({s['detail']})" if s.get("detail") else "")
    return obj, error


def check_config(config, load: bool = True) -> ConfigCheck:
    """Check every data key of a loaded config the way the notebooks read it.

    Each file of a key with a loader is loaded on its own with the mapping and sheet that
    apply to it, and a key of several files is also loaded whole (:func:`load_config_key`, a
    row ``(all N files)``) so problems between files show. Inputs the council writes itself
    (templates: benefits, options, barriers …) are only checked for existence and whether they
    are still blank. ``load=False`` gives only the warnings."""
    from .errors import ToolkitError
    from .templates import TEMPLATES, is_blank

    out = ConfigCheck(warnings=config_warnings(config))
    if config.settings.get("limits"):  # load as the notebooks will, with the council's limits
        from .io import set_limits

        set_limits(config.settings["limits"])
    if not load:
        return out
    templates = _template_keys()
    for key in config.data:
        paths = [Path(p) for p in config.data_paths(key)]
        if key in templates:
            for p in paths:
                row = CheckRow(key, _shown(config, p))
                if not p.exists():
                    row.ok, row.status = False, "error: file not found"
                elif is_blank(p):
                    what = TEMPLATES[key].what if key in TEMPLATES else "the template"
                    row.status = f"blank template: fill in {what}"
                else:
                    row.status = "OK (filled in)"
                out.rows.append(row)
            continue
        if kind(key) is None:
            out.rows += [CheckRow(key, _shown(config, p), status="not checked: no loader")
                         for p in paths]
            continue
        if key == "neighbours":
            _check_neighbours(config, out)
            continue
        found: list[tuple[Path, bool]] = []
        for p in paths:
            if p.is_dir():
                try:
                    found += [(f, True) for f in files(key, p)]
                except ToolkitError as exc:
                    out.rows.append(CheckRow(key, _shown(config, p), ok=False,
                                             status=_error_status(exc), hint=exc.hint))
            else:
                found.append((p, False))
        loaded = 0
        key_ok = all(r.ok for r in out.rows if r.key == key)
        for f, in_folder in found:
            row = CheckRow(key, _shown(config, f))
            mapping, sheet = config.mapping_for(key, f)
            obj, err = _try(row, key, lambda: _load(key, [f], mapping, sheet), out.notes,  # noqa: B023 (called in this iteration)
                            f.name)
            if in_folder and isinstance(err, ToolkitError):
                why = _skip_reason(key, f, err)
                if why:  # the loader skips it when it reads the folder: not a failure
                    row.ok, row.status, row.hint = True, f"skipped: {why}", None
                    out.rows.append(row)
                    continue
            loaded += obj is not None
            key_ok = key_ok and row.ok
            out.rows.append(row)
            if key == "population" and obj is not None:
                out.warnings += _population_warnings(config, f, obj)
        if key_ok and loaded and len(found) > 1:
            row = CheckRow(key, f"(all {len(found)} files)")
            _try(row, key, lambda: load_config_key(config, key), out.notes, "(all files)")  # noqa: B023 (called in this iteration)
            out.rows.append(row)
    return out


def _population_warnings(config, path, population) -> list[str]:
    """The councils compared that a loaded population file has no row for."""
    wanted = [config.council.gss_code, *config.council.statistical_neighbours]
    missing = [c for c in wanted if c not in set(population["code"])]
    if not missing:
        return []
    return [f"data.population ({Path(path).name}) has no row for {', '.join(missing)}: spend "
            "per resident will be not known for "
            + ("it" if len(missing) == 1 else "them")
            + "; use the ONS estimates for every local authority"]


def _check_neighbours(config, out: ConfigCheck) -> None:
    """``data.neighbours``, as the neighbours study reads it: a row per council folder (its
    spend files through the spend pipeline, the council's own with its ``mappings.spend``), and
    a row for the council itself when its spend is ``data.spend``."""
    from . import neighbours as nb
    from .errors import ToolkitError

    key, tops = "neighbours", []
    for p in config.data_paths(key):
        try:
            files(key, p)
            tops.append(p)
        except ToolkitError as exc:
            out.rows.append(CheckRow(key, _shown(config, p), ok=False,
                                     status=_error_status(exc), hint=exc.hint))
    if not tops:
        return
    code = config.council.gss_code
    try:
        sources = nb.find_councils(tops, code, config.council.name,
                                   config.council.statistical_neighbours, None,
                                   config.data_paths("spend"))
    except ToolkitError as exc:  # the council's own spend folder has no files
        out.rows.append(CheckRow(key, f"(the council, {code})", ok=False,
                                 status=_error_status(exc), hint=exc.hint))
        return
    for src in sources:
        if src.folder is None and not src.is_council:
            continue  # a neighbour without a folder: a warning (config_warnings)
        row = CheckRow(key, _shown(config, src.folder) if src.folder else f"(the council, {code})")
        own_elsewhere = src.is_council and src.files and (
            src.folder is None or not nb.spend_files(src.folder))
        if own_elsewhere:  # its folder (if any) may hold only its supplier register
            row.status = "OK (this council: its spend is data.spend, checked there)"
            try:
                if src.register is not None:
                    nb.load_register(src.register)
            except ToolkitError as exc:
                row.ok, row.status, row.hint = False, _error_status(exc), exc.hint
            out.rows.append(row)
            continue
        mapping = nb.council_mapping(config) if src.is_council else None
        _try(row, key, lambda: nb.load_council(src, mapping), out.notes,  # noqa: B023 (called in this iteration)
             src.folder.name if src.folder else code)
        out.rows.append(row)
