"""Killing `jixiao ingest` leaves nothing running: SIGTERM stops its temporary Prefect server at once, and a
server orphaned by kill -9 is stopped by the next command."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import seed

MARK = "prefect.server.api.server:create_app"


def alive(pid: int) -> bool:
    try:
        return MARK in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False


def jixiao(home: Path) -> list[str]:
    return [sys.executable, "-m", "jixiao_cli.main", "ingest", "--home", str(home), "--workers", "1"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sig", "left_after_kill"),
    [
        pytest.param(signal.SIGTERM, False, id="sigterm-stops-the-server-with-the-cli"),
        pytest.param(signal.SIGKILL, True, id="kill-9-orphan-stopped-by-the-next-command"),
    ],
)
def test_no_temporary_server_outlives_its_command(
    tmp_path: Path, sig: signal.Signals, left_after_kill: bool
) -> None:
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    shutil.copy2(seed("000"), home / "inbox")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "JIXIAO_"))}
    # The per-command temporary server (the default background server is tested in test_server_reuse.py).
    env |= {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "JIXIAO_PREFECT_SERVER": "temporary"}
    # Output to a file, not a pipe: an orphaned server holds the pipe open after its parent is gone.
    out = (tmp_path / "ingest.log").open("wb")
    cli = subprocess.Popen(jixiao(home), env=env, stdout=out, stderr=subprocess.STDOUT)
    pid_file = home / "prefect" / "temporary-server.pid"
    deadline = time.monotonic() + 240
    while not pid_file.exists() and time.monotonic() < deadline and cli.poll() is None:
        time.sleep(0.2)
    assert pid_file.exists(), (tmp_path / "ingest.log").read_text(errors="replace")
    server_pid = int(pid_file.read_text().split()[0])
    cli.send_signal(sig)
    cli.wait(timeout=60)
    out.close()
    time.sleep(1)
    try:
        assert alive(server_pid) is left_after_kill
        assert "Traceback" not in (tmp_path / "ingest.log").read_text(errors="replace")
        # The next command, even with nothing to do, leaves no server behind.
        for f in (home / "inbox").iterdir():
            f.unlink()
        nxt = subprocess.run(jixiao(home), env=env, capture_output=True, text=True, timeout=120)
        assert nxt.returncode == 0 and "nothing to ingest" in nxt.stdout, nxt.stderr
        assert not alive(server_pid)
    finally:
        if alive(server_pid):
            os.kill(server_pid, signal.SIGKILL)


# ------------------------------------------------------------------------------ parse workers (issue 17 K)


def descendants(pid: int) -> list[int]:
    """Every live process started (directly or not) by ``pid``, found through /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def running(pid: int) -> bool:
    """Alive and not a zombie (a zombie has exited; only its exit status waits to be collected)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def survivors_after(pids: list[int], within_s: float) -> list[int]:
    deadline = time.monotonic() + within_s
    left = [p for p in pids if running(p)]
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = [p for p in left if running(p)]
    return left


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


POOL_SCRIPT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from jixiao.proclife import worker_init

def busy(_):
    end = time.monotonic() + 120
    while time.monotonic() < end:  # a worker in the middle of a long parse
        pass

guarded = sys.argv[1] == "guarded"
kwargs = {"initializer": worker_init, "initargs": (os.getpid(),)} if guarded else {}
with ProcessPoolExecutor(max_workers=2, **kwargs) as pool:
    futures = [pool.submit(busy, i) for i in range(2)]
    print("ready", flush=True)
    futures[0].result()
"""


