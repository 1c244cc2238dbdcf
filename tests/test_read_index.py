"""The read index of the page cache (depgraph.ReadIndex) and the page keys the graph keeps.

Pure unit tests (no site build): a read is evaluated once per build for the same root
objects and again for other ones, it gives what the evaluator gives, and a kept page's
key is the recorded one only for the very same reads and base key.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongjiang_pipeline import depgraph


@dataclass(frozen=True)
class Rec:
    name: str
    items: tuple


class Helpers:
    def __init__(self, prefix: str):
        self.prefix = prefix
        self.calls = 0

    def url(self, rec: Rec) -> str:
        self.calls += 1
        return self.prefix + rec.name


def _record(context: dict, globals_: dict) -> list:
    rec = depgraph.Recorder(context, globals_, lambda name: "t1")
    rec.template("page.html")
    rec.ctx("person", context["person"])
    rec.attr(context["person"], "name", context["person"].name)
    gj = globals_["gj"]
    rec.ctx("gj", gj)
    rec.attr(gj, "prefix", gj.prefix)
    rec.attr(gj, "url", gj.url)
    rec.call(gj.url, (context["person"],), {}, gj.url(context["person"]))
    rec.absent_name("alt_url")
    return rec.result()


class CountingEvaluator(depgraph.Evaluator):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.evaluated: list[tuple] = []

    def digest(self, read, lookup):
        self.evaluated.append(read)
        return super().digest(read, lookup)


def _lookup(context: dict, globals_: dict):
    return lambda name: context[name] if name in context else globals_[name]


def test_roots_are_the_names_every_path_of_a_read_starts_from():
    assert depgraph.roots(("t", "base.html")) == ()
    assert depgraph.roots(("ctx", "person")) == ("person",)
    assert depgraph.roots(("?", "alt_url")) == ("alt_url",)
    call = ("c", (("ctx", "gj"), ("a", "url")), (("r", (("ctx", "person"), ("a", "master"))),), ())
    assert depgraph.roots(call) == ("gj", "person")
    same = ("=", (("ctx", "ev"), ("a", "people"), ("#", 0)), (("ctx", "gj"), ("c", (("v", "x"),), ())))
    assert depgraph.roots(same) == ("ev", "gj")
    keyed = ("i", (("ctx", "counts"),), ("r", (("ctx", "lv"),)))
    assert depgraph.roots(keyed) == ("counts", "lv")


def test_a_read_is_evaluated_once_for_the_same_root_objects_and_again_for_others():
    gj = Helpers("/craftsmen/")
    globals_ = {"gj": gj}
    a, b = Rec("甲", ()), Rec("乙", ())
    page_a = _record({"person": a}, globals_)
    page_b = _record({"person": b}, globals_)
    ev = CountingEvaluator(getattr, lambda o, k: o[k], lambda name: "t1")
    index = depgraph.ReadIndex(ev)
    # each page is kept (every read gives its digest again); the second page evaluates only
    # the reads that start from its own person, and the ``?`` read (always evaluated)
    assert index.unchanged(page_a, _lookup({"person": a}, globals_))
    first = list(ev.evaluated)
    assert len(first) == len(page_a)
    ev.evaluated.clear()
    assert index.unchanged(page_b, _lookup({"person": b}, globals_))
    again = {r[0] for r in ev.evaluated}
    assert ("t", "page.html") not in ev.evaluated and ("ctx", "gj") not in ev.evaluated
    assert ("a", (("ctx", "gj"),), "prefix") not in ev.evaluated
    assert ("ctx", "person") in ev.evaluated and again <= {"ctx", "a", "c", "?"}
    # the same page again: nothing but ``?`` is evaluated
    ev.evaluated.clear()
    assert index.unchanged(page_a, _lookup({"person": a}, globals_))
    assert [r[0] for r in ev.evaluated] == ["?"]


def test_the_index_gives_what_the_evaluator_gives():
    gj = Helpers("/craftsmen/")
    globals_ = {"gj": gj}
    a = Rec("甲", ())
    page = _record({"person": a}, globals_)
    index = depgraph.ReadIndex(depgraph.Evaluator(getattr, lambda o, k: o[k], lambda name: "t1"))
    assert index.unchanged(page, _lookup({"person": a}, globals_))
    # a changed person (another object, other content): its reads are evaluated and differ
    assert not index.unchanged(page, _lookup({"person": Rec("丙", ())}, globals_))
    # a person with the same content as another object: evaluated, unchanged
    assert index.unchanged(page, _lookup({"person": Rec("甲", ())}, globals_))
    # the helpers changed (another build): a fresh index, as every build makes
    other = {"gj": Helpers("/people/")}
    index = depgraph.ReadIndex(depgraph.Evaluator(getattr, lambda o, k: o[k], lambda name: "t1"))
    assert not index.unchanged(page, _lookup({"person": a}, other))
    # a name that appeared (``alt_url is defined``) makes the page change
    index = depgraph.ReadIndex(depgraph.Evaluator(getattr, lambda o, k: o[k], lambda name: "t1"))
    assert not index.unchanged(page, _lookup({"person": a, "alt_url": "/en/"}, globals_))
    # a template that changed
    index = depgraph.ReadIndex(depgraph.Evaluator(getattr, lambda o, k: o[k], lambda name: "t2"))
    assert not index.unchanged(page, _lookup({"person": a}, globals_))
    # for every combination, the same answer as evaluating every read
    for ctx, glb, tmpl in [({"person": a}, globals_, "t1"), ({"person": Rec("丙", ())}, globals_, "t1"),
                           ({"person": a}, other, "t1"), ({"person": a}, globals_, "t2")]:
        plain = depgraph.unchanged(page, depgraph.Evaluator(getattr, lambda o, k: o[k], lambda n: tmpl),
                                   _lookup(ctx, glb))
        indexed = depgraph.ReadIndex(depgraph.Evaluator(getattr, lambda o, k: o[k], lambda n: tmpl))
        assert indexed.unchanged(page, _lookup(ctx, glb)) == plain


def test_a_name_no_longer_there_makes_the_page_change():
    gj = Helpers("/craftsmen/")
    page = _record({"person": Rec("甲", ())}, {"gj": gj})
    index = depgraph.ReadIndex(depgraph.Evaluator(getattr, lambda o, k: o[k], lambda name: "t1"))
    assert not index.unchanged(page, _lookup({}, {"gj": gj}))


def test_a_kept_page_has_its_recorded_key_only_for_the_same_reads_and_base(tmp_path):
    reads = [(("ctx", "x"), b"12345678")]
    graph = depgraph.Graph({"a.html": reads}, {"a.html": "k1"}, "base1")
    assert graph.key("a.html", reads, "base1") == "k1"
    assert graph.key("a.html", reads, "base2") is None  # another base key: computed again
    assert graph.key("a.html", list(reads), "base1") is None  # other reads: computed again
    assert graph.key("b.html", reads, "base1") is None
    out = tmp_path / "out"
    out.mkdir()
    graph.save(tmp_path / "cache", out, "v1")
    loaded = depgraph.Graph.load(tmp_path / "cache", out, "v1")
    assert loaded.keys == {"a.html": "k1"} and loaded.base == "base1"
    assert loaded.key("a.html", loaded.pages["a.html"], "base1") == "k1"
    assert depgraph.Graph.load(tmp_path / "cache", out, "v2").pages == {}


def test_a_path_is_resolved_once_per_page_and_again_for_the_next_page():
    steps = []

    def getattr_(obj, name):
        steps.append((getattr(obj, "name", type(obj).__name__), name))
        return getattr(obj, name)

    ev = depgraph.Evaluator(getattr_, lambda o, k: o[k], lambda name: "t1")
    a, b = Rec("甲", ("焊工",)), Rec("乙", ("钳工",))
    path = (("ctx", "person"), ("a", "items"), ("#", 0))
    page_a, page_b = _lookup({"person": a}, {}), _lookup({"person": b}, {})
    assert ev.resolve(path, page_a) == "焊工"
    assert ev.digest(("a", path[:2], "count"), page_a) is not None  # shares the path's first steps
    assert steps == [("甲", "items"), ("tuple", "count")]
    # another page with another person: its own objects, never the first page's
    assert ev.resolve(path, page_b) == "钳工"
    assert ev.resolve(path, page_a) == "焊工"


def test_the_single_root_shortcut_agrees_with_roots():
    reads = [
        ("ctx", "person"),
        ("a", (("ctx", "person"), ("a", "ref")), "name"),
        ("s", (("ctx", "category"),)),
        ("i", (("ctx", "counts"),), "焊工"),
        ("i", (("ctx", "counts"),), ("r", (("ctx", "lv"),))),
        ("c", (("ctx", "gj"), ("a", "url")), (("r", (("ctx", "person"),)),), ()),
        ("a", (("ctx", "gj"), ("c", (("r", (("ctx", "person"),)),), ())), "url"),
        ("t", "base.html"),
        ("=", (("ctx", "ev"), ("a", "people"), ("#", 0)), (("ctx", "gj"),)),
    ]
    for read in reads:
        one = depgraph._single_root(read)
        if one is not None:
            assert (one,) == depgraph.roots(read), read
    assert depgraph._single_root(reads[1]) == "person"
    assert depgraph._single_root(reads[4]) is None and depgraph._single_root(reads[5]) is None


class Links:
    def __init__(self):
        self.calls = 0

    def card(self, rec: Rec) -> Rec:
        self.calls += 1
        return Rec("/cards/" + rec.name, ())


def test_a_read_through_a_call_depends_on_its_arguments_roots_too():
    # gj.card(person).name: the path starts at gj, the call brings in the page's person;
    # a page with another person must not be answered with the first page's digest
    links = Links()
    path = (("ctx", "gj"), ("a", "card"), ("c", (("r", (("ctx", "person"),)),), ()))
    read = ("a", path, "name")
    assert depgraph.roots(read) == ("gj", "person")
    ev = CountingEvaluator(getattr, lambda o, k: o[k], lambda name: "t1")
    index = depgraph.ReadIndex(ev)
    page_a = _lookup({"person": Rec("甲", ())}, {"gj": links})
    page_b = _lookup({"person": Rec("乙", ())}, {"gj": links})
    da, db = index.digest(read, page_a), index.digest(read, page_b)
    assert da == depgraph.value_digest("/cards/甲") and db == depgraph.value_digest("/cards/乙")
    assert links.calls == 2


def test_interned_reads_share_one_tuple_per_distinct_pair():
    table: dict = {}
    gj = Helpers("/craftsmen/")
    page_a = _record({"person": Rec("甲", ())}, {"gj": gj})
    page_b = _record({"person": Rec("乙", ())}, {"gj": gj})
    a, b = depgraph.interned(page_a, table), depgraph.interned(page_b, table)
    assert a == page_a and b == page_b  # the same reads and digests, in the same order
    shared = [(x, y) for x, y in zip(a, b) if x == y]
    assert shared and all(x is y for x, y in shared)  # equal pairs are one object
    assert any(x != y for x, y in zip(a, b))  # (the person's own reads differ)
