"""Publish-readiness: is a dataset safe and ready to open?

For a table the council means to publish (CSV or ``.xlsx``):

- :func:`screen` — a **personal-data screen**, cell by cell, with each column's name as context,
  for email addresses, UK phone numbers, National Insurance numbers, NHS numbers, personal names
  (with or without a title, in any case), home addresses, individuals' postcodes, dates of birth
  and bank details (sort codes, account numbers, IBANs); :func:`findings_table` gives per-column
  counts with example row numbers and masked examples (never the value itself).
- :func:`redact` — replaces only the personal-data spans with a Transparency Code label
  (``REDACTED PERSONAL DATA`` by default); **every other value stays byte-identical**.
- :func:`neutralise` — text cells a spreadsheet would run as a formula (starting ``=``, ``+``,
  ``-``, ``@`` and not a number) get a leading ``'`` (:func:`toolkit_helpers.io.neutralise_formula`).
- :func:`write_data_package` — the table as UTF-8 CSV plus ``datapackage.json`` (Frictionless
  Data Package: licence, OGL v3 by default; publisher; field types), then
  :func:`validate_package` with the ``frictionless`` library.
- :func:`five_star` — the five-star open data level the published files reach, and what the next
  star needs.

What the screen decides, and why (measured on a labelled set of 548 cells in
``tests/fixtures/personal_data_labelled.csv``; figures in :data:`SCREEN_MEASURED`):

- **Column names are context.** ``recipient_org_postcode``, ``venue_address``, ``supplier_tel``:
  an organisation's, not personal. ``date_of_birth``, ``dob``: its dates are personal.
  ``first_name``, ``surname``, ``next_of_kin``: its values are names. ``home_address``: its values
  are addresses. ``product_code``, ``transaction_id``, ``ledger_code``: codes, not NI numbers,
  phones or postcodes. A table whose rows are organisations or places (a column such as ``hub``,
  ``organisation``, ``site_id`` and no column about a person: :func:`is_organisation_table`)
  has the organisations' addresses, postcodes and landlines.
- **Emails**: every address, except role mailboxes whose every word is a role word
  (``libraries@``, ``council.tax@``, ``parks.team@``, ``streetcare@``) — a team, not a person.
- **Phones**: UK geographic (01, 02) and mobile (07) numbers, written with spaces, brackets,
  hyphens, ``+44``, ``0044`` or ``44``. 03, 08 and 09 numbers are organisations' numbers. A
  landline after an organisation's name (*Call the library on …*) is the organisation's. A run of
  digits glued to letters or hyphens (``INV-01632960123``) or after *invoice*, *ref*, *order no.*,
  *case*, *serial* … is a reference (but *tel no.*, *phone number:* are phones).
- **NI numbers**: HMRC's format (allowed prefix letters; six digits; suffix A–D), upper or lower
  case, with spaces or hyphens; HMRC's specimen prefix QQ counts too. Without the suffix letter
  only after *NI*/*NINO* or in an NI column. Not in a code column; ``GB123456A``,
  ``AB123456E``, ``SKU-AB123456C`` break the rules and are not flagged.
- **NHS numbers**: ten digits (3-3-4, with or without spaces or hyphens) with a valid Modulus 11
  check digit; with the word *NHS* in the cell or an NHS column, any ten-digit number there.
  Not a bare number in an id column or after a reference word.
- **Names with titles**: Mr, Mrs, Ms, Miss, Mx, Dr, Prof, Sir, Dame, Rev, Lady, Lord followed by
  a name, in any case (``MRS JANE ASHDOWN``, ``mrs j. ashdown``). Not personal: organisations,
  venues and events named with a title or after a person — a name followed by Ltd, & Sons,
  Trust, Surgery, Hotel, Hospital, Ambulance, Day, Storytime, Book Club, School … (``Lord Nelson
  Hotel``, ``Dr Seuss Day``, ``Dr Foster Intelligence Ltd``), names after Queen, King, St
  (``Queen Elizabeth Hospital``, ``St John Ambulance``), and a short list of characters and
  brands (``Mr Men``, ``Dr Who``, ``Mr Kipling``). Words that are also surnames (Hall, Day,
  Ward) make an organisation only when no forename comes before them or in an organisation's
  column (``Mrs Jane Day`` is a person; ``Lady Margaret Hall`` as a venue is not).
- **Names without a title**: a common UK forename (a built-in list of ~900 from all communities)
  followed by a surname in the same case (``Jane Ashdown``, ``JANE ASHDOWN``, ``jane ashdown`` in
  lower-case text); forenames that are everyday words (Will, May, Grace, Victoria) only before a
  capitalised surname that is not an everyday word, and never in capitals. Not in organisation,
  code or event-title columns; not before organisation or event words (``Jane Austen Book
  Club``, ``John Lewis Partnership``). A forename not on the list is caught only with a title or
  in a name column.
- **Home addresses**: a house number (and flat), a street name and a street word (Road, Lane,
  Close, Crescent …), in any case: ``14 Church Lane``, ``7 School Street``, ``15 Market
  Place`` (street names made of organisation words are streets). An address after an
  organisation's name (*Anytown Library, 5 Market Place*) is the organisation's, unless a
  personal cue (*home visit*, *lives*, *tenant*, a person's name) comes in between.
- **Postcodes**: full UK postcodes in any case, spaced or not (``AT1 4DE``, ``at14de``; a
  district alone, ``AT1``, is not personal), unless they are an organisation's (organisation
  column, or after an organisation's name as for addresses).
- **Dates of birth**: a date after *DOB*, *D.O.B.*, *date of birth*, *born (on)*, or any date in
  a date-of-birth column. Other dates (events, awards, *birthday party on …*, *Born Free
  screening on …*) are not personal.
- **Bank details**: IBANs (checked with the mod-97 check digits); sort codes ``12-34-56`` and
  8-digit account numbers only with a banking word in the cell (*sort code*, *account*, *a/c*,
  *bank*) or the column header — so ``01-02-23`` as a date is not a sort code, and ledger
  *account codes* are not accounts.

Known limits (kept in the labelled set as errors, not hidden): a business named without an
organisation word (*Kebab House, 44 Market Street*), a role mailbox made of words the list does
not know (``bluebadge@``), and a surname that is also a place word after a forename without a
title (*Callum Ward*).
"""
from __future__ import annotations

import bisect
import csv
import io as _io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import DataFileError, ToolkitError
from .io import atomic_write_text, is_blank_row, neutralise_formula, read_rows

KINDS = ("email", "phone", "ni_number", "name_with_title", "postcode", "bank_details",
         "name", "address", "date_of_birth", "nhs_number")
KIND_LABELS = {
    "email": "email address",
    "phone": "UK phone number",
    "ni_number": "National Insurance number",
    "name_with_title": "personal name with a title",
    "postcode": "individual's postcode",
    "bank_details": "bank details (sort code, account number, IBAN)",
    "name": "personal name (no title)",
    "address": "home address (house number and street)",
    "date_of_birth": "date of birth",
    "nhs_number": "NHS number",
}
# How well the screen does, measured by tests/test_personal_data_screen.py on the labelled set
# tests/fixtures/personal_data_labelled.csv (a test checks these figures match the measurement).
# recall: personal cells in which the screen finds the labelled kind; precision: flagged cells
# that are personal. The rules' author wrote the labels too, so the whole-set figures are
# optimistic; "first_looks" are held-out batches measured once with the rules frozen, before any
# change they prompted — the fairer guide to new data.
SCREEN_MEASURED = {
    "cells": 548,
    "personal": 289,
    "not_personal": 259,
    "recall": 0.997,
    "precision": 0.993,
    "recall_by_kind": {"address": 1.0, "bank_details": 1.0, "date_of_birth": 1.0, "email": 1.0,
                       "name": 0.979, "name_with_title": 1.0, "nhs_number": 1.0,
                       "ni_number": 1.0, "phone": 1.0, "postcode": 1.0},
    "composition": {
        "personal": {"address": 35, "bank_details": 22, "date_of_birth": 26, "email": 22,
                     "name": 48, "name_with_title": 38, "nhs_number": 20, "ni_number": 22,
                     "phone": 32, "postcode": 24},
        "not": {"charity_number": 9, "company_number": 9, "organisation_address": 26,
                "organisation_or_event": 65, "organisation_phone": 11,
                "organisation_postcode": 20, "other_date": 21, "other_text": 41,
                "reference_or_code": 39, "role_email": 18},
    },
    "holdout": {"cells": 89, "recall": 0.98, "precision": 0.961},
    "first_looks": [
        {"batch": 1, "cells": 89, "recall": 0.958, "precision": 0.958},
        {"batch": 2, "cells": 89, "recall": 0.939, "precision": 0.904},
    ],
    "real_files": {"cells": 65552, "files": 4,
                   "found": "only names of individual payees (10 cells), nothing else"},
}

# Labels seen in councils' Transparency Code publications.
REDACTION_LABELS = ("REDACTED PERSONAL DATA", "Redacted", "Name redacted",
                    "REDACTED COMMERCIAL CONFIDENTIALITY")
DEFAULT_LABEL = "REDACTED PERSONAL DATA"

OGL_V3 = {
    "name": "OGL-UK-3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "title": "Open Government Licence v3.0",
}

