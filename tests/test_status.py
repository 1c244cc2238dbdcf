"""`status`: each edition's stage, public lists, next step, missing data and open problems."""

import io
from contextlib import redirect_stderr, redirect_stdout

from scratch import CANDIDATE

from gongjiang_pipeline.cli import main


def cli(*args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(list(args))
    return rc, out.getvalue(), err.getvalue()


SAMPLE_2026_11_27 = """\
2016年“北京大工匠”选树（示例）（届次 2016，按 2026-11-27）
  当前阶段：本届评选已结束
  已公布：
    提名人选（30 人），2017年3月20日起
    最佳人气奖（10 人），2017年4月15日起
    公示名单（30 人），2018年3月20日起
    北京大工匠（10 人），2018年4月9日起
    北京大工匠提名奖（19 人），2018年4月9日起
  勘误：已显示 1 条（最近一条 2018年4月20日）
  下一步：无
  还缺少的数据：无
  待处理：
    推荐：海淀区总工会（区总工会）在焊工推荐了 2 人，超过每个工种限额 1 人：赖长（2016-046）、程军力（2016-067）。须在数据中撤回多出的推荐，这些人选才能继续评选。
    推荐待定：何海强（2016-004）：须先加入工会：个人自荐的人选应为北京市工会会员
  英文版缺少的翻译：
    北京大工匠提名奖英文推荐语（citation_en）：缺 19 人（英文名单链接到中文页面）
    工匠故事英文译文（Lang: en）：缺 1 篇：content/stories/he-xingyong-hanfeng.md（何兴勇）

2026年“北京大工匠”选树（示例）（届次 2026，按 2026-11-27）
  当前阶段：公众投票进行中（2026年11月21日至2026年12月10日）
  已公布：
    提名人选（24 人），2026年11月20日起
  未公布：
    最佳人气奖（计划 2026年12月15日）：尚无投票数据
    公示名单（计划 2027年1月11日）：须先完成公众参与：尚无投票数据
    北京大工匠（计划 2027年2月1日）：须先完成公众参与：尚无投票数据
    北京大工匠提名奖（计划 2027年2月1日）：须先完成公众参与：尚无投票数据
  下一步：2026年12月15日：公布最佳人气奖
  还缺少的数据：
    缺少 data/results/2026/votes.yaml（投票截止后录入；投票截止：2026年12月10日）
    之后还需要：review.yaml、objections.yaml、approval.yaml
  待处理：无
  英文版缺少的翻译：
    届次英文名称（name_en）未填写：本届没有英文页面；另缺 12 个工种、5 个行业领域、16 个区、5 个名单的英文名称
"""


def test_sample_status(repo_root):
    assert cli("--root", str(repo_root), "status", "--as-of", "2026-11-27") == (0, SAMPLE_2026_11_27, "")


def test_sample_status_early_2016(repo_root):
    rc, out, err = cli("--root", str(repo_root), "status", "--as-of", "2017-03-25", "--edition", "2016")
    assert (rc, err) == (0, "")
    lines = out.splitlines()
    assert lines[:5] == [
        "2016年“北京大工匠”选树（示例）（届次 2016，按 2017-03-25）",
        "  当前阶段：公众投票进行中（2017年3月21日至2017年4月10日）",
        "  已公布：",
        "    提名人选（30 人），2017年3月20日起",
        "  未公布：",
    ]
    assert "    最佳人气奖（计划 2017年4月15日）：已确定，到日期后公布" in lines
    assert "  勘误：另有 1 条自 2018年4月20日起显示" in lines
    assert "  下一步：2017年4月15日：公布最佳人气奖" in lines


def test_overdue_list_is_flagged(repo_root):
    rc, out, _ = cli("--root", str(repo_root), "status", "--as-of", "2026-12-20", "--edition", "2026")
    assert rc == 0
    assert "    最佳人气奖（计划 2026年12月15日，已过公布日期）：尚无投票数据" in out.splitlines()
    assert "  当前阶段：综合评审进行中（2026年12月16日至2026年12月25日）" in out.splitlines()


def test_unknown_edition(repo_root):
    assert cli("--root", str(repo_root), "status", "--edition", "2030") == (2, "", "没有届次「2030」。现有届次：2016、2026\n")


def _welders(scratch, n):
    for i in range(2, n + 1):
        cid = f"2099-00{i}"
        scratch.write(f"data/candidates/2099/{cid}.yaml", CANDIDATE.format(id=cid, name=["", "", "李明", "王强"][i])
                      .replace("body: dongcheng-union", "body: machinery-union"))


def test_missing_qualification_then_missing_sheet_then_tie(scratch):
    _welders(scratch, 3)
    root = str(scratch.root)
    rc, out, _ = cli("--root", root, "status", "--as-of", "2099-03-01")
    lines = out.splitlines()
    assert rc == 0
    assert lines[1] == "  当前阶段：推荐已结束，等待下一阶段"
    assert lines[lines.index("  还缺少的数据：") + 1:lines.index("  还缺少的数据：") + 3] == [
        "    缺少 data/results/2099/qualification.yaml（资格审核完成后录入）",
        "    之后还需要：scores/<工种编号>.yaml、votes.yaml、review.yaml、objections.yaml、approval.yaml",
    ]

    scratch.write("data/results/2099/qualification.yaml", """\
        edition: "2099"
        decided: 2099-03-01
        decisions:
          - {candidate: 2099-001, result: 通过}
          - {candidate: 2099-002, result: 通过}
        """)
    scratch.write("data/results/2099/scores/fitter.yaml", """\
        edition: "2099"
        occupation: fitter
        judges: [{id: j1, name: 评委甲}]
        rows: []
        """)
    rc, out, _ = cli("--root", root, "status", "--as-of", "2099-03-01")
    lines = out.splitlines()
    assert "    缺少 data/results/2099/scores/welder.yaml（焊工的评分表）" in lines
    assert "    资格审核待定：王强（2099-003）：尚无资格审核结论" in lines

    scratch.write("data/results/2099/qualification.yaml", """\
        edition: "2099"
        decided: 2099-03-01
        decisions:
          - {candidate: 2099-001, result: 通过}
          - {candidate: 2099-002, result: 通过}
          - {candidate: 2099-003, result: 通过}
        """)
    scratch.write("data/results/2099/scores/welder.yaml", """\
        edition: "2099"
        occupation: welder
        judges: [{id: j1, name: 评委甲}]
        rows:
          - {judge: j1, candidate: 2099-001, scores: {practical: 90, theory: 80}}
          - {judge: j1, candidate: 2099-002, scores: {practical: 80, theory: 70}}
          - {judge: j1, candidate: 2099-003, scores: {practical: 80, theory: 70}}
        """)
    rc, out, _ = cli("--root", root, "status", "--as-of", "2099-04-02")
    lines = out.splitlines()
    assert "    提名人选（计划 2099年4月1日，已过公布日期）：提名人选存在无法区分的同分，需要裁定" in lines
    assert lines[lines.index("  待处理：") + 1] == (
        "    行业比选：全届提名人选最后 1 个名额：李明（2099-002）、王强（2099-003） 加权总分同为 77.00，"
        "同分比较规则无法区分，需要裁定（在 decisions 中记录 行业比选、范围 all 的先后顺序）。"
    )
