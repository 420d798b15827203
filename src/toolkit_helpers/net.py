"""Careful HTTP for optional live fetches (catalogues, NOMIS, TfL, Find a Tender).

Every live fetch in the toolkit is optional: notebooks work offline from the shipped sample,
and a failed fetch falls back with a visible notice. :func:`fetch` gives each call

- a connect/read **timeout** for each network read, and an overall **deadline** for the whole
  call (every try, backoff wait and redirect): a server that trickles a byte every few seconds
  never trips the read timeout, so the deadline cuts it off (``deadline=`` seconds, by default
  :data:`DEADLINE_FACTOR` × the connect and read timeouts);
- bounded **retries** with exponential backoff (HTTP 429/5xx, dropped connections, timeouts);
  when an HTTP 429 or 503 answer carries ``Retry-After`` (seconds or an HTTP date: NOMIS, TfL
  and Find a Tender limit their rates this way) the next try waits that long instead — unless
  that would pass the deadline, when the fetch stops at once with a :class:`FetchError` saying
  how long the service asked to wait;
- a **size cap** on the (decoded) body;
- an on-disk **cache** that keeps only answers that are what was asked for: with a ``parse``
  function (:func:`fetch_parsed`, :func:`fetch_json`) an HTML error page, a body that is not
  JSON or JSON of the wrong shape is refused (a :class:`FetchError`) and never cached; when
  the service cannot be reached (or keeps failing, or asks to wait past the deadline) an older
  cached answer stands in (:func:`fetch_parsed_with_source` says when it did);
- at most :data:`MAX_REDIRECTS` redirects, each checked before it is followed.

This is the toolkit's one retry and cache mechanism: the CKAN catalogue search
(:mod:`toolkit_helpers.catalogue`), NOMIS, TfL and Find a Tender go through it too.

Why not urllib3's ``Retry`` on the adapter and ``requests-cache``: ``Retry`` sleeps for the
whole ``Retry-After`` inside the adapter (up to six hours by default), where no overall deadline
can stop it — a rate-limited NOMIS would freeze a workshop notebook; here the same parser
(:func:`retry_after`) reads the header and the loop compares the wait with the deadline first.
``requests-cache`` stores any successful answer before the caller sees it, so an HTML error
page served with HTTP 200 would be replayed for a day; here only an answer that ``parse``
accepts is stored, and an older one stands in when the service fails (stale-if-error).

Setting ``TOOLKIT_OFFLINE=1`` refuses every fetch to a host that is not loopback (the test
suite sets it, so no test can reach the internet): only ``localhost`` (whose every address must
be loopback) and IP literals in ``127.0.0.0/8`` or ``::1`` are allowed, checked before the
request and again before every redirect is followed — ``localhost.example.org`` or
``127.0.0.1.nip.io`` are names like any other, and refused.
"""
from __future__ import annotations

import hashlib
import ipaddress
import json
import math
import os
import socket
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urljoin, urlsplit

from .errors import FetchError, ToolkitError

T = TypeVar("T")

DEFAULT_TIMEOUT = (5.0, 20.0)  # connect, read (seconds)
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
#: The overall deadline of one fetch, when none is given: this many times the connect and
#: read timeouts together (``(5, 20)`` → 75 s; ``settings.timeout_seconds: 10`` → 60 s).
DEADLINE_FACTOR = 3
#: Redirects followed at most (each one checked first).
MAX_REDIRECTS = 5
REDIRECT_CODES = (301, 302, 303, 307, 308)
#: Answers retried after the wait their ``Retry-After`` header asks for (else the backoff).
RETRY_AFTER_CODES = (429, 503)
CHUNK = 64 * 1024
#: Kept for compatibility: the old prefix test. Offline mode no longer uses it (a name that
#: merely *starts* with ``localhost`` or ``127.`` is not loopback).
LOOPBACK = ("127.", "localhost", "[::1]", "::1")


def offline() -> bool:
    return os.environ.get("TOOLKIT_OFFLINE", "").strip().lower() in ("1", "true", "yes")


# ----------------------------------------------------------------------------- addresses

