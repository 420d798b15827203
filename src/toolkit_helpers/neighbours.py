"""Your spend beside your neighbours': the council's published spend compared with councils like it.

Each council's spend files go through :class:`~toolkit_helpers.spend_pipeline.SpendPipeline`
(a Parquet cache and DuckDB), one council at a time; only small aggregates are kept
(:class:`CouncilSpend`: totals, months, categories, suppliers, payment bands), so 16 councils ×
3 years of published spend fit in Binder's memory. The measures are plain functions of those
aggregates, so they are tested on small frames whose answers are known by construction.

Inputs (the config's ``data`` keys):

- ``neighbours``: a folder with **one folder per council**, named from its GSS code
  (``E07000903-castlemere``), holding its spend files as published; optionally a supplier
  register ``suppliers.csv`` (columns ``Supplier``, ``Postcode``, ``SME``, ``VCSE``; any may be
  missing) in the council's folder, and a postcode lookup ``postcodes.csv`` at the top (ONS
  Postcode Directory columns ``pcds``, ``laua``).
- ``population``: an ONS mid-year estimates file (``MYE2 - Persons`` layout: ``Code, Name,
  Geography, All ages, 0, 1, …``; title rows above the header are fine).
- ``spend``: the council's own spend (when its folder under ``neighbours`` has no spend files).

The council's own files, wherever they are, are read with the config's column mappings for
``spend`` (``mappings.spend``, per file as :meth:`~toolkit_helpers.config.Config.mapping_for`
gives them: ``aggregate(sources, config=config)``), so a council whose files need a mapping gets
the same figures here as in the spend case study. The neighbours' files are read as published
(automatic detection): the council's mappings describe its own layouts, not theirs.
"""
from __future__ import annotations

import math
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataFileError

NOT_KNOWN = "not known"
REGISTER_NAMES = ("suppliers.csv", "suppliers.xlsx")
LOOKUP_NAMES = ("postcodes.csv",)
GSS_PREFIX = re.compile(r"^([EWSNK]\d{8})(?:\b|[-_ ])")
#: Payment bands (lower bound inclusive, upper exclusive) for the size distribution.
BANDS: tuple[tuple[str, float, float], ...] = (
    ("credit", -math.inf, 0.0),
    ("under £500", 0.0, 500.0),
    ("£500–£1k", 500.0, 1_000.0),
    ("£1k–£5k", 1_000.0, 5_000.0),
    ("£5k–£25k", 5_000.0, 25_000.0),
    ("£25k–£100k", 25_000.0, 100_000.0),
    ("£100k and over", 100_000.0, math.inf),
)
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")
_YES = {"yes", "y", "true", "1", "sme", "vcse"}
_NO = {"no", "n", "false", "0", "large", "not sme", "not vcse"}


# ----------------------------------------------------------------------------- readers

def _header_table(path, wanted: dict[str, tuple[str, ...]], required: tuple[str, ...]):
    """Rows of a CSV or the first sheet with a header holding ``required`` fields: a frame
    with the ``wanted`` fields (missing ones absent) and ``source_row``."""
    import pandas as pd

    from .io import find_header_row, normalise_header, read_rows

    p = Path(path)
    if not p.is_file():
        raise DataFileError("file not found", file=p, hint="check the path in the config.")
    alias = {normalise_header(a): f for f, names in wanted.items() for a in names}

    def score(row):
        return len({alias[normalise_header(c)] for c in row if normalise_header(c) in alias})

    for _sheet, rows in read_rows(p):
        h = find_header_row(rows, score, min_score=len(required), search_rows=30)
        if h is None:
            continue
        cols = {}
        for j, c in enumerate(rows[h]):
            f = alias.get(normalise_header(c))
            if f and f not in cols:
                cols[f] = j
        if not all(f in cols for f in required):
            continue
        body = [(i + 1, r) for i, r in enumerate(rows) if i > h and any(str(c).strip() for c in r)]
        df = pd.DataFrame({f: [str(r[j]).strip() if j < len(r) and r[j] is not None else ""
                               for _i, r in body] for f, j in cols.items()})
        df["source_row"] = [i for i, _r in body]
        return df
    need = ", ".join(wanted[f][0] for f in required)
    raise DataFileError(f"no header row with the columns {need} in the first 30 rows", file=p,
                        hint=f"the file needs columns named like {need}.")


def _number(text: str):
    t = str(text).replace(",", "").strip()
    try:
        return float(t)
    except ValueError:
        return None


