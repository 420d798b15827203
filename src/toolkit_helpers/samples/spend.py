"""Synthetic spend over £500 for the sample council: one financial year (April–March) in the
layouts councils really publish, quirks included.

- **April–June**: the council's own CSV layout, as many councils export it from their finance
  system: Windows-1252 (``£`` is byte 0xA3), a title row and a blank row before the header,
  an empty spacer column (a merged cell), ``Net Amount(£)``, amounts with thousands separators,
  credits in brackets ``(12.50)`` (May: a trailing minus ``12.50-``), supplier names padded
  with spaces, dates as ``dd/mm/yyyy`` (April), ``3 May 2023`` (May) and ``05-Jun-23`` (June),
  CRLF line endings (June: CR only, as old Mac exports), a ``TOTAL`` row and blank rows at
  the end.
- **July–September**: one Excel workbook for the quarter, a ``Notes`` sheet then one sheet
  per month in the same layout, real Excel dates and numbers, a ``TOTAL`` row per sheet.
- **October–March**: the LGA / opendatacommunities layout (``OrganisationLabel …
  ProclassCode``), UTF-8 with a byte-order mark, ISO dates, plain amounts, ``EffectiveDate``
  the month end. One date lost in export (``00:00:00``) and one mistyped amount
  (``1,2O0.00``) show how the loader reports cells it cannot read.

Suppliers are fictional; some are the same firms that win the sample tenders in
:mod:`toolkit_helpers.samples.procurement` (so spend can be matched to contracts and SME
status). Redacted lines use the Transparency Code labels. A few duplicate payments and
regular monthly payments are planted for the analyses to find.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .common import SampleCouncil, rng_for, save_workbook, write_csv

DATA_FILES = {"spend": "spend"}

FIRST_MONTH = (2023, 4)
MONTHS = [(2023, m) for m in range(4, 13)] + [(2024, m) for m in range(1, 4)]
LINES_PER_MONTH = 200
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH_NAME = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]

COUNCIL_HEADER = ["Body Name", "Service Area", "", "Expenses Type", "Paid Date", "Trans No",
                  "Supplier Name", "Net Amount(£)", "Purpose"]
WORKBOOK_HEADER = ["Body Name", "Service Area", "Expenses Type", "Paid Date", "Trans No",
                   "Supplier Name", "Net Amount(£)", "Purpose"]
LGA_HEADER = ["OrganisationLabel", "OrganisationURI", "EffectiveDate", "OrganisationalUnit",
              "BeneficiaryName", "BeneficiaryOtherID", "PaymentDate", "TransactionNumber",
              "Amount", "IrrecoverableVATAmount", "Purpose", "ProclassLabel", "ProclassCode"]

REDACTED_PERSONAL = "REDACTED PERSONAL DATA"
REDACTED_COMMERCIAL = "REDACTED COMMERCIAL CONFIDENTIALITY"


@dataclass(frozen=True)
class Supplier:
    name: str
    scale: str  # "sme" | "large" (as OCDS parties[].details.scale)
    vcse: bool
    service: str
    expense: str
    purpose: str
    weight: float  # how often it appears among ordinary lines
    typical: float  # typical line amount (£)
    company_number: str = ""


# Service areas, expense types and ProClass-style labels/codes (fictional codes).
SERVICES = ["Waste & Recycling", "Libraries & Community Hubs", "Leisure & Culture", "Housing",
            "Planning & Regeneration", "Parks & Open Spaces", "Revenues & Benefits",
            "ICT & Digital", "Corporate Property", "Environmental Health", "Customer Services",
            "Finance & Audit"]
PROCLASS = {
    "Contract Payments": "195000", "Agency Staff": "205000", "Equipment & Materials": "140000",
    "Grants": "215000", "ICT Software & Licences": "155000",
    "Building Repairs & Maintenance": "100000", "Utilities": "350000",
    "Professional Fees": "225000", "Vehicle Hire & Fuel": "390000",
    "Printing & Stationery": "295000", "Library Stock": "110000", "Cleaning": "115000",
    "Security": "320000", "Catering": "120000", "Legal Services": "230000",
}

SUPPLIERS: tuple[Supplier, ...] = (
    Supplier("Northvale Waste Services Ltd", "large", False, "Waste & Recycling",
             "Contract Payments", "Refuse and recycling collection contract", 0.6, 9000, "04418213"),
    Supplier("{short} Leisure Trust", "large", True, "Leisure & Culture", "Contract Payments",
             "Leisure centres management fee", 0.3, 4000, "06120987"),
    Supplier("Brightline ICT Solutions Ltd", "large", False, "ICT & Digital",
             "ICT Software & Licences", "Managed ICT service", 0.8, 3500, "05987712"),
    Supplier("Castle Facilities Management plc", "large", False, "Corporate Property",
             "Building Repairs & Maintenance", "Planned maintenance", 1.6, 2800, "03301456"),
    Supplier("Greenway Grounds Maintenance Ltd", "sme", False, "Parks & Open Spaces",
             "Contract Payments", "Grounds maintenance", 1.4, 1900, "08712344"),
    Supplier("Meadow Print & Design Ltd", "sme", False, "Customer Services",
             "Printing & Stationery", "Leaflets and printing", 1.3, 900, "09233101"),
    Supplier("Fenwick Fuel Cards Ltd", "large", False, "Waste & Recycling",
             "Vehicle Hire & Fuel", "Fleet fuel", 1.0, 4200, "02875530"),
    Supplier("Kestrel Agency Staffing Ltd", "large", False, "Revenues & Benefits",
             "Agency Staff", "Temporary staff", 2.2, 2100, "07456120"),
    Supplier("Oakhythe Legal LLP", "sme", False, "Planning & Regeneration", "Legal Services",
             "Legal advice", 0.7, 3200, "OC412765"),
    Supplier("Harbour Consulting Group Ltd", "large", False, "Planning & Regeneration",
             "Professional Fees", "Consultancy", 0.6, 6500, "04990871"),
    Supplier("Willow Community Transport CIC", "sme", True, "Housing", "Grants",
             "Community transport grant", 0.5, 1500, "10233876"),
    Supplier("Riverside Citizens Advice", "sme", True, "Revenues & Benefits", "Grants",
             "Advice services grant", 0.4, 2500, ""),
    Supplier("Northvale Energy Supply plc", "large", False, "Corporate Property", "Utilities",
             "Electricity and gas", 1.8, 3800, "03112098"),
    Supplier("Beacon Security Services Ltd", "sme", False, "Corporate Property", "Security",
             "Security patrols", 0.9, 1400, "08345510"),
    Supplier("Summit Software Licensing Ltd", "large", False, "ICT & Digital",
             "ICT Software & Licences", "Software licences", 0.7, 5200, "06789012"),
    Supplier("Apex Vehicle Hire Ltd", "sme", False, "Waste & Recycling", "Vehicle Hire & Fuel",
             "Vehicle hire", 0.8, 1700, "09876543"),
    Supplier("Lantern Book Supply Ltd", "sme", False, "Libraries & Community Hubs",
             "Library Stock", "Library books and e-books", 1.5, 1300, "07012398"),
    Supplier("Millbrook Catering Co", "sme", False, "Leisure & Culture", "Catering",
             "Event catering", 0.6, 800, ""),
    Supplier("Crown Office Supplies Ltd", "large", False, "Finance & Audit",
             "Printing & Stationery", "Office supplies", 1.1, 700, "01987654"),
    Supplier("Sparkle Cleaning Co-operative", "sme", True, "Libraries & Community Hubs",
             "Cleaning", "Cleaning of libraries and hubs", 1.0, 1100, "IP031245"),
)
# Ordinary small suppliers: names made from these, SME status not published anywhere.
STEMS = ["Acorn", "Bramble", "Copper", "Dale", "Elm", "Fern", "Glen", "Heron", "Ivy", "Juniper",
         "Kingfisher", "Linden", "Maple", "Nettle", "Osprey", "Plover", "Quarry", "Rowan",
         "Sorrel", "Thistle", "Umber", "Vale", "Wren", "Yarrow"]
TRADES = [("Plumbing & Heating Ltd", "Corporate Property", "Building Repairs & Maintenance",
           "Repairs"), ("Tree Surgery", "Parks & Open Spaces", "Equipment & Materials",
                        "Tree works"),
          ("Electrical Services Ltd", "Corporate Property", "Building Repairs & Maintenance",
           "Electrical works"), ("Training Ltd", "Customer Services", "Professional Fees",
                                 "Staff training"),
          ("Signs & Graphics", "Planning & Regeneration", "Printing & Stationery", "Signage"),
          ("Pest Control Ltd", "Environmental Health", "Professional Fees", "Pest control"),
          ("Builders Merchants Ltd", "Housing", "Equipment & Materials", "Materials"),
          ("Audio Visual Ltd", "Libraries & Community Hubs", "Equipment & Materials",
           "AV equipment")]

# Monthly fixed payments (first payment run of the month): name, amount.
REGULAR = (("Northvale Waste Services Ltd", 310416.67), ("{short} Leisure Trust", 85250.00),
           ("Brightline ICT Solutions Ltd", 42500.00), ("Apex Vehicle Hire Ltd", 1850.00),
           ("Greenway Grounds Maintenance Ltd", 18333.33))


def _supplier_name(s: Supplier, council: SampleCouncil) -> str:
    return s.name.replace("{short}", council.short_name)


def supplier_records(council: SampleCouncil) -> list[dict]:
    """The named suppliers (with their size and VCSE status) for the procurement sample."""
    return [{"name": _supplier_name(s, council), "scale": s.scale, "vcse": s.vcse,
             "company_number": s.company_number, "service": s.service} for s in SUPPLIERS]


def _payment_runs(year: int, month: int) -> list[dt.date]:
    """Payment runs: every Tuesday and Thursday of the month."""
    d = dt.date(year, month, 1)
    out = []
    while d.month == month:
        if d.weekday() in (1, 3):
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _lines(council: SampleCouncil) -> dict[tuple[int, int], list[dict]]:
    """Every month's transaction lines (before any layout is applied)."""
    rng = rng_for(council, "spend")
    named = [(s, _supplier_name(s, council)) for s in SUPPLIERS]
    small = []
    for i, stem in enumerate(STEMS):
        trade = TRADES[i % len(TRADES)]
        small.append((f"{stem} {trade[0]}", trade[1], trade[2], trade[3]))
    weights_named = [s.weight for s, _n in named]
    txn = 4_100_000 + rng.randint(0, 50_000)
    out: dict[tuple[int, int], list[dict]] = {}
    for year, month in MONTHS:
        runs = _payment_runs(year, month)
        rows: list[dict] = []

        def add(date, supplier, service, expense, purpose, amount, **extra):
            nonlocal txn
            txn += rng.randint(1, 9)
            row = {"date": date, "supplier": supplier, "service": service, "expense": expense,
                   "purpose": purpose, "amount": round(amount, 2), "txn": f"AP{txn:07d}",
                   "company_number": extra.get("company_number", "")}
            rows.append(row)  # noqa: B023 (add is called in this iteration)
            return row

        for name, amount in REGULAR:
            s = next(s for s, n in named if n == name.replace("{short}", council.short_name))
            add(runs[0], _supplier_name(s, council), s.service, s.expense,
                f"{s.purpose} - {MONTH_NAME[month - 1]} {year}", amount,
                company_number=s.company_number)
        for _ in range(LINES_PER_MONTH - len(REGULAR)):
            date = rng.choice(runs)
            r = rng.random()
            if r < 0.04:
                add(date, REDACTED_PERSONAL, rng.choice(["Housing", "Revenues & Benefits",
                                                         "Leisure & Culture"]),
                    rng.choice(["Grants", "Professional Fees"]),
                    rng.choice(["Housing support payment", "Refund", "Grant to individual",
                                "Tutor fees"]), 500 + rng.random() * 1500)
                continue
            if r < 0.05:
                add(date, REDACTED_COMMERCIAL, "Housing", "Professional Fees",
                    "Temporary accommodation", 2000 + rng.random() * 6000)
                continue
            if r < 0.72:
                s, name = rng.choices(named, weights=weights_named)[0]
                amount = rng.lognormvariate(0, 0.6) * s.typical
                if amount < 500:  # only lines over £500 are published
                    amount = 500 + rng.random() * s.typical
                add(date, name, s.service, s.expense, s.purpose, amount,
                    company_number=s.company_number)
            else:
                name, service, expense, purpose = rng.choice(small)
                amount = 500 + rng.lognormvariate(6.5, 0.9)
                add(date, name, service, expense, purpose, amount)
            if rng.random() < 0.025:  # a credit note against this supplier
                last = rows[-1]
                add(rng.choice(runs), last["supplier"], last["service"], last["expense"],
                    "Credit note", -round(last["amount"] * rng.choice([0.1, 0.25, 0.5, 1.0]), 2),
                    company_number=last["company_number"])
        rows.sort(key=lambda r: (r["date"], r["txn"]))
        out[(year, month)] = rows
    # planted duplicates: same supplier, amount and date (different transaction numbers) …
    for (ym, name) in (((2023, 8), "Castle Facilities Management plc"),
                       ((2023, 11), "Meadow Print & Design Ltd")):
        rows = out[ym]
        src = next(r for r in rows if r["supplier"] == name and r["amount"] > 0)
        copy = dict(src, txn=f"AP{int(src['txn'][2:]) + 1_000_000:07d}")
        rows.append(copy)
        rows.sort(key=lambda r: (r["date"], r["txn"]))
    # … and the same invoice reference paid twice, a week apart
    rows = out[(2024, 2)]
    src = next(r for r in rows if r["supplier"] == "Kestrel Agency Staffing Ltd" and r["amount"] > 0)
    later = [d for d in _payment_runs(2024, 2) if d > src["date"]]
    rows.append(dict(src, date=later[0] if later else src["date"] + dt.timedelta(days=7)))
    rows.sort(key=lambda r: (r["date"], r["txn"]))
    return out


