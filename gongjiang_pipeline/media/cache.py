"""A content-addressed cache of processed images (default ``cache/media/`` under the project).

An entry is a folder named by its key, holding the output files and ``meta.json``.
The key is the SHA-256 of everything the output depends on: the source bytes, the
processing parameters, this package's code version and Pillow's version. So an
entry never goes stale; changing a photo, a parameter or the code simply makes a
new key. Entries are written to a temporary folder and renamed into place, so a
crash or two parallel builds never leave a half-written entry behind.

Deleting the cache folder is always safe (the next build is slower, that's all).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import PIL


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


class MediaCache:
    def __init__(self, root: Path):
        self.root = Path(root)

    def entry(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / key

    def lookup(self, kind: str, key: str) -> dict | None:
        """The entry's metadata if it is complete (every file it lists exists), else None."""
        folder = self.entry(kind, key)
        try:
            meta = json.loads((folder / "meta.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not all((folder / name).is_file() for name in meta.get("files", ())):
            return None
        return meta

    def store(self, kind: str, key: str, files: dict[str, bytes], meta: dict) -> dict:
        """Write an entry atomically; ``meta['files']`` lists ``files``. Returns meta."""
        final = self.entry(kind, key)
        final.parent.mkdir(parents=True, exist_ok=True)
        meta = dict(meta, files=sorted(files))
        tmp = Path(tempfile.mkdtemp(prefix=f".{key[:16]}-", dir=final.parent))
        try:
            for name, data in files.items():
                (tmp / name).write_bytes(data)
            (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), "utf-8")
            os.chmod(tmp, 0o755)
            try:
                os.rename(tmp, final)
            except OSError:
                # another process stored the same key first, or a broken entry is in the way
                if self.lookup(kind, key) is None:
                    shutil.rmtree(final, ignore_errors=True)
                    os.rename(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return meta
