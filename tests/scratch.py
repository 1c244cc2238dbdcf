"""Write small, valid scratch projects for tests (in the manner of Lektor's conftest).

``ScratchProject(tmp_path)`` writes a minimal valid edition with two candidates;
tests then overwrite or add files with ``write()`` and run the loader or CLI.
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


class ScratchProject:
    def __init__(self, root: Path):
        self.root = Path(root)
        (self.root / "schemas").mkdir(parents=True, exist_ok=True)
        self.write("data/editions/2099.yaml", EDITION)
        self.write("data/candidates/2099/2099-001.yaml", CANDIDATE.format(id="2099-001", name="张建国"))

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