def _money(amount: float, credit_style: str = "brackets") -> str:
    text = f"{abs(amount):,.2f}"
    if amount >= 0:
        return text
    return f"({text})" if credit_style == "brackets" else f"{text}-"


def _council_date(d: dt.date, style: str) -> str:
    if style == "dmy":
        return d.strftime("%d/%m/%Y")
    if style == "d Mon yyyy":
        return f"{d.day} {MONTH_ABBR[d.month - 1]} {d.year}"
    return f"{d.day:02d}-{MONTH_ABBR[d.month - 1]}-{d.year % 100:02d}"


def _council_csv(root: Path, council: SampleCouncil, year: int, month: int, rows: list[dict],
                 date_style: str, credit_style: str, line_ending: str) -> Path:
    title = (f"{council.name} - Payments over £500 - {MONTH_NAME[month - 1]} {year}")
    out = [[title] + [""] * (len(COUNCIL_HEADER) - 1), [""] * len(COUNCIL_HEADER), COUNCIL_HEADER]
    for r in rows:
        out.append([council.name, r["service"], "", r["expense"],
                    _council_date(r["date"], date_style), r["txn"], r["supplier"].ljust(40),
                    _money(r["amount"], credit_style), r["purpose"]])
    total = round(sum(r["amount"] for r in rows), 2)
    out.append(["", "", "", "", "", "", "TOTAL", _money(total), ""])
    out.append([""] * len(COUNCIL_HEADER))
    out.append([""] * len(COUNCIL_HEADER))
    path = root / DATA_FILES["spend"] / f"{council.slug}_spend_{year}-{month:02d}.csv"
    return write_csv(path, out, encoding="cp1252", line_ending=line_ending)


