"""Ranking with an explicit tie-break chain, recorded decisions and cut-offs.

A ranking is a sequence of *tiers*: candidates that the rules put at the
same place. A tier has more than one member only when neither the tie-break
chain nor a recorded decision could separate them; such a tier straddling a
cut-off is what makes a list "needs_decision".
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby, repeat
from itertools import chain as chained
from operator import attrgetter, is_not
from typing import Any, Iterable, Mapping, Sequence

from ..models import Decision, TieBreak
from .base import records


@dataclass(frozen=True)
class Key:
    """One comparison: a Chinese label and a value per candidate (None: not known)."""

    label: str
    values: Mapping[str, Any]
    descending: bool = True

    def covers(self, ids: Iterable[str]) -> bool:
        return all(map(is_not, map(self.values.get, ids), repeat(None)))

    def split(self, ids: Sequence[str]) -> list[list[str]]:
        """``ids`` in this key's order, grouped where the values are equal."""
        # by (value, id), value descending if so: sorted by id, then a stable sort by value
        # (``reverse`` keeps equal values in id order) -- no key tuples, no negated values
        value = self.values.__getitem__
        ordered = sorted(ids)
        ordered.sort(key=value, reverse=self.descending)
        return [list(g) for _, g in groupby(ordered, key=value)]


@dataclass(frozen=True, slots=True)  # slots: one per candidate in most rankings, built faster
class Tier:
    ids: tuple[str, ...]  # sorted by id when unsettled
    rank: int  # 1-based; shared by every member


_ids_of = attrgetter("ids")


@dataclass(frozen=True)
class Ranking:
    tiers: tuple[Tier, ...]
    settled: Mapping[str, str]  # candidate -> how a tie involving them was settled (Chinese)

    def __post_init__(self):
        # candidate -> tier, built once (rank_of/tier_of are called for every candidate);
        # the first tier naming a candidate wins, as a scan in order would find it
        # (in C: every tier's ids, the last tier first, each paired with its tier; a dict keeps
        # the last value given for a key, which is then the first tier's)
        last_first = self.tiers[::-1]
        ids = list(map(_ids_of, last_first))
        index = dict(zip(chained.from_iterable(ids), chained.from_iterable(map(repeat, last_first, map(len, ids)))))
        object.__setattr__(self, "_tier_index", index)

    def rank_of(self, cid: str) -> int | None:
        t = self._tier_index.get(cid)
        return None if t is None else t.rank

    def tier_of(self, cid: str) -> Tier | None:
        return self._tier_index.get(cid)

    def order(self) -> tuple[str, ...]:
        return tuple(cid for t in self.tiers for cid in t.ids)

    def without(self, removed: Iterable[str]) -> "Ranking":
        """The same order with some candidates taken out (ranks renumbered)."""
        removed = set(removed)
        tiers, count = [], 0
        for t in self.tiers:
            ids = tuple(cid for cid in t.ids if cid not in removed)
            if ids:
                tiers.append(Tier(ids, count + 1))
                count += len(ids)
        return Ranking(tuple(tiers), self.settled)


def _decision_for(group: Sequence[str], decisions: Sequence[Decision]) -> Decision | None:
    """The latest recorded decision whose order names every member of ``group``."""
    fitting = [d for d in decisions if set(group) <= set(d.order)]
    fitting.sort(key=lambda d: (d.date, tuple(d.order), d.basis))
    return fitting[-1] if fitting else None


