"""load_spend and its building blocks: every quirk of published spend files, with small files
made here, and the real files in ../shared/realdata/spend (skipped when absent)."""
import csv
import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from toolkit_helpers import spend
from toolkit_helpers.errors import DataFileError

LGA = ("OrganisationLabel,OrganisationURI,EffectiveDate,OrganisationalUnit,BeneficiaryName,"
       "BeneficiaryOtherID,PaymentDate,TransactionNumber,Amount,IrrecoverableVATAmount,Purpose,"
       "ProclassLabel,ProclassCode")


def write(path: Path, text: str, encoding="utf-8", newline="\n", bom=False) -> Path:
    data = text.replace("\n", newline).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def simple_rows():
    return ("Body Name,Service Area,Paid Date,Trans No,Supplier Name,Net Amount(£),Purpose\n"
            "Anytown,Waste,03/04/2023,T1,Acme Ltd,\"1,000.00\",Bins\n"
            "Anytown,Parks,04/04/2023,T2,Bobs Trees,250.50,Trees\n")


# ----------------------------------------------------------------------------- encodings

@pytest.mark.parametrize("encoding,bom,expected", [
    ("utf-8", False, "utf-8"), ("utf-8", True, "utf-8-sig"), ("cp1252", False, "cp1252")])
@pytest.mark.parametrize("newline,ending", [("\r\n", "CRLF"), ("\n", "LF"), ("\r", "CR")])
def test_encodings_and_line_endings(tmp_path, encoding, bom, expected, newline, ending):
    p = write(tmp_path / "s.csv", simple_rows(), encoding, newline, bom)
    df = spend.load_spend(p)
    assert list(df["supplier"]) == ["Acme Ltd", "Bobs Trees"]
    assert list(df["amount"]) == [1000.0, 250.5]
    assert list(df["payment_date"]) == [pd.Timestamp("2023-04-03"), pd.Timestamp("2023-04-04")]
    f = df.attrs["report"]["files"][0]
    assert f["encoding"] == expected and f["line_endings"] == ending
    assert f["mapped"]["amount"]["column"] == "Net Amount(£)"  # £ decoded in every encoding
    assert list(df["source_row"]) == [2, 3]


def test_columns_and_dtypes_are_the_canonical_ones(tmp_path):
    df = spend.load_spend(write(tmp_path / "s.csv", simple_rows()))
    assert list(df.columns) == list(spend.COLUMNS)
    assert df["amount"].dtype == "float64"
    assert str(df["payment_date"].dtype) == "datetime64[ns]"
    assert df["source_row"].dtype == "int64"
    # columns the file lacks are present and empty
    assert df["expense_type"].isna().all() and df["effective_date"].isna().all()
    assert set(df["source_file"]) == {"s.csv"}


def test_input_file_is_never_modified(tmp_path):
    p = write(tmp_path / "s.csv", "Title\n\n" + simple_rows() + "TOTAL,,,,,1250.50,\n", "cp1252")
    before = hashlib.sha256(p.read_bytes()).hexdigest()
    spend.load_spend(p)
    assert hashlib.sha256(p.read_bytes()).hexdigest() == before


# ----------------------------------------------------------------------------- header row

def test_header_after_title_and_blank_rows(tmp_path):
    text = ("Anytown Council - payments over £500 - April 2023,,,\n"
            ",,,,,,\n"
            "\n" + simple_rows())
    df = spend.load_spend(write(tmp_path / "s.csv", text, "cp1252"))
    f = df.attrs["report"]["files"][0]
    assert f["header_row"] == 4
    assert f["dropped"]["title or blank rows above the header"] == 3
    assert list(df["source_row"]) == [5, 6]  # the rows a spreadsheet shows


def test_header_as_the_last_line_with_no_data(tmp_path):
    p = write(tmp_path / "s.csv", "Spend over £500 - nothing to report\n\nSupplier,Amount,Paid Date\n")
    df = spend.load_spend(p)
    assert len(df) == 0 and list(df.columns) == list(spend.COLUMNS)
    assert df.attrs["report"]["files"][0]["header_row"] == 3


def test_header_as_the_last_line_below_the_data(tmp_path):
    p = write(tmp_path / "s.csv", "Spend report\nAcme,100,2023-04-01\nBob,50.25,2023-04-02\n"
                                  "Supplier,Amount,Payment Date\n")
    df = spend.load_spend(p)
    assert list(df["supplier"]) == ["Acme", "Bob"]
    assert df["amount"].sum() == pytest.approx(150.25)
    assert list(df["source_row"]) == [2, 3]
    assert any("last line" in n for n in df.attrs["report"]["files"][0]["notes"])


def test_header_found_after_many_rows_of_preamble(tmp_path):
    preamble = "".join(f"Note line {i}\n" for i in range(30))
    df = spend.load_spend(write(tmp_path / "s.csv", preamble + simple_rows()))
    assert df.attrs["report"]["files"][0]["header_row"] == 31
    assert len(df) == 2


# ----------------------------------------------------------------------------- columns

def test_spacer_columns_from_merged_cells_are_dropped(tmp_path):
    text = ("Supplier Name,,,Amount,,Paid Date,\n"
            "Acme,,,10.00,,01/05/2023,\n"
            "Bob,,,20.00,,02/05/2023,\n")
    df = spend.load_spend(write(tmp_path / "s.csv", text))
    f = df.attrs["report"]["files"][0]
    assert f["spacer_columns"] == 4 and f["left_out"] == []
    assert list(df["amount"]) == [10.0, 20.0]


def test_a_headerless_column_with_values_is_reported_not_silently_lost(tmp_path):
    text = "Supplier Name,Amount,\nAcme,10.00,note A\nBob,20.00,\n"
    df = spend.load_spend(write(tmp_path / "s.csv", text))
    f = df.attrs["report"]["files"][0]
    assert f["left_out"] == [" (C)"] or any("(C)" in c for c in f["left_out"])
    assert any("column C has values but no header" in n for n in f["notes"])


def test_duplicate_column_names_first_empty_uses_the_other(tmp_path):
    text = "Supplier Name,Amount,Amount,Paid Date\nAcme,,10.00,01/05/2023\nBob,,20.00,02/05/2023\n"
    df = spend.load_spend(write(tmp_path / "s.csv", text))
    assert list(df["amount"]) == [10.0, 20.0]
    f = df.attrs["report"]["files"][0]
    assert f["mapped"]["amount"]["letter"] == "C"
    assert any("column B" in n and "column C" in n for n in f["notes"])


def test_duplicate_column_names_both_filled_uses_the_first_and_reports_the_other(tmp_path):
    text = "Supplier Name,Amount,Amount\nAcme,10.00,99\n"
    df = spend.load_spend(write(tmp_path / "s.csv", text))
    assert list(df["amount"]) == [10.0]
    assert df.attrs["report"]["files"][0]["also_matched"] == {"amount": ["Amount (C)"]}
    table = spend.mapping_table(df)
    assert "another column for amount" in set(table["how"])


def test_ragged_rows_longer_than_the_header(tmp_path):
    text = "Supplier Name,Amount\nAcme,10.00\nBob,20.00,stray,cells\nCat,5\n"
    df = spend.load_spend(write(tmp_path / "s.csv", text))
    assert list(df["supplier"]) == ["Acme", "Bob", "Cat"]
    assert list(df["source_row"]) == [2, 3, 4]


def test_quoted_cells_with_commas_and_line_breaks_keep_row_numbers(tmp_path):
    text = ('Supplier Name,Amount,Purpose\n"Smith, Jones & Co","1,200.00","two\nlines"\n'
            "Acme,5,x\n")
    df = spend.load_spend(write(tmp_path / "s.csv", text))
    assert list(df["supplier"]) == ["Smith, Jones & Co", "Acme"]
    assert list(df["amount"]) == [1200.0, 5.0]
    assert list(df["source_row"]) == [2, 3]  # records, as a spreadsheet numbers them


