"""Outputs can only ever touch what the toolkit wrote.

1. An output folder is new, empty or the toolkit's own (its marker file); never a system
   folder, the home, the project or the config's folder (given or reached by the slug).
2. A failed or interrupted run deletes or changes nothing it did not write: unmarked folders
   and a user's folders are never removed; hard links and owners of other files are untouched.
3. A full disk while writing the staging folder stops the run with a clear message, removes the
   staging folder and leaves the previous outputs as they were.
4. Inputs inside (or around, or linked into) the output folder are refused.
5. ``toolkit archive`` stores regular files only, never through a link.
6. The runner's workers and their kernels do not outlive a SIGKILL of ``toolkit run``.
"""
from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml

from test_runner import WRITE, make_nb
from toolkit_helpers import runner
from toolkit_helpers.artefacts import archive, archive_members
from toolkit_helpers.config import load_config
from toolkit_helpers.errors import ConfigError, ToolkitError
from toolkit_helpers.paths import (OUTPUT_MARKER, has_output_marker, project_root,
                                   write_output_marker)

COUNCIL = {"name": "Testshire Council", "gss_code": "E06000999", "slug": "testshire"}


def digest(root: Path) -> dict:
    """Every entry under ``root``: files by content, links by target, folders by name."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if p.is_symlink():
            out[rel] = "link:" + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    return out


def write_config(folder: Path, name="t.yaml", **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"council": dict(COUNCIL), "service": {"name": "Parks"}}
    for k, v in extra.items():
        if k == "slug":
            doc["council"]["slug"] = v
        else:
            doc[k] = v
    p = folder / name
    p.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return p


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A tiny collection: ``a`` writes an artefact, ``na`` needs data the config lacks."""
    root = tmp_path / "proj"
    (root / "data").mkdir(parents=True)
    (root / "data" / "input.csv").write_text("a,b\n1,2\n")
    make_nb(root / "notebooks" / "a.ipynb", WRITE.format(name="a", text="'fresh'"))
    make_nb(root / "notebooks" / "na.ipynb", "x = 1")
    nb = nbformat.read(root / "notebooks" / "na.ipynb", as_version=4)
    nb.metadata["toolkit"]["requires"] = ["spend"]
    nbformat.write(nb, root / "notebooks" / "na.ipynb")
    write_config(root / "councils", data={"inventory": "../data/input.csv"})
    monkeypatch.setenv("TOOLKIT_ROOT", str(root))
    monkeypatch.delenv("TOOLKIT_OUTPUT_ROOT", raising=False)
    return root


def cli(project: Path, *args, env_extra=None, timeout=240, **kw):
    env = {**os.environ, "TOOLKIT_ROOT": str(project), **(env_extra or {})}
    env.pop("TOOLKIT_OUTPUT_ROOT", None)
    return subprocess.run([sys.executable, "-m", "toolkit_helpers", *args], capture_output=True,
                          text=True, env=env, cwd=project, timeout=timeout, **kw)


def previous_outputs(out: Path) -> Path:
    """The outputs of an earlier run, as the runner leaves them (marked)."""
    (out / "a").mkdir(parents=True)
    write_output_marker(out, "testshire")
    (out / "a" / "manifest.json").write_text("{}")
    (out / "a" / "result.txt").write_text("previous")
    (out / "na").mkdir()
    (out / "na" / "manifest.json").write_text("{}")
    (out / "run.json").write_text("{}")
    return out


# ------------------------------------------------------------------ 1. the output folder

def test_the_runner_marks_the_output_folder_it_makes(project):
    r = cli(project, "run", "--config", "councils/t.yaml", "--only", "a")
    assert r.returncode == 0, r.stdout + r.stderr
    out = project / "outputs" / "testshire"
    assert has_output_marker(out)
    assert "council: testshire" in (out / OUTPUT_MARKER).read_text()
    assert (out / "a" / "result.txt").read_text() == "fresh"


