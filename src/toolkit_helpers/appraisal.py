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
  moving from the upper bound toward the lower bound as risks are mitigated; it uplifts only
  positive cost lines (a saving, a negative cost, is never made bigger);
* value-for-money categories as DfT uses them (poor < 1; low 1–1.5; medium 1.5–2;
  high 2–4; very high > 4) when the PV of costs is positive. A **net saving** (PV costs below
  zero: the option costs less than the do-minimum) and **zero costs** have no meaningful BCR:
  they are rated by the NPSV (positive: very high; zero or negative: poor), see
  :func:`value_for_money`;
* **transfers** (grants, taxes, benefits, recovered overpayments: money moving from one party
  to another with no resource used up) are left out of the NPSV and the BCR and reported
  separately for the financial case (:attr:`Appraisal.transfers`, :func:`transfers_table`).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only: pandas is imported where it is used
    import pandas

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


#: PV costs smaller than this (half a penny either way) count as zero costs.
ZERO_COSTS = 0.005


def value_for_money(pv_benefits: float, pv_costs: float) -> dict:
    """The BCR, value-for-money category and a note for an option's PVs (costs after optimism
    bias, transfers left out). Returns ``{"bcr", "vfm", "saving", "note"}``.

    The rule:

    * **PV costs above zero**: ``bcr`` = PV benefits / PV costs, the category from the BCR
      (:func:`vfm_category`: poor < 1 ≤ low < 1.5 ≤ medium < 2 ≤ high ≤ 4 < very high).
      A negative BCR here (costs money *and* benefits negative) is *poor*.
    * **PV costs below zero — a net saving** (the option costs less than the do-minimum):
      a ratio with a negative denominator means nothing (it would read as a negative BCR,
      "poor"), so ``bcr`` is ``None``, ``saving`` is True and the note says
      ``"net saving: costs fall by £X in present value"``. The option is rated by its NPSV
      (PV benefits + the saving): **positive → "very high"** — DfT's value-for-money guidance
      treats a scheme that saves money and adds benefits as very high value for money, the top
      category, whatever the size of the ratio — and **zero or negative → "poor"** (the
      benefits lost are at least as large as the saving). When the benefits are negative but
      smaller than the saving (positive NPSV) the note says so: the category is still very
      high, on the NPSV.
    * **PV costs zero** (within half a penny, :data:`ZERO_COSTS`): no BCR (``None``); rated by
      the NPSV, which is then the PV of the benefits: positive → "very high", zero or
      negative → "poor" (never "not assessed": negative benefits with no costs are poor value).
    """
    from .charts import format_gbp_short

    pv_b, pv_c = float(pv_benefits), float(pv_costs)
    npsv = pv_b - pv_c
    if pv_c >= ZERO_COSTS:
        ratio = pv_b / pv_c
        return {"bcr": ratio, "vfm": vfm_category(ratio), "saving": False, "note": ""}
    rating = "very high" if npsv > 0 else "poor"
    if pv_c <= -ZERO_COSTS:
        note = f"net saving: costs fall by {format_gbp_short(-pv_c, m_decimals=2)} in present value"
        if pv_b < 0:
            note += (f"; benefits fall by {format_gbp_short(-pv_b, m_decimals=2)}, "
                     + ("less than the saving" if npsv > 0 else "at least as much as the saving"))
        return {"bcr": None, "vfm": rating, "saving": True, "note": note}
    note = ("no costs: the benefit-cost ratio is not defined, so the option is rated by its "
            f"NPSV ({'positive' if npsv > 0 else 'zero' if npsv == 0 else 'negative'})")
    return {"bcr": None, "vfm": rating, "saving": False, "note": note}


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
#: The optional columns of the blank template (the loader also reads :data:`EXTRA_COLUMNS`).
OPTIONAL_COLUMNS = ("cost_type", "health")
#: Optional columns the loader reads that the blank template leaves out: ``transfer`` (yes on a
#: cost or benefit row makes it a transfer, as ``stream = transfer`` does).
EXTRA_COLUMNS = ("transfer",)
#: The streams of an options file: ``transfer`` rows are left out of the NPSV.
STREAMS = ("cost", "benefit", "transfer")
_TRUE = {"yes", "y", "true", "1", "health"}
_FALSE = {"no", "n", "false", "0", "", "standard"}
_TRANSFER_TRUE = {"yes", "y", "true", "1", "transfer"}
#: What a cost row without a cost type is treated as (the larger, safer uplift).
DEFAULT_COST_TYPE = "capital"


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


