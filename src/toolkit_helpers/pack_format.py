"""How the business case pack writes tables for a board: people's words for column names, Yes
and No for booleans, money as £ with thousands separators, shares as %, identifiers as they are.

The CSV artefacts keep full precision and their own column names; only the pack's rendering
goes through :func:`column_title` and :func:`cell_text`.

>>> column_title("pv_benefits"), column_title("npsv"), column_title("Amount (£)")
('PV of benefits', 'NPSV', 'Amount (£)')
>>> cell_text("366940.89", "npsv"), cell_text("True", "valid"), cell_text("0.4623", "top_n_share")
('£366,941', 'Yes', '46.2%')
"""
from __future__ import annotations

import re

_FLOAT = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")
#: Words written in capitals, or in other words, in column titles.
WORDS = {"npsv": "NPSV", "bcr": "BCR", "pv": "PV", "vfm": "value for money", "sme": "SME",
         "smes": "SMEs", "vcse": "VCSE", "vcses": "VCSEs", "cpv": "CPV", "hhi": "HHI",
         "gss": "GSS", "id": "ID", "nlc": "NLC", "uri": "URI", "url": "URL", "ocid": "OCID",
         "gbp": "£", "pct": "%", "df": "discount factor", "tfl": "TfL", "dwp": "DWP",
         "ogl": "OGL", "csv": "CSV", "n": "N"}
TITLES = {"pv_costs": "PV of costs", "pv_benefits": "PV of benefits", "npsv": "NPSV",
          "bcr": "BCR", "vfm": "Value for money", "payback_year": "Discounted payback (year)",
          "optimism_bias": "Optimism bias", "source_row": "Row in the file",
          "source_file": "File", "months_to_end": "Months to end"}
#: Columns whose numbers are identifiers or periods: never given separators or £.
_ID = re.compile(r"(^|[ _])(year|years|month|date|code|codes|id|ids|nlc|ref|reference|rank|row|"
                 r"rows|gss|ocid|number|no|nlc|column|tile|col)$|^(no\.?|#)$", re.IGNORECASE)
_MONEY = re.compile(r"£|gbp|amount|value|cost|costs|benefit|benefits|(^|[ _])pv|npsv|spend|"
                    r"total|budget|headroom|saving|capital|operating|optimism|net|paid|awarded|"
                    r"swing|price|fee|funding", re.IGNORECASE)
_RATIO = re.compile(r"(^|[ _])(bcr|ratio|index|score|factor|hhi)($|[ _])", re.IGNORECASE)
_SHARE = re.compile(r"share|proportion", re.IGNORECASE)
_NOT_MONEY = re.compile(r"count|lines|number of|rows|payments$|contracts$|suppliers$|stations|"
                        r"days|visits|journeys|entries|exits|people|claimants|switching|%|"
                        r"percent|pct|rate|months|areas|score|"
                        # counts of things named after money ("spend files")
                        r"(^|[ _])(files|sheets|folders|councils|datasets|records|registers)\s*$",
                        re.IGNORECASE)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text) -> str:
    """Text with control characters (which Word and XML refuse, and which only hide things)
    removed; tabs and line breaks kept."""
    return _CONTROL.sub("", "" if text is None else str(text))


def column_title(name) -> str:
    """A column name in people's words: ``pv_benefits`` → ``PV of benefits``; a name that
    already reads as words (spaces or capitals) is kept."""
    s = "" if name is None else str(name)
    if s in TITLES:
        return TITLES[s]
    if " " in s.strip() or not re.fullmatch(r"[a-z0-9_]+", s):
        return s
    words = [WORDS.get(w, w) for w in s.split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else s


def is_money_column(name) -> bool:
    s = str(name or "")
    return bool(_MONEY.search(s)) and not _NOT_MONEY.search(s) and not _ID.search(s)


def gbp(v: float) -> str:
    """Money for a board: ``£1,235``, ``−£12,500``; pence only under £100."""
    sign = "−" if v < 0 else ""
    a = abs(v)
    return f"{sign}£{a:,.2f}" if 0 < a < 100 and not float(a).is_integer() else f"{sign}£{a:,.0f}"


def cell_text(value, column=None) -> str:
    """One table cell as the pack shows it (see the module docstring)."""
    t = "" if value is None else str(value).strip()
    if t.lower() in ("nan", "none", "nat", "<na>"):
        return ""
    if t in ("True", "true", "TRUE"):
        return "Yes"
    if t in ("False", "false", "FALSE"):
        return "No"
    if not _FLOAT.match(t):
        return t
    v = float(t)
    col = str(column or "")
    if col and _ID.search(col):
        return str(int(v)) if v.is_integer() else t
    if col and _SHARE.search(col) and abs(v) <= 1.0:
        return f"{v * 100:.1f}%"
    if col and _RATIO.search(col):
        return f"{v:,.2f}"
    if col and is_money_column(col):
        return gbp(v)
    if v.is_integer():
        return f"{int(v):,}"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:,.2f}"
    return f"{v:.3g}"


def is_number(text) -> bool:
    t = str(text).replace(",", "").replace("£", "").replace("−", "-").rstrip("%").strip()
    return bool(_FLOAT.match(t))


def board_table(header, rows) -> tuple[list[str], list[list[str]]]:
    """A table's header and rows as the board reads them."""
    head = [column_title(h) for h in header]
    # a table of measures (measure | value) mixes money, counts and shares in one column:
    # each value is shown as it is, without a unit the column cannot vouch for
    keyed = bool(header) and str(header[0]).strip().lower() in ("measure", "item", "")
    cols = [None if keyed and j > 0 else (header[j] if j < len(header) else None)
            for j in range(max((len(r) for r in rows), default=len(header)))]
    body = [[cell_text(c, cols[j] if j < len(cols) else None) for j, c in enumerate(r)]
            for r in rows]
    return head, body
