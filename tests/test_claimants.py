"""Claimant count loader: raw NOMIS, tidy and wide layouts, mixed geographies, breakdowns,
clear errors, the real NOMIS sample, and the paged NOMIS fetch against a local server."""
import csv
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from toolkit_helpers import DataFileError, FetchError
from toolkit_helpers.claimants import (COLUMNS, area_type, fetch_nomis, files_table,
                                       load_claimant_count, parse_month)

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
                                       ("E05000001", "ward"), ("X99000000", "other")])
def test_area_type_from_gss_prefix(code, kind):
    assert area_type(code) == kind


def test_real_nomis_sample(realdata):
    df = load_claimant_count(realdata / "claimants")
    assert len(df) == 2  # both rows of the real extract (JSA: "Persons claiming JSA")
    by = df.set_index("area_code")
    assert by.at["E09000001", "value"] == 25 and by.at["E09000002", "value"] == 2355
    assert set(df["measure"]) == {"count"} and set(df["area_type"]) == {"London borough"}
    assert {f"{d:%Y-%m-%d}" for d in df["date"]} == {"2018-01-01"}


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
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Nomis)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/api/v01/dataset/NM_162_1.data.csv", Nomis
    srv.shutdown()


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
