"""Moving processed files out of the inbox: archive/ for loaded and duplicate, quarantine/ with a reason."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from jixiao.pipeline import sha256_file


def _free_name(folder: Path, name: str, sha256: str) -> Path:
    target = folder / name
    if not target.exists():
        return target
    stem, suffix = Path(name).stem, Path(name).suffix
    return folder / f"{stem}-{sha256[:8]}{suffix}"


def file_away(
    source: Path, status: str, reason: str | None, sha256: str, archive: Path, quarantine: Path
) -> Path:
    """Move ``source`` to its final folder and return the new path.

    Called only after the database recorded the outcome, so a crash here leaves the file in the inbox
    with a terminal row: the next run recognises it and finishes the move.
    """
    folder = quarantine if status == "quarantined" else archive / date.today().isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, source.name, sha256)
    if target.exists() and sha256_file(target) == sha256:
        source.unlink()  # the identical file is already filed; nothing is lost
    else:
        shutil.move(str(source), target)
    if status == "quarantined":
        note = target.with_name(target.name + ".reason.txt")
        note.write_text(f"{source.name}: {reason or 'unknown reason'}\n", encoding="utf-8")
    return target


def stage_into_inbox(paths: list[Path], inbox: Path, move: bool = False) -> list[Path]:
    """Copy (or move) files and folders given on the command line into the inbox."""
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
            if move:
                shutil.move(str(f), target)
            else:
                shutil.copy2(f, target)
            staged.append(target)
    return staged
