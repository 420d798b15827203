"""Reading a large workbook: the toolkit's reader (python-calamine, with its pre-read checks)
against openpyxl (the reader it replaced), side by side in one run, same cells compared.

    .venv/bin/python benchmarks/workbook_read.py [--rows 100000]

Writes a synthetic spend-like workbook (8 columns) in a temporary folder, reads it with each
reader in a fresh process (CPU time, wall time, peak memory) and checks the cells are the same.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

READ = r"""
import json, resource, sys, time
from toolkit_helpers import io
path, how = sys.argv[1], sys.argv[2]
t0, c0 = time.perf_counter(), time.process_time()
sheets = io.read_workbook(path) if how == "calamine" else io._read_workbook_openpyxl(path)
rows = [r for s in sheets for r in s.rows]
print(json.dumps({"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": len(rows), "digest": hash(tuple(map(tuple, rows[:: max(1, len(rows) // 1000)])))}))
"""


def make(path: Path, rows: int) -> None:
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Spend")
    ws.append(["Body Name", "Service Area", "Expenses Type", "Paid Date", "Trans No",
               "Supplier Name", "Net Amount", "Purpose"])
    day = dt.date(2024, 4, 1)
    for i in range(rows):
        ws.append(["Exampleshire Council", f"Service {i % 17}", f"Type {i % 31}",
                   day + dt.timedelta(days=i % 365), f"T{i:07d}", f"Supplier {i % 997} Ltd",
                   round((i % 5000) * 1.37 + 0.5, 2), f"Purpose {i % 113}"])
    wb.save(path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "spend.xlsx"
        make(path, args.rows)
        out = {"rows": args.rows, "load_average": os.getloadavg(),
               "file_mb": round(path.stat().st_size / 2**20, 1)}
        for how in ("openpyxl", "calamine"):
            r = subprocess.run([sys.executable, "-c", READ, str(path), how], capture_output=True,
                               text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "0"})
            out[how] = json.loads(r.stdout)
        out["same_cells"] = out["openpyxl"]["digest"] == out["calamine"]["digest"]
        print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
