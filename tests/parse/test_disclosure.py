"""Budget and final-accounts disclosures (部门决算公开, 部门预算公开, 决算说明) are not performance reports, and a
report that quotes 决算 is still one. Fixtures written for these tests (no real document's text)."""

from __future__ import annotations

import pytest

from jixiao.parse import parse_report
from jixiao.parse.kind import refusal
from jixiao.read import normalise

FINAL_ACCOUNTS = """某某县农业农村局2023年度部门决算公开
目  录
第一部分 某某县农业农村局概况
一、部门主要职责
二、部门决算单位构成
第二部分 2023年度部门决算情况说明
一、收入支出决算总体情况说明
2023年度收入总计1256.40万元，支出总计1256.40万元。
二、收入决算情况说明
本年收入合计1180.00万元，其中财政拨款收入1150.00万元。
三、支出决算情况说明
本年支出合计1210.30万元，其中基本支出820.30万元，项目支出390.00万元。
四、财政拨款收入支出决算总体情况说明
五、一般公共预算财政拨款“三公”经费支出决算情况说明
2023年度“三公”经费预算数12.00万元，决算数9.80万元。
六、预算绩效情况说明
组织对12个项目开展绩效自评，涉及资金390.00万元；组织对部门整体支出开展绩效自评，自评得分95分。
第三部分 名词解释
某某县农业农村局
2024年9月10日
"""

BUDGET = """某某市文化广电旅游局2024年部门预算
一、部门主要职责
负责全市文化、广播电视和旅游工作。
二、收支预算总体情况说明
2024年收入预算总计860.00万元，支出预算总计860.00万元。
三、一般公共预算拨款支出预算情况说明
一般公共预算拨款支出预算820.00万元，其中基本支出610.00万元，项目支出210.00万元。
四、“三公”经费支出预算情况说明
五、预算绩效情况说明
2024年实行绩效目标管理的项目6个，涉及资金210.00万元。
"""

