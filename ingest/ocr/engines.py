"""OCR engines behind one interface: RapidOCR (the default) and Tesseract.

An :class:`Engine` reads a greyscale page image (a numpy array, 0 = ink) and returns its lines
as :class:`Piece` (text, box in the image's pixels, confidence 0-100):

* :meth:`Engine.lines` — a page of horizontal text;
* :meth:`Engine.columns` — a page of vertical text: one piece per column, right to left;
* :meth:`Engine.strip` — one short line on its own (a page number under the text).

**RapidOCR** (``rapidocr`` 3.x on ONNX Runtime) runs PaddleOCR's PP-OCR detection and
recognition models, which ship inside the ``rapidocr`` wheel. The engine passes their paths
explicitly, so RapidOCR never looks for (or downloads) a model: a missing file is a
:class:`~gazette.errors.MissingDependency` naming it. On vertical pages, the detected boxes are
grouped into columns and each column is recognised as a line turned a quarter counter-
clockwise (its top to the left), which the recognition model reads.

**Tesseract** (through ``pytesseract``) reads horizontal pages with ``chi_sim`` and automatic
layout analysis, and vertical pages with ``chi_sim_vert`` as one block of vertical text.

The engine is chosen by name (``rapidocr`` or ``tesseract``): an argument, else
``$GAZETTE_OCR_ENGINE``, else RapidOCR.
"""

from __future__ import annotations

import functools
import os
import statistics
from pathlib import Path
from typing import Any

import attrs

from gazette.errors import InvalidArgument, MissingDependency
from ingest.ocr.base import Engine, EngineFailed, Piece
from ingest.ocr.tesseract import TesseractEngine

ENV_ENGINE = "GAZETTE_OCR_ENGINE"
DEFAULT_ENGINE = "rapidocr"

# --- RapidOCR -------------------------------------------------------------------------------