@pytest.mark.parametrize("command", ["check-config", "run"])
def test_an_unmarked_folder_that_is_not_empty_is_refused(project, command):
    mine = project.parent / "my documents"
    (mine / "b").mkdir(parents=True)  # a user's folder named like a notebook's artefacts
    (mine / "b" / "letter.docx").write_text("dear council")
    (mine / "notes.txt").write_text("keep me")
    cfg = write_config(project / "councils", data={"inventory": "../data/input.csv"},
                       output_dir=str(mine))
    before = digest(project.parent)
    args = ["check-config", str(cfg)] if command == "check-config" else \
        ["run", "--config", str(cfg)]
    r = cli(project, *args)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "key 'output_dir'" in r.stderr and "my documents" in r.stderr
    assert "was not made by the toolkit" in r.stderr and OUTPUT_MARKER in r.stderr
    assert "choose a new folder" in r.stderr and "empty this one" in r.stderr
    assert digest(project.parent) == before  # nothing written, nothing removed


def test_new_empty_marked_and_toolkit_made_folders_are_accepted(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_OUTPUT_ROOT", str(tmp_path / "outputs"))
    cfg = write_config(tmp_path / "councils", output_dir="../new")
    assert load_config(cfg).output_dir == (tmp_path / "new").resolve()
    (tmp_path / "new").mkdir()
    load_config(cfg)  # empty
    (tmp_path / "new" / "notes.txt").write_text("x")
    with pytest.raises(ConfigError, match="not made by the toolkit"):
        load_config(cfg)
    write_output_marker(tmp_path / "new", "testshire")
    load_config(cfg)  # the toolkit's own (the runner refuses the stray file itself)
    # made by notebooks run in JupyterLab, or by a runner from before the marker
    legacy = tmp_path / "outputs" / "testshire"
    (legacy / "spend_network_tenders").mkdir(parents=True)
    (legacy / "spend_network_tenders" / "manifest.json").write_text("{}")
    (legacy / "01_goals").mkdir()
    (legacy / "notebooks").mkdir()
    (legacy / "run.json").write_text("{}")
    load_config(write_config(tmp_path / "councils", name="d.yaml"))
    (legacy / "holiday photos").mkdir()
    with pytest.raises(ConfigError) as err:
        load_config(write_config(tmp_path / "councils", name="d.yaml"))
    assert "key 'council.slug'" in str(err.value) and "holiday photos" in str(err.value)


@pytest.mark.parametrize("given", ["/", "/etc", "/usr", "/bin", "/var", "/home", "~", "/etc/x",
                                   "PROJECT", ".", "..", "/tmp"])
def test_system_and_user_folders_are_refused_as_output_dir(tmp_path, given):
    given = str(project_root()) if given == "PROJECT" else given
    cfg = write_config(tmp_path / "councils", output_dir=given)
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    msg = str(err.value)
    assert "key 'output_dir'" in msg and "a run replaces the whole output folder" in msg
    assert any(w in msg for w in ("system folder", "home folder", "project folder",
                                  "config's folder")), msg


@pytest.mark.parametrize("case", ["etc", "usr", "home", "user home", "config folder",
                                  "project"])
def test_system_and_user_folders_reached_by_the_slug_are_refused(tmp_path, monkeypatch, case):
    root, slug = {"etc": ("/", "etc"), "usr": ("/", "usr"), "home": ("/", "home")}.get(
        case, (None, None))
    if case == "user home":
        monkeypatch.setenv("HOME", str(tmp_path / "people" / "fred"))
        (tmp_path / "people" / "fred").mkdir(parents=True)
        root, slug = tmp_path / "people", "fred"
    elif case == "config folder":
        root, slug = tmp_path, "councils"
    elif case == "project":
        root, slug = project_root().parent, project_root().name
    monkeypatch.setenv("TOOLKIT_OUTPUT_ROOT", str(root))
    cfg = write_config(tmp_path / "councils", slug=slug)
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert "key 'council.slug'" in str(err.value), str(err.value)
    assert "a run replaces the whole output folder" in str(err.value)


# ------------------------------------------------------------------ 2. nothing else touched

def test_the_runner_refuses_what_it_did_not_write_before_changing_anything(tmp_path):
    out = previous_outputs(tmp_path / "outputs" / "testshire")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cases = {"notes.txt": lambda p: p.write_text("mine"),
             "a/link": lambda p: p.symlink_to(elsewhere),
             "a/pipe": lambda p: os.mkfifo(p),
             "photos": lambda p: (p.mkdir(), (p / "cat.jpg").write_text("x"))}
    for rel, make in cases.items():
        make(out / rel)
        before = digest(tmp_path)
        with pytest.raises(ToolkitError) as err:
            runner._prepare_staging(out, "testshire", frozenset({"a", "na"}))
        assert str(out / rel) in str(err.value) and "did not write it" in str(err.value)
        assert "nothing was changed" in str(err.value)
        assert digest(tmp_path) == before
        p = out / rel
        p.unlink() if not p.is_dir() or p.is_symlink() else __import__("shutil").rmtree(p)


def test_discard_removes_only_inside_the_runs_own_staging_folder(tmp_path):
    user = tmp_path / "unmarked"
    (user / "b").mkdir(parents=True)
    (user / "b" / "mine.txt").write_text("mine")
    runner._discard(user, "b")
    assert (user / "b" / "mine.txt").read_text() == "mine"
    marked = tmp_path / "marked-but-not-staging"
    (marked / "b").mkdir(parents=True)
    write_output_marker(marked, "t")
    runner._discard(marked, "b")
    assert (marked / "b").is_dir()
    staging = tmp_path / ".t.staging-1"
    staging.mkdir()
    write_output_marker(staging, "t")
    (staging / "a").mkdir()
    (staging / "a" / "x.csv").write_text("1")
    (staging / "b").symlink_to(user / "b", target_is_directory=True)
    (staging / "notebooks").symlink_to(user, target_is_directory=True)
    for parts in [("a",), ("b",), ("notebooks", "b"), ("..", "unmarked"), ("../unmarked",)]:
        runner._discard(staging, *parts)
    assert not (staging / "a").exists()
    assert not (staging / "b").is_symlink()  # the link goes, never what it points at
    assert (user / "b" / "mine.txt").read_text() == "mine"


def test_recover_removes_and_restores_only_the_toolkits_folders(tmp_path):
    out = tmp_path / "council"
    mine_staging = tmp_path / ".council.staging-999999"
    (mine_staging / "a").mkdir(parents=True)
    (mine_staging / "a" / "keep.txt").write_text("user's")
    mine_old = tmp_path / ".council.old-999998"
    mine_old.mkdir()
    (mine_old / "keep.txt").write_text("user's")
    ours = tmp_path / ".council.staging-999997"
    ours.mkdir()
    write_output_marker(ours, "council")
    runner.recover(out)
    assert not ours.exists()
    assert not out.exists()  # an unmarked folder is not taken for the previous outputs
    assert (mine_staging / "a" / "keep.txt").read_text() == "user's"
    assert (mine_old / "keep.txt").read_text() == "user's"


def test_previous_outputs_holding_a_users_file_are_kept_not_deleted(tmp_path):
    out = previous_outputs(tmp_path / "testshire")
    staging = runner._prepare_staging(out, "testshire", frozenset({"a"}))
    (out / "notes.txt").write_text("added while the run ran")
    said = []
    runner._promote(staging, out, "testshire", frozenset({"a"}), said.append)
    assert has_output_marker(out) and not (out / "notes.txt").exists()
    kept = tmp_path / f".testshire.old-{os.getpid()}"
    assert (kept / "notes.txt").read_text() == "added while the run ran"
    assert "kept in" in said[0] and "notes.txt" in said[0]


def test_hard_links_and_owners_of_other_files_are_not_changed(project, tmp_path):
    out = previous_outputs(project / "outputs" / "testshire")
    external = tmp_path / "elsewhere" / "report.txt"
    external.parent.mkdir()
    os.link(out / "a" / "result.txt", external)  # e.g. a backup made with cp -al
    os.chmod(external, 0o640)
    st0 = os.stat(external)
    staging = runner._prepare_staging(out, "testshire", frozenset({"a", "na"}))
    copied = os.stat(staging / "a" / "result.txt")
    assert copied.st_ino != st0.st_ino  # a copy, never a new link to the same file
    st1 = os.stat(external)
    assert (st1.st_ino, st1.st_nlink, st1.st_uid, st1.st_gid, st1.st_mode, st1.st_mtime_ns) == \
        (st0.st_ino, st0.st_nlink, st0.st_uid, st0.st_gid, st0.st_mode, st0.st_mtime_ns)
    runner._remove_ours(staging)
    r = cli(project, "run", "--config", "councils/t.yaml", "--only", "a")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (out / "a" / "result.txt").read_text() == "fresh"
    st2 = os.stat(external)
    assert external.read_text() == "previous"
    assert (st2.st_ino, st2.st_uid, st2.st_gid, st2.st_mode, st2.st_mtime_ns) == \
        (st0.st_ino, st0.st_uid, st0.st_gid, st0.st_mode, st0.st_mtime_ns)


# ------------------------------------------------------------------ 3. a full disk

def _enospc(*_a, **_k):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["copy", "marker", "run.json"])
def test_a_full_disk_stops_the_run_and_keeps_the_previous_outputs(project, monkeypatch, where):
    out = previous_outputs(project / "outputs" / "testshire")
    before = digest(project / "outputs")
    if where == "copy":  # the second file copied into staging fails
        calls = []
        real = runner._copy_file

        def copy(src, dst):
            calls.append(src)
            if len(calls) == 2:
                _enospc()
            return real(src, dst)

        monkeypatch.setattr(runner, "_copy_file", copy)
    elif where == "marker":
        monkeypatch.setattr(runner, "write_output_marker", _enospc)
    else:  # the end of the run: its summary
        real_write = runner.atomic_write_text
        monkeypatch.setattr(runner, "atomic_write_text", lambda p, text: _enospc()
                            if Path(p).name == "run.json" else real_write(p, text))
    with pytest.raises(ToolkitError) as err:
        runner.run(project / "councils" / "t.yaml", only=["na"], out=io.StringIO())
    msg = str(err.value)
    assert "no space left on the disk" in msg and "was removed" in msg
    assert f"the previous outputs in {out} are unchanged" in msg and "Free some disk space" in msg
    assert sorted(p.name for p in (project / "outputs").iterdir()) == ["testshire"]
    assert digest(project / "outputs") == before


