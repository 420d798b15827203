"""The business case a board reads (issue: the Five Case Model in full): the sample council's
pack states the recommendation with its NPSV, BCR and value for money, the same figures as
stage 3 and business_case.json, transfers kept out of the NPSV, every part of the five cases,
and a Word main body under 20 A4 pages when rendered."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from toolkit_helpers import appraisal as ap
from toolkit_helpers.pack_format import gbp
from toolkit_helpers.paths import data_dir
from toolkit_helpers.runner import run

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
SAMPLE = data_dir() / "sample"


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """Stage 3 and 4 for the sample council, with a transfer row added to the options (a grant
    the council would receive): it must not change the NPSV."""
    tmp = tmp_path_factory.mktemp("bc")
    options = tmp / "options.csv"
    text = (SAMPLE / "council" / "appraisal_options.csv").read_text(encoding="utf-8")
    options.write_text(text + "Open service data and app partnership,1,transfer,"
                              "Recovered overpayments,50000,,\n", encoding="utf-8")
    cfg_text = (ROOT / "councils" / "sample.yaml").read_text(encoding="utf-8")
    cfg_text = cfg_text.replace("../data/sample", str(SAMPLE)).replace(
        f"options: {SAMPLE}/council/appraisal_options.csv", f"options: {options}")
    cfg = tmp / "sample.yaml"
    cfg.write_text(cfg_text + f"output_dir: {json.dumps(str(tmp / 'out'))}\n", encoding="utf-8")
    import io

    results = run(cfg, only=["03_demonstrating_value", "04_championing_open"], out=io.StringIO())
    assert all(r.status == "ok" for r in results), [(r.name, r.error) for r in results]
    return tmp / "out", options


def test_headline_npsv_is_stage_3s_and_excludes_transfers(pack):
    out, options = pack
    data = json.loads((out / "business_case.json").read_text())
    h = data["headline"]
    without = ap.appraise(ap.load_options(SAMPLE / "council" / "appraisal_options.csv"))
    expected = without.option(h["recommended"])
    assert h["recommended"] == "Open service data and app partnership"
    assert h["npsv"] == pytest.approx(expected["npsv"], abs=0.01)
    assert h["bcr"] == pytest.approx(expected["bcr"], abs=1e-9) and h["vfm"] == expected["vfm"]
    stage3 = json.loads((out / "03_demonstrating_value" / "appraisal.json").read_text())
    rec = next(o for o in stage3["options"] if o["option"] == h["recommended"])
    assert rec["npsv"] == h["npsv"]
    # the transfer is in the financial case, not in the NPSV
    fin = next(s for s in data["sections"] if s["section"] == "financial")
    assert any(i["key"] == "options" for i in fin["inputs"])
    assert (out / "03_demonstrating_value" / "transfers.csv").is_file()
    html = (out / "business_case.html").read_text(encoding="utf-8")
    for text in ("Decision sought.", "Recommended option", gbp(h["npsv"]), f"{h['bcr']:.2f}",
                 "Value for money", "Whole-life cost", "Funding", "Top risks"):
        assert text in html, text


def test_every_part_of_the_five_cases(pack):
    out, _ = pack
    html = (out / "business_case.html").read_text(encoding="utf-8")
    for title in ("Scope: what is in and out", "Constraints, dependencies and strategic fit",
                  "Options considered: the long list and the short list",
                  "The long list: options framework filter and critical success factors",
                  "Benefits not given a money value", "How the proposal will be bought",
                  "Who holds each risk", "Funding sources", "Prices, VAT, accounting and a shortfall",
                  "Costs by year", "Transfers (not in the NPSV)", "Governance",
                  "Delivery plan: milestones", "Risk register",
                  "Benefits realisation and evaluation", "Sensitivity (tornado chart)"):
        assert title in html, title
    assert "From: " not in html  # one provenance appendix, not a line under every table


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="rendering Word to PDF needs LibreOffice and poppler-utils "
                           "(Debian packages libreoffice-writer, poppler-utils; .ci/run installs them)")
def test_word_main_body_is_under_20_a4_pages(pack, tmp_path):
    out, _ = pack
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(out / "business_case.docx")], check=True, timeout=300,
                   capture_output=True)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "business_case.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    pages = text.split("\f")
    first_appendix = next(i for i, p in enumerate(pages)
                          if "Appendix A: where the evidence comes from" in p and "Contents" not in p)
    assert first_appendix < 20, f"main body runs to {first_appendix} pages"
    info = subprocess.run(["pdfinfo", str(tmp_path / "business_case.pdf")], capture_output=True,
                          text=True).stdout
    assert "(A4)" in info