REPORT_BODY = """一、部门基本情况
(一)部门主要职责
负责全县水资源的合理开发利用和水利工程建设管理。
二、部门整体支出情况
根据2023年度部门决算，全年收入合计980.00万元，支出合计960.50万元，其中基本支出700.50万元，项目支出
260.00万元；“三公”经费预算数6.00万元，决算数4.20万元。
三、绩效自评结果
部门整体支出绩效自评得分92分。
四、存在的问题
"""


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param(FINAL_ACCOUNTS, "other", id="final-accounts-with-performance-section"),
        pytest.param(BUDGET, "other", id="budget-disclosure"),
        pytest.param(
            "关于某某县民政局2023年度部门决算的说明\n" + FINAL_ACCOUNTS.split("\n", 1)[1],
            "other",
            id="final-accounts-explanation-title",
        ),
        pytest.param(
            "2024年部门预算编制说明\n" + BUDGET.split("\n", 1)[1], "other", id="budget-compilation-notes"
        ),
        pytest.param(
            "部门收入支出决算总表\n单位:万元\n收入 | 决算数 | 支出 | 决算数\n财政拨款收入 | 1150.00 | 基本支出 | 820.30\n",
            "other",
            id="final-accounts-table",
        ),
        pytest.param(
            "中国某某协会\n2023年度部门决算\n" + FINAL_ACCOUNTS.split("\n", 1)[1],
            "other",
            id="title-wrapped-over-two-lines",
        ),
        pytest.param(
            # A budget's table of contents names 项目支出绩效目标表: targets, not an evaluation.
            "项目支出绩效目标表\n" + BUDGET,
            "other",
            id="budget-with-performance-target-table",
        ),
        pytest.param(
            "某某局2024年度部门预算（草案）\n" + BUDGET.split("\n", 1)[1],
            "other",
            id="budget-title-with-a-bracketed-note",
        ),
        pytest.param(
            # No title at all (a page cut from its head): the disclosure's own sections say what it is.
            FINAL_ACCOUNTS.split("\n", 3)[3],
            "other",
            id="final-accounts-sections-without-title",
        ),
        pytest.param(
            # An excerpt that opens at the disclosure's 预算绩效 section: its neighbours still say what it is.
            "十三、预算绩效管理情况说明\n根据预算绩效管理要求，本部门组织对2023年度8个项目开展绩效自评，涉及资金"
            "390.00万元；组织对部门整体支出开展绩效自评，自评得分95分。\n十四、国有资产占用情况说明\n"
            "截至2023年12月31日，共有车辆2辆。\n第三部分 名词解释\n一、财政拨款收入\n",
            "other",
            id="excerpt-opening-at-the-performance-section",
        ),
        pytest.param(
            "某某县水务局2023年度部门整体支出绩效自评报告\n" + REPORT_BODY,
            "dept_report",
            id="self-evaluation-quoting-final-accounts",
        ),
        pytest.param(
            "某某县水务局2023年度部门整体支出绩效自评报告\n目录\n一、部门基本情况\n二、部门整体支出情况\n"
            + REPORT_BODY,
            "dept_report",
            id="self-evaluation-with-table-of-contents",
        ),
        pytest.param("某某县水务局2023年度绩效自评\n" + REPORT_BODY, "dept_report", id="short-title"),
        pytest.param("某某县水务局\n" + REPORT_BODY, "dept_report", id="unit-name-only"),
        pytest.param(
            # No title, and prose about its own 决算: not the disclosure's headings or table titles.
            "一、部门整体支出情况\n(一)收入决算情况:全年收入合计980.00万元。\n(二)支出决算情况:全年支出合计"
            "960.50万元，一般公共预算财政拨款支出决算数900.00万元；“三公”经费支出决算数4.20万元；机关运行"
            "经费支出情况良好。\n二、绩效自评结果\n部门整体支出绩效自评得分92分。\n",
            "dept_report",
            id="untitled-self-evaluation-discussing-its-final-accounts",
        ),
        pytest.param(
            # A self-evaluation published under its 部门决算's name: its own title decides.
            "名称:2023年度某某县水务局部门决算\n2023年度某某县水务局\n整体支出绩效自评报告\n" + REPORT_BODY,
            "dept_report",
            id="self-evaluation-under-final-accounts-caption",
        ),
        pytest.param(
            "某某县水务局2023年度部门整体支出绩效自评表\n"
            "项目 | 年初预算数 | 全年预算数 | 全年执行数\n年度资金总额 | 980.00 | 980.00 | 960.50\n",
            "dept_table",
            id="self-evaluation-table",
        ),
        pytest.param(
            "某某县财政局关于做好2024年部门预算公开工作的通知\n各乡镇人民政府，县直各预算单位：\n" + BUDGET,
            "other",
            id="notice-about-disclosure",
        ),
    ],
)
def test_disclosure_kind(text: str, kind: str) -> None:
    assert parse_report(normalise(text).text).value("doc_kind") == kind


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param(FINAL_ACCOUNTS, "决算公开", id="title-words"),
        pytest.param(BUDGET, "部门预算", id="title-ending"),
        pytest.param(FINAL_ACCOUNTS.split("\n", 3)[3], "决算单位构成", id="first-section"),
    ],
)
def test_disclosure_evidence_is_the_deciding_words(text: str, words: str) -> None:
    t = normalise(text).text
    fact = parse_report(t).facts["doc_kind"]
    assert t[fact.evidence.start : fact.evidence.end] == words == fact.evidence.snippet


@pytest.mark.parametrize(
    ("words", "opening"),
    [
        pytest.param(
            "决算公开",
            "部门决算公开, not a performance self-evaluation report: it reads '决算公开'",
            id="final",
        ),
        pytest.param("部门预算", "部门预算公开, not a performance self-evaluation report", id="budget"),
        pytest.param("收入支出决算总表", "部门决算公开, not a performance", id="table-title"),
        pytest.param(
            "通知", "not a department's own report (a notice, summary or list)", id="notice-unchanged"
        ),
    ],
)
def test_disclosure_refusal_is_readable(words: str, opening: str) -> None:
    reason = refusal("other", words)
    assert reason is not None and reason.startswith(opening)
    assert "not loaded as a 部门整体 report" in reason
