"""The kinds registry's config side: mapping fields per kind, loading a config's data key with
per-file mappings, and ``toolkit check-config [--load]``."""
from pathlib import Path

import pytest
import yaml

from toolkit_helpers import kinds
from toolkit_helpers.cli import main
from toolkit_helpers.config import load_config

ROOT = Path(__file__).resolve().parents[1]

# two spend files of one council with different layouts (neither header is recognised alone)
A_CSV = ("Paid on,Who got paid,How much (GBP)\n"
         "03/04/2024,Acme Ltd,100.00\n"
         "17/04/2024,Brightside CIC,250.50\n")
B_CSV = ("Date,Payee name,Sum\n"
         "02/05/2024,Acme Ltd,10.00\n"
         "20/05/2024,Cobble Co,20.25\n")
A_MAP = {"payment_date": "Paid on", "supplier": "Who got paid", "amount": "How much (GBP)"}
B_MAP = {"supplier": "Payee name", "amount": "Sum"}
PER_FILE = [{"files": "a.csv", "columns": A_MAP}, {"files": "b*.csv", "columns": B_MAP}]


def council(tmp_path, data, mappings=None, files=None):
    """A config in tmp_path/councils/ with the given data paths and files (relative to
    tmp_path), outputs in tmp_path/out."""
    for rel, text in (files or {}).items():
        f = tmp_path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
    (tmp_path / "councils").mkdir(exist_ok=True)
    doc = {"council": {"name": "Test Council", "gss_code": "E07000001"},
           "service": {"name": "Bins"}, "data": data, "output_dir": "../out"}
    if mappings is not None:
        doc["mappings"] = mappings
    p = tmp_path / "councils" / "test.yaml"
    p.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return p


def test_mapping_fields_come_from_the_loaders():
    from toolkit_helpers import spend

    assert kinds.mapping_fields("spend") == tuple(spend.FIELDS)
    assert kinds.mapping_fields("procurement_card") == tuple(spend.FIELDS)
    assert kinds.mapping_fields("daily_journeys") is None
    assert kinds.mapping_fields("benefits") is None
    assert kinds.takes_mapping("spend") and kinds.takes_sheet("spend")
    assert not kinds.takes_mapping("daily_journeys")
    assert not kinds.takes_mapping("benefits") and not kinds.takes_sheet("benefits")


def test_per_file_mappings_load_two_layouts(tmp_path):
    cfg = load_config(council(tmp_path, {"spend": "../spend"}, {"spend": PER_FILE},
                              {"spend/a.csv": A_CSV, "spend/b.csv": B_CSV}))
    assert cfg.mapping_for("spend", tmp_path / "spend" / "a.csv") == (A_MAP, None)
    assert cfg.mapping_for("spend", tmp_path / "spend" / "b.csv") == (B_MAP, None)
    df = kinds.load_config_key(cfg, "spend")
    assert df["supplier"].tolist() == ["Acme Ltd", "Brightside CIC", "Acme Ltd", "Cobble Co"]
    assert df["amount"].tolist() == [100.0, 250.5, 10.0, 20.25]
    assert round(float(df["amount"].sum()), 2) == 380.75
    assert df.groupby("source_file")["amount"].sum().round(2).to_dict() == {
        "a.csv": 350.5, "b.csv": 30.25}
    assert [f"{d:%Y-%m-%d}" for d in df["payment_date"]] == [
        "2024-04-03", "2024-04-17", "2024-05-02", "2024-05-20"]
    report = df.attrs["report"]
    assert report["rows"] == 4 and report["loaded_separately"] is True
    assert [f["file"] for f in report["files"]] == ["a.csv", "b.csv"]
    assert kinds.summarise("spend", df) == {"rows": 4, "first": "2024-04-03",
                                            "last": "2024-05-20", "total": 380.75,
                                            "detail": "3 suppliers"}


def test_a_list_of_files_with_per_file_mappings(tmp_path):
    cfg = load_config(council(tmp_path, {"spend": ["../in/b.csv", "../in/a.csv"]},
                              {"spend": PER_FILE}, {"in/a.csv": A_CSV, "in/b.csv": B_CSV}))
    df = kinds.load_config_key(cfg, "spend")
    assert df["amount"].tolist() == [10.0, 20.25, 100.0, 250.5]  # in the config's order


def test_one_mapping_for_every_file_loads_all_at_once(tmp_path):
    same = A_CSV.replace("100.00", "1.25")
    cfg = load_config(council(tmp_path, {"spend": "../spend"}, {"spend": A_MAP},
                              {"spend/a.csv": A_CSV, "spend/c.csv": same}))
    df = kinds.load_config_key(cfg, "spend")
    assert round(float(df["amount"].sum()), 2) == 602.25
    assert "loaded_separately" not in df.attrs["report"]  # the loader's own report
    assert df.attrs["report"]["amount_total"] == 602.25


def test_without_the_per_file_mapping_the_loader_fails(tmp_path):
    from toolkit_helpers.errors import DataFileError

    cfg = load_config(council(tmp_path, {"spend": "../spend/a.csv"}, None,
                              {"spend/a.csv": A_CSV}))
    with pytest.raises(DataFileError, match="cannot find the supplier and amount columns"):
        kinds.load_config_key(cfg, "spend")


def test_load_config_key_for_a_key_that_is_not_set(tmp_path):
    from toolkit_helpers.errors import ConfigError

    cfg = load_config(council(tmp_path, {}))
    with pytest.raises(ConfigError, match=r"key 'data.spend' is not set"):
        kinds.load_config_key(cfg, "spend")


# ------------------------------------------------------------------ toolkit check-config

