"""Stage 2: the data inventory — the datasets a service uses now and could use.

A CSV (or ``.xlsx``) with one row per dataset:

``name, steward, licence, format, update_frequency, last_updated, link, personal_data, status``
and optionally ``file`` (a local copy, for the quality scorecard) and ``notes``.

``status`` is ``uses`` or ``could use``; ``personal_data`` is ``yes`` or ``no``. A blank
steward or licence is allowed here (the scorecard marks it down: that is the accountability gap
the inventory exists to find), but a missing column, a dataset with no name, an unreadable date,
an unknown update frequency or a personal-data answer other than yes/no is refused with the
file, row and column and what to write instead.
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path

from .errors import DataFileError
from .io import is_blank_row, normalise_header, read_rows

FIELDS = ("name", "steward", "licence", "format", "update_frequency", "last_updated", "link",
          "personal_data", "status")
OPTIONAL = ("file", "notes")
ALIASES = {
    "name": "name", "dataset": "name", "dataset name": "name", "title": "name",
    "steward": "steward", "owner": "steward", "data owner": "steward", "publisher": "steward",
    "licence": "licence", "license": "licence",
    "format": "format", "file format": "format",
    "update frequency": "update_frequency", "frequency": "update_frequency",
    "updated": "update_frequency",
    "last updated": "last_updated", "last modified": "last_updated", "date updated": "last_updated",
    "link": "link", "url": "link", "web address": "link",
    "personal data": "personal_data", "personal": "personal_data", "contains personal data": "personal_data",
    "status": "status", "use": "status",
    "file": "file", "local file": "file", "local copy": "file",
    "notes": "notes", "note": "notes", "comments": "notes",
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
STATUSES = {"uses": "uses", "uses now": "uses", "in use": "uses", "current": "uses",
            "could use": "could use", "could": "could use", "potential": "could use",
            "wanted": "could use"}


def load_inventory(path: str | os.PathLike):
    """Read and check a data inventory → DataFrame with :data:`FIELDS` (+ ``file``, ``notes``,
    ``source_row``). ``last_updated`` is a date (``None`` when blank), ``personal_data`` a bool."""
    import pandas as pd

    from .quality import frequency_days, parse_date

    path = Path(path)
    if not path.exists():
        raise DataFileError("file not found", file=path,
                            hint="check data.inventory in the config (relative to the config's folder).")
    (_, rows), *_ = read_rows(path)
    numbered = [(i, r) for i, r in enumerate(rows, start=1) if not is_blank_row(r)]
    if not numbered:
        raise DataFileError("the inventory is empty", file=path,
                            hint=f"start with a header row: {', '.join(FIELDS)}.")
    hline, header = numbered[0]
    cols: dict[str, int] = {}
    for j, h in enumerate(header):
        norm = normalise_header(h)
        if not norm:
            continue
        canon = ALIASES.get(norm) or (norm.replace(" ", "_") if norm.replace(" ", "_") in FIELDS + OPTIONAL else None)
        if canon is None:
            close = difflib.get_close_matches(norm, list(ALIASES), n=1)
            raise DataFileError(f"unknown column {h!r}" + (f" (did you mean {close[0]!r}?)" if close else ""),
                                file=path, row=hline, column=j + 1,
                                hint=f"the inventory's columns are {', '.join(FIELDS + OPTIONAL)}.")
        if canon in cols:
            raise DataFileError(f"two columns mean {canon!r}", file=path, row=hline, column=j + 1,
                                hint="keep one of them.")
        cols[canon] = j
    missing = [f for f in FIELDS if f not in cols]
    if missing:
        raise DataFileError(f"the inventory has no {', '.join(repr(m) for m in missing)} column",
                            file=path, row=hline,
                            hint=f"the inventory needs the columns {', '.join(FIELDS)} "
                                 "(cells may be blank where you do not know yet).")
    out = []
    for line, r in numbered[1:]:
        cell = {f: (r[j].strip() if j < len(r) else "") for f, j in cols.items()}
        if not cell["name"]:
            raise DataFileError("a dataset with no name", file=path, row=line, column="name",
                                hint="give every dataset a short name.")
        try:
            last = parse_date(cell["last_updated"])
        except ValueError:
            raise DataFileError(f"{cell['last_updated']!r} is not a date", file=path, row=line,
                                column="last_updated",
                                hint="write it as 2024-03-31 or 31/03/2024 (or leave it blank).") from None
        if cell["update_frequency"]:
            try:
                frequency_days(cell["update_frequency"])
            except ValueError as exc:
                raise DataFileError(str(exc), file=path, row=line, column="update_frequency",
                                    hint="use daily, weekly, monthly, quarterly, annually or one-off.") from None
        pd_ = cell["personal_data"].lower()
        if pd_ not in YES | NO:
            raise DataFileError(f"personal_data is {cell['personal_data']!r}", file=path, row=line,
                                column="personal_data",
                                hint="write yes or no: does the dataset hold data about identifiable people?")
        status = STATUSES.get(cell["status"].lower())
        if status is None:
            raise DataFileError(f"status is {cell['status']!r}", file=path, row=line, column="status",
                                hint="write 'uses' (the service uses it now) or 'could use'.")
        rec = {f: cell.get(f, "") for f in FIELDS + OPTIONAL}
        rec.update(last_updated=last, personal_data=pd_ in YES, status=status, source_row=line)
        if rec["file"]:
            p = Path(rec["file"])
            p = p if p.is_absolute() else (path.parent / p).resolve()
            if not p.is_file():
                raise DataFileError(f"the local copy {cell['file']!r} does not exist", file=path,
                                    row=line, column="file",
                                    hint="give the path of the dataset's file relative to the "
                                         "inventory's folder, or leave 'file' blank.")
            rec["file"] = str(p)
        out.append(rec)
    if not out:
        raise DataFileError("the inventory lists no datasets", file=path,
                            hint="add one row per dataset under the header.")
    return pd.DataFrame(out, columns=[*FIELDS, *OPTIONAL, "source_row"])


def gaps(inv):
    """Accountability gaps as a risk list: one row per dataset and problem (no steward, no or
    closed licence, no date, personal data), with a risk level (high, medium, low) and what
    to do. High first."""
    import pandas as pd

    from .quality import open_licence, steward_named

    rows = []
    for r in inv.to_dict("records"):
        if not steward_named(r["steward"]):
            rows.append((r["name"], "no named steward", "high",
                         "name the team or post accountable for it"))
        if open_licence(r["licence"]) is None:
            rows.append((r["name"], "no open licence" if not r["licence"] else
                         f"licence {r['licence']!r} is not open", "medium",
                         "agree a licence (the Open Government Licence for council data)"))
        if r["last_updated"] is None:
            rows.append((r["name"], "no last-updated date", "low",
                         "record when it was last updated"))
        if r["personal_data"]:
            rows.append((r["name"], "holds personal data", "high",
                         "a data protection impact assessment before sharing; publish only "
                         "aggregated or redacted extracts"))
    df = pd.DataFrame(rows, columns=["dataset", "gap", "risk", "what to do"])
    order = {"high": 0, "medium": 1, "low": 2}
    return df.sort_values("risk", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def owners_table(inv):
    """Data owners (stewards) and what they hold: the management case's accountability table."""
    t = inv.assign(steward=inv["steward"].where(inv["steward"].astype(bool), "(none named)"))
    g = t.groupby("steward", sort=True).agg(datasets=("name", "count"),
                                            names=("name", lambda s: "; ".join(s)),
                                            personal_data=("personal_data", "sum")).reset_index()
    g["personal_data"] = g["personal_data"].astype(int)
    return g


CASE_STUDIES = {
    "tfl_transport": "Transport for London case study",
    "spend_network_tenders": "Spend Network case study",
    "dwp_jobseekers": "DWP jobseekers case study",
}


def case_study_evidence(output_dir):
    """Tables the case studies have already written for this council (if they have run), as
    candidate rows for the inventory: notebook, artefact, title, case, file. Empty when none
    has run — nothing here is required."""
    import pandas as pd

    from .artefacts import read_manifests

    rows = []
    for nb, manifest in read_manifests(output_dir).items():
        if nb not in CASE_STUDIES:
            continue
        for e in manifest.get("entries", []):
            if e.get("kind") == "table":
                rows.append({"notebook": nb, "source": CASE_STUDIES[nb], "artefact": e["name"],
                             "title": e.get("title", ""), "case": e.get("case", ""),
                             "file": f"{nb}/{e['file']}"})
    return pd.DataFrame(rows, columns=["notebook", "source", "artefact", "title", "case", "file"])
