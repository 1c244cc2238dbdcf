"""The devserver's first answer to a story or candidate edit (``gongjiang_pipeline/preview.py``):
the Pelican side.

A build with a resident process (the devserver) leaves a :class:`Preview` in the
resident (``Resident.pending_preview``; the devserver keeps it once the build
succeeded): the page contexts the writer was handed for the pages that belong to one
story (``article=``) or one person (``person=``), Pelican's article generator (its
readers and shared context) and the inputs of the site model. On the next edit the
devserver asks it for the edited thing's own pages (:meth:`Preview.answer`): the
story is read again by the same readers, with the same signals (so it is sanitised
like any other), or the candidate's record is checked against the engine
(``edited_person``); each page is rendered with its last context, the old story or
person swapped for the new one. Nothing is recorded (no reads, no keys): the full
build that follows renders those pages again and records them.
"""

from __future__ import annotations

import copy
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from pelican import signals

from gongjiang_pipeline import preview as core
from gongjiang_pipeline.resident import SETTING as RESIDENT_SETTING

_LOGGERS = ("pelican", "gongjiang_site", "gongjiang_pipeline")


class _Warned(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.any = False

    def emit(self, record: logging.LogRecord) -> None:
        self.any = True


@contextmanager
def _watching() -> Iterator[_Warned]:
    """Whether anything was logged at WARNING or above (the full build would fail on it)."""
    handler = _Warned()
    loggers = [logging.getLogger(n) for n in _LOGGERS]
    for lg in loggers:
        lg.addHandler(handler)
    try:
        yield handler
    finally:
        for lg in loggers:
            lg.removeHandler(handler)


def _real(path: Any) -> str:
    return os.path.realpath(os.fspath(path))


@dataclass(frozen=True)
class OwnedPage:
    """One page of a story or person, as the writer was handed it: its context is kept as
    the names it had and those whose value is not Pelican's shared context's (the template
    variables of the page), not as a copy of the whole context (264 names a page at the
    bench scale: 45 MB for its 6,858 owned pages)."""

    name: str
    template: Any
    base: dict  # Pelican's shared context, as the build left it
    keys: frozenset  # the names of the page's context
    own: dict  # the names whose value is not the base's

    def context(self) -> dict:
        base, own = self.base, self.own
        context = {k: base[k] for k in self.keys if k not in own}
        context.update(own)
        return context


def compact(owned: dict[tuple[str, str], list]) -> dict[tuple[str, str], list[OwnedPage]]:
    """The writer's (job, shared context) pairs as :class:`OwnedPage`, once every page is
    written (the shared context is then as it stays)."""
    interned: dict[frozenset, frozenset] = {}
    out: dict[tuple[str, str], list[OwnedPage]] = {}
    for who, pages in owned.items():
        for job, base in pages:
            keys = frozenset(job.context)
            keys = interned.setdefault(keys, keys)
            own = {k: v for k, v in job.context.items() if k not in base or base[k] is not v}
            out.setdefault(who, []).append(OwnedPage(job.name, job.template, base, keys, own))
    return out


class Preview:
    """What one good build leaves for the first answer to the next edit."""

    def __init__(self, resident: Any, root: Path, owned: dict[tuple[str, str], list], articles: Any) -> None:
        self.root = Path(_real(root))
        self._owned = owned  # the writer's (job, shared context) pairs, until compacted
        self._jobs: dict[tuple[str, str], list[OwnedPage]] | None = None
        self.articles = articles  # Pelican's ArticlesGenerator of the build (None: no articles)
        self.inputs = resident.model_inputs()  # (as_of, project, results, model) of the build
        self.engine = resident.engine_of  # edition id -> the engine function the build used

    @property
    def jobs(self) -> dict[tuple[str, str], list[OwnedPage]]:
        """("story", source path) / ("person", id) -> its OwnedPages (compacted on first use:
        after the reload event, by ``warm``, not while the build's pages wait for it)."""
        if self._jobs is None:
            self._jobs, self._owned = compact(self._owned), {}
        return self._jobs

    def warm(self) -> None:
        """Load in this process what the owned pages' templates extend, include and import:
        the build rendered them in forked workers, whose template caches are gone with them,
        so the first answer would compile them (~200 ms at the bench scale). One page of
        each template is rendered, and the text dropped."""
        seen: set[int] = set()
        for pages in self.jobs.values():
            for page in pages:
                if id(page.template) in seen:
                    continue
                seen.add(id(page.template))
                with _watching():
                    try:
                        page.template.render(page.context())
                    except Exception:  # noqa: BLE001 - rendered fine in the build; if not now, the answer says so
                        pass

    def answer(self, changed: set[Path], output: Path, as_of: Any) -> core.QuickWrite | None:
        """The edited file's own pages, rendered and written into ``output``; None when
        this edit is not one that can be answered first (see the core module)."""
        saved = [p for p in changed if os.path.isfile(p)]  # (an editor's temporary file, gone: not an edit)
        if len(saved) != 1:
            return None
        path = Path(_real(saved[0]))
        if not path.is_relative_to(self.root):
            return None
        rel = path.relative_to(self.root)
        pages = None
        if rel.parts[:1] == ("content",) and rel.suffix == ".md":
            pages = self._story(str(path))
        elif rel.parts[:2] == ("data", "candidates") and rel.suffix == ".yaml":
            pages = self._person(path, as_of)
        if not pages:
            return None
        wrote = core.QuickWrite(Path(output))
        for name, data in sorted(pages.items()):
            wrote.write(name, data)
        return wrote if wrote.names else None  # (the pages were as they are now: nothing to show)

    def _story(self, path: str) -> dict[str, bytes] | None:
        jobs = self.jobs.get(("story", path))
        gen = self.articles
        if not jobs or gen is None:
            return None
        old = jobs[0].own["article"]
        with _watching() as warned:
            try:
                new = gen.readers.read_file(
                    base_path=gen.path, path=os.path.relpath(path, gen.path), content_class=type(old),
                    context=gen.context, preread_signal=signals.article_generator_preread, preread_sender=gen,
                    context_signal=signals.article_generator_context, context_sender=gen,
                )
            except Exception:  # noqa: BLE001 - the full build reports it, with the file named
                return None
        if warned.any or type(new) is not type(old) or new.metadata != old.metadata or new.status != old.status:
            return None
        if new.get_static_links() != old.get_static_links():  # a new image: the static files change
            return None
        story = copy.copy(old)  # everything the build set on it (translations...), with the new body
        story._content = new._content
        return self._render(jobs, old, story)

    def _person(self, path: Path, as_of: Any) -> dict[str, bytes] | None:
        built_on, project, results, model = self.inputs
        if built_on != as_of:
            return None
        cid = core.candidate_id(project, self.root, path)
        if cid is None or ("person", cid) not in self.jobs:
            return None
        ed = project.find_candidate(cid)
        run = self.engine(ed[0].edition.id) if ed is not None else None
        if run is None:
            return None
        edit = core.edited_person(project, model, results, run, self.root, path)
        if edit is None:
            return None
        return self._render(self.jobs[("person", cid)], edit.old, edit.new)

    @staticmethod
    def _render(jobs: list, old: Any, new: Any) -> dict[str, bytes] | None:
        out: dict[str, bytes] = {}
        with _watching() as warned:
            try:
                for page in jobs:
                    context = {k: (new if v is old else v) for k, v in page.context().items()}
                    out[page.name] = page.template.render(context).encode("utf-8")
            except Exception:  # noqa: BLE001 - a template error: the full build reports it, with its line
                return None
        return None if warned.any else out


def owner(kwargs: dict) -> tuple[str, str] | None:
    """Whose own page a page written with these template variables is, if anyone's."""
    article = kwargs.get("article")
    if article is not None and getattr(article, "source_path", None):
        return ("story", _real(article.source_path))
    person = kwargs.get("person")
    if person is not None and getattr(person, "id", None):
        return ("person", person.id)
    return None


def keep_articles(generator) -> None:
    """``article_generator_finalized``: the article generator, for a resident build's preview."""
    resident = generator.settings.get(RESIDENT_SETTING)
    if resident is not None:
        resident.preview_articles = generator


def leave_preview(writer) -> None:
    """After the pages were written (``finalized``): the preview of this build, for the
    devserver to keep if the build succeeds."""
    from .generator import project_root

    settings = writer.settings
    resident = settings.get(RESIDENT_SETTING)
    if resident is None:
        return
    resident.pending_preview = Preview(resident, project_root(settings), writer.owned,
                                       getattr(resident, "preview_articles", None))
    resident.preview_articles = None
