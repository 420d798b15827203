"""The runner: execute the collection for one council with papermill.

``python -m toolkit_helpers run --config councils/sample.yaml [--only NAME ...] [--jobs N]``

- Parameters: every notebook gets ``CONFIG`` (the config's path), ``OUTPUT_DIR`` and
  ``INTERACTIVE = False``, plus any ``notebook_parameters`` the config gives for it (checked
  against the notebook's own parameters cell).
- Notebooks run in parallel (``--jobs``) where independent; a notebook waits for those named in
  its ``toolkit.depends_on`` metadata, and runs even if one of them failed (the business case
  pack says which sections are missing).
- A failing notebook is reported by name and failing cell; the others finish; the exit status is
  non-zero.
- Everything is written into a staging folder beside ``outputs/<council>/`` and swapped into
  place at the end, so a killed run leaves the previous outputs intact. Input files are only
  read.
- Outputs only ever touch what the toolkit wrote. The output folder is the toolkit's own: it
  holds the marker file :data:`~toolkit_helpers.paths.OUTPUT_MARKER` (the config refuses an
  existing folder without it that holds anything else). The staging folder is a copy of the
  toolkit's files only (regular files and folders, copied byte for byte into new files, so
  hard links, owners and links are never shared or followed); a link, a special file or a file
  the toolkit does not write stops the run before anything changes. Only the run's own
  (marked) staging folder and previous output folder are ever deleted, and within staging only
  the artefacts folder and executed notebook of a notebook the runner knows. A run that cannot write (a full disk)
  stops with a clear message, removes its staging folder and leaves the previous outputs as
  they were.
- Worker processes and their kernels die with the runner: each worker watches its parent and,
  when the runner is gone (even killed with SIGKILL), kills its kernel's process group and
  exits; the kernel also exits when its worker does (ipykernel's parent poller).
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import stat
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path

from .artefacts import artefacts_folder
from .collection import NotebookInfo, applicability, discover, run_order, select
from .config import Config, load_config
from .errors import ToolkitError
from .io import atomic_write_text
from .paths import (
    OUTPUT_MARKER,
    file_kind,
    foreign_entries,
    has_output_marker,
    project_root,
    write_output_marker,
)

DEFAULT_TIMEOUT = 600  # seconds per cell


@dataclass
class Result:
    name: str
    status: str  # "ok" | "failed" | "not_applicable"
    seconds: float
    executed: str | None  # path of the executed notebook, relative to the output folder
    cell: int | None = None  # 1-based index of the failing cell among all cells
    execution_count: int | None = None
    error: str | None = None
    reason: str | None = None  # not applicable: what it needs; ok: optional inputs left out


def _original_cell_number(executed_path: str, index: int) -> int:
    """1-based number of the failing cell in the notebook as the user sees it (papermill adds
    an ``injected-parameters`` cell to the executed copy)."""
    try:
        import nbformat

        cells = [c for c in nbformat.read(executed_path, as_version=4).cells
                 if "papermill-error-cell-tag" not in c.metadata.get("tags", [])][:index]
        injected = any("injected-parameters" in c.metadata.get("tags", []) for c in cells)
    except Exception:
        injected = False
    return index + 1 - int(injected)


def _execute(nb_path: str, out_path: str, params: dict, cwd: str, timeout: int) -> dict:
    """Run one notebook (in a worker process). Never raises: returns a result dict."""
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.getLogger("papermill").setLevel(logging.ERROR)
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    t0 = time.perf_counter()
    name = Path(nb_path).stem
    # The kernel's own log lines (start-up warnings, its shutdown) would interleave with the
    # progress display: the kernel inherits this process's stderr, so point it at a log file,
    # kept beside the executed notebook only when the notebook fails.
    log_path = Path(out_path).with_suffix(".kernel.log")
    saved_stderr = os.dup(2)
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC
                     | getattr(os, "O_NOFOLLOW", 0), 0o644)
    os.dup2(log_fd, 2)
    os.close(log_fd)
    ok = False
    try:
        pm.execute_notebook(nb_path, out_path, parameters=params, kernel_name="python3",
                            cwd=cwd, progress_bar=False, log_output=False,
                            execution_timeout=timeout, request_save_on_cell_execute=False)
        ok = True
        return asdict(Result(name, "ok", time.perf_counter() - t0, out_path))
    except PapermillExecutionError as exc:
        return asdict(Result(name, "failed", time.perf_counter() - t0, out_path,
                             cell=_original_cell_number(out_path, exc.cell_index),
                             execution_count=exc.exec_count,
                             error=f"{exc.ename}: {exc.evalue}"))
    except Exception as exc:  # kernel died, timeout, unreadable notebook …
        return asdict(Result(name, "failed", time.perf_counter() - t0, out_path,
                             error=f"{type(exc).__name__}: {exc} (kernel log: "
                                   f"notebooks/{log_path.name})"))
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        if ok:
            log_path.unlink(missing_ok=True)


def notebook_parameters(info: NotebookInfo, config: Config, output_dir: Path) -> dict:
    """The parameters the runner passes to one notebook."""
    params = {"CONFIG": str(config.path), "OUTPUT_DIR": str(output_dir), "INTERACTIVE": False}
    extra = config.notebook_parameters.get(info.name, {})
    if extra:
        import papermill as pm

        declared = pm.inspect_notebook(str(info.path))
        for key in extra:
            if key not in declared:
                raise ToolkitError(
                    f"key 'notebook_parameters.{info.name}.{key}': the notebook has no such "
                    f"parameter", file=config.path,
                    hint=f"its parameters are: {', '.join(declared) or 'none'}.")
        params.update(extra)
    unknown = set(config.notebook_parameters) - {n.name for n in discover()}
    if unknown:
        raise ToolkitError(f"key 'notebook_parameters.{sorted(unknown)[0]}': no such notebook",
                           file=config.path,
                           hint="use a notebook name: " + ", ".join(n.name for n in discover()))
    return params


# ------------------------------------------------------------------ worker processes

def _worker_init(parent_pid: int) -> None:
    """In each worker process: die with the runner (see :func:`_watch_parent`)."""
    if os.name == "posix":
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True,
                         name="toolkit-parent-watchdog").start()


def _watch_parent(parent_pid: int, interval: float = 0.2) -> None:
    """Poll the parent process; when the runner is gone (this worker was handed to another
    parent, as when the runner is killed with SIGKILL), kill this worker's kernels and exit."""
    while os.getppid() == parent_pid:
        time.sleep(interval)
    _kill_children()
    os._exit(1)


