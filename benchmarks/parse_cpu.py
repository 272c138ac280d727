"""CPU per report of a read/parse worker: read, parse, and the worker's whole per-file function.

    .venv/bin/python benchmarks/parse_cpu.py [--n 2000] [--seed 11] [--reps 3] [--profile parse]

CPU time (``time.process_time``), not wall: on a shared machine wall time measures the neighbours. The corpus
is generated once (``jixiao synth``, fixed seed) under benchmarks/corpus/ and reused. Run it with another
checkout's code to compare (``PYTHONPATH=<other>/src <other>/.venv/bin/python benchmarks/parse_cpu.py``):
the script imports only what both have.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = (".txt", ".md", ".docx", ".pdf")


def corpus(n: int, seed: int, root: Path) -> Path:
    """The synthetic corpus of ``n`` reports, generated once."""
    out = root / f"parse-cpu-n{n}-s{seed}"
    if not (out / ".complete").exists():
        from jixiao_dev.synth import SynthConfig, generate_corpus

        generate_corpus(out, SynthConfig(n=n, seed=seed))
        (out / ".complete").write_text("ok\n")
    return out


def files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES)


def cpu_ms(run: Callable[[], int], reps: int) -> tuple[float, float, int]:
    """(best, median) CPU ms per item over ``reps`` runs of ``run`` (which returns how many items it did)."""
    per: list[float] = []
    n = 0
    for _ in range(reps):
        t0 = time.process_time()
        n = run()
        per.append(1000 * (time.process_time() - t0) / max(1, n))
    return min(per), statistics.median(per), n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--corpus-root", type=Path, default=ROOT / "benchmarks" / "corpus")
    ap.add_argument("--stages", default="read,parse,worker", help="comma-separated: read,parse,worker")
    ap.add_argument(
        "--profile",
        choices=("read", "parse", "worker", "worker_txt"),
        help="cProfile one stage instead of timing",
    )
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()

    from jixiao.parse import parse_report
    from jixiao.pipeline import read_and_parse
    from jixiao.read import ReadLimits, read_path

    folder = corpus(args.n, args.seed, args.corpus_root)
    files = files_of(folder)
    txt = [p for p in files if p.suffix == ".txt"]
    docs = [read_path(p) for p in txt]  # parse's input, read beforehand (as benchmarks.bench does)
    limits = ReadLimits()

    def read() -> int:
        for p in files:
            read_path(p)
        return len(files)

    def parse() -> int:
        for d in docs:
            parse_report(d.text, page_of=d.page_of if d.page_starts else None, tables=d.tables)
        return len(docs)

    def worker() -> int:
        for i, p in enumerate(files):
            read_and_parse(i, str(p), limits)
        return len(files)

    def worker_txt() -> int:
        for i, p in enumerate(txt):
            read_and_parse(i, str(p), limits)
        return len(txt)

    stages = {"read": read, "parse": parse, "worker": worker, "worker_txt": worker_txt}
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(stages[args.profile])
        pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(args.top)
        return
    out: dict[str, dict[str, float]] = {}
    for name in args.stages.split(","):
        best, median, n = cpu_ms(stages[name], args.reps)
        out[name] = {"n": n, "cpu_ms_best": round(best, 4), "cpu_ms_median": round(median, 4)}
        if name == "parse":
            out[name]["reports_per_cpu_s"] = round(1000 / best, 1)
    print(json.dumps({"corpus": str(folder), "files": len(files), "txt": len(txt), "stages": out}, indent=1))


if __name__ == "__main__":
    main()
