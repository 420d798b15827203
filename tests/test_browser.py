"""A real-browser end-to-end test of what workshop participants see.

JupyterLab starts on 127.0.0.1 with a token, configured as participants get it: the user
settings folder is empty and the only lab-wide settings are the shipped Binder overrides
(``binder/overrides.json``, installed as ``<app settings dir>/overrides.json`` the way Binder's
``postBuild`` does, into a temporary copy of that folder). Headless Chromium (Debian's
``chromium`` package, driven by Playwright with ``executable_path`` — never a browser download)
opens a copy of each notebook of the collection (found with ``collection.discover``), in the
collection's order so the stage 4 pack sees the others' outputs, and runs all cells once. On
that one run:

- no error or warning output; every stored figure rendered with its alt text;
- full-page screenshots at 100% and 200% zoom: JupyterLab scrolls inside its notebook panel,
  so the panel is scrolled by its own height and the pieces stitched with Pillow into
  ``test-artifacts/browser/<notebook>-100.png`` / ``-200.png``. 200% zoom is what Chrome does
  on a 1280×800 window: a 640×400 CSS viewport at device scale 2 (the panel is made taller
  for the stitched picture only; its width, which decides the layout, stays that of the zoom);
- at 200% zoom every slider's handle and value readout, and every box, list and button, lie
  inside the notebook panel's visible width once scrolled to (zoomed after the notebook is
  open, as a participant does: JupyterLab keeps its file browser open beside it);
- every widget (sliders, dropdowns, checkboxes, text and number boxes with their button, the
  file upload, through the browser's file dialog) is used: its output area or message line
  is redrawn by the kernel, never with a traceback; a slider's two ends give different
  results, and a form filled with sensible values shows no error;
- wrong input gets a one-line friendly message (``.toolkit-error``), never a traceback, and
  Enter in a text box submits the form;
- axe-core (from npm, ``npm ci --prefix tests/browser``) finds no serious or critical problem
  in what the project generates: the notebooks' outputs inside JupyterLab (only
  ``.jp-OutputArea-output`` is checked: JupyterLab's own menus, toolbars, side panels, cell
  editors and prompts are not the project's; nor is ipywidgets' unnamed slider handle, see
  ``_not_ipywidgets_slider_handle``), the business case pack's HTML written by stage 4 in
  this run, and every page of the static site (``python -m toolkit_helpers.site --out``). The
  counts of all findings per page (every impact) go to ``test-artifacts/browser/axe.json``.

No page may reach the internet (requests other than to the test's own server, files and
inline data are aborted), and the kernel runs with ``TOOLKIT_OFFLINE=1``.

The server is stopped by its own process id whatever happens. Without chromium or Playwright
the tests skip with a reason, except under CI (``CI=true``), where that fails.
"""
from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
AXE_JS = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else shutil.which("chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
IN_CI = os.environ.get("CI", "").lower() == "true"
VIEW_100 = {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False}
VIEW_200 = {"width": 640, "height": 400, "deviceScaleFactor": 2, "mobile": False}
TALL = 4000  # CSS px: the viewport's height while stitching (fewer, larger pieces)
SEAM = 8  # CSS px each piece overlaps the one before
SERIOUS = ("serious", "critical")
SAMPLE_CSV = ROOT / "data" / "sample" / "council" / "library_visits.csv"


def _notebooks() -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from toolkit_helpers.collection import discover

    return [str(i.path.relative_to(ROOT / "notebooks")) for i in discover(ROOT)]


NOTEBOOKS = _notebooks()
START, DWP = "00_start_here.ipynb", "case_studies/dwp_jobseekers.ipynb"
SPEND, TFL = "case_studies/spend_network_tenders.ipynb", "case_studies/tfl_transport.ipynb"
STAGE2, STAGE4 = "stages/02_data_use.ipynb", "stages/04_championing_open.ipynb"


def _name(rel: str) -> str:
    return Path(rel).stem


def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"CI=true but {reason} (.ci/run installs it)")
    pytest.skip(reason)


