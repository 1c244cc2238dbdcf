"""Measuring tools: run a child process (wall time, CPU time, peak memory) and
compare output trees (which files a build rewrote, which changed)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from gongjiang_pipeline.searchindex import BUNDLE_DIR


@dataclass
class ChildRun:
    cmd: list[str]
    wall: float  # seconds
    cpu: float  # user + system seconds of the child (and the children it waited for)
    maxrss_mb: float  # peak resident set of the child (largest single process), MiB
    returncode: int
    timed_out: bool = False
    log: str = ""  # path of the captured stdout+stderr
    phases: dict | None = None  # a build's own wall time per phase (build --timings-json)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(Path(self.log).read_text("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return ""

    def as_dict(self) -> dict:
        return asdict(self)


class Trash:
    """Delete later: move files and folders aside now (a rename), remove them after the
    last measurement.

    On the 2-core cloud machines this runs on (ext4 mounted with ``discard``), freeing
    tens of thousands of files makes creating new files 5-10x slower for a while
    afterwards, so a build timed right after deleting a built site measures the disk,
    not the build. Every deletion between timed steps (and the previous run's work
    folder) goes through here; the baselines get the same treatment.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._n = 0

    def discard(self, path: Path) -> bool:
        """Move ``path`` (file, folder or symlink) into the trash; False if it did not exist."""
        path = Path(path)
        if not path.exists() and not path.is_symlink():
            return False
        self.folder.mkdir(parents=True, exist_ok=True)
        while True:
            self._n += 1
            dest = self.folder / f"{self._n:04d}-{path.name}"
            if not dest.exists():
                break
        os.rename(path, dest)
        return True

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = "0"  # as the Makefile does: deterministic builds
    env.update(extra or {})
    return env


