"""Charts stay legible when zoomed: every chart function, drawn on the sample data, has no
text under 9 pt at its natural size, and no figure is wider than a notebook cell shows at
100% zoom without shrinking it a lot."""
from __future__ import annotations

from pathlib import Path

import pytest

from toolkit_helpers import charts

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
MAX_WIDTH_IN = 10.5  # a wider figure is shrunk to the cell and its type with it


@pytest.fixture(scope="module")
def claimants_df():
    from toolkit_helpers import claimants

    return claimants.load_claimant_count(
        [SAMPLE / "claimants" / "nomis_claimant_count_authorities.csv",
         SAMPLE / "claimants" / "claimant_count_region_england_tidy.csv"])


@pytest.fixture(scope="module")
def counts():
    from toolkit_helpers import transport

    return transport.load_station_counts(sorted((SAMPLE / "transport" / "station_counts").glob("*.csv")))


@pytest.fixture(scope="module")
def access():
    from toolkit_helpers import openreferral, transport
    from toolkit_helpers import transport_analysis as ta

    sites = openreferral.load_service_locations(SAMPLE / "transport" / "service_locations.csv")
    stops = transport.load_stops(SAMPLE / "transport" / "stops.txt")
    return sites, stops, ta.access_table(sites, stops)


def _claimant_areas(df):
    authorities = sorted(set(df.loc[df["area_type"].str.contains("authority", case=False, na=False),
                                    "area_code"]))
    return authorities or sorted(set(df["area_code"]))


def _claimant_charts(df):
    from toolkit_helpers import claimants_charts as cc
    from toolkit_helpers import hexmap

    areas = _claimant_areas(df)
    month = sorted(df["date"].unique())[0]
    yield "compare_figure", cc.compare_figure(df, areas[:4], "rate")
    yield "compare_figure indexed", cc.compare_figure(df, areas[:3], "count", index_base=month)
    yield "small_multiples", cc.small_multiples(df, areas[:6], "rate", reference=None)
    tiles = cc.load_tile_map(SAMPLE / "geography" / "northvale_tile_map.csv")
    yield "tile_map", cc.tile_map(df, tiles, measure="rate", highlight=areas[0])
    hexes = cc.load_tile_map(Path(__file__).parent / "fixtures" / "northvale.hexjson")
    assert hexmap.is_hex_tiles(hexes)
    yield "hex tile_map", cc.tile_map(df, hexes, measure="rate", highlight=areas[0], region=None)


def _transport_charts(counts, access):
    import pandas as pd

    from toolkit_helpers import transport
    from toolkit_helpers import transport_analysis as ta
    from toolkit_helpers import transport_charts as tc

    sites, stops, table = access
    years = ta.years_of(counts)
    yield "busiest_figure", tc.busiest_figure(ta.busiest(counts, n=10, year=years[-1]), years[-1])
    yield "change_figure", tc.change_figure(ta.change_between_years(counts, years[0], years[-1]),
                                            years[0], years[-1], n=10)
    yield "day_profile_figure", tc.day_profile_figure(
        {y: ta.day_type_profile(counts, y) for y in (years[0], years[-1])})
    journeys = transport.load_daily_journeys(SAMPLE / "transport" / "network_demand_daily_journeys.csv")
    trend = ta.rolling_trend(journeys)
    yield "trend_figure", tc.trend_figure(trend, journeys.attrs["report"]["modes"][0])
    yield "access_figure", tc.access_figure(table, threshold_m=800)
    yield "access_map", tc.access_map(sites, stops, table, threshold_m=800)
    from toolkit_helpers import evidence

    worked = evidence.tfl_worked_example()
    assert isinstance(worked["table"], pd.DataFrame)
    yield "appraisal_figure", tc.appraisal_figure(worked["table"], worked["npsv"], worked["bcr"])


def _ecosystem_charts():
    from toolkit_helpers import ecosystem

    maps = [ecosystem.load_map(p) for p in sorted((SAMPLE / "ecosystems").glob("*.yaml"))]
    for m in maps:
        yield f"ecosystem map {m.name}", ecosystem.map_figure(m)
    yield "ecosystem compare_figure", ecosystem.compare_figure(maps[0], maps[1])


def _check(name, made):
    fig, alt = made
    assert alt and len(alt) > 20, name
    small = charts.small_text(fig)
    assert not small, f"{name}: text under {charts.MIN_FONT_PT} pt: {small[:5]}"
    assert fig.get_figwidth() <= MAX_WIDTH_IN, f"{name}: {fig.get_figwidth():.1f} in wide"


def test_claimant_charts_have_no_text_under_9pt(claimants_df):
    made = list(_claimant_charts(claimants_df))
    assert len(made) == 5
    for name, m in made:
        _check(name, m)


def test_transport_charts_have_no_text_under_9pt(counts, access):
    made = list(_transport_charts(counts, access))
    assert len(made) == 7
    for name, m in made:
        _check(name, m)


def test_ecosystem_maps_have_no_text_under_9pt():
    made = list(_ecosystem_charts())
    assert len(made) == 4
    for name, m in made:
        _check(name, m)


def test_small_text_finds_small_type():
    fig, ax = charts.new_figure()
    ax.plot([0, 1], [0, 1])
    ax.text(0.5, 0.5, "tiny", fontsize=6)
    assert charts.small_text(fig) == [("tiny", 6.0)]
    ax.tick_params(labelsize=7)
    assert {s for _, s in charts.small_text(fig)} == {6.0, 7.0}


def test_style_sizes_are_at_least_the_minimum():
    import matplotlib
    from matplotlib.font_manager import FontProperties

    charts.apply_style()
    for key in ("font.size", "axes.titlesize", "axes.labelsize", "xtick.labelsize",
                "ytick.labelsize", "legend.fontsize", "legend.title_fontsize", "figure.titlesize"):
        size = FontProperties(size=matplotlib.rcParams[key]).get_size_in_points()
        assert size >= charts.MIN_FONT_PT, key


def test_figures_are_shown_at_their_natural_width_and_sharp():
    import base64
    import struct

    fig, ax = charts.new_figure(figsize=(6, 3))
    ax.plot([0, 1], [1, 0])
    dpi = charts.SCREEN_DPI * charts.RETINA
    bundle = charts.figure_bundle(charts.figure_png(fig, dpi=dpi), "A line falling from 1 to 0",
                                  charts.natural_width(fig))
    assert 'width="600"' in bundle["text/html"] and "max-width:100%" in bundle["text/html"]
    png = base64.b64decode(bundle["image/png"])
    width = struct.unpack(">I", png[16:20])[0]
    assert width == 600 * charts.RETINA > 600  # more pixels than shown: sharp when zoomed
