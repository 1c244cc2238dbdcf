"""北京大工匠讲堂: lecture records, their exact error messages, the embargo, the pages and the
iCalendar feeds (parsed with two independent parsers: icalendar and ical)."""

import datetime as dt
from pathlib import Path

import pytest
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from gongjiang_pipeline import lectures
from gongjiang_pipeline.loading import load_project
from test_bad_corpus import run_check

ROOT = Path(__file__).resolve().parent.parent
L = "data/lectures/2099-a.yaml"
AS_OF = dt.date(2030, 1, 1)

GOOD = """\
id: 2099-a
title: 焊接基本功
speaker: 2099-001
start: 2099-09-01 14:00
end: 2099-09-01 16:00
venue: 职工之家
registration: https://example.org/r
announced: 2099-08-01
"""


def lecture(old="", new="", text=GOOD):
    assert old in text
    return text.replace(old, new, 1)


def test_a_valid_lecture_passes(scratch):
    scratch.write(L, GOOD)
    rc, out, err = run_check(scratch.root)
    assert (rc, err) == (0, "")


CASES = [
    ("unknown-speaker", lecture("speaker: 2099-001", "speaker: 2099-010"),
     [f"{L}:4:10: speaker: 未知的工匠编号「2099-010」，是否想写「2099-001」？"]),
    ("end-before-start", lecture("end: 2099-09-01 16:00", "end: 2099-09-01 13:00"),
     [f"{L}:6:6: end: 结束时间必须晚于开始时间"]),
    ("bad-timezone", lecture("venue:", "timezone: Asia/Beijing\nvenue:"),
     [f"{L}:7:11: timezone: 未知的时区「Asia/Beijing」，应为 IANA 时区名称，例如 Asia/Shanghai"]),
    ("time-format", lecture("start: 2099-09-01 14:00", "start: 2099-09-01T14:00"),
     [f"{L}:5:8: start: 时间格式应为 YYYY-MM-DD HH:MM，例如 2030-03-15 14:00"]),
    ("impossible-time", lecture("start: 2099-09-01 14:00", "start: 2099-09-01 25:00"),
     [f"{L}:5:8: start: 时间不存在：2099-09-01 25:00"]),
    ("speaker-and-guest", lecture("venue:", "guest: 王某\nvenue:"),
     [f"{L}:3:1: title: speaker（工匠编号）和 guest（嘉宾）必须填写一项，且只能填一项"]),
    ("no-speaker", lecture("speaker: 2099-001\n", ""),
     [f"{L}:3:1: title: speaker（工匠编号）和 guest（嘉宾）必须填写一项，且只能填一项"]),
    ("how-to-attend", lecture("registration: https://example.org/r\n", ""),
     [f"{L}:7:1: venue: 须填写 registration（报名网址）或 online（线上观看网址）说明如何参加"]),
    ("bad-url", lecture("registration: https://example.org/r", "registration: www.example.org/r"),
     [f"{L}:8:15: registration: 网址应以 https:// 或 http:// 开头"]),
    ("bad-status", lecture("announced:", "status: postponed\nannounced:"),
     [f"{L}:9:9: status: 取值「postponed」无效，应为以下之一：scheduled、cancelled、moved"]),
    ("cancelled-without-note", lecture("announced: 2099-08-01", "announced: 2099-08-01\nstatus: cancelled\n"
                                       "changes:\n  - date: 2099-08-10\n    note: 取消"),
     [f"{L}:10:9: status: 讲座取消时必须填写 note（说明）"]),
    ("moved-without-change", lecture("announced: 2099-08-01", "announced: 2099-08-01\nstatus: moved\nnote: 改期"),
     [f"{L}:10:9: status: 取消或改期的讲座须在 changes 中记录修改（日历据此通知订阅者）"]),
    ("change-before-announcement", lecture("announced: 2099-08-01", "announced: 2099-08-01\n"
                                           "changes:\n  - date: 2099-07-10\n    note: 换地点"),
     [f"{L}:11:11: changes[1].date: 修改日期 2099-07-10 早于公布日期或上一条修改（2099-08-01）"]),
    ("missing-photo", lecture("announced: 2099-08-01", "announced: 2099-08-01\nphotos:\n  - photos/lectures/x.jpg"),
     [f"{L}:11:5: photos[1]: 找不到照片文件 data/photos/lectures/x.jpg"]),
    ("id-filename", lecture("id: 2099-a", "id: 2099-b"),
     [f"{L}:2:5: id: 讲座编号「2099-b」与文件名「2099-a.yaml」不一致"]),
    ("missing-announced", lecture("announced: 2099-08-01\n", ""),
     [f"{L}:2:1: announced: 缺少必填字段"]),
]


