"""Nothing new to do: every waiting file was processed before (same bytes, same name in the inbox).

``jixiao ingest`` of files already loaded (``scripts/run.sh`` a second time) files the copies away as a run
would, without starting Prefect or importing the flow: the ledger already holds their outcome. Anything
else — a new file, a file still being written, a special or hidden entry, no database yet — is left to a run.
"""

from __future__ import annotations

import hashlib
import stat
import time
from pathlib import Path
from typing import Any

TERMINAL = ("loaded", "duplicate", "quarantined")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _plain_files(paths: list[Path], quiet_s: float) -> list[tuple[Path, Any]] | None:
    """(path, stat) of each path, or None when one is not a plain, complete, visible file."""
    from jixiao.watch import open_for_writing

    out = []
    for p in paths:
        try:
            st = p.lstat()
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode) or p.name.startswith(".") or time.time() - st.st_mtime < quiet_s:
            return None
        out.append((p, st))
    return None if open_for_writing(paths) else out


def _ledger(settings: Any, hashes: set[str]) -> dict[tuple[str, str], dict[str, Any]] | None:
    from sqlalchemy import bindparam, text

    from jixiao.db.engine import open_existing
    from jixiao.errors import JixiaoError

    try:
        engine = open_existing(settings.db_url)
    except JixiaoError:
        return None  # no database yet: a run creates it
    query = text(
        "select id, sha256, path, status, reason, stored_path from source_file where sha256 in :h"
    ).bindparams(bindparam("h", expanding=True))
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query, {"h": sorted(hashes)})]
    return {(r["sha256"], r["path"]): r for r in rows}


def refile_if_nothing_new(settings: Any, paths: list[Path]) -> int | None:
    """File away waiting files that were all processed before; their number, or None (a run is needed)."""
    files = _plain_files(paths, settings.quiet_s)
    if not files:
        return None
    hashed = [(p, st, _sha256(p)) for p, st in files]
    ledger = _ledger(settings, {h for _, _, h in hashed})
    rows = [ledger.get((h, str(p))) for p, _, h in hashed] if ledger else [None]
    if any(r is None or r["status"] not in TERMINAL for r in rows):
        return None
    from sqlalchemy import text

    from jixiao.db.claims import AlreadyDone
    from jixiao.db.engine import get_engine
    from jixiao.pipeline import InboxFile
    from jixiao.refile import refile_done

    done = [
        AlreadyDone(
            InboxFile(p, p.name, st.st_size, h, st.st_mtime),
            r["status"],
            r["id"],
            r["reason"],
            r["stored_path"],
        )
        for (p, st, h), r in zip(hashed, rows, strict=True)
        if r is not None
    ]
    moved = refile_done(done, settings.archive, settings.quarantine)
    with get_engine(settings.db_url).begin() as conn:  # what repo.mark_stored does, without its imports
        for file_id, where in moved:
            conn.execute(
                text("update source_file set stored_path = :p where id = :i"), {"p": where, "i": file_id}
            )
    return len(done)
