"""News (content/news/, Pelican articles) and 专题 pages (data/topics/), issue 15.4.

News articles are read by Pelican's ArticlesGenerator together with the stories; they
are told apart by their folder. Pelican's own machinery does the rest: the category of
an article is its ``Category:`` (通知公告 / 新闻动态 / 专题报道), its ``Tags:`` are Pelican
tags, and Pelican writes the paginated category and tag pages (CATEGORY_SAVE_AS,
TAG_SAVE_AS, PAGINATED_TEMPLATES in pelican.conf.py). The news index and the Atom feeds
(all news, one per category) are written here with Pelican's paginating writer and
its feed writer. Who and what is public: gongjiang_pipeline/news.py.
"""

from __future__ import annotations

from typing import Any

from gongjiang_pipeline import news
from gongjiang_pipeline.sitemodel import SiteDataError

NEWS_KEY = "GONGJIANG_NEWS"  # the published news articles, newest first
TOPICS_KEY = "GONGJIANG_TOPICS"  # the public topics (news.TopicView), newest first

DEFAULTS: dict[str, Any] = {
    "GONGJIANG_NEWS_ARTICLE_URL": "news/{slug}/",
    "GONGJIANG_NEWS_ARTICLE_SAVE_AS": "news/{slug}/index.html",
    "GONGJIANG_NEWS_URL": "news/",
    "GONGJIANG_NEWS_SAVE_AS": "news/index.html",
    "GONGJIANG_NEWS_FEED_URL": "feeds/news.atom.xml",
    "GONGJIANG_NEWS_FEED_SAVE_AS": "feeds/news.atom.xml",
    "GONGJIANG_NEWS_CATEGORY_FEED_URL": "feeds/news/{slug}.atom.xml",
    "GONGJIANG_NEWS_CATEGORY_FEED_SAVE_AS": "feeds/news/{slug}.atom.xml",
    "GONGJIANG_TOPICS_URL": "topics/",
    "GONGJIANG_TOPICS_SAVE_AS": "topics/index.html",
    "GONGJIANG_TOPIC_URL": "topics/{id}/",
    "GONGJIANG_TOPIC_SAVE_AS": "topics/{id}/index.html",
}


def is_news(content) -> bool:
    return content.relative_source_path.replace("\\", "/").startswith("news/")


def craftsmen_of(article) -> list[str]:
    return news.split_list(str(article.metadata.get("craftsmen", "") or ""))


def prepare(content) -> None:
    """``content_object_init`` for a news article: its URL, output path and template."""
    settings = content.settings
    fmt = content.url_format
    content.override_url = settings.get("GONGJIANG_NEWS_ARTICLE_URL", DEFAULTS["GONGJIANG_NEWS_ARTICLE_URL"]).format(**fmt)
    content.override_save_as = settings.get(
        "GONGJIANG_NEWS_ARTICLE_SAVE_AS", DEFAULTS["GONGJIANG_NEWS_ARTICLE_SAVE_AS"]
    ).format(**fmt)
    content.template = "news_article"


def keep(article, model, all_ids: set[str]) -> bool:
    """Whether a news article is published now (raises on what ``make check`` reports in full)."""
    where = f"content/{article.relative_source_path}"
    if article.category.name not in news.CATEGORIES:
        raise SiteDataError(f"{where}：未知的栏目「{article.category.name}」，栏目只能是：{'、'.join(news.CATEGORIES)}")
    ids = craftsmen_of(article)
    for cid in ids:
        if cid not in all_ids:
            raise SiteDataError(f"{where}：未知的工匠编号「{cid}」")
    return news.is_public(article.date.date(), ids, model.as_of, model.person)


def finalize(article_generator) -> None:
    """``article_generator_finalized``: only news categories get pages and feeds (the
    stories' folder category is not one); remember the published news."""
    gen = article_generator
    gen.categories[:] = [(c, arts) for c, arts in gen.categories if c.name in news.CATEGORIES]
    gen.categories.sort(key=lambda ca: news.CATEGORIES.index(ca[0].name))
    published = [a for a in gen.articles if is_news(a)]
    gen.settings[NEWS_KEY] = sorted(published, key=lambda a: (a.date, a.slug), reverse=True)


