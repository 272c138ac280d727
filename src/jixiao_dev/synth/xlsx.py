"""Synthetic reports as workbooks: a hand-written minimal .xlsx (the 自评表 as finance staff fill it in)."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from jixiao.read.sheets import column_letters
from jixiao_dev.synth.text import SyntheticReport

Cell = str | int | float
_XLSX_TIME = (2000, 1, 1, 0, 0, 0)


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sheet_rows(rows: list[list[Cell]]) -> str:
    xml_rows = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{column_letters(c)}{r}"
            if isinstance(value, int | float) and not isinstance(value, bool):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif value != "":
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{_xml_text(str(value))}</t></is></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(xml_rows)


def xlsx_bytes(sheets: list[tuple[str, list[list[Cell]]]]) -> bytes:
    """A minimal .xlsx (inline strings, numbers as numbers) holding ``sheets``: (name, rows of cells).

    Written by hand (a zip of five XML parts) so the generator needs no spreadsheet library; Excel, WPS and
    LibreOffice open it. Empty strings leave the cell out.
    """
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts: dict[str, str] = {}
    overrides = []
    sheet_elems = []
    sheet_rels = []
    for n, (name, rows) in enumerate(sheets, 1):
        parts[f"xl/worksheets/sheet{n}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{main}">'
            f"<sheetData>{_sheet_rows(rows)}</sheetData></worksheet>"
        )
        overrides.append(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        )
        sheet_elems.append(f'<sheet name="{_xml_text(name)}" sheetId="{n}" r:id="rId{n}"/>')
        sheet_rels.append(
            f'<Relationship Id="rId{n}" Type="{rel}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        )
    pkg = "http://schemas.openxmlformats.org/package/2006"
    parts["[Content_Types].xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="{pkg}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{''.join(overrides)}</Types>"
    )
    parts["_rels/.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{pkg}/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    parts["xl/workbook.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{main}" xmlns:r="{rel}">'
        f"<sheets>{''.join(sheet_elems)}</sheets></workbook>"
    )
    parts["xl/_rels/workbook.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{pkg}/relationships">'
        f"{''.join(sheet_rels)}</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(
                zipfile.ZipInfo(name, date_time=_XLSX_TIME), text.encode("utf-8"), zipfile.ZIP_DEFLATED
            )
    return buffer.getvalue()


def _number(cell: str) -> Cell:
    """A table cell as a spreadsheet holds it: figures as numbers, the rest as text."""
    try:
        value = float(cell)
    except ValueError:
        return cell
    return int(value) if value.is_integer() and "." not in cell else value


def render_xlsx(report: SyntheticReport, path: Path, rng: random.Random) -> None:
    """The report as a workbook: the text one paragraph per row of the first sheet, each table on a sheet
    of its own with its figures as numbers (a 自评表 as finance staff fill it in)."""
    text_rows: list[list[Cell]] = []
    sheets: list[tuple[str, list[list[Cell]]]] = []
    indent = rng.random() < 0.3  # some put the text in column B, a margin column left empty
    for b in report.blocks:
        if b.kind == "table":
            rows = [[_number(" ".join(c.split("\n"))) for c in row] for row in b.rows]
            sheets.append((f"项目支出自评表{len(sheets) + 1 if sheets else ''}", rows))
        else:
            text_rows.append(["", b.text] if indent else [b.text])
    path.write_bytes(xlsx_bytes([("自评报告", text_rows), *sheets]))
