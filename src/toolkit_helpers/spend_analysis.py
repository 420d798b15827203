"""Analyses of council spend (from :func:`toolkit_helpers.spend.load_spend`) and tender and
contract notices (from :func:`toolkit_helpers.procurement.load_ocds`).

Spend:

- :func:`spend_by` — totals by service area, expense type, supplier or month (top N + others);
- :func:`monthly_spend` — payments, credits and net spend per month;
- :func:`concentration` — how much of the spend goes to the largest suppliers: top-N share and
  the Herfindahl–Hirschman index (HHI);
- :func:`duplicate_candidates` / :func:`duplicate_summary` — possible duplicate payments to
  check, each with a confidence class (high: the same invoice paid twice; medium: two
  payments on one day that nothing published tells apart; low: the rest —
  :data:`DUPLICATE_CLASSES`), a reason in plain words, and the amount at stake per class with
  a cash recovery estimate from the rule's measured precision
  (:data:`DUPLICATE_RULE_PRECISION`, labelled on real published spend);
- :func:`repeat_payments` — the same amount to the same supplier month after month (standing
  arrangements worth a contract review);
- :func:`redacted_share` — lines whose supplier is withheld: Transparency Code redaction labels
  (whole words: ``Redactive Publishing Ltd`` is a supplier), masks (``*****``, ``XXXXX``) and
  blank payee names (:func:`is_redacted`);
- :func:`credits` — credit notes and refunds (negative lines);
- :func:`sme_vcse_share` — spend with suppliers known (from tender and award notices) to be
  SMEs or voluntary, community and social enterprises (VCSE), where the data allows.

Tenders and contracts:

- :func:`expiry_pipeline` / :func:`pipeline_summary` — awarded contracts ending within 6, 12
  and 24 months of an ``as_of`` date (re-procurement opportunities), and those whose end date
  is not published;
- :func:`cpv_divisions` — tender (estimated, and still open) and award values by CPV
  division (first two digits), from each process's compiled releases;
- :func:`award_sme_share` — awarded value going to SME and VCSE suppliers;
- :func:`as_of_default` — the date to count from when none is given: the first day of the
  data's latest month.

One service's delivery chain: :func:`match_service_area` and :func:`delivery_chain`. Charts
(each returns ``(fig, alt)`` with alt text written from the numbers): :func:`bar_figure`,
:func:`monthly_figure`, :func:`pipeline_figure`, :func:`cpv_figure`.

Every function takes a date or a parameter where "now" would matter (``as_of``), so results are
the same on every run. Shares are numbers from 0 to 1 in the tables returned; wherever this
module writes one (findings, chart labels and alt text, the concentration and credits
tables) it is a percentage with one decimal (:func:`percent`: ``0.42`` → ``42.0%``), and
:func:`format_shares` writes a table's share columns that way for showing or publishing.

Tender figures: by CPV division (:func:`cpv_divisions`) each process's releases are compiled
into one (:func:`toolkit_helpers.procurement.compiled_releases`), so the tender's estimated
value from the tender notice counts although the award notice leaves it out (``tender_value``);
*open tenders (estimated)* are processes not yet awarded and not closed; only live awards (status ``active`` or not given) are awarded — ``pending`` ones are not;
award values are net, and values given only with VAT (``amountGross``) are reported apart
(``awarded_value_gross_only``, ``gross-only value``), never added to net ones.

Suppliers are matched by :func:`supplier_key` (case, spacing, punctuation and legal suffixes
ignored): ``ACME LTD``, ``Acme Ltd.`` and ``Acme  Ltd`` are one supplier in every table, shown by
their most frequent spelling (:func:`supplier_names`); the spend frame's ``supplier`` column keeps
each line's name as published.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

NOT_GIVEN = "(not given)"
NO_DATE = "(no date)"
OTHERS = "All others"

#: Supplier text that means the name was withheld (Local Government Transparency Code 2015:
#: personal data of sole traders/individuals and commercially confidential payments may be
#: redacted). Seen: "REDACTED PERSONAL DATA", "REDACTED COMMERCIAL CONFIDENTIALITY",
#: "Redacted", "Name redacted", "Personal data", "Withheld". Whole words only, so a supplier
#: whose name merely starts with them ("Redactive Publishing Ltd") is not redacted.
REDACTION_WORDS = (r"\bredact(?:ed|ions?)\b|\bwithheld\b|"
                   r"\bpersonal\s+(?:data|information|details)\b|"
                   r"\bcommercial(?:ly)?\s+(?:in\s*)?confiden\w*|\bnot\s+disclosed\b|"
                   r"\bname\s+removed\b")
#: A name masked out or left blank: only asterisks (``*****``), only X's (``XXXXX``, three or
#: more), or nothing but spaces (dots, dashes, slashes and spaces may sit between them).
MASK_PATTERN = (r"^[\s.\-_/]*(?:[xX][\s.\-_/]*){3,}$|^[\s.\-_/*]*\*[\s.\-_/*]*$|^\s*$")
#: Both, as one regular expression (Python ``re`` and DuckDB's RE2 read it alike);
#: :func:`is_redacted` also counts a missing name.
REDACTION_PATTERN = f"(?i)(?:{REDACTION_WORDS}|{MASK_PATTERN})"
REDACTION_KINDS = (
    ("personal data", r"(?i)personal|individual|name"),
    ("commercial confidentiality", r"(?i)commercial|confiden"),
)
#: The kinds :func:`redaction_kind` gives, in the order :func:`redacted_share` lists them.
REDACTION_KIND_ORDER = ("personal data", "commercial confidentiality", "other redaction",
                        "blank or masked name")

#: HHI bands of the UK competition authorities (Competition Commission and OFT, *Merger
#: Assessment Guidelines*, CC2/OFT1254, 2010, para 5.3.5): above 1,000 "concentrated", above
#: 2,000 "highly concentrated". The index runs from near 0 (many small suppliers) to 10,000
#: (one supplier).
HHI_BANDS = ((1000, "not concentrated"), (2000, "concentrated"), (float("inf"), "highly concentrated"))

#: CPV (Common Procurement Vocabulary, Regulation (EC) 213/2008) divisions: first two digits.
CPV_DIVISIONS = {
    "03": "Agricultural, farming, fishing and forestry products",
    "09": "Petroleum products, fuel, electricity and other energy",
    "14": "Mining, basic metals and related products",
    "15": "Food, beverages, tobacco and related products",
    "16": "Agricultural machinery",
    "18": "Clothing, footwear, luggage and accessories",
    "19": "Leather and textile fabrics, plastic and rubber materials",
    "22": "Printed matter and related products",
    "24": "Chemical products",
    "30": "Office and computing machinery, equipment and supplies",
    "31": "Electrical machinery, apparatus, equipment; lighting",
    "32": "Radio, television, communication and telecoms equipment",
    "33": "Medical equipment, pharmaceuticals and personal care",
    "34": "Transport equipment and auxiliary products",
    "35": "Security, fire-fighting, police and defence equipment",
    "37": "Musical instruments, sport goods, games, toys, art materials",
    "38": "Laboratory, optical and precision equipment",
    "39": "Furniture, furnishings, domestic appliances and cleaning products",
    "41": "Collected and purified water",
    "42": "Industrial machinery",
    "43": "Machinery for mining, quarrying and construction",
    "44": "Construction structures and materials",
    "45": "Construction work",
    "48": "Software packages and information systems",
    "50": "Repair and maintenance services",
    "51": "Installation services (except software)",
    "55": "Hotel, restaurant and retail trade services",
    "60": "Transport services (excluding waste transport)",
    "63": "Supporting transport services; travel agencies",
    "64": "Postal and telecommunications services",
    "65": "Public utilities",
    "66": "Financial and insurance services",
    "70": "Real estate services",
    "71": "Architectural, construction, engineering and inspection services",
    "72": "IT services: consulting, software development, internet and support",
    "73": "Research and development services",
    "75": "Administration, defence and social security services",
    "76": "Services related to the oil and gas industry",
    "77": "Agricultural, forestry and horticultural services",
    "79": "Business services: law, marketing, consulting, recruitment, printing, security",
    "80": "Education and training services",
    "85": "Health and social work services",
    "90": "Sewage, refuse, cleaning and environmental services",
    "92": "Recreational, cultural and sporting services",
    "98": "Other community, social and personal services",
}

_LEGAL_SUFFIX = re.compile(r"\b(LIMITED|LTD|PLC|LLP|CIC|C I C|LLC|INC|CO|COMPANY|THE)\b")


def percent(share, decimals: int = 1) -> str:
    """A share (0–1) as text with a per cent sign: ``0.42`` → ``'42.0%'``, ``0.004`` →
    ``'0.4%'``, ``0`` → ``'0.0%'``; missing → ``'n/a'``. Every share this module writes in
    words or tables goes through it, so none reads as a bare ``0``."""
    try:
        v = float(share)
    except (TypeError, ValueError):
        return "n/a"
    if v != v:
        return "n/a"
    return f"{v:.{decimals}%}"


def is_share_column(name) -> bool:
    """Columns holding a share (0–1): ``share``, ``share of lines``, ``share of area``,
    ``precision`` …"""
    n = str(name).lower()
    return "share" in n or n.startswith("precision")


def format_shares(table, decimals: int = 1):
    """A copy of ``table`` whose share columns (:func:`is_share_column`) are written as
    percentages (``0.42`` → ``'42.0%'``), for showing or publishing a table; the analyses
    themselves return shares as numbers from 0 to 1."""
    out = table.copy()
    for c in out.columns:
        if is_share_column(c):
            out[c] = [percent(v, decimals) for v in out[c]]
    return out


# ----------------------------------------------------------------------------- helpers

def _check_spend(df) -> None:
    for c in ("supplier", "amount"):
        if c not in df.columns:
            raise ValueError(f"expected a spend frame from load_spend (no {c!r} column)")


def supplier_key(names):
    """Supplier names → a matching key: upper case, no punctuation, spacing collapsed, no legal
    suffix (``'Acme Services Ltd.'``, ``'ACME SERVICES LIMITED'`` and ``'Acme  Services'`` →
    ``'ACME SERVICES'``). Names with the same key are one supplier in every table here.

    Takes one name (returns a string; ``None`` → ``''``) or many (a Series, list or array;
    returns a Series, missing names stay missing). :func:`toolkit_helpers.spend_pipeline.
    supplier_key_sql` is the same rule in SQL."""
    import numpy as np
    import pandas as pd

    if names is None or isinstance(names, str) or not hasattr(names, "__iter__"):
        if names is None or (not isinstance(names, str) and pd.isna(names)):
            return ""
        return supplier_key(pd.Series([str(names)], dtype="str")).iloc[0]
    s = names if isinstance(names, pd.Series) else pd.Series(names)
    # worked out once per distinct name (a year of spend has ~500,000 lines, ~5,000 names)
    codes, uniques = pd.factorize(s.astype("str"))
    u = pd.Series(uniques, dtype="str").str.upper().str.replace("&", " AND ", regex=False)
    u = u.str.replace(r"[^A-Z0-9 ]+", " ", regex=True)
    u = u.str.replace(r"\bCO OP", "COOP", regex=True)  # co-operative is not "Co"
    u = u.str.replace(_LEGAL_SUFFIX.pattern, " ", regex=True)
    vals = u.str.split().str.join(" ").to_numpy(dtype=object)
    out = (np.where(codes >= 0, vals[np.maximum(codes, 0)], None) if len(vals)
           else np.full(len(s), None, dtype=object))
    return pd.Series(out, index=s.index, dtype="str")


def supplier_names(names):
    """Each name → the supplier's most frequent spelling among ``names`` (spaces trimmed and
    collapsed), over all names with the same :func:`supplier_key`; ties go to the spelling
    first in alphabetical order. ``['ACME LTD', 'Acme Ltd.', 'Acme  Ltd.']`` → ``'Acme Ltd.'``
    for all three. Missing or blank names stay missing. Returns a Series aligned with
    ``names``."""
    import numpy as np
    import pandas as pd

    s = names if isinstance(names, pd.Series) else pd.Series(names)
    # per distinct spelling (spaces trimmed and collapsed): its key and how many lines use it
    raw_codes, raw = pd.factorize(s.astype("str"))
    spelled_codes, uniques = pd.factorize(pd.Series(raw, dtype="str").str.split().str.join(" "))
    codes = np.where(raw_codes >= 0, spelled_codes[np.maximum(raw_codes, 0)], -1) \
        if len(raw) else raw_codes
    u = pd.DataFrame({"n": pd.Series(uniques, dtype="object"),
                      "c": np.bincount(codes[codes >= 0], minlength=len(uniques))})
    u = u[u["n"].notna() & (u["n"] != "")]
    if u.empty:
        return pd.Series(None, index=s.index, dtype="object")
    u["k"] = supplier_key(u["n"]).to_numpy()
    best = (u.sort_values(["k", "c", "n"], ascending=[True, False, True])
            .drop_duplicates("k").set_index("k")["n"])
    name_of = pd.Series(u["k"].map(best).to_numpy(), index=u.index)  # code → shown name
    shown = name_of.reindex(range(len(uniques))).to_numpy(dtype=object)
    out = np.where(codes >= 0, shown[np.maximum(codes, 0)], None)
    return pd.Series(out, index=s.index, dtype="object")


def _supplier_labels(df):
    """Per line of a spend frame: its supplier's shown name (:func:`supplier_names` over the
    whole frame), ``(not given)`` when missing — as a numpy array."""
    names = supplier_names(df["supplier"])
    return names.astype("object").where(names.notna(), NOT_GIVEN).to_numpy()


def is_redacted(names):
    """Boolean Series: the supplier's name is withheld — a redaction label
    (:data:`REDACTION_WORDS`: ``REDACTED PERSONAL DATA``, ``Withheld`` …), a mask of asterisks
    or X's (``*****``, ``XXXXX``), or a blank or missing payee name. Real names that merely
    start with such a word (``Redactive Publishing Ltd``) are not redacted."""
    import numpy as np
    import pandas as pd

    s = names if isinstance(names, pd.Series) else pd.Series(names)
    # tested once per distinct name (the pattern runs in Python's re, one call per value)
    codes, uniques = pd.factorize(s.astype("str"))
    hit = pd.Series(uniques, dtype="str").str.contains(REDACTION_PATTERN, regex=True)
    hit = np.append(hit.fillna(False).to_numpy(dtype=bool), True)  # code -1 (missing) → True
    return pd.Series(hit[codes], index=s.index, dtype=bool)


def redaction_kind(names):
    """``personal data``, ``commercial confidentiality``, ``other redaction`` (``Redacted``,
    ``Withheld``) or ``blank or masked name`` (missing, blank, ``*****``, ``XXXXX``) for
    redacted names; missing for the rest."""
    import numpy as np
    import pandas as pd

    s = (names if isinstance(names, pd.Series) else pd.Series(names)).astype("str")
    red = is_redacted(s)
    out = pd.Series(np.where(red, "other redaction", None), index=s.index, dtype="object")
    for label, pattern in reversed(REDACTION_KINDS):
        hit = red & s.str.contains(pattern, regex=True).fillna(False).astype(bool)
        out[hit] = label
    worded = s.str.contains(f"(?i)(?:{REDACTION_WORDS})", regex=True).fillna(False).astype(bool)
    out[red & ~worded] = "blank or masked name"
    return out


def _labels(df, by: str):
    import pandas as pd

    if by == "month":
        d = df["payment_date"]
        return d.dt.strftime("%Y-%m").where(d.notna(), NO_DATE)
    col = df[by]
    if pd.api.types.is_string_dtype(col) or col.dtype == object:
        col = col.astype("str").str.strip()
        return col.where(col.notna() & (col != ""), NOT_GIVEN)
    return col


# ----------------------------------------------------------------------------- spend views

def spend_by(df, by: str, top: int | None = None, exclude_redacted: bool = False):
    """Net spend by ``by`` (``service_area``, ``expense_type``, ``supplier``, ``month`` or any
    column): ``[by, amount, transactions, share]``, largest first (months in date order).
    ``share`` is of the total net spend shown. With ``top``, the rest are summed into one
    ``All others`` row. Missing labels are grouped as ``(not given)``. Suppliers whose names
    differ only in case, spacing, punctuation or legal suffix (:func:`supplier_key`) are one
    row, shown by their most frequent spelling (:func:`supplier_names`)."""
    import pandas as pd

    _check_spend(df)
    mask = df["amount"].notna().to_numpy(dtype=bool)
    if exclude_redacted:
        mask = mask & ~is_redacted(df["supplier"]).to_numpy(dtype=bool)
    data = df[mask]
    # suppliers: one row per supplier_key, shown by its most frequent spelling
    labels = _supplier_labels(df)[mask] if by == "supplier" else _labels(data, by).to_numpy()
    g = (pd.DataFrame({by: labels, "amount": data["amount"].to_numpy()})
         .groupby(by, sort=False)["amount"].agg(amount="sum", transactions="size").reset_index())
    if by == "month":
        g = g.sort_values(by, key=lambda s: s.where(s != NO_DATE, "9999")).reset_index(drop=True)
    else:
        g = g.sort_values(["amount", by], ascending=[False, True]).reset_index(drop=True)
        if top is not None and len(g) > top:
            rest = g.iloc[top:]
            g = pd.concat([g.iloc[:top], pd.DataFrame(
                [{by: f"{OTHERS} ({len(rest)})", "amount": rest["amount"].sum(),
                  "transactions": int(rest["transactions"].sum())}])], ignore_index=True)
    total = g["amount"].sum()
    g["share"] = g["amount"] / total if total else float("nan")
    g["transactions"] = g["transactions"].astype("int64")
    g["amount"] = g["amount"].round(2)
    return g


def monthly_spend(df):
    """Per month: ``payments`` (positive lines), ``credits`` (negative lines), ``net`` and
    ``transactions``. Lines without a date are one ``(no date)`` row at the end."""
    import pandas as pd

    _check_spend(df)
    data = df[df["amount"].notna()]
    month = _labels(data, "month")
    amt = data["amount"]
    t = pd.DataFrame({"month": month.to_numpy(), "payments": amt.clip(lower=0).to_numpy(),
                      "credits": amt.clip(upper=0).to_numpy(), "net": amt.to_numpy()})
    g = t.groupby("month").agg(payments=("payments", "sum"), credits=("credits", "sum"),
                               net=("net", "sum"), transactions=("net", "size")).reset_index()
    g = g.sort_values("month", key=lambda s: s.where(s != NO_DATE, "9999")).reset_index(drop=True)
    for c in ("payments", "credits", "net"):
        g[c] = g[c].round(2)
    return g


def supplier_totals(df, exclude_redacted: bool = True):
    """Net spend per supplier, largest first (redacted lines left out by default)."""
    return spend_by(df, "supplier", exclude_redacted=exclude_redacted)


@dataclass
class Concentration:
    """Supplier concentration (see :func:`concentration`)."""
    suppliers: int
    total: float
    top_n: int
    top_n_amount: float
    top_n_share: float
    hhi: float
    band: str
    redacted_excluded: float

    def table(self):
        import pandas as pd

        return pd.DataFrame([
            {"measure": "Suppliers paid (net spend above £0)", "value": f"{self.suppliers:,}"},
            {"measure": "Net spend with named suppliers", "value": f"£{self.total:,.0f}"},
            {"measure": f"Share with the top {self.top_n} suppliers",
             "value": percent(self.top_n_share)},
            {"measure": "Herfindahl–Hirschman index (0–10,000)", "value": f"{self.hhi:,.0f}"},
            {"measure": "Reading (CC/OFT merger guidelines bands)", "value": self.band},
            {"measure": "Redacted spend left out", "value": f"£{self.redacted_excluded:,.0f}"},
        ])


def hhi_band(hhi: float) -> str:
    for limit, label in HHI_BANDS:
        if hhi <= limit:
            return label
    return HHI_BANDS[-1][1]


def concentration(df, top_n: int = 10, exclude_redacted: bool = True) -> Concentration:
    """How concentrated the spend is across suppliers.

    Uses each supplier's net spend (credits netted off; the spellings of one supplier, by
    :func:`supplier_key`, together); suppliers with net spend of £0 or less are left out, and
    so are redacted lines (one label can hide many people). The top-N share is the largest
    ``top_n`` suppliers' share of the total; the HHI is the sum of the squared percentage
    shares (0–10,000).
    """
    if top_n < 1:
        raise ValueError("top_n must be at least 1")
    _check_spend(df)
    data = df[df["amount"].notna()]
    red = is_redacted(data["supplier"])
    redacted_amount = float(data.loc[red, "amount"].sum()) if exclude_redacted else 0.0
    if exclude_redacted:
        data = data[~red]
    named = data[data["supplier"].notna()]
    per = named["amount"].groupby(supplier_key(named["supplier"]).to_numpy()).sum()
    per = per[per > 0].sort_values(ascending=False)
    total = float(per.sum())
    if not total:
        return Concentration(0, 0.0, top_n, 0.0, float("nan"), float("nan"), "no spend",
                             redacted_amount)
    shares = per / total * 100
    hhi = float((shares ** 2).sum())
    top_amount = float(per.iloc[:top_n].sum())
    return Concentration(int(len(per)), round(total, 2), top_n, round(top_amount, 2),
                         top_amount / total, round(hhi, 1), hhi_band(hhi), round(redacted_amount, 2))


#: The confidence classes of :func:`duplicate_candidates`, strongest first, in plain words.
#: Measured precision on published lines: :data:`DUPLICATE_RULE_PRECISION`.
DUPLICATE_CLASSES = {
    "high": ("the same invoice paid twice: the same supplier, amount and transaction (invoice) "
             "number paid again on another date with the same description; or one line posted "
             "twice (two lines identical in every published field: transaction number, date, "
             "cost centre, expense type and description) for an amount the supplier is paid "
             "on no other day"),
    "medium": ("two payments on the same day that nothing published tells apart: the same "
               "supplier, amount, date, cost centre, expense type and description under "
               "different transaction numbers, for an amount the supplier is paid on no other "
               "day; or a line posted twice for an amount the supplier is also paid on other "
               "days"),
    "low": ("the same supplier and amount on the same day where the cost centre, expense type "
            "or description differ, where the file gives no transaction numbers, or where the "
            "supplier is paid that amount on other days too (a regular charge or standard "
            "price); or one transaction number on several dates with different descriptions: "
            "usually separate charges (weekly staff, several sites), listed so nothing is "
            "missed"),
}
CONFIDENCE_ORDER = ("high", "medium", "low")

#: How often each class is right on real published lines. Every candidate the rule finds in
#: Hyndburn's spend over £250 for January 2017 and April 2023, and in Oxford City Council's
#: spend for July–September 2014, was read and labelled by hand as a finance officer would
#: (``duplicate`` / ``not duplicate`` / ``unsure``, with the reason:
#: ``tests/fixtures/duplicate_labels.csv``) — all high and medium candidates, and a fixed
#: sample of the low ones (all of Hyndburn's; every third of Oxford's, in the order
#: :func:`duplicate_candidates` lists them). Per class: ``candidates`` labelled, how many were
#: ``duplicate``, ``unsure`` and ``not duplicate``; ``precision`` = duplicate / candidates
#: (unsure counted as not confirmed) and ``precision_if_unsure_were_duplicates``; the same two
#: by money (``amount_precision…``: the share of the labelled candidates' amount at stake).
#: Small samples from three files, read from the published lines alone (no invoices), and the
#: rule was refined on the same files: quote them as a rough range, not a rate.
#: ``tests/test_spend_analysis.py`` recomputes them from the labels.
DUPLICATE_RULE_PRECISION = {
    "high": {"candidates": 1, "duplicate": 0, "unsure": 1, "not duplicate": 0,
             "precision": 0.0, "precision_if_unsure_were_duplicates": 1.0,
             "amount_precision": 0.0, "amount_precision_if_unsure_were_duplicates": 1.0},
    "medium": {"candidates": 44, "duplicate": 5, "unsure": 17, "not duplicate": 22,
               "precision": 0.114, "precision_if_unsure_were_duplicates": 0.5,
               "amount_precision": 0.016, "amount_precision_if_unsure_were_duplicates": 0.808},
    "low": {"candidates": 34, "duplicate": 0, "unsure": 11, "not duplicate": 23,
            "precision": 0.0, "precision_if_unsure_were_duplicates": 0.324,
            "amount_precision": 0.0, "amount_precision_if_unsure_were_duplicates": 0.803},
}
#: The published files :data:`DUPLICATE_RULE_PRECISION` was measured on.
DUPLICATE_LABELLED_FILES = ("hyndburn_bc_spend_over_250_2017-01.csv",
                            "hyndburn_bc_spend_over_250_2023-04.csv",
                            "oxford_city_council_spend_2014Q3_jul-sep.csv")

_REF_LINE_SUFFIX = r"^(.*[0-9])_[0-9]{1,3}$"


def transaction_key(ids):
    """Transaction numbers → the payment document they belong to: spaces trimmed, upper case,
    and a line number after an underscore dropped (``46282421_3`` → ``46282421``: Oxford
    numbers each line of a document ``document_line``). Blank → missing. Takes a Series;
    :func:`toolkit_helpers.spend_pipeline.transaction_key_sql` is the same rule in SQL."""
    import pandas as pd

    s = (ids if isinstance(ids, pd.Series) else pd.Series(ids)).astype("str").str.strip().str.upper()
    s = s.where(s.notna() & (s != ""))
    return s.str.replace(_REF_LINE_SUFFIX, r"\1", regex=True)


def batch_references(df) -> set:
    """Transaction numbers (as :func:`transaction_key` writes them) shared by lines of more
    than one supplier: a payment-run, batch or card-statement reference (``P-CARD - APR 23``),
    not an invoice number, so lines under it are not taken to be one payment."""
    if "transaction_id" not in df.columns or df.empty:
        return set()
    return _batch_references(transaction_key(df["transaction_id"]), supplier_key(df["supplier"]))


def _batch_references(docs, keys) -> set:
    """:func:`batch_references` from each line's :func:`transaction_key` and
    :func:`supplier_key`."""
    import numpy as np
    import pandas as pd

    doc, doc_values = pd.factorize(docs)
    key = pd.factorize(keys.where(keys != ""))[0]  # blank keys count as missing
    ok = (doc >= 0) & (key >= 0)
    if not ok.any():
        return set()
    m = int(key[ok].max()) + 1
    pairs = np.unique(doc[ok].astype(np.int64) * m + key[ok])  # each (document, supplier) once
    suppliers = np.bincount(pairs // m, minlength=len(doc_values))
    return set(np.asarray(doc_values, dtype=object)[suppliers > 1].tolist())


#: The columns of a spend frame :func:`_duplicate_groups` reads.
_DUPLICATE_COLUMNS = ("supplier", "amount", "payment_date", "transaction_id", "purpose",
                      "service_area", "expense_type", "expense_code", "source_file", "source_row")


def _duplicate_pool(df, exclude_redacted: bool, keys=None, docs=None):
    """The lines that can be duplicate candidates: payments (amount above 0; credits never),
    a named supplier (redacted ones left out unless asked), and another payment of the same
    amount to the same supplier. ``keys`` and ``docs``: :func:`supplier_key` and
    :func:`transaction_key` of every line of ``df``, when already worked out."""
    mask = (df["amount"].notna() & (df["amount"] > 0) & df["supplier"].notna()).to_numpy(dtype=bool)
    if exclude_redacted:
        mask = mask & ~is_redacted(df["supplier"]).to_numpy(dtype=bool)
    data = df[[c for c in _DUPLICATE_COLUMNS if c in df.columns]][mask].copy()
    data["_key"] = (supplier_key(data["supplier"]) if keys is None else keys[mask]).to_numpy()
    if docs is not None:
        data["_tk"] = docs[mask].to_numpy()
    data = data[data["_key"].notna() & (data["_key"] != "")]
    data["_cents"] = (data["amount"] * 100).round().astype("int64")
    return data[data.groupby(["_key", "_cents"])["_cents"].transform("size").to_numpy() > 1]


def _per_value(col, fn, missing):
    """``fn`` worked out once per distinct value of ``col`` (missing values → ``missing``):
    ``(values, codes)`` — an object array aligned with ``col``, and integer codes that are
    equal where the values are."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(col)
    vals = np.array([fn(v) for v in uniques] + [missing], dtype=object)
    val_codes = pd.factorize(vals)[0].astype(np.int64)
    return vals[codes], val_codes[codes]  # code -1 (missing) takes the last entry


