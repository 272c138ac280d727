"""The words of a synthetic report: figures that satisfy (or deliberately break one of) the accounting
identities, said in the many ways the seed reports say them, padded to a real report's size.

Only what the text states goes into the ground truth; a field is stated at most once with one value, so
the truth is never ambiguous even where distractors (budget needs, 万人次, project-level rates) sit close.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from jixiao.synth import pools
from jixiao.units.aliases import short_forms
from jixiao.units.registry import Unit

CENT = Decimal("0.01")
YI_FROM = Decimal(5000)  # 万元: from 0.5亿元 up, a report may say 亿元
HUNDRED = Decimal(100)
CN_DIGITS = "〇一二三四五六七八九"
CN_ORDINALS = "一二三四五六七八九十"
CHECK_IDS = (
    "execution_rate_at_most_100",
    "shares_sum_to_100",
    "personnel_plus_public_equals_basic",
    "basic_plus_project_equals_total",
    "report_date_consistent_with_year",
    "project_lines_sum_to_project_expenditure",
)
TYPOS = ("科协技术协会", "科学技术协", "科学枝术协会", "科学技术协协会")
_SPACE_AROUND_NUMBERS = re.compile(r"(?<=[\u4e00-\u9fff])(?=\d)|(?<=\d)(?=[\u4e00-\u9fff])")
_SLOT = re.compile(r"\{(\w+)\}")
_GRADE_WORDS = {"优": ("优", "优秀"), "良": ("良", "良好"), "中": ("中", "中等"), "差": ("差", "较差")}


@dataclass(frozen=True)
class Block:
    """One unit of layout: title / h1 / h2 / p / sig (signature line) / table (rows of cells; a cell may
    hold ``\\n`` where a long project name wraps)."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Layout:
    """How the plain-text form is laid out (the same report differs only in these between files)."""

    blank_lines: bool  # an empty line between paragraphs
    indent: str  # before body paragraphs: "", four spaces or two ideographic spaces
    wrap_rows: str  # a wrapped project name: "space" (seed 001) or "line" (continues on its own line)


@dataclass(frozen=True)
class SyntheticReport:
    unit: Unit
    unit_written: str
    blocks: tuple[Block, ...]
    fields: dict[str, Any]
    project_lines: tuple[dict[str, Any], ...]
    violations: tuple[str, ...]
    layout: Layout

    def text(self, markdown: bool = False) -> str:
        out: list[str] = []
        for b in self.blocks:
            if b.kind == "table":
                out.extend(_table_lines(b.rows, self.layout.wrap_rows))
            elif b.kind in ("h1", "h2") and markdown:
                out.append(("## " if b.kind == "h1" else "### ") + b.text)
            elif b.kind == "title" and markdown:
                out.append("# " + b.text)
            elif b.kind == "p":
                out.append(self.layout.indent + b.text)
            elif b.kind == "sig":
                out.append(" " * 20 + b.text)
            else:
                out.append(b.text)
            if self.layout.blank_lines or markdown or b.kind == "table":
                out.append("")
        return "\n".join(out) + "\n"

    def truth(self) -> dict[str, Any]:
        return {
            "adcode": self.unit.adcode,
            "unit_name_canonical": self.unit.name,
            "unit_name_written": self.unit_written,
            "fields": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.fields.items()},
            "project_lines": list(self.project_lines),
            "violations": list(self.violations),
        }


def _table_lines(rows: Sequence[Sequence[str]], wrap: str) -> list[str]:
    lines: list[str] = []
    for row in rows:
        if wrap == "space" or not any("\n" in c for c in row):
            lines.append("\t".join(c.replace("\n", " ") for c in row))
            continue
        # The wrapped name's first piece stays in the row; the rest follow alone, as a PDF-to-text tool leaves them.
        pieces = [c.split("\n") for c in row]
        lines.append("\t".join(p[0] for p in pieces))
        lines.extend(extra for p in pieces for extra in p[1:])
    return lines


# ---------------------------------------------------------------------------------------------- numbers


def cn_year(n: int) -> str:
    return "".join(CN_DIGITS[int(c)] for c in str(n))


