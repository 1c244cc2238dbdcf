"""A cache of parsed and validated data files, so unchanged files are not read again.

Parsing YAML and validating with pydantic is most of a pages-only build's
loading time; between two builds almost every file is unchanged. An entry is
keyed by the file's bytes (SHA-256), the path it is shown under, its kind and
the schema line expected for it, and the whole cache by the *code version*:
``gongjiang_pipeline.__version__``, a hash of the source of the modules that
parse and validate (:data:`CODE_FILES`), and the pydantic and Python versions.
Any change to those starts an empty cache.

Only files that had no problem at all are stored: a bad file is always read
and reported again. Cross-file checks are not cached (they always run on the
records), and neither are the parsed documents (positions of keys and values):
they are only needed to point at a cross-file problem, and are then parsed again
from the file's bytes (:class:`gongjiang_pipeline.loading.LazyDocument`).

The cache lives under ``cache/records/`` of the project (``/cache/`` is not in
version control; deleting it is always safe), or in the folder the site setting
``GONGJIANG_RECORD_CACHE`` names: one folder per code version, and in it one
pickle file (*shard*) per data folder, ``candidates%2F2016.pickle`` for
``data/candidates/2016/``. A load rewrites only the shards whose entries changed,
so a rebuild after editing one candidate writes one edition's candidates again.
A shard that cannot be read counts as empty. It holds private fields of the
data, like the data folder itself. Set ``GONGJIANG_NO_CACHE=1`` to neither read
nor write it.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel

from .gcpause import paused_gc

CACHE_DIR = Path("cache") / "records"
SUFFIX = ".pickle"
# what save() may delete next to the current cache: other versions' folders (and files, of old)
_VERSION_NAME = re.compile(r"[0-9a-f]{24}(\.pickle)?\Z")
# the modules whose code decides what a file parses and validates to
CODE_FILES = ("yamlload.py", "models.py", "messages.py", "errors.py", "loading.py", "recordcache.py")

_PACKAGE = Path(__file__).resolve().parent


def code_version() -> str:
    from pydantic import VERSION as pydantic_version

    from . import __version__

    h = hashlib.sha256()
    h.update(f"{__version__}\0{pydantic_version}\0{sys.version_info[:3]}\0".encode())
    for name in CODE_FILES:
        h.update(name.encode() + b"\0" + (_PACKAGE / name).read_bytes() + b"\0")
    return h.hexdigest()[:24]


def entry_key(raw: bytes, shown: str, kind: str, schema_line: str) -> str:
    h = hashlib.sha256(raw)
    h.update(f"\0{shown}\0{kind}\0{schema_line}".encode())
    return h.hexdigest()


_setattr = object.__setattr__


def _rebuild(cls: type, values: dict, fields_set: set, extra: dict | None) -> Any:
    """A record exactly as validation made it, from its parts (no validation: they were validated before)."""
    record = cls.__new__(cls)
    _setattr(record, "__dict__", values)
    _setattr(record, "__pydantic_fields_set__", fields_set)
    _setattr(record, "__pydantic_extra__", extra)
    _setattr(record, "__pydantic_private__", None)
    return record


class _Pickler(pickle.Pickler):
    """Pickles records as one call of :func:`_rebuild`, which unpickles much faster than
    pydantic's own ``__setstate__`` (a state dictionary per record, read back in Python)."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, BaseModel) and obj.__pydantic_private__ is None:
            return _rebuild, (type(obj), obj.__dict__, obj.__pydantic_fields_set__, obj.__pydantic_extra__)
        return NotImplemented  # (records with private attributes: pydantic's way)


def dumps(obj: Any) -> bytes:
    """Pickle records (and anything else) for :func:`pickle.loads`; see :class:`_Pickler`."""
    out = io.BytesIO()
    _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return out.getvalue()


def shard_file(name: str) -> str:
    """File name of a shard: its data folder, percent-encoded (``candidates%2F2016.pickle``),
    or a hash of it if that is too long for a file name."""
    quoted = quote(name, safe="")
    if len(quoted) > 200:
        quoted = hashlib.sha256(name.encode()).hexdigest()[:32]
    return quoted + SUFFIX


