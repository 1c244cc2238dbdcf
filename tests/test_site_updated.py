"""A daily rebuild rewrites nothing while nothing changed (so a deploy uploads nothing).

The footer shows the last day anything public changed (a timeline date or an
erratum), not the build date.
"""

import datetime as dt
from pathlib import Path

from gongjiang_pipeline.sitebuild import build_site

ROOT = Path(__file__).resolve().parent.parent


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_consecutive_days_without_change_give_identical_sites(tmp_path):
    # 2026 edition: voting runs 2026-11-21..2026-12-10; nothing is dated 11-28 or 11-29
    build_site(ROOT, tmp_path / "a", dt.date(2026, 11, 28))
    build_site(ROOT, tmp_path / "b", dt.date(2026, 11, 29))
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert a == b
    assert "名单信息更新至 2026年11月21日。" in a["index.html"].decode("utf-8")


def test_footer_moves_on_the_next_timeline_date(tmp_path):
    build_site(ROOT, tmp_path / "c", dt.date(2026, 12, 10))
    page = (tmp_path / "c" / "index.html").read_text("utf-8")
    assert "名单信息更新至 2026年12月10日。" in page
