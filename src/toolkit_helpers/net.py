"""Careful HTTP for optional live fetches (catalogues, NOMIS, TfL, Find a Tender).

Every live fetch in the toolkit is optional: notebooks work offline from the shipped sample,
and a failed fetch falls back with a visible notice. :func:`fetch` gives each call a
connect/read timeout, bounded retries with exponential backoff, a size cap and an on-disk cache.

Setting ``TOOLKIT_OFFLINE=1`` refuses every fetch to a non-loopback host (the test suite sets
it, so no test can reach the internet).
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode, urlsplit

from .errors import FetchError

DEFAULT_TIMEOUT = (5.0, 20.0)  # connect, read (seconds)
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
LOOPBACK = ("127.", "localhost", "[::1]", "::1")


def offline() -> bool:
    return os.environ.get("TOOLKIT_OFFLINE", "").strip().lower() in ("1", "true", "yes")


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host.startswith(LOOPBACK) or host in ("localhost", "::1")


def default_cache_dir() -> Path:
    from .paths import project_root

    return Path(os.environ.get("TOOLKIT_CACHE_DIR") or project_root() / ".cache" / "fetch")


def _cache_path(cache_dir: Path, url: str) -> Path:
    return cache_dir / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".bin")


def full_url(url: str, params: dict | None = None) -> str:
    if not params:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(sorted(params.items()), doseq=True)


def fetch(url: str, *, params: dict | None = None, timeout=DEFAULT_TIMEOUT, retries: int = 2,
          backoff: float = 0.5, max_bytes: int = DEFAULT_MAX_BYTES,
          cache_dir: str | Path | None = None, max_age: float | None = 24 * 3600,
          session=None, headers: dict | None = None,
          sleep: Callable[[float], None] = time.sleep) -> bytes:
    """GET ``url`` (with ``params``) and return the body.

    - a cached copy younger than ``max_age`` seconds is returned without a request
      (``cache_dir=None`` disables the cache);
    - connection errors, timeouts and HTTP 429/5xx are retried ``retries`` times, waiting
      ``backoff``, ``2*backoff``, … seconds;
    - a body larger than ``max_bytes`` is refused;
    - anything else that fails raises :class:`FetchError` with what happened and what to do.
    """
    import requests

    target = full_url(url, params)
    if offline() and not _is_loopback(target):
        raise FetchError(f"offline mode: not fetching {target}",
                         hint="unset TOOLKIT_OFFLINE to allow live fetches; the sample data is used.")
    cache_file = _cache_path(Path(cache_dir), target) if cache_dir else None
    if cache_file and cache_file.exists() and (
            max_age is None or time.time() - cache_file.stat().st_mtime < max_age):
        return cache_file.read_bytes()
    sess = session or requests.Session()
    last: Exception | None = None
    for attempt in range(retries + 1):
        if attempt:
            sleep(backoff * 2 ** (attempt - 1))
        try:
            with sess.get(target, timeout=timeout, stream=True,
                          headers={"User-Agent": "open-data-public-services-toolkit",
                                   **(headers or {})}) as resp:
                if resp.status_code == 429 or resp.status_code >= 500:
                    last = FetchError(f"the server answered HTTP {resp.status_code}")
                    continue
                if resp.status_code >= 400:
                    raise FetchError(f"the server answered HTTP {resp.status_code} for {target}",
                                     hint="check the address and parameters.")
                declared = resp.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(f"the answer is {int(declared):,} bytes, over the "
                                     f"{max_bytes:,}-byte cap", hint="ask for less (filters, paging).")
                chunks, size = [], 0
                for chunk in resp.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FetchError(f"the answer is over the {max_bytes:,}-byte cap",
                                         hint="ask for less (filters, paging).")
                    chunks.append(chunk)
                body = b"".join(chunks)
        except FetchError:
            raise
        except (requests.ConnectionError, requests.Timeout) as exc:
            last = exc
            continue
        except requests.RequestException as exc:
            raise FetchError(f"the request failed: {type(exc).__name__}",
                             hint="check the address; the sample data is used meanwhile.") from None
        if cache_file:
            from .io import atomic_write_bytes

            atomic_write_bytes(cache_file, body)
        return body
    if cache_file and cache_file.exists():  # stale but better than nothing
        return cache_file.read_bytes()
    why = type(last).__name__ if not isinstance(last, FetchError) else last.problem
    raise FetchError(f"could not fetch {target} after {retries + 1} tries ({why})",
                     hint="check the connection; the toolkit falls back to the sample data.")


def fetch_json(url: str, **kwargs) -> Any:
    body = fetch(url, **kwargs)
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise FetchError(f"the answer from {url} is not JSON",
                         hint="the service may be down or have changed; the sample is used.") from None


@dataclass
class Fetched:
    """A result and where it came from (``live``, ``cache`` or ``sample``), with the notice to
    show the user when it is not live."""
    value: Any
    source: str
    notice: str = ""


def live_or_sample(live: Callable[[], Any], sample: Callable[[], Any], *, use_live: bool,
                   what: str) -> Fetched:
    """Try ``live()`` when ``use_live``; on any :class:`FetchError` use ``sample()`` and say so."""
    if not use_live:
        return Fetched(sample(), "sample", f"Using the offline sample for {what} "
                                           "(live fetching is off: settings.live in the config).")
    try:
        return Fetched(live(), "live")
    except FetchError as exc:
        return Fetched(sample(), "sample",
                       f"⚠ Could not fetch {what} live ({exc.problem}); using the offline sample.")
