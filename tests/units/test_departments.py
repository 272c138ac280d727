"""Department types: the vocabulary, type readings, canonical names, and matching a report of any type to
its own unit — never to the place's 科协, never across a type mismatch."""

from __future__ import annotations

import pytest

from jixiao.units.departments import load_departments, resolve_type, unit_of
from jixiao.units.match import Matcher
from jixiao.units.registry import Registry

REQUIRED = [
    "科协",
    "妇联",
    "总工会",
    "共青团",
    "红十字会",
    "文联",
    "档案馆",
    "档案局",
    "图书馆",
    "文化馆",
    "博物馆",
    "科技馆",
    "政协",
    "人大常委会办公室",
    "财政局",
    "编办",
    "党委办公室",
    "政府办",
    "融媒体中心",
    "科技局",
    "教育局",
    "民政局",
    "卫健委",
    "文旅广电局",
    "自然资源局",
    "农业农村局",
    "水利局",
    "交通运输局",
    "住建局",
    "司法局",
    "审计局",
    "统计局",
    "应急管理局",
    "市场监管局",
    "生态环境局",
    "残联",
    "工商联",
    "侨联",
    "地震局",
    "气象局",
]


def test_vocabulary_has_every_required_type() -> None:
    deps = load_departments()
    assert len(deps.types) >= 40
    assert set(REQUIRED) <= set(deps.by_key)


@pytest.mark.parametrize(
    ("word", "key"),
    [
        pytest.param("妇联", "妇联", id="key"),
        pytest.param("妇女联合会", "妇联", id="full-name"),
        pytest.param("县妇联", "妇联", id="with-a-level-word"),
        pytest.param("编办", "编办", id="abbreviation-key"),
        pytest.param("机构编制委员会办公室", "编办", id="abbreviation-full"),
        pytest.param("县委办", "党委办公室", id="county-party-office"),
        pytest.param("人民医院", None, id="not-a-type"),
        pytest.param("民族宗教事务委员会", "民宗局", id="ethnic-affairs-commission"),
        pytest.param("民宗局", "民宗局", id="ethnic-affairs-abbreviation"),
        pytest.param("供销合作联社", "供销社", id="supply-cooperative-short-form"),
        pytest.param("宗教活动场所", None, id="religious-site-is-no-department"),
    ],
)
def test_resolve_key(word: str, key: str | None) -> None:
    assert load_departments().resolve_key(word) == key


@pytest.mark.parametrize(
    ("before", "after", "key", "how"),
    [
        pytest.param("", "妇联", "妇联", "alias", id="alias"),
        pytest.param("政协", "委员会", "政协", "template", id="template-around-the-place"),
        pytest.param("", "妇女联和会", "妇联", "fuzzy", id="one-character-typo-in-a-long-name"),
        pytest.param("", "妇连", None, "none", id="no-typo-in-a-short-abbreviation"),
        pytest.param("", "科协科技馆", "科技馆", "subordinate", id="a-body-under-another"),
        pytest.param("", "财政局机关", "财政局", "alias", id="the-bureau-s-organ-is-the-bureau"),
        pytest.param("", "人民医院", None, "none", id="unknown-body"),
    ],
)
def test_resolve_type(before: str, after: str, key: str | None, how: str) -> None:
    reading = resolve_type(before, after)
    assert (reading.key, reading.how) == (key, how)


def test_canonical_names(registry: Registry) -> None:
    xianghe, hebei = registry.by_adcode["131024"], registry.by_adcode["130000"]
    assert unit_of(xianghe, "科协").name == "香河县科学技术协会"
    assert unit_of(xianghe, "妇联").name == "香河县妇女联合会"
    assert unit_of(xianghe, "政协").name == "中国人民政治协商会议香河县委员会"
    assert unit_of(hebei, "财政局").name == "河北省财政厅"
    assert unit_of(xianghe, "财政局").name == "香河县财政局"


