"""Finding English in what the command line prints for people.

Human-readable output is Chinese throughout. A line may still hold things that are not words
of either language: document ids, paths and file names, numbers, dates, command-line options
and literals to type (in backquotes), SHA-256 values, identifiers (``view.default``,
``art14_state_secret``), names of formats and products (PDF, OCR, Word, Tesseract …) and the
documents' own data (their titles, text and numbers, which may hold Latin letters).
:func:`english_words` takes those out of a line and returns the English words left.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gazette import wording

# Names of formats, products and packages (what a user installs, opens or types), as written.
NAMES = frozenset(
    {
        # formats
        "txt", "md", "html", "json", "docx", "akn", "pdf", "csv", "xml", "ofd",
        "Markdown", "Word", "Akoma", "Ntoso", "BagIt", "Payload", "Oxum", "OpenDocument",
        "PowerPoint", "Excel", "JavaScript", "Python", "gzip", "shell",
        # products and packages
        "gazette", "sqlite", "SQLite", "whoosh", "Whoosh", "Tesseract", "tesseract",
        "RapidOCR", "rapidocr", "LibreOffice", "soffice", "pdftotext", "poppler", "utils",
        "attrs", "lxml", "pdfplumber", "pypdfium", "jieba", "rjieba", "bagit", "pytesseract",
        "onnxruntime", "chinese", "calendar", "argon", "cffi", "Debian", "Ubuntu",
    }
)  # fmt: skip

# English words too common to be the documents' own data: a test that found them in the
# documents would stop catching English sentences.
GLUE = frozenset(
    {"the", "of", "and", "from", "by", "to", "in", "on", "as", "is", "not", "no", "for", "at"}
)

_SPANS = (
    re.compile(r"`[^`]*`"),  # literals to type: commands, options, values
    re.compile(r"https?://\S+"),
    re.compile(r"\[\w+\]"),  # an extra: [ocr]
    re.compile(r"\S*[/\\]\S*"),  # paths
    re.compile(r"\S+\.(?:txt|md|html?|docx?|pdf|csv|xml|json|png|zip|sqlite|onnx|ofd)\b", re.I),
    re.compile(r"(?<![\w-])--?[a-zA-Z][\w-]*"),  # options
    re.compile(r"\b\d{4}-\d{2}-\d{2}(?:T[\d:.+]+)?"),  # ISO dates and moments
    re.compile(r"\b[0-9a-f]{8,64}(?:[.-]\d+)*\b"),  # ids, hashes
    re.compile(r"\b\w+(?:[._]\w+)+\b"),  # identifiers: view.default, art14_state_secret
)
_WORD = re.compile(r"[A-Za-z]{2,}")
# The values of the enums whose Chinese names the output shows (``not_yet_in_force``): an
# identifier like any other, but never to be printed for people (outside backquotes).
_ENUM_VALUES = frozenset(
    key
    for table in (
        wording.STATUS,
        wording.EVENT_KIND,
        wording.CLEANUP_OUTCOME,
        wording.PROVENANCE_KIND,
        wording.DISCLOSURE_ATTRIBUTE,
        wording.INTERPRETATION_FORM,
        wording.TEXT_ORIGIN,
    )
    for key in table
)
_ENUM = re.compile(
    r"(?<![`\w])(" + "|".join(sorted(_ENUM_VALUES, key=len, reverse=True)) + r")(?![`\w])"
)


def latin_words(texts: Iterable[str | None]) -> set[str]:
    """The Latin words (two letters or more) the texts hold."""
    return {word for text in texts if text for word in _WORD.findall(text)}


def english_words(
    line: str, data: Iterable[str] = (), data_words: frozenset[str] = frozenset()
) -> list[str]:
    """The English words of ``line`` that are neither names, identifiers nor data.

    Args:
        line: one line of output.
        data: strings of the documents' own data to take out first (titles, numbers …).
        data_words: Latin words the documents' own text holds (allowed anywhere).
    """
    for text in sorted((d for d in data if d), key=len, reverse=True):
        if text in line:
            line = line.replace(text, " ")
    values = [found for found in _ENUM.findall(line) if "_" in found]
    for span in _SPANS:
        line = span.sub(" ", line)
    return values + [
        word
        for word in _WORD.findall(line)
        if word not in NAMES and not word.isupper() and word not in data_words
    ]


__all__ = ["GLUE", "NAMES", "english_words", "latin_words"]
