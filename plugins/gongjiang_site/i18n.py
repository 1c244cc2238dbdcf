"""The English edition (issue 18): gettext catalogues for the theme, and the helpers
the templates use when they render a page a second time in English.

Every fixed string of the theme is marked for Jinja's i18n extension (``{% trans %}``,
``_()``); its msgid is the Chinese text. Chinese pages are rendered with null
translations (the msgid itself, so they come out as before); English pages with the
catalogue ``theme/translations/en/LC_MESSAGES/messages.po``, compiled in memory by
Babel at build time (no binary catalogue in the repository). ``pybabel extract -F
babel.cfg`` regenerates ``theme/translations/messages.pot`` (docs/site.md).

Which pages exist in English is decided by :mod:`gongjiang_pipeline.english` (data
only); this module only renders.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import Environment

from gongjiang_pipeline import english
from gongjiang_pipeline.depgraph import pure
from gongjiang_pipeline.errors import GongjiangError

I18N_EXTENSION = "jinja2.ext.InternationalizationExtension"
EN_PREFIX = "en"  # English pages live under /en/
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def N_(msgid: str) -> str:
    """Marks a msgid for ``pybabel extract`` (babel.cfg: keyword N_); returns it as is."""
    return msgid


# Chinese words from the data and the pipeline that templates translate with _():
# timeline labels and notes (publication.py), gender, the notice period's unit
DATA_MSGIDS = (
    N_("启动"), N_("推荐"), N_("资格审核"), N_("行业比选"), N_("公布提名人选"), N_("公众投票"),
    N_("公布最佳人气奖"), N_("综合评审"), N_("社会公示"), N_("审定命名"), N_("公布北京大工匠名单"),
    N_("名单待公布"), N_("公示名单待公布"), N_("男"), N_("女"), N_("工作日"), N_("自然日"),
)


class CatalogueError(GongjiangError):
    """The English catalogue cannot be read."""


def catalogue_path(theme: Path, lang: str = "en") -> Path:
    return Path(theme) / "translations" / lang / "LC_MESSAGES" / "messages.po"


def load_translations(theme: Path, lang: str = "en") -> gettext.GNUTranslations:
    """The theme's catalogue for ``lang``, compiled from its .po file by Babel."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = catalogue_path(theme, lang)
    try:
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang)
    except (OSError, ValueError) as exc:
        raise CatalogueError(f"无法读取翻译文件 {path}：{exc}") from None
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def install_chinese(env: Environment) -> None:
    """The i18n extension with null translations: ``{% trans %}`` gives the Chinese msgid."""
    if I18N_EXTENSION not in env.extensions:
        env.add_extension("jinja2.ext.i18n")
    env.install_null_translations()
    _plain_alias(env)


def english_environment(env: Environment, settings: dict, helpers: Any) -> Environment:
    """A second environment over the same templates, with the English catalogue and
    English helpers as ``gj`` (its own globals: the Chinese environment is untouched)."""
    opts = dict(settings.get("JINJA_ENVIRONMENT") or {})
    exts = list(opts.pop("extensions", []) or [])
    if "jinja2.ext.i18n" not in exts:
        exts.append("jinja2.ext.i18n")
    # (the same compiled-template cache: a resident build process keeps one, resident.py)
    en = Environment(loader=env.loader, extensions=exts, bytecode_cache=env.bytecode_cache, **opts)
    en.filters.update(env.filters)
    en.tests.update(env.tests)
    en.globals.update(env.globals)
    en.globals["gj"] = helpers
    en.install_gettext_translations(load_translations(Path(settings["THEME"])), newstyle=False)
    _plain_alias(en)
    return en


def _plain_alias(env: Environment) -> None:
    """``_()`` as the plain ``gettext`` (not Jinja's alias, which takes the template
    context and calls ``gettext`` through it): the same text, and a call the dependency
    recording follows like any other (a callable taking the context cannot be recorded,
    plugins/gongjiang_site/recording.py)."""
    env.globals["_"] = env.globals["gettext"]


def en_url(url: str) -> str:
    """``/craftsmen/x/`` -> ``/en/craftsmen/x/``."""
    return f"/{EN_PREFIX}" + (url if url.startswith("/") else "/" + url)


def en_save_as(save_as: str) -> str:
    return f"{EN_PREFIX}/{save_as}"


