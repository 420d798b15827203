"""Registers councils publish beside their spend: grants (360Giving) and the Local Government
Transparency Code contracts register (contracts over £5,000) → tidy frames.

>>> grants = load_grants("data/grants.csv")                        # doctest: +SKIP
>>> contracts = load_contracts_register("data/contracts.xlsx")     # doctest: +SKIP

:func:`load_grants` reads 360Giving data as it is published: the flat CSV/``.xlsx`` layout
(``Identifier, Title, Description, Currency, Amount Awarded, Award Date, Recipient Org:Identifier,
Recipient Org:Name, Funding Org:Identifier, Funding Org:Name, Last Modified`` and optional extras
such as ``Grant Programme:Title``) or a 360Giving JSON package (``{"grants": [...]}``), and
returns :data:`GRANT_COLUMNS`.

:func:`load_contracts_register` reads a council's contracts register (CSV or ``.xlsx``), whose
headers vary by council (``Reference Number``/``Contract Reference``, ``Supplier Name``/
``Supplier``, ``Value``/``Contract Value``/``Total Value (£)``, ``Quote or Tender``, ``SME``,
``VCSE`` …), and returns :data:`CONTRACT_COLUMNS`.

Both take a file, a list of files or a folder; find the header row whatever its case and
spacing and after title or blank rows (:func:`io.find_header_row`); match headers through the
synonym tables :data:`GRANT_SYNONYMS` / :data:`CONTRACT_SYNONYMS` (written as
:func:`spend.header_key` makes them); read money with :func:`spend.parse_amounts` (``"1,000.00"``,
``£1,000``, ``(12.50)``) and dates with :func:`spend.parse_dates` (``dd/mm/yyyy``, ISO,
``3 Apr 2023``, Excel serials), the same rules as ``load_spend``.

``mapping={field: column header}`` overrides detection (``None`` says the file has no such
column); fields are :data:`GRANT_FIELDS` / :data:`CONTRACT_FIELDS`.

**Bad cells never vanish silently** (as in ``load_spend``): an amount, date or yes/no that cannot
be read is left empty, the row stays, its ``issue`` column says what was wrong, and the report
counts it with example rows. When most of the money column (or the award/start date column)
cannot be read, the wrong column was probably picked: loading stops with a
:class:`~toolkit_helpers.errors.DataFileError` naming the file, row and column. Blank rows,
repeated headers, totals rows and note rows are dropped and counted.

``source_row`` is the row number a spreadsheet shows (1-based, counting title rows); for a JSON
package it is the grant's position in the ``grants`` list (1 = the first grant).
``df.attrs["report"]`` holds what was found, per file and in total.
"""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataFileError
from .io import (
    EXCEL_SUFFIXES,
    _cell_to_str,
    column_letter,
    find_header_row,
    iter_paths,
    normalise_header,
    parse_csv_text,
    read_rows,
    read_text,
)
from .spend import MISSING_TOKENS, header_key, mapped_column

# ----------------------------------------------------------------------------- the fields

#: The fields of a grants frame (also the keys a grants ``mapping`` may use).
GRANT_FIELDS = ("identifier", "title", "description", "currency", "amount", "award_date",
                "recipient_id", "recipient_name", "funder_id", "funder_name", "programme")
#: Every column of the frame :func:`load_grants` returns, in order.
GRANT_COLUMNS = GRANT_FIELDS + ("source_file", "source_row", "sheet", "issue")

#: The fields of a contracts register frame (also the keys a contracts ``mapping`` may use).
CONTRACT_FIELDS = ("reference", "title", "description", "department", "supplier", "supplier_id",
                   "value", "start_date", "end_date", "review_date", "procurement_type", "sme",
                   "vcse")
#: Every column of the frame :func:`load_contracts_register` returns, in order.
CONTRACT_COLUMNS = CONTRACT_FIELDS + ("source_file", "source_row", "sheet", "issue")

#: Header variants per grants field, in order of preference, written as
#: :func:`spend.header_key` makes them (lower case, camelCase split, punctuation and ``£``
#: removed: ``"Recipient Org:Name"`` → ``"recipient org name"``, ``"amountAwarded"`` →
#: ``"amount awarded"``). The ``… 0 …`` variants are a 360Giving JSON package's paths
#: (``recipientOrganization/0/name``).
GRANT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "identifier": ("identifier", "id", "grant identifier", "grant id", "grant reference",
                   "grant ref", "grant reference number", "reference", "reference number"),
    "title": ("title", "grant title", "project title", "project name", "project"),
    "description": ("description", "grant description", "project description", "purpose",
                    "purpose of grant", "grant purpose", "summary"),
    "currency": ("currency", "currency code"),
    "amount": ("amount awarded", "amount awarded gbp", "amount", "grant amount",
               "grant amount gbp", "amount gbp", "award amount", "value of grant",
               "grant value", "amount of grant", "total awarded", "amount paid"),
    "award_date": ("award date", "date awarded", "date of award", "grant date",
                   "award date time", "decision date", "date"),
    "recipient_id": ("recipient org identifier", "recipient org id",
                     "recipient organisation identifier", "recipient organization identifier",
                     "recipient organization 0 id", "recipient identifier", "recipient id",
                     "recipient ind identifier", "recipient individual 0 id",
                     "recipient org charity number", "recipient org company number",
                     "charity number", "company number", "registration number"),
    "recipient_name": ("recipient org name", "recipient organisation name",
                       "recipient organization name", "recipient organization 0 name",
                       "recipient name", "recipient", "recipient organisation",
                       "recipient organization", "recipient ind name",
                       "recipient individual 0 name", "grantee", "grantee name",
                       "grant recipient", "name of recipient", "organisation receiving grant"),
    "funder_id": ("funding org identifier", "funding org id",
                  "funding organisation identifier", "funding organization identifier",
                  "funding organization 0 id", "funder identifier", "funder id"),
    "funder_name": ("funding org name", "funding organisation name",
                    "funding organization name", "funding organization 0 name", "funder name",
                    "funder", "funding organisation", "funding organization"),
    "programme": ("grant programme title", "grant programme 0 title", "grant programme name",
                  "grant programme", "programme title", "programme name", "programme",
                  "program", "grant scheme", "scheme", "fund name", "fund"),
}