def cn_small(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def _amount(rng: random.Random, lo: float, hi: float) -> Decimal:
    return (Decimal(rng.randint(round(lo * 100), round(hi * 100))) / 100).quantize(CENT)


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def _wan(x: Decimal) -> str:
    return f"{x:.2f}"


@dataclass(frozen=True)
class Figures:
    """Every figure a report may state, already as stated (a violation is baked in)."""

    year: int
    personnel: Decimal
    public: Decimal
    basic: Decimal
    project: Decimal
    total: Decimal
    income: Decimal
    carry_start: Decimal
    carry_end: Decimal
    budget_initial: Decimal
    budget_adjusted: Decimal
    rate: Decimal
    p_share: Decimal
    g_share: Decimal
    sangong_budget: Decimal
    sangong_actual: Decimal
    assets: Decimal
    fixed_net: Decimal
    quota: int
    actual: int
    retired: int
    score: Decimal
    grade: str
    date: tuple[int, int, int]


def make_figures(rng: random.Random, unit: Unit, violation: str | None) -> Figures:
    year = rng.randint(2018, 2025)
    k = {"county": 1.0, "prefecture": 4.0, "province": 25.0}[unit.level]
    personnel = _amount(rng, 40 * k, 600 * k)
    public = _amount(rng, 5 * k, 130 * k)
    basic = personnel + public
    project = _amount(rng, 3 * k, 450 * k)
    total = basic + project
    p_share = _pct(personnel, basic)
    g_share = HUNDRED - p_share
    if violation == "personnel_plus_public_equals_basic":
        personnel += _amount(rng, 1, 30) * rng.choice((1, -1))
    elif violation == "basic_plus_project_equals_total":
        total += _amount(rng, 1, 40) * rng.choice((1, -1))
    elif violation == "shares_sum_to_100":
        g_share += _amount(rng, 0.5, 3) * rng.choice((1, -1))
    if violation == "execution_rate_at_most_100":
        income = (total * Decimal(rng.uniform(0.85, 0.95))).quantize(CENT)
        carry_start = (total * Decimal(rng.uniform(0, 0.03))).quantize(CENT)
    else:
        income = (total * Decimal(rng.uniform(0.93, 1.04))).quantize(CENT)
        carry_start = (total * Decimal(rng.uniform(0, 0.12))).quantize(CENT)
        # Money stated as spent must have been there to spend: the rate stays at or under 100.
        carry_start = max(carry_start, total - income)
    rate = _pct(total, income + carry_start)
    budget_initial = (total * Decimal(rng.uniform(0.78, 1.02))).quantize(CENT)
    budget_adjusted = (budget_initial * Decimal(rng.uniform(1.0, 1.25))).quantize(CENT)
    sangong_budget = _amount(rng, 1 * k**0.5, 18 * k**0.5)
    sangong_actual = (sangong_budget * Decimal(rng.uniform(0.2, 1.0))).quantize(CENT)
    assets = _amount(rng, 10 * k, 400 * k)
    fixed_net = (assets * Decimal(rng.uniform(0.2, 0.9))).quantize(CENT)
    lo, hi = {"county": (3, 30), "prefecture": (10, 80), "province": (40, 200)}[unit.level]
    quota = rng.randint(lo, hi)
    actual = rng.randint(max(1, quota - 4), quota)
    retired = rng.randint(0, max(3, quota * 2))
    # Whole scores mostly (综合得分98分), some with one decimal (97.5分).
    score = Decimal(rng.randint(85, 100)) if rng.random() < 0.6 else Decimal(rng.randint(850, 999)) / 10
    if rng.random() < 0.08:
        score = Decimal(rng.randint(600, 849)) / 10
    if rng.random() < 0.02:
        score = Decimal(rng.randint(50, 59))
    grade = "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"
    r = rng.random()
    if violation == "report_date_consistent_with_year":
        date = (year, rng.randint(1, 11), rng.randint(1, 28))
    elif r < 0.1:
        date = (year, 12, rng.randint(1, 31))
    else:
        date = (year + 1, rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5, 6, 7, 8, 9, 10, 11, 12)), rng.randint(1, 28))
    return Figures(
        year=year,
        personnel=personnel,
        public=public,
        basic=basic,
        project=project,
        total=total,
        income=income,
        carry_start=carry_start,
        carry_end=income + carry_start - total,
        budget_initial=budget_initial,
        budget_adjusted=budget_adjusted,
        rate=rate,
        p_share=p_share,
        g_share=g_share,
        sangong_budget=sangong_budget,
        sangong_actual=sangong_actual,
        assets=assets,
        fixed_net=fixed_net,
        quota=quota,
        actual=actual,
        retired=retired,
        score=score,
        grade=grade,
        date=date,
    )


# ---------------------------------------------------------------------------------------------- composer


@dataclass
class _Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)


