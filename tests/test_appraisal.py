"""Green Book appraisal arithmetic, checked against values worked out independently here."""
import math
from pathlib import Path

import pytest

from toolkit_helpers import DataFileError, appraisal as ap

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- independent reference

def hand_rate(t):
    """The Green Book STPR that discounts year t to year t-1 (written out, not imported)."""
    if t <= 30:
        return 0.035
    if t <= 75:
        return 0.03
    if t <= 125:
        return 0.025
    if t <= 200:
        return 0.02
    if t <= 300:
        return 0.015
    return 0.01


def hand_df(t):
    f = 1.0
    for s in range(1, t + 1):
        f /= 1 + hand_rate(s)
    return f


# ---------------------------------------------------------------- discounting

def test_discount_factors_first_thirty_years_are_plain_3_5_percent():
    assert ap.discount_factor(0) == 1.0
    assert ap.discount_factor(1) == pytest.approx(1 / 1.035, rel=1e-12)
    assert ap.discount_factor(1) == pytest.approx(0.9661836, abs=1e-7)
    assert ap.discount_factor(10) == pytest.approx(0.7089188, abs=1e-7)
    for t in range(31):
        assert ap.discount_factor(t) == pytest.approx(1 / 1.035 ** t, rel=1e-12)


def test_the_lower_rate_compounds_on_from_year_31():
    # year 31 is the first year at 3.0%: 30 years at 3.5%, then one at 3.0%
    assert ap.discount_rate(30) == 0.035
    assert ap.discount_rate(31) == 0.03
    assert ap.discount_factor(31) == pytest.approx(1 / (1.035 ** 30 * 1.03), rel=1e-12)
    assert ap.discount_factor(40) == pytest.approx(1 / (1.035 ** 30 * 1.03 ** 10), rel=1e-12)
    # not the same as discounting all 40 years at 3.0%, nor all at 3.5%
    assert ap.discount_factor(40) > 1 / 1.035 ** 40
    assert ap.discount_factor(40) < 1 / 1.03 ** 40
    # 1/(1.035**30 * 1.03**10) = 0.26510 (to 5 places, worked by hand: 1.035**30 = 2.806794,
    # 1.03**10 = 1.343916)
    assert ap.discount_factor(40) == pytest.approx(1 / (2.806794 * 1.343916), rel=1e-6)
    assert ap.discount_factor(40) == pytest.approx(0.26510, abs=1e-5)


def test_every_band_boundary_against_the_hand_loop():
    for t in (0, 1, 30, 31, 75, 76, 125, 126, 200, 201, 300, 301, 320):
        assert ap.discount_factor(t) == pytest.approx(hand_df(t), rel=1e-12), t
    assert [ap.discount_rate(t) for t in (75, 76, 125, 126, 200, 201, 300, 301)] == \
        [0.03, 0.025, 0.025, 0.02, 0.02, 0.015, 0.015, 0.01]
    # factors for a list of years come out the same as one at a time
    dfs = ap.discount_factors(80)
    assert dfs[76] == pytest.approx(1 / (1.035 ** 30 * 1.03 ** 45 * 1.025), rel=1e-12)


def test_health_rate_is_1_5_percent():
    assert ap.discount_factor(1, health=True) == pytest.approx(1 / 1.015)
    assert ap.discount_factor(20, health=True) == pytest.approx(1 / 1.015 ** 20)


def test_bad_years_are_refused():
    with pytest.raises(ValueError):
        ap.discount_factor(-1)
    with pytest.raises(ValueError):
        ap.discount_factor(2.5)


def test_present_value_of_a_stream():
    # 100 a year for years 0..2: 100 + 100/1.035 + 100/1.035**2 = 100 + 96.61836 + 93.35107
    assert ap.present_value([100, 100, 100]) == pytest.approx(289.96943, abs=1e-4)
    assert ap.present_value({0: 100, 2: 100}) == pytest.approx(193.35107, abs=1e-4)


# ---------------------------------------------------------------- categories

