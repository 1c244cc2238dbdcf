"""Hand-computed scenarios: each expected value is worked out from the rule text
in the comment above it, not taken from the engine's output.

Defaults (builders.edition): occupations 焊工 (welder) and 钳工 (fitter); one
component 实操 (practice) with weight 1; trim: >= 5 judges -> drop 1 highest and
1 lowest; 2 decimals; awards: 3 nominees, 1 popularity, 1 北京大工匠, 1 提名奖.
"""

from __future__ import annotations

from decimal import Decimal

import builders as b
from gongjiang_pipeline.engine import run

FLAT = {"c1": [90] * 5, "c2": [80] * 5, "c3": [70] * 5}  # totals 90, 80, 70


def lists(result):
    return {k: (sl.status, sl.entries) for k, sl in result.lists.items()}


def step_of(result, cid, stage):
    return next(s for s in result.traces[cid] if s.stage == stage)


def full(**kw):
    kw.setdefault("vote", {"c1": 10, "c2": 20, "c3": 5})
    kw.setdefault("review_scores", {"c1": 90, "c2": 80, "c3": 70})
    return b.pipeline(kw.pop("scores", FLAT), **kw)


def test_01_shared_extremes_drop_one_instance_each():
    # c1: 90, 90, 80, 70, 70 -> 5 judges >= 5: drop ONE 90 and ONE 70 -> (90 + 80 + 70) / 3 = 80.00
    r = run(full(scores={"c1": [90, 90, 80, 70, 70], "c2": [85] * 5, "c3": [60] * 5}))
    s = step_of(r, "c1", "competition")
    assert s.figures["total"] == Decimal("80.00")
    assert s.figures["dropped_high"]["practice"] == (Decimal("90.00"),)
    assert s.figures["dropped_low"]["practice"] == (Decimal("70.00"),)
    assert r.figures["c1"]["competition_rank"] == 2  # behind c2's 85


def test_02_recusal_leaves_four_judges_plain_mean():
    # c1: j1..j5 = 95, 88, 86, 84, 70; j1 stands aside for c1 -> 88, 86, 84, 70 (4 < 5 judges)
    # -> plain mean (88 + 86 + 84 + 70) / 4 = 328 / 4 = 82.00 (trimmed it would have been 86.00)
    r = run(full(scores={"c1": [95, 88, 86, 84, 70], "c2": [85] * 5, "c3": [60] * 5}, recusals=[("j1", "c1")]))
    s = step_of(r, "c1", "competition")
    assert s.figures["total"] == Decimal("82.00")
    assert s.figures["recused"] == ("j1",)
    assert s.figures["dropped_high"]["practice"] == ()
    # c2 unaffected: 85 from five judges
    assert r.figures["c2"]["competition_total"] == Decimal("85.00")


def test_03_fewer_than_five_judges_plain_mean():
    # three judges: 91, 80, 72 -> (91 + 80 + 72) / 3 = 243 / 3 = 81.00; 90, 85, 86 -> 261 / 3 = 87.00
    r = run(full(scores={"c1": [91, 80, 72], "c2": [90, 85, 86], "c3": [60, 60, 60]}))
    assert r.figures["c1"]["competition_total"] == Decimal("81.00")
    assert r.figures["c2"]["competition_total"] == Decimal("87.00")
    assert r.lists["nominees"].entries == ("c2", "c1", "c3")


