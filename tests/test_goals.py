"""Stage 1 helpers: benefits register (CSV and YAML), its validation messages, SMART checks, the
logic model and the pattern choice; and the stage 2 inventory loader."""
import datetime as dt

import pytest

from toolkit_helpers import goals, inventory
from toolkit_helpers.errors import DataFileError

HEADER = "Benefit,Who gains,Measure,Baseline,Target,Owner,By when\n"


def test_benefits_csv_with_spreadsheet_headers(tmp_path):
    p = tmp_path / "b.csv"
    p.write_text(HEADER + "Fewer wasted trips to closed hubs,Residents,% wasted trips,40,20,Head of Libraries,2028-03-31\n")
    b = goals.load_benefits(p)
    assert list(b.columns) == list(goals.BENEFIT_FIELDS)
    assert b.loc[0, "owner"] == "Head of Libraries" and b.loc[0, "baseline"] == "40"


def test_a_benefit_without_a_measure_names_file_row_and_field(tmp_path):
    p = tmp_path / "b.csv"
    p.write_text(HEADER + "Good one here today,Residents,visits,1,2,Me,2030\n"
                          "\n"
                          "More visits,Residents,,1,2,Me,2030\n")
    with pytest.raises(DataFileError) as e:
        goals.load_benefits(p)
    err = e.value
    assert (err.row, err.column) == (4, "measure")  # line 4 of the file (a blank line 3)
    assert "'More visits' has no measure" in str(err) and err.file == str(p)


def test_a_benefit_without_an_owner_in_yaml(tmp_path):
    p = tmp_path / "b.yaml"
    p.write_text("benefits:\n  - benefit: Fewer calls\n    measure: calls a month\n    owner: A\n"
                 "  - benefit: More visits\n    measure: visits\n")
    with pytest.raises(DataFileError, match="has no owner") as e:
        goals.load_benefits(p)
    assert (e.value.row, e.value.column) == (2, "owner")


def test_unknown_column_and_bad_date(tmp_path):
    p = tmp_path / "b.csv"
    p.write_text("Benefit,Measure,Owner,Colour\nx,y,z,red\n")
    with pytest.raises(DataFileError, match="unknown column 'Colour'"):
        goals.load_benefits(p)
    p.write_text("Benefit,Measure,Owner,By when\nx,y,z,next year\n")
    with pytest.raises(DataFileError, match="not a date") as e:
        goals.load_benefits(p)
    assert (e.value.row, e.value.column) == (2, "by_when")


def test_smart_check_by_hand():
    import pandas as pd

    reg = pd.DataFrame([
        {"benefit": "Residents find an open hub first time", "who_gains": "Residents",
         "measure": "% wasted trips", "baseline": "40", "target": "20", "owner": "A",
         "by_when": "2028-03-31"},
        {"benefit": "Better", "who_gains": "", "measure": "visits", "baseline": "lots",
         "target": "more", "owner": "A", "by_when": "2020"},
        {"benefit": "Visits to all branches go up a lot", "who_gains": "Residents",
         "measure": "visits", "baseline": "100", "target": "5000", "owner": "A", "by_when": "2030"},
    ])
    s = goals.smart_check(reg, as_of=dt.date(2026, 10, 1))
    assert list(s.columns) == ["benefit", "specific", "measurable", "time_bound", "owned", "smart",
                               "achievable", "relevant", "advice"]
    assert s.loc[0, "smart"]
    row = s.loc[1]
    assert not row["measurable"] and not row["time_bound"] and not row["smart"]
    assert row["specific"]  # "visits" is a named measure (a one-word description is not judged)
    assert "baseline and the target as numbers" in row["advice"]
    assert "who gains" in row["relevant"] and "say who gains" in row["advice"]
    # fiftyfold is for people to judge: the size is given, never a pass or fail from a ratio
    assert s.loc[2, "smart"]
    assert s.loc[2, "achievable"] == ("for you to judge: is a rise from 100 to 5,000 (+4,900%) in "
                                      "4 years achievable? compare with similar services and with "
                                      "your own past trend")


