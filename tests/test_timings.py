"""``build --timings``: phases are recorded only inside a recording, nest, and are reported in Chinese."""

from __future__ import annotations

import json

import pytest

from gongjiang_pipeline import timings
from gongjiang_pipeline.timings import Timings, phase, recording


def test_phase_outside_a_recording_records_nothing():
    with phase("load"):
        pass
    with recording() as t:
        pass
    assert t.seconds == {} and t.calls == {}


def test_phases_accumulate_and_nest(monkeypatch):
    with recording() as t:
        # load in/out, generate in, keys in/out (twice), generate out, then the recording stops
        clock = iter([0.0, 1.0, 3.0, 3.5, 4.0, 4.25, 4.5, 6.0, 10.0])
        monkeypatch.setattr(timings.time, "perf_counter", lambda: next(clock))
        with phase("load"):
            pass
        with phase("generate"):
            with phase("keys"):
                pass
            with phase("keys"):
                pass
    assert t.seconds == {"load": 1.0, "generate": 3.0, "keys": 0.75}
    assert t.calls == {"load": 1, "generate": 1, "keys": 2}


def test_report_and_json_name_every_phase_in_build_order():
    t = Timings(seconds={"render": 2.0, "load": 4.0, "keys": 1.0, "generate": 2.0}, started=0.0, total=10.0)
    assert t.other() == pytest.approx(2.0)  # keys is inside generate: not counted twice
    assert t.report().splitlines() == [
        "各阶段用时（墙钟，共 10.00 秒）：",
        "     4.00 秒  40.0%  读取并校验数据",
        "     2.00 秒  20.0%  生成页面清单并写入图片文件",
        "     1.00 秒  10.0%  计算页面键（判断哪些页面可沿用）（大部分含在「生成页面清单并写入图片文件」中，不另计）",
        "     2.00 秒  20.0%  渲染页面",
        "     2.00 秒          其他（启动与导入，Pelican 读取故事和政策页面等）",
    ]
    assert t.as_dict() == {"total": 10.0, "phases": {"load": 4.0, "generate": 2.0, "keys": 1.0, "render": 2.0},
                           "other": 2.0}


def test_a_phase_that_raises_is_still_counted():
    with recording() as t:
        with pytest.raises(ValueError):
            with phase("engine"):
                raise ValueError
    assert t.calls == {"engine": 1}


def test_recordings_do_not_leak_into_each_other():
    with recording() as outer:
        with recording() as inner:
            with phase("load"):
                pass
        with phase("render"):
            pass
    assert set(inner.seconds) == {"load"} and set(outer.seconds) == {"render"}
    with phase("search"):
        pass
    assert "search" not in outer.seconds
