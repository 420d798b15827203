"""registers: 360Giving grants (CSV, .xlsx, JSON) and the Transparency Code contracts register,
with small files made here."""
import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from toolkit_helpers import registers
from toolkit_helpers.errors import DataFileError
from toolkit_helpers.io import normalise_header

GRANT_HEADER = ("Identifier,Title,Description,Currency,Amount Awarded,Award Date,"
                "Recipient Org:Identifier,Recipient Org:Name,Funding Org:Identifier,"
                "Funding Org:Name,Last Modified,Grant Programme:Title,Beneficiary Location:Name")


def write(path: Path, text: str, encoding="utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def exact_total(*amounts: str) -> float:
    return float(sum(Decimal(a) for a in amounts))


def grants_csv(tmp_path, name="grants.csv", encoding="utf-8") -> Path:
    text = ("Grants to voluntary and community organisations 2023/24,,,\n"
            ",,,\n"
            + GRANT_HEADER + "\n"
            "360G-any-001,Food bank,Food parcels,GBP,\"1,000.00\",03/04/2023,GB-CHC-111,"
            "Anytown Food Bank,GB-LAE-ANY,Anytown Council,2023-05-01,Community Fund,Anytown\n"
            "360G-any-002,Youth club,Sessions,GBP,\"£2,500.50\",2023-05-10,GB-CHC-222,"
            "Anytown Youth Club,GB-LAE-ANY,Anytown Council,2023-05-01,Community Fund,Anytown\n"
            "360G-any-003,Garden,Tools,GBP,12345.67,3 Apr 2023,GB-COH-333,Green Gardens Ltd,"
            "GB-LAE-ANY,Anytown Council,2023-05-01,,Anytown\n"
            ",,,,,,,,,,,,\n"
            "TOTAL,,,,15846.17,,,,,,,,\n")
    return write(tmp_path / name, text, encoding)


def grants_package(tmp_path, name="grants.json") -> Path:
    doc = {"grants": [
        {"id": "360G-any-101", "title": "Warm spaces", "description": "Heating",
         "currency": "GBP", "amountAwarded": 750.25, "awardDate": "2023-11-01T00:00:00+00:00",
         "recipientOrganization": [{"id": "GB-CHC-444", "name": "Warm Hub"}],
         "fundingOrganization": [{"id": "GB-LAE-ANY", "name": "Anytown Council"}],
         "grantProgramme": [{"code": "WS", "title": "Warm Spaces"}],
         "beneficiaryLocation": [{"name": "Anytown", "geoCode": "E06000001"}]},
        {"id": "360G-any-102", "title": "Library", "description": "Books",
         "currency": "GBP", "amountAwarded": 1200, "awardDate": "2024-01-15",
         "recipientOrganization": [{"id": "GB-CHC-555", "name": "Friends of the Library"}],
         "fundingOrganization": [{"id": "GB-LAE-ANY", "name": "Anytown Council"}]},
    ]}
    p = tmp_path / name
    p.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return p


CONTRACT_HEADER_A = ("Reference Number,Title,Description,Department,Supplier Name,"
                     "Supplier Registration Number,Value,Start Date,End Date,Review Date,"
                     "Procurement Type,SME,VCSE")


def contracts_csv_a(tmp_path, name="contracts.csv") -> Path:
    text = ("Anytown Council contracts register (contracts over £5,000)\n"
            "\n"
            + CONTRACT_HEADER_A + "\n"
            "C-001,Grounds maintenance,Parks mowing,Environment,Green Mowers Ltd,01234567,"
            "\"£120,000.00\",01/04/2023,31/03/2026,01/10/2025,Tender,Yes,No\n"
            "C-002,Advice service,Debt advice,Communities,Anytown CAB,1122334,\"5,500.50\","
            "15/05/2023,14/05/2024,,Quote,No,Yes\n"
            "C-003,Laptops,Staff laptops,IT,Big Tech plc,07654321,64999.99,03/07/2023,"
            "02/07/2027,,Tender,,\n")
    return write(tmp_path / name, text, "cp1252")


# ============================================================================ grants

def test_grants_csv_360giving_flat_layout(tmp_path):
    p = grants_csv(tmp_path)
    df = registers.load_grants(p)
    assert list(df.columns) == list(registers.GRANT_COLUMNS)
    assert list(df["recipient_name"]) == ["Anytown Food Bank", "Anytown Youth Club",
                                          "Green Gardens Ltd"]
    assert list(df["amount"]) == [1000.0, 2500.5, 12345.67]
    assert list(df["award_date"]) == [pd.Timestamp("2023-04-03"), pd.Timestamp("2023-05-10"),
                                      pd.Timestamp("2023-04-03")]
    assert list(df["identifier"]) == ["360G-any-001", "360G-any-002", "360G-any-003"]
    assert list(df["recipient_id"]) == ["GB-CHC-111", "GB-CHC-222", "GB-COH-333"]
    assert set(df["funder_id"]) == {"GB-LAE-ANY"} and set(df["funder_name"]) == {"Anytown Council"}
    assert list(df["programme"].fillna("-")) == ["Community Fund", "Community Fund", "-"]
    assert list(df["source_row"]) == [4, 5, 6]  # as a spreadsheet shows them
    assert set(df["source_file"]) == {"grants.csv"}
    assert df["issue"].isna().all()
    assert df["amount"].dtype == "float64"
    assert str(df["award_date"].dtype) == "datetime64[ns]"
    assert df["source_row"].dtype == "int64"
    rep = df.attrs["report"]
    assert rep["rows"] == 3 and rep["issues"] == 0
    assert rep["amount_total"] == exact_total("1000.00", "2500.50", "12345.67") == 15846.17
    assert rep["first_award_date"] == "2023-04-03" and rep["last_award_date"] == "2023-05-10"
    assert rep["currencies"] == {"GBP": 3}
    f = rep["files"][0]
    assert f["file"] == "grants.csv" and f["header_row"] == 3 and f["format"] == "csv"
    assert f["dropped"] == {"title or blank rows above the header": 2, "blank": 1, "totals": 1}
    assert f["mapped"]["amount"]["column"] == "Amount Awarded"
    assert f["mapped"]["programme"]["column"] == "Grant Programme:Title"
    assert any(c.startswith("Last Modified") for c in f["left_out"])


def test_grants_header_case_and_spacing_and_cp1252_pound(tmp_path):
    text = ("  IDENTIFIER , amount awarded ,Award   Date,RECIPIENT ORG:NAME,recipient_org_identifier\n"
            "G1,£1000,01/02/2024,Alpha Trust,GB-CHC-1\n"
            "G2,\"£2,000.10\",02/02/2024,Beta Trust,GB-CHC-2\n")
    p = write(tmp_path / "g.csv", text, "cp1252")
    df = registers.load_grants(p)
    assert list(df["amount"]) == [1000.0, 2000.1]
    assert list(df["recipient_name"]) == ["Alpha Trust", "Beta Trust"]
    assert list(df["recipient_id"]) == ["GB-CHC-1", "GB-CHC-2"]
    assert df.attrs["report"]["files"][0]["encoding"] == "cp1252"
    assert df.attrs["report"]["amount_total"] == 3000.1
    assert df["currency"].isna().all()  # a column the file lacks is present and empty


def test_grants_xlsx_with_title_row_numbers_dates_and_a_notes_sheet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Grants"
    ws.append(["Anytown grants register"])
    ws.append(GRANT_HEADER.split(","))
    ws.append(["G-1", "Hall", "Roof", "GBP", 1500.75, dt.datetime(2023, 6, 1), "GB-CHC-9",
               "Village Hall", "GB-LAE-ANY", "Anytown", dt.datetime(2023, 7, 1), "Buildings", ""])
    ws.append(["G-2", "Choir", "Music", "GBP", "£2,000", 45017, "GB-CHC-8",
               "Anytown Choir", "GB-LAE-ANY", "Anytown", None, "Arts", ""])
    notes = wb.create_sheet("Notes")
    notes.append(["This sheet explains the data."])
    p = tmp_path / "grants.xlsx"
    wb.save(p)
    df = registers.load_grants(p)
    assert list(df["amount"]) == [1500.75, 2000.0]
    assert list(df["award_date"]) == [pd.Timestamp("2023-06-01"), pd.Timestamp("2023-04-01")]
    assert list(df["sheet"]) == ["Grants", "Grants"]
    assert list(df["source_row"]) == [3, 4]
    rep = df.attrs["report"]
    assert rep["amount_total"] == exact_total("1500.75", "2000")
    skipped = [f for f in rep["files"] if f.get("skipped")]
    assert [s["sheet"] for s in skipped] == ["Notes"]
    # one sheet by name; a mapping does not stop the notes sheet being skipped
    assert len(registers.load_grants(p, sheet="Grants")) == 2
    df = registers.load_grants(p, mapping={"recipient_name": "Recipient Org:Name"})
    assert list(df["recipient_name"]) == ["Village Hall", "Anytown Choir"]
    with pytest.raises(DataFileError, match="no such column") as e:  # on the Grants sheet
        registers.load_grants(p, mapping={"recipient_name": "Organisation"})
    assert "'Organisation'" in str(e.value) and "grants.xlsx" in str(e.value)
    with pytest.raises(DataFileError, match="there is no sheet called 'Nope'"):
        registers.load_grants(p, sheet="Nope")


def test_grants_json_package(tmp_path):
    p = grants_package(tmp_path)
    df = registers.load_grants(p)
    assert list(df["identifier"]) == ["360G-any-101", "360G-any-102"]
    assert list(df["amount"]) == [750.25, 1200.0]
    assert list(df["award_date"]) == [pd.Timestamp("2023-11-01"), pd.Timestamp("2024-01-15")]
    assert list(df["recipient_name"]) == ["Warm Hub", "Friends of the Library"]
    assert list(df["recipient_id"]) == ["GB-CHC-444", "GB-CHC-555"]
    assert list(df["funder_name"]) == ["Anytown Council"] * 2
    assert df["programme"].iloc[0] == "Warm Spaces" and pd.isna(df["programme"].iloc[1])
    assert list(df["source_row"]) == [1, 2]  # position in the grants list
    rep = df.attrs["report"]
    assert rep["amount_total"] == 1950.25
    assert rep["files"][0]["format"] == "json" and rep["files"][0]["header_row"] is None
    assert rep["first_award_date"] == "2023-11-01" and rep["last_award_date"] == "2024-01-15"


def test_grants_json_mapping_by_path_and_a_bare_list(tmp_path):
    p = tmp_path / "list.json"
    p.write_text(json.dumps([
        {"id": "A", "amountAwarded": "1,250.00", "awardDate": "2024-02-01",
         "recipientIndividual": {"name": "Individual grant"}, "fund": {"title": "Hardship"}}]))
    df = registers.load_grants(p, mapping={"programme": "fund/title"})
    assert list(df["amount"]) == [1250.0]
    assert list(df["recipient_name"]) == ["Individual grant"]
    assert list(df["programme"]) == ["Hardship"]


def test_grants_json_that_is_not_360giving_is_refused(tmp_path):
    p = tmp_path / "ocds.json"
    p.write_text(json.dumps({"releases": []}))
    with pytest.raises(DataFileError, match="not a 360Giving package") as e:
        registers.load_grants(p)
    assert "load_ocds" in str(e.value)
    broken = tmp_path / "broken.json"
    broken.write_text('{"grants": [ {"id": "x",')
    with pytest.raises(DataFileError, match="JSON cannot be read") as e:
        registers.load_grants(broken)
    assert "broken.json" in str(e.value)


def test_grants_folder_and_list_of_files(tmp_path):
    folder = tmp_path / "grants"
    folder.mkdir()
    grants_csv(folder, "a.csv")
    grants_package(folder, "b.json")
    (folder / "readme.txt").write_text("not data")
    df = registers.load_grants(folder)
    assert len(df) == 5
    assert list(df["source_file"].unique()) == ["a.csv", "b.json"]
    rep = df.attrs["report"]
    assert rep["amount_total"] == exact_total("1000.00", "2500.50", "12345.67", "750.25", "1200")
    assert [f["file"] for f in rep["files"]] == ["a.csv", "b.json"]
    assert rep["first_award_date"] == "2023-04-03" and rep["last_award_date"] == "2024-01-15"
    listed = registers.load_grants([folder / "b.json", folder / "a.csv"])
    assert list(listed["source_file"].unique()) == ["b.json", "a.csv"]
    assert listed.attrs["report"]["amount_total"] == rep["amount_total"]


def test_grants_unreadable_cells_are_kept_empty_and_counted(tmp_path):
    text = ("Amount Awarded,Award Date,Recipient Org:Name\n"
            "100.00,01/04/2023,A\n"
            "12..50,02/04/2023,B\n"
            "200.00,31/02/2023,C\n"
            ",03/04/2023,D\n"
            "300.00,04/04/2023,E\n")
    df = registers.load_grants(write(tmp_path / "g.csv", text))
    assert len(df) == 5  # no row vanishes
    assert pd.isna(df["amount"].iloc[1]) and pd.isna(df["award_date"].iloc[2])
    issues = dict(zip(df["recipient_name"], df["issue"]))
    assert issues["B"] == "amount: not a number ('12..50')"
    assert issues["C"] == "award_date: not a date ('31/02/2023')"
    assert issues["D"] == "amount: empty"
    assert pd.isna(issues["A"])
    rep = df.attrs["report"]
    assert rep["issues"] == 3 and rep["amount_total"] == 600.0
    f = rep["files"][0]
    assert f["problems"] == {"amount unreadable": 1, "amount missing": 1,
                             "award_date unreadable": 1}
    assert {"row": 3, "column": "Amount Awarded", "value": "12..50",
            "problem": "amount not a number"} in f["examples"]


def test_grants_mostly_unreadable_amount_column_stops_with_where(tmp_path):
    text = ("Recipient Name,Amount\nA,to follow\nB,tbc\nC,see note\nD,10\n")
    with pytest.raises(DataFileError) as e:
        registers.load_grants(write(tmp_path / "g.csv", text))
    msg = str(e.value)
    assert "g.csv" in msg and "row 2" in msg and "'Amount'" in msg and "mapping" in msg


def test_grants_mapping_overrides_detection(tmp_path):
    text = "Org,Grant (GBP),When\nAlpha,\"1,000\",01/04/2023\nBeta,250.25,02/04/2023\n"
    p = write(tmp_path / "g.csv", text)
    mapping = {"recipient_name": "Org", "amount": "Grant (GBP)", "award_date": "When"}
    before = dict(mapping)
    df = registers.load_grants(p, mapping=mapping)
    assert mapping == before  # the caller's dict is not changed
    assert list(df["recipient_name"]) == ["Alpha", "Beta"]
    assert df.attrs["report"]["amount_total"] == 1250.25
    assert df.attrs["report"]["files"][0]["mapped"]["amount"]["how"] == "your mapping"
    # a field mapped to None is taken as absent
    df = registers.load_grants(grants_csv(tmp_path), mapping={"award_date": None})
    assert df["award_date"].isna().all()
    assert df.attrs["report"]["files"][0]["absent_by_mapping"] == ["award_date"]


def test_mapping_unknown_field_lists_the_allowed_fields(tmp_path):
    p = grants_csv(tmp_path)
    with pytest.raises(DataFileError) as e:
        registers.load_grants(p, mapping={"recipient": "Recipient Org:Name"})
    msg = str(e.value)
    assert "unknown grants field 'recipient'" in msg
    assert all(f in msg for f in registers.GRANT_FIELDS)
    with pytest.raises(DataFileError) as e:
        registers.load_contracts_register(contracts_csv_a(tmp_path), mapping={"amount": "Value"})
    msg = str(e.value)
    assert "unknown contracts register field 'amount'" in msg
    assert all(f in msg for f in registers.CONTRACT_FIELDS)
    with pytest.raises(DataFileError, match="must be a dict"):
        registers.load_grants(p, mapping=[("amount", "Amount")])
    with pytest.raises(DataFileError, match="must be a column header"):
        registers.load_grants(p, mapping={"amount": 5})


def test_mapping_to_a_column_the_file_lacks_names_it(tmp_path):
    with pytest.raises(DataFileError) as e:
        registers.load_grants(grants_csv(tmp_path), mapping={"amount": "Grant Total"})
    msg = str(e.value)
    assert "'Grant Total'" in msg and "grants.csv" in msg and "Columns seen" in msg
    with pytest.raises(DataFileError) as e:
        registers.load_contracts_register(contracts_csv_a(tmp_path),
                                          mapping={"value": "Annual Cost"})
    assert "'Annual Cost'" in str(e.value)


def test_a_spend_file_is_refused_as_grants_with_a_clear_message(tmp_path):
    p = write(tmp_path / "spend.csv",
              "Body Name,Service Area,Paid Date,Trans No,Supplier Name,Amount,Purpose\n"
              "Anytown,Waste,03/04/2023,T1,Acme Ltd,100.00,Bins\n")
    with pytest.raises(DataFileError) as e:
        registers.load_grants(p)
    msg = str(e.value)
    assert msg.startswith((str(p), p.name))          # names the file (its name when the path is long)
    assert "does not look like a grants file" in msg
    assert "recipient name" in msg                   # what is missing
    assert "'recipient org name'" in msg             # what was looked for
    assert "mapping={'recipient_name'" in msg        # how to fix it
    assert "load_spend" in msg                       # what it probably is


def test_a_file_with_no_header_at_all_is_refused(tmp_path):
    p = write(tmp_path / "x.csv", "a,b,c\n1,2,3\n")
    with pytest.raises(DataFileError, match="cannot find the amount and recipient name columns"):
        registers.load_grants(p)


def test_empty_missing_and_wrong_kind_of_files(tmp_path):
    with pytest.raises(DataFileError, match="the file is empty"):
        registers.load_grants(write(tmp_path / "e.csv", "\n\n"))
    with pytest.raises(DataFileError, match="file not found"):
        registers.load_grants(tmp_path / "nope.csv")
    with pytest.raises(DataFileError, match="no grants files given"):
        registers.load_grants([])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DataFileError, match="no files matching"):
        registers.load_contracts_register(empty)
    with pytest.raises(DataFileError, match=".xls"):
        registers.load_contracts_register(write(tmp_path / "old.xls", "x"))
    with pytest.raises(DataFileError, match="not JSON"):
        registers.load_contracts_register(grants_package(tmp_path))
    with pytest.raises(DataFileError, match="Excel"):
        registers.load_grants(write(tmp_path / "renamed.csv", "PK\x03\x04zipzip"))


