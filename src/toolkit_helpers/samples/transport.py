"""Synthetic transport data for the fictional region: a small metro, rail and tram network
("Northvale Metro", modes ``MET``, ``RAIL``, ``TRAM``), in TfL's published layouts, and the
sample council's own service sites.

- ``transport/station_counts/AC2020_AnnualisedEntryExit.csv`` and
  ``…/AC2023_AnnualisedEntryExit.csv`` — annual station counts in the **2020 layout** (day types
  Weekday (Mon-Thu), Friday, Saturday, Sunday) and the **2023 layout** (Monday, Midweek,
  Friday, Saturday, Sunday, then Weekly, 12-week and Annualised; ``MNLC``/``MASC`` headers):
  BOM, title/copyright/version rows, two header rows, thousands separators, ``---see MET---``
  rows for interchange stations counted under another mode, a ``---Station Closed---`` row in
  2023 and a station opened after 2020. 2020 is the pandemic year; 2023 shows the recovery.
- ``transport/network_demand_daily_journeys.csv`` — daily Metro and bus journeys, 2019–2023,
  as TfL's network demand file (dates ``yyyymmdd``, BOM; header spelled ``DayOfWeek``,
  ``MetroJourneyCount``…), with the weekly pattern, Christmas Day closures, the 2020 fall and
  the recovery.
- ``transport/stops.txt`` — the network's stations as GTFS ``stops.txt`` (stations, their
  platforms that inherit step-free access, entrances the loader leaves out).
- ``transport/service_locations.csv`` — the council's libraries, GP surgeries, council offices
  and community hubs: address, postcode, latitude/longitude, opening hours as people write them.

All names, places, positions and numbers are invented. Phone numbers use Ofcom's range for
drama (01632 960xxx); web addresses use example.org.
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from .common import AUTHORITIES, SampleCouncil, rng_for, write_csv

DATA_FILES = {
    "station_counts": "transport/station_counts",
    "daily_journeys": "transport/network_demand_daily_journeys.csv",
    "stops": "transport/stops.txt",
    "service_locations": "transport/service_locations.csv",
}
COUNTS_2020 = "transport/station_counts/AC2020_AnnualisedEntryExit.csv"
COUNTS_2023 = "transport/station_counts/AC2023_AnnualisedEntryExit.csv"

# Stations in the sample council's town: (name, mode, km east, km north of the centre, step-free).
# "{town}" becomes the council's short name.
TOWN_STATIONS = [
    ("{town} Central", "MET", 0.0, 0.1, True),
    ("Market Square", "MET", 0.6, -0.4, False),
    ("Castle Gate", "MET", -0.8, 0.5, True),
    ("Northgate", "MET", 0.2, 1.6, False),
    ("Hospital", "MET", 1.5, 1.0, True),
    ("Southfield", "MET", -0.3, -1.7, False),
    ("Westbrook", "MET", -2.2, -0.2, False),
    ("Eastholme", "MET", 2.4, -0.6, True),
    ("Canal Basin", "TRAM", 1.0, -1.2, False),
    ("Riverside", "TRAM", 1.8, -2.0, True),
    ("Old Town", "TRAM", -1.2, -1.0, False),
    ("{town} Parkway", "RAIL", -0.5, 2.6, True),
    ("{town} Central", "RAIL", 0.05, 0.15, True),  # interchange: counted under MET
    ("University Parkway", "RAIL", 3.0, 1.8, True),  # opened after 2020
]
NEW_STATION = "University Parkway"
CLOSED_STATION = "Canal Basin"

SITES = [
    # (name, type, organisation or "" for the council, km east, km north, opening hours)
    ("{town} Central Library", "library", "", 0.2, 0.3,
     "Mon-Fri 09:00-19:00; Sat 09:00-17:00; Sun 11:00-15:00"),
    ("Northgate Library", "library", "", 0.4, 1.9, "Mon, Tue, Thu, Fri 09:30-17:00; Sat 10:00-13:00"),
    ("Southfield Library", "library", "", -0.9, -2.3, "Tue 10:00-13:00, 14:00-17:00; Thu 14:00-19:00; Sat 10:00-12:00"),
    ("Westbrook Community Library", "library", "", -3.1, 0.6, "Mon 10:00-16:00; Wed 10:00-16:00; Fri 10:00-16:00"),
    ("Little Hadley Library", "library", "", 4.6, 3.9, "Tue 14:00-17:00; Sat 9.30-12.30"),
    ("Eastholme Library", "library", "", 2.7, -1.0, "Mon-Fri 09:00-17:00; Sat 09:00-13:00"),
    ("Elm Tree Surgery", "gp_surgery", "Elm Tree Medical Practice", 0.7, -0.2, "Mon-Fri 08:00-18:30"),
    ("Castle Gate Health Centre", "gp_surgery", "Castle Gate Partnership", -0.6, 0.7, "Mon-Fri 08:00-18:30; Sat 09:00-12:00"),
    ("Hospital Road Surgery", "gp_surgery", "Hospital Road Practice", 1.7, 1.3, "Mon-Fri 8am-6.30pm"),
    ("Northgate Medical Centre", "gp_surgery", "Northgate Medical Group", -0.2, 2.2, "Mon-Thu 08:00-18:30; Fri 08:00-17:00"),
    ("Southfield Surgery", "gp_surgery", "Southfield Family Practice", 0.6, -2.6, "Mon-Fri 08:30-18:00"),
    ("Riverside Practice", "gp_surgery", "Riverside Practice", 2.1, -2.4, "Mon, Tue, Thu, Fri 08:00-18:30; Wed 08:00-13:00"),
    ("Westbrook Surgery", "gp_surgery", "Westbrook and Hadley Practice", -2.9, -0.9, "Mon-Fri 08:00-18:00"),
    ("Hadley Green Surgery", "gp_surgery", "Westbrook and Hadley Practice", 4.9, 4.4, "Mon, Wed, Fri 09:00-12:30"),
    ("Millfield Surgery", "gp_surgery", "Millfield Medical Practice", -3.8, 3.6, "Mon-Fri 08:00-18:30"),
    ("Old Town Surgery", "gp_surgery", "Old Town Practice", -1.4, -1.3, "Mon-Fri 08:00-18:30"),
    ("{town} Civic Centre", "council_office", "", 0.1, -0.1, "Mon-Fri 09:00-17:00"),
    ("Northgate Customer Service Point", "council_office", "", 0.3, 1.4, "Tue, Thu 09:30-15:30"),
    ("Eastholme One Stop Shop", "council_office", "", 2.6, -0.3, "Mon-Fri 09:00-16:30"),
    ("Canal Basin Community Hub", "community_hub", "", 1.3, -1.6, "Mon-Sat 09:00-21:00"),
    ("Woodside Community Hub", "community_hub", "", -1.9, 3.1, "Mon-Fri 10:00-20:00; Sat 10:00-14:00"),
    ("Lower Fenton Village Hall", "community_hub", "", 5.2, -3.4, "Wed 10:00-14:00; Sat 10:00-12:00"),
]
EMAIL_BOX = {"library": "libraries", "council_office": "customer.services",
             "community_hub": "community.hubs"}
STREETS = ["High Street", "Station Road", "Church Lane", "Mill Road", "Park Avenue", "Victoria Road",
           "Queen Street", "Bridge Street", "Chapel Row", "Orchard Way", "Green Lane", "King Street"]

# Per-station traffic weights for the town (1.0 = an average suburban station).
_WEIGHTS = {"{town} Central": 6.0, "Market Square": 2.2, "Castle Gate": 1.8, "Hospital": 1.6,
            "{town} Parkway": 2.5, "University Parkway": 1.4}


def _pos(council: SampleCouncil, east_km: float, north_km: float) -> tuple[float, float]:
    lat0, lon0 = council.centre
    lat = lat0 + north_km / 111.195
    lon = lon0 + east_km / (111.195 * math.cos(math.radians(lat0)))
    return round(lat, 6), round(lon, 6)


def _stations(council: SampleCouncil):
    """Every station: (name, mode, lat, lon, step_free, weight, nlc, asc)."""
    rng = rng_for(council, "transport-stations")
    town = council.short_name
    out = []
    nlc = 5000
    for name, mode, e, n, sf in TOWN_STATIONS:
        nm = name.format(town=town)
        lat, lon = _pos(council, e, n)
        w = _WEIGHTS.get(name, rng.uniform(0.6, 1.3))
        nlc += 1
        out.append((nm, mode, lat, lon, sf, w, nlc, (nm[:3].upper() + mode[0].lower())))
    for a in AUTHORITIES:
        if a.name == town or abs(a.lat - council.centre[0]) + abs(a.lon - council.centre[1]) < 0.05:
            continue
        for suffix, mode, dlat, dlon in ((" Central", "MET" if a.kind == "unitary" else "RAIL", 0, 0),
                                         (" North", "MET" if a.kind == "unitary" else "TRAM", 0.012, 0.004)):
            if suffix == " North" and a.kind != "unitary" and rng.random() < 0.5:
                continue
            nm = a.name + suffix
            nlc += 1
            out.append((nm, mode, round(a.lat + dlat, 6), round(a.lon + dlon, 6),
                        rng.random() < 0.6, (3.0 if a.kind == "unitary" else 1.5) * rng.uniform(0.7, 1.3),
                        nlc, nm[:3].upper() + mode[0].lower()))
    return out


def _fmt(n: float) -> str:
    return f"{int(round(n)):,}"


def _typical_days(rng, weight: float, level: float) -> dict[str, float]:
    """Typical-day entries (exits are close to entries) for one station."""
    base = 4200 * weight * level * rng.uniform(0.9, 1.1)
    return {"mon": base * 0.95, "midweek": base, "fri": base * rng.uniform(0.97, 1.05),
            "sat": base * rng.uniform(0.5, 0.7), "sun": base * rng.uniform(0.35, 0.5)}


def _title_rows(year: int, modes: str, copyright_year: int, revised: str, width: int):
    pad = lambda row: row + [""] * (width - len(row))
    return [
        pad(["", f"COUNTS ({modes})--{year} // Station annualised entries and exits"]),
        pad(["", f"(C) Copyright Northvale Transport (synthetic) {copyright_year}"]),
        pad([""]),
        pad(["", "Counts by Station"]),
    ]


def _counts_2020(council, stations):
    rng = rng_for(council, "transport-counts-2020")
    days = ["Weekday (Mon-Thu)", "Friday", "Saturday", "Sunday"]
    width = 6 + 8 + 1
    rows = _title_rows(2020, "MET/RAIL/TRAM", 2021, "revised 210416", width)
    rows.append(["", "revised 210416", "", "", "", "", "Typical"] + [""] * 7 + ["(LD2 factor)"])
    rows.append([""] * 6 + days + days + ["Annualised"])
    rows.append(["Mode", "NLC", "ASC", "Station", "Coverage", "Source"] + ["Entries"] * 4
                + ["Exits"] * 4 + ["En/Ex"])
    seen = set()
    for name, mode, _lat, _lon, _sf, w, nlc, asc in stations:
        if name == NEW_STATION:
            continue
        cov, src = ("Station entry / exit", "Gateline") if mode != "TRAM" else \
            ("Tram boarding / alighting", "APC")
        if name in seen:  # interchange: counted under the first mode
            rows.append([mode, str(nlc), asc, name, cov, src, "---see MET---"] + [""] * 8)
            continue
        seen.add(name)
        t = _typical_days(rng, w, 0.42)  # the pandemic year
        wk = (t["mon"] + 3 * t["midweek"]) / 4
        ent = [wk, t["fri"], t["sat"], t["sun"]]
        ex = [v * rng.uniform(0.96, 1.04) for v in ent]
        week = sum(4 * e if k == 0 else e for k, e in enumerate(ent)) + \
            sum(4 * e if k == 0 else e for k, e in enumerate(ex))
        annual = week * 52 * 0.97
        rows.append([mode, str(nlc), asc, name, cov, src] + [_fmt(v) for v in ent + ex] + [_fmt(annual)])
    return rows


def _counts_2023(council, stations):
    rng = rng_for(council, "transport-counts-2023")
    days = ["Monday", "Midweek (Tue-Thu)", "Friday", "Saturday", "Sunday"]
    width = 6 + 10 + 3
    rows = _title_rows(2023, "MET/RAIL/TRAM", 2024, "revised 240802", width)
    rows.append(["", "revised 240802", "", "", "", "", "Typical"] + [""] * 11 + ["(LD2 factor)"])
    rows.append([""] * 6 + days + days + ["Weekly", "12-week", "Annualised"])
    rows.append(["Mode", "MNLC", "MASC", "Station", "Coverage", "Source"] + ["Entries"] * 5
                + ["Exits"] * 5 + ["En/Ex"] * 3)
    seen = set()
    for name, mode, _lat, _lon, _sf, w, nlc, asc in stations:
        cov, src = ("Station entry / exit", "Gateline") if mode != "TRAM" else \
            ("Tram boarding / alighting", "APC")
        if name in seen:
            rows.append([mode, str(nlc), asc, name, cov, src] + ["---see MET---"] * 13)
            continue
        seen.add(name)
        if name == CLOSED_STATION:
            rows.append([mode, str(nlc), asc, name, cov, src] + ["---Station Closed---"] * 13)
            continue
        t = _typical_days(rng, w, rng.uniform(0.78, 0.95))
        ent = [t["mon"], t["midweek"], t["fri"], t["sat"], t["sun"]]
        ex = [v * rng.uniform(0.96, 1.04) for v in ent]
        week = sum(3 * e if k == 1 else e for k, e in enumerate(ent)) + \
            sum(3 * e if k == 1 else e for k, e in enumerate(ex))
        rows.append([mode, str(nlc), asc, name, cov, src] + [_fmt(v) for v in ent + ex]
                    + [_fmt(week), _fmt(week * 12 * 0.99), _fmt(week * 52 * 0.97)])
    rows.append([""] * width)
    rows.append(["Notes: counts are synthetic; see data/README.md"] + [""] * (width - 1))
    return rows


def _daily(council):
    rng = rng_for(council, "transport-daily")
    rows = [["TravelDate", "DayOfWeek", "MetroJourneyCount", "BusJourneyCount"]]
    day = dt.date(2019, 1, 1)
    lockdown, reopen = dt.date(2020, 3, 23), dt.date(2020, 7, 4)
    weekday_factor = [0.96, 1.0, 1.02, 1.02, 1.0, 0.68, 0.5]
    while day <= dt.date(2023, 12, 31):
        if day < dt.date(2020, 3, 16):
            level = 1.0
        elif day < lockdown:
            level = 0.6
        elif day < reopen:
            level = 0.12
        elif day < dt.date(2020, 11, 5):
            level = 0.35 + 0.1 * ((day - reopen).days / 124)
        elif day < dt.date(2021, 4, 12):
            level = 0.3
        else:
            level = min(0.88, 0.45 + 0.43 * (day - dt.date(2021, 4, 12)).days / 500)
        f = weekday_factor[day.weekday()]
        if day.month == 12 and day.day == 25:
            metro, bus = 0.0, 1000.0 * rng.uniform(0.5, 1.5)
        else:
            if (day.month, day.day) in ((12, 26), (1, 1)):
                f *= 0.45
            metro = 182_000 * level * f * rng.uniform(0.95, 1.05)
            bus = 236_000 * (0.4 + 0.6 * level) * (0.75 + 0.25 * f) * rng.uniform(0.95, 1.05)
        rows.append([day.strftime("%Y%m%d"), day.strftime("%A"), str(int(round(metro, -2))),
                     str(int(round(bus, -2)))])
        day += dt.timedelta(days=1)
    return rows


def _stops(stations):
    rows = [["stop_id", "stop_code", "stop_name", "stop_lat", "stop_lon", "location_type",
             "parent_station", "wheelchair_boarding"]]
    ids = {}
    for name, mode, lat, lon, sf, _w, nlc, _asc in stations:
        if name in ids:
            continue  # one station for an interchange
        sid = f"NV{nlc:05d}"
        ids[name] = sid
        rows.append([sid, str(nlc), name, f"{lat:.6f}", f"{lon:.6f}", "1", "", "1" if sf else "2"])
    for name, mode, lat, lon, sf, _w, nlc, _asc in stations:
        parent = ids[name]
        for k, dlat in enumerate((0.00012, -0.00012), start=1):
            rows.append([f"{parent}P{mode[0]}{k}", "", f"{name} (platform {k})",
                         f"{lat + dlat:.6f}", f"{lon:.6f}", "0", parent, "0"])
        rows.append([f"{parent}E{mode[0]}", "", f"{name} (entrance)", f"{lat:.6f}",
                     f"{lon + 0.0002:.6f}", "2", parent, ""])
    return rows


def _sites(council):
    rng = rng_for(council, "transport-sites")
    town = council.short_name
    letters = council.short_name[:1].upper() + "X"
    rows = [["site_id", "name", "service_type", "organisation", "address", "town", "postcode",
             "latitude", "longitude", "opening_hours", "phone", "email", "url"]]
    for k, (name, stype, org, e, n, hours) in enumerate(SITES, start=1):
        nm = name.format(town=town)
        lat, lon = _pos(council, e + rng.uniform(-0.05, 0.05), n + rng.uniform(-0.05, 0.05))
        slug = "".join(c if c.isalnum() else "-" for c in nm.lower()).strip("-")
        council_run = not org
        rows.append([
            f"{council.slug.upper()[:3]}-{k:03d}", nm, stype,
            org or council.name,
            f"{rng.randint(1, 120)} {rng.choice(STREETS)}", town,
            f"{letters}{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXY')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXY')}",
            f"{lat:.6f}", f"{lon:.6f}", hours,
            f"01632 960{rng.randint(0, 999):03d}",
            f"{EMAIL_BOX.get(stype, 'enquiries')}@{council.slug}.example.org" if council_run else "",
            f"https://www.{council.slug}.example.org/{slug}" if council_run else "",
        ])
    return rows


def generate(root: Path, council: SampleCouncil) -> list[Path]:
    stations = _stations(council)
    return [
        write_csv(root / COUNTS_2020, _counts_2020(council, stations), bom=True),
        write_csv(root / COUNTS_2023, _counts_2023(council, stations), bom=True, line_ending="\r\n"),
        write_csv(root / DATA_FILES["daily_journeys"], _daily(council), bom=True),
        write_csv(root / DATA_FILES["stops"], _stops(stations)),
        write_csv(root / DATA_FILES["service_locations"], _sites(council)),
    ]