def rank(ids: Iterable[str], primary: Key, chain: Sequence[Key] = (), decisions: Sequence[Decision] = ()) -> Ranking:
    """Rank ``ids`` by ``primary``; break ties by each key of ``chain`` in turn.

    A chain key that lacks a value for any member of a tied group is skipped
    for that group. Groups still tied go to ``decisions`` (the caller passes
    only those of the right stage and scope); what stays tied shares a rank.
    """
    settled: dict[str, str] = {}

    def refine(group: list[str], keys: Sequence[Key], used: tuple[str, ...]) -> list[tuple[list[str], tuple[str, ...]]]:
        if len(group) == 1 or not keys:
            return [(group, used)]
        key, rest = keys[0], keys[1:]
        if not key.covers(group):
            return refine(group, rest, used)
        parts = key.split(group)
        if len(parts) == 1:
            return refine(group, rest, used)
        out = []
        for part in parts:
            out.extend(refine(part, rest, used + (key.label,)))
        return out

    # a chain key reading the very values of the primary key or of an earlier chain key
    # cannot split a group that those left tied: left out (the same ranking, less work)
    seen, useful = {id(primary.values)}, []
    for key in chain:
        if id(key.values) not in seen:
            seen.add(id(key.values))
            useful.append(key)
    chain = useful

    # each tier's ids and rank, the tiers made at the end (base.records)
    tier_ids: list[tuple[str, ...]] = []
    tier_ranks: list[int] = []
    count = 0
    settled_by: dict[tuple[str, ...], str] = {}  # the keys used -> how that settled a tie (one text each)
    for group in primary.split(sorted(set(ids))):
        if len(group) == 1:  # no tie: what refine() would return for it
            tier_ids.append((group[0],))
            tier_ranks.append(count + 1)
            count += 1
            continue
        for part, used in refine(group, chain, ()):
            if len(part) == 1:  # (the group has more than one member)
                if used:
                    text = settled_by.get(used)
                    if text is None:
                        text = settled_by[used] = f"同分，依次比较{'、'.join(used)}后排定"
                    settled[part[0]] = text
                tier_ids.append((part[0],))
                tier_ranks.append(count + 1)
                count += 1
                continue
            decision = _decision_for(part, decisions)
            if decision is not None:
                position = {cid: i for i, cid in enumerate(decision.order)}
                for cid in sorted(part, key=position.__getitem__):
                    settled[cid] = f"同分且同分比较规则无法区分，按裁定排定（{decision.basis}，{decision.date.isoformat()}）"
                    tier_ids.append((cid,))
                    tier_ranks.append(count + 1)
                    count += 1
                continue
            tier_ids.append(tuple(sorted(part)))
            tier_ranks.append(count + 1)
            count += len(part)
    return Ranking(tuple(records(Tier, len(tier_ids), tier_ids, tier_ranks)), settled)


def select(ranking: Ranking, places: int) -> tuple[tuple[str, ...], Tier | None]:
    """The first ``places`` candidates, and the tier straddling the cut-off if any.

    With a straddling tier the selection is incomplete: only those above it
    are returned and the list needs a decision.
    """
    chosen: list[str] = []
    for tier in ranking.tiers:
        if len(chosen) >= places:
            break
        if len(chosen) + len(tier.ids) > places:
            return tuple(chosen), tier
        chosen.extend(tier.ids)
    return tuple(chosen), None


def chain_keys(
    tie_break: Sequence[TieBreak],
    *,
    totals: Mapping[str, Any],
    components: Mapping[str, Mapping[str, Any]],
    component_names: Mapping[str, str],
    metrics: Mapping[str, Mapping[str, Any]],
    votes: Mapping[str, Any] | None,
) -> list[Key]:
    """The edition's tie-break chain as keys.

    ``components`` and ``metrics`` map a component id / metric name to values
    per candidate. Unknown keys (and ``votes`` before any votes exist) are
    skipped: they cannot separate anyone.
    """
    keys = []
    for tb in tie_break:
        desc = tb.order == "desc"
        kind, _, name = tb.key.partition(":")
        if tb.key == "total":
            keys.append(Key("加权总分", totals, desc))
        elif kind == "component" and name in components:
            keys.append(Key(f"{component_names.get(name, name)}得分", components[name], desc))
        elif kind == "metric":
            keys.append(Key(f"指标 {name}", metrics.get(name, {}), desc))
        elif tb.key == "votes" and votes is not None:
            keys.append(Key("有效票数", votes, desc))
    return keys
