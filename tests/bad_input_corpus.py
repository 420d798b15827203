"""The bad-input corpus: files no one has checked, made on the fly, and what the toolkit does.

Each :class:`Case` makes one input file (or config) in a temporary folder and says what must
happen: either **data** (a check on the loaded frame, asserting the right values) or an
**error** (the toolkit's own error type, whose message must name the file and contain the
given fragments, e.g. the row or column and what to do). ``tests/test_bad_input.py`` runs
every case and checks that the input is byte-identical afterwards; ``docs/bad-input.md``
holds the table of cases and outcomes, generated from this module
(``python tests/bad_input_corpus.py``) and kept current by a test.

Nothing here is copied from real files: every input is written by the functions below.
"""
from __future__ import annotations

import io
import json
import os
import re
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

GRANTS_HEADER = ("Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
                 "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n")
HEADER = "Service Area,Expenses Type,Supplier Name,Payment Date,Transaction Number,Amount\n"
ROWS = ("Libraries,Books,Acme Books Ltd,03/04/2024,T1,1250.00\n"
        "Leisure,Cleaning,Clean Co,04/04/2024,T2,99.50\n")


@dataclass
class Case:
    id: str
    area: str                       # spend | ocds | claimants | station_counts | grants | contracts | config
    what: str                       # the input, in words
    make: Callable[[Path], Path]    # writes the input, returns its path
    outcome: str                    # what happens, in words (the docs table)
    check: Callable | None = None   # for data outcomes: asserts on the loaded result
    error: tuple[str, ...] = ()     # for error outcomes: fragments the message must contain
    names_file: bool = True         # the message names the file
    tags: tuple[str, ...] = field(default_factory=tuple)


# ----------------------------------------------------------------------------- writers

def _bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        p = folder / name
        p.write_bytes(data)
        return p
    return make


