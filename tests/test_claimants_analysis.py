"""Claimant analyses and charts, on a small frame whose answers are worked out by hand."""
import pandas as pd
import pytest

from toolkit_helpers import DataFileError
from toolkit_helpers import claimants_analysis as ca
from toolkit_helpers import claimants_charts as cc

MONTHS = pd.date_range("2019-01-01", periods=15, freq="MS")  # Jan 2019 .. Mar 2020
AREAS = {  # code: (name, count at month k = a + b*k, population 16-64)
    "E07000901": ("Anytown", 1000, 10, 50_000),
    "E07000902": ("Bramblefield", 800, -5, 40_000),
    "E07000903": ("Castlemere", 600, 0, 60_000),
}
REGION, ENGLAND = "E12000999", "E92000001"


def frame():
    rows = []
    for k, d in enumerate(MONTHS):
        total, pop = 0, 0
        for code, (name, a, b, p) in AREAS.items():
            c = a + b * k
            total, pop = total + c, pop + p
            rows += [(d, code, name, "count", float(c)), (d, code, name, "rate", round(c / p * 100, 2))]
        rows += [(d, REGION, "Northvale", "count", float(total)),
                 (d, REGION, "Northvale", "rate", round(total / pop * 100, 2)),
                 (d, ENGLAND, "England", "count", 1_000_000.0 + 1000 * k),
                 (d, ENGLAND, "England", "rate", 2.5)]
    df = pd.DataFrame(rows, columns=["date", "area_code", "area_name", "measure", "value"])
    df["area_type"] = "x"
    return df


def test_series_and_index():
    df = frame()
    idx = ca.indexed(df, ["E07000901", "E07000902"], "2019-01", "count")
    # Anytown in Mar 2020 (k=14): 1140 / 1000 * 100; Bramblefield: 730 / 800 * 100
    assert idx.loc["2020-03-01", "E07000901"] == 114.0
    assert idx.loc["2020-03-01", "E07000902"] == round(730 / 800 * 100, 1)
    with pytest.raises(ValueError, match="not in the data"):
        ca.indexed(df, ["E07000901"], "2010-01")
    with pytest.raises(ValueError, match="no rate values for E99999999"):
        ca.series(df, ["E99999999"], "rate")


def test_rolling_mean():
    r = ca.rolling(frame(), "E07000901", "count", window=3)
    assert r["rolling_mean"].isna().sum() == 2
    assert r["rolling_mean"].iloc[2] == (1000 + 1010 + 1020) / 3


def test_compare_with_region_england_and_comparators():
    t = ca.compare(frame(), "E07000901", REGION, ENGLAND, comparators=["E07000902", "E07000903"],
                   base_month="2019-03").set_index("code")
    any_rate_now = round(1140 / 50_000 * 100, 2)
    any_rate_year_ago = round(1020 / 50_000 * 100, 2)  # Mar 2019, k=2
    assert t.at["E07000901", "rate %"] == any_rate_now
    assert t.at["E07000901", "rate change over the year (pts)"] == round(any_rate_now - any_rate_year_ago, 2)
    assert t.at["E07000901", "count index (base = 100)"] == round(1140 / 1020 * 100, 2)
    region_now = 1140 + 730 + 600
    assert t.at[REGION, "count"] == region_now
    assert t.at[ENGLAND, "rate change since base (pts)"] == 0
    avg = t[t["role"] == "comparator average"].iloc[0]
    assert avg["count"] == round((730 + 600) / 2)
    assert list(t["role"]) == ["council", "region", "country", "comparator", "comparator",
                               "comparator average"]


def test_rank_and_fastest_rises():
    df = frame()
    r = ca.rank_in_region(df, list(AREAS), measure="rate")
    # rates in Mar 2020: Anytown 2.28, Bramblefield 1.825->1.82 (rounded), Castlemere 1.0
    assert r["area"].tolist() == ["Anytown", "Bramblefield", "Castlemere"]
    assert r["rank"].tolist() == [1, 2, 3]
    up = ca.fastest_rises(df, "E07000901", "count", n=2)
    assert up["change"].tolist() == [10.0, 10.0]  # a steady rise: earliest months first on ties
    assert up["month"].tolist() == ["February 2019", "March 2019"]
    assert up["change %"].iloc[0] == 1.0


