"""Staging folders that a process killed mid-way leaves behind, and who cleans them.

A bag (and anything else built beside its destination and moved in once complete) is built in
a staging folder that may hold text the public may not see (``--view internal``). While it is
being built, its owner holds an exclusive lock on ``<folder>.lock`` next to it, and the folder
is registered in the archive (``<archive>/staging/``). A lock that can be taken means the
owner is gone: :func:`clean` removes the folder, its lock file and its registration. The next
writer of the archive cleans every registered folder; the next bag built in the same parent
folder also cleans unregistered ones there.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_SUFFIX = ".lock"


def _registry(archive_root: Path) -> Path:
    return archive_root / "staging"


def _entry(archive_root: Path, folder: Path) -> Path:
    name = hashlib.sha256(str(folder).encode("utf-8")).hexdigest()[:32]
    return _registry(archive_root) / name


def _abandoned(folder: Path) -> bool:
    """Whether no live process owns a staging folder (its lock can be taken, or is gone)."""
    lock = folder.with_name(folder.name + _SUFFIX)
    try:
        handle = open(lock, "a+")  # noqa: SIM115 - closed below
    except OSError:
        return not lock.exists()
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    return True


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    with contextlib.suppress(OSError):
        folder.with_name(folder.name + _SUFFIX).unlink()


def clean(archive_root: Path, *, beside: Path | None = None, prefix: str = "") -> list[Path]:
    """Remove staging folders whose owner is gone: those registered in the archive, and those
    in ``beside`` whose names start with ``prefix``. Returns the folders removed."""
    removed: list[Path] = []
    registry = _registry(archive_root)
    if registry.is_dir():
        for entry in sorted(registry.iterdir()):
            try:
                folder = Path(entry.read_text("utf-8").strip())
            except (OSError, UnicodeDecodeError):
                continue
            if not folder.exists() or _abandoned(folder):
                if folder.exists():
                    _remove(folder)
                    removed.append(folder)
                with contextlib.suppress(OSError):
                    folder.with_name(folder.name + _SUFFIX).unlink()
                with contextlib.suppress(OSError):
                    entry.unlink()
    if beside is not None and prefix and beside.is_dir():
        for folder in sorted(beside.glob(prefix + "*")):
            if folder.name.endswith(_SUFFIX):
                owner = folder.with_name(folder.name[: -len(_SUFFIX)])
                if not owner.exists() and _abandoned(owner):
                    _remove(owner)  # a lock whose folder is gone
            elif folder.is_dir() and folder not in removed and _abandoned(folder):
                _remove(folder)
                removed.append(folder)
    return removed


@contextlib.contextmanager
def staging(archive_root: Path, parent: Path, prefix: str) -> Iterator[Path]:
    """A new staging folder in ``parent``, locked and registered while the block runs; it is
    removed afterwards unless the block moved it away."""
    parent.mkdir(parents=True, exist_ok=True)
    clean(archive_root, beside=parent, prefix=prefix)
    # The lock comes first, so that no cleaner ever sees the folder unlocked.
    fd, lock_name = tempfile.mkstemp(dir=parent, prefix=prefix, suffix=_SUFFIX)
    handle = os.fdopen(fd, "a+")
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
    lock = Path(lock_name)
    folder = lock.with_name(lock.name[: -len(_SUFFIX)])
    folder.mkdir()
    entry = _entry(archive_root, folder)
    try:
        with contextlib.suppress(OSError):
            entry.parent.mkdir(parents=True, exist_ok=True)
            entry.write_text(str(folder) + "\n", "utf-8")
        yield folder
    finally:
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            entry.unlink()
        with contextlib.suppress(OSError):
            os.unlink(lock)
        handle.close()


__all__ = ["clean", "staging"]
