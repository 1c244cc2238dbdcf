"""The strict YAML reader's values, positions and problems, on small documents.

The bad corpus (test_bad_corpus.py) covers what editors get wrong; these pin the
parser's own bookkeeping: where every value and key stands, plain scalars kept as
source text, repeated keys, keys that are not text, the node limit.
"""

from __future__ import annotations

import pytest

from gongjiang_pipeline import yamlload
from gongjiang_pipeline.yamlload import PlainScalar, YamlError, load_file


def problems(raw: bytes) -> list[str]:
    with pytest.raises(YamlError) as exc:
        load_file("f.yaml", raw)
    return [p.format() for p in exc.value.problems]


def test_values_and_positions_of_nested_lists_and_mappings():
    doc = load_file("f.yaml", b"a:\n  - b: 1\n    c:\n      - [x, {d: ''}]\n")
    assert doc.value == {"a": [{"b": "1", "c": [["x", {"d": ""}]]}]}
    b = doc.value["a"][0]["b"]
    assert type(b) is PlainScalar and b.resolved() == 1
    assert type(doc.value["a"][0]["c"][0][1]["d"]) is str  # quoted: not a plain scalar
    assert doc.values_at == {
        (): (1, 1), ("a",): (2, 3), ("a", 0): (2, 5), ("a", 0, "b"): (2, 8), ("a", 0, "c"): (4, 7),
        ("a", 0, "c", 0): (4, 9), ("a", 0, "c", 0, 0): (4, 10), ("a", 0, "c", 0, 1): (4, 13),
        ("a", 0, "c", 0, 1, "d"): (4, 17),
    }
    assert doc.keys_at == {("a",): (1, 1), ("a", 0, "b"): (2, 5), ("a", 0, "c"): (3, 5), ("a", 0, "c", 0, 1, "d"): (4, 14)}


def test_null_values_stay_none_and_a_plain_root():
    doc = load_file("f.yaml", b"a: ~\nb:\nc: null\nd: 'null'\n")
    assert doc.value == {"a": None, "b": None, "c": None, "d": "null"}
    assert load_file("f.yaml", b"0123\n").value == PlainScalar("0123")


def test_every_repeated_key_is_reported_where_it_repeats():
    assert problems(b"a: 1\na: 2\na: 3\nb:\n  c: 1\n  c: [1, 2]\n") == [
        "f.yaml:2:1: a: 重复的键「a」（同一层级只能出现一次）",
        "f.yaml:3:1: a: 重复的键「a」（同一层级只能出现一次）",
        "f.yaml:6:3: b.c: 重复的键「c」（同一层级只能出现一次）",
    ]


def test_keys_must_be_text():
    assert problems(b"~: 1\nb: 2\n") == ["f.yaml:1:1: 键必须是简单文字"]
    assert problems(b"? {x: 1}\n: v\n")[-1] == "f.yaml:1:3: 键必须是简单文字"
    assert problems(b"a:\n  ? [1, 2]\n  : v\n")[-1] == "f.yaml:2:5: 键必须是简单文字"


def test_node_limit(monkeypatch):
    monkeypatch.setattr(yamlload, "MAX_NODES", 5)
    assert problems(b"a: [1, 2, 3]\n") == ["f.yaml:1:5: 内容过多（超过 5 个节点）"]
    monkeypatch.setattr(yamlload, "MAX_NODES", 12)  # (every event counts)
    assert load_file("f.yaml", b"a: [1, 2, 3]\n").values_at[("a", 2)] == (1, 11)