def test_need_and_summary_text():
    df = frame()
    n = ca.need(df, "E07000901", REGION, list(AREAS), ENGLAND, base_month="2019-01")
    assert (n.council, n.month, n.count, n.rank, n.of) == ("Anytown", "March 2020", 1140, 1, 3)
    assert n.count_index == pytest.approx(114.0)
    text = ca.summary_text(n)
    assert "**1,140 people**" in text and "**2.3%**" in text
    assert "above the region" in text and "ranks 1 of 3" in text
    assert "114% of its level in January 2019" in text
    assert "up by 0.2 percentage points" in text  # Mar 2020 2.28% - Mar 2019 2.04%


# ------------------------------------------------------ like with like; the region optional

OTHERS = {  # code: (name, rate) of areas of other kinds in the same file
    "E05000001": ("A ward", 9.0), "E47000001": ("A combined authority", 8.0),
    "E10000001": ("A county", 7.0), "E06000901": ("Unitary Town", 1.5),
    "W06000901": ("Welsh Town", 2.0),
}


def mixed_frame(region: bool = True):
    """frame() plus a ward, a combined authority, a county (all with higher rates than any
    authority), a unitary and a Welsh unitary authority; optionally without the region."""
    df = frame()
    rows = [(d, code, name, m, v if m == "rate" else v * 1000)
            for d in MONTHS for code, (name, v) in OTHERS.items() for m in ("rate", "count")]
    df = pd.concat([df, pd.DataFrame(rows, columns=["date", "area_code", "area_name", "measure",
                                                    "value"]).assign(area_type="x")],
                   ignore_index=True)
    return df if region else df[df["area_code"] != REGION].reset_index(drop=True)


def test_rank_only_authorities_of_the_councils_kind():
    df = mixed_frame()
    everything = sorted(set(df["area_code"]))
    r = ca.rank_in_region(df, everything, measure="rate", council="E07000901")
    # rates in Mar 2020: Anytown 2.28, Welsh Town 2.0, Bramblefield 1.82, Unitary Town 1.5,
    # Castlemere 1.0; the ward (9.0), combined authority (8.0), county (7.0), region and
    # England are not authorities of the same kind
    assert r["code"].tolist() == ["E07000901", "W06000901", "E07000902", "E06000901", "E07000903"]
    assert r["rank"].tolist() == [1, 2, 3, 4, 5]
    assert sorted(r.attrs["left_out"]) == ["E05000001", "E10000001", "E12000999", "E47000001",
                                           "E92000001"]
    # without a list: every local authority in the data
    assert ca.rank_in_region(df, measure="rate")["code"].tolist() == r["code"].tolist()
    # a ward is ranked among wards only
    assert ca.rank_in_region(df, everything, council="E05000001")["code"].tolist() == ["E05000001"]
    assert ca.kind_of("E08000003") == ca.kind_of("S12000036") == "local authority"
    assert ca.kind_of("E47000001") == "combined authority"


def test_need_ranks_like_with_like_when_given_every_code():
    df = mixed_frame()
    n = ca.need(df, "E07000901", REGION, sorted(set(df["area_code"])), ENGLAND)
    assert (n.rank, n.of, n.rank_among) == (1, 5, "in the region")


def test_compare_and_need_without_the_region():
    df = mixed_frame(region=False)
    t = ca.compare(df, "E07000901", None, ENGLAND, comparators=["E07000902", "E07999999"],
                   base_month="2019-01")
    assert t["role"].tolist() == ["council", "country", "comparator", "comparator average"]
    assert t.attrs["not_in_file"] == ["E07999999"] and t.attrs["region"] is None
    assert t.set_index("code").at["E07000901", "count index (base = 100)"] == 114.0
    # a configured region that is not in the file is left out the same way
    t2 = ca.compare(df, "E07000901", REGION, ENGLAND)
    assert t2["role"].tolist() == ["council", "country"] and t2.attrs["not_in_file"] == [REGION]
    n = ca.need(df, "E07000901", None, None, ENGLAND, base_month="2019-01")
    assert n.region_rate is None and n.region is None and n.country_rate == 2.5
    assert (n.rank, n.of) == (1, 5)  # among E06, E07 and W06 authorities; no ward, no county
    text = ca.summary_text(n)
    assert "That is below England (2.5%); the region was not in the file, so not compared; " in text
    assert "Anytown ranks 1 of 5 among the local authorities in the file (1 = highest rate)." in text
    assert "114% of its level in January 2019" in text and "nan" not in text.lower()


