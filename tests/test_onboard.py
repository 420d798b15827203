"""Your council, end to end: ``toolkit init`` on a folder of files, then ``toolkit run``.

- classification of every kind of file, and nothing in the folder changed;
- the real published files in ../shared/realdata (skipped when absent): init classifies every
  file, the run exits 0 and the pack never mentions the sample council;
- a second synthetic council's downloads, its config completed with the neighbours' spend it
  gathers and parameters for two notebooks, in one run of the whole collection: every
  notebook runs, the council (never the sample's) reaches every output, the parameters reach
  the results, the neighbours study works for a second set of councils, the pack's figures
  agree with the generated data, and the stage notebooks, given blank templates, say what to
  fill in;
- notebooks that do not apply are reported as such, with what they need; optional inputs left
  out are named; a toolkit error's own message reaches the runner's summary.
"""
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from toolkit_helpers import onboard, samples, templates
from toolkit_helpers.artefacts import read_manifests
from toolkit_helpers.collection import applicability, discover
from toolkit_helpers.config import load_config
from toolkit_helpers.runner import run

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_WORDS = re.compile(r"anytown|northvale", re.IGNORECASE)
# What only the sample council's own config and inputs say (its service, goals, options,
# dataset and domain). A second synthetic council's region holds an authority called Anytown,
# so its data may name it; its pack must never carry the sample council's case.
SAMPLE_CASE = re.compile(r"Anytown Borough Council|Library and "
                         r"community hub events|anytown\.example|Head of Libraries|Open service "
                         r"data and app partnership|wasted trip", re.IGNORECASE)


def _hashes(folder: Path) -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def _run(cfg: Path, **kw):
    out = io.StringIO()
    results = run(cfg, jobs=2, out=out, **kw)
    return results, out.getvalue()


# ------------------------------------------------------------------ classification

def test_every_sample_file_is_classified_as_its_config_key(tmp_path):
    """The sample config names each file under its kind: init must agree with it."""
    cfg = load_config(ROOT / "councils" / "sample.yaml")
    from toolkit_helpers import kinds

    checked = 0
    for key in kinds.KINDS:
        if not kinds.KINDS[key].downloaded and key != "inventory":
            continue
        for p in kinds.files(key, cfg.data_paths(key)) if cfg.data_paths(key) else []:
            c = onboard.classify_file(p)
            assert c.kind == key, (p.name, c.kind, c.reason)
            assert c.reason and (c.rows or 0) > 0
            checked += 1
    assert checked >= 20


def test_unknown_files_say_why(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "map.xml").write_text("<x/>", encoding="utf-8")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "other.json").write_text('{"hello": 1}', encoding="utf-8")
    why = {p.name: onboard.classify_file(p) for p in tmp_path.iterdir()}
    assert all(c.kind == "unknown" for c in why.values())
    assert "no header row" in why["notes.csv"].reason
    assert "XML" in why["map.xml"].reason
    assert "cannot be read" in why["old.xls"].reason and "truncated" in why["old.xls"].reason
    assert "hello" in why["other.json"].reason


# ------------------------------------------------------------------ applicability

def _config(tmp_path, data: dict, patterns=("access", "delivery", "policy")) -> Path:
    lines = ["council: {name: Testshire Council, gss_code: 'E07000901', slug: testshire}",
             f"service: {{name: Waste, patterns: [{', '.join(patterns)}]}}",
             f"output_dir: {json.dumps(str(tmp_path / 'out'))}", "data:"]
    lines += [f"  {k}: {json.dumps(str(v))}" for k, v in data.items()] or ["  {}"]
    cfg = tmp_path / "c.yaml"
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


