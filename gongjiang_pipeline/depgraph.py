"""The dependency graph of the site's pages: for every page, the inputs it *read*.

Pure (no Pelican, no Jinja): the plugin's template hooks (``plugins/gongjiang_site/
recording.py``) call a :class:`Recorder` while a page renders; the caching writer
stores what was read in a :class:`Graph` and, on the next build, keeps a page only
if every read gives the same digest again (:func:`evaluate`).

*What a read is.* Every value a template reaches starts at a name of the page's
context (``person``, ``ev``, ``gj``, ``SITENAME``...) and goes on through attribute
and item look-ups, calls and iteration. A value is either *plain* (text, numbers,
dates, and lists, tuples and dicts of them), digested by content, or an *object*
(a record of the site model, a Pelican story, the ``gj`` helpers, a bound method),
digested only as a placeholder: what the page shows of it is recorded when the
template reads it. Each object reached is remembered under its *path*, the chain
of steps that led to it (``("ctx", "ev"), ("a", "people"), ("#", 3)``), so that the
next build can walk the same path in its own context and compare. A read is

* ``("ctx", name)``: a name of the page context;
* ``("a", path, name)`` / ``("i", path, key)``: an attribute or item of an object;
* ``("c", path, args, kwargs)``: a call of a callable object (a helper, a method of
  a record), with its arguments (plain values, or paths of objects);
* ``("s", path)``: an object printed as text (``{{ category }}``);
* ``("t", name)``: a template the page used (extends, includes, imports);
* ``("?", name)``: a name the page context did not have (``alt_url is defined``);
  an attribute or item an object did not have is its ``("a", ...)``/``("i", ...)``
  read with the digest :data:`ABSENT` (``p.nav is defined``): when it appears, the
  page is rendered again;
* ``("=", path, first)``: a read returned an object the page had already reached by
  another path (reads of it are recorded under the first one): the two paths must
  still lead to one object.

A value that cannot be described this way (an argument that is neither plain nor
an object reached before, a set of objects, an object with no content-based
description) makes the page *unrecordable*: it is rendered by every build.

*Where.* ``<page cache>/depgraph-<output>.pickle`` next to the manifest
(``buildcache.Manifest``), with a version key: the graph format and the code
version; any other version starts an empty graph. Deleting it is always safe.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import os
import pickle
from decimal import Decimal
from pathlib import Path
from collections.abc import Iterator, Mapping
from typing import Any, Callable, Iterable

from .buildcache import output_cache_file

GRAPH_VERSION = 6  # 2: 8-byte digests; 3: absent names and attributes; 4: page keys; 5: own objects;
# 6: call results among them
ABSENT = "absent"  # the digest of a name, attribute or item that was not there

Path_ = tuple  # a path: a tuple of steps, the first ("ctx", name)


class Unrecordable(Exception):
    """A value that cannot be recorded: the page is rendered every time."""


_SCALARS = (str, int, float, bool, type(None), dt.date, dt.time, Decimal, enum.Enum)


def plain(value: Any) -> bool:
    return isinstance(value, _SCALARS)


# containers that count as objects, not as plain values (the site's settings: a template
# reading one setting depends on that setting only); id -> the container, kept alive
_OBJECTS: dict[int, Any] = {}


def as_object(container: Any) -> None:
    """Treat ``container`` (a dict) as an object: its items are read one by one."""
    _OBJECTS[id(container)] = container


def forget_objects() -> None:
    """At the start of a build: drop the previous builds' containers (a resident process
    such as the devserver builds many times), and the memoised digests of plain values.
    The content digests of the value objects the last build digested are kept for this
    one (a value object is immutable: a resident process reuses the records and the site
    model of unchanged data as the very same objects); those this build does not reach
    again are dropped at the next."""
    _OBJECTS.clear()
    _PLAIN_DIGESTS.clear()
    _KINDS.clear()
    _CONTENT_BEFORE.clear()
    _CONTENT_BEFORE.update((k, v) for k, v in _CONTENT.items() if v[1] is not None)
    _CONTENT.clear()
    _SHAPES.clear()


# how ``_feed`` treats a value of a type (the type decides everything but the identity
# checks against ``_OBJECTS``), memoised per type: the isinstance chain (``Mapping`` is an
# ABC) is paid once per type and build, not once per value
_FAST, _SCALAR, _OBJECT, _SEQUENCE, _MAPPING, _SET = range(6)
_KINDS: dict[type, int] = {}


def _kind(t: type) -> int:
    k = _KINDS.get(t)
    if k is None:
        if t is str or t is int or t is bool or t is type(None):
            k = _FAST
        elif issubclass(t, _SCALARS):
            k = _SCALAR
        elif t is tuple or t is list:
            k = _SEQUENCE
        elif t is dict or (issubclass(t, Mapping) and t.__module__ in ("types", "builtins")):
            k = _MAPPING
        elif issubclass(t, (set, frozenset)):
            k = _SET
        else:
            k = _OBJECT
        _KINDS[t] = k
    return k


_OBJECT_BYTES: dict[type, bytes] = {}


def _object_bytes(t: type) -> bytes:
    """What an object of type ``t`` is digested as: a placeholder naming its type."""
    b = _OBJECT_BYTES.get(t)
    if b is None:
        b = _OBJECT_BYTES[t] = b"o" + f"{t.__module__}.{t.__qualname__}".encode() + b";"
    return b


def _feed(h, value: Any, path: Path_ | None, found: list | None, depth: int = 0) -> None:
    """Digest ``value`` structurally: plain values by content, objects as a placeholder
    (collected with their paths into ``found`` when ``path`` is given)."""
    if depth > 40:
        raise Unrecordable("nested too deeply")
    t = type(value)
    k = _KINDS.get(t)
    if k is None:
        k = _kind(t)
    if k == _FAST:  # the common case first
        b = f"{t.__qualname__}:{value!r}".encode("utf-8", "surrogatepass")
        h.update(b"v%d:" % len(b) + b)
    elif k == _SCALAR:
        if isinstance(value, (dt.date, dt.time)):
            text = value.isoformat() + repr(getattr(value, "tzinfo", None))
        elif isinstance(value, enum.Enum):
            text = f"{t.__module__}.{t.__qualname__}.{value.name}"
        else:
            text = repr(value)
        b = f"{t.__qualname__}:{text}".encode("utf-8", "surrogatepass")
        h.update(b"v%d:" % len(b) + b)
    elif k == _OBJECT or (id(value) in _OBJECTS and _OBJECTS[id(value)] is value):
        # an object (or a container treated as one): what the page shows of it is recorded
        # when it is read
        h.update(_object_bytes(t))
        if found is not None and path is not None:
            found.append((value, path))
    elif k == _SEQUENCE:
        h.update(b"(%s%d" % (t.__name__.encode(), len(value)))
        for i, v in enumerate(value):
            _feed(h, v, None if path is None else path + (("#", i),), found, depth + 1)
        h.update(b")")
    elif k == _MAPPING:
        h.update(b"{%d" % len(value))
        for key, v in value.items():
            if not plain(key):
                raise Unrecordable("a mapping keyed by objects")
            _feed(h, key, None, None, depth + 1)
            _feed(h, v, None if path is None else path + (("i", key),), found, depth + 1)
        h.update(b"}")
    else:  # _SET
        if not all(plain(v) for v in value):
            raise Unrecordable("a set of objects")
        parts = sorted(value_digest(v) for v in value)
        h.update(b"<%d:" % len(parts) + b"".join(parts) + b">")


def materialized(value: Any) -> Any:
    """What a recorded call returns: an iterator (a generator method such as
    ``Lineage.walk``) as the list of what it yields, so that the items are recorded."""
    return list(value) if isinstance(value, Iterator) else value


def value_digest(value: Any, path: Path_ | None = None, found: list | None = None) -> bytes:
    """8 bytes: the graph holds one per read of every page, and compares each with
    the same read's digest in the next build only."""
    h = hashlib.blake2b(digest_size=8)
    _feed(h, value, path, found)
    return h.digest()


