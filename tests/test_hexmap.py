"""HexJSON hex map layouts: reading and checking a layout, the hex geometry of the four layouts,
and the claimant tile map drawn as hexagons (figure and alt text).

The layout in ``tests/fixtures/northvale.hexjson`` is synthetic, made by hand for the toolkit's
fictional region (``samples.common.AUTHORITIES``) plus one authority of another region
(Westerby, E06000999), in the shape of the published ODI Leeds local-authority layouts: hexes
keyed by GSS code with ``q``, ``r``, ``n`` and ``region``."""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.patches import Polygon

from toolkit_helpers import DataFileError, hexmap
from toolkit_helpers import claimants_charts as cc
from toolkit_helpers.samples.common import AUTHORITIES

FIXTURE = Path(__file__).parent / "fixtures" / "northvale.hexjson"
MONTH = pd.Timestamp("2024-03-01")
REGION, OTHER_REGION = "E12000999", "E12000998"


def claimants(codes_values: dict[str, float], names: dict[str, str] | None = None):
    """A claimant frame (the loaders' canonical shape) with one month of rates."""
    names = names or {}
    rows = [(MONTH, code, names.get(code, code), "rate", v) for code, v in codes_values.items()]
    rows += [(MONTH, "E92000001", "England", "rate", 3.0),
             (MONTH, REGION, "Northvale", "rate", 2.0)]
    df = pd.DataFrame(rows, columns=["date", "area_code", "area_name", "measure", "value"])
    df["area_type"] = "x"
    return df


def region_rates():
    """Every sample authority with a rate: 1.0% for the first, 0.5 more for each next one."""
    values = {a.code: round(1.0 + 0.5 * i, 1) for i, a in enumerate(AUTHORITIES)}
    values["E06000999"] = 9.9                     # Westerby, in another region
    return values


# ----------------------------------------------------------------------------- reading

def test_load_the_fixture_layout():
    tiles = hexmap.load_hexjson(FIXTURE)
    assert list(tiles.columns) == ["area_code", "area_name", "row", "col", "q", "r", "layout",
                                   "region"]
    assert len(tiles) == 13 and set(tiles["layout"]) == {"odd-r"}
    assert set(tiles["area_code"]) == {a.code for a in AUTHORITIES} | {"E06000999"}
    t = tiles.set_index("area_code")
    assert t.at["E07000901", "area_name"] == "Anytown"
    assert (t.at["E07000901", "q"], t.at["E07000901", "r"]) == (2, 2)
    assert t.at["E06000999", "region"] == OTHER_REGION and t.at["E07000901", "region"] == REGION
    # row 0 at the top (HexJSON's r increases northwards)
    assert t.at["E07000902", "row"] == 0 and t.at["E07000909", "row"] == 3
    assert tiles.attrs["report"] == {"file": "northvale.hexjson", "format": "HexJSON",
                                     "layout": "odd-r", "hexes": 13,
                                     "regions": [OTHER_REGION, REGION]}


def test_load_tile_map_reads_hexjson_by_its_name(tmp_path):
    as_json = tmp_path / "uk-local-authority-districts.json"
    shutil.copy(FIXTURE, as_json)
    for path in (FIXTURE, as_json):
        tiles = cc.load_tile_map(path)
        assert hexmap.is_hex_tiles(tiles) and len(tiles) == 13


def test_any_published_shape_of_hexjson_is_read(tmp_path):
    """Names under ``name`` or missing, coordinates as strings or 3.0, extra properties,
    lower-case keys, negative coordinates and flat-topped layouts: all as published files."""
    f = tmp_path / "other.hexjson"
    f.write_text(json.dumps({"layout": "EVEN-Q", "extra": {"source": "x"}, "hexes": {
        "e07000901": {"q": "-1", "r": 3.0, "name": "Anytown", "colour": "#fff", "pop": 1},
        "E07000902": {"q": 0, "r": -2},
    }}), encoding="utf-8")
    tiles = hexmap.load_hexjson(f)
    assert list(tiles["area_code"]) == ["E07000901", "E07000902"]
    assert list(tiles["area_name"]) == ["Anytown", "E07000902"]     # the key when unnamed
    assert list(tiles["q"]) == [-1, 0] and list(tiles["r"]) == [3, -2]
    assert set(tiles["layout"]) == {"even-q"} and list(tiles["region"]) == ["", ""]