def _rows_text(rows: list[int]) -> str:
    """Spreadsheet row numbers as ranges: ``[2, 3, 4, 7]`` → ``'rows 2–4, 7'``."""
    rows = sorted(set(int(r) for r in rows))
    parts, i = [], 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and rows[j + 1] == rows[j] + 1:
            j += 1
        parts.append(str(rows[i]) if i == j else f"{rows[i]}–{rows[j]}")
        i = j + 1
    return ("row " if len(rows) == 1 else "rows ") + ", ".join(parts)


def _default_cost_type_warning(source: str, what: str,
                               fix: str = "Write capital or operating in the cost_type column "
                                          "for every cost row.") -> str:
    cap_upper = OPTIMISM_BIAS[DEFAULT_PROJECT_TYPE]["capital"][0]
    op_upper = OPTIMISM_BIAS[DEFAULT_OPERATING_TYPE]["operating"][0]
    return (f"{source}: {what} treated as {DEFAULT_COST_TYPE} costs, the default: they get the "
            "capital optimism bias of the project type you appraise with (up to "
            f"+{cap_upper:.0%} for equipment/development, the default type), not the running-cost "
            f"uplift (at most +{op_upper:.0%}). {fix}")


def load_options(path) -> "pandas.DataFrame":  # noqa: F821
    """Read an options file (CSV or .xlsx): one row per option, year, stream and category.

    Required columns: ``option, year, stream, category, value`` — ``year`` counts from 0
    (the base year), ``stream`` is ``cost``, ``benefit`` or ``transfer``, ``value`` is in real
    prices (£, base-year prices; ``1,000`` and ``£1,000`` are fine), the change against business
    as usual. A negative cost is a saving against the do-minimum. Optional:

    * ``cost_type`` — ``capital`` or ``operating``, for optimism bias. **A blank cell, or no
      such column, means capital** (:data:`DEFAULT_COST_TYPE`): the larger uplift, the safe
      side, but it can add up to 200% to running costs, so the loader says so — a
      ``UserWarning`` naming the file, the default and the rows, also kept in
      ``df.attrs["warnings"]`` (and :func:`appraise` repeats it in ``Appraisal.warnings`` with
      the uplift it applied). The rows are flagged in the column ``cost_type_default``.
    * ``health`` — ``yes`` for health effects, discounted at the health rate.
    * ``transfer`` — ``yes`` makes a cost or benefit row a transfer (a payment with no
      resource used up: a grant, a tax, a recovered overpayment). Transfers are kept with
      ``stream = "transfer"`` and a value that is **positive when the organisation making the
      case receives money, negative when it pays out** (so a cost row marked transfer changes
      sign). They are left out of the NPSV and the BCR (:attr:`Appraisal.transfers`).

    Years an option has no row for count as zero.

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
        if h in OPTION_COLUMNS + OPTIONAL_COLUMNS + EXTRA_COLUMNS and h not in where:
            where[h] = j
    missing = [c for c in OPTION_COLUMNS if c not in where]
    if missing:
        raise DataFileError(
            f"the header row has no column {', '.join(repr(m) for m in missing)} "
            f"(found: {', '.join(repr(h) for h in rows[header_i] if str(h).strip())})",
            file=path, row=header_i + 1,
            hint=f"the first row must name the columns {', '.join(OPTION_COLUMNS)} "
                 "(optional: cost_type, health, transfer).")
    names = {c: str(rows[header_i][where[c]]).strip() for c in where}
    records, seen, defaulted = [], {}, []
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
        if stream not in STREAMS:
            fail("stream", f"the stream {cell('stream')!r} is neither 'cost' nor 'benefit' "
                 "(nor 'transfer')",
                 "write cost or benefit (a saving the service makes is a benefit, or a negative "
                 "cost), or transfer for a payment with no resource used up (a grant, a tax).")
        category = cell("category")
        if not category:
            fail("category", "the category is blank",
                 "name what the cost or benefit is (e.g. 'Staff time', 'Visits saved').")
        value = _number(cell("value"))
        if value is None:
            fail("value", f"the value {cell('value')!r} is not a number",
                 "write an amount in pounds, real (base-year) prices, e.g. 12500 or £12,500.")
        t = cell("transfer").lower()
        if t not in _TRANSFER_TRUE | _FALSE:
            fail("transfer", f"{cell('transfer')!r} is not yes or no",
                 "write yes for a transfer (a grant, a tax, a recovered overpayment: left out of "
                 "the NPSV), otherwise leave blank.")
        if t in _TRANSFER_TRUE and stream != "transfer":
            # a transfer is + when the organisation receives money, - when it pays out
            value = -value if stream == "cost" else value
            stream = "transfer"
        given = cell("cost_type").lower()
        cost_type, default = "", False
        if stream == "cost":
            if not given:
                cost_type, default = DEFAULT_COST_TYPE, True
            elif given in ("capital", "operating"):
                cost_type = given
            else:
                fail("cost_type", f"the cost type {cell('cost_type')!r} is neither 'capital' nor "
                     "'operating'",
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
        if default:
            defaulted.append(rown)
        records.append({"option": option, "year": int(y), "stream": stream, "category": category,
                        "value": float(value), "cost_type": cost_type,
                        "health": h in _TRUE and stream != "transfer", "source_row": rown,
                        "cost_type_default": default})
    if not records:
        raise DataFileError("the options file has a header but no rows", file=path,
                            row=header_i + 1, hint="add at least one cost or benefit row per option.")
    df = _frame(records, source=str(path.name))
    if defaulted:
        what = (f"there is no cost_type column, so the {len(defaulted)} cost row(s) "
                f"({_rows_text(defaulted)}) are" if "cost_type" not in where else
                f"the cost_type is blank in {len(defaulted)} cost row(s) "
                f"({_rows_text(defaulted)}): they are")
        msg = _default_cost_type_warning(path.name, what)
        warnings.warn(msg, UserWarning, stacklevel=2)
        df.attrs["warnings"] = [msg]
    return df


_FRAME_COLUMNS = ["option", "year", "stream", "category", "value", "cost_type", "health",
                  "source_row", "cost_type_default"]


def _frame(records: list[dict], source: str | None = None):
    import pandas as pd

    records = [{"cost_type_default": False, **r} for r in records]
    df = pd.DataFrame(records, columns=_FRAME_COLUMNS)
    df["year"] = df["year"].astype("int64")
    df["value"] = df["value"].astype("float64")
    df["health"] = df["health"].astype(bool)
    df["cost_type_default"] = df["cost_type_default"].astype(bool)
    df.attrs["source"] = source
    df.attrs["warnings"] = []
    return df


def options_from_dict(spec: dict) -> "pandas.DataFrame":  # noqa: F821
    """Options written in a config or a notebook, as the same table :func:`load_options` gives.

    ``{"Do minimum": {"costs": {"Staff time": [5000, 5000, ...]}, "benefits": {...},
    "transfers": {...}}, ...}`` — lists run by year from 0; a category may also be
    ``{"values": [...], "cost_type": "operating", "health": False}``. A cost given as a plain
    list (or without ``cost_type``) is capital, the default — with a warning, as for a file.
    Transfers are positive when the organisation receives money, negative when it pays out.
    """
    from .errors import ConfigError

    if not isinstance(spec, dict) or not spec:
        raise ConfigError("options must be a mapping of option name to its costs and benefits",
                          hint="e.g. {'Do minimum': {'costs': {'Staff': [1000, 1000]}}}")
    records, defaulted = [], []
    for option, streams in spec.items():
        if not isinstance(streams, dict):
            raise ConfigError(f"option {option!r}: expected 'costs' and/or 'benefits'",
                              hint="give each option a mapping with costs and benefits.")
        for skey, cats in streams.items():
            stream = str(skey).lower().rstrip("s")
            if stream not in STREAMS:
                raise ConfigError(f"option {option!r}: {skey!r} is neither costs nor benefits "
                                  "(nor transfers)",
                                  hint="use the keys costs, benefits and transfers.")
            for category, values in (cats or {}).items():
                cost_type, health = ("" if stream != "cost" else None), False
                if isinstance(values, dict):
                    if stream == "cost":
                        cost_type = values.get("cost_type")
                        cost_type = None if cost_type in (None, "") else str(cost_type)
                    health = bool(values.get("health", False)) and stream != "transfer"
                    values = values.get("values", [])
                default = stream == "cost" and cost_type is None
                if default:
                    cost_type = DEFAULT_COST_TYPE
                    defaulted.append(f"{option}: {category}")
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
                                    "cost_type": cost_type, "health": health, "source_row": None,
                                    "cost_type_default": default})
    source = "options given in the notebook or config"
    df = _frame(records, source=source)
    if defaulted:
        msg = _default_cost_type_warning(
            source, (f"{len(defaulted)} cost "
                     f"{'category has' if len(defaulted) == 1 else 'categories have'} "
                     f"no cost_type ({'; '.join(defaulted)}): "
                     f"{'it is' if len(defaulted) == 1 else 'they are'}"),
            fix="Give each cost category {'values': [...], 'cost_type': 'capital' or "
                "'operating'}.")
        warnings.warn(msg, UserWarning, stacklevel=2)
        df.attrs["warnings"] = [msg]
    return df


# ------------------------------------------------------------------------------ appraisal

@dataclass
class Appraisal:
    """The result of :func:`appraise`.

    ``summary`` has one row per option: ``option, pv_costs, pv_benefits, npsv, bcr, vfm,
    payback_year, saving, note`` — ``bcr`` is ``None`` when it means nothing (a net saving or
    zero costs: see :func:`value_for_money`), ``saving`` is True for a net saving and ``note``
    says why there is no BCR. ``by_year`` keeps full precision and reconciles row by row:
    ``pv_costs = (costs - health_costs) * discount_factor + health_costs *
    health_discount_factor`` (the same for benefits), and its PVs add up to the summary's.
    ``transfers`` holds the transfer rows by option and year (``transfers`` undiscounted, +
    received / − paid, ``discount_factor``, ``pv_transfers``), left out of everything else.
    ``warnings`` says what the appraisal assumed (cost rows without a cost type, as capital).
    """
    lines: "pandas.DataFrame"       # every cost and benefit line: uplift, adjusted value, DF, PV
    by_year: "pandas.DataFrame"     # option, year, costs (base), optimism_bias, costs, benefits, ...
    summary: "pandas.DataFrame"     # one row per option
    project_type: str
    mitigation: float
    horizon: int
    operating_type: str | None = DEFAULT_OPERATING_TYPE
    transfers: "pandas.DataFrame | None" = None   # option, year, transfers, discount factor, PV
    warnings: list = field(default_factory=list)

    def option(self, name: str) -> dict:
        row = self.summary.set_index("option").loc[name].to_dict()
        pb = row.get("payback_year")
        row["payback_year"] = None if pb is None or pb != pb else int(pb)
        b = row.get("bcr")
        row["bcr"] = None if b is None or b != b else float(b)
        if "saving" in row:
            row["saving"] = bool(row["saving"])
        return {"option": name, **row}

    def category_pvs(self, option: str):
        """PV by stream and category for one option (costs after optimism bias; no transfers)."""
        d = self.lines[self.lines["option"] == option]
        return (d.groupby(["stream", "category"], sort=False)["pv"].sum().reset_index())


def _what_rows(d) -> str:
    """The rows of an options table, as row numbers where it came from a file."""
    nums = [int(r) for r in d["source_row"] if r is not None and r == r]
    if len(nums) == len(d):
        return _rows_text(nums)
    return "; ".join(dict.fromkeys(f"{o}: {c}" for o, c in zip(d["option"], d["category"])))


def appraise(options, *, project_type: str = DEFAULT_PROJECT_TYPE, mitigation: float = 0.0,
             operating_type: str | None = DEFAULT_OPERATING_TYPE, horizon: int | None = None,
             adjust: dict | None = None) -> Appraisal:
    """Appraise every option in ``options`` (from :func:`load_options` / :func:`options_from_dict`).

    Costs are uplifted for optimism bias — capital by ``project_type``, operating by
    ``operating_type`` (``None``: no uplift on running costs) — at ``mitigation`` (0 = upper
    bound, 1 = lower bound). Only **positive** cost lines are uplifted: a negative cost (a
    saving against the do-minimum) is never enlarged. Then each year's values are discounted
    (health rows at the health rate). ``horizon`` (a last year) cuts or pads every option to
    years ``0..horizon``. ``adjust`` maps ``(stream, category)`` — or ``stream`` alone — to a
    multiplier, for sensitivity tests and scenarios.

    Transfer rows (``stream == "transfer"``) are left out of the NPSV and BCR and reported in
    ``Appraisal.transfers``. Cost rows whose cost type was filled in as the default
    (``cost_type_default``) are named in ``Appraisal.warnings`` with the uplift applied.
    """
    import pandas as pd

    if len(options) == 0:
        raise ValueError("there are no options to appraise")
    ptype = _project_type(project_type)
    rows_in = options.copy()
    if "cost_type_default" not in rows_in.columns:
        rows_in["cost_type_default"] = False
    if "source_row" not in rows_in.columns:
        rows_in["source_row"] = None
    if horizon is None:
        horizon = int(rows_in["year"].max())
    horizon = _check_year(horizon)
    rows_in = rows_in[rows_in["year"] <= horizon]
    is_transfer = rows_in["stream"] == "transfer"
    lines = rows_in[~is_transfer].copy()
    tlines = rows_in[is_transfer].copy()
    cap = optimism_bias(ptype, "capital", mitigation)
    op = optimism_bias(operating_type, "operating", mitigation) if operating_type else 0.0
    lines["uplift"] = 0.0
    positive_cost = (lines["stream"] == "cost") & (lines["value"] > 0)
    lines.loc[positive_cost & (lines["cost_type"] == "capital"), "uplift"] = cap
    lines.loc[positive_cost & (lines["cost_type"] == "operating"), "uplift"] = op
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
                         "health_costs": float(cy.loc[cy["health"], "adjusted"].sum()),
                         "health_benefits": float(by.loc[by["health"], "adjusted"].sum()),
                         "health_discount_factor": hlth[year],
                         "pv_costs": float(cy["pv"].sum()), "pv_benefits": float(by["pv"].sum())})
    by_year = pd.DataFrame(rows)
    by_year["net_pv"] = by_year["pv_benefits"] - by_year["pv_costs"]
    by_year["cumulative_npsv"] = by_year.groupby("option")["net_pv"].cumsum()

    summ = []
    for name in names:
        d = by_year[by_year["option"] == name]
        pv_c, pv_b = float(d["pv_costs"].sum()), float(d["pv_benefits"].sum())
        vfm = value_for_money(pv_b, pv_c)
        summ.append({"option": name, "pv_costs": pv_c, "pv_benefits": pv_b, "npsv": pv_b - pv_c,
                     "bcr": vfm["bcr"], "vfm": vfm["vfm"],
                     "payback_year": payback_year(d["cumulative_npsv"].tolist()),
                     "saving": vfm["saving"], "note": vfm["note"]})
    summary = pd.DataFrame(summ)
    # ints and None (never paid back; no meaningful BCR), not floats and NaN
    summary["payback_year"] = pd.Series([r["payback_year"] for r in summ], dtype=object)
    summary["bcr"] = pd.Series([r["bcr"] for r in summ], dtype=object)
    summary["saving"] = summary["saving"].astype(bool)

    trows = []
    for name in names:
        d = tlines[tlines["option"] == name]
        if not len(d):
            continue
        for year in range(horizon + 1):
            v = float(d.loc[d["year"] == year, "value"].sum())
            trows.append({"option": name, "year": year, "transfers": v,
                          "discount_factor": std[year], "pv_transfers": v * std[year]})
    transfers = pd.DataFrame(trows, columns=["option", "year", "transfers", "discount_factor",
                                             "pv_transfers"])

    notes = []
    dflt = lines[(lines["stream"] == "cost") & lines["cost_type_default"].eq(True)]
    if len(dflt):
        source = options.attrs.get("source") or "the options"
        up = dflt[dflt["value"] > 0]
        notes.append(
            f"{source}: {len(dflt)} cost line(s) had no cost_type ({_what_rows(dflt)}) and were "
            f"treated as {DEFAULT_COST_TYPE}, the default: "
            + (f"{len(up)} positive line(s) uplifted by +{cap:.0%} (the capital optimism bias "
               f"for {ptype.replace('_', '/')} projects at mitigation {float(mitigation):.0%})"
               if len(up) else "none is positive, so none was uplifted")
            + (f", where running costs would get +{op:.0%}" if operating_type else "")
            + ". Say capital or operating for every cost row.")
    return Appraisal(lines=lines, by_year=by_year, summary=summary, project_type=ptype,
                     mitigation=float(mitigation), horizon=horizon, operating_type=operating_type,
                     transfers=transfers, warnings=notes)


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


def transfers_table(appraisal: Appraisal, option: str | None = None):
    """The transfers (left out of the NPSV) for the financial case, readable: one row per option
    and year, undiscounted and discounted, + received / − paid out by the organisation making
    the case. £ rounded to the penny from the unrounded values; the discount factor in full.
    Empty (with the columns) when there are no transfers."""
    t = appraisal.transfers
    if t is None:
        import pandas as pd

        t = pd.DataFrame(columns=["option", "year", "transfers", "discount_factor", "pv_transfers"])
    if option is not None:
        t = t[t["option"] == option]
    out = t[["option", "year"]].copy()
    out["transfers (£, + received, − paid)"] = t["transfers"].astype(float).round(2)
    out["discount factor"] = t["discount_factor"].astype(float)
    out["PV of transfers (£)"] = t["pv_transfers"].astype(float).round(2)
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------------ words

def _gbp(v: float) -> str:
    from .charts import format_gbp_short

    return format_gbp_short(v, m_decimals=2)


def _ratio(r: float | None) -> str:
    if r is None or r != r:
        return "not defined"
    return "infinite" if r == math.inf else f"{r:.2f}"


def _bcr_words(row) -> str:
    """``'BCR 1.52'``, or the note saying why there is no BCR (a net saving, no costs)."""
    b = row["bcr"]
    if b is None or b != b:
        return row.get("note") or "BCR not defined"
    return f"BCR {_ratio(b)}"


def _rate_text(rate: float) -> str:
    pct = rate * 100
    return f"{pct:.1f}%" if abs(pct - round(pct, 1)) < 1e-9 else f"{pct:.2f}%"


def schedule_words(horizon: int, health: bool = False) -> str:
    """The discount schedule over years ``0..horizon`` in words: ``'3.5% to year 30, 3.0%
    after'`` for the standard rate (always at least the first two bands, so the reader sees
    the rate falls); the bands actually reached for the health rate (``'1.5%'`` to year 30)."""
    horizon = _check_year(horizon)
    schedule = HEALTH_SCHEDULE if health else STPR_SCHEDULE
    bands = [b for b in schedule if b[0] <= horizon]
    if not health and len(bands) < 2:
        bands = list(schedule[:2])
    if len(bands) == 1:
        return _rate_text(bands[0][2])
    return ", ".join(f"{_rate_text(r)} to year {last}" for _, last, r in bands[:-1]) + \
        f", {_rate_text(bands[-1][2])} after"


def _some(names: list[str], n: int = 3) -> str:
    names = list(dict.fromkeys(names))
    return ", ".join(names[:n]) + (f" and {len(names) - n} more" if len(names) > n else "")


def discounting_text(appraisal: Appraisal) -> str:
    """The sentence naming the discount schedule used for each stream, e.g. ``'Costs and
    benefits are in real prices, discounted at the Green Book rate (3.5% to year 30, 3.0%
    after); health effects (Wellbeing) at 1.5%, the Green Book health rate.'``"""
    h = appraisal.lines[appraisal.lines["health"].eq(True)]
    plain = appraisal.lines[~appraisal.lines["health"].eq(True)]
    std = f"the Green Book rate ({schedule_words(appraisal.horizon)})"
    health = (f"health effects ({_some(h['category'].tolist())}) at "
              f"{schedule_words(appraisal.horizon, health=True)}, the Green Book health rate")
    if len(h) and not len(plain):
        return f"Costs and benefits are in real prices; all are {health}."
    if len(h):
        return f"Costs and benefits are in real prices, discounted at {std}; {health}."
    return f"Costs and benefits are in real prices, discounted at {std}."


