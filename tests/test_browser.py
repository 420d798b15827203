"""A real-browser end-to-end test of what workshop participants see.

JupyterLab starts on 127.0.0.1 with a token; headless Chromium (Debian's ``chromium`` package,
driven by Playwright with ``executable_path`` — never a browser download) opens copies of the
start-here notebook and a case study, runs all cells, and checks: no error outputs, every figure
rendered (with its alt text), the widgets rendered and respond to input. Screenshots are saved in
``test-artifacts/browser/``. The server is stopped by its own process id whatever happens.

Without a browser the test skips with a reason, except under CI (``CI=true``), where a missing
browser fails.
"""
from __future__ import annotations

import json
import os
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
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage", "--disable-quic"]
# Notebooks opened in the browser: the whole collection (each has widgets when interactive).
BROWSER_NOTEBOOKS = [str(p.relative_to(ROOT / "notebooks"))
                     for p in sorted((ROOT / "notebooks").rglob("*.ipynb"))
                     if ".ipynb_checkpoints" not in p.parts]


def _need_browser():
    if CHROMIUM:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true but Debian's chromium is not installed (.ci/run installs it)")
    pytest.skip("no chromium on this machine: install Debian's package (apt-get install "
                "chromium) to run the real-browser test; CI installs it")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    _need_browser()
    pytest.importorskip("playwright.sync_api")
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # screenshots of this run only
    work = tmp_path_factory.mktemp("lab")
    # test copies (JupyterLab autosaves), with the project's folders beside them
    for rel in BROWSER_NOTEBOOKS:
        dst = work / "notebooks" / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "notebooks" / rel, dst)
    settings = work / "settings"
    for plugin, values in {
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
    }.items():
        p = settings / plugin
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(values))
    port, token = _free_port(), "toolkit-test-token"
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(work / "workspaces"),
           "TOOLKIT_ROOT": str(ROOT), "TOOLKIT_OUTPUT_ROOT": str(work / "outputs"),
           "JUPYTER_CONFIG_DIR": str(work / "jupyter-config"), "MPLBACKEND": "Agg",
           "JUPYTER_RUNTIME_DIR": str(work / "runtime")}
    log = open(work / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={work}", "--LabApp.expose_app_in_browser=True",
         "--ServerApp.open_browser=False", "--allow-root"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
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
                                       + (work / "lab.log").read_text()[-3000:])
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
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _stored_figures(rel: str) -> list[str]:
    nb = json.loads((ROOT / "notebooks" / rel).read_text())
    return [o["metadata"]["image/png"]["alt"] for c in nb["cells"] if c["cell_type"] == "code"
            for o in c.get("outputs", []) if "image/png" in o.get("data", {})]


def _run_all(page, lab, rel):
    # ?reset: a fresh workspace, so notebooks opened by earlier tests are not restored as tabs
    page.goto(f"{lab['base']}/lab/tree/notebooks/{rel}?reset&token={lab['token']}")
    page.wait_for_function(
        "(path) => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " return !!w && !!w.context && w.context.path === path && !!w.content; }",
        arg=f"notebooks/{rel}", timeout=60_000)
    # the kernel must really exist and be idle before "Run All" (the toolbar says idle early)
    page.wait_for_function(
        "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " const k = w && w.sessionContext && w.sessionContext.session &&"
        " w.sessionContext.session.kernel;"
        " return !!k && k.status === 'idle'; }", timeout=90_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # done when every code cell has a number and the kernel is idle again
    page.wait_for_function(
        "() => { const w = window.jupyterapp.shell.currentWidget;"
        " const cells = w.content.widgets.filter(c => c.model.type === 'code');"
        " return w.sessionContext.session.kernel.status === 'idle' &&"
        " cells.every(c => c.model.executionCount !== null); }", timeout=240_000)
    page.wait_for_timeout(1000)


@pytest.mark.parametrize("rel", BROWSER_NOTEBOOKS)
def test_notebook_runs_in_a_real_browser(lab, browser, rel):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    shot = ARTIFACTS / (rel.replace("/", "__").replace(".ipynb", "") + ".png")
    try:
        _run_all(page, lab, rel)
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        error_texts = [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]
        assert error_texts == [], error_texts
        # every figure rendered as an image carrying its alt text
        expected_alts = _stored_figures(rel)
        imgs = page.locator(".jp-OutputArea-output img")
        rendered_alts = [imgs.nth(i).get_attribute("alt") for i in range(imgs.count())]
        for alt in expected_alts:
            assert alt in rendered_alts, f"figure not rendered: {alt[:80]}"
        for i in range(imgs.count()):
            assert imgs.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
        # widgets rendered (not the "Loading widget..." / error placeholder)
        widgets = page.locator(".jupyter-widgets.widget-slider, .jupyter-widgets.widget-dropdown, "
                               ".jupyter-widgets.widget-button")
        assert widgets.count() > 0, "no widget rendered"
        page.screenshot(path=str(shot), full_page=True)
    except Exception:
        page.screenshot(path=str(shot.with_suffix(".failed.png")), full_page=True)
        raise
    finally:
        page.close()


def test_start_here_slider_changes_the_recommendation(lab, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        _run_all(page, lab, "00_start_here.ipynb")
        output = page.locator(".widget-output").first
        output.wait_for(state="attached", timeout=30_000)
        before = output.inner_text()
        # move every slider to 5 with the keyboard, then the first down to 1
        handles = page.locator(".widget-slider .noUi-handle")
        assert handles.count() == 5
        for i in range(5):
            handles.nth(i).focus()
            page.keyboard.press("End")
        page.wait_for_function(
            "() => document.querySelector('.widget-output').innerText.includes('go straight to')",
            timeout=30_000)
        handles.nth(0).focus()
        page.keyboard.press("Home")
        page.wait_for_function(
            "() => document.querySelector('.widget-output').innerText.includes('(score 1)')",
            timeout=30_000)
        after = output.inner_text()
        assert after != before
        assert "Your biggest barrier is “People don't know what open data is” (score 1)" in after
        output.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "00_start_here__slider_moved.png"), full_page=True)
    finally:
        page.close()