# digests of texts, numbers, booleans and None, memoised: the pages of a build read the
# same names, URLs and labels again and again. Keyed by (type, value) (1 == True);
# bounded, and emptied at the start of every build (forget_objects)
_PLAIN_DIGESTS: dict[tuple, bytes] = {}
_PLAIN_MEMO_LIMIT = 500_000


def _plain_digest(value: Any) -> bytes:
    key = (type(value), value)
    d = _PLAIN_DIGESTS.get(key)
    if d is None:
        if len(_PLAIN_DIGESTS) >= _PLAIN_MEMO_LIMIT:
            _PLAIN_DIGESTS.clear()
        d = _PLAIN_DIGESTS[key] = value_digest(value)
    return d


_OBJECT_DIGESTS: dict[type, bytes] = {}


def _object_digest(t: type) -> bytes:
    """``value_digest`` of any object of type ``t`` (kind ``_OBJECT``): its placeholder."""
    d = _OBJECT_DIGESTS.get(t)
    if d is None:
        d = _OBJECT_DIGESTS[t] = hashlib.blake2b(_object_bytes(t), digest_size=8).digest()
    return d


class Recorder:
    """The reads of one page's render, in the order they first happened."""

    def __init__(self, root: Mapping[str, Any], globals_: Mapping[str, Any], template_digest: Callable[[str], str]):
        self.root = root
        self.globals = globals_
        self.template_digest = template_digest
        self.paths: dict[int, tuple[Any, Path_]] = {}  # id(object) -> (object, path): keeps them alive
        self.reads: dict[tuple, bytes | str] = {}  # read -> digest (a template: its hex digest)
        self.broken: str | None = None  # why the page cannot be recorded
        self._by_path: dict | None = None  # path -> object, once rendered (reached)

    # ---- bookkeeping

    def path_of(self, obj: Any) -> Path_ | None:
        hit = self.paths.get(id(obj))
        return hit[1] if hit is not None and hit[0] is obj else None

    def _read(self, read: tuple, value: Any, parent: Path_, step: tuple) -> None:
        """Record ``read``, which gave ``value``, reached from ``parent`` by ``step``."""
        t = type(value)
        if t is str or t is int or t is bool or value is None:
            if read not in self.reads:
                self.reads[read] = _plain_digest(value)
            return
        path = parent + (step,)  # (built only for a value that is not plain text or a number)
        k = _KINDS.get(t)
        if k is None:
            k = _kind(t)
        if k == _OBJECT:  # what _feed does for an object, without walking it (the common case)
            entry = self.paths.get(id(value))
            if entry is None:
                self.paths[id(value)] = (value, path)
                first = path
            else:
                first = entry[1]
            self.reads.setdefault(read, _object_digest(t))
            if first != path:  # (see below)
                self.reads.setdefault(("=", path, first), "same")
            return
        found: list = []
        try:
            d = value_digest(value, path, found)
        except Unrecordable as exc:
            self.broken = self.broken or str(exc)
            return
        for obj, p in found:
            if id(obj) not in self.paths:
                self.paths[id(obj)] = (obj, p)
        self.reads.setdefault(read, d)
        if found and found[0][1] == path:  # the value itself is an object
            first = self.paths[id(value)][1]
            if first != path:
                # the same object as one reached before (``gj.person(id)`` and ``ev.people[0]``):
                # its reads are recorded under the first path, so the two must stay one object
                self.reads.setdefault(("=", path, first), "same")

    def reached(self, path: Path_) -> Any:
        """The object ``path`` led to, if it is the path that object was first reached by
        (KeyError otherwise): for ``own_checks`` after the page rendered."""
        if self._by_path is None:
            self._by_path = {p: obj for obj, p in self.paths.values()}
        return self._by_path[path]

    def lookup(self, name: str) -> Any:
        if name in self.root:
            return self.root[name]
        return self.globals[name]

    # ---- reads (called by the template hooks)

    def ctx(self, name: str, value: Any) -> None:
        if (name in self.root and self.root[name] is value) or (
            name not in self.root and self.globals.get(name, _MISSING) is value
        ):
            self._read(("ctx", name), value, (), ("ctx", name))

    def attr(self, obj: Any, name: str, value: Any) -> None:
        hit = self.paths.get(id(obj))  # (path_of, inline: the most frequent read)
        if hit is not None and hit[0] is obj:
            path = hit[1]
            self._read(("a", path, name), value, path, ("a", name))

    def absent_name(self, name: str) -> None:
        """The template looked up ``name`` and the context had no such name."""
        self.reads.setdefault(("?", name), ABSENT)

    def absent(self, obj: Any, kind: str, name: Any) -> None:
        """The template looked up ``obj.name`` (kind ``"a"``) or ``obj[name]`` (``"i"``, a
        plain key) and there was none."""
        path = self.path_of(obj)
        if path is not None and plain(name):
            self.reads.setdefault((kind, path, name), ABSENT)

    def item(self, obj: Any, key: Any, value: Any) -> None:
        path = self.path_of(obj)
        if path is not None:
            if not plain(key):
                kp = self.path_of(key)
                if kp is None:
                    self.broken = self.broken or "an item looked up by an unknown object"
                    return
                key = ("r", kp)
            self._read(("i", path, key), value, path, ("i", key))

    def call(self, func: Any, args: tuple, kwargs: Mapping[str, Any], result: Any) -> None:
        path = self.path_of(func)
        if path is None:
            return
        arg = self._arg
        try:
            enc = (tuple([arg(a) for a in args]) if args else (),
                   tuple(sorted([(k, arg(v)) for k, v in kwargs.items()])) if kwargs else ())
        except Unrecordable as exc:
            self.broken = self.broken or str(exc)
            return
        self._read(("c", path) + enc, result, path, ("c",) + enc)

    def shown(self, obj: Any) -> None:
        path = self.path_of(obj)
        if path is not None:
            self._read(("s", path), str(obj), path, ("s",))

    def template(self, name: str) -> None:
        if ("t", name) not in self.reads:
            self.reads[("t", name)] = self.template_digest(name)

    def _arg(self, value: Any) -> tuple:
        t = type(value)
        if t is str or t is int or t is bool or value is None or plain(value):
            return ("v", value)
        if type(value) in (tuple, list):
            return ("l", type(value).__name__, tuple(self._arg(v) for v in value))
        path = self.path_of(value)
        if path is None:
            raise Unrecordable(f"an argument of type {type(value).__qualname__} reached by no recorded path")
        return ("r", path)

    def result(self) -> list[tuple[tuple, bytes | str]] | None:
        """The reads as a list, or None when the page could not be recorded."""
        return None if self.broken else list(self.reads.items())


