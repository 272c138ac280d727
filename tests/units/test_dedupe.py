"""Document fingerprints and near-duplicates: copies collapse, corrections do not."""

from __future__ import annotations

import pytest

from jixiao.dedupe import content_fingerprint, find_near_duplicate, similarity
from jixiao.read import normalise
from tests.support import seed

BODY = seed("000").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("variant", "same"),
    [
        pytest.param(BODY.replace("\n", "\r\n"), True, id="crlf-copy"),
        pytest.param(BODY.replace("，", ",").replace("：", ":"), True, id="punctuation-forms"),
        pytest.param(BODY.replace("98分", "９８分"), True, id="full-width-digits"),
        pytest.param(BODY.replace("。", "。 "), True, id="extra-spaces"),
        pytest.param(BODY.replace("综合得分98分", "综合得分95分"), False, id="corrected-score"),
        pytest.param(BODY + "\n补充说明：本报告已更正。", False, id="added-paragraph"),
    ],
)
def test_fingerprint(variant: str, same: bool) -> None:
    assert (content_fingerprint(variant) == content_fingerprint(BODY)) is same


@pytest.mark.parametrize(
    ("variant", "duplicate"),
    [
        pytest.param(
            BODY.replace("科普", "科 普", 1).replace("宣传", "宣 传资料", 1), True, id="stray-characters"
        ),
        pytest.param(BODY.replace("综合得分98分", "综合得分95分"), False, id="one-figure-changed"),
        pytest.param(seed("004").read_text(encoding="utf-8"), False, id="another-report"),
    ],
)
def test_near_duplicate_requires_same_figures(variant: str, duplicate: bool) -> None:
    found = find_near_duplicate(normalise(variant).text, [("orig", normalise(BODY).text)])
    assert (found == "orig") is duplicate


def test_similarity_is_high_for_a_one_figure_change() -> None:
    # Why figures must matter: by characters alone a correction looks like a copy.
    assert similarity(BODY, BODY.replace("综合得分98分", "综合得分95分")) > 99
