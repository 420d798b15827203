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
        "Preferred": {"costs": {"Build": {"values": [1000, 0, 0], "cost_type": "capital"},
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
    opts = ap.options_from_dict({"A": {"costs": {"c": {"values": [100], "cost_type": "capital"}},
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


def test_scenario_table_rows_follow_the_chosen_changes():
    opts = small_options()
    t = ap.scenario_table(opts, "Preferred", mitigation=1.0)
    assert t["scenario"].tolist() == ["as estimated", "benefits 25% lower", "costs 25% higher",
                                      "both", "risks fully mitigated"]
    base = ap.scenario(opts, "Preferred", mitigation=1.0)
    assert t.loc[0, "NPSV (£)"] == round(base["npsv"])
    lower = ap.scenario(opts, "Preferred", benefits_pct=-25, mitigation=1.0)
    assert t.loc[1, "NPSV (£)"] == round(lower["npsv"])
    moved = ap.scenario_table(opts, "Preferred", benefits_pct=10, costs_pct=-5, mitigation=1.0)
    assert moved.loc[0, "scenario"] == "your values (benefits +10%, costs -5%)"
    mine = ap.scenario(opts, "Preferred", benefits_pct=10, costs_pct=-5, mitigation=1.0)
    assert moved.loc[0, "NPSV (£)"] == round(mine["npsv"])
    # the standard cases are on top of the chosen changes: benefits 10 - 25 = -15%
    stacked = ap.scenario(opts, "Preferred", benefits_pct=-15, costs_pct=-5, mitigation=1.0)
    assert moved.loc[1, "NPSV (£)"] == round(stacked["npsv"])


def test_scenario_sliders_show_the_table_for_their_values_and_redraw_it():
    opts = small_options()
    box = ap.scenario_sliders(opts, "Preferred")
    (first,) = box.output.outputs  # the starting values' table is in the widget, not the cell
    start = ap.scenario_table(opts, "Preferred")
    html = first["data"]["text/html"]
    from html import escape

    from toolkit_helpers.display import table

    row = table(start).rows[0]  # the first row as the collection writes it (NPSV in £)
    assert row[0] == "as estimated" and all(escape(v) in html for v in row)
    assert "as estimated" in box._repr_mimebundle_()["text/html"]  # shown where it cannot run
    seen = []
    box.output.clear_output = lambda wait=False: seen.append("cleared")
    assert box.run() is True and seen  # a move clears the old table and draws the new one
    assert box.message.value == ""


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
    with pytest.warns(UserWarning, match="blank in 1 cost row"):   # the capital default is said
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
                    "BUDGET_PER_YEAR": 100000})
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
    # possible duplicate payments are cash in the financial case, never in the NPSV
    text = (folder / "value_for_money.md").read_text(encoding="utf-8")
    assert "duplicate" not in text
    by_hand = ap.appraise(df, mitigation=1.0).option("Open service data and app partnership")
    npsv = summary.loc["Open service data and app partnership", "NPSV (£)"]
    assert npsv == pytest.approx(by_hand["npsv"], abs=1)
    recovery = (folder / "recoverable_overpayments.md").read_text(encoding="utf-8")
    assert "£50,000 of possible duplicate payments" in recovery and "left out of the NPSV" in recovery


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
    with pytest.warns(UserWarning, match="treated as capital"):   # the default is said
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


# ---------------------------------------------------------------- edge cases: savings, zero costs

def hand_health_df(t):
    """The Green Book health rate, written out: 1.5% to year 30, then 1.29% (to year 75)."""
    f = 1.0
    for s in range(1, t + 1):
        f /= 1.015 if s <= 30 else 1.0129
    return f


def plain(values, cost_type="operating"):
    return {"values": values, "cost_type": cost_type}


def test_a_net_saving_is_shown_as_a_saving_not_a_negative_bcr():
    # "Cheaper" costs 1,000 a year less than the do-minimum (years 0-1) and adds 200 in year 1.
    opts = ap.options_from_dict({
        "Do minimum": {"costs": {"Web page": plain([100, 100])}},
        "Cheaper": {"costs": {"Staff": plain([-1000, -1000])}, "benefits": {"Time": [0, 200]}}})
    app = ap.appraise(opts)              # +41% on running costs: never applied to a saving
    pv_c = -1000 - 1000 / 1.035          # -1,966.18
    pv_b = 200 / 1.035                   # 193.24
    row = app.option("Cheaper")
    assert row["pv_costs"] == pytest.approx(pv_c)
    assert row["pv_benefits"] == pytest.approx(pv_b)
    assert row["npsv"] == pytest.approx(pv_b - pv_c)         # 2,159.42
    assert row["npsv"] == pytest.approx(2159.42, abs=0.01)
    assert row["bcr"] is None and row["saving"] is True
    assert row["vfm"] == "very high"
    assert row["note"] == "net saving: costs fall by £1,966 in present value"
    # the do-minimum is an ordinary option: 0 benefits / 241 costs -> BCR 0, poor
    dm = app.option("Do minimum")
    assert dm["bcr"] == 0 and dm["vfm"] == "poor" and dm["saving"] is False and dm["note"] == ""
    # the readable table and the words never show a negative BCR
    t = ap.summary_table(app).set_index("option")
    assert math.isnan(t.loc["Cheaper", "BCR"]) and t.loc["Cheaper", "value for money"] == "very high"
    assert t.loc["Cheaper", "note"].startswith("net saving: costs fall by £1,966")
    text = ap.summary_text(app, "Cheaper", "Do minimum")
    assert "net saving: costs fall by £1,966 in present value" in text
    assert "**very high** value for money" in text and "benefit-cost ratio of -" not in text
    assert "poor" not in text.split("Do minimum")[0]
    _, alt = ap.pv_figure(app)
    assert "Cheaper: PV costs -£1,966" in alt and "net saving" in alt and "BCR -" not in alt
    assert "net saving" in ap.scenario_text(row)


def test_a_net_saving_that_loses_more_benefit_than_it_saves_is_poor():
    opts = ap.options_from_dict({"Cut": {"costs": {"Service": plain([-100])},
                                         "benefits": {"Visits": [-500]}}})
    row = ap.appraise(opts).option("Cut")
    assert row["npsv"] == pytest.approx(-500 + 100)
    assert row["bcr"] is None and row["saving"] is True and row["vfm"] == "poor"
    assert "benefits fall by £500, at least as much as the saving" in row["note"]


@pytest.mark.parametrize("pv_b, pv_c, bcr, vfm, saving, note", [
    (300, 200, 1.5, "medium", False, ""),
    (-50, 100, -0.5, "poor", False, ""),          # costs money and does harm: a real BCR, poor
    (50, -100, None, "very high", True, "net saving: costs fall by £100 in present value"),
    (-50, -100, None, "very high", True, "less than the saving"),   # NPSV +50
    (-100, -100, None, "poor", True, "at least as much as the saving"),   # NPSV 0
    (10, 0, None, "very high", False, "no costs"),
    (-10, 0, None, "poor", False, "no costs"),
    (0, 0, None, "poor", False, "no costs"),
    (5, 0.004, None, "very high", False, "no costs"),   # under half a penny counts as none
])
def test_value_for_money_rule(pv_b, pv_c, bcr, vfm, saving, note):
    got = ap.value_for_money(pv_b, pv_c)
    assert got["bcr"] == (pytest.approx(bcr) if bcr is not None else None)
    assert got["vfm"] == vfm and got["saving"] is saving and note in got["note"]


def test_zero_costs_are_rated_by_npsv_never_not_assessed():
    opts = ap.options_from_dict({"Free good": {"benefits": {"Time": [0, 1035]}},
                                 "Free harm": {"benefits": {"Time": [0, -1035]}},
                                 "Nothing": {"benefits": {"Time": [0, 0]}}})
    app = ap.appraise(opts)
    good, harm, nothing = (app.option(n) for n in ("Free good", "Free harm", "Nothing"))
    assert good["pv_costs"] == 0 and good["npsv"] == pytest.approx(1035 / 1.035)   # 1,000
    assert good["bcr"] is None and good["vfm"] == "very high" and "no costs" in good["note"]
    assert harm["npsv"] == pytest.approx(-1000) and harm["vfm"] == "poor" and harm["bcr"] is None
    assert nothing["vfm"] == "poor"
    assert "not assessed" not in set(app.summary["vfm"])
    text = ap.summary_text(app, "Free good")
    assert "no costs" in text and "**very high** value for money" in text
    assert "infinite" not in text


# ---------------------------------------------------------------- optimism bias never enlarges a saving

def test_optimism_bias_uplifts_only_positive_cost_lines():
    opts = ap.options_from_dict({"A": {"costs": {"Build": plain([1000, -500], "capital"),
                                                 "Run": plain([-300, 200])}}})
    app = ap.appraise(opts)      # equipment/development upper bound: capital +200%, operating +41%
    d1 = 1 / 1.035
    # year 0: 1000 * 3 + (-300) = 2700; year 1: -500 (not uplifted) + 200 * 1.41 = -218
    assert app.option("A")["pv_costs"] == pytest.approx(2700 + (-500 + 282) * d1)
    lines = app.lines.set_index(["category", "year"])
    assert lines.loc[("Build", 1), "uplift"] == 0 and lines.loc[("Build", 1), "adjusted"] == -500
    assert lines.loc[("Run", 0), "adjusted"] == -300
    by = app.by_year
    assert by["optimism_bias"].tolist() == pytest.approx([2000, 82])
    t = ap.affordability(app, "A")
    assert t["optimism_bias"].tolist() == pytest.approx([2000, 82])
    assert t["total"].tolist() == pytest.approx([2700, -218])


# ---------------------------------------------------------------- cost type: the default is said

def test_no_cost_type_column_warns_naming_file_default_and_rows(tmp_path):
    p = write(tmp_path, "option,year,stream,category,value\n"
                        "A,0,cost,Build,1000\nA,1,cost,Run,100\nA,1,benefit,Time,5000\n")
    with pytest.warns(UserWarning) as caught:
        df = ap.load_options(p)
    msg = str(caught[0].message)
    assert msg.startswith("options.csv: there is no cost_type column")
    assert "rows 2–3" in msg and "treated as capital costs, the default" in msg
    assert df.attrs["warnings"] == [msg]
    assert df["cost_type"].tolist() == ["capital", "capital", ""]
    assert df["cost_type_default"].tolist() == [True, True, False]
    app = ap.appraise(df, mitigation=0.5)        # capital 2.00 - 0.5 * 1.90 = +105%
    assert app.option("A")["pv_costs"] == pytest.approx(1000 * 2.05 + 100 * 2.05 / 1.035)
    assert len(app.warnings) == 1
    w = app.warnings[0]
    assert "options.csv" in w and "rows 2–3" in w and "+105%" in w and "+20%" in w
    assert "*Assumed:* options.csv" in ap.summary_text(app, "A")


def test_blank_cost_type_cells_warn_listing_only_those_rows(tmp_path):
    p = write(tmp_path, HEADER + "A,0,cost,Build,1000,capital,\nA,1,cost,Run,100,,\n"
                                 "A,2,cost,Run,100,,\nA,3,cost,Run,100,operating,\n"
                                 "A,4,cost,Run,-100,,\nA,1,benefit,Time,50,,\n")
    with pytest.warns(UserWarning, match=r"options.csv: the cost_type is blank in 3 cost row\(s\) "
                                         r"\(rows 3–4, 6\)"):
        df = ap.load_options(p)
    app = ap.appraise(df, project_type="standard_buildings")   # capital +24%
    w = app.warnings[0]
    assert "rows 3–4, 6" in w and "2 positive line(s) uplifted by +24%" in w
    d = [1 / 1.035 ** t for t in range(5)]
    hand = 1000 * 1.24 + 100 * 1.24 * (d[1] + d[2]) + 100 * 1.41 * d[3] - 100 * d[4]
    assert app.option("A")["pv_costs"] == pytest.approx(hand)


def test_explicit_cost_types_give_no_warning(tmp_path):
    import warnings

    p = write(tmp_path, HEADER + "A,0,cost,Build,1000,capital,\nA,1,benefit,Time,50,,\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = ap.load_options(p)
        ap.options_from_dict({"A": {"costs": {"x": plain([1])}}})
    assert df.attrs["warnings"] == [] and ap.appraise(df).warnings == []


def test_a_cost_type_that_is_not_capital_or_operating_names_file_row_column(tmp_path):
    p = write(tmp_path, "Option,Year,Stream,Category,Value,Cost type\n"
                        "A,0,cost,Build,1000,Capital\nA,1,cost,Run,100,running\n")
    with pytest.raises(DataFileError) as info:
        ap.load_options(p)
    err = info.value
    assert err.file.endswith("options.csv") and err.row == 3 and err.column == "Cost type"
    assert "'running' is neither 'capital' nor 'operating'" in str(err)


# ---------------------------------------------------------------- the words name the schedules

def test_summary_text_names_the_discount_schedule_of_each_stream():
    opts = ap.options_from_dict({"A": {"costs": {"c": plain([100], "capital")},
                                       "benefits": {"Wellbeing": {"values": [0, 500], "health": True},
                                                    "Time": [0, 500]}}})
    text = ap.summary_text(ap.appraise(opts), "A")
    assert "discounted at the Green Book rate (3.5% to year 30, 3.0% after)" in text
    assert "health effects (Wellbeing) at 1.5%" in text
    assert "discounted at 3.5%" not in text and "Green Book's 3.5%" not in text
    # no health rows: no health rate mentioned
    plain_opts = ap.options_from_dict({"A": {"costs": {"c": plain([100], "capital")},
                                             "benefits": {"Time": [0, 500]}}})
    text = ap.summary_text(ap.appraise(plain_opts), "A")
    assert "discounted at the Green Book rate (3.5% to year 30, 3.0% after)." in text
    assert "health" not in text


def test_schedule_words_follow_the_horizon():
    assert ap.schedule_words(9) == "3.5% to year 30, 3.0% after"
    assert ap.schedule_words(40) == "3.5% to year 30, 3.0% after"
    assert ap.schedule_words(80) == "3.5% to year 30, 3.0% to year 75, 2.5% after"
    assert ap.schedule_words(9, health=True) == "1.5%"
    assert ap.schedule_words(40, health=True) == "1.5% to year 30, 1.29% after"


# ---------------------------------------------------------------- by-year tables reconcile

def test_by_year_reconciles_row_by_row_and_in_total():
    # 35 years, so both schedules change rate at year 31; health on a benefit and on a cost
    years = 36
    opts = ap.options_from_dict({"A": {
        "costs": {"Build": plain([12345.67] + [0] * (years - 1), "capital"),
                  "Run": plain([987.65] * years),
                  "Stress": {"values": [0] + [111.11] * (years - 1), "health": True,
                             "cost_type": "operating"}},
        "benefits": {"Time": [0] + [2345.67] * (years - 1),
                     "Wellbeing": {"values": [0] + [1234.56] * (years - 1), "health": True}}}})
    app = ap.appraise(opts, mitigation=1.0)   # capital +10%, operating +0%
    by = app.by_year
    # the factors are kept in full (not rounded): the hand loop to 12 significant figures
    for t in range(years):
        assert by.loc[t, "discount_factor"] == pytest.approx(hand_df(t), rel=1e-12)
        assert by.loc[t, "health_discount_factor"] == pytest.approx(hand_health_df(t), rel=1e-12)
    # each row: value x factor = the PV shown, health part at the health factor
    std_b = by["benefits"] - by["health_benefits"]
    std_c = by["costs"] - by["health_costs"]
    assert (std_b * by["discount_factor"] + by["health_benefits"] * by["health_discount_factor"]
            ).tolist() == pytest.approx(by["pv_benefits"].tolist(), abs=1e-9)
    assert (std_c * by["discount_factor"] + by["health_costs"] * by["health_discount_factor"]
            ).tolist() == pytest.approx(by["pv_costs"].tolist(), abs=1e-9)
    # the by-year PVs add up to the summary's, and to the hand figures
    row = app.option("A")
    assert by["pv_costs"].sum() == pytest.approx(row["pv_costs"], abs=0.005)
    assert by["pv_benefits"].sum() == pytest.approx(row["pv_benefits"], abs=0.005)
    hand_c = (12345.67 * 1.10 + sum(987.65 * hand_df(t) for t in range(years))
              + sum(111.11 * hand_health_df(t) for t in range(1, years)))
    hand_b = sum(2345.67 * hand_df(t) + 1234.56 * hand_health_df(t) for t in range(1, years))
    assert row["pv_costs"] == pytest.approx(hand_c, abs=0.005)
    assert row["pv_benefits"] == pytest.approx(hand_b, abs=0.005)
    # the readable table rounds each PV from the unrounded product, and keeps the factor whole
    t = ap.by_year_table(app, "A")
    assert t["discount_factor"].tolist() == by["discount_factor"].tolist()
    assert t["pv_benefits"].tolist() == [round(v, 2) for v in by["pv_benefits"]]
    assert t.loc[31, "pv_benefits"] == round(2345.67 * hand_df(31) + 1234.56 * hand_health_df(31), 2)
    assert t["pv_benefits"].sum() == pytest.approx(hand_b, abs=0.005 * years)


def test_by_year_table_without_health_rows_drops_the_health_columns():
    app = ap.appraise(small_options())
    t = ap.by_year_table(app)
    assert "health_discount_factor" not in t and "option" in t
    assert len(t) == 6


# ---------------------------------------------------------------- transfers stay out of the NPSV

def test_transfers_are_left_out_of_npsv_and_reported_separately(tmp_path):
    p = write(tmp_path, "option,year,stream,category,value,cost_type,health,transfer\n"
                        "A,0,cost,Build,1000,capital,,\n"
                        "A,1,benefit,Time,3105,,,\n"
                        "A,1,transfer,Government grant,2070,,,\n"
                        "A,2,cost,Grant to VCSE partner,500,,,yes\n"
                        "A,1,benefit,Overpayments recovered,1035,,,yes\n"
                        "Do minimum,0,cost,Web,100,operating,,\n")
    df = ap.load_options(p)
    t_rows = df[df["stream"] == "transfer"]
    # + received, - paid: the cost row marked transfer changes sign
    assert t_rows["value"].tolist() == [2070, -500, 1035]
    app = ap.appraise(df, project_type="standard_buildings", mitigation=1.0)   # capital +2%
    row = app.option("A")
    assert row["pv_costs"] == pytest.approx(1020)
    assert row["pv_benefits"] == pytest.approx(3000)        # 3105 / 1.035, nothing else
    assert row["npsv"] == pytest.approx(1980)
    assert row["bcr"] == pytest.approx(3000 / 1020)
    assert "transfer" not in set(app.lines["stream"])
    assert set(ap.sensitivity(app, "A")["category"]) == {"Build", "Time"}
    assert ap.affordability(app, "A")["total"].tolist() == pytest.approx([1020, 0, 0])
    tr = app.transfers
    assert tr["option"].unique().tolist() == ["A"]           # the do-minimum has none
    assert tr["year"].tolist() == [0, 1, 2]
    assert tr["transfers"].tolist() == pytest.approx([0, 2070 + 1035, -500])
    assert tr["pv_transfers"].tolist() == pytest.approx([0, 3105 / 1.035, -500 / 1.035 ** 2])
    table = ap.transfers_table(app)
    assert table["PV of transfers (£)"].tolist() == [0, 3000, round(-500 / 1.035 ** 2, 2)]
    assert table["transfers (£, + received, − paid)"].tolist() == [0, 3105, -500]
    text = ap.summary_text(app, "A", "Do minimum")
    assert "left out of the NPSV" in text and "£2,605" in text


def test_transfers_from_a_dict_and_none_at_all():
    opts = ap.options_from_dict({"A": {"costs": {"c": plain([100], "capital")},
                                       "transfers": {"Grant": [50, 50]}}})
    app = ap.appraise(opts, mitigation=1.0)
    assert app.option("A")["pv_costs"] == pytest.approx(110)
    assert app.option("A")["pv_benefits"] == 0
    assert app.transfers["pv_transfers"].sum() == pytest.approx(50 + 50 / 1.035)
    empty = ap.appraise(small_options())
    assert len(empty.transfers) == 0 and len(ap.transfers_table(empty)) == 0
    assert "Transfers" not in ap.summary_text(empty, "Preferred")


def test_a_bad_transfer_cell_names_file_row_column(tmp_path):
    p = write(tmp_path, "option,year,stream,category,value,transfer\nA,0,benefit,x,10,perhaps\n")
    with pytest.raises(DataFileError) as info:
        ap.load_options(p)
    assert info.value.row == 2 and info.value.column == "transfer"