# Open licences a council might choose, by their SPDX-style identifier.
LICENCES = {
    "OGL-UK-3.0": OGL_V3,
    "CC-BY-4.0": {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                  "title": "Creative Commons Attribution 4.0"},
    "CC0-1.0": {"name": "CC0-1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/",
                "title": "CC0 1.0 Universal (public domain dedication)"},
    "ODC-BY-1.0": {"name": "ODC-BY-1.0", "path": "https://opendatacommons.org/licenses/by/1-0/",
                   "title": "Open Data Commons Attribution Licence v1.0"},
    "ODbL-1.0": {"name": "ODbL-1.0", "path": "https://opendatacommons.org/licenses/odbl/1-0/",
                 "title": "Open Data Commons Open Database Licence v1.0"},
}


def licence(name: str = "OGL-UK-3.0") -> dict:
    """The licence record for an identifier in :data:`LICENCES` (OGL v3 by default)."""
    if name not in LICENCES:
        raise ToolkitError(f"unknown licence {name!r}",
                           hint=f"choose one of {', '.join(LICENCES)} (OGL-UK-3.0 for most UK "
                                "public-sector data).")
    return dict(LICENCES[name])


# ------------------------------------------------------------------ patterns
#
# The screen is rules, not a model: word lists and regular expressions, so it is deterministic,
# fast and explainable ("flagged because …"). Column names are context: a header is normalised
# (``Recipient Org:Postal Code`` → ``recipient org postal code``, ``DateOfBirth`` → ``date of
# birth``) and sorted into the classes below.

def _words_re(words: str) -> str:
    return "|".join(sorted(set(words.split()), key=len, reverse=True))


def _wordset(words: str) -> frozenset:
    return frozenset(words.split())


# Headers. A column about an organisation, venue or site: its addresses, postcodes and landlines
# are the organisation's, and names in it are trading names unless they carry a title.
_ORG_HEADER = re.compile(
    r"\b(?:org|orgs|organisation|organisations|organisational|organization|organizations|"
    r"organizational|company|companies|"
    r"business|businesses|supplier|suppliers|vendor|vendors|venue|venues|site|sites|premises|"
    r"location|branch|office|offices|depot|contractor|contractors|registered|charity|charities|"
    r"funder|funding|provider|providers|merchant|council|authority|department|hub|hubs|library|"
    r"libraries|practice|surgery|school|schools|employer|beneficiary|institution|agency|trust|"
    r"club|firm|shop|store|landlord company)\b")
# Ids, references and codes: bare digit runs and NI/postcode-shaped codes in them are not personal.
_ID_HEADER = re.compile(
    r"\b(?:id|ids|ref|refs|reference|references|invoice|order|transaction|trans|code|codes|sku|"
    r"account|urn|uprn|usrn|isbn|po|ledger|nominal|cost|batch|case|serial|tracking|barcode|"
    r"product|item|part|voucher|receipt|cheque|identifier|company|charity)\b")
_PHONE_HEADER = re.compile(r"phone|\btel\b|telephone|mobile|\bcontact\b|whatsapp|\bfax\b|\bsms\b")
_NI_HEADER = re.compile(r"\b(?:ni|nino|nin|national insurance)\b")
_NHS_HEADER = re.compile(r"\bnhs\b|\bchi (?:number|no)\b|\bhealth (?:service )?(?:number|no)\b")
_DOB_HEADER = re.compile(r"\b(?:dob|d o b|date of birth|birth date|birthdate|born|birthday|date born)\b")
_BANK_HEADER = re.compile(r"sort code|\bbank\b|\biban\b|\bacc(?:ount|t)? (?:number|no|num)\b|"
                          r"\ba/c\b|\bbacs\b|\bpayee account\b|\bbuilding society\b")
_TITLE_HEADER = re.compile(r"\b(?:title|event|events|activity|course|show|session|programme|"
                           r"exhibition|talk|workshop)\b")
_ADDRESS_HEADER = re.compile(r"\b(?:address|addresses|addr|street|house|residence)\b")
# An address, postcode or name column about a person (home_address, applicant_postcode …).
_PERSON_HEADER = re.compile(
    r"\b(?:home|resident|residents|residential|correspondence|private|personal|applicant|"
    r"applicants|claimant|claimants|tenant|tenants|patient|patients|pupil|pupils|student|"
    r"students|client|clients|customer|customers|individual|individuals|carer|carers|parent|"
    r"parents|guardian|employee|employees|staff|volunteer|volunteers|member|members|child|"
    r"children|householder|occupier|complainant|requester|attendee|attendees|participant|"
    r"participants|ind|kin|person|people|user|users|service user|contact|contacts)\b")
# A column named just for the person (attendee, volunteer, next_of_kin …).
_PERSON_NOUN = re.compile(
    r"(?:(?:the|lead|main|primary|named|name of|name of the) )?(?:attendee|volunteer|applicant|"
    r"claimant|tenant|patient|pupil|student|carer|guardian|parent|resident|householder|occupier|"
    r"complainant|requester|participant|employee|child|service user|next of kin|nok)s?")
# Columns whose every value is a person's name.
_NAME_FIELD = re.compile(
    r"\b(?:first names?|forenames?|given names?|surnames?|last names?|family names?|middle names?|"
    r"full names?|maiden names?|person names?|christian names?|next of kin|nok)\b")
_NOT_A_NAME_FIELD = re.compile(
    r"\b(?:address|addr|postcode|post code|postal|phone|tel|telephone|mobile|email|e mail|date|"
    r"dob|birth|number|no|id|ref|nhs|ni|nino|age|gender|sex|count|type|status|notes?|comments?|"
    r"title|description|code|amount|relationship)\b")

# ------------------------------------------------------------------ emails
# A mailbox is a role (not a person) when every word of its local part is a role word:
# libraries@, council.tax@, parks.team@, customer.services@, housing.enquiries@ …
_ROLE_WORDS = _wordset("""
info information enquiries enquiry libraries library admin administration contact contactus hello
office support bookings booking noreply no reply donotreply do not customerservices customer
customers services service foi dpo dataprotection data protection privacy opendata open press
media news events event hubs hub feedback complaints complaint council reception accounts account
finance payments payment invoices invoice procurement purchasing webmaster web webteam help team
teams sales orders shop dept department unit desk helpdesk servicedesk planning housing benefits
benefit revenues revenue tax ctax elections electoral registration registrars licensing licences
licence waste recycling highways roads parking parks leisure sport sports museum museums arts
culture tourism grants grant funding community communities volunteering volunteers education
schools admissions transport environmental health safeguarding fostering adoption social care
adult adults children families family youth hr payroll ict it digital communications comms
marketing general legal democratic democracy members committee committees mayor foi jobs
recruitment careers training estates property facilities building control emergency policy
performance insight research gis mapping streetworks pest noise food safety trading standards
business rates switchboard ask enquire lettings tenancy repairs homes cemetery bereavement
register registry clerk treasurer chief executive ceo secretary chair admin1 mail post postmaster
abuse security marketing partnerships street streets cleansing environment green spaces
trees bins bin refuse fly tipping enforcement antisocial behaviour asb pollution flooding drainage
lighting
""")
_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(?![\w-])")


_ROLE_JOINERS = _wordset("and of the for")


@lru_cache(maxsize=4096)
def _role_word_run(word: str) -> bool:
    """Is ``word`` role words run together ("streetcare", "wasteandrecycling")?"""
    if word in _ROLE_WORDS:
        return True
    if len(word) > 64:
        return False
    # ok[i]: word[i:] splits into role words (joiners like "and" only between them)
    ok = [False] * (len(word) + 1)
    ok[len(word)] = True
    for i in range(len(word) - 1, -1, -1):
        for k in range(i + 2, len(word) + 1):
            piece = word[i:k]
            if ok[k] and (piece in _ROLE_WORDS or (piece in _ROLE_JOINERS and k < len(word))):
                ok[i] = True
                break
    return ok[0]


def _role_mailbox(local: str) -> bool:
    words = [w for w in re.split(r"[._+\-]+", re.sub(r"\d+", "", local.lower())) if w]
    return bool(words) and all(_role_word_run(w) for w in words)


# ------------------------------------------------------------------ phones
# UK numbers: +44 / 0044 / 44 / 0, then the national number in the usual groupings.
_PHONE = re.compile(
    r"(?<![\w/@.+-])"
    r"(?P<pre>\+44\s?\(0\)\s?|\+44[\s-]?|0044[\s-]?|44[\s-]?(?:\(0\)\s?)?|\(0|0)"
    r"(?P<num>\d(?:(?:\)\s?|[\s-])?\d){8,9})"
    r"(?![\w/-]|[.,]\d)")
_REF_WORDS = (r"invoice|inv|ref|reference|order|po|id|account|a/c|acc|tx|txn|"
              r"trans|transaction|case|batch|tracking|serial|uprn|usrn|urn|isbn|barcode|cheque|"
              r"voucher|receipt|ticket|booking|membership|card|item|sku|part|code|claim|policy")
# "Invoice 01632 960123", "Order no. 07700 900123", "ref 02079460000": references, not phones.
# ("no." or "number" alone is not enough: "her number 07700 900482" is a phone.)
_REF_BEFORE = re.compile(rf"(?:\b(?:{_REF_WORDS})\b\.?:?\s*(?:(?:no|number|num)\b\.?:?\s*)?|#)#?\s*$", re.I)
_PHONE_CUE_BEFORE = re.compile(
    r"(?:\b(?:tel|telephone|phone|phoned|mobile|mob|cell|contact|call|calls|called|ring|rang|text|"
    r"sms|whatsapp|fax|landline|home)\b\.?\s*(?:no|number|num|#)?\.?:?\s*|\bon\s*)$", re.I)

