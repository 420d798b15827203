"""The dependency lists agree, the environment is the locked one, and the project's metadata is
well formed.

- pyproject.toml pins the direct dependencies (runtime, the test extra, the binder extra);
- environment.yml pins every package the runtime and the tests need, at the locked versions;
- requirements.lock (``make lock``) holds every package, direct or not, exact and hashed;
- binder/requirements.txt holds every package Binder installs, at the lock's versions;
- ``make setup`` installs exactly the lock: the environment the tests run in is checked
  against it.
"""
import ast
import importlib.metadata as md
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
BINDER = ROOT / "binder" / "requirements.txt"

# In the environment but not locked: the installers, and the project itself (installed with
# --no-deps after the lock). setuptools is locked (ckanapi needs it) but also comes with venv.
NOT_LOCKED = {"pip", "setuptools", "wheel", "uv", "toolkit-helpers"}

ENTRY = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9_.+!-]+)\s*(?:;\s*(.+?))?\s*\\?")


def pins(lines):
    out = {}
    for line in lines:
        line = line.split("#")[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==([A-Za-z0-9_.+-]+)", line)
        assert m, f"not an exact pin: {line!r}"
        out[canonicalize_name(m.group(1))] = m.group(2)
    return out


def requirements_file(path):
    """Entries of a uv-compiled file: name, version, marker (or None) and hashes."""
    entries = []
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("--hash="):
            assert entries, f"{path.name}: a hash before any package"
            entries[-1]["hashes"].append(stripped.removeprefix("--hash=").rstrip(" \\"))
            continue
        m = ENTRY.fullmatch(line)
        assert m, f"{path.name}: not an exact pin at the start of a line: {line!r}"
        entries.append({"name": canonicalize_name(m[1]), "version": m[2], "marker": m[3],
                        "hashes": []})
    return entries


def applies(entry) -> bool:
    return entry["marker"] is None or Marker(entry["marker"]).evaluate()


def here(entries) -> dict[str, str]:
    """The entries that apply to this interpreter and platform: name → version."""
    out = {}
    for e in filter(applies, entries):
        assert e["name"] not in out, f"{e['name']} twice for this platform"
        out[e["name"]] = e["version"]
    return out


def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def direct(*extras):
    proj = project()
    return proj["dependencies"] + [r for x in extras for r in proj["optional-dependencies"][x]]


def closure(requirements) -> set[str]:
    """Every distribution the given requirements pull in on this platform, walked through the
    installed packages' own metadata (extras followed)."""
    seen: set[tuple[str, str]] = set()
    names: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        extras = {""} | set(req.extras)
        if all((name, x) in seen for x in extras):
            continue
        seen.update((name, x) for x in extras)
        names.add(name)
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            pytest.fail(f"{name} is not installed: run `make setup`")
        for spec in dist.requires or []:
            sub = Requirement(spec)
            if sub.marker is None or any(sub.marker.evaluate({"extra": x}) for x in extras):
                todo.append(sub)
    return names


@pytest.fixture
def made_by_setup():
    """The tests run in the environment `make setup` built (its stamp file is there)."""
    if not (Path(sys.prefix) / ".installed").exists():
        pytest.skip("not an environment built by `make setup` (no .installed stamp)")


# -- the three lists of direct pins --------------------------------------------------------

def test_runtime_pins_match_binder():
    binder = here(requirements_file(BINDER))
    for name, version in pins(direct("binder")).items():
        assert binder.get(name) == version, name


def environment_pip():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "python=3.11" in env["dependencies"]
    (pip_list,) = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    entries = []
    for line in pip_list:
        m = ENTRY.fullmatch(line)
        assert m, f"environment.yml: not an exact pin: {line!r}"
        entries.append({"name": canonicalize_name(m[1]), "version": m[2], "marker": m[3]})
    return entries


def test_environment_yml_pins_every_package_at_the_locked_version():
    lock = {(e["name"], e["marker"]): e["version"] for e in requirements_file(LOCK)}
    entries = environment_pip()
    assert len(entries) > 100
    for e in entries:
        assert lock.get((e["name"], e["marker"])) == e["version"], (
            f"{e['name']}=={e['version']} is not the locked version: run `make lock`")
    assert pins(direct("test")).items() <= {e["name"]: e["version"] for e in entries}.items()
    assert "make lock" in (ROOT / "environment.yml").read_text()


def test_environment_yml_is_every_package_runtime_and_tests_need(made_by_setup):
    assert {e["name"] for e in environment_pip() if applies(e)} == closure(direct("test"))


def test_binder_has_no_local_references_and_postbuild_installs_package():
    req = BINDER.read_text()
    assert "-e" not in req.split() and "file:" not in req and "." not in req.split()
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "set -euo pipefail" in post and "pip install --no-deps -e ." in post
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert pins(project()["dependencies"]).get("ipywidgets", "0") >= "8.1"


# -- the lock --------------------------------------------------------------------------------

def test_lock_pins_every_package_exactly_with_hashes():
    entries = requirements_file(LOCK)
    assert len(entries) > 100
    for e in entries:
        assert e["hashes"], f"{e['name']} has no hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in e["hashes"]), e["name"]
    assert "make lock" in LOCK.read_text().split("\n", 3)[1], "regenerate it with `make lock`"


def test_pyproject_and_environment_pins_are_the_locked_versions():
    lock = requirements_file(LOCK)
    unconditional = {e["name"]: e["version"] for e in lock if e["marker"] is None}
    for name, version in pins(direct("test", "binder", "bench")).items():
        assert unconditional.get(name) == version, f"{name}: run `make lock` after editing pins"


def test_binder_pins_every_package_at_the_locked_version():
    lock = {(e["name"], e["marker"]): e["version"] for e in requirements_file(LOCK)}
    binder = requirements_file(BINDER)
    assert len(binder) > 100
    for e in binder:
        assert lock.get((e["name"], e["marker"])) == e["version"], (
            f"{e['name']}=={e['version']} is not the locked version: run `make lock`")
    names = {e["name"] for e in binder}
    for test_only in ("pytest", "nbval", "pytest-xdist", "hypothesis", "playwright", "ruff"):
        assert test_only not in names, f"{test_only} is for the tests, not Binder"
    assert {"jupyterlab", "notebook", "ipywidgets", "ipykernel"} <= names


def test_binder_is_every_package_the_runtime_needs(made_by_setup):
    # Nothing Binder installs is left to the resolver on the day: every dependency of the
    # runtime and binder pins (on this platform) is in the file, and nothing else.
    assert set(here(requirements_file(BINDER))) == closure(direct("binder"))


def test_lock_is_every_package_the_project_needs(made_by_setup):
    assert set(here(requirements_file(LOCK))) == closure(direct("test", "binder", "bench"))


def test_installed_distributions_are_the_locked_ones(made_by_setup):
    lock = here(requirements_file(LOCK))
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in md.distributions()}
    unlocked = sorted(n for n in installed if n not in lock and n not in NOT_LOCKED)
    assert not unlocked, (f"installed but not in requirements.lock: {unlocked}; declare it in "
                          "pyproject.toml and run `make lock`, or uninstall it")
    differ = sorted(f"{n} {installed[n]} (locked {lock[n]})" for n in installed
                    if n in lock and n not in NOT_LOCKED and installed[n] != lock[n])
    assert not differ, f"not the locked version: {differ}; run `make setup`"
    missing = sorted(set(lock) - set(installed))
    assert not missing, f"locked but not installed: {missing}; run `make setup`"


