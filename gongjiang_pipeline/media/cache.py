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

Deleting the cache folder (or any part of it) is always safe (the next build is
slower, that's all).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

import PIL

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


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


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
                _write_atomic(self.root / kind / INDEX, data.encode("utf-8"))
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

    def read(self, kind: str, key: str, name: str) -> bytes:
        """The bytes of one file of an entry, checked against its SHA-256; CorruptEntry if they differ."""
        meta = self.lookup(kind, key)
        if meta is None:
            raise CorruptEntry(f"缓存条目不存在：{kind}/{key}")
        try:
            data = (self.entry(kind, key) / name).read_bytes()
        except OSError as exc:
            raise CorruptEntry(f"缓存文件无法读取：{kind}/{key}/{name}：{exc}") from None
        if sha256(data) != meta["sha256"].get(name):
            raise CorruptEntry(f"缓存文件已损坏：{kind}/{key}/{name}")
        return data

    def fetch(self, kind: str, key: str, name: str, remake: Callable[[], tuple[dict[str, bytes], dict]]) -> bytes:
        """:meth:`read`, or, if the entry is damaged, ``remake()`` (files, meta) stored again."""
        try:
            return self.read(kind, key, name)
        except CorruptEntry:
            pass
        self.forget(kind, key)
        files, meta = remake()
        self.store(kind, key, files, meta)
        self.repaired[kind] = self.repaired.get(kind, 0) + 1
        return files[name]

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
