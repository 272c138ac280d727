"""The unit's name as written, read by its place in the report: header field, title block, signature."""

from __future__ import annotations

import pytest

from jixiao.parse import parse_report

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
