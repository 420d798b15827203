"""Blank templates for the inputs a council writes itself, and where an input comes from.

Some inputs are not downloaded but written by the service team: the barriers self-check, the
benefits register, the logic model, the appraisal options, the data inventory, the ecosystem
maps, the maturity self-check and the dataset it means to open. :func:`write_templates` writes
each as a blank file (headers and guidance only, never example values) that ``toolkit init``
points the config at. A notebook given a template that is still blank runs, and says what to
fill in (:func:`is_blank`).

:func:`origin` says where an input comes from, for the business case pack: ``example`` (the
toolkit's synthetic sample council, under ``data/sample/``), ``template`` (still blank) or
``council``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Template:
    key: str  # the config data key
    filename: str
    what: str  # what the council writes in it (shown in the notebooks and the config)


def _yaml_barriers() -> str:
    from .orientation import BARRIERS

    lines = ["# Barriers self-check (start-here notebook).",
             "# Score each barrier from 1 (a big problem for us) to 5 (not a problem), e.g.",
             "#   understanding: 3",
             "scores:"]
    lines += [f"  {b.key}:    # {b.barrier}: 5 means {b.statement}" for b in BARRIERS]
    return "\n".join(lines) + "\n"


def _yaml_logic_model() -> str:
    return ("# Logic model (stage 1): what goes in, what you do, what it makes, what changes for\n"
            "# people, and the long-term impact. One item per line under each stage, e.g.\n"
            "#   inputs:\n#     - (a person, some time, a dataset)\n"
            + "".join(f"{s}: []\n" for s in ("inputs", "activities", "outputs", "outcomes",
                                             "impact")))


def _yaml_ecosystem(state: str) -> str:
    return (f"# Ecosystem map, {state} state (stage 2). Actors: id, name, roles (steward,\n"
            "# contributor, reuser, beneficiary, intermediary). Flows: from, to, type (data,\n"
            "# money, service, intangible), label. One per line, e.g.\n"
            "#   actors:\n#     - {id: team, name: (who), roles: [steward]}\n"
            "#   flows:\n#     - {from: team, to: residents, type: data, label: (what)}\n"
            f"name: \"\"\nstate: {state}\nactors: []\nflows: []\n")


def _yaml_maturity() -> str:
    from .maturity import DIMENSIONS

    lines = ["# Open data maturity self-check (ODI Open Data Pathway), stage 4.",
             "# Score each dimension from 1 (initial) to 5 (optimising); targets and notes are",
             "# optional.", "scores:"]
    lines += [f"  {k}:    # {v}" for k, v in DIMENSIONS.items()]
    lines += ["targets: {}", "notes: {}"]
    return "\n".join(lines) + "\n"


def _yaml_proposal() -> str:
    return """# The proposal (the business case's own words, in the Five Case Model). The notebooks add the
# evidence; fill in what only the council can say. Lists take one item per line ("- ...").
title: ""              # what the proposal is, in a few words
version: ""            # e.g. "0.1 (draft)"
date: ""               # yyyy-mm-dd
stage: ""              # Strategic Outline Case, Outline Business Case, Full Business Case or Business Justification Case
decision_sought: ""    # what the board is asked to approve
scope:
  in: []
  out: []
constraints: []
dependencies: []
strategic_fit: []      # how it serves the council's strategies
critical_success_factors: []   # e.g. Strategic fit, Value for money, Supplier capacity, Affordability, Achievability
long_list: []          # each: {option: ..., choices: {scope: ..., solution: ..., delivery: ..., implementation: ..., funding: ...},
                       #        assessment: {<factor>: met / partly / not met}, shortlisted: yes/no, reason: ...}
non_monetised_benefits: []
commercial:
  route: ""            # how it will be bought (e.g. a framework call-off, an open procedure)
  thresholds: ""       # which procurement rules apply at this value
  contract_type: ""
  length: ""
  payment: ""          # payment mechanism
  risk_allocation: []  # each: {risk: ..., held_by: ...}
  personnel: ""        # TUPE implications
financial:
  inflation_pct:       # general inflation assumed for nominal (cash) prices, e.g. 2.0
  vat: ""              # VAT treatment
  accounting: ""       # capital or revenue
  funding: []          # each: {source: ..., amount: ..., years: ..., confirmed: yes/no}
  shortfall: ""        # how any gap is met
management:
  senior_responsible_owner: ""
  board: ""
  milestones: []       # each: {milestone: ..., date: yyyy-mm-dd, owner: ...}
  risks: []            # each: {risk: ..., likelihood: 1-5, impact: 1-5, owner: ..., mitigation: ...}
  benefits_realisation: ""
  evaluation: ""       # the post-implementation review
