"""Analyses of transport open data (the access pattern), on the tables :mod:`transport` loads.

Demand:

- :func:`busiest` — the busiest stations in a year;
- :func:`years_of` — the years with station counts (check before comparing years);
- :func:`change_between_years` — each station's annualised count in two years and the change
  (e.g. recovery since 2020), like for like: only stations counted by the same method (coverage
  and source) in both years; those whose method changed are listed apart
  (:func:`method_changes_table`) and changes over +500% are marked "check: very large change";
  with only one year of counts it raises a clear
  :class:`~toolkit_helpers.errors.DataFileError` (add a second year's file);
- :func:`overall_change` — the network total in two years over those same stations;
- :func:`day_type_profile` — entries and exits per typical day type (weekday vs weekend) from
  the station counts, whatever day types the year's file has;
- :func:`weekday_weekend` — the same question on daily journeys (average day of each kind);
- :func:`rolling_trend` — daily journeys with 7- and 28-day rolling averages;

Access to public services:

- :func:`haversine_m` — great-circle distance in metres;
- :func:`access_table` — for each service site, the nearest station and the nearest step-free
  station, with distances;
- :func:`access_summary` — the share of sites within 400 m and 800 m, by service type;
- :func:`poorly_served` — the sites furthest from a step-free station;
- :func:`access_text` — the findings in plain words, for the strategic case.

Value evidence (TfL's published figures, the worked appraisal): :mod:`toolkit_helpers.evidence`.
"""
from __future__ import annotations

import math

from .errors import DataFileError

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
WALK_THRESHOLDS_M = (400, 800)  # about 5 and 10 minutes' walk
#: Walking speed used to turn a distance into minutes: 80 metres a minute (4.8 km/h, an
#: unhurried adult's pace; slower walkers take longer, which the text says as "about").
WALK_METRES_PER_MINUTE = 80
#: The walking distances the access findings accept (metres): more than 0, at most 5 km.
MAX_WALK_M = 5000


def check_walk_metres(threshold_m) -> float:
    """A walking distance in metres, checked: a number more than 0 and at most
    :data:`MAX_WALK_M`. Raises :class:`~toolkit_helpers.errors.ToolkitError` otherwise."""
    from .errors import ToolkitError

    try:
        v = float(threshold_m)
    except (TypeError, ValueError):
        raise ToolkitError(f"the walking distance {threshold_m!r} is not a number",
                           hint=f"give a distance in metres from 1 to {MAX_WALK_M:,}.") from None
    if not (0 < v <= MAX_WALK_M):
        raise ToolkitError(f"a walking distance of {v:,.0f} m cannot be used",
                           hint=f"give a distance in metres from 1 to {MAX_WALK_M:,}.")
    return v


def walk_minutes_text(threshold_m) -> str:
    """``800`` → ``"about ten minutes"``: the walk at :data:`WALK_METRES_PER_MINUTE`, rounded
    to the nearest minute (to five above twenty minutes), in words up to twelve."""
    minutes = check_walk_metres(threshold_m) / WALK_METRES_PER_MINUTE
    n = max(1, round(minutes)) if minutes <= 20 else 5 * round(minutes / 5)
    words = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
             "eleven", "twelve"]
    said = words[n] if n < len(words) else str(n)
    return f"about {'a minute' if n == 1 else said + ' minutes'}"


# ----------------------------------------------------------------------------- demand

def _counted(counts):
    return counts[counts["annualised_entries_exits"].notna()]


def years_of(counts) -> list[int]:
    """The years (ascending) in which at least one station has an annualised count. A notebook
    compares years only when there are two or more."""
    df = _counted(counts)
    return sorted({int(y) for y in df["year"].dropna()})


def _files(counts) -> str | None:
    if "source_file" in counts.columns and len(counts):
        return ", ".join(sorted(set(counts["source_file"].astype(str))))
    return None


