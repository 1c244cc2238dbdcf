"""The devserver's first answer to an edit (gongjiang_pipeline/preview.py): the edited
story's or person's own pages are written and the browsers told to reload before the
full build, which then changes nothing else, or reloads again, or fails and takes the
first answer back."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sitekit import SiteProject, fake_engine

from gongjiang_pipeline import preview
from gongjiang_pipeline.devserver import DevServer
from gongjiang_pipeline.loading import load_project
from gongjiang_pipeline.searchbundles import BUNDLES_SCRIPT
from gongjiang_pipeline.searchindex import BUNDLE_DIR
from gongjiang_pipeline.sitebuild import build_into
from gongjiang_pipeline.sitemodel import build_model

AS_OF = dt.date(2099, 7, 1)
CANDIDATE = "data/candidates/2099/2099-001.yaml"
STORY = "content/stories/zhang.md"
STORY_PAGE = "stories/zhang/index.html"
OWN_PAGES = ["craftsmen/zhang-jianguo/index.html", "craftsmen/zhang-jianguo/poster/index.html"]
LIST_PAGE = "editions/2099/nominees/index.html"
FEED = "feeds/stories.atom.xml"


class Watched:
    """A devserver built once, with what each edit's first answer showed (the output as it
    was when the first answer's message was said, i.e. when the browsers were told to reload)."""

    def __init__(self, root: Path):
        self.site = SiteProject(root)
        self.site.story("zhang", "2099-001", title="焊花里的三十年")
        self.out = self.site.root / "output"
        self.said: list[str] = []
        self.shown: dict[str, bytes] | None = None  # the output at the first answer
        self.ds = DevServer(self.site.root, self.out, AS_OF, say=self._say, override={"GONGJIANG_ENGINE": fake_engine})
        assert self.ds.build(search=False), self.said
        self.reloads: list = []  # the files each reload event of an edit names (None: every page reloads)
        bump = self.ds.generation.bump
        self.ds.generation.bump = lambda pages=None: (self.reloads.append(None if pages is None else sorted(pages)),
                                                      bump(pages))

    def _say(self, text: str) -> None:
        self.said.append(text)
        if "已先更新" in text:
            self.shown = tree(self.out)

    def edit(self, rel: str, old: str, new: str) -> tuple[bool, list]:
        """Save the edit, rebuild as the watcher would: (whether it built, the files each
        reload event named: an open page reloads if it is one of them or embeds one)."""
        path = self.site.root / rel
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), "utf-8")
        self.shown, self.said[:], self.reloads[:] = None, [], []
        ok = self.ds.build(changed={path})
        return ok, list(self.reloads)

    def clean(self, where: Path) -> dict[str, bytes]:
        build_into(self.site.root, where, AS_OF, override={"GONGJIANG_ENGINE": fake_engine}, search=False)
        return tree(where)


def tree(out: Path) -> dict[str, bytes]:
    """Every file of a site folder but the search index and its list of bundles (the devserver
    brings them up to date after the pages)."""
    return {rel: p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and (rel := p.relative_to(out).as_posix()).split("/")[0] != BUNDLE_DIR
            and rel != BUNDLES_SCRIPT}


@pytest.fixture
def watched(tmp_path):
    w = Watched(tmp_path / "project")
    yield w
    w.ds.stop()


def test_a_story_body_is_shown_first_and_the_full_build_changes_nothing_else(watched, tmp_path):
    before = tree(watched.out)
    ok, reloads = watched.edit(STORY, "这是故事正文。", "这是改过的故事正文，<b>加粗</b>。")
    assert ok, watched.said
    assert watched.ds.last_build["quick_pages"] == [STORY_PAGE]
    shown = watched.shown
    assert shown is not None and "这是改过的故事正文".encode() in shown[STORY_PAGE]
    assert [k for k in shown if shown[k] != before.get(k)] == [STORY_PAGE]  # nothing else yet
    # the full build changed the feed only (it carries the story's text): no page is or embeds
    # it, so no page reloads a second time
    assert reloads == [[STORY_PAGE], [FEED]]
    assert watched.said[-1].endswith("其余页面没有变化；站内搜索随后在后台更新。")
    after = tree(watched.out)
    assert [k for k in after if after[k] != shown[k]] == [FEED]
    assert after == watched.clean(tmp_path / "clean")