def load_population(path):
    """An ONS mid-year population estimates file → ``code, name, geography, population``
    (``All ages``). Title rows, thousands separators and extra age columns are fine."""
    df = _header_table(path, {"code": ("Code", "Area code", "AREA_CODE", "ladcode"),
                              "name": ("Name", "Area name", "AREA_NAME", "laname"),
                              "geography": ("Geography", "Geography1", "Area type"),
                              "population": ("All ages", "All Persons", "Population")},
                       ("code", "population"))
    out = []
    for r in df.itertuples():
        value = _number(r.population)
        if not r.code:
            continue
        if value is None:
            raise DataFileError(f"the population {r.population!r} is not a number",
                                file=path, row=r.source_row, column="All ages",
                                hint="give the number of residents (e.g. 78000).")
        out.append({"code": r.code, "name": getattr(r, "name", "") or r.code,
                    "geography": getattr(r, "geography", ""), "population": value})
    if not out:
        raise DataFileError("no area with a code and a population under the header row",
                            file=path, hint="use the ONS mid-year estimates for local "
                                            "authorities (table MYE2 - Persons), one row per area.")
    import pandas as pd

    return pd.DataFrame(out, columns=["code", "name", "geography", "population"])


def normalise_postcode(text) -> str | None:
    """``'nv3 4ab'`` → ``'NV3 4AB'``; ``None`` when it is not a postcode."""
    if text is None:
        return None
    m = _POSTCODE.match(re.sub(r"\s+", " ", str(text).upper().strip()))
    return f"{m.group(1)} {m.group(2)}" if m else None


def _flag(text):
    t = str(text).strip().lower()
    return True if t in _YES else False if t in _NO else None


def load_register(path):
    """A supplier register → ``key, supplier, postcode, sme, vcse`` (``sme``/``vcse``
    ``True``/``False``/``None`` for blank or unknown; columns the file lacks are ``None``)."""
    from .spend_analysis import supplier_key

    df = _header_table(path, {"supplier": ("Supplier", "Supplier Name", "Name", "Beneficiary"),
                              "postcode": ("Postcode", "Post Code", "Supplier Postcode"),
                              "sme": ("SME", "SME Status", "Is SME"),
                              "vcse": ("VCSE", "VCSE Status", "Is VCSE")}, ("supplier",))
    out = df[df["supplier"] != ""].copy()
    out["key"] = list(supplier_key(out["supplier"]))
    out["postcode"] = [normalise_postcode(v) for v in out["postcode"]] if "postcode" in out \
        else None
    for f in ("sme", "vcse"):
        out[f] = [_flag(v) for v in out[f]] if f in out else None
    return out.drop_duplicates("key")[["key", "supplier", "postcode", "sme", "vcse"]] \
        .reset_index(drop=True)


def load_postcode_lookup(path) -> dict[str, str]:
    """An ONS postcode directory extract (``pcds``, ``laua``) → {postcode: local authority code}."""
    df = _header_table(path, {"postcode": ("pcds", "pcd", "Postcode"),
                              "laua": ("laua", "lad", "Local authority code", "LAD code")},
                       ("postcode", "laua"))
    return {pc: la for pc, la in ((normalise_postcode(p), a) for p, a in
                                  zip(df["postcode"], df["laua"])) if pc}


# ----------------------------------------------------------------------------- the set

@dataclass
class CouncilSource:
    code: str | None
    name: str
    files: list[Path]
    register: Path | None = None
    is_council: bool = False
    folder: Path | None = None  # its folder under ``neighbours`` (None: it has none)


def spend_files(folder) -> list[Path]:
    """The spend files of one council's folder (CSV and workbooks, by name; not its supplier
    register)."""
    pats = ("*.csv", "*.xlsx", "*.xlsm", "*.xls", "*.ods")
    return sorted({f for pat in pats for f in Path(folder).glob(pat) if f.is_file()
                   and not f.name.startswith((".", "~$")) and f.name.lower() not in REGISTER_NAMES})


def council_folders(folders) -> list[Path]:
    """The council folders under ``folders`` (a folder or a list of them): every sub-folder not
    hidden, by name. Raises :class:`DataFileError` for a path that is not a folder."""
    out = []
    for top in [Path(f) for f in (folders if isinstance(folders, (list, tuple)) else [folders])]:
        if not top.is_dir():
            raise DataFileError("this is not a folder", file=top,
                                hint="give a folder holding one folder per council.")
        out += sorted(p for p in top.iterdir() if p.is_dir() and not p.name.startswith("."))
    return out


