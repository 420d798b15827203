"""Live fetches: timeout, bounded retries with backoff, size cap, cache, fallback with a notice,
offline mode — against a local server on 127.0.0.1 (never the internet)."""
import json
import time
from http.server import BaseHTTPRequestHandler

import pytest

from local_server import serving
from toolkit_helpers import net
from toolkit_helpers.errors import FetchError


class Handler(BaseHTTPRequestHandler):
    hits: dict = {}

    def log_message(self, *a):
        pass

    def do_GET(self):
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        n = Handler.hits[self.path]
        if self.path.startswith("/ok"):
            body = json.dumps({"path": self.path, "n": n}).encode()
        elif self.path.startswith("/flaky") and n < 3:
            self.send_response(503)
            self.end_headers()
            return
        elif self.path.startswith("/flaky"):
            body = b'{"ok": true}'
        elif self.path.startswith("/slow"):
            time.sleep(2)
            body = b"late"
        elif self.path.startswith("/big"):
            body = b"x" * 5000
        elif self.path.startswith("/html"):
            body = b"<html>maintenance</html>"
        else:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    with serving(Handler) as url:
        yield url


def test_fetch_json_and_params(server):
    got = net.fetch_json(f"{server}/ok", params={"b": 2, "a": 1}, cache_dir=None)
    assert got["path"] == "/ok?a=1&b=2"


def test_retries_with_backoff_then_succeeds(server):
    waits = []
    assert net.fetch(f"{server}/flaky", retries=2, backoff=0.1, sleep=waits.append) == b'{"ok": true}'
    assert waits == [0.1, 0.2]


def test_gives_up_after_bounded_retries(server):
    waits = []
    with pytest.raises(FetchError, match="after 2 tries"):
        net.fetch(f"{server}/flaky-never?x=1", retries=1, backoff=0.1, sleep=waits.append)
    assert len(waits) == 1


def test_read_timeout(server):
    t0 = time.perf_counter()
    with pytest.raises(FetchError, match="ReadTimeout"):
        net.fetch(f"{server}/slow", timeout=(1, 0.3), retries=0)
    assert time.perf_counter() - t0 < 1.9


def test_size_cap(server):
    with pytest.raises(FetchError, match="cap"):
        net.fetch(f"{server}/big", max_bytes=1000)


def test_http_error_and_not_json(server):
    with pytest.raises(FetchError, match="HTTP 404"):
        net.fetch(f"{server}/missing", retries=0)
    with pytest.raises(FetchError, match="not JSON"):
        net.fetch_json(f"{server}/html")


def test_cache_serves_repeat_requests(server, tmp_path):
    a = net.fetch_json(f"{server}/ok-cached", cache_dir=tmp_path)
    b = net.fetch_json(f"{server}/ok-cached", cache_dir=tmp_path)
    assert a == b and Handler.hits["/ok-cached"] == 1
    c = net.fetch_json(f"{server}/ok-cached", cache_dir=tmp_path, max_age=0)
    assert c["n"] == 2


def test_offline_mode_refuses_other_hosts(monkeypatch):
    monkeypatch.setenv("TOOLKIT_OFFLINE", "1")
    with pytest.raises(FetchError, match="offline mode"):
        net.fetch("https://data.gov.uk/api/action/package_search")


def test_live_or_sample_falls_back_with_notice():
    def live():
        raise FetchError("timed out")

    r = net.live_or_sample(live, lambda: "sample rows", use_live=True, what="claimant counts")
    assert r.value == "sample rows" and r.source == "sample" and "timed out" in r.notice
    r = net.live_or_sample(lambda: "live rows", lambda: "x", use_live=True, what="x")
    assert (r.value, r.source, r.notice) == ("live rows", "live", "")
    r = net.live_or_sample(live, lambda: "s", use_live=False, what="tenders")
    assert r.source == "sample" and "settings.live" in r.notice


def test_the_suite_cannot_reach_the_internet():
    import socket

    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("198.51.100.7", 80), timeout=1)
    with pytest.raises(OSError, match="blocked"):
        socket.getaddrinfo("data.gov.uk", 443)


# ----------------------------------------------------------------------------- Retry-After

