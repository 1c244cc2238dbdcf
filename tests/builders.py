"""Small EditionData fixtures for the engine tests, built from plain dicts.

Everything goes through the models' ``model_validate`` (lax mode accepts plain
ints, strs and dates), so the fixtures are as validated as loaded data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping

from gongjiang_pipeline.dataset import EditionData
from gongjiang_pipeline.models import (
    Approval,
    Candidate,
    Decisions,
    Edition,
    Objections,
    Qualification,
    Review,
    ScoreSheet,
    Votes,
)

ED = "2099"


def edition(**over: Any) -> dict:
    """A valid edition dict; keyword arguments replace top-level keys."""
    base = {
        "id": ED,
        "name": "测试届次",
        "occupations": [{"id": "welder", "name": "焊工"}, {"id": "fitter", "name": "钳工"}],
        "sectors": [{"id": "manufacturing", "name": "先进制造业"}],
        "districts": [{"id": "dongcheng", "name": "东城区"}, {"id": "chaoyang", "name": "朝阳区"}],
        "bodies": [
            {"id": "dongcheng-union", "name": "东城区总工会", "kind": "区总工会", "district": "dongcheng"},
            {"id": "chaoyang-union", "name": "朝阳区总工会", "kind": "区总工会", "district": "chaoyang"},
            {"id": "machinery-union", "name": "北京市机械冶金建材工会", "kind": "产业工会", "quota": 2},
            {"id": "welding-assoc", "name": "北京焊接协会", "kind": "社团"},
        ],
        "timeline": {
            "announced": "2099-01-10",
            "recommendation": {"start": "2099-02-01", "end": "2099-02-28"},
            "nominees_published": "2099-04-01",
            "popularity_published": "2099-04-25",
            "notice": {"start": "2099-06-01", "end": "2099-06-07"},
            "honor_roll_published": "2099-06-20",
        },
        "awards": {"nominees": 3, "popularity": 1, "craftsmen": 1, "nomination_award": 1},
        "scoring": {"components": [{"id": "practice", "name": "实操", "weight": 1}]},
        "notice": {"days": 5, "channels": [{"kind": "电话", "value": "010-12351"}]},
    }
    base.update(over)
    return base


def cand(cid: str, occupation: str = "welder", channel: str = "个人自荐", body: str | None = None,
         member: bool = True, **over: Any) -> dict:
    base = {
        "id": cid,
        "edition": ED,
        "name": f"候选人{cid}",
        "gender": "男",
        "birth_year": 1975,
        "employer": "北京某厂",
        "district": "dongcheng",
        "occupation": occupation,
        "sector": "manufacturing",
        "citation": "技艺精湛。",
        "recommendation": {"channel": channel, "body": body, "date": dt.date(2099, 2, 10), "union_member": member},
        "private": {"id_number": "110101197501010000", "phone": "13800000000"},
    }
    base.update(over)
    return base


def qualification(ids: Iterable[str], **special: dict) -> dict:
    """Everyone in ``ids`` passes unless ``special[cid]`` gives their decision."""
    decisions = [special.get(cid, {"result": "通过"}) | {"candidate": cid} for cid in ids]
    return {"edition": ED, "decided": "2099-03-10", "decisions": decisions}


def sheet(occupation: str, scores: Mapping[str, Any], judges: int | None = None, recusals: Iterable[tuple[str, str]] = (),
          metrics: Mapping[str, Mapping[str, float]] | None = None, component: str = "practice") -> dict:
    """A score sheet. ``scores[cid]`` is a list (judge j1, j2, ... ; None: no row)
    for the single component, or a dict component -> list."""
    rows = []
    width = 0
    for cid, given in scores.items():
        per_comp = given if isinstance(given, Mapping) else {component: given}
        width = max(width, *(len(v) for v in per_comp.values()))
        for j in range(max(len(v) for v in per_comp.values())):
            row = {c: v[j] for c, v in per_comp.items() if j < len(v) and v[j] is not None}
            if row:
                rows.append({"judge": f"j{j + 1}", "candidate": cid, "scores": row})
    n = judges or width
    return {
        "edition": ED,
        "occupation": occupation,
        "judges": [{"id": f"j{i + 1}", "name": f"评委{i + 1}"} for i in range(n)],
        "recusals": [{"judge": j, "candidate": c, "reason": "同单位"} for j, c in recusals],
        "rows": rows,
        "metrics": [{"candidate": c, "values": v} for c, v in (metrics or {}).items()],
    }


def votes(tallies: Mapping[str, Any]) -> dict:
    """``tallies[cid]``: votes, or (votes, cancelled), or a list of (channel, votes, cancelled)."""
    rows = []
    for cid, t in tallies.items():
        if isinstance(t, int):
            t = [("app", t, 0)]
        elif isinstance(t, tuple):
            t = [("app", *t)]
        for channel, v, c in t:
            row = {"candidate": cid, "channel": channel, "votes": v, "cancelled": c}
            if c:
                row["cancel_reason"] = "刷票"
            rows.append(row)
    return {"edition": ED, "closed": "2099-04-20", "tallies": rows}


def review(scores: Mapping[str, float]) -> dict:
    return {"edition": ED, "meeting": "综合评审会", "date": "2099-05-10",
            "results": [{"candidate": c, "score": s} for c, s in scores.items()]}


def objections(*items: tuple[str, str, str | None]) -> dict:
    """(candidate, outcome, public_note) per objection."""
    return {"edition": ED, "objections": [
        {"id": f"o{i + 1}", "candidate": c, "received": "2099-06-03", "channel": "信函", "summary": "反映问题",
         "outcome": o, **({"public_note": n} if n else {})} for i, (c, o, n) in enumerate(items)]}


def approval() -> dict:
    return {"edition": ED, "meeting": "市总工会主席办公会", "date": "2099-06-15", "document": "京工发〔2099〕1号"}


def decisions(*items: tuple[str, str, list[str]]) -> dict:
    """(stage, scope, order) per decision."""
    return {"edition": ED, "decisions": [
        {"stage": s, "scope": sc, "order": o, "basis": "评审委员会会议记录", "date": "2099-03-20"} for s, sc, o in items]}


def build(edition_dict: dict | None = None, candidates: Iterable[dict] = (), *, qualification: dict | None = None,
          sheets: Iterable[dict] = (), votes: dict | None = None, review: dict | None = None,
          objections: dict | None = None, approval: dict | None = None, decisions: dict | None = None) -> EditionData:
    sheet_models = [ScoreSheet.model_validate(s) for s in sheets]
    return EditionData(
        edition=Edition.model_validate(edition_dict or edition()),
        candidates=tuple(Candidate.model_validate(c) for c in candidates),
        qualification=Qualification.model_validate(qualification) if qualification else None,
        score_sheets={s.occupation: s for s in sheet_models},
        votes=Votes.model_validate(votes) if votes else None,
        review=Review.model_validate(review) if review else None,
        objections=Objections.model_validate(objections) if objections is not None else None,
        approval=Approval.model_validate(approval) if approval else None,
        decisions=Decisions.model_validate(decisions) if decisions else None,
    )


def pipeline(scores: Mapping[str, Any], *, ed: dict | None = None, cands: Mapping[str, dict] | None = None,
             occupations: Mapping[str, str] | None = None, vote: Mapping[str, Any] | None = None,
             review_scores: Mapping[str, float] | None = None, objection_items: Iterable[tuple] | None = (),
             approved: bool = True, decision_items: Iterable[tuple] = (), metrics: Mapping | None = None,
             recusals: Iterable[tuple[str, str]] = ()) -> EditionData:
    """A whole edition where everyone in ``scores`` is qualified.

    ``occupations[cid]`` (default welder) places candidates; ``cands[cid]`` overrides
    candidate fields. Later-stage data is given only when its argument is not None.
    """
    occupations = occupations or {}
    cands = cands or {}
    ids = list(scores)
    by_occ: dict[str, dict] = {}
    for cid in ids:
        by_occ.setdefault(occupations.get(cid, "welder"), {})[cid] = scores[cid]
    return build(
        ed or edition(),
        [cand(cid, occupations.get(cid, "welder"), **cands.get(cid, {})) for cid in ids],
        qualification=qualification(ids),
        sheets=[sheet(o, s, metrics={k: v for k, v in (metrics or {}).items() if k in s}, recusals=recusals)
                for o, s in by_occ.items()],
        votes=votes(vote) if vote is not None else None,
        review=review(review_scores) if review_scores is not None else None,
        objections=objections(*objection_items) if objection_items is not None else None,
        approval=approval() if approved else None,
        decisions=decisions(*decision_items) if decision_items else None,
    )