def folder_code(folder) -> str | None:
    """The GSS code a council folder's name starts with (``E07000903-castlemere``), or None."""
    m = GSS_PREFIX.match(Path(folder).name)
    return m.group(1) if m else None


def find_councils(folders, council_code: str, council_name: str, neighbours=(),
                  population=None, own_spend=()) -> list[CouncilSource]:
    """The councils to compare: every sub-folder of ``folders`` (the council's own first), the
    council's own spend from ``own_spend`` (files or folders, as the spend loader lists them)
    when its folder has none. Names come from the
    population file where the code is in it. Neighbours named in the config but without a folder
    are listed with no files (so the notebook can say so)."""
    names = {} if population is None else dict(zip(population["code"], population["name"]))
    found: dict[str, CouncilSource] = {}
    for sub in council_folders(folders):
        code = folder_code(sub)
        key = code or sub.name
        reg = next((sub / n for n in REGISTER_NAMES if (sub / n).is_file()), None)
        found[key] = CouncilSource(code, names.get(code, sub.name), spend_files(sub), reg,
                                   folder=sub)
    own = found.pop(council_code, None) or CouncilSource(council_code, council_name, [])
    own.is_council, own.name = True, names.get(council_code, council_name)
    if not own.files and own_spend:
        from .io import iter_paths

        own.files = iter_paths([Path(p) for p in own_spend])  # a folder: its files, by name
    out = [own]
    for code in neighbours:
        out.append(found.pop(code, None) or CouncilSource(code, names.get(code, code), []))
    out += list(found.values())
    return out


def config_sources(config, population=None) -> list[CouncilSource]:
    """:func:`find_councils` for a config: its ``data.neighbours``, the council and its
    ``statistical_neighbours``, and ``data.spend`` for the council's own spend."""
    return find_councils(config.data_paths("neighbours"), config.council.gss_code,
                         config.council.name, config.council.statistical_neighbours,
                         population, config.data_paths("spend"))


def find_lookup(folders) -> Path | None:
    for top in [Path(f) for f in (folders if isinstance(folders, (list, tuple)) else [folders])]:
        for n in LOOKUP_NAMES:
            if (top / n).is_file():
                return top / n
    return None


# ----------------------------------------------------------------------------- aggregation

@dataclass
class CouncilSpend:
    """One council's spend, aggregated (small frames only)."""
    code: str | None
    name: str
    is_council: bool
    files: int = 0
    lines: int = 0
    net: float = 0.0
    months: dict[str, int] = field(default_factory=dict)   # YYYY-MM → lines
    undated_lines: int = 0
    by_service: object = None     # frame: category, amount
    by_expense: object = None
    suppliers: object = None      # frame: key, supplier, amount, lines, redacted
    bands: object = None          # frame: band, payments, amount
    register: object = None       # frame from load_register, or None
    routes: dict[str, int] = field(default_factory=dict)


def band_sql(amount: str = "amount") -> str:
    """SQL: the :data:`BANDS` label of ``amount``."""
    whens = []
    for label, lo, hi in BANDS:
        conds = ([] if lo == -math.inf else [f"{amount} >= {lo}"]) + \
                ([] if hi == math.inf else [f"{amount} < {hi}"])
        whens.append(f"WHEN {' AND '.join(conds)} THEN '{label}'")
    return "CASE " + " ".join(whens) + " END"


def _band_frame(rows):
    import pandas as pd

    got = {b: (p, a) for b, p, a in rows}
    return pd.DataFrame([{"band": b, "payments": int(got.get(b, (0, 0.0))[0]),
                          "amount": round(float(got.get(b, (0, 0.0))[1] or 0), 2)}
                         for b, _lo, _hi in BANDS])


def payment_bands(amounts):
    """Payments per band (pandas, for small frames): ``band, payments, amount``."""
    import pandas as pd

    s = pd.Series(amounts, dtype="float64").dropna()
    rows = []
    for label, lo, hi in BANDS:
        m = (s >= lo) & (s < hi)
        rows.append((label, int(m.sum()), float(s[m].sum())))
    return _band_frame(rows)