def test_indexed_and_series_leave_out_a_missing_region():
    df = mixed_frame(region=False)
    idx = ca.indexed(df, ["E07000901", None, ENGLAND], "2019-01", "count")
    assert list(idx.columns) == ["E07000901", ENGLAND]
    assert idx.loc["2020-03-01", "E07000901"] == 114.0
    assert idx.loc["2020-03-01", ENGLAND] == round(1_014_000 / 1_000_000 * 100, 1)


def test_default_base_month_peers_and_region_in_file():
    df = mixed_frame()
    assert ca.default_base_month(df) == "2019-01"
    # configured neighbours that are in the file, in the configured order
    assert ca.peers_in_file(df, "E07000901", ["E07000903", "E07999999", "e07000902"]) == \
        ["E07000903", "E07000902"]
    # none of them in the file: the other authorities of the same kind
    assert ca.peers_in_file(df, "E07000901", ["E07999999"]) == \
        ["E06000901", "E07000902", "E07000903", "W06000901"]
    assert ca.peers_in_file(df, "E07000901") == ["E06000901", "E07000902", "E07000903", "W06000901"]
    assert ca.region_in_file(df, "E07000901", REGION) == REGION
    assert ca.region_in_file(df, "E07000901", "E12000001") == REGION  # the one region in the file
    assert ca.region_in_file(df, "E07000901") == REGION
    assert ca.region_in_file(mixed_frame(region=False), "E07000901", REGION) is None
    two = pd.concat([df, df[df["area_code"] == REGION].assign(area_code="E12000998")])
    assert ca.region_in_file(two, "E07000901", "E12000001") is None
    assert ca.region_in_file(two, "E07000901", "E12000998") == "E12000998"


def test_a_council_not_in_the_file_says_which_codes_are_there():
    df = mixed_frame()
    for call in (lambda: ca.compare(df, "E07000999", REGION), lambda: ca.peers_in_file(df, "E07000999"),
                 lambda: ca.region_in_file(df, "E07000999"), lambda: ca.need(df, "E07000999"),
                 lambda: ca.rank_in_region(df, council="E07000999")):
        with pytest.raises(DataFileError) as e:
            call()
        msg = str(e.value)
        assert "the council's code 'E07000999' is not in the claimant count data" in msg
        assert "codes there: E05000001, E06000901, E07000901, E07000902, E07000903, E10000001, " \
               "E12000999, E47000001 … (10 codes in all)" in msg
        assert "council.gss_code" in msg


def test_compare_figure_alt_text_from_the_numbers():
    fig, alt = cc.compare_figure(frame(), ["E07000901", ENGLAND], "rate", since="2019-06")
    assert "from June 2019 to March 2020" in alt
    assert "Anytown 2.3%" in alt and "England 2.5%" in alt
    assert "peaked at 2.3% in March 2020" in alt
    assert len(fig.axes[0].lines) == 2


def test_compare_figure_indexed():
    fig, alt = cc.compare_figure(frame(), ["E07000901", "E07000902"], "count", index_base="2019-01")
    assert "index (jan 2019 = 100)" in alt
    assert "Anytown 114; Bramblefield 91" in alt  # 1140/1000, 730/800
    assert 100 in fig.axes[0].lines[-1].get_ydata()  # the base line


def test_small_multiples_one_panel_per_area():
    fig, alt = cc.small_multiples(frame(), list(AREAS) + [REGION], "rate", reference=ENGLAND, ncols=2)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 4
    assert "4 panels" in alt and "Above it then: none" in alt  # England is 2.5%, all lower
    assert "Highest: Northvale" not in alt and "Highest: Anytown 2.3%" in alt


def test_tile_map(tmp_path):
    f = tmp_path / "tiles.csv"
    f.write_text("area_code,area_name,row,col\nE07000901,Anytown,0,0\nE07000902,Bramblefield,0,1\n"
                 "E07000903,Castlemere,1,0\nE07000999,Nowhere,1,1\n")
    tiles = cc.load_tile_map(f)
    fig, alt = cc.tile_map(frame(), tiles, measure="rate", highlight="E07000901")
    assert "Tile map of 3 authorities" in alt  # Nowhere has no data
    assert "Highest: Anytown 2.3%; lowest: Castlemere 1.0%" in alt
    assert "Outlined: Anytown 2.3%" in alt
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Bramblefield" in texts and "1.8%" in texts