def test_applicability_needs_an_input_and_the_pattern(tmp_path):
    spend_dir = ROOT / "data" / "sample" / "spend"
    cfg = load_config(_config(tmp_path, {"spend": spend_dir}, patterns=("delivery",)))
    by = {n.name: applicability(n, cfg) for n in discover()}
    assert by["spend_network_tenders"].applicable
    assert by["spend_network_tenders"].left_out == ("ocds", "procurement_card")
    assert not by["dwp_jobseekers"].applicable
    assert "policy" in by["dwp_jobseekers"].reason
    assert not by["03_demonstrating_value"].applicable
    assert "data.options" in by["03_demonstrating_value"].reason
    assert by["00_start_here"].applicable  # needs nothing; barriers are optional


def test_run_records_not_applicable_and_exits_clean(tmp_path):
    cfg = _config(tmp_path, {}, patterns=("policy",))
    results, text = _run(cfg, only=["dwp_jobseekers", "01_goals", "tfl_transport"])
    assert [r.status for r in results] == ["not_applicable"] * 3
    summary = json.loads((tmp_path / "out" / "run.json").read_text())
    reasons = {n["name"]: n["reason"] for n in summary["notebooks"]}
    assert "data.claimants" in reasons["dwp_jobseekers"]
    assert "data.benefits" in reasons["01_goals"]
    assert "do not include access" in reasons["tfl_transport"]
    assert "not applicable: needs data.claimants" in text
    pack = json.loads((tmp_path / "out" / "business_case.json").read_text())
    assert pack["notebooks"]["dwp_jobseekers"]["status"].startswith("not applicable")
    from toolkit_helpers.cli import main

    assert main(["run", "--config", str(cfg), "--only", "dwp_jobseekers"]) == 0


def test_a_toolkit_error_reaches_the_summary(tmp_path):
    bad = tmp_path / "spend.csv"
    bad.write_text("Colour,Shape\nred,round\n", encoding="utf-8")
    cfg = _config(tmp_path, {"spend": bad}, patterns=("delivery",))
    results, text = _run(cfg, only=["spend_network_tenders"])
    assert results[0].status == "failed"
    assert results[0].error.startswith("DataFileError: ")
    assert "spend.csv" in text and "What to do:" in text and "CellExecutionError" not in text
    assert results[0].cell is not None