def summary_table(appraisal: Appraisal):
    """The appraisal summary, readable: £ rounded, BCR to 2 places (blank when it means
    nothing), payback as text, and a ``note`` column when an option is a net saving or has no
    costs."""
    s = appraisal.summary.copy()
    out = s[["option"]].copy()
    out["PV costs (£)"] = s["pv_costs"].round(0)
    out["PV benefits (£)"] = s["pv_benefits"].round(0)
    out["NPSV (£)"] = s["npsv"].round(0)
    out["BCR"] = [math.nan if b is None or b != b else round(float(b), 2) for b in s["bcr"]]
    out["value for money"] = s["vfm"]
    out["discounted payback"] = [f"year {int(p)}" if p == p and p is not None else "not within the appraisal"
                                 for p in s["payback_year"]]
    if "note" in s and s["note"].fillna("").astype(str).str.len().gt(0).any():
        out["note"] = s["note"].fillna("")
    return out


def by_year_table(appraisal: Appraisal, option: str | None = None):
    """Costs and benefits by year, readable. £ are rounded to the penny **from the unrounded
    values** (each PV is the unrounded value × the unrounded factor, then rounded), and the
    discount factors are shown in full, so a reader multiplying a value by its factor gets the
    PV shown; the PV columns add up to the summary's PVs (to rounding)."""
    d = appraisal.by_year
    if option is not None:
        d = d[d["option"] == option]
    money = ["base_costs", "optimism_bias", "costs", "benefits", "health_costs",
             "health_benefits", "pv_costs", "pv_benefits", "net_pv", "cumulative_npsv"]
    out = d.copy()
    out[money] = out[money].round(2)
    if not (d["health_costs"].abs().sum() or d["health_benefits"].abs().sum()):
        out = out.drop(columns=["health_costs", "health_benefits", "health_discount_factor"])
    if option is not None:
        out = out.drop(columns=["option"])
    return out.reset_index(drop=True)


