"""Command line: ``toolkit`` (or ``python -m toolkit_helpers``).

  toolkit run --config councils/sample.yaml [--only NAME ...] [--jobs N] [--timeout S]
  toolkit list                          the notebooks and what each depends on
  toolkit samples [--out data/sample]   regenerate the synthetic sample data
  toolkit refresh [NOTEBOOK ...]        re-execute notebooks in place (fresh stored outputs)
  toolkit check-config FILE [--load]    validate a council config (--load: read every file)
  toolkit init FOLDER --name N --gss-code C   classify a folder of downloads, draft a config
  toolkit archive [--config FILE]       zip a council's outputs into one file to download
                                        (regular files only; links are never followed)
  toolkit guide                         regenerate the facilitator guide's notebook index
  toolkit pack [--config FILE]          rebuild the business case pack from the outputs there
  toolkit save [--config FILE] [--out FILE] [--include-data]
                                        one zip of the config, your own inputs and the outputs
  toolkit slides [--out DIR]            talking-points slides, one offline HTML deck per notebook
  toolkit handout [--out FILE]          the printable exercise handout (docs/handout.md)
  toolkit restore FILE [--force] [--no-pack]
                                        unpack a saved zip into this session, rebuild the pack
"""
from __future__ import annotations

import argparse
import os
import sys


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="toolkit", description="Open Data Public Services Toolkit")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="execute the collection for a council")
    r.add_argument("--config", default="councils/sample.yaml", help="council config YAML")
    r.add_argument("--only", nargs="+", metavar="NAME", help="run only these notebooks")
    r.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 2),
                   help="notebooks to run at once (default: CPU count, at most 4)")
    r.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    sub.add_parser("list", help="list the notebooks")
    s = sub.add_parser("samples", help="regenerate the synthetic sample data")
    s.add_argument("--out", default=None, help="output folder (default: data/sample)")
    f = sub.add_parser("refresh", help="re-execute notebooks in place")
    f.add_argument("notebooks", nargs="*", help="notebook files (default: all)")
    c = sub.add_parser("check-config", help="validate a council config")
    c.add_argument("config")
    c.add_argument("--load", action="store_true",
                   help="also read every file of every data key with its loader and show rows, "
                        "dates and totals (exit 1 if a file cannot be read)")
    i = sub.add_parser("init", help="classify a folder of a council's downloaded files and "
                                     "write a draft config with blank templates")
    i.add_argument("folder", help="the folder of downloaded files (read only, never changed)")
    i.add_argument("--name", required=True, help="the council's name")
    i.add_argument("--gss-code", required=True, help="the council's GSS code, e.g. E07000123")
    i.add_argument("--slug", default=None, help="short name for the output folder")
    i.add_argument("--service", default=None, help="the service the business case is about")
    i.add_argument("--config-out", default=None, help="where to write the config "
                                                      "(default: councils/<slug>.yaml)")
    i.add_argument("--force", action="store_true", help="replace an existing config")
    i.add_argument("--json", action="store_true", help="print the files as a JSON list")
    a = sub.add_parser("archive", help="zip a council's outputs into one file to download")
    a.add_argument("--config", default="councils/sample.yaml", help="council config YAML")
    sub.add_parser("guide", help="regenerate the facilitator guide's notebook and exercise index")
    k = sub.add_parser("pack", help="rebuild the business case pack (HTML and Word) from the "
                                    "outputs of notebooks that ran")
    k.add_argument("--config", default="councils/sample.yaml", help="council config YAML")
    v = sub.add_parser("save", help="save my work: one zip of the council's config, the "
                                    "inputs it wrote itself and its outputs")
    v.add_argument("--config", default="councils/sample.yaml", help="council config YAML")
    v.add_argument("--out", default=None, help="the zip to write "
                                               "(default: <council slug>-workspace.zip)")
    v.add_argument("--include-data", action="store_true",
                   help="also store every other file the config names (downloaded data)")
    w = sub.add_parser("restore", help="restore my work from a zip written by toolkit save, "
                                       "then rebuild the business case pack")
    w.add_argument("archive", help="the zip written by toolkit save")
    w.add_argument("--force", action="store_true",
                   help="replace files that exist with other content")
    w.add_argument("--no-pack", action="store_true", help="do not rebuild the pack")
    d = sub.add_parser("slides", help="talking-points slides: one self-contained HTML deck per "
                                      "notebook (default: _site/slides)")
    d.add_argument("--out", default=None, help="output folder")
    h = sub.add_parser("handout", help="regenerate the printable exercise handout "
                                       "(docs/handout.md) from the notebooks")
    h.add_argument("--out", default=None, help="where to write (default: docs/handout.md)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .errors import ToolkitError

    try:
        if args.command == "run":
            from .runner import run

            results = run(args.config, only=args.only, jobs=args.jobs, timeout=args.timeout)
            return 0 if all(r.status != "failed" for r in results) else 1
        if args.command == "list":
            from .collection import discover, run_order

            for n in run_order(discover()):
                deps = f"  (after {', '.join(n.depends_on)})" if n.depends_on else ""
                print(f"{n.name:<28} {n.relpath}{deps}")
            return 0
        if args.command == "samples":
            from .paths import data_dir
            from .samples import generate

            out = args.out or str(data_dir() / "sample")
            files = generate(out)
            print(f"wrote {len(files)} files under {out}")
            return 0
        if args.command == "refresh":
            from pathlib import Path

            from .collection import discover, refresh

            paths = [Path(p) for p in args.notebooks] or [n.path for n in discover()]
            refresh(paths)
            return 0
        if args.command == "check-config":
            from .config import load_config
            from .kinds import check_config

            cfg = load_config(args.config)
            print(f"OK: {cfg.council.name} ({cfg.council.gss_code}); data keys: "
                  f"{', '.join(cfg.data) or 'none'}; outputs → {cfg.output_dir}")
            result = check_config(cfg, load=args.load)
            if args.load and result.rows:
                print()
                print(result.table())
                print()
            for note in result.notes:
                print(f"note: {note}")
            for warning in result.warnings:
                print(f"warning: {warning}")
            if not args.load:
                return 0
            for row in result.failed:
                if row.hint:
                    print(f"what to do ({row.key}, {row.file}): {row.hint}")
            files = [r for r in result.rows if not r.file.startswith("(all ")]
            if result.failed:
                print(f"{len(result.failed)} failed to load: fix the files (or the config's data and "
                      f"mappings) named above, then run  toolkit check-config --load "
                      f"{args.config}  again")
                return 1
            print(f"all {len(files)} files checked: OK")
            return 0
        if args.command == "init":
            import json

            from .onboard import init

            res = init(args.folder, name=args.name, gss_code=args.gss_code, slug=args.slug,
                       config_out=args.config_out, service=args.service, force=args.force)
            if args.json:
                print(json.dumps(res.records(), indent=2))
                return 0
            print(res.table())
            for note in res.notes:
                print(f"note: {note}")
            folder = next(iter(res.templates.values())).parent if res.templates else None
            print(f"\nwrote {res.config} and {len(res.templates)} blank templates in {folder}/")
            print(f"next: fill in the templates, then  toolkit check-config --load {res.config}"
                  f"  and  toolkit run --config {res.config}")
            return 0
        if args.command == "archive":
            from .artefacts import archive
            from .config import load_config

            dest = archive(load_config(args.config).output_dir)
            print(f"wrote {dest} ({dest.stat().st_size // 1024} KiB): download it to keep your work")
            return 0
        if args.command == "pack":
            from .config import load_config
            from .report import build_pack

            cfg = load_config(args.config)
            for kind, path in build_pack(cfg.output_dir, cfg).items():
                print(f"wrote {path} ({kind})")
            return 0
        if args.command == "save":
            from .workspace import save

            res = save(args.config, args.out, include_data=args.include_data)
            for note in res.notes:
                print(f"note: {note}")
            what = ", ".join(f"{n} {role} file{'s' if n != 1 else ''}"
                             for role, n in res.files.items())
            print(f"wrote {res.path} ({what}; {res.path.stat().st_size // 1024} KiB): "
                  "download it (right-click → Download) to keep your work")
            return 0
        if args.command == "restore":
            from .workspace import restore

            res = restore(args.archive, force=args.force, rebuild=not args.no_pack)
            for note in res.notes:
                print(f"note: {note}")
            print(f"restored {len(res.written)} of your files ({len(res.unchanged)} already the "
                  f"same) and {res.output_files} output files; config {res.config}; outputs "
                  f"{res.output_dir}")
            for kind, path in res.pack.items():
                print(f"wrote {path} ({kind})")
            return 0
        if args.command == "slides":
            from .slides import build as build_slides

            decks = build_slides(args.out)
            print(f"wrote {len(decks)} decks in {decks[0].parent if decks else args.out}/")
            return 0
        if args.command == "handout":
            from .slides import write_handout

            changed = write_handout(args.out)
            print((args.out or "docs/handout.md") + (" updated" if changed
                                                     else " already up to date"))
            return 0
        if args.command == "guide":
            from .guide import update_guide

            changed = update_guide()
            print("docs/facilitator-guide.md " + ("updated" if changed else "already up to date"))
            return 0
    except ToolkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: previous outputs are untouched", file=sys.stderr)
        return 130
    return 2  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
