"""What the spreadsheet, OLE (.doc/.wps), OFD and OCR readers share: their result and the guards they use.

Each of those readers returns an ``Extracted``: the raw text, tables as rows of cells (the shape the .docx
and PDF readers give), the raw offsets where each page (or sheet) starts, and anchors that tie stretches of
the raw text to where they came from (a cell address, an OCR line with its confidence).
"""

from __future__ import annotations

import io
import time
import zipfile
from dataclasses import dataclass
from typing import Protocol

from jixiao.errors import ReadError

Table = tuple[tuple[str, ...], ...]
MAX_ZIP_MEMBERS = 10_000


class Budget(Protocol):
    def check(self, what: str) -> None: ...


class Deadline:
    """A per-file time budget (the same contract as the core readers' budget)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds

    def check(self, what: str) -> None:
        if time.monotonic() > self.deadline:
            raise ReadError(f"took longer than the {self.seconds:g} s budget ({what})")

    def left(self) -> float:
        return self.deadline - time.monotonic()


@dataclass(frozen=True)
class Anchor:
    """Where a stretch of text came from: ``start``/``end`` are offsets in the raw text (the reader maps
    them into the normalised text); ``confidence`` is the OCR engine's score (0-1), None for exact text."""

    start: int
    end: int
    where: str  # "自评表!B7", "page 2 (OCR)"
    confidence: float | None = None


@dataclass(frozen=True)
class Extracted:
    raw: str
    tables: tuple[Table, ...] = ()
    page_starts: tuple[int, ...] = ()
    cells: tuple[tuple[int, str], ...] = ()  # (raw offset where a cell's text starts, "Sheet!B7")
    anchors: tuple[Anchor, ...] = ()


def mib(n: float) -> str:
    return f"{n / 1024**2:.1f} MB"


def guard_zip(data: bytes, fmt: str, max_inflated: int, budget: Budget, *, required: str, kind: str) -> None:
    """Refuse a zip container that is damaged, lacks ``required``, or inflates past ``max_inflated``.

    The central directory can lie about sizes, so every member is inflated in 1 MiB pieces and counted.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise ReadError(f"corrupt .{fmt}: not a zip archive (damaged or truncated)") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise ReadError(f"refused .{fmt}: {len(infos)} parts in the archive, over {MAX_ZIP_MEMBERS}")
        names = {i.filename.lstrip("/") for i in infos}
        if required not in names:
            raise ReadError(f"corrupt .{fmt}: {required} is missing (not {kind}?)")
        if any(i.flag_bits & 0x1 for i in infos):
            raise ReadError(f"refused .{fmt}: it is encrypted (password-protected)")
        declared = sum(i.file_size for i in infos)
        if declared > max_inflated:
            raise ReadError(
                f"refused .{fmt}: it inflates to {mib(declared)}, over the {mib(max_inflated)} limit (zip bomb?)"
            )
        total = 0
        for info in infos:
            try:
                with zf.open(info) as f:
                    while chunk := f.read(1 << 20):
                        total += len(chunk)
                        if total > max_inflated:
                            raise ReadError(
                                f"refused .{fmt}: it inflates past the {mib(max_inflated)} limit (zip bomb?)"
                            )
                        budget.check(f"inflating the .{fmt}")
            except ReadError:
                raise
            except Exception as exc:  # zipfile raises many kinds on damaged data
                raise ReadError(
                    f"corrupt .{fmt}: {info.filename} cannot be inflated ({type(exc).__name__}: {exc})"
                ) from exc