def _need_browser():
    if not CHROMIUM:
        _missing("no chromium on this machine: install Debian's package (apt-get install "
                 "chromium) to run the real-browser test")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("Playwright is not installed in the venv (make setup installs the test extra)")


def _need_axe():
    if not AXE_JS.is_file():
        _missing("axe-core is not installed: run `npm ci --prefix tests/browser`")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------- JupyterLab
def _participants_workspace(work: Path) -> None:
    """The project as a participant has it (its folders, linked), with copies of the
    notebooks (JupyterLab autosaves them) and an empty outputs/ of its own."""
    for entry in ROOT.iterdir():
        if entry.name in ("notebooks", "outputs", "test-artifacts", ".git", ".venv") \
                or entry.name.startswith("."):
            continue
        (work / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    for rel in NOTEBOOKS:
        dst = work / "notebooks" / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "notebooks" / rel, dst)


def _app_settings(work: Path) -> Path:
    """A copy of JupyterLab's app settings folder with the shipped overrides installed in it,
    as binder/postBuild installs them (nothing else is changed)."""
    from jupyterlab.commands import get_app_dir

    src = Path(get_app_dir()) / "settings"
    dst = work / "app-settings"
    if src.is_dir():
        shutil.copytree(src, dst)
    dst.mkdir(exist_ok=True)
    shipped = ROOT / "binder" / "overrides.json"
    if shipped.is_file():
        shutil.copy(shipped, dst / "overrides.json")
    return dst


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    _need_browser()
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # the artefacts of this run only
    ARTIFACTS.mkdir(parents=True)
    work = tmp_path_factory.mktemp("lab")
    _participants_workspace(work)
    app_settings = _app_settings(work)
    port, token = _free_port(), "toolkit-test-token"
    env = {k: v for k, v in os.environ.items()
           if k not in ("TOOLKIT_ROOT", "TOOLKIT_OUTPUT_ROOT", "MPLBACKEND")}
    # isolated from this machine's own Jupyter set-up: empty user settings and config
    env.update({"JUPYTERLAB_SETTINGS_DIR": str(work / ".user-settings"),
                "JUPYTERLAB_WORKSPACES_DIR": str(work / ".workspaces"),
                "JUPYTER_CONFIG_DIR": str(work / ".jupyter-config"),
                "JUPYTER_RUNTIME_DIR": str(work / ".runtime"),
                "TOOLKIT_OFFLINE": "1"})  # tests never reach the internet
    log = open(work / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={work}", f"--LabApp.app_settings_dir={app_settings}",
         # a window.jupyterapp handle, read to know when cells have run (it changes nothing)
         "--LabApp.expose_app_in_browser=True", "--allow-root"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n"
                                       + (work / "lab.log").read_text()[-3000:]) from None
                time.sleep(0.5)
        yield {"base": base, "token": token, "work": work}
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def axe_results():
    """Findings per page, written to axe.json as each page is checked."""
    found: dict[str, dict] = {}
    yield found


def _record_axe(found: dict, page_name: str, result: dict) -> list[dict]:
    counts = {"violations": {}, "violation_nodes": 0, "incomplete": len(result["incomplete"]),
              "passes": len(result["passes"])}
    for v in result["violations"]:
        impact = v.get("impact") or "none"
        counts["violations"][impact] = counts["violations"].get(impact, 0) + 1
        counts["violation_nodes"] += len(v["nodes"])
    counts["rules"] = sorted({v["id"] for v in result["violations"]})
    found[page_name] = counts
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tmp = ARTIFACTS / "axe.json.tmp"
    tmp.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n")
    tmp.replace(ARTIFACTS / "axe.json")
    return [v for v in result["violations"] if v.get("impact") in SERIOUS]


def _run_axe(page, context=None) -> dict:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        "async (ctx) => { const r = await axe.run(ctx || document, {resultTypes: ['violations']});"
        " const slim = v => ({id: v.id, impact: v.impact, help: v.help,"
        "   nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 200)}))});"
        " return {violations: r.violations.map(slim), incomplete: r.incomplete.map(slim),"
        "   passes: r.passes.map(p => ({id: p.id}))}; }", context)