#: Header variants per contracts register field (see :data:`GRANT_SYNONYMS` for the form).
CONTRACT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "reference": ("reference number", "contract reference", "contract reference number",
                  "contract ref", "contract ref no", "contract number", "contract no",
                  "contract id", "reference", "ref", "ref no", "reference no", "id"),
    "title": ("title", "contract title", "title of contract", "title of agreement",
              "contract name", "name of contract", "subject", "contract"),
    "description": ("description", "contract description", "description of contract",
                    "description of goods and services", "description of goods services",
                    "description of service", "summary", "details", "scope"),
    "department": ("department", "service area", "directorate", "department name",
                   "department responsible", "responsible department", "service", "division",
                   "business unit", "organisational unit", "portfolio", "team"),
    "supplier": ("supplier name", "supplier", "name of supplier", "supplier names",
                 "contractor", "contractor name", "provider", "provider name", "vendor",
                 "vendor name", "awarded to", "successful supplier"),
    "supplier_id": ("supplier registration number", "company number",
                    "company registration number", "companies house number",
                    "supplier company number", "registration number",
                    "supplier registration no", "company registration no", "company no",
                    "charity number", "charity registration number",
                    "charity or company number", "supplier id"),
    "value": ("value", "contract value", "total value", "total contract value",
              "value of contract", "contract value gbp", "total value gbp", "value gbp",
              "estimated value", "estimated contract value", "estimated total value",
              "total estimated value", "annual value", "estimated annual value",
              "annual contract value", "value excluding vat", "value ex vat"),
    "start_date": ("start date", "contract start date", "commencement date", "start",
                   "date of commencement", "contract start"),
    "end_date": ("end date", "contract end date", "expiry date", "contract expiry date",
                 "end", "contract end", "completion date"),
    "review_date": ("review date", "contract review date", "date of review", "review"),
    "procurement_type": ("procurement type", "quote or tender", "quote tender",
                         "tender or quote", "procurement method", "procurement route",
                         "procurement process", "method of procurement", "route to market",
                         "award procedure", "tender type"),
    "sme": ("sme", "sme status", "is sme", "sme y n", "is the supplier an sme",
            "supplier sme", "sme supplier", "sme flag", "small or medium enterprise",
            "small medium enterprise"),
    "vcse": ("vcse", "vcse status", "is vcse", "vcse y n", "voluntary sector",
             "voluntary or community sector", "voluntary community sector", "vcs",
             "voluntary community and social enterprise", "voluntary organisation",
             "vcse supplier", "is the supplier a vcse", "charity"),
}


def _index(synonyms: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for fld, variants in synonyms.items():
        for rank, v in enumerate(variants):
            if v in out:
                raise AssertionError(f"synonym {v!r} listed for {out[v][0]} and {fld}")
            if v != normalise_header(v):
                raise AssertionError(f"synonym {v!r} is not written as header_key makes it")
            out[v] = (fld, rank)
    return out


@dataclass(frozen=True)
class _Spec:
    kind: str                              # "grants" or "contracts register"
    loader: str                            # the function to name in hints
    fields: tuple[str, ...]
    columns: tuple[str, ...]
    synonyms: Mapping[str, tuple[str, ...]]
    index: Mapping[str, tuple[str, int]]
    required: tuple[tuple[str, ...], ...]  # each group: at least one of these fields
    money: str
    dates: tuple[str, ...]
    strict: tuple[str, ...]                # a mostly unreadable column stops loading
    bools: tuple[str, ...] = ()
    names: tuple[str, ...] = ()            # text fields that name what a row is about
    keys: tuple[str, ...] = ()             # fields whose content makes a row a record (a row
    #                                        with none of them is a note, dropped and counted)
    total_name: str = "amount_total"


GRANTS = _Spec(
    kind="grants", loader="load_grants", fields=GRANT_FIELDS, columns=GRANT_COLUMNS,
    synonyms=GRANT_SYNONYMS, index=_index(GRANT_SYNONYMS),
    required=(("amount",), ("recipient_name",)), money="amount", dates=("award_date",),
    strict=("amount", "award_date"), names=("recipient_name", "title", "funder_name"),
    keys=("amount", "recipient_name", "award_date", "title"),
    total_name="amount_total")

CONTRACTS = _Spec(
    kind="contracts register", loader="load_contracts_register", fields=CONTRACT_FIELDS,
    columns=CONTRACT_COLUMNS, synonyms=CONTRACT_SYNONYMS, index=_index(CONTRACT_SYNONYMS),
    required=(("title", "supplier"), ("value",)), money="value",
    dates=("start_date", "end_date", "review_date"), strict=("value", "start_date"),
    bools=("sme", "vcse"), names=("supplier", "title"),
    keys=("value", "supplier", "title", "start_date"),
    total_name="value_total")

#: A column is rejected (and loading stops) when more than this share of its non-empty cells
#: cannot be read: the wrong column was probably picked (the rule ``load_spend`` uses).
REJECT_SHARE = 0.5
#: The header row is looked for among this many first rows (title rows, notes above it).
HEADER_SEARCH_ROWS = 200
#: When no row names two fields exactly, the header is looked for among this many first rows
#: allowing typos (slower).
TYPO_SEARCH_ROWS = 30
#: How many example problem rows the report keeps per file.
MAX_EXAMPLES = 20

#: Yes/no cells of the SME and VCSE columns (compared as :func:`io.normalise_header` makes them).
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "sme", "vcse", "vcs", "small", "medium",
                        "micro", "small or medium", "small medium", "small and medium",
                        "micro small", "charity", "voluntary"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "large", "non sme", "not sme",
                         "not an sme", "non vcse", "not vcse", "not a vcse", "non vcs",
                         "not vcs", "large enterprise", "private", "public"})
