"""Tables and sentences as people read them, in every notebook.

- :func:`show_table` — a DataFrame (or Series) as an accessible HTML table: people's words for
  headers, £ and thousands separators, % for shares, Yes/No, dates as ``1 April 2025``, text
  wrapped (never cut with "…"), no meaningless 0…n index; a long table shows its first rows, a
  count line and a link to the whole table as CSV (written atomically into the notebook's own
  artefacts folder).
- :func:`table` — the same as an object (``_repr_html_`` and a plain-text fallback) to return.
- :func:`say` — a sentence as Markdown (not ``print``'s code font, which breaks mid-word).

>>> import pandas as pd
>>> t = table(pd.DataFrame({"supplier": ["A & Co"], "amount_gbp": [1234.5]}))
>>> t.headers, t.rows
(['Supplier', 'Amount (£)'], [['A & Co', '£1,235']])
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import html
import math
import os
import re
from pathlib import Path

from .pack_format import _ID, clean_text, column_title, is_money_column

#: Column names the collection uses, in people's words (a call's ``headers`` wins).
GLOSSARY = {
    "ocid": "Contracting process ID (OCID)",
    "cpv_division": "CPV division",
    "cpv": "CPV code",
    "gss_code": "GSS code",
    "area_code": "Area code (GSS)",
    "area_name": "Area",
    "amount": "Amount (£)",
    "amount_gbp": "Amount (£)",
    "value_gbp": "Value (£)",
    "value_amount": "Estimated value (£)",
    "award_value_amount": "Award value (£)",
    "total_gbp": "Total (£)",
    "spend_gbp": "Spend (£)",
    "nlc": "NLC (station code)",
    "annualised_entries_exits": "Entries and exits a year",
    "source_file": "File",
    "source_row": "Row in the file",
    "suitable_for_sme": "Suitable for SMEs",
    "payment_date": "Payment date",
    "service_area": "Service area",
    "expense_type": "Expense type",
    "transaction_id": "Transaction ID",
    "contract_start": "Contract start",
    "contract_end": "Contract end",
    "months_to_end": "Months to end",
    "procurement_method": "Procurement method",
    "top_n_share": "Share of the top N",
    "hhi": "HHI (concentration)",
    "npsv": "NPSV",
    "bcr": "BCR",
    "pv_costs": "PV of costs",
    "pv_benefits": "PV of benefits",
    "switching_value_pct": "Switching value (%)",
}

_PERCENT_NAME = re.compile(r"(^|[ _(])(pct|percent|per cent)($|[ _)])|%", re.IGNORECASE)
_SHARE_NAME = re.compile(r"share|proportion|completeness", re.IGNORECASE)
_MISSING = ("nan", "none", "nat", "<na>")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


# ----------------------------------------------------------------------------- cells
def _is_missing(v) -> bool:
    if v is None:
        return True
    try:
        import pandas as pd

        if v is pd.NaT or v is pd.NA:
            return True
    except ImportError:  # pragma: no cover
        pass
    return isinstance(v, float) and math.isnan(v)


def format_date(v) -> str:
    """``2025-04-01`` → ``1 April 2025`` (with ``14:30`` when it has a time of day)."""
    day = f"{v.day} {_MONTHS[v.month - 1]} {v.year}"
    if isinstance(v, _dt.datetime) and (v.hour, v.minute, v.second) != (0, 0, 0):
        return f"{day} {v.hour:02d}:{v.minute:02d}"
    return day


def _decimals(values: list[float], most: int = 2) -> int:
    """The fewest decimals (up to ``most``) that show every value as it is."""
    for d in range(most + 1):
        if all(abs(round(v, d) - v) < 1e-9 * max(1.0, abs(v)) for v in values):
            return d
    return most


def _fixed(v: float, decimals: int) -> str:
    """``abs(v)`` with thousands separators, rounded half up (``1234.5`` → ``1,235``)."""
    from decimal import ROUND_HALF_UP, Decimal

    q = Decimal(repr(abs(v))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{q:,.{decimals}f}"


def _number(v: float, decimals: int) -> str:
    text = _fixed(v, decimals)
    return ("−" + text) if v < 0 and text.strip("0.,") else text


def _money(v: float, decimals: int) -> str:
    text = _fixed(v, decimals)
    return ("−£" if v < 0 and text.strip("0.,") else "£") + text


def _text(v) -> str:
    if isinstance(v, (list, tuple, set, frozenset)):
        return ", ".join(_text(x) for x in v if not _is_missing(x))
    if isinstance(v, (_dt.date, _dt.datetime)):
        return format_date(v)
    return clean_text(v)


class _Column:
    """How one column's values are written: decided once from its name and values."""

    def __init__(self, name, series, money: bool, percent: bool, identifier: bool):
        import pandas as pd

        self.kind = "text"
        values = [v for v in series.tolist() if not _is_missing(v)]
        if pd.api.types.is_bool_dtype(series) or (values and all(
                isinstance(v, bool) or type(v).__name__ == "bool_" for v in values)):
            self.kind = "bool"
        elif pd.api.types.is_datetime64_any_dtype(series) or (values and all(
                isinstance(v, (_dt.date, _dt.datetime)) for v in values)):
            self.kind = "date"
        elif values and (pd.api.types.is_numeric_dtype(series) or all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)):
            nums = [float(v) for v in values]
            finite = [v for v in nums if math.isfinite(v)]
            if identifier and all(v.is_integer() for v in finite):
                self.kind, self.decimals = "id", 0
            elif percent:
                self.kind = "percent"
                already = bool(_PERCENT_NAME.search(str(name))) or any(abs(v) > 1 for v in finite)
                self.scale = 1 if already else 100
                self.decimals = min(_decimals([v * self.scale for v in finite], 1), 1)
            elif money:
                self.kind = "money"
                big = finite and max(abs(v) for v in finite) >= 1000
                self.decimals = 0 if big else _decimals(finite)
                self.decimals = 2 if self.decimals == 1 else self.decimals
            else:
                self.kind = "number"
                top = max((abs(v) for v in finite), default=0)
                # factors and small rates keep up to 4 decimals; big numbers none
                d = _decimals(finite, 4 if top < 10 else 2)
                self.decimals = 0 if top >= 1000 else d
        self.numeric = self.kind in ("money", "percent", "number")

    def text(self, v) -> str:
        if _is_missing(v):
            return ""
        if self.kind == "bool":
            return "Yes" if bool(v) else "No"
        if self.kind == "date":
            return format_date(v)
        if self.kind in ("money", "percent", "number", "id"):
            f = float(v)
            if not math.isfinite(f):
                return "—" if math.isnan(f) else ("∞" if f > 0 else "−∞")
            if self.kind == "id":
                return str(int(f))
            if self.kind == "money":
                return _money(f, self.decimals)
            if self.kind == "percent":
                return _number(f * self.scale, self.decimals) + "%"
            return _number(f, self.decimals)
        return _text(v)


