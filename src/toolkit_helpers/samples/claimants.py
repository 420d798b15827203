"""Synthetic claimant counts for the fictional region: monthly, January 2015 to September 2026,
for every authority in Northvale, the region and England, as a count and as a rate (% of
residents aged 16–64).

Two published layouts:

- ``claimants/nomis_claimant_count_authorities.csv`` — the authorities in the **raw NOMIS API
  CSV** layout (every field quoted; ``DATE_NAME`` like ``January 2018``; ``MEASURE_NAME`` naming
  the count or the proportion; ``MEASURES_NAME`` = ``Value``; ``OBS_VALUE``; counts rounded to
  the nearest 5 as NOMIS publishes them), with male/female rows besides the totals for the
  council itself (a breakdown the loader narrows to totals);
- ``claimants/claimant_count_region_england_tidy.csv`` — the region and England as a **tidy
  extract** (one row per area, month and measure; months written ``Jan 2015``).

Plus ``geography/northvale_tile_map.csv``: the region's authorities on a grid for the tile map.

The shape over time follows the real series (a steady fall to early 2020, a jump in April–May
2020, a slow recovery) but every number is invented.
"""
from __future__ import annotations

import csv
import math
from pathlib import Path

from .common import AUTHORITIES, ENGLAND, SampleCouncil, rng_for, write_csv

DATA_FILES = {"claimants": "claimants", "tile_map": "geography/northvale_tile_map.csv"}
RAW_FILE = "claimants/nomis_claimant_count_authorities.csv"
TIDY_FILE = "claimants/claimant_count_region_england_tidy.csv"
FIRST, LAST = (2015, 1), (2026, 9)
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
COUNT_MEASURE = "Claimant count"
RATE_MEASURE = "Claimants as a proportion of residents aged 16-64"
ENGLAND_POP_16_64 = 35_400_000


def months() -> list[tuple[int, int]]:
    out, (y, m) = [], FIRST
    while (y, m) <= LAST:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _shape(k: int, y: int, m: int) -> float:
    """The common shape (1.0 = January 2015): falling to 2020, the pandemic jump, recovery."""
    t = k / 12
    if (y, m) < (2020, 4):
        base = 1.0 - 0.09 * t
    else:
        since = (y - 2020) * 12 + (m - 4)
        base = 0.58 + 1.15 * math.exp(-since / 20) + 0.004 * since
        base = min(base, 2.3) if since > 0 else 1.65
    return base * (1 + 0.03 * math.cos(2 * math.pi * (m - 1) / 12))


def _series(council: SampleCouncil):
    rng = rng_for(council, "claimants")
    ms = months()
    counts: dict[str, list[int]] = {}
    for a in AUTHORITIES:
        level = rng.uniform(1.3, 3.6) / 100 * a.population_16_64  # January 2015 claimants
        drift = rng.uniform(-0.004, 0.004)
        counts[a.code] = [max(5, int(round(level * _shape(k, y, m) * (1 + drift * k)
                                               * (1 + rng.gauss(0, 0.02)) / 5) * 5))
                          for k, (y, m) in enumerate(ms)]
    eng = [int(round(ENGLAND_POP_16_64 * 0.021 * _shape(k, y, m) * (1 + rng.gauss(0, 0.005)) / 5) * 5)
           for k, (y, m) in enumerate(ms)]
    return ms, counts, eng


def _rate(count: int, pop: int) -> str:
    return f"{count / pop * 100:.1f}"


def generate(root: Path, council: SampleCouncil) -> list[Path]:
    ms, counts, eng = _series(council)
    rng = rng_for(council, "claimants-sex")
    header = ["DATE", "DATE_NAME", "GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "GENDER_NAME", "AGE_NAME",
              "MEASURE_NAME", "MEASURES_NAME", "OBS_VALUE", "OBS_STATUS_NAME"]
    raw = [header]
    for a in AUTHORITIES:
        for k, (y, m) in enumerate(ms):
            date, name = f"{y}-{m:02d}", f"{MONTH_NAMES[m - 1]} {y}"
            c = counts[a.code][k]
            common = [date, name, a.name, a.code]
            raw.append(common + ["Total", "All categories: Age 16+", COUNT_MEASURE, "Value",
                                 str(c), "Normal Value"])
            raw.append(common + ["Total", "All categories: Age 16+", RATE_MEASURE, "Value",
                                 _rate(c, a.population_16_64), "Normal Value"])
            if a.code == council.gss_code:  # a breakdown by sex, as NOMIS exports it
                men = int(round(c * rng.uniform(0.55, 0.62) / 5) * 5)
                raw.append(common + ["Male", "All categories: Age 16+", COUNT_MEASURE, "Value",
                                     str(men), "Normal Value"])
                raw.append(common + ["Female", "All categories: Age 16+", COUNT_MEASURE, "Value",
                                     str(c - men), "Normal Value"])
    region_pop = sum(a.population_16_64 for a in AUTHORITIES)
    tidy = [["month", "area_code", "area_name", "measure", "value"]]
    for code, name, series, pop in (
            (council.region_code, council.region_name,
             [sum(counts[a.code][k] for a in AUTHORITIES) for k in range(len(ms))], region_pop),
            (ENGLAND[0], ENGLAND[1], eng, ENGLAND_POP_16_64)):
        for k, (y, m) in enumerate(ms):
            month = f"{MONTH_NAMES[m - 1][:3]} {y}"
            tidy.append([month, code, name, "Claimant count", str(series[k])])
            tidy.append([month, code, name, "Claimant rate (%)", _rate(series[k], pop)])
    tiles = [["area_code", "area_name", "row", "col"]] + \
        [[a.code, a.name, str(a.row), str(a.col)] for a in AUTHORITIES]
    return [
        write_csv(root / RAW_FILE, raw, quoting=csv.QUOTE_ALL),
        write_csv(root / TIDY_FILE, tidy),
        write_csv(root / DATA_FILES["tile_map"], tiles),
    ]
