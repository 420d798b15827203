"""Save my work / restore my work (`toolkit save`, `toolkit restore`): a round trip into a
fresh session, hostile archives refused with nothing touched, no silent overwrites."""
import hashlib
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from toolkit_helpers import workspace
from toolkit_helpers.cli import main
from toolkit_helpers.errors import ToolkitError
from toolkit_helpers.paths import OUTPUT_MARKER, has_output_marker, write_output_marker

CONFIG = """council:
  name: Exampleshire Council
  gss_code: "E07000123"
  slug: exampleshire
service:
  name: Libraries
data:
  benefits: exampleshire/benefits.csv
  logic_model: exampleshire/logic_model.yaml
  options: ../data/sample/council/appraisal_options.csv
  spend: ../downloads/spend.csv
"""


def make_project(root: Path) -> Path:
    """A project folder as a fresh session has it: notebooks, sample data, no council files."""
    (root / "notebooks").mkdir(parents=True)
    (root / "councils").mkdir()
    sample = root / "data" / "sample" / "council"
    sample.mkdir(parents=True)
    (sample / "appraisal_options.csv").write_text("option,year,stream,category,value\n")
    return root


@pytest.fixture
def session(tmp_path, monkeypatch):
    """A project with a council's config, its filled-in templates, a download and outputs."""
    root = make_project(tmp_path / "one")
    monkeypatch.setenv("TOOLKIT_ROOT", str(root))
    monkeypatch.delenv("TOOLKIT_OUTPUT_ROOT", raising=False)
    monkeypatch.chdir(root)
    (root / "councils" / "exampleshire.yaml").write_text(CONFIG)
    own = root / "councils" / "exampleshire"
    own.mkdir()
    (own / "benefits.csv").write_text("Benefit,Who gains\nFewer wasted trips,Residents\n")
    (own / "logic_model.yaml").write_text("inputs: [a dataset]\nactivities: []\n")
    (root / "downloads").mkdir()
    (root / "downloads" / "spend.csv").write_text("Date,Supplier,Amount\n2024-01-02,A,10\n")
    out = root / "outputs" / "exampleshire"
    (out / "goals").mkdir(parents=True)
    write_output_marker(out, "exampleshire")
    (out / "run.json").write_text('{"notebooks": []}\n')
    (out / "goals" / "manifest.json").write_text(json.dumps(
        {"notebook": "goals", "title": "Goals", "council": "Exampleshire Council",
         "entries": [{"kind": "table", "name": "benefits", "file": "benefits.csv",
                      "case": "strategic", "title": "Benefits", "alt": None,
                      "caption": None, "meta": {}}]}))
    (out / "goals" / "benefits.csv").write_text("benefit\nFewer wasted trips\n")
    return root