# ----------------------------------------------------------------------------- table
def header_text(name, headers: dict | None = None) -> str:
    """A column name in people's words: the call's ``headers``, then :data:`GLOSSARY`, then
    ``snake_case`` → ``Sentence case`` (names already written as words are kept)."""
    if headers and name in headers:
        return clean_text(headers[name])
    if isinstance(name, tuple):
        return " – ".join(header_text(n, headers) for n in name if str(n))
    if name in GLOSSARY:
        return GLOSSARY[name]
    text = clean_text(column_title(name))
    return text[:1].upper() + text[1:]


def _frame(data, index):
    """``data`` as a DataFrame with the index as columns when it means something."""
    import pandas as pd

    df = data.to_frame() if isinstance(data, pd.Series) else data
    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(df)
    idx = df.index
    named = any(n is not None for n in idx.names)
    meaningful = named or isinstance(idx, pd.MultiIndex) or not (
        isinstance(idx, pd.RangeIndex) or pd.api.types.is_integer_dtype(idx))
    if index is None:
        index = meaningful
    if index:
        if not named:
            idx = idx.rename([""] * idx.nlevels) if idx.nlevels > 1 else idx.rename("")
            df = df.set_axis(idx, axis=0)
        try:
            df = df.reset_index()
        except ValueError:  # a column already has the index's name
            df = df.reset_index(names=[f"{n} (index)" for n in idx.names])
    return df


