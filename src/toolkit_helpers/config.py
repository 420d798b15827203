"""Council config files (``councils/*.yaml``): loaded safely, validated with clear messages.

A config says which council, which service, where its files are, optional column mappings and
where outputs go. Relative paths inside a config are relative to the **config file's folder**
(so ``councils/sample.yaml`` names ``../data/sample/...``). See ``councils/sample.yaml`` for a
commented example and :data:`SCHEMA` for every key.

>>> cfg = load_config("councils/sample.yaml")          # doctest: +SKIP
>>> cfg.council.name, cfg.data["spend"], cfg.output_dir  # doctest: +SKIP

Column mappings
---------------
When a loader cannot recognise a file's headers, ``mappings:`` names the columns, per data key
(``spend``, ``procurement_card``, ``grants``, ``contracts``, ``ocds``, ``claimants``,
``station_counts``: the kinds whose loader takes a mapping). Under a data key, write either

* ``{field: column header}`` — one mapping for every file of that key (the short form), or
* an *entry* ``{files: ..., columns: {field: column header}, sheet: ...}`` — every part
  optional: ``columns`` the mapping, ``sheet`` the workbook sheet to read (a name, or a number
  from 0), ``files`` which files it is for; or
* a list of entries, when files of one key have different layouts. Each file takes the first
  entry whose ``files`` matches it; one entry without ``files`` may come last and applies to
  every other file (files no entry matches are read with automatic detection).

``files`` is a glob (``*`` any characters, ``?`` one character; a list of globs for several)
matched, ignoring case, against the file's name or the end of its path relative to the
config's folder (``2023/*.xlsx`` matches the workbooks in a folder called ``2023``). Field
names are checked against the loader's fields (``spend``: :data:`toolkit_helpers.spend.FIELDS`,
``grants``: ``registers.GRANT_FIELDS``, …), with a did-you-mean for a typo. For example::

    mappings:
      spend: {supplier: "Vendor", amount: "Value (GBP)"}     # every spend file
      grants:
        columns: {recipient_name: "Organisation", amount: "Grant (£)"}
        sheet: "Data"                                        # read only this sheet
      contracts:
        - files: "contracts-2022*.xlsx"                      # this council's old layout
          columns: {supplier: "Contractor", value: "Total value"}
          sheet: "Register"
        - columns: {supplier: "Supplier name"}               # every other contracts file

:meth:`Config.mapping_for` gives the mapping and sheet for one file and
:func:`toolkit_helpers.kinds.load_config_key` loads a key's files with them.
``Config.mappings`` keeps the short form: ``{key: {field: column header}}`` for the mapping
that applies to every file of a key (the entry without ``files``).
"""
from __future__ import annotations

import difflib
import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .paths import outputs_root, resolve_user_path, slugify

GSS_RE = re.compile(r"^[EWSNK]\d{8}$")
PATTERNS = ("access", "delivery", "policy")

