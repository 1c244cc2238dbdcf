"""gcpause.paused_gc (used by the engine and loading): no cyclic collection inside, the
collector's state restored after; engine.run restores it even on bad data."""

from __future__ import annotations

import gc

import pytest

from gongjiang_pipeline import engine
from gongjiang_pipeline.gcpause import paused_gc


@pytest.fixture
def collector_state():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_collector_off_inside_and_back_on_after(collector_state):
    gc.enable()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collector_back_on_when_the_block_raises(collector_state):
    gc.enable()
    with pytest.raises(RuntimeError, match="boom"):
        with paused_gc():
            raise RuntimeError("boom")
    assert gc.isenabled()


def test_collector_left_off_when_it_was_off(collector_state):
    gc.disable()
    with paused_gc():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_run_restores_the_collector_even_on_bad_data(collector_state, monkeypatch):
    import builders as b

    gc.enable()
    seen = []

    def failing(data):
        seen.append(gc.isenabled())
        raise ValueError("bad data")

    monkeypatch.setattr(engine.recommendation, "run", failing)
    with pytest.raises(ValueError, match="bad data"):
        engine.run(b.pipeline({"c1": {"practice": [80, 81, 82]}}))
    assert seen == [False] and gc.isenabled()
    monkeypatch.undo()
    result = engine.run(b.pipeline({"c1": {"practice": [80, 81, 82]}}))
    assert result.traces["c1"] and gc.isenabled()
