"""Pelican settings of the 北京大工匠 site. Build with `make html` (gongjiang build),
which sets GONGJIANG_AS_OF and the output folder; see docs/site.md."""

from jinja2 import StrictUndefined

SITENAME = "北京大工匠"
SITEURL = ""  # Pelican's link prefix: links inside the site are root-relative (/craftsmen/...)
# The site's public address: canonical links, sitemap, feeds, QR codes, share cards,
# badges and certificates point to it. Still the placeholder: a build for preview may
# use it, `make publish` refuses it. Set the real domain here, or give it on the command
# line: make publish SITEURL=https://... (docs/site.md, "网站地址"; gongjiang_pipeline/siteurl.py)
GONGJIANG_CANONICAL_BASE = "https://gongjiang.example.org"
# Content-Security-Policy of every page (<meta http-equiv>) and of the generated _headers
# and nginx-csp.conf (docs/site.md, "Content-Security-Policy"). No inline script or style:
# scripts, styles, images and fonts come from the site itself; 'wasm-unsafe-eval' lets
# Pagefind's search compile its WebAssembly (it allows no JavaScript eval).
GONGJIANG_CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh-CN"
DEFAULT_DATE = None  # a story without a date fails the build
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
THEME_STATIC_DIR = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["gongjiang_site"]

# a template that uses an undefined name fails the build
JINJA_ENVIRONMENT = {
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": True,
    "undefined": StrictUndefined,
    # {% trans %} in the theme (the English edition, issue 18: plugins/gongjiang_site/i18n.py)
    "extensions": ["jinja2.ext.i18n"],
}

# stories (articles) live in content/stories, news (articles too, issue 15.4) in
# content/news, policy pages in content/pages
ARTICLE_PATHS = ["stories", "news"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
SLUGIFY_SOURCE = "basename"
ARTICLE_URL = "stories/{slug}/"
ARTICLE_SAVE_AS = "stories/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
ARTICLE_ORDER_BY = "reversed-date"

# nothing Pelican would generate on its own: our generator writes the index,
# lists, feed and sitemap; no categories, tags, authors, archives or drafts
DIRECT_TEMPLATES = []
INDEX_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
# News (content/news/): Pelican's category and tag pages, paginated. Only the three news
# categories get pages (a story's folder category gets none: plugins/gongjiang_site/news.py);
# news article URLs and the feeds are GONGJIANG_NEWS_* settings (docs/site.md).
USE_FOLDER_AS_CATEGORY = False  # a news article names its category (Category:); stories and pages get none
CATEGORY_URL = "news/{slug}/"
CATEGORY_SAVE_AS = "news/{slug}/index.html"
TAG_URL = "news/tags/{slug}/"
TAG_SAVE_AS = "news/tags/{slug}/index.html"
# category slugs (Pelican transliterates before substituting): 通知公告 -> notices ...
CATEGORY_REGEX_SUBSTITUTIONS = [
    ("Tong Zhi Gong Gao", "notices"),
    ("Xin Wen Dong Tai", "updates"),
    ("Zhuan Ti Bao Dao", "features"),
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
]
DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"category": None, "tag": None, "news": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None

# every build starts from an empty folder (gongjiang build syncs it into the output)
DELETE_OUTPUT_DIRECTORY = True
OUTPUT_RETENTION = []
# Pelican's reader cache: a story or page whose bytes (md5) are unchanged is not read
# and converted from Markdown again. The build puts the cache in
# cache/pelican/<digest of the settings and our code>/, so a change to any setting
# (MARKDOWN, ...) or to the code starts an empty cache (sitebuild.content_cache_path).
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
CHECK_MODIFIED_METHOD = "md5"

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
    },
    "output_format": "html5",
}

# Output paths of the data-driven pages (defaults in plugins/gongjiang_site/generator.py):
# GONGJIANG_CRAFTSMAN_SAVE_AS = "craftsmen/{slug}/index.html", GONGJIANG_LIST_SAVE_AS = ...
TEMPLATE_EXTENSIONS = [".html", ".xml"]

# The English edition (issue 18): a story or policy page with `Lang: en` and the Slug of
# its Chinese original is its translation; our generator writes it under /en/ with the
# English catalogue (plugins/gongjiang_site/i18n.py). Pelican itself writes no
# translation (ARTICLE_LANG_SAVE_AS and PAGE_LANG_SAVE_AS above are empty).
ARTICLE_LANG_URL = "{lang}/stories/{slug}/"
PAGE_LANG_URL = "{lang}/{slug}/"
