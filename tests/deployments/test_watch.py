"""The inbox watcher on a real filesystem with real watchfiles events."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jixiao.watch import StabilityTracker, is_candidate, watch_inbox


class Recorder:
    def __init__(self, busy_s: float = 0.0) -> None:
        self.batches: list[list[Path]] = []
        self.busy_s = busy_s
        self.started = threading.Event()

    def __call__(self, paths: list[Path]) -> None:
        self.started.set()
        self.batches.append(sorted(paths))
        time.sleep(self.busy_s)

    @property
    def names(self) -> list[str]:
        return sorted(p.name for b in self.batches for p in b)

    def wait_for(self, n_files: int, timeout: float = 15) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end and len(self.names) < n_files:
            time.sleep(0.05)


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Path, Recorder, threading.Event]]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rec = Recorder()
    stop = threading.Event()
    thread = threading.Thread(
        target=watch_inbox,
        args=(inbox, rec),
        kwargs={"stop_event": stop, "debounce_s": 0.5, "stable_s": 0.6},
        daemon=True,
    )
    thread.start()
    time.sleep(0.5)
    yield inbox, rec, stop
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()


@pytest.mark.parametrize(
    ("name", "taken"),
    [
        pytest.param("report.txt", True, id="plain-name-taken"),
        pytest.param("香河县 科协 2019.docx", True, id="chinese-name-with-spaces-taken"),
        pytest.param(".~lock.report.docx#", False, id="libreoffice-lock-ignored"),
        pytest.param("~$report.docx", False, id="word-owner-file-ignored"),
        pytest.param("report.tmp", False, id="tmp-ignored"),
        pytest.param("report.pdf.part", False, id="partial-download-ignored"),
        pytest.param(".hidden.txt", False, id="hidden-ignored"),
        pytest.param("a.txt.reason.txt", False, id="quarantine-note-ignored"),
    ],
)
def test_candidate_names(name: str, taken: bool) -> None:
    assert is_candidate(Path("/inbox") / name) is taken


def test_tracker_waits_for_size_and_mtime_to_settle(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("part one")
    tracker = StabilityTracker(stable_s=1.0)
    tracker.observe(f, now=0.0)
    assert tracker.ready(now=0.5) == []
    f.write_text("part one and two")
    assert tracker.ready(now=0.9) == []  # changed: the clock restarts
    assert tracker.ready(now=1.5) == []
    assert tracker.ready(now=2.0) == [f]


def test_slow_chunked_write_is_taken_once_after_completion(
    watched: tuple[Path, Recorder, threading.Event],
) -> None:
    inbox, rec, _ = watched
    target = inbox / "slow.txt"
    with target.open("w", encoding="utf-8") as f:
        for i in range(5):
            f.write(f"第{i}段。" * 200)
            f.flush()
            time.sleep(0.4)
            assert rec.batches == [], "taken before the write finished"
    rec.wait_for(1)
    time.sleep(1.0)
    assert rec.names == ["slow.txt"]
    assert target.stat().st_size > 0


def test_file_renamed_into_place_is_taken(watched: tuple[Path, Recorder, threading.Event]) -> None:
    inbox, rec, _ = watched
    part = inbox / "a.txt.part"
    part.write_text("内容" * 100, encoding="utf-8")
    time.sleep(1.2)
    assert rec.names == []
    part.rename(inbox / "a.txt")
    rec.wait_for(1)
    assert rec.names == ["a.txt"]


def test_burst_of_50_files_makes_at_most_two_batches(watched: tuple[Path, Recorder, threading.Event]) -> None:
    inbox, rec, _ = watched
    for i in range(50):
        (inbox / f"r{i:02d}.txt").write_text(f"报告{i}" * 50, encoding="utf-8")
    rec.wait_for(50)
    assert len(rec.names) == 50
    assert len(rec.batches) <= 2


def test_file_landing_during_a_batch_goes_to_the_next(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rec = Recorder(busy_s=1.5)
    stop = threading.Event()
    thread = threading.Thread(
        target=watch_inbox,
        args=(inbox, rec),
        kwargs={"stop_event": stop, "debounce_s": 0.3, "stable_s": 0.3},
        daemon=True,
    )
    thread.start()
    time.sleep(0.4)
    (inbox / "first.txt").write_text("一", encoding="utf-8")
    assert rec.started.wait(10)
    (inbox / "second.txt").write_text("二", encoding="utf-8")
    rec.wait_for(2)
    stop.set()
    thread.join(timeout=5)
    assert [[p.name for p in b] for b in rec.batches] == [["first.txt"], ["second.txt"]]


def test_files_present_at_start_are_swept(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "waiting.txt").write_text("早到的文件", encoding="utf-8")
    rec = Recorder()
    stop = threading.Event()
    thread = threading.Thread(
        target=watch_inbox,
        args=(inbox, rec),
        kwargs={"stop_event": stop, "debounce_s": 0.3, "stable_s": 0.3},
        daemon=True,
    )
    thread.start()
    rec.wait_for(1)
    stop.set()
    thread.join(timeout=5)
    assert rec.names == ["waiting.txt"]


class Flaky(Recorder):
    """Fails its first ``failures`` calls, as `jixiao serve`'s watcher does while its deployment is not
    registered yet."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.attempts: list[float] = []

    def __call__(self, paths: list[Path]) -> None:
        self.attempts.append(time.monotonic())
        if len(self.attempts) <= self.failures:
            raise RuntimeError("deployment 'ingest/on-demand' not found")
        super().__call__(paths)


@pytest.mark.parametrize(
    ("failures", "delivered", "max_attempts"),
    [
        pytest.param(1, ["early.txt"], 2, id="a-failed-batch-is-handed-over-again"),
        pytest.param(99, [], 3, id="a-batch-that-keeps-failing-is-retried-with-growing-waits-not-hot-looped"),
    ],
)
def test_failed_batch_is_retried_with_backoff(
    tmp_path: Path, failures: int, delivered: list[str], max_attempts: int
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "early.txt").write_text("服务启动前到达的文件", encoding="utf-8")
    rec = Flaky(failures)
    stop = threading.Event()
    thread = threading.Thread(
        target=watch_inbox,
        args=(inbox, rec),
        kwargs={"stop_event": stop, "debounce_s": 0.2, "stable_s": 0.2},
        daemon=True,
    )
    thread.start()
    rec.wait_for(1, timeout=7)
    time.sleep(0.5)
    stop.set()
    thread.join(timeout=5)
    assert rec.names == delivered
    assert 2 <= len(rec.attempts) <= max_attempts
    assert rec.attempts[1] - rec.attempts[0] >= 1.9  # waited before trying again
