"""Normalisation rules, each with a case where the rule must not fire, and the map back to raw offsets."""

from __future__ import annotations

import unicodedata

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.read import normalise
from jixiao.read.normalise import looks_traditional
from tests.support import seed_paths

T2S = opencc.OpenCC("t2s")
LONG = "我单位2022年整体预算为1476.24万元，其中财政拨款1476.24万元，占总预算的100%，人员经费预算"  # 50 chars
N = LONG.replace("，", ",")  # LONG after NFKC


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # NFKC
        pytest.param("综合得分９７．５分", "综合得分97.5分", id="full-width-digits"),
        pytest.param("执行率为９８．３２％", "执行率为98.32%", id="full-width-percent"),
        pytest.param(
            "（一）部门名称：科协，合计", "(一)部门名称:科协,合计", id="full-width-brackets-colon-comma"
        ),
        pytest.param("单位　名称\u00a0科协", "单位 名称 科协", id="ideographic-and-no-break-spaces"),
        pytest.param("等…㎡⑴", "等...m2(1)", id="compatibility-expansions"),
        pytest.param("①2022年预算", "(1)2022年预算", id="circled-number-keeps-apart-from-year"),
        pytest.param(
            "。、；“”‘’《》【】〔〕—·〇", "。、；“”‘’《》【】〔〕—·〇", id="chinese-punctuation-kept"
        ),
        pytest.param("cafe\u0301", "café", id="combining-mark-composed"),
        # Traditional → Simplified
        pytest.param("臨澤縣科學技術協會", "临泽县科学技术协会", id="traditional-to-simplified"),
        pytest.param(
            "臨澤縣科學技術協會績效評價報告", "临泽县科学技术协会绩效评价报告", id="traditional-report-title"
        ),
        pytest.param(
            "临泽县科学技术协会引用台湾“國立臺灣大學”的成果",
            "临泽县科学技术协会引用台湾“國立臺灣大學”的成果",
            id="simplified-quoting-traditional-untouched",
        ),
        # markup
        pytest.param("[bookmark: _GoBack]时效指标", "时效指标", id="bookmark-markup"),
        pytest.param("## 二、评价\n**重点**内容\n### 1、预算", "二、评价\n重点内容\n1、预算", id="markdown"),
        pytest.param("C#语言 第3#楼", "C#语言 第3#楼", id="hash-inside-a-line-kept"),
        pytest.param("时效\u200b指标\ufeff", "时效指标", id="zero-width-characters"),
        # spaces
        pytest.param("单位   名称", "单位 名称", id="space-runs-collapse"),
        pytest.param("  缩进的段落  \n下一段", "缩进的段落\n下一段", id="line-edge-spaces-go"),
        pytest.param(
            "序号 \t 项目名称\t\t金额", "序号\t项目名称\t\t金额", id="tabs-kept-spaces-around-them-go"
        ),
        pytest.param("我单位 2022 年", "我单位 2022 年", id="single-spaces-kept"),
        pytest.param("第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行", id="crlf-and-cr"),
        # numbers split across lines
        pytest.param("部门总支出为20\n24.5万元", "部门总支出为2024.5万元", id="number-split-before-unit"),
        pytest.param("年度预算于20\n24年下达", "年度预算于2024年下达", id="year-split"),
        pytest.param("整体预算为1476.\n24万元", "整体预算为1476.24万元", id="decimal-split-after-point"),
        pytest.param("整体预算为1476\n.24万元", "整体预算为1476.24万元", id="decimal-split-before-point"),
        pytest.param(
            "表1\n2022年度部门整体支出绩效自评表",
            "表1\n2022年度部门整体支出绩效自评表",
            id="label-number-not-joined",
        ),
        pytest.param("附件2\n2022年度", "附件2\n2022年度", id="attachment-number-not-joined"),
        pytest.param(
            "联系电话:0931-5621234\n2023年4月17日",
            "联系电话:0931-5621234\n2023年4月17日",
            id="implausible-year-not-joined",
        ),
        pytest.param("3\n45万元", "3\n45万元", id="bare-number-line-not-joined"),
        pytest.param("见附件1.\n2.项目情况", "见附件1.\n2.项目情况", id="numbered-list-not-joined"),
        pytest.param(
            "经费合计91\n2\t党组织活动经费", "经费合计91\n2\t党组织活动经费", id="table-row-not-joined"
        ),
        pytest.param("项目数量共计3\n4个单位参与", "项目数量共计34个单位参与", id="count-split"),
        pytest.param("项目共有3\n4 个人", "项目共有3\n4 个人", id="digit-then-space-not-a-split"),
        # PDF-style hard wraps
        pytest.param(
            "\n".join([LONG] * 6) + "\n短行",
            N * 6 + "短行",
            id="hard-wrapped-lines-joined",
        ),
        pytest.param(
            "\n".join([LONG] * 5 + [LONG[:-1] + "。", "二、绩效目标"]),
            N * 5 + N[:-1] + "。\n二、绩效目标",
            id="sentence-end-and-heading-stop-the-join",
        ),
        pytest.param(
            "\n".join([LONG] * 5 + ["一、部门概况"]) + "\n" + LONG,
            N * 5 + "\n一、部门概况\n" + N,
            id="next-line-heading-not-joined",
        ),
        pytest.param(
            "一、部门概况\n(一)机构职能\n1.依法依章独立自主开展工作\n2.团结联系服务科技工作者",
            "一、部门概况\n(一)机构职能\n1.依法依章独立自主开展工作\n2.团结联系服务科技工作者",
            id="short-heading-lines-never-joined",
        ),
    ],
)
def test_normalisation(raw: str, expected: str) -> None:
    norm = normalise(raw)
    assert norm.text == expected
    _assert_map(raw, norm.text, norm.to_raw)


