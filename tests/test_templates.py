"""Blank templates for the inputs a council writes itself, and where an input comes from."""
import pytest

from toolkit_helpers import goals, inventory, templates
from toolkit_helpers.paths import data_dir


def test_every_template_is_blank_and_has_no_example_values(tmp_path):
    written = templates.write_templates(tmp_path)
    assert set(written) == set(templates.TEMPLATES)
    for key, path in written.items():
        assert templates.is_blank(path), key
        assert templates.origin(path) == "template", key
        text = path.read_text()
        # headers and guidance only: no sample council, no numbers other than the 1-5 scale
        assert "Anytown" not in text and "Northvale" not in text
        for line in text.splitlines():
            value = line.split("#")[0]  # guidance is in comments
            assert not any(ch.isdigit() for ch in value), (key, line)


def test_templates_are_readable_by_their_loaders_once_filled(tmp_path):
    written = templates.write_templates(tmp_path)
    b = written["benefits"]
    b.write_text(b.read_text() + "Fewer calls,Residents,calls a month,900,600,Head of Waste,2028-03-31\n")
    assert not templates.is_blank(b) and templates.origin(b) == "council"
    assert list(goals.load_benefits(b)["benefit"]) == ["Fewer calls"]
    inv = written["inventory"]
    inv.write_text(inv.read_text() + "Bin rounds,Waste officer,OGL,CSV,monthly,2026-01-31,,no,uses,,\n")
    assert list(inventory.load_inventory(inv)["name"]) == ["Bin rounds"]
    m = written["maturity"]
    m.write_text(m.read_text().replace("data_management_processes:", "data_management_processes: 2"))
    assert not templates.is_blank(m)


def test_an_existing_file_is_never_overwritten(tmp_path):
    (tmp_path / "benefits.csv").write_text("mine\n")
    templates.write_templates(tmp_path, ["benefits"])
    assert (tmp_path / "benefits.csv").read_text() == "mine\n"


def test_origin_of_sample_missing_and_folders(tmp_path):
    assert templates.origin(data_dir() / "sample" / "council" / "benefits.csv") == "example"
    assert templates.origin([data_dir() / "sample" / "spend"]) == "example"
    assert not templates.is_blank(None) and not templates.is_blank(tmp_path)
    assert not templates.is_blank(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_bytes(b"")
    assert templates.is_blank(tmp_path / "empty.csv")
    (tmp_path / "bad.yaml").write_text("a: [unclosed\n")
    assert not templates.is_blank(tmp_path / "bad.yaml")  # the loader will say what is wrong


def test_unknown_template_key():
    with pytest.raises(KeyError):
        templates.template_text("spend")
