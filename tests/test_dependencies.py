"""pyproject.toml, environment.yml and binder/requirements.txt name the same pinned packages."""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def pins(lines):
    out = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==([A-Za-z0-9_.+-]+)", line)
        assert m, f"not an exact pin: {line!r}"
        out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_runtime_pins_match_binder():
    runtime = pins(project()["dependencies"])
    binder = pins((ROOT / "binder" / "requirements.txt").read_text().splitlines())
    assert runtime == binder


def test_environment_yml_has_runtime_and_test_pins():
    proj = project()
    expected = pins(proj["dependencies"] + proj["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_list = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pins(pip_list) == expected
    assert "python=3.11" in env["dependencies"]


def test_binder_has_no_local_references_and_postbuild_installs_package():
    req = (ROOT / "binder" / "requirements.txt").read_text()
    assert "-e" not in req.split() and "file:" not in req and "." not in req.split()
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "set -euo pipefail" in post and "pip install --no-deps -e ." in post
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert pins(project()["dependencies"]).get("ipywidgets", "0") >= "8.1"