def _check_year(counts, year: int, years: list[int] | None = None) -> None:
    years = years_of(counts) if years is None else years
    if not years:
        raise DataFileError("no station has an annualised count in the files loaded",
                            file=_files(counts),
                            hint="check the station counts files: every row is a placeholder "
                                 "or has no counts.")
    if int(year) not in years:
        raise DataFileError(f"no station counts for {year}: the files loaded cover "
                            f"{', '.join(map(str, years))}", file=_files(counts),
                            hint="choose one of those years, or add that year's station counts file.")


def _check_two_years(counts, base_year: int, year: int) -> None:
    years = years_of(counts)
    if len(years) == 1:
        raise DataFileError(f"only one year of station counts ({years[0]}): add a second year's "
                            "file to compare years", file=_files(counts),
                            hint="put another year's annualised counts file (e.g. "
                                 "AC2019_AnnualisedEntryExit.csv) beside this one; the one-year "
                                 "analyses (busiest stations, day-type profile) still work.")
    if int(base_year) == int(year):
        _check_year(counts, year, years)
        raise DataFileError(f"the base year and the year are both {year}: choose two different "
                            f"years (the files loaded cover {', '.join(map(str, years))})",
                            file=_files(counts))
    for y in (base_year, year):
        _check_year(counts, y, years)


def busiest(counts, n: int = 10, year: int | None = None, mode: str | None = None):
    """The ``n`` busiest station rows (by annualised entries and exits) in ``year`` (default:
    the latest year in ``counts``), optionally for one ``mode``: ``rank, station, mode,
    annualised_entries_exits, share_pct`` (share of that year's total for the modes shown)."""
    years = years_of(counts)
    year = (years[-1] if years else 0) if year is None else int(year)
    _check_year(counts, year, years)
    df = _counted(counts)
    df = df[df["year"] == year]
    if mode is not None:
        df = df[df["mode"] == mode]
    total = df["annualised_entries_exits"].sum()
    top = df.sort_values(["annualised_entries_exits", "station"], ascending=[False, True]).head(n)
    out = top[["station", "mode", "annualised_entries_exits"]].reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    out["share_pct"] = (out["annualised_entries_exits"] / total * 100).round(1) if total else math.nan
    return out


def totals_by_year(counts):
    """Annualised entries and exits by year and mode (stations with counts only)."""
    df = _counted(counts)
    out = df.pivot_table(index="year", columns="mode", values="annualised_entries_exits",
                         aggfunc="sum", fill_value=0)
    out["all modes"] = out.sum(axis=1)
    out.columns.name = None
    return out


#: The columns that say how a station was counted (TfL: ``Coverage`` — e.g. "Station entry /
#: exit" or "LO boarding / alighting" — and ``Source`` — e.g. "Gateline", "APC", "Scaled",
#: "Manual Count"). A station is compared between two years only when these agree.
METHOD_COLUMNS = ("coverage", "source")
#: A like-for-like change above this (per cent) is marked "check: very large change".
VERY_LARGE_CHANGE_PCT = 500.0
VERY_LARGE_NOTE = "check: very large change"


def _method_text(v) -> str:
    """A coverage/source cell as shown ("" when blank or missing)."""
    import pandas as pd

    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    return " ".join(str(v).split())


def _methods(df, cols):
    """Station (and mode) → tuple of the method cells as shown, first row kept."""
    import pandas as pd

    if not cols:
        return pd.Series(dtype=object)
    keyed = df.set_index(["station", "mode"])
    m = pd.Series([tuple(_method_text(r[c]) for c in cols) for _, r in keyed[list(cols)].iterrows()],
                  index=keyed.index, dtype=object)
    return m[~m.index.duplicated(keep="first")]


def _same_method(a: tuple, b: tuple) -> bool | None:
    """True / False when both years record the method (each column compared where both have
    it, ignoring case and spacing); None when neither column is recorded in both years."""
    known = [(x.casefold(), y.casefold()) for x, y in zip(a, b) if x and y]
    if not known:
        return None
    return all(x == y for x, y in known)


