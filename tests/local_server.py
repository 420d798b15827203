"""A stub HTTP server on a free loopback port, for the tests of live fetches (the only network
the tests may use)."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import ThreadingHTTPServer


@contextmanager
def serving(handler, path: str = ""):
    """Serve ``handler`` (a ``BaseHTTPRequestHandler`` class) on 127.0.0.1 in a thread; yields
    the server's address followed by ``path``. Clients hanging up on purpose (timeouts, size
    caps) are not reported."""
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.handle_error = lambda *a: None
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}{path}"
    finally:
        srv.shutdown()
        srv.server_close()
