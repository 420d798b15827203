"""Transport analyses against answers worked out by hand: busiest stations, change between
years, day-type profiles, weekday/weekend, rolling means, haversine distances and access to
services (distances along a meridian, where 0.001° of latitude is 111.195 m)."""
import math

import numpy as np
import pandas as pd
import pytest

from toolkit_helpers import transport
from toolkit_helpers import transport_analysis as ta
from toolkit_helpers.errors import DataFileError, ToolkitError

M_PER_DEG = 6_371_008.8 * math.pi / 180  # 111,195.08 m per degree along a meridian


def counts_frame():
    rows = [
        # mode, station, year, annualised, weekday entries/exits, saturday entries/exits
        ("LU", "Alpha", 2020, 100.0, 10.0, 11.0, 4.0, 5.0, ""),
        ("LU", "Beta", 2020, 200.0, 20.0, 19.0, 8.0, 7.0, ""),
        ("LU", "Gamma", 2020, 50.0, 5.0, 5.0, 1.0, 1.0, ""),
        ("LO", "Alpha", 2020, math.nan, math.nan, math.nan, math.nan, math.nan, "see LU"),
        ("LU", "Alpha", 2023, 150.0, 15.0, 15.0, 6.0, 6.0, ""),
        ("LU", "Beta", 2023, 100.0, 10.0, 10.0, 3.0, 3.0, ""),
        ("LU", "Delta", 2023, 400.0, 40.0, 40.0, 20.0, 20.0, ""),
        ("LU", "Gamma", 2023, math.nan, math.nan, math.nan, math.nan, math.nan, "Station Closed"),
    ]
    return pd.DataFrame(rows, columns=["mode", "station", "year", "annualised_entries_exits",
                                       "weekday_mon_thu_entries", "weekday_mon_thu_exits",
                                       "saturday_entries", "saturday_exits", "note"])


def test_busiest_ranks_the_latest_year_and_shares():
    top = ta.busiest(counts_frame(), n=2)
    assert top["station"].tolist() == ["Delta", "Alpha"]
    assert top["rank"].tolist() == [1, 2]
    # 2023 total of stations with counts: 150 + 100 + 400 = 650; Delta 400/650 = 61.5%
    assert top["share_pct"].tolist() == [61.5, 23.1]
    assert ta.busiest(counts_frame(), n=1, year=2020)["station"].tolist() == ["Beta"]


def test_change_between_years_like_for_like():
    ch = ta.change_between_years(counts_frame(), 2020, 2023)
    assert ch["station"].tolist() == ["Alpha", "Beta"]  # Gamma closed, Delta new
    assert ch["change"].tolist() == [50.0, -100.0]
    assert ch["change_pct"].tolist() == [50.0, -50.0]
    assert ch.attrs["only_in_one_year"] == ["Delta (LU)", "Gamma (LU)"]
    total = ta.overall_change(counts_frame(), 2020, 2023)
    assert (total["base"], total["latest"], total["change_pct"]) == (300.0, 250.0, -16.7)
    with pytest.raises(ValueError, match="no station counts for 2019"):
        ta.change_between_years(counts_frame(), 2019, 2023)


def method_frame():
    """Two years of counts with TfL's coverage and source columns: Kings Cross's counting
    method changes (boarding / alighting by manual count in 2020, the gateline in 2023)."""
    rows = [
        # station, year, annualised, coverage, source
        ("Alpha", 2020, 100.0, "Station entry / exit", "Gateline"),
        ("Beta", 2020, 200.0, "Station entry / exit", "Gateline"),
        ("Kings Cross", 2020, 1_000.0, "LU boarding / alighting", "Manual Count"),
        ("Echo", 2020, 10.0, "Station entry / exit", "APC"),
        ("Foxtrot", 2020, 50.0, "", ""),
        ("Alpha", 2023, 150.0, "Station entry / exit", "Gateline"),
        ("Beta", 2023, 100.0, " station  entry / exit", "GATELINE"),
        ("Kings Cross", 2023, 221_000.0, "Station entry / exit", "Gateline"),
        ("Echo", 2023, 80.0, "Station entry / exit", "APC"),
        ("Foxtrot", 2023, 60.0, "Station entry / exit", "Gateline"),
    ]
    df = pd.DataFrame(rows, columns=["station", "year", "annualised_entries_exits", "coverage", "source"])
    df.insert(0, "mode", "LU")
    return df


