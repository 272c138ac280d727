"""A generated corpus of reports of many department types, for measuring unit identity end to end.

Every report is written here (no third-party text): a department of a real division of the registry,
named the way reports name themselves — in the title, on a line above it, in a header field, after the year,
in a (以下简称…) definition, in the signature — fully, abbreviated, with a typo, or not at all, and often
beside a web page's publisher line or a body mention naming another body. Each report carries its truth:
the (adcode, department type) it belongs to, and whether it names itself fully.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from jixiao.units.aliases import short_forms
from jixiao.units.departments import load_departments
from jixiao.units.registry import Registry, Unit

PROVINCES = (
    "河北省",
    "山西省",
    "辽宁省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
)
# Kinds in which the report names itself fully (place and department, by name or abbreviation).
FULL_KINDS = ("title_lead", "line_above", "header", "after_year", "definition", "signature", "abbreviation")
OTHER_KINDS = (
    "typo",
    "generic_title_publisher",
    "no_name_publisher",
    "debris_then_name",
    "level_generic_neighbour",
)

_BODY = (
    "一、部门基本情况\n"
    "本单位主要职责是按照有关规定开展本系统各项工作。年末实有在职人员{staff}人。\n"
    "二、部门整体支出情况\n"
    "{year}年部门总支出{spent}万元，其中基本支出{basic}万元，项目支出{project}万元。\n"
    "在县科协和上级主管部门的指导下，{mention}积极配合，完成了年度工作任务。\n"
    "三、存在的问题\n预算编制的精细化程度有待提高。\n"
    "四、改进措施\n加强预算管理。\n"
)


@dataclass(frozen=True)
class CorpusReport:
    text: str
    adcode: str
    department_type: str
    kind: str
    names_itself_fully: bool


def _typo(word: str, rng: random.Random) -> str:
    """One character of a long name replaced by a look-alike slip (联合会 → 联和会)."""
    swaps = {"合": "和", "会": "汇", "局": "居", "馆": "管", "委": "季", "协": "协", "联": "连", "技": "枝"}
    spots = [i for i, ch in enumerate(word) if ch in swaps and swaps[ch] != ch]
    if not spots:
        return word
    i = rng.choice(spots)
    return word[:i] + swaps[word[i]] + word[i + 1 :]


def _unique(registry: Registry) -> list[Unit]:
    """Divisions of the listed provinces whose official name no other division bears."""
    counts: dict[str, int] = {}
    for u in registry.units:
        counts[u.division] = counts.get(u.division, 0) + 1
    return [
        u
        for u in registry.units
        if u.province in PROVINCES and counts[u.division] == 1 and u.level != "province"
    ]


def generate(registry: Registry, n: int = 240, seed: int = 13) -> list[CorpusReport]:
    rng = random.Random(seed)
    deps = load_departments()
    types = list(deps.types)
    units = _unique(registry)
    by_province: dict[str, list[Unit]] = {}
    for u in units:
        by_province.setdefault(u.province, []).append(u)
    kinds = FULL_KINDS * 3 + OTHER_KINDS * 2
    out: list[CorpusReport] = []
    for i in range(n):
        province = PROVINCES[i % len(PROVINCES)]
        unit = rng.choice(by_province[province])
        dtype = types[i % len(types)]
        kind = kinds[i % len(kinds)]
        year = rng.choice((2021, 2022, 2023, 2024))
        canonical = dtype.name_at(unit.division, unit.level)
        short = [a for a in dtype.aliases if len(a) <= 3 and a != dtype.full] or [dtype.full]
        other = rng.choice([u for u in units if u.adcode != unit.adcode])
        publisher = rng.choice(
            (
                f"作者:{other.division}人民政府",
                f"来源:{other.division}财政局",
                f"发布机构:{other.division}人民政府办公室",
                f"信息来源:{unit.division}人民政府",
            )
        )
        plain_title = f"{year}年度部门整体支出绩效自评报告"
        head: list[str] = []
        tail: list[str] = []
        mention = f"{other.division}财政局"
        if kind == "title_lead":
            head = [f"{canonical}{year}年度部门整体支出绩效自评报告"]
        elif kind == "line_above":
            head = [publisher, canonical, plain_title]
        elif kind == "header":
            head = [plain_title, f"单位名称:{canonical}", "主管部门:"]
        elif kind == "after_year":
            head = [publisher, f"{year}年度{canonical}部门(单位)整体支出绩效自评报告"]
        elif kind == "definition":
            head = [
                plain_title,
                f"根据有关要求，{canonical}(以下简称“本单位”)对{year}年部门整体支出开展了自评。",
            ]
        elif kind == "signature":
            head = [plain_title]
            tail = [canonical, f"{year + 1}年3月15日"]
        elif kind == "abbreviation":
            place = rng.choice(sorted({unit.division, *short_forms(unit.division)}))
            if dtype.template:
                name = canonical
            else:
                alias = rng.choice(dtype.aliases)
                # A short form needs its level word before an abbreviation that starts without one.
                name = (unit.division if place != unit.division else place) + alias
            head = [f"{name}{year}年度部门整体支出绩效自评报告"]
        elif kind == "typo":
            head = [publisher, _typo(canonical, rng), plain_title]
        elif kind == "generic_title_publisher":
            head = [publisher, f"{short[0] if len(short[0]) <= 3 else dtype.full}{plain_title}"]
        elif kind == "no_name_publisher":
            head = [publisher, plain_title]
        elif kind == "level_generic_neighbour":
            # 县妇联 in the title, and the body names a neighbour's finance bureau: no place of its own.
            head = [f"{unit.division[-1]}{short[0]}{plain_title}"]
            mention = f"{other.division}财政局"
        elif kind == "debris_then_name":
            head = ["文档简介", "返回 下载 相关", f"{year + 1}年", plain_title]
        spent = rng.randint(100, 900)
        basic = rng.randint(50, spent - 20)
        body = _BODY.format(
            staff=rng.randint(5, 60),
            year=year,
            spent=f"{spent}.00",
            basic=f"{basic}.00",
            project=f"{spent - basic}.00",
            mention=mention,
        )
        text = "\n".join([*head, body, *tail]) + "\n"
        out.append(CorpusReport(text, unit.adcode, dtype.key, kind, kind in FULL_KINDS and kind != "typo"))
    return out