def _children(pid: int) -> list[int]:
    """The process ids whose parent is ``pid`` (``/proc`` on Linux, else ``ps``)."""
    found = []
    if os.path.isdir("/proc/self"):
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if len(fields) > 1 and int(fields[1]) == pid:
                found.append(int(entry))
        return found
    import subprocess  # pragma: no cover - macOS and other Unix

    try:  # pragma: no cover
        lines = subprocess.run(["ps", "-A", "-o", "pid=", "-o", "ppid="], capture_output=True,
                               text=True, timeout=10).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):  # pragma: no cover
        return []
    for line in lines:  # pragma: no cover
        parts = line.split()
        if len(parts) == 2 and parts[1] == str(pid):
            found.append(int(parts[0]))
    return found  # pragma: no cover


def _kill_children() -> None:
    """Kill this process's children: a kernel (started in a session of its own by
    jupyter_client) with its whole process group, anything else by itself."""
    me = os.getpid()
    for child in _children(me):
        try:
            if os.getpgid(child) == child and child != os.getpgrp():
                os.killpg(child, signal.SIGKILL)
            else:
                os.kill(child, signal.SIGKILL)
        except OSError:
            pass


# ------------------------------------------------------------------ staging and swap

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _staging_path(output_dir: Path) -> Path:
    return output_dir.parent / f".{output_dir.name}.staging-{os.getpid()}"


def _old_path(output_dir: Path) -> Path:
    return output_dir.parent / f".{output_dir.name}.old-{os.getpid()}"


def _siblings(output_dir: Path, kind: str) -> list[Path]:
    return sorted(output_dir.parent.glob(f".{output_dir.name}.{kind}-*"))


def _is_real_dir(p: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(p).st_mode)
    except OSError:
        return False


def _not_ours(folder: Path, known: frozenset = frozenset()) -> list[tuple[Path, str]]:
    """What in an output folder the toolkit did not write: at the top, anything it does not
    write (:func:`toolkit_helpers.paths.foreign_entries`); anywhere, links and special files
    (the toolkit writes only folders and regular files)."""
    found = dict(foreign_entries(folder, known))
    for top, dirs, files in os.walk(folder):  # links to folders are listed, not followed
        for name in dirs + files:
            p = Path(top) / name
            try:
                mode = os.lstat(p).st_mode
            except FileNotFoundError:
                continue
            if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                found.setdefault(p, file_kind(mode))
    return sorted(found.items())