def _describe(serious: list[dict]) -> str:
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}) at "
                     + "; ".join(f"{n['target']} {n['html']}" for n in v["nodes"][:3])
                     for v in serious)


# ----------------------------------------------------------------------------- a notebook
JS_CURRENT = "() => window.jupyterapp.shell.currentWidget"
JS_IDLE = ("() => { const w = window.jupyterapp.shell.currentWidget;"
           " const k = w && w.sessionContext && w.sessionContext.session &&"
           " w.sessionContext.session.kernel; return !!k && k.status === 'idle'; }")
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"


class Notebook:
    """One notebook open in JupyterLab after Run All, with a CDP session for zoom."""

    def __init__(self, page, rel):
        self.page, self.rel, self.name = page, rel, _name(rel)
        self.cdp = page.context.new_cdp_session(page)
        self.view(VIEW_100)

    def view(self, metrics: dict):
        self.cdp.send("Emulation.setDeviceMetricsOverride", metrics)
        self.page.wait_for_timeout(400)  # JupyterLab lays itself out again on resize

    def idle(self, timeout=60_000):
        self.page.wait_for_function(JS_IDLE, timeout=timeout)

    def busy_count(self) -> int:
        """How many times the kernel has gone busy (counted from the first call)."""
        return self.page.evaluate(
            "() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;"
            " if (window.__toolkitBusy === undefined || window.__toolkitBusy.k !== k) {"
            "   window.__toolkitBusy = {k: k, n: 0};"
            "   k.statusChanged.connect((_, s) => { if (s === 'busy') window.__toolkitBusy.n++; });"
            " } return window.__toolkitBusy.n; }")

    def handled(self, before: int, what: str, timeout=60_000):
        """Wait until the kernel has handled what was done after ``busy_count()`` gave ``before``."""
        try:
            self.page.wait_for_function(
                "(n) => window.__toolkitBusy.n > n && window.jupyterapp.shell.currentWidget"
                ".sessionContext.session.kernel.status === 'idle'", arg=before, timeout=timeout)
        except Exception:
            raise AssertionError(f"{what}: the kernel never handled it") from None
        self.page.wait_for_timeout(300)  # the last messages rendered

    def panel_box(self) -> dict:
        return self.page.locator(PANEL).evaluate(
            "el => { const r = el.getBoundingClientRect(); return {left: r.left, top: r.top,"
            " width: el.clientWidth, height: el.clientHeight, scroll: el.scrollHeight}; }")

    def scroll_to(self, y: float) -> float:
        return self.page.locator(PANEL).evaluate(
            "async (el, y) => { el.scrollTop = y; await new Promise(r => requestAnimationFrame("
            "() => requestAnimationFrame(r))); return el.scrollTop; }", y)

    def capture(self, box: dict) -> bytes:
        shot = self.cdp.send("Page.captureScreenshot", {
            "format": "png", "optimizeForSpeed": True, "clip": {"x": box["left"], "y": box["top"], "width": box["width"],
                                      "height": box["height"], "scale": 1}})
        return base64.b64decode(shot["data"])

    def stitched(self, metrics: dict, path: Path) -> tuple[int, int]:
        """The whole notebook: the panel scrolled by its own height, pieces stitched."""
        from PIL import Image

        self.view({**metrics, "height": TALL})
        try:
            box = self.panel_box()
            y = 0.0  # first a pass to the end, so every cell has been laid out at this width
            while y + box["height"] < self.panel_box()["scroll"]:
                y = self.scroll_to(y + box["height"])
            self.hide_notifications()
            box, pieces, y = self.panel_box(), [], 0.0
            while True:
                top = self.scroll_to(y)
                self.page.wait_for_timeout(150)
                pieces.append((top, Image.open(io.BytesIO(self.capture(box))).convert("RGB")))
                if top + box["height"] >= box["scroll"] - 1:
                    break
                y = top + box["height"] - SEAM
            scale = metrics["deviceScaleFactor"]
            width = pieces[0][1].width
            sheet = Image.new("RGB", (width, round(box["scroll"] * scale)), "white")
            for n, (top, img) in enumerate(pieces):
                # the toolbar's shadow falls on a piece's top rows: the piece before has them
                cut = 0 if n == 0 else round(SEAM * scale)
                sheet.paste(img.crop((0, cut, img.width, img.height)),
                            (0, round(top * scale) + cut))
            sheet.save(path, optimize=False, compress_level=1)
            return sheet.size
        finally:
            self.scroll_to(0)
            self.view(VIEW_100)

    def hide_notifications(self):
        """Close JupyterLab's pop-up notifications (its × button: no setting changes), so they
        do not cover every piece of a stitched screenshot."""
        for button in self.page.locator(".Toastify__toast [title='Hide notification']").all():
            if button.is_visible():
                button.click()
        self.page.wait_for_timeout(300)

    def errors(self) -> list[str]:
        stderr = self.page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        return stderr.all_inner_texts()