_MISSING = object()


# --------------------------------------------------------------------------
# evaluating a recorded read in another build


class Changed(Exception):
    """A recorded path no longer leads anywhere."""


class Evaluator:
    """Digests of recorded reads in the current build. Steps on the same object are
    evaluated once per build (the ``gj`` helpers, the site model, shared records)."""

    def __init__(self, getattr_: Callable[[Any, str], Any], getitem: Callable[[Any, Any], Any],
                 template_digest: Callable[[str], str], absent: Callable[[Any], bool] = lambda v: False):
        self.absent = absent  # whether a looked-up value means "not there" (Jinja's Undefined)
        self.getattr = getattr_
        self.getitem = getitem
        self.template_digest = template_digest
        self._steps: dict[tuple, tuple] = {}
        self._digests: dict[tuple, tuple[Any, str]] = {}
        # the paths resolved for the page being checked (its ``lookup``): the reads of one
        # page share most of their paths (``gj.media.verify(person)`` and its attributes)
        self._page: Any = None
        self._paths: dict[tuple, tuple] = {}

    def _step(self, obj: Any, step: tuple, lookup) -> Any:
        kind = step[0]
        if kind == "c":  # by the objects the arguments are now (a path means another object on each page)
            args = tuple(self._decode(a, lookup) for a in step[1])
            kwargs = {k: self._decode(v, lookup) for k, v in step[2]}
            memo_key = (id(obj), "c", tuple(map(_ident, args)), tuple((k, _ident(v)) for k, v in kwargs.items()))
        elif kind == "i" and type(step[1]) is tuple and step[1] and step[1][0] == "r":
            key = self.resolve(step[1][1], lookup)
            memo_key = (id(obj), "i", _ident(key))
        else:
            memo_key = (id(obj), step)
        hit = self._steps.get(memo_key)
        if hit is not None and hit[0] is obj:
            return hit[1]
        if kind == "a":
            value = self.getattr(obj, step[1])
        elif kind == "i":
            value = self.getitem(obj, key if memo_key[1] == "i" else step[1])
        elif kind == "#":
            if type(obj) not in (tuple, list):
                raise Changed
            value = obj[step[1]]
        elif kind == "c":
            value = materialized(obj(*args, **kwargs))
        else:
            raise Changed
        # the arguments are kept alive with the entry, so that their ids are not reused
        self._steps[memo_key] = (obj, value, step, args if kind == "c" else None)
        return value

    def _decode(self, enc: tuple, lookup) -> Any:
        if enc[0] == "v":
            return enc[1]
        if enc[0] == "l":
            items = [self._decode(e, lookup) for e in enc[2]]
            return tuple(items) if enc[1] == "tuple" else items
        return self.resolve(enc[1], lookup)

    def resolve(self, path: Path_, lookup) -> Any:
        if lookup is not self._page:
            self._page, self._paths = lookup, {}
        paths = self._paths
        hit = paths.get(path)
        if hit is not None:
            return hit[0]
        n = len(path)
        if n == 1:
            obj = lookup(path[0][1])
        else:
            obj = self._step(self.resolve(path[:-1], lookup), path[-1], lookup)
        paths[path] = (obj,)
        return obj

    def _value_digest(self, value: Any) -> bytes:
        t = type(value)
        if t is str or t is int or t is bool or value is None:
            return _plain_digest(value)  # (memoised: the same names and URLs again and again)
        if plain(value):
            return value_digest(value)
        hit = self._digests.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        d = value_digest(value)
        self._digests[id(value)] = (value, d)
        return d

    def digest(self, read: tuple, lookup: Callable[[str], Any]) -> bytes | str | None:
        """The digest ``read`` gives now, or None if it cannot be evaluated."""
        try:
            kind = read[0]
            if kind == "t":
                return self.template_digest(read[1])
            if kind == "ctx":
                return self._value_digest(lookup(read[1]))
            if kind == "?":
                try:
                    lookup(read[1])
                except KeyError:
                    return ABSENT
                return "present"
            if kind == "=":
                return "same" if self.resolve(read[1], lookup) is self.resolve(read[2], lookup) else "other"
            target = self.resolve(read[1], lookup)
            if kind == "s":
                return value_digest(str(target))
            value = self._step(target, (kind,) + read[2:], lookup)
            return ABSENT if self.absent(value) else self._value_digest(value)
        except Exception:  # noqa: BLE001 - whatever went wrong, the page is rendered again
            return None


