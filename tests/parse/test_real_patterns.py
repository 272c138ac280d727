"""Patterns found in real public reports (issue 12/13), each reproduced with invented units and figures: the
web page around a report (metadata fields, breadcrumbs, viewer captions, pinyin glosses) is never its title,
and a project's or a notice's title is told apart from a department's own. Fixtures written for these tests.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.parse import parse_report
from jixiao.read import normalise

BODY = "\n一、基本情况\n2023年度总支出612.40万元,其中基本支出402.40万元,项目支出210.00万元。\n"


def _parse(head: str) -> dict[str, object]:
    parsed = parse_report(normalise(head + BODY).text)
    return {k: parsed.value(k) for k in ("doc_kind", "title", "unit_name", "expenditure_total")}


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        pytest.param("某某县文化馆期刊订阅项目绩效自评报告", "project_report", id="project-name-then-绩效"),
        pytest.param(
            "某某州数据中心2024年度项目支出绩效单位自评报告",
            "project_report",
            id="words-between-项目-and-自评",
        ),
        pytest.param(
            "某某市公证处专项业务费(项目)2019年度绩效自评报告", "project_report", id="项目-in-brackets"
        ),
        pytest.param("某某县畜牧站2020年黑山羊保种经费的绩效自评报告", "project_report", id="经费的绩效"),
        pytest.param(
            "某某县文化馆2023年度部门整体和项目支出绩效自评报告",
            "dept_report",
            id="整体-and-项目-stays-department",
        ),
        pytest.param(
            "非遗保护活动项目支出\n绩效自评报告\n某某县文化馆", "project_report", id="title-over-two-lines"
        ),
        pytest.param(
            "某某县文化馆\n2023年度绩效自评报告", "dept_report", id="two-lines-without-项目-stay-department"
        ),
        pytest.param(
            "2020年度项(xiàng)目支出绩(jì)效自评表", "project_report", id="pinyin-glosses-taken-out"
        ),
        pytest.param(
            "1、某某县图书馆期刊订阅项目绩效自评报告一、项目概况该项目是按年度预算安排的经常性业务费,总体目标是为公众提供阅读服务。",
            "project_report",
            id="viewer-line-runs-title-into-body",
        ),
        pytest.param(
            "索引号 | 0001-x/20250609-00001 | 发布机构 | 某某县某某乡 |\n公开目录 | 绩效评价 | 发布日期 | 2025-06-09 |\n"
            "文号 | 浏览量 | 0 |\n某某乡2024年部门整体支出绩效自评报告",
            "dept_report",
            id="metadata-公开目录-is-no-notice",
        ),
        pytest.param(
            "《某某县林业局2023年度部门整体绩效自评表.docx》由会员分享,可在线阅读,更多相关\n"
            "1、某某县林业局2023年度部门整体绩效自评表主管部门某某县林业局自评总分(分)96.5部门联系人",
            "dept_table",
            id="viewer-caption-names-the-document",
        ),
        pytest.param(
            "各乡镇人民政府,县级各预算部门:\n为加快建成全方位的预算绩效管理体系,现将有关办法印发给你们。",
            "other",
            id="addressee-line-opens-a-notice",
        ),
        pytest.param(
            "发布时间:2024-11-22 来源: 网络\n某某社 北京7月25日电 (记者 某某)财政部等部门今天公布决算。",
            "other",
            id="news-byline",
        ),
        pytest.param(
            "各项工作均按计划完成\n某某县文化馆2023年度部门整体支出绩效自评报告",
            "dept_report",
            id="a-line-starting-各-without-addressee-colon-is-no-notice",
        ),
    ],
)
def test_document_kind_real_patterns(head: str, kind: str) -> None:
    assert _parse(head)["doc_kind"] == kind


@pytest.mark.parametrize(
    ("head", "title"),
    [
        pytest.param(
            "来源:作者:发布日期: 2023-08-04\n名 称:某某市档案馆2022年度部门整体支出绩效自评报告",
            "某某市档案馆2022年度部门整体支出绩效自评报告",
            id="label-名称-taken-off",
        ),
        pytest.param(
            "某某县财政局2022年度部门整体支出绩效自评报告.docx\n某某县财政局 2022 年度部门整体支出绩效自评报告",
            "某某县财政局 2022 年度部门整体支出绩效自评报告",
            id="file-name-line-is-not-the-title",
        ),
        pytest.param(
            "您现在所在的位置 : 首页 > 政务 > 政府信息公开年度报告\n某某县林业局部门整体支出绩效自评表",
            "某某县林业局部门整体支出绩效自评表",
            id="breadcrumb-is-not-the-title",
        ),
        pytest.param(
            "2024年度部门整体绩效自评表 | ||||||\n项目主管部门: | 某某县科学技术协会 |",
            "2024年度部门整体绩效自评表",
            id="table-title-in-pipe-text",
        ),
        pytest.param(
            "某某县财政局2022年度部门整体支出绩效自评报告",
            "某某县财政局2022年度部门整体支出绩效自评报告",
            id="plain-title-unchanged",
        ),
        pytest.param(
            "第五部分 附件 某某区民政局 2021 年度部门整体支出绩效评价报告",
            "某某区民政局2021年度部门整体支出绩效评价报告",
            id="part-and-attachment-labels-taken-off",
        ),
        pytest.param(
            "文库网\n报告网\n某某区民政局2021年度部门整体支出绩效评价报告",
            "某某区民政局2021年度部门整体支出绩效评价报告",
            id="a-site-name-with-a-title-word-is-no-title",
        ),
    ],
)
def test_title_real_patterns(head: str, title: str) -> None:
    assert _parse(head)["title"] == title


@pytest.mark.parametrize(
    ("head", "name"),
    [
        pytest.param(
            "标 题 某某自治区盲人协会2020年度预算绩效自评报告",
            "某某自治区盲人协会",
            id="label-标题-not-in-the-name",
        ),
        pytest.param(
            "某某县人民政府\n某某县文化和旅游局2024年整体支出绩效自评报告",
            "某某县文化和旅游局",
            id="site-name-above-a-named-title",
        ),
        pytest.param(
            "某某县文化和旅游局\n2024年整体支出绩效自评报告",
            "某某县文化和旅游局",
            id="name-above-an-unnamed-title",
        ),
        pytest.param(
            "2021年度某某市科学技术协会本级整体支出绩效自评报告",
            "某某市科学技术协会",
            id="本级-not-in-the-name",
        ),
        pytest.param(
            "索引号: 0001/2025-00017\n发布机构: 某某州档案馆\n发布日期: 2025-04-17\n"
            "预算绩效管理\n某某州民族宗教事务委员会2024年度部门整体支出绩效自评报告",
            "某某州民族宗教事务委员会",
            id="title-below-page-metadata",
        ),
    ],
)
def test_unit_name_real_patterns(head: str, name: str) -> None:
    assert _parse(head)["unit_name"] == name


@pytest.mark.parametrize(
    ("head", "loaded"),
    [
        pytest.param("某某县文化馆期刊订阅项目绩效自评报告", False, id="project-figures-refused"),
        pytest.param("某某县文化馆2023年度部门整体支出绩效自评报告", True, id="department-figures-kept"),
    ],
)
def test_project_figures_not_loaded_as_department(head: str, loaded: bool) -> None:
    from jixiao.parse.kind import refusal

    kind = str(_parse(head)["doc_kind"])
    assert (refusal(kind, "") is None) is loaded


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        pytest.param(
            "纳入南县农业局部门预算编制范围的单位有3个。", "staff_quota", None, id="预算编制-is-budget-work"
        ),
        pytest.param("核定编制12人,实有在职人员11人。", "staff_quota", 12, id="a-quota-is-still-read"),
        pytest.param(
            "年末在职18人,离退休人员40(其中:离休人员2人,退休人员11人,遗属27人)。",
            "staff_retired",
            40,
            id="retirees-total-before-its-breakdown",
        ),
        pytest.param(
            "年末在职18人(其中:退休返聘人员2人)。",
            "staff_retired",
            None,
            id="retirees-inside-其中-bracket-are-a-part",
        ),
        pytest.param("年末在职18人,退休人员11人。", "staff_retired", 11, id="retirees-outside-a-bracket"),
        pytest.param(
            "局机关实际在职人数30人。其中水利行政编制9人,工勤3人。",
            "staff_quota",
            None,
            id="其中-one-kind-of-编制-is-a-part",
        ),
        pytest.param(
            "截至年末,我单位实有参公人员7名,工勤人员2名,退休人员5名。",
            "staff_actual",
            None,
            id="one-kind-of-staff-beside-another",
        ),
        pytest.param(
            "在职在编实有行政人员15人(含行政工勤人员1人)。",
            "staff_actual",
            15,
            id="one-kind-including-another-in-brackets-is-the-whole",
        ),
        pytest.param("预算执行率未达到90%的需说明原因。", "execution_rate", None, id="未达到-bounds-a-rate"),
        pytest.param("全年预算执行率达到97.5%。", "execution_rate", Decimal("97.5"), id="达到-states-a-rate"),
    ],
)
def test_figure_scope_real_patterns(text: str, field: str, value: object) -> None:
    parsed = parse_report(normalise("某某县农业局2023年度部门整体支出绩效自评报告\n" + text + "\n").text)
    assert parsed.value(field) == value


@pytest.mark.parametrize(
    ("head", "field", "value"),
    [
        pytest.param(
            "某某县民族宗教事务局整体支出绩效自评报告\n(2022年度)",
            "fiscal_year",
            2022,
            id="year-line-below-title",
        ),
        pytest.param(
            "某某县民族宗教事务局整体支出绩效自评报告\n(2022年度)",
            "unit_name",
            "某某县民族宗教事务局",
            id="title-without-year-names-the-unit",
        ),
        pytest.param(
            "2020年度水务局(本级)部门整体支出绩效自评报告",
            "unit_name",
            None,
            id="a-bare-type-is-no-unit-name",
        ),
        pytest.param(
            "《某某县文化馆2019年度部门整体支出绩效自评报告.docx》由会员分享,可在线阅读\n"
            "1、某某县文化馆2020年度部门整体支出绩效自评报告一、基本情况某某县文化馆是公益一类事业单位。",
            "fiscal_year",
            # Was 2020 (the document over its file name). The hand-typed truth of this pattern leaves the year
            # out: the two disagree and either may be the slip. Precision first: no year rather than a guess.
            None,
            id="title-and-file-name-disagree-no-year",
        ),
        pytest.param(
            "欢迎来到文库吧! | 帮助中心 分享价值,成长自我!\n某某县文化馆2020年度部门整体支出绩效自评报告",
            "title",
            "某某县文化馆2020年度部门整体支出绩效自评报告",
            id="site-banner-is-no-title",
        ),
        pytest.param(
            "1、某某县档案馆2020年度部门整体支出绩效自评报告一、基本情况某某县档案馆为公益一类事业单位,内设3个科室。",
            "title",
            "某某县档案馆2020年度部门整体支出绩效自评报告",
            id="viewer-line-gives-its-opening-title",
        ),
    ],
)
def test_title_block_real_patterns(head: str, field: str, value: object) -> None:
    assert parse_report(normalise(head + BODY).text).value(field) == value


SPLIT_HEADER = (
    "某某区水务局部门整体支出绩效自评表\n(万元)\n\n年初\n\n预算数\n\n全年预算数\n\n全年\n\n执行数\n\n分值\n\n执行率\n\n"
    "得分\n\n年度资金总额\n\n1200.50万元\n\n1300.50万元\n\n1105.20万元\n\n10\n\n98%\n\n9.8\n\n年度总体目标\n"
)
LOST_CHARS = (
    "2024年度部门整体绩效自评表 | |||||\n项目主管部门: | 101-某某县水务局 | 自评总分: | 95.50 | |\n资金情况 | |||||\n"
    "年初预算数 | 全年(调整)预算数 | 全年执行数 | 执行率 | 执行率权重 | 执行率得分 |\n"
    "年度总金额 | 2,100,000.00? | 2,300,000.00? | 2,250,000.00? | | | |\n绩效目标 | |||||\n"
)


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        pytest.param(SPLIT_HEADER, "budget_initial", Decimal("1200.50"), id="header-split-over-cells-joined"),
        pytest.param(SPLIT_HEADER, "expenditure_total", Decimal("1105.20"), id="actual-column-after-join"),
        pytest.param(SPLIT_HEADER, "execution_rate", Decimal("98"), id="rate-column-after-join"),
        pytest.param(
            SPLIT_HEADER.replace("98%", "1105.20万元"), "execution_rate", None, id="an-amount-is-never-a-rate"
        ),
        pytest.param(LOST_CHARS, "expenditure_total", Decimal("225"), id="lost-character-after-number"),
        pytest.param(LOST_CHARS, "budget_adjusted", Decimal("230"), id="权重-and-得分-columns-not-rates"),
    ],
)
def test_table_real_patterns(text: str, field: str, value: object) -> None:
    assert parse_report(normalise(text).text).value(field) == value


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        pytest.param(
            "—17—\n我部门2024年度项目12个,项目支出总额320.10万元,全部开展了绩效自评。\n",
            "doc_kind",
            "other",
            id="fragment-from-a-later-page",
        ),
        pytest.param(
            "—1—\n某某县水务局2024年度部门整体支出绩效自评报告\n项目支出总额320.10万元。\n",
            "doc_kind",
            "dept_report",
            id="first-page-number-is-no-fragment",
        ),
        pytest.param(
            "某某县供销社2023年度部门整体支出绩效自评报告\n年末在职21人,离退休人员50(其中:离休人员3人,"
            "财政供养(yǎng)退休人员9人,其他38人)。\n",
            "staff_retired",
            50,
            id="pinyin-gloss-closes-no-breakdown",
        ),
    ],
)
def test_fragment_and_gloss_real_patterns(text: str, field: str, value: object) -> None:
    assert parse_report(normalise(text).text).value(field) == value


@pytest.mark.parametrize(
    ("head", "name"),
    [
        pytest.param(
            "来源:作者:发布日期: 2023-08-04\n318002-某某市民族宗教事务局\n2022年度某某市民宗局\n整体支出绩效自评报告",
            "某某市民族宗教事务局",
            id="budget-code-and-name-line",
        ),
        pytest.param(
            "2022年度部门整体支出绩效自评报告\n318002-2022年度", None, id="a-code-before-no-name-is-no-name"
        ),
        pytest.param(
            "市级部门整体绩效自评报告\n部门名称:(公章)某某市水务局\n下属二级预算单位数量:3",
            "某某市水务局",
            id="seal-note-before-header-name",
        ),
        pytest.param(
            "《某某县林业局2023年度部门整体绩效自评表.docx》由会员分享,可在线阅读\n"
            "1、某某县林业局2023年度部门整体绩效自评表主管部门某某县林业局自评总分(分)96.5部门联系人张某联系电话"
            "12345678年度主要任务任务名称主要内容完成情况",
            "某某县林业局",
            id="name-from-a-viewer-line-title",
        ),
    ],
)
def test_own_name_real_patterns(head: str, name: str | None) -> None:
    assert parse_report(normalise(head + BODY).text).value("unit_name") == name


@pytest.mark.parametrize(
    ("text", "date"),
    [
        pytest.param(
            "某某县档案馆2020年度部门整体绩效自评表\n单位名称:某某县档案馆 填报日期:2021年 4 月 9日\n",
            "2021-04-09",
            id="填报日期",
        ),
        pytest.param(
            "某某县档案馆2020年度部门整体绩效自评表\n发布日期:2021年 4 月 9日\n",
            None,
            id="publication-date-is-not-the-report-date",
        ),
    ],
)
def test_report_date_real_patterns(text: str, date: str | None) -> None:
    assert parse_report(normalise(text + BODY).text).value("report_date") == date


@pytest.mark.parametrize(
    ("text", "score"),
    [
        pytest.param("自评总分(分)96.45部门联系人张某", Decimal("96.45"), id="unit-before-the-score"),
        pytest.param("自评总分(分)2024年度主要任务", None, id="a-year-after-the-unit-is-no-score"),
        pytest.param("自评总分(分)350.00万元", None, id="an-amount-after-the-unit-is-no-score"),
    ],
)
def test_score_real_patterns(text: str, score: Decimal | None) -> None:
    head = "某某县林业局2023年度部门整体绩效自评表\n"
    assert parse_report(normalise(head + text + BODY).text).value("score") == score


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param(
            "2023年度批复支出预算920.40万元,实际执行支出预算881.25万元,部门整体预算执行率95.75%。",
            Decimal("881.25"),
            id="actual-label-after-a-budget",
        ),
        pytest.param(
            "2023年初财政对我局预算批复的总支出为920.40万元。",
            None,
            id="a-budget-s-总支出-is-no-actual",
        ),
    ],
)
def test_actual_after_budget_real_patterns(text: str, value: Decimal | None) -> None:
    head = "某某县水务局2023年度部门整体支出绩效自评报告\n"
    assert parse_report(normalise(head + text + "\n").text).value("expenditure_total") == value


def test_breadcrumb_with_home_is_no_title() -> None:
    head = "首页 报告网 > 资源分类 > PDF文档下载\n某某县水务局2023年度部门整体支出绩效自评报告"
    assert _parse(head)["title"] == "某某县水务局2023年度部门整体支出绩效自评报告"
