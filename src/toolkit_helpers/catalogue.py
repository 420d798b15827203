"""Finding open data: search a CKAN catalogue such as data.gov.uk.

data.gov.uk runs CKAN; its action API answers ``package_search`` (``?q=…&rows=…``) and
``package_show`` (``?id=…``) with metadata (no data rows). :func:`search`:

- asks the catalogue **live** when live fetching is allowed: a GET of the action's address
  (``<base>/api/action/<action>``) through :func:`toolkit_helpers.net.fetch_parsed` — the
  toolkit's one mechanism for timeouts, the overall deadline, retries (with ``Retry-After``
  honoured), the size cap, checked redirects and the on-disk cache — with ``ckanapi`` reading
  CKAN's answer envelope (``success``/``result``/``error``); only an answer of the right
  shape is cached: an HTML page, a body that is not JSON or JSON of another shape never is
  (the snapshot is used);
- asks for at most :data:`CKAN_MAX_ROWS` results (one request; no paging);
- otherwise, or when the live call fails, searches a **snapshot** — JSON files in the real
  ``package_search`` / ``package_show`` / ``organization_show`` (with
  ``include_datasets=true``) shape (the toolkit ships a synthetic one in
  ``data/sample/catalogue/``; a saved real answer works the same) — and says so;
- returns one table: ``title, organisation, licence, formats, last_modified, url`` (plus the
  dataset's ``name`` and its number of ``resources``).

``TOOLKIT_OFFLINE=1`` refuses every live call to a non-loopback host, and every redirect to
one (the tests set it; see :mod:`toolkit_helpers.net`).
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

from .errors import DataFileError, FetchError
from .net import DEFAULT_MAX_BYTES, PARSE_ERRORS, Fetched

DATA_GOV_UK = "https://data.gov.uk"
COLUMNS = ["title", "organisation", "licence", "formats", "last_modified", "url", "name",
           "resources"]
USER_AGENT = "open-data-public-services-toolkit (catalogue search)"


# ------------------------------------------------------------------ snapshots
def _is_organisation(d: dict) -> bool:
    """An ``organization_show`` (or ``group_show``) result rather than a package."""
    return (d.get("is_organization") is True or d.get("type") in ("organization", "group")
            or ("package_count" in d and "resources" not in d))


def _organisation_packages(org: dict, file=None) -> list[dict]:
    """The datasets of an ``organization_show`` answer (asked with ``include_datasets=true``),
    each knowing its organisation."""
    name = org.get("title") or org.get("display_name") or org.get("name") or "this organisation"
    if not isinstance(org.get("packages"), list):
        count = org.get("package_count")
        raise DataFileError(
            f"this is a CKAN organization_show answer for {name} without its datasets"
            + (f" ({count} datasets not listed)" if count else ""),
            file=file,
            hint="ask again with include_datasets=true, e.g. https://data.gov.uk/api/action/"
                 f"organization_show?id={org.get('name') or '<name>'}&include_datasets=true, "
                 "or save a package_search answer (fq=organization:<name>).")
    summary = {k: org[k] for k in ("id", "name", "title") if org.get(k) is not None}
    out = []
    for p in org["packages"]:
        if isinstance(p, dict) and not p.get("organization") and org.get("is_organization", True):
            p = {**p, "organization": summary}
        out.append(p)
    return out


def packages_from_answer(data, file=None) -> list[dict]:
    """Packages in a CKAN answer: a ``package_search`` result (``result.results``), a
    ``package_show`` result (``result`` is one package), an ``organization_show`` result (the
    organisation's ``packages``: ask with ``include_datasets=true`` — an answer without them is
    refused, never read as one empty dataset), or a bare package / list of them."""
    if isinstance(data, dict) and data.get("success") is False:
        err = data.get("error") or {}
        msg = err.get("message", err) if isinstance(err, dict) else err
        raise DataFileError(f"the catalogue answered with an error: {msg}",
                            file=file, hint="save a successful answer, or search again.")
    if isinstance(data, dict) and "result" in data:
        data = data["result"]
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    if isinstance(data, dict) and _is_organisation(data):
        data = _organisation_packages(data, file)
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(p, dict) for p in data):
        raise DataFileError("this is not a CKAN package_search or package_show answer", file=file,
                            hint="save the JSON that data.gov.uk's /api/action/package_search "
                                 "or package_show returns.")
    for i, p in enumerate(data, start=1):
        if "title" not in p and "name" not in p:
            raise DataFileError(f"package {i} has neither a title nor a name", file=file, row=i,
                                hint="this does not look like CKAN package metadata.")
    return data


def load_snapshot(path: str | os.PathLike) -> list[dict]:
    """Every package in a snapshot file, or in every ``*.json`` file of a folder (each package
    once, by id or name, in file order)."""
    path = Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise DataFileError("the folder has no .json catalogue answers", file=path,
                            hint="point data.catalogue at a package_search/package_show JSON file "
                                 "or a folder of them.")
    seen, out = set(), []
    for f in files:
        try:
            data = json.loads(f.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise DataFileError("file not found", file=f, hint="check data.catalogue in the config.") from None
        except json.JSONDecodeError as exc:
            raise DataFileError(f"this is not valid JSON ({exc.msg})", file=f, row=exc.lineno,
                                column=exc.colno, hint="save the catalogue's answer again, unedited.") from None
        for p in packages_from_answer(data, file=f):
            key = p.get("id") or p.get("name") or p.get("title")
            if key in seen:
                continue
            seen.add(key)
            out.append(p)
    return out


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", str(text).lower())


def _stem(word: str) -> str:
    """``libraries`` and ``library`` → ``librar``; ``hubs`` → ``hub`` (words over 4 letters)."""
    if len(word) > 4:
        for end in ("ies", "es", "s", "y"):
            if word.endswith(end):
                return word[: -len(end)]
    return word


def _haystack(p: dict) -> str:
    org = p.get("organization") or {}
    tags = " ".join(t.get("name", "") if isinstance(t, dict) else str(t) for t in p.get("tags") or [])
    res = " ".join(f"{r.get('name') or ''} {r.get('description') or ''} {r.get('format') or ''}"
                   for r in p.get("resources") or [])
    return " ".join(str(x) for x in (p.get("title", ""), p.get("name", ""), p.get("notes", ""),
                                     org.get("title", "") if isinstance(org, dict) else org,
                                     tags, res)).lower()


def search_snapshot(packages: list[dict], query: str, rows: int = 10) -> list[dict]:
    """Packages whose title, description, tags, organisation or resources contain every word
    of ``query`` (a word may match the start of a longer word: ``librar`` finds libraries),
    best first: title matches count most. An empty query lists everything."""
    words = [_stem(w) for w in _words(query)]
    scored = []
    for i, p in enumerate(packages):
        hay = set(_words(_haystack(p)))
        title = set(_words(p.get("title", "")))
        if not all(any(h.startswith(w) for h in hay) for w in words):
            continue
        score = sum(3 if any(t.startswith(w) for t in title) else 1 for w in words)
        scored.append((-score, i, p))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [p for _, _, p in scored[:rows]]


# ------------------------------------------------------------------ normalising
def _date(value) -> str:
    s = str(value or "")
    return s[:10] if re.match(r"\d{4}-\d{2}-\d{2}", s) else ""


def normalise(packages: list[dict], base_url: str = DATA_GOV_UK):
    """CKAN packages → one row each: title, organisation, licence, formats (distinct, upper
    case, sorted), last_modified (``YYYY-MM-DD``), url (the dataset's page), name, resources."""
    import pandas as pd

    rows = []
    for p in packages:
        org = p.get("organization") or {}
        organisation = (org.get("title") or org.get("name") or "") if isinstance(org, dict) else str(org)
        fmts = sorted({str(r.get("format") or "").strip().upper().lstrip(".")
                       for r in p.get("resources") or [] if str(r.get("format") or "").strip()})
        name = p.get("name") or p.get("id") or ""
        rows.append({
            "title": str(p.get("title") or name).strip(),
            "organisation": organisation.strip(),
            "licence": str(p.get("license_title") or p.get("license_id") or "").strip(),
            "formats": ", ".join(fmts),
            "last_modified": _date(p.get("metadata_modified")),
            "url": f"{base_url.rstrip('/')}/dataset/{name}" if name else "",
            "name": name,
            "resources": len(p.get("resources") or []),
        })
    return pd.DataFrame(rows, columns=COLUMNS)


# ------------------------------------------------------------------ live
#: CKAN answers at most this many rows a search (data.gov.uk's own limit); more is never asked.
CKAN_MAX_ROWS = 1000


def _rows(rows) -> int:
    """``rows`` as a whole number from 1 to :data:`CKAN_MAX_ROWS` (a search is one request,
    never paged: the number of rows bounds the answer)."""
    try:
        n = int(rows)
    except (TypeError, ValueError):
        raise DataFileError(f"rows must be a whole number, not {rows!r}",
                            hint=f"ask for 1 to {CKAN_MAX_ROWS} results.") from None
    return max(1, min(n, CKAN_MAX_ROWS))


def check_result(action: str, result) -> None:
    """Refuse a live answer that is not what ``action`` returns (checked before it is cached
    or used): ``package_search`` → ``{"results": [packages…]}``, ``package_show`` → one
    package, ``organization_show`` → an organisation with its datasets."""
    try:
        if action == "package_search":
            if not isinstance(result, dict) or not isinstance(result.get("results"), list):
                raise DataFileError("it has no list of results")
            packages_from_answer({"result": result})
        elif action == "package_show":
            if not isinstance(result, dict):
                raise DataFileError("it is not one package")
            packages_from_answer({"result": result})
        elif action in ("organization_show", "group_show"):
            if not isinstance(result, dict):
                raise DataFileError("it is not an organisation")
            packages_from_answer({"result": result})
    except DataFileError as exc:
        raise FetchError(f"the catalogue's answer is not a CKAN {action} result ({exc.problem})",
                         hint="the catalogue may be down or have changed; the offline snapshot "
                              "is used.") from None


def action_url(base_url: str, action: str) -> str:
    """The address of a CKAN action, as ``ckanapi.RemoteCKAN`` builds it
    (``<base>/api/action/<action>``)."""
    from ckanapi import RemoteCKAN

    return base_url.rstrip("/") + "/" + RemoteCKAN.base_url + action


def _refused(exc) -> FetchError:
    return FetchError(f"the catalogue refused the request ({type(exc).__name__}: {exc})",
                      hint="check the dataset id or the search words.")


def _reader(action: str, url: str):
    """``(parse, explain)`` for :func:`toolkit_helpers.net.fetch_parsed`: ckanapi reads CKAN's
    answer envelope (``success``/``result``/``error`` → the result, or the exception the action
    raised), then :func:`check_result` checks the result's shape — only then is it cached."""
    from ckanapi.common import reverse_apicontroller_action
    from ckanapi.errors import CKANAPIError, NotAuthorized, NotFound, ValidationError

    def parse(body: bytes):
        try:
            result = reverse_apicontroller_action(url, 200, body.decode("utf-8-sig"))
        except (NotFound, NotAuthorized, ValidationError) as exc:
            raise _refused(exc) from None
        except CKANAPIError as exc:
            raise FetchError(f"the catalogue's answer could not be used ({type(exc).__name__})",
                             hint="the catalogue may be down or not CKAN; the offline snapshot "
                                  "is used.") from None
        check_result(action, result)
        return result

    def explain(status: int, body: bytes):
        """CKAN's own reason for an HTTP 4xx answer (``Not found``, a validation error …)."""
        try:
            reverse_apicontroller_action(url, status, body.decode("utf-8-sig"))
        except (NotFound, NotAuthorized, ValidationError) as exc:
            return _refused(exc)
        except CKANAPIError:
            pass
        return None

    return parse, explain


def call(action: str, params: dict, *, base_url: str = DATA_GOV_UK, timeout: float = 10,
         cache_dir: str | os.PathLike | None = None, max_age: float = 24 * 3600, deadline=None):
    """One CKAN action (GET only, with a timeout and an overall ``deadline``), cached.

    A fresh cached answer is used without asking; when the catalogue cannot be reached an older
    cached answer is used; otherwise a failed call raises :class:`FetchError` (the caller falls
    back to the snapshot). See :func:`call_with_source` to know which it was.
    """
    return call_with_source(action, params, base_url=base_url, timeout=timeout,
                            cache_dir=cache_dir, max_age=max_age, deadline=deadline)[0]


def call_with_source(action: str, params: dict, *, base_url: str = DATA_GOV_UK,
                     timeout: float = 10, cache_dir: str | os.PathLike | None = None,
                     max_age: float = 24 * 3600, deadline=None):
    """:func:`call`, returning ``(result, source)`` with source ``live``, ``cache`` (younger
    than ``max_age``) or ``stale cache`` (older, used because the catalogue could not be
    reached).

    Only an answer of the right shape (:func:`check_result`) is cached or returned: an HTML
    page, a body that is not JSON or JSON of another shape raises :class:`FetchError`."""
    return _fetch(action, params, base_url, timeout, cache_dir=cache_dir, max_age=max_age,
                  deadline=deadline)


def base_url_of(url: str) -> str:
    u = urlsplit(url)
    return f"{u.scheme}://{u.netloc}"


def _fetch(action: str, params: dict, base_url: str, timeout: float, *, retries: int = 2,
           backoff: float = 0.5, max_bytes: int = DEFAULT_MAX_BYTES, sleep=time.sleep,
           deadline=None, cache_dir=None, max_age: float | None = 24 * 3600):
    """``(result, source)`` of one CKAN action through the toolkit's single fetch mechanism,
    :func:`toolkit_helpers.net.fetch_parsed_with_source`: its timeouts and overall deadline,
    retries with backoff (or the wait ``Retry-After`` asks for), size cap, checked redirects,
    offline mode and cache."""
    from . import net

    url = action_url(base_url, action)
    parse, explain = _reader(action, url)
    return net.fetch_parsed_with_source(
        url, parse, params=params, timeout=timeout, retries=retries, backoff=backoff,
        max_bytes=max_bytes, cache_dir=cache_dir, max_age=max_age, sleep=sleep,
        deadline=deadline, explain=explain, headers={"User-Agent": USER_AGENT})


def _ask(action: str, params: dict, base_url: str, timeout: float, *, retries: int = 2,
         backoff: float = 0.5, max_bytes: int = DEFAULT_MAX_BYTES, sleep=time.sleep,
         deadline=None):
    """Ask the catalogue (no cache): a connect/read timeout, an overall ``deadline`` (seconds
    for every try together; default :func:`toolkit_helpers.net.deadline_for` of the timeout)
    however slowly the catalogue trickles its answer, ``retries`` more tries with backoff
    (``backoff``, ``2*backoff`` … seconds, or what ``Retry-After`` asks for) after a timeout,
    a dropped connection or HTTP 429/5xx, answers larger than ``max_bytes`` refused, redirects
    checked — all by :func:`toolkit_helpers.net.fetch_parsed`."""
    return _fetch(action, params, base_url, timeout, retries=retries, backoff=backoff,
                  max_bytes=max_bytes, sleep=sleep, deadline=deadline)[0]


def _why(exc) -> str:
    return getattr(exc, "problem", None) or f"the answer could not be read: {type(exc).__name__}"


def search_live(query: str, rows: int = 10, **kwargs) -> list[dict]:
    """``package_search`` live (see :func:`call`) → packages."""
    result = call("package_search", {"q": query, "rows": _rows(rows)}, **kwargs)
    return packages_from_answer({"result": result})


def show_live(dataset_id: str, **kwargs) -> dict:
    """``package_show`` live → the package."""
    return packages_from_answer({"result": call("package_show", {"id": dataset_id}, **kwargs)})[0]


def search(query: str, *, snapshot: str | os.PathLike | list | None = None, live: bool = False,
           rows: int = 10, base_url: str = DATA_GOV_UK, timeout: float = 10,
           cache_dir: str | os.PathLike | None = None, deadline=None) -> Fetched:
    """Search the catalogue: live when ``live`` (and not offline), else — or on failure — the
    snapshot. Returns :class:`~toolkit_helpers.net.Fetched` with the normalised table as
    ``value``, ``source`` (``live``, ``cache``, ``stale cache`` or ``snapshot``) and a ``notice``
    saying which it was. ``deadline`` (seconds) bounds the live call, however slowly the
    catalogue answers (default: :func:`toolkit_helpers.net.deadline_for` the timeout)."""
    def from_snapshot():
        if snapshot is None:
            raise DataFileError("no catalogue snapshot to search offline",
                                hint="set data.catalogue in the config to a saved package_search JSON.")
        pkgs = snapshot if isinstance(snapshot, list) else load_snapshot(snapshot)
        return search_snapshot(pkgs, query, rows)

    if live:
        try:
            result, source = call_with_source("package_search", {"q": query, "rows": _rows(rows)},
                                              base_url=base_url, timeout=timeout,
                                              cache_dir=cache_dir, deadline=deadline)
            pkgs = packages_from_answer({"result": result})
            say = {"live": f"Live results from {base_url}",
                   "cache": f"Results from {base_url} (cached in the last day)",
                   "stale cache": f"⚠ {base_url} did not answer: results saved from an earlier "
                                  "search"}[source]
            return Fetched(normalise(pkgs, base_url), source, f"{say} for {query!r}.")
        except FetchError as exc:
            notice = (f"⚠ Could not search {base_url} live ({exc.problem}); searching the offline "
                      f"snapshot instead.")
        except PARSE_ERRORS as exc:  # an answer that passed the checks but cannot be tabled
            notice = (f"⚠ Could not search {base_url} live ({_why(exc)}); searching the "
                      f"offline snapshot instead.")
    else:
        notice = ("Searching the offline catalogue snapshot (live searching is off: "
                  "settings.live in the config).")
    table = normalise(from_snapshot(), base_url)
    return Fetched(table, "snapshot", notice + f" {len(table)} datasets match {query!r}.")


def formats_summary(table):
    """How many results offer each format (a dataset counts once per format)."""
    import pandas as pd

    fmts = [f.strip() for cell in table["formats"] for f in str(cell).split(",") if f.strip()]
    s = pd.Series(fmts, dtype="object").value_counts()
    return s.rename_axis("format").reset_index(name="datasets")


def candidates(table, min_stars: int = 3):
    """Results worth adding to the inventory: an open licence and at least ``min_stars``
    (three: open, structured, non-proprietary), with the stars each reaches."""
    from .quality import five_star

    stars = [max([five_star(f.strip(), lic) for f in str(fmts).split(",") if f.strip()] or [0])
             for fmts, lic in zip(table["formats"], table["licence"])]
    out = table.assign(stars=stars)
    return out[out["stars"] >= min_stars].reset_index(drop=True)


def resources_table(package: dict):
    """One dataset's files (CKAN resources): name, format, last modified, url."""
    import pandas as pd

    rows = [{"name": str(r.get("name") or r.get("description") or "").strip(),
             "format": str(r.get("format") or "").strip().upper(),
             "last_modified": _date(r.get("last_modified") or r.get("created")),
             "url": str(r.get("url") or "")} for r in package.get("resources") or []]
    return pd.DataFrame(rows, columns=["name", "format", "last_modified", "url"])


def show(dataset: str, *, snapshot=None, live: bool = False, base_url: str = DATA_GOV_UK,
         timeout: float = 10, cache_dir=None, deadline=None) -> Fetched:
    """One dataset's metadata (``package_show``): live when ``live``, else — or on failure —
    from the snapshot (matched by name or id). ``value`` is the package dict."""
    notice = "From the offline catalogue snapshot."
    if live:
        try:
            return Fetched(show_live(dataset, base_url=base_url, timeout=timeout,
                                     cache_dir=cache_dir, deadline=deadline), "live",
                           f"Live from {base_url}.")
        except FetchError as exc:
            notice = f"⚠ Could not ask {base_url} live ({exc.problem}); using the offline snapshot."
        except PARSE_ERRORS as exc:
            notice = f"⚠ Could not ask {base_url} live ({_why(exc)}); using the offline snapshot."
    pkgs = snapshot if isinstance(snapshot, list) else load_snapshot(snapshot) if snapshot else []
    for p in pkgs:
        if dataset in (p.get("name"), p.get("id")):
            return Fetched(p, "snapshot", notice)
    raise DataFileError(f"the dataset {dataset!r} is not in the catalogue snapshot",
                        hint="use a name from the search results (the 'name' column).")