def _ident(value: Any) -> tuple:
    if plain(value):
        return ("v", type(value).__qualname__, value)
    if type(value) in (tuple, list):
        return ("l", tuple(map(_ident, value)))
    return ("id", id(value))


def unchanged(reads: Iterable[tuple[tuple, bytes | str]], evaluator: Evaluator, lookup: Callable[[str], Any]) -> bool:
    """Whether every recorded read gives the digest it gave when it was recorded."""
    return all(evaluator.digest(read, lookup) == d for read, d in reads)


def roots(read: tuple) -> tuple[str, ...]:
    """The context names a read starts from: its path's first step, and those of the paths
    in its arguments (a call, an item looked up by an object, the two paths of ``=``)."""
    kind = read[0]
    if kind == "t":
        return ()
    if kind == "ctx" or kind == "?":
        return (read[1],)
    found: list[str] = []
    _roots_of(read[1:], found)
    return tuple(found)


def _roots_of(value: Any, found: list[str]) -> None:
    if type(value) is not tuple:
        return
    if len(value) == 2 and value[0] == "ctx" and type(value[1]) is str:
        if value[1] not in found:
            found.append(value[1])
        return
    for v in value:
        _roots_of(v, found)


class ReadIndex:
    """The recorded reads of every page by the objects they start from, for one build.

    A read's digest is a function of the objects its root names stand for in the page's
    context (``roots``): the evaluator walks the same steps from the same objects (and
    memoises steps by object identity on that ground). Most reads of most pages start
    from objects every page shares (the ``gj`` helpers, the settings, Pelican's lists,
    ``_``): each such read is evaluated once per build and then only looked up; a read
    from a page's own objects (``person``, ``lv``) is evaluated for that page. The root
    objects are kept with each entry, so an id is never taken for another object.
    ``?`` reads (whether a name is there) are always evaluated (a dict look-up)."""

    def __init__(self, evaluator: Evaluator):
        self.evaluator = evaluator
        # read -> (its one root name or None, its root names, {ids of the root objects:
        # (digest, the root objects)}); a read with one root is keyed by that object's id
        self._reads: dict[tuple, tuple[str | None, tuple[str, ...], dict]] = {}

    def digest(self, read: tuple, lookup: Callable[[str], Any]) -> bytes | str | None:
        entry = self._reads.get(read)
        if entry is None:
            one = _single_root(read)
            entry = self._reads[read] = (one, (one,) if one is not None else roots(read), {})
        one, names, seen = entry
        if one is not None:  # the common case: one root, no tuples built
            try:
                obj = lookup(one)
            except Exception:  # noqa: BLE001 - a name no longer there: evaluated (it tells)
                return self.evaluator.digest(read, lookup)
            hit = seen.get(id(obj))
            if hit is not None and hit[1] is obj:
                return hit[0]
            d = self.evaluator.digest(read, lookup)
            seen[id(obj)] = (d, obj)
            return d
        if read[0] == "?":
            return self.evaluator.digest(read, lookup)
        try:
            objs = tuple([lookup(n) for n in names])
        except Exception:  # noqa: BLE001 - a name no longer there: evaluated (it tells)
            return self.evaluator.digest(read, lookup)
        key = tuple([id(o) for o in objs])
        hit = seen.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[1], objs)):
            return hit[0]
        d = self.evaluator.digest(read, lookup)
        seen[key] = (d, objs)
        return d

    def unchanged(self, reads: Iterable[tuple[tuple, bytes | str]], lookup: Callable[[str], Any]) -> bool:
        """Whether every recorded read gives the digest it gave when it was recorded."""
        digest = self.digest
        for read, d in reads:
            if digest(read, lookup) != d:
                return False
        return True


