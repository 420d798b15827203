"""A library of published value evidence for open data, by pattern, and a worked appraisal.

Each entry is a figure someone has published, with its source and year, so a business case can
quote it and a reader can check it. The TfL figures come from Deloitte's study for Transport for
London (2017); the delivery-chain and policy patterns carry the reach and scale facts the
toolkit's case studies rest on.

``tfl_worked_example`` turns TfL's published figures into a Green Book appraisal with the same
arithmetic the toolkit uses for a council's own options (:mod:`toolkit_helpers.appraisal`).
"""
from __future__ import annotations

from dataclasses import dataclass

from . import appraisal

TFL_SOURCE = ("Deloitte for Transport for London, 'Assessing the value of TfL's open data and "
              "digital partnerships' (2017)")
DCLG_CODE = "DCLG, Local Government Transparency Code (2015)"
NOMIS_SOURCE = "ONS / DWP claimant count via NOMIS"


@dataclass(frozen=True)
class Evidence:
    pattern: str          # access / delivery / policy (see toolkit_helpers.orientation.PATTERNS)
    case_study: str
    measure: str
    kind: str             # benefit / cost / reach / scale / requirement
    low: float | None
    high: float | None
    unit: str             # GBP a year, jobs, apps, people, ...
    note: str
    source: str
    year: int | None      # year published; None for a continuing series


EVIDENCE: tuple[Evidence, ...] = (
    # Pattern 1: access (TfL). "Up to" figures have no published lower bound: low is None.
    Evidence("access", "Transport for London", "Total value of open data", "benefit",
             None, 130e6, "GBP a year",
             "Up to £130m a year to travellers, London and the economy.", TFL_SOURCE, 2017),
    Evidence("access", "Transport for London", "Time savings for travellers", "benefit",
             70e6, 90e6, "GBP a year",
             "Time saved by travellers using apps built on TfL data.", TFL_SOURCE, 2017),
    Evidence("access", "Transport for London", "Better journey planning", "benefit",
             None, 20e6, "GBP a year",
             "Up to £20m a year from better-planned journeys.", TFL_SOURCE, 2017),
    Evidence("access", "Transport for London", "Gross value added (GVA)", "benefit",
             12e6, 15e6, "GBP a year",
             "GVA of the app ecosystem; an economic impact, not a welfare benefit, so not added "
             "to time savings in a social cost-benefit analysis.", TFL_SOURCE, 2017),
    Evidence("access", "Transport for London", "Direct jobs", "scale",
             500, 500, "jobs", "About 500 direct jobs in the app ecosystem.", TFL_SOURCE, 2017),
    Evidence("access", "Transport for London", "Indirect jobs", "scale",
             230, 230, "jobs", "About 230 indirect jobs.", TFL_SOURCE, 2017),
    Evidence("access", "Transport for London", "Cost of releasing open data", "cost",
             1e6, 1e6, "GBP a year",
             "About £1m a year to run TfL's open data feeds and API.", TFL_SOURCE, 2017),
    Evidence("access", "Transport for London", "Data feeds", "reach",
             80, None, "feeds", "80+ open data feeds.", TFL_SOURCE, 2017),
    Evidence("access", "Transport for London", "Apps built on the data", "reach",
             600, None, "apps", "600+ apps use TfL open data.", TFL_SOURCE, 2017),
    Evidence("access", "Transport for London", "Londoners using those apps", "reach",
             0.42, 0.42, "share of Londoners", "42% of Londoners use an app built on TfL data.",
             TFL_SOURCE, 2017),
    Evidence("access", "Transport for London", "Registered developers", "reach",
             13000, 13000, "developers", "13,000 developers registered for TfL's open data.",
             TFL_SOURCE, 2017),
    # Pattern 2: delivery chains (spend and contracts).
    Evidence("delivery", "Spend Network", "Spend over £500 published quarterly", "requirement",
             500, 500, "GBP threshold",
             "Councils must publish every payment over £500 (many publish over £250).",
             DCLG_CODE, 2015),
    Evidence("delivery", "Spend Network", "Contracts and tenders over £5,000", "requirement",
             5000, 5000, "GBP threshold",
             "Invitations to tender and contracts over £5,000 must be published.", DCLG_CODE, 2015),
    # Pattern 3: policy (claimant count).
    Evidence("policy", "DWP jobseekers", "Claimant count by area, monthly", "reach",
             None, None, "areas",
             "Monthly counts for every local authority and ward, free and open (dataset NM_162_1).",
             NOMIS_SOURCE, None),
)

