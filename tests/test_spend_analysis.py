"""Spend and contract analyses on small frames whose answers are worked out by hand here."""
import json
import re

import pandas as pd
import pytest

from toolkit_helpers import procurement, spend, spend_analysis as sa


def frame(rows):
    """A spend frame like load_spend's from (supplier, amount, date, extra…) dicts."""
    df = pd.DataFrame(rows)
    for c in spend.COLUMNS:
        if c not in df:
            df[c] = None
    df["amount"] = df["amount"].astype("float64")
    df["payment_date"] = pd.to_datetime(df["payment_date"]).astype("datetime64[ns]")
    for c in ("supplier", "service_area", "expense_type", "purpose", "transaction_id",
              "source_file"):
        df[c] = df[c].astype("str")
    df["source_row"] = range(2, len(df) + 2)
    return df[list(spend.COLUMNS)]


def row(supplier, amount, date="2023-04-03", **kw):
    return {"supplier": supplier, "amount": amount, "payment_date": date, "source_file": "f.csv",
            **kw}


# ----------------------------------------------------------------------------- spend views

def test_spend_by_service_area_with_top_and_missing_labels():
    df = frame([row("A", 100, service_area="Waste"), row("B", 50, service_area="Parks"),
                row("C", -10, service_area="Waste"), row("D", 30, service_area=None),
                row("E", 20, service_area="Housing"), row("F", 5, service_area="Planning")])
    out = sa.spend_by(df, "service_area")
    assert list(out["service_area"]) == ["Waste", "Parks", "(not given)", "Housing", "Planning"]
    assert list(out["amount"]) == [90.0, 50.0, 30.0, 20.0, 5.0]
    assert list(out["transactions"]) == [2, 1, 1, 1, 1]
    assert out["share"].iloc[0] == pytest.approx(90 / 195)
    top = sa.spend_by(df, "service_area", top=2)
    assert list(top["service_area"]) == ["Waste", "Parks", "All others (3)"]
    assert top["amount"].iloc[2] == 55.0 and top["transactions"].iloc[2] == 3
    assert top["share"].sum() == pytest.approx(1.0)


def test_spend_by_month_is_in_date_order_with_undated_last():
    df = frame([row("A", 10, "2023-05-02"), row("B", 20, "2023-04-30"), row("C", 5, None),
                row("D", 1, "2024-01-01")])
    out = sa.spend_by(df, "month")
    assert list(out["month"]) == ["2023-04", "2023-05", "2024-01", "(no date)"]
    assert list(out["amount"]) == [20.0, 10.0, 1.0, 5.0]


def test_monthly_spend_separates_payments_and_credits():
    df = frame([row("A", 100, "2023-04-03"), row("A", -30, "2023-04-20"), row("B", 50, "2023-05-01")])
    out = sa.monthly_spend(df)
    assert out.to_dict("records") == [
        {"month": "2023-04", "payments": 100.0, "credits": -30.0, "net": 70.0, "transactions": 2},
        {"month": "2023-05", "payments": 50.0, "credits": 0.0, "net": 50.0, "transactions": 1}]


def test_rows_with_unreadable_amounts_are_left_out_of_totals():
    df = frame([row("A", 10), row("B", None)])
    assert sa.spend_by(df, "supplier")["amount"].sum() == 10.0


# ----------------------------------------------------------------------------- concentration

def test_concentration_hhi_and_top_share():
    df = frame([row("A", 70), row("A", -10), row("B", 30), row("C", 10), row("D", 5),
                row("D", -5), row("REDACTED PERSONAL DATA", 1000)])
    c = sa.concentration(df, top_n=1)
    # net: A 60, B 30, C 10 (D nets to 0: left out); shares 60%, 30%, 10%
    assert c.suppliers == 3 and c.total == 100.0
    assert c.top_n_share == pytest.approx(0.6) and c.top_n_amount == 60.0
    assert c.hhi == pytest.approx(60 ** 2 + 30 ** 2 + 10 ** 2)
    assert c.band == "highly concentrated"
    assert c.redacted_excluded == 1000.0
    t = c.table()
    assert t["value"].tolist()[2] == "60.0%" and t["value"].tolist()[3] == "4,600"


def test_hhi_bands():
    assert sa.hhi_band(1000) == "not concentrated"
    assert sa.hhi_band(1000.1) == "concentrated"
    assert sa.hhi_band(2000) == "concentrated"
    assert sa.hhi_band(2500) == "highly concentrated"
    equal = frame([row(f"S{i}", 10) for i in range(20)])
    assert sa.concentration(equal).hhi == pytest.approx(20 * 5 ** 2)  # 500: not concentrated
    with pytest.raises(ValueError):
        sa.concentration(equal, top_n=0)


# ----------------------------------------------------------------------------- duplicates

def test_duplicate_candidates_by_date_and_by_reference():
    # (rewritten: the old version expected Bob's weekly hire under one reference — different
    # descriptions — and two exact lines of one transaction in the same class as the rest;
    # they are now told apart by confidence class)
    df = frame([
        row("Acme Ltd", 120.0, "2023-04-03", transaction_id="T1", purpose="Paper"),
        row("ACME LIMITED", 120.0, "2023-04-03", transaction_id="T2", purpose="paper"),
        row("Acme Ltd", 125.0, "2023-04-05", transaction_id="T3", purpose="Paper"),  # other sum
        row("Bob", 80.0, "2023-04-03", transaction_id="INV9", purpose="Hire wk1"),
        row("Bob", 80.0, "2023-04-10", transaction_id="INV9", purpose="Hire wk2"),  # same ref
        row("Cat", 50.0, "2023-04-03", transaction_id="X1"),
        row("Cat", 51.0, "2023-04-03", transaction_id="X2"),  # different amount
        row("REDACTED PERSONAL DATA", 500.0, "2023-04-03"),
        row("REDACTED PERSONAL DATA", 500.0, "2023-04-03"),  # one label, many people
        row("Dan", 0.0, "2023-04-03"), row("Dan", 0.0, "2023-04-03"),  # zero lines
        row("Eve", 60.0, "2023-04-04", transaction_id="R1"),
        row("Eve", 60.0, "2023-04-04", transaction_id="R1"),  # one line posted twice
    ])
    c = sa.duplicate_candidates(df)
    assert list(c["group"]) == [1, 1, 2, 2, 3, 3]
    assert list(c["supplier"]) == ["Eve", "Eve", "Acme Ltd", "ACME LIMITED", "Bob", "Bob"]
    assert list(c["confidence"]) == ["high"] * 2 + ["medium"] * 2 + ["low"] * 2
    assert c.set_index("supplier")["reason"].to_dict() == {
        "Eve": "same supplier, amount and reference", "Acme Ltd": "same supplier, amount and date",
        "ACME LIMITED": "same supplier, amount and date", "Bob": "same supplier, amount and reference"}
    assert c.set_index("supplier")["same_purpose"].to_dict() == {
        "Acme Ltd": True, "ACME LIMITED": True, "Bob": False, "Eve": True}
    why = c.drop_duplicates("group").set_index("supplier")["why"]
    assert why["Eve"].startswith("the same line appears twice: transaction R1, £60.00")
    assert "different transaction numbers (T1, T2)" in why["Acme Ltd"]
    assert "the descriptions differ ('Hire wk1', 'Hire wk2')" in why["Bob"]
    assert list(c["at_stake"]) == [0.0, 60.0, 0.0, 120.0, 0.0, 80.0]
    assert list(c["source_row"][2:4]) == [2, 3]
    s = sa.duplicate_summary(c)
    assert s[["confidence", "groups", "lines", "amount at stake"]].to_dict("records") == [
        {"confidence": "high", "groups": 1, "lines": 2, "amount at stake": 60.0},
        {"confidence": "medium", "groups": 1, "lines": 2, "amount at stake": 120.0},
        {"confidence": "low", "groups": 1, "lines": 2, "amount at stake": 80.0}]
    assert list(s["meaning"]) == [sa.DUPLICATE_CLASSES[k] for k in ("high", "medium", "low")]


def test_no_duplicates():
    c = sa.duplicate_candidates(frame([row("A", 1), row("B", 1)]))
    assert c.empty and {"group", "confidence", "why"} <= set(c.columns)
    # (was [0, 0]: one row per rule; now one row per confidence class)
    assert sa.duplicate_summary(c)["groups"].tolist() == [0, 0, 0]


def classes(c):
    """{(supplier, confidence): sorted source rows} of the candidates."""
    return {(g["supplier"].iloc[0], g["confidence"].iloc[0]): sorted(g["source_row"])
            for _, g in c.groupby("group")}


