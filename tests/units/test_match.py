"""Matching report unit names to the registry: seeds, typos, abbreviations, context, not-a-科协,
repeated names, learned aliases, a property test and the batch speed."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.parse import parse_report
from jixiao.units.aliases import short_forms
from jixiao.units.match import Matcher, search_units
from jixiao.units.registry import Registry, Unit, load_registry

SEEDS = {
    "000": "130121",  # 井陉县: title
    "001": "130100",  # 石家庄市: title fragment and signature
    "002": "131024",  # 香河县: 部门（单位）名称 field; the body has the typo 香河县科协技术协会
    "003": "431129",  # 江华: the title only says 县科协
    "004": "620723",  # 临泽县: title
}


def test_registry_covers_every_division_once(registry: Registry) -> None:
    levels = [u.level for u in registry.units]
    assert (levels.count("province"), levels.count("prefecture"), levels.count("county")) == (33, 333, 2845)
    assert len({u.adcode for u in registry.units}) == len(registry.units)
    assert registry.by_adcode["131024"].city == "廊坊市"


@pytest.mark.parametrize("prefix", sorted(SEEDS))
def test_seed_resolves_with_the_parsers_names(
    matcher: Matcher, seed_text: dict[str, str], prefix: str
) -> None:
    text = seed_text[prefix]
    result = matcher.match(parse_report(text).unit_names, text)
    assert (result.status, result.adcode) == ("matched", SEEDS[prefix])


@pytest.mark.parametrize(
    ("prefix", "names", "status", "adcode"),
    [
        pytest.param("003", ["县科协"], "matched", "431129", id="jianghua-title-only-finance-bureau-decides"),
        pytest.param("004", ["县科协"], "matched", "620723", id="linze-title-only-finance-bureau-decides"),
        # No name of its own: the place is inferred from the text, the department from nothing — a review.
        pytest.param("002", [], "needs_review", None, id="no-name-at-all-place-inferred-goes-to-review"),
        # A 市 report read as a 县 one: no county authority is named, so no county is guessed.
        pytest.param("001", ["县科协"], "needs_review", None, id="wrong-level-hint-is-not-guessed"),
        pytest.param(
            "003", ["南县政协"], "matched", "430921", id="a-zhengxie-is-its-own-unit-despite-context"
        ),
    ],
)
def test_seed_text_as_context(
    matcher: Matcher,
    seed_text: dict[str, str],
    prefix: str,
    names: list[str],
    status: str,
    adcode: str | None,
) -> None:
    result = matcher.match(names, seed_text[prefix])
    assert (result.status, result.adcode) == (status, adcode)


@pytest.mark.parametrize(
    ("names", "text", "status", "adcode"),
    [
        pytest.param(["香河县科学技术协会"], "", "matched", "131024", id="exact"),
        # Typo: the place is an exact, unique official name and the organisation part is one character
        # from 科学技术协会 — nothing a reviewer could decide differently, so it is matched (score 91.67).
        pytest.param(["香河县科协技术协会"], "", "matched", "131024", id="typo-in-org-part-matched"),
        pytest.param(["香河县科学技术局"], "", "matched", "131024", id="science-bureau-is-its-own-unit"),
        pytest.param(["井陉县科协"], "", "matched", "130121", id="abbreviation"),
        pytest.param(["井陉科协"], "", "matched", "130121", id="short-place-and-abbreviation"),
        pytest.param(["江华科协"], "", "matched", "431129", id="autonomous-county-short-form"),
        pytest.param(["江华县科协"], "", "matched", "431129", id="autonomous-county-as-plain-county"),
        pytest.param(["大厂县科学技术协会"], "", "matched", "131028", id="neighbour-is-its-own-unit"),
        pytest.param(
            ["县科协"],
            "根据《临泽县财政局关于开展2022年绩效评价工作的通知》",
            "matched",
            "620723",
            id="context-only",
        ),
        pytest.param(["县科协"], "我们开展了很多工作。", "unmatched", None, id="no-context-no-guess"),
        pytest.param(
            ["县科协"], "临泽县财政局、高台县财政局", "needs_review", None, id="two-counties-no-guess"
        ),
        pytest.param(
            ["县科协", "永州市科协"],
            "根据《永州市财政局、江华瑶族自治县财政局关于绩效自评的通知》",
            "matched",
            "431129",
            id="superior-unit-mention-skipped",
        ),
        pytest.param(["南县科协"], "", "matched", "430921", id="one-character-county"),
        pytest.param(["南县政协"], "", "matched", "430921", id="political-consultative-is-its-own-unit"),
        pytest.param(["南县财政局"], "", "matched", "430921", id="finance-bureau-is-its-own-unit"),
        pytest.param(
            ["香河县老科协"], "香河县财政局", "unmatched", None, id="retired-scientists-association"
        ),
        pytest.param(["蒋辛屯镇科协"], "香河县财政局", "unmatched", None, id="town-kexie-is-not-in-registry"),
        pytest.param(["朝阳区科学技术协会"], "", "needs_review", None, id="repeated-name-without-context"),
        pytest.param(
            ["朝阳区科学技术协会"], "北京市朝阳区", "matched", "110105", id="repeated-name-with-province"
        ),
        pytest.param(
            ["朝阳区科学技术协会"], "吉林省长春市", "matched", "220104", id="repeated-name-with-city"
        ),
        pytest.param(["桥西区科协"], "河北省", "needs_review", None, id="same-province-still-ambiguous"),
        pytest.param(["桥西区科协"], "河北省张家口市", "matched", "130703", id="same-province-city-decides"),
        pytest.param(["朝阳科协"], "", "needs_review", None, id="ambiguous-short-form"),
        pytest.param(
            ["河北省廊坊市香河县科学技术协会"], "", "matched", "131024", id="name-with-its-province"
        ),
        pytest.param(
            ["湖南省香河县科学技术协会"], "", "needs_review", None, id="name-with-contradicting-province"
        ),
    ],
)
def test_match_cases(matcher: Matcher, names: list[str], text: str, status: str, adcode: str | None) -> None:
    result = matcher.match(names, text)
    assert (result.status, result.adcode) == (status, adcode), result
    if status == "needs_review":
        assert result.candidates, "a review needs candidates"
    if status == "unmatched":
        assert result.adcode is None


def test_ambiguity_keeps_every_candidate(matcher: Matcher) -> None:
    result = matcher.match(["朝阳区科学技术协会"], "")
    assert {c.adcode for c in result.candidates} == {"110105", "220104"}
    assert result.method.endswith("ambiguous")


@pytest.mark.parametrize(
    ("auto", "status", "adcode"),
    [
        pytest.param(90.0, "matched", "131024", id="typo-above-auto"),
        pytest.param(95.0, "needs_review", None, id="typo-below-stricter-auto-keeps-no-adcode"),
    ],
)
def test_thresholds(registry: Registry, auto: float, status: str, adcode: str | None) -> None:
    result = Matcher(registry, auto=auto).match(["香河县科协技术协会"], "")
    assert (result.status, result.adcode) == (status, adcode)
    assert result.candidates[0].adcode == "131024"


@pytest.mark.parametrize(
    ("spelling", "status", "adcode", "method"),
    [
        pytest.param("渔阳科协", "matched", "120119", "learned_alias", id="accepted-spelling"),
        pytest.param("南湖政协", "unmatched", None, "learned_reject", id="rejected-spelling"),
        pytest.param("渔阳县科协", "unmatched", None, "none", id="unlearned-spelling-not-guessed"),
    ],
)
def test_learned(registry: Registry, spelling: str, status: str, adcode: str | None, method: str) -> None:
    learned = Matcher(registry, {"渔阳科协": "120119", "南湖政协": None})
    result = learned.match([spelling], "")
    assert (result.status, result.adcode, result.method) == (status, adcode, method)


def test_search_units_ranks_the_right_unit_first(registry: Registry) -> None:
    assert search_units(registry, "香河县科协技术协会", 3)[0][0].adcode == "131024"
    assert search_units(registry, "临泽县科协", 3)[0][0].adcode == "620723"


# ---------------------------------------------------------------------------------------------- property

UNITS = load_registry().units
MATCHER = Matcher(load_registry())


@st.composite
def spelling_and_context(draw: st.DrawFn) -> tuple[Unit, str, str]:
    unit = draw(st.sampled_from(UNITS))
    place = draw(st.sampled_from(sorted({unit.division, *short_forms(unit.division)})))
    org = draw(st.sampled_from(["科学技术协会", "科协"]))
    regions = [r for r in (unit.province, unit.city) if r and r != unit.division]
    regions += [s for r in regions for s in short_forms(r)]
    context = draw(st.lists(st.sampled_from(regions), max_size=2)) if regions else []
    framing = draw(st.sampled_from(["{}", "根据{}财政局的通知", "{}人民政府"]))
    text = "".join(framing.format(r) for r in context)
    return unit, place + org, text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spelling_and_context())
def test_no_unit_is_ever_matched_to_another(case: tuple[Unit, str, str]) -> None:
    unit, name, text = case
    result = MATCHER.match([name], text)
    assert result.adcode in (None, unit.adcode), (name, text, result)
    # The guarantees the matched suite used to restate: a match names its unit and clears the bar.
    if result.status == "matched":
        assert result.adcode is not None and result.score >= MATCHER.auto, result
        assert result.department_type == "科协" and not result.reason
    else:
        assert result.adcode is None and result.reason, result


def test_every_canonical_name_with_its_province_and_city_is_matched() -> None:
    # Exhaustive where the property test samples: no unit is unreachable by its own name.
    for unit in UNITS:
        result = MATCHER.match([unit.name], f"{unit.province}{unit.city or ''}")
        assert (result.status, result.adcode) == ("matched", unit.adcode), (unit, result)


# ---------------------------------------------------------------------------------------------- speed


def test_matching_10000_reports_takes_seconds(matcher: Matcher, seed_text: dict[str, str]) -> None:
    rng = random.Random(7)
    body = seed_text["000"].replace("井陉", "本")  # the only evidence is what each item adds
    items: list[tuple[list[str], str]] = []
    truth: list[str] = []
    for i in range(10_000):
        unit = rng.choice(UNITS)
        short = sorted(short_forms(unit.division)) or [unit.division]
        names = [[unit.name], [short[0] + "科协"], [unit.division[-1] + "科协"], []][i % 4]
        # A distinct text per item, so nothing is served from the per-text cache.
        text = (
            f"{unit.name}\n根据《{unit.province}{unit.city or ''}{unit.division}财政局的通知》第{i}号\n{body}"
        )
        items.append((names, text))
        truth.append(unit.adcode)
    t0 = time.perf_counter()
    results = matcher.match_many(items)
    elapsed = time.perf_counter() - t0
    assert elapsed < 10, elapsed
    assert all(r.adcode in (None, a) for r, a in zip(results, truth, strict=True))
    # Every named item is matched; an item with no name of its own (every fourth) only ever goes to review.
    assert sum(r.status == "matched" for r in results) > 7_300
    assert not any(r.status == "matched" for r, (names, _) in zip(results, items, strict=True) if not names)


_BODY = "\n一、部门基本情况\n2022年部门总支出555.03万元,石家庄市科协下达项目资金12万元。\n"


@pytest.mark.parametrize(
    ("text", "conflict"),
    [
        pytest.param(
            "井陉县科学技术协会\n2022年度整体支出绩效自评报告"
            + _BODY
            + "\n井陉县科学技术协会\n2023年3月1日\n",
            None,
            id="title-and-signature-agree",
        ),
        pytest.param(
            "井陉县科学技术协会\n2022年度整体支出绩效自评报告"
            + _BODY
            + "\n井陉县科学枝术协会\n2023年3月1日\n",
            None,
            id="a-typo-in-the-signature-is-the-same-unit",
        ),
        pytest.param(
            "井陉县科学技术协会\n2022年度整体支出绩效自评报告"
            + _BODY
            + "\n赞皇县科学技术协会\n2023年3月1日\n",
            "赞皇县科学技术协会 → 赞皇县科学技术协会",
            id="signature-names-another-county",
        ),
    ],
)
def test_own_names_that_name_another_unit_are_noted(
    matcher: Matcher, text: str, conflict: str | None
) -> None:
    # The body's mention of the superior 石家庄市科协 is never an own name, so it is no conflict.
    report = parse_report(text)
    result = matcher.match(report.unit_names, text, report.own_names)
    assert (result.status, result.adcode, result.conflict) == ("matched", "130121", conflict)
    (batch,) = matcher.match_many([(report.unit_names, text)], [report.own_names])
    assert batch == result