def test_smart_checks_what_it_can_and_leaves_the_rest_to_people():
    """Specific (a named measure), Measurable (numbers in one unit), Time-bound (after as_of)
    and Owned (a named owner) are checked; Achievable and Relevant are prompts."""
    base = {"benefit": "Fewer wasted trips to closed hubs", "who_gains": "Residents",
            "measure": "% of residents who made a wasted trip", "baseline": "46%", "target": "23%",
            "owner": "Head of Libraries", "by_when": "2028-09-30"}
    r = goals.smart_benefit(base, as_of=dt.date(2026, 9, 30))
    assert (r.specific, r.measurable, r.time_bound, r.owned, r.smart) == (True, True, True, True, True)
    assert r.achievable == ("for you to judge: is a fall from 46% to 23% (-50%) in 2 years "
                            "achievable? compare with similar services and with your own past trend")
    assert r.relevant.startswith("for you to judge: does a change in '% of residents who made a "
                                 "wasted trip' matter to Residents")
    assert r.advice == "checks pass: now judge achievable and relevant yourself"
    assert set(goals.SMART_CHECKED) | set(goals.SMART_FOR_YOU) == set(goals.SMART) | {"owned"}

    def check(**change):
        return goals.smart_benefit({**base, **change}, as_of=dt.date(2026, 9, 30))

    r = check(measure="TBC")
    assert not r.specific and not r.smart and "name the measure" in r.advice
    r = check(target="£23")
    assert not r.measurable and "the baseline is in '%' but the target in '£'" in r.advice
    assert r.achievable.startswith("for you to judge: once the baseline and the target are numbers")
    assert check(baseline="628,000 visits", target="703,360").measurable  # one unit given
    assert check(baseline="£1.2m", target="£900k").achievable.startswith(
        "for you to judge: is a fall from £1,200,000 to £900,000 (-25%)")
    r = check(by_when="2026-06-30")
    assert not r.time_bound and "'2026-06-30' is not in the future" in r.advice
    assert "by 2026-06-30 achievable?" in r.achievable
    for owner in ("", "tbc", "Everyone", "the council"):
        r = check(owner=owner)
        assert not r.owned and not r.smart and "name one owner" in r.advice
    # no change is not failed either: holding a level can be the goal
    assert "is holding at 95% in 2 years achievable?" in check(baseline="95%", target="95%").achievable
    # NaN cells (a register made in pandas) count as blank
    r = check(owner=float("nan"), who_gains=float("nan"))
    assert not r.owned and "(not given)" in r.relevant


def test_smart_check_on_the_sample_register(project_root):
    reg = goals.load_benefits(project_root / "data/sample/council/benefits.csv")
    s = goals.smart_check(reg, as_of=dt.date(2026, 10, 1))
    assert s["smart"].all()
    assert s["achievable"].str.startswith("for you to judge: ").all()
    assert s["relevant"].str.startswith("for you to judge: ").all()
    assert s.loc[0, "achievable"].startswith("for you to judge: is a fall from 46 to 23 (-50%) "
                                             "in 18 months achievable?")


def test_smart_goal_sentence():
    g = goals.smart_goal("Halve the share of residents making a wasted trip to a hub, from 40% to 20%, by March 2028",
                         as_of=dt.date(2026, 10, 1))
    assert g["specific"] and g["measurable"] and g["time_bound"]
    g = goals.smart_goal("Improve libraries")
    assert not g["measurable"] and not g["time_bound"] and "add a date" in g["advice"]


def test_smart_goal_checks_and_prompts():
    as_of = dt.date(2026, 10, 1)
    g = goals.smart_goal("Halve the share of residents making a wasted trip to a hub, from 46% "
                         "to 23%, by March 2028", as_of=as_of)
    assert g["smart"] and g["owned"] is None  # a sentence names no owner: not checked
    assert g["achievable"] == ("for you to judge: is a fall from 46% to 23% (-50%) in 18 months "
                               "achievable? compare with similar services and with your own past trend")
    assert g["relevant"].startswith("for you to judge: ")
    assert list(g) == ["goal", "specific", "measurable", "time_bound", "owned", "smart",
                       "achievable", "relevant", "advice"]
    # a date in the past, a missing baseline, different units, an owner
    g = goals.smart_goal("Halve the share of residents making a wasted trip by March 2026", as_of=as_of)
    assert not g["time_bound"] and not g["measurable"] and not g["smart"]
    assert "is not in the future" in g["advice"] and "give the baseline and the target" in g["advice"]
    g = goals.smart_goal("Cut the cost of calls about opening times from 40% to £20 by 2028", as_of=as_of)
    assert not g["measurable"] and "same unit" in g["advice"]
    g = goals.smart_goal("Cut calls about opening times from 1,205 calls a month to 561 calls per "
                         "month by 2028-03-31", as_of=as_of, owner="Customer Services Manager")
    assert g["smart"] and g["owned"] is True and "fall from 1,205 to 561 (-53%) in 18 months" in g["achievable"]
    g = goals.smart_goal("Cut calls about opening times from 1205 to 561 by 2028", as_of=as_of, owner="tbc")
    assert g["owned"] is False and not g["smart"]
    # the numbers of the baseline and target are not read as years
    g = goals.smart_goal("Raise the number of visits a year from 2000 to 2600 by 2028", as_of=as_of)
    assert g["time_bound"] and "rise from 2,000 to 2,600 (+30%)" in g["achievable"]


