"""Building scratch sites: what is public when, privacy, stories, fatal errors."""

import json

import pytest
from sitekit import NOT_PUBLIC, PEOPLE, SiteProject, all_text, files

from gongjiang_pipeline.errors import DataError
from gongjiang_pipeline.sitebuild import SiteBuildError

pytestmark = pytest.mark.slow


@pytest.fixture
def site(tmp_path):
    return SiteProject(tmp_path / "project")


# timeline of the scratch edition: nominees 2099-04-01, popularity 04-25,
# notice 06-01..06-07, approval 06-15, honor roll 06-20


def test_before_nominees_no_candidate_anywhere(site, tmp_path):
    out = site.build("2099-03-31", tmp_path / "out")
    text = all_text(out)
    for _, name, _, _ in PEOPLE:
        assert name not in text
    assert not (out / "craftsmen" / "zhang-jianguo").exists()
    assert "/craftsmen/" in text  # the (empty) directory page exists
    assert not any(n.startswith("opendata/2099") for n in files(out))
    assert json.loads((out / "opendata/index.json").read_text("utf-8"))["lists"] == []
    assert "尚未启动" not in text and "推荐" in text  # the stage is described


def test_before_notice_no_notice_list_anywhere(site, tmp_path):
    out = site.build("2099-05-31", tmp_path / "out")
    names = files(out)
    text = all_text(out)
    assert "editions/2099/nominees/index.html" in names
    assert "editions/2099/popularity/index.html" in names
    assert not any("notice" in n for n in names)
    for marker in ("/notice/", "公示名单", "建议名单", "notice.json", "notice.csv", '"notice"'):
        assert marker not in text, marker
    sitemap = (out / "sitemap.xml").read_text("utf-8")
    assert "notice" not in sitemap and "/craftsmen/zhang-jianguo/" in sitemap


def test_during_notice_no_honour_roll(site, tmp_path):
    out = site.build("2099-06-03", tmp_path / "out")
    names = files(out)
    text = all_text(out)
    assert "editions/2099/notice/index.html" in names
    notice = (out / "editions/2099/notice/index.html").read_text("utf-8")
    assert "公示期" in notice and "010-00000000" in notice
    assert not any("craftsmen.json" in n or "nomination_award" in n for n in names)
    for marker in ("/editions/2099/craftsmen/", "nomination_award", "被命名为", "北京大工匠提名奖（", '"craftsmen"'):
        assert marker not in text, marker


def test_after_honour_roll(site, tmp_path):
    out = site.build("2099-07-01", tmp_path / "out")
    names = files(out)
    assert "editions/2099/craftsmen/index.html" in names
    assert "opendata/2099/nomination_award.csv" in names
    page = (out / "editions/2099/nomination_award/index.html").read_text("utf-8")
    # 姓氏笔画: 王 (4 strokes) before 李 (7); women marked
    assert page.index("王芳") < page.index("李秀英")
    assert "李秀英</a><span class=\"female\">（女）</span>" in page


def test_private_and_non_public_never_in_output(site, tmp_path):
    out = site.build("2099-12-31", tmp_path / "out")
    text = all_text(out)
    assert NOT_PUBLIC not in text
    for cid, _, _, phone in PEOPLE:
        assert phone not in text
        assert f"1101011975010100{cid[-2:]}" not in text
    for word in ("id_number", "phone", "birth_year", "union_member", "recommendation", "dongcheng-union"):
        assert word not in text, word


def test_homophone_slugs(site, tmp_path):
    out = site.build("2099-12-31", tmp_path / "out")
    # 章三 (2099-004) and 张三 (2099-006) became public on the same day: id order
    assert "章三" in (out / "craftsmen/zhang-san/index.html").read_text("utf-8")
    assert "张三" in (out / "craftsmen/zhang-san-2/index.html").read_text("utf-8")


def test_stories(site, tmp_path):
    site.story("public-one", "2099-001")
    site.story("never-public", "2099-005", title="不应出现的故事")
    site.story("future", "2099-002", date="2100-01-01", title="未来的故事")
    out = site.build("2099-12-31", tmp_path / "out")
    names = files(out)
    assert "stories/public-one/index.html" in names
    assert not any("never-public" in n or "future" in n for n in names)
    feed = (out / "feeds/stories.atom.xml").read_text("utf-8")
    assert "public-one" in feed and "不应出现" not in feed and "未来的故事" not in feed
    person = (out / "craftsmen/zhang-jianguo/index.html").read_text("utf-8")
    assert "/stories/public-one/" in person
    assert "/stories/public-one/" in (out / "sitemap.xml").read_text("utf-8")


def test_story_waits_until_candidate_is_public(site, tmp_path):
    site.story("early", "2099-001", date="2099-03-01")
    out = site.build("2099-03-15", tmp_path / "out")
    assert "early" not in all_text(out)
    out2 = site.build("2099-04-01", tmp_path / "out2")
    assert "stories/early/index.html" in files(out2)


def test_story_about_unknown_candidate_fails(site, tmp_path):
    site.story("ghost", "2099-999")
    with pytest.raises(Exception, match="2099-999"):
        site.build("2099-12-31", tmp_path / "out")


def test_story_without_candidate_fails(site, tmp_path):
    site.story("nobody", None)
    with pytest.raises(Exception, match="candidate"):
        site.build("2099-12-31", tmp_path / "out")


def test_template_error_fails(site, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "home.html").write_text("{{ no_such_variable.attr }}", "utf-8")
    with pytest.raises(Exception, match="no_such_variable"):
        site.build("2099-12-31", tmp_path / "out", THEME_TEMPLATES_OVERRIDES=[str(broken)])


def test_missing_photo_fails(site, tmp_path):
    p = site.path("data/candidates/2099/2099-001.yaml")
    p.write_text(p.read_text("utf-8").replace("citation:", "photo: photos/none.jpg\ncitation:"), "utf-8")
    with pytest.raises(Exception):
        site.build("2099-12-31", tmp_path / "out")


def test_bad_data_fails(site, tmp_path):
    site.write("data/candidates/2099/2099-007.yaml", "id: 2099-007\n")
    with pytest.raises(DataError):
        site.build("2099-12-31", tmp_path / "out")


def test_pelican_warning_fails(site, tmp_path):
    # a story without a date is skipped by Pelican with an error log: fatal here
    (site.path("content/stories/undated.md")).write_text("Title: 无日期\nCandidate: 2099-001\n\n正文\n", "utf-8")
    with pytest.raises(SiteBuildError):
        site.build("2099-12-31", tmp_path / "out")


def test_byte_identical_rebuild(site, tmp_path):
    site.story("public-one", "2099-001")
    a = files(site.build("2099-06-03", tmp_path / "a"))
    b = files(site.build("2099-06-03", tmp_path / "b"))
    assert a == b
    # the search index included (Pagefind's filter files are rewritten in a fixed order)
    assert sum(n.startswith("pagefind/filter/") for n in a) == 3 and "pagefind/pagefind-entry.json" in a


def test_refuses_to_write_into_project(site):
    with pytest.raises(SiteBuildError):
        site.build("2099-12-31", site.root / "data" / "out")
