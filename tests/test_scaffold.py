"""Scaffolds: new-candidate (flags, prompts, placeholders that fail check) and new-story."""

import io
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest

from gongjiang_pipeline.cli import main
from gongjiang_pipeline.scaffold import next_candidate_id, quote

ALL_FLAGS = [
    "--edition", "2099", "--name", "单明", "--gender", "男", "--birth-year", "1980",
    "--employer", "北京示例厂: 一分厂", "--district", "chaoyang", "--occupation", "fitter",
    "--sector", "manufacturing", "--citation", "钳工技艺精湛，带徒二十余人。", "--channel", "单位推荐",
    "--body", "machinery-union", "--date", "2099-02-15", "--union-member", "是",
    "--id-number", "110105198001010011", "--phone", "13800000099",
]


def cli(*args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(list(args))
    return rc, out.getvalue(), err.getvalue()


class Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def no_tty(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def test_next_id_of_the_sample_edition(repo_root):
    assert next_candidate_id(repo_root, "2016") == "2016-095"
    assert next_candidate_id(repo_root, "2026") == "2026-037"
    assert next_candidate_id(repo_root, "2030") == "2030-001"


@pytest.mark.parametrize("text,expected", [
    ("北京示例厂", "北京示例厂"), ("no", '"no"'), ("0123", '"0123"'), ("a: b", '"a: b"'),
    ("有限公司#2", '"有限公司#2"'), ("2018年4月", '"2018年4月"'), ("welder", "welder"), (" 空格", '" 空格"'),
])
def test_quote(text, expected):
    assert quote(text) == expected


def test_new_candidate_from_flags_passes_check(scratch, no_tty):
    rc, out, err = cli("--root", str(scratch.root), "new-candidate", *ALL_FLAGS)
    assert (rc, err) == (0, "")
    assert out == "已新建 data/candidates/2099/2099-002.yaml\n这个文件已通过检查。提交前请再运行 make check。\n"
    text = scratch.path("data/candidates/2099/2099-002.yaml").read_text("utf-8")
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../../schemas/candidate.schema.json"
    for line in ('id: "2099-002"', 'edition: "2099"', "name: 单明", "name_pinyin: shan ming",
                 'employer: "北京示例厂: 一分厂"', "  body: machinery-union", "  date: 2099-02-15",
                 "  union_member: true", '  id_number: "110105198001010011"', "# photo: photos/2099-002.jpg"):
        assert line in lines, line
    assert cli("--root", str(scratch.root), "check") == (0, "数据检查通过：1 个届次，2 名候选人。\n", "")


def test_missing_essentials_are_empty_and_fail_check_until_filled(scratch, no_tty):
    rc, out, _ = cli("--root", str(scratch.root), "new-candidate", "--name", "李四", "--occupation", "welder")
    assert rc == 0
    path = "data/candidates/2099/2099-002.yaml"
    assert out.splitlines()[:3] == [
        "未指定 --edition，使用最新的届次 2099（测试届次）。",
        f"已新建 {path}",
        "还有 12 个必填字段没有填写：性别（gender）、出生年份（birth_year）、工作单位（employer）、所在区（district）、"
        "行业领域（sector）、推荐语（citation）、推荐渠道（recommendation.channel）、推荐单位（recommendation.body）、"
        "推荐日期（recommendation.date）、是否工会会员（recommendation.union_member）、身份证号（private.id_number）、"
        "联系电话（private.phone）。",
    ]
    rc, out, err = cli("--root", str(scratch.root), "check")
    assert rc == 1
    assert err.splitlines() == [
        f"{path}:15:8: gender: 不能为空",
        f"{path}:17:12: birth_year: 不能为空",
        f"{path}:23:10: employer: 不能为空",
        f"{path}:25:10: district: 不能为空",
        f"{path}:29:8: sector: 不能为空",
        f"{path}:37:10: citation: 不能为空",
        f"{path}:43:11: recommendation.channel: 不能为空",
        f"{path}:48:8: recommendation.date: 不能为空",
        f"{path}:50:16: recommendation.union_member: 不能为空",
        f"{path}:54:13: private.id_number: 不能为空",
        f"{path}:56:9: private.phone: 不能为空",
        "数据检查未通过：1 个文件中共有 11 处错误。",
    ]
    file = scratch.path(path)
    text = file.read_text("utf-8")
    for key, value in (("gender", "女"), ("birth_year", "1979"), ("employer", "北京示例机械有限公司"),
                       ("district", "dongcheng"), ("sector", "manufacturing"), ("citation", "焊花飞溅二十年。"),
                       ("  channel", "单位推荐"), ("  body", "dongcheng-union"), ("  date", "2099-02-20"),
                       ("  union_member", "true"), ("  id_number", '"110101197901010021"'), ("  phone", '"13800000098"')):
        assert f"\n{key}:\n" in text, key
        text = text.replace(f"\n{key}:\n", f"\n{key}: {value}\n", 1)
    file.write_text(text, "utf-8")
    assert cli("--root", str(scratch.root), "check")[0] == 0


def test_prompts_on_a_terminal(scratch, monkeypatch):
    answers = [
        "",  # edition: the default (newest)
        "王芳",  # name
        "2",  # gender: 女
        "19x", "1985",  # birth year: invalid, then valid
        "北京示例机械有限公司",
        "chaoyang",  # district by id
        "1",  # occupation: welder
        "1",  # sector
        "技艺精湛。",
        "3",  # channel: 个人自荐 (no body asked)
        "2099-02-30", "2099-02-11",  # date: invalid, then valid
        "1",  # union member: 是
        "110105198501010022",
        "",  # phone left empty
    ]
    monkeypatch.setattr(sys, "stdin", Tty("\n".join(answers) + "\n"))
    rc, out, err = cli("--root", str(scratch.root), "new-candidate")
    assert (rc, err) == (0, "")
    assert "新候选人编号：2099-002（测试届次）。逐项输入；直接回车则留空，稍后在文件中填写。" in out
    assert "输入无效：应为 1920 至 2015 之间的四位年份，请重新输入。" in out
    assert "输入无效：日期格式应为 YYYY-MM-DD，例如 2026-07-15，请重新输入。" in out
    assert "  1. welder（焊工）" in out
    assert out.splitlines()[-3:] == [
        "还有 1 个必填字段没有填写：联系电话（private.phone）。",
        "检查这个文件发现以下问题，请打开文件修改后运行 make check：",
        "  data/candidates/2099/2099-002.yaml:55:9: private.phone: 不能为空",
    ]
    text = scratch.path("data/candidates/2099/2099-002.yaml").read_text("utf-8")
    assert "gender: 女\n" in text and "  channel: 个人自荐\n  # 推荐单位编号：个人自荐不填\n  # body: ……\n" in text


@pytest.mark.parametrize("flags,message", [
    (["--occupation", "painter"], "--occupation painter：不是届次 2099 的可选值。可选：welder（焊工）、fitter（钳工）"),
    (["--birth-year", "80"], "--birth-year 80：应为 1920 至 2015 之间的四位年份"),
    (["--channel", "社团推荐", "--body", "dongcheng-union"],
     "--body dongcheng-union：不是社团推荐可选的推荐单位。可选：welding-assoc（北京焊接协会）"),
    (["--edition", "2100"], "没有届次「2100」。现有届次：2099"),
])
def test_bad_flags_write_nothing(scratch, no_tty, flags, message):
    rc, out, err = cli("--root", str(scratch.root), "new-candidate", *flags)
    assert (rc, err) == (2, message + "\n")
    assert not scratch.path("data/candidates/2099/2099-002.yaml").exists()


def test_new_story_template_fails_check_until_written(scratch, no_tty):
    root = str(scratch.root)
    rc, out, err = cli("--root", root, "new-story", "2099-001", "--date", "2099-07-01")
    assert (rc, err) == (0, "")
    assert out.splitlines()[0] == "已新建 content/stories/zhang-jianguo.md"
    story = scratch.path("content/stories/zhang-jianguo.md")
    text = story.read_text("utf-8")
    assert text.splitlines()[:4] == [
        "Title: 张建国：【待填写：一句话标题】", "Date: 2099-07-01", "Candidate: 2099-001",
        "Summary: 【待填写：一两句话的摘要，显示在故事列表和订阅中】",
    ]
    rc, _, err = cli("--root", root, "check")
    lines = err.splitlines()
    assert rc == 1
    assert lines[0] == "content/stories/zhang-jianguo.md:1:12: 还有待填写的内容：【待填写：一句话标题】（写好后删去【】及其中的说明）"
    assert lines[-1] == "数据检查未通过：1 个文件中共有 9 处错误。"

    story.write_text("Title: 张建国：焊花里的三十年\nDate: 2099-07-01\nCandidate: 2099-001\n\n正文。\n", "utf-8")
    assert cli("--root", root, "check")[0] == 0
    # a second story about the same person gets the next free file name
    assert cli("--root", root, "new-story", "2099-001")[1].splitlines()[0] == "已新建 content/stories/zhang-jianguo-2.md"


def test_new_story_errors(scratch, no_tty):
    root = str(scratch.root)
    assert cli("--root", root, "new-story", "2099-009") == (
        2, "", "没有编号为「2099-009」的候选人（或其文件有错误，请先运行 make check）\n")
    assert cli("--root", root, "new-story") == (2, "", "请给出候选人编号，例如：make new-story ID=2016-003\n")
    assert cli("--root", root, "new-story", "2099-001", "--slug", "Zhang_JG")[2] == (
        "--slug Zhang_JG：只能使用小写字母、数字和连字符，例如 he-xingyong-hanfeng\n")


@pytest.mark.parametrize("meta,expected", [
    ("Title: 一个故事\nDate: 2099-07-01\n", "content/stories/s.md:3:1: Candidate: 故事必须写明讲的是谁：在文件开头写 "
     "Candidate: <候选人编号>，例如 Candidate: 2016-003"),
    ("Title: 一个故事\nDate: 2099-07-01\nCandidate: 2099-01\n", "content/stories/s.md:3:12: Candidate: "
     "未知的候选人编号「2099-01」，是否想写「2099-001」？"),
    ("Title: 一个故事\nDate: 2099/7/1\nCandidate: 2099-001\n", "content/stories/s.md:2:7: Date: "
     "日期格式应为 YYYY-MM-DD，例如 2018-05-15（现为「2099/7/1」）"),
    ("Date: 2099-07-01\nCandidate: 2099-001\n", "content/stories/s.md:3:1: Title: 缺少标题：在文件开头写 Title: 标题"),
])
def test_story_metadata_problems(scratch, meta, expected):
    scratch.path("content/stories").mkdir(parents=True)
    scratch.path("content/stories/s.md").write_text(meta + "\n正文。\n", "utf-8")
    rc, _, err = cli("--root", str(scratch.root), "check")
    assert rc == 1
    assert err.splitlines() == [expected, "数据检查未通过：1 个文件中共有 1 处错误。"]


def test_unknown_metadata_key(scratch):
    scratch.path("content/stories").mkdir(parents=True)
    scratch.path("content/stories/s.md").write_text("Title: 故事\nDate: 2099-07-01\nCandiate: 2099-001\n\n正文。\n", "utf-8")
    rc, _, err = cli("--root", str(scratch.root), "check")
    assert rc == 1
    assert err.splitlines()[:2] == [
        "content/stories/s.md:3:1: Candiate: 未知的元数据「Candiate」。是否想写「Candidate」？"
        "故事可用的元数据：Title、Date、Modified、Candidate、Summary、Slug、Status、Lang",
        "content/stories/s.md:4:1: Candidate: 故事必须写明讲的是谁：在文件开头写 Candidate: <候选人编号>，例如 Candidate: 2016-003",
    ]


def test_story_keys_match_the_site_build(repo_root, monkeypatch):
    monkeypatch.syspath_prepend(str(repo_root / "plugins"))
    from gongjiang_site.authored import STORY_KEYS as BUILD_KEYS

    from gongjiang_pipeline.stories import STORY_KEYS

    assert STORY_KEYS == BUILD_KEYS


def test_sample_stories_pass(repo_root):
    from gongjiang_pipeline.stories import check_stories

    assert check_stories(repo_root) == []