def test_logic_model(tmp_path):
    p = tmp_path / "lm.yaml"
    p.write_text("inputs: [staff]\nactivities: [publish]\noutputs: [CSV]\noutcomes: [fewer calls]\n"
                 "impact: better services\n")
    m = goals.load_logic_model(p)
    assert m["impact"] == ["better services"]
    t = goals.logic_model_table(m)
    assert list(t.columns) == ["Inputs", "Activities", "Outputs", "Outcomes", "Impact"]
    fig, alt = goals.logic_model_figure(m)
    assert "Inputs (1): staff." in alt


def test_logic_model_missing_stage_and_typo(tmp_path):
    p = tmp_path / "lm.yaml"
    p.write_text("inputs: [staff]\nactivities: [publish]\noutputs: [CSV]\noutcomes: []\nimpact: [x]\n")
    with pytest.raises(DataFileError, match="has no outcomes") as e:
        goals.load_logic_model(p)
    assert e.value.column == "outcomes"
    p.write_text("inputs: [staff]\nactivites: [publish]\n")
    with pytest.raises(DataFileError, match="did you mean 'activities'"):
        goals.load_logic_model(p)


def test_patterns():
    q = list(goals.PATTERN_QUESTIONS)
    assert goals.suggest_patterns({q[0]: True, q[1]: False, q[2]: True}) == ["access", "policy"]
    assert goals.suggest_patterns({"delivery": True}) == ["delivery"]
    with pytest.raises(ValueError):
        goals.suggest_patterns({"nonsense": True})


def test_sample_register_and_model_load(project_root):
    b = goals.load_benefits(project_root / "data/sample/council/benefits.csv")
    assert len(b) == 5 and b["owner"].astype(bool).all()
    assert set(goals.load_logic_model(project_root / "data/sample/council/logic_model.yaml")) == set(goals.LOGIC_STAGES)


# ------------------------------------------------------------------ inventory
INV_HEADER = "name,steward,licence,format,update_frequency,last_updated,link,personal_data,status\n"


def test_inventory_loads_and_reports_gaps(tmp_path):
    p = tmp_path / "inv.csv"
    p.write_text(INV_HEADER + "Visits,Libraries,OGL,CSV,monthly,31/03/2024,,no,uses\n"
                              "Members,,internal,Database,daily,,,yes,could use\n")
    inv = inventory.load_inventory(p)
    assert inv.loc[0, "last_updated"] == dt.date(2024, 3, 31)
    assert list(inv["personal_data"]) == [False, True]
    g = inventory.gaps(inv)
    assert set(g[g["dataset"] == "Members"]["gap"]) == {
        "no named steward", "licence 'internal' is not open", "no last-updated date",
        "holds personal data"}
    assert g[g["dataset"] == "Visits"].empty
    owners = inventory.owners_table(inv).set_index("steward")
    assert owners.loc["(none named)", "personal_data"] == 1


@pytest.mark.parametrize("row,column,match", [
    ("Visits,A,OGL,CSV,monthly,2024-13-45,,no,uses", "last_updated", "not a date"),
    ("Visits,A,OGL,CSV,sometimes,2024-01-01,,no,uses", "update_frequency", "unknown update frequency"),
    ("Visits,A,OGL,CSV,monthly,2024-01-01,,maybe,uses", "personal_data", "personal_data is 'maybe'"),
    ("Visits,A,OGL,CSV,monthly,2024-01-01,,no,someday", "status", "status is 'someday'"),
    (",A,OGL,CSV,monthly,2024-01-01,,no,uses", "name", "no name"),
])
def test_inventory_cell_problems_name_row_and_column(tmp_path, row, column, match):
    p = tmp_path / "inv.csv"
    p.write_text(INV_HEADER + "Good,A,OGL,CSV,monthly,2024-01-01,,no,uses\n" + row + "\n")
    with pytest.raises(DataFileError, match=match) as e:
        inventory.load_inventory(p)
    assert (e.value.row, e.value.column) == (3, column)


def test_inventory_missing_column_and_missing_local_file(tmp_path):
    p = tmp_path / "inv.csv"
    p.write_text("name,steward\nx,y\n")
    with pytest.raises(DataFileError, match="no 'licence', 'format'"):
        inventory.load_inventory(p)
    p.write_text(INV_HEADER.strip() + ",file\nVisits,A,OGL,CSV,monthly,,,no,uses,missing.csv\n")
    with pytest.raises(DataFileError, match="does not exist") as e:
        inventory.load_inventory(p)
    assert (e.value.row, e.value.column) == (2, "file")