def test_04_weighted_components_exact_then_half_up():
    # theory 30%, practice 70%.
    # c1 theory 80, 85, 90, 95, 100 -> drop 100 and 80 -> (85 + 90 + 95) / 3 = 90
    #    practice 88, 89, 91, 92, 99 -> drop 99 and 88 -> (89 + 91 + 92) / 3 = 272/3 = 90.666...
    #    total = 0.3 * 90 + 0.7 * 272/3 = 27 + 63.4666... = 90.4666... -> 90.47
    # c2 theory 90.5, 90 (2 judges, plain mean) = 90.25; practice 90, 90 = 90
    #    total = 0.3 * 90.25 + 0.7 * 90 = 27.075 + 63 = 90.075 -> half up 90.08 (half-even would give 90.08
    #    too, so test_stage_numbers checks 90.125 -> 90.13 separately); no binary-float error may turn it into 90.07
    ed = b.edition(scoring={"components": [{"id": "theory", "name": "理论", "weight": 0.3},
                                           {"id": "practice", "name": "实操", "weight": 0.7}]})
    scores = {
        "c1": {"theory": [80, 85, 90, 95, 100], "practice": [88, 89, 91, 92, 99]},
        "c2": {"theory": [90.5, 90], "practice": [90, 90]},
        "c3": {"theory": [50] * 5, "practice": [50] * 5},
    }
    r = run(full(scores=scores, ed=ed))
    assert r.figures["c1"]["competition_total"] == Decimal("90.47")
    assert r.figures["c1"]["competition_components"] == {"theory": Decimal("90.00"), "practice": Decimal("90.67")}
    assert r.figures["c2"]["competition_total"] == Decimal("90.08")
    assert r.lists["nominees"].entries == ("c1", "c2", "c3")


def test_05_tie_settled_by_chain():
    # 2 nominee places. c1 90; c2 and c3 both 85 -> tie at the cut-off.
    # chain: metric completion-minutes ascending: c2 30 < c3 35 -> c2 in, c3 out.
    ed = b.edition(awards={"nominees": 2, "popularity": 1, "craftsmen": 1, "nomination_award": 1},
                   scoring={"components": [{"id": "practice", "name": "实操", "weight": 1}],
                            "tie_break": [{"key": "metric:completion-minutes", "order": "asc"}]})
    r = run(full(scores={"c1": [90] * 5, "c2": [85] * 5, "c3": [85] * 5}, ed=ed,
                 metrics={"c2": {"completion-minutes": 30}, "c3": {"completion-minutes": 35}},
                 vote={"c1": 1, "c2": 2}, review_scores={"c1": 90, "c2": 80}))
    assert lists(r)["nominees"] == ("final", ("c1", "c2"))
    assert step_of(r, "c3", "competition").outcome == "未入围"
    assert "completion-minutes" in step_of(r, "c3", "competition").reason
    assert r.figures["c3"]["competition_rank"] == 3
    assert not r.blocks


def test_06_tie_unsettled_needs_decision_and_later_lists_pending():
    # same, without any tie-break: c2 and c3 (85) compete for the last of 2 places -> needs decision
    ed = b.edition(awards={"nominees": 2, "popularity": 1, "craftsmen": 1, "nomination_award": 1})
    r = run(full(scores={"c1": [90] * 5, "c2": [85] * 5, "c3": [85] * 5}, ed=ed))
    got = lists(r)
    assert got["nominees"] == ("needs_decision", ("c1",))
    for later in ("popularity", "notice", "craftsmen", "nomination_award"):
        assert got[later] == ("pending", ())
        assert "需要裁定" in r.lists[later].note
    [block] = r.blocks
    assert block.kind == "tie" and block.candidates == ("c2", "c3")
    assert "需要裁定" in block.message
    assert step_of(r, "c2", "competition").outcome == "待定"
    assert [s.stage for s in r.traces["c1"]] == ["recommendation", "qualification", "competition"]


def test_07_recorded_decision_settles_tie():
    # as 06, plus a decision (行业比选, all): c3 before c2 -> nominees c1, c3
    ed = b.edition(awards={"nominees": 2, "popularity": 1, "craftsmen": 1, "nomination_award": 1})
    r = run(full(scores={"c1": [90] * 5, "c2": [85] * 5, "c3": [85] * 5}, ed=ed,
                 decision_items=[("行业比选", "all", ["c3", "c2"])],
                 vote={"c1": 5, "c3": 9}, review_scores={"c1": 90, "c3": 80}))
    assert lists(r)["nominees"] == ("final", ("c1", "c3"))
    assert "裁定" in step_of(r, "c3", "competition").reason
    assert lists(r)["popularity"] == ("final", ("c3",))
    assert lists(r)["craftsmen"] == ("final", ("c1",))


