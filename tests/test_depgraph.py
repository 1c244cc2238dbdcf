"""The dependency graph: each page is kept or rendered by the reads recorded while it
rendered (gongjiang_pipeline/depgraph.py, plugins/gongjiang_site/recording.py).

For each kind of input (a candidate, a result file, a story, a template, a setting,
the build date) one edit is made to a copy of the sample project: the incremental
build must equal a clean build byte for byte, re-render exactly the pages that read
what changed, and pass verify mode (every kept page rendered again and compared with
the file kept). A template that reaches a value by a path the hooks do not see must
make verify mode fail.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from test_page_cache import (  # noqa: F401 - fixtures
    AS_OF,
    PUBLIC,
    build,
    change_citation,
    change_story,
    clean_build,
    edit,
    files,
    media_cache,
    project,
)

from gongjiang_pipeline import depgraph
from gongjiang_pipeline.errors import GongjiangError
from gongjiang_pipeline.sitebuild import build_site

VERIFY = {"GONGJIANG_VERIFY_DEPS": True}


def rendered(summary) -> set[str]:
    """The pages (not images, data files or the search index) this build rendered."""
    return {rel for rel, key in summary.keys.items()
            if rel not in summary.kept and not key.startswith(("bytes:", "search:"))}


def changed_pages(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {rel for rel, data in after.items() if rel.endswith((".html", ".xml")) and before.get(rel) != data}


def incremental(project: Path, tmp_path: Path, media_cache: Path, change):
    """Build, change, rebuild in verify mode, build clean; returns (summary, changed pages)."""
    out = tmp_path / "out"
    first = build(project, out, media_cache)
    assert first.kept == frozenset()
    before = files(out)
    change(project)
    again = build(project, out, media_cache, **VERIFY)
    after = files(out)
    clean_build(project, tmp_path / "clean", media_cache)
    assert after == files(tmp_path / "clean")
    return again, changed_pages(before, after)


@pytest.mark.slow
def test_a_candidate_edit_rerenders_the_pages_showing_what_changed(project, tmp_path, media_cache):
    again, changed = incremental(project, tmp_path, media_cache, change_citation)
    # the citation is shown on the person's page and poster only: not on the lists, the
    # browse pages, the stories about them or anyone else's page
    assert rendered(again) == changed == {"craftsmen/shan-lixin/index.html", "craftsmen/shan-lixin/poster/index.html"}


@pytest.mark.slow
def test_a_result_file_edit_rerenders_the_pages_showing_it(project, tmp_path, media_cache):
    def change(root: Path) -> None:
        edit(root / "data" / "results" / "2016" / "errata.yaml", "现予更正。", "现予更正（补充说明）。")

    again, changed = incremental(project, tmp_path, media_cache, change)
    assert "errata/index.html" in changed
    assert rendered(again) == changed
    assert not any(rel.startswith("craftsmen/") and rel != "craftsmen/zha-haiyan/index.html" for rel in rendered(again))


@pytest.mark.slow
def test_a_story_edit_rerenders_that_story_only(project, tmp_path, media_cache):
    story = sorted((project / "content" / "stories").glob("*.md"))[0]
    again, changed = incremental(project, tmp_path, media_cache, change_story)
    # its body is shown on its own page (the lists show titles and summaries)
    assert rendered(again) == changed == {f"stories/{story.stem}/index.html"}


@pytest.mark.slow
def test_a_template_edit_rerenders_the_pages_made_with_it(project, tmp_path, media_cache):
    def change(root: Path) -> None:
        edit(root / "theme" / "templates" / "craftsman.html", "{% block content %}", "{% block content %}<!-- 改 -->")

    again, changed = incremental(project, tmp_path, media_cache, change)
    # the Chinese craftsman pages and the English ones (/en/, the same template)
    craftsmen = {rel for rel in again.keys if re.fullmatch(r"(en/)?craftsmen/[^/]+/index\.html", rel)}
    assert len(craftsmen) > 40 and any(rel.startswith("en/") for rel in craftsmen)
    assert rendered(again) == changed == craftsmen  # not the posters, lists or stories


@pytest.mark.slow
def test_a_setting_edit_rerenders_the_pages_reading_it(project, tmp_path, media_cache):
    out = tmp_path / "out"
    build(project, out, media_cache)
    before = files(out)
    again = build(project, out, media_cache, GONGJIANG_OPENDATA_INDEX_SAVE_AS="opendata/catalogue.json", **VERIFY)
    after = files(out)
    # the catalogue moved; only the open-data page links to it
    assert rendered(again) == changed_pages(before, after) == {"opendata/index.html"}
    assert "opendata/catalogue.json" in after and "opendata/index.json" not in after
    clean = tmp_path / "clean"
    build_site(project, clean, AS_OF, override={"GONGJIANG_MEDIA_CACHE": str(media_cache),
                                                "GONGJIANG_OPENDATA_INDEX_SAVE_AS": "opendata/catalogue.json"})
    assert after == files(clean)


@pytest.mark.slow
def test_a_new_build_date_rerenders_the_pages_reading_the_date(project, tmp_path, media_cache):
    out = tmp_path / "out"
    build(project, out, media_cache, as_of=dt.date(2026, 11, 28))
    before = files(out)
    again = build(project, out, media_cache, as_of=dt.date(2026, 11, 29), **VERIFY)
    after = files(out)
    # nothing was published that day: the pages that compare the date (voting closed?) are
    # rendered again and come out the same; craftsman pages, stories, browse pages are kept
    assert changed_pages(before, after) == set()
    assert rendered(again) and all(rel.startswith("editions/") for rel in rendered(again))
    clean_build(project, tmp_path / "clean", media_cache, dt.date(2026, 11, 29))
    assert after == files(tmp_path / "clean")
    # a date on which a list is published: what it reaches, and the result equals a clean build
    first = build(project, out, media_cache, as_of=dt.date(2026, 10, 1))
    later = build(project, out, media_cache, as_of=AS_OF, **VERIFY)
    assert later.people > first.people and "craftsmen/shan-lixin/index.html" in rendered(later)
    clean_build(project, tmp_path / "clean2", media_cache, AS_OF)
    assert files(out) == files(tmp_path / "clean2")


@pytest.mark.slow
def test_the_graph_is_stored_under_cache_with_a_version_key(project, tmp_path, media_cache):
    out = tmp_path / "out"
    first = build(project, out, media_cache)
    cache = Path(first.cache_dir)
    location = depgraph.Graph.location(cache, out)
    assert location.is_file() and location.parent == media_cache / "pages"
    graph = depgraph.Graph.load(cache, out, first.graph_version)
    page = graph.pages["craftsmen/shan-lixin/index.html"]
    reads = [read for read, _ in page]
    assert ("t", "craftsman.html") in reads and ("t", "base.html") in reads  # templates through get_template
    assert ("ctx", "person") in reads  # a name of the page's context
    assert any(read[0] == "a" and read[1] == (("ctx", "person"),) and read[2] == "employer" for read in reads)
    # a helper called with a record: gj.citation(person) (the language's citation, i18n.py)
    assert ("c", (("ctx", "gj"), ("a", "citation")), (("r", (("ctx", "person"),)),), ()) in reads
    # the site name through the helper (the language's name, i18n.py): re-evaluated next time
    assert any(read[0] == "a" and read[1] == (("ctx", "gj"),) and read[2] == "site_name" for read in reads)
    # the page's person is a value object (sitemodel.Person): its reads are answered by its
    # content digest when that is unchanged, the helpers' reads are checked one by one
    used, rest = graph.own["craftsmen/shan-lixin/index.html"]
    assert "person" in dict(used) and "gj" not in dict(used)
    left = [read for read, _ in rest]
    assert ("ctx", "person") not in left and not any(read[1] == (("ctx", "person"),) for read in left
                                                      if read[0] == "a")
    assert ("c", (("ctx", "gj"), ("a", "citation")), (("r", (("ctx", "person"),)),), ()) in left
    # one setting, by name
    assert any(read[0] in ("a", "i") and read[2] == "GONGJIANG_OPENDATA_INDEX_SAVE_AS"
               for read, _ in graph.pages["opendata/index.html"])
    assert not depgraph.Graph.load(cache, out, "another code version").pages
    # without the graph (deleted), every page is rendered again, and the output is the same
    location.unlink()
    again = build(project, out, media_cache)
    assert rendered(again) >= {rel for rel in first.keys if rel.endswith(".html")}
    assert again.kept  # images and data files are still kept by their bytes


@pytest.mark.slow
def test_verify_mode_catches_a_value_shown_without_a_recorded_read(project, tmp_path, media_cache):
    # ``~`` turns the record into text without any hook seeing it: the home page shows the
    # citation, but records only that it called gj.person and got a record back
    edit(project / "theme" / "templates" / "home.html", "{% block content %}",
         "{% block content %}<!-- {{ '' ~ gj.person('" + PUBLIC + "') }} -->")
    out = tmp_path / "out"
    build(project, out, media_cache)
    change_citation(project)
    with pytest.raises(GongjiangError) as err:
        build(project, out, media_cache, **VERIFY)
    assert type(err.value).__name__ == "DependencyError"
    # the home page in both languages (home.html)
    assert str(err.value) == (
        "依赖记录不完整：2 个页面沿用了上次的文件，但重新生成的内容不同（模板读取了没有记录的数据）："
        "en/index.html、index.html"
    )
    # without verify mode the stale page would have been kept: the detector is what caught it
    stale = build(project, out, media_cache)
    assert "index.html" in stale.kept
    clean_build(project, tmp_path / "clean", media_cache)
    assert (out / "index.html").read_bytes() != (tmp_path / "clean" / "index.html").read_bytes()


@pytest.mark.slow
def test_values_printed_or_passed_to_text_filters_are_recorded(project, tmp_path, media_cache):
    # the same value, printed directly and through |string: both are reads of it as text
    edit(project / "theme" / "templates" / "home.html", "{% block content %}",
         "{% block content %}<!-- {{ gj.person('" + PUBLIC + "')|string }} {{ gj.person('" + PUBLIC + "') }} -->")
    again, changed = incremental(project, tmp_path, media_cache, change_citation)
    assert "index.html" in rendered(again) and "index.html" in changed


# ---- unit tests of the pure part


def test_recorder_follows_paths_and_evaluator_replays_them():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Rec:
        name: str
        items: tuple

    inner = Rec("内", ())
    root = {"r": Rec("外", (inner, "字"))}
    rec = depgraph.Recorder(root, {}, lambda name: "t")
    rec.ctx("r", root["r"])
    rec.attr(root["r"], "items", root["r"].items)
    rec.attr(inner, "name", inner.name)  # reached through r.items[0]
    reads = rec.result()
    assert [r for r, _ in reads] == [
        ("ctx", "r"), ("a", (("ctx", "r"),), "items"), ("a", (("ctx", "r"), ("a", "items"), ("#", 0)), "name")]
    ev = depgraph.Evaluator(getattr, lambda o, k: o[k], lambda name: "t")
    assert depgraph.unchanged(reads, ev, root.__getitem__)
    changed = {"r": Rec("外", (Rec("改", ()), "字"))}
    ev = depgraph.Evaluator(getattr, lambda o, k: o[k], lambda name: "t")
    assert not depgraph.unchanged(reads, ev, changed.__getitem__)
    # an unrelated field of the outer record is not a read of this page
    other = {"r": Rec("另", (inner, "字"))}
    assert depgraph.unchanged(reads, depgraph.Evaluator(getattr, lambda o, k: o[k], lambda n: "t"), other.__getitem__)


def test_a_name_or_attribute_that_was_not_there_is_a_read_too():
    # ``alt_url is defined``, ``p.nav is defined``: the page changes when they appear
    from types import SimpleNamespace

    p = SimpleNamespace(title="页")
    root = {"p": p}
    rec = depgraph.Recorder(root, {}, lambda name: "t")
    rec.absent_name("alt_url")
    rec.ctx("p", p)
    rec.absent(p, "a", "nav")
    reads = rec.result()
    assert ("?", "alt_url") in [r for r, _ in reads] and (("a", (("ctx", "p"),), "nav"), depgraph.ABSENT) in reads

    def missing(o, k):
        return getattr(o, k, None)

    def evaluator():
        return depgraph.Evaluator(missing, lambda o, k: o[k], lambda n: "t", absent=lambda v: v is None)

    assert depgraph.unchanged(reads, evaluator(), root.__getitem__)
    assert not depgraph.unchanged(reads, evaluator(), {**root, "alt_url": "/en/"}.__getitem__)
    assert not depgraph.unchanged(reads, evaluator(), {"p": SimpleNamespace(title="页", nav="导航")}.__getitem__)


def test_an_argument_reached_by_no_recorded_path_makes_the_page_unrecordable():
    rec = depgraph.Recorder({"f": len}, {}, lambda name: "t")
    rec.ctx("f", len)
    rec.call(len, (object(),), {}, 1)
    assert rec.result() is None and rec.broken


def test_a_recorded_call_returning_a_generator_records_what_it_yields():
    class Tree:
        def __init__(self, names):
            self.names = names

        def walk(self):
            for n in self.names:
                yield Leaf(n)

    class Leaf:
        def __init__(self, name):
            self.name = name

    root = {"t": Tree(["甲", "乙"])}
    rec = depgraph.Recorder(root, {}, lambda name: "t")
    rec.ctx("t", root["t"])
    walk = root["t"].walk
    rec.attr(root["t"], "walk", walk)
    leaves = depgraph.materialized(walk())
    rec.call(walk, (), {}, leaves)
    rec.attr(leaves[1], "name", leaves[1].name)
    reads = rec.result()
    assert reads[-1][0] == ("a", (("ctx", "t"), ("a", "walk"), ("c", (), ()), ("#", 1)), "name")
    same = {"t": Tree(["丙", "乙"])}  # the first leaf was never read
    assert depgraph.unchanged(reads, depgraph.Evaluator(getattr, lambda o, k: o[k], lambda n: "t"), same.__getitem__)
    other = {"t": Tree(["甲", "丁"])}
    assert not depgraph.unchanged(reads, depgraph.Evaluator(getattr, lambda o, k: o[k], lambda n: "t"),
                                  other.__getitem__)


def test_an_object_reached_by_two_paths_must_stay_one_object():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class P:
        name: str

    a, b = P("甲"), P("乙")

    class Model:
        def __init__(self, people, chosen):
            self.people, self.chosen = people, chosen

        def person(self, name):
            return self.chosen

    m = Model((a, b), a)
    rec = depgraph.Recorder({"m": m}, {}, lambda name: "t")
    rec.ctx("m", m)
    rec.attr(m, "people", m.people)
    person = m.person
    rec.attr(m, "person", person)
    rec.call(person, ("x",), {}, a)  # the same record as m.people[0]
    rec.attr(a, "name", a.name)  # recorded under m.people[0]
    reads = rec.result()
    assert any(r[0] == "=" for r, _ in reads)

    def check(model) -> bool:
        return depgraph.unchanged(reads, depgraph.Evaluator(getattr, lambda o, k: o[k], lambda n: "t"),
                                  {"m": model}.__getitem__)

    assert check(Model((a, b), a))
    # the call now returns another record with the same field values as far as read: caught
    assert not check(Model((a, b), P("甲")))


@pytest.mark.slow
def test_pages_rendered_in_workers_record_the_same_reads(project, tmp_path, media_cache):
    one = build(project, tmp_path / "one", media_cache, GONGJIANG_RENDER_WORKERS=1)
    two = build(project, tmp_path / "two", media_cache, GONGJIANG_RENDER_WORKERS=2)
    assert one.rendered == two.rendered > 64  # enough pages for the workers to be used
    assert one.graph.pages == two.graph.pages
    assert {rel: key for rel, key in one.keys.items() if rel.endswith(".html")} == {
        rel: key for rel, key in two.keys.items() if rel.endswith(".html")}
