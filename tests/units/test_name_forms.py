"""How real reports write a unit's name, each rule with a name it matches and one it must not: templates
that wrap the province or prefecture too, the full names of party and league organs, the offices of the
provincial bodies, names in Traditional characters, with pinyin ruby or spaced out, and the department
types every division has that the first vocabulary lacked. All names are written for these tests."""

from __future__ import annotations

import pytest

from jixiao.units.departments import load_departments, unit_of
from jixiao.units.match import Matcher
from jixiao.units.registry import Registry

XIANGHE, HEBEI = "131024", "130000"


@pytest.mark.parametrize(
    ("name", "status", "adcode", "dtype"),
    [
        # A template around the place and its province (政协 + 河北省香河县 + 委员会).
        pytest.param(
            "政协河北省香河县委员会", "matched", XIANGHE, "政协", id="template-around-province-and-county"
        ),
        pytest.param(
            "中国人民政治协商会议河北省香河县委员会",
            "matched",
            XIANGHE,
            "政协",
            id="full-cppcc-name-with-province",
        ),
        pytest.param(
            "政协山东省香河县委员会",
            "needs_review",
            None,
            "政协",
            id="template-with-a-contradicting-province",
        ),
        # The league's and the party's full names.
        pytest.param("中国共产主义青年团香河县委员会", "matched", XIANGHE, "共青团", id="league-full-name"),
        pytest.param(
            "中国共产主义青年团香河县淑阳镇委员会",
            "unmatched",
            None,
            None,
            id="league-of-a-town-is-no-registry-unit",
        ),
        pytest.param("中共香河县委员会办公室", "matched", XIANGHE, "党委办公室", id="party-office-full-name"),
        pytest.param(
            "中共河北省香河县委员会办公室", "matched", XIANGHE, "党委办公室", id="party-office-with-province"
        ),
        pytest.param("香河县委员会办公室", "unmatched", None, None, id="committee-office-of-no-named-organ"),
        # A provincial body's office is its 办公厅.
        pytest.param(
            "中国人民政治协商会议河北省委员会办公厅",
            "matched",
            HEBEI,
            "政协",
            id="provincial-cppcc-general-office",
        ),
        pytest.param(
            "河北省人民政府办公厅", "matched", HEBEI, "政府办", id="provincial-government-general-office"
        ),
        pytest.param("河北省委员会办公厅", "unmatched", None, None, id="general-office-of-no-named-organ"),
        pytest.param("河北省政协办公厅", "matched", HEBEI, "政协", id="provincial-cppcc-office-short"),
        pytest.param("河北省委办公厅", "matched", HEBEI, "党委办公室", id="provincial-party-general-office"),
        # Traditional characters, pinyin ruby and spaces are not part of a name.
        pytest.param("香河縣婦女聯合會", "matched", XIANGHE, "妇联", id="traditional-characters"),
        pytest.param("香河縣老科協", "unmatched", None, None, id="traditional-other-body-stays-refused"),
        pytest.param("乾县妇联", "matched", "610424", "妇联", id="simplified-name-with-a-t2s-character-kept"),
        pytest.param("香河县妇女联(lián)合会", "matched", XIANGHE, "妇联", id="pinyin-ruby-dropped"),
        pytest.param("淑阳镇(zhèn)妇联", "unmatched", None, None, id="pinyin-ruby-on-a-town-body"),
        pytest.param("香河县妇联(筹)", "needs_review", None, "妇联", id="a-word-in-brackets-is-no-ruby"),
        pytest.param("香 河 县 妇 联", "matched", XIANGHE, "妇联", id="spaced-out-name"),
        pytest.param("香 河 县 老 科 协", "unmatched", None, None, id="spaced-out-other-body"),
        # Types every division has.
        pytest.param("中共香河县委统战部", "matched", XIANGHE, "统战部", id="united-front-department"),
        pytest.param("香河县委组织部", "matched", XIANGHE, "组织部", id="organisation-department"),
        pytest.param("中共香河县纪律检查委员会", "matched", XIANGHE, "纪委监委", id="discipline-commission"),
        pytest.param("香河县淑阳镇纪委", "unmatched", None, None, id="town-discipline-body"),
        pytest.param("河北省人民检察院", "matched", HEBEI, "检察院", id="procuratorate"),
        pytest.param(
            "香河县检察院第一检察部", "needs_review", None, "检察院", id="a-section-of-the-procuratorate"
        ),
        pytest.param("香河县工业和信息化局", "matched", XIANGHE, "工信局", id="industry-bureau"),
        pytest.param("香河县城市管理综合执法局", "matched", XIANGHE, "城管局", id="urban-management-bureau"),
        pytest.param(
            "香河县城市管理监督指挥中心", "unmatched", None, None, id="a-centre-under-urban-management"
        ),
        pytest.param("香河县人民法院", "matched", XIANGHE, "法院", id="county-court"),
        pytest.param("廊坊市中级人民法院", "matched", "131000", "法院", id="prefecture-intermediate-court"),
        pytest.param("香河县人民法庭", "unmatched", None, None, id="a-tribunal-is-no-court-type"),
        # Variants of bureau names.
        pytest.param(
            "香河县文化广电体育和旅游局", "matched", XIANGHE, "文旅广电局", id="culture-sports-tourism-bureau"
        ),
        pytest.param("香河县发展改革委", "matched", XIANGHE, "发改委", id="development-commission-short"),
        pytest.param(
            "香河县人力资源社会保障局", "matched", XIANGHE, "人社局", id="human-resources-without-and"
        ),
        pytest.param(
            "香河县人力资源服务中心", "unmatched", None, None, id="human-resources-centre-is-no-bureau"
        ),
    ],
)
def test_name_forms(matcher: Matcher, name: str, status: str, adcode: str | None, dtype: str | None) -> None:
    result = matcher.match([name], "")
    assert (result.status, result.adcode, result.department_type) == (status, adcode, dtype), result
    assert result.spelling == name  # the name as written, for the review queue and the report


