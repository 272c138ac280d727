"""Unit-matching CPU per report, as the ingest matches (own names given, a fresh Matcher per batch).

    .venv/bin/python -m benchmarks.match_cpu [--n 1000] [--runs 3]

Reads and parses the cached synthetic corpus of ``benchmarks.bench`` once, then times
``Matcher.match_many`` with ``time.process_time`` (CPU, not wall: the machine is shared). Each run uses a
new Matcher; the first run is cold (no spelling read before in this process), later ones show the caches.
Compare two versions of the code by running this under each, alternating, in the same minutes.
"""

from __future__ import annotations

import argparse
import json
import time

from benchmarks.bench import corpus, report_files


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from jixiao import pipeline
    from jixiao.read import ReadLimits
    from jixiao.units.match import Matcher
    from jixiao.units.registry import load_registry

    results = [
        pipeline.read_and_parse(i, str(p), ReadLimits()) for i, p in enumerate(report_files(corpus(args.n)))
    ]
    items = [(r.parsed.unit_names, r.text) for r in results if r.parsed is not None and r.text is not None]
    own = [r.parsed.own_names for r in results if r.parsed is not None and r.text is not None]
    registry = load_registry()
    Matcher(registry).match_many(items[:1], own[:1])  # the place index and vocabulary, built once per process
    runs = []
    for _ in range(args.runs):
        matcher = Matcher(registry)
        t0 = time.process_time()
        matched = matcher.match_many(items, own)
        runs.append(time.process_time() - t0)
    auto = sum(m.status == "matched" for m in matched)
    per = [round(r / len(items) * 1000, 4) for r in runs]
    print(json.dumps({"reports": len(items), "matched": auto, "cpu_ms_per_report": per}))


if __name__ == "__main__":
    main()