def test_padded_supplier_names_and_NA_tokens(tmp_path):
    text = ("Supplier Name ,Amount,Service Area,Purpose\n"
            "ACME LTD                                  ,10,NA,N/A\n"
            "  Bobs  ,20,Waste,#N/A\n")
    df = spend.load_spend(write(tmp_path / "s.csv", text))
    assert list(df["supplier"]) == ["ACME LTD", "Bobs"]
    assert df["service_area"].isna().tolist() == [True, False]
    assert df["purpose"].isna().all()


def test_semicolon_tails_and_typos_in_headers(tmp_path):
    text = ("Organisatonal Unit,Expenditure Catergory,Benificiary Name,Amount;;;;\n"
            "Waste,Fuel,Acme,10\n")
    df = spend.load_spend(write(tmp_path / "s.csv", text))
    row = df.iloc[0]
    assert (row["service_area"], row["expense_type"], row["supplier"], row["amount"]) == \
        ("Waste", "Fuel", "Acme", 10.0)


# ----------------------------------------------------------------------------- totals & blanks

def test_totals_rows_and_blank_rows_are_dropped(tmp_path):
    text = ("Service Area,Supplier Name,Amount\n"
            "Waste,Acme,100.00\n"
            ",,\n"
            "Parks,Total Gas & Power Ltd,50.00\n"  # a real supplier, not a total
            "Parks,Bob,25.00\n"
            "Sub-total,,175.00\n"
            ",TOTAL,175.00\n"
            "Grand Total,,175.00\n"
            ",,\n")
    df = spend.load_spend(write(tmp_path / "s.csv", text))
    assert list(df["supplier"]) == ["Acme", "Total Gas & Power Ltd", "Bob"]
    d = df.attrs["report"]["files"][0]["dropped"]
    assert d["totals"] == 3 and d["blank"] == 2


def test_unlabelled_total_equal_to_the_sum_is_dropped_other_amount_only_rows_kept(tmp_path):
    text = ("Supplier Name,Amount,Paid Date\n"
            "Acme,100.00,01/04/2023\n"
            "Bob,(20.00),02/04/2023\n"
            ",80.00,\n"  # the sum of the rows above: a total without a label
            ",5.00,\n")  # not a sum: kept, so nothing vanishes
    df = spend.load_spend(write(tmp_path / "s.csv", text))
    assert list(df["amount"]) == [100.0, -20.0, 5.0]
    assert df.attrs["report"]["files"][0]["dropped"]["totals"] == 1


def test_repeated_header_rows_and_note_rows_are_dropped(tmp_path):
    text = ("Service Area,Supplier Name,Amount\nWaste,Acme,1\nService Area,Supplier Name,Amount\n"
            "Parks,Bob,2\nFigures exclude VAT,,\nParks,Carl,\n")
    df = spend.load_spend(write(tmp_path / "s.csv", text))
    d = df.attrs["report"]["files"][0]["dropped"]
    assert d["repeated header"] == 1
    assert d["no amount, supplier, date or reference"] == 1  # the note
    # a line with a supplier but no amount is kept (and flagged), not dropped
    assert list(df["supplier"]) == ["Acme", "Bob", "Carl"]
    assert df["issue"].tolist()[2] == "amount: empty"


# ----------------------------------------------------------------------------- amounts

@pytest.mark.parametrize("text,value", [
    ("1000", 1000.0), ("1,000.00", 1000.0), ("£1,000", 1000.0), ("-£12.50", -12.5),
    ("£-12.50", -12.5), ("(12.50)", -12.5), ("(1,234.56)", -1234.56), ("12.50-", -12.5),
    ("£12.50-", -12.5), ("12.50 CR", -12.5), ("GBP 5", 5.0), ("\u221212.50", -12.5),
    (" 7 ", 7.0), ("£ 1 000.00", 1000.0), (".5", 0.5),
])
def test_parse_amounts(text, value):
    p = spend.parse_amounts(pd.Series([text], dtype="str"))
    assert p.values.iloc[0] == pytest.approx(value)
    assert not p.bad.iloc[0] and not p.empty.iloc[0]


def test_parse_amounts_empty_and_bad():
    p = spend.parse_amounts(pd.Series(["", "NA", "-", "12..5", "abc", "1,2O0.00", None]))
    assert p.empty.tolist() == [True, True, True, False, False, False, True]
    assert p.bad.tolist() == [False, False, False, True, True, True, False]
    assert p.values.isna().all()


def test_parse_amounts_passes_numbers_through():
    p = spend.parse_amounts(pd.Series([1.5, None, -2.0]))
    assert p.values.tolist()[0] == 1.5 and p.values.isna().tolist() == [False, True, False]


def test_bad_amount_cells_are_kept_counted_and_located(tmp_path):
    rows = "".join(f"Supplier {i},{i + 1}.00,01/04/2023\n" for i in range(20))
    text = "Supplier Name,Amount,Paid Date\n" + rows + "Odd,12..50,02/04/2023\nEmpty,,02/04/2023\n"
    df = spend.load_spend(write(tmp_path / "s.csv", text))
    assert len(df) == 22  # nothing vanished
    f = df.attrs["report"]["files"][0]
    assert f["problems"]["amounts unreadable"] == 1 and f["problems"]["amounts missing"] == 1
    assert f["examples"][0] == {"row": 22, "column": "Amount", "value": "12..50",
                                "problem": "amount not a number"}
    probs = spend.problems_table(df)
    assert list(probs["source_row"]) == [22, 23]
    assert probs["issue"].iloc[0] == "amount: not a number ('12..50')"
    assert probs["issue"].iloc[1] == "amount: empty"
    assert df.attrs["report"]["issues"] == 2


def test_a_column_of_mostly_non_amounts_stops_with_a_clear_error(tmp_path):
    text = "Supplier Name,Amount\nAcme,ten pounds\nBob,twenty\nCat,5\n"
    with pytest.raises(DataFileError) as e:
        spend.load_spend(write(tmp_path / "s.csv", text))
    err = e.value
    assert err.row == 2 and err.column == "Amount" and "s.csv" in str(err)
    assert "mapping=" in err.hint


# ----------------------------------------------------------------------------- dates

@pytest.mark.parametrize("text,date", [
    ("03/04/2023", "2023-04-03"), ("3/4/2023", "2023-04-03"), ("03-04-2023", "2023-04-03"),
    ("03.04.2023", "2023-04-03"), ("03/04/23", "2023-04-03"), ("11-Aug-22", "2022-08-11"),
    ("11-AUG-22", "2022-08-11"), ("3 Apr 2023", "2023-04-03"), ("3 April 2023", "2023-04-03"),
    ("3-Sept-2023", "2023-09-03"), ("2023-04-03", "2023-04-03"),
    ("2023-04-03 00:00:00", "2023-04-03"), ("2023-04-03T10:15:00+01:00", "2023-04-03"),
    ("03/04/2023 00:00", "2023-04-03"), ("45764", "2025-04-17"), ("45017", "2023-04-01"),
    ("2023/04/03", "2023-04-03"), ("20230403", "2023-04-03"),
])
def test_parse_dates(text, date):
    p = spend.parse_dates(pd.Series([text], dtype="str"))
    assert p.values.iloc[0] == pd.Timestamp(date), text
    assert not p.bad.iloc[0]


def test_excel_serial_origin_matches_excel():
    # Excel day 45764 is 2025-04-17 (day 1 = 1900-01-01, with Excel's 1900 leap-year bug)
    base = dt.date(1899, 12, 30)
    assert base + dt.timedelta(days=45764) == dt.date(2025, 4, 17)


def test_parse_dates_lost_empty_bad_and_implausible():
    p = spend.parse_dates(pd.Series(["00:00:00", "", "NA", "31/02/2023", "soon", "23/04/0023"]))
    assert p.lost.tolist() == [True, False, False, False, False, False]
    assert p.empty.tolist() == [False, True, True, False, False, False]
    assert p.bad.tolist() == [False, False, False, True, True, True]
    assert p.values.isna().all()


