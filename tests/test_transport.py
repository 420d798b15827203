"""Transport loaders: TfL station counts in any year's layout, network demand daily journeys,
GTFS and simple stop files, the TfL StopPoint answer. Each layout quirk has a small file made
here; the real TfL files (../shared/realdata/transport) are checked against figures worked out
by hand on the raw files (grep/awk), not with the loader."""
import math

import pandas as pd
import pytest

from local_server import serving
from toolkit_helpers import transport
from toolkit_helpers.errors import DataFileError, FetchError

REAL_COUNTS = "transport/tfl_annual_station_counts_AC2020_AnnualisedEntryExit.csv"
REAL_DAILY = "transport/tfl_network_demand_daily_journeys_2019.csv"

TITLE_2020 = ",COUNTS (LU/LO/DLR/TfL Rail)--2020 // Station annualised entries and exits,,,,,,,,,,,,,\n"
PREAMBLE_2020 = (
    TITLE_2020
    + ",(C) Copyright Transport for London 2021,,,,,,,,,,,,,\n"
    + ",,,,,,,,,,,,,,\n"
    + ",Counts by Station,,,,,,,,,,,,,\n"
    + ",revised 210416,,,,,Typical,,,,,,,,(LD2 factor)\n"
    + ",,,,,,Weekday (Mon-Thu),Friday,Saturday,Sunday,Weekday (Mon-Thu),Friday,Saturday,Sunday,Annualised\n"
    + "Mode,NLC,ASC,Station,Coverage,Source,Entries,Entries,Entries,Entries,Exits,Exits,Exits,Exits,En/Ex\n"
)