@pytest.mark.parametrize("ratio, category", [
    (0.0, "poor"), (0.99, "poor"), (1.0, "low"), (1.49, "low"), (1.5, "medium"), (1.99, "medium"),
    (2.0, "high"), (3.99, "high"), (4.0, "high"), (4.01, "very high"), (math.inf, "very high"),
    (-0.5, "poor"), (math.nan, "not assessed")])
def test_vfm_boundaries(ratio, category):
    assert ap.vfm_category(ratio) == category


def test_bcr_edge_cases():
    assert ap.bcr(300, 200) == 1.5
    assert ap.bcr(10, 0) == math.inf
    assert math.isnan(ap.bcr(0, 0))


# ---------------------------------------------------------------- optimism bias

def test_optimism_bias_defaults_and_mitigation():
    assert ap.optimism_bias() == 2.0                     # equipment/development capital, upper
    assert ap.optimism_bias(mitigation=1) == pytest.approx(0.10)   # lower bound
    assert ap.optimism_bias(mitigation=0.5) == pytest.approx(1.05)  # half way: (2.0+0.1)/2
    assert ap.optimism_bias(kind="duration") == 0.54
    assert ap.optimism_bias("standard buildings") == 0.24
    assert ap.optimism_bias("Non-standard civil engineering", mitigation=1) == pytest.approx(0.06)
    assert ap.optimism_bias("outsourcing", "operating") == 0.41
    assert ap.optimism_bias("outsourcing", "operating", mitigation=1) == 0.0
    assert ap.optimism_bias("standard_buildings", "operating") == 0.0  # no figure: no uplift
    with pytest.raises(ValueError, match="mitigation"):
        ap.optimism_bias(mitigation=1.5)
    with pytest.raises(ValueError, match="project type"):
        ap.optimism_bias("spaceships")


# ---------------------------------------------------------------- appraisal

def small_options():
    # Option A: capital 1000 in year 0, operating 100 a year (years 0-2), benefit 700 years 1-2.
    # Option B (do minimum): operating 50 in years 0-2, benefit 60 in years 1-2.
    return ap.options_from_dict({
        "Do minimum": {"costs": {"Web page": {"values": [50, 50, 50], "cost_type": "operating"}},
                       "benefits": {"Calls avoided": [0, 60, 60]}},
        "Preferred": {"costs": {"Build": [1000, 0, 0],
                                "Run": {"values": [100, 100, 100], "cost_type": "operating"}},
                      "benefits": {"Time saved": [0, 700, 700]}},
    })


def test_appraise_without_optimism_bias_by_hand():
    app = ap.appraise(small_options(), project_type="standard_buildings", mitigation=1.0,
                      operating_type=None)
    # standard buildings, fully mitigated: capital +2%
    d1, d2 = 1 / 1.035, 1 / 1.035 ** 2
    pv_c = 1000 * 1.02 + 100 + 100 * d1 + 100 * d2
    pv_b = 700 * d1 + 700 * d2
    row = app.option("Preferred")
    assert row["pv_costs"] == pytest.approx(pv_c)
    assert row["pv_benefits"] == pytest.approx(pv_b)
    assert row["npsv"] == pytest.approx(pv_b - pv_c)
    assert row["bcr"] == pytest.approx(pv_b / pv_c)
    # by hand: d1 + d2 = 0.966184 + 0.933511 = 1.899695; PV benefits 700 * 1.899695 = 1329.79;
    # PV costs 1020 + 100 * 2.899695 = 1309.97; BCR 1.0151; NPSV 19.82
    assert pv_b / pv_c == pytest.approx(1.0151, abs=1e-4)
    assert pv_b - pv_c == pytest.approx(19.82, abs=0.01)
    assert row["vfm"] == "low"
    # cumulative: year0 -1120, year1 -1120 + 600*d1 = -540.3, year2 +19.8 -> payback year 2
    assert row["payback_year"] == 2
    dm = app.option("Do minimum")
    assert dm["pv_costs"] == pytest.approx(50 * (1 + d1 + d2))
    assert dm["bcr"] == pytest.approx(60 * (d1 + d2) / (50 * (1 + d1 + d2)))
    assert dm["vfm"] == "poor"


