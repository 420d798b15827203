"""Accessible claimant count charts: compare places over time, small multiples, and a tile
map of a region's authorities that needs no GIS libraries: squares on a grid from a small CSV,
or hexagons from a published HexJSON layout (:mod:`toolkit_helpers.hexmap`).

Every function returns ``(fig, alt)``: the alt text is written from the numbers shown.
Colour never carries meaning alone: lines have markers and line styles and are labelled at
their ends; tiles carry their value as text.
"""
from __future__ import annotations

from .charts import LINESTYLES, MARKERS, MIN_FONT_PT, PALETTE, SEQUENTIAL_CMAP, new_figure
from .claimants_analysis import names, series
from .errors import DataFileError

MEASURE_LABEL = {"rate": "Claimants as % of residents aged 16–64", "count": "Number of claimants"}


def _fmt(measure: str, v: float) -> str:
    return f"{v:.1f}%" if measure == "rate" else f"{v:,.0f}"


def compare_figure(df, areas: list[str], measure: str = "rate", since=None, title: str = "",
                   index_base=None):
    """One line per place (up to 8), each with its own colour, marker and line style and a
    label at its end. With ``index_base`` (a month), each line is indexed to it (= 100)."""
    from .claimants_analysis import _month, indexed

    areas = list(dict.fromkeys(areas))[:8]
    if index_base is not None:
        wide = indexed(df, areas, index_base, measure)
        base = _month(index_base, df)
    else:
        wide = series(df, areas, measure)
    start = _month(since, df) if since is not None else None
    if start is not None:
        wide = wide[wide.index >= start]
    nm = names(df)
    label = (f"{MEASURE_LABEL[measure]}, index ({base:%b %Y} = 100)" if index_base is not None
             else MEASURE_LABEL[measure])

    def fmt(v: float) -> str:
        return f"{v:.0f}" if index_base is not None else _fmt(measure, v)

    fig, ax = new_figure(figsize=(9, 4.8))
    every = max(1, len(wide) // 12)
    for i, code in enumerate(areas):
        s = wide[code]
        ax.plot(s.index, s.to_numpy(), color=PALETTE[i], marker=MARKERS[i], markevery=every,
                linestyle=LINESTYLES[i], linewidth=2 if i == 0 else 1.4, markersize=4,
                label=nm.get(code, code))
    # end labels, spread apart so that close values do not print on top of each other
    ends = wide.iloc[-1]
    gap = (wide.max().max() - wide.min().min()) * 0.045 or 1
    placed: list[float] = []
    for code in sorted(areas, key=lambda c: ends[c]):
        y = ends[code] if not placed else max(ends[code], placed[-1] + gap)
        placed.append(y)
        ax.annotate(f"{nm.get(code, code)} {fmt(ends[code])}", (wide.index[-1], ends[code]),
                    xytext=(wide.index[-1], y), textcoords="data", fontsize=MIN_FONT_PT, va="center",
                    ha="left")
    if index_base is not None:
        ax.axhline(100, color=PALETTE[7], linewidth=0.8, linestyle=":")
    ax.set_ylabel(label if index_base is None else "Index (= 100 in the base month)")
    ax.set_title(title or f"{label}, {wide.index[0]:%b %Y} to {wide.index[-1]:%b %Y}")
    ax.legend(loc="upper left", ncols=2)
    ax.margins(x=0.12)
    last = wide.iloc[-1]
    peak = wide[areas[0]].idxmax()
    alt = (f"Line chart of {label.lower()} from {wide.index[0]:%B %Y} to "
           f"{wide.index[-1]:%B %Y} for {len(areas)} places. In {wide.index[-1]:%B %Y}: "
           + "; ".join(f"{nm.get(c, c)} {fmt(last[c])}" for c in areas)
           + f". {nm.get(areas[0], areas[0])} peaked at {fmt(wide[areas[0]].max())} "
             f"in {peak:%B %Y}.")
    return fig, alt


def _extremes_and_outline(tiles, ranked, measure: str, highlight) -> str:
    """Alt text shared by the tile and hex maps: the highest and lowest areas, and the outlined
    council when it is on the map."""
    text = (f"Highest: {ranked['area_name'].iloc[0]} {_fmt(measure, ranked['value'].iloc[0])}; "
            f"lowest: {ranked['area_name'].iloc[-1]} {_fmt(measure, ranked['value'].iloc[-1])}.")
    if highlight in set(tiles["area_code"]):
        h = tiles.set_index("area_code").loc[highlight]
        text += f" Outlined: {h['area_name']} {_fmt(measure, h['value'])}."
    return text


def small_multiples(df, areas: list[str], measure: str = "rate", reference: str | None = "E92000001",
                    ncols: int = 4):
    """One small panel per area on a shared scale, each with the reference (England) as a
    dashed black line; ``reference=None`` (England not in the data) draws the areas alone."""
    import math

    areas = [a for a in dict.fromkeys(areas) if a != reference]
    refs = [reference] if reference else []
    wide = series(df, areas + refs, measure)
    nm = names(df)
    nrows = max(1, math.ceil(len(areas) / ncols))
    fig, axes = new_figure(nrows, ncols, figsize=(2.6 * ncols, 1.9 * nrows + 0.6),
                           sharex=True, sharey=True, squeeze=False)
    flat = axes.ravel()
    for ax, code in zip(flat, areas):
        if reference:
            ax.plot(wide.index, wide[reference], color=PALETTE[7], linestyle="--", linewidth=1,
                    marker="", label=nm.get(reference, reference))
        ax.plot(wide.index, wide[code], color=PALETTE[0], linewidth=1.6, marker="",
                label=nm.get(code, code))
        ax.set_title(f"{nm.get(code, code)}: {_fmt(measure, wide[code].iloc[-1])}",
                     fontsize=MIN_FONT_PT + 1)
        ax.tick_params(labelsize=MIN_FONT_PT)
        ax.grid(alpha=0.3)
    for ax in flat[len(areas):]:
        ax.set_visible(False)
    ref_name = nm.get(reference, reference) if reference else None
    fig.suptitle(f"{MEASURE_LABEL[measure]} by area"
                 + (f" (dashed: {ref_name})" if ref_name else ""), fontsize=11)
    last = wide.iloc[-1]
    alt = (f"Small multiples: {len(areas)} panels, one per area, of {MEASURE_LABEL[measure].lower()} "
           f"from {wide.index[0]:%Y} to {wide.index[-1]:%B %Y}")
    if reference:
        above = [nm.get(c, c) for c in areas if last[c] > last[reference]]
        alt += (f", each with {ref_name} as a dashed line ({_fmt(measure, last[reference])} in "
                f"{wide.index[-1]:%B %Y}). Above it then: {', '.join(above) if above else 'none'}")
    if areas:
        alt += (f". Highest: {nm.get(last[areas].idxmax())} {_fmt(measure, last[areas].max())}; "
                f"lowest: {nm.get(last[areas].idxmin())} {_fmt(measure, last[areas].min())}")
    alt += "."
    return fig, alt


def load_tile_map(path):
    """A tile map layout, by its file name:

    - ``.hexjson`` / ``.json`` — a HexJSON hex layout (ODI Leeds / Open Innovations format,
      e.g. a published ``uk-local-authority-districts`` layout: hexes keyed by GSS code, with
      ``q``, ``r`` and the name ``n``), read by :func:`toolkit_helpers.hexmap.load_hexjson`;
      the frame also has ``q, r, layout, region`` and :func:`tile_map` draws hexagons. A
      national layout is fine: the map keeps the authorities in the claimant data.
    - CSV/xlsx with ``area_code, area_name, row, col`` (0-based grid positions, row 0 at the
      top). Checked: whole numbers, one area per tile.

    A file that cannot be used raises :class:`DataFileError` naming the file and the row,
    column or HexJSON key at fault."""
    from .hexmap import is_hexjson, load_hexjson

    if is_hexjson(path):
        return load_hexjson(path)
    import pandas as pd

    from .io import normalise_header, read_rows

    (_, rows), *_ = read_rows(path)
    if not rows:
        raise DataFileError("the tile map file is empty", file=path,
                            hint="it needs a header area_code, area_name, row, col.")
    header = [normalise_header(h).replace(" ", "_") for h in rows[0]]
    need = ["area_code", "area_name", "row", "col"]
    missing = [n for n in need if n not in header]
    if missing:
        raise DataFileError(f"the tile map lacks the column(s) {', '.join(missing)}", file=path,
                            row=1, hint="the header must be area_code, area_name, row, col.")
    out = []
    for i, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        rec = dict(zip(header, r))
        try:
            out.append({"area_code": rec["area_code"].strip().upper(),
                        "area_name": rec["area_name"].strip(),
                        "row": int(rec["row"]), "col": int(rec["col"])})
        except ValueError:
            bad = "row" if not rec["row"].strip().lstrip("-").isdigit() else "col"
            raise DataFileError(f"{rec[bad]!r} is not a whole number", file=path, row=i, column=bad,
                                hint="row and col are grid positions: 0, 1, 2, …") from None
    tiles = pd.DataFrame(out, columns=need)
    clash = tiles[tiles.duplicated(["row", "col"], keep=False)]
    if len(clash):
        raise DataFileError(f"two areas share the tile at row {clash['row'].iloc[0]}, col "
                            f"{clash['col'].iloc[0]}: {', '.join(clash['area_name'])}", file=path,
                            hint="give each area its own row/col.")
    return tiles


def tile_map(df, tiles, month=None, measure: str = "rate", highlight: str | None = None,
             region: str | None = "auto"):
    """Each authority as a square at its grid position (CSV layout) or a hexagon (HexJSON
    layout), shaded by ``measure`` in ``month`` (cividis: readable in greyscale and with
    colour-vision deficiencies), its short name and value written on it; ``highlight`` (the
    council) drawn with a thick outline.

    Only the layout's areas with a value in ``df`` are drawn, so a national HexJSON layout
    shows the authorities in the claimant data. ``region`` (HexJSON layouts that give each hex a
    ``region``): ``"auto"`` keeps the highlighted council's region when the layout says it,
    a region code keeps that region, ``None`` keeps every area with data."""
    import matplotlib.colors as mcolors
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.patches import Rectangle

    from .claimants_analysis import _month, latest_month
    from .hexmap import is_hex_tiles

    month = _month(month, df) or latest_month(df)
    sub = df[(df["measure"] == measure) & (df["date"] == month)].set_index("area_code")["value"]
    if is_hex_tiles(tiles):
        return _hex_map(tiles, sub, month, measure, highlight, region)
    tiles = tiles[tiles["area_code"].isin(sub.index)].copy()
    if tiles.empty:
        raise ValueError("none of the tile map's areas has values for that month and measure")
    tiles["value"] = tiles["area_code"].map(sub)
    norm = mcolors.Normalize(vmin=tiles["value"].min(), vmax=tiles["value"].max())
    cmap = colormaps[SEQUENTIAL_CMAP]
    nrows, ncols = int(tiles["row"].max()) + 1, int(tiles["col"].max()) + 1
    fig, ax = new_figure(figsize=(1.45 * ncols + 1.6, 1.25 * nrows + 0.9))
    for t in tiles.itertuples():
        colour = cmap(norm(t.value))
        text = _text_colour(colour)
        hl = t.area_code == highlight
        ax.add_patch(Rectangle((t.col, -t.row), 0.94, 0.94, facecolor=colour,
                               edgecolor="black" if hl else "white", linewidth=3 if hl else 1))
        label = t.area_name if len(t.area_name) <= 14 else t.area_name[:13] + "."
        ax.text(t.col + 0.47, -t.row + 0.58, label, ha="center", va="center",
                fontsize=MIN_FONT_PT, color=text,
                fontweight="bold" if hl else "normal")
        ax.text(t.col + 0.47, -t.row + 0.3, _fmt(measure, t.value), ha="center", va="center",
                fontsize=MIN_FONT_PT, color=text)
    ax.set_xlim(-0.1, ncols)
    ax.set_ylim(-nrows + 0.9, 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.8,
                 label=MEASURE_LABEL[measure])
    ax.set_title(f"{MEASURE_LABEL[measure]}, {month:%B %Y}")
    ranked = tiles.sort_values("value", ascending=False)
    alt = (f"Tile map of {len(tiles)} authorities, each a square placed roughly where it lies and "
           f"shaded by {MEASURE_LABEL[measure].lower()} in {month:%B %Y}, with its value written "
           f"on it. " + _extremes_and_outline(tiles, ranked, measure, highlight))
    return fig, alt


def _text_colour(colour) -> str:
    """Black or white, whichever reads better on ``colour`` (an RGBA tuple)."""
    r, g, b, _ = colour
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


def _short_label(name: str, chars: int) -> str:
    return name if len(name) <= chars else name[:max(1, chars - 1)].rstrip() + "."


def _hex_map(tiles, sub, month, measure: str, highlight: str | None, region: str | None):
    """The hex version of :func:`tile_map` (a HexJSON layout)."""
    import matplotlib.colors as mcolors
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.patches import Polygon

    from .hexmap import centres, half_extent, hexagon

    sub = sub.dropna()
    sub = sub[~sub.index.duplicated()]
    chosen = None
    if region == "auto":
        region = None
        if highlight and "region" in tiles.columns:
            own = tiles.loc[tiles["area_code"] == highlight, "region"]
            region = own.iloc[0] if len(own) and own.iloc[0] else None
            chosen = f"the council's region ({region})" if region else None
    if region:
        in_region = tiles[tiles["region"].astype(str).str.upper() == str(region).upper()] \
            if "region" in tiles.columns else tiles.iloc[0:0]
        if in_region.empty:
            raise ValueError(f"the hex layout has no areas in the region {region!r}"
                             + ("" if "region" in tiles.columns and tiles["region"].any()
                                else " (it gives no regions): use region=None"))
        tiles = in_region
    layout_codes = list(tiles["area_code"])
    tiles = tiles[tiles["area_code"].isin(sub.index)].copy()
    if tiles.empty:
        data_codes = [c for c in sub.index if c][:3]
        raise ValueError(
            "none of the hex layout's areas has values for that month and measure: its keys "
            f"(e.g. {', '.join(layout_codes[:3])}) must be the area codes in the claimant data "
            f"(e.g. {', '.join(data_codes)}). Check that the layout is for the same year's "
            "authorities as the data.")
    tiles["value"] = tiles["area_code"].map(sub)
    tiles = tiles.sort_values(["r", "q"], ascending=[False, True]).reset_index(drop=True)
    xs, ys = centres(tiles)
    layout = tiles["layout"].iloc[0]
    hw, hh = half_extent(layout)
    x0, x1 = min(xs) - hw, max(xs) + hw
    y0, y1 = min(ys) - hh, max(ys) + hh
    # inches per unit of circumradius: a hexagon about 1.5 inches across for a region (room
    # for a name in 9 pt type), smaller for a big layout, the whole map within about 10 x 9
    # inches; hexagons too small for 9 pt type carry no text (the values are in the alt text
    # and the table beside the map)
    scale = min(0.86, 8.2 / (x1 - x0), 8.0 / (y1 - y0))
    labelled = scale >= 0.55
    fig, ax = new_figure(figsize=(scale * (x1 - x0) + 1.9, scale * (y1 - y0) + 0.9))
    norm = mcolors.Normalize(vmin=tiles["value"].min(), vmax=tiles["value"].max())
    cmap = colormaps[SEQUENTIAL_CMAP]
    name_size = value_size = MIN_FONT_PT
    chars = max(3, int(2 * hw * scale * 72 / (0.6 * name_size)))
    order = sorted(range(len(tiles)), key=lambda i: tiles["area_code"].iloc[i] == highlight)
    for i in order:           # the outlined council last, so its outline is on top
        t = tiles.iloc[i]
        colour = cmap(norm(t["value"]))
        text = _text_colour(colour)
        hl = t["area_code"] == highlight
        ax.add_patch(Polygon(hexagon(xs[i], ys[i], layout, 0.97), closed=True, facecolor=colour,
                             edgecolor="black" if hl else "white", linewidth=3 if hl else 1,
                             zorder=3 if hl else 2, label=t["area_name"]))
        if not labelled:
            continue
        ax.text(xs[i], ys[i] + 0.2, _short_label(t["area_name"], chars), ha="center",
                va="center", fontsize=name_size, color=text, fontweight="bold" if hl else "normal",
                zorder=4)
        ax.text(xs[i], ys[i] - 0.3, _fmt(measure, t["value"]), ha="center", va="center",
                fontsize=value_size, color=text, zorder=4)
    ax.set_xlim(x0 - 0.1, x1 + 0.1)
    ax.set_ylim(y0 - 0.1, y1 + 0.1)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.8,
                 label=MEASURE_LABEL[measure])
    ax.set_title(f"{MEASURE_LABEL[measure]}, {month:%B %Y}")
    ranked = tiles.sort_values(["value", "area_name"], ascending=[False, True])
    alt = (f"Hex map of {len(tiles)} authorities"
           + (f" in {chosen}" if chosen else "")
           + f", each a hexagon placed roughly where it lies and shaded by "
             f"{MEASURE_LABEL[measure].lower()} in {month:%B %Y}"
           + (", with its name and value written on it. " if labelled else ". ")
           + _extremes_and_outline(tiles, ranked, measure, highlight))
    alt += (" Values, highest first: "
            + "; ".join(f"{n} {_fmt(measure, v)}"
                        for n, v in zip(ranked["area_name"], ranked["value"], strict=True))
            + ".")
    return fig, alt
