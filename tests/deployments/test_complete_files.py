"""Only complete files are taken: a writer that pauses longer than the quiet period, its file still open for
writing, is waited for (real processes, a real watcher, real files)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from jixiao.watch import open_for_writing, watch_inbox
from tests.support import seed

HOLD = """
import sys, time
f = open(sys.argv[1], sys.argv[2])
print("open", flush=True)
time.sleep(30)
"""


@pytest.mark.parametrize(
    ("mode", "busy"),
    [
        pytest.param("ab", True, id="held-open-for-writing-is-busy"),
        pytest.param("rb", False, id="held-open-for-reading-is-not"),
    ],
)
def test_open_for_writing_sees_other_processes(tmp_path: Path, mode: str, busy: bool) -> None:
    target = tmp_path / "report.txt"
    target.write_bytes(seed("000").read_bytes())
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(target), mode], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"open"
        assert (target in open_for_writing([target, tmp_path / "other.txt"])) is busy
    finally:
        holder.kill()
        holder.wait()
    assert open_for_writing([target]) == set()


WRITER = """
import sys, time
data = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "wb") as f:
    f.write(data[: len(data) // 2]); f.flush()
    time.sleep(float(sys.argv[3]))          # a pause longer than the quiet period, the file still open
    f.write(data[len(data) // 2 :]); f.flush()
"""


def test_watcher_waits_for_a_pausing_writer(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    full = seed("004").read_bytes()
    batches: list[list[tuple[str, bytes]]] = []
    stop = threading.Event()

    def on_batch(paths: list[Path]) -> None:
        batches.append([(p.name, p.read_bytes()) for p in paths])
        stop.set()

    thread = threading.Thread(
        target=watch_inbox,
        args=(inbox, on_batch),
        kwargs={"stop_event": stop, "debounce_s": 0.3, "stable_s": 0.5, "max_wait_s": 30.0},
        daemon=True,
    )
    thread.start()
    time.sleep(0.5)
    writer = subprocess.run(
        [sys.executable, "-c", WRITER, str(seed("004")), str(inbox / "slow.txt"), "2.5"], timeout=60
    )
    assert writer.returncode == 0
    thread.join(timeout=30)
    assert batches == [[("slow.txt", full)]]