def test_court_names_by_level(registry: Registry) -> None:
    court = load_departments().by_key["法院"]
    assert court.name_at("河北省", "province") == "河北省高级人民法院"
    assert court.name_at("廊坊市", "prefecture") == "廊坊市中级人民法院"
    assert court.name_at("香河县", "county") == "香河县人民法院"
    assert unit_of(registry.by_adcode["131024"], "法院").name == "香河县人民法院"


@pytest.mark.parametrize(
    ("names", "text", "status", "adcode"),
    [
        # A generic own name (县政协) placed by the text naming one county with the report's own type.
        pytest.param(
            ["县政协"], "香河县政协2023年度履职情况良好", "matched", XIANGHE, id="county-named-with-the-type"
        ),
        pytest.param(
            ["县政协"], "政协香河县委员会召开全体会议", "matched", XIANGHE, id="county-inside-the-template"
        ),
        pytest.param(
            ["县委办公室"], "中共香河县委办公室牵头", "matched", XIANGHE, id="party-office-named-in-the-text"
        ),
        pytest.param(
            ["县政协"],
            "香河县政协与大厂回族自治县政协交流",
            "needs_review",
            None,
            id="two-counties-with-the-type",
        ),
        pytest.param(
            ["政协"], "香河县政协2023年度履职情况良好", "needs_review", None, id="no-level-word-no-place"
        ),
        pytest.param(
            ["县委办公室"], "中共香河县委组织部牵头", "needs_review", None, id="another-organ-of-the-county"
        ),
        pytest.param(
            ["县政协"], "廊坊市政协召开会议", "unmatched", None, id="the-prefecture-s-body-is-no-county"
        ),
    ],
)
def test_generic_name_placed_by_the_text(
    matcher: Matcher, names: list[str], text: str, status: str, adcode: str | None
) -> None:
    result = matcher.match(names, text)
    assert (result.status, result.adcode) == (status, adcode), result