UNKNOWN_WORDS = frozenset({"", "unknown", "not known", "n k", "nk", "tbc", "tbd", "n a", "na",
                           "not applicable", "not recorded", "none", "null", "nil", "nan"})

#: A totals label (``Total``, ``Grand Total``, ``Total value``, ``Total for 2023/24``), read
#: as ``spend.TOTAL_PATTERN`` reads it, with the words registers use.
TOTAL_PATTERN = (r"(?i)\s*(?:grand\s+|sub[\s-]?)?totals?"
                 r"(?:\s+(?:spend|values?|amounts?|awarded|grants?|contracts?))?"
                 r"(?:\s+(?:for|of|in)\b.*)?[\s:.]*")


# ----------------------------------------------------------------------------- predicates

def _keys(cells: Iterable) -> list[str]:
    return [header_key(c) for c in (cells or []) if c is not None]


def _fields_named(keys: Iterable[str], spec: _Spec) -> set[str]:
    return {spec.index[k][0] for k in keys if k in spec.index}


def _has_required(found: set[str], spec: _Spec) -> bool:
    return all(any(f in found for f in group) for group in spec.required)


_GRANT_MARKERS = ("grant", "award", "funding org", "funder", "recipient org")
_CONTRACT_MARKERS = ("contract", "quote or tender", "procurement", "sme", "vcse", "tender")


def looks_like_grants(header_cells: Sequence) -> bool:
    """True when a header row (raw or :func:`io.normalise_header`-ed cells) is a grants file's:
    it names an amount and a recipient, and at least one column only grants data has
    (``Amount Awarded``, ``Award Date``, ``Funding Org:…``, ``Recipient Org:…``,
    ``Grant Programme:…``). A spend file (``Supplier Name, Amount …``) is not grants."""
    keys = _keys(header_cells)
    if not _has_required(_fields_named(keys, GRANTS), GRANTS):
        return False
    return any(m in k for k in keys for m in _GRANT_MARKERS)


def looks_like_contracts(header_cells: Sequence) -> bool:
    """True when a header row (raw or normalised cells) is a contracts register's: it names a
    title or supplier and a value, and at least one column only a contracts register has (a
    start, end or review date, ``Quote or Tender``/procurement type, SME, VCSE, or a header
    with "contract" in it)."""
    keys = _keys(header_cells)
    found = _fields_named(keys, CONTRACTS)
    if not _has_required(found, CONTRACTS):
        return False
    if found & {"start_date", "end_date", "review_date", "procurement_type", "sme", "vcse"}:
        return True
    return any(re.search(r"\b" + m + r"\b", k) for k in keys for m in _CONTRACT_MARKERS)


# ----------------------------------------------------------------------------- mapping

def _check_mapping(mapping, spec: _Spec) -> dict[str, str | None]:
    """A user mapping validated: known fields only, column names as text (``None``/``""`` =
    the file has no such column). The caller's dict is never changed."""
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise DataFileError(
            f"mapping must be a dict of field → column header, not {type(mapping).__name__}",
            hint=f"e.g. {spec.loader}(path, mapping={{'{spec.money}': 'Total (GBP)'}}). "
                 f"Fields: {', '.join(spec.fields)}.")
    out: dict[str, str | None] = {}
    for k, v in mapping.items():
        if k not in spec.fields:
            close = difflib.get_close_matches(str(k), spec.fields, n=1)
            raise DataFileError(
                f"the mapping names an unknown {spec.kind} field {k!r}"
                + (f" (did you mean {close[0]!r}?)" if close else "")
                + f". Allowed fields: {', '.join(spec.fields)}",
                hint="mapping keys are the toolkit's field names; values are the column "
                     "headers in your file.")
        if v is not None and not isinstance(v, str):
            raise DataFileError(f"the mapping for {k!r} must be a column header (text) or "
                                f"None, not {v!r}")
        out[k] = v.strip() if isinstance(v, str) and v.strip() else None
    return out


@dataclass
class _Detection:
    header: list[str]
    positions: dict[str, int] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)
    alternatives: dict[str, list[int]] = field(default_factory=dict)
    absent: list[str] = field(default_factory=list)
    left_out: list[int] = field(default_factory=list)

    def report(self, spec: _Spec) -> dict:
        def where(p):
            return f"{self.header[p].strip()} ({column_letter(p + 1)})"
        return {
            "mapped": {f: {"column": self.header[p].strip(), "letter": column_letter(p + 1),
                           "how": self.how[f]}
                       for f, p in sorted(self.positions.items(),
                                          key=lambda kv: spec.fields.index(kv[0]))},
            "not_found": [f for f in spec.fields
                          if f not in self.positions and f not in self.absent],
            "absent_by_mapping": list(self.absent),
            "left_out": [where(p) for p in self.left_out],
            "also_matched": {f: [where(p) for p in ps] for f, ps in self.alternatives.items()},
        }


