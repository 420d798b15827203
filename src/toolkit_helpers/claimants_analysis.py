"""Claimant count analyses for policy: trends, change since a base month, a council against its
region, England and comparators, ranking within the region, fastest rises, and a summary in
plain words. All take the long frame :func:`claimants.load_claimant_count` returns.

Comparisons rank like with like: the council is ranked only among authorities of its own kind
(districts, unitaries, metropolitan districts, London boroughs, Welsh and Scottish councils
together; never wards, combined authorities, counties, regions or countries). The region is
optional: with ``region=None`` (or a region code not in the file) the council is compared with
England and the neighbours found in the file, and the words say the region was not in the
file. :func:`region_in_file`, :func:`peers_in_file` and :func:`default_base_month` choose
these from the file when the config does not.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import DataFileError

#: GSS prefixes of local authorities of the same kind (the ones a council is ranked among).
LOCAL_AUTHORITY_PREFIXES = ("E06", "E07", "E08", "E09", "W06", "S12", "N09")
ENGLAND = "E92000001"


def kind_of(code) -> str:
    """``'local authority'`` for districts, unitaries, metropolitan districts, London boroughs,
    Welsh and Scottish councils (and Northern Ireland districts); otherwise the area type of the
    GSS prefix (``ward``, ``combined authority``, ``county``, ``region``, ``country`` …)."""
    from .claimants import area_type

    code = str(code).strip().upper()
    return "local authority" if code[:3] in LOCAL_AUTHORITY_PREFIXES else area_type(code)


def _codes(df) -> list[str]:
    return sorted(set(df["area_code"]))


def _files(df) -> str | None:
    if "source_file" in df.columns and len(df):
        return ", ".join(sorted(set(df["source_file"].astype(str))))
    return None


def require_council(df, council: str) -> str:
    """``council`` (upper case) if its code is in the frame, else a :class:`DataFileError` that
    says which codes are there and to check ``council.gss_code``."""
    code = str(council or "").strip().upper()
    codes = _codes(df)
    if code not in codes:
        shown = ", ".join(codes[:8]) + (f" … ({len(codes)} codes in all)" if len(codes) > 8 else "")
        raise DataFileError(
            f"the council's code {council!r} is not in the claimant count data "
            f"(codes there: {shown or 'none'})", file=_files(df),
            hint="check council.gss_code in the config (a GSS code such as E07000123), or add "
                 "the council's rows to the claimant count file.")
    return code


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
    """Month × area table of one measure (columns in the order of ``areas``; ``None`` entries,
    such as a region that is not in the file, are left out)."""
    _check(df)
    areas = [a for a in areas if a]
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


def default_base_month(df) -> str:
    """The first month in the data, as ``'YYYY-MM'`` (a base month that is always there)."""
    _check(df)
    if df.empty:
        raise DataFileError("the claimant count data has no rows", file=_files(df),
                            hint="check the file: it needs a header and rows.")
    return f"{df['date'].min():%Y-%m}"


def peers_in_file(df, council: str, configured: list[str] | None = None) -> list[str]:
    """The council's comparators: the ``configured`` neighbours that are in the file (in the
    configured order), or, when none of them is, the other authorities of the council's kind
    in the file (by code)."""
    _check(df)
    council = require_council(df, council)
    present = set(df["area_code"])
    wanted = [str(c).strip().upper() for c in (configured or []) if c]
    found = [c for c in dict.fromkeys(wanted) if c in present and c != council]
    if found:
        return found
    kind = kind_of(council)
    return [c for c in _codes(df) if c != council and kind_of(c) == kind]


def region_in_file(df, council: str, configured_region: str | None = None) -> str | None:
    """The region to compare with: ``configured_region`` if it is in the file, else the one
    region (E12) in the file if there is exactly one, else ``None``."""
    _check(df)
    require_council(df, council)
    present = set(df["area_code"])
    if configured_region and str(configured_region).strip().upper() in present:
        return str(configured_region).strip().upper()
    regions = sorted(c for c in present if str(c).upper().startswith("E12"))
    return regions[0] if len(regions) == 1 else None


def same_kind(df, council: str | None = None, authorities: list[str] | None = None) -> list[str]:
    """The codes (of ``authorities``, default all in the frame) of the council's kind (default:
    local authorities), in the order given."""
    kind = kind_of(council) if council else "local authority"
    pool = list(dict.fromkeys(authorities)) if authorities is not None else _codes(df)
    return [c for c in pool if c and kind_of(c) == kind]


def _wide(df, codes: list[str], measure: str):
    """Like :func:`series`, but areas without values for ``measure`` are empty, not an error."""
    sub = df[(df["measure"] == measure) & df["area_code"].isin(codes)]
    wide = sub.pivot_table(index="date", columns="area_code", values="value", aggfunc="first",
                           dropna=False)
    months = sorted(set(df["date"]))
    return wide.reindex(index=months, columns=codes)


def compare(df, council: str, region: str | None = None, country: str | None = ENGLAND,
            comparators: list[str] | None = None, base_month=None, month=None):
    """One row per place (the council, its region, England, each comparator and the comparators'
    average): the latest rate and count, the change in rate over the year, and since
    ``base_month`` (percentage points), and the count indexed to the base month.

    ``region`` is optional: ``None``, or a code that is not in the data, leaves the region's
    row out (as are a country and comparators that are not in the data);
    ``attrs["not_in_file"]`` lists the codes left out and ``attrs["region"]`` is the region
    used (or ``None``). The council must be in the data (:func:`require_council`)."""
    import pandas as pd

    _check(df)
    council = require_council(df, council)
    month = _month(month, df) or latest_month(df)
    base = _month(base_month, df) if base_month is not None else None
    year_ago = month - pd.DateOffset(years=1)
    present = set(df["area_code"])
    not_in_file = [c for c in (region, country, *(comparators or [])) if c and c not in present]
    region = region if region in present else None
    country = country if country in present else None
    comparators = [c for c in dict.fromkeys(comparators or [])
                   if c in present and c not in (council, region, country)]
    places = [(council, "council")] + ([(region, "region")] if region else []) + \
        ([(country, "country")] if country else []) + [(c, "comparator") for c in comparators]
    codes = [p for p, _ in places]
    rate = _wide(df, codes, "rate")
    count = _wide(df, codes, "count")
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
    out.attrs["not_in_file"] = not_in_file
    out.attrs["region"] = region
    return out


def rank_in_region(df, authorities: list[str] | None = None, month=None, measure: str = "rate",
                   *, council: str | None = None):
    """Authorities ranked by ``measure`` in ``month`` (1 = highest), like with like: only
    authorities of the council's kind (or, without ``council``, local authorities: E06, E07,
    E08, E09, W06, S12) are ranked, never wards, combined authorities, counties, regions or
    countries. ``authorities`` defaults to every such authority in the data; with ``council``
    the council is always among them. ``attrs["left_out"]`` lists the codes of another kind,
    ``attrs["no_value"]`` those without a value that month."""
    import pandas as pd

    _check(df)
    month = _month(month, df) or latest_month(df)
    if council is not None:
        council = require_council(df, council)
    pool = list(dict.fromkeys(a for a in (authorities if authorities is not None else _codes(df)) if a))
    if council is not None and council not in pool:
        pool.append(council)
    keep = same_kind(df, council, pool)
    left_out = [c for c in pool if c not in keep]
    present = set(df.loc[df["measure"] == measure, "area_code"])
    wide = _wide(df, [c for c in keep if c in present], measure)
    s = wide.loc[month] if month in wide.index else pd.Series(dtype="float64")
    no_value = [c for c in keep if c not in s.index or pd.isna(s.get(c))]
    s = s.dropna().sort_values(ascending=False, kind="mergesort")
    nm = names(df)
    out = pd.DataFrame({"rank": range(1, len(s) + 1), "area": [nm.get(c, c) for c in s.index],
                        "code": list(s.index), measure: s.to_numpy()})
    out.attrs["left_out"] = left_out
    out.attrs["no_value"] = no_value
    out.attrs["kind"] = kind_of(council) if council else "local authority"
    return out


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
    """The headline numbers for the strategic case. ``region_rate`` is ``None`` when the region
    is not in the file (``country_rate`` likewise for England)."""
    council: str
    month: str
    count: float
    rate: float
    region_rate: float | None
    country_rate: float | None
    rate_change_year: float
    rank: int
    of: int
    base_month: str | None
    count_index: float | None
    region: str | None = None
    rank_among: str = "in the region"


def _num(v) -> float | None:
    return None if v is None or v != v else float(v)


def need(df, council: str, region: str | None = None, authorities: list[str] | None = None,
         country: str | None = ENGLAND, base_month=None) -> Need:
    """The headline numbers: the council's latest count and rate, against its region (if in
    the data) and England, its rank among authorities of its kind (``authorities``, default
    all such in the data), the change over the year and since ``base_month``."""
    council = require_council(df, council)
    table = compare(df, council, region, country, base_month=base_month)
    region = table.attrs["region"]
    country = country if country in set(table["code"]) else None
    row = table.set_index("code")
    ranks = rank_in_region(df, authorities, council=council)
    base = _month(base_month, df) if base_month is not None else None
    ranked = ranks.set_index("code")
    nm = names(df)
    if region and authorities is not None:
        among = "in the region"
    else:
        kind = {"local authority": "local authorities"}.get(ranks.attrs["kind"],
                                                            ranks.attrs["kind"] + "s")
        among = f"among the {kind} in the file"
    return Need(council=row.at[council, "place"], month=f"{latest_month(df):%B %Y}",
                count=float(row.at[council, "count"]), rate=float(row.at[council, "rate %"]),
                region_rate=_num(row.at[region, "rate %"]) if region else None,
                country_rate=_num(row.at[country, "rate %"]) if country else None,
                rate_change_year=float(row.at[council, "rate change over the year (pts)"]),
                rank=int(ranked.at[council, "rank"]) if council in ranked.index else 0,
                of=len(ranks),
                base_month=f"{base:%B %Y}" if base is not None else None,
                count_index=float(row.at[council, "count index (base = 100)"]) if base is not None else None,
                region=nm.get(region, region) if region else None, rank_among=among)


def summary_text(n: Need) -> str:
    """The need, in plain words (for people "who don't like data")."""
    def cmp(a: float, b: float) -> str:
        if abs(a - b) < 0.05:
            return "the same as"
        return "above" if a > b else "below"

    direction = ("up" if n.rate_change_year > 0.05 else "down" if n.rate_change_year < -0.05
                 else "unchanged")
    against = []
    if n.region_rate is not None:
        against.append(f"{cmp(n.rate, n.region_rate)} the region ({n.region_rate:.1f}%)")
    if n.country_rate is not None:
        against.append(f"{cmp(n.rate, n.country_rate)} England ({n.country_rate:.1f}%)")
    missing = [w for w, r in (("the region", n.region_rate), ("England", n.country_rate)) if r is None]
    lines = [f"In {n.month}, **{n.count:,.0f} people** in {n.council} were claiming "
             f"unemployment-related benefits: **{n.rate:.1f}%** of residents aged 16–64."]
    second = ("That is " + " and ".join(against) + "; ") if against else ""
    if missing:
        second += (f"{' and '.join(missing)} {'was' if len(missing) == 1 else 'were'} not in the "
                   "file, so not compared; ")
    rank = (f"{n.council} ranks {n.rank} of {n.of} {n.rank_among} (1 = highest rate)."
            if n.rank else f"{n.council} has no rate to rank this month.")
    lines.append(second + rank)
    lines.append(f"Over the last year the rate is {direction}"
                 + (f" by {abs(n.rate_change_year):.1f} percentage points." if direction != "unchanged"
                    else "."))
    if n.count_index is not None:
        lines.append(f"The number of claimants is {n.count_index:.0f}% of its level in "
                     f"{n.base_month}.")
    return " ".join(lines)