def write(tmp_path, name, text, bom=True, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return p


# ----------------------------------------------------------------------------- station counts

def test_2020_layout_bom_title_two_header_rows_thousands(tmp_path):
    p = write(tmp_path, "ac2020.csv", PREAMBLE_2020
              + 'LU,500,ACTu,Acton Town,Station entry / exit,Gateline,"3,702","3,673","2,023","1,476",'
                '"3,655","3,556","2,099","1,581","3,568,528"\n'
              + "LU,506,AMEu,Amersham,Station entry / exit,Gateline,980,898,315,228,965,918,304,203,\"863,361\"\n")
    df = transport.load_station_counts(p)
    assert list(df.columns[:5]) == ["mode", "nlc", "station", "year", "annualised_entries_exits"]
    assert len(df) == 2
    acton = df.iloc[0]
    assert acton["station"] == "Acton Town" and acton["mode"] == "LU" and acton["nlc"] == "500"
    assert acton["year"] == 2020
    assert acton["annualised_entries_exits"] == 3_568_528
    assert acton["weekday_mon_thu_entries"] == 3702
    assert acton["sunday_exits"] == 1581
    assert df.iloc[1]["annualised_entries_exits"] == 863_361
    assert df.iloc[1]["source_row"] == 9  # as a spreadsheet numbers it
    for col in ("friday_entries", "saturday_entries", "weekday_mon_thu_exits", "friday_exits",
                "saturday_exits"):
        assert col in df.columns
    rep = df.attrs["report"]["files"][0]
    assert rep["year"] == 2020 and rep["header_row"] == 7


def test_2023_layout_other_day_types_weekly_and_12_week(tmp_path):
    text = (",COUNTS (LU/LO/DLR/EZL)--2023 // Station annualised entries and exits,,,,,,,,,,,,,,,,,\r\n"
            ",(C) Copyright Transport for London 2024\r\n"
            ",revised 240802,,,,,Typical,,,,,,,,,,,,(LD2 factor)\r\n"
            ",,,,,,Monday,Midweek (Tue-Thu),Friday,Saturday,Sunday,Monday,Midweek (Tue-Thu),Friday,"
            "Saturday,Sunday,Weekly,12-week,Annualised\r\n"
            "Mode,MNLC,MASC,Station,Coverage,Source,Entries,Entries,Entries,Entries,Entries,Exits,Exits,"
            "Exits,Exits,Exits,En/Ex,En/Ex,En/Ex\r\n"
            'LU,513,BNKu,Bank,Station entry / exit,Gateline,"10,000","11,000","12,000","4,000","3,000",'
            '"10,500","11,500","12,500","4,500","3,500","100,000","1,200,000","5,200,000"\r\n')
    df = transport.load_station_counts(write(tmp_path, "ac2023.csv", text))
    row = df.iloc[0]
    assert row["year"] == 2023 and row["nlc"] == "513"  # MNLC read as the NLC
    assert row["monday_entries"] == 10_000
    assert row["midweek_tue_thu_exits"] == 11_500
    assert row["weekly_entries_exits"] == 100_000
    assert row["12_week_entries_exits"] == 1_200_000
    assert row["annualised_entries_exits"] == 5_200_000
    assert "weekday_mon_thu_entries" not in df.columns


def test_placeholder_rows_carry_no_counts(tmp_path):
    p = write(tmp_path, "ac.csv", PREAMBLE_2020
              + "LO,513,BNKo,Bank,Station entry / exit,Gateline,---see LU---,,,,,,,,\n"
              + "DLR,999,XXXd,Old Quay,DLR boarding / alighting,APC," + ",".join(["---Station Closed---"] * 9) + "\n"
              + "LU,781,HRFu,Heathrow Terminal 4 LU,,,,,,,,,,,\n"
              + "LU,500,ACTu,Acton Town,Station entry / exit,Gateline,1,2,3,4,5,6,7,8,\"1,000\"\n")
    df = transport.load_station_counts(p).set_index("station")
    assert df.loc["Bank", "note"] == "see LU"
    assert df.loc["Old Quay", "note"] == "Station Closed"
    assert df.loc["Heathrow Terminal 4 LU", "note"] == "no counts"
    for s in ("Bank", "Old Quay", "Heathrow Terminal 4 LU"):
        assert math.isnan(df.loc[s, "annualised_entries_exits"])
        assert math.isnan(df.loc[s, "friday_entries"])
    assert df.loc["Acton Town", "annualised_entries_exits"] == 1000
    rep = df.attrs["report"]["files"][0]
    assert rep["placeholder_rows"] == 2 and rep["rows_without_counts"] == 1


HEADER_2023 = (",COUNTS (LU/LO/DLR/EZL)--2023 // Station annualised entries and exits,,,,,,,,,,,,,,,,,\n"
               ",(C) Copyright Transport for London 2024\n"
               ",revised 240802,,,,,Typical,,,,,,,,,,,,(LD2 factor)\n"
               ",,,,,,Monday,Midweek (Tue-Thu),Friday,Saturday,Sunday,Monday,Midweek (Tue-Thu),"
               "Friday,Saturday,Sunday,Weekly,12-week,Annualised\n"
               "Mode,MNLC,MASC,Station,Coverage,Source,Entries,Entries,Entries,Entries,Entries,"
               "Exits,Exits,Exits,Exits,Exits,En/Ex,En/Ex,En/Ex\n")


def test_2020_markers_in_the_coverage_column_with_dashes_in_the_counts(tmp_path):
    dashes = ",".join(["---"] * 9)
    p = write(tmp_path, "ac.csv", PREAMBLE_2020
              + "LU,500,ACTu,Acton Town,Station entry / exit,Gateline,1,2,3,4,5,6,7,8,\"1,000\"\n"
              + f"LO,513,BNKo,Bank,---see LU---,,{dashes}\n"
              + f"DLR,999,XXXd,Old Quay,---Station Closed---,APC,{dashes}\n"
              + "LU,506,AMEu,Amersham,Station entry / exit,Gateline,9,8,7,6,5,4,3,2,\"2,000\"\n")
    before = p.read_bytes()
    df = transport.load_station_counts(p)
    assert df["station"].tolist() == ["Acton Town", "Bank", "Old Quay", "Amersham"]
    assert df["note"].tolist() == ["", "see LU", "Station Closed", ""]
    counted = df[df["note"] == ""]
    assert counted["annualised_entries_exits"].tolist() == [1000.0, 2000.0]
    assert counted["sunday_exits"].tolist() == [8.0, 2.0]
    for col in ("annualised_entries_exits", "weekday_mon_thu_entries", "sunday_exits"):
        assert df.loc[df["note"] != "", col].isna().all()
    rep = df.attrs["report"]["files"][0]
    assert (rep["placeholder_rows"], rep["rows_without_counts"], rep["stations"]) == (2, 0, 4)
    assert df["annualised_entries_exits"].sum() == 3000  # placeholders add nothing
    assert p.read_bytes() == before


def test_2023_layout_with_both_kinds_of_placeholder(tmp_path):
    p = write(tmp_path, "ac2023.csv", HEADER_2023
              + 'LU,513,BNKu,Bank,Station entry / exit,Gateline,"10,000","11,000","12,000","4,000",'
                '"3,000","10,500","11,500","12,500","4,500","3,500","100,000","1,200,000","5,200,000"\n'
              + "LO,513,BNKo,Bank,---see LU---,," + ",".join(["---"] * 13) + "\n"
              + "DLR,999,XXXd,Old Quay,DLR boarding / alighting,APC,"
              + ",".join(["---Station Closed---"] * 13) + "\n"
              + "EZL,700,ABWz,Abbey Wood,Station entry / exit,Gateline,1,2,3,4,5,6,7,8,9,10,55,660,\"2,860\"\n")
    df = transport.load_station_counts(p).set_index(["station", "mode"])
    assert df.loc[("Bank", "LO"), "note"] == "see LU"
    assert df.loc[("Old Quay", "DLR"), "note"] == "Station Closed"
    assert df[["weekly_entries_exits", "12_week_entries_exits", "annualised_entries_exits"]] \
        .loc[("Bank", "LU")].tolist() == [100_000, 1_200_000, 5_200_000]
    assert df.loc[("Abbey Wood", "EZL"), "midweek_tue_thu_entries"] == 2
    assert df.loc[("Abbey Wood", "EZL"), "sunday_exits"] == 10
    assert df.loc[("Abbey Wood", "EZL"), "annualised_entries_exits"] == 2860
    assert df.loc[("Bank", "LO")][["monday_entries", "weekly_entries_exits",
                                   "annualised_entries_exits"]].isna().all()
    rep = df.attrs["report"]["files"][0]
    assert rep["year"] == 2023 and rep["placeholder_rows"] == 2
    assert rep["layout"].startswith("monday / midweek_tue_thu / friday")


def test_the_same_station_twice_in_a_file_is_counted_once(tmp_path):
    p = write(tmp_path, "ac.csv", PREAMBLE_2020
              + "LU,500,ACTu,Acton Town,x,y,1,2,3,4,5,6,7,8,\"1,000\"\n"
              + "DLR,513,BNKd,Bank,x,y,1,2,3,4,5,6,7,8,300\n"
              + "LU,513,BNKu,Bank,x,y,1,2,3,4,5,6,7,8,500\n"
              + "LU,500,ACTu,Acton  town,x,y,1,2,3,4,5,6,7,8,\"1,000\"\n"
              + "LU,513,BNKu,Bank,x,y,1,2,3,4,5,6,7,8,700\n")
    df = transport.load_station_counts(p)
    # Bank for the DLR and for the LU are different rows; the repeats are not
    assert list(zip(df["station"], df["mode"], df["annualised_entries_exits"])) == [
        ("Acton Town", "LU", 1000.0), ("Bank", "DLR", 300.0), ("Bank", "LU", 500.0)]
    assert df["annualised_entries_exits"].sum() == 1800
    rep = df.attrs["report"]
    assert rep["files"][0]["duplicate_rows"] == 2
    assert rep["duplicates"] == [
        {"station": "Acton  town", "mode": "LU", "row": 11, "first_row": 8, "file": "ac.csv"},
        {"station": "Bank", "mode": "LU", "row": 12, "first_row": 10, "file": "ac.csv"}]
    assert transport.station_files_table(df)["repeated stations set aside"].tolist() == [2]


def test_station_counts_mapping(tmp_path):
    assert transport.STATION_MAPPING_FIELDS == ("station", "nlc", "mode", "annualised_entries_exits")
    text = (",Station use--2022 (our own extract)\n"
            "Network,Code,Stop name,Coverage,Yearly total\n"
            "MET,5001,Anytown Central,Station entry / exit,\"13,555,371\"\n"
            "TRAM,5009,Canal Basin,---Station Closed---,---\n")
    p = write(tmp_path, "own.csv", text, bom=False)
    df = transport.load_station_counts(p, mapping={
        "station": "Stop name", "nlc": "code", "mode": "Network",
        "annualised_entries_exits": "Yearly total"})
    assert df[["mode", "nlc", "station", "year"]].values.tolist() == [
        ["MET", "5001", "Anytown Central", 2022], ["TRAM", "5009", "Canal Basin", 2022]]
    assert df["annualised_entries_exits"].iloc[0] == 13_555_371
    assert math.isnan(df["annualised_entries_exits"].iloc[1]) and df["note"].iloc[1] == "Station Closed"
    rep = df.attrs["report"]["files"][0]
    assert rep["columns"]["station"] == "Stop name" and rep["header_row"] == 2


def test_station_counts_mapping_overrides_the_detected_column(tmp_path):
    p = write(tmp_path, "ac.csv", PREAMBLE_2020.replace("Coverage,Source", "Coverage,Name in full")
              + "LU,500,ACTu,Acton Town,x,Acton Town (District and Piccadilly),1,2,3,4,5,6,7,8,9\n")
    df = transport.load_station_counts(p, mapping={"station": "Name in full"})
    assert df["station"].tolist() == ["Acton Town (District and Piccadilly)"]
    assert df["annualised_entries_exits"].tolist() == [9.0]


def test_station_counts_mapping_is_checked(tmp_path):
    p = write(tmp_path, "ac.csv", PREAMBLE_2020 + "LU,500,ACTu,Acton Town,x,y,1,2,3,4,5,6,7,8,9\n")
    with pytest.raises(DataFileError) as e:
        transport.load_station_counts(p, mapping={"staton": "Station"})
    assert "unknown field 'staton'" in str(e.value)
    assert "station, nlc, mode, annualised_entries_exits" in str(e.value)
    with pytest.raises(DataFileError) as e:
        transport.load_station_counts(p, mapping={"station": "Station", "annualised_entries_exits": "Total"})
    err = e.value
    assert "the column 'Total' (mapped to 'annualised_entries_exits') is not in the file" in str(err)
    assert err.row == 7 and err.column == "Total" and "'Station'" in str(err)


def test_notes_and_blank_rows_below_the_table_are_set_aside(tmp_path):
    p = write(tmp_path, "ac.csv", PREAMBLE_2020
              + "LU,500,ACTu,Acton Town,Station entry / exit,Gateline,1,2,3,4,5,6,7,8,\"1,000\"\n"
              + ",,,,,,,,,,,,,,\n"
              + "Notes: LD2 factor applied,,,,,,,,,,,,,,\n", bom=False)
    df = transport.load_station_counts(p)
    assert list(df["station"]) == ["Acton Town"]
    assert df.attrs["report"]["files"][0]["rows_set_aside"] == 1


def test_year_comes_from_the_title_not_the_copyright_row_or_file_name(tmp_path):
    p = write(tmp_path, "AC2019_whatever.csv", PREAMBLE_2020
              + "LU,500,ACTu,Acton Town,x,y,1,2,3,4,5,6,7,8,9\n")
    assert transport.load_station_counts(p)["year"].tolist() == [2020]


def test_no_year_in_the_title_is_an_error_naming_the_row(tmp_path):
    p = write(tmp_path, "AC2020.csv", PREAMBLE_2020.replace("--2020 ", " ")
              + "LU,500,ACTu,Acton Town,x,y,1,2,3,4,5,6,7,8,9\n")
    with pytest.raises(DataFileError) as e:
        transport.load_station_counts(p)
    assert "no year in the title row" in str(e.value) and "row 1" in str(e.value)


def test_bad_count_names_file_row_and_column(tmp_path):
    p = write(tmp_path, "ac.csv", PREAMBLE_2020
              + "LU,500,ACTu,Acton Town,x,y,1,2,3,4,5,6,7,8,9\n"
              + "LU,502,ALDu,Aldgate,x,y,1,2,lots,4,5,6,7,8,9\n")
    with pytest.raises(DataFileError) as e:
        transport.load_station_counts(p)
    msg = str(e.value)
    assert "ac.csv" in msg and "row 9" in msg and "'Entries'" in msg and "'lots'" in msg


def test_misplaced_thousands_separator_is_refused(tmp_path):
    p = write(tmp_path, "ac.csv", PREAMBLE_2020
              + 'LU,500,ACTu,Acton Town,x,y,1,2,3,4,5,6,7,8,"35,68,528"\n')
    with pytest.raises(DataFileError, match="not a count"):
        transport.load_station_counts(p)


def test_not_a_station_counts_file(tmp_path):
    p = write(tmp_path, "spend.csv", "Date,Supplier,Amount\n2024-01-01,Acme,12\n", bom=False)
    with pytest.raises(DataFileError, match="no header row with Mode, NLC and Station"):
        transport.load_station_counts(p)


def test_two_years_from_a_folder_and_the_input_is_untouched(tmp_path):
    a = write(tmp_path, "a.csv", PREAMBLE_2020 + "LU,500,ACTu,Acton Town,x,y,1,2,3,4,5,6,7,8,\"2,000\"\n")
    b = write(tmp_path, "b.csv", PREAMBLE_2020.replace("2020", "2019")
              + "LU,500,ACTu,Acton Town,x,y,1,2,3,4,5,6,7,8,\"3,000\"\n")
    before = a.read_bytes(), b.read_bytes()
    df = transport.load_station_counts(tmp_path)
    assert sorted(df["year"]) == [2019, 2020]
    assert df.set_index("year").loc[2019, "annualised_entries_exits"] == 3000
    assert (a.read_bytes(), b.read_bytes()) == before


def test_two_files_for_one_year_is_an_error(tmp_path):
    write(tmp_path, "a.csv", PREAMBLE_2020 + "LU,500,ACTu,Acton Town,x,y,1,2,3,4,5,6,7,8,9\n")
    write(tmp_path, "b.csv", PREAMBLE_2020 + "LU,500,ACTu,Acton Town,x,y,1,2,3,4,5,6,7,8,9\n")
    with pytest.raises(DataFileError, match="more than one file for 2020"):
        transport.load_station_counts(tmp_path)


def test_windows_1252_file(tmp_path):
    p = write(tmp_path, "ac.csv", PREAMBLE_2020.replace("Copyright", "© Copyright")
              + "LU,500,ACTu,Acton Town,x,y,1,2,3,4,5,6,7,8,9\n", bom=False, encoding="cp1252")
    assert transport.load_station_counts(p)["annualised_entries_exits"].tolist() == [9]


def test_parse_count():
    assert transport.parse_count("3,568,528") == 3568528
    assert transport.parse_count(" 757 ") == 757
    assert math.isnan(transport.parse_count(""))
    assert math.isnan(transport.parse_count("-"))
    with pytest.raises(DataFileError):
        transport.parse_count("12a")


# ----------------------------------------------------------------------------- real files

def test_real_2020_station_counts(realdata):
    df = transport.load_station_counts(realdata / REAL_COUNTS)
    # By hand: grep -cE '^(LU|LO|DLR|EZL),' → 458 (LU 268, LO 112, DLR 45, EZL 33).
    assert len(df) == 458
    assert df["mode"].value_counts().to_dict() == {"LU": 268, "LO": 112, "DLR": 45, "EZL": 33}
    assert set(df["year"]) == {2020}
    by = df.set_index(["station", "mode"])
    # grep 'Acton Town': ...,"3,702",...,"3,568,528"
    assert by.loc[("Acton Town", "LU"), "annualised_entries_exits"] == 3_568_528
    assert by.loc[("Acton Town", "LU"), "weekday_mon_thu_entries"] == 3_702
    assert by.loc[("Acton Town", "LU"), "sunday_exits"] == 1_581
    # Bank and Monument appears for LU and for DLR with different counts.
    assert by.loc[("Bank and Monument", "LU"), "annualised_entries_exits"] == 7_031_102
    assert by.loc[("Bank and Monument", "DLR"), "annualised_entries_exits"] == 8_594_178
    # Column totals from the last field of every station row (awk): all modes, then LU.
    assert df["annualised_entries_exits"].sum() == 1_364_824_742
    assert df.loc[df["mode"] == "LU", "annualised_entries_exits"].sum() == 1_023_845_240
    assert df.loc[df["mode"] == "EZL", "annualised_entries_exits"].sum() == 57_578_501
    # Two rows have no counts at all (Heathrow Terminal 4, closed in 2020).
    empty = df[df["annualised_entries_exits"].isna()]
    assert sorted(empty["station"]) == ["Heathrow Terminal 4 EL", "Heathrow Terminal 4 LU"]
    assert set(empty["note"]) == {"no counts"}
    # The biggest annualised count (sort -n | tail -1): Stratford LU, 25,071,500.
    top = df.loc[df["annualised_entries_exits"].idxmax()]
    assert (top["station"], top["mode"], top["annualised_entries_exits"]) == ("Stratford", "LU", 25_071_500)
    assert df.attrs["report"]["files"][0]["header_row"] == 7
    assert df.attrs["report"]["duplicates"] == []  # no station twice (sort | uniq -d)


def test_real_2019_daily_journeys(realdata):
    df = transport.load_daily_journeys(realdata / REAL_DAILY)
    assert list(df.columns) == ["date", "day_of_week", "tube_journeys", "bus_journeys", "source_row"]
    assert len(df) == 365
    assert df["date"].iloc[0] == pd.Timestamp("2019-01-01") and df["day_of_week"].iloc[0] == "Tuesday"
    by = df.set_index("date")
    assert by.loc["2019-01-01", "tube_journeys"] == 1_801_000
    assert by.loc["2019-01-01", "bus_journeys"] == 2_312_000
    assert by.loc["2019-12-25", "tube_journeys"] == 0  # no Tube on Christmas Day
    assert by.loc["2019-12-25", "bus_journeys"] == 1_000
    assert by.loc["2019-07-05", "bus_journeys"] == 6_318_000
    # awk -F, '{t+=$3; b+=$4}' over the data rows:
    assert df["tube_journeys"].sum() == 1_378_850_000
    assert df["bus_journeys"].sum() == 1_935_483_000
    assert df.loc[df["tube_journeys"].idxmax(), "date"] == pd.Timestamp("2019-11-29")
    assert df.attrs["report"]["day_mismatches"] == 0  # the file's DayOFWeek agrees with the dates


# ----------------------------------------------------------------------------- daily journeys

def test_daily_journeys_other_header_spellings_and_date_formats(tmp_path):
    p = write(tmp_path, "d.csv", "Travel Date,Day of week,Tube journeys,Bus Journeys,Tram journey count\n"
                                 "2023-01-02,Monday,\"1,000\",2000,30\n"
                                 "01/01/2023,Sunday,500,1500,20\n", bom=False)
    df = transport.load_daily_journeys(p)
    assert list(df.columns) == ["date", "day_of_week", "tube_journeys", "bus_journeys",
                                "tram_journeys", "source_row"]
    assert df["date"].tolist() == [pd.Timestamp("2023-01-01"), pd.Timestamp("2023-01-02")]  # sorted
    assert df["tube_journeys"].tolist() == [500, 1000]
    assert df["source_row"].tolist() == [3, 2]


def test_daily_journeys_day_of_week_mismatch_is_reported_and_the_date_wins(tmp_path):
    p = write(tmp_path, "d.csv", "TravelDate,DayOFWeek,TubeJourneyCount\n20190101,Monday,5\n")
    df = transport.load_daily_journeys(p)
    assert df["day_of_week"].tolist() == ["Tuesday"]
    assert df.attrs["report"]["day_mismatches"] == 1


def test_daily_journeys_bad_date_and_duplicate_date(tmp_path):
    p = write(tmp_path, "d.csv", "TravelDate,DayOFWeek,TubeJourneyCount\n20190101,Tuesday,5\n2019013,Wed,6\n")
    with pytest.raises(DataFileError) as e:
        transport.load_daily_journeys(p)
    assert "row 3" in str(e.value) and "'TravelDate'" in str(e.value)
    p = write(tmp_path, "e.csv", "TravelDate,DayOFWeek,TubeJourneyCount\n20190101,Tuesday,5\n"
                                 "20190102,Wednesday,6\n20190101,Tuesday,7\n")
    with pytest.raises(DataFileError, match=r"2019-01-01 appears twice \(rows 2 and 4\)"):
        transport.load_daily_journeys(p)


def test_daily_journeys_from_several_files_joined_by_date(tmp_path):
    # two years' files with different header spellings, overlapping on 30-31 December
    a = write(tmp_path, "2018.csv", "TravelDate,DayOFWeek,TubeJourneyCount,BusJourneyCount\n"
                                    "20181230,Sunday,100,200\n20181231,Monday,110,210\n"
                                    "20181229,Saturday,90,190\n")
    b = write(tmp_path, "2019.csv", "Date,Day of week,Tube journeys,Bus journeys\n"
                                    "30/12/2018,Sunday,100,200\n31/12/2018,Monday,111,210\n"
                                    "01/01/2019,Tuesday,120,220\n", bom=False)
    before = a.read_bytes(), b.read_bytes()
    for given in ([a, b], tmp_path):
        df = transport.load_daily_journeys(given)
        assert list(df.columns) == ["date", "day_of_week", "tube_journeys", "bus_journeys",
                                    "source_file", "source_row"]
        assert [f"{d:%Y-%m-%d}" for d in df["date"]] == ["2018-12-29", "2018-12-30", "2018-12-31",
                                                         "2019-01-01"]
        assert df["tube_journeys"].tolist() == [90, 100, 111, 120]  # 31 Dec: the later file's
        assert df["tube_journeys"].sum() == 421 and df["bus_journeys"].sum() == 820  # each day once
        assert df["source_file"].tolist() == ["2018.csv", "2019.csv", "2019.csv", "2019.csv"]
        assert df["source_row"].tolist() == [4, 2, 3, 4]
        rep = df.attrs["report"]
        assert rep["overlap_dates"] == ["2018-12-30", "2018-12-31"]
        assert rep["conflicting_dates"] == ["2018-12-31"]
        assert rep["days"] == 4 and (rep["first"], rep["last"]) == ("2018-12-29", "2019-01-01")
        assert [r["file"] for r in rep["files"]] == ["2018.csv", "2019.csv"]
    assert (a.read_bytes(), b.read_bytes()) == before
    # the later file in the order given wins
    assert transport.load_daily_journeys([b, a])["tube_journeys"].tolist() == [90, 100, 110, 120]


def test_daily_journeys_a_mode_in_one_file_only(tmp_path):
    a = write(tmp_path, "a.csv", "TravelDate,TubeJourneyCount\n20190101,5\n20190102,6\n")
    b = write(tmp_path, "b.csv", "TravelDate,TubeJourneyCount,TramJourneyCount\n20190102,6,1\n"
                                 "20190103,7,2\n")
    df = transport.load_daily_journeys([a, b])
    assert df["tube_journeys"].tolist() == [5, 6, 7]
    assert df["tram_journeys"].isna().tolist() == [True, False, False]
    assert df.attrs["report"]["modes"] == ["tube_journeys", "tram_journeys"]
    assert df.attrs["report"]["conflicting_dates"] == []


def test_daily_journeys_single_file_in_a_list_or_folder_is_as_before(tmp_path):
    p = write(tmp_path, "d.csv", "TravelDate,DayOFWeek,TubeJourneyCount\n20190101,Tuesday,5\n")
    one = transport.load_daily_journeys(p)
    for given in ([p], tmp_path, str(p)):
        again = transport.load_daily_journeys(given)
        pd.testing.assert_frame_equal(again, one)
        assert again.attrs["report"] == one.attrs["report"]
    assert list(one.columns) == ["date", "day_of_week", "tube_journeys", "source_row"]


# ----------------------------------------------------------------------------- stops

GTFS = ("stop_id,stop_code,stop_name,stop_lat,stop_lon,location_type,parent_station,wheelchair_boarding\n"
        "S1,,Alpha,51.5,-0.1,1,,1\n"
        "S1P1,,Alpha (platform 1),51.5001,-0.1,0,S1,0\n"
        "S1E,,Alpha (entrance),51.5,-0.1002,2,S1,\n"
        "S2,,Beta,51.51,-0.12,1,,2\n"
        "S3,,Gamma,51.52,-0.13,1,,\n"
        "B1,,Lonely bus stop,51.53,-0.14,0,,1\n"
        "N1,,Generic node,,,3,S1,\n")


def test_gtfs_stops_stations_with_step_free_flags(tmp_path):
    df = transport.load_stops(write(tmp_path, "stops.txt", GTFS, bom=False))
    assert df["name"].tolist() == ["Alpha", "Beta", "Gamma", "Lonely bus stop"]
    assert df["step_free"].tolist() == [True, False, None, True]
    assert df["latitude"].iloc[1] == 51.51 and df["longitude"].iloc[1] == -0.12
    assert df.attrs["report"]["layout"] == "GTFS stops.txt"


def test_gtfs_platforms_inherit_their_stations_step_free_access(tmp_path):
    df = transport.load_stops(write(tmp_path, "stops.txt", GTFS, bom=False), stations_only=False)
    assert "Alpha (entrance)" not in set(df["name"]) and "Generic node" not in set(df["name"])
    plat = df.set_index("name").loc["Alpha (platform 1)"]
    assert plat["step_free"] is True and plat["kind"] == "stop" and plat["parent_station"] == "S1"


def test_simple_stops_csv(tmp_path):
    p = write(tmp_path, "st.csv", "Name,Latitude,Longitude,Step free\nA,52.1,-1.2,Yes\nB,52.2,-1.3,no\nC,52.3,-1.4,\n")
    df = transport.load_stops(p)
    assert df["step_free"].tolist() == [True, False, None]
    assert df.attrs["report"]["layout"] == "simple CSV"


def test_stops_bad_values_name_row_and_column(tmp_path):
    p = write(tmp_path, "st.csv", "name,latitude,longitude,step_free\nA,52.1,-1.2,yes\nB,152.2,-1.3,no\n")
    with pytest.raises(DataFileError) as e:
        transport.load_stops(p)
    assert "row 3" in str(e.value) and "'latitude'" in str(e.value) and "swapped" in str(e.value)
    p = write(tmp_path, "st2.csv", "name,latitude,longitude,step_free\nA,52.1,-1.2,maybe\n")
    with pytest.raises(DataFileError, match="not yes or no"):
        transport.load_stops(p)
    p = write(tmp_path, "st3.txt", GTFS.replace("S2,,Beta,51.51,-0.12,1,,2", "S2,,Beta,51.51,-0.12,1,,7"))
    with pytest.raises(DataFileError, match="wheelchair_boarding"):
        transport.load_stops(p)


def test_stoppoint_answer_to_stops():
    answer = {"stopPoints": [
        {"naptanId": "940GZZLUACT", "commonName": "Acton Town Underground Station", "lat": 51.50301,
         "lon": -0.28042, "additionalProperties": [
             {"category": "Accessibility", "key": "AccessViaLift", "value": "Yes"}]},
        {"naptanId": "940GZZLUALD", "commonName": "Aldgate Underground Station", "lat": 51.514246,
         "lon": -0.075689, "additionalProperties": [
             {"category": "Accessibility", "key": "AccessViaLift", "value": "No"}]},
        {"naptanId": "X", "commonName": "No accessibility data", "lat": 51.5, "lon": -0.1},
    ]}
    df = transport.stops_from_stoppoint(answer)
    assert df["stop_id"].tolist() == ["940GZZLUACT", "940GZZLUALD", "X"]
    assert df["step_free"].tolist() == [True, False, None]
    with pytest.raises(FetchError):
        transport.stops_from_stoppoint({"unexpected": 1})


def test_fetch_stoppoints_offline_raises_fetch_error(tmp_path):
    # Tests run with TOOLKIT_OFFLINE=1: no request is made, and the error is the toolkit's own.
    with pytest.raises(FetchError, match="offline"):
        transport.fetch_stoppoints(51.5, -0.1, cache_dir=tmp_path)


def test_the_sample_files_load(project_root):
    d = project_root / "data" / "sample" / "transport"
    counts = transport.load_station_counts(d / "station_counts")
    assert sorted(set(counts["year"])) == [2020, 2023]
    assert {"see MET", "Station Closed"} <= set(counts["note"])
    daily = transport.load_daily_journeys(d / "network_demand_daily_journeys.csv")
    assert len(daily) == 365 * 5 + 1  # 2019-2023, with 29 February 2020
    stops = transport.load_stops(d / "stops.txt")
    assert (stops["kind"] == "station").all() and stops["step_free"].notna().all()


def test_station_counts_workbook_sheet_per_year(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    for k, yr in enumerate((2019, 2020)):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = f"AC{yr}"
        ws.append([None, f"COUNTS (LU)--{yr} // Station annualised entries and exits"])
        ws.append([None, "(C) Copyright Transport for London"])
        ws.append([None] * 6 + ["Weekday", "Weekday", "Annualised"])
        ws.append(["Mode", "NLC", "ASC", "Station", "Coverage", "Source", "Entries", "Exits", "En/Ex"])
        ws.append(["LU", 500, "ACTu", "Acton Town", "x", "y", 3702 + k, 3655, 3568528 + k])
    wb.create_sheet("Notes").append(["About these counts"])
    p = tmp_path / "counts.xlsx"
    wb.save(p)
    df = transport.load_station_counts(p)
    assert df["year"].tolist() == [2019, 2020]
    assert df["annualised_entries_exits"].tolist() == [3_568_528, 3_568_529]
    assert df["weekday_entries"].tolist() == [3702, 3703]
    assert df["nlc"].tolist() == ["500", "500"]
    assert df["source_file"].tolist() == ["counts.xlsx [AC2019]", "counts.xlsx [AC2020]"]


def test_count_column_without_a_day_type_is_an_error(tmp_path):
    p = write(tmp_path, "ac.csv", TITLE_2020
              + ",,,,,,,Friday,,,,,,,Annualised\n"
              + "Mode,NLC,ASC,Station,Coverage,Source,Entries,Entries,Entries,Entries,Exits,Exits,Exits,Exits,En/Ex\n"
              + "LU,500,ACTu,Acton Town,x,y,1,2,3,4,5,6,7,8,9\n")
    with pytest.raises(DataFileError, match="has no day type in the row above it"):
        transport.load_station_counts(p)


def test_fetch_stoppoints_from_a_local_stub_with_cache(tmp_path):
    import json
    from http.server import BaseHTTPRequestHandler

    seen = []

    class StopPoint(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            body = json.dumps({"stopPoints": [
                {"naptanId": "940GZZLUACT", "commonName": "Acton Town", "lat": 51.50301,
                 "lon": -0.28042, "additionalProperties": [
                     {"category": "Accessibility", "key": "AccessViaLift", "value": "Yes"}]}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with serving(StopPoint, "/StopPoint") as url:
        df = transport.fetch_stoppoints(51.5, -0.28, radius_m=1000, base_url=url,
                                        cache_dir=tmp_path, timeout=(2, 2))
    assert df["name"].tolist() == ["Acton Town"] and df["step_free"].tolist() == [True]
    assert "radius=1000" in seen[0] and "lat=51.5" in seen[0]
    # The server is gone: the same question is answered from the cache.
    again = transport.fetch_stoppoints(51.5, -0.28, radius_m=1000, base_url=url, cache_dir=tmp_path,
                                       timeout=(2, 2))
    assert again["stop_id"].tolist() == ["940GZZLUACT"] and len(seen) == 1