def test_tile_map_from_a_hexjson_layout():
    """A published-style HexJSON layout (tests/fixtures/northvale.hexjson) in place of the CSV
    grid: the authorities in the claimant data are drawn as hexagons (more in test_hexmap.py)."""
    from pathlib import Path

    from matplotlib.patches import Polygon

    tiles = cc.load_tile_map(Path(__file__).parent / "fixtures" / "northvale.hexjson")
    fig, alt = cc.tile_map(frame(), tiles, measure="rate", highlight="E07000901")
    assert len([p for p in fig.axes[0].patches if isinstance(p, Polygon)]) == 3
    assert alt.startswith("Hex map of 3 authorities in the council's region (E12000999)")
    assert "Highest: Anytown 2.3%; lowest: Castlemere 1.0%" in alt
    assert "Outlined: Anytown 2.3%" in alt
    assert "Values, highest first: Anytown 2.3%; Bramblefield 1.8%; Castlemere 1.0%." in alt
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "Bramblefield" in texts and "1.8%" in texts


@pytest.mark.parametrize("text,problem", [
    ("area_code,area_name,row\nE07000901,A,0\n", r"lacks the column\(s\) col"),
    ("area_code,area_name,row,col\nE07000901,A,0,x\n", "'x' is not a whole number"),
    ("area_code,area_name,row,col\nE07000901,A,0,0\nE07000902,B,0,0\n", "two areas share the tile"),
    ("", "empty"),
])
def test_tile_map_errors(tmp_path, text, problem):
    f = tmp_path / "t.csv"
    f.write_text(text)
    with pytest.raises(DataFileError, match=problem):
        cc.load_tile_map(f)


# ----------------------------------------------------------------------------- the notebook

@pytest.mark.slow
def test_notebook_parameters_reach_the_results(tmp_path, project_root):
    """The DWP notebook with other parameter values (papermill, as the runner runs it): another
    measure, base month and comparator; the artefacts follow them."""
    import json

    import nbformat
    import papermill as pm

    from toolkit_helpers.claimants import load_claimant_count

    out = tmp_path / "nb.ipynb"
    pm.execute_notebook(
        str(project_root / "notebooks" / "case_studies" / "dwp_jobseekers.ipynb"), str(out),
        kernel_name="python3", cwd=str(project_root), progress_bar=False,
        parameters={"OUTPUT_DIR": str(tmp_path / "outputs"), "INTERACTIVE": False,
                    "MEASURE": "count", "BASE_MONTH": "2019-06", "SINCE": "2019-01",
                    "COMPARE_AREAS": ["E07000902"]})
    folder = tmp_path / "outputs" / "dwp_jobseekers"
    comparison = pd.read_csv(folder / "claimants_comparison.csv")
    assert comparison["place"].tolist() == ["Anytown", "Northvale (synthetic region)", "England",
                                            "Bramblefield", "Comparators' average"]
    need = json.loads((folder / "need.json").read_text())
    assert need["base_month"] == "June 2019"
    df = load_claimant_count(project_root / "data" / "sample" / "claimants")
    c = df[(df["area_code"] == "E07000901") & (df["measure"] == "count")].set_index("date")["value"]
    assert need["count_index"] == pytest.approx(c.iloc[-1] / c.loc["2019-06-01"] * 100, abs=0.01)
    ranking = pd.read_csv(folder / "claimants_region_ranking.csv")
    assert list(ranking.columns) == ["rank", "area", "code", "count"]  # ranked by count now
    manifest = json.loads((folder / "manifest.json").read_text())
    trend = next(e for e in manifest["entries"] if e["name"] == "claimants_trend")
    assert "number of claimants from January 2019" in trend["alt"]
    nb = nbformat.read(out, as_version=4)
    assert not any(o.get("output_type") == "display_data" and
                   "application/vnd.jupyter.widget-view+json" in o.get("data", {})
                   for c in nb.cells if c.cell_type == "code" for o in c.outputs)