def _text(name: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> Callable[[Path], Path]:
    return _bytes(name, text.replace("\n", newline).encode(encoding))


def _xlsx(name: str, sheets: dict[str, list[list]]) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        import openpyxl

        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for r in rows:
                ws.append(r)
        p = folder / name
        wb.save(p)
        return p
    return make


def _truncated_xlsx(folder: Path) -> Path:
    good = _xlsx("whole.xlsx", {"Spend": [["Supplier", "Amount"], ["A", 1]]})(folder)
    p = folder / "truncated.xlsx"
    p.write_bytes(good.read_bytes()[:400])
    good.unlink()
    return p


def _not_a_workbook_zip(folder: Path) -> Path:
    p = folder / "spend.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("hello.txt", "this zip is not a workbook")
    return p


# ----------------------------------------------------------------------------- checks

def _expect(condition: bool, shown) -> None:
    assert condition, shown


def _spend_rows(expected_amounts, expected_dates=None, suppliers=None):
    def check(df):
        import pandas as pd

        assert df["amount"].round(2).tolist() == list(expected_amounts), df["amount"].tolist()
        if expected_dates is not None:
            got = [None if pd.isna(d) else f"{d:%Y-%m-%d}" for d in df["payment_date"]]
            assert got == list(expected_dates), got
        if suppliers is not None:
            assert df["supplier"].tolist() == list(suppliers), df["supplier"].tolist()
    return check


TWO = _spend_rows([1250.0, 99.5], ["2024-04-03", "2024-04-04"], ["Acme Books Ltd", "Clean Co"])


def _amounts_case():
    lines = ['Supplier,Amount,Date\n', 'A,"£1,000.00",01/04/2024\n', 'B,(12.50),01/04/2024\n',
             'C,12.50-,01/04/2024\n', 'D,"1,234",01/04/2024\n', 'E, £7 ,01/04/2024\n',
             'F,-3.10,01/04/2024\n']
    return "".join(lines)


def _dates_case():
    lines = ["Supplier,Amount,Payment Date\n", "A,1,03/04/2024\n", "B,2,11-Aug-22\n",
             "C,3,3 Apr 2023\n", "D,4,2024-04-05\n", "E,5,45764\n", "F,6,00:00:00\n"]
    return "".join(lines)


def _claimant_rows(df, area, measure, date):
    sel = df[(df["area_code"] == area) & (df["measure"] == measure)
             & (df["date"] == date)]["value"]
    return sel.tolist()


NOMIS = ('"DATE","DATE_NAME","GEOGRAPHY_NAME","GEOGRAPHY_CODE","MEASURE_NAME","OBS_VALUE"\n'
         '"2024-01","January 2024","Anytown","E07000901","Claimant count","1,205"\n'
         '"2024-01","January 2024","Anytown","E07000901","Claimants as a proportion of residents aged 16-64","2.4"\n'
         '"2024-01","January 2024","Northvale","E12000999","Claimant count","40100"\n')


def _nomis_check(df):
    assert _claimant_rows(df, "E07000901", "count", "2024-01-01") == [1205.0]
    assert _claimant_rows(df, "E07000901", "rate", "2024-01-01") == [2.4]
    assert set(df["area_type"]) == {"non-metropolitan district", "region"}


OCDS_RELEASE = {
    "ocid": "ocds-b5fd17-1", "id": "r1", "date": "2024-04-01T10:00:00Z", "tag": ["tender"],
    "buyer": {"name": "Anytown Borough Council"},
    "tender": {"title": "Library hub cleaning", "status": "active",
               "value": {"amount": 50000, "currency": "GBP"}},
}


def _ocds_check(df):
    assert df["ocid"].tolist() == ["ocds-b5fd17-1"]
    assert df["value_amount"].tolist() == [50000.0]
    assert df["buyer"].tolist() == ["Anytown Borough Council"]


def _cf_csv_check(df):
    assert df["ocid"].tolist() == ["ocds-b5fd17-9"]
    assert df["value_amount"].tolist() == [12000.0]
    assert df["title"].tolist() == ["Grounds maintenance"]


STATIONS_2020 = (
    ",COUNTS (LU/LO/DLR)--2020 // Station annualised entries and exits,,,,,,\n"
    ",(C) Copyright Transport for London 2021,,,,,,\n"
    ",revised 210416,,,,,,\n"
    ",,,,Weekday (Mon-Thu),Saturday,Weekday (Mon-Thu),Saturday,Annualised\n"
    "Mode,NLC,Station,Coverage,Entries,Entries,Exits,Exits,En/Ex\n"
    'LU,500,Acton Town,Station entry / exit,"3,702","2,023","3,655","2,099","3,568,528"\n'
    "LO,501,Acton Town,Station entry / exit,---see LU---,,,,\n"
    "DLR,502,Old Quay,Station entry / exit,---Station Closed---,,,,\n"
    'LU,503,Bank,Station entry / exit,"40,100","9,050","39,800","8,900","31,005,200"\n'
)
STATIONS_2023 = (
    "COUNTS 2023 // Station annualised entries and exits,,,,,,,,\n"
    ",,,Monday,Midweek,Friday,Monday,Midweek,Friday,Annualised\n"
    "Mode,MNLC,Station,Entries,Entries,Entries,Exits,Exits,Exits,En/Ex\n"
    "EZL,600,Abbey Wood,1200,1350,1100,1190,1300,1120,812000\n"
)


def _stations_2020_check(df):
    acton = df[(df["station"] == "Acton Town") & (df["mode"] == "LU")].iloc[0]
    assert acton["annualised_entries_exits"] == 3568528.0
    assert acton["year"] == 2020 and acton["saturday_exits"] == 2099.0
    pointers = df[df["note"].isin(["see LU", "Station Closed"])]
    assert len(pointers) == 2 and pointers["annualised_entries_exits"].isna().all()
    assert df["annualised_entries_exits"].sum() == 3568528.0 + 31005200.0


def _stations_2023_check(df):
    assert df["year"].tolist() == [2023] and df["mode"].tolist() == ["EZL"]
    assert df["annualised_entries_exits"].tolist() == [812000.0]
    assert df["midweek_exits"].tolist() == [1300.0]


def _config(text: str, extra_files: dict[str, str] | None = None) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        (folder / "spend").mkdir()
        for name, content in (extra_files or {}).items():
            (folder / name).write_text(content)
        p = folder / "council.yaml"
        p.write_text(text)
        return p
    return make


GOOD_COUNCIL = "council:\n  name: Anytown\n  gss_code: \"E07000901\"\nservice:\n  name: Libraries\n"


# ----------------------------------------------------------------------------- the corpus

CASES: list[Case] = [
    # --- spend: encodings and line endings
    Case("spend-utf8-lf", "spend", "UTF-8, LF line endings", _text("s.csv", HEADER + ROWS),
         "data: 2 rows, amounts and dates read", TWO),
    Case("spend-utf8-bom-crlf", "spend", "UTF-8 with BOM, CRLF", _bytes(
        "s.csv", b"\xef\xbb\xbf" + (HEADER + ROWS).replace("\n", "\r\n").encode()),
         "data: same 2 rows (BOM not in the first header)", TWO),
    Case("spend-cp1252-cr", "spend", "Windows-1252 `£` (0xA3), CR-only line endings",
         _text("s.csv", "Supplier Name,Amount,Payment Date\nCaf\u00e9 Ltd,\u00a312.50,01/04/2024\n",
               encoding="cp1252", newline="\r"),
         "data: 1 row, `Café Ltd`, £12.50",
         _spend_rows([12.5], ["2024-04-01"], ["Caf\u00e9 Ltd"])),
    Case("spend-utf16", "spend", "UTF-16 text (saved as 'Unicode text' from Excel)",
         _bytes("s.csv", (HEADER + ROWS).encode("utf-16")),
         "data: same 2 rows", TWO),
    # --- header position
    Case("spend-title-rows", "spend", "title row and blank rows before the header",
         _text("s.csv", "Anytown spend over £500\n,,,\n\n" + HEADER + ROWS),
         "data: header found on row 4", TWO),
    Case("spend-header-last", "spend", "header on the last line (the rows above it are data)",
         _text("s.csv", ROWS + HEADER),
         "data: the 2 rows above read, with a note in the report",
         lambda df: (TWO(df), _expect("header is the last line"
                                      in str(df.attrs["report"]["files"][0]["notes"]), df.attrs))),
    Case("spend-header-only", "spend", "header row and nothing else", _text("s.csv", HEADER),
         "data: an empty frame with every canonical column",
         lambda df: _expect(len(df) == 0 and "supplier" in df.columns, len(df))),
    Case("spend-no-header", "spend", "no header row (data only)", _text("s.csv", ROWS),
         "error: lists the fields not found, the columns seen and how to pass `mapping`",
         error=("cannot find", "mapping")),
    # --- columns
    Case("spend-spacer-duplicate", "spend", "empty spacer columns and two columns named `Amount`",
         _text("s.csv", "Supplier Name,,Amount,,Amount,Payment Date\n"
                        "Acme,,10.00,,99,01/04/2024\nBeta,,20.00,,98,02/04/2024\n"),
         "data: the first `Amount` used, spacers dropped",
         _spend_rows([10.0, 20.0], ["2024-04-01", "2024-04-02"], ["Acme", "Beta"])),
    Case("spend-totals-row", "spend", "a TOTAL row and a blank row at the end",
         _text("s.csv", HEADER + ROWS + ",,,,,\nTOTAL,,,,,1349.50\n"),
         "data: totals and blank rows dropped", TWO),
    Case("spend-typo-headers", "spend", "typo and padded headers (`Expenditure Catergory`, `Name: `)",
         _text("s.csv", " Expenditure Catergory ,Name: ,Paid Date,Net Amount (£)\n"
                        "Books, Acme Books Ltd ,03/04/2024,\"1,250.00\"\n"),
         "data: columns mapped by the synonym table, supplier trimmed",
         _spend_rows([1250.0], ["2024-04-03"], ["Acme Books Ltd"])),
    # --- amounts and dates
    Case("spend-amount-forms", "spend", "amounts `£1,000.00`, `(12.50)`, `12.50-`, `1,234`, ` £7 `, `-3.10`",
         _text("s.csv", _amounts_case()),
         "data: 1000, -12.5, -12.5, 1234, 7, -3.1",
         _spend_rows([1000.0, -12.5, -12.5, 1234.0, 7.0, -3.1])),
    Case("spend-bad-amount", "spend", "an amount that is not a number (`see note`)",
         _text("s.csv", "Supplier,Amount,Date\nA,10,01/04/2024\nB,see note,01/04/2024\n"),
         "data: row kept with no amount; `issue` names row 3 and the value",
         lambda df: _expect(df["amount"].isna().tolist() == [False, True]
                            and "see note" in str(df["issue"].iloc[1]), df[["amount", "issue"]])),
    Case("spend-date-forms", "spend", "dates `03/04/2024`, `11-Aug-22`, `3 Apr 2023`, ISO, Excel serial 45764, `00:00:00`",
         _text("s.csv", _dates_case()),
         "data: every form read; the lost date is empty (NaT)",
         _spend_rows([1, 2, 3, 4, 5, 6], ["2024-04-03", "2022-08-11", "2023-04-03", "2024-04-05",
                                          "2025-04-17", None])),
    # --- not a spend file at all
    Case("spend-empty", "spend", "an empty file (0 bytes)", _bytes("s.csv", b""),
         "error: the file is empty", error=("empty",)),
    Case("spend-binary", "spend", "binary junk with a .csv name", _bytes("s.csv", bytes(range(256)) * 8),
         "error: the file is binary, not text", error=("binary",)),
    Case("spend-xlsx-as-csv", "spend", "an Excel workbook renamed to .csv",
         lambda f: _rename(_xlsx("w.xlsx", {"S": [["Supplier", "Amount"], ["A", 1]]})(f), "s.csv"),
         "error: says it is a workbook and to save it as .xlsx", error=("xlsx",)),
    Case("spend-truncated-xlsx", "spend", "a truncated .xlsx (download cut off)", _truncated_xlsx,
         "error: cannot be opened; download it again", error=("cannot be opened",)),
    Case("spend-password-xlsx", "spend", "a password-protected .xlsx (an OLE container)",
         _bytes("s.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
         "error: password-protected; save an unprotected copy", error=("password",)),
    Case("spend-zip-not-workbook", "spend", "a zip file named .xlsx that is not a workbook",
         _not_a_workbook_zip, "error: cannot be opened as a workbook", error=("cannot be opened",)),
    Case("spend-workbook-months", "spend", "a workbook with one sheet per month, TOTAL rows and a notes sheet",
         _xlsx("s.xlsx", {"Notes": [["About this file"], ["Spend over £500"]],
                          "Apr": [["Supplier", "Amount", "Date"], ["A", 10, "01/04/2024"],
                                  ["TOTAL", 10, None]],
                          "May": [["Supplier", "Amount", "Date"], ["B", 20.5, "02/05/2024"],
                                  ["Total", 20.5, None]]}),
         "data: 2 rows from both month sheets; notes sheet skipped, totals dropped",
         _spend_rows([10.0, 20.5], ["2024-04-01", "2024-05-02"], ["A", "B"])),
    Case("spend-huge-field", "spend", "a 1 MB single field (runaway quote or pasted blob)",
         _text("s.csv", "Supplier,Amount,Date,Purpose\nA,10,01/04/2024,\"" + "x" * 1_000_000 + "\"\n"
                        "B,20,02/04/2024,ok\n"),
         "data: both rows, the long field kept whole",
         lambda df: _expect(df["amount"].tolist() == [10.0, 20.0]
                            and len(df["purpose"].iloc[0]) == 1_000_000, df["amount"].tolist())),
    Case("spend-unclosed-quote", "spend", "an unclosed quote swallowing the rest of the file",
         _text("s.csv", "Supplier,Amount,Date\nA,10,01/04/2024\n\"B,20,02/04/2024\nC,30,03/04/2024\n"),
         "error: names the row where the quote opens", error=("quote", "row 3")),
    # --- OCDS
    Case("ocds-package", "ocds", "a release package with one release", _text(
        "p.json", json.dumps({"uri": "x", "releases": [OCDS_RELEASE]})),
         "data: 1 release, tender value 50,000", _ocds_check),
    Case("ocds-not-ocds", "ocds", "JSON that is not OCDS (`{\"name\": \"x\"}`)",
         _text("p.json", json.dumps({"name": "x", "items": [1, 2]})),
         "error: not an OCDS release package or record package", error=("OCDS",)),
    Case("ocds-truncated-json", "ocds", "JSON cut off mid-way",
         _text("p.json", json.dumps({"releases": [OCDS_RELEASE]})[:60]),
         "error: not valid JSON, with the row and column where it breaks",
         error=("not valid JSON", "row 1", "column 61")),
    Case("ocds-empty", "ocds", "an empty .json file", _bytes("p.json", b""),
         "error: the file is empty", error=("empty",)),
    Case("ocds-binary", "ocds", "binary junk with a .json name", _bytes("p.json", bytes(range(256)) * 4),
         "error: the file is binary, not text", error=("binary",)),
    Case("ocds-cf-csv", "ocds", "Contracts Finder flat CSV export (JSON-path headers, BOM)",
         _bytes("cf.csv", ("\ufeffreleases/0/ocid,releases/0/id,releases/0/tender/title,"
                           "releases/0/tender/value/amount\nocds-b5fd17-9,r9,Grounds maintenance,12000\n"
                           ).encode()),
         "data: 1 release, value 12,000", _cf_csv_check),
    Case("ocds-csv-not-ocds", "ocds", "a CSV that is not a Contracts Finder export",
         _text("x.csv", HEADER + ROWS),
         "error: not a Contracts Finder export; which headers are expected", error=("releases/0",)),
    # --- claimant count
    Case("claimants-nomis", "claimants", "raw NOMIS API CSV (quoted, `January 2024`, thousands separator)",
         _text("c.csv", NOMIS), "data: count 1,205 and rate 2.4 for the council; region kept",
         _nomis_check),
    Case("claimants-nomis-cp1252-crlf", "claimants", "the same, Windows-1252 with CRLF",
         _text("c.csv", NOMIS, encoding="cp1252", newline="\r\n"), "data: the same values",
         _nomis_check),
    Case("claimants-unknown-layout", "claimants", "a CSV with none of the claimant count layouts",
         _text("c.csv", HEADER + ROWS),
         "error: says which layouts are read (NOMIS, tidy, wide)",
         error=("cannot find a claimant count header", "tidy", "wide")),
    Case("claimants-bad-month", "claimants", "a month the loader cannot read (`Janu 2024`)",
         _text("c.csv", NOMIS.replace('"January 2024","Anytown","E07000901","Claimant count"',
                                      '"Janu 2024","Anytown","E07000901","Claimant count"')
               .replace('"2024-01","Janu', '"","Janu')),
         "error: names the row and the month column", error=("row 2", "month")),
    Case("claimants-suppressed", "claimants", "a suppressed value (`n/a`; NOMIS also uses `..`, `*`)",
         _text("c.csv", NOMIS.replace('"1,205"', '"n/a"')),
         "data: that value empty (NaN), counted in the report; the rest read",
         lambda df: _expect(_claimant_rows(df, "E07000901", "rate", "2024-01-01") == [2.4]
                            and df["value"].isna().sum() == 1
                            and df.attrs["report"]["files"][0]["empty_values"] == 1, df)),
    Case("claimants-bad-value", "claimants", "a value that is not a number (`12O5`, letter O)",
         _text("c.csv", NOMIS.replace('"1,205"', '"12O5"')),
         "error: names the row, the column and the value", error=("row 2", "OBS_VALUE", "12O5")),
    Case("claimants-empty", "claimants", "an empty file", _bytes("c.csv", b""),
         "error: the file is empty", error=("empty",)),
    Case("claimants-conflict", "claimants", "the same area and month twice with different values",
         _text("c.csv", NOMIS + '"2024-01","January 2024","Anytown","E07000901","Claimant count","1300"\n'),
         "error: two different values, naming both rows", error=("two different", "row 2", "row 5")),
    # --- station counts
    Case("stations-2020-layout", "station_counts",
         "2020 layout: BOM, title/copyright/version rows, two header rows, `3,568,528`, `---see LU---`, `---Station Closed---`",
         _bytes("AC2020.csv", ("\ufeff" + STATIONS_2020).encode()),
         "data: counts read; pointer and closed rows kept without counts; year 2020 from the title",
         _stations_2020_check),
    Case("stations-2023-layout", "station_counts", "2023 layout (Monday/Midweek/Friday, MNLC), CRLF",
         _text("AC2023.csv", STATIONS_2023, newline="\r\n"),
         "data: the day-type columns this year has; year 2023", _stations_2023_check),
    Case("stations-no-year", "station_counts", "a title row without a year",
         _text("counts.csv", STATIONS_2020.replace("--2020 ", " ")),
         "error: no year in the title row; add it (never guessed from the file name)",
         error=("no year in the title", "row 1")),
    Case("stations-bad-count", "station_counts", "a count that is not a number (`3,70.2`)",
         _text("AC2020.csv", STATIONS_2020.replace('"3,702"', '"3,70.2"')),
         "error: names the row, the column and the value", error=("row 6", "Entries", "3,70.2")),
    Case("stations-not-counts", "station_counts", "a spend file given as station counts",
         _text("spend.csv", HEADER + ROWS), "error: no header row with Mode, NLC and Station",
         error=("Mode, NLC and Station",)),
    Case("stations-header-only", "station_counts", "the title and header rows only",
         _text("AC2020.csv", "".join(STATIONS_2020.splitlines(True)[:5])),
         "error: no station rows below the header", error=("no station rows",)),
    Case("stations-empty", "station_counts", "an empty file", _bytes("AC2020.csv", b""),
         "error: no header row (the file is empty)", error=("header",)),
    # --- grants (360Giving) and the contracts register
    Case("grants-title-row-pound", "grants", "360Giving CSV with a title row above the header and `£1,000` amounts",
         _text("g.csv", "Grants to community groups 2024\n" + GRANTS_HEADER
               + "360G-X-1,Lunch club,,GBP,\"£1,000\",2024-04-03,GB-CHC-1,Age Well,GB-LAE-X,Exampleshire\n"
               + "360G-X-2,Play scheme,,GBP,250.50,12/05/2024,GB-CHC-2,Kids Play,GB-LAE-X,Exampleshire\n"),
         "data: 2 grants, £1,250.50, both award dates read",
         lambda df: _expect(df["amount"].tolist() == [1000.0, 250.5]
                            and df["award_date"].notna().all(), df[["amount", "award_date"]])),
    Case("grants-json-not-a-list", "grants", "a 360Giving JSON package whose `grants` is not a list",
         _text("g.json", '{"grants": {"id": "360G-1"}}'),
         "error: says what a 360Giving package holds", error=("grants",)),
    Case("contracts-serial-dates", "contracts", "a contracts register with Excel serial dates and `Ongoing` as an end date",
         _text("c.csv", "Reference,Title,Supplier Name,Value,Start Date,End Date\n"
               "C1,Street cleaning,Clean Co,\"120,000\",45383,Ongoing\n"),
         "data: value 120,000; start 2024-04-01; the end date left empty and counted as an issue",
         lambda df: _expect(df["value"].tolist() == [120000.0]
                            and str(df["start_date"].iloc[0].date()) == "2024-04-01"
                            and df["end_date"].isna().all() and df["issue"].notna().all(), df)),
    Case("contracts-is-spend", "contracts", "a spend file given as a contracts register",
         _text("c.csv", HEADER + ROWS),
         "error: no contract value column; suggests the spend loader", error=("spend",)),
    # --- config
    Case("config-unknown-key", "config", "a config with an unknown key (`councl:`)",
         _config(GOOD_COUNCIL + "councl:\n  name: typo\n"),
         "error: names the key and the keys allowed", error=("councl",)),
    Case("config-wrong-type", "config", "`gss_code` as a number, not a quoted code",
         _config(GOOD_COUNCIL.replace('"E07000901"', "7000901")),
         "error: names `council.gss_code` and the expected form", error=("gss_code",)),
    Case("config-missing-file", "config", "a data path to a file that does not exist",
         _config(GOOD_COUNCIL + "data:\n  spend: ../nowhere/spend.csv\n"),
         "error: names `data.spend` and the missing path", error=("data.spend", "nowhere")),
    Case("config-python-tag", "config", "YAML with a `!!python/object` tag (code execution attempt)",
         _config(GOOD_COUNCIL + "settings: !!python/object/apply:os.system ['echo hacked']\n"),
         "error: refused by the safe YAML loader; nothing runs", error=("YAML",)),
    Case("config-not-yaml", "config", "a file that is not YAML (tab indentation)",
         _config("council:\n\tname: x\n"), "error: names the line of the syntax error", error=("line",)),
    Case("config-output-escape", "config", "a slug that tries to leave the outputs folder (`../../etc`)",
         _config(GOOD_COUNCIL.replace("  name: Anytown\n", "  name: Anytown\n  slug: ../../etc\n")),
         "data: the slug is made safe; outputs stay under outputs/",
         None),
    Case("config-output-over-inputs", "config", "`output_dir` set to the folder holding the data files",
         _config(GOOD_COUNCIL + "data:\n  spend: spend.csv\noutput_dir: .\n", {"spend.csv": HEADER + ROWS}),
         "error: refused, outputs would be mixed with (or replace) the input files",
         error=("output_dir", "project, config")),
    Case("config-output-inside-data", "config", "`output_dir` inside a data folder",
         _config(GOOD_COUNCIL + "data:\n  spend: spend\noutput_dir: spend/out\n", {}),
         "error: names `data.spend` and says to use a separate folder",
         error=("output_dir", "data.spend", "separate folder")),
]


# ----------------------------------------------------------------------------- more writers

def _fifo(name: str) -> Callable[[Path], Path]:
    """A named pipe with a data file's name (reading it would wait for a writer for ever)."""
    def make(folder: Path) -> Path:
        p = folder / name
        os.mkfifo(p)
        return p
    return make


def _symlink(name: str, target: str = "/dev/zero") -> Callable[[Path], Path]:
    """A symbolic link with a data file's name to a device (``/dev/zero`` never ends)."""
    def make(folder: Path) -> Path:
        p = folder / name
        p.symlink_to(target)
        return p
    return make


def _folder(name: str) -> Callable[[Path], Path]:
    """A folder with a data file's name, holding no data files."""
    def make(folder: Path) -> Path:
        p = folder / name
        p.mkdir()
        (p / "readme.txt").write_text("not data\n")
        return p
    return make


def _workbook(name: str, rows: list[list], merges: tuple[str, ...] = (),
              edit: Callable[[bytes], bytes] | None = None, title: str = "Spend") -> Callable[[Path], Path]:
    """A one-sheet workbook (openpyxl), with merged ranges, its sheet XML then changed by
    ``edit`` (to write what openpyxl would not: a false size, cached formula values …)."""
    def make(folder: Path) -> Path:
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = title
        for r in rows:
            ws.append(r)
        for m in merges:
            ws.merge_cells(m)
        buf = io.BytesIO()
        wb.save(buf)
        p = folder / name
        if edit is None:
            p.write_bytes(buf.getvalue())
            return p
        with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                if info.filename.startswith("xl/worksheets/sheet"):
                    data = edit(data)
                zout.writestr(info, data)
        return p
    return make


def _dimension(ref: str) -> Callable[[bytes], bytes]:
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref.encode() + b'"', xml)


def _cached(value: str) -> Callable[[bytes], bytes]:
    """Give the formula cells a saved value, as Excel does."""
    return lambda xml: re.sub(rb"(<f>[^<]*</f>)<v\s*/?>(?:</v>)?", rb"\1<v>" + value.encode() + rb"</v>", xml)


def _far_cell(xml: bytes) -> bytes:
    """One stray cell at XFD1048576, the last cell of a sheet, and a size to match."""
    xml = _dimension("A1:XFD1048576")(xml)
    return xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                                        b"<is><t>x</t></is></c></row></sheetData>")