def test_appraise_with_default_optimism_bias():
    app = ap.appraise(small_options())  # equipment/development: capital +200%; operating +41%
    d1, d2 = 1 / 1.035, 1 / 1.035 ** 2
    pv_c = 1000 * 3.0 + 141 * (1 + d1 + d2)
    row = app.option("Preferred")
    assert row["pv_costs"] == pytest.approx(pv_c)
    by_year = app.by_year[app.by_year["option"] == "Preferred"]
    assert by_year["base_costs"].tolist() == pytest.approx([1100, 100, 100])
    assert by_year["optimism_bias"].tolist() == pytest.approx([2041, 41, 41])
    assert row["payback_year"] is None  # never recovers the tripled build cost in 3 years


def test_health_benefits_use_the_health_rate():
    opts = ap.options_from_dict({"A": {"costs": {"c": [100]},
                                       "benefits": {"h": {"values": [0, 0, 100], "health": True}}}})
    app = ap.appraise(opts, mitigation=1, operating_type=None)
    assert app.option("A")["pv_benefits"] == pytest.approx(100 / 1.015 ** 2)


def test_horizon_cuts_the_streams():
    app = ap.appraise(small_options(), horizon=1, mitigation=1, operating_type=None)
    assert app.by_year["year"].max() == 1
    assert app.option("Preferred")["pv_benefits"] == pytest.approx(700 / 1.035)


@pytest.mark.parametrize("series, year", [
    ([-10, -5, 0, 3], 2),        # exactly zero counts as paid back
    ([-10, 5, -1, 2], 3),        # dips back below zero: the later crossing
    ([1, 2, 3], 0),
    ([-3, -2, -1], None),
])
def test_payback_year(series, year):
    assert ap.payback_year(series) == year


# ---------------------------------------------------------------- sensitivity and switching

def test_sensitivity_one_at_a_time():
    app = ap.appraise(small_options(), project_type="standard_buildings", mitigation=1.0,
                      operating_type=None)
    d1, d2 = 1 / 1.035, 1 / 1.035 ** 2
    npsv = 700 * (d1 + d2) - (1020 + 100 * (1 + d1 + d2))
    sens = ap.sensitivity(app, "Preferred", pct=10)
    by = sens.set_index("category")
    assert by.loc["Time saved", "npsv_low"] == pytest.approx(npsv - 0.1 * 700 * (d1 + d2))
    assert by.loc["Time saved", "npsv_high"] == pytest.approx(npsv + 0.1 * 700 * (d1 + d2))
    assert by.loc["Build", "npsv_low"] == pytest.approx(npsv + 0.1 * 1020)   # cost 10% lower
    assert by.loc["Build", "npsv_high"] == pytest.approx(npsv - 0.1 * 1020)
    assert sens["category"].tolist()[0] == "Time saved"  # widest swing first
    assert sens.attrs["base_npsv"] == pytest.approx(npsv)
    # the same answer as re-appraising with the category scaled
    again = ap.appraise(small_options(), project_type="standard_buildings", mitigation=1.0,
                        operating_type=None, adjust={("benefit", "Time saved"): 0.9})
    assert again.option("Preferred")["npsv"] == pytest.approx(by.loc["Time saved", "npsv_low"])


def test_switching_values_make_npsv_zero():
    kw = dict(project_type="standard_buildings", mitigation=1.0, operating_type=None)
    app = ap.appraise(small_options(), **kw)
    sv = ap.switching_values(app, "Preferred").set_index("category")
    for stream, cat in (("benefit", "Time saved"), ("cost", "Build"), ("cost", "Run")):
        s = sv.loc[cat, "switching_value_pct"]
        moved = ap.appraise(small_options(), adjust={(stream, cat): 1 + s / 100}, **kw)
        assert moved.option("Preferred")["npsv"] == pytest.approx(0, abs=1e-6)
    # hand: NPSV 19.82; Time saved PV 1329.79 -> -19.82/1329.79 = -1.490%;
    # Build PV 1020 -> 19.82/1020 = +1.943%
    assert sv.loc["Time saved", "switching_value_pct"] == pytest.approx(-1.490, abs=0.002)
    assert sv.loc["Build", "switching_value_pct"] == pytest.approx(1.943, abs=0.002)


