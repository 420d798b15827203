"""The proposal: what a council fills in so the pack is a business case, not a dump.

The notebooks compute the evidence (the need, the appraisal, the spend analysis, publishing
safely); the proposal file (YAML, config key ``data.proposal``) says what only the council can
say, in the Five Case Model's terms (HM Treasury Green Book business case guidance):

- **summary**: ``title``, ``version``, ``date``, ``stage`` (Strategic Outline / Outline / Full
  Business Case, or Business Justification Case) and the ``decision_sought``;
- **strategic**: ``scope`` (``in`` and ``out``), ``constraints``, ``dependencies``,
  ``strategic_fit``;
- **economic**: ``critical_success_factors`` and the ``long_list`` built with the options
  framework filter (each option's ``choices`` of scope, solution, delivery, implementation and
  funding; ``shortlisted`` yes/no and why), ``non_monetised_benefits``;
- **commercial**: ``commercial`` — ``route`` (how it will be bought), ``thresholds`` (which
  rules apply), ``contract_type``, ``length``, ``payment``, ``risk_allocation`` (risk → held
  by), ``personnel`` (TUPE);
- **financial**: ``financial`` — ``inflation_pct`` (for nominal prices), ``vat``,
  ``accounting``, ``funding`` (source, amount, years), ``shortfall`` (how a gap is met);
- **management**: ``management`` — ``senior_responsible_owner``, ``board``, ``milestones``
  (milestone, date, owner), ``risks`` (risk, likelihood and impact 1–5, owner, mitigation),
  ``benefits_realisation``, ``evaluation``.

:func:`load_proposal` validates it (a :class:`~toolkit_helpers.errors.DataFileError` names the
key and what is expected); the ``*_table`` functions give the tables the pack shows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataFileError

STAGES = ("Strategic Outline Case", "Outline Business Case", "Full Business Case",
          "Business Justification Case")
FRAMEWORK = ("scope", "solution", "delivery", "implementation", "funding")
CSF_DEFAULT = ("Strategic fit", "Value for money", "Supplier capacity", "Affordability",
               "Achievability")


@dataclass
class Proposal:
    source: str
    title: str = ""
    version: str = ""
    date: str = ""
    stage: str = ""
    decision_sought: str = ""
    scope_in: list[str] = field(default_factory=list)
    scope_out: list[str] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    strategic_fit: list[str] = field(default_factory=list)
    critical_success_factors: list[str] = field(default_factory=list)
    long_list: list[dict] = field(default_factory=list)
    non_monetised_benefits: list[str] = field(default_factory=list)
    commercial: dict = field(default_factory=dict)
    financial: dict = field(default_factory=dict)
    management: dict = field(default_factory=dict)

    @property
    def shortlist(self) -> list[str]:
        return [o["option"] for o in self.long_list if o["shortlisted"]]

    @property
    def inflation(self) -> float:
        return float(self.financial.get("inflation_pct") or 0) / 100


def _fail(path, key, problem, expected) -> DataFileError:
    return DataFileError(f"key '{key}': {problem}", file=path, hint=f"expected {expected}.")


def _text(path, key, v, required=False) -> str:
    if v is None or v == "":
        if required:
            raise _fail(path, key, "is missing", "text")
        return ""
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()[:10]
    if isinstance(v, (dict, list)):
        raise _fail(path, key, f"has {type(v).__name__}", "text")
    return " ".join(str(v).split())


def _texts(path, key, v) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list):
        raise _fail(path, key, f"has {type(v).__name__}", "a list of items (one per line, '- …')")
    return [_text(path, f"{key}[{i}]", x) for i, x in enumerate(v) if x not in (None, "")]


def _records(path, key, v, fields: dict[str, bool]) -> list[dict]:
    """A list of mappings; ``fields`` maps each allowed field to whether it is required."""
    if v is None:
        return []
    if not isinstance(v, list):
        raise _fail(path, key, f"has {type(v).__name__}", "a list of entries ('- field: value')")
    out = []
    for i, rec in enumerate(v):
        if not isinstance(rec, dict):
            raise _fail(path, f"{key}[{i}]", f"has {rec!r}", "an entry of 'field: value' lines")
        unknown = [k for k in rec if k not in fields]
        if unknown:
            raise _fail(path, f"{key}[{i}].{unknown[0]}", "is not a field here",
                        f"one of {', '.join(fields)}")
        for k, req in fields.items():
            if req and rec.get(k) in (None, ""):
                raise _fail(path, f"{key}[{i}].{k}", "is missing", "a value")
        out.append(dict(rec))
    return out


def _yes(path, key, v) -> bool:
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in ("yes", "y", "true", "1"):
        return True
    if s in ("no", "n", "false", "0", "", "none"):
        return False
    raise _fail(path, key, f"has {v!r}", "yes or no")


def _score(path, key, v) -> int:
    try:
        n = int(v)
    except (TypeError, ValueError):
        raise _fail(path, key, f"has {v!r}", "a whole number from 1 (low) to 5 (high)") from None
    if not 1 <= n <= 5:
        raise _fail(path, key, f"has {n}", "a whole number from 1 (low) to 5 (high)")
    return n


def _money(path, key, v) -> float:
    if isinstance(v, bool):
        raise _fail(path, key, f"has {v!r}", "an amount in £")
    try:
        return float(str(v).replace(",", "").replace("£", "").strip())
    except ValueError:
        raise _fail(path, key, f"has {v!r}", "an amount in £ (e.g. 25000)") from None


def parse_proposal(doc, path=None) -> Proposal:
    """Validate a proposal already read from YAML."""
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        raise DataFileError("the proposal must be a YAML mapping of keys to values", file=path,
                            hint="start from the template toolkit init writes (proposal.yaml).")
    known = {"title", "version", "date", "stage", "decision_sought", "scope", "constraints",
             "dependencies", "strategic_fit", "critical_success_factors", "long_list",
             "non_monetised_benefits", "commercial", "financial", "management"}
    unknown = [k for k in doc if k not in known]
    if unknown:
        import difflib

        close = difflib.get_close_matches(str(unknown[0]), sorted(known), n=1)
        raise _fail(path, unknown[0], "is not a proposal key" + (f" (did you mean '{close[0]}'?)"
                                                                  if close else ""),
                    f"one of {', '.join(sorted(known))}")
    p = Proposal(source=Path(path).name if path else "proposal")
    for k in ("title", "version", "date", "stage", "decision_sought"):
        setattr(p, k, _text(path, k, doc.get(k)))
    if p.stage and p.stage not in STAGES:
        raise _fail(path, "stage", f"has {p.stage!r}", f"one of {', '.join(STAGES)}")
    scope = doc.get("scope") or {}
    if not isinstance(scope, dict):
        raise _fail(path, "scope", f"has {type(scope).__name__}", "'in:' and 'out:' lists")
    p.scope_in, p.scope_out = _texts(path, "scope.in", scope.get("in")), _texts(path, "scope.out", scope.get("out"))
    for k in ("constraints", "dependencies", "strategic_fit", "critical_success_factors",
              "non_monetised_benefits"):
        setattr(p, k, _texts(path, k, doc.get(k)))
    recs = _records(path, "long_list", doc.get("long_list"),
                    {"option": True, "choices": False, "shortlisted": False, "reason": False,
                     "assessment": False})
    for i, r in enumerate(recs):
        r["option"] = _text(path, f"long_list[{i}].option", r["option"], True)
        choices = r.get("choices") or {}
        if not isinstance(choices, dict) or any(k not in FRAMEWORK for k in choices):
            raise _fail(path, f"long_list[{i}].choices", f"has {choices!r}",
                        f"choices of {', '.join(FRAMEWORK)}")
        r["choices"] = {k: _text(path, f"long_list[{i}].choices.{k}", choices.get(k)) for k in FRAMEWORK}
        r["shortlisted"] = _yes(path, f"long_list[{i}].shortlisted", r.get("shortlisted", False))
        r["reason"] = _text(path, f"long_list[{i}].reason", r.get("reason"))
        a = r.get("assessment") or {}
        if not isinstance(a, dict):
            raise _fail(path, f"long_list[{i}].assessment", f"has {a!r}",
                        "critical success factor: met / not met / partly")
        r["assessment"] = {str(k): _text(path, f"long_list[{i}].assessment.{k}", v) for k, v in a.items()}
    p.long_list = recs
    for key, allowed in (("commercial", {"route", "thresholds", "contract_type", "length",
                                         "payment", "risk_allocation", "personnel"}),
                         ("financial", {"inflation_pct", "vat", "accounting", "funding",
                                        "shortfall"}),
                         ("management", {"senior_responsible_owner", "board", "milestones",
                                         "risks", "benefits_realisation", "evaluation"})):
        sec = doc.get(key) or {}
        if not isinstance(sec, dict):
            raise _fail(path, key, f"has {type(sec).__name__}", f"keys {', '.join(sorted(allowed))}")
        bad = [k for k in sec if k not in allowed]
        if bad:
            raise _fail(path, f"{key}.{bad[0]}", "is not a key here", f"one of {', '.join(sorted(allowed))}")
        setattr(p, key, dict(sec))
    c = p.commercial
    c["risk_allocation"] = _records(path, "commercial.risk_allocation", c.get("risk_allocation"),
                                    {"risk": True, "held_by": True})
    f = p.financial
    if f.get("inflation_pct") not in (None, ""):
        infl = _money(path, "financial.inflation_pct", f["inflation_pct"])
        if not 0 <= infl <= 20:
            raise _fail(path, "financial.inflation_pct", f"has {infl}", "a percentage from 0 to 20")
        f["inflation_pct"] = infl
    f["funding"] = _records(path, "financial.funding", f.get("funding"),
                            {"source": True, "amount": True, "years": False, "confirmed": False})
    for i, r in enumerate(f["funding"]):
        r["amount"] = _money(path, f"financial.funding[{i}].amount", r["amount"])
        r["confirmed"] = _yes(path, f"financial.funding[{i}].confirmed", r.get("confirmed", False))
    m = p.management
    m["milestones"] = _records(path, "management.milestones", m.get("milestones"),
                               {"milestone": True, "date": True, "owner": False})
    for r in m["milestones"]:
        r["date"] = _text(path, "management.milestones.date", r["date"])
    m["risks"] = _records(path, "management.risks", m.get("risks"),
                          {"risk": True, "likelihood": True, "impact": True, "owner": False,
                           "mitigation": False, "cost": False})
    for i, r in enumerate(m["risks"]):
        r["likelihood"] = _score(path, f"management.risks[{i}].likelihood", r["likelihood"])
        r["impact"] = _score(path, f"management.risks[{i}].impact", r["impact"])
        if r.get("cost") not in (None, ""):
            r["cost"] = _money(path, f"management.risks[{i}].cost", r["cost"])
    return p


def load_proposal(path) -> Proposal:
    """Read and validate a proposal YAML file."""
    from .io import read_yaml

    path = Path(path)
    doc, _ = read_yaml(path, missing_hint="check data.proposal in the council config.")
    return parse_proposal(doc, path)


def is_empty(p: Proposal) -> bool:
    return not (p.title or p.decision_sought or p.long_list or p.management.get("risks"))


# ------------------------------------------------------------------ tables

def _frame(rows, columns):
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def scope_table(p: Proposal):
    n = max(len(p.scope_in), len(p.scope_out))
    return _frame([[p.scope_in[i] if i < len(p.scope_in) else "",
                    p.scope_out[i] if i < len(p.scope_out) else ""] for i in range(n)],
                  ["In scope", "Out of scope"])


def long_list_table(p: Proposal):
    """The long list: each option's choices in the options framework and whether it goes on."""
    csfs = p.critical_success_factors or list(CSF_DEFAULT)
    rows = []
    for o in p.long_list:
        rows.append([o["option"]] + [o["choices"][k] for k in FRAMEWORK]
                    + [o["assessment"].get(c, "") for c in csfs]
                    + ["Yes" if o["shortlisted"] else "No", o["reason"]])
    return _frame(rows, ["Option"] + [k.capitalize() for k in FRAMEWORK] + csfs
                  + ["Short-listed", "Why"])


