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
records). The cache is one pickle file under ``cache/records/`` of the project
(``/cache/`` is not in version control; deleting it is always safe), or the
folder the site setting ``GONGJIANG_RECORD_CACHE`` names. It holds private
fields of the data, like the data folder itself.
Set ``GONGJIANG_NO_CACHE=1`` to neither read nor write it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

CACHE_DIR = Path("cache") / "records"
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


class LazyDocument:
    """A cached :class:`~gongjiang_pipeline.yamlload.Document`, unpickled only when used.

    Documents (values and the position of every key and value) are only read
    to point at a problem found by the cross-file checks; unpickling every one
    would cost more than the records themselves.
    """

    __slots__ = ("_blob", "_doc")

    def __init__(self, blob: bytes):
        self._blob = blob
        self._doc = None

    @staticmethod
    def pack(doc: Any) -> bytes:
        return pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)

    def __getattr__(self, name: str) -> Any:
        doc = self._doc
        if doc is None:
            doc = self._doc = pickle.loads(self._blob)
        return getattr(doc, name)


class RecordCache:
    """``get``/``put`` entries during one load; ``save`` writes what was used."""

    def __init__(self, root: Path, version: str | None = None, enabled: bool | None = None, folder: Path | None = None):
        if enabled is None:
            enabled = os.environ.get("GONGJIANG_NO_CACHE", "") in ("", "0")
        self.enabled = enabled
        self.version = version or (code_version() if enabled else "")
        self.file = Path(folder or Path(root) / CACHE_DIR) / f"{self.version}.pickle"
        self._old: dict[str, Any] = {}
        self._used: dict[str, Any] = {}
        self.hits = self.misses = 0
        if enabled:
            try:
                with open(self.file, "rb") as f:
                    data = pickle.load(f)
                if isinstance(data, dict):
                    self._old = data
            except Exception:  # missing, unreadable or from another version: start empty
                self._old = {}

    def get(self, key: str) -> Any | None:
        if not self.enabled:
            return None
        hit = self._old.get(key)
        if hit is None:
            self.misses += 1
            return None
        self.hits += 1
        self._used[key] = hit
        return hit

    def put(self, key: str, value: Any) -> None:
        if self.enabled:
            self._used[key] = value

    def save(self) -> None:
        """Write the entries used in this load (dropping the rest), if anything changed."""
        if not self.enabled or self._used.keys() == self._old.keys():
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            for old in self.file.parent.glob("*.pickle"):  # other code versions are dead
                if old != self.file:
                    old.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".records-", dir=self.file.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    pickle.dump(self._used, f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.file)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # a read-only project still builds, just without the cache
