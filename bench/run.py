"""``make bench``: build-performance benchmarks on synthetic data at scale.

    .venv/bin/python -m bench.run [--quick] [--scale F] [--editions N] [--candidates N]
                                  [--stories N] [--photos N] [--profile] ...

Knobs may also come from the environment (``make bench SCALE=2 QUICK=1``):
SCALE, EDITIONS, CANDIDATES, STORIES, PHOTOS, PHOTO_SIZE, ENGINE_CANDIDATES,
ENGINE_BUDGET, REBUILD, PROFILE, SKIP, QUICK. Command-line options win.

In one run it measures, each build in a fresh child process (wall time, CPU
time, peak RSS from ``wait4``):

(a) a cold full build, with photos (processed inside the build today) and
    without photos (pages only; the difference is the photo step);
(b) a rebuild with nothing changed, (c) after changing one candidate file,
(d) after changing one story: wall time, pages per second, files rewritten
    (mtime or inode changed) and files whose content changed;
(e) plain Pelican building the same number of Markdown pages with a
    one-template theme, cold and with its content cache;
(f) Hugo, the same, if ``hugo`` is installed;
(g) the selection engine alone on one in-memory edition of 100,000
    candidates (a ladder of sizes, per stage; sizes that would exceed the time
    budget are extrapolated, not run);
(h) the image pipeline cold and warm, if ``gongjiang_pipeline.media`` exists;
plus a memory check (peak RSS of the pages build at 1x and 2x the data).

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
from typing import Any

from . import baselines, datagen
from .measure import ChildRun, count_pages, diff_trees, python_cmd, run_child, snapshot

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / ".cache"
RESULTS = BENCH / "results"

ENGINE_TARGET_SECONDS = 5.0
MEMORY_RATIO_LIMIT = 2.0
SECTIONS = ("check", "photos", "rebuild", "pelican", "hugo", "engine", "media", "memory")

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
                    help="(b)-(d) 重建用哪个项目：pages 不含照片（默认），full 含照片")
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
    if "photos" in skip and a.rebuild == "full" and "rebuild" not in skip:
        ap.error("跳过 photos 时不能用 --rebuild full")
    return Config(
        params=p,
        quick=a.quick,
        engine_candidates=a.engine_candidates or base.get("engine_candidates", 100_000),
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


class Bench:
    def __init__(self, cfg: Config):
        self.cfg = cfg
        self.cache = cfg.cache
        self.work = cfg.cache / "work"
        self.logs = self.work / "logs"
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

    def child(self, name: str, cmd: list[str], *, cwd: Path | None = None, timeout: float | None = None) -> ChildRun:
        return run_child(cmd, self.logs / f"{name}.log", cwd=cwd, timeout=timeout or self.cfg.timeout)

    def build(self, name: str, project: Path, out: Path, *, profile: Path | None = None) -> ChildRun:
        args = ["-m", "gongjiang_pipeline", "--root", str(project), "build", "--output", str(out),
                "--as-of", self.cfg.params.as_of.isoformat()]
        cmd = python_cmd("-m", "cProfile", "-o", str(profile), *args) if profile else python_cmd(*args)
        run = self.child(name, cmd, cwd=project)
        if not run.ok:
            raise BenchError(f"构建失败（{name}，退出码 {run.returncode}{'，超时' if run.timed_out else ''}）：\n{run.tail()}")
        return run

    def record(self, key: str, label: str, run: ChildRun, tree: dict | None = None, diff=None, **extra) -> dict:
        row: dict[str, Any] = {"label": label, "wall": run.wall, "cpu": run.cpu, "maxrss_mb": run.maxrss_mb}
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
        if self.work.exists():
            shutil.rmtree(self.work)
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
        self.trees: dict[str, dict] = {}
        log("(a) 冷构建，不含照片（仅页面）……")
        out_pages = self.work / "out-pages"
        pages = self.build("a-pages", self.pages, out_pages)
        self.trees["pages"] = snapshot(out_pages)
        self.record("a_pages", "(a) 冷构建，不含照片（仅页面）", pages, self.trees["pages"])
        if "photos" in self.cfg.skip:
            return
        log("(a) 冷构建，含照片……")
        out_full = self.work / "out-full"
        run = self.build("a-full", self.full, out_full)
        tree = self.trees["full"] = snapshot(out_full)
        photos = sum(1 for k in tree if k.startswith("photos/"))
        self.record("a_full", "(a) 冷构建，含照片（照片在构建内处理）", run, tree, photos_written=photos)
        step = run.wall - pages.wall
        self.r["photo_step"] = {
            "photos": photos,
            "seconds": step,
            "cpu": run.cpu - pages.cpu,
            "images_per_second": photos / step if step > 0 else None,
        }

    def run_rebuilds(self) -> None:
        variant = self.cfg.rebuild_variant
        project = self.full if variant == "full" else self.pages
        out = self.work / f"out-{variant}"
        before = self.trees[variant]
        what = "含照片" if variant == "full" else "不含照片"

        def again(key: str, label: str) -> None:
            nonlocal before
            log(f"{label}……")
            run = self.build(key, project, out)
            after = snapshot(out)
            self.record(key.replace("-", "_"), f"{label}（{what}）", run, after, diff_trees(before, after))
            before = after

        again("b-unchanged", "(b) 无改动重建")
        cid, path = self._edit_candidate(project)
        self.r["edited_candidate"] = cid
        again("c-candidate", f"(c) 改一个候选人文件后重建")
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

    def run_hugo(self) -> None:
        hugo = shutil.which("hugo")
        if hugo is None:
            self.r["hugo"] = "Hugo 未安装，跳过"
            log("(f) Hugo 未安装，跳过")
            return
        n = self.r["builds"]["a_pages"]["pages"]
        proj = baselines.hugo_project(self.work / "hugo", n, self.pages / "content" / "stories")
        for key, label in (("cold", "冷构建"), ("warm", "再次构建")):
            log(f"(f) Hugo：{label}（{n} 个 Markdown 页面）……")
            run = self.child(f"hugo-{key}", [hugo, "--quiet", "--destination", "out"], cwd=proj)
            if not run.ok:
                self.r["hugo"] = f"Hugo 构建失败：{run.tail()}"
                return
            self.record(f"hugo_{key}", f"(f) Hugo：{label}", run, snapshot(proj / "out"))
        self.r["hugo"] = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()

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
            run = self.child(f"engine-{n}", python_cmd("-m", "bench.engine_bench", str(n)), cwd=ROOT,
                             timeout=budget * 3 + 600)
            if not run.ok:
                rows.append({"candidates": n, "failed": True, "timed_out": run.timed_out, "wall": run.wall,
                             "log": run.tail(5)})
                log(f"(g) 评选引擎 {n} 人：{'超时' if run.timed_out else '失败'}")
                break
            res = json.loads(Path(run.log).read_text("utf-8").strip().splitlines()[-1])
            res.update(maxrss_mb=run.maxrss_mb, wall=run.wall)
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
        """cProfile one cold build of each project: pages only, then with photos."""
        self.r["profile"] = {}
        variants = [("pages", self.pages)] + ([] if "photos" in self.cfg.skip else [("full", self.full)])
        for variant, project in variants:
            prof = self.cfg.output.parent / f"build-{variant}.prof"
            prof.parent.mkdir(parents=True, exist_ok=True)
            log(f"cProfile 分析：冷构建（{'含照片' if variant == 'full' else '不含照片'}）……")
            run = self.build(f"profile-{variant}", project, self.work / f"out-profile-{variant}", profile=prof)
            self.r["profile"][variant] = dict(profile_summary(prof, top), file=str(prof), wall=run.wall)

    # ---- all

    def run(self) -> dict:
        skip = self.cfg.skip
        t0 = time.perf_counter()
        self.prepare()
        if "check" not in skip:
            self.run_check()
        self.run_cold()
        if "rebuild" not in skip:
            self.run_rebuilds()
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
    headers = ["场景", "用时（秒）", "CPU（秒）", "页面（个）", "页/秒", "写入文件（个）", "内容变化（个）", "峰值内存（MB）"]
    rows = []
    for key in ("check", "a_full", "a_pages", "b_unchanged", "c_candidate", "d_story",
                "pelican_cold", "pelican_cache_first", "pelican_cache_warm", "hugo_cold", "hugo_warm"):
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
    out.append("“写入文件”= 新建 + 改写（修改时间或 inode 变化）/ 输出文件总数；“内容变化”= 内容不同、新增或删除的文件。")
    ph = r.get("photo_step")
    if ph:
        out.append(f"照片步骤（含照片与不含照片冷构建之差）：{_f(ph['seconds'])} 秒，{ph['photos']} 张，"
                   f"约 {_f(ph['images_per_second'], 1)} 张/秒。")
    if r.get("edited_candidate"):
        out.append(f"(c) 修改的候选人：{r['edited_candidate']}（推荐语）；(d) 修改的故事：{r.get('edited_story', '—')}（追加一段）。")
    out.append("")

    # ratios against the baselines
    ratio_rows = []
    ours_cold, ours_re = b.get("a_pages"), b.get("b_unchanged")
    for ours, ours_label, base_key, base_label in (
        (ours_cold, "冷构建（不含照片）", "pelican_cold", "Pelican 冷构建"),
        (ours_re, "无改动重建", "pelican_cache_warm", "Pelican 内容缓存命中"),
        (ours_cold, "冷构建（不含照片）", "hugo_cold", "Hugo 冷构建"),
        (ours_re, "无改动重建", "hugo_warm", "Hugo 再次构建"),
    ):
        base = b.get(base_key)
        if not ours or not base or not ours.get("pages") or not base.get("pages"):
            continue
        a = ours["wall"] / ours["pages"] * 1000
        c = base["wall"] / base["pages"] * 1000
        ratio_rows.append([ours_label, base_label, _f(a), _f(c), _f(a / c, 1)])
    out.append("## 与 Pelican / Hugo 比较（同样页数，Markdown 页面 + 单模板主题）")
    out.append("")
    if ratio_rows:
        out.append(table(["本项目", "基线", "本项目（毫秒/页）", "基线（毫秒/页）", "倍数（本项目/基线）"], ratio_rows))
    if "pelican_error" in r:
        out.append(f"Pelican 基线失败：{r['pelican_error']}")
    out.append("")
    out.append(f"Hugo：{r.get('hugo', '未运行')}")
    out.append("")

    eng = r.get("engine")
    if eng:
        out.append(f"## (g) 评选引擎单独运行（一届，内存中生成全部阶段数据；目标：{eng['target_candidates']} 人 < {eng['target_seconds']:.0f} 秒）")
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
            out.append(f"{eng['target_candidates']} 人：{_f(t)} 秒，{'达到' if t < eng['target_seconds'] else '未达到'}目标。")
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