def test_08_district_union_two_in_one_occupation():
    # 东城区总工会 may recommend 1 per occupation: c1 and c2 both 焊工 -> both 待定, Block names the body.
    # c3 (钳工) from the same union is within its quota.
    unit = {"channel": "单位推荐", "body": "dongcheng-union"}
    r = run(full(scores={"c1": [95] * 5, "c2": [94] * 5, "c3": [70] * 5, "c4": [60] * 5},
                 occupations={"c3": "fitter"}, cands={"c1": unit, "c2": unit, "c3": unit}))
    [block] = r.blocks
    assert block.kind == "quota" and block.candidates == ("c1", "c2")
    assert "东城区总工会" in block.message and "c1" in block.message and "c2" in block.message
    for cid in ("c1", "c2"):
        assert [s.outcome for s in r.traces[cid]] == ["待定"]
    assert step_of(r, "c3", "recommendation").outcome == "通过"
    # the nominees are those who could go on: c3 (70) and c4 (60) only
    assert lists(r)["nominees"] == ("final", ("c3", "c4"))


def test_09_association_over_two():
    # 社团 quota: association_total = 2. 北京焊接协会 recommends 3 -> all three 待定.
    assoc = {"channel": "社团推荐", "body": "welding-assoc"}
    r = run(full(scores={"c1": [90] * 5, "c2": [80] * 5, "c3": [70] * 5, "c4": [60] * 5},
                 cands={"c1": assoc, "c2": assoc, "c3": assoc}))
    [block] = r.blocks
    assert "北京焊接协会" in block.message and block.candidates == ("c1", "c2", "c3")
    assert lists(r)["nominees"] == ("final", ("c4",))
    # with two it is fine
    r2 = run(full(scores={"c1": [90] * 5, "c2": [80] * 5, "c3": [70] * 5}, cands={"c1": assoc, "c2": assoc}))
    assert not r2.blocks and lists(r2)["nominees"] == ("final", ("c1", "c2", "c3"))


def test_10_non_member_self_nominee_pending():
    # 个人自荐 requires union membership: c1 is not a member -> 待定 "须先加入工会", never scored.
    # 单位推荐 is not in membership_required: c2, a non-member, goes on.
    r = run(full(cands={"c1": {"member": False},
                        "c2": {"channel": "单位推荐", "body": "dongcheng-union", "member": False}}))
    s = step_of(r, "c1", "recommendation")
    assert s.outcome == "待定" and "须先加入工会" in s.reason
    assert step_of(r, "c2", "recommendation").outcome == "通过"
    assert lists(r)["nominees"] == ("final", ("c2", "c3"))


def test_11_veto_means_not_passed():
    # a veto condition listed -> 不通过 even though the result field says 通过
    data = full()
    q = b.qualification(["c1", "c2", "c3"], c1={"result": "通过", "veto": ["严重安全生产事故"]})
    data = b.build(b.edition(), [b.cand(c) for c in ("c1", "c2", "c3")], qualification=q,
                   sheets=[b.sheet("welder", FLAT)], votes=b.votes({"c2": 1, "c3": 2}),
                   review=b.review({"c2": 80, "c3": 70}), objections=b.objections(), approval=b.approval())
    r = run(data)
    s = step_of(r, "c1", "qualification")
    assert s.outcome == "未通过" and "一票否决" in s.reason and "严重安全生产事故" in s.reason
    assert lists(r)["nominees"] == ("final", ("c2", "c3"))


