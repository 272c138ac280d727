"""Dump what the read/parse worker makes of each file, to compare two versions of the code exactly.

    PYTHONPATH=/work/main/src /work/main/.venv/bin/python benchmarks/parse_identity.py dump old.pickle DIR...
    .venv/bin/python benchmarks/parse_identity.py dump new.pickle DIR...
    .venv/bin/python benchmarks/parse_identity.py dump --reverse new-reversed.pickle DIR...
    .venv/bin/python benchmarks/parse_identity.py dump --workers 2 new-pooled.pickle DIR...
    .venv/bin/python benchmarks/parse_identity.py compare old.pickle new.pickle

Each file's ``read_and_parse`` result (text, fingerprints, every parsed value with its evidence, the reason of a
refusal) is kept as its ``repr``: dataclasses, Decimals and dicts print every field in order, so equal reprs are
equal outputs, down to the order of the facts. OCR is off (a scan is deferred, as in the worker pool).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

SKIP = (".json", ".pickle")


def inputs(dirs: list[Path]) -> list[Path]:
    out: list[Path] = []
    for d in dirs:
        if d.is_file():
            out.append(d)
            continue
        out += sorted(
            p
            for p in d.rglob("*")
            if p.is_file() and not p.name.endswith(SKIP) and not p.name.startswith(".")
        )
    return out


def dump(target: Path, dirs: list[Path], reverse: bool = False, workers: int = 1) -> None:
    from jixiao.pipeline import read_and_parse, read_and_parse_many
    from jixiao.read import ReadLimits

    limits = ReadLimits(ocr=False)
    files = inputs(dirs)
    if workers > 1:  # the pipeline's worker pool: fresh processes, each with the chunks it is given
        items = [(0, str(p)) for p in files]
        pooled = read_and_parse_many(items, limits, workers)
        target.write_bytes(pickle.dumps({str(p): repr(r) for p, r in zip(files, pooled, strict=True)}))
        print(f"{len(files)} files -> {target} ({workers} worker processes)")
        return
    # State one report leaves behind (a cache returning another, equal text's object where the code compares
    # objects) changes what a later one gets: --reverse reads every file once, then records them read again
    # in reverse order, so each one is read after every other and after itself.
    if reverse:
        for p in files:
            read_and_parse(0, str(p), limits)
    results = {str(p): repr(read_and_parse(0, str(p), limits)) for p in (files[::-1] if reverse else files)}
    target.write_bytes(pickle.dumps(results))
    print(f"{len(results)} files -> {target}")


def compare(old_path: Path, new_path: Path) -> int:
    old = pickle.loads(old_path.read_bytes())
    new = pickle.loads(new_path.read_bytes())
    missing = sorted(set(old) ^ set(new))
    differ = sorted(k for k in set(old) & set(new) if old[k] != new[k])
    for k in differ[:5]:
        a, b = old[k], new[k]
        i = next((j for j in range(min(len(a), len(b))) if a[j] != b[j]), min(len(a), len(b)))
        print(f"DIFFERS {k}\n  old: …{a[max(0, i - 150) : i + 150]}\n  new: …{b[max(0, i - 150) : i + 150]}")
    refused = sum("reason=None" not in v for v in old.values())
    print(
        f"{len(old)} old, {len(new)} new, {len(missing)} in one only, {len(differ)} differ, "
        f"{len(old) - len(differ)} identical ({refused} of them refused or deferred by both)"
    )
    return 1 if missing or differ else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("target", type=Path)
    d.add_argument("dirs", type=Path, nargs="+")
    d.add_argument("--reverse", action="store_true", help="read every file once, then again in reverse order")
    d.add_argument("--workers", type=int, default=1, help="read them in the pipeline's worker processes")
    c = sub.add_parser("compare")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.target, args.dirs, args.reverse, args.workers)
    else:
        sys.exit(compare(args.old, args.new))


if __name__ == "__main__":
    main()