class RapidEngine(Engine):
    """PP-OCR models on ONNX Runtime, through ``rapidocr``."""

    name = "rapidocr"
    dpi = 200

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    @staticmethod
    def model_paths() -> dict[str, Path]:
        """The detection, orientation and recognition models the installed wheel ships.

        Raises:
            MissingDependency: a package or a model file is missing.
        """
        try:
            import onnxruntime  # noqa: F401
            import rapidocr
        except ImportError as exc:
            raise MissingDependency(
                f"OCR with RapidOCR (the package {exc.name} is not installed)", "rapidocr", "ocr"
            ) from exc
        folder = Path(rapidocr.__file__).resolve().parent / "models"
        wanted = _rapid_model_names()
        paths: dict[str, Path] = {}
        for task, name in wanted.items():
            path = folder / name
            if not path.is_file():
                raise MissingDependency(
                    f"OCR with RapidOCR (its {task} model {name} is not in {folder}; the "
                    "rapidocr wheel ships it, nothing is downloaded: reinstall rapidocr)",
                    "rapidocr",
                    "ocr",
                )
            paths[task] = path
        return paths

    def unavailable(self) -> str | None:
        try:
            self.model_paths()
        except MissingDependency as exc:
            return exc.feature.removeprefix("OCR with RapidOCR (").removesuffix(")")
        return None

    @functools.cached_property
    def _ocr(self) -> Any:
        from rapidocr import RapidOCR

        paths = self.model_paths()
        return RapidOCR(
            params={
                "Global.log_level": "error",
                "Det.model_path": str(paths["det"]),
                "Cls.model_path": str(paths["cls"]),
                "Rec.model_path": str(paths["rec"]),
                # Pages are recognised in parallel processes: one thread each.
                "EngineConfig.onnxruntime.intra_op_num_threads": self.threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )

    @functools.cache  # noqa: B019 - one engine per process
    def describe(self) -> str:
        from importlib.metadata import PackageNotFoundError, version

        try:
            release = version("rapidocr")
        except PackageNotFoundError:
            release = "?"
        paths = self.model_paths()  # the orientation model is not used (see lines())
        return f"rapidocr {release} {paths['det'].stem}+{paths['rec'].stem}"

    @staticmethod
    def _rgb(image: Any) -> Any:
        import numpy as np

        return np.ascontiguousarray(np.stack([image] * 3, axis=-1)) if image.ndim == 2 else image

    def _run(self, image: Any, **options: Any) -> Any:
        # RapidOCR keeps the steps of the last call as its settings: name them every time.
        steps = {"use_det": True, "use_cls": True, "use_rec": True, **options}
        try:
            return self._ocr(self._rgb(image), **steps)
        except MissingDependency:
            raise
        except Exception as exc:
            raise EngineFailed(f"rapidocr failed ({type(exc).__name__}: {exc})") from exc

    def lines(self, image: Any) -> list[Piece]:
        """Detection, then recognition of each box cropped with a margin around it.

        RapidOCR's own pipeline crops its boxes tight and passes them through an orientation
        classifier first; on gazette pages the classifier now and then turns an upright line
        upside down (which then reads as nonsense with a low score), and a tight crop costs
        characters at the ends. Pages here are straightened before recognition, so lines are
        upright: no classifier, and a margin of a fifth of the line's height.
        """
        boxes = self.detect(image)
        height, width = image.shape[:2]
        crops = []
        for box in boxes:
            pad = max(3.0, 0.2 * (box.bottom - box.top))
            crop = image[
                max(0, int(box.top - pad)) : min(height, int(box.bottom + pad) + 1),
                max(0, int(box.x0 - pad)) : min(width, int(box.x1 + pad) + 1),
            ]
            if crop.shape[0] > 1.5 * crop.shape[1]:  # a column: read it turned a quarter
                import numpy as np

                crop = np.ascontiguousarray(np.rot90(crop, 1))
            crops.append(crop)
        pieces = []
        for box, (text, score) in zip(boxes, self._recognise(crops), strict=True):
            if text.strip() and score >= 0.5:  # RapidOCR's own threshold for a reading
                pieces.append(attrs.evolve(box, text=text, confidence=round(100 * score, 1)))
        return pieces

    def _recognise(self, crops: list[Any]) -> list[tuple[str, float]]:
        """Recognition alone, of several crops at once (in RapidOCR's batches)."""
        if not crops:
            return []
        try:
            result = self._ocr.recognize_txt([self._rgb(c) for c in crops])
        except Exception as exc:
            raise EngineFailed(f"rapidocr failed ({type(exc).__name__}: {exc})") from exc
        texts = list(result.txts or ())
        scores = list(result.scores or ())
        if len(texts) != len(crops):
            raise EngineFailed("rapidocr returned a reading per crop it was not given")
        return [(str(t), float(sc)) for t, sc in zip(texts, scores, strict=True)]

    def detect(self, image: Any) -> list[Piece]:
        """Text boxes only (no recognition)."""
        result = self._run(image, use_cls=False, use_rec=False)
        boxes = getattr(result, "boxes", None)
        if boxes is None:
            return []
        return [
            Piece(
                "",
                float(b[:, 0].min()),
                float(b[:, 1].min()),
                float(b[:, 0].max()),
                float(b[:, 1].max()),
                0.0,
            )
            for b in boxes
        ]

    def columns(self, image: Any, boxes: list[Piece] | None = None) -> list[Piece]:
        """Columns read as lines turned a quarter; with Tesseract's vertical model at hand, the
        punctuation it reads is merged in (see :func:`merge_punctuation`)."""
        pieces = self._rapid_columns(image, boxes)
        vertical = TesseractEngine()
        if not self.punctuation_from_tesseract or vertical.vertical_unavailable() is not None:
            return pieces
        try:
            others = vertical.columns(image)
        except EngineFailed:
            return pieces
        return [
            attrs.evolve(piece, text=merge_punctuation(piece.text, _overlapping(piece, others)))
            for piece in pieces
        ]

    punctuation_from_tesseract = True

    def _rapid_columns(self, image: Any, boxes: list[Piece] | None = None) -> list[Piece]:
        from ingest.ocr.layout import columns_right_to_left

        boxes = self.detect(image) if boxes is None else boxes
        groups = columns_right_to_left(boxes)
        spans = [
            (
                min(b.x0 for b in g),
                min(b.top for b in g),
                max(b.x1 for b in g),
                max(b.bottom for b in g),
            )
            for g in groups
        ]
        pieces = []
        height, width = image.shape[:2]
        for k, (x0, top, x1, bottom) in enumerate(spans):
            # Widen the column to take in punctuation set beside the characters' axis, but
            # not into the next column.
            pad = 0.3 * (x1 - x0)
            left = max(x0 - pad, spans[k + 1][2] if k + 1 < len(spans) else 0.0, 0.0)
            right = min(x1 + pad, spans[k - 1][0] if k > 0 else width, width)
            piece = self._column(image, left, max(0.0, top - 4), right, min(height, bottom + 4))
            if piece is not None:
                pieces.append(attrs.evolve(piece, x0=x0, x1=x1))
        return pieces

    def _column(self, image: Any, x0: float, top: float, x1: float, bottom: float) -> Piece | None:
        import numpy as np

        crop = image[int(top) : int(bottom) + 1, int(x0) : int(x1) + 1]
        if crop.size == 0:
            return None
        turned = np.ascontiguousarray(np.rot90(crop, 1))
        [(text, score)] = self._recognise([turned])
        if not text.strip():
            return None
        return Piece(text, x0, top, x1, bottom, round(100 * score, 1))

    def strip(self, image: Any) -> Piece | None:
        pieces = self.lines(image)
        if not pieces:
            return None
        pieces.sort(key=lambda p: p.x0)
        return Piece(
            "".join(p.text for p in pieces),
            min(p.x0 for p in pieces),
            min(p.top for p in pieces),
            max(p.x1 for p in pieces),
            max(p.bottom for p in pieces),
            round(statistics.mean(p.confidence for p in pieces), 1),
        )


# Punctuation of official documents, in the forms OCR gives it.
_PUNCTUATION = set(
    "，。、；：？！,.;:?!（）()《》〈〉〔〕【】[]「」『』“”‘’\"'—-…·︵︶︽︾﹁﹂︹︺︐︑︒︓︔"
)


def _overlapping(piece: Piece, others: list[Piece]) -> str:
    """The text of the pieces of another reading that stand in the same column."""
    width = piece.x1 - piece.x0
    same = [
        o
        for o in others
        if min(piece.x1, o.x1) - max(piece.x0, o.x0) > 0.5 * min(width, o.x1 - o.x0)
    ]
    return "".join(o.text for o in sorted(same, key=lambda o: o.top))


def merge_punctuation(characters: str, punctuated: str) -> str:
    """One column read twice: keep the characters of the first reading and take the
    punctuation of the second where the first has none.

    RapidOCR reads the characters of a vertical column far better than Tesseract's vertical
    model, which reads its punctuation (set in the corner of its cell, or turned) far better
    (``benchmarks/bench_ocr.py``). The two readings are aligned; where the second has
    punctuation that the first lacks or reads as another mark, the second's is taken.
    """
    import difflib

    if not punctuated:
        return characters
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, characters, punctuated, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        mine, theirs = characters[a0:a1], punctuated[b0:b1]
        if op == "equal":
            out.append(mine)
        elif op == "insert":
            # A mark or two the first reading lacks; a longer run is the second's noise.
            if len(theirs) <= 2 and all(c in _PUNCTUATION for c in theirs):
                out.append(theirs)
        elif op == "delete":
            out.append(mine)
        else:  # replace
            if all(c in _PUNCTUATION for c in mine) and all(c in _PUNCTUATION for c in theirs):
                out.append(theirs)
                continue
            lead = len(theirs) - len(theirs.lstrip("".join(_PUNCTUATION)))
            tail = len(theirs) - len(theirs.rstrip("".join(_PUNCTUATION)))
            core = mine.strip("".join(_PUNCTUATION))
            start = theirs[:lead] if lead and mine[:1] not in _PUNCTUATION else ""
            end = theirs[len(theirs) - tail :] if tail and mine[-1:] not in _PUNCTUATION else ""
            out.append(start + (core if start or end else mine) + end)
    return "".join(out)


def _rapid_model_names() -> dict[str, str]:
    """File names of the models RapidOCR's own configuration names by default."""
    try:
        from rapidocr.inference_engine.base import FileInfo, InferSession
        from rapidocr.main import DEFAULT_CFG_PATH
        from rapidocr.utils.parse_parameters import ParseParams

        config = ParseParams.load(DEFAULT_CFG_PATH)
        names = {}
        for task, section in (("det", config.Det), ("cls", config.Cls), ("rec", config.Rec)):
            info = InferSession.get_model_url(
                FileInfo(
                    engine_type=section.engine_type,
                    ocr_version=section.ocr_version,
                    task_type=section.task_type,
                    lang_type=section.lang_type,
                    model_type=section.model_type,
                )
            )
            names[task] = Path(str(info["model_dir"])).name
        return names
    except Exception:  # an internal layout this code does not know: the wheel's files
        import rapidocr

        folder = Path(rapidocr.__file__).resolve().parent / "models"
        found = {}
        for task in ("det", "cls", "rec"):
            matches = sorted(folder.glob(f"*{task}*.onnx"))
            found[task] = matches[0].name if matches else f"a {task} model (*{task}*.onnx)"
        return found


def _rapid_pieces(result: Any) -> list[Piece]:
    boxes = getattr(result, "boxes", None)
    texts = getattr(result, "txts", None)
    scores = getattr(result, "scores", None)
    if boxes is None or texts is None:
        return []
    pieces = []
    for box, text, score in zip(boxes, texts, scores or [0.0] * len(texts), strict=False):
        if not text.strip():
            continue
        pieces.append(
            Piece(
                text,
                float(box[:, 0].min()),
                float(box[:, 1].min()),
                float(box[:, 0].max()),
                float(box[:, 1].max()),
                round(100 * float(score), 1),
            )
        )
    return pieces


# --- choosing one ---------------------------------------------------------------------------

ENGINES: dict[str, type[Engine]] = {"rapidocr": RapidEngine, "tesseract": TesseractEngine}


def engine_name(name: str | None = None) -> str:
    """The engine to use: ``name``, else ``$GAZETTE_OCR_ENGINE``, else RapidOCR.

    Raises:
        InvalidArgument: an engine this library does not know.
    """
    chosen = (name or os.environ.get(ENV_ENGINE) or DEFAULT_ENGINE).strip().lower()
    if chosen not in ENGINES:
        raise InvalidArgument(
            f"unknown OCR engine {chosen!r} (choose from {', '.join(sorted(ENGINES))})"
        )
    return chosen


@functools.cache
def get_engine(name: str | None = None) -> Engine:
    """The engine of that name (one instance per process)."""
    return ENGINES[engine_name(name)]()


__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "ENV_ENGINE",
    "Engine",
    "EngineFailed",
    "Piece",
    "RapidEngine",
    "TesseractEngine",
    "engine_name",
    "get_engine",
]