def test_a_citation_is_shown_first_on_the_persons_own_pages(watched, tmp_path):
    ok, reloads = watched.edit(CANDIDATE, "citation: 三十年如一日钻研焊接技术。", "citation: 四十年如一日钻研焊接技术。")
    assert ok, watched.said
    assert watched.ds.last_build["quick_pages"] == OWN_PAGES
    assert watched.said[0].startswith(f"[") and f"已先更新 {'、'.join(OWN_PAGES)}（用时 " in watched.said[0]
    for page in OWN_PAGES:
        assert "四十年如一日".encode() in watched.shown[page]
    assert reloads == [OWN_PAGES]  # the full build changed nothing more: no reload event
    assert tree(watched.out) == watched.shown == watched.clean(tmp_path / "clean")


def test_an_edit_the_lists_show_too_reloads_again_after_the_full_build(watched, tmp_path):
    ok, reloads = watched.edit(CANDIDATE, "北京示例机械有限公司", "北京改名机械有限公司")
    assert ok, watched.said
    assert watched.ds.last_build["quick_pages"] == OWN_PAGES
    assert "北京改名机械有限公司".encode() not in watched.shown[LIST_PAGE]  # the list: the full build's
    assert reloads[0] == OWN_PAGES and LIST_PAGE in reloads[1]  # the lists reload after the full build
    assert not set(OWN_PAGES) & set(reloads[1])  # the person's pages were right the first time
    after = tree(watched.out)
    assert "北京改名机械有限公司".encode() in after[LIST_PAGE]
    assert after == watched.clean(tmp_path / "clean")


@pytest.mark.parametrize("rel, old, new", [
    (STORY, "Title: 焊花里的三十年", "Title: 焊花里的四十年"),  # metadata: lists and titles change
    (STORY, "这是故事正文。", "这是故事正文，见[另一篇]({filename}nobody.md)。"),  # a broken link: the build fails
    (CANDIDATE, "name: 张建国", "name: 张建军"),  # a name: slugs and stroke order
    (CANDIDATE, "gender: 男", "gender: 难"),  # invalid: the full build reports it
])
def test_edits_that_reach_further_wait_for_the_full_build(watched, rel, old, new):
    ok, reloads = watched.edit(rel, old, new)
    assert watched.shown is None and not any("已先更新" in s for s in watched.said)
    if ok:
        assert watched.ds.last_build["quick_pages"] == [] and len(reloads) == 1
    else:
        assert reloads == []


def test_a_first_answer_is_taken_back_when_the_full_build_fails(watched, monkeypatch):
    from gongjiang_pipeline import sitebuild

    real = sitebuild.build_into

    def failing(*args, **kw):  # the full build fails (on something the first answer cannot see)
        raise sitebuild.SiteBuildError("模板错误：theme/templates/base.html:1: 测试用的错误")

    before = tree(watched.out)
    monkeypatch.setattr(sitebuild, "build_into", failing)
    ok, reloads = watched.edit(CANDIDATE, "citation: 三十年如一日钻研焊接技术。", "citation: 四十年如一日钻研焊接技术。")
    assert not ok
    assert watched.shown is not None and "四十年如一日".encode() in watched.shown[OWN_PAGES[0]]
    assert any("生成失败" in s for s in watched.said) and "模板错误：theme/templates/base.html:1: 测试用的错误" in watched.said
    assert reloads == [OWN_PAGES, OWN_PAGES]  # shown, then taken back
    assert tree(watched.out) == before
    # no first answer until a build succeeds again: it would show what the next failure takes back
    ok, reloads = watched.edit(STORY, "这是故事正文。", "这是改过的故事正文。")
    assert not ok and watched.shown is None and reloads == []
    assert tree(watched.out) == before
    monkeypatch.setattr(sitebuild, "build_into", real)
    ok, reloads = watched.edit(STORY, "这是改过的故事正文。", "这是又改过的故事正文。")
    assert ok and watched.shown is None  # the good build, with both edits
    ok, reloads = watched.edit(STORY, "这是又改过的故事正文。", "这是第三次改过的故事正文。")
    assert ok and reloads[0] == [STORY_PAGE]  # answered first again


