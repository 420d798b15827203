"""``toolkit init FOLDER``: from a folder of a council's downloads to a draft config.

:func:`classify_file` decides what one file is (a config ``data`` kind, or ``unknown``) and
says why: the headers or structure it matched, then a check by loading the file with the
kind's own loader (rows, date range, total). :func:`init` classifies every file under a folder
(recursively), writes a draft council config listing the files by kind (with comments), and
blank templates for the inputs a council writes itself. Files in the folder are only read.

>>> result = init("downloads/", name="Exampleshire Council", gss_code="E07000999")  # doctest: +SKIP
>>> print(result.table())                                                          # doctest: +SKIP
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import ConfigError, ToolkitError

#: File types looked at; anything else is reported as ``unknown`` with the reason.
TABULAR = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods"}
STRUCTURED = {".json", ".hexjson", ".xml"}
#: Files larger than this are not classified (a spend file of a whole year is ~50 MB).
MAX_BYTES = 500 * 1024 * 1024
#: At most this many files are looked at (a bounded walk).
MAX_FILES = 2000

# Header patterns (on spend.header_key of each cell) that point at each kind, with weights.
# A kind's score is the sum over the distinct patterns matched by the best of the first rows.
SIGNS: dict[str, tuple[tuple[str, float], ...]] = {
    "claimants": ((r"^obs value$", 2), (r"^geography (code|name)$", 2), (r"^date name$", 1),
                  (r"^measures? name$", 1), (r"claimant|jsa|jobseeker", 2),
                  (r"^(lad|ua|cty|cauth|rgn|ctry|wd|lau|utla|ltla)\d{2}(cd|nm)$", 2),
                  (r"^(area|geography|la) (code|name)$", 1)),
    "station_counts": ((r"^m?nlc$", 2), (r"^station$", 1), (r"^entries$", 1), (r"^exits$", 1),
                       (r"annuali[sz]ed", 2), (r"entry exit|entries and exits", 2),
                       (r"^en ex$", 1)),
    "daily_journeys": ((r"^travel date$", 2), (r"^day of week$", 1),
                       (r"journey count$|journeys$", 2)),
    "stops": ((r"^stop (lat|lon|name|id)$", 2), (r"^naptan|^atco", 2), (r"step free|wheelchair", 1),
              (r"^(latitude|lat)$", 0.5), (r"^(longitude|lon|long|lng)$", 0.5)),
    "service_locations": ((r"opening (hours|times)", 2), (r"^service type$|^type$", 1),
                          (r"^(latitude|lat)$", 1), (r"^(longitude|lon|long|lng)$", 1),
                          (r"^postcode$", 0.5), (r"^site", 0.5)),
    "grants": ((r"^amount awarded$", 3), (r"^recipient org", 3), (r"^funding org", 3),
               (r"^award date$", 1), (r"^grant programme", 2)),
    "contracts": ((r"contract", 1.5), (r"^start date$|contract start", 1.5),
                  (r"^end date$|contract end|expiry", 1.5), (r"^review date$", 1.5),
                  (r"procurement (type|route|method)|quote or tender", 1.5),
                  (r"^(sme|vcse)|voluntary", 1)),
    "ocds": ((r"^ocid$|releases 0 ocid|^releases \d+ ", 6), (r"^tender ", 1)),
    "tile_map": ((r"^row$", 1), (r"^col(umn)?$", 1), (r"^area code$", 0.5)),
    "inventory": ((r"steward|data owner", 2), (r"^licen[cs]e$", 1), (r"update frequency", 2),
                  (r"personal data", 2), (r"^last updated$", 1)),
}
CARD_SIGN = re.compile(r"merchant|card ?holder|^card|mcc")
#: What each kind feeds, for the table.
FEEDS = {
    "spend": "spend study (pattern 2)", "procurement_card": "spend study (pattern 2)",
    "grants": "spend study (pattern 2)", "ocds": "spend study: contracts and tenders",
    "contracts": "spend study: contracts", "claimants": "claimant study (pattern 3)",
    "station_counts": "TfL study (pattern 1)", "daily_journeys": "TfL study (pattern 1)",
    "stops": "TfL study: access to services", "service_locations": "TfL study: access to services",
    "catalogue": "stage 2: catalogue search", "inventory": "stage 2: data inventory",
    "tile_map": "claimant study: tile map", "unknown": "—",
}
PATTERN_OF = {"spend": "delivery", "procurement_card": "delivery", "grants": "delivery",
              "ocds": "delivery", "contracts": "delivery", "claimants": "policy",
              "station_counts": "access", "daily_journeys": "access",
              "service_locations": "access"}


@dataclass
class Classification:
    file: Path
    kind: str
    reason: str
    rows: int | None = None
    first: str | None = None
    last: str | None = None
    total: float | None = None
    detail: str = ""
    facts: dict = field(default_factory=dict)  # what init can infer (organisation, buyers, …)

    def record(self, base: Path | None = None) -> dict:
        d = asdict(self)
        d["file"] = str(self.file.relative_to(base)) if base else str(self.file)
        d.pop("facts")
        d["feeds"] = FEEDS.get(self.kind, "—")
        return d


# ------------------------------------------------------------------ one file

def _head_rows(path: Path, limit: int = 40) -> list[list[str]]:
    from .io import read_rows

    rows: list[list[str]] = []
    for _, block in read_rows(path)[:3]:
        rows.extend(block[:limit])
    return rows


def _scores(rows: list[list[str]]) -> tuple[dict[str, float], dict[str, list[str]]]:
    from .spend import header_key, header_score

    best: dict[str, float] = {}
    why: dict[str, list[str]] = {}
    for row in rows:
        keys = [header_key(c) for c in row if str(c).strip()]
        if not keys:
            continue
        for kind, signs in SIGNS.items():
            hit = [(pat, w, next(k for k in keys if re.search(pat, k)))
                   for pat, w in signs if any(re.search(pat, k) for k in keys)]
            s = sum(w for _, w, _ in hit)
            if s > best.get(kind, 0):
                best[kind], why[kind] = s, [h for _, _, h in hit]
        s = header_score(row)
        if s > best.get("spend", 0):
            best["spend"], why["spend"] = s, [k for k in keys][:8]
        if s >= 2 and any(CARD_SIGN.search(k) for k in keys):
            card = s + 2
            if card > best.get("procurement_card", 0):
                best["procurement_card"] = card
                why["procurement_card"] = [k for k in keys if CARD_SIGN.search(k)][:3] + \
                    [k for k in keys][:5]
    return best, why


def _json_kind(path: Path) -> tuple[str, str]:
    from .io import load_json, read_bytes

    try:
        doc = load_json(read_bytes(path).decode("utf-8-sig"), file=path)
    except ToolkitError as exc:
        return "unknown", exc.problem
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return "unknown", f"not readable JSON ({type(exc).__name__})"
    if isinstance(doc, dict):
        if isinstance(doc.get("releases"), list) or isinstance(doc.get("records"), list):
            return "ocds", "a JSON package with 'releases' (Open Contracting Data Standard)"
        if isinstance(doc.get("grants"), list):
            return "grants", "a JSON package with 'grants' (360Giving)"
        if "result" in doc and ("help" in doc or "success" in doc):
            return "catalogue", "a CKAN API answer ('help', 'success', 'result')"
        if "ocid" in doc:
            return "ocds", "a single OCDS release (it has an 'ocid')"
        if isinstance(doc.get("hexes"), dict) and "layout" in doc:
            return "tile_map", "a HexJSON layout ('layout' and 'hexes')"
        keys = ", ".join(list(doc)[:6])
        return "unknown", f"JSON whose keys ({keys}) are not releases, grants or a CKAN answer"
    if isinstance(doc, list) and doc and isinstance(doc[0], dict) and "ocid" in doc[0]:
        return "ocds", "a JSON list of OCDS releases"
    return "unknown", "JSON that is not a release package, a grants package or a CKAN answer"


def classify_file(path: str | os.PathLike) -> Classification:
    """What one file is, why, and what its loader found in it. Never raises for a bad file:
    a file no loader can read is ``unknown`` with the reason."""
    from .io import check_regular_file

    path = Path(path)
    try:
        check_regular_file(path)
    except ToolkitError as exc:
        return Classification(path, "unknown", exc.problem)
    suffix = path.suffix.lower()
    if path.name == "stops.txt" or suffix in TABULAR:
        pass
    elif suffix in (".json", ".hexjson"):
        kind, why = _json_kind(path)
        if kind == "unknown":
            return Classification(path, kind, why)
        return _check(path, kind, why)
    elif suffix == ".xml":
        return Classification(path, "unknown", "XML (such as NaPTAN or TransXChange) is not "
                                               "read by the toolkit: use GTFS stops.txt or CSV")
    else:
        return Classification(path, "unknown", f"not a file type the toolkit reads ({suffix or 'no extension'})")
    if not path.is_file():
        return Classification(path, "unknown", "not a regular file")
    if path.stat().st_size > MAX_BYTES:
        return Classification(path, "unknown", f"larger than {MAX_BYTES // 2**20} MB: not checked")
    try:
        rows = _head_rows(path)
    except ToolkitError as exc:
        return Classification(path, "unknown", f"cannot be read: {exc.problem}")
    best, why = _scores(rows)
    candidates = sorted((k for k, s in best.items() if s >= 2), key=lambda k: -best[k])
    if "procurement_card" in candidates and "spend" in candidates:
        candidates.remove("spend")
    errors = []
    for kind in candidates:
        reason = f"headers matched: {', '.join(dict.fromkeys(why[kind]))}"
        c = _check(path, kind, reason)
        if c.kind != "unknown":
            return c
        errors.append(f"not {kind}: {c.reason}")
    if errors:
        return Classification(path, "unknown", "; ".join(errors[:2]))
    return Classification(path, "unknown", "no header row of any kind the toolkit reads "
                                           "(spend, contracts, claimants, station counts, …)")


def _check(path: Path, kind: str, reason: str) -> Classification:
    from . import kinds

    loader_kind = "spend" if kind == "procurement_card" else kind
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            obj = kinds.load(loader_kind, [path])
    except ToolkitError as exc:
        return Classification(path, "unknown", f"{exc.problem}")
    except Exception as exc:  # a loader bug must not stop the whole folder
        return Classification(path, "unknown", f"the {kind} loader failed ({type(exc).__name__})")
    if kind not in ("catalogue",) and hasattr(obj, "__len__") and len(obj) == 0:
        return Classification(path, "unknown", f"looks like {kind} but has no rows")
    s = kinds.summarise(kind, obj)
    c = Classification(path, kind, reason, rows=s["rows"], first=s["first"], last=s["last"],
                       total=s["total"], detail=s["detail"])
    c.facts = _facts(kind, obj)
    return c


def _facts(kind: str, obj) -> dict:
    """What a file tells about the council (for the draft config)."""
    import pandas as pd

    if kind in ("spend", "procurement_card") and "organisation" in obj.columns:
        orgs = obj["organisation"].dropna().astype(str).str.strip()
        orgs = orgs[orgs != ""]
        return {"organisation": orgs.mode().iloc[0]} if len(orgs) else {}
    if kind == "ocds":
        return {"buyers": sorted({str(b) for b in obj["buyer"].dropna()}), "frame": obj}
    if kind == "claimants":
        areas = obj.drop_duplicates("area_code")
        return {"areas": {str(r.area_code): (str(r.area_name), str(r.area_type))
                          for r in areas.itertuples()}}
    if kind == "station_counts":
        return {"years": sorted({int(y) for y in obj["year"].dropna()})}
    del pd
    return {}


# ------------------------------------------------------------------ a folder

@dataclass
class InitResult:
    folder: Path
    files: list[Classification]
    config: Path | None
    templates: dict[str, Path]
    notes: list[str]

    def records(self) -> list[dict]:
        return [c.record(self.folder) for c in self.files]

    def table(self) -> str:
        """A plain-text table: file, kind, rows, dates, what it will feed."""
        head = ("file", "kind", "rows", "dates", "feeds")
        rows = []
        for c in self.files:
            dates = f"{c.first} to {c.last}" if c.first and c.last and c.first != c.last else (c.first or "")
            rows.append((str(c.file.relative_to(self.folder)), c.kind,
                         "" if c.rows is None else f"{c.rows:,}", dates, FEEDS.get(c.kind, "—")))
        widths = [min(60, max([len(h)] + [len(r[i]) for r in rows])) for i, h in enumerate(head)]
        line = lambda r: "  ".join(str(v)[:w].ljust(w) for v, w in zip(r, widths)).rstrip()
        out = [line(head), line(["-" * w for w in widths])] + [line(r) for r in rows]
        unknown = [c for c in self.files if c.kind == "unknown"]
        for c in unknown:
            out.append(f"  unknown: {c.file.relative_to(self.folder)}: {c.reason}")
        return "\n".join(out)


def _own_buyers(found: list[Classification], name: str, gss_code: str) -> list[str]:
    """The buyer names in OCDS files that are the council (as the spend study filters them)."""
    from .procurement import council_releases

    own: set[str] = set()
    for c in found:
        frame = c.facts.get("frame")
        if frame is not None and len(frame):
            mine, _ = council_releases(frame, name, gss_code)
            own |= {str(b) for b in mine["buyer"].dropna()}
    return sorted(own)


def walk(folder: Path) -> list[Path]:
    """Every file under ``folder`` (recursively, sorted, hidden files and links to folders
    skipped), at most :data:`MAX_FILES`."""
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if f.startswith((".", "~$")):
                continue
            p = Path(root) / f
            if p.is_file():
                found.append(p)
            if len(found) >= MAX_FILES:
                return found
    return found


def _yaml_str(text: str) -> str:
    return json.dumps(str(text), ensure_ascii=False)


def _rel(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` when it is close by, else absolute."""
    rel = os.path.relpath(path.resolve(), base.resolve())
    return str(path.resolve()) if rel.startswith(os.path.join("..", "..")) else rel


