"""What the site search knows about a public person (pure: no Pelican, no Pagefind).

The site is indexed with Pagefind after Pelican has written it (see
``searchindex.py``). Only craftsman pages and stories are indexed: list, browse
and policy pages repeat the same names and occupations many times over and would
push the people themselves down the results. Templates turn a
:class:`SearchEntry` into Pagefind attributes:

* ``pinyin``: hidden text, so ``shanlixin`` and ``shan lixin`` find 单立新
  (readings from ``naming.py``: 单 as a surname is shan);
* ``spaced``: hidden text, the name, occupation and employer one character a
  word. Pagefind segments page text with its own dictionary (单立新 -> 单 立新,
  数控机床操作工 -> 数控 机床 操作 工) but the browser segments the query with
  ``Intl.Segmenter`` (单立新 -> 单 立 新, 数控 -> 数 控), and a page is found
  only if every query word begins a word of the page (query words found nowhere
  in the index are dropped). Single characters on the page make the two agree;
* ``filters``: 届次, 工种 and 奖项 (Pagefind filters, by their Chinese names);
* ``meta``: what a result shows besides the title and the photo.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .naming import search_spellings
from .outcome import LIST_TITLES
from .sitemodel import EditionView, Person

# Pagefind filter names, shown as such by the search page
FILTER_EDITION = "届次"
FILTER_OCCUPATION = "工种"
FILTER_AWARD = "奖项"

# honours in the order a result names them; being a nominee is shown only when
# the person has nothing more yet
_AWARD_KEYS = ("craftsmen", "nomination_award", "popularity")
NOTICE_LABEL = "公示人选"


@dataclass(frozen=True)
class SearchEntry:
    pinyin: tuple[str, ...]  # e.g. ("shanlixin", "shan lixin", "shan li xin")
    spaced: tuple[str, ...]  # e.g. ("单 立 新", "工 程 测 量 员", "北 京 京 测 ...")
    filters: tuple[tuple[str, str], ...]  # (filter name, value), one pair per value
    award: str  # e.g. 北京大工匠、最佳人气奖; 公示人选 or 提名人选 before the honour roll
    occupation: str
    employer: str
    name: str


def spaced(text: str) -> str:
    """Han characters one per word; runs of other characters (ASCII words, digits)
    kept together: ``北京ABC科技`` -> ``北 京 ABC 科 技``."""
    out: list[str] = []
    run = ""
    for ch in text:
        if _is_han(ch) or ch.isspace() or unicodedata.category(ch)[0] == "P":
            if run:
                out.append(run)
                run = ""
            if _is_han(ch):
                out.append(ch)
        else:
            run += ch
    if run:
        out.append(run)
    return " ".join(out)


def _is_han(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def award_label(person: Person, edition: EditionView) -> str:
    """The person's standing in one phrase: the awards won (北京大工匠、最佳人气奖);
    otherwise 公示人选 while the notice list is the latest word (not once the honour
    roll is out: someone left off it is then just a nominee); otherwise 提名人选."""
    keys = {h.list_key for h in person.honours}
    won = [LIST_TITLES[k] for k in _AWARD_KEYS if k in keys]
    if won:
        return "、".join(won)
    honour_roll_out = any(edition.list(k) is not None for k in ("craftsmen", "nomination_award"))
    if "notice" in keys and not honour_roll_out:
        return NOTICE_LABEL
    if "nominees" in keys:
        return LIST_TITLES["nominees"]
    return ""


def award_filters(person: Person) -> tuple[str, ...]:
    """Every list the person is on, by its title, except the notice list (a step of
    the procedure, not an honour): 提名人选, 最佳人气奖, 北京大工匠, 北京大工匠提名奖."""
    keys = {h.list_key for h in person.honours}
    return tuple(LIST_TITLES[k] for k in LIST_TITLES if k in keys and k != "notice")


def search_entry(person: Person, edition: EditionView) -> SearchEntry:
    """``edition``: the view of the person's edition (``person.edition_id``)."""
    if edition.id != person.edition_id:
        raise ValueError(f"{person.id} is not in edition {edition.id}")
    filters = [(FILTER_EDITION, person.edition_name), (FILTER_OCCUPATION, person.occupation.name)]
    filters += [(FILTER_AWARD, a) for a in award_filters(person)]
    return SearchEntry(
        pinyin=search_spellings(person.name, person.name_pinyin),
        spaced=(spaced(person.name), spaced(person.occupation.name), spaced(person.employer)),
        filters=tuple(filters),
        award=award_label(person, edition),
        occupation=person.occupation.name,
        employer=person.employer,
        name=person.name,
    )


# the English pages' filters (issue 18): the English index is a separate Pagefind bundle
FILTER_EDITION_EN = "Edition"
FILTER_OCCUPATION_EN = "Occupation"
FILTER_AWARD_EN = "Award"


def search_entry_en(person: Person, edition: EditionView) -> SearchEntry:
    """What the English index gets for a person with an English page: the romanised name
    (and the pinyin spellings of the Chinese index), English names of the occupation,
    edition and awards; the employer as written (it has no English name)."""
    if edition.id != person.edition_id:
        raise ValueError(f"{person.id} is not in edition {edition.id}")
    e = edition.edition
    titles = e.awards.titles_en
    occupation = person.occupation.name_en or person.occupation.name
    keys = {h.list_key for h in person.honours}
    won = [titles.get(k, LIST_TITLES[k]) for k in _AWARD_KEYS if k in keys]
    if not won and "nominees" in keys:
        won = [titles.get("nominees", LIST_TITLES["nominees"])]
    filters = [(FILTER_EDITION_EN, e.name_en or person.edition_name), (FILTER_OCCUPATION_EN, occupation)]
    filters += [(FILTER_AWARD_EN, titles.get(k, LIST_TITLES[k])) for k in LIST_TITLES if k in keys and k != "notice"]
    return SearchEntry(
        pinyin=tuple(dict.fromkeys((person.name_en.lower(), *search_spellings(person.name, person.name_pinyin)))),
        spaced=(spaced(person.name), spaced(person.employer)),
        filters=tuple(filters),
        award=", ".join(won),
        occupation=occupation,
        employer=person.employer,
        name=person.name_en,
    )
