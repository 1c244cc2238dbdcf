"""The devserver's first answer to an edit: the edited thing's own pages, at once.

A devserver rebuild (``devserver.py``) goes through the whole build: Pelican's pass
over every story and page, the page keys of every page, the sync. At the bench
scale that takes seconds even when the edit reaches one page. Hugo's server
answers in tens of milliseconds because it renders first what is being looked at
("fast render"), and the rest after. This does the same for the two edits an
editor makes most:

* a **story** saved (``content/stories/…``): its own pages (the story, its
  English translation's page) rendered again with the new text;
* a **candidate** file saved (``data/candidates/…``): the person's own pages (the
  craftsman page, the poster, the English page) rendered again with the new record.

Then the devserver tells the browsers to reload and runs the whole build as
before, which brings every other page (lists, browse pages, the feed) up to date
and is the one that counts: it renders the same pages again from scratch (their
files no longer match the manifest), so a page the first answer got wrong is
corrected by the full build, and the browsers reload again only if the full
build changed any file. If the full build fails, the files written first are put
back as they were, so the preview still shows the last good site.

The first answer is given only where it is sure to be a faithful preview, and
otherwise not at all (the edit then waits for the full build, as before):

* a story: its metadata (title, date, candidate, summary, slug, status...) read
  exactly as before, the same static files linked, no warning while reading or
  rendering: only the body changed, so no list, order or URL can change;
* a candidate: the file valid on its own, the same id, edition, name and name
  spelling (slugs, stroke order), the same photo (its portrait is made by the media
  step), and the selection engine gives the edition the
  very same result with the new record (same lists, steps, reasons and figures),
  so who is public, on which list, in what order, is as before (not run at all when
  only fields the engine never reads changed: :data:`ENGINE_UNREAD`).

This module is the pure part (the candidate, the files); the Pelican side
(re-reading a story, rendering with the last build's page contexts) is
``plugins/gongjiang_site/preview.py``.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from .atomic import write_atomic
from .dataset import EditionData, Project
from .engine import run as default_engine
from .sitemodel import Person, person_view


# Candidate fields the selection engine never reads (engine.py, stages/: no stage looks at
# them; the data model says so for the personal ones). A candidate edit that changes only
# these gives the edition the very same result: the engine is not run again for it. Guarded
# by tests/test_devserver_preview.py (the engine's code names none of them; changing them
# for every candidate of every sample edition leaves each result equal).
ENGINE_UNREAD = frozenset({
    "employer", "titles", "achievements", "citation", "citation_en", "photo", "name_en",
    "education", "skill_grade", "work_years",
})


# fields that reach the person's pages through the media step (the portrait made from the
# photo): a first answer would show the last build's
SHOWN_THROUGH_MEDIA = frozenset({"photo"})


@dataclass(frozen=True)
class PersonEdit:
    """A candidate file saved: the person as the last build showed them, and with the new record."""

    old: Person
    new: Person
    edition: EditionData  # with the new record
    result: Any  # the engine's result for it (equal to the last one)


def candidate_id(project: Project, root: Path, path: Path) -> str | None:
    """The candidate whose file ``path`` is, in the last loaded project (None: not one)."""
    try:
        shown = Path(os.path.abspath(path)).relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        return None
    for cid, source in project.sources.items():
        if source == shown:
            return cid
    return None


def edited_person(
    project: Project, model: Any, results: Mapping[str, Any], run: Callable[[EditionData], Any], root: Path, path: Path,
) -> PersonEdit | None:
    """The person of the candidate file ``path`` as the full build would show them,
    when the edit reaches no one else (see the module docstring), else None.

    ``project``, ``model``, ``results``: the last good build's; ``run``: the engine it used."""
    from .loading import parse_file

    root = Path(root).resolve()
    cid = candidate_id(project, root, path)
    if cid is None:
        return None
    old = model.person(cid)
    if old is None:  # not public: no page of theirs to show
        return None
    found = project.find_candidate(cid)
    if found is None:
        return None
    ed, before = found
    try:
        raw = Path(path).read_bytes()
    except OSError:
        return None
    shown = project.sources[cid]
    record, problems = parse_file(root, shown, raw, "candidate")
    if problems or record is None:
        return None  # the full build reports them, at their lines
    if (record.id, record.edition, record.name, record.name_pinyin) != (before.id, before.edition, before.name,
                                                                         before.name_pinyin):
        return None
    if record == before:
        return None
    edition = dataclasses.replace(ed, candidates=tuple(record if c.id == cid else c for c in ed.candidates))
    last = results.get(ed.edition.id)
    changed = {f for f in type(record).model_fields if getattr(record, f) != getattr(before, f)}
    if changed & SHOWN_THROUGH_MEDIA:
        return None
    if changed <= ENGINE_UNREAD and run is default_engine:
        result = last  # what the engine would give again
    else:
        result = run(edition)
        if result != last:
            return None
    try:
        new = person_view(ed.edition, record, old.slug, old.public_since, old.honours)
    except Exception:  # noqa: BLE001 - an unknown occupation, district...: the full build says which
        return None
    return PersonEdit(old, new, edition, result)


@dataclass
class QuickWrite:
    """Files the first answer wrote into the output folder, and what they held before."""

    output: Path
    before: dict[str, bytes | None] = field(default_factory=dict)  # name -> old bytes (None: there was none)

    @property
    def names(self) -> list[str]:
        return sorted(self.before)

    def write(self, name: str, data: bytes) -> bool:
        """Replace ``output/name`` with ``data`` (atomically); False if it held that already."""
        path = self.output / name
        try:
            old = path.read_bytes()
        except FileNotFoundError:
            old = None
        if old == data:
            return False
        write_atomic(path, data)
        self.before.setdefault(name, old)
        return True

    def restore(self) -> None:
        """Put back what the written files held (the full build after them failed)."""
        for name, old in self.before.items():
            path = self.output / name
            if old is None:
                if path.exists():
                    path.unlink()
                continue
            write_atomic(path, old)
        self.before.clear()
