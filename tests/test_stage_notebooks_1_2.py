"""Stage notebooks 1 and 2 under papermill with parameters changed: their own files are read,
the artefacts reach the business case's sections, no widget is built, and the exercises'
self-checks accept the right answers. The data-use notebook's forms and exercises are tested on
one live run of it (one kernel for both)."""
import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(project_root, tmp_path, name, **params):
    import papermill as pm

    out = tmp_path / f"{name}.ipynb"
    pm.execute_notebook(
        str(project_root / "notebooks" / "stages" / f"{name}.ipynb"), str(out),
        kernel_name="python3", cwd=str(project_root), progress_bar=False,
        parameters={"OUTPUT_DIR": str(tmp_path / "outputs"), "INTERACTIVE": False, **params})
    nb = nbformat.read(out, as_version=4)
    assert not any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                   for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    folder = tmp_path / "outputs" / name
    return nb, folder, json.loads((folder / "manifest.json").read_text())


def test_goals_notebook_with_a_yaml_register_and_own_goals(project_root, tmp_path):
    reg = tmp_path / "benefits.yaml"
    reg.write_text("benefits:\n"
                   "  - {benefit: Fewer wasted trips to closed hubs, who_gains: Residents,\n"
                   "     measure: '% wasted trips', baseline: 40, target: 20, owner: Head of Libraries,\n"
                   "     by_when: 2028-03-31}\n"
                   "  - {benefit: More visits, measure: visits, baseline: lots, owner: Hubs Lead}\n")
    nb, folder, manifest = run(project_root, tmp_path, "01_goals", BENEFITS=str(reg),
                               GOALS=["Improve libraries"])
    cases = {e["name"]: e["case"] for e in manifest["entries"]}
    assert cases["benefits_register"] == "strategic" and cases["proposal"] == "summary"
    assert cases["logic_model"] == "strategic"
    smart = pd.read_csv(folder / "benefits_smart_check.csv")
    assert smart["smart"].tolist() == [True, False]
    text = (folder / "case_for_change.md").read_text()
    assert "- Improve libraries" in text
    assert "2 benefits" in (folder / "proposal.md").read_text()
    assert "1 of them fully SMART" in (folder / "proposal.md").read_text()


def test_data_use_notebook_with_own_inventory_and_query(project_root, tmp_path):
    (tmp_path / "visits.csv").write_text("site,visits\nA,10\n\nB,12\nC,closed\nD,14\nE,15\n")
    inv = tmp_path / "inventory.csv"
    inv.write_text("name,steward,licence,format,update_frequency,last_updated,link,personal_data,status,file\n"
                   "Visits,Team A,OGL,CSV,monthly,2026-09-20,,no,uses,visits.csv\n"
                   "Members,,,Database,daily,,,yes,uses,\n")
    nb, folder, manifest = run(project_root, tmp_path, "02_data_use", INVENTORY=str(inv),
                               CATALOGUE_QUERY="bus", SHOW_CASE_STUDY_MAPS=False)
    cases = {e["name"]: e["case"] for e in manifest["entries"]}
    assert cases["data_owners"] == cases["data_risks"] == cases["quality_scorecard"] == "management"
    assert cases["data_inventory"] == cases["catalogue_results"] == "appendix"
    findings = pd.read_csv(folder / "quality_findings.csv")
    got = set(zip(findings["check"], findings["row"], findings["column"].fillna(0).astype(int)))
    assert got == {("blank_rows", 3, 0), ("inconsistent_values", 5, 2)}  # line 5: C,closed
    score = pd.read_csv(folder / "quality_scorecard.csv").set_index("dataset")
    # Members: no file, steward, licence or date; daily but unknown freshness -> 0
    assert score.loc["Members", "score"] == 0
    risks = pd.read_csv(folder / "data_risks.csv")
    assert set(risks[risks["dataset"] == "Members"]["gap"]) == {
        "no named steward", "no open licence", "no last-updated date", "holds personal data"}
    results = pd.read_csv(folder / "catalogue_results.csv")
    assert set(results["title"]) == {"Bus stops and stations", "Bus timetables"}
    inventory_out = pd.read_csv(folder / "data_inventory.csv")
    assert inventory_out["file"].fillna("").tolist() == ["visits.csv", ""]  # names, not machine paths


def test_exercise_answers_are_accepted(data_use_live):
    tmp, _, nb = data_use_live
    folder = tmp / "outputs" / "02_data_use"
    src = [c for c in nb.cells if c.cell_type == "code" and "answer_1 = ..." in c.source][0]
    # printed, or said (shown as Markdown)
    out = "".join(o.get("text", "") + o.get("data", {}).get("text/markdown", "")
                  for o in src.outputs)
    assert out.count("Not answered yet") == 3
    # the hand-worked answers for the sample council (see the notebook's solutions)
    summary = pd.read_csv(folder / "quality_scorecard.csv")
    assert summary["dataset"].iloc[-1] == "Library membership"
    findings = pd.read_csv(folder / "quality_findings.csv")
    assert findings.loc[findings["check"] == "blank_rows", "row"].tolist() == [31]


