"""The unit's name as written, read by its place in the report: header field, title block, signature."""

from __future__ import annotations

import pytest

from jixiao.parse import parse_report
from jixiao.parse.identity import plausible_name

BODY = "\n一、部门基本情况\n2023年部门总支出555.03万元。\n"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        pytest.param(
            "双峰县科学技术协协会\n2023年整体支出绩效评价报告" + BODY,
            "双峰县科学技术协协会",
            id="title-line-typo",
        ),
        pytest.param(
            "汕尾市科学技术协\n2023年度部门整体支出绩效自评报告" + BODY,
            "汕尾市科学技术协",
            id="title-line-truncated",
        ),
        pytest.param(
            "濮阳市科学枝术协会2023年度整体支出绩效自评报告" + BODY,
            "濮阳市科学枝术协会",
            id="one-line-title-typo",
        ),
        pytest.param(
            "附件3\n部门(单位)整体绩效自评报告\n部门(单位)名称:香河县科协技术协会\n主管部门:" + BODY,
            "香河县科协技术协会",
            id="header-field",
        ),
        pytest.param(
            BODY + "\n额尔古纳市科学枝术协会\n2023年4月17日\n",
            "额尔古纳市科学枝术协会",
            id="signature-above-date",
        ),
        pytest.param(
            BODY + "\n临泽县科学技术协会(盖章)\n2022年1月9日\n",
            "临泽县科学技术协会",
            id="signature-with-seal-note",
        ),
        pytest.param(
            "关于2023年度部门整体支出绩效自评报告" + BODY,
            None,
            id="a-title-without-a-name-gives-none",
        ),
        pytest.param(
            "附件1\n2023年度部门整体支出绩效自评报告" + BODY,
            None,
            id="an-attachment-label-is-not-a-name",
        ),
        pytest.param(
            BODY + "\n以上情况特此报告。\n2023年4月17日\n", None, id="a-closing-sentence-is-not-a-signature"
        ),
    ],
)
def test_unit_name_by_position(text: str, name: str | None) -> None:
    assert parse_report(text).value("unit_name") == name


def test_signature_line_closes_the_measures_section() -> None:
    text = (
        "鹤庆县科学技术协\n2023年整体支出绩效评价报告"
        + BODY
        + "五、改进措施\n加强预算编制。\n\n鹤庆县科学技术协\n"
    )
    assert parse_report(text).value("measures") == "加强预算编制。"


@pytest.mark.parametrize(
    ("problems_heading", "measures_heading"),
    [
        pytest.param("五、存在的不足", "六、下一步工作打算", id="buzu-and-xiayibu"),
        pytest.param("五、问题与不足", "六、改进建议", id="wenti-yu-buzu"),
        pytest.param("六、存在问题", "七、整改方向", id="zhenggai-fangxiang"),
    ],
)
def test_problem_and_measure_headings(problems_heading: str, measures_heading: str) -> None:
    text = f"{BODY}{problems_heading}\n一是支付进度前慢后快。\n{measures_heading}\n一是建立月度通报机制。\n"
    report = parse_report(text)
    assert (report.value("problems"), report.value("measures")) == (
        "一是支付进度前慢后快。",
        "一是建立月度通报机制。",
    )


@pytest.mark.parametrize(
    ("header", "row", "amount"),
    [
        pytest.param(
            "序号\t项目名称\t年初预算(万元)\t全年执行数(万元)\t执行率\t自评得分",
            "1\t科普日\t40.00\t38.50\t96.25%\t96",
            "38.50",
            id="executed-not-budget",
        ),
        pytest.param(
            "序号\t项目名称\t资金来源\t支出金额(万元)\t得分",
            "1\t科普日\t省级\t80.00\t96",
            "80.00",
            id="source-column-is-not-money",
        ),
        pytest.param(
            "序号\t项目名称\t分配资金\t自评得分", "1\t科普日\t8.35\t90", "8.35", id="allocated-funds"
        ),
    ],
)
def test_project_table_amount_column(header: str, row: str, amount: str) -> None:
    text = f"{header}\n{row}\n合计\t\t80.00\t\t\n\n一、部门概况\n"
    (line,) = parse_report(text).project_lines
    assert (line.name, str(line.amount)) == ("科普日", amount)


