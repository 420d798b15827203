"""OpenReferral UK publishing: opening hours parsed into weekly schedules, the linked tables with
stable ids and working links, a Frictionless data package that validates, and problems
(a broken link, a bad time) reported with table and row."""
import json

import pandas as pd
import pytest

from toolkit_helpers import openreferral as orx
from toolkit_helpers.errors import DataFileError

SITES = (
    "site_id,name,service_type,organisation,address,town,postcode,latitude,longitude,opening_hours\n"
    "L1,Central Library,library,,1 High St,Anytown,AX1 1AA,52.95,-1.55,Mon-Fri 09:00-17:00; Sat 10:00-13:00\n"
    "L2,North Library,Library,,2 North Rd,Anytown,AX1 2AB,52.96,-1.55,\"Tue, Thu 10:00-13:00, 14:00-17:00\"\n"
    "G1,Elm Surgery,GP surgery,Elm Medical Practice,3 Elm Rd,Anytown,AX1 3BB,52.97,-1.56,Mon-Fri 8am-6.30pm\n"
)


@pytest.fixture
def sites(tmp_path):
    p = tmp_path / "sites.csv"
    p.write_text(SITES, encoding="utf-8")
    return orx.load_service_locations(p)


# ----------------------------------------------------------------------------- opening hours

@pytest.mark.parametrize("text, expected", [
    ("Mon-Fri 09:00-17:00", [("MO,TU,WE,TH,FR", "09:00", "17:00")]),
    ("Mon-Fri 09:00-17:00; Sat 10:00-13:00",
     [("MO,TU,WE,TH,FR", "09:00", "17:00"), ("SA", "10:00", "13:00")]),
    ("Tue, Thu 10:00-13:00, 14:00-17:00",
     [("TU,TH", "10:00", "13:00"), ("TU,TH", "14:00", "17:00")]),
    ("Monday to Wednesday 8am-6.30pm", [("MO,TU,WE", "08:00", "18:30")]),
    ("Sat 9.30-12.30", [("SA", "09:30", "12:30")]),
    ("Sun 9-1pm", [("SU", "09:00", "13:00")]),
    ("Daily 10:00-16:00", [("MO,TU,WE,TH,FR,SA,SU", "10:00", "16:00")]),
    ("Mon-Fri 09:00-17:00; Sun closed", [("MO,TU,WE,TH,FR", "09:00", "17:00")]),
    ("Mo-Fr 08:00-18:00", [("MO,TU,WE,TH,FR", "08:00", "18:00")]),
    ("", []),
])
def test_parse_opening_hours(text, expected):
    got = [(p["byday"], p["opens_at"], p["closes_at"]) for p in orx.parse_opening_hours(text)]
    assert got == expected


@pytest.mark.parametrize("text, why", [
    ("Mon-Fri 17:00-09:00", "closes before it opens"),
    ("Fri-Mon 09:00-17:00", "runs backwards"),
    ("Mon-Fry 09:00-17:00", "not a day"),
    ("Mon 25:00-26:00", "not a time of day"),
    ("Mon-Fri 9 till 5", "not a time range"),
    ("open most days", "cannot read"),
])
def test_bad_opening_hours_say_why(text, why):
    with pytest.raises(DataFileError, match=why):
        orx.parse_opening_hours(text, file="sites.csv", row=4, column="opening_hours")


def test_weekly_hours():
    # 5 x 8 h + 3 h = 43 h
    assert orx.weekly_hours(orx.parse_opening_hours("Mon-Fri 09:00-17:00; Sat 10:00-13:00")) == 43


# ----------------------------------------------------------------------------- the sites

def test_load_service_locations(sites):
    assert sites["name"].tolist() == ["Central Library", "North Library", "Elm Surgery"]
    assert sites["service_type"].tolist() == ["library", "library", "gp_surgery"]
    assert sites["latitude"].tolist() == [52.95, 52.96, 52.97]
    assert sites["source_row"].tolist() == [2, 3, 4]


