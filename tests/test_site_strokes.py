"""姓氏笔画 ordering. The expected order below was written by hand from stroke
knowledge (count, then 横竖撇点折 order), not produced by the code."""

import random

import pytest

from gongjiang_pipeline.strokes import (
    StrokeDataError,
    name_key,
    sort_by_strokes,
    sort_names,
    split_name,
    strokes,
)

# Surname strokes, for the reader: 丁2 | 于3(横) 万3(横,折) 马3(折) | 王4(横) 毛4(撇)
# 方4(点) 孔4(折) | 石5 白5 冯5 司5 | 刘6 许6 孙6 | 李7 吴7 何7 张7 | 林8 欧8 周8 郑8 |
# 赵9 胡9 钟9 | 夏10 徐10 高10 诸10 | 黄11 曹11 章11 梁11 | 葛12 董12 程12 曾12
HAND_ORDERED = [
    "丁一",
    "于洋",
    "万里",
    "马云",  # 云 4 strokes
    "马丽",  # 丽 7 strokes
    "王力",  # 力 2
    "王伟",  # 伟 6
    "王芳",  # 芳 7: 横竖竖...
    "王芳芳",  # same first given character: the shorter name first
    "王丽",  # 丽 7: 横竖折...
    "王建国",  # 建 8
    "毛晓东",
    "方芳",  # 方 4 strokes like 王 but starts with 点
    "孔令辉",
    "石磊",
    "白雪",
    "冯巩",
    "司丽",  # surname 司 ...
    "司马光",  # ... before the compound surname 司马
    "刘洋",
    "许海峰",
    "孙杨",
    "李红",  # 红 6
    "李明",  # 明 8
    "李娜",  # 娜 9
    "吴刚",
    "何平",
    "张三",
    "张伟",
    "张志强",  # 志 7 starts 横
    "张秀英",  # 秀 7 starts 撇
    "林丹",  # 8 strokes, 横竖...
    "欧文",  # 8 strokes, 横撇...
    "欧阳修",  # compound 欧阳 right after 欧
    "欧阳娜娜",
    "周涛",
    "郑洁",
    "赵刚",  # 9 strokes 横竖横
    "胡军",  # 9 strokes 横竖竖
    "钟南山",
    "夏雨",
    "徐静",
    "高峰",  # 点横
    "诸葛亮",  # 点折
    "黄河",  # 横竖竖
    "曹操",  # 横竖折
    "章子怡",  # 点横
    "梁静",  # 点点
    "葛优",
    "董卿",
    "程颢",
    "曾国藩",
]


def test_hand_ordered_list():
    assert len(HAND_ORDERED) >= 30
    shuffled = HAND_ORDERED[:]
    random.Random(4).shuffle(shuffled)
    assert sort_names(shuffled) == HAND_ORDERED
    assert sort_names(list(reversed(HAND_ORDERED))) == HAND_ORDERED


@pytest.mark.parametrize(
    "ch,seq",
    [("王", "1121"), ("方", "4153"), ("张", "5153154"), ("丁", "12"), ("冯", "41551"), ("欧", "13453534")],
)
def test_stroke_sequences(ch, seq):
    assert strokes(ch) == seq


def test_corrected_characters():
    # bh.txt has 达 as 5 strokes; it has 6 (大 + 辶)
    assert strokes("达") == "134454"
    assert strokes("虽") == "251251214"


def test_same_count_different_first_stroke():
    assert sort_names(["方芳", "王芳"]) == ["王芳", "方芳"]


def test_compound_surnames():
    assert split_name("欧阳修") == ("欧阳", "修")
    assert split_name("司马光") == ("司马", "光")
    assert split_name("欧阳") == ("欧", "阳")  # a two-character name is surname + given name
    assert split_name("贺兰芳") == ("贺", "兰芳")  # not treated as the rare compound 贺兰
    assert split_name("阿依古丽·买买提") == ("阿", "依古丽买买提")


def test_equal_names_tiebreak_by_id():
    people = [("2016-003", "王芳"), ("2016-001", "王芳"), ("2016-002", "方芳")]
    out = sort_by_strokes(people, name=lambda p: p[1], tiebreak=lambda p: p[0])
    assert out == [("2016-001", "王芳"), ("2016-003", "王芳"), ("2016-002", "方芳")]


def test_unknown_character_fails_with_name():
    with pytest.raises(StrokeDataError, match="姓名“王😀”"):
        name_key("王😀")


# --- stroke counts (Unihan) and the optional stroke-order data -------------------


def test_counts_come_from_unihan():
    from gongjiang_pipeline.strokes import stroke_count

    assert [stroke_count(c) for c in "丁王方张欧达范"] == [2, 4, 4, 7, 8, 6, 8]


def test_missing_package_means_no_stroke_order():
    from gongjiang_pipeline.strokes import load_stroke_order, stroke_order_note

    assert load_stroke_order("no_such_stroke_package") is None
    assert stroke_order_note(None).startswith("提示：未安装笔顺数据")
    assert stroke_order_note({"王": "1121"}) is None


def test_without_stroke_order_ties_go_by_code_point():
    # 方 U+65B9 < 王 U+738B: without the 横竖撇点折 data 方 comes first
    assert sort_names(["王芳", "方芳"], order=None) == ["方芳", "王芳"]
    # the stroke count still decides first: 丁2 < 于3 < 王4 < 李7
    assert sort_names(["李红", "王力", "于洋", "丁一"], order=None) == ["丁一", "于洋", "王力", "李红"]
    with pytest.raises(StrokeDataError, match="未安装笔顺数据"):
        strokes("王", order=None)


def test_injected_stroke_order_is_used():
    fake = {"王": "5555", "方": "1111"}
    assert sort_names(["王芳", "方芳"], order=fake) == ["方芳", "王芳"]
