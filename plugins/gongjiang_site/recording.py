"""Template hooks that record what a page reads (gongjiang_pipeline/depgraph.py).

``install(env)`` is called for every generator's Jinja environment (generator_init,
before any template is compiled). While the caching writer renders a page it sets
:data:`ACTIVE` to that page's :class:`~gongjiang_pipeline.depgraph.Recorder`; every
way a template reaches data then records a read:

* a name of the context: ``Context.resolve_or_missing`` (our context class);
* ``x.name`` and ``x[key]`` (also ``sort(attribute=...)``, ``map``, ``groupby``...):
  ``Environment.getattr`` / ``getitem``;
* a call ``gj.person_url(p)``, ``ev.list('final')``: ``Context.call``, with its
  arguments and result (so what a helper reads in Python, settings, media, the model,
  is covered by re-running the call on the next build);
* an object printed as text: ``Environment.finalize``;
* a template: ``Environment.get_template`` (extends, include, import).

With no page being recorded the hooks only pass through.
"""

from __future__ import annotations

from types import MethodType
from typing import Any

from jinja2.runtime import Context, Undefined, missing
from jinja2.utils import _PassArg

from gongjiang_pipeline.depgraph import Recorder, materialized, plain

ACTIVE: Recorder | None = None


class RecordingContext(Context):
    def resolve_or_missing(self, key: str) -> Any:
        value = super().resolve_or_missing(key)
        r = ACTIVE
        if r is not None:
            if value is missing:
                r.absent_name(key)  # (``x is defined``: the page changes when x appears)
            else:
                r.ctx(key, value)
        return value

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja's signature
        result = Context.call(__self, __obj, *args, **kwargs)
        r = ACTIVE
        if r is not None and r.path_of(__obj) is not None:
            if _takes_context(__obj):
                r.broken = r.broken or "a recorded callable that takes the template context"
            elif not isinstance(result, Undefined):
                if type(result) not in _NOT_ITERATORS:
                    result = materialized(result)
                kw = {k: v for k, v in kwargs.items() if k not in ("_loop_vars", "_block_vars")} if kwargs else kwargs
                r.call(__obj, args, kw, result)
        return result


_NOT_ITERATORS = frozenset({str, int, bool, type(None), tuple, list, dict})
# function of a bound method -> whether it takes the template context (pass_context...):
# a method's answer is its function's (``jinja_pass_arg`` is read through to it), and
# the same few helpers are called thousands of times per build
_TAKES_CONTEXT: dict[Any, bool] = {}


def _passes_context(obj: Any) -> bool:
    return _PassArg.from_obj(obj) is not None or _PassArg.from_obj(getattr(obj, "__call__", None)) is not None


def _takes_context(obj: Any) -> bool:
    if type(obj) is not MethodType:
        return _passes_context(obj)
    func = obj.__func__
    hit = _TAKES_CONTEXT.get(func)
    if hit is None:
        hit = _TAKES_CONTEXT[func] = _passes_context(obj)
    return hit


def install(env) -> None:
    """Hook ``env`` (once)."""
    if getattr(env, "_gongjiang_recording", False):
        return
    base_getattr, base_getitem, base_get_template = env.getattr, env.getitem, env.get_template
    before = env.finalize

    def getattr_(obj: Any, attribute: str) -> Any:
        value = base_getattr(obj, attribute)
        r = ACTIVE
        if r is not None:
            if isinstance(value, Undefined):
                r.absent(obj, "a", attribute)
            else:
                r.attr(obj, attribute, value)
        return value

    def getitem(obj: Any, argument: Any) -> Any:
        value = base_getitem(obj, argument)
        r = ACTIVE
        if r is not None:
            if isinstance(value, Undefined):
                r.absent(obj, "i", argument)
            else:
                r.item(obj, argument, value)
        return value

    def get_template(name, parent=None, globals=None):  # noqa: A002 - Jinja's signature
        template = base_get_template(name, parent, globals)
        r = ACTIVE
        if r is not None:
            r.template(template.name)
        return template

    def finalize(value: Any) -> Any:
        r = ACTIVE
        if r is not None:
            _shown(r, value)
        return before(value) if before is not None else value

    for name in _TEXT_FILTERS:
        # (a filter copied from a hooked environment, the English one's, is wrapped already)
        if name in env.filters and not getattr(env.filters[name], "_gongjiang_shows", False):
            env.filters[name] = _shows_arguments(env.filters[name])
    env.getattr, env.getitem, env.get_template = getattr_, getitem, get_template
    env.finalize = finalize
    env.context_class = RecordingContext
    env.plain_getattr, env.plain_getitem = base_getattr, base_getitem  # for evaluating reads
    env._gongjiang_recording = True


# filters that turn their arguments into text (``{{ p|string }}``, ``join``, ``tojson``...):
# an object passed to one is read as text, like an object printed
_TEXT_FILTERS = (
    "string", "join", "format", "e", "escape", "forceescape", "tojson", "pprint", "truncate", "wordcount",
    "upper", "lower", "title", "capitalize", "trim", "replace", "striptags", "urlencode", "urlize", "indent",
    "center", "wordwrap", "safe", "list", "unique",
)


def _shows_arguments(f):
    def filter_(*args, **kwargs):
        r = ACTIVE
        if r is not None:
            for value in (*args, *kwargs.values()):
                _shown(r, value)
        return f(*args, **kwargs)

    filter_._gongjiang_shows = True
    filter_.__name__ = getattr(f, "__name__", "filter")
    filter_.__qualname__ = getattr(f, "__qualname__", "filter")
    for attr in ("jinja_pass_arg",):  # pass_context / pass_eval_context / pass_environment
        if hasattr(f, attr):
            setattr(filter_, attr, getattr(f, attr))
    return filter_


def _shown(r: Recorder, value: Any) -> None:
    if plain(value) or isinstance(value, Undefined):
        return
    if type(value) in (list, tuple):
        for v in value:
            _shown(r, v)
    elif r.path_of(value) is not None:
        r.shown(value)


def template_digester(env):
    """``name -> digest`` of a template's source as ``env`` finds it (memoised)."""
    from gongjiang_pipeline.buildcache import digest

    memo: dict[str, str] = {}

    def template_digest(name: str) -> str:
        hit = memo.get(name)
        if hit is None:
            source, filename, _ = env.loader.get_source(env, name)
            hit = memo[name] = digest(filename, source)
        return hit

    return template_digest