def risk_register(p: Proposal):
    """Risks, highest score (likelihood × impact) first."""
    risks = p.management.get("risks", [])
    rows = [[r["risk"], r["likelihood"], r["impact"], r["likelihood"] * r["impact"],
             r.get("owner", ""), r.get("mitigation", ""), r.get("cost")] for r in risks]
    df = _frame(rows, ["Risk", "Likelihood (1–5)", "Impact (1–5)", "Score", "Owner", "Mitigation",
                       "Cost if it happens (£)"])
    if not any(r.get("cost") not in (None, "") for r in risks):
        df = df.drop(columns=["Cost if it happens (£)"])
    return df.sort_values("Score", ascending=False, kind="stable").reset_index(drop=True)


def top_risks(p: Proposal, n: int = 3) -> list[str]:
    reg = risk_register(p)
    return [f"{r['Risk']} (score {r['Score']} of 25; {r['Mitigation'] or 'no mitigation yet'})"
            for _, r in reg.head(n).iterrows()]


def milestones_table(p: Proposal):
    return _frame([[m["milestone"], m["date"], m.get("owner", "")]
                   for m in p.management.get("milestones", [])], ["Milestone", "By", "Owner"])


def funding_table(p: Proposal):
    return _frame([[f["source"], f["amount"], f.get("years", ""),
                    "Yes" if f["confirmed"] else "No"] for f in p.financial.get("funding", [])],
                  ["Source", "Amount (£)", "Years", "Confirmed"])


