"""One accessible chart style for the whole collection.

- :data:`PALETTE` — the Okabe–Ito colour-blind-safe palette; :data:`MARKERS` and
  :data:`LINESTYLES` so meaning never rests on colour alone.
- :func:`new_figure` — a figure in the toolkit style.
- :func:`show_figure` — display a figure in a notebook with alt text in the output metadata
  (nbconvert HTML and JupyterLab use it), then close it.
- :func:`show_chart_and_table` — a chart with its numbers in a table beside it.
- :func:`figure_png` — the figure as PNG bytes (deterministic: no timestamp metadata).
"""
from __future__ import annotations

import io as _io

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision
# deficiencies. Black last (used for reference lines such as England averages).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 1)), "-"]
# A sequential colour map that is colour-blind-safe and readable in greyscale.
SEQUENTIAL_CMAP = "cividis"
#: The smallest type on any chart, in points at the figure's natural size (100% zoom): chart
#: code passes this, never a smaller number, for annotations, tick labels and legends.
MIN_FONT_PT = 9
#: Screen pixels per inch of a figure at its natural size (the ``<img>`` width); the PNG is
#: drawn at :data:`RETINA` times that so it stays sharp when people zoom in (1.5, not 2: a
#: balance with the size of the notebooks people download over a workshop's Wi-Fi).
SCREEN_DPI = 100
RETINA = 1.5

_STYLE = {
    "axes.prop_cycle": None,  # filled in by apply_style (needs matplotlib's cycler)
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.title_fontsize": 10,
    "figure.titlesize": 13,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.figsize": (8, 4.5),
    "font.size": 11,
    "svg.hashsalt": "toolkit",
}


def apply_style() -> None:
    """Set the toolkit's matplotlib style (palette, markers cycle, readable sizes: no text
    under :data:`MIN_FONT_PT` points unless a chart asks for it)."""
    import matplotlib
    from cycler import cycler

    style = dict(_STYLE)
    style["axes.prop_cycle"] = cycler(color=PALETTE) + cycler(marker=MARKERS)
    matplotlib.rcParams.update(style)


def new_figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """``plt.subplots`` in the toolkit style (no pyplot state kept for later cells)."""
    apply_style()
    from matplotlib.figure import Figure

    fig = Figure(figsize=kwargs.pop("figsize", _STYLE["figure.figsize"]), layout="constrained")
    axes = fig.subplots(nrows, ncols, **kwargs)
    return fig, axes


def figure_png(fig, dpi: float | None = None) -> bytes:
    buf = _io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None}, dpi=dpi or "figure")
    return buf.getvalue()


def natural_width(fig) -> int:
    """The figure's width in CSS pixels at its natural size (its inches × :data:`SCREEN_DPI`)."""
    return round(fig.get_figwidth() * SCREEN_DPI)


def small_text(fig, minimum: float = MIN_FONT_PT) -> list[tuple[str, float]]:
    """Every visible piece of text on ``fig`` smaller than ``minimum`` points, as
    ``(text, size)`` (draws the figure first, so tick labels exist)."""
    from matplotlib.text import Text

    fig.draw_without_rendering()
    found = []
    for t in fig.findobj(Text):
        if t.get_visible() and t.get_text().strip() and t.get_fontsize() < minimum - 1e-9:
            found.append((t.get_text(), float(t.get_fontsize())))
    return found


def show_figure(fig, alt: str):
    """Display ``fig`` with ``alt`` as its alt text, then close it. Returns the PNG bytes.

    Refuses an empty alt text: every figure in the toolkit must describe itself. The figure is
    shown at its natural size (its inches × 100 px, so 9-point type is 12.5 px), drawn at
    1.5 times that resolution so it stays sharp when zoomed; it shrinks only when the cell is
    narrower than that.
    """
    if not alt or not str(alt).strip():
        raise ValueError("every figure needs alt text: describe what it shows in one or two sentences")
    width = natural_width(fig)
    png = figure_png(fig, dpi=SCREEN_DPI * RETINA)
    _close(fig)
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - outside Jupyter
        return png
    display(figure_bundle(png, alt, width), raw=True, metadata={"image/png": {"alt": str(alt)}})
    return png


def figure_bundle(png: bytes, alt: str, width: int | None = None) -> dict:
    """The display bundle for a figure: an HTML ``<img>`` carrying the alt text (JupyterLab and
    nbconvert render this, so screen readers get the description) at ``width`` CSS pixels
    (never wider than the cell), the PNG (with ``alt`` in its metadata, for tools that read
    that), and the alt text as the plain-text fallback."""
    import base64
    import html

    b64 = base64.b64encode(png).decode("ascii")
    size = f'width="{int(width)}" ' if width else ""
    return {
        "text/html": f'<img src="data:image/png;base64,{b64}" alt="{html.escape(str(alt))}" '
                     f'{size}style="max-width:100%;height:auto"/>',
        "image/png": b64,
        "text/plain": f"[Figure: {alt}]",
    }


def show_chart_and_table(fig, alt: str, table, caption: str | None = None,
                         max_rows: int = 20) -> None:
    """A chart and, beside it, the numbers it shows (so nothing depends on seeing colour).

    Returns nothing, so it can end a notebook cell without echoing anything.
    """
    show_figure(fig, alt)
    try:
        from IPython.display import display

        from .notebook import Markdown
    except ImportError:  # pragma: no cover
        return
    from .display import show_table

    if hasattr(table, "head"):
        show_table(table, caption=caption, max_rows=max_rows)
        return
    if caption:
        display(Markdown(f"**{caption}**"))
    display(table)


def _close(fig) -> None:
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # a Figure made without pyplot needs no closing
        pass


def format_gbp(value: float, decimals: int = 0) -> str:
    """``1234567.8`` → ``'£1,234,568'``; negatives as ``'-£12'``."""
    if value is None or value != value:
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.{decimals}f}"


def format_gbp_short(value: float, m_decimals: int = 1, k_from: float = 1e4) -> str:
    """Pounds in few characters: ``2_345_678`` → ``'£2.3m'``, ``45_600`` → ``'£46k'`` (from
    ``k_from`` up), smaller values whole (``'£950'``); negatives as ``'-£12k'``."""
    if value is None or value != value:
        return "–"
    a = abs(value)
    sign = "-" if value < 0 else ""
    if a >= 1e6:
        return f"{sign}£{a / 1e6:,.{m_decimals}f}m"
    if a >= k_from:
        return f"{sign}£{a / 1e3:,.0f}k"
    return f"{sign}£{a:,.0f}"


def gbp_axis(ax, axis: str = "y") -> None:
    """Format an axis in pounds with thousands separators (£k / £m for large values)."""
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _pos: format_gbp_short(v))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)
