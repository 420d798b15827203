"""The kinds of file a council gives the toolkit, and the loader that reads each.

A *kind* is also a config ``data`` key (``spend``, ``claimants``, …). For every kind that a
council downloads (rather than writes itself) this module knows its loader, what it feeds, and
how to summarise what was loaded (rows, date range, total), so ``toolkit init`` and
``toolkit check-config --load`` check a file the same way a notebook reads it.

>>> from toolkit_helpers import kinds
>>> df = kinds.load("spend", ["a.csv"])                 # doctest: +SKIP
>>> kinds.summarise("spend", df)                        # doctest: +SKIP
{'rows': 120, 'first': '2024-04-02', 'last': '2024-06-28', 'total': 53211.5, 'detail': ''}
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass


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

#: Kinds whose loader reads one file at a time (a list is loaded file by file).
SINGLE_FILE = {"stops", "service_locations", "inventory", "tile_map"}


def loader(key: str):
    """The loader function for a kind."""
    module, func = KINDS[key].loader.split(":")
    return getattr(importlib.import_module(f"toolkit_helpers.{module}"), func)


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
        out = pd.concat(frames, ignore_index=True)
        out.attrs["report"] = {"files": [f.attrs.get("report", {}) for f in frames]}
        return out
    return fn(items if len(items) > 1 else items[0], **kw)


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
    return out
