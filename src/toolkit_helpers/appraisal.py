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
# The health rate follows the same declining pattern, 2 percentage points lower (1.5% to year 30).
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


@dataclass(frozen=True)
class Summary:
    pv_costs: float
    pv_benefits: float
    npsv: float
    bcr: float
    vfm: str
    payback_year: int | None
