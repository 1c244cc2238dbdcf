"""A content-addressed cache of processed images (default ``cache/media/`` under the project).

An entry is a folder named by its key, holding the output files and ``meta.json``.
The key is the SHA-256 of everything the output depends on: the source bytes, the
processing parameters, this package's code version and Pillow's version. So an
entry never goes stale; changing a photo, a parameter or the code simply makes a
new key. Entries are written to a temporary folder and renamed into place, so a
crash or two parallel builds never leave a half-written entry behind.

``meta.json`` records the SHA-256 of every file of the entry. Each kind also has
one small index (``<kind>/index.json``: key -> meta) so that a warm build finds
its entries by reading one file instead of opening thousands; an entry that is
not in the index (made by another build, or before the index existed) is read
from its folder and added. Files are checked against their SHA-256 when they are
read for publishing (:meth:`MediaCache.read`, :meth:`MediaCache.fetch`): a
damaged, truncated or deleted file is never published, the entry is made again.

*Publishing by hard link.* :func:`place` puts a checked file into the site as a
hard link to the cache file (``os.link``: no bytes are written), or, when linking
fails for any reason (the output on another file system, a file system without
links, permissions, a cache file with other permissions than a new file would
get), as a new file with the same bytes; the site is the same either way. The
site and the cache then share the file's inode, which is safe because nothing
ever writes into either in place: cache entries are written to a temporary
folder and renamed (a damaged entry is removed and made again, never rewritten),
and the output is only ever changed by renaming new files over old ones and
unlinking (``gongjiang_pipeline/atomic.py``). Removing an entry (:meth:`forget`,
or deleting ``cache/``) removes the cache's name only: the site keeps its link.

Deleting the cache folder (or any part of it) is always safe (the next build is
slower, that's all).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import PIL

from ..atomic import write_atomic
from . import MediaError

INDEX = "index.json"
INDEX_FORMAT = 1


class CorruptEntry(MediaError):
    """A cache entry's file is missing or its bytes are not the ones stored."""


def content_key(kind: str, version: str, params: Any, *parts: bytes | str) -> str:
    """SHA-256 over the kind, code version, Pillow version, parameters and the given parts."""
    h = hashlib.sha256()
    head = json.dumps([kind, version, PIL.__version__, params], ensure_ascii=False, sort_keys=True)
    h.update(head.encode("utf-8"))
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def looks_complete(name: str, data: bytes) -> bool:
    """A cheap structural check that an image file is not truncated (PNG, JPEG, WebP, SVG)."""
    if name.endswith(".png"):
        return data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")
    if name.endswith((".jpg", ".jpeg")):
        return data.startswith(b"\xff\xd8") and data.rstrip(b"\0").endswith(b"\xff\xd9")
    if name.endswith(".webp"):
        return (data[:4] == b"RIFF" and data[8:12] == b"WEBP" and len(data) >= 12
                and int.from_bytes(data[4:8], "little") + 8 == len(data))
    if name.endswith(".svg"):
        return data.lstrip().startswith(b"<") and data.rstrip().endswith(b"</svg>")
    return True


@dataclass(frozen=True)
class CachedFile:
    """One file of a cache entry, its bytes checked against the recorded SHA-256."""

    data: bytes
    sha256: str
    path: str | None = None  # the cache file they were read from; None: made again just now
    # (st_dev, st_ino, st_mode, st_size, st_mtime_ns) of that file as it was read: size and
    # modification time too, since a file made again may get the inode number of the one removed
    identity: tuple[int, int, int, int, int] | None = None


@dataclass(frozen=True)
class CacheSource:
    """A cache file to publish, not read yet: its recorded SHA-256 (None: the entry is
    not known) and how to read it, checked (:meth:`MediaCache.fetch_file`)."""

    recorded: str | None
    fetch: Callable[[], CachedFile]