BODY = "\n一、部门基本情况\n本单位2023年度预算执行良好。\n"


@pytest.mark.parametrize(
    ("text", "status", "adcode", "dtype"),
    [
        # The parser found no own name: the title's first words, or a name line under the title, give it.
        pytest.param(
            "香河县妇女联(lián)合会部门整体支出绩效自评报告" + BODY,
            "matched",
            XIANGHE,
            "妇联",
            id="title-begins-with-the-name",
        ),
        pytest.param(
            "2023年度香河县妇女联合会部门整体支出绩效自评报告" + BODY,
            "matched",
            XIANGHE,
            "妇联",
            id="year-then-name-then-title",
        ),
        pytest.param(
            "项目支出\n绩效自评报告\n香河县妇女联合会" + BODY,
            "matched",
            XIANGHE,
            "妇联",
            id="name-line-under-the-title",
        ),
        pytest.param(
            "香河县财政局\n部门整体支出绩效自评报告" + BODY,
            "needs_review",
            None,
            None,
            id="site-name-above-the-title",
        ),
        pytest.param(
            "部门整体支出绩效自评报告\n香河县财政局:" + BODY,
            "needs_review",
            None,
            None,
            id="addressee-under-the-title",
        ),
        pytest.param(
            "部门整体支出绩效自评报告\n香河县妇女联合会\n香河县总工会" + BODY,
            "needs_review",
            None,
            None,
            id="two-units-under-the-title",
        ),
        pytest.param(
            "香河县妇女联合会科普中心部门整体支出绩效自评报告" + BODY,
            "needs_review",
            None,
            None,
            id="a-body-under-a-type",
        ),
    ],
)
def test_own_name_from_the_first_lines(
    matcher: Matcher, text: str, status: str, adcode: str | None, dtype: str | None
) -> None:
    result = matcher.match([], text, own_names=[])
    assert (result.status, result.adcode, result.department_type) == (status, adcode, dtype), result


def test_first_lines_are_read_only_when_the_parser_found_no_own_name(matcher: Matcher) -> None:
    text = "香河县妇女联合会部门整体支出绩效自评报告" + BODY
    assert (
        matcher.match(["大厂回族自治县总工会"], text, own_names=["大厂回族自治县总工会"]).department_type
        == "总工会"
    )
    assert matcher.match([], text).status == "needs_review"  # own names not given: nothing is read as own


@pytest.mark.parametrize(
    ("names", "text", "status", "adcode"),
    [
        pytest.param(
            ["705-河北省香河县妇女联合会"], "", "matched", XIANGHE, id="budget-code-before-the-name"
        ),
        pytest.param(["705-香河县淑阳镇妇联"], "", "unmatched", None, id="budget-code-before-a-town-body"),
        # 以下简称: the full name in the text places the generic own name.
        pytest.param(
            ["县妇联"],
            "香河县妇女联合会(以下简称县妇联)",
            "matched",
            XIANGHE,
            id="full-name-defines-the-short",
        ),
        pytest.param(
            ["县妇联"],
            "香河县妇女联合会(以下简称县妇联)与大厂回族自治县妇女联合会",
            "needs_review",
            None,
            id="two-full-names-in-the-text",
        ),
    ],
)
def test_codes_and_definitions(
    matcher: Matcher, names: list[str], text: str, status: str, adcode: str | None
) -> None:
    result = matcher.match(names, text)
    assert (result.status, result.adcode) == (status, adcode), result


def test_a_name_from_the_first_lines_says_so(matcher: Matcher) -> None:
    result = matcher.match([], "香河县妇女联合会部门整体支出绩效自评报告" + BODY, own_names=[])
    assert result.method.endswith("+first_lines")
