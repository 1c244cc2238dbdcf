"""The cross-file rules of the stage files that the bad corpus does not reach.

The bad corpus (tests/bad_corpus/6x, 7x) has one case per common mistake; these
are the rules that need a different edition timeline or vote channels, and the
rule that a stage whose people are not known yet is not checked. Every case
starts from ``ScratchProject.write_stages()`` (valid through to the naming),
changes some files, and asserts the exact lines ``check`` prints.
"""

from __future__ import annotations

import pytest

from scratch import EDITION, STAGES
from test_bad_corpus import run_check

ED = "data/editions/2099.yaml"
R = "data/results/2099/"
Q, V, RV, O, A, D = (R + k + ".yaml" for k in ("qualification", "votes", "review", "objections", "approval", "decisions"))

# timeline periods the scratch edition leaves out
QUAL = "  qualification:\n    start: 2099-03-01\n    end: 2099-03-03\n"
COMP = "  competition:\n    start: 2099-03-10\n    end: 2099-03-20\n"
REVIEW = "  review:\n    start: 2099-05-12\n    end: 2099-05-20\n"
NOTICE = "  notice:\n    start: 2099-06-01\n    end: 2099-06-07\n"


def edition(*edits: tuple[str, str]) -> str:
    text = EDITION
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    return text


def stage(rel: str, *edits: tuple[str, str]) -> str:
    text = STAGES[rel]
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    return text


def decisions(stage_name: str, scope: str, order: list[str], day: str) -> str:
    ids = ", ".join(f'"{c}"' for c in order)
    return (f'edition: "2099"\ndecisions:\n  - stage: {stage_name}\n    scope: {scope}\n'
            f"    order: [{ids}]\n    basis: 评审委员会会议记录\n    date: {day}\n")


BEFORE_NOMINEES = ("  nominees_published: 2099-04-01\n",)
NO_VOTING = ("  voting:\n    start: 2099-04-02\n    end: 2099-04-20\n", "")
NO_NOTICE = (NOTICE, "")

CASES = [
    ("qualification outside its period",
     {ED: edition(("  nominees_published", QUAL + "  nominees_published"))},
     [f"{Q}:3:10: decided: 审核完成日期 2099-03-05 不在资格审核阶段（2099-03-01 至 2099-03-03）内（见 {ED}）"]),
    ("votes closed before qualification (no voting period)",
     {ED: edition(NO_VOTING), V: stage(V, ("closed: 2099-04-20", "closed: 2099-03-01"))},
     [f"{V}:3:9: closed: 投票截止日期 2099-03-01 早于资格审核完成日期 2099-03-05（另见 {Q}）"]),
    ("review outside its period",
     {ED: edition(("  notice:", REVIEW + "  notice:"))},
     [f"{RV}:4:7: date: 评审日期 2099-05-10 不在综合评审阶段（2099-05-12 至 2099-05-20）内（见 {ED}）"]),
    ("objection before the review (no notice period)",
     {ED: edition(NO_NOTICE),
      O: stage(O, ("received: 2099-06-03", "received: 2099-05-01"))},
     [f"{O}:6:15: objections[1].received: 收到日期 2099-05-01 早于综合评审日期 2099-05-10（另见 {RV}）"]),
    ("approval before the review (no notice period)",
     {ED: edition(NO_NOTICE), A: stage(A, ("date: 2099-06-15", "date: 2099-05-08")),
      O: stage(O, ("received: 2099-06-03", "received: 2099-05-11"), ("decided: 2099-06-06", "decided: 2099-05-12"))},
     [f"{A}:4:7: date: 审定日期 2099-05-08 早于异议「2099-yy-01」的结论日期 2099-05-12（另见 {O}）",
      f"{A}:4:7: date: 审定日期 2099-05-08 早于综合评审日期 2099-05-10（另见 {RV}）"]),
    ("competition tie decided before the competition began",
     {ED: edition(("  nominees_published", COMP + "  nominees_published")),
      D: decisions("行业比选", "welder", ["2099-001", "2099-002"], "2099-03-09")},
     [f"{D}:8:11: decisions[1].date: 裁定日期 2099-03-09 早于行业比选开始日期 2099-03-10（见 {ED}）"]),
    ("competition tie decided before qualification (no competition period)",
     {D: decisions("行业比选", "welder", ["2099-001", "2099-002"], "2099-03-04")},
     [f"{D}:8:11: decisions[1].date: 裁定日期 2099-03-04 早于资格审核完成日期 2099-03-05（另见 {Q}）"]),
    ("review tie decided before the review",
     {D: decisions("综合评审", "all", ["2099-001", "2099-003"], "2099-05-09")},
     [f"{D}:8:11: decisions[1].date: 裁定日期 2099-05-09 早于综合评审日期 2099-05-10（另见 {RV}）"]),
    ("a nominee without a tally on one channel",
     {ED: edition(("vote_channels:\n", "vote_channels:\n  - id: web\n    name: 网站\n")),
      V: stage(V, ("tallies:\n", 'tallies:\n  - candidate: "2099-001"\n    channel: web\n    votes: 30\n'))},
     [f"{V}:11:5: tallies[3]: 提名人选「2099-003」缺少渠道「web」的计票（投票渠道见 {ED}）；没有票时写 votes: 0"]),
]


@pytest.mark.parametrize("name,files,expected", CASES, ids=[c[0] for c in CASES])
def test_cross_stage_rule(scratch, name, files, expected):
    scratch.write_stages()
    for rel, text in files.items():
        scratch.write(rel, text)
    rc, out, err = run_check(scratch.root)
    assert (rc, out) == (1, "")
    n_files = len({line.split(":", 1)[0] for line in expected})
    assert err.splitlines() == expected + [f"数据检查未通过：{n_files} 个文件中共有 {len(expected)} 处错误。"]


def test_people_are_not_checked_while_the_earlier_list_is_pending(scratch):
    # without the fitter's score sheet the nominees are not known yet: a tally
    # for anyone, and a nominee-to-be without one, are not (yet) mistakes
    scratch.write_stages()
    scratch.path(R + "scores/fitter.yaml").unlink()
    scratch.write(V, stage(V, ('  - candidate: "2099-003"', '  - candidate: "2099-002"')))
    rc, out, err = run_check(scratch.root)
    assert (rc, err) == (0, "")


def test_absent_nominee_counts_zero_and_the_trace_gives_the_reason(scratch):
    from gongjiang_pipeline.loading import load_project

    scratch.write_stages()
    scratch.write(V, stage(V, ('  - candidate: "2099-003"\n    channel: app\n    votes: 800\n', ""))
                  + 'absent:\n  - candidate: "2099-003"\n    reason: 投票期间因公出国，本人申请不参加投票\n')
    assert run_check(scratch.root)[0] == 0
    result = load_project(scratch.root).result("2099")
    step = next(s for s in result.traces["2099-003"] if s.stage == "public_vote")
    assert step.outcome == "未获奖"
    assert step.reason.startswith("没有计票（投票期间因公出国，本人申请不参加投票），有效票按 0 票计，第 2 名")