# ------------------------------------------------------------------ NI numbers
# HMRC's format: prefix letters from the allowed set (not BG, GB, KN, NK, NT, TN, ZZ), six
# digits, suffix A–D. QQ is HMRC's specimen prefix: caught too, since a number in that shape in
# a file to publish is at best test data. Upper or lower case; spaces or hyphens between pairs.
_NI = re.compile(
    r"(?<![A-Za-z0-9-])"
    r"(?P<prefix>QQ|(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])"
    r"[ -]?(?P<d>\d{2}[ -]?\d{2}[ -]?\d{2})(?:[ -]?(?P<suffix>[A-D]))?"
    r"(?![A-Za-z0-9-])", re.I)
_NI_CUE = re.compile(r"\b(?:ni|n\.i\.?|nino|national\s+insurance)\b", re.I)

# ------------------------------------------------------------------ NHS numbers
_NHS = re.compile(r"(?<![\w/.+-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\w/-]|[.,]\d)")
_NHS_CUE = re.compile(r"\bnhs\b|\bchi\b", re.I)


def _nhs_ok(digits: str) -> bool:
    """The NHS number's Modulus 11 check digit."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


# ------------------------------------------------------------------ dates of birth
_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})|\d{{4}}-\d{{1,2}}-\d{{1,2}}|"
         rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{4}}|"
         rf"(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})")
_DATE_RE = re.compile(rf"(?<![\w/.-])({_DATE})(?![\w/]|-\d)", re.I)
_DOB_IN_TEXT = re.compile(
    rf"(?:\bd\.?\s?o\.?\s?b\b\.?|\bdate\s+of\s+birth\b|\bbirth\s*date\b|\bborn\b(?:\s+on)?|"
    rf"(?<![\w.])b\.)\s*[:=\-–—]?\s*(?:on\s+)?(?:the\s+)?({_DATE})(?![\w/]|-\d)", re.I)
_MONTH_YEAR = re.compile(r"(?<![\w/.-])(\d{1,2}[/.-]\d{4}|(?:19|20)\d{2})(?![\w/.-])")

# ------------------------------------------------------------------ bank details
_IBAN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2}\d{2}(?:\s?[A-Za-z0-9]{4}){3,7}(?:\s?[A-Za-z0-9]{1,4})?)(?![A-Za-z0-9])")
_SORT_CODE = re.compile(r"(?<![\w-])(\d{2}-\d{2}-\d{2}|\d{2} \d{2} \d{2})(?![\w-])")
_ACCOUNT = re.compile(r"(?<![\w-])(\d{8})(?![\w-])")
_LEDGER_ACCOUNT = re.compile(r"\b(?:ledger|nominal|gl|g/l|cost|budget|expense|expenditure|"
                             r"revenue|capital)\s+acc(?:oun)?t\b|\bacc(?:oun)?t\s+(?:code|type|"
                             r"heading|detail|details|name|description|manager)\b", re.I)
_BANK_WORDS = re.compile(r"sort\s*code|\bs/c\b|\bacc(?:oun)?t\b|\ba/c\b|\bacc\b|\bbank\b|\biban\b|"
                         r"\bbacs\b|\bpayee\b|\bbuilding\s+society\b", re.I)
_SORT_WORDS = re.compile(r"sort\s*code|\bs/c\b|\bbank\b|\bbacs\b|\bpayee\b", re.I)


def _iban_ok(s: str) -> bool:
    s = s.replace(" ", "").upper()
    if not 15 <= len(s) <= 34:
        return False
    moved = s[4:] + s[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


# ------------------------------------------------------------------ names
_TITLE_WORDS = _wordset("mr mrs ms miss mx dr prof professor sir dame rev revd reverend lady lord")
# Kept for the notebook's explanation and older callers.
_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Rev|Revd|Reverend|Lady|Lord)"

# Common UK forenames (all communities), for names written without a title. A list, so the
# screen stays deterministic: a forename it does not know is only caught with a title or in a
# name column.
_FORENAMES = _wordset("""
aaron abbie abdul abdullah abel abigail abimbola abu ada adam adaeze ade adebayo adele adeola adil
adrian adriana adrienne afzal agata agnes agnieszka ahmad ahmed aidan aileen ailsa aimee aisha
akash alan alana alasdair albert alec aled aleksander aleksandra alex alexa alexander alexandra
alexis alfie alfred ali alia alice alicia alina alison alistair allan allison alun amal amanda
amar amara amari amelia amelie amina amir amit amrit amy ana anand andre andrea andreea andrei
andrew andrzej andy angela angelina angharad angus anil anita anja anjali ann anna annabel
annabelle anne annette annie anthony antonia antonio anwar archie arjun arnold arthur arun
asha ashok asif asma aurora ava ayesha ayo ayodele aziz barbara barney barry basia beatrice
becky belinda bella ben benedict benjamin bernadette bernard beryl beth bethan bethany betty
beverley bhavna bilal billy blessing bogdan brandon brenda brendan brian bridget brittany
brooke bruce bryan bryony bukola caitlin callum calum cameron camilla carl carla carly carmen
caroline carolyn carys cassandra catherine cathy cecilia cerys charlene charles charlie
charlotte chelsea cheryl chidi chidinma chinedu chinwe chioma chloe chris christina christine
christopher chukwuemeka ciara ciaran claire clara clare claudia clive colin colleen conner
connie connor conor constance courtney craig cristina cynthia dafydd daisy damian damien dan
daniel daniela danielle daphne darcey dariusz darren david davina dawid debbie deborah debra
declan deepak delroy denis denise dennis derek desmond dev devi dewi diana diane dilip dmitri
dominic dominika donald donna doreen doris dorota dorothy douglas duncan dylan eamon ed eddie
edith edmund edward edwin efua eileen eilidh elaine eleanor elena eliana elif elijah elin
eliza elizabeth ella ellen ellie elliot elliott eloise elsie elzbieta emeka emil emilia emily
emma emrys eoin eric erin errol esme esther ethan ethel eugene eva evan eve evelyn evie ewa
ewan faisal farah farhan farida fatima fatma faye felicity felix femi fergus ffion finlay
finley fiona fionn florence folake francesca frances francis fraser freddie frederick freya
funmi gabriel gabriella gail gareth garry gary gavin gemma geoffrey george georgia georgina
gerald geraldine gerard gethin gillian gina gladys glenda gloria glyn gordon graham grainne
gregory grzegorz gurpreet gwen gwendolyn gwyn habib hamish hamza hannah harjit harold harpreet
harriet harrison harry harvey hassan hayley hazel heidi helen helena henry hilary hiroshi
hollie howard hugh hugo huw hussain iain ian ibrahim idris ieuan iestyn ifeoma imogen imran
ingrid ioan ioana ion iona irena irene irina isaac isabel isabella isabelle ishaan isla
ismail ivan jacob jacqueline jade jagdeep jakub james jamie jan janet janice janusz jas
jasmine jason jaspreet jaswinder javed jayden jean jeanette jemima jenna jennifer jenny jeremy
jerome jessica jill jim jimmy jo joan joanna joanne jocelyn jodie joe joel johanna john johnny
jolanta jonathan jordan jose joseph josephine josh joshua joyce judith judy julia julian julie
juliet justin justine kamal kamil karen karim karina karl karolina kasia kate katarzyna
katherine kathleen kathryn katie katrina katy kayleigh keisha keith kelly kemi kenji kenneth
kerry kevin khadija khalid kieran kim kiran kirsty kofi krystyna krzysztof kuba kumar kwabena
kwame kwasi kyle laila lara latisha laura lauren lawrence layla leah leanne leila leo leon
leonard leroy lesley leslie lewis liam lilian linda lindsay lisa livia llinos lloyd logan lois
lorna lorraine louis louisa louise lowri luca lucas lucia lucy luis lukas lukasz luke lydia
lynda lynn lynne mabel maciej madeleine madison magdalena mahmood mair mairead maisie maja
malcolm malgorzata mandy manpreet marc marcia marcin marcus marek margaret maria marian
mariam marie marilyn marion mariusz marjorie marta martha martin martyna mary maryam mateusz
matilda matthew maureen maurice maxine megan mehmet meinir melanie melissa mia michael michal
michelle mihai mildred millie ming miriam mitchell mohamed mohammad mohammed molly monika
morgan muhammad mukesh muriel nadia nancy naomi nasreen natalia natalie natasha nathan
nathaniel naveen nazia neha neil niall niamh nicholas nick nicola nicole nigel nikhil nina
nisha nkechi noah noor norma nuala obinna oisin oksana olena olga oliver olivia olu oluwaseun
omar oscar osian owen padraig pamela paola parveen patricia patrick paul paula paulina
pauline pawel penelope peter petra philip philippa phillip phoebe phyllis piotr pooja prakash
precious priscilla priya rachel radoslaw rahul raj rajesh rakesh ramesh raymond rebecca
rebekah reece reggie reginald rehana reza rhian rhiannon rhodri rhona rhys richard rita
robert roberta roberto rohan roisin ronald rory rosalind rosemary rosie ross rowena roxanne
roy ruairi rukhsana rupert russell ruth ryan sabina sabrina sadia saima salma sally sam
samantha sameer samir samira samuel sana sandeep sandra sanjay sara sarah sarita scarlett
scott seamus sean sebastian segun selina seun shabana shahid shane shannon shanti sharmila
sharon shauna shazia sheila shirley shona sian simon simone simran sinead siobhan sioned sita
sofia sonia sophia sophie sorcha spencer stacey stanislaw stanley stefan stella stephanie
stephen steve steven stewart stuart sunil sunita suresh susan suzanne svetlana sylvia szymon
tahir tamara tamsin tania tanya tariq tatiana tegan tendai teresa terence terry tessa
thandiwe theo theodore theresa thomas tim timothy tina toby tom tomasz tommy tony tracey
tracy trevor tristan tunde uche una urszula usman valerie vanessa vasile vera veronica
vijay vikram vincent viktor violet vivienne vladimir walter warren wayne wei wendy wiktoria
william winston wojciech xin yasmin yaw yetunde yusuf yvonne zac zachary zainab zanele zara
zoe zofia zubair zuzanna jane jake jon mike dave sienna edie arabella roger kirk brad dom matt
nat pete phil steph vicky becca liz beth meg maggie pam jackie angie val bev tess tilly lottie izzy
hattie lexi nora nell rosa sadie stella
will may mark bill grace rose june april august joy hope faith dawn summer pat sue rob jack
lily holly ivy iris ruby amber crystal heather poppy robin frank guy max miles drew gene ray
don bob carol dean glen grant hunter lee mercy norman penny pearl taylor victoria sydney
angel jewel willow sky autumn
""")
# Forenames that are also everyday words or place names ("Will attend", "Grace period", "Victoria
# Park"): only with a capitalised surname that is not an everyday word.
_AMBIGUOUS_FORENAMES = _wordset("""
will may mark bill grace rose june april august joy hope faith dawn summer pat sue rob jack lily
holly ivy iris ruby amber jade crystal hazel heather daisy poppy robin frank guy max miles drew
gene ray don bob carol dean glen grant hunter lee mercy norman penny pearl taylor victoria sydney
angel jewel willow sky autumn florence albert george charlotte elizabeth harry jan kim precious
blessing morgan jordan chase john dev dom nat val bev ed pam les con art reggie sterling
""")
# Words that are never part of a name (function words, common verbs, months, days …).
_STOPWORDS = _wordset("""
a an the and or but nor of to in on at by for from with without about after before as is are was
were be been being has have had do does did will would shall should can could may might must not
no yes if then than so that this these those it its he she they we you i me him her his hers them
their theirs our your my who whom which what when where why how all any some each every both
either neither one two three four five also just only very too here there said says say called
rang phoned emailed asked asks wants wanted came went left arrived attended booked paid collected
took gave sent told re cc via per please thanks thank dear hi hello regards today tomorrow
yesterday am pm tel phone mobile email ref number up out off over into onto again back away etc
ok men women people kids everyone someone nobody anyone who's let lets did didn't won't can't
don't isn't wasn't needs need needed will've i'm you're unknown n/a tbc none
january february march april may june july august september october november december jan feb
mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday
mon tue tues wed thu thur thurs fri sat sun
""")
# Everyday words that follow an ambiguous forename ("Grace period", "Rose garden", "Will attend").
_COMMON_WORDS = _wordset("""
period garden gardens tour wreath workshop day days night nights time times half term holiday
holidays break fair festival party show queen king street road lane walk trail room hall house
court field fields park green hill valley bank water river wood woods tree bush bed beds pot pots
cake cakes tea coffee colour color red blue white black pink gold silver light dark bright new old
big small little good best great happy crafts craft club session sessions week weekend month year
morning afternoon evening market sale jam ball bar pie class classes group event events cafe
cottage bay beach point cross gate bridge square place view way update updates report reports
review deadline due payment total order book books reading story stories song songs rhyme rhymes
art arts music dance film films movie quiz challenge hunt trip visit visits open closed only all
more less plus also be have need call attend ask come go help see take make check confirm send
bring meet join run start stop pay collect contact ring arrive leave finish power point lake
hall line station tower bowl cup trophy appeal sunday lunch dinner breakfast supper tree lights
bouquet pattern stitch knit crochet paint painting painter drawing print prints card cards
control system systems feed performance bills invoice cost costs centre team service services
support fund funding grant grants scheme stock value added national natural development design
data report returns return works repairs hire fees fee charge charges refund refunds
""")
# Organisation, venue and event words: a name followed by one of these is an organisation or an
# event named after someone ("Lord Nelson Hotel", "Dr Seuss Day", "St John Ambulance").
_ORG_STRONG = _wordset("""
ltd limited plc llp inc cic co company corporation corp group holdings trust foundation fund
charity association society club federation union network forum partnership partners associates
consulting consultancy consultants services solutions enterprises industries products supplies
systems technologies intelligence media productions publishing press studios studio agency
surgery practice clinic pharmacy dental dentist dentists opticians hospital hospice ambulance
health nhs council authority borough county parish department office offices library libraries
school academy college university nursery preschool pre-school playgroup centre center hub
museum gallery theatre theater cinema stadium arena leisure pool gym hotel inn tavern pub bar
restaurant cafe bakery bakers butchers shop store stores market supermarket garage motors taxis
travel hire plumbing electrical electricians builders construction roofing landscaping gardening
cleaning catering salon barbers church chapel cathedral mosque temple gurdwara synagogue scouts
guides brigade police fire unit depot warehouse works factory estate industrial business
station airport storytime story festival lecture lectures memorial award awards prize
scholarship fellowship night week trail show fair party quiz exhibition session screening
workshop tour appeal scheme programme project campaign playing ground grounds arms boys girls
brothers bros sons daughters & building buildings tower towers primary secondary
infants junior juniors community care home homes residents bursary lodge institute centre's
choir orchestra band players singers theatre's book books prize race run marathon cup trophy
stakes handicap rooms suite halls inf infs jnr jnrs prim sch acad coll cc rc ce hs
""")
# … and words that are also surnames (Hall, Day, Park, Ward): they make an organisation only when
# the words before them are not a known forename ("Dr Seuss Day"; but "Mrs Jane Day"), or in an
# organisation's column ("Lady Margaret Hall" as a venue).
_ORG_WEAK = _wordset("""
hall house park day church chapel bridge field fields green wood woods hill court bank banks wing
fair market gate brook castle tower lodge grange manor cross well wells ward garden gardens pk
""")
# Words before a forename that make it a royal, saint or ship/place name ("Queen Elizabeth
# Hospital", "St John Ambulance", "King George V Playing Fields").
_NAME_PREFIX_BLOCK = _wordset("st st. saint queen king prince princess duke duchess earl royal hms rms "
                              "lake port mount fort cape captain")
# Fictional characters and brands written with a title.
_KNOWN_TITLED = ("mr men", "little miss", "dr who", "doctor who", "dr seuss", "mr tumble",
                 "mr bean", "mrs brown's boys", "mr kipling", "mr benn", "mrs doubtfire",
                 "mr blobby", "mr potato head", "mr whippy", "mr muscle",
                 "mr sheen", "dr martens", "dr pepper", "dr oetker", "mr freeze", "mr gum")
_NAME_PARTICLES = _wordset("van von der den de da di du le la del della bin binti bint al el ap ter ten")
_PLACEHOLDERS = _wordset("n/a na none unknown withheld redacted tbc tba nil anonymous anon "
                         "not known given - -- ? x")

_REDACTED = frozenset(label.lower() for label in REDACTION_LABELS)
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*\.?")

# ------------------------------------------------------------------ addresses and postcodes
_STREET_SUFFIXES = (
    "road rd street st lane ln avenue ave close drive way place crescent cres court ct gardens gdns "
    "grove terrace rise hill view walk mews square sq row parade green vale wynd brae gate fold "
    "chase croft meadow meadows yard wharf esplanade boulevard cottages villas park end bank "
    "heights lea mead orchard paddock quay ridge circus approach loan garth causeway embankment "
    "broadway promenade mount hollow dene grange glade nook passage alley path copse spinney dale "
    "field fields parkway hey bridge cross")
_STREET_LOWER = _wordset("road rd street lane avenue ave close crescent terrace gardens grove mews "
                         "drive place court")
_STREET_RE = _words_re(_STREET_SUFFIXES)
_ADDRESS = re.compile(
    r"(?<![\w£$€.,:/#-])"
    r"(?:(?:flat|apartment|apt|maisonette)\s+\d{1,4}[a-z]?,?\s+)?"
    r"\d{1,4}[a-z]?(?:\s?-\s?\d{1,4}[a-z]?)?,?\s+"
    r"(?P<words>(?:[a-z][a-z'’.-]*\s+){1,3}?)"
    rf"(?P<suffix>{_STREET_RE})\b(?![-'’])", re.I)
# "Church Lane", "School Street", "Station Road", "Market Place": a street, not a church,
# school, station or market. Masked before looking for organisation words.
_STREET_NAME = re.compile(rf"\b[A-Za-z'’]+\s+(?:{_STREET_RE})\b", re.I)
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])"
    r"((?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|[A-PR-UWYZ]\d[A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y]\d[ABEHMNPRVWXY])"
    r"\s?\d[ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9])", re.I)
_ORG_IN_TEXT = re.compile(
    r"\b(?:ltd|limited|plc|llp|inc|cic|council|councils|library|libraries|school|academy|college|"
    r"university|centre|center|hub|hall|church|chapel|surgery|practice|hospital|hospice|trust|"
    r"station|office|offices|depot|park|estate|unit|industrial|business|museum|theatre|leisure|"
    r"pool|stadium|hotel|pharmacy|clinic|services|solutions|group|company|co\.|store|shop|market|"
    r"works|warehouse|supplies|nursery|mosque|temple|gurdwara|synagogue|cathedral|gallery|"
    r"cinema|arena|pub|inn|restaurant|cafe|bakery|salon|garage|factory|headquarters|hq|"
    r"care home|club|society|association|foundation|charity|scouts|guides|police|fire station|"
    r"civic|town hall|switchboard|helpline|reception|branch|premises|venue|site|team|teams|"
    r"department|dept|desk|helpdesk)\b", re.I)
# Words that make the address or postcode after them an individual's.
_PERSONAL_CUE = re.compile(
    r"\b(?:home(?:\s+(?:visit|address|phone|postcode))?|at home|from home|lives|living|resides|"
    r"resident|tenant|c/o|care of|new address|his|her|their|my|mum|mother|dad|father|son|"
    r"daughter|child|carer|client|patient|pupil|claimant|applicant|caller)\b", re.I)
_LOCATIVE = re.compile(r"\b(?:near|opposite|behind|above|below|beside|next\s+to|by\s+the|off|"
                       r"round\s+the\s+corner\s+from|over)\s+(?:the\s+)?$", re.I)
_CLAUSE_END = re.compile(r"[;.!?\n](?:\s|$)")


@dataclass(frozen=True)
class Match:
    """One piece of personal data found in a cell: ``text[start:end]`` is it."""
    kind: str
    start: int
    end: int


def _overlaps(m: Match, taken: Sequence[Match]) -> bool:
    return any(m.start < t.end and t.start < m.end for t in taken)


@dataclass(frozen=True)
class _Header:
    org: bool
    ids: bool
    phone: bool
    ni: bool
    nhs: bool
    dob: bool
    bank: bool
    person: bool
    name_field: bool
    person_address: bool
    event_title: bool


@lru_cache(maxsize=4096)
def _header(column: str) -> _Header:
    h = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", column or "")
    # DateOfBirth → Date Of Birth, NHSNumber → NHS Number
    h = re.sub(r"[^A-Za-z0-9/]+", " ", h).strip().lower()        # sort_code → sort code
    org = bool(_ORG_HEADER.search(h))
    person = bool(_PERSON_HEADER.search(h)) and not org
    nhs, ni = bool(_NHS_HEADER.search(h)), bool(_NI_HEADER.search(h))
    name_field = (not org and not _NOT_A_NAME_FIELD.search(h) and not _ADDRESS_HEADER.search(h)
                  and bool(_NAME_FIELD.search(h) or _PERSON_NOUN.fullmatch(h)
                           or (person and re.search(r"\bnames?\b", h))))
    return _Header(
        org=org,
        ids=bool(_ID_HEADER.search(re.sub(r"\bpost(?:al)? ?code\b", " ", h)))
        and not (_PHONE_HEADER.search(h) or nhs or ni),
        phone=bool(_PHONE_HEADER.search(h)),
        ni=ni, nhs=nhs, dob=bool(_DOB_HEADER.search(h)), bank=bool(_BANK_HEADER.search(h)),
        person=person, name_field=name_field,
        person_address=person and bool(_ADDRESS_HEADER.search(h)),
        event_title=bool(_TITLE_HEADER.search(h)) and not person,
    )


def _mask_streets(text: str) -> str:
    return _STREET_NAME.sub(lambda m: " " * len(m.group(0)), text)


class _OrgContext:
    """Where a cell names organisations and where it has personal cues (worked out once)."""

    def __init__(self, text: str, cues: Sequence[Match], org_table: bool = False):
        self.masked = _mask_streets(text)
        self.orgs = [(m.start(), m.end()) for m in _ORG_IN_TEXT.finditer(self.masked)]
        self.cues = sorted([m.start() for m in _PERSONAL_CUE.finditer(self.masked)]
                           + [c.start for c in cues])
        self.cue_ends = sorted([m.end() for m in _PERSONAL_CUE.finditer(self.masked)]
                               + [c.end for c in cues])
        self.org_table = org_table

    def owned_by_org(self, start: int, end: int) -> bool:
        """Is the address / postcode / landline at ``text[start:end]`` an organisation's?

        It is when an organisation word (Library, Council, Hub, Ltd …; street names like
        *Church Lane* do not count) comes before it with no personal cue (*home*, *lives*,
        *tenant*, a person's name …) in between, or comes after it in the same clause (not
        after *near*, *opposite* …). In a table of organisations or places (``org_table``) it
        is, unless a personal cue or a person's name comes before it."""
        if self.org_table:
            return not (self.cue_ends and self.cue_ends[0] <= start)
        before = [e for s, e in self.orgs if e <= start]
        if before:
            last_org = before[-1]
            i = bisect.bisect_left(self.cues, last_org)
            return not (i < len(self.cues) and self.cues[i] < start)
        stop = _CLAUSE_END.search(self.masked, end)
        limit = stop.start() if stop else len(self.masked)
        for s, e in self.orgs:
            if end <= s and e <= limit:
                lead = self.masked[end:s].rsplit(",", 1)[-1]
                if not _LOCATIVE.search(lead):
                    return True
        return False


