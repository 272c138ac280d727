"""Document kind: what a document is, read from its title block, and what is never loaded as a department's
whole expenditure. Fixtures written for these tests."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from jixiao import pipeline
from jixiao.db import repository as repo
from jixiao.db.engine import get_engine
from jixiao.parse import parse_report
from jixiao.read import ReadLimits, normalise
from jixiao.units.match import Matcher
from jixiao.units.registry import load_registry

BODY = "\n一、基本情况\n2023年度总支出799.12万元,其中基本支出499.12万元,项目支出300.00万元。\n"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        pytest.param(
            "某某县科学技术协会2023年度部门整体支出绩效自评报告", "dept_report", id="department-report"
        ),
        pytest.param("某某县科学技术协会2023年度部门整体绩效自评表", "dept_table", id="department-table"),
        pytest.param(
            "2023年度科普惠民项目支出绩效自评报告\n项目名称:科普惠民", "project_report", id="project-report"
        ),
        pytest.param("某某县科协2023年度专项资金绩效自评报告", "project_report", id="special-fund-report"),
        pytest.param(
            "项目名称:青少年科技创新大赛\n主管部门:某某县科学技术协会", "project_report", id="project-header"
        ),
        pytest.param("某某县财政局关于2023年度部门整体支出绩效自评结果的公示", "other", id="notice"),
        pytest.param(
            "某某县科学技术协会2023年度整体支出绩效评价报告\n根据《某某县财政局关于开展绩效自评工作的通知》要求",
            "dept_report",
            id="quoted-notice-is-not-the-title",
        ),
        pytest.param("某某县科学技术协会\n一、部门概况", "dept_report", id="no-title-default"),
        pytest.param(
            "某某县科学技术协会2023年度部门整体支出绩效自评报告\n根据县财政局绩效自评工作通知要求",
            "dept_report",
            id="notice-cited-below-the-report-title",
        ),
        pytest.param(
            "某某县财政局关于开展2023年度部门整体支出绩效自评工作的\n通知",
            "other",
            id="notice-title-wrapped-over-two-lines",
        ),
        pytest.param(
            "附件1\n部门整体支出绩效自评报告\n部门(单位)名称:某某县科学技术协会\n2023年4月28日\n目录\n摘要",
            "dept_report",
            id="a-cover-page-then-its-table-of-contents",
        ),
        pytest.param("某某县2023年度绩效自评报告目录", "other", id="a-list-titled-目录-is-still-a-list"),
    ],
)
def test_document_kind(head: str, kind: str) -> None:
    parsed = parse_report(normalise(head + BODY).text)
    assert parsed.value("doc_kind") == kind


def test_kind_has_evidence() -> None:
    t = normalise("某某县科协2023年度科普惠民项目支出绩效自评报告" + BODY).text
    fact = parse_report(t).facts["doc_kind"]
    assert t[fact.evidence.start : fact.evidence.end] == "项目支出绩效"


def _load(db_url: str, tmp_path: Path, files: dict[str, str]) -> repo.LoadResult:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, body in files.items():
        (inbox / name).write_text(body, encoding="utf-8")
    engine = get_engine(db_url)
    repo.sync_registry(engine, load_registry())
    claimed, _ = repo.claim_files(engine, [pipeline.describe(inbox / n, inbox) for n in files], "r1")
    results = pipeline.read_and_parse_many([(c.file_id, str(c.file.path)) for c in claimed], ReadLimits(), 1)
    matches = pipeline.match_many(results, Matcher(load_registry(), repo.learned_aliases(engine)))
    return repo.load_batch(engine, "r1", list(zip(claimed, results, strict=True)), matches)


@pytest.mark.parametrize(
    ("head", "loaded"),
    [
        pytest.param(
            "临泽县科学技术协会2023年度部门整体支出绩效自评报告", True, id="department-report-loads"
        ),
        pytest.param(
            "临泽县科学技术协会2023年度科普惠民项目支出绩效自评报告", False, id="project-report-refused"
        ),
        pytest.param("临泽县财政局关于2023年度部门整体支出绩效自评结果的公示", False, id="notice-refused"),
    ],
)
def test_only_department_documents_load_as_department_totals(
    db_url: str, tmp_path: Path, head: str, loaded: bool
) -> None:
    out = _load(db_url, tmp_path, {"a.txt": head + BODY + "\n临泽县科学技术协会\n2024年3月1日\n"})
    (outcome,) = out.outcomes
    with get_engine(db_url).connect() as conn:
        totals = conn.execute(text("select expenditure_total from report")).scalars().all()
    with get_engine(db_url).connect() as conn:
        stored = {
            t: conn.execute(text(f"select count(*) from {t}")).scalar_one()
            for t in ("report", "report_field", "project_line")
        }
    if loaded:
        assert outcome.status == "loaded"
        assert [Decimal(str(t)) for t in totals] == [Decimal("799.12")]
        assert outcome.doc_kind == "dept_report"
    else:
        assert outcome.status == "quarantined"
        assert outcome.reason is not None and "not loaded as a 部门整体 report" in outcome.reason
        assert totals == []
        # Nothing of it is stored anywhere: no report row, no figure with its evidence, no project line.
        assert stored == {"report": 0, "report_field": 0, "project_line": 0}


TABLE = (
    "资金情况(万元)\t年初预算数\t全年预算数\t全年执行数\t执行率\t得分\n"
    "年度资金总额\t800.00\t820.00\t799.12\t97.45%\t9.7\n"
    "自评总分\t96.20\n\n{unit}\n2024年3月2日\n"
)


@pytest.mark.parametrize(
    ("body", "kind", "basis"),
    [
        pytest.param(
            "临泽县科学技术协会2023年度部门整体支出绩效自评报告"
            + BODY
            + "\n临泽县科学技术协会\n2024年3月1日\n",
            "dept_report",
            "整体支出绩效",
            id="report-kind-from-its-title",
        ),
        pytest.param(
            "临泽县科学技术协会2023年度部门整体支出绩效自评表\n" + TABLE.format(unit="临泽县科学技术协会"),
            "dept_table",
            "自评表",
            id="table-kind-from-its-title",
        ),
        pytest.param(
            "临泽县科学技术协会\n2023年度\n" + TABLE.format(unit="临泽县科学技术协会"),
            "dept_table",
            "无标题，有资金情况表",
            id="untitled-table-kind-from-its-money-table",
        ),
        pytest.param(
            "临泽县科学技术协会2023年度科普惠民项目支出绩效自评报告"
            + BODY
            + "\n临泽县科学技术协会\n2024年3月1日\n",
            None,
            "项目支出绩效",
            id="project-report-refused-kind-in-reason",
        ),
    ],
)
def test_kind_and_its_basis_in_export_and_ui_artifact(
    db_url: str, tmp_path: Path, body: str, kind: str | None, basis: str
) -> None:
    from jixiao.db import queries
    from jixiao_cli.reads import write_csv
    from tasks.artifacts import files_table

    out = _load(db_url, tmp_path, {"a.txt": body})
    (row,) = files_table(out.outcomes)
    reports = queries.reports(get_engine(db_url), queries.ReportFilter())
    if kind is None:  # refused: no report to export; the UI row's reason names the kind and its words
        assert (row["status"], row["kind"], reports) == ("quarantined", "", [])
        assert "项目" in str(row["reason"]) and basis in str(row["reason"])
        return
    (report,) = reports
    as_json = report.model_dump(mode="json")
    assert as_json["doc_kind"] == kind and basis in as_json["doc_kind_basis"]
    assert row["kind"] == f"{kind} ({as_json['doc_kind_basis']})"
    buf = io.StringIO()
    write_csv([report], buf, excel=False)
    header, values = list(csv.reader(io.StringIO(buf.getvalue())))
    cells = dict(zip(header, values, strict=True))
    assert (cells["文件类型"], cells["文件类型依据"]) == (kind, as_json["doc_kind_basis"])