# --------------------------------------------------------------------------
# value objects: the reads of a page's own records, checked at once by content

# id -> (the object, its content digest or None), for one build (forget_objects), and the
# value objects' entries of the build before
_CONTENT: dict[int, tuple[Any, bytes | None]] = {}
_CONTENT_BEFORE: dict[int, tuple[Any, bytes]] = {}
# type -> its field names if its objects are value objects, else None
_VALUE_FIELDS: dict[type, tuple[str, ...] | None] = {}


class _NotValue(Exception):
    pass


def _value_fields(t: type) -> tuple[str, ...] | None:
    """The fields of a frozen dataclass or a frozen pydantic model (``models.Record``),
    or None: an object of any other type may read more than its fields."""
    if t in _VALUE_FIELDS:
        return _VALUE_FIELDS[t]
    names = None
    params = getattr(t, "__dataclass_params__", None)
    if params is not None and params.frozen:
        names = tuple(f.name for f in dataclasses.fields(t))
    else:
        config = getattr(t, "model_config", None)
        fields = getattr(t, "model_fields", None)
        if isinstance(config, dict) and config.get("frozen") and isinstance(fields, dict):
            names = tuple(fields)
    _VALUE_FIELDS[t] = names
    return names


def content_digest(value: Any) -> bytes | None:
    """A digest of everything reachable from ``value`` if it is a *value object*: a frozen
    dataclass or frozen pydantic model whose fields hold plain values, tuples, lists,
    mappings with plain keys, sets of plain values and other value objects (a
    ``sitemodel.Person``, a ``ListView``). None for anything else (Pelican's stories,
    the ``gj`` helpers, a callable): what a template reads of those can depend on more
    than what they hold. Two value objects with the same digest answer every attribute,
    item and method call alike (our code is in every page's base key), so a page's reads
    that start from such objects only need not be checked one by one (:func:`own_checks`).
    Memoised by object for one build."""
    try:
        return _content(value, 0)
    except _NotValue:
        return None


