"""Publishing a council's service locations so others can build on them (OpenReferral UK).

TfL's open data let Citymapper and 600 other apps put journeys in people's pockets. A council
can do the same for its services: publish *where* and *when* its libraries, GP surgeries and
offices are open, in a standard shape app builders already read. OpenReferral UK (the UK
profile of the Human Services Data Specification) describes services as linked tables:

``organizations`` ← ``services`` ← ``service_at_location`` → ``locations`` (← ``physical_addresses``),
and ``schedules`` (opening hours) for each service at a location.

- :func:`load_service_locations` — the council's own list of sites (CSV/xlsx): name, service
  type, organisation, address, postcode, latitude, longitude, opening hours.
- :func:`parse_opening_hours` — ``"Mon-Fri 09:00-17:00; Sat 10:00-13:00"`` → weekly periods.
- :func:`to_openreferral` — the sites as the linked tables (stable ids: the same input gives
  the same ids every time, so links others make keep working).
- :func:`write_datapackage` — the tables as CSVs plus a Frictionless ``datapackage.json``
  (Table Schema with types, constraints, primary and foreign keys), written atomically.
- :func:`validate_datapackage` — validate the package with the ``frictionless`` library:
  a report of every problem with its table, row and field.
"""
from __future__ import annotations

import json
import os
import re
import uuid
from pathlib import Path

from .errors import DataFileError
from .io import (
    atomic_write_text,
    find_header_row,
    is_blank_row,
    normalise_header,
    read_rows,
    write_csv,
)

# A fixed namespace so ids are stable across runs (uuid5 of the kind and the natural key).
NAMESPACE = uuid.UUID("6f1d3a52-6b4c-5d0e-9a57-4f2a8c0e1b31")

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
_DAY_NAMES = {
    "mo": 0, "mon": 0, "monday": 0, "tu": 1, "tue": 1, "tues": 1, "tuesday": 1,
    "we": 2, "wed": 2, "wednesday": 2, "th": 3, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fr": 4, "fri": 4, "friday": 4, "sa": 5, "sat": 5, "saturday": 5,
    "su": 6, "sun": 6, "sunday": 6,
}
SERVICE_TYPES = {
    "library": ("Public library", "Borrow books and e-books, use computers and free Wi-Fi, "
                                  "join reading groups and children's activities."),
    "gp_surgery": ("GP surgery", "Appointments with a GP or practice nurse; repeat "
                                 "prescriptions; registering as a patient."),
    "council_office": ("Council customer service centre",
                       "Help in person with council tax, housing, benefits, parking and "
                       "reporting problems."),
    "community_hub": ("Community hub", "Advice sessions, meeting rooms and local groups."),
}
SITE_COLUMNS = ["site_id", "name", "service_type", "organisation", "address", "town", "postcode",
                "latitude", "longitude", "opening_hours", "phone", "email", "url", "source_row"]
_HEADERS = {
    "site_id": ("site id", "id", "site ref", "reference"),
    "name": ("name", "site name", "site", "location name", "location"),
    "service_type": ("service type", "type", "service", "category"),
    "organisation": ("organisation", "organization", "provider", "run by"),
    "address": ("address", "address 1", "address line 1", "street"),
    "town": ("town", "city", "locality"),
    "postcode": ("postcode", "post code", "postal code"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "long", "lng"),
    "opening_hours": ("opening hours", "opening times", "hours", "open"),
    "phone": ("phone", "telephone", "tel", "phone number"),
    "email": ("email", "e mail", "email address"),
    "url": ("url", "website", "web page", "web"),
}


def _sid(kind: str, *key) -> str:
    return str(uuid.uuid5(NAMESPACE, kind + ":" + "|".join(str(k).strip().lower() for k in key)))


# ----------------------------------------------------------------------------- opening hours

_TIME = r"(\d{1,2})(?::|\.)?(\d{2})?\s*(am|pm)?"
_RANGE = re.compile(rf"^{_TIME}\s*(?:-|–|to)\s*{_TIME}$", re.I)


