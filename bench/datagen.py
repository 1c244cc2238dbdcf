"""Synthetic data at scale for the benchmarks (``make bench``).

Everything is fictional and deterministic (a seed derived from the parameters).
Two products:

* :func:`edition_data` - one edition as validated pydantic records
  (:class:`~gongjiang_pipeline.dataset.EditionData`), every stage file present:
  qualification, one score sheet per occupation (5-7 judges, recusals,
  tie-break metrics), votes, review, objections, approval, decisions. Used
  directly (no YAML) to time the selection engine alone.
* :func:`write_project` - a whole project on disk (``data/`` YAML in the
  documented format, ``content/`` stories and policy pages, photos), with a
  twin project without photos. It runs the engine while generating so that
  votes and review scores go to the real nominees, objections to people on the
  notice list, photos and stories to public people.

Photos are 4000x3000 JPEGs by default; they are cheap to make: a few dozen
distinct base images, then each photo is a base plus a unique JPEG comment
(and, for some, an EXIF block with an orientation or GPS tag), so every file
is byte-distinct (a content-addressed media cache sees 2,000 different photos)
without encoding 2,000 large images. They are stored once per size under the
cache folder and hard-linked into projects.

Reference tables (names, districts, occupations, employers, achievement
phrases) come from ``tools/make_sample_data.py`` so the data looks like the
sample data and every name has stroke data.
"""

from __future__ import annotations

import colorsys
import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import random
import shutil
import struct
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import make_sample_data as sample  # noqa: E402

from gongjiang_pipeline.dataset import EditionData  # noqa: E402
from gongjiang_pipeline.engine import run as engine_run  # noqa: E402
from gongjiang_pipeline.loading import schema_line  # noqa: E402
from gongjiang_pipeline.models import (  # noqa: E402
    Approval,
    Awards,
    Body,
    Candidate,
    Component,
    Decisions,
    Edition,
    Judge,
    Metric,
    Named,
    NamedEn,
    NoticeRules,
    ObjectionChannel,
    Objection,
    Objections,
    Occupation,
    Period,
    Private,
    Qualification,
    QualificationDecision,
    Quotas,
    Recommendation,
    Record,
    Recusal,
    Review,
    ReviewRow,
    Scoring,
    ScoreRow,
    ScoreSheet,
    Tally,
    TieBreak,
    Timeline,
    Trim,
    Votes,
)

# Bump when the generated data changes, so cached projects are not reused.
GEN_VERSION = "2"
PHOTO_VERSION = "1"
FIRST_YEAR = 2016

# ---------------------------------------------------------------------------
# parameters


