"""The resident devserver: one build process for every rebuild, pages first and the
search index after them, the last good site kept through a failed build."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import queue
import shutil
import threading
import time

import pytest
from searchkit import decoded_text
from sitekit import ROOT, SiteProject, fake_engine

from gongjiang_pipeline.devserver import RELOAD_PATH, STATUS_PATH, DevServer

AS_OF = dt.date(2099, 7, 1)
WAIT = 120  # seconds a rebuild may take on a loaded machine (2 cores, shared)


class Events:
    """Reads the server's reload stream in a thread: (event, data) pairs, in order."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        self.conn.request("GET", RELOAD_PATH)
        self.resp = self.conn.getresponse()
        assert self.resp.getheader("Content-Type") == "text/event-stream; charset=utf-8"
        self.q: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event, data = "message", None
        try:
            for raw in self.resp.fp:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    event = line[len("event: "):]
                elif line.startswith("data: "):
                    data = line[len("data: "):]
                elif line == "" and data is not None:
                    self.q.put((event, data))
                    event, data = "message", None
        except (OSError, ValueError):
            pass

    def next(self, event: str = "message", timeout: float = WAIT) -> str:
        """The data of the next event named ``event`` (others are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            if got[0] == event:
                return got[1]

    def quiet(self, seconds: float) -> list:
        """The events that arrive within ``seconds`` (none expected)."""
        time.sleep(seconds)
        out = []
        while not self.q.empty():
            out.append(self.q.get())
        return out

    def close(self) -> None:
        self.conn.close()


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


def settled(port: int, builds: int, events: "Events | None" = None) -> dict:
    """The status once the ``builds``-th good build is done and recorded (manifest, graph).
    An edit's reload event may come before its full build: after a first answer (the edited
    story's or person's own pages, gongjiang_pipeline/preview.py). ``events``: the reload
    events of that build left in the stream are dropped (the next edit's are what count)."""
    deadline = time.monotonic() + WAIT
    while True:
        status = json.loads(get(port, STATUS_PATH)[1])
        if status["builds"] >= builds and not status["pages_pending"] and "record_ms" in status:
            break
        assert time.monotonic() < deadline, status
        time.sleep(0.02)
    if events is not None:
        events.quiet(0)
    return status


@pytest.fixture
def running(tmp_path):
    site = SiteProject(tmp_path / "project")
    (site.root / "theme").unlink()  # a copy of the theme, so that the test can edit a template
    shutil.copytree(ROOT / "theme", site.root / "theme")
    site.story("zhang", "2099-001", title="焊花里的三十年")
    said: list[str] = []
    ds = DevServer(site.root, site.root / "output", AS_OF, say=said.append,
                   override={"GONGJIANG_ENGINE": fake_engine})
    assert ds.build(search=True), said
    server = ds.start_server("127.0.0.1", 0)
    stop = threading.Event()
    watcher = threading.Thread(target=ds.watch, args=(stop,), kwargs={"debounce": 200, "step": 50}, daemon=True)
    watcher.start()
    time.sleep(0.5)  # the watcher is watching
    events = Events(server.server_address[1])
    try:
        yield site, ds, server.server_address[1], events, said
    finally:
        events.close()
        stop.set()
        watcher.join(10)
        ds.stop(server)
    assert not watcher.is_alive()


def _craftsman_page(site) -> str:
    pages = [p for p in (site.root / "output/craftsmen").glob("*/index.html") if "张建国" in p.read_text("utf-8")]
    assert len(pages) == 1
    return "/" + pages[0].parent.relative_to(site.root / "output").as_posix() + "/"


@pytest.mark.slow
def test_edits_reload_the_page_without_a_new_build_process(running):
    site, ds, port, events, said = running
    first = events.next()  # the current generation, at once
    status = json.loads(get(port, STATUS_PATH)[1])
    pid = status["pid"]
    assert status["builds"] == 1 and pid is not None
    page = _craftsman_page(site)
    assert "北京示例机械有限公司" in get(port, page)[1].decode("utf-8")
    assert "北京改名机械有限公司" not in decoded_text(site.root / "output")

    # a candidate file: the craftsman's page shows the new employer, the browsers are told to reload
    path = site.root / "data/candidates/2099/2099-001.yaml"
    path.write_text(path.read_text("utf-8").replace("北京示例机械有限公司", "北京改名机械有限公司"), "utf-8")
    second = events.next()
    assert second != first
    status_code, body = get(port, page)
    assert status_code == 200 and "北京改名机械有限公司" in body.decode("utf-8")
    assert RELOAD_PATH.encode() not in (site.root / "output" / page.strip("/") / "index.html").read_bytes()
    status = settled(port, 2)
    assert status["pid"] == pid and status["builds"] == 2
    assert status["engine_runs"] == 1 and status["model_reused"] is False  # the one edition, run again
    assert status["data_reused"] is False  # a file under data/: loaded again
    # then the search index catches up by itself, and the search page is told to reload
    events.next("search")
    assert ds.searches >= 1
    assert "北京改名机械有限公司" in decoded_text(site.root / "output")

    # a story: its page changes; nothing of the data changed, so neither engine nor model ran again
    story = site.root / "content/stories/zhang.md"
    story.write_text(story.read_text("utf-8").replace("这是故事正文。", "这是改过的故事正文。"), "utf-8")
    third = events.next()
    assert third not in (first, second)
    story_pages = [p for p in (site.root / "output").rglob("*.html") if "焊花里的三十年</h1>" in p.read_text("utf-8")]
    assert len(story_pages) == 1
    url = "/" + story_pages[0].relative_to(site.root / "output").as_posix()
    assert "这是改过的故事正文。" in get(port, url)[1].decode("utf-8")
    status = settled(port, 3, events)
    assert status["pid"] == pid and status["builds"] == 3
    assert status["engine_runs"] == 0 and status["model_reused"] is True
    assert status["data_reused"] is True  # nothing under data/ changed: not even read again

    # a template: every page shows it
    base = site.root / "theme/templates/base.html"
    base.write_text(base.read_text("utf-8").replace('<footer class="site-footer">',
                                                    '<footer class="site-footer"><p>模板修改测试</p>'), "utf-8")
    fourth = events.next()
    assert fourth not in (first, second, third)
    assert "模板修改测试" in get(port, page)[1].decode("utf-8")
    assert "模板修改测试" in get(port, "/")[1].decode("utf-8")
    assert json.loads(get(port, STATUS_PATH)[1])["pid"] == pid
    assert ds.wait_search(WAIT)
    assert not list(site.root.glob(".output.*"))  # no folder left behind by a build or a search


@pytest.mark.slow
def test_a_broken_template_keeps_the_last_good_site_and_the_next_save_recovers(running):
    site, ds, port, events, said = running
    first = events.next()
    pid = json.loads(get(port, STATUS_PATH)[1])["pid"]
    before = get(port, "/")[1]
    base = site.root / "theme/templates/base.html"
    good = base.read_text("utf-8")
    said.clear()
    base.write_text(good.replace('<footer class="site-footer">', '<footer class="site-footer">{% if %}'), "utf-8")
    deadline = time.monotonic() + WAIT
    while not any("生成失败" in s for s in said) and time.monotonic() < deadline:
        time.sleep(0.1)
    failed = next(i for i, s in enumerate(said) if "生成失败" in s)
    assert said[failed].endswith("继续显示上一次成功生成的网站。请修改以下问题，保存后会自动重新生成：")
    # the build's own message, as make html prints it (the line of the broken tag)
    line = good[:good.index('<footer class="site-footer">')].count("\n") + 1
    assert said[failed + 1].startswith("模板错误：") and f":{line}: 模板语法错误：" in said[failed + 1]
    assert get(port, "/")[1] == before  # still served, unchanged
    assert events.quiet(0.5) == []  # and no reload
    base.write_text(good.replace('<footer class="site-footer">', '<footer class="site-footer"><p>修好了</p>'), "utf-8")
    assert events.next() != first
    assert "修好了" in get(port, "/")[1].decode("utf-8")
    assert json.loads(get(port, STATUS_PATH)[1])["pid"] == pid
    assert ds.wait_search(WAIT)


def test_resident_data_is_reused_only_for_unchanged_files(tmp_path):
    from gongjiang_pipeline.engine import run as engine_run
    from gongjiang_pipeline.loading import load_project
    from gongjiang_pipeline.resident import Resident
    from gongjiang_pipeline.sitemodel import build_model

    site = SiteProject(tmp_path / "project")
    resident = Resident()

    def load():
        resident.start()
        project = load_project(site.root, records=resident.records(site.root, None),
                               run_engine=lambda ed: resident.result(engine_run, ed))
        results = {eid: resident.result(engine_run, ed) for eid, ed in project.editions.items()}
        return project, resident.model(build_model, project, results, AS_OF)

    first, model = load()
    assert resident.engine_runs == 1 and not resident.model_reused
    again, same_model = load()  # nothing changed: the same records, no engine run, the same model
    ed1, ed2 = first.editions["2099"], again.editions["2099"]
    assert all(a is b for a, b in zip(ed1.candidates, ed2.candidates)) and ed1.edition is ed2.edition
    assert resident.engine_runs == 0 and resident.model_reused and same_model is model

    path = site.root / "data/candidates/2099/2099-002.yaml"
    path.write_text(path.read_text("utf-8").replace("北京示例机械有限公司", "北京改名机械有限公司"), "utf-8")
    third, new_model = load()
    ed3 = third.editions["2099"]
    assert ed3.candidate("2099-002") is not ed2.candidate("2099-002")
    assert ed3.candidate("2099-002").employer == "北京改名机械有限公司"
    assert ed3.candidate("2099-001") is ed2.candidate("2099-001")  # the others are not read again
    assert resident.engine_runs == 1 and not resident.model_reused and new_model is not model
    # what was reused is what a fresh load gives
    fresh = load_project(site.root, cache=False)
    assert engine_run(fresh.editions["2099"]) == resident.result(engine_run, ed3)
    assert build_model(fresh, {"2099": engine_run(fresh.editions["2099"])}, AS_OF) == new_model


@pytest.mark.slow
def test_make_html_after_a_devserver_build_indexes_the_new_pages(tmp_path):
    """A devserver build leaves the search index as it was and is not recorded as complete:
    the next make html into the same folder indexes again (never "网站没有改动")."""
    from gongjiang_pipeline.resident import Resident
    from gongjiang_pipeline.sitebuild import build_into

    site = SiteProject(tmp_path / "project")
    out = site.root / "output"
    override = {"GONGJIANG_ENGINE": fake_engine}
    build_into(site.root, out, AS_OF, override=override)
    path = site.root / "data/candidates/2099/2099-001.yaml"
    path.write_text(path.read_text("utf-8").replace("北京示例机械有限公司", "北京改名机械有限公司"), "utf-8")
    build_into(site.root, out, AS_OF, override=override, resident=Resident(), search=False)
    assert "北京改名机械有限公司" in "".join(p.read_text("utf-8") for p in (out / "craftsmen").glob("*/index.html"))
    assert (out / "pagefind").is_dir() and "北京改名机械有限公司" not in decoded_text(out)  # the old index, kept
    summary = build_into(site.root, out, AS_OF, override=override)
    assert not summary.unchanged and summary.search_pages > 0
    assert "北京改名机械有限公司" in decoded_text(out)
    assert build_into(site.root, out, AS_OF, override=override).unchanged  # and now it is complete


@pytest.mark.browser
@pytest.mark.slow
def test_an_open_page_reloads_by_itself_after_a_save(running, chromium):
    """Chromium on the devserver: saving a candidate file reloads the open craftsman page,
    which then shows the change; the reload script runs under the pages' CSP."""
    from browserkit import PHONE, PageWatch

    site, ds, port, events, said = running
    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    try:
        page = context.new_page()
        watch = PageWatch().attach(page)
        with page.expect_response(lambda r: r.url.endswith(RELOAD_PATH)):  # the script ran and connected
            page.goto(f"http://127.0.0.1:{port}{_craftsman_page(site)}", wait_until="load")
        assert "北京示例机械有限公司" in page.content()
        page.evaluate("() => { window.__before_reload = true; }")
        page.wait_for_timeout(500)  # the stream's first message (the current build) has arrived
        path = site.root / "data/candidates/2099/2099-001.yaml"
        with page.expect_navigation(timeout=WAIT * 1000):
            path.write_text(path.read_text("utf-8").replace("北京示例机械有限公司", "北京改名机械有限公司"), "utf-8")
        page.wait_for_load_state("load")
        assert page.evaluate("() => window.__before_reload === undefined")  # a new document
        assert "北京改名机械有限公司" in page.content()
        assert watch.take() == []
        assert ds.wait_search(WAIT)
    finally:
        context.close()


def test_data_are_reused_only_after_a_good_load_and_while_nothing_under_data_changed(tmp_path):
    site = SiteProject(tmp_path / "project")
    site.story("zhang", "2099-001")
    said: list[str] = []
    ds = DevServer(site.root, site.root / "output", AS_OF, say=said.append, override={"GONGJIANG_ENGINE": fake_engine})
    cand = site.root / "data/candidates/2099/2099-002.yaml"
    story = site.root / "content/stories/zhang.md"
    good = cand.read_text("utf-8")
    assert ds.build(search=True)
    cand.write_text(good.replace("gender: 女", "gender: 难"), "utf-8")
    said.clear()
    assert not ds.build(changed={cand})
    assert "data/candidates/2099/2099-002.yaml:5:9: gender:" in said[1]
    # only a story changed since, but the last load failed: the data are read (and fail) again
    story.write_text(story.read_text("utf-8") + "\n又一段。\n", "utf-8")
    said.clear()
    assert not ds.build(changed={story})
    assert "data/candidates/2099/2099-002.yaml:5:9: gender:" in said[1]
    cand.write_text(good, "utf-8")
    assert ds.build(changed={cand}) and ds.last_build["data_reused"] is False
    story.write_text(story.read_text("utf-8") + "\n再一段。\n", "utf-8")
    assert ds.build(changed={story}) and ds.last_build["data_reused"] is True
    assert "再一段。" in "".join(p.read_text("utf-8") for p in (site.root / "output").rglob("*.html"))
    # a change outside content/ and theme/ (the settings) loads again
    assert ds.build(changed={site.root / "pelican.conf.py"}) and ds.last_build["data_reused"] is False


@pytest.mark.browser
@pytest.mark.slow
def test_the_search_page_reloads_again_once_the_index_caught_up(running, chromium):
    """After a save, the open search page (which the edit does not change) does not reload
    for the new pages, but it does once the index has been brought up to date in the background."""
    from browserkit import PHONE, PageWatch

    site, ds, port, events, said = running
    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    try:
        page = context.new_page()
        watch = PageWatch().attach(page)
        loads: list[float] = []
        page.on("load", lambda: loads.append(time.monotonic()))
        with page.expect_response(lambda r: r.url.endswith(RELOAD_PATH)):
            page.goto(f"http://127.0.0.1:{port}/search/", wait_until="load")
        page.wait_for_timeout(500)
        searches = ds.searches
        path = site.root / "data/candidates/2099/2099-001.yaml"
        path.write_text(path.read_text("utf-8").replace("北京示例机械有限公司", "北京改名机械有限公司"), "utf-8")
        deadline = time.monotonic() + WAIT
        while (len(loads) < 2 or ds.searches == searches) and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        page.wait_for_timeout(500)  # (any further reload would have come by now)
        assert ds.searches == searches + 1
        assert len(loads) == 2  # the first visit, the new index
        assert watch.take() == []
    finally:
        context.close()


def _served_tree(out) -> dict[str, bytes]:
    """Every file of a site folder but the search bundle (the devserver refreshes it in the background)."""
    from gongjiang_pipeline.searchbundles import BUNDLES_SCRIPT
    from gongjiang_pipeline.searchindex import BUNDLE_DIR

    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.relative_to(out).parts[0] != BUNDLE_DIR
            and p.relative_to(out).as_posix() != BUNDLES_SCRIPT}




