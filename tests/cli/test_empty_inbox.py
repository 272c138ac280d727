"""An empty inbox answers at once: no Prefect, Great Expectations or pandas import on the path that does nothing.

Each case runs the real command in a fresh interpreter (a small driver around ``jixiao_cli.main.main``) and
reads ``sys.modules`` after it. Time, interpreter start included: the CPU the process used is asserted
(load-independent: about 0.4 s measured; importing Prefect alone costs more than ``CPU_BUDGET_S``), and its
wall time against a generous ``WALL_BUDGET_S`` (the shared 2-core test machine, under a load of 9, took
1.9-5.4 s of wall for 0.4 s of CPU; an idle machine answers in about 0.5 s, well under the 3 s asked).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import ROOT

HEAVY = ("prefect", "great_expectations", "pandas")
OCR_ENGINE = ("rapidocr", "onnxruntime", "cv2")  # imported by the OCR worker only, even with the flow loaded
CPU_BUDGET_S = 1.5
WALL_BUDGET_S = 10.0

DRIVER = """
import json, os, sys
for name in filter(None, os.environ.get("PREIMPORT", "").split(",")):
    __import__(name)
from jixiao_cli.main import main
sys.argv = ["jixiao", *json.loads(os.environ["ARGS"])]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
with open(os.environ["RESULT"], "w") as out:
    json.dump({"code": code, "loaded": sorted(m for m in json.loads(os.environ["HEAVY"]) if m in sys.modules)}, out)
"""


def child_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_driver(
    tmp_path: Path, args: list[str], preimport: str = "", extra_env: bool = False
) -> tuple[dict[str, object], tuple[float, float], str]:
    """Run the command in a fresh interpreter; (its exit code and heavy modules, (wall, CPU) s, stdout)."""
    result = tmp_path / "result.json"
    keep = ("JIXIAO_PREFECT_START_TIMEOUT_S",) if extra_env else ()
    env = {
        **{k: v for k, v in os.environ.items() if k in keep or not k.startswith(("JIXIAO_", "PREFECT_"))},
        "ARGS": json.dumps(args),
        "RESULT": str(result),
        "HEAVY": json.dumps(HEAVY + OCR_ENGINE),
        "PREIMPORT": preimport,
    }
    t0, cpu0 = time.perf_counter(), child_cpu_s()
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    seconds = (time.perf_counter() - t0, child_cpu_s() - cpu0)
    assert proc.returncode == 0, proc.stderr
    return json.loads(result.read_text()), seconds, proc.stdout


@pytest.mark.parametrize(
    ("args", "preimport", "expect_loaded"),
    [
        pytest.param(["ingest"], "", [], id="empty-inbox-imports-no-prefect-gx-pandas"),
        pytest.param(["ingest", "--format", "json"], "", [], id="empty-inbox-json-imports-none-either"),
        pytest.param(["ingest", "EMPTY_DIR"], "", [], id="empty-folder-given-imports-none"),
        # The detector itself: the flow module, once imported, brings all three in (so [] above means absent).
        pytest.param(
            ["ingest"], "flows.ingest", list(HEAVY), id="detector-sees-them-when-the-flow-is-imported"
        ),
    ],
)
def test_nothing_to_do_imports_nothing_heavy(
    tmp_path: Path, args: list[str], preimport: str, expect_loaded: list[str]
) -> None:
    home = tmp_path / "home"
    empty = tmp_path / "empty"
    empty.mkdir()
    argv = [str(empty) if a == "EMPTY_DIR" else a for a in args] + ["--home", str(home)]
    outcome, seconds, stdout = run_driver(tmp_path, argv, preimport)
    assert outcome["code"] == 0
    assert outcome["loaded"] == sorted(expect_loaded)
    if "--format" in args:
        assert json.loads(stdout) == {"files_seen": 0, "by_status": {}}
    else:
        assert "is empty: nothing to ingest" in stdout
    if not preimport:
        wall, cpu = seconds
        print(f"{' '.join(args)}: {wall:.2f} s wall, {cpu:.2f} s CPU")
        assert cpu < CPU_BUDGET_S, f"an empty inbox used {cpu:.2f} s of CPU to answer"
        assert wall < WALL_BUDGET_S, f"an empty inbox took {wall:.2f} s to answer"


def test_a_waiting_file_is_not_nothing_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The failing case beside: a file in the inbox is work, so the command goes for Prefect (here given one
    second to start its server, which it cannot: a one-line error, exit 1) instead of answering "empty"."""
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    (home / "inbox" / "r.txt").write_text("2022年度某县科协部门整体支出绩效自评报告", encoding="utf-8")
    monkeypatch.setenv("JIXIAO_PREFECT_START_TIMEOUT_S", "0")
    outcome, _, stdout = run_driver(tmp_path, ["ingest", "--home", str(home)], extra_env=True)
    assert outcome["code"] == 1
    assert "prefect" in outcome["loaded"]  # type: ignore[operator]  # a list from the driver's JSON
    assert "nothing to ingest" not in stdout


@pytest.mark.usefixtures("prefect_api")
@pytest.mark.parametrize(
    ("change_one", "expect_code", "expect_prefect"),
    [
        pytest.param(False, 0, False, id="all-processed-before-files-away-without-prefect"),
        # The failing case beside: one file's bytes changed, so it is new work and a run is needed.
        pytest.param(True, 1, True, id="one-changed-file-needs-a-run"),
    ],
)
def test_redelivered_files_need_no_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change_one: bool, expect_code: int, expect_prefect: bool
) -> None:
    from typer.testing import CliRunner

    from jixiao_cli.main import app

    home = tmp_path / "home"
    drop = tmp_path / "drop"
    drop.mkdir()
    for p in sorted((ROOT / "seeds" / "reports").glob("*.txt")):
        (drop / p.name).write_bytes(p.read_bytes())
    first = CliRunner().invoke(app, ["ingest", str(drop), "--home", str(home), "--workers", "1"])
    assert first.exit_code == 0, first.output
    if change_one:
        changed = sorted(drop.glob("*.txt"))[0]
        changed.write_text(changed.read_text(encoding="utf-8") + "\n补充说明。", encoding="utf-8")
    for p in drop.glob("*.txt"):  # delivered a while ago: complete, not being written
        os.utime(p, (time.time() - 60, time.time() - 60))
    monkeypatch.setenv("JIXIAO_PREFECT_START_TIMEOUT_S", "0")
    outcome, (wall, cpu), stdout = run_driver(
        tmp_path, ["ingest", str(drop), "--home", str(home)], extra_env=True
    )
    assert outcome["code"] == expect_code
    assert ("prefect" in outcome["loaded"]) is expect_prefect  # type: ignore[operator]  # a JSON list
    left = sorted(p.name for p in (home / "inbox").rglob("*") if p.is_file())
    if expect_prefect:
        assert left  # the run did not happen: the files wait in the inbox for the next one
        return
    print(f"re-delivered seeds: {wall:.2f} s wall, {cpu:.2f} s CPU")
    assert "nothing new" in stdout and left == []
    assert not {"great_expectations", "pandas"} & set(outcome["loaded"])  # type: ignore[arg-type]
    files = CliRunner().invoke(app, ["files", "--home", str(home), "--format", "json"])
    assert sorted(r["status"] for r in json.loads(files.output)) == ["loaded"] * 5
