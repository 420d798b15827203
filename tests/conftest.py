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
# Live fetches in the toolkit refuse non-loopback hosts (kernels inherit this too).
os.environ["TOOLKIT_OFFLINE"] = "1"


def _block_network():
    """No test may reach the internet: connections and name lookups are allowed only for
    loopback addresses (local stub servers, JupyterLab in the browser test)."""
    import socket

    def allowed(host) -> bool:
        host = str(host)
        return host.startswith("127.") or host in ("localhost", "::1", "") or host.startswith("/")

    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self, address, *a):
        host = address[0] if isinstance(address, tuple) else address
        if self.family in (socket.AF_INET, socket.AF_INET6) and not allowed(host):
            raise OSError(f"network access blocked in tests: {address!r}")
        return real_connect(self, address, *a)

    def connect_ex(self, address, *a):
        host = address[0] if isinstance(address, tuple) else address
        if self.family in (socket.AF_INET, socket.AF_INET6) and not allowed(host):
            raise OSError(f"network access blocked in tests: {address!r}")
        return real_connect_ex(self, address, *a)

    def getaddrinfo(host, *a, **k):
        if host is not None and not allowed(host):
            raise OSError(f"network access blocked in tests: name lookup of {host!r}")
        return real_getaddrinfo(host, *a, **k)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo


_block_network()


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is not present (a plain clone of the project has no "
                    "real public-sector files; they live beside it in the team's workspace)")
    return REALDATA


@pytest.fixture
def project_root() -> Path:
    return ROOT
