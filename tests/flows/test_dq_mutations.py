"""Mutation tests: seeds altered to break one identity each are flagged with the right check and report,
and the alert e-mail received by a local SMTP server names them."""

from __future__ import annotations

import email
import email.header
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.support import seed
from tests.test_alerts import Inbox, body_of, free_port

MUTATIONS = [
    pytest.param(
        "001",
        ("预算执行率为 98.32%", "预算执行率为 101.2%"),
        "execution_rate_at_most_100",
        id="execution-rate-101.2",
    ),
    pytest.param(
        "001",
        ("占基本支出比例92.68%", "占基本支出比例60.00%", "占基本支出比例7.32%", "占基本支出比例41.00%"),
        "shares_sum_to_100",
        id="shares-60+41",
    ),
    pytest.param(
        "000",
        ("包括人员经费136.78万元", "包括人员经费130.78万元"),
        "personnel_plus_public_equals_basic",
        id="personnel-plus-public",
    ),
    pytest.param(
        "000",
        ("部门总支出327.38万元", "部门总支出337.38万元"),
        "basic_plus_project_equals_total",
        id="basic-plus-project",
    ),
    pytest.param(
        "001",
        ("2023年4月17日", "2022年4月17日"),
        "report_date_consistent_with_year",
        id="dated-inside-fiscal-year",
    ),
    pytest.param(
        "001",
        ("1\t科普经费\t\t220.84", "1\t科普经费\t\t250.84"),
        "project_lines_sum_to_project_expenditure",
        id="project-table-off",
    ),
    pytest.param(
        "003",
        ("61.99%", "62.99%", "38.01%", "37.01%"),
        "stated_rate_matches_figures",
        id="stated-shares-disagree",
    ),
]


def mutate(prefix: str, swaps: tuple[str, ...]) -> str:
    text = seed(prefix).read_text(encoding="utf-8")
    for old, new in zip(swaps[::2], swaps[1::2], strict=True):
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.mark.usefixtures("prefect_api")
@pytest.mark.parametrize(("prefix", "swaps", "check_id"), MUTATIONS)
def test_mutation_is_flagged_and_alerted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefix: str, swaps: tuple[str, ...], check_id: str
) -> None:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.ingest import ingest
    from jixiao.db import repository as repo
    from jixiao.db.engine import get_engine

    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        home = tmp_path / "h"
        (home / "inbox").mkdir(parents=True)
        (home / "inbox" / f"mutated-{prefix}.txt").write_text(mutate(prefix, swaps), encoding="utf-8")
        monkeypatch.setenv(
            "JIXIAO_ALERT_URLS",
            f"mailto://127.0.0.1:{port}?from=jx@example.org&to=ops@example.org&mode=insecure",
        )
        monkeypatch.setenv("JIXIAO_ALERT_ON_WARNINGS", "true")
        db_url = f"sqlite:///{tmp_path / 'm.db'}"
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            summary: dict[str, Any] = ingest(home=str(home), database_url=db_url, workers=1)
        report_id = summary["outcomes"][0]["report_id"]
        failures = repo.dq_results(get_engine(db_url), summary["run_id"], failed_only=True)
        assert {(d["check"], d["report_id"]) for d in failures} >= {(check_id, report_id)}
        assert not [d for d in failures if d["status"] == "check_error"]
        assert len(handler.messages) == 1
        body = body_of(handler.messages[0])
        assert check_id in body and f"mutated-{prefix}.txt" in body
        assert "原文证据：「" in body  # the evidence snippet from the report itself, labelled in the mail
        subject = str(email.header.make_header(email.header.decode_header(handler.messages[0]["Subject"])))
        assert "数据质量告警" in subject
    finally:
        controller.stop()
