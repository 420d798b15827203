"""Every notebook of the collection: one `parameters` cell of literals, kernelspec python3,
the shared skeleton, stored outputs from a clean run, alt text on every figure, tidy metadata."""
import ast
import json
from pathlib import Path

import papermill as pm
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
SKELETON = ["## Overview", "## Prerequisites", "## Parameters", "## Imports", "## Exercises",
            "## Use your own data", "## Summary", "## What's next", "## Sources"]
ids = [str(p.relative_to(ROOT / "notebooks")) for p in NOTEBOOKS]


def load(p):
    return json.loads(p.read_text(encoding="utf-8"))


def test_the_collection_is_there():
    assert (ROOT / "notebooks" / "00_start_here.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_exactly_one_parameters_cell_of_literals(path):
    nb = load(path)
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    tree = ast.parse("".join(tagged[0]["source"]))
    for node in tree.body:
        assert isinstance(node, ast.Assign), f"only assignments in the parameters cell: {ast.dump(node)}"
        ast.literal_eval(node.value)  # literals only: derived values belong in the next cell
    names = {t.id for n in tree.body for t in n.targets}
    assert {"CONFIG", "OUTPUT_DIR", "INTERACTIVE"} <= names
    # papermill sees the same parameters (the tag is what it looks for)
    assert {"CONFIG", "OUTPUT_DIR", "INTERACTIVE"} <= set(pm.inspect_notebook(str(path)))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_kernelspec_and_clean_metadata(path):
    nb = load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert "papermill" not in nb["metadata"] and "widgets" not in nb["metadata"]
    assert "depends_on" in nb["metadata"].get("toolkit", {})
    for cell in nb["cells"]:
        assert set(cell.get("metadata", {})) <= {"tags", "jupyter"}, cell.get("metadata")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_skeleton_headings_in_order(path):
    nb = load(path)
    md = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    titles = [line for text in md for line in text.splitlines() if line.startswith("# ")]
    assert len(titles) == 1 and md[0].startswith("# "), "one '#' title, first"
    headings = [line.strip() for text in md for line in text.splitlines() if line.startswith("## ")]
    positions = []
    for h in SKELETON:
        match = [i for i, x in enumerate(headings) if x.startswith(h)]
        assert match, f"missing section {h!r}"
        positions.append(match[0])
    assert positions == sorted(positions), "skeleton sections out of order"
    numbered = [h for h in headings if h[3:4].isdigit()]
    assert numbered, "numbered sections (## 1. …) between Imports and Exercises"
    text = "\n".join(md)
    assert "<details>" in text and "Solution" in text, "folded exercise solutions"
    assert "Time to learn" in text
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "selfcheck" in code and "start(" in code


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_stored_outputs_are_from_a_clean_run(path):
    nb = load(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code]
    assert all(isinstance(n, int) for n in counts), "every code cell executed"
    assert counts == list(range(1, len(code) + 1)), "executed top to bottom in one clean run"
    for c in code:
        for out in c["outputs"]:
            assert out["output_type"] != "error"
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), \
                f"stderr in stored output: {''.join(out['text'])[:200]}"
            if "image/png" in out.get("data", {}):
                alt = out.get("metadata", {}).get("image/png", {}).get("alt", "")
                assert len(alt) > 20, "every figure has alt text"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_machine_paths_in_stored_outputs(path):
    text = path.read_text(encoding="utf-8")
    for marker in (str(ROOT), "/tmp/", "/home/", "/root/"):
        assert marker not in text


def test_depends_on_names_existing_notebooks():
    from toolkit_helpers.collection import discover, run_order

    nbs = discover(ROOT)
    names = {n.name for n in nbs}
    for n in nbs:
        assert set(n.depends_on) <= names, (n.name, n.depends_on)
    order = [n.name for n in run_order(nbs)]
    for n in nbs:
        for d in n.depends_on:
            assert order.index(d) < order.index(n.name)
