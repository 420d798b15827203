"""The seeded synthetic data generator: byte-identical on re-run, the committed data/sample/ is
exactly what it writes, and it works for a second council."""
import hashlib
from pathlib import Path

import pytest

from toolkit_helpers import samples
from toolkit_helpers.config import load_config

ROOT = Path(__file__).resolve().parents[1]


def digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    a = tmp_path_factory.mktemp("a")
    b = tmp_path_factory.mktemp("b")
    samples.generate(a)
    samples.generate(b)
    return a, b


def test_rerun_is_byte_identical(generated):
    a, b = generated
    assert digests(a) and digests(a) == digests(b)


def test_committed_sample_data_is_the_generators_output(generated):
    a, _ = generated
    committed = digests(ROOT / "data" / "sample")
    fresh = digests(a)
    assert fresh == committed, (
        "data/sample/ differs from the generator's output: run `make samples` and commit")


def test_every_topic_declares_its_files_and_the_sample_config_uses_them(generated):
    import importlib

    cfg = load_config(ROOT / "councils" / "sample.yaml")
    for topic in samples.TOPICS:
        module = importlib.import_module(f"toolkit_helpers.samples.{topic}")
        for key, rel in module.DATA_FILES.items():
            assert (generated[0] / rel).exists(), (topic, key, rel)
            configured = cfg.data_paths(key)
            assert configured, f"councils/sample.yaml has no data.{key}"
            assert all((ROOT / "data" / "sample") in p.parents or p == ROOT / "data" / "sample" / rel
                       for p in configured)


def test_second_council_gets_its_own_data_and_config(tmp_path, generated):
    root = tmp_path / "data"
    files = samples.generate(root, samples.SECOND_COUNCIL)
    assert files
    assert digests(root) != digests(generated[0])
    cfg_path = samples.write_config(root, samples.SECOND_COUNCIL, tmp_path / "councils" / "c.yaml")
    cfg = load_config(cfg_path)
    assert cfg.council.name == "Castlemere District Council"
    assert cfg.council.gss_code == "E07000903"
    assert set(cfg.data) == {k for t in samples.TOPICS for k in
                             __import__(f"toolkit_helpers.samples.{t}", fromlist=["x"]).DATA_FILES}


def test_data_readme_labels_the_data_synthetic():
    text = (ROOT / "data" / "README.md").read_text()
    assert "synthetic" in text.lower()
    for topic in samples.TOPICS:
        assert f"`{topic}" in text or f"{topic}/" in text, f"data/README.md does not describe {topic}"
