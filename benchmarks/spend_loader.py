"""Loading one large council's year of spend: ``load_spend`` against naive ``pandas.read_csv``.

Generates (seeded) about 500,000 payment lines — one council, twelve monthly files — in the
published layouts of :mod:`toolkit_helpers.samples.spend_scale` into a temporary folder, then
times, side by side in one run:

- ``load_spend(files)`` — the toolkit loader (encoding and header detection, column mapping,
  amount and date parsing, totals/blank rows, report);
- ``pd.concat(pd.read_csv(f) for f in files)`` — pandas with its defaults (no parsing of
  amounts or dates, no mapping; fails on files it cannot read as they are).

Each method runs in a fresh Python process, so its peak memory (the process's maximum resident
set size) is its own; the time is the wall time of the load alone (imports excluded, reported
separately). Best of ``--repeat`` runs.

    python benchmarks/spend_loader.py                 # both layouts, 500,000 rows each
    python benchmarks/spend_loader.py --rows 100000 --layout lga --repeat 1
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import pandas as pd
from toolkit_helpers import spend
imports = time.perf_counter() - t0
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
files = json.loads(sys.argv[2])
method = sys.argv[1]
out = {"method": method, "imports_s": imports}
t = time.perf_counter()
try:
    if method == "load_spend":
        df = spend.load_spend(files)
        out["rows"] = int(len(df))
        out["amount_total"] = round(float(df["amount"].sum()), 2)
        out["dated"] = int(df["payment_date"].notna().sum())
    else:
        df = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
        out["rows"] = int(len(df))
        amount = next((c for c in df.columns if "amount" in str(c).lower()), None)
        out["amount_dtype"] = str(df[amount].dtype) if amount else None
        out["amount_total"] = (round(float(df[amount].sum()), 2)
                               if amount and df[amount].dtype.kind == "f" else None)
        out["columns"] = [str(c) for c in df.columns][:4]
    out["ok"] = True
except Exception as exc:  # the naive read is expected to fail on some layouts
    out["ok"] = False
    out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
out["seconds"] = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out["peak_mb"] = peak / 1024
out["delta_mb"] = (peak - base) / 1024
print(json.dumps(out))
"""


def generate(folder: Path, rows: int, layout: str, seed: int) -> list[Path]:
    """One council's year (12 monthly files) in ``layout`` ("lga" or "council")."""
    from toolkit_helpers.samples import spend_scale

    # spend_scale alternates layouts by council: council 1 is LGA, council 2 the council layout
    if layout == "lga":
        files = spend_scale.generate(folder, rows, councils=1, seed=seed)
    else:
        files = spend_scale.generate(folder, rows * 2, councils=2, seed=seed)
        keep = [f for f in files if f.name.startswith("council_002")]
        for f in files:
            if f not in keep:
                f.unlink()
        files = keep
    return sorted(files)


def run_child(method: str, files: list[Path]) -> dict:
    r = subprocess.run([sys.executable, "-c", CHILD, method, json.dumps([str(f) for f in files])],
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def bench(rows: int, layouts: list[str], repeat: int, seed: int) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory(prefix="spend-bench-") as tmp:
        for layout in layouts:
            folder = Path(tmp) / layout
            t = time.perf_counter()
            files = generate(folder, rows, layout, seed)
            size = sum(f.stat().st_size for f in files)
            print(f"[{layout}] generated {len(files)} files, {size / 1e6:.1f} MB in "
                  f"{time.perf_counter() - t:.1f} s", flush=True)
            for method in ("naive_read_csv", "load_spend"):
                runs = [run_child(method, files) for _ in range(repeat)]
                best = min(runs, key=lambda r: r["seconds"])
                best.update(layout=layout, files=len(files), megabytes=round(size / 1e6, 1))
                results.append(best)
                print(f"  {method:15s} {best['seconds']:6.2f} s  peak {best['peak_mb']:7.0f} MB "
                      f"(+{best['delta_mb']:.0f} MB)  "
                      + (f"rows {best['rows']:,}" if best["ok"] else f"FAILED: {best['error']}"),
                      flush=True)
    return results


def table(results: list[dict]) -> str:
    lines = ["| layout | method | rows | wall time (s) | peak memory (MB) | memory for the load (MB) | "
             "time vs naive | result |", "|---|---|---|---|---|---|---|---|"]
    naive = {r["layout"]: r for r in results if r["method"] == "naive_read_csv"}
    for r in results:
        n = naive.get(r["layout"])
        ratio = (f"{r['seconds'] / n['seconds']:.1f}×" if n and n["ok"] and r["method"] != n["method"]
                 else "–")
        result = ("typed frame, amounts and dates parsed" if r["method"] == "load_spend" and r["ok"]
                  else f"amount column {r.get('amount_dtype')}" if r["ok"] else r["error"])
        lines.append(f"| {r['layout']} | `{r['method']}` | {r.get('rows', 0):,} | {r['seconds']:.2f} | "
                     f"{r['peak_mb']:.0f} | {r['delta_mb']:.0f} | {ratio} | {result} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=500_000)
    p.add_argument("--layout", choices=["lga", "council", "both"], default="both")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--json", help="write the results to this JSON file")
    a = p.parse_args(argv)
    layouts = ["lga", "council"] if a.layout == "both" else [a.layout]
    results = bench(a.rows, layouts, a.repeat, a.seed)
    print()
    print(table(results))
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
