"""`publish`: dir targets sync changed files only; rsync and S3 commands as built."""

import io
import os
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from gongjiang_pipeline.cli import main
from gongjiang_pipeline.errors import UsageError
from gongjiang_pipeline.publish import MARKER, PublishError, Target, command, parse_target, publish, refuse_sample_data


def cli(*args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(list(args))
    return rc, out.getvalue(), err.getvalue()


def site(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")
    return root


SITE = {"index.html": "首页", "craftsmen/a/index.html": "甲", "craftsmen/b/index.html": "乙", "theme/site.css": "body{}"}
SITEURL = "https://gongjiang.bjzgh.org"  # the real address the CLI requires (tests/test_siteurl.py)
BUILT = dict(SITE, **{"sitemap.xml": f"<urlset><url><loc>{SITEURL}/</loc></url></urlset>"})


def stamps(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("text,expected", [
    ("dir:/srv/www/gongjiang", Target("dir", "/srv/www/gongjiang")),
    ("rsync:www.example.org:/srv/www", Target("rsync", "www.example.org:/srv/www")),
    ("s3://gongjiang-site/www", Target("s3", "s3://gongjiang-site/www/")),
    ("s3://gongjiang-site", Target("s3", "s3://gongjiang-site/")),
])
def test_parse_target(text, expected):
    assert parse_target(text) == expected


@pytest.mark.parametrize("text", ["/srv/www", "dir:", "rsync:/srv/www", "s3:///x", "ftp://x"])
def test_bad_target(text):
    with pytest.raises(UsageError) as exc:
        parse_target(text)
    assert str(exc.value) == f"无法识别的发布目标「{text}」：应为 dir:<目录>、rsync:<主机>:<路径> 或 s3://<存储桶>/<前缀>"


def test_commands_for_rsync_and_s3():
    src = Path("/work/site/output")
    assert command(parse_target("rsync:www.example.org:/srv/www/"), src) == [
        "rsync", "-rlc", "--delete", "--itemize-changes", "/work/site/output/", "www.example.org:/srv/www/"]
    assert command(parse_target("s3://bucket/prefix"), src, dry_run=True) == [
        "s3cmd", "sync", "--delete-removed", "--no-preserve", "--no-mime-magic", "--guess-mime-type", "--dry-run",
        "/work/site/output/", "s3://bucket/prefix/"]


def test_dir_sync_copies_only_changes(tmp_path):
    out = site(tmp_path / "output", SITE)
    dest = tmp_path / "www"
    target = parse_target(f"dir:{dest}")
    assert publish(target, out) == [f"发布到 dir:{dest}：新增 4 个文件，更新 0 个，删除 0 个，未变 0 个。"]
    assert (dest / "craftsmen/a/index.html").read_text("utf-8") == "甲"
    assert (dest / MARKER).is_file()
    before = stamps(dest)

    assert publish(target, out) == [f"发布到 dir:{dest}：新增 0 个文件，更新 0 个，删除 0 个，未变 4 个。"]
    assert stamps(dest) == before  # nothing rewritten

    (out / "craftsmen/a/index.html").write_text("甲（更正）", "utf-8")
    (out / "craftsmen/b/index.html").unlink()
    (out / "craftsmen/b").rmdir()
    (out / "errata/index.html").parent.mkdir()
    (out / "errata/index.html").write_text("勘误", "utf-8")
    (out / "theme/site.css").write_text("body{}", "utf-8")  # rewritten, same bytes
    assert publish(target, out, dry_run=True) == [
        f"试运行（没有做任何修改）：发布到 dir:{dest}：新增 1 个文件，更新 1 个，删除 1 个，未变 2 个。",
        "  新增 errata/index.html", "  更新 craftsmen/a/index.html", "  删除 craftsmen/b/index.html",
    ]
    assert stamps(dest) == before
    assert publish(target, out) == [f"发布到 dir:{dest}：新增 1 个文件，更新 1 个，删除 1 个，未变 2 个。"]
    after = stamps(dest)
    assert after["theme/site.css"] == before["theme/site.css"]
    assert after["index.html"] == before["index.html"]
    assert (dest / "craftsmen/a/index.html").read_text("utf-8") == "甲（更正）"
    assert not (dest / "craftsmen/b").exists()  # emptied folders are removed
    assert sorted(after) == [MARKER, "craftsmen/a/index.html", "errata/index.html", "index.html", "theme/site.css"]


def test_dir_sync_file_and_folder_swap(tmp_path):
    out = site(tmp_path / "output", {"index.html": "1", "a": "file"})
    dest = tmp_path / "www"
    publish(parse_target(f"dir:{dest}"), out)
    (out / "a").unlink()
    site(out, {"a/index.html": "folder"})
    publish(parse_target(f"dir:{dest}"), out)
    assert (dest / "a/index.html").read_text("utf-8") == "folder"


def test_refuses_unrelated_folder_and_overlaps(tmp_path):
    out = site(tmp_path / "output", SITE)
    other = site(tmp_path / "home-files", {"notes.txt": "重要"})
    with pytest.raises(UsageError) as exc:
        publish(parse_target(f"dir:{other}"), out)
    assert str(exc.value) == (
        f"发布目录 {other} 不是空目录，也不是本工具发布过的目录（没有 {MARKER}）。"
        "为防止误删其中的文件，拒绝发布：请换一个空目录，或确认后手工清空它"
    )
    assert (other / "notes.txt").read_text("utf-8") == "重要"
    with pytest.raises(UsageError, match="发布目录不能是网站输出目录、它的子目录或上级目录"):
        publish(parse_target(f"dir:{out / 'sub'}"), out)
    with pytest.raises(UsageError, match="发布目录不能是项目目录、它的子目录或上级目录"):
        publish(parse_target(f"dir:{tmp_path / 'www'}"), out, project=tmp_path)


def test_requires_a_built_site(tmp_path):
    (tmp_path / "output").mkdir()
    with pytest.raises(UsageError) as exc:
        publish(parse_target(f"dir:{tmp_path / 'www'}"), tmp_path / "output")
    assert str(exc.value) == f"{tmp_path / 'output'} 中没有生成好的网站（缺少 index.html）：请先运行 make html"


def test_missing_tool_is_a_chinese_error(tmp_path, monkeypatch):
    out = site(tmp_path / "output", SITE)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(PublishError) as exc:
        publish(parse_target("rsync:host:/srv/www"), out)
    assert str(exc.value) == "找不到 rsync 命令：请先安装（Debian/Ubuntu：apt-get install rsync）"


def test_cli_reads_publish_target(tmp_path, monkeypatch):
    root = tmp_path / "project"
    site(root / "output", BUILT)
    dest = tmp_path / "www"
    monkeypatch.setenv("PUBLISH_TARGET", f"dir:{dest}")
    rc, out, err = cli("--root", str(root), "publish", "--siteurl", SITEURL)
    assert (rc, err) == (0, "")
    assert out == f"发布到 dir:{dest}：新增 5 个文件，更新 0 个，删除 0 个，未变 0 个。\n"
    monkeypatch.delenv("PUBLISH_TARGET")
    rc, out, err = cli("--root", str(root), "publish", "--siteurl", SITEURL)
    assert rc == 2 and err.startswith("没有指定发布目标：请设置 PUBLISH_TARGET")
    assert os.listdir(dest)


# --------------------------------------------------------------------------
# sample data (sample: true) goes to a local folder only

SAMPLE_REFUSED = (
    "拒绝发布到 {target}：以下届次是示例数据（届次文件中写有 sample: true），示例数据不能发布到服务器："
    "2016（2016年“北京大工匠”选树（示例），data/editions/2016.yaml）、"
    "2026（2026年“北京大工匠”选树（示例），data/editions/2026.yaml）。"
    "如果这是真实的届次，请删除该届次文件中的 sample: true，重新生成后再发布；"
    "如果只想预览示例网站，请运行 make html 后用 make serve 在本机预览，或发布到本地目录 dir:…"
)


def fake_tools(tmp_path, monkeypatch) -> Path:
    """rsync and s3cmd stand-ins on PATH that record each call in calls.txt."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls.txt"
    for name in ("rsync", "s3cmd"):
        tool = bin_dir / name
        tool.write_text(f'#!/bin/sh\necho "{name} $*" >> "{calls}"\n', "utf-8")
        tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return calls


@pytest.mark.parametrize("text", ["rsync:www.example.org:/srv/www/gongjiang", "s3://gongjiang-site/www"])
def test_sample_data_is_not_published_to_a_server(sample, tmp_path, monkeypatch, text):
    calls = fake_tools(tmp_path, monkeypatch)
    site(sample / "output", BUILT)
    for args in (("publish", "--target", text, "--siteurl", SITEURL),
                 ("publish", "--target", text, "--siteurl", SITEURL, "--dry-run")):
        rc, out, err = cli("--root", str(sample), *args)
        assert (rc, out) == (1, "")
        assert err == SAMPLE_REFUSED.format(target=parse_target(text)) + "\n"
    assert not calls.exists()  # nothing was sent, not even a dry run


def test_sample_data_may_go_to_a_local_folder(sample, tmp_path):
    site(sample / "output", BUILT)
    dest = tmp_path / "preview"
    rc, out, err = cli("--root", str(sample), "publish", "--target", f"dir:{dest}", "--siteurl", SITEURL)
    assert (rc, err) == (0, "")
    assert (dest / "index.html").read_text("utf-8") == "首页"


def test_real_editions_are_published_to_a_server(sample, tmp_path, monkeypatch):
    calls = fake_tools(tmp_path, monkeypatch)
    site(sample / "output", BUILT)
    for f in (sample / "data/editions").glob("*.yaml"):
        text = f.read_text("utf-8")
        assert "\nsample: true\n" in text
        f.write_text(text.replace("\nsample: true\n", "\n"), "utf-8")
    rc, out, err = cli("--root", str(sample), "publish", "--target", "rsync:www.example.org:/srv/www", "--siteurl", SITEURL)
    assert (rc, err) == (0, "")
    assert calls.read_text("utf-8").startswith("rsync -rlc --delete")


def test_only_the_sample_editions_are_named(sample):
    f = sample / "data/editions/2016.yaml"
    f.write_text(f.read_text("utf-8").replace("\nsample: true\n", "\n"), "utf-8")
    with pytest.raises(PublishError) as exc:
        refuse_sample_data(parse_target("s3://bucket/x"), sample)
    assert "：2026（2026年“北京大工匠”选树（示例），data/editions/2026.yaml）。如果这是" in str(exc.value)
    assert "data/editions/2016.yaml" not in str(exc.value)
