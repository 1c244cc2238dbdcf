"""Checks over a built site's files, without a browser: internal links and anchors,
and HTML validity with the Nu HTML Checker (vnu.jar from npm; needs Java).

Both return what they found wrong (an empty list when all is well); the broken
fixtures in tests/test_quality_checks_fail.py show that they do report problems.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

TESTS = Path(__file__).resolve().parent
VNU_JAR = TESTS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# attributes holding a URL, by element
_URL_ATTRS = {
    "a": ("href",),
    "link": ("href",),
    "area": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "form": ("action",),
    "meta": ("content",),  # og:image, og:url: absolute URLs under the canonical base
}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[str, str, int]] = []  # (tag.attr, url, line)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.ids.add(a[key])  # type: ignore[arg-type]
        if tag == "meta" and a.get("property") not in ("og:image", "og:url"):
            return
        for attr in _URL_ATTRS.get(tag, ()):
            value = a.get(attr)
            if not value:
                continue
            if attr == "srcset":
                for part in value.split(","):
                    if part.strip():
                        self.urls.append((f"{tag}.{attr}", part.split()[0], self.getpos()[0]))
            else:
                self.urls.append((f"{tag}.{attr}", value.strip(), self.getpos()[0]))

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _Page:
    p = _Page()
    p.feed(path.read_text("utf-8"))
    p.close()
    return p


def _target(site: Path, url_path: str) -> Path | None:
    """The file a root-relative URL path is served from, as a static server would."""
    rel = unquote(url_path).lstrip("/")
    candidate = (site / rel).resolve()
    if site.resolve() not in candidate.parents and candidate != site.resolve():
        return None
    if candidate.is_dir():
        if not url_path.endswith("/") and url_path:
            return None  # served as a redirect by most servers; links should end in /
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def check_links(site: Path, canonical_base: str = "https://gongjiang.example.org") -> list[str]:
    """Every internal href/src/action (and #anchor) in every HTML page, and every URL
    under ``canonical_base`` in HTML, the sitemap and the feed, resolves to a file
    (and an element id) of ``site``. Returns ``页面:行: 问题`` lines."""
    site = Path(site)
    problems: list[str] = []
    pages = {p: _parse(p) for p in sorted(site.rglob("*.html"))}
    ids = {p.resolve(): pg.ids for p, pg in pages.items()}
    base = canonical_base.rstrip("/")

    def check(where: str, page_url: str, url: str) -> None:
        if url.startswith(base + "/") or url == base:
            url = url[len(base):] or "/"
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            return  # external (http:, mailto:, data: ...): not ours to check
        path = parts.path
        if not path:
            path = page_url  # "#anchor" or "?q=" on the same page
        elif not path.startswith("/"):
            path = page_url.rsplit("/", 1)[0] + "/" + path
        target = _target(site, path)
        if target is None:
            problems.append(f"{where}: 链接目标不存在：{url}")
            return
        if parts.fragment and target.suffix == ".html":
            if unquote(parts.fragment) not in ids.get(target.resolve(), set()):
                problems.append(f"{where}: 页面 {path} 中没有锚点 #{parts.fragment}")

    for p, pg in pages.items():
        rel = p.relative_to(site).as_posix()
        page_url = "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        for what, url, line in pg.urls:
            check(f"{rel}:{line} ({what})", page_url, url)
    # absolute URLs in the sitemap and the feed
    for p in sorted(site.rglob("*.xml")):
        rel = p.relative_to(site).as_posix()
        for m in re.finditer(r"(?:<loc>|href=\")(https?://[^<\"]+)", p.read_text("utf-8")):
            url = m.group(1)
            if url.startswith(base):
                check(f"{rel}", "/", url)
    return problems


# --------------------------------------------------------------------------
# Nu HTML Checker


def java() -> str | None:
    return shutil.which("java")


def validate_html(files: list[Path], timeout: int = 600) -> list[str]:
    """Errors the Nu HTML Checker (``vnu.jar --errors-only``) reports for ``files``:
    ``文件:行: 说明`` lines; [] when every file is valid HTML."""
    if not files:
        raise ValueError("no files to validate")
    cmd = [java() or "java", "-Xss8m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    # vnu writes its JSON report to stderr and exits 1 when there are errors
    report = run.stderr.strip() or run.stdout.strip()
    try:
        messages = json.loads(report)["messages"]
    except (ValueError, KeyError):
        raise RuntimeError(f"vnu.jar 输出无法解析（退出码 {run.returncode}）：{report[:2000]}") from None
    out = []
    for m in messages:
        if m.get("type") in ("error", "non-document-error") or m.get("subType") == "fatal":
            where = unquote(urlsplit(m.get("url", "")).path)
            out.append(f"{where}:{m.get('lastLine', '?')}: {m.get('message', '')}")
    if run.returncode not in (0, 1) or (run.returncode == 1 and not out):
        raise RuntimeError(f"vnu.jar 运行失败（退出码 {run.returncode}）：{report[:2000]}")
    return out
