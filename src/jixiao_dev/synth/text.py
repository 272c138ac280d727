"""The words of a synthetic report: figures that satisfy (or deliberately break one of) the accounting
identities, said in the many ways the seed reports say them, padded to a real report's size.

Only what the text states goes into the ground truth; a field is stated at most once with one value, so
the truth is never ambiguous even where distractors (budget needs, 万人次, project-level rates) sit close.
"""

from __future__ import annotations

import random

from jixiao import checks
from jixiao.units.registry import Unit
from jixiao_dev.synth import pools
from jixiao_dev.synth.composer import Composer, Section
from jixiao_dev.synth.figures import CN_ORDINALS
from jixiao_dev.synth.money import money_section
from jixiao_dev.synth.report import Block, Layout, SyntheticReport

__all__ = ["CHECK_IDS", "Block", "Layout", "SyntheticReport", "compose"]

# The identities a synthetic report may break on purpose (one at most), named by the check registry.
CHECK_IDS = tuple(
    c.id
    for c in (
        checks.EXECUTION_RATE_AT_MOST_100,
        checks.SHARES_SUM_TO_100,
        checks.PERSONNEL_PLUS_PUBLIC_EQUALS_BASIC,
        checks.BASIC_PLUS_PROJECT_EQUALS_TOTAL,
        checks.REPORT_DATE_CONSISTENT_WITH_YEAR,
        checks.PROJECT_LINES_SUM_TO_PROJECT_EXPENDITURE,
    )
)


def _number(i: int) -> str:
    return CN_ORDINALS[i] if i < len(CN_ORDINALS) else str(i + 1)


Chapters = list[tuple[str, list[Block]]]  # (heading, blocks)
Sections = list[tuple[str, list[Section]]]  # (heading, subsections numbered （一）… within it)


def _front(c: Composer) -> tuple[list[Block], str, bool]:
    """The title blocks, the header style, whether the date stands under the title."""
    rng = c.rng
    top, style, _ = c.header()
    date_on_top = style == "header" and rng.random() < 0.7
    blocks: list[Block] = list(top)
    if date_on_top:
        blocks.append(Block("title", c.date_text()))
        if rng.random() < 0.6:
            toc = [
                "目  录",
                "摘要",
                "•概述",
                "•评价结论",
                "正文",
                "一、部门（单位）概况",
                "二、部门（单位）整体绩效实现情况",
            ]
            blocks.extend(Block("title", t) for t in toc)
    if style != "header" or rng.random() < 0.5:
        blocks.extend(c.intro())
    return blocks, style, date_on_top


def _body(c: Composer) -> tuple[Sections, Section]:
    """The numbered sections of one of four templates, and the (empty) achievements section to pad."""
    rng = c.rng
    template = rng.choice(("A", "B", "C", "D"))
    money_style = {"A": "dense", "B": "gp", "C": rng.choice(("split", "dense")), "D": "final"}[template]
    if template == "D" and rng.random() < 0.5:
        money_style = "split"
    overview = c.overview()
    money = money_section(c, money_style)
    # (heading, subsections or blocks); subsections are numbered （一）… within their section.
    sections: list[tuple[str, list[Section]]] = []
    money_sec = Section(
        rng.choice(("部门收支预决算情况", "部门整体预算批复及支出安排情况", "当年部门预算及执行情况")), money
    )
    goals_sec = Section(rng.choice(("部门整体支出绩效目标", "当年部门年度整体绩效目标")), c.goals())
    if template in ("A", "D"):
        sections.append((rng.choice(("部门基本情况", "部门（单位）概况")), [*overview, money_sec, goals_sec]))
        sections.append(
            (
                rng.choice(("自评工作开展情况", "绩效自评工作组织开展情况")),
                [Section("自评的组织工作", c.process())],
            )
        )
    elif template == "B":
        sections.append((rng.choice(("部门（单位）基本情况", "部门基本情况")), overview))
        sections.append(("一般公共预算支出情况", [Section("基本支出和项目支出情况", money)]))
        for fund in ("政府性基金预算支出情况", "国有资本经营预算支出情况"):
            sections.append(
                (fund, [Section("", [c.p(f"{c.y}年度我单位未安排{fund[:-4]}，无{fund[:-2]}。")])])
            )
    else:
        sections.append(("部门概况", overview))
        sections.append(("评价工作开展", [Section("绩效评价实施过程", c.process())]))
    achieve = Section("总体绩效目标实现情况", [])
    indic = Section("分项绩效目标实现情况及指标分析", c.indicators())
    sections.append(
        (
            rng.choice(
                ("部门整体支出绩效目标实现情况", "部门整体支出绩效情况", "部门（单位）整体绩效实现情况")
            ),
            [achieve, indic] if indic.blocks else [achieve],
        )
    )
    evaluation = c.evaluation()
    if template == "C":
        sections[1][1].append(Section("绩效评价整体结果概况", evaluation))
        sections.append(("部门整体支出绩效评价分析", [money_sec]))
    else:
        sections.append(
            (rng.choice(("评价结论和评价等级", "部门整体支出绩效自评结论")), [Section("", evaluation)])
        )
    return sections, achieve