def test_a_full_disk_is_reported_by_the_command(project):
    """The same through ``toolkit run``: exit status 2 and the message, nothing else."""
    out = previous_outputs(project / "outputs" / "testshire")
    before = digest(out)
    code = ("import errno, os, sys\n"
            "from toolkit_helpers import runner, cli\n"
            "def full(*a, **k):\n"
            "    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
            "runner._copy_file = full\n"
            "sys.exit(cli.main(['run', '--config', 'councils/t.yaml', '--only', 'na']))\n")
    env = {**os.environ, "TOOLKIT_ROOT": str(project)}
    env.pop("TOOLKIT_OUTPUT_ROOT", None)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       cwd=project, timeout=120)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "error: no space left on the disk" in r.stderr and "unchanged" in r.stderr
    assert digest(out) == before
    assert sorted(p.name for p in (project / "outputs").iterdir()) == ["testshire"]


# ------------------------------------------------------------------ 4. inputs and outputs apart

def _layout(tmp_path: Path, case: str) -> dict:
    d = tmp_path / "data"
    d.mkdir()
    (d / "in.csv").write_text("a\n1\n")
    outs = tmp_path / "outputs"
    if case == "data file under outputs/<slug>":
        (outs / "testshire").mkdir(parents=True)
        (outs / "testshire" / "in.csv").write_text("a\n1\n")
        return {"data": {"inventory": "../outputs/testshire/in.csv"}}
    if case == "data file under output_dir":
        (tmp_path / "out").mkdir()
        (tmp_path / "out" / "in.csv").write_text("a\n1\n")
        return {"data": {"inventory": "../out/in.csv"}, "output_dir": "../out"}
    if case == "data folder holds the output folder":
        return {"data": {"spend": "../data"}, "output_dir": "../data/out"}
    if case == "output folder holds a data folder":
        (tmp_path / "work" / "spend").mkdir(parents=True)
        return {"data": {"spend": "../work/spend"}, "output_dir": "../work"}
    if case == "data outputs root holds the default output folder":
        outs.mkdir()
        return {"data": {"spend": "../outputs"}}
    if case == "data file is a link into the output folder":
        (outs / "testshire").mkdir(parents=True)
        (outs / "testshire" / "x.csv").write_text("a\n1\n")
        (d / "link.csv").symlink_to(outs / "testshire" / "x.csv")
        return {"data": {"inventory": "../data/link.csv"}}
    if case == "output_dir is a link to the data folder":
        (tmp_path / "outlink").symlink_to(d, target_is_directory=True)
        return {"data": {"inventory": "../data/in.csv"}, "output_dir": "../outlink"}
    if case == "data folder holds a link into the output folder":
        (outs / "testshire").mkdir(parents=True)
        (d / "sub").mkdir()
        (d / "sub" / "latest").symlink_to(outs / "testshire", target_is_directory=True)
        return {"data": {"spend": "../data"}}
    raise AssertionError(case)


