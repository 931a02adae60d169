"""Atomic file writes: temp file beside the target, fsync, rename, fsync the folder (security.md 2.9)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# `.tmp-<pid>-...`: the pid lets kg.manifest.clean_stale_temp tell a killed writer's leftover from a
# live writer's file.
TEMP_PREFIX = ".tmp-"


def write_atomically(path: str | Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash at any point leaves the old file or the new one,
    never a part; the temp file is removed on failure. Raises OSError (callers wrap it)."""
    target = Path(path)
    folder = target.parent.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=target.name[-40:])
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        dir_fd = os.open(folder, os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
