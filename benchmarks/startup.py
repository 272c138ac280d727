"""The everyday case: `jixiao ingest` of the five seed files, and of an empty inbox, as an operator runs it.

Each row is the wall time of the real command in its own process (the console script of this venv), with no
PREFECT_API_URL: the first command starts the background Prefect server (cold), the next ones reuse it (warm).
The floor is the interpreter importing Prefect and Great Expectations, measured in the same run: what any
ingest in a new process pays before it reads a byte. After the runs, the server's API is asked for the flow
runs, so the record the UI shows is checked too. The server is stopped at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds" / "reports"


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("jixiao")
    return [str(script)] if script.exists() else [sys.executable, "-m", "jixiao_cli.main"]


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):  # 1: a run with DQ errors, which the seeds may have
        raise RuntimeError(f"{' '.join(cmd[-4:])} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return wall, proc


def _flow_runs(api_url: str) -> int:
    req = urllib.request.Request(
        f"{api_url}/flow_runs/count", data=b"{}", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:  # the benchmark's own local server
        return int(json.loads(resp.read()))


def stage_startup(repeats: int = 3) -> dict[str, Any]:
    """Floor, cold five seeds, warm five seeds (median of ``repeats``), empty inbox (median)."""
    home = Path(tempfile.mkdtemp(prefix="jixiao-bench-startup-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "JIXIAO_"))}
    env |= {"JIXIAO_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    seeds = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    floor = [
        _timed([sys.executable, "-c", "import prefect, great_expectations"], env)[0] for _ in range(repeats)
    ]

    def five(tag: str) -> float:
        db = f"sqlite:///{home / f'{tag}.db'}"  # a fresh database: the five files are new each time
        return _timed([*_cli(), "ingest", *seeds, "--format", "json", "--database-url", db], env)[0]

    try:
        cold = five("cold")
        warm = [five(f"warm{i}") for i in range(repeats)]
        for f in (home / "inbox").iterdir():
            f.unlink()
        empty = [_timed([*_cli(), "ingest", "--format", "json"], env)[0] for _ in range(repeats)]
        state = json.loads((home / "prefect" / "jixiao-server.json").read_text())
        runs = _flow_runs(state["api_url"])
    finally:
        subprocess.run([*_cli(), "server", "stop"], env=env, capture_output=True, check=False, timeout=120)
        shutil.rmtree(home, ignore_errors=True)
    return {
        "floor_import_s": statistics.median(floor),
        "five_seeds_cold_s": cold,
        "five_seeds_warm_s": statistics.median(warm),
        "five_seeds_warm_all_s": warm,
        "empty_inbox_s": statistics.median(empty),
        "flow_runs_recorded": runs,
        "flow_runs_expected": 1 + repeats,
    }


def print_rows(r: dict[str, Any]) -> None:
    floor = r["floor_import_s"]
    print(f"\n{'start-up (jixiao ingest)':<34}{'wall s':>9}{'×floor':>9}")
    for key, label in (
        ("floor_import_s", "floor: import prefect + GX"),
        ("five_seeds_cold_s", "five seeds, server cold"),
        ("five_seeds_warm_s", "five seeds, server up (median)"),
        ("empty_inbox_s", "empty inbox (median)"),
    ):
        print(f"{label:<34}{r[key]:>9.2f}{r[key] / floor:>9.2f}")
    print(f"flow runs recorded in the server's API: {r['flow_runs_recorded']} of {r['flow_runs_expected']}")


if __name__ == "__main__":
    res = stage_startup()
    print_rows(res)
