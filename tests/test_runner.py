"""The runner, end to end on a small fake collection: parallel runs, dependency order, a failing
notebook reported by name and cell while the others finish, parameters from the config, atomic
promotion of outputs (a killed run leaves the previous outputs intact), inputs untouched.
One successful run of a notebook is shared (each test that needs it works on a copy)."""
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

pytestmark = pytest.mark.slow


def make_nb(path, body, params="", depends_on=()):
    cells = [new_markdown_cell("# T"),
             new_code_cell('CONFIG = ""\nOUTPUT_DIR = ""\nINTERACTIVE = True\n' + params,
                           metadata={"tags": ["parameters"]}),
             new_code_cell(body)]
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "toolkit": {"depends_on": list(depends_on)}})
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


WRITE = ("import pathlib\n"
         "p = pathlib.Path(OUTPUT_DIR) / '{name}'\n"
         "p.mkdir(parents=True, exist_ok=True)\n"
         "(p / 'result.txt').write_text({text})\n")


def _make_project(root: Path) -> Path:
    (root / "councils").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "data" / "input.csv").write_text("a,b\n1,2\n")
    make_nb(root / "notebooks" / "a.ipynb",
            WRITE.format(name="a", text="GREETING + ' ' + CONFIG.split('/')[-1]"),
            params='GREETING = "default"\n')
    make_nb(root / "notebooks" / "b.ipynb", "x = 1\n\n\nraise ValueError('deliberate failure in b')")
    make_nb(root / "notebooks" / "sub" / "c.ipynb",
            "import pathlib\nseen = (pathlib.Path(OUTPUT_DIR) / 'a' / 'result.txt').read_text()\n"
            + WRITE.format(name="c", text="'c saw: ' + seen"), depends_on=["a"])
    cfg = root / "councils" / "t.yaml"
    cfg.write_text(
        "council: {name: Testshire Council, gss_code: 'E06000999', slug: testshire}\n"
        "service: {name: Parks}\n"
        "data: {inventory: ../data/input.csv}\n"
        "notebook_parameters: {a: {GREETING: hello from config}}\n")
    return root


@pytest.fixture
def project(tmp_path):
    return _make_project(tmp_path / "proj")


@pytest.fixture(scope="module")
def ran_a(tmp_path_factory):
    """A project after one successful ``--only a`` run, and that run's result."""
    root = _make_project(tmp_path_factory.mktemp("ran-a") / "proj")
    return root, run_cli(root, "--only", "a")


@pytest.fixture
def project_after_a(ran_a, tmp_path):
    """A copy of :func:`ran_a`'s project, outputs and all, for a test to change."""
    root, result = ran_a
    return shutil.copytree(root, tmp_path / "proj", symlinks=True), result


