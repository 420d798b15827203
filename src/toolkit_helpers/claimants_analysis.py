"""Claimant count analyses for policy: trends, change since a base month, a council against its
region, England and comparators, ranking within the region, fastest rises, and a summary in
plain words. All take the long frame :func:`claimants.load_claimant_count` returns.
"""
from __future__ import annotations

from dataclasses import dataclass


def _check(df) -> None:
    missing = {"date", "area_code", "measure", "value"} - set(df.columns)
    if missing:
        raise ValueError(f"expected a claimant frame from load_claimant_count (missing {sorted(missing)})")


def _month(value, df=None):
    import pandas as pd

    from .claimants import parse_month

    if value is None:
        return None
    m = parse_month(value) if not isinstance(value, pd.Timestamp) else value.replace(day=1)
    if m is None:
        raise ValueError(f"{value!r} is not a month (use e.g. '2020-03')")
    if df is not None and m not in set(df["date"]):
        first, last = df["date"].min(), df["date"].max()
        raise ValueError(f"{m:%B %Y} is not in the data ({first:%B %Y} to {last:%B %Y})")
    return m


def names(df) -> dict[str, str]:
    """``{area_code: area_name}``."""
    return dict(zip(df["area_code"], df["area_name"]))


def series(df, areas: list[str], measure: str = "rate"):
    """Month × area table of one measure (columns in the order of ``areas``)."""
    _check(df)
    sub = df[(df["measure"] == measure) & df["area_code"].isin(areas)]
    missing = [a for a in areas if a not in set(sub["area_code"])]
    if missing:
        raise ValueError(f"no {measure} values for {', '.join(missing)}")
    wide = sub.pivot_table(index="date", columns="area_code", values="value", aggfunc="first")
    return wide[list(dict.fromkeys(areas))]


def indexed(df, areas: list[str], base_month, measure: str = "count"):
    """Each area's ``measure`` as an index: ``base_month`` = 100."""
    base = _month(base_month, df)
    wide = series(df, areas, measure)
    return (wide / wide.loc[base] * 100).round(1)


def rolling(df, area: str, measure: str = "count", window: int = 12):
    """One area's values with a ``window``-month rolling mean (``value``, ``rolling_mean``)."""
    s = series(df, [area], measure)[area]
    return s.to_frame("value").assign(rolling_mean=s.rolling(window, min_periods=window).mean().round(2))


def latest_month(df):
    return df["date"].max()


def compare(df, council: str, region: str, country: str = "E92000001",
            comparators: list[str] | None = None, base_month=None, month=None):
    """One row per place (the council, its region, England, each comparator and the comparators'
    average): the latest rate and count, the change in rate over the year, and since
    ``base_month`` (percentage points), and the count indexed to the base month."""
    import pandas as pd

    _check(df)
    month = _month(month, df) or latest_month(df)
    base = _month(base_month, df) if base_month is not None else None
    year_ago = month - pd.DateOffset(years=1)
    comparators = [c for c in (comparators or []) if c not in (council, region, country)]
    places = [(council, "council"), (region, "region"), (country, "country")] + \
        [(c, "comparator") for c in comparators]
    rate = series(df, [p for p, _ in places], "rate")
    count = series(df, [p for p, _ in places], "count")
    nm = names(df)
    rows = []
    for code, role in places:
        r = {"place": nm.get(code, code), "code": code, "role": role,
             "rate %": rate.at[month, code], "count": count.at[month, code],
             "rate change over the year (pts)": rate.at[month, code] - rate.at[year_ago, code]
             if year_ago in rate.index else float("nan")}
        if base is not None:
            r["rate change since base (pts)"] = rate.at[month, code] - rate.at[base, code]
            r["count index (base = 100)"] = count.at[month, code] / count.at[base, code] * 100
        rows.append(r)
    out = pd.DataFrame(rows)
    if comparators:
        avg = out[out["role"] == "comparator"].drop(columns=["place", "code", "role"]).mean()
        out = pd.concat([out, pd.DataFrame([{"place": "Comparators' average", "code": "",
                                             "role": "comparator average", **avg.to_dict()}])],
                        ignore_index=True)
    num = out.select_dtypes("number").columns
    out[num] = out[num].round(2)
    out["count"] = out["count"].round(0)
    return out