def test_makefile_installs_from_the_lock():
    make = (ROOT / "Makefile").read_text()
    assert re.search(r"^\$\(STAMP\): pyproject\.toml \$\(LOCK\)$", make, re.M)
    assert "--require-hashes -r $(LOCK)" in make and "--no-deps -e ." in make


# -- imports are declared --------------------------------------------------------------------

def imported_distributions(folder: Path) -> dict[str, set[str]]:
    """Third-party distributions whose modules the Python files under ``folder`` import."""
    by_module = md.packages_distributions()
    local = {p.stem for p in folder.rglob("*.py")} | {"toolkit_helpers"}
    out: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods = [node.module]
            else:
                continue
            for mod in (m.split(".")[0] for m in mods):
                if mod in sys.stdlib_module_names or mod in local:
                    continue
                for dist in by_module.get(mod, [mod]):
                    out.setdefault(canonicalize_name(dist), set()).add(
                        str(path.relative_to(ROOT)))
    return out


def test_package_imports_are_declared_runtime_dependencies():
    declared = set(pins(project()["dependencies"]))
    undeclared = {d: sorted(f) for d, f in imported_distributions(ROOT / "src").items()
                  if d not in declared}
    assert not undeclared, f"imported but not in [project] dependencies: {undeclared}"