def _time(h, m, ampm, text, **where) -> str:
    hour, minute = int(h), int(m or 0)
    if ampm:
        if not 1 <= hour <= 12:
            raise DataFileError(f"{text!r}: {hour}{ampm} is not a time", **where)
        hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
    if not (0 <= hour <= 24 and 0 <= minute < 60) or (hour == 24 and minute):
        raise DataFileError(f"{text!r}: {h}:{m or '00'} is not a time of day", **where,
                            hint="times as 24-hour HH:MM, e.g. 09:00-17:30.")
    return f"{hour:02d}:{minute:02d}"


def _days(spec: str, text: str, **where) -> list[int]:
    spec = spec.strip().lower().replace(" to ", "-").replace("–", "-")
    if spec in ("daily", "every day", "mon-sun", "mo-su"):
        return list(range(7))
    if spec in ("weekdays", "mon-fri", "mo-fr"):
        return list(range(5))
    if spec == "weekends":
        return [5, 6]
    out: list[int] = []
    for part in re.split(r"\s*[,&]\s*|\s+and\s+", spec):
        if not part:
            continue
        ends = [p.strip().rstrip(".") for p in part.split("-")]
        if len(ends) > 2 or any(e not in _DAY_NAMES for e in ends):
            raise DataFileError(f"{text!r}: {part!r} is not a day or a range of days", **where,
                                hint="write days like Mon, Mon-Fri or Mon, Wed, Fri.")
        a, b = _DAY_NAMES[ends[0]], _DAY_NAMES[ends[-1]]
        if b < a:
            raise DataFileError(f"{text!r}: the day range {part!r} runs backwards", **where,
                                hint="write ranges from the earlier day, e.g. Mon-Fri.")
        out.extend(d for d in range(a, b + 1) if d not in out)
    return out


def parse_opening_hours(text: str, *, file=None, row=None, column=None) -> list[dict]:
    """Opening hours as people write them → weekly periods ``{"byday": "MO,TU,WE,TH,FR",
    "opens_at": "09:00", "closes_at": "17:00"}`` (days as iCalendar ``BYDAY`` codes, as
    OpenReferral schedules use).

    Accepts ``;``-separated groups of ``<days> <time range>[, <time range>…]``: days as ``Mon``,
    ``Monday``, ``Mo``, ranges ``Mon-Fri``, lists ``Mon, Wed``, ``Daily``/``Weekdays``; times as
    ``09:00-17:30``, ``9-5pm``, ``9am-1pm``; ``Closed`` groups are skipped. Empty text → no
    periods. Anything else raises :class:`DataFileError` naming the file, row and column.
    """
    where = {"file": file, "row": row, "column": column}
    periods: list[dict] = []
    text = str(text or "").strip()
    if not text:
        return periods
    for group in re.split(r"\s*;\s*|\n", text):
        group = group.strip()
        if not group:
            continue
        m = re.match(r"^(.*?)(?::)?\s+((?:\d|closed).*)$", group, re.I)
        if not m:
            raise DataFileError(f"{text!r}: cannot read {group!r}", **where,
                                hint="write opening hours like 'Mon-Fri 09:00-17:00; "
                                     "Sat 10:00-13:00'.")
        days = _days(m.group(1), text, **where)
        times = m.group(2).strip()
        if times.lower() == "closed":
            continue
        for rng in re.split(r"\s*(?:,|&|and)\s*", times):
            tm = _RANGE.match(rng.strip())
            if not tm:
                raise DataFileError(f"{text!r}: {rng!r} is not a time range", **where,
                                    hint="write times like 09:00-17:00.")
            g = tm.groups()
            close_ampm = g[5]
            open_ampm = g[2] or (close_ampm if close_ampm and int(g[0]) <= int(g[3]) else None)
            opens = _time(g[0], g[1], open_ampm, text, **where)
            closes = _time(g[3], g[4], close_ampm, text, **where)
            if closes <= opens:
                raise DataFileError(f"{text!r}: {rng!r} closes before it opens", **where,
                                    hint="times are 24-hour: 13:00 for 1pm.")
            periods.append({"byday": ",".join(DAYS[d] for d in days), "opens_at": opens,
                            "closes_at": closes})
    return periods


