"""Benchmark: one corpus, every stage, ratios against a floor measured in the same run.

    .venv/bin/python -m benchmarks.bench [--n 10000] [--workers 0] [--skip-postgres]

Each stage runs in its own subprocess so its wall time and peak RSS are its own. Results are printed as a
table and written to benchmarks/results/bench-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS_ROOT = ROOT / "benchmarks" / "corpus"
RESULTS = ROOT / "benchmarks" / "results"
PG_ADMIN = os.environ.get("JIXIAO_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGETS = {
    "full_sqlite_rps": 200.0,
    "parse_txt_rps_per_core": 1000.0,
    "read_over_floor": 5.0,
    "peak_rss_mib": 1024.0,
    "watch_latency_s": 3.0,
    "scaling_ratio": 2.1,
    "five_seeds_warm_s": 5.0,
    "empty_inbox_s": 3.0,
}


def corpus(n: int, seed: int = 7) -> Path:
    """The cached corpus of ``n`` reports (80 % .txt, 15 % .docx, 5 % .pdf)."""
    from jixiao_dev.synth import SynthConfig, generate_corpus

    # "-ttf": its PDFs embed their CJK font (corpora cached before that are not reused).
    out = CORPUS_ROOT / f"n{n}-s{seed}-ttf"
    done = out / ".complete"
    if not done.exists():
        t0 = time.perf_counter()
        generate_corpus(out, SynthConfig(n=n, seed=seed))
        done.write_text(f"{time.perf_counter() - t0:.1f}s\n")
    return out


FORMAT_FILES = {"pdf": 20, "pdf-noembed": 20, "xlsx": 20, "ofd": 20, "doc": 10, "scan": 3}  # OCR: s a page


def formats_corpus(scale: float, seed: int = 7) -> Path:
    """A small corpus per new format (xlsx, ofd, doc when LibreOffice can write it, scanned PDF)."""
    import shutil as _shutil

    from jixiao_dev.synth import SynthConfig, generate_corpus

    root = CORPUS_ROOT / f"formats-x{scale:g}-s{seed}"
    for fmt, k in FORMAT_FILES.items():
        out = root / fmt
        if fmt == "doc" and not (_shutil.which("soffice") or _shutil.which("libreoffice")):
            continue
        if not (out / ".complete").exists():
            # pdf embeds its CJK font (as Word/WPS exports do); pdf-noembed names a CID font without a file,
            # so PDFium loads a system CJK font per page (the generator's PDFs before they embedded theirs).
            os.environ["JIXIAO_SYNTH_PDF_FONT"] = "cid" if fmt == "pdf-noembed" else "embed"
            kind = {"pdf-noembed": "pdf"}.get(fmt, fmt)
            generate_corpus(out, SynthConfig(n=max(1, int(k * scale)), seed=seed, formats={kind: 1.0}))
            os.environ.pop("JIXIAO_SYNTH_PDF_FONT")
            (out / ".complete").write_text("ok\n")
    return root


def stage_formats(_: list[Path], args: argparse.Namespace) -> int:
    """Read each format's files on their own: ms per file, and per page (what OCR is measured by)."""
    from jixiao.read import read_path

    out: dict[str, dict[str, float]] = {}
    total = 0
    for folder in sorted(Path(args.formats_corpus).iterdir()):
        files = sorted(
            p for p in folder.iterdir() if not p.name.endswith(".json") and not p.name.startswith(".")
        )
        pages = 0
        t0 = time.perf_counter()
        for p in files:
            pages += max(1, len(read_path(p).page_starts))
        wall = time.perf_counter() - t0
        total += len(files)
        out[folder.name] = {
            "n": len(files),
            "pages": pages,
            "ms_per_file": 1000 * wall / max(1, len(files)),
            "ms_per_page": 1000 * wall / max(1, pages),
        }
    print(json.dumps({"formats": out}), file=sys.stderr)
    return total


def report_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".md", ".docx", ".pdf"))


def peak_rss_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


# ------------------------------------------------------------------------------------------- stages (child)


def stage_floor(files: list[Path], _: argparse.Namespace) -> int:
    """Read every file's bytes and decode the text ones: the least any ingest must do."""
    from jixiao.read import read_bytes

    n = 0
    for p in files:
        data = p.read_bytes()
        if p.suffix in (".txt", ".md"):
            read_bytes(data, p.name)
        n += 1
    return n


def stage_read(files: list[Path], _: argparse.Namespace) -> int:
    from jixiao.read import read_path

    for p in files:
        read_path(p)
    return len(files)


