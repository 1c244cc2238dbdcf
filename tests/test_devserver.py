"""Preview servers: `serve` (as built) and `devserver` (rebuild on change, live reload, last good build kept)."""

import datetime as dt
import http.client
import threading
import time

import pytest
from sitekit import SiteProject

from gongjiang_pipeline.devserver import RELOAD_JS, RELOAD_JS_PATH, RELOAD_PATH, RELOAD_SCRIPT, DevServer, DevServerError, Generation, inject, make_server, serve


def test_inject_before_the_last_body_end():
    assert inject(b"<html><body><p>x</p></BODY ></html>", "<s>") == b"<html><body><p>x</p><s></BODY ></html>"
    assert inject(b"<p>no body</p>", "<s>") == b"<p>no body</p><s>"


@pytest.fixture
def output(tmp_path):
    out = tmp_path / "output"
    (out / "craftsmen/a").mkdir(parents=True)
    (out / "index.html").write_text("<html><body><h1>首页</h1></body></html>", "utf-8")
    (out / "craftsmen/a/index.html").write_text("<html><body>甲</body></html>", "utf-8")
    (out / "404.html").write_text("<html><body>页面不存在</body></html>", "utf-8")
    (out / "site.css").write_text("body{}", "utf-8")
    return out


class Running:
    def __init__(self, server):
        self.server = server
        self.port = server.server_address[1]
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)
        self.thread.start()

    def get(self, path, timeout=10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type"), resp.read()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def test_live_server_injects_only_into_html(output):
    gen = Generation()
    srv = Running(make_server(output, "127.0.0.1", 0, gen))
    try:
        status, ctype, body = srv.get("/")
        assert (status, ctype) == (200, "text/html; charset=utf-8")
        assert body == ("<html><body><h1>首页</h1>" + RELOAD_SCRIPT + "</body></html>").encode("utf-8")
        assert srv.get("/craftsmen/a/")[2].count(RELOAD_PATH.encode()) == 1
        assert srv.get("/site.css")[2] == b"body{}"
        # the script is a same-origin file, not inline (the pages' CSP forbids inline script)
        assert RELOAD_SCRIPT == f'<script src="{RELOAD_JS_PATH}"></script>'
        assert srv.get(RELOAD_JS_PATH) == (200, "text/javascript; charset=utf-8", RELOAD_JS.encode("utf-8"))
        assert f'new EventSource("{RELOAD_PATH}")'.encode() in srv.get(RELOAD_JS_PATH)[2]
        status, _, body = srv.get("/nope/")
        assert status == 404 and "页面不存在".encode() in body and RELOAD_PATH.encode() in body
        assert srv.get("/craftsmen/a")[0] == 301  # folders without the slash redirect, as on the real server

        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.request("GET", RELOAD_PATH)
        resp = conn.getresponse()
        assert resp.getheader("Content-Type") == "text/event-stream; charset=utf-8"
        first = resp.fp.readline()
        assert first == f"data: {gen.value}\n".encode()
        resp.fp.readline()
        gen.bump()
        second = resp.fp.readline()
        assert second.startswith(b"data: ") and second != first
        gen.close()
        conn.close()
    finally:
        srv.stop()


def test_plain_server_serves_files_as_built(output):
    srv = Running(make_server(output, "127.0.0.1", 0, None))
    try:
        assert srv.get("/")[2] == "<html><body><h1>首页</h1></body></html>".encode("utf-8")
        assert srv.get(RELOAD_PATH)[0] == 404
        assert srv.get(RELOAD_JS_PATH)[0] == 404
    finally:
        srv.stop()


def test_serve_needs_a_built_site_and_a_free_port(tmp_path, output):
    with pytest.raises(DevServerError) as exc:
        serve(tmp_path / "nothing", "127.0.0.1", 0)
    assert str(exc.value) == f"{tmp_path / 'nothing'} 中还没有生成好的网站：请先运行 make html（或用 make devserver 边改边看）"
    srv = Running(make_server(output, "127.0.0.1", 0, None))
    try:
        with pytest.raises(DevServerError) as exc:
            make_server(output, "127.0.0.1", srv.port, None)
        assert str(exc.value).startswith(f"无法在 127.0.0.1:{srv.port} 启动预览服务器（")
        assert str(exc.value).endswith(f"请用 make devserver PORT={srv.port + 1}（或 make serve PORT={srv.port + 1}）换一个端口")
    finally:
        srv.stop()


@pytest.mark.browser
@pytest.mark.slow
def test_live_reload_in_chromium_under_the_sites_csp(tab, sample_site):
    """The preview of the real sample site: the reload script runs under the pages'
    Content-Security-Policy without a violation, and a new build reloads the page."""
    gen = Generation()
    srv = Running(make_server(sample_site, "127.0.0.1", 0, gen))
    try:
        page = tab.page
        with page.expect_response(lambda r: r.url.endswith(RELOAD_PATH)):  # the script ran and connected
            page.goto(f"http://127.0.0.1:{srv.port}/craftsmen/shan-lixin/", wait_until="load")
        assert page.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
        page.evaluate("() => { window.__before_reload = true; }")
        page.wait_for_timeout(500)  # the stream's first message (the current build) has arrived
        with page.expect_navigation():
            gen.bump()
        assert page.evaluate("() => window.__before_reload === undefined")
        assert tab.watch.take() == []
    finally:
        gen.close()
        srv.stop()


@pytest.mark.slow
def test_rebuild_keeps_the_last_good_site(tmp_path):
    site = SiteProject(tmp_path / "project")
    said = []
    ds = DevServer(site.root, site.root / "output", dt.date(2099, 7, 1), say=said.append)
    assert ds.build()
    index = (site.root / "output/index.html").read_bytes()
    assert RELOAD_PATH.encode() not in index  # the files on disk are what make html writes
    assert said[-1].endswith("（按 2099-07-01 的公开范围），浏览器将自动刷新。")
    assert "已重新生成网站，用时 " in said[-1]
    before = ds.generation.value

    site.write("data/candidates/2099/2099-002.yaml", (site.root / "data/candidates/2099/2099-002.yaml")
               .read_text("utf-8").split("\n", 1)[1].replace("gender: 女", "gender: 难"))
    said.clear()
    assert not ds.build()
    assert "生成失败（用时 " in said[0] and said[0].endswith("继续显示上一次成功生成的网站。请修改以下问题，保存后会自动重新生成：")
    assert said[1].splitlines() == [
        "data/candidates/2099/2099-002.yaml:5:9: gender: 取值「难」无效，应为以下之一：男、女",
        "数据检查未通过：1 个文件中共有 1 处错误。",
    ]
    assert (site.root / "output/index.html").read_bytes() == index
    assert ds.generation.value == before  # browsers are not reloaded

    site.story("zhang", "2099-001", title="【待填写：一句话标题】")
    site.write("data/candidates/2099/2099-002.yaml", (site.root / "data/candidates/2099/2099-002.yaml")
               .read_text("utf-8").split("\n", 1)[1].replace("gender: 难", "gender: 女"))
    said.clear()
    assert ds.build()
    # (nobody is public without stage files: the story is not published, the site is the last good one)
    assert (site.root / "output/index.html").read_bytes() == index
    assert ds.generation.value == before  # no file changed: no page to reload
    assert said[0].endswith("（按 2099-07-01 的公开范围），网页没有变化。")
    assert said[1] == "提示：以下内容在提交前还需要处理（make check 会报错）："


@pytest.mark.slow
def test_watch_rebuilds_after_a_change_under_data(tmp_path):
    site = SiteProject(tmp_path / "project")
    said = []
    ds = DevServer(site.root, site.root / "output", dt.date(2099, 7, 1), say=said.append)
    assert ds.build()
    stop = threading.Event()
    watcher = threading.Thread(target=ds.watch, args=(stop,), kwargs={"debounce": 200, "step": 50}, daemon=True)
    watcher.start()
    try:
        time.sleep(0.5)
        path = site.root / "data/editions/2099.yaml"
        path.write_text(path.read_text("utf-8").replace("name: 测试届次", "name: 改名后的测试届次"), "utf-8")
        deadline = time.monotonic() + 60
        while ds.builds < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert ds.builds == 2, said
        assert any(s.endswith("检测到修改：data/editions/2099.yaml，正在重新生成……") for s in said)
        assert "改名后的测试届次" in (site.root / "output/editions/2099/index.html").read_text("utf-8")
    finally:
        stop.set()
        watcher.join(10)
    assert not watcher.is_alive()


@pytest.mark.parametrize("bumps, seen_at, want", [
    ([["a/index.html"], ["b/index.html"]], 0, ["/a/index.html", "/b/index.html"]),  # the union since
    ([["a/index.html"], ["b/index.html"]], 1, ["/b/index.html"]),
    ([["a/index.html"], []], 1, []),  # a build that changed no page
    ([["a/index.html"], None], 0, None),  # one of them may have changed anything
    ([["a/index.html"]] * 70, 0, None),  # further back than the history: not known
    ([["a/index.html"]] * 70, 69, ["/a/index.html"]),
])
def test_the_reload_stream_says_which_pages_changed_since_it_last_sent(bumps, seen_at, want):
    gen = Generation()
    seen = None
    for i, pages in enumerate(bumps):
        if i == seen_at:
            seen = gen.value
        gen.bump(pages)
    if seen_at == len(bumps):
        seen = gen.value
    assert gen.changed_since(seen) == want
    assert gen.changed_since("another-server-0") is None and gen.changed_since(None) is None


def test_the_reload_stream_sends_the_pages_with_the_generation(output):
    gen = Generation()
    srv = Running(make_server(output, "127.0.0.1", 0, gen))
    try:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
        conn.request("GET", RELOAD_PATH)
        resp = conn.getresponse()
        assert resp.fp.readline() == f"data: {gen.value}\n".encode()  # at once: the generation alone
        resp.fp.readline()
        gen.bump(["craftsmen/a/index.html", "index.html"])
        assert resp.fp.readline() == f'data: {gen.value} ["/craftsmen/a/index.html", "/index.html"]\n'.encode()
        resp.fp.readline()
        gen.bump()  # anything may have changed: no list, every open page reloads
        assert resp.fp.readline() == f"data: {gen.value}\n".encode()
        gen.close()
        conn.close()
    finally:
        srv.stop()
