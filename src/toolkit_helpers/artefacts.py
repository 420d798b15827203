"""Artefacts: what each notebook hands to the business case.

A notebook makes one :class:`Artefacts` for its output folder and records tables, figures,
text and data, each tagged with the Five Case Model section it serves (``strategic``,
``economic``, ``commercial``, ``financial``, ``management``, or ``appendix``). Files are
written atomically; ``manifest.json`` lists them for the business case pack
(:mod:`toolkit_helpers.report`).

Layout: ``<output_dir>/<notebook>/manifest.json`` plus the files it names.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .io import atomic_write_bytes, atomic_write_text, write_csv
from .paths import safe_join, slugify

CASES = ("summary", "strategic", "economic", "commercial", "financial", "management", "appendix")


@dataclass
class Entry:
    kind: str  # table | figure | text | data
    name: str
    file: str
    case: str
    title: str
    alt: str | None = None
    caption: str | None = None
    meta: dict = field(default_factory=dict)


def artefacts_folder(notebook: str) -> str:
    """The name of a notebook's artefacts folder under the output folder."""
    return slugify(notebook).replace("-", "_")


class Artefacts:
    """Collects one notebook's artefacts under ``output_dir/notebook``."""

    def __init__(self, output_dir: str | Path, notebook: str, title: str | None = None,
                 council: str | None = None):
        self.notebook = artefacts_folder(notebook)
        self.folder = safe_join(Path(output_dir), self.notebook)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.title = title or notebook
        self.council = council
        self.entries: list[Entry] = []

    # ---------------------------------------------------------------- recorders
    def _file(self, name: str, suffix: str) -> tuple[str, Path]:
        fname = slugify(name).replace("-", "_") + suffix
        return fname, safe_join(self.folder, fname)

    def _add(self, entry: Entry) -> Path:
        if entry.case not in CASES:
            raise ValueError(f"case must be one of {CASES}, not {entry.case!r}")
        self.entries = [e for e in self.entries if e.name != entry.name]
        self.entries.append(entry)
        self._write_manifest()
        return self.folder / entry.file

    def table(self, name: str, df, case: str, title: str, caption: str | None = None,
              **meta) -> Path:
        fname, path = self._file(name, ".csv")
        write_csv(df, path)
        return self._add(Entry("table", name, fname, case, title, caption=caption, meta=meta))

    def figure(self, name: str, fig_or_png, alt: str, case: str, title: str,
               caption: str | None = None, **meta) -> Path:
        from .charts import figure_png

        if not alt or not alt.strip():
            raise ValueError("every figure needs alt text")
        png = fig_or_png if isinstance(fig_or_png, bytes) else figure_png(fig_or_png)
        fname, path = self._file(name, ".png")
        atomic_write_bytes(path, png)
        return self._add(Entry("figure", name, fname, case, title, alt=alt, caption=caption,
                               meta=meta))

    def text(self, name: str, markdown: str, case: str, title: str, **meta) -> Path:
        fname, path = self._file(name, ".md")
        atomic_write_text(path, markdown)
        return self._add(Entry("text", name, fname, case, title, meta=meta))

    def data(self, name: str, obj, case: str = "appendix", title: str | None = None,
             **meta) -> Path:
        fname, path = self._file(name, ".json")
        atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")
        return self._add(Entry("data", name, fname, case, title or name, meta=meta))

    # ---------------------------------------------------------------- manifest
    def _write_manifest(self) -> None:
        manifest = {
            "notebook": self.notebook,
            "title": self.title,
            "council": self.council,
            "entries": [asdict(e) for e in self.entries],
        }
        atomic_write_text(self.folder / "manifest.json",
                          json.dumps(manifest, indent=2, sort_keys=True) + "\n")

    def summary(self):
        """A small table of what was written (for the notebook to show)."""
        import pandas as pd

        return pd.DataFrame([{"artefact": e.name, "kind": e.kind, "case": e.case,
                              "file": f"{self.notebook}/{e.file}"} for e in self.entries])