@pytest.mark.parametrize("name,text,expected", CASES, ids=[c[0] for c in CASES])
def test_lecture_error(scratch, name, text, expected):
    scratch.write(L, text)
    rc, out, err = run_check(scratch.root)
    assert rc == 1, err
    assert err.splitlines() == expected + [f"数据检查未通过：1 个文件中共有 {len(expected)} 处错误。"]


def test_errors_in_several_lecture_files_are_all_reported(scratch):
    scratch.write(L, lecture("speaker: 2099-001", "speaker: 2099-010"))
    scratch.write("data/lectures/2099-b.yaml", lecture("id: 2099-a", "id: 2099-b", lecture("end: 2099-09-01 16:00", "end: 2099-09-01 14:00")))
    rc, out, err = run_check(scratch.root)
    assert rc == 1
    assert err.splitlines() == [
        f"{L}:4:10: speaker: 未知的工匠编号「2099-010」，是否想写「2099-001」？",
        "data/lectures/2099-b.yaml:6:6: end: 结束时间必须晚于开始时间",
        "数据检查未通过：2 个文件中共有 2 处错误。",
    ]


# --------------------------------------------------------------------------
# embargo and selection (the sample data)


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT, cache=False)


class _Public:
    """Stands in for SiteModel.person: these candidate ids are public."""

    def __init__(self, ids):
        self.ids = set(ids)

    def __call__(self, cid):
        return _Person(cid) if cid in self.ids else None


class _Person:
    def __init__(self, cid):
        self.id, self.name = cid, cid


def test_a_lecture_is_public_only_from_its_announcement_date(project):
    everyone = _Public(lec.speaker for lec in project.lectures if lec.speaker)
    ids = lambda day: [v.id for v in lectures.public_lectures(project.lectures, day, everyone)]  # noqa: E731
    weixiu = next(lec for lec in project.lectures if lec.id == "2030-weixiu")
    assert weixiu.announced == dt.date(2030, 2, 1)
    assert "2030-weixiu" not in ids(AS_OF)
    assert "2030-weixiu" not in ids(dt.date(2030, 1, 31))
    assert "2030-weixiu" in ids(dt.date(2030, 2, 1))
    # nothing announced after the build date, on any day
    for day in (dt.date(2026, 12, 1), dt.date(2029, 6, 1), AS_OF):
        assert all(v.lecture.announced <= day for v in lectures.public_lectures(project.lectures, day, everyone))


def test_a_lecture_by_a_speaker_not_yet_public_is_not_shown(project):
    public = lectures.public_lectures(project.lectures, AS_OF, _Public(["2016-048"]))
    assert {v.lecture.speaker for v in public} <= {"2016-048", None}
    assert "2029-celiang" in [v.id for v in public]
    assert "2030-jiabin" in [v.id for v in public]  # a guest needs no public page


def test_sample_has_upcoming_past_and_cancelled_lectures_of_both_editions(project):
    everyone = _Public(lec.speaker for lec in project.lectures if lec.speaker)
    public = lectures.public_lectures(project.lectures, AS_OF, everyone)
    assert len(public) >= 8
    assert sum(not v.is_past(AS_OF) for v in public) >= 3
    assert sum(v.is_past(AS_OF) for v in public) >= 3
    assert any(v.lecture.status == "cancelled" for v in public)
    assert any(v.lecture.status == "moved" for v in public)
    assert {v.lecture.speaker[:4] for v in public if v.lecture.speaker} == {"2016", "2026"}


