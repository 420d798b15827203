"""Shared test fixtures.

- ``realdata``: the folder of real public-sector files in ``../shared/realdata`` (tests only;
  never copied into the project). Tests using it skip cleanly when it is absent, as in a
  newcomer's clone.
- Outputs written by notebooks during tests go to a temporary folder (``TOOLKIT_OUTPUT_ROOT``),
  never into the project's ``outputs/``.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"

# Set before any kernel starts (nbval kernels inherit the environment).
os.environ.setdefault("TOOLKIT_OUTPUT_ROOT", tempfile.mkdtemp(prefix="toolkit-test-outputs-"))
os.environ.setdefault("TOOLKIT_ROOT", str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not present (a plain clone of the project has no "
                    "real public-sector files; they live beside it in the team's workspace)")
    return REALDATA


@pytest.fixture
def project_root() -> Path:
    return ROOT
