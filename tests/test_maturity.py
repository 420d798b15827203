"""Open Data Pathway self-check (validated YAML, table, chart) and the Data Ethics Canvas."""
from __future__ import annotations

import pytest

from toolkit_helpers import maturity as mat
from toolkit_helpers.errors import DataFileError

GOOD = """\
council: Testtown
scores:
  data_management_processes: 2
  knowledge_and_skills: 1
  customer_support_and_engagement: 1
  investment_and_financial_performance: 3
  strategic_oversight: 4
targets:
  knowledge_and_skills: 3
  strategic_oversight: 4
notes:
  knowledge_and_skills: "No training yet"
"""


def write(tmp_path, text):
    p = tmp_path / "maturity.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_load_and_summarise(tmp_path):
    m = mat.load_maturity(write(tmp_path, GOOD))
    assert m.scores["strategic_oversight"] == 4
    assert m.mean == pytest.approx(11 / 5)          # (2+1+1+3+4)/5 = 2.2
    assert m.weakest == ["Knowledge and skills", "Customer support and engagement"]
    t = mat.maturity_table(m)
    assert list(t["dimension"]) == list(mat.DIMENSIONS.values())
    row = t.set_index("dimension").loc["Knowledge and skills"]
    assert (row["score"], row["level"], row["target"], row["gap"], row["note"]) == \
        (1, "Initial", 3, 2, "No training yet")
    text = mat.maturity_text(m)
    assert "2.2 of 5" in text and "2 levels" in text and "Strategic oversight (score 4" in text


def test_figure_alt_text_gives_the_numbers(tmp_path):
    m = mat.load_maturity(write(tmp_path, GOOD))
    fig, alt = mat.maturity_figure(m)
    assert "knowledge and skills 1 (target 3)" in alt and "strategic oversight 4" in alt
    assert "Average 2.2" in alt


@pytest.mark.parametrize("text, message, line", [
    (GOOD.replace("  strategic_oversight: 4\ntargets", "targets"), "missing strategic_oversight", 2),
    (GOOD.replace("knowledge_and_skills: 1", "knowledge_and_skills: 6"), "is 6", 4),
    (GOOD.replace("knowledge_and_skills: 1", "knowledge_and_skills: high"), "is 'high'", 4),
    (GOOD.replace("knowledge_and_skills: 1", "knowledge_and_skills: 1.5"), "is 1.5", 4),
    (GOOD.replace("  data_management_processes: 2", "  data_management_process: 2"),
     "did you mean 'data_management_processes'", 3),
    (GOOD.replace("  strategic_oversight: 4\nnotes", "  strategic_oversight: 3\nnotes"),
     "below its score", 10),
    (GOOD + "colour: blue\n", "unknown key 'colour'", 13),
    ("- just\n- a list\n", "must be a YAML mapping", None),
])
def test_invalid_files_name_the_line_and_what_to_do(tmp_path, text, message, line):
    with pytest.raises(DataFileError) as e:
        mat.load_maturity(write(tmp_path, text))
    msg = str(e.value)
    assert message in msg and "maturity.yaml" in msg and "What to do" in msg
    if line:
        assert f"row {line}" in msg


def test_broken_yaml_and_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="cannot be read"):
        mat.load_maturity(write(tmp_path, "scores:\n  a: [1,\n"))
    with pytest.raises(DataFileError, match="not found"):
        mat.load_maturity(tmp_path / "nope.yaml")


def test_the_sample_file_is_valid(project_root):
    m = mat.load_maturity(project_root / "data" / "sample" / "council" / "maturity.yaml")
    assert set(m.scores) == set(mat.DIMENSIONS)
    assert all(1 <= v <= 5 for v in m.scores.values())


def test_canvas_has_the_15_areas_and_blanks_say_to_complete():
    c = mat.ethics_canvas()
    assert len(c) == 15
    assert list(c["area"])[:3] == ["Data sources", "Rights around data sources",
                                   "Limitations in data sources"]
    assert list(c["area"])[-1] == "Your actions"
    # with nothing known, only the legislative context is suggested
    prefilled = c[c["answer"] != mat.TO_COMPLETE]
    assert list(prefilled["area"]) == ["Ethical and legislative context"]


def test_canvas_prefilled_from_config_screen_and_manifests(tmp_path, project_root):
    from toolkit_helpers import publish
    from toolkit_helpers.config import load_config

    cfg = load_config(project_root / "councils" / "sample.yaml")
    t = publish.table_from_rows(["who", "notes"], [["Mrs Jane Ashdown", "x"], ["Anytown", "=1+1"]])
    (tmp_path / "in.csv").write_text("who,notes\nMrs Jane Ashdown,x\nAnytown,=1+1\n", encoding="utf-8")
    rd = publish.check_readiness(tmp_path / "in.csv", tmp_path / "out")
    manifests = {"02_data_use": {"entries": [
        {"kind": "table", "case": "appendix", "title": "Data inventory"},
        {"kind": "figure", "case": "appendix", "title": "not a table"}]}}
    m = mat.parse_maturity({"scores": {k: 3 for k in mat.DIMENSIONS} | {"strategic_oversight": 1}})
    c = mat.ethics_canvas(cfg, readiness=rd, manifests=manifests, maturity=m).set_index("area")
    assert "publish_dataset" in c.loc["Data sources", "answer"]
    assert "library_events.csv" in c.loc["Data sources", "answer"]
    assert "Data inventory (02_data_use)" in c.loc["Data sources", "answer"]
    assert "not a table" not in c.loc["Data sources", "answer"]
    assert "Visits are falling" in c.loc["Your reason for using data", "answer"]
    assert "1 cells" in c.loc["Negative effects on people", "answer"] or \
        "in 1 cells" in c.loc["Negative effects on people", "answer"]
    assert "(personal name with a title: 1)" in c.loc["Negative effects on people", "answer"]
    assert "1 text cells began like spreadsheet formulas" in c.loc["Limitations in data sources", "answer"]
    assert "REDACTED PERSONAL DATA" in c.loc["Minimising negative effects", "answer"]
    assert "Strategic oversight" in c.loc["Your actions", "answer"]
    assert c.loc["Engaging with people", "answer"] == mat.TO_COMPLETE
    md = mat.canvas_markdown(c.reset_index())
    assert md.count("**") == 30  # 15 bold area titles


def test_canvas_rights_from_a_data_inventory(tmp_path):
    import pandas as pd

    from toolkit_helpers.artefacts import Artefacts, read_manifests

    a = Artefacts(tmp_path, "02_data_use")
    a.table("data_inventory", pd.DataFrame({
        "name": ["Visits", "Hours", "Bookings"], "steward": ["Ann", "Bo", "Ann"],
        "licence": ["OGL v3", "OGL v3", ""]}), case="appendix", title="Data inventory")
    a.table("other", pd.DataFrame({"name": ["x"]}), case="appendix", title="Other")
    c = mat.ethics_canvas(manifests=read_manifests(tmp_path), output_dir=tmp_path).set_index("area")
    assert c.loc["Rights around data sources", "answer"] == (
        "By licence — OGL v3: Visits; Hours | not recorded: Bookings. Stewards: Ann; Bo.")
    assert c.loc["Rights around data sources", "pre-filled from"] == "data inventory (02_data_use)"
    # without the folder, rights stay to complete
    c2 = mat.ethics_canvas(manifests=read_manifests(tmp_path)).set_index("area")
    assert c2.loc["Rights around data sources", "answer"] == mat.TO_COMPLETE