@pytest.mark.parametrize(
    ("names", "text", "status", "adcode", "dtype"),
    [
        pytest.param(["香河县妇联"], "", "matched", "131024", "妇联", id="abbreviation-of-another-type"),
        pytest.param(["香河县妇女联和会"], "", "matched", "131024", "妇联", id="typo-in-a-long-full-name"),
        pytest.param(["政协香河县委员会"], "", "matched", "131024", "政协", id="place-inside-the-name"),
        pytest.param(
            ["永州市零陵区档案馆"], "", "matched", "431102", "档案馆", id="city-and-district-archives"
        ),
        pytest.param(["山东省红十字会"], "", "matched", "370000", "红十字会", id="provincial-red-cross"),
        pytest.param(
            ["兰溪市公安局"], "", "matched", "330781", "公安局", id="a-place-short-form-inside-a-type"
        ),
        pytest.param(
            ["香河县科协科技馆"], "", "needs_review", None, "科技馆", id="subordinate-body-to-review"
        ),
        pytest.param(["香河县档案管"], "", "unmatched", None, None, id="unreadable-type-never-guessed"),
        pytest.param(
            ["香河县科协科普服务中心"], "", "needs_review", None, "科协", id="a-body-of-the-kexie-to-review"
        ),
        pytest.param(
            ["香河县科学技术协会机关"], "", "matched", "131024", "科协", id="the-kexie-s-organ-is-the-kexie"
        ),
        pytest.param(
            ["香河县财政局国库支付中心"], "", "needs_review", None, "财政局", id="a-centre-under-a-bureau"
        ),
        pytest.param(
            ["香河县科学技术协会科普中心"], "", "needs_review", None, "科协", id="a-centre-of-the-kexie"
        ),
        pytest.param(["香河县人民医院"], "", "unmatched", None, None, id="a-body-outside-the-vocabulary"),
        # A place and no department: the 妇联 of 临泽 is no more likely than its 科协.
        pytest.param(
            [],
            "根据《临泽县财政局关于开展绩效评价的通知》",
            "needs_review",
            None,
            None,
            id="place-without-department",
        ),
        pytest.param(
            ["县妇联"],
            "根据《临泽县财政局关于开展绩效评价的通知》",
            "matched",
            "620723",
            "妇联",
            id="generic-own-name-and-its-cited-finance-bureau",
        ),
        pytest.param(
            ["县妇联"],
            "临泽县财政局给予了支持",
            "needs_review",
            None,
            "妇联",
            id="generic-name-and-a-mere-mention",
        ),
        pytest.param(
            ["妇联"],
            "根据《临泽县财政局关于开展绩效评价的通知》",
            "needs_review",
            None,
            "妇联",
            id="no-level-word-no-automatic-place",
        ),
    ],
)
def test_types_match_their_own_unit(
    matcher: Matcher, names: list[str], text: str, status: str, adcode: str | None, dtype: str | None
) -> None:
    result = matcher.match(names, text)
    assert (result.status, result.adcode, result.department_type) == (status, adcode, dtype), result
    if status == "needs_review":
        assert result.reason and result.candidates


def test_subordinate_body_offers_both_candidates(matcher: Matcher) -> None:
    result = matcher.match(["香河县科协科技馆"], "")
    assert [(c.name, c.department_type) for c in result.candidates] == [
        ("香河县科技馆", "科技馆"),
        ("香河县科学技术协会", "科协"),
    ]


@pytest.mark.parametrize(
    ("own", "status", "dtype"),
    [
        pytest.param(["香河县妇联", "香河县妇女联合会"], "matched", "妇联", id="own-names-agree-on-the-type"),
        pytest.param(
            ["香河县妇联", "香河县科学技术协会"], "needs_review", "妇联", id="type-mismatch-never-automatic"
        ),
    ],
)
def test_own_names_must_agree_on_the_type(matcher: Matcher, own: list[str], status: str, dtype: str) -> None:
    result = matcher.match(own, "", own)
    assert (result.status, result.department_type) == (status, dtype)
    if status == "needs_review":
        assert {c.department_type for c in result.candidates} == {"妇联", "科协"}
        assert "disagree" in result.reason


@pytest.mark.parametrize(
    ("own", "status"),
    [
        pytest.param(["香河县科学技术协会"], "matched", id="own-name-decides"),
        pytest.param([], "needs_review", id="a-body-mention-alone-never-decides"),
    ],
)
def test_body_mentions_never_decide(matcher: Matcher, own: list[str], status: str) -> None:
    # The parser lists the body's mentions after the own names; a mention of the place's 科协 in a report
    # that names itself nowhere is not its name.
    result = matcher.match(["香河县科学技术协会"], "香河县财政局", own)
    assert result.status == status


@pytest.mark.parametrize(
    ("text", "status"),
    [
        pytest.param(
            "根据《香河县财政局关于绩效自评的通知》\n", "matched", id="cited-finance-bureau-places-it"
        ),
        pytest.param(
            "作者:根据《香河县财政局关于绩效自评的通知》\n", "unmatched", id="a-publisher-line-never-does"
        ),
    ],
)
def test_publisher_lines_are_not_context(matcher: Matcher, text: str, status: str) -> None:
    assert matcher.match(["县科协"], text).status == status


def test_learned_alias_keeps_its_type(registry: Registry) -> None:
    learned = Matcher(registry, {"香河妇女会": ("131024", "妇联")})
    result = learned.match(["香河妇女会"], "")
    assert (result.status, result.adcode, result.department_type) == ("matched", "131024", "妇联")
    assert result.candidates[0].name == "香河县妇女联合会"


@pytest.mark.parametrize(
    ("own", "method"),
    [
        pytest.param(["渔阳科协"], "learned_alias", id="a-learned-own-name-decides"),
        pytest.param(["县科协"], "none", id="a-learned-spelling-in-the-body-does-not"),
    ],
)
def test_learned_spellings_apply_to_own_names_only(registry: Registry, own: list[str], method: str) -> None:
    learned = Matcher(registry, {"渔阳科协": ("120119", "科协")})
    result = learned.match([*own, "渔阳科协"], "", own)
    assert result.method == method
