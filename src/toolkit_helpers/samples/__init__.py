"""The seeded synthetic data generator.

``python -m toolkit_helpers samples`` (or :func:`generate`) writes the fictional sample
council's data into ``data/sample/``. Running it again gives byte-identical files (tested).
Each topic has its own module with ``generate(root, council) -> list[Path]``; :data:`TOPICS`
lists them in order.

All of it is synthetic, modelled on real published layouts (see ``data/README.md``).
"""
from __future__ import annotations

import importlib
from pathlib import Path

from .common import SAMPLE_COUNCIL, SECOND_COUNCIL, SampleCouncil  # noqa: F401

TOPICS: list[str] = ["council", "spend", "procurement", "claimants", "publish", "appraisal", "transport", "stages",
                   "neighbours"]


def generate(out_dir: str | Path, council: SampleCouncil = SAMPLE_COUNCIL,
             topics: list[str] | None = None) -> list[Path]:
    """Write every topic's sample files for ``council`` under ``out_dir``; return the paths."""
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for topic in topics or TOPICS:
        module = importlib.import_module(f"{__name__}.{topic}")
        written.extend(module.generate(root, council))
    return written


def write_config(root: str | Path, council: SampleCouncil, config_path: str | Path,
                 output_dir: str | Path | None = None) -> Path:
    """Write a council config pointing at data generated under ``root`` (used by tests to run
    the collection for a second council)."""
    import yaml

    from .council import config_dict

    cfg = config_dict(Path(root), council, Path(config_path).parent)
    if output_dir is not None:
        cfg["output_dir"] = str(output_dir)
    p = Path(config_path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return p
