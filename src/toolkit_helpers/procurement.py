"""Tender and contract notices in the Open Contracting Data Standard (OCDS) → one tidy frame.

>>> df = load_ocds("data/sample/procurement/ocds_release_package.json")   # doctest: +SKIP

:func:`load_ocds` reads

- OCDS **release packages** (JSON): one package, a list of packages (as paging returns them),
  JSON Lines of packages, a bare release, or a **record package** (its compiled releases);
- the **Contracts Finder flat CSV export**, whose headers are JSON paths
  (``releases/0/tender/value/amount``, ``releases/0/awards/0/suppliers/0/name`` …);
- a list of such files, a folder of them, or packages already in memory (dicts),

and returns one row per release with the columns of :data:`COLUMNS`: the product brief's
``ocid, release_id, date, tag, buyer, title, status, value_amount, value_currency,
award_value_amount, procurement_method, contract_start, contract_end, suitable_for_sme,
suppliers`` and useful extras (CPV codes and division, SME/VCSE flags of the suppliers, gross
values, the latest possible end date, ``notes`` on data problems, ``source_file``,
``source_row``).

Real-file quirks handled (and written into ``notes`` so nobody is misled):

- a **lot priced in another currency** than its tender (e.g. AED on a GBP tender): the lot's
  value is not added to GBP figures;
- ``amountGross`` (with VAT) beside, or instead of, ``amount``: ``value_amount`` and
  ``award_value_amount`` are net where the notice gives net; when only gross is given it is used
  and ``award_value_basis`` says ``gross``;
- **mixed time-zone offsets** (``+00:00``, ``+01:00``, ``Z``): every date is converted to UK
  local time (Europe/London) and stored without a zone, so ``2029-09-30T23:59:59+01:00`` is
  30 September, not 22:59 UTC; dates given without an offset are taken as UK local;
- suppliers' size (``parties[].details.scale``: ``sme``/``micro``/``large``) and VCSE status
  are kept per supplier, in the order of ``suppliers`` (``supplier_scales``,
  ``supplier_vcse_flags``), so spend can be matched to them by supplier name;
- **missing contract end dates**: taken from ``durationInDays`` when given, otherwise left
  empty (the expiry pipeline counts them as "end date not published").

:func:`fetch_release_packages` pages through the Find a Tender API (``limit`` ≤ 100,
``cursor`` in ``links.next``) through :mod:`toolkit_helpers.net` (timeouts, bounded retries
with backoff, a size cap, a cache); :func:`ocds_live_or_sample` falls back to the sample file
with a visible notice. Notebooks never need the network.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

from .errors import DataFileError, FetchError, ToolkitError

COLUMNS = (
    "ocid", "release_id", "date", "tag", "buyer", "title", "status", "value_amount",
    "value_currency", "award_value_amount", "procurement_method", "contract_start",
    "contract_end", "suitable_for_sme", "suppliers",
    # extras
    "buyer_id", "value_amount_gross", "award_value_currency", "award_value_basis", "award_date",
    "award_status", "contract_max_end", "cpv", "cpv_codes", "cpv_division", "main_category",
    "suitable_for_vcse", "supplier_scales", "supplier_vcse_flags", "supplier_sme",
    "supplier_vcse", "lots", "notes",
    "source_file", "source_row",
)
DATE_COLUMNS = ("date", "contract_start", "contract_end", "contract_max_end", "award_date")
NUMBER_COLUMNS = ("value_amount", "value_amount_gross", "award_value_amount")
BOOL_COLUMNS = ("suitable_for_sme", "suitable_for_vcse", "supplier_sme", "supplier_vcse")
#: OCDS ``details.scale`` values meaning a small or medium-sized enterprise.
SME_SCALES = frozenset({"sme", "micro", "small", "medium"})
#: Award statuses whose values are not counted (the award did not happen).
DEAD_AWARD_STATUSES = frozenset({"cancelled", "unsuccessful"})
UK_TZ = "Europe/London"

FIND_A_TENDER_URL = "https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages"
CONTRACTS_FINDER_URL = "https://www.contractsfinder.service.gov.uk/Published/Notices/OCDS/Search"
MAX_LIMIT = 100


# ----------------------------------------------------------------------------- small helpers

def _get(obj, *keys, default=None):
    for k in keys:
        if isinstance(obj, dict):
            obj = obj.get(k)
        elif isinstance(obj, list) and isinstance(k, int) and -len(obj) <= k < len(obj):
            obj = obj[k]
        else:
            return default
        if obj is None:
            return default
    return obj


def _list(x) -> list:
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def _num(x) -> float | None:
    """A JSON number or the text of one (CSV exports) → float; anything else → None."""
    if x is None or isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return float(x)
    try:
        return float(str(x).replace(",", "").replace("£", "").strip())
    except ValueError:
        return None


def _bool(x) -> bool | None:
    if isinstance(x, bool):
        return x
    if isinstance(x, str):
        t = x.strip().lower()
        if t in ("true", "yes", "1", "y"):
            return True
        if t in ("false", "no", "0", "n"):
            return False
    if isinstance(x, (int, float)) and x in (0, 1):
        return bool(x)
    return None


def _any_bool(values: Iterable) -> bool | None:
    vals = [v for v in (_bool(x) for x in values) if v is not None]
    if not vals:
        return None
    return any(vals)


def _classifications(obj) -> list[dict]:
    out = []
    if not isinstance(obj, dict):
        return out
    out += _list(obj.get("classification"))
    out += _list(obj.get("additionalClassifications"))
    return [c for c in out if isinstance(c, dict)]


def _cpv_codes(release: dict) -> list[str]:
    """CPV codes in order of appearance: tender classification, tender items, lots, awards'
    items, contracts' items. Codes are 8 digits (a check digit like ``-7`` is dropped)."""
    tender = release.get("tender") or {}
    sources = [tender] + _list(tender.get("items")) + _list(tender.get("lots"))
    for a in _list(release.get("awards")):
        sources += _list(a.get("items"))
    for c in _list(release.get("contracts")):
        sources += _list(c.get("items"))
    codes: list[str] = []
    for src in sources:
        for c in _classifications(src):
            scheme = str(c.get("scheme") or "CPV").upper()
            code = str(c.get("id") or "").strip().split("-")[0]
            if scheme.startswith("CPV") and code.isdigit() and len(code) == 8 and code not in codes:
                codes.append(code)
    return codes


