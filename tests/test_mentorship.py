"""大工匠带徒: mentorship records, their exact error messages (cycles and self-mentorship
name every file), the lineages the site shows, the embargo and privacy."""

import datetime as dt
from pathlib import Path

import pytest
from scratch import _person
from test_bad_corpus import run_check

from gongjiang_pipeline import mentorship
from gongjiang_pipeline.loading import load_project

ROOT = Path(__file__).resolve().parent.parent
M = "data/mentorships/a.yaml"
AS_OF = dt.date(2030, 1, 1)

GOOD = """\
id: a
master: "2099-001"
apprentice:
  name: 王小明
start: 2099-03-01
occupation: 焊工
milestones:
  - kind: 技能等级证书
    title: 焊工高级工
    date: 2099-06-01
    public: true
"""


def record(old="", new="", text=GOOD):
    assert old in text
    return text.replace(old, new, 1)


def second_candidate(scratch):
    scratch.write("data/candidates/2099/2099-002.yaml", _person("2099-002", "李卫东", 2))


def test_a_valid_mentorship_passes(scratch):
    scratch.write(M, GOOD)
    rc, out, err = run_check(scratch.root)
    assert (rc, err) == (0, "")


CASES = [
    ("unknown-master", record('master: "2099-001"', 'master: "2099-010"'),
     [f"{M}:3:9: master: 未知的工匠编号「2099-010」，是否想写「2099-001」？"]),
    ("master-and-master-from", record('master: "2099-001"', 'master: "2099-001"\nmaster_from: b'),
     [f"{M}:5:1: apprentice: master（师傅的候选人编号）和 master_from（师傅的带徒记录）必须填写一项，且只能填一项"]),
    ("no-master", record('master: "2099-001"\n', ""),
     [f"{M}:3:1: apprentice: master（师傅的候选人编号）和 master_from（师傅的带徒记录）必须填写一项，且只能填一项"]),
    ("unknown-master-from", record('master: "2099-001"', "master_from: b"),
     [f"{M}:3:14: master_from: 未知的带徒记录编号「b」"]),
    ("unknown-apprentice-candidate", record("  name: 王小明", '  name: 王小明\n  candidate: "2099-011"'),
     [f"{M}:6:14: apprentice.candidate: 未知的候选人编号「2099-011」，是否想写「2099-001」？"]),
    ("milestone-before-start", record("date: 2099-06-01", "date: 2099-02-01"),
     [f"{M}:11:11: milestones[1].date: 成长记录日期 2099-02-01 早于拜师日期 2099-03-01"]),
    ("id-filename", record("id: a", "id: b"),
     [f"{M}:2:5: id: 带徒记录编号「b」与文件名「a.yaml」不一致"]),
    ("bad-milestone-kind", record("kind: 技能等级证书", "kind: 证书"),
     [f"{M}:9:11: milestones[1].kind: 取值「证书」无效，应为以下之一：技能等级证书、竞赛成绩、荣誉"]),
    ("self-mentorship", record("  name: 王小明", '  name: 张建国\n  candidate: "2099-001"'),
     [f"{M}:3:9: master: 师傅和徒弟是同一人「张建国」（data/candidates/2099/2099-001.yaml）"]),
    ("self-mentorship-by-record", record('master: "2099-001"', "master_from: a"),
     [f"{M}:3:14: master_from: 师傅和徒弟是同一人「王小明」（{M}）"]),
    ("private-field", record("milestones:", "private:\n  phone: \"13900000000\"\n  wechat: x\nmilestones:"),
     [f"{M}:10:3: private.wechat: 未知字段「wechat」。可用的字段：phone、id_number、note"]),
]


@pytest.mark.parametrize("name,text,expected", CASES, ids=[c[0] for c in CASES])
def test_mentorship_error(scratch, name, text, expected):
    scratch.write(M, text)
    rc, out, err = run_check(scratch.root)
    assert rc == 1, err
    assert err.splitlines() == expected + [f"数据检查未通过：1 个文件中共有 {len(expected)} 处错误。"]