def _deflate(data: bytes, final: bool) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def _zip_bomb_xlsx(name: str, rows: list[list], megabytes: int = 1104) -> Callable[[Path], Path]:
    """A real zip bomb shaped as a workbook: about 1 MB on disk, its sheet XML unzipping to
    ``megabytes`` MB (whitespace inside the root element). Written by hand: independent
    deflate segments of 16 MB of spaces, repeated, then the rest of the sheet."""
    def make(folder: Path) -> Path:
        import openpyxl

        wb = openpyxl.Workbook()
        wb.active.title = "Spend"
        for r in rows:
            wb.active.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        block = b" " * (16 << 20)
        block_z = _deflate(block, final=False)
        out, central = bytearray(), bytearray()
        with zipfile.ZipFile(buf) as z:
            infos = z.infolist()
            for info in infos:
                data = z.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    cut = data.index(b">", data.index(b"<worksheet")) + 1
                    head, rest = data[:cut], data[cut:]  # whitespace inside <worksheet>
                    n = megabytes // 16
                    comp = _deflate(head, False) + block_z * n + _deflate(rest, True)
                    crc = zlib.crc32(head)
                    for _ in range(n):
                        crc = zlib.crc32(block, crc)
                    crc = zlib.crc32(rest, crc)
                    size = len(head) + len(block) * n + len(rest)
                else:
                    comp, crc, size = _deflate(data, True), zlib.crc32(data), len(data)
                fname = info.filename.encode()
                offset = len(out)
                out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(comp),
                                   size, len(fname), 0) + fname + comp
                central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc,
                                       len(comp), size, len(fname), 0, 0, 0, 0, 0, offset) + fname
        cd_offset = len(out)
        out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(infos), len(infos),
                                     len(central), cd_offset, 0)
        p = folder / name
        p.write_bytes(bytes(out))
        return p
    return make


