"""Cross-stage checks of people: who may appear in each stage file.

Who is a nominee, or on the notice list, is what the engine computes from the
earlier stages; so these checks run after :mod:`.crosscheck` found nothing
wrong and the engine has run (see :func:`gongjiang_pipeline.loading.load_project`).
Each check is a pure function of the loaded files and the engine's result. A
stage whose input list is not final yet (pending, or an open tie) is not checked:
who may appear in it is not known.

Every rule is listed, with its message, in docs/data-format.md ("跨文件检查").
"""

from __future__ import annotations

from typing import Iterator

from .crosscheck import _at
from .errors import Problem
from .outcome import STAGE_NAMES, EditionResult

# the files a stage's decisions come from (score sheets: per occupation, found separately)
_STAGE_FILE = {"qualification": "qualification", "review": "review", "public_vote": "votes", "notice": "objections",
               "approval": "approval"}


class _Where:
    """Which file decided each candidate's last step (for naming the other file in a message)."""

    def __init__(self, files: dict, sheets: dict, sources: dict, result: EditionResult, occupation_of: dict):
        self.files, self.sheets, self.sources = files, sheets, sources
        self.result, self.occupation_of = result, occupation_of

    def file_of(self, cid: str, stage: str) -> str:
        if stage == "competition":
            sheet = self.sheets.get(self.occupation_of.get(cid))
            if sheet is not None:
                return sheet.path
        elif (kind := _STAGE_FILE.get(stage)) and kind in self.files:
            return self.files[kind].path
        return self.sources.get(cid, "")

    def why(self, cid: str) -> str:
        """``行业比选：未入围，见 data/results/2016/scores/welder.yaml``: where the candidate stopped."""
        steps = self.result.traces.get(cid, ())
        if not steps:
            return f"见 {self.sources.get(cid, '')}"
        last = steps[-1]
        return f"{STAGE_NAMES[last.stage]}：{last.outcome}，见 {self.file_of(cid, last.stage)}"

    def nominee_file(self, cid: str) -> str:
        return self.file_of(cid, "competition")


def check_edition(files: dict, sheets: dict, sources: dict, result: EditionResult, occupation_of: dict,
                  vote_channels: tuple[str, ...], edition_path: str) -> Iterator[Problem]:
    """One edition's stage files against the people the engine put in each stage.

    ``files``: kind -> loaded stage file; ``sheets``: occupation -> loaded score sheet;
    ``sources``: candidate id -> file path; ``occupation_of``: candidate id -> occupation.
    """
    where = _Where(files, sheets, sources, result, occupation_of)
    lists = result.lists
    nominees = lists["nominees"].entries if lists["nominees"].status == "final" else None
    notice = lists["notice"].entries if lists["notice"].status == "final" else None

    if nominees is not None and (v := files.get("votes")) is not None:
        yield from _votes(v, set(nominees), nominees, where, vote_channels, edition_path)
    if nominees is not None and (r := files.get("review")) is not None:
        nominee_set = set(nominees)
        for i, row in enumerate(r.record.results):
            if row.candidate not in nominee_set:
                yield _at(r, ("results", i, "candidate"),
                          f"候选人「{row.candidate}」不是提名人选（{where.why(row.candidate)}），不应有综合评审得分")
    if notice is not None and (o := files.get("objections")) is not None:
        listed = set(notice)
        for i, obj in enumerate(o.record.objections):
            if obj.candidate not in listed:
                yield _at(o, ("objections", i, "candidate"),
                          f"候选人「{obj.candidate}」不在公示名单中（{where.why(obj.candidate)}），不能对其提出公示期异议")
    if (d := files.get("decisions")) is not None:
        yield from _decisions(d, nominees, where)


def _votes(v, nominee_set: set, nominees: tuple, where: _Where, vote_channels: tuple, edition_path: str) -> Iterator[Problem]:
    votes = v.record
    channels: dict[str, set] = {}
    first_row: dict[str, int] = {}
    for i, t in enumerate(votes.tallies):
        if t.candidate not in nominee_set:
            if t.candidate not in first_row:  # one message per person, at their first tally
                yield _at(v, ("tallies", i, "candidate"),
                          f"候选人「{t.candidate}」不是提名人选（{where.why(t.candidate)}），不应有计票")
        channels.setdefault(t.candidate, set()).add(t.channel)
        first_row.setdefault(t.candidate, i)
    absent = set()
    for i, a in enumerate(votes.absent):
        if a.candidate not in nominee_set:
            yield _at(v, ("absent", i, "candidate"),
                      f"候选人「{a.candidate}」不是提名人选（{where.why(a.candidate)}），不应列在 absent 中")
        elif a.candidate in channels:
            yield _at(v, ("absent", i, "candidate"), f"提名人选「{a.candidate}」已有计票，不应同时列在 absent 中")
        absent.add(a.candidate)
    for cid in nominees:
        if cid not in channels and cid not in absent:
            yield _at(v, ("tallies",),
                      f"提名人选「{cid}」（见 {where.nominee_file(cid)}）没有计票：请补录其计票，"
                      "或在 absent 中写明没有计票的原因", key=True)
        elif cid in channels:
            lacking = [c for c in vote_channels if c not in channels[cid]]
            if lacking:
                yield _at(v, ("tallies", first_row[cid]),
                          f"提名人选「{cid}」缺少渠道「{'、'.join(lacking)}」的计票（投票渠道见 {edition_path}）；"
                          "没有票时写 votes: 0")


def _decisions(d, nominees: tuple | None, where: _Where) -> Iterator[Problem]:
    nominee_set = set(nominees) if nominees is not None else None
    for i, dec in enumerate(d.record.decisions):
        for j, cid in enumerate(dec.order):
            loc = ("decisions", i, "order", j)
            if dec.stage == "行业比选":
                steps = {s.stage: s.outcome for s in where.result.traces.get(cid, ())}
                if "qualification" in where.files and steps.get("qualification") != "通过":
                    yield _at(d, loc, f"候选人「{cid}」未通过资格审核（{where.why(cid)}），不能参加行业比选的同分裁定")
            elif nominee_set is not None and cid not in nominee_set:
                yield _at(d, loc, f"候选人「{cid}」不是提名人选（{where.why(cid)}），不能参加{dec.stage}的同分裁定")


def check(loaded: list, project, results: dict) -> list[Problem]:
    """Every edition in ``results`` (edition id -> the engine's result for ``project``)."""
    files: dict[str, dict] = {}
    sheets: dict[str, dict] = {}
    for x in loaded:
        if x.kind in ("edition", "candidate", "mentorship", "lecture", "topic"):
            continue
        eid = x.record.edition
        if x.kind == "scores":
            sheets.setdefault(eid, {})[x.record.occupation] = x
        else:
            files.setdefault(eid, {})[x.kind] = x
    edition_paths = {x.record.id: x.path for x in loaded if x.kind == "edition"}
    problems: list[Problem] = []
    for eid, result in results.items():
        data = project.editions[eid]
        problems.extend(check_edition(
            files.get(eid, {}), sheets.get(eid, {}), project.sources, result,
            {c.id: c.occupation for c in data.candidates}, tuple(c.id for c in data.edition.vote_channels),
            edition_paths[eid],
        ))
    return problems


# stage files whose people these checks read: an edition without any needs no engine run
CHECKED_KINDS = ("votes", "review", "objections", "decisions")
