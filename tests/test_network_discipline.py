"""Network discipline of every live fetch, against one stub server on 127.0.0.1 (never the
internet; tests/conftest.py blocks anything else):

1. an overall deadline per fetch — a server trickling a byte every two seconds is cut off;
2. bounded pages and rows for the paged APIs (NOMIS, Find a Tender; CKAN is not paged);
3. offline mode checks each address (and every redirect) for a loopback host, exactly;
4. only answers that are what was asked for are cached; any parse failure falls back;
5. YAML alias bombs are refused.
"""
import csv
import io
import json
import socket
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from local_server import serving
from toolkit_helpers import catalogue as cat
from toolkit_helpers import claimants, net, procurement, transport
from toolkit_helpers.errors import ConfigError, DataFileError, FetchError, ToolkitError
from toolkit_helpers.io import read_yaml

# A deadline test passes in about its deadline; unbounded, the trickle would take half an hour.
CUT_OFF = 15


# ----------------------------------------------------------------------------- the stub

def send(h, body: bytes, status=200, ctype="application/json", extra=()):
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    for k, v in extra:
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(body)


def trickle_body(h, q):
    """Headers at once, then one byte every two seconds (each read well inside the read
    timeout) of a 1,000-byte body."""
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "1000")
    h.end_headers()
    for _ in range(1000):
        h.wfile.write(b" ")
        h.wfile.flush()
        time.sleep(2)


def trickle_headers(h, q):
    """A status line and then headers that never end, a byte every half second."""
    for b in b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 10_000:
        h.wfile.write(bytes([b]))
        h.wfile.flush()
        time.sleep(0.5)


def nomis_rows(off, n, count=None):
    header = ["DATE_NAME", "GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "MEASURE_NAME", "OBS_VALUE"]
    if count is not None:
        header.append("RECORD_COUNT")
    rows = []
    for k in range(off, off + n):
        row = [f"January {2000 + k // 2}", "Anytown", "E07000901",
               "Claimant count" if k % 2 == 0 else "Claimants as a proportion of residents aged 16-64",
               str(100 + k)]
        rows.append(row + ([str(count)] if count is not None else []))
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL).writerows([header] + rows)
    return buf.getvalue().encode()


def nomis_endless(h, q):
    """Always a full page (no RECORD_COUNT), whatever the offset."""
    off, lim = int(q["recordoffset"][0]), int(q["recordlimit"][0])
    send(h, nomis_rows(off, lim), ctype="text/csv")


def nomis_huge(h, q):
    off, lim = int(q["recordoffset"][0]), int(q["recordlimit"][0])
    send(h, nomis_rows(off, lim, count=10**9), ctype="text/csv")


def tenders_endless(h, q):
    """Full pages for ever, each with a new cursor."""
    n = int(q.get("cursor", ["0"])[0])
    lim = int(q.get("limit", ["2"])[0])
    base = f"http://127.0.0.1:{h.server.server_address[1]}/tenders-endless"
    doc = {"uri": "https://example.invalid/p", "version": "1.1",
           "releases": [{"ocid": f"o{n}-{i}", "id": f"r{n}-{i}", "date": "2024-03-01T10:00:00Z",
                         "tag": ["tender"], "buyer": {"name": "Anytown Borough Council"},
                         "tender": {"title": "Kiosks", "status": "active"}}
                        for i in range(lim)],
           "links": {"next": f"{base}?limit={lim}&cursor={n + 1}"}}
    send(h, json.dumps(doc).encode())


def html_page(h, q):
    send(h, b"<!DOCTYPE html><html><body>Service unavailable</body></html>", ctype="text/html")


def deep_json(h, q):
    send(h, b"[" * 100_000 + b"]" * 100_000)


def json_ok(h, q):
    send(h, json.dumps({"ok": True, "releases": [], "stopPoints": []}).encode())


def rate_limited(after, times=None):
    """HTTP 429 with ``Retry-After: after`` — the first ``times`` requests to each address,
    or every one — then :func:`json_ok`."""
    def handler(h, q):
        if times is not None and Stub.hits.count(h.path) > times:
            return json_ok(h, q)
        send(h, b"", status=429, extra=[("Retry-After", after)])
    return handler


def redirect_to(location):
    def handler(h, q):
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()
    return handler


def ckan_result(result):
    def handler(h, q):
        send(h, json.dumps({"success": True, "result": result}).encode())
    return handler


