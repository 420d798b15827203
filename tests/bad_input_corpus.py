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

import json
import sys
import zipfile
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