def test_apprentice_name_must_match_the_candidate(scratch):
    second_candidate(scratch)
    scratch.write(M, record("  name: 王小明", '  name: 李伟东\n  candidate: "2099-002"'))
    rc, out, err = run_check(scratch.root)
    assert err.splitlines() == [
        f"{M}:5:9: apprentice.name: 徒弟姓名「李伟东」与候选人 2099-002 的姓名「李卫东」不一致",
        "数据检查未通过：1 个文件中共有 1 处错误。",
    ]


def test_a_two_cycle_names_both_files(scratch):
    second_candidate(scratch)
    scratch.write(M, record("  name: 王小明", '  name: 李卫东\n  candidate: "2099-002"'))
    scratch.write("data/mentorships/b.yaml", record("id: a", "id: b", record(
        'master: "2099-001"', 'master: "2099-002"', record("  name: 王小明", '  name: 张建国\n  candidate: "2099-001"'))))
    rc, out, err = run_check(scratch.root)
    assert rc == 1
    assert err.splitlines() == [
        f"{M}:3:9: master: 师徒关系形成循环：{M} → data/mentorships/b.yaml → {M}（徒弟不能是自己的师傅或更上一代的师傅）",
        "数据检查未通过：1 个文件中共有 1 处错误。",
    ]


def test_a_longer_cycle_through_records_names_every_file(scratch):
    # a's master is c's apprentice, c's master is b's, b's master is a's
    scratch.write(M, record('master: "2099-001"', "master_from: c"))
    scratch.write("data/mentorships/b.yaml", record("id: a", "id: b", record('master: "2099-001"', "master_from: a")))
    scratch.write("data/mentorships/c.yaml", record("id: a", "id: c", record('master: "2099-001"', "master_from: b")))
    # and a record hanging off the cycle is not part of it
    scratch.write("data/mentorships/d.yaml", record("id: a", "id: d", record('master: "2099-001"', "master_from: c")))
    rc, out, err = run_check(scratch.root)
    assert rc == 1
    assert err.splitlines() == [
        f"{M}:3:14: master_from: 师徒关系形成循环：{M} → data/mentorships/c.yaml → data/mentorships/b.yaml → {M}"
        "（徒弟不能是自己的师傅或更上一代的师傅）",
        "数据检查未通过：1 个文件中共有 1 处错误。",
    ]


def test_one_master_per_apprentice(scratch):
    second_candidate(scratch)
    scratch.write(M, record("  name: 王小明", '  name: 李卫东\n  candidate: "2099-002"'))
    scratch.write("data/mentorships/b.yaml", record("id: a", "id: b", record("  name: 王小明", '  name: 李卫东\n  candidate: "2099-002"')))
    rc, out, err = run_check(scratch.root)
    assert err.splitlines() == [
        "data/mentorships/b.yaml:4:1: apprentice: 徒弟「李卫东」已有带徒记录 data/mentorships/a.yaml（每名徒弟只记一位师傅）",
        "数据检查未通过：1 个文件中共有 1 处错误。",
    ]


def test_errors_in_several_mentorship_files_are_all_reported(scratch):
    scratch.write(M, record('master: "2099-001"', 'master: "2099-010"'))
    scratch.write("data/mentorships/b.yaml", record("id: a", "id: b", record("date: 2099-06-01", "date: 2099-02-01")))
    rc, out, err = run_check(scratch.root)
    assert err.splitlines() == [
        f"{M}:3:9: master: 未知的工匠编号「2099-010」，是否想写「2099-001」？",
        "data/mentorships/b.yaml:11:11: milestones[1].date: 成长记录日期 2099-02-01 早于拜师日期 2099-03-01",
        "数据检查未通过：2 个文件中共有 2 处错误。",
    ]


# --------------------------------------------------------------------------
# the lineages the site shows (the sample data)


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT, cache=False)


class _Person:
    def __init__(self, cid):
        self.id, self.name = cid, cid