def test_grants_header_only_gives_an_empty_frame(tmp_path):
    df = registers.load_grants(write(tmp_path / "g.csv", GRANT_HEADER + "\n"))
    assert len(df) == 0 and list(df.columns) == list(registers.GRANT_COLUMNS)
    assert df.attrs["report"]["amount_total"] == 0.0
    assert df.attrs["report"]["first_award_date"] is None
    p = tmp_path / "none.json"
    p.write_text('{"grants": []}')
    df = registers.load_grants(p)
    assert len(df) == 0 and list(df.columns) == list(registers.GRANT_COLUMNS)


def test_input_files_are_never_modified(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.append(CONTRACT_HEADER_A.split(","))
    wb.active.append(["C-9", "Cleaning", "", "", "Shiny Ltd", "", 9000, dt.datetime(2023, 4, 1),
                      None, None, "Quote", "Y", "N"])
    x = tmp_path / "c.xlsx"
    wb.save(x)
    files = [grants_csv(tmp_path, encoding="cp1252"), grants_package(tmp_path),
             contracts_csv_a(tmp_path), x]
    before = {p: sha(p) for p in files}
    registers.load_grants(files[:2], mapping={"title": "Title"})
    registers.load_contracts_register(files[2:])
    assert {p: sha(p) for p in files} == before
    assert sorted(q.name for q in tmp_path.iterdir()) == sorted(p.name for p in files)


# ============================================================================ contracts

def test_contracts_register_layout_a_csv(tmp_path):
    df = registers.load_contracts_register(contracts_csv_a(tmp_path))
    assert list(df.columns) == list(registers.CONTRACT_COLUMNS)
    assert list(df["reference"]) == ["C-001", "C-002", "C-003"]
    assert list(df["supplier"]) == ["Green Mowers Ltd", "Anytown CAB", "Big Tech plc"]
    assert list(df["supplier_id"]) == ["01234567", "1122334", "07654321"]  # text: zeros kept
    assert list(df["value"]) == [120000.0, 5500.5, 64999.99]
    assert list(df["start_date"]) == [pd.Timestamp("2023-04-01"), pd.Timestamp("2023-05-15"),
                                      pd.Timestamp("2023-07-03")]
    assert list(df["end_date"]) == [pd.Timestamp("2026-03-31"), pd.Timestamp("2024-05-14"),
                                    pd.Timestamp("2027-07-02")]
    assert df["review_date"].iloc[0] == pd.Timestamp("2025-10-01")
    assert df["review_date"].iloc[1:].isna().all()
    assert list(df["procurement_type"]) == ["Tender", "Quote", "Tender"]
    assert list(df["sme"]) == [True, False, None]
    assert list(df["vcse"]) == [False, True, None]
    assert list(df["department"]) == ["Environment", "Communities", "IT"]
    assert list(df["source_row"]) == [4, 5, 6]
    assert df["issue"].isna().all()
    rep = df.attrs["report"]
    assert rep["value_total"] == exact_total("120000.00", "5500.50", "64999.99") == 190500.49
    assert rep["first_start_date"] == "2023-04-01" and rep["last_end_date"] == "2027-07-02"
    assert rep["files"][0]["encoding"] == "cp1252" and rep["files"][0]["header_row"] == 3


def test_contracts_register_layout_b_other_headers_and_date_shapes(tmp_path):
    text = ("contract reference , CONTRACT TITLE,Service Area,Supplier,Company Number,"
            "Contract Value,Start Date,End Date,Quote or Tender,SME,Voluntary Sector\n"
            "R1,Catering,Schools,Dinners Ltd,111,\"£10,000\",3 Apr 2023,2024-04-02,Quote,Yes,N/A\n"
            "R2,Repairs,Housing,Fixit Ltd,222,\"5,000.01\",11-Aug-22,2025-08-10,Tender,No,Unknown\n"
            "R3,Minibus,Transport,Community Wheels,333,7500,45017,Ongoing,Quote,Small,Yes\n"
            "R4,Consultancy,Finance,Advisers LLP,444,9999.99,01/06/2023,31/05/2024,Quote,perhaps,No\n")
    df = registers.load_contracts_register(write(tmp_path / "register.csv", text))
    assert list(df["reference"]) == ["R1", "R2", "R3", "R4"]
    assert list(df["title"]) == ["Catering", "Repairs", "Minibus", "Consultancy"]
    assert list(df["department"]) == ["Schools", "Housing", "Transport", "Finance"]
    assert list(df["value"]) == [10000.0, 5000.01, 7500.0, 9999.99]
    assert list(df["start_date"]) == [pd.Timestamp("2023-04-03"), pd.Timestamp("2022-08-11"),
                                      pd.Timestamp("2023-04-01"), pd.Timestamp("2023-06-01")]
    assert df["end_date"].iloc[0] == pd.Timestamp("2024-04-02") and pd.isna(df["end_date"].iloc[2])
    assert list(df["procurement_type"]) == ["Quote", "Tender", "Quote", "Quote"]
    assert list(df["sme"]) == [True, False, True, None]
    assert list(df["vcse"]) == [None, None, True, False]
    # cells that cannot be read are left empty and said (an end date of "Ongoing" too)
    assert df["issue"].iloc[2] == "end_date: not a date ('Ongoing')"
    assert df["issue"].iloc[3] == "sme: not yes/no ('perhaps')"
    rep = df.attrs["report"]
    assert rep["value_total"] == exact_total("10000", "5000.01", "7500", "9999.99")
    assert rep["issues"] == 2
    assert rep["files"][0]["problems"] == {"end_date unreadable": 1, "sme unreadable": 1}
    mapped = rep["files"][0]["mapped"]
    assert mapped["vcse"]["column"] == "Voluntary Sector"
    assert mapped["procurement_type"]["column"] == "Quote or Tender"


def test_contracts_register_xlsx_total_value_and_excel_dates(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Register"
    ws.append(["Contracts Register - Q1 2024"])
    ws.append([])
    ws.append(["Contract Reference", "Contract Title", "Description", "Service Area",
               "Supplier Name", "Company Number", "Total Value (£)", "Start Date", "End Date",
               "Review Date", "Procurement Type", "SME", "VCSE"])
    ws.append(["X1", "Waste collection", "Bins", "Environment", "Bin Co", "00012345",
               2500000.0, dt.datetime(2024, 4, 1), dt.datetime(2031, 3, 31), 46000, "Tender",
               "No", "No"])
    ws.append(["X2", "Toner", "Printing", "Corporate", "Ink Ltd", None, "£6,250.40",
               "45383", "02/04/2025", None, "Quote", "Yes", "No"])
    ws.append(["Total", None, None, None, None, None, 2506250.40, None, None, None, None,
               None, None])
    p = tmp_path / "register.xlsx"
    wb.save(p)
    df = registers.load_contracts_register(p)
    assert list(df["reference"]) == ["X1", "X2"]
    assert list(df["value"]) == [2500000.0, 6250.4]
    assert list(df["start_date"]) == [pd.Timestamp("2024-04-01"), pd.Timestamp("2024-04-01")]
    assert list(df["end_date"]) == [pd.Timestamp("2031-03-31"), pd.Timestamp("2025-04-02")]
    assert df["review_date"].iloc[0] == pd.Timestamp("2025-12-09")  # serial 46000
    assert list(df["supplier_id"].fillna("-")) == ["00012345", "-"]
    assert list(df["sheet"]) == ["Register", "Register"]
    assert list(df["source_row"]) == [4, 5]
    rep = df.attrs["report"]
    assert rep["value_total"] == exact_total("2500000", "6250.40")
    assert rep["files"][0]["dropped"]["totals"] == 1
    assert rep["files"][0]["mapped"]["value"]["column"] == "Total Value (£)"


def test_contracts_register_repeated_header_and_note_rows_are_dropped_and_counted(tmp_path):
    text = (CONTRACT_HEADER_A + "\n"
            "C-1,Cleaning,,,Shiny Ltd,,6000,01/04/2023,,,,,\n"
            + CONTRACT_HEADER_A + "\n"
            "Note: values exclude VAT,,,,,,,,,,,,\n"
            "C-2,Security,,,Guard Ltd,,7000,01/05/2023,,,,,\n")
    df = registers.load_contracts_register(write(tmp_path / "c.csv", text))
    assert list(df["reference"]) == ["C-1", "C-2"]
    assert list(df["source_row"]) == [2, 5]
    dropped = df.attrs["report"]["files"][0]["dropped"]
    assert dropped["repeated header"] == 1
    assert sum(v for k, v in dropped.items() if k.startswith("no ")) == 1
    assert df.attrs["report"]["value_total"] == 13000.0


def test_typo_headers_are_matched_and_reported_but_other_words_are_not(tmp_path):
    text = ("Contract Refference,Suppler Name,Contract Valeu,Strat Date,Supplier Postcode,"
            "Is the supplier a VCSE\n"
            "K1,Acme Ltd,5001,01/04/2023,AN1 1AA,Yes\n")
    df = registers.load_contracts_register(write(tmp_path / "c.csv", text))
    assert list(df["reference"]) == ["K1"] and list(df["supplier"]) == ["Acme Ltd"]
    assert list(df["value"]) == [5001.0] and list(df["vcse"]) == [True]
    assert df["sme"].isna().all()  # "a VCSE" is not "an SME"
    f = df.attrs["report"]["files"][0]
    assert f["mapped"]["supplier"]["how"] == "similar to 'supplier name'"
    assert f["left_out"] == ["Supplier Postcode (E)"]
    grants = ("Recipient Org:City,Recipent Org:Name,Amount Awarded\nAnytown,Alpha,10\n")
    df = registers.load_grants(write(tmp_path / "g.csv", grants))
    assert list(df["recipient_name"]) == ["Alpha"] and df["recipient_id"].isna().all()


def test_a_workbook_with_no_register_sheet_is_refused(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "Cover"
    wb.active.append(["Anytown Council"])
    wb.create_sheet("Spend").append(["Supplier Name", "Amount", "Payment Date"])
    p = tmp_path / "book.xlsx"
    wb.save(p)
    with pytest.raises(DataFileError, match="no sheet of this workbook has contracts register") as e:
        registers.load_contracts_register(p)
    assert "'Cover', 'Spend'" in str(e.value)


def test_contracts_register_without_value_is_refused(tmp_path):
    p = write(tmp_path / "register.csv",
              "Contract Title,Supplier Name,Start Date\nCleaning,Shiny Ltd,01/04/2023\n")
    with pytest.raises(DataFileError) as e:
        registers.load_contracts_register(p)
    msg = str(e.value)
    assert "register.csv" in msg and "cannot find the value column" in msg
    assert "'contract value'" in msg and "mapping={'value'" in msg
    df = registers.load_contracts_register(
        write(tmp_path / "r2.csv", "Contract Title,Supplier Name,Estimated Spend\nCleaning,Shiny Ltd,6000\n"),
        mapping={"value": "Estimated Spend"})
    assert df.attrs["report"]["value_total"] == 6000.0


def test_a_grants_file_given_as_contracts_points_to_load_grants(tmp_path):
    with pytest.raises(DataFileError) as e:
        registers.load_contracts_register(grants_csv(tmp_path))
    assert "load_grants" in str(e.value)


def test_parse_yes_no():
    vals, empty, bad = registers.parse_yes_no(
        ["Yes", "y", "TRUE", "1", "SME", "Non-SME", "no", "N", "Large", "", "N/A", "Unknown",
         "maybe"])
    assert list(vals) == [True, True, True, True, True, False, False, False, False, None, None,
                          None, None]
    assert list(bad) == [False] * 12 + [True]
    assert list(empty) == [False] * 9 + [True, True, True, False]


# ============================================================================ predicates

def _norm(header: str) -> list[str]:
    return [normalise_header(c) for c in header.split(",")]


SPEND_HEADER = "Body Name,Service Area,Paid Date,Trans No,Supplier Name,Net Amount(£),Purpose"
LGA_SPEND = ("OrganisationLabel,EffectiveDate,OrganisationalUnit,BeneficiaryName,PaymentDate,"
             "TransactionNumber,Amount,Purpose")
CONTRACT_HEADER_B = ("Contract Reference,Contract Title,Service Area,Supplier,Company Number,"
                     "Contract Value,Start Date,End Date,Quote or Tender,SME,Voluntary Sector")


def test_looks_like_grants():
    assert registers.looks_like_grants(_norm(GRANT_HEADER))
    assert registers.looks_like_grants(GRANT_HEADER.split(","))  # raw cells too
    assert registers.looks_like_grants(_norm("Recipient Name,Grant Amount,Award Date"))
    for other in (SPEND_HEADER, LGA_SPEND, CONTRACT_HEADER_A, CONTRACT_HEADER_B,
                  "Recipient Name,Amount,Date"):  # a spend-like file with "recipient"
        assert not registers.looks_like_grants(_norm(other)), other
    assert not registers.looks_like_grants([])
    assert not registers.looks_like_grants(["", None])


def test_looks_like_contracts():
    assert registers.looks_like_contracts(_norm(CONTRACT_HEADER_A))
    assert registers.looks_like_contracts(_norm(CONTRACT_HEADER_B))
    assert registers.looks_like_contracts(_norm("Contract Title,Supplier,Total Value (£)"))
    for other in (SPEND_HEADER, LGA_SPEND, GRANT_HEADER, "Supplier,Value,Description"):
        assert not registers.looks_like_contracts(_norm(other)), other
    assert not registers.looks_like_contracts([])