def _host_of(url: str) -> str | None:
    """The host of ``url`` as both the standard library and urllib3 (what ``requests`` uses)
    read it, or ``None`` when there is none, they disagree, or the address carries user
    information (``user@host``) or a backslash — ways to make parsers disagree."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        if not host or "@" in parts.netloc or "\\" in url.split("?", 1)[0]:
            return None
        from urllib3.util import parse_url

        other = parse_url(url).host
    except (ValueError, TypeError):
        return None
    if other is None or other.strip("[]").lower() != host.lower():
        return None
    return host.lower()


def _loopback_host(host: str) -> bool:
    """``localhost`` (every address it resolves to is loopback) or an IP literal in
    ``127.0.0.0/8`` / ``::1``; no other name, whatever it starts with."""
    host = host.strip("[]").lower()
    if host == "localhost":
        try:
            infos = socket.getaddrinfo("localhost", None)
        except OSError:
            return False
        addrs = {info[4][0].split("%", 1)[0] for info in infos}
        return bool(addrs) and all(ipaddress.ip_address(a).is_loopback for a in addrs)
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_loopback(url: str) -> bool:
    """Is ``url``'s host loopback (see :func:`_loopback_host`)? An address whose host cannot
    be read unambiguously is not."""
    host = _host_of(url)
    return host is not None and _loopback_host(host)


def check_url(url: str, *, redirected_from: str | None = None) -> None:
    """Refuse what must not be fetched: a scheme other than http(s), and — in offline mode — a
    host that is not loopback. Called before the request and before each redirect."""
    scheme = urlsplit(url).scheme.lower() if isinstance(url, str) else ""
    if scheme not in ("http", "https"):
        raise FetchError(f"not fetching {url!r}: only http and https addresses are fetched"
                         + (f" (redirected from {redirected_from})" if redirected_from else ""),
                         hint="check the address.")
    if offline() and not _is_loopback(url):
        if redirected_from:
            raise FetchError(f"offline mode: not following the redirect from {redirected_from} "
                             f"to {url}",
                             hint="unset TOOLKIT_OFFLINE to allow live fetches; the sample data "
                                  "is used.")
        raise FetchError(f"offline mode: not fetching {url}",
                         hint="unset TOOLKIT_OFFLINE to allow live fetches; the sample data is used.")


# ----------------------------------------------------------------------------- deadline

def deadline_for(timeout=DEFAULT_TIMEOUT) -> float:
    """The default overall deadline for a fetch with ``timeout`` (seconds, or
    ``(connect, read)``): :data:`DEADLINE_FACTOR` × (connect + read)."""
    if timeout is None:
        timeout = DEFAULT_TIMEOUT
    if isinstance(timeout, (tuple, list)):
        connect, read = (list(timeout) + [None, None])[:2]
        connect = DEFAULT_TIMEOUT[0] if connect is None else float(connect)
        read = DEFAULT_TIMEOUT[1] if read is None else float(read)
    else:
        connect = read = float(timeout)
    return DEADLINE_FACTOR * (connect + read)


class Deadline:
    """A point in time a fetch (or a paged series of them) must finish by."""

    def __init__(self, seconds: float):
        try:
            seconds = float(seconds)
        except (TypeError, ValueError):
            raise ToolkitError(f"the deadline must be a number of seconds, not {seconds!r}") from None
        if not seconds > 0:
            raise ToolkitError(f"the deadline must be more than 0 seconds, not {seconds!r}")
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def cap(self, timeout):
        """``timeout`` for one request, no read waiting past the deadline."""
        rem = max(self.remaining(), 0.01)
        if timeout is None:
            return (rem, rem)
        if isinstance(timeout, (tuple, list)):
            return tuple(rem if t is None else min(float(t), rem) for t in timeout)
        return min(float(timeout), rem)

    def error(self, what: str) -> FetchError:
        return FetchError(f"{what} did not finish within the {self.seconds:g}-second deadline",
                          hint="the service is answering too slowly; the toolkit falls back to "
                               "the sample data (raise settings.timeout_seconds to wait longer).")


def as_deadline(deadline, timeout=DEFAULT_TIMEOUT) -> Deadline:
    """A :class:`Deadline` from ``deadline`` (one, seconds, or ``None`` for the default of
    ``timeout``)."""
    if isinstance(deadline, Deadline):
        return deadline
    return Deadline(deadline_for(timeout) if deadline is None else deadline)


class DeadlinePassed(Exception):
    """Internal: the deadline passed while reading."""


# The watchdog: a fetch on the toolkit's own session registers the sockets it opens; when the
# deadline passes, a timer shuts them down, so even a read blocked on a trickling server (or
# on headers that never end) returns at once.
_local = threading.local()


def _shutdown(sock) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Watch:
    def __init__(self, deadline: Deadline):
        self.lock = threading.Lock()
        self.socks: list = []
        self.fired = False
        self.timer = threading.Timer(max(deadline.remaining(), 0.0), self.fire)
        self.timer.daemon = True

    def add(self, sock) -> None:
        with self.lock:
            fired = self.fired
            if not fired:
                self.socks.append(sock)
        if fired:
            _shutdown(sock)

    def fire(self) -> None:
        with self.lock:
            self.fired = True
            socks, self.socks = self.socks, []
        for s in socks:
            _shutdown(s)


@contextmanager
def watch(deadline: Deadline):
    """While inside, sockets opened by sessions from :func:`new_session` in this thread are shut
    down when ``deadline`` passes."""
    w = _Watch(deadline)
    previous = getattr(_local, "watch", None)
    _local.watch = w
    w.timer.start()
    try:
        yield w
    finally:
        w.timer.cancel()
        _local.watch = previous
        w.socks = []


def _register(sock) -> None:
    w = getattr(_local, "watch", None)
    if w is not None:
        w.add(sock)


_ADAPTER = None


def _watched_adapter_class():
    """A ``requests`` adapter whose connections register their sockets with the current
    :func:`watch` (built on first use: ``requests`` is imported lazily)."""
    global _ADAPTER
    if _ADAPTER is None:
        from requests.adapters import HTTPAdapter
        from urllib3.connection import HTTPConnection, HTTPSConnection
        from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

        class WatchedHTTPConnection(HTTPConnection):
            def _new_conn(self):
                sock = super()._new_conn()
                _register(sock)
                return sock

        class WatchedHTTPSConnection(HTTPSConnection):
            def _new_conn(self):
                sock = super()._new_conn()
                _register(sock)
                return sock

        class WatchedHTTPPool(HTTPConnectionPool):
            ConnectionCls = WatchedHTTPConnection

        class WatchedHTTPSPool(HTTPSConnectionPool):
            ConnectionCls = WatchedHTTPSConnection

        class WatchedAdapter(HTTPAdapter):
            def init_poolmanager(self, *args, **kwargs):
                super().init_poolmanager(*args, **kwargs)
                self.poolmanager.pool_classes_by_scheme = {"http": WatchedHTTPPool,
                                                           "https": WatchedHTTPSPool}

        _ADAPTER = WatchedAdapter
    return _ADAPTER


def mount_watched(session) -> None:
    """Make ``session`` (a ``requests.Session``) open watched connections."""
    adapter = _watched_adapter_class()
    session.mount("http://", adapter())
    session.mount("https://", adapter())
    if offline():  # never through a proxy named in the environment: loopback means loopback
        session.trust_env = False


def new_session():
    """The toolkit's own ``requests`` session (watched; no proxies in offline mode)."""
    import requests

    s = requests.Session()
    mount_watched(s)
    return s