def _mapping_rule(mapping):
    """``mapping`` as a function ``file → (column mapping or None, sheet or None)``: ``None``
    (automatic detection), one ``{field: column header}`` for every file, or a function of the
    file giving a mapping or ``(mapping, sheet)`` (as ``Config.mapping_for`` does)."""
    if mapping is None or isinstance(mapping, dict):
        return lambda _f: (mapping or None, None)
    if not callable(mapping):
        raise TypeError("mapping: give None, a {field: column header} dict or a function of the "
                        f"file, not {type(mapping).__name__}")

    def rule(f):
        got = mapping(f)
        m, sheet = got if isinstance(got, tuple) else (got, None)
        return (dict(m) if m else None), sheet

    return rule


def _by_mapping(files, mapping) -> list[tuple[dict | None, str | int | None, list[Path]]]:
    """``files`` grouped by the column mapping and sheet each takes (first use first, files in
    order): ``[(mapping, sheet, files)]``."""
    rule = _mapping_rule(mapping)
    groups: dict = {}
    for f in files:
        m, sheet = rule(f)
        key = (None if m is None else tuple(sorted((k, str(v)) for k, v in m.items())), sheet)
        groups.setdefault(key, (m, sheet, []))[2].append(Path(f))
    return list(groups.values())


def aggregate_council(src: CouncilSource, cache_dir, mapping=None) -> CouncilSpend:
    """Ingest one council's files into the pipeline's cache and keep only aggregates.

    ``mapping``: how to read the files' columns: ``None`` (automatic detection), one
    ``{field: column header}`` for every file, or a function of the file giving its mapping or
    ``(mapping, sheet)`` (e.g. ``lambda f: config.mapping_for("spend", f)``); files that take
    different mappings are ingested apart, each with its own."""
    import pandas as pd

    from .spend_pipeline import SpendPipeline, redacted_sql, supplier_key_sql

    out = CouncilSpend(src.code, src.name, src.is_council)
    if src.register is not None:
        out.register = load_register(src.register)
    if not src.files:
        return out
    groups = _by_mapping(src.files, mapping)
    sub = Path(cache_dir) / (src.code or re.sub(r"\W+", "_", src.name))
    with SpendPipeline(sub) as p:
        for m, sheet, files in groups:
            p.ingest(files, mapping=m, organisation=src.name, sheet=sheet)
        for f in p.files:
            out.routes[f.route] = out.routes.get(f.route, 0) + 1
        out.files = len(p.files)
        m = p.sql("SELECT strftime(payment_date, '%Y-%m') AS month, count(*) AS n, "
                  "count(amount) AS n_amount, sum(amount) AS net FROM spend GROUP BY 1 ORDER BY 1")
        out.lines, out.net = int(m["n"].sum()), round(float(m["net"].fillna(0).sum()), 2)
        out.undated_lines = int(m.loc[m["month"].isna(), "n_amount"].sum())
        out.months = {r.month: int(r.n_amount) for r in m.dropna(subset=["month"]).itertuples()
                      if r.n_amount}

        def query(sql):  # the view ``spend`` made by p.sql above
            return p.con.execute(sql).df()

        g = query("SELECT nullif(trim(service_area), '') AS service, nullif(trim(expense_type), "
                  "'') AS expense, grouping(service) AS by_expense, sum(amount) AS amount "
                  "FROM spend WHERE amount IS NOT NULL GROUP BY GROUPING SETS ((service), "
                  "(expense)) ORDER BY amount DESC")
        for attr, col, flag in (("by_service", "service", 0), ("by_expense", "expense", 1)):
            part = g[g["by_expense"] == flag]
            setattr(out, attr, pd.DataFrame({"category": part[col].tolist(),
                                             "amount": part["amount"].tolist()}))
        out.suppliers = query(
            f"SELECT {supplier_key_sql('supplier')} AS key, min(trim(supplier)) AS supplier, "
            f"sum(amount) AS amount, count(*) AS lines, bool_or({redacted_sql('supplier')}) "
            f"AS redacted FROM spend WHERE amount IS NOT NULL GROUP BY 1")
        b = query(f"SELECT {band_sql()} AS band, count(*) AS n, sum(amount) AS amount FROM "
                  "spend WHERE amount IS NOT NULL GROUP BY 1")
        out.bands = _band_frame(list(b.itertuples(index=False, name=None)))
    return out