def _workbook(root: Path, council: SampleCouncil, months: list[tuple[int, int]],
              lines: dict) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes["A1"] = f"{council.name}: payments over £500, July to September 2023"
    notes["A2"] = "One sheet per month. Amounts exclude recoverable VAT. Synthetic data."
    for year, month in months:
        ws = wb.create_sheet(f"{MONTH_ABBR[month - 1]} {year}")
        ws.append([f"{council.name} - Payments over £500 - {MONTH_NAME[month - 1]} {year}"])
        ws.append([])
        ws.append(WORKBOOK_HEADER)
        rows = lines[(year, month)]
        for r in rows:
            ws.append([council.name, r["service"], r["expense"],
                       dt.datetime(r["date"].year, r["date"].month, r["date"].day), r["txn"],
                       r["supplier"], r["amount"], r["purpose"]])
            ws.cell(ws.max_row, 4).number_format = "dd/mm/yyyy"
            ws.cell(ws.max_row, 7).number_format = "#,##0.00;(#,##0.00)"
        ws.append(["", "", "", None, "", "TOTAL", round(sum(r["amount"] for r in rows), 2), ""])
    path = root / DATA_FILES["spend"] / f"{council.slug}_spend_2023-07_to_2023-09.xlsx"
    return save_workbook(wb, path)


