"""Errata (勘误): validation with exact messages, and the site's errata page by date."""

import pytest
from sitekit import SiteProject
from test_bad_corpus import run_check

from gongjiang_pipeline.loading import load_project
from gongjiang_pipeline.sitemodel import SiteDataError

R = "data/results/2099/errata.yaml"
GOOD = """\
edition: "2099"
errata:
  - id: 2099-kw-01
    date: 2099-07-10
    candidate: 2099-001
    list_key: craftsmen
    field: employer
    what: 工作单位
    before: 北京示例机械有限责任公司
    after: 北京示例机械有限公司
    note: 2099年6月20日公布的名单中工作单位名称有误，现予更正。
"""


def test_valid_errata_are_loaded(scratch):
    scratch.write(R, GOOD)
    rc, out, err = run_check(scratch.root)
    assert (rc, err) == (0, "")
    errata = load_project(scratch.root).editions["2099"].errata
    (er,) = errata.errata
    assert (er.id, er.candidate, er.list_key, er.field, er.after) == (
        "2099-kw-01", "2099-001", "craftsmen", "employer", "北京示例机械有限公司")


CASES = [
    ("after differs from the candidate file", GOOD.replace("after: 北京示例机械有限公司", "after: 北京示例机械公司"),
     f"{R}:11:12: errata[1].after: 更正后的内容「北京示例机械公司」与候选人文件中 employer（工作单位）的现值"
     "「北京示例机械有限公司」不一致：请先修改候选人文件，再照抄到 after"),
    ("unknown candidate", GOOD.replace("candidate: 2099-001", "candidate: 2099-011"),
     f"{R}:6:16: errata[1].candidate: 未知的候选人编号「2099-011」，是否想写「2099-001」？"),
    ("field without candidate", GOOD.replace("    candidate: 2099-001\n", ""),
     f"{R}:7:12: errata[1].field: 填写了 field 时必须同时填写 candidate（候选人编号）"),
    ("nothing changed", GOOD.replace("before: 北京示例机械有限责任公司", "before: 北京示例机械有限公司"),
     f"{R}:11:12: errata[1].after: 更正后的内容与更正前相同"),
    ("dated before the edition", GOOD.replace("date: 2099-07-10", "date: 2098-07-10"),
     f"{R}:5:11: errata[1].date: 勘误日期 2098-07-10 早于本届启动日期 2099-01-10"),
    ("duplicate id", GOOD + GOOD.split("errata:\n", 1)[1],
     f"{R}:13:9: errata[2].id: 勘误编号「2099-kw-01」重复"),
    ("unknown list", GOOD.replace("list_key: craftsmen", "list_key: winners"),
     f"{R}:7:15: errata[1].list_key: 取值「winners」无效，应为以下之一：nominees、popularity、notice、craftsmen、nomination_award"),
    ("missing note", GOOD.replace("    note: 2099年6月20日公布的名单中工作单位名称有误，现予更正。\n", ""),
     f"{R}:4:5: errata[1].note: 缺少必填字段"),
]


@pytest.mark.parametrize("name,text,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_errata_are_reported(scratch, name, text, expected):
    scratch.write(R, text)
    rc, out, err = run_check(scratch.root)
    assert rc == 1 and out == ""
    assert expected in err.splitlines(), err


@pytest.fixture
def site(tmp_path):
    s = SiteProject(tmp_path / "project")
    text = s.path("data/candidates/2099/2099-001.yaml").read_text("utf-8")
    assert "employer: 北京示例机械有限公司" in text
    return s


@pytest.mark.slow
def test_errata_appear_from_their_date(site, tmp_path):
    site.write(R, GOOD)
    before = site.build("2099-07-09", tmp_path / "before")
    page = (before / "errata/index.html").read_text("utf-8")
    assert "目前没有勘误。" in page and "北京示例机械有限责任公司" not in page
    person = (before / "craftsmen/zhang-jianguo/index.html").read_text("utf-8")
    assert '<a href="/errata/">勘误</a>' in person  # the footer link is on every page
    assert "/errata/#2099-kw-01" not in person

    after = site.build("2099-07-10", tmp_path / "after")
    page = (after / "errata/index.html").read_text("utf-8")
    assert '<section class="erratum" id="2099-kw-01">' in page
    assert "<dt>原为</dt><dd>北京示例机械有限责任公司</dd>" in page
    assert "<dt>更正为</dt><dd>北京示例机械有限公司</dd>" in page
    assert '<a href="/craftsmen/zhang-jianguo/">张建国</a>' in page
    assert '<a href="/editions/2099/craftsmen/">北京大工匠</a>' in page
    person = (after / "craftsmen/zhang-jianguo/index.html").read_text("utf-8")
    assert '<a href="/errata/#2099-kw-01">2099年7月10日：更正工作单位</a>' in person
    assert "/errata/" in (after / "sitemap.xml").read_text("utf-8")


@pytest.mark.slow
def test_erratum_about_someone_not_public_fails_the_build(site, tmp_path):
    text = GOOD.replace("candidate: 2099-001", "candidate: 2099-005").replace("    field: employer\n", "")
    site.write(R, text)
    site.build("2099-07-09", tmp_path / "early")  # not shown yet: fine
    with pytest.raises(SiteDataError) as exc:
        site.build("2099-07-10", tmp_path / "out")
    assert str(exc.value) == (
        "data/results/2099/errata.yaml：勘误 2099-kw-01 涉及的候选人 2099-005 在 2099-07-10 不在任何已公布的名单中"
        "（勘误涉及已撤销、不再公开的人员时不要填 candidate）"
    )
    assert not (tmp_path / "out").exists()
