"""Read the text in a picture (a flyer, a screenshot of a chat) so Cek Dulu can check it.

Most scam ads circulate as pictures. The OCR engine is RapidOCR on onnxruntime
(`rapidocr-onnxruntime`): its detection, direction and recognition models ship inside the
package, so nothing is downloaded at run time. The engine is loaded once, on first use,
and calls are serialised by a lock; the Telegram layer runs `read_text` in a worker thread
(asyncio.to_thread) so the bot keeps answering others while a picture is read.

When the package is missing or cannot load, `available()` is False and `read_text` raises
`OcrUnavailable`: the bot then says kindly that it cannot read pictures right now.
"""

from __future__ import annotations

import io
import logging
import threading
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

MAX_SIDE = 1600  # larger pictures are scaled down first: enough for flyer text, much faster
MIN_SCORE = 0.5  # lines recognised with less confidence are dropped
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding

_lock = threading.Lock()
_engine: Any = None
_failed: str | None = None


class OcrUnavailable(RuntimeError):
    """The OCR package is not installed or its models cannot be loaded."""


class UnreadableImage(ValueError):
    """The bytes are not a picture Pillow can open."""


@dataclass(frozen=True)
class OcrText:
    text: str  # lines top to bottom, one per line
    lines: int


def _load() -> Any:
    global _engine, _failed
    if _engine is not None:
        return _engine
    if _failed is not None:
        raise OcrUnavailable(_failed)
    try:
        from rapidocr_onnxruntime import RapidOCR

        # One thread per call: the bot shares its cores, and the benchmark measures one core.
        _engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    except Exception as exc:  # ImportError, onnxruntime errors, missing model files
        _failed = f"{type(exc).__name__}: {exc}"
        log.warning("OCR is not available: %s", _failed)
        raise OcrUnavailable(_failed) from None
    return _engine


def available() -> bool:
    """Whether pictures can be read (loads the engine on first call)."""
    try:
        with _lock:
            _load()
    except OcrUnavailable:
        return False
    return True


def read_text(data: bytes) -> OcrText:
    """The text in the picture, lines in reading order. Blocking: call it off the event loop."""
    image = _decode(data)
    with _lock:
        engine = _load()
        result, _ = engine(image, use_cls=False)
    lines = [(box, text) for box, text, score in (result or []) if float(score) >= MIN_SCORE]
    lines.sort(key=lambda item: (_top(item[0]), _left(item[0])))
    texts = [" ".join(str(text).split()) for _, text in lines if str(text).strip()]
    return OcrText("\n".join(texts), len(texts))


def _decode(data: bytes) -> Any:
    """Bytes → an RGB picture no larger than MAX_SIDE, as the BGR array the engine expects."""
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise UnreadableImage("picture too large")
            picture = image.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise UnreadableImage(str(exc)) from None
    scale = MAX_SIDE / max(picture.size)
    if scale < 1:
        size = (round(picture.width * scale), round(picture.height * scale))
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    return np.asarray(picture)[:, :, ::-1].copy()


def _top(box: Any) -> float:
    """Lines on about the same row (within a few pixels) read left to right."""
    return round(min(point[1] for point in box) / 12)


def _left(box: Any) -> float:
    return min(point[0] for point in box)
