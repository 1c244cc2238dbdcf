"""Properties of the engine over generated editions (hypothesis)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import builders as b
from gongjiang_pipeline.engine import run
from gongjiang_pipeline.report import results_json

CHANNELS = [
    {"channel": "个人自荐"},
    {"channel": "单位推荐", "body": "dongcheng-union"},
    {"channel": "单位推荐", "body": "chaoyang-union"},
    {"channel": "单位推荐", "body": "machinery-union"},
    {"channel": "社团推荐", "body": "welding-assoc"},
]
LIMITS = {"dongcheng-union": 1, "chaoyang-union": 1, "machinery-union": 2, "welding-assoc": 2}
TIE_BREAKS = [[], [{"key": "total"}], [{"key": "votes"}], [{"key": "metric:minutes", "order": "asc"}]]


@st.composite
def editions(draw):
    n = draw(st.integers(2, 8))
    ids = [f"c{i:02d}" for i in range(n)]
    occ = {cid: draw(st.sampled_from(["welder", "fitter"])) for cid in ids}
    slots = draw(st.one_of(st.none(), st.tuples(st.integers(0, 3), st.integers(0, 3))))
    occupations = [{"id": "welder", "name": "焊工"}, {"id": "fitter", "name": "钳工"}]
    if slots is not None:
        occupations = [o | {"nominee_slots": s} for o, s in zip(occupations, slots)]
    ed = b.edition(
        occupations=occupations,
        awards={k: draw(st.integers(lo, hi)) for k, lo, hi in
                [("nominees", 1, 5), ("popularity", 0, 3), ("craftsmen", 0, 2), ("nomination_award", 0, 3)]},
        scoring={"components": [{"id": "theory", "name": "理论", "weight": 0.3}, {"id": "practice", "name": "实操", "weight": 0.7}],
                 "tie_break": draw(st.sampled_from(TIE_BREAKS)),
                 "normalise": draw(st.sampled_from(["none", "none", "zscore"]))},
        vote_weight=draw(st.sampled_from([0, 0, 0.3])),
        notice={"days": 5, "channels": [{"kind": "电话", "value": "010-12351"}],
                "replacement": draw(st.sampled_from(["none", "next_ranked"]))},
    )
    cands = [b.cand(cid, occ[cid], member=draw(st.booleans() | st.just(True)), **draw(st.sampled_from(CHANNELS)))
             for cid in ids]
    judges = draw(st.integers(3, 6))
    score = st.sampled_from([80, 85, 90])  # few values: plenty of ties
    sheets = {}
    for o in ("welder", "fitter"):
        mine = [c for c in ids if occ[c] == o]
        if mine:
            sheets[o] = b.sheet(
                o, {c: {"theory": [draw(score) for _ in range(judges)], "practice": [draw(score) for _ in range(judges)]} for c in mine},
                recusals=[(f"j{draw(st.integers(1, judges))}", c) for c in mine if draw(st.integers(0, 4)) == 0],
                metrics={c: {"minutes": draw(st.integers(30, 32))} for c in mine})
    quali = {cid: draw(st.sampled_from([{"result": "通过"}] * 4 + [{"result": "不通过", "reason": "材料不全"}, None])) for cid in ids}
    votes = {}
    for cid in ids:
        v = draw(st.integers(0, 4))
        votes[cid] = [("app", v, draw(st.integers(0, v))), ("wechat", draw(st.integers(0, 2)), 0)]
    review = {cid: draw(st.integers(60, 62)) for cid in ids}
    objections = [(cid, draw(st.sampled_from(["成立", "不成立", "核查中"])), "经核查属实") for cid in ids if draw(st.integers(0, 5)) == 0]
    return {
        "ed": ed, "cands": cands, "ids": ids, "occ": occ, "sheets": list(sheets.values()),
        "quali": {k: v for k, v in quali.items() if v is not None},
        "votes": votes, "review": review, "objections": objections,
        "approved": draw(st.booleans()), "has_votes": draw(st.booleans() | st.just(True)),
    }


def make(g, rnd: random.Random | None = None, cand_edit=None):
    def shuffled(xs):
        xs = list(xs)
        if rnd:
            rnd.shuffle(xs)
        return xs

    cands = [cand_edit(c) if cand_edit else c for c in g["cands"]]
    ed = dict(g["ed"])
    ed["bodies"] = shuffled(ed["bodies"])
    q = b.qualification([]) | {"decisions": shuffled([v | {"candidate": k} for k, v in g["quali"].items()])}
    sheets = [s | {"rows": shuffled(s["rows"]), "recusals": shuffled(s["recusals"]), "metrics": shuffled(s["metrics"]),
                   "judges": shuffled(s["judges"])} for s in shuffled(g["sheets"])]
    votes = b.votes(g["votes"])
    votes["tallies"] = shuffled(votes["tallies"])
    review = b.review(g["review"])
    review["results"] = shuffled(review["results"])
    obj = b.objections(*g["objections"])
    obj["objections"] = shuffled(obj["objections"])
    return b.build(ed, shuffled(cands), qualification=q, sheets=sheets, votes=votes if g["has_votes"] else None,
                   review=review, objections=obj, approval=b.approval() if g["approved"] else None)


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(editions())
def test_lists_have_their_size_or_are_not_final(g):
    data = make(g)
    r = run(data)
    ed = data.edition
    competitors = {cid for cid, steps in r.traces.items() if any(s.stage == "competition" for s in steps)}
    nominees = r.lists["nominees"]
    if nominees.status == "final":
        slots = {o.id: o.nominee_slots for o in ed.occupations}
        if all(v is not None for v in slots.values()):
            want = sum(min(n, sum(1 for c in competitors if g["occ"][c] == o)) for o, n in slots.items())
        else:
            want = min(ed.awards.nominees, len(competitors))
        assert len(nominees.entries) == want
        pop = r.lists["popularity"]
        if pop.status == "final":
            assert len(pop.entries) == min(ed.awards.popularity, len(nominees.entries))
        notice = r.lists["notice"]
        if notice.status == "final":
            assert len(notice.entries) == min(ed.awards.craftsmen + ed.awards.nomination_award, len(nominees.entries))
    craftsmen, nomination = r.lists["craftsmen"], r.lists["nomination_award"]
    for sl in r.lists.values():
        assert sl.status in ("final", "needs_decision", "pending")
        assert len(set(sl.entries)) == len(sl.entries)
    if craftsmen.status == "final":
        assert len(craftsmen.entries) <= ed.awards.craftsmen
        assert len(nomination.entries) <= ed.awards.nomination_award
        withdrawn = {c for c, steps in r.traces.items() if any(s.outcome == "撤销" for s in steps)}
        if ed.notice.replacement == "none":
            assert set(craftsmen.entries) | set(nomination.entries) | withdrawn == set(r.lists["notice"].entries)
        else:
            assert len(craftsmen.entries) == min(ed.awards.craftsmen, len(nominees.entries) - len(withdrawn))
        assert not withdrawn & (set(craftsmen.entries) | set(nomination.entries))


@SETTINGS
@given(editions())
def test_no_body_exceeds_its_quota_in_any_list(g):
    data = make(g)
    r = run(data)
    for sl in r.lists.values():
        count: dict = {}
        for cid in sl.entries:
            rec = data.candidate(cid).recommendation
            if rec.channel == "个人自荐":
                assert rec.union_member
                continue
            key = (rec.body, data.candidate(cid).occupation if rec.body.endswith("-union") and rec.body != "machinery-union" else "")
            count[key] = count.get(key, 0) + 1
            assert count[key] <= LIMITS[rec.body]
            if rec.channel == "社团推荐":
                assert rec.union_member


@SETTINGS
@given(editions(), st.randoms(use_true_random=False))
def test_input_order_never_changes_results(g, rnd):
    plain = make(g)
    permuted = make(g, rnd)
    assert results_json(plain, run(plain)) == results_json(permuted, run(permuted))
    assert run(plain) == run(permuted)


@SETTINGS
@given(editions(), st.data())
def test_personal_attributes_never_change_outcomes(g, data):
    def edit(c):
        return c | {
            "gender": data.draw(st.sampled_from(["男", "女"])),
            "education": data.draw(st.sampled_from([None, "初中", "本科", "博士"])),
            "skill_grade": data.draw(st.sampled_from([None, "初级工", "高级技师"])),
            "work_years": data.draw(st.one_of(st.none(), st.integers(0, 60))),
            "birth_year": data.draw(st.integers(1940, 2005)),
        }

    before, after = make(g), make(g, cand_edit=edit)
    r1, r2 = run(before), run(after)
    assert r1 == r2
    assert results_json(before, r1) == results_json(after, r2)