@pytest.mark.slow
def test_after_edits_the_served_site_equals_a_clean_build(running, tmp_path):
    """A candidate and a story edited through the devserver: what it serves is byte for byte
    what a clean build of the same data makes, and each rebuild kept the pages the edit did
    not reach (the manifest and the graph, saved after the reload event, were used)."""
    from gongjiang_pipeline.buildcache import Manifest
    from gongjiang_pipeline.sitebuild import build_into

    site, ds, port, events, said = running
    first = events.next()
    total = sum(1 for _ in (site.root / "output").rglob("*.html"))
    path = site.root / "data/candidates/2099/2099-001.yaml"
    path.write_text(path.read_text("utf-8").replace("北京示例机械有限公司", "北京改名机械有限公司"), "utf-8")
    second = events.next()
    assert second != first
    status = settled(port, 2, events)
    assert 0 < status["rendered"] < total, status  # not every page: the previous build's record was there
    # recorded after the reload event: the page the edit rewrote is in the manifest as it is now
    page = _craftsman_page(site).strip("/") + "/index.html"
    manifest = Manifest.load(site.root / "cache" / "pages", site.root / "output")
    assert page in manifest.entries and manifest.fresh(page, manifest.entries[page][0])
    assert ds.wait_search(WAIT)
    story = site.root / "content/stories/zhang.md"
    story.write_text(story.read_text("utf-8").replace("这是故事正文。", "这是改过的故事正文。"), "utf-8")
    assert events.next() not in (first, second)
    status = settled(port, 3)
    assert 0 < status["rendered"] < total, status
    assert ds.wait_search(WAIT)

    clean = tmp_path / "clean"
    build_into(site.root, clean, AS_OF, override={"GONGJIANG_ENGINE": fake_engine}, search=False)
    served, built = _served_tree(site.root / "output"), _served_tree(clean)
    assert served.keys() == built.keys()
    assert [k for k in served if served[k] != built[k]] == []
    assert "这是改过的故事正文。".encode() in b"".join(served.values())


