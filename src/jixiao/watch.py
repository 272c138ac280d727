"""Watching the inbox: take a file only once it is complete, and turn bursts into one batch.

Prefect has no folder watcher (PrefectHQ/prefect#9330), so this is jixiao's own, as plain code: watchfiles
reports changes, a stability tracker waits until a file's size and mtime stop changing, and a debounce
window collects a burst into one call of ``on_batch``. A file that lands while ``on_batch`` runs is seen
by the next batch.
"""

from __future__ import annotations

import contextlib
import fcntl
import fnmatch
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from jixiao.errors import JixiaoError

log = logging.getLogger(__name__)

_TEMP_PATTERNS = (
    "~$*",
    "*.tmp",
    "*.part",
    "*.crdownload",
    "*.swp",
    "*.partial",
    "*.download",
    "*.reason.txt",
)


def is_candidate(path: Path) -> bool:
    """Hidden, lock and temporary names are never taken (Office's .~lock / ~$ files, downloads in flight)."""
    name = path.name
    if name.startswith(".") or any(fnmatch.fnmatch(name.lower(), p) for p in _TEMP_PATTERNS):
        return False
    return not path.is_dir()


LOCK_NAME = "watcher.lock"


class AlreadyWatched(JixiaoError):
    """Another watcher (jixiao watch / jixiao serve) already watches this inbox."""

    def __init__(self, home: Path, pid: int | None) -> None:
        super().__init__(
            f"another jixiao watcher (pid {pid or '?'}) already watches {home / 'inbox'}; "
            "stop it first, or drop files into that inbox"
        )
        self.pid = pid


def _read_pid(handle: IO[str]) -> int | None:
    handle.seek(0)
    text = handle.read().strip()
    return int(text) if text.isdigit() else None


@contextlib.contextmanager
def watch_lock(home: Path) -> Iterator[None]:
    """Held while a watcher runs: the CLI then hands files to it instead of starting a run of its own.

    An OS file lock, so a killed watcher releases it with its process.
    """
    home.mkdir(parents=True, exist_ok=True)
    with (home / LOCK_NAME).open("a+", encoding="ascii") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyWatched(home, _read_pid(handle)) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def watcher_pid(home: Path) -> int | None:
    """The pid of the live watcher of this home's inbox, or None when no watcher runs."""
    path = home / LOCK_NAME
    if not path.exists():
        return None
    with path.open("r", encoding="ascii") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_pid(handle) or -1
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


def inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


