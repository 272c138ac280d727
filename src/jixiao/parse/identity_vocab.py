"""The words that say where a report names itself (``identity.toml``), compiled once: header labels, title
tails, self-references, page debris, lead verbs, and the introducing sentence."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from jixiao.parse.automaton import alternation

_SEAL_NOTE = r"(?:\((?:公章|盖章|签章|章)\)\s*)"
# A definition is found only where this word is: a text without it is not scanned (see ``definition``).
DEFINITION_MARK = "以下简称"
# A mention's prefix is at most this long: a search for mentions starts this far before a suffix's place.
MENTION_PREFIX = 10
_SIGNATURE_LEAD = 20  # characters of a signature's name before its org suffix
SEAL = re.compile(r"\s*\((?:盖章|公章|签章|章)\)\s*$")  # a seal note ending a signature line
# A mention names a place: a prefix ending in an administrative suffix, not a bare 省市 / 市县.
PLACE_PREFIX = re.compile(r"^[\u4e00-\u9fff]*[\u4e00-\u9fff][省市县区旗州盟镇]$")
# "上 海 市": characters a PDF's text layer spaced out one by one.
_LETTER_SPACED = re.compile(r"[\u4e00-\u9fff:：] [\u4e00-\u9fff:：] [\u4e00-\u9fff:：]")
_SPACE_LETTER_SPACE = re.compile(r" (?=[\u4e00-\u9fff:：] )")
_LETTER_GAP = re.compile(r"[\u4e00-\u9fff:：] (?=[\u4e00-\u9fff:：])")
_SPACED_REACH = 5000
_SPACED_MIN = 10


@dataclass(frozen=True)
class IdentityVocab:
    header_label: re.Pattern[str]  # the header labels alone: where a header or header_run match can start
    header: re.Pattern[str]
    header_run: re.Pattern[str]
    introduction: re.Pattern[str]
    project_words: tuple[str, ...]
    attachment_marks: tuple[str, ...]
    appended_words: tuple[str, ...]
    preferred_labels: tuple[str, ...]  # a project table's 实施单位 is its unit, not the 主管部门 above it
    title_words: tuple[str, ...]
    title_after_year: re.Pattern[str]
    title_no_year: re.Pattern[str]
    definition: re.Pattern[str]
    self_reference: re.Pattern[str]
    debris: frozenset[str]
    org_endings: str
    org_suffix: str  # a regex alternation: 科学技术协会|…|科协
    org_suffix_longest: int  # characters of the longest org suffix
    not_a_name: re.Pattern[str]
    lead: re.Pattern[str]
    mention: re.Pattern[str]
    suffix_at: re.Pattern[str]  # the org suffix alone: where a mention can end
    not_places: frozenset[str]


@lru_cache(maxsize=1)
def identity_vocab() -> IdentityVocab:
    raw = tomllib.loads(resources.files("jixiao.parse").joinpath("identity.toml").read_text("utf-8"))
    # "部门(单位)名称" also written without its brackets or with spaces around them.
    labels = alternation(raw["header_labels"]).replace(r"\(", r"\s*\(?").replace(r"\)", r"\)?\s*")
    suffix = f"(?:{alternation(raw['org_suffixes'])})"
    tails = "|".join(re.escape(t) for t in raw["title_tails"])
    return IdentityVocab(
        header_label=re.compile(f"(?:{labels})"),
        # "部门名称:(公章)某某局": the seal note before the name is not part of it.
        # "实施单位 (盖章) | 大英县某某局", "主管部门 705-某某县科学技术协会": a table row's cells may be separated
        # by spaces only, and a budget unit's code before the name is no part of it.
        header=re.compile(
            rf"(?P<label>{labels})(?:\s*{_SEAL_NOTE}?[:：\t|](?:[:：\t|\s])*|\s+{_SEAL_NOTE}?(?:[:：\t|]\s*)*|(?=\d))"
            rf"{_SEAL_NOTE}?(?:\d{{2,20}}\s*[-—]\s*)?"
            r"(?P<name>[^\s:：|\t\d-]{2,30})"
        ),
        # "部门(单位)名称某某市发展和改革局预算编码302001": a cover's cells run together, the name ends where
        # the next field's label starts.
        header_run=re.compile(
            rf"(?P<label>{labels})[:：]?\s*(?P<name>[\u4e00-\u9fff]{{2,30}}?)"
            rf"(?=\s*(?:{alternation(raw['next_field_labels'])}))"
        ),
        introduction=re.compile(
            rf"(?:{alternation(raw['introduction_words'])})(?P<name>[\u4e00-\u9fff]{{2,30}}?)\s*20\d{{2}}\s*年"
        ),
        preferred_labels=tuple(raw["preferred_header_labels"]),
        project_words=tuple(raw["project_words"]),
        attachment_marks=tuple(raw["attachment_marks"]),
        appended_words=tuple(raw["appended_words"]),
        title_words=tuple(raw["title_words"]),
        # "2022年度永州市零陵区档案馆部门(单位)整体支出绩效自评报告": the name follows the year.
        title_after_year=re.compile(
            rf"^\s*(?:关于)?20\d{{2}}\s*年度?\s*(?P<name>[\u4e00-\u9fff]{{2,30}}?)\s*(?:\(?本级\)?)?\s*(?:{tails})"
        ),
        # "某某县民族宗教事务局整体支出绩效自评报告": a title with no year, the name right before its tail.
        title_no_year=re.compile(rf"^\s*(?P<name>[\u4e00-\u9fff]{{2,30}}?)\s*(?:\(?本级\)?)?\s*(?:{tails})"),
        definition=re.compile(rf"(?P<name>[\u4e00-\u9fff]{{2,40}})(?=\s*\(\s*{DEFINITION_MARK})"),
        self_reference=re.compile("^.*(?:" + "|".join(map(re.escape, raw["self_reference"])) + ")"),
        debris=frozenset(raw["debris"]),
        org_endings=raw["org_endings"],
        org_suffix=suffix,
        org_suffix_longest=max(map(len, raw["org_suffixes"])),
        not_a_name=re.compile(alternation(raw["not_a_name"])),
        lead=re.compile(rf"^.*(?:{alternation(raw['lead_words'])})"),
        mention=re.compile(rf"(?P<prefix>[\u4e00-\u9fff]{{1,{MENTION_PREFIX}}}){suffix}"),
        suffix_at=re.compile(suffix),
        not_places=frozenset(raw["not_places"]),
    )


def not_a_name(name: str) -> bool:
    return identity_vocab().not_a_name.search(name) is not None


def mentions(text: str) -> Iterator[re.Match[str]]:
    """``identity_vocab().mention.finditer(text)``, without trying the pattern at every character: a match
    starting at ``s`` ends in a suffix starting in ``s + 1 … s + MENTION_PREFIX``, so only the starts up to
    ``MENTION_PREFIX`` characters before each suffix are tried, left to right."""
    vocab = identity_vocab()
    pos = 0  # every start before ``pos`` is tried or excluded
    while (at := vocab.suffix_at.search(text, pos + 1)) is not None:
        suffix = at.start()
        # No suffix starts before this one past ``pos``: a start matches exactly when the characters from it
        # up to this suffix are all CJK, so the first start that matches is where the CJK run before it begins.
        # There is one when the character right before the suffix is CJK; every start in the window before that
        # run fails, so a search from the window's start returns the match at the run's start.
        lo = max(pos, suffix - MENTION_PREFIX)  # < suffix: the suffix starts past ``pos``
        m = vocab.mention.search(text, lo) if "\u4e00" <= text[suffix - 1] <= "\u9fff" else None
        if m is not None:
            yield m
            pos = m.end()
        else:
            pos = suffix


@lru_cache(maxsize=1)
def readings(text: str) -> list[tuple[str, Callable[[int], int]]]:
    """The text, and when a PDF's text layer spaces its characters out ("项 目 单 位 : 上 海 市 …"), the text
    with those spaces taken out, each with a map from its offsets back to the text's."""
    out: list[tuple[str, Callable[[int], int]]] = [(text, lambda i: i)]
    if text.count(" ", 0, _SPACED_REACH) < 2 * _SPACED_MIN:
        return out  # each spaced-out run holds two spaces: too few spaces for enough runs, without the scan
    # Each run holds a space between two letters with a space after the second: fewer such spaces (found by
    # a scan that jumps from space to space) than runs needed, and the slower scan for the runs is not made.
    if len(_SPACE_LETTER_SPACE.findall(text, 0, _SPACED_REACH)) < _SPACED_MIN:
        return out
    if len(_LETTER_SPACED.findall(text, 0, _SPACED_REACH)) < _SPACED_MIN:
        return out
    kept = [i for i in range(len(text)) if not (text[i] == " " and _LETTER_GAP.match(text, i - 1))]
    squeezed = "".join(text[i] for i in kept)
    out.append((squeezed, lambda i: kept[min(i, len(kept) - 1)]))
    return out


