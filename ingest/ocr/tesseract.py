"""Tesseract through ``pytesseract``: ``chi_sim`` with automatic layout analysis for horizontal
pages, ``chi_sim_vert`` as one block of vertical text for vertical ones."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from typing import Any

from ingest.ocr.base import Engine, EngineFailed, Piece


class TesseractEngine(Engine):
    """Tesseract through pytesseract: ``chi_sim`` for horizontal pages, ``chi_sim_vert`` for
    vertical ones (``$GAZETTE_OCR_LANG`` names another horizontal model)."""

    name = "tesseract"
    dpi = 300  # what Tesseract's models are tuned for
    loses_short_lines = True  # automatic layout analysis drops an isolated ``— 4 —``

    def __init__(self, language: str | None = None, vertical_language: str = "chi_sim_vert"):
        self.language = language or os.environ.get("GAZETTE_OCR_LANG") or "chi_sim"
        self.vertical_language = vertical_language

    @staticmethod
    @functools.cache
    def _languages() -> tuple[str | None, frozenset[str]]:
        """Why Tesseract cannot run (or ``None``), and the models it has."""
        try:
            import pytesseract  # noqa: F401
            from PIL import Image  # noqa: F401
        except ImportError as exc:
            return (
                f"the Python packages for OCR are not installed ({exc.name}); "
                "pip install 'gazette[ocr]'",
                frozenset(),
            )
        binary = shutil.which(os.environ.get("TESSERACT_CMD", "tesseract"))
        if binary is None:
            return (
                "Tesseract is not installed (Debian/Ubuntu: apt-get install tesseract-ocr "
                "tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert)",
                frozenset(),
            )
        try:
            listed = subprocess.run(
                [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.SubprocessError) as exc:
            return f"Tesseract cannot be run ({exc})", frozenset()
        return None, frozenset(
            line.strip() for line in (listed.stdout + listed.stderr).splitlines()
        )

    def unavailable(self) -> str | None:
        reason, languages = self._languages()
        if reason is not None:
            return reason
        if self.language not in languages:
            package = "tesseract-ocr-" + self.language.replace("_", "-")
            return f"Tesseract has no {self.language} model (apt-get install {package})"
        return None

    @functools.cache  # noqa: B019 - one engine per process
    def describe(self) -> str:
        import pytesseract

        return f"tesseract {pytesseract.get_tesseract_version()} {self.language}"

    def _data(self, image: Any, language: str, psm: int) -> dict[str, list[Any]]:
        import pytesseract
        from PIL import Image

        try:
            data: dict[str, list[Any]] = pytesseract.image_to_data(
                Image.fromarray(image),
                lang=language,
                config=f"--psm {psm}",
                output_type=pytesseract.Output.DICT,
            )
        except pytesseract.TesseractError as exc:
            raise EngineFailed(
                f"tesseract failed (TesseractError {exc.status}: {exc.message.strip()[:120]})"
            ) from exc
        except (OSError, RuntimeError) as exc:
            raise EngineFailed(f"tesseract failed ({type(exc).__name__}: {exc})") from exc
        return data

    def _pieces(self, data: dict[str, list[Any]], *, vertical: bool) -> list[Piece]:
        from ingest.normalize import GAP

        groups: dict[tuple[int, int, int], list[int]] = {}
        for i, word in enumerate(data["text"]):
            if int(data["level"][i]) == 5 and str(word).strip():
                key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
                groups.setdefault(key, []).append(i)
        pieces = []
        for indexes in groups.values():
            along = "top" if vertical else "left"
            indexes.sort(key=lambda i: int(data[along][i]))
            text = ""
            previous_end = None
            for i in indexes:
                start = int(data[along][i])
                extent = int(data["height" if vertical else "width"][i])
                across = int(data["width" if vertical else "height"][i])
                if previous_end is not None and start - previous_end > 1.2 * max(across, 1):
                    text += GAP  # a wide gap: keep it (a joint signature, a 目录 page marker)
                text += str(data["text"][i])
                previous_end = start + extent
            confidences = [float(data["conf"][i]) for i in indexes if float(data["conf"][i]) >= 0]
            pieces.append(
                Piece(
                    text,
                    min(int(data["left"][i]) for i in indexes),
                    min(int(data["top"][i]) for i in indexes),
                    max(int(data["left"][i]) + int(data["width"][i]) for i in indexes),
                    max(int(data["top"][i]) + int(data["height"][i]) for i in indexes),
                    round(sum(confidences) / len(confidences), 1) if confidences else 0.0,
                )
            )
        return pieces

    def lines(self, image: Any) -> list[Piece]:
        return self._pieces(self._data(image, self.language, 3), vertical=False)

    def vertical_unavailable(self) -> str | None:
        """Why vertical pages cannot be read here (``None`` when they can)."""
        reason, languages = self._languages()
        if reason is not None:
            return reason
        if self.vertical_language not in languages:
            return (
                f"a vertical page needs Tesseract's {self.vertical_language} model "
                "(apt-get install tesseract-ocr-chi-sim-vert)"
            )
        return None

    def columns(self, image: Any) -> list[Piece]:
        reason = self.vertical_unavailable()
        if reason is not None:
            raise EngineFailed(reason)
        pieces = self._pieces(self._data(image, self.vertical_language, 5), vertical=True)
        return sorted(pieces, key=lambda p: -p.x1)

    def strip(self, image: Any) -> Piece | None:
        pieces = self._pieces(self._data(image, self.language, 7), vertical=False)
        return pieces[0] if pieces else None


__all__ = ["TesseractEngine"]