def stage_parse(files: list[Path], _: argparse.Namespace) -> int:
    """Parsing alone, on texts read beforehand (only .txt: the per-core parse target is for .txt)."""
    from jixiao.parse import parse_report
    from jixiao.read import read_path

    texts = [read_path(p).text for p in files if p.suffix == ".txt"]
    t0 = time.perf_counter()
    for t in texts:
        parse_report(t)
    print(json.dumps({"inner_s": time.perf_counter() - t0, "inner_n": len(texts)}), file=sys.stderr)
    return len(texts)


def stage_match(files: list[Path], _: argparse.Namespace) -> int:
    from jixiao.parse import parse_report
    from jixiao.read import read_path
    from jixiao.units.match import Matcher
    from jixiao.units.registry import load_registry

    items = []
    for p in files:
        text = read_path(p).text
        items.append((parse_report(text).unit_names, text))
    t0 = time.perf_counter()
    Matcher(load_registry()).match_many(items)
    print(json.dumps({"inner_s": time.perf_counter() - t0, "inner_n": len(items)}), file=sys.stderr)
    return len(items)


def stage_full(files: list[Path], args: argparse.Namespace) -> int:
    """The whole ingest flow (Prefect, GX, database) over a copy of the corpus in a fresh inbox."""
    import shutil

    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    home = Path(args.home)
    inbox = home / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for p in files:
        shutil.copy2(p, inbox / p.name)
    from flows.ingest import ingest

    t0 = time.perf_counter()
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        summary = ingest(home=str(home), database_url=args.db_url, workers=args.workers)
    print(
        json.dumps(
            {
                "inner_s": time.perf_counter() - t0,
                "inner_n": len(files),
                "by_status": summary.get("by_status"),
            }
        ),
        file=sys.stderr,
    )
    return len(files)


STAGES = {
    "floor": stage_floor,
    "read": stage_read,
    "formats": stage_formats,
    "parse": stage_parse,
    "match": stage_match,
    "full": stage_full,
}


def child(args: argparse.Namespace) -> None:
    files = report_files(Path(args.corpus))[: args.limit or None]
    t0 = time.perf_counter()
    n = STAGES[args.stage](files, args)
    wall = time.perf_counter() - t0
    print(json.dumps({"stage": args.stage, "n": n, "wall_s": wall, "peak_rss_mib": peak_rss_mib()}))


# ------------------------------------------------------------------------------------------- orchestration


def run_stage(
    stage: str,
    folder: Path,
    *,
    limit: int = 0,
    db_url: str = "",
    workers: int = 0,
    formats_folder: Path | None = None,
) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    env = {
        **os.environ,
        "GX_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_HOME": str(ROOT / "benchmarks" / ".prefect-home"),
        "TQDM_DISABLE": "1",
        "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    }
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.bench",
        "--child",
        stage,
        "--corpus",
        str(folder),
        "--limit",
        str(limit),
        "--home",
        str(home),
        "--db-url",
        db_url or f"sqlite:///{home / 'bench.db'}",
        "--workers",
        str(workers),
        "--formats-corpus",
        str(formats_folder or ""),
    ]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"stage {stage} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    for line in proc.stderr.splitlines():
        if line.startswith("{") and ("inner_s" in line or '"formats"' in line):
            result.update(json.loads(line))
    return result


@contextlib.contextmanager
def bench_server() -> Iterator[None]:
    """One Prefect server for every full-ingest stage, started before them, so no stage times a server start
    (and none fails Prefect's own 20 s start limit on a loaded machine); an operator's PREFECT_API_URL is used
    as it is."""
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    from jixiao_cli.server import ensure_background_server, stop_background_server

    home = ROOT / "benchmarks" / ".prefect-home"
    os.environ["PREFECT_HOME"] = str(home)
    url, _ = ensure_background_server(home, 600)
    os.environ["PREFECT_API_URL"] = url
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL")
        stop_background_server(home)


def pg_database() -> str | None:
    try:
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        name = f"jixiao_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    except Exception as exc:
        print(f"PostgreSQL not reachable, skipping its full-ingest run: {exc}", file=sys.stderr)
        return None


def drop_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))


