"""Synthetic appraisal options for the sample council's libraries and community hubs.

``council/appraisal_options.csv`` — two options over 10 years (year 0 = the base year), every
value the change against business as usual, in real (base-year) prices:

- **Do minimum**: keep a web page listing each hub's opening hours and services, updated by hand;
- **Open service data and app partnership**: publish the hubs' services, sessions and opening
  hours as open data (OpenReferral UK layout, Open Government Licence) with an API, and work
  with local app makers and the NHS social prescribing service so residents find what they need.

Every figure is invented (seeded), of a plausible size for a district council.
"""
from __future__ import annotations

from pathlib import Path

from .common import SampleCouncil, rng_for, write_csv

DATA_FILES = {"options": "council/appraisal_options.csv"}
YEARS = 10
DO_MINIMUM = "Do minimum"
PREFERRED = "Open service data and app partnership"


def _ramp(year: int, full: float, years_to_full: int = 3) -> float:
    """Benefits build up: nothing in year 0, then a straight line to ``full`` by year 3."""
    return 0.0 if year == 0 else full * min(1.0, year / years_to_full)


def rows(council: SampleCouncil) -> list[list]:
    rng = rng_for(council, "appraisal")

    def jiggle(v: float) -> int:
        return int(round(v * rng.uniform(0.95, 1.05), -2))  # to the nearest £100

    out = [["option", "year", "stream", "category", "value", "cost_type", "health"]]
    for y in range(YEARS):
        out.append([DO_MINIMUM, y, "cost", "Staff time updating web pages", jiggle(6000),
                    "operating", ""])
        if y > 0:
            out.append([DO_MINIMUM, y, "benefit", "Phone and desk enquiries avoided",
                        jiggle(5500), "", ""])
    for y in range(YEARS):
        if y == 0:
            out.append([PREFERRED, y, "cost", "Data platform and API set-up", jiggle(38000),
                        "capital", ""])
            out.append([PREFERRED, y, "cost", "Staff training and data clean-up", jiggle(9000),
                        "capital", ""])
        if y == 5:
            out.append([PREFERRED, y, "cost", "Platform refresh", jiggle(12000), "capital", ""])
        out.append([PREFERRED, y, "cost", "Data steward (0.4 FTE)", jiggle(15000), "operating", ""])
        out.append([PREFERRED, y, "cost", "Hosting and API", jiggle(3000), "operating", ""])
        if y > 0:
            out.append([PREFERRED, y, "cost", "App partnership management", jiggle(5000),
                        "operating", ""])
            out.append([PREFERRED, y, "benefit", "Phone and desk enquiries avoided",
                        jiggle(_ramp(y, 24000)), "", ""])
            out.append([PREFERRED, y, "benefit", "Residents' time saved finding services",
                        jiggle(_ramp(y, 52000)), "", ""])
            out.append([PREFERRED, y, "benefit", "More use of hub activities",
                        jiggle(_ramp(y, 30000)), "", ""])
            out.append([PREFERRED, y, "benefit", "Wellbeing from social prescribing referrals",
                        jiggle(_ramp(y, 14000)), "", "yes"])
    return out


def generate(root: Path, council: SampleCouncil) -> list[Path]:
    return [write_csv(Path(root) / DATA_FILES["options"], rows(council))]