def _case(word: str) -> str:
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return "other"
    if all(c.isupper() for c in letters):
        return "upper" if len(letters) > 1 else "initial"
    if letters[0].isupper():
        return "cap"
    return "lower" if all(c.islower() for c in letters) else "other"


def _bare(word: str) -> str:
    w = word.rstrip(".").lower().replace("’", "'")
    return w[:-2] if w.endswith("'s") else w


def _org_follows(tokens, j: int, text: str, weak_counts: bool) -> bool:
    """Do the words from ``tokens[j]`` on make an organisation / event name (``& Sons``, ``Ltd``,
    ``Hotel``, ``Book Club`` …)?"""
    if re.match(r"\s*&\s*(?:co|sons?|partners|daughters|brothers)\b", text[tokens[j - 1][1]:], re.I):
        return True
    for k in range(j, min(j + 3, len(tokens))):
        if text[tokens[k - 1][1]:tokens[k][0]].strip():
            return False                                  # punctuation ends the name
        w = _bare(tokens[k][2])
        if w in _ORG_STRONG or (weak_counts and w in _ORG_WEAK):
            return True
        if _case(tokens[k][2]) not in ("cap", "upper"):
            return False
    return False


def _find_names(text: str, hd: _Header, found: list, add) -> None:
    tokens = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]
    if not tokens:
        return
    lower_text = text.lower()
    all_lower = not any(c.isupper() for c in text)

    def joined(a, b):  # tokens a and b separated by whitespace only
        return not text[tokens[a][1]:tokens[b][0]].strip()

    # 1. titles: Mr, Mrs, Dr … then up to three name words.
    for i, (s, e, w) in enumerate(tokens):
        title = w.rstrip(".").lower()
        if title not in _TITLE_WORDS or i + 1 >= len(tokens) or not joined(i, i + 1):
            continue
        if any(lower_text.startswith(k, s) and not lower_text[s + len(k):s + len(k) + 1].isalpha()
               for k in _KNOWN_TITLED):
            continue
        title_lower = _case(w) == "lower"
        names = []
        j = i + 1
        while j < len(tokens) and len(names) < 3 and joined(j - 1, j):
            word, bare, case = tokens[j][2], _bare(tokens[j][2]), _case(tokens[j][2])
            if bare in _STOPWORDS or bare in _TITLE_WORDS or bare in _ORG_STRONG:
                break
            if bare in _NAME_PARTICLES and names and j + 1 < len(tokens):
                j += 1
                continue
            ok = case in ("cap", "upper", "initial") or (title_lower and case == "lower")
            if not ok:
                break
            names.append(j)
            if word.endswith(("'s", "’s")):
                break
            j += 1
        if not names:
            continue
        has_forename = any(_bare(tokens[n][2]) in _FORENAMES for n in names)
        weak = hd.org or not has_forename
        if weak and len(names) > 1 and _bare(tokens[names[-1]][2]) in _ORG_WEAK:
            continue                                       # "Dr Seuss Day", "Lady Margaret Hall" (venue)
        if _org_follows(tokens, names[-1] + 1, text, weak):
            continue
        end = tokens[names[-1]][1]
        if text[s:end].endswith(("'s", "’s")):
            end -= 2
        add("name_with_title", s, end)

    # 2. name columns (first_name, surname, full_name, next_of_kin …): the whole value.
    if hd.name_field:
        value = text.strip()
        low = value.lower()
        if (value and low not in _PLACEHOLDERS and low not in _REDACTED
                and not any(ch.isdigit() for ch in value) and "@" not in value
                and len(tokens) <= 5
                and not any(_bare(t[2]) in _ORG_STRONG for t in tokens)
                and not any(_bare(t[2]) in _STOPWORDS and _bare(t[2]) not in _NAME_PARTICLES
                            for t in tokens)):
            start = text.index(value)
            first = tokens[0][2].rstrip(".").lower()
            add("name_with_title" if first in _TITLE_WORDS else "name", start, start + len(value))
        return

    # 3. a known forename and a surname, in free text (not in an organisation's or a code
    # column, nor in an event's title, where a name is the author or character it is about).
    if hd.org or hd.ids or hd.event_title:
        return
    for i, (s, e, w) in enumerate(tokens):
        bare, case = _bare(w), _case(w)
        if bare not in _FORENAMES or w.endswith("."):
            continue
        ambiguous = bare in _AMBIGUOUS_FORENAMES
        if case == "lower":
            if not all_lower or ambiguous:
                continue
        elif case == "upper":
            if ambiguous:
                continue                                   # "GRANT FEED", "MAY PERFORMANCE"
        elif case != "cap":
            continue
        if i > 0 and joined(i - 1, i) and (_bare(tokens[i - 1][2]) in _NAME_PREFIX_BLOCK
                                          or _bare(tokens[i - 1][2]) in _TITLE_WORDS):
            continue
        surname = []
        j = i + 1
        while j < len(tokens) and len(surname) < 2 and joined(j - 1, j):
            sw, sb, sc = tokens[j][2], _bare(tokens[j][2]), _case(tokens[j][2])
            if sc == "initial" and not surname and j + 1 < len(tokens) and joined(j, j + 1):
                j += 1                                     # a middle initial: Jane E. Ashdown
                continue
            same_case = sc == case or (case == "cap" and sc == "cap")
            if (not same_case or len(sb) < 2 or sb in _STOPWORDS or sb in _ORG_STRONG
                    or sb in _ORG_WEAK or sb in _TITLE_WORDS
                    or re.fullmatch(_STREET_RE, sb, re.I)
                    or (ambiguous and sb in _COMMON_WORDS)
                    or (case == "lower" and sb in _COMMON_WORDS)):
                break
            surname.append(j)
            if sw.endswith(("'s", "’s")):
                break
            j += 1
        if not surname:
            continue
        if _org_follows(tokens, surname[-1] + 1, text, True):
            continue
        end = tokens[surname[-1]][1]
        if text[s:end].endswith(("'s", "’s")):
            end -= 2
        add("name", s, end)