def watcher_latency(drops: int = 5) -> list[float]:
    """One file dropped into a watched inbox → its report row committed; seconds per drop."""
    from sqlalchemy import text

    from jixiao.db.engine import get_engine
    from jixiao.watch import watch_inbox

    home = Path(tempfile.mkdtemp(prefix="jixiao-watch-"))
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    db_url = f"sqlite:///{home / 'w.db'}"
    seed = sorted((ROOT / "seeds" / "reports").glob("*.txt"))[0].read_text(encoding="utf-8")
    stop = threading.Event()

    from jixiao import pipeline
    from jixiao.db import repository as repo
    from jixiao.read import ReadLimits
    from jixiao.units.match import Matcher
    from jixiao.units.registry import load_registry

    engine = get_engine(db_url)
    repo.sync_registry(engine, load_registry())
    matcher = Matcher(load_registry())

    def on_batch(paths: list[Path]) -> None:
        # The core pipeline without Prefect: what the watcher triggers, minus the flow-run overhead
        # (reported separately as the full-ingest figures).
        files = [pipeline.describe(p, inbox) for p in paths]
        claimed, _ = repo.claim_files(engine, files, "watch")
        results = pipeline.read_and_parse_many(
            [(c.file_id, str(c.file.path)) for c in claimed], ReadLimits(), 1
        )
        repo.load_batch(
            engine, "watch", list(zip(claimed, results, strict=True)), pipeline.match_many(results, matcher)
        )

    thread = threading.Thread(
        target=watch_inbox, args=(inbox, on_batch), kwargs={"stop_event": stop}, daemon=True
    )
    thread.start()
    time.sleep(1.5)
    latencies = []
    for i in range(drops):
        t0 = time.perf_counter()
        (inbox / f"drop-{i}.txt").write_text(
            seed.replace("综合得分98分", f"综合得分{90 + i}分"), encoding="utf-8"
        )
        while time.perf_counter() - t0 < 30:
            with engine.connect() as conn:
                n = conn.execute(text("select count(*) from report")).scalar_one()
            if n >= i + 1:
                break
            time.sleep(0.02)
        latencies.append(time.perf_counter() - t0)
    stop.set()
    thread.join(timeout=10)
    return latencies


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--skip-scaling", action="store_true")
    ap.add_argument("--skip-startup", action="store_true", help="without the five-seeds and empty-inbox rows")
    ap.add_argument("--skip-readers", action="store_true", help="without the reader comparison table")
    ap.add_argument("--child", choices=sorted(STAGES))
    ap.add_argument("--corpus")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--home")
    ap.add_argument("--db-url", default="")
    ap.add_argument("--formats-corpus", default="")
    ap.add_argument("--formats-scale", type=float, default=1.0, help="files per new format x this (0: skip)")
    ap.add_argument("--only-formats", action="store_true", help="only the read-by-format row")
    return ap.parse_args()


def print_formats(per_format: dict[str, dict[str, float]]) -> None:
    print(f"\n{'read by format':<18}{'files':>7}{'pages':>7}{'ms/file':>10}{'ms/page':>10}")
    for fmt, r in per_format.items():
        print(f"{fmt:<18}{r['n']:>7.0f}{r['pages']:>7.0f}{r['ms_per_file']:>10.1f}{r['ms_per_page']:>10.1f}")