def test_lines_of_one_invoice_are_one_payment():
    df = frame([
        # one invoice split across cost centres: same transaction, amount and date
        row("Capita", 25265.05, "2023-04-04", transaction_id="B64/783", service_area="Benefits",
            purpose="ANNUAL MTCE"),
        row("Capita", 25265.05, "2023-04-04", transaction_id="B64/783", service_area="Taxation",
            purpose="ANNUAL MTCE"),
        # Oxford numbers the lines of a document document_line: one document
        row("SMS", 22.04, "2014-07-22", transaction_id="46282574_3"),
        row("SMS", 22.04, "2014-07-22", transaction_id="46282574_4"),
    ])
    assert sa.duplicate_candidates(df).empty
    assert sa.transaction_key(pd.Series(["46282574_3", " b64/783 ", "INV_2023", "", None])
                              ).tolist()[:3] == ["46282574", "B64/783", "INV_2023"]


def test_several_identical_small_lines_of_one_transaction_are_units_not_duplicates():
    df = frame([row("Ben Shaw Training", 280.0, "2023-04-25", transaction_id="B75/68422",
                    purpose="B+E TRAINING") for _ in range(3)])
    assert sa.duplicate_candidates(df).empty


def test_the_same_invoice_paid_on_another_date_is_high():
    df = frame([row("Kestrel", 4082.76, "2024-02-01", transaction_id="AP41", purpose="Agency"),
                row("Kestrel", 4082.76, "2024-02-06", transaction_id="AP41", purpose="agency"),
                row("Kestrel", 4082.76, "2024-02-13", transaction_id="AP52", purpose="Agency")])
    c = sa.duplicate_candidates(df)
    assert classes(c) == {("Kestrel", "high"): [2, 3]}
    assert "was paid on 01 Feb 2024 and 06 Feb 2024" in c["why"].iloc[0] or \
        "01 Feb 2024, 06 Feb 2024" in c["why"].iloc[0]
    assert c["at_stake"].sum() == 4082.76


def test_same_day_different_transactions_medium_or_low():
    df = frame([
        row("Alike", 500.0, "2023-05-02", transaction_id="1", service_area="Parks", purpose="Mow"),
        row("Alike", 500.0, "2023-05-02", transaction_id="2", service_area="Parks", purpose="mow"),
        row("Split", 970.0, "2023-05-02", transaction_id="3", service_area="Housing"),
        row("Split", 970.0, "2023-05-02", transaction_id="4", service_area="Customers"),
        row("Card", 5.0, "2023-05-02"), row("Card", 5.0, "2023-05-02"),  # no transaction numbers
    ])
    c = sa.duplicate_candidates(df)
    assert classes(c) == {("Alike", "medium"): [2, 3], ("Split", "low"): [4, 5],
                          ("Card", "low"): [6, 7]}
    why = c.drop_duplicates("group").set_index("supplier")["why"]
    assert "but the cost centres differ" in why["Split"]
    assert "no transaction number" in why["Card"]


def test_a_regular_charge_is_demoted():
    # the same amount paid to the supplier on other days too: a rate, not a repeat
    df = frame([row("Grafton", 654.58, "2014-07-01", transaction_id="1"),
                row("Grafton", 654.58, "2014-07-01", transaction_id="2"),
                row("Grafton", 654.58, "2014-07-08", transaction_id="3"),
                row("Heads", 299.25, "2017-01-05", transaction_id="B82/19414", purpose="AGENCY"),
                row("Heads", 299.25, "2017-01-05", transaction_id="B82/19414", purpose="AGENCY"),
                row("Heads", 299.25, "2017-01-12", transaction_id="B97/19414", purpose="AGENCY")])
    c = sa.duplicate_candidates(df)
    assert classes(c) == {("Grafton", "low"): [2, 3], ("Heads", "medium"): [5, 6]}
    assert all("on 1 other day too" in w for w in c["why"])


def test_credits_are_never_candidates_nor_netted():
    df = frame([row("Acme", 100.0, "2023-04-03", transaction_id="1"),
                row("Acme", 100.0, "2023-04-03", transaction_id="2"),
                row("Acme", -100.0, "2023-04-03", transaction_id="3"),  # a credit note
                row("Bee", -40.0, "2023-04-03", transaction_id="4"),
                row("Bee", -40.0, "2023-04-03", transaction_id="5")])  # two credits alike
    c = sa.duplicate_candidates(df)
    assert classes(c) == {("Acme", "medium"): [2, 3]}
    assert (c["amount"] > 0).all() and c["at_stake"].sum() == 100.0


def test_a_batch_reference_shared_by_suppliers_is_no_invoice_number():
    df = frame([row("DVLA", 292.50, "2023-03-28", transaction_id="P-CARD - APR 23"),
                row("DVLA", 292.50, "2023-04-13", transaction_id="P-CARD - APR 23"),
                row("Greenvale", 250.0, "2023-03-14", transaction_id="P-CARD - APR 23")])
    assert sa.batch_references(df) == {"P-CARD - APR 23"}
    assert sa.duplicate_candidates(df).empty  # not "one invoice paid on two dates"


def test_findings_give_the_amount_at_stake_per_class(notices):
    df = frame([row("Eve", 60.0, "2023-04-04", transaction_id="R1"),
                row("Eve", 60.0, "2023-04-04", transaction_id="R1"),
                row("Acme", 100.0, "2023-04-03", transaction_id="1"),
                row("Acme", 100.0, "2023-04-03", transaction_id="2"),
                row("Bob", 80.0, "2023-04-03", transaction_id="INV9", purpose="wk1"),
                row("Bob", 80.0, "2023-04-10", transaction_id="INV9", purpose="wk2")])
    n = sa.findings(df, None, "2024-04-01").numbers
    assert n["duplicate_amount_at_stake_by_class"] == {"high": 60.0, "medium": 100.0, "low": 80.0}
    assert n["duplicate_amount_at_stake"] == 240.0 and n["duplicate_groups"] == 3
    assert n["duplicate_groups_by_class"] == {"high": 1, "medium": 1, "low": 1}
    p = sa.DUPLICATE_RULE_PRECISION
    assert n["duplicate_recovery_estimate"]["cautious"] == pytest.approx(
        60 * p["high"]["amount_precision"] + 100 * p["medium"]["amount_precision"]
        + 80 * p["low"]["amount_precision"], abs=0.02)


def _label_key(group):
    return ";".join(str(r) for r in group["source_row"])


def test_duplicate_rule_precision_on_labelled_published_lines(realdata, project_root):
    """Precision of each class on real published spend, from the hand labels in
    ``tests/fixtures/duplicate_labels.csv`` (79 candidates: every high and medium candidate
    in Hyndburn 2017-01, Hyndburn 2023-04 and Oxford 2014 Q3, and a fixed sample of the low
    ones — all of Hyndburn's, every third of Oxford's).

    Measured: high 0 of 1 a clear duplicate (1 unsure); medium 5 of 44 (11.4%; 17 unsure,
    so up to 50.0%); low 0 of 34 (11 unsure, up to 32.4%). By money: medium 1.6% of the
    amount at stake (up to 80.8%), low 0% (up to 80.3%)."""
    import csv

    with open(project_root / "tests" / "fixtures" / "duplicate_labels.csv", encoding="utf-8") as f:
        labels = {(r["file"], r["source_rows"]): r for r in csv.DictReader(f)}
    assert {r["label"] for r in labels.values()} <= {"duplicate", "not duplicate", "unsure"}
    assert all(r["reason"].strip() for r in labels.values())
    assert {f for f, _ in labels} == set(sa.DUPLICATE_LABELLED_FILES)
    found, seen = {c: [] for c in sa.CONFIDENCE_ORDER}, set()
    for name in sa.DUPLICATE_LABELLED_FILES:
        c = sa.duplicate_candidates(spend.load_spend(realdata / "spend" / name))
        low = sorted(c.loc[c["confidence"] == "low", "group"].unique())
        sampled = set(low if name.startswith("hyndburn") else low[::3])
        for g, grp in c.groupby("group"):
            conf, key = grp["confidence"].iloc[0], (name, _label_key(grp))
            if conf == "low" and g not in sampled:
                continue
            assert key in labels, f"candidate not labelled: {key} ({conf})"
            seen.add(key)
            found[conf].append((labels[key]["label"], float(grp["at_stake"].sum())))
    assert seen == set(labels), f"labels for lines no longer found: {set(labels) - seen}"
    for conf, got in found.items():
        n = len(got)
        dup = sum(lab == "duplicate" for lab, _ in got)
        uns = sum(lab == "unsure" for lab, _ in got)
        money = sum(a for _, a in got)
        want = sa.DUPLICATE_RULE_PRECISION[conf]
        assert (n, dup, uns, n - dup - uns) == (want["candidates"], want["duplicate"],
                                                want["unsure"], want["not duplicate"]), conf
        assert want["precision"] == pytest.approx(dup / n, abs=0.0005)
        assert want["precision_if_unsure_were_duplicates"] == pytest.approx((dup + uns) / n,
                                                                            abs=0.0005)
        assert want["amount_precision"] == pytest.approx(
            sum(a for lab, a in got if lab == "duplicate") / money, abs=0.0005)
        assert want["amount_precision_if_unsure_were_duplicates"] == pytest.approx(
            sum(a for lab, a in got if lab != "not duplicate") / money, abs=0.0005)
    # floors: the classes must stay at least this good (and ordered) on these lines
    p = sa.DUPLICATE_RULE_PRECISION
    assert p["medium"]["precision"] >= 0.10
    assert p["medium"]["precision_if_unsure_were_duplicates"] >= 0.45
    assert p["high"]["precision_if_unsure_were_duplicates"] >= 0.99
    assert p["low"]["precision"] <= p["medium"]["precision"]
    assert p["low"]["precision_if_unsure_were_duplicates"] <= \
        p["medium"]["precision_if_unsure_were_duplicates"]


