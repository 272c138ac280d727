"""The synthetic corpus: reproducible, every format readable, the truth states only what the text states,
and the accounting identities hold unless the truth records the one that is broken."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest

from jixiao.model import ALL_FIELDS, COUNT_FIELDS, MONEY_FIELDS, PERCENT_FIELDS
from jixiao_dev.synth import CHECK_IDS, SynthConfig, generate_corpus, generate_one, load_truth
from tests.synth.conftest import CONFIG

ISO_DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?")


def _flat(text: str) -> str:
    """Text with whitespace and thousands separators gone, full-width forms folded: for 'is it stated'."""
    return "".join(unicodedata.normalize("NFKC", text).split()).replace(",", "")


def _money_forms(value: str) -> list[str]:
    wan = Decimal(value)
    yuan = int(wan * 10000)
    forms = [f"{wan:.2f}万元", f"{yuan}.00元", f"{yuan}元"]
    if wan >= 5000:
        forms.append(format((wan / 10000).normalize(), "f") + "亿元")
    return forms


def _d(truth: dict[str, Any], name: str) -> Decimal:
    return Decimal(str(truth["fields"][name]))


def _has(truth: dict[str, Any], *names: str) -> bool:
    return all(n in truth["fields"] for n in names)


# ---------------------------------------------------------------------------------------------- reproducible


def test_same_config_gives_the_same_bytes_and_truth(tmp_path: Path, corpus: list[Path]) -> None:
    again = generate_corpus(
        tmp_path, SynthConfig(n=30, seed=CONFIG.seed, violation_rate=CONFIG.violation_rate)
    )
    assert [p.name for p in again] == [p.name for p in corpus[:30]]
    for a, b in zip(corpus[:30], again, strict=True):
        # Every format, .docx and .pdf too, is byte-identical (zip and PDF timestamps are pinned).
        assert a.read_bytes() == b.read_bytes(), a.name
        assert (
            a.with_name(a.name + ".truth.json").read_bytes()
            == b.with_name(b.name + ".truth.json").read_bytes()
        )


def test_another_seed_gives_another_corpus(tmp_path: Path, truths: list[dict[str, Any]]) -> None:
    other = [load_truth(p) for p in generate_corpus(tmp_path, SynthConfig(n=10, seed=CONFIG.seed + 1))]
    assert [t["adcode"] for t in other] != [t["adcode"] for t in truths[:10]]


def test_a_report_does_not_depend_on_the_format_mix() -> None:
    txt_only = SynthConfig(n=5, seed=3, formats={"txt": 1.0})
    mixed = SynthConfig(n=5, seed=3)
    assert generate_one(4, txt_only).truth() == generate_one(4, mixed).truth()


def test_progress_is_called_once_per_report(tmp_path: Path) -> None:
    seen: list[int] = []
    generate_corpus(tmp_path, SynthConfig(n=7, seed=2, formats={"txt": 1.0}), progress=seen.append)
    assert seen == [1] * 7


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        generate_corpus(tmp_path, SynthConfig(n=1, formats={"rtf": 1.0}))


# ---------------------------------------------------------------------------------------------- formats


def test_format_mix_and_encodings(corpus: list[Path], truths: list[dict[str, Any]]) -> None:
    suffixes = [p.suffix for p in corpus]
    # Shares hold closely even in a small corpus: 15 % and 5 % of 120 are 18 and 6.
    assert abs(suffixes.count(".docx") - 18) <= 2 and abs(suffixes.count(".pdf") - 6) <= 1
    assert ".md" in suffixes
    encodings = {t["encoding"] for t in truths if t["format"] in ("txt", "md")}
    assert encodings == {"utf-8", "utf-8-sig", "gb18030", "utf-16"}
    assert all(t["encoding"] is None for t in truths if t["format"] in ("docx", "pdf"))
    assert all(t["format"] == p.suffix[1:] for p, t in zip(corpus, truths, strict=True))


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        pytest.param("utf-8-sig", b"\xef\xbb\xbf", id="utf-8-sig"),
        pytest.param("utf-16", (b"\xff\xfe", b"\xfe\xff"), id="utf-16"),
        pytest.param("utf-8", None, id="utf-8"),
        pytest.param("gb18030", None, id="gb18030"),
    ],
)
def test_text_files_decode_with_the_recorded_encoding(
    corpus: list[Path], truths: list[dict[str, Any]], encoding: str, bom: bytes | tuple[bytes, ...] | None
) -> None:
    files = [p for p, t in zip(corpus, truths, strict=True) if t["encoding"] == encoding]
    assert files
    for p in files:
        data = p.read_bytes()
        text = data.decode(encoding)  # strict: a wrong record would raise
        assert load_truth(p)["unit_name_written"] in text
        if bom is not None:
            assert data.startswith(bom)
        else:
            assert not data.startswith(b"\xef\xbb\xbf")


def test_line_endings_and_markdown(texts: dict[Path, str]) -> None:
    assert any("\r\n" in t for t in texts.values())
    assert any("\r\n" not in t for t in texts.values())
    for p, t in texts.items():
        if p.suffix == ".md":
            assert re.search(r"^## .+、", t, re.MULTILINE), p.name


def test_text_reports_are_the_size_of_real_ones(corpus: list[Path], truths: list[dict[str, Any]]) -> None:
    sizes = [
        len(p.read_bytes().decode(t["encoding"]).encode("utf-8"))
        for p, t in zip(corpus, truths, strict=True)
        if t["format"] in ("txt", "md")
    ]
    assert min(sizes) > 8_000 and max(sizes) < 24_000
    assert 10_000 <= sum(sizes) / len(sizes) <= 20_000


def test_docx_opens_with_its_project_table(corpus: list[Path], truths: list[dict[str, Any]]) -> None:
    for p, t in zip(corpus, truths, strict=True):
        if p.suffix != ".docx":
            continue
        document = docx.Document(str(p))
        body = "\n".join(para.text for para in document.paragraphs)
        assert t["unit_name_written"] in body
        if t["project_lines"]:
            (table,) = document.tables
            rows = [[c.text for c in r.cells] for r in table.rows]
            assert rows[0][:2] == ["序号", "项目名称"]
            names = ["".join(r[1].split()) for r in rows[1:]]
            assert names == [line["name"] for line in t["project_lines"]]
        else:
            assert not document.tables


def test_pdf_opens_and_holds_the_unit_name(corpus: list[Path], truths: list[dict[str, Any]]) -> None:
    pdfs = [(p, t) for p, t in zip(corpus, truths, strict=True) if p.suffix == ".pdf"]
    assert pdfs
    for p, t in pdfs:
        with pdfplumber.open(p) as pdf:
            pages = len(pdf.pages)
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        assert pages >= 2
        flat = _flat(text)
        assert _flat(t["unit_name_written"]) in flat
        # Long paragraphs wrap at the page width: hard line breaks the reader must re-join.
        lines = [line for line in text.splitlines() if line.strip()]
        assert sum(len(line.replace(" ", "")) <= 55 for line in lines) > 0.9 * len(lines)
        assert sum(not line.endswith(("。", "；", "：", "”", "%")) for line in lines) > 20
        # Page numbers (- 2 -) may fall inside a paragraph; without them the problems read whole.
        assert _flat(t["fields"]["problems"]) in re.sub(r"-\d+-", "", flat)


# ---------------------------------------------------------------------------------------------- truth


def test_truth_shape(truths: list[dict[str, Any]]) -> None:
    for t in truths:
        f = t["fields"]
        assert set(f) <= set(ALL_FIELDS)
        assert {"unit_name", "title", "fiscal_year"} <= set(f)
        assert f["unit_name"] == t["unit_name_written"]
        assert t["unit_name_canonical"].endswith("科学技术协会") and t["adcode"].isdigit()
        for name in MONEY_FIELDS:
            if name in f:
                assert re.fullmatch(r"-?\d+\.\d{2}", f[name]), (name, f[name])
        for name in PERCENT_FIELDS:
            if name in f:
                assert re.fullmatch(r"-?\d+\.\d{2}", f[name]), (name, f[name])
        for name in (*COUNT_FIELDS, "fiscal_year"):
            if name in f:
                assert isinstance(f[name], int)
        assert 2018 <= f["fiscal_year"] <= 2025
        if "score" in f:
            assert re.fullmatch(r"\d{2,3}(\.\d)?", f["score"])
        if "grade" in f:
            assert f["grade"] in ("优", "良", "中", "差")
        if "report_date" in f:
            assert ISO_DATE.fullmatch(f["report_date"])
        assert set(t["violations"]) <= set(CHECK_IDS) and len(t["violations"]) <= 1


def test_the_text_states_every_truth_field(texts: dict[Path, str]) -> None:
    for p, raw in texts.items():
        t = load_truth(p)
        flat = _flat(raw)
        for name, value in t["fields"].items():
            if name in MONEY_FIELDS:
                assert any(form in flat for form in _money_forms(value)), (p.name, name, value)
            elif name in PERCENT_FIELDS:
                assert f"{value}%" in flat, (p.name, name, value)
            elif name in COUNT_FIELDS:
                assert re.search(rf"(?<!\d){value}[人名]", flat), (p.name, name, value)
            elif name == "score":
                assert f"{value}分" in flat, (p.name, value)
            elif name in ("unit_name", "title", "problems", "measures"):
                assert _flat(value) in flat, (p.name, name)


def test_identities_hold_unless_a_violation_is_recorded(truths: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for t in truths:
        broken = set(t["violations"])
        seen |= broken
        f = t["fields"]
        if _has(t, "personnel_expense", "public_expense", "basic_expenditure"):
            holds = _d(t, "personnel_expense") + _d(t, "public_expense") == _d(t, "basic_expenditure")
            assert holds != ("personnel_plus_public_equals_basic" in broken)
        if _has(t, "basic_expenditure", "project_expenditure", "expenditure_total"):
            holds = _d(t, "basic_expenditure") + _d(t, "project_expenditure") == _d(t, "expenditure_total")
            assert holds != ("basic_plus_project_equals_total" in broken)
        if _has(t, "personnel_share", "public_share"):
            holds = _d(t, "personnel_share") + _d(t, "public_share") == 100
            assert holds != ("shares_sum_to_100" in broken)
        if "execution_rate" in f:
            assert (_d(t, "execution_rate") <= 100) != ("execution_rate_at_most_100" in broken)
            if _has(t, "expenditure_total", "income_total", "carryover_start"):
                ratio = _d(t, "expenditure_total") / (_d(t, "income_total") + _d(t, "carryover_start")) * 100
                assert abs(ratio - _d(t, "execution_rate")) <= Decimal("0.005")
        if "report_date" in f:
            y, m = int(f["report_date"][:4]), int(f["report_date"][5:7])
            in_window = date(f["fiscal_year"], 12, 1) <= date(y, m, 1) <= date(f["fiscal_year"] + 1, 12, 1)
            assert in_window != ("report_date_consistent_with_year" in broken)
        if t["project_lines"]:
            total = sum(Decimal(line["amount"]) for line in t["project_lines"])
            holds = total == _d(t, "project_expenditure")
            assert holds != ("project_lines_sum_to_project_expenditure" in broken)
        for check in broken:
            # A recorded violation is visible: the fields it concerns are stated.
            needs = {
                "execution_rate_at_most_100": ("execution_rate",),
                "shares_sum_to_100": ("personnel_share", "public_share"),
                "personnel_plus_public_equals_basic": (
                    "personnel_expense",
                    "public_expense",
                    "basic_expenditure",
                ),
                "basic_plus_project_equals_total": (
                    "basic_expenditure",
                    "project_expenditure",
                    "expenditure_total",
                ),
                "report_date_consistent_with_year": ("report_date",),
                "project_lines_sum_to_project_expenditure": ("project_expenditure",),
            }[check]
            assert _has(t, *needs), (check, sorted(f))
    assert seen == set(CHECK_IDS)


def test_no_violations_when_the_rate_is_zero(tmp_path: Path) -> None:
    config = SynthConfig(n=40, seed=5, formats={"txt": 1.0}, violation_rate=0.0)
    assert all(not generate_one(i, config).violations for i in range(config.n))


# ---------------------------------------------------------------------------------------------- variety


def test_the_corpus_has_the_seeds_variety(texts: dict[Path, str], truths: list[dict[str, Any]]) -> None:
    joined = "\n".join(texts.values())
    for phrase in (
        "部门总支出",
        "整体支出为",
        "决算数为",
        "占基本支出比例",
        "占基本支出的",
        "预算执行率",
        "综合得分",
        "最终评分结果为",
        "评价等次为“",
        "自评结果为“",
        "综合评价等级为“",
        "实际在职人数",
        "年末实有在职人员",
        "部门（单位）名称：",
        "项目资金支出明细及自评得分表",
        "公众号关注量",
        "万余人次",
        "需预算",
        "〇",
    ):
        assert phrase in joined, phrase
    assert re.search(r"\d{1,3}(,\d{3})+\.00元", joined), "thousands separators"
    assert re.search(r"\d \u4e07\u5143", joined), "spaces around numbers (149.83 万元)"
    assert re.search(r"^[\u4e00-\u9fff]{1,3}科协 ?20\d\d ?年", joined, re.MULTILINE), "县科协 2024 年度…"
    assert any(t["unit_name_written"] != t["unit_name_canonical"] for t in truths), "typos and short forms"
    assert any(len(t["fields"].get("report_date", "")) == 7 for t in truths), "month-only dates"
    levels = {len(t["adcode"]) == 6 and t["adcode"].endswith("0000") for t in truths}
    assert levels == {True, False}, "provinces and counties"


def test_wrapped_project_names_rejoin_in_the_truth(texts: dict[Path, str]) -> None:
    wrapped = 0
    for p, raw in texts.items():
        t = load_truth(p)
        for line in t["project_lines"]:
            if line["name"] not in raw:
                wrapped += 1
                # Wrapped inside the cell (seed 001) or continued on its own line.
                assert _flat(line["name"])[:6] in _flat(raw)
    assert wrapped