def change_between_years(counts, base_year: int, year: int, *,
                         method_columns: tuple[str, ...] = METHOD_COLUMNS,
                         very_large_pct: float = VERY_LARGE_CHANGE_PCT):
    """Each station (and mode) counted **the same way** in both years: ``station, mode,
    <base_year>, <year>, change, change_pct, note`` (sorted by the change in per cent, biggest
    recovery first).

    Like for like means the same station, mode and counting method: TfL's files say how each
    station was counted (``coverage``: station entry / exit or boarding / alighting; ``source``:
    gateline, APC, scaled, manual count …; see :data:`METHOD_COLUMNS`), and a station whose
    method changed between the two years is **left out** (a station counted by boarding and
    alighting one year and at the gateline the next can show +22,000% with no change in use).
    ``attrs``:

    - ``"method_changed"``: those stations, as records ``station, mode, base_method,
      latest_method, base, latest, change_pct`` (the methods as "coverage, source");
    - ``"method_unknown"``: stations compared although one year does not record the method
      (``"Station (MODE)"``; also in their ``note``); when no year records it (a file without
      the columns) nothing is checked and ``attrs["method_checked"]`` is False;
    - ``"very_large_change"``: compared stations whose change is over ``very_large_pct`` per
      cent (default 500; their ``note`` is "check: very large change": a station that opened or
      reopened during the base year, a typing error …);
    - ``"only_in_one_year"``: stations counted in only one of the years (left out).

    ``note`` is empty when there is nothing to check.

    Raises :class:`DataFileError` when the counts cover only one year ("only one year of station
    counts (2023): add a second year's file to compare years"), when ``base_year == year``, or
    when either year has no counts; check :func:`years_of` first."""
    import pandas as pd

    _check_two_years(counts, base_year, year)
    df = _counted(counts)
    da, db = df[df["year"] == base_year], df[df["year"] == year]
    a = da.set_index(["station", "mode"])["annualised_entries_exits"]
    b = db.set_index(["station", "mode"])["annualised_entries_exits"]
    # the same station twice in a year (e.g. stacked by hand) is counted once
    a = a[~a.index.duplicated(keep="first")]
    b = b[~b.index.duplicated(keep="first")]
    both = pd.concat([a.rename(str(base_year)), b.rename(str(year))], axis=1, join="inner")
    both["change"] = both[str(year)] - both[str(base_year)]
    both["change_pct"] = (both["change"] / both[str(base_year)] * 100).round(1)

    cols = [c for c in method_columns if c in df.columns]
    ma, mb = _methods(da, cols), _methods(db, cols)
    notes = {k: [] for k in both.index}
    changed, unknown, checked = [], [], False
    for key in (both.index if cols else []):
        same = _same_method(ma[key], mb[key])
        if same is None:
            if any(ma[key]) or any(mb[key]):
                unknown.append(key)
                notes[key].append(f"counting method not recorded in "
                                  f"{base_year if not any(ma[key]) else year}")
            continue
        checked = True
        if same and any(not (x and y) for x, y in zip(ma[key], mb[key])):
            unknown.append(key)
            notes[key].append("counting method only partly recorded in one year")
        if not same:
            changed.append(key)
    checked = checked or bool(unknown)
    method_changed = [{"station": s, "mode": m,
                       "base_method": ", ".join(x for x in ma[(s, m)] if x),
                       "latest_method": ", ".join(x for x in mb[(s, m)] if x),
                       "base": float(both.at[(s, m), str(base_year)]),
                       "latest": float(both.at[(s, m), str(year)]),
                       "change_pct": float(both.at[(s, m), "change_pct"])}
                      for s, m in sorted(changed)]
    both = both.drop(index=changed)
    large = both.index[both["change_pct"] > very_large_pct]
    for key in large:
        notes[key].append(VERY_LARGE_NOTE)
    both["note"] = ["; ".join(notes[k]) for k in both.index]
    out = both.reset_index().sort_values(["change_pct", "station"], ascending=[False, True])
    out = out.reset_index(drop=True)
    only = sorted(set(a.index) ^ set(b.index))
    out.attrs["only_in_one_year"] = [f"{s} ({m})" for s, m in only]
    out.attrs["method_changed"] = method_changed
    out.attrs["method_unknown"] = [f"{s} ({m})" for s, m in sorted(unknown)]
    out.attrs["method_checked"] = checked
    out.attrs["very_large_change"] = [f"{s} ({m})" for s, m in
                                      out.loc[out["note"].str.contains(VERY_LARGE_NOTE, regex=False),
                                              ["station", "mode"]].itertuples(index=False)]
    out.attrs["very_large_pct"] = very_large_pct
    return out