def _edit_distance(a: str, b: str, cap: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``cap + 1`` once it is surely above ``cap``."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i]
        for j, cb in enumerate(b, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > cap:
            return cap + 1
        prev = cur
    return prev[-1]


def _typo_of(key: str, index: Mapping[str, tuple[str, int]]) -> str | None:
    """The synonym ``key`` is a typo of (one changed letter in a 6–7 letter header, two in a
    longer one: ``suppler name`` → ``supplier name``), or ``None``. Closer is better; ties go
    to the table's order. Whole words that differ (``recipient org city`` against ``recipient
    org id``) are too far to count."""
    cap = 1 if len(key) < 8 else 2
    best, best_d = None, cap + 1
    for variant in index:
        d = _edit_distance(key, variant, cap)
        if d < best_d:
            best, best_d = variant, d
    return best


def _detect(header: Sequence[str], spec: _Spec, user: Mapping[str, str | None],
            file) -> _Detection:
    """Which column holds each field: the user's mapping, then the synonym table (best-ranked
    synonym, then leftmost column; the others kept as alternatives), then typos of a synonym
    (:func:`_typo_of`, reported as ``similar to …``)."""
    header = ["" if h is None else str(h) for h in header]
    keys = [header_key(h) for h in header]
    det = _Detection(header=header)
    taken: set[int] = set()
    for fld, col in user.items():
        if col is None:
            det.absent.append(fld)
            continue
        pos = mapped_column(header, keys, fld, col, file, taken)
        det.positions[fld], det.how[fld] = pos, "your mapping"
        taken.add(pos)
    candidates: dict[str, list[tuple[int, int]]] = {}
    for i, k in enumerate(keys):
        if i not in taken and k in spec.index:
            fld, rank = spec.index[k]
            candidates.setdefault(fld, []).append((rank, i))
    for fld in spec.fields:
        if fld in det.positions or fld in det.absent or fld not in candidates:
            continue
        ranked = sorted(candidates[fld])
        det.positions[fld], det.how[fld] = ranked[0][1], "synonym"
        taken.add(ranked[0][1])
        if len(ranked) > 1:
            det.alternatives[fld] = [i for _r, i in ranked[1:]]
    alt = {p for ps in det.alternatives.values() for p in ps}
    for i, k in enumerate(keys):
        if i in taken or i in alt or len(k) < 6 or k in spec.index:
            continue
        close = _typo_of(k, spec.index)
        if close:
            fld = spec.index[close][0]
            if fld not in det.positions and fld not in det.absent:
                det.positions[fld], det.how[fld] = i, f"similar to {close!r}"
                taken.add(i)
    det.left_out = [i for i, k in enumerate(keys) if k and i not in taken and i not in alt]
    return det


def _score(row: Sequence[str], spec: _Spec, extra: set[str]) -> float:
    found = set()
    for cell in row:
        k = header_key(cell)
        if not k:
            continue
        if k in spec.index:
            found.add(spec.index[k][0])
        elif k in extra:
            found.add("mapped:" + k)
    return float(len(found))


class _NoHeader(DataFileError):
    """A block without the key columns (a notes sheet of a workbook is skipped for this)."""


def _missing_error(file, sheet, spec: _Spec, header: Sequence[str], missing) -> DataFileError:
    need = " and ".join(" or ".join(f.replace("_", " ") for f in g) for g in missing)
    shown = {f: [v for v in spec.synonyms[f] if " 0 " not in v] for g in missing for f in g}
    looked = "; ".join(f"{f}: " + ", ".join(repr(v) for v in vs[:6]) + (", …" if len(vs) > 6 else "")
                       for f, vs in shown.items())
    seen = [h.strip() for h in header if h and h.strip()]
    example = ", ".join(f"'{g[0]}': '<column in your file>'" for g in missing)
    where = f" (sheet {sheet!r})" if sheet else ""
    other = ""
    from .spend import header_score as spend_score
    if spec is GRANTS and looks_like_contracts(header):
        other = " It looks like a contracts register: use registers.load_contracts_register."
    elif spec is CONTRACTS and looks_like_grants(header):
        other = " It looks like a 360Giving grants file: use registers.load_grants."
    elif spend_score(header) >= 3:
        other = " It looks like a spend file: use spend.load_spend."
    return _NoHeader(
        f"this does not look like a {spec.kind} file{where}: cannot find the {need} "
        f"column{'s' if len(missing) > 1 else ''}. Looked for headers like {looked} (any case "
        "or spacing). Columns seen: "
        + (", ".join(repr(s) for s in seen) if seen else "(no header row found)"),
        file=file,
        hint=f"if this is a {spec.kind} file, say which columns to use: "
             f"{spec.loader}(path, mapping={{{example}}}). Fields: {', '.join(spec.fields)}."
             + other)


# ----------------------------------------------------------------------------- reading

@dataclass
class _Block:
    file: Path
    sheet: str | None
    rows: list[list[str]]
    fmt: str                      # csv | xlsx | json
    encoding: str | None = None
    json_grants: bool = False     # row 0 is the built header; source_row = position in grants
    notes: list[str] = field(default_factory=list)


def _flatten(obj, prefix: str, out: dict[str, str]) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            _flatten(v, f"{prefix}/{k}" if prefix else str(k), out)
    elif isinstance(obj, list):
        if all(not isinstance(v, (dict, list)) for v in obj):
            if obj:
                out[prefix] = "; ".join(_cell_to_str(v) for v in obj)
        else:
            for i, v in enumerate(obj):
                _flatten(v, f"{prefix}/{i}", out)
    else:
        out[prefix] = _cell_to_str(obj)


def _json_block(path: Path) -> _Block:
    from .io import load_json

    decoded = read_text(path)
    try:
        doc = load_json(decoded.text, file=path)
    except json.JSONDecodeError as exc:
        raise DataFileError(f"the JSON cannot be read ({exc.msg})", file=path, row=exc.lineno,
                            column=exc.colno,
                            hint="check the file is complete (a download cut short ends "
                                 "mid-way); validate it at https://dataquality.threesixtygiving.org/."
                            ) from None
    grants = doc.get("grants") if isinstance(doc, dict) else doc if isinstance(doc, list) else None
    if not isinstance(grants, list):
        hint = "a 360Giving package is {\"grants\": [{\"id\": …, \"amountAwarded\": …}, …]}."
        if isinstance(doc, dict) and ("releases" in doc or "records" in doc):
            hint = "this is Open Contracting (OCDS) data: use procurement.load_ocds."
        raise DataFileError("this JSON is not a 360Giving package: it has no 'grants' list",
                            file=path, hint=hint)
    flat: list[dict[str, str]] = []
    for i, g in enumerate(grants, start=1):
        if not isinstance(g, dict):
            raise DataFileError(f"grant number {i} in the 'grants' list is not an object "
                                f"({type(g).__name__})", file=path,
                                hint="each grant must be {\"id\": …, \"amountAwarded\": …, …}.")
        row: dict[str, str] = {}
        _flatten(g, "", row)
        flat.append(row)
    header: dict[str, None] = {}
    for row in flat:
        header.update(dict.fromkeys(row))
    cols = list(header)
    rows = [cols] + [[r.get(c, "") for c in cols] for r in flat]
    return _Block(path, None, rows, "json", decoded.encoding, json_grants=True)


def _blocks(path: Path, sheet, spec: _Spec) -> list[_Block]:
    suffix = path.suffix.lower()
    if suffix == ".json":
        if spec is not GRANTS:
            raise DataFileError(
                "a contracts register is read from CSV or .xlsx, not JSON", file=path,
                hint="for Open Contracting (OCDS) JSON use procurement.load_ocds; for 360Giving "
                     "grants JSON use registers.load_grants.")
        return [_json_block(path)]
    if suffix in EXCEL_SUFFIXES or suffix == ".xls":
        return [_Block(path, name, rows, "xlsx", "xlsx") for name, rows in read_rows(path, sheet)]
    decoded = read_text(path)
    if not decoded.text.strip():
        raise DataFileError("the file is empty", file=path,
                            hint=f"check the download; a {spec.kind} file needs a header row.")
    return [_Block(path, None, parse_csv_text(decoded.text, file=path), "csv", decoded.encoding)]


# ----------------------------------------------------------------------------- values

def parse_yes_no(values):
    """``Yes``/``Y``/``True``/``1``/``SME``/``Small`` → True; ``No``/``N``/``False``/``0``/
    ``Non-SME``/``Large`` → False; empty, ``N/A``, ``Unknown``, ``TBC`` → None (empty).
    Returns ``(values, empty, bad)``: an object Series of True/False/None and two masks."""
    import pandas as pd

    s = pd.Series(values, dtype="object").map(lambda v: "" if v is None or v != v else str(v))
    stripped = s.str.strip()
    lookup: dict[str, tuple[object, str]] = {}
    for raw in stripped.unique():
        key = normalise_header(raw)
        if raw.upper() in MISSING_TOKENS or key in UNKNOWN_WORDS:
            lookup[raw] = (None, "empty")
        elif key in TRUE_WORDS or key.startswith("yes "):
            lookup[raw] = (True, "ok")
        elif key in FALSE_WORDS or key.startswith(("no ", "non ", "not ")):
            lookup[raw] = (False, "ok")
        else:
            lookup[raw] = (None, "bad")
    out = pd.Series([lookup[v][0] for v in stripped], index=s.index, dtype="object")
    state = stripped.map(lambda v: lookup[v][1])
    return out, state.eq("empty"), state.eq("bad")


def _add_issue(issues, mask, text):
    import pandas as pd

    sel = mask[mask].index
    if not len(sel):
        return issues
    cur = issues.loc[sel]
    add = text.loc[sel] if isinstance(text, pd.Series) else text
    issues.loc[sel] = cur.where(cur == "", cur + "; ") + add
    return issues


def _examples(mask, rownum, column: str, raw, problem: str) -> list[dict]:
    return [{"row": int(rownum[i]), "column": column, "value": str(raw[i]), "problem": problem}
            for i in mask[mask].index[:MAX_EXAMPLES]]


def _check_share(bad, empty, raw, rownum, block: _Block, colname: str, fld: str, what: str,
                 spec: _Spec):
    filled = int((~empty).sum())
    n_bad = int(bad.sum())
    if filled >= 3 and n_bad > REJECT_SHARE * filled:
        first = bad[bad].index[0]
        examples = ", ".join(repr(str(v)) for v in raw[bad].head(3))
        raise DataFileError(
            f"{n_bad:,} of {filled:,} values in the column used for {fld} cannot be read as "
            f"{what} (e.g. {examples}); this is probably not the {fld} column",
            file=block.file, row=int(rownum[first]), column=colname,
            hint=f"pass {spec.loader}(path, mapping={{'{fld}': '<the right column>'}}) "
                 f"(or '{fld}': None if the file has no such column)."
                 + (f" Sheet: {block.sheet!r}." if block.sheet else ""))


# ----------------------------------------------------------------------------- tidying

def _empty_frame(spec: _Spec):
    import pandas as pd

    data = {}
    for c in spec.columns:
        if c == spec.money:
            data[c] = pd.Series(dtype="float64")
        elif c in spec.dates:
            data[c] = pd.Series(dtype="datetime64[ns]")
        elif c == "source_row":
            data[c] = pd.Series(dtype="int64")
        elif c in spec.bools:
            data[c] = pd.Series(dtype="object")
        else:
            data[c] = pd.Series(dtype="str")
    return pd.DataFrame(data)


def _fix_dtypes(df, spec: _Spec):
    for c in df.columns:
        if c == spec.money:
            df[c] = df[c].astype("float64")
        elif c in spec.dates:
            df[c] = df[c].astype("datetime64[ns]")
        elif c == "source_row":
            df[c] = df[c].astype("int64")
        elif c in spec.bools:
            df[c] = df[c].astype("object").where(df[c].notna(), None)
        else:
            df[c] = df[c].astype("str")
    return df


def _is_total(col):
    """Boolean Series: cells that are a totals label (:data:`TOTAL_PATTERN`)."""
    maybe = col.str.lower().str.contains("total", regex=False).fillna(False).astype(bool)
    out = maybe.copy()
    if maybe.any():
        out.loc[maybe] = col[maybe].str.fullmatch(TOTAL_PATTERN).fillna(False).astype(bool)
    return out


def _tidy(block: _Block, spec: _Spec, user: Mapping[str, str | None]):
    """One block of raw cells → (canonical frame, report dict)."""
    import numpy as np
    import pandas as pd

    from .spend import normalise_text, parse_amounts, parse_dates

    rows = block.rows
    width = max((len(r) for r in rows), default=0)
    grid = [[str(c).strip() for c in r] + [""] * (width - len(r)) for r in rows]
    extra = {header_key(c) for c in user.values() if c}
    if block.json_grants:
        h = 0
    else:
        h = find_header_row(grid, lambda r: _score(r, spec, extra),
                            min_score=1 if extra else 2, search_rows=HEADER_SEARCH_ROWS)
    if h is None:  # headers with typos only (``Suppler Name``): the first rows, more slowly
        scores = [(len(_detect(r, spec, {}, None).positions), -i) for i, r in
                  enumerate(grid[:TYPO_SEARCH_ROWS]) if any(r)]
        if scores and max(scores)[0] >= 2:
            h = -max(scores)[1]
    if h is None:  # say what the most header-like row (or the first row) lacks
        best = find_header_row(grid, lambda r: _score(r, spec, extra), min_score=1,
                               search_rows=HEADER_SEARCH_ROWS)
        first = grid[best] if best is not None else next((r for r in grid[:50] if any(r)), [])
        try:
            found = _detect(first, spec, user, block.file).positions if first else {}
        except DataFileError as exc:  # a mapped column missing: skippable like no header
            raise _NoHeader(exc.problem, file=exc.file, column=exc.column, hint=exc.hint) from None
        missing = [g for g in spec.required if not any(f in found for f in g)]
        raise _missing_error(block.file, block.sheet, spec, first, missing or list(spec.required))
    header = [str(c) for c in rows[h]] + [""] * (width - len(rows[h]))
    det = _detect(header, spec, user, block.file)
    missing = [g for g in spec.required if not any(f in det.positions for f in g)]
    if missing:
        raise _missing_error(block.file, block.sheet, spec, header, missing)
    report: dict = {"file": block.file.name, "sheet": block.sheet, "format": block.fmt,
                    "encoding": block.encoding,
                    "header_row": None if block.json_grants else int(h + 1),
                    "rows_in_file": len(rows) - 1 if block.json_grants else len(rows),
                    "notes": list(block.notes)}
    offset = 0 if block.json_grants else 1  # source_row = index + offset
    body = pd.DataFrame(grid[h + 1:] or None, columns=range(width), dtype="str")
    body.index = range(h + 1, h + 1 + len(body))
    filled = body.ne("")
    # a chosen column that is empty while another column for the field has values: use that
    for fld, others in det.alternatives.items():
        p = det.positions[fld]
        if not filled[p].any():
            o = next((o for o in others if filled[o].any()), None)
            if o is not None:
                det.positions[fld], det.alternatives[fld] = o, [p] + [x for x in others if x != o]
                det.how[fld] += f" (column {column_letter(p + 1)} is empty)"
                report["notes"].append(
                    f"{fld}: column {column_letter(p + 1)} ({header[p].strip()!r}) is empty, "
                    f"so column {column_letter(o + 1)} ({header[o].strip()!r}) is used")
    pos = det.positions
    # rows that are not records: blank, a repeated header, totals, notes
    dropped: dict[str, int] = {}
    if not block.json_grants:
        dropped["title or blank rows above the header"] = int(h)
    blank = ~filled.any(axis=1) if width else pd.Series(True, index=body.index)
    named = [c for c in range(width) if header[c].strip()]
    repeated = pd.Series(True, index=body.index) if named else pd.Series(False, index=body.index)
    for c in named:
        repeated &= body[c] == header[c].strip()
    repeated &= ~blank
    name_cols = [body[pos[f]] for f in spec.names if f in pos]
    no_name = pd.Series(True, index=body.index)
    label = pd.Series(False, index=body.index)
    for col in name_cols:
        no_name &= col == ""
        label |= _is_total(col)
    totals = pd.Series(False, index=body.index)
    cand = (no_name | label) & ~blank & ~repeated
    if cand.any():
        sub = body[cand]
        hit = pd.Series(False, index=sub.index)
        for c in sub.columns:
            if c != pos.get(spec.money):
                hit |= _is_total(sub[c])
        totals.loc[hit[hit].index] = True
    key_cols = [pos[f] for f in spec.keys if f in pos]
    content = filled[key_cols].any(axis=1) if key_cols else pd.Series(False, index=body.index)
    notes = ~content & ~blank & ~repeated & ~totals
    for why, m in (("blank", blank), ("repeated header", repeated), ("totals", totals),
                   ("no " + ", ".join(f.replace("_", " ") for f in spec.keys), notes)):
        if int(m.sum()):
            dropped[why] = int(m.sum())
    keep = body[~(blank | repeated | totals | notes)]
    rownum = pd.Series(keep.index.to_numpy() + offset, index=keep.index, dtype="int64")
    out: dict = {}
    issues = pd.Series("", index=keep.index, dtype="str")
    examples: list[dict] = []
    problems: dict[str, int] = {}
    for fld in spec.fields:
        if fld not in pos:
            continue
        raw = keep[pos[fld]]
        colname = header[pos[fld]].strip()
        if fld == spec.money:
            p = parse_amounts(raw)
            out[fld] = p.values
            if fld in spec.strict:
                _check_share(p.bad, p.empty, raw, rownum, block, colname, fld, "amounts", spec)
            problems[f"{fld} unreadable"] = int(p.bad.sum())
            problems[f"{fld} missing"] = int(p.empty.sum())
            issues = _add_issue(issues, p.bad, f"{fld}: not a number ('" + raw + "')")
            issues = _add_issue(issues, p.empty, f"{fld}: empty")
            examples += _examples(p.bad, rownum, colname, raw, f"{fld} not a number")
        elif fld in spec.dates:
            p = parse_dates(raw)
            out[fld] = p.values
            if fld in spec.strict:
                _check_share(p.bad, p.empty | p.lost, raw, rownum, block, colname, fld,
                             "dates", spec)
            problems[f"{fld} unreadable"] = int(p.bad.sum())
            issues = _add_issue(issues, p.bad, f"{fld}: not a date ('" + raw + "')")
            examples += _examples(p.bad, rownum, colname, raw, f"{fld} not a date")
            if p.lost.any():
                problems[f"{fld} lost (00:00:00)"] = int(p.lost.sum())
                issues = _add_issue(issues, p.lost, f"{fld}: lost (00:00:00)")
                examples += _examples(p.lost, rownum, colname, raw, f"{fld} lost")
            report.setdefault("date_order", {})[fld] = p.info.get("order")
        elif fld in spec.bools:
            vals, _empty, bad = parse_yes_no(raw)
            out[fld] = vals
            problems[f"{fld} unreadable"] = int(bad.sum())
            issues = _add_issue(issues, bad, f"{fld}: not yes/no ('" + raw + "')")
            examples += _examples(bad, rownum, colname, raw, f"{fld} not yes/no")
        else:
            out[fld] = normalise_text(raw)
    result = pd.DataFrame({c: out.get(c) if c in out else None for c in spec.fields},
                          index=keep.index)
    result["source_file"] = block.file.name
    result["source_row"] = rownum
    result["sheet"] = block.sheet
    result["issue"] = issues.where(issues != "")
    result = _fix_dtypes(result[list(spec.columns)].reset_index(drop=True), spec)
    report.update(det.report(spec))
    report["rows_kept"] = int(len(result))
    report["dropped"] = dropped
    report["problems"] = {k: v for k, v in problems.items() if v}
    report["examples"] = examples[:MAX_EXAMPLES]
    report[spec.total_name] = round(float(np.nansum(result[spec.money].to_numpy())), 2)
    return result, report


# ----------------------------------------------------------------------------- loading

def _iso(ts) -> str | None:
    import pandas as pd

    return None if ts is None or pd.isna(ts) else ts.date().isoformat()


def _load(path, spec: _Spec, mapping, sheet, patterns: Sequence[str]):
    import pandas as pd

    user = _check_mapping(mapping, spec)
    if path is None or (isinstance(path, (list, tuple)) and not path):
        raise DataFileError(f"no {spec.kind} files given",
                            hint="pass a file, a list of files or a folder.")
    frames, reports = [], []
    for p in iter_paths(path, patterns):
        blocks = _blocks(Path(p), sheet, spec)
        usable, skipped = 0, []
        for block in blocks:
            if not any(any(str(c).strip() for c in r) for r in block.rows):
                if block.json_grants:
                    reports.append({"file": p.name, "sheet": None, "format": "json",
                                    "rows_kept": 0, "notes": ["the 'grants' list is empty"]})
                    usable += 1
                else:
                    skipped.append({"file": p.name, "sheet": block.sheet, "skipped": "empty",
                                    "rows_kept": 0})
                continue
            try:
                df, rep = _tidy(block, spec, user)
            except _NoHeader:
                # in a workbook, a sheet without the key columns (notes, pivot) is skipped
                if block.sheet is not None and sheet is None and len(blocks) > 1:
                    skipped.append({"file": p.name, "sheet": block.sheet, "rows_kept": 0,
                                    "skipped": f"no {spec.kind} header"})
                    continue
                raise
            usable += 1
            frames.append(df)
            reports.append(rep)
        if not usable:
            if all(s["skipped"] == "empty" for s in skipped):
                raise DataFileError("the file has no rows", file=p,
                                    hint=f"check the download; a {spec.kind} file needs a "
                                         "header row and rows.")
            req = " and ".join(" or ".join(g) for g in spec.required)
            raise DataFileError(
                f"no sheet of this workbook has {spec.kind} columns ({req})", file=p,
                hint=f"pass sheet='<name>' and a mapping, e.g. {spec.loader}(path, sheet=…, "
                     f"mapping={{…}}); sheets: {', '.join(repr(b.sheet) for b in blocks)}.")
        reports.extend(skipped)
    frames = [f for f in frames if len(f)]
    if not frames:
        out = _empty_frame(spec)
    elif len(frames) == 1:
        out = frames[0]
    else:
        out = _fix_dtypes(pd.concat(frames, ignore_index=True), spec)
    total = round(float(out[spec.money].sum()), 2)
    report = {"rows": int(len(out)), "issues": int(out["issue"].notna().sum()),
              spec.total_name: total, "files": reports}
    return out, report


def load_grants(path, *, mapping: Mapping | None = None, sheet: str | int | None = None):
    """360Giving grants data → one frame of grants (:data:`GRANT_COLUMNS`).

    Parameters
    ----------
    path:
        a CSV, ``.xlsx`` or 360Giving JSON package (``{"grants": [...]}``) file, a list of
        them, or a folder (its ``*.csv``, ``*.xlsx``, ``*.json`` files, sorted by name).
    mapping:
        optional ``{field: column header}`` overriding detection, e.g.
        ``{"recipient_name": "Organisation", "amount": "Grant (£)"}``; ``None`` as a value says
        the file has no such column. Fields: :data:`GRANT_FIELDS`. For JSON, columns are the
        grant's paths (``recipientOrganization/0/name``).
    sheet:
        for workbooks, one sheet (name or 0-based number) instead of every sheet.

    ``df.attrs["report"]``: ``rows``, ``issues``, ``amount_total`` (all currencies added
    together; ``currencies`` counts them), ``first_award_date`` / ``last_award_date`` (ISO
    text), ``files`` (per file: header row, column mapping, rows dropped, unreadable cells).
    Raises :class:`DataFileError` for a file that cannot be read or has no amount and
    recipient columns.
    """
    out, report = _load(path, GRANTS, mapping, sheet, ("*.csv", "*.xlsx", "*.xlsm", "*.json"))
    dates = out["award_date"].dropna()
    report["first_award_date"] = _iso(dates.min()) if len(dates) else None
    report["last_award_date"] = _iso(dates.max()) if len(dates) else None
    currencies = out["currency"].dropna().str.upper().value_counts()
    report["currencies"] = {str(k): int(v) for k, v in currencies.items()}
    if len(currencies) > 1:
        report["notes"] = ["amount_total adds amounts in more than one currency ("
                           + ", ".join(report["currencies"]) + "): total each currency apart"]
    out.attrs["report"] = report
    return out


def load_contracts_register(path, *, mapping: Mapping | None = None,
                            sheet: str | int | None = None):
    """A Local Government Transparency Code contracts register → one frame of contracts
    (:data:`CONTRACT_COLUMNS`).

    Parameters
    ----------
    path:
        a CSV or ``.xlsx`` file, a list of them, or a folder (its ``*.csv``/``*.xlsx`` files).
    mapping:
        optional ``{field: column header}`` overriding detection, e.g.
        ``{"value": "Estimated Spend", "supplier": "Awarded Supplier"}``; ``None`` as a value
        says the file has no such column. Fields: :data:`CONTRACT_FIELDS`.
    sheet:
        for workbooks, one sheet (name or 0-based number) instead of every sheet.

    ``sme`` and ``vcse`` are True, False or None (not given). ``df.attrs["report"]``: ``rows``,
    ``issues``, ``value_total``, ``first_start_date`` / ``last_start_date`` /
    ``last_end_date`` (ISO text), ``files`` (per file: header row, column mapping, rows
    dropped, unreadable cells). Raises :class:`DataFileError` for a file that cannot be read or
    has no title/supplier and value columns.
    """
    out, report = _load(path, CONTRACTS, mapping, sheet, ("*.csv", "*.xlsx", "*.xlsm"))
    starts, ends = out["start_date"].dropna(), out["end_date"].dropna()
    report["first_start_date"] = _iso(starts.min()) if len(starts) else None
    report["last_start_date"] = _iso(starts.max()) if len(starts) else None
    report["last_end_date"] = _iso(ends.max()) if len(ends) else None
    out.attrs["report"] = report
    return out


__all__ = [
    "GRANT_FIELDS", "GRANT_COLUMNS", "GRANT_SYNONYMS", "CONTRACT_FIELDS", "CONTRACT_COLUMNS",
    "CONTRACT_SYNONYMS", "TRUE_WORDS", "FALSE_WORDS", "UNKNOWN_WORDS", "load_grants",
    "load_contracts_register", "looks_like_grants", "looks_like_contracts", "parse_yes_no",
]
