"""`diff` between a git revision and the work tree, on a copy of the sample data."""

import shutil
import subprocess


import io
from contextlib import redirect_stderr, redirect_stdout

from gongjiang_pipeline.cli import main


def cli(*args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(list(args))
    return rc, out.getvalue(), err.getvalue()


def test_diff_shows_who_entered_and_left(tmp_path, repo_root):
    root = tmp_path / "site"
    shutil.copytree(repo_root / "data", root / "data")
    shutil.copytree(repo_root / "schemas", root / "schemas")
    shutil.copytree(repo_root / "content", root / "content")  # the topics name stories and news
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "base"], check=True)

    assert cli("--root", str(root), "diff", "HEAD", ".") == (0, "两个版本的评选结果没有差别。\n", "")

    review = root / "data/results/2016/review.yaml"
    text = review.read_text("utf-8")
    block = '  - candidate: "2016-003"\n    score: 83.8\n'
    assert block in text
    review.write_text(text.replace(block, '  - candidate: "2016-003"\n    score: 99.0\n'), "utf-8")

    rc, out, err = cli("--root", str(root), "diff", "HEAD", ".", "--edition", "2016")
    lines = out.splitlines()
    assert (rc, err) == (0, "")
    assert lines[0] == "届次 2016："
    assert "  北京大工匠：新增 何兴勇（2016-003），第 1 名" in lines
    assert "  北京大工匠：移出 常振（2016-093）（原第 10 名）" in lines
    assert "  北京大工匠提名奖：新增 常振（2016-093），第 11 名" in lines


def test_diff_unknown_revision_is_a_chinese_error(repo_root):
    rc, out, err = cli("--root", str(repo_root), "diff", "no-such-rev", ".")
    assert rc == 2
    assert err.startswith("无法读取 git 版本「no-such-rev」")