@dataclass
class StabilityTracker:
    """Files become ready when size and mtime have not changed for ``stable_s`` seconds."""

    stable_s: float = 1.0
    _seen: dict[Path, tuple[int, float, float]] = field(default_factory=dict)  # path -> (size, mtime, since)

    def observe(self, path: Path, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        try:
            st = path.stat()
        except OSError:
            self._seen.pop(path, None)
            return
        sig = (st.st_size, st.st_mtime)
        old = self._seen.get(path)
        if old is None or (old[0], old[1]) != sig:
            self._seen[path] = (st.st_size, st.st_mtime, now)

    def ready(self, now: float | None = None) -> list[Path]:
        now = time.monotonic() if now is None else now
        out = []
        for path in list(self._seen):
            self.observe(path, now)
            entry = self._seen.get(path)
            if entry is not None and now - entry[2] >= self.stable_s:
                out.append(path)
        writing = open_for_writing(out) if out else set()
        return sorted(p for p in out if p not in writing)

    def forget(self, paths: list[Path]) -> None:
        for p in paths:
            self._seen.pop(p, None)

    def pending(self) -> int:
        return len(self._seen)


def open_for_writing(paths: Iterable[Path]) -> set[Path]:
    """The files some process holds open for writing, where the OS can tell (Linux /proc; else none).

    A writer that pauses longer than the quiet period still holds its file open: the file is not complete.
    Processes of other users cannot be inspected without privileges and are not seen.
    """
    wanted: dict[str, Path] = {}
    for p in paths:
        with contextlib.suppress(OSError):
            wanted[os.path.realpath(p)] = p
    proc = Path("/proc")
    if not wanted or not proc.is_dir():
        return set()
    busy: set[Path] = set()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target not in wanted:
                continue
            try:
                info = (entry / "fdinfo" / fd.name).read_text()
            except OSError:
                continue
            flags = next((line.split()[1] for line in info.splitlines() if line.startswith("flags:")), "0")
            if int(flags, 8) & (os.O_WRONLY | os.O_RDWR):
                busy.add(wanted[target])
    return busy


def pending_files(inbox: Path) -> list[Path]:
    """Files waiting in the inbox (what a run would take), found without importing the parser."""
    if not inbox.is_dir():
        return []
    return [
        p
        for p in inbox.rglob("*")
        if (p.is_file() or p.is_symlink()) and is_candidate(p) and not p.name.endswith(".reason.txt")
    ]


def _scan(inbox: Path) -> list[Path]:
    return [p for p in inbox.rglob("*") if is_candidate(p) and (p.is_file() or p.is_symlink())]


@dataclass
class _Batcher:
    """The watcher's state: which files are pending, since when, and which were handed over already."""

    inbox: Path
    tracker: StabilityTracker
    debounce_s: float
    max_wait_s: float
    last_event: float = field(default_factory=time.monotonic)
    first_pending: float | None = None
    # The same file at the same size and time is handed over once, even if events repeat.
    handed: set[tuple[Path, int, float]] = field(default_factory=set)
    retry_at: float = 0.0  # after a failed batch: when to hand its files over again
    backoff_s: float = 0.0

    def note(self, path: Path) -> None:
        if not is_candidate(path):
            return
        if path.is_symlink() and not inside(path, self.inbox):
            log.warning("not following %s: symlink pointing outside the inbox", path.name)
        self.tracker.observe(path)
        if self.tracker.pending() and self.first_pending is None:
            self.first_pending = time.monotonic()

    def due(self, now: float) -> list[Path]:
        """The files to hand over now: stable ones, once the burst is quiet or the oldest waited too long."""
        if not self.tracker.pending() or now < self.retry_at:
            return []
        ready = self.tracker.ready(now)
        quiet = now - self.last_event >= self.debounce_s
        overdue = self.first_pending is not None and now - self.first_pending >= self.max_wait_s
        if ready and (overdue or (quiet and len(ready) == self.tracker.pending())):
            return ready
        return []

    def take(self, ready: list[Path]) -> list[Path]:
        batch = []
        for p in ready:
            key = self._key(p)
            if key is not None and key not in self.handed:  # gone already: taken by a CLI run or moved
                self.handed.add(key)
                batch.append(p)
        self.tracker.forget(ready)
        self.first_pending = time.monotonic() if self.tracker.pending() else None
        return batch

    def failed(self, batch: list[Path]) -> None:
        """A failed batch (the API was not ready, the database was down) is handed over again later,
        waiting 2 s, then twice as long each time up to a minute: its files are never left stranded."""
        for p in batch:
            key = self._key(p)
            if key is not None:
                self.handed.discard(key)
                self.note(p)
        self.backoff_s = min(60.0, max(2.0, 2 * self.backoff_s))
        self.retry_at = time.monotonic() + self.backoff_s

    def sweep(self) -> None:
        """Note the files that landed while a batch ran and were not handed over yet."""
        for p in _scan(self.inbox):
            key = self._key(p)
            if key is not None and key not in self.handed:
                self.note(p)

    @staticmethod
    def _key(p: Path) -> tuple[Path, int, float] | None:
        try:
            st = p.lstat()
        except OSError:
            return None
        return (p, st.st_size, st.st_mtime)


def _hand_over(on_batch: Callable[[list[Path]], object], batch: list[Path], state: _Batcher) -> None:
    try:
        on_batch(batch)
    except Exception:  # one failed batch must not stop the watcher; the files stay in the inbox
        state.failed(batch)
        log.exception(
            "a batch of %d file(s) failed; they stay in the inbox and are handed over again in %.0f s",
            len(batch),
            state.backoff_s,
        )
    else:
        state.backoff_s = 0.0


def watch_inbox(
    inbox: Path,
    on_batch: Callable[[list[Path]], object],
    *,
    stop_event: threading.Event | None = None,
    debounce_s: float = 1.0,
    stable_s: float = 1.0,
    max_wait_s: float = 10.0,
    sweep_on_start: bool = True,
    poll_s: float = 0.2,
) -> None:
    """Call ``on_batch`` with complete new files until ``stop_event`` is set.

    A batch goes out when files are stable and no new event came for ``debounce_s``, or when the oldest
    pending file has waited ``max_wait_s`` (a steady trickle still gets processed).
    """
    from watchfiles import watch

    stop = stop_event or threading.Event()
    inbox.mkdir(parents=True, exist_ok=True)
    state = _Batcher(inbox, StabilityTracker(stable_s), debounce_s, max_wait_s)
    if sweep_on_start:
        for p in _scan(inbox):
            state.note(p)
    changes_seen = watch(
        inbox,
        stop_event=stop,
        rust_timeout=int(poll_s * 1000),
        yield_on_timeout=True,
        debounce=50,
        step=20,
        recursive=True,
    )
    for changes in changes_seen:
        now = time.monotonic()
        for _, raw in changes:
            state.last_event = now
            state.note(Path(raw))
        batch = state.take(ready) if (ready := state.due(now)) else []
        if batch:
            _hand_over(on_batch, batch, state)
            state.sweep()  # files that landed while the batch ran
        if stop.is_set():
            break