class RateLimited(BaseHTTPRequestHandler):
    """``/limit/<status>/<retry-after>/<n>``: ``n`` answers of HTTP ``status`` with that
    ``Retry-After`` (``-`` for none; ``date+N`` for an HTTP date N seconds from now, ``date-N``
    for one N seconds ago), then 200."""
    hits: dict = {}

    def log_message(self, *a):
        pass

    def do_GET(self):
        from email.utils import formatdate

        RateLimited.hits[self.path] = RateLimited.hits.get(self.path, 0) + 1
        _, _, status, after, n = self.path.split("?")[0].split("/")
        if RateLimited.hits[self.path] <= int(n):
            self.send_response(int(status))
            if after.startswith("date"):
                after = formatdate(time.time() + int(after[4:]), usegmt=True)
            if after != "-":
                self.send_header("Retry-After", after)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({"ok": True, "tries": RateLimited.hits[self.path]}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def limited():
    with serving(RateLimited) as url:
        yield url


def test_retry_after_is_read_as_seconds_or_an_http_date():
    from email.utils import formatdate

    assert net.retry_after("120") == 120 and net.retry_after(" 7 ") == 7
    assert net.retry_after("0") == 0
    assert net.retry_after(formatdate(time.time() - 60, usegmt=True)) == 0  # already past
    assert 3000 < net.retry_after(formatdate(time.time() + 3600, usegmt=True)) <= 3600
    assert net.retry_after("86400000") == 86400000  # no ceiling: the deadline decides
    for unreadable in (None, "", "soon", "-5", "1.5"):
        assert net.retry_after(unreadable) is None


def test_a_429_with_retry_after_waits_that_long_then_succeeds(limited):
    waits = []
    got = net.fetch_json(f"{limited}/limit/429/1/1", backoff=0.1, sleep=waits.append, deadline=30)
    assert got == {"ok": True, "tries": 2}
    assert waits == [1]  # what the service asked for, not the 0.1-second backoff


def test_retry_after_is_really_waited_for(limited):
    # the real sleep: one second, as asked (no timing assertion; the fetch simply succeeds)
    assert net.fetch_json(f"{limited}/limit/429/1/1?real", deadline=30)["tries"] == 2


def test_a_503_with_an_http_date_retry_after(limited):
    waits = []
    got = net.fetch_json(f"{limited}/limit/503/date-60/1", backoff=0.1, sleep=waits.append)
    assert got["tries"] == 2 and waits == [0]  # a date already past: ask again at once


def test_retry_after_past_the_deadline_stops_at_once_and_says_why(limited):
    waits = []
    with pytest.raises(FetchError, match=r"HTTP 429 and asked to wait 120 seconds .*"
                                         r"which would pass the 5-second deadline") as e:
        net.fetch(f"{limited}/limit/429/120/5", retries=3, sleep=waits.append, deadline=5)
    assert waits == [] and RateLimited.hits["/limit/429/120/5"] == 1
    assert "try again later" in e.value.hint
    with pytest.raises(FetchError, match="asked to wait 3,600 seconds"):
        net.fetch(f"{limited}/limit/503/date+3600/5", sleep=waits.append, deadline=60)
    assert waits == []
    # the notebook falls back to the sample and says so
    got = net.live_or_sample(lambda: net.fetch(f"{limited}/limit/429/120/5?nb", deadline=5),
                             lambda: "sample", use_live=True, what="claimant counts")
    assert got.source == "sample" and "asked to wait 120 seconds" in got.notice


def test_retry_after_on_the_last_try_is_named(limited):
    with pytest.raises(FetchError, match=r"did not answer \(HTTP 429, asking to wait 2 seconds\) "
                                         r"after 1 try"):
        net.fetch(f"{limited}/limit/429/2/5", retries=0)


def test_without_a_usable_retry_after_the_backoff_applies(limited):
    waits = []
    assert net.fetch_json(f"{limited}/limit/429/-/2", backoff=0.1, sleep=waits.append)["tries"] == 3
    assert waits == [0.1, 0.2]
    waits = []
    assert net.fetch_json(f"{limited}/limit/429/soon/1", backoff=0.1, sleep=waits.append)["tries"] == 2
    assert waits == [0.1]
    waits = []  # Retry-After is for 429 and 503 only
    assert net.fetch_json(f"{limited}/limit/502/30/1", backoff=0.1, sleep=waits.append)["tries"] == 2
    assert waits == [0.1]


def test_a_stale_cached_answer_stands_in_when_asked_to_wait_too_long(limited, tmp_path):
    import os

    url = f"{limited}/limit/429/600/5"
    cached = net._cache_path(tmp_path, url)
    cached.write_bytes(b'{"ok": true, "tries": 0}')  # saved two days ago
    os.utime(cached, (time.time() - 2 * 86400,) * 2)
    waits = []
    assert net.fetch_parsed_with_source(url, json.loads, cache_dir=tmp_path, deadline=5,
                                        sleep=waits.append) == ({"ok": True, "tries": 0},
                                                                "stale cache")
    assert waits == [] and RateLimited.hits["/limit/429/600/5"] == 1
    assert net.fetch_json(url, cache_dir=tmp_path, deadline=5)["tries"] == 0