def public(*ids):
    """Stands in for SiteModel.person: these candidate ids are public."""
    ids = set(ids)
    return lambda cid: _Person(cid) if cid in ids else None


EVERYONE = public("2016-003", "2016-028", "2016-032", "2016-048", "2016-054", "2016-093", "2026-013")


def test_sample_has_twenty_public_mentorships_three_generations_deep(project):
    found = mentorship.lineages(project.mentorships, AS_OF, EVERYONE)
    roots = [lin for cid, lin in found.items() if cid.startswith("2016-")]
    assert sum(lin.descendants for lin in roots) == 20
    assert max(lin.generations for lin in roots) >= 3
    he = found["2016-003"]
    assert (he.direct, he.descendants, he.generations) == (2, 6, 3)
    # the apprentice who became a 2026 candidate: her own lineage, and her master's link back
    assert found["2026-013"].master_of_master.id == "2016-003"
    assert mentorship.masters_of(project.mentorships, AS_OF, EVERYONE)["2026-013"].id == "2016-003"
    (lin_lixue,) = [a for a in he.apprentices if a.id == "lin-lixue"]
    assert lin_lixue.person.id == "2026-013" and [a.name for a in lin_lixue.apprentices] == ["张晓雨", "李明"]


def test_a_record_or_milestone_is_shown_only_from_its_date(project):
    before = mentorship.lineages(project.mentorships, AS_OF, EVERYONE)["2016-054"]
    assert [a.name for a in before.apprentices] == ["蔡勇"]  # 高远 starts on 2030-03-01
    assert [s.title for s in before.apprentices[0].milestones] == ["汽车维修工技师", "北京市职工职业技能大赛汽车维修工第一名"]
    after = mentorship.lineages(project.mentorships, dt.date(2030, 5, 1), EVERYONE)["2016-054"]
    assert [a.name for a in after.apprentices] == ["蔡勇", "高远"]
    assert after.apprentices[0].milestones[-1].title == "北京市技术能手"
    # nothing begun after the build date, on any day
    for day in (dt.date(2010, 1, 1), dt.date(2016, 1, 1), AS_OF):
        for lin in mentorship.lineages(project.mentorships, day, EVERYONE).values():
            assert all(m.id not in {"gao-yuan"} for _, m in lin.walk())
    assert "2016-054" not in mentorship.lineages(project.mentorships, dt.date(2013, 2, 28), EVERYONE)


def test_an_apprentice_who_is_not_public_shows_only_name_and_public_milestones(project):
    he = mentorship.lineages(project.mentorships, AS_OF, EVERYONE)["2016-003"]
    (wang,) = [a for a in he.apprentices if a.id == "wang-haitao"]
    assert (wang.person, wang.start, wang.occupation) == (None, None, None)
    assert [s.title for s in wang.milestones] == ["焊工高级工"]  # the company contest is not public
    # the same apprentice who later became a candidate, while not yet public: name and public milestones only
    hidden = mentorship.lineages(project.mentorships, AS_OF, public("2016-003"))["2016-003"]
    (lin_lixue,) = [a for a in hidden.apprentices if a.id == "lin-lixue"]
    assert (lin_lixue.person, lin_lixue.start) == (None, None)
    assert "2026-013" not in mentorship.lineages(project.mentorships, AS_OF, public("2016-003"))


def test_a_master_who_is_not_public_has_no_lineage(project):
    found = mentorship.lineages(project.mentorships, AS_OF, public("2016-048"))
    assert list(found) == ["2016-048"]


def test_training_statistics_by_edition_and_occupation(project):
    from gongjiang_pipeline.sitemodel import build_model

    model = build_model(project, {e: project.result(e) for e in project.editions}, AS_OF)
    found = mentorship.lineages(project.mentorships, AS_OF, model.person)
    rows = {(r.edition_id, r.occupation): (r.masters, r.direct, r.descendants)
            for r in mentorship.training_stats(model.editions, found)}
    assert rows[("2016", "焊工")] == (2, 4, 10)
    assert rows[("2016", "工程测量员")] == (1, 2, 4)
    assert sum(v[2] for v in rows.values()) == 20