class NewsHelpers:
    """Mixed into the template helpers ``gj``."""

    settings: dict

    @property
    def news(self) -> list:
        return self.settings.get(NEWS_KEY, [])

    def news_of(self, person) -> list:
        return [a for a in self.news if person.id in craftsmen_of(a)]

    def news_people(self, article) -> list:
        return [p for p in (self.model.person(c) for c in craftsmen_of(article)) if p is not None]

    def edition_events(self, ev) -> list:
        """(event, article) of an edition's 启动会, 新闻发布会, 命名大会 articles that are published."""
        found = {}
        for a in self.news:
            meta = a.metadata
            if str(meta.get("edition", "")).strip() == ev.id and meta.get("event") in news.EVENTS:
                found[meta["event"]] = a
        return [(e, found[e]) for e in news.EVENTS if e in found]

    def news_sample(self, article) -> bool:
        """A news article about a sample edition or naming sample people is sample data
        (示例数据 badge, noindex, not in the sitemap)."""
        eid = str(article.metadata.get("edition", "") or "").strip()
        if any(ev.sample for ev in self.model.editions if ev.id == eid):
            return True
        people = self.news_people(article)
        return bool(people) and all(p.sample for p in people)

    def all_news_sample(self, articles) -> bool:
        """A list page showing only sample news is noindex and not in the sitemap."""
        articles = list(articles)
        return bool(articles) and all(self.news_sample(a) for a in articles)

    def topic_sample(self, v) -> bool:
        def sample(e) -> bool:
            if e.kind == "craftsman":
                return e.target.sample
            if e.kind == "news":
                return self.news_sample(e.target)
            return self.story_person(e.target).sample

        return all(sample(e) for e in v.entries)

    def category_feed_url(self, cat) -> str:
        return self.url("NEWS_CATEGORY_FEED", slug=cat.slug)

    @property
    def topics(self) -> tuple:
        return self.settings.get(TOPICS_KEY, ())

    def topic_url(self, v) -> str:
        return self.url("TOPIC", id=v.id)

    def topics_of(self, kind: str, target) -> list:
        return [v for v in self.topics if any(e.kind == kind and e.target is target for e in v.entries)]


def resolve_topics(settings: dict, project_topics, context: dict, model) -> None:
    """Topics with their public items, once Pelican has read (and filtered) the articles."""
    stories = {a.slug: a for a in context.get("articles", []) if not is_news(a)}
    published = {a.slug: a for a in settings.get(NEWS_KEY, [])}
    settings[TOPICS_KEY] = news.public_topics(
        project_topics, model.as_of, stories=stories, news=published, person=model.person
    )


def write(gen, writer) -> None:
    """The news index (paginated), the feeds of all news and of each category, the topic pages."""
    h, s = gen.helpers, gen.settings
    articles = s.get(NEWS_KEY, [])
    url = h.url("NEWS")
    sample = h.all_news_sample(articles)
    if not sample:
        gen.urls.append(url)
    writer.write_file(
        gen._s("NEWS_SAVE_AS"), gen.get_template("news"), gen.context, s["RELATIVE_URLS"],
        paginated={"articles": articles}, template_name="news", override_output=True, url=url.lstrip("/"),
        page_name=url.strip("/"), page_url=url, canonical=h.absolute(url), noindex=sample,
        news_articles=articles,
    )
    base = s.get("GONGJIANG_CANONICAL_BASE", "").rstrip("/")
    # Pelican's feed writer makes entry links from SITEURL: give it the absolute base
    feed_context = dict(gen.context, SITEURL=base, FEED_DOMAIN=base)
    if articles:  # (an empty feed would carry the time of the build: no feed, no link to it)
        writer.write_feed(articles, feed_context, gen._s("NEWS_FEED_SAVE_AS"), h.url("NEWS_FEED").lstrip("/"),
                          feed_title="新闻公告")
    for cat, arts in gen.context.get("categories", []):
        writer.write_feed(
            arts, feed_context, gen._s("NEWS_CATEGORY_FEED_SAVE_AS", slug=cat.slug),
            h.url("NEWS_CATEGORY_FEED", slug=cat.slug).lstrip("/"), feed_title=cat.name,
        )
    for group, arts in [*gen.context.get("categories", []), *gen.context.get("tags", [])]:
        if not h.all_news_sample(arts):
            gen.urls.append("/" + group.url)
    for a in articles:
        if not h.news_sample(a):
            gen.urls.append("/" + a.url)
    gen._write(gen._s("TOPICS_SAVE_AS"), "topics", h.url("TOPICS"),
               noindex=bool(h.topics) and all(h.topic_sample(v) for v in h.topics))
    for v in h.topics:
        gen._write(gen._s("TOPIC_SAVE_AS", id=v.id), "topic", h.topic_url(v), noindex=h.topic_sample(v), topic=v)