def method_changes_table(change):
    """The stations :func:`change_between_years` left out because their counting method
    changed, as a table (``station, mode, base_method, latest_method, base, latest,
    change_pct``), biggest change first."""
    import pandas as pd

    cols = ["station", "mode", "base_method", "latest_method", "base", "latest", "change_pct"]
    out = pd.DataFrame(change.attrs.get("method_changed", []), columns=cols)
    return out.sort_values(["change_pct", "station"], ascending=[False, True]).reset_index(drop=True)


def overall_change(counts, base_year: int, year: int, **kwargs) -> dict:
    """The network total in two years over the stations counted in both years **by the same
    method** (like for like, as :func:`change_between_years`, which takes the same keyword
    arguments): ``base_year, year, stations, base, latest, change_pct``, plus
    ``method_changed`` (how many stations were left out because their counting method changed)
    and ``very_large_change`` (how many of those compared changed by more than the
    "check" threshold; they are in the total). Raises :class:`DataFileError` as
    :func:`change_between_years` does."""
    ch = change_between_years(counts, base_year, year, **kwargs)
    base, latest = float(ch[str(base_year)].sum()), float(ch[str(year)].sum())
    return {"base_year": base_year, "year": year, "stations": int(len(ch)), "base": base,
            "latest": latest, "change_pct": round((latest - base) / base * 100, 1) if base else math.nan,
            "method_changed": len(ch.attrs["method_changed"]),
            "very_large_change": len(ch.attrs["very_large_change"])}


_WEEKEND = ("saturday", "sunday")