def _open_and_run(page, lab, rel) -> Notebook:
    # ?reset: a fresh workspace, so notebooks opened earlier are not restored as tabs
    page.goto(f"{lab['base']}/lab/tree/notebooks/{rel}?reset&token={lab['token']}")
    page.wait_for_function(
        "(path) => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " return !!w && !!w.context && w.context.path === path && !!w.content; }",
        arg=f"notebooks/{rel}", timeout=90_000)
    nb = Notebook(page, rel)
    nb.idle(timeout=120_000)  # the kernel really exists and is idle before Run All
    # Run > Run All Cells, as a participant does
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    # done when every code cell has a number and the kernel is idle again
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget;"
        " const cells = w.content.widgets.filter(c => c.model.type === 'code');"
        " return w.sessionContext.session.kernel.status === 'idle' &&"
        " cells.every(c => c.model.executionCount !== null); }", timeout=300_000)
    page.wait_for_timeout(1000)
    nb.hide_notifications()
    return nb


def _local_only(route):
    """No page may reach the internet: only the test's own server, files and inline data."""
    url = route.request.url
    if url.startswith(("http://127.0.0.1:", "file:", "data:", "blob:")):
        route.continue_()
    else:
        route.abort()


def _context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", _local_only)
    return context


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=_name)
def notebook(request, lab, browser):
    """Each notebook opened and run once, for every test about it (tests are grouped by it)."""
    context = _context(browser)
    page = context.new_page()
    try:
        nb = _open_and_run(page, lab, request.param)
    except Exception:
        page.screenshot(path=str(ARTIFACTS / f"{_name(request.param)}.failed.png"))
        context.close()
        raise
    yield nb
    context.close()


def _stored_figures(rel: str) -> list[str]:
    nb = json.loads((ROOT / "notebooks" / rel).read_text())
    return [o["metadata"]["image/png"]["alt"] for c in nb["cells"] if c["cell_type"] == "code"
            for o in c.get("outputs", []) if "image/png" in o.get("data", {})]


# ----------------------------------------------------------------------------- the tests
def test_runs_without_errors_and_shows_every_figure(notebook):
    page = notebook.page
    assert notebook.errors() == []  # no traceback, error or warning under any cell
    imgs = page.locator(".jp-OutputArea-output img")
    rendered = [imgs.nth(i).get_attribute("alt") or "" for i in range(imgs.count())]
    stored = _stored_figures(notebook.rel)
    assert len(rendered) >= len(stored), rendered
    assert all(len(alt) > 20 for alt in rendered), rendered  # every figure described
    for alt in stored:  # the same figures (their figures may differ: dates default to today)
        assert any(r[:30] == alt[:30] for r in rendered), f"figure not rendered: {alt[:80]}"
    for i in range(imgs.count()):
        imgs.nth(i).scroll_into_view_if_needed()
        assert imgs.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    # widgets rendered, none left as a "Loading widget..." or error placeholder
    assert page.locator(".jp-OutputArea-output .jupyter-widgets-disconnected").count() == 0
    assert "Error displaying widget" not in page.locator(".jp-Notebook").inner_text()


