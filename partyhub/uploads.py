"""Uploads worked on in the background: stored as they stream in, with progress.

A web worker copies the upload to a directory in chunks (hashed on the way) and
never holds it whole; a Celery task then reads it row by row and reports the rows
read so far through the cache, which the page polls. Used by the supporters
import; the national members import has the same steps in members/imports.
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.cache import cache

from partyhub.ratelimit import CACHE_UNAVAILABLE

CHUNK = 1024 * 1024


@dataclass
class StoredUpload:
    path: Path  # a temporary name in the directory: move it, or it is removed
    sha256: str
    size: int


def upload_dir(configured: Any, fallback: str) -> Path:
    path = Path(configured or Path(tempfile.gettempdir()) / fallback)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def stored_upload(upload: Any, directory: Path):
    """Copy `upload` (anything with chunks()) into `directory` in chunks; yields a
    StoredUpload whose file is removed on exit unless the caller moved it."""
    partial = directory / f"upload-{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with partial.open("wb") as out:
            partial.chmod(0o600)
            for chunk in upload.chunks(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        yield StoredUpload(partial, digest.hexdigest(), size)
    finally:
        partial.unlink(missing_ok=True)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def progress_recorder(key: str) -> Callable[[int], None]:
    """A callback a task calls with the rows read so far."""

    def record(rows: int) -> None:
        with contextlib.suppress(*CACHE_UNAVAILABLE):
            cache.set(key, rows, timeout=3600)

    return record


def progress_read(key: str) -> int | None:
    try:
        return cache.get(key)
    except CACHE_UNAVAILABLE:
        return None


def forget_old_files(directory: Path, pattern: str, seconds: int) -> None:
    """Stored uploads nobody applied are deleted after `seconds`."""
    cutoff = time.time() - seconds
    for path in directory.glob(pattern):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue  # another process removed it
