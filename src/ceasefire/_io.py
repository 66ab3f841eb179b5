"""Writing the files the user names: atomic writes of text output."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ._errors import InputError

__all__ = ["atomic_write_text"]


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically: a reader sees the old file or the new one."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(
            f"cannot write: directory {str(directory)!r} does not exist", file=str(path)
        )
    if target.is_dir():
        raise InputError("cannot write: it is a directory", file=str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