def run_batch(folder: Path, args: argparse.Namespace) -> tuple[dict[str, dict[str, Any]], float | None]:
    """Floor, read, parse, match, full ingest (SQLite, PostgreSQL), and the N/2 run for scaling."""
    n = len(report_files(folder))
    rows: dict[str, dict[str, Any]] = {}
    for stage in ("floor", "read", "parse", "match"):
        rows[stage] = run_stage(stage, folder)
    rows["full_sqlite"] = run_stage("full", folder, workers=args.workers)
    if not args.skip_postgres and (pg := pg_database()):
        try:
            rows["full_postgres"] = run_stage("full", folder, db_url=pg, workers=args.workers)
        finally:
            drop_pg(pg)
    scaling = None
    if not args.skip_scaling:
        half = run_stage("full", folder, limit=n // 2, workers=args.workers)
        scaling = rows["full_sqlite"]["wall_s"] / half["wall_s"]
        rows["full_sqlite_half"] = half
    return rows, scaling


def stage_table(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    floor = rows["floor"]["wall_s"]
    table = []
    for name, r in rows.items():
        secs = r.get("inner_s", r["wall_s"])
        count = r.get("inner_n", r["n"])
        table.append(
            {
                "stage": name,
                "n": count,
                "wall_s": round(secs, 3),
                "per_s": round(count / secs, 1),
                "peak_rss_mib": round(r["peak_rss_mib"], 1),
                "vs_floor": round(r["wall_s"] / floor, 2),
            }
        )
    return table


def judge(
    rows: dict[str, dict[str, Any]], scaling: float | None, latencies: list[float], startup: dict[str, Any]
) -> dict[str, tuple[float, bool]]:
    """Every target with its measured value and whether it is met."""
    parse = rows["parse"]
    parse_rps_core = parse["inner_n"] / parse["inner_s"]
    full = rows["full_sqlite"]
    full_rps = full["inner_n"] / full["inner_s"]
    values = {
        "full_sqlite_rps": full_rps,
        "parse_txt_rps_per_core": parse_rps_core,
        "peak_rss_mib": full["peak_rss_mib"],
        "watch_latency_s": statistics.median(latencies),
        # The serial read of every file against reading its bytes and decoding the text ones, same run.
        "read_over_floor": rows["read"]["wall_s"] / rows["floor"]["wall_s"],
    }
    if scaling is not None:
        values["scaling_ratio"] = scaling
    if startup:
        values["five_seeds_warm_s"] = startup["five_seeds_warm_s"]
        values["empty_inbox_s"] = startup["empty_inbox_s"]
    at_least = {"full_sqlite_rps", "parse_txt_rps_per_core"}
    verdicts = {k: (v, v >= TARGETS[k] if k in at_least else v <= TARGETS[k]) for k, v in values.items()}
    if startup:
        got, want = startup["flow_runs_recorded"], startup["flow_runs_expected"]
        verdicts["five_seeds_runs_recorded"] = (float(got), got >= want)
    return verdicts


def print_report(
    table: list[dict[str, Any]], verdicts: dict[str, tuple[float, bool]], header: str, extras: dict[str, Any]
) -> None:
    print(f"\n{header}\n")
    print(f"{'stage':<18}{'n':>7}{'wall s':>10}{'per s':>10}{'RSS MiB':>10}{'×floor':>9}")
    for t in table:
        print(
            f"{t['stage']:<18}{t['n']:>7}{t['wall_s']:>10}{t['per_s']:>10}{t['peak_rss_mib']:>10}{t['vs_floor']:>9}"
        )
    if extras.get("read_by_format"):
        print_formats(extras["read_by_format"])
    if extras.get("startup"):
        from benchmarks.startup import print_rows

        print_rows(extras["startup"])
    if extras.get("readers"):
        from benchmarks.readers import print_table, verdict

        print_table(extras["readers"])
        print(verdict(extras["readers"]))
    print()
    for key, (value, ok) in verdicts.items():
        target = TARGETS.get(key, "all runs")
        print(f"{'MET   ' if ok else 'MISSED'} {key}: {value:.2f} (target {target})")


def main() -> None:
    args = parse_args()
    if args.child:
        args.stage = args.child
        child(args)
        return
    if args.only_formats:
        fmt_folder = formats_corpus(args.formats_scale)
        print_formats(run_stage("formats", fmt_folder, formats_folder=fmt_folder)["formats"])
        return
    folder = corpus(args.n)
    n = len(report_files(folder))
    cores = len(os.sched_getaffinity(0))
    with bench_server():
        rows, scaling = run_batch(folder, args)
    latencies = watcher_latency()
    extras: dict[str, Any] = {"read_by_format": {}, "startup": {}, "readers": {}}
    if args.formats_scale > 0:
        fmt_folder = formats_corpus(args.formats_scale)
        extras["read_by_format"] = run_stage("formats", folder, limit=1, formats_folder=fmt_folder)["formats"]
    if not args.skip_startup:
        from benchmarks.startup import stage_startup

        extras["startup"] = stage_startup()
    if not args.skip_readers:
        from benchmarks.readers import stage_readers

        extras["readers"] = stage_readers(folder)
    table = stage_table(rows)
    verdicts = judge(rows, scaling, latencies, extras["startup"])
    load = os.getloadavg()
    header = f"corpus: {n} reports in {folder} · {cores} core(s) · load average {load[0]:.1f} at the end"
    print_report(table, verdicts, header, extras)
    floor = rows["floor"]["wall_s"]
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    result = {
        "n": n,
        "cores": cores,
        "load_average": load,
        "stages": table,
        **extras,
        "watch_latencies_s": latencies,
        "scaling_ratio": scaling,
        "ratios": {
            "full_over_floor": rows["full_sqlite"]["wall_s"] / floor,
            "parse_over_floor": rows["parse"]["wall_s"] / floor,
        },
        "verdicts": {k: {"value": v, "met": ok, "target": TARGETS.get(k)} for k, (v, ok) in verdicts.items()},
    }
    out.write_text(json.dumps(result, indent=2, default=str))
    print(f"\nwritten: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
