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


def council(tmp_path, data, mappings=None, files=None, neighbours=None):
    """A config in tmp_path/councils/ with the given data paths and files (relative to
    tmp_path), outputs in tmp_path/out; ``neighbours``: its statistical neighbours' codes."""
    for rel, text in (files or {}).items():
        f = tmp_path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
    (tmp_path / "councils").mkdir(exist_ok=True)
    doc = {"council": {"name": "Test Council", "gss_code": "E07000001",
                       **({"statistical_neighbours": neighbours} if neighbours else {})},
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


# ------------------------------------------------------------------ the neighbours study's inputs

LGA = ("OrganisationLabel,BeneficiaryName,PaymentDate,TransactionNumber,Amount,"
       "OrganisationalUnit,ProclassLabel\n")
NEIGHBOUR_2 = LGA + "B,Delta Ltd,2024-01-03,1,5000,Parks,Equipment\n"
NEIGHBOUR_3 = (LGA + "C,Echo Ltd,2024-01-10,1,400,Waste,Fuel\n"
               "C,Foxtrot Ltd,2024-02-11,2,1600.50,Waste,Fuel\n")
POPULATION = ("Mid-year estimates\n\nCode,Name,Geography,All ages\n"
              "E07000001,Test,District,1000\nE07000002,Bee,District,500\n"
              "E07000003,Sea,District,100\n")


def _neighbours_council(tmp_path, own=None, extra=None, mappings=None, **data):
    """The council E07000001 with neighbours E07000002 and E07000003 under ../n; ``own``: its
    own files in its folder there; ``extra``: more files (relative to tmp_path; None: left
    out)."""
    files = {"n/E07000002-bee/b_2024-01.csv": NEIGHBOUR_2,
             "n/E07000003-sea/c_2024.csv": NEIGHBOUR_3, "pop.csv": POPULATION,
             **{f"n/E07000001-test/{k}": v for k, v in (own or {}).items()}, **(extra or {})}
    files = {k: v for k, v in files.items() if v is not None}
    return council(tmp_path, {"neighbours": "../n", "population": "../pop.csv", **data},
                   mappings, files, neighbours=["E07000002", "E07000003"])


def _rows(out: str, key: str) -> list[list[str]]:
    return [line.split() for line in out.splitlines() if line.startswith(key + " ")]


def test_neighbours_and_population_have_loaders():
    from toolkit_helpers import neighbours

    assert kinds.loader("population") is neighbours.load_population
    assert kinds.loader("neighbours") is neighbours.load_council
    assert {k: kinds.kind(k).feeds for k in ("neighbours", "population")} == {
        "neighbours": ("spend_neighbours",), "population": ("spend_neighbours",)}
    # neither takes a column mapping: the council's own spend is read with mappings.spend
    assert not any(kinds.takes_mapping(k) or kinds.takes_sheet(k)
                   for k in ("neighbours", "population"))
    assert kinds.kind("benefits") is None


def test_check_config_reads_each_council_folder_and_the_population(tmp_path, capsys):
    # the council's own spend needs its per-file mappings, in its folder under neighbours
    p = _neighbours_council(tmp_path, own={"a.csv": A_CSV, "b.csv": B_CSV,
                                           "suppliers.csv": "Supplier,SME\nAcme Ltd,Yes\n"},
                            mappings={"spend": PER_FILE})
    assert main(["check-config", "--load", str(p)]) == 0
    out = capsys.readouterr().out
    assert "no loader" not in out
    assert _rows(out, "neighbours") == [
        ["neighbours", "../n/E07000001-test", "4", "2024-04", "–", "2024-05", "380.75", "OK",
         "(2", "files,", "3", "suppliers)"],
        ["neighbours", "../n/E07000002-bee", "1", "2024-01", "–", "2024-01", "5,000.00", "OK",
         "(1", "file,", "1", "suppliers)"],
        ["neighbours", "../n/E07000003-sea", "2", "2024-01", "–", "2024-02", "2,000.50", "OK",
         "(1", "file,", "2", "suppliers)"]]
    assert _rows(out, "population") == [["population", "../pop.csv", "3", "OK", "(3", "areas)"]]
    assert "warning:" not in out and out.rstrip().endswith("all 4 files checked: OK")


def test_the_councils_own_spend_in_data_spend(tmp_path, capsys):
    p = _neighbours_council(tmp_path, own={"suppliers.csv": "Supplier\nAcme Ltd\n"},
                            extra={"spend/a.csv": A_CSV}, mappings={"spend": PER_FILE},
                            spend="../spend")
    assert main(["check-config", "--load", str(p)]) == 0
    rows = _rows(capsys.readouterr().out, "neighbours")
    assert rows[0] == ["neighbours", "../n/E07000001-test", "OK", "(this", "council:", "its",
                       "spend", "is", "data.spend,", "checked", "there)"]
    assert [r[1] for r in rows[1:]] == ["../n/E07000002-bee", "../n/E07000003-sea"]
    # load_config_key reads every council as the study does: the council first, with its mapping
    councils = kinds.load_config_key(load_config(p), "neighbours")
    assert [(c.code, c.is_council, c.net) for c in councils] == [
        ("E07000001", True, 350.5), ("E07000002", False, 5000.0), ("E07000003", False, 2000.5)]


def test_a_council_folder_without_spend_files_is_an_error_saying_what_to_do(tmp_path, capsys):
    p = _neighbours_council(tmp_path, own={"a.csv": A_CSV}, mappings={"spend": PER_FILE},
                            extra={"n/E07000004-dee/suppliers.csv": "Supplier\nAcme Ltd\n"})
    assert main(["check-config", "--load", str(p)]) == 1
    out = capsys.readouterr().out
    dee = [line for line in out.splitlines() if "E07000004-dee" in line]
    assert dee[0].split(None, 2) == ["neighbours", "../n/E07000004-dee",
                                     "error: E07000004-dee: no spend files in this council's "
                                     "folder"]
    assert dee[1] == ("what to do (neighbours, ../n/E07000004-dee): put the council's published "
                      "spend files (CSV or Excel, as downloaded) in its folder, or remove the "
                      "folder if it is not a neighbour.")
    assert out.rstrip().splitlines()[-1].startswith("1 failed to load")


def test_the_councils_own_folder_without_its_mapping_fails_naming_the_file(tmp_path, capsys):
    p = _neighbours_council(tmp_path, own={"a.csv": A_CSV})  # no mappings.spend
    assert main(["check-config", "--load", str(p)]) == 1
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("neighbours "))
    assert row.split(None, 2)[1] == "../n/E07000001-test"
    assert row.split(None, 2)[2].startswith(
        "error: a.csv: cannot find the supplier and amount columns in this spend file")
    assert "what to do (neighbours, ../n/E07000001-test): tell the loader which columns" in out


