"""The benchmark harness (bench/): its synthetic data is valid and builds, and a
quick run produces the report. Nothing here measures speed (that is ``make bench``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import datagen  # noqa: E402
from bench.measure import count_pages, diff_trees, run_child, snapshot  # noqa: E402

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
    for heading in ("## 构建", "(a) 冷构建，含照片", "(b) 无改动重建", "(c) 改一个候选人文件后重建",
                    "(d) 改一个故事后重建", "Hugo", "## (h) 图片管线", "用时分布", "读取并校验数据（load_project）"):
        assert heading in proc.stdout
    result = json.loads(out.read_text("utf-8"))
    builds = result["builds"]
    assert builds["a_pages"]["pages"] == builds["b_unchanged"]["pages"] > 0
    # today every build writes a fresh output folder: everything counts as rewritten
    assert builds["b_unchanged"]["diff"]["changed"] == 0
    assert builds["d_story"]["diff"]["changed"] >= 1
    assert out.with_suffix(".md").read_text("utf-8").startswith("# 构建性能基准")
    assert set(result["profile"]) == {"pages", "full"} and (out.parent / "build-pages.prof").is_file()
    if result["media"]["available"] is False:
        assert "尚未合并" in proc.stdout
    assert dt.date.fromisoformat(result["data"]["as_of"]) == datagen.Params(editions=2).as_of
