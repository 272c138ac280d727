"""Legacy Word (.doc) and WPS (.wps) through antiword: text and tables as a .docx gives them.

``fixtures/synth-5-18.doc`` is report 18 of ``jixiao synth --seed 5`` written as .docx by the generator and
saved as Word 97-2003 by LibreOffice 7.4 (``soffice --headless --convert-to doc``); the values below are
that report's ground truth.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
import xlwt

from jixiao.errors import ReadError
from jixiao.parse.parser import parse_report
from jixiao.read import ReadLimits, read_bytes

DOC = (Path(__file__).parent / "fixtures" / "synth-5-18.doc").read_bytes()


@pytest.mark.parametrize("name", [pytest.param("r.doc", id="doc"), pytest.param("r.wps", id="wps")])
def test_a_word97_report_reads_to_the_same_fields_as_its_docx(name: str) -> None:
    doc = read_bytes(DOC, name)
    assert doc.format == name[-3:]
    parsed = parse_report(doc.text, None, doc.tables)
    facts = {k: str(getattr(v, "value", v)) for k, v in parsed.facts.items()}
    assert facts["unit_name"] == "榕城区科学技术协协会"  # the generator's deliberate typo, kept as written
    assert facts["fiscal_year"] == "2025"
    assert facts["income_total"] == "754.01"
    assert facts["execution_rate"] == "92.20"
    assert facts["score"] == "95"
    # The table comes as rows of cells (the .docx shape), a wrapped cell joined with spaces.
    (table,) = doc.tables
    assert table[0] == ("序号", "项目名称", "项目内容", "分配资金（万元）", "绩效目标", "综合得分")
    assert table[1] == ("1", "2025年学术活 动、专家建议、专 家联谊经费", "", "57.39", "", "87.5")
    assert len(table) == 12
    lines = parsed.project_lines
    assert len(lines) == 11
    assert (lines[0].name, str(lines[0].amount), str(lines[0].score)) == (
        "2025年学术活动、专家建议、专家联谊经费",
        "57.39",
        "87.5",
    )


def _xls() -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("表").write(0, 0, "香河县科学技术协会")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _encrypted_doc() -> bytes:
    data = bytearray(DOC)
    fib = DOC.index(b"\xec\xa5")  # wIdent, the start of the WordDocument stream's FIB
    data[fib + 11] |= 0x01  # fEncrypted (bit 8 of the flags at offset 10)
    return bytes(data)


def _docx(make_docx: Callable[..., Path]) -> bytes:
    return make_docx(["香河县科学技术协会2024年度部门整体支出绩效自评报告"]).read_bytes()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        pytest.param(lambda _: _encrypted_doc(), r"refused \.doc: it is encrypted", id="encrypted"),
        pytest.param(
            lambda _: DOC[:5000],
            r"corrupt \.doc: (damaged OLE compound file|the WordDocument)",
            id="truncated",
        ),
        pytest.param(
            lambda _: _xls(), r"corrupt \.doc: no WordDocument stream", id="a-spreadsheet-named-doc"
        ),
        pytest.param(_docx, r"corrupt \.doc: it is a zip .*rename it to \.docx", id="a-docx-named-doc"),
        pytest.param(
            lambda _: "香河县科学技术协会".encode() * 50,
            r"corrupt \.doc: not a Word 97-2003",
            id="text-named-doc",
        ),
    ],
)
def test_what_antiword_cannot_read_is_refused_with_a_reason(
    make: Callable[[Callable[..., Path]], bytes], reason: str, make_docx: Callable[..., Path]
) -> None:
    with pytest.raises(ReadError, match=reason):
        read_bytes(make(make_docx), "r.doc")


def test_a_missing_antiword_is_a_refusal_that_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert read_bytes(DOC, "r.doc").tables  # installed: read
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no antiword on the PATH
    with pytest.raises(ReadError, match=r"the antiword program is not installed; install it with `apt-get"):
        read_bytes(DOC, "r.doc")


def test_the_time_budget_bounds_the_conversion() -> None:
    with pytest.raises(ReadError, match=r"took longer than the 0 s budget"):
        read_bytes(DOC, "r.doc", ReadLimits(timeout_s=0.0))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(DOC, None, id="a-wps-file-is-read"),
        pytest.param(_encrypted_doc(), r"refused \.wps: it is encrypted", id="encrypted-wps"),
        pytest.param(
            DOC[:5000], r"corrupt \.wps: (damaged OLE compound file|the WordDocument)", id="truncated-wps"
        ),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), r"corrupt \.wps", id="ole-header-only-wps"
        ),
    ],
)
def test_a_wps_file_is_refused_under_its_own_name(data: bytes, reason: str | None) -> None:
    if reason is None:
        assert read_bytes(data, "r.wps").format == "wps"
        return
    with pytest.raises(ReadError, match=reason):
        read_bytes(data, "r.wps")