def _period(p) -> tuple[Any, Any, Any, Any]:
    if not isinstance(p, dict):
        return None, None, None, None
    return p.get("startDate"), p.get("endDate"), p.get("maxExtentDate"), p.get("durationInDays")


def _contract_period(release: dict, notes: list[str]) -> tuple[Any, Any, Any, Any]:
    """(start, end, max end, durationInDays) from the most specific source that has dates:
    contracts → awards → tender → tender lots."""
    tender = release.get("tender") or {}
    sources = [
        ("contract", [c.get("period") for c in _list(release.get("contracts"))]),
        ("award", [a.get("contractPeriod") for a in _list(release.get("awards"))
                   if a.get("status") not in DEAD_AWARD_STATUSES]),
        ("tender", [tender.get("contractPeriod")]),
        ("lot", [lot.get("contractPeriod") for lot in _list(tender.get("lots"))]),
    ]
    for _name, periods in sources:
        got = [_period(p) for p in periods if isinstance(p, dict)]
        got = [g for g in got if any(x is not None for x in g)]
        if not got:
            continue
        starts = [g[0] for g in got if g[0]]
        ends = [g[1] for g in got if g[1]]
        maxes = [g[2] for g in got if g[2]]
        durations = [g[3] for g in got if g[3] is not None]
        start = min(starts, key=_sort_key) if starts else None
        end = max(ends, key=_sort_key) if ends else None
        mx = max(maxes, key=_sort_key) if maxes else None
        dur = max((_num(d) or 0) for d in durations) if durations else None
        return start, end, mx, dur
    return None, None, None, None


def _sort_key(text) -> str:
    # ISO dates sort as text once reduced to their date part (offsets differ by hours only)
    return str(text)[:10]


def _supplier_parties(release: dict) -> dict[str, dict]:
    return {str(p.get("id")): p for p in _list(release.get("parties"))
            if isinstance(p, dict) and p.get("id") is not None}


