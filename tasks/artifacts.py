"""Artifacts for operators in the Prefect UI. Keys must be lowercase ASCII, so no unit names in keys."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from jixiao.alerts import ReportInfo
from jixiao.db.repository import FileOutcome
from jixiao.quality import CheckOutcome

FILES_KEY = "ingest-files"
DQ_KEY = "ingest-dq"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def md_text(value: object) -> str:
    """Text from a report (file, unit, observed value, evidence) as inert markdown: no HTML, no links or
    emphasis, no table cell breaks, one line."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def dq_markdown(outcomes: Sequence[CheckOutcome], infos: Mapping[int, ReportInfo], run_id: str) -> str:
    failing = [o for o in outcomes if o.status != "pass"]
    lines = [f"# Data quality · run {md_text(run_id)}", ""]
    if not failing:
        lines.append(f"All {len(outcomes)} check outcome(s) passed.")
    else:
        # A narrow table fits the UI pane; expected values and evidence follow as a list.
        lines += ["| # | severity | check | report | observed |", "|---|---|---|---|---|"]
        notes = []
        for i, o in enumerate(failing, 1):
            info = infos.get(o.file_id) if o.file_id is not None else None
            if info:
                who = f"{info.unit_name} {info.fiscal_year or ''} ({info.file_name})"
            else:
                who = "batch" if o.file_id is None else f"file {o.file_id}"

            lines.append(
                f"| {i} | {md_text(o.severity)} | {md_text(o.check_id)} | {md_text(who)} | {md_text(o.observed or '')} |"
            )
            msg = md_text((o.message or "")[:300])
            notes.append(f"{i}. expected: {md_text(o.expected or '—')} — evidence: {msg}")
        lines += ["", *notes]
    lines += ["", f"See more: `jixiao dq --run {run_id}` (add `--failed` for failures only)."]
    return "\n".join(lines)


def files_table(file_outcomes: Sequence[FileOutcome]) -> list[dict[str, object]]:
    """The ingest-files artifact's rows: each file's outcome, unit, year, and what the document is with the
    words that said so (a refused kind is in the reason)."""
    return [
        {
            "file": o.name,
            "status": o.status,
            "unit": o.unit_name or "",
            "adcode": o.adcode or "",
            "year": o.fiscal_year or "",
            "kind": f"{o.doc_kind} ({o.kind_basis})" if o.doc_kind else "",
            "reason": o.reason or "",
        }
        for o in file_outcomes
    ]


def publish(
    file_outcomes: Sequence[FileOutcome],
    outcomes: Sequence[CheckOutcome],
    infos: Mapping[int, ReportInfo],
    run_id: str,
) -> None:
    create_table_artifact(
        key=FILES_KEY, table=files_table(file_outcomes), description=f"File outcomes of ingest run {run_id}"
    )
    create_markdown_artifact(
        key=DQ_KEY,
        markdown=dq_markdown(outcomes, infos, run_id),
        description=f"Data-quality failures of ingest run {run_id}",
    )