def _remove_ours(p: Path, strict: bool = False, known: frozenset = frozenset()) -> bool:
    """Delete a staging folder, or a previous output folder moved aside, only when it is the
    toolkit's: a real folder (never a link) holding the marker and, with ``strict`` (the
    previous outputs, which the user may have added to), nothing the toolkit did not write.
    An empty folder goes too. Returns whether ``p`` is gone."""
    if not os.path.lexists(p):
        return True
    if not _is_real_dir(p):
        return False
    if has_output_marker(p) and not (strict and _not_ours(p, known)):
        shutil.rmtree(p, ignore_errors=True)  # never follows links (fd-based on Linux)
        return not os.path.lexists(p)
    try:
        p.rmdir()
        return True
    except OSError:
        return False


def _discard(staging: Path, *parts: str) -> None:
    """Remove what an earlier run left for one notebook (its artefacts folder, its executed
    notebook) from the run's own staging folder, and nowhere else: ``staging`` must be a real
    folder holding the marker, each part a plain name, no folder on the way a link; a link
    found there is removed itself (its target is never touched)."""
    if not (_is_real_dir(staging) and has_output_marker(staging)
            and ".staging-" in staging.name):
        return
    if any(not part or part in (".", "..") or "/" in part or os.sep in part for part in parts):
        return
    target = staging.joinpath(*parts)
    if not all(_is_real_dir(q) for q in list(target.parents)[:len(parts) - 1]):
        return
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(target, ignore_errors=True)
    else:
        target.unlink(missing_ok=True)


def recover(output_dir: Path) -> None:
    """Tidy after a run that was killed: restore outputs moved aside mid-swap, remove staging
    folders of runs that are no longer alive. Only the toolkit's own (marked) folders are
    restored or removed; anything else of the same name is left alone."""
    if not os.path.lexists(output_dir):
        olds = [p for p in _siblings(output_dir, "old")
                if _is_real_dir(p) and has_output_marker(p)]
        if olds:
            olds[-1].rename(output_dir)
    for kind in ("staging", "old"):
        for p in _siblings(output_dir, kind):
            try:
                pid = int(p.name.rsplit("-", 1)[1])
            except ValueError:
                continue
            if not _pid_alive(pid) or pid == os.getpid():
                _remove_ours(p, strict=kind == "old")


def _copy_file(src: Path, dst: Path) -> None:
    """Copy one regular file's bytes into a new file: a new inode, so a hard link of the
    original is never shared and the original (its content, owner, links) never changed; a
    link is never followed (``O_NOFOLLOW``); the owner is not copied."""
    fd = os.open(src, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                 | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ToolkitError(f"{src} is {file_kind(st.st_mode)}, which the toolkit never "
                               "writes", hint="move it out of the output folder, then run again.")
        out = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                      | getattr(os, "O_BINARY", 0), st.st_mode & 0o777)
        try:
            with open(fd, "rb", closefd=False) as fin, open(out, "wb", closefd=False) as fout:
                shutil.copyfileobj(fin, fout, 1 << 20)
        finally:
            os.close(out)
        os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))
    finally:
        os.close(fd)


def _copy_tree(src: Path, dst: Path, top: bool = True) -> None:
    """Copy the toolkit's files (folders and regular files) from ``src`` into ``dst``; the
    marker and half-written temporary files at the top are left out."""
    for entry in sorted(os.scandir(src), key=lambda e: e.name):
        if top and (entry.name == OUTPUT_MARKER or (entry.name.startswith(".")
                                                    and entry.name.endswith(".tmp"))):
            continue
        mode = entry.stat(follow_symlinks=False).st_mode
        if stat.S_ISDIR(mode):
            os.mkdir(dst / entry.name)
            _copy_tree(Path(entry.path), dst / entry.name, top=False)
        elif stat.S_ISREG(mode):
            _copy_file(Path(entry.path), dst / entry.name)
        else:
            raise ToolkitError(f"{entry.path} is {file_kind(mode)}, which the toolkit never "
                               "writes", hint="move it out of the output folder, then run again.")


def _prepare_staging(output_dir: Path, slug: str = "council",
                     known: frozenset = frozenset()) -> Path:
    """Make the run's staging folder beside ``output_dir``: marked as the toolkit's, holding a
    copy of the toolkit's files from the previous outputs. Refuses (before writing anything)
    when the previous outputs hold something the toolkit did not write."""
    staging = _staging_path(output_dir)
    if os.path.lexists(staging) and not _remove_ours(staging):
        raise ToolkitError(f"{staging} is in the way: the toolkit did not make it",
                           hint="move or rename it (the runner keeps its unfinished work in a "
                                "folder of this name), then run again.")
    if _is_real_dir(output_dir):
        foreign = _not_ours(output_dir, known)
        if foreign:
            item, what = foreign[0]
            more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
            raise ToolkitError(
                f"{item} is {what}: the toolkit did not write it{more}, and a run replaces the "
                "whole output folder", file=output_dir,
                hint="move it out of the output folder (or set output_dir in the config to a "
                     "new folder), then run again; nothing was changed.")
    staging.mkdir()
    try:
        write_output_marker(staging, slug)
        if _is_real_dir(output_dir):
            _copy_tree(output_dir, staging)
    except BaseException:
        _remove_ours(staging)
        raise
    return staging


