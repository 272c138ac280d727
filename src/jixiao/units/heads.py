"""A report's own name read from its first lines, for when the parser found none.

A title that begins with the unit's name (湛江市供销合作社联合社部门整体支出绩效评价报告, once its pinyin ruby is
dropped) or a line that is nothing but a unit's name right under the title (绩效自评报告 / 株洲市渌口区科学技术
协会) names the report's own unit. Only a place with a department type written exactly counts (no typo
reading, no body under a department); a line before any title (a web page's site name), a line addressed
to someone (县财政局:) and the publisher lines never do. Names of two different units say nothing.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

from jixiao.units.names import NameReader, plain_spelling

HEAD_LINES = 8  # non-empty lines read from the top
_YEAR = re.compile(r"\d{4}\s*年度?")
_EXACT = ("alias", "template", "kexie")


@lru_cache(maxsize=1)
def title_words() -> tuple[str, ...]:
    raw = tomllib.loads(resources.files("jixiao.units").joinpath("departments.toml").read_text("utf-8"))
    return tuple(raw["title_words"])


def _cut(body: str) -> int:
    """Where the title's own words begin in ``body`` (-1: none)."""
    found = [i for i in (body.find(w) for w in title_words()) if i >= 0]
    year = _YEAR.search(body)
    if year is not None and year.start() > 0:
        found.append(year.start())
    return min(found, default=-1)


def head_names(scan: str, reader: NameReader) -> list[str]:
    """The unit names the first lines of ``scan`` (publisher lines blanked) give the report itself."""
    out: list[str] = []
    titled = False
    lines = (line for line in scan.splitlines() if line.strip())
    for _, line in zip(range(HEAD_LINES), lines, strict=False):
        plain = plain_spelling(line)
        year = _YEAR.match(plain)  # 2017年度湛江市供销合作社联合社…
        body = plain[year.end() :] if year else plain
        if body.endswith((":", "：")):
            continue
        cut = _cut(body)
        if cut == 0:
            titled = True
            continue
        name = body[:cut] if cut > 0 else body if titled else ""
        titled = titled or cut > 0
        reading = reader.classify(name) if 2 < len(name) <= 40 else None
        dtype = reading.dtype if reading is not None and reading.kind == "place" else None
        if dtype is not None and dtype.how in _EXACT and dtype.score >= 100:
            out.append(name)
    return out