def find_personal_data(text: str, column: str | None = None, *, org_table: bool = False) -> list[Match]:
    """The personal data in one cell, as spans (non-overlapping, in order).

    ``column`` (the header) is used as context: a banking header makes sort codes and account
    numbers count; an id/reference/code header stops bare digit runs counting as phones or NHS
    numbers and codes counting as NI numbers or postcodes; an organisation's header (supplier,
    venue, ``recipient org postcode`` …) stops its postcodes, addresses and landlines counting;
    a ``date_of_birth`` header makes its dates count; a name header (``first_name``,
    ``surname`` …) makes its values names; a personal address header (``home_address``) makes
    its values addresses. ``org_table`` says the table's rows are organisations or places (see
    :func:`is_organisation_table`): then addresses, postcodes and landlines are theirs unless
    the cell says otherwise (*home*, *lives at*, a person's name before them).
    """
    if not isinstance(text, str) or not text.strip():
        return []
    return list(_find_cached(text, column or "", bool(org_table)))


def is_organisation_table(header: Sequence[str]) -> bool:
    """Are a table's rows organisations or places? True when a column names an organisation,
    site or venue (``hub``, ``organisation``, ``site_id``, ``supplier`` …) and no column is
    about a person (names, dates of birth, NHS or NI numbers, home addresses, contacts …):
    a service directory's addresses and phone numbers are the services'."""
    hds = [_header(h) for h in header]
    return any(h.org for h in hds) and not any(
        h.person or h.name_field or h.dob or h.nhs or h.ni for h in hds)