def tree(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (not following links) → a digest of what it is."""
    out = {}
    for top, dirs, names in os.walk(folder):
        for name in dirs + names:
            p = Path(top) / name
            st = os.lstat(p)
            key = p.relative_to(folder).as_posix()
            if stat.S_ISREG(st.st_mode):
                out[key] = hashlib.sha256(p.read_bytes()).hexdigest()
            elif stat.S_ISLNK(st.st_mode):
                out[key] = "link:" + os.readlink(p)
            else:
                out[key] = "dir"
    return out


def fresh(tmp_path, monkeypatch, name="two") -> Path:
    root = make_project(tmp_path / name)
    monkeypatch.setenv("TOOLKIT_ROOT", str(root))
    monkeypatch.chdir(root)
    return root


# ------------------------------------------------------------------ round trip


def test_save_holds_config_own_inputs_and_outputs_only(session):
    res = workspace.save("councils/exampleshire.yaml")
    assert res.path == session / "exampleshire-workspace.zip"
    with zipfile.ZipFile(res.path) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read(workspace.MANIFEST))
    assert {"files/councils/exampleshire.yaml", "files/councils/exampleshire/benefits.csv",
            "files/councils/exampleshire/logic_model.yaml", "outputs/run.json",
            "outputs/goals/manifest.json", "outputs/goals/benefits.csv"} <= names
    assert not any("data/sample" in n for n in names)  # ships with the toolkit
    assert "files/downloads/spend.csv" not in names  # downloads only with include_data
    assert not any(n.endswith(OUTPUT_MARKER) for n in names)
    assert manifest["config"] == "councils/exampleshire.yaml"
    assert res.files == {"config": 1, "input": 2, "output": 3}
    assert all(len(f["sha256"]) == 64 for f in manifest["files"])
    with_data = workspace.save("councils/exampleshire.yaml", out="all.zip", include_data=True)
    assert "files/downloads/spend.csv" in zipfile.ZipFile(with_data.path).namelist()


def test_round_trip_into_a_fresh_session_rebuilds_the_pack(session, tmp_path, monkeypatch):
    before = tree(session)
    saved = workspace.save("councils/exampleshire.yaml", out=tmp_path / "mine.zip",
                           include_data=True)
    assert tree(session) == before  # saving changes nothing
    root = fresh(tmp_path, monkeypatch)
    res = workspace.restore(saved.path)
    for rel in ("councils/exampleshire.yaml", "councils/exampleshire/benefits.csv",
                "councils/exampleshire/logic_model.yaml", "downloads/spend.csv",
                "outputs/exampleshire/run.json", "outputs/exampleshire/goals/benefits.csv"):
        assert (root / rel).read_bytes() == (session / rel).read_bytes(), rel
    assert has_output_marker(root / "outputs" / "exampleshire")
    assert res.output_dir == root / "outputs" / "exampleshire"
    assert res.pack and (root / "outputs" / "exampleshire" / "business_case.html").is_file()
    assert len(res.written) == 4 and res.output_files == 3
    assert res.notes == []
    assert not list(root.glob(".toolkit-restore-*"))  # staging cleaned up
    assert not list((root / "outputs").glob(".exampleshire.restore-*"))
    # restoring the same archive again changes nothing it does not have to
    again = workspace.restore(saved.path, rebuild=False)
    assert len(again.unchanged) == 4


def test_pack_not_rebuilt_when_data_is_missing_is_said(session, tmp_path, monkeypatch):
    saved = workspace.save("councils/exampleshire.yaml", out=tmp_path / "mine.zip")
    root = fresh(tmp_path, monkeypatch)
    res = workspace.restore(saved.path)  # downloads/spend.csv was not saved
    assert (root / "councils" / "exampleshire.yaml").is_file()
    assert res.pack == {}
    assert "not rebuilt" in res.notes[0] and "spend" in res.notes[0]


def test_cli_save_and_restore(session, tmp_path, monkeypatch, capsys):
    assert main(["save", "--config", "councils/exampleshire.yaml", "--out",
                 str(tmp_path / "cli.zip"), "--include-data"]) == 0
    assert "cli.zip" in capsys.readouterr().out
    root = fresh(tmp_path, monkeypatch)
    assert main(["restore", str(tmp_path / "cli.zip"), "--no-pack"]) == 0
    assert "restored" in capsys.readouterr().out
    assert (root / "outputs" / "exampleshire" / "goals" / "manifest.json").is_file()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    assert main(["restore", str(bad)]) == 2
    assert "not a zip file" in capsys.readouterr().err


# ------------------------------------------------------------------ no silent overwrites


def test_existing_files_with_other_content_need_force(session, tmp_path, monkeypatch):
    saved = workspace.save("councils/exampleshire.yaml", out=tmp_path / "mine.zip")
    root = fresh(tmp_path, monkeypatch)
    (root / "councils" / "exampleshire.yaml").write_text("# my newer config\n")
    before = tree(root)
    with pytest.raises(ToolkitError, match="other content") as exc:
        workspace.restore(saved.path)
    assert "--force" in str(exc.value)
    assert tree(root) == before
    workspace.restore(saved.path, force=True, rebuild=False)
    assert (root / "councils" / "exampleshire.yaml").read_text() == CONFIG


def test_outputs_folder_with_foreign_files_needs_force_and_is_kept(session, tmp_path,
                                                                   monkeypatch):
    saved = workspace.save("councils/exampleshire.yaml", out=tmp_path / "mine.zip")
    root = fresh(tmp_path, monkeypatch)
    out = root / "outputs" / "exampleshire"
    out.mkdir(parents=True)
    (out / "my-notes.docx").write_text("mine")
    before = tree(root)
    with pytest.raises(ToolkitError, match="did not write"):
        workspace.restore(saved.path)
    assert tree(root) == before
    res = workspace.restore(saved.path, force=True, rebuild=False)
    kept = [p for p in (root / "outputs").iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 1 and (kept[0] / "my-notes.docx").read_text() == "mine"
    assert "kept as" in res.notes[0]
    assert (out / "run.json").is_file() and not (out / "my-notes.docx").exists()


def test_toolkit_outputs_are_replaced_without_force(session, tmp_path, monkeypatch):
    saved = workspace.save("councils/exampleshire.yaml", out=tmp_path / "mine.zip")
    root = fresh(tmp_path, monkeypatch)
    out = root / "outputs" / "exampleshire"
    (out / "goals").mkdir(parents=True)
    write_output_marker(out, "exampleshire")
    (out / "run.json").write_text("{}")
    workspace.restore(saved.path, rebuild=False)
    assert (out / "run.json").read_text() == '{"notebooks": []}\n'


# ------------------------------------------------------------------ hostile archives


def rewrite(src: Path, dest: Path, add=(), drop=(), edit=None, manifest_edit=None,
            list_added=True):
    """Copy an archive with members added (``(ZipInfo or name, bytes)``), dropped or edited,
    listing added members in the manifest (with correct size and checksum) unless told not
    to."""
    with zipfile.ZipFile(src) as zf:
        manifest = json.loads(zf.read(workspace.MANIFEST))
        members = [(i, zf.read(i)) for i in zf.infolist()
                   if i.filename != workspace.MANIFEST and i.filename not in drop]
    for info, data in add:
        name = info.filename if isinstance(info, zipfile.ZipInfo) else info
        if list_added:
            manifest["files"].append({"name": name, "role": "input", "size": len(data),
                                      "sha256": hashlib.sha256(data).hexdigest()})
    if manifest_edit:
        manifest_edit(manifest)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members + list(add):
            if edit and (info.filename if isinstance(info, zipfile.ZipInfo) else info) in edit:
                data = edit[info.filename]
            zf.writestr(info, data)
        zf.writestr(workspace.MANIFEST, json.dumps(manifest))
    return dest


def link_info(name):
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


HOSTILE = {
    "absolute path": dict(add=[("/tmp/evil.txt", b"x")]),
    "dot-dot": dict(add=[("files/../../evil.txt", b"x")]),
    "dot-dot inside": dict(add=[("files/councils/../../../evil.txt", b"x")]),
    "backslash": dict(add=[("files\\..\\evil.txt", b"x")]),
    "drive letter": dict(add=[("C:/evil.txt", b"x")]),
    "symlink": dict(add=[(link_info("files/councils/link.yaml"), b"/etc/passwd")]),
    "unlisted member": dict(add=[("files/councils/extra.yaml", b"x")], list_added=False),
    "outside files/ and outputs/": dict(add=[("notebooks/00_start_here.ipynb", b"{}")]),
    "resized member": dict(edit={"outputs/run.json": b'{"tampered": 1}\n'}),
    "damaged member": dict(edit={"outputs/run.json": b'{"notebooks": {}}\n'}),  # same size
    "missing member": dict(drop={"outputs/run.json"}),
    "config outside": dict(manifest_edit=lambda m: m.update(config="../councils/x.yaml")),
    "not a workspace": dict(manifest_edit=lambda m: m.update(format="something else")),
    "output_dir elsewhere": dict(edit={"files/councils/exampleshire.yaml":
                                       CONFIG.encode() + b"output_dir: /etc/evil\n"}),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_archives_are_refused_and_nothing_is_touched(case, session, tmp_path,
                                                             monkeypatch):
    saved = workspace.save("councils/exampleshire.yaml", out=tmp_path / "mine.zip")
    spec = dict(HOSTILE[case])
    if case == "output_dir elsewhere":  # keep its checksum consistent: only the path is bad
        data = spec["edit"]["files/councils/exampleshire.yaml"]

        def fix(m):
            for f in m["files"]:
                if f["name"] == "files/councils/exampleshire.yaml":
                    f.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())

        spec["manifest_edit"] = fix
    bad = rewrite(saved.path, tmp_path / "bad.zip", **spec)
    root = fresh(tmp_path, monkeypatch)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    before, before_outside = tree(root), tree(tmp_path / "outside")
    with pytest.raises(ToolkitError, match="cannot be restored"):
        workspace.restore(bad)
    assert tree(root) == before
    assert tree(outside) == before_outside
    assert not (tmp_path / "evil.txt").exists()


def test_zip_bomb_and_too_many_members_are_refused(session, tmp_path, monkeypatch):
    saved = workspace.save("councils/exampleshire.yaml", out=tmp_path / "mine.zip")
    bomb = rewrite(saved.path, tmp_path / "bomb.zip",
                   add=[("outputs/zeros.bin", bytes(8 * 2 ** 20))])
    root = fresh(tmp_path, monkeypatch)
    before = tree(root)
    with pytest.raises(ToolkitError, match="zip bomb"):
        workspace.restore(bomb)
    monkeypatch.setattr(workspace, "MAX_MEMBERS", 3)
    with pytest.raises(ToolkitError, match="entries"):
        workspace.restore(saved.path)
    monkeypatch.setattr(workspace, "MAX_MEMBERS", 5000)
    monkeypatch.setattr(workspace, "MAX_TOTAL_BYTES", 40)
    with pytest.raises(ToolkitError, match="expands to more than"):
        workspace.restore(saved.path)
    assert tree(root) == before


def test_a_linked_folder_in_the_session_is_never_written_through(session, tmp_path,
                                                                 monkeypatch):
    saved = workspace.save("councils/exampleshire.yaml", out=tmp_path / "mine.zip")
    root = fresh(tmp_path, monkeypatch)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "councils").rmdir()
    (root / "councils").symlink_to(elsewhere, target_is_directory=True)
    before = tree(root)
    with pytest.raises(ToolkitError, match="outside"):
        workspace.restore(saved.path)
    assert tree(root) == before and list(elsewhere.iterdir()) == []


def test_safe_member_name():
    assert workspace.safe_member_name("files/councils/a.yaml") is not None
    for name in ("/abs", "../x", "a/../b", "a//b", "./a", "C:/x", "a\\b", ""):
        assert workspace.safe_member_name(name) is None, name


def test_a_failure_while_moving_into_place_rolls_everything_back(session, tmp_path,
                                                                 monkeypatch):
    import toolkit_helpers.paths as paths

    saved = workspace.save("councils/exampleshire.yaml", out=tmp_path / "mine.zip")
    root = fresh(tmp_path, monkeypatch)
    out = root / "outputs" / "exampleshire"
    out.mkdir(parents=True)
    write_output_marker(out, "exampleshire")
    (out / "run.json").write_text("{}")
    before = tree(root)

    def broken(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(paths, "write_output_marker", broken)
    with pytest.raises(OSError, match="disk full"):
        workspace.restore(saved.path)
    assert tree(root) == before  # the config and templates written first were taken back
