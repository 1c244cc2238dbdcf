"""What the selection engine produces: lists, per-candidate traces and blocks.

This is the contract between the rules (``stages/``) and everything that
shows results (CLI, site, open data). Plain immutable records, no behaviour
beyond small conveniences.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

# The program's stages, in order, with their Chinese names.
STAGES: tuple[tuple[str, str], ...] = (
    ("recommendation", "推荐"),
    ("qualification", "资格审核"),
    ("competition", "行业比选"),
    ("public_vote", "公众参与"),
    ("review", "综合评审"),
    ("notice", "社会公示"),
    ("approval", "审定命名"),
)
STAGE_NAMES = dict(STAGES)

# The public lists, in order, with their Chinese titles.
LISTS: tuple[tuple[str, str], ...] = (
    ("nominees", "提名人选"),
    ("popularity", "最佳人气奖"),
    ("notice", "公示名单"),
    ("craftsmen", "北京大工匠"),
    ("nomination_award", "北京大工匠提名奖"),
)
LIST_TITLES = dict(LISTS)

ListStatus = Literal["final", "needs_decision", "pending"]


@dataclass(frozen=True, slots=True)  # slots: hundreds of thousands per run, built faster
class Step:
    """One line of a candidate's trace: what happened at one stage, and why."""

    stage: str  # key of STAGES
    outcome: str  # short Chinese word: 通过 / 待定 / 未通过 / 入围 / 未入围 / 获奖 / 撤销 ...
    reason: str  # one line of Chinese, with the figures that decided it
    figures: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Block:
    """Something the data must settle before later stages can be computed."""

    stage: str
    kind: str  # "quota" | "tie" | "missing"
    message: str  # Chinese, names the body / occupation and the candidates
    candidates: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageList:
    key: str  # key of LISTS
    title: str
    status: ListStatus
    entries: tuple[str, ...]  # candidate ids, in rank order (display order is the site's business)
    publish_on: dt.date | None  # from the edition timeline; None: no date set, never published
    note: str = ""  # e.g. why it is pending


@dataclass(frozen=True)
class EditionResult:
    edition_id: str
    lists: Mapping[str, StageList]
    traces: Mapping[str, tuple[Step, ...]]  # candidate id -> steps, in stage order
    blocks: tuple[Block, ...] = ()
    # per candidate: public figures shown on the site (scores, valid votes, review score)
    figures: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
