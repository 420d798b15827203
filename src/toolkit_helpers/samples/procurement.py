"""Synthetic tender and contract notices for the sample council: one OCDS 1.1 release package
(as Contracts Finder and Find a Tender publish), tenders and awards.

Each contracting process has a tender release and, once awarded, an award release (tags
``award``/``contract``) naming the supplier, with CPV classifications, contract periods,
SME/VCSE suitability and suppliers' size (``parties[].details.scale``). The suppliers are the
firms in the sample spend files (:mod:`toolkit_helpers.samples.spend`), so spend can be matched
to contracts. Contract end dates fall around the sample's "as of" date (1 April 2024) so the
expiry pipeline has something in every window.

Quirks from real files, on purpose: mixed time-zone offsets (``+01:00`` in summer, ``+00:00``
or ``Z`` in winter); values with ``amountGross`` beside ``amount`` and one award with only
``amountGross``; a lot priced in EUR on a GBP tender; contract end dates missing (one given only
as ``durationInDays``).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from .common import SampleCouncil, rng_for, write_bytes
from .spend import supplier_records

DATA_FILES = {"ocds": "procurement/ocds_release_package.json"}
AS_OF = "2024-04-01"
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

# key, title, CPV, CPV description, method, supplier (None = not awarded yet), tender date,
# award date, contract start, contract end ("" = not published; a number = durationInDays),
# value (£, whole life), SME suitable, VCSE suitable
PROCESSES = (
    ("waste", "Refuse and recycling collection services", "90511000",
     "Refuse collection services", "open", "Northvale Waste Services Ltd", "2017-06-12",
     "2017-12-01", "2018-04-01", "2025-03-31", 26_100_000, False, False),
    ("leisure", "Management of leisure centres", "92610000",
     "Sports facilities operation services", "open", "{short} Leisure Trust", "2019-02-04",
     "2019-07-15", "2019-10-01", "2024-09-30", 5_115_000, False, True),
    ("ict", "Managed ICT service", "72500000", "Computer-related services", "selective",
     "Brightline ICT Solutions Ltd", "2019-05-20", "2019-10-28", "2020-01-01", "2024-12-31",
     2_550_000, False, False),
    ("grounds", "Grounds maintenance of parks and open spaces", "77314000",
     "Grounds maintenance services", "open", "Greenway Grounds Maintenance Ltd", "2020-10-05",
     "2021-02-15", "2021-04-01", "2025-09-30", 1_100_000, True, False),
    ("fm", "Planned and reactive building maintenance", "50700000",
     "Repair and maintenance services of building installations", "open",
     "Castle Facilities Management plc", "2021-09-13", "2022-02-07", "2022-04-01", "2027-03-31",
     1_450_000, False, False),
    ("print", "Print and design services framework", "79800000",
     "Printing and related services", "open", "Meadow Print & Design Ltd", "2022-03-14",
     "2022-06-06", "2022-07-01", "", 180_000, True, False),
    ("agency", "Temporary and interim staff", "79620000",
     "Supply services of personnel including temporary staff", "limited",
     "Kestrel Agency Staffing Ltd", "2022-10-03", "2022-12-05", "2023-01-01", "2024-06-30",
     480_000, False, False),
    ("legal", "Legal advice and representation", "79110000",
     "Legal advisory and representation services", "selective", "Oakhythe Legal LLP",
     "2022-06-20", "2022-09-12", "2022-10-01", "2025-09-30", 240_000, True, False),
    ("energy", "Supply of electricity and gas", "09310000", "Electricity", "limited",
     "Northvale Energy Supply plc", "2021-06-07", "2021-08-23", "2021-10-01", "2024-09-30",
     1_800_000, False, False),
    ("security", "Security patrols and key holding", "79710000", "Security services", "open",
     "Beacon Security Services Ltd", "2022-12-12", "2023-02-27", "2023-04-01", "2025-03-31",
     160_000, True, False),
    ("software", "Revenues and benefits software licences", "48000000",
     "Software package and information systems", "limited", "Summit Software Licensing Ltd",
     "2021-11-08", "2022-02-21", "2022-04-01", "2024-11-30", 310_000, False, False),
    ("books", "Supply of library books and e-books", "22113000", "Library books", "open",
     "Lantern Book Supply Ltd", "2020-11-16", "2021-02-22", "2021-04-01", "2024-03-31",
     260_000, True, False),
    ("cleaning", "Cleaning of libraries and community hubs", "90910000", "Cleaning services",
     "open", "Sparkle Cleaning Co-operative", "2022-02-28", "2022-05-09", "2022-06-01", 1095,
     330_000, True, True),
    ("fuel", "Fleet fuel cards", "30163100", "Agency fuel cards", "limited",
     "Fenwick Fuel Cards Ltd", "2019-12-02", "2020-02-17", "2020-04-01", "2023-03-31",
     900_000, False, False),
    ("regen", "Town centre regeneration masterplan", "71410000", "Urban planning services",
     "selective", "Harbour Consulting Group Ltd", "2023-02-13", "2023-05-02", "2023-06-01",
     "2025-12-31", 350_000, False, False),
    ("catering", "Event catering", "55520000", "Catering services", "direct",
     "Millbrook Catering Co", "2023-07-17", "2023-08-14", "2023-09-01", "", 45_000, True, False),
    ("kiosks", "Library self-service kiosks", "30200000", "Computer equipment and supplies",
     "open", None, "2024-02-20", None, "2024-09-01", "2028-08-31", 180_000, True, False),
    ("booking", "Community hubs room booking system", "48000000",
     "Software package and information systems", "open", None, "2024-03-05", None,
     "2024-10-01", "2027-09-30", 95_000, True, True),
    ("vehicles", "Refuse collection vehicles", "34144511", "Refuse-collection vehicles",
     "open", None, "2024-01-15", None, "2024-11-01", "2031-10-31", 1_200_000, False, False),
    ("waste2025", "Refuse and recycling collection services from 2025", "90511000",
     "Refuse collection services", "open", None, "2024-03-18", None, "2025-04-01", "2033-03-31",
     28_500_000, False, False),
)
GROSS_ONLY_AWARDS = {"energy"}  # the award gives only amountGross (with VAT)
FOREIGN_LOT = {"booking": ("EUR", 1.16)}  # a lot priced in another currency


def _bst(d: dt.date) -> bool:
    """British Summer Time: last Sunday of March to last Sunday of October."""
    def last_sunday(month):
        x = dt.date(d.year, month, 31)
        return x - dt.timedelta(days=(x.weekday() + 1) % 7)
    return last_sunday(3) <= d < last_sunday(10)


def _stamp(day: str, time: str, rng, zulu_ok: bool = True) -> str:
    d = dt.date.fromisoformat(day)
    if _bst(d):
        return f"{day}T{time}+01:00"
    return f"{day}T{time}{'Z' if zulu_ok and rng.random() < 0.5 else '+00:00'}"


def _value(amount: float, currency: str = "GBP", gross: bool = True) -> dict:
    v = {"amount": amount, "currency": currency}
    if gross:
        v = {"amountGross": round(amount * 1.2, 2), **v}
    return v


def generate(root: Path, council: SampleCouncil) -> list[Path]:
    rng = rng_for(council, "procurement")
    suppliers = {s["name"]: s for s in supplier_records(council)}
    code = council.slug.upper()[:8]
    buyer = {"id": f"GB-LAE-{code}", "name": council.name}
    buyer_party = {"id": buyer["id"], "name": council.name,
                   "identifier": {"scheme": "GB-LAE", "id": code, "legalName": council.name},
                   "address": {"locality": council.short_name, "countryName": "United Kingdom"},
                   "roles": ["buyer"]}
    releases = []
    for n, (key, title, cpv, cpv_desc, method, supplier, tender_day, award_day, start, end,
            value, sme, vcse) in enumerate(PROCESSES, start=1):
        ocid = f"ocds-sample-{council.slug}-{n:03d}"
        amount = round(value * rng.uniform(0.92, 1.08), -2)
        classification = {"scheme": "CPV", "id": cpv, "description": cpv_desc}
        period = {"startDate": _stamp(start, "00:00:00", rng)}
        if isinstance(end, int):
            period["durationInDays"] = end
        elif end:
            period["endDate"] = _stamp(end, "23:59:59", rng)
        tender = {
            "id": f"{code}-{tender_day[:4]}-{n:03d}",
            "title": title,
            "description": f"{council.name} invites tenders for: {title.lower()}.",
            "status": "active" if supplier is None else "complete",
            "classification": classification,
            "items": [{"id": "1", "classification": classification}],
            "value": _value(amount),
            "procurementMethod": method,
            "mainProcurementCategory": "goods" if cpv[:2] in ("09", "22", "30", "34") else "services",
            "tenderPeriod": {"endDate": _stamp(
                (dt.date.fromisoformat(tender_day) + dt.timedelta(days=35)).isoformat(),
                "12:00:00", rng)},
            "contractPeriod": period,
            "suitability": {"sme": sme, "vcse": vcse},
        }
        if key == "waste2025":
            tender["status"] = "planned"
        if key in FOREIGN_LOT:
            cur, rate = FOREIGN_LOT[key]
            tender["lots"] = [{"id": "1", "title": title, "status": "active",
                               "value": _value(round(amount * rate, -2), cur, gross=False),
                               "contractPeriod": period}]
        releases.append({
            "ocid": ocid, "id": f"{ocid}-tender", "date": _stamp(tender_day, "10:30:00", rng),
            "tag": ["tender"], "initiationType": "tender", "buyer": buyer,
            "parties": [buyer_party], "tender": tender, "language": "en",
        })
        if supplier is None:
            continue
        name = supplier.replace("{short}", council.short_name)
        s = suppliers[name]
        sid = f"GB-COH-{s['company_number']}" if s["company_number"] else \
            f"GB-SAMPLE-{name.upper().replace(' ', '-')[:20]}"
        party = {"id": sid, "name": name, "roles": ["supplier"],
                 "details": {"scale": s["scale"], "vcse": s["vcse"]}}
        award_amount = round(amount * rng.uniform(0.85, 1.0), -2)
        award_value = ({"amountGross": round(award_amount * 1.2, 2), "currency": "GBP"}
                       if key in GROSS_ONLY_AWARDS else _value(award_amount))
        award = {"id": "1", "title": title, "status": "active",
                 "date": _stamp(award_day, "00:00:00", rng), "value": award_value,
                 "suppliers": [{"id": sid, "name": name}],
                 "items": [{"id": "1", "classification": classification}],
                 "contractPeriod": period}
        award_tender = {k: tender[k] for k in ("id", "title", "status", "classification",
                                               "procurementMethod", "mainProcurementCategory",
                                               "suitability")}
        award_tender["status"] = "complete"
        releases.append({
            "ocid": ocid, "id": f"{ocid}-award", "date": _stamp(award_day, "14:00:00", rng),
            "tag": ["award", "contract"], "initiationType": "tender", "buyer": buyer,
            "parties": [buyer_party, party], "tender": award_tender, "awards": [award],
            "language": "en",
        })
    releases.sort(key=lambda r: (r["date"][:10], r["id"]))
    package = {
        "uri": f"https://example.invalid/synthetic/{council.slug}/ocds-release-package.json",
        "version": "1.1",
        "publishedDate": "2024-04-01T09:00:00+01:00",
        "publisher": {"name": f"{council.name} (synthetic sample data)"},
        "license": OGL,
        "publicationPolicy": "https://example.invalid/synthetic/publication-policy",
        "releases": releases,
    }
    text = json.dumps(package, indent=1, ensure_ascii=False) + "\n"
    return [write_bytes(root / DATA_FILES["ocds"], text.encode("utf-8"))]
