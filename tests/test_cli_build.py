"""``gongjiang build`` end to end: atomic output, Chinese output, reproducible bytes.

* A good build, then failing builds (bad data, an exception in a template, a Pelican
  warning, a KeyboardInterrupt raised by a plugin half-way through writing): each
  exits non-zero with a Chinese message and leaves the previous output byte for byte
  as it was, with no temporary folder left behind.
* Two builds of the same sources in different folders, from different working
  directories, time zones, locales, hash seeds and SOURCE_DATE_EPOCH values, are
  byte-identical, the search index included, and the output holds no trace of the
  build's date or time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from searchkit import decoded_text
from sitekit import ROOT, SiteProject

from gongjiang_pipeline.cli import main

pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parent


def tree_hash(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        for p in sorted(out.rglob("*"))
    }


@pytest.fixture
def cli_site(tmp_path):
    """A scratch project whose pelican.conf.py names the stand-in engine, built once."""
    site = SiteProject(tmp_path / "project")
    site.story("public-one", "2099-001")
    with open(site.path("pelican.conf.py"), "a", encoding="utf-8") as f:
        f.write('\nGONGJIANG_ENGINE = "sitekit:fake_engine"\n')
    return site


def build(site, capsys, out: Path) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["--root", str(site.root), "build", "--output", str(out), "--as-of", "2099-12-31"])
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_good_build_prints_chinese_only(cli_site, capsys, tmp_path):
    rc, stdout, stderr = build(cli_site, capsys, tmp_path / "site")
    assert rc == 0, stderr
    assert "Done" not in stdout + stderr and "Processed" not in stdout + stderr
    lines = stdout.splitlines()
    assert lines[0] == f"网站已生成：{tmp_path / 'site'}（按 2099-12-31 的公开范围）"
    assert lines[1].startswith("共 ") and "工匠故事 1 篇" in lines[1] and "公开人物 5 人" in lines[1]
    assert lines[2].startswith("图片：照片 ") and "二维码 5 个" in lines[2]
    assert len(lines) == 3 and stderr == ""


def assert_failure_keeps_output(cli_site, capsys, out: Path, before: dict, expect_rc: int, expect_err: str) -> str:
    rc, stdout, stderr = build(cli_site, capsys, out)
    assert rc == expect_rc, (rc, stdout, stderr)
    assert expect_err in stderr, stderr
    assert "Traceback" not in stderr
    assert tree_hash(out) == before
    assert leftovers(out) == []
    return stderr


def test_failed_builds_leave_previous_output_untouched(cli_site, capsys, tmp_path):
    out = tmp_path / "site"
    rc, _, err = build(cli_site, capsys, out)
    assert rc == 0, err
    before = tree_hash(out)
    assert "index.html" in before and "stories/public-one/index.html" in before

    # 1. bad data: a candidate with an unknown gender
    bad = cli_site.path("data/candidates/2099/2099-002.yaml")
    good_text = bad.read_text("utf-8")
    bad.write_text(good_text.replace("gender: 女", "gender: 未知"), "utf-8")
    err = assert_failure_keeps_output(cli_site, capsys, out, before, 1, "data/candidates/2099/2099-002.yaml")
    assert "gender" in err
    bad.write_text(good_text, "utf-8")

    # 2. an exception inside a template (a scratch theme override)
    broken = tmp_path / "broken-theme"
    broken.mkdir()
    (broken / "craftsman.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n<h1>{{ person.name }}</h1>\n{{ person.no_such_field.x }}\n{% endblock %}\n',
        "utf-8",
    )
    conf = cli_site.path("pelican.conf.py")
    good_conf = conf.read_text("utf-8")
    conf.write_text(good_conf + f"\nTHEME_TEMPLATES_OVERRIDES = [{str(broken)!r}]\n", "utf-8")
    err = assert_failure_keeps_output(cli_site, capsys, out, before, 1, "模板错误：")
    assert "craftsman.html:4: 模板使用了未定义的变量" in err
    conf.write_text(good_conf, "utf-8")

    # 3. a Pelican warning (a link to a story that does not exist)
    story = cli_site.path("content/stories/link.md")
    story.write_text("Title: 链接\nDate: 2099-07-01\nCandidate: 2099-001\n\n[另一篇]({filename}/stories/nope.md)\n", "utf-8")
    assert_failure_keeps_output(cli_site, capsys, out, before, 1, "站内链接指向不存在的文件")
    story.unlink()

    # 4. KeyboardInterrupt from a plugin, after some files were written
    extra = tmp_path / "extra-plugins"
    extra.mkdir()
    (extra / "interrupter.py").write_text(
        textwrap.dedent(
            """\
            from pelican import signals

            written = []

            def count(pelican):
                written.clear()

            def on_written(path, context):
                written.append(path)
                if len(written) == 5:
                    raise KeyboardInterrupt

            def register():
                signals.initialized.connect(count)
                signals.content_written.connect(on_written)
            """
        ),
        "utf-8",
    )
    conf.write_text(
        good_conf + f'\nPLUGIN_PATHS = ["plugins", {str(extra)!r}]\nPLUGINS = ["gongjiang_site", "interrupter"]\n',
        "utf-8",
    )
    try:
        assert_failure_keeps_output(cli_site, capsys, out, before, 130, "已中断。")
    finally:
        # Pelican's signals are process-wide: unhook the plugin for the builds that follow
        from pelican import signals

        plugin = sys.modules.pop("interrupter", None)
        if plugin is not None:
            signals.initialized.disconnect(plugin.count)
            signals.content_written.disconnect(plugin.on_written)
    conf.write_text(good_conf, "utf-8")

    # and a good build still replaces the output
    rc, _, err = build(cli_site, capsys, out)
    assert rc == 0, err
    assert tree_hash(out) == before


# --------------------------------------------------------------------------
# reproducible output


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("data", "content", "theme", "plugins", "schemas"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pelican.conf.py", dest / "pelican.conf.py")
    return dest


def cli_build(root: Path, out: Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("TZ", "SOURCE_DATE_EPOCH", "PYTHONHASHSEED")}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "gongjiang_pipeline", "--root", str(root), "build", "--output", str(out),
         "--as-of", "2026-12-01"],
        cwd=cwd, env=full, capture_output=True, text=True, timeout=300,
    )


def date_forms(moment: dt.datetime) -> set[str]:
    d = moment.date()
    return {d.isoformat(), f"{d.year}年{d.month}月{d.day}日", d.strftime("%Y%m%d"), d.strftime("%Y/%m/%d")}


def test_two_builds_in_different_places_times_and_zones_are_byte_identical(tmp_path, safety_figures):
    if not any((ROOT / "data" / "editions").glob("*.yaml")):
        pytest.skip("no sample data in data/editions yet")
    a = copy_project(tmp_path / "a")
    b = copy_project(tmp_path / "elsewhere" / "deeper" / "b")
    start = dt.datetime.now(dt.timezone.utc)
    first = cli_build(a, a / "output", a, {"TZ": "Pacific/Kiritimati", "SOURCE_DATE_EPOCH": "1", "LC_ALL": "C.UTF-8",
                                             "PYTHONHASHSEED": "1"})
    assert first.returncode == 0, first.stderr
    time.sleep(1.1)
    second = cli_build(b, tmp_path / "out-b", tmp_path / "elsewhere",
                       {"TZ": "Etc/GMT+12", "SOURCE_DATE_EPOCH": "2000000000", "LC_ALL": "C", "PYTHONHASHSEED": "2"})
    assert second.returncode == 0, second.stderr
    end = dt.datetime.now(dt.timezone.utc)
    for run in (first, second):
        assert run.stderr == "" and "Done" not in run.stdout and run.stdout.startswith("网站已生成：")

    out_a, out_b = a / "output", tmp_path / "out-b"
    ha, hb = tree_hash(out_a), tree_hash(out_b)
    assert ha == hb
    assert any(k.startswith("pagefind/2016/filter/") for k in ha)  # the search index included (per edition)

    # no build date or time anywhere in the output (dates the data itself holds excepted)
    sources = "\n".join(
        p.read_text("utf-8", "replace") for d in ("data", "content") for p in (ROOT / d).rglob("*") if p.is_file()
    )
    moments = [start, end]
    for tz in ("Asia/Shanghai", "Pacific/Kiritimati", "Etc/GMT+12"):
        from zoneinfo import ZoneInfo

        moments += [start.astimezone(ZoneInfo(tz)), end.astimezone(ZoneInfo(tz))]
    needles = set()
    for m in moments:
        needles |= {f for f in date_forms(m) if f not in sources}
        needles |= {m.strftime("%H:%M:%S"), m.strftime("%Y-%m-%dT%H:%M"), str(int(m.timestamp()))}
    blob = b"\0".join((out_a / rel).read_bytes() for rel, h in ha.items() if h != "dir")
    blob += decoded_text(out_a).encode("utf-8")  # the search index, decompressed
    found = sorted(n for n in needles if n.encode("utf-8") in blob)
    safety_figures(
        f"reproducible build: {sum(1 for h in ha.values() if h != 'dir')} files identical across 2 builds "
        f"(folders, cwd, TZ, locale, hash seed, SOURCE_DATE_EPOCH varied); {len(needles)} date/time strings "
        f"of the build searched, {len(found)} found"
    )
    assert found == []


def test_default_build_date_is_beijing_today_in_any_time_zone():
    code = "from gongjiang_pipeline.cli import today; print(today())"
    days = set()
    for tz in ("Pacific/Kiritimati", "Etc/GMT+12", "UTC"):
        env = dict(os.environ, TZ=tz)
        days.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                check=True).stdout.strip())
    from zoneinfo import ZoneInfo

    assert days == {dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()}


def test_timings_lists_each_phase_and_writes_json(cli_site, capsys, tmp_path):
    capsys.readouterr()
    report = tmp_path / "timings.json"
    rc = main(["--root", str(cli_site.root), "build", "--output", str(tmp_path / "site"), "--as-of", "2099-12-31",
               "--timings", "--timings-json", str(report)])
    out = capsys.readouterr().out.splitlines()
    assert rc == 0
    at = next(i for i, line in enumerate(out) if line.startswith("各阶段用时（墙钟，共 "))
    labels = [line.split("%  ", 1)[1] for line in out[at + 1:-1]]
    assert labels == [
        "比对输入（是否有改动）", "读取并校验数据", "评选引擎", "网站模型", "准备图片（照片、分享图片、二维码）",
        "生成页面清单并写入图片文件",
        "计算页面键（判断哪些页面可沿用）（大部分含在「生成页面清单并写入图片文件」中，不另计）",
        "渲染页面", "站内搜索索引（Pagefind）", "同步到输出目录", "记录本次输出（供下次增量构建）",
    ]
    assert out[-1].endswith("其他（启动与导入，Pelican 读取故事和政策页面等）")
    data = json.loads(report.read_text("utf-8"))
    assert list(data["phases"]) == ["inputs", "load", "engine", "model", "media", "generate", "keys", "render",
                                    "search", "sync", "record"]
    assert data["total"] > 0 and all(v >= 0 for v in data["phases"].values())
    shown = sum(float(line.split("秒")[0]) for line in out[at + 1:] if "不另计" not in line)
    assert shown == pytest.approx(data["total"], abs=0.1)  # the top-level phases and "other" add up