class _Composer:
    def __init__(self, rng: random.Random, unit: Unit, violation: str | None) -> None:
        self.rng = rng
        self.unit = unit
        self.violation = violation
        self.f = make_figures(rng, unit, violation)
        self.fields: dict[str, Any] = {}
        self.project_lines: list[dict[str, Any]] = []
        self.spaced = rng.random() < 0.25
        self.money_units = rng.random() < 0.3  # some money in 元 or 亿元 instead of 万元
        self.tier = _tier(unit)
        shorts = sorted(short_forms(unit.division), key=lambda s: (len(s), s))
        self.short = shorts[0] if shorts else unit.division
        self.short_unit = unit.division + "科协"
        self.y = self.f.year
        self.written = unit.name
        self.ordinals = rng.random() < 0.7
        # Violations must be visible: the fields they concern are always stated.
        need: set[str] = set()
        if violation in ("personnel_plus_public_equals_basic", "shares_sum_to_100"):
            need = {"personnel", "public", "basic"}
        elif violation in ("basic_plus_project_equals_total", "project_lines_sum_to_project_expenditure"):
            need = {"basic", "project", "total"}
        elif violation == "execution_rate_at_most_100":
            need = {"total", "rate"}
        self.need = need

    # ---- helpers
    def state(self, name: str, value: Any) -> None:
        old = self.fields.get(name)
        if old is not None and old != value:
            raise AssertionError(f"{name} stated twice: {old} and {value}")
        self.fields[name] = value

    def s(self, text: str) -> str:
        return _SPACE_AROUND_NUMBERS.sub(" ", text) if self.spaced else text

    def p(self, text: str) -> Block:
        return Block("p", self.s(text))

    def money(self, x: Decimal) -> str:
        """A stated field amount: 万元 mostly, else 元 with or without thousands separators, or 亿元."""
        r = self.rng.random() if self.money_units else 1.0
        if r < 0.5:
            yuan = int(x * 10000)
            return self.rng.choice((f"{yuan:,}.00元", f"{yuan:,}元", f"{yuan}.00元"))
        if r < 0.8 and x >= YI_FROM:
            return format((x / 10000).normalize(), "f") + "亿元"
        return _wan(x) + "万元"

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def filler_sentence(self, template: str) -> str:
        """Fill each slot afresh, so two counts in one sentence differ as they would in a real report."""
        rng = self.rng
        makers: dict[str, Any] = {
            "a": lambda: rng.randint(2, 60),
            "b": lambda: rng.randint(2, 20),
            "c": lambda: rng.randint(100, 3000),
            "d": lambda: rng.randint(180, 330),
            "w": lambda: rng.randint(1, 9),
            "s": lambda: rng.randint(90, 99),
            "x": lambda: rng.randint(2, 60),
            "y": lambda: rng.choice(("1", "1.5", "2", "3", "5", "10", "12")),
            "z": lambda: rng.choice(("5000", "8000", "3000")),
            "short": lambda: self.short,
            "f1": lambda: f"{rng.randint(1, 9)}.{rng.randint(10, 99)}",
            "f2": lambda: f"{rng.randint(1, 9)}.{rng.randint(10, 99)}",
            "f3": lambda: f"{rng.randint(20, 400)}.{rng.randint(10, 99)}",
        }
        return _SLOT.sub(lambda m: str(makers[m.group(1)]()), template)

    # ---- header
    def header(self) -> tuple[list[Block], str, list[Block]]:
        """Top blocks, the header style, and the blocks of a table of contents (header style only)."""
        rng, y = self.rng, self.y
        r = rng.random()
        abbrev_ok = self.tier in "县区市旗" and self.unit.level != "province"
        style = (
            "abbrev" if r < 0.1 and abbrev_ok else "header" if r < 0.35 else "oneline" if r < 0.5 else "title"
        )
        if style == "abbrev":
            self.written = f"{self.tier}科协"
        else:
            self.written = self._written_name()
        year_word = rng.choice(("年度", "年"))
        title = rng.choice(
            (
                f"{y}{year_word}整体支出绩效自评报告",
                f"{y}{year_word}部门整体支出绩效自评报告",
                f"{y}{year_word}整体支出绩效评价报告",
                f"{y}{year_word}部门整体支出绩效自评价报告",
            )
        )
        blocks: list[Block]
        if style == "title":
            blocks = [Block("title", self.written), Block("title", self.s(title))]
        elif style == "oneline":
            title = self.written + title
            blocks = [Block("title", self.s(title))]
        elif style == "abbrev":
            title = self.s(f"{self.written}{y}{year_word}部门整体支出绩效评价报告")
            blocks = [Block("title", title)]
        else:
            title = rng.choice(("部门（单位）整体绩效自评报告", "部门整体支出绩效自评报告"))
            blocks = [
                Block("title", f"附件{rng.randint(1, 5)}"),
                Block("title", title),
                Block("title", f"部门（单位）名称：{self.written}"),
                Block("title", "主管部门：" + rng.choice(("", self.unit.division + "人民政府", "县委"))),
            ]
        self.state("unit_name", self.written)
        self.state("title", self.s(title) if style != "header" else title)
        self.state("fiscal_year", y)
        return blocks, style, []

    def _written_name(self) -> str:
        r = self.rng.random()
        d = self.unit.division
        if r < 0.12:
            return d + self.rng.choice(TYPOS)
        if r < 0.17:
            return self.short + "科学技术协会" if self.short != d else d + "科学技术协会"
        if r < 0.25:
            return d + "科协"
        return self.unit.name

    def intro(self) -> list[Block]:
        rng, y = self.rng, self.y
        fin = f"{self.unit.division}财政局"
        options = [
            f"贯彻落实市委市政府《关于全面落实预算绩效管理的实施意见》文件精神，遵循“科学性、规范性、客观性和公正性”的原则，"
            f"对{self.unit.name}部门{y}年整体支出情况实施了财政支出绩效自评价，形成本评价报告。",
            f"根据《中共中央 国务院关于全面实施预算绩效管理的意见》（中发〔2018〕34号）和《{fin}关于开展{y}年度财政支出绩效自评工作的通知》"
            f"等文件精神，我单位高度重视，认真组织，对{y}年部门整体支出进行了绩效自评，现将自评情况报告如下：",
            f"为加强{self.unit.name}财政资金管理，强化支出责任，切实提高财政资金使用效益，建立科学、合理的财政绩效评价管理体系，"
            f"根据《{fin}关于开展{y}年绩效评价工作的通知》及相关文件要求，{self.short_unit}于{y + 1}年{rng.randint(1, 3)}月"
            f"组织力量对{y}年预算整体支出进行了绩效评价，现将评价情况报告如下：",
        ]
        return [self.p(rng.choice(options))]

    # ---- overview: duties, staffing, assets
    def overview(self) -> list[_Section]:
        rng = self.rng
        secs = [_Section("部门职能", [self.p(d) for d in rng.sample(pools.DUTIES, rng.randint(1, 3))])]
        staff = self.staffing()
        if staff:
            secs.append(
                _Section(
                    rng.choice(("人员编制情况", "组织机构设置及人员构成情况", "机构设置及人员情况")), staff
                )
            )
        if self.chance(0.6):
            secs.append(_Section(rng.choice(("资产情况", "资产管理情况")), self.assets()))
        return secs

    def staffing(self) -> list[Block]:
        rng, f, y = self.rng, self.f, self.y
        n = rng.choice(("人", "名"))
        kind = rng.randrange(5)
        if kind == 0:
            self.state("staff_quota", f.quota)
            self.state("staff_actual", f.actual)
            text = (
                f"{self.unit.name}是财政拨款的正科级行政机关，编制{f.quota}{n}，实际在职人数{f.actual}{n}。"
            )
            text += "下属科技馆是财政拨款的公益一类股级单位，未独立核算。"
            if self.chance(0.5):
                text += f"退休人员{f.retired}人。"
                self.state("staff_retired", f.retired)
        elif kind == 1:
            admin = rng.randint(1, f.quota)
            text = (
                f"{y}年末，我单位共有编制{f.quota}人，其中行政编制{admin}人，事业编制{f.quota - admin}人。"
                f"年末实有在职人员{f.actual}人，退休人员{f.retired}人。"
            )
            self.state("staff_quota", f.quota)
            self.state("staff_actual", f.actual)
            self.state("staff_retired", f.retired)
        elif kind == 2:
            text = f"机构规格相当于正科级，核定编制{f.quota}{n}，实有在职人员{f.actual}{n}，离休{rng.randint(0, 3)}人，退休{f.retired}人。"
            self.state("staff_quota", f.quota)
            self.state("staff_actual", f.actual)
            self.state("staff_retired", f.retired)
        elif kind == 3:
            text = f"单位现有在职人员{f.actual}人，退休人员{f.retired}人，聘用人员{rng.randint(1, 9)}人，就业见习人员{rng.randint(1, 6)}人。"
            self.state("staff_actual", f.actual)
            self.state("staff_retired", f.retired)
        else:
            text = f"县科协为参照公务员管理事业单位，机构编制部门核定编制{f.quota}人，人员配置合理，工资按人社核定标准发放。"
            self.state("staff_quota", f.quota)
        return [self.p(text)]

    def assets(self) -> list[Block]:
        f, y = self.f, self.y
        kind = self.rng.randrange(3)
        if kind == 0:
            orig = (f.fixed_net * Decimal("1.8")).quantize(CENT)
            text = (
                f"截至{y}年12月31日，{self.unit.name}资产总额（账面净值）{_wan(f.assets)}万元，净资产{_wan(f.assets)}万元。"
                f"其中，银行存款{_wan((f.assets - f.fixed_net) * Decimal('0.7'))}万元，固定资产原值{_wan(orig)}万元，"
                f"固定资产净值{_wan(f.fixed_net)}万元。"
            )
            self.state("assets_total", f.assets)
            self.state("fixed_assets_net", f.fixed_net)
        elif kind == 1:
            text = f"{y}年末，{self.unit.name}固定资产净值为{_wan(f.fixed_net)}万元。"
            self.state("fixed_assets_net", f.fixed_net)
        else:
            text = f"年末资产总计{_wan(f.assets)}万元，负债{_wan(f.assets / 10)}万元，资产使用无闲置，使用率为100％。"
            self.state("assets_total", f.assets.quantize(CENT))
        return [self.p(text)]

    # ---- money
    def money_section(self, style: str) -> list[Block]:
        rng, f, y = self.rng, self.f, self.y
        out: list[Block] = []
        if self.chance(0.5):
            out.append(self.p(rng.choice(pools.BUDGET_MGMT)))
        state_split = "personnel" in self.need or self.chance(0.85)
        state_project = "project" in self.need or self.chance(0.9)
        state_total = "total" in self.need or self.chance(0.9)
        state_rate = "rate" in self.need or (self.chance(0.6) and f.rate <= 100)
        state_shares = self.violation == "shares_sum_to_100" or (
            self.violation != "personnel_plus_public_equals_basic" and self.chance(0.5)
        )
        state_shares = state_shares and state_split

        # Budget and income.
        b = rng.randrange(4)
        if b == 0:
            out.append(
                self.p(
                    f"{y}年度科协部门年初预算收入{self.money(f.budget_initial)}，其中：一般公共预算收入{_wan(f.budget_initial)}万元，"
                    "基金预算收入0万元，财政专户核拨收入0万元，其他来源收入0万元。"
                )
            )
            self.state("budget_initial", f.budget_initial)
        elif b == 1:
            parts = f.budget_initial * Decimal("0.6")
            out.append(
                self.p(
                    f"我单位{y}年整体预算为{self.money(f.budget_initial)}，其中财政拨款{_wan(f.budget_initial)}万元，占总预算的100%。"
                    f"整体预算中，人员经费预算{_wan(parts.quantize(CENT))}万元，一般公用经费预算"
                    f"{_wan((parts / 8).quantize(CENT))}万元，项目经费预算{_wan((f.budget_initial - parts - (parts / 8).quantize(CENT)).quantize(CENT))}万元。"
                )
            )
            self.state("budget_initial", f.budget_initial)
        elif b == 2:
            out.append(
                self.p(
                    f"{y}年部门年初预算{self.money(f.budget_initial)}，年中追加调整后，全年调整后预算数为{self.money(f.budget_adjusted)}。"
                )
            )
            self.state("budget_initial", f.budget_initial)
            self.state("budget_adjusted", f.budget_adjusted)
        income = rng.randrange(3)
        if income == 0:
            other = (f.income * Decimal(rng.uniform(0, 0.1))).quantize(CENT)
            out.append(
                self.p(
                    f"{y}年{self.short_unit}部门总收入{self.money(f.income)}，其中：一般公共预算财政拨款{_wan(f.income - other)}万元，"
                    f"其他收入{_wan(other)}万元；年初结转和结余{self.money(f.carry_start)}。"
                )
            )
        elif income == 1:
            out.append(
                self.p(
                    f"我单位{y}年度实际预算收入{self.money(f.income)}，年初结转和结余{self.money(f.carry_start)}，"
                    f"其中财政拨款收入{_wan(f.income)}万元，预算到位率为100%。"
                )
            )
        else:
            out.append(
                self.p(f"本年收入合计{self.money(f.income)}，上年结转结余{self.money(f.carry_start)}。")
            )
        self.state("income_total", f.income)
        self.state("carryover_start", f.carry_start)

        # Expenditure: one of several shapes, keeping every field to a single statement.
        rate_txt = rng.choice(("预算执行率为{r}%", "全年预算执行率{r}%", "部门预算执行率达到{r}%")).format(
            r=f.rate
        )
        carry_end_ok = f.carry_end >= 0 and self.chance(0.5)
        shape = style if style in ("dense", "split", "gp", "final") else "dense"
        if shape == "gp" and not (state_split and state_project):
            shape = "split"
        if shape == "final" and (state_split or state_shares):
            shape = "dense"
        shares_written = False
        if shape == "dense" and state_total:
            text = f"{y}年部门总支出{self.money(f.total)}，其中基本支出{self.money(f.basic)}"
            self.state("expenditure_total", f.total)
            self.state("basic_expenditure", f.basic)
            if state_split:
                pub_word = rng.choice(("日常公用经费", "公用经费"))
                text += f"，包括人员经费{self.money(f.personnel)}和{pub_word}{self.money(f.public)}"
                self.state("personnel_expense", f.personnel)
                self.state("public_expense", f.public)
            if state_project:
                text += f"；项目支出{self.money(f.project)}"
                self.state("project_expenditure", f.project)
            text += "。"
            if state_rate:
                text += rate_txt + "。"
                self.state("execution_rate", f.rate)
            out.append(self.p(text))
        elif shape == "final":
            text = (
                f"{y}年度支出年初预算数为{_wan(f.budget_initial)}万元，决算数为{self.money(f.total)}，"
                f"其中基本支出{self.money(f.basic)}"
            )
            self.state("expenditure_total", f.total)
            self.state("basic_expenditure", f.basic)
            self.state("budget_initial", f.budget_initial)
            if state_project:
                text += f"，项目支出{self.money(f.project)}"
                self.state("project_expenditure", f.project)
            out.append(self.p(text + "。"))
        else:
            if state_total:
                text = f"我单位{y}年整体支出为{self.money(f.total)}"
                self.state("expenditure_total", f.total)
                if carry_end_ok:
                    text += f"，年末结余和结转{_wan(f.carry_end)}万元"
                    self.state("carryover_end", f.carry_end)
                if state_rate:
                    text += "，" + rate_txt
                    self.state("execution_rate", f.rate)
                out.append(self.p(text + "。"))
            if shape == "gp":
                basic_budget = (f.basic * Decimal(rng.uniform(1.0, 1.05))).quantize(CENT)
                done = _pct(f.basic, basic_budget)
                text = (
                    f"{y}年基本支出预算安排(含上年结转){_wan(basic_budget)}万元，实际支出{self.money(f.basic)}，"
                    f"完成预算安排的{done.normalize():f}%。人员经费支出{self.money(f.personnel)}"
                )
                if state_shares:
                    text += f"，占基本支出的{f.p_share}%;日常公用经费支出{self.money(f.public)}，占基本支出的{f.g_share}%。"
                    shares_written = True
                else:
                    text += f"；日常公用经费支出{self.money(f.public)}。"
                self.state("basic_expenditure", f.basic)
                self.state("personnel_expense", f.personnel)
                self.state("public_expense", f.public)
                out.append(self.p(text))
                text = f"{y}年项目支出预算安排(含上年结转){_wan(f.project)}万元，实际支出{self.money(f.project)}，完成预算安排的100%。"
                self.state("project_expenditure", f.project)
                out.append(self.p(text))
            else:
                if state_split:
                    pub_word = rng.choice(("一般公用经费支出", "日常公用经费支出", "公用经费"))
                    text = (
                        f"{y}年度本单位基本支出{self.money(f.basic)}，其中人员经费{self.money(f.personnel)}"
                    )
                    if state_shares:
                        word = rng.choice(("占基本支出比例", "占基本支出的"))
                        text += (
                            f"，{word}{f.p_share}%，{pub_word}{self.money(f.public)}，{word}{f.g_share}%。"
                        )
                        shares_written = True
                    else:
                        text += f"，{pub_word}{self.money(f.public)}。"
                    self.state("basic_expenditure", f.basic)
                    self.state("personnel_expense", f.personnel)
                    self.state("public_expense", f.public)
                    out.append(self.p(text))
                elif "basic_expenditure" not in self.fields and self.chance(0.7):
                    out.append(self.p(f"其中基本支出{self.money(f.basic)}，主要用于人员工资和机构正常运转。"))
                    self.state("basic_expenditure", f.basic)
                if state_project:
                    out.append(self.p(f"我单位{y}年度项目经费支出{self.money(f.project)}，包含若干项目。"))
                    self.state("project_expenditure", f.project)
        if state_shares and not shares_written and "personnel_expense" in self.fields:
            # Shares said on their own (the dense shape has no room for them in its sentence).
            out.append(self.p(f"人员经费占基本支出的{f.p_share}%，日常公用经费占基本支出的{f.g_share}%。"))
            shares_written = True
        if shares_written:
            self.state("personnel_share", f.p_share)
            self.state("public_share", f.g_share)
        if state_rate and "execution_rate" not in self.fields:
            out.append(self.p(f"全年预算执行情况良好，{rate_txt}。"))
            self.state("execution_rate", f.rate)
        if carry_end_ok and "carryover_end" not in self.fields:
            out.append(self.p(f"年末结转和结余{self.money(f.carry_end)}。"))
            self.state("carryover_end", f.carry_end)

        # 三公 经费.
        if self.chance(0.7):
            sb, sa = f.sangong_budget, f.sangong_actual
            kind = rng.randrange(3)
            if kind == 0:
                out.append(
                    self.p(
                        f"{y}年初预算安排“三公”经费{_wan(sb)}万元，本年度“三公”经费支出共计{_wan(sa)}万元，"
                        f"较年初预算减少{_wan(sb - sa)}万元，降低{_pct(sb - sa, sb)}%。"
                    )
                )
                self.state("sangong_budget", sb)
                self.state("sangong_actual", sa)
            elif kind == 1:
                out.append(self.p(f"“三公”经费预算{_wan(sb)}万元，实际支出{_wan(sa)}万元。"))
                self.state("sangong_budget", sb)
                self.state("sangong_actual", sa)
            else:
                car = (sa * Decimal("0.6")).quantize(CENT)
                out.append(
                    self.p(
                        f"全年“三公”经费支出{_wan(sa)}万元，其中公务接待费{_wan(sa - car)}万元，公务用车运行维护费{_wan(car)}万元。"
                    )
                )
                self.state("sangong_actual", sa)

        # The project table.
        if self.violation == "project_lines_sum_to_project_expenditure" or (
            "project_expenditure" in self.fields and self.chance(0.35)
        ):
            out.extend(self.project_table())
        elif self.chance(0.3):
            out.append(self.p("项目经费预算执行率为100%。"))
        return out

    def project_table(self) -> list[Block]:
        rng, f = self.rng, self.f
        n = rng.randint(2, 12)
        weights = [rng.uniform(0.2, 1.0) for _ in range(n)]
        scale = f.project / Decimal(sum(weights))
        amounts = [(scale * Decimal(w)).quantize(CENT, rounding=ROUND_DOWN) for w in weights[:-1]]
        amounts.append(f.project - sum(amounts, Decimal(0)))
        if self.violation == "project_lines_sum_to_project_expenditure":
            i = rng.randrange(n)
            amounts[i] += _amount(rng, 0.5, 20)
        names = rng.sample(pools.PROJECT_NAMES, min(n, len(pools.PROJECT_NAMES)))
        while len(names) < n:
            names.append(f"{rng.choice(pools.PROJECT_NAMES)}（{len(names)}）")
        in_yuan = self.chance(0.1)
        amount_head = rng.choice(("分配资金", "分配资金（万元）", "支出金额（万元）"))
        if in_yuan:
            amount_head = "分配资金（元）"
        header = (
            "序号",
            "项目名称",
            "项目内容",
            amount_head,
            "绩效目标",
            rng.choice(("综合得分", "自评得分")),
        )
        rows: list[tuple[str, ...]] = [header]
        for seq, (name, amount) in enumerate(zip(names, amounts, strict=True), 1):
            if rng.random() < 0.3:
                name = f"{self.y}年{name}"
            score = str(rng.randint(80, 100)) if rng.random() < 0.8 else f"{rng.randint(80, 99)}.5"
            if in_yuan:
                amount_txt = f"{amount * 10000:.2f}"
            elif amount == amount.to_integral_value() and rng.random() < 0.5:
                amount_txt = str(int(amount))
            else:
                amount_txt = _wan(amount)
            shown = name
            if len(name) > 11 and rng.random() < 0.5:
                cut = rng.randint(8, 11)
                shown = "\n".join(name[i : i + cut] for i in range(0, len(name), cut))
            rows.append(
                (
                    str(seq),
                    shown,
                    rng.choice(pools.PROJECT_CONTENT),
                    amount_txt,
                    rng.choice(pools.PROJECT_TARGET),
                    score,
                )
            )
            self.project_lines.append({"seq": seq, "name": name, "amount": _wan(amount), "score": score})
        lead = self.p(
            f"项目支出包含{n}个项目，其中：重点项目{names[0]}，支出{_wan(amounts[0])}万元。"
            "具体支出情况见《项目资金支出明细及自评得分表》。"
        )
        return [lead, Block("p", "项目资金支出明细及自评得分表"), Block("table", rows=tuple(rows))]

    # ---- other sections
    def goals(self) -> list[Block]:
        rng = self.rng
        items = rng.sample(pools.GOALS, rng.randint(2, 5))
        distract = rng.sample(pools.MONEY_DISTRACTORS, rng.randint(1, 3))
        texts = [*items, *(self.filler_sentence(d) for d in distract)]
        rng.shuffle(texts)
        return [self.p(f"{i}、{t}") for i, t in enumerate(texts, 1)]

    def process(self) -> list[Block]:
        return [self.p(t) for t in self.rng.sample(pools.PROCESS, self.rng.randint(2, 4))]

    def activity_paragraph(self, i: int) -> Block:
        """Paragraph ``i`` of the achievements: 一是…八是 while they last, then plain paragraphs."""
        rng = self.rng
        sentences = [self.filler_sentence(t) for t in rng.sample(pools.ACTIVITY, rng.randint(3, 6))]
        prefix = pools.ORDINALS[i] if i < len(pools.ORDINALS) and self.ordinals else ""
        return self.p(prefix + "".join(sentences))

    def indicators(self) -> list[Block]:
        return [self.p(self.filler_sentence(t)) for t in pools.INDICATORS if self.chance(0.8)]

    def evaluation(self) -> list[Block]:
        rng, f, y = self.rng, self.f, self.y
        score = f"{f.score.normalize():f}"
        g = f.grade
        gw = rng.choice(_GRADE_WORDS[g])
        kind = rng.randrange(6)
        lead = f"{self.unit.name}认真履行职责职能，严格按照财务规定和制度使用、管理经费，成效明显，较好完成各项工作任务，实现了预期目标，"
        if kind == 0:
            text = lead + f"按“财政支出绩效评价指标体系”进行综合评价，综合得分{score}分，评价等次为“{gw}”。"
            self.state("score", f.score)
            self.state("grade", g)
        elif kind == 1:
            text = (
                f"根据基础数据，对{y}年度{self.unit.name}整体支出进行了独立评分，最终评分结果为{score}分，"
                f"{y}年度部门整体支出绩效自评结果为“{gw}”。"
            )
            self.state("score", f.score)
            self.state("grade", g)
        elif kind == 2:
            k = rng.randint(3, 16)
            text = (
                f"{y}年我单位积极履职，部门整体支出管理水平得到提升。经自评，{k}个项目自评得分均在90分以上，"
                f"较好的完成了年度工作目标，综合评价等级为“{gw}”。"
            )
            self.state("grade", g)
        elif kind == 3:
            text = f"经综合评定，{y}年度部门整体支出绩效自评得分为{score}分，自评等级为“{gw}”。"
            self.state("score", f.score)
            self.state("grade", g)
        elif kind == 4:
            text = lead + f"部门整体支出绩效自评综合得分{score}分。"
            self.state("score", f.score)
        else:
            text = f"对照评价指标体系逐项打分，自评总分{score}分，自评结果为“{gw}”。"
            self.state("score", f.score)
            self.state("grade", g)
        return [self.p(text)]

    def problems_measures(self) -> list[tuple[str, list[Block]]]:
        """Top-level sections (heading, blocks) stating problems and measures, in one of three layouts."""
        rng = self.rng
        probs = rng.sample(pools.PROBLEMS, rng.randint(1, 2))
        meas = rng.sample(pools.MEASURES, rng.randint(1, 3))
        if len(meas) > 1 and self.chance(0.5):
            meas = [f"{i}、{m}" for i, m in enumerate(meas, 1)]
        prob_blocks = [self.p(t) for t in probs]
        meas_blocks = [self.p(t) for t in meas]
        self.state("problems", "\n".join(b.text for b in prob_blocks))
        self.state("measures", "\n".join(b.text for b in meas_blocks))
        layout = rng.randrange(3)
        if layout == 0:
            return [
                ("存在的问题", prob_blocks),
                (rng.choice(("整改措施或建议", "下一步改进措施", "改进措施")), meas_blocks),
            ]
        h2 = "（一）" if self.chance(0.6) else "(一) "
        h2b = h2.replace("一", "二")
        if layout == 1:
            return [
                (
                    "存在的问题及改进措施",
                    [
                        Block("h2", h2 + "存在的主要问题"),
                        *prob_blocks,
                        Block("h2", h2b + "针对问题提出具体的改进措施或建议"),
                        *meas_blocks,
                    ],
                )
            ]
        tail = [
            Block("h2", h2b + "结果应用"),
            self.p("通过年度绩效评价，有效了解预算编制、预算执行、绩效目标实现等相关情况。"),
        ]
        return [("存在的问题及改进措施", [*prob_blocks, Block("h2", h2 + "整改措施"), *meas_blocks, *tail])]

    def date_text(self) -> str:
        y, m, d = self.f.date
        r = self.rng.random()
        if r < 0.55:
            text, iso = f"{y}年{m}月{d}日", f"{y}-{m:02d}-{d:02d}"
        elif r < 0.62:
            text, iso = f"{y}年{m:02d}月{d:02d}日", f"{y}-{m:02d}-{d:02d}"
        elif r < 0.82:
            text, iso = f"{y}年{m}月", f"{y}-{m:02d}"
        else:
            text, iso = f"{cn_year(y)}年{cn_small(m)}月{cn_small(d)}日", f"{y}-{m:02d}-{d:02d}"
        self.state("report_date", iso)
        return text