@lru_cache(maxsize=65536)
def _find_cached(text: str, column: str, org_table: bool = False) -> tuple[Match, ...]:
    """The screen proper (cached: datasets repeat values, e.g. the same hub in every row)."""
    hd = _header(column)
    found: list[Match] = []

    def add(kind, start, end):
        m = Match(kind, start, end)
        if start < end and not _overlaps(m, found):
            found.append(m)

    value = text.strip()
    if value.lower() in _PLACEHOLDERS or value.lower() in _REDACTED:
        return ()

    # Emails first (they contain things that look like names and numbers).
    for m in _EMAIL.finditer(text):
        if not _role_mailbox(m.group(1)):
            add("email", m.start(), m.end())

    # A personal address column: the whole value is the address.
    if (hd.person_address and not hd.org and re.search(r"[A-Za-z]{2}", value)
            and not _ORG_IN_TEXT.search(_mask_streets(value))):
        start = text.index(value)
        add("address", start, start + len(value))

    # Dates of birth: after DOB / born / date of birth, or any date in a date-of-birth column.
    for m in _DOB_IN_TEXT.finditer(text):
        add("date_of_birth", m.start(1), m.end(1))
    if hd.dob:
        for m in _DATE_RE.finditer(text):
            add("date_of_birth", m.start(1), m.end(1))
        for m in _MONTH_YEAR.finditer(text):
            add("date_of_birth", m.start(1), m.end(1))

    # IBANs (validated), then the other bank details.
    for m in _IBAN.finditer(text):
        iban = m.group(1)
        if (iban.isupper() or iban.islower()) and _iban_ok(iban):
            add("bank_details", m.start(1), m.end(1))
    cell_bank_text = _LEDGER_ACCOUNT.sub(" ", text)
    bank_context = bool(_BANK_WORDS.search(cell_bank_text)) or hd.bank
    sort_context = bool(_SORT_WORDS.search(cell_bank_text)) or hd.bank
    if sort_context or bank_context:
        for m in _SORT_CODE.finditer(text):
            add("bank_details", m.start(1), m.end(1))
    if bank_context:
        for m in _ACCOUNT.finditer(text):
            add("bank_details", m.start(1), m.end(1))

    # NHS numbers: ten digits (3-3-4) with a valid Modulus 11 check digit.
    nhs_context = hd.nhs or bool(_NHS_CUE.search(text))
    for m in _NHS.finditer(text):
        digits = m.group(1) + m.group(3) + m.group(4)
        if hd.nhs or (nhs_context and not digits.startswith("0")):
            add("nhs_number", m.start(), m.end())          # said to be an NHS number: typos too
            continue
        if not _nhs_ok(digits):
            continue
        if not nhs_context and (digits.startswith("0") or hd.ids or
                                _REF_BEFORE.search(text[:m.start()])):
            continue
        if text[m.start() - 1:m.start()] == "#" and not nhs_context:
            continue
        add("nhs_number", m.start(), m.end())

    # National Insurance numbers.
    if not hd.ids or hd.ni:
        for m in _NI.finditer(text):
            letters = m.group("prefix") + (m.group("suffix") or "")
            if not (letters.isupper() or letters.islower()):
                continue
            if not m.group("suffix") and not (hd.ni or _NI_CUE.search(text[:m.start()])):
                continue
            add("ni_number", m.start(), m.end())

    # Names (before phones and addresses: a person's name is a cue that what follows is theirs).
    _find_names(text, hd, found, add)
    names = [f for f in found if f.kind in ("name", "name_with_title")]
    ctx = None

    def owned_by_org(start, end):
        nonlocal ctx
        if ctx is None:
            ctx = _OrgContext(text, names, org_table)
        return ctx.owned_by_org(start, end)

    # Phones.
    for m in _PHONE.finditer(text):
        raw, pre = m.group(0), m.group("pre")
        national = "0" + re.sub(r"\D", "", m.group("num"))
        if len(national) not in (10, 11):
            continue
        if national[1] not in "127":
            continue  # 03, 08, 09 (and 05, 06) numbers are organisations', not personal
        if pre.startswith("44") and len(national) != 11:
            continue
        before = text[:m.start()]
        cue = bool(_PHONE_CUE_BEFORE.search(before)) or hd.phone
        if _REF_BEFORE.search(before) and not _PHONE_CUE_BEFORE.search(before):
            continue
        if re.fullmatch(r"\d+", raw) and hd.ids and not cue:
            continue
        if national[1] in "12" and (hd.org or owned_by_org(m.start(), m.end())):
            continue  # a landline of a library, council or supplier
        add("phone", m.start(), m.end())

    # Home addresses: house number, street name, street word.
    if not hd.org:
        has_upper = any(c.isupper() for c in text)
        has_lower = any(c.islower() for c in text)
        for m in _ADDRESS.finditer(text):
            words = m.group("words").split()
            suffix = m.group("suffix")
            if has_upper and has_lower:
                if not all(w[:1].isupper() or w.lower() in ("of", "on", "upon", "the", "in", "le", "de")
                           for w in words) or not suffix[:1].isupper():
                    continue
            elif not has_upper and suffix.lower() not in _STREET_LOWER:
                continue
            if any(_bare(w) in _STOPWORDS and _bare(w) not in ("the", "of", "on", "upon", "st", "st.")
                   for w in words):
                continue
            if owned_by_org(m.start(), m.end()):
                continue
            add("address", m.start(), m.end())

    # Postcodes: full UK postcodes (a district alone, "AT1", is not personal).
    if not hd.org and not hd.ids:
        for m in _POSTCODE.finditer(text):
            pc = m.group(1)
            if not (pc.isupper() or pc.islower()):
                continue
            if owned_by_org(m.start(1), m.end(1)):
                continue
            add("postcode", m.start(1), m.end(1))

    return tuple(sorted(found, key=lambda x: x.start))


def mask(value: str) -> str:
    """A masked example: the first character of each word, the rest as ``*`` (``Mrs Jane
    Smith`` → ``M** J*** S****``; ``07700 900123`` → ``0**** ******``)."""
    return re.sub(r"(?<=\w)\w", "*", value)


# ------------------------------------------------------------------ the table

@dataclass
class Table:
    """A dataset as text: the header, the rows (lists of strings, as in the file) and each
    row's number in the file (1-based, as a spreadsheet shows it)."""
    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    source: str = ""
    sheet: str | None = None

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.header, dtype=object)

    def copy(self) -> "Table":
        return Table(list(self.header), [list(r) for r in self.rows], list(self.row_numbers),
                     self.source, self.sheet)


