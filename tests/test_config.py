"""Council config loading and validation: one clear message naming the key and what is expected."""
from pathlib import Path

import pytest
import yaml

from toolkit_helpers.config import load_config
from toolkit_helpers.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path, doc, name="c.yaml"):
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc), encoding="utf-8")
    return p


def minimal(**over):
    doc = {"council": {"name": "Test Council", "gss_code": "E07000001"},
           "service": {"name": "Bins"}}
    doc.update(over)
    return doc


def test_sample_config_loads_and_resolves_paths():
    cfg = load_config(ROOT / "councils" / "sample.yaml")
    assert cfg.council.name == "Anytown Borough Council"
    assert cfg.council.gss_code == "E07000901"
    assert cfg.council.slug == "anytown"
    for key, value in cfg.data.items():
        for p in value if isinstance(value, list) else [value]:
            assert p.is_absolute() and p.exists(), (key, p)
            assert (ROOT / "data") in p.parents


def test_relative_paths_are_relative_to_the_config_folder(tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "b.yaml").write_text("scores: {}")
    sub = tmp_path / "councils"
    sub.mkdir()
    p = write(sub, minimal(data={"barriers": "../files/b.yaml"}))
    cfg = load_config(p)
    assert cfg.data["barriers"] == (tmp_path / "files" / "b.yaml").resolve()
    assert cfg.data_paths("barriers") == [cfg.data["barriers"]]
    assert cfg.data_paths("spend") == []


