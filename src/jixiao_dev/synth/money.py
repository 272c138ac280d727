"""The money section of a synthetic report: budget, income, expenditure in one of several shapes, 三公
经费 and the project table — every amount stated once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from jixiao import checks
from jixiao_dev.synth import pools
from jixiao_dev.synth.composer import Composer
from jixiao_dev.synth.figures import CENT, draw_amount, percent_of, wan
from jixiao_dev.synth.report import Block


@dataclass
class _Say:
    """What the money section states (violations force the fields they concern), and how."""

    split: bool
    project: bool
    total: bool
    rate: bool
    shares: bool
    rate_txt: str = ""
    carry_end: bool = False
    shares_written: bool = False


def money_section(c: Composer, style: str) -> list[Block]:
    rng, f = c.rng, c.f
    out: list[Block] = []
    if c.chance(0.5):
        out.append(c.p(rng.choice(pools.BUDGET_MGMT)))
    split = "personnel" in c.need or c.chance(0.85)
    project = "project" in c.need or c.chance(0.9)
    total = "total" in c.need or c.chance(0.9)
    rate = "rate" in c.need or (c.chance(0.6) and f.rate <= 100)
    shares = c.violation == checks.SHARES_SUM_TO_100.id or (
        c.violation != checks.PERSONNEL_PLUS_PUBLIC_EQUALS_BASIC.id and c.chance(0.5)
    )
    say = _Say(split, project, total, rate, shares and split)
    out += _budget(c)
    out += _income(c)
    out += _expenditure(c, style, say)
    out += _sangong(c)
    out += _projects(c)
    return out


def _budget(c: Composer) -> list[Block]:
    rng, f, y = c.rng, c.f, c.y
    out: list[Block] = []
    b = rng.randrange(4)
    if b == 0:
        out.append(
            c.p(
                f"{y}年度科协部门年初预算收入{c.money(f.budget_initial)}，其中：一般公共预算收入{wan(f.budget_initial)}万元，"
                "基金预算收入0万元，财政专户核拨收入0万元，其他来源收入0万元。"
            )
        )
        c.state("budget_initial", f.budget_initial)
    elif b == 1:
        parts = f.budget_initial * Decimal("0.6")
        out.append(
            c.p(
                f"我单位{y}年整体预算为{c.money(f.budget_initial)}，其中财政拨款{wan(f.budget_initial)}万元，占总预算的100%。"
                f"整体预算中，人员经费预算{wan(parts.quantize(CENT))}万元，一般公用经费预算"
                f"{wan((parts / 8).quantize(CENT))}万元，项目经费预算{wan((f.budget_initial - parts - (parts / 8).quantize(CENT)).quantize(CENT))}万元。"
            )
        )
        c.state("budget_initial", f.budget_initial)
    elif b == 2:
        out.append(
            c.p(
                f"{y}年部门年初预算{c.money(f.budget_initial)}，年中追加调整后，全年调整后预算数为{c.money(f.budget_adjusted)}。"
            )
        )
        c.state("budget_initial", f.budget_initial)
        c.state("budget_adjusted", f.budget_adjusted)
    return out


def _income(c: Composer) -> list[Block]:
    rng, f, y = c.rng, c.f, c.y
    out: list[Block] = []
    income = rng.randrange(3)
    if income == 0:
        other = (f.income * Decimal(rng.uniform(0, 0.1))).quantize(CENT)
        out.append(
            c.p(
                f"{y}年{c.short_unit}部门总收入{c.money(f.income)}，其中：一般公共预算财政拨款{wan(f.income - other)}万元，"
                f"其他收入{wan(other)}万元；年初结转和结余{c.money(f.carry_start)}。"
            )
        )
    elif income == 1:
        out.append(
            c.p(
                f"我单位{y}年度实际预算收入{c.money(f.income)}，年初结转和结余{c.money(f.carry_start)}，"
                f"其中财政拨款收入{wan(f.income)}万元，预算到位率为100%。"
            )
        )
    else:
        out.append(c.p(f"本年收入合计{c.money(f.income)}，上年结转结余{c.money(f.carry_start)}。"))
    c.state("income_total", f.income)
    c.state("carryover_start", f.carry_start)
    return out


def _expenditure(c: Composer, style: str, say: _Say) -> list[Block]:
    """Expenditure: one of several shapes, keeping every field to a single statement."""
    rng, f = c.rng, c.f
    say.rate_txt = rng.choice(("预算执行率为{r}%", "全年预算执行率{r}%", "部门预算执行率达到{r}%")).format(
        r=f.rate
    )
    say.carry_end = f.carry_end >= 0 and c.chance(0.5)
    shape = style if style in ("dense", "split", "gp", "final") else "dense"
    if shape == "gp" and not (say.split and say.project):
        shape = "split"
    if shape == "final" and (say.split or say.shares):
        shape = "dense"
    out: list[Block] = []
    if shape == "dense" and say.total:
        out += _dense(c, say)
    elif shape == "final":
        out += _final(c, say)
    else:
        out += _total(c, say)
        out += _gp(c, say) if shape == "gp" else _split(c, say)
    return out + _said_apart(c, say)


def _dense(c: Composer, say: _Say) -> list[Block]:
    rng, f, y = c.rng, c.f, c.y
    out: list[Block] = []
    text = f"{y}年部门总支出{c.money(f.total)}，其中基本支出{c.money(f.basic)}"
    c.state("expenditure_total", f.total)
    c.state("basic_expenditure", f.basic)
    if say.split:
        pub_word = rng.choice(("日常公用经费", "公用经费"))
        text += f"，包括人员经费{c.money(f.personnel)}和{pub_word}{c.money(f.public)}"
        c.state("personnel_expense", f.personnel)
        c.state("public_expense", f.public)
    if say.project:
        text += f"；项目支出{c.money(f.project)}"
        c.state("project_expenditure", f.project)
    text += "。"
    if say.rate:
        text += say.rate_txt + "。"
        c.state("execution_rate", f.rate)
    out.append(c.p(text))
    return out


def _final(c: Composer, say: _Say) -> list[Block]:
    f, y = c.f, c.y
    out: list[Block] = []
    text = (
        f"{y}年度支出年初预算数为{wan(f.budget_initial)}万元，决算数为{c.money(f.total)}，"
        f"其中基本支出{c.money(f.basic)}"
    )
    c.state("expenditure_total", f.total)
    c.state("basic_expenditure", f.basic)
    c.state("budget_initial", f.budget_initial)
    if say.project:
        text += f"，项目支出{c.money(f.project)}"
        c.state("project_expenditure", f.project)
    out.append(c.p(text + "。"))
    return out


def _total(c: Composer, say: _Say) -> list[Block]:
    f, y = c.f, c.y
    out: list[Block] = []
    if say.total:
        text = f"我单位{y}年整体支出为{c.money(f.total)}"
        c.state("expenditure_total", f.total)
        if say.carry_end:
            text += f"，年末结余和结转{wan(f.carry_end)}万元"
            c.state("carryover_end", f.carry_end)
        if say.rate:
            text += "，" + say.rate_txt
            c.state("execution_rate", f.rate)
        out.append(c.p(text + "。"))
    return out


def _gp(c: Composer, say: _Say) -> list[Block]:
    rng, f, y = c.rng, c.f, c.y
    out: list[Block] = []
    basic_budget = (f.basic * Decimal(rng.uniform(1.0, 1.05))).quantize(CENT)
    done = percent_of(f.basic, basic_budget)
    text = (
        f"{y}年基本支出预算安排(含上年结转){wan(basic_budget)}万元，实际支出{c.money(f.basic)}，"
        f"完成预算安排的{done.normalize():f}%。人员经费支出{c.money(f.personnel)}"
    )
    if say.shares:
        text += f"，占基本支出的{f.p_share}%;日常公用经费支出{c.money(f.public)}，占基本支出的{f.g_share}%。"
        say.shares_written = True
    else:
        text += f"；日常公用经费支出{c.money(f.public)}。"
    c.state("basic_expenditure", f.basic)
    c.state("personnel_expense", f.personnel)
    c.state("public_expense", f.public)
    out.append(c.p(text))
    text = f"{y}年项目支出预算安排(含上年结转){wan(f.project)}万元，实际支出{c.money(f.project)}，完成预算安排的100%。"
    c.state("project_expenditure", f.project)
    out.append(c.p(text))
    return out


def _split(c: Composer, say: _Say) -> list[Block]:
    rng, f, y = c.rng, c.f, c.y
    out: list[Block] = []
    if say.split:
        pub_word = rng.choice(("一般公用经费支出", "日常公用经费支出", "公用经费"))
        text = f"{y}年度本单位基本支出{c.money(f.basic)}，其中人员经费{c.money(f.personnel)}"
        if say.shares:
            word = rng.choice(("占基本支出比例", "占基本支出的"))
            text += f"，{word}{f.p_share}%，{pub_word}{c.money(f.public)}，{word}{f.g_share}%。"
            say.shares_written = True
        else:
            text += f"，{pub_word}{c.money(f.public)}。"
        c.state("basic_expenditure", f.basic)
        c.state("personnel_expense", f.personnel)
        c.state("public_expense", f.public)
        out.append(c.p(text))
    elif "basic_expenditure" not in c.fields and c.chance(0.7):
        out.append(c.p(f"其中基本支出{c.money(f.basic)}，主要用于人员工资和机构正常运转。"))
        c.state("basic_expenditure", f.basic)
    if say.project:
        out.append(c.p(f"我单位{y}年度项目经费支出{c.money(f.project)}，包含若干项目。"))
        c.state("project_expenditure", f.project)
    return out


def _said_apart(c: Composer, say: _Say) -> list[Block]:
    """Shares, rate and carry-over not yet said in the shape's sentences."""
    f = c.f
    out: list[Block] = []
    if say.shares and not say.shares_written and "personnel_expense" in c.fields:
        # Shares said on their own (the dense shape has no room for them in its sentence).
        out.append(c.p(f"人员经费占基本支出的{f.p_share}%，日常公用经费占基本支出的{f.g_share}%。"))
        say.shares_written = True
    if say.shares_written:
        c.state("personnel_share", f.p_share)
        c.state("public_share", f.g_share)
    if say.rate and "execution_rate" not in c.fields:
        out.append(c.p(f"全年预算执行情况良好，{say.rate_txt}。"))
        c.state("execution_rate", f.rate)
    if say.carry_end and "carryover_end" not in c.fields:
        out.append(c.p(f"年末结转和结余{c.money(f.carry_end)}。"))
        c.state("carryover_end", f.carry_end)
    return out


