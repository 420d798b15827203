"""Property-based tests (Hypothesis): amounts, dates and header detection, checked against
answers computed independently here from the generated values (not from the parser)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit_helpers import claimants, spend

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# ----------------------------------------------------------------------------- amounts

pennies = st.integers(min_value=0, max_value=10**11)  # up to £1,000,000,000.00


def _grouped(pounds: int) -> str:
    return f"{pounds:,}"


def write_amount(p: int, credit: bool, style: str, pad: str) -> tuple[str, float]:
    """An amount as councils write it, and its value (credits negative)."""
    pounds, pence = divmod(p, 100)
    plain = f"{pounds}.{pence:02d}"
    grouped = f"{_grouped(pounds)}.{pence:02d}"
    if style == "plain":
        text = ("-" if credit else "") + plain
    elif style == "grouped":
        text = ("-" if credit else "") + grouped
    elif style == "pound":
        text = ("-£" if credit else "£") + grouped
    elif style == "brackets":
        text = f"({grouped})" if credit else grouped
    elif style == "trailing":
        text = grouped + ("-" if credit else "")
    elif style == "cr":
        text = grouped + (" CR" if credit else "")
    elif style == "whole":  # no pence written
        text = ("-" if credit else "") + _grouped(pounds)
        p = pounds * 100
    else:
        raise AssertionError(style)
    value = float(Decimal(p) / 100) * (-1 if credit and p else 1)
    return pad + text + pad, value


amounts = st.lists(
    st.tuples(pennies, st.booleans(),
              st.sampled_from(["plain", "grouped", "pound", "brackets", "trailing", "cr", "whole"]),
              st.sampled_from(["", " ", "  "])),
    min_size=1, max_size=40)


@SETTINGS
@given(amounts)
def test_every_amount_form_reads_to_its_value(cases):
    written = [write_amount(*c) for c in cases]
    parsed = spend.parse_amounts([t for t, _ in written])
    assert not parsed.bad.any(), [t for (t, _), b in zip(written, parsed.bad) if b]
    for (text, value), got in zip(written, parsed.values):
        assert got == value or abs(got - value) <= 1e-9 * max(1, abs(value)), (text, got, value)


@SETTINGS
@given(st.lists(st.text(alphabet="abcxyz!?#", min_size=1, max_size=8), min_size=1, max_size=10))
def test_words_are_never_read_as_amounts(words):
    parsed = spend.parse_amounts(words)
    # a word is either a "no value" token or unreadable: never a number
    assert parsed.values.isna().all()
    assert (parsed.bad | parsed.empty).all()


# ----------------------------------------------------------------------------- dates

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
FULL = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December"]
EPOCH = dt.date(1899, 12, 30)


def write_date(d: dt.date, style: str) -> str:
    if style == "dd/mm/yyyy":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "d/m/yyyy":
        return f"{d.day}/{d.month}/{d.year}"
    if style == "dd-mm-yyyy":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if style == "iso":
        return f"{d.year}-{d.month:02d}-{d.day:02d}"
    if style == "iso-time":
        return f"{d.year}-{d.month:02d}-{d.day:02d} 00:00:00"
    if style == "d Mon yyyy":
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    if style == "d Month yyyy":
        return f"{d.day} {FULL[d.month - 1]} {d.year}"
    if style == "dd-Mon-yy":
        return f"{d.day:02d}-{MONTHS[d.month - 1]}-{d.year % 100:02d}"
    if style == "yyyymmdd":
        return f"{d.year}{d.month:02d}{d.day:02d}"
    if style == "serial":
        return str((d - EPOCH).days)
    raise AssertionError(style)


dates = st.lists(
    st.tuples(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2035, 12, 31)),
              st.sampled_from(["dd/mm/yyyy", "d/m/yyyy", "dd-mm-yyyy", "iso", "iso-time",
                               "d Mon yyyy", "d Month yyyy", "dd-Mon-yy", "yyyymmdd", "serial"])),
    min_size=1, max_size=40)


@SETTINGS
@given(dates)
def test_every_date_form_reads_day_first_to_its_date(cases):
    """A column of UK dates in any mix of forms reads to the dates written (day first)."""
    texts = [write_date(d, style) for d, style in cases]
    parsed = spend.parse_dates(texts, dayfirst=True)
    assert not parsed.bad.any(), [t for t, b in zip(texts, parsed.bad) if b]
    got = [ts.date() for ts in parsed.values]
    assert got == [d for d, _ in cases], list(zip(texts, got))


@SETTINGS
@given(st.lists(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2035, 12, 31)),
                min_size=1, max_size=30))
def test_day_first_is_inferred_unless_the_column_proves_month_first(days):
    texts = [f"{d.day:02d}/{d.month:02d}/{d.year}" for d in days]
    parsed = spend.parse_dates(texts)  # no order given: inferred
    assert [ts.date() for ts in parsed.values] == days
    us = [f"{d.month:02d}/{d.day:02d}/{d.year}" for d in days]
    parsed_us = spend.parse_dates(us)
    if any(d.day > 12 for d in days):  # the column shows it is month first
        assert parsed_us.info["order"].startswith("month first")
        assert [ts.date() for ts in parsed_us.values] == days


@SETTINGS
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2035, 12, 1)),
       st.sampled_from(["full", "short", "iso", "code"]))
def test_claimant_months(d, style):
    text = {"full": f"{FULL[d.month - 1]} {d.year}", "short": f"{MONTHS[d.month - 1]} {d.year}",
            "iso": f"{d.year}-{d.month:02d}-01", "code": f"{d.year}-{d.month:02d}"}[style]
    assert claimants.parse_month(text) == pd.Timestamp(d.year, d.month, 1)


# ----------------------------------------------------------------------------- header detection

SYNONYM_FIELDS = sorted(spend.SYNONYMS)


@st.composite
def spend_sheet(draw):
    """Rows of a published spend file: junk rows above, a header naming 2+ fields (any
    synonym, any case, padded, spacer columns), data rows below; and where the header is."""
    fields = draw(st.lists(st.sampled_from(SYNONYM_FIELDS), min_size=2, max_size=6, unique=True))
    cells = []
    for f in fields:
        name = draw(st.sampled_from(spend.SYNONYMS[f]))
        name = draw(st.sampled_from([name, name.upper(), name.title()]))
        cells.append(draw(st.sampled_from(["", " "])) + name + draw(st.sampled_from(["", " ", ":"])))
        if draw(st.booleans()):
            cells.append("")  # a spacer column from merged cells
    width = len(cells)
    junk = draw(st.lists(st.sampled_from(["blank", "title", "notes"]), max_size=8))
    above = []
    for kind in junk:
        row = [""] * width
        if kind == "title":
            row[0] = "Anytown Borough Council: payments over £500 " + str(draw(st.integers(2010, 2030)))
        elif kind == "notes":
            row[0] = "Published under the Transparency Code"
        above.append(row)
    data = [[str(draw(st.integers(0, 99999))) if c else "" for c in cells]
            for _ in range(draw(st.integers(0, 30)))]
    at_end = draw(st.booleans()) and data
    if at_end:  # some files put the header on the last line
        return above + data + [cells], len(above) + len(data)
    return above + [cells] + data, len(above)


@SETTINGS
@given(spend_sheet())
def test_header_row_is_found_wherever_it_is(sheet):
    rows, where = sheet
    assert spend.find_header(rows) == where