# ----------------------------------------------------------------------------- one release

def release_row(release: dict) -> dict:
    """The tidy row for one OCDS release (a dict as in the JSON), dates still as text."""
    notes: list[str] = []
    tender = release.get("tender") or {}
    parties = _supplier_parties(release)
    buyer = _get(release, "buyer", "name")
    buyer_id = _get(release, "buyer", "id")
    if buyer is None:
        for p in parties.values():
            if "buyer" in _list(p.get("roles")):
                buyer, buyer_id = p.get("name"), p.get("id")
                break
    tags = _list(release.get("tag"))
    # the tender's value; lots only where the tender gives none (and in its currency)
    value = tender.get("value") or {}
    v_amount, v_gross = _num(value.get("amount")), _num(value.get("amountGross"))
    v_currency = value.get("currency")
    lots = [lot for lot in _list(tender.get("lots")) if isinstance(lot, dict)]
    lot_values = []
    for lot in lots:
        lv = lot.get("value") or {}
        amt, cur = _num(lv.get("amount")), lv.get("currency")
        if amt is None and _num(lv.get("amountGross")) is None:
            continue
        if v_currency and cur and cur != v_currency:
            notes.append(f"lot {lot.get('id', '?')} is priced in {cur}, the tender in "
                         f"{v_currency}: the lot value is not used")
            continue
        lot_values.append((amt, cur))
    if v_amount is None and v_gross is None and lot_values:
        amounts = [a for a, _c in lot_values if a is not None]
        currencies = {c for _a, c in lot_values if c}
        if amounts and len(currencies) <= 1:
            v_amount, v_currency = sum(amounts), (currencies.pop() if currencies else None)
            notes.append("tender value is the sum of its lots")
    # awards
    award_amounts, award_currencies, bases, award_dates, award_statuses = [], set(), set(), [], []
    suppliers: list[str] = []
    supplier_ids: list[str | None] = []
    for a in _list(release.get("awards")):
        if not isinstance(a, dict):
            continue
        status = a.get("status")
        if status:
            award_statuses.append(str(status))
        if a.get("date"):
            award_dates.append(a["date"])
        for s in _list(a.get("suppliers")):
            if isinstance(s, dict):
                name = (s.get("name") or parties.get(str(s.get("id")), {}).get("name") or "").strip()
                if name and name not in suppliers:
                    suppliers.append(name)
                    supplier_ids.append(str(s["id"]) if s.get("id") is not None else None)
        if status in DEAD_AWARD_STATUSES:
            continue
        av = a.get("value") or {}
        amt, gross, cur = _num(av.get("amount")), _num(av.get("amountGross")), av.get("currency")
        if amt is None and gross is not None:
            amt = gross
            bases.add("gross")
            notes.append(f"award {a.get('id', '?')} gives only a gross value (with VAT)")
        elif amt is not None:
            bases.add("net")
        if amt is None:
            continue
        if award_currencies and cur and cur not in award_currencies:
            notes.append(f"award {a.get('id', '?')} is in {cur}, not {sorted(award_currencies)[0]}:"
                         " not added")
            continue
        if cur:
            award_currencies.add(cur)
        award_amounts.append(amt)
    if not suppliers:  # some publishers name suppliers only in parties
        for p in parties.values():
            if "supplier" in _list(p.get("roles")) and p.get("name"):
                suppliers.append(p["name"].strip())
                supplier_ids.append(str(p["id"]) if p.get("id") is not None else None)
    # each supplier's size and VCSE status (from parties[].details), in the order of suppliers
    scales, vcse = [], []
    for sid in supplier_ids:
        details = (parties.get(sid, {}) if sid is not None else {}).get("details") or {}
        scales.append(str(details["scale"]).lower() if details.get("scale") else "unknown")
        vcse.append(_bool(details.get("vcse")))
    known_scales = [x for x in scales if x != "unknown"]
    supplier_sme = any(x in SME_SCALES for x in known_scales) if known_scales else None
    known_vcse = [v for v in vcse if v is not None]
    supplier_vcse = any(known_vcse) if known_vcse else None
    # contract period
    start, end, max_end, duration = _contract_period(release, notes)
    # suitability
    suit = tender.get("suitability") or {}
    sme = _bool(suit.get("sme"))
    vcse_suit = _bool(suit.get("vcse"))
    if sme is None:
        sme = _any_bool(_get(lot, "suitability", "sme") for lot in lots)
    if vcse_suit is None:
        vcse_suit = _any_bool(_get(lot, "suitability", "vcse") for lot in lots)
    title = tender.get("title") or release.get("title")
    if not title:
        title = next((a.get("title") for a in _list(release.get("awards"))
                      if isinstance(a, dict) and a.get("title")), None)
    codes = _cpv_codes(release)
    category = tender.get("mainProcurementCategory") or next(
        (a.get("mainProcurementCategory") for a in _list(release.get("awards"))
         if isinstance(a, dict) and a.get("mainProcurementCategory")), None)
    return {
        "ocid": release.get("ocid"),
        "release_id": release.get("id"),
        "date": release.get("date"),
        "tag": ";".join(str(t) for t in tags) if tags else None,
        "buyer": buyer.strip() if isinstance(buyer, str) else buyer,
        "title": title.strip() if isinstance(title, str) else title,
        "status": tender.get("status"),
        "value_amount": v_amount,
        "value_currency": v_currency,
        "award_value_amount": sum(award_amounts) if award_amounts else None,
        "procurement_method": tender.get("procurementMethod"),
        "contract_start": start,
        "contract_end": end,
        "suitable_for_sme": sme,
        "suppliers": "; ".join(suppliers) if suppliers else None,
        "buyer_id": buyer_id,
        "value_amount_gross": v_gross,
        "award_value_currency": sorted(award_currencies)[0] if award_currencies else None,
        "award_value_basis": ("mixed" if len(bases) > 1 else next(iter(bases))) if bases else None,
        "award_date": max(award_dates, key=_sort_key) if award_dates else None,
        "award_status": ";".join(dict.fromkeys(award_statuses)) if award_statuses else None,
        "contract_max_end": max_end,
        "_duration": duration,
        "cpv": codes[0] if codes else None,
        "cpv_codes": ";".join(codes) if codes else None,
        "cpv_division": codes[0][:2] if codes else None,
        "main_category": category,
        "suitable_for_vcse": vcse_suit,
        "supplier_scales": "; ".join(scales) if scales else None,
        "supplier_vcse_flags": "; ".join({True: "yes", False: "no", None: "unknown"}[v]
                                         for v in vcse) if vcse else None,
        "supplier_sme": supplier_sme,
        "supplier_vcse": supplier_vcse,
        "lots": len(lots),
        "notes": notes,
    }


