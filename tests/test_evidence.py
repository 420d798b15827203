"""The evidence library and TfL's worked appraisal, checked against hand-worked figures."""
import math

import pytest

from toolkit_helpers import evidence


def test_library_holds_tfl_published_figures_with_sources():
    lib = evidence.library()
    assert list(lib.columns) == evidence.COLUMNS
    tfl = evidence.library("access")
    assert set(tfl["case_study"]) == {"Transport for London"}
    by = tfl.set_index("measure")
    assert by.loc["Total value of open data", "high"] == 130e6
    assert math.isnan(by.loc["Total value of open data", "low"])  # "up to": no lower bound
    assert (by.loc["Time savings for travellers", ["low", "high"]].tolist() == [70e6, 90e6])
    assert by.loc["Better journey planning", "high"] == 20e6
    assert (by.loc["Gross value added (GVA)", ["low", "high"]].tolist() == [12e6, 15e6])
    assert by.loc["Direct jobs", "low"] == 500
    assert by.loc["Indirect jobs", "low"] == 230
    assert by.loc["Cost of releasing open data", "high"] == 1e6
    assert by.loc["Apps built on the data", "low"] == 600
    assert by.loc["Londoners using those apps", "low"] == 0.42
    assert by.loc["Registered developers", "low"] == 13000
    assert (tfl["year"] == 2017).all()
    assert tfl["source"].str.contains("Deloitte").all()
    # every entry names its source
    assert (lib["source"].str.len() > 10).all()


def test_library_filters_by_pattern_and_alias():
    assert len(evidence.library("tfl")) == len(evidence.library("access"))
    assert set(evidence.library("Spend Network")["pattern"]) == {"delivery"}
    assert set(evidence.library("policy")["pattern"]) == {"policy"}
    total = sum(len(evidence.library(p)) for p in ("access", "delivery", "policy"))
    assert total == len(evidence.library())
    with pytest.raises(ValueError, match="No evidence for pattern"):
        evidence.library("weather")


def test_tfl_worked_example_ten_years_by_hand():
    result = evidence.tfl_worked_example()
    table = result["table"]
    assert list(table.columns) == ["year", "costs", "benefits", "discount_factor",
                                   "pv_costs", "pv_benefits"]
    assert table["year"].tolist() == list(range(10))
    assert table["discount_factor"].iloc[0] == 1.0
    assert table["discount_factor"].iloc[1] == pytest.approx(0.966183575, abs=1e-9)
    assert table["discount_factor"].iloc[9] == pytest.approx(1 / 1.035 ** 9)
    # Annuity-due factor for 10 payments at 3.5%: 1.035 * (1 - 1.035**-10) / 0.035 = 8.6076865
    annuity = 1.035 * (1 - 1.035 ** -10) / 0.035
    assert annuity == pytest.approx(8.6076865, abs=1e-6)
    assert table["pv_costs"].sum() == pytest.approx(1e6 * annuity)
    assert table["pv_benefits"].sum() == pytest.approx(70e6 * annuity)
    assert result["npsv"] == pytest.approx(69e6 * annuity)
    assert result["npsv"] == pytest.approx(593_930_369, abs=1)
    assert result["bcr"] == pytest.approx(70.0)
    assert result["vfm"] == "very high"


def test_tfl_worked_example_text_names_assumptions():
    text = evidence.tfl_worked_example()["text"]
    assert "Assumptions" in text
    assert "lower bound" in text
    assert "£593.9m" in text
    assert "very high" in text
    assert "Deloitte" in text