def _promote(staging: Path, output_dir: Path, slug: str = "council",
             known: frozenset = frozenset(), say=None) -> None:
    """Swap the staging folder into place: two renames on one file system. The previous
    outputs are deleted only when they hold nothing the toolkit did not write (else they are
    kept beside, and ``say`` tells where)."""
    old = _old_path(output_dir)
    if os.path.lexists(old) and not _remove_ours(old, strict=True, known=known):
        raise ToolkitError(f"{old} is in the way: the toolkit did not make it",
                           hint="move or rename it, then run again.")
    moved = False
    if os.path.lexists(output_dir):
        if _is_real_dir(output_dir) and not has_output_marker(output_dir):
            # an output folder from before the marker (or made by notebooks run in
            # JupyterLab): it held only what the toolkit writes (checked at the start)
            write_output_marker(output_dir, slug)
        output_dir.rename(old)
        moved = True
    try:
        staging.rename(output_dir)
    except BaseException:
        if moved and not os.path.lexists(output_dir):
            old.rename(output_dir)
        raise
    if moved and not _remove_ours(old, strict=True, known=known) and say:
        item = next(iter(_not_ours(old, known)), (old, ""))[0]
        say(f"note: the previous outputs were kept in {old}: they hold {item.name!r}, which "
            "the toolkit did not write; move what you need out of it, then delete it")


def _fix_paths(staging: Path, output_dir: Path) -> None:
    """Executed notebooks name the staging folder in their injected parameters; point them at
    the final folder."""
    for nb in (staging / "notebooks").glob("*.ipynb"):
        text = nb.read_text(encoding="utf-8")
        if str(staging) in text:
            atomic_write_text(nb, text.replace(str(staging), str(output_dir)))


def _write_failed(exc: OSError, staging: Path, output_dir: Path) -> ToolkitError:
    """The message for a run stopped by a failed write (a full disk, most often)."""
    where = f" ({exc.filename})" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        problem = ("no space left on the disk while writing the new outputs"
                   f"{where}: the run stopped and its unfinished folder ({staging.name}) was "
                   "removed")
        hint = (f"the previous outputs in {output_dir} are unchanged. Free some disk space "
                "(or set output_dir in the config to a folder on a disk with more room), then "
                "run again.")
    else:
        problem = (f"could not write the new outputs{where}: {exc.strerror or exc}; the run "
                   f"stopped and its unfinished folder ({staging.name}) was removed")
        hint = f"the previous outputs in {output_dir} are unchanged. Fix the cause, then run again."
    return ToolkitError(problem, hint=hint)


# ------------------------------------------------------------------ the run

def run(config_path: str | os.PathLike, only: list[str] | None = None, jobs: int = 2,
        timeout: int = DEFAULT_TIMEOUT, out=sys.stdout) -> list[Result]:
    """Execute the collection (or ``only`` some notebooks) for one council. Returns results."""
    config = load_config(config_path)
    output_dir = config.output_dir.resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    notebooks = discover()
    chosen = run_order(select(notebooks, only))
    known = frozenset(artefacts_folder(n.name) for n in notebooks)
    slug = config.council.slug
    staging = _staging_path(output_dir)
    params = {n.name: notebook_parameters(n, config, staging) for n in chosen}
    recover(output_dir)
    try:
        return _run_staged(config, output_dir, notebooks, chosen, known, params, jobs, timeout,
                           out, slug)
    except OSError as exc:
        _remove_ours(staging)
        raise _write_failed(exc, staging, output_dir) from None
    except BaseException:
        _remove_ours(staging)
        raise