def test_change_between_years_leaves_out_a_change_of_counting_method():
    ch = ta.change_between_years(method_frame(), 2020, 2023)
    # Kings Cross (+22,000% from a change of method) is not a recovery: left out and listed
    assert "Kings Cross" not in ch["station"].tolist()
    assert ch["station"].tolist() == ["Echo", "Alpha", "Foxtrot", "Beta"]
    assert ch["change_pct"].tolist() == [700.0, 50.0, 20.0, -50.0]
    assert ch.attrs["method_changed"] == [{
        "station": "Kings Cross", "mode": "LU",
        "base_method": "LU boarding / alighting, Manual Count",
        "latest_method": "Station entry / exit, Gateline",
        "base": 1_000.0, "latest": 221_000.0, "change_pct": 22_000.0}]
    assert ta.method_changes_table(ch)["station"].tolist() == ["Kings Cross"]
    # case and spacing do not make a different method (Beta); an unrecorded one is noted
    assert ch.attrs["method_checked"] is True
    assert ch.attrs["method_unknown"] == ["Foxtrot (LU)"]
    notes = dict(zip(ch["station"], ch["note"]))
    assert notes == {"Echo": "check: very large change", "Alpha": "",
                     "Foxtrot": "counting method not recorded in 2020", "Beta": ""}
    assert ch.attrs["very_large_change"] == ["Echo (LU)"]
    # the like-for-like total leaves Kings Cross out too
    total = ta.overall_change(method_frame(), 2020, 2023)
    assert (total["stations"], total["base"], total["latest"]) == (4, 360.0, 390.0)
    assert (total["method_changed"], total["very_large_change"]) == (1, 1)
    # the threshold and the columns compared can be chosen
    ch = ta.change_between_years(method_frame(), 2020, 2023, very_large_pct=1000)
    assert ch.attrs["very_large_change"] == [] and set(ch["note"]) == {"", "counting method not recorded in 2020"}
    ch = ta.change_between_years(method_frame(), 2020, 2023, method_columns=())
    assert ch["station"].tolist()[0] == "Kings Cross" and ch.attrs["method_checked"] is False
    assert ch.loc[0, "note"] == "check: very large change"


def test_a_change_of_source_alone_is_a_change_of_method():
    df = method_frame()
    df.loc[(df["station"] == "Alpha") & (df["year"] == 2023), "source"] = "Scaled"
    ch = ta.change_between_years(df, 2020, 2023)
    assert [d["station"] for d in ch.attrs["method_changed"]] == ["Alpha", "Kings Cross"]
    assert ch.attrs["method_changed"][0]["latest_method"] == "Station entry / exit, Scaled"
    ch = ta.change_between_years(df, 2020, 2023, method_columns=("coverage",))
    assert [d["station"] for d in ch.attrs["method_changed"]] == ["Kings Cross"]


def test_files_without_method_columns_are_compared_as_before():
    ch = ta.change_between_years(counts_frame(), 2020, 2023)
    assert ch.attrs["method_checked"] is False and ch.attrs["method_changed"] == []
    assert ch["note"].tolist() == ["", ""]