def test_full_page_screenshots_at_100_and_200_percent(notebook):
    shots = {}
    for zoom, metrics in (("100", VIEW_100), ("200", VIEW_200)):
        path = ARTIFACTS / f"{notebook.name}-{zoom}.png"
        shots[zoom] = notebook.stitched(metrics, path)
        assert path.is_file()
    # the whole notebook: taller than any one screen, and at 200% the CSS width halves
    assert shots["100"][1] > 3 * VIEW_100["height"]
    assert shots["200"][0] < shots["100"][0] * 1.2  # 2× pixels of a panel half as wide
    assert shots["200"][1] > shots["100"][1]  # narrower columns: a longer page


CONTROL_PARTS = {".widget-slider": (".noUi-handle", ".widget-readout"),
                 ".widget-text, .widget-dropdown": ("input, select",),
                 ".widget-button, .widget-upload": (":scope",)}


def test_widgets_fit_the_panel_at_200_percent(notebook):
    """At 200% zoom each slider's handle and value readout, and each box, list and button,
    lies inside the notebook panel's visible width once scrolled to."""
    page = notebook.page
    notebook.view(VIEW_200)
    try:
        outside, checked = [], 0
        for kind, parts in CONTROL_PARTS.items():
            ctls = page.locator(", ".join(f".jp-OutputArea-output {k.strip()}"
                                          for k in kind.split(",")))
            for i in range(ctls.count()):
                ctl = ctls.nth(i)
                if not ctl.is_visible():
                    continue
                ctl.evaluate("el => el.scrollIntoView({block: 'center', inline: 'nearest'})")
                page.wait_for_timeout(100)
                panel = notebook.panel_box()
                label = _box_label(ctl) or ctl.inner_text()[:40]
                for part in parts:
                    b = (ctl if part == ":scope" else ctl.locator(part).first).bounding_box()
                    assert b is not None, f"{label!r}: no {part}"
                    checked += 1
                    if b["x"] < panel["left"] - 0.5 \
                            or b["x"] + b["width"] > panel["left"] + panel["width"] + 0.5:
                        outside.append(
                            f"{label!r} {part}: x {b['x']:.0f}–{b['x'] + b['width']:.0f}, "
                            f"panel {panel['left']:.0f}–{panel['left'] + panel['width']:.0f}")
        if checked == 0:
            pytest.skip(f"{notebook.name} shows no widget")
        assert outside == [], "at 200% zoom, off the visible panel:\n" + "\n".join(outside)
    finally:
        notebook.view(VIEW_100)


def _not_ipywidgets_slider_handle(violation: dict) -> bool:
    """ipywidgets draws a slider's handle as ``<div class="noUi-handle" role="slider">`` with
    no accessible name (its visible label is not tied to it): ipywidgets' markup, which the
    project cannot name. Recorded in axe.json, not asserted."""
    return not (violation["id"] == "aria-input-field-name"
                and all("noUi-handle" in n["html"] for n in violation["nodes"]))


def test_axe_finds_no_serious_problem_in_the_outputs(notebook, axe_results):
    """Only the notebook's outputs (what the project generates: text, tables, figures, widget
    forms): JupyterLab's own menus, toolbars, side panels, cell editors and prompts are left
    out, and so is ipywidgets' unnamed slider handle (see above)."""
    _need_axe()
    result = _run_axe(notebook.page, {"include": [[".jp-Notebook .jp-OutputArea-output"]]})
    serious = _record_axe(axe_results, f"jupyterlab:{notebook.rel}", result)
    serious = [v for v in serious if _not_ipywidgets_slider_handle(v)]
    assert serious == [], _describe(serious)