def iter_body(resp, deadline: Deadline):
    """The body of a streamed ``requests`` response in pieces as they arrive (never waiting to
    fill a large buffer), raising :class:`DeadlinePassed` once the deadline has passed.
    Low-level read errors come out as ``requests`` exceptions."""
    import requests
    from urllib3 import exceptions as u3

    raw = getattr(resp, "raw", None)
    if raw is None or not hasattr(raw, "read1"):  # a test double or another client
        for chunk in resp.iter_content(CHUNK):
            yield chunk
            if deadline.expired():
                raise DeadlinePassed()
        return
    while True:
        if deadline.expired():
            raise DeadlinePassed()
        try:
            chunk = raw.read1(CHUNK, decode_content=True)
        except u3.ReadTimeoutError as exc:
            raise requests.exceptions.ReadTimeout(str(exc)) from None
        except u3.DecodeError as exc:
            raise requests.exceptions.ContentDecodingError(str(exc)) from None
        except (u3.HTTPError, OSError) as exc:
            if deadline.expired():
                raise DeadlinePassed() from None
            raise requests.exceptions.ConnectionError(f"{type(exc).__name__}: {exc}") from None
        if not chunk:
            return
        yield chunk


def read_capped(resp, max_bytes: int, deadline: Deadline, too_large=None) -> bytes:
    """The whole body, refusing more than ``max_bytes`` (declared or received)."""
    def over(text):
        if too_large:
            return too_large(text)
        return FetchError(text, hint="ask for less (filters, paging).")

    declared = resp.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise over(f"the answer is too large: {int(declared):,} bytes, over the "
                   f"{max_bytes:,}-byte cap")
    chunks, size = [], 0
    for chunk in iter_body(resp, deadline):
        size += len(chunk)
        if size > max_bytes:
            raise over(f"the answer is too large: over the {max_bytes:,}-byte cap")
        chunks.append(chunk)
    return b"".join(chunks)


