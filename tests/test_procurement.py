"""load_ocds (OCDS release/record packages, Contracts Finder flat CSV) and the paged live fetch,
against small documents made here, the real Find a Tender file (skipped when absent), and a
local HTTP server on 127.0.0.1 (never the internet)."""
import csv
import io
import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from local_server import serving
from toolkit_helpers import procurement
from toolkit_helpers.errors import DataFileError, FetchError, ToolkitError


def release(ocid="ocds-x-1", rid="r1", date="2024-03-01T10:00:00Z", tag=("tender",), **parts):
    r = {"ocid": ocid, "id": rid, "date": date, "tag": list(tag),
         "buyer": {"id": "GB-LAE-ANY", "name": "Anytown Borough Council"}, "parties": []}
    r.update(parts)
    return r


def package(*releases, **extra):
    return {"uri": "https://example.invalid/p", "version": "1.1", "releases": list(releases),
            **extra}


def dump(path, obj):
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path


TENDER = {"title": "Library kiosks", "status": "active", "procurementMethod": "open",
          "value": {"amount": 1000.0, "amountGross": 1200.0, "currency": "GBP"},
          "classification": {"scheme": "CPV", "id": "30200000", "description": "Computer equipment"},
          "contractPeriod": {"startDate": "2024-09-01T00:00:00+01:00",
                             "endDate": "2028-08-31T23:59:59+01:00"},
          "suitability": {"sme": True, "vcse": False}}


def award_release(**award_overrides):
    award = {"id": "1", "status": "active", "date": "2024-05-01T00:00:00+01:00",
             "value": {"amount": 900.0, "currency": "GBP"},
             "suppliers": [{"id": "S1", "name": "Acme Ltd"}],
             "contractPeriod": {"startDate": "2024-06-01T00:00:00Z",
                                "endDate": "2026-05-31T23:59:59+01:00"}}
    award.update(award_overrides)
    return release(rid="r2", date="2024-05-01T14:00:00+01:00", tag=("award", "contract"),
                   tender={"title": "Library kiosks", "status": "complete"},
                   parties=[{"id": "S1", "name": "Acme Ltd", "roles": ["supplier"],
                             "details": {"scale": "sme", "vcse": False}}],
                   awards=[award])


def test_release_package_columns(tmp_path):
    p = dump(tmp_path / "p.json", package(release(tender=TENDER), award_release()))
    df = procurement.load_ocds(p)
    assert list(df.columns) == list(procurement.COLUMNS)
    t, a = df.iloc[0], df.iloc[1]
    assert (t["ocid"], t["release_id"], t["tag"], t["buyer"], t["title"], t["status"]) == \
        ("ocds-x-1", "r1", "tender", "Anytown Borough Council", "Library kiosks", "active")
    assert (t["value_amount"], t["value_currency"], t["value_amount_gross"]) == (1000.0, "GBP", 1200.0)
    assert t["procurement_method"] == "open" and bool(t["suitable_for_sme"]) is True
    assert bool(t["suitable_for_vcse"]) is False
    assert (t["cpv"], t["cpv_division"]) == ("30200000", "30")
    assert pd.isna(t["award_value_amount"]) and pd.isna(t["suppliers"])
    assert (a["tag"], a["award_value_amount"], a["suppliers"]) == ("award;contract", 900.0, "Acme Ltd")
    assert (a["supplier_scales"], bool(a["supplier_sme"]), bool(a["supplier_vcse"])) == ("sme", True, False)
    assert (a["source_file"], a["source_row"]) == ("p.json", 2)
    for c in procurement.DATE_COLUMNS:
        assert str(df[c].dtype) == "datetime64[ns]"


def test_mixed_time_zone_offsets_become_uk_local_dates(tmp_path):
    p = dump(tmp_path / "p.json", package(release(tender=TENDER), award_release()))
    df = procurement.load_ocds(p)
    # +01:00 in summer: the local time as written
    assert df["contract_end"].iloc[0] == pd.Timestamp("2028-08-31 23:59:59")
    # Z in summer: 00:00 UTC is 01:00 in London
    assert df["contract_start"].iloc[1] == pd.Timestamp("2024-06-01 01:00:00")
    # Z in winter: UTC is London time
    assert df["date"].iloc[0] == pd.Timestamp("2024-03-01 10:00:00")
    assert df["date"].iloc[1] == pd.Timestamp("2024-05-01 14:00:00")
    # a date with no offset is taken as UK local
    p2 = dump(tmp_path / "q.json", package(release(date="2024-07-01", tender=dict(
        TENDER, contractPeriod={"startDate": "2024-07-01", "endDate": "2025-06-30"}))))
    d2 = procurement.load_ocds(p2).iloc[0]
    assert (d2["date"], d2["contract_end"]) == (pd.Timestamp("2024-07-01"), pd.Timestamp("2025-06-30"))


def test_gross_only_award_values_are_kept_apart_and_labelled(tmp_path):
    # (was: a gross-only value was used as award_value_amount; gross and net are now never
    # mixed in one column)
    r = award_release(value={"amountGross": 1200.0, "currency": "GBP"})
    df = procurement.load_ocds(dump(tmp_path / "p.json", package(r)))
    row = df.iloc[0]
    assert pd.isna(row["award_value_amount"]) and row["award_value_gross_only"] == 1200.0
    assert row["award_value_basis"] == "gross" and bool(row["awarded"])
    assert "only a gross value" in row["notes"]


def test_net_and_gross_only_awards_are_never_summed(tmp_path):
    r = award_release()  # award 1: net 900
    r["awards"].append({"id": "2", "status": "active",
                        "value": {"amountGross": 600.0, "currency": "GBP"},
                        "suppliers": [{"id": "S1", "name": "Acme Ltd"}]})
    r["awards"].append({"id": "3", "status": "active",  # net and gross: the net is used
                        "value": {"amount": 100.0, "amountGross": 120.0, "currency": "GBP"}})
    row = procurement.load_ocds(dump(tmp_path / "p.json", package(r))).iloc[0]
    assert row["award_value_amount"] == 1000.0          # 900 + 100, net only
    assert row["award_value_gross_only"] == 600.0       # apart, not 1,600
    assert row["award_value_basis"] == "mixed"


@pytest.mark.parametrize("status", ["pending", "cancelled", "unsuccessful", "Pending"])
def test_awards_not_active_are_not_awarded(tmp_path, status):
    r = award_release(status=status)
    row = procurement.load_ocds(dump(tmp_path / "p.json", package(r))).iloc[0]
    assert not bool(row["awarded"])
    assert pd.isna(row["award_value_amount"]) and pd.isna(row["award_date"])
    assert row["award_status"] == status
    # a pending award still names its intended supplier; a dead one does not
    assert (row["suppliers"] == "Acme Ltd") == (status.lower() == "pending")
    if status.lower() == "pending":
        assert "not counted as awarded" in row["notes"]


