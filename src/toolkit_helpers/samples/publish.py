"""Synthetic data for stage 4 (championing open): a dataset the sample council means to open,
with personal data and spreadsheet formulas planted in it, and the council's open data maturity
self-assessment.

- ``council/library_events.csv`` — a year of library and community hub events and bookings, as
  a council's booking system might export it. A few cells carry planted personal data (emails,
  phone numbers in Ofcom's drama ranges, National Insurance numbers, names with titles,
  residents' postcodes in free text, bank details with a made-up bank code) and a few text
  cells begin with ``=``, ``+``, ``-`` or ``@`` (formula injection). Everything is invented.
- ``council/maturity.yaml`` — Open Data Pathway scores (1–5) for the five dimensions.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .common import SampleCouncil, rng_for, write_bytes, write_csv

DATA_FILES = {"publish_dataset": "council/library_events.csv",
              "maturity": "council/maturity.yaml"}

HUBS = [("central", "Central Library"), ("northgate", "Northgate Community Hub"),
        ("riverside", "Riverside Library"), ("elmfield", "Elmfield Hub"),
        ("market-square", "Market Square Library")]
EVENTS = [("Rhyme time", "Children"), ("Code club", "Young people"), ("Job club", "Adults"),
          ("Knit and natter", "Adults"), ("Digital drop-in", "Older people"),
          ("Author talk", "Adults"), ("Homework help", "Young people"),
          ("Family history", "Adults"), ("Lego club", "Children"), ("Benefits advice", "Adults")]
FIRST = ["Alex", "Sam", "Priya", "Tomasz", "Grace", "Omar", "Nia", "Callum", "Ewa", "Hannah",
         "Ravi", "Bethan"]
LAST = ["Ashdown", "Brightwater", "Coldridge", "Dunmore", "Everleigh", "Fairweather",
        "Greystone", "Hollins", "Ingleby", "Jessop"]
_NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"


def _iban(rng) -> str:
    """A GB IBAN with a made-up bank code (ANYB) and correct check digits."""
    sort = f"{rng.randint(0, 999999):06d}"
    acct = f"{rng.randint(0, 99999999):08d}"
    bban = "ANYB" + sort + acct
    digits = "".join(str(int(c, 36)) for c in bban + "GB00")
    check = 98 - int(digits) % 97
    s = f"GB{check:02d}{bban}"
    return " ".join(s[i:i + 4] for i in range(0, len(s), 4))


def _ni(rng) -> str:
    while True:
        p = rng.choice(_NI_FIRST) + rng.choice(_NI_SECOND)
        if p not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
            break
    d = f"{rng.randint(0, 999999):06d}"
    return f"{p} {d[:2]} {d[2:4]} {d[4:]} {rng.choice('ABCD')}"


def _postcode(rng) -> str:
    return f"AT{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice(_INWARD)}{rng.choice(_INWARD)}"


def _person(rng) -> str:
    return f"{rng.choice(['Mr', 'Mrs', 'Ms', 'Miss', 'Dr'])} {rng.choice(FIRST)} {rng.choice(LAST)}"


def events_rows(council: SampleCouncil) -> list[list[str]]:
    rng = rng_for(council, "publish")
    header = ["event_id", "hub", "hub_uri", "event_date", "start_time", "event_title", "audience",
              "capacity", "bookings", "price_gbp", "organiser", "contact", "booking_notes"]
    rows = [header]
    start = dt.date(2025, 4, 1)
    base = f"https://data.{council.slug}.example.gov.uk/id/hub/"
    for i in range(1, 73):
        slug, hub = rng.choice(HUBS)
        title, audience = rng.choice(EVENTS)
        day = start + dt.timedelta(days=5 * i + rng.randint(0, 4))
        capacity = rng.choice([12, 15, 20, 25, 30, 40])
        bookings = rng.randint(capacity // 3, capacity)
        price = rng.choice(["0", "0", "0", "2.50", "3.00", "5.00"])
        organiser = f"{council.short_name} Libraries"
        contact = f"libraries@{council.slug}.example.gov.uk"
        notes = rng.choice(["", "", "", "Wheelchair accessible", "Bring a laptop if you have one",
                            "Fully booked; waiting list open", "Held in the community room",
                            "Run with volunteers from Dr Foster Intelligence Ltd"
                            if title == "Digital drop-in" else "Run with volunteers"])
        rows.append([f"EV-{2025}-{i:04d}", hub, base + slug, day.isoformat(),
                     rng.choice(["10:00", "10:30", "14:00", "16:00", "18:30"]), title, audience,
                     str(capacity), str(bookings), price, organiser, contact, notes])
    # Planted personal data (every kind) and formula-like cells, at fixed places.
    first, last = rng.choice(FIRST), rng.choice(LAST)
    plants = {
        3: {"contact": f"{first.lower()}.{last.lower()}@example.com"},
        7: {"booking_notes": f"Booked by {_person(rng)}, tel 07700 900{rng.randint(100, 999)}"},
        12: {"organiser": _person(rng)},
        15: {"booking_notes": f"Refund to sort code {rng.randint(10, 99)}-{rng.randint(10, 99)}-"
                              f"{rng.randint(10, 99)} account {rng.randint(10000000, 99999999)}"},
        21: {"booking_notes": f"Home visit: 14 Willow Close, {_postcode(rng)}"},
        26: {"contact": f"(01632) 960{rng.randint(100, 999)}"},
        30: {"booking_notes": f"Job club ID check, NI number {_ni(rng)}"},
        34: {"booking_notes": f"Grant paid to IBAN {_iban(rng)}"},
        41: {"contact": f"{rng.choice(FIRST).lower()}{rng.randint(1, 99)}@example.org"},
        47: {"booking_notes": f"Carer {_person(rng)} will attend; lives at {_postcode(rng)}"},
        52: {"organiser": _person(rng), "contact": f"+44 7700 900{rng.randint(100, 999)}"},
        58: {"event_title": "=HYPERLINK(\"http://example.com/x\",\"Click to book\")"},
        61: {"event_title": "+Plus-size knitting"},
        64: {"event_title": "-- cancelled --"},
        66: {"event_title": "@home reading challenge"},
        69: {"price_gbp": "-2.50", "booking_notes": "Refund of deposit"},
    }
    for i, changes in plants.items():
        for col, value in changes.items():
            rows[i][header.index(col)] = value
    return rows


def maturity_yaml(council: SampleCouncil) -> str:
    rng = rng_for(council, "maturity")
    scores = {
        "data_management_processes": rng.randint(1, 3),
        "knowledge_and_skills": rng.randint(1, 3),
        "customer_support_and_engagement": rng.randint(1, 2),
        "investment_and_financial_performance": rng.randint(1, 2),
        "strategic_oversight": rng.randint(2, 3),
    }
    notes = {
        "data_management_processes": "Spend and contracts published quarterly; other datasets ad hoc.",
        "knowledge_and_skills": "A few analysts; no open data training for service teams.",
        "customer_support_and_engagement": "No way for reusers to ask questions or report errors.",
        "investment_and_financial_performance": "No budget line for open data.",
        "strategic_oversight": "Digital strategy mentions open data; no named owner.",
    }
    lines = [
        "# Synthetic: a fictional council's open data maturity self-assessment",
        "# (ODI Open Data Pathway). Each dimension is scored 1 (initial) to 5 (optimising).",
        f"council: {council.name}",
        "assessed: 2026-03-31",
        "scores:",
        *[f"  {k}: {v}" for k, v in scores.items()],
        "targets:",
        *[f"  {k}: {min(5, v + 1)}" for k, v in scores.items()],
        "notes:",
        *[f"  {k}: \"{v}\"" for k, v in notes.items()],
    ]
    return "\n".join(lines) + "\n"


def generate(root: Path, council: SampleCouncil) -> list[Path]:
    root = Path(root)
    return [write_csv(root / DATA_FILES["publish_dataset"], events_rows(council)),
            write_bytes(root / DATA_FILES["maturity"], maturity_yaml(council).encode("utf-8"))]