def test_repeat_payments_need_the_same_amount_in_several_months():
    df = frame([row("Hire Co", 1850, d) for d in ("2023-04-04", "2023-05-02", "2023-06-06")]
               + [row("Twice Ltd", 99, d) for d in ("2023-04-04", "2023-05-02")]
               + [row("Often Ltd", 10, d) for d in ("2023-04-04", "2023-04-05", "2023-04-06")]
               + [row("Hire Co", 1851, "2023-07-04")])
    r = sa.repeat_payments(df, min_months=3)
    assert r.to_dict("records") == [{"supplier": "Hire Co", "amount": 1850.0, "months": 3,
                                     "payments": 3, "first": pd.Timestamp("2023-04-04"),
                                     "last": pd.Timestamp("2023-06-06"), "total": 5550.0}]
    assert len(sa.repeat_payments(df, min_months=2)) == 2


# ------------------------------------------------------------- reference duplicate detection
# The rule as it was implemented before it was vectorised (one Python call per group of
# lines), kept verbatim as the reference the vectorised `duplicate_candidates` must match
# exactly (benchmarks/duplicates.py times the two).

def reference_duplicate_candidates(df, exclude_redacted: bool = True):
    return _ref_groups(_ref_pool(df, exclude_redacted), sa.batch_references(df))


def _ref_pool(df, exclude_redacted: bool):
    """The lines that can be duplicate candidates: payments (amount above 0; credits never),
    a named supplier (redacted ones left out unless asked), and another payment of the same
    amount to the same supplier."""
    mask = (df["amount"].notna() & (df["amount"] > 0) & df["supplier"].notna()).to_numpy(dtype=bool)
    if exclude_redacted:
        mask = mask & ~sa.is_redacted(df["supplier"]).to_numpy(dtype=bool)
    data = df[mask].copy()
    data["_key"] = sa.supplier_key(data["supplier"]).to_numpy()
    data = data[data["_key"].notna() & (data["_key"] != "")]
    data["_cents"] = (data["amount"] * 100).round().astype("int64")
    return data[data.groupby(["_key", "_cents"])["_cents"].transform("size").to_numpy() > 1]


def _ref_text_key(col):
    """Text compared as a finance officer would: case and spacing ignored; missing → ''."""
    return col.map(lambda v: " ".join(str(v).upper().split()) if isinstance(v, str) else "",
                   na_action=None).astype(object)


def _ref_words_key(col):
    """A description by its words in any order (``STEAM X 2 CLEAN`` = ``Steam clean x 2``);
    punctuation and case ignored; missing → ''."""
    return col.map(lambda v: " ".join(sorted(re.sub(r"[^A-Z0-9]+", " ", v.upper()).split()))
                   if isinstance(v, str) else "").astype(object)


def _ref_groups(data, batch: set):
    """Candidate groups from the pool of :func:`_duplicate_pool` (see
    :func:`duplicate_candidates`). Vectorised: only groups of two or more lines are looked
    at one by one (for their ``why``)."""
    import numpy as np
    import pandas as pd

    cols = ["group", "confidence", "reason", "why", "lines_in_group", "supplier", "amount",
            "payment_date", "transaction_id", "purpose", "same_purpose", "at_stake",
            "source_file", "source_row"]
    if data.empty:
        return pd.DataFrame(columns=cols)
    d = data.copy()
    d["_file"] = d["source_file"].astype("str").fillna("")
    d = d.sort_values(["_file", "source_row"], kind="stable").reset_index(drop=True)
    d["_pos"] = np.arange(len(d))
    ref = d["transaction_id"].astype("str").str.strip().str.upper()
    ref = ref.where(ref.notna() & (ref != ""))
    doc = sa.transaction_key(d["transaction_id"])
    shared = doc.isin(batch).to_numpy(dtype=bool)  # a batch reference is no invoice number
    d["_ref"] = ref.mask(shared).astype(object).where(lambda x: x.notna(), None)
    d["_doc"] = doc.mask(shared).astype(object).where(lambda x: x.notna(), None)
    dates = d["payment_date"]
    d["_day"] = dates.dt.strftime("%Y-%m-%d").where(dates.notna(), "").astype(object)
    d["_area"] = _ref_text_key(d["service_area"])
    d["_type"] = _ref_text_key(d["expense_type"])
    d["_code"] = _ref_text_key(d["expense_code"]) if "expense_code" in d else ""
    d["_desc"] = _ref_words_key(d["purpose"])
    d["_shown_ref"] = d["transaction_id"].astype("str").str.strip().fillna("(none)").astype(object)
    d["_purpose"] = d["purpose"].astype("str").str.strip().fillna("").astype(object)
    d["_unit"] = d["_doc"].where(d["_doc"].notna(), "line " + d["_pos"].astype(str))
    # on how many days the supplier is paid this amount (a regular charge or standard price
    # when more than one)
    days_paid = (d[d["_day"] != ""].groupby(["_key", "_cents"])["_day"].nunique()
                 .rename("_days_paid"))
    d = d.join(days_paid, on=["_key", "_cents"])
    d["_days_paid"] = d["_days_paid"].fillna(0).astype("int64")
    has_doc = d["_doc"].notna().to_numpy()
    dated = (d["_day"] != "").to_numpy()
    claimed = np.zeros(len(d), dtype=bool)
    found = []  # per rule: lines (_pos, _g, _u) and per group (confidence, reason, why)
    by_ref = "same supplier, amount and reference"
    by_date = "same supplier, amount and date"

    def listed(values, most: int = 3) -> str:
        return sa._listed(values, most)

    def regular(r) -> str:
        other = int(r.days_paid) - (1 if r.day else 0)
        return (f"; but {r.supplier} is paid {sa._gbp(r.amount)} on {other} other "
                f"day{'s' if other != 1 else ''} too: a regular charge or standard price?"
                if other > 0 else "")

    def take(mask, keys, unit, decide):
        sub = d[mask & ~claimed]
        if sub.empty:
            return
        size = sub.groupby(keys, sort=False)["_pos"].transform("size").to_numpy()
        sub = sub[size > 1]
        if sub.empty:
            return
        sub = sub.assign(_g=sub.groupby(keys, sort=False).ngroup().to_numpy())
        st = sub.groupby("_g", sort=False).agg(
            n=("_pos", "size"), amount=("amount", "first"), supplier=("supplier", "first"),
            ref=("_shown_ref", "first"), day=("_day", "first"), days_paid=("_days_paid", "first"),
            ndays=("_day", "nunique"), ndocs=("_doc", "nunique"), nunits=("_unit", "nunique"),
            nodoc=("_doc", lambda x: bool(x.isna().any())),
            areas=("_area", "nunique"), types=("_type", "nunique"), codes=("_code", "nunique"),
            descs=("_desc", "nunique"), days=("_day", lambda x: sorted(set(x))),
            refs=("_shown_ref", lambda x: list(dict.fromkeys(x))),
            purposes=("_purpose", lambda x: [p for p in dict.fromkeys(x) if p]))
        kept = {}
        for r in st.itertuples():
            got = decide(r)
            if got:
                kept[r.Index] = got
        if not kept:
            return
        lines = sub[sub["_g"].isin(list(kept))]
        claimed[lines["_pos"].to_numpy()] = True
        base = len(found) * 10 ** 9  # group ids unique across rules
        found.append((pd.DataFrame({"_pos": lines["_pos"].to_numpy(),
                                    "_g": lines["_g"].to_numpy() + base,
                                    "_u": lines[unit].astype(str).to_numpy()}),
                      {g + base: v for g, v in kept.items()}))

    # high (1): one invoice number, the same description, paid on two or more dates
    def paid_again(r):
        if r.ndays < 2:
            return None
        return ("high", by_ref,
                f"transaction {r.ref} for {sa._gbp(r.amount)} was paid on "
                f"{listed(sa._day_text(x) for x in r.days)} with the same description: the same "
                "invoice paid again?")

    take(has_doc & dated, ["_key", "_cents", "_doc", "_desc"], "_day", paid_again)

    # high (2): a line posted twice (two lines identical in every published field); three or
    # more identical lines under one transaction number are units of one purchase. Demoted
    # to medium when the supplier is paid the amount on other days too.
    def posted_twice(r):
        if r.n != 2:
            return None
        also = regular(r)
        return ("medium" if also else "high", by_ref,
                f"the same line appears twice: transaction {r.ref}, {sa._gbp(r.amount)}, same "
                "date, cost centre, expense type and description" + also)

    take(d["_ref"].notna().to_numpy(),
         ["_key", "_cents", "_ref", "_day", "_area", "_type", "_code", "_desc"], "_pos",
         posted_twice)

    # medium: the same day, different transaction numbers, nothing else tells them apart
    # (low when the supplier is paid the amount on other days too)
    def same_day_alike(r):
        if r.ndocs < 2:
            return None
        also = regular(r)
        return ("low" if also else "medium", by_date,
                f"{r.ndocs} payments of {sa._gbp(r.amount)} on {sa._day_text(r.day)} under different "
                f"transaction numbers ({listed(r.refs)}) with the same cost centre, expense "
                "type and description" + also)

    take(has_doc & dated, ["_key", "_cents", "_day", "_area", "_type", "_code", "_desc"],
         "_doc", same_day_alike)

    # low (1): the same day, but something differs, or no transaction numbers
    def same_day_differs(r):
        if r.nunits < 2:
            return None
        day = sa._day_text(r.day)
        if r.nodoc:
            return ("low", by_date,
                    f"{r.n} payments of {sa._gbp(r.amount)} on {day}; the file gives no transaction "
                    "number to tell one purchase's lines from separate payments")
        differ = [name for k, name in ((r.areas, "cost centres"), (r.types, "expense types"),
                                       (r.codes, "expense codes"), (r.descs, "descriptions"))
                  if k > 1]
        return ("low", by_date,
                f"{r.nunits} payments of {sa._gbp(r.amount)} on {day} under different transaction "
                f"numbers, but the {' and '.join(differ) or 'details'} differ")

    take(dated, ["_key", "_cents", "_day"], "_unit", same_day_differs)

    # low (2): one transaction number on several dates, but the descriptions differ
    def ref_on_dates(r):
        if r.ndays < 2:
            return None
        return ("low", by_ref,
                f"transaction {r.ref} for {sa._gbp(r.amount)} on {r.ndays} dates, but the "
                f"descriptions differ ({listed(repr(x) for x in r.purposes)}): separate "
                "charges under one reference?")

    take(has_doc & dated, ["_key", "_cents", "_doc"], "_day", ref_on_dates)

    if not found:
        return pd.DataFrame(columns=cols)
    lines = pd.concat([f[0] for f in found], ignore_index=True)
    meta = pd.DataFrame.from_dict({g: v for f in found for g, v in f[1].items()},
                                  orient="index", columns=["confidence", "reason", "why"])
    out = lines.merge(d, on="_pos", how="left").join(meta, on="_g")
    # group order: high first, then the biggest amounts, supplier, first line
    rank = {c: i for i, c in enumerate(sa.CONFIDENCE_ORDER)}
    order = out.groupby("_g").agg(rank=("confidence", lambda x: rank[x.iloc[0]]),
                                  amount=("amount", "first"), key=("_key", "first"),
                                  first=("_pos", "min"))
    order = order.sort_values(["rank", "amount", "key", "first"],
                              ascending=[True, False, True, True])
    out["group"] = out["_g"].map(pd.Series(np.arange(1, len(order) + 1), index=order.index))
    out = out.sort_values(["group", "_pos"]).reset_index(drop=True)
    # the genuine payment: the unit (transaction, date or line) with most lines, else the first
    units = (out.groupby(["group", "_u"], sort=False)
             .agg(n=("_pos", "size"), first=("_pos", "min")).reset_index()
             .sort_values(["group", "n", "first"], ascending=[True, False, True])
             .drop_duplicates("group").set_index("group")["_u"])
    out["at_stake"] = np.where(out["_u"].to_numpy() == out["group"].map(units).to_numpy(), 0.0,
                               out["amount"].to_numpy(dtype=float))
    out["at_stake"] = out["at_stake"].astype("float64").round(2)
    out["lines_in_group"] = out.groupby("group")["_pos"].transform("size").astype("int64")
    purpose = out["purpose"].astype("str").str.strip().str.upper().fillna("\x00none")
    out["same_purpose"] = (purpose.groupby(out["group"]).transform("nunique") == 1).astype(bool)
    out["group"] = out["group"].astype("int64")
    return out[cols].reset_index(drop=True)


