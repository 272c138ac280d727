"""The parser's fast scans find exactly what the plain scans they replace find."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable

import pytest

from jixiao.parse.identity_vocab import identity_vocab, mentions
from jixiao.units.departments import load_departments


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[tuple[int, int], str, str]]:
    return [(m.span(), m.group(0), m.group("prefix")) for m in matches]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("本会联合市科协和某某县科学技术协会开展活动", True, id="mentions"),
        pytest.param("科协", False, id="a-suffix-with-no-prefix"),
        pytest.param("", False, id="empty"),
    ],
)
def test_mentions_equal_the_mention_pattern(text: str, found: bool) -> None:
    expected = _spans(identity_vocab().mention.finditer(text))
    assert _spans(mentions(text)) == expected
    assert bool(expected) is found


def test_mentions_equal_the_pattern_on_random_text() -> None:
    rng = random.Random(3)
    alphabet = [*"科学技术协会市县省区中国某", "科学技术协会", "科协", "协会", " ", "。", "a"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert _spans(mentions(text)) == _spans(identity_vocab().mention.finditer(text)), text


def _words_in_by_find(text: str) -> list[tuple[int, int, str]]:
    """``Departments.words_in`` as it was written before its Aho-Corasick index: a find per alias."""
    hits: list[tuple[int, int, str]] = []
    for alias, key in load_departments().aliases_longest:
        start = text.find(alias)
        while start >= 0:
            hits.append((start, start + len(alias), key))
            start = text.find(alias, start + 1)
    hits.sort(key=lambda h: (h[0], -h[1]))
    out: list[tuple[int, int, str]] = []
    reach = -1
    for h in hits:
        if h[0] >= reach:
            out.append(h)
            reach = h[1]
    return out


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("某某县财政局和县妇联", True, id="type-words"),
        pytest.param("某某县人民", False, id="no-type-word"),
    ],
)
def test_type_words_equal_a_find_per_alias(text: str, found: bool) -> None:
    assert load_departments().words_in(text) == _words_in_by_find(text)
    assert bool(_words_in_by_find(text)) is found


def test_type_words_on_random_text() -> None:
    rng = random.Random(5)
    chars = "".join(alias for alias, _ in load_departments().aliases_longest)
    for _ in range(5000):
        text = "".join(rng.choice(chars) for _ in range(rng.randint(0, 15)))
        assert load_departments().words_in(text) == _words_in_by_find(text), text