COLUMNS = ["pattern", "case_study", "measure", "kind", "low", "high", "unit", "note",
           "source", "year"]

# The worked example's assumptions, each traced to an entry above.
TFL_COST_PER_YEAR = 1e6
TFL_CONSERVATIVE_BENEFIT_PER_YEAR = 70e6  # lower bound of time savings only


def library(pattern: str | None = None):
    """The evidence library as a DataFrame, optionally for one pattern.

    ``pattern`` is ``"access"``, ``"delivery"`` or ``"policy"`` (also accepted: the case study's
    name, e.g. ``"tfl"`` or ``"Transport for London"``, case-insensitive).
    """
    import pandas as pd

    rows = list(EVIDENCE)
    if pattern is not None:
        key = str(pattern).strip().lower()
        aliases = {"tfl": "access", "transport": "access", "pattern 1": "access",
                   "spend": "delivery", "spend network": "delivery", "pattern 2": "delivery",
                   "delivery chains": "delivery", "dwp": "policy", "claimants": "policy",
                   "pattern 3": "policy"}
        key = aliases.get(key, key)
        rows = [e for e in rows if e.pattern == key or e.case_study.lower() == key]
        if not rows:
            known = sorted({e.pattern for e in EVIDENCE})
            raise ValueError(f"No evidence for pattern {pattern!r}; choose one of {known} or None.")
    df = pd.DataFrame([[getattr(e, c) for c in COLUMNS] for e in rows], columns=COLUMNS)
    df["low"] = df["low"].astype("float64")
    df["high"] = df["high"].astype("float64")
    df["year"] = df["year"].astype("Int64")
    return df


def tfl_worked_example(years: int = 10, *, benefits_per_year: float = TFL_CONSERVATIVE_BENEFIT_PER_YEAR,
                       costs_per_year: float = TFL_COST_PER_YEAR) -> dict:
    """TfL's published value figures as a Green Book appraisal over ``years`` years (0 .. years-1).

    Returns ``{"table", "npsv", "bcr", "vfm", "text"}``: ``table`` has one row per year with
    ``year, costs, benefits, discount_factor, pv_costs, pv_benefits``. Defaults are the
    conservative reading: benefits are the *lower bound* of the time savings (£70m a year),
    without journey planning (no published lower bound) or GVA (not a welfare benefit); costs
    are the published running cost (about £1m a year).
    """
    import pandas as pd

    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise ValueError(f"years must be a whole number of years, 1 or more, not {years!r}")
    dfs = appraisal.discount_factors(years - 1)
    table = pd.DataFrame({
        "year": list(range(years)),
        "costs": [float(costs_per_year)] * years,
        "benefits": [float(benefits_per_year)] * years,
        "discount_factor": dfs,
    })
    table["pv_costs"] = table["costs"] * table["discount_factor"]
    table["pv_benefits"] = table["benefits"] * table["discount_factor"]
    pv_c = float(table["pv_costs"].sum())
    pv_b = float(table["pv_benefits"].sum())
    npsv = pv_b - pv_c
    ratio = appraisal.bcr(pv_b, pv_c)
    vfm = appraisal.vfm_category(ratio)
    text = _tfl_text(years, benefits_per_year, costs_per_year, pv_c, pv_b, npsv, ratio, vfm)
    return {"table": table, "npsv": npsv, "bcr": ratio, "vfm": vfm, "text": text}


def _m(value: float) -> str:
    return f"£{value / 1e6:,.1f}m"