def summary_text(appraisal: Appraisal, preferred: str, baseline: str | None = None,
                 sens=None) -> str:
    """The economic case in plain words (markdown): the PVs, NPSV and BCR (or, for a net
    saving or an option without costs, why there is no BCR and how it is rated), the discount
    schedule used for each stream, payback, the do-minimum, optimism bias, what was assumed,
    sensitivity and the transfers left out of the NPSV."""
    s = appraisal.summary.set_index("option")
    p = s.loc[preferred]
    years = appraisal.horizon + 1
    cap = optimism_bias(appraisal.project_type, "capital", appraisal.mitigation)
    period = f"Over {years} years (year 0 to year {appraisal.horizon})"
    if p["bcr"] is not None and p["bcr"] == p["bcr"]:
        first = (f"{period}, **{preferred}** has costs with a present value of "
                 f"{_gbp(p['pv_costs'])} and benefits of {_gbp(p['pv_benefits'])}: a **net present "
                 f"social value of {_gbp(p['npsv'])}** and a **benefit-cost ratio of "
                 f"{_ratio(p['bcr'])}**, which is **{p['vfm']}** value for money.")
    elif bool(p.get("saving", False)):
        first = (f"{period}, **{preferred}** is a **{p['note']}**, with benefits of "
                 f"{_gbp(p['pv_benefits'])}: a **net present social value of {_gbp(p['npsv'])}**. "
                 "A benefit-cost ratio means nothing for a net saving (it would be negative), so "
                 "the option is rated by its NPSV: "
                 + ("saving money and adding value, it is **very high** value for money."
                    if p["vfm"] == "very high" else
                    "the benefits lost outweigh the saving, so it is **poor** value for money."))
    else:
        first = (f"{period}, **{preferred}** has no costs (present value {_gbp(p['pv_costs'])}) "
                 f"and benefits of {_gbp(p['pv_benefits'])}: a **net present social value of "
                 f"{_gbp(p['npsv'])}**. With no costs the benefit-cost ratio is not defined, so "
                 f"the option is rated by its NPSV: **{p['vfm']}** value for money.")
    lines = [first, discounting_text(appraisal)]
    if p["payback_year"] is not None and p["payback_year"] == p["payback_year"]:
        lines.append(f"Counting discounted costs and benefits, it pays back in year "
                     f"{int(p['payback_year'])}.")
    else:
        lines.append("It does not pay back within the appraisal period.")
    if baseline and baseline in s.index and baseline != preferred:
        b = s.loc[baseline]
        diff = p["npsv"] - b["npsv"]
        lines.append(f"The do-minimum option (**{baseline}**) has an NPSV of {_gbp(b['npsv'])} "
                     f"({_bcr_words(b)}, {b['vfm']}); the preferred option adds "
                     f"{_gbp(diff)} of net value." if diff >= 0 else
                     f"The do-minimum option (**{baseline}**) has a higher NPSV, "
                     f"{_gbp(b['npsv'])}: on these numbers it is the better choice.")
    op = (optimism_bias(appraisal.operating_type, "operating", appraisal.mitigation)
          if appraisal.operating_type else 0.0)
    lines.append(f"Costs include optimism bias for *{appraisal.project_type.replace('_', '/')}* "
                 f"projects: capital costs +{cap:.0%}, running costs +{op:.0%} (mitigation "
                 f"{appraisal.mitigation:.0%} of the way from the upper to the lower bound); "
                 "savings (negative costs) are not uplifted.")
    for w in appraisal.warnings:
        lines.append(f"*Assumed:* {w}")
    if sens is not None and len(sens):
        top = sens.iloc[0]
        lines.append(f"The result is most sensitive to **{top['category']}** ({top['stream']}): "
                     f"±{sens.attrs.get('pct', 20):.0f}% moves the NPSV between "
                     f"{_gbp(top['npsv_low'])} and {_gbp(top['npsv_high'])}.")
        ben = sens[sens["stream"] == "benefit"]
        total_b = p["pv_benefits"]
        if len(ben) and p["npsv"] > 0 and total_b > 0:
            share = 100 * p["npsv"] / total_b
            lines.append(f"Benefits as a whole would have to fall by {share:.0f}% for the NPSV "
                         "to reach zero (the switching value of all benefits together)."
                         if share <= 100 else
                         "The NPSV stays positive even with no benefits at all: the saving "
                         "alone pays for the option.")
    t = appraisal.transfers
    if t is not None and len(t) and preferred in set(t["option"]):
        tp = t[t["option"] == preferred]
        lines.append(f"Transfers (payments with no resource used up, such as grants or "
                     f"recovered overpayments) are left out of the NPSV: for {preferred} they "
                     f"come to {_gbp(float(tp['transfers'].sum()))} (real prices; "
                     f"{_gbp(float(tp['pv_transfers'].sum()))} in present value; + received, "
                     "− paid) and belong in the financial case.")
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
        f"NPSV {_gbp(r.npsv)}, {_bcr_words(r._asdict())} ({r.vfm})." for r in s.itertuples())
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
    return (f"**{result['option']}**: NPSV {_gbp(result['npsv'])}, {_bcr_words(result)} "
            f"(**{result['vfm']}** value for money); PV costs {_gbp(result['pv_costs'])}, PV "
            f"benefits {_gbp(result['pv_benefits'])}; "
            + (f"pays back in year {int(pb)}." if pb is not None and pb == pb
               else "does not pay back within the appraisal."))


