"""Moving processed files out of the inbox: archive/ for loaded and duplicate, quarantine/ with a reason."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
from datetime import date
from pathlib import Path

from jixiao.fsutil import DiskFull, is_disk_full, sha256_file

NAME_MAX = 255  # bytes of one file name on the common file systems (ext4, xfs, btrfs)
REASON_SUFFIX = ".reason.txt"
log = logging.getLogger(__name__)


def fit_name(name: str, tag: str = "", extra: str = "", limit: int = NAME_MAX) -> str:
    """``stem + tag + suffix + extra`` within ``limit`` bytes: the stem is shortened (whole characters)
    when needed. The original name is kept in the ledger and in the reason file."""
    stem, suffix = Path(name).stem, Path(name).suffix
    if len(suffix.encode()) > 16:  # not a real extension: shorten it with the rest
        stem, suffix = name, ""
    if len((stem + tag + suffix + extra).encode()) > limit:
        tag = tag or "~"  # marks a shortened name
        room = limit - len((tag + suffix + extra).encode())
        stem = stem.encode()[: max(room, 1)].decode("utf-8", "ignore")
    return f"{stem}{tag}{suffix}{extra}"


def _same_bytes(path: Path, sha256: str) -> bool:
    try:
        return path.is_file() and not path.is_symlink() and sha256_file(path) == sha256
    except OSError:
        return False


def _free_name(folder: Path, name: str, sha256: str) -> Path:
    """Where a file goes in ``folder``: its own name, unless another file took it (then name-HASH8).
    An identical file already there is returned as is, so a re-delivery is not stored twice."""
    target = folder / fit_name(name)
    if not os.path.lexists(target) or _same_bytes(target, sha256):
        return target
    return folder / fit_name(name, f"-{sha256[:8]}")


def file_away(
    source: Path,
    status: str,
    reason: str | None,
    sha256: str,
    archive: Path,
    quarantine: Path,
    known: str | None = None,
) -> Path:
    """Move ``source`` to its final folder and return where it is stored.

    Called only after the database recorded the outcome, so a crash here leaves the file in the inbox
    with a terminal row: the next run recognises it and finishes the move. ``known`` is where an earlier
    delivery of the same bytes was stored: a re-delivery is then dropped instead of stored twice.
    A file that cannot be moved (permissions, a special file across file systems) stays where it is and
    its path is returned: one such file never stops the batch.
    """
    if known and _same_bytes(Path(known), sha256) and _same_bytes(source, sha256):
        source.unlink()
        return Path(known)
    folder = quarantine if status == "quarantined" else archive / date.today().isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, source.name, sha256)
    try:
        if os.path.lexists(target) and _same_bytes(source, sha256):
            source.unlink()  # the identical file is already filed; nothing is lost
        else:
            # A FIFO, socket or unreadable file is renamed, never opened or copied.
            _move(source, target)
    except OSError as exc:
        log.warning(
            "could not move %s to %s: %s; it stays in the inbox, recorded as %s", source, folder, exc, status
        )
        return source
    if status == "quarantined":
        note_name = target.name + REASON_SUFFIX
        if len(note_name.encode()) > NAME_MAX:  # shortened, and told apart from its namesakes by the hash
            note_name = fit_name(target.name, f"-{sha256[:8]}", REASON_SUFFIX)
        _write_note(target.with_name(note_name), f"{source.name}: {reason or 'unknown reason'}\n")
    return target


def _write_note(note: Path, text: str) -> None:
    """The reason beside a quarantined file. The ledger holds the reason too, so a note that cannot be
    written (a full disk) is reported and left out rather than stopping the batch."""
    try:
        note.write_text(text, encoding="utf-8")
    except OSError as exc:
        with contextlib.suppress(OSError):
            note.unlink()
        log.warning("could not write %s: %s; the reason is in the ledger", note, exc)


def _move(source: Path, target: Path) -> None:
    try:
        os.rename(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        if source.is_dir() and not source.is_symlink():  # a hidden folder moved aside whole
            shutil.move(str(source), target)
            return
        part = target.with_name(fit_name(target.name, extra=".part"))
        try:  # another file system: copy, then remove; a failed copy leaves no partial file behind
            shutil.copy2(source, part, follow_symlinks=False)
            os.replace(part, target)
        except OSError:
            with contextlib.suppress(OSError):
                part.unlink()
            raise
        source.unlink()


def stage_into_inbox(paths: list[Path], inbox: Path, move: bool = False) -> list[Path]:
    """Copy (or move) files and folders given on the command line into the inbox.

    Each copy is written under a temporary ``.part`` name (never taken by a run) and renamed when complete,
    so a full disk or a kill never leaves a truncated file in the inbox that would hide the real one.
    """
    inbox.mkdir(parents=True, exist_ok=True)
    staged: list[Path] = []
    for p in paths:
        files = sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
        for f in files:
            target = inbox / f.name
            if target.exists():
                if sha256_file(target) == sha256_file(f):
                    staged.append(target)
                    continue
                target = _free_name(inbox, f.name, sha256_file(f))
            _stage_one(f, target, move)
            staged.append(target)
    return staged


def _stage_one(source: Path, target: Path, move: bool) -> None:
    if move:
        try:
            os.rename(source, target)  # same file system: no copy, no space needed
            return
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
    part = target.with_name(fit_name(target.name, extra=".part"))
    try:
        shutil.copy2(source, part)
        os.replace(part, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            part.unlink()
        if is_disk_full(exc):
            raise DiskFull(target, "copy into the inbox") from exc
        raise
    if move:
        source.unlink()