def test_kinds_load_the_tile_map_key_from_hexjson():
    from toolkit_helpers import kinds

    tiles = kinds.load("tile_map", FIXTURE)
    assert len(tiles) == 13


def _hexjson(**overrides):
    base = {"layout": "odd-r", "hexes": {"E07000901": {"q": 0, "r": 0, "n": "Anytown"},
                                         "E07000902": {"q": 1, "r": 0, "n": "Bramblefield"}}}
    base.update(overrides)
    return json.dumps(base)


@pytest.mark.parametrize("text,problem", [
    ('{"layout": "odd-r", "hexes": {', r"not valid JSON .*line 1"),
    ("[1, 2]", "not a HexJSON layout"),
    (json.dumps({"hexes": {}}), "the HexJSON key 'layout' is missing"),
    (json.dumps({"layout": "odd-r"}), "the HexJSON key 'hexes' is missing"),
    (_hexjson(layout="hex"), "the HexJSON key 'layout' is 'hex', not one of odd-r"),
    (_hexjson(hexes=[]), "the HexJSON key 'hexes' is a list"),
    (_hexjson(hexes={}), "the HexJSON key 'hexes' is empty"),
    (_hexjson(hexes={"E07000901": [0, 0]}), r"hexes\['E07000901'\] is not an object"),
    (_hexjson(hexes={"E07000901": {"r": 0}}), r"hexes\['E07000901'\] has no key 'q'"),
    (_hexjson(hexes={"E07000901": {"q": 0, "r": 2.5}}),
     r"hexes\['E07000901'\]: the key 'r' is 2.5, not a whole number"),
    (_hexjson(hexes={"E07000901": {"q": True, "r": 0}}),
     r"hexes\['E07000901'\]: the key 'q' is True"),
    (_hexjson(hexes={"E07000901": {"q": 0, "r": 0}, "E07000902": {"q": 0, "r": 0}}),
     r"hexes\['E07000902'\] and hexes\['E07000901'\] are both at q=0, r=0"),
    ('{"layout": "odd-r", "hexes": {"E07000901": {"q": 0, "r": 0}, '
     '"E07000901": {"q": 1, "r": 0}}}', "the key 'E07000901' is given twice"),
    (_hexjson(hexes={"E07000901": {"q": 0, "r": 0}, "e07000901": {"q": 1, "r": 0}}),
     "the keys 'E07000901' and 'e07000901' are the same area code"),
])
def test_malformed_hexjson_is_refused_naming_the_file_and_key(tmp_path, text, problem):
    f = tmp_path / "layout.hexjson"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=problem) as e:
        cc.load_tile_map(f)
    assert "layout.hexjson" in str(e.value) and "What to do" in str(e.value)


def test_hexjson_too_deep_is_refused(tmp_path):
    f = tmp_path / "deep.json"
    f.write_text('{"layout": "odd-r", "hexes": ' + "[" * 5000 + "]" * 5000 + "}",
                 encoding="utf-8")
    with pytest.raises(DataFileError, match="nests too deeply"):
        cc.load_tile_map(f)


# ----------------------------------------------------------------------------- geometry

# The six neighbours of (q, r) in each layout, by the parity of the row (r) or column (q).
NEIGHBOURS = {
    "odd-r": {0: [(-1, 0), (1, 0), (-1, -1), (0, -1), (-1, 1), (0, 1)],
              1: [(-1, 0), (1, 0), (0, -1), (1, -1), (0, 1), (1, 1)]},
    "even-r": {0: [(-1, 0), (1, 0), (0, -1), (1, -1), (0, 1), (1, 1)],
               1: [(-1, 0), (1, 0), (-1, -1), (0, -1), (-1, 1), (0, 1)]},
    "odd-q": {0: [(0, -1), (0, 1), (-1, -1), (-1, 0), (1, -1), (1, 0)],
              1: [(0, -1), (0, 1), (-1, 0), (-1, 1), (1, 0), (1, 1)]},
    "even-q": {0: [(0, -1), (0, 1), (-1, 0), (-1, 1), (1, 0), (1, 1)],
               1: [(0, -1), (0, 1), (-1, -1), (-1, 0), (1, -1), (1, 0)]},
}


