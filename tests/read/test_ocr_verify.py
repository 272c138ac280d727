"""A figure Tesseract read unsure is read a second time, digits only; only a confident reading that agrees
with the first (or with its separator repair) lifts the flag."""

from __future__ import annotations

import io
import shutil

import pytest
from PIL import Image, ImageDraw, ImageFont

from jixiao.read.ocr import LOW_CONFIDENCE, Word
from jixiao.read.ocr_verify import verify_figures

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # installed by scripts/bootstrap.sh

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")


def _printed(text: str) -> tuple[bytes, tuple[int, int, int, int]]:
    """``text`` printed at the size OCR sees a report's figures (22 px, 150 dpi) and its box."""
    page = Image.new("L", (420, 80), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 22)
    draw.text((30, 25), text, fill=0, font=font)
    left, top, right, bottom = draw.textbbox((30, 25), text, font=font)
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    return buffer.getvalue(), (int(left), int(top), int(right - left), int(bottom - top))


@pytest.mark.parametrize(
    ("printed", "first_reading", "confirmed"),
    [
        pytest.param("4,295,700", "4.295,700", True, id="a-misread-separator-its-repair-explains"),
        pytest.param("394,800", "394,800", True, id="the-same-reading-twice"),
        pytest.param("4,295,700", "4,295,709", False, id="a-digit-the-second-reading-disagrees-with"),
        pytest.param("93.73%", "93.739%", False, id="percentages-are-not-read-again"),
    ],
)
def test_an_unsure_figure_is_confirmed_only_by_an_agreeing_second_reading(
    printed: str, first_reading: str, confirmed: bool
) -> None:
    png, box = _printed(printed)
    words = [
        Word(first_reading, *box, 0.5, (1, 1, 1)),
        Word("万元", box[0] + box[2] + 4, box[1], 40, 22, 0.6, (1, 1, 1)),
    ]
    out = verify_figures(png, words, 30.0)
    assert (out[0].confidence >= LOW_CONFIDENCE) is confirmed
    assert out[0].text == first_reading  # the second reading changes a confidence, never a value
    assert out[1] == words[1]  # no figure: left as read


def test_confident_words_are_not_read_again() -> None:
    words = [Word("4,295,700", 0, 0, 10, 10, 0.95, (1, 1, 1))]
    assert verify_figures(b"not a png: never opened", words, 1.0) == words
