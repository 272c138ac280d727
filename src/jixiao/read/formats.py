"""Dispatch for the formats beyond text, .docx and text-layer PDF: spreadsheets, legacy Word/WPS and OFD.

Each reader returns an ``Extracted`` (``jixiao.read.containers``) under the same ``ReadLimits`` as the core
readers: the per-file time budget, the inflated-size limit for zip containers, the page limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jixiao.read.containers import Deadline, Extracted

if TYPE_CHECKING:
    from jixiao.read import ReadLimits


def read_other(data: bytes, suffix: str, limits: ReadLimits) -> Extracted:
    fmt = suffix.lstrip(".")
    budget = Deadline(limits.timeout_s)
    if fmt in ("xlsx", "xls", "et"):
        from jixiao.read.sheets import read_sheets

        return read_sheets(data, fmt, limits.max_inflated_bytes, budget)
    if fmt in ("doc", "wps"):
        from jixiao.read.ole import read_word97

        return read_word97(data, fmt, budget)
    if fmt == "ofd":
        from jixiao.read.ofd import read_ofd

        return read_ofd(data, limits.max_inflated_bytes, limits.max_pdf_pages, budget)
    raise ValueError(f"no reader for {suffix}")
