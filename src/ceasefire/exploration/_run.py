"""Running worlds in chunks: serially, on a local Dask cluster or on an existing one.

The worlds' results go, chunk by chunk as each finishes, to a Parquet dataset::

    OUT/manifest.json            what was run (method, sizes, seed, inputs, scenario hash)
    OUT/design.parquet           every world's inputs (written before any world runs)
    OUT/worlds/part-000042.parquet   the worlds of chunk 42: world, world_seed, inputs,
                                     outputs (one row per world)

A chunk file appears only once complete (written to a temporary name, flushed,
then renamed), so after a kill (SIGINT or SIGKILL) ``resume`` finds exactly the
chunks that finished, deletes stray temporary files, and runs the others: no
world is lost or computed twice. A world's result depends only on the seed and
its index, so the dataset is the same for any chunk size or number of workers.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .._errors import InputError
from .._io import read_text

__all__ = ["Store", "parse_scheduler", "run_chunks", "tune_worker_malloc"]

F = NDArray[np.float64]
Evaluator = Callable[..., dict[str, NDArray[Any]]]
MANIFEST = "manifest.json"
PART = re.compile(r"^part-(\d{6})\.parquet$")
FORMAT = 1
MAX_MANIFEST_BYTES = 16 * 2**20  # a manifest is a few kB: the inputs' names and ranges


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:197] + "..."


def max_local_workers() -> int:
    """The most ``local:K`` workers: 4 a CPU (at least 8, at most 1024). Each is a process
    that imports numpy and the engine (about 150 MB), so K = 999 on a laptop would exhaust
    its memory before any world ran."""
    return min(1024, max(8, 4 * (os.cpu_count() or 1)))


def parse_scheduler(spec: str) -> tuple[str, int | str | None]:
    """``local`` -> (serial, None); ``local:K`` -> (local, K); ``tcp://H:P`` -> (tcp, address)."""
    if spec == "local":
        return "serial", None
    m = re.fullmatch(r"local:(\d{1,9})", spec)
    if m:
        k = int(m.group(1))
        hi = max_local_workers()
        if not 1 <= k <= hi:
            raise InputError(
                f"--scheduler {spec!r}: K must lie in [1, {hi}] on this machine (4 workers a "
                "CPU at most, each a process of its own; for more, start a Dask cluster and "
                "pass tcp://HOST:PORT)"
            )
        return "local", k
    if re.fullmatch(r"tcp://[^\s/:]+:\d{1,5}", spec):
        return "tcp", spec
    raise InputError(f"--scheduler {spec!r}: expected local, local:K or tcp://HOST:PORT")


