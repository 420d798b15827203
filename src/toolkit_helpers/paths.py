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


def clean_typed_path(text) -> str:
    """A path as a person pastes it: surrounding spaces and quotes removed, a ``file://``
    prefix dropped, ``~`` expanded."""
    s = str(text if text is not None else "").strip()
    while len(s) >= 2 and s[0] == s[-1] and s[0] in "'\"`":
        s = s[1:-1].strip()
    if s.lower().startswith("file://"):
        from urllib.parse import unquote, urlparse

        s = unquote(urlparse(s).path)
    return os.path.expanduser(s)


def shown_path(path: str | os.PathLike) -> str:
    """A path as a message shows it: relative to the project folder when inside it (``data/
    sample/x.csv``), else as given (never needlessly a machine path)."""
    p = Path(path)
    try:
        return p.resolve().relative_to(project_root()).as_posix()
    except (ValueError, OSError):
        return str(p)


def user_path_candidates(text, notebook_dir: str | os.PathLike | None = None) -> list[Path]:
    """Where a typed path may point, in the order tried: absolute as is; else relative to the
    project folder (what JupyterLab's *Copy Path* gives), to the notebook's folder
    (``notebook_dir``, default the working folder, which is the notebook's folder in
    JupyterLab) and to the working folder. Duplicates removed."""
    s = clean_typed_path(text)
    p = Path(s)
    if p.is_absolute():
        return [p]
    bases = [project_root()]
    if notebook_dir is not None:
        bases.append(Path(notebook_dir))
    bases.append(Path.cwd())
    out: list[Path] = []
    for b in bases:
        c = (Path(b) / p).resolve()
        if c not in out:
            out.append(c)
    return out


def find_user_file(text, notebook_dir: str | os.PathLike | None = None, *,
                   what: str = "file") -> Path:
    """The file a person typed or pasted: relative to the project folder (as JupyterLab's
    *Copy Path* gives it), to the notebook's folder, or absolute. Raises
    :class:`~toolkit_helpers.errors.ToolkitError` for a blank, a folder, or a missing file —
    then naming every place looked (project-relative where possible)."""
    from .errors import ToolkitError

    s = clean_typed_path(text)
    if not s:
        raise ToolkitError(f"no {what} given",
                           hint="type or paste its path, e.g. data/sample/council/library_visits.csv "
                                "(in JupyterLab: right-click the file, Copy Path).")
    tried = user_path_candidates(s, notebook_dir)
    for c in tried:
        if c.is_file():
            return c
    for c in tried:
        if c.is_dir():
            raise ToolkitError(f"{shown_path(c)} is a folder, not a {what}",
                               hint="give the path of one file inside it.")
    looked = ", ".join(dict.fromkeys(shown_path(c) for c in tried))
    raise ToolkitError(f"{what} {s!r} not found (looked for {looked})",
                       hint="check the spelling, or copy the path: right-click the file in "
                            "JupyterLab's file browser, Copy Path, and paste it here.")


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


# ------------------------------------------------------------------ output folders

#: The file the runner writes into every output folder it makes: a folder holding it is the
#: toolkit's own, which a run may replace. An existing folder without it must be empty (or
#: hold only what the toolkit writes) before the toolkit uses it.
OUTPUT_MARKER = ".toolkit-outputs"
_MARKER_SIGNATURE = "Outputs of the Open Data Public Services Toolkit"

#: What the toolkit writes at the top of an output folder (besides each notebook's artefacts
#: folder): the run summary, the business case pack, the executed notebooks, uploads.
TOOLKIT_FILES = frozenset({OUTPUT_MARKER, "run.json", "business_case.html",
                           "business_case.docx", "business_case.json"})
TOOLKIT_FOLDERS = frozenset({"notebooks", "uploads"})
#: What file managers and JupyterLab leave behind; harmless, kept with the outputs.
LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", ".ipynb_checkpoints"})
_ARTEFACTS_NAME_RE = re.compile(r"^[a-z0-9_]+$")


def output_marker_text(slug: str) -> str:
    return (f"{_MARKER_SIGNATURE}: the runner replaces this folder on every run.\n"
            f"council: {slug}\n")


def has_output_marker(folder: str | os.PathLike) -> bool:
    """Whether ``folder`` holds the toolkit's marker (a regular file, not a link)."""
    import stat

    p = Path(folder) / OUTPUT_MARKER
    try:
        if not stat.S_ISREG(os.lstat(p).st_mode):
            return False
        with open(p, encoding="utf-8", errors="replace") as fh:
            return fh.read(len(_MARKER_SIGNATURE)) == _MARKER_SIGNATURE
    except OSError:
        return False


def write_output_marker(folder: str | os.PathLike, slug: str) -> Path:
    """Mark ``folder`` as the toolkit's output folder (atomically)."""
    from .io import atomic_write_text

    return atomic_write_text(Path(folder) / OUTPUT_MARKER, output_marker_text(slug))