class LanguageMixin:
    """What differs between the Chinese and English rendering of a template; the
    Chinese values reproduce the Chinese pages exactly."""

    lang = "zh"
    html_lang = "zh-CN"
    og_locale = "zh_CN"
    other_lang = "en"
    other_label = "English"
    home = "/"
    other_home = "/en/"

    @property
    def site_name(self) -> str:
        return self.settings["GONGJIANG_SITE_NAME"]  # type: ignore[attr-defined]

    def local_pages(self, pages) -> list:
        """The policy pages of this language (footer, navigation)."""
        return list(pages)

    def translation(self, content):
        """The other language's version of a story or page (None: there is none)."""
        return next((t for t in getattr(content, "translations", ()) if t.lang == "en"), None)

    def alt_of(self, content) -> str | None:
        """The URL of a story's or page's other-language version, for hreflang and the switch."""
        t = self.translation(content)
        return None if t is None else "/" + t.url

    @pure
    def name_of(self, ref) -> str:
        """An occupation, district or sector (sitemodel.Ref)."""
        return ref.name

    @pure
    def person_name(self, p) -> str:
        return p.name

    @pure
    def citation(self, p) -> str:
        return p.citation

    @pure
    def edition_name(self, ev) -> str:
        return ev.name

    @pure
    def edition_summary(self, ev) -> str | None:
        return ev.summary

    @pure
    def list_title(self, ev, lv) -> str:
        """``lv``: a sitemodel.ListView or Honour."""
        return lv.title

    def other_url(self, person) -> str:
        """The person's page in the other language (English pages: the Chinese page)."""
        return en_url(self.person_url(person))  # type: ignore[attr-defined]


class EnglishMixin(LanguageMixin):
    lang = "en"
    html_lang = "en"
    og_locale = "en_GB"
    other_lang = "zh-Hans"
    other_label = "中文"
    home = "/en/"
    other_home = "/"

    @property
    def site_name(self) -> str:
        return self.settings["GONGJIANG_SITE_NAME_EN"]  # type: ignore[attr-defined]

    def local_pages(self, pages) -> list:
        return [t for p in pages for t in p.translations if t.lang == "en"]

    def translation(self, content):
        return next((t for t in getattr(content, "translations", ()) if t.lang != "en"), None)

    # pages that exist in English (the rest link to the Chinese pages)
    EN_PAGES = frozenset({"STATS", "SEARCH"})

    def url(self, name: str, **kw: Any) -> str:
        base = super().url(name, **kw)  # type: ignore[misc]
        if name in self.EN_PAGES and self.english_editions:
            return en_url(base)
        if name in ("EDITION", "LIST") and kw.get("edition") in self.english_ids:
            return en_url(base)
        return base

    # (EnglishHelpers: the URL pattern, and which editions are in English)
    @pure(state=lambda self: (self.settings.get("GONGJIANG_CRAFTSMAN_URL"), tuple(sorted(self.english_ids))))
    def person_url(self, person) -> str:
        base = super().person_url(person)  # type: ignore[misc]
        return en_url(base) if english.person_in_english(person, self.english_ids) else base

    @cached_property
    def english_editions(self) -> tuple:
        return tuple(ev for ev in self.zh_model.editions if english.edition_in_english(ev))

    @cached_property
    def english_ids(self) -> frozenset[str]:
        return frozenset(ev.id for ev in self.english_editions)

    @staticmethod
    def date(d: dt.date | dt.datetime) -> str:
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"

    @staticmethod
    def span(a: dt.date, b: dt.date) -> str:
        return EnglishMixin.date(a) if a == b else f"{EnglishMixin.date(a)} to {EnglishMixin.date(b)}"

    @pure
    def name_of(self, ref) -> str:
        return ref.name_en or ref.name

    @pure
    def person_name(self, p) -> str:
        return p.name_en

    @pure
    def citation(self, p) -> str:
        return p.citation_en or p.citation

    @pure
    def edition_name(self, ev) -> str:
        return ev.edition.name_en or ev.name

    @pure
    def edition_summary(self, ev) -> str | None:
        return ev.edition.summary_en

    @pure
    def list_title(self, ev, lv) -> str:
        key = getattr(lv, "list_key", None) or lv.key
        return ev.edition.awards.titles_en.get(key) or lv.title

    def other_url(self, person) -> str:
        return super().person_url(person)  # type: ignore[misc]
