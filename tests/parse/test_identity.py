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