def test_a_new_photo_waits_for_the_full_build(watched):
    """The portrait is made by the media step: a first answer would show the old one."""
    ok, reloads = watched.edit(CANDIDATE, "citation: 三十年如一日钻研焊接技术。",
                               "citation: 四十年如一日钻研焊接技术。\nphoto: photos/none.jpg")
    assert not ok and watched.shown is None and reloads == []  # (and the build reports the missing photo)
    assert any("photos/none.jpg" in s for s in watched.said)


# ---- the pure part: when a candidate edit is answered first

def _answer(tmp_path, old: str, new: str, run=fake_engine):
    site = SiteProject(tmp_path / "p")
    project = load_project(site.root)
    results = {eid: run(ed) for eid, ed in project.editions.items()}
    model = build_model(project, results, AS_OF)
    path = site.root / CANDIDATE
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return model, preview.edited_person(project, model, results, run, site.root, path)


def _employer_engine(ed):
    """An engine whose result shows an employer (a stand-in for one that reads a field)."""
    return dataclasses.replace(fake_engine(ed), blocks=(ed.candidate("2099-001").employer,))


@pytest.mark.parametrize("old, new, run, answered", [
    ("citation: 三十年如一日钻研焊接技术。", "citation: 四十年如一日。", fake_engine, True),
    ("employer: 北京示例机械有限公司", "employer: 北京改名机械有限公司", fake_engine, True),
    ("employer: 北京示例机械有限公司", "employer: 北京改名机械有限公司", _employer_engine, False),  # the result changes
    ("name: 张建国", "name: 张建军", fake_engine, False),
    ('edition: "2099"', 'edition: "2098"', fake_engine, False),
    ("gender: 男", "gender: 难", fake_engine, False),  # invalid
    ("district: dongcheng", "district: nowhere", fake_engine, False),  # not in the edition
    ("citation: 三十年如一日钻研焊接技术。", "citation: 三十年如一日钻研焊接技术。", fake_engine, False),  # unchanged
])
def test_which_candidate_edits_are_answered_first(tmp_path, old, new, run, answered):
    model, edit = _answer(tmp_path, old, new, run)
    assert (edit is not None) is answered
    if answered:
        assert edit.old is model.person("2099-001")
        assert edit.new.slug == edit.old.slug and edit.new.honours == edit.old.honours
        assert edit.new != edit.old


def test_only_a_public_candidates_file_is_answered_first(tmp_path):
    site = SiteProject(tmp_path / "p")
    project = load_project(site.root)
    results = {eid: fake_engine(ed) for eid, ed in project.editions.items()}
    model = build_model(project, results, AS_OF)
    hidden = site.root / "data/candidates/2099/2099-005.yaml"  # never on any list
    hidden.write_text(hidden.read_text("utf-8").replace("三十年", "四十年"), "utf-8")
    assert preview.edited_person(project, model, results, fake_engine, site.root, hidden) is None
    assert preview.candidate_id(project, site.root, site.root / "data/editions/2099.yaml") is None
    assert preview.candidate_id(project, site.root, hidden) == "2099-005"


# ---- the sample project: the English pages are owned too

SAMPLE_AS_OF = dt.date(2026, 11, 27)


@pytest.mark.slow
def test_english_pages_are_answered_first_on_the_sample_project(tmp_path):
    import shutil

    from sitekit import ROOT

    root = tmp_path / "project"
    root.mkdir()
    for d in ("data", "content", "theme", "plugins", "schemas"):
        shutil.copytree(ROOT / d, root / d, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pelican.conf.py", root / "pelican.conf.py")
    override = {"GONGJIANG_MEDIA_CACHE": str(tmp_path / "media")}
    said: list[str] = []
    ds = DevServer(root, root / "output", SAMPLE_AS_OF, say=said.append, override=override)
    assert ds.build(search=False), said

    def edit(rel: str, old: str, new: str) -> None:
        path = root / rel
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), "utf-8")
        assert ds.build(changed={path}), said

    edit("content/stories/shan-lixin-cezhang.en.md", "we can never let slip.\"",
         "we can never let slip.\" (Edited in the preview.)")
    assert ds.last_build["quick_pages"] == ["en/stories/shan-lixin-cezhang/index.html"]
    edit("data/candidates/2016/2016-048.yaml", "with millimetre precision.", "with sub-millimetre precision.")
    # his English page shows it; the Chinese pages, rendered again too, are as they were
    assert ds.last_build["quick_pages"] == ["en/craftsmen/shan-lixin/index.html"]
    ds.stop()
    clean = tmp_path / "clean"
    build_into(root, clean, SAMPLE_AS_OF, override=override, search=False)
    served, built = tree(root / "output"), tree(clean)
    assert [k for k in served.keys() | built.keys() if served.get(k) != built.get(k)] == []
    assert b"sub-millimetre" in served["en/craftsmen/shan-lixin/index.html"]


