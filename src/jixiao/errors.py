"""Named exceptions whose messages tell the user what to do."""

from __future__ import annotations


class JixiaoError(Exception):
    """Base class of every error jixiao raises on purpose."""


class ReadError(JixiaoError):
    """A file could not be turned into text. ``reason`` is shown in the quarantine note."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OcrDeferred(ReadError):
    """A PDF has pages without a text layer and OCR was left to its own pool (``ReadLimits.ocr`` False)."""


class DatabaseUnavailable(JixiaoError):
    """The database could not be reached; transient, worth a retry."""


class DatabaseMissing(JixiaoError):
    """A read command found no database: nothing is created, the message names where it looked."""


class BadDatabaseUrl(JixiaoError):
    """JIXIAO_DATABASE_URL / --database-url is not a URL jixiao can use (SQLite or PostgreSQL)."""


class NotFound(JixiaoError):
    """A run, file status, unit or report the user named does not exist; the message says what does."""
