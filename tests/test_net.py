"""Live fetches: timeout, bounded retries with backoff, size cap, cache, fallback with a notice,
offline mode — against a local server on 127.0.0.1 (never the internet)."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

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
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.handle_error = lambda *a: None  # clients hanging up on purpose (timeouts, caps)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


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
