"""Results for people: JSON (``results``), one candidate's story (``explain``), changes (``diff``).

The JSON schema is documented in ``docs/results-format.md``. Everything here
reads only :class:`EditionData` and :class:`EditionResult`; it never runs rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any, Mapping

from .dataset import EditionData
from .errors import UsageError
from .outcome import LISTS, STAGES, EditionResult, StageList

STATUS_NAMES = {"final": "已确定", "needs_decision": "需要裁定", "pending": "待定"}
# the public figure giving each list's rank
RANK_FIGURE = {
    "nominees": "competition_rank",
    "popularity": "vote_rank",
    "notice": "review_rank",
    "craftsmen": "review_rank",
    "nomination_award": "review_rank",
}


def plain(value: Any) -> Any:
    """JSON-ready: Decimal/Fraction -> number, date -> ISO string, mappings with sorted keys."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, (Decimal, Fraction, float)):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v) for v in value]
        return sorted(items) if isinstance(value, (set, frozenset)) else items
    return str(value)


def _occupations(data: EditionData) -> dict[str, str]:
    return {o.id: o.name for o in data.edition.occupations}


def _public_candidate(data: EditionData, result: EditionResult, cid: str) -> dict:
    c = data.candidate(cid)
    return {
        "id": c.id,
        "name": c.name,
        "occupation": c.occupation,
        "occupation_name": _occupations(data).get(c.occupation, c.occupation),
        "employer": c.employer,
        "figures": plain(result.figures.get(cid, {})),
    }


def _entries(data: EditionData, result: EditionResult, sl: StageList) -> list[dict]:
    out = []
    for position, cid in enumerate(sl.entries, 1):
        c = data.candidate(cid)
        rank = result.figures.get(cid, {}).get(RANK_FIGURE[sl.key])
        out.append({"position": position, "rank": rank, "id": cid, "name": c.name, "occupation": c.occupation})
    return out


def _list_json(data: EditionData, result: EditionResult, sl: StageList, public: bool) -> dict:
    shown = sl.status == "final" or not public
    return {
        "key": sl.key,
        "title": sl.title,
        "status": sl.status,
        "publish_on": sl.publish_on.isoformat() if sl.publish_on else None,
        "note": sl.note,
        "entries": _entries(data, result, sl) if shown else [],
    }


def _steps_json(result: EditionResult, cid: str) -> list[dict]:
    names = dict(STAGES)
    return [
        {"stage": s.stage, "stage_name": names[s.stage], "outcome": s.outcome, "reason": s.reason, "figures": plain(s.figures)}
        for s in result.traces.get(cid, ())
    ]


def _judge_scores(data: EditionData) -> dict:
    """Per occupation: judge -> candidate -> component -> score, plus recusals (internal)."""
    out = {}
    for occ, sheet in data.score_sheets.items():
        rows: dict = {}
        for r in sheet.rows:
            rows.setdefault(r.judge, {})[r.candidate] = dict(r.scores)
        out[occ] = {
            "judges": {j.id: j.name for j in sheet.judges},
            "scores": plain(rows),
            "recusals": sorted(({"judge": r.judge, "candidate": r.candidate, "reason": r.reason} for r in sheet.recusals),
                               key=lambda r: (r["candidate"], r["judge"])),
        }
    return plain(out)


def results_json(data: EditionData, result: EditionResult) -> dict:
    """An edition's results: ``public`` (publishable) and ``private`` (staff only) parts."""
    lists = [result.lists[k] for k, _ in LISTS if k in result.lists]
    on_final = sorted({cid for sl in lists if sl.status == "final" for cid in sl.entries})
    return {
        "edition": data.edition.id,
        "name": data.edition.name,
        "sample": data.edition.sample,
        "decimals": data.edition.scoring.decimals,
        "public": {
            "lists": [_list_json(data, result, sl, public=True) for sl in lists],
            "candidates": {cid: _public_candidate(data, result, cid) for cid in on_final},
        },
        "private": {
            "lists": [_list_json(data, result, sl, public=False) for sl in lists],
            "blocks": [
                {"stage": b.stage, "stage_name": dict(STAGES)[b.stage], "kind": b.kind, "message": b.message,
                 "candidates": list(b.candidates)}
                for b in result.blocks
            ],
            "candidates": {
                c.id: {**_public_candidate(data, result, c.id), "trace": _steps_json(result, c.id)} for c in data.candidates
            },
            "judge_scores": _judge_scores(data),
        },
    }


def explain_text(data: EditionData, result: EditionResult, candidate_id: str) -> str:
    """One candidate's path through the program, one Chinese line per stage."""
    try:
        c = data.candidate(candidate_id)
    except KeyError:
        raise UsageError(f"没有编号为「{candidate_id}」的候选人") from None
    occupation = _occupations(data).get(c.occupation, c.occupation)
    lines = [f"{c.name}（{c.id}）· {occupation} · {c.employer} · {data.edition.name}"]
    steps = {s.stage: s for s in result.traces.get(candidate_id, ())}
    for key, name in STAGES:
        s = steps.get(key)
        lines.append(f"{name}：{s.outcome} — {s.reason}" if s else f"{name}：未进入本阶段")
    for b in result.blocks:
        if candidate_id in b.candidates:
            lines.append(f"待处理：{b.message}")
    return "\n".join(lines)


def _lists_of(results: dict) -> dict[str, dict]:
    part = results.get("private") or results.get("public") or {}
    return {sl["key"]: sl for sl in part.get("lists", [])}


def _who(results: dict, cid: str) -> str:
    for part in ("private", "public"):
        c = results.get(part, {}).get("candidates", {}).get(cid)
        if c:
            return f"{c['name']}（{cid}）"
    return cid


def diff_results(old: dict, new: dict) -> list[str]:
    """Who entered, left or moved in each list between two ``results_json`` outputs (Chinese)."""
    lines: list[str] = []
    old_lists, new_lists = _lists_of(old), _lists_of(new)
    for key, title in LISTS:
        a, b = old_lists.get(key), new_lists.get(key)
        if a is None or b is None:
            continue
        if a["status"] != b["status"]:
            lines.append(f"{title}：状态由「{STATUS_NAMES.get(a['status'], a['status'])}」变为「{STATUS_NAMES.get(b['status'], b['status'])}」")
        before = {e["id"]: e.get("rank") or e["position"] for e in a["entries"]}
        after = {e["id"]: e.get("rank") or e["position"] for e in b["entries"]}
        for cid in sorted(after.keys() - before.keys()):
            lines.append(f"{title}：新增 {_who(new, cid)}，第 {after[cid]} 名")
        for cid in sorted(before.keys() - after.keys()):
            lines.append(f"{title}：移出 {_who(old, cid)}（原第 {before[cid]} 名）")
        for cid in sorted(before.keys() & after.keys()):
            if before[cid] != after[cid]:
                lines.append(f"{title}：{_who(new, cid)} 由第 {before[cid]} 名变为第 {after[cid]} 名")
    return lines
