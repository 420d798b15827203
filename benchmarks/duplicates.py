"""Duplicate-payment detection: the vectorised `spend_analysis.duplicate_candidates` against
the previous implementation (one Python call per group of lines), on the same generated lines.

    python benchmarks/duplicates.py                       # 21,000 and 100,000 lines, best of 3
    python benchmarks/duplicates.py --rows 500000 --repeat 1 --skip-old

The lines are generated here (seed 42) in the shape of a council's published spend: suppliers
under several spellings, standard prices paid again and again, invoices split across cost
centres, Oxford-style line numbers (``4628_3``), card-statement references shared by many
suppliers, lines without a transaction number or a date, credits, redacted and blank supplier
names — and about 3% planted duplicates of every kind the rule looks for (an invoice paid on
another date, a line posted twice, two payments on one day under different numbers, ...).

The previous implementation is the reference kept in ``tests/test_spend_analysis.py``; both are
timed on the same frame (CPU time of this process, best of ``--repeat``) and their candidates
compared.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))


def generate(rows: int, seed: int = 42):
    """A spend frame like `spend.load_spend`'s with about ``rows`` lines."""
    import numpy as np
    import pandas as pd

    from toolkit_helpers import spend

    rng = np.random.default_rng(seed)
    n_sup = max(40, rows // 60)  # a year of a large council: ~500,000 lines, ~5,000 names
    spellings = ("{} Ltd",) * 16 + ("{} LIMITED", "{}  ltd.", "{} Services Ltd", "{}")
    base = [f"Supplier {i:05d}" for i in range(n_sup)]
    prices = rng.choice([25.0, 49.99, 120.0, 250.0, 299.25, 654.58, 1000.0, 4082.76], n_sup)
    areas = [f"Cost centre {i}" for i in range(25)]
    types = [f"Expense type {i}" for i in range(30)]
    words = ["agency", "staff", "steam", "clean", "x", "2", "paper", "hire", "mow", "repairs",
             "training", "fuel", "rent", "licence", "legal", "advice", "meals", "care"]
    runs = pd.to_datetime("2023-04-03") + pd.to_timedelta(
        np.sort(rng.choice(np.arange(0, 364), 120, replace=False)), unit="D")
    out = {k: [] for k in ("supplier", "amount", "payment_date", "transaction_id",
                           "service_area", "expense_type", "expense_code", "purpose")}

    def add(sup, amount, day, ref, area, typ, purpose):
        out["supplier"].append(sup)
        out["amount"].append(amount)
        out["payment_date"].append(day)
        out["transaction_id"].append(ref)
        out["service_area"].append(area)
        out["expense_type"].append(typ)
        out["expense_code"].append(None if typ is None else f"E{types.index(typ):03d}")
        out["purpose"].append(purpose)

    inv = 0
    while len(out["amount"]) < rows:
        inv += 1
        s = int(rng.integers(n_sup))
        r = rng.random()
        if r < 0.03:
            sup = ["REDACTED PERSONAL DATA", "Withheld", "*****", None, "  "][int(rng.integers(5))]
        else:
            sup = spellings[int(rng.integers(len(spellings)))].format(base[s])
        amount = float(prices[s]) if rng.random() < 0.35 else round(float(rng.gamma(1.2, 400)), 2)
        if rng.random() < 0.05:
            amount = -amount  # a credit
        day = runs[int(rng.integers(len(runs)))] if rng.random() > 0.01 else pd.NaT
        ref_kind = rng.random()
        if ref_kind < 0.06:
            ref = None
        elif ref_kind < 0.10:
            ref = f"P-CARD - {pd.Timestamp(day).strftime('%b %y').upper() if pd.notna(day) else 'X'}"
        else:
            ref = f"INV{inv}"
        oxford = rng.random() < 0.2 and ref is not None and ref.startswith("INV")
        purpose = " ".join(rng.choice(words, int(rng.integers(1, 4))))
        area, typ = areas[int(rng.integers(len(areas)))], types[int(rng.integers(len(types)))]
        n_lines = 1 if rng.random() < 0.8 else int(rng.integers(2, 5))
        for k in range(n_lines):  # one invoice split across cost centres (or units)
            a = areas[int(rng.integers(len(areas)))] if k and rng.random() < 0.6 else area
            add(sup, amount, day, f"{inv}_{k + 1}" if oxford else ref, a, typ, purpose)
        d = rng.random()
        if d < 0.03:  # planted: every kind of duplicate the rule looks for
            kind = int(rng.integers(6))
            other = runs[int(rng.integers(len(runs)))]
            if kind == 0:  # the same invoice paid on another date
                add(sup, amount, other, ref, area, typ, purpose.upper())
            elif kind == 1:  # posted twice
                add(sup, amount, day, ref, area, typ, purpose)
            elif kind == 2:  # the same day, another number, nothing else differs
                add(sup, amount, day, f"INV{inv}B", area, typ, f" {purpose} ")
            elif kind == 3:  # the same day, another number, another cost centre
                add(sup, amount, day, f"INV{inv}C", areas[0], typ, purpose)
            elif kind == 4:  # one reference on another date, another description
                add(sup, amount, other, ref, area, typ, "weekly " + purpose)
            else:  # no numbers at all, the same day
                add(sup, amount, day, None, area, typ, purpose)
    n = len(out["amount"])
    df = pd.DataFrame(out)
    df["amount"] = df["amount"].astype("float64")
    df["payment_date"] = pd.to_datetime(df["payment_date"]).astype("datetime64[ns]")
    for c in ("supplier", "transaction_id", "service_area", "expense_type", "expense_code",
              "purpose"):
        df[c] = df[c].astype("str")
    df["source_file"] = [f"spend_{m:02d}.csv" for m in (np.arange(n) * 12 // n + 1)]
    df["source_row"] = np.arange(n) % max(1, n // 12 + 1) + 2
    for c in spend.COLUMNS:
        if c not in df:
            df[c] = None
    return df[list(spend.COLUMNS)]


def cpu_best(fn, df, repeat: int):
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.process_time()
        result = fn(df)
        best = min(best, time.process_time() - t)
    return best, result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, nargs="+", default=[21000, 100000])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--skip-old", action="store_true", help="time the new implementation only")
    a = p.parse_args(argv)

    import pandas as pd

    from test_spend_analysis import reference_duplicate_candidates
    from toolkit_helpers import spend_analysis as sa

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} cores, load average {load}; "
          f"pandas {pd.__version__}; CPU seconds, best of {a.repeat}")
    print("| lines | candidates (groups) | previous (s) | vectorised (s) | speed-up | same |")
    print("|---:|---:|---:|---:|---:|---|")
    for rows in a.rows:
        df = generate(rows)
        new_t, new = cpu_best(sa.duplicate_candidates, df, a.repeat)
        if a.skip_old:
            old_t, same = float("nan"), "–"
        else:
            old_t, old = cpu_best(reference_duplicate_candidates, df, a.repeat)
            same = "yes" if old.equals(new) else "NO"
        print(f"| {len(df):,} | {len(new):,} ({new['group'].nunique():,}) | {old_t:.2f} | "
              f"{new_t:.3f} | {old_t / new_t:.0f}× | {same} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