@pytest.mark.parametrize(
    ("mode", "orphans_expected"),
    [
        pytest.param("guarded", False, id="workers-of-a-guarded-pool-die-with-their-parent"),
        pytest.param("plain", True, id="a-plain-pool-orphans-its-workers-on-kill-9"),
    ],
)
def test_pool_workers_follow_a_kill_9_of_their_parent(
    tmp_path: Path, mode: str, orphans_expected: bool
) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", POOL_SCRIPT, mode], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    workers: list[int] = []
    try:
        assert parent.stdout is not None and parent.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:
            workers = descendants(parent.pid)
            time.sleep(0.05)
        assert len(workers) == 2, workers
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        left = survivors_after(workers, within_s=3)
        assert bool(left) is orphans_expected, left
    finally:
        kill_all(workers)


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.usefixtures("prefect_api")
def test_kill_9_of_ingest_mid_parse_leaves_no_worker(tmp_path: Path) -> None:
    """`jixiao ingest --workers 3` killed with SIGKILL while its pool parses: every process it started
    (workers and anything they started) is gone within a few seconds."""
    from prefect.settings import PREFECT_API_URL

    from jixiao_dev.synth import SynthConfig, generate_corpus

    home = tmp_path / "home"
    files = generate_corpus(home / "inbox", SynthConfig(n=600, seed=31, formats={"txt": 0.7, "docx": 0.3}))
    for f in (home / "inbox").glob("*.truth.json"):
        f.unlink()
    assert len(files) == 600
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "GX_ANALYTICS_ENABLED": "false"}
    cmd = [*jixiao(home)[:-1], "3", "--database-url", f"sqlite:///{tmp_path / 'j.db'}"]
    out = (tmp_path / "ingest.log").open("wb")
    cli = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    family: list[int] = []
    try:
        deadline = time.monotonic() + 300
        while len(family) < 3 and time.monotonic() < deadline and cli.poll() is None:
            time.sleep(0.1)
            family = descendants(cli.pid)
        assert len(family) >= 3, (tmp_path / "ingest.log").read_text(errors="replace")[-3000:]
        time.sleep(1.0)  # well inside the parse: 600 files take far longer
        family = descendants(cli.pid)
        assert cli.poll() is None, "the run ended before it was killed: nothing was tested"
        os.kill(cli.pid, signal.SIGKILL)
        cli.wait(timeout=30)
        assert survivors_after(family, within_s=5) == []
    finally:
        out.close()
        kill_all(family)


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.usefixtures("prefect_api")
def test_kill_9_of_serve_mid_run_leaves_no_run_or_worker(tmp_path: Path) -> None:
    """`jixiao serve` runs watcher-triggered flow runs in processes of their own; killed with SIGKILL while
    one parses, the run and its workers go with it."""
    from prefect.settings import PREFECT_API_URL

    from jixiao_dev.synth import SynthConfig, generate_corpus

    home = tmp_path / "home"
    drop = tmp_path / "drop"
    generate_corpus(drop, SynthConfig(n=600, seed=32, formats={"txt": 0.7, "docx": 0.3}))
    for f in drop.glob("*.truth.json"):
        f.unlink()
    env = {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "GX_ANALYTICS_ENABLED": "false",
        "JIXIAO_HOME": str(home),
        "JIXIAO_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
        "JIXIAO_WORKERS": "3",
        "JIXIAO_QUIET_S": "0.5",
    }
    out = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        [sys.executable, "-m", "jixiao_cli.main", "serve"],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    family: list[int] = []
    try:
        lock = home / "watcher.lock"
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and serve.poll() is None:
            if lock.exists() and lock.read_text().strip():
                break
            time.sleep(0.2)
        (home / "inbox").mkdir(parents=True, exist_ok=True)
        for f in sorted(drop.iterdir()):
            f.rename(home / "inbox" / f.name)
        # The flow run's own process and its three parse workers.
        while len(family) < 4 and time.monotonic() < deadline and serve.poll() is None:
            time.sleep(0.2)
            family = descendants(serve.pid)
        assert len(family) >= 4, (tmp_path / "serve.log").read_text(errors="replace")[-3000:]
        time.sleep(1.0)
        family = descendants(serve.pid)
        os.kill(serve.pid, signal.SIGKILL)
        serve.wait(timeout=30)
        assert survivors_after(family, within_s=5) == []
    finally:
        out.close()
        kill_all([*family, serve.pid])
        serve.wait(timeout=30)