def test_awarded_from_active_awards_contracts_or_tags(tmp_path):
    no_status = award_release()
    del no_status["awards"][0]["status"]  # status not given: counted (flat exports omit it)
    contract_only = release(ocid="c", tag=("contract",), contracts=[{"id": "c1", "status": "active"}])
    tag_only = release(ocid="t", tag=("award",))
    tender = release(ocid="o", tender=TENDER)
    df = procurement.load_ocds(dump(tmp_path / "p.json", package(
        no_status, contract_only, tag_only, tender)))
    assert df["awarded"].tolist() == [True, True, True, False]


def test_a_lot_in_another_currency_is_not_added(tmp_path):
    tender = dict(TENDER, lots=[{"id": "1", "value": {"amount": 5000, "currency": "AED"}}])
    df = procurement.load_ocds(dump(tmp_path / "p.json", package(release(tender=tender))))
    row = df.iloc[0]
    assert row["value_amount"] == 1000.0 and row["value_currency"] == "GBP"
    assert row["notes"] == "lot 1 is priced in AED, the tender in GBP: the lot value is not used"
    assert row["lots"] == 1


def test_tender_value_from_lots_when_the_tender_gives_none(tmp_path):
    tender = {k: v for k, v in TENDER.items() if k != "value"}
    tender["lots"] = [{"id": "1", "value": {"amount": 300, "currency": "GBP"}},
                      {"id": "2", "value": {"amount": 200, "currency": "GBP"}}]
    row = procurement.load_ocds(dump(tmp_path / "p.json", package(release(tender=tender)))).iloc[0]
    assert row["value_amount"] == 500.0 and "sum of its lots" in row["notes"]


def test_missing_end_dates_and_duration_in_days(tmp_path):
    no_end = dict(TENDER, contractPeriod={"startDate": "2024-01-01T00:00:00Z"})
    dur = dict(TENDER, contractPeriod={"startDate": "2024-01-01T00:00:00Z", "durationInDays": 366})
    df = procurement.load_ocds(dump(tmp_path / "p.json", package(
        release(ocid="a", tender=no_end), release(ocid="b", tender=dur))))
    assert pd.isna(df["contract_end"].iloc[0])
    assert df["contract_end"].iloc[1] == pd.Timestamp("2025-01-01")
    assert "durationInDays" in df["notes"].iloc[1]


def test_contract_period_prefers_contracts_then_awards_then_tender_then_lots(tmp_path):
    lots_only = {k: v for k, v in TENDER.items() if k != "contractPeriod"}
    lots_only["lots"] = [{"id": "1", "contractPeriod": {"startDate": "2025-01-01",
                                                        "endDate": "2026-12-31"}},
                         {"id": "2", "contractPeriod": {"startDate": "2024-06-01",
                                                        "endDate": "2027-06-30"}}]
    r1 = release(ocid="lots", tender=lots_only)
    r2 = award_release()
    r2["contracts"] = [{"id": "c1", "period": {"startDate": "2024-07-01", "endDate": "2030-06-30"}}]
    df = procurement.load_ocds(dump(tmp_path / "p.json", package(r1, r2)))
    assert (df["contract_start"].iloc[0], df["contract_end"].iloc[0]) == \
        (pd.Timestamp("2024-06-01"), pd.Timestamp("2027-06-30"))
    assert df["contract_end"].iloc[1] == pd.Timestamp("2030-06-30")


def test_cancelled_awards_and_parties_only_suppliers(tmp_path):
    r = award_release()
    r["awards"].append({"id": "2", "status": "cancelled", "value": {"amount": 99999, "currency": "GBP"},
                        "suppliers": [{"id": "S2", "name": "Other Ltd"}]})
    df = procurement.load_ocds(dump(tmp_path / "p.json", package(r)))
    assert df["award_value_amount"].iloc[0] == 900.0
    assert df["award_status"].iloc[0] == "active;cancelled"
    r2 = release(tag=("award",), awards=[{"id": "1", "value": {"amount": 5, "currency": "GBP"}}],
                 parties=[{"id": "P", "name": "Party Supplier CIC", "roles": ["supplier"],
                           "details": {"scale": "micro", "vcse": True}}])
    row = procurement.load_ocds(dump(tmp_path / "q.json", package(r2))).iloc[0]
    assert row["suppliers"] == "Party Supplier CIC"
    assert bool(row["supplier_sme"]) and bool(row["supplier_vcse"])


def test_cpv_codes_from_every_place_check_digits_dropped(tmp_path):
    tender = dict(TENDER, classification={"scheme": "CPV", "id": "72000000-5"},
                  items=[{"id": "1", "additionalClassifications": [
                      {"scheme": "CPV", "id": "48000000"}, {"scheme": "UNSPSC", "id": "43230000"}]}])
    r = release(tender=tender, awards=[{"id": "1", "items": [{"id": "1", "classification":
                                                              {"scheme": "CPV", "id": "72500000"}}]}])
    row = procurement.load_ocds(dump(tmp_path / "p.json", package(r))).iloc[0]
    assert row["cpv_codes"] == "72000000;48000000;72500000"
    assert row["cpv_division"] == "72"


def test_suitability_from_lots(tmp_path):
    tender = {k: v for k, v in TENDER.items() if k != "suitability"}
    tender["lots"] = [{"id": "1", "suitability": {"sme": False}}, {"id": "2", "suitability": {"sme": True}}]
    row = procurement.load_ocds(dump(tmp_path / "p.json", package(release(tender=tender)))).iloc[0]
    assert bool(row["suitable_for_sme"]) is True and pd.isna(row["suitable_for_vcse"])


def test_package_shapes(tmp_path):
    r = release(tender=TENDER)
    shapes = {
        "list.json": [package(r), package(award_release())],
        "record.json": {"records": [{"ocid": "ocds-x-1", "compiledRelease": award_release(),
                                     "releases": [{"url": "x", "date": "2024-01-01"}]}]},
        "bare.json": r,
    }
    for name, obj in shapes.items():
        dump(tmp_path / name, obj)
    (tmp_path / "lines.jsonl").write_text(json.dumps(package(r)) + "\n\n" +
                                          json.dumps(package(award_release())) + "\n")
    assert len(procurement.load_ocds(tmp_path / "list.json")) == 2
    rec = procurement.load_ocds(tmp_path / "record.json")
    assert len(rec) == 1 and rec["award_value_amount"].iloc[0] == 900.0
    assert len(procurement.load_ocds(tmp_path / "bare.json")) == 1
    assert list(procurement.load_ocds(tmp_path / "lines.jsonl")["release_id"]) == ["r1", "r2"]
    folder = procurement.load_ocds(tmp_path)
    assert len(folder) == 2 + 1 + 1 + 2
    in_memory = procurement.load_ocds([package(r), package(award_release())])
    assert list(in_memory["release_id"]) == ["r1", "r2"]
    assert set(in_memory["source_file"]) == {"(fetched)"}