def _tfl_text(years, benefits, costs, pv_c, pv_b, npsv, ratio, vfm) -> str:
    conservative = (benefits == TFL_CONSERVATIVE_BENEFIT_PER_YEAR
                    and costs == TFL_COST_PER_YEAR)
    lines = [
        f"**Worked example: Transport for London's open data over {years} years.**",
        "",
        "- Published (Deloitte for TfL, 2017): open data worth *up to* £130m a year "
        "(£70–90m time savings, up to £20m better journey planning, £12–15m GVA) for about "
        "£1m a year of cost.",
        f"- **Assumptions** (ours, not TfL's): benefits of {_m(benefits)} a year"
        + (" — the conservative reading: the *lower bound* of the time savings only; journey "
           "planning has no published lower bound and GVA is an economic impact that would "
           "double-count the travellers' benefits" if conservative else "")
        + f"; costs of {_m(costs)} a year"
        + (" (the published running cost, an outturn figure, so no optimism bias uplift)"
           if conservative else "")
        + f"; the same every year, in real prices, from year 0 (the base year) to year "
          f"{years - 1}; discounted at the Green Book's "
          + ("3.5% a year." if years <= 31 else "declining rate (3.5% a year to year 30, then "
             "lower)."),
        f"- Present value of costs {_m(pv_c)}; of benefits {_m(pv_b)}.",
        f"- **Net present social value {_m(npsv)}**; benefit-cost ratio **{ratio:,.1f}**: "
        f"**{vfm}** value for money (DfT categories).",
        "- Even with benefits a tenth of this, the ratio would stay above 4." if ratio / 10 > 4
        else "",
    ]
    return "\n".join(line for line in lines if line is not None).rstrip() + "\n"


# ------------------------------------------------------------------------------ case studies' outputs

CASE_STUDIES = {
    "spend_network_tenders": "Spend Network: council spend and tenders (pattern 2)",
    "tfl_transport": "Transport for London (pattern 1)",
    "dwp_jobseekers": "DWP jobseekers (pattern 3)",
}


def _read_json(folder, manifest: dict, name: str):
    from .artefacts import find_entry, read_entry

    entry = find_entry(manifest, name, "data")
    return read_entry(folder, entry) if entry else None


def _count_rows(folder, manifest: dict, name: str) -> int | None:
    from .artefacts import find_entry, read_entry

    entry = find_entry(manifest, name, "table")
    rows = read_entry(folder, entry) if entry else None
    return None if rows is None else len(rows)