def commercial_table(p: Proposal):
    c = p.commercial
    labels = (("route", "Procurement route"), ("thresholds", "Rules that apply"),
              ("contract_type", "Contract type"), ("length", "Contract length"),
              ("payment", "Payment mechanism"), ("personnel", "Personnel (TUPE)"))
    return _frame([[label, _text(None, k, c.get(k))] for k, label in labels if c.get(k)],
                  ["", "Approach"])


def risk_allocation_table(p: Proposal):
    return _frame([[r["risk"], r["held_by"]] for r in p.commercial.get("risk_allocation", [])],
                  ["Risk", "Held by"])


def nominal(costs_by_year, inflation: float):
    """Real (base-year) prices → nominal (cash) prices: year t × (1 + inflation)^t."""
    return [v * (1 + inflation) ** t for t, v in enumerate(costs_by_year)]


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {x}" for x in items)


def summary_markdown(p: Proposal) -> str:
    """The proposal in a few lines (for the notebook)."""
    lines = [f"**{p.title or 'The proposal'}**"
             + (f" — {p.stage}" if p.stage else "") + (f", version {p.version}" if p.version else "")
             + (f" ({p.date})" if p.date else "")]
    if p.decision_sought:
        lines.append(f"**Decision sought**: {p.decision_sought}")
    m = p.management
    if m.get("senior_responsible_owner") or m.get("board"):
        lines.append(f"**Senior responsible owner**: {m.get('senior_responsible_owner') or 'not named'}; "
                     f"**board**: {m.get('board') or 'not named'}")
    lines.append(f"**Long list**: {len(p.long_list)} options; **short list**: "
                 + (", ".join(p.shortlist) or "none yet") + ".")
    return "\n\n".join(lines)