class Stub(BaseHTTPRequestHandler):
    """Routes by the first part of the path (``/html/anything`` → ``html``)."""
    routes: dict = {}
    hits: list = []

    def log_message(self, *a):
        pass

    def do_GET(self):
        u = urlsplit(self.path)
        Stub.hits.append(self.path)
        route = u.path.strip("/").split("/")[0]
        handler = Stub.routes.get(route)
        if handler is None:
            send(self, b"{}", status=404)
            return
        try:
            handler(self, parse_qs(u.query))
        except OSError:  # the client hung up (deadlines, caps): expected
            pass


@pytest.fixture(scope="module")
def _server():
    with serving(Stub) as url:
        yield url


@pytest.fixture
def server(_server):
    Stub.hits = []
    Stub.routes = {
        "trickle": trickle_body, "trickle-headers": trickle_headers,
        "nomis-endless": nomis_endless, "nomis-huge": nomis_huge,
        "tenders-endless": tenders_endless, "html": html_page, "deep": deep_json,
        "ok": json_ok, "loop": redirect_to("/loop"),
        "redirect-in": redirect_to("/ok"),
        "wait-an-hour": rate_limited("3600"), "busy-once": rate_limited("1", times=1),
    }
    return _server


# ----------------------------------------------------------------------------- 1. deadline

def test_default_deadline_is_the_timeouts_times_a_factor():
    assert net.deadline_for(10) == net.DEADLINE_FACTOR * 20 == 60
    assert net.deadline_for((5, 20)) == net.deadline_for(None) == 75
    with pytest.raises(ToolkitError, match="deadline"):
        net.fetch("http://127.0.0.1:9/x", deadline=0)


def test_a_trickling_body_is_cut_off_at_the_default_deadline(server, monkeypatch):
    # timeout (0.5, 2.5): no single read waits 2.5 s, yet the answer would take 2,000 s;
    # the default deadline is DEADLINE_FACTOR × (0.5 + 2.5) s (factor 1 here, to be quick).
    monkeypatch.setattr(net, "DEADLINE_FACTOR", 1)
    t0 = time.monotonic()
    with pytest.raises(FetchError, match=r"did not finish within the 3-second deadline"):
        net.fetch(f"{server}/trickle", timeout=(0.5, 2.5), retries=2, cache_dir=None)
    assert time.monotonic() - t0 < CUT_OFF


def test_an_explicit_deadline_cuts_off_a_trickle_on_any_session(server):
    # the toolkit's own session (a watchdog shuts the socket) and a caller's session
    # (checked between the pieces as they arrive)
    for session in (None, requests.Session()):
        t0 = time.monotonic()
        with pytest.raises(FetchError, match="2-second deadline"):
            net.fetch(f"{server}/trickle", timeout=(1, 5), deadline=2, session=session)
        assert time.monotonic() - t0 < CUT_OFF


def test_headers_that_never_end_are_cut_off_too(server):
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="deadline"):
        net.fetch(f"{server}/trickle-headers", timeout=(1, 1), deadline=2, retries=0)
    assert time.monotonic() - t0 < CUT_OFF


def test_the_caller_falls_back_at_the_deadline(server, tmp_path):
    got = net.live_or_sample(lambda: net.fetch_json(f"{server}/trickle", deadline=1,
                                                    cache_dir=tmp_path),
                             lambda: "sample", use_live=True, what="the trickle")
    assert got.source == "sample" and "deadline" in got.notice
    assert not list(tmp_path.iterdir())
    r = cat.search("visits", live=True, base_url=f"{server}/trickle", timeout=5, deadline=1,
                   snapshot=[{"name": "snap", "title": "Snapshot visits"}])
    assert r.source == "snapshot" and "1-second deadline" in r.notice
    with pytest.raises(FetchError, match="1-second deadline"):
        cat._ask("package_search", {"q": "x"}, f"{server}/trickle", 5, deadline=1)
    with pytest.raises(FetchError, match="deadline"):
        transport.fetch_stoppoints(51.5, -0.1, base_url=f"{server}/trickle", deadline=1,
                                   cache_dir=tmp_path)


def test_a_deadline_is_shared_by_the_pages_of_a_paged_fetch(server):
    with pytest.raises(FetchError, match="deadline"):
        claimants.fetch_nomis(["E07000901"], base_url=f"{server}/trickle", deadline=1)