@lru_cache(
    maxsize=8192
)  # a pure function of the vocabulary; a report mentions the same bodies again and again
def mention_prefix(raw: str) -> tuple[str, bool]:
    """A mention's prefix without the running text's lead words, and whether it names a place."""
    v = identity_vocab()
    prefix = v.lead.sub("", raw)
    return prefix, PLACE_PREFIX.match(prefix) is not None and prefix not in v.not_places


def without_seal(line: str) -> str:
    """``line`` without a seal note at its end; no regex pass over a line that holds none (every seal note
    ends 章))."""
    return SEAL.sub("", line) if "章)" in line else line


@lru_cache(maxsize=1)
def signature_line() -> tuple[re.Pattern[str], int]:
    """A unit's name ending in an org suffix alone on its line, and the most characters it can have."""
    v = identity_vocab()
    return re.compile(
        rf"[\u4e00-\u9fff]{{1,{_SIGNATURE_LEAD}}}{v.org_suffix}"
    ), _SIGNATURE_LEAD + v.org_suffix_longest


@lru_cache(maxsize=1)  # a pure function of the vocabulary, asked for once a report
def org_suffix() -> re.Pattern[str]:
    """A name ending as a 科学技术协会's does."""
    return re.compile(rf"{identity_vocab().org_suffix}$")


__all__ = [
    "DEFINITION_MARK",
    "MENTION_PREFIX",
    "PLACE_PREFIX",
    "IdentityVocab",
    "identity_vocab",
    "mention_prefix",
    "mentions",
    "not_a_name",
    "org_suffix",
    "readings",
    "signature_line",
    "without_seal",
]
