"""Open data: each visible list as CSV and JSON (schema in docs/open-data.md).

Only the public fields of :class:`~gongjiang_pipeline.sitemodel.Person` are written.
Rows are in 姓氏笔画 order, the order of the published notice. Output is
deterministic: fixed field order, sorted keys, ``\\n`` line ends, no timestamps.
CSV cells that a spreadsheet would read as a formula get a leading apostrophe
(:func:`csv_cell`); JSON keeps the values as they are.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Callable

from .sitemodel import EditionView, ListView, Person, SiteModel

SCHEMA_VERSION = 1

# CSV columns, in order; JSON entries have the same keys
FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "gender",
    "employer",
    "occupation_id",
    "occupation",
    "district_id",
    "district",
    "sector_id",
    "sector",
    "url",
)


def row(p: Person, url: str) -> dict[str, str]:
    return {
        "id": p.id,
        "name": p.name,
        "gender": p.gender,
        "employer": p.employer,
        "occupation_id": p.occupation.id,
        "occupation": p.occupation.name,
        "district_id": p.district.id,
        "district": p.district.name,
        "sector_id": p.sector.id,
        "sector": p.sector.name,
        "url": url,
    }


def list_json(ev: EditionView, lv: ListView, person_url: Callable[[Person], str]) -> str:
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "edition": {"id": ev.id, "name": ev.name, "sample": ev.sample},
        "list": {"key": lv.key, "title": lv.title, "published": lv.publish_on.isoformat()},
        "order": "姓氏笔画",
        "entries": [row(p, person_url(p)) for p in lv.people],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# a cell starting with one of these is a formula (or DDE command) in Excel, LibreOffice
# and Google Sheets; tab and carriage return are listed by OWASP's CSV injection advice
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A CSV cell that a spreadsheet shows as text, never evaluates: values starting
    with ``= + - @``, tab or carriage return get a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def list_csv(lv: ListView, person_url: Callable[[Person], str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(FIELDS), lineterminator="\n")
    w.writeheader()
    for p in lv.people:
        w.writerow({k: csv_cell(v) for k, v in row(p, person_url(p)).items()})
    # UTF-8 with BOM so that spreadsheet programs open Chinese text correctly
    return "\ufeff" + buf.getvalue()


def catalogue(model: SiteModel, file_url: Callable[[EditionView, ListView, str], str]) -> str:
    """index.json: every list that is published, with the URLs of its files."""
    doc = {
        "schema_version": SCHEMA_VERSION,
        "lists": [
            {
                "edition": ev.id,
                "edition_name": ev.name,
                "sample": ev.sample,
                "key": lv.key,
                "title": lv.title,
                "published": lv.publish_on.isoformat(),
                "count": len(lv.people),
                "json": file_url(ev, lv, "json"),
                "csv": file_url(ev, lv, "csv"),
            }
            for ev in sorted(model.editions, key=lambda e: e.id)
            for lv in ev.lists
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
