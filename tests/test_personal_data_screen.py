"""The personal-data screen measured on a labelled set: recall and precision, column context,
determinism.

The set is ``tests/fixtures/personal_data_labelled.csv``: one cell a row (``column``, ``text``,
``label`` = ``personal``/``not``, ``kind``, ``set``). Every value is synthetic: invented names,
phones in Ofcom's drama ranges (07700 900xxx, 01632 960xxx, 0113/0117/0121/0161 496 0xxx,
020 7946 0xxx, 029 2018 0xxx), NI numbers with HMRC's specimen prefix QQ or made up, NHS numbers
in the 999 test range with a valid Modulus 11 check digit, IBANs with made-up bank codes, emails
at example.* domains, postcodes in the fictional AT area. Negatives are things a screen must
leave alone: organisations, venues and events named with titles or after people, organisations'
addresses and postcodes (including 360Giving ``Recipient Org:Postal Code``), references and
ledger/product codes, non-birth dates, company and charity numbers, role mailboxes,
organisations' phone numbers, ordinary text.

How it was built (so the figures can be read fairly): 370 cells were written before the rules;
a first held-out batch of 89 was then written with the rules frozen and measured once (recall
0.958, precision 0.958), its misses fixed by general rules and the batch folded into the
``development`` set; a second held-out batch of 89 (``holdout``) was measured once with the
final rules frozen (recall 0.939, precision 0.904), then general bugs it showed were fixed
(three known errors are left in it). The same person wrote the rules and the labels, so the
figures on the whole set are optimistic; the first looks at the held-out batches are the fairer
guide, and the real published files in ``tests/test_publish.py`` the check on real data.

Composition (548 cells; 289 personal, 259 not):

- personal (289): name 48, name_with_title 38, address 35, phone 32, date_of_birth 26,
  postcode 24, ni_number 22, bank_details 22, email 22, nhs_number 20
- not (259): organisation_or_event 65, other_text 41, reference_or_code 39,
  organisation_address 26, other_date 21, organisation_postcode 20, role_email 18,
  organisation_phone 11, company_number 9, charity_number 9
- sets: development 459 cells, holdout 89

Measured (recall: personal cells in which the screen finds the labelled kind; precision: flagged
cells that are personal): all 548 cells recall 0.997 (288 of 289), precision 0.993 (289 of 291
flagged; recall by kind 1.0 except name 0.979); holdout 89 cells recall 0.980 (48 of 49),
precision 0.961 (49 of 51). Errors left in the set: "Callum Ward" after "Ms Ward's son" (the
titled name is found, the untitled one is not), "Kebab House, 44 Market Street" (a business's
address read as a home's), ``bluebadge@`` (a role mailbox not recognised). The figures are in
``publish.SCREEN_MEASURED`` for the notebook and README; a test checks they match.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from toolkit_helpers import publish as pub

FIXTURE = Path(__file__).parent / "fixtures" / "personal_data_labelled.csv"


def _rows(which: str | None = None) -> list[dict]:
    with open(FIXTURE, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r for r in rows if which in (None, r["set"])]


def measure(rows: list[dict]) -> dict:
    """Recall, precision and composition of the screen on labelled rows."""
    personal = [r for r in rows if r["label"] == "personal"]
    found_kind = flagged_personal = flagged_not = 0
    by_kind: dict[str, list[int]] = {}
    errors = []
    for r in rows:
        kinds = {m.kind for m in pub.find_personal_data(r["text"], r["column"])}
        if r["label"] == "personal":
            hit = r["kind"] in kinds
            found_kind += hit
            flagged_personal += bool(kinds)
            by_kind.setdefault(r["kind"], [0, 0])
            by_kind[r["kind"]][0] += hit
            by_kind[r["kind"]][1] += 1
            if not hit:
                errors.append(("missed", r["kind"], r["column"], r["text"], sorted(kinds)))
        elif kinds:
            flagged_not += 1
            errors.append(("false alarm", r["kind"], r["column"], r["text"], sorted(kinds)))
    return {
        "cells": len(rows),
        "personal": len(personal),
        "not_personal": len(rows) - len(personal),
        "recall": round(found_kind / len(personal), 3),
        "precision": round(flagged_personal / (flagged_personal + flagged_not), 3),
        "recall_by_kind": {k: round(a / n, 3) for k, (a, n) in sorted(by_kind.items())},
        "composition": {
            label: dict(sorted(Counter(r["kind"] for r in rows if r["label"] == label).items()))
            for label in ("personal", "not")},
        "errors": errors,
    }


def test_the_labelled_set_is_big_synthetic_and_covers_every_kind():
    rows = _rows()
    assert len(rows) >= 300
    assert len({(r["column"], r["text"]) for r in rows}) == len(rows)        # no repeats
    assert {r["label"] for r in rows} == {"personal", "not"}
    assert {r["set"] for r in rows} == {"development", "holdout"}
    personal = [r for r in rows if r["label"] == "personal"]
    assert {r["kind"] for r in personal} == set(pub.KINDS)
    assert all(n >= 15 for n in Counter(r["kind"] for r in personal).values())
    assert len(rows) - len(personal) >= 250
    for r in personal:
        text = r["text"]
        if r["kind"] == "email":
            assert all(".example." in a or a.split("@")[1].startswith("example.")
                       for a in re.findall(r"@[\w.-]+", text.lower())), text
        if r["kind"] == "phone":
            for digits in re.findall(r"[+(]?\d[\d ()+-]{8,}\d", text):
                d = re.sub(r"\D", "", digits.replace("(0)", ""))
                d = "0" + d[2:] if d.startswith("44") else d
                d = "0" + d[4:] if d.startswith("0044") else d
                assert d.startswith(("07700900", "01632960", "0207946", "01134960", "01174960",
                                     "01214960", "01614960", "02920180")), text
        if r["kind"] == "nhs_number":
            numbers = [re.sub(r"\D", "", n) for n in re.findall(r"\d{3}[ -]?\d{3}[ -]?\d{4}", text)]
            assert numbers and all(n.startswith("999") for n in numbers), text   # NHS test range


def test_recall_and_precision_on_the_labelled_set():
    """Recall ≥ 0.95 and precision ≥ 0.90 on the whole set and on the held-out batch; the
    figures quoted in ``publish.SCREEN_MEASURED`` are the ones measured here."""
    whole, holdout = measure(_rows()), measure(_rows("holdout"))
    print(f"\nscreen on {whole['cells']} labelled cells ({whole['personal']} personal, "
          f"{whole['not_personal']} not): recall {whole['recall']}, precision "
          f"{whole['precision']}; holdout ({holdout['cells']}): recall {holdout['recall']}, "
          f"precision {holdout['precision']}")
    for e in whole["errors"]:
        print("  ", *e)
    assert whole["recall"] >= 0.95 and whole["precision"] >= 0.90
    assert holdout["recall"] >= 0.95 and holdout["precision"] >= 0.90
    assert all(r >= 0.9 for r in whole["recall_by_kind"].values()), whole["recall_by_kind"]
    quoted = pub.SCREEN_MEASURED
    assert quoted["cells"] == whole["cells"] and quoted["personal"] == whole["personal"]
    assert quoted["recall"] == whole["recall"] and quoted["precision"] == whole["precision"]
    assert quoted["recall_by_kind"] == whole["recall_by_kind"]
    assert quoted["composition"] == whole["composition"]
    assert quoted["holdout"]["cells"] == holdout["cells"]
    assert quoted["holdout"]["recall"] == holdout["recall"]
    assert quoted["holdout"]["precision"] == holdout["precision"]
    # the known errors are the three documented in publish's docstring
    assert sorted(e[3] for e in whole["errors"]) == [
        "Licence for Kebab House, 44 Market Street",
        "Ms Ward's son Callum Ward will collect",
        "bluebadge@anytown.example.gov.uk"]


# ------------------------------------------------------------------ the brief's cases, by name

@pytest.mark.parametrize("column, text, kind", [
    ("full_name", "JANE ASHDOWN", "name"),
    ("notes", "spoke to jane ashdown", "name"),
    ("organiser", "Mrs J. Ashdown", "name_with_title"),
    ("notes", "Home visit to 14 Church Lane", "address"),
    ("notes", "Tenant at 3 Park Road", "address"),
    ("notes", "Lives at 2 School Street", "address"),
    ("notes", "Parcel for 9 Station Road", "address"),
    ("notes", "Flat 1, 5 Market Place", "address"),
    ("home_postcode", "at1 4de", "postcode"),
    ("home_postcode", "AT14DE", "postcode"),
    ("notes", "NI QQ 12 34 56 C", "ni_number"),
    ("ni_number", "qq123456c", "ni_number"),
    ("notes", "NI QQ-12-34-56-C", "ni_number"),
    ("contact", "07700 900123", "phone"),
    ("contact", "+44 7700 900123", "phone"),
    ("contact", "447700900654", "phone"),
    ("contact", "(01632) 960123", "phone"),
    ("notes", "DOB 12/03/1985", "date_of_birth"),
    ("notes", "born 1985-03-12", "date_of_birth"),
    ("date_of_birth", "12/03/1985", "date_of_birth"),
    ("nhs_number", "999 787 7896", "nhs_number"),
    ("notes", "9997877896", "nhs_number"),
    ("notes", "sort code 12-34-56 account 12345678", "bank_details"),
    ("notes", "IBAN GB91 TEST 7778 2048 1218 21", "bank_details"),
    ("email", "jane.ashdown@example.com", "email"),
])
def test_personal_cases(column, text, kind):
    assert kind in {m.kind for m in pub.find_personal_data(text, column)}


@pytest.mark.parametrize("column, text", [
    ("venue", "Lord Nelson Hotel"), ("event_title", "Dr Seuss Day"),
    ("event_title", "Mr Men Storytime"), ("venue", "Queen Elizabeth Hospital"),
    ("organiser", "St John Ambulance"),
    ("address", "Anytown Borough Council, Civic Offices, 1 Market Place, AT1 1AA"),
    ("recipient_org_postcode", "AT1 4DE"), ("Recipient Org:Postal Code", "AT1 4DE"),
    ("invoice_number", "INV-2024-0012"), ("ledger_code", "4010-220-1234"),
    ("account_code", "40102201"), ("event_date", "12/03/1985"),
    ("company_number", "01234567"), ("charity_number", "1123456"),
    ("contact", "libraries@council.example.gov.uk"), ("notes", "9997877890"),  # bad check digit
])
def test_not_personal_cases(column, text):
    assert pub.find_personal_data(text, column) == []


def test_the_column_name_decides_the_same_value():
    def kinds(text, column):
        return {m.kind for m in pub.find_personal_data(text, column)}

    assert kinds("AT1 4DE", "home_postcode") == {"postcode"}
    assert kinds("AT1 4DE", "recipient_org_postcode") == set()
    assert kinds("12/03/1985", "date_of_birth") == {"date_of_birth"}
    assert kinds("12/03/1985", "event_date") == set()
    assert kinds("QQ123456C", "ni_number") == {"ni_number"}
    assert kinds("QQ123456C", "product_code") == set()
    assert kinds("01632 960000", "home_phone") == {"phone"}
    assert kinds("01632 960000", "venue_phone") == set()
    assert kinds("7456236097", "nhs_number") == {"nhs_number"}
    assert kinds("7456236097", "order_ref") == set()
    assert kinds("Priya", "first_name") == {"name"}
    assert kinds("Priya", "notes") == set()
    assert kinds("14 Church Lane, Anytown", "home_address") == {"address"}
    assert kinds("14 Church Lane, Anytown", "venue_address") == set()
    assert kinds("12345678", "bank_account_number") == {"bank_details"}
    assert kinds("12345678", "notes") == set()


def test_a_table_of_places_has_the_places_addresses_and_phones():
    places = pub.table_from_rows(
        ["site_id", "name", "organisation", "address", "postcode", "phone", "email"],
        [["S1", "Northgate Library", "Anytown Borough Council", "90 High Street", "AT5 8UQ",
          "01632 960262", "libraries@anytown.example.gov.uk"],
         ["S2", "Riverside Hub", "Anytown Borough Council", "12 Mill Lane", "AT2 3HX",
          "07700 900555", "j.ashdown@example.com"]])
    bookings = pub.table_from_rows(
        ["hub", "contact_name", "address", "phone"],
        [["Northgate Library", "Jane Ashdown", "90 High Street", "01632 960262"]])
    assert pub.is_organisation_table(places.header)
    assert not pub.is_organisation_table(bookings.header)
    # the places' landlines, addresses and postcodes are theirs; a mobile and a person's email
    # are still flagged
    assert sorted((c.row, c.kind) for c in pub.screen(places).cells) == [(3, "email"), (3, "phone")]
    assert {c.kind for c in pub.screen(bookings).cells} == {"name", "address", "phone"}


def test_the_screen_is_deterministic_and_redaction_touches_only_spans():
    rows = _rows()
    table = pub.table_from_rows(["column", "text"], [[r["column"], r["text"]] for r in rows])
    first = [(m.kind, m.start, m.end) for r in rows for m in pub.find_personal_data(r["text"], r["column"])]
    pub._find_cached.cache_clear()
    second = [(m.kind, m.start, m.end) for r in rows for m in pub.find_personal_data(r["text"], r["column"])]
    assert first == second
    one = pub.table_from_rows(["notes"], [[r["text"]] for r in rows])
    red = pub.redact(one)
    for r, (after,) in zip(rows, red.rows):
        ms = pub.find_personal_data(r["text"], "notes")
        kept = [r["text"][a:b] for a, b in zip([0] + [m.end for m in ms],
                                               [m.start for m in ms] + [len(r["text"])])]
        assert after == pub.DEFAULT_LABEL.join(kept)
    assert table.rows[0][1] == rows[0]["text"]


def test_redacted_values_are_not_flagged_again():
    for column in ("full_name", "home_address", "notes", "date_of_birth"):
        for label in pub.REDACTION_LABELS:
            assert pub.find_personal_data(label, column) == []
