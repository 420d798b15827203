"""CKAN catalogue search: snapshot answers (the shipped synthetic one, a real data.gov.uk
package_show answer, files made here), the normalised table, and the live path through ckanapi
against a stub CKAN server on 127.0.0.1 (timeouts, errors, cache, fallback)."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from toolkit_helpers import catalogue as cat
from toolkit_helpers.errors import DataFileError, FetchError


def pkg(name, title, org="Org A", lic="uk-ogl", lic_title="UK Open Government Licence (OGL)",
        fmts=("CSV",), modified="2024-02-03T10:11:12.000001", notes="", tags=()):
    return {"id": f"id-{name}", "name": name, "title": title, "notes": notes,
            "license_id": lic, "license_title": lic_title, "metadata_modified": modified,
            "organization": {"name": org.lower().replace(" ", "-"), "title": org},
            "resources": [{"format": f, "url": f"https://example.org/{name}.{f.lower()}"} for f in fmts],
            "tags": [{"name": t} for t in tags]}


def search_answer(*packages):
    return {"help": "…", "success": True,
            "result": {"count": len(packages), "results": list(packages), "facets": {}}}


def test_normalise_by_hand():
    t = cat.normalise([pkg("visits", "Library visits", fmts=("csv", "XLSX", "CSV", ""))])
    row = t.iloc[0]
    assert row["title"] == "Library visits" and row["organisation"] == "Org A"
    assert row["licence"] == "UK Open Government Licence (OGL)"
    assert row["formats"] == "CSV, XLSX"
    assert row["last_modified"] == "2024-02-03"
    assert row["url"] == "https://data.gov.uk/dataset/visits"
    assert row["resources"] == 4
    assert list(t.columns[:6]) == ["title", "organisation", "licence", "formats", "last_modified", "url"]


def test_snapshot_search_and_show_shapes(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(search_answer(
        pkg("visits", "Library visits", tags=("libraries",)),
        pkg("bins", "Bin collection days"),
        pkg("hours", "Opening hours", notes="Opening hours of every library"))))
    (tmp_path / "b.json").write_text(json.dumps({"success": True, "result": pkg("visits", "Library visits")}))
    pkgs = cat.load_snapshot(tmp_path)
    assert [p["name"] for p in pkgs] == ["visits", "bins", "hours"]  # the duplicate once
    found = cat.search_snapshot(pkgs, "libraries")
    # 'libraries' matches 'library' (title, counts most) and 'library' in the notes
    assert [p["name"] for p in found] == ["visits", "hours"]
    assert cat.search_snapshot(pkgs, "bin collection")[0]["name"] == "bins"
    assert cat.search_snapshot(pkgs, "nothing like this") == []
    assert len(cat.search_snapshot(pkgs, "")) == 3


def test_bad_snapshots_are_refused_clearly(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"success": true, "result": ')
    with pytest.raises(DataFileError, match="not valid JSON") as e:
        cat.load_snapshot(p)
    assert e.value.row == 1
    p.write_text(json.dumps({"success": False, "error": {"message": "Not found"}}))
    with pytest.raises(DataFileError, match="Not found"):
        cat.load_snapshot(p)
    p.write_text(json.dumps({"result": {"results": [{"foo": 1}]}}))
    with pytest.raises(DataFileError, match="neither a title nor a name"):
        cat.load_snapshot(p)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataFileError, match="no .json"):
        cat.load_snapshot(tmp_path / "empty")


def organization_show(include_datasets=True):
    """A synthetic CKAN organization_show answer (the shape data.gov.uk returns)."""
    org = {"id": "org-1", "name": "anytown-borough-council", "title": "Anytown Borough Council",
           "type": "organization", "is_organization": True, "state": "active",
           "package_count": 2, "description": "Open data from Anytown", "users": []}
    if include_datasets:
        visits = pkg("visits", "Library visits", org="Anytown Borough Council")
        bins = pkg("bins", "Bin collection days")
        del bins["organization"]  # some CKAN versions leave it out of the listed packages
        org["packages"] = [visits, bins]
    return {"help": "https://data.gov.uk/api/3/action/help_show?name=organization_show",
            "success": True, "result": org}


def test_organization_show_answers_are_that_organisations_datasets(tmp_path):
    pkgs = cat.packages_from_answer(organization_show())
    assert [p["name"] for p in pkgs] == ["visits", "bins"]
    t = cat.normalise(pkgs)
    assert t["title"].tolist() == ["Library visits", "Bin collection days"]
    assert t["organisation"].tolist() == ["Anytown Borough Council", "Anytown Borough Council"]
    f = tmp_path / "org.json"
    f.write_text(json.dumps(organization_show()))
    assert [p["name"] for p in cat.load_snapshot(f)] == ["visits", "bins"]
    assert [p["name"] for p in cat.search_snapshot(cat.load_snapshot(f), "bin")] == ["bins"]


def test_organization_show_without_its_datasets_is_refused(tmp_path):
    f = tmp_path / "org.json"
    f.write_text(json.dumps(organization_show(include_datasets=False)))
    with pytest.raises(DataFileError, match="organization_show answer for Anytown Borough "
                                            "Council without its datasets") as e:
        cat.load_snapshot(f)
    assert "include_datasets=true" in e.value.hint
    assert "id=anytown-borough-council" in e.value.hint
    with pytest.raises(DataFileError, match="without its datasets"):
        cat.packages_from_answer(organization_show(include_datasets=False)["result"])


def test_real_datagovuk_package_show_answer(realdata):
    files = sorted((realdata / "catalogue").glob("*.json"))
    if not files:
        pytest.skip("no real catalogue answer")
    pkgs = cat.load_snapshot(files[0])
    assert len(pkgs) == 1
    t = cat.normalise(pkgs)
    row = t.iloc[0]
    assert row["title"] == "Defence Infrastructure Organisation Disposals Database House of Commons Report"
    assert row["licence"] == "UK Open Government Licence (OGL)"
    assert row["formats"] == "CSV"
    assert row["last_modified"] == "2014-05-09"
    assert row["url"] == ("https://data.gov.uk/dataset/"
                          "defence-infrastructure-organisation-disposals-database-house-of-commons-report")
    assert row["resources"] == len(pkgs[0]["resources"])
    assert cat.search_snapshot(pkgs, "disposals") == pkgs


def test_shipped_snapshot_offline(project_root):
    r = cat.search("libraries", snapshot=project_root / "data/sample/catalogue", live=False)
    assert r.source == "snapshot" and "live searching is off" in r.notice
    assert len(r.value) >= 3
    # every result mentions libraries somewhere: the title, or failing that its description
    snap = {p["name"]: p for p in cat.load_snapshot(project_root / "data/sample/catalogue")}
    for name in r.value["name"]:
        assert "librar" in (snap[name]["title"] + snap[name]["notes"]).lower()
    s = cat.formats_summary(r.value)
    assert s["datasets"].sum() == sum(len(f.split(", ")) for f in r.value["formats"] if f)


# ------------------------------------------------------------------ live, against a stub
class StubCKAN(BaseHTTPRequestHandler):
    calls: list = []
    mode = "ok"

    def log_message(self, *a):
        pass

    def do_GET(self):
        u = urlsplit(self.path)
        StubCKAN.calls.append((u.path, parse_qs(u.query)))
        if StubCKAN.mode == "error":
            body, status = {"success": False, "error": {"__type": "Not Found Error",
                                                         "message": "Not found"}}, 404
        elif StubCKAN.mode == "flaky" and len(StubCKAN.calls) <= 2:
            self.send_response(503)
            self.end_headers()
            return
        elif (StubCKAN.mode == "rate-limited" and len(StubCKAN.calls) <= 1
              or StubCKAN.mode == "wait an hour"):
            self.send_response(429)
            self.send_header("Retry-After", "1" if StubCKAN.mode == "rate-limited" else "3600")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        elif StubCKAN.mode == "huge":
            data = json.dumps({"success": True, "result": {"count": 1, "results": [
                pkg("big", "x" * 300_000)]}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()  # no Content-Length: the cap must count what arrives
            self.wfile.write(data)
            return
        elif StubCKAN.mode == "html":
            self.send_response(502)
            self.end_headers()
            self.wfile.write(b"<html>bad gateway</html>")
            return
        elif u.path.endswith("package_search"):
            body, status = search_answer(pkg("live-visits", "Live library visits")), 200
        else:
            body, status = {"success": True, "result": pkg("live-visits", "Live library visits")}, 200
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def stub():
    server = HTTPServer(("127.0.0.1", 0), StubCKAN)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    StubCKAN.calls, StubCKAN.mode = [], "ok"
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_live_search_through_ckanapi_and_cache(stub, tmp_path):
    r = cat.search("library visits", live=True, base_url=stub, cache_dir=tmp_path, timeout=5,
                   snapshot=[pkg("snap", "Snapshot only")])
    assert r.source == "live"
    assert list(r.value["title"]) == ["Live library visits"]
    assert r.value.loc[0, "url"] == f"{stub}/dataset/live-visits"
    path, params = StubCKAN.calls[0]
    assert path == "/api/action/package_search"
    assert params == {"q": ["library visits"], "rows": ["10"]}
    # the second search is answered from the cache: no new request
    cat.search("library visits", live=True, base_url=stub, cache_dir=tmp_path)
    assert len(StubCKAN.calls) == 1
    assert cat.show_live("live-visits", base_url=stub)["name"] == "live-visits"


@pytest.mark.parametrize("mode", ["error", "html"])
def test_live_failure_falls_back_to_the_snapshot(stub, mode):
    StubCKAN.mode = mode
    r = cat.search("visits", live=True, base_url=stub, snapshot=[pkg("snap", "Snapshot visits")])
    assert r.source == "snapshot" and "Could not search" in r.notice
    assert list(r.value["name"]) == ["snap"]


def test_live_refused_offline_for_real_hosts():
    # the tests set TOOLKIT_OFFLINE=1: data.gov.uk is never asked
    r = cat.search("visits", live=True, snapshot=[pkg("snap", "Snapshot visits")])
    assert r.source == "snapshot" and "offline mode" in r.notice


def test_unreachable_server_falls_back(tmp_path):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens here now
    r = cat.search("visits", live=True, base_url=f"http://127.0.0.1:{port}", timeout=2,
                   snapshot=[pkg("snap", "Snapshot visits")])
    assert r.source == "snapshot" and "did not answer" in r.notice


def test_candidates_need_an_open_licence_and_three_stars():
    t = cat.normalise([
        pkg("a", "CSV under OGL", fmts=("CSV", "PDF")),
        pkg("b", "PDF only", fmts=("PDF",)),
        pkg("c", "CSV, closed", lic="other-closed", lic_title="Other (Not Open)"),
        pkg("d", "XLSX under CC-BY", lic="cc-by", lic_title="Creative Commons Attribution", fmts=("XLSX",)),
    ])
    c = cat.candidates(t)
    assert list(c["name"]) == ["a"] and list(c["stars"]) == [3]
    assert list(cat.candidates(t, min_stars=2)["name"]) == ["a", "d"]


def test_show_from_the_snapshot_and_live(stub):
    snap = [pkg("snap", "Snapshot visits", fmts=("CSV", "PDF"))]
    got = cat.show("snap", snapshot=snap)
    assert got.source == "snapshot" and got.value["title"] == "Snapshot visits"
    r = cat.resources_table(got.value)
    assert r["format"].tolist() == ["CSV", "PDF"]
    assert r["url"].tolist() == ["https://example.org/snap.csv", "https://example.org/snap.pdf"]
    with pytest.raises(DataFileError, match="not in the catalogue snapshot"):
        cat.show("nothing", snapshot=snap)
    live = cat.show("live-visits", live=True, base_url=stub, snapshot=snap)
    assert live.source == "live" and live.value["name"] == "live-visits"
    assert StubCKAN.calls[-1] == ("/api/action/package_show", {"id": ["live-visits"]})


def test_shipped_package_show_answer(project_root):
    pkgs = cat.load_snapshot(project_root / "data/sample/catalogue/package_show_library_visits.json")
    assert len(pkgs) == 1 and pkgs[0]["resources"]


def test_a_stale_cache_is_used_when_the_catalogue_is_down(stub, tmp_path):
    import os

    first = cat.search("visits", live=True, base_url=stub, cache_dir=tmp_path)
    assert first.source == "live"
    again = cat.search("visits", live=True, base_url=stub, cache_dir=tmp_path)
    assert again.source == "cache" and "cached in the last day" in again.notice
    for f in tmp_path.iterdir():  # two days old
        os.utime(f, (f.stat().st_mtime - 2 * 86400,) * 2)
    StubCKAN.mode = "html"
    stale = cat.search("visits", live=True, base_url=stub, cache_dir=tmp_path, snapshot=[])
    assert stale.source == "stale cache" and "did not answer" in stale.notice
    assert list(stale.value["name"]) == ["live-visits"]


def test_transient_failures_are_retried_with_backoff(stub):
    StubCKAN.mode = "flaky"  # two 503 answers, then a good one
    waits = []
    result = cat._ask("package_search", {"q": "x"}, stub, 5, retries=2, backoff=0.25,
                      sleep=waits.append)
    assert result["results"][0]["name"] == "live-visits"
    assert len(StubCKAN.calls) == 3 and waits == [0.25, 0.5]


def test_retries_are_bounded(stub):
    StubCKAN.mode = "html"  # 502 every time
    waits = []
    with pytest.raises(FetchError, match=r"did not answer \(HTTP 502\) after 2 tries"):
        cat._ask("package_search", {"q": "x"}, stub, 5, retries=1, backoff=0.1, sleep=waits.append)
    assert len(StubCKAN.calls) == 2 and waits == [0.1]


def test_answers_over_the_size_cap_are_refused(stub):
    StubCKAN.mode = "huge"
    with pytest.raises(FetchError, match="too large"):
        cat._ask("package_search", {"q": "x"}, stub, 5, max_bytes=100_000, sleep=lambda s: None)
    # under a larger cap the same answer is read
    assert cat._ask("package_search", {"q": "x"}, stub, 5, max_bytes=1_000_000)["count"] == 1


# ------------------------------------------------------------------ one mechanism (net)
def test_the_catalogue_uses_the_one_fetch_cache(stub, tmp_path):
    from toolkit_helpers import net

    assert cat.search("visits", live=True, base_url=stub, cache_dir=tmp_path).source == "live"
    url = net.full_url(cat.action_url(stub, "package_search"), {"q": "visits", "rows": 10})
    assert url == f"{stub}/api/action/package_search?q=visits&rows=10"
    assert list(tmp_path.iterdir()) == [net._cache_path(tmp_path, url)]
    assert net.fetch_parsed_with_source(url, json.loads, cache_dir=tmp_path)[1] == "cache"


def test_a_ckan_error_says_what_the_catalogue_said(stub):
    StubCKAN.mode = "error"  # HTTP 404 with CKAN's error envelope, read by ckanapi
    r = cat.search("visits", live=True, base_url=stub, snapshot=[pkg("snap", "Snapshot visits")])
    assert r.source == "snapshot"
    assert "the catalogue refused the request (NotFound: Not found)" in r.notice
    assert len(StubCKAN.calls) == 1  # a refusal is not retried


def test_the_catalogue_waits_as_long_as_retry_after_asks(stub):
    StubCKAN.mode = "rate-limited"  # HTTP 429 with Retry-After: 1, then the answer
    waits = []
    result = cat._ask("package_search", {"q": "x"}, stub, 5, backoff=0.25, sleep=waits.append)
    assert result["results"][0]["name"] == "live-visits"
    assert len(StubCKAN.calls) == 2 and waits == [1]


def test_retry_after_past_the_deadline_falls_back_to_the_snapshot(stub, tmp_path):
    import os

    StubCKAN.mode = "wait an hour"  # HTTP 429 with Retry-After: 3600, every time
    r = cat.search("visits", live=True, base_url=stub, deadline=5, cache_dir=tmp_path,
                   snapshot=[pkg("snap", "Snapshot visits")])
    assert r.source == "snapshot" and len(StubCKAN.calls) == 1
    assert "asked to wait 3,600 seconds" in r.notice and "5-second deadline" in r.notice
    assert not list(tmp_path.iterdir())
    # with an older answer in the cache, that answer stands in (and the notice says so)
    StubCKAN.mode = "ok"
    assert cat.search("visits", live=True, base_url=stub, cache_dir=tmp_path).source == "live"
    for f in tmp_path.iterdir():
        os.utime(f, (f.stat().st_mtime - 2 * 86400,) * 2)
    StubCKAN.mode = "wait an hour"
    stale = cat.search("visits", live=True, base_url=stub, deadline=5, cache_dir=tmp_path)
    assert stale.source == "stale cache" and list(stale.value["name"]) == ["live-visits"]