def weekly_hours(periods: list[dict]) -> float:
    """Total opening hours in a week for a list of periods."""
    total = 0.0
    for p in periods:
        h1, m1 = map(int, p["opens_at"].split(":"))
        h2, m2 = map(int, p["closes_at"].split(":"))
        total += ((h2 * 60 + m2) - (h1 * 60 + m1)) / 60 * len(p["byday"].split(","))
    return total


# ----------------------------------------------------------------------------- the sites

def load_service_locations(path: str | os.PathLike):
    """The council's service sites (CSV or .xlsx) → ``site_id, name, service_type,
    organisation, address, town, postcode, latitude, longitude, opening_hours, phone, email,
    url, source_row``. ``name``, ``latitude`` and ``longitude`` are required; the opening hours
    are checked with :func:`parse_opening_hours` so a typo is reported with its row now rather
    than when publishing."""
    import pandas as pd

    path = Path(path)
    blocks = read_rows(path)
    rows = blocks[0][1]

    def score(row):
        keys = {normalise_header(c) for c in row}
        return sum(bool(keys & set(_HEADERS[k])) for k in ("name", "latitude", "longitude")) \
            + 0.5 * sum(bool(keys & set(v)) for k, v in _HEADERS.items())

    hi = find_header_row(rows, score, min_score=3, search_rows=20)
    if hi is None:
        raise DataFileError("no header row with name, latitude and longitude", file=path,
                            hint="the service sites file needs columns name, service_type, "
                                 "latitude, longitude and opening_hours.")
    header = rows[hi]
    keys = [normalise_header(c) for c in header]
    cols: dict[str, int] = {}
    for canon, options in _HEADERS.items():
        for o in options:
            if o in keys and keys.index(o) not in cols.values():
                cols[canon] = keys.index(o)
                break
    records = []
    for i in range(hi + 1, len(rows)):
        row = rows[i]
        if is_blank_row(row):
            continue
        get = lambda c: row[cols[c]].strip() if c in cols and cols[c] < len(row) else ""  # noqa: B023 (called in this iteration)
        rec = {c: get(c) for c in SITE_COLUMNS if c not in ("latitude", "longitude", "source_row")}
        if not rec["name"]:
            raise DataFileError("a site with no name", file=path, row=i + 1,
                                column=header[cols["name"]], hint="give every site a name.")
        for c, lo, hi_ in (("latitude", -90, 90), ("longitude", -180, 180)):
            try:
                v = float(get(c))
            except ValueError:
                raise DataFileError(f"{get(c)!r} is not a {c}", file=path, row=i + 1,
                                    column=header[cols[c]],
                                    hint=f"{c} in decimal degrees, e.g. 52.9512.") from None
            if not lo <= v <= hi_:
                raise DataFileError(f"{v} is out of range for a {c}", file=path, row=i + 1,
                                    column=header[cols[c]],
                                    hint="check latitude and longitude are not swapped.")
            rec[c] = v
        rec["service_type"] = normalise_header(rec["service_type"]).replace(" ", "_") or "other"
        parse_opening_hours(rec["opening_hours"], file=path, row=i + 1,
                            column=header[cols["opening_hours"]] if "opening_hours" in cols else None)
        rec["site_id"] = rec["site_id"] or f"row{i + 1}"
        rec["source_row"] = i + 1
        records.append(rec)
    if not records:
        raise DataFileError("no sites below the header", file=path, row=hi + 1)
    df = pd.DataFrame.from_records(records, columns=SITE_COLUMNS)
    dup = df[df["site_id"].duplicated(keep=False)]
    if len(dup):
        raise DataFileError(f"the site id {dup['site_id'].iloc[0]!r} is used twice (rows "
                            f"{', '.join(map(str, dup['source_row']))})", file=path,
                            column=header[cols["site_id"]] if "site_id" in cols else None,
                            hint="give each site its own id.")
    df.attrs["report"] = {"file": path.name, "header_row": hi + 1, "sites": int(len(df))}
    return df


# ----------------------------------------------------------------------------- OpenReferral tables

TABLES = ["organizations", "services", "locations", "physical_addresses", "service_at_location",
          "schedules"]