class Store:
    """The Parquet dataset of one exploration (see the module docstring)."""

    def __init__(self, out: str | Path) -> None:
        self.root = Path(out)
        self.parts = self.root / "worlds"

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def exists(self) -> bool:
        return self.manifest_path.exists()

    def create(self, manifest: dict[str, Any], design: pd.DataFrame) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise InputError(f"--out {str(self.root)!r} is a file, not a directory")
        if self.exists():
            raise InputError(
                f"--out {str(self.root)!r} already holds an exploration: "
                "add --resume to complete it, or choose another directory"
            )
        if self.parts.exists() and any(self.parts.iterdir()):
            raise InputError(f"--out {str(self.root)!r} holds world files but no manifest")
        self.parts.mkdir(parents=True, exist_ok=True)
        self._write_parquet(design, self.root / "design.parquet")
        self._write_text(self.manifest_path, json.dumps({**manifest, "format": FORMAT}, indent=2))

    def open(self, manifest: dict[str, Any]) -> pd.DataFrame:
        """Check that the stored run is this one; return its design."""
        if not self.exists():
            raise InputError(f"--resume: {str(self.root)!r} holds no exploration to resume")
        stored = self._manifest()
        for key, val in manifest.items():
            if key == "chunk_size":
                continue
            if stored.get(key) != val:
                raise InputError(
                    f"--resume: {str(self.root)!r} was run with a different {key} "
                    f"({stored.get(key)!r}, now {val!r})"
                )
        for tmp in self.parts.glob(".part-*.tmp*"):
            tmp.unlink()  # a chunk being written when the run was killed
        return self._read_parquet(self.root / "design.parquet")

    def _manifest(self) -> dict[str, Any]:
        """The stored manifest, checked: one clear line for a damaged or foreign file."""
        path = str(self.manifest_path)
        text = read_text(self.manifest_path, limit=MAX_MANIFEST_BYTES, what="manifest")
        try:
            stored = json.loads(text)
        except (ValueError, RecursionError) as exc:
            msg = f"not an exploration's manifest (invalid JSON: {_one_line(exc)})"
            raise InputError(msg, file=path) from None
        if not isinstance(stored, dict) or stored.get("format") != FORMAT:
            raise InputError(f"not an exploration's manifest (format {FORMAT})", file=path)
        return stored

    def stored_chunk_size(self) -> int:
        chunk = self._manifest().get("chunk_size")
        if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
            raise InputError(
                f"the manifest's chunk_size {chunk!r} is not a whole number >= 1",
                file=str(self.manifest_path),
            )
        return chunk

    def done(self) -> set[int]:
        if not self.parts.exists():
            return set()
        return {int(m.group(1)) for p in self.parts.iterdir() if (m := PART.match(p.name))}

    def write_chunk(self, chunk: int, frame: pd.DataFrame) -> None:
        self._write_parquet(frame, self.parts / f"part-{chunk:06d}.parquet")

    def read(self) -> pd.DataFrame:
        files = sorted(p for p in self.parts.iterdir() if PART.match(p.name))
        if not files:
            return pd.DataFrame()
        frame = pd.concat([self._read_parquet(p) for p in files], ignore_index=True)
        return frame.sort_values("world", kind="stable").reset_index(drop=True)

    @staticmethod
    def _read_parquet(path: Path) -> pd.DataFrame:
        """One stored Parquet file; a damaged one is named (the store writes each file
        whole, by a rename, so damage comes from outside the run)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:  # on this thread: Arrow's pools of C++ threads can abort the process at exit
            # ("terminate called without an active exception", apache/arrow#34314, #39862)
            table = pq.read_table(path, use_threads=False, pre_buffer=False)  # no I/O pool
            return table.to_pandas(use_threads=False)
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise InputError(
                f"not a readable Parquet file of this exploration ({_one_line(exc)}); "
                "delete it and add --resume to compute its worlds again",
                file=str(path),
            ) from None

    @staticmethod
    def _write_parquet(frame: pd.DataFrame, target: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
        table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)  # see above
        with open(tmp, "wb") as fh:
            pq.write_table(table, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)

    @staticmethod
    def _write_text(target: Path, text: str) -> None:
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)


def scenario_hash(sc: Any) -> str:
    data = sc.model_dump(mode="json", exclude_none=True)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def eval_chunk(
    evaluator: Evaluator,
    scenario: Any,
    names: list[str],
    x: F,
    world_ids: NDArray[np.int64],
    kwargs: Mapping[str, Any],
) -> pd.DataFrame:
    """Evaluate one chunk of worlds; one row per world (inputs, seed, outputs)."""
    inputs = {n: x[:, j] for j, n in enumerate(names)}
    res = evaluator(scenario, inputs, world_ids=world_ids, **kwargs)
    frame = pd.DataFrame({"world": world_ids.astype(np.int64)})
    if "world_seed" in res:
        frame["world_seed"] = np.asarray(res["world_seed"], dtype=np.uint64)
    for j, n in enumerate(names):
        frame[n] = x[:, j]
    for key, arr in res.items():
        if key == "_p_by_month_source":
            frame["p_by_month_source"] = str(np.asarray(arr).ravel()[0])
            continue
        if key.startswith("_") or key == "world_seed":
            continue
        a = np.asarray(arr)
        frame[key] = list(a) if a.ndim == 2 else a
    return frame


# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 * 2**20  # glibc's ceiling for its own dynamic mmap threshold
_TRIM_THRESHOLD = 2 * _MMAP_THRESHOLD  # the trim threshold glibc pairs with it
_malloc_tuned: bool | None = None  # set on a worker's first chunk


def tune_worker_malloc() -> bool:
    """Let a Dask worker's glibc malloc reuse freed arrays instead of returning them.

    Dask's nanny starts every worker with ``MALLOC_TRIM_THRESHOLD_=65536``
    (``distributed.nanny.pre-spawn-environ``). Setting any malloc threshold turns off
    glibc's dynamic mmap threshold, so every array over 128 kB is mmap-ed fresh and
    unmapped when freed: the engine's many short-lived (paths x months) temporaries
    then page-fault in zeroed memory at every step. Measured on the default scenario
    (6 worlds, 200 paths, claims, one process): 0.32 s system CPU and 0.19 M page
    faults without the variable, 2.19 s and 2.4 M with it, 0.04 s and 0.01 M with
    the thresholds set here -- the system CPU that made two workers only 1.3 times
    as fast as one. Fixed thresholds of 32 MB (mmap) and 64 MB (trim) keep arrays
    up to 32 MB in the heap for reuse; a worker holds at most 64 MB of freed memory
    more than before. Results do not change (the allocator does not touch values).
    Applied once per worker process on its first chunk, so it also covers workers
    started by ``dask worker`` for ``--scheduler tcp://``; a no-op where the C
    library is not glibc, or with ``CEASEFIRE_WORKER_MALLOC=0`` in the worker's
    environment (to leave a shared cluster's workers as they are, or to measure the
    difference). Returns whether the thresholds were set.
    """
    global _malloc_tuned
    if _malloc_tuned is None:
        _malloc_tuned = _mallopt_thresholds()
    return _malloc_tuned


def _mallopt_thresholds() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    if os.environ.get("CEASEFIRE_WORKER_MALLOC", "1") == "0":
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl or another C library: leave it alone
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    ok = mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD) == 1
    return bool(mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD) == 1 and ok)


def eval_chunk_on_worker(
    evaluator: Evaluator,
    scenario: Any,
    names: list[str],
    x: F,
    world_ids: NDArray[np.int64],
    kwargs: Mapping[str, Any],
) -> pd.DataFrame:
    """:func:`eval_chunk` as a Dask task: tunes the worker's malloc first (once)."""
    tune_worker_malloc()
    return eval_chunk(evaluator, scenario, names, x, world_ids, kwargs)


