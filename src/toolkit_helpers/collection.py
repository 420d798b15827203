"""The notebook collection: discovery, run order, and in-place refresh.

Notebooks are found under ``notebooks/`` (checkpoints ignored). A notebook's name is its file
stem (``spend_network_tenders``). Its metadata ``toolkit.depends_on`` names the notebooks whose
artefacts it reads; the runner runs those first.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ToolkitError
from .paths import project_root


@dataclass(frozen=True)
class NotebookInfo:
    name: str
    path: Path
    depends_on: tuple[str, ...] = field(default_factory=tuple)
    #: the open data pattern a case study shows (access, delivery, policy), or None
    pattern: str | None = None
    #: config data keys of which at least one must be given for the notebook to apply
    requires: tuple[str, ...] = field(default_factory=tuple)
    #: data keys that only enrich the notebook: it says what it left out without them
    optional: tuple[str, ...] = field(default_factory=tuple)

    @property
    def relpath(self) -> str:
        try:
            return str(self.path.relative_to(project_root()))
        except ValueError:
            return str(self.path)


def discover(root: Path | None = None) -> list[NotebookInfo]:
    """Every notebook of the collection, in a stable order (start-here, case studies, stages)."""
    root = root or project_root()
    found = []
    for p in sorted((root / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in p.parts:
            continue
        try:
            meta = json.loads(p.read_text(encoding="utf-8")).get("metadata", {})
        except (OSError, json.JSONDecodeError) as exc:
            raise ToolkitError(f"this notebook is not valid JSON ({exc})", file=p,
                               hint="restore it from git (git checkout -- <file>).") from None
        tk = meta.get("toolkit", {})
        found.append(NotebookInfo(p.stem, p, tuple(tk.get("depends_on", [])),
                                  pattern=tk.get("pattern"),
                                  requires=tuple(tk.get("requires", [])),
                                  optional=tuple(tk.get("optional", []))))
    names = {n.name for n in found}
    if len(names) != len(found):
        raise ToolkitError("two notebooks have the same file name; names must be unique")
    return found


@dataclass(frozen=True)
class Applicability:
    applicable: bool
    reason: str  # why not, or what was left out
    left_out: tuple[str, ...] = ()  # optional inputs not given


def applicability(info: NotebookInfo, config) -> Applicability:
    """Whether a notebook applies to a council's config: its pattern is among the service's
    ``patterns`` (when the service names any) and at least one of the inputs it ``requires`` is
    given. Optional inputs that are absent are listed so the run can say what was left out."""
    from .config import DATA_KEYS

    given = set(config.data)
    patterns = list(getattr(config.service, "patterns", []) or [])
    if info.pattern and patterns and info.pattern not in patterns:
        return Applicability(False, f"the service's patterns ({', '.join(patterns)}) do not "
                                    f"include {info.pattern}: set service.patterns to run it")
    if info.requires and not given & set(info.requires):
        need = " or ".join(f"data.{k}" for k in info.requires)
        what = "; ".join(f"{k}: {DATA_KEYS.get(k, k)}" for k in info.requires)
        return Applicability(False, f"needs {need} in the config ({what})")
    left_out = tuple(k for k in info.optional if k not in given)
    reason = ("without " + ", ".join(f"data.{k}" for k in left_out)) if left_out else ""
    return Applicability(True, reason, left_out)


def run_order(notebooks: list[NotebookInfo]) -> list[NotebookInfo]:
    """Notebooks sorted so each comes after what it depends on (ignoring dependencies that are
    not in the list). Raises on a cycle."""
    by_name = {n.name: n for n in notebooks}
    done: list[NotebookInfo] = []
    state: dict[str, int] = {}

    def visit(n: NotebookInfo, chain: tuple[str, ...]):
        s = state.get(n.name)
        if s == 2:
            return
        if s == 1:
            raise ToolkitError("notebook dependencies form a cycle: " + " → ".join(chain + (n.name,)))
        state[n.name] = 1
        for d in n.depends_on:
            if d in by_name:
                visit(by_name[d], chain + (n.name,))
        state[n.name] = 2
        done.append(n)

    for n in notebooks:
        visit(n, ())
    return done


def select(notebooks: list[NotebookInfo], only: list[str] | None) -> list[NotebookInfo]:
    """The notebooks named in ``only`` (by name or path), or all."""
    if not only:
        return notebooks
    chosen = []
    for want in only:
        w = Path(want).stem
        match = [n for n in notebooks if n.name == w]
        if not match:
            raise ToolkitError(f"there is no notebook called {want!r}",
                               hint="choose from: " + ", ".join(n.name for n in notebooks))
        chosen.extend(m for m in match if m not in chosen)
    return chosen


# ------------------------------------------------------------------ hygiene and refresh

KEEP_CELL_METADATA = ("tags", "jupyter")


def clean_notebook(nb) -> None:
    """Strip volatile metadata in place: execution timings, papermill's bookkeeping, widget
    state; keep tags (``parameters``) and folding; kernelspec ``python3``."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    li = nb.metadata.get("language_info", {})
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3",
                                    "file_extension": ".py", "mimetype": "text/x-python",
                                    **({"codemirror_mode": li["codemirror_mode"]}
                                       if "codemirror_mode" in li else {})}
    import hashlib

    for i, cell in enumerate(nb.cells):
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA}
        if cell.cell_type == "code":
            for j, out in enumerate(cell.get("outputs", [])):
                out.get("metadata", {}).pop("execution", None)
                if out.get("output_type") == "execute_result":
                    out.setdefault("metadata", {})
                view = out.get("data", {}).get("application/vnd.jupyter.widget-view+json")
                if view:  # widget state is not stored: a stable id keeps diffs quiet
                    view["model_id"] = hashlib.sha1(f"{i}-{j}".encode()).hexdigest()[:32]


def refresh(paths: list[Path], timeout: int = 600, output_root: Path | None = None) -> None:
    """Re-execute notebooks in place (in dependency order, default parameters), so committed
    outputs are fresh; artefacts go to a scratch output root, not into ``outputs/``."""
    import tempfile

    import nbformat
    from nbclient import NotebookClient

    root = project_root()
    infos = {n.path.resolve(): n for n in discover(root)}
    chosen = [infos.get(Path(p).resolve()) or NotebookInfo(Path(p).stem, Path(p).resolve())
              for p in paths]
    scratch = output_root or Path(tempfile.mkdtemp(prefix="toolkit-refresh-"))
    env_before = os.environ.get("TOOLKIT_OUTPUT_ROOT")
    os.environ["TOOLKIT_OUTPUT_ROOT"] = str(scratch)
    os.environ.setdefault("TOOLKIT_ROOT", str(root))
    try:
        for info in run_order(chosen):
            nb = nbformat.read(info.path, as_version=4)
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs = []
                    cell.execution_count = None
            client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                    resources={"metadata": {"path": str(root)}})
            print(f"refreshing {info.relpath} …", flush=True)
            client.execute()
            clean_notebook(nb)
            from .io import atomic_write_text

            atomic_write_text(info.path, nbformat.writes(nb) + "\n")
    finally:
        if env_before is None:
            os.environ.pop("TOOLKIT_OUTPUT_ROOT", None)
        else:
            os.environ["TOOLKIT_OUTPUT_ROOT"] = env_before
