"""load_ocds (OCDS release/record packages, Contracts Finder flat CSV) and the paged live fetch,
against small documents made here, the real Find a Tender file (skipped when absent), and a
local HTTP server on 127.0.0.1 (never the internet)."""
import csv
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

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


def test_gross_only_award_values_are_used_and_labelled(tmp_path):
    r = award_release(value={"amountGross": 1200.0, "currency": "GBP"})
    df = procurement.load_ocds(dump(tmp_path / "p.json", package(r)))
    row = df.iloc[0]
    assert row["award_value_amount"] == 1200.0 and row["award_value_basis"] == "gross"
    assert "only a gross value" in row["notes"]


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


def test_a_spend_csv_is_not_taken_for_notices(tmp_path):
    (tmp_path / "spend.csv").write_text("Supplier Name,Amount\nAcme,1\n")
    with pytest.raises(DataFileError, match="not a Contracts Finder OCDS export"):
        procurement.load_ocds(tmp_path / "spend.csv")


def test_latest_per_ocid(tmp_path):
    df = procurement.load_ocds(dump(tmp_path / "p.json", package(
        award_release(), release(tender=TENDER), release(ocid="other", rid="o1", tender=TENDER))))
    latest = procurement.latest_per_ocid(df)
    assert sorted(latest["release_id"]) == ["o1", "r2"]


# ----------------------------------------------------------------------------- real file

def test_real_find_a_tender_package(realdata):
    path = realdata / "procurement" / "find_a_tender_ocds_release_package_2026-10-06_limit4.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    df = procurement.load_ocds(path)
    # independent reading of the JSON: 4 releases; award values net where given, else gross
    assert len(df) == len(raw["releases"]) == 4
    expected_awards = []
    for r in raw["releases"]:
        vals = [a["value"].get("amount", a["value"].get("amountGross")) for a in r.get("awards", [])]
        expected_awards.append(sum(vals) if vals else None)
    assert expected_awards == [256378.74, None, 31715.0, 211232.0]
    got = [None if pd.isna(v) else v for v in df["award_value_amount"]]
    assert got == expected_awards
    assert df["award_value_amount"].sum() == pytest.approx(499325.74)
    assert list(df["award_value_basis"].fillna("")) == ["gross", "", "net", "net"]
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
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/api/1.0/ocdsReleasePackages"
    srv.shutdown()


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
