"""The resident jixiao runner (issue 18): a warm `jixiao ingest` runs in it and prints what an in-process run
prints, recorded in the Prefect API; a run killed mid-way falls back and loses no file; other settings
replace the runner; two commands at once stay safe. Real processes throughout: the CLI, the runner (started
by `jixiao server start`), the background Prefect server, SQLite files."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from jixiao_cli import runner_state
from tests.deployments.test_server_reuse import env_home, jixiao, runners_of
from tests.support import seed_paths

__all__ = ["env_home"]  # the fixture, shared with test_server_reuse
pytestmark = pytest.mark.slow
Started = tuple[dict[str, str], Path, dict[str, Any]]


@pytest.fixture
def started(env_home: tuple[dict[str, str], Path]) -> Iterator[Started]:
    env, home = env_home
    out = jixiao(env, "server", "start")
    assert out.returncode == 0 and "jixiao runner (pid" in out.stdout, out.stdout + out.stderr
    runner = json.loads((home / "prefect" / runner_state.STATE_FILE).read_text())
    yield env, home, runner
    jixiao(env, "server", "stop")


def runs_in_log(home: Path) -> int:
    log = home / "prefect" / runner_state.LOG_FILE
    return log.read_text(errors="replace").count("jixiao runner: run in pid") if log.exists() else 0


def flow_run(api_url: str, flow_run_id: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{api_url}/flow_runs/{flow_run_id}", timeout=30) as resp:  # our own server
        run: dict[str, Any] = json.loads(resp.read())
    return run


def ingest_cmd(env: dict[str, str], *args: str) -> list[str]:
    return [sys.executable, "-m", "jixiao_cli.main", "ingest", *args]


def masked(text: str) -> str:
    """Output with what differs between two runs of the same files masked: run ids, seconds."""
    text = re.sub(r"\d{8}T\d{6}-[0-9a-f]{6}", "RUN", text)
    return re.sub(r"· \d+\.\d s", "· S s", text)


def test_runner_run_prints_what_an_in_process_run_prints_and_is_recorded(started: Started) -> None:
    env, home, runner = started
    seeds = [str(p) for p in seed_paths()]
    outputs = {}
    for mode in ("runner", "off"):
        run_env = env if mode == "runner" else {**env, "JIXIAO_RUNNER": "off"}
        before = runs_in_log(home)
        db = f"sqlite:///{home / f'{mode}.db'}"
        out = jixiao(run_env, "ingest", *seeds, "--database-url", db, "--progress")
        assert out.returncode == 0, out.stderr
        assert runs_in_log(home) - before == (1 if mode == "runner" else 0)  # where it ran
        outputs[mode] = (masked(out.stdout), masked(out.stderr))
        as_json = jixiao(run_env, "runs", "--database-url", db, "--format", "json")
        assert as_json.returncode == 0, as_json.stderr
    assert "files: 5 seen · 5 loaded" in outputs["runner"][0]
    assert "parse     5/5 · S s" in outputs["runner"][1]  # the progress lines came back from the runner
    assert outputs["runner"] == outputs["off"]
    # --format json through the runner: the summary, and the flow run it names is in the Prefect API.
    shutil.copy2(seeds[0], home / "inbox")
    out = jixiao(env, "ingest", "--format", "json", "--database-url", f"sqlite:///{home / 'json.db'}")
    summary = json.loads(out.stdout)
    assert summary["by_status"] == {"loaded": 1} and summary["state"] == "Completed"
    recorded = flow_run(runner["api_url"], summary["flow_run_id"])
    assert recorded["state_type"] == "COMPLETED" and recorded["name"].startswith("ingest-")


def _wait_for_run(runner_pid: int, alive_s: float) -> psutil.Process:
    """The runner's forked run, once it has run ``alive_s`` (claimed its files, parsing or checking)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        kids = psutil.Process(runner_pid).children()
        if kids and time.time() - kids[0].create_time() >= alive_s:
            return kids[0]
        time.sleep(0.02)
    raise AssertionError("the runner forked no run")