@pytest.mark.browser
@pytest.mark.slow
def test_only_the_open_pages_an_edit_changed_reload(running, chromium):
    """Three pages open. A citation saved: the craftsman page reloads with it (the first
    answer), the list and the errata page do not (nothing of theirs changed). An employer
    saved: the craftsman page reloads once (first answer), the list once (the full build),
    the errata page still not."""
    from browserkit import PHONE

    site, ds, port, events, said = running
    context = chromium.new_context(viewport=PHONE, locale="zh-CN")
    try:
        loads: dict[str, list] = {}
        pages = {}
        for key, url in (("craftsman", _craftsman_page(site)), ("list", "/editions/2099/nominees/"),
                         ("errata", "/errata/")):
            page = pages[key] = context.new_page()
            with page.expect_response(lambda r: r.url.endswith(RELOAD_PATH)):  # the script connected
                page.goto(f"http://127.0.0.1:{port}{url}", wait_until="load")
            loads[key] = []
            page.on("load", lambda _page, key=key: loads[key].append(1))
        # (waiting through Playwright: its event handlers run only while it is called)
        pages["errata"].wait_for_timeout(500)  # each stream's first message (the current build) has arrived
        path = site.root / "data/candidates/2099/2099-001.yaml"

        def save(old: str, new: str, builds: int) -> None:
            path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
            settled(port, builds)
            pages["errata"].wait_for_timeout(1000)  # the reload events of the full build have reached the pages

        save("三十年如一日钻研焊接技术。", "四十年如一日钻研焊接技术。", 2)
        assert {k: len(v) for k, v in loads.items()} == {"craftsman": 1, "list": 0, "errata": 0}
        assert "四十年如一日" in pages["craftsman"].content()
        save("北京示例机械有限公司", "北京改名机械有限公司", 3)
        assert {k: len(v) for k, v in loads.items()} == {"craftsman": 2, "list": 1, "errata": 0}
        assert "北京改名机械有限公司" in pages["list"].content()
        assert ds.wait_search(WAIT)
    finally:
        context.close()
