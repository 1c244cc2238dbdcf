"""The notice list records how the notice ended, once the honor roll is public.

Sample 2016 (docs/sample-data.md): two objections, one upheld (2016-079, 陈伟德,
withdrawn), one rejected; honor roll published 2018-04-09.
"""

import datetime as dt
from pathlib import Path

from gongjiang_pipeline.sitebuild import build_site

ROOT = Path(__file__).resolve().parent.parent
NOTICE = "editions/2016/notice/index.html"


def test_outcome_shown_after_the_honor_roll_without_private_summaries(tmp_path):
    build_site(ROOT, tmp_path / "out", dt.date(2018, 4, 9))
    page = (tmp_path / "out" / NOTICE).read_text("utf-8")
    assert "<h2>公示结果</h2>" in page
    assert "公示期内共收到异议 2 件，经核实成立 1 件、不成立 1 件。" in page
    assert "陈伟德：经核实，申报材料中一项专利成果不属实，撤销其“北京大工匠提名奖”建议资格。" in page
    # the objections' summaries and the rejected objection's target are not published here
    assert "实名来信反映" not in page and "实名来电反映" not in page
    assert "反映情况不属实" not in page


def test_no_outcome_before_the_honor_roll(tmp_path):
    build_site(ROOT, tmp_path / "out", dt.date(2018, 4, 8))
    page = (tmp_path / "out" / NOTICE).read_text("utf-8")
    assert "公示结果" not in page and "收到异议" not in page
