"""What an ingest run did, as plain data: the flow's result, the CLI's output and the ``ingest_run`` row.

``summarise_run`` is the run's post-load bookkeeping — counts by file status, superseded reports, data-quality
failures by severity and the run's end state — computed from the load's file outcomes and the run's check
outcomes, without touching the database or Prefect. The flow maps ``RunSummary.state`` onto a Prefect state;
``db.runs.finish_run`` stores ``RunSummary.record()``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from jixiao.quality import CheckOutcome
from jixiao.status import CheckStatus, FileStatus, RunState, Severity

if TYPE_CHECKING:
    from jixiao.db.load import FileOutcome


@dataclass(frozen=True)
class FileRow:
    """One file's outcome as the run reports it."""

    file: str
    status: str
    unit: str | None
    adcode: str | None
    year: int | None
    reason: str | None
    report_id: int | None


@dataclass(frozen=True)
class RunSummary(Mapping[str, Any]):
    """The run's counts and end state. Read as a mapping it is the JSON the CLI prints (``as_dict``)."""

    run_id: str
    flow_run_id: str | None
    files_seen: int
    already_processed: int
    claimed: int
    by_status: Mapping[str, int] = field(default_factory=dict)
    reports_loaded: int = 0
    superseded: int = 0
    review_items: int = 0
    dq_errors: int = 0
    dq_warnings: int = 0
    dq_check_errors: int = 0
    state: RunState = RunState.COMPLETED
    data_docs: str | None = None
    alert_delivered: bool | None = None
    outcomes: tuple[FileRow, ...] = ()

    @property
    def errors(self) -> int:
        """Error-level failures and broken checks: what makes the run need a person."""
        return self.dq_errors + self.dq_check_errors

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(by_status=dict(self.by_status), state=str(self.state))
        out["outcomes"] = [asdict(o) for o in self.outcomes]
        return out

    def record(self) -> dict[str, Any]:
        """What the ``ingest_run`` row keeps: everything but the per-file rows (``jixiao files`` has them)."""
        out = self.as_dict()
        del out["outcomes"]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunSummary:
        """The summary back from ``as_dict`` (the resident runner sends it to the command as JSON)."""
        values = {k: data[k] for k in _FIELDS if k in data}
        values["state"] = RunState(values.get("state", RunState.COMPLETED))
        values["outcomes"] = tuple(FileRow(**o) for o in values.get("outcomes", ()))
        return cls(**values)

    def __getitem__(self, key: str) -> Any:
        if key not in _FIELDS:
            raise KeyError(key)
        value = getattr(self, key)
        if key == "outcomes":
            return [asdict(o) for o in value]
        return dict(value) if key == "by_status" else value

    def __iter__(self) -> Iterator[str]:
        return iter(_FIELDS)

    def __len__(self) -> int:
        return len(_FIELDS)


_FIELDS = tuple(f.name for f in fields(RunSummary))


def end_state(dq_errors: int, claimed: int, quarantined: int, fail_on_dq_errors: bool) -> RunState:
    """Plain ``Completed`` only when nothing needs a person; error-level failures name the state (and fail
    the run with JIXIAO_FAIL_ON_DQ_ERRORS); a run whose every file was quarantined says so."""
    if dq_errors:
        return RunState.FAILED_WITH_DQ_ERRORS if fail_on_dq_errors else RunState.COMPLETED_WITH_DQ_ERRORS
    if claimed and quarantined == claimed:
        return RunState.ALL_QUARANTINED
    return RunState.COMPLETED


def file_row(o: FileOutcome) -> FileRow:
    return FileRow(o.name, o.status, o.unit_name, o.adcode, o.fiscal_year, o.reason, o.report_id)


def summarise_run(
    taken: RunSummary,
    files: Sequence[FileOutcome],
    checks: Sequence[CheckOutcome],
    *,
    review_items: int,
    fail_on_dq_errors: bool,
    data_docs: str | None = None,
    alert_delivered: bool | None = None,
) -> RunSummary:
    """The run's summary after its files were loaded and checked (``taken``: what the inbox step counted)."""
    by_status = Counter(str(o.status) for o in files)
    failing = [o for o in checks if o.status != CheckStatus.PASS]
    dq_errors = sum(1 for o in failing if o.severity == Severity.ERROR)
    check_errors = sum(1 for o in failing if o.status == CheckStatus.CHECK_ERROR)
    return replace(
        taken,
        by_status=dict(by_status),
        reports_loaded=by_status.get(FileStatus.LOADED, 0),
        superseded=sum(len(o.superseded) for o in files),
        review_items=review_items,
        dq_errors=dq_errors,
        dq_warnings=sum(1 for o in failing if o.severity == Severity.WARNING),
        dq_check_errors=check_errors,
        state=end_state(
            dq_errors + check_errors,
            taken.claimed,
            by_status.get(FileStatus.QUARANTINED, 0),
            fail_on_dq_errors,
        ),
        data_docs=data_docs,
        alert_delivered=alert_delivered,
        outcomes=tuple(file_row(o) for o in files),
    )
