"""Plain text reports (.txt, .md): decoding (BOM, UTF-8, GB18030, detection) and the text sanity check."""

from __future__ import annotations

import codecs
import re

from jixiao.errors import ReadError
from jixiao.read.normalise import _opencc

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes: BOM, then strict UTF-8, then GB18030, then charset-normalizer as a last resort.

    charset-normalizer labels short GBK text as big5 or cp949, so it is never asked first. Three refinements:
    UTF-16 without a BOM is recognised by its NUL bytes all falling in one byte lane, and UTF-8 with a few
    bad bytes (a file cut mid-character) stays UTF-8 with U+FFFD in their place, because GB18030 would
    decode it without error into nonsense; and bytes that GB18030 decodes only into rare characters (Big5
    text, binary noise) go on to charset-normalizer.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = _nearly(data[len(bom) :], enc.removesuffix("-sig"))
            if text is None:
                raise ReadError(
                    f"not text: the {enc} byte-order mark is followed by bytes that are not {enc}"
                )
            return text, enc
    if b"\x00" in data[:4096]:
        return _decode_utf16_without_bom(data)
    text = _nearly(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    candidates: list[tuple[str, str]] = []
    try:
        text = data.decode("gb18030")
        if not _mostly_rare(text):
            return text, "gb18030"
        candidates.append((text, "gb18030"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        candidates.append((str(best), str(best.encoding)))
    if not candidates:
        raise ReadError("not text: no known encoding decodes it (tried UTF-8, GB18030 and detection)")
    # Traditional Chinese is rare in GB2312 too: judge each reading after t2s.
    for text, enc in candidates:
        if not _mostly_rare(str(_opencc().convert(text[:4000]))):
            return text, enc
    raise ReadError(
        f"not text: decodes ({', '.join(enc for _, enc in candidates)}) only into rare characters "
        "(binary data or an unknown encoding)"
    )


def _mostly_rare(text: str) -> bool:
    """True when GB18030 "decoded" bytes that are not GB text (Big5, binary): real reports use the common
    characters of GB2312 almost exclusively, while misread bytes land all over the larger code space."""
    sample = text[:4000]
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
    rare = sample.encode("gb2312", "replace").count(b"?") - sample.count("?")
    return rare > 0.1 * non_ascii


def _nearly(data: bytes, encoding: str) -> str | None:
    """``data`` decoded strictly, or with a few bad bytes replaced (one per 2000 characters); else None."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        pass
    text = data.decode(encoding, "replace")
    bad = text.count("\ufffd")
    truncated = bad == 1 and text.endswith("\ufffd")
    return text if truncated or bad <= len(text) // 2000 else None


def _decode_utf16_without_bom(data: bytes) -> tuple[str, str]:
    if len(data) % 2 == 0:
        even, odd = data[0::2].count(0), data[1::2].count(0)
        # ASCII in UTF-16 puts its NUL in the high byte; Chinese rarely has a NUL byte at all. Binary data
        # has NULs in both lanes alike.
        for enc, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
            if high >= 10 * max(1, low) and (text := _nearly(data, enc)) is not None:
                return text, enc
    raise ReadError("not text: binary data (NUL bytes) in a text file")


_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_CJK_RUN = re.compile("[\u4e00-\u9fff]+")


def check_text(text: str, what: str) -> None:
    if not text or text.isspace():
        raise ReadError(f"empty {what}: no text")
    sample = text[:20000]
    bad = len(_BAD_CHARS.findall(sample))
    if bad > 0.05 * len(sample):
        raise ReadError(
            f"not text: {bad / len(sample):.0%} of the characters are control or replacement characters "
            f"({what}, wrong encoding or binary data)"
        )
    cjk = 0
    for run in _CJK_RUN.finditer(sample):
        cjk += run.end() - run.start()
        if cjk >= 20:
            return
    raise ReadError(f"not a Chinese report: only {cjk} Chinese characters ({what})")


def read_text(data: bytes) -> tuple[str, str]:
    text, enc = decode(data)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, enc
