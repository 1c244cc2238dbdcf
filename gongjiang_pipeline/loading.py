"""Find, read and validate every data file of a project; all problems at once.

Layout under ``data/``::

    editions/<edition>.yaml                 Edition
    candidates/<edition>/<candidate>.yaml   Candidate
    results/<edition>/qualification.yaml    Qualification   (and votes, review,
    results/<edition>/scores/<occ>.yaml     ScoreSheet       objections, approval,
    photos/...                              portraits        decisions, errata)

Like MkDocs' ``load_config``: every file is read and checked, every problem
collected, and only then does loading fail, once, with all of them.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterator

from . import badges, crosscheck, engine, stagecheck, studios
from .dataset import EditionData, Project
from .errors import DataError, Problem
from .gcpause import freezing_loaded_data, paused_gc
from .media.parallel import cpu_count
from .messages import validate
from .models import EDITIONLESS_KINDS, FILE_KINDS, Record
from .recordcache import RecordCache, dumps, entry_key
from .yamlload import Document, YamlError, load_file

RESULT_FILES = ("qualification", "votes", "review", "objections", "approval", "decisions", "errata")
SCHEMA_DIR = "schemas"
MISPLACED = (
    "无法识别的数据文件位置。届次文件放在 data/editions/<届次>.yaml，"
    "候选人文件放在 data/candidates/<届次>/<编号>.yaml，"
    "阶段结果放在 data/results/<届次>/ 下"
)


class LazyDocument:
    """The :class:`~gongjiang_pipeline.yamlload.Document` of a valid file, parsed again only if used.

    Documents (the position of every key and value) are only read to point at a
    problem found by the cross-file checks. A file taken from the record cache,
    or parsed by a worker process, keeps its bytes instead: parsing them again
    gives the same document, and costs less than sending or caching every one.
    """

    __slots__ = ("_path", "_raw", "_doc")

    def __init__(self, path: str, raw: bytes):
        self._path = path
        self._raw = raw
        self._doc: Document | None = None

    def __getattr__(self, name: str):
        if name.startswith("_"):  # (copy and pickle probe for these: not the document's)
            raise AttributeError(name)
        doc = self._doc
        if doc is None:
            doc = self._doc = load_file(self._path, self._raw)
        return getattr(doc, name)


@dataclass(frozen=True)
class Loaded:
    """One valid file: its kind, record and parsed document (for positions)."""

    kind: str
    path: str  # as shown to users: relative to the project root
    record: Record
    doc: Document | LazyDocument
    edition_dir: str | None  # the edition named by the file's folder


def classify(rel: tuple[str, ...]) -> tuple[str, str | None] | None:
    """Kind of the file at ``rel`` (parts under data/) and the edition its folder names."""
    if len(rel) == 2 and rel[0] == "editions":
        return "edition", None
    if len(rel) == 3 and rel[0] == "candidates":
        return "candidate", rel[1]
    if len(rel) == 3 and rel[0] == "results" and rel[2][:-5] in RESULT_FILES:
        return rel[2][:-5], rel[1]
    if len(rel) == 4 and rel[0] == "results" and rel[2] == "scores":
        return "scores", rel[1]
    if len(rel) == 2 and rel[0] == "mentorships":
        return "mentorship", None
    if len(rel) == 2 and rel[0] == "lectures":
        return "lecture", None
    if len(rel) == 2 and rel[0] == "studios":
        return "studio", None
    if len(rel) == 2 and rel[0] == "topics":
        return "topic", None
    return None


def schema_line(root: Path, file: Path, kind: str) -> str:
    target = os.path.relpath(root / SCHEMA_DIR / f"{kind}.schema.json", file.parent)
    return f"# yaml-language-server: $schema={Path(target).as_posix()}"


def data_files(data_dir: Path) -> list[Path]:
    return [Path(folder) / name for folder, names in _data_folders(data_dir) for name in names]


def _data_folders(data_dir: Path) -> Iterator[tuple[str, list[str]]]:
    """Each folder under ``data_dir`` (sorted, depth first) with the names of its data files (sorted)."""
    for dirpath, dirnames, filenames in os.walk(data_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        yield dirpath, sorted(n for n in filenames if n.endswith((".yaml", ".yml")) and not n.startswith("."))


# below this many files to parse, parsing in worker processes costs more than it saves
PARALLEL_MIN_FILES = 400


def read_all(
    root: Path, data_dir: Path | None = None, cache: RecordCache | None = None
) -> tuple[list[Loaded], list[Problem]]:
    """Read and validate each file on its own; cross-file checks come later.

    With ``cache``, a file whose bytes (and the code) are unchanged since it was
    last read without any problem is taken from it instead of parsed again. Many
    files to parse are parsed on every core (forked workers); the files, records
    and problems come out in the same order either way. The garbage collector is
    paused meanwhile (:mod:`gongjiang_pipeline.gcpause`).
    """
    with paused_gc():
        return _read_all(root, data_dir or root / "data", cache)


def _read_all(root: Path, data_dir: Path, cache: RecordCache | None) -> tuple[list[Loaded], list[Problem]]:
    # one entry per file, in order: a problem, a cached file, or a file to parse
    entries: list[tuple] = []
    jobs: list[tuple[str, bytes, str, str]] = []
    use_cache = cache is not None and cache.enabled
    for dirpath, names in _data_folders(data_dir):
        folder = Path(dirpath)
        rel_dir = folder.relative_to(data_dir).parts
        shown_dir = _shown(root, folder)
        shard = "/".join(rel_dir)  # the record cache keeps one file per data folder
        lines: dict[str, str] = {}  # the schema line of each kind of file in this folder
        for name in names:
            shown = name if shown_dir == "." else f"{shown_dir}/{name}"
            if name.endswith(".yml"):
                entries.append(("problem", Problem(shown, 1, 1, "", "扩展名应为 .yaml（不是 .yml）")))
                continue
            where = classify(rel_dir + (name,))
            if where is None:
                entries.append(("problem", Problem(shown, 1, 1, "", MISPLACED)))
                continue
            kind, edition_dir = where
            with open(os.path.join(dirpath, name), "rb") as f:
                raw = f.read()
            expected = lines.get(kind) or lines.setdefault(kind, schema_line(root, folder / name, kind))
            key = entry_key(raw, shown, kind, expected) if use_cache else None
            record = cache.get(key, shard) if use_cache else None
            if record is not None:
                entries.append(("loaded", Loaded(kind, shown, record, LazyDocument(shown, raw), edition_dir)))
                continue
            entries.append(("parse", len(jobs), kind, shown, edition_dir, key, shard))
            jobs.append((shown, raw, kind, expected))

    parsed = _parse_all(jobs)
    loaded: list[Loaded] = []
    problems: list[Problem] = []
    for entry in entries:
        if entry[0] == "problem":
            problems.append(entry[1])
        elif entry[0] == "loaded":
            loaded.append(entry[1])
        else:
            _, i, kind, shown, edition_dir, key, shard = entry
            record, doc, errs, clean = parsed[i]
            problems.extend(errs)
            if record is not None:
                loaded.append(Loaded(kind, shown, record, doc, edition_dir))
                if key is not None and clean:  # only files without any problem
                    cache.put(key, record, shard)
    return loaded, problems


def _parse_one(job: tuple[str, bytes, str, str]) -> tuple[Record | None, Document | None, list[Problem], bool]:
    """Parse and validate one file: (record, document, problems, whether it had none)."""
    shown, raw, kind, expected = job
    try:
        doc = load_file(shown, raw)
    except YamlError as exc:
        return None, None, list(exc.problems), False
    if not isinstance(doc.value, dict):
        return None, None, [Problem(shown, 1, 1, "", "文件内容应为“字段: 值”形式的映射")], False
    problems: list[Problem] = []
    first = raw.split(b"\n", 1)[0].decode("utf-8").strip()  # decoded fine above
    if first != expected:
        problems.append(Problem(shown, 1, 1, "", f"第一行应为 schema 声明：{expected}"))
    record, errs = validate(doc, FILE_KINDS[kind])
    problems.extend(errs)
    return record, doc, problems, not problems


def parse_file(root: Path, shown: str, raw: bytes, kind: str) -> tuple[Record | None, list[Problem]]:
    """One data file (``shown``: its path from ``root``, as messages name it) parsed and
    validated on its own: (record, problems). The cross-file checks are not run."""
    record, _doc, problems, _clean = _parse_one((shown, raw, kind, schema_line(root, root / shown, kind)))
    return record, problems


# the jobs of a parse, for the forked workers: inherited, not sent to them
_worker_jobs: list[tuple[str, bytes, str, str]] = []


def _start_worker(jobs: list[tuple[str, bytes, str, str]]) -> None:
    global _worker_jobs
    _worker_jobs = jobs


def _parse_in_worker(chunk: list[int]) -> bytes:
    """In a worker: parse these jobs; the documents stay there (parsed again if ever used)."""
    with paused_gc():  # (forked from a paused parent, it is off already)
        out = []
        for i in chunk:
            record, _, problems, clean = _parse_one(_worker_jobs[i])
            out.append((record, problems, clean))
        return dumps(out)


def _parse_all(jobs: list[tuple[str, bytes, str, str]]) -> list[tuple]:
    workers = cpu_count()
    if len(jobs) < PARALLEL_MIN_FILES or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [_parse_one(job) for job in jobs]
    # Largest files first, in chunks of about the same size, each to the next free
    # worker: a score sheet costs as much as a hundred candidate files, and they
    # all come last in the list.
    order = sorted(range(len(jobs)), key=lambda i: len(jobs[i][1]), reverse=True)
    target = sum(len(job[1]) for job in jobs) / (workers * 16)
    chunks: list[list[int]] = [[]]
    size = 0
    for i in order:
        if size >= target:
            chunks.append([])
            size = 0
        chunks[-1].append(i)
        size += len(jobs[i][1])
    results: list[tuple] = [()] * len(jobs)
    with multiprocessing.get_context("fork").Pool(workers, _start_worker, (jobs,)) as pool:
        for chunk, blob in zip(chunks, pool.imap(_parse_in_worker, chunks)):
            for i, (record, problems, clean) in zip(chunk, pickle.loads(blob)):
                shown, raw = jobs[i][:2]
                results[i] = (record, None if record is None else LazyDocument(shown, raw), problems, clean)
    return results


def _shown(root: Path, file: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.as_posix()




def load_project(
    root: Path, data_dir: Path | None = None, *, cache: bool | None = None, cache_dir: Path | None = None,
    records: RecordCache | None = None, run_engine: Callable[[EditionData], Any] | None = None,
) -> Project:
    """Load and check everything; raise DataError listing every problem in every file.

    ``cache``: use the record cache in ``cache_dir`` (default ``<root>/cache/records``)
    (default: yes, unless ``GONGJIANG_NO_CACHE=1``); see :mod:`gongjiang_pipeline.recordcache`.
    ``records``: that record cache, already made (a resident build process keeps one in
    memory: ``resident.Resident``); ``run_engine``: how the checks run the default engine
    on an edition (default ``engine.run``; the resident process reuses unchanged editions' results).
    """
    root = Path(root)
    data_dir = Path(data_dir) if data_dir else root / "data"
    if not data_dir.is_dir():
        raise DataError([Problem(_shown(root, data_dir), 1, 1, "", "找不到数据目录")])
    # reading the cache, parsing, checking (see read_all); python -m gongjiang_pipeline
    # keeps the data until it ends, and freezes it (see gcpause)
    with paused_gc(freeze=freezing_loaded_data()):
        if records is None:
            records = RecordCache(root, enabled=cache, folder=cache_dir)
        loaded, problems = read_all(root, data_dir, records)
        records.save()
        problems.extend(crosscheck.check(loaded, data_dir, root))
        if problems:
            raise DataError(problems)
        project = assemble(loaded)
        # who may appear in a stage file is what the engine computes from the earlier
        # stages: only on valid data, and only for editions with such files
        checked = {x.record.edition for x in loaded if x.kind in stagecheck.CHECKED_KINDS}
        run = run_engine or engine.run
        results = {eid: run(ed) for eid, ed in project.editions.items() if eid in checked}
        problems = stagecheck.check(loaded, project, results) + badges.check(loaded, project, results)
        problems += studios.check_named(loaded, project, results)
        if problems:
            raise DataError(problems)
        return dataclasses.replace(project, results=MappingProxyType(results))


def assemble(loaded: list[Loaded]) -> Project:
    editions = {x.record.id: x.record for x in loaded if x.kind == "edition"}
    parts: dict[str, dict] = {eid: {"candidates": [], "score_sheets": {}} for eid in editions}
    sources = {}
    brand: dict[str, list] = {kind: [] for kind in EDITIONLESS_KINDS}  # records of no edition (issue 15)
    for x in loaded:
        if x.kind == "edition":
            continue
        if x.kind in brand:
            brand[x.kind].append(x.record)
            continue
        eid = x.record.edition
        if x.kind == "candidate":
            parts[eid]["candidates"].append(x.record)
            sources[x.record.id] = x.path
        elif x.kind == "scores":
            parts[eid]["score_sheets"][x.record.occupation] = x.record
        else:
            parts[eid][x.kind] = x.record
    return Project(
        editions={eid: EditionData(edition=editions[eid], **parts[eid]) for eid in sorted(editions)},
        sources=dict(sorted(sources.items())),
        **{field: tuple(sorted(brand[kind], key=lambda r: r.id)) for kind, field in EDITIONLESS_KINDS.items()},
    )