@dataclass(frozen=True)
class Params:
    editions: int = 10
    candidates: int = 1000  # per edition
    stories: int = 1000
    photos: int = 2000
    photo_size: tuple[int, int] = (4000, 3000)  # width, height (stored; some carry EXIF orientation 6)
    seed: int = 20161010

    def key(self) -> str:
        blob = json.dumps([GEN_VERSION, dataclasses.asdict(self)], sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def scaled(self, factor: float) -> "Params":
        """The same project ``factor`` times larger (editions stay; people, stories, photos grow)."""
        return dataclasses.replace(
            self,
            candidates=max(1, round(self.candidates * factor)),
            stories=round(self.stories * factor),
            photos=round(self.photos * factor),
        )

    @property
    def as_of(self) -> dt.date:
        """A build date after every edition is complete."""
        return dt.date(FIRST_YEAR + self.editions, 1, 1)

    def describe(self) -> str:
        w, h = self.photo_size
        return (
            f"{self.editions} 届 × {self.candidates} 名候选人，{self.stories} 篇故事，"
            f"{self.photos} 张 {w}×{h} 照片"
        )


# ---------------------------------------------------------------------------
# reference tables

# (id, name, sector): the sample data's occupations plus some more, 30 in all
EXTRA_OCCUPATIONS = [
    ("lathe-operator", "车工", "advanced-manufacturing"),
    ("milling-operator", "铣工", "advanced-manufacturing"),
    ("instrument-maker", "仪器仪表装调工", "strategic-emerging"),
    ("battery-maker", "电池制造工", "strategic-emerging"),
    ("printing-operator", "印刷操作员", "culture"),
    ("jade-carver", "玉雕工", "traditional-crafts"),
    ("lacquer-carver", "雕漆工", "traditional-crafts"),
    ("pastry-chef", "中式面点师", "services"),
    ("hairdresser", "美发师", "services"),
    ("track-maintainer", "线路工", "services"),
]


def _occupations() -> list[tuple[str, str, str]]:
    out = [(oid, o["name"], o["sector"]) for oid, o in sample.OCC.items()]
    seen = {o[0] for o in out}
    for oid, name, sector in sample.OCC_2026 + EXTRA_OCCUPATIONS:
        if oid not in seen:
            out.append((oid, name, sector))
            seen.add(oid)
    return out


OCCUPATIONS = _occupations()
OCC_NAME = {oid: name for oid, name, _ in OCCUPATIONS}
EMPLOYER_WORDS = ["京华", "燕山", "恒信", "首创", "永定", "长城", "华北", "京诚", "正阳", "金隅", "天坛", "西山"]
EMPLOYER_KINDS = ["精密制造有限公司", "工程有限公司", "技术服务有限公司", "工艺品有限公司", "实业有限公司"]
GENERIC_CITE = "{y}年扎根一线，把一项手艺练到极致。"
INDUSTRY_UNIONS = [
    ("machinery-union", "北京市机械冶金建材工会"),
    ("construction-union", "北京市建设工会"),
    ("commerce-union", "北京市财贸工会"),
    ("medicine-union", "北京市医药工会"),
]
ASSOCIATIONS = [
    ("auto-repair-assoc", "北京市汽车维修行业协会"),
    ("arts-crafts-assoc", "北京市工艺美术行业协会"),
    ("surveying-society", "北京市测绘学会"),
    ("welding-assoc", "北京市焊接协会"),
]
VETO_CONDITIONS = ("受到党纪政纪处分或违法犯罪", "发生重大安全生产或质量事故", "申报材料或投票弄虚作假")
COMPONENTS = (("practical", "技能展示", 0.5), ("achievements", "成果展示", 0.3), ("interview", "专场面试", 0.2))
CHANNELS = (("app", "12351手机APP"), ("wechat", "微信"), ("web", "网站"))


def _employers(oid: str) -> list[str]:
    if oid in sample.OCC:
        return sample.OCC[oid]["employers"]
    if oid in sample.EMP_2026:
        return sample.EMP_2026[oid]
    rng = random.Random(oid)
    return [f"北京{w}{rng.choice(EMPLOYER_KINDS)}" for w in rng.sample(EMPLOYER_WORDS, 4)]


def _achievements(oid: str) -> tuple[list[str], str]:
    if oid in sample.OCC:
        return sample.OCC[oid]["ach"], sample.OCC[oid]["cite"]
    return sample.ACH_2026, GENERIC_CITE


class _Names:
    """Mostly distinct names from the sample pools (every character has stroke data)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: set[str] = set()

    def make(self, gender: str) -> str:
        pool = sample.GIVEN_F if gender == "女" else sample.GIVEN_M
        for _ in range(40):
            g = "".join(self.rng.sample(pool, self.rng.choice([1, 2, 2, 2])))
            name = self.rng.choice(sample.SURNAMES) + g
            if name not in self.taken:
                break
        self.taken.add(name)
        return name  # after 40 tries a repeat is fine: homophones get numbered slugs


# ---------------------------------------------------------------------------
# one edition as records


def _d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def _timeline(y: int) -> Timeline:
    return Timeline(
        announced=_d(y, 3, 1),
        recommendation=Period(start=_d(y, 3, 10), end=_d(y, 4, 10)),
        qualification=Period(start=_d(y, 4, 11), end=_d(y, 4, 30)),
        competition=Period(start=_d(y, 5, 5), end=_d(y, 6, 20)),
        nominees_published=_d(y, 6, 25),
        voting=Period(start=_d(y, 6, 26), end=_d(y, 7, 15)),
        popularity_published=_d(y, 7, 20),
        review=Period(start=_d(y, 7, 22), end=_d(y, 8, 5)),
        notice=Period(start=_d(y, 9, 1), end=_d(y, 9, 7)),
        approval=_d(y, 9, 15),
        honor_roll_published=_d(y, 9, 20),
    )


@dataclass
class _Draft:
    """What is decided before the records are built."""

    cid: str
    occupation: str
    district: str
    channel: str
    body: str | None
    gender: str


def _distinct(rng: random.Random, k: int, lo: float, hi: float) -> list[float]:
    """``k`` distinct values in [lo, hi) with as few decimals as that allows."""
    for places in range(1, 7):
        span = int((hi - lo) * 10**places)
        if span >= k:
            return [round(lo + v / 10**places, places) for v in rng.sample(range(span), k)]
    raise ValueError(k)


def edition_data(index: int, n: int, seed: int, *, resolve: bool = True) -> EditionData:
    """One complete edition of ``n`` candidates (see the module docstring).

    ``resolve``: run the engine while generating, so votes and review scores go
    to the actual nominees and objections to people on the notice list. Without
    it (for very large editions) every qualified candidate gets votes and a
    review score (the engine ignores those of non-nominees) and objections name
    random qualified candidates.
    """
    rng = random.Random(f"{seed}-{index}-{n}")
    year = FIRST_YEAR + index
    eid = str(year)
    tl = _timeline(year)
    occs = OCCUPATIONS[: max(1, min(len(OCCUPATIONS), round(n / 33)))]
    district_ids = [d for d, _, _ in sample.DISTRICTS]
    occ_weights = [1 + (k % 5) for k in range(len(occs))]  # some occupations draw more candidates

    # -- who is recommended by whom ----------------------------------------------
    drafts: list[_Draft] = []
    for i in range(1, n + 1):
        oid = rng.choices(occs, weights=occ_weights)[0][0]
        district = rng.choice(district_ids)
        r = rng.random()
        if r < 0.70:
            channel, body = "单位推荐", f"{district}-union"
        elif r < 0.85:
            channel, body = "单位推荐", rng.choice(INDUSTRY_UNIONS)[0]
        elif r < 0.95:
            channel, body = "社团推荐", rng.choice(ASSOCIATIONS)[0]
        else:
            channel, body = "个人自荐", None
        gender = "女" if rng.random() < 0.22 else "男"
        drafts.append(_Draft(f"{eid}-{i:04d}" if n < 10000 else f"{eid}-{i:06d}", oid, district, channel, body, gender))
    per_group: dict[tuple[str, str], int] = {}
    per_body: dict[str, int] = {}
    for d in drafts:
        if d.body is None:
            continue
        if d.body.endswith("-union") and d.body[:-6] in sample.DNAME:
            per_group[(d.body, d.occupation)] = per_group.get((d.body, d.occupation), 0) + 1
        else:
            per_body[d.body] = per_body.get(d.body, 0) + 1
    bodies = [Body(id=f"{d}-union", name=f"{name}总工会", kind="区总工会", district=d) for d, name, _ in sample.DISTRICTS]
    bodies += [Body(id=b, name=name, kind="产业工会", quota=max(1, per_body.get(b, 0))) for b, name in INDUSTRY_UNIONS]
    bodies += [Body(id=b, name=name, kind="社团", quota=max(1, per_body.get(b, 0))) for b, name in ASSOCIATIONS]
    quotas = Quotas(district_union_per_occupation=max([1, *per_group.values()]), association_total=2)

    # -- candidates ------------------------------------------------------------------
    names = _Names(rng)
    rec_days = [tl.recommendation.start + dt.timedelta(days=k) for k in range((tl.recommendation.end - tl.recommendation.start).days + 1)]
    candidates: list[Candidate] = []
    sector_of = {oid: sector for oid, _, sector in occs}
    for d in drafts:
        ach, cite = _achievements(d.occupation)
        p = sample.Person(
            cid=d.cid, name=names.make(d.gender), pinyin=None, gender=d.gender,
            birth_year=year - rng.randint(26, 58), occupation=d.occupation, district=d.district,
            employer=rng.choice(_employers(d.occupation)), sector=sector_of[d.occupation],
            channel=d.channel, body=d.body, rec_date=rng.choice(rec_days),
        )
        sample.fill_person(p, rng, year, ach, cite)
        member = d.channel != "单位推荐" or rng.random() < 0.95
        candidates.append(
            Candidate(
                id=p.cid, edition=eid, name=p.name, gender=p.gender, birth_year=p.birth_year,
                education=p.education, skill_grade=p.grade, work_years=p.work_years, employer=p.employer,
                district=p.district, occupation=p.occupation, sector=p.sector, titles=tuple(p.titles),
                achievements=tuple(p.achievements), citation=p.citation,
                recommendation=Recommendation(channel=p.channel, body=p.body, date=p.rec_date, union_member=member),
                private=Private(
                    id_number=p.private["id_number"], phone=p.private["phone"], address=p.private["address"],
                    union_card=p.private["union_card"] if member else None,
                ),
            )
        )

    # -- qualification -----------------------------------------------------------------
    decisions = []
    qualified: list[Candidate] = []
    for c in candidates:
        r = rng.random()
        if r < 0.005:
            decisions.append(QualificationDecision(
                candidate=c.id, result="不通过", reason="经走访核实，本人负有直接管理责任", veto=(VETO_CONDITIONS[1],)))
        elif r < 0.025:
            decisions.append(QualificationDecision(candidate=c.id, result="不通过", reason="技能等级证书经核实无法确认，申报材料不完整"))
        else:
            decisions.append(QualificationDecision(candidate=c.id, result="通过"))
            qualified.append(c)
    qualification = Qualification(edition=eid, decided=tl.qualification.end - dt.timedelta(days=2), decisions=tuple(decisions))

    # -- score sheets: every judge scores every qualified candidate of the occupation ----
    judge_names = _Names(random.Random(f"{seed}-{index}-judges"))
    sheets: dict[str, ScoreSheet] = {}
    by_occ: dict[str, list[Candidate]] = {}
    for c in qualified:
        by_occ.setdefault(c.occupation, []).append(c)
    minutes = iter(_distinct(rng, len(qualified), 60, 240))
    for oid, _, _ in occs:
        people = by_occ.get(oid, [])
        judges = tuple(
            Judge(id=f"{oid}-j{k}", name=judge_names.make("女" if rng.random() < 0.3 else "男"))
            for k in range(1, rng.randint(5, 7) + 1)
        )
        bias = {j.id: rng.gauss(0, 1.5) for j in judges}
        recusals = []
        for c in rng.sample(people, min(len(people), rng.choice([0, 1, 1, 2]))):
            recusals.append(Recusal(judge=rng.choice(judges).id, candidate=c.id, reason="评委与该候选人同在一个单位工作"))
        recused = {(r.judge, r.candidate) for r in recusals}
        rows = []
        for c in people:
            ability = min(97.0, max(60.0, rng.gauss(84, 4)))
            for j in judges:
                if (j.id, c.id) in recused:
                    continue
                scores = {
                    comp: round(min(100.0, max(0.0, ability + bias[j.id] + off + rng.gauss(0, 1.2))), 1)
                    for (comp, _, _), off in zip(COMPONENTS, (0.8, -1.0, -0.3))
                }
                rows.append(ScoreRow(judge=j.id, candidate=c.id, scores=scores))
        metrics = tuple(Metric(candidate=c.id, values={"completion-minutes": next(minutes)}) for c in people)
        sheets[oid] = ScoreSheet(edition=eid, occupation=oid, judges=judges, recusals=tuple(recusals), rows=tuple(rows), metrics=metrics)

    # -- the edition file: places follow the number of qualified candidates -------------
    slots = {oid: max(1, round(0.3 * len(by_occ.get(oid, [])))) for oid, _, _ in occs}
    nominees_total = sum(slots.values())
    craftsmen = max(1, nominees_total // 3)
    edition = Edition(
        id=eid,
        name=f"{year}年“北京大工匠”选树（基准测试数据）",
        sample=True,
        summary=f"基准测试用的虚构届次：{n} 名候选人，{len(occs)} 个工种。",
        occupations=tuple(Occupation(id=oid, name=name, nominee_slots=slots[oid]) for oid, name, _ in occs),
        sectors=tuple(NamedEn(id=s, name=name) for s, name in sample.SECTORS),
        districts=tuple(NamedEn(id=d, name=name) for d, name, _ in sample.DISTRICTS),
        bodies=tuple(bodies),
        quotas=quotas,
        timeline=tl,
        awards=Awards(nominees=nominees_total, popularity=max(1, nominees_total // 3), craftsmen=craftsmen,
                      nomination_award=nominees_total - craftsmen),
        scoring=Scoring(
            components=tuple(Component(id=c, name=name, weight=w, max_score=100) for c, name, w in COMPONENTS),
            trim=Trim(min_judges=5, drop_highest=1, drop_lowest=1),
            normalise="none",
            decimals=2,
            tie_break=(TieBreak(key="total", order="desc"), TieBreak(key="component:practical", order="desc"),
                       TieBreak(key="metric:completion-minutes", order="asc")),
        ),
        vote_weight=0,
        vote_channels=tuple(Named(id=c, name=name) for c, name in CHANNELS),
        voting_instructions="通过12351手机APP、微信公众号或网站投票。每个账号每天可投一次。",
        veto_conditions=VETO_CONDITIONS,
        notice=NoticeRules(
            days=5, unit="工作日",
            channels=(ObjectionChannel(kind="电话", value="010-5555 0123（示例）", note="工作日 9:00-17:00"),
                      ObjectionChannel(kind="信函", value="北京市西城区示例大街1号（示例）", note="以邮戳日期为准")),
            rules=("单位异议须加盖公章", "匿名异议不予受理"),
            replacement="none",
        ),
    )
    data = EditionData(edition=edition, candidates=tuple(candidates), qualification=qualification, score_sheets=sheets)

    # -- votes and review: for the nominees (resolve) or for everyone qualified ----------
    if resolve:
        res = engine_run(data)
        _final(res, "nominees", eid)
        voters = list(res.lists["nominees"].entries)
    else:
        voters = [c.id for c in qualified]
    valid = rng.sample(range(1000, 1000 + max(60000, 3 * len(voters))), len(voters))  # distinct: no tie for the award
    tallies = []
    for k, (cid, total) in enumerate(zip(sorted(voters), valid)):
        app = int(total * rng.uniform(0.3, 0.6))
        wechat = int((total - app) * rng.uniform(0.4, 0.8))
        web = total - app - wechat
        cancelled = rng.randint(3000, 12000) if k == 0 else 0  # one nominee's wechat votes partly void
        tallies.append(Tally(candidate=cid, channel="app", votes=app))
        tallies.append(Tally(candidate=cid, channel="wechat", votes=wechat + cancelled, cancelled=cancelled,
                             cancel_reason="刷票：同一设备短时间内大量注册账号集中投票，经技术核查予以作废" if cancelled else None))
        tallies.append(Tally(candidate=cid, channel="web", votes=web))
    votes = Votes(edition=eid, closed=tl.voting.end, tallies=tuple(tallies))
    review = Review(
        edition=eid, meeting=f"{year}年“北京大工匠”综合评审会", date=tl.review.end - dt.timedelta(days=1),
        results=tuple(ReviewRow(candidate=cid, score=s) for cid, s in zip(voters, _distinct(rng, len(voters), 60, 100))),
    )
    data = dataclasses.replace(data, votes=votes, review=review)

    # -- objections: one upheld (a 提名奖 proposal), one rejected (a 北京大工匠 proposal) ----
    if resolve:
        res = engine_run(data)
        _final(res, "notice", eid)
        listed = list(res.lists["notice"].entries)
        targets = [listed[min(len(listed) - 1, craftsmen + 1)], listed[0]] if len(listed) > 1 else []
    else:
        targets = rng.sample(voters, min(2, len(voters)))
    objections = []
    for k, cid in enumerate(targets):
        upheld = k == 0
        objections.append(Objection(
            id=f"{eid}-yy-{k + 1:02d}", candidate=cid, received=tl.notice.start + dt.timedelta(days=1),
            channel="信函" if upheld else "电话",
            summary="实名来信反映：申报材料中所列一项专利的发明人为同单位另一名职工" if upheld else "来电反映该同志工作年限有误",
            outcome="成立" if upheld else "不成立", decided=tl.notice.end - dt.timedelta(days=1),
            public_note="经核实，申报材料中一项专利成果不属实，撤销其建议资格" if upheld else "经核实，反映情况不属实，维持",
        ))
    data = dataclasses.replace(
        data,
        objections=Objections(edition=eid, objections=tuple(objections)),
        approval=Approval(edition=eid, meeting="市总工会主席办公会", date=tl.approval, document=f"京工发〔{year}〕示例1号"),
        decisions=Decisions(edition=eid, decisions=()),
    )
    if resolve:
        res = engine_run(data)
        for key in res.lists:
            _final(res, key, eid)
    return data


def _final(res, key: str, eid: str) -> None:
    sl = res.lists[key]
    if sl.status != "final":
        raise RuntimeError(f"生成的届次 {eid} 的名单 {key} 不是最终结果（{sl.status}：{sl.note}）")


# ---------------------------------------------------------------------------
# records -> YAML text (the documented format; strings quoted where YAML would misread them)


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return sample.q(v)


def _emit(lines: list[str], value: Any, indent: int) -> None:
    """Emit the fields of a record (or mapping) at ``indent``."""
    pad = " " * indent
    items = _fields(value)
    for key, v in items:
        if isinstance(v, Record):
            lines.append(f"{pad}{key}:")
            _emit(lines, v, indent + 2)
        elif isinstance(v, dict):
            if all(not isinstance(x, (Record, dict, tuple, list)) for x in v.values()):
                inner = ", ".join(f"{sample.q(k)}: {_scalar(x)}" for k, x in v.items())
                lines.append(f"{pad}{key}: {{{inner}}}")
            else:
                lines.append(f"{pad}{key}:")
                _emit(lines, v, indent + 2)
        elif isinstance(v, (tuple, list)):
            if not v:
                lines.append(f"{pad}{key}: []")
                continue
            lines.append(f"{pad}{key}:")
            for x in v:
                if isinstance(x, Record):
                    sub: list[str] = []
                    _emit(sub, x, indent + 4)
                    sub[0] = f"{pad}  - {sub[0].lstrip()}"
                    lines.extend(sub)
                else:
                    lines.append(f"{pad}  - {_scalar(x)}")
        else:
            lines.append(f"{pad}{key}: {_scalar(v)}")


def _fields(value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return list(value.items())
    out = []
    for name, info in type(value).model_fields.items():
        v = getattr(value, name)
        if v is None:
            continue
        if not info.is_required() and name not in ("objections", "decisions"):
            default = info.get_default(call_default_factory=True)
            if type(v) is type(default) and v == default:
                continue  # like the sample data: defaults are left out
        out.append((name, v))
    return out


def to_yaml(record: Record, kind: str, rel: str, header: Iterable[str] = ()) -> str:
    """The text of the data file ``rel`` (relative to the project root) holding ``record``."""
    depth = rel.count("/")
    lines = [f"# yaml-language-server: $schema={'../' * depth}schemas/{kind}.schema.json"]
    lines += [f"# {h}" for h in header]
    _emit(lines, record, 0)
    return "\n".join(lines) + "\n"


HEADER = ("基准测试数据（bench/datagen.py 生成）：人物、单位、证件号、电话、地址均为虚构。",)


def edition_files(data: EditionData, photo_of: dict[str, str]) -> dict[str, str]:
    """Every data file of one edition: path relative to the project root -> text."""
    eid = data.edition.id
    files = {}

    def put(rel: str, record: Record, kind: str) -> None:
        files[rel] = to_yaml(record, kind, rel, HEADER)

    put(f"data/editions/{eid}.yaml", data.edition, "edition")
    for c in data.candidates:
        if c.id in photo_of:
            c = c.model_copy(update={"photo": photo_of[c.id]})
        put(f"data/candidates/{eid}/{c.id}.yaml", c, "candidate")
    put(f"data/results/{eid}/qualification.yaml", data.qualification, "qualification")
    for oid, sheet in data.score_sheets.items():
        put(f"data/results/{eid}/scores/{oid}.yaml", sheet, "scores")
    for kind in ("votes", "review", "objections", "approval", "decisions"):
        put(f"data/results/{eid}/{kind}.yaml", getattr(data, kind), kind)
    return files


# ---------------------------------------------------------------------------
# stories (Markdown, 300-800 characters, each about a public candidate)

STORY_TITLES = ["把绝活练成标准", "毫厘之间见真功", "一线练就硬功夫", "守正创新的匠心", "带出一支好队伍", "精益求精二十年"]
STORY_HEADINGS = ["从学徒到大工匠", "难题面前不退缩", "把经验写成操作法", "传帮带", "车间里的“活字典”", "荣誉背后"]
STORY_SENTENCES = [
    "清晨七点，{name}已经站在工位前，把当天要用的工具逐一摆好。",
    "{name}常说，手艺是一点一点磨出来的，没有捷径可走。",
    "在{employer}，同事们遇到难题，第一个想到的就是{name}。",
    "每完成一项工作，{name}都会在笔记本上写下心得，二十多本笔记记满了参数和草图。",
    "面对新设备、新工艺，{name}带着徒弟一起摸索，一遍遍试验，直到把每个环节都吃透。",
    "{name}把多年积累的经验整理成操作法，在全公司推广后，返工率明显下降。",
    "“活儿干得好不好，数据说了算。”这是{name}挂在嘴边的一句话。",
    "工作之余，{name}坚持学习新知识，先后取得多项职业资格证书。",
    "{name}带出的徒弟中，已有多人成长为技术骨干。",
    "从业以来，{name}参与的重点工程没有出过一次质量问题。",
]


def story_text(rng: random.Random, c: Candidate, date: dt.date) -> tuple[str, str]:
    """(title, Markdown file text) of a story about ``c``; the body is 300-800 characters."""
    occ = OCC_NAME.get(c.occupation, c.occupation)
    title = f"{c.name}：{rng.choice(STORY_TITLES)}"
    target = rng.randint(300, 740)
    fmt = dict(name=c.name, employer=c.employer)
    first, second = rng.sample(STORY_HEADINGS, 2)
    parts = [f"## {first}", ""]
    parts.append(f"走进{c.employer}，{occ}{c.name}正在工位上忙碌。" + rng.choice(STORY_SENTENCES).format(**fmt))
    if c.achievements:
        parts += ["", "主要成绩：", ""] + [f"- {a}" for a in c.achievements[:3]]
    parts += ["", f"> {c.citation}", "", f"## {second}", "", ""]
    body = "\n".join(parts)
    pool = []
    while len(body) + sum(len(s) for s in pool) < target:
        if not pool or len(pool) % len(STORY_SENTENCES) == 0:
            batch = STORY_SENTENCES[:]
            rng.shuffle(batch)
        pool.append(batch[len(pool) % len(batch)].format(**fmt))
    cut = max(1, len(pool) // 2)
    body += "".join(pool[:cut]) + "\n\n" + "".join(pool[cut:]) + "\n\n*本文为基准测试生成的虚构内容。*\n"
    meta = f"Title: {title}\nDate: {date.isoformat()}\nCandidate: {c.id}\nSummary: {occ}{c.name}的故事。\n\n"
    return title, meta + body


# ---------------------------------------------------------------------------
# photos


def _base_image(i: int, size: tuple[int, int], seed: int) -> bytes:
    """A distinct synthetic portrait-like JPEG: gradient, soft shapes, a silhouette, grain."""
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(f"{seed}-base-{i}")
    w, h = size
    sw, sh = max(8, w // 8), max(8, h // 8)
    hue = rng.random()
    top = tuple(int(255 * c) for c in colorsys.hls_to_rgb(hue, 0.78, 0.45))
    bottom = tuple(int(255 * c) for c in colorsys.hls_to_rgb((hue + 0.08) % 1, 0.55, 0.45))
    grad = Image.linear_gradient("L").resize((sw, sh))
    im = Image.composite(Image.new("RGB", (sw, sh), bottom), Image.new("RGB", (sw, sh), top), grad)
    dr = ImageDraw.Draw(im)
    for _ in range(6):
        cx, cy, r = rng.randint(0, sw), rng.randint(0, sh), rng.randint(sw // 12 + 1, sw // 4 + 2)
        dr.ellipse([cx - r, cy - r, cx + r, cy + r], fill=tuple(min(255, c + rng.randint(-25, 25)) for c in top))
    im = im.filter(ImageFilter.GaussianBlur(max(1, sw // 60)))
    dr = ImageDraw.Draw(im)
    sil = tuple(int(255 * c) for c in colorsys.hls_to_rgb((hue + 0.5) % 1, 0.25, 0.25))
    cx = sw // 2 + rng.randint(-sw // 10, sw // 10)
    hr = sh // 7
    dr.ellipse([cx - sw // 4, sh * 2 // 3, cx + sw // 4, sh * 3 // 2], fill=sil)  # shoulders
    dr.ellipse([cx - hr, sh // 3 - hr, cx + hr, sh // 3 + int(hr * 1.2)], fill=sil)  # head
    im = im.resize((w, h), Image.BICUBIC)
    noise = Image.effect_noise((w, h), 60).convert("RGB")
    im = Image.blend(im, noise, 0.06)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=88)
    return buf.getvalue()


def _exif_segment(kind: str, rng: random.Random) -> bytes:
    from PIL import Image
    from PIL.TiffImagePlugin import IFDRational

    exif = Image.Exif()
    exif[0x010F] = "BenchCam"
    exif[0x0110] = "Model B"
    if "rotate" in kind:
        exif[0x0112] = 6  # display rotated 90° clockwise: a portrait shot stored sideways
    if "gps" in kind:
        gps = exif.get_ifd(0x8825)
        gps[1], gps[3] = "N", "E"
        gps[2] = (IFDRational(39, 1), IFDRational(rng.randint(0, 59), 1), IFDRational(rng.randint(0, 5999), 100))
        gps[4] = (IFDRational(116, 1), IFDRational(rng.randint(0, 59), 1), IFDRational(rng.randint(0, 5999), 100))
    payload = exif.tobytes()  # starts with b"Exif\0\0"
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def photo_variant(base: bytes, i: int, seed: int) -> bytes:
    """Photo number ``i``: ``base`` plus a unique comment; some with EXIF orientation/GPS."""
    rng = random.Random(f"{seed}-photo-{i}")
    comment = f"bench photo {i}".encode()
    segments = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    r = rng.random()
    kind = "rotate" if r < 0.25 else "gps" if r < 0.28 else "rotate+gps" if r < 0.30 else ""
    if kind:
        segments = _exif_segment(kind, rng) + segments
    assert base[:2] == b"\xff\xd8"
    return base[:2] + segments + base[2:]


def _make_base(args: tuple[int, tuple[int, int], int, str]) -> str:
    i, size, seed, path = args
    Path(path).write_bytes(_base_image(i, size, seed))
    return path


def photo_store(cache: Path, count: int, size: tuple[int, int], seed: int, log=print) -> list[Path]:
    """``count`` distinct photo files of ``size`` under ``cache`` (made once, then reused)."""
    from concurrent.futures import ProcessPoolExecutor

    w, h = size
    folder = cache / "photos" / f"{w}x{h}-s{seed}-v{PHOTO_VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{i:06d}.jpg" for i in range(count)]
    missing = [i for i, p in enumerate(paths) if not p.is_file()]
    if not missing:
        return paths
    n_bases = max(1, min(48, count))
    bases = [folder / "bases" / f"{b:03d}.jpg" for b in range(n_bases)]
    bases[0].parent.mkdir(exist_ok=True)
    todo = [(b, size, seed, str(p)) for b, p in enumerate(bases) if not p.is_file()]
    if todo:
        log(f"  生成 {len(todo)} 张 {w}×{h} 底图……")
        if len(todo) > 1:
            with ProcessPoolExecutor(max(1, min(len(todo), os.cpu_count() or 1))) as pool:
                list(pool.map(_make_base, todo))
        else:
            _make_base(todo[0])
    log(f"  生成 {len(missing)} 张照片……")
    base_bytes = [p.read_bytes() for p in bases]
    for i in missing:
        tmp = paths[i].with_suffix(".tmp")
        tmp.write_bytes(photo_variant(base_bytes[i % n_bases], i, seed))
        os.replace(tmp, paths[i])
    return paths


# ---------------------------------------------------------------------------
# a whole project


def write_project(params: Params, dest: Path, cache: Path, log=print) -> dict:
    """Write ``dest/full`` (with photos) and ``dest/nophotos`` (same data, no photo fields).

    Each holds ``data/`` and ``content/`` only; :func:`assemble` adds the
    configuration, theme and plugins of the repository. Returns facts about
    the data (counts), also written to ``dest/meta.json``.
    """
    rng = random.Random(f"{params.seed}-project")
    if dest.exists():
        shutil.rmtree(dest)
    full, bare = dest / "full", dest / "nophotos"
    editions = []
    for i in range(params.editions):
        log(f"  生成届次 {i + 1}/{params.editions}（{params.candidates} 名候选人）……")
        editions.append(edition_data(i, params.candidates, params.seed))

    # the public people (as of params.as_of every list of every edition is out)
    public: list[tuple[EditionData, Candidate]] = []
    for ed in editions:
        res = engine_run(ed)
        ids = {cid for sl in res.lists.values() for cid in sl.entries}
        public += [(ed, c) for c in ed.candidates if c.id in ids]
    # photos: public people first (they are the ones the site shows), then the others
    order = [c.id for _, c in public]
    rng.shuffle(order)
    shown = set(order)
    rest = [c.id for ed in editions for c in ed.candidates if c.id not in shown]
    rng.shuffle(rest)
    with_photo = (order + rest)[: params.photos]
    photo_of = {cid: f"photos/{cid}.jpg" for cid in with_photo}

    n_files = 0
    for ed in editions:
        for rel, text in edition_files(ed, photo_of).items():
            for root in (full, bare):
                if root is bare and "/candidates/" in rel:
                    text = "\n".join(ln for ln in text.split("\n") if not ln.startswith("photo: "))
                path = root / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, "utf-8")
            n_files += 1

    # stories about public people, dated after their edition's honour roll
    for root in (full, bare):
        (root / "content" / "stories").mkdir(parents=True)
        shutil.copytree(ROOT / "content" / "pages", root / "content" / "pages")
    story_chars = []
    if params.stories and not public:
        raise RuntimeError("没有公开的人选，无法生成故事")
    for k in range(params.stories):
        ed, c = public[rng.randrange(len(public))]
        start = ed.edition.timeline.honor_roll_published
        date = start + dt.timedelta(days=rng.randint(1, min(300, (params.as_of - start).days - 1)))
        _, text = story_text(rng, c, date)
        story_chars.append(len(text.split("\n\n", 1)[1]))
        for root in (full, bare):
            (root / "content" / "stories" / f"story-{k + 1:05d}.md").write_text(text, "utf-8")

    # photos: hard links to the shared store
    if with_photo:
        store = photo_store(cache, len(with_photo), params.photo_size, params.seed, log)
        (full / "data" / "photos").mkdir(parents=True)
        for cid, src in zip(with_photo, store):
            os.link(src, full / "data" / photo_of[cid])
    meta = dict(
        params=dataclasses.asdict(params),
        editions=len(editions),
        candidates=sum(len(e.candidates) for e in editions),
        public=len(public),
        data_files=n_files,
        stories=params.stories,
        story_chars=[min(story_chars), max(story_chars)] if story_chars else [],
        photos=len(with_photo),
        photos_of_public=len(set(with_photo) & shown),
        score_rows=sum(len(s.rows) for e in editions for s in e.score_sheets.values()),
        as_of=params.as_of.isoformat(),
    )
    (dest / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), "utf-8")
    return meta


def cached_project(params: Params, cache: Path, log=print) -> tuple[Path, dict]:
    """The generated project for ``params`` under ``cache/projects/<key>``, made if missing."""
    dest = cache / "projects" / params.key()
    done = dest / "done"
    if done.is_file():
        return dest, json.loads((dest / "meta.json").read_text("utf-8"))
    log(f"生成测试数据：{params.describe()}（缓存于 {dest}）")
    meta = write_project(params, dest, cache, log)
    done.write_text("ok\n")
    return dest, meta


REPO_LINKS = ("theme", "plugins", "schemas")


def assemble(src: Path, dest: Path, repo: Path = ROOT) -> Path:
    """A buildable project at ``dest``: a private copy of ``src`` (data, content; photos
    hard-linked, so nothing edited here reaches the cache) plus the repository's
    configuration, theme and plugins."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)

    def copy(s, d):
        if Path(s).suffix.lower() in (".jpg", ".jpeg", ".png", ".webp"):
            os.link(s, d)
        else:
            shutil.copy2(s, d)

    for part in ("data", "content"):
        shutil.copytree(src / part, dest / part, copy_function=copy)
    shutil.copy2(repo / "pelican.conf.py", dest / "pelican.conf.py")
    for name in REPO_LINKS:
        os.symlink(repo / name, dest / name)
    return dest


def schema_first_line_ok(root: Path, rel: str, kind: str) -> bool:
    """Whether the generated first line equals what the loader expects (used by tests)."""
    path = root / rel
    return path.read_text("utf-8").split("\n", 1)[0] == schema_line(root, path, kind)