def test_month_first_dates_are_recognised_by_the_column():
    p = spend.parse_dates(pd.Series(["04/13/2023", "04/03/2023"]))
    assert p.values.tolist() == [pd.Timestamp("2023-04-13"), pd.Timestamp("2023-04-03")]
    assert p.info["order"].startswith("month first")
    q = spend.parse_dates(pd.Series(["13/04/2023", "04/03/2023"]))
    assert q.values.tolist() == [pd.Timestamp("2023-04-13"), pd.Timestamp("2023-03-04")]


def test_files_without_dates_and_lost_dates(tmp_path):
    df = spend.load_spend(write(tmp_path / "a.csv", "Supplier Name,Amount\nAcme,1\n"))
    assert df["payment_date"].isna().all()
    assert df.attrs["report"]["files"][0]["problems"]["dates missing"] == 1
    text = "Supplier Name,Amount,Paid Date\nAcme,1,00:00:00\nBob,2,01/04/2023\n"
    df = spend.load_spend(write(tmp_path / "b.csv", text))
    assert df["payment_date"].isna().tolist() == [True, False]
    assert df["issue"].iloc[0] == "payment_date: lost (00:00:00)"
    assert df.attrs["report"]["files"][0]["problems"]["dates lost (00:00:00)"] == 1


def test_effective_date_is_not_the_payment_date(tmp_path):
    text = LGA + "\nC,u,2023-04-30,Waste,Acme,,2023-04-12,T1,10.00,0,x,Fuel,1\n"
    df = spend.load_spend(write(tmp_path / "s.csv", text, bom=True))
    assert df["payment_date"].iloc[0] == pd.Timestamp("2023-04-12")
    assert df["effective_date"].iloc[0] == pd.Timestamp("2023-04-30")
    text = "OrganisationLabel,EffectiveDate,BeneficiaryName,Amount\nC,2023-04-30,Acme,1\n"
    df = spend.load_spend(write(tmp_path / "t.csv", text))
    assert df["payment_date"].isna().all() and df["effective_date"].notna().all()


# ----------------------------------------------------------------------------- Excel

