"""publication.publish: visibility, public people, stage descriptions."""

import datetime as dt

from scratch import EDITION

from gongjiang_pipeline.models import Edition
from gongjiang_pipeline.outcome import LIST_TITLES, EditionResult, StageList
from gongjiang_pipeline.publication import is_visible, publish
from gongjiang_pipeline.yamlload import parse

D = dt.date.fromisoformat


def edition() -> Edition:
    return Edition.model_validate(parse("2099.yaml", EDITION).value)


def sl(key, entries, day, status="final"):
    return StageList(key, LIST_TITLES[key], status, tuple(entries), D(day) if day else None)


def result(**lists):
    return EditionResult("2099", lists, traces={})


def test_is_visible():
    assert is_visible(sl("nominees", [], "2099-04-01"), D("2099-04-01"))
    assert not is_visible(sl("nominees", [], "2099-04-01"), D("2099-03-31"))
    assert not is_visible(sl("nominees", [], None), D("2100-01-01"))
    assert not is_visible(sl("nominees", [], "2099-04-01", status="pending"), D("2100-01-01"))
    assert not is_visible(sl("nominees", [], "2099-04-01", status="needs_decision"), D("2100-01-01"))


def test_public_people_and_stage():
    ed = edition()
    res = result(
        nominees=sl("nominees", ["a", "b", "c"], "2099-04-01"),
        notice=sl("notice", ["a", "b"], "2099-06-01"),
        craftsmen=sl("craftsmen", ["a"], "2099-06-20", status="pending"),
    )
    before = publish(ed, res, D("2099-03-01"))
    assert before.public_ids == frozenset() and before.lists == ()
    assert "推荐" in before.stage
    mid = publish(ed, res, D("2099-06-03"))
    assert [x.key for x in mid.lists] == ["nominees", "notice"]
    assert mid.public_ids == {"a", "b", "c"}
    assert mid.public_since["a"] == D("2099-04-01")
    assert mid.stage.startswith("社会公示进行中")
    assert mid.next_step == "2099年6月15日：审定命名"
    late = publish(ed, res, D("2099-12-31"))
    assert late.visible("craftsmen") is None  # pending never shows
    assert "名单待公布" in late.stage
    assert late.next_step is None
