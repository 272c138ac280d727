"""OFD (GB/T 33190): text in reading order from TextObject/TextCode positions, page evidence, bombs refused.

The OFD files are built here: OFD.xml → Doc_0/Document.xml → Pages/Page_N/Content.xml, the layout
the standard describes, with positions in millimetres.
"""

from __future__ import annotations

import io
import resource
import time
import zipfile

import pytest

from jixiao.errors import ReadError
from jixiao.read import ReadLimits, read_bytes
from jixiao.read.ofd import delta_x

NS = "http://www.ofdspec.org/2016"
# (x, y, text, size) in mm; y is the top of the object's boundary, the baseline sits one size lower.
Obj = tuple[float, float, str, float]


def _text_object(n: int, x: float, y: float, text: str, size: float, delta: str | None) -> str:
    dx = f' DeltaX="{delta}"' if delta is not None else f' DeltaX="g {max(0, len(text) - 1)} {size}"'
    return (
        f'<ofd:TextObject ID="{n}" Boundary="{x} {y} {size * len(text) + 1} {size + 1}" Font="1" Size="{size}">'
        f'<ofd:TextCode X="0" Y="{size}"{dx if len(text) > 1 else ""}>{text}</ofd:TextCode></ofd:TextObject>'
    )


def ofd_bytes(
    pages: list[list[Obj]], *, deltas: dict[str, str] | None = None, extra: dict[str, bytes] | None = None
) -> bytes:
    deltas = deltas or {}
    parts: dict[str, bytes] = {
        "OFD.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
            "<ofd:DocBody><ofd:DocInfo><ofd:DocID>0</ofd:DocID></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
        ).encode(),
        "Doc_0/Document.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
            "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages>"
            + "".join(
                f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages))
            )
            + "</ofd:Pages></ofd:Document>"
        ).encode(),
    }
    n = 100
    for i, objects in enumerate(pages):
        body = []
        for x, y, text, size in objects:
            n += 1
            body.append(_text_object(n, x, y, text, size, deltas.get(text)))
        parts[f"Doc_0/Pages/Page_{i}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
            f'<ofd:Layer ID="{i + 2}">{"".join(body)}</ofd:Layer></ofd:Content></ofd:Page>'
        ).encode()
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buffer.getvalue()


TITLE = "香河县科学技术协会2024年度部门整体支出绩效自评报告"
PAGE_1: list[Obj] = [
    # Written out of order on purpose: the reader orders by position, not by XML order.
    (25, 40, "一、部门基本情况", 4.0),
    (30, 20, TITLE, 5.0),
    (25, 50, "年末实有在职人员13人。", 3.5),
    (25, 60, "序号", 3.5),
    (45, 60, "项目名称", 3.5),
    (110, 60, "分配资金（万元）", 3.5),
    (170, 60, "得分", 3.5),
    (25, 70, "1", 3.5),
    (45, 70, "科普宣传经费", 3.5),
    (110, 70, "12.50", 3.5),
    (170, 70, "90", 3.5),
    (100, 285, "- 1 -", 3.0),
]
PAGE_2: list[Obj] = [(25, 20, "二、绩效自评得分为95分。", 3.5)]


def test_text_comes_in_reading_order_with_page_evidence() -> None:
    doc = read_bytes(ofd_bytes([PAGE_1, PAGE_2]), "r.ofd")
    assert doc.format == "ofd"
    lines = doc.text.split("\n")
    assert lines[0] == TITLE
    assert lines[1:3] == ["一、部门基本情况", "年末实有在职人员13人。"]
    assert lines[3] == "序号 项目名称 分配资金(万元) 得分"  # apart, as a PDF's text layer reads
    assert lines[4] == "1 科普宣传经费 12.50 90"
    assert "- 1 -" not in doc.text  # the page number in the margin is dropped, as in PDFs
    assert doc.page_of(doc.text.index("香河县")) == 1
    assert doc.page_of(doc.text.index("95分")) == 2
    # The table rebuilt from glyph positions has the PDF reader's row shape.
    assert doc.tables
    assert doc.tables[0][0] == ("序号", "项目名称", "分配资金（万元）", "得分")
    assert doc.tables[0][1] == ("1", "科普宣传经费", "12.50", "90")


def test_deltax_places_each_glyph() -> None:
    assert delta_x("g 3 4.2 1.5") == [4.2, 4.2, 4.2, 1.5]
    assert delta_x("1 2 x 3") == [1.0, 2.0, 3.0]
    # Glyphs spread wide by DeltaX are two cells; without it they would run together.
    wide = [(25.0, 20.0, TITLE, 4.0), (25.0, 30.0, "合计总额", 3.5)]
    doc = read_bytes(ofd_bytes([wide], deltas={"合计总额": "3.5 40 3.5"}), "r.ofd")
    assert doc.text.split("\n")[1] == "合计 总额"
    doc = read_bytes(ofd_bytes([wide]), "r.ofd")
    assert doc.text.split("\n")[1] == "合计总额"


def _bomb(size_mib: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", "<OFD/>")
        with zf.open("Doc_0/Res/image.jb2", "w", force_zip64=True) as f:
            for _ in range(size_mib):
                f.write(b"\0" * (1 << 20))
    return buffer.getvalue()


def test_an_ofd_zip_bomb_is_refused_fast_in_bounded_memory() -> None:
    data = _bomb(1024)
    assert len(data) < 5 << 20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with pytest.raises(ReadError) as info:
        read_bytes(data, "bomb.ofd")
    assert time.perf_counter() - t0 < 5
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 100
    assert info.value.reason == "refused .ofd: it inflates to 1024.0 MB, over the 200.0 MB limit (zip bomb?)"


def test_a_small_archive_under_the_limit_is_inflated_and_read() -> None:
    # The failing twin of the bomb: the same extra part, small, is inflated, counted and ignored.
    extra = {"Doc_0/Res/image.jb2": b"\0" * (1 << 20)}
    doc = read_bytes(ofd_bytes([PAGE_1], extra=extra), "r.ofd", ReadLimits(max_inflated_bytes=2 << 20))
    assert doc.text.startswith(TITLE)


_ENTITY_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + f']><ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody><ofd:DocRoot>&lol9;</ofd:DocRoot></ofd:DocBody></ofd:OFD>'
)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b"PK\x03\x04 not really", r"corrupt \.ofd: not a zip archive", id="not-a-zip"),
        pytest.param(ofd_bytes([PAGE_1])[:300], r"corrupt \.ofd: not a zip archive", id="truncated"),
        pytest.param(
            ofd_bytes([[(25.0, 20.0, TITLE, 4.0)]] * 301),
            r"refused \.ofd: 301 pages, over the 300-page limit",
            id="pages",
        ),
        pytest.param(
            ofd_bytes([], extra={"OFD.xml": b"<ofd:OFD xmlns:ofd='" + NS.encode() + b"'/>"}),
            r"OFD.xml names no DocRoot",
            id="no-document",
        ),
        pytest.param(
            ofd_bytes([], extra={"OFD.xml": _ENTITY_BOMB.encode()}),
            r"corrupt \.ofd: ",
            id="billion-laughs-is-not-expanded",
        ),
        pytest.param(ofd_bytes([[]]), r"OFD without text: its pages hold only images", id="image-only"),
    ],
)
def test_hostile_or_damaged_ofd_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    t0 = time.perf_counter()
    with pytest.raises(ReadError, match=reason):
        read_bytes(data, "r.ofd")
    assert time.perf_counter() - t0 < 10
