"""The English edition's rules, on data only (issue 18; docs/site.md "English edition").

* An edition has English pages (its page, its visible lists, the home page and the
  statistics) when its edition file gives ``name_en``. Only what the Chinese site shows
  on the build date is shown: the English pages come from the same site model, so an
  embargoed list or a person not yet public has no English page either.
* A person has an English page when their edition has English pages and their record
  gives ``citation_en``. Everyone else on an English list links to their Chinese page:
  no machine translation.
* :func:`missing` lists, per edition, what still lacks an English translation
  (``make status``).
"""

from __future__ import annotations

from .dataset import EditionData
from .outcome import LISTS, EditionResult


def edition_in_english(ev) -> bool:
    """``ev``: a sitemodel.EditionView."""
    return ev.edition.name_en is not None


def person_in_english(person, english_ids) -> bool:
    """``person``: a sitemodel.Person; ``english_ids``: the ids of the editions in English."""
    return person.edition_id in english_ids and person.citation_en is not None


def _names(items) -> list[str]:
    return [f"{n.name}（{n.id}）" for n in items if n.name_en is None]


def missing(data: EditionData, result: EditionResult | None = None, stories=()) -> list[str]:
    """What the edition still lacks in English, one Chinese line each (empty: nothing).
    ``stories``: stories.StoryMeta of the project (Chinese stories without an English one)."""
    e = data.edition
    groups = [("工种", "occupations", _names(e.occupations)), ("行业领域", "sectors", _names(e.sectors)),
              ("区", "districts", _names(e.districts))]
    titles = [f"{title}（{key}）" for key, title in LISTS if key not in e.awards.titles_en]
    if e.name_en is None:  # not translated at all: one line, with the counts
        counts = [f"{len(names)} 个{label}" for label, _, names in groups if names]
        counts += [f"{len(titles)} 个名单"] if titles else []
        tail = f"；另缺 {'、'.join(counts)}的英文名称" if counts else ""
        return [f"届次英文名称（name_en）未填写：本届没有英文页面{tail}"]
    out: list[str] = []
    if e.summary and e.summary_en is None:
        out.append("届次英文简介（summary_en）：未填写")
    for label, field, names in groups:
        if names:
            out.append(f"{label}英文名称（{field}.name_en）：缺 {len(names)} 个：{'、'.join(names)}")
    if titles:
        out.append(f"名单英文名称（awards.titles_en）：缺 {len(titles)} 个：{'、'.join(titles)}")
    if result is not None:
        by_id = {c.id: c for c in data.candidates}
        for key, title in LISTS:
            if key not in ("craftsmen", "nomination_award"):
                continue
            sl = result.lists.get(key)
            if sl is None or sl.status != "final":
                continue
            lacking = [by_id[cid] for cid in sl.entries if cid in by_id and by_id[cid].citation_en is None]
            if not lacking:
                continue
            if key == "craftsmen":
                who = "、".join(f"{c.name}（{c.id}）" for c in lacking)
                out.append(f"{title}英文推荐语（citation_en）：缺 {len(lacking)} 人：{who}")
            else:  # the long list: a count (their English entries link to the Chinese pages)
                out.append(f"{title}英文推荐语（citation_en）：缺 {len(lacking)} 人（英文名单链接到中文页面）")
    by_id = {c.id: c for c in data.candidates}
    translated = {s.slug for s in stories if s.lang == "en"}
    untranslated = [s for s in stories if s.lang != "en" and s.candidate in by_id and s.slug not in translated]
    if untranslated:
        which = "、".join(f"{s.path}（{by_id[s.candidate].name}）" for s in untranslated)
        out.append(f"工匠故事英文译文（Lang: en）：缺 {len(untranslated)} 篇：{which}")
    return out