class Table:
    """A table ready to show: ``headers``, the formatted ``rows`` shown, and notes."""

    def __init__(self, data, *, index=None, headers: dict | None = None, money=None,
                 percent=None, caption: str | None = None, max_rows: int | None = 25,
                 download=None, folder: str | os.PathLike | None = None,
                 label: str | None = None):
        df = _frame(data, index)
        self.frame = df
        self.caption = clean_text(caption) if caption else None
        self.total = len(df)
        self.shown = df if not max_rows or self.total <= max_rows else df.head(max_rows)
        money_set = set(money) if money not in (None, True, False) else None
        pct_set = set(percent) if percent not in (None, True, False) else set()
        self.columns = []
        for j, name in enumerate(df.columns):
            col = self.shown.iloc[:, j]  # the rows shown decide how the column is written
            key = str(name)
            is_money = (name in money_set) if money_set is not None else (
                money is not False and is_money_column(key) and name not in pct_set)
            is_pct = name in pct_set or (percent is None and not is_money and bool(
                _PERCENT_NAME.search(key) or _SHARE_NAME.search(key)))
            ident = bool(_ID.search(key)) and not is_money and not is_pct
            self.columns.append(_Column(name, col, is_money, is_pct, ident))
        self.headers = [header_text(n, headers) for n in df.columns]
        self.rows = [[c.text(v) for c, v in zip(self.columns, row)]
                     for row in self.shown.itertuples(index=False, name=None)]
        self.label = clean_text(label or self.caption or "Table")
        self.link: str | None = None
        self.saved: Path | None = None
        if download is None:
            download = self.total > len(self.shown)
        if download and len(df.columns):
            self._save(download, folder)

    # -------------------------------------------------------------- the full CSV
    def _name(self, download) -> str:
        from .paths import slugify

        if isinstance(download, str) and download.strip():
            return slugify(download).replace("-", "_")
        if self.caption:
            return slugify(self.caption).replace("-", "_")[:60]
        digest = hashlib.sha1(repr((list(map(str, self.frame.columns)), self.total)).encode())
        return "table_" + digest.hexdigest()[:8]

    def _save(self, download, folder) -> None:
        from .io import write_csv
        from .paths import safe_join

        folder = Path(folder) if folder is not None else _context_folder()
        if folder is None:
            return
        downloads = safe_join(folder, "downloads")
        self.saved = write_csv(self.frame, safe_join(downloads, self._name(download) + ".csv"))
        self.link = _relative_link(self.saved)

    # -------------------------------------------------------------- renderers
    def count_line(self) -> str | None:
        if self.total > len(self.shown):
            return f"Showing {len(self.shown):,} of {self.total:,} rows."
        return None

    def _repr_html_(self) -> str:
        e = html.escape
        cell = ("padding:0.3em 0.6em;border-bottom:1px solid #ccc;vertical-align:top;"
                "white-space:normal;overflow-wrap:anywhere;word-break:normal;max-width:32em;")
        out = [f'<div class="toolkit-table" role="region" aria-label="{e(self.label)}" '
               'tabindex="0" style="max-width:100%;overflow-x:auto">',
               '<table style="table-layout:auto;border-collapse:collapse;width:auto;'
               'margin:0 0 0.5em 0">']
        if self.caption:
            out.append('<caption style="text-align:left;font-weight:bold;caption-side:top">'
                       f"{e(self.caption)}</caption>")
        out.append("<thead><tr>")
        for h, c in zip(self.headers, self.columns):
            align = "right" if c.numeric else "left"
            out.append(f'<th scope="col" style="{cell}text-align:{align}">{e(h)}</th>')
        out.append("</tr></thead><tbody>")
        for row in self.rows:
            out.append("<tr>")
            for t, c in zip(row, self.columns):
                align = "right" if c.numeric else "left"
                style = cell + f"text-align:{align}" + (";white-space:nowrap" if c.numeric else "")
                out.append(f'<td style="{style}">{e(t).replace(chr(10), "<br>")}</td>')
            out.append("</tr>")
        out.append("</tbody></table></div>")
        notes = self._notes_html()
        if notes:
            out.append(f"<p>{notes}</p>")
        return "".join(out)

    def _notes_html(self) -> str:
        e = html.escape
        parts = []
        line = self.count_line()
        if line:
            parts.append(e(line))
        if self.link:
            parts.append(f'<a href="{e(self.link)}" download>Download all {self.total:,} rows '
                         f"as CSV</a> ({e(self.saved.name)})")
        elif self.saved is not None:
            parts.append(f"All {self.total:,} rows are saved as {e(self.saved.name)} in this "
                         "notebook's outputs folder.")
        return " ".join(parts)

    def __repr__(self) -> str:
        widths = [len(h) for h in self.headers]
        for row in self.rows:
            widths = [max(w, *(len(x) for x in t.splitlines() or [""]))
                      for w, t in zip(widths, row)]
        lines = [self.caption] if self.caption else []
        lines.append("  ".join(h.ljust(w) for h, w in zip(self.headers, widths)))
        for row in self.rows:
            lines.append("  ".join(t.replace("\n", " ").ljust(w) for t, w in zip(row, widths)))
        if self.count_line():
            lines.append(self.count_line())
        if self.saved is not None:
            lines.append(f"All rows: {self.saved.name}")
        return "\n".join(x.rstrip() for x in lines)