# ----------------------------------------------------------------------------- cache

def default_cache_dir() -> Path:
    from .paths import project_root

    return Path(os.environ.get("TOOLKIT_CACHE_DIR") or project_root() / ".cache" / "fetch")


def _cache_path(cache_dir: Path, url: str) -> Path:
    return cache_dir / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".bin")


def full_url(url: str, params: dict | None = None) -> str:
    if not params:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(sorted(params.items()), doseq=True)


#: What a ``parse`` function may raise on an answer that is not what was asked for.
PARSE_ERRORS = (ValueError, RecursionError, TypeError, KeyError, IndexError, AttributeError,
                OverflowError, UnicodeDecodeError)


def _parsed(parse, body: bytes, target: str):
    """``parse(body)``, any failure (including a RecursionError on deeply nested JSON) as a
    :class:`FetchError`."""
    try:
        return parse(body)
    except FetchError:
        raise
    except ToolkitError as exc:
        raise FetchError(f"the answer from {target} could not be used ({exc.problem})",
                         hint="the service may be down or have changed; the sample is used.") from None
    except PARSE_ERRORS as exc:
        raise FetchError(f"the answer from {target} could not be read ({type(exc).__name__})",
                         hint="the service may be down or have changed; the sample is used.") from None


def _from_cache(cache_file: Path | None, parse, target: str):
    """``(True, value)`` from a usable cached answer, else ``(False, None)``; a cached answer
    that no longer parses is removed."""
    if cache_file is None or not cache_file.exists():
        return False, None
    try:
        body = cache_file.read_bytes()
    except OSError:
        return False, None
    if parse is None:
        return True, body
    try:
        return True, _parsed(parse, body, target)
    except FetchError:
        try:
            cache_file.unlink()
        except OSError:
            pass
        return False, None


# ----------------------------------------------------------------------------- fetch

