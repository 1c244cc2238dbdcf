"""``make bench``: build-performance benchmarks on synthetic data at scale.

    .venv/bin/python -m bench.run [--quick] [--scale F] [--editions N] [--candidates N]
                                  [--stories N] [--photos N] [--profile] ...

Knobs may also come from the environment (``make bench SCALE=2 QUICK=1``):
SCALE, EDITIONS, CANDIDATES, STORIES, PHOTOS, PHOTO_SIZE, ENGINE_CANDIDATES,
ENGINE_BUDGET, REBUILD, PROFILE, SKIP, QUICK. Command-line options win.

In one run it measures, each build in a fresh child process (wall time, CPU
time, peak RSS from ``wait4``):

fully cold builds (no output, no caches), with photos and without (pages
    only); the fully cold build of the project (b)-(d) use is also the media
    warm-up: it fills ``cache/media`` (photos, share cards, QR codes);
(a) the measured cold page build: the output and every cache under ``cache/``
    except ``cache/media`` deleted after the warm-up (images already
    processed; they are measured on their own in (h));
(b) a rebuild with nothing changed, (c) after changing one candidate file,
(d) after changing one story: wall time, pages per second, files rewritten
    (mtime or inode changed) and files whose content changed;
(e) plain Pelican building the same number of Markdown pages with a
    one-template theme, cold and with its content cache;
(f) Hugo, the same, if ``hugo`` is installed (all cores, as by default, and
    one core);
(g) the selection engine alone on one in-memory edition of 100,000
    candidates (a ladder of sizes, per stage; sizes that would exceed the time
    budget are extrapolated, not run);
(h) the image pipeline cold and warm, if ``gongjiang_pipeline.media`` exists;
(i) the search page's first-query download with the per-edition search bundles
    of the cold build, against one bundle of the same pages (bench/search_bench.py,
    headless Chromium);
(j) ``make devserver`` edit-to-reload latency: the devserver (one resident build
    process) on the project (b)-(d) rebuilt; a candidate, a story and a template
    saved, each timed from the save to the server's reload event (bench/devserver_bench.py);
plus a memory check (peak RSS of the pages build at 1x and 2x the data), and a
verdict for each target of the performance issue computed from this run's
numbers (which files the one-candidate rebuild wrote, against the files that
change may affect).

Prints the tables in Chinese and writes ``bench/results/latest.json``.
Generated data is cached in ``bench/.cache`` (keyed by the parameters).
The machine's load makes absolute numbers noisy: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import os
import platform
import pstats
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any, Callable

from . import baselines, datagen
from .measure import (
    SITE_WIDE,
    Trash,
    ChildRun,
    affected_by_candidate,
    child_env,
    count_pages,
    diff_trees,
    is_expected,
    python_cmd,
    run_child,
    search_bundle_of,
    snapshot,
    written_paths,
)

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / ".cache"
RESULTS = BENCH / "results"

# Targets of the performance issue (issue 16), as ratios or values from the same run (see verdicts()).
PELICAN_SPEEDUP_TARGET = 1.5  # pages phase per page at least this many times faster than plain Pelican
WITH_SEARCH_SPEEDUP_TARGET = 1.0  # whole build with search faster than Pelican + Pagefind on the same pages
HUGO_RATIO_LIMIT = 1.5  # an earlier target: at most this many times Hugo's time per page (Hugo is the fast anchor)
UNCHANGED_LIMIT = 0.02  # no-change rebuild / cold page build
CANDIDATE_LIMIT = 0.10  # one-candidate rebuild / cold page build
STORY_LIMIT = 0.05  # one-story rebuild / cold page build
ENGINE_TARGET_CANDIDATES = 100_000
ENGINE_TARGET_SECONDS = 4.0
MEDIA_COLD_TARGET = 7.0  # portraits per second, cold cache, on 2 cores
MEMORY_RATIO_LIMIT = 2.0  # peak RSS at 2x data / at 1x: no faster than linear
SEARCH_DOWNLOAD_LIMIT = 1.5  # search page's first query, per-edition bundles / one bundle (issue 16)
DEVSERVER_LIMIT_MS = 300.0  # devserver: a candidate or story saved -> reload event
SECTIONS = ("check", "photos", "rebuild", "devserver", "pelican", "hugo", "engine", "media", "memory", "search")

QUICK = dict(editions=2, candidates=40, stories=10, photos=4, photo_size=(800, 600), engine_candidates=2000)


class BenchError(Exception):
    pass


# --------------------------------------------------------------------------
# configuration


@dataclasses.dataclass
class Config:
    params: datagen.Params
    quick: bool
    engine_candidates: int
    engine_budget: float  # seconds a single engine run may take before larger sizes are extrapolated
    rebuild_variant: str  # "pages" or "full": which project (b)-(d) rebuild
    profile: bool
    skip: frozenset[str]
    timeout: float
    output: Path
    cache: Path


def _env(name: str) -> str | None:
    v = os.environ.get(name, "").strip()
    return v or None


def _size(text: str) -> tuple[int, int]:
    w, _, h = text.lower().partition("x")
    return int(w), int(h)


def parse_args(argv: list[str] | None = None) -> Config:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description="北京大工匠网站构建性能基准（make bench）")
    ap.add_argument("--quick", action="store_true", default=_env("QUICK") not in (None, "0"), help="冒烟测试：很小的数据量")
    ap.add_argument("--scale", type=float, default=float(_env("SCALE") or 1), help="规模倍数（候选人、故事、照片同时放大）")
    ap.add_argument("--editions", type=int, default=_env("EDITIONS"), help="届次数（默认 10）")
    ap.add_argument("--candidates", type=int, default=_env("CANDIDATES"), help="每届候选人数（默认 1000）")
    ap.add_argument("--stories", type=int, default=_env("STORIES"), help="故事篇数（默认 1000）")
    ap.add_argument("--photos", type=int, default=_env("PHOTOS"), help="照片张数（默认 2000）")
    ap.add_argument("--photo-size", type=_size, default=_env("PHOTO_SIZE"), help="照片尺寸，如 4000x3000")
    ap.add_argument("--engine-candidates", type=int, default=_env("ENGINE_CANDIDATES"), help="评选引擎测试的候选人数（默认 100000）")
    ap.add_argument("--engine-budget", type=float, default=float(_env("ENGINE_BUDGET") or 300),
                    help="单次引擎运行的时间上限（秒）；预计超过时按已测规模外推，不实际运行（默认 300）")
    ap.add_argument("--rebuild", choices=("pages", "full"), default=_env("REBUILD") or "pages",
                    help="(a) 冷构建（图片已处理）与 (b)-(d) 重建用哪个项目：pages 不含照片（默认），full 含照片")
    ap.add_argument("--profile", action="store_true", default=_env("PROFILE") not in (None, "0"),
                    help="另用 cProfile 各分析一次冷构建（不含照片、含照片）：用时分布与前 15 个函数")
    ap.add_argument("--skip", default=_env("SKIP") or "", help=f"跳过的部分，逗号分隔：{','.join(SECTIONS)}")
    ap.add_argument("--timeout", type=float, default=3600, help="单次构建的时间上限（秒）")
    ap.add_argument("--json", type=Path, default=RESULTS / "latest.json", help="JSON 结果文件（同名 .md 为表格）")
    ap.add_argument("--cache", type=Path, default=CACHE, help="生成数据与工作目录的缓存位置（默认 bench/.cache）")
    a = ap.parse_args(argv)
    base = dict(QUICK) if a.quick else {}
    p = datagen.Params(
        editions=a.editions or base.get("editions", datagen.Params.editions),
        candidates=a.candidates or base.get("candidates", datagen.Params.candidates),
        stories=a.stories if a.stories is not None else base.get("stories", datagen.Params.stories),
        photos=a.photos if a.photos is not None else base.get("photos", datagen.Params.photos),
        photo_size=a.photo_size or base.get("photo_size", datagen.Params.photo_size),
    )
    if a.scale != 1:
        p = p.scaled(a.scale)
    skip = frozenset(s.strip() for s in a.skip.split(",") if s.strip())
    unknown = skip - set(SECTIONS)
    if unknown:
        ap.error(f"未知的部分：{', '.join(sorted(unknown))}（可选：{', '.join(SECTIONS)}）")
    if "photos" in skip and a.rebuild == "full":
        ap.error("跳过 photos 时不能用 --rebuild full")
    return Config(
        params=p,
        quick=a.quick,
        engine_candidates=a.engine_candidates or base.get("engine_candidates", ENGINE_TARGET_CANDIDATES),
        engine_budget=a.engine_budget,
        rebuild_variant=a.rebuild,
        profile=a.profile,
        skip=skip,
        timeout=a.timeout,
        output=a.json.resolve(),
        cache=a.cache.resolve(),
    )


# --------------------------------------------------------------------------
# the benchmark


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _git_commit() -> str | None:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _count_files(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder)) if folder.is_dir() else 0


def reset_for_cold_pages(project: Path, out: Path, discard: Callable[[Path], Any] | None = None) -> list[str]:
    """Delete the output folder and every cache under ``<project>/cache/`` except
    ``cache/media`` (processed photos, share cards, QR codes). Returns what was removed.
    ``discard``: how to delete (default: at once; the bench moves them to its :class:`Trash`)."""
    discard = discard or _delete
    if out.exists():
        discard(out)
    removed = []
    cache = project / "cache"
    if cache.is_dir():
        for entry in sorted(cache.iterdir()):
            if entry.name == "media":
                continue
            folder = entry.is_dir() and not entry.is_symlink()
            discard(entry)
            removed.append(f"cache/{entry.name}" + ("/" if folder else ""))
    return removed


def _delete(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def classify_written(before: dict, after: dict, affected: dict, keep: int = 50) -> dict:
    """Which files the one-candidate rebuild wrote, against the files it may affect."""
    expected = set(affected["expected"])
    own = affected.get("own") or "\0"
    written = written_paths(before, after)
    outside = [k for k in written if not is_expected(k, expected)]
    unchanged = [k for k in written if k in before and before[k].digest == after[k].digest]
    groups = {
        "own": sum(1 for k in expected if k.startswith(own)),
        "site_wide": sum(1 for k in expected if k.startswith(SITE_WIDE)),
    }
    groups["mentioning"] = len(expected) - groups["own"] - groups["site_wide"]

    def group(k: str) -> str:
        if k.startswith(own):
            return "own"
        if k.startswith(SITE_WIDE):
            return "site_wide"
        return "mentioning" if k in expected else "outside"

    # the search bundles the rebuild re-indexed (a file written or removed in them): the
    # candidate's pages all sit in his edition's bundle, so one is what the issue asks for
    removed = sorted(before.keys() - after.keys())
    bundles = {b for b in (search_bundle_of(k, after) for k in after) if b}
    rewritten = sorted({b for b in (search_bundle_of(k, after) for k in written) if b}
                       | {b for b in (search_bundle_of(k, before) for k in removed) if b})
    return {
        "candidate": affected["candidate"],
        "own": affected.get("own"),
        "search_bundles": len(bundles),
        "search_bundles_written": rewritten,
        "expected_count": len(expected),
        "expected_groups": groups,
        "expected_pages": sorted(k for k in expected if not k.startswith(SITE_WIDE))[:keep],
        "written_count": len(written),
        "written": written[:keep],
        "written_groups": [group(k) for k in written[:keep]],  # own, mentioning, site_wide or outside
        "outside_expected": outside[:keep],
        "outside_count": len(outside),
        "written_unchanged": unchanged[:keep],
        "written_unchanged_count": len(unchanged),
        "removed": removed[:keep],
        "only_affected": not outside and not unchanged,
        "one_search_bundle": len(rewritten) <= 1,
    }


class Bench:
    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.cache = cfg.cache
        self.work = cfg.cache / "work"
        self.logs = self.work / "logs"
        self.trash = Trash(cfg.cache / "trash")  # emptied after the last measurement
        self.r: dict[str, Any] = {
            "started": dt.datetime.now().isoformat(timespec="seconds"),
            "commit": _git_commit(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_before": os.getloadavg(),
            "quick": cfg.quick,
            "params": dataclasses.asdict(cfg.params),
            "rebuild_variant": cfg.rebuild_variant,
            "builds": {},
        }

    # ---- helpers

    def child(self, name: str, cmd: list[str], *, cwd: Path | None = None, timeout: float | None = None,
              env: dict[str, str] | None = None) -> ChildRun:
        return run_child(cmd, self.logs / f"{name}.log", cwd=cwd, timeout=timeout or self.cfg.timeout,
                         env=child_env(env) if env else None)

    def build(self, name: str, project: Path, out: Path, *, profile: Path | None = None,
              extra: tuple[str, ...] = ()) -> ChildRun:
        timings = self.logs / f"{name}.timings.json"
        args = ["-m", "gongjiang_pipeline", "--root", str(project), "build", "--output", str(out),
                "--as-of", self.cfg.params.as_of.isoformat(), "--timings-json", str(timings), *extra]
        cmd = python_cmd("-m", "cProfile", "-o", str(profile), *args) if profile else python_cmd(*args)
        run = self.child(name, cmd, cwd=project)
        if not run.ok:
            raise BenchError(f"构建失败（{name}，退出码 {run.returncode}{'，超时' if run.timed_out else ''}）：\n{run.tail()}")
        try:
            run.phases = json.loads(timings.read_text("utf-8"))
        except (OSError, ValueError):
            run.phases = None
        return run

    def record(self, key: str, label: str, run: ChildRun, tree: dict | None = None, diff=None, **extra) -> dict:
        row: dict[str, Any] = {"label": label, "wall": run.wall, "cpu": run.cpu, "maxrss_mb": run.maxrss_mb}
        if run.phases:
            row["phases"] = run.phases
        if tree is not None:
            pages = count_pages(tree)
            row.update(pages=pages, pages_per_second=pages / run.wall if run.wall else None, files=len(tree))
        if diff is not None:
            row.update(diff=diff.as_dict())
        row.update(extra)
        self.r["builds"][key] = row
        return row

    # ---- (a)-(d)

    def prepare(self) -> None:
        p = self.cfg.params
        self.trash.discard(self.work)  # the previous run's; deleted at the end
        self.logs.mkdir(parents=True)
        src, meta = datagen.cached_project(p, self.cache, log)
        self.r["data"] = meta
        log(f"测试数据：{p.describe()}；公开人物 {meta['public']} 人，数据文件 {meta['data_files']} 个，评分行 {meta['score_rows']} 行")
        self.full = datagen.assemble(src / "full", self.work / "full")
        self.pages = datagen.assemble(src / "nophotos", self.work / "pages")

    def run_check(self) -> None:
        log("数据检查（check）……")
        run = self.child("check", python_cmd("-m", "gongjiang_pipeline", "--root", str(self.full), "check"), cwd=self.full)
        if not run.ok:
            raise BenchError(f"数据检查未通过：\n{run.tail()}")
        self.record("check", "数据检查（读取并校验全部数据）", run)

    def run_cold(self) -> None:
        """Fully cold builds (empty output, empty caches), then the measured cold page build.

        Each project was just assembled, so its first build starts with no output and no
        cache at all: that build processes every photo and draws every share card and QR
        code into ``cache/media``. For the project (b)-(d) use, that first build is the
        media warm-up. Then the output folder and every cache under ``cache/`` except
        ``cache/media`` are deleted and the project is built again: (a), the cold build of
        the pages with the images already processed (they are measured on their own in (h)).
        """
        self.trees: dict[str, dict] = {}
        variant = self.cfg.rebuild_variant
        projects = [("pages", self.pages)] + ([] if "photos" in self.cfg.skip else [("full", self.full)])
        for v, project in projects:
            what = "含照片" if v == "full" else "不含照片"
            images = "处理全部照片、绘制全部分享卡片与二维码" if v == "full" else "绘制全部分享卡片与二维码"
            label = f"完全冷构建，{what}（输出与全部缓存为空；{images}）"
            if v == variant:
                label = "媒体预热：" + label
            log(f"{label}……")
            out = self.work / f"out-{v}"
            run = self.build(f"a-{v}", project, out)
            tree = self.trees[v] = snapshot(out)
            extra: dict[str, Any] = {"fully_cold": True, "warmup": v == variant,
                                     "media_cache_files": _count_files(project / "cache" / "media")}
            if v == "full":
                extra["photos_written"] = sum(1 for k in tree if k.startswith("photos/"))
            self.record(f"a_{v}", label, run, tree, **extra)
        self.r["warmup_key"] = f"a_{variant}"
        if "a_full" in self.r["builds"]:
            full, pages = self.r["builds"]["a_full"], self.r["builds"]["a_pages"]
            step = full["wall"] - pages["wall"]
            photos = full["photos_written"]
            self.r["photo_step"] = {
                "photos": photos,
                "seconds": step,
                "cpu": full["cpu"] - pages["cpu"],
                "images_per_second": photos / step if step > 0 else None,
            }

        # (a): the pages only, the images already in cache/media
        project = self.full if variant == "full" else self.pages
        out = self.work / f"out-{variant}"
        warm_tree = self.trees[variant]
        removed = reset_for_cold_pages(project, out, self.trash.discard)
        self.r["cold_reset"] = {"removed": ["output/"] + removed, "kept": "cache/media",
                                "media_cache_files": _count_files(project / "cache" / "media")}
        what = "含照片" if variant == "full" else "不含照片"
        label = f"(a) 冷构建（仅页面，图片已处理）（{what}）"
        log(f"{label}：已删除输出目录与 {', '.join(removed) or '（无其他缓存）'}，保留 cache/media……")
        run = self.build("a-cold", project, out)
        tree = self.trees[variant] = snapshot(out)
        differs = sorted(k for k in warm_tree.keys() | tree.keys()
                         if k not in warm_tree or k not in tree or warm_tree[k].digest != tree[k].digest)
        self.record("a_cold", label, run, tree, differs_from_warmup=len(differs), differs_examples=differs[:10])

    def run_rebuilds(self) -> None:
        variant = self.cfg.rebuild_variant
        project = self.full if variant == "full" else self.pages
        out = self.work / f"out-{variant}"
        before = self.trees[variant]
        what = "含照片" if variant == "full" else "不含照片"

        def again(key: str, label: str, extra: tuple[str, ...] = ()) -> dict:
            nonlocal before
            log(f"{label}……")
            run = self.build(key, project, out, extra=extra)
            after = snapshot(out)
            self.record(key.replace("-", "_"), f"{label}（{what}）", run, after, diff_trees(before, after))
            prior, before = before, after
            return {"before": prior, "after": after}

        again("b-unchanged", "(b) 无改动重建")
        # the same, without the early stop: every page key computed and compared (the page cache)
        again("b-forced", "(b′) 无改动重建，--force（不提前结束，逐页比对）", ("--force",))
        cid, path = self._edit_candidate(project)
        self.r["edited_candidate"] = cid
        affected = affected_by_candidate(out, before, cid)  # from the output (a)/(b) left, before the rebuild
        trees = again("c-candidate", "(c) 改一个候选人文件后重建")
        self.r["c_files"] = classify_written(trees["before"], trees["after"], affected)
        story = self._edit_story(project)
        if story is None:
            log("(d) 没有故事，跳过")
            return
        self.r["edited_story"] = story
        again("d-story", "(d) 改一个故事后重建")

    def _story_files(self, project: Path) -> list[Path]:
        return sorted((project / "content" / "stories").glob("*.md"))

    def _edit_candidate(self, project: Path) -> tuple[str, Path]:
        """Change the citation of a public candidate (the subject of the first story)."""
        cid = None
        for story in self._story_files(project)[:1]:
            for line in story.read_text("utf-8").splitlines():
                if line.startswith("Candidate:"):
                    cid = line.split(":", 1)[1].strip()
        files = sorted((project / "data" / "candidates").rglob("*.yaml"))
        path = next((f for f in files if f.stem == cid), files[0])
        lines = path.read_text("utf-8").split("\n")
        for i, line in enumerate(lines):
            if line.startswith("citation: "):
                lines[i] = "citation: " + datagen.sample.q("（基准测试修改）" + line[len("citation: "):].strip('"')[:150])
        path.write_text("\n".join(lines), "utf-8")
        return path.stem, path

    def _edit_story(self, project: Path) -> str | None:
        stories = self._story_files(project)
        if not stories:
            return None
        with open(stories[0], "a", encoding="utf-8") as f:
            f.write("\n基准测试：这一段是修改后新增的内容。\n")
        return stories[0].name

    # ---- (j) devserver

    def run_devserver(self) -> None:
        """Edit-to-reload latency of the resident devserver on the project (b)-(d) rebuilt."""
        from . import devserver_bench

        variant = self.cfg.rebuild_variant
        project = self.full if variant == "full" else self.pages
        out = self.work / f"out-{variant}"
        theme = project / "theme"
        if theme.is_symlink():  # the repository's theme: edit a copy, never the repository
            target = theme.resolve()
            theme.unlink()
            shutil.copytree(target, theme)
        base = theme / "templates" / "base.html"
        original = base.read_text("utf-8")

        def candidate() -> str:
            return self._edit_candidate(project)[0] + "（推荐语）"

        def story() -> str:
            return (self._edit_story(project) or "—") + "（追加一段）"

        def template() -> str:
            base.write_text(original.replace("</footer>", "<p>基准测试：模板修改</p></footer>", 1), "utf-8")
            return "theme/templates/base.html（页脚加一行，所有页面都变）"

        edits = [("candidate", "改一个候选人文件", candidate), ("story", "改一个故事", story),
                 ("template", "改一个模板（base.html）", template)]
        if not self._story_files(project):
            edits = [e for e in edits if e[0] != "story"]
        cmd = python_cmd("-m", "gongjiang_pipeline", "--root", str(project), "devserver", "--output", str(out),
                         "--port", "0", "--as-of", self.cfg.params.as_of.isoformat())
        log("(j) devserver：改文件到浏览器收到刷新通知的延迟……")
        try:
            self.r["devserver"] = devserver_bench.measure(cmd, project, child_env(), self.logs / "devserver.log", edits,
                                                          timeout=self.cfg.timeout)
        except devserver_bench.DevserverBenchError as exc:
            self.r["devserver"] = {"error": str(exc)}
        finally:
            base.write_text(original, "utf-8")
        self.r["devserver"]["limit_ms"] = DEVSERVER_LIMIT_MS

    # ---- (e) Pelican, (f) Hugo

    def run_pelican(self) -> None:
        n = self.r["builds"]["a_pages"]["pages"]
        proj = baselines.pelican_project(self.work / "pelican", n, self.pages / "content" / "stories")
        runs = {}
        for key, conf, label in (
            ("cold", "pelicanconf.py", "冷构建"),
            ("cache_first", "pelicanconf_cache.py", "开启内容缓存，首次"),
            ("cache_warm", "pelicanconf_cache.py", "开启内容缓存，再次（缓存命中）"),
        ):
            log(f"(e) Pelican 基线：{label}（{n} 个 Markdown 页面）……")
            run = self.child(f"pelican-{key}", python_cmd("-m", "pelican", "content", "-s", conf, "-o", "out", "-q"), cwd=proj)
            if not run.ok:
                self.r["pelican_error"] = run.tail()
                log(f"Pelican 基线失败：\n{run.tail()}")
                return
            tree = snapshot(proj / "out")
            runs[key] = self.record(f"pelican_{key}", f"(e) Pelican 基线：{label}", run, tree)
        self.r["pelican_pages"] = n
        self.run_pelican_pagefind(proj, runs["cold"])

    def run_pelican_pagefind(self, proj: Path, cold: dict) -> None:
        """(e′) How a Pelican site adds search: Pagefind (the same extended binary our build
        runs) over Pelican's output. Its row is the cold Pelican build plus the Pagefind run."""
        from gongjiang_pipeline.searchindex import pagefind_executable

        log("(e′) Pelican + Pagefind：在 Pelican 的输出上运行 Pagefind（与本项目同一个扩展版程序）……")
        run = self.child("pelican-pagefind", [str(pagefind_executable()), "--site", "out"], cwd=proj)
        if not run.ok:
            self.r["pelican_pagefind_error"] = run.tail()
            log(f"Pagefind 基线失败：\n{run.tail()}")
            return
        self.r["builds"]["pelican_pagefind"] = {
            "label": "(e′) Pelican + Pagefind：冷构建 + 索引", "wall": cold["wall"] + run.wall,
            "cpu": cold["cpu"] + run.cpu, "maxrss_mb": max(cold["maxrss_mb"], run.maxrss_mb),
            "pages": cold.get("pages"), "pagefind_wall": run.wall, "pagefind_cpu": run.cpu,
        }

    def run_hugo(self) -> None:
        hugo = shutil.which("hugo")
        if hugo is None:
            self.r["hugo"] = "Hugo 未安装，跳过"
            log("(f) Hugo 未安装，跳过")
            return
        version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
        n = self.r["builds"]["a_pages"]["pages"]
        proj = baselines.hugo_project(self.work / "hugo", n, self.pages / "content" / "stories")
        cache_dir = proj / "hugo-cache"  # not the shared $TMPDIR/hugo_cache: nothing carried over between runs
        cmd = [hugo, "--quiet", "--destination", "out", "--cacheDir", str(cache_dir)]
        cores = os.cpu_count() or 1
        for key, label, env in (
            ("cold", f"冷构建（默认：全部 {cores} 核）", None),
            ("warm", f"再次构建（全部 {cores} 核；Hugo 没有跨次的内容缓存）", None),
            ("cold_1cpu", "冷构建，单核（GOMAXPROCS=1）", {"GOMAXPROCS": "1"}),
        ):
            if key.startswith("cold"):
                self.trash.discard(proj / "out")
                self.trash.discard(cache_dir)
            log(f"(f) Hugo：{label}（{n} 个 Markdown 页面）……")
            run = self.child(f"hugo-{key}", cmd, cwd=proj, env=env)
            if not run.ok:
                self.r["hugo"] = f"Hugo 构建失败（{version}）：{run.tail()}"
                log(self.r["hugo"])
                return
            row = self.record(f"hugo_{key}", f"(f) Hugo 基线：{label}", run, snapshot(proj / "out"))
            if row["pages"] != n:
                self.r["hugo_note"] = f"Hugo 输出 {row['pages']} 个页面，与本项目的 {n} 个不同"
        self.r["hugo"] = version

    # ---- (g) engine

    def engine_sizes(self) -> list[int]:
        target = self.cfg.engine_candidates
        ladder = [n for n in (target // 10, target // 5, target * 2 // 5) if n >= 100]
        return sorted(set(ladder + [target]))

    def run_engine(self) -> None:
        rows = []
        points: list[tuple[int, float]] = []
        budget = self.cfg.engine_budget
        for n in self.engine_sizes():
            if len(points) >= 2:
                (n1, t1), (n2, t2) = points[-2], points[-1]
                k = math.log(max(t2, 1e-6) / max(t1, 1e-6)) / math.log(n2 / n1)
                predicted = t2 * (n / n2) ** k
                if predicted > budget:
                    rows.append({"candidates": n, "skipped": True, "predicted_seconds": predicted, "exponent": k})
                    log(f"(g) 评选引擎 {n} 人：预计约 {predicted:.0f} 秒（按 n^{k:.2f} 外推），超过 {budget:.0f} 秒上限，不实际运行")
                    continue
            log(f"(g) 评选引擎：{n} 名候选人（内存中生成，不读文件）……")
            load = os.getloadavg()
            run = self.child(f"engine-{n}", python_cmd("-m", "bench.engine_bench", str(n)), cwd=ROOT,
                             timeout=budget * 3 + 600)
            if not run.ok:
                rows.append({"candidates": n, "failed": True, "timed_out": run.timed_out, "wall": run.wall,
                             "log": run.tail(5)})
                log(f"(g) 评选引擎 {n} 人：{'超时' if run.timed_out else '失败'}")
                break
            res = json.loads(Path(run.log).read_text("utf-8").strip().splitlines()[-1])
            res.update(maxrss_mb=run.maxrss_mb, wall=run.wall, load_before=load)
            rows.append(res)
            points.append((n, res["engine_seconds"]))
        self.r["engine"] = {"target_candidates": self.cfg.engine_candidates, "target_seconds": ENGINE_TARGET_SECONDS,
                            "runs": rows}

    # ---- (h) media

    def run_media(self) -> None:
        log("(h) 图片管线……")
        run = self.child("media", python_cmd("-m", "bench.media_bench", str(self.full), str(self.work / "media-cache")),
                         cwd=ROOT)
        try:
            res = json.loads(Path(run.log).read_text("utf-8").strip().splitlines()[-1])
        except (ValueError, IndexError):
            res = {"available": None, "error": run.tail()}
        res["maxrss_mb"] = run.maxrss_mb
        self.r["media"] = res

    # ---- search: first-query download (before the rebuilds change the cold output)

    def run_search(self) -> None:
        log("(i) 搜索首次查询下载量（分届索引与单一索引）……")
        out = self.work / f"out-{self.cfg.rebuild_variant}"
        run = self.child("search", python_cmd("-m", "bench.search_bench", str(out), str(self.work)), cwd=ROOT)
        try:
            res = json.loads(Path(run.log).read_text("utf-8").strip().splitlines()[-1])
        except (ValueError, IndexError):
            res = {"available": None, "error": run.tail()}
        self.r["search"] = res

    # ---- memory check

    def run_memory(self) -> None:
        p2 = dataclasses.replace(self.cfg.params.scaled(2), photos=0)
        src, meta = datagen.cached_project(p2, self.cache, log)
        proj = datagen.assemble(src / "nophotos", self.work / "x2")
        log(f"内存检查：2 倍数据（{p2.describe()}）的页面构建……")
        run = self.build("memory-2x", proj, self.work / "out-x2")
        tree = snapshot(self.work / "out-x2")
        self.record("memory_2x", "内存检查：2 倍数据，不含照片", run, tree)
        one = self.r["builds"]["a_pages"]
        self.r["memory"] = {
            "x1": {"candidates": self.r["data"]["candidates"], "pages": one["pages"], "wall": one["wall"], "cpu": one["cpu"],
                   "maxrss_mb": one["maxrss_mb"]},
            "x2": {"candidates": meta["candidates"], "pages": count_pages(tree), "wall": run.wall, "cpu": run.cpu,
                   "maxrss_mb": run.maxrss_mb},
            "ratio": run.maxrss_mb / one["maxrss_mb"],
            "time_ratio": run.wall / one["wall"],
            "cpu_ratio": run.cpu / one["cpu"] if one["cpu"] else None,
            "limit": MEMORY_RATIO_LIMIT,
        }

    # ---- profile

    def run_profile(self, top: int = 15) -> None:
        """cProfile one fully cold build of each project (every cache under ``cache/`` deleted
        first): pages only, then with photos."""
        self.r["profile"] = {}
        variants = [("pages", self.pages)] + ([] if "photos" in self.cfg.skip else [("full", self.full)])
        for variant, project in variants:
            prof = self.cfg.output.parent / f"build-{variant}.prof"
            prof.parent.mkdir(parents=True, exist_ok=True)
            log(f"cProfile 分析：完全冷构建（{'含照片' if variant == 'full' else '不含照片'}）……")
            self.trash.discard(project / "cache")
            run = self.build(f"profile-{variant}", project, self.work / f"out-profile-{variant}", profile=prof)
            self.r["profile"][variant] = dict(profile_summary(prof, top), file=str(prof), wall=run.wall)

    # ---- all

    def run(self) -> dict:
        skip = self.cfg.skip
        t0 = time.perf_counter()
        try:
            self.prepare()
            if "check" not in skip:
                self.run_check()
            self.run_cold()
            if "search" not in skip:
                self.run_search()
            if "rebuild" not in skip:
                self.run_rebuilds()
            if "devserver" not in skip:
                self.run_devserver()
            if "pelican" not in skip:
                self.run_pelican()
            if "hugo" not in skip:
                self.run_hugo()
            if "engine" not in skip:
                self.run_engine()
            if "media" not in skip:
                self.run_media()
            if "memory" not in skip:
                self.run_memory()
            if self.cfg.profile:
                self.run_profile()
        finally:
            self.trash.empty()
        self.r["verdicts"] = verdicts(self.r)
        self.r["load_after"] = os.getloadavg()
        self.r["seconds"] = time.perf_counter() - t0
        return self.r


def _where(file: str, line: int, func: str) -> str:
    """A short name for a profiled function: repository-, site-packages- or stdlib-relative."""
    if file == "~":
        return func
    text = Path(file).as_posix()
    for marker in ("/site-packages/", "/plugins/", "/lib/python3."):
        if marker in text:
            text = text.split(marker, 1)[1]
            if marker == "/plugins/":
                text = "plugins/" + text
            elif marker == "/lib/python3.":
                text = text.split("/", 1)[1]
            break
    else:
        try:
            text = Path(file).relative_to(ROOT).as_posix()
        except ValueError:
            pass
    return f"{text}:{line}({func})"


def _boring(file: str, func: str) -> bool:
    """Interpreter plumbing that would fill the top of a cumulative profile."""
    return (
        file.startswith("<frozen")
        or file.endswith(("runpy.py", "cProfile.py"))
        or func in ("<module>", "<built-in method builtins.exec>", "<built-in method builtins.__import__>")
        or file.endswith(("gongjiang_pipeline/cli.py", "gongjiang_pipeline/__main__.py"))
    )


# (label, indent, [(file suffix, function name), ...]): where a build's time goes, from the
# cumulative times of these functions (summed when several match). Indented rows are parts
# of the row above; imports done lazily inside a phase count in both.
PHASES = [
    ("导入模块（首次 import，全部）", 0, [("<frozen importlib._bootstrap>", "_find_and_load")]),
    ("插件初始化：数据、评选、网站模型（load_site_model）", 0, [("plugins/gongjiang_site/generator.py", "load_site_model")]),
    ("读取并校验数据（load_project）", 1, [("gongjiang_pipeline/loading.py", "load_project")]),
    ("YAML 解析（yamlload.load_file）", 2, [("gongjiang_pipeline/yamlload.py", "load_file")]),
    ("字段校验（pydantic，messages.validate）", 2, [("gongjiang_pipeline/messages.py", "validate")]),
    ("跨文件检查（crosscheck.check）", 2, [("gongjiang_pipeline/crosscheck.py", "check")]),
    ("评选引擎（engine.run，各届）", 1, [("gongjiang_pipeline/engine.py", "run")]),
    ("网站模型（sitemodel.build_model）", 1, [("gongjiang_pipeline/sitemodel.py", "build_model")]),
    ("姓氏笔画排序（strokes.sort_by_strokes）", 2, [("gongjiang_pipeline/strokes.py", "sort_by_strokes")]),
    ("拼音网址（naming.assign_slugs）", 2, [("gongjiang_pipeline/naming.py", "assign_slugs")]),
    ("Pelican 运行（Pelican.run）", 0, [("pelican/__init__.py", "run")]),
    ("读取故事与政策页面（生成器 generate_context）", 1, [("pelican/generators.py", "generate_context")]),
    ("Markdown 转换（markdown.convert）", 2, [("markdown/core.py", "convert")]),
    ("故事筛选（filter_stories）", 2, [("plugins/gongjiang_site/generator.py", "filter_stories")]),
    ("本站数据页面输出（GongjiangGenerator.generate_output）", 1, [("plugins/gongjiang_site/generator.py", "generate_output")]),
    ("照片处理（_photo：解码、摆正、缩小、编码）", 2, [("plugins/gongjiang_site/generator.py", "_photo")]),
    ("开放数据（JSON/CSV）", 2, [("plugins/gongjiang_site/generator.py", "_opendata")]),
    ("统计图（SVG）", 2, [("plugins/gongjiang_site/generator.py", "_charts")]),
    ("故事、政策页面与静态文件输出（Pelican 生成器 generate_output）", 1, [("pelican/generators.py", "generate_output")]),
    ("模板渲染，全部（Jinja Template.render）", 1, [("jinja2/environment.py", "render")]),
    ("模板内 gj.person 查找", 2, [("plugins/gongjiang_site/generator.py", "person")]),
    ("写文件，全部（打开、写入、建目录）", 1, [("pelican/writers.py", "_open_w"),
                                 ("~", "<method 'write' of '_io.TextIOWrapper' objects>"),
                                 ("<frozen os>", "makedirs"),
                                 ("plugins/gongjiang_site/generator.py", "_write_bytes")]),
]


def profile_summary(prof: Path, top: int = 15) -> dict:
    """Top functions by cumulative and by internal time, and the PHASES breakdown."""
    stats = pstats.Stats(str(prof))
    table = stats.stats  # type: ignore[attr-defined]
    total = max((v[3] for v in table.values()), default=0.0)

    def rows(key: int) -> list[dict]:
        out = []
        for (file, line, func), (cc, nc, tt, ct, _) in sorted(table.items(), key=lambda kv: kv[1][key], reverse=True):
            if _boring(file, func):
                continue
            out.append({"function": _where(file, line, func), "calls": nc, "tottime": tt, "cumtime": ct})
            if len(out) == top:
                break
        return out

    phases = []
    for label, indent, keys in PHASES:
        seconds = 0.0
        found = False
        for suffix, name in keys:
            for (file, _line, func), (_cc, _nc, tt, ct, _) in table.items():
                if func == name and (file == suffix or file.endswith("/" + suffix)):
                    seconds += ct
                    found = True
        if found:
            phases.append({"label": label, "indent": indent, "seconds": seconds})
    return {"total": total, "cumulative": rows(3), "internal": rows(2), "phases": phases}


# --------------------------------------------------------------------------
# verdicts: each target against this run's numbers

MET, NOT_MET, NOT_MEASURED = "达到", "未达到", "未测"


def _pages_phase(row: dict | None) -> dict | None:
    """A build row without its search phase (Pagefind): the pages phase of the issue,
    or None when the build recorded no phase timings."""
    if not row or not (row.get("phases") or {}).get("phases") or row.get("wall") is None:
        return None
    search = row["phases"]["phases"].get("search") or 0.0
    return dict(row, wall=row["wall"] - search, cpu=None)


def _per_page(row: dict | None) -> float | None:
    """Milliseconds per page of a build row."""
    if not row or not row.get("pages") or row.get("wall") is None:
        return None
    return row["wall"] / row["pages"] * 1000


def _cpu_ratio(a: dict | None, b: dict | None, what: str) -> str:
    """``；按 CPU 时间，<what> = x`` for two build rows (per page when both have pages), or ""."""
    if not a or not b or not a.get("cpu") or not b.get("cpu"):
        return ""
    ra = a["cpu"] / a["pages"] if a.get("pages") and b.get("pages") else a["cpu"]
    rb = b["cpu"] / b["pages"] if a.get("pages") and b.get("pages") else b["cpu"]
    return f"；按 CPU 时间，{what} = {ra / rb:.2f}"


def _verdict(name: str, target: str, measured: str, ok: bool | None, value: float | None = None,
             note: str = "") -> dict:
    status = NOT_MEASURED if ok is None else (MET if ok else NOT_MET)
    return {"name": name, "target": target, "measured": measured, "status": status, "value": value, "note": note}


def verdicts(r: dict) -> list[dict]:
    """One row per target of the performance issue, computed from this run's results ``r``."""
    b = r.get("builds", {})
    out = []
    cold = b.get("a_cold")
    ours = _per_page(cold)

    name = "(a) 页面阶段每页用时（不含搜索索引）：比纯 Pelican 快"
    pages = _pages_phase(cold)
    pel = _per_page(b.get("pelican_cold"))
    if pages and pel:
        mine = _per_page(pages)
        speedup = pel / mine
        out.append(_verdict(name, f"≥ {PELICAN_SPEEDUP_TARGET:.1f} 倍",
                            f"本项目 {mine:.2f} 毫秒/页，Pelican {pel:.2f} 毫秒/页：Pelican÷本项目 = {speedup:.2f} 倍"
                            + (f"（本项目快 {speedup:.2f} 倍）" if speedup >= 1 else f"（本项目慢 {1 / speedup:.2f} 倍）"),
                            speedup >= PELICAN_SPEEDUP_TARGET, speedup))
    else:
        out.append(_verdict(name, f"≥ {PELICAN_SPEEDUP_TARGET:.1f} 倍",
                            "Pelican 基线未运行或失败" if not pel else "本项目的构建没有记录各阶段用时", None))

    name = "(a′) 含搜索索引的整个构建：比 Pelican + Pagefind 快"
    pp = _per_page(b.get("pelican_pagefind"))
    if ours and pp:
        speedup = pp / ours
        out.append(_verdict(name, f"≥ {WITH_SEARCH_SPEEDUP_TARGET:.1f} 倍（更快）",
                            f"本项目 {ours:.2f} 毫秒/页，Pelican + Pagefind {pp:.2f} 毫秒/页"
                            f"（其中 Pagefind {b['pelican_pagefind']['pagefind_wall']:.2f} 秒）：两者之比 {speedup:.2f} 倍"
                            + _cpu_ratio(b.get("pelican_pagefind"), cold, "Pelican + Pagefind÷本项目"),
                            speedup > WITH_SEARCH_SPEEDUP_TARGET, speedup))
    else:
        out.append(_verdict(name, f"≥ {WITH_SEARCH_SPEEDUP_TARGET:.1f} 倍（更快）", "Pelican + Pagefind 基线未运行或失败", None))

    hugo = _per_page(b.get("hugo_cold"))
    if ours and hugo:
        ratio = ours / hugo
        one = _per_page(b.get("hugo_cold_1cpu"))
        note = f"Hugo 单核（GOMAXPROCS=1）{one:.2f} 毫秒/页，本项目是它的 {ours / one:.2f} 倍" if one else ""
        out.append(_verdict("(a) 冷构建（仅页面）每页用时：不超过 Hugo 的", f"≤ {HUGO_RATIO_LIMIT:.1f} 倍",
                            f"本项目 {ours:.2f} 毫秒/页，Hugo（默认，全部 {r.get('cpus', '?')} 核）{hugo:.2f} 毫秒/页："
                            f"本项目÷Hugo = {ratio:.2f} 倍" + _cpu_ratio(cold, b.get("hugo_cold"), "本项目÷Hugo"),
                            ratio <= HUGO_RATIO_LIMIT, ratio, note))
    else:
        why = r.get("hugo") if isinstance(r.get("hugo"), str) and "hugo v" not in str(r.get("hugo")) else "Hugo 基线未运行"
        out.append(_verdict("(a) 冷构建（仅页面）每页用时：不超过 Hugo 的", f"≤ {HUGO_RATIO_LIMIT:.1f} 倍", why, None))

    for key, name, limit in (("b_unchanged", "(b) 无改动重建 ÷ (a) 冷构建", UNCHANGED_LIMIT),
                             ("c_candidate", "(c) 改一个候选人后重建 ÷ (a) 冷构建", CANDIDATE_LIMIT),
                             ("d_story", "(d) 改一个故事后重建 ÷ (a) 冷构建", STORY_LIMIT)):
        row = b.get(key)
        if row and cold and cold.get("wall"):
            share = row["wall"] / cold["wall"]
            written = row.get("diff", {}).get("written")
            out.append(_verdict(name, f"≤ {limit:.0%}", f"{row['wall']:.2f} 秒 ÷ {cold['wall']:.2f} 秒 = {share:.0%}"
                                f"（写入 {written} 个文件{_cpu_ratio(row, cold, '两者之比')}）", share <= limit, share))
        else:
            out.append(_verdict(name, f"≤ {limit:.0%}", "未运行", None))

    cf = r.get("c_files")
    name = "(c) 只改写受影响的文件"
    target = "写入的文件都在预期范围内，且没有内容未变却被改写的文件"
    if cf:
        out.append(_verdict(name, target,
                            f"写入 {cf['written_count']} 个（预期范围 {cf['expected_count']} 个）；"
                            f"范围外 {cf['outside_count']} 个，内容未变却改写 {cf['written_unchanged_count']} 个",
                            cf["only_affected"], float(cf["outside_count"] + cf["written_unchanged_count"])))
    else:
        out.append(_verdict(name, target, "未运行", None))

    name = "(c) 只重建该候选人所在的搜索分包"
    target = "重建（写入或删除文件）的站内搜索分包至多 1 个"
    if cf and "search_bundles_written" in cf:
        shown = "、".join(cf["search_bundles_written"]) or "无"
        out.append(_verdict(name, target,
                            f"{len(cf['search_bundles_written'])} / {cf['search_bundles']} 个（{shown}）",
                            cf["one_search_bundle"], float(len(cf["search_bundles_written"]))))
    else:
        out.append(_verdict(name, target, "未运行", None))

    eng = r.get("engine")
    name = f"(g) 评选引擎单独运行 {ENGINE_TARGET_CANDIDATES:,} 人"
    target = f"< {ENGINE_TARGET_SECONDS:.0f} 秒"
    if not eng:
        out.append(_verdict(name, target, "未运行", None))
    else:
        at = [x for x in eng["runs"] if x["candidates"] == eng["target_candidates"]]
        x = at[0] if at else None
        if eng["target_candidates"] != ENGINE_TARGET_CANDIDATES:
            done = [y for y in eng["runs"] if "engine_seconds" in y]
            got = f"本次只测到 {done[-1]['candidates']:,} 人：{done[-1]['engine_seconds']:.2f} 秒" if done else "本次未测"
            out.append(_verdict(name, target, got + f"（规模不是 {ENGINE_TARGET_CANDIDATES:,} 人）", None))
        elif x and "engine_seconds" in x:
            t = x["engine_seconds"]
            load = x.get("load_before")
            at_load = f"；开始时系统负载 {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}（目标按空闲机器计）" if load else ""
            out.append(_verdict(name, target, f"{t:.2f} 秒（CPU {_f(x.get('engine_cpu_seconds'))} 秒{at_load}）",
                                t < ENGINE_TARGET_SECONDS, t))
        elif x and x.get("skipped"):
            t = x["predicted_seconds"]
            out.append(_verdict(name, target, f"未实际运行，外推约 {t:.0f} 秒", t < ENGINE_TARGET_SECONDS, t))
        else:
            out.append(_verdict(name, target, "运行失败或超时", False))

    media = r.get("media") or {}
    cores = r.get("cpus")
    name_cold, name_warm = "(h) 图片管线，冷（空缓存）", "(h) 图片管线，热（缓存已有）"
    cold_m, warm_m = media.get("cold"), media.get("warm")
    if cold_m and cold_m.get("images_per_second") is not None:
        rate = cold_m["images_per_second"]
        note = "" if cores == 2 else f"目标按 2 核计；本机 {cores} 核"
        out.append(_verdict(name_cold, f"≥ {MEDIA_COLD_TARGET:.0f} 张/秒（2 核）",
                            f"{rate:.1f} 张/秒（{cold_m['images']} 张，{cold_m.get('workers') or '?'} 个进程）",
                            rate >= MEDIA_COLD_TARGET, rate, note))
    else:
        out.append(_verdict(name_cold, f"≥ {MEDIA_COLD_TARGET:.0f} 张/秒（2 核）", "未运行或不可用", None))
    if warm_m and warm_m.get("decoded") is not None:
        out.append(_verdict(name_warm, "解码 0 张", f"解码 {warm_m['decoded']} 张", warm_m["decoded"] == 0,
                            float(warm_m["decoded"])))
    else:
        out.append(_verdict(name_warm, "解码 0 张", "未运行或不可用", None))

    search = r.get("search") or {}
    name, target = "(i) 搜索首次查询下载量（分届索引 ÷ 单一索引）", f"≤ {SEARCH_DOWNLOAD_LIMIT:.1f} 倍"
    if search.get("available") and search.get("ratio") is not None:
        per, one = search["per_edition"], search["one"]
        out.append(_verdict(name, target, f"“{search['query']}”：{per['bytes']:,} 字节（{search['bundles']} 个分包，"
                            f"{per['requests']} 个请求）÷ {one['bytes']:,} 字节（{one['requests']} 个请求）= "
                            f"{search['ratio']:.2f} 倍", search["ratio"] <= SEARCH_DOWNLOAD_LIMIT, search["ratio"]))
    else:
        out.append(_verdict(name, target, search.get("error") or "未运行", None))

    mem = r.get("memory")
    name, target = "峰值内存随数据量增长（2 倍数据 ÷ 1 倍）", f"≤ {MEMORY_RATIO_LIMIT:.1f} 倍（不快于线性）"
    if mem:
        out.append(_verdict(name, target, f"{mem['x1']['maxrss_mb']:.0f} MB → {mem['x2']['maxrss_mb']:.0f} MB："
                            f"{mem['ratio']:.2f} 倍", mem["ratio"] <= mem["limit"], mem["ratio"]))
    else:
        out.append(_verdict(name, target, "未运行", None))

    out.extend(devserver_verdicts(r))
    return out


def devserver_verdicts(r: dict) -> list[dict]:
    """(j): a candidate and a story saved -> the devserver's reload event, each against the limit."""
    ds = r.get("devserver") or {}
    limit = ds.get("limit_ms", DEVSERVER_LIMIT_MS)
    edits = {e["key"]: e for e in ds.get("edits", ())}
    out = []
    for key, what in (("candidate", "候选人"), ("story", "故事")):
        name, target = f"(j) devserver：改一个{what}到发出刷新通知", f"≤ {limit:.0f} 毫秒"
        e = edits.get(key)
        if e is None:
            out.append(_verdict(name, target, ds.get("error") or "未运行", None))
            continue
        same = "，同一个构建进程" if ds.get("same_process") else "，构建进程变了（不是常驻）"
        first = e.get("quick_pages") or []
        if first:  # the reload came with the first answer; the full build after it
            measured = (f"{e['latency_ms']:.0f} 毫秒（先更新本人页面 {len(first)} 个；全部页面更新完 "
                        f"{_f(e.get('full_ms'), 0)} 毫秒，重新渲染 {e.get('rendered', '—')} 个页面{same}）")
        else:
            measured = (f"{e['latency_ms']:.0f} 毫秒（其中重新生成 {_f(e.get('build_ms'), 0)} 毫秒，"
                        f"重新渲染 {e.get('rendered', '—')} 个页面{same}）")
        out.append(_verdict(name, target, measured, e["latency_ms"] <= limit and bool(ds.get("same_process")),
                            e["latency_ms"]))
    return out


# --------------------------------------------------------------------------
# report (Chinese)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A Markdown table whose columns also line up in a terminal (CJK counts double)."""
    widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells):
        return "| " + " | ".join(str(c) + " " * (w - _width(str(c))) for c, w in zip(cells, widths)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


def _f(x: float | None, places: int = 2) -> str:
    return "—" if x is None else f"{x:.{places}f}"


def phase_table(b: dict) -> list[str]:
    """Each of our builds split by the build's own phase timings (``build --timings-json``)."""
    from gongjiang_pipeline.timings import PHASES

    keys = [k for k in ("a_pages", "a_full", "a_cold", "b_forced", "c_candidate", "d_story") if (b.get(k) or {}).get("phases")]
    if not keys:
        return []
    seen = [p for p in PHASES if any(p in b[k]["phases"]["phases"] for k in keys)]
    headers = ["阶段（秒）"] + [b[k]["label"].split("（")[0] for k in keys]
    rows = [[PHASES[p][0] + ("（含在上一项中）" if PHASES[p][1] else "")]
            + [_f(b[k]["phases"]["phases"].get(p)) for k in keys] for p in seen]
    rows.append(["其他（启动、导入、Pelican 读取故事等）"] + [_f(b[k]["phases"]["other"]) for k in keys])
    rows.append(["合计（构建进程内）"] + [_f(b[k]["phases"]["total"]) for k in keys])
    return ["", "各阶段用时（构建自己用 `--timings` 记录的墙钟时间；与上表的差是解释器启动）：", "",
            table(headers, rows), ""]


def report(r: dict) -> str:
    out: list[str] = []
    p = r["params"]
    d = r.get("data", {})
    out.append(f"# 构建性能基准（{r['started']}，提交 {r.get('commit') or '未知'}，Python {r['python']}，{r['cpus']} 核）")
    out.append("")
    out.append(
        f"数据：{p['editions']} 届 × {p['candidates']} 名候选人（共 {d.get('candidates', '?')} 人，公开 {d.get('public', '?')} 人），"
        f"{p['stories']} 篇故事，{d.get('photos', p['photos'])} 张 {p['photo_size'][0]}×{p['photo_size'][1]} 照片"
        f"（其中公开人物的 {d.get('photos_of_public', '?')} 张会上网站）；数据文件 {d.get('data_files', '?')} 个，评分行 {d.get('score_rows', '?')} 行。"
    )
    lb, la = r.get("load_before"), r.get("load_after")
    if lb and la:
        out.append(f"系统负载（1/5/15 分钟）：开始 {lb[0]:.2f}/{lb[1]:.2f}/{lb[2]:.2f}，结束 {la[0]:.2f}/{la[1]:.2f}/{la[2]:.2f}。"
                   "机器上有其他进程，绝对数值有噪声，请看同一次运行内的比值。")
    if r.get("quick"):
        out.append("**快速模式（QUICK=1）：数据量很小，只用于检查基准程序本身能否运行。**")
    out.append("")

    b = r["builds"]
    vs = r.get("verdicts")
    if vs:
        out.append("## 目标对照（按本次运行的数值计算）")
        out.append("")
        out.append(table(["目标", "要求", "本次测得", "结论"],
                         [[v["name"], v["target"], v["measured"] + (f"；{v['note']}" if v.get("note") else ""), v["status"]]
                          for v in vs]))
        out.append("")
        counts = {s: sum(1 for v in vs if v["status"] == s) for s in (MET, NOT_MET, NOT_MEASURED)}
        out.append(f"达到 {counts[MET]} 项，未达到 {counts[NOT_MET]} 项，未测 {counts[NOT_MEASURED]} 项。"
                   "“(a) 冷构建”指下表中“图片已处理”的那一行，不是完全冷构建。")
        out.append("")

    headers = ["场景", "用时（秒）", "CPU（秒）", "页面（个）", "页/秒", "写入文件（个）", "内容变化（个）", "峰值内存（MB）"]
    rows = []
    warmup = r.get("warmup_key")
    fully_cold = [k for k in ("a_full", "a_pages") if k != warmup] + ([warmup] if warmup else [])
    for key in ("check", *fully_cold, "a_cold", "b_unchanged", "b_forced", "c_candidate", "d_story",
                "pelican_cold", "pelican_cache_first", "pelican_cache_warm", "pelican_pagefind",
                "hugo_cold", "hugo_warm", "hugo_cold_1cpu"):
        if key not in b:
            continue
        x = b[key]
        diff = x.get("diff")
        written = f"{diff['written']}/{diff['total']}" if diff else (f"{x['files']}/{x['files']}（新建）" if "files" in x else "—")
        changed = str(diff["changed"] + diff["added"] + diff["removed"]) if diff else "—"
        rows.append([x["label"], _f(x["wall"]), _f(x["cpu"]), str(x.get("pages", "—")), _f(x.get("pages_per_second"), 1),
                     written, changed, _f(x["maxrss_mb"], 0)])
    out.append("## 构建")
    out.append("")
    out.append(table(headers, rows))
    out.append("")
    out.append("“写入文件”= 新建 + 改写（修改时间或 inode 变化）/ 输出文件总数；“内容变化”= 内容不同、新增或删除的文件。"
               "“完全冷构建”：项目刚组装好，输出目录和 cache/ 下的全部缓存都为空。")
    reset = r.get("cold_reset")
    if reset and "a_cold" in b:
        x = b["a_cold"]
        images = "处理全部照片、为所有人绘制分享卡片和二维码" if r.get("warmup_key") == "a_full" else "为所有人绘制分享卡片和二维码"
        out.append(f"(a) 冷构建（仅页面，图片已处理）：先做“媒体预热”构建（上表“媒体预热”一行，即该项目的完全冷构建，"
                   f"其中包括{images}），再删除 {'、'.join(reset['removed'])}，"
                   f"只保留 {reset['kept']}（{reset['media_cache_files']} 个文件），然后构建并计时。"
                   "图片另在 (h) 中单独测量。(b)–(d) 接着在这次构建的输出上进行。")
        if x.get("differs_from_warmup"):
            out.append(f"注意：(a) 的输出与媒体预热构建的输出有 {x['differs_from_warmup']} 个文件不同，例如："
                       f"{'、'.join(x.get('differs_examples', []))}。")
        else:
            out.append("(a) 的输出与媒体预热构建的输出逐个文件内容相同。")
    out.extend(phase_table(b))
    ph = r.get("photo_step")
    if ph:
        out.append(f"照片步骤（含照片与不含照片的完全冷构建之差）：{_f(ph['seconds'])} 秒，{ph['photos']} 个照片文件，"
                   + (f"约 {_f(ph['images_per_second'], 1)} 个/秒。" if ph["seconds"] > 0 else "差值不为正：噪声大于照片步骤，请看 (h)。"))
    if r.get("edited_candidate"):
        out.append(f"(c) 修改的候选人：{r['edited_candidate']}（推荐语）；(d) 修改的故事：{r.get('edited_story', '—')}（追加一段）。")
    out.append("")
    for key in ("b_unchanged", "b_forced", "c_candidate", "d_story"):
        diff = (b.get(key) or {}).get("diff")
        if not diff:
            continue
        more = "" if diff["written"] <= len(diff["written_files"]) else f"……（共 {diff['written']} 个）"
        files = "、".join(diff["written_files"]) + more if diff["written_files"] else "无"
        out.append(f"- {b[key]['label']}写入的文件：{files}")
        if diff.get("removed_files"):
            out.append(f"  删除的文件：{'、'.join(diff['removed_files'])}")
        if diff.get("written_unchanged"):
            out.append(f"  内容未变却被改写：{'、'.join(diff['written_unchanged'][:10])}（共 {len(diff['written_unchanged'])} 个）")
    out.append("")

    cf = r.get("c_files")
    if cf:
        g = cf["expected_groups"]
        out.append(f"## (c) 改一个候选人文件：改写了哪些文件（候选人 {cf['candidate']}，页面 {cf['own'] or '未找到'}）")
        out.append("")
        out.append(f"预期可能改写的文件（上限）共 {cf['expected_count']} 个：该候选人文件夹内 {g['own']} 个（个人页、海报、分享卡片、二维码），"
                   f"提到他的页面与数据 {g['mentioning']} 个（名单、届次、分组、搜索、故事页，开放数据，以及这些页面旁的分享卡片和二维码），"
                   f"全站索引 {g['site_wide']} 个（{'、'.join(SITE_WIDE)}）。")
        out.append("")
        rows = []
        names = {"own": "该候选人文件夹", "site_wide": "全站索引", "mentioning": "提到他的页面或数据", "outside": "范围外"}
        groups_of = cf.get("written_groups") or ["?"] * len(cf["written"])
        for k, grp in list(zip(cf["written"], groups_of))[:10]:
            rows.append([k, names.get(grp, "—"), "是" if k in cf["written_unchanged"] else "否"])
        if rows:
            out.append(table(["写入的文件（前 10 个）", "属于", "内容未变"], rows))
            out.append("")
        out.append(f"共写入 {cf['written_count']} 个文件；不在预期范围内的 {cf['outside_count']} 个"
                   + (f"（{'、'.join(cf['outside_expected'][:10])}）" if cf["outside_expected"] else "")
                   + f"；内容未变却被改写的 {cf['written_unchanged_count']} 个。"
                   + f"预期范围内的页面（不含全站索引，前 10 个）：{'、'.join(cf['expected_pages'][:10]) or '无'}。")
        if "search_bundles_written" in cf:
            out.append(f"重建的站内搜索分包：{len(cf['search_bundles_written'])} / {cf['search_bundles']} 个"
                       f"（{'、'.join(cf['search_bundles_written']) or '无'}）。")
        out.append("")

    # ratios against the baselines
    ratio_rows = []
    cores = r.get("cpus") or "?"
    for ours_key, ours_label, base_key, base_label in (
        ("a_cold", "(a) 冷构建（仅页面，图片已处理）", "pelican_cold", "Pelican 冷构建"),
        ("a_cold", "(a) 冷构建（仅页面，图片已处理）", "hugo_cold", f"Hugo 冷构建（全部 {cores} 核）"),
        ("a_cold", "(a) 冷构建（仅页面，图片已处理）", "hugo_cold_1cpu", "Hugo 冷构建（单核）"),
        ("a_pages", "完全冷构建（不含照片，缓存为空）", "pelican_cold", "Pelican 冷构建"),
        ("b_unchanged", "(b) 无改动重建", "pelican_cache_warm", "Pelican 内容缓存命中"),
        ("b_unchanged", "(b) 无改动重建", "hugo_warm", f"Hugo 再次构建（全部 {cores} 核）"),
    ):
        a, c = _per_page(b.get(ours_key)), _per_page(b.get(base_key))
        if a is None or c is None:
            continue
        x, y = b[ours_key], b[base_key]
        cpu = (x["cpu"] / x["pages"]) / (y["cpu"] / y["pages"]) if x.get("cpu") and y.get("cpu") else None
        ratio_rows.append([ours_label, base_label, _f(a), _f(c), _f(a / c, 2), _f(c / a, 2), _f(cpu, 2)])
    out.append("## 与 Pelican / Hugo 比较（同样页数，Markdown 页面 + 单模板主题）")
    out.append("")
    if ratio_rows:
        out.append(table(["本项目", "基线", "本项目（毫秒/页）", "基线（毫秒/页）", "本项目÷基线（倍）", "基线÷本项目（倍）",
                                "按 CPU 时间：本项目÷基线（倍）"], ratio_rows))
        out.append("")
        out.append("按墙钟用时计算；“本项目÷基线”小于 1 表示本项目每页更快，“基线÷本项目”即本项目快几倍。"
                   "机器繁忙时墙钟用时噪声大，最后一列按 CPU 时间计算供参考（多核的 Hugo 的 CPU 时间可能大于墙钟用时）。")
    if "pelican_error" in r:
        out.append(f"Pelican 基线失败：{r['pelican_error']}")
    out.append("")
    hugo = r.get("hugo", "未运行")
    if "hugo_cold" in b:
        hc = b["hugo_cold"]
        out.append(f"Hugo：{hugo}。Hugo 默认使用全部 {cores} 核（GOMAXPROCS）：冷构建 CPU {_f(hc['cpu'])} 秒、"
                   f"墙钟 {_f(hc['wall'])} 秒；本项目读取数据和渲染页面也用全部核，Pelican 是单进程；另列 Hugo 单核（GOMAXPROCS=1）一行供参考。"
                   "目标对照用 Hugo 默认设置。")
    else:
        out.append(f"Hugo：{hugo}")
    if r.get("hugo_note"):
        out.append(f"注意：{r['hugo_note']}")
    out.append("")

    eng = r.get("engine")
    if eng:
        out.append(f"## (g) 评选引擎单独运行（一届，内存中生成全部阶段数据；目标：{ENGINE_TARGET_CANDIDATES:,} 人 < "
                   f"{eng['target_seconds']:.0f} 秒；本次最大规模 {eng['target_candidates']:,} 人）")
        out.append("")
        stage_names = [("recommendation", "推荐"), ("qualification", "资格审核"), ("competition", "行业比选"),
                       ("public_vote", "公众参与"), ("review", "综合评审"), ("notice", "社会公示"), ("approval", "审定命名")]
        headers = ["候选人（人）", "评分行（行）", "生成（秒）", "引擎合计（秒）", *[f"{n}（秒）" for _, n in stage_names],
                   "汇总（秒）", "峰值内存（MB）"]
        rows = []
        for x in eng["runs"]:
            if x.get("skipped"):
                rows.append([str(x["candidates"]), "—", "—", f"约 {x['predicted_seconds']:.0f}（外推，n^{x['exponent']:.2f}）",
                             *["—"] * len(stage_names), "—", "—"])
            elif x.get("failed"):
                rows.append([str(x["candidates"]), "—", "—", "超时" if x.get("timed_out") else "失败",
                             *["—"] * len(stage_names), "—", "—"])
            else:
                rows.append([str(x["candidates"]), str(x["score_rows"]), _f(x["generate_seconds"]), _f(x["engine_seconds"]),
                             *[_f(x["stages"].get(k)) for k, _ in stage_names], _f(x["assembly_seconds"]),
                             _f(x["maxrss_mb"], 0)])
        out.append(table(headers, rows))
        out.append("")
        done = [x for x in eng["runs"] if x["candidates"] == eng["target_candidates"] and "engine_seconds" in x]
        if done:
            t = done[0]["engine_seconds"]
            if eng["target_candidates"] == ENGINE_TARGET_CANDIDATES:
                out.append(f"{eng['target_candidates']:,} 人：{_f(t)} 秒，{MET if t < eng['target_seconds'] else NOT_MET}目标。")
            else:
                out.append(f"{eng['target_candidates']:,} 人：{_f(t)} 秒（规模小于目标的 {ENGINE_TARGET_CANDIDATES:,} 人，不作结论）。")
        else:
            out.append(f"{eng['target_candidates']} 人未实际运行（预计超过时间上限），未达到目标。")
        out.append("")

    media = r.get("media")
    out.append("## (h) 图片管线")
    out.append("")
    if not media:
        out.append("未运行。")
    elif media.get("available") is False:
        out.append(f"媒体模块（gongjiang_pipeline.media）尚未合并到本分支，跳过（{media.get('reason', '')}）。"
                   "目前照片在构建内逐张处理，见上表“照片步骤”。")
    elif media.get("error"):
        out.append(media["error"])
    else:
        rows = []
        for phase, label in (("cold", "冷（空缓存）"), ("warm", "热（缓存已有）")):
            x = media.get(phase)
            if x:
                rows.append([label, str(x["images"]), _f(x["seconds"]), _f(x["images_per_second"], 1), str(x["decoded"]),
                             str(x["workers"])])
        out.append(table(["阶段", "照片（张）", "用时（秒）", "张/秒", "解码（张）", "进程（个）"], rows))
    out.append("")

    ds = r.get("devserver")
    if ds:
        out.append("## (j) devserver：改文件到发出刷新通知")
        out.append("")
        if ds.get("error"):
            out.append(f"运行失败：{ds['error']}")
        else:
            rows = [[e["label"], e["what"], _f(e["latency_ms"], 0), str(len(e.get("quick_pages") or [])),
                     _f(e.get("full_ms"), 0), _f(e.get("until_build_ms"), 0), _f(e.get("build_ms"), 0),
                     str(e.get("rendered", "—")), str(e.get("engine_runs", "—")), "是" if e.get("data_reused") else "否",
                     "是" if e.get("model_reused") else "否"]
                    for e in ds.get("edits", ())]
            out.append(table(["修改", "文件", "保存→刷新通知（毫秒）", "先更新的本人页面（个）", "保存→全部页面更新完（毫秒）",
                              "其中等待监视（毫秒）", "完整重新生成（毫秒）", "重新渲染页面（个）", "重跑引擎（届）",
                              "沿用已读数据", "沿用网站模型"], rows))
            out.append("")
            out.append(f"devserver 首次启动（含首次构建）{_f(ds.get('first_build_seconds'))} 秒；"
                       f"所有修改都在同一个构建进程（PID {ds.get('pid')}）内完成：{'是' if ds.get('same_process') else '否'}。"
                       "改故事或候选人时，先只生成并刷新这篇故事或这个人自己的页面（devserver 的“先答复”），"
                       "再完整重新生成：其余页面（名单、浏览页、订阅源）随后更新，打开着的页面只有内容变了才再刷新；"
                       "站内搜索最后在后台更新（不计入上表）。"
                       f"目标：候选人、故事 ≤ {ds.get('limit_ms', DEVSERVER_LIMIT_MS):.0f} 毫秒；模板一行仅供对照。")
        out.append("")

    mem = r.get("memory")
    if mem:
        out.append("## 内存检查（不含照片的页面构建，1 倍与 2 倍数据）")
        out.append("")
        rows = [[label, str(x["candidates"]), str(x["pages"]), _f(x["wall"]), _f(x.get("cpu")), _f(x["maxrss_mb"], 0)]
                for label, x in (("1 倍", mem["x1"]), ("2 倍", mem["x2"]))]
        out.append(table(["规模", "候选人（人）", "页面（个）", "用时（秒）", "CPU（秒）", "峰值内存（MB）"], rows))
        out.append("")
        verdict = "通过" if mem["ratio"] <= mem["limit"] else "未通过"
        out.append(f"峰值内存增长 {mem['ratio']:.2f} 倍（上限 {mem['limit']:.1f} 倍）：{verdict}；"
                   f"用时增长 {mem['time_ratio']:.2f} 倍，CPU 时间增长 {_f(mem.get('cpu_ratio'))} 倍。")
        out.append("")

    for variant, title in (("pages", "不含照片"), ("full", "含照片")):
        prof = (r.get("profile") or {}).get(variant)
        if not prof:
            continue
        total = prof["total"] or 1.0
        out.append(f"## cProfile：冷构建，{title}（在 cProfile 下共 {prof['total']:.1f} 秒；文件 {prof['file']}）")
        out.append("")
        out.append("### 用时分布（累计用时；缩进行是上一行的一部分）")
        out.append("")
        rows = [["　" * x["indent"] + x["label"], _f(x["seconds"]), f"{100 * x['seconds'] / total:.0f}%"] for x in prof["phases"]]
        out.append(table(["部分", "秒", "占比"], rows))
        out.append("")
        for key, sub in (("cumulative", "累计用时前 15"), ("internal", "自身用时前 15")):
            out.append(f"### {sub}")
            out.append("")
            field = "cumtime" if key == "cumulative" else "tottime"
            rows = [[x["function"], str(x["calls"]), _f(x["cumtime"]), _f(x["tottime"]), f"{100 * x[field] / total:.0f}%"]
                    for x in prof[key]]
            out.append(table(["函数", "调用次数", "累计（秒）", "自身（秒）", "占比"], rows))
            out.append("")
    out.append(f"基准共用时 {r.get('seconds', 0):.0f} 秒。")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(argv)
    try:
        results = Bench(cfg).run()
    except BenchError as exc:
        print(f"基准测试失败：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    text = report(results)
    print(text)
    cfg.output.parent.mkdir(parents=True, exist_ok=True)
    cfg.output.write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str), "utf-8")
    cfg.output.with_suffix(".md").write_text(text + "\n", "utf-8")
    print(f"\n结果已写入 {cfg.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