def load_dataset(path, sheet: str | int | None = 0) -> Table:
    """Read the dataset to publish (CSV, or a sheet of an ``.xlsx``) as text, exactly as written.

    The header is the first non-blank row; blank rows are skipped (their numbers are kept for
    the others); short rows are padded with empty cells. Raises :class:`DataFileError` naming
    the file, row and column for an empty file, a blank or repeated column name, or a row with
    more values than the header has columns.
    """
    path = Path(path)
    blocks = read_rows(path, sheet=sheet if path.suffix.lower() in (".xlsx", ".xlsm") else None)
    sheet_name, rows = blocks[0]
    start = next((i for i, r in enumerate(rows) if not is_blank_row(r)), None)
    if start is None:
        raise DataFileError("the file has no rows", file=path,
                            hint="check you picked the right file; it needs a header row and data.")
    header = [h.replace("\ufeff", "") for h in rows[start]]
    while header and not header[-1].strip():
        header.pop()
    seen: dict[str, int] = {}
    for j, h in enumerate(header):
        name = h.strip()
        if not name:
            raise DataFileError("this column has no name in the header row", file=path,
                                row=start + 1, column=j + 1,
                                hint="give every column a name (or delete the empty column).")
        if name.lower() in seen:
            raise DataFileError(f"the column name {name!r} appears twice", file=path,
                                row=start + 1, column=j + 1,
                                hint="rename one of them so each column has its own name.")
        seen[name.lower()] = j
    out_rows, numbers = [], []
    width = len(header)
    for i in range(start + 1, len(rows)):
        r = list(rows[i])
        if is_blank_row(r):
            continue
        if len(r) > width:
            extra = r[width:]
            if any(str(x).strip() for x in extra):
                raise DataFileError(
                    f"this row has {len(r)} values but the header has {width} columns",
                    file=path, row=i + 1, column=width + 1,
                    hint="look for an unquoted comma in a text value (put the value in quotes) "
                         "or a missing column name.")
            r = r[:width]
        r += [""] * (width - len(r))
        out_rows.append(r)
        numbers.append(i + 1)
    return Table(header, out_rows, numbers, source=path.name, sheet=sheet_name)


def table_from_rows(header: Sequence[str], rows: Iterable[Sequence[str]], source: str = "") -> Table:
    """A :class:`Table` from rows in memory (row numbers as if the header were row 1)."""
    rows = [list(map(str, r)) for r in rows]
    return Table(list(header), rows, list(range(2, len(rows) + 2)), source=source)


# ------------------------------------------------------------------ screen

@dataclass
class CellFinding:
    row: int        # the row number in the file
    column: str
    kind: str
    value: str      # the matched text (kept in memory only; never shown unmasked)
    start: int
    end: int


@dataclass
class ScreenResult:
    table: Table
    cells: list[CellFinding] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.cells)

    def cells_with_personal_data(self) -> set[tuple[int, str]]:
        return {(c.row, c.column) for c in self.cells}

    def by_kind(self) -> dict[str, int]:
        out = {k: 0 for k in KINDS}
        for c in self.cells:
            out[c.kind] += 1
        return out


def screen(table: Table) -> ScreenResult:
    """Screen every cell of ``table`` for personal data (each cell with its column name as
    context, and whether the table's rows are organisations: :func:`is_organisation_table`)."""
    res = ScreenResult(table)
    org_table = is_organisation_table(table.header)
    for r, number in zip(table.rows, table.row_numbers):
        for col, value in zip(table.header, r):
            for m in find_personal_data(value, col, org_table=org_table):
                res.cells.append(CellFinding(number, col, m.kind, value[m.start:m.end],
                                             m.start, m.end))
    return res


def findings_table(result: ScreenResult, examples: int = 3):
    """Per column and kind: how many found, example row numbers, masked examples."""
    import pandas as pd

    groups: dict[tuple[str, str], list[CellFinding]] = {}
    for c in result.cells:
        groups.setdefault((c.column, c.kind), []).append(c)
    order = {h: i for i, h in enumerate(result.table.header)}
    rows = []
    for (col, kind), items in sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 0),
                                                                      KINDS.index(kv[0][1]))):
        rows.append({
            "column": col,
            "personal data": KIND_LABELS[kind],
            "found": len(items),
            "example rows": ", ".join(str(n) for n in sorted({c.row for c in items})[:examples]),
            "masked examples": "; ".join(list(dict.fromkeys(mask(c.value) for c in items))[:2]),
        })
    return pd.DataFrame(rows, columns=["column", "personal data", "found", "example rows",
                                       "masked examples"])


def findings_figure(result: ScreenResult):
    """A bar chart of the cells with each kind of personal data; returns ``(fig, alt)``."""
    from .charts import PALETTE, new_figure

    counts = result.by_kind()
    labels = [KIND_LABELS[k] for k in KINDS]
    values = [counts[k] for k in KINDS]
    fig, ax = new_figure(figsize=(8, 3.4))
    y = list(range(len(labels)))[::-1]
    ax.barh(y, values, color=PALETTE[5], height=0.6)
    for yi, v in zip(y, values):
        ax.text(v + 0.05, yi, str(v), va="center", fontsize=10)
    ax.set_yticks(y, labels)
    ax.set_xlabel("items found")
    ax.set_xlim(0, max(values + [1]) * 1.2 + 0.5)
    ax.set_title(f"Personal data found in {result.table.source or 'the dataset'}")
    ax.grid(axis="y", visible=False)
    found = "; ".join(f"{KIND_LABELS[k]}: {counts[k]}" for k in KINDS)
    alt = (f"Bar chart of personal data found by the screen in {result.table.source or 'the dataset'}"
           f" ({len(result.table.rows)} rows): {found}. "
           f"{len(result.cells_with_personal_data())} cells in all.")
    return fig, alt


# ------------------------------------------------------------------ redact and neutralise

def redact_value(value: str, matches: Sequence[Match], label: str = DEFAULT_LABEL) -> str:
    """``value`` with each matched span replaced by ``label`` (the rest untouched)."""
    out, pos = [], 0
    for m in sorted(matches, key=lambda x: x.start):
        out.append(value[pos:m.start])
        out.append(label)
        pos = m.end
    out.append(value[pos:])
    return "".join(out)


def redact(table: Table, result: ScreenResult | None = None, label: str = DEFAULT_LABEL) -> Table:
    """A copy of ``table`` with every personal-data span replaced by ``label``.

    Only the spans the screen found change; every other cell, and the rest of each cell, is
    kept byte for byte.
    """
    if label not in REDACTION_LABELS and not label.strip():
        raise ToolkitError("the redaction label is empty",
                           hint=f"use one of the Transparency Code labels: {', '.join(REDACTION_LABELS)}.")
    result = result if result is not None else screen(table)
    index = {n: i for i, n in enumerate(table.row_numbers)}
    cols = {h: j for j, h in enumerate(table.header)}
    spans: dict[tuple[int, int], list[Match]] = {}
    for c in result.cells:
        spans.setdefault((index[c.row], cols[c.column]), []).append(Match(c.kind, c.start, c.end))
    out = table.copy()
    for (i, j), ms in spans.items():
        out.rows[i][j] = redact_value(table.rows[i][j], ms, label)
    return out


def neutralise(table: Table) -> tuple[Table, list[dict]]:
    """A copy with formula-like text cells made safe, and the list of cells changed
    (row number, column, the value's first character)."""
    out = table.copy()
    changed = []
    for i, (r, number) in enumerate(zip(out.rows, out.row_numbers)):
        for j, value in enumerate(r):
            safe = neutralise_formula(value)
            if safe != value:
                r[j] = safe
                changed.append({"row": number, "column": out.header[j],
                                "starts with": repr(value[:1])})
    return out, changed


# ------------------------------------------------------------------ data package

# Table Schema types. A value is a *true number* only when it is written as one: an optional
# minus, then ``0`` or a digit 1–9 and more digits, then an optional decimal part (``0``, ``42``,
# ``0.5``, ``-12.50``). A leading zero before a digit (``007``, ``01632``, ``0300 123 4567``) or a
# leading ``+`` (``+44 …``, ``+5``) marks a code or a phone number: typed ``number`` a consumer
# would read ``007`` as 7 and lose the zeros, so any such value makes the whole column ``string``.
# So do identifier-like values: digit runs longer than 15 (beyond what a double holds exactly:
# account, card and long reference numbers) and columns whose name says they hold codes
# (``ward_code``, ``Ref``, ``postcode``, ``phone``, ``UPRN``, ``company_number`` …) even when
# every value is digits. A plain ``id`` column of whole numbers stays ``integer``.
_SCHEMA_INTEGER_RE = re.compile(r"-?(?:0|[1-9]\d{0,14})")
_SCHEMA_NUMBER_RE = re.compile(r"-?(?:0|[1-9]\d{0,14})\.\d+")
_SCHEMA_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SCHEMA_CODE_HEADER = re.compile(
    r"\b(?:code|codes|ref|refs|reference|references|phone|telephone|tel|mobile|fax|postcode|"
    r"post code|postal code|zip|zip code|uprn|usrn|urn|isbn|issn|ean|gtin|sku|barcode|"
    r"sort code|(?:account|acct|company|charity|registration|reg|nhs|ni|vat|serial|"
    r"telephone|phone|mobile|contact|card|cheque|policy|licence|license|permit)"
    r" (?:number|no|num|nr))\b")


def _code_header(header: str | None) -> bool:
    """Whether a column's name says its values are codes, not quantities."""
    if not header:
        return False
    from .io import normalise_header

    words = normalise_header(re.sub(r"([a-z])([A-Z])", r"\1 \2", header))   # CostCode too
    return bool(_SCHEMA_CODE_HEADER.search(words))