def _shell_namespace() -> dict:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return {}
    ip = get_ipython()
    return getattr(ip, "user_ns", {}) if ip is not None else {}


def _context_folder() -> Path | None:
    """The artefacts folder of the notebook's ``ctx`` (from :func:`notebook.start`), if any."""
    ctx = _shell_namespace().get("ctx")
    art = getattr(ctx, "artefacts", None)
    folder = getattr(art, "folder", None)
    return Path(folder) if folder is not None else None


def _relative_link(path: Path) -> str | None:
    """A link to ``path`` relative to the working folder (a notebook's kernel runs in the
    notebook's folder, which is where JupyterLab resolves relative links from), or None when
    the file is outside the project (a scratch run): a link must never name a machine path."""
    from .paths import project_root

    target = Path(path).resolve()
    root = project_root().resolve()
    here = Path.cwd().resolve()
    if not (target.is_relative_to(root) and here.is_relative_to(root)):
        return None
    return Path(os.path.relpath(target, here)).as_posix()


def table(data, **kwargs) -> Table:
    """A :class:`Table` of ``data`` (see :func:`show_table`) to return from a cell."""
    return Table(data, **kwargs)


def show_table(data, *, index=None, headers: dict | None = None, money=None, percent=None,
               caption: str | None = None, max_rows: int | None = 25, download=None,
               folder=None, label: str | None = None) -> None:
    """Display ``data`` (a DataFrame or Series) as a table people can read.

    - ``index``: ``None`` shows the index only when it means something (named, or not 0…n);
      ``True``/``False`` force it. A shown index becomes the first column.
    - ``headers``: ``{column: "Header"}`` for this call (else :data:`GLOSSARY`, else the name
      in sentence case).
    - ``money`` / ``percent``: the columns holding pounds / shares (fractions: 0.25 → 25%; a
      column whose name says % or pct already holds percentages). By default found from the
      names; ``False`` turns the detection off.
    - ``caption``: the table's title (also its accessible name).
    - ``max_rows``: a longer table shows its first rows, "Showing 25 of 209 rows", and a link to
      all of it as CSV, written into ``folder`` (default: the notebook's artefacts folder,
      ``ctx.artefacts.folder``) under ``downloads/``. ``download`` names that file, or ``True``
      / ``False`` to always / never write it.

    Anything that is not a table (a Markdown object, a widget) is displayed as it is, and
    ``None`` shows nothing, so every ``display(x)`` of a result can become ``show_table(x)``.
    """
    from IPython.display import display

    if data is None:
        return None
    if not _is_tabular(data):
        display(data)
        return None
    display(Table(data, index=index, headers=headers, money=money, percent=percent,
                  caption=caption, max_rows=max_rows, download=download, folder=folder,
                  label=label))
    return None


def _is_tabular(data) -> bool:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return False
    return isinstance(data, (pd.DataFrame, pd.Series))


def say(*parts, sep: str = " ") -> None:
    """Show a sentence as Markdown, where ``print`` would show it in code font (which breaks
    mid-word): ``say("Counted in one year only:", names)``. Parts are joined like ``print``'s;
    HTML in them is shown as text, not run. Nothing is shown for an empty sentence."""
    from IPython.display import display

    from .notebook import Markdown

    text = sep.join("" if p is None else str(p) for p in parts)
    if not text.strip():
        return None
    display(Markdown(text))
    return None
