"""The benchmark harness (bench/): its synthetic data is valid and builds, and a
quick run produces the report. Nothing here measures speed (that is ``make bench``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import baselines, datagen  # noqa: E402
from bench.measure import (  # noqa: E402
    Trash, affected_by_candidate, count_pages, diff_trees, run_child, search_bundle_of, snapshot)
from bench.run import classify_written, reset_for_cold_pages, verdicts  # noqa: E402

from gongjiang_pipeline.cli import main as cli  # noqa: E402
from gongjiang_pipeline.engine import run as engine_run  # noqa: E402
from gongjiang_pipeline.loading import load_project  # noqa: E402

SMALL = datagen.Params(editions=2, candidates=40, stories=10, photos=4, photo_size=(800, 600))


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, dict]:
    cache = tmp_path_factory.mktemp("bench-cache")
    return datagen.cached_project(SMALL, cache, log=lambda *a: None)


def test_small_project_passes_check_and_matches_the_format(small, tmp_path, capsys):
    src, meta = small
    proj = datagen.assemble(src / "full", tmp_path / "proj")
    assert cli(["--root", str(proj), "check"]) == 0
    assert "数据检查通过：2 个届次，80 名候选人。" in capsys.readouterr().out
    # every stage file of every edition, each with the schema line the loader expects
    for eid in ("2016", "2017"):
        for kind in ("qualification", "votes", "review", "objections", "approval", "decisions"):
            assert datagen.schema_first_line_ok(proj, f"data/results/{eid}/{kind}.yaml", kind)
        assert list((proj / "data" / "results" / eid / "scores").glob("*.yaml"))
    assert meta["candidates"] == 80 and meta["photos"] == 4 and meta["photos_of_public"] == 4
    lo, hi = meta["story_chars"]
    assert 300 <= lo and hi <= 800


def test_small_project_results_are_final_and_use_every_stage(small, tmp_path):
    src, _ = small
    project = load_project(datagen.assemble(src / "full", tmp_path / "proj"))
    for ed in project.editions.values():
        judges = {len(s.judges) for s in ed.score_sheets.values()}
        assert judges <= {5, 6, 7}
        assert ed.votes and ed.review and ed.objections and ed.approval and ed.qualification
        res = engine_run(ed)
        assert {sl.status for sl in res.lists.values()} == {"final"}
        # the upheld objection removed someone from the notice list's honours
        notice = set(res.lists["notice"].entries)
        honoured = set(res.lists["craftsmen"].entries) | set(res.lists["nomination_award"].entries)
        assert len(notice - honoured) == 1


@pytest.mark.slow
def test_small_project_builds_with_and_without_photos(small, tmp_path):
    src, meta = small
    as_of = SMALL.as_of.isoformat()
    for variant, photos in (("full", 4), ("nophotos", 0)):
        proj = datagen.assemble(src / variant, tmp_path / variant)
        out = tmp_path / f"out-{variant}"
        assert cli(["--root", str(proj), "build", "--output", str(out), "--as-of", as_of]) == 0
        tree = snapshot(out)
        # portraits are photos/<slug>-<width>.<jpg|webp>: count the people, not the files
        assert len({k[len("photos/"):].rsplit("-", 1)[0] for k in tree if k.startswith("photos/")}) == photos
        assert sum(1 for k in tree if k.startswith("stories/") and k.endswith("index.html")) == 1 + SMALL.stories
        assert count_pages(tree) > meta["public"]


def test_assembled_project_is_a_private_copy(small, tmp_path):
    src, _ = small
    proj = datagen.assemble(src / "full", tmp_path / "proj")
    story = sorted((proj / "content" / "stories").glob("*.md"))[0]
    story.write_text("changed", "utf-8")
    assert (src / "full" / "content" / "stories" / story.name).read_text("utf-8") != "changed"
    photo = next((proj / "data" / "photos").iterdir())
    assert photo.stat().st_ino == (src / "full" / "data" / "photos" / photo.name).stat().st_ino  # hard link


def test_photos_are_distinct_jpegs_some_with_orientation(tmp_path):
    from PIL import Image

    paths = datagen.photo_store(tmp_path, 40, (64, 48), seed=1, log=lambda *a: None)
    blobs = [p.read_bytes() for p in paths]
    assert len(set(blobs)) == 40
    orientations = set()
    for p in paths:
        with Image.open(p) as im:
            assert im.size == (64, 48) and im.format == "JPEG"
            orientations.add(im.getexif().get(0x0112))
    assert 6 in orientations and None in orientations
    # made once: a second call rewrites nothing
    before = [p.stat().st_mtime_ns for p in paths]
    datagen.photo_store(tmp_path, 40, (64, 48), seed=1, log=lambda *a: None)
    assert [p.stat().st_mtime_ns for p in paths] == before


def test_cached_project_is_reused(small, tmp_path_factory):
    src, _ = small
    marker = src / "meta.json"
    mtime = marker.stat().st_mtime_ns
    again, _ = datagen.cached_project(SMALL, src.parent.parent, log=lambda *a: None)
    assert again == src and marker.stat().st_mtime_ns == mtime
    assert SMALL.key() != datagen.Params(editions=3, candidates=40, stories=10, photos=4).key()


def test_engine_edition_without_resolving(tmp_path):
    data = datagen.edition_data(0, 300, seed=5, resolve=False)
    assert len(data.candidates) == 300
    res = engine_run(data)
    assert {sl.status for sl in res.lists.values()} == {"final"}
    assert len(res.lists["nominees"].entries) == data.edition.awards.nominees


def test_tree_diff_counts_rewrites_by_mtime_or_inode(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("a.html", "b.html", "c.css"):
        (out / name).write_text(name)
    before = snapshot(out)
    ns = (out / "a.html").stat().st_mtime_ns
    (out / "a.html").write_text("a.html")  # same content, rewritten
    os.utime(out / "a.html", ns=(ns + 10**9, ns + 10**9))
    (out / "b.html").write_text("changed")
    os.utime(out / "b.html", ns=(ns + 2 * 10**9, ns + 2 * 10**9))
    (out / "c.css").unlink()
    (out / "d.html").write_text("new")
    d = diff_trees(before, snapshot(out))
    assert (d.total, d.added, d.removed, d.rewritten, d.changed, d.written) == (3, 1, 1, 2, 1, 3)
    assert d.changed_files == ["b.html"]


def test_child_resource_usage(tmp_path):
    run = run_child([sys.executable, "-c", "x = bytearray(50 * 2**20); print('ok')"], tmp_path / "log.txt")
    assert run.ok and run.maxrss_mb >= 50 and run.wall > 0
    assert Path(run.log).read_text().strip() == "ok"
    slow = run_child([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path / "slow.txt", timeout=0.5)
    assert slow.timed_out and not slow.ok


@pytest.mark.slow
def test_quick_run_writes_report_and_json(tmp_path):
    out = tmp_path / "results" / "latest.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--skip", "pelican,engine,memory", "--profile",
         "--cache", str(tmp_path / "cache"), "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED="0"),
    )
    assert proc.returncode == 0, proc.stderr
    for heading in ("## 目标对照", "## 构建", "完全冷构建，含照片", "媒体预热：完全冷构建，不含照片",
                    "(a) 冷构建（仅页面，图片已处理）", "(b) 无改动重建", "(c) 改一个候选人文件后重建",
                    "(d) 改一个故事后重建", "## (c) 改一个候选人文件：改写了哪些文件", "Hugo", "## (h) 图片管线",
                    "用时分布", "读取并校验数据（load_project）"):
        assert heading in proc.stdout
    result = json.loads(out.read_text("utf-8"))
    builds = result["builds"]
    assert builds["a_pages"]["pages"] == builds["a_cold"]["pages"] == builds["b_unchanged"]["pages"] > 0
    assert result["warmup_key"] == "a_pages" and builds["a_pages"]["warmup"] and not builds["a_full"]["warmup"]
    # the measured cold build kept the media cache and nothing else, and built the same site
    reset = result["cold_reset"]
    assert reset["kept"] == "cache/media" and "cache/records/" in reset["removed"] and reset["media_cache_files"] > 0
    assert builds["a_cold"]["differs_from_warmup"] == 0
    assert builds["b_unchanged"]["diff"]["changed"] == 0 and builds["b_unchanged"]["diff"]["written"] == 0
    assert builds["d_story"]["diff"]["changed"] >= 1
    # (c): the edited candidate's page was rewritten, and the written files are listed
    cf = result["c_files"]
    assert cf["own"] and f"{cf['own']}index.html" in cf["written"]
    assert builds["c_candidate"]["diff"]["written_files"] == cf["written"][:10]
    # the search bundles it re-indexed are counted among the bundles of the built site
    assert cf["search_bundles"] >= 1 and len(cf["search_bundles_written"]) <= cf["search_bundles"]
    names = [v["name"] for v in result["verdicts"]]
    assert len(names) == 15 and all(v["status"] in ("达到", "未达到", "未测") for v in result["verdicts"])
    by_name = {v["name"]: v for v in result["verdicts"]}
    assert by_name["(a) 页面阶段每页用时（不含搜索索引）：比纯 Pelican 快"]["status"] == "未测"  # skipped
    assert by_name["(a′) 含搜索索引的整个构建：比 Pelican + Pagefind 快"]["status"] == "未测"
    assert by_name["(g) 评选引擎单独运行 100,000 人"]["status"] == "未测"
    search = result["search"]  # (i): the cold build's per-edition bundles against one bundle
    if search.get("available") is not False:  # Playwright and Chromium present
        assert search["per_edition"]["message"] == search["one"]["message"]  # the same results
        assert by_name["(i) 搜索首次查询下载量（分届索引 ÷ 单一索引）"]["status"] == "达到"
    # (j): the devserver timed each edit to its reload event, all in one build process
    ds = result["devserver"]
    assert "## (j) devserver：改文件到发出刷新通知" in proc.stdout, ds
    assert [e["key"] for e in ds["edits"]] == ["candidate", "story", "template"] and ds["same_process"]
    assert all(e["latency_ms"] > 0 and e["builds"] == 1 for e in ds["edits"])
    rendered = [e["rendered"] for e in ds["edits"]]
    assert rendered[2] > max(rendered[:2]) and rendered[1] >= 1  # a template every page extends; the story's page
    assert by_name["(j) devserver：改一个候选人到发出刷新通知"]["status"] in ("达到", "未达到")
    if shutil.which("hugo"):
        assert builds["hugo_cold"]["pages"] == builds["hugo_cold_1cpu"]["pages"] == builds["a_pages"]["pages"]
        assert "Hugo 基线：冷构建，单核（GOMAXPROCS=1）" in proc.stdout
    else:
        assert "Hugo 未安装，跳过" in proc.stdout
    assert out.with_suffix(".md").read_text("utf-8").startswith("# 构建性能基准")
    assert set(result["profile"]) == {"pages", "full"} and (out.parent / "build-pages.prof").is_file()
    if result["media"]["available"] is False:
        assert "尚未合并" in proc.stdout
    assert dt.date.fromisoformat(result["data"]["as_of"]) == datagen.Params(editions=2).as_of


def test_reset_for_cold_pages_keeps_only_the_media_cache(tmp_path):
    project, out = tmp_path / "proj", tmp_path / "out"
    for rel in ("cache/media/ab/abcd.png", "cache/records/records.pickle", "cache/pages/x.html", "cache/stray.txt",
                "data/candidates/2016/2016-001.yaml"):
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text("x")
    (out / "craftsmen").mkdir(parents=True)
    (out / "index.html").write_text("x")
    removed = reset_for_cold_pages(project, out)
    assert removed == ["cache/pages/", "cache/records/", "cache/stray.txt"]
    assert not out.exists()
    assert sorted(p.name for p in (project / "cache").iterdir()) == ["media"]
    assert (project / "cache/media/ab/abcd.png").is_file() and (project / "data/candidates/2016/2016-001.yaml").is_file()
    assert reset_for_cold_pages(tmp_path / "empty", out) == []


def _site(root: Path, files: dict[str, str]) -> dict:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    return snapshot(root)


def test_files_a_candidate_change_may_affect(tmp_path):
    out = tmp_path / "out"
    entry = {"id": "2016-001", "url": "https://x.example/craftsmen/wang-li/"}
    before = _site(out, {
        "craftsmen/wang-li/index.html": "王力", "craftsmen/wang-li/share.png": "png", "craftsmen/wang-li/qr.svg": "svg",
        "craftsmen/zhang-san/index.html": "张三",
        "editions/2016/craftsmen/index.html": '<a href="/craftsmen/wang-li/">王力</a>',
        "editions/2016/craftsmen/share.png": "png",
        "editions/2016/nominees/index.html": "没有他", "editions/2016/nominees/share.png": "png",
        "opendata/2016/craftsmen.json": json.dumps({"entries": [entry]}),
        "opendata/index.json": "{}", "sitemap.xml": "<urlset/>", "pagefind/entry.json": "{}",
    })
    affected = affected_by_candidate(out, before, "2016-001")
    assert affected["own"] == "craftsmen/wang-li/"
    assert set(affected["expected"]) == {
        "craftsmen/wang-li/index.html", "craftsmen/wang-li/share.png", "craftsmen/wang-li/qr.svg",
        "editions/2016/craftsmen/index.html", "editions/2016/craftsmen/share.png",
        "opendata/2016/craftsmen.json", "opendata/index.json", "sitemap.xml", "pagefind/entry.json",
    }
    # a rebuild that rewrote the candidate's page, a new search fragment, and (wrongly) an unrelated page
    ns = (out / "craftsmen/wang-li/index.html").stat().st_mtime_ns + 10**9
    (out / "craftsmen/wang-li/index.html").write_text("王力（改）", "utf-8")
    (out / "craftsmen/zhang-san/index.html").write_text("张三", "utf-8")  # same content
    for rel in ("craftsmen/wang-li/index.html", "craftsmen/zhang-san/index.html"):
        os.utime(out / rel, ns=(ns, ns))
    (out / "pagefind/fragment-new.pf").write_text("new")
    cf = classify_written(before, snapshot(out), affected)
    assert cf["written"] == ["craftsmen/wang-li/index.html", "craftsmen/zhang-san/index.html", "pagefind/fragment-new.pf"]
    assert cf["written_groups"] == ["own", "outside", "site_wide"]
    assert cf["outside_expected"] == ["craftsmen/zhang-san/index.html"]
    assert cf["written_unchanged"] == ["craftsmen/zhang-san/index.html"]
    assert cf["expected_groups"] == {"own": 3, "site_wide": 3, "mentioning": 3}
    assert not cf["only_affected"]


def test_search_bundles_a_candidate_change_rebuilt(tmp_path):
    out = tmp_path / "out"
    before = _site(out, {
        "craftsmen/wang-li/index.html": "王力",
        "pagefind/pagefind-entry.json": "{}", "pagefind/fragment/a.pf_fragment": "a",
        "pagefind/2016-2018/pagefind-entry.json": "{}", "pagefind/2016-2018/fragment/b.pf_fragment": "b",
        "pagefind/2019/pagefind-entry.json": "{}", "pagefind/2019/fragment/c.pf_fragment": "c",
        "search/bundles.js": "[]",
    })
    affected = {"candidate": "2016-001", "own": "craftsmen/wang-li/", "expected": ["craftsmen/wang-li/index.html"]}
    assert search_bundle_of("pagefind/2016-2018/fragment/b.pf_fragment", before) == "pagefind/2016-2018"
    assert search_bundle_of("pagefind/fragment/a.pf_fragment", before) == "pagefind"
    assert search_bundle_of("search/bundles.js", before) is None
    # the candidate's page and his edition's bundle: one bundle re-indexed
    (out / "pagefind/2016-2018/fragment/b.pf_fragment").unlink()
    (out / "pagefind/2016-2018/fragment/b2.pf_fragment").write_text("b2")
    cf = classify_written(before, snapshot(out), affected)
    assert (cf["search_bundles"], cf["search_bundles_written"], cf["one_search_bundle"]) == (
        3, ["pagefind/2016-2018"], True)
    # a file removed from another bundle counts too (a build that re-indexes more than the edited bundle)
    before = snapshot(out)
    (out / "pagefind/2019/fragment/c.pf_fragment").unlink()
    (out / "pagefind/2019/fragment/c2.pf_fragment").write_text("c2")
    (out / "pagefind/2016-2018/fragment/b2.pf_fragment").unlink()
    cf = classify_written(before, snapshot(out), affected)
    assert (cf["search_bundles_written"], cf["one_search_bundle"]) == (["pagefind/2016-2018", "pagefind/2019"], False)
    names = {v["name"]: v for v in verdicts({"cpus": 2, "builds": {}, "c_files": cf})}
    row = names["(c) 只重建该候选人所在的搜索分包"]
    assert (row["status"], row["measured"]) == ("未达到", "2 / 3 个（pagefind/2016-2018、pagefind/2019）")


def _results(**over) -> dict:
    """A made-up result set (numbers chosen by the test, nothing measured)."""
    r = {
        "cpus": 2,
        "builds": {
            "a_cold": {"wall": 10.0, "pages": 1000, "phases": {"phases": {"search": 2.0}}},  # pages phase 8 s
            "b_unchanged": {"wall": 0.15, "pages": 1000, "diff": {"written": 0}},
            "c_candidate": {"wall": 0.9, "pages": 1000, "diff": {"written": 12}},
            "d_story": {"wall": 0.4, "pages": 1000, "diff": {"written": 3}},
            "pelican_cold": {"wall": 30.0, "pages": 1000},
            "pelican_pagefind": {"wall": 36.0, "pages": 1000, "pagefind_wall": 6.0},
            "hugo_cold": {"wall": 8.0, "pages": 1000},
            "hugo_cold_1cpu": {"wall": 12.0, "pages": 1000},
        },
        "c_files": {"written_count": 12, "expected_count": 80, "outside_count": 0, "written_unchanged_count": 0,
                    "only_affected": True, "search_bundles": 4, "search_bundles_written": ["pagefind/2016"],
                    "one_search_bundle": True},
        "engine": {"target_candidates": 100_000, "target_seconds": 4.0,
                   "runs": [{"candidates": 100_000, "engine_seconds": 3.0, "engine_cpu_seconds": 3.0,
                             "load_before": (0.1, 0.2, 0.3)}]},
        "media": {"cold": {"images": 70, "images_per_second": 8.0, "workers": 2}, "warm": {"decoded": 0}},
        "memory": {"x1": {"maxrss_mb": 100}, "x2": {"maxrss_mb": 150}, "ratio": 1.5, "limit": 2.0},
        "search": {"available": True, "query": "王力", "bundles": 3, "ratio": 1.1,
                   "per_edition": {"bytes": 110, "requests": 30}, "one": {"bytes": 100, "requests": 20}},
        "devserver": {"limit_ms": 300.0, "same_process": True, "pid": 7,
                      "edits": [{"key": "candidate", "latency_ms": 250.0, "build_ms": 200.0, "rendered": 9},
                                {"key": "story", "latency_ms": 120.0, "build_ms": 80.0, "rendered": 1},
                                {"key": "template", "latency_ms": 900.0, "build_ms": 850.0, "rendered": 70}]},
    }
    for path, value in over.items():
        *keys, last = path.split("__")
        d = r
        for k in keys:
            d = d[k]
        d[last] = value
    return r


def test_verdicts_follow_the_numbers_of_the_run():
    met = verdicts(_results())
    assert [v["status"] for v in met] == ["达到"] * 15
    by_name = {v["name"]: v for v in met}
    assert by_name["(a) 页面阶段每页用时（不含搜索索引）：比纯 Pelican 快"]["value"] == pytest.approx(30 / 8)
    assert by_name["(a′) 含搜索索引的整个构建：比 Pelican + Pagefind 快"]["value"] == pytest.approx(3.6)
    assert "开始时系统负载 0.10/0.20/0.30" in by_name["(g) 评选引擎单独运行 100,000 人"]["measured"]
    # the devserver: slower than the limit, or a new build process per edit, is not met
    slow = verdicts(_results(devserver__edits=[{"key": "candidate", "latency_ms": 301.0},
                                               {"key": "story", "latency_ms": 100.0}]))[-2:]
    assert [v["status"] for v in slow] == ["未达到", "达到"]
    assert [v["status"] for v in verdicts(_results(devserver__same_process=False))[-2:]] == ["未达到"] * 2
    worse = _results(builds__pelican_cold={"wall": 11.0, "pages": 1000},  # 11/8 < 1.5x faster than Pelican
                     builds__pelican_pagefind={"wall": 9.5, "pages": 1000, "pagefind_wall": 2.0},  # faster than us
                     builds__hugo_cold={"wall": 6.0, "pages": 1000},  # 10/6 > 1.5
                     builds__b_unchanged={"wall": 0.25, "pages": 1000},  # 2.5% > 2%
                     builds__c_candidate={"wall": 1.1, "pages": 1000},  # 11% > 10%
                     builds__d_story={"wall": 0.6, "pages": 1000},  # 6% > 5%
                     c_files__only_affected=False, c_files__outside_count=1,
                     c_files__one_search_bundle=False, c_files__search_bundles_written=["pagefind", "pagefind/2016"],
                     media__cold={"images": 70, "images_per_second": 6.5, "workers": 2},
                     media__warm={"decoded": 3}, memory__ratio=2.3,
                     engine__runs=[{"candidates": 100_000, "engine_seconds": 4.2}],
                     search__ratio=1.6,
                     devserver__edits=[{"key": "candidate", "latency_ms": 7000.0}, {"key": "story", "latency_ms": 400.0}])
    assert [v["status"] for v in verdicts(worse)] == ["未达到"] * 15
    missing = verdicts({"cpus": 2, "builds": {"a_cold": {"wall": 1.0, "pages": 10}}, "hugo": "Hugo 未安装，跳过"})
    assert [v["status"] for v in missing] == ["未测"] * 15
    assert "Hugo 未安装" in missing[2]["measured"]


@pytest.mark.skipif(shutil.which("hugo") is None, reason="hugo 未安装")
def test_hugo_and_pelican_baselines_render_the_same_pages(tmp_path):
    stories = tmp_path / "stories"
    stories.mkdir()
    (stories / "a.md").write_text("Title: 甲\n\n## 小标题\n\n正文。", "utf-8")
    hugo = baselines.hugo_project(tmp_path / "hugo", 7, stories)
    pel = baselines.pelican_project(tmp_path / "pelican", 7, stories)
    assert subprocess.run(["hugo", "--quiet", "--destination", "out"], cwd=hugo).returncode == 0
    assert subprocess.run([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "out", "-q"],
                          cwd=pel).returncode == 0
    pages = set(snapshot(hugo / "out"))
    assert pages == set(snapshot(pel / "out")) and len(pages) == 7 and "page-000007/index.html" in pages
    assert "<h1>基准页面 1</h1>" in (hugo / "out" / "page-000001" / "index.html").read_text("utf-8")


def test_reset_for_cold_pages_can_defer_deletion_to_a_trash(tmp_path):
    project, out = tmp_path / "proj", tmp_path / "out"
    for rel in ("cache/media/ab/abcd.png", "cache/records/records.pickle", "cache/stray.txt"):
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(rel)
    (out / "craftsmen").mkdir(parents=True)
    (out / "index.html").write_text("page")
    trash = Trash(tmp_path / "trash")
    assert reset_for_cold_pages(project, out, trash.discard) == ["cache/records/", "cache/stray.txt"]
    assert not out.exists() and sorted(p.name for p in (project / "cache").iterdir()) == ["media"]
    # moved aside, not yet deleted: the disk frees them only when the trash is emptied
    moved = sorted(p.name for p in (tmp_path / "trash").iterdir())
    assert moved == ["0001-out", "0002-records", "0003-stray.txt"]
    assert (tmp_path / "trash/0001-out/index.html").read_text() == "page"
    assert trash.discard(tmp_path / "missing") is False
    trash.empty()
    assert not (tmp_path / "trash").exists()