def to_openreferral(sites, default_organisation: str, *, url: str = "", email: str = "") -> dict:
    """The sites as OpenReferral UK linked tables (a dict of DataFrames, keys :data:`TABLES`).

    One organisation per ``organisation`` value (blank → ``default_organisation``); one service
    per organisation and service type (status ``active``); one location per site, with its
    address; a ``service_at_location`` row linking each; one ``schedules`` row per weekly
    opening period (``freq`` WEEKLY, ``byday``, ``opens_at``, ``closes_at``)."""
    import pandas as pd

    orgs, services, locations, addresses, sal, schedules = {}, {}, [], [], [], []
    for _, s in sites.iterrows():
        org_name = s.get("organisation") or default_organisation
        org_id = _sid("organization", org_name)
        if org_id not in orgs:
            is_council = org_name == default_organisation
            orgs[org_id] = {"id": org_id, "name": org_name,
                            "description": (f"{org_name}: services for residents." if is_council
                                            else f"{org_name}, a service provider in the area."),
                            "email": email if is_council else "", "url": url if is_council else ""}
        stype = s.get("service_type") or "other"
        label, desc = SERVICE_TYPES.get(stype, (stype.replace("_", " ").capitalize(), ""))
        svc_id = _sid("service", org_name, stype)
        if svc_id not in services:
            services[svc_id] = {"id": svc_id, "organization_id": org_id,
                                "name": label if org_name != default_organisation
                                else f"{label} ({org_name})",
                                "description": desc, "url": s.get("url") or "",
                                "email": s.get("email") or "", "status": "active"}
        loc_id = _sid("location", s["site_id"], s["name"])
        locations.append({"id": loc_id, "name": s["name"],
                          "description": f"{label}: {s['name']}",
                          "latitude": round(float(s["latitude"]), 6),
                          "longitude": round(float(s["longitude"]), 6)})
        addresses.append({"id": _sid("address", loc_id), "location_id": loc_id,
                          "address_1": s.get("address") or "", "city": s.get("town") or "",
                          "postal_code": s.get("postcode") or "", "country": "GB"})
        sal_id = _sid("service_at_location", svc_id, loc_id)
        sal.append({"id": sal_id, "service_id": svc_id, "location_id": loc_id})
        for k, p in enumerate(parse_opening_hours(s.get("opening_hours", ""),
                                                  row=s.get("source_row"), column="opening_hours")):
            schedules.append({"id": _sid("schedule", sal_id, k), "service_at_location_id": sal_id,
                              "freq": "WEEKLY", "byday": p["byday"], "opens_at": p["opens_at"],
                              "closes_at": p["closes_at"],
                              "description": f"Open {p['byday']} {p['opens_at']}–{p['closes_at']}"})
    cols = {t: list(SCHEMAS[t]["fields_order"]) for t in TABLES}
    return {
        "organizations": pd.DataFrame(list(orgs.values()), columns=cols["organizations"]),
        "services": pd.DataFrame(list(services.values()), columns=cols["services"]),
        "locations": pd.DataFrame(locations, columns=cols["locations"]),
        "physical_addresses": pd.DataFrame(addresses, columns=cols["physical_addresses"]),
        "service_at_location": pd.DataFrame(sal, columns=cols["service_at_location"]),
        "schedules": pd.DataFrame(schedules, columns=cols["schedules"]),
    }


def _f(name, type_="string", required=False, description="", **constraints):
    field = {"name": name, "type": type_}
    if description:
        field["description"] = description
    cons = dict(constraints)
    if required:
        cons["required"] = True
    if cons:
        field["constraints"] = cons
    return field


_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_HHMM = r"^([01][0-9]|2[0-4]):[0-5][0-9]$"
_BYDAY = r"^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$"


def _schema(fields, fk=()):
    return {"fields": fields, "primaryKey": ["id"],
            "foreignKeys": [{"fields": [f], "reference": {"resource": r, "fields": ["id"]}}
                            for f, r in fk],
            "fields_order": [x["name"] for x in fields]}