def test_default_output_dir_uses_slug(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_OUTPUT_ROOT", str(tmp_path / "out"))
    cfg = load_config(write(tmp_path, minimal()))
    assert cfg.output_dir == (tmp_path / "out" / "test-council").resolve()


@pytest.mark.parametrize("doc, key, expected", [
    (minimal(colour="blue"), "'colour'", "allowed keys"),
    (minimal(council={"name": "X", "gss_code": "E07000001", "nmae": "y"}), "council.nmae",
     "did you mean 'name'"),
    (minimal(data={"spnd": "x.csv"}), "data.spnd", "did you mean 'spend'"),
    (minimal(council={"name": "X", "gss_code": "E0700001"}), "council.gss_code", "GSS code"),
    (minimal(council={"name": "X", "gss_code": 7000001}), "council.gss_code", "quotes"),
    (minimal(council={"gss_code": "E07000001"}), "council.name", "is missing"),
    (minimal(service={"name": "Bins", "patterns": ["access", "magic"]}), "service.patterns",
     "access, delivery, policy"),
    (minimal(data={"spend": "nowhere/spend.csv"}), "data.spend", "file not found"),
    (minimal(data={"spend": "https://example.org/spend.csv"}), "data.spend", "web address"),
    (minimal(settings={"live": "yes"}), "settings.live", "true or false"),
    (minimal(settings={"timeout_seconds": 0}), "settings.timeout_seconds", "between 0 and 300"),
    (minimal(mappings={"spend": ["supplier"]}), "mappings", "canonical field"),
    ({"service": {"name": "x"}}, "'council'", "is missing"),
])
def test_bad_configs_name_the_key_and_what_is_expected(tmp_path, doc, key, expected):
    p = write(tmp_path, doc)
    with pytest.raises(ConfigError) as err:
        load_config(p)
    msg = str(err.value)
    assert key in msg and expected in msg and str(p) in msg


def test_yaml_syntax_error_names_line(tmp_path):
    p = write(tmp_path, "council:\n  name: X\n  gss_code: [unclosed\n")
    with pytest.raises(ConfigError) as err:
        load_config(p)
    assert "row" in str(err.value) and "YAML" in str(err.value)


def test_yaml_is_loaded_safely(tmp_path):
    p = write(tmp_path, "council: !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(ConfigError):
        load_config(p)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_not_a_mapping(tmp_path):
    with pytest.raises(ConfigError, match="mapping"):
        load_config(write(tmp_path, "- a\n- b\n"))


def test_unknown_data_key_lookup(tmp_path):
    cfg = load_config(write(tmp_path, minimal()))
    with pytest.raises(ConfigError, match="unknown data key"):
        cfg.data_path("nonsense")


# ------------------------------------------------------------------ column mappings

def test_legacy_mapping_form_is_unchanged(tmp_path):
    cfg = load_config(write(tmp_path, minimal(
        mappings={"spend": {"supplier": "Vendor", "amount": "Value (GBP)"}})))
    assert cfg.mappings == {"spend": {"supplier": "Vendor", "amount": "Value (GBP)"}}
    assert cfg.mapping_for("spend", tmp_path / "any.csv") == (
        {"supplier": "Vendor", "amount": "Value (GBP)"}, None)
    assert cfg.mapping_for("grants", tmp_path / "any.csv") == (None, None)
    assert [(r.where, r.files, r.sheet) for r in cfg.mapping_rules["spend"]] == [
        ("mappings.spend", None, None)]


def test_no_mappings_and_empty_mappings(tmp_path):
    cfg = load_config(write(tmp_path, minimal(mappings={"spend": {}, "grants": None})))
    assert cfg.mappings == {} and cfg.mapping_rules == {}
    assert cfg.mapping_for("spend", tmp_path / "a.csv") == (None, None)


def test_kind_wide_columns_and_sheet(tmp_path):
    cfg = load_config(write(tmp_path, minimal(mappings={
        "grants": {"columns": {"recipient_name": "Organisation"}, "sheet": "Data"},
        "contracts": {"sheet": 0}})))
    assert cfg.mappings == {"grants": {"recipient_name": "Organisation"}}
    assert cfg.mapping_for("grants", tmp_path / "g.xlsx") == (
        {"recipient_name": "Organisation"}, "Data")
    assert cfg.mapping_for("contracts", tmp_path / "c.xlsx") == (None, 0)


def test_per_file_entries_pick_the_first_match_then_the_entry_for_every_file(tmp_path):
    (tmp_path / "downloads" / "2023").mkdir(parents=True)
    cfg = load_config(write(tmp_path, minimal(mappings={"spend": [
        {"files": "Spend-2022-*.CSV", "columns": {"supplier": "Vendor"}},
        {"files": ["2023/*.xlsx", "extra.csv"], "columns": {"supplier": "Payee"},
         "sheet": "Payments"},
        {"columns": {"supplier": "Supplier Name"}},
    ]})))
    d = tmp_path / "downloads"
    assert cfg.mapping_for("spend", d / "spend-2022-04.csv") == ({"supplier": "Vendor"}, None)
    assert cfg.mapping_for("spend", d / "2023" / "q1.xlsx") == ({"supplier": "Payee"}, "Payments")
    assert cfg.mapping_for("spend", d / "extra.csv") == ({"supplier": "Payee"}, "Payments")
    assert cfg.mapping_for("spend", d / "q1.xlsx") == ({"supplier": "Supplier Name"}, None)
    # the path relative to the config's folder matches too
    assert cfg.mapping_for("spend", d / "2023" / "q2.xlsx")[1] == "Payments"
    assert cfg.mappings == {"spend": {"supplier": "Supplier Name"}}


def test_per_file_entries_without_an_entry_for_every_file(tmp_path):
    cfg = load_config(write(tmp_path, minimal(mappings={"spend": [
        {"files": "a.csv", "columns": {"supplier": "Vendor"}}]})))
    assert cfg.mappings == {}
    assert cfg.mapping_for("spend", tmp_path / "a.csv") == ({"supplier": "Vendor"}, None)
    assert cfg.mapping_for("spend", tmp_path / "b.csv") == (None, None)


def test_misspelt_field_is_rejected_with_did_you_mean_and_the_allowed_fields(tmp_path):
    from toolkit_helpers import spend

    p = write(tmp_path, minimal(mappings={"spend": {"suplier": "Vendor"}}))
    with pytest.raises(ConfigError) as err:
        load_config(p)
    assert err.value.problem == "key 'mappings.spend.suplier': unknown spend field " \
                                "(did you mean 'supplier'?)"
    assert err.value.file == str(p)
    assert err.value.hint == (f"expected one of the spend loader's fields: "
                              f"{', '.join(spend.FIELDS)}; the value is the column header in "
                              "your file.")


def test_misspelt_field_in_a_per_file_entry_names_the_entry(tmp_path):
    p = write(tmp_path, minimal(mappings={"spend": [
        {"files": "a.csv", "columns": {"supplier": "Vendor"}},
        {"files": "b.csv", "columns": {"ammount": "Value"}}]}))
    with pytest.raises(ConfigError) as err:
        load_config(p)
    assert err.value.problem == ("key 'mappings.spend[1].columns.ammount': unknown spend field "
                                 "(did you mean 'amount'?)")


def test_a_kind_whose_field_list_is_missing_is_not_field_checked(tmp_path, monkeypatch):
    from toolkit_helpers import kinds

    monkeypatch.setitem(kinds.MAPPING_FIELD_CONSTANTS, "spend", "spend:NO_SUCH_CONSTANT")
    assert kinds.mapping_fields("spend") is None
    cfg = load_config(write(tmp_path, minimal(mappings={"spend": {"anything": "Vendor"}})))
    assert cfg.mappings == {"spend": {"anything": "Vendor"}}


def test_a_sheet_for_a_loader_that_reads_no_chosen_sheet(tmp_path, monkeypatch):
    from toolkit_helpers import kinds

    monkeypatch.setattr(kinds, "takes_sheet", lambda key: False)
    p = write(tmp_path, minimal(mappings={"spend": {"sheet": "Data"}}))
    with pytest.raises(ConfigError) as err:
        load_config(p)
    assert err.value.problem == ("key 'mappings.spend.sheet': the spend loader reads no "
                                 "chosen sheet")


@pytest.mark.parametrize("mappings, problem, hint", [
    ({"daily_journeys": {"date": "Day"}},
     "key 'mappings.daily_journeys': the daily_journeys loader "
     "(transport.load_daily_journeys) takes no column mapping", "remove mappings.daily_journeys"),
    ({"population": {"code": "Area"}},
     "key 'mappings.population': the population loader "
     "(neighbours.load_population) takes no column mapping", "remove mappings.population"),
    ({"benefits": {"benefit": "What"}},
     "key 'mappings.benefits': benefits is a file the council writes from the toolkit's "
     "template, read without a column mapping", "remove mappings.benefits"),
    ({"spnd": {"supplier": "Vendor"}}, "unknown key 'mappings.spnd' (did you mean 'spend'?)",
     "allowed keys in mappings"),
    ({"spend": {"supplier": "Vendor", "sheet": "Data"}},
     "key 'mappings.spend.supplier': a field next to 'sheet': fields go under 'columns:'",
     "{columns: {supplier: '<column header>'}, sheet: ...}"),
    ({"spend": {"colums": {"supplier": "Vendor"}, "sheet": "Data"}},
     "unknown key 'mappings.spend.colums' (did you mean 'columns'?)",
     "allowed keys in mappings.spend: columns, files, sheet"),
    ({"spend": [{"columns": {"supplier": "V"}}, {"files": "a.csv", "columns": {"supplier": "W"}}]},
     "key 'mappings.spend[0]': has no 'files' but is not the last entry",
     "at most one entry without 'files'"),
    ({"spend": [{"files": "", "columns": {"supplier": "V"}}]},
     "key 'mappings.spend[0].files': has ''", "a file name pattern"),
    ({"spend": {"columns": {"supplier": 12}}},
     "key 'mappings.spend.columns.supplier': has 12", "put it in quotes"),
    ({"spend": {"sheet": -1}}, "key 'mappings.spend.sheet': has -1", "a sheet number"),
    ({"spend": "Vendor"}, "key 'mappings.spend': has 'Vendor'", "canonical field"),
    (["spend"], "key 'mappings': has ['spend']", "canonical field"),
])
def test_bad_mappings_name_the_key_and_what_is_expected(tmp_path, mappings, problem, hint):
    p = write(tmp_path, minimal(mappings=mappings))
    with pytest.raises(ConfigError) as err:
        load_config(p)
    assert err.value.problem == problem
    assert hint in err.value.hint
    assert err.value.file == str(p)


def test_settings_limits_are_checked_and_applied(tmp_path):
    from toolkit_helpers import io
    from toolkit_helpers.config import load_config
    from toolkit_helpers.errors import ConfigError
    from toolkit_helpers.notebook import start

    cfg = tmp_path / "c.yaml"
    base = "council: {name: T, gss_code: 'E07000901'}\nservice: {name: S}\n"
    cfg.write_text(base + "settings: {limits: {max_fil_mb: 10}}\n")
    with pytest.raises(ConfigError, match="did you mean 'max_file_mb'"):
        load_config(cfg)
    cfg.write_text(base + "settings: {limits: {max_file_mb: -3}}\n")
    with pytest.raises(ConfigError, match="settings.limits.max_file_mb"):
        load_config(cfg)
    cfg.write_text(base + f"settings: {{limits: {{max_file_mb: 999}}}}\noutput_dir: '{tmp_path / 'o'}'\n")
    old = io.limits()
    try:
        start("01_goals", str(cfg), str(tmp_path / "o"), False, quiet=True)
        assert io.limit("max_file_mb") == 999
    finally:
        io.set_limits(old)
