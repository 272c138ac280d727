"""Opening inbox files safely: only regular files, never blocking on a FIFO or device."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO

from jixiao.errors import JixiaoError


class NotRegularFile(OSError):
    """A FIFO, device, socket or directory where a report file was expected."""


def open_regular(path: Path) -> BinaryIO:
    """Open ``path`` for reading only if it is (or links to) a regular file.

    Opened non-blocking, so a FIFO or device is refused instead of blocking the run forever in open();
    the check is on the opened descriptor, so a swap between a check and the open cannot slip through.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(f"not a regular file ({_kind(mode)}): refused")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return name
    return "not a regular file"


class DiskFull(JixiaoError):
    """A write failed because its file system is full: permanent for this run, never retried."""

    def __init__(self, path: Path, doing: str) -> None:
        super().__init__(
            f"the disk is full: could not {doing} {path} ({_free(path)} free on its file system); "
            "free some space and run again, nothing was lost"
        )
        self.path = path


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC or EDQUOT (quota) anywhere in the chain, or SQLite's "database or disk is full"."""
    seen: BaseException | None = exc
    chain: list[BaseException] = []
    while seen is not None and seen not in chain:
        chain.append(seen)
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "database or disk is full" in str(seen) or getattr(seen, "sqlstate", None) == "53100":
            return True  # SQLite's SQLITE_FULL; PostgreSQL's disk_full
        seen = seen.__cause__ or seen.__context__ or getattr(seen, "orig", None)
    return False


def _free(path: Path) -> str:
    for folder in (path, *path.parents):
        try:
            st = os.statvfs(folder)
        except OSError:
            continue
        free = st.f_bavail * st.f_frsize
        return f"{free / 1e6:.1f} MB" if free >= 100_000 else f"{free} bytes"
    return "unknown space"


LOW_SPACE_BYTES = 1 << 20


def out_of_space(path: Path) -> bool:
    """Whether the file system holding ``path`` has (almost) no room left: under 1 MiB for this user.

    SQLite reports a failed write of its journal or WAL as "disk I/O error"; this tells a full disk apart.
    """
    for folder in (path, *path.parents):
        try:
            st = os.statvfs(folder)
        except OSError:
            continue
        return st.f_bavail * st.f_frsize < LOW_SPACE_BYTES
    return False


class QuietFileHandler(logging.FileHandler):
    """A log file that, when it cannot be written (a full disk), stops trying instead of printing a
    "--- Logging error ---" trace per record on the terminal: the error itself reaches the user."""

    def handleError(self, record: logging.LogRecord) -> None:  # logging's own name
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            with contextlib.suppress(OSError):
                self.close()
            self.setLevel(logging.CRITICAL + 1)
            return
        super().handleError(record)


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The file's SHA-256, read through open_regular (FIFOs and symlinks refused)."""
    h = hashlib.sha256()
    with open_regular(path) as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()
