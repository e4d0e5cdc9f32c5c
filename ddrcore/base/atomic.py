"""Files replaced whole: written beside the old one, flushed to disk, renamed over it.

``os.replace`` is atomic, so a crash or a kill mid-write leaves the old file or the new one,
never a part of either; a reader (OBS's image source, a spreadsheet) never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

_NEW_FILE_MODE = 0o644


def write_atomic(path: Path, write: Callable[[IO[bytes]], object], durable: bool = True) -> None:
    """Replace ``path`` with what ``write`` writes to the binary file it is given. ``durable``:
    on disk before it replaces the old (a record); else only whole (a picture redrawn soon)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp makes a private file: keep the old file's mode, or make it readable as any new file.
    mode = path.stat().st_mode & 0o777 if path.exists() else _NEW_FILE_MODE
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        os.chmod(partial, mode)
        with os.fdopen(handle, "wb") as file:
            write(file)
            file.flush()
            if durable:
                os.fsync(file.fileno())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    write_atomic(path, lambda file: file.write(data), durable)