def from_case_studies(output_dir) -> dict:
    """What the case-study notebooks found, read from their artefacts under ``output_dir``.

    Returns ``{"ran": {notebook: bool}, "table": DataFrame, "numbers": {...}}``. The table has
    one row per case study (``notebook, case study, ran, evidence``); ``numbers`` holds the
    values an appraisal can use: ``duplicate_amount_at_stake`` and ``duplicate_groups`` (spend
    analysis), ``tfl_bcr`` and ``poorly_served_sites`` (transport), ``claimants`` and
    ``claimant_rate`` (the claimant count). Notebooks that did not
    run are reported as such; nothing here fails because one is missing.
    """
    from pathlib import Path

    import pandas as pd

    from .artefacts import read_manifests

    folder = Path(output_dir) if output_dir else None
    manifests = read_manifests(folder) if folder is not None and folder.is_dir() else {}
    ran, rows, numbers = {}, [], {}
    for nb, label in CASE_STUDIES.items():
        m = manifests.get(nb)
        ran[nb] = m is not None
        if m is None:
            rows.append({"notebook": nb, "case study": label, "ran": False,
                         "evidence": "did not run for this council (no artefacts found)"})
            continue
        said = []
        if nb == "spend_network_tenders":
            found = _read_json(folder / nb, m, "spend_findings") or {}
            if "duplicate_amount_at_stake" in found:
                numbers["duplicate_amount_at_stake"] = float(found["duplicate_amount_at_stake"])
                numbers["duplicate_groups"] = int(found.get("duplicate_groups", 0))
                for key in ("duplicate_amount_at_stake_by_class", "duplicate_rule_precision",
                            "duplicate_recovery_estimate"):
                    if isinstance(found.get(key), dict):
                        numbers[key] = {str(k): float(v) for k, v in found[key].items()
                                        if v is not None}
                said.append(f"{numbers['duplicate_groups']} groups of possible duplicate payments, "
                            f"£{numbers['duplicate_amount_at_stake']:,.0f} at stake")
            if "regular_without_contract_total" in found:
                said.append(f"£{float(found['regular_without_contract_total']):,.0f} of regular "
                            "payments with no published contract")
        elif nb == "tfl_transport":
            head = _read_json(folder / nb, m, "value_headline") or {}
            if "bcr" in head:
                numbers["tfl_bcr"] = float(head["bcr"])
                said.append(f"TfL worked example: BCR {float(head['bcr']):,.1f} ({head.get('vfm', '')}) "
                            f"over {head.get('years', '?')} years")
            poor = _count_rows(folder / nb, m, "poorly_served_sites")
            if poor is not None:
                numbers["poorly_served_sites"] = poor
                said.append(f"{poor} service site(s) with no step-free station within walking distance")
        elif nb == "dwp_jobseekers":
            need = _read_json(folder / nb, m, "need") or {}
            if "count" in need:
                numbers["claimants"] = float(need["count"])
                numbers["claimant_rate"] = float(need.get("rate", float("nan")))
                said.append(f"{need['count']:,.0f} claimants ({need.get('rate', float('nan')):.1f}% "
                            f"of residents aged 16-64) in {need.get('month', 'the latest month')}")
        if not said:
            titles = [e.get("title", e.get("name")) for e in m.get("entries", [])
                      if e.get("case") in ("economic", "strategic")][:3]
            said.append("artefacts: " + "; ".join(titles) if titles else "ran (no figures to use)")
        rows.append({"notebook": nb, "case study": label, "ran": True, "evidence": "; ".join(said)})
    return {"ran": ran, "table": pd.DataFrame(rows), "numbers": numbers}


def recovery_estimate(numbers: dict) -> dict | None:
    """Possible duplicate payments as **cash** for the financial case: the amount at stake (a
    ceiling: every candidate a duplicate) and the range the spend analysis estimates from its
    rule's measured precision on hand-labelled published lines (``cautious``: confirmed
    duplicates only; ``upper``: unsure ones too). Recovering an overpayment is a transfer
    between a supplier and the council, not a gain to society, so it never enters the NPSV.
    ``None`` when the spend analysis did not run or found no candidates."""
    at_stake = numbers.get("duplicate_amount_at_stake")
    if not at_stake:
        return None
    rng = numbers.get("duplicate_recovery_estimate") or {}
    return {"at_stake": round(float(at_stake), 2),
            "cautious": rng.get("cautious"), "upper": rng.get("if_unsure_were_duplicates"),
            "by_class": numbers.get("duplicate_amount_at_stake_by_class") or {}}


def recovery_text(estimate: dict | None) -> str:
    """The recovery estimate in words, with its uncertainty."""
    if not estimate:
        return ("The spend analysis has not run for this council, or found no possible duplicate "
                "payments: nothing to recover.")
    text = (f"The spend analysis found £{estimate['at_stake']:,.0f} of possible duplicate payments "
            "(a ceiling: the amount if every candidate were a duplicate). Recovering an "
            "overpayment is a transfer between a supplier and the council, so it is left out of "
            "the NPSV and shown here as cash. ")
    if estimate.get("cautious") is not None:
        text += (f"Weighted by how often each class of candidate proved to be a real duplicate on "
                 f"hand-labelled published lines, between £{estimate['cautious']:,.0f} and "
                 f"£{estimate['upper']:,.0f} may be recovered; most candidates are legitimate "
                 "(split invoices, regular charges). Every candidate must be checked before any "
                 "claim is made.")
    else:
        text += "How much is recoverable is not known until the candidates are checked."
    return text