def _wide_csv(name: str, header: str, columns: int = 5_000_000, where: str = "header") -> Callable[[Path], Path]:
    """A 5 MB CSV whose header (or a later row) has five million columns."""
    def make(folder: Path) -> Path:
        p = folder / name
        line = "," * (columns - 1) + "\n"
        p.write_text(line + header if where == "header" else header + line)
        return p
    return make


def _many_cells(folder: Path) -> Path:
    """13,000 rows × 2,000 columns: 26 million cells, 26 MB."""
    p = folder / "s.csv"
    width = 2000
    head = "Supplier,Amount," + ",".join(f"c{i}" for i in range(width - 2)) + "\n"
    row = "A,1" + "," * (width - 2) + "\n"
    p.write_text(head + row * 13_000)
    return p


# ----------------------------------------------------------------------------- more checks

def _report_notes(df) -> str:
    return " ".join(str(n) for f in df.attrs["report"]["files"] for n in f.get("notes") or [])


def _note(fragment: str, check=None):
    def run(df):
        if check is not None:
            check(df)
        notes = _report_notes(df)
        assert fragment.lower() in notes.lower(), (fragment, notes)
    return run


def _issues(expected_amounts, fragments: dict[int, str], unreadable: int | None = None):
    """Amounts as given (``None`` for NaN); ``issue`` of line i contains fragments[i]."""
    def check(df):
        got = [None if a != a else round(a, 2) for a in df["amount"]]
        assert got == list(expected_amounts), got
        for i, frag in fragments.items():
            assert frag.lower() in str(df["issue"].iloc[i]).lower(), (i, frag, df["issue"].tolist())
        if unreadable is not None:
            probs = df.attrs["report"]["files"][0]["problems"]
            assert probs["amounts unreadable"] == unreadable, probs
    return check


def _ocds_note(fragment: str, **expected):
    def check(df):
        assert len(df) == 1, len(df)
        notes = str(df["notes"].iloc[0])
        assert fragment.lower() in notes.lower(), (fragment, notes)
        for col, want in expected.items():
            got = df[col].iloc[0]
            assert (got != got and want is None) or got == want, (col, got, want)
    return check


def _release(**changes) -> str:
    rel = {**OCDS_RELEASE, **changes}
    return json.dumps({"uri": "x", "releases": [rel]})


def _tender(**changes) -> dict:
    return {**OCDS_RELEASE["tender"], **changes}


SEMI_HEADER = HEADER.replace(",", ";")
WIDE_CLAIMANTS = [["area_code", "area_name", "date", "count", "rate"],
                  ["E07000901", "Anytown", "2024-01", 1205, 2.4],
                  [None, None, "2024-02", 1190, 2.3],
                  [None, None, "2024-03", 1150, 2.2]]


def _wide_claimants_check(df):
    counts = df[(df["area_code"] == "E07000901") & (df["measure"] == "count")]
    assert counts["value"].tolist() == [1205.0, 1190.0, 1150.0], counts
    assert set(df["area_name"]) == {"Anytown"}


def _claimants_merged_check(df):
    _wide_claimants_check(df)
    notes = " ".join(df.attrs["report"]["files"][0]["notes"])
    assert "merged cells filled down" in notes, notes


def _claimants_dim_check(df):
    assert _claimant_rows(df, "E07000901", "count", "2024-01-01") == [1205.0]
    notes = " ".join(df.attrs["report"]["files"][0]["notes"])
    assert "only the cells it really has are read" in notes, notes


def _station_duplicate_check(df):
    assert df["station"].tolist() == ["Abbey Wood"], df["station"].tolist()
    assert df["annualised_entries_exits"].tolist() == [812000.0]
    dup = df.attrs["report"]["duplicates"]
    assert [(d["row"], d["first_row"]) for d in dup] == [(5, 4)], dup


def _mixed_encoding_check(df):
    assert df["supplier"].tolist() == ["Caf\u00e9 Ltd", "Tea Co"], df["supplier"].tolist()
    assert df["amount"].tolist() == [10.0, 5.0] and df["purpose"].tolist()[1] == "\u00a35 cake"
    f = df.attrs["report"]["files"][0]
    assert f["encoding"] == "mixed" and "line 3 decoded as Windows-1252" in " ".join(f["notes"])


MIXED_SPEND = ("Supplier Name,Amount,Payment Date,Purpose\n".encode()
               + "Caf\u00e9 Ltd,10,01/04/2024,Lunch\n".encode("utf-8")
               + "Tea Co,\u00a35,02/04/2024,\u00a35 cake\n".encode("cp1252"))


# ----------------------------------------------------------------------------- the corpus, grown

