"""A run's claimed files as one stream of read+parse results, taken by the flow in chunks.

The worker pool lives for the whole run and reads ahead by at most one chunk (``pipeline.iter_read_and_parse``
``ahead``), so the run holds at most two chunks of texts and parsed reports whatever its size, while the
workers read the next chunk as the flow matches, validates and loads the current one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice

from jixiao import pipeline
from jixiao.db.claims import Claimed
from jixiao.fsutil import sha256_file
from jixiao.pipeline import ReadParseResult
from jixiao.read import ReadLimits


def read_parse_stream(
    claimed: Sequence[Claimed], limits: ReadLimits, workers: int, ahead: int
) -> Iterator[ReadParseResult]:
    """Files refused before reading first, then each readable file's result as it is ready."""
    by_id = {c.file_id: c for c in claimed}
    for c in claimed:
        if c.file.refused:
            yield ReadParseResult(c.file_id, c.file.refused)
    readable = [(c.file_id, str(c.file.path)) for c in claimed if not c.file.refused]
    for _, r in pipeline.iter_read_and_parse(readable, limits, workers, ahead=ahead):
        yield unchanged(by_id[r.file_id], r)


def take(stream: Iterator[ReadParseResult], n: int) -> list[ReadParseResult]:
    """The stream's next ``n`` results (fewer at its end)."""
    return list(islice(stream, n))


def n_chunks(n_files: int, size: int) -> int:
    return max(1, -(-n_files // max(1, size)))


def unchanged(c: Claimed, r: ReadParseResult) -> ReadParseResult:
    """The ledger's hash must be the hash of the bytes that were parsed: a file rewritten since it was
    claimed is refused (its reason says so) instead of loading one version under another's hash."""
    if c.file.refused or not r.ok:
        return r
    try:
        same = sha256_file(c.file.path) == c.file.sha256
    except OSError:
        same = False
    if same:
        return r
    return ReadParseResult(
        c.file_id, "the file changed while it was being read (still being written?): deliver it again"
    )