# Values typed into text boxes when exercising a form (every other box keeps its value).
TEXT_VALUES = {
    "From (yyyy-mm)": "2023-06",
    "Count from (YYYY-MM-DD)": "2025-01-01",
    "Walking distance (metres)": "400",
    "Benefit": "More residents use library study space", "Who gains": "Students",
    "Measure": "study space bookings a month", "Baseline": "120", "Target": "200",
    "Owner": "Head of Libraries", "By when (yyyy-mm-dd)": "2028-03-31",
    "File (CSV or .xlsx)": "data/sample/council/library_visits.csv", "Name": "Library visits",
    "Steward": "Libraries team", "Licence": "OGL-UK-3.0", "Last updated (yyyy-mm-dd)": "2026-09-01",
    "Search for": "parking", "What flows": "study space bookings",
    "Text to screen": "Ask Ms Ada Lovelace on 07700 900456",
    "Column name (optional)": "comments",
    "Inputs": "Data officer time; the open data portal", "Activities": "Publish visit counts",
    "Outputs": "Monthly visit counts published", "Outcomes": "Groups plan around busy hours",
    "Impact": "More residents use the libraries",
}


MSG = ".toolkit-message .widget-html-content > *"
JS_MARK = ("(el, sel) => el.querySelectorAll(sel).forEach(c => c.setAttribute('data-stale', '1'))")
JS_FRESH = ("(el, sel) => { const k = [...el.querySelectorAll(sel)].filter("
            "c => c.offsetParent !== null); return k.length > 0 &&"
            " k.every(c => !c.hasAttribute('data-stale')); }")


def _act_and_wait(nb, box, out, action, what: str) -> None:
    """Do ``action``; the kernel handles it, and the output area is cleared and filled again
    or the widget's message line is rewritten, with no traceback or error output anywhere."""
    out.evaluate(JS_MARK, ".jp-OutputArea-child")
    box.evaluate(JS_MARK, MSG)
    before = nb.busy_count()
    action()
    nb.handled(before, what)
    redrawn = out.evaluate(JS_FRESH, ".jp-OutputArea-child") or box.evaluate(JS_FRESH, MSG)
    assert redrawn, f"{what}: neither the output area nor the message was redrawn"
    err = box.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert err.count() == 0, f"{what}: {err.all_inner_texts()}"
    assert "Traceback" not in box.inner_text(), what


def _shown_error(box) -> str:
    errors = box.locator(".toolkit-error").filter(visible=True)
    return " | ".join(errors.all_inner_texts())


def _box_label(ctl) -> str:
    """A control's label: its description, else the label row above it (long labels)."""
    return ctl.evaluate(
        "el => { for (const sel of ['.widget-label', '.widget-label-basic']) {"
        "   const l = el.querySelector(sel);"
        "   if (l && l.offsetParent !== null && l.innerText.trim()) return l.innerText.trim(); }"
        " const prev = el.previousElementSibling;"
        " return prev && prev.classList.contains('toolkit-label') ? prev.innerText.trim() : ''; }")


def _exercise_form(nb, box, where: str) -> int:
    """Change each control of a form in turn and submit: the output is redrawn each time."""
    out = box.locator(":scope > .widget-output")
    button = box.locator(":scope > .widget-button, :scope > button").last
    controls = box.locator(":scope > .widget-inline-hbox, :scope > .widget-checkbox, "
                           ":scope > .widget-text, :scope > .widget-dropdown")
    texts, used = set(), 0

    def submit(what):
        _act_and_wait(nb, box, out, button.click, what)
        texts.add(out.inner_text() + _shown_error(box))

    box.scroll_into_view_if_needed()
    submit(f"{where}: submitted as it stands")
    for i in range(controls.count()):
        ctl = controls.nth(i)
        label = _box_label(ctl)
        sel, field = ctl.locator("select"), ctl.locator("input")
        if sel.count():
            options = sel.locator("option").all_inner_texts()
            current = sel.evaluate("s => s.options[s.selectedIndex].text")
            other = next((o for o in options if o != current), None)
            if other is None:
                continue
            sel.select_option(label=other)
        elif field.count() and field.first.get_attribute("type") == "checkbox":
            field.first.click()
        elif field.count() or ctl.locator("textarea").count():
            target = field.first if field.count() else ctl.locator("textarea").first
            target.fill(TEXT_VALUES.get(label, target.input_value()))
            target.dispatch_event("change")
        else:
            continue
        used += 1
        submit(f"{where}: {label!r} changed")
    assert len(texts) > 1, f"{where}: the output never changed whatever was entered"
    # every box now holds a sensible value: the form takes them without complaint
    assert _shown_error(box) == "", f"{where}: valid values refused: {_shown_error(box)}"
    return used