def test_sample_inventory_scores(project_root):
    from toolkit_helpers import quality

    inv = inventory.load_inventory(project_root / "data/sample/council/inventory.csv")
    summary, cards = quality.scorecard(inv, as_of="2026-10-01")
    assert len(summary) == len(inv) == 8
    visits = cards["Library visits by branch"]
    checks = {f.check for f in visits.findings}
    assert {"title_row", "duplicate_column_name", "empty_column_name", "whitespace",
            "inconsistent_values", "ragged_rows", "blank_rows", "stray_quote"} <= checks
    # the generator's deliberate problems, at the lines it put them
    at = {(f.check, f.row, f.column) for f in visits.findings}
    assert {("title_row", 1, 1), ("whitespace", 5, 2), ("inconsistent_values", 10, 3),
            ("ragged_rows", 16, 8), ("blank_rows", 31, None), ("stray_quote", 41, 2)} <= at


def test_case_study_evidence_reads_manifests_when_present(tmp_path):
    import pandas as pd

    from toolkit_helpers.artefacts import Artefacts

    assert inventory.case_study_evidence(tmp_path).empty  # nothing has run: fine
    a = Artefacts(tmp_path, "dwp_jobseekers")
    a.table("claimants_comparison", pd.DataFrame({"x": [1]}), case="strategic", title="Comparison")
    a.text("the_need", "text", case="strategic", title="The need")
    Artefacts(tmp_path, "01_goals").table("t", pd.DataFrame({"x": [1]}), case="strategic", title="t")
    ev = inventory.case_study_evidence(tmp_path)
    assert ev[["notebook", "artefact", "file"]].values.tolist() == [
        ["dwp_jobseekers", "claimants_comparison", "dwp_jobseekers/claimants_comparison.csv"]]


def test_register_table_titles():
    import pandas as pd

    t = goals.register_table(pd.DataFrame(columns=list(goals.BENEFIT_FIELDS)))
    assert list(t.columns) == ["Benefit", "Who gains", "Measure", "Baseline", "Target", "Owner", "By when"]


def test_by_when_forms():
    assert goals._parse_when("2028") == dt.date(2028, 12, 31)
    assert goals._parse_when("2028-03") == dt.date(2028, 3, 31)
    assert goals._parse_when("31/03/2028") == dt.date(2028, 3, 31)
    assert goals._parse_when("March 2028") == dt.date(2028, 3, 31)
    assert goals._parse_when("46843") == dt.date(2028, 3, 31)  # Excel serial
    assert goals._parse_when("Sep 2027") == dt.date(2027, 9, 30)
    assert goals._parse_when("2028-02") == dt.date(2028, 2, 29)  # a leap year's February
    assert goals._parse_when("31 Mar 2028") == dt.date(2028, 3, 31)
    with pytest.raises(ValueError):
        goals._parse_when("soon")


def test_gaps_are_ranked_as_risks(tmp_path):
    p = tmp_path / "inv.csv"
    p.write_text(INV_HEADER + "Open,,OGL,CSV,monthly,,,no,uses\n"
                              "Closed,A,internal,CSV,monthly,2024-01-01,,yes,uses\n")
    g = inventory.gaps(inventory.load_inventory(p))
    assert g[["dataset", "gap", "risk"]].values.tolist() == [
        ["Open", "no named steward", "high"],
        ["Closed", "holds personal data", "high"],
        ["Closed", "licence 'internal' is not open", "medium"],
        ["Open", "no last-updated date", "low"]]


def test_upsert_benefit_adds_then_updates_by_name_ignoring_case_and_spaces():
    rec = {"Benefit": "Fewer wasted trips", "Who gains": "Residents", "Measure": "% wasted trips",
           "Baseline": "40", "Target": "20", "Owner": "Head of Libraries",
           "By when (yyyy-mm-dd)": dt.date(2028, 3, 31)}
    reg, new, action = goals.upsert_benefit(None, rec)
    assert action == "added" and len(reg) == 1 and reg.loc[0, "by_when"] == "2028-03-31"
    other = {**rec, "Benefit": "More volunteers", "Measure": "volunteer hours"}
    reg, _, action = goals.upsert_benefit(reg, other)
    assert action == "added" and len(reg) == 2
    again = {**rec, "Benefit": "  fewer   WASTED trips ", "Target": "15"}
    before = reg.copy()
    reg2, new, action = goals.upsert_benefit(reg, again)
    assert action == "updated" and len(reg2) == 2
    assert reg2.loc[0, "target"] == "15" and reg2.loc[1, "benefit"] == "More volunteers"
    assert before.equals(reg)  # the register given is not changed
    assert new.loc[0, "target"] == "15"


def test_upsert_benefit_refuses_an_unusable_benefit():
    with pytest.raises(DataFileError, match="has no owner"):
        goals.upsert_benefit(None, {"benefit": "x", "measure": "y", "owner": ""})