def test_12_cancelled_votes_change_popularity():
    # c1: 120 raw, 30 cancelled -> 90 valid; c2: 100 valid -> c2 wins (raw, c1 would have)
    r = run(full(vote={"c1": (120, 30), "c2": 100, "c3": 50}))
    assert lists(r)["popularity"] == ("final", ("c2",))
    assert r.figures["c1"]["valid_votes"] == 90
    assert "作废 30" in step_of(r, "c1", "public_vote").reason
    # votes across channels add up: c3 60 + 45 = 105 valid > 100
    r2 = run(full(vote={"c1": 10, "c2": 100, "c3": [("app", 60, 0), ("wechat", 50, 5)]}))
    assert lists(r2)["popularity"] == ("final", ("c3",))


def test_13_vote_weight_enters_review_ranking():
    # w = 0.4; max valid = 100. combined = 0.6 * review + 0.4 * 100 * valid / 100
    # c1: 0.6*90 + 0.4*10  = 54 + 4  = 58.00
    # c2: 0.6*80 + 0.4*100 = 48 + 40 = 88.00
    # c3: 0.6*70 + 0.4*50  = 42 + 20 = 62.00  -> craftsman c2, 提名奖 c3
    ed = b.edition(vote_weight=0.4)
    r = run(full(ed=ed, vote={"c1": 10, "c2": 100, "c3": 50}))
    assert r.figures["c1"]["combined_score"] == Decimal("58.00")
    assert lists(r)["craftsmen"] == ("final", ("c2",))
    assert lists(r)["nomination_award"] == ("final", ("c3",))
    # with the default weight 0 the votes do not matter: c1 (90), then c2 (80)
    r0 = run(full(vote={"c1": 10, "c2": 100, "c3": 50}))
    assert lists(r0)["craftsmen"] == ("final", ("c1",))
    assert lists(r0)["nomination_award"] == ("final", ("c2",))


def test_14_upheld_objection_no_replacement():
    # c1 proposed craftsman, objection 成立 -> 撤销 with the public note; replacement none: gap stays
    r = run(full(objection_items=[("c1", "成立", "经核查，申报材料与事实不符")]))
    assert lists(r)["notice"] == ("final", ("c1", "c2"))  # as published
    assert lists(r)["craftsmen"] == ("final", ())
    assert lists(r)["nomination_award"] == ("final", ("c2",))
    s = step_of(r, "c1", "notice")
    assert s.outcome == "撤销" and "经核查，申报材料与事实不符" in s.reason
    assert "approval" not in [s.stage for s in r.traces["c1"]]


def test_15_upheld_objection_next_ranked():
    # replacement next_ranked: review order c1 > c2 > c3; without c1: craftsman c2, 提名奖 c3
    ed = b.edition(notice={"days": 5, "channels": [{"kind": "电话", "value": "010-12351"}], "replacement": "next_ranked"})
    r = run(full(ed=ed, objection_items=[("c1", "成立", "经核查，情况属实")]))
    assert lists(r)["craftsmen"] == ("final", ("c2",))
    assert lists(r)["nomination_award"] == ("final", ("c3",))
    assert step_of(r, "c3", "notice").outcome == "递补"
    assert step_of(r, "c2", "notice").outcome == "递补"  # moved up from 提名奖


def test_16_objection_under_review_holds_roll():
    r = run(full(objection_items=[("c2", "核查中", None), ("c1", "不成立", None)]))
    assert lists(r)["craftsmen"][0] == "pending"
    assert lists(r)["nomination_award"][0] == "pending"
    assert "核查" in r.lists["craftsmen"].note
    assert step_of(r, "c2", "approval").outcome == "待定"
    assert step_of(r, "c1", "notice").reason == "公示期异议经核查不成立"


def test_17_missing_approval_no_honor_roll():
    r = run(full(approved=False, objection_items=[]))
    got = lists(r)
    assert got["notice"] == ("final", ("c1", "c2"))
    assert got["craftsmen"] == ("pending", ()) and got["nomination_award"] == ("pending", ())
    assert "审定" in r.lists["craftsmen"].note
    assert step_of(r, "c1", "approval").outcome == "待定"