def fetch(url: str, *, params: dict | None = None, timeout=DEFAULT_TIMEOUT, retries: int = 2,
          backoff: float = 0.5, max_bytes: int = DEFAULT_MAX_BYTES,
          cache_dir: str | Path | None = None, max_age: float | None = 24 * 3600,
          session=None, headers: dict | None = None,
          sleep: Callable[[float], None] = time.sleep, deadline=None) -> bytes:
    """GET ``url`` (with ``params``) and return the body.

    - a cached copy younger than ``max_age`` seconds is returned without a request
      (``cache_dir=None`` disables the cache);
    - connection errors, timeouts and HTTP 429/5xx are retried ``retries`` times, waiting
      ``backoff``, ``2*backoff``, … seconds — or, after HTTP 429 or 503 with a ``Retry-After``
      header, the time it asks for (:func:`retry_after`); a wait that would pass the deadline
      stops the fetch with a :class:`FetchError` saying how long the service asked to wait;
    - when the service cannot be reached (after the retries, or at the deadline) an older
      cached answer is returned if there is one;
    - the whole call must finish within ``deadline`` seconds (a :class:`Deadline` may be
      shared by several calls; default :func:`deadline_for` ``(timeout)``), however slowly the
      server trickles its answer;
    - at most :data:`MAX_REDIRECTS` redirects are followed, each checked (:func:`check_url`);
    - a body larger than ``max_bytes`` is refused;
    - anything else that fails raises :class:`FetchError` with what happened and what to do.

    Use :func:`fetch_parsed` or :func:`fetch_json` when the answer must have a form: only
    answers that parse are cached.
    """
    return fetch_parsed(url, None, params=params, timeout=timeout, retries=retries,
                        backoff=backoff, max_bytes=max_bytes, cache_dir=cache_dir,
                        max_age=max_age, session=session, headers=headers, sleep=sleep,
                        deadline=deadline)


def fetch_parsed(url: str, parse: Callable[[bytes], T] | None, *, params: dict | None = None,
                 timeout=DEFAULT_TIMEOUT, retries: int = 2, backoff: float = 0.5,
                 max_bytes: int = DEFAULT_MAX_BYTES, cache_dir: str | Path | None = None,
                 max_age: float | None = 24 * 3600, session=None, headers: dict | None = None,
                 sleep: Callable[[float], None] = time.sleep, deadline=None,
                 explain: Callable[[int, bytes], FetchError | None] | None = None) -> T:
    """:func:`fetch`, returning ``parse(body)``. The body is written to the cache only when
    ``parse`` accepts it; any failure of ``parse`` (a :class:`FetchError` it raises, a
    ``ValueError``, a ``RecursionError`` …) becomes a :class:`FetchError`, and a cached copy
    that does not parse is ignored (and removed).

    ``explain(status, body)`` may turn an HTTP 4xx answer (other than 429, which is retried)
    into a clearer :class:`FetchError` from what its body says (an API's own error message);
    when it returns ``None`` the error is the plain "the server answered HTTP …".
    See :func:`fetch_parsed_with_source` to know whether the value is live or cached."""
    return fetch_parsed_with_source(url, parse, params=params, timeout=timeout, retries=retries,
                                    backoff=backoff, max_bytes=max_bytes, cache_dir=cache_dir,
                                    max_age=max_age, session=session, headers=headers,
                                    sleep=sleep, deadline=deadline, explain=explain)[0]


def fetch_parsed_with_source(url: str, parse: Callable[[bytes], T] | None, *,
                             params: dict | None = None, timeout=DEFAULT_TIMEOUT,
                             retries: int = 2, backoff: float = 0.5,
                             max_bytes: int = DEFAULT_MAX_BYTES,
                             cache_dir: str | Path | None = None,
                             max_age: float | None = 24 * 3600, session=None,
                             headers: dict | None = None,
                             sleep: Callable[[float], None] = time.sleep, deadline=None,
                             explain: Callable[[int, bytes], FetchError | None] | None = None
                             ) -> tuple[T, str]:
    """:func:`fetch_parsed`, returning ``(value, source)``: source ``live``, ``cache`` (a
    cached answer younger than ``max_age``, no request made) or ``stale cache`` (an older
    cached answer, used because the service could not be reached — the retries ran out, the
    deadline passed, or it asked to wait past the deadline)."""
    target = full_url(url, params)
    check_url(target)
    dl = as_deadline(deadline, timeout)
    cache_file = _cache_path(Path(cache_dir), target) if cache_dir else None
    if cache_file and cache_file.exists() and (
            max_age is None or time.time() - cache_file.stat().st_mtime < max_age):
        ok, value = _from_cache(cache_file, parse, target)
        if ok:
            return value, "cache"
    try:
        body = _get(target, timeout=timeout, retries=retries, backoff=backoff,
                    max_bytes=max_bytes, session=session, headers=headers, sleep=sleep,
                    deadline=dl, explain=explain)
        value = body if parse is None else _parsed(parse, body, target)
    except _Transient as exc:
        ok, value = _from_cache(cache_file, parse, target)  # stale but better than nothing
        if ok:
            return value, "stale cache"
        raise exc.error from None
    if cache_file:
        from .io import atomic_write_bytes

        atomic_write_bytes(cache_file, body)
    return value, "live"


