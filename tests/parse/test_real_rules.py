"""General rules learnt from the error classes of real public reports (issue 12), each reproduced with
invented units and figures written for these tests — no third-party text. Every rule has a case it now reads
beside a case it must still refuse, so a rule that grows too eager fails here."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.parse import parse_report
from jixiao.read import normalise

BODY = "\n一、基本情况\n2023年度总支出612.40万元,其中基本支出402.40万元,项目支出210.00万元。\n"

# The tail of the table before (its indicator rows, totals and signatures) on the first lines of a page.
TABLE_TAIL = (
    "道路养护及时率 | = | 100 | % | 5 | ||||||||||\n养护成本 | ≤ | 20000 | 元 | 5 | ||||||||||\n"
    "群众知晓率 | = | 100 | % | 10 | ||||||||||\n服务对象满意度 | ≥ | 95 | % | 10 | ||||||||||\n"
    "合计 | 100 | ||||||||||\n评价结论 | 按计划完成 | ||||||||||\n存在问题 | 无 | ||||||||||\n"
    "项目负责人: | 财务负责人: | ||||||||||\n"
)


def _value(text: str, field: str) -> object:
    return parse_report(normalise(text).text).value(field)


@pytest.mark.parametrize(
    ("head", "name"),
    [
        pytest.param(
            "项目支出绩效自评表\n(2022年度)\n项目名称 | 某某道路养护项目\n"
            "主管部门 | 318-某某县交通运输局 | 实施单位 | 318002-某某县公路养护中心 |",
            "某某县公路养护中心",
            id="implementing-unit-over-the-department-above-it-code-dropped",
        ),
        pytest.param(
            "项目支出绩效自评表\n项目名称 绿化管护经费\n主管部门 实施单位 某某市园林绿化局\n项目资金",
            "某某市园林绿化局",
            id="empty-主管部门-cell-then-实施单位-space-separated",
        ),
        pytest.param(
            "部门整体绩效自评表\n项目主管部门: | 516-某某县妇女联合会 | 财政归口处室: |",
            "某某县妇女联合会",
            id="budget-code-before-the-主管部门-name",
        ),
        pytest.param(
            "项目支出绩效自评表\n项目名称 某某经费主管部门项目实施单位某某市气象局负责组织实施",
            None,
            id="cells-run-together-without-separator-or-next-label-give-no-name",
        ),
        pytest.param("项目支出绩效自评表\n主管部门 | 2023年度 |", None, id="a-year-in-the-cell-is-no-name"),
    ],
)
def test_unit_from_a_project_tables_header(head: str, name: str | None) -> None:
    assert _value(head + BODY, "unit_name") == name


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        pytest.param(
            "某某县档案馆2023年度部门整体支出绩效自评报告\n机关行政编制18名,设馆长1名。下设档案保护中心1个事业单位。\n",
            "staff_quota",
            None,
            id="organ-kind-of-编制-with-units-under-it-is-a-part",
        ),
        pytest.param(
            "某某县档案馆2023年度部门整体支出绩效自评报告\n机关行政编制18名,设馆长1名。\n",
            "staff_quota",
            18,
            id="organ-编制-without-units-under-it-is-the-whole",
        ),
        pytest.param(
            "某某县档案馆2023年度部门整体支出绩效自评报告\n核定我馆机关人员编制总数共计26人。所属事业单位2个。\n",
            "staff_quota",
            26,
            id="organ-编制-总数-stays-the-whole",
        ),
        pytest.param(
            "某某县档案馆2023年度部门整体支出绩效自评报告\n现有人员140人。其中,馆机关在职60人、离休1人、退休40人,"
            "保护中心9人。直属事业单位2个。\n",
            "staff_retired",
            None,
            id="organ-line-of-a-breakdown-is-a-part",
        ),
        pytest.param(
            "某某县档案馆2023年度部门整体支出绩效自评报告\n在职人员30人,退休40人。直属事业单位2个。\n",
            "staff_retired",
            40,
            id="retired-of-the-department-read",
        ),
        pytest.param(
            "某某县档案馆2023年度部门整体支出绩效自评报告\n下设两个中心,编制各12人。\n",
            "staff_quota",
            None,
            id="编制各-is-each-units-count",
        ),
        pytest.param(
            "某某县档案馆2023年度部门整体支出绩效自评报告\n下设两个中心,编制共24人。\n",
            "staff_quota",
            24,
            id="编制共-is-read",
        ),
    ],
)
def test_staff_of_the_organ_or_of_each_unit(text: str, field: str, value: object) -> None:
    assert _value(text + BODY, field) == value


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        pytest.param(
            "附件2: 部门整体支出绩效评价基础数据表 填报单位: 单位:万元 财政供养人员情况 编制数 实际在职人数 控制率",
            "dept_table",
            id="基础数据表-run-into-its-cells-is-a-department-table",
        ),
        pytest.param(
            "附件2: 某某县交通运输局2023年部门整体支出绩效评价工作方案",
            "dept_report",
            id="a-plan-naming-no-table-stays-the-default",
        ),
        pytest.param(
            TABLE_TAIL
            + "部门预算项目支出绩效自评表(2023年度) | ||||||||||\n项目名称 | 某某县道路养护经费 | ||||||||||",
            "project_report",
            id="project-table-title-below-the-previous-tables-tail",
        ),
        pytest.param(
            TABLE_TAIL
            + "部门整体支出绩效自评表(2023年度) | ||||||||||\n部门名称 | 某某县交通运输局 | ||||||||||",
            "dept_table",
            id="department-table-title-below-stays-a-department-table",
        ),
    ],
)
def test_kind_from_a_table_title(head: str, kind: str) -> None:
    # Parsed as the reader gives a pipe table's text, one row a line (written in normal form already).
    assert parse_report(head + BODY).value("doc_kind") == kind


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        pytest.param(
            "某某县文化馆2023年部门整体支出绩效自评报告\n三、项目支出情况\n(1)非遗展演项目支出125000.00元,主要用于演出。\n",
            "project_expenditure",
            None,
            id="listed-named-project-is-not-all-projects",
        ),
        pytest.param(
            "某某县文化馆2023年部门整体支出绩效自评报告\n三、支出情况\n(二)项目支出125000.00元,主要用于演出。\n",
            "project_expenditure",
            Decimal("12.5"),
            id="listed-项目支出-without-a-name-is-read",
        ),
    ],
)
def test_named_project_in_a_list(text: str, field: str, value: object) -> None:
    assert _value(text, field) == value


SPLIT_TABLE = (
    "部门整体支出绩效自评表\n(2022年度)\n预算单位名称\n某某县林业局\n年初\n预算数\n全年预算数\n全年\n执行数\n分值\n执行率\n得分\n"
    "年度资金总额\n3200.00万元\n3200.00万元\n2900.00万元\n10\n90.63%\n9\n{head}\n其中:基本支出:1200.00万元\n"
    "项目支出:2000.00万元\n年度总体目标\n"
)


@pytest.mark.parametrize(
    ("head", "value"),
    [
        pytest.param("按支出性质分:", None, id="budget-split-of-a-self-evaluation-table-is-no-actual"),
        pytest.param("支出明细:", Decimal("1200.00"), id="rows-under-another-head-are-read"),
    ],
)
def test_budget_split_in_a_table(head: str, value: Decimal | None) -> None:
    assert _value(SPLIT_TABLE.format(head=head), "basic_expenditure") == value


@pytest.mark.parametrize(
    ("head", "name"),
    [
        pytest.param(
            "1、某某区2022年度部门(单位)整体支出绩效评价自评报告部门(单位)名称某某市某某区统计局预算编码301002报告日期:2023年5月8日",
            "某某市某某区统计局",
            id="cover-cells-run-together-name-ends-at-next-label",
        ),
        pytest.param(
            "项目支出绩效目标自评表填报日期:项目名称某某学院奖助学金主管部门某某省教育厅项目实施单位某某职业学院项目类别部门预算项目",
            "某某职业学院",
            id="run-together-implementing-unit",
        ),
        pytest.param(
            "部门整体支出绩效自评报告\n部门名称某某市统计局的各项工作稳步推进\n",
            None,
            id="run-together-without-a-next-label-gives-no-name",
        ),
        pytest.param(
            "为贯彻落实预算绩效管理要求,我单位对2023年部门整体支出情况进行了自评,现将某某市红十字会2023年度部门整体支出"
            "绩效自评情况报告如下:",
            "某某市红十字会",
            id="introducing-sentence-names-the-unit",
        ),
        pytest.param(
            "为贯彻落实预算绩效管理要求,现将2023年度部门整体支出绩效自评情况报告如下:",
            None,
            id="introducing-sentence-without-a-name",
        ),
    ],
)
def test_unit_from_run_together_cells_and_introductions(head: str, name: str | None) -> None:
    assert _value(head + BODY, "unit_name") == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        pytest.param(
            "2021年度水利局(本级)部门整体支出绩效自评报告\n一、基本情况\n某某区水利局内设办公室等5个科室。"
            "某某区水利局(本级)2021年末实有人数30人。\n",
            "某某区水利局",
            id="bare-type-title-completed-by-the-bodys-placed-name",
        ),
        pytest.param(
            "2021年度水利局(本级)部门整体支出绩效自评报告\n一、基本情况\n某某区水利局内设办公室等5个科室。\n",
            None,
            id="placed-name-said-once-is-not-enough",
        ),
        pytest.param(
            "2021年度水利局(本级)部门整体支出绩效自评报告\n一、基本情况\n甲乙区水利局与丙丁市水利局联合检查。"
            "甲乙区水利局、丙丁市水利局共同验收。\n",
            None,
            id="two-placed-names-as-often-are-ambiguous",
        ),
    ],
)
def test_unit_of_a_bare_type_title(text: str, name: str | None) -> None:
    assert _value(text, "unit_name") == name


TOOLBAR = "拼音\n辅助浏览\n读屏\n放大\n缩小\n配色\n大鼠标\n显示屏\n退出\n帮助\n" * 3


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        pytest.param(
            TOOLBAR + "某某市档案局档案数字化经费(项目)2019年度绩效自评报告\n一、基本情况\n",
            "title",
            "某某市档案局档案数字化经费(项目)2019年度绩效自评报告",
            id="toolbar-words-are-page-furniture",
        ),
        pytest.param(
            TOOLBAR + "某某市档案局档案数字化经费(项目)2019年度绩效自评报告\n一、基本情况\n",
            "unit_name",
            "某某市档案局",
            id="project-title-opens-with-its-unit",
        ),
        pytest.param(
            "档案数字化经费(项目)2019年度绩效自评报告\n一、基本情况\n",
            "unit_name",
            None,
            id="project-title-without-a-unit-gives-none",
        ),
        pytest.param(
            "1、某某市某某区文化馆某某区文化馆非遗展演项目绩效自评报告一、项目概况该项目是按年度预算安排的经常性业务费,"
            "总体目标是为公众提供演出服务。\n",
            "title",
            "某某区文化馆非遗展演项目绩效自评报告",
            id="cover-name-run-into-the-title-taken-off",
        ),
        pytest.param(
            "某某区文化馆非遗展演项目绩效自评报告\n一、项目概况\n",
            "title",
            "某某区文化馆非遗展演项目绩效自评报告",
            id="title-opening-with-its-unit-once-kept-whole",
        ),
        pytest.param(
            "2023年档案局部门整体支出绩效自评表\n2024-03-01 10:20 来源: 某某区档案局 【字体: 打印\n"
            "部门整体支出绩效自评表\n(2023年度)\n",
            "title",
            "部门整体支出绩效自评表",
            id="page-headline-then-metadata-then-the-documents-own-title",
        ),
        pytest.param(
            "某某县档案馆2023年度绩效自评报告\n • 2024-04-24 09:51\n • 来源: 某某县档案馆\n附件3\n"
            "2023年度某某县档案馆整体支出\n绩效自评报告\n",
            "title",
            "2023年度某某县档案馆整体支出绩效自评报告",
            id="documents-own-title-wrapped-over-two-lines",
        ),
        pytest.param(
            "2023年度某某县档案馆整体支出绩效自评报告\n2023年度某某县档案馆整体支出说明\n",
            "title",
            "2023年度某某县档案馆整体支出绩效自评报告",
            id="two-title-like-lines-without-metadata-between-keep-the-first",
        ),
        pytest.param(
            "欢迎来到某某文库! | 帮助中心\n某某文库\n首页 > 资源分类 > PDF文档下载\n"
            "2019 年某某活动经费项目绩效评价报告.pdf\n资源ID:1234 资源大小:351KB\n",
            "title",
            "2019 年某某活动经费项目绩效评价报告",
            id="viewer-file-name-when-the-head-holds-no-title",
        ),
    ],
)
def test_title_block_rules(text: str, field: str, value: object) -> None:
    assert _value(text, field) == value


@pytest.mark.parametrize(
    ("title_row", "value"),
    [
        pytest.param(
            "部门预算项目支出绩效自评表(2023年度) | ||||||||||\n",
            "部门预算项目支出绩效自评表(2023年度)",
            id="table-title-row-below-the-previous-tables-tail",
        ),
        pytest.param("3、撰写绩效评价报告 | ||||||||||\n", None, id="a-numbered-step-is-no-title"),
    ],
)
def test_title_from_a_table_title_row(title_row: str, value: str | None) -> None:
    text = TABLE_TAIL + "收支明细 | ||||||||||\n" * 4 + title_row + "项目名称 | 某某经费 | ||||||||||\n"
    assert parse_report(text).value("title") == value


@pytest.mark.parametrize(
    ("sentence", "field", "value"),
    [
        pytest.param(
            "2023年度年初收支预算为1520.4万元,全年预算为1630.5万元。",
            "budget_initial",
            Decimal("1520.4"),
            id="年初收支预算-is-the-initial-budget",
        ),
        pytest.param(
            "2022年初财政对我局预算批复的总支出为850.25万元,预算批复基本支出为420.10万元。",
            "budget_initial",
            Decimal("850.25"),
            id="预算批复的总支出-at-the-start-of-the-year-is-the-initial-budget",
        ),
        pytest.param(
            "财政对我局预算批复的总支出为850.25万元。",
            "budget_initial",
            None,
            id="预算批复的总支出-without-年初-is-not-the-initial-budget",
        ),
        pytest.param(
            "财政对我局预算批复的总支出为850.25万元。",
            "expenditure_total",
            None,
            id="预算批复的总支出-is-never-the-actual",
        ),
        pytest.param(
            "本年收入总计116.08万元,支出总计118.77万元,上年结转9.7万元,年终结余7.01万元。",
            "carryover_end",
            Decimal("7.01"),
            id="年终结余-is-the-year-end-balance",
        ),
    ],
)
def test_budget_and_balance_wordings(sentence: str, field: str, value: object) -> None:
    text = "某某县文联2023年度部门整体支出绩效自评报告\n一、部门预决算情况\n" + sentence + "\n"
    assert _value(text, field) == value


RATE_TABLE = (
    "2023年度部门整体绩效自评表 | ||||\n"
    "项目主管部门: | 512-某某县文学艺术界联合会 | 自评总分: | 98.50 |\n"
    "资金情况 | ||||\n"
    "年初预算数 | 全年(调整)预算数 | 全年执行数 | 执行率 | 执行率权重 | 执行率得分 |\n"
    "年度总金额 | 1,200,000.00 | 1,500,000.00 | 1,425,000.00 | | | |\n"
    "其中:财政拨款 | 1,200,000.00 | {adjusted} | 1,425,000.00 | 95.00 | 10.00 | 9.50 |\n"
    "绩效目标 | ||||\n"
)


@pytest.mark.parametrize(
    ("adjusted", "rate"),
    [
        pytest.param("1,500,000.00", Decimal("95.00"), id="source-row-equal-to-the-total-gives-its-rate"),
        pytest.param("1,480,000.00", None, id="source-row-differing-from-the-total-gives-no-rate"),
    ],
)
def test_rate_stated_on_the_only_funding_source(adjusted: str, rate: Decimal | None) -> None:
    assert parse_report(RATE_TABLE.format(adjusted=adjusted)).value("execution_rate") == rate


@pytest.mark.parametrize(
    ("caption_year", "year"),
    [
        pytest.param("2021", 2021, id="file-name-agreeing-with-the-title"),
        pytest.param("2020", None, id="file-name-naming-another-year-leaves-it-open"),
    ],
)
def test_year_of_title_and_file_name(caption_year: str, year: int | None) -> None:
    text = (
        f"《某某县档案馆{caption_year}年度部门整体绩效自评表.docx》由会员分享,可在线阅读\n"
        "某某县档案馆2021年度部门整体绩效自评表\n一、基本情况\n2021年度预算执行情况良好,2021年总支出100.00万元。\n"
    )
    assert _value(text, "fiscal_year") == year


@pytest.mark.parametrize(
    ("sentence", "rate"),
    [
        pytest.param("预算完成率99.27%,计8分。", None, id="预算完成率-is-an-indicator-of-another-definition"),
        pytest.param("预算执行率99.27%。", Decimal("99.27"), id="预算执行率-is-the-rate"),
    ],
)
def test_execution_rate_words(sentence: str, rate: Decimal | None) -> None:
    assert (
        _value("某某县档案馆2021年度部门整体支出绩效自评报告\n" + sentence + "\n", "execution_rate") == rate
    )


SPACED = " ".join("某某市财政支出绩效评价报告") + " " + " ".join("项目名称:2019年某某活动经费项目")


@pytest.mark.parametrize(
    ("cover", "name"),
    [
        pytest.param(
            SPACED + " " + " ".join("项目单位:某某市文学艺术界联合会主管部门:某某市委宣传部"),
            "某某市文学艺术界联合会",
            id="letter-spaced-cover-name-ends-at-the-next-label",
        ),
        pytest.param(
            "项目单位:某某市文学艺术界联合会主管部门:某某市委宣传部",
            "某某市文学艺术界联合会",
            id="colon-then-name-run-into-the-next-label",
        ),
        pytest.param(
            SPACED + " " + " ".join("项目单位:某某市文学艺术界联合会组织实施的活动"),
            None,
            id="letter-spaced-name-running-into-prose-gives-none",
        ),
    ],
)
def test_unit_on_a_letter_spaced_cover(cover: str, name: str | None) -> None:
    assert _value(cover + "\n一、项目基本情况\n", "unit_name") == name


@pytest.mark.parametrize(
    ("tail", "value"),
    [
        pytest.param(
            "项目支出2500.40", Decimal("2500.40"), id="figure-cut-off-at-the-end-takes-the-unit-before"
        ),
        pytest.param(
            "项目支出2500.40\n三、绩效情况\n", None, id="figure-without-unit-inside-the-text-is-not-read"
        ),
    ],
)
def test_figure_cut_off_by_the_excerpt(tail: str, value: Decimal | None) -> None:
    text = (
        "某某区水利局2021年度部门整体支出绩效自评报告\n一、基本情况\n"
        "2021年基本支出800.10万元,主要用于人员工资。" + tail
    )
    assert parse_report(text).value("project_expenditure") == value


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        pytest.param(
            "2021年部门决算收入3300.50万元,支出3300.50万元。",
            Decimal("3300.50"),
            id="支出-right-after-the-income",
        ),
        pytest.param(
            "2021年部门决算收入3300.50万元,支出主要用于人员工资120.00万元。",
            None,
            id="支出-followed-by-words-is-no-total",
        ),
        pytest.param("2021年度工作经费充足,支出120.00万元。", None, id="支出-without-an-income-before"),
    ],
)
def test_spending_stated_after_the_income(sentence: str, value: Decimal | None) -> None:
    text = "某某区水利局2021年度部门整体支出绩效自评报告\n一、基本情况\n" + sentence + "\n"
    assert _value(text, "expenditure_total") == value


@pytest.mark.parametrize(
    ("row", "rate"),
    [
        pytest.param(
            "年度总金额.41.08.2其中财政拨款.41.08.286.45108.65",
            Decimal("86.45"),
            id="rate-weight-points-run-together",
        ),
        pytest.param("O92%109.2", Decimal("92"), id="rate-with-percent-run-into-weight"),
        pytest.param(
            "年度总金额.41.08.2其中财政拨款.41.08.286.45108.11", None, id="points-not-matching-rate-give-none"
        ),
    ],
)
def test_run_together_rate_row(row: str, rate: Decimal | None) -> None:
    text = (
        "某某区林业局2022年度部门整体绩效自评表主管部门某某区林业局自评总分(分)95.10年初预算数全年(调整)预算数"
        "全年执行数执行率执行率权重执行率得分" + row + "年初绩效目标全年(调整)绩效目标\n"
    )
    assert parse_report(text).value("execution_rate") == rate


@pytest.mark.parametrize(
    ("after", "name"),
    [
        pytest.param(
            "附件1:某某旗绩效评价管理办法\n第一章 总则\n", "某某旗财政局", id="signed-above-the-attachments"
        ),
        pytest.param(
            "第一章 总则\n第一条 为规范管理,制定本办法。\n",
            None,
            id="name-and-date-mid-text-without-attachments",
        ),
    ],
)
def test_signature_above_attachments(after: str, name: str | None) -> None:
    text = (
        "各苏木、镇人民政府,旗级预算部门:\n为规范绩效评价工作,我局制定了管理办法,现印发给你们,请认真贯彻执行。\n"
        "某某旗财政局\n2022年3月16日\n" + after
    )
    assert _value(text, "unit_name") == name


@pytest.mark.parametrize(
    ("row", "name"),
    [
        pytest.param(
            "主管部门 | 某某县司法局部门 | 实施单位 | |",
            "某某县司法局",
            id="部门-appended-to-the-name-taken-off",
        ),
        pytest.param(
            "主管部门 | 司法局部门 | 实施单位 | |", None, id="a-bare-type-with-部门-is-still-no-name"
        ),
    ],
)
def test_department_word_appended_to_a_header_name(row: str, name: str | None) -> None:
    text = (
        "部门预算项目支出绩效自评表(2023年度) | ||||||||||\n项目名称 | 某某经费 | ||||||||||\n" + row + "\n"
    )
    assert parse_report(text).value("unit_name") == name


@pytest.mark.parametrize(
    ("title", "name"),
    [
        pytest.param(
            "2023年度某某市图书馆数字资源购置项目绩效自评报告",
            "某某市图书馆",
            id="year-then-unit-then-project-name",
        ),
        pytest.param(
            "2023年度某某市图书馆部门整体支出绩效自评报告",
            "某某市图书馆",
            id="year-then-unit-department-title",
        ),
        pytest.param("2023年度数字资源购置项目绩效自评报告", None, id="year-then-project-name-only"),
    ],
)
def test_unit_before_a_project_name_after_the_year(title: str, name: str | None) -> None:
    assert _value(title + "\n一、项目概况\n", "unit_name") == name


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        pytest.param("年末财政供养人员:在职41人,比上年增加2人。", 41, id="bare-在职-with-the-count-at-once"),
        pytest.param("全乡在职党员120人,预备党员3人。", None, id="在职-then-another-noun-is-no-staff-count"),
    ],
)
def test_bare_在职_count(sentence: str, count: int | None) -> None:
    text = "某某乡2024年部门整体支出绩效自评报告\n一、部门基本情况\n" + sentence + "\n"
    assert _value(text, "staff_actual") == count


def _cells_per_line(*cells: str) -> str:
    """A table copied from a web page: one cell per line, blank lines between."""
    return "\n\n".join(cells) + "\n"


DATA_SHEET_HEAD = "2023年度部门整体支出绩效评价基础数据表\n\n"
DATA_SHEET_MONEY = (
    "经费控制情况(万元)",
    "2022年决算数",
    "2023年预算数",
    "2023年决算数",
    "支出总额",
    "500.10",
    "520.00",
    "512.30",
    "基本支出",
    "300.00",
    "310.00",
    "305.30",
    "其中:公用经费",
    "40.00",
    "42.00",
    "41.10",
    "项目支出",
    "200.10",
    "210.00",
    "207.00",
    "三公经费",
    "1.20",
    "1.50",
    "0.90",
)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        pytest.param(
            DATA_SHEET_HEAD + _cells_per_line(*DATA_SHEET_MONEY),
            {
                "expenditure_total": Decimal("512.30"),
                "basic_expenditure": Decimal("305.30"),
                "public_expense": Decimal("41.10"),
                "project_expenditure": Decimal("207.00"),
                "sangong_actual": Decimal("0.90"),
                "budget_initial": None,  # a year's 预算数 says neither 年初 nor 调整后
            },
            id="data-sheet-this-years-actual-column",
        ),
        pytest.param(
            DATA_SHEET_HEAD
            + _cells_per_line(*[c for n, c in enumerate(DATA_SHEET_MONEY) if n % 4 != 3 or n < 3]),
            {"expenditure_total": None, "basic_expenditure": None, "project_expenditure": None},
            id="data-sheet-without-this-years-actual-last-years-is-not-read",
        ),
        pytest.param(
            DATA_SHEET_HEAD
            + "经费控制情况(万元) 2022 年决算数 2023 年预算数 2023 年决算数\n"
            + "支出总额 500.10 520.00 512.30\n基本支出 300.00 310.00 305.30\n",
            {"expenditure_total": Decimal("512.30"), "basic_expenditure": Decimal("305.30")},
            id="year-split-from-its-column-by-a-space",
        ),
    ],
)
def test_data_sheet_with_year_columns(table: str, expected: dict[str, object]) -> None:
    parsed = parse_report(normalise(table).text)
    assert {k: parsed.value(k) for k in expected} == expected


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param(
            ("财政供养人员情况(人)", "编制数", "2023年实际在职人数", "控制率", "18", "17", "94.44%"),
            (18, 17),
            id="row-of-labels-over-row-of-values",
        ),
        pytest.param(
            ("财政供养人员情况(人)", "编制数", "实际在职人数", "控制率", "94.44%"),
            (None, None),
            id="fewer-values-than-counts-give-no-count",
        ),
        pytest.param(("人员编制", "21", "实有人数", "20"), (21, 20), id="label-and-value-blank-line-between"),
        pytest.param(
            ("人员编制", "见附表所列各科室情况说明", "21"), (None, None), id="words-between-label-and-value"
        ),
    ],
)
def test_staff_cells_of_a_copied_table(cells: tuple[str, ...], expected: tuple[object, object]) -> None:
    parsed = parse_report(normalise("部门整体支出绩效自评表\n\n" + _cells_per_line(*cells)).text)
    assert (parsed.value("staff_quota"), parsed.value("staff_actual")) == expected


SCORED_HEADER = "部门(单位)总体资金(万元) | 资金来源 | 年初预算数(A) | 全年执行数(B) | 分值(10分) | 得分 | 得分计算方法 |\n"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            "年度资金总额: | 800.00 | 790.00 | 10 | 10 | 执行率乘以该指标分值,最高不超过分值上限。 |\n"
            "基本支出 | 500.00 | 490.00 |\n10 | 10 |\n项目支出 | 300.00 | 300.00 | 10 | 10 |\n",
            (Decimal("800.00"), Decimal("790.00"), Decimal("490.00"), Decimal("300.00")),
            id="note-cell-within-a-row-and-a-scoring-method-column",
        ),
        pytest.param(
            "年度资金总额: | 800.00 | 790.00 | 10 | 10 |\n"
            "以上资金均按照预算管理要求及时拨付到位并已全部支出完毕，详见以下说明。\n"
            "基本支出 | 500.00 | 490.00 | 10 | 10 |\n",
            (Decimal("800.00"), Decimal("790.00"), None, None),
            id="prose-on-its-own-line-still-ends-the-table",
        ),
    ],
)
def test_scored_table_with_notes(rows: str, expected: tuple[object, ...]) -> None:
    parsed = parse_report(normalise("部门整体支出绩效自评表\n" + SCORED_HEADER + rows).text)
    fields = ("budget_initial", "expenditure_total", "basic_expenditure", "project_expenditure")
    assert tuple(parsed.value(f) for f in fields) == expected


SELF_TABLE = "年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n年度资金总额 | 400.00 | 420.00 | 415.80 | 10 | 99% | 9.9 |\n"


@pytest.mark.parametrize(
    ("between", "rate"),
    [
        pytest.param("附件二\n部门整体支出绩效自评表\n", Decimal("99"), id="self-table-after-the-data-sheet"),
        pytest.param(
            "附件三\n项目支出绩效自评表\n项目名称 | 某某维修项目 |\n",
            None,
            id="project-table-after-it-is-not-read",
        ),
    ],
)
def test_every_money_block_of_the_department(between: str, rate: Decimal | None) -> None:
    text = DATA_SHEET_HEAD + _cells_per_line(*DATA_SHEET_MONEY) + between + SELF_TABLE
    parsed = parse_report(normalise(text).text)
    assert parsed.value("project_expenditure") == Decimal("207.00")
    assert parsed.value("execution_rate") == rate


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        pytest.param(
            "某某县委统战部2024年部门整体支出绩效自评报告\n目录\n一、摘要\n二、部门概况\n三、绩效目标",
            "dept_report",
            id="目录-alone-heads-a-table-of-contents",
        ),
        pytest.param(
            "某某县财政局2023年度预算绩效评价单位目录\n一、市直单位", "other", id="a-title-naming-a-list"
        ),
        pytest.param("2022年度“某某惠民专项资金”绩效评价报告", "project_report", id="quoted-special-fund"),
        pytest.param(
            "某某县科协2022年度部门整体支出绩效评价报告(含专项资金)",
            "dept_report",
            id="department-with-its-funds",
        ),
        pytest.param("2023年财政重点绩效评价结果公开\n发布日期:2024-11-24", "other", id="results-published"),
        pytest.param(
            "某某县文化馆2023年度部门整体支出绩效自评报告\n发布日期:2024-03-01",
            "dept_report",
            id="report-published",
        ),
    ],
)
def test_kind_words_in_context(head: str, kind: str) -> None:
    assert parse_report(normalise(head + BODY).text).value("doc_kind") == kind


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param(
            "截至年底,实有人员120人,其中在职人员85人、离退休人员35人。",
            (85, 35),
            id="whole-with-retirees-is-not-the-staff-its-serving-part-is",
        ),
        pytest.param(
            "截至年底,实有人员120人,其中参公人员85人、工勤人员35人。",
            (120, None),
            id="breakdown-without-retirees",
        ),
        pytest.param(
            "人员情况:实际人员30人(其中:在职26人,退休4人)。",
            (26, 4),
            id="bracketed-serving-and-retired-parts",
        ),
        pytest.param(
            "离退休人员62人(其中:离休人员8人,退休人员54人)。", (None, 62), id="breakdown-of-retirees-alone"
        ),
    ],
)
def test_serving_and_retired_parts(sentence: str, expected: tuple[object, object]) -> None:
    parsed = parse_report(normalise("某某县妇联2023年度部门整体支出绩效自评报告\n" + sentence + BODY).text)
    assert (parsed.value("staff_actual"), parsed.value("staff_retired")) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param(
            "某某县工会行政编制7人,其中:公务员编制6人,实有在职人数6人,工勤编制1人,事业编制5人,实有在职人数5人。",
            (None, None),
            id="each-kinds-counts-are-parts",
        ),
        pytest.param("某某县工会人员编制12人,实有在职人数11人。", (12, 11), id="one-count-of-each"),
        pytest.param(
            "系统人员编制326名,其中:行政编制43名,参照公务员法管理编制7名,事业编制276名。",
            (326, None),
            id="quota-over-its-kinds-stays-the-quota",
        ),
    ],
)
def test_counts_of_each_kind_are_parts(sentence: str, expected: tuple[object, object]) -> None:
    parsed = parse_report(normalise("某某县总工会2023年度部门整体支出绩效自评报告\n" + sentence + BODY).text)
    assert (parsed.value("staff_quota"), parsed.value("staff_actual")) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param(
            "基本支出、项目支出分别实现支出300.50万元、120.25万元,预算执行率分别为97.06%、98.72%。",
            {"basic_expenditure": Decimal("300.50"), "project_expenditure": Decimal("120.25")},
            id="listed-labels-take-the-figures-after-分别-in-turn",
        ),
        pytest.param(
            "基本支出和项目支出分别实现支出300.50万元。",
            {"basic_expenditure": None, "project_expenditure": None},
            id="fewer-figures-than-labels-give-none",
        ),
        pytest.param(
            "年初预算批复800万元(基本支出500万元、项目支出300万元),年中追加60万元,全年预算860万元(基本支出"
            "530万元、项目支出330万元)。2023年某某局实现支出812.40万元,预算执行率为94.47%。",
            {"budget_adjusted": Decimal("860"), "expenditure_total": Decimal("812.40")},
            id="closed-bracket-of-parts-belongs-to-the-figure-before-it",
        ),
        pytest.param(
            "基本支出年初预算500万元,全年预算520万元;项目支出实现支出120.25万元。",
            {"budget_adjusted": None, "expenditure_total": None},
            id="a-parts-budget-and-spending-are-not-the-wholes",
        ),
    ],
)
def test_respective_lists_and_closed_breakdowns(sentence: str, expected: dict[str, object]) -> None:
    parsed = parse_report(normalise("某某局2023年度部门整体支出绩效自评报告\n" + sentence + "\n").text)
    assert {k: parsed.value(k) for k in expected} == expected


@pytest.mark.parametrize(
    ("head", "field", "value"),
    [
        pytest.param(
            "县档案馆2024年部门整体支出绩效自评报告\n某某族自治县档案馆2024年部门整体支出绩效自评报告\n",
            "title",
            "某某族自治县档案馆2024年部门整体支出绩效自评报告",
            id="the-same-title-named-in-full-below",
        ),
        pytest.param(
            "某某县档案馆2024年部门整体支出绩效自评报告\n某某县档案馆2024年部门整体支出绩效自评表\n",
            "title",
            "某某县档案馆2024年部门整体支出绩效自评报告",
            id="another-title-below-is-not-a-fuller-name",
        ),
        pytest.param(
            "某某县红十字会2023年度部门整体支出\n绩效评价报告\n现将县红十字会2023年财政预算支出绩效自评如下:\n",
            "unit_name",
            "某某县红十字会",
            id="name-in-the-first-line-of-a-wrapped-title",
        ),
        pytest.param(
            "2023年度部门整体支出情况说明\n绩效评价报告\n现将县红十字会2023年财政预算支出绩效自评如下:\n",
            "unit_name",
            "县红十字会",
            id="a-line-above-without-a-name-gives-none",
        ),
    ],
)
def test_titles_named_in_full(head: str, field: str, value: str) -> None:
    assert _value(head + BODY, field) == value


@pytest.mark.parametrize(
    ("head", "year"),
    [
        pytest.param(
            "某某县林业局2023年造林补助资金项目支出绩效自评报告\n(2024年度)\n",
            2024,
            id="evaluated-year-line-wins",
        ),
        pytest.param(
            "某某县林业局2023年造林补助资金项目支出绩效自评报告(2024年度)\n",
            2024,
            id="evaluated-year-run-into-title",
        ),
        pytest.param("某某县林业局2023年造林补助资金项目支出绩效自评报告\n", 2023, id="title-year-alone"),
        pytest.param(
            "某某县林业局2023年度部门整体支出绩效自评报告\n(2022年度)决算数据见附表\n",
            2023,
            id="bracket-inside-a-line",
        ),
    ],
)
def test_evaluated_year_line(head: str, year: int) -> None:
    assert _value(head + "一、基本情况\n", "fiscal_year") == year


@pytest.mark.parametrize(
    ("head", "name"),
    [
        pytest.param(
            "一、部门基本情况\n完成某某县政协会议的准备工作和重要活动安排,召开全委会和常委会,协助领导起草工作报告"
            "和实施其他会议决定事项,组织有关调查研究。\n",
            None,
            id="a-sentence-naming-a-工作报告-is-no-title",
        ),
        pytest.param(
            "某某县政协办公室2023年度部门整体支出绩效自评报告\n一、部门基本情况\n",
            "某某县政协办公室",
            id="a-title-line-names-the-unit",
        ),
    ],
)
def test_prose_is_no_title(head: str, name: str | None) -> None:
    assert _value(head + BODY, "unit_name") == name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "(三)部门预算及支出情况2023年度预算支出900.4\n\n7万元,其中人员经费580.72万元,公用经费167.75万元。\n",
            (None, None),
            id="parts-of-a-budget-across-a-line-break",
        ),
        pytest.param(
            "(三)部门决算及支出情况2023年度决算支出900.4\n\n7万元,其中人员经费580.72万元,公用经费167.75万元。\n",
            (Decimal("580.72"), Decimal("167.75")),
            id="parts-of-the-actual-spending",
        ),
    ],
)
def test_parts_listed_under_a_budget(text: str, expected: tuple[object, object]) -> None:
    parsed = parse_report(normalise("某某市红十字会2023年度整体支出绩效评价报告\n" + text).text)
    assert (parsed.value("personnel_expense"), parsed.value("public_expense")) == expected


@pytest.mark.parametrize(
    ("head", "title"),
    [
        pytest.param(
            "某某市统计局某某专项经费项目支出绩效自评表\n索引号 X-001 主题分类\n"
            "发文单位 某某市统计局 发布机构 某某市政府网\n项目支出绩效自评表\n(2023年度)\n",
            "项目支出绩效自评表",
            id="page-metadata-above-the-title-is-no-part-of-it",
        ),
        pytest.param(
            "某某县供销合作联社绩效自评报告\n发布时间:2024-03-01\n2024年度某某县供销合作联社整体支出\n绩效自评报告\n",
            "2024年度某某县供销合作联社整体支出绩效自评报告",
            id="title-wrapped-below-the-page-headline",
        ),
    ],
)
def test_title_below_page_metadata(head: str, title: str) -> None:
    assert _value(head + BODY, "title") == title


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        pytest.param(
            "某某县残联项目绩效自评报告范文(精选8篇)\n", "other", id="sample-texts-are-nobodys-report"
        ),
        pytest.param("某某县残联康复项目绩效自评报告\n", "project_report", id="a-projects-own-report"),
    ],
)
def test_collections_of_sample_texts(head: str, kind: str) -> None:
    assert _value(head + BODY, "doc_kind") == kind


@pytest.mark.parametrize(
    ("head", "title"),
    [
        pytest.param(
            "2023年财政重点绩效评价结果公开\n发布日期:2024-11-24 09:00\n附件: 《2023年财政重点绩效评价报告》\n",
            "2023年财政重点绩效评价结果公开",
            id="a-cited-document-is-not-the-title",
        ),
        pytest.param(
            "某某区财政局网站\n发布日期:2024-11-24 09:00\n2023年某某区财政局部门整体支出绩效评价报告\n",
            "2023年某某区财政局部门整体支出绩效评价报告",
            id="the-documents-own-title-below-the-metadata",
        ),
    ],
)
def test_cited_documents_are_no_title(head: str, title: str) -> None:
    assert _value(head + BODY, "title") == title


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        pytest.param(
            "年中调整预算6416.86万元,其中一般公共预算财政拨款收入3098.97万元、年初结转和结余1184.56万元。",
            None,
            id="carryover-listed-among-a-budgets-sources",
        ),
        pytest.param(
            "2023年度年初结转和结余1184.56万元,本年收入5232.30万元。",
            Decimal("1184.56"),
            id="the-years-carryover",
        ),
    ],
)
def test_carryover_as_a_budget_source(sentence: str, value: Decimal | None) -> None:
    assert _value("某某厅2023年度部门整体绩效自评报告\n" + sentence + BODY, "carryover_start") == value


@pytest.mark.parametrize(
    ("tail", "value"),
    [
        pytest.param(
            "填表人:某某  填报日期:2023.6.28   联系电话:1234567\n",
            "2023-06-28",
            id="dotted-date-after-its-label",
        ),
        pytest.param("绩效自评日期: 2025年5月\n", "2025-05", id="self-evaluation-date"),
        pytest.param("联系电话:2023.6.28\n", None, id="dotted-figures-without-a-date-label"),
    ],
)
def test_report_date_wordings(tail: str, value: str | None) -> None:
    assert _value("某某县总工会2022年度部门整体支出绩效自评报告\n" + BODY + tail, "report_date") == value


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        pytest.param(
            "本单位行政编制1个,事业编制2个,合计在岗人数为2人,其中挂职0人。", 2, id="在岗人数-is-the-staff"
        ),
        pytest.param("本单位行政编制1个,事业编制2个,岗位设置3个。", None, id="posts-are-no-staff"),
    ],
)
def test_staff_on_post(sentence: str, count: int | None) -> None:
    assert _value("某某区团委2023年度部门整体支出绩效自评报告\n" + sentence + BODY, "staff_actual") == count


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        pytest.param(
            "2024年部门预算财政安排公共财政拨款资金共157.71万元,实际支出157.71万元。",
            None,
            id="one-sources-money",
        ),
        pytest.param(
            "2024年部门预算安排资金共157.71万元,实际支出157.71万元。",
            Decimal("157.71"),
            id="the-whole-budget",
        ),
    ],
)
def test_fund_source_in_the_gap(sentence: str, value: Decimal | None) -> None:
    assert _value("某某区妇联2024年度部门整体支出绩效自评报告\n" + sentence + "\n", "budget_initial") == value
