"""Hex map layouts in the HexJSON format, read and drawn with matplotlib alone (no GIS).

HexJSON is the Open Data Institute Leeds format (now Open Innovations) for hex cartograms, in
which published layouts of UK geographies are shared under open licences (for example the
``uk-local-authority-districts`` layouts, one hexagon per local authority district, keyed by
its GSS code)::

    {"layout": "odd-r",
     "hexes": {"E07000901": {"q": 2, "r": 2, "n": "Anytown", "region": "E12000999"}, ...}}

- ``layout`` — how the rows or columns interlock: ``odd-r`` / ``even-r`` (pointy-topped
  hexagons in rows, the odd / even rows pushed half a hexagon to the right) or ``odd-q`` /
  ``even-q`` (flat-topped hexagons in columns, the odd / even columns pushed half a hexagon up);
- ``hexes`` — one object per area, keyed by its code, with whole-number coordinates ``q``
  (column, increasing to the east) and ``r`` (row, increasing to the **north**, as in the ODI's
  own renderer), and any other properties: ``n`` (the name) and ``region`` are used here.

:func:`load_hexjson` checks a file and returns the tile map frame the claimant charts draw
(``area_code, area_name, row, col, q, r, layout, region``); :func:`centres` and
:func:`hexagon` give the geometry (parity from the absolute ``q`` / ``r``, so a region cut out
of a national layout keeps its shape).
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

from .errors import DataFileError

#: The four HexJSON layouts.
LAYOUTS = ("odd-r", "even-r", "odd-q", "even-q")
#: File name endings read as HexJSON by :func:`toolkit_helpers.claimants_charts.load_tile_map`.
SUFFIXES = (".hexjson", ".json")
#: Properties that may hold an area's name (HexJSON's own is ``n``).
NAME_KEYS = ("n", "name", "nm", "area_name", "label")
#: Properties that may hold the code of the region an area lies in.
REGION_KEYS = ("region", "region_code", "rgn", "rgncd")
_SQRT3 = math.sqrt(3)
_SPEC = ('a HexJSON file is {"layout": "odd-r", "hexes": {"<area code>": {"q": 0, "r": 0, '
         '"n": "<name>"}, ...}} (the layout is one of odd-r, even-r, odd-q, even-q).')


def is_hexjson(path) -> bool:
    """Whether ``path`` is named as a HexJSON file (``.hexjson`` or ``.json``)."""
    return Path(path).suffix.lower() in SUFFIXES


def _whole(value) -> int:
    """A HexJSON coordinate as an int: a whole number (``3``, ``3.0``, ``"3"``), never a bool."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
        return int(value)
    raise ValueError


def _objects_no_duplicates(pairs):
    seen: dict = {}
    for k, v in pairs:
        if k in seen:
            raise _DuplicateKey(k)
        seen[k] = v
    return seen


class _DuplicateKey(Exception):
    pass


def load_hexjson(path):
    """Read and check a HexJSON layout; return the tile map frame.

    Columns: ``area_code`` (the hex's key, upper case), ``area_name`` (``n``, else the key),
    ``row`` and ``col`` (grid positions with row 0 at the top, for anything that wants a
    square grid), ``q`` and ``r`` (as in the file), ``layout`` and ``region`` (``""`` when the
    layout gives none). ``df.attrs["report"]`` says what was read.

    Raises :class:`DataFileError` naming the file and the key at fault: not JSON, no
    ``layout`` or an unknown one, no ``hexes``, a hex without whole-number ``q`` and ``r``,
    two hexes in one place, a code given twice.
    """
    import pandas as pd

    from .io import load_json, read_text

    path = Path(path)
    text = read_text(path).text
    try:
        load_json(text, file=path)       # the nesting-depth guard
        data = json.loads(text, object_pairs_hook=_objects_no_duplicates)
    except json.JSONDecodeError as exc:
        raise DataFileError(f"this is not valid JSON ({exc.msg}, line {exc.lineno}, column "
                            f"{exc.colno})", file=path, row=exc.lineno,
                            hint="save the HexJSON file again from where you downloaded it; "
                                 + _SPEC) from None
    except _DuplicateKey as exc:
        raise DataFileError(f"the key {exc.args[0]!r} is given twice", file=path,
                            hint="each area code may appear once in \"hexes\".") from None
    if not isinstance(data, dict):
        raise DataFileError("this JSON is not a HexJSON layout (it is not an object with "
                            "\"layout\" and \"hexes\")", file=path, hint=_SPEC)
    missing = [k for k in ("layout", "hexes") if k not in data]
    if missing:
        raise DataFileError(f"the HexJSON key {missing[0]!r} is missing", file=path, hint=_SPEC)
    layout = data["layout"]
    if not isinstance(layout, str) or layout.strip().lower() not in LAYOUTS:
        raise DataFileError(f"the HexJSON key 'layout' is {layout!r}, not one of "
                            f"{', '.join(LAYOUTS)}", file=path, hint=_SPEC)
    layout = layout.strip().lower()
    hexes = data["hexes"]
    if not isinstance(hexes, dict) or not hexes:
        raise DataFileError("the HexJSON key 'hexes' is " + ("empty" if isinstance(hexes, dict)
                            else f"a {type(hexes).__name__}, not an object of hexes keyed by "
                                 "area code"), file=path, hint=_SPEC)
    out, where, codes = [], {}, {}
    for key, h in hexes.items():
        label = f"hexes[{key!r}]"
        if not isinstance(h, dict):
            raise DataFileError(f"{label} is not an object with \"q\" and \"r\"", file=path,
                                hint=_SPEC)
        coords = {}
        for c in ("q", "r"):
            if c not in h:
                raise DataFileError(f"{label} has no key {c!r}", file=path,
                                    hint="every hex needs whole-number \"q\" (column) and "
                                         "\"r\" (row) coordinates.")
            try:
                coords[c] = _whole(h[c])
            except ValueError:
                raise DataFileError(f"{label}: the key {c!r} is {h[c]!r}, not a whole number",
                                    file=path, hint="q and r are hex grid positions: …, -1, "
                                                    "0, 1, 2, …") from None
        code = str(key).strip().upper()
        if not code:
            raise DataFileError("a hex has an empty key", file=path,
                                hint="key each hex by its area code (e.g. a GSS code).")
        if code in codes:
            raise DataFileError(f"the keys {codes[code]!r} and {key!r} are the same area code",
                                file=path, hint="each area code may appear once.")
        codes[code] = key
        spot = (coords["q"], coords["r"])
        if spot in where:
            raise DataFileError(f"{label} and hexes[{where[spot]!r}] are both at q={spot[0]}, "
                                f"r={spot[1]}", file=path, hint="give each area its own hex.")
        where[spot] = key
        name = next((str(h[k]).strip() for k in NAME_KEYS
                     if isinstance(h.get(k), (str, int)) and str(h[k]).strip()), str(key).strip())
        region = next((str(h[k]).strip().upper() for k in REGION_KEYS
                       if isinstance(h.get(k), str) and h[k].strip()), "")
        out.append({"area_code": code, "area_name": name, "q": coords["q"], "r": coords["r"],
                    "layout": layout, "region": region})
    df = pd.DataFrame(out, columns=["area_code", "area_name", "q", "r", "layout", "region"])
    df.insert(2, "row", (df["r"].max() - df["r"]).astype(int))
    df.insert(3, "col", (df["q"] - df["q"].min()).astype(int))
    df.attrs["report"] = {"file": path.name, "format": "HexJSON", "layout": layout,
                          "hexes": int(len(df)),
                          "regions": sorted(r for r in set(df["region"]) if r)}
    return df