class _Transient(Exception):
    """Internal: the fetch failed in a way a stale cached copy may stand in for."""

    def __init__(self, error: FetchError):
        super().__init__(error.problem)
        self.error = error


def retry_after(value: str | None) -> float | None:
    """The seconds a ``Retry-After`` header asks to wait — delay-seconds (``120``) or an HTTP
    date (``Wed, 21 Oct 2015 07:28:00 GMT``; a date already past is 0) — or ``None`` when
    there is no header or it cannot be read. Parsed by urllib3's :class:`~urllib3.util.Retry`
    (the parser ``requests``' own retries use), without its six-hour ceiling: the caller
    compares the wait with its deadline."""
    if value is None or not str(value).strip():
        return None
    from urllib3.exceptions import InvalidHeader
    from urllib3.util import Retry

    try:
        parser = Retry(total=0, retry_after_max=2**62)
    except TypeError:  # an older urllib3 without the ceiling
        parser = Retry(total=0)
    try:
        return float(parser.parse_retry_after(str(value).strip()))
    except (InvalidHeader, ValueError, OverflowError, TypeError):
        return None


def _seconds(wait: float) -> str:
    n = math.ceil(wait)
    return f"{n:,} second" + ("" if n == 1 else "s")


def _get(target: str, *, timeout, retries: int, backoff: float, max_bytes: int, session,
         headers, sleep, deadline: Deadline, explain=None) -> bytes:
    """The tries of one fetch: the toolkit's single retry loop (backoff, ``Retry-After``,
    deadline). A failure to reach the service comes out as :class:`_Transient`."""
    import requests

    own = session is None
    sess = new_session() if own else session
    last: Exception | None = None
    asked: float | None = None  # the wait the last answer's Retry-After asked for
    tries = 0
    try:
        with (watch(deadline) if own else nullcontext()):
            for attempt in range(retries + 1):
                if attempt and asked is not None and not deadline.expired():
                    # the service said how long to wait (Retry-After): that, not the backoff,
                    # and only if the deadline leaves time to ask again afterwards
                    if asked >= deadline.remaining():
                        raise _Transient(FetchError(
                            f"could not fetch {target}: the service answered {last.problem} "
                            f"and asked to wait {_seconds(asked)} before trying again "
                            f"(Retry-After), which would pass the {deadline.seconds:g}-second "
                            "deadline",
                            hint="the service is limiting requests or down for maintenance; "
                                 "the toolkit falls back to the sample data — try again "
                                 "later."))
                    sleep(asked)
                elif attempt:
                    wait = backoff * 2 ** (attempt - 1)
                    if wait >= deadline.remaining():
                        break
                    sleep(wait)
                if deadline.expired():
                    break
                tries += 1
                try:
                    return _get_once(sess, target, timeout=timeout, max_bytes=max_bytes,
                                     headers=headers, deadline=deadline, explain=explain)
                except _Retry as exc:
                    last, asked = exc.error, exc.retry_after
                except DeadlinePassed:
                    break
                except (requests.ConnectionError, requests.Timeout) as exc:
                    if deadline.expired():
                        break
                    last, asked = exc, None
                except requests.RequestException as exc:
                    if deadline.expired():
                        break
                    raise FetchError(f"the request failed: {type(exc).__name__}",
                                     hint="check the address; the sample data is used "
                                          "meanwhile.") from None
    finally:
        if own:
            sess.close()
    why = "" if last is None else (last.problem if isinstance(last, FetchError)
                                   else type(last).__name__)
    if why and asked is not None:
        why += f", asking to wait {_seconds(asked)}"
    if deadline.expired() or tries < retries + 1:
        err = deadline.error(f"fetching {target}")
        if why:
            err = FetchError(f"{err.problem} (last: {why})", hint=err.hint)
        raise _Transient(err)
    raise _Transient(FetchError(f"could not fetch {target}: it did not answer ({why}) after "
                                f"{tries} {'try' if tries == 1 else 'tries'}",
                                hint="check the connection; the toolkit falls back to the sample "
                                     "data."))