def test_18_per_occupation_slots():
    # 焊工 2 places: c1 90, c2 85, c3 80 -> c1, c2; 钳工 1 place: f1 70, f2 60 -> f1.
    # entries by occupation id: fitter before welder.
    ed = b.edition(occupations=[{"id": "welder", "name": "焊工", "nominee_slots": 2},
                                {"id": "fitter", "name": "钳工", "nominee_slots": 1}])
    r = run(full(scores={"c1": [90] * 5, "c2": [85] * 5, "c3": [80] * 5, "f1": [70] * 5, "f2": [60] * 5},
                 occupations={"f1": "fitter", "f2": "fitter"}, ed=ed,
                 vote={"c1": 1}, review_scores={"c1": 90, "c2": 80, "f1": 70}))
    assert lists(r)["nominees"] == ("final", ("f1", "c1", "c2"))
    assert step_of(r, "c2", "competition").reason == "焊工第 2 名，加权总分 85.00，入围提名人选（本工种名额 2）"
    assert step_of(r, "c3", "competition").outcome == "未入围"
    assert step_of(r, "f2", "competition").reason.startswith("钳工第 2 名")


def test_19_missing_votes_pending_later():
    r = run(full(vote=None))
    got = lists(r)
    assert got["nominees"][0] == "final"
    assert got["popularity"] == ("pending", ()) and r.lists["popularity"].note == "尚无投票数据"
    assert got["craftsmen"][0] == "pending" and "尚无投票数据" in r.lists["craftsmen"].note
    assert step_of(r, "c1", "public_vote").outcome == "待定"


def test_20_popularity_tie_chain_then_open_tie_does_not_block_review():
    # valid votes c1 50, c2 50: chain total desc -> c1 (90) before c2 (80)
    ed = b.edition(scoring={"components": [{"id": "practice", "name": "实操", "weight": 1}],
                            "tie_break": [{"key": "total"}]})
    r = run(full(ed=ed, vote={"c1": 50, "c2": 50, "c3": 1}))
    assert lists(r)["popularity"] == ("final", ("c1",))
    # no chain: open tie for the one place -> needs decision, but the review goes on
    r2 = run(full(vote={"c1": 50, "c2": 50, "c3": 1}))
    assert lists(r2)["popularity"] == ("needs_decision", ())
    assert lists(r2)["craftsmen"] == ("final", ("c1",))
    # decided (公众参与): c2 first
    r3 = run(full(vote={"c1": 50, "c2": 50, "c3": 1}, decision_items=[("公众参与", "all", ["c2", "c1"])]))
    assert lists(r3)["popularity"] == ("final", ("c2",))


def test_21_review_tie_needs_decision():
    # review c1 85, c2 85 for the 1 craftsman place; totals 90 vs 80 -> chain (competition total) settles: c1
    r = run(full(review_scores={"c1": 85, "c2": 85, "c3": 70}))
    assert lists(r)["craftsmen"] == ("final", ("c1",))
    # same totals and same review scores -> open tie, notice pending
    r2 = run(full(scores={"c1": [90] * 5, "c2": [90] * 5, "c3": [70] * 5}, review_scores={"c1": 85, "c2": 85, "c3": 70}))
    assert lists(r2)["notice"][0] == "pending"
    assert any(bl.kind == "tie" and bl.stage == "review" for bl in r2.blocks)
    # two tied for the one 大工匠 place: whoever loses takes the one 提名奖 place, so c3 (70) is out
    assert step_of(r2, "c3", "review").outcome == "未入选"


def test_22_industry_union_negotiated_quota():
    # 北京市机械冶金建材工会 quota 2: three recommendations -> all three pending
    ind = {"channel": "单位推荐", "body": "machinery-union"}
    r = run(full(scores={"c1": [90] * 5, "c2": [80] * 5, "c3": [70] * 5, "c4": [60] * 5},
                 cands={"c1": ind, "c2": ind, "c3": ind}))
    [block] = r.blocks
    assert "北京市机械冶金建材工会" in block.message and "限额 2" in block.message