@pytest.mark.parametrize("layout", hexmap.LAYOUTS)
def test_neighbours_touch_and_hexes_never_overlap(layout):
    """In every layout, each hex's six neighbours are exactly one hex apart (√3 × the
    circumradius), including at negative coordinates, and no two hexes are closer."""
    for q in range(-3, 4):
        for r in range(-3, 4):
            x, y = hexmap.centre(q, r, layout)
            parity = (r if layout.endswith("-r") else q) % 2
            for dq, dr in NEIGHBOURS[layout][parity]:
                nx, ny = hexmap.centre(q + dq, r + dr, layout)
                assert math.dist((x, y), (nx, ny)) == pytest.approx(math.sqrt(3))
    spots = [hexmap.centre(q, r, layout) for q in range(-3, 4) for r in range(-3, 4)]
    closest = min(math.dist(a, b) for i, a in enumerate(spots) for b in spots[i + 1:])
    assert closest == pytest.approx(math.sqrt(3))


def test_row_layouts_point_up_and_rows_go_north():
    assert hexmap.centre(0, 1, "odd-r")[1] > hexmap.centre(0, 0, "odd-r")[1]
    assert hexmap.centre(0, 1, "odd-r")[0] > hexmap.centre(0, 0, "odd-r")[0]   # odd row east
    assert hexmap.centre(0, 1, "even-r")[0] < hexmap.centre(0, 0, "even-r")[0]  # odd row west
    assert hexmap.centre(1, 0, "odd-q")[1] > hexmap.centre(0, 0, "odd-q")[1]   # odd column up
    assert hexmap.centre(1, 0, "even-q")[1] < hexmap.centre(0, 0, "even-q")[1]
    top = max(hexmap.hexagon(0, 0, "odd-r"), key=lambda p: p[1])
    assert top == pytest.approx((0, 1))                                          # pointy top
    assert max(p[1] for p in hexmap.hexagon(0, 0, "odd-q")) == pytest.approx(math.sqrt(3) / 2)


# ----------------------------------------------------------------------------- drawing

def _hexes(fig):
    return [p for p in fig.axes[0].patches if isinstance(p, Polygon)]


def test_hex_map_of_the_councils_region():
    names = {a.code: a.name for a in AUTHORITIES} | {"E06000999": "Westerby"}
    df = claimants(region_rates(), names)
    tiles = cc.load_tile_map(FIXTURE)
    fig, alt = cc.tile_map(df, tiles, measure="rate", highlight="E07000901")
    hexes = _hexes(fig)
    # the region's 12 authorities: Westerby (data, but another region), England and the
    # region itself (data, but no hex) are left out
    assert len(hexes) == 12 and "Westerby" not in [h.get_label() for h in hexes]
    assert alt.startswith("Hex map of 12 authorities in the council's region (E12000999)")
    assert "Highest: Oakhythe 6.5%; lowest: Anytown 1.0%." in alt
    assert "Outlined: Anytown 1.0%." in alt
    assert ("Values, highest first: Oakhythe 6.5%; Millbrook 6.0%; Lowmoor 5.5%; Kestrel Vale "
            "5.0%; Harrowdale 4.5%; Glenbury 4.0%; Fenwick City 3.5%; Eastmarsh 3.0%; Dunholt "
            "2.5%; Castlemere 2.0%; Bramblefield 1.5%; Anytown 1.0%.") in alt
    # each hex labelled with its name and value
    texts = [t.get_text() for t in fig.axes[0].texts]
    for a in AUTHORITIES:
        assert a.name in texts
    assert "6.5%" in texts and "1.0%" in texts
    # the council outlined in black, on top; the others in white
    by_name = {h.get_label(): h for h in hexes}
    assert by_name["Anytown"].get_linewidth() == 3
    assert by_name["Anytown"].get_edgecolor()[:3] == (0, 0, 0)
    assert by_name["Millbrook"].get_linewidth() == 1
    assert by_name["Anytown"].get_zorder() > by_name["Millbrook"].get_zorder()
    # shaded with the toolkit's colour-blind-safe sequential map, lowest to highest
    from matplotlib import colormaps

    from toolkit_helpers.charts import SEQUENTIAL_CMAP
    cmap = colormaps[SEQUENTIAL_CMAP]
    assert by_name["Anytown"].get_facecolor() == pytest.approx(cmap(0.0))
    assert by_name["Oakhythe"].get_facecolor() == pytest.approx(cmap(1.0))
    # the colour bar says what the shading means
    assert any("Claimants as % of residents" in ax.get_ylabel() for ax in fig.axes[1:])
    # six corners each, pointy-topped (odd-r)
    assert all(len(h.get_xy()) in (6, 7) for h in hexes)


