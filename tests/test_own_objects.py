"""A page's own records checked at once by content (depgraph.content_digest, own_checks).

Pure unit tests (no site build). A *value object* (a frozen dataclass or frozen pydantic
model of plain values and other value objects, such as ``sitemodel.Person``) has a digest
of everything reachable from it; when the objects a page's reads start from have the
digests they had, only the page's other reads are checked one by one. The check must
give the verdict that checking every read gives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from gongjiang_pipeline import depgraph
from gongjiang_pipeline.models import Occupation


@dataclass(frozen=True)
class Ref:
    id: str
    name: str


@dataclass(frozen=True)
class Rec:
    name: str
    items: tuple
    ref: Ref
    day: dt.date = dt.date(2026, 1, 1)
    tags: frozenset = frozenset()
    extra: dict | None = None


@dataclass(frozen=True)
class OtherRec(Rec):  # the same fields as Rec, another type
    pass


@dataclass
class Mutable:
    name: str


class Helpers:
    def __init__(self, prefix: str):
        self.prefix = prefix

    def url(self, rec) -> str:
        return self.prefix + rec.name


@dataclass(frozen=True)
class Holder:
    helpers: Helpers


def rec(name="甲", items=("焊工",), ref=("d1", "东城区"), **kw):
    return Rec(name, items, Ref(*ref), **kw)


@pytest.fixture(autouse=True)
def fresh():
    depgraph.forget_objects()
    yield
    depgraph.forget_objects()


SAME = [
    ("equal content, other objects", rec(), rec()),
    ("a nested record rebuilt", rec(ref=("d1", "东城区")), Rec("甲", ("焊工",), Ref("d1", "东城区"))),
    ("sets in another order", rec(tags=frozenset({"a", "b"})), rec(tags=frozenset({"b", "a"}))),
    ("a plain value", "北京大工匠", "北京大工匠"),
    ("a pydantic record", Occupation(id="hangong", name="焊工"), Occupation(id="hangong", name="焊工")),
]


@pytest.mark.parametrize("what,a,b", SAME, ids=[row[0] for row in SAME])
def test_equal_value_objects_have_equal_digests(what, a, b):
    assert depgraph.content_digest(a) is not None
    assert depgraph.content_digest(a) == depgraph.content_digest(b)


OTHER = [
    ("a field", rec(), rec(name="乙")),
    ("a nested record's field", rec(), rec(ref=("d1", "西城区"))),
    ("an item of a tuple", rec(), rec(items=("钳工",))),
    ("a date", rec(), rec(day=dt.date(2026, 1, 2))),
    ("a mapping's value", rec(extra={"a": 1}), rec(extra={"a": 2})),
    ("the type", rec(), OtherRec("甲", ("焊工",), Ref("d1", "东城区"))),
    ("a text and a number", rec(items=("1",)), rec(items=(1,))),
    ("a pydantic record", Occupation(id="hangong", name="焊工"), Occupation(id="hangong", name="电焊工")),
]


@pytest.mark.parametrize("what,a,b", OTHER, ids=[row[0] for row in OTHER])
def test_any_difference_reachable_from_a_value_object_changes_its_digest(what, a, b):
    assert depgraph.content_digest(a) != depgraph.content_digest(b)


NOT_VALUES = [
    ("a mutable dataclass", Mutable("甲")),
    ("a helper object", Helpers("/")),
    ("a frozen record holding a helper", Holder(Helpers("/"))),
    ("a mapping keyed by objects", rec(extra={Ref("a", "b"): 1})),
    ("a set of objects", rec(tags=frozenset({Ref("a", "b")}))),
    ("a list holding a helper", [rec(), Helpers("/")]),
]


@pytest.mark.parametrize("what,value", NOT_VALUES, ids=[row[0] for row in NOT_VALUES])
def test_what_may_read_more_than_it_holds_has_no_digest(what, value):
    assert depgraph.content_digest(value) is None


def test_a_container_read_item_by_item_has_no_digest():
    settings = {"SITENAME": "北京大工匠"}
    depgraph.as_object(settings)
    assert depgraph.content_digest(settings) is None


def _record(context: dict, globals_: dict) -> list:
    r = depgraph.Recorder(context, globals_, lambda name: "t1")
    r.template("page.html")
    person = context["person"]
    r.ctx("person", person)
    r.attr(person, "name", person.name)
    r.attr(person, "ref", person.ref)
    r.attr(person.ref, "name", person.ref.name)
    r.attr(person, "items", person.items)
    gj = globals_["gj"]
    r.ctx("gj", gj)
    r.attr(gj, "prefix", gj.prefix)
    url = gj.url  # (one bound method: the call is recorded on the path it was reached by)
    r.attr(gj, "url", url)
    r.call(url, (person,), {}, url(person))
    r.absent_name("alt_url")
    return r.result()


def _lookup(context: dict, globals_: dict):
    return lambda name: context[name] if name in context else globals_[name]


def test_own_checks_leave_the_reads_that_start_from_other_objects():
    context, globals_ = {"person": rec()}, {"gj": Helpers("/craftsmen/")}
    reads = _record(context, globals_)
    used, rest = depgraph.own_checks(reads, _lookup(context, globals_))
    assert [name for name, _ in used] == ["person"]
    left = [read for read, _ in rest]
    # the template, the absent name, and everything reached through the helpers (a call
    # with the person as its argument starts from both)
    assert left == [
        ("t", "page.html"),
        ("ctx", "gj"),
        ("a", (("ctx", "gj"),), "prefix"),
        ("a", (("ctx", "gj"),), "url"),
        ("c", (("ctx", "gj"), ("a", "url")), (("r", (("ctx", "person"),)),), ()),
        ("?", "alt_url"),
    ]
    assert len(reads) - len(rest) == 5  # person, its name, ref, ref.name, items


def test_no_own_checks_without_a_value_object():
    context, globals_ = {"person": Mutable("甲")}, {"gj": Helpers("/")}
    r = depgraph.Recorder(context, globals_, lambda name: "t1")
    r.ctx("person", context["person"])
    r.attr(context["person"], "name", "甲")
    assert depgraph.own_checks(r.result(), _lookup(context, globals_)) is None


def test_two_paths_to_one_object_are_always_checked():
    shared = Ref("d1", "东城区")
    person = Rec("甲", (), shared)
    context, globals_ = {"person": person, "district": shared}, {}
    r = depgraph.Recorder(context, globals_, lambda name: "t1")
    r.ctx("district", shared)
    r.ctx("person", person)
    r.attr(person, "ref", shared)  # the object reached before: an ``=`` read
    reads = r.result()
    assert any(read[0] == "=" for read, _ in reads)
    used, rest = depgraph.own_checks(reads, _lookup(context, globals_))
    assert [read[0] for read, _ in rest] == ["="]


# (what changes for the next build, whether the own objects are unchanged, whether the page is kept)
NEXT = [
    ("nothing", {}, True, True),
    ("the same person, rebuilt", {"person": rec()}, True, True),
    ("the person's name", {"person": rec(name="乙")}, False, False),
    ("a nested record of the person", {"person": rec(ref=("d1", "西城区"))}, False, False),
    ("the helpers' prefix", {"gj": Helpers("/people/")}, True, False),
    ("the person gone", {"person": None}, False, False),
]


@pytest.mark.parametrize("what,change,own_same,kept", NEXT, ids=[row[0] for row in NEXT])
def test_checking_the_rest_gives_the_verdict_of_checking_every_read(what, change, own_same, kept):
    context, globals_ = {"person": rec()}, {"gj": Helpers("/craftsmen/")}
    reads = _record(context, globals_)
    used, rest = depgraph.own_checks(reads, _lookup(context, globals_))
    depgraph.forget_objects()  # the next build
    context2 = {"person": change.get("person", rec())}
    if context2["person"] is None:
        del context2["person"]
    globals2 = {"gj": change.get("gj", Helpers("/craftsmen/"))}
    lookup = _lookup(context2, globals2)
    evaluator = depgraph.Evaluator(getattr, lambda o, k: o[k], lambda name: "t1")
    every = depgraph.unchanged(reads, evaluator, lookup)
    assert every is kept
    assert depgraph.own_unchanged(used, lookup) is own_same
    if own_same:
        assert depgraph.unchanged(rest, evaluator, lookup) is kept


def test_a_value_object_is_digested_once_while_builds_reach_it():
    calls = []

    @dataclass(frozen=True)
    class Counted:
        name: str

        def __getattribute__(self, attr):
            if attr == "name":
                calls.append(attr)
            return object.__getattribute__(self, attr)

    value = Counted("甲")
    first = depgraph.content_digest(value)
    assert depgraph.content_digest(value) == first and len(calls) == 1
    # the next build of a resident process (the same object: immutable) takes the digest as it was
    depgraph.forget_objects()
    assert depgraph.content_digest(value) == first and len(calls) == 1
    # a build that does not reach it drops it: the one after digests it again
    depgraph.forget_objects()
    depgraph.forget_objects()
    assert depgraph.content_digest(value) == first and len(calls) == 2
    # another object with the same content is digested on its own
    assert depgraph.content_digest(Counted("甲")) == first and len(calls) == 3


@dataclass(frozen=True)
class Edition:
    name: str
    people: tuple

    def pick(self, who: Rec) -> Rec:
        return next(p for p in self.people if p.name == who.name)


def test_a_read_through_a_call_is_covered_only_if_its_arguments_roots_are_unchanged():
    # ev.pick(lv).name starts at ev, and the call brings in lv: both are checked
    read = ("a", (("ctx", "ev"), ("a", "pick"), ("c", (("r", (("ctx", "lv"),)),), ())), "name")
    ev, lv = Edition("2016", (rec(), rec(name="乙"))), rec()
    reads = [(read, depgraph.value_digest("甲"))]
    used, rest = depgraph.own_checks(reads, _lookup({"ev": ev, "lv": lv}, {}))
    assert [name for name, _ in used] == ["ev", "lv"] and rest == []
    depgraph.forget_objects()
    later = _lookup({"ev": Edition("2016", (rec(), rec(name="乙"))), "lv": rec(name="乙")}, {})
    assert depgraph.own_unchanged(used, later) is False  # lv changed: every read is checked


# ---- call results: a helper's value object checked once by its content


@dataclass(frozen=True)
class Entry:
    name: str
    url: str
    items: tuple

    def first(self) -> str:
        return self.items[0]

    def pick(self, who: Rec) -> str:
        return who.name


class EntryHelpers(Helpers):
    def entry(self, rec) -> Entry:
        return Entry(rec.name, self.prefix + rec.name, rec.items)


def _record_entry(context: dict, globals_: dict, *, reads_of_entry=("name", "url", "first")):
    """A page showing ``gj.entry(person)``: its name, URL and first item (a method call)."""
    r = depgraph.Recorder(context, globals_, lambda name: "t1")
    r.template("page.html")
    person, gj = context["person"], globals_["gj"]
    r.ctx("gj", gj)
    r.ctx("person", person)
    method = gj.entry
    r.attr(gj, "entry", method)
    entry = method(person)
    r.call(method, (person,), {}, entry)
    for name in reads_of_entry:
        if name == "first":
            bound = entry.first
            r.attr(entry, "first", bound)
            r.call(bound, (), {}, bound())
        elif name == "pick":
            bound = entry.pick
            r.attr(entry, "pick", bound)
            r.call(bound, (person,), {}, bound(person))
        else:
            r.attr(entry, name, getattr(entry, name))
    return r.result(), r.reached


ENTRY_CALL = (("ctx", "gj"), ("a", "entry"), ("c", (("r", (("ctx", "person"),)),), ()))


def test_a_call_returning_a_value_object_covers_the_reads_of_its_result():
    context, globals_ = {"person": rec()}, {"gj": EntryHelpers("/craftsmen/")}
    reads, reached = _record_entry(context, globals_)
    used, rest = depgraph.own_checks(reads, _lookup(context, globals_), reached)
    assert [key for key, _ in used] == ["person", ENTRY_CALL]
    # the call, its result's name and URL, the method ``first`` and its call are covered
    assert [read for read, _ in rest] == [
        ("t", "page.html"), ("ctx", "gj"), ("a", (("ctx", "gj"),), "entry")]
    # without the objects of the paths, only the context names are checked at once
    used, rest = depgraph.own_checks(reads, _lookup(context, globals_))
    assert [key for key, _ in used] == ["person"] and len(rest) == len(reads) - 1


def test_a_call_result_covering_one_read_only_is_left_to_that_read():
    context, globals_ = {"person": rec()}, {"gj": EntryHelpers("/")}
    reads, reached = _record_entry(context, globals_, reads_of_entry=())
    used, rest = depgraph.own_checks(reads, _lookup(context, globals_), reached)
    assert [key for key, _ in used] == ["person"]
    assert ("c", ENTRY_CALL[:-1], (("r", (("ctx", "person"),)),), ()) in [read for read, _ in rest]


def test_a_call_on_the_result_with_an_object_argument_is_checked_one_by_one():
    context, globals_ = {"person": rec()}, {"gj": EntryHelpers("/")}
    reads, reached = _record_entry(context, globals_, reads_of_entry=("name", "url", "pick"))
    used, rest = depgraph.own_checks(reads, _lookup(context, globals_), reached)
    left = [read for read, _ in rest]
    assert ("c", ENTRY_CALL + (("a", "pick"),), (("r", (("ctx", "person"),)),), ()) in left
    assert ("a", ENTRY_CALL, "name") not in left and ("a", ENTRY_CALL, "pick") not in left


# (what changes for the next build, whether the checked objects are unchanged, whether the page is kept)
NEXT_CALL = [
    ("nothing", {}, True, True),
    ("the helpers' prefix: another URL in the result", {"gj": EntryHelpers("/people/")}, False, False),
    ("the person's items: another first item", {"person": rec(items=("钳工",))}, False, False),
    ("the helper gone", {"gj": Helpers("/craftsmen/")}, False, False),
]


@pytest.mark.parametrize("what,change,own_same,kept", NEXT_CALL, ids=[row[0] for row in NEXT_CALL])
def test_checking_call_results_gives_the_verdict_of_checking_every_read(what, change, own_same, kept):
    context, globals_ = {"person": rec()}, {"gj": EntryHelpers("/craftsmen/")}
    reads, reached = _record_entry(context, globals_)
    used, rest = depgraph.own_checks(reads, _lookup(context, globals_), reached)
    depgraph.forget_objects()  # the next build
    context2 = {"person": change.get("person", rec())}
    globals2 = {"gj": change.get("gj", EntryHelpers("/craftsmen/"))}
    lookup = _lookup(context2, globals2)
    evaluator = depgraph.Evaluator(getattr, lambda o, k: o[k], lambda name: "t1")
    assert depgraph.unchanged(reads, evaluator, lookup) is kept
    same = depgraph.own_unchanged(used, lookup, lambda path: evaluator.resolve(path, lookup))
    assert same is own_same
    if own_same:
        assert depgraph.unchanged(rest, evaluator, lookup) is kept
    # a call result cannot be checked without a way to make the call again
    assert depgraph.own_unchanged(used, lookup) is False


# ---- pure helpers: a call covered by the content of its arguments


class NameHelpers(Helpers):
    @depgraph.pure
    def name(self, rec) -> str:
        return rec.name

    def shouted(self, rec) -> str:  # not marked: checked one by one
        return rec.name + "！"


class OtherNameHelpers(NameHelpers):
    @depgraph.pure
    def name(self, rec) -> str:  # the same method name, another language
        return rec.name + "（英）"


def _record_names(context: dict, globals_: dict, method_name="name") -> list:
    """A list page: ``gj.<method_name>(lv.items[i])`` for each of its people."""
    r = depgraph.Recorder(context, globals_, lambda name: "t1")
    lv, gj = context["lv"], globals_["gj"]
    r.ctx("lv", lv)
    r.attr(lv, "items", lv.items)
    r.ctx("gj", gj)
    method = getattr(gj, method_name)
    r.attr(gj, method_name, method)
    for i, person in enumerate(lv.items):
        r.item(lv.items, i, person)
        r.call(method, (person,), {}, method(person))
    return r.result(), r.reached


def _people(*names):
    return rec(name="名单", items=tuple(rec(name=n) for n in names))


def test_calls_of_a_pure_helper_are_covered_by_their_arguments():
    context, globals_ = {"lv": _people("甲", "乙", "丙")}, {"gj": NameHelpers("/")}
    reads, reached = _record_names(context, globals_)
    used, rest = depgraph.own_checks(reads, _lookup(context, globals_), reached)
    assert [key for key, _ in used] == ["lv", ("pure", (("ctx", "gj"), ("a", "name")))]
    assert [read for read, _ in rest] == [("ctx", "gj"), ("a", (("ctx", "gj"),), "name")]
    # a helper that is not marked is checked call by call
    reads, reached = _record_names(context, globals_, "shouted")
    used, rest = depgraph.own_checks(reads, _lookup(context, globals_), reached)
    assert [key for key, _ in used] == ["lv"] and sum(read[0] == "c" for read, _ in rest) == 3


NEXT_PURE = [
    ("nothing", {}, True, True),
    ("a person's name", {"lv": _people("甲", "丁", "丙")}, False, False),
    ("the pure method of another class", {"gj": OtherNameHelpers("/")}, False, False),
    ("a helper without the method", {"gj": Helpers("/")}, False, False),
]


@pytest.mark.parametrize("what,change,own_same,kept", NEXT_PURE, ids=[row[0] for row in NEXT_PURE])
def test_checking_pure_calls_gives_the_verdict_of_checking_every_read(what, change, own_same, kept):
    context, globals_ = {"lv": _people("甲", "乙", "丙")}, {"gj": NameHelpers("/")}
    reads, reached = _record_names(context, globals_)
    used, rest = depgraph.own_checks(reads, _lookup(context, globals_), reached)
    depgraph.forget_objects()  # the next build
    lookup = _lookup({"lv": change.get("lv", _people("甲", "乙", "丙"))}, {"gj": change.get("gj", NameHelpers("/"))})
    evaluator = depgraph.Evaluator(getattr, lambda o, k: o[k], lambda name: "t1")
    assert depgraph.unchanged(reads, evaluator, lookup) is kept
    assert depgraph.own_unchanged(used, lookup, lambda path: evaluator.resolve(path, lookup)) is own_same
    if own_same:
        assert depgraph.unchanged(rest, evaluator, lookup) is kept


class UrlHelpers(Helpers):
    @depgraph.pure(state=lambda self: self.prefix)
    def name(self, rec) -> str:
        return self.prefix + rec.name


def test_a_pure_helper_with_a_state_is_covered_while_that_state_is_the_same():
    context = {"lv": _people("甲", "乙")}
    reads, reached = _record_names(context, {"gj": UrlHelpers("/craftsmen/")})
    used, rest = depgraph.own_checks(reads, _lookup(context, {"gj": UrlHelpers("/craftsmen/")}), reached)
    assert ("pure", (("ctx", "gj"), ("a", "name"))) in [key for key, _ in used]
    for prefix, same in (("/craftsmen/", True), ("/people/", False)):
        depgraph.forget_objects()
        lookup = _lookup({"lv": _people("甲", "乙")}, {"gj": UrlHelpers(prefix)})
        evaluator = depgraph.Evaluator(getattr, lambda o, k: o[k], lambda name: "t1")
        assert depgraph.own_unchanged(used, lookup, lambda path: evaluator.resolve(path, lookup)) is same
        assert depgraph.unchanged(reads, evaluator, lookup) is same