def test_check_config_load_passes_for_good_files(tmp_path, capsys):
    p = council(tmp_path, {"spend": "../spend"}, {"spend": PER_FILE},
                {"spend/a.csv": A_CSV, "spend/b.csv": B_CSV})
    assert main(["check-config", "--load", str(p)]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.startswith("spend ")]
    assert rows == [
        ["spend", "../spend/a.csv", "2", "2024-04-03", "–", "2024-04-17", "350.50", "OK",
         "(2", "suppliers)"],
        ["spend", "../spend/b.csv", "2", "2024-05-02", "–", "2024-05-20", "30.25", "OK",
         "(2", "suppliers)"],
        ["spend", "(all", "2", "files)", "4", "2024-04-03", "–", "2024-05-20", "380.75", "OK",
         "(3", "suppliers)"]]
    assert "warning:" not in out
    assert out.rstrip().endswith("all 2 files checked: OK")


def test_check_config_load_fails_naming_the_broken_file(tmp_path, capsys):
    p = council(tmp_path, {"spend": ["../in/a.csv", "../in/faulty.csv"]}, {"spend": PER_FILE},
                {"in/a.csv": A_CSV, "in/faulty.csv": "Foo,Bar\n1,2\n"})
    assert main(["check-config", "--load", str(p)]) == 1
    out = capsys.readouterr().out
    broken = [line for line in out.splitlines() if "faulty.csv" in line]
    assert broken[0].split()[:2] == ["spend", "../in/faulty.csv"]
    assert ("error: faulty.csv: cannot find the supplier and amount columns in this spend "
            "file") in broken[0]
    assert broken[1].startswith("what to do (spend, ../in/faulty.csv): tell the loader which "
                                "columns to use")
    assert "(all 2 files)" not in out  # the key is not loaded whole when a file fails
    assert out.rstrip().splitlines()[-1].startswith("1 failed to load: fix the files")


def test_check_config_without_load_does_not_read_the_files(tmp_path, capsys):
    p = council(tmp_path, {"spend": "../in/faulty.csv"}, None, {"in/faulty.csv": "Foo,Bar\n"})
    assert main(["check-config", str(p)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("OK: Test Council (E07000001); data keys: spend;")
    assert len(out.splitlines()) == 1


def test_check_config_templates_are_checked_for_blanks_only(tmp_path, capsys):
    from toolkit_helpers.templates import TEMPLATES, template_text

    p = council(tmp_path, {"benefits": "../in/benefits.csv", "barriers": "../in/barriers.yaml"},
                None, {"in/benefits.csv": template_text("benefits"),
                       "in/barriers.yaml": "scores: {understanding: 3}\n"})
    assert main(["check-config", "--load", str(p)]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines()
             if line.startswith(("benefits ", "barriers "))}
    assert lines["benefits"].split(None, 2)[1:] == [
        "../in/benefits.csv", f"blank template: fill in {TEMPLATES['benefits'].what}"]
    assert lines["barriers"].split(None, 2)[1:] == ["../in/barriers.yaml", "OK (filled in)"]


def test_sample_config_warns_about_sample_data(capsys):
    cfg_path = ROOT / "councils" / "sample.yaml"
    assert main(["check-config", str(cfg_path)]) == 0
    out = capsys.readouterr().out
    warnings = [line for line in out.splitlines() if line.startswith("warning: ")]
    cfg = load_config(cfg_path)
    assert len(warnings) == len(cfg.data)  # every key of the sample config
    assert ("warning: data.spend points at the toolkit's sample data (../data/sample/spend), "
            "not the council's own file: replace it before using the results") in warnings


def test_unmatched_file_pattern_is_a_warning(tmp_path):
    cfg = load_config(council(tmp_path, {"spend": "../spend"}, {"spend": [
        {"files": "a.csv", "columns": A_MAP}, {"files": "spend-2022*.csv", "columns": B_MAP}]},
        {"spend/a.csv": A_CSV}))
    assert kinds.config_warnings(cfg) == [
        "mappings.spend[1].files (spend-2022*.csv) matches none of the files of data.spend: "
        "check the pattern"]


def test_a_file_that_is_not_spend_in_a_folder_is_skipped_as_the_loader_does(tmp_path, capsys):
    from toolkit_helpers.spend import NotSpendFileWarning

    p = council(tmp_path, {"spend": "../spend"}, {"spend": PER_FILE},
                {"spend/a.csv": A_CSV, "spend/b.csv": B_CSV,
                 "spend/notes.csv": "Notes about this folder\nThis folder holds our spend\n"})
    with pytest.warns(NotSpendFileWarning, match="notes.csv is not a spend file: skipped"):
        df = kinds.load_config_key(load_config(p), "spend")
    assert round(float(df["amount"].sum()), 2) == 380.75
    assert main(["check-config", "--load", str(p)]) == 0
    out = capsys.readouterr().out
    assert [line.split(None, 2)[1:] for line in out.splitlines()
            if line.startswith("spend ") and "notes.csv" in line] == [
        ["../spend/notes.csv", "skipped: not a spend file"]]


def test_files_loaded_apart_are_joined_as_the_loader_joins_them(tmp_path):
    import pandas as pd

    sample = ROOT / "data" / "sample" / "claimants"
    p = council(tmp_path, {"claimants": str(sample)},
                {"claimants": [{"files": "*tidy*.csv", "sheet": 0}]})
    cfg = load_config(p)
    apart = kinds.load_config_key(cfg, "claimants")
    together = kinds.load("claimants", sample)
    assert apart.attrs["report"]["loaded_separately"] is True
    pd.testing.assert_frame_equal(apart[list(together.columns)], together)