def read_manifests(output_dir: str | Path) -> dict[str, dict]:
    """Every notebook's manifest under ``output_dir`` → ``{notebook: manifest}``."""
    out = {}
    for m in sorted(Path(output_dir).glob("*/manifest.json")):
        try:
            out[m.parent.name] = json.loads(m.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
    return out


def read_entry(folder: str | Path, entry: dict):
    """The content of one recorded artefact of a notebook (``folder`` is that notebook's
    artefacts folder): a ``data`` entry's JSON, a ``table``'s rows as dicts, a ``text``'s
    Markdown; ``None`` when the file is missing or unreadable (its notebook may have failed).
    The file name is joined safely, so a manifest cannot point outside the folder."""
    import csv

    try:
        path = safe_join(Path(folder), Path(str(entry.get("file", ""))).name)
        if entry.get("kind") == "data":
            return json.loads(path.read_text(encoding="utf-8"))
        if entry.get("kind") == "table":
            with open(path, newline="", encoding="utf-8-sig") as fh:
                return list(csv.DictReader(fh))
        if entry.get("kind") == "text":
            return path.read_text(encoding="utf-8")
    except (OSError, ValueError, csv.Error):
        return None
    return None


def find_entry(manifest: dict, name: str, kind: str | None = None) -> dict | None:
    """The manifest entry called ``name`` (of ``kind``, if given), or ``None``."""
    return next((e for e in manifest.get("entries", []) if e.get("name") == name
                 and (kind is None or e.get("kind") == kind)), None)


def archive_members(output_dir: str | Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """What :func:`archive` stores from ``output_dir``: its regular files (never through a
    link), and what it skips with why (links, FIFOs, devices, sockets; links to folders are
    not followed). Half-written ``*.tmp`` files and the toolkit's marker are left out
    silently."""
    import os
    import stat

    from .paths import OUTPUT_MARKER, file_kind

    folder = Path(output_dir)
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for top, dirs, names in os.walk(folder):  # never descends into a linked folder
        dirs.sort()
        for name in sorted(dirs + names):
            p = Path(top) / name
            try:
                mode = os.lstat(p).st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode):
                continue
            if stat.S_ISREG(mode):
                if not (name.endswith(".tmp") or (name == OUTPUT_MARKER and Path(top) == folder)):
                    files.append(p)
            else:
                skipped.append((p, file_kind(mode)))
    return sorted(files), sorted(skipped)


def store_file(zf, path: Path, arcname: str, mode: int | None = None
               ) -> tuple[int, str] | None:
    """Write one regular file into the zip, opened without following a link and checked to
    be a regular file once open (it may have changed since it was listed): ``(size, sha256)``
    of what was stored, or ``None`` when it is not a regular file. ``mode``: the permission
    bits to store (default: the file's own)."""
    import hashlib
    import os
    import stat
    import time
    import zipfile

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    with open(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            return None
        info = zipfile.ZipInfo(arcname, time.localtime(max(st.st_mtime, 315532800))[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        bits = st.st_mode & 0o777 if mode is None else mode
        info.external_attr = (stat.S_IFREG | bits) << 16
        digest, size = hashlib.sha256(), 0
        with zf.open(info, "w", force_zip64=st.st_size > 2 ** 31) as out:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    return size, digest.hexdigest()


def archive(output_dir: str | Path, dest: str | Path | None = None, out=None) -> Path:
    """Zip a council's outputs into one file to download (e.g. at the end of a Binder session).

    ``dest`` defaults to ``<output_dir>.zip`` beside the folder. Half-finished run folders
    (``.<name>.staging-*``) are never inside ``output_dir``, so the archive holds the last
    complete run. Only regular files are stored, each opened without following a link: a
    symbolic link (to a file or a folder), a FIFO or a device is skipped and said on ``out``
    (default: standard error). Written atomically: an interrupted archive leaves the previous
    one intact.
    """
    import os
    import sys
    import tempfile
    import zipfile

    from .errors import ToolkitError

    folder = Path(output_dir)
    if not folder.is_dir():
        raise ToolkitError("there are no outputs to archive yet", file=folder,
                           hint="run the collection first (make run, or toolkit run --config …).")
    dest = Path(dest) if dest else folder.with_name(folder.name + ".zip")
    files, skipped = archive_members(folder)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in files:
                arcname = (Path(folder.name) / path.relative_to(folder)).as_posix()
                if not store_file(zf, path, arcname):
                    skipped.append((path, "no longer a regular file"))
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for path, why in skipped:
        print(f"skipped {path.relative_to(folder).as_posix()}: {why} (the archive stores "
              "regular files only)", file=out or sys.stderr)
    return dest