# ----------------------------------------------------------------------------- packages

def releases_of(doc, file=None) -> list[dict]:
    """Releases in a parsed JSON document: a release package, a record package (compiled
    releases, else the last full release of each record), a list of packages, or a release."""
    if isinstance(doc, list):
        out = []
        for d in doc:
            out += releases_of(d, file)
        return out
    if not isinstance(doc, dict):
        raise DataFileError("this JSON is not an OCDS release or record package", file=file,
                            hint="expected an object with 'releases' (or 'records').")
    if "releases" in doc:
        rels = doc["releases"]
        if not isinstance(rels, list):
            raise DataFileError("'releases' is not a list", file=file)
        return [r for r in rels if isinstance(r, dict)]
    if "records" in doc:
        out = []
        for rec in _list(doc["records"]):
            if not isinstance(rec, dict):
                continue
            if isinstance(rec.get("compiledRelease"), dict):
                out.append(rec["compiledRelease"])
                continue
            full = [r for r in _list(rec.get("releases")) if isinstance(r, dict) and "tag" in r]
            if full:
                out.append(max(full, key=lambda r: str(r.get("date") or "")))
        return out
    if "ocid" in doc and ("tag" in doc or "tender" in doc or "awards" in doc):
        return [doc]
    raise DataFileError("this JSON is not an OCDS release or record package", file=file,
                        hint="expected an object with 'releases' (a release package, as Find a "
                             "Tender and Contracts Finder return) or 'records'.")