@pytest.mark.parametrize(
    ("victim", "falls_back"),
    [
        pytest.param("run", True, id="forked-run-killed-the-command-falls-back"),
        pytest.param("runner", False, id="runner-killed-its-forked-run-still-answers"),
    ],
)
def test_killed_mid_way_no_file_is_lost(started: Started, victim: str, falls_back: bool) -> None:
    env, home, runner = started
    for p in seed_paths():
        shutil.copy2(p, home / "inbox")
    proc = subprocess.Popen(
        ingest_cmd(env, "--format", "json"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    run = _wait_for_run(int(runner["pid"]), alive_s=1.0)
    os.kill(run.pid if victim == "run" else int(runner["pid"]), signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert ("running the ingest in this process" in err) is falls_back, err
    assert "run_id" in json.loads(out)  # one summary on stdout, the fallback's or the runner's
    files = json.loads(jixiao(env, "files", "--format", "json").stdout)
    assert sorted(f["status"] for f in files) == ["loaded"] * 5, files
    assert not list((home / "inbox").iterdir())
    if not falls_back:  # the next run starts a new runner: one runner of this home, never two
        before = runs_in_log(home)
        fresh = f"sqlite:///{home / 'again.db'}"  # the seed is new to this database: a real run
        again = jixiao(env, "ingest", str(seed_paths()[0]), "--format", "json", "--database-url", fresh)
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout)["by_status"] == {"loaded": 1}
        assert runs_in_log(home) == before + 1
        now = json.loads((home / "prefect" / runner_state.STATE_FILE).read_text())["pid"]
        assert now != runner["pid"] and runners_of((home / "prefect").resolve()) == [now]


@pytest.mark.parametrize(
    ("extra", "replaced"),
    [
        pytest.param({}, False, id="same-settings-same-runner"),
        pytest.param({"PREFECT_LOGGING_LEVEL": "INFO"}, True, id="other-prefect-settings-runner-replaced"),
    ],
)
def test_runner_is_replaced_when_its_key_differs(
    started: Started, extra: dict[str, str], replaced: bool
) -> None:
    env, home, runner = started
    shutil.copy2(seed_paths()[1], home / "inbox")
    out = jixiao({**env, **extra}, "ingest", "--format", "json")
    assert out.returncode == 0, out.stderr
    now = json.loads((home / "prefect" / runner_state.STATE_FILE).read_text())
    assert (now["pid"] != runner["pid"]) is replaced
    assert runners_of((home / "prefect").resolve()) == [now["pid"]]
    assert json.loads(out.stdout)["by_status"] == {"loaded": 1}


def test_two_commands_at_once_process_each_file_once(started: Started) -> None:
    env, home, _ = started
    for p in seed_paths():
        shutil.copy2(p, home / "inbox")
    procs = [
        subprocess.Popen(
            ingest_cmd(env, "--format", "json"),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    answers = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in answers]
    loaded = sum(json.loads(out).get("by_status", {}).get("loaded", 0) for out, _ in answers)
    assert loaded == 5
    files = json.loads(jixiao(env, "files", "--format", "json").stdout)
    assert sorted(f["status"] for f in files) == ["loaded"] * 5


@pytest.mark.parametrize(
    "mode", [pytest.param("runner", id="through-the-runner"), pytest.param("off", id="in-process")]
)
def test_a_failed_run_reports_the_same_line(started: Started, mode: str) -> None:
    env, home, _ = started
    run_env = env if mode == "runner" else {**env, "JIXIAO_RUNNER": "off"}
    shutil.copy2(seed_paths()[2], home / "inbox")
    out = jixiao(run_env, "ingest", "--database-url", "postgresql+psycopg://nobody@127.0.0.1:9/none")
    assert out.returncode == 1
    assert "error: the database is unreachable" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
    assert list((home / "inbox").iterdir())  # the file waits for the next run


@pytest.mark.parametrize(
    ("touch", "same"),
    [
        pytest.param(False, True, id="untouched-code-same-key"),
        pytest.param(True, False, id="changed-code-new-key"),
    ],
)
def test_runner_key_follows_the_code(touch: bool, same: bool) -> None:
    path = Path(runner_state.__file__)
    st = path.stat()
    before = runner_state.runner_key()
    try:
        if touch:
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        assert (runner_state.runner_key() == before) is same
    finally:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert runner_state.runner_key() == before