def run_cli(project, *args, timeout=240):
    env = {**os.environ, "TOOLKIT_ROOT": str(project)}
    env.pop("TOOLKIT_OUTPUT_ROOT", None)
    return subprocess.run([sys.executable, "-m", "toolkit_helpers", "run", "--config",
                           str(project / "councils" / "t.yaml"), *args],
                          capture_output=True, text=True, env=env, cwd=project, timeout=timeout)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def digest(root):
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_failure_is_reported_and_others_finish(project):
    inputs = digest(project / "data") | digest(project / "councils")
    nbs = digest(project / "notebooks")
    out = project / "outputs" / "testshire"
    (out / "b").mkdir(parents=True)  # artefacts of an earlier run in which b worked
    (out / "b" / "manifest.json").write_text("{}")
    r = run_cli(project, "--jobs", "2")
    assert r.returncode == 1, r.stdout + r.stderr
    assert not (out / "b").exists()  # stale evidence is not left for the pack
    assert oct((out / "run.json").stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    assert "✖ b" in r.stdout and "FAILED at cell 3" in r.stdout
    assert "ValueError: deliberate failure in b" in r.stdout
    assert "✔ a" in r.stdout and "✔ c" in r.stdout
    assert "IPKernelApp" not in r.stdout + r.stderr  # kernels' own log lines kept out of the display
    # parameters from the config reached the notebook; c ran after a and read its artefact
    assert (out / "a" / "result.txt").read_text() == "hello from config t.yaml"
    assert (out / "c" / "result.txt").read_text() == "c saw: hello from config t.yaml"
    summary = json.loads((out / "run.json").read_text())
    assert {n["name"]: n["status"] for n in summary["notebooks"]} == \
        {"a": "ok", "b": "failed", "c": "ok"}
    logs = sorted(p.name for p in (out / "notebooks").glob("*.kernel.log"))
    assert logs == ["b.kernel.log"]  # a kernel log is kept only for the notebook that failed
    executed = (out / "notebooks" / "b.ipynb").read_text()
    assert "deliberate failure" in executed
    assert ".staging-" not in (out / "notebooks" / "a.ipynb").read_text()
    # nothing left beside the outputs, inputs and notebooks untouched
    assert sorted(p.name for p in (project / "outputs").iterdir()) == ["testshire"]
    assert digest(project / "data") | digest(project / "councils") == inputs
    assert digest(project / "notebooks") == nbs


def test_only_and_unknown_parameter(project_after_a):
    project, r = project_after_a  # run with --only a
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Running 1 notebook" in r.stdout
    cfg = project / "councils" / "t.yaml"
    cfg.write_text(cfg.read_text().replace("GREETING:", "GREETNG:"))
    r = run_cli(project, "--only", "a")
    assert r.returncode == 2
    assert "notebook_parameters.a.GREETNG" in r.stderr and "GREETING" in r.stderr
    r = run_cli(project, "--only", "zzz")
    assert r.returncode == 2 and "no notebook called 'zzz'" in r.stderr


def test_killed_run_leaves_previous_outputs_intact(project_after_a):
    project, r = project_after_a  # the previous outputs: a run with --only a
    assert r.returncode == 0, r.stdout + r.stderr
    out = project / "outputs" / "testshire"
    before = digest(out)
    make_nb(project / "notebooks" / "slow.ipynb",
            WRITE.format(name="a", text="'half-written'") + "import time\ntime.sleep(60)")
    env = {**os.environ, "TOOLKIT_ROOT": str(project)}
    env.pop("TOOLKIT_OUTPUT_ROOT", None)
    proc = subprocess.Popen([sys.executable, "-m", "toolkit_helpers", "run", "--config",
                             str(project / "councils" / "t.yaml"), "--only", "slow"],
                            env=env, cwd=project, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    staging = project / "outputs" / ".testshire.staging-{}".format(proc.pid)
    deadline = time.time() + 120
    while time.time() < deadline:  # wait until the slow notebook has written into staging
        if (staging / "a" / "result.txt").exists() and \
                (staging / "a" / "result.txt").read_text() == "half-written":
            break
        time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the slow notebook never started")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert digest(out) == before  # previous outputs untouched
    assert (out / "a" / "result.txt").read_text() == "hello from config t.yaml"
    (project / "notebooks" / "slow.ipynb").unlink()
    assert run_cli(project, "--only", "a").returncode == 0  # the next run tidies the leftovers
    assert sorted(p.name for p in (project / "outputs").iterdir()) == ["testshire"]


def test_interrupted_swap_is_recovered(tmp_path):
    from toolkit_helpers.paths import write_output_marker
    from toolkit_helpers.runner import recover

    out = tmp_path / "council"
    old = tmp_path / ".council.old-999999"
    old.mkdir()
    write_output_marker(old, "council")  # the runner marks the outputs it moves aside
    (old / "run.json").write_text("previous")
    recover(out)  # the run died between the two renames: put the previous outputs back
    assert (out / "run.json").read_text() == "previous"
    assert not old.exists()