@pytest.mark.parametrize(
    ("text", "name", "source"),
    [
        pytest.param(
            "2022年度永州市零陵区档案馆部门(单位)整体支出绩效自评报告" + BODY,
            "永州市零陵区档案馆",
            "title",
            id="name-after-the-year-in-the-title",
        ),
        pytest.param(
            "2022年度部门整体支出绩效自评报告\n山东省红十字会(以下简称省红会)认真开展自评。" + BODY,
            "山东省红十字会",
            "definition",
            id="name-in-a-definition",
        ),
        pytest.param(
            "2022年度部门整体支出绩效自评报告\n根据要求，我单位香河县发展和改革委员会(以下简称本单位)开展自评。"
            + BODY,
            "香河县发展和改革委员会",
            "definition",
            id="definition-after-a-self-reference-keeps-the-whole-name",
        ),
        pytest.param(
            "2022年度部门整体支出绩效自评报告\n共青团彝良县委员会(以下简称团县委)开展自评。" + BODY,
            "共青团彝良县委员会",
            "definition",
            id="definition-of-a-name-around-its-place",
        ),
        pytest.param(
            "2022年度部门整体支出绩效自评表\n预算单位\t香河县妇女联合会\n" + BODY,
            "香河县妇女联合会",
            "header",
            id="budget-unit-table-cell",
        ),
        pytest.param(
            "项目支出绩效自评表\n项目主管部门:临湘市档案局\n" + BODY,
            "临湘市档案局",
            "header",
            id="supervising-department-field",
        ),
        pytest.param(
            BODY + "\n香河县总工会\n2023年4月17日\n",
            "香河县总工会",
            "signature",
            id="signature-of-another-type",
        ),
        pytest.param(
            "文档简介\n2023年度部门整体支出绩效自评报告" + BODY, None, None, id="page-debris-above-the-title"
        ),
        pytest.param(
            "返回 下载 相关\n2023年度部门整体支出绩效自评报告" + BODY,
            None,
            None,
            id="navigation-line-is-no-name",
        ),
        pytest.param(
            "2025年\n2023年度部门整体支出绩效自评报告" + BODY, None, None, id="a-bare-year-is-no-name"
        ),
        pytest.param(
            "作者:荷塘区政府\n2023年度部门整体支出绩效自评报告" + BODY,
            None,
            None,
            id="publisher-line-is-no-name",
        ),
        pytest.param(
            "2022年度部门整体支出绩效自评报告\n根据有关规定(以下简称规定)开展自评。" + BODY,
            None,
            None,
            id="a-definition-of-something-else-is-no-name",
        ),
    ],
)
def test_own_names_and_where_they_were_read(text: str, name: str | None, source: str | None) -> None:
    report = parse_report(text)
    assert report.value("unit_name") == name
    if name is None:
        assert report.name_sources == ()
    else:
        (first, *_) = report.name_sources
        assert (first.name, first.source) == (name, source)
        assert text.splitlines()[first.line_no - 1].strip() == first.line


@pytest.mark.parametrize(
    ("name", "plausible"),
    [
        pytest.param("香河县妇女联合会", True, id="a-body"),
        pytest.param("双峰县科学技术协协会", True, id="a-typo-still-a-body"),
        pytest.param("文档简介", False, id="page-debris"),
        pytest.param("返回下载相关", False, id="navigation"),
        pytest.param("2025年", False, id="a-date"),
        pytest.param("加强预算管理", False, id="a-sentence"),
    ],
)
def test_plausible_name(name: str, plausible: bool) -> None:
    assert plausible_name(name) is plausible
