"""The OCR engine: RapidOCR by default, loaded once per process; Tesseract when RapidOCR cannot be imported
or when asked (``JIXIAO_OCR_ENGINE=tesseract``); neither imported on the path of files with a text layer."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from jixiao.read import ocr_engine, read_path
from jixiao.read.ocr_engine import ENGINE_ENV
from jixiao_dev.synth.render import scan_pages
from tests.read.conftest import PdfMaker

LINES = [
    "香河县科学技术协会2024年度部门整体支出绩效自评报告",
    "2024年度部门总收入为462.74万元。",
    "年末实有在职人员13人。",
]
ENGINE_MODULES = ("rapidocr", "onnxruntime", "cv2")


def _scan(make_pdf: PdfMaker, path: Path, pages: int = 1) -> Path:
    scans = scan_pages(make_pdf([LINES] * pages).read_bytes(), random.Random(2), seal=False)
    scans[0].save(path, format="PDF", resolution=150, save_all=True, append_images=scans[1:])
    return path


@pytest.fixture
def fresh_engine() -> Iterator[None]:
    """The engine loaded anew by the test, and again by whatever runs after it."""
    ocr_engine._rapid.cache_clear()
    yield
    ocr_engine._rapid.cache_clear()


@pytest.mark.parametrize(
    ("importable", "asked", "used"),
    [
        pytest.param(True, None, "rapidocr", id="rapidocr-by-default"),
        pytest.param(True, "tesseract", "tesseract", id="tesseract-when-asked"),
        pytest.param(False, None, "tesseract", id="tesseract-when-rapidocr-cannot-be-imported"),
    ],
)
def test_the_engine_is_rapidocr_with_tesseract_as_the_fallback(
    make_pdf: PdfMaker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_engine: None,
    importable: bool,
    asked: str | None,
    used: str,
) -> None:
    if not importable:
        monkeypatch.setitem(sys.modules, "rapidocr", None)  # import rapidocr raises ImportError
    if asked is None:
        monkeypatch.delenv(ENGINE_ENV, raising=False)
    else:
        monkeypatch.setenv(ENGINE_ENV, asked)
    doc = read_path(_scan(make_pdf, tmp_path / "scan.pdf"))
    assert "462.74万元" in "".join(doc.text.split())
    assert ocr_engine.in_use() == used
    assert ocr_engine.thresholds() == (
        (ocr_engine.RAPID_LOW_CONFIDENCE, ocr_engine.RAPID_LOW_TEXT_CONFIDENCE)
        if used == "rapidocr"
        else (ocr_engine.LOW_CONFIDENCE, ocr_engine.LOW_TEXT_CONFIDENCE)
    )


def test_rapidocr_is_loaded_once_per_process_not_per_page(
    make_pdf: PdfMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_engine: None
) -> None:
    monkeypatch.delenv(ENGINE_ENV, raising=False)
    read_path(_scan(make_pdf, tmp_path / "two.pdf", pages=2))
    read_path(_scan(make_pdf, tmp_path / "one.pdf"))
    info = ocr_engine._rapid.cache_info()
    assert (info.misses, info.hits) == (1, 2)  # three pages, one load


DRIVER = """
import json, sys
from jixiao import pipeline
from jixiao.read import ReadLimits
result = pipeline.read_and_parse(1, sys.argv[1], ReadLimits())
print(json.dumps([result.reason, sorted(m for m in json.loads(sys.argv[2]) if m in sys.modules)]))
"""


@pytest.mark.parametrize(
    ("scanned", "loaded"),
    [
        pytest.param(False, [], id="a-text-layer-pdf-imports-no-ocr-engine"),
        pytest.param(True, sorted(ENGINE_MODULES), id="a-scan-imports-rapidocr"),
    ],
)
def test_the_ocr_engine_is_imported_only_to_recognise_a_page(
    make_pdf: PdfMaker, tmp_path: Path, scanned: bool, loaded: list[str]
) -> None:
    path = _scan(make_pdf, tmp_path / "scan.pdf") if scanned else make_pdf([LINES])
    out = subprocess.run(
        [sys.executable, "-c", DRIVER, str(path), json.dumps(ENGINE_MODULES)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    reason, modules = json.loads(out.stdout.strip().splitlines()[-1])
    assert modules == loaded, reason
