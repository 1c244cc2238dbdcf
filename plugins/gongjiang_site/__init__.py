"""Pelican plugin for the 北京大工匠 site: a thin adapter over gongjiang_pipeline.

All decisions (who is public, order, slugs, statistics, open data) are made by the
pure modules in ``gongjiang_pipeline``; this plugin only loads the project, hands
the results to templates and writes files.
"""

from pelican import signals

from .authored import check_static_files, sanitize_content, strip_static_metadata
from .generator import (
    GongjiangGenerator,
    add_template_helpers,
    filter_stories,
    load_site_model,
)
from .news import finalize as finalize_news
from .preview import keep_articles
from .writer import CachingWriter, flush_writer


def get_generators(pelican_object):
    return GongjiangGenerator


def get_writer(pelican_object):
    return CachingWriter


def register():
    # Load and check the data, run the selection engine and build the site model
    # once, before any generator reads content: story filtering and every template
    # need it, and bad data must stop the build before anything is written.
    signals.initialized.connect(load_site_model)
    # Every generator (ours, and Pelican's article/page generators) gets the same
    # template helpers, so stories and policy pages can link to craftsmen.
    signals.generator_init.connect(add_template_helpers)
    # Every story and policy page, as its reader produced it: unknown metadata keys
    # fail the build; the body, summary and title are sanitised (allow-list) before
    # any template or feed sees them.
    signals.content_object_init.connect(sanitize_content)
    # Static files from the content folder: raster images only, and once everything
    # is written, each one is replaced by a copy without EXIF/XMP/comments.
    signals.static_generator_finalized.connect(check_static_files)
    signals.finalized.connect(strip_static_metadata)
    # Stories are Pelican articles; drop the ones about people who are not public
    # yet, and fail on stories naming nobody, before categories, feeds and
    # archives are derived from the article list.
    signals.article_generator_pretaxonomy.connect(filter_stories)
    # News (content/news/): only its categories get Pelican's category pages; the
    # published news are remembered for craftsman, edition and topic pages.
    signals.article_generator_finalized.connect(finalize_news)
    # A resident build (make devserver) keeps the article generator, its readers and
    # context, so that the next story edit can be read again and its page shown first.
    signals.article_generator_finalized.connect(keep_articles)
    # Our own generator writes the data-driven pages (editions, lists, craftsmen,
    # browse pages, statistics, open data, feed, sitemap, 404).
    signals.get_generators.connect(get_generators)
    # Our writer keeps pages whose inputs have not changed since the previous build
    # and queues the others, so that they can be rendered on every core at once.
    signals.get_writer.connect(get_writer)
    # The queued pages are rendered once every generator has handed its pages over,
    # still inside Pelican's run, so a template error fails the build like before.
    signals.finalized.connect(flush_writer)
