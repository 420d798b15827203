"""Shared pieces of the synthetic sample data: the fictional region and councils, seeded random
generators, and writers that give byte-identical files on every run.

Everything here is **synthetic**: the region "Northvale", its authorities and their GSS-style
codes are invented (the codes use numbers no real area has: 9xx). England's code E92000001 is
the real one, used so the layouts match NOMIS extracts.
"""
from __future__ import annotations

import csv
import hashlib
import io
import random
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ENGLAND = ("E92000001", "England")


@dataclass(frozen=True)
class Authority:
    code: str
    name: str
    kind: str  # "unitary", "district", "county"
    population_16_64: int
    row: int  # tile-map position
    col: int
    lat: float
    lon: float


@dataclass(frozen=True)
class SampleCouncil:
    """A fictional council the generators make data for."""
    name: str
    short_name: str
    gss_code: str
    slug: str
    region_code: str = "E12000999"
    region_name: str = "Northvale (synthetic region)"
    centre: tuple[float, float] = (52.95, -1.55)
    seed: int = 20240401
    statistical_neighbours: tuple[str, ...] = field(default_factory=tuple)


# The fictional region's authorities (codes in the unused 9xx range).
AUTHORITIES: tuple[Authority, ...] = (
    Authority("E07000901", "Anytown", "district", 78_000, 1, 2, 52.95, -1.55),
    Authority("E07000902", "Bramblefield", "district", 61_000, 0, 1, 53.08, -1.70),
    Authority("E07000903", "Castlemere", "district", 55_000, 0, 3, 53.10, -1.30),
    Authority("E07000904", "Dunholt", "district", 49_000, 1, 0, 52.98, -1.95),
    Authority("E07000905", "Eastmarsh", "district", 66_000, 1, 4, 52.96, -1.10),
    Authority("E06000901", "Fenwick City", "unitary", 182_000, 2, 2, 52.80, -1.50),
    Authority("E06000902", "Glenbury", "unitary", 112_000, 2, 4, 52.78, -1.15),
    Authority("E07000906", "Harrowdale", "district", 58_000, 1, 1, 52.93, -1.78),
    Authority("E07000907", "Kestrel Vale", "district", 44_000, 1, 3, 52.97, -1.33),
    Authority("E07000908", "Lowmoor", "district", 52_000, 2, 1, 52.82, -1.80),
    Authority("E07000909", "Millbrook", "district", 47_000, 3, 2, 52.65, -1.52),
    Authority("E07000910", "Oakhythe", "district", 39_000, 2, 3, 52.84, -1.30),
)

SAMPLE_COUNCIL = SampleCouncil(
    name="Anytown Borough Council", short_name="Anytown", gss_code="E07000901",
    slug="anytown", statistical_neighbours=("E07000903", "E07000905", "E07000906", "E07000908"),
)
SECOND_COUNCIL = SampleCouncil(
    name="Castlemere District Council", short_name="Castlemere", gss_code="E07000903",
    slug="castlemere", centre=(53.10, -1.30), seed=19991231,
    statistical_neighbours=("E07000901", "E07000904", "E07000907"),
)


def rng_for(council: SampleCouncil, topic: str) -> random.Random:
    """A ``random.Random`` seeded from the council's seed and the topic (stable across runs and
    Python versions: no use of ``hash()``)."""
    digest = hashlib.sha256(f"{council.seed}:{topic}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def csv_bytes(rows, encoding: str = "utf-8", line_ending: str = "\n", bom: bool = False,
              quoting: int = csv.QUOTE_MINIMAL) -> bytes:
    """Rows → CSV bytes in the given encoding and line ending (as real publishers' tools do)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator=line_ending, quoting=quoting).writerows(rows)
    data = buf.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def write_csv(path: Path, rows, **kwargs) -> Path:
    return write_bytes(path, csv_bytes(rows, **kwargs))


_FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def save_workbook(wb, path: Path) -> Path:
    """Save an openpyxl workbook so that the bytes are the same on every run (fixed document
    dates and zip entry times)."""
    import datetime as dt

    fixed = dt.datetime(2024, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "toolkit_helpers.samples (synthetic data)"
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re
                data = re.sub(rb"<dcterms:(created|modified)([^>]*)>[^<]*</dcterms:\1>",
                              rb"<dcterms:\1\2>2024-01-01T00:00:00Z</dcterms:\1>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    return write_bytes(path, out.getvalue())


def authority(code: str) -> Authority:
    for a in AUTHORITIES:
        if a.code == code:
            return a
    raise KeyError(code)
