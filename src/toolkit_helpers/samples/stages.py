"""Synthetic inputs for stages 1 and 2 (goals; data use) for the sample council's libraries and
community hubs service.

``council/``:

- ``benefits.csv`` — a benefits register (benefit, who gains, measure, baseline, target, owner,
  by when);
- ``logic_model.yaml`` — inputs → activities → outputs → outcomes → impact;
- ``inventory.csv`` — the datasets the service uses and could use (steward, licence, format,
  update frequency, last updated, link, personal data, status, local file);
- ``library_visits.csv`` — a monthly visits file **with deliberate quality problems** (a title
  row, a duplicate and an empty column name, padded names, a blank row, a ragged row, a stray
  quote, a text value in a column of numbers) for the scorecard;
- ``hub_opening_hours.csv`` — a cleaner file with gaps (missing phone numbers);
- ``events_programme.xlsx`` — an Excel workbook (CSVLint's ``excel`` warning);
- ``ecosystem_current.yaml`` / ``ecosystem_target.yaml`` — the service's ecosystem map now and
  as it could be.

``catalogue/`` — a synthetic CKAN catalogue snapshot in the real ``package_search`` and
``package_show`` answer shape (``help``/``success``/``result`` envelope).

``ecosystems/`` — the three case studies' ecosystems (TfL, Spend Network, DWP) as map files,
written from the public descriptions of those cases (no data in them).

Dates are relative to the stage notebooks' default "as of" date, :data:`AS_OF`.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .common import SampleCouncil, csv_bytes, rng_for, save_workbook, write_bytes, write_csv

AS_OF = "2026-10-01"
DATA_FILES = {
    "benefits": "council/benefits.csv",
    "logic_model": "council/logic_model.yaml",
    "inventory": "council/inventory.csv",
    "catalogue": "catalogue",
    "ecosystem": "council/ecosystem_current.yaml",
    "ecosystem_target": "council/ecosystem_target.yaml",
    "proposal": "council/proposal.yaml",
}
BRANCHES = ("Central Library", "Northgate Hub", "Riverside Library", "Oakfield Hub",
            "Mill Lane Library", "Station Road Hub")


def _d(days_before: int) -> str:
    return (dt.date.fromisoformat(AS_OF) - dt.timedelta(days=days_before)).isoformat()


def _benefits(council: SampleCouncil, rng) -> list[list[str]]:
    visits = rng.randrange(610, 690) * 1000
    wasted = rng.randrange(35, 48)
    return [
        ["Benefit", "Who gains", "Measure", "Baseline", "Target", "Owner", "By when"],
        ["Residents find an open hub offering what they need without a wasted trip",
         "Residents", "% of residents surveyed who made a wasted trip in the last year",
         f"{wasted}", f"{wasted // 2}", "Head of Libraries", "2028-03-31"],
        ["More visits to libraries and hubs", "Residents; the council",
         "Visits a year (all branches)", f"{visits}", f"{int(visits * 1.12)}",
         "Head of Libraries", "2028-03-31"],
        ["Fewer phone calls asking about opening times and events", "Contact centre",
         "Calls a month about opening times", f"{rng.randrange(900, 1300)}",
         f"{rng.randrange(400, 600)}", "Customer Services Manager", "2027-09-30"],
        ["Partners signpost people to hubs using the open data", "Social prescribers; charities",
         "Organisations using the hub data feed", "0", "12", "Community Hubs Lead", "2028-03-31"],
        ["Decisions about opening hours use visits data", "Councillors; residents",
         "Branches with opening hours reviewed against visits", "0", f"{len(BRANCHES)}",
         "Head of Libraries", "2027-03-31"],
    ]


PROPOSAL = """# Synthetic: the sample council's proposal, in the Five Case Model's terms. The notebooks add
# the evidence (need, appraisal, spend, publishing); this file says what only the council can.
title: Open the libraries and community hubs data
version: "0.3 (draft for the board)"
date: 2026-10-01
stage: Outline Business Case
decision_sought: >-
  Approve the preferred option, open service data and an app partnership, from April 2027,
  funded from the digital transformation reserve and the libraries budget, with a review by
  the board after twelve months.
