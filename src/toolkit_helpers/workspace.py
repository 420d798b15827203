"""Save my work / restore my work: one zip that survives a lost session.

Binder forgets everything when a session ends (after about ten idle minutes). ``toolkit save``
writes one archive of what a person cannot get back by re-running:

* the council's **config** (``councils/<slug>.yaml``);
* the **inputs the council writes itself** — the filled-in templates of
  :data:`toolkit_helpers.templates.TEMPLATES` (barriers, benefits, logic model, options,
  inventory, ecosystem maps, maturity, proposal, the dataset to open); with
  ``include_data=True`` also every other file the config names (downloaded spend files, …).
  Files under the toolkit's ``data/sample/`` ship with the toolkit and are left out;
* the **outputs folder** (every notebook's artefacts, the executed notebooks, the pack).

``toolkit restore FILE`` unpacks it into a fresh session and rebuilds the business case pack.
The archive is treated as untrusted: only regular files named in its manifest, with relative
paths that stay inside the project (no absolute paths, ``..``, drive letters or links), within
bounded sizes and counts, each checked against its recorded SHA-256. Everything is unpacked
into a staging folder first; nothing in the project changes unless the whole archive is good.
A file that exists with other content is replaced only with ``force``; an outputs folder
holding anything the toolkit did not write is set aside only with ``force`` (kept beside it as
``<name>.before-restore-<time>``, never deleted). An outputs folder of the toolkit's own is
replaced whole, as a run replaces it. If anything fails while moving files into place, the
files already moved are put back.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import ToolkitError

MANIFEST = "toolkit-workspace.json"
FORMAT = "open-data-toolkit-workspace"
VERSION = 1
#: Bounds for an archive being restored (a zip bomb or a huge upload is refused).
MAX_MEMBERS = 5000
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MiB
MAX_MANIFEST_BYTES = 5 * 1024 * 1024
_CHUNK = 1 << 20


@dataclass
class SaveResult:
    path: Path
    files: dict[str, int] = field(default_factory=dict)  # role → number of files
    notes: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    config: Path
    output_dir: Path
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    output_files: int = 0  # files restored into the outputs folder
    pack: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ save


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _regular_files(path: Path) -> list[Path]:
    """``path`` if it is a regular file, or the regular files under a folder (links are
    never followed)."""
    mode = os.lstat(path).st_mode
    if stat.S_ISREG(mode):
        return [path]
    if not stat.S_ISDIR(mode):
        return []
    out = []
    for top, dirs, names in os.walk(path):
        dirs.sort()
        for name in sorted(names):
            p = Path(top) / name
            if stat.S_ISREG(os.lstat(p).st_mode) and not name.endswith(".tmp"):
                out.append(p)
    return out


def _input_files(cfg, root: Path, include_data: bool, notes: list[str]) -> list[Path]:
    from .paths import data_dir
    from .templates import TEMPLATES

    sample = (data_dir() / "sample").resolve()
    keys = list(cfg.data) if include_data else [k for k in cfg.data if k in TEMPLATES]
    out: list[Path] = []
    for key in keys:
        for p in cfg.data_paths(key):
            p = Path(p)
            if _inside(p, sample):
                continue  # ships with the toolkit
            if not _inside(p, root):
                notes.append(f"left out data.{key} ({p.name}): it is outside the project "
                             "folder; keep your own copy")
                continue
            for f in _regular_files(p):
                if f not in out:
                    out.append(f)
    return out


def save(config_path: str | os.PathLike = "councils/sample.yaml", out: str | os.PathLike | None
         = None, include_data: bool = False) -> SaveResult:
    """Write one zip of the council's config, its own inputs and its outputs folder (see the
    module docstring). ``out`` defaults to ``<slug>-workspace.zip`` in the project folder.
    Written atomically; returns where, what and any notes."""
    from .artefacts import archive_members, store_file
    from .config import load_config
    from .paths import project_root

    root = project_root()
    cfg = load_config(config_path)
    config = Path(cfg.path).resolve()
    if not _inside(config, root):
        raise ToolkitError("the config is outside the project folder, so it cannot be "
                           "restored to the same place", file=config,
                           hint="copy it into councils/ and save again with --config "
                                "councils/<name>.yaml.")
    notes: list[str] = []
    members: list[tuple[Path, str, str]] = [
        (config, "files/" + config.relative_to(root).as_posix(), "config")]
    for f in _input_files(cfg, root, include_data, notes):
        arc = "files/" + f.resolve().relative_to(root).as_posix()
        if all(arc != m[1] for m in members):
            members.append((f, arc, "input"))
    outputs = Path(cfg.output_dir)
    if outputs.is_dir():
        files, skipped = archive_members(outputs)
        members += [(f, "outputs/" + f.relative_to(outputs).as_posix(), "output")
                    for f in files]
        notes += [f"left out {p.relative_to(outputs).as_posix()}: {why}" for p, why in skipped]
    else:
        notes.append("there are no outputs yet: saved the config and your inputs only")
    dest = Path(out) if out else root / f"{cfg.council.slug}-workspace.zip"
    dest = dest if dest.is_absolute() else Path.cwd() / dest
    if _inside(dest, outputs):
        raise ToolkitError("the archive cannot go inside the outputs folder it saves",
                           file=dest, hint="choose another place with --out.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    listed, counts = [], {}
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for path, arc, role in members:
                stored = store_file(zf, path, arc, mode=0o644)
                if stored is None:
                    notes.append(f"left out {arc}: no longer a regular file")
                    continue
                listed.append({"name": arc, "role": role, "size": stored[0],
                               "sha256": stored[1]})
                counts[role] = counts.get(role, 0) + 1
            manifest = {"format": FORMAT, "version": VERSION, "council": cfg.council.name,
                        "slug": cfg.council.slug,
                        "config": config.relative_to(root).as_posix(),
                        "saved": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        "files": listed}
            zf.writestr(MANIFEST, json.dumps(manifest, indent=2) + "\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return SaveResult(dest, counts, notes)


# ------------------------------------------------------------------ restore


def _bad(archive: Path, problem: str) -> ToolkitError:
    return ToolkitError(f"this archive cannot be restored: {problem}", file=archive,
                        hint="restore only a file written by `toolkit save`; nothing was "
                             "changed.")


def safe_member_name(name: str) -> PurePosixPath | None:
    """The member's path if it is a plain relative path (no absolute path, drive letter,
    backslash, ``..``, ``.`` or empty part), else ``None``."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return None
    p = PurePosixPath(name)
    if p.is_absolute() or any(part in ("", ".", "..") for part in name.split("/")):
        return None
    if ":" in p.parts[0]:
        return None
    return p