def _sangong(c: Composer) -> list[Block]:
    rng, f, y = c.rng, c.f, c.y
    out: list[Block] = []
    # 三公 经费.
    if c.chance(0.7):
        sb, sa = f.sangong_budget, f.sangong_actual
        kind = rng.randrange(3)
        if kind == 0:
            out.append(
                c.p(
                    f"{y}年初预算安排“三公”经费{wan(sb)}万元，本年度“三公”经费支出共计{wan(sa)}万元，"
                    f"较年初预算减少{wan(sb - sa)}万元，降低{percent_of(sb - sa, sb)}%。"
                )
            )
            c.state("sangong_budget", sb)
            c.state("sangong_actual", sa)
        elif kind == 1:
            out.append(c.p(f"“三公”经费预算{wan(sb)}万元，实际支出{wan(sa)}万元。"))
            c.state("sangong_budget", sb)
            c.state("sangong_actual", sa)
        else:
            car = (sa * Decimal("0.6")).quantize(CENT)
            out.append(
                c.p(
                    f"全年“三公”经费支出{wan(sa)}万元，其中公务接待费{wan(sa - car)}万元，公务用车运行维护费{wan(car)}万元。"
                )
            )
            c.state("sangong_actual", sa)
    return out


def _projects(c: Composer) -> list[Block]:
    out: list[Block] = []
    # The project table.
    if c.violation == checks.PROJECT_LINES_SUM_TO_PROJECT_EXPENDITURE.id or (
        "project_expenditure" in c.fields and c.chance(0.35)
    ):
        out.extend(project_table(c))
    elif c.chance(0.3):
        out.append(c.p("项目经费预算执行率为100%。"))
    return out


