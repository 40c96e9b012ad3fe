"""Files that other processes may be reading while they are written."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path


def write_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``path`` whole or not at all: a reader sees the old file or the new one, never a
    part (a temporary file beside it, renamed over it). ``mode``: the new file's permissions
    exactly (whatever the umask); default as the umask gives. Raises ``OSError``."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.unlink(missing_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(temporary, flags, 0o666 if mode is None else mode)
        with os.fdopen(descriptor, "wb") as file:
            if mode is not None:
                os.fchmod(file.fileno(), mode)
            file.write(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise


def remove_unused(keep: Path, pattern: str, max_age: float) -> None:
    """Remove the files beside ``keep`` that match ``pattern`` and were not modified for
    ``max_age`` seconds (other versions of it that nothing uses any more)."""
    for old in keep.parent.glob(pattern):
        if old != keep and time.time() - old.stat().st_mtime > max_age:
            old.unlink(missing_ok=True)
