"""Readers and parsers that turn files into archive documents.

This package builds on :mod:`gazette` (the model and the archive); :mod:`gazette` never imports
it. The entry point is :func:`ingest_paths`.
"""

from ingest.pipeline import BatchReport, FileResult, ingest_paths

__all__ = ["BatchReport", "FileResult", "ingest_paths"]
