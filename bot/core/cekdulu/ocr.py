"""Read the text in a picture (a flyer, a screenshot of a chat) so Cek Dulu can check it.

Most scam ads circulate as pictures. The OCR engine is RapidOCR on onnxruntime
(`rapidocr-onnxruntime`): its detection, direction and recognition models ship inside the
package, so nothing is downloaded at run time. The engine is loaded once, on first use,
and calls are serialised by a lock; the Telegram layer runs `read_text` in a worker thread
(asyncio.to_thread) so the bot keeps answering others while a picture is read.

When the package is missing or cannot load, `available()` is False and `read_text` raises
`OcrUnavailable`: the bot then says kindly that it cannot read pictures right now.

The packaged recognition model (PP-OCRv4, trained mostly on Chinese) often drops the spaces
between Latin words at small sizes ("LOKERADMINONLINEKAMBOJA"). `split_glued` puts them
back with a word list: every word of the content files (the rules, destinations, FAQ), so
words that matter to the check are always known.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MAX_SIDE = 1600  # larger pictures are scaled down first: enough for flyer text, much faster
DETECT_SIDE = 960  # the text detector sees at most this many pixels a side
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
        # Detection at most 960 pixels a side and never scaled up ("max"; the package default
        # scales the short side up to 736): about 2.5 times less CPU on flyers, same text.
        _engine = RapidOCR(
            intra_op_num_threads=1,
            inter_op_num_threads=1,
            det_limit_side_len=DETECT_SIDE,
            det_limit_type="max",
        )
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


def read_text(data: bytes, lexicon: frozenset[str] = frozenset()) -> OcrText:
    """The text in the picture, lines in reading order, glued words split with `lexicon`
    (see `lexicon_from`). Blocking: call it off the event loop."""
    image = _decode(data)
    with _lock:
        engine = _load()
        result, _ = engine(image, use_cls=False)
    pieces = [(box, str(text)) for box, text, score in (result or []) if float(score) >= MIN_SCORE]
    texts = [" ".join(" ".join(text.split()) for _, text in row) for row in _rows(pieces)]
    texts = [t for t in texts if t.strip()]
    if lexicon:
        texts = [split_glued(text, lexicon) for text in texts]
    return OcrText("\n".join(texts), len(texts))


# -- putting spaces back ------------------------------------------------------------------------
_WORD = re.compile(r"[A-Za-z]+")
_LETTER_DIGIT = re.compile(r"(?<=[A-Za-z])(?=\d)")
MIN_GLUED = 6  # shorter runs are left alone
MAX_WORD = 20
UNKNOWN_COST = 4.0  # per unknown run, plus one per letter in it: known words win


@functools.lru_cache(maxsize=4)
def lexicon_from(directory: Path) -> frozenset[str]:
    """Every word (two letters or more) in the content files under `directory`."""
    words: set[str] = set()
    for path in sorted(Path(directory).rglob("*.yaml")):
        words |= _words(path.read_text(encoding="utf-8", errors="ignore"))
    return frozenset(words)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{2,}", text.lower()) if len(w) <= MAX_WORD}


def split_glued(line: str, lexicon: frozenset[str] | Iterable[str]) -> str:
    """ "LOKERADMINONLINEKAMBOJA" → "LOKER ADMIN ONLINE KAMBOJA", "WA0812" → "WA 0812";
    runs of letters the word list already knows, or cannot split into known words, stay."""
    known = lexicon if isinstance(lexicon, frozenset) else frozenset(lexicon)
    line = _LETTER_DIGIT.sub(" ", line)
    return _WORD.sub(lambda m: _split_run(m.group(0), known), line)


def _split_run(run: str, known: frozenset[str]) -> str:
    lower = run.lower()
    if len(run) < MIN_GLUED or lower in known:
        return run
    best: list[tuple[float, int]] = [(0.0, 0)] + [(float("inf"), 0)] * len(lower)
    for end in range(1, len(lower) + 1):
        for start in range(max(0, end - MAX_WORD), end):
            piece = lower[start:end]
            cost = 1.0 if piece in known else UNKNOWN_COST + len(piece)
            if best[start][0] + cost < best[end][0]:
                best[end] = (best[start][0] + cost, start)
    cuts = []
    end = len(lower)
    while end > 0:
        start = best[end][1]
        cuts.append((start, end))
        end = start
    pieces = [run[a:b] for a, b in reversed(cuts)]
    if any(p.lower() not in known for p in pieces):
        return run  # not every piece is a word: leave the run as it was read
    return " ".join(pieces)


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


def _rows(pieces: list[tuple[Any, str]]) -> list[list[tuple[Any, str]]]:
    """Pieces of text on the same row (their vertical centres within half a line height,
    even on a slightly rotated picture), rows top to bottom, pieces left to right."""
    rows: list[list[tuple[Any, str]]] = []
    for piece in sorted(pieces, key=lambda p: _centre(p[0])):
        if rows and abs(_centre(piece[0]) - _centre(rows[-1][0][0])) < _height(rows[-1][0][0]) / 2:
            rows[-1].append(piece)
        else:
            rows.append([piece])
    return [sorted(row, key=lambda p: min(point[0] for point in p[0])) for row in rows]


def _centre(box: Any) -> float:
    return sum(point[1] for point in box) / len(box)


def _height(box: Any) -> float:
    ys = [point[1] for point in box]
    return max(max(ys) - min(ys), 1.0)
