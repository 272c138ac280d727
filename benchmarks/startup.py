"""The everyday case: `jixiao ingest` of the five seed files, and of an empty inbox, as an operator runs it.

Each row is the wall time of the real command in its own process (the console script of this venv), with no
PREFECT_API_URL: the first command starts the background Prefect server and the jixiao runner beside it
(cold), the next ones send their run to the runner (warm). Beside the wall time, each row gives the CPU
seconds of the command's own process (what the machine's load does not inflate) and the load average; the
warm row also gives the CPU of the run inside the runner (from its log). For comparison, the same warm run
in the command's own process (JIXIAO_RUNNER=off, the design before the runner) is timed in the same minutes.
The floor is the interpreter importing Prefect and Great Expectations, measured in the same run: what any
ingest in a new process paid before it read a byte. After the runs, the server's API is asked for the flow
runs, so the record the UI shows is checked too. The server and the runner are stopped at the end.
"""

from __future__ import annotations

import json
import os
import re
import resource
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


def _children_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    cpu0 = _children_cpu()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)
    wall = time.perf_counter() - t0
    _CPU.append(_children_cpu() - cpu0)  # the command and what it waited for (not the detached runner)
    _LOAD.append(os.getloadavg()[0])
    if proc.returncode not in (0, 1):  # 1: a run with DQ errors, which the seeds may have
        raise RuntimeError(f"{' '.join(cmd[-4:])} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return wall, proc


_CPU: list[float] = []
_LOAD: list[float] = []


def _runner_cpu(home: Path) -> list[float]:
    """CPU seconds of each run made inside the runner, from its log."""
    log = home / "prefect" / "jixiao-runner.log"
    text = log.read_text(errors="replace") if log.exists() else ""
    return [float(x) for x in re.findall(r"run in pid \d+: [\d.]+ s wall, ([\d.]+) s CPU", text)]


def _flow_runs(api_url: str) -> int:
    req = urllib.request.Request(
        f"{api_url}/flow_runs/count", data=b"{}", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as resp:  # the benchmark's own local server
        return int(json.loads(resp.read()))


def _row(walls: list[float], cpus: list[float], loads: list[float]) -> dict[str, float]:
    return {
        "wall_s": statistics.median(walls),
        "client_cpu_s": statistics.median(cpus),
        "load": statistics.median(loads),
    }


def stage_startup(repeats: int = 3) -> dict[str, Any]:
    """Floor, cold five seeds, warm five seeds (median of ``repeats``; runner and in-process alternating),
    empty inbox (median)."""
    home = Path(tempfile.mkdtemp(prefix="jixiao-bench-startup-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "JIXIAO_"))}
    env |= {"JIXIAO_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    seeds = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    rows: dict[str, dict[str, list[float]]] = {}

    def timed(row: str, cmd: list[str], run_env: dict[str, str]) -> float:
        wall = _timed(cmd, run_env)[0]
        got = rows.setdefault(row, {"wall": [], "cpu": [], "load": []})
        got["wall"].append(wall)
        got["cpu"].append(_CPU[-1])
        got["load"].append(_LOAD[-1])
        return wall

    def five(row: str, tag: str, run_env: dict[str, str]) -> float:
        db = f"sqlite:///{home / f'{tag}.db'}"  # a fresh database: the five files are new each time
        return timed(row, [*_cli(), "ingest", *seeds, "--format", "json", "--database-url", db], run_env)

    for _ in range(repeats):
        timed("floor", [sys.executable, "-c", "import prefect, great_expectations"], env)
    try:
        five("cold", "cold", env)
        for i in range(repeats):  # alternating, so both see the same minutes of the machine's load
            five("warm", f"warm{i}", env)
            five("in_process", f"inproc{i}", {**env, "JIXIAO_RUNNER": "off"})
        for f in (home / "inbox").iterdir():
            f.unlink()
        for _ in range(repeats):
            timed("empty", [*_cli(), "ingest", "--format", "json"], env)
        state = json.loads((home / "prefect" / "jixiao-server.json").read_text())
        runs = _flow_runs(state["api_url"])
        in_runner = _runner_cpu(home)
    finally:
        subprocess.run([*_cli(), "server", "stop"], env=env, capture_output=True, check=False, timeout=120)
        shutil.rmtree(home, ignore_errors=True)
    table = {k: _row(v["wall"], v["cpu"], v["load"]) for k, v in rows.items()}
    return {
        "floor_import_s": table["floor"]["wall_s"],
        "five_seeds_cold_s": table["cold"]["wall_s"],
        "five_seeds_warm_s": table["warm"]["wall_s"],
        "five_seeds_warm_all_s": rows["warm"]["wall"],
        "five_seeds_in_process_s": table["in_process"]["wall_s"],
        "empty_inbox_s": table["empty"]["wall_s"],
        "rows": table,
        "runner_run_cpu_s": statistics.median(in_runner[1:] or in_runner or [float("nan")]),
        "flow_runs_recorded": runs,
        "flow_runs_expected": 1 + 2 * repeats,
    }


def print_rows(r: dict[str, Any]) -> None:
    floor = r["floor_import_s"]
    print(f"\n{'start-up (jixiao ingest)':<44}{'wall s':>8}{'×floor':>8}{'cmd CPU s':>11}{'load':>7}")
    for key, label in (
        ("floor", "floor: import prefect + GX"),
        ("cold", "five seeds, server + runner cold"),
        ("warm", "five seeds, warm, via the runner (median)"),
        ("in_process", "five seeds, warm, in-process (median)"),
        ("empty", "empty inbox (median)"),
    ):
        row = r["rows"][key]
        print(
            f"{label:<44}{row['wall_s']:>8.2f}{row['wall_s'] / floor:>8.2f}"
            f"{row['client_cpu_s']:>11.2f}{row['load']:>7.1f}"
        )
    print(f"CPU of a warm run inside the runner (median): {r['runner_run_cpu_s']:.2f} s")
    print(f"flow runs recorded in the server's API: {r['flow_runs_recorded']} of {r['flow_runs_expected']}")


if __name__ == "__main__":
    res = stage_startup()
    print_rows(res)