def _run_interactive(project_root, tmp_path, name, extra: str):
    """Run a notebook with INTERACTIVE = True in a live kernel, then run ``extra`` in the same
    kernel (as a user pressing a form's button would); return the extra cell's text output."""
    from nbclient import NotebookClient

    nb = nbformat.read(project_root / "notebooks" / "stages" / f"{name}.ipynb", as_version=4)
    for c in nb.cells:
        if "parameters" in c.metadata.get("tags", []):
            c.source += f"\nOUTPUT_DIR = {str(tmp_path / 'outputs')!r}\nINTERACTIVE = True\n"
    nb.cells.append(nbformat.v4.new_code_cell(extra))
    client = NotebookClient(nb, kernel_name="python3", timeout=300,
                            resources={"metadata": {"path": str(project_root)}})
    client.execute()
    outs = nb.cells[-1].outputs
    return "".join(o.get("text", "") + "".join(o.get("data", {}).get("text/plain", ""))
                   for o in outs), nb


def test_goals_forms_add_a_benefit_and_draw_a_model(project_root, tmp_path):
    text, _ = _run_interactive(project_root, tmp_path, "01_goals", """
refused = add_benefit({"Benefit": "Faster answers", "Who gains": "Residents", "Measure": "",
                       "Baseline": "", "Target": "", "Owner": "X", "By when (yyyy-mm-dd)": ""})
print(refused.data)
add_benefit({"Benefit": "Fewer complaints about closed hubs", "Who gains": "Residents",
             "Measure": "complaints a month", "Baseline": "30", "Target": "10",
             "Owner": "Hubs Lead", "By when (yyyy-mm-dd)": "2028-03-31"})
print("benefits:", len(register))
print(draw_logic_model({"Inputs": "staff", "Activities": "publish", "Outputs": "",
                        "Outcomes": "x", "Impact": "y"}).data)
""")
    assert "Not added" in text and "has no measure" in text
    assert "benefits: 6" in text  # five sample benefits + the new one
    assert "Not drawn" in text and "no outputs" in text
    saved = pd.read_csv(tmp_path / "outputs" / "01_goals" / "benefits_register.csv")
    assert saved["Benefit"].iloc[-1] == "Fewer complaints about closed hubs"
    assert list(saved.columns) == ["Benefit", "Who gains", "Measure", "Baseline", "Target",
                                   "Owner", "By when"]


@pytest.fixture(scope="module")
def data_use_live(tmp_path_factory):
    """02_data_use run once with INTERACTIVE = True, then its forms used: (folder, the forms'
    printed text, the executed notebook)."""
    tmp_path = tmp_path_factory.mktemp("data_use_live")
    (tmp_path / "f.csv").write_text("a,b\n1,2\n3\n")
    text, nb = _run_interactive(ROOT, tmp_path, "02_data_use", f"""
t = score_file({{"File (CSV or .xlsx)": {str(tmp_path / 'f.csv')!r}, "Name": "f", "Steward": "",
                "Licence": "OGL", "Update frequency": "monthly", "Last updated (yyyy-mm-dd)": ""}})
print(t[["check", "cell" if "cell" in t else "examples"]].values.tolist())  # table or summary
score_uploaded([{{"name": "My upload.csv", "content": memoryview(b"a,b\\n1, 2\\n")}}])
up = quality.check_file(ctx.output_dir / "uploads" / "my-upload.csv")
print([[f.check, f.row, f.column] for f in up])
print("flows before:", len(target.flows))
add_to_target({{"From": "Corporate performance team", "To": "Councillors", "Type": "data",
                "What flows": "visits by branch"}})
print("flows after:", len(target.flows))
print(add_to_target({{"From": "Councillors", "To": "Councillors", "Type": "data", "What flows": ""}}).data)
print(score_file({{"File (CSV or .xlsx)": "nowhere.csv", "Name": "f", "Steward": "", "Licence": "",
                  "Update frequency": "monthly", "Last updated (yyyy-mm-dd)": ""}}).data)
""")
    return tmp_path, text, nb


def test_data_use_form_scores_a_file(data_use_live):
    tmp_path, text, _ = data_use_live
    assert "[['ragged_rows', 'B3']]" in text
    assert "[['whitespace', 2, 2]]" in text  # the uploaded copy, scored
    assert (tmp_path / "outputs" / "uploads" / "my-upload.csv").read_bytes() == b"a,b\n1, 2\n"
    assert "Cannot score it" in text and "file not found" in text
    assert "flows before: 14" in text and "flows after: 15" in text
    assert "Not added" in text
    edited = (tmp_path / "outputs" / "02_data_use" / "ecosystem_target_edited.yaml").read_text()
    assert 'from: "performance", to: "councillors", type: data, label: "visits by branch"' in edited
