"""Every file in tests/bad_corpus/ makes `check` fail with its exact Chinese message.

Each case: corpus file, where it is placed in a scratch project, and the
lines `check` must print (path:line:column: 字段: 说明).

Mistakes that show only when two files are read together are folders: a folder
holds files at their paths in the project (``data/results/2099/votes.yaml``),
copied over a scratch project with a valid file for every stage
(``ScratchProject.write_stages``); `check` must print exactly the listed lines.
"""

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from gongjiang_pipeline.cli import main

CORPUS = Path(__file__).parent / "bad_corpus"
C = "data/candidates/2099/2099-002.yaml"
SCORES = "data/results/2099/scores/welder.yaml"
V, RV, O, A, D = (f"data/results/2099/{k}.yaml" for k in ("votes", "review", "objections", "approval", "decisions"))
STAGES = "a folder over every stage"  # target of the folder cases

CASES = [
    ("01-tab-indent.yaml", C, [f"{C}:13:1: YAML 语法错误：不能用 Tab 缩进，请改用空格"]),
    ("02-unquoted-colon.yaml", C, [f"{C}:11:14: YAML 语法错误：冒号位置不对：值里含有“: ”时请给整个值加引号"]),
    ("03-unclosed-quote.yaml", C, [f"{C}:18:15: YAML 语法错误：缩进不一致，或上一行的引号没有配对"]),
    ("04-quoted-integer.yaml", C, [f"{C}:6:13: birth_year: 应为整数（不要加引号）"]),
    ("05-yes-for-boolean.yaml", C, [f"{C}:16:17: recommendation.union_member: 应为 true 或 false（不能写 yes/no、是/否）"]),
    ("06-bad-gender.yaml", C, [f"{C}:5:9: gender: 取值「M」无效，应为以下之一：男、女"]),
    ("07-unknown-field.yaml", C, [
        f"{C}:8:1: distrct: 未知字段「distrct」，是否想写「district」？",
        f"{C}:2:1: district: 缺少必填字段",
    ]),
    ("08-unknown-nested-field.yaml", C, [
        f"{C}:13:3: recommendation.chanel: 未知字段「chanel」，是否想写「channel」？",
        f"{C}:13:3: recommendation.channel: 缺少必填字段",
    ]),
    ("09-duplicate-key.yaml", C, [f"{C}:6:1: name: 重复的键「name」（同一层级只能出现一次）"]),
    ("10-alias-bomb.yaml", C, [f"{C}:2:4: 不允许使用锚点（&a）：请直接写出内容"]),
    ("11-anchor.yaml", C, [f"{C}:12:17: 不允许使用锚点（&rec）：请直接写出内容"]),
    ("12-python-tag.yaml", C, [
        f"{C}:11:11: 不允许使用标签（tag:yaml.org,2002:python/object/apply:os.system）：数据文件只能包含文字、数字、列表和映射"
    ]),
    ("13-custom-tag.yaml", C, [f"{C}:11:11: 不允许使用标签（!include）：数据文件只能包含文字、数字、列表和映射"]),
    ("14-missing-photo.yaml", C, [f"{C}:12:8: photo: 找不到照片文件 data/photos/2099-002.jpg"]),
    ("15-photo-path-traversal.yaml", C, [
        f"{C}:12:8: photo: 照片路径必须是 data/ 目录内的相对路径，例如 photos/2016-001.jpg（不能用 ..、/ 开头或反斜杠）"
    ]),
    ("16-photo-absolute-path.yaml", C, [
        f"{C}:12:8: photo: 照片路径必须是 data/ 目录内的相对路径，例如 photos/2016-001.jpg（不能用 ..、/ 开头或反斜杠）"
    ]),
    ("17-photo-bad-format.yaml", C, [f"{C}:12:8: photo: 照片格式应为 .jpg、.jpeg、.png、.webp 之一"]),
    ("18-bom.yaml", C, [f"{C}:1:1: 文件以 BOM（字节顺序标记）开头，请另存为“UTF-8（无 BOM）”"]),
    ("19-gbk.yaml", C, [f"{C}:4:7: 文件不是 UTF-8 编码（可能是 GBK），请另存为 UTF-8"]),
    ("20-utf16.yaml", C, [f"{C}:1:1: 文件是 UTF-16 编码，请另存为 UTF-8（无 BOM）"]),
    ("21-empty.yaml", C, [f"{C}:1:1: 文件为空"]),
    ("22-only-comments.yaml", C, [f"{C}:1:1: 文件为空"]),
    ("23-nul-bytes.yaml", C, [f"{C}:1:1: 文件含有空字符（NUL），不是文本文件"]),
    ("24-missing-required.yaml", C, [f"{C}:2:1: name: 缺少必填字段"]),
    ("25-impossible-date.yaml", C, [f"{C}:15:9: recommendation.date: 日期不存在：2099-02-30"]),
    ("26-date-format.yaml", C, [f"{C}:15:9: recommendation.date: 日期格式应为 YYYY-MM-DD，例如 2016-10-10"]),
    ("27-unknown-occupation.yaml", C, [f"{C}:9:13: occupation: 未知的工种「carpenter」（见 data/editions/2099.yaml）"]),
    ("28-unknown-body.yaml", C, [
        f"{C}:14:9: recommendation.body: 未知的推荐单位「dongchen-union」，是否想写「dongcheng-union」？"
    ]),
    ("29-id-filename-mismatch.yaml", C, [f"{C}:2:5: id: 候选人编号「2099-003」与文件名「2099-002.yaml」不一致"]),
    ("30-duplicate-id.yaml", C, [
        f"{C}:2:5: id: 候选人编号「2099-001」重复（另见 data/candidates/2099/2099-001.yaml）"
    ]),
    ("31-two-documents.yaml", C, [f"{C}:20:1: 一个文件只能有一个 YAML 文档（不要用 --- 分隔多个文档）"]),
    ("32-top-level-list.yaml", C, [f"{C}:1:1: 文件内容应为“字段: 值”形式的映射"]),
    ("33-empty-value.yaml", C, [f"{C}:4:6: name: 不能为空"]),
    ("34-blank-text.yaml", C, [f"{C}:4:7: name: 不能为空"]),
    ("35-wrong-body-kind.yaml", C, [
        f"{C}:14:9: recommendation.body: 社团推荐的推荐单位应为社团，「东城区总工会」是区总工会"
    ]),
    ("36-unknown-edition.yaml", C, [f"{C}:3:10: edition: 未知的届次「2098」，是否想写「2099」？"]),
    ("37-citation-too-long.yaml", C, [f"{C}:11:11: citation: 太长：最多 200 个字，现有 204 个字"]),
    ("38-missing-schema-line.yaml", C, [
        f"{C}:1:1: 第一行应为 schema 声明：# yaml-language-server: $schema=../../../schemas/candidate.schema.json"
    ]),
    ("39-list-instead-of-text.yaml", C, [f"{C}:8:3: employer: 应为文字（如果是数字或 true/false 形式的文字，请加引号）"]),
    ("40-date-outside-stage.yaml", C, [
        f"{C}:15:9: recommendation.date: 推荐日期 2099-03-15 不在推荐阶段（2099-02-01 至 2099-02-28）内"
    ]),
    ("41-bad-id-chars.yaml", C, [
        f"{C}:14:9: recommendation.body: 编号只能使用小写字母、数字和连字符（-），例如 2016-001"
    ]),
    ("42-no-for-gender.yaml", C, [f"{C}:5:9: gender: 取值「no」无效，应为以下之一：男、女"]),
    ("50-scores-recused-judge-scored.yaml", SCORES, [
        f"{SCORES}:17:5: rows[2]: 评委「j2」已对候选人「2099-001」回避，不能再打分"
    ]),
    ("51-scores-out-of-range.yaml", SCORES, [f"{SCORES}:10:25: rows[1].scores.practical: 得分 109 超出范围（0 至 100）"]),
    ("52-votes-cancelled-too-many.yaml", "data/results/2099/votes.yaml", [
        "data/results/2099/votes.yaml:8:16: tallies[1].cancelled: 作废票数（150）不能多于原始票数（100）"
    ]),
    ("53-qualification-no-reason.yaml", "data/results/2099/qualification.yaml", [
        "data/results/2099/qualification.yaml:5:5: decisions[1]: 审核不通过时必须填写 reason（理由）或 veto（否决情形）"
    ]),
    ("54-edition-weights.yaml", "data/editions/2099.yaml", [
        "data/editions/2099.yaml:52:5: scoring.components: 各分项权重之和应为 1，现为 1.1"
    ]),
    ("55-edition-order.yaml", "data/editions/2099.yaml", [
        "data/editions/2099.yaml:39:25: timeline.popularity_published: 日期 2099-03-25 早于前一阶段（voting：2099-04-02），请检查时间顺序"
    ]),    # cross-file: each stage file against the edition's timeline and the other stage files
    ("60-votes-not-nominee", STAGES, [
        f"{V}:11:16: tallies[3].candidate: 候选人「2099-002」不是提名人选（行业比选：未入围，见 data/results/2099/scores/welder.yaml），不应有计票",
    ]),
    ("61-votes-nominee-missing", STAGES, [
        f"{V}:4:1: tallies: 提名人选「2099-003」（见 data/results/2099/scores/fitter.yaml）没有计票：请补录其计票，或在 absent 中写明没有计票的原因",
    ]),
    ("62-votes-absent-not-nominee", STAGES, [
        f"{V}:12:16: absent[1].candidate: 候选人「2099-002」不是提名人选（行业比选：未入围，见 data/results/2099/scores/welder.yaml），不应列在 absent 中",
    ]),
    ("63-votes-absent-and-tallied", STAGES, [
        f"{V}:12:16: absent[1].candidate: 提名人选「2099-003」已有计票，不应同时列在 absent 中",
    ]),
    ("64-votes-absent-twice", STAGES, [
        f"{V}:11:16: absent[2].candidate: 候选人「2099-003」的未计票说明重复",
    ]),
    ("65-review-not-nominee", STAGES, [
        f"{RV}:10:16: results[3].candidate: 候选人「2099-002」不是提名人选（行业比选：未入围，见 data/results/2099/scores/welder.yaml），不应有综合评审得分",
    ]),
    ("66-objection-not-on-notice", STAGES, [
        f"{O}:5:16: objections[1].candidate: 候选人「2099-002」不在公示名单中（行业比选：未入围，见 data/results/2099/scores/welder.yaml），不能对其提出公示期异议",
    ]),
    ("67-objection-decided-before-received", STAGES, [
        f"{O}:10:14: objections[1].decided: 结论日期 2099-06-02 早于收到日期 2099-06-03",
    ]),
    ("68-objection-outside-notice", STAGES, [
        f"{O}:6:15: objections[1].received: 收到日期 2099-06-09 不在公示期（2099-06-01 至 2099-06-07）内（见 data/editions/2099.yaml）",
    ]),
    ("69-approval-during-notice", STAGES, [
        f"{A}:4:7: date: 审定日期 2099-06-05 早于公示结束日期 2099-06-07（见 data/editions/2099.yaml）",
        f"{A}:4:7: date: 审定日期 2099-06-05 早于异议「2099-yy-01」的结论日期 2099-06-06（另见 data/results/2099/objections.yaml）",
    ]),
    ("70-objection-decided-after-approval", STAGES, [
        f"{A}:4:7: date: 审定日期 2099-06-15 早于异议「2099-yy-01」的结论日期 2099-06-20（另见 data/results/2099/objections.yaml）",
    ]),
    ("71-votes-closed-after-voting", STAGES, [
        f"{V}:3:9: closed: 投票截止日期 2099-04-25 不在公众投票阶段（2099-04-02 至 2099-04-20）内（见 data/editions/2099.yaml）",
    ]),
    ("72-review-before-votes-closed", STAGES, [
        f"{RV}:4:7: date: 评审日期 2099-04-15 早于投票截止日期 2099-04-20（另见 data/results/2099/votes.yaml）",
    ]),
    ("73-decision-before-votes-closed", STAGES, [
        f"{D}:8:11: decisions[1].date: 裁定日期 2099-04-10 早于投票截止日期 2099-04-20（另见 data/results/2099/votes.yaml）",
    ]),
    ("74-decision-not-nominee", STAGES, [
        f"{D}:6:25: decisions[1].order[2]: 候选人「2099-002」不是提名人选（行业比选：未入围，见 data/results/2099/scores/welder.yaml），不能参加综合评审的同分裁定",
    ]),
    ("75-decision-not-qualified", STAGES, [
        f"{D}:6:25: decisions[1].order[2]: 候选人「2099-002」未通过资格审核（资格审核：未通过，见 data/results/2099/qualification.yaml），不能参加行业比选的同分裁定",
    ]),
]


