"""Spreadsheets (.xlsx, .xls, .et): every sheet as rows with cell addresses; hostile workbooks refused fast."""

from __future__ import annotations

import io
import resource
import time
import zipfile

import pytest
import xlwt

from jixiao.errors import ReadError
from jixiao.read import ReadLimits, read_bytes
from jixiao_dev.synth.xlsx import Cell, xlsx_bytes

TITLE = "香河县科学技术协会2024年度部门整体支出绩效自评表"
SHEET: list[list[Cell]] = [
    [TITLE],
    ["单位名称", "香河县科学技术协会", "", "年度", 2024],
    ["序号", "项目名称", "分配资金（万元）", "执行率", "综合得分"],
    [1, "2024年科普宣传经费", 12.5, 0.95, 90],
    [2, "学会学术活动经费", 3.0, 1, 88.5],
]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _xls(rows: list[list[Cell]], name: str = "自评表", far_cell: bool = False) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(name)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value != "":
                sheet.write(r, c, value)
    if far_cell:
        sheet.write(65535, 255, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _with_sheet_xml(sheet_xml: str) -> bytes:
    """The workbook of SHEET with its worksheet XML replaced."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([("自评表", SHEET)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            body = sheet_xml.encode() if info.filename.endswith("sheet1.xml") else source.read(info)
            zf.writestr(info.filename, body)
    return out.getvalue()


_FIRST_ROW = (
    f'<row r="1"><c r="A1" t="inlineStr"><is><t>{TITLE}，单位名称香河县科学技术协会</t></is></c></row>'
)


def _sheet_xml(rows: str) -> str:
    return f'<worksheet xmlns="{MAIN}"><sheetData>{_FIRST_ROW}{rows}</sheetData></worksheet>'


@pytest.mark.parametrize(
    ("data", "name"),
    [
        pytest.param(xlsx_bytes([("自评表", SHEET)]), "r.xlsx", id="xlsx"),
        pytest.param(_xls(SHEET), "r.xls", id="xls-biff8"),
        pytest.param(_xls(SHEET), "r.et", id="wps-et-is-biff8"),
    ],
)
def test_a_self_evaluation_sheet_reads_as_rows_with_cell_addresses(data: bytes, name: str) -> None:
    doc = read_bytes(data, name)
    assert doc.format == name.rsplit(".", 1)[1]
    (table,) = doc.tables
    # The row shape of a .docx table: one tuple of cell strings per row, numbers as Excel shows them.
    assert table[2] == ("序号", "项目名称", "分配资金（万元）", "执行率", "综合得分")
    assert table[3] == ("1", "2024年科普宣传经费", "12.5", "0.95", "90")
    assert table[4] == ("2", "学会学术活动经费", "3", "1", "88.5")
    assert table[1] == ("单位名称", "香河县科学技术协会", "", "年度", "2024")
    # Each row is one tab-separated line of the text, as a .docx table row reads.
    assert "1\t2024年科普宣传经费\t12.5\t0.95\t90" in doc.text
    at = doc.text.index("12.5")
    assert doc.cell_of(at) == "自评表!C4"
    assert doc.cell_of(doc.text.index("88.5")) == "自评表!E5"
    assert doc.cell_of(doc.text.index("香河县科学技术协会\t")) == "自评表!B2"
    assert doc.page_of(at) == 1


def test_every_sheet_is_read_and_is_its_own_page() -> None:
    data = xlsx_bytes(
        [("封面", [[TITLE]]), ("空表", []), ("项目", [["", "", "项目名称"], ["", "", "科普经费"]])]
    )
    doc = read_bytes(data, "r.xlsx")
    assert len(doc.tables) == 2  # the empty sheet gives no table
    assert doc.tables[1] == (("", "", "项目名称"), ("", "", "科普经费"))
    at = doc.text.index("科普经费")
    assert doc.cell_of(at) == "项目!C2"
    assert doc.page_of(at) == 3
    assert doc.page_of(doc.text.index("香河县")) == 1


def test_a_text_file_is_not_mistaken_for_a_workbook() -> None:
    # The failing twin of the tests above: content decides, not the extension alone.
    with pytest.raises(ReadError, match=r"corrupt \.xlsx: not an Excel or WPS spreadsheet"):
        read_bytes(f"{TITLE}\n单位名称".encode(), "r.xlsx")


def test_a_docx_saved_as_xlsx_names_the_missing_workbook_part() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(
        ReadError, match=r"corrupt \.xlsx: xl/workbook\.xml is missing \(not an Excel workbook\?\)"
    ):
        read_bytes(buffer.getvalue(), "r.xlsx")


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        pytest.param(
            xlsx_bytes([("自评表", SHEET)])[:700], "r.xlsx", r"corrupt \.xlsx: not a zip", id="xlsx-truncated"
        ),
        pytest.param(
            _xls(SHEET)[:3000], "r.xls", r"corrupt \.xls: not a readable spreadsheet", id="xls-truncated"
        ),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024),
            "r.et",
            r"corrupt \.et: ",
            id="et-ole-header-only",
        ),
        pytest.param(
            xlsx_bytes([("空", [["", ""]])]),
            "r.xlsx",
            r"empty \.xlsx: no sheet holds a value",
            id="xlsx-empty",
        ),
    ],
)
def test_damaged_workbooks_are_refused_with_a_reason(data: bytes, name: str, reason: str) -> None:
    with pytest.raises(ReadError, match=reason):
        read_bytes(data, name)


def test_an_encrypted_xls_is_refused_as_encrypted() -> None:
    data = bytearray(_xls(SHEET))
    # xlwt writes a WRITEACCESS record (0x005C, 112 bytes) in the workbook globals; make it a FILEPASS
    # (0x002F), the record Excel writes first in an encrypted workbook.
    at = data.index(b"\x5c\x00\x70\x00")
    data[at : at + 2] = b"\x2f\x00"
    with pytest.raises(ReadError, match=r"refused \.xls: it is encrypted \(password-protected\)"):
        read_bytes(bytes(data), "r.xls")
    assert read_bytes(_xls(SHEET), "r.xls").tables  # the same workbook without FILEPASS reads


def _timed_read(data: bytes, name: str, limits: ReadLimits | None = None) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    try:
        outcome = f"read {len(read_bytes(data, name, limits or ReadLimits()).text)} chars"
    except ReadError as exc:
        outcome = exc.reason
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return time.perf_counter() - t0, grown_mib, outcome


MILLION = range(2, 1_048_577)


@pytest.mark.parametrize(
    ("rows", "outcome"),
    [
        pytest.param(
            "".join(f'<row r="{r}"/>' for r in MILLION), "read ", id="million-empty-rows-read-as-one-row"
        ),
        pytest.param(
            "".join(f'<row r="{r}"><c r="A{r}"/></row>' for r in MILLION), "read ", id="million-empty-cells"
        ),
        pytest.param(
            "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t></t></is></c></row>' for r in MILLION),
            "refused .xlsx: sheet 'sheet1' spans A1:A",
            id="million-empty-strings-refused",
        ),
        pytest.param(
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
            "refused .xlsx: sheet 'sheet1' spans A1:XFD1048576, 1,048,576 rows x 16,384 columns",
            id="one-far-cell-would-be-a-17-billion-cell-grid",
        ),
    ],
)
def test_a_sheet_used_down_to_its_last_row_is_bounded(rows: str, outcome: str) -> None:
    data = _with_sheet_xml(_sheet_xml(rows))
    seconds, grown_mib, got = _timed_read(data, "r.xlsx")
    assert got.startswith(outcome)
    if outcome == "read ":
        assert got == "read 40 chars"  # the first row alone: empty rows cost nothing in the text
    assert seconds < 20  # about 1-3 s on a loaded 2-core machine
    assert grown_mib < 300


def test_an_xls_cell_at_the_last_row_and_column_is_refused_before_calamine_builds_the_grid() -> None:
    seconds, _, got = _timed_read(_xls(SHEET, far_cell=True), "r.xls")
    assert got.startswith("refused .xls: sheet '#1' spans A1:IV65536, 65,536 rows x 256 columns")
    assert seconds < 1


def test_an_xlsx_zip_bomb_is_refused_in_bounded_time() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for _ in range(300):
                f.write(b" " * (1 << 20))
    seconds, grown_mib, got = _timed_read(buffer.getvalue(), "bomb.xlsx")
    assert got == "refused .xlsx: it inflates to 300.0 MB, over the 200.0 MB limit (zip bomb?)"
    assert seconds < 2
    assert grown_mib < 100
    # The same workbook under a larger limit is inflated, counted and then read as XML without cells.
    assert _timed_read(buffer.getvalue(), "bomb.xlsx", ReadLimits(max_inflated_bytes=400 << 20))[2] != got