def load_council(source, spend_mapping=None, cache_dir=None) -> CouncilSpend:
    """One council read as this study reads it (:func:`aggregate_council`: the spend pipeline,
    aggregates only), for checking its folder: ``source`` is a :class:`CouncilSource` or a
    council's folder. ``spend_mapping`` is for the council's own files (see
    :func:`aggregate_council`'s ``mapping``). Raises :class:`DataFileError` naming the folder
    when it has no spend files, and the loaders' own errors for a file they cannot read."""
    if not isinstance(source, CouncilSource):
        folder = Path(source)
        if not folder.is_dir():
            raise DataFileError("this is not a folder", file=folder,
                                hint="give a council's folder, holding its spend files.")
        reg = next((folder / n for n in REGISTER_NAMES if (folder / n).is_file()), None)
        source = CouncilSource(folder_code(folder), folder.name, spend_files(folder), reg,
                               folder=folder)
    if not source.files:
        where = source.folder
        raise DataFileError(
            "no spend files in this council's folder" if where else
            f"no spend files for {source.name} ({source.code})", file=where,
            hint="put the council's published spend files (CSV or Excel, as downloaded) in "
                 "its folder" + (", or set data.spend in the config" if source.is_council else
                                 ", or remove the folder if it is not a neighbour") + ".")
    if cache_dir is not None:
        return aggregate_council(source, cache_dir, spend_mapping)
    with tempfile.TemporaryDirectory(prefix="toolkit-neighbours-") as tmp:
        return aggregate_council(source, tmp, spend_mapping)


def council_mapping(config):
    """The column mapping (and sheet) of each of the council's own spend files, from the config's
    ``mappings.spend`` as the spend case study reads them (:meth:`Config.mapping_for`, per file):
    a function of the file, for :func:`aggregate`'s ``mapping``."""
    return lambda f: config.mapping_for("spend", f)


def aggregate(sources: list[CouncilSource], cache_dir=None, mapping=None, *,
              config=None) -> list[CouncilSpend]:
    """Every council, one at a time (each pipeline closed before the next opens).

    The council's own files are read with ``config``'s ``mappings.spend`` (per file:
    :func:`council_mapping`), or with ``mapping`` (see :func:`aggregate_council`); the
    neighbours' files with automatic detection."""
    if config is not None:
        if mapping is not None:
            raise ValueError("give config or mapping, not both")
        mapping = council_mapping(config)
    if cache_dir is None:
        with tempfile.TemporaryDirectory(prefix="toolkit-neighbours-") as tmp:
            return [aggregate_council(s, tmp, mapping if s.is_council else None) for s in sources]
    return [aggregate_council(s, cache_dir, mapping if s.is_council else None) for s in sources]


# ----------------------------------------------------------------------------- measures

def per_resident(net: float, months: int, population) -> float:
    """Annualised net spend per resident: ``net / months × 12 / population`` (NaN when the
    months or the population are not known)."""
    if not months or population is None or not population or population != population:
        return float("nan")
    return net / months * 12 / population


def concentration(suppliers, top_n: int = 10) -> tuple[float, float, int]:
    """(top-N share, HHI, suppliers) of named suppliers' positive net totals (redacted left
    out), as :func:`spend_analysis.concentration` defines them."""
    s = suppliers[~suppliers["redacted"].astype(bool) & (suppliers["key"].fillna("") != "")]
    amt = s.groupby("key")["amount"].sum()
    amt = amt[amt > 0].sort_values(ascending=False)
    total = float(amt.sum())
    if not total:
        return float("nan"), float("nan"), 0
    shares = amt / total
    return float(amt.iloc[:top_n].sum() / total), float((shares ** 2).sum() * 10000), len(amt)


def _joined(suppliers, register):
    s = suppliers[~suppliers["redacted"].astype(bool) & (suppliers["amount"] > 0)]
    return s.merge(register, on="key", how="left", suffixes=("", "_reg"))


def flag_share(suppliers, register, flag: str) -> tuple[float, float]:
    """(share of spend with suppliers flagged ``flag`` among those whose status is known,
    coverage: the share of named spend whose status is known). NaN, 0 when not known."""
    if register is None or flag not in register or register[flag].isna().all():
        return float("nan"), 0.0
    j = _joined(suppliers, register)
    total = float(j["amount"].sum())
    known = j[j[flag].notna()]
    k = float(known["amount"].sum())
    if not k:
        return float("nan"), 0.0
    return float(known.loc[known[flag].astype(bool), "amount"].sum()) / k, k / total


