"""Reading and writing the files a user names, safely.

Reading (:func:`read_text`): only regular files (a device such as ``/dev/zero``, a FIFO
or a directory is refused before it is opened, so nothing is read forever and nothing
blocks), at most ``limit`` bytes (checked from the file's size before reading, and again
while reading), UTF-8 only (a UTF-16 byte-order mark or NUL bytes are named as such).

Writing (:func:`write_text`): a regular file (or a new one) is replaced atomically — a
temporary file in the same directory, then ``os.replace`` — so a reader sees the old file
or the new one and an error leaves nothing behind; the new file gets the mode the user's
umask gives (``mkstemp``'s 0600 is not kept), or the old file's mode when it replaces one.
Anything else is written in place, never replaced: a character device (``/dev/null``,
``/dev/stdout``, ``/dev/full`` — whose "disk full" is reported), a FIFO, and a file with
other hard links (replacing it would break the links). A symbolic link is followed: its
target is written, the link stays.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from ._errors import InputError

__all__ = [
    "MAX_INPUT_BYTES",
    "check_writable",
    "decode_text",
    "read_bytes",
    "read_text",
    "write_text",
]

#: The largest input file read (scenario, lever file, KTAB CSV/XML, one-issue CSV, DEU TSV).
MAX_INPUT_BYTES = 16 * 1024 * 1024


def _os_message(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the device (disk full)"
    return exc.strerror or str(exc)


def read_text(
    path: str | os.PathLike[str], *, limit: int = MAX_INPUT_BYTES, what: str = "file"
) -> str:
    """Return the UTF-8 text of the regular file ``path`` (at most ``limit`` bytes)."""
    return decode_text(read_bytes(path, limit=limit, what=what), file=str(path), what=what)


def read_bytes(
    path: str | os.PathLike[str], *, limit: int = MAX_INPUT_BYTES, what: str = "file"
) -> bytes:
    """Return the bytes of the regular file ``path`` (at most ``limit`` bytes)."""
    name = str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError("file not found", file=name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {_os_message(exc)}", file=name) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"is a directory, not a {what}", file=name)
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"not a regular file (a device, FIFO or socket), not a {what}", file=name)
    if st.st_size > limit:
        raise InputError(
            f"the {what} is {st.st_size:,} bytes; the limit is {limit:,} bytes", file=name
        )
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {_os_message(exc)}", file=name) from None
    if len(data) > limit:
        raise InputError(f"the {what} is larger than the limit of {limit:,} bytes", file=name)
    return data


def decode_text(data: bytes, *, file: str, what: str = "file") -> str:
    """Decode UTF-8 (a UTF-8 byte-order mark is dropped); name UTF-16 and binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"the {what} is UTF-16; save it as UTF-8", file=file)
    if b"\x00" in data:
        raise InputError(f"the {what} holds NUL bytes: a binary file, not text", file=file)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r})", file=file
        ) from None
    return text.removeprefix("\ufeff")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _target(path: str | os.PathLike[str]) -> tuple[str, Path, os.stat_result | None]:
    """(name, the resolved path, its stat or None): what :func:`write_text` would write,
    with the errors it can tell before writing."""
    name = str(path)
    if name.endswith(os.sep) or name.endswith("/"):
        raise InputError("cannot write: the name ends in '/', which names a directory", file=name)
    target = Path(path)
    try:
        resolved = target.resolve()  # follow symbolic links: write the target, keep the link
    except (OSError, RuntimeError) as exc:
        raise InputError(f"cannot write: {exc}", file=name) from None
    try:
        st: os.stat_result | None = os.stat(resolved)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InputError(f"cannot write: {_os_message(exc)}", file=name) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InputError("cannot write: it is a directory", file=name)
    if st is None or (stat.S_ISREG(st.st_mode) and st.st_nlink == 1):
        if not resolved.parent.is_dir():
            raise InputError(
                f"cannot write: directory {str(target.parent)!r} does not exist", file=name
            )
    return name, resolved, st


def check_writable(path: str | os.PathLike[str]) -> None:
    """Raise the error :func:`write_text` would raise for ``path`` that can be told before
    any work (a directory, a missing or read-only directory, a read-only file), so that
    a long command fails at once, not after its work."""
    name, resolved, st = _target(path)
    if st is not None and not stat.S_ISREG(st.st_mode):
        return  # a device or FIFO: written in place
    where = resolved if st is not None and st.st_nlink > 1 else resolved.parent
    if not os.access(where, os.W_OK):
        raise InputError(f"cannot write: permission denied ({str(where)!r})", file=name)


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path``: atomically where that is safe, in place where it is not."""
    name, resolved, st = _target(path)
    data = text.encode("utf-8")
    if st is not None and (not stat.S_ISREG(st.st_mode) or st.st_nlink > 1):
        _write_in_place(resolved, data, name)
        return
    directory = resolved.parent
    mode = stat.S_IMODE(st.st_mode) if st is not None else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{resolved.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(f"cannot write: {_os_message(exc)}", file=name) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
        os.replace(tmp, resolved)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise InputError(f"cannot write: {_os_message(exc)}", file=name) from None
        raise


def _write_in_place(path: Path, data: bytes, name: str) -> None:
    try:
        with open(path, "wb") as fh:
            fh.write(data)
            fh.flush()
    except OSError as exc:
        raise InputError(f"cannot write: {_os_message(exc)}", file=name) from None