def run_check(root: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(["--root", str(root), "check"])
    return rc, out.getvalue(), err.getvalue()


def test_corpus_is_complete():
    on_disk = sorted(p.name for p in CORPUS.iterdir())
    assert on_disk == sorted(c[0] for c in CASES)
    assert len(CASES) >= 30


def test_scratch_project_is_valid(scratch):
    rc, out, err = run_check(scratch.root)
    assert (rc, err) == (0, "")
    assert out == "数据检查通过：1 个届次，1 名候选人。\n"


FILE_CASES = [c for c in CASES if c[1] is not STAGES]
FOLDER_CASES = [c[::2] for c in CASES if c[1] is STAGES]


def test_corpus_has_cross_file_cases():
    assert len(FOLDER_CASES) >= 12
    for name, _ in FOLDER_CASES:
        assert (CORPUS / name).is_dir()


def test_scratch_stages_are_valid(scratch):
    rc, out, err = run_check(scratch.write_stages().root)
    assert (rc, err) == (0, "")
    assert out == "数据检查通过：1 个届次，3 名候选人。\n"


@pytest.mark.parametrize("name,expected", FOLDER_CASES, ids=[c[0] for c in FOLDER_CASES])
def test_cross_file_mistake_is_reported(scratch, name, expected):
    scratch.write_stages()
    folder = CORPUS / name
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        scratch.write_bytes(path.relative_to(folder).as_posix(), path.read_bytes())
    rc, out, err = run_check(scratch.root)
    assert (rc, out) == (1, "")
    files = {line.split(":", 1)[0] for line in expected}
    assert err.splitlines() == expected + [f"数据检查未通过：{len(files)} 个文件中共有 {len(expected)} 处错误。"]


@pytest.mark.parametrize("name,target,expected", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_bad_file_is_reported(scratch, name, target, expected):
    scratch.write_bytes(target, (CORPUS / name).read_bytes())
    rc, out, err = run_check(scratch.root)
    assert rc == 1
    assert out == ""
    lines = err.splitlines()
    for line in expected:
        assert line in lines
    assert "Traceback" not in err
    assert lines[-1].startswith("数据检查未通过：")


def test_oversized_file(scratch):
    big = (CORPUS / "06-bad-gender.yaml").read_text("utf-8") + "# " + "填充" * 300_000 + "\n"
    scratch.write_bytes(C, big.encode())
    rc, _, err = run_check(scratch.root)
    assert rc == 1
    size = len(big.encode())
    assert f"{C}:1:1: 文件过大（{size} 字节，上限 524288 字节），请检查是否放错了文件" in err.splitlines()
