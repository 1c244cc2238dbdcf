"""Run independent jobs on every core (``concurrent.futures.ProcessPoolExecutor``).

Workers are forked when that is safe (POSIX, and the build process runs no other
thread): they start at once with Pillow already imported, and nothing re-runs the
parent's main script. Otherwise (threads, or no fork) they are spawned. A pool
is created only when
there are at least two jobs, so a warm rebuild (everything cached) starts no
process. A job that raises, or a worker that dies, gives that job's exception as
its result instead of stopping the others.

One media step runs several kinds of job one after another (portraits, then the
share cards drawn from them, badges, QR codes). :class:`Pool` lets them share one
set of worker processes: pass it where a number of workers is expected, and the
processes are started once, by the first batch that needs them, and stopped when
the ``with`` block ends.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Sequence, TypeVar

J = TypeVar("J")
R = TypeVar("R")


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _context():
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class Pool:
    """Worker processes shared by several :func:`run_all` calls (``with Pool(n) as pool``)."""

    def __init__(self, workers: int | None = None):
        self.size = workers or cpu_count()
        self._executor: ProcessPoolExecutor | None = None
        self.started = 0  # times processes were started (0 or 1)

    def executor(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(self.size, mp_context=_context())
            self.started += 1
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown()
            self._executor = None

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def size(workers: int | None | Pool) -> int:
    """How many processes ``workers`` (a number, None for one per core, or a :class:`Pool`) means."""
    if isinstance(workers, Pool):
        return workers.size
    return workers or cpu_count()


def run_all(fn: Callable[[J], R], jobs: Sequence[J], workers: int | None | Pool = None) -> tuple[list[R | BaseException], int]:
    """``[fn(job) or the exception it raised, ...]`` in job order, and the number of processes used.
    ``workers``: a number of processes (None: one per core), or a shared :class:`Pool`."""
    jobs = list(jobs)
    n = min(len(jobs), size(workers))
    if n > 1 and isinstance(workers, Pool):
        return _collect([workers.executor().submit(fn, job) for job in jobs]), n
    if n <= 1:
        out: list[R | BaseException] = []
        for job in jobs:
            try:
                out.append(fn(job))
            except Exception as exc:  # reported per job by the caller
                out.append(exc)
        return out, min(1, len(jobs))
    with ProcessPoolExecutor(n, mp_context=_context()) as pool:
        return _collect([pool.submit(fn, job) for job in jobs]), n


def _collect(futures: list) -> list:
    results = []
    for fut in futures:
        try:
            results.append(fut.result())
        except Exception as exc:
            results.append(exc)
    return results