def test_hex_map_region_choices():
    df = claimants(region_rates(), {"E06000999": "Westerby"})
    tiles = cc.load_tile_map(FIXTURE)
    fig, alt = cc.tile_map(df, tiles, highlight="E07000901", region=None)
    assert len(_hexes(fig)) == 13 and alt.startswith("Hex map of 13 authorities, each")
    assert "Highest: Westerby 9.9%" in alt
    fig, alt = cc.tile_map(df, tiles, highlight="E07000901", region=OTHER_REGION)
    assert len(_hexes(fig)) == 1 and "Westerby 9.9%" in alt and "Outlined" not in alt
    with pytest.raises(ValueError, match="no areas in the region 'E12000123'"):
        cc.tile_map(df, tiles, region="E12000123")
    # no council to highlight: every area with data
    fig, alt = cc.tile_map(df, tiles)
    assert len(_hexes(fig)) == 13


def test_hex_map_keeps_only_the_areas_in_the_data():
    """A national layout and claimant data for a few places: only those places are drawn, and
    in the same relative places as in the whole layout (parity from absolute coordinates)."""
    df = claimants({"E07000901": 2.0, "E07000902": 1.5, "E07000906": 1.0, "E99999999": 5.0},
                   {"E07000901": "Anytown", "E07000902": "Bramblefield", "E07000906": "Harrowdale"})
    fig, alt = cc.tile_map(df, cc.load_tile_map(FIXTURE), highlight="E07000901")
    hexes = {h.get_label(): h for h in _hexes(fig)}
    assert set(hexes) == {"Anytown", "Bramblefield", "Harrowdale"}
    assert "Hex map of 3 authorities" in alt and "Values, highest first: Anytown 2.0%; " \
        "Bramblefield 1.5%; Harrowdale 1.0%." in alt

    def middle(h):
        xy = h.get_xy()[:6]
        return sum(p[0] for p in xy) / 6, sum(p[1] for p in xy) / 6

    (bx, by), (hx, hy) = middle(hexes["Bramblefield"]), middle(hexes["Harrowdale"])
    # Bramblefield (q=1, r=3, an odd row) sits half a hex east of Harrowdale (q=1, r=2), above it
    assert bx - hx == pytest.approx(math.sqrt(3) / 2) and by - hy == pytest.approx(1.5)


def test_hex_map_says_when_the_codes_do_not_match():
    df = claimants({"E07000123": 2.0})
    with pytest.raises(ValueError, match="must be the area codes in the claimant data"):
        cc.tile_map(df, cc.load_tile_map(FIXTURE))


def test_hex_map_of_a_big_layout_fits_the_page(tmp_path):
    """A national-size layout (400 hexes) draws within about 12 x 9 inches."""
    hexes = {f"E0{7000000 + i}": {"q": i % 20, "r": i // 20, "n": f"Area number {i}"}
             for i in range(400)}
    f = tmp_path / "national.hexjson"
    f.write_text(json.dumps({"layout": "even-r", "hexes": hexes}), encoding="utf-8")
    df = claimants({code: 1 + (i % 7) / 2 for i, code in enumerate(hexes)})
    fig, alt = cc.tile_map(df, cc.load_tile_map(f), highlight="E07000000")
    w, h = fig.get_size_inches()
    assert w <= 12.5 and h <= 9.5 and len(_hexes(fig)) == 400
    assert "Hex map of 400 authorities" in alt


def test_the_bundled_uk_layout_and_its_licence():
    """The toolkit ships Open Innovations' UK local authority districts hex map (MIT) with its
    licence, and uses it for any council it holds."""
    from toolkit_helpers import claimants_charts as cc

    layout = hexmap.BUNDLED_LAYOUT
    assert (layout.parent / "LICENSE").read_text().startswith("MIT License")
    assert "Open Innovations" in (layout.parent / "LICENSE").read_text()
    tiles = cc.load_tile_map(layout)
    assert len(tiles) > 300 and {"E09000001", "E06000001", "W06000001", "S12000033"} <= set(tiles["area_code"])
    assert hexmap.default_layout("E09000001") == layout
    assert hexmap.default_layout("E07000901") is None  # the synthetic sample's code
    assert hexmap.default_layout(None) is None
