"""What every OCR engine offers (:class:`Engine`), and what it returns (:class:`Piece`)."""

from __future__ import annotations

import abc
import hashlib
from typing import Any, ClassVar

import attrs

from gazette.errors import MissingDependency


@attrs.frozen
class Piece:
    """One recognised line (or column) in image pixels."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float


class EngineFailed(Exception):
    """The engine could not read an image (its message says why)."""


class Engine(abc.ABC):
    """What every OCR engine offers."""

    name: ClassVar[str]
    dpi: ClassVar[int]  # the resolution pages are rendered at for it
    # Whether a page number missing from a page's foot is worth reading again from the bottom
    # band alone (an engine whose layout analysis drops a short isolated line).
    loses_short_lines: ClassVar[bool] = False

    @abc.abstractmethod
    def unavailable(self) -> str | None:
        """Why the engine cannot run here (``None`` when it can)."""

    @abc.abstractmethod
    def describe(self) -> str:
        """What recognised the text: name, version and model, for the record."""

    def config_key(self) -> str:
        """A short key of everything that changes the engine's output (for the page cache)."""
        return hashlib.sha256(f"{self.describe()}|{self.dpi}".encode()).hexdigest()[:16]

    @abc.abstractmethod
    def lines(self, image: Any) -> list[Piece]:
        """The lines of a page of horizontal text, in no particular order."""

    @abc.abstractmethod
    def columns(self, image: Any) -> list[Piece]:
        """The columns of a page of vertical text, right to left."""

    @abc.abstractmethod
    def strip(self, image: Any) -> Piece | None:
        """A short line read on its own (``— 4 —``), or ``None``."""

    def require(self) -> None:
        """Raise when the engine cannot run.

        Raises:
            MissingDependency: naming what is missing and the extra to install.
        """
        reason = self.unavailable()
        if reason is not None:
            raise MissingDependency(f"OCR with {self.name} ({reason})", self.name, "ocr")


__all__ = ["Engine", "EngineFailed", "Piece"]
