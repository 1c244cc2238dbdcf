"""Each validation rule not covered by the bad-file corpus, with its exact message.

A case edits the scratch project (replacing text in one file, or adding a file)
and lists the lines `check` must print.
"""

import pytest

from scratch import CANDIDATE, EDITION
from test_bad_corpus import run_check

ED = "data/editions/2099.yaml"
C1 = "data/candidates/2099/2099-001.yaml"
R = "data/results/2099"

SHEET = """\
edition: "2099"
occupation: welder
judges:
  - id: j1
    name: 评委甲
rows:
  - judge: j1
    candidate: 2099-001
    scores: {practical: 90, theory: 80}
"""


def edition(old, new):
    assert old in EDITION
    return {ED: EDITION.replace(old, new, 1)}


def candidate(old, new):
    text = CANDIDATE.format(id="2099-001", name="张建国")
    assert old in text
    return {C1: text.replace(old, new, 1)}


def sheet(old, new):
    assert old in SHEET
    return {f"{R}/scores/welder.yaml": SHEET.replace(old, new, 1)}


RULES = [
    # edition file
    ("duplicate occupation id", edition("  - id: fitter\n", "  - id: welder\n"),
     [f"{ED}:8:9: occupations[2].id: 工种编号「welder」重复"]),
    ("district union without district", edition("    district: dongcheng\n", ""),
     [f"{ED}:19:5: bodies[1]: 区总工会必须填写 district（所在区）"]),
    ("district union in unknown district", edition("    district: dongcheng\n", "    district: dongchen\n"),
     [f"{ED}:22:15: bodies[1].district: 未知的区「dongchen」，是否想写「dongcheng」？"]),
    ("industry union without quota", edition("    quota: 2\n", ""),
     [f"{ED}:23:5: bodies[2]: 产业工会必须填写 quota（协商确定的推荐名额）"]),
    ("bad tie-break key", edition("    - key: component:practical", "    - key: component:speed"),
     [f"{ED}:60:12: scoring.tie_break[2].key: 无效的比较依据「component:speed」，应为 total、votes、component:<分项编号> 或 metric:<指标名>"]),
    ("slots on some occupations only", edition("    name: 焊工\n", "    name: 焊工\n    nominee_slots: 1\n"),
     [f"{ED}:6:3: occupations: nominee_slots 要么每个工种都填，要么都不填"]),
    ("slots not summing to nominees",
     edition("    name: 焊工\n  - id: fitter\n    name: 钳工\n", "    name: 焊工\n    nominee_slots: 1\n  - id: fitter\n    name: 钳工\n    nominee_slots: 2\n"),
     [f"{ED}:6:3: occupations: 各工种 nominee_slots 之和（3）应等于 awards.nominees（2）"]),
    ("awards exceed nominees", edition("  craftsmen: 1\n", "  craftsmen: 2\n"),
     [f"{ED}:46:3: awards: 北京大工匠与提名奖人数之和不能超过提名人选人数"]),
    ("popularity exceeds nominees", edition("  popularity: 1\n", "  popularity: 3\n"),
     [f"{ED}:47:15: awards.popularity: 最佳人气奖人数不能超过提名人选人数"]),
    ("period ends before start", edition("    end: 2099-06-07", "    end: 2099-05-07"),
     [f"{ED}:42:10: timeline.notice.end: 结束日期早于开始日期"]),
    ("approval before notice ends", edition("  approval: 2099-06-15", "  approval: 2099-06-05"),
     [f"{ED}:43:13: timeline.approval: 审定日期不能早于公示结束日期"]),
    ("edition id differs from file name", edition('id: "2099"', 'id: "2100"'),
     [f"{ED}:2:5: id: 届次编号「2100」与文件名「2099.yaml」不一致"]),
    ("edition id of the English search bundle", edition('id: "2099"', 'id: "en"'),
     [f"{ED}:2:5: id: 届次编号「en」与文件名「2099.yaml」不一致",
      f"{ED}:2:5: id: 届次编号不能用「en」：这是英文版站内搜索分包的名字，请换一个编号（例如年份）"]),
    # candidate file
    ("unit recommendation without body", candidate("  body: dongcheng-union\n", ""),
     [f"{C1}:13:3: recommendation: 单位推荐必须填写 body（推荐单位编号）"]),
    ("self-nominee with unknown body", candidate("  channel: 单位推荐\n  body: dongcheng-union", "  channel: 个人自荐\n  body: nobody"),
     [f"{C1}:14:9: recommendation.body: 未知的推荐单位「nobody」"]),
    ("unknown district", candidate("district: dongcheng", "district: haidian"),
     [f"{C1}:8:11: district: 未知的区「haidian」（见 data/editions/2099.yaml）"]),
    ("unknown sector", candidate("sector: manufacturing", "sector: manufacture"),
     [f"{C1}:10:9: sector: 未知的行业「manufacture」，是否想写「manufacturing」？（见 data/editions/2099.yaml）"]),
    ("candidate in another edition's folder", {"data/candidates/2100/2099-005.yaml": CANDIDATE.format(id="2099-005", name="王五")},
     ["data/candidates/2100/2099-005.yaml:3:10: edition: 届次「2099」与所在目录「2100」不一致"]),
    # score sheets
    ("sheet for unknown occupation", {f"{R}/scores/welder.yaml": SHEET.replace("occupation: welder", "occupation: painter")},
     [f"{R}/scores/welder.yaml:3:13: occupation: 未知的工种「painter」，是否想写「fitter」？"]),
    ("sheet name differs from occupation", {f"{R}/scores/fitter.yaml": SHEET},
     [f"{R}/scores/fitter.yaml:3:13: occupation: 工种「welder」与文件名「fitter.yaml」不一致"]),
    ("unknown judge", sheet("  - judge: j1", "  - judge: j9"),
     [f"{R}/scores/welder.yaml:8:12: rows[1].judge: 未知的评委编号「j9」"]),
    ("unknown component", sheet("{practical: 90, theory: 80}", "{practical: 90, theory: 80, speed: 5}"),
     [f"{R}/scores/welder.yaml:10:41: rows[1].scores.speed: 未知的评分分项「speed」"]),
    ("missing component", sheet("{practical: 90, theory: 80}", "{practical: 90}"),
     [f"{R}/scores/welder.yaml:10:13: rows[1].scores: 缺少分项得分：theory"]),
    ("duplicate score row", sheet("    scores: {practical: 90, theory: 80}\n", "    scores: {practical: 90, theory: 80}\n  - judge: j1\n    candidate: 2099-001\n    scores: {practical: 91, theory: 81}\n"),
     [f"{R}/scores/welder.yaml:11:5: rows[2]: 评委「j1」对候选人「2099-001」的评分重复"]),
    ("candidate of another occupation", {f"{R}/scores/fitter.yaml": SHEET.replace("occupation: welder", "occupation: fitter")},
     [f"{R}/scores/fitter.yaml:9:16: rows[1].candidate: 候选人「2099-001」的工种是 welder，不是 fitter"]),
    ("unknown candidate in sheet", sheet("    candidate: 2099-001", "    candidate: 2099-010"),
     [f"{R}/scores/welder.yaml:9:16: rows[1].candidate: 未知的候选人编号「2099-010」，是否想写「2099-001」？"]),
    # other stage files
    ("unknown vote channel", {f"{R}/votes.yaml": 'edition: "2099"\nclosed: 2099-04-20\ntallies:\n  - {candidate: 2099-001, channel: wechat, votes: 5}\n'},
     [f"{R}/votes.yaml:5:36: tallies[1].channel: 未知的投票渠道「wechat」"]),
    ("cancelled votes without reason", {f"{R}/votes.yaml": 'edition: "2099"\nclosed: 2099-04-20\ntallies:\n  - {candidate: 2099-001, channel: app, votes: 5, cancelled: 1}\n'},
     [f"{R}/votes.yaml:5:5: tallies[1]: 有作废票时必须填写 cancel_reason（作废理由）"]),
    ("duplicate tally", {f"{R}/votes.yaml": 'edition: "2099"\nclosed: 2099-04-20\ntallies:\n  - {candidate: 2099-001, channel: app, votes: 5}\n  - {candidate: 2099-001, channel: app, votes: 6}\n'},
     [f"{R}/votes.yaml:6:5: tallies[2]: 候选人「2099-001」在渠道「app」的计票重复"]),
    ("unknown veto condition", {f"{R}/qualification.yaml": 'edition: "2099"\ndecided: 2099-03-01\ndecisions:\n  - candidate: 2099-001\n    result: 不通过\n    veto: [弄虚作假]\n'},
     [f"{R}/qualification.yaml:7:12: decisions[1].veto[1]: 未知的否决情形「弄虚作假」，是否想写「申报材料弄虚作假」？"]),
    ("duplicate qualification decision", {f"{R}/qualification.yaml": 'edition: "2099"\ndecided: 2099-03-01\ndecisions:\n  - {candidate: 2099-001, result: 通过}\n  - {candidate: 2099-001, result: 通过}\n'},
     [f"{R}/qualification.yaml:6:17: decisions[2].candidate: 候选人「2099-001」的审核结论重复"]),
    ("duplicate review result", {f"{R}/review.yaml": 'edition: "2099"\nmeeting: 综合评审会\ndate: 2099-05-01\nresults:\n  - {candidate: 2099-001, score: 9}\n  - {candidate: 2099-001, score: 8}\n'},
     [f"{R}/review.yaml:7:17: results[2].candidate: 候选人「2099-001」的评审结果重复"]),
    ("objection decided without date", {f"{R}/objections.yaml": 'edition: "2099"\nobjections:\n  - id: o1\n    candidate: 2099-001\n    received: 2099-06-02\n    channel: 信函\n    summary: 反映成果署名问题\n    outcome: 成立\n'},
     [f"{R}/objections.yaml:4:5: objections[1]: 已有结论的异议必须填写 decided（结论日期）"]),
    ("decision for unknown scope", {f"{R}/decisions.yaml": 'edition: "2099"\ndecisions:\n  - stage: 行业比选\n    scope: welding\n    order: [2099-001, 2099-001]\n    basis: 会议记录\n    date: 2099-03-05\n'},
     [f"{R}/decisions.yaml:5:12: decisions[1].scope: 未知的工种「welding」，是否想写「welder」？"]),
    ("result file for unknown edition", {"data/results/2100/approval.yaml": 'edition: "2100"\nmeeting: 主席办公会\ndate: 2100-01-01\n'},
     ["data/results/2100/approval.yaml:2:10: edition: 未知的届次「2100」"]),
]


