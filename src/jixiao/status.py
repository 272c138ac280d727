"""The states stored in the database, one enum each.

``StrEnum`` members are the very strings stored (``FileStatus.LOADED == "loaded"``), so rows written before
these enums existed read back unchanged and no migration is needed. The columns stay ``str`` (an Enum
column type would store the member's *name*).
"""

from __future__ import annotations

from enum import StrEnum


class FileStatus(StrEnum):
    """``source_file.status``: a file is claimed by a run, then ends in exactly one terminal state."""

    CLAIMED = "claimed"
    LOADED = "loaded"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"

    @classmethod
    def terminal(cls) -> tuple[FileStatus, ...]:
        return (cls.LOADED, cls.DUPLICATE, cls.QUARANTINED)


class MatchStatus(StrEnum):
    """``report.match_status``: the unit is known, waits for a person, or is none of the registry's."""

    MATCHED = "matched"
    NEEDS_REVIEW = "needs_review"
    UNMATCHED = "unmatched"


class ReviewStatus(StrEnum):
    """``review_item.status``."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class CheckStatus(StrEnum):
    """``dq_result.status``: ``check_error`` is a broken check, never a data failure."""

    PASS = "pass"
    FAIL = "fail"
    CHECK_ERROR = "check_error"


class Severity(StrEnum):
    """``dq_result.severity``: an error fails the run (and an identity error holds the report for review)."""

    ERROR = "error"
    WARNING = "warning"


class RunState(StrEnum):
    """``ingest_run.summary["state"]``: the Prefect end state's name, or how jixiao closed the run.

    The non-plain names are also the flow run's state names in the Prefect UI, so an operator reads the
    same words in both places.
    """

    RUNNING = "running"
    COMPLETED = "Completed"
    COMPLETED_WITH_DQ_ERRORS = "Completed with DQ errors"
    ALL_QUARANTINED = "Completed, all quarantined"
    FAILED_WITH_DQ_ERRORS = "Failed with DQ errors"
    KILLED = "Killed"