def make_workbook(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes["A1"] = "Payments over £500, one sheet per month"
    for month in (4, 5):
        ws = wb.create_sheet(f"{month:02d}-2023")
        ws.append([f"Spend for month {month}"])
        ws.append([])
        ws.append(["Service Area", "Paid Date", "Supplier Name", "Net Amount(£)"])
        ws.append(["Waste", dt.datetime(2023, month, 3), "Acme", 100.5])
        ws.append(["Parks", 45017 + month, "Bob", -10])  # an Excel serial typed as a number
        ws.append(["TOTAL", None, None, 90.5])
    wb.save(path)
    return path


def test_workbook_every_sheet_with_total_rows(tmp_path):
    df = spend.load_spend(make_workbook(tmp_path / "q1.xlsx"))
    assert list(df["sheet"]) == ["04-2023", "04-2023", "05-2023", "05-2023"]
    assert list(df["amount"]) == [100.5, -10.0, 100.5, -10.0]
    assert list(df["source_row"]) == [4, 5, 4, 5]
    assert list(df["payment_date"]) == [pd.Timestamp("2023-04-03"), pd.Timestamp("2023-04-05"),
                                        pd.Timestamp("2023-05-03"), pd.Timestamp("2023-04-06")]
    files = spend.files_table(df)
    assert set(files["sheet"]) == {"04-2023", "05-2023", "Notes"}
    assert "skipped" in files.loc[files["sheet"] == "Notes", "why dropped"].iloc[0]
    assert files.loc[files["sheet"] == "04-2023", "why dropped"].iloc[0].endswith("1 totals")


def test_workbook_one_named_sheet(tmp_path):
    p = make_workbook(tmp_path / "q1.xlsx")
    df = spend.load_spend(p, sheet="05-2023")
    assert set(df["sheet"]) == {"05-2023"} and len(df) == 2
    with pytest.raises(DataFileError, match="no sheet called"):
        spend.load_spend(p, sheet="June")
    with pytest.raises(DataFileError, match="cannot find"):
        spend.load_spend(p, sheet="Notes")


def test_ods_and_xls_spend_files(tmp_path):
    """LibreOffice (.ods) and old Excel (.xls) spend files, read through io.read_workbook
    (python-calamine), as the same .xlsx would be: merged service area filled down, dates as
    dates, totals dropped."""
    import workbook_files as wf

    rows = [["Anytown spend over £500"], [],
            ["Service Area", "Supplier Name", "Payment Date", "Amount"],
            ["Libraries", "Acme Books Ltd", dt.date(2024, 4, 3), 1250],
            [None, "Clean Co", dt.date(2024, 4, 4), 99.5],
            ["TOTAL", None, None, 1349.5]]
    ods = wf.write_ods(tmp_path / "s.ods", {"Spend": [
        [wf.Merge(c, rows=2) if c == "Libraries" else c for c in r] for r in rows]})
    xls = wf.write_xls(tmp_path / "s.xls", {"Spend": rows}, merges={"Spend": [(4, 1, 5, 1)]})
    for p in (ods, xls):
        df = spend.load_spend(p)
        assert df["supplier"].tolist() == ["Acme Books Ltd", "Clean Co"], p.name
        assert df["amount"].tolist() == [1250.0, 99.5]
        assert df["service_area"].tolist() == ["Libraries", "Libraries"]
        assert list(df["payment_date"]) == [pd.Timestamp("2024-04-03"), pd.Timestamp("2024-04-04")]
        assert list(df["source_row"]) == [4, 5] and set(df["sheet"]) == {"Spend"}
        assert "merged cells filled down" in " ".join(df.attrs["report"]["files"][0]["notes"])


def test_semicolon_file_whose_quoted_purposes_hold_commas(tmp_path):
    """Commas inside quotes are not separators: the file is read as semicolon-separated
    (was: sniffed as comma-separated, then refused: 'cannot find the supplier and amount')."""
    p = write(tmp_path / "s.csv", "Supplier Name;Payment Date;Amount;Purpose\n" + "".join(
        f'Supplier {i} Ltd;0{i + 1}/04/2024;{i + 1}0,50;"Books, DVDs, maps, and, more"\n'
        for i in range(6)))
    df = spend.load_spend(p)
    assert df["amount"].tolist() == [10.5, 20.5, 30.5, 40.5, 50.5, 60.5]
    assert set(df["purpose"]) == {"Books, DVDs, maps, and, more"}


# ----------------------------------------------------------------------------- many files

def test_a_list_of_files_and_a_folder_give_one_frame(tmp_path):
    folder = tmp_path / "spend"
    folder.mkdir()
    write(folder / "a.csv", simple_rows(), "cp1252")
    write(folder / "b.csv", LGA + "\nC,u,2023-05-31,Waste,Zed,,2023-05-12,T9,7.00,0,x,Fuel,1\n",
          bom=True)
    make_workbook(folder / "c.xlsx")
    (folder / "readme.txt").write_text("not spend")
    by_folder = spend.load_spend(folder)
    by_list = spend.load_spend([folder / "a.csv", folder / "b.csv", folder / "c.xlsx"])
    pd.testing.assert_frame_equal(by_folder, by_list)
    assert len(by_folder) == 2 + 1 + 4
    assert by_folder.groupby("source_file").size().to_dict() == {"a.csv": 2, "b.csv": 1, "c.xlsx": 4}
    assert by_folder["amount"].sum() == pytest.approx(1000 + 250.5 + 7 + 2 * 90.5)
    assert by_folder.attrs["report"]["rows"] == 7
    layouts = spend.mapping_table(by_folder)["layout"].nunique()
    assert layouts == 3


# ----------------------------------------------------------------------------- procurement cards

CARD = ("OrganisationLabel,OrganisationURI,EffectiveDate,OrganisationalUnit,BeneficiaryName,"
        "PaymentDate,Amount,IrrecoverableVATAmount,Purpose,CategoryInternalName,"
        "MerchantCategoryCode,CardTransaction\n"
        "Anytown,u,2026-05-31,Libraries,Dunsters Farm Limited,2026-05-29,181.56,0,Catering,"
        "Other Nondurable Goods,5199,GPC\n"
        "Anytown,u,2026-05-31,Parks,Amazon Marketplace,2026-05-30,-12.00,0,Refund,"
        "Book Stores,5942,GPC\n")


def test_procurement_card_files_are_their_own_kind(tmp_path):
    card = write(tmp_path / "card_2026-05.csv", CARD)
    supplier = write(tmp_path / "spend_2026-05.csv", simple_rows())
    assert spend.is_procurement_card(card) is True
    assert spend.is_procurement_card(supplier) is False
    # by the header alone: a card-only column (a plain "Merchant Category" is not enough: the
    # Transparency Code lists it among the spend over £500 fields)
    assert spend.is_procurement_card(["Merchant Name", "Amount", "Date"]) is True
    assert spend.is_procurement_card(["Supplier", "Amount", "Cardholder"]) is True
    assert spend.is_procurement_card(["Supplier", "Amount", "MCC"]) is True
    assert spend.is_procurement_card(["Supplier", "Amount", "Merchant Category"]) is False
    assert spend.is_procurement_card(["Supplier Name", "Net Amount", "Discard Date"]) is False
    # or by the file name, when the columns are those of spend
    named = write(tmp_path / "anytown_procurement_card_2026.csv", simple_rows())
    assert spend.is_procurement_card(named) is True
    assert spend.is_procurement_card(write(tmp_path / "p-cards.csv", simple_rows())) is True
    assert spend.is_procurement_card(write(tmp_path / "scorecard.csv", simple_rows())) is False

    df = spend.load_spend([supplier, card, named])
    files = {f["file"]: (f["kind"], f["kind_reason"]) for f in df.attrs["report"]["files"]}
    assert files == {"spend_2026-05.csv": ("spend", ""),
                     "card_2026-05.csv": ("procurement_card", "column 'MerchantCategoryCode'"),
                     "anytown_procurement_card_2026.csv": ("procurement_card", "file name")}
    assert list(df.columns) == list(spend.COLUMNS)  # no new column: the kind is in the report
    sup, cards = spend.split_procurement_card(df)
    assert sup["supplier"].tolist() == ["Acme Ltd", "Bobs Trees"]
    assert cards["supplier"].tolist() == ["Dunsters Farm Limited", "Amazon Marketplace",
                                          "Acme Ltd", "Bobs Trees"]
    assert cards["source_file"].tolist() == ["card_2026-05.csv"] * 2 + \
        ["anytown_procurement_card_2026.csv"] * 2
    assert (sup.attrs["report"]["rows"], sup.attrs["report"]["amount_total"]) == (2, 1250.5)
    assert (cards.attrs["report"]["rows"], cards.attrs["report"]["amount_total"]) == \
        (4, round(181.56 - 12 + 1250.5, 2))
    assert [f["file"] for f in cards.attrs["report"]["files"]] == [
        "card_2026-05.csv", "anytown_procurement_card_2026.csv"]
    assert len(df) == 6 and df.attrs["report"]["rows"] == 6  # the whole frame is unchanged


def test_split_procurement_card_by_workbook_sheet(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Payments"
    ws.append(["Supplier Name", "Net Amount", "Paid Date"])
    ws.append(["Acme", 100, "03/04/2023"])
    cs = wb.create_sheet("Cards")
    cs.append(["Merchant Name", "Amount", "Transaction Date", "Merchant Category Code"])
    cs.append(["Cafe", 4.5, "04/04/2023", "5814"])
    wb.save(tmp_path / "q1.xlsx")
    df = spend.load_spend(tmp_path / "q1.xlsx")
    assert [(f["sheet"], f["kind"]) for f in df.attrs["report"]["files"]] == [
        ("Payments", "spend"), ("Cards", "procurement_card")]
    sup, cards = spend.split_procurement_card(df)
    assert (sup["supplier"].tolist(), cards["supplier"].tolist()) == (["Acme"], ["Cafe"])
    with pytest.raises(ValueError, match="no loader report"):
        spend.split_procurement_card(pd.DataFrame(df.to_dict()))  # a frame without the report


def test_real_trafford_file_is_a_procurement_card_file(realdata):
    path = realdata / "spend" / "trafford_council_procurement_card_2026-27.csv"
    assert spend.is_procurement_card(path)
    df = spend.load_spend(path)
    assert df.attrs["report"]["files"][0]["kind"] == "procurement_card"
    sup, cards = spend.split_procurement_card(df)
    assert sup.empty and len(cards) == len(df)
    assert not spend.is_procurement_card(realdata / "spend" / "hyndburn_bc_spend_over_250_2023-04.csv")


# ----------------------------------------------------------------------------- folders

CLAIMANTS = ('"DATE","DATE_NAME","GEOGRAPHY_NAME","GEOGRAPHY_CODE","MEASURES_NAME","OBS_VALUE"\n'
             '"2018-01","January 2018","City of London","E09000001","Value","5"\n')


class _Classified:
    def __init__(self, kind, reason):
        self.kind, self.reason = kind, reason


def fake_onboard(monkeypatch, kinds: dict):
    """toolkit_helpers.onboard.classify_file answering ``kinds[file name]`` (kind, reason)."""
    import sys
    import types

    mod = types.ModuleType("toolkit_helpers.onboard")
    mod.classify_file = lambda path: _Classified(*kinds.get(Path(path).name, ("unknown", "")))
    monkeypatch.setitem(sys.modules, "toolkit_helpers.onboard", mod)


def spend_folder(tmp_path):
    folder = tmp_path / "spend"
    folder.mkdir()
    write(folder / "a_spend.csv", simple_rows())
    write(folder / "b_claimants.csv", CLAIMANTS)
    write(folder / "c_notes.csv", "Notes about these files\nPublished quarterly\n")
    write(folder / "d_notices.json", '{"releases": []}')
    write(folder / "e_feed.xml", "<feed/>")
    write(folder / "f_ocds_flat.csv", "releases/0/ocid,releases/0/tender/title\nocds-1,Bins\n")
    return folder


def test_a_folder_skips_files_that_are_not_spend_with_a_warning(tmp_path, monkeypatch):
    folder = spend_folder(tmp_path)
    fake_onboard(monkeypatch, {
        "b_claimants.csv": ("claimants", "headers matched: DATE_NAME, GEOGRAPHY_CODE, OBS_VALUE"),
        "d_notices.json": ("ocds", "an OCDS release package"),
        "f_ocds_flat.csv": ("ocds", "JSON-path headers (releases/0/…)")})
    before = {f.name: f.read_bytes() for f in folder.iterdir()}
    with pytest.warns(spend.NotSpendFileWarning) as got:
        df = spend.load_spend(folder)
    assert df["supplier"].tolist() == ["Acme Ltd", "Bobs Trees"]
    assert set(df["source_file"]) == {"a_spend.csv"}
    messages = [str(w.message) for w in got]
    assert messages == [
        "b_claimants.csv is not a spend file (looks like claimants): skipped (headers matched: "
        "DATE_NAME, GEOGRAPHY_CODE, OBS_VALUE); the other files are loaded.",
        "c_notes.csv is not a spend file (looks like unknown): skipped (cannot find the "
        "supplier and amount columns in this spend file. Columns seen: 'Notes about these "
        "files'); the other files are loaded.",
        "d_notices.json is not a spend file (looks like ocds): skipped (an OCDS release "
        "package); the other files are loaded.",
        "e_feed.xml is not a spend file (looks like unknown): skipped (JSON and XML files are "
        "not read as spend); the other files are loaded.",
        "f_ocds_flat.csv is not a spend file (looks like ocds): skipped (JSON-path headers "
        "(releases/0/…)); the other files are loaded."]
    skipped = [(f["file"], f["skipped"]) for f in df.attrs["report"]["files"] if f.get("skipped")]
    assert skipped == [("b_claimants.csv", "not a spend file (looks like claimants)"),
                       ("c_notes.csv", "not a spend file (looks like unknown)"),
                       ("d_notices.json", "not a spend file (looks like ocds)"),
                       ("e_feed.xml", "not a spend file (looks like unknown)"),
                       ("f_ocds_flat.csv", "not a spend file (looks like ocds)")]
    files = spend.files_table(df).set_index("file")
    assert files.loc["b_claimants.csv", "why dropped"] == \
        "file skipped: not a spend file (looks like claimants)"
    assert spend.mapping_table(df)["files"].unique().tolist() == ["a_spend.csv"]
    assert {f.name: f.read_bytes() for f in folder.iterdir()} == before  # never modified


def test_without_the_classifier_the_likely_kind_is_unknown(tmp_path, monkeypatch):
    import sys

    folder = spend_folder(tmp_path)
    monkeypatch.setitem(sys.modules, "toolkit_helpers.onboard", None)  # import fails
    assert spend.likely_kind(folder / "b_claimants.csv") == ("unknown", "")
    with pytest.warns(spend.NotSpendFileWarning) as got:
        df = spend.load_spend(folder)
    assert str(got[0].message).startswith("b_claimants.csv is not a spend file (looks like "
                                          "unknown): skipped (cannot find the supplier")
    assert len(got) == 5 and len(df) == 2
    assert sum(1 for f in df.attrs["report"]["files"] if f.get("skipped")) == 5


def test_a_non_spend_file_given_by_name_still_raises(tmp_path, monkeypatch):
    folder = spend_folder(tmp_path)
    fake_onboard(monkeypatch, {"b_claimants.csv": ("claimants", "")})
    for name in ("b_claimants.csv", "c_notes.csv", "d_notices.json"):
        with pytest.raises(DataFileError, match="cannot find the supplier and amount columns"):
            spend.load_spend(folder / name)
    with pytest.raises(DataFileError, match="cannot find"):
        spend.load_spend([folder / "a_spend.csv", folder / "b_claimants.csv"])


def test_a_folder_of_nothing_but_other_data_is_refused(tmp_path, monkeypatch):
    fake_onboard(monkeypatch, {"claimants.csv": ("claimants", "")})
    folder = tmp_path / "f"
    folder.mkdir()
    write(folder / "claimants.csv", CLAIMANTS)
    write(folder / "n.json", "{}")
    with pytest.warns(spend.NotSpendFileWarning):
        with pytest.raises(DataFileError, match="no spend file here: every file was skipped as "
                                                r"not spend: claimants.csv \(not a spend file "
                                                r"\(looks like claimants\)\); n.json"):
            spend.load_spend(folder)


def test_a_spend_file_in_a_folder_that_cannot_be_mapped_still_raises(tmp_path, monkeypatch):
    folder = tmp_path / "f"
    folder.mkdir()
    write(folder / "a.csv", simple_rows())
    write(folder / "b.csv", "Payee,Sum\nAcme,1\n")  # spend with headers the loader cannot map
    fake_onboard(monkeypatch, {"b.csv": ("spend", "looks like spend")})
    with pytest.raises(DataFileError, match="cannot find the supplier and amount") as e:
        spend.load_spend(folder)
    assert str(e.value.file).endswith("b.csv")
    # a user mapping that one spend file does not fit is an error, not a skipped file
    write(folder / "b.csv", LGA + "\nC,u,2023-05-31,Waste,Zed,,2023-05-12,T9,7.00,0,x,Fuel,1\n")
    fake_onboard(monkeypatch, {})
    with pytest.raises(DataFileError, match="the mapping says supplier is in column 'Supplier Name'"):
        spend.load_spend(folder, mapping={"supplier": "Supplier Name"})


def test_organisation_can_be_filled_in(tmp_path):
    df = spend.load_spend(write(tmp_path / "s.csv", "Supplier Name,Amount\nA,1\n"),
                          organisation="Anytown Borough Council")
    assert df["organisation"].iloc[0] == "Anytown Borough Council"


# ----------------------------------------------------------------------------- mapping

def test_unmappable_file_gives_one_clear_error(tmp_path):
    p = write(tmp_path / "odd.csv", "Who,Cost,Day\nAcme,100,2023-04-01\n")
    with pytest.raises(DataFileError) as e:
        spend.load_spend(p)
    msg = str(e.value)
    assert "odd.csv" in msg and "supplier and amount" in msg
    assert "'Who', 'Cost', 'Day'" in msg
    assert "mapping=" in msg and "mappings: spend:" in msg


def test_mapping_overrides_detection(tmp_path):
    p = write(tmp_path / "odd.csv", "Who,Cost,Day,Supplier Name\nAcme,100,2023-04-01,ignored\n")
    df = spend.load_spend(p, mapping={"supplier": "Who", "amount": "Cost", "payment_date": "Day"})
    assert (df["supplier"].iloc[0], df["amount"].iloc[0]) == ("Acme", 100.0)
    assert df["payment_date"].iloc[0] == pd.Timestamp("2023-04-01")
    f = df.attrs["report"]["files"][0]
    assert f["mapped"]["supplier"]["how"] == "your mapping"
    assert "Supplier Name (D)" in f["left_out"]


def test_mapping_to_none_says_the_file_lacks_the_field(tmp_path):
    p = write(tmp_path / "s.csv", "Supplier Name,Amount,Date\nAcme,1,sometime in May\nB,2,x\nC,3,y\n")
    with pytest.raises(DataFileError, match="payment_date"):
        spend.load_spend(p)
    df = spend.load_spend(p, mapping={"payment_date": None})
    assert df["payment_date"].isna().all() and len(df) == 3
    assert df.attrs["report"]["files"][0]["absent_by_mapping"] == ["payment_date"]


def test_mapping_errors_name_the_problem(tmp_path):
    p = write(tmp_path / "s.csv", simple_rows())
    with pytest.raises(DataFileError, match="did you mean 'supplier'"):
        spend.load_spend(p, mapping={"suplier": "Supplier Name"})
    with pytest.raises(DataFileError) as e:
        spend.load_spend(p, mapping={"supplier": "Vendor"})
    assert "Columns seen" in str(e.value) and "'Supplier Name'" in str(e.value)


# ----------------------------------------------------------------------------- bad files

def test_bad_files(tmp_path):
    with pytest.raises(DataFileError, match="not found"):
        spend.load_spend(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(DataFileError, match="empty"):
        spend.load_spend(tmp_path / "empty.csv")
    (tmp_path / "x.csv").write_bytes(b"PK\x03\x04binary")
    with pytest.raises(DataFileError, match="Excel"):
        spend.load_spend(tmp_path / "x.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DataFileError, match="xls"):
        spend.load_spend(tmp_path / "old.xls")
    write(tmp_path / "q.csv", 'Supplier Name,Amount\nAcme,1\n"Bob,2\nCat,3\n')
    with pytest.raises(DataFileError, match="never closed") as e:
        spend.load_spend(tmp_path / "q.csv")
    assert e.value.row is not None
    (tmp_path / "empty_folder").mkdir()
    with pytest.raises(DataFileError):
        spend.load_spend(tmp_path / "empty_folder")
    with pytest.raises(DataFileError):
        spend.load_spend([])


# ----------------------------------------------------------------------------- building blocks

# Header variants seen across councils (../shared/docs/domain-facts.md) → field.
VARIANTS = {
    "Body Name": "organisation", "Client": "organisation", "OrganisationLabel": "organisation",
    "Organisational Unit": "service_area", "Organisatonal Unit": "service_area",
    "Service Area": "service_area", "Service Cost Centre": "service_area",
    "Department Area": "service_area", "OrganisationalUnit": "service_area",
    "Expenditure Category": "expense_type", "Expenditure Catergory": "expense_type",
    "Expenses Type": "expense_type", "Account Detail": "expense_type",
    "ProclassLabel": "expense_type",
    "Paid Date": "payment_date", "Payment date": "payment_date", "PaymentDate": "payment_date",
    "Effective Date": "effective_date", "EffectiveDate": "effective_date",
    "Trans No": "transaction_id", "Transaction Number": "transaction_id",
    "HBC ref no": "transaction_id", "TransactionNumber": "transaction_id",
    "Supplier Name": "supplier", "Supplier Name ": "supplier", "Name": "supplier",
    "Name:": "supplier", "Beneficiary": "supplier", "Benificiary Name": "supplier",
    "BeneficiaryName": "supplier",
    "Amount": "amount", "Net Amount(£)": "amount", "Net Amount (£)": "amount",
    "Amount Paid": "amount", "Net amount": "amount", "Amount;;;;": "amount",
    "IrrecoverableVATAmount": "irrecoverable_vat", "Purpose": "purpose",
    "Description": "purpose", "BeneficiaryOtherID": "supplier_id",
}


@pytest.mark.parametrize("header,field", sorted(VARIANTS.items()))
def test_header_variants_map_to_fields(header, field):
    det = spend.detect_columns([header, "Supplier", "Amount"] if field not in
                               ("supplier", "amount") else [header])
    assert det.positions.get(field) == 0, (header, det.mapping)


def test_synonym_table_is_unambiguous_and_written_as_keys():
    seen = {}
    for field, variants in spend.SYNONYMS.items():
        assert field in spend.FIELDS
        for v in variants:
            assert v not in seen, f"{v!r} listed for {seen.get(v)} and {field}"
            seen[v] = field
            assert spend.header_key(v) == v, f"{v!r} is not written as header_key writes it"


def test_detect_columns_prefers_better_synonyms_and_reports():
    header = ["Trans No", "Name", "Supplier Name", "Date", "Paid Date", "Amount", "Notes", ""]
    mapping, report = spend.detect_columns(header)
    assert mapping["supplier"] == "Supplier Name"  # ranked above "Name"
    assert mapping["payment_date"] == "Paid Date"  # ranked above "Date"
    assert report["left_out"] == ["Notes (G)"]
    assert report["also_matched"] == {"payment_date": ["Date (D)"], "supplier": ["Name (B)"]}
    assert report["spacer_columns"] == 1
    assert "organisation" in report["not_found"]


def test_detect_columns_similar_names():
    det = spend.detect_columns(["Benefciary Name", "Amount"])
    assert det.positions["supplier"] == 0 and det.how["supplier"].startswith("similar")


def test_header_score_and_find_header():
    rows = [["Spend report"], [], ["Supplier Name", "Amount", "Paid Date"], ["Acme", "1", "x"]]
    assert spend.header_score(rows[2]) == 3
    assert spend.find_header(rows) == 2
    assert spend.find_header([["a", "b"], ["c", "d"]]) is None
    assert spend.find_header([["Vendor X", "Value Y"], ["Who", "Cost"]], extra=["Who", "Cost"],
                             min_score=1) == 1


def test_total_labels():
    s = pd.Series(["Total", "TOTAL", "Grand Total", "Sub-total", "Totals:", "Total for April 2023",
                   "Total spend", "Total Gas & Power Ltd", "Totally Locum Ltd", "", None])
    assert spend.is_total_label(s).tolist() == [True] * 7 + [False] * 4


def test_report_tables(tmp_path):
    text = "Title\n\n" + simple_rows() + "TOTAL,,,,,1250.50,\n"
    df = spend.load_spend(write(tmp_path / "s.csv", text, "cp1252", "\r\n"))
    files = spend.files_table(df)
    row = files.iloc[0]
    assert row["encoding"] == "cp1252, CRLF" and row["header row"] == 3 and row["rows kept"] == 2
    assert row["why dropped"] == "2 title or blank rows above the header; 1 totals"
    assert row["amount total (£)"] == pytest.approx(1250.5)
    m = spend.mapping_table(df)
    assert m.set_index("field").loc["amount", "column in file"] == "Net Amount(£) (F)"
    assert m.set_index("field").loc["organisation", "column in file"] == "Body Name (A)"
    assert m.set_index("field").loc["expense_type", "how"] == "not found"
    assert len(spend.problems_table(df)) == 0


# ----------------------------------------------------------------------------- real files

def csv_rows(path: Path, encoding: str, skip: int) -> list[list[str]]:
    """An independent reading with the csv module: non-blank records after ``skip`` rows."""
    with open(path, encoding=encoding, newline="") as fh:
        rows = list(csv.reader(fh))[skip:]
    return [r for r in rows if any(c.strip() for c in r)]


# Expected figures were worked out by reading each file with the csv module in the stated
# encoding, skipping the header (and, for Hyndburn 2023, the blank first row), dropping blank
# records and summing the amount column (thousands separators removed: Hyndburn 2023 writes
# "1,104.75") with Decimal; the test repeats that reading.
REAL = [
    ("hyndburn_bc_spend_over_250_2017-01.csv", "cp1252", 1, 6, 180, Decimal("538272.19")),
    ("hyndburn_bc_spend_over_250_2023-04.csv", "cp1252", 2, 6, 502, Decimal("1216217.07")),
    ("oxford_city_council_spend_2014Q3_jul-sep.csv", "utf-8", 1, 6, 3649, Decimal("15146736.80")),
    ("trafford_council_procurement_card_2026-27.csv", "utf-8", 1, 6, 2024, Decimal("494906.66")),
]


@pytest.mark.parametrize("name,encoding,skip,amount_col,rows,total", REAL, ids=[r[0] for r in REAL])
def test_real_spend_files(realdata, name, encoding, skip, amount_col, rows, total):
    path = realdata / "spend" / name
    independent = csv_rows(path, encoding, skip)
    assert len(independent) == rows
    assert sum(Decimal(r[amount_col].replace(",", "")) for r in independent) == total
    df = spend.load_spend(path)
    assert len(df) == rows
    assert Decimal(str(round(df["amount"].sum(), 2))) == total
    assert df["issue"].isna().all() and df["amount"].notna().all()
    assert df["payment_date"].notna().all()
    assert df["supplier"].notna().all()
    assert df["supplier"].str.strip().eq(df["supplier"]).all()


def test_real_hyndburn_2023_quirks(realdata):
    df = spend.load_spend(realdata / "spend" / "hyndburn_bc_spend_over_250_2023-04.csv")
    f = df.attrs["report"]["files"][0]
    assert f["encoding"] == "cp1252" and f["header_row"] == 2
    assert f["spacer_columns"] >= 70  # ~72 trailing empty columns
    assert f["mapped"]["amount"]["column"] == "Net Amount (£)"
    first = df.iloc[0]
    assert (first["source_row"], first["supplier"], first["amount"]) == (3, "Gb Mot Training Ltd", 492.0)
    assert first["payment_date"] == pd.Timestamp("2023-04-03")  # "3 Apr 2023"
    # the file mixes "3 Apr 2023" with "14-Mar-23"; count both shapes independently
    independent = csv_rows(realdata / "spend" / "hyndburn_bc_spend_over_250_2023-04.csv",
                           "cp1252", 2)
    spaced = sum(len(r[5].split()) == 3 for r in independent)
    dashed = sum(r[5].count("-") == 2 for r in independent)
    assert (spaced, dashed) == (495, 7)
    assert f["date_shapes"] == {"d Mon yyyy": spaced, "dd-Mon-yy": dashed}
    assert sum("," in r[6] for r in independent) > 0  # "1,104.75": thousands separators


def test_real_hyndburn_2017_and_oxford_quirks(realdata):
    h = spend.load_spend(realdata / "spend" / "hyndburn_bc_spend_over_250_2017-01.csv")
    assert h.attrs["report"]["files"][0]["mapped"]["amount"]["column"] == "Net Amount(£)"
    assert h["payment_date"].min() == pd.Timestamp("2017-01-04")
    ox = spend.load_spend(realdata / "spend" / "oxford_city_council_spend_2014Q3_jul-sep.csv")
    f = ox.attrs["report"]["files"][0]
    assert f["mapped"]["supplier"]["column"] == "Supplier Name "  # the header's trailing space
    independent = csv_rows(realdata / "spend" / "oxford_city_council_spend_2014Q3_jul-sep.csv",
                           "utf-8", 1)
    assert int((ox["amount"] < 0).sum()) == sum(r[6].startswith("-") for r in independent) == 6
    assert ox["supplier"].iloc[-1] == independent[-1][9].strip() == "GOODE STONE SUPPLIES LTD"
    assert ox["source_row"].iloc[-1] == 3650
    assert (ox["service_area"] == "Policy, Culture and Communication").sum() == sum(
        r[1] == "Policy, Culture and Communication" for r in independent)


def test_real_trafford_lga_layout(realdata):
    df = spend.load_spend(realdata / "spend" / "trafford_council_procurement_card_2026-27.csv")
    independent = csv_rows(realdata / "spend" / "trafford_council_procurement_card_2026-27.csv",
                           "utf-8", 1)
    assert set(df["organisation"]) == {"Trafford Council"}
    assert int((df["amount"] < 0).sum()) == sum(r[6].startswith("-") for r in independent)
    assert df["effective_date"].notna().all()
    assert df["transaction_id"].isna().all()  # the file has none: present and empty
    assert set(df.attrs["report"]["files"][0]["left_out"]) == {"OrganisationURI (B)",
                                                               "CardTransaction (L)"}


# ----------------------------------------------------------------------------- the sample

def test_sample_council_spend_loads_with_its_quirks_reported(project_root):
    df = spend.load_spend(project_root / "data" / "sample" / "spend")
    files = spend.files_table(df)
    assert len(files) == 13  # 9 CSVs + 3 month sheets + the skipped Notes sheet
    assert set(files["encoding"]) >= {"cp1252, CRLF", "cp1252, CR", "utf-8-sig, LF", "xlsx"}
    assert spend.mapping_table(df)["layout"].nunique() == 2
    probs = spend.problems_table(df)
    assert len(probs) == 2 and set(probs["issue"].str.split(":").str[0]) == {"amount",
                                                                            "payment_date"}
    assert df["payment_date"].dropna().between("2023-04-01", "2024-03-31").all()
    assert (df["amount"] < 0).sum() > 10  # credits in brackets, trailing minus and plain


def test_resolve_inputs(tmp_path, project_root):
    from toolkit_helpers.config import load_config
    from toolkit_helpers.errors import ConfigError

    cfg = load_config(project_root / "councils" / "sample.yaml")
    assert spend.resolve_inputs(None, cfg, "spend") == [project_root / "data" / "sample" / "spend"]
    p = write(tmp_path / "s.csv", simple_rows())
    assert spend.resolve_inputs(str(p), cfg) == [p]
    assert spend.resolve_inputs([p, p], cfg) == [p, p]
    with pytest.raises(ConfigError, match="no contracts files"):
        spend.resolve_inputs(None, cfg, "contracts")


@pytest.mark.parametrize("text", [
    "Title,,\r\n\r\nSupplier Name,Amount,Paid Date\r\nAcme,1,01/04/2023\r\n\r\nBob,2,02/04/2023\r\n",
    'Supplier Name,Amount,Purpose\n"Smith, Jones","1,200.00","two\nlines"\nAcme,5,x\n\n\n',
    "Supplier Name,Amount\rAcme,1\r,\rTOTAL,1\r",
    "Title only\nSupplier Name,Amount,Paid Date\nAcme,1,x\nBob,2,y,extra\n",  # ragged: C parser
    "Spend\nAcme,1,2023-04-01\nSupplier,Amount,Payment Date\n",  # header last: C parser
])
def test_fast_and_careful_readers_agree(tmp_path, text):
    p = write(tmp_path / "s.csv", text)
    fast = spend.read_csv_frame(p).frame
    careful = spend.read_csv_frame(p, fast=False).frame
    width = max(fast.shape[1], careful.shape[1])
    norm = [f.reindex(columns=range(width)).fillna("").astype(str) for f in (fast, careful)]
    pd.testing.assert_frame_equal(norm[0], norm[1], check_dtype=False)
    assert list(fast.index) == list(range(len(fast)))


def test_a_few_bad_cells_in_a_large_file_are_reported_not_fatal(tmp_path):
    n = 20_000
    lines = [LGA]
    bad_amount_rows, bad_date_rows = {1_000, 12_345, 19_999}, {5_000, 15_000}
    for i in range(n):
        amount = "\"12,3x.00\"" if i in bad_amount_rows else f"{(i % 997) + 0.5:.2f}"
        date = "31/13/2023" if i in bad_date_rows else f"2023-{i % 12 + 1:02d}-15"
        lines.append(f"C,u,2023-04-30,Waste,Supplier {i % 50},,{date},T{i},{amount},0,x,Fuel,1")
    p = write(tmp_path / "big.csv", "\n".join(lines) + "\n", bom=True)
    df = spend.load_spend(p)
    assert len(df) == n
    f = df.attrs["report"]["files"][0]
    assert f["problems"]["amounts unreadable"] == 3 and f["problems"]["dates unreadable"] == 2
    # the rows as a spreadsheet numbers them: the header is row 1, data row i is row i + 2
    assert sorted(spend.problems_table(df, limit=None)["source_row"]) == sorted(
        r + 2 for r in bad_amount_rows | bad_date_rows)
    good = [(i % 997) + 0.5 for i in range(n) if i not in bad_amount_rows]
    assert df["amount"].sum() == pytest.approx(sum(good))


# ----------------------------------------------------------------------------- decimal separators, non-finite amounts

@pytest.mark.parametrize("text,value", [
    ("1.234,56", 1234.56), ("12,5", 12.5), ("(1.250,00)", -1250.0), ("99,50-", -99.5),
    ("1.234", 1234.0), ("£ 1 234,56", 1234.56), ("7", 7.0), (",5", 0.5)])
def test_parse_amounts_with_decimal_commas(text, value):
    p = spend.parse_amounts(pd.Series([text], dtype="str"), decimal=",")
    assert p.values.iloc[0] == pytest.approx(value) and not p.bad.iloc[0]


def test_a_number_in_the_other_convention_is_bad_never_misread():
    point = spend.parse_amounts(pd.Series(["12,5", "1,000,00", "1.234,56", "1,234", "1,234.50"]))
    assert point.bad.tolist() == [True, True, True, False, False]
    assert point.wrong_separator.tolist() == [True, True, True, False, False]
    assert point.values.tolist()[3:] == [1234.0, 1234.5] and point.values.iloc[:3].isna().all()
    comma = spend.parse_amounts(pd.Series(["12.50", "1,234.56", "1.234,5"]), decimal=",")
    assert comma.bad.tolist() == [True, True, False] and comma.values.iloc[2] == 1234.5


def test_non_finite_amounts_are_bad_not_empty():
    p = spend.parse_amounts(pd.Series(["inf", "-Infinity", "nan", "NaN", "1e400", "9" * 400, "N/A", "5"]))
    assert p.bad.tolist() == [True] * 6 + [False, False]
    assert p.not_finite.tolist()[:2] == [True, True] and p.empty.tolist()[6]
    assert p.values.iloc[:7].isna().all() and p.values.iloc[7] == 5.0
    numbers = spend.parse_amounts(pd.Series([1.0, float("inf"), None]))
    assert numbers.bad.tolist() == [False, True, False] and numbers.empty.tolist() == [False, False, True]


def test_detect_decimal():
    assert spend.detect_decimal(pd.Series(["10.00", "1,250.00"]), ",") == (".", "")
    assert spend.detect_decimal(pd.Series(["10,00", "1.250,00", "7"]), ";")[0] == ","
    sep, note = spend.detect_decimal(pd.Series(["10,00", "1.250,00", "7.50"]), ",")
    assert sep == "," and "1 value with a decimal point left unread" in note
    assert spend.detect_decimal(pd.Series(["1.250", "99"]), ";")[0] == ","
    assert spend.detect_decimal(pd.Series(["1.250", "99"]), ",")[0] == "."
    assert spend.detect_decimal(pd.Series(["12,5", "12.50"]))[0] is None


def test_decimal_commas_are_detected_per_file(tmp_path):
    uk = write(tmp_path / "uk.csv", 'Supplier,Amount\nA,"1,250.00"\nB,12.50\n')
    eu = write(tmp_path / "eu.csv", "Supplier;Amount\nA;1.250,00\nB;12,5\n")
    df = spend.load_spend([uk, eu])
    assert df["amount"].tolist() == [1250.0, 12.5, 1250.0, 12.5]
    files = df.attrs["report"]["files"]
    assert [f["decimal_separator"] for f in files] == [".", ","]
    assert "decimal commas" in " ".join(files[1]["notes"]) and not files[0]["notes"]
    assert spend.files_table(df)["rows kept"].tolist() == [2, 2]


def test_stray_decimal_comma_is_an_issue_with_the_reason(tmp_path):
    rows = "".join(f"S{i},{i}.50\n" for i in range(5))
    df = spend.load_spend(write(tmp_path / "s.csv", "Supplier,Amount\n" + rows + 'Odd,"12,5"\n'))
    assert df["amount"].isna().tolist() == [False] * 5 + [True]
    assert df["issue"].iloc[5] == "amount: not read ('12,5'): the file uses decimal points"
    f = df.attrs["report"]["files"][0]
    assert f["problems"]["amounts unreadable"] == 1
    assert f["examples"] == [{"row": 7, "column": "Amount", "value": "12,5",
                              "problem": "amount decimal separator"}]
    assert "1 value with a decimal comma left unread" in " ".join(f["notes"])


def test_non_finite_amounts_are_counted_issues(tmp_path):
    big = "9" * 400
    df = spend.load_spend(write(tmp_path / "s.csv", f"Supplier,Amount\nA,1\nB,inf\nC,nan\nD,{big}\nE,2\nF,3\nG,4\n"))
    assert df["amount"].isna().sum() == 3 and df.attrs["report"]["issues"] == 3
    assert df["issue"].iloc[1] == "amount: not a finite number ('inf')"
    assert df["issue"].iloc[3] == "amount: not a finite number ('" + "9" * 40 + "…')"
    assert df["issue"].iloc[2] == "amount: not a number ('nan')"
    assert df.attrs["report"]["files"][0]["problems"]["amounts missing"] == 0


def test_mixed_encoding_lines_are_noted(tmp_path):
    p = tmp_path / "m.csv"
    p.write_bytes("Supplier,Amount\nCaf\u00e9,1\n".encode() + "\u00a3 Shop,2\n".encode("cp1252"))
    df = spend.load_spend(p)
    assert df["supplier"].tolist() == ["Caf\u00e9", "\u00a3 Shop"]
    f = df.attrs["report"]["files"][0]
    assert f["encoding"] == "mixed" and "line 3 decoded as Windows-1252" in f["notes"][0]
    assert spend.files_table(df)["encoding"].iloc[0] == "mixed, LF"


def test_limits_apply_to_spend_files(tmp_path, monkeypatch):
    p = write(tmp_path / "s.csv", "Supplier,Amount\n" + "A,1\n" * 100)
    monkeypatch.setenv("TOOLKIT_MAX_CELLS", "150")
    with pytest.raises(DataFileError, match="too many cells") as info:
        spend.load_spend(p)
    assert "TOOLKIT_MAX_CELLS" in str(info.value)
    monkeypatch.setenv("TOOLKIT_MAX_CELLS", "1000")
    assert len(spend.load_spend(p)) == 100


# ----------------------------------------------------------------------------- streaming read
# A large UTF-8 file is read without holding its text (the header from its head, the records
# streamed by pyarrow): the result must be exactly the whole-text route's.

STREAM_TEXT = (
    "Anytown Council spend over £500\n"
    ",,,\n"
    "Supplier Name,Amount,Payment Date,Service Area,Notes\n"
    + "".join(f"  Supplier {i % 13} ,\"{i},{i % 10}00.50\",{1 + i % 28:02d}/04/2023,Parks,"
              f"\"line one\nline two\"\n" if i % 50 == 7 else
              f"Supplier {i % 13},{i}.25,{1 + i % 28:02d}/04/2023,Caf\u00e9\u00a0,\n"
              for i in range(1000))
    + "Supplier Name,Amount,Payment Date,Service Area,Notes\n"
    "TOTAL,,,,\n"
    ",12345.00,,,\n")


def _both_routes(monkeypatch, path):
    """load_spend's frame and report by the streaming route (its head made small, so a small
    file takes it) and by the whole-text route; and whether streaming was used."""
    used = []
    real = spend._stream_utf8_block

    def spy(*a, **k):
        block = real(*a, **k)
        used.append(block is not None)
        return block

    monkeypatch.setattr(spend, "STREAM_HEAD_BYTES", 16384)
    monkeypatch.setattr(spend, "_stream_utf8_block", spy)
    streamed = spend.load_spend(path)
    monkeypatch.setattr(spend, "_stream_utf8_block", lambda *a, **k: None)
    whole = spend.load_spend(path)
    return streamed, whole, used


@pytest.mark.parametrize("bom,newline", [(False, "\n"), (True, "\r\n")])
def test_streamed_utf8_file_reads_exactly_as_the_whole_text(tmp_path, monkeypatch, bom, newline):
    path = write(tmp_path / "big.csv", STREAM_TEXT, newline=newline, bom=bom)
    streamed, whole, used = _both_routes(monkeypatch, path)
    assert used == [True]
    pd.testing.assert_frame_equal(streamed, whole)
    assert streamed.attrs["report"] == whole.attrs["report"]
    rep = streamed.attrs["report"]["files"][0]
    assert rep["encoding"] == ("utf-8-sig" if bom else "utf-8")
    assert rep["line_endings"] == ("CRLF" if newline == "\r\n" else "LF")
    assert rep["dropped"]["repeated header"] == 1 and rep["dropped"]["totals"] >= 1
    assert len(streamed) == 1001 and streamed["service_area"].iloc[0] == "Caf\u00e9"  # + ",12345"


def test_a_late_byte_that_is_not_utf8_falls_back_to_the_whole_text(tmp_path, monkeypatch):
    data = STREAM_TEXT.encode("utf-8")
    at = data.rfind(b"Supplier 3,")
    data = data[:at] + b"Supplier \xa33," + data[at + len(b"Supplier 3,"):]
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    assert at > 16384
    streamed, whole, used = _both_routes(monkeypatch, path)
    assert used == [False]  # pyarrow refused the body: the whole-text route read it
    pd.testing.assert_frame_equal(streamed, whole)
    assert "Supplier \u00a33" in set(streamed["supplier"])


def test_strip_shares_columns_with_nothing_to_strip_and_strips_unicode_spaces():
    s = pd.Series(["a", "b c"], dtype="str")
    assert spend._strip_series(s) is s
    for pad in (" ", "\t", "\u00a0", "\u3000", "\x1c", "\u2028"):
        got = spend._strip_series(pd.Series([f"{pad}x{pad}", "y"], dtype="str"))
        assert got.tolist() == ["x", "y"]


def test_every_synonym_has_a_letter():
    """header_score passes over cells without letters (numbers, dates, amounts): right only
    while no synonym is letterless."""
    assert all(any(ch.isalpha() for ch in k) for k in spend.SYNONYM_INDEX)
    assert spend.header_score(["12.50", "2023-04-01", "Supplier", "Amount"]) == 2
    assert spend.header_score(["2023"], extra=["2023"]) == 1  # a user's letterless column name


def test_whitespace_list_is_pythons_own():
    """The written-out list of what str.strip() removes is exactly Python's (every code point)."""
    every = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    assert spend.PY_WHITESPACE == every
    assert all(("a" + ch + "b" + ch).strip() == "a" + ch + "b" for ch in spend.PY_WHITESPACE)


def test_no_synonym_has_a_digit_and_every_one_a_letter():
    """The header search passes over cells with a digit or without a letter on this ground."""
    import re

    assert not [k for k in spend.SYNONYM_INDEX if re.search(r"\d", k)]
    assert all(re.search(r"[a-z]", k) for k in spend.SYNONYM_INDEX)
    assert spend.header_score(["Supplier", "Amount", "T0001-1", "2023-01-01"]) == 2
    assert spend.header_score(["Supplier 2", "Amount1"]) == 0  # digits: no field named