def _comes_from(ch: str, src: str) -> bool:
    nf = unicodedata.normalize("NFKC", src)
    return (
        ch == src
        or ch in nf
        or ch in T2S.convert(nf)
        or (ch == " " and src.isspace())
        or (ch == "\n" and src == "\r")
        or (src in "①②③④⑤⑥⑦⑧⑨⑩" and ch in "()0123456789")
    )


def _assert_map(raw: str, text: str, to_raw: object) -> None:
    assert callable(to_raw)
    last = 0
    for i, ch in enumerate(text):
        j = to_raw(i)
        assert j >= last, "the map must not go backwards"
        last = j
        src = raw[j]
        # A composed character maps to its base letter; everything else to the character it came from.
        assert _comes_from(ch, src) or unicodedata.normalize("NFKC", raw[j : j + 2]) == ch, (i, ch, j, src)
    assert to_raw(len(text)) <= len(raw)


def test_nothing_to_do_returns_the_text_with_no_map() -> None:
    raw = "临泽县科学技术协会 2022年整体支出绩效评价报告\n综合得分97.5分。"
    norm = normalise(raw)
    assert norm.text == raw
    assert norm.steps == ()


def test_seed_reports_map_back_character_by_character() -> None:
    for path in seed_paths():
        raw = path.read_text(encoding="utf-8")
        # Make every rule fire: full-width digits, bookmarks, space runs, a split number.
        raw = (
            raw.translate({c: c + 0xFEE0 for c in b"0123456789%"})
            .replace("。", "。[bookmark: _GoBack]", 3)
            .replace("，", "，   ", 5)
            + "\n部门总支出为20\n24.5万元"
        )
        norm = normalise(raw)
        assert "[bookmark" not in norm.text
        assert "2024.5万元" in norm.text
        _assert_map(raw, norm.text, norm.to_raw)
        # The map is sparse: a handful of anchors per edit, not one entry per character.
        anchors = sum(len(step.new) for step in norm.steps)
        assert anchors < len(raw) // 10


def test_from_raw_inverts_to_raw() -> None:
    raw = "[bookmark: x]综合得分９７．５分\n## 二、评价\n部门总支出为20\n24.5万元…完"
    norm = normalise(raw)
    for i in range(len(norm.text)):
        assert norm.from_raw(norm.to_raw(i)) <= i
        assert norm.to_raw(norm.from_raw(norm.to_raw(i))) == norm.to_raw(i)


PIECES = st.sampled_from(
    [
        "临泽县", "科协", "２０２４", "９７．５", "％", "（一）", "：", "；", "…", "①", "㎡", "  ", " ", "\t",
        "\n", "\r\n", "**", "## ", "[bookmark: _GoBack]", "\u200b", "20\n24年", "1476.\n24万元", "。", "\u3000",
        "經費", "a", "7",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40))
def test_map_holds_for_any_mix_of_edits(pieces: list[str]) -> None:
    raw = "".join(pieces)
    norm = normalise(raw)
    _assert_map(raw, norm.text, norm.to_raw)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("臨澤縣科學技術協會" * 3, True, id="traditional"),
        pytest.param("临泽县科学技术协会" * 3, False, id="simplified"),
        pytest.param(
            "临泽县科学技术协会" * 30 + "國立臺灣大學", False, id="simplified-with-a-traditional-name"
        ),
        pytest.param("", False, id="empty"),
    ],
)
def test_looks_traditional(text: str, expected: bool) -> None:
    assert looks_traditional(text) is expected
