"""Accessible charts for the transport case study.

Every function returns ``(fig, alt)``: the alt text is written from the numbers shown. Colour
never carries meaning alone: bars are labelled with their values, lines have markers and line
styles, and map symbols differ in shape as well as colour.
"""
from __future__ import annotations

from .charts import LINESTYLES, MIN_FONT_PT, PALETTE, new_figure


def _m(v: float) -> str:
    """``25071500`` → ``'25.1m'``; smaller numbers with thousands separators."""
    if abs(v) >= 1e6:
        return f"{v / 1e6:,.1f}m"
    return f"{v:,.0f}"


def busiest_figure(top, year: int | None = None, title: str = ""):
    """Horizontal bars of annualised entries and exits, busiest at the top, each labelled."""
    labels = [f"{s} ({m})" for s, m in zip(top["station"], top["mode"])]
    values = top["annualised_entries_exits"].to_numpy()
    fig, ax = new_figure(figsize=(8, 0.45 * len(top) + 1.4))
    ax.barh(labels[::-1], values[::-1], color=PALETTE[0])
    for y, v in enumerate(values[::-1]):
        ax.annotate(_m(v), (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=9)
    ax.set_xlabel("Entries and exits in the year (annualised)")
    ax.xaxis.set_major_formatter(_millions())
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.12)
    ax.set_title(title or f"The {len(top)} busiest stations" + (f", {year}" if year else ""))
    alt = (f"Bar chart of the {len(top)} busiest stations by annualised entries and exits"
           + (f" in {year}" if year else "") + f": {labels[0]} is busiest with {_m(values[0])}, "
           f"then {labels[1] if len(labels) > 1 else ''} with {_m(values[1]) if len(values) > 1 else ''}; "
           f"the last shown, {labels[-1]}, has {_m(values[-1])}.")
    return fig, alt


def _millions():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _p: f"{v / 1e6:,.0f}m" if abs(v) >= 1e6 else f"{v:,.0f}")


def change_figure(change, base_year: int, year: int, n: int = 12):
    """For the ``n`` stations busiest in ``year``: the base year and the later year side by side
    (the later year hatched, so the pair reads without colour), with the change in per cent
    (``(check)`` beside a change marked "check: very large change"). The alt text says how many
    stations were left out because their counting method changed."""
    import numpy as np

    top = change.sort_values(str(year), ascending=False).head(n).iloc[::-1]
    labels = [f"{s} ({m})" for s, m in zip(top["station"], top["mode"])]
    y = np.arange(len(top))
    fig, ax = new_figure(figsize=(8.5, 0.5 * len(top) + 1.5))
    ax.barh(y - 0.2, top[str(base_year)], height=0.4, color=PALETTE[1], label=str(base_year))
    ax.barh(y + 0.2, top[str(year)], height=0.4, color=PALETTE[0], hatch="//", edgecolor="white",
            label=str(year))
    notes = top["note"] if "note" in top.columns else [""] * len(top)
    for yy, v, pct, note in zip(y, top[str(year)], top["change_pct"], notes):
        flag = " (check)" if "very large" in str(note) else ""
        ax.annotate(f"{pct:+.0f}%{flag}", (v, yy + 0.2), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=MIN_FONT_PT)
    ax.set_yticks(y, labels)
    ax.xaxis.set_major_formatter(_millions())
    ax.set_xlabel("Entries and exits in the year (annualised)")
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.1)
    ax.legend(loc="lower right")
    ax.set_title(f"Busiest stations: {base_year} and {year}")
    med = float(change["change_pct"].median())
    best = change.sort_values("change_pct", ascending=False).iloc[0]
    alt = (f"Paired bar chart of the {len(top)} stations busiest in {year}, comparing annualised "
           f"entries and exits in {base_year} and {year}. Across all {len(change)} stations counted "
           f"in both years the median change is {med:+.0f}%; the biggest rise is at "
           f"{best['station']} ({best['change_pct']:+.0f}%).")
    moved = change.attrs.get("method_changed") or []
    if moved:
        alt += (f" {len(moved)} station{'s' if len(moved) != 1 else ''} whose counting method "
                "changed between the years " + ("are" if len(moved) != 1 else "is")
                + " left out.")
    large = change.attrs.get("very_large_change") or []
    if large:
        alt += (f" Marked 'check', a change over +{change.attrs.get('very_large_pct', 500):.0f}%: "
                + ", ".join(large) + ".")
    return fig, alt


