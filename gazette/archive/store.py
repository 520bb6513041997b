"""The content-addressed store of original files.

Every original is kept once, under ``objects/<first two hex>/<sha256>``. Writes go to a
temporary file in the same directory, are flushed to disk, then renamed into place, so an object
is either wholly present or absent. An object whose catalog row was never committed (a crash
between the two) is an orphan: harmless, reported by ``verify`` and removable.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1 << 20


def sha256_file(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ObjectStore:
    """Originals stored under their SHA-256.

    Args:
        root: the ``objects`` directory.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        """Where an object lives (whether or not it exists)."""
        return self.root / sha256[:2] / sha256

    def __contains__(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put_file(self, source: str | os.PathLike[str], sha256: str) -> Path:
        """Copy a file into the store, verifying its hash on the way. Idempotent.

        Raises:
            ValueError: the bytes copied do not hash to ``sha256`` (the file changed).
        """
        with open(source, "rb") as handle:
            return self.put_stream(handle, sha256)

    def put_bytes(self, data: bytes, sha256: str) -> Path:
        """Store bytes under their hash. Idempotent."""
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("data does not match its hash")
        target = self.path(sha256)
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        self._atomic_write(target, [data])
        return target

    def put_stream(self, stream: BinaryIO, sha256: str) -> Path:
        """Store a binary stream under its hash. Idempotent."""
        target = self.path(sha256)
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()

        def chunks() -> Iterator[bytes]:
            for chunk in iter(lambda: stream.read(_CHUNK), b""):
                digest.update(chunk)
                yield chunk

        self._atomic_write(target, chunks(), verify=lambda: digest.hexdigest() == sha256)
        return target

    def _atomic_write(
        self, target: Path, chunks: Iterator[bytes] | list[bytes], verify: object = None
    ) -> None:
        fd, tmp = tempfile.mkstemp(prefix=_incoming_prefix(), dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if callable(verify) and not verify():
                raise ValueError(f"bytes written for {target.name} do not match their hash")
            os.chmod(tmp, 0o444)
            os.replace(tmp, target)
            _fsync_dir(target.parent)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def read_bytes(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def verify(self, sha256: str) -> bool | None:
        """Re-hash an object: ``True`` if intact, ``False`` if changed, ``None`` if missing."""
        path = self.path(sha256)
        if not path.is_file():
            return None
        return sha256_file(path) == sha256

    def __iter__(self) -> Iterator[str]:
        """Every object's hash (temporary files excluded)."""
        for sub in sorted(self.root.iterdir()):
            if sub.is_dir() and len(sub.name) == 2:
                for entry in sorted(sub.iterdir()):
                    if len(entry.name) == 64 and not entry.name.startswith("."):
                        yield entry.name

    def leftovers(self) -> list[Path]:
        """Temporary files left by an interrupted write: those of a process of this machine
        that is gone, or of another machine and older than a day (writers copy originals in
        before they take the write lock, so a temporary file may be another writer's, at
        work now), or named in no writer's way."""
        return sorted(p for p in self.root.glob("*/.incoming-*") if _abandoned(p))

    def remove(self, sha256: str) -> None:
        """Delete an object (used to clean up orphans)."""
        path = self.path(sha256)
        if path.exists():
            os.chmod(path, 0o644)
            path.unlink()


_INCOMING = ".incoming-"
_STALE = 24 * 3600.0


def _incoming_prefix() -> str:
    """The start of a temporary file's name: its writer's process and machine."""
    return f"{_INCOMING}{os.getpid()}@{socket.gethostname()}."


def _abandoned(path: Path) -> bool:
    """Whether a temporary file's writer is gone (see :meth:`ObjectStore.leftovers`)."""
    owner = path.name[len(_INCOMING) :]
    pid, at, rest = owner.partition("@")
    if not at or not pid.isdigit() or "." not in rest:
        return True
    host = rest.rsplit(".", 1)[0]
    if host == socket.gethostname():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except (PermissionError, OverflowError):
            return False
        return False
    try:
        return time.time() - path.stat().st_mtime > _STALE
    except OSError:
        return False


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