#: The standard "what if" cases of the scenarios table (on top of the chosen changes).
SCENARIO_CASES = {"benefits 25% lower": {"benefits_pct": -25},
                  "costs 25% higher": {"costs_pct": 25},
                  "both": {"benefits_pct": -25, "costs_pct": 25},
                  "risks fully mitigated": {"mitigation": 1.0}}


def _pct_words(benefits_pct: float, costs_pct: float) -> str:
    parts = [f"{what} {v:+g}%" for what, v in (("benefits", benefits_pct), ("costs", costs_pct))
             if v]
    return "your values (" + ", ".join(parts) + ")" if parts else "as estimated"


def scenario_table(options, option: str, *, benefits_pct: float = 0.0, costs_pct: float = 0.0,
                   mitigation: float = 0.0, project_type: str = DEFAULT_PROJECT_TYPE,
                   horizon: int | None = None):
    """The scenarios table: the option with the given changes ("as estimated" when none, else
    "your values (…)"), then the standard cases of :data:`SCENARIO_CASES` — benefits 25% lower,
    costs 25% higher, both, risks fully mitigated — each on top of those changes. Columns:
    ``scenario, NPSV (£), BCR, value for money, discounted payback``."""
    import pandas as pd

    base = {"benefits_pct": benefits_pct, "costs_pct": costs_pct, "mitigation": mitigation}
    cases = {_pct_words(benefits_pct, costs_pct): {}}
    for label, kw in SCENARIO_CASES.items():
        kw = {k: (v if k == "mitigation" else base[k] + v) for k, v in kw.items()}
        cases[label] = kw
    rows = []
    for label, kw in cases.items():
        r = scenario(options, option, project_type=project_type, horizon=horizon,
                     **{**base, **kw})
        rows.append({"scenario": label, "NPSV (£)": round(r["npsv"]),
                     "BCR": None if r["bcr"] is None else round(r["bcr"], 2),
                     "value for money": r["vfm"],
                     "discounted payback": ("never" if r["payback_year"] is None
                                            else f"year {r['payback_year']}")})
    return pd.DataFrame(rows)


