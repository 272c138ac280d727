"""Document fingerprints and near-duplicates: copies collapse, corrections do not."""

from __future__ import annotations

import time

import pytest

from jixiao.dedupe import (
    NEAR_DUPLICATE_THRESHOLD,
    Doc,
    content_fingerprint,
    find_near_duplicate,
    numbers_of,
    similarity,
)
from jixiao.read import normalise
from tests.support import seed

BODY = seed("000").read_text(encoding="utf-8")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
NEW_PARAGRAPH = "\n补充说明：经复核，本单位科普活动覆盖面较上年明显扩大，群众满意度进一步提升，特此更正。\n"


@pytest.mark.parametrize(
    ("variant", "same"),
    [
        pytest.param(BODY.replace("\n", "\r\n"), True, id="crlf-copy"),
        pytest.param(BODY.encode("gb18030").decode("gb18030"), True, id="re-encoded-gb18030"),
        pytest.param(BODY.replace("，", ",").replace("：", ":"), True, id="punctuation-forms"),
        pytest.param(BODY.translate(FULL_WIDTH), True, id="full-width-digits"),
        pytest.param(BODY.replace("。", "。 ").replace("\n", "\n\n  "), True, id="whitespace-only"),
        pytest.param(BODY.replace("综合得分98分", "综合得分95分"), False, id="corrected-score"),
        pytest.param(BODY.replace("24.36万元", "243.6万元"), False, id="moved-decimal-point"),
        pytest.param(BODY + NEW_PARAGRAPH, False, id="added-paragraph"),
    ],
)
def test_fingerprint(variant: str, same: bool) -> None:
    assert (content_fingerprint(variant) == content_fingerprint(BODY)) is same


@pytest.mark.parametrize(
    ("variant", "duplicate"),
    [
        pytest.param(
            BODY.replace("科普", "科 普", 1).replace("宣传", "宣传资", 1), True, id="stray-characters"
        ),
        pytest.param(BODY.replace("[bookmark: _GoBack]", ""), True, id="conversion-artefact-dropped"),
        pytest.param(BODY.replace("\n四、", "\n- 3 -\n四、"), True, id="pdf-page-number-is-not-a-figure"),
        pytest.param(BODY.replace("综合得分98分", "综合得分95分"), False, id="one-figure-changed"),
        pytest.param(BODY.replace("综合得分98分", "综合得分九十八分"), False, id="figure-rewritten-in-words"),
        pytest.param(BODY + NEW_PARAGRAPH, False, id="new-paragraph-without-figures"),
        pytest.param(seed("004").read_text(encoding="utf-8"), False, id="another-report"),
    ],
)
def test_near_duplicate(variant: str, duplicate: bool) -> None:
    found = find_near_duplicate(normalise(variant).text, [("orig", normalise(BODY).text)])
    assert (found == "orig") is duplicate
    # Figures worked out ahead (as the workers do) decide the same way.
    ahead = find_near_duplicate(Doc.of(normalise(variant).text), [("orig", Doc.of(normalise(BODY).text))])
    assert ahead == found


def test_near_duplicate_picks_the_closest_candidate() -> None:
    pool = [("far", BODY.replace("科普", "科 普x", 3)), ("near", BODY.replace("科普", "科 普", 1))]
    assert find_near_duplicate(BODY, pool) == "near"
    assert find_near_duplicate(BODY, []) is None


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        pytest.param("合计1,476.240万元", ("1476.24",), id="separators-and-trailing-zeros"),
        pytest.param("综合得分九十八分，共 5 人", ("九十八", "5"), id="chinese-numerals-count"),
        pytest.param("预算24万元\n第 2 页 共 5 页\n", ("24",), id="page-footer-ignored"),
    ],
)
def test_numbers_of(text: str, figures: tuple[str, ...]) -> None:
    assert numbers_of(text) == figures


def test_ratio_alone_cannot_see_a_correction() -> None:
    # Why figures must matter: by characters a one-figure correction looks like a copy.
    assert similarity(BODY, BODY.replace("综合得分98分", "综合得分95分")) > NEAR_DUPLICATE_THRESHOLD
    assert similarity(BODY, seed("004").read_text(encoding="utf-8")) < NEAR_DUPLICATE_THRESHOLD


def test_similarity_is_fast_for_large_reports() -> None:
    big = seed("004").read_text(encoding="utf-8")  # 23 KB
    t0 = time.perf_counter()
    for _ in range(10):
        similarity(big, big.replace("科普", "科 普x", 5))
    assert (time.perf_counter() - t0) / 10 < 0.1
