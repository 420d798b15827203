"""Synthetic spend of the sample council's statistical neighbours, and an ONS-style population file.

**All synthetic.** For each neighbour in ``council.statistical_neighbours``: a folder
``neighbours/<GSS code>-<name>/`` with a year of monthly spend files (April 2023 to March 2024,
small: about 25 lines a month), each neighbour in a different layout that councils really
publish, with its own redaction placeholder:

0. the LGA / opendatacommunities layout (UTF-8 with BOM, ISO dates), ``REDACTED PERSONAL DATA``,
   and a supplier register with postcodes, SME and VCSE status;
1. a finance-system export like Hyndburn's (Windows-1252 ``Net Amount(£)``, a blank first row of
   commas, CRLF, dates like ``3 Apr 2023``, the typo ``Expenditure Catergory``), ``Redacted``,
   and a register with SME status only (no postcodes);
2. a layout like Oxford's (``Supplier Name `` with a trailing space, supplier names padded to 50
   characters, plain negative amounts), ``Name redacted``, **no register**, and **one month
   missing** (November);
3. ``Body Name, Service Cost Centre, Account Detail, Payment date, HBC ref no, Name:, Amount
   Paid`` with ``£1,000.00`` amounts and trailing-minus credits, ``REDACTED COMMERCIAL
   CONFIDENTIALITY``, a register with postcodes and SME/VCSE, and **published late** (the last
   two months not yet out).

The council's own folder holds only its supplier register (its spend is ``data.spend``).
Postcodes use the fictional area ``NV`` (Northvale; no real postcode area has these letters);
``neighbours/postcodes.csv`` maps them to authorities as the ONS Postcode Directory does
(``pcds``, ``laua``). The population file copies the ONS mid-year estimates layout (``MYE2 -
Persons``: title rows, then ``Code, Name, Geography, All ages, 0 … 90``).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..paths import slugify
from .common import AUTHORITIES, SampleCouncil, authority, rng_for, write_csv

DATA_FILES = {"neighbours": "neighbours",
              "population": "geography/population_mid_year_estimates.csv"}
MONTHS = [(2023, m) for m in range(4, 13)] + [(2024, m) for m in range(1, 4)]
LINES_PER_MONTH = 22
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
ALL_AGES_PER_16_64 = 1.6  # all residents per resident aged 16–64 (about England's ratio)

SERVICES = ["Waste & Recycling", "Housing", "Leisure & Culture", "Planning", "Corporate Property",
            "ICT", "Revenues & Benefits", "Parks & Open Spaces", "Customer Services"]
EXPENSES = ["Contract Payments", "Agency Staff", "Equipment & Materials", "Grants",
            "Professional Fees", "Utilities", "Building Repairs & Maintenance"]
# (name, service, expense, typical £, sme, vcse, local?) — shared regional firms and local ones
FIRMS = (("Northvale Waste Services Ltd", 0, 0, 9000, False, False, False),
         ("Brightline ICT Solutions Ltd", 5, 0, 3500, False, False, False),
         ("Castle Facilities Management plc", 4, 6, 2800, False, False, False),
         ("Kestrel Agency Staffing Ltd", 6, 1, 2100, False, False, False),
         ("Northvale Energy Supply plc", 4, 5, 3800, False, False, False),
         ("{short} Community Trust", 2, 3, 1500, True, True, True),
         ("{short} Builders Ltd", 1, 6, 1900, True, False, True),
         ("{short} Garden Services", 7, 0, 1200, True, False, True),
         ("{short} Print Co-operative", 8, 2, 800, True, True, True),
         ("Harbour Consulting Group Ltd", 3, 4, 6500, False, False, False),
         ("Meadow Advice Centre CIO", 6, 3, 2200, True, True, True),
         ("Granite Legal LLP", 3, 4, 3000, True, False, False))
TRADERS = [(stem, trade, svc, exp) for stem in ("Acorn", "Bramble", "Copper", "Dale", "Heron",
                                                "Linden", "Rowan", "Wren")
           for trade, svc, exp in (("Plumbing Ltd", 4, 6), ("Tree Care", 7, 2),
                                   ("Training Ltd", 8, 4))]
PLACEHOLDERS = ("REDACTED PERSONAL DATA", "Redacted", "Name redacted",
                "REDACTED COMMERCIAL CONFIDENTIALITY")
REGULAR = {"Northvale Waste Services Ltd": 3.9, "Brightline ICT Solutions Ltd": 0.55}  # £ a month per resident 16–64


def _council_name(code: str) -> str:
    a = authority(code)
    return f"{a.name} {'Council' if a.kind == 'unitary' else 'District Council'}"


def _district(code: str) -> int:
    return [a.code for a in AUTHORITIES].index(code) + 1


def _postcode(rng, code: str) -> str:
    return f"NV{_district(code)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}" \
           f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def _runs(year: int, month: int) -> list[dt.date]:
    d, out = dt.date(year, month, 1), []
    while d.month == month:
        if d.weekday() in (0, 3):
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def _lines(rng, code: str, placeholder: str) -> dict:
    a = authority(code)
    short = a.name.split()[0]
    firms = [(f[0].replace("{short}", short),) + f[1:] for f in FIRMS]
    # small local traders, a different handful for each council
    firms += [(f"{stem} {trade}", svc, exp, 700, True, False, True) for stem, trade, svc, exp in
              rng.sample(TRADERS, 6)]
    out, txn = {}, rng.randint(100_000, 900_000)
    for year, month in MONTHS:
        runs, rows = _runs(year, month), []
        for name, per in REGULAR.items():
            f = next(x for x in firms if x[0] == name)
            txn += 1
            rows.append((runs[0], name, SERVICES[f[1]], EXPENSES[f[2]],
                         round(per * a.population_16_64 / 12 * 12 * rng.uniform(0.95, 1.05), 2),
                         txn, "Monthly contract payment"))
        for _ in range(LINES_PER_MONTH):
            txn += rng.randint(1, 4)
            if rng.random() < 0.06:
                rows.append((rng.choice(runs), placeholder, SERVICES[1], EXPENSES[3],
                             round(500 + rng.random() * 2000, 2), txn, "Payment to individual"))
                continue
            f = rng.choice(firms)
            amount = round(max(500.0, rng.lognormvariate(0, 0.7) * f[3] * 3), 2)
            if rng.random() < 0.04:
                amount = -round(amount * 0.5, 2)
            rows.append((rng.choice(runs), f[0], SERVICES[f[1]], EXPENSES[f[2]], amount, txn,
                         "Credit note" if amount < 0 else "Goods and services"))
        rows.sort(key=lambda r: (r[0], r[5]))
        out[(year, month)] = rows
    return out, firms


def _write_month(folder: Path, layout: int, org: str, code: str, year: int, month: int,
                 rows) -> Path:
    stem = f"{slugify(org)}_spend_{year}-{month:02d}.csv"
    if layout == 0:
        uri = f"http://opendatacommunities.org/id/district-council/{slugify(org)}"
        end = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()
        out = [["OrganisationLabel", "OrganisationURI", "EffectiveDate", "OrganisationalUnit",
                "BeneficiaryName", "BeneficiaryOtherID", "PaymentDate", "TransactionNumber",
                "Amount", "IrrecoverableVATAmount", "Purpose", "ProclassLabel", "ProclassCode"]]
        out += [[org, uri, end, s, sup, "", d.isoformat(), f"{code[-3:]}-{t}", f"{amt:.2f}", "0",
                 pur, e, ""] for d, sup, s, e, amt, t, pur in rows]
        return write_csv(folder / stem, out, bom=True)
    if layout == 1:
        head = ["Department Area", "Expenditure Catergory", "Payment date", "Transaction Number",
                "Beneficiary", "Net Amount(£)", "Purpose"]
        out = [[""] * len(head), head]
        out += [[s, e, f"{d.day} {MON[d.month - 1]} {d.year}", str(t), sup, f"{amt:,.2f}", pur]
                for d, sup, s, e, amt, t, pur in rows]
        return write_csv(folder / stem, out, encoding="cp1252", line_ending="\r\n")
    if layout == 2:
        head = ["Organisational Unit", "Expenses Type", "Paid Date", "Trans No", "Supplier Name ",
                "Amount", "Purpose"]
        out = [head] + [[s, e, d.strftime("%d/%m/%Y"), f"P{t}", sup.ljust(50), f"{amt:.2f}", pur]
                        for d, sup, s, e, amt, t, pur in rows]
        return write_csv(folder / stem, out, line_ending="\r\n")
    head = ["Body Name", "Service Cost Centre", "Account Detail", "Payment date", "HBC ref no",
            "Name:", "Amount Paid"]
    out = [head] + [[org, s, e, f"{d.day:02d}-{MON[d.month - 1]}-{d.year % 100:02d}", f"H{t}", sup,
                     (f"£{abs(amt):,.2f}-" if amt < 0 else f"£{amt:,.2f}")]
                    for d, sup, s, e, amt, t, pur in rows]
    return write_csv(folder / stem, out)


def _register(path: Path, rng, firms, code: str, postcodes: bool, vcse: bool,
              lookup: dict) -> Path:
    head = ["Supplier"] + (["Postcode"] if postcodes else []) + ["SME"] + (["VCSE"] if vcse else [])
    out = [head]
    others = [a.code for a in AUTHORITIES if a.code != code]
    for f in firms:
        row = [f[0]]
        if postcodes:
            if rng.random() < 0.1:
                pc = ""  # not given
            else:
                pc = _postcode(rng, code if f[6] else rng.choice(others))
                lookup[pc] = code if f[6] else next(c for c in others if pc.startswith(
                    f"NV{_district(c)} "))
            row.append(pc)
        row.append("Yes" if f[4] else "No")
        if vcse:
            row.append("Yes" if f[5] else "No")
        out.append(row)
    return write_csv(path, out)


def _own_register(root: Path, council: SampleCouncil, rng, lookup: dict) -> Path:
    from .spend import SUPPLIERS, _supplier_name

    firms = [(_supplier_name(s, council), 0, 0, 0, s.scale == "sme", s.vcse,
              s.scale == "sme" and rng.random() < 0.6) for s in SUPPLIERS]
    folder = root / "neighbours" / f"{council.gss_code}-{slugify(council.short_name)}"
    return _register(folder / "suppliers.csv", rng, firms, council.gss_code, True, True, lookup)


def _population(root: Path, council: SampleCouncil) -> Path:
    rng = rng_for(council, "population")
    ages = list(range(91))
    weights = [1.0 if a < 65 else max(0.15, 1.0 - (a - 65) * 0.035) for a in ages]
    rows = [["Mid-year population estimates (synthetic), June 2023"], ["Persons"],
            ["Synthetic data in the layout of the ONS table MYE2 - Persons; not real figures."], [],
            ["Code", "Name", "Geography", "All ages"] + [str(a) for a in ages]]
    body, region_ages = [], [0] * len(ages)
    for a in AUTHORITIES:
        total = round(a.population_16_64 * ALL_AGES_PER_16_64 / 100) * 100 + rng.randint(0, 99)
        w = [x * rng.uniform(0.9, 1.1) for x in weights]
        by_age = [int(total * x / sum(w)) for x in w]
        by_age[30] += total - sum(by_age)
        region_ages = [r + b for r, b in zip(region_ages, by_age)]
        geo = "Unitary Authority" if a.kind == "unitary" else "Non-metropolitan District"
        body.append([a.code, a.name, geo, str(total)] + [str(b) for b in by_age])
    rows.append([council.region_code, council.region_name, "Region", str(sum(region_ages))]
                + [str(b) for b in region_ages])
    rows += body
    return write_csv(root / DATA_FILES["population"], rows)


def generate(root: Path, council: SampleCouncil) -> list[Path]:
    written = [_population(root, council)]
    lookup: dict[str, str] = {}
    written.append(_own_register(root, council, rng_for(council, "neighbours-own"), lookup))
    for i, code in enumerate(council.statistical_neighbours):
        layout = i % 4
        rng = rng_for(council, f"neighbours-{code}")
        org = _council_name(code)
        folder = root / "neighbours" / f"{code}-{slugify(authority(code).name)}"
        lines, firms = _lines(rng, code, PLACEHOLDERS[layout])
        for (year, month), rows in lines.items():
            if layout == 2 and (year, month) == (2023, 11):
                continue  # a month never published
            if layout == 3 and (year, month) in ((2024, 2), (2024, 3)):
                continue  # published late: not out yet
            written.append(_write_month(folder, layout, org, code, year, month, rows))
        if layout in (0, 1, 3):
            written.append(_register(folder / "suppliers.csv", rng, firms, code,
                                     postcodes=layout != 1, vcse=layout != 1, lookup=lookup))
    rows = [["pcds", "laua"]] + [[pc, la] for pc, la in sorted(lookup.items())]
    written.append(write_csv(root / "neighbours" / "postcodes.csv", rows))
    return written
