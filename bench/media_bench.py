"""Time the image pipeline (``gongjiang_pipeline.media``) cold and warm, if it exists
(run as a child process).

    python -m bench.media_bench PROJECT_ROOT CACHE_DIR

Cold: an empty media cache, every photo under ``PROJECT_ROOT/data/photos`` is
decoded and encoded. Warm: the same again with the cache just filled. Prints
one JSON object on the last line of stdout; ``available: false`` (with the
reason) when the media module is not in this tree yet.

The adapter follows the interface of the media branch (``media.portraits.
prepare_portraits(root, jobs, MediaCache(dir))``); if that interface changes,
the JSON says so instead of failing the whole benchmark.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("cache", type=Path)
    args = ap.parse_args(argv)
    out: dict = {"available": False}
    try:
        from gongjiang_pipeline.media import portraits  # noqa: F401
        from gongjiang_pipeline.media.cache import MediaCache
        from gongjiang_pipeline.media.portraits import PhotoJob, prepare_portraits
    except ImportError as exc:
        out["reason"] = f"{type(exc).__name__}: {exc}"
        print(json.dumps(out, ensure_ascii=False))
        return 0
    out["available"] = True
    photos = sorted((args.root / "data" / "photos").glob("*.jpg"))
    jobs = [
        PhotoJob(candidate_id=p.stem, record_path=f"data/candidates/{p.stem.split('-')[0]}/{p.stem}.yaml", photo=f"photos/{p.name}")
        for p in photos
    ]
    shutil.rmtree(args.cache, ignore_errors=True)
    try:
        for phase in ("cold", "warm"):
            t = time.perf_counter()
            batch = prepare_portraits(args.root, jobs, MediaCache(args.cache))
            seconds = time.perf_counter() - t
            out[phase] = {
                "images": len(jobs),
                "seconds": seconds,
                "images_per_second": len(jobs) / seconds if seconds else None,
                "decoded": getattr(batch, "processed", None),
                "workers": getattr(batch, "workers", None),
                "problems": len(getattr(batch, "problems", ())),
            }
    except (TypeError, AttributeError) as exc:
        out["error"] = f"媒体模块接口与基准程序不符：{type(exc).__name__}: {exc}"
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
