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