SCHEMAS = {
    "organizations": _schema([
        _f("id", required=True, unique=True, pattern=_UUID, description="Organisation id (UUID)"),
        _f("name", required=True), _f("description"), _f("email"), _f("url")]),
    "services": _schema([
        _f("id", required=True, unique=True, pattern=_UUID),
        _f("organization_id", required=True, pattern=_UUID),
        _f("name", required=True), _f("description"), _f("url"), _f("email"),
        _f("status", required=True, enum=["active", "inactive", "defunct", "temporarily closed"])],
        fk=[("organization_id", "organizations")]),
    "locations": _schema([
        _f("id", required=True, unique=True, pattern=_UUID), _f("name", required=True),
        _f("description"),
        _f("latitude", "number", required=True, minimum=-90, maximum=90),
        _f("longitude", "number", required=True, minimum=-180, maximum=180)]),
    "physical_addresses": _schema([
        _f("id", required=True, unique=True, pattern=_UUID),
        _f("location_id", required=True, pattern=_UUID),
        _f("address_1"), _f("city"), _f("postal_code"), _f("country", required=True)],
        fk=[("location_id", "locations")]),
    "service_at_location": _schema([
        _f("id", required=True, unique=True, pattern=_UUID),
        _f("service_id", required=True, pattern=_UUID),
        _f("location_id", required=True, pattern=_UUID)],
        fk=[("service_id", "services"), ("location_id", "locations")]),
    "schedules": _schema([
        _f("id", required=True, unique=True, pattern=_UUID),
        _f("service_at_location_id", required=True, pattern=_UUID),
        _f("freq", required=True, enum=["WEEKLY", "MONTHLY"]),
        _f("byday", required=True, pattern=_BYDAY, description="iCalendar BYDAY codes"),
        _f("opens_at", required=True, pattern=_HHMM, description="24-hour HH:MM"),
        _f("closes_at", required=True, pattern=_HHMM, description="24-hour HH:MM"),
        _f("description")],
        fk=[("service_at_location_id", "service_at_location")]),
}


def descriptor(name: str, title: str, *, licence: str = "OGL-UK-3.0") -> dict:
    """The Frictionless data package descriptor for the OpenReferral tables."""
    resources = []
    for t in TABLES:
        schema = {k: v for k, v in SCHEMAS[t].items() if k != "fields_order"}
        if not schema["foreignKeys"]:
            del schema["foreignKeys"]
        resources.append({"name": t, "path": f"{t}.csv", "profile": "tabular-data-resource",
                          "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                          "schema": schema})
    lic = {"OGL-UK-3.0": {"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0",
                          "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}}
    return {"profile": "tabular-data-package", "name": re.sub(r"[^a-z0-9._-]+", "-", name.lower()),
            "title": title,
            "description": "Service locations and opening hours in the OpenReferral UK shape "
                           "(organizations, services, locations, service_at_location, schedules).",
            "licenses": [lic.get(licence, {"name": licence})],
            "resources": resources}


def write_datapackage(tables: dict, folder: str | os.PathLike, *, name: str, title: str) -> Path:
    """Write each table as ``<table>.csv`` and the ``datapackage.json`` descriptor into
    ``folder`` (each file atomically; spreadsheet formulas in text neutralised). Returns the
    descriptor's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for t in TABLES:
        write_csv(tables[t], folder / f"{t}.csv")
    path = folder / "datapackage.json"
    atomic_write_text(path, json.dumps(descriptor(name, title), indent=2) + "\n")
    return path


def validate_datapackage(path: str | os.PathLike):
    """Validate a data package with ``frictionless`` (types, constraints, primary and foreign
    keys). Returns ``(valid, problems)`` where ``problems`` is a DataFrame of ``table, row,
    field, problem`` (empty when valid)."""
    import warnings

    import pandas as pd
    from frictionless import Package

    path = Path(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        package = Package(str(path.name), basepath=str(path.parent))
        report = package.validate()
    rows = []
    for task in report.tasks:
        for err in task.errors:
            rows.append({"table": task.name, "row": getattr(err, "row_number", None),
                         "field": getattr(err, "field_name", None), "problem": err.message})
    for err in report.errors:
        rows.append({"table": None, "row": None, "field": None, "problem": err.message})
    problems = pd.DataFrame(rows, columns=["table", "row", "field", "problem"])
    return bool(report.valid), problems


def summary(tables: dict):
    """How many rows each table has (for the notebook)."""
    import pandas as pd

    return pd.DataFrame([{"table": t, "rows": int(len(tables[t])), "file": f"{t}.csv"}
                         for t in TABLES])