def test_test_imports_are_declared():
    declared = set(pins(direct("test")))
    undeclared = {d: sorted(f) for d, f in imported_distributions(ROOT / "tests").items()
                  if d not in declared}
    assert not undeclared, f"imported by tests but not declared: {undeclared}"


# -- packaging ---------------------------------------------------------------------------------

def test_licence_is_an_spdx_expression_and_py_typed_exists():
    proj = project()
    assert proj["license"] == "MIT" and proj["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert (ROOT / "src" / "toolkit_helpers" / "py.typed").is_file()
    assert not any(c.startswith("License ::") for c in proj.get("classifiers", []))


def test_wheel_carries_py_typed_and_the_licence(tmp_path):
    # Build from a copy with the environment's setuptools (no network, no build isolation).
    src = tmp_path / "src"
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "src", src,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"))
    out = tmp_path / "dist"
    done = subprocess.run(
        [sys.executable, "-c",
         "import sys; from setuptools import build_meta as b; print(b.build_wheel(sys.argv[1]))",
         str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "deprecated" not in (done.stdout + done.stderr).lower(), done.stderr[-3000:]
    wheel = out / done.stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert "toolkit_helpers/py.typed" in names
        meta = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
        assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: MIT" in meta
    assert "License-File: LICENSE" in meta


# -- citation --------------------------------------------------------------------------------

def test_citation_cff_is_valid_yaml_with_the_required_keys():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert cff.get(key), key
    assert cff["type"] == "software"
    assert all(isinstance(a, dict) and (a.get("name") or a.get("family-names"))
               for a in cff["authors"])
    proj = project()
    assert cff["license"] == proj["license"]
    assert str(cff["version"]) == proj["version"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(cff["date-released"]))


def test_make_lock_regenerates_the_same_files_byte_for_byte(tmp_path, made_by_setup):
    """`make lock` on an unchanged pyproject.toml rewrites requirements.lock,
    binder/requirements.txt and environment.yml exactly as committed (run in a copy, so the
    working tree is never touched). It asks the package index for metadata: skipped only when
    the index cannot be reached."""
    # (in a child process: this test process refuses network connections, see conftest.py)
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection("
                            "('pypi.org', 443), timeout=5).close()"], capture_output=True,
                           text=True, timeout=30)
    if probe.returncode:
        pytest.skip("the package index (pypi.org) cannot be reached from here: "
                    + (probe.stderr.strip().splitlines() or ["no answer"])[-1])
    files = ("pyproject.toml", "Makefile", "requirements.lock", "environment.yml",
             "binder/requirements.txt")
    for name in files:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copyfile(ROOT / name, tmp_path / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLKIT_")}
    done = subprocess.run(["make", "--no-print-directory", "-C", str(tmp_path), "lock",
                           f"VENV={ROOT / '.venv'}"], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    for name in files:
        assert (tmp_path / name).read_bytes() == (ROOT / name).read_bytes(), (
            f"{name} differs after `make lock`: commit what `make lock` writes")