def project_table(c: Composer) -> list[Block]:
    rng, f = c.rng, c.f
    n = rng.randint(2, 12)
    weights = [rng.uniform(0.2, 1.0) for _ in range(n)]
    scale = f.project / Decimal(sum(weights))
    amounts = [(scale * Decimal(w)).quantize(CENT, rounding=ROUND_DOWN) for w in weights[:-1]]
    amounts.append(f.project - sum(amounts, Decimal(0)))
    if c.violation == checks.PROJECT_LINES_SUM_TO_PROJECT_EXPENDITURE.id:
        i = rng.randrange(n)
        amounts[i] += draw_amount(rng, 0.5, 20)
    names = rng.sample(pools.PROJECT_NAMES, min(n, len(pools.PROJECT_NAMES)))
    while len(names) < n:
        names.append(f"{rng.choice(pools.PROJECT_NAMES)}（{len(names)}）")
    in_yuan = c.chance(0.1)
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
            name = f"{c.y}年{name}"
        score = str(rng.randint(80, 100)) if rng.random() < 0.8 else f"{rng.randint(80, 99)}.5"
        if in_yuan:
            amount_txt = f"{amount * 10000:.2f}"
        elif amount == amount.to_integral_value() and rng.random() < 0.5:
            amount_txt = str(int(amount))
        else:
            amount_txt = wan(amount)
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
        c.project_lines.append({"seq": seq, "name": name, "amount": wan(amount), "score": score})
    lead = c.p(
        f"项目支出包含{n}个项目，其中：重点项目{names[0]}，支出{wan(amounts[0])}万元。"
        "具体支出情况见《项目资金支出明细及自评得分表》。"
    )
    return [lead, Block("p", "项目资金支出明细及自评得分表"), Block("table", rows=tuple(rows))]
