"""The validated data of a project, as immutable records grouped by edition.

This is what the selection stages and the site read; it is produced by
:func:`gongjiang_pipeline.loading.load_project`, never built by hand except in tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from .models import (
    Approval,
    Candidate,
    Decisions,
    Edition,
    Errata,
    Objections,
    Qualification,
    Review,
    ScoreSheet,
    Votes,
)


@dataclass(frozen=True)
class EditionData:
    """One edition: its rules, its candidates and whatever stage results exist so far."""

    edition: Edition
    candidates: tuple[Candidate, ...]  # sorted by id
    qualification: Qualification | None = None
    score_sheets: Mapping[str, ScoreSheet] = field(default_factory=dict)  # by occupation id
    votes: Votes | None = None
    review: Review | None = None
    objections: Objections | None = None
    approval: Approval | None = None
    decisions: Decisions | None = None
    errata: Errata | None = None

    def __post_init__(self):
        object.__setattr__(self, "candidates", tuple(sorted(self.candidates, key=lambda c: c.id)))
        object.__setattr__(self, "score_sheets", MappingProxyType(dict(sorted(self.score_sheets.items()))))
        # id -> candidate, built once: stages look candidates up by id in loops.
        # Duplicate ids are reported by validation; like the former linear scan, the first wins.
        by_id: dict[str, Candidate] = {}
        for c in self.candidates:
            by_id.setdefault(c.id, c)
        object.__setattr__(self, "_by_id", by_id)

    def candidate(self, cid: str) -> Candidate:
        try:
            return self._by_id[cid]
        except KeyError:
            raise KeyError(cid) from None


@dataclass(frozen=True)
class Project:
    """Every edition of the project, by id; plus where each record came from."""

    editions: Mapping[str, EditionData]
    sources: Mapping[str, str] = field(default_factory=dict)  # candidate id -> file path
    # the engine's results (engine.run) of the editions the loader's checks ran it for:
    # the same as running it again (a pure function of the data), kept to save doing so
    results: Mapping[str, Any] = field(default_factory=dict)
    mentorships: tuple = ()  # 大工匠带徒 (gongjiang_pipeline.mentorship.Mentorship), by id
    lectures: tuple = ()  # 北京大工匠讲堂 (gongjiang_pipeline.lectures.Lecture), by id
    studios: tuple = ()  # 创新工作室 (gongjiang_pipeline.studios.Studio), by id
    topics: tuple = ()  # 专题 (gongjiang_pipeline.news.Topic), by id

    def result(self, eid: str):
        """``engine.run(self.editions[eid])``, reusing the loader's run when there was one."""
        got = self.results.get(eid)
        if got is None:
            from .engine import run

            got = run(self.editions[eid])
        return got

    def find_candidate(self, cid: str) -> tuple[EditionData, Candidate] | None:
        for ed in self.editions.values():
            try:
                return ed, ed.candidate(cid)
            except KeyError:
                continue
        return None