# Each data key: what it is (shown in error messages and the README).
DATA_KEYS: dict[str, str] = {
    "spend": "spend over £250/£500 files: a file, a list of files or a folder (CSV, .xlsx, .xls or .ods)",
    "procurement_card": "procurement card transactions (a file, a list or a folder; CSV, .xlsx, .xls or .ods)",
    "grants": "grants to voluntary and community organisations: 360Giving CSV, .xlsx or JSON",
    "ocds": "OCDS release package JSON or Contracts Finder CSV export (a file or a list)",
    "contracts": "contracts register CSV/.xlsx (Transparency Code: contracts over £5,000)",
    "station_counts": "TfL-style annual station counts CSVs (a file or a list, one per year)",
    "daily_journeys": "TfL-style network demand daily journeys CSV",
    "stops": "stop/station locations: GTFS stops.txt or a CSV of name, latitude, longitude, step_free",
    "service_locations": "the council's service sites: CSV of name, type, latitude, longitude, opening hours",
    "claimants": "claimant count CSV: raw NOMIS API layout, tidy or wide extract (a file or a list)",
    "tile_map": "tile map layout for the region's authorities: a published HexJSON layout "
                "(.hexjson/.json, e.g. UK local authority districts) or a CSV of area_code, "
                "area_name, row, col",
    "catalogue": "offline CKAN catalogue snapshot: package_search/package_show JSON (a file or a folder)",
    "inventory": "data inventory CSV: datasets the service uses or could use",
    "benefits": "benefits register CSV or YAML",
    "logic_model": "logic model YAML (inputs, activities, outputs, outcomes, impact)",
    "ecosystem": "ecosystem map YAML/CSV (actors and flows), current state",
    "ecosystem_target": "ecosystem map YAML/CSV, target state",
    "options": "appraisal options CSV: option, year, stream (cost/benefit), category, value",
    "publish_dataset": "the dataset the council means to open (CSV or .xlsx), for the publish-readiness check",
    "maturity": "open data maturity self-assessment YAML (Open Data Pathway scores)",
    "barriers": "barriers self-assessment YAML (start-here notebook)",
    "neighbours": "statistical neighbours' spend: a folder with one folder per council, named "
                  "from its GSS code (e.g. E07000903-castlemere), holding its published spend "
                  "files; optionally suppliers.csv (Supplier, Postcode, SME, VCSE) in a council's "
                  "folder and postcodes.csv (pcds, laua) at the top",
    "population": "ONS mid-year population estimates (MYE2 layout: Code, Name, Geography, "
                  "All ages), CSV or .xlsx",
    "proposal": "the proposal YAML: decision sought, scope, long list, commercial, funding, "
                "delivery plan and risks (the business case's own words)",
}

# The whole schema: key -> (type description, validator). Nested dicts list their own keys.
TOP_KEYS = {
    "council": "the council: name, gss_code (required); slug, region_name, region_code, comparators",
    "service": "the service: name (required); description, users, problem, patterns",
    "data": "paths of the council's files, by kind (see DATA_KEYS)",
    "mappings": "optional column mappings per data key, e.g. spend: {supplier: 'Vendor'}, or "
                "a list of per-file entries {files: pattern, columns: {...}, sheet: name}",
    "notebook_parameters": "optional parameter values per notebook, e.g. spend_network_tenders: {TOP_N: 15}",
    "settings": "optional settings: live (bool, allow live fetches), timeout_seconds (number), "
                "cache_dir (text), limits (max_file_mb, max_columns, max_cells, "
                "max_unzipped_mb, max_json_depth)",
    "output_dir": "optional output folder (default: outputs/<council slug>)",
}
COUNCIL_KEYS = {"name", "gss_code", "slug", "region_name", "region_code", "comparators",
                "statistical_neighbours", "domain"}
SERVICE_KEYS = {"name", "description", "users", "problem", "patterns", "goals"}
SETTINGS_KEYS = {"live": bool, "timeout_seconds": (int, float), "cache_dir": str, "limits": dict}


@dataclass
class Council:
    name: str
    gss_code: str
    slug: str
    region_name: str | None = None
    region_code: str | None = None
    comparators: list[str] = field(default_factory=list)
    statistical_neighbours: list[str] = field(default_factory=list)
    domain: str = ""  # the council's web domain (e.g. exampleshire.gov.uk), for published URIs


@dataclass
class Service:
    name: str
    description: str = ""
    users: str = ""
    problem: str = ""
    patterns: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)


#: The parts of a mapping entry (see the module docstring).
ENTRY_KEYS = ("files", "columns", "sheet")
MAPPING_EXPECTED = ("data key → {canonical field: column header}, e.g. spend: {supplier: "
                    "'Vendor Name'}, or an entry {files: pattern, columns: {canonical field: "
                    "column header}, sheet: name}, or a list of such entries")


