"""The words that say where a report names itself (``identity.toml``), compiled once: header labels, title
tails, self-references, page debris, lead verbs, and the introducing sentence."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from jixiao.parse.automaton import alternation

_SEAL_NOTE = r"(?:\((?:公章|盖章|签章|章)\)\s*)"
# A definition is found only where this word is: a text without it is not scanned (see ``definition``).
DEFINITION_MARK = "以下简称"
# A mention's prefix is at most this long: a search for mentions starts this far before a suffix's place.
MENTION_PREFIX = 10
_CJK_BEFORE_END = re.compile(r"[\u4e00-\u9fff]+\Z")  # a CJK run ending where the search ends


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
        run = _CJK_BEFORE_END.search(text, max(pos, suffix - MENTION_PREFIX), suffix)
        m = vocab.mention.match(text, run.start()) if run is not None else None
        if m is not None:
            yield m
            pos = m.end()
        else:
            pos = suffix


@lru_cache(maxsize=1)
def org_suffix() -> re.Pattern[str]:
    """A name ending as a 科学技术协会's does."""
    return re.compile(rf"{identity_vocab().org_suffix}$")


__all__ = [
    "DEFINITION_MARK",
    "MENTION_PREFIX",
    "IdentityVocab",
    "identity_vocab",
    "mentions",
    "not_a_name",
    "org_suffix",
]
