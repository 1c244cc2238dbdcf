"""核验 (verification) of a named honour, and its revocation.

Every 北京大工匠 and 提名奖 of an approved edition has a badge code, the same as
the number of their certificate (:func:`certificates.certificate_number`). The
craftsman page's 核验 section confirms the title, the edition and the code, and
offers the product badge kit (:mod:`media.badges`) that employers print on
products and services.

Revocation: a candidate file's optional ``revoked:`` (date, decision, reason, all
public) withdraws the honour. From its date on, the 核验 section says the title is
revoked, and no badge is offered or published any more; before that date the site
shows it as valid (the same rule as every dated record: nothing after AS_OF).
:func:`check` makes sure only a named honoree is revoked, and not before the
naming.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterator

from .certificates import TITLES, certificate_number
from .errors import Problem


@dataclass(frozen=True)
class Revoked:
    date: dt.date
    decision: str
    reason: str


@dataclass(frozen=True)
class Verification:
    candidate_id: str
    title: str  # 北京大工匠 / 北京大工匠提名奖
    list_key: str
    edition_id: str
    year: str  # e.g. 2016年度
    code: str  # badge code = certificate number
    approved: dt.date
    revoked: Revoked | None  # only once public (its date <= as_of)

    @property
    def valid(self) -> bool:
        return self.revoked is None


def year_label(edition_id: str) -> str:
    return f"{edition_id}年度"


def verifications(project, model) -> dict[str, Verification]:
    """Candidate id -> the verification of each honoree whose honour list the site shows (as of ``model.as_of``)."""
    out: dict[str, Verification] = {}
    for p in model.people:
        keys = {h.list_key for h in p.honours}
        key = next((k for k in TITLES if k in keys), None)
        if key is None:
            continue
        data = project.editions[p.edition_id]
        if data.approval is None:
            continue
        c = data.candidate(p.id)
        r = c.revoked
        revoked = Revoked(r.date, r.decision, r.reason) if r is not None and r.date <= model.as_of else None
        out[p.id] = Verification(p.id, TITLES[key], key, p.edition_id, year_label(p.edition_id),
                                 certificate_number(p.edition_id, key, p.id), data.approval.date, revoked)
    return out


def check(loaded: list, project, results: dict) -> list[Problem]:
    """Each ``revoked:`` names a 北京大工匠 or 提名奖 of an approved edition, dated no earlier than the naming."""
    from .crosscheck import _at

    return list(_check(loaded, project, results, _at))


def _check(loaded, project, results, at) -> Iterator[Problem]:
    approvals = {x.record.edition: x for x in loaded if x.kind == "approval"}
    for x in loaded:
        if x.kind != "candidate" or x.record.revoked is None:
            continue
        c = x.record
        result = results.get(c.edition)
        named = result is not None and any(
            result.lists[k].status == "final" and c.id in result.lists[k].entries for k in TITLES
        )
        if not named:
            yield at(x, ("revoked",), f"候选人 {c.id}（{c.name}）未被命名为北京大工匠或提名奖，不能撤销称号", key=True)
            continue
        a = approvals[c.edition]
        if c.revoked.date < a.record.date:
            yield at(x, ("revoked", "date"),
                     f"撤销日期 {c.revoked.date} 早于审定命名日期 {a.record.date}（见 {a.path}）")