def _match_candidates(path, base) -> list[str]:
    """The texts a ``files`` glob is matched against: the name and every tail of the path
    relative to ``base`` (lower case, ``/`` separators)."""
    p = Path(path)
    try:
        rel = Path(os.path.relpath(p, base)).as_posix() if base is not None else p.as_posix()
    except ValueError:  # another drive (Windows)
        rel = p.as_posix()
    parts = rel.split("/")
    return list(dict.fromkeys([p.name.lower()] + ["/".join(parts[i:]).lower()
                                                  for i in range(len(parts))]))


@dataclass(frozen=True, eq=False)
class MappingRule:
    """One entry of ``mappings.<key>``: the files it is for (``None``: every file), the column
    mapping (``None``: detect) and the sheet (``None``: every sheet)."""
    where: str  # e.g. "mappings.spend[1]", for messages
    files: tuple[str, ...] | None = None
    columns: dict[str, str] | None = None
    sheet: str | int | None = None

    def matches(self, path, base=None) -> bool:
        """Whether this entry is for ``path`` (relative to the config folder ``base``)."""
        if self.files is None:
            return True
        cands = _match_candidates(path, base)
        for pat in self.files:
            pat = pat.replace("\\", "/").lower()
            while pat.startswith("./"):
                pat = pat[2:]
            if any(fnmatch.fnmatchcase(c, pat) for c in cands):
                return True
        return False


@dataclass
class Config:
    path: Path
    council: Council
    service: Service
    data: dict[str, list[Path] | Path]
    mappings: dict[str, dict[str, str]]
    notebook_parameters: dict[str, dict[str, Any]]
    settings: dict[str, Any]
    output_dir: Path
    raw: dict[str, Any]
    #: every entry of ``mappings:`` per data key, in order (see :meth:`mapping_for`)
    mapping_rules: dict[str, tuple[MappingRule, ...]] = field(default_factory=dict)

    def data_path(self, key: str, default=None):
        """The path (or list of paths) configured for ``key``, or ``default``."""
        if key not in DATA_KEYS:
            raise ConfigError(f"unknown data key {key!r}", file=self.path,
                              hint=f"known keys: {', '.join(DATA_KEYS)}")
        return self.data.get(key, default)

    def data_paths(self, key: str) -> list[Path]:
        """Always a list (empty when the key is not set)."""
        v = self.data.get(key)
        if v is None:
            return []
        return list(v) if isinstance(v, list) else [v]

    def mapping_for(self, key: str, path) -> tuple[dict[str, str] | None, str | int | None]:
        """``(column mapping, sheet)`` for one file of data ``key``: from the first entry of
        ``mappings.<key>`` whose ``files`` matches it, else the entry for every file, else
        ``(None, None)`` (automatic detection, every sheet)."""
        base = Path(self.path).parent
        for rule in self.mapping_rules.get(key, ()):
            if rule.matches(path, base):
                return (dict(rule.columns) if rule.columns else None), rule.sheet
        return None, None

    @property
    def live(self) -> bool:
        return bool(self.settings.get("live", False))

    @property
    def timeout(self) -> float:
        return float(self.settings.get("timeout_seconds", 10))


def _fail(path, key: str, problem: str, expected: str) -> ConfigError:
    return ConfigError(f"key '{key}': {problem}", file=path, hint=f"expected {expected}.")


def _check_unknown(path, section: str, given: dict, known) -> None:
    unknown = [k for k in given if k not in known]
    if unknown:
        k = unknown[0]
        close = difflib.get_close_matches(str(k), [str(x) for x in known], n=1)
        guess = f" (did you mean '{close[0]}'?)" if close else ""
        where = f"{section}." if section else ""
        raise ConfigError(f"unknown key '{where}{k}'{guess}", file=path,
                          hint=f"allowed keys{' in ' + section if section else ''}: "
                               f"{', '.join(sorted(map(str, known)))}.")


def _str(path, key, value, required=True) -> str | None:
    if value is None:
        if required:
            raise _fail(path, key, "is missing", "a text value")
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, key, f"has {value!r}", "non-empty text (put it in quotes)")
    bad = next((ch for ch in value if (ord(ch) < 32 and ch not in "\t\n\r")
                or 0x7f <= ord(ch) < 0xa0), None)
    if bad is not None:
        raise _fail(path, key, f"contains a control character ({bad!r})",
                    "plain text: retype it rather than pasting it from another program")
    return value.strip()


