"""Helpers for site tests: a scratch project that Pelican can build, a stand-in
engine whose lists follow the edition timeline, and output readers."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from scratch import CANDIDATE, ScratchProject
from searchkit import decoded_text, is_pagefind_file

from gongjiang_pipeline.outcome import LIST_TITLES, EditionResult, StageList
from gongjiang_pipeline.sitebuild import build_site

ROOT = Path(__file__).resolve().parent.parent

# (id, name, gender, private phone): 2099-005 is never on any list
PEOPLE = [
    ("2099-001", "张建国", "男", "13800000001"),
    ("2099-002", "李秀英", "女", "13800000002"),
    ("2099-003", "王芳", "女", "13800000003"),
    ("2099-004", "章三", "男", "13800000004"),
    ("2099-005", "赵不公", "男", "13800000005"),
    ("2099-006", "张三", "男", "13800000006"),
]
NOT_PUBLIC = "赵不公"


def fake_engine(ed) -> EditionResult:
    """Lists as a finished edition would have them, dated from the timeline."""
    t = ed.edition.timeline
    ids = ["2099-001", "2099-002", "2099-003", "2099-004", "2099-006"]

    def sl(key, entries, day):
        return StageList(key, LIST_TITLES[key], "final", tuple(entries), day)

    lists = {
        "nominees": sl("nominees", ids, t.nominees_published),
        "popularity": sl("popularity", ids[:1], t.popularity_published),
        "notice": sl("notice", ids[:3], t.notice.start),
        "craftsmen": sl("craftsmen", ids[:1], t.honor_roll_published),
        "nomination_award": sl("nomination_award", ids[1:3], t.honor_roll_published),
    }
    return EditionResult(ed.edition.id, lists, traces={})


class SiteProject(ScratchProject):
    """A scratch project Pelican can build. Its edition is real data (``sample: false``)
    unless ``sample``: a sample edition's pages are all noindex and out of the sitemap
    (tests/test_site_sample.py)."""

    def __init__(self, root: Path, *, sample: bool = False):
        super().__init__(root)
        if not sample:
            edition = self.root / "data/editions/2099.yaml"
            text = edition.read_text("utf-8")
            assert "\nsample: true\n" in text
            edition.write_text(text.replace("\nsample: true\n", "\nsample: false\n"), "utf-8")
        for cid, name, gender, phone in PEOPLE:
            text = CANDIDATE.format(id=cid, name=name).replace("gender: 男", f"gender: {gender}")
            text = text.replace('phone: "13800000001"', f'phone: "{phone}"')
            text = text.replace('id_number: "110101197501010011"', f'id_number: "1101011975010100{cid[-2:]}"')
            self.write(f"data/candidates/2099/{cid}.yaml", text)
        (self.root / "content" / "stories").mkdir(parents=True, exist_ok=True)
        (self.root / "content" / "pages").mkdir(parents=True, exist_ok=True)
        (self.root / "pelican.conf.py").write_text((ROOT / "pelican.conf.py").read_text("utf-8"), "utf-8")
        for d in ("theme", "plugins"):
            os.symlink(ROOT / d, self.root / d)

    def story(self, slug: str, candidate: str | None, date: str = "2099-07-01", title: str = "一位工匠的故事") -> None:
        meta = f"Title: {title}\nDate: {date}\n" + (f"Candidate: {candidate}\n" if candidate else "")
        (self.root / "content" / "stories" / f"{slug}.md").write_text(meta + "\n这是故事正文。\n", "utf-8")

    def build(self, as_of: str, out: Path, **override) -> Path:
        override.setdefault("GONGJIANG_ENGINE", fake_engine)
        build_site(self.root, out, dt.date.fromisoformat(as_of), override=override)
        return out


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def all_text(out: Path) -> str:
    """Every text file of the output, and the search index decoded (its files are
    compressed). Pagefind's own scripts, styles and WebAssembly (the same in every
    build, nothing from the data) are left out."""
    text = "\n".join(
        data.decode("utf-8", "replace")
        for name, data in files(out).items()
        if not name.endswith(".jpg") and not is_pagefind_file(name)
    )
    if (out / "pagefind").is_dir():
        text += "\n" + decoded_text(out)
    return text
