"""Our reader beside the readers users would reach for instead (markitdown, kreuzberg), on the same files.

For each reader and format: ms per file (after one warm-up file) and field accuracy of our parser over the
reader's text, scored against the generator's truth. Ours hands the parser its tables and page starts too,
as the pipeline does; the others give text (markdown) only, which is what a switch would give the parser.
The comparison readers are the optional extra ``bench`` (``pip install -c constraints.txt -e ".[bench]"``);
a reader that is not installed is shown as such, not skipped silently.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PER_FORMAT = {".txt": 40, ".docx": 20, ".pdf": 20}


def _ours(path: Path) -> Any:
    from jixiao.parse import parse_report
    from jixiao.read import read_path

    doc = read_path(path)
    return lambda: parse_report(doc.text, page_of=doc.page_of if doc.page_starts else None, tables=doc.tables)


def _markitdown() -> Callable[[Path], Any]:
    from markitdown import MarkItDown

    md = MarkItDown(enable_plugins=False)

    def read(path: Path) -> Any:
        text = md.convert(str(path)).text_content
        return lambda: _parse_text(text)

    return read


def _kreuzberg() -> Callable[[Path], Any]:
    import kreuzberg

    def read(path: Path) -> Any:
        text = kreuzberg.extract_file_sync(str(path)).content
        return lambda: _parse_text(text)

    return read


def _parse_text(text: str) -> Any:
    from jixiao.parse import parse_report

    return parse_report(text)


READERS: dict[str, Callable[[], Callable[[Path], Any]]] = {
    "jixiao": lambda: _ours,
    "markitdown": _markitdown,
    "kreuzberg": _kreuzberg,
}


def sample(folder: Path) -> dict[str, list[Path]]:
    """The first files of each format (with their truth) in the benchmark corpus."""
    out: dict[str, list[Path]] = {}
    for suffix, k in PER_FORMAT.items():
        files = sorted(p for p in folder.iterdir() if p.suffix == suffix)
        out[suffix.lstrip(".")] = [p for p in files if p.with_name(p.name + ".truth.json").is_file()][:k]
    return out


def measure_reader(name: str, files: dict[str, list[Path]]) -> dict[str, dict[str, Any]]:
    """ms per file and field accuracy, per format, for one reader."""
    from jixiao_dev.synth import load_truth
    from jixiao_dev.synth.accuracy import evaluate, extracted

    try:
        read = READERS[name]()
    except ImportError as exc:
        return {fmt: {"error": f"not installed ({exc.name}): pip install -e '.[bench]'"} for fmt in files}
    out: dict[str, dict[str, Any]] = {}
    for fmt, paths in files.items():
        if not paths:
            continue
        try:
            read(paths[0])  # warm-up: imports, models, caches
            parse_later = []
            t0 = time.perf_counter()
            for p in paths:
                parse_later.append(read(p))
            wall = time.perf_counter() - t0
        except Exception as exc:  # a reader that fails on a format is a result, not a crash
            out[fmt] = {"error": f"{type(exc).__name__}: {str(exc)[:120]}"}
            continue
        pairs = [
            ({**load_truth(p), "file": p.name}, extracted(parse()))
            for p, parse in zip(paths, parse_later, strict=True)
        ]
        report = evaluate(pairs, keep_examples=0)
        out[fmt] = {"n": len(paths), "ms_per_file": 1000 * wall / len(paths), "accuracy": report.overall}
    return out


def stage_readers(folder: Path) -> dict[str, Any]:
    files = sample(folder)
    return {name: measure_reader(name, files) for name in READERS}


def print_table(result: dict[str, Any]) -> None:
    print(f"\n{'reader':<12}{'format':>7}{'files':>7}{'ms/file':>10}{'fields right':>14}")
    for reader, per_format in result.items():
        for fmt, r in per_format.items():
            if "error" in r:
                print(f"{reader:<12}{fmt:>7}   {r['error']}")
            else:
                print(f"{reader:<12}{fmt:>7}{r['n']:>7}{r['ms_per_file']:>10.1f}{r['accuracy']:>14.2%}")


def verdict(result: dict[str, Any]) -> str:
    """One line: is another reader faster at equal fidelity on any format?"""
    ours = result.get("jixiao", {})
    better = []
    for reader, per_format in result.items():
        if reader == "jixiao":
            continue
        for fmt, r in per_format.items():
            mine = ours.get(fmt, {})
            if "error" in r or "error" in mine:
                continue
            if r["accuracy"] >= mine["accuracy"] - 1e-9 and r["ms_per_file"] < mine["ms_per_file"]:
                better.append(f"{reader} on {fmt}")
    if better:
        return "faster at equal fidelity: " + ", ".join(better) + " (switching readers is a later decision)"
    return "no other reader is faster at equal fidelity on any format: ours stays"


if __name__ == "__main__":
    res = stage_readers(Path(sys.argv[1]))
    print(json.dumps(res))
