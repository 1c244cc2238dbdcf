"""One set of worker processes for the whole media step (gongjiang_pipeline.media.parallel)."""

import os

from gongjiang_pipeline.media.parallel import Pool, run_all


def _pid_and_square(x: int) -> tuple[int, int]:
    if x < 0:
        raise ValueError(f"negative: {x}")
    return os.getpid(), x * x


def test_batches_share_one_pool_and_keep_job_order():
    with Pool(2) as pool:
        first, n1 = run_all(_pid_and_square, range(6), pool)
        second, n2 = run_all(_pid_and_square, [7, -1, 3], pool)
        assert pool.started == 1  # the second batch reused the processes
    assert (n1, n2) == (2, 2)
    assert [sq for _, sq in first] == [0, 1, 4, 9, 16, 25]
    assert second[0][1] == 49 and isinstance(second[1], ValueError) and second[2][1] == 9
    pids = {pid for pid, _ in first} | {second[0][0], second[2][0]}
    assert os.getpid() not in pids and len(pids) <= 2


def test_a_pool_starts_no_process_for_a_single_job_or_none():
    with Pool(2) as pool:
        assert run_all(_pid_and_square, [], pool) == ([], 0)
        ((pid, sq),), n = run_all(_pid_and_square, [5], pool)
        assert (pid, sq, n, pool.started) == (os.getpid(), 25, 1, 0)