@pytest.mark.parametrize("case", [
    "data file under outputs/<slug>", "data file under output_dir",
    "data folder holds the output folder", "output folder holds a data folder",
    "data outputs root holds the default output folder",
    "data file is a link into the output folder", "output_dir is a link to the data folder",
    "data folder holds a link into the output folder"])
def test_inputs_inside_the_output_folder_are_refused(tmp_path, monkeypatch, case):
    monkeypatch.setenv("TOOLKIT_OUTPUT_ROOT", str(tmp_path / "outputs"))
    cfg = write_config(tmp_path / "councils", **_layout(tmp_path, case))
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    msg = str(err.value)
    assert "overlaps data." in msg and "mixed with your input files" in msg, msg


def test_inputs_beside_the_outputs_are_fine(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_OUTPUT_ROOT", str(tmp_path / "outputs"))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "in.csv").write_text("a\n1\n")
    (tmp_path / "data" / "elsewhere").symlink_to(tmp_path / "other", target_is_directory=True)
    cfg = load_config(write_config(tmp_path / "councils", data={"spend": "../data"}))
    assert cfg.output_dir == (tmp_path / "outputs" / "testshire").resolve()


# ------------------------------------------------------------------ 5. archive

def test_archive_stores_regular_files_only_and_never_follows_links(tmp_path):
    out = previous_outputs(tmp_path / "testshire")
    (out / "a" / "passwd").symlink_to("/etc/passwd")
    (out / "etc").symlink_to("/etc", target_is_directory=True)
    os.mkfifo(out / "a" / "pipe")
    device = out / "a" / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except (PermissionError, OSError):
        device = None
    said = io.StringIO()
    dest = archive(out, out=said)
    with zipfile.ZipFile(dest) as zf:
        names = sorted(zf.namelist())
        contents = b"".join(zf.read(n) for n in names)
    assert names == ["testshire/a/manifest.json", "testshire/a/result.txt",
                     "testshire/na/manifest.json", "testshire/run.json"]
    assert b"root:" not in contents
    report = said.getvalue()
    assert "skipped a/passwd: a symbolic link" in report
    assert "skipped etc: a symbolic link" in report
    assert "skipped a/pipe: a FIFO" in report
    if device is not None:
        assert "skipped a/null: a device" in report
    files, skipped = archive_members(out)
    assert [p.name for p in files] == ["manifest.json", "result.txt", "manifest.json",
                                       "run.json"]
    assert {p.name for p, _ in skipped} >= {"passwd", "etc", "pipe"}


def test_archive_reports_skipped_files_on_stderr_by_default(tmp_path, capsys):
    out = previous_outputs(tmp_path / "testshire")
    (out / "run.json").unlink()
    (out / "run.json").symlink_to("/etc/passwd")
    dest = archive(out, tmp_path / "x.zip")
    assert "skipped run.json: a symbolic link" in capsys.readouterr().err
    with zipfile.ZipFile(dest) as zf:
        assert "testshire/run.json" not in zf.namelist()


# ------------------------------------------------------------------ 6. workers die with the runner

def _state(pid: int) -> str | None:
    """A process's state letter (``Z`` for a zombie), or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0].decode()
    except (OSError, IndexError):
        return None


def _alive(pid: int) -> bool:
    return _state(pid) not in (None, "Z")


def _with_marker(marker: str) -> list[int]:
    """Live processes whose environment holds ``marker`` (every process the run started)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                env = Path(f"/proc/{entry}/environ").read_bytes()
            except OSError:
                continue
            if marker.encode() in env and _alive(int(entry)):
                found.append(int(entry))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_and_kernels_die_when_the_runner_is_killed(project):
    body = ("import os, pathlib, time\n"
            "p = pathlib.Path(OUTPUT_DIR) / '{name}'\n"
            "p.mkdir(parents=True, exist_ok=True)\n"
            "(p / 'pids.json').write_text('[%d, %d]' % (os.getpid(), os.getppid()))\n"
            "time.sleep(300)\n")
    for name in ("slow1", "slow2"):
        make_nb(project / "notebooks" / f"{name}.ipynb", body.format(name=name))
    marker = f"TOOLKIT_KILL_TEST={uuid.uuid4().hex}"
    env = {**os.environ, "TOOLKIT_ROOT": str(project), "TOOLKIT_KILL_TEST": marker}
    env.pop("TOOLKIT_OUTPUT_ROOT", None)
    proc = subprocess.Popen([sys.executable, "-m", "toolkit_helpers", "run", "--config",
                             "councils/t.yaml", "--only", "slow1", "slow2", "--jobs", "2"],
                            env=env, cwd=project, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging = project / "outputs" / f".testshire.staging-{proc.pid}"
    pids: list[int] = []
    try:
        deadline = time.time() + 180
        files = [staging / n / "pids.json" for n in ("slow1", "slow2")]
        while time.time() < deadline and not all(f.exists() and f.read_text() for f in files):
            assert proc.poll() is None, "the run ended early"
            time.sleep(0.2)
        assert all(f.exists() for f in files), "the notebooks never started"
        for f in files:
            pids += json.loads(f.read_text())  # the kernel and its worker
        assert all(_alive(p) for p in pids)
        assert set(_with_marker(marker)) >= set(pids)
        os.kill(proc.pid, signal.SIGKILL)  # the runner only: not its process group
        proc.wait()
        deadline = time.time() + 30
        while time.time() < deadline and (any(_alive(p) for p in pids) or _with_marker(marker)):
            time.sleep(0.2)
        assert not [p for p in pids if _alive(p)], "a worker or kernel outlived the runner"
        assert not _with_marker(marker), "a process started by the run is still alive"
    finally:
        for p in set(pids) | set(_with_marker(marker)):
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        if proc.poll() is None:
            proc.kill()
            proc.wait()