class RecordCache:
    """``get``/``put`` entries during one load; ``save`` rewrites only the shards that changed.

    A shard holds the entries of one data folder (``editions``, ``candidates/2016``,
    ``results/2016``, ``results/2016/scores``, ...): one file each, read when its
    folder is first asked for. A shard that cannot be read (missing, corrupt,
    another shard's) is taken as empty, and written again on save.
    """

    def __init__(self, root: Path, version: str | None = None, enabled: bool | None = None, folder: Path | None = None):
        if enabled is None:
            enabled = os.environ.get("GONGJIANG_NO_CACHE", "") in ("", "0")
        self.enabled = enabled
        self.version = version or (code_version() if enabled else "")
        self.parent = Path(folder or Path(root) / CACHE_DIR)
        self.folder = self.parent / self.version  # one folder per code version
        self._old: dict[str, dict[str, Any]] = {}  # shard -> its entries on disk (read on first use)
        self._used: dict[str, dict[str, Any]] = {}  # shard -> entries used or added in this load
        self.hits = self.misses = 0

    def _shard(self, shard: str) -> dict[str, Any]:
        entries = self._old.get(shard)
        if entries is None:
            entries = self._old[shard] = self._read(shard)
        return entries

    def _read(self, shard: str) -> dict[str, Any]:
        try:
            with paused_gc(), open(self.folder / shard_file(shard), "rb") as f:
                name, entries = pickle.load(f)
            if name == shard and isinstance(entries, dict):
                return entries
        except Exception:  # missing, unreadable or corrupt: start this shard empty
            pass
        return {}

    def get(self, key: str, shard: str) -> Any | None:
        if not self.enabled:
            return None
        hit = self._shard(shard).get(key)
        if hit is None:
            self.misses += 1
            return None
        self.hits += 1
        self._used.setdefault(shard, {})[key] = hit
        return hit

    def put(self, key: str, value: Any, shard: str) -> None:
        if self.enabled:
            self._used.setdefault(shard, {})[key] = value

    def save(self) -> None:
        """Keep exactly the entries used in this load: rewrite a shard only if its entries changed.

        Shards of folders with no entry left are deleted, and so are the caches of
        other code versions. Files of unchanged shards are not touched. Nothing that
        cannot be written stops the load (a read-only project still builds, just
        without the cache).
        """
        if not self.enabled:
            return
        changed = sorted(shard for shard, entries in self._used.items() if entries.keys() != self._shard(shard).keys())
        try:  # (names starting with a dot are files that a load is writing)
            on_disk = {p.name for p in self.folder.iterdir() if not p.name.startswith(".")}
        except OSError:
            on_disk = set()
        stale = on_disk - {shard_file(shard) for shard in self._used}  # folders with nothing cached any more
        if not changed and not stale:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for name in sorted(stale):
                _quietly(os.unlink, self.folder / name)
            for shard in changed:
                _quietly(self._write, shard, self._used[shard])
            for other in self.parent.iterdir():  # caches of other code versions are dead
                if other.name != self.version and _VERSION_NAME.match(other.name):
                    if other.is_dir():
                        shutil.rmtree(other, ignore_errors=True)
                    else:  # (one file per version, before shards)
                        _quietly(os.unlink, other)
        except OSError:
            pass

    def rollover(self) -> None:
        """Start the next load with this load's entries as the ones "on disk" (they are,
        once saved): a resident build process (the devserver) loads again without
        reading or unpickling a shard, and gets the same record objects for unchanged files."""
        for shard, entries in self._used.items():
            self._old[shard] = entries
        for shard in [s for s in self._old if s not in self._used]:
            del self._old[shard]  # nothing of it used last time (its folder is gone): read it again if asked
        self._used = {}
        self.hits = self.misses = 0

    def _write(self, shard: str, entries: dict[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".records-", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as f:
                _Pickler(f, protocol=pickle.HIGHEST_PROTOCOL).dump((shard, entries))
            os.replace(tmp, self.folder / shard_file(shard))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _quietly(fn, *args) -> None:
    try:
        fn(*args)
    except OSError:
        pass
