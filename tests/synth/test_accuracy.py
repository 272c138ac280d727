"""Field accuracy against ground truth, on hand-made truth and extraction dicts (no parser involved)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from jixiao.model import Evidence, Fact
from jixiao_dev.synth.accuracy import AccuracyReport, evaluate, extracted


def _truth(**fields: Any) -> dict[str, Any]:
    return {"fields": fields, "unit_name_written": fields.get("unit_name", "香河县科学技术协会")}


@pytest.mark.parametrize(
    ("truth", "got", "expected"),
    [
        pytest.param({"score": "97.5"}, {"score": Decimal("97.50")}, (1, 0, 0), id="decimal-equality"),
        pytest.param({"score": "97.5"}, {"score": "97.5"}, (1, 0, 0), id="string-number"),
        pytest.param({"score": "97.5"}, {"score": Decimal("95")}, (0, 1, 0), id="wrong-number"),
        pytest.param({"staff_quota": 7}, {"staff_quota": 7}, (1, 0, 0), id="count-int"),
        pytest.param({"staff_quota": 7}, {"staff_quota": "7"}, (1, 0, 0), id="count-as-text"),
        pytest.param(
            {"expenditure_total": "327.38"}, {"expenditure_total": "abc"}, (0, 1, 0), id="not-a-number"
        ),
        pytest.param(
            {"unit_name": "黃岡市檔案館"},
            {"unit_name": "黄冈市档案馆"},
            (1, 0, 0),
            id="traditional-equals-simplified",
        ),
        pytest.param(
            {"unit_name": "黃岡市檔案館"},
            {"unit_name": "黄冈市图书馆"},
            (0, 1, 0),
            id="traditional-other-name",
        ),
        pytest.param({"grade": "优"}, {}, (0, 0, 1), id="missing"),
        pytest.param({"grade": "优"}, {"grade": None}, (0, 0, 1), id="none-is-missing"),
        pytest.param({"grade": "优"}, {"grade": "良"}, (0, 1, 0), id="wrong-text"),
        pytest.param(
            {"title": "部门（单位）整体绩效自评报告"},
            {"title": "部门(单位)整体绩效自评报告"},
            (1, 0, 0),
            id="text-after-nfkc",
        ),
        pytest.param(
            {"problems": "预算执行进度不均衡，\n部分项目经费拨付滞后。"},
            {"problems": "预算执行进度不均衡,部分项目经费拨付滞后。"},
            (1, 0, 0),
            id="text-whitespace-and-full-width",
        ),
        pytest.param(
            {"unit_name": "香河县科协技术协会"},
            {"unit_name": "香河县科学技术协会"},
            (0, 1, 0),
            id="written-name",
        ),
        pytest.param(
            {"report_date": "2020-11"}, {"report_date": "2020-11-01"}, (0, 1, 0), id="month-only-date"
        ),
    ],
)
def test_one_field(truth: dict[str, Any], got: dict[str, Any], expected: tuple[int, int, int]) -> None:
    report = evaluate([({"fields": truth}, got)])
    (row,) = report.fields
    assert (row.correct, row.wrong, row.missing) == expected
    assert report.total == 1 and report.reports == 1


def test_spurious_counts_numeric_fields_only() -> None:
    report = evaluate(
        [({"fields": {"score": "98"}}, {"score": "98", "execution_rate": Decimal("100"), "problems": "无"})]
    )
    rows = report.by_field
    assert rows["execution_rate"].spurious == 1 and rows["execution_rate"].total == 0
    assert "problems" not in rows
    assert report.overall == 1.0 and report.spurious == 1


def test_unit_name_falls_back_to_the_written_name() -> None:
    truth = {"fields": {}, "unit_name_written": "香河县科协技术协会"}
    report = evaluate([(truth, {"unit_name": "香河县科协技术协会"})])
    assert report.by_field["unit_name"].correct == 1


def test_facts_are_accepted_as_extracted_values() -> None:
    fact = Fact("expenditure_total", Decimal("327.38"), "万元", Evidence(0, 6, "327.38"))
    report = evaluate([(_truth(expenditure_total="327.38"), {"expenditure_total": fact})])
    assert report.by_field["expenditure_total"].correct == 1


def test_overall_and_table_over_several_reports() -> None:
    pairs = [
        (
            _truth(unit_name="井陉县科学技术协会", fiscal_year=2025, expenditure_total="327.38", grade="优"),
            {"unit_name": "井陉县科学技术协会", "fiscal_year": 2025, "expenditure_total": Decimal("327.38")},
        ),
        (
            _truth(unit_name="县科协", fiscal_year=2024, personnel_share="61.99"),
            {"unit_name": "县科协", "fiscal_year": 2023, "personnel_share": Decimal("61.99")},
        ),
    ]
    report = evaluate(pairs, keep_examples=5)
    assert isinstance(report, AccuracyReport)
    assert (report.correct, report.wrong, report.missing, report.total) == (5, 1, 1, 7)
    assert report.overall == pytest.approx(5 / 7)
    assert [f.field for f in report.fields] == [
        "unit_name",
        "grade",
        "fiscal_year",
        "expenditure_total",
        "personnel_share",
    ]
    assert ("1", "fiscal_year", "2024", "2023") in report.examples
    table = report.format_table()
    assert table.splitlines()[0].split() == [
        "field",
        "truth",
        "correct",
        "wrong",
        "missing",
        "spurious",
        "acc",
    ]
    assert "fiscal_year" in table and table.splitlines()[-1].startswith("overall")
    assert "71.43%" in table.splitlines()[-1]
    data = report.as_dict()
    assert data["fields"]["fiscal_year"] == {
        "correct": 1,
        "wrong": 1,
        "missing": 0,
        "spurious": 0,
        "accuracy": 0.5,
    }


def test_report_is_frozen() -> None:
    report = evaluate([])
    assert report.overall == 0.0 and report.fields == ()
    with pytest.raises(AttributeError):
        report.fields = ()  # type: ignore[misc]


LINE = {"seq": 1, "name": "学会能力提升计划（科技人才工作）", "amount": "17.62", "score": "94"}


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        pytest.param(
            [{"seq": 1, "name": "学会能力提升计划(科技人才工作)", "amount": Decimal("17.620"), "score": 94}],
            (1, 0, 0, 0),
            id="line-right-after-nfkc",
        ),
        pytest.param(
            [{"seq": 1, "name": "学会能力提升计划(科技人才工作)", "amount": Decimal("176200"), "score": 94}],
            (0, 1, 0, 0),
            id="amount-in-yuan-is-wrong",
        ),
        pytest.param(
            [
                {
                    "seq": 1,
                    "name": "学会能力提升计划(科技人才工作)(五)部门整体支出绩效目标",
                    "amount": "17.62",
                    "score": 94,
                }
            ],
            (0, 1, 0, 0),
            id="heading-swallowed-into-name-is-wrong",
        ),
        pytest.param([], (0, 0, 1, 0), id="line-missing"),
        pytest.param(
            [
                {"seq": 1, "name": "学会能力提升计划(科技人才工作)", "amount": "17.62", "score": "94"},
                {"seq": 2, "name": "合计", "amount": "17.62", "score": None},
            ],
            (1, 0, 0, 1),
            id="extra-line-is-spurious",
        ),
    ],
)
def test_project_lines_are_scored_line_by_line(
    got: list[dict[str, Any]], expected: tuple[int, int, int, int]
) -> None:
    report = evaluate([({"fields": {}, "project_lines": [LINE]}, {"project_lines": got})])
    row = report.by_field["project_lines"]
    assert (row.correct, row.wrong, row.missing, row.spurious) == expected


def test_extracted_carries_facts_and_project_lines() -> None:
    from jixiao.parse import parse_report

    text = "序号\t项目名称\t分配资金\t自评得分\n1\t科普经费\t8.35\t90\n\n一、部门概况\n部门总支出599.39万元。"
    got = extracted(parse_report(text))
    assert got["expenditure_total"] == Decimal("599.39")
    assert got["project_lines"] == [
        {"seq": 1, "name": "科普经费", "amount": Decimal("8.35"), "score": Decimal("90")}
    ]
    assert extracted(None) == {}


@pytest.mark.parametrize(
    ("got", "precision"),
    [
        pytest.param({"fiscal_year": 2024, "score": Decimal("95")}, 1.0, id="only-right-values-precision-1"),
        pytest.param({"fiscal_year": 2023, "score": Decimal("95")}, 0.5, id="a-wrong-value-lowers-precision"),
        pytest.param(
            {"fiscal_year": 2024, "score": Decimal("95"), "execution_rate": Decimal("99")},
            2 / 3,
            id="a-spurious-value-lowers-precision",
        ),
        pytest.param({}, 1.0, id="nothing-extracted-is-not-imprecise"),
    ],
)
def test_precision_counts_wrong_and_spurious_values(got: dict[str, Any], precision: float) -> None:
    report = evaluate([(_truth(fiscal_year=2024, score="95"), got)])
    assert report.precision == pytest.approx(precision)
    assert report.as_dict()["precision"] == pytest.approx(precision)


def test_cli_reads_texts_from_a_folder_apart_from_the_truth(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from jixiao_cli.main import app

    truth_dir, texts = tmp_path / "truth", tmp_path / "texts"
    truth_dir.mkdir()
    texts.mkdir()
    truth = _truth(unit_name="香河县科学技术协会", fiscal_year=2019, score="92.5")
    (truth_dir / "r1.txt.truth.json").write_text(json.dumps(truth, ensure_ascii=False), "utf-8")
    runner = CliRunner()

    absent = runner.invoke(app, ["accuracy", str(truth_dir), "--texts", str(texts)])
    assert absent.exit_code == 2
    assert "1 of 1 texts are not in" in " ".join(absent.output.split())

    (texts / "r1.txt").write_text(
        "香河县科学技术协会2019年度部门整体支出绩效自评报告\n自评得分92.5分。\n", "utf-8"
    )
    ok = runner.invoke(app, ["accuracy", str(truth_dir), "--texts", str(texts), "--format", "json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.output)
    assert data["reports"] == 1 and data["total"] == 3
    assert data["correct"] == 3 and data["precision"] == 1.0