# The environment of a local cluster's worker processes. One malloc arena: a Dask
# task runs in a worker thread, and glibc gives threads other than the main one their
# own arenas of 64 MB heaps, which it unmaps as soon as one is empty -- the engine's
# large temporaries then fault their pages in afresh at every step, whatever the
# thresholds (6 worlds, 200 paths, claims, in one worker with the thresholds of
# tune_worker_malloc: 0.75 s system CPU and 155,000 page faults; with one arena 0.11 s
# and 900). One thread for BLAS, OpenMP and numba: one task per worker process
# (Dask's defaults already set the first three).
WORKER_ENV = {
    "MALLOC_ARENA_MAX": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
}


@contextmanager
def _client(kind: str, arg: int | str | None) -> Iterator[Any]:
    from distributed import Client

    if kind == "local":
        import logging

        import dask
        from distributed import LocalCluster

        # set in each worker process before it starts (its allocator and thread pools
        # read them once); the user's own environment variables of these names win
        env = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {})
        env.update(WORKER_ENV)
        with dask.config.set({"distributed.nanny.pre-spawn-environ": env}):
            cluster = LocalCluster(
                silence_logs=logging.ERROR,  # no nanny warnings on the user's terminal at close
                n_workers=int(arg or 1),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                # a free port: with None the scheduler's HTTP server still takes :8787 and
                # warns (an error under -W error) when another cluster holds it
                dashboard_address=":0",
            )
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
            cluster.close()
    else:
        try:
            client = Client(str(arg), timeout="5s")
        except OSError as exc:
            raise InputError(
                f"--scheduler {arg}: cannot reach the Dask scheduler ({exc})"
            ) from None
        try:
            yield client
        finally:
            client.close()


def run_chunks(
    evaluator: Evaluator,
    scenario: Any,
    names: list[str],
    x: F,
    *,
    chunk_size: int,
    todo: list[int],
    kwargs: Mapping[str, Any],
    scheduler: str = "local",
    on_chunk: Callable[[int, pd.DataFrame], None],
) -> None:
    """Evaluate the chunks ``todo`` of the design ``x``; call ``on_chunk`` as each finishes."""
    kind, arg = parse_scheduler(scheduler)
    n = x.shape[0]

    def rows(c: int) -> NDArray[np.int64]:
        return np.arange(c * chunk_size, min((c + 1) * chunk_size, n), dtype=np.int64)

    if kind == "serial":
        for c in todo:
            ids = rows(c)
            on_chunk(c, eval_chunk(evaluator, scenario, names, x[ids], ids, kwargs))
        return
    from distributed import as_completed

    with _client(kind, arg) as client:
        [sc_f] = client.scatter([scenario], broadcast=True)
        futures = {}
        for c in todo:
            ids = rows(c)
            fut = client.submit(
                eval_chunk_on_worker,
                evaluator,
                sc_f,
                names,
                x[ids],
                ids,
                dict(kwargs),
                pure=False,
            )
            futures[fut] = c
        for fut in as_completed(futures):
            on_chunk(futures[fut], fut.result())


class Progress:
    """Rich progress over worlds with an ETA, on a terminal only."""

    def __init__(self, total: int, done: int, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.perf_counter()
        self._prog: Any = None
        if enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._prog = RichProgress(
                TextColumn("worlds"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                transient=True,
            )
            self._task = self._prog.add_task("worlds", total=total, completed=done)

    def __enter__(self) -> Progress:
        if self._prog is not None:
            self._prog.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._prog is not None:
            self._prog.stop()

    def advance(self, k: int) -> None:
        if self._prog is not None:
            self._prog.update(self._task, advance=k)