@pytest.mark.slow
def test_optional_inputs_left_out(tmp_path):
    """Spend without tenders, claimants without a region, England or tile map, one year of
    station counts and no stops, start-here without barriers: each notebook runs and says what
    it left out."""
    s = ROOT / "data" / "sample"
    claim = tmp_path / "claimants.csv"
    lines = (s / "claimants" / "nomis_claimant_count_authorities.csv").read_text().splitlines()
    claim.write_text("\n".join(lines[:1] + [l for l in lines[1:] if '"Total"' in l]) + "\n")
    cfg = _config(tmp_path, {"spend": s / "spend",
                             "claimants": claim,
                             "station_counts": s / "transport" / "station_counts" / "AC2023_AnnualisedEntryExit.csv"})
    results, text = _run(cfg, only=["00_start_here", "spend_network_tenders", "dwp_jobseekers",
                                    "tfl_transport"])
    assert {r.name: r.status for r in results} == {
        "00_start_here": "ok", "spend_network_tenders": "ok", "dwp_jobseekers": "ok",
        "tfl_transport": "ok"}, text
    assert "without data.ocds" in text and "without data.tile_map" in text
    import nbformat

    def printed(name):
        nb = nbformat.read(tmp_path / "out" / "notebooks" / f"{name}.ipynb", as_version=4)
        return "\n".join(o.get("text", "") + json.dumps(o.get("data", {}))
                         for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "the contract pipeline, CPV and SME sections are left out" in printed("spend_network_tenders")
    assert "add a second year's file" in printed("tfl_transport")
    dwp = printed("dwp_jobseekers")
    assert "no region (none in the file)" in dwp and "not England (not in the file)" in dwp
    assert "Not given: `data.barriers`" in printed("00_start_here")
    manifests = read_manifests(tmp_path / "out")
    assert "contract_expiry_pipeline" not in {e["name"] for e in manifests["spend_network_tenders"]["entries"]}


# ------------------------------------------------------------------ a second council

#: Parameters the second council's config gives two notebooks (they must reach the outputs).
OTHER_SCORES = {"understanding": 5, "senior_support": 5, "finding_data": 5, "data_quality": 1,
                "joined_up": 4}
OTHER_PARAMETERS = {"00_start_here": {"BARRIER_SCORES": OTHER_SCORES},
                    "spend_neighbours": {"TOP_N": 5}}


@pytest.fixture(scope="module")
def second(tmp_path_factory):
    """A second council end to end, as a council would do it, in one run of the whole
    collection (the slowest thing the tests do, so done once): ``toolkit init`` on its
    downloads; then the config completed by hand with what init cannot find — the neighbours'
    spend and the ONS population the council gathers itself — and parameters for two
    notebooks; then ``toolkit run``."""
    import yaml

    from toolkit_helpers.samples.council import config_dict

    tmp = tmp_path_factory.mktemp("second-init")
    downloads = tmp / "downloads"
    council = samples.SECOND_COUNCIL
    samples.generate(downloads, council, topics=["spend", "procurement", "claimants", "transport"])
    gathered = tmp / "gathered"
    samples.generate(gathered, council, topics=["neighbours"])
    before = _hashes(downloads) | _hashes(gathered)
    res = onboard.init(downloads, name=council.name, gss_code=council.gss_code,
                       config_out=tmp / "councils" / "second.yaml")
    doc = yaml.safe_load(res.config.read_text(encoding="utf-8"))
    extra = config_dict(gathered, council, res.config.parent)
    doc["data"].update({k: extra["data"][k] for k in ("neighbours", "population")})
    doc["council"]["statistical_neighbours"] = extra["council"]["statistical_neighbours"]
    doc["notebook_parameters"] = OTHER_PARAMETERS
    full = res.config.with_name("second-completed.yaml")
    full.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    results, text = _run(full)
    return {"tmp": tmp, "downloads": downloads, "gathered": gathered, "before": before,
            "init": res, "config": full, "results": results, "text": text, "council": council,
            "out": load_config(full).output_dir}


@pytest.mark.slow
def test_init_and_run_for_a_second_council(second):
    res, council = second["init"], second["council"]
    assert _hashes(second["downloads"]) | _hashes(second["gathered"]) == second["before"], \
        "init or run changed a file"
    kinds = {c.file.name: c.kind for c in res.files}
    assert "unknown" not in kinds.values(), res.table()
    assert {"spend", "ocds", "claimants", "station_counts", "daily_journeys", "stops",
            "service_locations"} <= set(kinds.values())
    text = res.config.read_text()
    assert "data/sample" not in text and council.name in text
    # with the neighbours' spend the council gathered, every notebook of the collection runs
    out = second["out"]
    summary = json.loads((out / "run.json").read_text())
    assert summary["council"] == council.name and summary["gss_code"] == council.gss_code
    assert {n["name"] for n in summary["notebooks"]} == {n.name for n in discover(ROOT)}
    assert {n["name"]: n["status"] for n in summary["notebooks"]} == \
        {n.name: "ok" for n in discover(ROOT)}, second["text"]
    pack = json.loads((out / "business_case.json").read_text())
    origins = {o for s in pack["sections"] for o in s["origins"]}
    assert origins == {"council", "template"}
    html = (out / "business_case.html").read_text()
    assert not SAMPLE_CASE.search(html) and not SAMPLE_CASE.search(_docx_text(out / "business_case.docx"))
    assert "Still to fill in" in html and "Still to fill in" in _docx_text(out / "business_case.docx")


@pytest.mark.slow
def test_the_council_reaches_every_notebooks_outputs(second):
    import nbformat

    council, out = second["council"], second["out"]
    for info in discover(ROOT):
        nb = nbformat.read(out / "notebooks" / f"{info.name}.ipynb", as_version=4)
        text = "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                       for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        assert council.name in text and council.gss_code in text, info.name
        assert samples.SAMPLE_COUNCIL.name not in text, info.name
        assert not any(o.get("output_type") == "error" for c in nb.cells
                       if c.cell_type == "code" for o in c.outputs), info.name
    manifests = read_manifests(out)
    assert manifests and all(m["council"] == council.name for m in manifests.values())


@pytest.mark.slow
def test_notebook_parameters_from_the_config_change_the_result(second):
    out = second["out"]
    text = (out / "00_start_here" / "why_open_data.md").read_text()
    assert "Unclear who maintains a dataset" in text and "(score 1)" in text
    table = (out / "00_start_here" / "barriers_self_assessment.csv").read_text().splitlines()
    assert table[1].startswith("\"Unclear who maintains a dataset, so quality is uncertain\",1")
    conc = (out / "spend_neighbours" / "neighbours_concentration.csv").read_text()
    assert "top_5_share" in conc.splitlines()[0]  # TOP_N: 5


@pytest.mark.slow
def test_the_neighbours_study_for_the_second_councils_neighbours(second):
    """The neighbours study with a second synthetic set of councils (the second council's
    neighbours, in four published layouts): their figures, alt text, and the business case's
    strategic and commercial cases."""
    import pandas as pd

    from toolkit_helpers.report import collect

    out = second["out"]
    manifest = json.loads((out / "spend_neighbours" / "manifest.json").read_text())
    assert manifest["council"] == second["council"].name
    assert {"strategic", "commercial"} <= {e["case"] for e in manifest["entries"]}
    assert all(len(e["alt"]) > 40 for e in manifest["entries"] if e["kind"] == "figure")
    per = pd.read_csv(out / "spend_neighbours" / "spend_per_resident.csv")
    assert per["council"].tolist()[0] == "Castlemere"
    assert set(per["council"]) == {"Castlemere", "Anytown", "Dunholt", "Kestrel Vale"}
    pack = collect(out, load_config(second["config"]), expected=["spend_neighbours"])
    assert {"neighbours_findings", "spend_per_resident_chart"} <= \
        {i.name for i in pack.items["strategic"] if i.notebook == "spend_neighbours"}
    assert {"neighbours_concentration", "neighbours_sme_vcse_local"} <= \
        {i.name for i in pack.items["commercial"] if i.notebook == "spend_neighbours"}


@pytest.mark.slow
def test_second_council_pack_figures_match_the_generated_data(second):
    from toolkit_helpers import claimants, spend

    cfg = load_config(second["init"].config)
    out = second["out"]
    figures = {k: v for s in json.loads((out / "business_case.json").read_text())["sections"]
               for k, v in s["figures"].items()}
    df = spend.load_spend(cfg.data_paths("spend"))
    assert float(figures["spend_network_tenders.spend_findings.net_spend"]) == pytest.approx(
        round(float(df["amount"].sum()), 2), abs=0.01)
    assert int(figures["spend_network_tenders.spend_findings.lines"]) == len(df)
    cl = claimants.load_claimant_count(cfg.data_paths("claimants"))
    mine = cl[(cl["area_code"] == second["council"].gss_code) & (cl["measure"] == "count")]
    latest = mine[mine["date"] == mine["date"].max()]["value"].iloc[0]
    assert float(figures["dwp_jobseekers.need.count"]) == float(latest)
    assert figures["dwp_jobseekers.need.base_month"] == f"{cl['date'].min():%B %Y}"


@pytest.mark.slow
def test_blank_templates_say_what_to_fill_in(second):
    manifests = read_manifests(second["out"])
    for nb, key in (("01_goals", "benefits"), ("02_data_use", "inventory"),
                    ("03_demonstrating_value", "options"), ("04_championing_open", "publish_dataset")):
        names = {e["name"] for e in manifests[nb]["entries"]}
        assert f"to_fill_in_{key}" in names, (nb, names)
    for key, path in second["init"].templates.items():
        assert templates.is_blank(path), key
        assert not re.search(r"\d{3,}", path.read_text().split("scores:")[-1].replace("1 to 5", "")), key


# ------------------------------------------------------------------ real published files

@pytest.mark.slow
def test_init_and_run_on_real_published_files(realdata, tmp_path):
    before = _hashes(realdata)
    res = onboard.init(realdata, name="City of London", gss_code="E09000001",
                       config_out=tmp_path / "city.yaml")
    kinds = {c.file.name: c.kind for c in res.files}
    assert kinds.pop("SOURCES.md") == "unknown"
    assert "unknown" not in kinds.values(), res.table()
    assert kinds["trafford_council_procurement_card_2026-27.csv"] == "procurement_card"
    text = res.config.read_text()
    cfg_text = text.replace(str(tmp_path), "")
    assert "output_dir" not in cfg_text
    raw = load_config(res.config)
    raw.output_dir  # noqa: B018 - the default
    cfg = tmp_path / "city-out.yaml"
    cfg.write_text(text + f"output_dir: {json.dumps(str(tmp_path / 'out'))}\n")
    results, out_text = _run(cfg)
    status = {r.name: r.status for r in results}
    assert status.pop("spend_neighbours") == "not_applicable", out_text  # no neighbours given
    assert set(status.values()) == {"ok"}, out_text
    assert _hashes(realdata) == before
    pack = json.loads((tmp_path / "out" / "business_case.json").read_text())
    assert {o for s in pack["sections"] for o in s["origins"]} <= {"council", "template"}
    html = (tmp_path / "out" / "business_case.html").read_text()
    assert not SAMPLE_WORDS.search(html)
    assert not SAMPLE_WORDS.search(_docx_text(tmp_path / "out" / "business_case.docx"))
    # the tenders are other buyers': none is shown as the council's
    assert "none of the 4 releases name City of London" in "".join(
        str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
        for c in __import__("nbformat").read(
            tmp_path / "out" / "notebooks" / "spend_network_tenders.ipynb", as_version=4).cells
        if c.cell_type == "code" for o in c.outputs)


def test_init_infers_what_it_can_and_never_overwrites(tmp_path, capsys):
    council = samples.SECOND_COUNCIL
    dl = tmp_path / "dl"
    samples.generate(dl, council, topics=["spend", "procurement", "claimants"])
    from toolkit_helpers.cli import main

    cfg = tmp_path / "c.yaml"
    # a wrong code: the claimant file knows the council by name and says which code it has
    assert main(["init", str(dl), "--name", council.name, "--gss-code", "E07000999",
                 "--config-out", str(cfg), "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert {r["kind"] for r in records} == {"spend", "ocds", "claimants", "tile_map"}
    assert all({"file", "kind", "rows", "reason"} <= set(r) for r in records)
    text = cfg.read_text()
    assert f"{council.name} is {council.gss_code} there: check --gss-code" in text
    assert f"# the council's own notices (matched by name or GSS code): {council.name}" in text
    assert 'region_code: "E12000999"' in text
    # an existing config is the user's: refused without --force
    before = cfg.read_bytes()
    assert main(["init", str(dl), "--name", council.name, "--gss-code", council.gss_code,
                 "--config-out", str(cfg)]) == 2
    assert "already exists" in capsys.readouterr().err and cfg.read_bytes() == before
    # a template the council has filled in is never replaced
    benefits = cfg.parent / "castlemere-district-council" / "benefits.csv"
    benefits.write_text("Benefit,Measure,Owner\nFewer calls,calls a month,Head of Waste\n")
    assert main(["init", str(dl), "--name", council.name, "--gss-code", council.gss_code,
                 "--config-out", str(cfg), "--force"]) == 0
    assert "Fewer calls" in benefits.read_text()
    assert templates.origin(benefits) == "council"