def _exercise_slider(nb, box, slider, out, where: str):
    """To one end and then the other (with the keyboard): the result is redrawn each time,
    differs between the two ends, and is never an error."""
    label = _box_label(slider)
    handle = slider.locator(".noUi-handle").first
    at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
    for n, key in enumerate(("Home", "End") if at_max else ("End", "Home")):
        before = out.inner_text()
        slider.scroll_into_view_if_needed()
        handle.focus()
        _act_and_wait(nb, box, out, lambda k=key: nb.page.keyboard.press(k),
                      f"{where}: slider {label!r} moved ({key})")
        assert _shown_error(box) == "", f"{where}: slider {label!r}: {_shown_error(box)}"
        if n == 1:  # the first move may land on the value shown before
            assert out.inner_text() != before, f"{where}: slider {label!r} moved, output unchanged"


def test_every_widget_responds(notebook):
    page, where = notebook.page, notebook.name
    roots = page.locator(".jp-OutputArea-output > .jupyter-widgets.widget-vbox")
    if roots.count() == 0:
        pytest.skip(f"{where} shows no widget")
    seen = {"slider": 0, "form control": 0, "upload": 0}
    for i in range(roots.count()):
        box = roots.nth(i)
        out = box.locator(":scope > .widget-output").last
        if box.locator(":scope > .widget-upload").count():
            button = box.locator(":scope > .widget-upload").first
            box.scroll_into_view_if_needed()

            def choose(button=button):  # the file dialog, answered with a sample file
                with page.expect_file_chooser() as chooser:
                    button.click()
                chooser.value.set_files(str(SAMPLE_CSV))

            _act_and_wait(notebook, box, out, choose, f"{where}: a file uploaded")
            assert "library_visits.csv" in out.inner_text()
            seen["upload"] += 1
        elif box.locator(":scope > .widget-slider").count():
            sliders = box.locator(":scope > .widget-slider")
            for j in range(sliders.count()):
                _exercise_slider(notebook, box, sliders.nth(j), out, where)
                seen["slider"] += 1
        elif box.locator(":scope > .widget-button, :scope > button").count():
            seen["form control"] += _exercise_form(notebook, box, f"{where} form {i + 1}")
        else:
            raise AssertionError(f"{where}: a widget box this test does not know how to use")
    # every control on the page was reached
    on_page = {"slider": page.locator(".jp-OutputArea-output .widget-slider").count(),
               "upload": page.locator(".jp-OutputArea-output .widget-upload").count()}
    assert seen["slider"] == on_page["slider"] and seen["upload"] == on_page["upload"], seen
    assert page.locator(".jp-OutputArea-output[data-mime-type="
                        "'application/vnd.jupyter.stderr']").count() == 0


# ----------------------------------------------------------------------------- wrong input
def _form_with(page, label: str):
    """The form (a widget box with a button) holding a box labelled ``label``."""
    field = page.locator(".jupyter-widgets.widget-inline-hbox").filter(
        has=page.locator(".widget-label", has_text=re.compile("^" + re.escape(label) + "$")))
    return page.locator(".jp-OutputArea-output > .jupyter-widgets.widget-vbox").filter(
        has=field).last, field.locator("input").first


def _enter(nb, label: str, value: str):
    """Type ``value`` into the box labelled ``label`` and press Enter (which submits the form);
    return the form once the kernel has handled it."""
    box, field = _form_with(nb.page, label)
    box.scroll_into_view_if_needed()
    field.fill(value)
    before = nb.busy_count()
    field.press("Enter")
    nb.handled(before, f"{label!r} = {value!r} and Enter")
    return box