def record(p: Proposal, art) -> None:
    """Record the proposal's parts as artefacts, each in its case of the Five Case Model."""
    m, c, f = p.management, p.commercial, p.financial
    art.data("proposal", {"title": p.title, "version": p.version, "date": p.date,
                          "stage": p.stage, "decision_sought": p.decision_sought,
                          "senior_responsible_owner": m.get("senior_responsible_owner", ""),
                          "board": m.get("board", ""),
                          "inflation_pct": f.get("inflation_pct"),
                          "funding_confirmed": sum(x["amount"] for x in f.get("funding", [])
                                                   if x["confirmed"]),
                          "funding_unconfirmed": sum(x["amount"] for x in f.get("funding", [])
                                                     if not x["confirmed"]),
                          "top_risks": top_risks(p)},
             case="summary", title="The proposal", detail=True)
    strategic = []
    for title, items in (("Constraints", p.constraints), ("Dependencies", p.dependencies),
                         ("Strategic fit", p.strategic_fit)):
        if items:
            strategic.append(f"**{title}**\n\n{_bullets(items)}")
    if p.scope_in or p.scope_out:
        art.table("scope", scope_table(p), case="strategic", title="Scope: what is in and out")
    if strategic:
        art.text("constraints_dependencies_fit", "\n\n".join(strategic), case="strategic",
                 title="Constraints, dependencies and strategic fit")
    if p.long_list:
        art.table("options_considered", long_list_table(p)[["Option", "Short-listed", "Why"]],
                  case="economic", title="Options considered: the long list and the short list")
        art.table("long_list", long_list_table(p), case="economic", detail=True,
                  title="The long list: options framework filter and critical success factors")
        art.text("short_list", "The short list taken to full appraisal: "
                 + (", ".join(p.shortlist) or "none yet") + ". "
                 + " ".join(f"{o['option']}: {o['reason']}" for o in p.long_list
                            if not o["shortlisted"] and o["reason"]),
                 case="economic", title="The short list, and why the other options were set aside")
    if p.non_monetised_benefits:
        art.text("non_monetised_benefits", _bullets(p.non_monetised_benefits), case="economic",
                 title="Benefits not given a money value")
    if any(c.get(k) for k in ("route", "thresholds", "contract_type", "length", "payment",
                              "personnel")):
        art.table("commercial_approach", commercial_table(p), case="commercial",
                  title="How the proposal will be bought")
    if c.get("risk_allocation"):
        art.table("risk_allocation", risk_allocation_table(p), case="commercial",
                  title="Who holds each risk")
    if f.get("funding"):
        art.table("funding_sources", funding_table(p), case="financial", title="Funding sources")
    treatment = [(label, f.get(k)) for k, label in (("vat", "VAT"), ("accounting", "Accounting"),
                                                    ("shortfall", "A shortfall"))
                 if f.get(k)]
    if f.get("inflation_pct") is not None or treatment:
        art.text("financial_treatment",
                 (f"Costs are shown in real (base-year) prices in the economic case and in nominal "
                  f"(cash) prices here, with general inflation of {f['inflation_pct']:g}% a year. "
                  if f.get("inflation_pct") is not None else "")
                 + " ".join(f"**{label}**: {text}." if not str(text).endswith(".") else
                            f"**{label}**: {text}" for label, text in treatment),
                 case="financial", title="Prices, VAT, accounting and a shortfall")
    gov = [f"**Senior responsible owner**: {m['senior_responsible_owner']}"
           if m.get("senior_responsible_owner") else "",
           f"**Board**: {m['board']}" if m.get("board") else ""]
    if any(gov):
        art.text("governance", "\n\n".join(g for g in gov if g), case="management",
                 title="Governance")
    if m.get("milestones"):
        art.table("milestones", milestones_table(p), case="management",
                  title="Delivery plan: milestones")
    if m.get("risks"):
        art.table("risk_register", risk_register(p), case="management", title="Risk register")
    plan = [(t, m.get(k)) for k, t in (("benefits_realisation", "Benefits realisation"),
                                       ("evaluation", "Post-implementation evaluation")) if m.get(k)]
    if plan:
        art.text("benefits_and_evaluation", "\n\n".join(f"**{t}**: {v}" for t, v in plan),
                 case="management", title="Benefits realisation and evaluation")