def _generated_spend(seed: int, lines: int = 500):
    """Seeded spend lines full of what the duplicate rule has to tell apart: suppliers under
    several spellings and redacted or blank names, standard prices paid again and again,
    near-duplicates (a penny apart; amounts that round to the same penny), credits, invoices
    split across cost centres, Oxford line numbers, batch references shared by suppliers,
    blank and missing transaction numbers, undated lines, same-day repeats, and lines from
    several files out of order."""
    import numpy as np

    rng = np.random.default_rng(seed)
    names = ["Acme Ltd", "ACME LIMITED", "acme  ltd.", "Bee Services", "BEE SERVICES LTD",
             "Cat & Co", "Dan", "REDACTED PERSONAL DATA", "Withheld", "*****", "  ", None,
             "Redactive Publishing Ltd", "Eve plc", "Fox"]
    prices = [25.0, 49.99, 120.0, 120.01, 100.001, 100.004, 299.25]
    days = [f"2023-04-{d:02d}" for d in range(3, 20)] + [None]
    refs = ["INV1", "INV2", " inv1 ", "46282574_3", "46282574_4", "P-CARD - APR 23", "", None,
            "B64/783", "R1", "r1"]
    rows = []
    for _ in range(lines):
        who = int(rng.integers(len(names)))
        own = f"S{who}-{int(rng.integers(6))}" + ("_1", "_2", "", "")[int(rng.integers(4))]
        rows.append(row(
            names[who], float(rng.choice(prices)) * (-1 if rng.random() < 0.08 else 1),
            days[int(rng.integers(len(days)))],
            transaction_id=refs[int(rng.integers(len(refs)))] if rng.random() < 0.4 else own,
            service_area=["Parks", "parks ", "Housing", None][int(rng.integers(4))],
            expense_type=["Hire", "HIRE", "Repairs"][int(rng.integers(3))],
            expense_code=["E1", "e1", None][int(rng.integers(3))],
            purpose=["Steam clean x 2", "STEAM X 2 CLEAN", "Agency", "agency.", "", None,
                     "Weekly hire"][int(rng.integers(7))],
            source_file=["b.csv", "a.csv"][int(rng.integers(2))]))
        if rng.random() < 0.1:
            rows.append(dict(rows[-1]))  # posted twice
    df = frame(rows)
    df["source_row"] = rng.permutation(len(df)) + 2
    return df


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_duplicates_match_the_reference_rule(seed):
    df = _generated_spend(seed)
    for exclude in (True, False):
        got = sa.duplicate_candidates(df, exclude_redacted=exclude)
        want = reference_duplicate_candidates(df, exclude_redacted=exclude)
        assert len(got) > 40 and set(got["confidence"]) == {"high", "medium", "low"}
        pd.testing.assert_frame_equal(got, want)
    # without an expense code column, and with every line a credit (no candidates)
    no_code = df.drop(columns=["expense_code"])
    pd.testing.assert_frame_equal(sa.duplicate_candidates(no_code),
                                  reference_duplicate_candidates(no_code))
    credits = df.assign(amount=-df["amount"].abs())
    assert sa.duplicate_candidates(credits).empty and reference_duplicate_candidates(credits).empty


def test_batch_references_match_the_frame_rule():
    df = _generated_spend(4, lines=300)
    t = pd.DataFrame({"doc": sa.transaction_key(df["transaction_id"]).to_numpy(),
                      "key": sa.supplier_key(df["supplier"]).to_numpy()})
    t = t[t["doc"].notna() & t["key"].notna() & (t["key"] != "")]
    n = t.drop_duplicates().groupby("doc").size()
    assert sa.batch_references(df) == set(n[n > 1].index) and "P-CARD - APR 23" in set(n.index)


# ----------------------------------------------------------------------------- redaction, credits

@pytest.mark.parametrize("name,kind", [
    ("REDACTED PERSONAL DATA", "personal data"), ("Redacted personal data", "personal data"),
    ("Name redacted", "personal data"), ("Personal Data", "personal data"),
    ("REDACTED COMMERCIAL CONFIDENTIALITY", "commercial confidentiality"),
    ("Commercially confidential", "commercial confidentiality"), ("Redacted", "other redaction"),
    ("Withheld", "other redaction"), ("Redwood Ltd", None), ("Acme", None),
    # (was (None, None): a blank payee name now counts as redacted)
    (None, "blank or masked name"), ("", "blank or masked name"), ("   ", "blank or masked name"),
    ("*****", "blank or masked name"), ("XXXXX", "blank or masked name"),
    ("X X X", "blank or masked name"), ("** **", "blank or masked name"),
    ("Name withheld", "personal data"), ("REDACTED", "other redaction"),
    ("Redactive Publishing Ltd", None), ("Redacta Ltd", None), ("Xerox Ltd", None),
    ("XX", None), ("Mr X", None), ("Personal Data Services Ltd", "personal data")])