# --------------------------------------------------------------------------
# the built site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from gongjiang_pipeline.sitebuild import build_site

    out = tmp_path_factory.mktemp("lectures") / "site"
    build_site(ROOT, out, AS_OF)
    return out


def _events(data: bytes) -> dict:
    cal = Calendar.from_ical(data)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_feed_parses_with_stable_uids_sequence_and_status(site):
    data = (site / "lectures/lectures.ics").read_bytes()
    events = _events(data)
    uid = "lecture-{}@gongjiang.example.org".format
    assert uid("2029-qiangong") in events and uid("2030-mugong") in events
    cancelled = events[uid("2029-qiangong")]
    assert str(cancelled["STATUS"]) == "CANCELLED"  # kept, not deleted
    assert int(cancelled["SEQUENCE"]) == 1
    moved = events[uid("2030-mugong")]
    assert (str(moved["STATUS"]), int(moved["SEQUENCE"])) == ("CONFIRMED", 1)
    assert moved.decoded("DTSTART") == dt.datetime(2030, 1, 18, 14, 0, tzinfo=moved.decoded("DTSTART").tzinfo)
    assert moved.decoded("DTSTART").utcoffset() == dt.timedelta(hours=8)
    plain = events[uid("2029-celiang")]
    assert (str(plain["STATUS"]), int(plain["SEQUENCE"])) == ("CONFIRMED", 0)
    assert str(plain["URL"]) == "https://gongjiang.example.org/lectures/2029-celiang/"
    # the DTSTAMP is the last recorded change (data), not the time of the build
    assert moved.decoded("DTSTAMP") == dt.datetime(2029, 12, 19, 16, 0, tzinfo=dt.timezone.utc)
    assert uid("2030-weixiu") not in events  # announced 2030-02-01: embargoed
    assert b"2030-weixiu" not in data


def test_feed_parses_with_a_second_parser(site):
    cal = IcsCalendarStream.calendar_from_ics((site / "lectures/lectures.ics").read_text("utf-8"))
    by_uid = {e.uid: e for e in cal.events}
    q = by_uid["lecture-2029-qiangong@gongjiang.example.org"]
    assert (q.status.value, q.sequence) == ("CANCELLED", 1)
    c = by_uid["lecture-2029-celiang@gongjiang.example.org"]
    assert c.sequence == 0 and c.start.utcoffset() == dt.timedelta(hours=8)
    assert len(by_uid) == len(_events((site / "lectures/lectures.ics").read_bytes()))


def test_per_craftsman_feed_holds_only_their_lectures(site):
    events = _events((site / "craftsmen/du-fuli/lectures.ics").read_bytes())
    assert list(events) == ["lecture-2029-qiangong@gongjiang.example.org"]
    page = (site / "craftsmen/du-fuli/index.html").read_text("utf-8")
    assert "/lectures/2029-qiangong/" in page and "/craftsmen/du-fuli/lectures.ics" in page
    assert not (site / "craftsmen/zeng-zhigang/lectures.ics").exists()  # only an embargoed lecture


def test_pages_upcoming_past_and_one_per_lecture(site):
    upcoming = (site / "lectures/index.html").read_text("utf-8")
    past = (site / "lectures/past/index.html").read_text("utf-8")
    assert "/lectures/2030-shoushi/" in upcoming and "/lectures/2030-shoushi/" not in past
    assert "/lectures/2029-celiang/" in past and "/lectures/2029-celiang/" not in upcoming
    assert not (site / "lectures/2030-weixiu").exists()
    page = (site / "lectures/2029-qiangong/index.html").read_text("utf-8")
    assert "已取消" in page and "择期另行安排" in page
    assert "讲座回顾" in (site / "lectures/2029-celiang/index.html").read_text("utf-8")


def test_feed_bytes_depend_only_on_the_data(project):
    everyone = _Public(lec.speaker for lec in project.lectures if lec.speaker)

    def feed():
        views = lectures.public_lectures(project.lectures, AS_OF, everyone)
        return lectures.calendar(views, name="讲堂", domain="example.org", url_of=lambda v: f"https://example.org/{v.id}/")

    assert feed() == feed()
    assert b"DTSTAMP:" in feed()