def rank_in_region(df, authorities: list[str], month=None, measure: str = "rate"):
    """The region's authorities ranked by ``measure`` in ``month`` (1 = highest)."""
    month = _month(month, df) or latest_month(df)
    wide = series(df, authorities, measure)
    s = wide.loc[month].sort_values(ascending=False, kind="mergesort")
    import pandas as pd

    nm = names(df)
    return pd.DataFrame({"rank": range(1, len(s) + 1), "area": [nm[c] for c in s.index],
                         "code": list(s.index), measure: s.to_numpy()})


def fastest_rises(df, area: str, measure: str = "count", n: int = 5):
    """The ``n`` months with the biggest rise on the month before (``change``, ``change %``)."""
    s = series(df, [area], measure)[area]
    change = s.diff()
    top = change.dropna().sort_values(ascending=False, kind="mergesort").head(n)
    import pandas as pd

    return pd.DataFrame({"month": [f"{d:%B %Y}" for d in top.index], "from": s.shift(1)[top.index].to_numpy(),
                         "to": s[top.index].to_numpy(), "change": top.to_numpy(),
                         "change %": (top / s.shift(1)[top.index] * 100).round(1).to_numpy()})


@dataclass
class Need:
    """The headline numbers for the strategic case."""
    council: str
    month: str
    count: float
    rate: float
    region_rate: float
    country_rate: float
    rate_change_year: float
    rank: int
    of: int
    base_month: str | None
    count_index: float | None


def need(df, council: str, region: str, authorities: list[str], country: str = "E92000001",
         base_month=None) -> Need:
    table = compare(df, council, region, country, base_month=base_month)
    row = table.set_index("code")
    ranks = rank_in_region(df, authorities)
    base = _month(base_month, df) if base_month is not None else None
    return Need(council=row.at[council, "place"], month=f"{latest_month(df):%B %Y}",
                count=float(row.at[council, "count"]), rate=float(row.at[council, "rate %"]),
                region_rate=float(row.at[region, "rate %"]), country_rate=float(row.at[country, "rate %"]),
                rate_change_year=float(row.at[council, "rate change over the year (pts)"]),
                rank=int(ranks.set_index("code").at[council, "rank"]), of=len(ranks),
                base_month=f"{base:%B %Y}" if base is not None else None,
                count_index=float(row.at[council, "count index (base = 100)"]) if base is not None else None)


def summary_text(n: Need) -> str:
    """The need, in plain words (for people "who don't like data")."""
    def cmp(a: float, b: float) -> str:
        if abs(a - b) < 0.05:
            return "the same as"
        return "above" if a > b else "below"

    direction = ("up" if n.rate_change_year > 0.05 else "down" if n.rate_change_year < -0.05
                 else "unchanged")
    lines = [f"In {n.month}, **{n.count:,.0f} people** in {n.council} were claiming "
             f"unemployment-related benefits: **{n.rate:.1f}%** of residents aged 16–64.",
             f"That is {cmp(n.rate, n.region_rate)} the region ({n.region_rate:.1f}%) and "
             f"{cmp(n.rate, n.country_rate)} England ({n.country_rate:.1f}%); "
             f"{n.council} ranks {n.rank} of {n.of} in the region (1 = highest rate).",
             f"Over the last year the rate is {direction}"
             + (f" by {abs(n.rate_change_year):.1f} percentage points." if direction != "unchanged"
                else ".")]
    if n.count_index is not None:
        lines.append(f"The number of claimants is {n.count_index:.0f}% of its level in "
                     f"{n.base_month}.")
    return " ".join(lines)
