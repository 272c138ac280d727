"""The .docx body walk gives what python-docx's own objects give (the reader's reference), on bodies built to
reach every rule it restates: run content, hyperlinks and what python-docx leaves out (insertions, smart tags,
fields, inline content controls), merged cells across and down, rows starting late, nested tables, and the
bodies python-docx refuses, which the reader hands to python-docx for its error message."""

from __future__ import annotations

import io
import zipfile

import pytest

from jixiao.errors import ReadError
from jixiao.read.containers import Deadline
from jixiao.read.document import ReadLimits
from jixiao.read.docx import _read_body_python_docx, read_docx
from jixiao.read.docx_body import read_body

NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def document(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {NS}><w:body>{body}</w:body></w:document>'.encode()


def p(*inner: str) -> str:
    return "<w:p>" + "".join(inner) + "</w:p>"


def run(text: str) -> str:
    return f"<w:r><w:t>{text}</w:t></w:r>"


def tc(content: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>"


def tr(*cells: str, props: str = "") -> str:
    return f"<w:tr><w:trPr>{props}</w:trPr>" + "".join(cells) + "</w:tr>"


def tbl(*rows: str) -> str:
    return "<w:tbl><w:tblPr/><w:tblGrid/>" + "".join(rows) + "</w:tbl>"


SPAN2, DOWN = '<w:gridSpan w:val="2"/>', "<w:vMerge/>"
BODIES = {
    "run-content": p(
        run("甲"),
        '<w:r><w:rPr><w:b/></w:rPr><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t><w:br w:type="page"/>'
        '<w:br w:type="column"/><w:br w:type="textWrapping"/><w:cr/><w:noBreakHyphen/><w:softHyphen/>'
        '<w:ptab w:relativeTo="margin" w:alignment="right" w:leader="none"/><w:delText>删</w:delText>'
        '<w:instrText>PAGE</w:instrText><w:t/><w:t xml:space="preserve">  两端空格  </w:t><w:t>   </w:t></w:r>',
    )
    + p()
    + p('<w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>', run("制表位不是文字")),
    "left-out-by-python-docx": p(
        '<w:hyperlink><w:r><w:t>链接</w:t></w:r><w:ins w:id="1"><w:r><w:t>链接内插入</w:t></w:r></w:ins></w:hyperlink>',
        '<w:ins w:id="2"><w:r><w:t>插入</w:t></w:r></w:ins>',
        '<w:smartTag w:uri="u" w:element="e"><w:r><w:t>智能标记</w:t></w:r></w:smartTag>',
        '<w:fldSimple w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>',
        "<w:sdt><w:sdtContent><w:r><w:t>行内控件</w:t></w:r></w:sdtContent></w:sdt>",
        run("正文"),
    )
    + "<w:sdt><w:sdtContent>"
    + p(run("块级控件"))
    + "</w:sdtContent></w:sdt><!-- 注释 -->",
    "merged-cells": tbl(
        tr(tc(p(run("横")), SPAN2), tc(p(run("单")))),
        tr(tc(p(run("竖")), '<w:vMerge w:val="restart"/>'), tc(p(run("b")), SPAN2)),
        tr(tc(p(), DOWN), tc(p(), SPAN2 + DOWN)),
        tr(tc(p(), '<w:vMerge w:val="continue"/>'), tc(p(run("e"))), tc(p(run("f")))),
        tr(tc(p(), DOWN), props='<w:gridBefore w:val="1"/>'),
        tr(tc(p(run("x"))), tc(p(run("零")), '<w:gridSpan w:val="0"/>'), tc(p(run("y")))),
        tr(tc(p(run("段一")) + p(run("段二\t")) + tbl(tr(tc(p(run("嵌套表"))))))),
    ),
    "empty-tables": tbl() + tbl(tr()) + tbl(tr(tc(""))),
    # python-docx raises on these
    "merge-in-first-row": tbl(tr(tc(p(run("a")), DOWN))),
    "nothing-above": tbl(tr(tc(p(run("a")), SPAN2)), tr(tc(p()), tc(p(), DOWN))),
    "span-without-value": tbl(tr(tc(p(run("a")), "<w:gridSpan/>"))),
    "span-not-a-number": tbl(tr(tc(p(run("a")), '<w:gridSpan w:val="二"/>'))),
}


def archive(xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", xml)
    return buffer.getvalue()


def walk_refuses(xml: bytes) -> bool:
    try:
        read_body(xml, Deadline(30))
    except Exception:  # any kind: the reader catches them all and asks python-docx
        return True
    return False


def python_docx(xml: bytes) -> object:
    """python-docx's reading of the body, or its error message."""
    try:
        return _read_body_python_docx(xml, Deadline(30))
    except ReadError as exc:
        return str(exc)


def reader(xml: bytes) -> object:
    try:
        return read_docx(archive(xml), ReadLimits())
    except ReadError as exc:
        return str(exc)


@pytest.mark.parametrize("name", sorted(BODIES))
def test_walk_matches_python_docx(name: str) -> None:
    xml = document(BODIES[name])
    expected = python_docx(xml)
    assert reader(xml) == expected
    if isinstance(expected, str):  # refused: the walk must never answer where python-docx raises
        assert walk_refuses(xml)
    else:
        assert read_body(xml, Deadline(30)) == expected


def test_walk_text_and_cells() -> None:
    text, tables = read_body(document(BODIES["run-content"] + BODIES["merged-cells"]), Deadline(30))
    assert text.split("\n")[:7] == ["甲\t乙", "丙", "", "-\t  两端空格     ", "", "制表位不是文字", "横\t单"]
    assert tables[0][1:5] == (("竖", "b"), ("竖", "b"), ("竖", "e", "f"), ("e",))
    assert tables[0][5:] == (("x", "y"), ("段一 段二",))  # a zero span is no cell; a nested table is not read


def test_refused_body_gets_python_docx_error() -> None:
    with pytest.raises(ReadError, match=r"^corrupt \.docx: ValueError: no `tc` element at grid_offset=1$"):
        read_docx(archive(document(BODIES["nothing-above"])), ReadLimits())