def _str_list(path, key, value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, key, f"has {value!r}", "a list of text values")
    return [v.strip() for v in value]


def _gss(path, key, value, required=True) -> str | None:
    v = _str(path, key, value, required)
    if v is not None and not GSS_RE.match(v):
        raise _fail(path, key, f"{v!r} is not a GSS code",
                    "a 9-character GSS code like 'E07000123' (letter then 8 digits; put it in quotes)")
    return v


def _resolve_data(path: Path, key: str, value) -> list[Path] | Path:
    base = path.parent
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, (str, os.PathLike)) for v in items):
        raise _fail(path, f"data.{key}", f"has {value!r}",
                    f"a path or a list of paths: {DATA_KEYS[key]}")
    resolved = []
    for v in items:
        if str(v).startswith(("http://", "https://")):
            raise _fail(path, f"data.{key}", f"{v!r} is a web address",
                        "a local file path; download the file first (live fetches are separate settings)")
        p = resolve_user_path(v, base=base)
        if not p.exists():
            raise ConfigError(f"key 'data.{key}': file not found: {v}", file=path,
                              hint=f"check the path; relative paths are relative to the config's "
                                   f"folder ({base}). Expected {DATA_KEYS[key]}.")
        resolved.append(p)
    return resolved if isinstance(value, list) else resolved[0]


def _check_takes_mapping(path, where: str, key: str) -> None:
    from . import kinds

    if kinds.takes_mapping(key):
        return
    takers = [k for k in kinds.MAPPING_FIELD_CONSTANTS if kinds.takes_mapping(k)]
    if kinds.kind(key) is not None:
        module, func = kinds.kind(key).loader.split(":")
        problem = f"the {key} loader ({module}.{func}) takes no column mapping"
    else:
        problem = (f"{key} is a file the council writes from the toolkit's template, "
                   "read without a column mapping")
    raise ConfigError(f"key '{where}': {problem}", file=path,
                      hint=f"remove mappings.{key}; column mappings are for "
                           f"{', '.join(takers)}.")


