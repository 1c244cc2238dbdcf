"""Time the selection engine alone on one large in-memory edition (run as a child process).

    python -m bench.engine_bench 100000 [--seed N]

Generates one edition of N candidates with every stage's data as pydantic
records (no YAML, no files), then times ``engine.run`` and each stage inside it.
Prints one JSON object on the last line of stdout.
"""

from __future__ import annotations

import argparse
import functools
import json
import time

from gongjiang_pipeline import engine
from gongjiang_pipeline.stages import approval, competition, notice, public_vote, qualification, recommendation, review

from . import datagen

STAGES = {
    "recommendation": recommendation,
    "qualification": qualification,
    "competition": competition,
    "public_vote": public_vote,
    "review": review,
    "notice": notice,
    "approval": approval,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("candidates", type=int)
    ap.add_argument("--seed", type=int, default=datagen.Params().seed)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    data = datagen.edition_data(0, args.candidates, args.seed, resolve=False)
    generated = time.perf_counter() - t0

    # time each stage by wrapping the module functions the engine calls
    stage_times: dict[str, float] = {}
    for name, module in STAGES.items():
        original = module.run

        @functools.wraps(original)
        def timed(*a, _name=name, _original=original, **kw):
            s = time.perf_counter()
            try:
                return _original(*a, **kw)
            finally:
                stage_times[_name] = stage_times.get(_name, 0.0) + time.perf_counter() - s

        module.run = timed

    t1, c1 = time.perf_counter(), time.process_time()
    result = engine.run(data)
    total, cpu = time.perf_counter() - t1, time.process_time() - c1
    lists = {k: [sl.status, len(sl.entries)] for k, sl in result.lists.items()}
    print(json.dumps({
        "candidates": len(data.candidates),
        "score_rows": sum(len(s.rows) for s in data.score_sheets.values()),
        "tallies": len(data.votes.tallies),
        "generate_seconds": generated,
        "engine_seconds": total,
        "engine_cpu_seconds": cpu,  # less affected by other processes than the wall time
        "stages": stage_times,
        "assembly_seconds": max(0.0, total - sum(stage_times.values())),
        "lists": lists,
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
