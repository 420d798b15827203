"""The proposal file: validated with messages naming the key, and its tables."""
import pytest
import yaml

from toolkit_helpers import proposal
from toolkit_helpers.artefacts import Artefacts
from toolkit_helpers.errors import DataFileError
from toolkit_helpers.paths import data_dir
from toolkit_helpers.templates import template_text

SAMPLE = data_dir() / "sample" / "council" / "proposal.yaml"


def test_sample_proposal():
    p = proposal.load_proposal(SAMPLE)
    assert p.stage == "Outline Business Case" and p.date == "2026-10-01"
    assert p.shortlist == ["Do minimum", "Open service data and app partnership"]
    ll = proposal.long_list_table(p)
    assert list(ll["Option"]) == [o["option"] for o in p.long_list] and len(ll) == 5
    assert list(ll.columns[1:6]) == ["Scope", "Solution", "Delivery", "Implementation", "Funding"]
    reg = proposal.risk_register(p)
    assert list(reg["Score"]) == sorted(reg["Score"], reverse=True)
    assert reg["Score"].iloc[0] == 3 * 4
    f = proposal.funding_table(p)
    assert f["Amount (£)"].sum() == 530000 and list(f["Confirmed"]) == ["Yes", "Yes", "No"]
    assert proposal.nominal([100.0, 100.0, 100.0], p.inflation) == pytest.approx([100, 102, 104.04])


def test_blank_template_parses_as_empty():
    p = proposal.parse_proposal(yaml.safe_load(template_text("proposal")))
    assert proposal.is_empty(p) and p.long_list == [] and p.shortlist == []


@pytest.mark.parametrize("doc, key", [
    ({"stage": "Full case"}, "key 'stage'"),
    ({"titel": "x"}, "did you mean 'title'"),
    ({"long_list": [{"choices": {}}]}, "long_list[0].option"),
    ({"long_list": [{"option": "A", "choices": {"colour": "red"}}]}, "long_list[0].choices"),
    ({"long_list": [{"option": "A", "shortlisted": "maybe"}]}, "long_list[0].shortlisted"),
    ({"management": {"risks": [{"risk": "r", "likelihood": 7, "impact": 2}]}},
     "management.risks[0].likelihood"),
    ({"financial": {"funding": [{"source": "s", "amount": "lots"}]}}, "financial.funding[0].amount"),
    ({"financial": {"inflation_pct": 45}}, "financial.inflation_pct"),
    ({"commercial": {"rout": "x"}}, "commercial.rout"),
])
def test_errors_name_the_key(doc, key, tmp_path):
    with pytest.raises(DataFileError) as e:
        proposal.parse_proposal(doc, tmp_path / "proposal.yaml")
    assert key in str(e.value) and "proposal.yaml" in str(e.value)


def test_record_puts_each_part_in_its_case(tmp_path):
    art = Artefacts(tmp_path, "04_championing_open")
    proposal.record(proposal.load_proposal(SAMPLE), art)
    import json

    entries = json.loads((tmp_path / "04_championing_open" / "manifest.json").read_text())["entries"]
    cases = {e["name"]: e["case"] for e in entries}
    assert cases["long_list"] == "economic" and cases["commercial_approach"] == "commercial"
    assert cases["funding_sources"] == "financial" and cases["risk_register"] == "management"
    assert cases["milestones"] == "management" and cases["proposal"] == "summary"
    data = json.loads((tmp_path / "04_championing_open" / "proposal.json").read_text())
    assert data["funding_confirmed"] == 470000 and data["funding_unconfirmed"] == 60000
    assert len(data["top_risks"]) == 3


def test_costed_risks():
    p = proposal.load_proposal(SAMPLE)
    reg = proposal.risk_register(p)
    assert reg.loc[reg["Risk"] == "Personal data in published events", "Cost if it happens (£)"].iloc[0] == 25000
    with pytest.raises(DataFileError) as e:
        proposal.parse_proposal({"management": {"risks": [
            {"risk": "r", "likelihood": 2, "impact": 2, "cost": "a lot"}]}})
    assert "management.risks[0].cost" in str(e.value)
    no_cost = proposal.parse_proposal({"management": {"risks": [
        {"risk": "r", "likelihood": 2, "impact": 2}]}})
    assert "Cost if it happens (£)" not in proposal.risk_register(no_cost).columns
