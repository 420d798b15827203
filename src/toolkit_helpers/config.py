"""Council config files (``councils/*.yaml``): loaded safely, validated with clear messages.

A config says which council, which service, where its files are, optional column mappings and
where outputs go. Relative paths inside a config are relative to the **config file's folder**
(so ``councils/sample.yaml`` names ``../data/sample/...``). See ``councils/sample.yaml`` for a
commented example and :data:`SCHEMA` for every key.

>>> cfg = load_config("councils/sample.yaml")          # doctest: +SKIP
>>> cfg.council.name, cfg.data["spend"], cfg.output_dir  # doctest: +SKIP
"""
from __future__ import annotations

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
    "spend": "spend over £250/£500 files: a file, a list of files or a folder (CSV or .xlsx)",
    "procurement_card": "procurement card transactions (a file, a list or a folder; CSV or .xlsx)",
    "grants": "grants to voluntary and community organisations: 360Giving CSV, .xlsx or JSON",
    "ocds": "OCDS release package JSON or Contracts Finder CSV export (a file or a list)",
    "contracts": "contracts register CSV/.xlsx (Transparency Code: contracts over £5,000)",
    "station_counts": "TfL-style annual station counts CSVs (a file or a list, one per year)",
    "daily_journeys": "TfL-style network demand daily journeys CSV",
    "stops": "stop/station locations: GTFS stops.txt or a CSV of name, latitude, longitude, step_free",
    "service_locations": "the council's service sites: CSV of name, type, latitude, longitude, opening hours",
    "claimants": "claimant count CSV: raw NOMIS API layout, tidy or wide extract (a file or a list)",
    "tile_map": "tile (grid) map layout for the region's authorities: CSV of area_code, area_name, row, col",
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
}

# The whole schema: key -> (type description, validator). Nested dicts list their own keys.
TOP_KEYS = {
    "council": "the council: name, gss_code (required); slug, region_name, region_code, comparators",
    "service": "the service: name (required); description, users, problem, patterns",
    "data": "paths of the council's files, by kind (see DATA_KEYS)",
    "mappings": "optional column mappings per loader, e.g. spend: {supplier: 'Vendor'}",
    "notebook_parameters": "optional parameter values per notebook, e.g. spend_network_tenders: {TOP_N: 15}",
    "settings": "optional settings: live (bool, allow live fetches), timeout_seconds (number)",
    "output_dir": "optional output folder (default: outputs/<council slug>)",
}
COUNCIL_KEYS = {"name", "gss_code", "slug", "region_name", "region_code", "comparators",
                "statistical_neighbours"}
SERVICE_KEYS = {"name", "description", "users", "problem", "patterns", "goals"}
SETTINGS_KEYS = {"live": bool, "timeout_seconds": (int, float), "cache_dir": str}


@dataclass
class Council:
    name: str
    gss_code: str
    slug: str
    region_name: str | None = None
    region_code: str | None = None
    comparators: list[str] = field(default_factory=list)
    statistical_neighbours: list[str] = field(default_factory=list)


@dataclass
class Service:
    name: str
    description: str = ""
    users: str = ""
    problem: str = ""
    patterns: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)


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
        import difflib
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


def _check_output_dir(path: Path, given: str, output_dir: Path, data: dict) -> None:
    """Refuse an output folder that would mix outputs with inputs or replace a folder the user
    needs: the project, the config's folder, the home or root folder, or any data path (or a
    folder holding one). The runner swaps the whole output folder when a run finishes."""
    from .paths import project_root

    target = output_dir.resolve()
    protected = {Path(target.anchor), Path.home().resolve(), project_root().resolve(),
                 path.parent.resolve()}
    if target in protected:
        raise _fail(path, "output_dir", f"{given!r} is the project, config, home or root folder",
                    "a folder of its own for outputs, e.g. outputs/my-council")
    for key, value in data.items():
        for p in value if isinstance(value, list) else [value]:
            q = Path(p).resolve()
            if q == target or target in q.parents or q in target.parents:
                raise _fail(path, "output_dir",
                            f"{given!r} overlaps data.{key} ({p}): outputs would be mixed with "
                            "your input files", "a separate folder for outputs, e.g. outputs/my-council")


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

    mappings = raw.get("mappings") or {}
    if not isinstance(mappings, dict) or not all(
            isinstance(v, dict) and all(isinstance(a, str) and isinstance(b, str)
                                        for a, b in v.items()) for v in mappings.values()):
        raise _fail(path, "mappings", f"has {mappings!r}",
                    "loader name → {canonical field: column in your file}, e.g. "
                    "spend: {supplier: 'Vendor Name'}")
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
                        {bool: "true or false", str: "text"}.get(typ, "a number"))
    if "timeout_seconds" in settings and not 0 < settings["timeout_seconds"] <= 300:
        raise _fail(path, "settings.timeout_seconds", f"has {settings['timeout_seconds']!r}",
                    "a number of seconds between 0 and 300")
    out = raw.get("output_dir")
    if out is None:
        output_dir = outputs_root() / council.slug
    else:
        _str(path, "output_dir", out)
        output_dir = resolve_user_path(out, base=path.parent)
        if output_dir.exists() and not output_dir.is_dir():
            raise _fail(path, "output_dir", f"{out!r} is a file", "a folder path")
        _check_output_dir(path, out, output_dir, data)
    return Config(path=path, council=council, service=service, data=data, mappings=mappings,
                  notebook_parameters=nbp, settings=settings, output_dir=output_dir, raw=raw)


def load_config(path: str | os.PathLike = "councils/sample.yaml") -> Config:
    """Load and validate a council config (YAML, read with ``yaml.safe_load``)."""
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
