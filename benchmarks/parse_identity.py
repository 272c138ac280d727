"""Dump what the read/parse worker makes of each file, to compare two versions of the code exactly.

    PYTHONPATH=/work/main/src /work/main/.venv/bin/python benchmarks/parse_identity.py dump old.pickle DIR...
    .venv/bin/python benchmarks/parse_identity.py dump new.pickle DIR...
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


def dump(target: Path, dirs: list[Path]) -> None:
    from jixiao.pipeline import read_and_parse
    from jixiao.read import ReadLimits

    limits = ReadLimits(ocr=False)
    results = {str(p): repr(read_and_parse(0, str(p), limits)) for p in inputs(dirs)}
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
    c = sub.add_parser("compare")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.target, args.dirs)
    else:
        sys.exit(compare(args.old, args.new))


if __name__ == "__main__":
    main()
