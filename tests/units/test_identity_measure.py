"""The unit-identity measurement (`jixiao accuracy --units`): each text parsed and matched as the ingest does,
the matched unit judged against the truth's. Texts and truths here are written for the test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.units.departments import load_departments
from jixiao.units.match import Matcher
from jixiao_dev.identity import counts, format_rows, measure_units, resolve_truth

BODY = "一、部门基本情况\n2023年度预算收入120.50万元,支出118.20万元,预算执行率98.09%。\n自评得分95分。\n"


def _write(folder: Path, name: str, text: str, unit: str | None, kind: str = "部门整体报告") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    truth = {"doc_kind": kind, "fields": {"unit_name": unit}, "unit_name_written": unit or ""}
    (folder / f"{name}.truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return path


def test_each_outcome_is_told_apart(tmp_path: Path) -> None:
    title = "2023年度部门整体支出绩效自评报告\n"
    paths = [
        _write(tmp_path, "right.txt", "香河县科学技术协会" + title + BODY, "河北省廊坊市香河县科学技术协会"),
        _write(tmp_path, "wrong.txt", "香河县科学技术协会" + title + BODY, "大厂回族自治县科学技术协会"),
        _write(tmp_path, "review.txt", "县科协" + title + BODY, "香河县科学技术协会"),
        _write(tmp_path, "town.txt", "蒋辛屯镇人民政府" + title + BODY, "蒋辛屯镇人民政府"),
        _write(tmp_path, "blank.txt", "部门整体支出绩效自评表\n" + BODY, None, "部门整体自评表"),
        _write(
            tmp_path,
            "project.txt",
            "香河县科学技术协会科普项目支出绩效自评报告\n" + BODY,
            "香河县科学技术协会",
            "项目报告",
        ),
    ]
    (tmp_path / "units.toml").write_text(
        '["town.txt"]\nwhy = "a town government, below the county"\n'
        '["blank.txt"]\nwhy = "no unit: the form is blank"\n',
        encoding="utf-8",
    )
    rows = {r.file: r for r in measure_units(paths, tmp_path)}
    assert {k: r.outcome for k, r in rows.items()} == {
        "right": "right",
        "wrong": "wrong",
        "review": "review",
        "town": "not_in_registry",
        "blank": "no_unit",
        "project": "quarantined",
    }
    assert rows["right"].got.startswith("香河县科学技术协会 (河北省/廊坊市)")
    assert counts(rows.values())["right"] == 1
    assert "department-level (5): right 1 · wrong 1 · review 1" in format_rows(list(rows.values()))


@pytest.mark.parametrize(
    ("truth", "name", "how"),
    [
        pytest.param(
            "河北省廊坊市香河县科学技术协会", "香河县科学技术协会", "name", id="place-chain-and-type"
        ),
        pytest.param("705-香河县妇女联合会", "香河县妇女联合会", "name", id="budget-code-dropped"),
        pytest.param("香河縣婦女聯(lián)合會", "香河县妇女联合会", "name", id="traditional-with-pinyin-ruby"),
        pytest.param(
            "政协河北省香河县委员会", "中国人民政治协商会议香河县委员会", "name", id="template-around-a-chain"
        ),
        pytest.param("县科学技术协会", "县科学技术协会", "unresolved", id="no-place-is-for-a-person"),
        pytest.param(
            "桥西区妇女联合会", "桥西区妇女联合会", "unresolved", id="several-divisions-of-that-name"
        ),
        pytest.param("香河县妇联会", "香河县妇联会", "unresolved", id="a-typo-is-not-read-in-the-truth"),
    ],
)
def test_the_truth_s_unit_is_read_strictly(matcher: Matcher, truth: str, name: str, how: str) -> None:
    expected = resolve_truth(truth, matcher.index, load_departments())
    assert (expected.name, expected.how) == (name, how)