@pytest.mark.parametrize("service", ["nomis", "tfl", "find a tender", "ckan"])
def test_retry_after_past_the_deadline_stops_every_service_at_once(server, service, tmp_path):
    # NOMIS, TfL and Find a Tender limit their rates with HTTP 429 + Retry-After; a wait past
    # the deadline is not waited for: the fetch stops at once and says how long was asked
    url = f"{server}/wait-an-hour"
    fetch = {
        "nomis": lambda: claimants.fetch_nomis(["E07000901"], base_url=url, deadline=5),
        "tfl": lambda: transport.fetch_stoppoints(51.5, -0.1, base_url=url, deadline=5,
                                                  cache_dir=tmp_path),
        "find a tender": lambda: procurement.fetch_release_packages(url, deadline=5,
                                                                    cache_dir=None),
        "ckan": lambda: cat._ask("package_search", {"q": "x"}, url, 5, deadline=5),
    }[service]
    t0 = time.monotonic()
    with pytest.raises(FetchError, match=r"asked to wait 3,600 seconds .*5-second deadline"):
        fetch()
    assert time.monotonic() - t0 < CUT_OFF and len(Stub.hits) == 1


def test_find_a_tender_waits_as_long_as_retry_after_asks(server):
    waits = []
    got = procurement.fetch_release_packages(f"{server}/busy-once", limit=2, cache_dir=None,
                                             backoff=0.25, sleep=waits.append)
    assert got["pages"] == 1 and waits == [1] and len(Stub.hits) == 2


# ----------------------------------------------------------------------------- 2. paging

def test_nomis_stops_at_max_pages_when_full_pages_keep_coming(server):
    with pytest.raises(FetchError, match="still sending full pages after 5 pages"):
        claimants.fetch_nomis(["E07000901"], base_url=f"{server}/nomis-endless", page_size=3,
                              max_pages=5)
    assert len(Stub.hits) == 5


def test_nomis_stops_at_max_rows(server):
    with pytest.raises(FetchError, match="more than 7 rows"):
        claimants.fetch_nomis(["E07000901"], base_url=f"{server}/nomis-endless", page_size=3,
                              max_pages=1000, max_rows=7)
    assert len(Stub.hits) == 3


def test_nomis_refuses_a_query_over_the_row_limit_on_its_first_page(server):
    with pytest.raises(FetchError, match="matches 1,000,000,000 rows, over the limit"):
        claimants.fetch_nomis(["E07000901"], base_url=f"{server}/nomis-huge", page_size=3)
    assert len(Stub.hits) == 1


def test_nomis_bounds_by_default_and_the_notebook_falls_back(server):
    assert claimants.NOMIS_MAX_PAGES * claimants.NOMIS_PAGE <= claimants.NOMIS_MAX_ROWS
    got = net.live_or_sample(
        lambda: claimants.fetch_nomis(["E07000901"], base_url=f"{server}/nomis-endless",
                                      page_size=2),
        lambda: "sample", use_live=True, what="the claimant count")
    assert got.source == "sample" and "still sending full pages" in got.notice
    assert len(Stub.hits) == claimants.NOMIS_MAX_PAGES
    for bad in (0, claimants.NOMIS_PAGE + 1, 2.5):
        with pytest.raises(FetchError, match="page_size"):
            claimants.fetch_nomis(["E07000901"], base_url=f"{server}/nomis-endless",
                                  page_size=bad)


def test_find_a_tender_paging_is_bounded_by_pages_and_releases(server):
    url = f"{server}/tenders-endless"
    got = procurement.fetch_release_packages(url, limit=2, cache_dir=None)
    assert got["pages"] == 5 and got["truncated"] and got["stopped_by"] == "pages"
    Stub.hits = []
    got = procurement.fetch_release_packages(url, limit=2, max_pages=1000, max_releases=5,
                                             cache_dir=None)
    assert (got["pages"], got["releases"], got["stopped_by"]) == (3, 6, "releases")
    assert len(Stub.hits) == 3
    with pytest.raises(ToolkitError, match="max_pages"):
        procurement.fetch_release_packages(url, max_pages=10**6)
    with pytest.raises(ToolkitError, match="max_releases"):
        procurement.fetch_release_packages(url, max_releases=0)
    live = procurement.ocds_live_or_sample(None, use_live=True, url=url, limit=2,
                                           max_pages=1000, max_releases=3, cache_dir=None)
    assert live.source == "live" and "first 4 releases" in live.notice