SPEND = "case_studies/spend_network_tenders.ipynb"


def test_spend_form_recounts_the_contract_pipeline(lab, browser):
    """Submit the 'count from' form twice with different dates and see the table change."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        _run_all(page, lab, SPEND)
        box = page.locator(".widget-vbox").filter(has=page.locator("button", has_text="Show")).last
        field = box.locator("input[type=text]")
        button = box.locator("button", has_text="Show")
        out = box.locator(".widget-output")
        field.fill("2024-04-01")
        button.click()
        out.locator("table").wait_for(timeout=30_000)
        first = out.inner_text()
        assert "0–6 months" in first
        field.fill("2030-01-01")  # after every sample contract ends: the counts must change
        button.click()
        page.wait_for_function(
            "([el, before]) => el.innerText !== before && el.querySelector('table')",
            arg=[out.element_handle(), first], timeout=30_000)
        second = out.inner_text()
        assert second != first
        box.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "spend_network_tenders__form_submitted.png"),
                        full_page=True)
    finally:
        page.close()


DWP = "case_studies/dwp_jobseekers.ipynb"


def test_dwp_compare_places_form_redraws_the_chart(lab, browser):
    """Pick another place in the compare-places form and press Compare: a chart comparing the
    council with that place appears, its alt text naming it."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        _run_all(page, lab, DWP)
        box = page.locator(".widget-vbox").filter(has=page.locator("button", has_text="Compare")).last
        out = box.locator(".widget-output")
        for place in ("Bramblefield", "Millbrook"):
            box.locator("select").first.select_option(label=place)
            box.locator("button", has_text="Compare").click()
            img = out.locator(f"img[alt*='{place}']")
            img.wait_for(timeout=30_000)
            assert img.evaluate("i => i.complete && i.naturalWidth > 0")
            assert place in out.locator("table").inner_text()
        assert out.locator("img").count() == 1  # redrawn, not appended
        box.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "dwp_jobseekers__compare_places.png"), full_page=True)
    finally:
        page.close()


APPRAISAL = "stages/03_demonstrating_value.ipynb"


def test_appraisal_sliders_change_the_scenario(lab, browser):
    """Move the benefits slider to +80% and then to -80%: the scenario's result is redrawn each
    time and the two differ."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        _run_all(page, lab, APPRAISAL)
        box = page.locator(".widget-vbox").filter(has=page.locator(".widget-slider")).last
        out = box.locator(".widget-output")
        handle = box.locator(".widget-slider .noUi-handle").first
        handle.focus()
        page.keyboard.press("End")
        page.wait_for_function("el => el.innerText.includes('BCR')", arg=out.element_handle(),
                               timeout=30_000)
        high = out.inner_text()
        handle.focus()
        page.keyboard.press("Home")
        page.wait_for_function("([el, before]) => el.innerText.includes('BCR') && el.innerText !== before",
                               arg=[out.element_handle(), high], timeout=30_000)
        low = out.inner_text()
        assert high != low
        box.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "03_demonstrating_value__sliders.png"), full_page=True)
    finally:
        page.close()
