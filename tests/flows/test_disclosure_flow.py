"""End-to-end: a 部门决算公开 dropped in the inbox is quarantined with a readable reason and loads no report row,
while the same department's self-evaluation, which quotes its 决算, loads. Real Prefect API, real GX, a real
SQLite file. Fixtures written for this test."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tests.flows.test_ingest_flow import run

UNIT = "临泽县科学技术协会"

DISCLOSURE = f"""{UNIT}2023年度部门决算公开
第一部分 部门概况
一、部门主要职责
二、部门决算单位构成
第二部分 2023年度部门决算情况说明
一、收入支出决算总体情况说明
2023年度收入总计799.12万元，支出总计799.12万元，其中基本支出499.12万元，项目支出300.00万元。
二、财政拨款“三公”经费支出决算情况说明
2023年度“三公”经费预算数3.00万元，决算数2.10万元。
三、预算绩效情况说明
组织对5个项目开展绩效自评，涉及资金300.00万元；组织对部门整体支出开展绩效自评。
第三部分 名词解释
{UNIT}
2024年9月1日
"""

SELF_EVALUATION = f"""{UNIT}2023年度部门整体支出绩效自评报告
一、基本情况
根据2023年度部门决算，全年总支出799.12万元，其中基本支出499.12万元，项目支出300.00万元，决算数较年初预算
增加20.00万元。
二、绩效自评结果
{UNIT}
2024年3月1日
"""


@pytest.mark.usefixtures("prefect_api")
@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param(DISCLOSURE, "quarantined", id="final-accounts-disclosure-quarantined"),
        pytest.param(SELF_EVALUATION, "loaded", id="self-evaluation-quoting-final-accounts-loads"),
    ],
)
def test_final_accounts_disclosure_is_quarantined(home: Path, tmp_path: Path, body: str, status: str) -> None:
    from jixiao.db.engine import get_engine

    db_url = f"sqlite:///{tmp_path / 'k.db'}"
    (home / "inbox" / "a.txt").write_text(body, encoding="utf-8")
    summary = run(home, db_url)
    assert summary["by_status"] == {status: 1}
    (outcome,) = summary["outcomes"]
    with get_engine(db_url).connect() as conn:
        totals = conn.execute(text("select expenditure_total, doc_kind from report")).all()
        files = conn.execute(text("select status, reason from source_file")).all()
    if status == "loaded":
        assert [(float(t), k) for t, k in totals] == [(799.12, "dept_report")]
        return
    reason = outcome["reason"]
    assert reason.startswith("部门决算公开, not a performance self-evaluation report: it reads '决算公开'")
    assert "not loaded as a 部门整体 report" in reason
    assert totals == []
    assert [tuple(f) for f in files] == [("quarantined", reason)]
    note = home / "quarantine" / "a.txt.reason.txt"
    assert note.read_text(encoding="utf-8").strip().endswith(reason)
