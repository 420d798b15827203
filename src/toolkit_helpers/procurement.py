"""Tender and contract notices in the Open Contracting Data Standard (OCDS) → one tidy frame.

>>> df = load_ocds("data/sample/procurement/ocds_release_package.json")   # doctest: +SKIP

:func:`load_ocds` reads

- OCDS **release packages** (JSON): one package, a list of packages (as paging returns them),
  JSON Lines of packages, a bare release, or a **record package** (its compiled releases);
- the **Contracts Finder flat CSV export**, whose headers are JSON paths
  (``releases/0/tender/value/amount``, ``releases/0/awards/0/suppliers/0/name`` …);
- the **Contracts Finder notice export** and similar tables with human headers (``Notice
  Identifier``, ``Organisation Name``, ``Suitable for SME``, ``Suitable for VCO``, ``Awarded
  Value``, ``Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE]``, ``Supplier is SME``
  …; :data:`NOTICE_HEADERS`), or any table whose columns a ``mapping`` names;
- a list of such files, a folder of them, or packages already in memory (dicts),

and returns one row per release with the columns of :data:`COLUMNS`: the product brief's
``ocid, release_id, date, tag, buyer, title, status, value_amount, value_currency,
award_value_amount, procurement_method, contract_start, contract_end, suitable_for_sme,
suppliers`` and useful extras (CPV codes and division, SME/VCSE flags of the suppliers, gross
values, the latest possible end date, ``notes`` on data problems, ``source_file``,
``source_row``).

Real-file quirks handled (and written into ``notes`` so nobody is misled):

- **parts of an unexpected JSON type** (:func:`clean_release`): a ``tender`` or ``value`` given
  as a list of one object is read as that object; a buyer, party or supplier given as text is
  read as its name, a name given as a number as text; awards given as strings, amounts that are
  ``inf``/``NaN``/``1e400`` or text with a decimal comma (``"12,5"``) and the like are left out —
  each with a note, never a traceback; entries of ``releases`` that are not objects are listed
  in the report (``skipped``). JSON nested deeper than ``io.LIMITS["max_json_depth"]`` is refused;
- a **lot priced in another currency** than its tender (e.g. AED on a GBP tender): the lot's
  value is not added to GBP figures;
- ``amountGross`` (with VAT) beside, or instead of, ``amount``: ``value_amount`` and
  ``award_value_amount`` are **net only** (the sum of the net ``amount`` of the awards that
  give one); a tender's gross value is in ``value_amount_gross`` and the awards given *only*
  gross are summed apart in ``award_value_gross_only`` — gross and net are never added
  together; ``award_value_basis`` says ``net``, ``gross`` (only gross-only awards) or
  ``mixed`` (both, kept apart);
- **award status**: only awards whose status is ``active`` (or not given) count —
  ``pending``, ``cancelled`` and ``unsuccessful`` awards add no value and no award date
  (a pending award still names its intended supplier in ``suppliers``; cancelled and
  unsuccessful ones do not); ``awarded`` says whether the process has been awarded (a live
  award or contract, or an award/contract tag with neither listed);
- **mixed time-zone offsets** (``+00:00``, ``+01:00``, ``Z``): every date is converted to UK
  local time (Europe/London) and stored without a zone, so ``2029-09-30T23:59:59+01:00`` is
  30 September, not 22:59 UTC; dates given without an offset are taken as UK local;
- suppliers' size (``parties[].details.scale``: ``sme``/``micro``/``large``, found by the
  supplier's id or else its name; yes/no SME flags in flat exports) and VCSE status are kept per
  supplier, in the order of ``suppliers`` (``supplier_scales``, ``supplier_vcse_flags``), so
  spend can be matched to them by supplier name; ``supplier_sme`` / ``supplier_vcse`` say
  whether any supplier of the release is one, ``suitable_for_sme`` / ``suitable_for_vcse``
  whether the tender was marked suitable;
- **missing contract end dates**: taken from ``durationInDays`` when given, otherwise left
  empty (the expiry pipeline counts them as "end date not published").

:func:`compiled_releases` compiles each contracting process's releases into one, as an OCDS
record's compiled release (ocdsmerge, with the OCDS 1.1 merge rules written out in
:data:`OCDS_MERGE_RULES`, so nothing is fetched): a tender notice's estimated value survives
the award notice that leaves it out, and an award restated in a later release is counted once.
:func:`latest_per_ocid` is the latest release alone.

:func:`council_releases` keeps the council's own notices (by its name, compared without
"Council", "Borough", punctuation…, or its GSS code in a buyer identifier) and says plainly when
none is the council's; :func:`filter_buyer` filters by any buyer name.

:func:`fetch_release_packages` pages through the Find a Tender API (``limit`` ≤ 100,
``cursor`` in ``links.next``) through :mod:`toolkit_helpers.net` (timeouts, bounded retries
with backoff, a size cap, a cache); :func:`ocds_live_or_sample` falls back to the sample file
with a visible notice. Notebooks never need the network.
"""
from __future__ import annotations

import json
import math
import re
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import DataFileError, FetchError, ToolkitError

COLUMNS = (
    "ocid", "release_id", "date", "tag", "buyer", "title", "status", "value_amount",
    "value_currency", "award_value_amount", "procurement_method", "contract_start",
    "contract_end", "suitable_for_sme", "suppliers",
    # extras
    "buyer_id", "buyer_identifiers", "value_amount_gross", "award_value_currency",
    "award_value_basis", "award_value_gross_only", "awarded", "award_date",
    "award_status", "contract_max_end", "cpv", "cpv_codes", "cpv_division", "main_category",
    "suitable_for_vcse", "supplier_scales", "supplier_vcse_flags", "supplier_sme",
    "supplier_vcse", "lots", "notes",
    "source_file", "source_row",
)
DATE_COLUMNS = ("date", "contract_start", "contract_end", "contract_max_end", "award_date")
NUMBER_COLUMNS = ("value_amount", "value_amount_gross", "award_value_amount",
                  "award_value_gross_only")
BOOL_COLUMNS = ("suitable_for_sme", "suitable_for_vcse", "supplier_sme", "supplier_vcse",
                "awarded")
#: OCDS ``details.scale`` values meaning a small or medium-sized enterprise.
SME_SCALES = frozenset({"sme", "micro", "small", "medium"})
#: Award statuses of awards that did not happen (OCDS award status codelist).
DEAD_AWARD_STATUSES = frozenset({"cancelled", "unsuccessful"})
#: Award statuses that count as awarded: ``active``, or none given (flat exports and notice
#: tables often leave it out). ``pending`` awards and the dead ones are not awarded.
LIVE_AWARD_STATUSES = frozenset({"", "active"})
#: Contract statuses that mean a contract was let (OCDS contract status codelist).
LIVE_CONTRACT_STATUSES = frozenset({"", "active", "terminated"})
#: Tender statuses of a process that is no longer open (OCDS tender status codelist): its
#: estimated value is not an open tender.
CLOSED_TENDER_STATUSES = frozenset({"cancelled", "unsuccessful", "complete", "withdrawn"})
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


def _award_is_live(award: dict) -> bool:
    """An award that counts as awarded: status ``active`` or not given."""
    return str(award.get("status") or "").strip().lower() in LIVE_AWARD_STATUSES


