"""Claimant count loader: raw NOMIS, tidy and wide layouts, mixed geographies, breakdowns,
clear errors, the real NOMIS sample, and the paged NOMIS fetch against a local server."""
import csv
import io
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pandas as pd
from local_server import serving
import pytest

from toolkit_helpers import DataFileError, FetchError
from toolkit_helpers.claimants import (COLUMNS, MAPPING_FIELDS, SERIES_CLAIMANT_COUNT, SERIES_JSA,
                                       area_type, fetch_nomis, files_table, load_claimant_count,
                                       parse_month)

RAW = ('"DATE","DATE_NAME","GEOGRAPHY_NAME","GEOGRAPHY_CODE","GENDER_NAME","MEASURE_NAME",'
       '"MEASURES_NAME","OBS_VALUE","OBS_STATUS_NAME"\n'
       '"2020-03","March 2020","Anytown","E07000901","Total","Claimant count","Value","1,205","Normal Value"\n'
       '"2020-03","March 2020","Anytown","E07000901","Male","Claimant count","Value","700","Normal Value"\n'
       '"2020-03","March 2020","Anytown","E07000901","Total","Claimants as a proportion of residents aged 16-64","Value","1.5","Normal Value"\n'
       '"2020-04","April 2020","Anytown","E07000901","Total","Claimant count","Value","2410","Normal Value"\n'
       '"2020-04","April 2020","Northvale","E12000999","Total","Claimant count","Value","..","Not available"\n'
       '"2020-04","April 2020","England","E92000001","Total","Claimant count","Value","2100000","Normal Value"\n')


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_raw_nomis_layout_with_breakdowns_and_mixed_geographies(tmp_path):
    f = write(tmp_path, "raw.csv", RAW)
    before = f.read_bytes()
    df = load_claimant_count(f)
    assert list(df.columns) == list(COLUMNS)
    got = {(r.area_code, r.measure, f"{r.date:%Y-%m}"): r.value for r in df.itertuples()}
    missing = got.pop(("E12000999", "count", "2020-04"))
    assert pd.isna(missing)  # ".." is a missing value, not an error
    assert got == {("E07000901", "count", "2020-03"): 1205.0, ("E07000901", "rate", "2020-03"): 1.5,
                   ("E07000901", "count", "2020-04"): 2410.0,
                   ("E92000001", "count", "2020-04"): 2_100_000.0}
    types = dict(zip(df["area_code"], df["area_type"]))
    assert types == {"E07000901": "non-metropolitan district", "E12000999": "region",
                     "E92000001": "country"}
    rep = df.attrs["report"]["files"][0]
    assert rep["layout"] == "raw NOMIS API" and rep["set_aside"] == 1 and rep["empty_values"] == 1
    assert rep["columns"]["measure"] == "MEASURE_NAME"  # not MEASURES_NAME ("Value")
    assert df.loc[df["value"] == 2410, "source_row"].item() == 5
    assert f.read_bytes() == before


def test_tidy_layout_month_names_as_text(tmp_path):
    f = write(tmp_path, "tidy.csv",
              "month,area_code,area_name,measure,value\n"
              "Jan 2015,E06000901,Fenwick City,Claimant count,3100\n"
              "Jan-15,E06000901,Fenwick City,Claimant rate (%),2.8%\n"
              "February 2015,E06000901,Fenwick City,Claimant count,\"3,050\"\n")
    df = load_claimant_count(f)
    assert df.attrs["report"]["files"][0]["layout"] == "tidy"
    assert [(f"{d:%Y-%m}", m, v) for d, m, v in zip(df["date"], df["measure"], df["value"])] == \
        [("2015-01", "count", 3100.0), ("2015-02", "count", 3050.0), ("2015-01", "rate", 2.8)]
    assert set(df["area_type"]) == {"unitary authority"}


def test_wide_layout_count_and_rate_columns_iso_dates(tmp_path):
    f = write(tmp_path, "wide.csv",
              "Claimant count extract, produced for the toolkit\n\n"
              "date,area_code,area_name,claimant_count,claimant_rate\n"
              "2024-01-01,E09000001,City of London,25,0.3\n"
              "2024-02-01,E09000001,City of London,30,0.4\n"
              "2024-01-01,W06000015,Cardiff,8000,3.1\n")
    df = load_claimant_count(f)
    rep = df.attrs["report"]["files"][0]
    assert rep["layout"] == "wide" and rep["header_row"] == 3
    assert len(df) == 6
    cardiff = df[df["area_code"] == "W06000015"].set_index("measure")["value"].to_dict()
    assert cardiff == {"count": 8000.0, "rate": 3.1}
    assert set(df["area_type"]) == {"London borough", "Welsh unitary authority"}