def test_method_change_through_the_loader_and_the_chart(tmp_path):
    head = (",COUNTS (LU)--{y} // Station annualised entries and exits\n"
            ",,,,,,Annualised\n"
            "Mode,NLC,ASC,Station,Coverage,Source,En/Ex\n")
    (tmp_path / "AC2020.csv").write_text(
        head.format(y=2020) + 'LU,500,ACTu,Acton Town,Station entry / exit,Gateline,"1,000"\n'
        'LU,501,BANu,Bank,LU boarding / alighting,Manual Count,"2,000"\n'
        "LO,501,BANo,Bank,---see LU---,,---\n")
    (tmp_path / "AC2023.csv").write_text(
        head.format(y=2023) + 'LU,500,ACTu,Acton Town,Station entry / exit,Gateline,"1,500"\n'
        'LU,501,BANu,Bank,Station entry / exit,Gateline,"440,000"\n')
    counts = transport.load_station_counts(tmp_path)
    ch = ta.change_between_years(counts, 2020, 2023)
    assert ch["station"].tolist() == ["Acton Town"] and ch["change_pct"].tolist() == [50.0]
    assert ch.attrs["method_changed"][0]["station"] == "Bank"
    from toolkit_helpers import transport_charts as tc

    fig, alt = tc.change_figure(ch, 2020, 2023)
    assert "1 station whose counting method changed between the years is left out" in alt
    assert "Acton Town (+50%)" in alt
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_years_of_and_one_year_of_counts():
    counts = counts_frame()
    assert ta.years_of(counts) == [2020, 2023]
    one = counts[counts["year"] == 2023].assign(source_file="AC2023.csv")
    assert ta.years_of(one) == [2023]
    expected = "only one year of station counts (2023): add a second year's file to compare years"
    for call in (lambda: ta.change_between_years(one, 2023, 2023),
                 lambda: ta.change_between_years(one, 2020, 2023),
                 lambda: ta.overall_change(one, 2023, 2023)):
        with pytest.raises(DataFileError) as e:
            call()
        assert expected in str(e.value) and "AC2023.csv" in str(e.value)
    # the one-year analyses still work
    prof = ta.day_type_profile(one)
    assert prof["entries"].tolist() == [65.0, 29.0]  # 15+10+40, 6+3+20 (Gamma closed)
    assert ta.busiest(one, n=1)["station"].tolist() == ["Delta"]


def test_two_year_functions_refuse_the_same_year_or_a_missing_one():
    counts = counts_frame()
    with pytest.raises(DataFileError, match=r"the base year and the year are both 2023: choose two "
                                            r"different years \(the files loaded cover 2020, 2023\)"):
        ta.overall_change(counts, 2023, 2023)
    with pytest.raises(DataFileError, match="no station counts for 2019: the files loaded cover 2020, 2023"):
        ta.overall_change(counts, 2019, 2023)
    with pytest.raises(DataFileError, match="no station counts for 2021"):
        ta.day_type_profile(counts, 2021)
    with pytest.raises(DataFileError, match="no station counts for 2021"):
        ta.busiest(counts, year=2021)
    only_placeholders = counts[counts["note"] != ""]
    assert ta.years_of(only_placeholders) == []
    with pytest.raises(DataFileError, match="no station has an annualised count"):
        ta.day_type_profile(only_placeholders)
    no_days = counts[["mode", "station", "year", "annualised_entries_exits", "note"]]
    with pytest.raises(DataFileError, match="the 2023 station counts have no day-type columns"):
        ta.day_type_profile(no_days)


def test_one_year_file_loaded_then_checked(tmp_path):
    """The notebook's path with a council that has one year's file: check years_of first."""
    p = tmp_path / "AC2023.csv"
    p.write_text(",COUNTS (LU)--2023 // Station annualised entries and exits\n"
                 ",,,,,,Monday,Midweek,Saturday,Monday,Midweek,Saturday,Annualised\n"
                 "Mode,NLC,ASC,Station,Coverage,Source,Entries,Entries,Entries,Exits,Exits,Exits,En/Ex\n"
                 "LU,500,ACTu,Acton Town,x,y,10,20,5,11,21,6,\"1,000\"\n"
                 "LO,500,ACTo,Acton Town,---see LU---,,---,---,---,---,---,---,---\n")
    counts = transport.load_station_counts(p)
    assert ta.years_of(counts) == [2023]
    prof = ta.day_type_profile(counts)
    assert prof["day_type"].tolist() == ["Monday", "Midweek", "Saturday"]
    assert prof["entries_exits"].tolist() == [21.0, 41.0, 11.0]
    with pytest.raises(DataFileError, match=r"only one year of station counts \(2023\)"):
        ta.change_between_years(counts, 2023, 2023)


def test_totals_by_year():
    t = ta.totals_by_year(counts_frame())
    assert t.loc[2020, "LU"] == 350 and t.loc[2023, "all modes"] == 650


def test_day_type_profile_sums_stations_and_labels_weekends():
    prof = ta.day_type_profile(counts_frame(), year=2020)
    assert prof["day_type"].tolist() == ["Weekday (Mon-Thu)", "Saturday"]
    assert prof["entries"].tolist() == [35.0, 13.0]       # 10+20+5, 4+8+1
    assert prof["entries_exits"].tolist() == [70.0, 26.0]  # + exits 11+19+5, 5+7+1
    assert prof["kind"].tolist() == ["weekday", "weekend"]