def run_child(
    cmd: Sequence[str],
    log: Path,
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> ChildRun:
    """Run ``cmd`` to completion; its resource usage comes from ``os.wait4``.

    ``ru_maxrss`` of a reaped child is the peak of that process or of any of its
    own reaped children (Linux: RUSAGE_BOTH), so a build that uses a process
    pool reports its largest process, not the sum.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=dict(env) if env else child_env(), stdout=out, stderr=subprocess.STDOUT)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if timeout is not None and time.perf_counter() - start > timeout:
                proc.kill()
                timed_out = True
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code  # reaped here; keep Popen from waiting again
    return ChildRun(
        cmd=list(cmd),
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        maxrss_mb=usage.ru_maxrss / 1024,  # Linux reports KiB
        returncode=code,
        timed_out=timed_out,
        log=str(log),
    )


def python_cmd(*args: str) -> list[str]:
    return [sys.executable, *args]


# --------------------------------------------------------------------------
# output trees


@dataclass(frozen=True)
class FileState:
    digest: str
    size: int
    mtime_ns: int
    inode: int


def snapshot(root: Path) -> dict[str, FileState]:
    """Every file under ``root`` (relative path -> content hash, size, mtime, inode)."""
    out: dict[str, FileState] = {}
    root = Path(root)
    if not root.is_dir():
        return out
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            p = Path(dirpath) / name
            st = p.stat()
            h = hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
            out[p.relative_to(root).as_posix()] = FileState(h, st.st_size, st.st_mtime_ns, st.st_ino)
    return out


@dataclass
class TreeDiff:
    total: int  # files after
    added: int
    removed: int
    rewritten: int  # existed before and after, and the mtime or inode changed
    changed: int  # existed before and after, and the content changed
    untouched: int  # same mtime and inode
    changed_files: list[str] = field(default_factory=list)  # a few examples
    written_files: list[str] = field(default_factory=list)  # added or rewritten, sorted: a few examples
    removed_files: list[str] = field(default_factory=list)  # a few examples
    written_unchanged: list[str] = field(default_factory=list)  # rewritten with the same content (all of them)

    @property
    def written(self) -> int:
        """Files the build wrote: new ones plus rewritten ones."""
        return self.added + self.rewritten

    def as_dict(self) -> dict:
        d = asdict(self)
        d["written"] = self.written
        return d


def written_paths(before: Mapping[str, FileState], after: Mapping[str, FileState]) -> list[str]:
    """Every file the build wrote (new, or the mtime or inode changed), sorted."""
    return sorted(
        k for k, st in after.items()
        if k not in before or (before[k].mtime_ns, before[k].inode) != (st.mtime_ns, st.inode)
    )


def diff_trees(before: Mapping[str, FileState], after: Mapping[str, FileState], examples: int = 10) -> TreeDiff:
    common = before.keys() & after.keys()
    rewritten = [k for k in common if (before[k].mtime_ns, before[k].inode) != (after[k].mtime_ns, after[k].inode)]
    changed = sorted(k for k in common if before[k].digest != after[k].digest)
    return TreeDiff(
        total=len(after),
        added=len(after.keys() - before.keys()),
        removed=len(before.keys() - after.keys()),
        rewritten=len(rewritten),
        changed=len(changed),
        untouched=len(common) - len(rewritten),
        changed_files=changed[:examples],
        written_files=written_paths(before, after)[:examples],
        removed_files=sorted(before.keys() - after.keys())[:examples],
        written_unchanged=sorted(k for k in rewritten if before[k].digest == after[k].digest),
    )


def count_pages(tree: Mapping[str, FileState]) -> int:
    """HTML pages in an output tree."""
    return sum(1 for k in tree if k.endswith(".html"))


# --------------------------------------------------------------------------
# which files an edit may affect

# Site-wide indexes that may change whenever any page's content does: the search index
# (fragment file names are content hashes), the sitemap, the feeds, the open-data index.
SITE_WIDE = ("pagefind/", "feeds/", "sitemap.xml", "opendata/index.")


def candidate_url_path(out: Path, candidate_id: str) -> str | None:
    """``craftsmen/<slug>/`` of a public candidate, from the open-data JSON of a built site."""
    for path in sorted(Path(out).glob("opendata/**/*.json")):
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        for entry in data.get("entries", ()) if isinstance(data, dict) else ():
            if isinstance(entry, dict) and entry.get("id") == candidate_id and entry.get("url"):
                _, sep, rest = str(entry["url"]).partition("/craftsmen/")
                if sep and rest:
                    return "craftsmen/" + rest.split("/", 1)[0] + "/"
    return None


def files_mentioning(root: Path, tree: Mapping[str, FileState], needles: Sequence[str]) -> set[str]:
    """Paths in ``tree`` (under ``root``) whose bytes contain any of ``needles``."""
    raw = [n.encode("utf-8") for n in needles if n]
    out = set()
    for rel in tree:
        try:
            data = (Path(root) / rel).read_bytes()
        except OSError:
            continue
        if any(n in data for n in raw):
            out.add(rel)
    return out


def affected_by_candidate(root: Path, tree: Mapping[str, FileState], candidate_id: str) -> dict:
    """The files a change to one candidate's record may rewrite, from a built site ``root``
    (snapshot ``tree``): everything in the candidate's own folder (page, poster, share
    card, QR code); every file that mentions the candidate (its folder's URL or its id:
    lists, edition, group, search and story pages, open data, sitemap) together with the
    share card and QR code beside each such page; and the site-wide indexes (SITE_WIDE).
    An upper bound: not every one of these must change."""
    own = candidate_url_path(root, candidate_id)
    needles = [candidate_id] + ([own] if own else [])
    mentioning = files_mentioning(root, tree, needles)
    folders = {rel.rsplit("/", 1)[0] + "/" if "/" in rel else "" for rel in mentioning if rel.endswith(".html")}
    expected = set(mentioning)
    for rel in tree:
        folder = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
        name = rel.rsplit("/", 1)[-1]
        if (own and rel.startswith(own)) or rel.startswith(SITE_WIDE) or (
            folder in folders and (name == "share.png" or name.startswith("qr."))
        ):
            expected.add(rel)
    return {"candidate": candidate_id, "own": own, "expected": sorted(expected)}


def search_bundle_of(path: str, tree: Mapping[str, FileState]) -> str | None:
    """The Pagefind bundle a file under ``pagefind/`` belongs to: the deepest folder above
    it that holds a ``pagefind-entry.json`` in ``tree`` (``pagefind`` itself is the bundle
    of the pages of no edition, ``pagefind/2016-2018`` an editions' bundle); None for a
    file outside every bundle (Pagefind's UI copied to ``pagefind/``, other files)."""
    parts = path.split("/")[:-1]
    for i in range(len(parts), 0, -1):
        folder = "/".join(parts[:i])
        if (folder == BUNDLE_DIR or folder.startswith(BUNDLE_DIR + "/")) and f"{folder}/pagefind-entry.json" in tree:
            return folder
    return None


def is_expected(path: str, expected: set[str]) -> bool:
    """In the expected set, or a new file of a site-wide index (new search fragments)."""
    return path in expected or path.startswith(SITE_WIDE)