# ---- the fields the engine never reads (preview.ENGINE_UNREAD)

def test_the_engines_code_names_none_of_the_fields_it_is_said_not_to_read():
    import io
    import tokenize

    from sitekit import ROOT

    code = [ROOT / "gongjiang_pipeline/engine.py", *sorted((ROOT / "gongjiang_pipeline/stages").glob("*.py"))]
    named = set()
    for path in code:
        for tok in tokenize.generate_tokens(io.StringIO(path.read_text("utf-8")).readline):
            if tok.type == tokenize.NAME:  # (not in comments and docstrings)
                named.add(tok.string)
    assert sorted(named & preview.ENGINE_UNREAD) == []
    from gongjiang_pipeline.models import Candidate

    assert preview.ENGINE_UNREAD <= set(Candidate.model_fields)


def test_changing_those_fields_of_every_candidate_leaves_every_sample_result_equal():
    from sitekit import ROOT

    from gongjiang_pipeline import engine

    other = {"employer": "改过的单位", "titles": ("改过的称号",), "achievements": ("改过的成就",),
             "citation": "改过的推荐语", "citation_en": "Changed.", "name_en": "CHANGED Name",
             "education": "改过的学历", "skill_grade": "改过的等级", "work_years": 7}
    project = load_project(ROOT)
    assert set(other) | {"photo"} == preview.ENGINE_UNREAD
    for eid, ed in project.editions.items():
        changed = tuple(c.model_copy(update={**other, "photo": None if c.photo else "photos/none.jpg"})
                        for c in ed.candidates)
        assert engine.run(dataclasses.replace(ed, candidates=changed)) == engine.run(ed), eid


@pytest.mark.parametrize("old, new, runs", [
    ("employer: 北京示例机械有限公司", "employer: 北京改名机械有限公司", []),  # only unread fields: not run
    ("citation: 三十年如一日钻研焊接技术。", "citation: 四十年如一日钻研焊接技术。", []),
    ("birth_year: 1975", "birth_year: 1976", ["2099"]),  # a field the engine reads: run again, and compared
])
def test_the_engine_runs_again_only_for_fields_it_reads(tmp_path, monkeypatch, old, new, runs):
    from scratch import ScratchProject

    from gongjiang_pipeline import engine

    scratch = ScratchProject(tmp_path / "p").write_stages()
    project = load_project(scratch.root)
    results = {eid: engine.run(ed) for eid, ed in project.editions.items()}
    model = build_model(project, results, AS_OF)
    assert model.person("2099-001") is not None  # named 北京大工匠 by AS_OF
    ran = []

    def counted(ed):
        ran.append(ed.edition.id)
        return engine.run(ed)

    monkeypatch.setattr(preview, "default_engine", counted)  # (the skip holds for the default engine only)
    path = scratch.root / CANDIDATE
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")
    edit = preview.edited_person(project, model, results, counted, scratch.root, path)
    assert edit is not None and ran == runs
    assert edit.result == engine.run(edit.edition)  # what running it gives


def test_a_save_by_rename_is_answered_first(watched):
    """Editors that save through a temporary file: the watcher sees it come and go as well."""
    story = watched.site.root / STORY
    gone = story.with_name(".zhang.md.tmp")  # reported with the story, no longer there
    story.write_text(story.read_text("utf-8").replace("这是故事正文。", "这是改过的故事正文。"), "utf-8")
    watched.shown, watched.said[:] = None, []
    assert watched.ds.build(changed={story, gone})
    assert watched.ds.last_build["quick_pages"] == [STORY_PAGE]