CASES += [
    # === money is right or refused ===============================================================
    # --- decimal commas, detected per file from the values and the delimiter
    Case("spend-semicolon-decimal-comma", "spend",
         "semicolon-separated export with decimal commas (`1.250,00`, `99,50`)",
         _text("s.csv", SEMI_HEADER + ROWS.replace(",", ";").replace("1250.00", "1.250,00")
               .replace("99.50", "99,50")),
         "data: 1250.00 and 99.50 (never 1.25 or 9950); the report notes decimal commas",
         _note("decimal commas", TWO)),
    Case("spend-quoted-decimal-comma", "spend", "comma-separated, decimal commas in quotes (`\"1.250,00\"`, `\"99,5\"`)",
         _text("s.csv", HEADER + 'Libraries,Books,Acme Books Ltd,03/04/2024,T1,"1.250,00"\n'
                                 'Leisure,Cleaning,Clean Co,04/04/2024,T2,"99,5"\n'),
         "data: 1250.00 and 99.50, read as decimal commas", _note("decimal commas", TWO)),
    Case("spend-tab-decimal-comma", "spend", "tab-separated, decimal commas (`1250,00`, `99,5`)",
         _text("s.tsv.csv", HEADER.replace(",", "\t") + ROWS.replace(",", "\t")
               .replace("1250.00", "1250,00").replace("99.50", "99,5")),
         "data: 1250.00 and 99.50", TWO),
    Case("spend-semicolon-thousands-dots", "spend",
         "semicolon-separated, amounts with dots only as thousands groups (`1.250`, `99`)",
         _text("s.csv", SEMI_HEADER + ROWS.replace(",", ";").replace("1250.00", "1.250")
               .replace("99.50", "99")),
         "data: 1250 and 99 (decimal commas assumed from the semicolons), with a note saying so",
         _note("decimal commas assumed", _spend_rows([1250.0, 99.0]))),
    Case("spend-decimal-comma-credits", "spend", "decimal commas with credits (`(1.250,00)`, `99,50-`, `-7,5`)",
         _text("s.csv", "Supplier;Amount;Date\nA;(1.250,00);01/04/2024\nB;99,50-;01/04/2024\n"
                        "C;-7,5;01/04/2024\n"),
         "data: -1250, -99.5, -7.5", _spend_rows([-1250.0, -99.5, -7.5])),
    Case("spend-vat-decimal-comma", "spend", "decimal commas in the amount and irrecoverable VAT columns",
         _text("s.csv", "Supplier;Amount;Irrecoverable VAT;Date\nA;1.000,50;2,50;01/04/2024\n"
                        "B;20,25;0;01/04/2024\n"),
         "data: amounts 1000.50, 20.25 and VAT 2.50, 0",
         lambda df: _expect(df["amount"].tolist() == [1000.5, 20.25]
                            and df["irrecoverable_vat"].tolist() == [2.5, 0.0], df)),
    Case("spend-stray-decimal-comma", "spend", "one `12,5` among decimal-point amounts",
         _text("s.csv", 'Supplier,Amount,Date\nA,10.00,01/04/2024\nB,20.50,01/04/2024\n'
                        'C,"12,5",01/04/2024\nD,7.25,01/04/2024\n'),
         "data: that amount unread (never 125), its `issue` says the file uses decimal points",
         _issues([10.0, 20.5, None, 7.25], {2: "the file uses decimal points"}, unreadable=1)),
    Case("spend-broken-thousands", "spend", "`1,000,00` (thousands commas in the wrong places)",
         _text("s.csv", 'Supplier,Amount,Date\nA,"1,000.00",01/04/2024\nB,"1,000,00",01/04/2024\n'
                        "C,5.00,01/04/2024\n"),
         "data: that amount unread (never 100000), counted as an issue",
         _issues([1000.0, None, 5.0], {1: "1,000,00"}, unreadable=1)),
    Case("spend-decimal-points-in-comma-file", "spend", "one `12.50` among decimal-comma amounts (semicolons)",
         _text("s.csv", "Supplier;Amount;Date\nA;10,00;01/04/2024\nB;20,50;01/04/2024\nC;12.50;01/04/2024\n"),
         "data: that amount unread (never 1250), its `issue` says the file uses decimal commas",
         _issues([10.0, 20.5, None], {2: "the file uses decimal commas"}, unreadable=1)),
    Case("spend-decimal-separators-tie", "spend", "as many `12,5`-style amounts as `12.50`-style ones",
         _text("s.csv", 'Supplier,Amount,Date\nA,"12,5",01/04/2024\nB,12.50,01/04/2024\n'),
         "error: cannot tell decimal comma from decimal point; names the column",
         error=("decimal comma", "decimal point", "Amount")),
    Case("spend-semicolon-ambiguous-groups", "spend", "semicolon-separated with both `1.250` and `1,250`",
         _text("s.csv", "Supplier;Amount;Date\nA;1.250;01/04/2024\nB;1,250;01/04/2024\n"),
         "error: cannot tell which is the decimal separator", error=("decimal comma", "1.234")),
    # --- numbers that are not finite
    Case("spend-infinite-amounts", "spend", "amounts `inf` and `-Infinity` among good ones",
         _text("s.csv", "Supplier,Amount,Date\nA,10,01/04/2024\nB,inf,01/04/2024\nC,-Infinity,01/04/2024\n"
                        "D,20,01/04/2024\nE,30,01/04/2024\n"),
         "data: rows kept without an amount; `issue` says not a finite number; counted as unreadable",
         _issues([10.0, None, None, 20.0, 30.0], {1: "not a finite number", 2: "not a finite number"},
                 unreadable=2)),
    Case("spend-nan-text", "spend", "amounts `nan` and `NaN` (a broken calculation exported as text)",
         _text("s.csv", "Supplier,Amount,Date\nA,10,01/04/2024\nB,nan,01/04/2024\nC,NaN,01/04/2024\n"
                        "D,20,01/04/2024\nE,30,01/04/2024\n"),
         "data: counted as unreadable amounts (issues), not passed over as empty",
         _issues([10.0, None, None, 20.0, 30.0], {1: "nan", 2: "nan"}, unreadable=2)),
    Case("spend-1e400", "spend", "an amount `1e400` (beyond a float)",
         _text("s.csv", "Supplier,Amount,Date\nA,10,01/04/2024\nB,1e400,01/04/2024\nC,20,01/04/2024\n"),
         "data: that amount unread, `issue` says not a finite number",
         _issues([10.0, None, 20.0], {1: "not a finite number ('1e400')"}, unreadable=1)),
    Case("spend-400-digit-amount", "spend", "a 400-digit amount",
         _text("s.csv", "Supplier,Amount,Date\nA,10,01/04/2024\nB," + "9" * 400 + ",01/04/2024\n"
                        "C,20,01/04/2024\n"),
         "data: an issue (value shortened), not a traceback",
         _issues([10.0, None, 20.0], {1: "not a finite number ('9999"}, unreadable=1)),
    # --- encodings line by line
    Case("spend-mixed-encoding-lines", "spend", "UTF-8 lines (`Café`) and a Windows-1252 line (`£`) in one file",
         _bytes("s.csv", MIXED_SPEND),
         "data: `Café Ltd` and `£5 cake` both right; the report lists the Windows-1252 line",
         _mixed_encoding_check),
    Case("spend-mixed-encoding-bom", "spend", "the same with a UTF-8 BOM",
         _bytes("s.csv", b"\xef\xbb\xbf" + MIXED_SPEND), "data: the same values", _mixed_encoding_check),
    Case("spend-cp1252-accents", "spend", "a whole Windows-1252 file with `é`, `–` and `£`",
         _text("s.csv", "Supplier Name,Amount,Payment Date,Purpose\nCaf\u00e9 Ltd,\u00a310,01/04/2024,"
                        "Lunch \u2013 staff\n", encoding="cp1252"),
         "data: read as Windows-1252 throughout",
         lambda df: _expect(df["purpose"].tolist() == ["Lunch \u2013 staff"]
                            and df.attrs["report"]["files"][0]["encoding"] == "cp1252", df)),
    # --- workbooks: merged cells and formulas
    Case("spend-merged-supplier", "spend", "a workbook where a supplier is a merged range over three rows",
         _workbook("s.xlsx", [["Supplier", "Amount", "Date"], ["Acme Ltd", 10, "01/04/2024"],
                              [None, 20, "02/04/2024"], [None, 30, "03/04/2024"], ["Beta", 5, "04/04/2024"]],
                   merges=("A2:A4",)),
         "data: `Acme Ltd` filled down into the blank rows, with a note in the report",
         _note("merged cells filled down", _spend_rows([10.0, 20.0, 30.0, 5.0],
                                                       suppliers=["Acme Ltd"] * 3 + ["Beta"]))),
    Case("spend-merged-title-and-area", "spend",
         "a workbook with a title merged across the columns and a service area merged down",
         _workbook("s.xlsx", [["Anytown spend over \u00a3500", None, None, None], [None] * 4,
                              ["Service Area", "Supplier", "Amount", "Date"],
                              ["Libraries", "Acme", 10, "01/04/2024"], [None, "Beta", 20, "02/04/2024"]],
                   merges=("A1:D1", "A4:A5")),
         "data: header found below the title; the service area filled down (the title is not spread)",
         lambda df: _expect(df["service_area"].tolist() == ["Libraries", "Libraries"]
                            and df["supplier"].tolist() == ["Acme", "Beta"], df)),
    Case("spend-formula-no-value", "spend", "a workbook with a formula amount that has no saved value (written by a program)",
         _workbook("s.xlsx", [["Supplier", "Amount", "Date"], ["A", 10, "01/04/2024"],
                              ["B", "=B2*2", "02/04/2024"], ["C", 5, "02/04/2024"], ["D", 7, "02/04/2024"]]),
         "data: that amount unread; `issue` and the report say open and save the workbook in Excel (not 'empty')",
         _note("open the workbook in Excel", _issues([10.0, None, 5.0, 7.0],
                                                      {1: "open the workbook in Excel"}, unreadable=1))),
    Case("spend-formulas-no-values", "spend", "a workbook whose amounts are all formulas with no saved values",
         _workbook("s.xlsx", [["Supplier", "Amount", "Date"], ["A", "=1+1", "01/04/2024"],
                              ["B", "=B2*2", "02/04/2024"], ["C", "=B3", "02/04/2024"]]),
         "error: the amounts are formulas without saved values; open and save the workbook in Excel",
         error=("formulas without a saved value", "open the workbook in excel", "row 2")),
    Case("spend-formula-saved-value", "spend", "formulas with saved values (as Excel writes them)",
         _workbook("s.xlsx", [["Supplier", "Amount", "Date"], ["A", 10, "01/04/2024"],
                              ["B", "=B2*2", "02/04/2024"]], edit=_cached("20")),
         "data: the saved value (20) read, no note",
         lambda df: _expect(df["amount"].tolist() == [10.0, 20.0] and not _report_notes(df), df)),
    Case("spend-formula-in-text", "spend", "a supplier name that is a formula with no saved value",
         _workbook("s.xlsx", [["Supplier", "Amount", "Date"], ["=UPPER(\"acme\")", 10, "01/04/2024"]]),
         "data: the supplier shown as its formula, never blank; a note says open and save in Excel",
         _note("open the workbook in Excel",
               lambda df: _expect(df["supplier"].tolist() == ['=UPPER("acme")'], df))),
    # --- claimant counts
    Case("claimants-bad-code-last-line", "claimants",
         "a bad area code (`E0700O902`, letter O) on the last line, with a month and a value",
         _text("c.csv", NOMIS + '"2024-01","January 2024","Southvale","E0700O902","Claimant count","310"\n'),
         "error: names the code and the row (never set aside as a footnote)",
         error=("E0700O902", "not a GSS area code", "row 5")),
    Case("claimants-footnote-last-line", "claimants", "a footnote on the last line",
         _text("c.csv", NOMIS + '"Source: ONS Claimant Count, via NOMIS",,,,,\n'),
         "data: the footnote set aside and counted; every value read",
         lambda df: (_nomis_check(df), _expect(df.attrs["report"]["files"][0]["set_aside"] == 1, df))),
    Case("claimants-no-code-with-value", "claimants", "a row with a month and a value but no area code",
         _text("c.csv", NOMIS.replace('"Northvale","E12000999"', '"Northvale",""')),
         "error: names the row: a month and a value but no area code", error=("no area code", "row 4")),
    Case("claimants-semicolon-decimal-comma", "claimants", "semicolon-separated, `1.205` and `2,4` (decimal commas)",
         _text("c.csv", NOMIS.replace('","', '";"').replace('"1,205"', '"1.205"').replace('"2.4"', '"2,4"')),
         "data: count 1205 and rate 2.4 (never 1.205 or 24)", _nomis_check),
    Case("claimants-stray-decimal-comma", "claimants", "a rate `2,4` among rates written `2.5`",
         _text("c.csv", NOMIS.replace('"2.4"', '"2,4"')
               + '"2024-02","February 2024","Anytown","E07000901","Claimants as a proportion of residents aged 16-64","2.5"\n'
               + '"2024-03","March 2024","Anytown","E07000901","Claimants as a proportion of residents aged 16-64","2.6"\n'),
         "error: names the row and the value and says the file uses decimal points",
         error=("row 3", "2,4", "decimal points")),
    Case("claimants-infinite-value", "claimants", "a value `inf`",
         _text("c.csv", NOMIS.replace('"1,205"', '"inf"')), "error: not a finite number; names the row",
         error=("row 2", "not a finite number")),
    Case("claimants-nan-value", "claimants", "a value `nan`",
         _text("c.csv", NOMIS.replace('"1,205"', '"nan"')), "error: not a finite number; names the row",
         error=("row 2", "not a finite number")),
    Case("claimants-1e400", "claimants", "a value `1e400`",
         _text("c.csv", NOMIS.replace('"1,205"', '"1e400"')), "error: not a finite number; names the row",
         error=("row 2", "not a finite number")),
    Case("claimants-400-digits", "claimants", "a 400-digit value",
         _text("c.csv", NOMIS.replace('"1,205"', '"' + "9" * 400 + '"')),
         "error: not a finite number (value shortened); names the row", error=("row 2", "not a finite number")),
    Case("claimants-mixed-encoding", "claimants", "area names in UTF-8 (`Môn`) and a Windows-1252 line (`–`)",
         _bytes("c.csv", NOMIS.split("\n", 1)[0].encode() + b"\n"
                + "\n".join(NOMIS.split("\n")[1:3]).replace("Anytown", "Ynys M\u00f4n").encode() + b"\n"
                + NOMIS.split("\n")[3].replace("Northvale", "North \u2013 vale").encode("cp1252") + b"\n"),
         "data: both names right", lambda df: _expect(
             set(df["area_name"]) == {"Ynys M\u00f4n", "North \u2013 vale"}, set(df["area_name"]))),
    Case("claimants-merged-area", "claimants", "a workbook with the area code and name merged down over three months",
         _workbook("c.xlsx", WIDE_CLAIMANTS, merges=("A2:A4", "B2:B4"), title="Claimants"),
         "data: the code and name filled down, three months read; a note in the report",
         _claimants_merged_check),
    Case("claimants-formula-no-value", "claimants", "a workbook count that is a formula with no saved value",
         _workbook("c.xlsx", [WIDE_CLAIMANTS[0], WIDE_CLAIMANTS[1],
                              ["E07000901", "Anytown", "2024-02", "=D2-15", 2.3]], title="Claimants"),
         "error: names the row and says open and save the workbook in Excel",
         error=("row 3", "formula", "open the workbook in excel")),
    # --- station counts
    Case("stations-duplicate", "station_counts", "the same station and mode twice (different counts)",
         _text("AC2023.csv", STATIONS_2023 + "EZL,600,Abbey Wood,1,1,1,1,1,1,6\n"),
         "data: the first row kept; the repeat listed in the report with both row numbers",
         _station_duplicate_check),
    # === limits, stated and enforced =============================================================
    # --- regular files only
    Case("spend-fifo", "spend", "a named pipe (FIFO) called `s.csv`", _fifo("s.csv"),
         "error: not a regular file; refused before opening (no hang)", error=("not a regular file", "pipe")),
    Case("spend-dev-zero", "spend", "a symlink `s.csv` to `/dev/zero` (never ends)", _symlink("s.csv"),
         "error: not a regular file (a device); refused before opening", error=("not a regular file", "device")),
    Case("spend-folder-as-file", "spend", "a folder called `s.csv`", _folder("s.csv"),
         "error: the folder has no spend files", error=("folder",)),
    Case("ocds-fifo", "ocds", "a named pipe called `p.json`", _fifo("p.json"),
         "error: not a regular file", error=("not a regular file",)),
    Case("ocds-dev-zero", "ocds", "a symlink `p.json` to `/dev/zero`", _symlink("p.json"),
         "error: not a regular file", error=("not a regular file",)),
    Case("claimants-fifo", "claimants", "a named pipe called `c.csv`", _fifo("c.csv"),
         "error: not a regular file", error=("not a regular file",)),
    Case("claimants-dev-zero", "claimants", "a symlink `c.xlsx` to `/dev/zero`", _symlink("c.xlsx"),
         "error: not a regular file", error=("not a regular file",)),
    Case("stations-fifo", "station_counts", "a named pipe called `AC2020.csv`", _fifo("AC2020.csv"),
         "error: not a regular file", error=("not a regular file",)),
    Case("stations-dev-zero", "station_counts", "a symlink `AC2020.csv` to `/dev/zero`", _symlink("AC2020.csv"),
         "error: not a regular file", error=("not a regular file",)),
    Case("grants-fifo", "grants", "a named pipe called `g.json`", _fifo("g.json"),
         "error: not a regular file", error=("not a regular file",)),
    Case("contracts-dev-zero", "contracts", "a symlink `c.csv` to `/dev/zero`", _symlink("c.csv"),
         "error: not a regular file", error=("not a regular file",)),
    # --- columns and cells, counted before any CSV parser builds the table
    Case("spend-five-million-columns", "spend", "a 5 MB CSV whose first line has five million columns",
         _wide_csv("s.csv", HEADER + ROWS),
         "error: too many columns, the limit and how to raise it (TOOLKIT_MAX_COLUMNS)",
         error=("too many columns", "16,384", "TOOLKIT_MAX_COLUMNS")),
    Case("spend-five-million-columns-later", "spend", "a good header, then a row of five million columns",
         _wide_csv("s.csv", HEADER + ROWS, where="row"),
         "error: too many columns, naming the row", error=("too many columns", "row 4")),
    Case("spend-too-many-cells", "spend", "13,000 rows × 2,000 columns (26 million cells)", _many_cells,
         "error: too many cells, the limit and how to raise it (TOOLKIT_MAX_CELLS)",
         error=("too many cells", "25,000,000", "TOOLKIT_MAX_CELLS")),
    Case("spend-quoted-commas", "spend", "a quoted field holding 20,000 commas (more than the column limit)",
         _text("s.csv", 'Supplier,Amount,Date,Purpose\nA,10,01/04/2024,"' + "a," * 20_000 + '"\n'),
         "data: one row; commas inside quotes are not columns",
         lambda df: _expect(df["amount"].tolist() == [10.0] and len(df["purpose"].iloc[0]) == 40_000, df)),
    Case("claimants-five-million-columns", "claimants", "a 5 MB CSV of five million columns",
         _wide_csv("c.csv", NOMIS), "error: too many columns, the limit", error=("too many columns", "TOOLKIT_MAX_COLUMNS")),
    Case("stations-five-million-columns", "station_counts", "a 5 MB CSV of five million columns",
         _wide_csv("AC2023.csv", STATIONS_2023), "error: too many columns", error=("too many columns",)),
    Case("ocds-csv-five-million-columns", "ocds", "a Contracts Finder CSV with five million columns",
         _wide_csv("cf.csv", "releases/0/ocid\nocds-1\n"), "error: too many columns", error=("too many columns",)),
    Case("grants-five-million-columns", "grants", "a 360Giving CSV with five million columns",
         _wide_csv("g.csv", GRANTS_HEADER), "error: too many columns", error=("too many columns",)),
    # --- workbooks: zip bombs and false sizes, checked before openpyxl reads a cell
    Case("spend-zip-bomb", "spend", "a 1 MB .xlsx whose sheet unzips to 1.1 GB (a zip bomb)",
         _zip_bomb_xlsx("s.xlsx", [["Supplier", "Amount"], ["A", 1]]),
         "error: unzips to too much, the limit and how to raise it (TOOLKIT_MAX_UNZIPPED_MB)",
         error=("unzips to too much", "TOOLKIT_MAX_UNZIPPED_MB")),
    Case("claimants-zip-bomb", "claimants", "a claimant workbook that is a zip bomb",
         _zip_bomb_xlsx("c.xlsx", WIDE_CLAIMANTS[:2]), "error: unzips to too much",
         error=("unzips to too much",)),
    Case("spend-dimension-whole-sheet", "spend", "a 5 KB .xlsx whose size (dimension) claims the whole sheet, A1:XFD1048576",
         _workbook("s.xlsx", [["Supplier", "Amount", "Date"], ["A", 10, "01/04/2024"], ["B", 20, "02/04/2024"]],
                   edit=_dimension("A1:XFD1048576")),
         "data: the cells it really has (2 rows), with a note; memory stays small",
         _note("only the cells it really has", _spend_rows([10.0, 20.0]))),
    Case("claimants-dimension-whole-sheet", "claimants", "a claimant workbook whose dimension claims the whole sheet",
         _workbook("c.xlsx", WIDE_CLAIMANTS[:2], edit=_dimension("A1:XFD1048576"), title="Claimants"),
         "data: the real cells read, with a note", _claimants_dim_check),
    Case("spend-far-cell", "spend", "a workbook with one stray cell at XFD1048576 (the sheet's last cell)",
         _workbook("s.xlsx", [["Supplier", "Amount"], ["A", 10]], edit=_far_cell),
         "error: the sheet has too many cells; says to check for stray cells", error=("too many cells", "stray")),
    # --- JSON nesting
    Case("ocds-deep-json", "ocds", "JSON nested 10,000 deep", _text("p.json", "[" * 10_000 + "]" * 10_000),
         "error: nests too deeply, the limit and how to raise it (TOOLKIT_MAX_JSON_DEPTH), not RecursionError",
         error=("nests too deeply", "TOOLKIT_MAX_JSON_DEPTH")),
    Case("ocds-deep-release", "ocds", "a release package whose tender nests 5,000 objects deep",
         _text("p.json", '{"releases": [{"ocid": "x", "tender": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}]}"),
         "error: nests too deeply", error=("nests too deeply",)),
    Case("ocds-deep-jsonl", "ocds", "JSON Lines whose second line nests 10,000 deep",
         _text("p.jsonl", json.dumps({"releases": [OCDS_RELEASE]}) + "\n" + "[" * 10_000 + "]" * 10_000 + "\n"),
         "error: nests too deeply", error=("nests too deeply",)),
    Case("ocds-csv-huge-index", "ocds", "a Contracts Finder CSV header `releases/0/awards/99999999/id`",
         _text("cf.csv", "releases/0/ocid,releases/0/awards/99999999/id\nocds-1,a1\n"),
         "error: a list index too large (never a list of 100 million entries)",
         error=("too large a list index", "99999999")),
    Case("ocds-csv-deep-path", "ocds", "a Contracts Finder CSV header 300 levels deep",
         _text("cf.csv", "releases/0/ocid,releases/0/" + "a/" * 300 + "b\nocds-1,x\n"),
         "error: nests too deeply", error=("nests too deeply",)),
    # === OCDS with unexpected types: a note in the row, never a traceback ==========================
    Case("ocds-tender-list", "ocds", "`tender` as a list of one object",
         _text("p.json", _release(tender=[OCDS_RELEASE["tender"]])),
         "data: read as that object (value 50,000), with a note",
         _ocds_note("tender is a list of one object", value_amount=50000.0)),
    Case("ocds-tender-list-two", "ocds", "`tender` as a list of two objects",
         _text("p.json", _release(tender=[OCDS_RELEASE["tender"]] * 2)),
         "data: the tender left out, with a note", _ocds_note("tender is a list", value_amount=None)),
    Case("ocds-value-list", "ocds", "`tender.value` as a list of one object",
         _text("p.json", _release(tender=_tender(value=[{"amount": 7000, "currency": "GBP"}]))),
         "data: value 7,000, with a note", _ocds_note("value is a list of one object", value_amount=7000.0)),
    Case("ocds-value-text", "ocds", "`tender.value` as text (`\"50000\"`)",
         _text("p.json", _release(tender=_tender(value="50000"))),
         "data: no value, with a note", _ocds_note("value is text", value_amount=None)),
    Case("ocds-awards-strings", "ocds", "`awards` as a list of strings",
         _text("p.json", _release(awards=["a1", "a2"])),
         "data: the awards left out, a note each", _ocds_note("awards[1] is text", award_value_amount=None)),
    Case("ocds-awards-text", "ocds", "`awards` as one string",
         _text("p.json", _release(awards="none")), "data: a note", _ocds_note("awards is text")),
    Case("ocds-party-name-number", "ocds", "a supplier party whose name is a number",
         _text("p.json", _release(parties=[{"id": "s1", "name": 12345, "roles": ["supplier"]}],
                                  awards=[{"id": "a1", "suppliers": [{"id": "s1"}],
                                           "value": {"amount": 10, "currency": "GBP"}}])),
         "data: supplier `12345` (as text), with a note",
         _ocds_note("name is a number", suppliers="12345", award_value_amount=10.0)),
    Case("ocds-buyer-text", "ocds", "`buyer` as text, not an object",
         _text("p.json", _release(buyer="Anytown Council")),
         "data: read as the buyer's name, with a note", _ocds_note("read as its name", buyer="Anytown Council")),
    Case("ocds-suppliers-text", "ocds", "award suppliers as a list of names",
         _text("p.json", _release(awards=[{"id": "a1", "suppliers": ["Acme Ltd"], "value": {"amount": 10}}])),
         "data: supplier `Acme Ltd`, with a note", _ocds_note("read as its name", suppliers="Acme Ltd")),
    Case("ocds-amount-infinite", "ocds", "a tender amount `1e400` (infinite once read)",
         _text("p.json", _release().replace('"amount": 50000', '"amount": 1e400')),
         "data: no value (never inf), with a note", _ocds_note("not a number", value_amount=None)),
    Case("ocds-amount-nan", "ocds", "a tender amount `NaN` (Python's JSON extension)",
         _text("p.json", _release().replace('"amount": 50000', '"amount": NaN')),
         "data: no value, with a note", _ocds_note("not a number", value_amount=None)),
    Case("ocds-amount-decimal-comma", "ocds", "a tender amount `\"12,5\"` (text with a decimal comma)",
         _text("p.json", _release(tender=_tender(value={"amount": "12,5", "currency": "GBP"}))),
         "data: no value (never 125), with a note", _ocds_note("not a number ('12,5')", value_amount=None)),
    Case("ocds-date-object", "ocds", "the release `date` as an object",
         _text("p.json", _release(date={"when": "2024-04-01"})),
         "data: no date, with a note", _ocds_note("date is an object")),
    Case("ocds-lots-object", "ocds", "`tender.lots` as one object, not a list (tender without a value)",
         _text("p.json", _release(tender=_tender(value=None, lots={"id": "1", "value": {"amount": 5000, "currency": "GBP"}}))),
         "data: read as a list of one lot; tender value 5,000 from it",
         _ocds_note("lots is one object", value_amount=5000.0)),
    Case("ocds-classification-number", "ocds", "`tender.classification` as a number, `items` as text",
         _text("p.json", _release(tender=_tender(classification=45000000, items="x"))),
         "data: both left out, with notes", _ocds_note("classification is a number")),
    Case("ocds-contract-period-list", "ocds", "a contract `period` as a list",
         _text("p.json", _release(contracts=[{"id": "c1", "period": [{"startDate": "2024-01-01"}]}])),
         "data: the period left out, with a note", _ocds_note("period is a list")),
    Case("ocds-many-odd-parts", "ocds", "thirty awards that are strings",
         _text("p.json", _release(awards=["x"] * 30)),
         "data: ten notes, then a count of the rest", _ocds_note("and 20 more parts")),
    Case("ocds-releases-with-text", "ocds", "a `releases` list holding a string beside a release",
         _text("p.json", json.dumps({"releases": ["oops", OCDS_RELEASE]})),
         "data: the release read; the string listed in the report as left out (and warned)",
         lambda df: (_ocds_check(df), _expect(df.attrs["report"]["files"][0]["skipped"]
                                              == ["releases[0] is text, not an object"], df.attrs))),
    Case("ocds-cf-csv-decimal-comma", "ocds", "a Contracts Finder CSV value `12,5`",
         _text("cf.csv", "releases/0/ocid,releases/0/tender/value/amount\nocds-b5fd17-9,\"12,5\"\n"),
         "data: no value (never 125), with a note", _ocds_note("not a number", value_amount=None)),
]


# ----------------------------------------------------------------------------- delimiters, and workbooks that are not .xlsx

def _xls_file(name: str, sheets: dict[str, list[list]], merges=None,
              encrypted: bool = False) -> Callable[[Path], Path]:
    """An old-style .xls (BIFF8 in an OLE container) written by hand (tests/workbook_files.py);
    ``encrypted`` adds the record that says the workbook is password-protected."""
    def make(folder: Path) -> Path:
        import workbook_files as wf

        p = wf.write_xls(folder / name, sheets, merges)
        if encrypted:
            stream = wf._workbook_stream({n: (rows, []) for n, rows in sheets.items()})
            stream = (stream[:20] + wf._record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\x00" * 48)
                      + stream[20:])
            p.write_bytes(wf._compound_file(stream))
        return p
    return make


def _workbook_cells():
    import datetime as dt

    return [["Anytown spend over \u00a3500"], [],
            ["Service Area", "Supplier Name", "Payment Date", "Amount"],
            ["Libraries", "Acme Books Ltd", dt.date(2024, 4, 3), 1250.0],
            [None, "Clean Co", dt.date(2024, 4, 4), 99.5],
            ["TOTAL", None, None, 1349.5]]


def _ods_spend(folder: Path) -> Path:
    import workbook_files as wf

    rows = _workbook_cells()
    rows[3][0] = wf.Merge("Libraries", rows=2)
    return wf.write_ods(folder / "s.ods", {"Notes": [["About this file"]], "Spend": rows})


def _ods_formula(folder: Path) -> Path:
    import workbook_files as wf

    return wf.write_ods(folder / "s.ods", {"Spend": [
        ["Supplier", "Amount", "Date"], ["A", 10, "01/04/2024"],
        ["B", wf.Formula("of:=[.B2]*2"), "02/04/2024"], ["C", 5, "02/04/2024"],
        ["D", 7, "02/04/2024"]]})


def _ods_wide(folder: Path) -> Path:
    import workbook_files as wf

    return wf.write_ods(folder / "s.ods", {"Spend": [["Supplier", "Amount"],
                                                     ["A", 10, wf.Repeat("x", 20_000)]]})


def _ods_claimants(folder: Path) -> Path:
    import workbook_files as wf

    rows = [list(r) for r in WIDE_CLAIMANTS]
    rows[1][0], rows[1][1] = wf.Merge(rows[1][0], rows=3), wf.Merge(rows[1][1], rows=3)
    return wf.write_ods(folder / "c.ods", {"Claimants": rows})


def _two_area_check(df):
    TWO(df)
    assert df["service_area"].tolist() == ["Libraries", "Libraries"], df["service_area"].tolist()
    notes = _report_notes(df)
    assert "merged cells filled down" in notes, notes


SEMI_QUOTED = ("Service Area;Supplier Name;Payment Date;Amount;Purpose\n" + "".join(
    f'Libraries;Supplier {i} Ltd;0{i + 1}/04/2024;{i + 1}.250,00;"Books, DVDs, maps, and, more"\n'
    for i in range(5)))
_LONG_NAME = "Anytown, Northvale, Southvale, Eastvale, Westvale, Upvale and Downvale"
NOMIS_SEMI_QUOTED = ('"DATE";"DATE_NAME";"GEOGRAPHY_NAME";"GEOGRAPHY_CODE";"MEASURE_NAME";"OBS_VALUE"\n'
                     + "".join(f'"2024-0{m}";"{name} 2024";"{_LONG_NAME}";"E07000901";"{measure}";'
                               f'"{value}"\n'
                               for m, name in ((1, "January"), (2, "February"))
                               for measure, value in (("Claimant count", 1205 + m),
                                                      ("Claimants as a proportion of residents "
                                                       "aged 16-64", 2.4))))


CASES += [
    # === delimiters: separators inside quotes are not counted ==================================
    Case("spend-semicolon-quoted-commas", "spend",
         "semicolon-separated, decimal commas (`1.250,00`), quoted purposes holding more commas "
         "than the file has semicolons",
         _text("s.csv", SEMI_QUOTED),
         "data: read as semicolon-separated (was: taken for commas and refused); purposes whole",
         lambda df: _expect(df["amount"].tolist() == [1250.0, 2250.0, 3250.0, 4250.0, 5250.0]
                            and set(df["purpose"]) == {"Books, DVDs, maps, and, more"},
                            df[["amount", "purpose"]])),
    Case("spend-tab-unquoted-commas", "spend",
         "tab-separated, every purpose holding three commas (not quoted)",
         _text("s.csv", "Supplier Name\tPayment Date\tAmount\tPurpose\n" + "".join(
             f"Supplier {i}\t0{i + 1}/04/2024\t{i + 1}0.00\tBooks, maps, DVDs, more\n"
             for i in range(6))),
         "data: read as tab-separated (the header row has tabs and no commas)",
         _spend_rows([10.0, 20.0, 30.0, 40.0, 50.0, 60.0])),
    Case("spend-comma-quoted-semicolons", "spend",
         "comma-separated, quoted purposes holding semicolons",
         _text("s.csv", HEADER.rstrip("\n") + ",Purpose\n" + "".join(
             line.rstrip("\n") + ',"a; b; c; d; e; f"\n' for line in ROWS.splitlines(True))),
         "data: read as comma-separated", TWO),
    Case("claimants-semicolon-quoted-commas", "claimants",
         "semicolon-separated NOMIS file whose quoted area names hold more commas than the "
         "file has semicolons",
         _text("c.csv", NOMIS_SEMI_QUOTED),
         "data: read as semicolon-separated (was: taken for commas and refused); the name whole",
         lambda df: (_expect(_claimant_rows(df, "E07000901", "count", "2024-02-01") == [1207.0], df),
                     _expect(set(df["area_name"]) == {_LONG_NAME}, set(df["area_name"])))),
    # === workbooks that are not .xlsx (read by python-calamine) =================================
    Case("spend-ods", "spend",
         "an OpenDocument .ods (LibreOffice) workbook: a notes sheet, a title, a merged service "
         "area, dates, a TOTAL row",
         _ods_spend,
         "data: the 2 rows, the service area filled down (with a note), totals dropped",
         _two_area_check),
    Case("spend-xls", "spend", "an old-style .xls workbook (Excel 97–2003), merged service area",
         _xls_file("s.xls", {"Spend": _workbook_cells()}, {"Spend": [(4, 1, 5, 1)]}),
         "data: the 2 rows, the service area filled down (with a note), totals dropped",
         _two_area_check),
    Case("spend-xls-named-xlsx", "spend", "an old-style .xls workbook saved with an .xlsx name",
         _xls_file("s.xlsx", {"Spend": _workbook_cells()}, {"Spend": [(4, 1, 5, 1)]}),
         "data: read as what it is (the 2 rows), with a note saying so",
         _note("old-style .xls workbook, though named .xlsx", TWO)),
    Case("spend-xls-password", "spend", "a password-protected .xls",
         _xls_file("s.xls", {"Spend": [["Supplier", "Amount"], ["A", 1.0]]}, encrypted=True),
         "error: password-protected; save an unprotected copy", error=("password-protected",)),
    Case("spend-xls-damaged", "spend", "an .xls cut off after its first sector",
         lambda f: _bytes("s.xls", (_xls_file("w.xls", {"S": [["a"]]})(f)).read_bytes()[:700])(f),
         "error: cannot be opened (truncated, damaged or not really .xls)",
         error=("cannot be opened", ".xls")),
    Case("spend-ods-formula-no-value", "spend",
         "an .ods whose amount is a formula without a saved value",
         _ods_formula,
         "data: that amount unread; `issue` and the report say open and save the workbook",
         _note("open the workbook in Excel", _issues([10.0, None, 5.0, 7.0],
                                                      {1: "open the workbook in Excel"},
                                                      unreadable=1))),
    Case("spend-ods-20000-columns", "spend",
         "an .ods whose row repeats a cell across 20,000 columns (one element in the file)",
         _ods_wide,
         "error: too many columns, checked before any cell is read", error=("too many columns",)),
    Case("claimants-ods", "claimants",
         "an .ods workbook with the area code and name merged down over three months",
         _ods_claimants,
         "data: the code and name filled down, three months read; a note in the report",
         _claimants_merged_check),
    Case("stations-xls", "station_counts", "the 2023 station counts layout in an .xls workbook",
         _xls_file("AC2023.xls", {"Counts": [
             ["COUNTS 2023 // Station annualised entries and exits"] + [None] * 9,
             [None, None, None, "Monday", "Midweek", "Friday", "Monday", "Midweek", "Friday",
              "Annualised"],
             ["Mode", "MNLC", "Station", "Entries", "Entries", "Entries", "Exits", "Exits", "Exits",
              "En/Ex"],
             ["EZL", 600.0, "Abbey Wood", 1200.0, 1350.0, 1100.0, 1190.0, 1300.0, 1120.0,
              812000.0]]}),
         "data: the day-type columns; year 2023", _stations_2023_check),
]


def _rename(p: Path, name: str) -> Path:
    q = p.with_name(name)
    p.rename(q)
    return q


def loader(area: str):
    """The public loader for an area of the corpus."""
    if area == "spend":
        from toolkit_helpers.spend import load_spend
        return load_spend
    if area == "ocds":
        from toolkit_helpers.procurement import load_ocds
        return load_ocds
    if area == "claimants":
        from toolkit_helpers.claimants import load_claimant_count
        return load_claimant_count
    if area == "station_counts":
        from toolkit_helpers.transport import load_station_counts
        return load_station_counts
    if area == "grants":
        from toolkit_helpers.registers import load_grants
        return load_grants
    if area == "contracts":
        from toolkit_helpers.registers import load_contracts_register
        return load_contracts_register
    if area == "config":
        from toolkit_helpers.config import load_config
        return load_config
    raise ValueError(area)


def table() -> str:
    """The Markdown table of cases and outcomes (docs/bad-input.md)."""
    lines = ["| Case | Loader | Input | Outcome |", "|---|---|---|---|"]
    names = {"spend": "`load_spend`", "ocds": "`load_ocds`", "claimants": "`load_claimant_count`",
             "station_counts": "`load_station_counts`", "config": "`load_config`",
             "grants": "`load_grants`", "contracts": "`load_contracts_register`"}
    for c in CASES:
        lines.append(f"| `{c.id}` | {names[c.area]} | {c.what.replace('|', '/')} | "
                     f"{c.outcome.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


BEGIN = "<!-- generated: bad-input table (python tests/bad_input_corpus.py) -->"
END = "<!-- end of generated bad-input table -->"


def update_docs(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n{table()}{END}{tail}"
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    docs = Path(__file__).resolve().parents[1] / "docs" / "bad-input.md"
    print("updated" if update_docs(docs) else "already current", docs.name)
    sys.exit(0)
