"""OCR apart from the rest: scanned pages go to their own pool with a time budget per page, so the text
files of a batch are not held up behind them; a scan too large to hold in memory is refused before it is
decoded."""

from __future__ import annotations

import io
import random
import re
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from jixiao import pipeline
from jixiao.errors import OcrDeferred, ReadError
from jixiao.read import ReadLimits, read_path
from jixiao_dev.synth import SynthConfig, generate_one
from jixiao_dev.synth.render import scan_pages
from tests.read.conftest import PdfMaker

LINES = [
    "香河县科学技术协会2024年度部门整体支出绩效自评报告",
    "2024年度部门总收入为462.74万元，其中财政拨款453.10万元。",
    "年末实有在职人员13人，退休人员7人。",
]


def _scan(make_pdf: PdfMaker, path: Path) -> Path:
    (page,) = scan_pages(make_pdf([LINES]).read_bytes(), random.Random(2), seal=False)
    page.save(path, format="PDF", resolution=150)
    return path


def _texts(folder: Path, n: int) -> list[Path]:
    config = SynthConfig(n=n, seed=11)
    paths = []
    for i in range(n):
        path = folder / f"t{i}.txt"
        path.write_text(generate_one(i, config).text(), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.parametrize(
    "workers",
    [
        pytest.param(2, id="pooled: the scan goes to the OCR pool"),
        pytest.param(1, id="serial: the scan is read after the text files"),
    ],
)
def test_text_files_are_not_held_up_behind_a_scan(make_pdf: PdfMaker, tmp_path: Path, workers: int) -> None:
    scan = _scan(make_pdf, tmp_path / "scan.pdf")
    texts = _texts(tmp_path, 9)
    items = [(i, str(p)) for i, p in enumerate([scan, *texts])]  # the scan first, where it would block
    t0 = time.monotonic()
    arrived: dict[int, float] = {}
    results = {}
    for k, result in pipeline.iter_read_and_parse(items, ReadLimits(), workers):
        arrived[k] = time.monotonic() - t0
        results[k] = result
    assert results[0].ok and results[0].format == "pdf"  # the scan was recognised, in the end
    assert "462.74" in (results[0].text or "")
    assert all(results[k].ok for k in range(1, 10))
    last_text = max(arrived[k] for k in range(1, 10))
    assert last_text < arrived[0]  # every text result came before the scan's
    # Generous: the text files wait for no OCR, so they take well under half of the time the scan needs.
    assert last_text < arrived[0] / 2, arrived


def test_reading_with_ocr_left_out_defers_only_files_that_need_it(make_pdf: PdfMaker, tmp_path: Path) -> None:
    scan = _scan(make_pdf, tmp_path / "scan.pdf")
    text_pdf = make_pdf([LINES], name="text.pdf")
    no_ocr = ReadLimits(ocr=False)
    assert "462.74万元" in read_path(text_pdf, no_ocr).text  # a text layer needs no OCR
    with pytest.raises(OcrDeferred, match="left for the OCR pool"):
        read_path(scan, no_ocr)
    deferred = pipeline.read_and_parse(1, str(scan), no_ocr)
    assert deferred.deferred and not deferred.ok


def test_a_page_over_its_ocr_budget_is_a_readable_reason_not_a_hang(
    make_pdf: PdfMaker, tmp_path: Path
) -> None:
    scan = _scan(make_pdf, tmp_path / "scan.pdf")
    t0 = time.monotonic()
    result = pipeline.read_and_parse(1, str(scan), ReadLimits(ocr_page_s=0.01))
    assert time.monotonic() - t0 < 20
    assert result.reason is not None
    assert re.search(
        r"scanned PDF: OCR of one page took longer than its 0\.01 s budget \(ReadLimits\.ocr_page_s\)"
        r"|took longer than the [\d.]+ s budget \(recognising page 1 of 1",
        result.reason,
    ), result.reason


def _image_pdf(width_px: int, height_px: int, page_pt: tuple[float, float] = (595, 842)) -> bytes:
    """A one-page PDF holding one grey image of ``width_px`` × ``height_px``, deflated (a white image of a
    billion pixels compresses to about a megabyte): the scanned-PDF form of a decompression bomb."""
    stream = zlib.compress(b"\xff" * width_px, 9)
    if height_px > 1:
        zipped = zlib.compressobj(9)
        stream = b"".join(zipped.compress(b"\xff" * width_px) for _ in range(height_px)) + zipped.flush()
    content = f"q {page_pt[0]} 0 0 {page_pt[1]} 0 0 cm /Im0 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page_pt[0]} {page_pt[1]}] /Resources "
        "<< /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>".encode(),
        f"<< /Type /XObject /Subtype /Image /Width {width_px} /Height {height_px} /ColorSpace /DeviceGray "
        f"/BitsPerComponent 8 /Filter /FlateDecode /Length {len(stream)} >>\nstream\n".encode()
        + stream
        + b"\nendstream",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{o:010d} 00000 n \n" for o in offsets).encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


@pytest.mark.parametrize(
    ("width_px", "height_px", "page_pt", "reason"),
    [
        pytest.param(
            30_000,
            30_000,
            (595, 842),
            r"holds a 30000 × 30000 pixel image, over the",
            id="a-900-megapixel-image",
        ),
        pytest.param(
            100,
            100,
            (14_400, 14_400),
            r"page 1 is 5080 × 5080 mm, too large to recognise",
            id="a-5-metre-page",
        ),
        pytest.param(
            1240,
            1754,
            (595, 842),
            r"OCR found no text on any page",
            id="an-ordinary-blank-a4-scan-is-recognised",
        ),
    ],
)
def test_a_scan_too_large_to_hold_is_refused_before_it_is_decoded(
    tmp_path: Path, width_px: int, height_px: int, page_pt: tuple[float, float], reason: str
) -> None:
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_image_pdf(width_px, height_px, page_pt))
    assert path.stat().st_size < 2_000_000
    t0 = time.monotonic()
    with pytest.raises(ReadError, match=reason):
        read_path(path)
    assert time.monotonic() - t0 < 30


def test_the_blank_image_helper_makes_a_pdf_pdfium_renders() -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(_image_pdf(20, 10))
    image = doc[0].render(scale=0.1).to_pil()
    assert isinstance(image, Image.Image)
    assert image.getextrema()[0][0] > 200  # white