scope:
  in:
    - Opening hours, events and visits data of the council's libraries and community hubs
    - A hub finder that uses the same open data
    - Working with partners who reuse the data (social prescribers, community groups)
  out:
    - Data about library members or borrowers (personal data)
    - Replacing the library management system
constraints:
  - No new posts; staff time comes from the existing libraries team
  - Data must be published under the Open Government Licence
dependencies:
  - The web team's open data page goes live first
  - The library management system can export events as CSV
strategic_fit:
  - The council's digital strategy commits to open data by default
  - The libraries strategy aims to reach people who do not use libraries now
critical_success_factors:
  - Strategic fit
  - Value for money
  - Supplier capacity
  - Affordability
  - Achievability
long_list:
  - option: Do minimum
    choices: {scope: Keep today's web pages, solution: Manual updates, delivery: In house, implementation: None, funding: Existing budget}
    assessment: {Strategic fit: not met, Value for money: met, Supplier capacity: met, Affordability: met, Achievability: met}
    shortlisted: yes
    reason: The benchmark every option is compared with.
  - option: Publish data only
    choices: {scope: "Hours and events", solution: CSV on the open data page, delivery: In house, implementation: One go, funding: Existing budget}
    assessment: {Strategic fit: partly, Value for money: partly, Supplier capacity: met, Affordability: met, Achievability: met}
    shortlisted: no
    reason: Without a hub finder few residents would see the data; a step towards the preferred option.
  - option: Open service data and app partnership
    choices: {scope: "Hours, events and visits", solution: Open data feed and a partner's hub finder, delivery: Partnership, implementation: In phases, funding: Reserve and budget}
    assessment: {Strategic fit: met, Value for money: met, Supplier capacity: met, Affordability: met, Achievability: met}
    shortlisted: yes
    reason: Meets every critical success factor.
  - option: Commission a bespoke app
    choices: {scope: "Hours, events and visits", solution: A council-owned app, delivery: Outsourced, implementation: One go, funding: Capital bid}
    assessment: {Strategic fit: met, Value for money: not met, Supplier capacity: partly, Affordability: not met, Achievability: partly}
    shortlisted: no
    reason: Costs several times more than the partnership for the same benefits.
  - option: Regional data hub
    choices: {scope: Every council in the region, solution: Shared platform, delivery: Shared service, implementation: In phases, funding: Joint bid}
    assessment: {Strategic fit: met, Value for money: partly, Supplier capacity: not met, Affordability: partly, Achievability: not met}
    shortlisted: no
    reason: No partner council is ready before 2029; kept for the next review.
non_monetised_benefits:
  - Trust in the council from being open about its services
  - Partners can plan their own services around the hubs' hours
commercial:
  route: A further competition under a public sector framework for the hub finder, under the council's contract procedure rules
  thresholds: The contract value is below the threshold for a full open procedure; the council's rules ask for three quotes and a published contract notice
  contract_type: Service contract with a partner (hub finder hosting and support)
  length: 2 years, with an option to extend by 1 year
  payment: Fixed monthly fee; a service credit when the feed is not updated within 2 working days
  risk_allocation:
    - {risk: Data published late or wrong, held_by: Council}
    - {risk: Hub finder unavailable, held_by: Partner (service credits)}
    - {risk: Low take-up, held_by: Shared (joint promotion plan)}
  personnel: No TUPE transfer; no staff move to the partner
financial:
  inflation_pct: 2.0
  vat: VAT on the partner's fee is recoverable by the council; the figures exclude VAT
  accounting: Revenue spend; no capital asset is created
  funding:
    - {source: Digital transformation reserve, amount: 170000, years: 2027-28, confirmed: yes}
    - {source: "Libraries revenue budget (£30,000 a year)", amount: 300000, years: 2027-28 to 2036-37, confirmed: yes}
    - {source: Regional partnership bid, amount: 60000, years: 2028-29 to 2030-31, confirmed: no}
  shortfall: If the regional bid fails, the libraries budget covers the gap by reducing printed publicity
management:
  senior_responsible_owner: Head of Libraries
  board: Digital and Data Board (monthly)
  milestones:
    - {milestone: Board approval, date: 2026-12-15, owner: Head of Libraries}
    - {milestone: First datasets published, date: 2027-04-30, owner: Libraries performance officer}
    - {milestone: Hub finder live, date: 2027-07-31, owner: Digital lead}
    - {milestone: Twelve-month review, date: 2028-04-30, owner: Digital and Data Board}
  risks:
    - {risk: Events data not kept up to date by hubs, likelihood: 3, impact: 4, owner: Community Hubs Lead, mitigation: One named steward per hub; weekly reminder, cost: 8000}
    - {risk: Personal data in published events, likelihood: 2, impact: 5, owner: Data protection officer, mitigation: Automatic screen and redaction before each release, cost: 25000}
    - {risk: Partner withdraws, likelihood: 2, impact: 3, owner: Digital lead, mitigation: Open licence means another reuser can take over}
    - {risk: Few residents use the hub finder, likelihood: 3, impact: 3, owner: Head of Libraries, mitigation: Promotion with social prescribers}
  benefits_realisation: Each benefit in the register has an owner who reports its measure to the board every quarter
  evaluation: A post-implementation review after twelve months compares visits and wasted trips with the baseline
"""


LOGIC_MODEL = """# Synthetic: the sample council's logic model for opening its libraries and hubs data.
# Stages read left to right: inputs -> activities -> outputs -> outcomes -> impact.
inputs:
  - Libraries performance officer (0.2 FTE)
  - Visits, opening hours and events data the service already holds
  - Web team time to publish a data page
activities:
  - Clean and publish opening hours, events and visits monthly under the Open Government Licence
  - Name a steward for each dataset
  - Work with social prescribers and community groups who could reuse the data
outputs:
  - Open datasets (CSV) on the council's open data page, updated monthly
  - A hub finder map that uses the same data
outcomes:
  - Fewer wasted trips and phone calls about opening times
  - Partners signpost people to the right hub
  - Opening hours reviewed against visits
impact:
  - {short} residents reach the services they need more easily
  - Library and hub costs per visit fall
"""


def _inventory(council: SampleCouncil) -> list[list[str]]:
    return [
        ["name", "steward", "licence", "format", "update_frequency", "last_updated", "link",
         "personal_data", "status", "file", "notes"],
        ["Library visits by branch", "Libraries performance officer", "OGL v3", "CSV", "monthly",
         _d(20), "", "no", "uses", "library_visits.csv", "visits counted by door counters"],
        ["Community hub opening hours", "Community Hubs Lead", "Open Government Licence", "CSV",
         "quarterly", _d(150), "", "no", "uses", "hub_opening_hours.csv", "kept in a spreadsheet"],
        ["Events programme", "", "", "XLSX", "monthly", _d(75), "", "no", "uses",
         "events_programme.xlsx", "each hub sends its own list"],
        ["Library membership", "Libraries systems team", "internal only", "Database", "daily",
         _d(1), "", "yes", "uses", "", "names and addresses of borrowers: never published"],
        ["Spend over £500 (June 2023)", "Finance: transparency officer", "OGL", "CSV", "monthly",
         "2023-07-28", "", "no", "uses", f"../spend/{council.slug}_spend_2023-06.csv",
         "the Transparency Code file (synthetic)"],
        ["Claimant count: region and England", "ONS / DWP (via NOMIS)", "OGL", "CSV", "monthly",
         _d(14), "https://www.nomisweb.co.uk/", "no", "could use",
         "../claimants/claimant_count_region_england_tidy.csv", "evidence of need"],
        ["Bus stops (NaPTAN)", "Department for Transport", "OGL", "CSV", "daily", _d(3),
         "https://beta-naptan.dft.gov.uk/", "no", "could use", "", "for journey times to hubs"],
        ["Indices of deprivation", "MHCLG", "OGL", "XLSX", "one-off", "2019-09-26",
         "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2019", "no",
         "could use", "", "to target outreach"],
    ]


def _visits(council: SampleCouncil, rng) -> bytes:
    """Monthly visits by branch with deliberate problems (see the module docstring)."""
    rows = [[f"{council.short_name} libraries: visits and loans by branch (synthetic)"],
            ["Month", "Branch", "Visits", "Loans", "PC sessions", "Loans", ""]]
    months = []
    y, m = 2025, 10
    for _ in range(12):
        months.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    for mo in months:
        for b in BRANCHES:
            v = rng.randrange(1800, 9500)
            loans = int(v * rng.uniform(0.4, 0.8))
            rows.append([mo, b, str(v), str(loans), str(rng.randrange(80, 600)),
                         str(loans), ""])
    # deliberate problems (row numbers below are file lines: title 1, header 2, data from 3)
    rows[4][1] = " " + rows[4][1] + " "             # line 5: padded branch name
    rows[9][2] = "closed"                             # line 10: text in a column of numbers
    rows[15] = rows[15] + ["see note"]                # line 16: one cell too many
    rows.insert(30, [""] * 7)                         # line 31: a blank row in the data
    text = csv_bytes(rows).decode("utf-8")
    lines = text.split("\n")
    lines[40] = lines[40].replace("Riverside Library", 'Riverside "old" Library') \
        .replace("Oakfield Hub", 'Oakfield "temp" Hub').replace("Central Library", 'Central "main" Library') \
        .replace("Northgate Hub", 'Northgate "new" Hub').replace("Mill Lane Library", 'Mill Lane "A" Library') \
        .replace("Station Road Hub", 'Station Road "B" Hub')          # line 41: stray quotes
    return "\n".join(lines).encode("utf-8")


def _hours(council: SampleCouncil, rng) -> list[list[str]]:
    rows = [["hub", "day", "opens", "closes", "phone", "step_free"]]
    days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
    for b in BRANCHES:
        phone = f"01632 {rng.randrange(100000, 999999)}" if rng.random() > 0.35 else ""
        for d in days:
            if d == "Saturday" and rng.random() < 0.4:
                continue
            rows.append([b, d, f"{rng.choice([9, 9, 10])}:00", f"{rng.choice([17, 17, 19, 20])}:00",
                         phone, rng.choice(["yes", "yes", "no", ""])])
    return rows


def _events(council: SampleCouncil, rng, path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Events"
    ws.append(["Date", "Hub", "Event", "Audience", "Booking required"])
    kinds = [("Baby rhyme time", "families"), ("Job club", "job seekers"),
             ("Digital help drop-in", "older people"), ("Reading group", "adults"),
             ("Homework club", "children")]
    start = dt.date(2026, 10, 5)
    for k in range(14):
        ev, aud = kinds[k % len(kinds)]
        hub = BRANCHES[rng.randrange(len(BRANCHES))]
        if k == 6:
            hub = hub + " "  # padded: the scorecard's whitespace check
        ws.append([(start + dt.timedelta(days=3 * k)).isoformat(), hub, ev, aud,
                   rng.choice(["yes", "no"])])
    return save_workbook(wb, path)


def _yaml_map(name: str, state: str, comment: str, actors, flows) -> bytes:
    q = json.dumps
    lines = [f"# {comment}", f"name: {q(name)}", f"state: {state}", "actors:"]
    for aid, aname, roles in actors:
        lines.append(f"  - {{id: {aid}, name: {q(aname)}, roles: [{', '.join(roles)}]}}")
    lines.append("flows:")
    for src, dst, typ, label in flows:
        lines.append(f"  - {{from: {src}, to: {dst}, type: {typ}, label: {q(label)}}}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _council_maps(council: SampleCouncil) -> tuple[bytes, bytes]:
    short = council.short_name
    current_actors = [
        ("libraries", f"{short} Libraries service", ["steward"]),
        ("hubs", "Community hubs team", ["steward", "contributor"]),
        ("volunteers", "Hub volunteers", ["contributor"]),
        ("website", "Council website team", ["intermediary"]),
        ("performance", "Corporate performance team", ["intermediary"]),
        ("bus", "Local bus operator", ["contributor"]),
        ("residents", "Residents", ["beneficiary"]),
    ]
    current_flows = [
        ("volunteers", "hubs", "data", "event lists by email"),
        ("hubs", "website", "data", "opening hours (PDF)"),
        ("libraries", "performance", "data", "monthly visits spreadsheet"),
        ("website", "residents", "service", "opening times web pages"),
        ("libraries", "residents", "service", "library services"),
        ("residents", "libraries", "intangible", "complaints about wasted trips"),
    ]
    target_actors = [
        ("libraries", f"{short} Libraries service", ["steward", "reuser"]),
        ("hubs", "Community hubs team", ["steward", "contributor"]),
        ("volunteers", "Hub volunteers", ["contributor"]),
        ("portal", "Council open data page", ["intermediary"]),
        ("performance", "Corporate performance team", ["intermediary", "reuser"]),
        ("bus", "Local bus operator", ["contributor", "reuser"]),
        ("prescribers", "Social prescribers (NHS)", ["reuser"]),
        ("developers", "Community groups and app developers", ["reuser", "intermediary"]),
        ("councillors", "Councillors", ["beneficiary"]),
        ("residents", "Residents", ["beneficiary"]),
    ]
    target_flows = [
        ("volunteers", "hubs", "data", "events in a shared sheet"),
        ("hubs", "portal", "data", "opening hours and events (CSV, OGL)"),
        ("libraries", "portal", "data", "visits by branch (CSV, OGL)"),
        ("bus", "portal", "data", "stop times near hubs"),
        ("portal", "developers", "data", "open datasets"),
        ("portal", "prescribers", "data", "hub finder feed"),
        ("portal", "performance", "data", "visits by branch"),
        ("performance", "councillors", "service", "opening hours review dashboard"),
        ("developers", "residents", "service", "hub finder map and apps"),
        ("prescribers", "residents", "service", "signposting to hubs"),
        ("libraries", "residents", "service", "library services"),
        ("residents", "libraries", "intangible", "feedback on opening hours"),
        ("developers", "hubs", "intangible", "data corrections"),
        ("councillors", "libraries", "money", "budget set on evidence"),
    ]
    cur = _yaml_map(f"{short} libraries and hubs (now)", "current",
                    "Synthetic: the sample council's libraries ecosystem as it is now.",
                    current_actors, current_flows)
    tgt = _yaml_map(f"{short} libraries and hubs (target)", "target",
                    "Synthetic: the same ecosystem once the data is open.",
                    target_actors, target_flows)
    return cur, tgt


CASE_STUDY_MAPS = {
    "tfl": ("Transport for London open data (case study, pattern 1: access)", [
        ("tfl", "Transport for London", ["steward", "beneficiary"]),
        ("operators", "Bus and rail operators", ["contributor"]),
        ("developers", "App developers (13,000 registered)", ["reuser"]),
        ("apps", "Journey planning apps (600+)", ["intermediary"]),
        ("londoners", "Londoners and visitors", ["beneficiary"]),
        ("economy", "London economy (GVA, jobs)", ["beneficiary"]),
    ], [
        ("operators", "tfl", "data", "timetables and vehicle locations"),
        ("tfl", "developers", "data", "Unified API: 80+ open feeds"),
        ("developers", "apps", "service", "apps built on the feeds"),
        ("apps", "londoners", "service", "real-time journey planning (42% of Londoners)"),
        ("londoners", "tfl", "intangible", "feedback and journey demand"),
        ("apps", "economy", "money", "£12-15m GVA, ~500 direct jobs"),
        ("londoners", "tfl", "money", "fares"),
        ("tfl", "londoners", "service", "transport services"),
    ]),
    "spend_network": ("Spend Network: council spend and tenders (case study, pattern 2: delivery chains)", [
        ("councils", "Councils", ["steward", "beneficiary"]),
        ("portals", "Contracts Finder and Find a Tender", ["intermediary"]),
        ("spendnetwork", "Spend Network", ["reuser", "intermediary"]),
        ("suppliers", "Suppliers, including SMEs", ["reuser", "beneficiary"]),
        ("public", "Residents and journalists", ["beneficiary"]),
    ], [
        ("councils", "portals", "data", "tender and contract notices (OCDS)"),
        ("councils", "spendnetwork", "data", "spend over £500 (Transparency Code)"),
        ("portals", "spendnetwork", "data", "notices"),
        ("spendnetwork", "councils", "service", "market and pipeline analysis"),
        ("spendnetwork", "suppliers", "service", "upcoming opportunities"),
        ("councils", "spendnetwork", "money", "subscriptions"),
        ("councils", "suppliers", "money", "payments for goods and services"),
        ("suppliers", "councils", "service", "delivery of public services"),
        ("spendnetwork", "public", "intangible", "who is paid for what"),
    ]),
    "dwp": ("DWP claimant data (case study, pattern 3: better-informed policy)", [
        ("dwp", "Department for Work and Pensions", ["steward", "reuser"]),
        ("ons", "Office for National Statistics", ["intermediary"]),
        ("nomis", "NOMIS", ["intermediary"]),
        ("councils", "Councils and combined authorities", ["reuser"]),
        ("partners", "Jobcentre Plus partners", ["reuser"]),
        ("researchers", "Researchers and journalists", ["reuser"]),
        ("residents", "Jobseekers and residents", ["beneficiary"]),
    ], [
        ("dwp", "ons", "data", "benefit administrative records (aggregated)"),
        ("ons", "nomis", "data", "claimant count statistics (NM_162_1)"),
        ("nomis", "councils", "data", "downloads and API"),
        ("nomis", "partners", "data", "local figures"),
        ("nomis", "researchers", "data", "downloads and API"),
        ("nomis", "dwp", "data", "the 'Churchill' visualisation tool's data"),
        ("councils", "residents", "service", "better-targeted employment support"),
        ("partners", "residents", "service", "job support"),
        ("councils", "dwp", "intangible", "local insight"),
    ]),
}


# ------------------------------------------------------------------ catalogue snapshot
HELP_SEARCH = ("https://data.gov.uk/api/3/action/help_show?name=package_search "
               "(synthetic snapshot written by toolkit_helpers.samples.stages)")
HELP_SHOW = ("https://data.gov.uk/api/3/action/help_show?name=package_show "
             "(synthetic snapshot written by toolkit_helpers.samples.stages)")
LICENCES = {
    "uk-ogl": "UK Open Government Licence (OGL)",
    "cc-by": "Creative Commons Attribution",
    "other-closed": "Other (Not Open)",
    "notspecified": "License not specified",
}


def _catalogue(council: SampleCouncil, rng) -> tuple[dict, dict]:
    short = council.short_name
    orgs = [(council.slug + "-borough-council", council.name),
            ("northvale-combined-authority", "Northvale Combined Authority (synthetic)"),
            ("fenwick-city-council", "Fenwick City Council (synthetic)"),
            ("castlemere-district-council", "Castlemere District Council (synthetic)"),
            ("northvale-transport-partnership", "Northvale Transport Partnership (synthetic)")]
    specs = [
        ("Library visits and loans by branch", 0, "uk-ogl", ["CSV"], ["libraries", "culture"],
         "Monthly door-counter visits and loans for every library and hub."),
        ("Public library locations and opening hours", 2, "uk-ogl", ["CSV", "GeoJSON"],
         ["libraries", "locations"], "Addresses, coordinates and opening hours of libraries."),
        ("Community hubs directory", 0, "uk-ogl", ["CSV", "JSON"], ["community", "hubs"],
         "Hubs, the services they offer and when (OpenReferral UK layout)."),
        ("Libraries annual report", 3, "notspecified", ["PDF"], ["libraries"],
         "The annual report of the library service, with visits and stock figures."),
        ("Library e-book and e-audio loans", 1, "cc-by", ["XLSX"], ["libraries", "digital"],
         "Monthly loans of e-books and e-audio across the region's library services."),
        ("Bus stops and stations", 4, "uk-ogl", ["CSV", "XML"], ["transport", "bus"],
         "Every bus stop in the region (NaPTAN extract) with coordinates."),
        ("Bus timetables", 4, "uk-ogl", ["ZIP", "GTFS"], ["transport", "bus"],
         "Timetables for bus services in GTFS and TransXChange."),
        (f"Spend over £500 ({short})", 0, "uk-ogl", ["CSV"], ["spend", "transparency"],
         "Payments over £500 under the Local Government Transparency Code."),
        ("Contracts register", 2, "uk-ogl", ["CSV", "XLSX"], ["contracts", "transparency"],
         "Contracts over £5,000 with suppliers, values and dates."),
        ("Claimant count by authority", 1, "uk-ogl", ["CSV"], ["employment", "benefits"],
         "Monthly claimant counts and rates for the region's authorities."),
        ("Parks and open spaces", 3, "uk-ogl", ["GeoJSON", "CSV"], ["parks", "locations"],
         "Parks, play areas and open spaces with facilities."),
        ("Public toilets", 2, "other-closed", ["HTML"], ["locations"],
         "Public toilets and their opening hours (web page)."),
        ("Adult learning courses at libraries and hubs", 0, "uk-ogl", ["CSV"],
         ["libraries", "learning"], "Courses, venues and dates."),
        ("Museum and gallery visitors", 2, "cc-by", ["CSV"], ["culture"],
         "Monthly visitor numbers to museums and galleries."),
    ]
    results = []
    base = dt.datetime(2026, 9, 28, 10, 0, 0)
    for k, (title, org_i, lic, fmts, tags, notes) in enumerate(specs):
        org_name, org_title = orgs[org_i]
        name = "-".join(title.lower().replace("£", "").replace("(", "").replace(")", "").split())
        name = f"{name}-{org_name.split('-')[0]}"
        pid = f"00000000-0000-4000-8000-{rng.randrange(16 ** 12):012x}"
        modified = base - dt.timedelta(days=rng.randrange(3, 900), minutes=rng.randrange(0, 600))
        resources = []
        for j, f in enumerate(fmts):
            resources.append({
                "id": f"00000000-0000-4000-9000-{rng.randrange(16 ** 12):012x}",
                "package_id": pid, "position": j, "name": f"{title} ({f})",
                "description": notes, "format": f,
                "url": f"https://data.example.gov.uk/{org_name}/{name}.{f.lower()}",
                "created": (modified - dt.timedelta(days=400)).isoformat(),
                "last_modified": modified.isoformat(), "state": "active",
                "resource_type": "file",
            })
        results.append({
            "id": pid, "name": name, "title": title, "notes": notes + " Synthetic.",
            "license_id": lic, "license_title": LICENCES[lic],
            "isopen": lic in ("uk-ogl", "cc-by"),
            "metadata_created": (modified - dt.timedelta(days=500)).isoformat(),
            "metadata_modified": modified.isoformat(),
            "organization": {"id": f"org-{org_name}", "name": org_name, "title": org_title,
                             "type": "organization", "is_organization": True,
                             "state": "active", "approval_status": "approved"},
            "owner_org": f"org-{org_name}", "state": "active", "type": "dataset",
            "private": False, "num_resources": len(resources), "resources": resources,
            "num_tags": len(tags), "tags": [{"name": t, "display_name": t, "state": "active"}
                                            for t in tags],
            "extras": [{"key": "update_frequency",
                        "value": rng.choice(["monthly", "quarterly", "annually"])}],
        })
    search = {"help": HELP_SEARCH, "success": True,
              "result": {"count": len(results), "sort": "score desc, metadata_modified desc",
                         "facets": {}, "results": results, "search_facets": {}}}
    show = {"help": HELP_SHOW, "success": True, "result": results[0]}
    return search, show


def generate(root: Path, council: SampleCouncil) -> list[Path]:
    rng = rng_for(council, "stages")
    out = []
    c = root / "council"
    out.append(write_csv(c / "benefits.csv", _benefits(council, rng)))
    out.append(write_bytes(c / "logic_model.yaml",
                           LOGIC_MODEL.replace("{short}", council.short_name).encode("utf-8")))
    out.append(write_csv(c / "inventory.csv", _inventory(council)))
    out.append(write_bytes(c / "proposal.yaml", PROPOSAL.encode("utf-8")))
    out.append(write_bytes(c / "library_visits.csv", _visits(council, rng)))
    out.append(write_csv(c / "hub_opening_hours.csv", _hours(council, rng)))
    out.append(_events(council, rng, c / "events_programme.xlsx"))
    cur, tgt = _council_maps(council)
    out.append(write_bytes(c / "ecosystem_current.yaml", cur))
    out.append(write_bytes(c / "ecosystem_target.yaml", tgt))
    search, show = _catalogue(council, rng)
    out.append(write_bytes(root / "catalogue" / "package_search_open_data.json",
                           (json.dumps(search, indent=1, ensure_ascii=False) + "\n").encode("utf-8")))
    out.append(write_bytes(root / "catalogue" / "package_show_library_visits.json",
                           (json.dumps(show, indent=1, ensure_ascii=False) + "\n").encode("utf-8")))
    for key, (name, actors, flows) in CASE_STUDY_MAPS.items():
        out.append(write_bytes(root / "ecosystems" / f"{key}.yaml",
                               _yaml_map(name, "current", "The case study's ecosystem, from public "
                                         "descriptions of it (no data).", actors, flows)))
    return out