def scenario_sliders(options, option: str, *, mitigation: float = 0.0,
                     project_type: str = DEFAULT_PROJECT_TYPE, horizon: int | None = None):
    """Sliders for benefits ±, costs ± and the optimism bias mitigation. Under them, in the
    widget's own output area, :func:`scenario_text` and :func:`scenario_table` for the slider
    values: shown for the starting values when built (stored in the widget, never printed in
    the cell: papermill-safe) and redrawn on every move, so the table under the sliders is
    always the one for the values they show."""
    from .widgets import sliders, text_and_table

    def show(benefits_pct, costs_pct, mitigation):
        kw = {"benefits_pct": benefits_pct, "costs_pct": costs_pct, "mitigation": mitigation,
              "project_type": project_type, "horizon": horizon}
        return text_and_table(scenario_text(scenario(options, option, **kw)),
                              scenario_table(options, option, **kw))

    return sliders({"benefits_pct": (-80, 80, 5, 0, "Benefits change (%)"),
                    "costs_pct": (-50, 150, 5, 0, "Costs change (%)"),
                    "mitigation": (0.0, 1.0, 0.05, float(mitigation),
                                   "Optimism bias mitigation (0 = upper bound)")}, show,
                   show_initial=True,
                   description="Interactive scenario sliders: move them to change all benefits, "
                               "all costs and the optimism bias mitigation; the scenarios table "
                               "for your values appears under them.")


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
