"""The export schema, defined once: ``ReportPublic`` is what the CLI table, JSON, CSV, .xlsx and the browser show.

Each field carries its Chinese header (``title``) and its kind (money in 万元, percent, score, count, text…),
from which every output derives its headers, number formats and flat (CSV/sheet) value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MONEY, PERCENT, SCORE, COUNT, YEAR, TEXT, DATE, LIST, EVIDENCE = (
    "money",
    "percent",
    "score",
    "count",
    "year",
    "text",
    "date",
    "list",
    "evidence",
)


def _f(title: str, kind: str = TEXT, *, default: Any = None) -> Any:
    return Field(default=default, title=title, json_schema_extra={"kind": kind})


class ProjectLinePublic(BaseModel):
    seq: int
    name: str
    amount: float | None = None  # 万元
    score: float | None = None


class DqFinding(BaseModel):
    check: str
    status: str
    severity: str
    observed: str | None = None
    message: str | None = None


class EvidencePublic(BaseModel):
    start: int
    end: int
    snippet: str
    page: int | None = None


class ReportPublic(BaseModel):
    """One report version as the public sees it; null where the report does not state a value."""

    model_config = ConfigDict(frozen=True)

    report_id: int = _f("报告编号", COUNT, default=0)
    unit_name: str | None = _f("单位名称")
    province: str | None = _f("省")
    city: str | None = _f("市")
    county: str | None = _f("县")
    adcode: str | None = _f("行政区划代码")
    department_type: str | None = _f("部门类型")
    fiscal_year: int | None = _f("年度", YEAR)
    doc_kind: str | None = _f("文件类型")
    doc_kind_basis: str | None = _f("文件类型依据")
    report_date: str | None = _f("报告日期", DATE)
    budget_initial: float | None = _f("年初预算(万元)", MONEY)
    income_total: float | None = _f("收入合计(万元)", MONEY)
    expenditure_total: float | None = _f("支出合计(万元)", MONEY)
    basic_expenditure: float | None = _f("基本支出(万元)", MONEY)
    personnel_expense: float | None = _f("人员经费(万元)", MONEY)
    public_expense: float | None = _f("公用经费(万元)", MONEY)
    project_expenditure: float | None = _f("项目支出(万元)", MONEY)
    execution_rate: float | None = _f("预算执行率(%)", PERCENT)
    personnel_share: float | None = _f("人员经费占比(%)", PERCENT)
    public_share: float | None = _f("公用经费占比(%)", PERCENT)
    score: float | None = _f("自评得分", SCORE)
    grade: str | None = _f("自评等级")
    staff_quota: int | None = _f("编制人数", COUNT)
    staff_actual: int | None = _f("实有人数", COUNT)
    match_status: str | None = _f("单位匹配")
    is_current: bool = _f("版本", TEXT, default=True)
    superseded_by: int | None = _f("被替代于(报告编号)", COUNT)
    version_reason: str | None = _f("替代原因")
    project_lines: list[ProjectLinePublic] = _f("项目", LIST, default=[])
    source_files: list[str] = _f("来源文件", LIST, default=[])
    dq: list[DqFinding] = _f("数据质量", LIST, default=[])
    evidence: dict[str, EvidencePublic] = _f("证据", EVIDENCE, default={})


# What decided a document's kind when no words of its own did (the kind's evidence span is empty).
_KIND_DEFAULTS = {
    "dept_table": "无标题，有资金情况表",
    "dept_report": "无标题写明其他类型（默认）",
}


def kind_basis(kind: str | None, words: str | None) -> str | None:
    """Why a document is of ``kind``: the words that decided it (its evidence), or the default that did."""
    if kind is None:
        return None
    if words:
        return words
    return _KIND_DEFAULTS.get(kind, "")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str


def columns() -> list[Column]:
    """Every field of the schema, in order, with its Chinese header and kind."""
    out = []
    for key, info in ReportPublic.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        out.append(Column(key, info.title or key, str(extra.get("kind", TEXT))))
    return out


PUBLIC_KEYS: list[str] = list(ReportPublic.model_fields)
# The flat columns of a sheet or CSV: the evidence has its own sheet, project lines are counted.
FLAT_COLUMNS: list[Column] = [c for c in columns() if c.kind != EVIDENCE and c.key != "project_lines"]


def flat_value(report: ReportPublic, key: str) -> Any:
    """A field as one cell: lists joined with ；, dq as the failing checks, versions as 当前/已替代."""
    value = getattr(report, key)
    if key == "is_current":
        return "当前" if value else "已替代"
    if key == "dq":
        return "；".join(sorted({d.check for d in report.dq if d.status != "pass"})) or "通过"
    if key == "source_files":
        return "；".join(value)
    return value


# Values the parser reads that the export schema does not carry as columns (they are in the evidence).
OTHER_TITLES = {
    "title": "标题",
    "budget_adjusted": "调整后预算(万元)",
    "sangong_budget": "三公经费预算(万元)",
    "sangong_actual": "三公经费支出(万元)",
    "carryover_start": "年初结转结余(万元)",
    "carryover_end": "年末结转结余(万元)",
    "assets_total": "资产总额(万元)",
    "fixed_assets_net": "固定资产净值(万元)",
    "staff_retired": "退休人数",
    "problems": "存在问题",
    "measures": "改进措施",
}
FIELD_TITLES: dict[str, str] = {**OTHER_TITLES, **{c.key: c.header for c in columns()}}


def field_title(name: str) -> str:
    """The Chinese title of an evidence field (a schema field, or the parser's own name when not exported)."""
    return FIELD_TITLES.get(name, name)