"""


def _csv(header: list[str]) -> str:
    return ",".join(header) + "\n"


TEMPLATES: dict[str, Template] = {t.key: t for t in (
    Template("barriers", "barriers.yaml", "the barriers self-check: five scores from 1 to 5"),
    Template("benefits", "benefits.csv",
             "the benefits register: one row per benefit (benefit, who gains, measure, "
             "baseline, target, owner, by when)"),
    Template("logic_model", "logic_model.yaml",
             "the logic model: inputs, activities, outputs, outcomes, impact"),
    Template("options", "appraisal_options.csv",
             "the appraisal options: one row per option, year, stream (cost or benefit), "
             "category and value in £ (real prices); include 'Do minimum'"),
    Template("inventory", "inventory.csv",
             "the data inventory: one row per dataset the service uses or could use"),
    Template("ecosystem", "ecosystem_current.yaml",
             "the ecosystem map as it is now: actors and flows"),
    Template("ecosystem_target", "ecosystem_target.yaml",
             "the ecosystem map as it should be: actors and flows"),
    Template("maturity", "maturity.yaml",
             "the Open Data Pathway self-check: five scores from 1 to 5"),
    Template("proposal", "proposal.yaml",
             "the proposal: the decision sought, scope, long list of options, how it will be "
             "bought and funded, the delivery plan and risks"),
    Template("publish_dataset", "dataset_to_publish.csv",
             "the dataset you mean to open, as a CSV with a header row (replace this file)"),
)}


def template_text(key: str) -> str:
    """The blank template for a data key."""
    from .appraisal import OPTION_COLUMNS, OPTIONAL_COLUMNS
    from .inventory import FIELDS as INVENTORY_FIELDS
    from .inventory import OPTIONAL as INVENTORY_OPTIONAL

    if key == "barriers":
        return _yaml_barriers()
    if key == "logic_model":
        return _yaml_logic_model()
    if key in ("ecosystem", "ecosystem_target"):
        return _yaml_ecosystem("current" if key == "ecosystem" else "target")
    if key == "maturity":
        return _yaml_maturity()
    if key == "benefits":
        return _csv(["Benefit", "Who gains", "Measure", "Baseline", "Target", "Owner",
                     "By when"])
    if key == "options":
        return _csv(list(OPTION_COLUMNS) + list(OPTIONAL_COLUMNS))
    if key == "inventory":
        return _csv(list(INVENTORY_FIELDS) + list(INVENTORY_OPTIONAL))
    if key == "publish_dataset":
        return ""
    if key == "proposal":
        return _yaml_proposal()
    raise KeyError(key)


def write_templates(folder: str | os.PathLike, keys=None) -> dict[str, Path]:
    """Write blank templates into ``folder`` (made if needed). A file that already exists is
    never overwritten: it is the council's. Returns ``{data key: path}``."""
    from .io import atomic_write_text

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for key in keys or TEMPLATES:
        path = folder / TEMPLATES[key].filename
        if not path.exists():
            atomic_write_text(path, template_text(key))
        out[key] = path
    return out


# ------------------------------------------------------------------ blank or filled

def _has_value(obj) -> bool:
    if obj is None:
        return False
    if isinstance(obj, str):
        return bool(obj.strip())
    if isinstance(obj, dict):
        return any(_has_value(v) for k, v in obj.items() if k not in ("state",))
    if isinstance(obj, (list, tuple)):
        return any(_has_value(v) for v in obj)
    return True


def is_blank(path) -> bool:
    """True for an input that is still a blank template: an empty file, a table with a header
    and no rows, or a YAML file with no values. A missing path or a folder is not blank."""
    if path is None:
        return False
    paths = path if isinstance(path, (list, tuple)) else [path]
    if len(paths) != 1:
        return False
    p = Path(paths[0])
    if not p.is_file():
        return False
    if p.stat().st_size == 0:
        return True
    suffix = p.suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            from .io import read_yaml

            doc, _ = read_yaml(p)
            return not _has_value(doc)
        if suffix in (".csv", ".tsv", ".txt", ".xlsx", ".xlsm"):
            from .io import is_blank_row, read_rows

            for _, rows in read_rows(p):
                filled = [r for r in rows if not is_blank_row(r)]
                if len(filled) > 1:
                    return False
            return True
    except Exception:  # an unreadable file is the loader's to report, not blank
        return False
    return False


def origin(path) -> str:
    """Where an input comes from: ``example`` (under the toolkit's ``data/sample/``),
    ``template`` (a blank template) or ``council``."""
    from .paths import data_dir

    sample = (data_dir() / "sample").resolve()
    paths = path if isinstance(path, (list, tuple)) else [path]
    for p in paths:
        q = Path(p).resolve()
        if q == sample or sample in q.parents:
            return "example"
    return "template" if is_blank(path) else "council"
