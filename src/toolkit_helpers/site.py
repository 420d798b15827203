"""A readable static rendering of the collection (``make site``): one HTML page per notebook,
with its stored outputs, and an index. Built offline with nbconvert.

Widgets need a live kernel and JavaScript from the web, so each widget output is replaced by a
short note saying what it does and where to use it; every figure keeps its alt text.

``python -m toolkit_helpers.site [--out _site]``
"""
from __future__ import annotations

import argparse
import copy
import html
from pathlib import Path

from .collection import discover
from .io import atomic_write_text
from .paths import project_root

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ("<p class=\"widget-note\"><em>Interactive controls appear here when you run this "
               "notebook in JupyterLab or on Binder.</em></p>")


def _static_notebook(nb):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_MIME in data:
                out["data"] = {"text/html": WIDGET_NOTE, "text/plain": "[interactive widget]"}
    return nb


def _title(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def build(out_dir: str | Path | None = None) -> Path:
    """Render every notebook to ``out_dir`` (default ``_site/``); return the index path."""
    import nbformat
    from nbconvert import HTMLExporter

    root = project_root()
    out = Path(out_dir) if out_dir else root / "_site"
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    entries = []
    for info in discover(root):
        nb = nbformat.read(info.path, as_version=4)
        body, _ = exporter.from_notebook_node(_static_notebook(nb))
        rel = info.path.relative_to(root / "notebooks").with_suffix(".html")
        atomic_write_text(out / rel, body)
        entries.append((str(rel), _title(nb, info.name), info.relpath))
    items = "\n".join(
        f'<li><a href="{html.escape(href)}">{html.escape(title)}</a> '
        f'<small>({html.escape(src)})</small></li>' for href, title, src in entries)
    index = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Open Data Public Services Toolkit</title>
<style>body{{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#1a1a1a}} a{{color:#0b5394}} small{{color:#555}}</style></head>
<body><main>
<h1>Open Data Public Services Toolkit</h1>
<p>A read-only rendering of the workbook collection with the outputs for the fictional sample
council. To run the notebooks, and use the interactive controls, open them in JupyterLab or on
Binder (see the project README).</p>
<ol>
{items}
</ol>
</main></body></html>
"""
    return atomic_write_text(out / "index.html", index)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Build the static HTML rendering of the collection")
    p.add_argument("--out", default=None)
    args = p.parse_args(argv)
    index = build(args.out)
    print(f"wrote {index}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
