"""A unit-year's 自评表 and 报告 are two documents of one report: merged, and a disagreement is a finding."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from jixiao.db.engine import get_engine
from jixiao.merge import MERGED_FIELDS, merge_documents
from tests.parse.test_doc_kind import _load


@pytest.mark.parametrize(
    ("report", "table", "values", "findings"),
    [
        pytest.param(
            {"expenditure_total": Decimal("799.12")},
            {"expenditure_total": Decimal("799.120000"), "score": Decimal("96.2")},
            {"expenditure_total": Decimal("799.12"), "score": Decimal("96.2")},
            [],
            id="gap-filled-equal-values-agree",
        ),
        pytest.param(
            {"expenditure_total": Decimal("799.12"), "grade": "优"},
            {"expenditure_total": Decimal("789.12"), "grade": "良"},
            {"expenditure_total": Decimal("799.12"), "grade": "优"},
            ["expenditure_total", "grade"],
            id="disagreement-kept-as-finding-not-overwritten",
        ),
    ],
)
def test_merge_documents(
    report: dict[str, object], table: dict[str, object], values: dict[str, object], findings: list[str]
) -> None:
    merged = merge_documents(report, table, MERGED_FIELDS)  # type: ignore[arg-type]  # plain test values
    assert {k: v for k, v in merged.values.items() if v is not None} == values
    assert [d.field for d in merged.disagreements] == findings


REPORT = (
    "临泽县科学技术协会2023年度部门整体支出绩效自评报告\n一、基本情况\n"
    "2023年度总支出799.12万元,其中基本支出499.12万元,项目支出300.00万元。\n"
    "\n临泽县科学技术协会\n2024年3月1日\n"
)
TABLE = (
    "临泽县科学技术协会2023年度部门整体支出绩效自评表\n"
    "资金情况(万元)\t年初预算数\t全年预算数\t全年执行数\t执行率\t得分\n"
    "年度资金总额\t800.00\t820.00\t{total}\t97.45%\t9.7\n"
    "自评总分\t96.20\n"
    "\n临泽县科学技术协会\n2024年3月2日\n"
)


@pytest.mark.parametrize(
    ("total", "conflicts"),
    [
        pytest.param("799.12", None, id="agreeing-documents-merge-silently"),
        pytest.param(
            "789.12",
            [{"field": "expenditure_total", "report": "799.12", "table": "789.12"}],
            id="disagreement-recorded",
        ),
    ],
)
def test_report_and_table_load_as_one_report(
    tmp_path: Path, total: str, conflicts: list[dict[str, str]] | None
) -> None:
    db_url = f"sqlite:///{tmp_path / 'j.db'}"
    out = _load(db_url, tmp_path, {"a-report.txt": REPORT, "b-table.txt": TABLE.format(total=total)})
    assert [o.status for o in out.outcomes] == ["loaded", "loaded"]
    with get_engine(db_url).connect() as conn:
        rows = conn.execute(
            text(
                "select doc_kind, expenditure_total, score, budget_adjusted, merge_conflicts from report where is_current"
            )
        ).all()
    ((kind, expenditure, score, budget, found),) = rows
    assert kind == "dept_report"
    assert Decimal(str(expenditure)) == Decimal("799.12")  # the report's figure stands
    assert (Decimal(str(score)), Decimal(str(budget))) == (Decimal("96.2"), Decimal("820"))  # from the table
    if conflicts is None:
        assert found is None
    else:
        assert json.loads(found) == conflicts
    # The disagreement is a data-quality finding of the loaded suite, on the database itself.
    from expectations.runner import validate_loaded

    check = next(
        o
        for o in validate_loaded(db_url, context_dir=tmp_path / "gx")
        if o.check_id == "self_evaluation_table_agrees_with_report"
    )
    assert check.status == ("pass" if conflicts is None else "fail")