@lru_cache(maxsize=None)
def _new_file_mode() -> int:
    """The permissions ``open(path, "wb")`` gives a new file in this process (0o666 less the umask)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o22)  # no way to read it without setting it
    os.umask(mask)
    return 0o666 & ~mask


def _write_new(dest: str | Path, data: bytes) -> None:
    """Write ``data`` to a new file at ``dest``; a file already there is replaced, never
    written into (it may share its inode with a cache file)."""
    try:
        f = open(dest, "xb")
    except FileExistsError:
        os.unlink(dest)
        f = open(dest, "xb")
    with f:
        f.write(data)


def place(cached: CachedFile, dest: str | Path) -> bool:
    """Publish a checked cache file at ``dest`` (in a folder being built): a hard link to
    the cache file when possible, else a new file with its bytes. True if linked.

    Only the file that was checked is linked: if the cache file was replaced since it
    was read (another build made the entry again), the link is undone and the checked
    bytes are written instead. A cache file whose permissions differ from what a new
    file would get is copied, so the output does not depend on how it was published.
    """
    if cached.path is not None and cached.identity is not None and \
            stat.S_IMODE(cached.identity[2]) == _new_file_mode():
        try:
            os.link(cached.path, dest)
        except OSError:
            pass  # another file system, no hard links, not permitted, too many links: copy
        else:
            st = os.lstat(dest)
            if (st.st_dev, st.st_ino, st.st_mode, st.st_size, st.st_mtime_ns) == cached.identity:
                return True
            os.unlink(dest)
    _write_new(dest, cached.data)
    return False


class MediaCache:
    def __init__(self, root: Path):
        self.root = Path(root)
        self._index: dict[str, dict[str, dict]] = {}  # kind -> key -> meta (loaded on first use)
        self._dirty: set[str] = set()
        self.repaired: dict[str, int] = {}  # kind -> entries found damaged and made again

    def entry(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / key

    # ---- the index

    def _load_index(self, kind: str) -> dict[str, dict]:
        try:
            doc = json.loads((self.root / kind / INDEX).read_bytes())
            if isinstance(doc, dict) and doc.get("format") == INDEX_FORMAT and isinstance(doc.get("entries"), dict):
                return {k: v for k, v in doc["entries"].items() if isinstance(v, dict) and isinstance(v.get("sha256"), dict)}
        except (OSError, ValueError):
            pass
        return {}

    def _kind(self, kind: str) -> dict[str, dict]:
        idx = self._index.get(kind)
        if idx is None:
            idx = self._index[kind] = self._load_index(kind)
        return idx

    def note(self, kind: str, key: str, meta: dict) -> None:
        """Record an entry stored by another process (a worker) in this process's index."""
        idx = self._kind(kind)
        if idx.get(key) != meta:
            idx[key] = meta
            self._dirty.add(kind)

    def save(self) -> None:
        """Write the changed indexes (merged with what other builds wrote meanwhile)."""
        for kind in sorted(self._dirty):
            merged = self._load_index(kind)
            merged.update(self._index[kind])
            self._index[kind] = merged
            data = json.dumps({"format": INDEX_FORMAT, "entries": merged}, ensure_ascii=False, sort_keys=True,
                              separators=(",", ":"))
            try:
                write_atomic(self.root / kind / INDEX, data.encode("utf-8"))
            except OSError:
                pass  # a read-only or full disk: the next build reads the entries' folders instead
        self._dirty.clear()

    # ---- entries

    def _from_folder(self, kind: str, key: str) -> dict | None:
        folder = self.entry(kind, key)
        try:
            meta = json.loads((folder / "meta.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or not isinstance(meta.get("files"), list):
            return None
        sums = meta.get("sha256")
        if isinstance(sums, dict) and set(sums) >= set(meta["files"]):
            if not all((folder / name).is_file() for name in meta["files"]):
                return None
            return meta
        # an entry written before files had checksums: check and record them once
        sums = {}
        for name in meta["files"]:
            try:
                data = (folder / name).read_bytes()
            except OSError:
                return None
            if not looks_complete(name, data):
                return None
            sums[name] = sha256(data)
        return dict(meta, sha256=sums)

    def lookup(self, kind: str, key: str) -> dict | None:
        """The entry's metadata if it is known and complete, else None.

        From the index when the entry is in it (no file is opened; the bytes are
        checked when read), else from the entry's folder (every file must exist).
        """
        idx = self._kind(kind)
        meta = idx.get(key)
        if meta is not None:
            return meta
        meta = self._from_folder(kind, key)
        if meta is not None:
            idx[key] = meta
            self._dirty.add(kind)
        return meta

    def recorded(self, kind: str, key: str, name: str) -> str | None:
        """The SHA-256 recorded for a file of an entry (the file is not read), None if the entry is not known."""
        meta = self.lookup(kind, key)
        return None if meta is None else meta["sha256"].get(name)

    def read(self, kind: str, key: str, name: str) -> bytes:
        """The bytes of one file of an entry, checked against its SHA-256; CorruptEntry if they differ."""
        return self.read_file(kind, key, name).data

    def read_file(self, kind: str, key: str, name: str) -> CachedFile:
        """:meth:`read`, with the digest and the identity of the file read (for :func:`place`)."""
        meta = self.lookup(kind, key)
        if meta is None:
            raise CorruptEntry(f"缓存条目不存在：{kind}/{key}")
        path = os.path.join(self.root, kind, key[:2], key, name)  # self.entry(kind, key) / name, without pathlib
        try:
            with open(path, "rb") as f:
                st = os.fstat(f.fileno())
                data = f.read()
        except OSError as exc:
            raise CorruptEntry(f"缓存文件无法读取：{kind}/{key}/{name}：{exc}") from None
        digest = sha256(data)
        if digest != meta["sha256"].get(name):
            raise CorruptEntry(f"缓存文件已损坏：{kind}/{key}/{name}")
        return CachedFile(data, digest, path, (st.st_dev, st.st_ino, st.st_mode, st.st_size, st.st_mtime_ns))

    def fetch(self, kind: str, key: str, name: str, remake: Callable[[], tuple[dict[str, bytes], dict]]) -> bytes:
        """:meth:`read`, or, if the entry is damaged, ``remake()`` (files, meta) stored again."""
        return self.fetch_file(kind, key, name, remake).data

    def fetch_file(self, kind: str, key: str, name: str,
                   remake: Callable[[], tuple[dict[str, bytes], dict]]) -> CachedFile:
        """:meth:`fetch` as a :class:`CachedFile`. Bytes made again are not linked
        (``path`` None): they are published as a copy."""
        try:
            return self.read_file(kind, key, name)
        except CorruptEntry:
            pass
        self.forget(kind, key)
        files, meta = remake()
        meta = self.store(kind, key, files, meta)
        self.repaired[kind] = self.repaired.get(kind, 0) + 1
        return CachedFile(files[name], meta["sha256"][name])

    def forget(self, kind: str, key: str) -> None:
        """Remove an entry (from the index and the disk)."""
        idx = self._kind(kind)
        if idx.pop(key, None) is not None:
            self._dirty.add(kind)
        shutil.rmtree(self.entry(kind, key), ignore_errors=True)

    def store(self, kind: str, key: str, files: dict[str, bytes], meta: dict) -> dict:
        """Write an entry atomically; ``meta['files']`` lists ``files``, ``meta['sha256']`` their checksums. Returns meta."""
        final = self.entry(kind, key)
        final.parent.mkdir(parents=True, exist_ok=True)
        meta = dict(meta, files=sorted(files), sha256={name: sha256(data) for name, data in files.items()})
        tmp = Path(tempfile.mkdtemp(prefix=f".{key[:16]}-", dir=final.parent))
        try:
            for name, data in files.items():
                (tmp / name).write_bytes(data)
            (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), "utf-8")
            os.chmod(tmp, 0o755)
            try:
                os.rename(tmp, final)
            except OSError:
                # another process stored the same key first (same bytes: keep it), or a broken entry is in the way
                if not self._holds(final, files):
                    shutil.rmtree(final, ignore_errors=True)
                    os.rename(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        if kind in self._index:
            self.note(kind, key, meta)
        return meta

    @staticmethod
    def _holds(folder: Path, files: dict[str, bytes]) -> bool:
        try:
            meta = json.loads((folder / "meta.json").read_text("utf-8"))
            return sorted(meta.get("files", ())) == sorted(files) and all(
                (folder / name).read_bytes() == data for name, data in files.items()
            )
        except (OSError, ValueError, AttributeError):
            return False