def _read_json(path: Path) -> Any:
    from .io import read_text

    text = read_text(path).text
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if "Extra data" in exc.msg:  # JSON Lines: one package per line
            docs = []
            for n, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    try:
                        docs.append(json.loads(line))
                    except json.JSONDecodeError as e2:
                        raise DataFileError(f"line {n} is not valid JSON ({e2.msg})", file=path,
                                            row=n, hint="check the file is complete.") from None
            return docs
        raise DataFileError(f"this file is not valid JSON ({exc.msg})", file=path,
                            row=exc.lineno, column=exc.colno,
                            hint="check the download is complete (a cut-off file ends "
                                 "mid-way).") from None


def unflatten(row: dict[str, str]) -> dict:
    """One row of a flat export with JSON-path headers (``releases/0/tender/value/amount``)
    → the nested object. Empty cells are left out; numeric path parts make lists."""
    root: dict = {}
    for path, value in row.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        parts = [p for p in str(path).strip().split("/") if p != ""]
        if not parts:
            continue
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt_is_index = not last and parts[i + 1].isdigit()
            if isinstance(node, list):
                k = int(part)
                while len(node) <= k:
                    node.append(None)
                if last:
                    node[k] = value
                else:
                    if node[k] is None:
                        node[k] = [] if nxt_is_index else {}
                    node = node[k]
            else:
                if last:
                    node[part] = value
                else:
                    if part not in node or not isinstance(node[part], (dict, list)):
                        node[part] = [] if nxt_is_index else {}
                    node = node[part]
    return _drop_none(root)


def _drop_none(x):
    if isinstance(x, dict):
        return {k: _drop_none(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_drop_none(v) for v in x if v is not None]
    return x


def _read_flat_csv(path: Path) -> list[tuple[dict, int]]:
    """Contracts Finder flat CSV → [(release, row number)]."""
    from .io import is_blank_row, read_csv_rows

    rows = read_csv_rows(path)
    header_i = next((i for i, r in enumerate(rows[:20])
                     if any(str(c).strip().startswith("releases/") for c in r)), None)
    if header_i is None:
        seen = ", ".join(repr(c) for c in (rows[0] if rows else [])[:8])
        raise DataFileError(
            "this CSV is not a Contracts Finder OCDS export: no header like "
            f"'releases/0/tender/title' (first columns: {seen})", file=path,
            hint="download the notices as OCDS (JSON) or the CSV export whose headers are "
                 "JSON paths; a spend file goes to load_spend instead.")
    header = [str(h).strip() for h in rows[header_i]]
    out = []
    for i in range(header_i + 1, len(rows)):
        r = rows[i]
        if is_blank_row(r):
            continue
        doc = unflatten(dict(zip(header, r)))
        for rel in releases_of(doc, path) if "releases" in doc else []:
            out.append((rel, i + 1))
    return out


def _to_uk_local(values):
    """ISO date-times with mixed offsets (or none) → naive UK local datetime64[ns]."""
    import pandas as pd

    s = pd.Series(values, dtype="object").map(
        lambda v: None if v is None or v == "" or (isinstance(v, float) and v != v)
        else str(v).strip())
    has_zone = s.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True, na=False)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if has_zone.any():
        z = pd.to_datetime(s[has_zone], utc=True, format="ISO8601", errors="coerce")
        out.loc[has_zone] = z.dt.tz_convert(UK_TZ).dt.tz_localize(None).astype("datetime64[ns]")
    plain = ~has_zone & s.notna()
    if plain.any():
        out.loc[plain] = pd.to_datetime(s[plain], format="ISO8601", errors="coerce").astype(
            "datetime64[ns]")
    bad = s.notna() & out.isna()
    return out, bad