def _content(value: Any, depth: int) -> bytes | None:
    t = type(value)
    k = _KINDS.get(t)
    if k is None:
        k = _kind(t)
    if k == _FAST or k == _SCALAR:
        return _plain_digest(value) if k == _FAST else value_digest(value)
    if depth > 40:
        raise _NotValue
    if k == _OBJECT:
        hit = _CONTENT.get(id(value))
        if hit is not None and hit[0] is value:
            if hit[1] is None:
                raise _NotValue
            return hit[1]
        hit = _CONTENT_BEFORE.get(id(value))
        if hit is not None and hit[0] is value:
            _CONTENT[id(value)] = hit
            return hit[1]
        names = _value_fields(t)
        if names is None:
            _CONTENT[id(value)] = (value, None)
            raise _NotValue
        h = hashlib.blake2b(_object_bytes(t), digest_size=16)
        try:
            for name in names:
                b = name.encode()
                h.update(b"%d:" % len(b) + b)
                h.update(_content(getattr(value, name), depth + 1))
        except _NotValue:
            _CONTENT[id(value)] = (value, None)
            raise
        d = _CONTENT[id(value)] = (value, h.digest())
        return d[1]
    if id(value) in _OBJECTS and _OBJECTS[id(value)] is value:
        raise _NotValue  # a container read item by item (the settings)
    h = hashlib.blake2b(digest_size=16)
    if k == _SEQUENCE:
        h.update(b"(%s%d" % (t.__name__.encode(), len(value)))
        for v in value:
            h.update(_content(v, depth + 1))
    elif k == _MAPPING:
        h.update(b"{%d" % len(value))
        for key, v in value.items():
            if not plain(key):
                raise _NotValue
            h.update(value_digest(key))
            h.update(_content(v, depth + 1))
    else:  # _SET
        if not all(plain(v) for v in value):
            raise _NotValue
        h.update(b"<" + b"".join(sorted(value_digest(v) for v in value)))
    return h.digest()


def interned(reads: list, table: dict) -> list:
    """``reads`` with each (read, digest) pair replaced by the equal pair already in ``table``
    (added otherwise). Most pages of a template make the same reads of the shared objects
    (``gj``, ``_``, the settings): sharing one tuple per distinct pair, the graph of the bench
    site pickles into 14 MB instead of 37 MB, in a fifth of the time, and loads in a third."""
    get = table.setdefault
    return [get(pair, pair) for pair in reads]


def _single_root(read: tuple) -> str | None:
    """The one context name a read starts from, for the reads that have one (most of
    them: an attribute, a plain item, an object printed, along a path of attributes and
    plain items); None for the others (:func:`roots` tells: a call or an item looked up
    by an object on the way brings the roots of its arguments)."""
    kind = read[0]
    if kind == "ctx":
        return read[1]
    if kind == "a" or kind == "s" or (kind == "i" and type(read[2]) is not tuple):
        path = read[1]
        for step in path:
            k = step[0]
            if k == "c" or (k == "i" and type(step[1]) is tuple):
                return None
        return path[0][1]
    return None


def _plain_arg(enc: tuple) -> bool:
    """Whether an encoded argument (``Recorder._arg``) is a plain value, not a path."""
    if enc[0] == "v":
        return True
    return enc[0] == "l" and all(_plain_arg(e) for e in enc[2])


def _plain_step(step: tuple) -> bool:
    """Whether a step's result is a function of the object it is taken from alone."""
    k = step[0]
    if k == "a" or k == "#":
        return True
    if k == "i":
        return type(step[1]) is not tuple  # (an item looked up by an object: ("r", path))
    if k == "c":
        return all(_plain_arg(a) for a in step[1]) and all(_plain_arg(v) for _, v in step[2])
    return False


_PURE = "__gongjiang_pure__"


