"""Reading pictures for Cek Dulu: images the tests render themselves with Pillow, in several
fonts and sizes and with a slight rotation, read by the packaged OCR models (no download)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from bot.__main__ import main
from bot.core.cekdulu import ocr
from bot.core.cekdulu.checker import Checker, Verdict

ROOT = Path(__file__).resolve().parents[1]
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONTS = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf"]
FLYER = [
    "LOKER ADMIN ONLINE KAMBOJA",
    "Gaji 20jt, tanpa tes",
    "Berangkat minggu depan",
    "WA 0812-0000-1234",
]

pytestmark = pytest.mark.skipif(not ocr.available(), reason="rapidocr-onnxruntime not installed")


def font(name: str | None, size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """A DejaVu font when the system has it (Debian's fonts-dejavu), else Pillow's own."""
    if name and (DEJAVU / name).exists():
        return ImageFont.truetype(str(DEJAVU / name), size)
    return ImageFont.load_default(size=size)


def render(lines: list[str], face: str | None, size: int, angle: float = 0.0) -> bytes:
    """A flyer: dark text on a light background, like a screenshot, saved as PNG."""
    typeface = font(face, size)
    height = int(size * 1.8) * len(lines) + 2 * size
    image = Image.new("RGB", (int(size * 0.75 * max(map(len, lines))) + 2 * size, height), "white")
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((size, size + number * int(size * 1.8)), line, fill=(20, 20, 60), font=typeface)
    if angle:
        image = image.rotate(angle, expand=True, fillcolor="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.load(ROOT / "content", ["id", "en"])


@pytest.mark.parametrize(
    ("face", "size", "angle"),
    [
        ("DejaVuSans.ttf", 28, 0.0),
        ("DejaVuSans-Bold.ttf", 36, 2.5),
        ("DejaVuSerif.ttf", 24, -2.0),
        ("DejaVuSansMono.ttf", 30, 1.5),
        (None, 32, 0.0),  # Pillow's default font
    ],
)
def test_a_rendered_flyer_is_read_and_flagged_like_its_text(
    checker: Checker, face: str | None, size: int, angle: float
) -> None:
    read = ocr.read_text(render(FLYER, face, size, angle), checker.lexicon)
    assert read.lines >= 3
    lowered = read.text.lower()
    assert "kamboja" in lowered and "0812-0000-1234" in read.text
    typed = checker.check("\n".join(FLYER))
    from_picture = checker.check(read.text)
    assert from_picture.verdict is typed.verdict is Verdict.DANGER
    assert {"online-job-scam-country", "destination:kh"} <= set(from_picture.reason_ids)


def test_lines_come_in_reading_order() -> None:
    read = ocr.read_text(render(["Pertama satu", "Kedua dua", "Ketiga tiga"], FONTS[0], 30))
    lines = [line.lower().replace(" ", "") for line in read.text.splitlines()]
    assert lines == ["pertamasatu", "keduadua", "ketigatiga"]


def test_glued_words_are_split_with_the_content_words(checker: Checker) -> None:
    """The packaged model drops spaces between Latin words at small sizes."""
    assert ocr.split_glued("LOKERADMINONLINEKAMBOJA", checker.lexicon) == (
        "LOKER ADMIN ONLINE KAMBOJA"
    )
    assert ocr.split_glued("WA0812-0000-1234", checker.lexicon) == "WA 0812-0000-1234"
    assert ocr.split_glued("Xqzvtrwpl", checker.lexicon) == "Xqzvtrwpl"  # no words: kept


def test_a_blank_picture_has_no_text() -> None:
    image = Image.new("RGB", (400, 300), "white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    assert ocr.read_text(buffer.getvalue()).text == ""


def test_bytes_that_are_not_a_picture_are_refused() -> None:
    with pytest.raises(ocr.UnreadableImage):
        ocr.read_text(b"not a picture")


def test_cli_check_image_json_adds_the_ocr_text(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(ROOT / "content"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    picture = tmp_path / "flyer.png"
    picture.write_bytes(render(FLYER, FONTS[1], 32, 2.0))
    assert main(["check", "--image", str(picture), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "danger"
    assert "kamboja" in data["ocr_text"].lower()
    not_a_picture = tmp_path / "note.png"
    not_a_picture.write_bytes(b"hello")
    assert main(["check", "--image", str(not_a_picture)]) == 2


def test_ocr_loads_and_reads_without_any_network(monkeypatch) -> None:
    """The models ship inside the package: a fresh engine must load and read with every
    network connection refused."""
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(ocr, "_engine", None)
    read = ocr.read_text(render(["Tanpa tes"], FONTS[1], 36))
    assert "tanpa" in read.text.lower()
