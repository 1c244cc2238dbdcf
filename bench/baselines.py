"""Baselines: the same number of pages built by plain Pelican (and Hugo, if installed)
from Markdown files with a minimal one-template theme.

Both get the same Markdown bodies (the generated stories, without their metadata),
the same page count, the same URLs (``/<slug>/index.html``) and an equivalent
template (title plus content). Hugo renders with every core by default
(``GOMAXPROCS``); the benchmark also runs it on one core for comparison."""

from __future__ import annotations

import shutil
from pathlib import Path

PELICAN_CONF = '''\
# Minimal Pelican project for the baseline (bench/baselines.py)
SITENAME = "baseline"
SITEURL = ""
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
PATH = "content"
THEME = "theme"
ARTICLE_PATHS = []
PAGE_PATHS = ["pages"]
STATIC_PATHS = []
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DIRECT_TEMPLATES = []
PAGINATED_TEMPLATES = {}
for _name in ("INDEX", "CATEGORY", "CATEGORIES", "TAG", "TAGS", "AUTHOR", "AUTHORS", "ARCHIVES",
              "YEAR_ARCHIVE", "MONTH_ARCHIVE", "DAY_ARCHIVE", "DRAFT", "DRAFT_PAGE", "ARTICLE_LANG", "PAGE_LANG"):
    globals()[_name + "_SAVE_AS"] = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = None
TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = TAG_FEED_RSS = None
DELETE_OUTPUT_DIRECTORY = True
CACHE_PATH = "cache"
CACHE_CONTENT = {cache}
LOAD_CONTENT_CACHE = {cache}
CONTENT_CACHING_LAYER = "reader"
'''

PAGE_TEMPLATE = """\
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ page.title }} - {{ SITENAME }}</title></head>
<body><main><h1>{{ page.title }}</h1>
{{ page.content }}
</main></body></html>
"""


def _bodies(stories_dir: Path) -> list[str]:
    """Markdown bodies to reuse: the generated stories without their metadata."""
    out = []
    for p in sorted(stories_dir.glob("*.md"))[:200]:
        text = p.read_text("utf-8")
        out.append(text.split("\n\n", 1)[1] if "\n\n" in text else text)
    return out or ["## 标题\n\n正文内容，用于基准测试。" * 10]


def pelican_project(dest: Path, pages: int, stories_dir: Path) -> Path:
    """A Pelican project with ``pages`` Markdown pages; ``pelicanconf.py`` (no content cache)
    and ``pelicanconf_cache.py`` (CACHE_CONTENT and LOAD_CONTENT_CACHE on)."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content" / "pages").mkdir(parents=True)
    (dest / "theme" / "templates").mkdir(parents=True)
    (dest / "theme" / "templates" / "page.html").write_text(PAGE_TEMPLATE, "utf-8")
    (dest / "pelicanconf.py").write_text(PELICAN_CONF.replace("{cache}", "False"), "utf-8")
    (dest / "pelicanconf_cache.py").write_text(PELICAN_CONF.replace("{cache}", "True"), "utf-8")
    bodies = _bodies(stories_dir)
    for i in range(pages):
        text = f"Title: 基准页面 {i + 1}\nSlug: page-{i + 1:06d}\n\n{bodies[i % len(bodies)]}"
        (dest / "content" / "pages" / f"page-{i + 1:06d}.md").write_text(text, "utf-8")
    return dest


# Only the pages themselves: no home page, section list, taxonomies, feeds, sitemap or 404, so
# the output holds exactly ``pages`` HTML files, at the same URLs as the Pelican baseline.
HUGO_CONFIG = """\
baseURL = "/"
languageCode = "zh-cn"
title = "baseline"
disableKinds = ["home", "section", "taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[permalinks]
  pages = "/:slug/"
"""

HUGO_SINGLE = """\
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }} - {{ site.Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>
{{ .Content }}
</main></body></html>
"""


def hugo_project(dest: Path, pages: int, stories_dir: Path) -> Path:
    """A Hugo site (``hugo.toml``, Hugo >= 0.110) with ``pages`` Markdown pages, the same bodies
    as the Pelican baseline, and one template; it renders exactly ``pages`` HTML files."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content" / "pages").mkdir(parents=True)
    (dest / "layouts" / "_default").mkdir(parents=True)
    (dest / "hugo.toml").write_text(HUGO_CONFIG, "utf-8")
    (dest / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, "utf-8")
    bodies = _bodies(stories_dir)
    for i in range(pages):
        text = f'---\ntitle: "基准页面 {i + 1}"\nslug: "page-{i + 1:06d}"\n---\n\n{bodies[i % len(bodies)]}'
        (dest / "content" / "pages" / f"page-{i + 1:06d}.md").write_text(text, "utf-8")
    return dest