def is_hex_tiles(tiles) -> bool:
    """Whether a tile map frame came from HexJSON (has ``q``, ``r`` and ``layout``)."""
    return all(c in getattr(tiles, "columns", ()) for c in ("q", "r", "layout"))


def pointy(layout: str) -> bool:
    """Row layouts (``odd-r``, ``even-r``) have pointy-topped hexagons; column layouts flat."""
    return layout.endswith("-r")


def centre(q: int, r: int, layout: str) -> tuple[float, float]:
    """The centre of hex ``(q, r)`` for hexagons of circumradius 1, ``y`` increasing north.

    As the ODI's renderer: ``odd-r`` pushes odd rows half a hexagon east, ``even-r`` pushes odd
    rows half a hexagon west (so the even rows sit east of them); ``odd-q`` pushes odd columns
    half a hexagon north, ``even-q`` pushes them south. Parity is of the absolute coordinate.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown HexJSON layout {layout!r}")
    odd_r, odd_q = r % 2 == 1, q % 2 == 1
    if pointy(layout):
        shift = (0.5 if odd_r else 0.0) * (1 if layout == "odd-r" else -1)
        return (q + shift) * _SQRT3, r * 1.5
    shift = (0.5 if odd_q else 0.0) * (1 if layout == "odd-q" else -1)
    return q * 1.5, (r + shift) * _SQRT3


def centres(tiles):
    """``(x, y)`` lists of the hex centres of a HexJSON tile frame (circumradius 1)."""
    xs, ys = [], []
    for q, r, layout in zip(tiles["q"], tiles["r"], tiles["layout"], strict=True):
        x, y = centre(int(q), int(r), layout)
        xs.append(x)
        ys.append(y)
    return xs, ys


def hexagon(x: float, y: float, layout: str, size: float = 1.0) -> list[tuple[float, float]]:
    """The six corners of the hexagon centred at ``(x, y)`` with circumradius ``size``:
    pointy-topped for row layouts, flat-topped for column layouts."""
    start = 90 if pointy(layout) else 0
    return [(x + size * math.cos(math.radians(start + 60 * k)),
             y + size * math.sin(math.radians(start + 60 * k))) for k in range(6)]


def half_extent(layout: str) -> tuple[float, float]:
    """Half the width and half the height of a hexagon of circumradius 1."""
    return (_SQRT3 / 2, 1.0) if pointy(layout) else (1.0, _SQRT3 / 2)


#: The hex map the toolkit ships: Open Innovations' UK local authority districts, 2023
#: boundaries (MIT licence, see ``data/hexmaps/LICENSE`` and ``README.md`` beside it).
BUNDLED_LAYOUT = Path(__file__).resolve().parent / "data" / "hexmaps" / \
    "uk-local-authority-districts-2023.hexjson"


def default_layout(council_code: str | None):
    """The bundled UK hex map when it holds ``council_code`` (so any council's region can be
    drawn without a hand-made layout), else ``None``."""
    import json

    if not council_code or not BUNDLED_LAYOUT.is_file():
        return None
    hexes = json.loads(BUNDLED_LAYOUT.read_text(encoding="utf-8")).get("hexes", {})
    return BUNDLED_LAYOUT if str(council_code).strip().upper() in hexes else None