def day_profile_figure(profiles: dict):
    """Entries plus exits on a typical day of each day type, one panel per year (the day types
    differ between years' files)."""
    years = sorted(profiles)
    fig, axes = new_figure(1, len(years), figsize=(4.5 * len(years), 4), sharey=True, squeeze=False)
    parts = []
    for ax, yr in zip(axes[0], years):
        p = profiles[yr]
        colours = [PALETTE[1] if k == "weekend" else PALETTE[0] for k in p["kind"]]
        hatches = ["//" if k == "weekend" else "" for k in p["kind"]]
        bars = ax.bar(p["day_type"], p["entries_exits"], color=colours, edgecolor="white")
        for b, h in zip(bars, hatches):
            b.set_hatch(h)
        for x, v in enumerate(p["entries_exits"]):
            ax.annotate(_m(v), (x, v), xytext=(0, 2), textcoords="offset points", ha="center", fontsize=MIN_FONT_PT)
        ax.set_title(str(yr))
        ax.tick_params(axis="x", rotation=30)
        ax.yaxis.set_major_formatter(_millions())
        ax.grid(axis="x", visible=False)
        wk = p.loc[p["kind"] == "weekday", "entries_exits"].mean()
        we = p.loc[p["kind"] == "weekend", "entries_exits"].mean()
        parts.append(f"in {yr} an average weekend day type had {we / wk:.0%} of the weekday "
                     f"traffic ({_m(we)} against {_m(wk)})")
    axes[0][0].set_ylabel("Entries + exits, typical day")
    fig.suptitle("A typical day by day type (weekend bars hatched)")
    alt = ("Bar charts of entries plus exits on a typical day of each day type, summed over "
           "stations, one panel per year: " + "; ".join(parts) + ".")
    return fig, alt


def trend_figure(rolling, mode: str = None, label: str = "journeys"):
    """Daily journeys (thin grey) with the rolling averages (thicker, dashed for the longer)."""
    cols = [c for c in rolling.columns if c.endswith("_journeys")]
    mode = mode or cols[0]
    windows = [c for c in rolling.columns if c.startswith(mode + "_") and c.endswith("d")]
    fig, ax = new_figure(figsize=(9, 4.2))
    ax.plot(rolling.index, rolling[mode], color="#999999", linewidth=0.6, marker="", label="each day")
    for i, c in enumerate(windows):
        ax.plot(rolling.index, rolling[c], color=PALETTE[i], linestyle=LINESTYLES[i], marker="",
                linewidth=2, label=c.rsplit("_", 1)[1].replace("d", "-day average"))
    ax.yaxis.set_major_formatter(_thousands())
    ax.set_ylabel(f"{mode.replace('_', ' ').capitalize()} per day")
    ax.legend(loc="lower left")
    name = mode.replace("_journeys", "").capitalize()
    ax.set_title(f"{name} journeys per day, with rolling averages")
    longest = windows[-1] if windows else mode
    s = rolling[longest].dropna()
    by_year = s.groupby(s.index.year).mean()
    low = s.idxmin()
    alt = (f"Line chart of {name} journeys per day from {rolling.index.min():%B %Y} to "
           f"{rolling.index.max():%B %Y}, with {', '.join(w.rsplit('_', 1)[1] for w in windows)} "
           f"rolling averages. The {longest.rsplit('_', 1)[1]} average is lowest in "
           f"{low:%B %Y} ({s.min():,.0f} a day); yearly averages: "
           + ", ".join(f"{y} {v:,.0f}" for y, v in by_year.items()) + ".")
    return fig, alt


def _thousands():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _p: f"{v / 1e6:,.1f}m" if abs(v) >= 1e6 else f"{v / 1e3:,.0f}k"
                         if abs(v) >= 1e3 else f"{v:,.0f}")


