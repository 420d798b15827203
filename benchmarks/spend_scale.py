"""Spend across many councils, side by side in one run: naive pandas, hand-written DuckDB SQL,
a polars lazy scan, and the toolkit's SpendPipeline (cold: first ingest; warm: from its cache).

    .venv/bin/python benchmarks/spend_scale.py --rows 1000000 10000000
    .venv/bin/python benchmarks/spend_scale.py --rows 1000000 10000000 100000000 --rounds 3 3 1  # long
    .venv/bin/python benchmarks/spend_scale.py --rows 100000 --rounds 1           # a smoke run

For each size, N lines are generated (seeded) by ``toolkit_helpers.samples.spend_scale`` into a
temporary folder — 20 councils × 12 monthly files = 240 files, half in the LGA layout and half
in a council's own layout (title row, Windows-1252 ``£``, CRLF, ``dd/mm/yyyy``, thousands
separators, credits in brackets, padded names) — and deleted afterwards. Every approach then
runs ``--rounds`` times, each time **in a fresh child process** (its peak RSS is its own, read
from the kernel with ``wait4``), and computes the same summaries: lines, net spend, net spend by
month and by service area (all in whole pence, summed exactly), the number of suppliers paid
and the top ten suppliers' share. The script **asserts** every approach agrees to the penny,
then prints the median wall time, peak RSS, the ratios, the Parquet cache's size, the load
average at the start and end, and an extrapolation to every English council's published spend.

(a) **naive pandas**: ``pd.read_csv`` of every file with what it takes not to fail (Latin-1
    and skipping the title row for the council layout, brackets and commas stripped from its
    amounts), one frame, ``groupby``. It only works because both layouts are known in advance.
(b) **hand-written DuckDB SQL** over the CSVs, the columns and types written out for the two
    known layouts (no detection, no checks): the practical limit.
(c) **polars lazy scan**: ``pl.scan_csv`` of the two layouts, written the same way (polars is a
    benchmark-only dependency, the ``bench`` extra; the toolkit never imports it).
(d) **toolkit pipeline, cold**: ``SpendPipeline(empty cache).ingest(folder)`` — each file's
    header, columns and encoding found from its head, ``load_spend``'s rules in SQL (every
    amount and date form, totals, repeated headers, placeholders), the Parquet cache written —
    then the summaries from the cache.
(e) **toolkit pipeline, warm**: the same with the cache of (d) already there.

The wall time is the child's work, measured inside it after its libraries are imported.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

LGA_MARK = b"OrganisationLabel"
NAIVE, SQL, POLARS = "naive pandas", "hand-written DuckDB SQL", "polars lazy scan"
COLD, WARM = "toolkit pipeline, cold", "toolkit pipeline, warm"
APPROACHES = (NAIVE, SQL, POLARS, COLD, WARM)
#: Measured peak memory of naive pandas per 10M lines (1.8 GB): beyond this many lines it is
#: skipped unless asked for (--force-naive), as it would need far more than a laptop's memory.
NAIVE_MAX_ROWS = 20_000_000
NAIVE_GB_PER_10M = 1.8


def _layouts(folder: Path):
    lga, council = [], []
    for f in sorted(folder.glob("*.csv")):
        with open(f, "rb") as fh:
            (lga if LGA_MARK in fh.read(64) else council).append(f)
    return lga, council


# ----------------------------------------------------------------------------- approaches
# Each returns the summaries in whole pence (exact), so "agree to the penny" is an equality.

def _summary_sql(con, table: str) -> dict:
    """The summaries from a DuckDB table or view with month, service_area, supplier, amount."""
    cents = "CAST(round(amount * 100) AS BIGINT)"
    lines, net = con.execute(f"SELECT count(*), sum({cents}) FROM {table}").fetchone()
    months = dict(con.execute(f"SELECT month, sum({cents}) FROM {table} GROUP BY 1").fetchall())
    services = dict(con.execute(f"SELECT service_area, sum({cents}) FROM {table} GROUP BY 1")
                    .fetchall())
    n, share = con.execute(f"""
        WITH per AS (SELECT supplier, sum({cents}) AS a FROM {table}
                     WHERE supplier NOT LIKE '%REDACTED%' GROUP BY 1 HAVING sum({cents}) > 0),
             r AS (SELECT a, row_number() OVER (ORDER BY a DESC, supplier) AS k FROM per)
        SELECT count(*), sum(a) FILTER (WHERE k <= 10) / sum(a) FROM r""").fetchone()
    return {"lines": int(lines), "net_pence": int(net), "months": {str(k): int(v) for k, v in months.items()},
            "services": {str(k): int(v) for k, v in services.items()},
            "suppliers": int(n), "top10_share": round(float(share), 9)}


def run_naive(folder: Path, _cache: Path) -> dict:
    import pandas as pd

    t = time.perf_counter()
    lga, council = _layouts(folder)
    frames = []
    for f in lga:
        d = pd.read_csv(f, encoding="utf-8-sig")
        frames.append(pd.DataFrame({"month": d["PaymentDate"].str[:7],
                                    "service_area": d["OrganisationalUnit"],
                                    "supplier": d["BeneficiaryName"], "amount": d["Amount"]}))
    for f in council:
        d = pd.read_csv(f, encoding="latin-1", skiprows=1)
        amt = d["Net Amount(£)"].astype(str)
        neg = amt.str.startswith("(")
        val = pd.to_numeric(amt.str.replace(r"[,()]", "", regex=True))
        frames.append(pd.DataFrame({"month": pd.to_datetime(d["Paid Date"], format="%d/%m/%Y")
                                    .dt.strftime("%Y-%m"),
                                    "service_area": d["Service Area"],
                                    "supplier": d["Supplier Name"].str.strip(),
                                    "amount": val.where(~neg, -val)}))
    df = pd.concat(frames, ignore_index=True)
    df["cents"] = (df["amount"] * 100).round().astype("int64")
    per = df.groupby("supplier")["cents"].sum()
    per = per[(per > 0) & ~per.index.str.contains("REDACTED")]
    per = per.sort_values(ascending=False)
    out = {"lines": int(len(df)), "net_pence": int(df["cents"].sum()),
           "months": {k: int(v) for k, v in df.groupby("month")["cents"].sum().items()},
           "services": {k: int(v) for k, v in df.groupby("service_area")["cents"].sum().items()},
           "suppliers": int(len(per)), "top10_share": round(float(per.iloc[:10].sum() / per.sum()), 9)}
    out["seconds"] = time.perf_counter() - t
    return out


def run_sql(folder: Path, _cache: Path) -> dict:
    import duckdb

    from toolkit_helpers.samples.spend_scale import COUNCIL_HEADER, LGA_HEADER

    t = time.perf_counter()
    lga, council = _layouts(folder)

    def files(fs):
        return "[" + ", ".join("'" + str(f) + "'" for f in fs) + "]"

    def cols(names, types=None):  # the layouts are known: no sniffing of every file
        return "{" + ", ".join(f"'{n}': '{(types or {}).get(n, 'VARCHAR')}'" for n in names) + "}"

    opts = "header=false, skip={}, auto_detect=false, delim=',', quote='\"', escape='\"'"
    con = duckdb.connect()
    con.execute(f"""CREATE TEMP TABLE lines AS
        SELECT strftime(PaymentDate, '%Y-%m') AS month, OrganisationalUnit AS service_area,
               BeneficiaryName AS supplier, Amount AS amount
        FROM read_csv({files(lga)}, {opts.format(1)},
                      columns={cols(LGA_HEADER, {'PaymentDate': 'DATE', 'Amount': 'DOUBLE'})})
        UNION ALL
        SELECT strftime(strptime("Paid Date", '%d/%m/%Y'), '%Y-%m'), "Service Area",
               trim("Supplier Name"),
               CASE WHEN "Net Amount(£)" LIKE '(%'
                    THEN -CAST(regexp_replace("Net Amount(£)", '[,()]', '', 'g') AS DOUBLE)
                    ELSE CAST(replace("Net Amount(£)", ',', '') AS DOUBLE) END
        FROM read_csv({files(council)}, {opts.format(2)}, encoding='latin-1',
                      columns={cols(COUNCIL_HEADER)})""")
    out = _summary_sql(con, "lines")
    out["seconds"] = time.perf_counter() - t
    return out


def run_polars(folder: Path, _cache: Path) -> dict:
    import polars as pl

    from toolkit_helpers.samples.spend_scale import COUNCIL_HEADER, LGA_HEADER

    t = time.perf_counter()
    lga, council = _layouts(folder)
    a = pl.scan_csv(lga, has_header=False, skip_rows=1,
                    schema={n: pl.String for n in LGA_HEADER}).select(
        pl.col("PaymentDate").str.slice(0, 7).alias("month"),
        pl.col("OrganisationalUnit").alias("service_area"),
        pl.col("BeneficiaryName").alias("supplier"),
        pl.col("Amount").cast(pl.Float64).alias("amount"))
    amt = pl.col("Net Amount(£)")
    val = amt.str.replace_all(r"[,()]", "").cast(pl.Float64)
    b = pl.scan_csv(council, has_header=False, skip_rows=2, encoding="utf8-lossy",
                    schema={n: pl.String for n in COUNCIL_HEADER}).select(
        pl.col("Paid Date").str.strptime(pl.Date, "%d/%m/%Y").dt.strftime("%Y-%m").alias("month"),
        pl.col("Service Area").alias("service_area"),
        pl.col("Supplier Name").str.strip_chars().alias("supplier"),
        pl.when(amt.str.starts_with("(")).then(-val).otherwise(val).alias("amount"))
    df = pl.concat([a, b]).with_columns(
        (pl.col("amount") * 100).round().cast(pl.Int64).alias("cents")).collect()
    months = df.group_by("month").agg(pl.col("cents").sum())
    services = df.group_by("service_area").agg(pl.col("cents").sum())
    per = (df.filter(~pl.col("supplier").str.contains("REDACTED")).group_by("supplier")
           .agg(pl.col("cents").sum()).filter(pl.col("cents") > 0)
           .sort("cents", descending=True))
    out = {"lines": df.height, "net_pence": int(df["cents"].sum()),
           "months": dict(zip(months["month"].to_list(), months["cents"].to_list())),
           "services": dict(zip(services["service_area"].to_list(), services["cents"].to_list())),
           "suppliers": per.height,
           "top10_share": round(float(per["cents"].head(10).sum() / per["cents"].sum()), 9)}
    out["seconds"] = time.perf_counter() - t
    return out


def run_pipeline(folder: Path, cache: Path) -> dict:
    from toolkit_helpers.spend_pipeline import SpendPipeline

    t = time.perf_counter()
    with SpendPipeline(cache) as p:
        p.ingest(folder)
        ingested = time.perf_counter() - t
        files = p.files_table()
        p.sql("SELECT 1")  # defines the view
        p.con.execute("CREATE OR REPLACE TEMP VIEW lines AS SELECT strftime(payment_date, '%Y-%m') "
                      "AS month, service_area, supplier, amount FROM spend")
        out = _summary_sql(p.con, "lines")
        p.totals()
        p.monthly()  # the pipeline's own summaries run too (their time is in the figure)
        p.concentration(10)
    out["seconds"] = time.perf_counter() - t
    out["ingest_seconds"] = ingested
    out["routes"] = files["route"].value_counts().to_dict()
    out["cache_mb"] = sum(f.stat().st_size for f in cache.glob("*.parquet")) / 1e6
    return out


RUNNERS = {NAIVE: run_naive, SQL: run_sql, POLARS: run_polars, COLD: run_pipeline,
           WARM: run_pipeline}
PRELOAD = {NAIVE: ("pandas",), SQL: ("duckdb",), POLARS: ("polars",),
           COLD: ("pandas", "pyarrow", "duckdb"), WARM: ("pandas", "pyarrow", "duckdb")}


def _child(name: str, folder: str, cache: str, result: str) -> None:
    import importlib

    for mod in PRELOAD[name]:  # libraries imported before the clock starts
        importlib.import_module(mod)
    out = RUNNERS[name](Path(folder), Path(cache))
    Path(result).write_text(json.dumps(out))


def measure(name: str, folder: Path, work: Path) -> dict:
    cache = work / "cache"  # the warm runs reuse the last cold run's cache
    if name == COLD:
        shutil.rmtree(cache, ignore_errors=True)
    result = work / "result.json"
    result.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, __file__, "--child", name, str(folder), str(cache),
                             str(result)])
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"{name} failed (status {status})")
    out = json.loads(result.read_text())
    out["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux: kilobytes
    return out


def _disagreement(a: dict, b: dict) -> str:
    for key in ("lines", "net_pence", "months", "services", "suppliers"):
        if a[key] != b[key]:
            return key
    if abs(a["top10_share"] - b["top10_share"]) > 1e-9:
        return "top10_share"
    return ""


# ----------------------------------------------------------------------------- report

def _skipped(name: str, rows: int, skips: list[str], force_naive: bool) -> str:
    for s in skips:
        target, _, at = s.partition("@")
        if target == name and (not at or int(at) == rows):
            return "skipped (--skip)"
    if name == NAIVE and rows > NAIVE_MAX_ROWS and not force_naive:
        return (f"skipped: would need about {NAIVE_GB_PER_10M * rows / 1e7:,.0f} GB of memory "
                f"({NAIVE_GB_PER_10M} GB per 10M lines measured); --force-naive to run it")
    if name == WARM and any(s in (COLD, f"{COLD}@{rows}") for s in skips):
        return "skipped (needs the cold run's cache)"
    return ""


def run_size(rows: int, rounds: int, skips: list[str], force_naive: bool, councils: int) -> dict:
    from toolkit_helpers.samples import spend_scale

    work = Path(tempfile.mkdtemp(prefix="spend-scale-"))
    try:
        folder = work / "data"
        t = time.perf_counter()
        files = spend_scale.generate(folder, rows=rows, councils=councils)
        csv_mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"\n{rows:,} lines: generated {len(files)} files ({csv_mb:,.0f} MB) in "
              f"{time.perf_counter() - t:.0f} s", flush=True)
        load_start = os.getloadavg()
        results: dict[str, dict] = {}
        skipped: dict[str, str] = {}
        for name in APPROACHES:
            why = _skipped(name, rows, skips, force_naive)
            if why:
                skipped[name] = why
        for k in range(rounds):
            for name in APPROACHES:  # interleaved, so a busy spell hits every approach alike
                if name in skipped:
                    continue
                print(f"  round {k + 1}/{rounds}: {name} …", flush=True)
                r = measure(name, folder, work)
                results.setdefault(name, {"runs": []})["runs"].append(r)
        load_end = os.getloadavg()
        summary = {}
        for name, res in results.items():
            runs = res["runs"]
            first = runs[0]
            for r in runs[1:]:
                assert not _disagreement(first, r), f"{name} differs between rounds"
            summary[name] = {"wall_s": statistics.median(r["seconds"] for r in runs),
                             "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
                             "rounds": len(runs), "result": first}
        names = list(summary)
        for n in names[1:]:
            bad = _disagreement(summary[names[0]]["result"], summary[n]["result"])
            assert not bad, f"{n} and {names[0]} disagree on {bad}"
        return {"rows": rows, "files": len(files), "csv_mb": csv_mb, "load_start": load_start,
                "load_end": load_end, "approaches": summary, "skipped": skipped,
                "agree": len(names) > 1}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(size: dict) -> str:
    s = size["approaches"]
    sql = s.get(SQL, {}).get("wall_s")
    naive = s.get(NAIVE, {}).get("wall_s")
    lines = [f"**{size['rows']:,} lines** — {size['files']} files, {size['csv_mb']:,.0f} MB of CSV; "
             f"{os.cpu_count()} cores; load average (1/5/15 min) at start "
             f"{'/'.join(f'{x:.2f}' for x in size['load_start'])}, at end "
             f"{'/'.join(f'{x:.2f}' for x in size['load_end'])}", "",
             "| approach | wall (s, median) | peak RSS (MB) | vs hand-written SQL | vs naive pandas |",
             "|---|---:|---:|---:|---:|"]
    for name in APPROACHES:
        if name in size["skipped"]:
            lines.append(f"| {name} | – | – | – | {size['skipped'][name]} |")
            continue
        r = s[name]
        vs_sql = f"{r['wall_s'] / sql:.2f}×" if sql else "–"
        vs_naive = (f"{naive / r['wall_s']:.1f}× faster" if naive and r["wall_s"] < naive
                    else f"{r['wall_s'] / naive:.1f}× slower" if naive else "–")
        lines.append(f"| {name} | {r['wall_s']:.2f} | {r['peak_rss_mb']:,.0f} | {vs_sql} | "
                     f"{vs_naive if name != NAIVE else '1.0×'} |")
    cold = s.get(COLD, {}).get("result")
    if cold:
        lines += ["", f"Parquet cache: {cold['cache_mb']:,.1f} MB "
                      f"({cold['cache_mb'] / size['csv_mb']:.0%} of the CSVs); files by route: "
                      f"{cold['routes']}; cold ingest alone {s[COLD]['result']['ingest_seconds']:.2f} s "
                      f"(first round)."]
    r0 = next(iter(s.values()))["result"]
    lines += ["", f"Every approach agrees to the penny (asserted): {r0['lines']:,} lines, net "
                  f"£{r0['net_pence'] / 100:,.2f}, {len(r0['months'])} months, "
                  f"{len(r0['services'])} service areas, {r0['suppliers']:,} suppliers, top-10 "
                  f"share {r0['top10_share']:.6f}." if size["agree"] else ""]
    return "\n".join(lines)


def extrapolate(size: dict, councils: int, lines_per_council: int, years: int) -> str:
    total = councils * lines_per_council * years
    s = size["approaches"]
    cold = s.get(COLD)
    out = [f"**Extrapolation to every English council's published spend.** Assumption: about "
           f"{councils} councils × {lines_per_council:,} lines a year (payments over £500) × "
           f"{years} years = {total / 1e6:,.0f}M lines; time and cache grow in proportion to lines "
           f"(from the {size['rows']:,}-line run; the pipeline reads in bounded batches, so its "
           f"memory does not grow with the number of files)."]
    f = total / size["rows"]
    for name in (SQL, POLARS, COLD, WARM):
        if name in s:
            out.append(f"- {name}: about {s[name]['wall_s'] * f / 60:,.1f} min")
    if cold:
        out.append(f"- Parquet cache: about {cold['result']['cache_mb'] * f / 1e3:,.1f} GB "
                   f"(CSV: {size['csv_mb'] * f / 1e3:,.1f} GB)")
    if NAIVE in s:
        out.append(f"- naive pandas would need about {s[NAIVE]['peak_rss_mb'] * f / 1e3:,.0f} GB "
                   f"of memory: not feasible in one frame")
    return "\n".join(out)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000],
                   help="sizes to run (lines); 100000000 is possible but long")
    p.add_argument("--rounds", type=int, nargs="+", default=[3],
                   help="runs of each approach (median): one number for every size, or one "
                        "per size (e.g. --rows 1000000 100000000 --rounds 3 1)")
    p.add_argument("--councils", type=int, default=20, help="councils in the generated data")
    p.add_argument("--skip", nargs="*", default=[], metavar="NAME[@ROWS]",
                   help=f"approaches to skip (at one size with @ROWS): {', '.join(APPROACHES)}")
    p.add_argument("--force-naive", action="store_true",
                   help=f"run naive pandas above {NAIVE_MAX_ROWS:,} lines too")
    p.add_argument("--england-councils", type=int, default=300)
    p.add_argument("--lines-per-council", type=int, default=50_000)
    p.add_argument("--years", type=int, default=5)
    p.add_argument("--json", help="also write the results to this JSON file")
    a = p.parse_args(argv)
    for s in a.skip:
        if s.partition("@")[0] not in APPROACHES:
            p.error(f"--skip {s!r}: approaches are {', '.join(APPROACHES)}")
    if len(a.rounds) not in (1, len(a.rows)):
        p.error("--rounds: give one number, or one per size in --rows")
    rounds = a.rounds * len(a.rows) if len(a.rounds) == 1 else a.rounds
    sizes = []
    for rows, n in zip(a.rows, rounds):
        size = run_size(rows, n, a.skip, a.force_naive, a.councils)
        sizes.append(size)
        print("\n" + table(size), flush=True)
    print("\n" + extrapolate(sizes[-1], a.england_councils, a.lines_per_council, a.years))
    if a.json:
        Path(a.json).write_text(json.dumps(sizes, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(*sys.argv[2:6])
    else:
        sys.exit(main())