def _list(x) -> list:
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def _num(x) -> float | None:
    """A JSON number or the text of one (CSV exports: ``12,000``, ``£5,000.50``) → float;
    anything else → None: not a number, not finite (``inf``, ``NaN``, ``1e400``), or a comma
    that is not a thousands separator (``12,5`` is never read as 125)."""
    if x is None or isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return float(x) if math.isfinite(x) else None
    from .io import VALID_WITH_POINT, number_core

    text = str(x).strip()
    if "," in text and not re.fullmatch(VALID_WITH_POINT, number_core(text)):
        return None
    try:
        value = float(text.replace(",", "").replace("£", "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


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


def _details(party) -> dict:
    """A party's (or supplier reference's) ``details``, with flat ``scale``/``sme``/``vcse``
    keys some flat exports put beside them."""
    if not isinstance(party, dict):
        return {}
    d = dict(party.get("details") or {}) if isinstance(party.get("details"), dict) else {}
    for k in ("scale", "sme", "vcse"):
        if k not in d and party.get(k) is not None:
            d[k] = party[k]
    return d


def _scale(details: dict) -> str:
    """``details.scale`` in lower case (``sme``, ``micro``, ``large`` …); a yes/no ``sme`` flag
    (flat exports) as ``sme``/``large``; otherwise ``unknown``."""
    scale = details.get("scale")
    if scale is not None and str(scale).strip():
        flag = _bool(scale)
        if flag is not None:  # "Yes"/"No" written where a scale belongs
            return "sme" if flag else "large"
        return str(scale).strip().lower()
    flag = _bool(details.get("sme"))
    if flag is not None:
        return "sme" if flag else "large"
    return "unknown"


def _identifiers(*orgs) -> list[str]:
    """Every identifier of an organisation (the buyer reference and its party): ``id``,
    ``identifier.id`` and ``scheme-id``, ``identifier.uri``, ``additionalIdentifiers``."""
    out: list[str] = []

    def add(x):
        if x is not None and str(x).strip() and str(x).strip() not in out:
            out.append(str(x).strip())

    for org in orgs:
        if not isinstance(org, dict):
            continue
        add(org.get("id"))
        for ident in [org.get("identifier")] + _list(org.get("additionalIdentifiers")):
            if not isinstance(ident, dict):
                continue
            add(ident.get("id"))
            if ident.get("scheme") and ident.get("id"):
                add(f"{ident['scheme']}-{ident['id']}")
            add(ident.get("uri"))
    return out


# ----------------------------------------------------------------------------- release shapes

# What release_row reads, and the JSON type each part must have (OCDS release schema): an
# object (a dict of its parts), a list of something ([spec]), a single value (_SCALAR), text
# (_TEXT), an amount (_AMOUNT: a finite number or its text) or any object (dict).
_SCALAR, _TEXT, _AMOUNT = "a single value", "text", "an amount"
_VALUE = {"amount": _AMOUNT, "amountGross": _AMOUNT, "currency": _SCALAR}
_PERIOD = {"startDate": _SCALAR, "endDate": _SCALAR, "maxExtentDate": _SCALAR,
           "durationInDays": _AMOUNT}
_CLASSIFICATION = {"scheme": _SCALAR, "id": _SCALAR}
_ITEM = {"classification": _CLASSIFICATION, "additionalClassifications": [_CLASSIFICATION]}
_IDENTIFIER = {"id": _SCALAR, "scheme": _SCALAR, "uri": _SCALAR}
_SUITABILITY = {"sme": _SCALAR, "vcse": _SCALAR}
_ORGANISATION = {"name": _TEXT, "id": _SCALAR, "identifier": _IDENTIFIER,
                 "additionalIdentifiers": [_IDENTIFIER], "details": dict}
_SUPPLIER = {**_ORGANISATION, "scale": _SCALAR, "sme": _SCALAR, "vcse": _SCALAR}
_PARTY = {**_SUPPLIER, "roles": [_SCALAR]}
_LOT = {"id": _SCALAR, "value": _VALUE, "contractPeriod": _PERIOD, "suitability": _SUITABILITY,
        "classification": _CLASSIFICATION, "additionalClassifications": [_CLASSIFICATION]}
_TENDER = {"title": _TEXT, "status": _SCALAR, "value": _VALUE, "lots": [_LOT], "items": [_ITEM],
           "classification": _CLASSIFICATION, "additionalClassifications": [_CLASSIFICATION],
           "suitability": _SUITABILITY, "contractPeriod": _PERIOD, "procurementMethod": _SCALAR,
           "mainProcurementCategory": _SCALAR}
_AWARD = {"id": _SCALAR, "status": _SCALAR, "date": _SCALAR, "title": _TEXT, "value": _VALUE,
          "suppliers": [_SUPPLIER], "items": [_ITEM], "contractPeriod": _PERIOD,
          "mainProcurementCategory": _SCALAR}
_CONTRACT = {"id": _SCALAR, "awardID": _SCALAR, "status": _SCALAR, "period": _PERIOD,
             "items": [_ITEM], "value": _VALUE}
_RELEASE = {"ocid": _SCALAR, "id": _SCALAR, "date": _SCALAR, "title": _TEXT, "tag": [_SCALAR],
            "buyer": _ORGANISATION, "parties": [_PARTY], "tender": _TENDER, "awards": [_AWARD],
            "contracts": [_CONTRACT]}
#: Notes about unexpected shapes kept per release (the rest are counted).
MAX_SHAPE_NOTES = 10
_DROP = object()


def _kind(x) -> str:
    if isinstance(x, bool):
        return "true/false"
    if isinstance(x, (int, float)):
        return "a number"
    if isinstance(x, str):
        return "text"
    if isinstance(x, list):
        return "a list"
    if isinstance(x, dict):
        return "an object"
    return type(x).__name__


def _shown(x) -> str:
    text = json.dumps(x, default=str) if not isinstance(x, str) else repr(x)
    return text if len(text) <= 40 else text[:40] + "…"


def _clean(x, spec, where: str, notes: list[str]):
    """``x`` as ``spec`` wants it (see :data:`_RELEASE`): parts of the wrong type are left
    out (``_DROP``), or read when the intent is plain (a list of one object where an object
    belongs; a number where text belongs), each with a note."""
    if x is None:
        return None
    if spec is dict:
        if isinstance(x, dict):
            return x
        notes.append(f"{where} is {_kind(x)}, not an object: ignored")
        return _DROP
    if isinstance(spec, dict):
        if isinstance(x, list) and len(x) == 1 and isinstance(x[0], dict):
            notes.append(f"{where} is a list of one object, not an object: read as that object")
            x = x[0]
        if isinstance(x, str) and "name" in spec and x.strip():
            notes.append(f"{where} is text ({_shown(x)}), not an object: read as its name")
            x = {"name": x}
        if not isinstance(x, dict):
            notes.append(f"{where} is {_kind(x)} ({_shown(x)}), not an object: ignored")
            return _DROP
        out = dict(x)
        for key, sub in spec.items():
            if key in out:
                got = _clean(out[key], sub, f"{where}.{key}", notes)
                if got is _DROP:
                    del out[key]
                else:
                    out[key] = got
        return out
    if isinstance(spec, list):
        inner = spec[0]
        if isinstance(x, dict):
            if inner in (_SCALAR, _TEXT):
                notes.append(f"{where} is an object, not a list: ignored")
                return _DROP
            notes.append(f"{where} is one object, not a list: read as a list of one")
            x = [x]
        if not isinstance(x, list):
            if inner in (_SCALAR, _TEXT):
                return x  # "tag": "award", "roles": "buyer": read as a list of one
            if isinstance(inner, dict) and "name" in inner and isinstance(x, str) and x.strip():
                notes.append(f"{where} is text ({_shown(x)}), not a list: read as one name")
                return [{"name": x}]
            notes.append(f"{where} is {_kind(x)} ({_shown(x)}), not a list of objects: ignored")
            return _DROP
        items = []
        for i, item in enumerate(x):
            got = _clean(item, inner, f"{where}[{i}]", notes)
            if got is not _DROP and got is not None:
                items.append(got)
        return items
    if isinstance(x, (dict, list)):
        notes.append(f"{where} is {_kind(x)} ({_shown(x)}), not {spec}: ignored")
        return _DROP
    if spec == _TEXT and not isinstance(x, str):
        if isinstance(x, bool):
            notes.append(f"{where} is true/false, not text: ignored")
            return _DROP
        notes.append(f"{where} is a number ({_shown(x)}), not text: read as {str(x)!r}")
        return str(x)
    if spec == _AMOUNT and _num(x) is None and str(x).strip():
        notes.append(f"{where} is not a number ({_shown(x)}): ignored")
        return _DROP
    return x


def clean_release(release: dict, notes: list[str] | None = None) -> dict:
    """A copy of an OCDS release whose parts :func:`release_row` reads have the JSON types the
    schema gives them: a tender or value given as a list of one object is read as the object;
    awards given as text, a party name given as a number (read as text), an amount that is
    ``inf`` or ``1e400`` and the like are left out — each with a note in ``notes`` (at most
    :data:`MAX_SHAPE_NOTES`, then a count). The input is not changed."""
    found: list[str] = []
    out = _clean(release, _RELEASE, "release", found)
    if out is _DROP or out is None:
        out = {}
    if notes is not None:
        notes.extend(found[:MAX_SHAPE_NOTES])
        if len(found) > MAX_SHAPE_NOTES:
            notes.append(f"… and {len(found) - MAX_SHAPE_NOTES:,} more parts not shaped as OCDS "
                         "expects (ignored)")
    return out


# ----------------------------------------------------------------------------- one release

def release_row(release: dict) -> dict:
    """The tidy row for one OCDS release (a dict as in the JSON), dates still as text. Parts
    of an unexpected type are read or left out by :func:`clean_release`, with a note."""
    notes: list[str] = []
    release = clean_release(release, notes)
    tender = release.get("tender") or {}
    parties = _supplier_parties(release)
    buyer = _get(release, "buyer", "name")
    buyer_id = _get(release, "buyer", "id")
    if buyer is None:
        for p in parties.values():
            if "buyer" in _list(p.get("roles")):
                buyer, buyer_id = p.get("name"), p.get("id")
                break
    buyer_ids = _identifiers(release.get("buyer"), parties.get(str(buyer_id)) if buyer_id is not None
                             else None)
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
    # awards: only live ones (status active, or not given) count as awarded; net values are
    # summed, values given only gross (with VAT) are kept apart, never added to net ones
    award_amounts, gross_only, award_currencies, bases = [], [], set(), set()
    award_dates, award_statuses = [], []
    suppliers: list[str] = []
    supplier_ids: list[str | None] = []
    supplier_refs: list[dict] = []
    awards = [a for a in _list(release.get("awards")) if isinstance(a, dict)]
    live_awards = [a for a in awards if _award_is_live(a)]
    # suppliers: of live and pending awards (a pending award names the intended supplier,
    # whose size is still worth knowing), not of cancelled or unsuccessful ones
    named_awards = [a for a in awards
                    if str(a.get("status") or "").strip().lower() not in DEAD_AWARD_STATUSES]
    for a in awards:
        status = a.get("status")
        if status:
            award_statuses.append(str(status))
        if str(status or "").strip().lower() in DEAD_AWARD_STATUSES:
            continue
        for s in _list(a.get("suppliers")):
            if isinstance(s, dict):
                name = (s.get("name") or parties.get(str(s.get("id")), {}).get("name") or "").strip()
                if name and name not in suppliers:
                    suppliers.append(name)
                    supplier_ids.append(str(s["id"]) if s.get("id") is not None else None)
                    supplier_refs.append(s)
        if not _award_is_live(a):
            notes.append(f"award {a.get('id', '?')} is {status!r}, not active: not counted as "
                         "awarded (no value, no award date)")
            continue
        if a.get("date"):
            award_dates.append(a["date"])
        av = a.get("value") or {}
        amt, gross, cur = _num(av.get("amount")), _num(av.get("amountGross")), av.get("currency")
        if amt is None and gross is None:
            continue
        if award_currencies and cur and cur not in award_currencies:
            notes.append(f"award {a.get('id', '?')} is in {cur}, not {sorted(award_currencies)[0]}:"
                         " not added")
            continue
        if cur:
            award_currencies.add(cur)
        if amt is None:
            bases.add("gross")
            gross_only.append(gross)
            notes.append(f"award {a.get('id', '?')} gives only a gross value (with VAT): kept "
                         "apart from net values (award_value_gross_only)")
        else:
            bases.add("net")
            award_amounts.append(amt)
    contracts = [c for c in _list(release.get("contracts")) if isinstance(c, dict)]
    live_contracts = [c for c in contracts if str(c.get("status") or "").strip().lower()
                      in LIVE_CONTRACT_STATUSES]
    tagged = any(str(t).lower() in ("award", "contract", "awardupdate", "contractupdate")
                 for t in tags)
    awarded = bool(live_awards or live_contracts or (tagged and not awards and not contracts))
    if not suppliers and (named_awards or not awards):  # some name suppliers only in parties
        for p in parties.values():
            if "supplier" in _list(p.get("roles")) and p.get("name"):
                suppliers.append(p["name"].strip())
                supplier_ids.append(str(p["id"]) if p.get("id") is not None else None)
                supplier_refs.append({})
    # each supplier's size and VCSE status (from parties[].details — the party with the
    # supplier's id, else with its name — or details on the award's supplier reference), in
    # the order of suppliers
    by_name = {" ".join(str(p.get("name")).lower().split()): p
               for p in _list(release.get("parties")) if isinstance(p, dict) and p.get("name")}
    scales, vcse = [], []
    for sid, name, ref in zip(supplier_ids, suppliers, supplier_refs):
        party = parties.get(sid) if sid is not None else None
        if party is None:
            party = by_name.get(" ".join(name.lower().split()), {})
        details = {**_details(ref), **_details(party)}
        scales.append(_scale(details))
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
        "award_value_gross_only": sum(gross_only) if gross_only else None,
        "awarded": awarded,
        "procurement_method": tender.get("procurementMethod"),
        "contract_start": start,
        "contract_end": end,
        "suitable_for_sme": sme,
        "suppliers": "; ".join(suppliers) if suppliers else None,
        "buyer_id": buyer_id,
        "buyer_identifiers": "; ".join(buyer_ids) if buyer_ids else None,
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

def releases_of(doc, file=None, skipped: list[str] | None = None) -> list[dict]:
    """Releases in a parsed JSON document: a release package, a record package (compiled
    releases, else the last full release of each record), a list of packages, or a release.
    Entries of ``releases`` (or ``records``) that are not objects are left out, and described
    in ``skipped`` when a list is given."""
    if isinstance(doc, list):
        out = []
        for d in doc:
            out += releases_of(d, file, skipped)
        return out
    if not isinstance(doc, dict):
        raise DataFileError("this JSON is not an OCDS release or record package", file=file,
                            hint="expected an object with 'releases' (or 'records').")
    if "releases" in doc:
        rels = doc["releases"]
        if not isinstance(rels, list):
            raise DataFileError("'releases' is not a list", file=file)
        if skipped is not None:
            skipped += [f"releases[{i}] is {_kind(r)}, not an object" for i, r in enumerate(rels)
                        if not isinstance(r, dict)]
        return [r for r in rels if isinstance(r, dict)]
    if "records" in doc:
        out = []
        for i, rec in enumerate(_list(doc["records"])):
            if not isinstance(rec, dict):
                if skipped is not None:
                    skipped.append(f"records[{i}] is {_kind(rec)}, not an object")
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
    from .io import load_json, read_text

    text = read_text(path).text
    try:
        return load_json(text, file=path)  # refuses JSON nested deeper than max_json_depth
    except json.JSONDecodeError as exc:
        if "Extra data" in exc.msg:  # JSON Lines: one package per line
            docs = []
            for n, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    try:
                        docs.append(load_json(line, file=path))
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


# ----------------------------------------------------------------------------- CSV tables

#: Fields a CSV ``mapping`` may name: ``load_ocds(path, mapping={field: column header})``.
MAPPING_FIELDS = ("ocid", "release_id", "date", "buyer", "title", "status", "value_amount",
                  "value_currency", "award_value_amount", "procurement_method", "contract_start",
                  "contract_end", "suitable_for_sme", "supplier_sme", "suppliers")

#: Headers of human-readable notice tables — the Contracts Finder notice export ("Notice
#: Identifier, Organisation Name, Published Date, … Suitable for SME, Suitable for VCO, …
#: Awarded Value, Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE], Contract start
#: date, Contract end date") and similar tables — by field, as
#: :func:`toolkit_helpers.io.normalise_header` writes them, best first.
NOTICE_HEADERS: dict[str, tuple[str, ...]] = {
    "ocid": ("ocid", "ocds id", "ocds ocid"),
    "release_id": ("notice identifier", "notice id", "release id", "notice reference"),
    "date": ("published date", "publication date", "date published", "release date"),
    "buyer": ("organisation name", "organization name", "buyer name", "buyer",
              "contracting authority"),
    "buyer_id": ("organisation identifier", "organization identifier", "buyer identifier",
                 "buyer id"),
    "title": ("title", "notice title", "contract title"),
    "status": ("status", "notice status"),
    "value_amount": ("value high", "estimated value", "tender value", "value", "value low"),
    "value_currency": ("currency", "value currency"),
    "award_value_amount": ("awarded value", "award value", "contract value"),
    "award_date": ("awarded date", "award date"),
    "procurement_method": ("procurement method", "procedure type", "ojeu procedure type"),
    "contract_start": ("contract start date", "start date"),
    "contract_end": ("contract end date", "end date"),
    "suitable_for_sme": ("suitable for sme", "suitable for smes", "sme suitable"),
    "suitable_for_vcse": ("suitable for vco", "suitable for vcse", "suitable for vcses"),
    "supplier_sme": ("supplier is sme", "awarded supplier sme", "awarded supplier is sme",
                     "supplier sme", "is sme"),
    "supplier_vcse": ("supplier is vcse", "awarded supplier vcse", "awarded supplier is vcse",
                      "supplier vcse", "is vcse"),
    "suppliers": ("awarded supplier", "awarded suppliers", "supplier name", "supplier",
                  "suppliers", "awarded to"),
    "cpv_codes": ("cpv codes", "cpv code", "cpv"),
}
#: Headers only a notice table has (a spend file with "Supplier" and "Date" is not one).
NOTICE_MARKERS = frozenset({
    "ocid", "notice identifier", "notice id", "notice type", "published date", "awarded value",
    "awarded date", "suitable for sme", "suitable for vco", "suitable for vcse", "value low",
    "value high", "contract start date", "contract end date", "cpv codes", "procedure type",
    "ojeu procedure type", "closing date", "supplier is sme", "awarded supplier sme", "is sme"})
_DATE_FIELDS = ("date", "contract_start", "contract_end", "award_date")
_NUMBER_FIELDS = ("value_amount", "award_value_amount")
_BOOL_FIELDS = ("suitable_for_sme", "suitable_for_vcse", "supplier_sme", "supplier_vcse")


def _check_ocds_mapping(mapping) -> dict[str, str | None]:
    if mapping is None:
        return {}
    if not isinstance(mapping, dict):
        raise DataFileError(f"mapping must be a dict of field → column, not {type(mapping).__name__}",
                            hint="e.g. mapping={'buyer': 'Authority', 'contract_end': 'Ends'}.")
    out = {}
    for k, v in mapping.items():
        if k not in MAPPING_FIELDS:
            import difflib

            close = difflib.get_close_matches(str(k), MAPPING_FIELDS, n=1)
            raise DataFileError(
                f"the mapping names an unknown field {k!r}"
                + (f" (did you mean {close[0]!r}?)" if close else ""),
                hint=f"mapping keys are these fields: {', '.join(MAPPING_FIELDS)}; values are "
                     "the column headers in your file.")
        if v is not None and not isinstance(v, str):
            raise DataFileError(f"the mapping for {k!r} must be a column name (text), not {v!r}")
        out[k] = v.strip() if isinstance(v, str) and v.strip() else None
    return out


def _packed_supplier_fields(header: str) -> list[str] | None:
    """``'Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE]'`` → the field names
    (normalised), or ``None`` for any other header."""
    import re

    from .io import normalise_header

    m = re.fullmatch(r"\s*(?:awarded\s+)?suppliers?\s*\[(.*\|.*)\]\s*", str(header), re.IGNORECASE)
    return [normalise_header(x) for x in m.group(1).split("|")] if m else None


def _detect_notice_columns(header: list[str], skip=()) -> dict[str, int]:
    """field → 0-based column of a notice table header (by :data:`NOTICE_HEADERS`)."""
    from .io import normalise_header

    keys = [normalise_header(h) for h in header]
    out: dict[str, int] = {}
    for fld, variants in NOTICE_HEADERS.items():
        for v in variants:
            pos = next((i for i, k in enumerate(keys) if k == v and i not in skip
                        and i not in out.values()), None)
            if pos is not None:
                out[fld] = pos
                break
    if "suppliers" not in out:
        pos = next((i for i, h in enumerate(header) if i not in skip
                    and _packed_supplier_fields(h)), None)
        if pos is not None:
            out["suppliers"] = pos
    return out


def _column_of(header: list[str], col: str) -> int | None:
    from .io import normalise_header

    pos = next((i for i, h in enumerate(header) if h.strip() == col), None)
    if pos is None:
        want = normalise_header(col)
        pos = next((i for i, h in enumerate(header) if want and normalise_header(h) == want), None)
    return pos


def _find_csv_header(rows: list[list[str]], user: dict) -> tuple[int | None, str]:
    """(header row index, ``'json paths'`` or ``'notice table'``), searched in the first 20
    rows: JSON-path headers first; else the row naming most notice fields (at least two and
    one header only notice tables have) or, with a mapping, most of its columns."""
    from .io import is_blank_row, normalise_header

    top = rows[:20]
    for i, r in enumerate(top):
        if any(str(c).strip().startswith("releases/") for c in r):
            return i, "json paths"
    mapped = [c for c in user.values() if c]
    best, best_i = 0, None
    for i, r in enumerate(top):
        if is_blank_row(r):
            continue
        header = [str(c) for c in r]
        found = _detect_notice_columns(header)
        marker = any(normalise_header(h) in NOTICE_MARKERS for h in header) or \
            any(_packed_supplier_fields(h) for h in header)
        hits = sum(_column_of(header, c) is not None for c in mapped)
        ok = hits > 0 or (len(found) >= 2 and marker)
        score = len(found) + hits
        if ok and score > best:
            best, best_i = score, i
    return best_i, "notice table"


def _iso_date(text) -> str | None:
    """A date cell → ISO text (``31/03/2025`` → ``2025-03-31``; ISO kept, with its time and
    offset). Unreadable text is returned as it is (the loader then notes it)."""
    import re

    t = str(text or "").strip()
    if not t:
        return None
    if re.match(r"\d{4}-\d{2}-\d{2}", t):
        return t
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?", t)
    if m:
        d, mo, y, hh, mm, ss = m.groups()
        out = f"{y}-{int(mo):02d}-{int(d):02d}"
        return out + (f"T{int(hh):02d}:{mm}:{ss or '00'}" if hh else "")
    from .spend import parse_dates

    got = parse_dates([t]).values.iloc[0]
    return t if got is None or got != got else f"{got:%Y-%m-%d}"


def _split_suppliers(cell: str, fields: list[str] | None) -> list[dict]:
    """Supplier cell → ``[{name, sme, vcse}]``: Contracts Finder's packed
    ``[Name|Address|…|Is SME|Is VCSE][…]`` blocks, or names separated by ``;`` or new lines."""
    import re

    text = str(cell or "").strip()
    if not text:
        return []
    out = []
    if fields:
        name_i = fields.index("name") if "name" in fields else 0
        sme_i = next((i for i, f in enumerate(fields) if f in ("is sme", "sme")), None)
        vcse_i = next((i for i, f in enumerate(fields) if f in ("is vcse", "vcse", "is vco")), None)
        for block in re.split(r"\]\s*\[", text.strip().removeprefix("[").removesuffix("]")):
            parts = [x.strip() for x in block.split("|")]
            name = " ".join(parts[name_i].split()) if name_i < len(parts) else ""
            if not name:
                continue
            out.append({"name": name,
                        "sme": _bool(parts[sme_i]) if sme_i is not None and sme_i < len(parts) else None,
                        "vcse": _bool(parts[vcse_i]) if vcse_i is not None and vcse_i < len(parts) else None})
        return out
    for name in re.split(r"\s*(?:;|\r?\n)\s*", text):
        if name.strip():
            out.append({"name": " ".join(name.split()), "sme": None, "vcse": None})
    return out


def _notice_release(v: dict, sups: list[dict], where: str) -> dict:
    """One row of a notice table → an OCDS release (so :func:`release_row` reads it as any
    other notice). ``v`` holds the cells by field; ``sups`` the suppliers."""
    import re

    rid = v.get("release_id") or None
    ocid = v.get("ocid") or rid or where
    tender: dict = {}
    for fld, key in (("title", "title"), ("status", "status"),
                     ("procurement_method", "procurementMethod")):
        if v.get(fld):
            tender[key] = v[fld]
    if v.get("value_amount"):
        tender["value"] = {"amount": v["value_amount"], "currency": v.get("value_currency") or None}
    suit = {k: _bool(v.get(f)) for k, f in (("sme", "suitable_for_sme"), ("vcse", "suitable_for_vcse"))}
    if any(x is not None for x in suit.values()):
        tender["suitability"] = {k: x for k, x in suit.items() if x is not None}
    period = {"startDate": _iso_date(v.get("contract_start")), "endDate": _iso_date(v.get("contract_end"))}
    if any(period.values()):
        tender["contractPeriod"] = {k: x for k, x in period.items() if x}
    codes = re.findall(r"(?<!\d)\d{8}(?!\d)", str(v.get("cpv_codes") or ""))
    if codes:
        tender["classification"] = {"scheme": "CPV", "id": codes[0]}
        tender["additionalClassifications"] = [{"scheme": "CPV", "id": c} for c in codes[1:]]
    parties, refs = [], []
    for i, sup in enumerate(sups, start=1):
        details: dict = {}
        if sup.get("sme") is not None:
            details["scale"] = "sme" if sup["sme"] else "large"
        if sup.get("vcse") is not None:
            details["vcse"] = sup["vcse"]
        parties.append({"id": f"supplier-{i}", "name": sup["name"], "roles": ["supplier"],
                        "details": details})
        refs.append({"id": f"supplier-{i}", "name": sup["name"]})
    awards = []
    if refs or v.get("award_value_amount") or v.get("award_date"):
        award: dict = {"id": "1", "suppliers": refs}
        if v.get("award_value_amount"):
            award["value"] = {"amount": v["award_value_amount"],
                              "currency": v.get("value_currency") or None}
        if v.get("award_date"):
            award["date"] = _iso_date(v["award_date"])
        awards.append(award)
    buyer = {k: x for k, x in (("name", v.get("buyer")), ("id", v.get("buyer_id"))) if x}
    return {"ocid": ocid, "id": rid or ocid, "date": _iso_date(v.get("date")),
            "tag": ["award"] if awards else ["tender"], "buyer": buyer or None,
            "tender": tender, "awards": awards, "parties": parties}


def _apply_cells(row: dict, v: dict, sups: list[dict] | None, override: set[str]) -> None:
    """Put cells (by field) into a tidy row: mapped fields (``override``) always, detected ones
    where the row has no value."""
    import re

    for fld, cell in v.items():
        if fld == "suppliers" or (fld not in override and row.get(fld) is not None):
            continue
        if fld in _DATE_FIELDS:
            row[fld] = _iso_date(cell)
        elif fld in _NUMBER_FIELDS:
            row[fld] = _num(cell)
            if row[fld] is None and str(cell or "").strip():
                row.setdefault("notes", []).append(f"{fld} {str(cell).strip()[:40]!r} is not a "
                                                   "number: left empty")
            if fld == "award_value_amount" and row[fld] is not None:
                row["awarded"] = True  # an awarded value in the table: awarded
        elif fld in _BOOL_FIELDS:
            row[fld] = _bool(cell)
        elif fld == "cpv_codes":
            codes = re.findall(r"(?<!\d)\d{8}(?!\d)", str(cell or ""))
            row["cpv_codes"] = ";".join(codes) or None
            row["cpv"] = codes[0] if codes else None
            row["cpv_division"] = codes[0][:2] if codes else None
        else:
            row[fld] = str(cell).strip() or None
    if sups is not None and ("suppliers" in override or row.get("suppliers") is None):
        row["suppliers"] = "; ".join(x["name"] for x in sups) or None
        row["supplier_scales"] = "; ".join(
            {True: "sme", False: "large", None: "unknown"}[x["sme"]] for x in sups) or None
        row["supplier_vcse_flags"] = "; ".join(
            {True: "yes", False: "no", None: "unknown"}[x["vcse"]] for x in sups) or None
        known = [x["sme"] for x in sups if x["sme"] is not None]
        if "supplier_sme" not in override:
            row["supplier_sme"] = any(known) if known else None
        known = [x["vcse"] for x in sups if x["vcse"] is not None]
        row["supplier_vcse"] = any(known) if known else None


def _mapping_columns_error(path: Path, header: list[str], missing: list[tuple[str, str]]):
    """The error for mapped columns the file does not have (every one named)."""
    said = " and ".join(f"{f} is in column {c!r}" if i == 0 else f"{f} in column {c!r}"
                        for i, (f, c) in enumerate(missing))
    seen = ", ".join(repr(h.strip()) for h in header if h.strip()) or "(none)"
    return DataFileError(
        f"the mapping says {said}, but the file has no such column"
        f"{'s' if len(missing) > 1 else ''}. Columns seen: {seen}",
        file=path, column=missing[0][1],
        hint="copy the column name exactly as it appears in the file's header row.")


def _check_json_paths(paths: list[str], file, row: int) -> None:
    """JSON-path headers within the limits: no deeper than ``max_json_depth``, list indexes
    no larger than ``max_columns`` (``releases/0/awards/99999999/id`` would make a list of a
    hundred million entries)."""
    from .io import limit, limit_error

    depth_cap, index_cap = limit("max_json_depth"), limit("max_columns")
    for h in paths:
        parts = [x for x in h.split("/") if x]
        if len(parts) > depth_cap:
            raise limit_error("max_json_depth", f"{len(parts):,} levels",
                              f"the column header {h[:60]!r} nests too deeply", file=file, row=row)
        big = next((x for x in parts if x.isdigit() and int(x) > index_cap), None)
        if big is not None:
            raise limit_error("max_columns", f"index {int(big):,}",
                              f"the column header {h[:60]!r} has too large a list index", file=file,
                              row=row, advice="A flat export numbers list entries from 0; an "
                                              "index this large is a damaged header.")


def _read_flat_csv(path: Path, mapping: dict | None = None) -> tuple[list[tuple[dict, int]], dict]:
    """A CSV of notices → ``([(tidy row, row number)], report)``: the Contracts Finder flat
    export with JSON-path headers (``releases/0/tender/title`` …), or a notice table with
    human headers (the Contracts Finder notice export; :data:`NOTICE_HEADERS`), with
    ``mapping`` ({field: column header}, fields :data:`MAPPING_FIELDS`) naming columns."""
    from .io import is_blank_row, read_csv_rows

    user = _check_ocds_mapping(mapping)
    rows = read_csv_rows(path)
    header_i, layout = _find_csv_header(rows, user)
    if header_i is None:
        first = [str(c) for c in next((r for r in rows if not is_blank_row(r)), [])]
        missing = [(f, c) for f, c in user.items() if c and _column_of(first, c) is None]
        if missing:
            raise _mapping_columns_error(path, first, missing)
        seen = ", ".join(repr(c) for c in first[:8])
        raise DataFileError(
            "this CSV is not a Contracts Finder OCDS export: no header like "
            f"'releases/0/tender/title' or 'Notice Identifier' (first columns: {seen})", file=path,
            hint="download the notices as OCDS (JSON), the CSV export whose headers are JSON "
                 "paths, or Contracts Finder's notice export; for another table, name its columns "
                 f"with mapping={{field: column}} (fields: {', '.join(MAPPING_FIELDS)}); a spend "
                 "file goes to load_spend instead.")
    header = [str(h).strip() for h in rows[header_i]]
    json_cols = {i for i, h in enumerate(header) if h.startswith("releases/")}
    _check_json_paths([header[i] for i in sorted(json_cols)], path, header_i + 1)
    cols = _detect_notice_columns(header, skip=json_cols)
    missing = [(f, c) for f, c in user.items() if c and _column_of(header, c) is None]
    if missing:
        raise _mapping_columns_error(path, header, missing)
    for fld, col in user.items():
        cols.pop(fld, None)
        if col is not None:
            cols[fld] = _column_of(header, col)
    packed = _packed_supplier_fields(header[cols["suppliers"]]) if "suppliers" in cols else None
    override = {f for f, c in user.items() if c}
    out = []
    for i in range(header_i + 1, len(rows)):
        r = rows[i]
        if is_blank_row(r):
            continue
        v = {f: (r[p].strip() if p < len(r) else "") for f, p in cols.items()}
        sups = _split_suppliers(v.get("suppliers"), packed) if "suppliers" in cols else None
        if layout == "json paths":
            doc = unflatten({h: c for h, c in zip(header, r) if h.startswith("releases/")})
            for rel in releases_of(doc, path) if "releases" in doc else []:
                row = release_row(rel)
                _apply_cells(row, v, sups, override)
                out.append((row, i + 1))
            continue
        sups = sups or []
        flags = {f: _bool(v.get(f)) for f in ("supplier_sme", "supplier_vcse")}
        if len(sups) == 1:  # a yes/no column for the one supplier of the row
            for f, k in (("supplier_sme", "sme"), ("supplier_vcse", "vcse")):
                if sups[0][k] is None and flags[f] is not None:
                    sups[0][k] = flags[f]
        row = release_row(_notice_release(v, sups, f"{path.name}:row {i + 1}"))
        for f in ("supplier_sme", "supplier_vcse"):
            if flags[f] is not None and (f in override or row[f] is None):
                row[f] = flags[f]
        if not v.get("ocid") and not v.get("release_id"):
            row["notes"].append("no notice identifier: the file name and row number are its id")
        out.append((row, i + 1))
    report = {"layout": layout, "header_row": header_i + 1,
              "columns": {f: header[p] for f, p in sorted(cols.items())}}
    return out, report


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


#: What a release of an unforeseen shape can raise inside :func:`release_row` (turned into a
#: :class:`DataFileError` naming the file and the release; :func:`clean_release` should have
#: left such parts out already).
_SHAPE_ERRORS = (AttributeError, TypeError, ValueError, KeyError, IndexError, RecursionError,
                 OverflowError)


def _shape_error(exc: Exception, file, what: str) -> DataFileError:
    return DataFileError(
        f"{what} cannot be read: part of it is not shaped as OCDS expects "
        f"({type(exc).__name__}: {str(exc)[:120]})", file=file,
        hint="check it against the OCDS release schema (standard.open-contracting.org), or ask "
             "the publisher for a corrected file.")


def _read_release(release: dict, file, n: int) -> dict:
    """:func:`release_row`, with any failure on an unforeseen shape as a :class:`DataFileError`
    naming the file and the release."""
    try:
        return release_row(release)
    except DataFileError:
        raise
    except _SHAPE_ERRORS as exc:
        raise _shape_error(exc, file, f"release {n}") from None


def load_ocds(path, *, mapping: dict | None = None):
    """OCDS release packages (JSON) and Contracts Finder CSV exports → one row per release
    (see the module docstring for the columns and quirks).

    ``path`` may be a ``.json``/``.jsonl``/``.csv`` file, a list of files, a folder (its
    ``*.json``, ``*.jsonl`` and ``*.csv`` files), or packages already parsed (a dict or a list
    of dicts, e.g. what :func:`fetch_release_packages` returns). A CSV may be the flat export
    with JSON-path headers or a notice table with human headers (Contracts Finder's notice
    export: ``Notice Identifier``, ``Organisation Name``, ``Suitable for SME``, ``Awarded
    Value``, ``Supplier [Name|…|Is SME|Is VCSE]`` …; :data:`NOTICE_HEADERS`).

    ``mapping`` (CSV files only): ``{field: column header}`` naming the column of a field, e.g.
    ``{"buyer": "Authority", "contract_end": "Ends on"}``; ``None`` as a column ignores a
    column the loader would pick. Fields: :data:`MAPPING_FIELDS`. An unknown field, or a
    column the file does not have, raises :class:`DataFileError`.

    Raises :class:`DataFileError` for a file that is not OCDS.
    """
    from .io import iter_paths

    _check_ocds_mapping(mapping)
    rows: list[dict] = []
    sources: list[tuple[str, int]] = []
    raws: list[dict | None] = []  # each row's release, for compiled_releases (None: a CSV row)
    report: dict = {"files": []}
    if isinstance(path, dict) or (isinstance(path, list) and path and isinstance(path[0], dict)):
        for i, rel in enumerate(releases_of(path), start=1):
            rows.append(_read_release(rel, "(fetched)", i))
            sources.append(("(fetched)", i))
            raws.append(rel)
        report["files"].append({"file": "(fetched)", "releases": len(rows)})
    else:
        for p in iter_paths(path, patterns=("*.json", "*.jsonl", "*.csv")):
            entry: dict = {"file": p.name}
            if p.suffix.lower() == ".csv":
                try:
                    found, about = _read_flat_csv(p, mapping)
                except DataFileError:
                    raise
                except _SHAPE_ERRORS as exc:
                    raise _shape_error(exc, p, "a notice in this CSV") from None
                entry.update(about)
                raws.extend([None] * len(found))
            else:
                doc = _read_json(p)
                skipped: list[str] = []
                rels = releases_of(doc, p, skipped)
                found = [(_read_release(r, p, i), i) for i, r in enumerate(rels, start=1)]
                raws.extend(rels)
                if skipped:  # entries that are not releases: listed, never dropped unseen
                    entry["skipped"] = skipped
                    warnings.warn(f"{p.name}: {len(skipped)} entr{'y' if len(skipped) == 1 else 'ies'} "
                                  f"left out ({skipped[0]}{' …' if len(skipped) > 1 else ''})",
                                  stacklevel=2)
            for row, n in found:
                rows.append(row)
                sources.append((p.name, n))
            entry["releases"] = len(found)
            report["files"].append(entry)
    df = _frame(rows, sources)
    report["releases"] = int(len(df))
    report["notes"] = int(df["notes"].notna().sum())
    df.attrs["report"] = report
    df.attrs[RELEASES_ATTR] = _ReleaseStore(df, raws)
    return df


def latest_per_ocid(df):
    """One row per contracting process (``ocid``): its latest release (by date, then order)."""
    if df.empty:
        return df
    order = df.assign(_i=range(len(df))).sort_values(["date", "_i"], na_position="first")
    return order.drop_duplicates("ocid", keep="last").drop(columns="_i").sort_index()


# ----------------------------------------------------------------------------- compiled releases

#: The merge rules of the OCDS 1.1 release schema, for ocdsmerge (``Merger(merge_rules=…)``),
#: written out here so that nothing is fetched: without them ocdsmerge downloads the schema
#: from standard.open-contracting.org on first use. They restate which fields the schema
#: marks ``omitWhenMerged`` (the release's own ``id``, ``date`` and ``tag``) and which arrays
#: it marks ``wholeListMerge`` (replaced whole by a later release, not merged item by item:
#: additional identifiers and classifications, an amendment's changes); no schema text is
#: copied. Everything else follows OCDS's default rules, which ocdsmerge applies without a
#: schema: a field in a later release replaces the earlier value, a field a later release
#: leaves out keeps it (so the tender's value from the tender notice survives an award notice
#: that omits it), objects (``tender``, ``value``) merge field by field, arrays of objects with
#: an ``id`` (``parties``, ``awards``, ``contracts``, ``tender.items``, ``tender.lots``,
#: ``awards.suppliers`` …) merge by ``id``, and arrays of text (``roles``) are replaced whole.
#: Source: Open Contracting Data Standard 1.1, release-schema.json and "Merging"
#: (standard.open-contracting.org/1.1/en/schema/merging/), © Open Contracting Partnership,
#: Apache License 2.0.
OCDS_MERGE_RULES: dict[tuple[str, ...], str] = {
    ("id",): "omitWhenMerged",
    ("date",): "omitWhenMerged",
    ("tag",): "omitWhenMerged",
    **{(*where, "additionalIdentifiers"): "wholeListMerge" for where in (
        ("parties",), ("buyer",), ("tender", "procuringEntity"), ("tender", "tenderers"),
        ("awards", "suppliers"), ("contracts", "implementation", "transactions", "payer"),
        ("contracts", "implementation", "transactions", "payee"))},
    **{(*where, "additionalClassifications"): "wholeListMerge" for where in (
        ("tender", "items"), ("awards", "items"), ("contracts", "items"), ("tender",),
        ("tender", "lots"))},
    **{(*where, "changes"): "wholeListMerge" for where in (
        ("tender", "amendments"), ("awards", "amendments"), ("contracts", "amendments"),
        ("tender", "amendment"), ("awards", "amendment"), ("contracts", "amendment"))},
}
#: Arrays whose objects are matched by position, not ``id``, for a process where some of them
#: have no ``id`` (ocdsmerge would otherwise add them again from every release that repeats
#: them, and an award restated in two releases would be counted twice).
_POSITIONAL_ARRAYS = (("awards",), ("contracts",), ("tender", "lots"), ("tender", "items"),
                      ("parties",))
#: The ``df.attrs`` key under which :func:`load_ocds` keeps each row's release (the parts
#: :func:`release_row` reads), for :func:`compiled_releases`.
RELEASES_ATTR = "ocds_releases"


def _prune(x, spec):
    """Only the parts of a (cleaned) release that :data:`_RELEASE` names, and every object's
    ``id`` (objects in arrays are merged by it), so what is kept for compiling stays small."""
    if isinstance(spec, dict) and isinstance(x, dict):
        return {k: _prune(v, spec.get(k)) for k, v in x.items() if k in spec or k == "id"}
    if isinstance(spec, list) and isinstance(x, list):
        return [_prune(v, spec[0]) for v in x]
    return x


def _store_key(source_file, source_row, ocid, release_id) -> str:
    def text(x):
        return "" if x is None or (isinstance(x, float) and x != x) else str(x)

    return "\x1f".join(text(x) for x in (source_file, source_row, ocid, release_id))


class _ReleaseStore(dict):
    """Each row's release as :func:`load_ocds` read it (cleaned, the parts :func:`release_row`
    reads), by source file, row, ``ocid`` and release id: ``{key: {"release": …, "notes":
    […]}}``. Kept in ``df.attrs`` and shared, never copied, by the frames pandas derives from it
    (pandas deep-copies ``attrs`` on every operation); plain JSON, like the rest of ``attrs``."""

    def __init__(self, df=None, raws: list | None = None):
        super().__init__()
        if df is None:
            return
        for (f, n, o, r), raw in zip(df[["source_file", "source_row", "ocid", "release_id"]]
                                     .itertuples(index=False, name=None), raws or []):
            if not isinstance(raw, dict):
                continue
            notes: list[str] = []
            self[_store_key(f, n, o, r)] = {"release": _prune(clean_release(raw, notes), _RELEASE),
                                            "notes": notes}

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def _date_order(df):
    """Row positions of ``df`` in release order: by date (undated first), then as read."""
    import numpy as np

    return df.assign(_i=np.arange(len(df))).sort_values(["date", "_i"], na_position="first")["_i"]


def compile_releases(releases: Iterable[dict]) -> list[dict]:
    """OCDS releases → one **compiled release** per contracting process (``ocid``), merged by
    `ocdsmerge <https://pypi.org/project/ocdsmerge/>`_ with the OCDS 1.1 merge rules
    (:data:`OCDS_MERGE_RULES`, no network): each release in date order (undated first, then as
    given) updates the fields it gives and leaves the rest, so a later award notice that omits
    the tender's value keeps the value from the tender notice. The compiled release's ``date``
    is the latest release's, its ``id`` ``ocid-date`` and its ``tag`` ``["compiled"]`` (as
    OCDS records have it). In order of each process's first release."""
    import pandas as pd

    rels = [r for r in releases if isinstance(r, dict)]
    df = pd.DataFrame({"date": _to_uk_local(pd.Series([r.get("date") for r in rels],
                                                      dtype="object"))[0],
                       "ocid": [str(r.get("ocid")) for r in rels]})
    groups: dict[str, list[dict]] = {}
    for i in _date_order(df):
        groups.setdefault(df["ocid"].iat[i], []).append(rels[i])
    first = list(dict.fromkeys(df["ocid"]))
    return [_merge(groups[o], [])[0] for o in first]


def _merge(rels: list[dict], notes: list[str]) -> tuple[dict, list[str]]:
    """``rels`` (in release order) merged into a compiled release by ocdsmerge; notes on what
    was done (objects matched by position, duplicate ids)."""
    import ocdsmerge
    from ocdsmerge.exceptions import DuplicateIdValueWarning

    overrides = {}
    for path in _POSITIONAL_ARRAYS:
        items = [x for r in rels for x in _list(_get(r, *path)) if isinstance(x, dict)]
        if len(rels) > 1 and any("id" not in x for x in items):
            overrides[path] = ocdsmerge.MERGE_BY_POSITION
            notes.append(f"some {'.'.join(path)} have no id: matched by their position in "
                         "each release")
    merged = ocdsmerge.CompiledRelease(merge_rules=OCDS_MERGE_RULES, rule_overrides=overrides)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DuplicateIdValueWarning)
        for r in rels:
            merged.append(r)
        out = merged.asdict()
    for w in caught:
        if issubclass(w.category, DuplicateIdValueWarning):
            text = f"{w.message}: merged into one (OCDS ids must be unique)"
            if text not in notes:
                notes.append(text)
    dates = [r.get("date") for r in rels if r.get("date")]
    if dates:  # the latest dated release's date (ocdsmerge takes the last release's, even none)
        out["date"] = dates[-1]
        out["id"] = f"{out.get('ocid')}-{dates[-1]}"
    return out, notes


def _tidy_compile(rows, note: str):
    """One process's tidy rows (in release order) compiled as well as rows allow: each
    column's latest value given, every row's notes and ``note``."""
    out = rows.iloc[-1].copy()
    for c in rows.columns:
        given = rows[c].dropna()
        if len(given):
            out[c] = given.iloc[-1]
    notes: list[str] = []
    for text in rows["notes"].dropna():
        notes += [n for n in str(text).split("; ") if n and n not in notes]
    out["notes"] = "; ".join(notes + [note])
    out["tag"] = "compiled"
    return out


def compiled_releases(df_or_path, *, mapping: dict | None = None):
    """One row per contracting process (``ocid``): its releases **compiled** into one, as an
    OCDS record's ``compiledRelease`` (ocdsmerge with :data:`OCDS_MERGE_RULES`: no network),
    in the columns of :func:`load_ocds`. Unlike :func:`latest_per_ocid` (the latest release
    alone), a value given only by an earlier release survives a later one that leaves it out:
    an award notice rarely repeats the tender's estimated value, and the compiled row still
    has it. Awards and contracts are merged by ``id``, so one restated in a later release is
    counted once (where some have no ``id``, by their position, with a note).

    ``df_or_path`` is a frame from :func:`load_ocds` (filtered or not: only its rows are
    compiled) or anything :func:`load_ocds` reads (read with ``mapping``). Releases read from
    JSON are compiled from the JSON (kept by :func:`load_ocds` in ``df.attrs["ocds_releases"]``);
    rows read from CSV exports, or a frame without that, are compiled from the rows (each
    column's latest value given) with a note saying so, as is a process whose releases
    ocdsmerge cannot merge. ``tag`` is ``compiled``; ``release_id`` is the compiled release's
    id (``ocid-date`` of the latest release; from rows, the latest release's id);
    ``source_file``/``source_row`` and the index are the latest release's. In the order of
    ``df``. ``attrs["report"]["compiled"]`` counts the processes, the releases and those
    compiled from rows."""
    import pandas as pd

    if isinstance(df_or_path, pd.DataFrame):
        df = df_or_path
    else:
        df = load_ocds(df_or_path, mapping=mapping)
    import numpy as np

    if (df.attrs.get("report") or {}).get("compiled") and not df["ocid"].duplicated().any():
        return df.copy()  # compiled already
    store = df.attrs.get(RELEASES_ATTR)
    store = store if isinstance(store, dict) else {}
    groups: dict = {}
    ocids = df["ocid"].astype("object").to_numpy()
    for i in _date_order(df).to_numpy() if len(df) else []:
        groups.setdefault(ocids[i], []).append(int(i))
    keys = [_store_key(*t) for t in df[["source_file", "source_row", "ocid", "release_id"]]
            .itertuples(index=False, name=None)]
    merged_rows, merged_sources, merged_index, tidy_rows = [], [], [], []
    merged_at, tidy_at = [], []  # the latest release's position, to keep the order of df
    for positions in groups.values():
        last = positions[-1]
        got = [store.get(keys[i]) for i in positions]
        note = ("compiled from the rows (releases read from a CSV export): each field's latest "
                "value is used")
        if all(g is not None for g in got):
            notes: list[str] = []
            for g in got:
                notes += [n for n in g["notes"] if n not in notes]
            try:
                merged, notes = _merge([g["release"] for g in got], notes)
                row = release_row(merged)
            except Exception as exc:  # noqa: BLE001 - any failure: compile the rows instead
                note = (f"its releases could not be compiled ({type(exc).__name__}: "
                        f"{str(exc)[:100]}): each field's latest value is used")
            else:
                row["notes"] = notes + [n for n in row["notes"] if n not in notes]
                row["tag"] = "compiled"
                merged_rows.append(row)
                merged_sources.append((df["source_file"].iat[last], int(df["source_row"].iat[last])))
                merged_index.append(df.index[last])
                merged_at.append(last)
                continue
        tidy_rows.append(_tidy_compile(df.iloc[positions], note).rename(df.index[last]))
        tidy_at.append(last)
    parts = []
    if merged_rows:
        part = _frame(merged_rows, merged_sources)
        part.index = pd.Index(merged_index)
        parts.append(part)
    if tidy_rows:
        parts.append(pd.DataFrame(tidy_rows).astype(df.dtypes.to_dict()))
    out = pd.concat(parts) if len(parts) > 1 else (parts[0] if parts else df.iloc[:0].copy())
    out = out.iloc[np.argsort(np.array(merged_at + tidy_at, dtype=np.int64), kind="stable")]
    report = dict(df.attrs.get("report") or {})
    report["compiled"] = {"processes": int(len(out)), "releases": int(len(df)),
                          "compiled_from_rows": len(tidy_rows)}
    out.attrs = {k: v for k, v in df.attrs.items() if k != RELEASES_ATTR}
    out.attrs["report"] = report
    return out


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


#: Words left out when a council's name is compared with a buyer's (after ``&`` → ``and``
#: and punctuation removed): ``Anytown Borough Council`` = ``ANYTOWN COUNCIL`` = ``Anytown``.
COUNCIL_NAME_NOISE = ("council", "borough", "city", "district", "metropolitan", "county", "the")
_NOISE_PHRASES = ("london borough of",)


def council_name_key(name) -> str:
    """A council or buyer name as compared by :func:`council_releases`: lower case, ``&`` →
    ``and``, punctuation removed, ``London Borough of`` and :data:`COUNCIL_NAME_NOISE` words
    left out (``'The London Borough of Camden'`` and ``'Camden Council'`` → ``'camden'``;
    ``'Brighton & Hove City Council'`` → ``'brighton and hove'``)."""
    import re

    if name is None or (isinstance(name, float) and name != name):
        return ""
    t = " " + " ".join(re.sub(r"[^a-z0-9]+", " ", str(name).lower().replace("&", " and ")).split()) + " "
    for phrase in _NOISE_PHRASES:
        t = t.replace(f" {phrase} ", " ")
    words = [w for w in t.split() if w not in COUNCIL_NAME_NOISE]
    while words and words[0] in ("of", "and"):
        words.pop(0)
    while words and words[-1] in ("of", "and"):
        words.pop()
    return " ".join(words)


def _buyers_listed(df, limit: int = 5) -> str:
    counts = df["buyer"].dropna().astype("str").str.strip()
    counts = counts[counts != ""].value_counts()
    names = sorted(counts.index, key=lambda b: (-counts[b], b))
    return ", ".join(names[:limit]) + ("…" if len(names) > limit else "") if names else "(none named)"


def council_releases(df, council_name: str | None, gss_code: str | None = None,
                     buyer: str | None = None):
    """The releases whose buyer is the council: ``(frame, message)``.

    - With ``buyer`` (a name, part of one, or an identifier): the releases whose buyer name
      contains it (case and spacing ignored, as :func:`filter_buyer`) or whose buyer
      identifiers (``buyer_id``, ``buyer_identifiers``) contain it.
    - Otherwise the council's own notices: the buyer's name equals ``council_name`` once both
      are compared by :func:`council_name_key` (case, punctuation, ``&``/``and``, words like
      *council*, *borough*, *city* ignored — so ``West Anytown Council`` is **not**
      ``Anytown Borough Council``), or a buyer identifier contains ``gss_code``.

    ``message`` says which buyer names were matched and how many releases; when none is the
    council's it says so plainly, lists the buyers in the file and how to set ``BUYER``, and
    ``frame`` is **empty** — never other buyers' contracts under the council's name. With no
    council name and no ``buyer``, every release is kept (and the message says so). The frame
    keeps ``df.attrs`` and adds ``attrs["buyer_filter"]`` (the message).
    """
    import numpy as np

    n = len(df)
    names = df["buyer"].astype("object")
    ids = (df["buyer_id"].astype("object").fillna("").astype(str) + "; "
           + (df["buyer_identifiers"].astype("object").fillna("").astype(str)
              if "buyer_identifiers" in df else "")).str.lower()

    def result(mask, message):
        out = df[np.asarray(mask, dtype=bool)]
        out.attrs = {**df.attrs, "buyer_filter": message}
        return out, message

    def matched_names(mask) -> str:
        got = names[np.asarray(mask, dtype=bool)].dropna().astype(str).str.strip()
        got = sorted(set(got[got != ""]))
        return ", ".join(repr(b) for b in got) if got else "(no buyer name)"

    if n == 0:
        return result(np.zeros(0, dtype=bool), "Tender notices: the file has no releases.")
    if buyer is not None and str(buyer).strip():
        want = " ".join(str(buyer).lower().split())
        by_name = names.fillna("").astype(str).str.lower().str.split().str.join(" ").str.contains(
            want, regex=False).to_numpy(dtype=bool)
        by_id = ids.str.contains(want, regex=False).to_numpy(dtype=bool)
        mask = by_name | by_id
        if not mask.any():
            return result(mask, f"Tender notices: none of the {n} releases have a buyer matching "
                                f"{buyer!r}; buyers in the file: {_buyers_listed(df)}; set BUYER "
                                "to one of them (or part of its name).")
        return result(mask, f"Tender notices: {int(mask.sum())} of {n} releases have a buyer "
                            f"matching {buyer!r} (buyers matched: {matched_names(mask)}).")
    key = council_name_key(council_name)
    gss = str(gss_code).strip().lower() if gss_code and str(gss_code).strip() else ""
    if not key and not gss:
        return result(np.ones(n, dtype=bool),
                      f"Tender notices: all {n} releases are used (no council name or BUYER "
                      "given to choose the council's own).")
    by_name = (names.map(council_name_key).to_numpy() == key) if key else np.zeros(n, dtype=bool)
    by_id = ids.str.contains(gss, regex=False).to_numpy(dtype=bool) if gss else np.zeros(n, dtype=bool)
    mask = by_name | by_id
    who = council_name or gss_code
    if not mask.any():
        return result(mask, f"Tender notices: none of the {n} releases name {who} as the buyer"
                            + (f" (or carry its code {gss_code})" if gss else "")
                            + f"; buyers in the file: {_buyers_listed(df)}; set BUYER to the "
                            "buyer's name (or part of it) to use its notices.")
    how = []
    if by_name.any():
        how.append(f"by name: {matched_names(by_name)}")
    if (by_id & ~by_name).any():
        how.append(f"by the code {gss_code}: {matched_names(by_id & ~by_name)}")
    return result(mask, f"Tender notices: {int(mask.sum())} of {n} releases name {who} as the "
                        f"buyer ({'; '.join(how)}).")


# ----------------------------------------------------------------------------- live fetch

def _same_site(a: str, b: str) -> bool:
    x, y = urlsplit(a), urlsplit(b)
    return (x.scheme, x.hostname, x.port) == (y.scheme, y.hostname, y.port)


#: The most pages :func:`fetch_release_packages` will ever ask for, whatever ``max_pages`` says.
MAX_PAGES = 1000
#: The most releases :func:`fetch_release_packages` keeps by default.
MAX_RELEASES = 10_000


def _release_package(doc) -> None:
    """Refuse (before it is cached) an answer that is not an OCDS release package."""
    if not isinstance(doc, dict) or not isinstance(doc.get("releases"), list):
        raise FetchError("the answer is not an OCDS release package (no list of releases)",
                         hint="the service may have changed; the sample is used.")
    nxt = _get(doc, "links", "next")
    if nxt is not None and not isinstance(nxt, str):
        raise FetchError("the answer's links.next is not an address",
                         hint="the service may have changed; the sample is used.")


def fetch_release_packages(url: str = FIND_A_TENDER_URL, *, updated_from: str | None = None,
                           updated_to: str | None = None, stages: str | None = None,
                           limit: int = MAX_LIMIT, max_pages: int = 5, timeout=(5.0, 20.0),
                           retries: int = 2, backoff: float = 0.5,
                           max_bytes: int = 20 * 1024 * 1024, cache_dir=None, session=None,
                           sleep: Callable[[float], None] = time.sleep,
                           max_releases: int = MAX_RELEASES, deadline=None) -> dict:
    """Page through an OCDS release-package API (Find a Tender's ``ocdsReleasePackages``).

    Asks for ``limit`` (1–100) releases a page, follows ``links.next`` (which carries the
    ``cursor``) up to ``max_pages`` pages (1 to :data:`MAX_PAGES`) and ``max_releases``
    releases, whichever comes first, and never follows a link to another site or back to a
    page already fetched. Each page goes through :func:`toolkit_helpers.net.fetch_json`
    (timeouts, an overall deadline, retries with backoff, size cap, cache of answers that are
    release packages only); ``deadline`` (seconds) bounds all the pages together.
    Returns ``{"packages": [...], "pages": n, "truncated": bool, "releases": n,
    "stopped_by": None | "pages" | "releases"}``; raises :class:`FetchError` when a page cannot
    be fetched or is not a release package.
    """
    from . import net

    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise ToolkitError(f"limit must be a whole number from 1 to {MAX_LIMIT}, not {limit!r}",
                           hint="Find a Tender returns at most 100 releases a page; more pages "
                                "are followed with the cursor.")
    if not isinstance(max_pages, int) or isinstance(max_pages, bool) or not 1 <= max_pages <= MAX_PAGES:
        raise ToolkitError(f"max_pages must be a whole number from 1 to {MAX_PAGES}, "
                           f"not {max_pages!r}", hint="ask for fewer pages (narrow the dates).")
    if not isinstance(max_releases, int) or isinstance(max_releases, bool) or max_releases < 1:
        raise ToolkitError(f"max_releases must be a whole number from 1 up, not {max_releases!r}")
    overall = net.Deadline(deadline) if deadline is not None else None
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
    releases = 0
    stopped_by = None
    while next_url:
        if len(packages) >= max_pages:
            stopped_by = "pages"
            break
        if releases >= max_releases:
            stopped_by = "releases"
            break
        target = net.full_url(next_url, next_params)
        if target in seen:
            break
        seen.add(target)
        doc = net.fetch_json(next_url, params=next_params, timeout=timeout, retries=retries,
                             backoff=backoff, max_bytes=max_bytes, cache_dir=cache_dir,
                             session=session, sleep=sleep, check=_release_package,
                             deadline=overall)
        packages.append(doc)
        releases += len(doc["releases"])
        link = _get(doc, "links", "next")
        if not doc["releases"] or not link:
            break
        if not _same_site(link, url):
            raise FetchError(f"the next-page link points to another site ({urlsplit(link).hostname})",
                             hint="not followed; the pages fetched so far are not used.")
        next_url, next_params = link, None
    return {"packages": packages, "pages": len(packages), "truncated": stopped_by is not None,
            "releases": releases, "stopped_by": stopped_by}


def ocds_live_or_sample(sample, *, use_live: bool, url: str = FIND_A_TENDER_URL, **fetch_kwargs):
    """Tender notices live (when ``use_live``) or from ``sample``; returns a
    :class:`toolkit_helpers.net.Fetched` whose ``value`` is the :func:`load_ocds` frame and
    whose ``notice`` says which was used (shown to the user). Any failure of the live fetch —
    including an answer that cannot be read — falls back to ``sample``."""
    from . import net

    def live():
        got = fetch_release_packages(url, **fetch_kwargs)
        df = load_ocds(got["packages"]) if got["packages"] else load_ocds({"releases": []})
        df.attrs["live"] = {"pages": got["pages"], "truncated": got["truncated"],
                            "releases": got["releases"], "stopped_by": got["stopped_by"]}
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
        info = result.value.attrs["live"]
        if info.get("stopped_by") == "releases":
            result.notice = (f"Live tender notices: the first {info['releases']:,} releases "
                             f"({info['pages']} pages) only (raise max_releases for more).")
        else:
            result.notice = (f"Live tender notices: the first {info['pages']} "
                             "pages only (raise max_pages for more).")
    else:
        result.notice = "Live tender notices from Find a Tender."
    return result


__all__ = ["COLUMNS", "load_ocds", "release_row", "releases_of", "unflatten", "latest_per_ocid",
           "compiled_releases", "compile_releases", "OCDS_MERGE_RULES",
           "filter_buyer", "council_releases", "council_name_key", "COUNCIL_NAME_NOISE",
           "MAPPING_FIELDS", "NOTICE_HEADERS",
           "fetch_release_packages", "ocds_live_or_sample", "FIND_A_TENDER_URL",
           "CONTRACTS_FINDER_URL", "SME_SCALES"]
