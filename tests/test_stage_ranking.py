"""Ranking with a tie-break chain, decisions and cut-offs (stages/ranking.py)."""

import datetime as dt

from gongjiang_pipeline.models import Decision
from gongjiang_pipeline.stages.ranking import Key, rank, select

TOTAL = Key("加权总分", {"a": 90, "b": 85, "c": 85, "d": 85, "e": 70})


def test_chain_orders_ties_and_skips_keys_with_missing_values():
    minutes = Key("指标 minutes", {"b": 30, "c": 25, "d": 30}, descending=False)
    partial = Key("指标 x", {"b": 1})  # d lacks it: skipped for the b/d group
    practice = Key("实操得分", {"b": 80, "c": 70, "d": 81})
    r = rank("abcde", TOTAL, [minutes, partial, practice])
    assert [t.ids for t in r.tiers] == [("a",), ("c",), ("d",), ("b",), ("e",)]
    assert [t.rank for t in r.tiers] == [1, 2, 3, 4, 5]
    assert "指标 minutes" in r.settled["c"] and "实操得分" in r.settled["d"]


def test_unsettled_tie_shares_rank_and_blocks_a_cut_through_it():
    r = rank("abcde", TOTAL)
    assert [(t.ids, t.rank) for t in r.tiers] == [(("a",), 1), (("b", "c", "d"), 2), (("e",), 5)]
    assert select(r, 1) == (("a",), None)
    assert select(r, 4) == (("a", "b", "c", "d"), None)  # the whole tie fits
    chosen, tie = select(r, 2)
    assert chosen == ("a",) and tie.ids == ("b", "c", "d")


def test_decision_must_cover_every_tied_candidate():
    d = Decision.model_validate({"stage": "行业比选", "scope": "all", "order": ["d", "b"], "basis": "会议记录", "date": dt.date(2099, 3, 1)})
    assert [t.ids for t in rank("abcde", TOTAL, decisions=[d]).tiers][1] == ("b", "c", "d")
    d2 = Decision.model_validate({"stage": "行业比选", "scope": "all", "order": ["d", "c", "b"], "basis": "会议记录", "date": dt.date(2099, 3, 1)})
    assert [t.ids for t in rank("abcde", TOTAL, decisions=[d2]).tiers] == [("a",), ("d",), ("c",), ("b",), ("e",)]
