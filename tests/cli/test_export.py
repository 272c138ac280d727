"""`jixiao export`: the .xlsx opened with openpyxl, the CSV's BOM and text dates, the JSON schema, the filters."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jixiao.db.public import PUBLIC_KEYS
from jixiao_cli.main import app
from tests.cli.corpus import LINZE, Corpus, loaded_corpus

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, prefect_api: None) -> Iterator[Corpus]:
    with loaded_corpus("sqlite", tmp_path_factory.mktemp("export"), None) as c:
        yield c


@pytest.fixture(autouse=True)
def _restore_environ() -> Iterator[None]:
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def _export(corpus: Corpus, *args: str) -> object:
    return runner.invoke(app, ["export", *args, *corpus.args()])


def test_xlsx_has_chinese_headers_number_formats_and_an_evidence_sheet(
    corpus: Corpus, tmp_path: Path
) -> None:
    target = tmp_path / "reports.xlsx"
    result = _export(corpus, "--out", str(target))
    assert result.exit_code == 0, result.output
    assert f"wrote {target}: 6 report(s)" in result.output
    wb = load_workbook(target)
    assert wb.sheetnames == ["报告", "证据", "版本", "数据质量"]

    ws = wb["报告"]
    headers = [c.value for c in ws[1]]
    for h in (
        "单位名称",
        "省",
        "市",
        "县",
        "年度",
        "报告日期",
        "预算执行率(%)",
        "支出合计(万元)",
        "来源文件",
        "数据质量",
    ):
        assert h in headers
    col = {h: i for i, h in enumerate(headers)}
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(headers)).column_letter}{ws.max_row}"
    rows = [list(r) for r in ws.iter_rows(min_row=2)]
    assert len(rows) == 6
    shijiazhuang = next(r for r in rows if r[col["单位名称"]].value == "石家庄市科学技术协会")
    spent = shijiazhuang[col["支出合计(万元)"]]
    assert spent.value == pytest.approx(1972.83) and spent.number_format == "#,##0.00####"
    rate = shijiazhuang[col["预算执行率(%)"]]
    assert rate.value == pytest.approx(98.32) and rate.number_format == "0.00"
    date = shijiazhuang[col["报告日期"]]
    assert date.value == "2023-04-17" and date.number_format == "@"  # text, never an Excel date
    assert shijiazhuang[col["省"]].value == "河北省" and shijiazhuang[col["年度"]].value == 2022

    ev = wb["证据"]
    ev_headers = [c.value for c in ev[1]]
    assert ev_headers[:8] == ["报告编号", "单位名称", "年度", "字段", "字段代码", "值", "计量单位", "原文"]
    assert "文件" in ev_headers and "页码" in ev_headers
    evidence = [dict(zip(ev_headers, (c.value for c in r), strict=True)) for r in ev.iter_rows(min_row=2)]
    spent_ev = next(
        e
        for e in evidence
        if e["单位名称"] == "石家庄市科学技术协会" and e["字段代码"] == "expenditure_total"
    )
    assert spent_ev["值"] == "1972.83" and "1972.83" in spent_ev["原文"]
    assert spent_ev["字段"] == "支出合计(万元)" and spent_ev["文件"].endswith(".txt")

    versions = [[c.value for c in r] for r in wb["版本"].iter_rows(min_row=2)]
    assert sorted(v[4] for v in versions if v[1] == "临泽县科学技术协会" and v[2] == 2022) == [
        "已替代",
        "当前",
    ]
    dq_rows = [[c.value for c in r] for r in wb["数据质量"].iter_rows(min_row=2)]
    assert any(r[3] == "report_date_consistent_with_year" for r in dq_rows)


@pytest.mark.parametrize(
    ("args", "bom", "date_cell"),
    [
        pytest.param([], True, '="2023-04-17"', id="excel-csv-has-bom-and-text-dates"),
        pytest.param(["--plain"], False, "2023-04-17", id="plain-csv-for-programs"),
    ],
)
def test_csv_starts_with_a_bom_for_excel(
    corpus: Corpus, tmp_path: Path, args: list[str], bom: bool, date_cell: str
) -> None:
    target = tmp_path / "reports.csv"
    result = _export(corpus, "--format", "csv", "--out", str(target), *args)
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") is bom
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 6
    row = next(r for r in rows if r["单位名称"] == "石家庄市科学技术协会")
    assert row["报告日期"] == date_cell and row["支出合计(万元)"] == "1972.83"


def test_json_is_the_public_schema(corpus: Corpus) -> None:
    result = _export(corpus, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert all(list(r) == PUBLIC_KEYS for r in rows)
    assert {r["is_current"] for r in rows} == {True}


@pytest.mark.parametrize(
    ("args", "code", "expect"),
    [
        pytest.param(["--unit", "临泽县科协"], 0, {(LINZE, 2021), (LINZE, 2022)}, id="unit-abbreviation"),
        pytest.param(["--year", "2022"], 0, {("130100", 2022), (LINZE, 2022)}, id="year"),
        pytest.param(
            ["--province", "河北"], 0, {("130121", 2025), ("130100", 2022), ("131024", 2019)}, id="province"
        ),
        pytest.param(["--dq", "failed"], 0, {(LINZE, 2021), (LINZE, 2022)}, id="dq-failed"),
        pytest.param(
            ["--status", "needs-review"], 1, "no report matches --status needs-review", id="status-empty"
        ),
        pytest.param(
            ["--type", "科学技术协会"],
            0,
            {
                ("130121", 2025),
                ("130100", 2022),
                ("131024", 2019),
                (LINZE, 2021),
                (LINZE, 2022),
                ("431129", 2024),
            },
            id="type-full-name-resolved",
        ),
        pytest.param(["--type", "妇联"], 1, "no report matches --type 妇联", id="type-with-no-report"),
        pytest.param(["--type", "不存在的部门"], 2, "unknown department type", id="type-unknown"),
        pytest.param(["--unit", "渔阳科协"], 1, "jixiao units search 渔阳科协", id="unit-unknown"),
    ],
)
def test_filters(corpus: Corpus, args: list[str], code: int, expect: object) -> None:
    result = _export(corpus, "--format", "json", *args)
    assert result.exit_code == code, result.output
    if code == 0:
        assert {(r["adcode"], r["fiscal_year"]) for r in json.loads(result.stdout)} == expect
    else:
        assert str(expect) in result.output


def test_xlsx_refuses_a_wrong_extension_and_writes_nothing(corpus: Corpus, tmp_path: Path) -> None:
    result = _export(corpus, "--out", str(tmp_path / "reports.csv"))
    assert result.exit_code == 2 and "does not end in .xlsx" in result.output
    assert list(tmp_path.iterdir()) == []
