"""ruff (pinned in the test extra, configured in pyproject.toml) finds nothing in src/ or tests/.

Run it yourself with `make lint`; most findings are fixed by `.venv/bin/ruff check --fix`.
"""
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ruff(*args):
    return subprocess.run([sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_ruff_is_the_pinned_version():
    proj = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pin = next(r for r in proj["optional-dependencies"]["test"] if r.startswith("ruff=="))
    assert ruff("--version").stdout.split() == ["ruff", pin.split("==")[1]]


def test_ruff_finds_nothing_in_src_and_tests():
    done = ruff("check", "--no-cache", "--output-format", "concise", "src", "tests")
    assert done.returncode == 0, done.stdout + done.stderr