def local_share(suppliers, register, lookup: dict | None, code: str | None) -> tuple[float, float]:
    """(share of spend with suppliers whose postcode is in the council's area, among those with
    a postcode the lookup knows; coverage). NaN, 0 when not known."""
    if (register is None or not lookup or code is None or "postcode" not in register
            or register["postcode"].isna().all()):
        return float("nan"), 0.0
    j = _joined(suppliers, register)
    total = float(j["amount"].sum())
    la = j["postcode"].map(lambda pc: lookup.get(pc) if pc else None)
    known = j[la.notna()]
    k = float(known["amount"].sum())
    if not k:
        return float("nan"), 0.0
    return float(known.loc[la[la.notna()] == code, "amount"].sum()) / k, k / total


def month_range(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``."""
    y, m = map(int, first.split("-"))
    ly, lm = map(int, last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def expected_months(councils: list[CouncilSpend], first: str | None = None,
                    last: str | None = None) -> list[str]:
    """The months every council should cover: ``first``..``last``, else the set's span."""
    seen = sorted({m for c in councils for m in c.months})
    if not seen and not (first and last):
        return []
    return month_range(first or seen[0], last or seen[-1])


def timeliness(months, expected: list[str]) -> dict:
    """Months covered against those expected: covered, missing (listed), latest month and how
    many months it is behind the last expected one."""
    have = sorted(set(months) & set(expected))
    missing = [m for m in expected if m not in set(months)]
    latest = max(months) if months else None
    behind = (len(month_range(latest, expected[-1])) - 1 if latest and expected
              and latest <= expected[-1] else (0 if latest else None))
    return {"months_expected": len(expected), "months_covered": len(have),
            "missing_months": ", ".join(missing) if missing else "none",
            "latest_month": latest or NOT_KNOWN, "months_behind": behind}


def mix_table(councils: list[CouncilSpend], attr: str = "by_service", top: int = 6):
    """Council × category share of net spend: the ``top`` categories over the set (by their
    summed shares), the rest as *Other*, uncategorised as *(not given)*."""
    import pandas as pd

    from .spend_analysis import NOT_GIVEN

    rows = {}
    for c in councils:
        g = getattr(c, attr)
        if g is None or not len(g):
            continue
        total = float(g["amount"].sum())
        if not total:
            continue
        s = g.assign(category=g["category"].fillna(NOT_GIVEN)).groupby("category")["amount"] \
            .sum() / total
        rows[c.name] = s
    if not rows:
        return pd.DataFrame(columns=["council"])
    wide = pd.DataFrame(rows).T.fillna(0.0)
    named = [c for c in wide.columns if c != NOT_GIVEN]
    keep = list(wide[named].sum().sort_values(ascending=False).index[:top])
    out = wide[keep].copy()
    rest = [c for c in named if c not in keep]
    if rest:
        out["Other"] = wide[rest].sum(axis=1)
    if NOT_GIVEN in wide:
        out[NOT_GIVEN] = wide[NOT_GIVEN]
    out.index.name = "council"
    return out.reset_index()


def bands_table(councils: list[CouncilSpend], by: str = "payments"):
    """Council × band share of payments (``by='payments'``) or of gross value (``'amount'``)."""
    import pandas as pd

    rows = []
    for c in councils:
        if c.bands is None:
            continue
        b = c.bands.set_index("band")[by].abs()
        total = float(b.sum())
        rows.append({"council": c.name, **{k: (float(v) / total if total else float("nan"))
                                           for k, v in b.items()}})
    return pd.DataFrame(rows, columns=["council"] + [b for b, _lo, _hi in BANDS])


def compare(councils: list[CouncilSpend], population=None, lookup=None, top_n: int = 10,
            first: str | None = None, last: str | None = None):
    """The headline table: one row per council (the council first)."""
    import pandas as pd

    pop = {} if population is None else dict(zip(population["code"], population["population"]))
    expected = expected_months(councils, first, last)
    rows = []
    for c in councils:
        t = timeliness(list(c.months), expected)
        popn = pop.get(c.code)
        row = {"council": c.name, "code": c.code or NOT_KNOWN,
               "this council": "yes" if c.is_council else "",
               "files": c.files, "lines": c.lines, "net_spend": round(c.net, 2),
               "population": popn if popn is not None else float("nan"),
               "months_covered": t["months_covered"], "months_expected": t["months_expected"],
               "missing_months": t["missing_months"], "latest_month": t["latest_month"],
               "months_behind": t["months_behind"]}
        row["spend_per_resident_a_year"] = round(per_resident(c.net, t["months_covered"] or
                                                              len(c.months), popn), 2)
        if c.suppliers is not None and len(c.suppliers):
            share, hhi, n = concentration(c.suppliers, top_n)
            sme, sme_cov = flag_share(c.suppliers, c.register, "sme")
            vcse, vcse_cov = flag_share(c.suppliers, c.register, "vcse")
            loc, loc_cov = local_share(c.suppliers, c.register, lookup, c.code)
            red = c.suppliers.loc[c.suppliers["redacted"].astype(bool), "amount"].sum()
        else:
            share = hhi = sme = vcse = loc = float("nan")
            n, sme_cov, vcse_cov, loc_cov, red = 0, 0.0, 0.0, 0.0, 0.0
        row.update({"suppliers": n, f"top_{top_n}_share": share, "hhi": round(hhi, 1),
                    "redacted_share": (red / c.net) if c.net else float("nan"),
                    "sme_share": sme, "sme_coverage": sme_cov, "vcse_share": vcse,
                    "vcse_coverage": vcse_cov, "local_share": loc, "local_coverage": loc_cov})
        rows.append(row)
    return pd.DataFrame(rows)


def shown(table, shares=("share", "coverage"), decimals: int = 1):
    """A copy for display: shares as percentages, NaN as *not known*."""
    out = table.copy()
    for c in out.columns:
        if any(c.endswith(s) for s in shares) or c == "council":
            if c == "council":
                continue
            out[c] = [NOT_KNOWN if v != v else f"{v * 100:.{decimals}f}%" for v in out[c]]
        elif out[c].dtype.kind == "f":
            out[c] = [NOT_KNOWN if v != v else v for v in out[c]]
    return out


# ----------------------------------------------------------------------------- charts

def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def per_resident_figure(table):
    """Bar chart of annualised spend per resident; (fig, alt) with alt text from the data."""
    from .charts import PALETTE, gbp_axis, new_figure

    t = table.dropna(subset=["spend_per_resident_a_year"]).sort_values(
        "spend_per_resident_a_year")
    fig, ax = new_figure(figsize=(8, 0.5 * max(len(t), 2) + 1.2))
    colours = [PALETTE[1] if v == "yes" else PALETTE[0] for v in t["this council"]]
    ax.barh(t["council"], t["spend_per_resident_a_year"], color=colours,
            hatch=None)
    for i, (v, mine) in enumerate(zip(t["spend_per_resident_a_year"], t["this council"])):
        ax.text(v, i, f" £{v:,.0f}" + (" (this council)" if mine == "yes" else ""),
                va="center", fontsize=9)
    gbp_axis(ax, "x")
    ax.set_title("Net spend per resident a year (annualised)")
    missing = [n for n, v in zip(table["council"], table["spend_per_resident_a_year"]) if v != v]
    if not len(t):
        return fig, "No council has both spend and a population, so no bars are drawn."
    hi, lo = t.iloc[-1], t.iloc[0]
    mine = table[table["this council"] == "yes"].iloc[0]
    mine_text = ("this council's is not known" if mine["spend_per_resident_a_year"] !=
                 mine["spend_per_resident_a_year"] else
                 f"{mine['council']} (this council) spends £{mine['spend_per_resident_a_year']:,.0f}")
    alt = (f"Horizontal bar chart of net spend per resident a year for {len(t)} councils: "
           f"highest {hi['council']} at £{hi['spend_per_resident_a_year']:,.0f}, lowest "
           f"{lo['council']} at £{lo['spend_per_resident_a_year']:,.0f}; {mine_text}.")
    if missing:
        alt += f" Not known for {', '.join(missing)}."
    return fig, alt


def stacked_share_figure(table, title: str, what: str):
    """Stacked horizontal bars of shares per council (``table``: council + share columns)."""
    from .charts import MIN_FONT_PT, PALETTE, new_figure

    cols = [c for c in table.columns if c != "council"]
    fig, ax = new_figure(figsize=(9, 0.5 * max(len(table), 2) + 1.6))
    left = [0.0] * len(table)
    hatches = ["", "//", "..", "xx", "\\\\", "--", "++", "oo", "**"]
    for k, c in enumerate(cols):
        vals = [float(v) * 100 for v in table[c]]
        ax.barh(table["council"], vals, left=left, label=str(c), color=PALETTE[k % len(PALETTE)],
                hatch=hatches[k % len(hatches)], edgecolor="white")
        left = [a + b for a, b in zip(left, vals)]
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of " + what)
    ax.set_title(title)
    ax.invert_yaxis()
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, fontsize=MIN_FONT_PT,
              frameon=False)
    if not len(table) or not cols:
        return fig, f"{title}: no data."
    parts = []
    for r in table.itertuples(index=False):
        d = dict(zip(table.columns, r))
        big = max(cols, key=lambda c: d[c])
        parts.append(f"{d['council']}: {big} {d[big] * 100:.0f}%")
    alt = (f"Stacked bar chart, {_lower_first(title)}, one bar per council split into {len(cols)} "
           f"parts ({', '.join(map(str, cols))}). Largest part per council — "
           + "; ".join(parts) + ".")
    return fig, alt


