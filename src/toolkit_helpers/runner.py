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
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path

from .collection import NotebookInfo, applicability, discover, run_order, select
from .config import Config, load_config
from .errors import ToolkitError
from .artefacts import artefacts_folder
from .io import atomic_write_text
from .paths import project_root

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
    log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
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


# ------------------------------------------------------------------ staging and swap

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _siblings(output_dir: Path, kind: str) -> list[Path]:
    return sorted(output_dir.parent.glob(f".{output_dir.name}.{kind}-*"))


def recover(output_dir: Path) -> None:
    """Tidy after a run that was killed: restore outputs moved aside mid-swap, remove staging
    folders of runs that are no longer alive."""
    if not output_dir.exists():
        olds = _siblings(output_dir, "old")
        if olds:
            olds[-1].rename(output_dir)
    for kind in ("staging", "old"):
        for p in _siblings(output_dir, kind):
            try:
                pid = int(p.name.rsplit("-", 1)[1])
            except ValueError:
                continue
            if not _pid_alive(pid) or pid == os.getpid():
                shutil.rmtree(p, ignore_errors=True)


def _prepare_staging(output_dir: Path) -> Path:
    staging = output_dir.parent / f".{output_dir.name}.staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    if output_dir.is_dir():
        shutil.copytree(output_dir, staging, symlinks=True)
    else:
        staging.mkdir(parents=True)
    return staging


def _promote(staging: Path, output_dir: Path) -> None:
    """Swap the staging folder into place: two renames on one file system."""
    old = output_dir.parent / f".{output_dir.name}.old-{os.getpid()}"
    if output_dir.exists():
        output_dir.rename(old)
    staging.rename(output_dir)
    shutil.rmtree(old, ignore_errors=True)


def _fix_paths(staging: Path, output_dir: Path) -> None:
    """Executed notebooks name the staging folder in their injected parameters; point them at
    the final folder."""
    for nb in (staging / "notebooks").glob("*.ipynb"):
        text = nb.read_text(encoding="utf-8")
        if str(staging) in text:
            atomic_write_text(nb, text.replace(str(staging), str(output_dir)))


# ------------------------------------------------------------------ the run

def run(config_path: str | os.PathLike, only: list[str] | None = None, jobs: int = 2,
        timeout: int = DEFAULT_TIMEOUT, out=sys.stdout) -> list[Result]:
    """Execute the collection (or ``only`` some notebooks) for one council. Returns results."""
    config = load_config(config_path)
    output_dir = config.output_dir
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    notebooks = discover()
    chosen = run_order(select(notebooks, only))
    recover(output_dir)
    staging = _prepare_staging(output_dir)
    params = {n.name: notebook_parameters(n, config, staging) for n in chosen}
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
            shutil.rmtree(staging / artefacts_folder(n.name), ignore_errors=True)
            (staging / "notebooks" / f"{n.name}.ipynb").unlink(missing_ok=True)
            say(f"  – {n.name:<28} not applicable: {fits[n.name].reason}")
    pending = {n.name: n for n in chosen if n.name not in finished}
    running = {}
    t_start = time.perf_counter()
    ctx = get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=ctx) as pool:
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
                    shutil.rmtree(staging / artefacts_folder(n.name), ignore_errors=True)
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
    _promote(staging, output_dir)
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