def file_kind(mode: int) -> str:
    """What a non-regular, non-folder entry is (from its ``lstat`` mode), for messages."""
    import stat

    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def known_artefact_folders(root: Path | None = None) -> frozenset[str]:
    """The artefacts folder names of the collection's notebooks (from their file names, as
    :func:`toolkit_helpers.artefacts.artefacts_folder` makes them)."""
    nb = Path(root or project_root()) / "notebooks"
    return frozenset(slugify(p.stem).replace("-", "_") for p in nb.rglob("*.ipynb")
                     if ".ipynb_checkpoints" not in p.parts)


def foreign_entry(path: str | os.PathLike, known: frozenset | set = frozenset()) -> str | None:
    """Why one entry at the top of an output folder is not the toolkit's (``None`` when it
    is); ``known``: the artefacts folder names of the notebooks the toolkit knows. Links and
    special files are never the toolkit's; files are when named as it names them (or its
    half-written ``.*.tmp``); folders when named as it names them, holding a
    ``manifest.json`` (an :class:`~toolkit_helpers.artefacts.Artefacts` folder), or empty
    with an artefacts folder's kind of name."""
    import stat

    p = Path(path)
    try:
        mode = os.lstat(p).st_mode
    except FileNotFoundError:
        return None
    name = p.name
    if stat.S_ISREG(mode):
        if name in TOOLKIT_FILES or name in LITTER or (name.startswith(".") and
                                                       name.endswith(".tmp")):
            return None
        return "a file the toolkit does not write"
    if not stat.S_ISDIR(mode):
        return file_kind(mode)
    if name in TOOLKIT_FOLDERS or name in LITTER or name in known:
        return None
    try:
        if stat.S_ISREG(os.lstat(p / "manifest.json").st_mode):
            return None
    except OSError:
        pass
    try:
        empty = not any(p.iterdir())
    except OSError:
        empty = False
    if _ARTEFACTS_NAME_RE.match(name) and empty:
        return None
    return "a folder the toolkit does not write"


def foreign_entries(folder: str | os.PathLike, known: frozenset | set = frozenset()
                    ) -> list[tuple[Path, str]]:
    """The entries at the top of ``folder`` that the toolkit did not write, with why
    (see :func:`foreign_entry`); empty for a missing or empty folder."""
    folder = Path(folder)
    try:
        entries = sorted(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    out = []
    for p in entries:
        why = foreign_entry(p, known)
        if why:
            out.append((p, why))
    return out


def protected_folders(*extra: tuple[str | os.PathLike, str]) -> list[tuple[Path, str]]:
    """Folders an output folder must never be (nor contain): the file system's root and
    system folders, ``/home``, the user's home, plus ``extra`` ``(path, what)`` pairs (the
    project, the config's folder). Each is given as written and resolved."""
    names = ["/", "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/boot",
             "/dev", "/proc", "/sys", "/var", "/home", "/root", "/opt", "/srv", "/tmp",
             "/mnt", "/media", "/run", "/Users", "/System", "/Library", "/Applications",
             "/private", "/Volumes"]
    if os.name == "nt":  # pragma: no cover - Windows
        names = [Path.cwd().anchor] + [os.environ[v] for v in (
            "SystemRoot", "ProgramFiles", "ProgramFiles(x86)", "ProgramData", "PUBLIC")
            if os.environ.get(v)] + [str(Path(Path.cwd().anchor) / "Users")]
    pairs = [(n, "a system folder") for n in names]
    try:
        pairs.append((Path.home(), "your home folder"))
    except RuntimeError:  # pragma: no cover - no home folder known
        pass
    pairs.extend(extra)
    out: list[tuple[Path, str]] = []
    for p, what in pairs:
        p = Path(p)
        try:
            resolved = p.resolve()
        except (OSError, RuntimeError):  # pragma: no cover - a loop of links
            resolved = p
        for q in (p, resolved):
            if (q, what) not in out:
                out.append((q, what))
    return out


#: Folders whose contents belong to the system: no output folder inside them either.
SYSTEM_TREES = ("/etc", "/bin", "/sbin", "/boot", "/dev", "/proc", "/sys")


def unsafe_output_folder(folder: str | os.PathLike, *extra: tuple[str | os.PathLike, str]
                         ) -> str | None:
    """Why ``folder`` can never be an output folder (a run replaces the whole folder), or
    ``None``: it is, contains or (for :data:`SYSTEM_TREES`) lies inside a protected folder
    (see :func:`protected_folders`)."""
    target = Path(folder).resolve()
    for p, what in protected_folders(*extra):
        if target == p:
            return f"is {what} ({p})"
        if target in p.parents:
            return f"contains {what} ({p})"
    if os.name != "nt":
        for t in SYSTEM_TREES:
            for q in {Path(t), Path(t).resolve()}:
                if q in target.parents:
                    return f"is inside a system folder ({q})"
    return None