def test_scenario_moves_all_benefits():
    base = ap.scenario(small_options(), "Preferred", mitigation=1.0)
    half = ap.scenario(small_options(), "Preferred", benefits_pct=-50, mitigation=1.0)
    assert half["pv_benefits"] == pytest.approx(base["pv_benefits"] / 2)
    assert half["pv_costs"] == pytest.approx(base["pv_costs"])
    more = ap.scenario(small_options(), "Preferred", costs_pct=10, mitigation=1.0)
    assert more["pv_costs"] == pytest.approx(base["pv_costs"] * 1.1)
    assert "NPSV" in ap.scenario_text(base)


def test_scenario_sliders_are_papermill_safe():
    box = ap.scenario_sliders(small_options(), "Preferred")
    assert set(box.controls) == {"benefits_pct", "costs_pct", "mitigation"}
    box.controls["benefits_pct"].value = -50  # runs without a front end


# ---------------------------------------------------------------- financial case, words, charts

def test_affordability_by_hand():
    app = ap.appraise(small_options())
    t = ap.affordability(app, "Preferred", budget_per_year=500)
    assert t["capital"].tolist() == [1000, 0, 0]
    assert t["operating"].tolist() == [100, 100, 100]
    assert t["optimism_bias"].tolist() == pytest.approx([2041, 41, 41])
    assert t["total"].tolist() == pytest.approx([3141, 141, 141])
    assert t["headroom"].tolist() == pytest.approx([-2641, 359, 359])
    assert t["cumulative_total"].iloc[-1] == pytest.approx(3423)
    text = ap.affordability_text(t, "Preferred")
    assert "shortfall in 1 year" in text and "year 0" in text


def test_summary_text_and_charts():
    app = ap.appraise(small_options(), project_type="standard_buildings", mitigation=1.0,
                      operating_type=None)
    sens = ap.sensitivity(app, "Preferred")
    text = ap.summary_text(app, "Preferred", "Do minimum", sens)
    assert "benefit-cost ratio of 1.02" in text and "**low**" in text
    assert "pays back in year 2" in text
    for fig, alt in (ap.pv_figure(app), ap.tornado_figure(sens), ap.cumulative_figure(app),
                     ap.costs_figure(ap.affordability(app, "Preferred", 2000), "Preferred")):
        assert len(alt) > 40 and "£" in alt
    fig, alt = ap.tornado_figure(sens)
    assert "Time saved" in alt


# ---------------------------------------------------------------- the options file

HEADER = "option,year,stream,category,value,cost_type,health\n"


