"""toolkit_helpers — the helper package behind the Open Data Public Services Toolkit.

Notebooks narrate; the logic lives here, one module per domain (readers separate from
analyses). Importing the package is cheap: heavy libraries (pandas, matplotlib, papermill,
openpyxl, duckdb …) are imported by the modules that need them, when they need them.

Modules: ``config``, ``paths``, ``errors``, ``io``, ``charts``, ``artefacts``, ``notebook``,
``selfcheck``, ``widgets``, ``runner``/``cli``, ``samples``, and the domain modules
(``spend``, ``procurement``, ``transport``, ``claimants``, ``catalogue``, ``quality``,
``ecosystem``, ``goals``, ``appraisal``, ``publish``, ``report``).
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

from .errors import ConfigError, DataFileError, FetchError, ToolkitError  # noqa: E402,F401


def __getattr__(name: str):
    # Submodules load on first use: ``toolkit_helpers.spend`` works without importing pandas
    # at ``import toolkit_helpers`` time.
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{name}":
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
        raise
