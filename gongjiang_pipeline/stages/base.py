"""What every stage returns, and small helpers for writing Chinese reasons."""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import dataclass, field
from itertools import islice, repeat
from operator import is_, lt
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping

from ..dataset import EditionData
from ..outcome import STAGE_NAMES, Block, ListStatus, Step


def freeze(d: Mapping) -> Mapping:
    """An immutable copy of ``d`` with its keys sorted (deterministic iteration)."""
    if len(d) > 8:  # the keys are distinct: sorting them alone is sorting the items, and faster
        keys = sorted(d)
        return MappingProxyType(dict(zip(keys, map(d.__getitem__, keys))))
    return MappingProxyType(dict(sorted(d.items())))


def freeze_own(d: dict) -> Mapping:
    """``freeze(d)`` for a dict the caller made and lets go (nobody changes it afterwards):
    when its keys are in order already (stages mostly build them in candidate order), a
    read-only view of ``d`` itself, the same items in the same order, without the copy."""
    if len(d) > 8:
        keys = list(d)
        if all(map(lt, keys, islice(keys, 1, None))):  # distinct keys: in order iff increasing
            return MappingProxyType(d)
    return freeze(d)


def unset(d: Mapping) -> bool:
    """Whether some value of ``d`` is still None (made by ``dict.fromkeys``, not all filled in)."""
    return any(map(is_, d.values(), repeat(None)))


def freeze_filled(d: dict) -> Mapping:
    """``freeze_own(d)`` less the keys whose value is still None: for a dict made by
    ``dict.fromkeys(ids)``, ``ids`` sorted, and filled in (in order already: not copied)."""
    if unset(d):
        d = {k: v for k, v in d.items() if v is not None}
    return freeze_own(d)


def records(cls: type, n: int, *columns: Iterable) -> list:
    """``list(map(cls, *columns))``, one column per field, ``n`` records (each column at
    least that long, an endless ``repeat`` too), for a frozen dataclass with
    slots whose ``__init__`` only sets its fields (``Step``, ``Tier``, ``CandidateScore``):
    the same records, made faster -- each field set a whole column at a time through
    its slot, not by ``__init__``'s ``object.__setattr__`` call per field and record."""
    made = list(map(object.__new__, repeat(cls, n)))
    for f, column in zip(dataclasses.fields(cls), columns, strict=True):
        deque(map(getattr(cls, f.name).__set__, made, column), maxlen=0)
    return made


class Deferred(Mapping):
    """A read-only mapping whose items ``build()`` gives on first use, then kept.

    ``build`` must be pure (the same items every time, and equal items for equal
    arguments, which is how two such mappings are compared unbuilt; keys in the order to show):
    reading the mapping is then the same as reading ``MappingProxyType(build())``
    built up front, and it is as read-only (only its private cache is ever set). For
    figures that few readers look at -- the competition step's judges' scores, one set
    per candidate -- which were a large part of the engine's time, while the site
    never reads them.
    """

    __slots__ = ("_build", "_args", "_built")

    def __init__(self, build: Callable[..., dict], *args: Any):
        """``build(*args)`` gives the items (the arguments kept as they are, like a
        ``functools.partial`` but one object fewer for each of many mappings)."""
        self._build = build
        self._args = args
        self._built = None

    def _items(self) -> Mapping:
        built = self._built
        if built is None:
            # read in the reverse order of letting go below: arguments read while still set
            # belong to a builder still set, or the builder is gone and the items are built
            args = self._args
            build = self._build
            if build is None:  # built meanwhile (it is set before the builder is let go)
                return self._built
            built = self._built = MappingProxyType(build(*args))
            self._build = None  # its inputs are no longer needed: let them go (builder first)
            self._args = None
        return built

    def __getitem__(self, key):
        return self._items()[key]

    def __iter__(self):
        return iter(self._items())

    def __len__(self) -> int:
        return len(self._items())

    def __contains__(self, key) -> bool:
        return key in self._items()

    def get(self, key, default=None):
        return self._items().get(key, default)

    def keys(self):
        return self._items().keys()

    def items(self):
        return self._items().items()

    def values(self):
        return self._items().values()

    def __eq__(self, other):
        if isinstance(other, Deferred):
            # the same pure builder on equal arguments gives equal items: no need to build
            # them (the devserver compares a whole edition's results, preview.py); each
            # attribute is read once, and a builder already let go means: compare the items
            build, args = self._build, self._args
            other_build, other_args = other._build, other._args
            if build is not None and build is other_build and args is not None and other_args is not None:
                if args == other_args:
                    return True
        return self._items() == other

    __hash__ = None

    def __repr__(self) -> str:
        return repr(self._items())


@dataclass(frozen=True)
class Listing:
    """One published list as a stage sees it (the engine adds title and date)."""

    status: ListStatus
    entries: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class StageOutput:
    """The result of one stage.

    ``status`` says whether later stages may run on it: "final" (yes),
    "needs_decision" (an unsettled tie), "pending" (data missing here or earlier).
    ``origin`` names the stage whose missing data or open tie holds this one up.
    """

    stage: str
    status: ListStatus = "final"
    note: str = ""
    origin: str = ""
    steps: Mapping[str, Step] = field(default_factory=dict)  # candidate id -> this stage's step
    blocks: tuple[Block, ...] = ()
    passed: tuple[str, ...] = ()  # who goes on to the next stage, sorted by id
    figures: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # public, per candidate

    @property
    def ready(self) -> bool:
        return self.status == "final"

    def waiting_note(self) -> str:
        """Why lists depending on this stage cannot be published yet (Chinese)."""
        origin = self.origin or self.stage
        if origin == self.stage:
            return self.note
        return f"须先完成{STAGE_NAMES[origin]}：{self.note}"


def step(stage: str, outcome: str, reason: str, **figures: Any) -> Step:
    return Step(stage, outcome, reason, freeze(figures))


def sorted_step(stage: str, outcome: str, reason: str, figures: dict[str, Any]) -> Step:
    """``step(stage, outcome, reason, **figures)`` for ``figures`` already in key order (not copied)."""
    return Step(stage, outcome, reason, MappingProxyType(figures))


def who(data: EditionData, cid: str) -> str:
    """``张三（2016-001）``"""
    return f"{data.candidate(cid).name}（{cid}）"


def names(data: EditionData, ids: Iterable[str]) -> str:
    return "、".join(who(data, cid) for cid in sorted(ids))


def occupation_name(data: EditionData, oid: str) -> str:
    for o in data.edition.occupations:
        if o.id == oid:
            return o.name
    return oid


def waiting(stage: str, upstream: StageOutput, cls: type[StageOutput] = StageOutput, **extra: Any) -> StageOutput:
    """This stage cannot run: an earlier one is pending or needs a decision.

    Nobody reaches it, so nobody gets a step for it."""
    return cls(stage=stage, status="pending", note=upstream.note, origin=upstream.origin or upstream.stage, **extra)


def missing(
    stage: str, note: str, reached: Iterable[str], cls: type[StageOutput] = StageOutput, **extra: Any
) -> StageOutput:
    """This stage's own input data is missing: everyone who reached it waits, with ``note``."""
    steps = {cid: step(stage, "待定", note) for cid in reached}
    return cls(stage=stage, status="pending", note=note, origin=stage, steps=freeze_own(steps), **extra)
