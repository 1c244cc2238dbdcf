"""The sample 2016 edition's deliberate situations come out as docs/sample-data.md says.

Expected values are from the rule text as worked out in docs/sample-data.md
(computed there independently by the generator), not from the engine's output.
"""

from pathlib import Path

import pytest

from gongjiang_pipeline.engine import run
from gongjiang_pipeline.loading import load_project

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT)


@pytest.fixture(scope="module")
def r2016(project):
    return run(project.editions["2016"])


def outcome(result, cid, stage):
    return {s.stage: s.outcome for s in result.traces[cid]}.get(stage)


def test_list_sizes(r2016):
    sizes = {k: (v.status, len(v.entries)) for k, v in r2016.lists.items()}
    assert sizes == {
        "nominees": ("final", 30),
        "popularity": ("final", 10),
        "notice": ("final", 30),
        "craftsmen": ("final", 10),
        "nomination_award": ("final", 19),  # one withdrawn after an upheld objection, no replacement
    }


def test_over_quota_recommendation_is_pending_and_reported(r2016):
    assert [b.candidates for b in r2016.blocks if b.kind == "quota"] == [("2016-046", "2016-067")]
    assert outcome(r2016, "2016-046", "recommendation") == "待定"
    assert outcome(r2016, "2016-067", "recommendation") == "待定"


def test_self_nominee_not_union_member_is_pending(r2016):
    assert outcome(r2016, "2016-004", "recommendation") == "待定"


def test_failed_qualification_and_veto(r2016):
    assert outcome(r2016, "2016-011", "qualification") == "未通过"
    assert outcome(r2016, "2016-013", "qualification") == "未通过"
    assert "发生重大安全生产或质量事故" in {s.stage: s.reason for s in r2016.traces["2016-013"]}["qualification"]


def test_recused_judge_and_tie_settled_by_chain(r2016):
    f = r2016.figures
    assert str(f["2016-033"]["competition_total"]) == "88.22"
    assert str(f["2016-003"]["competition_total"]) == str(f["2016-019"]["competition_total"]) == "89.50"
    nominees = r2016.lists["nominees"].entries
    assert "2016-003" in nominees and "2016-019" not in nominees


def test_cancelled_votes(r2016):
    assert f"{r2016.figures['2016-024']['valid_votes']}" == "26084"
    assert "2016-024" not in r2016.lists["popularity"].entries


def test_upheld_objection_withdraws_without_replacement(r2016):
    assert outcome(r2016, "2016-079", "notice") == "撤销"
    assert "2016-079" not in r2016.lists["nomination_award"].entries
    assert "2016-037" in r2016.lists["craftsmen"].entries  # objection not upheld


def test_edition_in_progress(project):
    r = run(project.editions["2026"])
    assert r.lists["nominees"].status == "final"
    assert [r.lists[k].status for k in ("popularity", "notice", "craftsmen", "nomination_award")] == ["pending"] * 4