def _frame(rows: list[dict], sources: list[tuple[str, int]]):
    import pandas as pd

    if not rows:
        df = pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    else:
        df = pd.DataFrame(rows)
    df["source_file"] = [s[0] for s in sources]
    df["source_row"] = [s[1] for s in sources]
    notes = df["notes"] if "notes" in df else pd.Series([[] for _ in range(len(df))])
    notes = notes.map(lambda n: list(n) if isinstance(n, list) else [])
    for c in DATE_COLUMNS:
        vals, bad = _to_uk_local(df[c] if c in df else [None] * len(df))
        if bad.any():
            raw = df[c]
            for i in bad[bad].index:
                notes[i].append(f"{c} {raw[i]!r} is not a date")
        df[c] = vals.to_numpy()
    if "_duration" in df:  # an end from durationInDays when no end date is given
        dur = pd.to_numeric(df["_duration"], errors="coerce")
        fill = df["contract_end"].isna() & df["contract_start"].notna() & dur.notna()
        if fill.any():
            df.loc[fill, "contract_end"] = df.loc[fill, "contract_start"] + pd.to_timedelta(
                dur[fill], unit="D")
            for i in fill[fill].index:
                notes[i].append("contract end worked out from durationInDays")
        df = df.drop(columns="_duration")
    for c in NUMBER_COLUMNS:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    for c in BOOL_COLUMNS:
        df[c] = df[c].astype("boolean")
    df["lots"] = pd.to_numeric(df["lots"], errors="coerce").fillna(0).astype("int64")
    df["source_row"] = df["source_row"].astype("int64")
    df["notes"] = notes.map(lambda n: "; ".join(n) if n else None)
    for c in COLUMNS:
        if c not in DATE_COLUMNS + NUMBER_COLUMNS + BOOL_COLUMNS + ("lots", "source_row"):
            df[c] = df[c].astype("str")
    return df[list(COLUMNS)].reset_index(drop=True)


def load_ocds(path):
    """OCDS release packages (JSON) and Contracts Finder flat CSV exports → one row per
    release (see the module docstring for the columns and quirks).

    ``path`` may be a ``.json``/``.jsonl``/``.csv`` file, a list of files, a folder (its
    ``*.json``, ``*.jsonl`` and ``*.csv`` files), or packages already parsed (a dict or a list
    of dicts, e.g. what :func:`fetch_release_packages` returns). Raises
    :class:`DataFileError` for a file that is not OCDS.
    """
    from .io import iter_paths

    rows: list[dict] = []
    sources: list[tuple[str, int]] = []
    report: dict = {"files": []}
    if isinstance(path, dict) or (isinstance(path, list) and path and isinstance(path[0], dict)):
        for i, rel in enumerate(releases_of(path), start=1):
            rows.append(release_row(rel))
            sources.append(("(fetched)", i))
        report["files"].append({"file": "(fetched)", "releases": len(rows)})
    else:
        for p in iter_paths(path, patterns=("*.json", "*.jsonl", "*.csv")):
            if p.suffix.lower() == ".csv":
                found = _read_flat_csv(p)
            else:
                doc = _read_json(p)
                found = [(r, i) for i, r in enumerate(releases_of(doc, p), start=1)]
            for rel, n in found:
                rows.append(release_row(rel))
                sources.append((p.name, n))
            report["files"].append({"file": p.name, "releases": len(found)})
    df = _frame(rows, sources)
    report["releases"] = int(len(df))
    report["notes"] = int(df["notes"].notna().sum())
    df.attrs["report"] = report
    return df


def latest_per_ocid(df):
    """One row per contracting process (``ocid``): its latest release (by date, then order)."""
    if df.empty:
        return df
    order = df.assign(_i=range(len(df))).sort_values(["date", "_i"], na_position="first")
    return order.drop_duplicates("ocid", keep="last").drop(columns="_i").sort_index()


def filter_buyer(df, buyer: str | None):
    """Only the releases whose buyer name contains ``buyer`` (case and spacing ignored), or
    all of them when ``buyer`` is ``None`` or blank. The report in ``attrs`` is kept."""
    if buyer is None or not str(buyer).strip():
        return df
    want = " ".join(str(buyer).lower().split())
    names = df["buyer"].astype("str").str.lower().str.split().str.join(" ")
    out = df[names.str.contains(want, regex=False).fillna(False).to_numpy(dtype=bool)]
    out.attrs = dict(df.attrs)
    return out


# ----------------------------------------------------------------------------- live fetch

def _same_site(a: str, b: str) -> bool:
    x, y = urlsplit(a), urlsplit(b)
    return (x.scheme, x.hostname, x.port) == (y.scheme, y.hostname, y.port)


