"""The GitHub Actions workflow (.github/workflows/site.yml): valid against GitHub's
workflow schema (vendored by check-jsonschema, offline), does what the staff guide
says, and its diff step produces the PR comment on the sample data."""

import copy
import os
import re
import shutil
import subprocess
import sys

import jsonschema
import pytest
from check_jsonschema.builtin_schemas import get_builtin_schema
from ruamel.yaml import YAML

from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"


def load():
    # YAML 1.2, as GitHub reads it: the key `on` stays a string (PyYAML would make it True)
    return YAML(typ="safe", pure=True).load(WORKFLOW.read_text("utf-8"))


def validator():
    schema = get_builtin_schema("vendor.github-workflows")
    return jsonschema.Draft7Validator(schema)


def runs(job):
    return [s.get("run", "") for s in job["steps"]]


def step(job, name_part):
    (found,) = [s for s in job["steps"] if name_part in s.get("name", "")]
    return found


def test_workflow_matches_the_github_workflow_schema():
    errors = sorted(validator().iter_errors(load()), key=lambda e: list(e.path))
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors]


@pytest.mark.parametrize("break_it", [
    lambda w: w["jobs"]["check"].pop("runs-on"),
    lambda w: w["jobs"]["publish"].__setitem__("step", w["jobs"]["publish"].pop("steps")),
    lambda w: w["on"].__setitem__("pull-request", None),
])
def test_the_schema_check_catches_broken_workflows(break_it):
    broken = copy.deepcopy(load())
    break_it(broken)
    assert list(validator().iter_errors(broken))


def test_triggers():
    on = load()["on"]
    assert set(on) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    assert on["push"] == {"branches": ["main"]}
    assert on["schedule"] == [{"cron": "5 16 * * *"}]  # 00:05 in Beijing: lists appear on their date


def test_pull_request_job():
    w = load()
    job = w["jobs"]["check"]
    assert job["if"] == "github.event_name == 'pull_request'"
    assert job["permissions"]["pull-requests"] == "write"
    assert step(job, "取出代码")["with"]["fetch-depth"] == 0
    commands = [r.strip() for r in runs(job) if r.strip().startswith("make ")]
    assert commands == ["make check", "make html", "make test"]
    diff = step(job, "评选结果变化")["run"]
    assert '"$PY" -m gongjiang_pipeline diff "origin/${BASE_REF}" .' in diff
    script = step(job, "评论")
    assert script["uses"].startswith("actions/github-script@")
    assert "readFileSync('diff.md'" in script["with"]["script"]
    assert "GONGJIANG_CHROMIUM" in step(job, "准备浏览器测试")["run"]
    assert w["env"] == {"TZ": "Asia/Shanghai", "PY": ".venv/bin/python"}


def test_publish_job():
    job = load()["jobs"]["publish"]
    assert job["if"] == "github.event_name != 'pull_request'"
    publish = step(job, "make publish")
    assert "make publish" in publish["run"]
    assert publish["env"]["PUBLISH_TARGET"] == "${{ vars.PUBLISH_TARGET }}"
    assert job["concurrency"] == {"group": "publish", "cancel-in-progress": False}


def test_every_make_target_used_exists():
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text("utf-8"), re.M))
    used = set(re.findall(r"\bmake ([a-z][a-z-]*)", WORKFLOW.read_text("utf-8")))
    assert used and used <= targets, used - targets


@pytest.mark.slow
def test_diff_step_writes_the_pr_comment(tmp_path):
    """The step's own script, run on a copy of the sample data with origin/main one commit behind."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    shutil.copytree(ROOT / "content", repo / "content")  # the topics name stories and news
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(git + ["init", "-q", "-b", "main"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "base"], check=True)
    subprocess.run(git + ["update-ref", "refs/remotes/origin/main", "HEAD"], check=True)
    review = repo / "data/results/2016/review.yaml"
    text = review.read_text("utf-8")
    block = '  - candidate: "2016-003"\n    score: 83.8\n'
    review.write_text(text.replace(block, '  - candidate: "2016-003"\n    score: 99.0\n'), "utf-8")

    script = step(load()["jobs"]["check"], "评选结果变化")["run"]
    summary = tmp_path / "summary.md"
    env = dict(os.environ, PY=sys.executable, BASE_REF="main", GITHUB_STEP_SUMMARY=str(summary))
    run = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    comment = (repo / "diff.md").read_text("utf-8")
    lines = comment.splitlines()
    assert lines[:5] == ["<!-- gongjiang-diff -->", "### 本次修改对评选结果的影响（与 main 比较）", "", "```", "届次 2016："]
    assert "  北京大工匠：新增 何兴勇（2016-003），第 1 名" in lines
    assert "  北京大工匠：移出 常振（2016-093）（原第 10 名）" in lines
    assert lines[-1] == "```"
    assert summary.read_text("utf-8") == comment