class _Retry(Exception):
    """Internal: an answer worth asking again (HTTP 429/5xx), with the wait its
    ``Retry-After`` asked for (429 and 503 only), if any."""

    def __init__(self, error: FetchError, retry_after: float | None = None):
        super().__init__(error.problem)
        self.error = error
        self.retry_after = retry_after


def _get_once(sess, target: str, *, timeout, max_bytes: int, headers, deadline: Deadline,
              explain=None) -> bytes:
    url = target
    for _ in range(MAX_REDIRECTS + 1):
        with sess.get(url, timeout=deadline.cap(timeout), stream=True, allow_redirects=False,
                      headers={"User-Agent": "open-data-public-services-toolkit",
                               **(headers or {})}) as resp:
            status = resp.status_code
            location = resp.headers.get("Location")
            if status in REDIRECT_CODES and location:
                nxt = urljoin(url, location)
                check_url(nxt, redirected_from=url)
                url = nxt
                continue
            if status == 429 or status >= 500:
                wait = (retry_after(resp.headers.get("Retry-After"))
                        if status in RETRY_AFTER_CODES else None)
                raise _Retry(FetchError(f"HTTP {status}"), wait)
            if status >= 400:
                if explain is not None:
                    try:
                        err = explain(status, read_capped(resp, max_bytes, deadline))
                    except (FetchError, *PARSE_ERRORS):
                        err = None
                    if isinstance(err, FetchError):
                        raise err
                raise FetchError(f"the server answered HTTP {status} for {url}",
                                 hint="check the address and parameters.")
            if status in REDIRECT_CODES:
                raise FetchError(f"the server answered HTTP {status} (a redirect) for {url} "
                                 "without saying where to", hint="check the address.")
            return read_capped(resp, max_bytes, deadline)
    raise FetchError(f"more than {MAX_REDIRECTS} redirects from {target}",
                     hint="check the address; the sample data is used.")


def parse_json(body: bytes, what: str = "the answer") -> Any:
    """JSON from ``body``; anything else (an HTML page, nesting too deep to read) is a
    :class:`FetchError`."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # JSONDecodeError, UnicodeDecodeError are ValueErrors
        raise FetchError(f"{what} is not JSON",
                         hint="the service may be down or have changed; the sample is used.") from None


def fetch_json(url: str, *, check: Callable[[Any], Any] | None = None, **kwargs) -> Any:
    """:func:`fetch` and parse JSON. ``check(data)`` may refuse the answer's shape (raise
    :class:`FetchError`, or any error of :data:`PARSE_ERRORS`). Only an answer that is JSON and
    passes ``check`` is cached."""
    def parse(body):
        data = parse_json(body, f"the answer from {url}")
        if check is not None:
            check(data)
        return data

    return fetch_parsed(url, parse, **kwargs)


@dataclass
class Fetched:
    """A result and where it came from (``live``, ``cache`` or ``sample``), with the notice to
    show the user when it is not live."""
    value: Any
    source: str
    notice: str = ""


def live_or_sample(live: Callable[[], Any], sample: Callable[[], Any], *, use_live: bool,
                   what: str) -> Fetched:
    """Try ``live()`` when ``use_live``; on any :class:`FetchError` — or any other failure to
    read the live answer (a toolkit error, a ``ValueError``, a ``RecursionError`` …) — use
    ``sample()`` and say so."""
    if not use_live:
        return Fetched(sample(), "sample", f"Using the offline sample for {what} "
                                           "(live fetching is off: settings.live in the config).")
    try:
        return Fetched(live(), "live")
    except ToolkitError as exc:
        problem = exc.problem
    except PARSE_ERRORS as exc:
        problem = f"the live answer could not be read: {type(exc).__name__}"
    return Fetched(sample(), "sample",
                   f"⚠ Could not fetch {what} live ({problem}); using the offline sample.")