def write(tmp_path, text, name="options.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_load_options_reads_money_and_defaults(tmp_path):
    p = write(tmp_path, HEADER + "A,0,cost,Build,\"£1,000\",,\nA,1,Benefits,Time,(50),,yes\n\n")
    df = ap.load_options(p)
    assert df["value"].tolist() == [1000.0, -50.0]
    assert df["stream"].tolist() == ["cost", "benefit"]
    assert df["cost_type"].tolist() == ["capital", ""]
    assert df["health"].tolist() == [False, True]
    assert df["source_row"].tolist() == [2, 3]


@pytest.mark.parametrize("body, row, column, words", [
    ("A,0,cost,Build,lots,,\n", 2, "value", "not a number"),
    ("A,1.5,cost,Build,10,,\n", 2, "year", "whole number"),
    ("A,2026,cost,Build,10,,\n", 2, "year", "calendar years"),
    ("A,0,cost,Build,10,,\nA,0,saving,Build,10,,\n", 3, "stream", "neither 'cost' nor 'benefit'"),
    (",0,cost,Build,10,,\n", 2, "option", "blank"),
    ("A,0,cost,,10,,\n", 2, "category", "blank"),
    ("A,0,cost,Build,10,rental,\n", 2, "cost_type", "capital"),
    ("A,0,benefit,Time,10,,maybe\n", 2, "health", "yes or no"),
    ("A,0,cost,Build,10,,\nA,0,cost,build,5,,\n", 3, "category", "appears twice (also row 2)"),
])
def test_load_options_bad_rows_name_file_row_column(tmp_path, body, row, column, words):
    p = write(tmp_path, HEADER + body)
    with pytest.raises(DataFileError) as info:
        ap.load_options(p)
    err = info.value
    assert err.row == row and err.column == column and err.file.endswith("options.csv")
    assert words in str(err) and "What to do" in str(err)


def test_load_options_bad_files(tmp_path):
    with pytest.raises(DataFileError, match="no column 'value'"):
        ap.load_options(write(tmp_path, "option,year,stream,category,amount\nA,0,cost,x,1\n"))
    with pytest.raises(DataFileError, match="empty"):
        ap.load_options(write(tmp_path, "\n\n"))
    with pytest.raises(DataFileError, match="no rows"):
        ap.load_options(write(tmp_path, HEADER))
    with pytest.raises(DataFileError, match="does not exist"):
        ap.load_options(tmp_path / "missing.csv")


def test_load_options_never_changes_the_file(tmp_path):
    text = HEADER + "A,0,cost,Build,1000,capital,\n"
    p = write(tmp_path, text)
    ap.appraise(ap.load_options(p))
    assert p.read_text(encoding="utf-8") == text


def test_the_sample_options_file():
    from toolkit_helpers.samples import appraisal as sample

    df = ap.load_options(ROOT / "data" / "sample" / "council" / "appraisal_options.csv")
    assert list(dict.fromkeys(df["option"])) == [sample.DO_MINIMUM, sample.PREFERRED]
    assert df["year"].max() == 9
    app = ap.appraise(df)
    s = app.summary.set_index("option")
    assert s.loc[sample.PREFERRED, "npsv"] > 0 > s.loc[sample.DO_MINIMUM, "npsv"]
    # the PV of costs is the sum over rows of value * (1 + uplift) / 1.035**year, worked here
    rows = df[(df["option"] == sample.PREFERRED) & (df["stream"] == "cost")]
    hand = sum(r.value * (3.0 if r.cost_type == "capital" else 1.41) / 1.035 ** r.year
               for r in rows.itertuples())
    assert s.loc[sample.PREFERRED, "pv_costs"] == pytest.approx(hand)


# ---------------------------------------------------------------- the stage 3 notebook under papermill

def test_notebook_uses_case_study_evidence_and_parameters(tmp_path):
    """Run the notebook as the runner does, with the spend analysis's artefacts present and
    parameters changed: its artefacts follow the parameters and add the duplicate payments."""
    import json

    import pandas as pd
    import papermill as pm

    from toolkit_helpers.artefacts import Artefacts

    outputs = tmp_path / "outputs"
    Artefacts(outputs, "spend_network_tenders").data(
        "spend_findings", {"duplicate_groups": 4, "duplicate_amount_at_stake": 50000.0},
        case="appendix")
    pm.execute_notebook(
        str(ROOT / "notebooks" / "stages" / "03_demonstrating_value.ipynb"),
        str(tmp_path / "nb.ipynb"), kernel_name="python3", cwd=str(ROOT), progress_bar=False,
        parameters={"OUTPUT_DIR": str(outputs), "INTERACTIVE": False, "MITIGATION": 1.0,
                    "BUDGET_PER_YEAR": 100000, "DUPLICATE_RECOVERY_SHARE": 0.5})
    folder = outputs / "03_demonstrating_value"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    cases = {e["case"] for e in manifest["entries"]}
    assert {"economic", "financial"} <= cases
    figures = [e for e in manifest["entries"] if e["kind"] == "figure"]
    assert figures and all(len(e["alt"]) > 40 for e in figures)
    # fully mitigated: capital +10%, operating +0%; by hand from the sample file
    df = ap.load_options(ROOT / "data" / "sample" / "council" / "appraisal_options.csv")
    rows = df[(df["option"] == "Open service data and app partnership") & (df["stream"] == "cost")]
    hand = sum(r.value * (1.10 if r.cost_type == "capital" else 1.0) / 1.035 ** r.year
               for r in rows.itertuples())
    summary = pd.read_csv(folder / "appraisal_summary.csv").set_index("option")
    assert summary.loc["Open service data and app partnership", "PV costs (£)"] == pytest.approx(hand, abs=1)
    costs = pd.read_csv(folder / "costs_by_year.csv")
    assert (costs["budget"] == 100000).all()
    text = (folder / "value_for_money.md").read_text(encoding="utf-8")
    assert "50% of the possible duplicate payments" in text
    # the duplicate benefit: 25,000 in year 1 -> +25,000/1.035 on the NPSV
    npsv = summary.loc["Open service data and app partnership", "NPSV (£)"]
    import re

    said = re.search(r"recovered, the NPSV would be £([\d,]+)", text)
    assert said and float(said.group(1).replace(",", "")) == pytest.approx(npsv + 25000 / 1.035, abs=1)


def test_options_from_dict_errors():
    from toolkit_helpers import ConfigError

    with pytest.raises(ConfigError):
        ap.options_from_dict({})
    with pytest.raises(ConfigError, match="neither costs nor benefits"):
        ap.options_from_dict({"A": {"savings": {"x": [1]}}})
    with pytest.raises(ConfigError, match="not a number"):
        ap.options_from_dict({"A": {"costs": {"x": [1, "lots"]}}})
    with pytest.raises(ConfigError, match="cost_type"):
        ap.options_from_dict({"A": {"costs": {"x": {"values": [1], "cost_type": "rent"}}}})
    df = ap.options_from_dict({"A": {"costs": {"x": [1, 2]}, "benefits": {"y": [0, 5]}}})
    assert df["year"].tolist() == [0, 1, 0, 1]
    assert df["cost_type"].tolist() == ["capital", "capital", "", ""]


def test_notebook_takes_options_written_as_a_parameter(tmp_path):
    import pandas as pd
    import papermill as pm

    outputs = tmp_path / "outputs"
    pm.execute_notebook(
        str(ROOT / "notebooks" / "stages" / "03_demonstrating_value.ipynb"),
        str(tmp_path / "nb.ipynb"), kernel_name="python3", cwd=str(ROOT), progress_bar=False,
        parameters={"OUTPUT_DIR": str(outputs), "INTERACTIVE": False, "PREFERRED": "Open data",
                    "MITIGATION": 1.0, "PROJECT_TYPE": "standard_buildings",
                    "OPTIONS": {"Do minimum": {"costs": {"Web page": {"values": [100, 100],
                                                                       "cost_type": "operating"}}},
                                "Open data": {"costs": {"Set-up": [1000]},
                                              "benefits": {"Time saved": [0, 2070]}}}})
    summary = pd.read_csv(outputs / "03_demonstrating_value" / "appraisal_summary.csv").set_index("option")
    # Set-up 1000 * 1.02 (standard buildings, lower bound) = 1020; benefit 2070 / 1.035 = 2000
    assert summary.loc["Open data", "PV costs (£)"] == 1020
    assert summary.loc["Open data", "PV benefits (£)"] == 2000
    assert summary.loc["Open data", "BCR"] == pytest.approx(1.96, abs=0.005)
    assert summary.loc["Open data", "value for money"] == "medium"
    assert summary.loc["Do minimum", "PV costs (£)"] == pytest.approx(100 + 100 / 1.035, abs=0.5)


def test_load_options_from_a_workbook_with_a_title_row_gap(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Option", "Year", "Stream", "Category", "Value (£)", "Cost type"])
    ws.append(["A", 0, "Cost", "Build", 1500.5, "Capital"])
    ws.append([None] * 6)
    ws.append(["A", 1, "benefit", "Time", 2000, None])
    p = tmp_path / "options.xlsx"
    wb.save(p)
    df = ap.load_options(p)
    assert df["value"].tolist() == [1500.5, 2000.0]
    assert df["year"].tolist() == [0, 1]
    assert df["cost_type"].tolist() == ["capital", ""]
    assert df["source_row"].tolist() == [2, 4]


def test_optimism_bias_table():
    t = ap.optimism_bias_table("IT", mitigation=0.5)
    assert t["cost"].tolist() == ["capital", "operating"]
    assert t["used here"].tolist() == ["105%", "20%"]   # 200 - 0.5*190; 41 - 0.5*41 = 20.5 -> 20%
    assert ap.optimism_bias_table("standard buildings", operating_type=None)["upper bound"].tolist() == ["24%"]
