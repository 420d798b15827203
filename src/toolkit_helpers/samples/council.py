"""The sample council's own answers used by the start-here notebook (barriers self-check),
and the config a generated data folder needs."""
from __future__ import annotations

import importlib
import os
from pathlib import Path

from .common import SampleCouncil, rng_for, write_bytes

# Relative to the data root: the files this topic writes, by config data key.
DATA_FILES = {"barriers": "council/barriers.yaml"}

BARRIER_KEYS = ("understanding", "senior_support", "finding_data", "data_quality", "joined_up")


def generate(root: Path, council: SampleCouncil) -> list[Path]:
    rng = rng_for(council, "barriers")
    scores = {k: rng.randint(1, 5) for k in BARRIER_KEYS}
    lines = [
        "# Synthetic: a fictional council's answers to the start-here barriers self-check.",
        "# Each barrier is scored 1 (a big problem for us) to 5 (not a problem).",
        f"council: {council.name}",
        "scores:",
        *[f"  {k}: {v}" for k, v in scores.items()],
    ]
    return [write_bytes(root / DATA_FILES["barriers"], ("\n".join(lines) + "\n").encode())]


def config_dict(root: Path, council: SampleCouncil, config_dir: Path) -> dict:
    """A council config (as a dict) for data generated under ``root`` by every topic."""
    from . import TOPICS

    data = {}
    for topic in TOPICS:
        module = importlib.import_module(f"{__package__}.{topic}")
        for key, rel in getattr(module, "DATA_FILES", {}).items():
            data[key] = os.path.relpath(Path(root) / rel, config_dir)
    return {
        "council": {
            "name": council.name,
            "gss_code": council.gss_code,
            "slug": council.slug,
            "region_name": council.region_name,
            "region_code": council.region_code,
            "statistical_neighbours": list(council.statistical_neighbours),
        },
        "service": {
            "name": "Libraries and community hubs",
            "description": "Public libraries and community hubs run by the council.",
            "users": "Residents, job seekers, families, older people.",
            "problem": "Visits are falling and people cannot find which hub offers what, when.",
            "patterns": ["access", "delivery", "policy"],
        },
        "data": data,
    }
