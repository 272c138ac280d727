"""The figures of a synthetic report: amounts that satisfy the accounting identities, or break one on purpose."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from jixiao import checks
from jixiao.units.registry import Unit

CENT = Decimal("0.01")
YI_FROM = Decimal(5000)  # 万元: from 0.5亿元 up, a report may say 亿元
HUNDRED = Decimal(100)
CN_DIGITS = "〇一二三四五六七八九"
CN_ORDINALS = "一二三四五六七八九十"


def cn_year(n: int) -> str:
    return "".join(CN_DIGITS[int(c)] for c in str(n))


def cn_small(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def draw_amount(rng: random.Random, lo: float, hi: float) -> Decimal:
    return (Decimal(rng.randint(round(lo * 100), round(hi * 100))) / 100).quantize(CENT)


def percent_of(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def wan(x: Decimal) -> str:
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


def _spending(rng: random.Random, k: float, violation: str | None) -> dict[str, Decimal]:
    """Expenditure, its split and the money to spend, with an identity broken when ``violation`` says so."""
    personnel = draw_amount(rng, 40 * k, 600 * k)
    public = draw_amount(rng, 5 * k, 130 * k)
    basic = personnel + public
    project = draw_amount(rng, 3 * k, 450 * k)
    total = basic + project
    p_share = percent_of(personnel, basic)
    g_share = HUNDRED - p_share
    if violation == checks.PERSONNEL_PLUS_PUBLIC_EQUALS_BASIC.id:
        personnel += draw_amount(rng, 1, 30) * rng.choice((1, -1))
    elif violation == checks.BASIC_PLUS_PROJECT_EQUALS_TOTAL.id:
        total += draw_amount(rng, 1, 40) * rng.choice((1, -1))
    elif violation == checks.SHARES_SUM_TO_100.id:
        g_share += draw_amount(rng, 0.5, 3) * rng.choice((1, -1))
    if violation == checks.EXECUTION_RATE_AT_MOST_100.id:
        income = (total * Decimal(rng.uniform(0.85, 0.95))).quantize(CENT)
        carry_start = (total * Decimal(rng.uniform(0, 0.03))).quantize(CENT)
    else:
        income = (total * Decimal(rng.uniform(0.93, 1.04))).quantize(CENT)
        carry_start = (total * Decimal(rng.uniform(0, 0.12))).quantize(CENT)
        # Money stated as spent must have been there to spend: the rate stays at or under 100.
        carry_start = max(carry_start, total - income)
    return {
        "personnel": personnel,
        "public": public,
        "basic": basic,
        "project": project,
        "total": total,
        "income": income,
        "carry_start": carry_start,
        "carry_end": income + carry_start - total,
        "rate": percent_of(total, income + carry_start),
        "p_share": p_share,
        "g_share": g_share,
    }


def _score(rng: random.Random) -> Decimal:
    # Whole scores mostly (综合得分98分), some with one decimal (97.5分).
    score = Decimal(rng.randint(85, 100)) if rng.random() < 0.6 else Decimal(rng.randint(850, 999)) / 10
    if rng.random() < 0.08:
        score = Decimal(rng.randint(600, 849)) / 10
    if rng.random() < 0.02:
        score = Decimal(rng.randint(50, 59))
    return score


def _date(rng: random.Random, year: int, violation: str | None) -> tuple[int, int, int]:
    r = rng.random()
    if violation == checks.REPORT_DATE_CONSISTENT_WITH_YEAR.id:
        return (year, rng.randint(1, 11), rng.randint(1, 28))
    if r < 0.1:
        return (year, 12, rng.randint(1, 31))
    return (year + 1, rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5, 6, 7, 8, 9, 10, 11, 12)), rng.randint(1, 28))


def make_figures(rng: random.Random, unit: Unit, violation: str | None) -> Figures:
    year = rng.randint(2018, 2025)
    k = {"county": 1.0, "prefecture": 4.0, "province": 25.0}[unit.level]
    spent = _spending(rng, k, violation)
    budget_initial = (spent["total"] * Decimal(rng.uniform(0.78, 1.02))).quantize(CENT)
    budget_adjusted = (budget_initial * Decimal(rng.uniform(1.0, 1.25))).quantize(CENT)
    sangong_budget = draw_amount(rng, 1 * k**0.5, 18 * k**0.5)
    sangong_actual = (sangong_budget * Decimal(rng.uniform(0.2, 1.0))).quantize(CENT)
    assets = draw_amount(rng, 10 * k, 400 * k)
    fixed_net = (assets * Decimal(rng.uniform(0.2, 0.9))).quantize(CENT)
    lo, hi = {"county": (3, 30), "prefecture": (10, 80), "province": (40, 200)}[unit.level]
    quota = rng.randint(lo, hi)
    actual = rng.randint(max(1, quota - 4), quota)
    retired = rng.randint(0, max(3, quota * 2))
    score = _score(rng)
    grade = "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"
    return Figures(
        year=year,
        **spent,
        budget_initial=budget_initial,
        budget_adjusted=budget_adjusted,
        sangong_budget=sangong_budget,
        sangong_actual=sangong_actual,
        assets=assets,
        fixed_net=fixed_net,
        quota=quota,
        actual=actual,
        retired=retired,
        score=score,
        grade=grade,
        date=_date(rng, year, violation),
    )