def pure(func: Callable | None = None, *, state: Callable[[Any], Any] | None = None) -> Any:
    """Mark a helper method as a function of its arguments' content alone (``person.name``
    shown in the page's language): it reads nothing else of its object, only which method
    it is (its class) decides the rest; or nothing else but ``state(self)``, a plain value
    (the URL pattern of a setting). A call of it on value objects is then covered by their
    content and that state (:func:`own_checks`), however many calls a page makes.
    ``@pure`` or ``@pure(state=...)``."""
    def mark(f: Callable) -> Callable:
        setattr(f, _PURE, state or True)
        return f

    return mark if func is None else mark(func)


def _pure_digest(method: Any) -> bytes | None:
    """Which pure method ``method`` is (its function, the class of its object, its state), or None."""
    func = getattr(method, "__func__", None)
    mark = getattr(func, _PURE, None) if func is not None else None
    if mark is None:
        return None
    owner = method.__self__
    state = mark(owner) if mark is not True else None
    t = type(owner)
    return value_digest((t.__module__, t.__qualname__, func.__module__, func.__qualname__, state))


def _value_path(read: tuple) -> Path_ | None:
    """The path of the value a read looks at, through which a call result may cover it:
    the call's own path for a call, the path it reads from for an attribute, a plain item,
    an object printed; None for the others."""
    kind = read[0]
    if kind == "c":
        return read[1] + (("c",) + read[2:],)
    if kind == "a" or kind == "s" or (kind == "i" and type(read[2]) is not tuple):
        return read[1]
    return None


# read -> (its root names, its value path, the calls on that path), for own_checks: the
# pages of a build record the same reads again and again (emptied by forget_objects)
_SHAPES: dict[tuple, tuple] = {}


def _shape(read: tuple) -> tuple:
    one = _single_root(read)
    names = (one,) if one is not None else roots(read)
    path = _value_path(read)
    prefixes = tuple(path[: j + 1] for j in range(1, len(path)) if path[j][0] == "c") if path else ()
    if len(_SHAPES) >= _PLAIN_MEMO_LIMIT:
        _SHAPES.clear()
    shape = _SHAPES[read] = (names, path, prefixes)
    return shape


def own_checks(reads: list, lookup: Callable[[str], Any],
               resolve: Callable[[Path_], Any] | None = None) -> tuple[tuple[tuple[Any, bytes], ...], list] | None:
    """For the reads a page just recorded: the value objects its reads start from, each with
    its content digest (:func:`content_digest`), and the reads left to check one by one when
    those digests are the same in a later build.

    A value object is either a context name standing for one (the others start from these
    objects only), or, given ``resolve`` (the object a recorded path leads to on this page),
    the result of a call (``gj.search(person)``, ``gj.media.verify(person)``): the reads of
    that result along attributes, plain items and calls with plain arguments, and the call
    itself, are then covered by the result's content, which a later build gets by making the
    call once. Calls of a :func:`pure` helper (``gj.person_name(p)`` for every person of a
    list) on arguments reached from value objects are covered by those objects and by
    which method it is. A call result or pure helper covering fewer than two reads is left
    to its reads (the check would cost as much). ``=`` reads (two paths, one object) are
    always left: content says nothing of identity. None when no read is covered."""
    digests: dict[str, bytes | None] = {}
    points: dict[tuple, bytes | None] = {}

    def digest_of(name: str) -> bytes | None:
        if name not in digests:
            try:
                obj = lookup(name)
            except Exception:  # noqa: BLE001 - not there: its reads are checked one by one
                digests[name] = None
            else:
                digests[name] = content_digest(obj)
        return digests[name]

    def point_of(path: Path_) -> bytes | None:
        if path not in points:
            d = None
            try:
                obj = resolve(path)
            except Exception:  # noqa: BLE001 - not reached: its reads are checked one by one
                pass
            else:
                d = None if plain(obj) else content_digest(obj)  # (a plain result is its own read)
            points[path] = d
        return points[path]

    def call_point(path: Path_, prefixes: list, counts: dict) -> Path_ | None:
        for prefix in prefixes:  # (shortest first; a longer one is on no more reads)
            if counts[prefix] < 2:
                return None
            if point_of(prefix) is not None:
                return prefix if all(_plain_step(st) for st in path[len(prefix):]) else None
        return None

    def covered_arg(enc: tuple) -> bool:
        """An argument that is plain, or reached from value objects along plain steps."""
        if enc[0] != "r":
            return _plain_arg(enc)
        path = enc[1]
        return all(_plain_step(st) for st in path[1:]) and digest_of(path[0][1]) is not None

    def pure_point(read: tuple) -> tuple | None:
        key = ("pure", read[1])
        if key not in points:
            try:
                points[key] = _pure_digest(resolve(read[1]))
            except Exception:  # noqa: BLE001 - not reached: checked one by one
                points[key] = None
        if points[key] is None:
            return None
        return key if all(map(covered_arg, read[2])) and all(covered_arg(v) for _, v in read[3]) else None

    # first the reads the names cover, and for the others the calls on their way, counted
    # (only a call on the way of two reads or more is made again and digested below)
    tags: list = []  # per read: None (checked one by one), True (by names), or its call path
    counts: dict[tuple, int] = {}
    ways: list = []  # per read left: (its value path, the calls on the way) or None
    for entry in reads:
        read = entry[0]
        kind = read[0]
        tag = way = None
        if kind != "t" and kind != "?" and kind != "=":
            shape = _SHAPES.get(read)
            if shape is None:
                shape = _shape(read)
            names, path, prefixes = shape
            if names and (digest_of(names[0]) is not None if len(names) == 1
                          else all(digest_of(n) is not None for n in names)):
                tag = True
            elif resolve is not None:
                for prefix in prefixes:
                    counts[prefix] = counts.get(prefix, 0) + 1
                if kind == "c":
                    key = ("pure", read[1])
                    counts[key] = counts.get(key, 0) + 1
                way = (path, prefixes)
        tags.append(tag)
        ways.append(way)
    uses: dict[tuple, int] = {}
    for i, way in enumerate(ways):
        if way is None:
            continue
        read = reads[i][0]
        tag = call_point(way[0], way[1], counts)
        if tag is None and read[0] == "c" and counts[("pure", read[1])] >= 2:
            tag = pure_point(read)
        if tag is not None:
            uses[tag] = uses.get(tag, 0) + 1
            tags[i] = tag
    used_points = {p for p, n in uses.items() if n >= 2}
    rest = [entry for entry, tag in zip(reads, tags) if tag is not True and tag not in used_points]
    if len(rest) == len(reads):
        return None
    used = tuple(sorted((n, d) for n, d in digests.items() if d is not None)) + tuple(
        (p, points[p]) for p in sorted(used_points, key=repr))
    return used, rest