def fetch_release_packages(url: str = FIND_A_TENDER_URL, *, updated_from: str | None = None,
                           updated_to: str | None = None, stages: str | None = None,
                           limit: int = MAX_LIMIT, max_pages: int = 5, timeout=(5.0, 20.0),
                           retries: int = 2, backoff: float = 0.5,
                           max_bytes: int = 20 * 1024 * 1024, cache_dir=None, session=None,
                           sleep: Callable[[float], None] = time.sleep) -> dict:
    """Page through an OCDS release-package API (Find a Tender's ``ocdsReleasePackages``).

    Asks for ``limit`` (1–100) releases a page, follows ``links.next`` (which carries the
    ``cursor``) up to ``max_pages`` pages, and never follows a link to another site. Each page
    goes through :func:`toolkit_helpers.net.fetch_json` (timeouts, retries with backoff, size
    cap, cache). Returns ``{"packages": [...], "pages": n, "truncated": bool}``; raises
    :class:`FetchError` when a page cannot be fetched.
    """
    from . import net

    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ToolkitError(f"limit must be a whole number from 1 to {MAX_LIMIT}, not {limit!r}",
                           hint="Find a Tender returns at most 100 releases a page; more pages "
                                "are followed with the cursor.")
    params = {"limit": limit}
    if updated_from:
        params["updatedFrom"] = updated_from
    if updated_to:
        params["updatedTo"] = updated_to
    if stages:
        params["stages"] = stages
    packages: list[dict] = []
    seen: set[str] = set()
    next_url, next_params = url, params
    truncated = False
    while next_url:
        if len(packages) >= max_pages:
            truncated = True
            break
        target = net.full_url(next_url, next_params)
        if target in seen:
            break
        seen.add(target)
        doc = net.fetch_json(next_url, params=next_params, timeout=timeout, retries=retries,
                             backoff=backoff, max_bytes=max_bytes, cache_dir=cache_dir,
                             session=session, sleep=sleep)
        if not isinstance(doc, dict) or not isinstance(doc.get("releases"), list):
            raise FetchError(f"the answer from {next_url} is not an OCDS release package",
                             hint="the service may have changed; the sample is used.")
        packages.append(doc)
        link = _get(doc, "links", "next")
        if not doc["releases"] or not link:
            break
        if not _same_site(link, url):
            raise FetchError(f"the next-page link points to another site ({urlsplit(link).hostname})",
                             hint="not followed; the pages fetched so far are not used.")
        next_url, next_params = link, None
    return {"packages": packages, "pages": len(packages), "truncated": truncated}


def ocds_live_or_sample(sample, *, use_live: bool, url: str = FIND_A_TENDER_URL, **fetch_kwargs):
    """Tender notices live (when ``use_live``) or from ``sample``; returns a
    :class:`toolkit_helpers.net.Fetched` whose ``value`` is the :func:`load_ocds` frame and
    whose ``notice`` says which was used (shown to the user)."""
    from . import net

    def live():
        got = fetch_release_packages(url, **fetch_kwargs)
        df = load_ocds(got["packages"]) if got["packages"] else load_ocds({"releases": []})
        df.attrs["live"] = {"pages": got["pages"], "truncated": got["truncated"]}
        return df

    result = net.live_or_sample(live, lambda: load_ocds(sample), use_live=use_live,
                                what="tender notices (Find a Tender)")
    if result.source == "sample":
        why = ("live fetching is off: set LIVE_TENDERS = True or settings.live in the config to "
               "try Find a Tender" if not use_live else
               f"⚠ {result.notice.removeprefix('⚠ ').rsplit('; using', 1)[0]}")
        result.notice = (f"Tender notices from the files given ({why})." if not use_live else
                         f"{why}; using the notices in the files given instead.")
    elif result.value.attrs.get("live", {}).get("truncated"):
        result.notice = (f"Live tender notices: the first {result.value.attrs['live']['pages']} "
                         "pages only (raise max_pages for more).")
    else:
        result.notice = "Live tender notices from Find a Tender."
    return result


__all__ = ["COLUMNS", "load_ocds", "release_row", "releases_of", "unflatten", "latest_per_ocid",
           "filter_buyer",
           "fetch_release_packages", "ocds_live_or_sample", "FIND_A_TENDER_URL",
           "CONTRACTS_FINDER_URL", "SME_SCALES"]
