"""The Chinese guides stay complete: every validation message is explained in
docs/editor-guide.md, and the commands the guides tell people to run exist."""

import ast
import re

import pytest

from conftest import ROOT

GUIDE = ROOT / "docs" / "editor-guide.md"
STAFF = ROOT / "docs" / "staff-guide.md"
MODULES = ("messages", "crosscheck", "yamlload", "loading", "stories")
CJK = re.compile(r"[\u4e00-\u9fff]")
# messages too short for the automatic scan below (fewer than 5 Chinese characters in one piece)
SHORT = [
    "不能为空", "文件为空", "未知字段", "取值无效", "不能小于", "必须大于", "不能大于", "必须小于", "太长：最多",
    "至少需要", "最多", "重复", "日期不存在", "开头或结尾有多余的空格", "可用的字段",
    "编号只能使用小写字母、数字和连字符（-），例如 2016-001", "日期格式应为 YYYY-MM-DD，例如 2016-10-10",
]


def message_pieces():
    """Every literal piece of Chinese text (5+ characters) in the modules that report problems."""
    pieces = set()
    for mod in MODULES:
        tree = ast.parse((ROOT / "gongjiang_pipeline" / f"{mod}.py").read_text("utf-8"))
        docstrings = {
            id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(n)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if len(CJK.findall(node.value)) >= 5:
                    pieces.add((mod, node.value.strip()))
    return sorted(pieces)


PIECES = message_pieces()


def test_scan_finds_the_messages():
    assert len(PIECES) > 80
    assert ("crosscheck", "找不到照片文件 data/") in PIECES


@pytest.mark.parametrize("mod,piece", PIECES, ids=[f"{m}:{p[:20]}" for m, p in PIECES])
def test_every_message_is_in_the_editor_guide(mod, piece):
    assert piece in GUIDE.read_text("utf-8"), f"docs/editor-guide.md 第 7 节缺少 {mod}.py 的信息：{piece}"


@pytest.mark.parametrize("text", SHORT)
def test_short_messages_are_in_the_editor_guide(text):
    source = "".join((ROOT / "gongjiang_pipeline" / f"{m}.py").read_text("utf-8") for m in MODULES + ("models",))
    assert text in source  # the list above is not stale
    assert text in GUIDE.read_text("utf-8")


@pytest.mark.parametrize("guide", [GUIDE, STAFF], ids=["editor", "staff"])
def test_make_targets_and_commands_in_the_guides_exist(guide):
    text = guide.read_text("utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text("utf-8"), re.M))
    used = set(re.findall(r"\bmake ([a-z][a-z-]*)", text))
    assert used and used <= targets, used - targets
    from gongjiang_pipeline.cli import COMMANDS

    commands = set(re.findall(r"python -m gongjiang_pipeline ([a-z][a-z-]*)", text))
    assert commands <= set(COMMANDS), commands - set(COMMANDS)
