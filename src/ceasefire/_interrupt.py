"""Ctrl-C while numba compiles code or loads it from its cache.

llvmlite calls back into Python (ctypes callbacks) while it builds or loads machine code.
An exception raised inside such a callback, as the KeyboardInterrupt of a Ctrl-C can be,
is printed with its traceback and dropped: the command would run on to the end with a
traceback on screen. So the first call of each compiled kernel compiles (or loads) it
first with SIGINT held, then delivers a Ctrl-C that came meanwhile (a few tenths of a
second at most when loading from the cache).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["call_compiled", "compile_for", "sigint_held"]


@contextmanager
def sigint_held() -> Iterator[None]:
    """Hold SIGINT for the block, then deliver it if one came (main thread only: a
    signal handler cannot be set elsewhere, and only the main thread gets SIGINT)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []
    old = signal.signal(signal.SIGINT, lambda signum, frame: got.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old if old is not None else signal.SIG_DFL)
        if got:
            signal.raise_signal(signal.SIGINT)


def compile_for(dispatcher: Any, args: tuple[Any, ...]) -> None:
    """Compile numba's ``dispatcher`` for the types of ``args`` (or load it from the
    cache) with SIGINT held; the call itself then runs as usual, interruptible."""
    with sigint_held():
        dispatcher.compile(tuple(dispatcher.typeof_pyval(a) for a in args))


_READY: set[Any] = set()  # the compiled functions loaded (or compiled) in this process


def call_compiled(dispatcher: Any, *args: Any) -> None:
    """Call numba's ``dispatcher``; on its first call in this process, compile or load it
    first with SIGINT held (:func:`compile_for`)."""
    if dispatcher not in _READY:
        compile_for(dispatcher, args)
        _READY.add(dispatcher)
    dispatcher(*args)
