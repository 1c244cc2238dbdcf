"""Run independent jobs on every core (``concurrent.futures.ProcessPoolExecutor``).

Workers are forked when that is safe (POSIX, and the build process runs no other
thread): they start at once with Pillow already imported, and nothing re-runs the
parent's main script. Otherwise (threads, or no fork) they are spawned. A pool
is created only when
there are at least two jobs, so a warm rebuild (everything cached) starts no
process. A job that raises, or a worker that dies, gives that job's exception as
its result instead of stopping the others.
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


def run_all(fn: Callable[[J], R], jobs: Sequence[J], workers: int | None = None) -> tuple[list[R | BaseException], int]:
    """``[fn(job) or the exception it raised, ...]`` in job order, and the number of processes used."""
    jobs = list(jobs)
    n = min(len(jobs), workers or cpu_count())
    if n <= 1:
        out: list[R | BaseException] = []
        for job in jobs:
            try:
                out.append(fn(job))
            except Exception as exc:  # reported per job by the caller
                out.append(exc)
        return out, min(1, len(jobs))
    with ProcessPoolExecutor(n, mp_context=_context()) as pool:
        futures = [pool.submit(fn, job) for job in jobs]
        results: list[R | BaseException] = []
        for fut in futures:
            try:
                results.append(fut.result())
            except Exception as exc:
                results.append(exc)
    return results, n
