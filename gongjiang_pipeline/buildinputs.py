"""Nothing changed, nothing to do: the fingerprint of everything a build reads.

A build reads the project's settings (``pelican.conf.py``), data, content, theme
and plugin, runs our code and its libraries, and depends on the date it publishes
as of and on settings given on the command line. :class:`InputState` digests all
of that by content. When the fingerprint equals the one recorded after the last
successful build into the same output folder, and that folder still holds exactly
the files that build left there, untouched, the build has nothing to do and
stops early (``sitebuild.build_into``).

Reading every byte of every input again (photos of several MB each) would cost
as much as the check saves, so each file's digest is remembered with its size,
modification time and inode, and a file is read again only when one of those
changed (the way git's index works). Pure: no Pelican.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Mapping

from .buildcache import Unstable, code_version, digest

STATE_VERSION = 1
INPUT_DIRS = ("data", "content", "theme", "plugins")
INPUT_FILES = ("pelican.conf.py",)
_SKIP_DIRS = {"__pycache__", ".git"}
_CHUNK = 1 << 20


def _file_digest(path: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


class InputState:
    """The inputs of the last successful build into one output folder."""

    def __init__(self, cache_dir: Path, output: Path):
        self.path = Path(cache_dir) / f"inputs-{hashlib.blake2b(str(Path(output).resolve()).encode('utf-8', 'surrogatepass'), digest_size=12).hexdigest()}.json"
        self.files: dict[str, list] = {}  # rel -> [size, mtime_ns, ino, digest]
        self.fingerprint: str | None = None
        self.summary: dict[str, Any] = {}
        try:
            raw = json.loads(self.path.read_text("utf-8"))
            if raw.get("version") == STATE_VERSION:
                self.files = {str(k): list(v) for k, v in raw["files"].items()}
                self.fingerprint = raw.get("fingerprint")
                self.summary = dict(raw.get("summary") or {})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass

    def compute(self, root: Path, params: Mapping[str, Any]) -> str | None:
        """The fingerprint of the project at ``root`` built with ``params`` (date,
        settings given on the command line); None if a parameter cannot be hashed
        by content. Updates the remembered file digests."""
        root = Path(root).resolve()
        seen: dict[str, list] = {}
        paths = [rel for rel in INPUT_FILES if (root / rel).is_file()]
        for top in INPUT_DIRS:
            for dirpath, dirnames, filenames in os.walk(root / top, followlinks=True):
                dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
                rel_dir = os.path.relpath(dirpath, root)
                paths.extend(os.path.join(rel_dir, name) for name in filenames if not name.endswith(".pyc"))
        for rel in sorted(paths):
            full = os.path.join(root, rel)
            st = os.stat(full)
            old = self.files.get(rel)
            stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
            seen[rel] = old if old is not None and old[:3] == stamp else stamp + [_file_digest(full)]
        self.files = seen
        env = sorted((k, v) for k, v in os.environ.items() if k.startswith("GONGJIANG_"))
        try:
            return digest(
                STATE_VERSION, code_version(Path(__file__).resolve().parent), str(root), env, dict(params),
                sorted((rel, v[3]) for rel, v in seen.items()),
            )
        except Unstable:
            return None

    def save(self, fingerprint: str | None, summary: Mapping[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        body = {"version": STATE_VERSION, "fingerprint": fingerprint, "files": self.files, "summary": dict(summary)}
        tmp.write_text(json.dumps(body, ensure_ascii=False, sort_keys=True), "utf-8")
        os.replace(tmp, self.path)

    def forget(self) -> None:
        """Before a build changes the output: a stale record must never match."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