def day_type_profile(counts, year: int | None = None):
    """Entries plus exits on a typical day of each day type the year's file has, summed over
    stations: ``day_type, entries, exits, entries_exits, kind`` (weekday or weekend), in the
    file's order. The 2020 layout gives Weekday (Mon-Thu), Friday, Saturday, Sunday; 2023
    gives Monday, Midweek, Friday, Saturday, Sunday. Works with one year of counts; a year
    that is not in the counts raises :class:`DataFileError`."""
    import pandas as pd

    years = years_of(counts)
    year = (years[-1] if years else 0) if year is None else int(year)
    _check_year(counts, year, years)
    df = _counted(counts)
    df = df[df["year"] == year]
    days = []
    for c in df.columns:
        if c.endswith("_entries_exits") or c.startswith("annualised") or not df[c].notna().any():
            continue
        for suffix in ("_entries", "_exits"):
            if c.endswith(suffix) and c[: -len(suffix)] not in days:
                days.append(c[: -len(suffix)])
    order = {"weekday": 0, "monday": 0, "midweek": 1, "tuesday": 1, "wednesday": 2,
             "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
    days.sort(key=lambda d: order.get(d.split("_")[0], 7))
    rows = []
    for d in days:
        ent = df[f"{d}_entries"].sum(min_count=1) if f"{d}_entries" in df else math.nan
        ex = df[f"{d}_exits"].sum(min_count=1) if f"{d}_exits" in df else math.nan
        label = d.replace("_mon_thu", " (Mon-Thu)").replace("_tue_thu", " (Tue-Thu)")
        rows.append({"day_type": label[:1].upper() + label[1:].replace("_", " "),
                     "entries": ent, "exits": ex, "entries_exits": ent + ex,
                     "kind": "weekend" if d.startswith(_WEEKEND) else "weekday"})
    if not rows:
        raise DataFileError(f"the {year} station counts have no day-type columns (only the "
                            "annualised total)", file=_files(counts),
                            hint="the day-type profile needs the typical-day entries and exits "
                                 "(Weekday, Saturday, Sunday …) of TfL's annualised files.")
    return pd.DataFrame(rows)


def weekday_weekend(journeys, modes: list[str] | None = None):
    """Average daily journeys by day of week (Monday first) for each mode, plus rows for the
    average weekday (Mon–Fri) and weekend day, and ``weekend_vs_weekday_pct``: the weekend
    average as a % of the weekday average."""
    import pandas as pd

    modes = modes or [c for c in journeys.columns if c.endswith("_journeys")]
    order = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    by_day = journeys.groupby("day_of_week")[modes].mean().reindex(order)
    weekday = journeys[journeys["date"].dt.day_of_week < 5][modes].mean()
    weekend = journeys[journeys["date"].dt.day_of_week >= 5][modes].mean()
    out = pd.concat([by_day, pd.DataFrame([weekday, weekend],
                                          index=["Average weekday", "Average weekend day"])])
    out.index.name = "day"
    ratio = (weekend / weekday * 100).round(1)
    out.attrs["weekend_vs_weekday_pct"] = {m: float(ratio[m]) for m in modes}
    return out.round(0)


def rolling_trend(journeys, windows: tuple[int, ...] = (7, 28), modes: list[str] | None = None):
    """Daily journeys with centred-free trailing rolling means: for each mode ``m`` and window
    ``w``, a column ``m_<w>d`` (the mean of that day and the ``w - 1`` before it; empty until
    ``w`` days are in). Days missing from the file are not filled in."""
    modes = modes or [c for c in journeys.columns if c.endswith("_journeys")]
    df = journeys[["date", *modes]].set_index("date").sort_index()
    out = df.copy()
    for m in modes:
        for w in windows:
            out[f"{m}_{w}d"] = df[m].rolling(w, min_periods=w).mean()
    return out


def monthly_totals(journeys, modes: list[str] | None = None):
    """Journeys per calendar month for each mode (with the number of days in the file)."""
    modes = modes or [c for c in journeys.columns if c.endswith("_journeys")]
    g = journeys.groupby(journeys["date"].dt.to_period("M"))
    out = g[modes].sum()
    out["days"] = g.size()
    out.index = out.index.strftime("%b %Y")
    out.index.name = "month"
    return out


# ----------------------------------------------------------------------------- access

def haversine_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres between points in decimal degrees (numbers or numpy
    arrays, broadcast)."""
    import numpy as np

    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _nearest(sites, stops):
    import numpy as np

    if stops.empty:
        n = len(sites)
        return [None] * n, np.full(n, np.nan)
    d = haversine_m(sites["latitude"].to_numpy()[:, None], sites["longitude"].to_numpy()[:, None],
                    stops["latitude"].to_numpy()[None, :], stops["longitude"].to_numpy()[None, :])
    j = d.argmin(axis=1)
    return list(stops["name"].to_numpy()[j]), d[np.arange(len(sites)), j]


def access_table(sites, stops):
    """For each service site (``name, service_type, latitude, longitude``): the nearest station
    and its distance, and the nearest **step-free** station and its distance (metres, rounded),
    and whether each is within 400 m / 800 m. Stations whose step-free access is not known are
    not counted as step-free."""
    import pandas as pd

    for col in ("name", "latitude", "longitude"):
        if col not in sites.columns:
            raise ValueError(f"the service sites need a {col!r} column")
    if stops.empty:
        raise ValueError("there are no stations to measure distances to")
    near, dist = _nearest(sites, stops)
    step = stops[stops["step_free"].map(lambda v: v is True)]
    near_sf, dist_sf = _nearest(sites, step)
    out = pd.DataFrame({
        "site": sites["name"].to_numpy(),
        "service_type": sites["service_type"].to_numpy() if "service_type" in sites else "",
        "nearest_station": near,
        "distance_m": pd.Series(dist).round(0).to_numpy(),
        "nearest_step_free_station": near_sf,
        "step_free_distance_m": pd.Series(dist_sf).round(0).to_numpy(),
    })
    for t in WALK_THRESHOLDS_M:
        out[f"station_within_{t}m"] = out["distance_m"] <= t
    for t in WALK_THRESHOLDS_M:
        out[f"step_free_within_{t}m"] = out["step_free_distance_m"] <= t
    return out


def access_summary(access):
    """Share of sites (%) with a station, and with a step-free station, within 400 m and 800 m:
    one row per service type and one for all sites, with the number of sites and the median
    distance to a step-free station."""
    import pandas as pd

    flags = [c for c in access.columns if "_within_" in c]

    def one(name, df):
        row = {"service_type": name, "sites": int(len(df))}
        for f in flags:
            row[f.replace("_within_", " within ").replace("_", " ").replace("step free", "step-free")
                + " (%)"] = round(float(df[f].mean() * 100), 1) if len(df) else math.nan
        row["median distance to step-free (m)"] = float(df["step_free_distance_m"].median())
        return row

    rows = [one(t, g) for t, g in access.groupby("service_type", sort=True)]
    rows.append(one("all sites", access))
    return pd.DataFrame(rows)


def poorly_served(access, threshold_m: float = 800):
    """Sites with no step-free station within ``threshold_m`` metres, furthest first
    (``threshold_m`` checked by :func:`check_walk_metres`)."""
    threshold_m = check_walk_metres(threshold_m)
    out = access[~(access["step_free_distance_m"] <= threshold_m)]
    out = out.sort_values(["step_free_distance_m", "site"], ascending=[False, True])
    return out[["site", "service_type", "nearest_station", "distance_m",
                "nearest_step_free_station", "step_free_distance_m"]].reset_index(drop=True)


def access_text(access, place: str = "the council", threshold_m: float = 800) -> str:
    """The access findings in plain words (markdown), for the strategic case. The walk time
    beside a distance is at :data:`WALK_METRES_PER_MINUTE` (see :func:`walk_minutes_text`)."""
    threshold_m = check_walk_metres(threshold_m)
    n = len(access)
    within = int((access["distance_m"] <= threshold_m).sum())
    sf = int((access["step_free_distance_m"] <= threshold_m).sum())
    within400 = int((access["distance_m"] <= 400).sum())
    poor = poorly_served(access, threshold_m)
    lines = [
        f"Of {n} public service sites in {place}, **{within400}** ({within400 / n:.0%}) are within "
        f"400 m of a station (about a five-minute walk) and **{within}** ({within / n:.0%}) within "
        f"{threshold_m:,.0f} m ({walk_minutes_text(threshold_m)}).",
        f"Only **{sf}** ({sf / n:.0%}) are within {threshold_m:,.0f} m of a **step-free** station: "
        f"for wheelchair users and people with prams or heavy bags, {n - sf} sites are harder "
        "to reach by public transport.",
    ]
    if access["step_free_distance_m"].isna().all():
        lines[1] = ("None of the stations is known to be step-free, so access for wheelchair "
                    "users cannot be judged: add step-free information to the stations file "
                    "(GTFS `wheelchair_boarding`, or a `step_free` column).")
    elif len(poor):
        worst = poor.iloc[0]
        lines.append(f"The least well served is **{worst['site']}**: the nearest step-free "
                     f"station ({worst['nearest_step_free_station']}) is "
                     f"{worst['step_free_distance_m'] / 1000:.1f} km away.")
    return "\n\n".join(lines)