def test_ckan_asks_for_a_bounded_number_of_rows():
    assert cat._rows(10) == 10 and cat._rows(10**9) == cat.CKAN_MAX_ROWS and cat._rows(0) == 1


# ----------------------------------------------------------------------------- 3. offline

@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/x", "http://127.255.3.4/", "http://localhost:9/", "http://[::1]:80/",
    "http://LOCALHOST/"])
def test_loopback_addresses(url):
    assert net._is_loopback(url)


@pytest.mark.parametrize("url", [
    "http://localhost.evil.example/", "http://127.0.0.1.nip.io/", "http://127.evil.example/",
    "http://localhost-evil.example/", "http://127.0.0.1@evil.example/",
    "http://localhost:80@198.51.100.7/", "http://198.51.100.7/", "http://[::ffff:198.51.100.7]/",
    "http://2130706433/", "http://0x7f000001/", "http://127.1/", "http://evil.example\\@127.0.0.1/",
    "http://[::2]/", "http:///nohost"])
def test_names_that_merely_look_loopback_are_refused_without_a_lookup(url, monkeypatch):
    looked_up = []
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: looked_up.append(host) or real(host, *a, **k))
    assert not net._is_loopback(url)
    with pytest.raises(FetchError, match="offline mode"):
        net.fetch(url, retries=0)
    assert [h for h in looked_up if h != "localhost"] == []


@pytest.mark.parametrize("target", [
    "http://198.51.100.7/data", "http://localhost.evil.example/data",
    "http://127.0.0.1.nip.io/data", "https://data.gov.uk/api/action/package_search"])
def test_a_redirect_from_loopback_to_another_host_is_refused(server, target):
    Stub.routes["away"] = redirect_to(target)
    with pytest.raises(FetchError, match="offline mode: not following the redirect"):
        net.fetch(f"{server}/away", retries=0)
    r = cat.search("visits", live=True, base_url=f"{server}/away",
                   snapshot=[{"name": "snap", "title": "Snapshot visits"}])
    assert r.source == "snapshot" and "offline mode" in r.notice


def test_redirects_within_loopback_are_followed_and_bounded(server):
    assert net.fetch_json(f"{server}/redirect-in")["ok"] is True
    with pytest.raises(FetchError, match="more than 5 redirects"):
        net.fetch(f"{server}/loop")
    Stub.routes["to-file"] = redirect_to("file:///etc/passwd")
    with pytest.raises(FetchError, match="only http and https"):
        net.fetch(f"{server}/to-file")
    with pytest.raises(FetchError, match="only http and https"):
        net.fetch("file:///etc/passwd")


# ----------------------------------------------------------------------------- 4. cache

def test_an_html_page_is_not_cached_as_json(server, tmp_path):
    with pytest.raises(FetchError, match="not JSON"):
        net.fetch_json(f"{server}/html", cache_dir=tmp_path)
    assert not list(tmp_path.iterdir())
    Stub.routes["html"] = json_ok  # the service is back: the answer is fetched and cached
    assert net.fetch_json(f"{server}/html", cache_dir=tmp_path)["ok"] is True
    assert len(list(tmp_path.iterdir())) == 1


def test_a_cached_answer_that_does_not_parse_is_not_used(server, tmp_path):
    url = f"{server}/ok"
    net._cache_path(tmp_path, url).write_bytes(b"<html>poisoned earlier</html>")
    assert net.fetch_json(url, cache_dir=tmp_path)["ok"] is True
    assert json.loads(net._cache_path(tmp_path, url).read_bytes())["ok"] is True


def test_deeply_nested_json_falls_back_instead_of_crashing(server, tmp_path):
    with pytest.raises(FetchError, match="not JSON"):
        net.fetch_json(f"{server}/deep", cache_dir=tmp_path)
    got = net.live_or_sample(lambda: net.fetch_json(f"{server}/deep"), lambda: "sample",
                             use_live=True, what="x")
    assert got.source == "sample"
    r = cat.search("visits", live=True, base_url=f"{server}/deep", cache_dir=tmp_path,
                   snapshot=[{"name": "snap", "title": "Snapshot visits"}])
    assert r.source == "snapshot" and "Could not search" in r.notice
    assert not list(tmp_path.iterdir())


