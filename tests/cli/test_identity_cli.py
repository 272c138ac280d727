"""Department types through the command line: `reports --type`, the export's department_type, and the
review queue saying where a name was read and why it was not accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jixiao_cli.main import app
from tests.support import seed

runner = CliRunner()

BODY = (
    "一、部门基本情况\n本单位年末实有在职人员12人。\n二、部门整体支出情况\n"
    "2022年部门总支出318.40万元，其中基本支出208.40万元，项目支出110.00万元。\n"
)


@pytest.mark.usefixtures("prefect_api")
def test_reports_by_type_and_review_says_why(tmp_path: Path) -> None:
    home = tmp_path / "h"
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "fulian.txt").write_text(
        "作者:临湘市人民政府\n2022年度香河县妇女联合会部门(单位)整体支出绩效自评报告\n" + BODY,
        encoding="utf-8",
    )
    # Named nowhere by itself; only a publisher line and the body mention a place.
    (inbox / "nameless.txt").write_text(
        "发布机构:荷塘区人民政府\n2022年度部门整体支出绩效自评报告\n" + BODY + "香河县财政局给予支持。\n",
        encoding="utf-8",
    )
    (inbox / "kexie.txt").write_bytes(seed("002").read_bytes())
    result = runner.invoke(app, ["ingest", str(inbox), "--home", str(home), "--workers", "1"])
    assert result.exit_code == 0, result.output

    out = runner.invoke(app, ["reports", "--home", str(home), "--format", "json", "--type", "妇女联合会"])
    assert out.exit_code == 0, out.output
    (row,) = json.loads(out.output)
    assert (row["unit_name"], row["department_type"], row["adcode"]) == ("香河县妇女联合会", "妇联", "131024")
    kexie = json.loads(
        runner.invoke(app, ["reports", "--home", str(home), "--format", "json", "--type", "科协"]).output
    )
    assert [(r["unit_name"], r["department_type"]) for r in kexie] == [("香河县科学技术协会", "科协")]
    bad = runner.invoke(app, ["reports", "--home", str(home), "--type", "人民医院"])
    assert bad.exit_code == 2 and "unknown department type" in bad.output

    queue = json.loads(runner.invoke(app, ["review", "--home", str(home), "--format", "json"]).output)
    (item,) = queue
    assert item["reason"] and "no department" in item["reason"]
    assert all(c["department_type"] is None and c["province"] == "河北省" for c in item["candidates"])
    table = runner.invoke(app, ["review", "--home", str(home)])
    assert table.exit_code == 0 and "inferred" in table.output

    # A place with no department cannot be accepted without saying which body it is.
    no_type = runner.invoke(app, ["review", "--home", str(home), "accept", str(item["id"]), "131024"])
    assert no_type.exit_code == 1 and "--type" in no_type.output
    accepted = runner.invoke(
        app, ["review", "--home", str(home), "accept", str(item["id"]), "131024", "--type", "档案馆"]
    )
    assert accepted.exit_code == 0, accepted.output
    out = runner.invoke(app, ["reports", "--home", str(home), "--format", "json", "--type", "档案馆"])
    assert [(r["unit_name"], r["department_type"]) for r in json.loads(out.output)] == [
        ("香河县档案馆", "档案馆")
    ]