def test_redaction_labels(name, kind):
    got = sa.redaction_kind(pd.Series([name], dtype="str")).iloc[0]
    assert (None if pd.isna(got) else got) == kind


def test_redacted_share_counts_masks_and_blank_names_not_real_names():
    df = frame([row("*****", 10), row("XXXXX", 20), row(None, 30), row("  ", 40),
                row("Redactive Publishing Ltd", 100), row("Acme", 800)])
    r = sa.redacted_share(df).set_index("kind")
    assert list(r.index) == ["personal data", "commercial confidentiality", "other redaction",
                             "blank or masked name", "All redacted"]
    assert r.loc["blank or masked name", "transactions"] == 4
    assert r.loc["All redacted", "amount"] == 100.0
    assert r.loc["All redacted", "share of spend"] == pytest.approx(0.1)
    assert sa.is_redacted(df["supplier"]).tolist() == [True, True, True, True, False, False]
    # masked and blank names are left out of concentration and supplier tables
    assert sa.concentration(df).redacted_excluded == 100.0
    assert sa.spend_by(df, "supplier", exclude_redacted=True)["supplier"].tolist() == [
        "Acme", "Redactive Publishing Ltd"]


def test_redacted_share():
    df = frame([row("REDACTED PERSONAL DATA", 100), row("Redacted", 50),
                row("REDACTED COMMERCIAL CONFIDENTIALITY", 250), row("Acme", 600)])
    r = sa.redacted_share(df).set_index("kind")
    assert r.loc["All redacted", "transactions"] == 3 and r.loc["All redacted", "amount"] == 400.0
    assert r.loc["All redacted", "share of spend"] == pytest.approx(0.4)
    assert r.loc["All redacted", "share of lines"] == pytest.approx(0.75)
    assert r.loc["commercial confidentiality", "amount"] == 250.0


def test_credits():
    df = frame([row("A", 100), row("A", -25), row("B", 300), row("B", -5), row("B", -5)])
    c = sa.credits(df)
    assert (c.lines, c.total, c.payments) == (3, -35.0, 400.0)
    assert c.share_of_payments == pytest.approx(35 / 400)
    assert c.by_supplier.to_dict("records") == [{"supplier": "A", "credits": -25.0, "lines": 1},
                                                {"supplier": "B", "credits": -10.0, "lines": 2}]


def test_supplier_key():
    keys = sa.supplier_key(pd.Series(["Acme Services Ltd.", "ACME SERVICES LIMITED",
                                      "The Acme & Co", "Sparkle Co-operative", "  x  plc "]))
    assert keys.tolist() == ["ACME SERVICES", "ACME SERVICES", "ACME AND", "SPARKLE COOPERATIVE", "X"]


# ----------------------------------------------------------------------------- notices

def release(ocid, rid, tag, date, tender=None, awards=None, parties=None):
    r = {"ocid": ocid, "id": rid, "tag": tag, "date": date, "buyer": {"name": "Anytown"},
         "parties": parties or []}
    if tender:
        r["tender"] = tender
    if awards:
        r["awards"] = awards
    return r


def awarded(ocid, end, value, supplier="Acme Ltd", scale="sme", vcse=False, cpv="90511000",
            currency="GBP"):
    period = {"startDate": "2020-01-01"}
    if end:
        period["endDate"] = end
    return release(ocid, f"{ocid}-a", ["award", "contract"], "2020-01-01T00:00:00Z",
                   tender={"title": ocid, "classification": {"scheme": "CPV", "id": cpv},
                           "value": {"amount": value * 2, "currency": "GBP"}},
                   awards=[{"id": "1", "status": "active", "value": {"amount": value, "currency": currency},
                            "suppliers": [{"id": supplier, "name": supplier}],
                            "contractPeriod": period}],
                   parties=[{"id": supplier, "name": supplier, "roles": ["supplier"],
                             "details": {"scale": scale, "vcse": vcse}}])


@pytest.fixture
def notices(tmp_path):
    rels = [
        awarded("ended", "2024-03-31T23:59:59+01:00", 10),
        awarded("soon", "2024-06-30T23:59:59+01:00", 100, supplier="Big plc", scale="large"),
        awarded("edge6", "2024-10-01", 200, cpv="72000000"),  # exactly as_of + 6 months
        awarded("year", "2025-03-31", 300, supplier="Trust CIC", scale="large", vcse=True),
        awarded("two", "2026-03-31", 400, cpv="72500000"),
        awarded("later", "2027-01-01", 500),
        awarded("noend", None, 600, supplier="Unknown Ltd", scale=None),
        # a tender not yet awarded: not in the pipeline
        release("open", "open-t", ["tender"], "2024-03-01T00:00:00Z",
                tender={"title": "open", "value": {"amount": 700, "currency": "GBP"},
                        "classification": {"scheme": "CPV", "id": "45000000"},
                        "contractPeriod": {"endDate": "2024-05-01"}}),
        # tender then award for one process: the award (latest) counts
        release("two", "two-t", ["tender"], "2019-06-01T00:00:00Z",
                tender={"title": "two", "value": {"amount": 999, "currency": "GBP"}}),
    ]
    for r in rels:
        if r["parties"] and r["parties"][0]["details"]["scale"] is None:
            r["parties"][0]["details"].pop("scale")
    p = tmp_path / "n.json"
    p.write_text(json.dumps({"releases": rels}))
    return procurement.load_ocds(p)


def test_supplier_key_of_one_name():
    assert sa.supplier_key("Acme  Ltd.") == "ACME"
    assert sa.supplier_key("ACME LTD") == sa.supplier_key("Acme Ltd.") == "ACME"
    assert sa.supplier_key(None) == "" and sa.supplier_key(float("nan")) == ""
    assert sa.supplier_key(["Acme Ltd", None]).tolist()[0] == "ACME"


def test_supplier_names_are_the_most_frequent_spelling():
    names = pd.Series(["ACME LTD", "Acme Ltd.", " Acme  Ltd. ", "Bravo plc", None, "  "])
    assert sa.supplier_names(names).tolist()[:4] == ["Acme Ltd.", "Acme Ltd.", "Acme Ltd.",
                                                     "Bravo plc"]
    assert sa.supplier_names(names).isna().tolist()[4:] == [True, True]
    # a tie goes to the spelling first in alphabetical order
    assert sa.supplier_names(pd.Series(["Acme Ltd", "ACME LIMITED"])).tolist() == \
        ["ACME LIMITED", "ACME LIMITED"]


def spellings():
    """Acme in three spellings (one of them twice), Bravo in two; all in several months."""
    return frame([
        row("ACME LTD", 100, "2023-04-03", transaction_id="A1"),
        row("Acme Ltd.", 100, "2023-05-03", transaction_id="A2"),
        row("Acme  Ltd", 100, "2023-06-05", transaction_id="A3"),
        row("Acme Ltd.", 100, "2023-06-05", transaction_id="A4"),  # same day and amount as A3
        row("Acme Ltd.", -20, "2023-06-30", transaction_id="A5"),
        row("BRAVO PLC", 50, "2023-04-10", transaction_id="B1"),
        row("Bravo plc", 30, "2023-05-10", transaction_id="B2"),
        row("Charlie", 10, "2023-04-11", transaction_id="C1"),
    ])


def test_one_supplier_whatever_its_spelling_in_every_table(notices):
    df = spellings()
    by = sa.spend_by(df, "supplier")
    assert by[["supplier", "amount", "transactions"]].values.tolist() == [
        ["Acme Ltd.", 380.0, 5], ["BRAVO PLC", 80.0, 2], ["Charlie", 10.0, 1]]
    assert sa.spend_by(df, "supplier", top=1)["supplier"].tolist() == ["Acme Ltd.",
                                                                       "All others (2)"]
    assert sa.supplier_totals(df)["supplier"].tolist() == ["Acme Ltd.", "BRAVO PLC", "Charlie"]
    c = sa.concentration(df, top_n=1)
    assert (c.suppliers, c.total, c.top_n_amount) == (3, 470.0, 380.0)
    assert c.hhi == pytest.approx((380 / 4.7) ** 2 + (80 / 4.7) ** 2 + (10 / 4.7) ** 2, abs=0.1)
    dup = sa.duplicate_candidates(df)
    assert dup[["group", "supplier", "transaction_id"]].values.tolist() == [
        [1, "Acme  Ltd", "A3"], [1, "Acme Ltd.", "A4"]]  # each line's name as published
    rep = sa.repeat_payments(df, min_months=3)
    assert rep[["supplier", "amount", "months", "payments", "total"]].values.tolist() == [
        ["Acme Ltd.", 100.0, 3, 4, 400.0]]
    cr = sa.credits(df)
    assert cr.by_supplier.values.tolist() == [["Acme Ltd.", -20.0, 1]]
    # Acme is in the notices ("Acme Ltd", an SME): its regular payments have a contract
    assert sa.regular_without_contract(rep, notices).empty
    assert len(sa.regular_without_contract(rep, None)) == 1
    share = sa.sme_vcse_share(df, notices).set_index(["measure", "group"])
    assert share.loc[("size", "SME"), ["suppliers", "amount"]].tolist() == [1, 380.0]
    assert share.loc[("size", "unknown"), ["suppliers", "amount"]].tolist() == [2, 90.0]
    # the evidence is untouched: every line keeps the name as published
    assert df["supplier"].tolist()[:3] == ["ACME LTD", "Acme Ltd.", "Acme  Ltd"]


