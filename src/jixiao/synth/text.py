"""The words of a synthetic report: figures that satisfy (or deliberately break) the identities, said in
the ways the seed reports say them."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jixiao.units.aliases import short_forms
from jixiao.units.registry import Unit

Block = tuple[str, Any]  # ("h" | "p", str) or ("table", list[list[str]])
CN_DIGITS = "〇一二三四五六七八九"
FILLER = (
    "积极开展科普宣传活动，组织专家深入乡村、社区、学校开展科技讲座和咨询服务，惠及群众{n}万余人次。",
    "围绕全民科学素质提升行动，开展科普日、科技活动周、科技工作者日等主题活动{n}场次。",
    "加强基层科协组织建设，推动“科普中国”信息化落地应用，建设科普e站{n}个。",
    "组织青少年参加科技创新大赛，征集作品{n}件，获奖作品多件。",
    "严格执行财务管理制度，规范经费使用，做到专款专用，资金使用效益不断提高。",
    "深入开展学术交流活动，邀请{n}名专家教授开展调研指导和技术培训。",
    "按照县财政局的统一部署，认真组织开展部门整体支出绩效自评工作，形成自评报告。",
    "建立健全内部控制制度，完善预算编制、执行、监督各环节管理，提升预算管理水平。",
    "发挥科协桥梁纽带作用，团结服务科技工作者，维护科技工作者的合法权益。",
    "科技馆全年开馆{n}天，接待参观群众{n}余人次，有效发挥科普阵地作用。",
)
PROJECT_NAMES = (
    "科普经费",
    "党组织活动经费",
    "全民科学素质行动经费",
    "青少年科技创新大赛",
    "科技工作者之家建设活动专项资金",
    "基层科普行动计划项目",
    "老科技工作者协会经费",
    "学会能力提升计划(科技人才工作)",
    "科普讲座及专家咨询",
    "科技馆免费开放补助资金",
    "科普信息化建设专项资金",
    "农村实用技术培训",
)


def money(x: Decimal) -> str:
    return f"{x:.2f}"


def cn_number(n: int) -> str:
    return "".join(CN_DIGITS[int(c)] for c in str(n))


def cn_small(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


@dataclass
class SyntheticReport:
    unit: Unit
    unit_written: str
    blocks: list[Block] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    project_lines: list[dict[str, str | int]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def text(self, markdown: bool = False) -> str:
        out: list[str] = []
        for kind, value in self.blocks:
            if kind == "h":
                out.append(("## " if markdown else "") + value)
            elif kind == "p":
                out.append(value)
            else:
                out.extend("\t".join(row) for row in value)
            out.append("")
        return "\n".join(out)

    def truth(self) -> dict[str, Any]:
        return {
            "adcode": self.unit.adcode,
            "unit_name_canonical": self.unit.name,
            "unit_name_written": self.unit_written,
            "fields": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.fields.items()},
            "project_lines": self.project_lines,
            "violations": self.violations,
        }


def _amount(rng: random.Random, lo: float, hi: float) -> Decimal:
    return Decimal(str(round(rng.uniform(lo, hi), 2))).quantize(Decimal("0.01"))


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def compose(rng: random.Random, unit: Unit, violation: str | None) -> SyntheticReport:
    year = rng.randint(2018, 2025)
    personnel = _amount(rng, 40, 1800)
    public = _amount(rng, 5, 250)
    basic = personnel + public
    project = _amount(rng, 5, 900)
    total = basic + project
    income = (total * Decimal(str(rng.uniform(0.9, 1.05)))).quantize(Decimal("0.01"))
    carry = _amount(rng, 0, 120)
    budget = (total * Decimal(str(rng.uniform(0.8, 1.1)))).quantize(Decimal("0.01"))
    rate = _pct(total, income + carry)
    p_share = _pct(personnel, basic)
    q_share = Decimal(100) - p_share
    score = Decimal(str(rng.choice([rng.randint(60, 100), round(rng.uniform(60, 100), 1)])))
    grade = "优" if score >= 90 else "良" if score >= 80 else "中"
    quota = rng.randint(3, 60)
    actual = rng.randint(max(1, quota - 5), quota)
    retired = rng.randint(0, 40)
    date_year, date_month, date_day = year + 1, rng.randint(1, 11), rng.randint(1, 28)
    if rng.random() < 0.15:
        date_year, date_month = year, 12

    violations: list[str] = []
    state_rate = rate <= 100
    if violation == "execution_rate_at_most_100":
        rate, state_rate = (Decimal(100) + _amount(rng, 0.5, 9)), True
        total_stated = total
    else:
        total_stated = total
    if violation == "shares_sum_to_100":
        q_share = q_share + Decimal("1.00")
    if violation == "personnel_plus_public_equals_basic":
        personnel = personnel + Decimal("10.00")
        p_share = p_share  # the shares were stated from the true figures; only the amount is off
    if violation == "basic_plus_project_equals_total":
        total_stated = total + Decimal("12.34")
        rate = _pct(total_stated, income + carry)
        state_rate = rate <= 100
    if violation == "report_date_consistent_with_year":
        date_year, date_month, date_day = year, rng.randint(1, 10), rng.randint(1, 28)
    if violation:
        violations.append(violation)

    short = sorted(short_forms(unit.division), key=len)
    short_name = short[0] if short else unit.division
    typo = rng.random() < 0.1
    org = "科协技术协会" if typo else "科学技术协会"
    written = unit.division + org
    r = SyntheticReport(unit=unit, unit_written=written, violations=violations)
    f = r.fields

    # ---- header
    style = (
        rng.choice(("title", "header", "abbrev"))
        if unit.level == "county"
        else rng.choice(("title", "header"))
    )
    if style == "title":
        r.blocks += [("p", written), ("p", f"{year}年度整体支出绩效自评报告")]
        f["unit_name"], f["title"] = written, f"{year}年度整体支出绩效自评报告"
    elif style == "header":
        r.blocks += [
            ("p", "附件3"),
            ("p", "部门（单位）整体绩效自评报告"),
            ("p", f"部门（单位）名称：{written}"),
            ("p", "主管部门："),
        ]
        f["unit_name"], f["title"] = written, "部门(单位)整体绩效自评报告"
    else:
        title = f"县科协 {year} 年度部门整体支出绩效评价报告"
        r.blocks += [("p", title)]
        r.unit_written = "县科协"
        f["unit_name"], f["title"] = "县科协", title
        r.blocks.append(
            (
                "p",
                f"根据《{unit.division}财政局关于开展{year}年度财政支出绩效自评工作的通知》等文件精神，"
                "我单位高度重视，认真组织，对部门整体支出进行了绩效自评。",
            )
        )
    f["fiscal_year"] = year

    sections: list[list[Block]] = []
    # ---- staffing
    staff_p = rng.choice(
        (
            f"{written}机构规格相当于正科级，编制{quota}人，实际在职人数{actual}人，退休人员{retired}人。",
            f"{year}年末，我单位共有编制 {quota} 人，年末实有在职人员 {actual} 人，退休人员 {retired} 人。",
        )
    )
    sections.append([("h", "一、部门基本情况"), ("p", staff_p)])
    f.update(staff_quota=quota, staff_actual=actual, staff_retired=retired)

    # ---- money
    budget_p = rng.choice(
        (
            f"{year}年度部门年初预算收入{money(budget)}万元，其中一般公共预算收入{money(budget)}万元。",
            f"我单位 {year} 年整体预算为 {money(budget)} 万元，其中财政拨款 {money(budget)} 万元，占总预算的 100%。",
        )
    )
    f["budget_initial"] = budget
    income_p = rng.choice(
        (
            f"{year}年部门总收入{money(income)}万元，年初结转和结余{money(carry)}万元。",
            f"我单位 {year} 年度实际预算收入 {money(income)} 万元，年初结转和结余 {money(carry)} 万元。",
        )
    )
    f["income_total"], f["carryover_start"] = income, carry
    in_yuan = rng.random() < 0.2
    total_txt = f"{int(total_stated * 10000):,}.00元" if in_yuan else f"{money(total_stated)}万元"
    exp_p = rng.choice(
        (
            f"{year}年部门总支出{total_txt}，其中基本支出{money(basic)}万元，包括人员经费{money(personnel)}万元和日常公用经费"
            f"{money(public)}万元；项目支出{money(project)}万元。",
            f"我单位 {year} 年整体支出为 {total_txt}，其中基本支出 {money(basic)} 万元，项目支出 {money(project)} 万元。"
            f"{year}年度本单位人员经费{money(personnel)}万元，占基本支出比例{p_share}%，一般公用经费支出{money(public)}万元，"
            f"占基本支出比例{q_share}%。",
        )
    )
    f.update(
        expenditure_total=total_stated,
        basic_expenditure=basic,
        personnel_expense=personnel,
        public_expense=public,
        project_expenditure=project,
    )
    if "占基本支出比例" in exp_p:
        f.update(personnel_share=p_share, public_share=q_share)
    elif violation == "shares_sum_to_100" or rng.random() < 0.5:
        exp_p += f"人员经费占基本支出的 {p_share}%，日常公用经费占基本支出的 {q_share}%。"
        f.update(personnel_share=p_share, public_share=q_share)
    if violation == "shares_sum_to_100" and "personnel_share" not in f:
        f.update(personnel_share=p_share, public_share=q_share)
    rate_p = f"年末结余和结转 {money(_amount(rng, 0, 50))} 万元，预算执行率为 {rate}%。" if state_rate else ""
    if state_rate:
        f["execution_rate"] = rate
        f["carryover_end"] = Decimal(rate_p.split("年末结余和结转 ")[1].split(" 万元")[0])
    sangong_b, sangong_a = _amount(rng, 2, 20), _amount(rng, 0, 2)
    sangong_p = f"{year}年初预算安排“三公”经费{money(sangong_b)}万元，本年度“三公”经费支出共计{money(sangong_a)}万元。"
    f.update(sangong_budget=sangong_b, sangong_actual=sangong_a)
    money_blocks: list[Block] = [
        ("h", "二、部门收支预决算情况"),
        ("p", budget_p),
        ("p", income_p),
        ("p", exp_p),
    ]
    if rate_p:
        money_blocks.append(("p", rate_p))
    money_blocks.append(("p", sangong_p))

    # ---- project table
    if rng.random() < 0.3 or violation == "project_lines_sum_to_project_expenditure":
        n = rng.randint(2, 8)
        cuts = sorted(_amount(rng, 0, float(project)) for _ in range(n - 1))
        amounts = [b - a for a, b in zip([Decimal(0), *cuts], [*cuts, project], strict=True)]
        if violation == "project_lines_sum_to_project_expenditure":
            amounts[0] += Decimal("25.00")
        rows = [["序号", "项目名称", "项目内容", "分配资金", "绩效目标", "综合得分"]]
        for k, amount in enumerate(amounts, 1):
            name = rng.choice(PROJECT_NAMES)
            pscore = str(rng.randint(80, 100))
            rows.append([str(k), name, "", money(amount), "", pscore])
            r.project_lines.append({"seq": k, "name": name, "amount": money(amount), "score": pscore})
        money_blocks += [("p", "项目资金支出明细及自评得分表"), ("table", rows)]
    sections.append(money_blocks)

    # ---- activities with distractor numbers that are not money
    filler = [("p", rng.choice(FILLER).format(n=rng.randint(2, 90))) for _ in range(rng.randint(6, 14))]
    filler.insert(
        rng.randint(0, len(filler)),
        (
            "p",
            f"发挥科普公众号引领作用，“{short_name}科协”公众号关注量 {rng.randint(1, 9)}.{rng.randint(10, 99)} 万，"
            f"科普中国信息员注册量 {rng.randint(1, 9)}.{rng.randint(10, 99)} 万人，全年惠及群众 7万余人次。",
        ),
    )
    filler.insert(0, ("p", f"开展全国科普日宣传活动，需预算经费{rng.randint(1, 5)}万元。"))
    sections.append([("h", "三、部门整体支出绩效情况"), *filler])

    # ---- evaluation
    eval_p = rng.choice(
        (
            f"按“财政支出绩效评价指标体系”进行综合评价，综合得分{score}分，评价等次为“{grade}”。",
            f"对{year}年度整体支出进行了独立评分，最终评分结果为{score}分，{year}年度部门整体支出绩效自评结果为“{grade}”。",
            f"经自评，综合得分{score}分，综合评价等级为“{ {'优': '优秀', '良': '良好', '中': '中等'}[grade] }”。",
        )
    )
    f.update(score=score, grade=grade)
    sections.append([("h", "四、评价结论和评价等级"), ("p", eval_p)])
    sections.append([("h", "五、存在的问题"), ("p", "预算执行进度不均衡，部分项目经费拨付滞后。")])
    sections.append([("h", "六、改进措施"), ("p", "加强预算执行动态管控，加快资金拨付进度。")])
    f["problems"] = "预算执行进度不均衡,部分项目经费拨付滞后。"
    f["measures"] = "加强预算执行动态管控,加快资金拨付进度。"

    # Section order varies a little: activities sometimes come before the money.
    if rng.random() < 0.3:
        sections[1], sections[2] = sections[2], sections[1]
    for s in sections:
        r.blocks += s

    # ---- signature and date
    style_date = rng.random()
    if style_date < 0.6:
        date_txt, iso = (
            f"{date_year}年{date_month}月{date_day}日",
            f"{date_year}-{date_month:02d}-{date_day:02d}",
        )
    elif style_date < 0.8:
        date_txt, iso = f"{date_year}年{date_month}月", f"{date_year}-{date_month:02d}"
    else:
        date_txt = f"{cn_number(date_year)}年{cn_small(date_month)}月{cn_small(date_day)}日"
        iso = f"{date_year}-{date_month:02d}-{date_day:02d}"
    if style == "abbrev":
        r.blocks += [("p", date_txt)]
    else:
        r.blocks += [("p", written), ("p", date_txt)]
    f["report_date"] = iso
    return r
