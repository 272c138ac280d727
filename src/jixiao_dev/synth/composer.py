"""The sentences of a synthetic report, section by section: each states its fields once, into the truth."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jixiao import checks
from jixiao.units.aliases import short_forms
from jixiao.units.registry import Unit
from jixiao_dev.synth import pools
from jixiao_dev.synth.figures import CENT, YI_FROM, cn_small, cn_year, make_figures, wan
from jixiao_dev.synth.report import Block

TYPOS = ("科协技术协会", "科学技术协", "科学枝术协会", "科学技术协协会")
_SPACE_AROUND_NUMBERS = re.compile(r"(?<=[\u4e00-\u9fff])(?=\d)|(?<=\d)(?=[\u4e00-\u9fff])")
_SLOT = re.compile(r"\{(\w+)\}")
_GRADE_WORDS = {"优": ("优", "优秀"), "良": ("良", "良好"), "中": ("中", "中等"), "差": ("差", "较差")}


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)


class Composer:
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
        if violation in (checks.PERSONNEL_PLUS_PUBLIC_EQUALS_BASIC.id, checks.SHARES_SUM_TO_100.id):
            need = {"personnel", "public", "basic"}
        elif violation in (
            checks.BASIC_PLUS_PROJECT_EQUALS_TOTAL.id,
            checks.PROJECT_LINES_SUM_TO_PROJECT_EXPENDITURE.id,
        ):
            need = {"basic", "project", "total"}
        elif violation == checks.EXECUTION_RATE_AT_MOST_100.id:
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
        return wan(x) + "万元"

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
    def overview(self) -> list[Section]:
        rng = self.rng
        secs = [Section("部门职能", [self.p(d) for d in rng.sample(pools.DUTIES, rng.randint(1, 3))])]
        staff = self.staffing()
        if staff:
            secs.append(
                Section(
                    rng.choice(("人员编制情况", "组织机构设置及人员构成情况", "机构设置及人员情况")), staff
                )
            )
        if self.chance(0.6):
            secs.append(Section(rng.choice(("资产情况", "资产管理情况")), self.assets()))
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
                f"截至{y}年12月31日，{self.unit.name}资产总额（账面净值）{wan(f.assets)}万元，净资产{wan(f.assets)}万元。"
                f"其中，银行存款{wan((f.assets - f.fixed_net) * Decimal('0.7'))}万元，固定资产原值{wan(orig)}万元，"
                f"固定资产净值{wan(f.fixed_net)}万元。"
            )
            self.state("assets_total", f.assets)
            self.state("fixed_assets_net", f.fixed_net)
        elif kind == 1:
            text = f"{y}年末，{self.unit.name}固定资产净值为{wan(f.fixed_net)}万元。"
            self.state("fixed_assets_net", f.fixed_net)
        else:
            text = f"年末资产总计{wan(f.assets)}万元，负债{wan(f.assets / 10)}万元，资产使用无闲置，使用率为100％。"
            self.state("assets_total", f.assets.quantize(CENT))
        return [self.p(text)]

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
