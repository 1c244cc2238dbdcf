"""What a resident build process keeps in memory between builds (``make devserver``).

``make html`` runs in a fresh process each time: it reads the record cache from
``cache/records``, runs the engine on every edition and builds the site model.
The devserver builds again and again in one process (Pelican and the plugin
imported once, see ``devserver.py``) and hands one :class:`Resident` to every
build (the plugin finds it in the setting :data:`SETTING`; settings whose name
starts with ``_`` are not part of any page key). It keeps:

* the **record cache** in memory: the entries used by the last load are the
  next load's, so an unchanged file is neither parsed nor unpickled again, and
  it yields the very same record object as before;
* the **engine results** per edition: an edition whose records are all the same
  objects as last time (every file of it unchanged), run through the same
  engine, gets the same result without running the engine (it is a pure
  function of the data);
* the **site model**: when the build date, every edition's records and every
  result are the same objects as last time, the model is the one built then;
* the **project** itself, when the devserver says that nothing under ``data/``
  (nor the site settings) changed since the last load that succeeded (a story
  or template edit: :attr:`Resident.data_unchanged`): then the data files are
  not even read and the cross-file checks do not run again.

All reuse is by identity of immutable records that are only ever reused for
the same file bytes (``recordcache``), so it can never show stale data: a
changed file gives a new record, which invalidates its edition's result and
the model. Anything else (media, page keys, rendering) runs as in ``make
html``; the caching writer keeps the pages whose inputs did not change. It
also keeps what ``make html`` reads back from disk or redoes on every build:

* the **dependency graph** of the last good build (:meth:`Resident.keep_graph`,
  set by the devserver after a build succeeded; the writer takes it with
  :meth:`Resident.graph_of` for the same output folder and code version instead
  of unpickling it), and each page's **key** (:attr:`Resident.page_keys`,
  memoised by the very reads list it was computed from and the base key);
* the **compiled templates** (:class:`TemplateCache`): each build makes new
  Jinja environments; Jinja checks a cached entry against the source it loads
  now, so an edited template is compiled again, and every entry is dropped when
  the Jinja options (``JINJA_ENVIRONMENT``) change.

The manifest and the graph are still saved to disk after every good build, but
after the browsers were told to reload (``sitebuild.build_into(record=False)``,
then ``BuildSummary.record`` by the devserver under its build lock).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Callable, Mapping

from jinja2 import BytecodeCache

from .dataset import EditionData, Project
from .recordcache import CACHE_DIR, RecordCache, code_version

SETTING = "_GONGJIANG_RESIDENT"  # the Pelican setting a resident build is handed in


def _same(a: Any, b: Any) -> bool:
    """The same objects: identical, or tuples / mappings of identical objects."""
    if a is b:
        return True
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(x is y for x, y in zip(a, b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(a[k] is b[k] for k in a)
    return False


def same_edition(a: EditionData, b: EditionData) -> bool:
    """Whether two editions are made of the same record objects (so: the same files)."""
    return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(EditionData))


class TemplateCache(BytecodeCache):
    """Jinja's compiled templates kept in memory between builds: each build makes new
    template environments (a new ``Pelican``), which would compile every template again.
    Jinja keys an entry by the template's name and file and checks it against a digest
    of the source it loads now, so an edited template is compiled again."""

    def __init__(self) -> None:
        self.entries: dict[str, bytes] = {}
        self.options: str | None = None  # what the entries were compiled with

    def made_with(self, options: str) -> "TemplateCache":
        """This cache for templates compiled with ``options`` (a digest of the Jinja
        options): entries compiled with other ones are dropped (``trim_blocks`` or an
        extension change what a source compiles to)."""
        if options != self.options:
            self.entries.clear()
            self.options = options
        return self

    def load_bytecode(self, bucket) -> None:
        code = self.entries.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.entries[bucket.key] = bucket.bytecode_to_string()


def _left_behind() -> None:
    """What a pickled :class:`Resident` turns into (see ``Resident.__reduce__``)."""
    return None


class Resident:
    """The data a resident build process keeps between builds; see the module docstring."""

    def __reduce__(self):
        # It is handed in as a Pelican setting, and Pelican's reader cache pickles each
        # category and tag with the settings it holds: the cached copy must not carry this
        # process's loaded data and results (which cannot be pickled, and would be stale).
        return (_left_behind, ())

    def __copy__(self) -> "Resident":  # a copy of the settings hands in this same process's data
        return self

    def __deepcopy__(self, memo) -> "Resident":
        return self

    def __init__(self) -> None:
        self._records: RecordCache | None = None
        self._results: dict[str, tuple[Callable, EditionData, Any]] = {}
        self._model: tuple[Any, Project, Mapping[str, Any], Any] | None = None
        self._project: tuple[tuple[Path, Path], Project] | None = None  # the last load that succeeded
        # set by the devserver for one build: no file under data/ (nor the settings) changed
        # since the last load; the watcher reports every change, so a later one loads again
        self.data_unchanged = False
        self.project_reused = False
        # what the last build reused (for the devserver's messages and the tests)
        self.engine_runs = 0  # editions the engine ran for in the last build
        self.model_reused = False
        self.bytecode_cache = TemplateCache()
        # the dependency graph of the last good build, as it was saved for its output folder
        # (output, code version, graph), and each page's key by the reads it was computed from
        self._graph: tuple[str, str, Any] | None = None
        self.page_keys: dict[str, tuple] = {}
        # the first answer to an edit (preview.py): what the plugin left after the pages of
        # the last build were written, and what the devserver kept of the last good build
        self.pending_preview: Any = None
        self.preview: Any = None
        self.preview_articles: Any = None  # (Pelican's article generator, while a build runs)

    def model_inputs(self) -> tuple[Any, Project | None, Mapping[str, Any] | None, Any]:
        """(build date, project, results, site model) of the last model built or reused."""
        last = self._model
        return (last[0], last[1], last[2], last[3]) if last is not None else (None, None, None, None)

    def engine_of(self, eid: str) -> Callable | None:
        """The engine function the last build ran (or reused) for edition ``eid``."""
        hit = self._results.get(eid)
        return hit[0] if hit is not None else None

    def keep_graph(self, output: Path, graph: Any, version: str) -> None:
        """After a good build into ``output`` (its graph saved there too): the graph the next
        build keeps pages by, without reading it back."""
        self._graph = (str(Path(output).resolve()), version, graph) if graph is not None else None

    def graph_of(self, output: Path, version: str) -> Any:
        """The kept graph of ``output`` for this code version, or None (then it is loaded)."""
        g = self._graph
        if g is not None and g[0] == str(Path(output).resolve()) and g[1] == version:
            return g[2]
        return None

    def records(self, root: Path, folder: Path | None) -> RecordCache:
        """The record cache for a load: the last load's entries, kept in memory."""
        where = Path(folder or Path(root) / CACHE_DIR)
        cache = self._records
        if cache is None or cache.parent != where or (cache.enabled and cache.version != code_version()):
            cache = self._records = RecordCache(root, folder=where)
        else:
            cache.rollover()
        return cache

    def start(self) -> None:
        """A build begins."""
        self.engine_runs = 0
        self.model_reused = False
        self.project_reused = False

    def load(self, root: Path, folder: Path | None, load: Callable[..., Project]) -> Project:
        """``load(records=..., run_engine=...)`` (``loading.load_project``) with the resident
        record cache and engine results, or the last project if the data did not change."""
        from .engine import run as engine_run

        key = (Path(root).resolve(), Path(folder or Path(root) / CACHE_DIR).resolve())
        last = self._project
        if self.data_unchanged and last is not None and last[0] == key:
            self.project_reused = True
            return last[1]
        self._project = None  # (a load that fails leaves nothing to reuse)
        project = load(records=self.records(root, folder), run_engine=lambda ed: self.result(engine_run, ed))
        self._project = (key, project)
        return project

    def result(self, run: Callable, ed: EditionData) -> Any:
        """``run(ed)``, or the last result for this edition if ``run`` and its records are the same."""
        eid = ed.edition.id
        hit = self._results.get(eid)
        if hit is not None and hit[0] is run and same_edition(hit[1], ed):
            return hit[2]
        result = run(ed)
        self.engine_runs += 1
        self._results[eid] = (run, ed, result)
        return result

    def model(self, build: Callable, project: Project, results: Mapping[str, Any], as_of) -> Any:
        """``build(project, results, as_of)`` (the site model), or the last one if nothing it reads changed."""
        last = self._model
        if (
            last is not None
            and last[0] == as_of
            and last[1].editions.keys() == project.editions.keys()
            and all(same_edition(last[1].editions[e], project.editions[e]) for e in project.editions)
            and _same(last[2], results)
        ):
            self.model_reused = True
            return last[3]
        model = build(project, results, as_of)
        self._model = (as_of, project, dict(results), model)
        return model