def _tier(unit: Unit) -> str:
    d = unit.division
    if unit.level == "province":
        return "省" if d.endswith("省") else "区" if d.endswith("区") else "市"
    if d.endswith("地区"):
        return "地区"
    return d[-1] if d[-1] in "县区市旗州盟" else "县"


def _number(i: int) -> str:
    return CN_ORDINALS[i] if i < len(CN_ORDINALS) else str(i + 1)


def compose(rng: random.Random, unit: Unit, violation: str | None) -> SyntheticReport:
    c = _Composer(rng, unit, violation)
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

    template = rng.choice(("A", "B", "C", "D"))
    money_style = {"A": "dense", "B": "gp", "C": rng.choice(("split", "dense")), "D": "final"}[template]
    if template == "D" and rng.random() < 0.5:
        money_style = "split"
    overview = c.overview()
    money = c.money_section(money_style)
    # (heading, subsections or blocks); subsections are numbered （一）… within their section.
    sections: list[tuple[str, list[_Section]]] = []
    money_sec = _Section(
        rng.choice(("部门收支预决算情况", "部门整体预算批复及支出安排情况", "当年部门预算及执行情况")), money
    )
    goals_sec = _Section(rng.choice(("部门整体支出绩效目标", "当年部门年度整体绩效目标")), c.goals())
    if template in ("A", "D"):
        sections.append((rng.choice(("部门基本情况", "部门（单位）概况")), [*overview, money_sec, goals_sec]))
        sections.append(
            (
                rng.choice(("自评工作开展情况", "绩效自评工作组织开展情况")),
                [_Section("自评的组织工作", c.process())],
            )
        )
    elif template == "B":
        sections.append((rng.choice(("部门（单位）基本情况", "部门基本情况")), overview))
        sections.append(("一般公共预算支出情况", [_Section("基本支出和项目支出情况", money)]))
        for fund in ("政府性基金预算支出情况", "国有资本经营预算支出情况"):
            sections.append(
                (fund, [_Section("", [c.p(f"{c.y}年度我单位未安排{fund[:-4]}，无{fund[:-2]}。")])])
            )
    else:
        sections.append(("部门概况", overview))
        sections.append(("评价工作开展", [_Section("绩效评价实施过程", c.process())]))
    achieve = _Section("总体绩效目标实现情况", [])
    indic = _Section("分项绩效目标实现情况及指标分析", c.indicators())
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
        sections[1][1].append(_Section("绩效评价整体结果概况", evaluation))
        sections.append(("部门整体支出绩效评价分析", [money_sec]))
    else:
        sections.append(
            (rng.choice(("评价结论和评价等级", "部门整体支出绩效自评结论")), [_Section("", evaluation)])
        )
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
    for heading, pm_blocks in [*pm, *extra]:
        top_numbers.append((heading, pm_blocks))
    for n, (heading, body) in enumerate(top_numbers):
        blocks.append(Block("h1", f"{_number(n)}、{heading}"))
        blocks.extend(body)

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