def test_a_bad_site_is_reported_with_its_row_and_column(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text(SITES.replace("52.96,-1.55", "52.96,abc"), encoding="utf-8")
    with pytest.raises(DataFileError) as e:
        orx.load_service_locations(p)
    assert "row 3" in str(e.value) and "'longitude'" in str(e.value)
    p.write_text(SITES.replace("8am-6.30pm", "8am-late"), encoding="utf-8")
    with pytest.raises(DataFileError) as e:
        orx.load_service_locations(p)
    assert "row 4" in str(e.value) and "'opening_hours'" in str(e.value)
    p.write_text(SITES.replace("G1,", "L1,"), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"'L1' is used twice \(rows 2, 4\)"):
        orx.load_service_locations(p)


# ----------------------------------------------------------------------------- tables

def test_linked_tables(sites):
    t = orx.to_openreferral(sites, "Anytown Borough Council", url="https://example.org")
    assert list(t) == orx.TABLES
    assert t["organizations"]["name"].tolist() == ["Anytown Borough Council", "Elm Medical Practice"]
    # Two libraries share one service; the surgery has its own.
    assert len(t["services"]) == 2 and set(t["services"]["status"]) == {"active"}
    assert len(t["locations"]) == 3 and len(t["service_at_location"]) == 3
    # 2 periods + 2 periods + 1 period
    assert len(t["schedules"]) == 5
    assert t["schedules"]["freq"].unique().tolist() == ["WEEKLY"]
    # Every link points at a row that exists.
    assert set(t["services"]["organization_id"]) <= set(t["organizations"]["id"])
    assert set(t["service_at_location"]["service_id"]) <= set(t["services"]["id"])
    assert set(t["service_at_location"]["location_id"]) == set(t["locations"]["id"])
    assert set(t["schedules"]["service_at_location_id"]) <= set(t["service_at_location"]["id"])
    lib = t["services"].set_index("name").loc["Public library (Anytown Borough Council)"]
    libs_at = t["service_at_location"][t["service_at_location"]["service_id"] == lib["id"]]
    assert len(libs_at) == 2


def test_ids_are_stable_across_runs(sites):
    a = orx.to_openreferral(sites, "Anytown Borough Council")
    b = orx.to_openreferral(sites.iloc[::-1].reset_index(drop=True), "Anytown Borough Council")
    assert set(a["locations"]["id"]) == set(b["locations"]["id"])
    assert set(a["schedules"]["id"]) == set(b["schedules"]["id"])


# ----------------------------------------------------------------------------- data package

def test_write_and_validate_datapackage(sites, tmp_path):
    t = orx.to_openreferral(sites, "Anytown Borough Council")
    path = orx.write_datapackage(t, tmp_path / "pkg", name="Anytown services", title="Anytown services")
    desc = json.loads(path.read_text())
    assert desc["name"] == "anytown-services"
    assert [r["name"] for r in desc["resources"]] == orx.TABLES
    sal = next(r for r in desc["resources"] if r["name"] == "service_at_location")
    assert {"fields": ["location_id"], "reference": {"resource": "locations", "fields": ["id"]}} \
        in sal["schema"]["foreignKeys"]
    assert desc["licenses"][0]["name"] == "OGL-UK-3.0"
    for table in orx.TABLES:
        assert len(pd.read_csv(tmp_path / "pkg" / f"{table}.csv")) == len(t[table])
    valid, problems = orx.validate_datapackage(path)
    assert valid and problems.empty


def test_validation_reports_a_broken_link_and_a_bad_time(sites, tmp_path):
    t = orx.to_openreferral(sites, "Anytown Borough Council")
    t["service_at_location"].loc[1, "location_id"] = "00000000-0000-0000-0000-000000000000"
    t["schedules"].loc[0, "opens_at"] = "9 o'clock"
    path = orx.write_datapackage(t, tmp_path / "pkg", name="x", title="x")
    valid, problems = orx.validate_datapackage(path)
    assert not valid
    fk = problems[problems["table"] == "service_at_location"]
    assert fk["row"].tolist() == [3] and "foreign key" in fk["problem"].iloc[0]
    bad = problems[problems["table"] == "schedules"]
    assert bad["row"].tolist() == [2] and bad["field"].tolist() == ["opens_at"]


def test_the_sample_sites_publish_and_validate(project_root, tmp_path):
    sites = orx.load_service_locations(project_root / "data/sample/transport/service_locations.csv")
    t = orx.to_openreferral(sites, "Anytown Borough Council")
    valid, problems = orx.validate_datapackage(orx.write_datapackage(t, tmp_path, name="a", title="a"))
    assert valid, problems.to_string()
    assert set(sites["service_type"]) == {"library", "gp_surgery", "council_office", "community_hub"}