def _closing(c: Composer) -> tuple[Chapters, Chapters]:
    """Problems and measures, then the optional closing chapters."""
    rng = c.rng
    pm = c.problems_measures()
    extra: list[tuple[str, list[Block]]] = []
    if rng.random() < 0.5:
        extra.append(
            (
                "部门整体支出绩效自评结果拟应用和公开情况",
                [c.p("绩效自评结果将作为下年部门预算安排的重要依据，与预算调整和项目安排挂钩。")],
            )
        )
    if rng.random() < 0.4:
        extra.append(("其他需要说明的情况", [c.p("无")]))
    return pm, extra


def _pad(c: Composer, blocks: list[Block], sections: Sections, pm: Chapters, achieve: Section) -> None:
    rng = c.rng
    # Distractors that are counts of followers and people, not money.
    reach = c.p(c.filler_sentence(pools.REACH_DISTRACTOR))
    pct = c.p(c.filler_sentence(rng.choice(pools.PERCENT_DISTRACTORS)))

    # Pad the activity section until the report is the size of a real one (10–20 KB in UTF-8).
    target = rng.randint(3400, 6200)
    size = sum(len(b.text) + sum(len(x) for r in b.rows for x in r) for b in blocks) + sum(
        len(b.text) for _, secs in sections for s in secs for b in s.blocks
    )
    size += sum(len(b.text) for _, bs in pm for b in bs) + len(reach.text) + len(pct.text)
    i = 0
    paragraphs: list[Block] = []
    while size < target:
        b = c.activity_paragraph(i)
        paragraphs.append(b)
        size += len(b.text)
        i += 1
    paragraphs.insert(rng.randint(0, len(paragraphs)), reach)
    paragraphs.insert(rng.randint(0, len(paragraphs)), pct)
    achieve.blocks.extend(paragraphs)


def _numbered(rng: random.Random, sections: Sections, chapters: Chapters) -> list[Block]:
    """Every chapter with its 一、 heading, subsections with （一） or (一)."""
    blocks: list[Block] = []
    paren = rng.random() < 0.6
    top_numbers: list[tuple[str, list[Block]]] = []
    for heading, secs in sections:
        body: list[Block] = []
        k = 0
        for sub in secs:
            if sub.heading:
                label = f"（{CN_ORDINALS[k]}）" if paren else f"({CN_ORDINALS[k]}) "
                body.append(Block("h2", label + sub.heading))
                k += 1
            body.extend(sub.blocks)
        top_numbers.append((heading, body))
    for heading, pm_blocks in chapters:
        top_numbers.append((heading, pm_blocks))
    for n, (heading, body) in enumerate(top_numbers):
        blocks.append(Block("h1", f"{_number(n)}、{heading}"))
        blocks.extend(body)
    return blocks


def compose(rng: random.Random, unit: Unit, violation: str | None) -> SyntheticReport:
    c = Composer(rng, unit, violation)
    blocks, style, date_on_top = _front(c)
    sections, achieve = _body(c)
    pm, extra = _closing(c)
    _pad(c, blocks, sections, pm, achieve)
    blocks += _numbered(rng, sections, [*pm, *extra])
    if not date_on_top and rng.random() < 0.93:
        if style != "abbrev":
            blocks.append(Block("sig", c.written if rng.random() < 0.7 else unit.name))
        blocks.append(Block("sig", c.s(c.date_text())))
    layout = Layout(
        blank_lines=rng.random() < 0.6,
        indent=rng.choice(("", "", "    ", "\u3000\u3000")),
        wrap_rows=rng.choice(("space", "line")),
    )
    return SyntheticReport(
        unit=unit,
        unit_written=c.written,
        blocks=tuple(blocks),
        fields=c.fields,
        project_lines=tuple(c.project_lines),
        violations=(violation,) if violation else (),
        layout=layout,
    )