def is_true_number(value: str) -> bool:
    """Whether ``value`` is written as a number a consumer may parse without losing anything:
    ``0``, ``42``, ``0.5``, ``-12.50`` yes; ``007``, ``01632``, ``+44``, ``0300 123 4567``,
    ``1e5``, 16 or more digits no."""
    return bool(_SCHEMA_INTEGER_RE.fullmatch(value) or _SCHEMA_NUMBER_RE.fullmatch(value))


def _field_type(values: list[str], header: str | None = None) -> str:
    """The Table Schema type of a column of text values: ``integer`` or ``number`` only when
    every value is a true number (:func:`is_true_number`) and the column is not named as a
    code; ``date`` for ISO dates; else ``string`` (which keeps leading zeros and ``+``)."""
    vals = [v for v in values if v != ""]
    if not vals:
        return "string"
    if not _code_header(header):
        if all(_SCHEMA_INTEGER_RE.fullmatch(v) for v in vals):
            return "integer"
        if all(is_true_number(v) for v in vals):
            return "number"
    if all(_SCHEMA_DATE_RE.fullmatch(v) for v in vals):
        import datetime as dt
        try:
            for v in vals:
                dt.date.fromisoformat(v)
            return "date"
        except ValueError:
            return "string"
    return "string"


def table_schema(table: Table, descriptions: dict[str, str] | None = None) -> dict:
    """A Frictionless Table Schema for ``table`` (types inferred from the text; a column with
    any code-like value, such as ``007``, ``01632`` or ``+44 …``, is ``string`` so that its leading
    zeros and plus signs survive: see :func:`_field_type`)."""
    fields = []
    for j, h in enumerate(table.header):
        f = {"name": h, "type": _field_type([r[j] for r in table.rows], h)}
        if descriptions and h in descriptions:
            f["description"] = descriptions[h]
        if f["type"] == "string" and table.rows and all(
                r[j].startswith(("http://", "https://")) for r in table.rows if r[j]):
            f["format"] = "uri"
        fields.append(f)
    return {"fields": fields}


def _csv_text(table: Table) -> str:
    buf = _io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(table.header)
    w.writerows(table.rows)
    return buf.getvalue()


def _package_name(text: str) -> str:
    s = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-")
    return s or "dataset"


def write_data_package(table: Table, folder, *, name: str, title: str, description: str = "",
                       publisher: str = "", licence: dict | None = None,
                       descriptions: dict[str, str] | None = None,
                       keywords: Sequence[str] = (), sources: Sequence[dict] = (),
                       homepage: str | None = None) -> Path:
    """Write ``<name>.csv`` and ``datapackage.json`` into ``folder`` (atomically); return the
    path of ``datapackage.json``. Licence: OGL v3 unless another is given."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    pname = _package_name(name)
    csv_name = f"{pname}.csv"
    atomic_write_text(folder / csv_name, _csv_text(table))
    lic = dict(licence or OGL_V3)
    if not (lic.get("name") or lic.get("path")):
        raise ToolkitError("a licence needs a name or a path (web address)",
                           hint="e.g. {'name': 'OGL-UK-3.0', 'path': '…/open-government-licence/version/3/'}.")
    package = {
        "name": pname,
        "title": title,
        "description": description,
        "licenses": [lic],
        "keywords": list(keywords),
        "resources": [{
            "name": pname,
            "path": csv_name,
            "title": title,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "lineTerminator": "\n"},
            "licenses": [lic],
            "schema": table_schema(table, descriptions),
        }],
    }
    if publisher:
        package["contributors"] = [{"title": publisher, "role": "publisher"}]
    if sources:
        package["sources"] = list(sources)
    if homepage:
        package["homepage"] = homepage
    path = folder / "datapackage.json"
    atomic_write_text(path, json.dumps(package, indent=2, ensure_ascii=False) + "\n")
    return path


@dataclass
class Validation:
    valid: bool
    errors: list[str]

    def __bool__(self) -> bool:
        return self.valid


def validate_package(path) -> Validation:
    """Validate a ``datapackage.json`` (and its CSV against the schema) with ``frictionless``."""
    import frictionless

    path = Path(path)
    report = frictionless.Package(str(path)).validate()
    errors = []
    for task in report.tasks:
        for err in task.errors:
            where = []
            if getattr(err, "row_number", None):
                where.append(f"row {err.row_number}")
            if getattr(err, "field_name", None):
                where.append(f"column {err.field_name!r}")
            errors.append((", ".join(where) + ": " if where else "") + err.message)
    for err in report.errors:
        errors.append(err.message)
    return Validation(bool(report.valid), errors)


# ------------------------------------------------------------------ five stars

FIVE_STARS = (
    (1, "on the web with an open licence", "publish it on the council's website or data portal under the OGL"),
    (2, "structured, machine-readable data", "publish a table (CSV or a spreadsheet), not a PDF or a picture"),
    (3, "a non-proprietary format", "publish CSV (UTF-8) beside any Excel file"),
    (4, "URIs to identify things", "add columns of web identifiers (URIs), e.g. the council's "
                                    "OrganisationURI or statistics.data.gov.uk codes"),
    (5, "linked to other data", "point those identifiers at other publishers' data (e.g. ONS "
                                "geography URIs) and describe the links in the schema"),
)


def five_star(package_path=None, *, licence: dict | None = OGL_V3, published: bool = True,
              table: Table | None = None, source_format: str = "csv", publisher_domain: str = ""):
    """The five-star level reached, with a checklist (``(level, checklist DataFrame)``).

    Stars are cumulative. 1: an open licence and published on the web; 2: a table; 3: CSV (the
    data package writes one); 4: at least one column of ``http(s)://`` identifiers; 5: at least
    one such column pointing at another publisher's domain (linked data).
    """
    import pandas as pd

    uri_cols: list[str] = []
    linked: list[str] = []
    if table is not None:
        for j, h in enumerate(table.header):
            vals = [r[j] for r in table.rows if r[j]]
            if vals and all(v.startswith(("http://", "https://")) for v in vals):
                uri_cols.append(h)
                domains = {re.sub(r"^https?://([^/]+).*", r"\1", v).lower() for v in vals}
                if publisher_domain and any(not d.endswith(publisher_domain.lower()) for d in domains):
                    linked.append(h)
    met = {
        1: bool(licence) and published,
        2: table is not None,
        3: package_path is not None or source_format.lower() == "csv",
        4: bool(uri_cols),
        5: bool(linked),
    }
    level = 0
    for n in range(1, 6):
        if met[n]:
            level = n
        else:
            break
    rows = []
    for n, what, todo in FIVE_STARS:
        rows.append({"stars": "★" * n, "what it takes": what,
                     "reached": "yes" if n <= level else ("met, after a lower star" if met[n] else "no"),
                     "what to do": "" if n <= level else todo})
    return level, pd.DataFrame(rows)


# ------------------------------------------------------------------ the whole check

@dataclass
class Readiness:
    source: str
    rows: int
    columns: int
    result: ScreenResult
    findings: object            # DataFrame
    neutralised: list[dict]
    package: Path
    validation: Validation
    stars: int
    stars_table: object         # DataFrame
    label: str

    def summary(self):
        import pandas as pd

        kinds = self.result.by_kind()
        items = [("rows screened", self.rows), ("columns", self.columns),
                 ("cells with personal data", len(self.result.cells_with_personal_data())),
                 *((f"  {KIND_LABELS[k]}", n) for k, n in kinds.items()),
                 ("formula-like cells neutralised", len(self.neutralised)),
                 ("data package valid (frictionless)", "yes" if self.validation.valid else "no"),
                 ("five-star level", f"{self.stars} of 5"),
                 ("redaction label", self.label)]
        return pd.DataFrame(items, columns=["check", "result"])


def check_readiness(path, out_folder, *, name: str | None = None, title: str | None = None,
                    description: str = "", publisher: str = "", licence: dict | None = None,
                    label: str = DEFAULT_LABEL, publisher_domain: str = "",
                    descriptions: dict[str, str] | None = None, sheet=0) -> Readiness:
    """Screen, redact, neutralise and package ``path`` into ``out_folder``; validate; count stars.

    The input file is only read. The published CSV and ``datapackage.json`` go to
    ``out_folder``.
    """
    table = load_dataset(path, sheet=sheet)
    result = screen(table)
    redacted = redact(table, result, label=label)
    safe, changed = neutralise(redacted)
    stem = name or Path(path).stem
    pkg = write_data_package(
        safe, out_folder, name=stem, title=title or stem.replace("_", " ").capitalize(),
        description=description, publisher=publisher, licence=licence,
        descriptions=descriptions,
        sources=[{"title": f"{publisher or 'The council'}: {Path(path).name} (redacted)"}])
    validation = validate_package(pkg)
    stars, stars_table = five_star(pkg, licence=licence or OGL_V3, table=safe,
                                   publisher_domain=publisher_domain)
    return Readiness(source=Path(path).name, rows=len(table.rows), columns=len(table.header),
                     result=result, findings=findings_table(result), neutralised=changed,
                     package=pkg, validation=validation, stars=stars, stars_table=stars_table,
                     label=label)


def default_title(path, service: str | None = None) -> str:
    """A dataset title from its file name and the service (``library_events.csv`` for
    *Libraries* → ``"Libraries: library events"``), used when no title is given."""
    stem = Path(path).stem if path else "dataset"
    words = " ".join(w for w in re.split(r"[_\-\s]+", stem) if w) or "dataset"
    words = words[:1].upper() + words[1:] if not service else words
    return f"{service}: {words}" if service else words