def test_bad_json_files(tmp_path):
    (tmp_path / "cut.json").write_text('{"releases": [{"ocid": "a",\n "id": ')
    with pytest.raises(DataFileError, match="not valid JSON") as e:
        procurement.load_ocds(tmp_path / "cut.json")
    assert e.value.row == 2
    dump(tmp_path / "other.json", {"hello": "world"})
    with pytest.raises(DataFileError, match="not an OCDS"):
        procurement.load_ocds(tmp_path / "other.json")
    with pytest.raises(DataFileError, match="not found"):
        procurement.load_ocds(tmp_path / "missing.json")


# ----------------------------------------------------------------------------- Contracts Finder CSV

def test_unflatten():
    row = {"releases/0/ocid": "o", "releases/0/tag/0": "award", "releases/0/tag/1": "contract",
           "releases/0/awards/0/value/amount": "90000", "releases/0/awards/0/suppliers/0/name": "A",
           "releases/0/awards/0/suppliers/1/name": "B", "releases/0/tender/title": "",
           "publishedDate": "2019-06-30"}
    doc = procurement.unflatten(row)
    assert doc == {"releases": [{"ocid": "o", "tag": ["award", "contract"],
                                 "awards": [{"value": {"amount": "90000"},
                                             "suppliers": [{"name": "A"}, {"name": "B"}]}]}],
                   "publishedDate": "2019-06-30"}


def flat_csv(path, rows, encoding="utf-8"):
    header = sorted({k for r in rows for k in r})
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def test_contracts_finder_flat_csv(tmp_path):
    rows = [
        {"uri": "u", "publishedDate": "2024-05-01T12:00:00+01:00",
         "releases/0/ocid": "ocds-b5fd17-1", "releases/0/id": "n1", "releases/0/tag/0": "tender",
         "releases/0/date": "2024-05-01T12:00:00+01:00",
         "releases/0/buyer/name": "West Anytown Council", "releases/0/tender/title": "Grounds, parks",
         "releases/0/tender/status": "active", "releases/0/tender/value/amount": "150000",
         "releases/0/tender/value/currency": "GBP",
         "releases/0/tender/classification/scheme": "CPV",
         "releases/0/tender/classification/id": "77314000",
         "releases/0/tender/suitability/sme": "True", "releases/0/tender/suitability/vcse": "False",
         "releases/0/tender/contractPeriod/startDate": "2024-10-01T00:00:00+01:00",
         "releases/0/tender/contractPeriod/endDate": "2027-09-30T23:59:59+01:00"},
        {"releases/0/ocid": "ocds-b5fd17-2", "releases/0/id": "n2", "releases/0/tag/0": "award",
         "releases/0/date": "2024-01-10T09:00:00Z", "releases/0/buyer/name": "West Anytown Council",
         "releases/0/tender/title": "Recovery service",
         "releases/0/awards/0/value/amount": "90,000.00",
         "releases/0/awards/0/value/currency": "GBP",
         "releases/0/awards/0/suppliers/0/id": "S1",
         "releases/0/awards/0/suppliers/0/name": "Change, Grow, Live",
         "releases/0/parties/0/id": "S1", "releases/0/parties/0/name": "Change, Grow, Live",
         "releases/0/parties/0/roles/0": "supplier",
         "releases/0/parties/0/details/scale": "large"},
    ]
    p = flat_csv(tmp_path / "notices.csv", rows, encoding="cp1252")
    df = procurement.load_ocds(p)
    assert list(df["release_id"]) == ["n1", "n2"]
    a, b = df.iloc[0], df.iloc[1]
    assert (a["value_amount"], a["cpv_division"], bool(a["suitable_for_sme"])) == (150000.0, "77", True)
    assert bool(a["suitable_for_vcse"]) is False
    assert a["contract_end"] == pd.Timestamp("2027-09-30 23:59:59")
    assert (b["award_value_amount"], b["suppliers"], b["supplier_scales"]) == \
        (90000.0, "Change, Grow, Live", "large")
    assert list(df["source_row"]) == [2, 3]


def test_flat_csv_sme_flags_from_json_paths(tmp_path):
    base = {"releases/0/ocid": "o1", "releases/0/id": "r1", "releases/0/tag/0": "award",
            "releases/0/date": "2024-05-01T00:00:00Z", "releases/0/buyer/name": "Anytown"}
    rows = [
        # the supplier's party found by its id
        {**base, "releases/0/tender/suitability/sme": "Yes",
         "releases/0/awards/0/suppliers/0/id": "S1", "releases/0/awards/0/suppliers/0/name": "Acme Ltd",
         "releases/0/parties/0/id": "S1", "releases/0/parties/0/name": "Acme Ltd",
         "releases/0/parties/0/details/scale": "sme"},
        # no ids in the export: the party found by the supplier's name
        {**base, "releases/0/ocid": "o2", "releases/0/id": "r2",
         "releases/0/tender/suitability/sme": "False",
         "releases/0/awards/0/suppliers/0/name": "Big plc",
         "releases/0/parties/0/name": "BIG PLC", "releases/0/parties/0/details/scale": "large"},
        # details written on the award's supplier itself; a yes/no flag where a scale belongs
        {**base, "releases/0/ocid": "o3", "releases/0/id": "r3",
         "releases/0/tender/suitability/sme": "true",
         "releases/0/awards/0/suppliers/0/name": "Tiny CIC",
         "releases/0/awards/0/suppliers/0/details/scale": "Yes",
         "releases/0/awards/0/suppliers/0/details/vcse": "Yes"},
        # nothing said
        {**base, "releases/0/ocid": "o4", "releases/0/id": "r4",
         "releases/0/awards/0/suppliers/0/name": "Who Ltd"},
    ]
    df = procurement.load_ocds(flat_csv(tmp_path / "flat.csv", rows))
    got = [[None if pd.isna(x) else x for x in r] for r in
           df[["suitable_for_sme", "supplier_sme", "supplier_scales", "supplier_vcse"]].values.tolist()]
    assert got == [[True, True, "sme", None], [False, False, "large", None],
                   [True, True, "sme", True], [None, None, "unknown", None]]
    assert str(df["suitable_for_sme"].dtype) == str(df["supplier_sme"].dtype) == "boolean"
    assert df.attrs["report"]["files"][0]["layout"] == "json paths"


NOTICE_HEADER = ["Notice Identifier", "Notice Type", "Organisation Name", "Status",
                 "Published Date", "Title", "Cpv Codes", "Suitable for SME", "Suitable for VCO",
                 "Value Low", "Value High", "Awarded Date", "Awarded Value",
                 "Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE]",
                 "Contract start date", "Contract end date"]