def _check_members(archive: Path, zf: zipfile.ZipFile) -> tuple[dict, list[zipfile.ZipInfo]]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS + 1:
        raise _bad(archive, f"it holds {len(infos)} entries (at most {MAX_MEMBERS})")
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise _bad(archive, "it names the same file twice")
    try:
        minfo = zf.getinfo(MANIFEST)
    except KeyError:
        raise _bad(archive, f"it has no {MANIFEST} (it was not written by toolkit save)") \
            from None
    if minfo.file_size > MAX_MANIFEST_BYTES:
        raise _bad(archive, "its manifest is too large")
    try:
        with zf.open(minfo) as fh:
            manifest = json.loads(fh.read(MAX_MANIFEST_BYTES + 1).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError) as exc:
        raise _bad(archive, f"its manifest cannot be read ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _bad(archive, "its manifest is not a toolkit workspace manifest")
    if manifest.get("version") != VERSION:
        raise _bad(archive, f"it is format version {manifest.get('version')!r}; this toolkit "
                            f"reads version {VERSION}")
    listed = manifest.get("files")
    if not isinstance(listed, list) or not all(
            isinstance(f, dict) and isinstance(f.get("name"), str)
            and isinstance(f.get("size"), int) and isinstance(f.get("sha256"), str)
            for f in listed):
        raise _bad(archive, "its manifest's file list is malformed")
    by_name = {f["name"]: f for f in listed}
    config = manifest.get("config")
    if not isinstance(config, str) or safe_member_name(config) is None \
            or "files/" + config not in by_name:
        raise _bad(archive, "its manifest does not name a config inside the archive")
    members, total = [], 0
    for info in infos:
        if info.filename == MANIFEST:
            continue
        name = info.filename
        if info.is_dir():
            if safe_member_name(name.rstrip("/")) is None:
                raise _bad(archive, f"it holds a folder with an unsafe path: {name!r}")
            continue
        if safe_member_name(name) is None:
            raise _bad(archive, f"it holds an unsafe path: {name!r} (absolute, '..', a drive "
                                "or a backslash)")
        kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the zip tool stored no type
        if kind and kind != stat.S_IFREG:
            raise _bad(archive, f"{name!r} is a link or a special file, not a regular file")
        if not name.startswith(("files/", "outputs/")):
            raise _bad(archive, f"{name!r} is neither under files/ nor under outputs/")
        if name not in by_name:
            raise _bad(archive, f"{name!r} is not listed in its manifest")
        if info.file_size != by_name[name]["size"] or info.file_size > MAX_FILE_BYTES:
            raise _bad(archive, f"{name!r} is {info.file_size} bytes (listed as "
                                f"{by_name[name]['size']}; at most {MAX_FILE_BYTES})")
        if info.file_size > _CHUNK and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _bad(archive, f"{name!r} expands {info.file_size // max(info.compress_size, 1)}"
                                " times: refused as a possible zip bomb")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _bad(archive, f"it expands to more than {MAX_TOTAL_BYTES // 2**20} MiB")
        members.append(info)
    missing = set(by_name) - {i.filename for i in members}
    if missing:
        raise _bad(archive, f"it lacks files its manifest lists: {', '.join(sorted(missing)[:3])}")
    return manifest, members


def _extract(archive: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, entry: dict,
             dest: Path) -> None:
    """Unpack one member to ``dest``, reading at most its declared size and checking its
    SHA-256."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with zf.open(info) as src, open(dest, "xb") as out:
        while chunk := src.read(_CHUNK):
            size += len(chunk)
            if size > info.file_size:
                raise _bad(archive, f"{info.filename!r} is larger than it says")
            digest.update(chunk)
            out.write(chunk)
    if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
        raise _bad(archive, f"{info.filename!r} does not match its checksum (damaged?)")


def _same_file(a: Path, b: Path) -> bool:
    if os.path.getsize(a) != os.path.getsize(b):
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(_CHUNK), fb.read(_CHUNK)
            if x != y:
                return False
            if not x:
                return True


def _target_output_dir(staged_config: Path, final_config: Path, root: Path) -> Path:
    """Where the restored config's outputs go, worked out as :func:`config.parse_config`
    does (its data files may not all exist yet, so it is not loaded here)."""
    from .io import read_yaml
    from .paths import outputs_root, resolve_user_path, slugify

    raw, _ = read_yaml(staged_config)
    council = raw.get("council") if isinstance(raw, dict) else None
    if not isinstance(council, dict) or not (council.get("slug") or council.get("name")):
        raise ToolkitError("the saved config has no council name", file=final_config,
                           hint="restore only a file written by `toolkit save`.")
    out = raw.get("output_dir")
    if out is None:
        return outputs_root() / slugify(str(council.get("slug") or council.get("name")))
    return resolve_user_path(str(out), base=final_config.parent)


def restore(archive: str | os.PathLike, force: bool = False, rebuild: bool = True
            ) -> RestoreResult:
    """Unpack an archive written by :func:`save` into the project (see the module docstring)
    and rebuild the business case pack from the restored outputs. Raises
    :class:`ToolkitError` — with nothing changed — for an unsafe or damaged archive, or for
    files that exist with other content (unless ``force``)."""
    from .paths import project_root, safe_join

    archive = Path(archive)
    root = project_root()
    if not archive.is_file():
        raise ToolkitError("there is no such archive", file=archive,
                           hint="upload the file `toolkit save` wrote (drag it into "
                                "JupyterLab's file browser), then give its name.")
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _bad(archive, f"it is not a zip file ({exc})") from None
    with zf:
        manifest, members = _check_members(archive, zf)
        by_name = {f["name"]: f for f in manifest["files"]}
        config_rel = manifest["config"]
        final_config = safe_join(root, *config_rel.split("/"))
        staging = Path(tempfile.mkdtemp(prefix=".toolkit-restore-", dir=root))
        try:
            for info in members:
                _extract(archive, zf, info, by_name[info.filename],
                         staging / "new" / info.filename)
            return _commit(archive, staging, root, config_rel, final_config, force, rebuild)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _commit(archive: Path, staging: Path, root: Path, config_rel: str, final_config: Path,
            force: bool, rebuild: bool) -> RestoreResult:
    from .paths import (
        foreign_entries,
        known_artefact_folders,
        outputs_root,
        safe_join,
        unsafe_output_folder,
        write_output_marker,
    )

    new = staging / "new"
    output_dir = _target_output_dir(new / "files" / config_rel, final_config, root)
    if not (_inside(output_dir, root) or _inside(output_dir, outputs_root())) \
            or unsafe_output_folder(output_dir):
        raise _bad(archive, f"its config puts outputs in {output_dir}, outside the project's "
                            "outputs")
    result = RestoreResult(final_config, output_dir)
    # 1. plan the files: each lands inside the project, never through a link
    plan: list[tuple[Path, Path]] = []
    conflicts: list[str] = []
    files_dir = new / "files"
    staged_files = sorted(p for p in files_dir.rglob("*") if p.is_file()) \
        if files_dir.exists() else []
    for staged in staged_files:
        rel = staged.relative_to(files_dir).as_posix()
        target = safe_join(root, *rel.split("/"))  # refuses links pointing out
        if _inside(target, output_dir) or _inside(target, staging):
            raise _bad(archive, f"{rel!r} would land inside the outputs folder")
        try:
            mode = os.lstat(target).st_mode
        except FileNotFoundError:
            plan.append((staged, target))
            continue
        if stat.S_ISREG(mode) and _same_file(staged, target):
            result.unchanged.append(target)
        elif not stat.S_ISREG(mode):
            conflicts.append(f"{rel} exists and is not a regular file")
        elif force:
            plan.append((staged, target))
        else:
            conflicts.append(f"{rel} exists with other content")
    # 2. the outputs folder: replaced whole, if it is the toolkit's (or with force)
    staged_outputs = new / "outputs"
    keep_old_outputs = False
    if output_dir.exists() or output_dir.is_symlink():
        if output_dir.is_symlink() or not output_dir.is_dir():
            conflicts.append(f"the outputs folder {output_dir.name} is not a folder")
        elif foreign_entries(output_dir, known_artefact_folders(root)):
            foreign = foreign_entries(output_dir, known_artefact_folders(root))
            if force:
                keep_old_outputs = True  # set aside beside it, never deleted
            else:
                conflicts.append(f"the outputs folder holds {foreign[0][0].name}, which the "
                                 "toolkit did not write")
    if conflicts:
        raise ToolkitError("restoring would overwrite work in this session: "
                           + "; ".join(conflicts[:5])
                           + (f" (and {len(conflicts) - 5} more)" if len(conflicts) > 5 else ""),
                           file=archive,
                           hint="nothing was changed. Move those files aside (or save them with "
                                "`toolkit save --out other.zip`), or run `toolkit restore "
                                f"{archive.name} --force` to replace them.")
    # 3. commit: files first (old versions kept in staging until the end), then the outputs
    backups: list[tuple[Path, Path | None]] = []
    made_dirs: list[Path] = []
    try:
        for i, (staged, target) in enumerate(plan):
            missing = [p for p in reversed(target.parents) if not p.exists()]
            target.parent.mkdir(parents=True, exist_ok=True)
            made_dirs += missing
            old = None
            if os.path.lexists(target):
                old = staging / "old" / str(i)
                old.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, old)
            backups.append((target, old))
            os.replace(staged, target)
            result.written.append(target)
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        swap = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.restore-",
                                     dir=output_dir.parent))
        try:
            if staged_outputs.exists():
                shutil.copytree(staged_outputs, swap / "new", symlinks=True)
                result.output_files = sum(1 for p in staged_outputs.rglob("*") if p.is_file())
            else:
                (swap / "new").mkdir()
            write_output_marker(swap / "new", output_dir.name)
            moved = None
            if os.path.lexists(output_dir):
                moved = swap / "old"
                if keep_old_outputs:
                    moved = output_dir.with_name(
                        f"{output_dir.name}.before-restore-{time.strftime('%Y%m%d-%H%M%S')}")
                os.replace(output_dir, moved)
            try:
                os.replace(swap / "new", output_dir)
            except BaseException:
                if moved is not None:
                    os.replace(moved, output_dir)
                raise
            if keep_old_outputs and moved is not None:
                result.notes.append(f"the previous outputs folder (it held files the toolkit "
                                    f"did not write) is kept as {moved.name}")
        finally:
            shutil.rmtree(swap, ignore_errors=True)
    except BaseException:
        for target, old in reversed(backups):
            try:
                if old is not None:
                    os.replace(old, target)
                else:
                    target.unlink(missing_ok=True)
            except OSError:  # pragma: no cover - best effort
                pass
        for d in reversed(made_dirs):
            try:
                d.rmdir()
            except OSError:
                pass
        result.written.clear()
        raise
    if rebuild:
        from .config import load_config
        from .report import build_pack

        try:
            cfg = load_config(final_config)
            result.pack = build_pack(cfg.output_dir, cfg)
        except ToolkitError as exc:
            result.notes.append(f"the business case pack was not rebuilt: {exc}")
    return result