def _message(nb, box, error: bool, words: list[str]) -> str:
    """The form's message: one line, friendly, holding ``words``; never a traceback."""
    errors = box.locator(".toolkit-message.toolkit-error").filter(visible=True)
    if error:
        assert errors.count() == 1, "no .toolkit-error message shown"
        msg = errors.first
    else:
        assert errors.count() == 0, errors.all_inner_texts()
        msg = box.locator(".toolkit-message").filter(visible=True).first
    text = msg.inner_text().strip()
    assert text and "\n" not in text, f"not one line: {text!r}"
    for word in words:
        assert word.lower() in text.lower(), f"{word!r} not in {text!r}"
    assert "Traceback" not in box.inner_text()
    assert nb.errors() == []
    return text


@pytest.mark.parametrize("notebook", [SPEND], indirect=True, ids=_name)
def test_blank_date_is_refused_kindly(notebook):
    box = _enter(notebook, "Count from (YYYY-MM-DD)", "")
    _message(notebook, box, error=True, words=["date", "blank"])


@pytest.mark.parametrize("notebook", [SPEND], indirect=True, ids=_name)
def test_uk_date_is_read_and_echoed(notebook):
    box = _enter(notebook, "Count from (YYYY-MM-DD)", "01/04/2025")
    _message(notebook, box, error=False, words=["1 April 2025"])
    assert box.locator(".widget-output table").count() == 1


@pytest.mark.parametrize("notebook", [DWP], indirect=True, ids=_name)
def test_claimant_month_after_the_data_is_refused_kindly(notebook):
    box = _enter(notebook, "From (yyyy-mm)", "2030-01")
    _message(notebook, box, error=True, words=["2030"])


@pytest.mark.parametrize("notebook", [STAGE2], indirect=True, ids=_name)
def test_copied_project_path_is_scored(notebook):
    box = _enter(notebook, "File (CSV or .xlsx)", "data/sample/council/library_visits.csv")
    out = box.locator(":scope > .widget-output")
    assert re.search(r"Score \d+ / 100", out.inner_text()), out.inner_text()[:300]
    assert box.locator(".toolkit-error").filter(visible=True).count() == 0
    assert "Cannot score" not in out.inner_text()
    assert notebook.errors() == []


@pytest.mark.parametrize("notebook", [TFL], indirect=True, ids=_name)
def test_negative_walking_distance_is_refused_kindly(notebook):
    box = _enter(notebook, "Walking distance (metres)", "-5")
    _message(notebook, box, error=True, words=["metres", "5"])


# ----------------------------------------------------------------------------- pack and site
@pytest.mark.parametrize("notebook", [STAGE4], indirect=True, ids=_name)
def test_axe_finds_no_serious_problem_in_the_pack(notebook, lab, browser, axe_results):
    """The business case HTML stage 4 built in this run (from the notebooks run before it)."""
    _need_axe()
    packs = sorted((lab["work"] / "outputs").glob("*/business_case.html"))
    assert packs, "stage 4 wrote no business_case.html"
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(packs[0].as_uri())
        serious = _record_axe(axe_results, f"pack:{packs[0].name}", _run_axe(page))
    finally:
        context.close()
    assert serious == [], _describe(serious)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "toolkit_helpers.site", "--out", str(out)], check=True,
                   cwd=ROOT, capture_output=True, timeout=600)
    return out


def test_axe_finds_no_serious_problem_in_the_site(site, browser, axe_results):
    _need_axe()
    pages = sorted(site.rglob("*.html"))
    # at least the index and a page per notebook
    assert {"index.html", *(str(Path(r).with_suffix(".html")) for r in NOTEBOOKS)} \
        <= {str(p.relative_to(site)) for p in pages}
    problems = {}
    context = _context(browser)
    page = context.new_page()
    try:
        for p in pages:
            page.goto(p.as_uri())
            serious = _record_axe(axe_results, f"site:{p.relative_to(site)}", _run_axe(page))
            if serious:
                problems[str(p.relative_to(site))] = _describe(serious)
    finally:
        context.close()
    assert problems == {}, "\n".join(f"{k}:\n{v}" for k, v in problems.items())
