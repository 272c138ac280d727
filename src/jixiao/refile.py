"""Files processed before, delivered again: filed away without changing what the database says of them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from jixiao import filing
from jixiao.db.claims import AlreadyDone


def refile_done(done: Sequence[AlreadyDone], archive: Path, quarantine: Path) -> list[tuple[int, str]]:
    """File each re-delivered copy away (a copy identical to the stored one is dropped, not stored twice).

    Returns (file id, where it is now) for the rows whose stored path must be updated.
    """
    stored = []
    for d in done:
        if os.path.lexists(d.file.path):
            where = filing.file_away(
                d.file.path, d.status, d.reason, d.file.sha256, archive, quarantine, known=d.stored_path
            )
            if str(where) != d.stored_path:
                stored.append((d.file_id, str(where)))
    return stored