def test_live_or_sample_falls_back_on_any_failure_to_read():
    def boom(exc):
        def live():
            raise exc
        return live

    for exc in (RecursionError(), DataFileError("bad rows"), ValueError("x"), KeyError("k")):
        got = net.live_or_sample(boom(exc), lambda: "s", use_live=True, what="x")
        assert got.source == "sample" and "Could not fetch x live" in got.notice


def test_a_wrong_shape_is_not_cached(server, tmp_path):
    Stub.routes["shape"] = ckan_result("not a package list")
    with pytest.raises(FetchError, match="not an OCDS release package"):
        procurement.fetch_release_packages(f"{server}/shape", cache_dir=tmp_path)
    with pytest.raises(FetchError, match="no list of stop points"):
        transport.fetch_stoppoints(51.5, -0.1, base_url=f"{server}/shape", cache_dir=tmp_path)
    Stub.routes["badstops"] = lambda h, q: send(h, json.dumps(
        {"stopPoints": [{"lat": "north", "lon": 1}]}).encode())
    with pytest.raises(FetchError, match="could not be read"):
        transport.fetch_stoppoints(51.5, -0.1, base_url=f"{server}/badstops", cache_dir=tmp_path)
    with pytest.raises(FetchError, match="web page"):
        claimants.fetch_nomis(["E07000901"], base_url=f"{server}/html", cache_dir=tmp_path)
    with pytest.raises(FetchError, match="not the claimant count CSV"):
        claimants.fetch_nomis(["E07000901"], base_url=f"{server}/shape", cache_dir=tmp_path)
    assert not list(tmp_path.iterdir())
    # a tender answer of the wrong shape falls back to the sample
    sample = tmp_path.parent / f"{tmp_path.name}-sample.json"
    sample.write_text(json.dumps({"releases": [{"ocid": "o1", "id": "r1",
                                                "date": "2024-03-01T10:00:00Z"}]}),
                      encoding="utf-8")
    got = procurement.ocds_live_or_sample(sample, use_live=True, url=f"{server}/shape",
                                          cache_dir=tmp_path)
    assert got.source == "sample" and "not an OCDS release package" in got.notice
    assert list(got.value["release_id"]) == ["r1"]
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("answer", ["a string", {"results": "nope"}, {"results": [1, 2]},
                                    {"results": [{"no": "title"}]}])
def test_ckan_answers_of_the_wrong_shape_are_not_cached(server, tmp_path, answer):
    Stub.routes["ckan"] = ckan_result(answer)
    r = cat.search("visits", live=True, base_url=f"{server}/ckan", cache_dir=tmp_path,
                   snapshot=[{"name": "snap", "title": "Snapshot visits"}])
    assert r.source == "snapshot" and "not a CKAN package_search result" in r.notice
    assert not list(tmp_path.iterdir())


def test_ckan_html_with_200_is_not_cached(server, tmp_path):
    r = cat.search("visits", live=True, base_url=f"{server}/html", cache_dir=tmp_path,
                   snapshot=[{"name": "snap", "title": "Snapshot visits"}])
    assert r.source == "snapshot" and "Could not search" in r.notice
    assert not list(tmp_path.iterdir())


# ----------------------------------------------------------------------------- 5. YAML

BOMB = """council:
  name: Anytown
settings:
  bomb:
    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_a_yaml_alias_bomb_is_refused(tmp_path):
    p = tmp_path / "council.yaml"
    p.write_text(BOMB, encoding="utf-8")
    t0 = time.monotonic()
    with pytest.raises(DataFileError, match="aliases .* expand to more than 1,000,000 values"):
        read_yaml(p)
    with pytest.raises(ConfigError, match="alias bomb"):
        read_yaml(p, error=ConfigError)
    assert time.monotonic() - t0 < CUT_OFF


def test_yaml_aliases_in_moderation_still_work(tmp_path):
    p = tmp_path / "ok.yaml"
    p.write_text("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  z: 3\nboth: [*b, *b]\n",
                 encoding="utf-8")
    data, _ = read_yaml(p)
    assert data == {"base": {"x": 1, "y": 2}, "other": {"x": 1, "y": 2, "z": 3},
                    "both": [{"x": 1, "y": 2}, {"x": 1, "y": 2}]}


def test_yaml_that_refers_to_itself_or_nests_too_deep_is_refused(tmp_path):
    p = tmp_path / "self.yaml"
    p.write_text("a: &s [1, *s]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="refers to the block that contains it"):
        read_yaml(p)
    p.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="nested too deeply"):
        read_yaml(p)