def _text_key(col):
    """Text compared as a finance officer would: case and spacing ignored; missing → ''.
    Returns integer codes (equal where the texts compare equal)."""
    return _per_value(col, lambda v: " ".join(v.upper().split()) if isinstance(v, str) else "",
                      "")[1]


_NOT_WORD = re.compile(r"[^A-Z0-9]+")


def _words_key(col):
    """A description by its words in any order (``STEAM X 2 CLEAN`` = ``Steam clean x 2``);
    punctuation and case ignored; missing → ''. Returns integer codes (equal where the
    descriptions compare equal)."""
    return _per_value(col, lambda v: " ".join(sorted(_NOT_WORD.sub(" ", v.upper()).split()))
                      if isinstance(v, str) else "", "")[1]


def _gbp(v: float) -> str:
    return f"£{float(v):,.2f}"


def _day_text(day: str) -> str:
    import pandas as pd

    return f"{pd.Timestamp(day):%d %b %Y}"


def _listed(values, most: int = 3) -> str:
    vals = [str(v) for v in dict.fromkeys(values)]
    return ", ".join(vals[:most]) + (f" and {len(vals) - most} more" if len(vals) > most else "")


def _codes(values):
    """Integer codes of ``values`` (equal values, equal codes; missing → -1)."""
    import numpy as np
    import pandas as pd

    return pd.factorize(values)[0].astype(np.int64)


