"""Jinja's compiled templates kept under cache/ between ``make html`` builds
(plugins/gongjiang_site/generator.py ``_template_cache``): used only by the version of
our code that wrote them (the recording hooks are compiled into the templates) and with the Jinja options that
wrote them, and checked by Jinja against each template's source."""

from __future__ import annotations

import sys
from pathlib import Path

from jinja2 import DictLoader, Environment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

from gongjiang_site.generator import _template_cache  # noqa: E402
from gongjiang_site.writer import CachingWriter  # noqa: E402


def _render(cache, source: str) -> str:
    env = Environment(loader=DictLoader({"page.html": source}), bytecode_cache=cache)
    return env.get_template("page.html").render(name="单立新")


def test_a_template_is_compiled_once_and_again_when_its_source_changes(tmp_path):
    cache = _template_cache(tmp_path)
    assert _render(cache, "<p>{{ name }}</p>") == "<p>单立新</p>"
    stored = sorted(p.name for p in (tmp_path / "templates").iterdir())
    assert len(stored) == 2 and "VERSION" in stored  # one compiled template
    # a new build (a new cache object): the stored code is used for the same source...
    assert _render(_template_cache(tmp_path), "<p>{{ name }}</p>") == "<p>单立新</p>"
    # ...and an edited template is compiled again
    assert _render(_template_cache(tmp_path), "<h1>{{ name }}</h1>") == "<h1>单立新</h1>"


def test_templates_compiled_by_another_version_of_our_code_are_dropped(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "VERSION").write_text("another version", "utf-8")
    (folder / "__jinja2_0123.cache").write_bytes(b"old code")
    _template_cache(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["VERSION"]
    assert (folder / "VERSION").read_text("utf-8").split("\n")[0] == CachingWriter.code_version()


def test_other_jinja_options_drop_the_compiled_templates(tmp_path):
    # trim_blocks changes what a source compiles to: code compiled without it must not be used
    source = "{% if name %}\n<p>{{ name }}</p>{% endif %}"
    assert _render(_template_cache(tmp_path, {"extensions": ["jinja2.ext.do"]}), source) == "\n<p>单立新</p>"
    env = Environment(loader=DictLoader({"page.html": source}), trim_blocks=True,
                      bytecode_cache=_template_cache(tmp_path, {"extensions": ["jinja2.ext.do"], "trim_blocks": True}))
    assert env.get_template("page.html").render(name="单立新") == "<p>单立新</p>"
    # the same options again: the stored code is kept
    stored = sorted(p.name for p in (tmp_path / "templates").iterdir())
    _template_cache(tmp_path, {"trim_blocks": True, "extensions": ["jinja2.ext.do"]})
    assert sorted(p.name for p in (tmp_path / "templates").iterdir()) == stored


def test_the_devservers_compiled_templates_are_dropped_when_the_jinja_options_change():
    from gongjiang_pipeline.resident import TemplateCache
    from gongjiang_site.generator import jinja_options_key

    source = "{% if name %}\n<p>{{ name }}</p>{% endif %}"
    cache = TemplateCache()
    plain = cache.made_with(jinja_options_key({}))
    assert _render(plain, source) == "\n<p>单立新</p>" and len(cache.entries) == 1
    assert cache.made_with(jinja_options_key({})).entries  # the same options: kept
    trimmed = cache.made_with(jinja_options_key({"trim_blocks": True}))
    assert not trimmed.entries
    env = Environment(loader=DictLoader({"page.html": source}), trim_blocks=True, bytecode_cache=trimmed)
    assert env.get_template("page.html").render(name="单立新") == "<p>单立新</p>"