def _run_staged(config, output_dir, notebooks, chosen, known, params, jobs, timeout, out,
                slug) -> list[Result]:
    staging = _prepare_staging(output_dir, slug, known)
    (staging / "notebooks").mkdir(exist_ok=True)

    def say(msg: str) -> None:
        print(msg, file=out, flush=True)

    total = len(chosen)
    say(f"Running {total} notebook{'s' * (total != 1)} for {config.council.name} "
        f"({config.council.gss_code}) with {jobs} job{'s' * (jobs != 1)} → {output_dir}")
    names = {n.name for n in chosen}
    fits = {n.name: applicability(n, config) for n in notebooks}
    finished: dict[str, Result] = {}
    for n in chosen:
        if not fits[n.name].applicable:
            finished[n.name] = Result(n.name, "not_applicable", 0.0, None,
                                      reason=fits[n.name].reason)
            # artefacts of an earlier run with other inputs are not about this config
            _discard(staging, artefacts_folder(n.name))
            _discard(staging, "notebooks", f"{n.name}.ipynb")
            say(f"  – {n.name:<28} not applicable: {fits[n.name].reason}")
    pending = {n.name: n for n in chosen if n.name not in finished}
    running = {}
    t_start = time.perf_counter()
    ctx = get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=ctx,
                             initializer=_worker_init, initargs=(os.getpid(),)) as pool:
        while pending or running:
            ready = [n for n in list(pending.values())
                     if all(d not in names or d in finished for d in n.depends_on)]
            for n in ready:
                if len(running) >= max(1, jobs):
                    break
                del pending[n.name]
                out_nb = staging / "notebooks" / f"{n.name}.ipynb"
                fut = pool.submit(_execute, str(n.path), str(out_nb), params[n.name],
                                  str(project_root()), timeout)
                running[fut] = n
                say(f"  ▶ {n.name:<28} started")
            if not running:  # pragma: no cover - run_order prevents this
                raise ToolkitError("no notebook can start: check depends_on metadata")
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                n = running.pop(fut)
                r = Result(**fut.result())
                r.executed = f"notebooks/{n.name}.ipynb"
                finished[n.name] = r
                count = f"[{len(finished)}/{total}]"
                if r.status == "ok":
                    r.reason = fits[n.name].reason or None
                    left = f" ({r.reason})" if r.reason else ""
                    say(f"  ✔ {n.name:<28} done in {r.seconds:5.1f} s {count}{left}")
                else:
                    # its artefacts from an earlier run are stale now: the pack must say the
                    # notebook did not run rather than show them as current
                    _discard(staging, artefacts_folder(n.name))
                    where = (f" at cell {r.cell} (In [{r.execution_count}])" if r.cell else "")
                    message = "\n      ".join((r.error or "").splitlines())
                    say(f"  ✖ {n.name:<28} FAILED{where} after {r.seconds:.1f} s {count}\n"
                        f"      {message}\n"
                        f"      see {output_dir / r.executed}")
    results = [finished[n.name] for n in chosen]
    summary = {
        "council": config.council.name,
        "gss_code": config.council.gss_code,
        "config": str(config.path),
        "seconds": round(time.perf_counter() - t_start, 1),
        "notebooks": [asdict(r) | {"seconds": round(r.seconds, 1)} for r in results],
    }
    atomic_write_text(staging / "run.json", json.dumps(summary, indent=2) + "\n")
    pack_error = _build_pack(staging, config, fits, say)
    _fix_paths(staging, output_dir)
    _promote(staging, output_dir, slug, known, say)
    failed = [r for r in results if r.status == "failed"]
    skipped = [r for r in results if r.status == "not_applicable"]
    ran = total - len(skipped)
    say(f"{ran - len(failed)} of {ran} applicable notebook{'s' * (ran != 1)} ran successfully "
        f"in {summary['seconds']} s"
        + (f" ({len(skipped)} not applicable to this council's data)" if skipped else "")
        + f"; outputs in {output_dir}")
    if failed:
        say("Failed: " + ", ".join(r.name for r in failed))
    if pack_error:
        say(f"The business case pack was not written: {pack_error}")
    return results


def _build_pack(staging: Path, config: Config, fits: dict, say) -> str | None:
    """Write the business case pack (HTML, Word, JSON) at the end of every run, from whatever
    ran, so a failing stage notebook still leaves a pack. Returns an error text or None."""
    from .report import build_pack

    expected = [n for n, f in fits.items() if f.applicable]
    not_applicable = {n: f.reason for n, f in fits.items() if not f.applicable}
    try:
        paths = build_pack(staging, config, expected=expected, not_applicable=not_applicable)
    except ToolkitError as exc:
        return str(exc)
    except Exception as exc:  # the notebooks' outputs must still be kept
        return f"{type(exc).__name__}: {exc} (the notebooks' outputs are kept; rebuild it " \
               "with: toolkit pack --config …)"
    say("  ✔ business case pack: " + ", ".join(p.name for p in paths.values()))
    return None
