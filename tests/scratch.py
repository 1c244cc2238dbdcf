"""Write small, valid scratch projects for tests (in the manner of Lektor's conftest).

``ScratchProject(tmp_path)`` writes a minimal valid edition with one candidate;
``write_stages()`` adds two more and a valid file for every stage, through to the
naming (``STAGES``: who ends where is in its docstring). Tests then overwrite or
add files with ``write()`` and run the loader or CLI.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from gongjiang_pipeline.loading import schema_line

EDITION = """\
id: "2099"
name: 测试届次
sample: true
occupations:
  - id: welder
    name: 焊工
  - id: fitter
    name: 钳工
sectors:
  - id: manufacturing
    name: 先进制造业
districts:
  - id: dongcheng
    name: 东城区
  - id: chaoyang
    name: 朝阳区
bodies:
  - id: dongcheng-union
    name: 东城区总工会
    kind: 区总工会
    district: dongcheng
  - id: machinery-union
    name: 北京市机械冶金建材工会
    kind: 产业工会
    quota: 2
  - id: welding-assoc
    name: 北京焊接协会
    kind: 社团
timeline:
  announced: 2099-01-10
  recommendation:
    start: 2099-02-01
    end: 2099-02-28
  nominees_published: 2099-04-01
  voting:
    start: 2099-04-02
    end: 2099-04-20
  popularity_published: 2099-04-25
  notice:
    start: 2099-06-01
    end: 2099-06-07
  approval: 2099-06-15
  honor_roll_published: 2099-06-20
awards:
  nominees: 2
  popularity: 1
  craftsmen: 1
  nomination_award: 1
scoring:
  components:
    - id: practical
      name: 技能展示
      weight: 0.7
    - id: theory
      name: 理论
      weight: 0.3
  tie_break:
    - key: total
    - key: component:practical
vote_channels:
  - id: app
    name: 12351手机APP
veto_conditions:
  - 申报材料弄虚作假
notice:
  days: 5
  channels:
    - kind: 电话
      value: 010-00000000
"""

CANDIDATE = """\
id: {id}
edition: "2099"
name: {name}
gender: 男
birth_year: 1975
employer: 北京示例机械有限公司
district: dongcheng
occupation: welder
sector: manufacturing
citation: 三十年如一日钻研焊接技术。
recommendation:
  channel: 单位推荐
  body: dongcheng-union
  date: 2099-02-10
  union_member: true
private:
  id_number: "110101197501010011"
  phone: "13800000001"
"""


def _person(cid: str, name: str, n: int, **over: str) -> str:
    text = CANDIDATE.format(id=cid, name=name)
    text = text.replace('"110101197501010011"', f'"11010119750101{n:03d}1"').replace('"13800000001"', f'"1380000000{n}"')
    for old, new in over.items():
        text = text.replace(old, new)
    return text


# A valid set of stage files for 2099, through to the naming. The engine's outcome:
# 2099-002 does not make the welder shortlist (70 < 90); nominees 2099-001 and
# 2099-003; 2099-001 gets the 最佳人气奖 and is named 北京大工匠; 2099-003 gets the
# 提名奖 after an objection that was found groundless.
STAGES = {
    "data/candidates/2099/2099-002.yaml": _person("2099-002", "李卫东", 2, **{"dongcheng-union": "machinery-union"}),
    "data/candidates/2099/2099-003.yaml": _person("2099-003", "王秀兰", 3, welder="fitter"),
    "data/results/2099/qualification.yaml": """\
edition: "2099"
decided: 2099-03-05
decisions:
  - candidate: "2099-001"
    result: 通过
  - candidate: "2099-002"
    result: 通过
  - candidate: "2099-003"
    result: 通过
""",
    "data/results/2099/scores/welder.yaml": """\
edition: "2099"
occupation: welder
judges:
  - id: j1
    name: 评委甲
rows:
  - judge: j1
    candidate: "2099-001"
    scores: {practical: 90, theory: 80}
  - judge: j1
    candidate: "2099-002"
    scores: {practical: 70, theory: 80}
""",
    "data/results/2099/scores/fitter.yaml": """\
edition: "2099"
occupation: fitter
judges:
  - id: j1
    name: 评委甲
rows:
  - judge: j1
    candidate: "2099-003"
    scores: {practical: 85, theory: 80}
""",
    "data/results/2099/votes.yaml": """\
edition: "2099"
closed: 2099-04-20
tallies:
  - candidate: "2099-001"
    channel: app
    votes: 1200
  - candidate: "2099-003"
    channel: app
    votes: 800
""",
    "data/results/2099/review.yaml": """\
edition: "2099"
meeting: 综合评审会
date: 2099-05-10
results:
  - candidate: "2099-001"
    score: 90
  - candidate: "2099-003"
    score: 80
""",
    "data/results/2099/objections.yaml": """\
edition: "2099"
objections:
  - id: 2099-yy-01
    candidate: "2099-003"
    received: 2099-06-03
    channel: 信函
    summary: 反映申报材料有误
    outcome: 不成立
    decided: 2099-06-06
""",
    "data/results/2099/approval.yaml": """\
edition: "2099"
meeting: 市总工会主席办公会
date: 2099-06-15
""",
}


class ScratchProject:
    def __init__(self, root: Path):
        self.root = Path(root)
        (self.root / "schemas").mkdir(parents=True, exist_ok=True)
        self.write("data/editions/2099.yaml", EDITION)
        self.write("data/candidates/2099/2099-001.yaml", CANDIDATE.format(id="2099-001", name="张建国"))

    def write_stages(self) -> "ScratchProject":
        """Add the candidates and stage files of ``STAGES`` (a valid edition through to the naming)."""
        for rel, text in STAGES.items():
            self.write(rel, text)
        return self

    def path(self, rel: str) -> Path:
        return self.root / rel

    def write(self, rel: str, text: str, *, kind: str | None = None, schema: bool = True) -> Path:
        """Write a data file; the schema line is added unless ``schema=False``."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = textwrap.dedent(text)
        if schema:
            from gongjiang_pipeline.loading import classify

            kind = kind or classify(path.relative_to(self.root / "data").parts)[0]
            text = schema_line(self.root, path, kind) + "\n" + text
        path.write_text(text, "utf-8")
        return path

    def write_bytes(self, rel: str, data: bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path
