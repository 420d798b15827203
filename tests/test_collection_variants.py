"""Papermill runs of the whole collection with a second council (different name, code and
data, generated into a temporary folder) and different parameter values, through the runner:
every notebook succeeds, and the parameters reach the outputs."""
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from toolkit_helpers import samples
from toolkit_helpers.artefacts import read_manifests
from toolkit_helpers.collection import discover

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
SECOND = samples.SECOND_COUNCIL
OTHER_SCORES = {"understanding": 5, "senior_support": 5, "finding_data": 5, "data_quality": 1,
                "joined_up": 4}


@pytest.fixture(scope="module")
def second_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("second")
    samples.generate(tmp / "data", SECOND)
    cfg = samples.write_config(tmp / "data", SECOND, tmp / "councils" / "second.yaml",
                               output_dir=str(tmp / "out"))
    doc = cfg.read_text() + "notebook_parameters:\n  00_start_here:\n    BARRIER_SCORES: " \
        + json.dumps(OTHER_SCORES) + "\n"
    cfg.write_text(doc)
    env = {**os.environ}
    env.pop("TOOLKIT_OUTPUT_ROOT", None)
    r = subprocess.run([sys.executable, "-m", "toolkit_helpers", "run", "--config", str(cfg),
                        "--jobs", "2"], capture_output=True, text=True, cwd=ROOT, env=env,
                       timeout=1200)
    return r, tmp / "out"


def test_every_notebook_runs_for_the_second_council(second_run):
    r, out = second_run
    assert r.returncode == 0, r.stdout + r.stderr[-3000:]
    summary = json.loads((out / "run.json").read_text())
    assert summary["council"] == SECOND.name and summary["gss_code"] == SECOND.gss_code
    assert {n["name"] for n in summary["notebooks"]} == {n.name for n in discover(ROOT)}
    assert all(n["status"] == "ok" for n in summary["notebooks"])


def test_the_council_reaches_every_notebooks_outputs(second_run):
    _, out = second_run
    for info in discover(ROOT):
        nb = nbformat.read(out / "notebooks" / f"{info.name}.ipynb", as_version=4)
        text = "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                       for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        assert SECOND.name in text and SECOND.gss_code in text, info.name
        assert samples.SAMPLE_COUNCIL.name not in text, info.name
    manifests = read_manifests(out)
    assert manifests and all(m["council"] == SECOND.name for m in manifests.values())


def test_notebook_parameters_from_the_config_change_the_result(second_run):
    _, out = second_run
    text = (out / "00_start_here" / "why_open_data.md").read_text()
    assert "Unclear who maintains a dataset" in text and "(score 1)" in text
    table = (out / "00_start_here" / "barriers_self_assessment.csv").read_text().splitlines()
    assert table[1].startswith("\"Unclear who maintains a dataset, so quality is uncertain\",1")