def measure_figure(table, column: str, title: str, percent: bool = True):
    """Bars of one measure per council, *not known* councils named in the alt text."""
    from .charts import PALETTE, new_figure

    t = table[["council", "this council", column]].copy()
    known = t[t[column].notna()]
    fig, ax = new_figure(figsize=(8, 0.5 * max(len(t), 2) + 1.2))
    scale = 100 if percent else 1
    ax.barh(known["council"], known[column] * scale,
            color=[PALETTE[1] if m == "yes" else PALETTE[0] for m in known["this council"]])
    for i, (v, mine) in enumerate(zip(known[column] * scale, known["this council"])):
        ax.text(v, i, f" {v:.1f}{'%' if percent else ''}" + (" (this council)" if mine == "yes"
                                                             else ""), va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel("%" if percent else column)
    unknown = list(t.loc[t[column].isna(), "council"])
    if len(known):
        hi = known.loc[known[column].idxmax()]
        lo = known.loc[known[column].idxmin()]
        alt = (f"Horizontal bar chart: {_lower_first(title)} for {len(known)} councils, highest "
               f"{hi['council']} {hi[column] * scale:.1f}{'%' if percent else ''}, lowest "
               f"{lo['council']} {lo[column] * scale:.1f}{'%' if percent else ''}.")
    else:
        alt = f"{title}: not known for any council, so no bars are drawn."
    if unknown:
        alt += f" Not known for {', '.join(unknown)}."
    return fig, alt


def findings_markdown(table, top_n: int = 10) -> str:
    """Plain-words headlines: where the council stands among its neighbours."""
    mine = table[table["this council"] == "yes"].iloc[0]
    others = table[table["this council"] != "yes"]
    lines = [f"Compared with {len(others)} neighbouring councils:"]

    def rank(col, higher="higher"):
        v = mine[col]
        vals = table[col].dropna()
        if v != v or len(vals) < 2:
            return None
        pos = int((vals > v).sum()) + 1
        return f"{pos} of {len(vals)} ({higher} is first)"

    r = rank("spend_per_resident_a_year")
    if r:
        lines.append(f"- **Spend per resident**: £{mine['spend_per_resident_a_year']:,.0f} a year; "
                     f"rank {r}; the neighbours' median is "
                     f"£{others['spend_per_resident_a_year'].median():,.0f}.")
    else:
        lines.append(f"- **Spend per resident**: {NOT_KNOWN} for this council (no population "
                     "or no dated spend).")
    col = f"top_{top_n}_share"
    if mine[col] == mine[col]:
        lines.append(f"- **Supplier concentration**: the top {top_n} suppliers take "
                     f"{mine[col] * 100:.1f}% of named spend (HHI {mine['hhi']:,.0f}); the "
                     f"neighbours' median is {others[col].median() * 100:.1f}%.")
    for c, label in (("sme_share", "SMEs"), ("vcse_share", "voluntary and community (VCSE) "
                                                           "organisations"),
                     ("local_share", "suppliers in the council's own area")):
        v = mine[c]
        known = others[c].notna().sum()
        lines.append(f"- **Spend with {label}**: " + (NOT_KNOWN if v != v else
                     f"{v * 100:.1f}% of spend where it is known") +
                     f"; known for {known} of {len(others)} neighbours.")
    lines.append(f"- **Timeliness**: {mine['months_covered']} of {mine['months_expected']} "
                 f"expected months published (missing: {mine['missing_months']}); "
                 f"{int((others['missing_months'] != 'none').sum())} of {len(others)} neighbours "
                 "have gaps.")
    return "\n".join(lines)
