"""Green Book appraisal: options, discounting, optimism bias, NPSV, BCR, sensitivity.

The arithmetic follows HM Treasury's Green Book (2020):

* prices are real; the first year of the appraisal is the base year, **year 0**, undiscounted;
* the social time preference rate is 3.5% a year for years 0–30, then 3.0% (31–75), 2.5%
  (76–125), 2.0% (126–200), 1.5% (201–300) and 1.0% (301 on). The factor for year *t* is the
  **product** of the per-year factors, so the lower rate compounds on from year 31:
  ``DF(40) = 1 / (1.035**30 * 1.03**10)``;
* health effects may use the lower health rate (1.5% on the same declining pattern);
* NPSV = PV(benefits) − PV(costs); BCR = PV(benefits) / PV(costs);
* optimism bias uplifts costs by project type (the Green Book's supplementary guidance),
  moving from the upper bound toward the lower bound as risks are mitigated;
* value-for-money categories as DfT uses them (poor < 1; low 1–1.5; medium 1.5–2;
  high 2–4; very high > 4).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

# (first year, last year or None for "and after", annual rate)
STPR_SCHEDULE: tuple[tuple[int, int | None, float], ...] = (
    (0, 30, 0.035),
    (31, 75, 0.030),
    (76, 125, 0.025),
    (126, 200, 0.020),
    (201, 300, 0.015),
    (301, None, 0.010),
)
# The Green Book's health rate (the STPR without the wealth effect): 1.5% to year 30, then
# declining in the same proportions as the standard schedule.
HEALTH_SCHEDULE: tuple[tuple[int, int | None, float], ...] = (
    (0, 30, 0.015),
    (31, 75, 0.0129),
    (76, 125, 0.0107),
    (126, 200, 0.0086),
    (201, 300, 0.0064),
    (301, None, 0.0043),
)

#: Value-for-money categories (DfT): (name, lower bound inclusive, upper bound).
VFM_CATEGORIES: tuple[tuple[str, float, float], ...] = (
    ("poor", -math.inf, 1.0),
    ("low", 1.0, 1.5),
    ("medium", 1.5, 2.0),
    ("high", 2.0, 4.0),
    ("very high", 4.0, math.inf),
)


def discount_rate(year: int, health: bool = False) -> float:
    """The annual rate that discounts year ``year`` back to year ``year - 1``.

    Year 31 is the first year discounted at 3.0%: years 1–30 at 3.5%.
    """
    year = _check_year(year)
    schedule = HEALTH_SCHEDULE if health else STPR_SCHEDULE
    for first, last, rate in schedule:
        if year >= first and (last is None or year <= last):
            return rate
    raise AssertionError("unreachable")  # pragma: no cover


def _check_year(year) -> int:
    if isinstance(year, bool) or not float(year).is_integer():
        raise ValueError(f"year must be a whole number of years from the base year, not {year!r}")
    year = int(year)
    if year < 0:
        raise ValueError(f"year must be 0 (the base year) or later, not {year}")
    return year


def discount_factors(last_year: int, health: bool = False) -> list[float]:
    """Discount factors for years ``0..last_year`` (the product of the per-year factors)."""
    last_year = _check_year(last_year)
    factors = [1.0]
    for t in range(1, last_year + 1):
        factors.append(factors[-1] / (1.0 + discount_rate(t, health)))
    return factors


def discount_factor(year: int, health: bool = False) -> float:
    """The Green Book discount factor for ``year`` (year 0, the base year, is 1)."""
    return discount_factors(year, health)[-1]


def present_value(values_by_year: dict[int, float] | list[float], health: bool = False) -> float:
    """Present value of a stream: a list indexed by year from 0, or a ``{year: value}`` dict."""
    items = (list(enumerate(values_by_year)) if not isinstance(values_by_year, dict)
             else sorted(values_by_year.items()))
    if not items:
        return 0.0
    dfs = discount_factors(max(_check_year(y) for y, _ in items), health)
    return float(sum(float(v) * dfs[int(y)] for y, v in items))


def vfm_category(bcr: float) -> str:
    """The DfT value-for-money category for a benefit-cost ratio.

    Boundaries: a BCR of exactly 1 is *low*, 1.5 *medium*, 2 *high*, 4 *high* (very high is
    *more than* 4). ``nan`` (no costs and no benefits) gives ``"not assessed"``.
    """
    bcr = float(bcr)
    if math.isnan(bcr):
        return "not assessed"
    if bcr > 4.0:
        return "very high"
    if bcr >= 2.0:
        return "high"
    if bcr >= 1.5:
        return "medium"
    if bcr >= 1.0:
        return "low"
    return "poor"


def bcr(pv_benefits: float, pv_costs: float) -> float:
    """PV(benefits) / PV(costs); infinite when there are benefits but no costs."""
    if pv_costs == 0:
        return math.inf if pv_benefits > 0 else math.nan
    return float(pv_benefits) / float(pv_costs)


# ------------------------------------------------------------------------------ optimism bias

#: Optimism bias (Green Book supplementary guidance), percentages as fractions:
#: project type -> {"duration": (upper, lower), "capital": (upper, lower), "operating": ...}.
OPTIMISM_BIAS: dict[str, dict[str, tuple[float, float]]] = {
    "standard_buildings": {"duration": (0.04, 0.01), "capital": (0.24, 0.02)},
    "non_standard_buildings": {"duration": (0.39, 0.02), "capital": (0.51, 0.04)},
    "standard_civil_engineering": {"duration": (0.20, 0.01), "capital": (0.44, 0.03)},
    "non_standard_civil_engineering": {"duration": (0.25, 0.03), "capital": (0.66, 0.06)},
    "equipment_development": {"duration": (0.54, 0.10), "capital": (2.00, 0.10)},
    "outsourcing": {"operating": (0.41, 0.00)},
}
DEFAULT_PROJECT_TYPE = "equipment_development"
#: Operating (running) costs are uplifted with the only operating-cost figures the guidance
#: gives: outsourcing, 41% upper and 0% lower.
DEFAULT_OPERATING_TYPE = "outsourcing"


def _project_type(name: str) -> str:
    key = "_".join(str(name).strip().lower().replace("/", " ").replace("-", " ").split())
    aliases = {"it": "equipment_development", "equipment_and_development": "equipment_development",
               "equipment": "equipment_development", "development": "equipment_development"}
    key = aliases.get(key, key)
    if key not in OPTIMISM_BIAS:
        raise ValueError(f"unknown project type {name!r}: choose one of {', '.join(OPTIMISM_BIAS)}")
    return key


def optimism_bias(project_type: str = DEFAULT_PROJECT_TYPE, kind: str = "capital",
                  mitigation: float = 0.0) -> float:
    """The uplift (a fraction: 2.0 = +200%) for ``kind`` of cost (``capital``, ``operating`` or
    ``duration``) of a project type, after ``mitigation``.

    ``mitigation`` runs from 0 (no evidence that risks are managed: the **upper** bound, where
    the Green Book says to start) to 1 (all the risks mitigated: the **lower** bound); the
    uplift moves in a straight line between them. A project type without figures for ``kind``
    gets no uplift (0).
    """
    mitigation = float(mitigation)
    if not 0.0 <= mitigation <= 1.0:
        raise ValueError(f"mitigation must be between 0 and 1, not {mitigation}")
    bounds = OPTIMISM_BIAS[_project_type(project_type)].get(kind)
    if bounds is None:
        return 0.0
    upper, lower = bounds
    return upper - mitigation * (upper - lower)


def optimism_bias_table(project_type: str = DEFAULT_PROJECT_TYPE, mitigation: float = 0.0,
                        operating_type: str | None = DEFAULT_OPERATING_TYPE):
    """The uplifts an appraisal uses: capital costs by ``project_type``, operating costs by
    ``operating_type``, with the upper and lower bounds and the uplift after ``mitigation``."""
    import pandas as pd

    rows = []
    for kind, ptype in (("capital", project_type), ("operating", operating_type)):
        if ptype is None:
            continue
        key = _project_type(ptype)
        bounds = OPTIMISM_BIAS[key].get(kind)
        if bounds is None:
            continue
        rows.append({"cost": kind, "project type": key.replace("_", " "),
                     "upper bound": f"{bounds[0]:.0%}", "lower bound": f"{bounds[1]:.0%}",
                     "used here": f"{optimism_bias(key, kind, mitigation):.0%}"})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ options

OPTION_COLUMNS = ("option", "year", "stream", "category", "value")
OPTIONAL_COLUMNS = ("cost_type", "health")
_TRUE = {"yes", "y", "true", "1", "health"}
_FALSE = {"no", "n", "false", "0", "", "standard"}


def _number(text: str):
    s = str(text).strip().replace(",", "").replace("£", "").replace(" ", "")
    neg = s.startswith("(") and s.endswith(")")
    if neg:
        s = s[1:-1]
    try:
        v = float(s)
    except ValueError:
        return None
    if v != v or v in (math.inf, -math.inf):
        return None
    return -v if neg else v


def load_options(path) -> "pandas.DataFrame":  # noqa: F821
    """Read an options file (CSV or .xlsx): one row per option, year, stream and category.

    Required columns: ``option, year, stream, category, value`` — ``year`` counts from 0
    (the base year), ``stream`` is ``cost`` or ``benefit``, ``value`` is in real prices (£,
    base-year prices; ``1,000`` and ``£1,000`` are fine), the change against business as
    usual. Optional: ``cost_type`` (``capital`` or ``operating``; blank: capital) and ``health``
    (``yes`` for health effects, discounted at the health rate). Years an option has no row for
    count as zero.

    Every problem is a :class:`~toolkit_helpers.errors.DataFileError` naming the file, the row
    (as a spreadsheet numbers it) and the column, with what to do.
    """
    from pathlib import Path

    from .errors import DataFileError
    from .io import is_blank_row, normalise_header, read_rows

    path = Path(path)
    if not path.exists():
        raise DataFileError("the options file does not exist", file=path,
                            hint="check the path (data.options in the council config, or OPTIONS_FILE).")
    sheets = read_rows(path)
    rows = sheets[0][1] if sheets else []
    header_i = next((i for i, r in enumerate(rows) if not is_blank_row(r)), None)
    if header_i is None:
        raise DataFileError("the options file is empty", file=path,
                            hint=f"it needs a header row: {', '.join(OPTION_COLUMNS)}.")
    header = [normalise_header(h).replace(" ", "_") for h in rows[header_i]]
    where = {}
    for j, h in enumerate(header):
        if h in OPTION_COLUMNS + OPTIONAL_COLUMNS and h not in where:
            where[h] = j
    missing = [c for c in OPTION_COLUMNS if c not in where]
    if missing:
        raise DataFileError(
            f"the header row has no column {', '.join(repr(m) for m in missing)} "
            f"(found: {', '.join(repr(h) for h in rows[header_i] if str(h).strip())})",
            file=path, row=header_i + 1,
            hint=f"the first row must name the columns {', '.join(OPTION_COLUMNS)} "
                 "(optional: cost_type, health).")
    names = {c: str(rows[header_i][where[c]]).strip() for c in where}
    records, seen = [], {}
    for i in range(header_i + 1, len(rows)):
        row = list(rows[i])
        if is_blank_row(row):
            continue
        rown = i + 1

        def cell(c, row=row):
            j = where.get(c)
            return str(row[j]).strip() if j is not None and j < len(row) else ""

        def fail(c, problem, hint, rown=rown):
            raise DataFileError(problem, file=path, row=rown, column=names.get(c, c), hint=hint)

        option = cell("option")
        if not option:
            fail("option", "the option name is blank",
                 "name the option on every row (e.g. 'Do minimum').")
        y = _number(cell("year"))
        if y is None or not float(y).is_integer() or y < 0:
            fail("year", f"the year {cell('year')!r} is not a whole number of years from the base year",
                 "write 0 for the base year (the first year), 1 for the next, and so on.")
        if y > 500:
            fail("year", f"the year {cell('year')!r} is more than 500 years from the base year",
                 "years count from 0 (the base year), not calendar years like 2026.")
        stream = cell("stream").lower().rstrip("s")
        if stream not in ("cost", "benefit"):
            fail("stream", f"the stream {cell('stream')!r} is neither 'cost' nor 'benefit'",
                 "write cost or benefit (a saving the service makes is a benefit).")
        category = cell("category")
        if not category:
            fail("category", "the category is blank",
                 "name what the cost or benefit is (e.g. 'Staff time', 'Visits saved').")
        value = _number(cell("value"))
        if value is None:
            fail("value", f"the value {cell('value')!r} is not a number",
                 "write an amount in pounds, real (base-year) prices, e.g. 12500 or £12,500.")
        cost_type = cell("cost_type").lower() or "capital"
        if stream == "benefit":
            cost_type = ""
        elif cost_type not in ("capital", "operating"):
            fail("cost_type", f"the cost type {cell('cost_type')!r} is neither 'capital' nor 'operating'",
                 "write capital (one-off, building or buying) or operating (running costs).")
        h = cell("health").lower()
        if h not in _TRUE | _FALSE:
            fail("health", f"{cell('health')!r} is not yes or no",
                 "write yes for a health effect (discounted at 1.5%), otherwise leave blank.")
        key = (option.casefold(), int(y), stream, category.casefold())
        if key in seen:
            fail("category", f"{option!r}, year {int(y)}, {stream} {category!r} appears twice "
                 f"(also row {seen[key]})", "add the two amounts into one row, or rename one category.")
        seen[key] = rown
        records.append({"option": option, "year": int(y), "stream": stream, "category": category,
                        "value": float(value), "cost_type": cost_type, "health": h in _TRUE,
                        "source_row": rown})
    if not records:
        raise DataFileError("the options file has a header but no rows", file=path,
                            row=header_i + 1, hint="add at least one cost or benefit row per option.")
    return _frame(records, source=str(path.name))


def _frame(records: list[dict], source: str | None = None):
    import pandas as pd

    df = pd.DataFrame(records, columns=["option", "year", "stream", "category", "value",
                                        "cost_type", "health", "source_row"])
    df["year"] = df["year"].astype("int64")
    df["value"] = df["value"].astype("float64")
    df["health"] = df["health"].astype(bool)
    df.attrs["source"] = source
    return df


def options_from_dict(spec: dict) -> "pandas.DataFrame":  # noqa: F821
    """Options written in a config or a notebook, as the same table :func:`load_options` gives.

    ``{"Do minimum": {"costs": {"Staff time": [5000, 5000, ...]}, "benefits": {...}}, ...}`` —
    lists run by year from 0; a category may also be ``{"values": [...], "cost_type":
    "operating", "health": False}``.
    """
    from .errors import ConfigError

    if not isinstance(spec, dict) or not spec:
        raise ConfigError("options must be a mapping of option name to its costs and benefits",
                          hint="e.g. {'Do minimum': {'costs': {'Staff': [1000, 1000]}}}")
    records = []
    for option, streams in spec.items():
        if not isinstance(streams, dict):
            raise ConfigError(f"option {option!r}: expected 'costs' and/or 'benefits'",
                              hint="give each option a mapping with costs and benefits.")
        for skey, cats in streams.items():
            stream = str(skey).lower().rstrip("s")
            if stream not in ("cost", "benefit"):
                raise ConfigError(f"option {option!r}: {skey!r} is neither costs nor benefits",
                                  hint="use the keys costs and benefits.")
            for category, values in (cats or {}).items():
                cost_type, health = ("capital" if stream == "cost" else ""), False
                if isinstance(values, dict):
                    cost_type = str(values.get("cost_type", cost_type)) if stream == "cost" else ""
                    health = bool(values.get("health", False))
                    values = values.get("values", [])
                if stream == "cost" and cost_type not in ("capital", "operating"):
                    raise ConfigError(f"option {option!r}, {category!r}: cost_type must be "
                                      "capital or operating", hint="fix the cost_type.")
                for year, v in enumerate(values):
                    try:
                        value = float(v)
                    except (TypeError, ValueError):
                        raise ConfigError(f"option {option!r}, {category!r}, year {year}: "
                                          f"{v!r} is not a number",
                                          hint="write amounts in pounds, real prices.") from None
                    records.append({"option": str(option), "year": year, "stream": stream,
                                    "category": str(category), "value": value,
                                    "cost_type": cost_type, "health": health, "source_row": None})
    return _frame(records, source="options given in the notebook or config")


# ------------------------------------------------------------------------------ appraisal

@dataclass
class Appraisal:
    """The result of :func:`appraise`."""
    lines: "pandas.DataFrame"       # every input line, with uplift, adjusted value, DF and PV
    by_year: "pandas.DataFrame"     # option, year, costs (base), optimism_bias, costs, benefits, ...
    summary: "pandas.DataFrame"     # one row per option
    project_type: str
    mitigation: float
    horizon: int
    operating_type: str | None = DEFAULT_OPERATING_TYPE

    def option(self, name: str) -> dict:
        row = self.summary.set_index("option").loc[name].to_dict()
        pb = row.get("payback_year")
        row["payback_year"] = None if pb is None or pb != pb else int(pb)
        return {"option": name, **row}

    def category_pvs(self, option: str):
        """PV by stream and category for one option (costs after optimism bias)."""
        d = self.lines[self.lines["option"] == option]
        return (d.groupby(["stream", "category"], sort=False)["pv"].sum().reset_index())


def appraise(options, *, project_type: str = DEFAULT_PROJECT_TYPE, mitigation: float = 0.0,
             operating_type: str | None = DEFAULT_OPERATING_TYPE, horizon: int | None = None,
             adjust: dict | None = None) -> Appraisal:
    """Appraise every option in ``options`` (from :func:`load_options` / :func:`options_from_dict`).

    Costs are uplifted for optimism bias — capital by ``project_type``, operating by
    ``operating_type`` (``None``: no uplift on running costs) — at ``mitigation`` (0 = upper
    bound, 1 = lower bound). Then each year's values are discounted (health rows at the health
    rate). ``horizon`` (a last year) cuts or pads every option to years ``0..horizon``.
    ``adjust`` maps ``(stream, category)`` — or ``stream`` alone — to a multiplier, for
    sensitivity tests and scenarios.
    """
    import pandas as pd

    if len(options) == 0:
        raise ValueError("there are no options to appraise")
    ptype = _project_type(project_type)
    lines = options.copy()
    if horizon is None:
        horizon = int(lines["year"].max())
    horizon = _check_year(horizon)
    lines = lines[lines["year"] <= horizon].copy()
    cap = optimism_bias(ptype, "capital", mitigation)
    op = optimism_bias(operating_type, "operating", mitigation) if operating_type else 0.0
    lines["uplift"] = 0.0
    lines.loc[(lines["stream"] == "cost") & (lines["cost_type"] == "capital"), "uplift"] = cap
    lines.loc[(lines["stream"] == "cost") & (lines["cost_type"] == "operating"), "uplift"] = op
    mult = pd.Series(1.0, index=lines.index)
    for key, m in (adjust or {}).items():
        if isinstance(key, tuple):
            sel = (lines["stream"] == key[0]) & (lines["category"] == key[1])
        else:
            sel = lines["stream"] == key
        mult[sel] = mult[sel] * float(m)
    lines["adjusted"] = lines["value"] * (1.0 + lines["uplift"]) * mult
    std = discount_factors(horizon)
    hlth = discount_factors(horizon, health=True)
    lines["discount_factor"] = [hlth[y] if h else std[y]
                                for y, h in zip(lines["year"], lines["health"])]
    lines["pv"] = lines["adjusted"] * lines["discount_factor"]

    names = list(dict.fromkeys(options["option"]))
    rows = []
    for name in names:
        d = lines[lines["option"] == name]
        c = d[d["stream"] == "cost"]
        b = d[d["stream"] == "benefit"]
        for year in range(horizon + 1):
            cy, by = c[c["year"] == year], b[b["year"] == year]
            base = float((cy["value"] * mult[cy.index]).sum())
            costs = float(cy["adjusted"].sum())
            rows.append({"option": name, "year": year, "base_costs": base,
                         "optimism_bias": costs - base, "costs": costs,
                         "benefits": float(by["adjusted"].sum()),
                         "discount_factor": std[year],
                         "pv_costs": float(cy["pv"].sum()), "pv_benefits": float(by["pv"].sum())})
    by_year = pd.DataFrame(rows)
    by_year["net_pv"] = by_year["pv_benefits"] - by_year["pv_costs"]
    by_year["cumulative_npsv"] = by_year.groupby("option")["net_pv"].cumsum()

    summ = []
    for name in names:
        d = by_year[by_year["option"] == name]
        pv_c, pv_b = float(d["pv_costs"].sum()), float(d["pv_benefits"].sum())
        ratio = bcr(pv_b, pv_c)
        summ.append({"option": name, "pv_costs": pv_c, "pv_benefits": pv_b, "npsv": pv_b - pv_c,
                     "bcr": ratio, "vfm": vfm_category(ratio),
                     "payback_year": payback_year(d["cumulative_npsv"].tolist())})
    summary = pd.DataFrame(summ)
    # ints and None (never paid back), not floats and NaN
    summary["payback_year"] = pd.Series([r["payback_year"] for r in summ], dtype=object)
    return Appraisal(lines=lines, by_year=by_year, summary=summary, project_type=ptype,
                     mitigation=float(mitigation), horizon=horizon, operating_type=operating_type)


def payback_year(cumulative_npsv) -> int | None:
    """The discounted payback year: the first year from which the cumulative discounted net
    benefit (a list by year from 0) is at or above zero **and stays there** to the end of the
    appraisal. ``None`` when it never pays back."""
    values = [float(v) for v in cumulative_npsv]
    year = None
    for t, v in enumerate(values):
        if v >= 0:
            if year is None:
                year = t
        else:
            year = None
    return year


# ------------------------------------------------------------------------------ sensitivity

def sensitivity(appraisal: Appraisal, option: str, pct: float = 20.0):
    """One-at-a-time sensitivity: each category's PV lowered and raised by ``pct`` per cent.

    Returns one row per category (largest swing first): ``stream, category, pv, npsv_low``
    (the NPSV with that category ``pct``% lower), ``npsv_high`` (``pct``% higher), ``swing``
    (the absolute difference), and ``switching_value_pct``.
    """
    import pandas as pd

    base = float(appraisal.summary.set_index("option").loc[option, "npsv"])
    f = float(pct) / 100.0
    rows = []
    for _, r in appraisal.category_pvs(option).iterrows():
        sign = 1.0 if r["stream"] == "benefit" else -1.0
        low = base - sign * f * r["pv"]
        high = base + sign * f * r["pv"]
        rows.append({"stream": r["stream"], "category": r["category"], "pv": float(r["pv"]),
                     "npsv_low": low, "npsv_high": high, "swing": abs(high - low),
                     "switching_value_pct": _switching(base, r["stream"], float(r["pv"]))})
    out = pd.DataFrame(rows)
    if len(out):
        out = out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    out.attrs.update({"base_npsv": base, "pct": float(pct), "option": option})
    return out


def _switching(npsv: float, stream: str, pv: float) -> float:
    if pv == 0:
        return math.nan
    # benefits: npsv + s*pv = 0 -> s = -npsv/pv ; costs: npsv - s*pv = 0 -> s = npsv/pv
    s = -npsv / pv if stream == "benefit" else npsv / pv
    return 100.0 * s


def switching_values(appraisal: Appraisal, option: str):
    """For each category: the % change in its PV that makes the option's NPSV zero (negative =
    a fall). A benefit with a switching value of -40% means the case fails if that benefit is
    40% smaller than estimated; a cost of +25% means it fails if that cost is 25% higher."""
    import pandas as pd

    base = float(appraisal.summary.set_index("option").loc[option, "npsv"])
    rows = []
    for _, r in appraisal.category_pvs(option).iterrows():
        s = _switching(base, r["stream"], float(r["pv"]))
        rows.append({"stream": r["stream"], "category": r["category"], "pv": float(r["pv"]),
                     "switching_value_pct": s, "switched_pv": float(r["pv"]) * (1 + s / 100.0)})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------ financial case

def affordability(appraisal: Appraisal, option: str, budget_per_year: float | None = None):
    """Costs by year for the financial case (real prices, undiscounted): capital and operating
    costs as estimated, the optimism bias contingency on top, the total, and — given a budget
    a year — the headroom (budget − total; negative is a shortfall) and the cumulative total."""
    import pandas as pd

    d = appraisal.lines[(appraisal.lines["option"] == option) & (appraisal.lines["stream"] == "cost")]
    rows = []
    for year in range(appraisal.horizon + 1):
        y = d[d["year"] == year]
        capital = float(y.loc[y["cost_type"] == "capital", "value"].sum())
        operating = float(y.loc[y["cost_type"] == "operating", "value"].sum())
        total = float(y["adjusted"].sum())
        row = {"year": year, "capital": capital, "operating": operating,
               "optimism_bias": total - capital - operating, "total": total}
        if budget_per_year is not None:
            row["budget"] = float(budget_per_year)
            row["headroom"] = float(budget_per_year) - total
        rows.append(row)
    out = pd.DataFrame(rows)
    out["cumulative_total"] = out["total"].cumsum()
    return out


def affordability_text(table, option: str) -> str:
    total = float(table["total"].sum())
    peak = table.loc[table["total"].idxmax()]
    lines = [f"**{option}** costs {_gbp(total)} over {len(table)} years in real prices, "
             f"including {_gbp(float(table['optimism_bias'].sum()))} of optimism bias "
             f"contingency; the most in one year is {_gbp(float(peak['total']))} (year "
             f"{int(peak['year'])})."]
    if "headroom" in table:
        short = table[table["headroom"] < 0]
        if len(short):
            lines.append(f"Against a budget of {_gbp(float(table['budget'].iloc[0]))} a year, "
                         f"there is a shortfall in {len(short)} year(s): "
                         + ", ".join(f"year {int(r.year)} ({_gbp(-r.headroom)})"
                                     for r in short.itertuples()) + ".")
        else:
            lines.append(f"It fits within a budget of {_gbp(float(table['budget'].iloc[0]))} a "
                         "year in every year.")
    return " ".join(lines)


# ------------------------------------------------------------------------------ words

def _gbp(v: float) -> str:
    from .charts import format_gbp_short

    return format_gbp_short(v, m_decimals=2)


def _ratio(r: float) -> str:
    if r != r:
        return "not defined"
    return "infinite" if r == math.inf else f"{r:.2f}"


def summary_table(appraisal: Appraisal):
    """The appraisal summary, readable: £ rounded, BCR to 2 places, payback as text."""
    s = appraisal.summary.copy()
    out = s[["option"]].copy()
    out["PV costs (£)"] = s["pv_costs"].round(0)
    out["PV benefits (£)"] = s["pv_benefits"].round(0)
    out["NPSV (£)"] = s["npsv"].round(0)
    out["BCR"] = s["bcr"].round(2)
    out["value for money"] = s["vfm"]
    out["discounted payback"] = [f"year {int(p)}" if p == p and p is not None else "not within the appraisal"
                                 for p in s["payback_year"]]
    return out


def summary_text(appraisal: Appraisal, preferred: str, baseline: str | None = None,
                 sens=None) -> str:
    """The economic case in plain words (markdown)."""
    s = appraisal.summary.set_index("option")
    p = s.loc[preferred]
    years = appraisal.horizon + 1
    cap = optimism_bias(appraisal.project_type, "capital", appraisal.mitigation)
    lines = [
        f"Over {years} years (year 0 to year {appraisal.horizon}, real prices, discounted at the "
        f"Green Book's {'3.5%' if appraisal.horizon <= 30 else 'declining rate (3.5% to year 30)'}"
        f"), **{preferred}** has costs with a present value of "
        f"{_gbp(p['pv_costs'])} and benefits of {_gbp(p['pv_benefits'])}: a **net present social "
        f"value of {_gbp(p['npsv'])}** and a **benefit-cost ratio of {_ratio(p['bcr'])}**, "
        f"which is **{p['vfm']}** value for money.",
    ]
    if p["payback_year"] is not None and p["payback_year"] == p["payback_year"]:
        lines.append(f"Counting discounted costs and benefits, it pays back in year "
                     f"{int(p['payback_year'])}.")
    else:
        lines.append("It does not pay back within the appraisal period.")
    if baseline and baseline in s.index and baseline != preferred:
        b = s.loc[baseline]
        diff = p["npsv"] - b["npsv"]
        lines.append(f"The do-minimum option (**{baseline}**) has an NPSV of {_gbp(b['npsv'])} "
                     f"(BCR {_ratio(b['bcr'])}, {b['vfm']}); the preferred option adds "
                     f"{_gbp(diff)} of net value." if diff >= 0 else
                     f"The do-minimum option (**{baseline}**) has a higher NPSV, "
                     f"{_gbp(b['npsv'])}: on these numbers it is the better choice.")
    op = (optimism_bias(appraisal.operating_type, "operating", appraisal.mitigation)
          if appraisal.operating_type else 0.0)
    lines.append(f"Costs include optimism bias for *{appraisal.project_type.replace('_', '/')}* "
                 f"projects: capital costs +{cap:.0%}, running costs +{op:.0%} (mitigation "
                 f"{appraisal.mitigation:.0%} of the way from the upper to the lower bound).")
    if sens is not None and len(sens):
        top = sens.iloc[0]
        lines.append(f"The result is most sensitive to **{top['category']}** ({top['stream']}): "
                     f"±{sens.attrs.get('pct', 20):.0f}% moves the NPSV between "
                     f"{_gbp(top['npsv_low'])} and {_gbp(top['npsv_high'])}.")
        ben = sens[sens["stream"] == "benefit"]
        if len(ben) and p["npsv"] > 0:
            total_b = p["pv_benefits"]
            lines.append(f"Benefits as a whole would have to fall by "
                         f"{100 * p['npsv'] / total_b:.0f}% for the NPSV to reach zero "
                         "(the switching value of all benefits together).")
    return "\n\n".join(lines) + "\n"


# ------------------------------------------------------------------------------ charts

def pv_figure(appraisal: Appraisal):
    """PV of costs and of benefits by option (bars with hatching, so colour is not needed)."""
    from .charts import PALETTE, gbp_axis, new_figure

    s = appraisal.summary
    fig, ax = new_figure(figsize=(8, 1.8 + 0.9 * len(s)))
    ys = list(range(len(s)))
    h = 0.38
    ax.barh([y + h / 2 for y in ys], s["pv_costs"], height=h, color=PALETTE[5], hatch="//",
            edgecolor="black", label="PV costs (with optimism bias)")
    ax.barh([y - h / 2 for y in ys], s["pv_benefits"], height=h, color=PALETTE[2],
            edgecolor="black", label="PV benefits")
    ax.set_yticks(ys, s["option"])
    ax.invert_yaxis()
    gbp_axis(ax, "x")
    ax.set_title("Present values by option")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    alt = "Horizontal bar chart of present values by option. " + " ".join(
        f"{r.option}: PV costs {_gbp(r.pv_costs)}, PV benefits {_gbp(r.pv_benefits)}, "
        f"NPSV {_gbp(r.npsv)}, BCR {_ratio(r.bcr)} ({r.vfm})." for r in s.itertuples())
    return fig, alt


def tornado_figure(sens, title: str | None = None):
    """A tornado chart of one-at-a-time sensitivity: for each category, the NPSV with it
    ``pct``% lower (hatched) and higher (solid), around the base NPSV (a vertical line)."""
    from .charts import PALETTE, gbp_axis, new_figure

    base = sens.attrs.get("base_npsv", 0.0)
    pct = sens.attrs.get("pct", 20.0)
    n = max(len(sens), 1)
    fig, ax = new_figure(figsize=(8, 1.4 + 0.5 * n))
    labels = [f"{r.category} ({r.stream})" for r in sens.itertuples()]
    ys = list(range(len(sens)))
    lows = sens["npsv_low"].to_numpy()
    highs = sens["npsv_high"].to_numpy()
    ax.barh(ys, lows - base, left=base, color=PALETTE[1], edgecolor="black", hatch="..",
            label=f"category {pct:.0f}% lower")
    ax.barh(ys, highs - base, left=base, color=PALETTE[0], edgecolor="black",
            label=f"category {pct:.0f}% higher")
    ax.axvline(base, color="black", linewidth=1.5, linestyle="--", marker="")
    ax.axvline(0, color="grey", linewidth=1, marker="")
    ax.set_yticks(ys, labels)
    ax.invert_yaxis()
    gbp_axis(ax, "x")
    ax.set_xlabel("NPSV")
    ax.set_title(title or f"NPSV sensitivity: ±{pct:.0f}% per category")
    ax.legend(loc="lower left", fontsize=9)
    alt = (f"Tornado chart: the NPSV of {sens.attrs.get('option', 'the option')} is "
           f"{_gbp(base)}. Changing one category by ±{pct:.0f}% at a time, the widest swings are: "
           + "; ".join(f"{r.category} ({r.stream}): {_gbp(r.npsv_low)} if {pct:.0f}% lower, "
                       f"{_gbp(r.npsv_high)} if {pct:.0f}% higher"
                       for r in sens.head(5).itertuples()) + ".")
    if (sens[["npsv_low", "npsv_high"]].min(axis=1) < 0).any():
        alt += " At least one change turns the NPSV negative."
    else:
        alt += " None of these changes turns the NPSV negative."
    return fig, alt


def costs_figure(table, option: str):
    """Costs by year for the financial case: capital and operating (as estimated) with the
    optimism bias contingency stacked on top, and the budget line when there is one."""
    from .charts import PALETTE, gbp_axis, new_figure

    fig, ax = new_figure()
    x = table["year"].to_numpy()
    ax.bar(x, table["capital"], color=PALETTE[0], edgecolor="black", label="capital")
    ax.bar(x, table["operating"], bottom=table["capital"], color=PALETTE[2], edgecolor="black",
           hatch="//", label="operating")
    ax.bar(x, table["optimism_bias"], bottom=table["capital"] + table["operating"],
           color=PALETTE[1], edgecolor="black", hatch="..", label="optimism bias contingency")
    if "budget" in table:
        ax.plot(x, table["budget"], color="black", linestyle="--", marker="", label="budget")
    ax.set_xticks(x)
    ax.set_xlabel("year (0 = base year)")
    gbp_axis(ax, "y")
    ax.set_title(f"Costs by year: {option}")
    ax.legend()
    peak = table.loc[table["total"].idxmax()]
    alt = (f"Stacked bar chart of {option}'s costs by year, real prices: total "
           f"{_gbp(float(table['total'].sum()))} over {len(table)} years, highest in year "
           f"{int(peak['year'])} at {_gbp(float(peak['total']))} (capital "
           f"{_gbp(float(peak['capital']))}, operating {_gbp(float(peak['operating']))}, optimism "
           f"bias {_gbp(float(peak['optimism_bias']))}); from year 1 the totals are "
           + ", ".join(_gbp(v) for v in table["total"].iloc[1:]) + ".")
    if "budget" in table:
        short = int((table["headroom"] < 0).sum())
        alt += (f" The budget line is {_gbp(float(table['budget'].iloc[0]))} a year; costs exceed "
                f"it in {short} year(s).")
    return fig, alt


def cumulative_figure(appraisal: Appraisal):
    """Cumulative discounted net benefit by option, with the zero line (payback where it crosses)."""
    from .charts import LINESTYLES, MARKERS, PALETTE, gbp_axis, new_figure

    fig, ax = new_figure()
    parts = []
    for i, (name, d) in enumerate(appraisal.by_year.groupby("option", sort=False)):
        ax.plot(d["year"], d["cumulative_npsv"], color=PALETTE[i % 8], marker=MARKERS[i % 8],
                linestyle=LINESTYLES[i % 8], label=name)
        pb = appraisal.summary.set_index("option").loc[name, "payback_year"]
        parts.append(f"{name} ends at {_gbp(float(d['cumulative_npsv'].iloc[-1]))}, "
                     + (f"paying back in year {int(pb)}" if pb is not None and pb == pb
                        else "never paying back"))
    ax.axhline(0, color="black", linewidth=1, marker="")
    ax.set_xlabel("year (0 = base year)")
    gbp_axis(ax, "y")
    ax.set_title("Cumulative discounted net benefit")
    ax.legend()
    alt = "Line chart of cumulative discounted net benefit by year. " + "; ".join(parts) + "."
    return fig, alt


# ------------------------------------------------------------------------------ scenarios

def scenario(options, option: str, *, benefits_pct: float = 0.0, costs_pct: float = 0.0,
             mitigation: float = 0.0, project_type: str = DEFAULT_PROJECT_TYPE,
             horizon: int | None = None, **kwargs) -> dict:
    """NPSV, BCR, VfM and payback of one option when all its benefits change by
    ``benefits_pct`` % and all its costs by ``costs_pct`` % (before optimism bias)."""
    app = appraise(options, project_type=project_type, mitigation=mitigation, horizon=horizon,
                   adjust={"benefit": 1 + benefits_pct / 100.0, "cost": 1 + costs_pct / 100.0},
                   **kwargs)
    return app.option(option)


def scenario_text(result: dict) -> str:
    pb = result["payback_year"]
    return (f"**{result['option']}**: NPSV {_gbp(result['npsv'])}, BCR {_ratio(result['bcr'])} "
            f"(**{result['vfm']}** value for money); PV costs {_gbp(result['pv_costs'])}, PV "
            f"benefits {_gbp(result['pv_benefits'])}; "
            + (f"pays back in year {int(pb)}." if pb is not None and pb == pb
               else "does not pay back within the appraisal."))


def scenario_sliders(options, option: str, *, mitigation: float = 0.0,
                     project_type: str = DEFAULT_PROJECT_TYPE, horizon: int | None = None):
    """Sliders (papermill-safe: nothing runs until one moves) for benefits ±, costs ± and the
    optimism bias mitigation; each move shows :func:`scenario_text` for the new values."""
    from IPython.display import Markdown

    from .widgets import sliders

    def show(benefits_pct, costs_pct, mitigation):
        return Markdown(scenario_text(scenario(options, option, benefits_pct=benefits_pct,
                                               costs_pct=costs_pct, mitigation=mitigation,
                                               project_type=project_type, horizon=horizon)))

    return sliders({"benefits_pct": (-80, 80, 5, 0, "Benefits change (%)"),
                    "costs_pct": (-50, 150, 5, 0, "Costs change (%)"),
                    "mitigation": (0.0, 1.0, 0.05, float(mitigation),
                                   "Optimism bias mitigation (0 = upper bound)")}, show)


#: Names a do-minimum / business-as-usual option goes by.
DO_MINIMUM_NAMES = ("do minimum", "do-minimum", "do nothing", "business as usual", "bau",
                    "status quo", "baseline")


def choose_options(options, do_minimum: str | None = None, preferred: str | None = None,
                   **appraise_kw) -> tuple[str, str, str]:
    """The do-minimum and preferred options for an options table, and a sentence saying how
    they were chosen. ``do_minimum`` / ``preferred`` given: checked against the options (a
    :class:`~toolkit_helpers.errors.DataFileError` names the options there). Not given: the
    do-minimum is the option named like one (``Do minimum``, ``Business as usual``…), the
    preferred option the other option with the highest NPSV."""
    from .errors import DataFileError

    names = list(dict.fromkeys(str(o) for o in options["option"]))
    source = options.attrs.get("source")

    def check(name, what):
        if name not in names:
            raise DataFileError(f"{what} {name!r} is not an option in the file", file=source,
                                column="option", hint=f"the options are: {', '.join(names)}.")

    how = []
    if do_minimum:
        check(do_minimum, "the do-minimum option")
    else:
        found = [n for n in names if n.strip().lower() in DO_MINIMUM_NAMES]
        if not found:
            raise DataFileError("no do-minimum option (business as usual) in the options file",
                                file=source, column="option",
                                hint="add an option called 'Do minimum' (what happens anyway), "
                                     f"or set DO_MINIMUM to one of: {', '.join(names)}.")
        do_minimum = found[0]
        how.append(f"do-minimum: '{do_minimum}'")
    if preferred:
        check(preferred, "the preferred option")
    else:
        others = [n for n in names if n != do_minimum]
        if not others:
            raise DataFileError("the options file has only the do-minimum option", file=source,
                                column="option", hint="add at least one option to compare with it.")
        result = appraise(options, **appraise_kw)
        preferred = max(others, key=lambda n: (result.option(n)["npsv"], n))
        how.append(f"preferred: '{preferred}', the option with the highest NPSV")
    return do_minimum, preferred, ("Chosen from the options file: " + "; ".join(how) + "."
                                   if how else "")