def test_tfl_worked_example_other_inputs_and_long_horizon():
    r = evidence.tfl_worked_example(40, benefits_per_year=2e6, costs_per_year=1e6)
    df = r["table"]
    # year 31 is the first year at 3.0%
    assert df["discount_factor"].iloc[31] == pytest.approx(1 / (1.035 ** 30 * 1.03))
    assert df["discount_factor"].iloc[39] == pytest.approx(1 / (1.035 ** 30 * 1.03 ** 9))
    assert r["bcr"] == pytest.approx(2.0)
    assert r["vfm"] == "high"
    assert r["npsv"] == pytest.approx(df["discount_factor"].sum() * 1e6)
    assert "declining rate" in r["text"]
    assert "lower bound" not in r["text"]  # not the conservative defaults any more


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "10"])
def test_tfl_worked_example_rejects_bad_years(bad):
    with pytest.raises(ValueError, match="years"):
        evidence.tfl_worked_example(bad)


def test_from_case_studies_when_nothing_ran(tmp_path):
    found = evidence.from_case_studies(tmp_path / "nowhere")
    assert found["ran"] == {"spend_network_tenders": False, "tfl_transport": False,
                            "dwp_jobseekers": False}
    assert found["numbers"] == {}
    assert found["table"]["evidence"].str.contains("did not run").all()
    assert evidence.from_case_studies("")["ran"]["dwp_jobseekers"] is False


def test_from_case_studies_reads_their_artefacts(tmp_path):
    from toolkit_helpers.artefacts import Artefacts

    spend = Artefacts(tmp_path, "spend_network_tenders")
    spend.data("spend_findings", {"duplicate_groups": 3, "duplicate_amount_at_stake": 12345.5,
                                  "regular_without_contract_total": 900.0}, case="appendix")
    dwp = Artefacts(tmp_path, "dwp_jobseekers")
    dwp.data("need", {"count": 1234.0, "rate": 2.5, "month": "September 2026"}, case="strategic")
    found = evidence.from_case_studies(tmp_path)
    assert found["ran"] == {"spend_network_tenders": True, "tfl_transport": False,
                            "dwp_jobseekers": True}
    import pandas as pd

    tfl = Artefacts(tmp_path, "tfl_transport")
    tfl.data("value_headline", {"npsv": 1.0, "bcr": 70.0, "vfm": "very high", "years": 10},
             case="economic")
    tfl.table("poorly_served_sites", pd.DataFrame({"site": ["Hub A", "Hub B"]}), case="strategic",
              title="Poorly served")
    found = evidence.from_case_studies(tmp_path)
    assert all(found["ran"].values())
    assert found["numbers"]["poorly_served_sites"] == 2
    assert found["numbers"]["tfl_bcr"] == 70.0
    assert "BCR 70.0 (very high)" in found["table"].set_index("notebook").loc["tfl_transport", "evidence"]
    assert found["numbers"]["duplicate_amount_at_stake"] == 12345.5
    assert found["numbers"]["duplicate_groups"] == 3
    assert found["numbers"]["claimants"] == 1234.0
    by = found["table"].set_index("notebook")["evidence"]
    assert "£12,346 at stake" in by["spend_network_tenders"]
    assert "1,234 claimants (2.5%" in by["dwp_jobseekers"]


def test_recovery_estimate_is_cash_with_its_range():
    numbers = {"duplicate_amount_at_stake": 1500.0,
               "duplicate_amount_at_stake_by_class": {"high": 1000.0, "low": 500.0},
               "duplicate_recovery_estimate": {"cautious": 16.0, "if_unsure_were_duplicates": 1210.0}}
    est = evidence.recovery_estimate(numbers)
    assert est == {"at_stake": 1500.0, "cautious": 16.0, "upper": 1210.0,
                   "by_class": {"high": 1000.0, "low": 500.0}}
    text = evidence.recovery_text(est)
    assert "£1,500 of possible duplicate payments" in text and "between £16 and £1,210" in text
    assert "left out of the NPSV" in text
    assert evidence.recovery_estimate({}) is None
    only_total = evidence.recovery_estimate({"duplicate_amount_at_stake": 200.0})
    assert "not known until the candidates are checked" in evidence.recovery_text(only_total)