def test_a_neighbours_folder_with_no_council_folders(tmp_path, capsys):
    p = council(tmp_path, {"neighbours": "../n"}, files={"n/postcodes.csv": "pcds,laua\n"})
    assert main(["check-config", "--load", str(p)]) == 1
    out = capsys.readouterr().out
    assert _rows(out, "neighbours")[0][:3] == ["neighbours", "../n", "error:"]
    assert "n: no council folders in this folder" in out
    assert ("what to do (neighbours, ../n): make one folder per council, named from its GSS "
            "code (e.g. E07000903-castlemere), holding its published spend files.") in out


@pytest.mark.parametrize("text, problem, what_to_do", [
    ("Area,People\nx,1\n", "no header row with the columns Code, All ages in the first 30 rows",
     "the file needs columns named like Code, All ages."),
    ("Code,Name,All ages\n", "no area with a code and a population under the header row",
     "use the ONS mid-year estimates for local authorities (table MYE2 - Persons), one row per "
     "area."),
    ("Code,Name,All ages\nE07000001,Test,lots\n", "row 2, column 'All ages': the population "
     "'lots' is not a number", "give the number of residents (e.g. 78000).")],
    ids=["no header", "no rows", "not a number"])
def test_an_unreadable_population_file_is_an_error_saying_what_to_do(tmp_path, capsys, text,
                                                                      problem, what_to_do):
    p = council(tmp_path, {"population": "../pop.csv"}, files={"pop.csv": text})
    assert main(["check-config", "--load", str(p)]) == 1
    out = capsys.readouterr().out
    assert _rows(out, "population")[0][:3] == ["population", "../pop.csv", "error:"]
    assert f"error: pop.csv{', ' if problem.startswith('row') else ': '}{problem}" in out
    assert f"what to do (population, ../pop.csv): {what_to_do}" in out


def test_neighbours_warnings_name_what_the_study_cannot_know(tmp_path, capsys):
    p = _neighbours_council(tmp_path, own={"a.csv": A_CSV}, mappings={"spend": PER_FILE},
                            extra={"n/E07000003-sea/c_2024.csv": None,
                                   "n/westshire/w.csv": NEIGHBOUR_2,
                                   "pop.csv": POPULATION.replace("E07000002", "E07000009")})
    assert main(["check-config", "--load", str(p)]) == 0
    warnings = [line for line in capsys.readouterr().out.splitlines()
                if line.startswith("warning: ")]
    assert warnings == [
        "warning: council.statistical_neighbours names E07000003, which has no folder under "
        "data.neighbours: its spend will show as not known; add a folder named E07000003-<name> "
        "holding its published spend files",
        "warning: data.neighbours: the folder westshire does not start with a GSS code, so its "
        "population and postcodes are not known: rename it like E07000903-castlemere",
        "warning: data.population (pop.csv) has no row for E07000002: spend per resident will "
        "be not known for it; use the ONS estimates for every local authority"]

