"""Romanised names of the English edition (GB/T 28039-2011) and the name_en override."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest

from gongjiang_pipeline.cli import main
from gongjiang_pipeline.naming import base_slug
from gongjiang_pipeline.romanize import NAME_EN_RULE, check_name_en, english_name, join_syllables, romanize
from scratch import CANDIDATE, ScratchProject

CASES = [
    # polyphonic surnames read as surnames, with no name_pinyin
    ("单立新", None, "SHAN Lixin"),
    ("曾志刚", None, "ZENG Zhigang"),
    ("解晓东", None, "XIE Xiaodong"),
    ("区家明", None, "OU Jiaming"),
    ("仇海", None, "QIU Hai"),
    ("查海燕", None, "ZHA Haiyan"),
    ("朴永哲", None, "PIAO Yongzhe"),
    # the editor's pinyin wins
    ("单立新", "shan li xin", "SHAN Lixin"),
    ("查海燕", "zha hai yan", "ZHA Haiyan"),
    # compound surnames are one word in capitals
    ("欧阳修", None, "OUYANG Xiu"),
    ("司马相如", None, "SIMA Xiangru"),
    ("诸葛亮", None, "ZHUGE Liang"),
    ("尉迟恭", None, "YUCHI Gong"),
    # apostrophe before a, o, e inside a word (not at its start)
    ("刘西安", None, "LIU Xi'an"),
    ("张恩爱", None, "ZHANG En'ai"),
    ("王海鸥", None, "WANG Hai'ou"),
    ("李安", None, "LI An"),
    ("欧阳", "ou yang", "OU Yang"),
    # ü after n and l is yu, as in the slug
    ("吕明", None, "LYU Ming"),
    # single-character given name, ordinary surnames
    ("沈明", None, "SHEN Ming"),
    ("许德文", None, "XU Dewen"),
    # transliterated names: one word per dotted part
    ("阿依古丽·买买提", None, "Ayiguli Maimaiti"),
]


@pytest.mark.parametrize("name,pinyin,expected", CASES)
def test_romanize(name, pinyin, expected):
    assert romanize(name, pinyin) == expected


@pytest.mark.parametrize("name,pinyin,expected", CASES)
def test_romanized_name_agrees_with_slug(name, pinyin, expected):
    """The URL and the English name come from the same syllables."""
    assert expected.lower().replace("'", "").replace(" ", "-") == base_slug(name, pinyin)


@pytest.mark.parametrize("syllables,word", [
    (["xi", "an"], "xi'an"), (["tian", "e"], "tian'e"), (["hai", "ou"], "hai'ou"),
    (["an"], "an"), (["ou", "yang"], "ouyang"), (["li", "xin"], "lixin"),
])
def test_apostrophe_rule(syllables, word):
    assert join_syllables(syllables) == word


def test_override_wins():
    assert english_name("单立新", "shan li xin", "Lixin SHAN") == "Lixin SHAN"
    assert english_name("单立新", "shan li xin", None) == "SHAN Lixin"


@pytest.mark.parametrize("value,ok", [
    ("SHAN Lixin", True), ("LIU Xi'an", True), ("OUYANG Xiu", True), ("Jean-Pierre MARTIN", True),
    ("Ayiguli Maimaiti", True), ("SHAN  Lixin", False), ("单立新", False), ("SHAN Lixin2", False),
    ("SHAN <b>Lixin</b>", False), ("'SHAN", False), ("SHAN-", False),
])
def test_check_name_en(value, ok):
    assert check_name_en(value) == (None if ok else NAME_EN_RULE)


def _check(root) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(["--root", str(root), "check"])
    return rc, err.getvalue()


C = "data/candidates/2099/2099-001.yaml"


@pytest.mark.parametrize("line,message", [
    ('name_en: "单立新"', NAME_EN_RULE),
    ('name_en: "SHAN  Lixin"', NAME_EN_RULE),
    ('name_en: "<script>x</script>"', NAME_EN_RULE),
    ('name_en: " SHAN Lixin"', "开头或结尾有多余的空格"),
])
def test_malformed_override_is_reported(tmp_path, line, message):
    """A malformed name_en: file:line:col, the field and the Chinese rule; exit status 1."""
    p = ScratchProject(tmp_path)
    p.write(C, CANDIDATE.format(id="2099-001", name="张建国").replace("gender: 男", line + "\ngender: 男"))
    rc, err = _check(tmp_path)
    assert rc == 1
    assert err.splitlines()[0] == f"{C}:5:10: name_en: {message}"


def test_wellformed_override_and_english_fields_pass(tmp_path):
    p = ScratchProject(tmp_path)
    text = CANDIDATE.format(id="2099-001", name="张建国").replace("gender: 男", "name_en: ZHANG Jianguo\ngender: 男")
    text = text.replace("citation: 三十年如一日钻研焊接技术。", "citation: 三十年如一日钻研焊接技术。\ncitation_en: Thirty years at the welding bench.")
    p.write(C, text)
    rc, err = _check(tmp_path)
    assert (rc, err) == (0, "")