def _parse_columns(path, where: str, key: str, cols, fields) -> dict[str, str]:
    if not isinstance(cols, dict):
        raise _fail(path, where, f"has {cols!r}",
                    "canonical field: column header pairs, e.g. {supplier: 'Vendor Name'}")
    out = {}
    for f, header in cols.items():
        if not isinstance(f, str) or (fields is not None and f not in fields):
            close = difflib.get_close_matches(str(f), fields or (), n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(
                f"key '{where}.{f}': unknown {key} field{guess}", file=path,
                hint=(f"expected one of the {key} loader's fields: {', '.join(fields)}"
                      if fields is not None else "expected a field name (text)")
                     + "; the value is the column header in your file.")
        if not isinstance(header, str) or not header.strip():
            raise _fail(path, f"{where}.{f}", f"has {header!r}",
                        "the column header in your file, as text (put it in quotes)")
        out[f] = header.strip()
    return out


def _parse_entry(path, where: str, key: str, entry, fields) -> MappingRule:
    from . import kinds

    if not isinstance(entry, dict):
        raise _fail(path, where, f"has {entry!r}", MAPPING_EXPECTED)
    if not any(k in ENTRY_KEYS for k in entry):  # the short form: {field: column header}
        cols = _parse_columns(path, where, key, entry, fields)
        return MappingRule(where, None, cols or None, None)
    for k in entry:
        if k not in ENTRY_KEYS and isinstance(k, str) and (fields is None or k in fields):
            given = " and ".join(f"'{x}'" for x in ENTRY_KEYS if x in entry)
            raise ConfigError(
                f"key '{where}.{k}': a field next to {given}: fields go under 'columns:'",
                file=path, hint=f"expected {where}: {{columns: {{{k}: '<column header>'}}, "
                                f"{', '.join(f'{x}: ...' for x in ENTRY_KEYS if x in entry)}}}.")
    _check_unknown(path, where, entry, ENTRY_KEYS)
    files = None
    if "files" in entry:
        v = entry["files"]
        items = [v] if isinstance(v, str) else v
        if not isinstance(items, list) or not items or not all(
                isinstance(x, str) and x.strip() for x in items):
            raise _fail(path, f"{where}.files", f"has {v!r}",
                        "a file name pattern such as 'spend-2023-*.csv' (or a list of them)")
        files = tuple(x.strip() for x in items)
    cols = None
    if entry.get("columns") is not None:
        cols = _parse_columns(path, f"{where}.columns", key, entry["columns"], fields) or None
    sheet = entry.get("sheet")
    if sheet is not None:
        named = isinstance(sheet, str) and sheet.strip()
        numbered = isinstance(sheet, int) and not isinstance(sheet, bool) and sheet >= 0
        if not (named or numbered):
            raise _fail(path, f"{where}.sheet", f"has {sheet!r}",
                        "a sheet name (text, in quotes) or a sheet number counting from 0")
        if not kinds.takes_sheet(key):
            raise _fail(path, f"{where}.sheet", f"the {key} loader reads no chosen sheet",
                        "no 'sheet' for this key (remove it)")
        sheet = sheet.strip() if isinstance(sheet, str) else sheet
    return MappingRule(where, files, cols, sheet)


def _parse_mappings(path, raw) -> dict[str, tuple[MappingRule, ...]]:
    """``mappings:`` validated (see the module docstring) → the entries per data key."""
    from . import kinds

    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail(path, "mappings", f"has {raw!r}", MAPPING_EXPECTED)
    _check_unknown(path, "mappings", raw, DATA_KEYS)
    out = {}
    for key, value in raw.items():
        if value is None or value == [] or value == {}:
            continue
        where = f"mappings.{key}"
        if not isinstance(value, (dict, list)):
            raise _fail(path, where, f"has {value!r}", MAPPING_EXPECTED)
        _check_takes_mapping(path, where, key)
        fields = kinds.mapping_fields(key)
        if isinstance(value, dict):
            rules = [_parse_entry(path, where, key, value, fields)]
        else:
            rules = [_parse_entry(path, f"{where}[{i}]", key, e, fields)
                     for i, e in enumerate(value)]
        every = [r for r in rules if r.files is None]
        if len(every) > 1 or (every and rules[-1].files is not None):
            raise _fail(path, every[0].where, "has no 'files' but is not the last entry",
                        "per-file entries (with 'files') first, then at most one entry without "
                        "'files', which applies to every other file")
        out[key] = tuple(rules)
    return out


def _overlaps(a: Path, b: Path) -> bool:
    """Whether two resolved paths are the same, or one holds the other."""
    return a == b or a in b.parents or b in a.parents


def _check_output_dir(path: Path, given: str | None, output_dir: Path, data: dict) -> None:
    """Refuse an output folder that would mix outputs with inputs or replace a folder the user
    needs: the runner swaps the whole output folder when a run finishes. Whether set by
    ``output_dir`` (``given``) or reached by the council's slug (``given`` is ``None``), it
    must not be, or hold, the project, the config's folder, the home folder, the root or a
    system folder; no data path may be inside it, hold it or link into it (links resolved);
    and an existing folder must be the toolkit's own (:data:`paths.OUTPUT_MARKER`), empty,
    or hold only what the toolkit writes."""
    from .paths import (
        OUTPUT_MARKER,
        foreign_entries,
        has_output_marker,
        known_artefact_folders,
        project_root,
        unsafe_output_folder,
    )

    key = "output_dir" if given is not None else "council.slug"
    shown = (repr(given) if given is not None
             else f"the output folder {str(output_dir)!r} (outputs/<council slug>)")
    where = ("a folder of its own for outputs, e.g. outputs/my-council" if given is not None
             else "output_dir set to a folder of its own for outputs, or another council.slug")
    why = unsafe_output_folder(output_dir, (project_root(), "the project folder"),
                               (path.parent, "the config's folder"))
    if why:
        raise ConfigError(f"key '{key}': {shown} {why}: a run replaces the whole output folder",
                          file=path, hint=f"expected {where} (never the project, config, home, "
                                          "root or a system folder, nor a folder holding one).")
    target = output_dir.resolve()
    for dkey, value in data.items():
        for p in value if isinstance(value, list) else [value]:
            q = Path(p).resolve()
            if _overlaps(q, target):
                raise _fail(path, key,
                            f"{shown} overlaps data.{dkey} ({p}): outputs would be mixed with "
                            "your input files", "a separate folder for outputs, e.g. "
                                                "outputs/my-council")
            if not q.is_dir():
                continue
            for top, dirs, files in os.walk(q):  # links are not followed: check each one
                for name in dirs + files:
                    link = Path(top) / name
                    if not link.is_symlink():
                        continue
                    try:
                        to = link.resolve()
                    except (OSError, RuntimeError):  # a loop of links: it leads nowhere
                        continue
                    if _overlaps(to, target):
                        raise _fail(path, key,
                                    f"{shown} overlaps data.{dkey}: {link} links to {to}: "
                                    "outputs would be mixed with your input files",
                                    "a separate folder for outputs, e.g. outputs/my-council")
    if output_dir.exists() and not output_dir.is_dir():
        raise _fail(path, key, f"{shown} is a file", "a folder path")
    if output_dir.is_dir() and not has_output_marker(output_dir):
        foreign = foreign_entries(output_dir, known_artefact_folders())
        if foreign:
            item, what = foreign[0]
            more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
            raise ConfigError(
                f"key '{key}': {shown} already exists, is not empty and was not made by the "
                f"toolkit: it has no {OUTPUT_MARKER} file and holds {item.name!r} ({what}){more}",
                file=path,
                hint=f"choose a new folder for outputs ({'' if given is not None else 'set '}"
                     "output_dir in the config) or empty this one: each run replaces the whole "
                     "output folder, so the toolkit only uses a folder it made (or an empty one).")


def parse_config(raw: Any, path: Path) -> Config:
    """Validate an already-loaded YAML document (see :func:`load_config`)."""
    if not isinstance(raw, dict):
        raise ConfigError("the config must be a YAML mapping of keys to values", file=path,
                          hint="start from councils/sample.yaml.")
    _check_unknown(path, "", raw, TOP_KEYS)
    for req in ("council", "service"):
        if req not in raw:
            raise _fail(path, req, "is missing", TOP_KEYS[req])
        if not isinstance(raw[req], dict):
            raise _fail(path, req, f"has {raw[req]!r}", TOP_KEYS[req])
    c = raw["council"]
    _check_unknown(path, "council", c, COUNCIL_KEYS)
    name = _str(path, "council.name", c.get("name"))
    council = Council(
        name=name,
        gss_code=_gss(path, "council.gss_code", c.get("gss_code")),
        slug=slugify(_str(path, "council.slug", c.get("slug"), required=False) or name),
        region_name=_str(path, "council.region_name", c.get("region_name"), required=False),
        region_code=_gss(path, "council.region_code", c.get("region_code"), required=False),
        comparators=[_gss(path, "council.comparators", v) for v in
                     _str_list(path, "council.comparators", c.get("comparators"))],
        statistical_neighbours=[_gss(path, "council.statistical_neighbours", v) for v in
                                _str_list(path, "council.statistical_neighbours",
                                          c.get("statistical_neighbours"))],
        domain=_str(path, "council.domain", c.get("domain"), required=False) or "",
    )
    s = raw["service"]
    _check_unknown(path, "service", s, SERVICE_KEYS)
    patterns = _str_list(path, "service.patterns", s.get("patterns"))
    for pat in patterns:
        if pat not in PATTERNS:
            raise _fail(path, "service.patterns", f"{pat!r} is not a pattern",
                        f"a list drawn from {', '.join(PATTERNS)}")
    service = Service(
        name=_str(path, "service.name", s.get("name")),
        description=_str(path, "service.description", s.get("description"), False) or "",
        users=_str(path, "service.users", s.get("users"), False) or "",
        problem=_str(path, "service.problem", s.get("problem"), False) or "",
        patterns=patterns,
        goals=_str_list(path, "service.goals", s.get("goals")),
    )
    data_raw = raw.get("data") or {}
    if not isinstance(data_raw, dict):
        raise _fail(path, "data", f"has {data_raw!r}", TOP_KEYS["data"])
    _check_unknown(path, "data", data_raw, DATA_KEYS)
    data = {k: _resolve_data(path, k, v) for k, v in data_raw.items() if v is not None}

    mapping_rules = _parse_mappings(path, raw.get("mappings"))
    mappings = {k: dict(rules[-1].columns) for k, rules in mapping_rules.items()
                if rules[-1].files is None and rules[-1].columns}
    nbp = raw.get("notebook_parameters") or {}
    if not isinstance(nbp, dict) or not all(isinstance(v, dict) for v in nbp.values()):
        raise _fail(path, "notebook_parameters", f"has {nbp!r}",
                    "notebook name → {PARAMETER: value}")
    settings = raw.get("settings") or {}
    if not isinstance(settings, dict):
        raise _fail(path, "settings", f"has {settings!r}", TOP_KEYS["settings"])
    _check_unknown(path, "settings", settings, SETTINGS_KEYS)
    for k, typ in SETTINGS_KEYS.items():
        if k in settings and (not isinstance(settings[k], typ) or
                              (typ is not bool and isinstance(settings[k], bool))):
            raise _fail(path, f"settings.{k}", f"has {settings[k]!r}",
                        {bool: "true or false", str: "text",
                         dict: "a mapping, e.g. {max_file_mb: 1024}"}.get(typ, "a number"))
    if settings.get("limits"):
        from .io import LIMITS, _limit_value

        for name, value in settings["limits"].items():
            if name not in LIMITS:
                import difflib

                close = difflib.get_close_matches(str(name), list(LIMITS), n=1)
                raise _fail(path, f"settings.limits.{name}", "is not a limit"
                            + (f" (did you mean '{close[0]}'?)" if close else ""),
                            f"one of {', '.join(LIMITS)}")
            try:
                _limit_value(name, value, f"settings.limits.{name}")
            except ConfigError as exc:
                raise ConfigError(exc.problem, file=path, hint=exc.hint) from None
    if "timeout_seconds" in settings and not 0 < settings["timeout_seconds"] <= 300:
        raise _fail(path, "settings.timeout_seconds", f"has {settings['timeout_seconds']!r}",
                    "a number of seconds between 0 and 300")
    out = raw.get("output_dir")
    if out is None:
        output_dir = outputs_root() / council.slug
    else:
        _str(path, "output_dir", out)
        output_dir = resolve_user_path(out, base=path.parent)
    _check_output_dir(path, out, output_dir, data)
    return Config(path=path, council=council, service=service, data=data, mappings=mappings,
                  notebook_parameters=nbp, settings=settings, output_dir=output_dir, raw=raw,
                  mapping_rules=mapping_rules)


def load_config(path: str | os.PathLike = "councils/sample.yaml") -> Config:
    """Load and validate a council config (YAML, read with :func:`toolkit_helpers.io.read_yaml`:
    safe tags only, alias expansion limited)."""
    from .io import read_yaml

    p = resolve_user_path(path)
    if not p.exists():
        raise ConfigError("config file not found", file=p,
                          hint="pass the path of a council config, e.g. councils/sample.yaml.")
    if p.is_dir():
        raise ConfigError("this is a folder, not a config file", file=p,
                          hint="pass the path of a .yaml file, e.g. councils/sample.yaml.")
    raw, _ = read_yaml(p, error=ConfigError)
    return parse_config(raw, p)
