"""The dedupe fingerprint's fast NFKC equals ``unicodedata.normalize("NFKC", …)`` exactly."""

from __future__ import annotations

import random
import unicodedata

import pytest

from jixiao.dedupe import _DROP, _NOT_SURELY_STABLE, _NUMBER, _NUMBER_RUN, _drop, _nfkc, figures_key


def test_characters_taken_as_stable_are_their_own_nfkc() -> None:
    skipped = [chr(c) for c in range(0x10000) if not _NOT_SURELY_STABLE.match(chr(c))]
    assert len(skipped) > 27000  # ASCII and the CJK ideographs at least
    changed = [c for c in skipped if unicodedata.normalize("NFKC", c) != c]
    assert changed == []


@pytest.mark.parametrize(
    "ch",
    [
        pytest.param("；", id="full-width-semicolon"),
        pytest.param("，", id="full-width-comma"),
        pytest.param("①", id="circled-one"),
        pytest.param("\u0301", id="combining-acute"),
        pytest.param("\uf900", id="compatibility-ideograph"),
    ],
)
def test_characters_that_change_are_looked_at(ch: str) -> None:
    assert unicodedata.normalize("NFKC", ch) != ch or unicodedata.combining(ch)
    assert _NOT_SURELY_STABLE.match(ch)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("某某局2023年度支出 1,234.50 万元；占 12.3%。", id="reader-text-with-kept-semicolon"),
        pytest.param("纯中文文本，没有兼容字符", id="full-width-comma-only"),
        pytest.param("Cafe\u0301 ①②", id="composition-across-characters"),
        pytest.param("\u1100\u1161\u11a8 가", id="hangul-jamo-compose"),
        pytest.param("ﬁ ㎡ ℃ Ⅱ …", id="expanding-compatibility-forms"),
        pytest.param("already ascii", id="already-normalised"),
        pytest.param("", id="empty"),
    ],
)
def test_fast_nfkc_is_nfkc(text: str) -> None:
    assert _nfkc.__wrapped__(text) == unicodedata.normalize("NFKC", text)


def test_fast_nfkc_on_random_mixtures() -> None:
    rng = random.Random(7)
    pool = [
        *map(chr, range(0x20, 0x250)),
        *map(chr, range(0x300, 0x370)),  # combining marks
        *map(chr, range(0x1100, 0x1200)),  # Hangul jamo
        *map(chr, range(0x2460, 0x24FF)),  # enclosed alphanumerics
        *map(chr, range(0x3000, 0x3100)),
        *map(chr, range(0xFF00, 0xFFEF)),  # full-width forms
        *map(chr, range(0xAC00, 0xAC40)),
        "某",
        "局",
    ]
    for _ in range(5000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert _nfkc.__wrapped__(text) == unicodedata.normalize("NFKC", text), repr(text)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param("支出 1,234.5 万元；", "支出 1234.50 万元;", True, id="width-and-separator-only"),
        pytest.param("支出 1,234.5 万元；", "支出 1234.6 万元;", False, id="a-changed-figure"),
    ],
)
def test_fingerprint_and_figures_of_width_variants(a: str, b: str, same: bool) -> None:
    assert (figures_key(a) == figures_key(b)) is same


def test_reduced_text_and_figures_read_in_steps_equal_the_patterns() -> None:
    rng = random.Random(11)
    alphabet = [*"0123456789.._a 。,，%-万两十二〇亿元x\u0663", "１", "\t", "\n"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert _drop(text) == _DROP.sub("", text), repr(text)
        runs = [v for run in _NUMBER_RUN.findall(text) for v in _NUMBER.findall(run)]
        assert runs == _NUMBER.findall(text), repr(text)


@pytest.mark.parametrize(
    ("text", "reduced"),
    [
        pytest.param("支出 24.36 万元。", "支出24.36万元", id="point-between-digits-stays"),
        pytest.param("第 1. 项_说明…", "第1项说明", id="points-and-underscores-go"),
    ],
)
def test_drop_keeps_only_points_between_digits(text: str, reduced: str) -> None:
    assert _drop(text) == reduced
