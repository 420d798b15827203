"""Spend across many councils: naive pandas vs the toolkit's DuckDB pipeline vs hand-written
DuckDB SQL, side by side on the same generated files.

    python benchmarks/spend_scale.py --rows 1000000
    python benchmarks/spend_scale.py --rows 10000000 --data /tmp/spend10m   # keep the data

Each approach runs in its own child process (so its peak memory is its own, read from the
kernel's accounting for that child) and computes the same summaries: net spend by month, by
service area and by supplier, and the top-10 supplier share. The parent checks the three agree
and prints wall time, peak RSS and the ratios.

(a) **naive pandas**: ``pd.read_csv`` of every file with defaults (plus what it takes to not
    fail: Latin-1 for the council layout, skipping its title row, renaming the two layouts'
    columns, stripping ``,()`` from amounts), one big frame, then ``groupby``.
(b) **toolkit pipeline**: ``SpendPipeline(cache).ingest(folder)`` — header/column detection,
    every amount/date form, totals and repeated headers, a Parquet cache — then its summaries.
    A cold cache (first run); the warm re-run is reported too.
(c) **hand-written DuckDB SQL** over the CSVs, written knowing both layouts in advance (the
    practical limit: no detection, no checks).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

LGA_MARK = b"OrganisationLabel"


def _layouts(folder: Path):
    lga, council = [], []
    for f in sorted(folder.glob("*.csv")):
        with open(f, "rb") as fh:
            (lga if LGA_MARK in fh.read(64) else council).append(f)
    return lga, council


def _summarise_frame(df) -> dict:
    """The shared summaries from a frame with month, service_area, supplier, amount."""
    by_month = df.groupby("month")["amount"].sum().round(2)
    by_service = df.groupby("service_area")["amount"].sum().round(2)
    per = df.groupby("supplier")["amount"].sum()
    per = per[(per > 0) & ~per.index.str.contains("REDACTED")].sort_values(ascending=False)
    return {"lines": int(len(df)), "net": round(float(df["amount"].sum()), 2),
            "months": {k: float(v) for k, v in by_month.items()},
            "services": {k: float(v) for k, v in by_service.items()},
            "suppliers": int(len(per)), "top10_share": round(float(per.iloc[:10].sum() / per.sum()), 6)}


def run_naive(folder: Path, _cache: Path) -> dict:
    import pandas as pd

    lga, council = _layouts(folder)
    frames = []
    for f in lga:
        d = pd.read_csv(f)
        d = d.rename(columns={"\ufeffOrganisationLabel": "OrganisationLabel"})
        frames.append(pd.DataFrame({"date": d["PaymentDate"], "service_area": d["OrganisationalUnit"],
                                    "supplier": d["BeneficiaryName"], "amount": d["Amount"]}))
    for f in council:
        d = pd.read_csv(f, encoding="latin-1", skiprows=1)
        amt = d["Net Amount(£)"].astype(str)
        neg = amt.str.startswith("(")
        val = pd.to_numeric(amt.str.replace(r"[,()]", "", regex=True))
        frames.append(pd.DataFrame({"date": pd.to_datetime(d["Paid Date"], format="%d/%m/%Y")
                                    .dt.strftime("%Y-%m-%d"),
                                    "service_area": d["Service Area"],
                                    "supplier": d["Supplier Name"].str.strip(),
                                    "amount": val.where(~neg, -val)}))
    df = pd.concat(frames, ignore_index=True)
    df["month"] = df["date"].str[:7]
    return _summarise_frame(df)


def run_pipeline(folder: Path, cache: Path) -> dict:
    from toolkit_helpers.spend_pipeline import SpendPipeline

    with SpendPipeline(cache) as p:
        p.ingest(folder)
        routes = p.files_table()["route"].value_counts().to_dict()
        monthly = p.monthly()
        services = p.spend_by("service_area")
        conc = p.concentration(10)
        totals = p.totals()
    return {"lines": totals["lines"], "net": totals["net"],
            "months": {m: float(v) for m, v in zip(monthly["month"], monthly["net"])},
            "services": {s: float(v) for s, v in zip(services["service_area"], services["amount"])},
            "suppliers": conc.suppliers, "top10_share": round(conc.top_n_share, 6),
            "routes": routes}


def run_duckdb_sql(folder: Path, _cache: Path) -> dict:
    import duckdb

    lga, council = _layouts(folder)
    q = lambda fs: "[" + ", ".join("'" + str(f) + "'" for f in fs) + "]"  # noqa: E731
    from toolkit_helpers.samples.spend_scale import COUNCIL_HEADER, LGA_HEADER

    def cols(names, types=None):  # the layouts are known: no sniffing of every file
        return "{" + ", ".join(f"'{n}': '{(types or {}).get(n, 'VARCHAR')}'" for n in names) + "}"

    opts = "header=false, skip={}, auto_detect=false, delim=',', quote='\"', escape='\"'"
    con = duckdb.connect()
    con.execute(f"""CREATE TEMP TABLE lines AS
        SELECT strftime(PaymentDate, '%Y-%m') AS month, OrganisationalUnit AS service_area,
               BeneficiaryName AS supplier, Amount AS amount
        FROM read_csv({q(lga)}, {opts.format(1)},
                      columns={cols(LGA_HEADER, {'PaymentDate': 'DATE', 'Amount': 'DOUBLE'})})
        UNION ALL
        SELECT strftime(strptime("Paid Date", '%d/%m/%Y'), '%Y-%m'), "Service Area",
               trim("Supplier Name"),
               CASE WHEN "Net Amount(£)" LIKE '(%'
                    THEN -CAST(regexp_replace("Net Amount(£)", '[,()]', '', 'g') AS DOUBLE)
                    ELSE CAST(replace("Net Amount(£)", ',', '') AS DOUBLE) END
        FROM read_csv({q(council)}, {opts.format(2)}, encoding='latin-1',
                      columns={cols(COUNCIL_HEADER)})""")
    lines, net = con.execute("SELECT count(*), sum(amount) FROM lines").fetchone()
    months = dict(con.execute("SELECT month, round(sum(amount), 2) FROM lines GROUP BY 1").fetchall())
    services = dict(con.execute("SELECT service_area, round(sum(amount), 2) FROM lines GROUP BY 1")
                    .fetchall())
    n, share = con.execute("""WITH per AS (SELECT supplier, sum(amount) AS a FROM lines
                                 WHERE supplier NOT LIKE '%REDACTED%' GROUP BY 1 HAVING sum(amount) > 0),
                              r AS (SELECT a, row_number() OVER (ORDER BY a DESC) AS k FROM per)
                              SELECT count(*), sum(a) FILTER (WHERE k <= 10) / sum(a) FROM r""").fetchone()
    return {"lines": int(lines), "net": round(float(net), 2), "months": months,
            "services": services, "suppliers": int(n), "top10_share": round(float(share), 6)}


APPROACHES = {"naive pandas": run_naive, "toolkit pipeline": run_pipeline,
              "toolkit pipeline, warm cache": run_pipeline,
              "hand-written DuckDB SQL": run_duckdb_sql}


def _child(name: str, folder: str, cache: str, result: str) -> None:
    out = APPROACHES[name](Path(folder), Path(cache))
    Path(result).write_text(json.dumps(out))


def measure(name: str, folder: Path, work: Path) -> dict:
    cache = work / f"cache-{name.split()[0]}"  # the warm run reuses the cold run's cache
    if "warm" not in name:
        shutil.rmtree(cache, ignore_errors=True)
    result = work / "result.json"
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", name, str(folder), str(cache),
                             str(result)])
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    if status != 0:
        raise SystemExit(f"{name} failed (status {status})")
    out = json.loads(result.read_text())
    out["wall_s"] = round(wall, 2)
    out["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 0)  # Linux: kilobytes
    return out


def _agree(a: dict, b: dict) -> bool:
    def close(x, y):
        return abs(x - y) <= 0.011 + 1e-9 * abs(y)
    return (a["lines"] == b["lines"] and close(a["net"], b["net"])
            and a["months"].keys() == b["months"].keys()
            and all(close(a["months"][k], b["months"][k]) for k in a["months"])
            and all(close(a["services"][k], b["services"][k]) for k in a["services"])
            and a["suppliers"] == b["suppliers"] and abs(a["top10_share"] - b["top10_share"]) < 1e-6)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--councils", type=int, default=20)
    p.add_argument("--data", help="folder for the generated files (kept); default: a temp folder")
    p.add_argument("--skip", nargs="*", default=[], choices=list(APPROACHES), metavar="NAME")
    a = p.parse_args(argv)
    from toolkit_helpers.samples import spend_scale

    work = Path(tempfile.mkdtemp(prefix="spend-scale-"))
    folder = Path(a.data) if a.data else work / "data"
    try:
        if not (folder.is_dir() and any(folder.glob("*.csv"))):
            t = time.perf_counter()
            files = spend_scale.generate(folder, rows=a.rows, councils=a.councils)
            size = sum(f.stat().st_size for f in files) / 1e6
            print(f"generated {a.rows:,} rows in {len(files)} files ({size:,.0f} MB) "
                  f"in {time.perf_counter() - t:.1f} s", flush=True)
        load = os.getloadavg()[0]
        results = {}
        for name in APPROACHES:
            if name in a.skip:
                continue
            print(f"running {name} …", flush=True)
            results[name] = measure(name, folder, work)
        base = results.get("hand-written DuckDB SQL")
        ref = results.get("toolkit pipeline")
        print(f"\n{a.rows:,} rows, {os.cpu_count()} cores, load average before: {load:.2f}\n")
        print(f"| approach | wall (s) | peak RSS (MB) | wall vs DuckDB SQL | wall vs toolkit |")
        print("|---|---:|---:|---:|---:|")
        for name, r in results.items():
            vs_sql = f"{r['wall_s'] / base['wall_s']:.2f}×" if base else "–"
            vs_tk = f"{r['wall_s'] / ref['wall_s']:.2f}×" if ref else "–"
            print(f"| {name} | {r['wall_s']:.1f} | {r['peak_rss_mb']:,.0f} | {vs_sql} | {vs_tk} |")
        if ref:
            print(f"\ntoolkit pipeline: files by route {ref['routes']}")
        names = list(results)
        agree = all(_agree(results[names[0]], results[n]) for n in names[1:])
        print("results agree (lines, net, by month, by service, suppliers, top-10 share):",
              "yes" if agree else "NO")
        return 0 if agree else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:6])
    else:
        sys.exit(main())
