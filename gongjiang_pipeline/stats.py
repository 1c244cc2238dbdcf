"""Statistics over the public candidates of one list (counts, gender, age, groups).

Only people on visible lists are counted, so the figures never reveal anything
about candidates who are not public. Ages are "age in the year the edition was
announced" (启动当年年龄), so they do not change with the build date.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from .models import Candidate, Edition


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    value: int


@dataclass(frozen=True)
class ListStats:
    total: int
    women: int
    men: int
    age_min: int | None
    age_max: int | None
    age_mean: float | None  # one decimal
    occupations: tuple[Count, ...]  # most first, then edition order
    districts: tuple[Count, ...]
    sectors: tuple[Count, ...]


def _group(edition_items: Sequence, keys: Iterable[str]) -> tuple[Count, ...]:
    counts = Counter(keys)
    order = {n.id: i for i, n in enumerate(edition_items)}
    names = {n.id: n.name for n in edition_items}
    rows = [Count(k, names.get(k, k), v) for k, v in counts.items()]
    return tuple(sorted(rows, key=lambda c: (-c.value, order.get(c.key, len(order)), c.key)))


def list_stats(edition: Edition, people: Sequence[Candidate]) -> ListStats:
    year = edition.timeline.announced.year
    ages = sorted(year - c.birth_year for c in people)
    women = sum(1 for c in people if c.gender == "女")
    return ListStats(
        total=len(people),
        women=women,
        men=len(people) - women,
        age_min=ages[0] if ages else None,
        age_max=ages[-1] if ages else None,
        age_mean=round(sum(ages) / len(ages), 1) if ages else None,
        occupations=_group(edition.occupations, (c.occupation for c in people)),
        districts=_group(edition.districts, (c.district for c in people)),
        sectors=_group(edition.sectors, (c.sector for c in people)),
    )


def as_pairs(counts: Iterable[Count]) -> list[tuple[str, int]]:
    return [(c.label, c.value) for c in counts]


def gender_pairs(s: ListStats) -> list[tuple[str, int]]:
    return [("男", s.men), ("女", s.women)]


def summary(stats: Mapping[str, ListStats]) -> dict[str, int]:
    return {k: v.total for k, v in stats.items()}