def two_weeks():
    dates = pd.date_range("2024-01-01", "2024-01-14")  # Monday 1 January to Sunday 14th
    val = [30.0 if d.day_of_week == 6 else 50.0 if d.day_of_week == 5 else 100.0 for d in dates]
    return pd.DataFrame({"date": dates, "day_of_week": dates.strftime("%A"),
                         "tube_journeys": val, "bus_journeys": [2 * v for v in val]})


def test_weekday_weekend():
    ww = ta.weekday_weekend(two_weeks())
    assert ww.loc["Monday", "tube_journeys"] == 100
    assert ww.loc["Sunday", "bus_journeys"] == 60
    assert ww.loc["Average weekday", "tube_journeys"] == 100
    assert ww.loc["Average weekend day", "tube_journeys"] == 40
    assert ww.attrs["weekend_vs_weekday_pct"] == {"tube_journeys": 40.0, "bus_journeys": 40.0}


def test_rolling_trend_trailing_windows():
    df = pd.DataFrame({"date": pd.date_range("2024-01-01", periods=6),
                       "tube_journeys": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    r = ta.rolling_trend(df, windows=(3,))
    assert r["tube_journeys_3d"].isna().tolist()[:2] == [True, True]
    assert r["tube_journeys_3d"].tolist()[2:] == [2.0, 3.0, 4.0, 5.0]


def test_monthly_totals():
    m = ta.monthly_totals(two_weeks())
    # 10 weekdays x 100 + 2 Saturdays x 50 + 2 Sundays x 30 = 1,160
    assert m.loc["Jan 2024", "tube_journeys"] == 1160 and m.loc["Jan 2024", "days"] == 14


def test_haversine():
    assert ta.haversine_m(0, 0, 0, 0) == 0
    assert ta.haversine_m(51.0, -1.0, 52.0, -1.0) == pytest.approx(M_PER_DEG, rel=1e-9)
    # On the equator one degree of longitude is the same length as one of latitude.
    assert ta.haversine_m(0, 10, 0, 11) == pytest.approx(M_PER_DEG, rel=1e-9)
    # At 60°N a degree of longitude is about half as long (cos 60° = 0.5), for a short hop.
    assert ta.haversine_m(60, 0, 60, 0.001) == pytest.approx(0.5 * M_PER_DEG * 0.001, rel=1e-6)
    # Symmetric, and vectorised.
    d = ta.haversine_m(np.array([51.5074, 48.8566]), np.array([-0.1278, 2.3522]), 48.8566, 2.3522)
    assert d[1] == 0 and 343_000 < d[0] < 344_500  # London to Paris, about 343.5 km


def access_fixture():
    stops = pd.DataFrame({"name": ["A", "B"], "latitude": [0.0, 0.01], "longitude": [0.0, 0.0],
                          "step_free": [False, True]})
    sites = pd.DataFrame({"name": ["One", "Two", "Three"],
                          "service_type": ["library", "library", "gp_surgery"],
                          "latitude": [0.002, 0.0095, -0.005], "longitude": [0.0, 0.0, 0.0]})
    return sites, stops


def test_access_table_nearest_and_nearest_step_free():
    sites, stops = access_fixture()
    a = ta.access_table(sites, stops).set_index("site")
    # One: 0.002° from A (222.4 m); the step-free B is 0.008° away (889.6 m).
    assert a.loc["One", "nearest_station"] == "A" and a.loc["One", "distance_m"] == 222
    assert a.loc["One", "nearest_step_free_station"] == "B" and a.loc["One", "step_free_distance_m"] == 890
    # Two: 0.0005° from B (55.6 m), which is step-free.
    assert a.loc["Two", "nearest_station"] == "B" and a.loc["Two", "distance_m"] == 56
    # Three: 0.005° from A (556.0 m); B is 0.015° away (1,667.9 m).
    assert a.loc["Three", "distance_m"] == 556 and a.loc["Three", "step_free_distance_m"] == 1668
    assert a["station_within_400m"].tolist() == [True, True, False]
    assert a["station_within_800m"].tolist() == [True, True, True]
    assert a["step_free_within_800m"].tolist() == [False, True, False]


def test_unknown_step_free_is_not_step_free():
    sites, stops = access_fixture()
    stops["step_free"] = [None, None]
    a = ta.access_table(sites, stops)
    assert a["nearest_step_free_station"].isna().all() and a["step_free_distance_m"].isna().all()
    assert not a["step_free_within_800m"].any()


def test_access_summary_shares_by_type_and_overall():
    a = ta.access_table(*access_fixture())
    s = ta.access_summary(a).set_index("service_type")
    assert s.loc["all sites", "sites"] == 3
    assert s.loc["all sites", "station within 400m (%)"] == 66.7
    assert s.loc["all sites", "station within 800m (%)"] == 100.0
    assert s.loc["all sites", "step-free within 800m (%)"] == 33.3
    assert s.loc["library", "step-free within 400m (%)"] == 50.0
    assert s.loc["gp_surgery", "median distance to step-free (m)"] == 1668
    assert s.loc["library", "median distance to step-free (m)"] == 473  # (890 + 56) / 2


def test_poorly_served_furthest_first_and_plain_words():
    a = ta.access_table(*access_fixture())
    poor = ta.poorly_served(a, threshold_m=800)
    assert poor["site"].tolist() == ["Three", "One"]
    text = ta.access_text(a, "Testtown")
    assert "Of 3 public service sites in Testtown, **2** (67%) are within 400 m" in text
    assert "Only **1** (33%)" in text and "**Three**" in text and "1.7 km" in text
    assert "within 800 m (about ten minutes)" in text


def test_walk_minutes_at_80_metres_a_minute_and_distance_checked():
    assert ta.WALK_METRES_PER_MINUTE == 80
    assert ta.walk_minutes_text(800) == "about ten minutes"
    assert ta.walk_minutes_text(400) == "about five minutes"
    assert ta.walk_minutes_text(1600) == "about 20 minutes"
    assert ta.walk_minutes_text(60) == "about a minute"
    assert ta.walk_minutes_text(2000) == "about 25 minutes"
    a = ta.access_table(*access_fixture())
    assert "within 1,600 m (about 20 minutes)" in ta.access_text(a, "Testtown", threshold_m=1600)
    for bad in (-5, 0, 50_000, "far"):
        with pytest.raises(ToolkitError, match="walking distance"):
            ta.poorly_served(a, threshold_m=bad)
        with pytest.raises(ToolkitError, match="from 1 to 5,000"):
            ta.access_text(a, "Testtown", threshold_m=bad)


# ----------------------------------------------------------------------------- real files

def test_real_busiest_and_profile(realdata):
    df = transport.load_station_counts(
        realdata / "transport" / "tfl_annual_station_counts_AC2020_AnnualisedEntryExit.csv")
    top = ta.busiest(df, n=3)
    # The three largest values of the last column (sort -n | tail -3), named by grep.
    assert top["station"].tolist() == ["Stratford", "London Bridge LU", "Victoria LU"]
    assert top["annualised_entries_exits"].tolist() == [25_071_500, 24_721_911, 22_954_962]
    prof = ta.day_type_profile(df)
    assert prof["day_type"].tolist() == ["Weekday (Mon-Thu)", "Friday", "Saturday", "Sunday"]


def test_real_daily_weekday_weekend_and_rolling(realdata):
    df = transport.load_daily_journeys(
        realdata / "transport" / "tfl_network_demand_daily_journeys_2019.csv")
    ww = ta.weekday_weekend(df)
    # awk: Mon-Fri Tube total 1,101,230,000 over 261 days; weekends 277,620,000 over 104.
    assert ww.loc["Average weekday", "tube_journeys"] == round(1_101_230_000 / 261)
    assert ww.loc["Average weekend day", "tube_journeys"] == round(277_620_000 / 104)
    assert ww.attrs["weekend_vs_weekday_pct"]["tube_journeys"] == 63.3
    r = ta.rolling_trend(df)
    # 1-7 January 2019 Tube journeys sum to 20,470,000.
    assert r.loc["2019-01-07", "tube_journeys_7d"] == pytest.approx(20_470_000 / 7)
    assert math.isnan(r.loc["2019-01-06", "tube_journeys_7d"])
    m = ta.monthly_totals(df)
    assert m.loc["Feb 2019", "days"] == 28
    assert m.loc["Feb 2019", "tube_journeys"] == 108_973_000
    assert m.loc["Feb 2019", "bus_journeys"] == 150_361_000


# ----------------------------------------------------------------------------- the notebook

@pytest.mark.slow
def test_notebook_parameters_reach_the_results(tmp_path, project_root):
    """The TfL notebook with other parameter values (papermill, as the runner runs it): a
    simple stops CSV, a shorter walk, fewer stations, a 5-year appraisal."""
    import json

    import nbformat
    import papermill as pm

    from toolkit_helpers import evidence

    sites = pd.read_csv(project_root / "data/sample/transport/service_locations.csv")
    civic = sites.set_index("name").loc["Anytown Civic Centre"]
    stops = tmp_path / "stations.csv"
    # One step-free station exactly at the civic centre, one without step-free access 0.002°
    # north of it (222 m).
    stops.write_text("name,latitude,longitude,step_free\n"
                     f"Civic Halt,{civic['latitude']},{civic['longitude']},yes\n"
                     f"North Halt,{civic['latitude'] + 0.002},{civic['longitude']},no\n")
    out = tmp_path / "nb.ipynb"
    pm.execute_notebook(
        str(project_root / "notebooks" / "case_studies" / "tfl_transport.ipynb"), str(out),
        kernel_name="python3", cwd=str(project_root), progress_bar=False,
        parameters={"OUTPUT_DIR": str(tmp_path / "outputs"), "INTERACTIVE": False,
                    "STOPS": str(stops), "WALK_METRES": 400, "TOP_N": 5, "EVIDENCE_YEARS": 5,
                    "BASE_YEAR": 2020, "YEAR": 2023, "ROLLING_DAYS": [14]})
    folder = tmp_path / "outputs" / "tfl_transport"
    access = pd.read_csv(folder / "access_by_site.csv").set_index("site")
    assert access.loc["Anytown Civic Centre", "step_free_distance_m"] == 0
    assert access.loc["Anytown Civic Centre", "nearest_station"] == "Civic Halt"
    assert set(access["nearest_step_free_station"]) == {"Civic Halt"}
    poor = pd.read_csv(folder / "poorly_served_sites.csv")
    assert len(poor) == int((access["step_free_distance_m"] > 400).sum()) == len(access) - 1
    headline = json.loads((folder / "value_headline.json").read_text())
    assert headline["years"] == 5
    assert headline["bcr"] == pytest.approx(evidence.tfl_worked_example(years=5)["bcr"], abs=0.01)
    manifest = json.loads((folder / "manifest.json").read_text())
    recovery = next(e for e in manifest["entries"] if e["name"] == "station_recovery")
    assert "the 5 stations busiest in 2023" in recovery["alt"]
    assert (folder / "openreferral" / "datapackage.json").exists()
    nb = nbformat.read(out, as_version=4)
    # printed or displayed (markdown / plain text), whichever way the notebook says it
    text = "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/markdown", ""))
                   + str(o.get("data", {}).get("text/plain", ""))
                   for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "2 stations (simple CSV), 1 step-free" in text
    assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                   for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def test_access_text_when_no_station_is_known_to_be_step_free():
    sites, stops = access_fixture()
    stops["step_free"] = [None, None]
    text = ta.access_text(ta.access_table(sites, stops), "Testtown")
    assert "None of the stations is known to be step-free" in text and "nan" not in text


def test_access_figure_alt_text_gives_the_numbers():
    from toolkit_helpers import transport_charts as tc

    sites, stops = access_fixture()
    fig, alt = tc.access_figure(ta.access_table(sites, stops), threshold_m=800)
    assert "each of 3 service sites to the nearest step-free station" in alt
    assert "2 sites are further than 800 m" in alt
    assert "the furthest is Three at 1,668 m; the nearest is Two at 56 m" in alt
    stops["step_free"] = [None, None]
    fig, alt = tc.access_figure(ta.access_table(sites, stops), threshold_m=800)
    assert "nearest station (step-free access not known)" in alt and "nan" not in alt
    assert "the furthest is Three at 556 m" in alt