def _distinct_per_group(g, n_groups: int, codes):
    """How many distinct codes (missing ones, -1, not counted) each group of ``g`` has."""
    import numpy as np

    ok = codes >= 0
    if not ok.any():
        return np.zeros(n_groups, dtype=np.int64)
    m = int(codes[ok].max()) + 1
    pairs = np.unique(g[ok] * m + codes[ok])
    return np.bincount(pairs // m, minlength=n_groups)


def _duplicate_groups(data, batch: set):
    """Candidate groups from the pool of :func:`_duplicate_pool` (see
    :func:`duplicate_candidates`). Vectorised: lines are grouped by integer codes, each rule's
    test is worked out for all groups at once, and only the groups kept are visited one by one
    (for their ``why``)."""
    import numpy as np
    import pandas as pd

    cols = ["group", "confidence", "reason", "why", "lines_in_group", "supplier", "amount",
            "payment_date", "transaction_id", "purpose", "same_purpose", "at_stake",
            "source_file", "source_row"]
    if data.empty:
        return pd.DataFrame(columns=cols)
    d = data.copy()
    d["_file"] = d["source_file"].astype("str").fillna("")
    d = d.sort_values(["_file", "source_row"], kind="stable").reset_index(drop=True)
    n = len(d)
    ref = d["transaction_id"].astype("str").str.strip().str.upper()
    ref = ref.where(ref.notna() & (ref != ""))
    doc = (d["_tk"].astype("str") if "_tk" in d else
           ref.str.replace(_REF_LINE_SUFFIX, r"\1", regex=True))  # transaction_key
    shared = doc.isin(batch).to_numpy(dtype=bool)  # a batch reference is no invoice number
    day, day_code = _per_value(d["payment_date"], lambda t: f"{t:%Y-%m-%d}", "")
    code = {"_key": _codes(d["_key"]), "_cents": _codes(d["_cents"]),
            "_ref": _codes(ref.mask(shared)), "_doc": _codes(doc.mask(shared)), "_day": day_code,
            "_area": _text_key(d["service_area"]), "_type": _text_key(d["expense_type"]),
            "_code": (_text_key(d["expense_code"]) if "expense_code" in d
                      else np.zeros(n, dtype=np.int64)),
            "_desc": _words_key(d["purpose"]), "_pos": np.arange(n, dtype=np.int64)}
    # a line's unit: its payment document, else the line itself
    code["_unit"] = np.where(code["_doc"] >= 0, code["_doc"], code["_doc"].max() + 1 + code["_pos"])
    amount = d["amount"].to_numpy(dtype=float)
    supplier = d["supplier"].to_numpy(dtype=object)
    shown_ref = d["transaction_id"].astype("str").str.strip().fillna("(none)").to_numpy(dtype=object)
    purpose = d["purpose"].astype("str").str.strip().fillna("").to_numpy(dtype=object)
    dated = day != ""
    # on how many days the supplier is paid this amount (a regular charge or standard price
    # when more than one)
    pair = _codes(code["_key"] * (int(code["_cents"].max()) + 1) + code["_cents"])
    days_paid = _distinct_per_group(pair, int(pair.max()) + 1,
                                    np.where(dated, day_code, -1))[pair]
    has_doc = code["_doc"] >= 0
    dated = day != ""
    claimed = np.zeros(n, dtype=bool)
    found = []  # per rule: its lines' positions, group ids and units (transaction, date, line)
    meta = []  # per group id: (confidence, reason, why)
    by_ref = "same supplier, amount and reference"
    by_date = "same supplier, amount and date"
    day_texts = {}

    def day_text(x: str) -> str:
        if x not in day_texts:
            day_texts[x] = _day_text(x)
        return day_texts[x]

    def regular(i) -> str:
        other = int(days_paid[i]) - (1 if day[i] else 0)
        return (f"; but {supplier[i]} is paid {_gbp(amount[i])} on {other} other "
                f"day{'s' if other != 1 else ''} too: a regular charge or standard price?"
                if other > 0 else "")

    def take(mask, keys, unit, decide):
        sel = np.flatnonzero(mask & ~claimed)
        if not len(sel):
            return
        g, bound = np.zeros(len(sel), dtype=np.int64), 1
        for k in keys:  # one code per distinct combination of the keys
            c = code[k][sel] + 1
            m = int(c.max()) + 1
            if bound * m >= 2 ** 62:  # renumber before the combined code could overflow
                g = pd.factorize(g)[0].astype(np.int64)
                bound = int(g.max()) + 1
            g, bound = g * m + c, bound * m
        g = pd.factorize(g)[0].astype(np.int64)
        several = np.bincount(g)[g] > 1
        if not several.any():
            return
        sel = sel[several]
        g = pd.factorize(g[several])[0].astype(np.int64)
        groups = int(g.max()) + 1
        first = sel[np.unique(g, return_index=True)[1]]  # each group's first line

        def distinct(k):
            return _distinct_per_group(g, groups, code[k][sel])

        def values(values_of, kept):
            """Per kept group: its lines' values of ``values_of``, in line order."""
            out = {}
            on = kept[g]
            for gi, v in zip(g[on].tolist(), values_of[sel[on]].tolist()):
                out.setdefault(gi, {})[v] = None
            return {gi: list(v) for gi, v in out.items()}

        kept, whys = decide(g, groups, first, sel, distinct, values)
        if not kept.any():
            return
        on = kept[g]
        lines = sel[on]
        claimed[lines] = True
        number = np.cumsum(kept) - 1 + len(meta)  # group ids unique across rules
        found.append((lines, number[g[on]], code[unit][lines]))
        meta.extend(whys[gi] for gi in sorted(whys))

    def kept_groups(test, why, first):
        kept = np.asarray(test, dtype=bool)
        return kept, {int(gi): why(int(gi), int(first[gi])) for gi in np.flatnonzero(kept)}

    # high (1): one invoice number, the same description, paid on two or more dates
    def paid_again(g, groups, first, sel, distinct, values):
        test = distinct("_day") >= 2
        days = values(day, test)
        return kept_groups(test, lambda gi, i: (
            "high", by_ref,
            f"transaction {shown_ref[i]} for {_gbp(amount[i])} was paid on "
            f"{_listed(day_text(x) for x in sorted(days[gi]))} with the same description: the "
            "same invoice paid again?"), first)

    take(has_doc & dated, ["_key", "_cents", "_doc", "_desc"], "_day", paid_again)

    # high (2): a line posted twice (two lines identical in every published field); three or
    # more identical lines under one transaction number are units of one purchase. Demoted
    # to medium when the supplier is paid the amount on other days too.
    def posted_twice(g, groups, first, sel, distinct, values):
        def why(gi, i):
            also = regular(i)
            return ("medium" if also else "high", by_ref,
                    f"the same line appears twice: transaction {shown_ref[i]}, {_gbp(amount[i])}, "
                    "same date, cost centre, expense type and description" + also)

        return kept_groups(np.bincount(g, minlength=groups) == 2, why, first)

    take(code["_ref"] >= 0,
         ["_key", "_cents", "_ref", "_day", "_area", "_type", "_code", "_desc"], "_pos",
         posted_twice)

    # medium: the same day, different transaction numbers, nothing else tells them apart
    # (low when the supplier is paid the amount on other days too)
    def same_day_alike(g, groups, first, sel, distinct, values):
        ndocs = distinct("_doc")
        test = ndocs >= 2
        refs = values(shown_ref, test)

        def why(gi, i):
            also = regular(i)
            return ("low" if also else "medium", by_date,
                    f"{ndocs[gi]} payments of {_gbp(amount[i])} on {day_text(day[i])} under "
                    f"different transaction numbers ({_listed(refs[gi])}) with the same cost "
                    "centre, expense type and description" + also)

        return kept_groups(test, why, first)

    take(has_doc & dated, ["_key", "_cents", "_day", "_area", "_type", "_code", "_desc"],
         "_doc", same_day_alike)

    # low (1): the same day, but something differs, or no transaction numbers
    def same_day_differs(g, groups, first, sel, distinct, values):
        nunits = distinct("_unit")
        size = np.bincount(g, minlength=groups)
        nodoc = np.bincount(g, weights=(code["_doc"][sel] < 0), minlength=groups) > 0
        n_of = {k: distinct(k) for k in ("_area", "_type", "_code", "_desc")}

        def why(gi, i):
            when = day_text(day[i])
            if nodoc[gi]:
                return ("low", by_date,
                        f"{size[gi]} payments of {_gbp(amount[i])} on {when}; the file gives no "
                        "transaction number to tell one purchase's lines from separate payments")
            differ = [name for k, name in (("_area", "cost centres"), ("_type", "expense types"),
                                           ("_code", "expense codes"), ("_desc", "descriptions"))
                      if n_of[k][gi] > 1]
            return ("low", by_date,
                    f"{nunits[gi]} payments of {_gbp(amount[i])} on {when} under different "
                    f"transaction numbers, but the {' and '.join(differ) or 'details'} differ")

        return kept_groups(nunits >= 2, why, first)

    take(dated, ["_key", "_cents", "_day"], "_unit", same_day_differs)

    # low (2): one transaction number on several dates, but the descriptions differ
    def ref_on_dates(g, groups, first, sel, distinct, values):
        ndays = distinct("_day")
        test = ndays >= 2
        purposes = values(purpose, test)
        return kept_groups(test, lambda gi, i: (
            "low", by_ref,
            f"transaction {shown_ref[i]} for {_gbp(amount[i])} on {ndays[gi]} dates, but the "
            f"descriptions differ ({_listed(repr(x) for x in purposes[gi] if x)}): separate "
            "charges under one reference?"), first)

    take(has_doc & dated, ["_key", "_cents", "_doc"], "_day", ref_on_dates)

    if not found:
        return pd.DataFrame(columns=cols)
    pos, gid, unit = (np.concatenate([f[i] for f in found]) for i in range(3))
    groups = len(meta)
    first = np.full(groups, n, dtype=np.int64)
    np.minimum.at(first, gid, pos)
    # group order: high first, then the biggest amounts, supplier, first line
    rank = {c: i for i, c in enumerate(CONFIDENCE_ORDER)}
    conf_rank = np.array([rank[m[0]] for m in meta], dtype=np.int64)
    names = pd.unique(d["_key"].to_numpy(dtype=object))  # in code order
    key_rank = np.empty(len(names), dtype=np.int64)
    key_rank[np.argsort(names, kind="stable")] = np.arange(len(names))
    key_order = key_rank[code["_key"][first]]
    order = np.lexsort((first, key_order, -amount[first], conf_rank))
    number = np.empty(groups, dtype=np.int64)
    number[order] = np.arange(1, groups + 1)
    line_order = np.lexsort((pos, number[gid]))
    pos, gid, unit = pos[line_order], gid[line_order], unit[line_order]
    # the genuine payment: the unit (transaction, date or line) with most lines, else the first
    pair = _codes(gid * (int(unit.max()) + 1) + unit)
    lines_of = np.bincount(pair)
    pair_first = np.full(len(lines_of), n, dtype=np.int64)
    np.minimum.at(pair_first, pair, pos)
    pair_gid = np.empty(len(lines_of), dtype=np.int64)
    pair_gid[pair] = gid
    best = np.lexsort((pair_first, -lines_of, pair_gid))
    top = np.r_[True, pair_gid[best][1:] != pair_gid[best][:-1]]  # each group's first
    genuine = np.empty(groups, dtype=np.int64)
    genuine[pair_gid[best][top]] = best[top]
    out = d[[c for c in cols if c in d]].iloc[pos].reset_index(drop=True)
    whys = pd.DataFrame(meta, columns=["confidence", "reason", "why"]).iloc[gid]
    for c in whys.columns:
        out[c] = whys[c].reset_index(drop=True)
    out["group"] = number[gid]
    out["at_stake"] = np.where(pair == genuine[gid], 0.0, amount[pos]).round(2)
    out["lines_in_group"] = np.bincount(gid, minlength=groups)[gid].astype("int64")
    said = out["purpose"].astype("str").str.strip().str.upper().fillna("\x00none")
    out["same_purpose"] = _distinct_per_group(gid, groups, _codes(said))[gid] == 1
    return out[cols]


def duplicate_candidates(df, exclude_redacted: bool = True):
    """Possible duplicate payments to check, each with a ``confidence`` (``high``, ``medium``,
    ``low``: :data:`DUPLICATE_CLASSES`) and ``why`` in plain words. Candidates, not proof: a
    repeat order looks the same; how often each class is right on published data is in
    :data:`DUPLICATE_RULE_PRECISION`.

    Lines compared: payments only (credits are never candidates and never netted off), to the
    same supplier (by :func:`supplier_key`) for the same amount to the penny; redacted
    suppliers are left out (one label covers many people). Transaction numbers are compared
    by :func:`transaction_key` (a line number like ``_3`` dropped); a number shared by
    several suppliers is a batch or card-statement reference and is ignored
    (:func:`batch_references`).

    - **high** — the same transaction (invoice) number paid on two or more dates with the
      same description; or two lines identical in every published field (transaction
      number, date, cost centre, expense type, description): a line posted twice.
    - **medium** — the same date under different transaction numbers, with the same cost
      centre, expense type and description.
    - **low** — the same date where the cost centre, expense type or description differ, or
      where there are no transaction numbers; or one transaction number on several dates with
      different descriptions (e.g. weekly agency staff under a batch reference).

    A regular charge — the supplier is paid the same amount on other days in the data too
    (a weekly rate, a standard price) — lowers a line posted twice to medium and a same-day
    pair to low. Descriptions are compared by their words (case, punctuation and word order
    ignored: ``STEAM CLEAN X 2`` = ``STEAM X 2 CLEAN``); cost centres and expense types
    ignoring case and spacing.

    Never candidates: lines of one transaction number on one date (one invoice split across
    cost centres, or several identical lines — units of one purchase — when three or more).
    Each line is in at most one group, its strongest.

    Returns one row per line: ``group, confidence, reason, why, lines_in_group, supplier,
    amount, payment_date, transaction_id, purpose, same_purpose, at_stake, source_file,
    source_row``; high first, then biggest amounts. ``reason`` is the older two-way rule
    (``'same supplier, amount and date'`` / ``'... and reference'``); ``at_stake`` is what the
    line adds to the amount at stake (0 for the lines taken as the genuine payment: the
    transaction, or date, with most lines, else the first)."""
    _check_spend(df)
    keys = supplier_key(df["supplier"])  # worked out once for the batch references and pool
    if "transaction_id" not in df.columns or df.empty:
        return _duplicate_groups(_duplicate_pool(df, exclude_redacted, keys), set())
    docs = transaction_key(df["transaction_id"])
    return _duplicate_groups(_duplicate_pool(df, exclude_redacted, keys, docs),
                             _batch_references(docs, keys))


def duplicate_summary(candidates):
    """Per confidence class (high, medium, low): ``confidence, meaning, groups, lines,
    amount at stake`` — what would be recovered if every candidate in the class were a
    duplicate (the sum of ``at_stake``) — then the class's measured ``precision`` on labelled
    published lines (:data:`DUPLICATE_RULE_PRECISION`) and a cash **recovery estimate**: the
    amount at stake × the measured share of money in confirmed duplicates (``recovery,
    cautious``) and × the share in confirmed or unclear ones (``recovery, if unsure ones
    are duplicates``). The two recovery columns are the range to quote in the financial
    case; the amount at stake is a ceiling, not an estimate."""
    import pandas as pd

    rows = []
    for conf in CONFIDENCE_ORDER:
        sub = candidates[candidates["confidence"] == conf] if len(candidates) else candidates
        p = DUPLICATE_RULE_PRECISION.get(conf, {})
        at_stake = round(float(sub["at_stake"].sum()), 2) if len(sub) else 0.0
        rows.append({
            "confidence": conf, "meaning": DUPLICATE_CLASSES[conf],
            "groups": int(sub["group"].nunique()) if len(sub) else 0, "lines": int(len(sub)),
            "amount at stake": at_stake,
            "precision": p.get("precision", float("nan")),
            "recovery, cautious": round(at_stake * p.get("amount_precision", 0.0), 2),
            "recovery, if unsure ones are duplicates":
                round(at_stake * p.get("amount_precision_if_unsure_were_duplicates", 0.0), 2)})
    return pd.DataFrame(rows)


def repeat_payments(df, min_months: int = 3, exclude_redacted: bool = True):
    """The same amount to the same supplier (by :func:`supplier_key`, shown by its most
    frequent spelling) in at least ``min_months`` different months: ``supplier, amount,
    months, payments, first, last, total`` (largest totals first). Regular payments like these
    often sit outside a tendered contract and are worth a review."""
    import pandas as pd

    _check_spend(df)
    mask = (df["amount"].notna() & (df["amount"] > 0) & df["supplier"].notna()
            & df["payment_date"].notna()).to_numpy(dtype=bool)
    if exclude_redacted:
        mask = mask & ~is_redacted(df["supplier"]).to_numpy(dtype=bool)
    data = df[mask].copy()
    cols = ["supplier", "amount", "months", "payments", "first", "last", "total"]
    if data.empty:
        return pd.DataFrame(columns=cols)
    data["_name"] = _supplier_labels(df)[mask]
    data["_key"] = supplier_key(data["supplier"]).to_numpy()
    data["_cents"] = (data["amount"] * 100).round().astype("int64")
    data["_month"] = data["payment_date"].dt.to_period("M")
    g = data.groupby(["_key", "_cents"]).agg(
        supplier=("_name", "first"), amount=("amount", "first"), months=("_month", "nunique"),
        payments=("amount", "size"), first=("payment_date", "min"), last=("payment_date", "max"),
        total=("amount", "sum")).reset_index(drop=True)
    g = g[g["months"] >= min_months].sort_values(["total", "supplier"], ascending=[False, True])
    g["total"] = g["total"].round(2)
    return g[cols].reset_index(drop=True)


def redacted_share(df):
    """Redacted supplier names by kind: ``kind, transactions, amount, share of lines, share of
    spend``, with an ``All redacted`` total row. Shares are of all lines / all net spend."""
    import pandas as pd

    _check_spend(df)
    data = df[df["amount"].notna()]
    kinds = redaction_kind(data["supplier"])
    total_n, total_amt = len(data), float(data["amount"].sum())
    rows = []
    for label in REDACTION_KIND_ORDER:
        m = (kinds == label).to_numpy()
        rows.append({"kind": label, "transactions": int(m.sum()),
                     "amount": round(float(data.loc[m, "amount"].sum()), 2)})
    m = kinds.notna().to_numpy()
    rows.append({"kind": "All redacted", "transactions": int(m.sum()),
                 "amount": round(float(data.loc[m, "amount"].sum()), 2)})
    out = pd.DataFrame(rows)
    out["share of lines"] = out["transactions"] / total_n if total_n else float("nan")
    out["share of spend"] = out["amount"] / total_amt if total_amt else float("nan")
    return out


@dataclass
class Credits:
    lines: int
    total: float  # negative
    payments: float  # positive lines' total
    share_of_payments: float
    by_supplier: object  # DataFrame

    def table(self):
        import pandas as pd

        return pd.DataFrame([
            {"measure": "Credit lines (negative amounts)", "value": f"{self.lines:,}"},
            {"measure": "Total of credits", "value": f"-£{abs(self.total):,.2f}"},
            {"measure": "Total of payments", "value": f"£{self.payments:,.2f}"},
            {"measure": "Credits as a share of payments", "value": percent(self.share_of_payments)},
        ])


def credits(df, top: int = 10) -> Credits:
    """Credit notes, refunds and reversals: the negative lines (``(12.50)`` and ``12.50-`` in
    the files), their total, their share of payments, and the suppliers with most credits."""
    import pandas as pd

    _check_spend(df)
    amt = df["amount"]
    is_neg = (amt < 0).to_numpy(dtype=bool)
    neg = df[is_neg]
    pos_total = float(amt[amt > 0].sum())
    by = (neg.assign(supplier=_supplier_labels(df)[is_neg])
          .groupby("supplier")["amount"].agg(credits="sum", lines="size").reset_index()
          .sort_values(["credits", "supplier"]).head(top).reset_index(drop=True))
    by["credits"] = by["credits"].round(2)
    total = float(neg["amount"].sum())
    return Credits(int(len(neg)), round(total, 2), round(pos_total, 2),
                   abs(total) / pos_total if pos_total else float("nan"),
                   by if len(by) else pd.DataFrame(columns=["supplier", "credits", "lines"]))


# ----------------------------------------------------------------------------- SME / VCSE

def supplier_flags(ocds):
    """Per supplier named in notices: ``supplier_key, supplier, sme, vcse`` (``True``/``False``/
    missing), from ``parties[].details`` via :func:`toolkit_helpers.procurement.load_ocds`."""
    import pandas as pd

    from .procurement import SME_SCALES

    rows = []
    for names, scales, vcse in zip(ocds["suppliers"], ocds.get("supplier_scales", []),
                                   ocds.get("supplier_vcse_flags", [])):
        if not isinstance(names, str):
            continue
        ns = names.split("; ")
        ss = scales.split("; ") if isinstance(scales, str) else ["unknown"] * len(ns)
        vs = vcse.split("; ") if isinstance(vcse, str) else ["unknown"] * len(ns)
        for n, s, v in zip(ns, ss, vs):
            rows.append({"supplier": n, "sme": None if s == "unknown" else s in SME_SCALES,
                         "vcse": {"yes": True, "no": False}.get(v)})
    if not rows:
        return pd.DataFrame(columns=["supplier_key", "supplier", "sme", "vcse"])
    t = pd.DataFrame(rows)
    t["supplier_key"] = supplier_key(t["supplier"]).to_numpy()
    t["supplier"] = supplier_names(t["supplier"]).to_numpy()
    # one row per key: a known flag wins over unknown; any True wins
    agg = t.groupby("supplier_key").agg(
        supplier=("supplier", "first"),
        sme=("sme", lambda s: (s.dropna().any() if s.notna().any() else None)),
        vcse=("vcse", lambda s: (s.dropna().any() if s.notna().any() else None))).reset_index()
    agg["sme"] = agg["sme"].astype("boolean")
    agg["vcse"] = agg["vcse"].astype("boolean")
    return agg[["supplier_key", "supplier", "sme", "vcse"]]


def sme_vcse_share(spend, ocds):
    """Net spend by supplier size and VCSE status, matching spend suppliers to suppliers in
    tender/award notices by :func:`supplier_key`. Returns ``measure, group, suppliers, amount,
    share``: groups ``SME`` / ``large`` / ``unknown`` and ``VCSE`` / ``not VCSE`` / ``unknown``.
    Spend files rarely say a supplier's size, so "unknown" is usually large: the share of
    known SMEs is a lower bound, not the council's SME share."""
    import pandas as pd

    _check_spend(spend)
    flags = supplier_flags(ocds).set_index("supplier_key")
    data = spend[spend["amount"].notna() & spend["supplier"].notna()]
    data = data[~is_redacted(data["supplier"])]
    keys = supplier_key(data["supplier"])
    total = float(data["amount"].sum())
    rows = []
    for measure, col, yes, no in (("size", "sme", "SME", "large"),
                                  ("VCSE status", "vcse", "VCSE", "not VCSE")):
        flag = keys.map(flags[col]) if len(flags) else pd.Series(pd.NA, index=keys.index)
        flag = flag.astype("boolean")
        for label, mask in ((yes, flag.eq(True).fillna(False)), (no, flag.eq(False).fillna(False)),
                            ("unknown", flag.isna())):
            m = mask.to_numpy(dtype=bool)
            rows.append({"measure": measure, "group": label,
                         "suppliers": int(keys[m].nunique()),
                         "amount": round(float(data.loc[m, "amount"].sum()), 2)})
    out = pd.DataFrame(rows)
    out["share"] = out["amount"] / total if total else float("nan")
    return out


def award_sme_share(ocds):
    """Awarded value (net, GBP) by supplier size and VCSE status, over each awarded process's
    releases compiled into one (:func:`toolkit_helpers.procurement.compiled_releases`: a
    supplier's size given only by an earlier release survives a later one that leaves it out;
    live awards only: ``pending`` ones are not awarded): ``measure,
    group, awards, value, share, gross-only value``. ``value`` and ``share`` use net values;
    awards given only with VAT are counted in ``awards`` and summed apart in ``gross-only
    value`` (never added to ``value``)."""
    import pandas as pd

    latest = awarded_contracts(ocds)
    net = _in_gbp(latest["award_value_amount"], latest["award_value_currency"])
    gross = (_in_gbp(latest["award_value_gross_only"], latest["award_value_currency"])
             if "award_value_gross_only" in latest.columns
             else pd.Series(float("nan"), index=latest.index))
    keep = (net.notna() | gross.notna()).to_numpy(dtype=bool)
    aw, net, gross = latest[keep], net[keep], gross[keep]
    total = float(net.sum())
    rows = []
    for measure, col, yes, no in (("size", "supplier_sme", "SME", "large"),
                                  ("VCSE status", "supplier_vcse", "VCSE", "not VCSE")):
        flag = aw[col].astype("boolean")
        for label, mask in ((yes, flag.eq(True).fillna(False)), (no, flag.eq(False).fillna(False)),
                            ("unknown", flag.isna())):
            m = mask.to_numpy(dtype=bool)
            rows.append({"measure": measure, "group": label, "awards": int(m.sum()),
                         "value": round(float(net[m].sum()), 2),
                         "gross-only value": round(float(gross[m].sum()), 2)})
    out = pd.DataFrame(rows)
    out["share"] = out["value"] / total if total else float("nan")
    return out[["measure", "group", "awards", "value", "share", "gross-only value"]]


# ----------------------------------------------------------------------------- contracts

WINDOWS = ("ended", "0–6 months", "6–12 months", "12–24 months", "later")


def _as_of(as_of):
    import pandas as pd

    if as_of is None:
        raise ValueError("as_of is required (a date like '2024-04-01'): results must not "
                         "depend on the day the notebook runs")
    try:
        ts = pd.Timestamp(as_of)
    except (ValueError, TypeError):
        ts = pd.NaT
    if ts is pd.NaT:
        from .errors import ToolkitError

        raise ToolkitError(f"as_of {as_of!r} is not a date",
                           hint="write the date as YYYY-MM-DD, e.g. '2024-04-01'.")
    if ts.tzinfo is not None:
        ts = ts.tz_convert("Europe/London").tz_localize(None)
    return ts.normalize()


def as_of_default(spend_df=None, ocds_df=None):
    """The date to count from when none is given: the first day of the latest month in the
    data — the latest ``payment_date`` in the spend frame, else the latest release ``date`` in
    the notices — so "contracts ending within 24 months" is counted from the data's own last
    month, on every run, whatever the day the notebook runs. Returns a ``pandas.Timestamp``
    (midnight). Raises :class:`~toolkit_helpers.errors.ToolkitError` when neither frame has a
    date (then give ``as_of`` yourself)."""
    import pandas as pd

    for frame, col in ((spend_df, "payment_date"), (ocds_df, "date")):
        if frame is None or col not in getattr(frame, "columns", ()):
            continue
        dates = pd.to_datetime(frame[col], errors="coerce")
        if getattr(dates.dt, "tz", None) is not None:
            dates = dates.dt.tz_convert("Europe/London").dt.tz_localize(None)
        latest = dates.max()
        if pd.notna(latest):
            return pd.Timestamp(year=latest.year, month=latest.month, day=1)
    from .errors import ToolkitError

    raise ToolkitError("no date to count from: the spend has no payment dates and the notices "
                       "no release dates",
                       hint="give the date yourself, e.g. AS_OF = '2024-04-01'.")


def contract_value(ocds):
    """The best net value for a contract: the awarded net value (GBP) when given, else the
    tender's estimated net value (GBP). Values known only with VAT are never mixed in (see
    :func:`gross_only_value`)."""
    award = _in_gbp(ocds["award_value_amount"], ocds["award_value_currency"])
    tender = _in_gbp(ocds["value_amount"], ocds["value_currency"])
    return award.fillna(tender)


def gross_only_value(ocds):
    """A contract's value known only with VAT (``amountGross``, GBP) where
    :func:`contract_value` has no net value: the award's gross-only value, else the tender's
    gross value. Reported beside net values, never added to them."""
    import pandas as pd

    net = contract_value(ocds)
    award = (_in_gbp(ocds["award_value_gross_only"], ocds["award_value_currency"])
             if "award_value_gross_only" in ocds.columns
             else pd.Series(float("nan"), index=ocds.index))
    tender = _in_gbp(ocds["value_amount_gross"], ocds["value_currency"])
    return award.fillna(tender).where(net.isna())


def _awarded(latest):
    """Per release: has the process been awarded? The loader's ``awarded`` column (a live
    award — status ``active`` or not given — or a contract; ``pending``, ``cancelled`` and
    ``unsuccessful`` awards do not count); for frames without it, an award/contract tag,
    suppliers or an award value."""
    import numpy as np

    if "awarded" in latest.columns:
        return latest["awarded"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    tags = latest["tag"].astype("str").fillna("")
    return np.asarray(tags.str.contains("award|contract", regex=True).fillna(False).astype(bool)
                      | latest["suppliers"].notna() | latest["award_value_amount"].notna(),
                      dtype=bool)


def _open_tender(latest):
    """Per release: an open (or planned) tender — not awarded, and its tender status not
    one that closes it (:data:`toolkit_helpers.procurement.CLOSED_TENDER_STATUSES`)."""
    from .procurement import CLOSED_TENDER_STATUSES

    status = latest["status"].astype("str").str.strip().str.lower().fillna("")
    return ~_awarded(latest) & ~status.isin(CLOSED_TENDER_STATUSES).to_numpy(dtype=bool)


def _in_gbp(values, currency):
    """Values whose currency is GBP (or not given); others missing."""
    return values.where(currency.isna() | (currency == "GBP"))


def awarded_contracts(ocds):
    """Each process that has been awarded (see ``awarded`` in
    :func:`toolkit_helpers.procurement.load_ocds`: a live award or contract; a ``pending``
    award is not an award), its releases compiled into one
    (:func:`toolkit_helpers.procurement.compiled_releases`): a contract period or value given
    by an earlier release survives a later notice that leaves it out."""
    from .procurement import compiled_releases

    compiled = compiled_releases(ocds)
    return compiled[_awarded(compiled)]


def expiry_pipeline(ocds, as_of, horizons=(6, 12, 24)):
    """Awarded contracts by when they end, measured from ``as_of``.

    Returns one row per contract (its releases compiled: :func:`awarded_contracts`): ``ocid, title, buyer,
    suppliers, value, value_gross_only, contract_start, contract_end, months_to_end, window,
    cpv_division`` (``value`` net, GBP: :func:`contract_value`; ``value_gross_only`` the
    VAT-inclusive value of contracts with no net value, kept apart: :func:`gross_only_value`)
    where ``window`` is ``ended``, ``0–6 months``, ``6–12 months``, ``12–24 months``, ``later``
    (for the default horizons) or ``end date not published``. Sorted by end date.
    """
    import numpy as np
    import pandas as pd

    ts = _as_of(as_of)
    h = sorted(horizons)
    labels = [f"{a}–{b} months" for a, b in zip([0] + h[:-1], h)]
    c = awarded_contracts(ocds)
    end = c["contract_end"]
    window = pd.Series("end date not published", index=c.index, dtype="object")
    window[end.notna() & (end < ts)] = "ended"
    prev = ts
    for months, label in zip(h, labels):
        limit = ts + pd.DateOffset(months=months)
        window[end.notna() & (end >= prev) & (end < limit)] = label
        prev = limit
    window[end.notna() & (end >= prev)] = "later"
    months_to_end = ((end - ts).dt.days / (365.25 / 12)).round(1) + 0.0  # no "-0.0"
    out = pd.DataFrame({
        "ocid": c["ocid"], "title": c["title"], "buyer": c["buyer"], "suppliers": c["suppliers"],
        "value": contract_value(c).round(2),
        "value_gross_only": gross_only_value(c).astype("float64").round(2),
        "contract_start": c["contract_start"],
        "contract_end": end, "months_to_end": months_to_end, "window": window,
        "cpv_division": c["cpv_division"],
    })
    order = {w: i for i, w in enumerate(["ended"] + labels + ["later", "end date not published"])}
    out["_o"] = out["window"].map(order)
    out = out.sort_values(["_o", "contract_end", "ocid"], na_position="last")
    out.attrs["as_of"] = str(ts.date())
    out.attrs["windows"] = ["ended"] + labels + ["later", "end date not published"]
    return out.drop(columns="_o").reset_index(drop=True).assign(
        months_to_end=lambda d: d["months_to_end"].astype("float64"),
        value=lambda d: d["value"].astype("float64").where(np.isfinite(d["value"].astype("float64"))))


def pipeline_summary(pipeline):
    """Per window: ``window, contracts, value`` (net value where known), ``value unknown``
    (contracts with no net value) and ``gross-only value`` (the VAT-inclusive value of those
    of them that give one: not added to ``value``)."""
    import pandas as pd

    rows = []
    for w in pipeline.attrs.get("windows", list(dict.fromkeys(pipeline["window"]))):
        sub = pipeline[pipeline["window"] == w]
        gross = sub["value_gross_only"] if "value_gross_only" in sub else pd.Series(dtype="float64")
        rows.append({"window": w, "contracts": int(len(sub)),
                     "value": round(float(sub["value"].sum()), 2),
                     "value unknown": int(sub["value"].isna().sum()),
                     "gross-only value": round(float(gross.sum()), 2)})
    return pd.DataFrame(rows)


def cpv_divisions(ocds):
    """Tender and award values by CPV division (first two digits of the first CPV code), over
    each process's releases **compiled** into one
    (:func:`toolkit_helpers.procurement.compiled_releases`: a value given only by the tender
    notice survives the award notice that leaves it out): ``division, name, notices,
    tender_value, open_tender_value, awarded_value, awarded_value_gross_only``; GBP only;
    largest first (awarded plus open tenders). Processes without a CPV code are one row.

    - ``notices`` — contracting processes (one per ``ocid``).
    - ``tender_value`` — the tender's estimated net value of every process that was awarded or
      is still open (tenders closed without an award — cancelled, unsuccessful, withdrawn — are
      left out), whichever release gave it.
    - ``open_tender_value`` — *open tenders (estimated)*: the part of ``tender_value`` of
      processes not yet awarded whose tender is not closed (cancelled, unsuccessful, complete,
      withdrawn); an awarded process's estimate is not an open tender.
    - ``awarded_value`` — the net value of live awards (``pending`` ones are not awarded).
    - ``awarded_value_gross_only`` — awards given only with VAT (``amountGross``), kept apart:
      never added to ``awarded_value``."""
    import numpy as np
    import pandas as pd

    from .procurement import CLOSED_TENDER_STATUSES, compiled_releases

    latest = compiled_releases(ocds)
    div = latest["cpv_division"].astype("str").fillna("")
    div = div.where(div != "", "(none)")
    awarded = _awarded(latest)
    is_open = _open_tender(latest)
    status = latest["status"].astype("str").str.strip().str.lower().fillna("")
    tendered = awarded | ~status.isin(CLOSED_TENDER_STATUSES - {"complete"}).to_numpy(dtype=bool)
    estimate = _in_gbp(latest["value_amount"], latest["value_currency"])
    award = _in_gbp(latest["award_value_amount"], latest["award_value_currency"]).where(awarded)
    gross = (_in_gbp(latest["award_value_gross_only"], latest["award_value_currency"])
             if "award_value_gross_only" in latest.columns
             else pd.Series(np.nan, index=latest.index)).where(awarded)
    t = pd.DataFrame({"division": div.to_numpy(),
                      "tender_value": estimate.where(tendered).to_numpy(dtype="float64"),
                      "open_tender_value": estimate.where(is_open).to_numpy(dtype="float64"),
                      "awarded_value": award.to_numpy(dtype="float64"),
                      "awarded_value_gross_only": gross.to_numpy(dtype="float64")})
    g = t.groupby("division").agg(notices=("division", "size"),
                                  tender_value=("tender_value", "sum"),
                                  open_tender_value=("open_tender_value", "sum"),
                                  awarded_value=("awarded_value", "sum"),
                                  awarded_value_gross_only=("awarded_value_gross_only", "sum")
                                  ).reset_index()
    g["name"] = g["division"].map(CPV_DIVISIONS).fillna("(no CPV code)")
    g.loc[(g["division"] != "(none)") & ~g["division"].isin(list(CPV_DIVISIONS)), "name"] = \
        "(not a CPV division)"
    g["_t"] = g["open_tender_value"] + g["awarded_value"]
    g = g.sort_values(["_t", "division"], ascending=[False, True]).drop(columns="_t")
    for c in ("tender_value", "open_tender_value", "awarded_value", "awarded_value_gross_only"):
        g[c] = g[c].round(2)
    return g[["division", "name", "notices", "tender_value", "open_tender_value",
              "awarded_value", "awarded_value_gross_only"]].reset_index(drop=True)


# ----------------------------------------------------------------------------- a service's chain

def match_service_area(areas, service_name: str | None):
    """The service area (from ``areas``) that best matches a service's name by shared words
    (``'Libraries and community hubs'`` → ``'Libraries & Community Hubs'``); ``None`` when no
    area shares a word."""
    if not service_name:
        return None
    stop = {"AND", "THE", "OF", "FOR", "SERVICE", "SERVICES"}

    def stem(w):
        if w.endswith("IES") and len(w) > 4:
            return w[:-3] + "Y"
        return w[:-1] if w.endswith("S") and len(w) > 3 else w

    def words(text):
        return {stem(w) for w in re.sub(r"[^A-Z0-9 ]+", " ", str(text).upper()).split()
                if w not in stop}

    want = words(service_name)
    best, best_score = None, 0.0
    for area in sorted({str(a) for a in areas if isinstance(a, str) and a.strip()}):
        have = words(area)
        if not have:
            continue
        score = len(want & have) / len(want | have)
        if score > best_score:
            best, best_score = area, score
    return best


def delivery_chain(spend_df, pipeline, service_area: str, ocds=None, top: int = 10):
    """Who delivers one service area: its suppliers by net spend (top ``top``), their share of
    the area's spend, and — where a contract with the same supplier is in ``pipeline`` (from
    :func:`expiry_pipeline`) — when it ends (the next to end, if several); with SME/VCSE
    status where ``ocds`` gives it."""
    import pandas as pd

    named = spend_df.assign(supplier=supplier_names(spend_df["supplier"]).to_numpy())
    area = named[(named["service_area"] == service_area) & named["amount"].notna()]
    cols = ["supplier", "amount", "share of area", "transactions", "contract", "contract end",
            "window", "SME", "VCSE"]
    if area.empty:
        return pd.DataFrame(columns=cols)
    t = spend_by(area, "supplier", top=top)
    t = t.rename(columns={"share": "share of area"})
    keys = supplier_key(t["supplier"])
    contracts = pipeline.copy()
    contracts["_first"] = contracts["suppliers"].astype("str").str.split("; ").str[0]
    contracts["_key"] = supplier_key(contracts["_first"].fillna(""))
    # a supplier with several contracts: the next to end (an ended one only if none is live)
    contracts["_ended"] = contracts["window"] == "ended"
    contracts = (contracts[contracts["_first"].notna()]
                 .sort_values("_ended", kind="stable").drop_duplicates("_key", keep="first"))
    by_key = contracts.set_index("_key")
    t["contract"] = keys.map(by_key["title"]).to_numpy()
    t["contract end"] = keys.map(by_key["contract_end"]).to_numpy()
    t["window"] = keys.map(by_key["window"]).to_numpy()
    if ocds is not None:
        flags = supplier_flags(ocds).set_index("supplier_key")
        # kept as a nullable boolean column (not object cells holding pd.NA)
        t["SME"] = pd.array(keys.map(flags["sme"]).astype("boolean"), dtype="boolean")
        t["VCSE"] = pd.array(keys.map(flags["vcse"]).astype("boolean"), dtype="boolean")
    else:
        t["SME"] = pd.array([pd.NA] * len(t), dtype="boolean")
        t["VCSE"] = pd.array([pd.NA] * len(t), dtype="boolean")
    t.loc[t["supplier"].str.startswith(OTHERS), ["contract", "window"]] = None
    return t[cols]


def delivery_chain_markdown(spend_df, chain, service_area: str | None) -> str:
    """The delivery chain of :func:`delivery_chain` in words (Markdown bullet points)."""
    if not service_area or chain is None or chain.empty:
        return ("No service area matches the service: set `SERVICE_AREA` to one of the service "
                "areas in the spend files.")
    areas = spend_by(spend_df, "service_area").set_index("service_area")
    total = areas.loc[service_area]
    named = chain[~chain["supplier"].str.startswith(OTHERS)]
    lines = [f"- **{service_area}** spent £{total['amount']:,.0f} ({percent(total['share'])} of "
             f"net spend); its largest supplier, {named['supplier'].iloc[0]}, received "
             f"{percent(named['share of area'].iloc[0])} of it."]
    for _, r in named[named["window"].notna()].iterrows():
        w = r["window"]
        if w == "ended":
            when = f"**ended** on {r['contract end']:%d %b %Y}: renew or re-procure now"
        elif w == "end date not published":
            when = "has **no published end date**: it cannot be planned for"
        elif w == "later":
            when = f"ends on {r['contract end']:%d %b %Y}, more than the pipeline's horizon away"
        else:
            when = f"ends within **{w}** ({r['contract end']:%d %b %Y})"
        lines.append(f"- {r['supplier']}: contract *{r['contract']}* {when}.")
    none = named[named["window"].isna()]
    if len(none):
        lines.append(f"- {len(none)} of the suppliers shown appear in no published contract: "
                     + ", ".join(none["supplier"]) + ".")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- charts

def _money_short(v: float) -> str:
    from .charts import format_gbp_short

    return format_gbp_short(v, m_decimals=2, k_from=1e3)


def bar_figure(table, label: str, value: str = "amount", title: str = "", what: str = "net spend",
               share: str | None = "share", max_bars: int = 15):
    """A horizontal bar chart of ``table[value]`` by ``table[label]`` (largest at the top),
    each bar labelled with its value (and share), and alt text describing it.
    Returns ``(fig, alt)``."""
    from .charts import PALETTE, gbp_axis, new_figure

    t = table.head(max_bars)
    n = len(t)
    fig, ax = new_figure(figsize=(8, max(2.5, 0.42 * n + 1.2)))
    labels = [str(x) for x in t[label]][::-1]
    values = [float(v) for v in t[value]][::-1]
    bars = ax.barh(labels, values, color=PALETTE[0])
    shares = list(t[share])[::-1] if share and share in t else [None] * n
    for b, v, s in zip(bars, values, shares):
        text = _money_short(v) + (f" ({percent(s)})" if s is not None and s == s else "")
        ax.annotate(text, (max(v, 0), b.get_y() + b.get_height() / 2), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=9)
    gbp_axis(ax, "x")
    ax.set_xlim(0, max(values + [0]) * 1.3 or 1)
    ax.set_title(title)
    ax.set_xlabel(what[:1].upper() + what[1:])
    ax.grid(axis="y", visible=False)
    if n:
        first = t.iloc[0]
        parts = [f"{first[label]} is largest at {_money_short(float(first[value]))}"
                 + (f" ({percent(first[share])})" if share and share in t else "")]
        rest = [f"{r[label]} {_money_short(float(r[value]))}" for _, r in t.iloc[1:3].iterrows()]
        if rest:
            parts.append("then " + " and ".join(rest))
        alt = (f"Horizontal bar chart of {what} by {label.replace('_', ' ')}: "
               + ", ".join(parts) + f"; {n} bars shown, each labelled with its value.")
    else:
        alt = f"Empty bar chart: no {what} to show."
    return fig, alt


def monthly_figure(monthly):
    """Payments and credits per month as two lines with different markers and line styles.
    Returns ``(fig, alt)``."""
    from .charts import LINESTYLES, MARKERS, PALETTE, gbp_axis, new_figure

    m = monthly[monthly["month"] != NO_DATE]
    fig, ax = new_figure()
    x = list(m["month"])
    ax.plot(x, m["payments"], color=PALETTE[0], marker=MARKERS[0], linestyle=LINESTYLES[0],
            label="Payments")
    ax.plot(x, m["credits"], color=PALETTE[5], marker=MARKERS[1], linestyle=LINESTYLES[1],
            label="Credits (negative)")
    ax.axhline(0, color=PALETTE[7], linewidth=0.8)
    gbp_axis(ax)
    ax.set_title("Spend per month")
    ax.set_xlabel("Month paid")
    ax.set_ylabel("Amount")
    ax.legend()
    ax.tick_params(axis="x", rotation=45)
    if len(m):
        hi = m.loc[m["payments"].idxmax()]
        lo = m.loc[m["payments"].idxmin()]
        alt = (f"Line chart of payments and credits per month from {x[0]} to {x[-1]}. Payments "
               f"(solid line, circles) range from {_money_short(lo['payments'])} in {lo['month']} "
               f"to {_money_short(hi['payments'])} in {hi['month']}; credits (dashed line, "
               f"squares) total {_money_short(float(m['credits'].sum()))} over the period.")
    else:
        alt = "Empty line chart: no dated spend."
    return fig, alt


def pipeline_figure(summary, as_of: str):
    """Contract value ending in each window, bars labelled with the number of contracts.
    Returns ``(fig, alt)``."""
    from .charts import PALETTE, gbp_axis, new_figure

    s = summary[summary["window"] != "ended"]
    fig, ax = new_figure()
    bars = ax.bar(list(s["window"]), list(s["value"]), color=PALETTE[2])
    for b, n, v in zip(bars, s["contracts"], s["value"]):
        ax.annotate(f"{n} contract{'s' if n != 1 else ''}\n{_money_short(v)}",
                    (b.get_x() + b.get_width() / 2, b.get_height()), xytext=(0, 3),
                    textcoords="offset points", ha="center", va="bottom", fontsize=9)
    gbp_axis(ax)
    ax.set_ylim(0, max(list(s["value"]) + [0]) * 1.25 or 1)
    ax.set_title(f"Contracts by when they end (from {as_of})")
    ax.set_ylabel("Contract value")
    ax.tick_params(axis="x", rotation=15)
    ax.grid(axis="x", visible=False)
    described = "; ".join(f"{r['window']}: {r['contracts']} worth {_money_short(r['value'])}"
                          for _, r in s.iterrows())
    alt = (f"Bar chart of awarded contract value by when the contract ends, counted from "
           f"{as_of}. {described}. Each bar is labelled with its number of contracts and value.")
    return fig, alt


def cpv_figure(table, max_bars: int = 10):
    """Tender (estimated) and awarded values by CPV division, as paired horizontal bars
    (hatching tells them apart as well as colour). Returns ``(fig, alt)``."""
    import numpy as np

    from .charts import PALETTE, gbp_axis, new_figure

    t = table.head(max_bars)
    n = len(t)
    fig, ax = new_figure(figsize=(8, max(2.5, 0.55 * n + 1.2)))
    y = np.arange(n)[::-1]
    names = [f"{d} " + textwrap.shorten(str(nm), 36, placeholder="…")
             for d, nm in zip(t["division"], t["name"])]
    ax.barh(y + 0.2, t["awarded_value"], height=0.4, color=PALETTE[0], label="Awarded")
    # open tenders: the estimate of processes not yet awarded (an older table has only
    # tender_value, which then meant the same)
    open_value = t["open_tender_value"] if "open_tender_value" in t else t["tender_value"]
    ax.barh(y - 0.2, open_value, height=0.4, color=PALETTE[1], hatch="//",
            label="Open tenders (estimated)")
    ax.set_yticks(y, names)
    gbp_axis(ax, "x")
    ax.set_title("Contract value by CPV division")
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    if n:
        top = t.iloc[0]
        alt = (f"Paired horizontal bar chart of awarded and estimated tender value by CPV "
               f"division; {n} divisions. The largest is {top['division']} ({top['name']}) with "
               f"{_money_short(top['awarded_value'])} awarded and "
               f"{_money_short(open_value.iloc[0])} in open tenders. Awarded bars are plain, "
               "tender bars hatched.")
    else:
        alt = "Empty chart: no notices with CPV codes."
    return fig, alt


# ----------------------------------------------------------------------------- headline findings

@dataclass
class Findings:
    """Headline numbers (``numbers``) and the same findings as Markdown bullet points."""
    numbers: dict
    markdown: str


def regular_without_contract(repeats, ocds):
    """Rows of :func:`repeat_payments` whose supplier is named in no tender or award notice."""
    if repeats.empty:
        return repeats
    known = set(supplier_flags(ocds)["supplier_key"]) if ocds is not None else set()
    return repeats[~supplier_key(repeats["supplier"]).isin(known).to_numpy()]


def findings(spend_df, ocds, as_of, top_n: int = 10, min_months: int = 6) -> Findings:
    """The headline findings of this analysis for the commercial case, from the data given:
    where the money goes, supplier concentration, redactions, duplicate candidates, regular
    payments outside published contracts, contracts ending after ``as_of``, SME share."""
    ts = _as_of(as_of)
    net = float(spend_df["amount"].sum())
    dated = spend_df["payment_date"].dropna()
    by_area = spend_by(spend_df, "service_area")
    conc = concentration(spend_df, top_n=top_n)
    red = redacted_share(spend_df).set_index("kind").loc["All redacted"]
    dup = duplicate_summary(duplicate_candidates(spend_df)).set_index("confidence")
    cred = credits(spend_df)
    rep = repeat_payments(spend_df, min_months=min_months)
    outside = regular_without_contract(rep, ocds)
    n = {
        "as_of": str(ts.date()),
        "lines": int(len(spend_df)),
        "files": int(spend_df["source_file"].nunique()),
        "first_month": dated.min().strftime("%Y-%m") if len(dated) else None,
        "last_month": dated.max().strftime("%Y-%m") if len(dated) else None,
        "net_spend": round(net, 2),
        "top_service_area": by_area["service_area"].iloc[0] if len(by_area) else None,
        "top_service_area_share": float(by_area["share"].iloc[0]) if len(by_area) else None,
        "suppliers": conc.suppliers,
        "top_n": top_n,
        "top_n_share": conc.top_n_share,
        "hhi": conc.hhi,
        "hhi_band": conc.band,
        "redacted_share_of_spend": float(red["share of spend"]),
        "redacted_lines": int(red["transactions"]),
        "credit_lines": cred.lines,
        "credits_total": cred.total,
        "duplicate_groups": int(dup["groups"].sum()),
        "duplicate_amount_at_stake": round(float(dup["amount at stake"].sum()), 2),
        "duplicate_groups_by_class": {c: int(dup.loc[c, "groups"]) for c in CONFIDENCE_ORDER},
        "duplicate_amount_at_stake_by_class": {c: float(dup.loc[c, "amount at stake"])
                                               for c in CONFIDENCE_ORDER},
        "duplicate_recovery_estimate": {
            "cautious": round(float(dup["recovery, cautious"].sum()), 2),
            "if_unsure_were_duplicates":
                round(float(dup["recovery, if unsure ones are duplicates"].sum()), 2)},
        "duplicate_rule_precision": {c: DUPLICATE_RULE_PRECISION[c]["precision"]
                                     for c in CONFIDENCE_ORDER},
        "regular_payments": int(len(rep)),
        "regular_payments_without_contract": int(len(outside)),
        "regular_without_contract_total": round(float(outside["total"].sum()), 2) if len(outside) else 0.0,
    }
    lines = [
        f"- **{n['lines']:,} payment lines** from {n['files']} files"
        + (f" ({n['first_month']} to {n['last_month']})" if n["first_month"] else "")
        + f", net spend **£{net:,.0f}**."]
    if n["top_service_area"]:
        lines.append(f"- The largest service area is **{n['top_service_area']}** with "
                     f"{percent(n['top_service_area_share'])} of net spend.")
    lines.append(f"- The top {top_n} of {conc.suppliers:,} named suppliers receive "
                 f"**{percent(conc.top_n_share)}** of spend; HHI {conc.hhi:,.0f} "
                 f"(**{conc.band}**).")
    lines.append(f"- **{percent(n['redacted_share_of_spend'])}** of spend ({n['redacted_lines']:,} "
                 "lines) goes to suppliers whose names are redacted.")
    by_class = n["duplicate_amount_at_stake_by_class"]
    groups = n["duplicate_groups_by_class"]
    rec = n["duplicate_recovery_estimate"]
    lines.append(
        f"- **{n['duplicate_groups']}** groups of possible duplicate payments, "
        f"£{n['duplicate_amount_at_stake']:,.0f} at stake if all were duplicates: "
        + "; ".join(f"{c} confidence {groups[c]} (£{by_class[c]:,.0f})" for c in CONFIDENCE_ORDER)
        + ". Of the candidates labelled by hand in three councils' published spend, "
        + ", ".join(f"{DUPLICATE_RULE_PRECISION[c]['duplicate']} of "
                    f"{DUPLICATE_RULE_PRECISION[c]['candidates']} {c}"
                    for c in CONFIDENCE_ORDER)
        + "-confidence ones were clear duplicates (the rest mostly repeat charges or unclear), "
        f"so a cautious cash recovery estimate is **£{rec['cautious']:,.0f}** (up to "
        f"£{rec['if_unsure_were_duplicates']:,.0f} if every unclear case were one); "
        "to check with accounts payable.")
    if n["regular_payments"]:
        lines.append(f"- {n['regular_payments']} regular payments (same supplier and amount in "
                     f"{min_months}+ months); **{n['regular_payments_without_contract']}** of "
                     "them to suppliers named in no published tender or contract"
                     + (f" (£{n['regular_without_contract_total']:,.0f} in the period)"
                        if n["regular_payments_without_contract"] else "") + ".")
    if ocds is not None and len(ocds):
        pipe = pipeline_summary(expiry_pipeline(ocds, ts)).set_index("window")
        windows = [w for w in pipe.index if w.endswith("months")]
        soon = pipe.loc[windows]
        n["contracts_ending"] = {w: {"contracts": int(pipe.loc[w, "contracts"]),
                                     "value": float(pipe.loc[w, "value"])} for w in windows}
        n["contracts_without_end_date"] = int(pipe.loc["end date not published", "contracts"])
        gross = float(soon["gross-only value"].sum())
        n["contracts_ending_gross_only_value"] = round(gross, 2)
        lines.append(f"- **{int(soon['contracts'].sum())} contracts** worth "
                     f"£{float(soon['value'].sum()):,.0f} (net"
                     + (f"; plus £{gross:,.0f} known only with VAT" if gross else "")
                     + ") end within "
                     f"{windows[-1].split('–')[-1] if windows else '24 months'} of "
                     f"{n['as_of']}: "
                     + "; ".join(f"{w}: {int(pipe.loc[w, 'contracts'])}" for w in windows)
                     + f". {n['contracts_without_end_date']} have no published end date.")
        aw = award_sme_share(ocds).set_index(["measure", "group"])
        sp = sme_vcse_share(spend_df, ocds).set_index(["measure", "group"])
        n["sme_share_of_awards"] = float(aw.loc[("size", "SME"), "share"])
        n["known_sme_share_of_spend"] = float(sp.loc[("size", "SME"), "share"])
        lines.append(f"- Known SMEs win **{percent(n['sme_share_of_awards'])}** of awarded value "
                     f"and receive at least **{percent(n['known_sme_share_of_spend'])}** of spend "
                     "(suppliers of unknown size not counted).")
    return Findings(n, "\n".join(lines))


__all__ = [
    "spend_by", "monthly_spend", "supplier_totals", "concentration", "Concentration", "hhi_band",
    "duplicate_candidates", "duplicate_summary", "repeat_payments", "redacted_share",
    "redaction_kind", "is_redacted", "credits", "Credits", "supplier_key", "supplier_flags",
    "sme_vcse_share", "award_sme_share", "expiry_pipeline", "pipeline_summary",
    "awarded_contracts", "contract_value", "cpv_divisions", "CPV_DIVISIONS", "HHI_BANDS",
    "REDACTION_PATTERN", "match_service_area", "delivery_chain", "bar_figure",
    "monthly_figure", "pipeline_figure", "cpv_figure", "findings", "Findings",
    "regular_without_contract", "delivery_chain_markdown", "supplier_names", "as_of_default",
    "DUPLICATE_CLASSES", "DUPLICATE_RULE_PRECISION", "DUPLICATE_LABELLED_FILES",
    "CONFIDENCE_ORDER", "transaction_key", "batch_references", "REDACTION_WORDS", "MASK_PATTERN",
    "REDACTION_KIND_ORDER", "percent", "format_shares", "is_share_column",
]


def duplicate_precision_text() -> str:
    """How far the duplicate-payment rule can be trusted, from its measured precision on
    hand-labelled published lines (:data:`DUPLICATE_RULE_PRECISION`), in plain words."""
    parts = []
    for conf in CONFIDENCE_ORDER:
        p = DUPLICATE_RULE_PRECISION[conf]
        parts.append(f"**{conf}**: {p['duplicate']} of {p['candidates']} labelled candidates were "
                     f"duplicates ({percent(p['precision'])}), {p['unsure']} unsure")
    return ("**How far to trust these candidates.** Measured on "
            f"{sum(p['candidates'] for p in DUPLICATE_RULE_PRECISION.values())} candidates from "
            f"{len(DUPLICATE_LABELLED_FILES)} real published spend files, labelled by hand: "
            + "; ".join(parts) + ". Most candidates are legitimate (invoices split across cost "
            "centres, regular charges): check each one before asking a supplier for money.")
