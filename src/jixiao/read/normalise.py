"""Normalisation of report text, with a sparse map back to the raw text.

Rules, applied in this order (each one is a pass that records where it changed the length of the text):

1. Line ends: ``\\r\\n`` and ``\\r`` become ``\\n`` (files read by ``jixiao.read`` already have this done).
2. Unicode NFKC, with two exceptions. What the parser sees afterwards:

   - becomes ASCII: full-width digits and letters (９７．５ → 97.5) and full-width ``， （ ） ： ！ ？ ％ ．
     ／ ～ ［ ］ ｛ ｝ ＂ ＇ ＜ ＞ ＝ ＋ － ＃ ＆ ＊`` → ``, ( ) : ! ? % . / ~ [ ] { } " ' < > = + - # & *``;
     small forms ``﹐ ﹕ ﹪`` → ``, : %``; ``￥`` → ``¥``.
   - becomes a space: the ideographic space U+3000, NBSP and the other Unicode spaces (then rule 5 applies).
   - expands: ``…`` → ``...``, ``‥`` → ``..``, ``⑴`` → ``(1)``, ``⒈`` → ``1.``, ``㈠`` → ``(一)``,
     ``㎡`` → ``m2``, ``²`` → ``2``, ``℃`` → ``°C``, ``Ⅱ`` → ``II``, ``™`` → ``TM``.
   - exception 1: the full-width semicolon ``；`` is kept (the parser treats it as a sentence end).
   - exception 2: circled numbers ``①``–``⑳`` become ``(1)``–``(20)``, not NFKC's bare ``1``–``20``,
     so ``①2022年`` cannot turn into the number ``12022``.
   - unchanged (no compatibility form): Chinese characters, ``。 、 ； “ ” ‘ ’ 《 》 〈 〉 「 」 『 』 【 】
     〔 〕 — · 〇``.

   Characters are normalised one at a time; a base letter followed by a combining mark (never seen in
   these reports) is then composed per line, with a coarser offset map inside that line.
3. Traditional → Simplified Chinese (OpenCC ``t2s``), only when the text looks Traditional: a few
   Traditional-only characters occur in the first 4000 characters and ``t2s`` changes at least 5% of the
   Chinese characters there. A Simplified report quoting one Traditional name is left alone.
4. Stray markup removed: ``[bookmark: …]``, markdown ``#`` headings at line start, ``**`` emphasis, and
   zero-width characters (U+200B–U+200D, U+2060, U+FEFF, soft hyphen).
5. Spaces: runs of spaces inside a line become one space; spaces at either end of a line or next to a
   tab go. Tabs are kept as they are (they separate table cells, empty cells included).
6. Line joins, conservative, never across a line holding a tab (a table row) and never onto a blank line:

   - a number split by a line break is re-joined: ``1476.\\n24`` and ``1476\\n.24`` always;
     a number and its money or percent unit wrapped apart (``实际支出 149.83\\n万元，``) always;
     ``20\\n24年`` when the second line starts with digits glued to a unit (年 月 日 元 万元 % 分 人 个 …)
     and the joined number is plausible for it (a year has four digits, a month ≤ 12, a day ≤ 31).
     Not when the first line is heading-like (``表1``, ``附件2``, ``(一)…``, ``1.``) or only a number
     (a page number or a table cell);
   - a PDF-style hard wrap is re-joined: only when the document is hard-wrapped (a fifth of its lines sit
     at the widest width, in display columns), the line reaches that width, does not end with sentence-
     final punctuation ``。 ； ; : ! ?`` or a closing bracket, and the next line does not start a heading
     (``一、`` ``(一)`` ``1、`` ``1.`` ``第…章`` ``附件``). Short heading-like lines are never joined.
     The break is deleted, or becomes a space between two ASCII letters.

The offset map: every pass that changes lengths keeps anchors (normalised offset, raw offset) in pairs
around each edit, looked up with bisect; between anchors the text is a 1:1 copy. Passes that keep every
character in place (most of NFKC, ``t2s``) record nothing. Memory is proportional to the number of
length-changing edits, not to the length of the text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jixiao.read.linejoin import Edit, line_join_edits

# ---------------------------------------------------------------------------------------------- offset map


@dataclass(frozen=True)
class _Step:
    """One pass: anchors in pairs; after ``new[i]`` the text copies the earlier text from ``old[i]``.

    Odd indices start a replacement, even ones the copy that resumes after it.
    """

    new: tuple[int, ...]
    old: tuple[int, ...]

    def back(self, offset: int) -> int:
        i = bisect_right(self.new, offset) - 1
        delta = offset - self.new[i]
        if i % 2 == 1:
            # Inside a replacement: positional when the lengths agree, else clamped into what it replaced.
            span = self.old[i + 1] - self.old[i]
            return self.old[i] + min(delta, max(0, span - 1))
        return self.old[i] + delta

    def forward(self, offset: int) -> int:
        """The first offset in the new text at or after the old ``offset``."""
        i = bisect_right(self.old, offset) - 1
        if i % 2 == 1:
            return self.new[i] if offset == self.old[i] else self.new[i + 1]
        return self.new[i] + (offset - self.old[i])


@dataclass(frozen=True)
class NormalisedText:
    text: str
    steps: tuple[_Step, ...] = ()

    def to_raw(self, offset: int) -> int:
        """Offset in the raw text of the character that became ``text[offset]``."""
        for step in reversed(self.steps):
            offset = step.back(offset)
        return offset

    def from_raw(self, raw_offset: int) -> int:
        """The first offset in ``text`` whose character comes from ``raw_offset`` or later."""
        for step in self.steps:
            raw_offset = step.forward(raw_offset)
        return raw_offset


class _Builder:
    def __init__(self, raw: str) -> None:
        self.text = raw
        self.steps: list[_Step] = []

    def apply(self, edits: Iterable[Edit]) -> None:
        """Apply non-overlapping edits sorted by start, recording anchors where lengths change."""
        text = self.text
        pieces: list[str] = []
        new: list[int] = [0]
        old: list[int] = [0]
        pos = 0
        shift = 0  # new offset minus old offset
        for start, end, replacement in edits:
            pieces.append(text[pos:start])
            pieces.append(replacement)
            pos = end
            change = len(replacement) - (end - start)
            if change:
                new.append(start + shift)
                old.append(start)
                shift += change
                new.append(end + shift)
                old.append(end)
        if pos == 0 and not pieces:
            return
        pieces.append(text[pos:])
        self.text = "".join(pieces)
        if len(new) > 1:
            self.steps.append(_Step(tuple(new), tuple(old)))

    def sub(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> None:
        if callable(repl):
            edits = [(m.start(), m.end(), r) for m in pattern.finditer(self.text) if (r := repl(m)) != m[0]]
        else:
            edits = [(m.start(), m.end(), repl) for m in pattern.finditer(self.text) if m[0] != repl]
        if edits:
            self.apply(edits)


# ---------------------------------------------------------------------------------------------- NFKC

_KEEP = "；"
# Characters certainly NFKC-stable on their own: only the others are looked at one by one.
_MAYBE_UNSTABLE = re.compile(
    "[^\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff\u3001\u3002\u3007-\u3011\u3014-\u3017"
    "\u2014\u2018\u2019\u201c\u201d\u00b7\uff1b]"
)
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_LINE = re.compile(r"[^\n]+")


@lru_cache(maxsize=4096)
def _nfkc_char(ch: str) -> str:
    if "\u2460" <= ch <= "\u2473":  # ① … ⑳
        return f"({ord(ch) - 0x245F})"
    if ch == _KEEP or ch in _ZERO_WIDTH:
        return ch  # kept here; zero-width characters go with the markup
    return unicodedata.normalize("NFKC", ch)


def _nfkc_keep(line: str) -> str:
    return _KEEP.join(unicodedata.normalize("NFKC", part) for part in line.split(_KEEP))


def _nfkc(b: _Builder) -> None:
    text = b.text
    if unicodedata.is_normalized("NFKC", text):
        return
    expanding: list[str] = []
    for ch in set(_MAYBE_UNSTABLE.findall(text)):
        n = _nfkc_char(ch)
        if n == ch:
            continue
        if len(n) == 1:
            text = text.replace(ch, n)  # one character for one: offsets unchanged, nothing to record
        else:
            expanding.append(ch)
    b.text = text
    if expanding:
        pattern = re.compile("[" + "".join(re.escape(c) for c in expanding) + "]")
        b.sub(pattern, lambda m: _nfkc_char(m[0]))
    probe = b.text.replace(_KEEP, ";")
    for z in _ZERO_WIDTH:
        probe = probe.replace(z, "")
    if not unicodedata.is_normalized("NFKC", probe):
        # Composition across characters (a letter and a combining mark): redo those lines whole.
        b.sub(
            _LINE,
            lambda m: (
                m[0] if unicodedata.is_normalized("NFKC", m[0].replace(_KEEP, ";")) else _nfkc_keep(m[0])
            ),
        )


# ---------------------------------------------------------------------------------------------- t2s

_OPENCC: list[Any] = []
_CJK = re.compile("[\u4e00-\u9fff]")
# Traditional-only forms of characters every report uses; three of them trigger the real check.
_TRADITIONAL_HINT = re.compile(
    "[個們這為會國學說時對來經發關實與過開當還業體點現動種產進機長員問間無從務報項財預計費設資質構規標準"
    "評價績協縣區單級專門織辦勞執況]"
)


def _opencc() -> Any:
    if not _OPENCC:
        import opencc

        _OPENCC.append(opencc.OpenCC("t2s"))
    return _OPENCC[0]


def looks_traditional(text: str, sample: int = 4000) -> bool:
    head = text[:sample]
    if len(_TRADITIONAL_HINT.findall(head)) < 3:
        return False
    converted: str = _opencc().convert(head)
    if len(converted) == len(head):
        changed = sum(1 for a, c in zip(head, converted, strict=True) if a != c)
    else:
        changed = len(set(head) - set(converted))
    return changed >= 5 and changed >= 0.05 * len(_CJK.findall(head))


def _simplify(b: _Builder) -> None:
    if not looks_traditional(b.text):
        return
    cc = _opencc()
    converted: str = cc.convert(b.text)
    if len(converted) == len(b.text) and converted.count("\n") == b.text.count("\n"):
        b.text = converted  # character for character: offsets unchanged
    else:
        # Some phrase changed length: convert line by line so the map stays exact elsewhere.
        b.sub(_LINE, lambda m: str(cc.convert(m[0])))


# ---------------------------------------------------------------------------------------------- markup, spaces

# Every alternative starts with a fixed character, so the regex engine skips ahead instead of trying
# each position: these scans cost microseconds on a whole report.
_MARKUP = re.compile(rf"\[bookmark: [^\]\n]*\]|\*\*|#{{1,6}}[ \t]*|[{_ZERO_WIDTH}]+")
_ZERO_WIDTH_CHAR = re.compile(f"[{_ZERO_WIDTH}]")
_SPACES = re.compile(r" (?: +|(?=[\t\n]|\Z)|(?<=[\t\n] )|(?<=\A ))")
_CR_BEFORE_LF = re.compile(r"\r(?=\n)")


def _strip_markup(b: _Builder) -> None:
    t = b.text
    if not ("#" in t or "**" in t or "[bookmark" in t or _ZERO_WIDTH_CHAR.search(t)):
        return

    def repl(m: re.Match[str]) -> str:
        if m[0][0] != "#":
            return ""
        # A markdown heading: only spaces between the start of the line and the "#"s.
        s = m.start()
        line_start = t.rfind("\n", 0, s) + 1
        return "" if not t[line_start:s].strip(" ") else m[0]

    b.sub(_MARKUP, repl)


def _squeeze_spaces(b: _Builder) -> None:
    t = b.text
    n = len(t)

    def repl(m: re.Match[str]) -> str:
        s, e = m.span()
        at_edge = s == 0 or e == n or t[s - 1] in "\n\t" or t[e] in "\n\t"
        return "" if at_edge else " "

    b.sub(_SPACES, repl)


def _line_ends(b: _Builder) -> None:
    if "\r" in b.text:
        b.sub(_CR_BEFORE_LF, "")  # the "\n" of "\r\n" stays, so it maps to itself
        b.text = b.text.replace("\r", "\n")


def _join_lines(b: _Builder) -> None:
    if edits := line_join_edits(b.text):
        b.apply(edits)


# ---------------------------------------------------------------------------------------------- entry point


def normalise(raw: str) -> NormalisedText:
    b = _Builder(raw)
    _line_ends(b)
    _nfkc(b)
    _simplify(b)
    _strip_markup(b)
    _squeeze_spaces(b)
    _join_lines(b)
    return NormalisedText(b.text, tuple(b.steps))