@pytest.mark.parametrize("name,files,expected", RULES, ids=[r[0] for r in RULES])
def test_rule(scratch, name, files, expected):
    for rel, text in files.items():
        scratch.write(rel, text)
    rc, out, err = run_check(scratch.root)
    assert rc == 1, err
    lines = err.splitlines()
    for line in expected:
        assert line in lines, err


def test_yml_extension_and_misplaced_files(scratch):
    scratch.write_bytes("data/editions/2100.yml", b"id: x\n")
    scratch.write_bytes("data/notes/readme.yaml", b"a: b\n")
    rc, _, err = run_check(scratch.root)
    assert rc == 1
    assert "data/editions/2100.yml:1:1: 扩展名应为 .yaml（不是 .yml）" in err.splitlines()
    assert (
        "data/notes/readme.yaml:1:1: 无法识别的数据文件位置。届次文件放在 data/editions/<届次>.yaml，"
        "候选人文件放在 data/candidates/<届次>/<编号>.yaml，阶段结果放在 data/results/<届次>/ 下"
    ) in err.splitlines()


def test_all_problems_in_all_files_reported_once(scratch):
    scratch.write("data/candidates/2099/2099-002.yaml", CANDIDATE.format(id="2099-002", name="李四").replace("gender: 男", "gender: 难"))
    scratch.write("data/candidates/2099/2099-003.yaml", CANDIDATE.format(id="2099-003", name="王五").replace("birth_year: 1975", "birth_year: old"))
    rc, _, err = run_check(scratch.root)
    lines = err.splitlines()
    assert rc == 1
    assert lines == [
        "data/candidates/2099/2099-002.yaml:5:9: gender: 取值「难」无效，应为以下之一：男、女",
        "data/candidates/2099/2099-003.yaml:6:13: birth_year: 应为整数（不要加引号）",
        "数据检查未通过：2 个文件中共有 2 处错误。",
    ]


def test_text_fields_keep_their_source_text(scratch):
    """YAML 1.1 traps: 0123 is not octal, `no` is not false, leading zeros survive."""
    from gongjiang_pipeline.loading import load_project

    text = CANDIDATE.format(id="2099-001", name="张建国")
    text = text.replace('  phone: "13800000001"', "  phone: 01062345678\n  union_card: 0123\n  address: no")
    scratch.write(C1, text)
    c = load_project(scratch.root).editions["2099"].candidates[0]
    assert (c.private.phone, c.private.union_card, c.private.address) == ("01062345678", "0123", "no")


def test_integers_and_booleans_follow_yaml_1_2(scratch):
    from gongjiang_pipeline.loading import load_project

    scratch.write(C1, CANDIDATE.format(id="2099-001", name="张建国").replace("birth_year: 1975", "birth_year: 01975"))
    c = load_project(scratch.root).editions["2099"].candidates[0]
    assert c.birth_year == 1975 and c.recommendation.union_member is True


def test_unknown_command_is_reported_in_chinese(capsys):
    from gongjiang_pipeline.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
    assert "命令用法错误：" in capsys.readouterr().err