def own_unchanged(checks: tuple[tuple[Any, bytes], ...], lookup: Callable[[str], Any],
                  resolve: Callable[[Path_], Any] | None = None) -> bool:
    """Whether every value object of :func:`own_checks` has the same content now (a call
    result: made again through ``resolve``, the object its path leads to on this page)."""
    for key, d in checks:
        try:
            if type(key) is str:
                obj = lookup(key)
            elif resolve is None:
                return False
            elif key[0] == "pure":
                if _pure_digest(resolve(key[1])) != d:
                    return False
                continue
            else:
                obj = resolve(key)
        except Exception:  # noqa: BLE001 - no longer there
            return False
        if content_digest(obj) != d:
            return False
    return True


# --------------------------------------------------------------------------
# storage


class Graph:
    """``page -> [(read, digest), ...]`` of one output folder, from its last build, and
    each page's key computed from those reads with the base key ``base`` (a page kept
    with the same reads and the same base key has the same key: it is not computed again)."""

    def __init__(self, pages: Mapping[str, list] | None = None, keys: Mapping[str, str] | None = None,
                 base: str | None = None, own: Mapping[str, tuple] | None = None):
        self.pages: dict[str, list] = dict(pages or {})
        self.keys: dict[str, str] = dict(keys or {})
        self.base = base
        # page -> (value objects with their content digests, the reads left to check): own_checks
        self.own: dict[str, tuple] = dict(own or {})

    def key(self, name: str, reads: list, base: str) -> str | None:
        """The key recorded for ``name``, if it was computed from these very reads and base key."""
        if base != self.base or self.pages.get(name) is not reads:
            return None
        return self.keys.get(name)

    @staticmethod
    def location(cache_dir: Path, output: Path) -> Path:
        return output_cache_file(cache_dir, output, "depgraph", ".pickle")

    @classmethod
    def load(cls, cache_dir: Path, output: Path, version: str) -> "Graph":
        """The recorded graph, or an empty one (first build, unreadable file, other version)."""
        try:
            with open(cls.location(cache_dir, output), "rb") as f:
                raw = pickle.load(f)
        except Exception:  # noqa: BLE001 - an unreadable graph is an empty one
            return cls()
        if not isinstance(raw, dict) or raw.get("version") != (GRAPH_VERSION, version):
            return cls()
        pages, keys, base = raw.get("pages"), raw.get("keys"), raw.get("base")
        if not isinstance(pages, dict):
            return cls()
        own = raw.get("own")
        return cls(pages, keys if isinstance(keys, dict) else None, base if isinstance(base, str) else None,
                   own if isinstance(own, dict) else None)

    def save(self, cache_dir: Path, output: Path, version: str) -> Path:
        path = self.location(cache_dir, output)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump({"version": (GRAPH_VERSION, version), "pages": dict(sorted(self.pages.items())),
                         "keys": self.keys, "base": self.base, "own": dict(sorted(self.own.items()))}, f,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        return path