def init(folder, *, name: str, gss_code: str, slug: str | None = None,
         config_out: str | os.PathLike | None = None, service: str | None = None,
         force: bool = False) -> InitResult:
    """Classify every file under ``folder`` and write a draft config (default
    ``councils/<slug>.yaml``) plus blank templates beside it (``councils/<slug>/``). Files in
    ``folder`` are only read. Refuses to overwrite an existing config unless ``force``."""
    from .config import GSS_RE, parse_config
    from .io import atomic_write_text
    from .paths import data_dir, project_root, resolve_user_path, slugify
    from .templates import TEMPLATES, write_templates

    folder = resolve_user_path(folder)
    if not folder.is_dir():
        raise ConfigError("this is not a folder", file=folder,
                          hint="give the folder you downloaded the council's files into.")
    if not name or not str(name).strip():
        raise ConfigError("the council's name is missing", hint='pass --name "Exampleshire Council".')
    if not GSS_RE.match(str(gss_code or "")):
        raise ConfigError(f"{gss_code!r} is not a GSS code",
                          hint="pass --gss-code with a letter and 8 digits, e.g. E07000123.")
    name = " ".join(str(name).split())
    slug = slugify(slug or name)
    config_path = (resolve_user_path(config_out) if config_out
                   else project_root() / "councils" / f"{slug}.yaml")
    if config_path.exists() and not force:
        raise ConfigError("a config already exists here", file=config_path,
                          hint="choose another --config-out, or pass --force to replace it.")
    sample = (data_dir() / "sample").resolve()
    files = [p for p in walk(folder) if p.resolve() != config_path.resolve()]
    results = [classify_file(p) for p in files]
    notes: list[str] = []
    by_kind: dict[str, list[Classification]] = {}
    for c in results:
        if c.kind != "unknown":
            if sample == c.file.resolve() or sample in c.file.resolve().parents:
                c.kind, c.reason = "unknown", "a file of the toolkit's sample council: not used"
                continue
            by_kind.setdefault(c.kind, []).append(c)

    base = config_path.parent
    template_dir = base / slug
    templates = {k: template_dir / t.filename for k, t in TEMPLATES.items()}
    lines = [f"# Council config for {name}, drafted by `toolkit init` from {folder.name}/.",
             "# Check every line marked CHECK, fill in the templates it points at, then run",
             f"#   toolkit check-config --load {_rel(config_path, Path.cwd())}",
             f"#   toolkit run --config {_rel(config_path, Path.cwd())}",
             "# Relative paths are relative to this file's folder.", "",
             "council:", f"  name: {_yaml_str(name)}", f"  gss_code: {_yaml_str(gss_code)}",
             f"  slug: {slug}"]
    areas = {}
    for c in by_kind.get("claimants", []):
        areas.update(c.facts.get("areas", {}))
    if areas:
        if gss_code not in areas:
            from .procurement import council_name_key

            same = [k for k, v in areas.items() if council_name_key(v[0]) == council_name_key(name)]
            hint = f" ({name} is {same[0]} there: check --gss-code)" if same else ""
            notes.append(f"the claimant files do not hold {gss_code}{hint}; areas there: "
                         + ", ".join(list(areas)[:6]))
            lines.append(f"  # CHECK: the claimant files have no rows for {gss_code}{hint}")
        regions = [(k, v[0]) for k, v in areas.items() if v[1] == "region"]
        if len(regions) == 1:
            lines += [f"  region_code: {_yaml_str(regions[0][0])}",
                      f"  region_name: {_yaml_str(regions[0][1])}"]
        else:
            lines.append("  # region_code: \"E12000000\"   # optional: the region, if the claimant files have it")
        own = areas.get(gss_code, (None, None))[1]
        peers = [k for k, v in areas.items() if k != gss_code and v[1] == own][:8]
        if peers:
            lines.append("  # CHECK: statistical neighbours (authorities like yours; these are the "
                         "authorities of the same kind found in the claimant files)")
            lines.append("  statistical_neighbours: [" + ", ".join(_yaml_str(p) for p in peers) + "]")
    orgs = {c.facts["organisation"] for c in by_kind.get("spend", []) + by_kind.get("procurement_card", [])
            if c.facts.get("organisation")}
    if orgs:
        lines.append("  # the spend files name the organisation: " + "; ".join(sorted(orgs)))
    patterns = sorted({PATTERN_OF[k] for k in by_kind if k in PATTERN_OF},
                      key=["access", "delivery", "policy"].index)
    lines += ["", "service:",
              f"  name: {_yaml_str(service or f'Open data at {name}')}    # CHECK: the service the business case is about",
              "  # description: \"...\"   # CHECK: what the service does",
              "  # users: \"...\"         # CHECK: who uses it",
              "  # problem: \"...\"       # CHECK: the problem open data could help with",
              f"  patterns: [{', '.join(patterns)}]   # from the files found: access (transport), "
              "delivery (spend, contracts), policy (claimants)",
              "", "data:"]
    for kind in ("spend", "procurement_card", "grants", "ocds", "contracts", "claimants",
                 "station_counts", "daily_journeys", "stops", "service_locations", "catalogue",
                 "inventory", "tile_map"):
        found = by_kind.get(kind, [])
        if kind == "inventory" and not found:
            continue
        if not found:
            lines.append(f"  # {kind}: (no file found)")
            continue
        why = f"  # {len(found)} file{'s' if len(found) != 1 else ''}: " + "; ".join(
            f"{c.file.name} ({c.rows:,} rows)" if c.rows is not None else c.file.name
            for c in found[:4]) + (" …" if len(found) > 4 else "")
        lines.append(why)
        paths = [_rel(c.file, base) for c in found]
        if kind in ("stops", "service_locations", "daily_journeys", "inventory", "tile_map") \
                and len(paths) > 1 and kind != "daily_journeys":
            notes.append(f"{len(paths)} {kind} files: the first is used ({found[0].file.name})")
            paths = paths[:1]
        if len(paths) == 1:
            lines.append(f"  {kind}: {_yaml_str(paths[0])}")
        else:
            lines.append(f"  {kind}:")
            lines += [f"    - {_yaml_str(p)}" for p in paths]
    lines.append("  # inputs you write yourself: blank templates (fill them in; a notebook given a "
                 "blank one says what to add)")
    for key, path in templates.items():
        if key == "inventory" and by_kind.get("inventory"):
            continue
        lines.append(f"  {key}: {_yaml_str(_rel(path, base))}   # {TEMPLATES[key].what}")
    buyers = sorted({b for c in by_kind.get("ocds", []) for b in c.facts.get("buyers", [])})
    own_buyers = _own_buyers(by_kind.get("ocds", []), name, gss_code)
    if by_kind.get("ocds") and not own_buyers:
        notes.append(f"no contracts or tenders notice names {name} as the buyer: the spend "
                     "study will say so (set BUYER if the council publishes under another name)")
    lines += ["", "# Column mappings, when a loader cannot recognise a file's headers, e.g.",
              "# mappings:", "#   spend: {supplier: \"Vendor\", amount: \"Value (GBP)\"}",
              "mappings: {}", ""]
    lines.append("# Parameters for individual notebooks")
    if buyers:
        lines.append("# buyers named in the contracts and tenders files: " + "; ".join(buyers[:8])
                     + (" …" if len(buyers) > 8 else ""))
        lines.append("# the council's own notices (matched by name or GSS code): "
                     + ("; ".join(own_buyers) if own_buyers else
                        "none; set spend_network_tenders: {BUYER: \"…\"} if it publishes "
                        "under another name"))
    lines.append("notebook_parameters: {}")
    lines += ["", "settings:", "  live: false", "  timeout_seconds: 10", ""]
    text = "\n".join(lines)
    # the draft must be a valid config: check it before writing
    from .io import safe_load_yaml

    write_templates(template_dir)
    try:
        parse_config(safe_load_yaml(text), config_path)
    except ConfigError as exc:  # pragma: no cover - a bug in the draft, not the user's
        raise ToolkitError(f"the drafted config is not valid ({exc.problem})",
                           hint="please report this; the templates were written") from None
    config_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(config_path, text)
    return InitResult(folder, results, config_path, templates, notes)