def access_figure(access, threshold_m: float = 800):
    """Each site's distance to the nearest step-free station, furthest at the top, with the
    400 m and ``threshold_m`` walking lines; sites beyond the threshold hatched."""
    col, what = "step_free_distance_m", "step-free station"
    if access[col].isna().all():  # step-free access not known anywhere: any station instead
        col, what = "distance_m", "station (step-free access not known)"
    a = access.sort_values(col, ascending=True)
    far = a[col] > threshold_m
    fig, ax = new_figure(figsize=(8.5, 0.32 * len(a) + 1.6))
    bars = ax.barh(a["site"], a[col],
                   color=[PALETTE[5] if f else PALETTE[2] for f in far], edgecolor="white")
    for b, f in zip(bars, far):
        if f:
            b.set_hatch("//")
    for y, v in enumerate(a[col]):
        ax.annotate(f"{v:,.0f} m", (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=MIN_FONT_PT)
    for t, ls in ((400, ":"), (threshold_m, "--")):
        ax.axvline(t, color="black", linestyle=ls, linewidth=1)
        ax.annotate(f"{t:,.0f} m", (t, len(a) - 0.5), xytext=(2, 0), textcoords="offset points", fontsize=MIN_FONT_PT)
    ax.set_xlabel(f"Distance to the nearest {what} (metres, straight line)")
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", labelsize=MIN_FONT_PT)
    ax.margins(x=0.12)
    ax.set_title(f"How far is each service from a {what.split(' (')[0]}?")
    n_far = int(far.sum())
    worst = a.iloc[-1]
    alt = (f"Bar chart of the distance from each of {len(a)} service sites to the nearest "
           f"{what}, with lines at 400 m and {threshold_m:,.0f} m. {n_far} sites are "
           f"further than {threshold_m:,.0f} m (hatched bars); the furthest is {worst['site']} at "
           f"{worst[col]:,.0f} m; the nearest is {a.iloc[0]['site']} at "
           f"{a.iloc[0][col]:,.0f} m.")
    return fig, alt


def access_map(sites, stops, access=None, threshold_m: float = 800):
    """A simple map without GIS: stations (triangles step-free, squares not, x not known) and
    service sites (circles, hollow when no step-free station is within ``threshold_m``),
    positioned by longitude and latitude with the aspect corrected for latitude."""
    import math

    fig, ax = new_figure(figsize=(8, 7))
    lat0 = float(sites["latitude"].mean())
    pad = 0.01
    box = (sites["longitude"].min() - pad, sites["longitude"].max() + pad,
           sites["latitude"].min() - pad, sites["latitude"].max() + pad)
    st = stops[(stops["longitude"].between(box[0], box[1])) & (stops["latitude"].between(box[2], box[3]))]
    kinds = [(st["step_free"].map(lambda v: v is True), "^", PALETTE[0], "step-free station"),
             (st["step_free"].map(lambda v: v is False), "s", PALETTE[1], "station, not step-free"),
             (st["step_free"].isna(), "x", "#555555", "station, step-free not known")]
    for mask, marker, colour, label in kinds:
        sub = st[mask.astype(bool)]
        if len(sub):
            ax.scatter(sub["longitude"], sub["latitude"], marker=marker, s=70, color=colour,
                       label=label, zorder=3)
    poor = set()
    if access is not None:
        poor = set(access.loc[~(access["step_free_distance_m"] <= threshold_m), "site"])
    ok = sites[~sites["name"].isin(poor)]
    bad = sites[sites["name"].isin(poor)]
    ax.scatter(ok["longitude"], ok["latitude"], marker="o", s=40, color=PALETTE[2],
               label=f"service site, step-free station within {threshold_m:,.0f} m", zorder=4)
    ax.scatter(bad["longitude"], bad["latitude"], marker="o", s=60, facecolors="none",
               edgecolors=PALETTE[5], linewidths=2,
               label=f"service site, none within {threshold_m:,.0f} m", zorder=4)
    for _, s in bad.iterrows():
        ax.annotate(s["name"], (s["longitude"], s["latitude"]), xytext=(4, 4),
                    textcoords="offset points", fontsize=MIN_FONT_PT)
    ax.set_aspect(1 / math.cos(math.radians(lat0)))
    ax.set_xlabel("Longitude")
    ax.set_ylabel("Latitude")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, fontsize=MIN_FONT_PT)
    ax.set_title("Stations and service sites")
    n_sf = int((st["step_free"].map(lambda v: v is True)).sum())
    alt = (f"Map-like scatter plot of {len(st)} stations ({n_sf} step-free, drawn as triangles; "
           f"the others as squares) and {len(sites)} service sites (circles). {len(bad)} sites "
           f"have no step-free station within {threshold_m:,.0f} m and are drawn hollow and "
           "labelled" + (": " + ", ".join(sorted(bad["name"])) if len(bad) else "") + ".")
    return fig, alt


def appraisal_figure(table, npsv: float, bcr: float):
    """Present values of costs and benefits by year (bars), with the BCR in the title."""
    import numpy as np

    fig, ax = new_figure(figsize=(8.5, 4))
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["pv_benefits"], width=0.4, color=PALETTE[2], label="PV of benefits")
    ax.bar(x + 0.2, table["pv_costs"], width=0.4, color=PALETTE[5], hatch="//", edgecolor="white",
           label="PV of costs")
    ax.set_xticks(x, [str(y) for y in table["year"]])
    ax.set_xlabel("Year (0 = base year)")
    ax.yaxis.set_major_formatter(_pounds())
    ax.legend()
    ax.set_title(f"Worked example: NPSV £{npsv / 1e6:,.1f}m, BCR {bcr:.1f}")
    alt = (f"Bar chart of the present value of benefits and costs in each of {len(table)} years "
           f"of the worked TfL example: benefits fall from £{table['pv_benefits'].iloc[0] / 1e6:,.1f}m "
           f"in year 0 to £{table['pv_benefits'].iloc[-1] / 1e6:,.1f}m in year "
           f"{int(table['year'].iloc[-1])} as discounting bites, while costs stay under "
           f"£{table['pv_costs'].max() / 1e6:,.1f}m a year; net present social value "
           f"£{npsv / 1e6:,.1f}m, benefit-cost ratio {bcr:.1f}.")
    return fig, alt


def _pounds():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _p: f"£{v / 1e6:,.0f}m" if abs(v) >= 1e6 else f"£{v:,.0f}")
