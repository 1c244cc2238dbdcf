"""Build into a temporary directory and bring the output up to date only on success.

A failed build (bad data, a template error, an interrupt) leaves the previous
output exactly as it was: everything is built into a temporary folder next to
the output first.

On success the output is *synced* from that folder rather than swapped:
files whose bytes are unchanged are left alone (same inode, same mtime, so a
deploy that compares times or a file watcher sees nothing), changed and new
files are moved in one by one with ``os.replace`` (atomic per file: a reader
sees the old or the new bytes, never a half-written file), files the build no
longer produces are deleted and folders left empty by that are removed.

Nothing here ever writes into an existing file: files are compared (read),
renamed and unlinked only. That is what makes it safe for the build to publish
files of the media cache as hard links to them (``media.cache.place``): the
output and the cache may share an inode, and neither is changed through the
other (an updated file is a new inode renamed over the old name; deleting the
output or a cache entry drops one name, the other keeps its bytes).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection, Iterator

from .timings import phase

_CHUNK = 1 << 20


@dataclass
class SyncStats:
    """What a sync did to the output folder (counts of files)."""

    written: int = 0  # new or changed: moved in
    unchanged: int = 0  # same bytes: left alone
    deleted: int = 0  # no longer produced
    changed: list[str] = field(default_factory=list)  # the written and deleted files ("/"-separated)


@contextmanager
def atomic_directory(
    target: Path, stats: SyncStats | None = None, keep: Collection[str] | None = None
) -> Iterator[Path]:
    """Yield a temporary folder to build into; on success sync it into ``target``.

    ``stats``, if given, is filled with what the sync did. ``keep``: relative paths
    (``/``-separated) of files the build decided to keep as they are in ``target``
    instead of producing them again (an incremental build); the set may be filled
    while the build runs, and those files are not deleted by the sync.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    os.chmod(tmp, 0o755)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    with phase("sync"):
        _bring_in(tmp, target, stats, keep)


def _bring_in(tmp: Path, target: Path, stats: SyncStats | None, keep: Collection[str] | None) -> None:
    try:
        if not target.is_dir() or target.is_symlink():
            # first build (or something odd in the way): move the whole folder in, as before
            old = target.parent / f".{target.name}.old-{os.getpid()}"
            if os.path.lexists(target):
                os.rename(target, old)
            os.rename(tmp, target)
            _remove(old)
            if stats is not None:
                moved = [os.path.relpath(os.path.join(d, f), target).replace(os.sep, "/")
                         for d, _, files in os.walk(target) for f in files]
                stats.written += len(moved)
                stats.changed.extend(moved)
            return
        result = sync_directory(tmp, target, keep or ())
        if stats is not None:
            stats.written += result.written
            stats.unchanged += result.unchanged
            stats.deleted += result.deleted
            stats.changed.extend(result.changed)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def sync_directory(src: Path, dst: Path, keep: Collection[str] = ()) -> SyncStats:
    """Make ``dst`` hold exactly the files of ``src`` (plus the files named in
    ``keep``, left as they are), touching only what differs.

    Files of ``src`` are *moved* (``os.replace``) into ``dst`` when new or
    changed, so ``src`` must be on the same file system (a sibling folder);
    what is left in ``src`` afterwards is for the caller to delete.
    """
    src, dst = Path(src), Path(dst)
    stats = SyncStats()
    produced_dirs: set[str] = {""}
    produced_files: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(src):
        rel_dir = os.path.relpath(dirpath, src)
        rel_dir = "" if rel_dir == "." else rel_dir
        out_dir = dst / rel_dir
        dirnames.sort()
        for name in sorted(filenames) + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            rel = os.path.join(rel_dir, name)
            produced_files.add(rel)
            s, d = os.path.join(dirpath, name), out_dir / name
            if _same(s, d):
                stats.unchanged += 1
                continue
            if d.is_dir() and not d.is_symlink():
                shutil.rmtree(d)
            os.replace(s, d)
            stats.written += 1
            stats.changed.append(rel.replace(os.sep, "/"))
        for name in dirnames:
            if os.path.islink(os.path.join(dirpath, name)):
                continue  # a symlink to a folder: moved above as a file, not walked
            rel = os.path.join(rel_dir, name)
            produced_dirs.add(rel)
            d = out_dir / name
            if os.path.lexists(d) and (d.is_symlink() or not d.is_dir()):
                d.unlink()
            if not d.exists():
                d.mkdir()
                os.chmod(d, stat.S_IMODE(os.stat(os.path.join(dirpath, name)).st_mode))
        dirnames[:] = [n for n in dirnames if not os.path.islink(os.path.join(dirpath, n))]

    # delete what the build no longer produces, deepest first
    for dirpath, dirnames, filenames in os.walk(dst, topdown=False):
        rel_dir = os.path.relpath(dirpath, dst)
        rel_dir = "" if rel_dir == "." else rel_dir
        for name in filenames + [n for n in dirnames if os.path.islink(os.path.join(dirpath, n))]:
            rel = os.path.join(rel_dir, name)
            if rel not in produced_files and rel.replace(os.sep, "/") not in keep:
                os.unlink(os.path.join(dirpath, name))
                stats.deleted += 1
                stats.changed.append(rel.replace(os.sep, "/"))
        if rel_dir not in produced_dirs:
            try:
                os.rmdir(dirpath)
            except OSError:
                pass  # not empty: something unexpected in it; leave it
    return stats


def _same(src: str, dst: Path) -> bool:
    """Whether ``dst`` already is ``src``: same kind, same bytes (or link target), same permissions."""
    try:
        d = os.lstat(dst)
    except FileNotFoundError:
        return False
    s = os.lstat(src)
    if (s.st_ino, s.st_dev) == (d.st_ino, d.st_dev):
        return True  # the same file (a kept file linked into the build for the search index)
    if stat.S_ISLNK(s.st_mode) or stat.S_ISLNK(d.st_mode):
        return stat.S_ISLNK(s.st_mode) and stat.S_ISLNK(d.st_mode) and os.readlink(src) == os.readlink(dst)
    if not (stat.S_ISREG(s.st_mode) and stat.S_ISREG(d.st_mode)):
        return False
    if s.st_size != d.st_size or stat.S_IMODE(s.st_mode) != stat.S_IMODE(d.st_mode):
        return False
    with open(src, "rb") as a, open(dst, "rb") as b:
        while True:
            x = a.read(_CHUNK)
            if x != b.read(_CHUNK):
                return False
            if not x:
                return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        path.unlink()


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` all at once (a temporary file beside it, renamed over it):
    a reader sees the old bytes or the new, never part of them."""
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
