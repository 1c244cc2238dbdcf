"""A scratch project with an XSS vector in every text field (tests/xss_vectors.txt).

Every vector, unsanitised, would call ``alert(1)``, set ``window.__xss`` or load
something from another host. They go into:

* every free-text field of every candidate file: ``employer``, ``citation``,
  ``titles``, ``achievements``, ``education``, ``skill_grade`` and the private fields.
  The vectors are grouped into chunks of at most 200 characters (the citation's
  limit); candidate i gets chunk i in each scalar field and chunks i+1, i+2 in the
  lists, so each vector meets each field. ``name``, ``name_pinyin``, ``photo`` and
  ids are constrained fields (stroke data, pinyin letters, a path, a pattern), which
  reject markup with a Chinese error instead;
* every free-text field of the edition file (names of the edition, occupations,
  districts, sectors, bodies, vote channels, score components; summary, voting
  instructions, veto conditions, objection channels and rules);
* a story (title, summary, body: each vector as its own block and inline) and a
  policy page (title, nav label, body);
* the English edition's fields (issue 18): the edition's ``name_en``, ``summary_en``, the
  English names of occupations, sectors, districts and lists, every candidate's
  ``citation_en``, and English translations of the story and the policy page, so every
  English page is built with them. ``name_en`` of a candidate is constrained (Latin
  letters) like ``name``.

All candidates are made public with a stand-in engine (every list, dated by the
timeline), so every page the site can have is built.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from sitekit import SiteProject

from gongjiang_pipeline.outcome import LIST_TITLES, EditionResult, StageList

HERE = Path(__file__).resolve().parent
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"


def load_vectors() -> list[str]:
    return [line for line in (HERE / "xss_vectors.txt").read_text("utf-8").splitlines() if line.strip()]


def chunks(vectors: list[str], limit: int = 200) -> list[str]:
    """Vectors joined by spaces into strings of at most ``limit`` characters, in order."""
    out: list[str] = []
    for v in vectors:
        if out and len(out[-1]) + 1 + len(v) <= limit:
            out[-1] += " " + v
        else:
            out.append(v)
    return out


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def everyone_engine(ed) -> EditionResult:
    """Every candidate on every list, dated from the edition timeline."""
    t = ed.edition.timeline
    ids = tuple(sorted(c.id for c in ed.candidates))

    def sl(key, day):
        return StageList(key, LIST_TITLES[key], "final", ids, day)

    lists = {
        "nominees": sl("nominees", t.nominees_published),
        "popularity": sl("popularity", t.popularity_published),
        "notice": sl("notice", t.notice.start),
        "craftsmen": sl("craftsmen", t.honor_roll_published),
        "nomination_award": sl("nomination_award", t.honor_roll_published),
    }
    return EditionResult(ed.edition.id, lists, traces={})


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


class XssProject(SiteProject):
    def __init__(self, root: Path, vectors: list[str]):
        super().__init__(root)
        self.vectors = vectors
        self.chunks = chunks(vectors)
        for p in (self.root / "data" / "candidates" / "2099").glob("*.yaml"):
            p.unlink()
        self._edition()
        for i in range(len(self.chunks)):
            self._candidate(i)
        self._story()
        self._page()

    def v(self, i: int) -> str:
        return self.vectors[i % len(self.vectors)]

    def c(self, i: int) -> str:
        return self.chunks[i % len(self.chunks)]

    def _edition(self) -> None:
        from scratch import EDITION

        e = yaml.safe_load(EDITION)
        n = iter(range(10_000))
        e["name"] = self.c(next(n))
        e["name_en"] = self.c(next(n))
        e["summary"] = self.c(next(n))
        e["summary_en"] = self.c(next(n))
        for key in ("occupations", "sectors", "districts", "bodies", "vote_channels"):
            for item in e[key]:
                item["name"] = self.c(next(n))
                if key in ("occupations", "sectors", "districts"):
                    item["name_en"] = self.c(next(n))
        e["awards"]["titles_en"] = {k: self.c(next(n)) for k in LIST_TITLES}
        for comp in e["scoring"]["components"]:
            comp["name"] = self.c(next(n))
        e["voting_instructions"] = self.c(next(n))
        e["veto_conditions"] = [self.c(next(n)), self.c(next(n))]
        e["notice"]["channels"] = [
            {"kind": "电话", "value": self.c(next(n)), "note": self.c(next(n))},
            {"kind": "电子邮件", "value": self.c(next(n))},
        ]
        e["notice"]["rules"] = [self.c(next(n)), self.c(next(n))]
        text = yaml.dump(e, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=10_000)
        self.write("data/editions/2099.yaml", text)

    def _candidate(self, i: int) -> None:
        cid = f"2099-{i + 1:03d}"
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES) + i) % len(GIVEN)]
        v, v1, v2 = self.c(i), self.c(i + 1), self.c(i + 2)
        text = f"""\
id: {cid}
edition: "2099"
name: {name}
gender: {"女" if i % 3 == 0 else "男"}
birth_year: {1960 + i % 30}
education: {q(v)}
skill_grade: {q(v1)}
employer: {q(v)}
district: {("dongcheng", "chaoyang")[i % 2]}
occupation: {("welder", "fitter")[i % 2]}
sector: manufacturing
titles: [{q(v1)}, {q(v2)}]
achievements: [{q(v)}, {q(v2)}]
citation: {q(v)}
citation_en: {q(v1)}
recommendation:
  channel: 单位推荐
  body: dongcheng-union
  date: 2099-02-10
  union_member: true
private:
  id_number: {q(v)}
  phone: {q(v1)}
  address: {q(v2)}
  union_card: {q(v)}
"""
        self.write(f"data/candidates/2099/{cid}.yaml", text)

    def _story(self) -> None:
        body = "\n\n".join(self.vectors)
        inline = "\n\n".join(f"正文 {vec} 正文" for vec in self.vectors)
        meta = (
            f"Title: 故事 {self.vectors[0]} {self.vectors[8]}\n"
            f"Date: 2099-07-01\nCandidate: 2099-001\n"
            f"Summary: 摘要 {self.vectors[17]} {self.vectors[47]}\n"
        )
        (self.root / "content" / "stories" / "xss.md").write_text(meta + "\n" + body + "\n\n" + inline + "\n", "utf-8")
        en = meta.replace("Title: 故事", "Title: Story").replace("Summary: 摘要", "Summary: Summary") + "Slug: xss\nLang: en\n"
        (self.root / "content" / "stories" / "xss.en.md").write_text(en + "\n" + body + "\n\n" + inline + "\n", "utf-8")

    def _page(self) -> None:
        meta = f"Title: 政策 {self.vectors[9]}\nSlug: xss-policy\nNav: 导航 {self.vectors[10]}\n"
        body = "\n\n".join(self.vectors)
        (self.root / "content" / "pages" / "xss.md").write_text(meta + "\n" + body + "\n", "utf-8")
        en = f"Title: Policy {self.vectors[11]}\nSlug: xss-policy\nNav: Nav {self.vectors[12]}\nLang: en\n"
        (self.root / "content" / "pages" / "xss.en.md").write_text(en + "\n" + body + "\n", "utf-8")

    def build(self, as_of: str, out: Path, **override) -> Path:
        override.setdefault("GONGJIANG_ENGINE", everyone_engine)
        return super().build(as_of, out, **override)
