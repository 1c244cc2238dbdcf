"""The shortcuts of recording (depgraph.Recorder, the writer's page keys) give exactly
what the general code gives: the same digests, the same paths, the same keys."""

from __future__ import annotations

import datetime as dt
import pickle
import sys
from pathlib import Path

from gongjiang_pipeline import depgraph

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

from gongjiang_site.writer import page_key  # noqa: E402


class Record:
    def __init__(self, name: str) -> None:
        self.name = name

    def label(self) -> str:
        return self.name


def _recorder(root: dict) -> depgraph.Recorder:
    return depgraph.Recorder(root, {}, lambda name: "t")


def test_plain_digests_are_value_digests():
    depgraph.forget_objects()
    for value in ("北京", "", 0, 1, True, False, None, 10**30):
        assert depgraph._plain_digest(value) == depgraph.value_digest(value)
    assert depgraph._plain_digest(1) != depgraph._plain_digest(True)  # (equal keys, other types)
    assert depgraph._plain_digest(0) != depgraph._plain_digest(False)


def test_an_object_read_is_recorded_as_the_general_walk_records_it():
    people = [Record("甲"), Record("乙")]
    root = {"people": people, "first": people[0]}
    r = _recorder(root)
    r.ctx("people", people)  # a list of objects: walked
    r.ctx("first", people[0])  # an object reached before: recorded as the same one
    method = people[1].label
    r.attr(people[1], "label", method)  # a bound method: an object, by the shortcut
    r.call(method, (), {}, "乙")
    found: list = []
    assert r.reads[("ctx", "first")] == depgraph.value_digest(people[0], (("ctx", "first"),), found)
    assert found == [(people[0], (("ctx", "first"),))]
    assert r.reads[("=", (("ctx", "first"),), (("ctx", "people"), ("#", 0)))] == "same"
    method_path = (("ctx", "people"), ("#", 1), ("a", "label"))
    assert r.path_of(method) == method_path
    assert r.reads[("a", (("ctx", "people"), ("#", 1)), "label")] == depgraph.value_digest(method)
    assert r.reads[("c", method_path, (), ())] == depgraph.value_digest("乙")
    assert r.result() is not None


def test_kinds_follow_the_general_rules():
    depgraph.forget_objects()
    settings = {"SITENAME": "北京大工匠"}
    depgraph.as_object(settings)
    try:
        for value in (dt.date(2026, 1, 1), [1, "a"], ("x",), {"k": [1]}, frozenset({1, 2}), Record("丙"), settings):
            h1 = depgraph.value_digest(value)
            depgraph._KINDS.clear()
            assert depgraph.value_digest(value) == h1
        # a container treated as an object: its placeholder, not its content
        assert depgraph.value_digest(settings) == depgraph._object_digest(dict)
        assert depgraph.value_digest(dict(settings)) != depgraph.value_digest(settings)
    finally:
        depgraph.forget_objects()


def test_page_keys_do_not_depend_on_how_values_are_shared():
    shared = ("ctx", "person")
    reads = [((shared, "a"), b"12345678"), ((shared, "b"), b"12345678"), (("t", "base.html"), "ff")]
    copied = [((("ctx", "person"), "a"), b"12345678"), ((("ctx", "per" + "son"), "b"), b"1234" + b"5678"),
              (("t", "base.html"), "ff")]
    key = page_key("base", "index.html", reads)
    assert key == page_key("base", "index.html", copied)
    assert key == page_key("base", "index.html", pickle.loads(pickle.dumps(reads)))
    assert key != page_key("base", "other.html", reads)
    assert key != page_key("other", "index.html", reads)
    assert key != page_key("base", "index.html", reads[:2])
    assert key != page_key("base", "index.html", [(("t", "base.html"), "fe")] + reads[:2])
