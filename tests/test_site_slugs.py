import pytest

from gongjiang_pipeline.naming import SlugError, assign_slugs, base_slug


@pytest.mark.parametrize(
    "name,pinyin,slug",
    [
        ("张三丰", None, "zhang-sanfeng"),
        ("欧阳修", None, "ouyang-xiu"),
        ("单田芳", None, "shan-tianfang"),  # 单 as a surname is shan
        ("曾国藩", None, "zeng-guofan"),
        ("解晓东", None, "xie-xiaodong"),
        ("区志航", None, "ou-zhihang"),
        ("仇英", None, "qiu-ying"),
        ("查良镛", None, "zha-liangyong"),
        ("朴树", None, "piao-shu"),
        ("尉迟恭", None, "yuchi-gong"),
        ("万俟卨", None, "moqi-xie"),
        ("长孙无忌", None, "zhangsun-wuji"),
        ("翟志刚", None, "zhai-zhigang"),
        ("覃振", None, "qin-zhen"),
        ("吕大海", None, "lyu-dahai"),  # ü after l is yu, as on passports
        ("单田芳", "Shan Tian Fang", "shan-tianfang"),
        ("曾小明", "ceng xiao ming", "ceng-xiaoming"),  # the editor's spelling wins
        ("欧阳修", "ouyang xiu", "ouyang-xiu"),
        ("阿依古丽·买买提", None, "ayiguli-maimaiti"),
    ],
)
def test_base_slug(name, pinyin, slug):
    assert base_slug(name, pinyin) == slug


def test_homophones_are_numbered_in_the_given_order():
    people = [("2016-001", "张三", None), ("2016-007", "章三", None), ("2018-002", "张叁", None)]
    assert assign_slugs(people) == {
        "2016-001": "zhang-san",
        "2016-007": "zhang-san-2",
        "2018-002": "zhang-san-3",
    }


def test_slugs_stable_when_people_are_added_later():
    early = assign_slugs([("a", "张三", None), ("b", "李四", None)])
    later = assign_slugs([("a", "张三", None), ("b", "李四", None), ("c", "章三", None)])
    assert {k: later[k] for k in early} == early


def test_bad_pinyin():
    with pytest.raises(SlugError):
        base_slug("张三", "张 三")
