"""Where things are: the project folder, the sample data, the outputs.

Notebooks run with different working folders (JupyterLab: the notebook's folder; papermill
via the runner: the project folder), so paths are resolved here, never relative to a
notebook.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _looks_like_root(p: Path) -> bool:
    return (p / "councils").is_dir() and (p / "notebooks").is_dir()


def project_root() -> Path:
    """The toolkit's project folder (holding ``councils/``, ``notebooks/`` and ``data/``).

    ``TOOLKIT_ROOT`` wins when set; otherwise the nearest folder above the working folder
    that holds ``councils/`` and ``notebooks/``; otherwise the source checkout this package
    was installed from.
    """
    env = os.environ.get("TOOLKIT_ROOT")
    if env:
        return Path(env).resolve()
    here = Path.cwd().resolve()
    for p in (here, *here.parents):
        if _looks_like_root(p):
            return p
    candidate = _PACKAGE_DIR.parents[1]
    if _looks_like_root(candidate):
        return candidate
    return here


def data_dir() -> Path:
    """The shipped synthetic sample data (``data/``)."""
    return project_root() / "data"


def outputs_root() -> Path:
    """Where council output folders go: ``outputs/`` (``TOOLKIT_OUTPUT_ROOT`` overrides)."""
    env = os.environ.get("TOOLKIT_OUTPUT_ROOT")
    return Path(env).resolve() if env else project_root() / "outputs"


def resolve_user_path(path: str | os.PathLike, base: Path | None = None) -> Path:
    """Resolve a path a user typed: absolute as is; otherwise against ``base`` (if given),
    then the working folder, then the project folder. Returns the first that exists, or the
    ``base``/project-folder form when none does (so the error names a sensible place)."""
    p = Path(os.path.expanduser(str(path)))
    if p.is_absolute():
        return p
    bases = [b for b in (base, Path.cwd(), project_root()) if b is not None]
    for b in bases:
        if (b / p).exists():
            return (b / p).resolve()
    return (bases[0] / p).resolve()


_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """``"Anytown Borough Council"`` → ``"anytown-borough-council"`` (safe as a folder name)."""
    slug = _SLUG_RE.sub("-", str(text).lower()).strip("-")
    return slug or "council"


def safe_join(folder: Path, *parts: str) -> Path:
    """Join ``parts`` under ``folder`` and refuse anything that would land outside it
    (``..``, absolute parts, symlinks pointing out)."""
    from .errors import ToolkitError

    folder = Path(folder).resolve()
    target = folder.joinpath(*parts).resolve()
    if target != folder and folder not in target.parents:
        raise ToolkitError(
            f"refusing to write {'/'.join(parts)!r}: it would land outside {folder}",
            hint="use a plain file name without '..' or a leading '/'.")
    return target