def test_supplier_spellings_from_a_file_stay_as_published(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("Supplier Name,Amount,Payment Date\nACME LTD,10,01/04/2023\n"
                 "Acme Ltd.,20,02/04/2023\n\"Acme  Ltd\",30,03/04/2023\nAcme Ltd.,5,04/04/2023\n")
    df = spend.load_spend(p)
    assert df["supplier"].tolist() == ["ACME LTD", "Acme Ltd.", "Acme  Ltd", "Acme Ltd."]
    assert sa.spend_by(df, "supplier").values.tolist() == [["Acme Ltd.", 65.0, 4, 1.0]]


def test_as_of_default_is_the_first_day_of_the_datas_latest_month(notices):
    df = frame([row("A", 1, "2023-04-03"), row("B", 2, "2024-02-29"), row("C", 3, None)])
    assert sa.as_of_default(df) == pd.Timestamp("2024-02-01")
    assert sa.as_of_default(df, notices) == pd.Timestamp("2024-02-01")  # spend first
    # no spend dates: the latest release date (2024-03-01 in the notices)
    assert sa.as_of_default(None, notices) == pd.Timestamp("2024-03-01")
    assert sa.as_of_default(frame([row("A", 1, None)]), notices) == pd.Timestamp("2024-03-01")
    zoned = pd.DataFrame({"date": pd.to_datetime(["2024-05-31T23:30:00Z"])})  # 1 June in the UK
    assert sa.as_of_default(ocds_df=zoned) == pd.Timestamp("2024-06-01")
    # counted from it, the pipeline windows are the data's own
    p = sa.expiry_pipeline(notices, sa.as_of_default(None, notices))
    assert p.attrs["as_of"] == "2024-03-01"
    from toolkit_helpers.errors import ToolkitError

    with pytest.raises(ToolkitError, match="no date to count from"):
        sa.as_of_default(frame([row("A", 1, None)]))
    with pytest.raises(ToolkitError):
        sa.as_of_default()


def test_expiry_pipeline_windows(notices):
    p = sa.expiry_pipeline(notices, "2024-04-01")
    assert dict(zip(p["ocid"], p["window"])) == {
        "ended": "ended", "soon": "0–6 months", "edge6": "6–12 months", "year": "6–12 months",
        "two": "12–24 months", "later": "later", "noend": "end date not published"}
    assert list(p["ocid"]) == ["ended", "soon", "edge6", "year", "two", "later", "noend"]
    assert p.set_index("ocid").loc["two", "value"] == 400.0  # award value, not the tender's 800
    assert p.set_index("ocid").loc["edge6", "months_to_end"] == pytest.approx(round(183 / 30.4375, 1))
    assert p.attrs["as_of"] == "2024-04-01"
    s = sa.pipeline_summary(p).set_index("window")
    assert s.loc["6–12 months", "contracts"] == 2 and s.loc["6–12 months", "value"] == 500.0
    assert s.loc["end date not published", "contracts"] == 1
    assert list(s.index) == ["ended", "0–6 months", "6–12 months", "12–24 months", "later",
                             "end date not published"]


def test_expiry_pipeline_depends_only_on_as_of(notices):
    a = sa.expiry_pipeline(notices, "2025-04-01")
    assert a.set_index("ocid")["window"].to_dict()["two"] == "6–12 months"
    custom = sa.expiry_pipeline(notices, "2024-04-01", horizons=(3, 36))
    assert set(custom["window"]) == {"ended", "0–3 months", "3–36 months",
                                     "end date not published"}
    with pytest.raises(ValueError, match="as_of"):
        sa.expiry_pipeline(notices, None)
    from toolkit_helpers.errors import ToolkitError
    with pytest.raises(ToolkitError, match="not a date"):
        sa.expiry_pipeline(notices, "next spring")


def test_cpv_divisions(notices):
    c = sa.cpv_divisions(notices).set_index("division")
    assert c.loc["72", "awarded_value"] == 600.0 and c.loc["72", "notices"] == 2
    assert c.loc["72", "name"].startswith("IT services")
    assert c.loc["90", "awarded_value"] == 10 + 100 + 300 + 500 + 600
    assert c.loc["45", "tender_value"] == 700.0 and c.loc["45", "awarded_value"] == 0.0
    assert list(c.index)[0] == "90"


def test_award_sme_share(notices):
    s = sa.award_sme_share(notices).set_index(["measure", "group"])
    total = 10 + 100 + 200 + 300 + 400 + 500 + 600
    assert s.loc[("size", "SME"), "value"] == 10 + 200 + 400 + 500
    assert s.loc[("size", "large"), "value"] == 100 + 300
    assert s.loc[("size", "unknown"), "value"] == 600
    assert s.loc[("VCSE status", "VCSE"), "value"] == 300
    assert s.loc[("size", "SME"), "share"] == pytest.approx(1110 / total)


def test_sme_vcse_share_of_spend(notices):
    df = frame([row("ACME LIMITED", 100), row("Big plc", 300), row("Trust CIC", 50),
                row("Stranger Ltd", 50), row("REDACTED PERSONAL DATA", 999)])
    s = sa.sme_vcse_share(df, notices).set_index(["measure", "group"])
    assert s.loc[("size", "SME"), "amount"] == 100.0
    assert s.loc[("size", "large"), "amount"] == 350.0
    assert s.loc[("size", "unknown"), "amount"] == 50.0  # Stranger Ltd is in no notice
    assert s.loc[("VCSE status", "VCSE"), "amount"] == 50.0
    assert s.loc[("size", "SME"), "share"] == pytest.approx(100 / 500)


def test_non_gbp_values_are_not_summed(tmp_path):
    p = tmp_path / "n.json"
    p.write_text(json.dumps({"releases": [awarded("eur", "2025-01-01", 1000, currency="EUR")]}))
    n = procurement.load_ocds(p)
    assert sa.cpv_divisions(n)["awarded_value"].iloc[0] == 0.0
    # the pipeline falls back to the tender's GBP estimate
    assert sa.expiry_pipeline(n, "2024-04-01")["value"].iloc[0] == 2000.0


# ----------------------------------------------------------------------------- the sample

def test_sample_findings(project_root):
    df = spend.load_spend(project_root / "data" / "sample" / "spend")
    ocds = procurement.load_ocds(project_root / "data" / "sample" / "procurement" /
                                 "ocds_release_package.json")
    dup = sa.duplicate_candidates(df)
    planted = {("Castle Facilities Management plc", "same supplier, amount and date"),
               ("Meadow Print & Design Ltd", "same supplier, amount and date"),
               ("Kestrel Agency Staffing Ltd", "same supplier, amount and reference")}
    assert planted <= set(zip(dup["supplier"], dup["reason"]))
    rep = sa.repeat_payments(df, min_months=12)
    assert set(rep["supplier"]) >= {"Northvale Waste Services Ltd", "Apex Vehicle Hire Ltd"}
    p = sa.expiry_pipeline(ocds, "2024-04-01")
    assert set(p["window"]) >= {"0–6 months", "6–12 months", "12–24 months",
                                "end date not published"}
    # every spend supplier with an awarded contract is matched to its size
    share = sa.sme_vcse_share(df, ocds).set_index(["measure", "group"])
    assert share.loc[("size", "SME"), "suppliers"] >= 5


# ----------------------------------------------------------------------------- a service's chain

def test_match_service_area():
    areas = ["Waste & Recycling", "Libraries & Community Hubs", "Leisure & Culture", None, ""]
    assert sa.match_service_area(areas, "Libraries and community hubs") == "Libraries & Community Hubs"
    assert sa.match_service_area(areas, "Library service") == "Libraries & Community Hubs"
    assert sa.match_service_area(areas, "Bins and recycling") == "Waste & Recycling"
    assert sa.match_service_area(areas, "Adult social care") is None
    assert sa.match_service_area(areas, None) is None


def test_delivery_chain(notices):
    df = frame([row("Acme Ltd", 300, service_area="Libraries"),
                row("Trust CIC", 100, service_area="Libraries"),
                row("Nobody Ltd", 100, service_area="Libraries"),
                row("Big plc", 999, service_area="Waste")])
    p = sa.expiry_pipeline(notices, "2024-04-01")
    chain = sa.delivery_chain(df, p, "Libraries", notices)
    assert list(chain["supplier"]) == ["Acme Ltd", "Nobody Ltd", "Trust CIC"]  # ties: by name
    assert list(chain["share of area"]) == pytest.approx([0.6, 0.2, 0.2])
    assert chain.loc[2, "window"] == "6–12 months" and chain.loc[2, "contract"] == "year"
    assert pd.isna(chain.loc[1, "contract"])
    assert (chain.loc[0, "contract"], chain.loc[0, "window"]) == ("edge6", "6–12 months")
    assert list(chain["VCSE"].astype("object").fillna("?")) == [False, "?", True]
    assert sa.delivery_chain(df, p, "Housing").empty


def test_charts_carry_alt_text_from_the_numbers(notices):
    df = frame([row("A", 300, "2023-04-03", service_area="Libraries"),
                row("B", -20, "2023-05-03", service_area="Waste"),
                row("C", 100, "2023-05-04", service_area="Waste")])
    fig, alt = sa.bar_figure(sa.spend_by(df, "service_area"), "service_area")
    # (was "(79%)": shares are now written with one decimal)
    assert alt.startswith("Horizontal bar chart of net spend by service area: Libraries is "
                          "largest at £300 (78.9%), then Waste £80")
    fig, alt = sa.monthly_figure(sa.monthly_spend(df))
    assert "from 2023-04 to 2023-05" in alt and "£100 in 2023-05" in alt and "-£20" in alt
    p = sa.expiry_pipeline(notices, "2024-04-01")
    fig, alt = sa.pipeline_figure(sa.pipeline_summary(p), "2024-04-01")
    assert "0–6 months: 1 worth £100" in alt and "6–12 months: 2 worth £500" in alt
    fig, alt = sa.cpv_figure(sa.cpv_divisions(notices))
    assert "The largest is 90" in alt


def test_findings_agree_with_the_analyses(notices):
    df = frame([row("Acme Ltd", 100, "2023-04-03", service_area="Waste", transaction_id="1"),
                row("Acme Ltd", 100, "2023-04-03", service_area="Waste", transaction_id="2"),
                row("Hire Co", 50, "2023-05-03", service_area="Parks"),
                row("Hire Co", 50, "2023-06-03", service_area="Parks"),
                row("Hire Co", 50, "2023-07-03", service_area="Parks"),
                row("REDACTED PERSONAL DATA", 50, "2023-07-03", service_area="Parks"),
                row("Big plc", -10, "2023-07-04", service_area="Waste")])
    f = sa.findings(df, notices, "2024-04-01", top_n=1, min_months=3)
    n = f.numbers
    assert (n["lines"], n["net_spend"], n["first_month"], n["last_month"]) == (7, 390.0, "2023-04", "2023-07")
    assert n["top_service_area"] == "Parks" and n["top_service_area_share"] == pytest.approx(200 / 390)
    assert n["top_n_share"] == pytest.approx(200 / 350)
    assert (n["duplicate_groups"], n["duplicate_amount_at_stake"]) == (1, 100.0)
    assert (n["regular_payments"], n["regular_payments_without_contract"]) == (1, 1)
    assert n["regular_without_contract_total"] == 150.0
    assert n["contracts_ending"]["6–12 months"] == {"contracts": 2, "value": 500.0}
    assert n["contracts_without_end_date"] == 1
    assert n["redacted_lines"] == 1
    assert "**7 payment lines**" in f.markdown and "HHI" in f.markdown


def test_delivery_chain_in_words(notices):
    df = frame([row("Acme Ltd", 300, service_area="Libraries"),
                row("Trust CIC", 100, service_area="Libraries"),
                row("Nobody Ltd", 100, service_area="Libraries"),
                row("Unknown Ltd", 50, service_area="Libraries"),
                row("Big plc", 450, service_area="Waste")])
    p = sa.expiry_pipeline(notices, "2024-04-01")
    chain = sa.delivery_chain(df, p, "Libraries", notices)
    text = sa.delivery_chain_markdown(df, chain, "Libraries")
    assert text.splitlines() == [
        # (was "received 55% of it": shares are now written with one decimal)
        "- **Libraries** spent £550 (55.0% of net spend); its largest supplier, Acme Ltd, "
        "received 54.5% of it.",
        "- Acme Ltd: contract *edge6* ends within **6–12 months** (01 Oct 2024).",
        "- Trust CIC: contract *year* ends within **6–12 months** (31 Mar 2025).",
        "- Unknown Ltd: contract *noend* has **no published end date**: it cannot be planned for.",
        "- 1 of the suppliers shown appear in no published contract: Nobody Ltd."]
    assert "No service area" in sa.delivery_chain_markdown(df, None, None)


# ----------------------------------------------------------------------------- the notebook

@pytest.mark.slow
def test_notebook_parameters_reach_the_results(tmp_path, project_root):
    """The case-study notebook with other parameter values (papermill, like the runner): a
    mapping, another as-of date, a buyer filter, a smaller top N."""
    import papermill as pm

    out = tmp_path / "nb.ipynb"
    pm.execute_notebook(
        str(project_root / "notebooks" / "case_studies" / "spend_network_tenders.ipynb"),
        str(out), kernel_name="python3", cwd=str(project_root), progress_bar=False,
        parameters={"OUTPUT_DIR": str(tmp_path / "outputs"), "INTERACTIVE": False, "TOP_N": 3,
                    "AS_OF": "2025-04-01", "BUYER": "Anytown",
                    "SPEND_MAPPING": {"purpose": None},
                    "SERVICE_AREA": "Waste & Recycling"})
    import nbformat

    nb = nbformat.read(out, as_version=4)
    text = "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                   + str(o.get("data", {}).get("text/markdown", ""))
                   for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Share with the top 3 suppliers" in text
    assert "counted from 2025-04-01" in text or "from 2025-04-01" in text
    assert "36 of 36 releases have a buyer matching 'Anytown'" in text
    assert "service area in the spend files: Waste & Recycling" in text
    findings = json.loads((tmp_path / "outputs" / "spend_network_tenders" /
                           "spend_findings.json").read_text())
    assert findings["as_of"] == "2025-04-01" and findings["top_n"] == 3
    df = spend.load_spend(project_root / "data" / "sample" / "spend", mapping={"purpose": None})
    assert findings["net_spend"] == pytest.approx(round(float(df["amount"].sum()), 2))


# ----------------------------------------------------------------------------- shares as %

def test_shares_are_printed_as_percentages():
    assert sa.percent(0.42) == "42.0%" and sa.percent(0) == "0.0%"
    assert sa.percent(0.004) == "0.4%" and sa.percent(float("nan")) == "n/a"
    assert sa.percent(None) == "n/a" and sa.percent(1) == "100.0%"
    df = frame([row("A", 420, service_area="Waste"), row("B", 580, service_area="Parks"),
                row("REDACTED PERSONAL DATA", 0.0, service_area="Parks")])
    shown = sa.format_shares(sa.spend_by(df, "service_area"))
    assert shown["share"].tolist() == ["58.0%", "42.0%"]
    assert sa.spend_by(df, "service_area")["share"].tolist() == pytest.approx([0.58, 0.42])
    red = sa.format_shares(sa.redacted_share(df)).set_index("kind")
    assert red.loc["personal data", "share of spend"] == "0.0%"
    assert red.loc["personal data", "share of lines"] == "33.3%"
    assert sa.format_shares(sa.duplicate_summary(sa.duplicate_candidates(df)))[
        "precision"].str.endswith("%").all()


def test_findings_and_tables_write_every_share_as_a_percentage(notices):
    import re

    df = frame([row("Acme Ltd", 420, "2023-04-03", service_area="Waste"),
                row("Big plc", 576, "2023-05-03", service_area="Parks"),
                row("REDACTED PERSONAL DATA", 4, "2023-05-04", service_area="Parks")])
    f = sa.findings(df, notices, "2024-04-01", top_n=1)
    shares = re.findall(r"(\d[\d.,]*)%", f.markdown)
    assert shares and all(re.fullmatch(r"\d+\.\d", x) for x in shares), shares
    assert "58.0% of net spend" in f.markdown  # Parks: 580 of 1,000
    assert "**0.4%** of spend" in f.markdown   # redacted: 4 of 1,000, not "0%"
    conc = sa.concentration(df, top_n=1).table().set_index("measure")["value"]
    assert conc["Share with the top 1 suppliers"] == "57.8%"
    cred = sa.credits(frame([row("A", 1000), row("A", -4)])).table().set_index("measure")["value"]
    assert cred["Credits as a share of payments"] == "0.4%"


# ----------------------------------------------------------------------------- tender figures

def _package(tmp_path, *rels):
    p = tmp_path / "t.json"
    p.write_text(json.dumps({"releases": list(rels)}))
    return procurement.load_ocds(p)


def test_open_tenders_exclude_processes_already_awarded(tmp_path):
    cpv = {"scheme": "CPV", "id": "90511000"}
    n = _package(
        tmp_path,
        # tendered, then awarded: its estimate is not an open tender any more
        release("won", "won-t", ["tender"], "2024-01-01T00:00:00Z",
                tender={"status": "active", "classification": cpv,
                        "value": {"amount": 1000, "currency": "GBP"}}),
        release("won", "won-a", ["award"], "2024-02-01T00:00:00Z",
                tender={"status": "active", "classification": cpv,
                        "value": {"amount": 1000, "currency": "GBP"}},
                awards=[{"id": "1", "status": "active", "value": {"amount": 900, "currency": "GBP"},
                         "suppliers": [{"name": "Acme Ltd"}]}]),
        # still open, and one planned
        release("open", "open-t", ["tender"], "2024-01-01T00:00:00Z",
                tender={"status": "active", "classification": cpv,
                        "value": {"amount": 300, "currency": "GBP"}}),
        release("plan", "plan-t", ["planning"], "2024-01-01T00:00:00Z",
                tender={"status": "planned", "classification": cpv,
                        "value": {"amount": 20, "currency": "GBP"}}),
        # closed without an award: not open
        release("gone", "gone-t", ["tenderCancellation"], "2024-01-01T00:00:00Z",
                tender={"status": "cancelled", "classification": cpv,
                        "value": {"amount": 5000, "currency": "GBP"}}),
        # the award is pending: not awarded, and its tender is still open
        release("wait", "wait-a", ["award"], "2024-03-01T00:00:00Z",
                tender={"status": "active", "classification": cpv,
                        "value": {"amount": 40, "currency": "GBP"}},
                awards=[{"id": "1", "status": "pending",
                         "value": {"amount": 7777, "currency": "GBP"},
                         "suppliers": [{"name": "Hopeful Ltd"}]}]),
    )
    c = sa.cpv_divisions(n).set_index("division")
    assert c.loc["90", "open_tender_value"] == 300 + 20 + 40   # not the 1,000 already awarded
    # (was: tender_value meant open tenders only; it is now every tendered estimate, the
    # awarded process's 1,000 included, the cancelled 5,000 not)
    assert c.loc["90", "tender_value"] == 1000 + 300 + 20 + 40
    assert c.loc["90", "awarded_value"] == 900             # not the pending 7,777
    assert c.loc["90", "notices"] == 5
    assert set(sa.awarded_contracts(n)["ocid"]) == {"won"}
    assert set(sa.expiry_pipeline(n, "2024-04-01")["ocid"]) == {"won"}


def test_tender_value_survives_the_award_notice(tmp_path):
    """Two releases of one process: the tender notice gives the estimate, the award notice
    (as real ones do) leaves it out. The CPV table compiles them, so the estimate counts."""
    cpv = {"scheme": "CPV", "id": "72500000"}
    n = _package(
        tmp_path,
        release("p1", "p1-t", ["tender"], "2024-01-01T00:00:00Z",
                tender={"status": "active", "classification": cpv,
                        "value": {"amount": 1000, "currency": "GBP"}}),
        release("p1", "p1-a", ["award", "contract"], "2024-02-01T00:00:00Z",
                tender={"status": "complete"},
                awards=[{"id": "1", "status": "active", "value": {"amount": 900, "currency": "GBP"},
                         "suppliers": [{"name": "Acme Ltd"}]}]))
    c = sa.cpv_divisions(n).set_index("division")
    assert c.loc["72", "notices"] == 1
    assert c.loc["72", "tender_value"] == 1000.0      # was 0: the latest release had no value
    assert c.loc["72", "open_tender_value"] == 0.0    # awarded: not an open tender
    assert c.loc["72", "awarded_value"] == 900.0


def _tender_values_from_latest_release(ocds):
    """The table's tender value as it was worked out before releases were compiled: the
    latest release of each process alone (for the before/after comparison)."""
    latest = procurement.latest_per_ocid(ocds)
    awarded = latest["awarded"].astype("boolean").fillna(False)
    closed = latest["status"].isin(["cancelled", "unsuccessful", "withdrawn"])
    value = latest["value_amount"].where((awarded | ~closed).to_numpy(dtype=bool))
    return value.groupby(latest["cpv_division"]).sum()


def test_sample_tender_value_by_cpv_division_is_never_zero_where_tendered(project_root):
    """The shipped sample: 20 processes in 13 CPV divisions, every one with a tender value in
    its tender notice; 16 were then awarded by an award notice that leaves the value out.
    From the latest release alone 9 of the 13 divisions showed £0; compiled, none does, and
    each division's tender value is the sum of its processes' tender notices."""
    path = project_root / "data" / "sample" / "procurement" / "ocds_release_package.json"
    ocds = procurement.load_ocds(path)
    before = _tender_values_from_latest_release(ocds)
    assert len(before) == 13 and int((before == 0).sum()) == 9
    c = sa.cpv_divisions(ocds).set_index("division")
    assert len(c) == 13 and int((c["tender_value"] == 0).sum()) == 0
    # independently, from the JSON: each process's tender value (one tender notice each)
    raw = json.loads(path.read_text(encoding="utf-8"))["releases"]
    expected: dict[str, float] = {}
    for r in raw:
        value = (r.get("tender") or {}).get("value")
        if value and value.get("amount") is not None:
            division = r["tender"]["classification"]["id"][:2]
            expected[division] = expected.get(division, 0.0) + value["amount"]
    assert c["tender_value"].to_dict() == pytest.approx(expected)
    # open tenders and awards are as they were (the chart and its order do not change)
    assert c.loc["90", "open_tender_value"] == 29301500.0
    assert int((c["open_tender_value"] == 0).sum()) == 9
    assert c.loc["92", "awarded_value"] == 4794600.0
    assert list(c.index[:3]) == ["90", "92", "72"]
    _fig, alt = sa.cpv_figure(c.reset_index())  # the chart still shows open tenders
    assert "£23.65m awarded and £29.30m in open tenders" in alt


def test_gross_award_values_are_never_summed_with_net_ones(tmp_path):
    def won(ocid, value, scale):
        return release(ocid, f"{ocid}-a", ["award", "contract"], "2024-02-01T00:00:00Z",
                       tender={"title": ocid, "classification": {"scheme": "CPV", "id": "72000000"}},
                       awards=[{"id": "1", "status": "active", "value": value,
                                "suppliers": [{"id": ocid, "name": f"{ocid} Ltd"}],
                                "contractPeriod": {"startDate": "2024-03-01",
                                                   "endDate": "2024-09-30"}}],
                       parties=[{"id": ocid, "name": f"{ocid} Ltd", "roles": ["supplier"],
                                 "details": {"scale": scale}}])

    n = _package(tmp_path,
                 won("net", {"amount": 1000, "amountGross": 1200, "currency": "GBP"}, "sme"),
                 won("gross", {"amountGross": 600, "currency": "GBP"}, "large"))
    c = sa.cpv_divisions(n).set_index("division")
    assert c.loc["72", "awarded_value"] == 1000.0            # net only, not 1,600 or 2,200
    assert c.loc["72", "awarded_value_gross_only"] == 600.0  # reported apart
    s = sa.award_sme_share(n).set_index(["measure", "group"])
    assert s.loc[("size", "SME"), "value"] == 1000.0 and s.loc[("size", "SME"), "share"] == 1.0
    assert s.loc[("size", "large"), "value"] == 0.0
    assert s.loc[("size", "large"), "gross-only value"] == 600.0
    assert s.loc[("size", "large"), "awards"] == 1
    p = sa.expiry_pipeline(n, "2024-04-01").set_index("ocid")
    assert p.loc["net", "value"] == 1000.0 and pd.isna(p.loc["net", "value_gross_only"])
    assert pd.isna(p.loc["gross", "value"]) and p.loc["gross", "value_gross_only"] == 600.0
    w = sa.pipeline_summary(sa.expiry_pipeline(n, "2024-04-01")).set_index("window")
    assert w.loc["0–6 months", "value"] == 1000.0
    assert w.loc["0–6 months", "gross-only value"] == 600.0
    assert w.loc["0–6 months", "value unknown"] == 1
    f = sa.findings(frame([row("A", 1)]), n, "2024-04-01").markdown
    assert "worth £1,000 (net; plus £600 known only with VAT)" in f


def test_duplicate_precision_text_states_the_measured_figures():
    text = sa.duplicate_precision_text()
    p = sa.DUPLICATE_RULE_PRECISION["medium"]
    assert f"{p['duplicate']} of {p['candidates']} labelled candidates" in text
    assert sa.percent(p["precision"]) in text and "labelled by hand" in text