@pytest.mark.slow
def test_pages_link_both_ways_and_private_data_never_reaches_the_site(tmp_path):
    from gongjiang_pipeline.sitebuild import build_site

    out = tmp_path / "site"
    build_site(ROOT, out, AS_OF)
    master = (out / "craftsmen/he-xingyong/index.html").read_text("utf-8")
    apprentice = (out / "craftsmen/lin-lixue/index.html").read_text("utf-8")
    assert '<a href="/craftsmen/lin-lixue/">林丽雪</a>' in master
    assert '师承：<a href="/craftsmen/he-xingyong/">何兴勇</a>' in apprentice
    lineage = (out / "mentorship/he-xingyong/index.html").read_text("utf-8")
    assert 'role="img"' in lineage and "直接带徒 2 人，各代徒弟共 6 人" in lineage
    assert "<script" not in lineage.split("</main>")[0].split("<main")[1]
    stats = (out / "statistics/index.html").read_text("utf-8")
    assert "获奖者带徒人数" in stats
    text = "\n".join(p.read_text("utf-8", "replace") for p in out.rglob("*") if p.suffix in (".html", ".json", ".xml", ".csv"))
    for secret in ("13900001001", "联系人为班组长", "公司焊工技能比武第三名", "高远", "北京市技术能手（<time datetime=\"2030"):
        assert secret not in text


# --------------------------------------------------------------------------
# make new-mentorship


def _cli(root, *args):
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from gongjiang_pipeline.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(["--root", str(root), *args])
    return rc, out.getvalue(), err.getvalue()


def test_new_mentorship_writes_a_valid_record_and_the_next_generation(scratch):
    rc, out, err = _cli(scratch.root, "new-mentorship", "--master", "2099-001", "--name", "王小明", "--start", "2099-03-01")
    assert (rc, err) == (0, "")
    assert out.splitlines()[0] == "已新建 data/mentorships/wang-xiaoming.yaml"
    text = scratch.path("data/mentorships/wang-xiaoming.yaml").read_text("utf-8")
    assert text.splitlines()[:7] == [
        "# yaml-language-server: $schema=../../schemas/mentorship.schema.json",
        "id: wang-xiaoming", 'master: "2099-001"', "apprentice:", "  name: 王小明", "start: 2099-03-01", "occupation: 焊工",
    ]
    rc, out, err = _cli(scratch.root, "new-mentorship", "--from", "wang-xiaoming", "--name", "王小明", "--start", "2099-05-01")
    assert out.splitlines()[0] == "已新建 data/mentorships/wang-xiaoming-2.yaml"
    assert 'master_from: wang-xiaoming' in scratch.path("data/mentorships/wang-xiaoming-2.yaml").read_text("utf-8")
    assert run_check(scratch.root)[:2] == (0, "数据检查通过：1 个届次，1 名候选人。\n")


@pytest.mark.parametrize("args,message", [
    (["--name", "王小明"], "请给出师傅：MASTER=<候选人编号>，或师傅不是候选人时 FROM=<师傅作为徒弟的带徒记录编号>"),
    (["--master", "2099-009", "--name", "王小明"], "没有编号为「2099-009」的候选人（或其文件有错误，请先运行 make check）"),
    (["--from", "nobody", "--name", "王小明"], "没有编号为「nobody」的带徒记录（或其文件有错误，请先运行 make check）"),
    (["--master", "2099-001"], "请给出徒弟姓名：NAME=<姓名>"),
    (["--master", "2099-001", "--name", "王小明", "--id", "Wang"], "ID=Wang：只能使用小写字母、数字和连字符，例如 wang-xiaoming"),
])
def test_new_mentorship_errors(scratch, args, message):
    rc, out, err = _cli(scratch.root, "new-mentorship", *args)
    assert rc == 2
    assert message in err