def table_csv(path, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    return path


def test_contracts_finder_notice_export_headers(tmp_path):
    p = table_csv(tmp_path / "notices.csv", NOTICE_HEADER, [
        ["N1", "Contract", "Anytown Borough Council", "Awarded", "2024-05-01T12:00:00+01:00",
         "Grounds maintenance", "77314000 77310000", "Yes", "No", "100000", "150000",
         "20/05/2024", "140,000", "[Green Ltd|1 High St|COMPANIES_HOUSE|0123|Yes|No]",
         "01/06/2024", "31/05/2027"],
        ["N2", "Contract", "Anytown Borough Council", "Open", "2024-06-01T09:00:00+01:00",
         "Library IT", "72000000", "No", "No", "50000", "50000", "", "", "", "", ""],
        ["N3", "Contract", "Anytown Borough Council", "Awarded", "2024-06-02T09:00:00+01:00",
         "School meals", "15000000", "Yes", "Yes", "", "", "02/06/2024", "900",
         "[A Ltd|x|||No|No][B CIC|y|||Yes|Yes]", "01/07/2024", "30/06/2025"],
    ])
    df = procurement.load_ocds(p)
    assert df["release_id"].tolist() == df["ocid"].tolist() == ["N1", "N2", "N3"]
    assert df["tag"].tolist() == ["award", "tender", "award"]
    assert [None if pd.isna(x) else bool(x) for x in df["suitable_for_sme"]] == [True, False, True]
    assert [None if pd.isna(x) else bool(x) for x in df["supplier_sme"]] == [True, None, True]
    assert [None if pd.isna(x) else bool(x) for x in df["suitable_for_vcse"]] == [False, False, True]
    assert df["suppliers"].fillna("").tolist() == ["Green Ltd", "", "A Ltd; B CIC"]
    assert df["supplier_scales"].fillna("").tolist() == ["sme", "", "large; sme"]
    assert df["supplier_vcse_flags"].fillna("").tolist() == ["no", "", "no; yes"]
    a = df.iloc[0]
    assert (a["value_amount"], a["award_value_amount"]) == (150000.0, 140000.0)
    assert (a["contract_start"], a["contract_end"]) == (pd.Timestamp("2024-06-01"),
                                                        pd.Timestamp("2027-05-31"))
    assert a["award_date"] == pd.Timestamp("2024-05-20") and a["date"] == pd.Timestamp("2024-05-01 12:00")
    assert (a["cpv_codes"], a["cpv_division"]) == ("77314000;77310000", "77")
    assert a["buyer"] == "Anytown Borough Council"
    rep = df.attrs["report"]["files"][0]
    assert (rep["layout"], rep["header_row"]) == ("notice table", 1)
    assert rep["columns"]["suitable_for_sme"] == "Suitable for SME"
    # the SME flags reach the analyses: supplier sizes and award shares
    from toolkit_helpers import spend_analysis as sa

    flags = sa.supplier_flags(df).set_index("supplier")["sme"].astype(object).to_dict()
    assert flags == {"A Ltd": False, "B CIC": True, "Green Ltd": True}


@pytest.mark.parametrize("sme_header", ["Supplier is SME", "Awarded supplier SME", "Is SME"])
def test_supplier_sme_columns_of_notice_tables(tmp_path, sme_header):
    header = ["Notice Identifier", "Organisation Name", "Title", "Suitable for SME", "Supplier",
              sme_header, "Awarded Value", "Contract end date"]
    p = table_csv(tmp_path / "n.csv", header, [
        ["N1", "Anytown", "A", "Yes", "Acme Ltd", "Yes", "10", "31/03/2026"],
        ["N2", "Anytown", "B", "True", "Big plc", "No", "20", ""],
        ["N3", "Anytown", "C", "False", "Who Ltd", "", "30", ""],
        ["N4", "Anytown", "D", "No", "Two Ltd; Three Ltd", "FALSE", "40", ""],
    ])
    df = procurement.load_ocds(p)
    assert [None if pd.isna(x) else bool(x) for x in df["suitable_for_sme"]] == [True, True, False, False]
    assert [None if pd.isna(x) else bool(x) for x in df["supplier_sme"]] == [True, False, None, False]
    # one supplier: the flag is that supplier's; several: the row's flag only
    assert df["supplier_scales"].tolist() == ["sme", "large", "unknown", "unknown; unknown"]
    assert df["contract_end"].tolist()[0] == pd.Timestamp("2026-03-31")


def test_mapping_names_the_columns_of_any_notice_table(tmp_path):
    header = ["Ref", "Authority", "Contract", "Ends on", "Supplier(s)", "Small firm?", "Worth",
              "Published Date"]
    p = table_csv(tmp_path / "register.csv", header, [
        ["C-1", "Anytown Borough Council", "Bins", "31/03/2026", "Acme Ltd", "Yes", "£1,000",
         "2024-01-10"],
        ["C-2", "Anytown Borough Council", "Parks", "2027-03-31", "Big plc", "No", "2500", ""],
    ])
    mapping = {"ocid": "Ref", "buyer": "Authority", "title": "Contract", "contract_end": "Ends on",
               "suppliers": "Supplier(s)", "supplier_sme": "Small firm?",
               "award_value_amount": "Worth", "date": None}
    df = procurement.load_ocds(p, mapping=mapping)
    assert df["ocid"].tolist() == ["C-1", "C-2"] and df["title"].tolist() == ["Bins", "Parks"]
    assert df["buyer"].tolist() == ["Anytown Borough Council"] * 2
    assert df["contract_end"].tolist() == [pd.Timestamp("2026-03-31"), pd.Timestamp("2027-03-31")]
    assert df["award_value_amount"].tolist() == [1000.0, 2500.0]
    assert [bool(x) for x in df["supplier_sme"]] == [True, False]
    assert df["date"].isna().all()  # mapped to None: the Published Date column is not read
    assert df.attrs["report"]["files"][0]["columns"]["suppliers"] == "Supplier(s)"
    # without the mapping the table is not recognised
    with pytest.raises(DataFileError, match="not a Contracts Finder OCDS export"):
        procurement.load_ocds(p)
    # a mapping on a JSON-path export overrides what the paths say
    flat = flat_csv(tmp_path / "flat.csv", [
        {"releases/0/ocid": "o1", "releases/0/id": "r1", "releases/0/buyer/name": "Anytown",
         "releases/0/tender/title": "Bins", "Buyer (corrected)": "Anytown Borough Council"}])
    got = procurement.load_ocds(flat, mapping={"buyer": "Buyer (corrected)"})
    assert got["buyer"].tolist() == ["Anytown Borough Council"]
    assert got["title"].tolist() == ["Bins"]


def test_mapping_is_checked(tmp_path):
    p = table_csv(tmp_path / "n.csv", NOTICE_HEADER[:6], [["N1", "Contract", "A", "Open",
                                                           "2024-01-01", "T"]])
    with pytest.raises(DataFileError, match="unknown field 'buyer_name'") as e:
        procurement.load_ocds(p, mapping={"buyer_name": "Organisation Name"})
    assert e.value.hint.startswith("mapping keys are these fields: " + ", ".join(procurement.MAPPING_FIELDS))
    with pytest.raises(DataFileError, match="did you mean 'contract_end'"):
        procurement.load_ocds(p, mapping={"contract_ends": "End"})
    with pytest.raises(DataFileError, match="the mapping says contract_end is in column 'Ends', "
                                            "but the file has no such column") as e:
        procurement.load_ocds(p, mapping={"contract_end": "Ends"})
    assert e.value.column == "Ends" and "'Notice Identifier'" in e.value.problem
    # a table the loader does not recognise at all: the missing column is still named
    q = table_csv(tmp_path / "q.csv", ["Ref", "Authority"], [["1", "A"]])
    with pytest.raises(DataFileError, match="the mapping says ocid is in column 'Reference' and "
                                            "buyer in column 'Buyer', but the file has no such "
                                            "columns. Columns seen: 'Ref', 'Authority'"):
        procurement.load_ocds(q, mapping={"ocid": "Reference", "buyer": "Buyer"})
    assert set(procurement.MAPPING_FIELDS) == {
        "ocid", "release_id", "date", "buyer", "title", "status", "value_amount",
        "value_currency", "award_value_amount", "procurement_method", "contract_start",
        "contract_end", "suitable_for_sme", "supplier_sme", "suppliers"}


def test_a_spend_csv_is_not_taken_for_notices(tmp_path):
    (tmp_path / "spend.csv").write_text("Supplier Name,Amount\nAcme,1\n")
    with pytest.raises(DataFileError, match="not a Contracts Finder OCDS export"):
        procurement.load_ocds(tmp_path / "spend.csv")


def test_latest_per_ocid(tmp_path):
    df = procurement.load_ocds(dump(tmp_path / "p.json", package(
        award_release(), release(tender=TENDER), release(ocid="other", rid="o1", tender=TENDER))))
    latest = procurement.latest_per_ocid(df)
    assert sorted(latest["release_id"]) == ["o1", "r2"]


# ----------------------------------------------------------------------------- compiled releases

def test_compiled_release_keeps_the_tender_value_the_award_notice_leaves_out(tmp_path):
    """A tender notice (value, CPV, suitability) then an award notice without them: the
    latest release alone loses the tender's value; the compiled release keeps it."""
    path = dump(tmp_path / "p.json", package(release(tender=TENDER), award_release()))
    df = procurement.load_ocds(path)
    latest = procurement.latest_per_ocid(df).iloc[0]
    assert pd.isna(latest["value_amount"]) and latest["release_id"] == "r2"  # the old stand-in
    c = procurement.compiled_releases(df)
    assert len(c) == 1 and list(c.columns) == list(procurement.COLUMNS)
    row = c.iloc[0]
    assert (row["value_amount"], row["value_amount_gross"], row["value_currency"]) == \
        (1000.0, 1200.0, "GBP")                                   # from the tender notice
    assert (row["award_value_amount"], row["suppliers"], bool(row["awarded"])) == \
        (900.0, "Acme Ltd", True)                                 # from the award notice
    assert (row["status"], row["cpv_division"], bool(row["suitable_for_sme"])) == \
        ("complete", "30", True)                                  # later status; earlier CPV
    assert (row["tag"], row["release_id"]) == ("compiled", "ocds-x-1-2024-05-01T14:00:00+01:00")
    assert row["date"] == pd.Timestamp("2024-05-01 14:00:00")
    assert c.index.tolist() == [1] and (row["source_file"], row["source_row"]) == ("p.json", 2)
    assert c.attrs["report"]["compiled"] == {"processes": 1, "releases": 2, "compiled_from_rows": 0}
    assert procurement.RELEASES_ATTR not in c.attrs
    # the same from the path; compiling a compiled frame changes nothing
    assert procurement.compiled_releases(path).equals(c)
    assert procurement.compiled_releases(c).equals(c)
    # in release order whatever the order in the file (the award first here)
    swapped = procurement.compiled_releases(dump(tmp_path / "q.json", package(
        award_release(), release(tender=TENDER))))
    assert (swapped["value_amount"].iloc[0], swapped["status"].iloc[0]) == (1000.0, "complete")


def test_compiled_awards_merge_by_id_and_are_counted_once(tmp_path):
    a1 = {"id": "a1", "status": "active", "value": {"amount": 100, "currency": "GBP"},
          "suppliers": [{"name": "Acme Ltd"}]}
    a2 = {"id": "a2", "status": "active", "value": {"amount": 50, "currency": "GBP"},
          "suppliers": [{"name": "Beta Ltd"}]}
    df = procurement.load_ocds(package(
        release(rid="t", date="2024-01-01T00:00:00Z", tender=TENDER),
        release(rid="a", date="2024-02-01T00:00:00Z", tag=("award",), awards=[a1]),
        # restates a1 and adds a2: a1 is counted once
        release(rid="b", date="2024-03-01T00:00:00Z", tag=("award",), awards=[a1, a2]),
        # changes only a1's value
        release(rid="c", date="2024-04-01T00:00:00Z", tag=("awardUpdate",),
                awards=[{"id": "a1", "value": {"amount": 120}}])))
    row = procurement.compiled_releases(df).iloc[0]
    assert row["award_value_amount"] == 120 + 50
    assert row["suppliers"] == "Acme Ltd; Beta Ltd" and row["value_amount"] == 1000.0


def test_compiled_awards_without_ids_are_matched_by_position(tmp_path):
    award = {"status": "active", "value": {"amount": 100, "currency": "GBP"},
             "suppliers": [{"name": "Acme Ltd"}]}
    df = procurement.load_ocds(package(
        release(rid="a", date="2024-02-01T00:00:00Z", tag=("award",), awards=[award]),
        release(rid="b", date="2024-03-01T00:00:00Z", tag=("contract",), awards=[award])))
    row = procurement.compiled_releases(df).iloc[0]
    assert row["award_value_amount"] == 100.0  # not 200: the restated award is the same one
    assert "some awards have no id: matched by their position" in row["notes"]


def test_duplicate_ids_in_one_release_are_noted(tmp_path):
    twice = [{"id": "1", "status": "active", "value": {"amount": 10, "currency": "GBP"}},
             {"id": "1", "status": "active", "value": {"amount": 20, "currency": "GBP"}}]
    df = procurement.load_ocds(package(release(tag=("award",), awards=twice)))
    assert df["award_value_amount"].iloc[0] == 30.0  # one release on its own: both summed
    row = procurement.compiled_releases(df).iloc[0]
    assert "Multiple objects have the `id` value '1' in the `awards` array" in row["notes"]


def test_compiling_needs_no_network(tmp_path, monkeypatch):
    """ocdsmerge downloads the OCDS schema when it is not given merge rules: the toolkit
    gives them (OCDS_MERGE_RULES), so compiling opens no connection."""
    import socket

    import requests

    def refuse(*args, **kwargs):
        raise AssertionError("compiling tried the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(requests, "get", refuse)
    monkeypatch.setattr(requests.Session, "request", refuse)
    rels = [release(tender=TENDER), award_release()]
    (compiled,) = procurement.compile_releases(rels)
    assert compiled["tender"]["value"]["amount"] == 1000.0 and compiled["tag"] == ["compiled"]
    assert compiled["awards"][0]["value"]["amount"] == 900.0
    assert (compiled["date"], compiled["id"]) == ("2024-05-01T14:00:00+01:00",
                                                  "ocds-x-1-2024-05-01T14:00:00+01:00")
    assert procurement.OCDS_MERGE_RULES[("tag",)] == "omitWhenMerged"
    assert procurement.compiled_releases(procurement.load_ocds(package(*rels)))[
        "value_amount"].iloc[0] == 1000.0


def test_compiled_additional_classifications_are_replaced_not_merged():
    item = {"id": "1", "classification": {"scheme": "CPV", "id": "30200000"}}
    first = {**item, "additionalClassifications": [{"scheme": "CPV", "id": "30210000"}]}
    later = {**item, "additionalClassifications": [{"scheme": "CPV", "id": "48000000"}]}
    (c,) = procurement.compile_releases([
        release(rid="a", date="2024-01-01T00:00:00Z", tender={"items": [first]}),
        release(rid="b", date="2024-02-01T00:00:00Z", tender={"items": [later]})])
    assert c["tender"]["items"] == [later]  # wholeListMerge: the later list, whole


def test_compiled_filtered_frame_and_csv_rows(tmp_path):
    other = release(ocid="other", rid="o1", tender={**TENDER, "value": {"amount": 5.0}})
    other["buyer"] = {"name": "West Anytown Council"}
    df = procurement.load_ocds(dump(tmp_path / "p.json", package(
        release(tender=TENDER), award_release(), other)))
    ours, _ = procurement.council_releases(df, "Anytown Borough Council")
    c = procurement.compiled_releases(ours)
    assert c["ocid"].tolist() == ["ocds-x-1"] and c["value_amount"].tolist() == [1000.0]
    # rows read from a CSV export have no JSON kept: compiled from the rows, with a note
    csv_path = tmp_path / "cf.csv"
    csv_path.write_text("releases/0/ocid,releases/0/id,releases/0/date,releases/0/tender/value/amount,"
                        "releases/0/awards/0/id,releases/0/awards/0/value/amount\n"
                        "ocds-c-1,t1,2024-01-01,700,,\nocds-c-1,a1,2024-02-01,,1,650\n")
    c = procurement.compiled_releases(csv_path)
    assert (c["value_amount"].iloc[0], c["award_value_amount"].iloc[0]) == (700.0, 650.0)
    assert c["tag"].iloc[0] == "compiled" and "compiled from the rows" in c["notes"].iloc[0]
    assert c.attrs["report"]["compiled"]["compiled_from_rows"] == 1
    assert (c.dtypes == procurement.load_ocds(csv_path).dtypes).all()


def test_a_process_that_cannot_be_merged_is_compiled_from_its_rows(tmp_path, monkeypatch):
    def broken(rels, notes):
        raise TypeError("an earlier release had an object here")

    monkeypatch.setattr(procurement, "_merge", broken)
    df = procurement.load_ocds(package(release(tender=TENDER), award_release()))
    row = procurement.compiled_releases(df).iloc[0]
    assert (row["value_amount"], row["award_value_amount"]) == (1000.0, 900.0)
    assert "its releases could not be compiled (TypeError" in row["notes"]


def test_real_find_a_tender_package_compiles(realdata):
    path = realdata / "procurement" / "find_a_tender_ocds_release_package_2026-10-06_limit4.json"
    df = procurement.load_ocds(path)
    c = procurement.compiled_releases(df)
    assert len(c) == df["ocid"].nunique()
    # one release per process here: compiling changes no value
    if len(c) == len(df):
        for col in ("value_amount", "award_value_amount", "cpv_division", "suppliers"):
            assert c[col].tolist() == df[col].tolist() or c[col].equals(df[col]), col


# ----------------------------------------------------------------------------- real file

def test_real_find_a_tender_package(realdata):
    path = realdata / "procurement" / "find_a_tender_ocds_release_package_2026-10-06_limit4.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    df = procurement.load_ocds(path)
    # independent reading of the JSON: 4 releases; award values of active awards only, net
    # (the first release's only award is pending, and gross-only: neither value counts)
    # (was: the pending gross-only award's £256,378.74 was summed with the net ones)
    assert len(df) == len(raw["releases"]) == 4
    expected_awards, expected_gross = [], []
    for r in raw["releases"]:
        live = [a["value"] for a in r.get("awards", []) if a.get("status") in (None, "active")]
        net = [v["amount"] for v in live if "amount" in v]
        gross = [v["amountGross"] for v in live if "amount" not in v and "amountGross" in v]
        expected_awards.append(sum(net) if net else None)
        expected_gross.append(sum(gross) if gross else None)
    assert expected_awards == [None, None, 31715.0, 211232.0]
    assert expected_gross == [None, None, None, None]
    got = [None if pd.isna(v) else v for v in df["award_value_amount"]]
    assert got == expected_awards
    assert df["award_value_amount"].sum() == pytest.approx(242947.0)
    assert df["award_value_gross_only"].isna().all()
    assert df["awarded"].tolist() == [False, False, True, True]
    assert "'pending', not active" in df["notes"].iloc[0]
    assert list(df["award_value_basis"].fillna("")) == ["", "", "net", "net"]
    # the AED lot on a GBP tender: the tender's own GBP value stands, the lot is noted
    t = df.iloc[1]
    assert (t["value_amount"], t["value_currency"], t["value_amount_gross"]) == (2772000.0, "GBP", 3326400.0)
    assert "AED" in t["notes"]
    # mixed offsets: +00:00 start, +01:00 end, Z start — all as UK local time
    assert df["contract_start"].iloc[0] == pd.Timestamp("2026-11-01 00:00:00")
    assert df["contract_end"].iloc[0] == pd.Timestamp("2029-09-30 23:59:59")
    assert df["contract_start"].iloc[3] == pd.Timestamp("2026-11-01 00:00:00")  # "...Z" in GMT
    assert df["contract_max_end"].iloc[3] == pd.Timestamp("2030-03-31 23:59:59")
    assert list(df["cpv_division"]) == ["64", "85", "72", "85"]
    assert list(df["supplier_scales"].fillna("")) == ["large", "", "sme", "large"]
    assert list(df["supplier_vcse"].astype("object").fillna("?")) == [False, "?", False, True]
    assert list(df["tag"]) == ["award;contract", "tender", "award;contract", "award;contract"]
    assert df["buyer"].iloc[1] == "Central Bedfordshire Council"


# ----------------------------------------------------------------------------- live fetch

class Pages(BaseHTTPRequestHandler):
    hits: list = []
    mode = "ok"

    def log_message(self, *a):
        pass

    def do_GET(self):
        Pages.hits.append(self.path)
        url = urlsplit(self.path)
        q = parse_qs(url.query)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if Pages.mode == "flaky" and len(Pages.hits) < 3:
            self.send_response(503)
            self.end_headers()
            return
        cursor = q.get("cursor", ["0"])[0]
        n = int(cursor)
        releases = [release(ocid=f"o{n}-{i}", rid=f"r{n}-{i}", tender=TENDER)
                    for i in range(int(q.get("limit", ["2"])[0]))]
        doc = package(*releases)
        if Pages.mode == "elsewhere":
            doc["links"] = {"next": "http://203.0.113.9/api?cursor=1"}
        elif n < 2:
            doc["links"] = {"next": f"{base}{url.path}?limit={q['limit'][0]}&cursor={n + 1}"}
        body = json.dumps(doc).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def _server():
    with serving(Pages, "/api/1.0/ocdsReleasePackages") as url:
        yield url


@pytest.fixture
def server(_server):
    Pages.hits = []
    Pages.mode = "ok"
    return _server


def test_fetch_follows_the_cursor_pages(server):
    got = procurement.fetch_release_packages(server, limit=2, updated_from="2024-01-01T00:00:00",
                                             cache_dir=None, sleep=lambda s: None)
    assert got["pages"] == 3 and not got["truncated"]
    assert "limit=2" in Pages.hits[0] and "updatedFrom=2024-01-01T00%3A00%3A00" in Pages.hits[0]
    assert [h.split("cursor=")[-1] for h in Pages.hits[1:]] == ["1", "2"]
    df = procurement.load_ocds(got["packages"])
    assert len(df) == 6 and df["release_id"].is_unique


def test_fetch_stops_at_max_pages_and_says_so(server):
    got = procurement.fetch_release_packages(server, limit=1, max_pages=2, cache_dir=None)
    assert got["pages"] == 2 and got["truncated"]
    assert len(Pages.hits) == 2


def test_fetch_limit_is_checked():
    for bad in (0, 101, 2.5):
        with pytest.raises(ToolkitError, match="limit"):
            procurement.fetch_release_packages("http://127.0.0.1:9/x", limit=bad)


def test_fetch_retries_then_succeeds(server):
    Pages.mode = "flaky"
    waits = []
    got = procurement.fetch_release_packages(server, limit=1, max_pages=1, cache_dir=None,
                                             retries=2, backoff=0.25, sleep=waits.append)
    assert got["pages"] == 1 and waits == [0.25, 0.5]


def test_fetch_never_follows_a_link_to_another_site(server):
    Pages.mode = "elsewhere"
    with pytest.raises(FetchError, match="another site"):
        procurement.fetch_release_packages(server, limit=1, cache_dir=None)


def test_fetch_uses_the_cache(server, tmp_path):
    first = procurement.fetch_release_packages(server, limit=1, cache_dir=tmp_path)
    n = len(Pages.hits)
    again = procurement.fetch_release_packages(server, limit=1, cache_dir=tmp_path)
    assert len(Pages.hits) == n and again == first


class TimeoutSession:
    def __init__(self):
        self.calls = 0

    def get(self, *a, **k):
        import requests

        self.calls += 1
        raise requests.Timeout("read timed out")


def test_live_or_sample_falls_back_with_a_notice(tmp_path, server):
    sample = dump(tmp_path / "sample.json", package(release(tender=TENDER)))
    sess = TimeoutSession()
    got = procurement.ocds_live_or_sample(sample, use_live=True, url=server, session=sess,
                                          retries=1, sleep=lambda s: None, cache_dir=None)
    assert got.source == "sample" and "Could not fetch" in got.notice and sess.calls == 2
    assert list(got.value["release_id"]) == ["r1"]
    off = procurement.ocds_live_or_sample(sample, use_live=False)
    assert off.source == "sample" and "live fetching is off" in off.notice
    live = procurement.ocds_live_or_sample(sample, use_live=True, url=server, limit=2,
                                           max_pages=1, cache_dir=None)
    assert live.source == "live" and len(live.value) == 2 and "first 1 pages" in live.notice


def test_sample_package_loads(project_root):
    df = procurement.load_ocds(project_root / "data" / "sample" / "procurement" /
                               "ocds_release_package.json")
    raw = json.loads((project_root / "data" / "sample" / "procurement" /
                      "ocds_release_package.json").read_text(encoding="utf-8"))
    assert len(df) == len(raw["releases"])
    assert df["notes"].str.contains("EUR").sum() == 1
    assert df["notes"].str.contains("only a gross value").sum() == 1
    assert df["notes"].str.contains("durationInDays").sum() >= 1
    assert df["date"].notna().all()


def test_filter_buyer(tmp_path):
    a = release(tender=TENDER)
    b = release(ocid="o2", rid="b1", tender=TENDER)
    b["buyer"] = {"name": "West  Anytown COUNCIL"}
    df = procurement.load_ocds(dump(tmp_path / "p.json", package(a, b)))
    assert list(procurement.filter_buyer(df, "anytown borough")["release_id"]) == ["r1"]
    assert list(procurement.filter_buyer(df, "west anytown")["release_id"]) == ["b1"]
    assert len(procurement.filter_buyer(df, None)) == 2 and len(procurement.filter_buyer(df, " ")) == 2
    assert procurement.filter_buyer(df, "nobody").empty


def two_buyers(tmp_path):
    """A release package with the council's notices and a neighbour's."""
    ours = [release(ocid=f"ours-{i}", rid=f"ours-{i}", tender=TENDER) for i in (1, 2)]
    ours[1]["buyer"] = {"id": "GB-LAE-ANY", "name": "ANYTOWN B.C."}  # another spelling
    ours[1]["parties"] = [{"id": "GB-LAE-ANY", "name": "ANYTOWN B.C.", "roles": ["buyer"],
                           "identifier": {"scheme": "GB-GOR", "id": "E07000999"}}]
    theirs = [release(ocid=f"west-{i}", rid=f"west-{i}", tender=TENDER) for i in (1, 2, 3)]
    for r in theirs:
        r["buyer"] = {"id": "GB-LAE-WAN", "name": "West Anytown Council"}
    return procurement.load_ocds(dump(tmp_path / "p.json", package(*ours, *theirs)))


def test_council_releases_by_name_code_or_buyer(tmp_path):
    df = two_buyers(tmp_path)
    assert df["buyer_identifiers"].tolist()[:2] == ["GB-LAE-ANY", "GB-LAE-ANY; E07000999; GB-GOR-E07000999"]
    got, msg = procurement.council_releases(df, "The Anytown Borough Council")
    assert got["release_id"].tolist() == ["ours-1"]  # 'West Anytown Council' is not ours
    assert msg == ("Tender notices: 1 of 5 releases name The Anytown Borough Council as the "
                   "buyer (by name: 'Anytown Borough Council').")
    got, msg = procurement.council_releases(df, "Anytown Borough Council", gss_code="E07000999")
    assert got["release_id"].tolist() == ["ours-1", "ours-2"]
    assert msg == ("Tender notices: 2 of 5 releases name Anytown Borough Council as the buyer "
                   "(by name: 'Anytown Borough Council'; by the code E07000999: 'ANYTOWN B.C.').")
    assert got.attrs["buyer_filter"] == msg and got.attrs["report"] == df.attrs["report"]
    # BUYER wins: a name (or part of one) or an identifier
    got, msg = procurement.council_releases(df, "Anytown Borough Council", buyer="west anytown")
    assert got["release_id"].tolist() == ["west-1", "west-2", "west-3"]
    assert msg == ("Tender notices: 3 of 5 releases have a buyer matching 'west anytown' "
                   "(buyers matched: 'West Anytown Council').")
    got, _ = procurement.council_releases(df, None, buyer="GB-LAE-ANY")
    assert got["release_id"].tolist() == ["ours-1", "ours-2"]


def test_council_releases_say_plainly_when_none_is_the_councils(tmp_path):
    df = two_buyers(tmp_path)
    got, msg = procurement.council_releases(df, "Otherton District Council", "E07000001")
    assert got.empty and list(got.columns) == list(df.columns)
    assert msg == ("Tender notices: none of the 5 releases name Otherton District Council as "
                   "the buyer (or carry its code E07000001); buyers in the file: West Anytown "
                   "Council, ANYTOWN B.C., Anytown Borough Council; set BUYER to the buyer's "
                   "name (or part of it) to use its notices.")
    got, msg = procurement.council_releases(df, "Anytown", buyer="Nowhere")
    assert got.empty
    assert msg.startswith("Tender notices: none of the 5 releases have a buyer matching 'Nowhere'; "
                          "buyers in the file: West Anytown Council, ")
    got, msg = procurement.council_releases(df, None)
    assert len(got) == 5 and "all 5 releases are used" in msg
    assert procurement.council_name_key("London Borough of Camden") == \
        procurement.council_name_key("Camden Council") == "camden"
    assert procurement.council_name_key("Brighton & Hove City Council") == "brighton and hove"


# ----------------------------------------------------------------------------- unexpected JSON types

def test_clean_release_reads_or_leaves_out_parts_of_the_wrong_type():
    odd = release(tender=[{"title": "T", "value": [{"amount": "1,000", "currency": "GBP"}]}],
                  awards=["a1", {"id": "a2", "suppliers": "Acme", "value": {"amount": float("inf")}}],
                  parties=[{"id": "s1", "name": 42, "roles": "supplier"}], buyer="Anytown",
                  date=["2024"])
    before = json.dumps(odd, default=str)
    notes = []
    clean = procurement.clean_release(odd, notes)
    assert json.dumps(odd, default=str) == before  # the input is not changed
    assert clean["tender"]["value"] == {"amount": "1,000", "currency": "GBP"}
    assert clean["awards"] == [{"id": "a2", "suppliers": [{"name": "Acme"}], "value": {}}]
    assert clean["parties"][0]["name"] == "42" and clean["buyer"] == {"name": "Anytown"}
    assert "date" not in clean
    assert notes == [
        "release.date is a list ([\"2024\"]), not a single value: ignored",
        "release.buyer is text ('Anytown'), not an object: read as its name",
        "release.parties[0].name is a number (42), not text: read as '42'",
        "release.tender is a list of one object, not an object: read as that object",
        "release.tender.value is a list of one object, not an object: read as that object",
        "release.awards[0] is text ('a1'), not an object: ignored",
        "release.awards[1].value.amount is not a number (Infinity): ignored",
        "release.awards[1].suppliers is text ('Acme'), not a list: read as one name",
    ], notes
    row = procurement.release_row(odd)
    assert row["value_amount"] == 1000.0 and row["buyer"] == "Anytown" and row["suppliers"] == "Acme"


def test_amount_text_with_a_decimal_comma_or_not_finite_is_not_read():
    assert procurement._num("12,000") == 12000.0 and procurement._num("£5,000.50") == 5000.5
    for x in ("12,5", "1.234,56", "inf", "nan", "1e400", float("inf"), float("nan"), True):
        assert procurement._num(x) is None, x


def test_a_release_that_still_breaks_is_a_clear_error(tmp_path, monkeypatch):
    def broken(rel):
        raise AttributeError("'list' object has no attribute 'get'")

    monkeypatch.setattr(procurement, "release_row", broken)
    p = dump(tmp_path / "p.json", package(release(), release(rid="r2")))
    with pytest.raises(DataFileError, match="release 1 cannot be read") as e:
        procurement.load_ocds(p)
    assert "p.json" in str(e.value) and "AttributeError" in str(e.value)
    assert e.value.__cause__ is None and e.value.__suppress_context__


def test_contract_analyses_read_compiled_records(tmp_path):
    """An award notice then an award update that only moves the contract's end date: the
    latest release alone has no value and no supplier size; the expiry pipeline and the SME
    share read the compiled record, which keeps both."""
    from toolkit_helpers import spend_analysis

    update = release(rid="r3", date="2024-07-01T00:00:00Z", tag=("awardUpdate",),
                     awards=[{"id": "1", "contractPeriod": {"endDate": "2027-03-31T00:00:00Z"}}])
    df = procurement.load_ocds(dump(tmp_path / "p.json",
                                    package(release(tender=TENDER), award_release(), update)))
    latest = procurement.latest_per_ocid(df).iloc[0]
    assert pd.isna(latest["award_value_amount"]) and pd.isna(latest["supplier_sme"])

    pipe = spend_analysis.expiry_pipeline(df, as_of="2026-06-01")
    assert len(pipe) == 1
    row = pipe.iloc[0]
    assert row["value"] == 900.0                                   # from the award notice
    assert row["contract_end"].date().isoformat() == "2027-03-31"  # from the update
    assert row["window"] == "6–12 months" and row["cpv_division"] == "30"  # CPV: tender notice

    share = spend_analysis.award_sme_share(df).set_index(["measure", "group"])
    assert share.loc[("size", "SME"), "awards"] == 1
    assert share.loc[("size", "SME"), "value"] == 900.0
    assert share.loc[("size", "unknown"), "awards"] == 0