def test_several_files_and_a_folder_repeats_kept_once(tmp_path):
    write(tmp_path, "a.csv", RAW)
    write(tmp_path, "b.csv", RAW.replace("Anytown", "Anytown BC"))  # same values again
    df = load_claimant_count(tmp_path)
    assert len(df) == 5
    assert df.loc[df["area_code"] == "E07000901", "area_name"].iloc[0] == "Anytown BC"
    only = load_claimant_count(tmp_path, areas=["e92000001"])
    assert only["area_code"].unique().tolist() == ["E92000001"]


def test_conflicting_values_name_both_rows(tmp_path):
    write(tmp_path, "a.csv", RAW)
    write(tmp_path, "b.csv", RAW.replace('"2410"', '"2415"'))
    with pytest.raises(DataFileError) as e:
        load_claimant_count(tmp_path)
    msg = str(e.value)
    assert "two different count values for E07000901 in April 2020" in msg
    assert "a.csv row 5" in msg and "b.csv row 5" in msg


def test_workbook_extract(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Area code", "Area name", "Month", "Measure", "Value"])
    ws.append(["E08000001", "Bolton", "2023-05", "Claimant count", 7000])
    ws.append(["E08000001", "Bolton", "2023-05", "Claimant rate", 3.9])
    wb.save(tmp_path / "x.xlsx")
    df = load_claimant_count(tmp_path / "x.xlsx")
    assert df.set_index("measure")["value"].to_dict() == {"count": 7000.0, "rate": 3.9}
    assert df["area_type"].iloc[0] == "metropolitan district"


@pytest.mark.parametrize("text,problem,row,column", [
    ("area_code,month,measure,value\nE07000901,Jan 2020,Claimant count,12x\n",
     "'12x' is not a number", 2, "value"),
    ("area_code,month,measure,value\nE07000901,Smarch 2020,Claimant count,12\n",
     "'Smarch 2020' is not a month", 2, "month"),
    ("area_code,month,measure,value\nE07000901,Jan 2020,Claimant count,12\nAnytown,Jan 2020,Claimant count,1\n"
     "E07000901,Feb 2020,Claimant count,13\n", "'Anytown' is not a GSS area code", 3, "area_code"),
    ("area_code,month,measure,value\nE07000901,Jan 2020,Weather,12\n",
     "'Weather' is neither a count nor a rate", 2, "measure"),
])
def test_bad_cells_are_named_by_file_row_and_column(tmp_path, text, problem, row, column):
    f = write(tmp_path, "bad.csv", text)
    with pytest.raises(DataFileError) as e:
        load_claimant_count(f)
    err = e.value
    assert problem in str(err) and err.row == row and err.column == column
    assert "bad.csv" in str(err)


@pytest.mark.parametrize("text,problem", [
    ("", "empty"),
    ("colour,size\nred,1\n", "cannot find a claimant count header"),
    ("area_code,area_name,notes\nE07000901,Anytown,x\n", "no date or month column"),
    ("date,area_name,count\n2020-01,Anytown,5\n", "no area code column"),
    ("area_code,area_name,measure,value\nE07000901,Anytown,Claimant count,5\n",
     "no date or month column"),
])
def test_unreadable_files_say_what_is_expected(tmp_path, text, problem):
    f = write(tmp_path, "x.csv", text)
    with pytest.raises(DataFileError, match=problem):
        load_claimant_count(f)


def test_a_footnote_at_the_end_is_set_aside(tmp_path):
    f = write(tmp_path, "f.csv", "area_code,month,measure,value\nE07000901,Jan 2020,Claimant count,5\n"
                                 "Source: ONS claimant count,,,\n")
    df = load_claimant_count(f)
    assert len(df) == 1 and df.attrs["report"]["files"][0]["set_aside"] == 1
    assert files_table(df)["rows set aside (breakdowns, notes)"].tolist() == [1]


@pytest.mark.parametrize("text,expected", [
    ("2018-01", "2018-01-01"), ("2018-1", "2018-01-01"), ("2018-01-01", "2018-01-01"),
    ("January 2018", "2018-01-01"), ("Jan 2018", "2018-01-01"), ("Jan-18", "2018-01-01"),
    ("Sept 2019", "2019-09-01"), ("sep 2019", "2019-09-01"), ("01/2018", "2018-01-01"),
    ("15/03/2021", "2021-03-01"), ("2018M07", "2018-07-01"), ("  March 2020 ", "2020-03-01"),
    ("Janu 2018", None), ("2018-13", None), ("13/2018", None), ("", None), ("Q1 2020", None),
])
def test_parse_month(text, expected):
    got = parse_month(text)
    assert (None if got is None else f"{got:%Y-%m-%d}") == expected


@pytest.mark.parametrize("code,kind", [("E92000001", "country"), ("E12000007", "region"),
                                       ("E10000003", "county"), ("E06000001", "unitary authority"),
                                       ("E09000033", "London borough"), ("S12000036", "Scottish council area"),
                                       ("E05000001", "ward"), ("X99000000", "other"),
                                       ("E47000001", "combined authority"),
                                       ("W06000015", "Welsh unitary authority"),
                                       ("E07000123", "non-metropolitan district"),
                                       ("E08000003", "metropolitan district"),
                                       ("e10000015", "county")])
def test_area_type_from_gss_prefix(code, kind):
    assert area_type(code) == kind


def test_real_nomis_sample(realdata):
    df = load_claimant_count(realdata / "claimants")
    assert len(df) == 2  # both rows of the real extract (JSA: "Persons claiming JSA")
    by = df.set_index("area_code")
    assert by.at["E09000001", "value"] == 25 and by.at["E09000002", "value"] == 2355
    assert set(df["measure"]) == {"count"} and set(df["area_type"]) == {"London borough"}
    assert {f"{d:%Y-%m-%d}" for d in df["date"]} == {"2018-01-01"}
    # NM_1_1, "Persons claiming JSA": Jobseeker's Allowance, not the claimant count
    assert set(df["series"]) == {"Jobseeker's Allowance (NM_1_1)"}
    rep = df.attrs["report"]
    assert rep["series"] == ["Jobseeker's Allowance (NM_1_1)"]
    assert rep["files"][0]["series_from"] == "measure names"
    assert files_table(df)["series"].tolist() == ["Jobseeker's Allowance (NM_1_1)"]


# ------------------------------------------------ ONS column names and mixed geography levels

@pytest.mark.parametrize("code_col,name_col,code", [
    ("lad21cd", "lad21nm", "E07000123"), ("LAD23CD", "LAD23NM", "E06000001"),
    ("Lad19Cd", "Lad19Nm", "E08000003"), ("wd22cd", "wd22nm", "E05000650"),
    ("cauth22cd", "cauth22nm", "E47000001"), ("RGN21CD", "RGN21NM", "E12000002"),
    ("geography code", "geography name", "E09000033"), ("Area code", "Area name", "W06000015"),
    ("GEOGRAPHY_CODE", "GEOGRAPHY_NAME", "S12000036"), ("ctry21cd", "ctry21nm", "E92000001"),
])
def test_ons_style_code_and_name_columns(tmp_path, code_col, name_col, code):
    f = write(tmp_path, "ons.csv", f"date,{code_col},{name_col},claimant_count,claimant_rate\n"
                                   f"2024-01,{code},Somewhere,1234,3.5\n")
    df = load_claimant_count(f)
    assert df[["area_code", "area_name", "measure", "value"]].values.tolist() == [
        [code, "Somewhere", "count", 1234.0], [code, "Somewhere", "rate", 3.5]]
    cols = df.attrs["report"]["files"][0]["columns"]
    assert (cols["area_code"], cols["area_name"]) == (code_col, name_col)
    assert df["area_type"].iloc[0] == area_type(code) != "other"


def test_several_ons_code_columns_the_finest_geography_is_the_row(tmp_path):
    # a ward-level extract with its district and region alongside: the ward is the area
    f = write(tmp_path, "wards.csv",
              "RGN22CD,RGN22NM,LAD22CD,LAD22NM,WD22CD,WD22NM,month,claimants\n"
              "E12000002,North West,E08000003,Manchester,E05011356,Ancoats & Beswick,Jan 2023,310\n"
              "E12000002,North West,E08000003,Manchester,E05011357,Ardwick,Jan 2023,420\n")
    df = load_claimant_count(f)
    assert dict(zip(df["area_code"], df["area_name"])) == {"E05011356": "Ancoats & Beswick",
                                                           "E05011357": "Ardwick"}
    assert df["value"].tolist() == [310.0, 420.0] and set(df["area_type"]) == {"ward"}
    assert df.attrs["report"]["files"][0]["columns"]["area_code"] == "WD22CD"


def test_mixed_geography_levels_in_one_file_keep_their_area_type(tmp_path):
    levels = {"E05000650": "ward", "E07000123": "non-metropolitan district",
              "E06000001": "unitary authority", "E08000003": "metropolitan district",
              "E09000033": "London borough", "E47000001": "combined authority",
              "E10000017": "county", "E12000002": "region", "E92000001": "country",
              "W06000015": "Welsh unitary authority", "S12000036": "Scottish council area"}
    body = "".join(f"Feb 2024,{c},Place {k},Claimant count,{100 + k}\n"
                   for k, c in enumerate(levels))
    df = load_claimant_count(write(tmp_path, "mixed.csv",
                                   "Month,lad24cd,lad24nm,Measure,Value\n" + body))
    assert dict(zip(df["area_code"], df["area_type"])) == levels
    assert df.set_index("area_code").at["E47000001", "value"] == 105.0
    assert df.attrs["report"]["area_types"]["ward"] == 1 and len(df) == 11


# ------------------------------------------------------------- series: JSA or claimant count

def test_jsa_measures_are_labelled_jsa_and_the_claimant_count_is_the_default(tmp_path):
    jsa = write(tmp_path, "extract.csv",
                '"DATE_NAME","GEOGRAPHY_NAME","GEOGRAPHY_CODE","MEASURES_NAME","OBS_VALUE"\n'
                '"March 2012","Anytown","E07000901","Persons claiming JSA","1500"\n'
                '"March 2012","Anytown","E07000901","Claimants as a proportion of resident population aged 16-64","2.1"\n')
    df = load_claimant_count(jsa)
    assert set(df["series"]) == {SERIES_JSA} == {"Jobseeker's Allowance (NM_1_1)"}
    assert df.set_index("measure")["value"].to_dict() == {"count": 1500.0, "rate": 2.1}
    cc = load_claimant_count(write(tmp_path, "raw.csv", RAW))
    assert set(cc["series"]) == {SERIES_CLAIMANT_COUNT} == {"Claimant count (NM_162_1)"}
    assert cc.attrs["report"]["files"][0]["series_from"] == "default (claimant count)"
    assert files_table(cc)["series"].tolist() == ["Claimant count (NM_162_1)"]


def test_series_from_a_dataset_column_row_by_row(tmp_path):
    f = write(tmp_path, "both.csv",
              "DATASET,DATE_NAME,GEOGRAPHY_CODE,GEOGRAPHY_NAME,MEASURE_NAME,OBS_VALUE\n"
              "NM_1_1,January 2013,E07000901,Anytown,Persons claiming JSA,900\n"
              "NM_162_1,January 2013,E07000901,Anytown,Claimant count,1100\n")
    df = load_claimant_count(f)
    # the same area, month and measure in two series: both kept, no clash
    assert dict(zip(df["series"], df["value"])) == {SERIES_JSA: 900.0, SERIES_CLAIMANT_COUNT: 1100.0}
    rep = df.attrs["report"]
    assert rep["series"] == sorted([SERIES_JSA, SERIES_CLAIMANT_COUNT])
    assert rep["files"][0]["series_from"] == "DATASET column"
    assert files_table(df)["series"].tolist() == [f"{SERIES_JSA}, {SERIES_CLAIMANT_COUNT}"]


def test_series_from_the_file_name(tmp_path):
    text = "date,area_code,count\n2014-05,E07000901,700\n"
    assert load_claimant_count(write(tmp_path, "nomis_NM_1_1_extract.csv", text))["series"].tolist() \
        == [SERIES_JSA]
    assert load_claimant_count(write(tmp_path, "anytown_jsa.csv", text))["series"].tolist() == [SERIES_JSA]
    assert load_claimant_count(write(tmp_path, "NM_162_1.csv", text))["series"].tolist() \
        == [SERIES_CLAIMANT_COUNT]
    rep = load_claimant_count(tmp_path / "anytown_jsa.csv").attrs["report"]["files"][0]
    assert rep["series_from"] == "file name"


# ------------------------------------------------------------------------- mapping and sheet

def test_mapping_names_the_columns(tmp_path):
    f = write(tmp_path, "own.csv",
              "Period,Region code,Council ONS,Council,Claimants\n"
              "2024-03,E12000999,E07000901,Anytown,1205\n"
              "2024-04,E12000999,E07000901,Anytown,1250\n")
    before = f.read_bytes()
    df = load_claimant_count(f, mapping={"date": "Period", "area_code": "council ons",
                                         "area_name": "Council", "value": "Claimants"})
    assert df[["area_code", "area_name", "measure", "value"]].values.tolist() == [
        ["E07000901", "Anytown", "count", 1205.0], ["E07000901", "Anytown", "count", 1250.0]]
    rep = df.attrs["report"]["files"][0]
    assert rep["columns"]["area_code"] == "Council ONS"  # the mapping, matched ignoring case
    assert rep["mapping"]["date"] == "Period"
    assert f.read_bytes() == before


def test_mapping_overrides_detection_with_a_measure_column(tmp_path):
    f = write(tmp_path, "two_codes.csv",
              "area_code,District code,When,What,Number\n"
              "E12000999,E07000902,Jan 2022,Claimant count,800\n"
              "E12000999,E07000902,Jan 2022,Claimant rate,2.0\n")
    df = load_claimant_count(f, mapping={"area_code": "District code", "date": "When",
                                         "measure": "What", "value": "Number"})
    assert set(df["area_code"]) == {"E07000902"}
    assert df.set_index("measure")["value"].to_dict() == {"count": 800.0, "rate": 2.0}


def test_mapping_fields_are_checked(tmp_path):
    assert MAPPING_FIELDS == ("date", "area_code", "area_name", "measure", "value")
    f = write(tmp_path, "x.csv", "month,area_code,measure,value\nJan 2020,E07000901,Claimant count,5\n")
    with pytest.raises(DataFileError) as e:
        load_claimant_count(f, mapping={"suplier": "Supplier"})
    assert "unknown field 'suplier'" in str(e.value)
    assert "date, area_code, area_name, measure, value" in str(e.value)
    with pytest.raises(DataFileError) as e:
        load_claimant_count(f, mapping={"value": "Amount", "date": "month"})
    err = e.value
    assert "the column 'Amount' (mapped to 'value') is not in the file" in str(err)
    assert err.column == "Amount" and err.row == 1 and "x.csv" in str(err)
    assert "'measure'" in str(err)  # the columns seen are listed
    with pytest.raises(DataFileError, match="does not say whether it holds counts or rates"):
        load_claimant_count(write(tmp_path, "y.csv", "month,code,Figure\nJan 2020,E07000901,5\n"),
                            mapping={"area_code": "code", "value": "Figure"})
    with pytest.raises(DataFileError, match="must name a column header"):
        load_claimant_count(f, mapping={"value": 3})


def test_sheet_picks_one_sheet_and_notes_sheets_are_skipped(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes.append(["About this workbook: claimant count for Bolton"])
    for title, value in (("Counts", 7000), ("Later", 7100)):
        ws = wb.create_sheet(title)
        ws.append(["LAD23CD", "LAD23NM", "Month", "Claimant count"])
        ws.append(["E08000001", "Bolton", "2023-05" if title == "Counts" else "2023-06", value])
    wb.save(tmp_path / "book.xlsx")
    one = load_claimant_count(tmp_path / "book.xlsx", sheet="Later")
    assert one["value"].tolist() == [7100.0] and one["source_file"].tolist() == ["book.xlsx"]
    assert files_table(one)["file"].tolist() == ["book.xlsx [Later]"]
    both = load_claimant_count(tmp_path / "book.xlsx")
    assert both["value"].tolist() == [7000.0, 7100.0]
    assert both.attrs["report"]["skipped_sheets"] == ["book.xlsx [Notes]"]
    with pytest.raises(DataFileError, match="no sheet called 'Rates'"):
        load_claimant_count(tmp_path / "book.xlsx", sheet="Rates")


def test_sample_data_loads_whole(project_root):
    df = load_claimant_count(project_root / "data" / "sample" / "claimants")
    assert df["area_code"].nunique() == 14
    assert f"{df['date'].min():%Y-%m}" == "2015-01" and f"{df['date'].max():%Y-%m}" == "2026-09"
    # counts of the region are the sum of its authorities' (the generator's promise)
    c = df[df["measure"] == "count"].pivot_table(index="date", columns="area_code", values="value")
    authorities = [x for x in c.columns if x.startswith(("E06", "E07"))]
    assert (c[authorities].sum(axis=1) == c["E12000999"]).all()


# --------------------------------------------------------------------- the NOMIS API (local)

def _nomis_rows(n):
    rows = []
    for k in range(n):
        y, m = 2015 + k // 12, k % 12 + 1
        month = ["January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December"][m - 1]
        rows.append([f"{month} {y}", "Anytown", "E07000901", "Claimant count", str(100 + k), str(n)])
    return rows


class Nomis(BaseHTTPRequestHandler):
    total = 7
    truncate = False
    requests: list = []

    def do_GET(self):
        q = parse_qs(urlsplit(self.path).query)
        type(self).requests.append(q)
        off, lim = int(q["recordoffset"][0]), int(q["recordlimit"][0])
        rows = _nomis_rows(self.total)[off:off + lim]
        if self.truncate and off > 0:
            rows = rows[:1]
        buf = io.StringIO()
        csv.writer(buf, quoting=csv.QUOTE_ALL).writerows(
            [["DATE_NAME", "GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "MEASURE_NAME", "OBS_VALUE",
              "RECORD_COUNT"]] + rows)
        body = buf.getvalue().encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.fixture
def nomis():
    Nomis.requests, Nomis.truncate = [], False
    with serving(Nomis, "/api/v01/dataset/NM_162_1.data.csv") as url:
        yield url, Nomis


def test_fetch_pages_past_the_cap(nomis):
    url, handler = nomis
    df = fetch_nomis(["E07000901"], since="2015-01", base_url=url, page_size=3)
    assert [int(o["recordoffset"][0]) for o in handler.requests] == [0, 3, 6]
    assert df["value"].tolist() == [100 + k for k in range(7)]
    assert handler.requests[0]["geography"] == ["E07000901"]
    assert handler.requests[0]["date"] == ["2015-01-latest"]
    assert df.attrs["report"]["source"] == "NOMIS API (live)"


def test_fetch_refuses_a_truncated_answer(nomis):
    url, handler = nomis
    handler.truncate = True
    with pytest.raises(FetchError, match="sent 4 of 7 rows"):
        fetch_nomis(["E07000901"], base_url=url, page_size=3)


def test_fetch_checks_codes_and_stays_offline_for_real_hosts():
    with pytest.raises(FetchError, match="GSS codes"):
        fetch_nomis(["Anytown"])
    with pytest.raises(FetchError, match="offline mode"):
        fetch_nomis(["E07000901"])


# ----------------------------------------------------------------------------- rows never dropped silently, numbers

def test_data_on_the_last_line_is_never_a_footnote(tmp_path):
    head = "area_code,month,measure,value\nE07000901,Jan 2020,Claimant count,5\n"
    with pytest.raises(DataFileError, match="'E0700O902' is not a GSS area code") as e:
        load_claimant_count(write(tmp_path, "a.csv", head + "E0700O902,Jan 2020,Claimant count,7\n"))
    assert e.value.row == 3
    with pytest.raises(DataFileError, match="a month and a value but no area code") as e:
        load_claimant_count(write(tmp_path, "b.csv", head.replace("E07000901", "") + head.split("\n")[1] + "\n"))
    assert e.value.row == 2
    # a note line without a month, or without a number, is still set aside
    df = load_claimant_count(write(tmp_path, "c.csv", head + "Notes: provisional,Jan 2020,,\n"))
    assert len(df) == 1 and df.attrs["report"]["files"][0]["set_aside"] == 1


def test_decimal_commas_in_claimant_files(tmp_path):
    text = ("area_code;month;count;rate\nE07000901;Jan 2020;1.205;2,4\n"
            "E07000901;Feb 2020;990;2,1\n")
    df = load_claimant_count(write(tmp_path, "eu.csv", text))
    got = df.set_index(["measure", "date"])["value"].to_dict()
    assert got[("count", pd.Timestamp("2020-01-01"))] == 1205.0
    assert got[("rate", pd.Timestamp("2020-01-01"))] == 2.4
    rep = df.attrs["report"]["files"][0]
    assert rep["decimal_separator"] == "," and "decimal commas" in rep["notes"][0]


@pytest.mark.parametrize("value,problem", [
    ("inf", "not a finite number"), ("nan", "not a finite number"), ("1e400", "not a finite number"),
    ("9" * 400, "not a finite number"), ('"2,4"', "decimal points")])
def test_claimant_values_that_are_not_plain_numbers(tmp_path, value, problem):
    text = ("area_code,month,measure,value\nE07000901,Jan 2020,Claimants as a proportion,2.5\n"
            "E07000901,Feb 2020,Claimants as a proportion,2.6\n"
            f"E07000901,Mar 2020,Claimants as a proportion,{value}\n")
    with pytest.raises(DataFileError, match=problem) as e:
        load_claimant_count(write(tmp_path, "v.csv", text))
    assert e.value.row == 4 and e.value.column == "value"
