"""How long the whole collection takes for the sample council, and what `import toolkit_helpers`
costs.

    python benchmarks/collection_run.py             # 3 runs of the collection, 20 imports
    python benchmarks/collection_run.py --runs 1 --imports 5

The collection is run exactly as `make run` runs it (`toolkit run --config councils/sample.yaml
--jobs 2`), after set-up, each time into a fresh temporary output folder (so your `outputs/`
are not touched and nothing is cached between runs). The import is timed in fresh interpreters,
against an interpreter that imports nothing. Each run's CPU time (user + system, of the runner
and every kernel it starts) is reported beside its wall time: on a busy machine it is the
steadier figure.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLKIT = Path(sys.executable).with_name("toolkit")


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def time_run(config: str, jobs: int) -> tuple[float, dict, float]:
    with tempfile.TemporaryDirectory(prefix="collection-run-") as out:
        env = {**os.environ, "TOOLKIT_OUTPUT_ROOT": out}
        t, cpu = time.perf_counter(), _children_cpu()
        proc = subprocess.run([str(TOOLKIT), "run", "--config", config, "--jobs", str(jobs)],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        wall, cpu = time.perf_counter() - t, _children_cpu() - cpu
        if proc.returncode != 0:
            raise SystemExit(f"the run failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
        runs = list(Path(out).glob("*/run.json"))
        info = json.loads(runs[0].read_text()) if runs else {}
    return wall, info, cpu


def time_import(n: int) -> tuple[float, float]:
    def best(code: str) -> float:
        times = []
        for _ in range(n):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    return best("import toolkit_helpers"), best("pass")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--imports", type=int, default=20)
    p.add_argument("--config", default="councils/sample.yaml")
    p.add_argument("--jobs", type=int, default=2)
    a = p.parse_args(argv)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}", flush=True)
    walls, cpus = [], []
    for i in range(a.runs):
        wall, info, cpu = time_run(a.config, a.jobs)
        walls.append(wall)
        cpus.append(cpu)
        per = {n["name"]: n.get("seconds") for n in info.get("notebooks", [])} if info else {}
        print(f"run {i + 1}: {wall:.1f} s ({cpu:.1f} s CPU) for {len(per) or '?'} notebooks "
              + (f"(slowest: {max(per, key=per.get)} {max(per.values()):.1f} s)" if per else ""),
              flush=True)
    imp, bare = time_import(a.imports)
    print(f"\nwhole collection (toolkit run --jobs {a.jobs}): median {statistics.median(walls):.1f} s, "
          f"best {min(walls):.1f} s over {a.runs} run(s); CPU time median "
          f"{statistics.median(cpus):.1f} s, first run {cpus[0]:.1f} s")
    print(f"import toolkit_helpers: {(imp - bare) * 1000:.0f} ms beyond a bare interpreter "
          f"({imp * 1000:.0f} ms vs {bare * 1000:.0f} ms, medians of {a.imports})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