def _lga_csv(root: Path, council: SampleCouncil, year: int, month: int, rows: list[dict],
             quirks: dict) -> Path:
    uri = f"http://opendatacommunities.org/id/district-council/{council.slug}"
    end = _month_end(year, month).isoformat()
    out = [LGA_HEADER]
    for i, r in enumerate(rows):
        date = r["date"].isoformat()
        amount = f"{r['amount']:.2f}"
        if quirks.get("lost_date") == i:
            date = "00:00:00"
        if quirks.get("bad_amount") == i:
            amount = f"{r['amount']:,.2f}".replace("0", "O", 1) if "0" in f"{r['amount']:,.2f}" \
                else f"{r['amount']:,.2f}O"
        out.append([council.name, uri, end, r["service"], r["supplier"], r["company_number"],
                    date, r["txn"], amount, "0", r["purpose"], r["expense"],
                    PROCLASS.get(r["expense"], "")])
    path = root / DATA_FILES["spend"] / f"{council.slug}_spend_{year}-{month:02d}.csv"
    return write_csv(path, out, encoding="utf-8", bom=True, line_ending="\n")


def generate(root: Path, council: SampleCouncil) -> list[Path]:
    lines = _lines(council)
    rng = rng_for(council, "spend-quirks")
    written = [
        _council_csv(root, council, 2023, 4, lines[(2023, 4)], "dmy", "brackets", "\r\n"),
        _council_csv(root, council, 2023, 5, lines[(2023, 5)], "d Mon yyyy", "minus", "\r\n"),
        _council_csv(root, council, 2023, 6, lines[(2023, 6)], "dd-Mon-yy", "brackets", "\r"),
        _workbook(root, council, [(2023, 7), (2023, 8), (2023, 9)], lines),
    ]
    for year, month in MONTHS[6:]:
        quirks = {}
        if (year, month) == (2024, 1):
            quirks["lost_date"] = rng.randrange(20, len(lines[(year, month)]))
        if (year, month) == (2024, 3):
            quirks["bad_amount"] = rng.randrange(20, len(lines[(year, month)]))
        written.append(_lga_csv(root, council, year, month, lines[(year, month)], quirks))
    return written
