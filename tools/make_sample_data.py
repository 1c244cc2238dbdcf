#!/usr/bin/env python3
"""Write the fictional sample data under data/ (and docs/sample-data.md).

Deterministic: a fixed seed, no clock, no network. Run it from anywhere:

    .venv/bin/python tools/make_sample_data.py          # rewrite data/ and the doc
    .venv/bin/python tools/make_sample_data.py --check  # fail if the output would change

Only the standard library and Pillow are used: the YAML text is written by
hand, with every string that YAML 1.2 core (or an older YAML 1.1 reader such
as an editor plug-in) could read as a number, boolean, null or date quoted.

Two editions are written:

* ``2016`` - the first edition, complete from recommendation to approval, with
  deliberate situations the rules must handle (see ``DELIBERATE`` below and
  docs/sample-data.md);
* ``2026`` - a later edition in progress: nominees published 2026-11-20,
  public voting open 2026-11-21..2026-12-10 (no votes.yaml yet).

All people, employers, phone numbers, ID numbers and addresses are invented.
The generator computes the outcomes itself (trimmed means, weighted totals,
tie-break chain, nominees, popularity, review) so it can place the deliberate
situations exactly; the expected results are written to docs/sample-data.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 20161010

# ---------------------------------------------------------------------------
# YAML writing


_CORE_NONSTR = re.compile(
    r"""(
        ~|null|Null|NULL|true|True|TRUE|false|False|FALSE
      | [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
      | [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
      | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)
    )\Z""",
    re.X,
)
# YAML 1.1 readers (older editor plug-ins) also read these as booleans / numbers / times
_YAML11 = re.compile(r"(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)\Z|[-+]?[0-9][0-9_:.]*\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def q(s: str) -> str:
    """A YAML scalar for the text ``s``: plain when unambiguous, else double-quoted."""
    s = str(s)
    needs = (
        s == ""
        or s != s.strip()
        or _CORE_NONSTR.match(s)
        or _YAML11.match(s)
        or s[0] in "-?:,[]{}#&*!|>'\"%@`+.0123456789"
        or any(c in s for c in ":#{}[],\"\\\n\t")
    )
    return json.dumps(s, ensure_ascii=False) if needs else s


def day(d: dt.date) -> str:
    return d.isoformat()  # dates are written plain: YYYY-MM-DD


def num(x, places: int = 1) -> str:
    return f"{Decimal(x):.{places}f}"


class Y:
    """A tiny line-oriented YAML writer (block style only)."""

    def __init__(self, schema_rel: str, header: list[str] | None = None):
        self.lines = [f"# yaml-language-server: $schema={schema_rel}"]
        for h in header or []:
            self.lines.append(f"# {h}" if h else "#")

    def comment(self, text: str, indent: int = 0):
        for part in text.split("\n"):
            self.lines.append(" " * indent + ("# " + part if part else "#"))

    def kv(self, key: str, value: str | None, indent: int = 0, dash: bool = False):
        pre = " " * indent + ("- " if dash else "")
        self.lines.append(f"{pre}{key}:" + (f" {value}" if value is not None else ""))

    def item(self, value: str, indent: int = 0):
        self.lines.append(" " * indent + f"- {value}")

    def raw(self, line: str):
        self.lines.append(line)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def schema_line(rel_file: str, kind: str) -> str:
    depth = rel_file.count("/")  # data/... path segments below the repo root
    return "../" * depth + f"schemas/{kind}.schema.json"


# ---------------------------------------------------------------------------
# reference tables

DISTRICTS = [
    ("dongcheng", "东城区", "110101"), ("xicheng", "西城区", "110102"), ("chaoyang", "朝阳区", "110105"),
    ("haidian", "海淀区", "110108"), ("fengtai", "丰台区", "110106"), ("shijingshan", "石景山区", "110107"),
    ("mentougou", "门头沟区", "110109"), ("fangshan", "房山区", "110111"), ("tongzhou", "通州区", "110112"),
    ("shunyi", "顺义区", "110113"), ("changping", "昌平区", "110114"), ("daxing", "大兴区", "110115"),
    ("huairou", "怀柔区", "110116"), ("pinggu", "平谷区", "110117"), ("miyun", "密云区", "110118"),
    ("yanqing", "延庆区", "110119"),
]
DNAME = {d: n for d, n, _ in DISTRICTS}
DCODE = {d: c for d, _, c in DISTRICTS}

SECTORS = [
    ("strategic-emerging", "战略性新兴产业"),
    ("advanced-manufacturing", "先进制造业"),
    ("culture", "文化产业"),
    ("services", "服务业"),
    ("traditional-crafts", "传统手工业"),
]

# English names (the English edition, issue 18): every occupation, sector and district of 2016
DISTRICTS_EN = {
    "dongcheng": "Dongcheng District", "xicheng": "Xicheng District", "chaoyang": "Chaoyang District",
    "haidian": "Haidian District", "fengtai": "Fengtai District", "shijingshan": "Shijingshan District",
    "mentougou": "Mentougou District", "fangshan": "Fangshan District", "tongzhou": "Tongzhou District",
    "shunyi": "Shunyi District", "changping": "Changping District", "daxing": "Daxing District",
    "huairou": "Huairou District", "pinggu": "Pinggu District", "miyun": "Miyun District",
    "yanqing": "Yanqing District",
}
SECTORS_EN = {
    "strategic-emerging": "Strategic emerging industries", "advanced-manufacturing": "Advanced manufacturing",
    "culture": "Cultural industries", "services": "Services", "traditional-crafts": "Traditional crafts",
}
OCC_EN = {
    "cnc-machinist": "CNC machine tool operator", "welder": "Welder", "fitter": "Fitter",
    "tcm-processing": "Chinese herbal medicine processor", "auto-repair": "Motor vehicle mechanic",
    "auto-assembly": "Motor vehicle assembly and adjustment worker", "surveyor": "Engineering surveyor",
    "electrical-installer": "Electrical equipment installer", "woodworker": "Woodworker (hand joinery)",
    "jewelry-maker": "Precious metal jewellery maker (handcraft)",
}
EDITION_EN_2016 = dict(
    name="2016 Beijing Great Craftsmen Selection (sample)",
    summary=("The first Beijing Great Craftsmen selection: 10 occupations, 30 nominees, 10 Beijing Great "
             "Craftsmen and 20 Nomination Awards; the 10 nominees with the most votes received the "
             "Most Popular Award. The data of this edition are fictional sample data."),
    titles={"nominees": "Nominees", "popularity": "Most Popular Award", "notice": "Public notice list",
            "craftsmen": "Beijing Great Craftsmen", "nomination_award": "Beijing Great Craftsmen Nomination Award"},
)
# English citations of the ten 2016 北京大工匠 (plain factual translations of their citations)
CITATIONS_EN = {
    "2016-048": "He guides the capital's underground transport network with millimetre precision. "
                "Meticulous in every measurement, he shows the craftsman's spirit in the quality of his work.",
    "2016-047": "He tightens every bolt to its specified torque, building Beijing quality into new-energy "
                "vehicles. An innovator, he has seen several of his improvements adopted across the industry.",
    "2016-089": "She weaves gold and silver wire as fine as hair, giving new life to filigree inlay, one of "
                "the Eight Great Crafts of Beijing. Meticulous in every piece, she shows the craftsman's "
                "spirit in the quality of her work.",
    "2016-032": "With a file and a scraper, he takes precision to its limit by hand. Meticulous in every "
                "piece, he shows the craftsman's spirit in the quality of his work.",
    "2016-037": "Chisel by chisel and plane by plane, he keeps Beijing-style joinery alive for the next "
                "generation. Rooted on the shop floor, he has built a team that takes on the hardest jobs.",
    "2016-040": "Thirty years of installation and commissioning without an error, keeping the power systems "
                "of the capital's key projects running. An innovator, he has seen several of his "
                "improvements adopted across the industry.",
    "2016-033": "For 33 years he has worked at the CNC machine, pursuing precision to the micron. He passes "
                "his skills on to his apprentices without reserve and is known in the workshop as a "
                "walking encyclopaedia.",
    "2016-028": "For 19 years her zero-defect welds have held up key projects in the capital. An innovator, "
                "she has seen several of her improvements adopted across the industry.",
    "2016-054": "A car doctor who diagnoses faults by ear, he keeps every vehicle safe on the road. "
                "Meticulous in every repair, he shows the craftsman's spirit in the quality of his work.",
    "2016-093": "Keeping to tradition while innovating, he uses classical processing methods to protect the "
                "quality and efficacy of Chinese herbal medicines. He passes his skills on to his "
                "apprentices without reserve and is known in the workshop as a walking encyclopaedia.",
}

# id, name, sector, employers (invented names), achievement templates, citation phrases
OCC = {
    "cnc-machinist": dict(
        name="数控机床操作工", sector="advanced-manufacturing",
        employers=["北京燕华精密机械有限公司", "北京京工数控装备有限公司", "北京航宇精工机械有限公司",
                   "北京中科锐锋精密制造有限公司", "北京金鼎机床有限责任公司", "北京恒远航空部件有限公司"],
        ach=["主持航空发动机叶片五轴加工工艺改进，加工效率提高{p}%",
             "自主编制复杂曲面数控加工程序{n}余套，零件合格率稳定在99.{d}%以上",
             "攻克薄壁件加工变形难题，为企业年节约成本约{m}万元",
             "以本人名字命名的职工创新工作室累计完成技术革新{n2}项",
             "带徒{t}名，其中{t2}人获得技师以上职业资格",
             "获国家实用新型专利{k}项"],
        cite="在方寸之间追求微米级精度，{y}年如一日坚守数控加工一线。"),
    "welder": dict(
        name="焊工", sector="advanced-manufacturing",
        employers=["北京恒泰钢结构工程有限公司", "北京龙腾压力容器制造有限公司", "北京永定河桥梁工程有限公司",
                   "北京华北轨道车辆有限公司", "北京鼎信重型装备有限公司", "北京新港管道工程有限公司"],
        ach=["参与大型场馆钢结构焊接，完成焊缝{n}余米，一次探伤合格率100%",
             "总结“窄间隙多层多道焊”操作法，在集团内推广",
             "解决异种钢焊接裂纹难题，为企业避免损失约{m}万元",
             "在北京市职工职业技能大赛焊工比赛中获得第{r}名",
             "带徒{t}名，其中{t2}人成为高级技师",
             "获国家发明专利{k}项"],
        cite="焊花飞溅{y}年，用一道道零缺陷焊缝撑起首都重点工程。"),
    "fitter": dict(
        name="钳工", sector="advanced-manufacturing",
        employers=["北京精益模具有限公司", "北京航星装配技术有限公司", "北京京西机电设备有限公司",
                   "北京宏达精密模具有限公司", "北京天工精密仪器有限公司", "北京北辰液压件有限公司"],
        ach=["手工研磨精度达到0.00{d}毫米，承担精密量具修复任务",
             "完成大型冲压模具装配调试{n}余套",
             "改进导轨刮研工艺，装配周期缩短{p}%",
             "编写企业钳工培训教材，培训职工{n2}余人次",
             "带徒{t}名，其中{t2}人获得北京市技术能手称号",
             "获国家实用新型专利{k}项"],
        cite="一把锉刀、一块刮板，凭手上功夫把精度做到极致。"),
    "tcm-processing": dict(
        name="中药炮制工", sector="traditional-crafts",
        employers=["北京百草源中药饮片有限公司", "北京御方堂制药有限公司", "北京仁和中药饮片厂",
                   "北京本草源药业有限公司", "北京金方中药饮片有限公司"],
        ach=["恢复传统“九蒸九晒”炮制技艺，制定企业内控标准{k}项",
             "系统整理{n}种饮片的传统炮制经验，编成图文手册",
             "改进蜜炙工艺温度控制方法，产品合格率提高{p}%",
             "在全国中药炮制技能竞赛中获得第{r}名",
             "带徒{t}名，传承古法炮制技艺",
             "参与{k}项中药饮片炮制规范的修订"],
        cite="守正创新，以古法炮制守护中药饮片的品质与药效。"),
    "auto-repair": dict(
        name="汽车维修工", sector="services",
        employers=["北京畅行公交汽车修理有限公司", "北京安途汽车服务有限公司", "北京京运出租汽车修理厂",
                   "北京博远汽车销售服务有限公司", "北京顺达汽车维修服务有限公司"],
        ach=["总结电控发动机故障诊断“望闻问切”法，平均诊断时间缩短{p}%",
             "累计排除疑难故障{n}余例",
             "主持新能源公交车动力电池检修工艺改进，为企业年节约维修费用约{m}万元",
             "在北京市汽车维修技能大赛中获得第{r}名",
             "带徒{t}名，其中{t2}人成为技师",
             "获国家实用新型专利{k}项"],
        cite="“听声辨病”的汽车医生，让每一辆车安全上路。"),
    "auto-assembly": dict(
        name="汽车装调工", sector="strategic-emerging",
        employers=["北京新程新能源汽车有限公司", "北京京驰汽车制造有限公司", "北京华驰汽车零部件有限公司",
                   "北京中驰越野汽车有限公司", "北京智行电动汽车有限公司"],
        ach=["参与新能源车型总装线调试，整车一次下线合格率提高{p}%",
             "提出装配工艺改进建议{n}条，被采纳{n2}条",
             "解决整车异响难题，年节约返修成本约{m}万元",
             "在全国汽车装调工技能竞赛中获得第{r}名",
             "带徒{t}名，其中{t2}人成为班组长",
             "获国家实用新型专利{k}项"],
        cite="把每一颗螺栓拧到标准扭矩，为新能源汽车装上“北京品质”。"),
    "surveyor": dict(
        name="工程测量员", sector="services",
        employers=["北京城测勘察设计院有限公司", "北京轨道勘测工程有限公司", "北京京测地理信息有限公司",
                   "北京华宇测绘工程有限公司", "北京市政勘测工程有限公司"],
        ach=["承担{k}条城市轨道交通线路的贯通测量，贯通误差均优于规范要求",
             "研发隧道自动化监测系统，监测效率提高{p}%",
             "完成重点工程控制测量{n}余项",
             "在全国工程测量技能大赛中获得第{r}名",
             "带徒{t}名，其中{t2}人获得高级技师资格",
             "获国家发明专利{k}项"],
        cite="用毫米级的精度为首都地下交通网络“定位导航”。"),
    "electrical-installer": dict(
        name="电气设备安装工", sector="advanced-manufacturing",
        employers=["北京华电设备安装工程有限公司", "北京京安机电工程有限公司", "北京恒通电力安装工程有限公司",
                   "北京新城机电设备安装有限公司", "北京中盛电气工程有限公司"],
        ach=["承担{k}座大型变电站电气设备安装调试，一次送电成功",
             "改进高压开关柜安装工艺，工期缩短{p}%",
             "总结电缆敷设“三查三对”工作法，在全公司推广",
             "在北京市职工职业技能大赛电工比赛中获得第{r}名",
             "带徒{t}名，其中{t2}人获得技师资格",
             "获国家实用新型专利{k}项"],
        cite="{y}年安装调试零差错，守护首都重点工程的“电力心脏”。"),
    "woodworker": dict(
        name="手工木工", sector="culture",
        employers=["北京紫檀坊古典家具有限公司", "北京古建园林修缮工程有限公司", "北京京作硬木家具厂",
                   "北京榫卯堂木作工艺有限公司", "北京宫苑古建筑工程有限公司"],
        ach=["参与{k}处文物古建筑木构件修缮，恢复传统榫卯做法",
             "复原明式家具{n}余件",
             "整理京作硬木家具传统工艺{n2}道工序，编写传承教材",
             "作品在北京工艺美术展中获得金奖",
             "带徒{t}名，传承京作木工技艺",
             "获国家外观设计专利{k}项"],
        cite="一凿一刨守匠心，让京作木工技艺代代相传。"),
    "jewelry-maker": dict(
        name="贵金属首饰手工制作工", sector="culture",
        employers=["北京金艺坊首饰有限公司", "北京京华金银制品厂", "北京宝瑞珠宝首饰有限公司",
                   "北京金丝坊花丝镶嵌工艺有限公司", "北京福瑞金饰有限公司"],
        ach=["掌握花丝镶嵌“堆、垒、编、织、掐、填、攒、焊”八大技法",
             "设计制作的作品获中国工艺美术“百花奖”金奖",
             "改进掐丝工艺，材料损耗降低{p}%",
             "复原传统宫廷首饰{n}余件",
             "带徒{t}名，其中{t2}人成为技师",
             "获国家外观设计专利{k}项"],
        cite="以细如发丝的金银丝编织华彩，让燕京八绝之一的花丝镶嵌焕发新生。"),
}

# a later (fictional) edition has its own occupation list
OCC_2026 = [
    ("industrial-robot-operator", "工业机器人系统操作员", "strategic-emerging"),
    ("drone-pilot", "无人机驾驶员", "strategic-emerging"),
    ("ic-assembler", "半导体分立器件和集成电路装调工", "strategic-emerging"),
    ("cnc-lathe", "数控车工", "advanced-manufacturing"),
    ("welder", "焊工", "advanced-manufacturing"),
    ("electrician", "电工", "advanced-manufacturing"),
    ("ev-mechanic", "新能源汽车维修工", "services"),
    ("metro-driver", "城市轨道交通列车司机", "services"),
    ("chinese-cook", "中式烹调师", "services"),
    ("elder-care", "养老护理员", "services"),
    ("cloisonne", "景泰蓝制作工", "traditional-crafts"),
    ("tcm-processing", "中药炮制工", "traditional-crafts"),
]
EMP_2026 = {
    "industrial-robot-operator": ["北京智造机器人科技有限公司", "北京京创自动化装备有限公司", "北京华腾智能制造有限公司"],
    "drone-pilot": ["北京天翼无人机应用技术有限公司", "北京云鹰航空科技有限公司", "北京京巡电力巡检有限公司"],
    "ic-assembler": ["北京芯原微电子封装有限公司", "北京京芯半导体科技有限公司", "北京中晶集成电路有限公司"],
    "cnc-lathe": ["北京燕华精密机械有限公司", "北京恒远航空部件有限公司", "北京金鼎机床有限责任公司"],
    "welder": ["北京恒泰钢结构工程有限公司", "北京华北轨道车辆有限公司", "北京新港管道工程有限公司"],
    "electrician": ["北京恒通电力安装工程有限公司", "北京新城机电设备安装有限公司", "北京中盛电气工程有限公司"],
    "ev-mechanic": ["北京智行电动汽车服务有限公司", "北京畅行公交汽车修理有限公司", "北京安途汽车服务有限公司"],
    "metro-driver": ["北京京轨运营有限公司", "北京城轨运营管理有限公司", "北京京西轨道交通运营有限公司"],
    "chinese-cook": ["北京京味楼餐饮有限公司", "北京四合苑饭庄有限公司", "北京宴宾楼餐饮管理有限公司"],
    "elder-care": ["北京康乐颐养中心", "北京松鹤养老服务有限公司", "北京夕阳红护理院"],
    "cloisonne": ["北京京蓝珐琅工艺有限公司", "北京燕京景泰蓝厂", "北京宝蓝斋工艺品有限公司"],
    "tcm-processing": ["北京百草源中药饮片有限公司", "北京本草源药业有限公司", "北京金方中药饮片有限公司"],
}
ACH_2026 = [
    "牵头完成{k}项关键工艺攻关，生产效率提高{p}%",
    "在北京市职工职业技能大赛中获得第{r}名",
    "以本人名字命名的职工创新工作室累计完成技术革新{n2}项",
    "带徒{t}名，其中{t2}人获得技师以上职业资格",
    "获国家实用新型专利{k}项",
    "编写岗位培训教材，累计培训职工{n}余人次",
]

SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程袁邓许傅沈彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN_M = list("建国志强伟明军海涛春林永立新成德东华文斌刚勇峰宏亮平辉磊鹏宇庆福长俊振兴力")
GIVEN_F = list("丽秀英芳燕红梅玉兰霞静敏丹娟桂凤洁琳晶颖雪慧莉萍")

# deliberate: a 提名奖 of 2016 whose honour is revoked after the naming (badges.py, 核验)
REVOKED = {
    "2016-018": (
        dt.date(2020, 6, 1),
        "市总工会主席办公会决定（京工发〔2020〕示例5号）",
        "示例：该同志因严重违反职业道德受到处分，依据评选办法撤销其“北京大工匠”提名奖称号。",
    ),
}

# special names (kept out of the random pool)
SPECIAL_2016 = [
    # name, pinyin, gender, why
    ("单立新", "shan li xin", "男", "多音字姓氏：单（shàn）"),
    ("曾志刚", "zeng zhi gang", "男", "多音字姓氏：曾（zēng）"),
    ("解玉龙", "xie yu long", "男", "多音字姓氏：解（xiè）"),
    ("仇建华", "qiu jian hua", "男", "多音字姓氏：仇（qiú）"),
    ("查海燕", "zha hai yan", "女", "多音字姓氏：查（zhā）"),
    ("张伟", "zhang wei", "男", "同音姓名：张伟 / 章伟"),
    ("章伟", "zhang wei", "男", "同音姓名：张伟 / 章伟"),
]
SPECIAL_2026 = [
    ("区嘉文", "ou jia wen", "男", "多音字姓氏：区（ōu）"),
    ("朴成浩", "piao cheng hao", "男", "多音字姓氏：朴（piáo）"),
]

EDU = ["初中", "高中", "中专", "技校", "大专", "大专", "本科"]
GRADES = ["高级技师", "高级技师", "技师", "技师", "高级工"]
TITLES = ["全国技术能手", "北京市劳动模范", "首都劳动奖章", "北京市技术能手", "全国五一劳动奖章",
          "北京市有突出贡献的高技能人才", "北京市职工职业技能大赛状元", "首都最美职工"]


# ---------------------------------------------------------------------------
# arithmetic (the same rules the engine applies)

D = Decimal


def trimmed_mean(values: list[Decimal], min_judges: int = 5) -> Decimal:
    vals = sorted(values)
    if len(vals) >= min_judges:
        vals = vals[1:-1]  # one highest and one lowest, even when shared
    return sum(vals, D(0)) / len(vals)


def r2(x: Decimal) -> Decimal:
    return x.quantize(D("0.01"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------
# people


@dataclass
class Person:
    cid: str
    name: str
    pinyin: str | None
    gender: str
    birth_year: int
    occupation: str
    district: str
    employer: str
    sector: str
    channel: str
    body: str | None
    rec_date: dt.date
    union_member: bool = True
    ability: float = 85.0
    notes: list[str] = field(default_factory=list)  # comments written into the candidate file
    photo: bool = True
    titles: list[str] = field(default_factory=list)
    achievements: list[str] = field(default_factory=list)
    citation: str = ""
    education: str = ""
    grade: str = ""
    work_years: int = 0
    private: dict = field(default_factory=dict)


class Names:
    def __init__(self, rng: random.Random, taken: set[str]):
        self.rng = rng
        self.taken = set(taken)

    def make(self, gender: str) -> str:
        while True:
            s = self.rng.choice(SURNAMES)
            pool = GIVEN_F if gender == "女" else GIVEN_M
            g = "".join(self.rng.choice(pool) for _ in range(self.rng.choice([1, 2, 2, 2])))
            n = s + g
            if n not in self.taken and len(set(g)) == len(g):
                self.taken.add(n)
                return n


def id_number(rng: random.Random, district: str, birth_year: int, gender: str) -> str:
    born = dt.date(birth_year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    seq = rng.randrange(0, 50) * 2 + (1 if gender == "男" else 0)
    body = f"{DCODE[district]}{born:%Y%m%d}0{seq:02d}"
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(a) * b for a, b in zip(body, w)) % 11]
    return body + check


def fill_person(p: Person, rng: random.Random, year: int, ach_templates: list[str], cite: str):
    p.education = rng.choice(EDU)
    start_age = rng.randint(17, 22)
    p.work_years = max(3, year - p.birth_year - start_age)
    p.grade = rng.choice(GRADES[:3] if p.work_years >= 20 else GRADES[2:] if p.work_years < 10 else GRADES[1:4])
    k = rng.choice([0, 1, 1, 2, 2, 3])
    p.titles = rng.sample(TITLES, k)
    vals = dict(p=rng.randint(15, 60), n=rng.choice([30, 50, 80, 120, 200, 300]), d=rng.randint(2, 9),
                m=rng.choice([30, 50, 80, 120, 200, 500]), n2=rng.randint(12, 60), t=rng.randint(5, 30),
                k=rng.randint(2, 9), r=rng.randint(1, 3), y=p.work_years)
    vals["t2"] = rng.randint(2, max(2, vals["t"] // 2))
    p.achievements = [a.format(**vals) for a in rng.sample(ach_templates, rng.randint(2, 4))]
    lead = cite.format(**vals)
    tail = rng.choice([
        "他扎根一线，带出了一支能打硬仗的技术团队。",
        "他把绝活毫无保留地传给徒弟，是车间里公认的“活字典”。",
        "他坚持创新，多项成果在行业内推广应用。",
        "他精益求精，用过硬的产品质量诠释工匠精神。",
    ])
    if p.gender == "女":
        tail = tail.replace("他", "她")
    p.citation = lead + tail
    assert len(p.citation) <= 200
    dname = DNAME[p.district]
    p.private = dict(
        id_number=id_number(rng, p.district, p.birth_year, p.gender),
        phone=f"1380010{rng.randrange(10000):04d}",
        address=f"北京市{dname}示例路{rng.randint(1, 199)}号院{rng.randint(1, 12)}号楼{rng.randint(1, 4)}单元{rng.randint(1, 6)}0{rng.randint(1, 4)}",
        union_card=f"BJGH-{rng.randrange(10**7):07d}" if p.union_member else None,
    )


# ---------------------------------------------------------------------------
# photos


def make_photo(path: Path, rng: random.Random, exif_kind: str | None = None) -> None:
    from PIL import Image, ImageDraw, ImageFilter
    from PIL.TiffImagePlugin import IFDRational

    w, h = 600, 800
    hue = rng.random()
    import colorsys

    top = tuple(int(255 * c) for c in colorsys.hls_to_rgb(hue, 0.78, 0.45))
    bottom = tuple(int(255 * c) for c in colorsys.hls_to_rgb((hue + 0.08) % 1, 0.55, 0.45))
    im = Image.new("RGB", (w, h))
    grad = Image.linear_gradient("L").resize((w, h))
    im = Image.composite(Image.new("RGB", (w, h), bottom), Image.new("RGB", (w, h), top), grad)
    dr = ImageDraw.Draw(im)
    # soft background shapes
    for _ in range(5):
        cx, cy, r = rng.randint(0, w), rng.randint(0, h), rng.randint(60, 220)
        shade = tuple(min(255, c + rng.randint(-20, 25)) for c in top)
        dr.ellipse([cx - r, cy - r, cx + r, cy + r], fill=shade)
    im = im.filter(ImageFilter.GaussianBlur(18))
    dr = ImageDraw.Draw(im)
    sil = tuple(int(255 * c) for c in colorsys.hls_to_rgb((hue + 0.5) % 1, 0.25, 0.25))
    hx = w // 2 + rng.randint(-30, 30)
    hr = rng.randint(95, 115)
    dr.ellipse([hx - 240, 500, hx + 240, 1060], fill=sil)  # shoulders
    dr.rectangle([hx - 50, 400, hx + 50, 540], fill=sil)  # neck
    dr.ellipse([hx - hr, 300 - int(hr * 1.25), hx + hr, 300 + int(hr * 1.15)], fill=sil)  # head
    # work clothes: a collar in a contrasting colour
    dr.polygon([(hx - 62, 522), (hx, 590), (hx + 62, 522), (hx, 548)], fill=top)
    # fine grain so the file size is realistic for a photo
    noise = Image.effect_noise((w, h), 25).convert("RGB")
    im = Image.blend(im, noise, 0.05)
    exif = Image.Exif()
    exif[0x010F] = "SampleCam"  # Make
    exif[0x0110] = "Model S"  # Model
    if exif_kind:
        exif[0x0132] = "2016:11:15 10:30:00"  # DateTime
        if exif_kind in ("rotate", "rotate+gps"):
            # stored sideways; orientation 6 means "rotate 90° clockwise to display"
            im = im.rotate(90, expand=True)
            exif[0x0112] = 6
        if exif_kind in ("gps", "rotate+gps"):
            gps = exif.get_ifd(0x8825)
            lat, lon = 39.9 + rng.random() * 0.1, 116.3 + rng.random() * 0.1

            def dms(v):
                d_ = int(v)
                m_ = int((v - d_) * 60)
                s_ = round(((v - d_) * 60 - m_) * 60 * 100)
                return (IFDRational(d_, 1), IFDRational(m_, 1), IFDRational(s_, 100))

            gps[1] = "N"
            gps[2] = dms(lat)
            gps[3] = "E"
            gps[4] = dms(lon)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=84, optimize=True, exif=exif.tobytes())
    path.write_bytes(buf.getvalue())


# ---------------------------------------------------------------------------
# edition 2016


@dataclass
class Body:
    id: str
    name: str
    kind: str
    district: str | None = None
    quota: int | None = None
    occupations: list[str] = field(default_factory=list)


def bodies_2016() -> list[Body]:
    out = [Body(f"{d}-union", f"{n}总工会", "区总工会", district=d) for d, n, _ in DISTRICTS]
    out += [
        Body("machinery-union", "北京市机械冶金建材工会", "产业工会", quota=6,
             occupations=["cnc-machinist", "welder", "fitter", "auto-assembly", "electrical-installer"]),
        Body("construction-union", "北京市建设工会", "产业工会", quota=4,
             occupations=["surveyor", "electrical-installer", "welder", "woodworker"]),
        Body("commerce-union", "北京市财贸工会", "产业工会", quota=3,
             occupations=["jewelry-maker", "auto-repair"]),
        Body("medicine-union", "北京市医药工会", "产业工会", quota=3, occupations=["tcm-processing"]),
        Body("auto-repair-assoc", "北京市汽车维修行业协会", "社团", occupations=["auto-repair"]),
        Body("arts-crafts-assoc", "北京市工艺美术行业协会", "社团", occupations=["jewelry-maker", "woodworker"]),
        Body("surveying-society", "北京市测绘学会", "社团", occupations=["surveyor"]),
        Body("welding-assoc", "北京市焊接协会", "社团", occupations=["welder"]),
    ]
    return out


TIE_OCC = "welder"  # the occupation where two candidates tie at the 3rd/4th place
RECUSAL_OCC = "cnc-machinist"
JUDGES_2016 = {  # judges per score sheet
    "cnc-machinist": 7, "welder": 7, "fitter": 7, "tcm-processing": 5, "auto-repair": 7,
    "auto-assembly": 5, "surveyor": 4, "electrical-installer": 7, "woodworker": 5, "jewelry-maker": 7,
}
COMPONENTS = [("practical", "技能展示", D("0.5")), ("achievements", "成果展示", D("0.3")), ("interview", "专场面试", D("0.2"))]


class Gen:
    def __init__(self, out_root: Path):
        self.out = out_root
        self.files: dict[str, str] = {}
        self.photos: dict[str, tuple[random.Random, str | None]] = {}
        self.facts: dict[str, dict] = {}

    def write(self, rel: str, text: str):
        self.files[rel] = text

    # -- edition file --------------------------------------------------------
    def edition_file(self, eid, name, summary, occs, bodies, tl, awards, notice_phone, notice_addr, extra_comment=None,
                     en=None):
        rel = f"data/editions/{eid}.yaml"
        y = Y(schema_line(rel, "edition"), ["示例数据：本文件中的人物、单位、电话、地址均为虚构。"] + (extra_comment or []))
        y.kv("id", q(eid))
        y.kv("name", q(name))
        if en:
            y.kv("name_en", q(en["name"]))
        y.kv("sample", "true")
        y.kv("summary", q(summary))
        if en:
            y.kv("summary_en", q(en["summary"]))
        y.kv("occupations", None)
        for oid, oname, slots in occs:
            y.kv("id", q(oid), 2, dash=True)
            y.kv("name", q(oname), 4)
            if en:
                y.kv("name_en", q(OCC_EN[oid]), 4)
            y.kv("nominee_slots", str(slots), 4)
        y.kv("sectors", None)
        for sid, sname in SECTORS:
            y.kv("id", q(sid), 2, dash=True)
            y.kv("name", q(sname), 4)
            if en:
                y.kv("name_en", q(SECTORS_EN[sid]), 4)
        y.kv("districts", None)
        for did, dname, _ in DISTRICTS:
            y.kv("id", q(did), 2, dash=True)
            y.kv("name", q(dname), 4)
            if en:
                y.kv("name_en", q(DISTRICTS_EN[did]), 4)
        y.kv("bodies", None)
        for b in bodies:
            y.kv("id", q(b.id), 2, dash=True)
            y.kv("name", q(b.name), 4)
            y.kv("kind", q(b.kind), 4)
            if b.district:
                y.kv("district", q(b.district), 4)
            if b.quota is not None:
                y.kv("quota", str(b.quota), 4)
        y.kv("quotas", None)
        y.kv("district_union_per_occupation", "1", 2)
        y.kv("association_total", "2", 2)
        y.kv("membership_required", None, 2)
        y.item("社团推荐", 4)
        y.item("个人自荐", 4)
        y.kv("timeline", None)
        for key, val in tl:
            if isinstance(val, tuple):
                y.kv(key, None, 2)
                y.kv("start", day(val[0]), 4)
                y.kv("end", day(val[1]), 4)
            else:
                y.kv(key, day(val), 2)
        y.kv("awards", None)
        for k in ("nominees", "popularity", "craftsmen", "nomination_award"):
            y.kv(k, str(awards[k]), 2)
        if en:
            y.kv("titles_en", None, 2)
            for k, title in en["titles"].items():
                y.kv(k, q(title), 4)
        y.kv("scoring", None)
        y.kv("components", None, 2)
        for cid, cname, w in COMPONENTS:
            y.kv("id", q(cid), 4, dash=True)
            y.kv("name", q(cname), 6)
            y.kv("weight", str(w), 6)
            y.kv("max_score", "100", 6)
        y.kv("trim", None, 2)
        y.kv("min_judges", "5", 4)
        y.kv("drop_highest", "1", 4)
        y.kv("drop_lowest", "1", 4)
        y.kv("normalise", "none", 2)
        y.kv("decimals", "2", 2)
        y.kv("tie_break", None, 2)
        for key, order in (("total", "desc"), ("component:practical", "desc"), ("metric:completion-minutes", "asc")):
            y.kv("key", q(key), 4, dash=True)
            y.kv("order", order, 6)
        y.kv("vote_weight", "0")
        y.kv("vote_channels", None)
        for cid, cname in (("app", "12351手机APP"), ("wechat", "微信"), ("web", "网站")):
            y.kv("id", q(cid), 2, dash=True)
            y.kv("name", q(cname), 4)
        y.kv("voting_instructions", q(
            "通过12351手机APP、“北京工会12351”微信公众号或北京市总工会网站投票。"
            "每个账号每天可投一次，每次最多选择10名提名人选；发现刷票行为的，相关票数作废。"))
        y.kv("veto_conditions", None)
        for v in ("受到党纪政纪处分或违法犯罪", "发生重大安全生产或质量事故", "申报材料或投票弄虚作假"):
            y.item(q(v), 2)
        y.kv("notice", None)
        y.kv("days", "5", 2)
        y.kv("unit", "工作日", 2)
        y.kv("channels", None, 2)
        y.kv("kind", "电话", 4, dash=True)
        y.kv("value", q(notice_phone), 6)
        y.kv("note", q("工作日 9:00-17:00"), 6)
        y.kv("kind", "信函", 4, dash=True)
        y.kv("value", q(notice_addr), 6)
        y.kv("note", q("以邮戳日期为准"), 6)
        y.kv("kind", "来访", 4, dash=True)
        y.kv("value", q(notice_addr.replace("（示例）", "") + "一层接待室（示例）"), 6)
        y.kv("note", q("工作日 9:00-11:30、14:00-17:00"), 6)
        y.kv("rules", None, 2)
        for r in ("单位异议须加盖公章", "个人异议须署真实姓名并提供联系方式", "匿名异议不予受理"):
            y.item(q(r), 4)
        y.kv("replacement", "none", 2)
        self.write(rel, y.text())

    # -- candidate file --------------------------------------------------------
    def candidate_file(self, eid: str, p: Person):
        rel = f"data/candidates/{eid}/{p.cid}.yaml"
        y = Y(schema_line(rel, "candidate"), ["示例数据：人物、单位、证件号、电话、地址均为虚构。"])
        for n in p.notes:
            y.comment("示例情形：" + n)
        y.kv("id", q(p.cid))
        y.kv("edition", q(eid))
        y.kv("name", q(p.name))
        if p.pinyin:
            y.kv("name_pinyin", q(p.pinyin))
        y.kv("gender", q(p.gender))
        y.kv("birth_year", str(p.birth_year))
        y.kv("education", q(p.education))
        y.kv("skill_grade", q(p.grade))
        y.kv("work_years", str(p.work_years))
        y.kv("employer", q(p.employer))
        y.kv("district", q(p.district))
        y.kv("occupation", q(p.occupation))
        y.kv("sector", q(p.sector))
        if p.titles:
            y.kv("titles", None)
            for t in p.titles:
                y.item(q(t), 2)
        y.kv("achievements", None)
        for a in p.achievements:
            y.item(q(a), 2)
        y.kv("citation", q(p.citation))
        if p.cid in CITATIONS_EN:
            y.kv("citation_en", q(CITATIONS_EN[p.cid]))
        if p.photo:
            y.kv("photo", q(f"photos/{p.cid}.jpg"))
        y.kv("recommendation", None)
        y.kv("channel", q(p.channel), 2)
        if p.body:
            y.kv("body", q(p.body), 2)
        y.kv("date", day(p.rec_date), 2)
        y.kv("union_member", "true" if p.union_member else "false", 2)
        y.kv("private", None)
        y.comment("以下为私密信息，不会发布到网站", 2)
        for k in ("id_number", "phone", "address", "union_card"):
            v = p.private.get(k)
            if v is not None:
                y.kv(k, q(v), 2)
        if p.cid in REVOKED:
            when, decision, reason = REVOKED[p.cid]
            y.comment("示例情形：命名后称号被撤销（核验一节显示“称号已撤销”，不再提供产品徽标）")
            y.kv("revoked", None)
            y.kv("date", day(when), 2)
            y.kv("decision", q(decision), 2)
            y.kv("reason", q(reason), 2)
        self.write(rel, y.text())


def pick_people_2016(rng: random.Random) -> tuple[list[Person], dict]:
    bodies = {b.id: b for b in bodies_2016()}
    occ_ids = list(OCC)
    slots: list[dict] = []  # recommendation slots before people are attached
    # district unions: 6 districts per occupation (one each), all 16 districts used
    dist_ids = [d for d, _, _ in DISTRICTS]
    for i, o in enumerate(occ_ids):
        ds = [dist_ids[(i * 3 + k * 5) % 16] for k in range(6)]
        for d in ds:
            slots.append(dict(occ=o, channel="单位推荐", body=f"{d}-union", district=d))
    # industry unions: within quota
    plan = {"machinery-union": ["cnc-machinist", "welder", "fitter", "auto-assembly", "electrical-installer", "cnc-machinist"],
            "construction-union": ["surveyor", "electrical-installer", "welder", "woodworker"],
            "commerce-union": ["jewelry-maker", "auto-repair", "jewelry-maker"],
            "medicine-union": ["tcm-processing", "tcm-processing"]}
    for b, occs in plan.items():
        assert len(occs) <= bodies[b].quota
        for o in occs:
            slots.append(dict(occ=o, channel="单位推荐", body=b, district=rng.choice(dist_ids)))
    # associations: at most 2 each
    aplan = {"auto-repair-assoc": ["auto-repair", "auto-repair"], "arts-crafts-assoc": ["jewelry-maker", "woodworker"],
             "surveying-society": ["surveyor"], "welding-assoc": ["welder", "welder"]}
    for b, occs in aplan.items():
        for o in occs:
            slots.append(dict(occ=o, channel="社团推荐", body=b, district=rng.choice(dist_ids)))
    # self-nominations
    for o in ["tcm-processing", "auto-assembly", "surveyor", "woodworker", "fitter", "auto-repair",
              "jewelry-maker", "electrical-installer", "auto-assembly", "woodworker", "surveyor"]:
        slots.append(dict(occ=o, channel="个人自荐", body=None, district=rng.choice(dist_ids)))
    return slots, bodies


def build_2016(g: Gen):
    rng = random.Random(SEED)
    eid = "2016"
    slots, bodies = pick_people_2016(rng)

    # deliberate: 朝阳区总工会 recommends a second 焊工 (over its quota of 1)
    welder_dists = [s["district"] for s in slots if s["occ"] == "welder" and s["body"] and s["body"].endswith("-union") and s["channel"] == "单位推荐" and s["body"][:-6] in DNAME]
    over_district = welder_dists[0]
    slots.append(dict(occ="welder", channel="单位推荐", body=f"{over_district}-union", district=over_district, over=True))

    rng.shuffle(slots)
    names = Names(rng, {n for n, *_ in SPECIAL_2016})
    people: list[Person] = []
    rec_days = [dt.date(2016, 11, 1) + dt.timedelta(days=i) for i in range(30)]
    for i, s in enumerate(slots, 1):
        female = rng.random() < 0.2
        gender = "女" if female else "男"
        o = s["occ"]
        p = Person(
            cid=f"2016-{i:03d}", name=names.make(gender), pinyin=None, gender=gender,
            birth_year=rng.randint(1958, 1995), occupation=o, district=s["district"],
            employer=rng.choice(OCC[o]["employers"]), sector=OCC[o]["sector"], channel=s["channel"],
            body=s["body"], rec_date=rng.choice(rec_days), ability=rng.uniform(78, 93),
        )
        p.over = s.get("over", False)  # type: ignore[attr-defined]
        people.append(p)
    # recommendation dates: the over-quota one arrives after the first one from the same union
    over = next(p for p in people if p.over)  # type: ignore[attr-defined]
    first = next(p for p in people if p.occupation == "welder" and p.body == over.body and p is not over)
    if over.rec_date <= first.rec_date:
        first.rec_date, over.rec_date = dt.date(2016, 11, 8), dt.date(2016, 11, 24)
    over.notes.append(
        f"超额推荐。{DNAME[over_district]}总工会在焊工工种推荐了2人（{first.cid} 与本人），"
        f"超过“每个区总工会每个工种不超过1人”的规定。本人为后报送者。\n"
        f"按规则两人都停在推荐阶段（待定），直到数据中撤回多出的一人；因此两人都没有资格审核结论和评分。")
    first.notes.append(f"超额推荐：与 {over.cid} 同为{DNAME[over_district]}总工会推荐的焊工（本人先报送）。\n"
                       f"按规则两人都停在推荐阶段（待定），直到数据中撤回多出的一人。")

    # special names: attach to existing people (keep gender consistent)
    spec_targets = {}
    for (name, py, gender, why) in SPECIAL_2016:
        cands = [p for p in people if p.pinyin is None and not p.notes and p.gender == gender and not p.over]  # type: ignore[attr-defined]
        # spread across occupations
        used = {pp.occupation for pp in spec_targets.values()}
        cands = [p for p in cands if p.occupation not in used] or cands
        p = rng.choice(cands)
        names.taken.discard(p.name)
        p.name, p.pinyin = name, py
        p.notes.append(why)
        spec_targets[name] = p
    # 单立新 and 曾志刚 are strong (so polyphonic surnames reach the public lists)
    spec_targets["单立新"].ability = 95.5
    spec_targets["曾志刚"].ability = 94.8
    spec_targets["查海燕"].ability = 93.5

    # self-nominee who is not a union member
    selfs = [p for p in people if p.channel == "个人自荐" and not p.notes]
    nonmember = selfs[0]
    nonmember.union_member = False
    nonmember.notes.append("个人自荐且不是北京市工会会员（union_member: false）。按规定须先加入属地工会；按规则停在推荐阶段（待定：须先加入工会），没有资格审核结论。")

    for p in people:
        o = OCC[p.occupation]
        fill_person(p, rng, 2016, o["ach"], o["cite"])

    # the tie occupation: two clear leaders, the rest clearly below the tied pair (89.50)
    tie_a, tie_b = sorted([p for p in people if p.occupation == TIE_OCC and not p.notes and p.channel != "社团推荐"], key=lambda p: p.cid)[:2]
    wl = sorted((p for p in people if p.occupation == TIE_OCC and p not in (over, first, tie_a, tie_b)), key=lambda p: -p.ability)  # type: ignore[attr-defined]
    for k, p in enumerate(wl):
        p.ability = [92.6, 91.9][k] if k < 2 else min(p.ability, 86.5 - k * 0.4)

    # qualification -----------------------------------------------------------
    failed = next(p for p in people if not p.notes and p.occupation == "surveyor" and p.channel == "单位推荐")
    failed.notes.append("资格审核不通过：申报材料中的技能等级证书无法核实。")
    vetoed = next(p for p in people if not p.notes and p.occupation == "electrical-installer")
    vetoed.notes.append("一票否决：所在班组2016年发生重大安全生产事故，本人为班组长。资格审核不通过。")
    qual = {}
    for p in people:
        qual[p.cid] = ("通过", None, [])
    for p in (over, first, nonmember):  # waiting at the recommendation stage: never reach qualification
        del qual[p.cid]
    qual[failed.cid] = ("不通过", "技能等级证书经核实无法确认，申报材料不完整", [])
    qual[vetoed.cid] = ("不通过", "经走访核实，本人所在班组2016年6月发生重大安全生产事故，本人负有直接管理责任",
                        ["发生重大安全生产或质量事故"])
    qualified = [p for p in people if p.cid in qual and qual[p.cid][0] == "通过"]

    # score sheets ------------------------------------------------------------
    judge_names = Names(random.Random(SEED + 7), {p.name for p in people})
    sheets = {}
    results = {}  # cid -> dict(total, means, rank...)
    tie_pair = None
    recusal = None
    for o in OCC:
        comp = [p for p in qualified if p.occupation == o]
        nj = JUDGES_2016[o]
        judges = [(f"{o}-j{k}", judge_names.make(rng.choice(["男", "男", "女"]))) for k in range(1, nj + 1)]
        rrng = random.Random(f"{SEED}-{o}")
        for attempt in range(500):
            rows, recs = {}, []
            bias = {j: rrng.uniform(-2.5, 2.5) for j, _ in judges}
            for p in comp:
                ab = p.ability + rrng.uniform(-1.5, 1.5)
                for j, _ in judges:
                    rows[(j, p.cid)] = {c: D(str(round(min(98.0, max(70.0, ab + bias[j] + {"practical": 1.0, "achievements": -0.5, "interview": 0.0}[c] + rrng.gauss(0, 1.6))), 1)))
                                         for c, _, _ in COMPONENTS}
            if o == RECUSAL_OCC:
                # judge 3 worked with one candidate's employer: stands aside for that candidate
                target = sorted(comp, key=lambda p: p.cid)[1]
                recs = [(judges[2][0], target.cid, "评委与该候选人同在一个单位工作（" + target.employer + "）")]
                del rows[(judges[2][0], target.cid)]
            if o == TIE_OCC:
                # rebuild the two tied candidates by construction: every judge shifts all three
                # components by the same offset, and the offsets left after trimming sum to zero,
                # so the trimmed means are exactly the base values (per component or per judge)
                ranked_others = comp
                base = {tie_a.cid: {"practical": D("90.6"), "achievements": D("88.0"), "interview": D("89.0")},
                        tie_b.cid: {"practical": D("90.0"), "achievements": D("89.0"), "interview": D("89.0")}}
                offsets = [D("-1.6"), D("-0.4"), D("0.0"), D("0.3"), D("0.1"), D("0.0"), D("1.4")]
                for cid_, b in base.items():
                    offs = offsets[:]
                    rrng.shuffle(offs)
                    for (j, _), off in zip(judges, offs):
                        rows[(j, cid_)] = {c: b[c] + off for c in b}
            totals = compute_totals(rows, judges, comp)
            # checks: a clear order at every cut-off except the designed tie
            order = sorted(comp, key=lambda p: (-totals[p.cid]["A"], -totals[p.cid]["means"]["practical"]))
            ok = all(totals[p.cid]["A"] == totals[p.cid]["B"] for p in comp)
            tA = [totals[p.cid]["A"] for p in order]
            if o == TIE_OCC:
                ok = ok and [p.cid for p in order[2:4]] == [tie_a.cid, tie_b.cid] and tA[1] - tA[2] >= D("0.3") and tA[3] - tA[4] >= D("0.3")
                ok = ok and over.cid not in [p.cid for p in order[:3]]
            else:
                ok = ok and tA[2] - tA[3] >= D("0.3")
            ok = ok and len(set(tA)) == len(tA) - (1 if o == TIE_OCC else 0)
            if ok:
                break
        else:
            raise SystemExit(f"could not place scores for {o}")
        if o == TIE_OCC:
            tie_pair = (tie_a, tie_b)
            tie_a.notes.append(f"同分：与 {tie_b.cid} 加权总分相同（89.50），本人“技能展示”平均分更高（90.60 比 90.00），按同分比较规则排第3名，进入提名人选。")
            tie_b.notes.append(f"同分：与 {tie_a.cid} 加权总分相同（89.50），本人“技能展示”平均分较低（90.00 比 90.60），排第4名，未进入提名人选。")
        if o == RECUSAL_OCC:
            recusal = recs[0]
            target.notes.append(f"评委回避：{recs[0][0]} 与本人同单位，回避评分；本人按其余6位评委的分数去掉最高分、最低分后计算。")
        for rank, p in enumerate(order, 1):
            results[p.cid] = dict(total=totals[p.cid]["A"], means=totals[p.cid]["means"], rank=rank, n=totals[p.cid]["n"])
        metrics = {}
        if o == TIE_OCC:
            for p in comp:
                metrics[p.cid] = D(str(rrng.randint(95, 140))) + D(rrng.choice(["0", "0.5"]))
            # the pair's completion times point the other way: only the chain's order settles them
            metrics[tie_a.cid], metrics[tie_b.cid] = D("118.5"), D("104.0")
        sheets[o] = dict(judges=judges, rows=rows, recusals=recs, comp=comp, metrics=metrics, order=order)

    nominees = []
    for o in OCC:
        nominees += [p.cid for p in sheets[o]["order"][:3]]
    assert len(nominees) == 30

    # votes -------------------------------------------------------------------
    vrng = random.Random(SEED + 11)
    votes = {}
    for cid in nominees:
        base = vrng.randint(6000, 42000)
        votes[cid] = {"app": int(base * vrng.uniform(0.5, 0.6)), "wechat": int(base * vrng.uniform(0.3, 0.4)),
                      "web": int(base * vrng.uniform(0.05, 0.12))}
    raw_total = {c: sum(v.values()) for c, v in votes.items()}
    # the brushing case: a nominee whose raw total is 4th, but 60% of its WeChat votes are cancelled
    by_raw = sorted(nominees, key=lambda c: -raw_total[c])
    # (the first of raw ranks 4.. whose WeChat votes suffice to drop it below the 10th place)
    for brushed in by_raw[3:]:
        others = sorted((raw_total[c] for c in nominees if c != brushed), reverse=True)
        target = (others[10] + others[11]) // 2  # between the 11th and 12th of the others
        n_cancel = raw_total[brushed] - target
        if 0 < n_cancel <= votes[brushed]["wechat"] * 0.9:
            break
    cancelled = {brushed: ("wechat", n_cancel)}
    valid = {c: raw_total[c] - (cancelled[c][1] if c in cancelled else 0) for c in nominees}
    assert len(set(valid.values())) == 30
    popularity = sorted(nominees, key=lambda c: -valid[c])[:10]
    assert brushed not in popularity
    pb = next(p for p in people if p.cid == brushed)
    pb.notes.append(f"投票作废：微信渠道发现刷票，作废 {cancelled[brushed][1]} 票。按原始票数排第{by_raw.index(brushed) + 1}名，按有效票数未进入最佳人气奖前10名。")

    # review ------------------------------------------------------------------
    revrng = random.Random(SEED + 13)
    review = {}
    for o in OCC:
        top, *rest = [p.cid for p in sheets[o]["order"][:3]]
        review[top] = None
        for c in rest:
            review[c] = None
    # one per occupation in the top band, so "top 10 overall" = "best per occupation"
    hi = revrng.sample(range(900, 970), 10)
    lo = revrng.sample(range(780, 895), 20)
    tops = [sheets[o]["order"][0].cid for o in OCC]
    rest = [c for c in nominees if c not in tops]
    # the nominee whose votes were brushed stays a nominee; its review is ordinary
    for c, v in zip(tops, hi):
        review[c] = D(v) / 10
    for c, v in zip(rest, lo):
        review[c] = D(v) / 10
    by_review = sorted(nominees, key=lambda c: -review[c])
    proposed_craftsmen = by_review[:10]
    proposed_nom_award = by_review[10:]
    # upheld objection against one proposed 提名奖
    withdrawn = next(c for c in proposed_nom_award if c != brushed and c not in (tie_pair[0].cid,))
    rejected_obj = proposed_craftsmen[4]
    pw = next(p for p in people if p.cid == withdrawn)
    pw.notes.append("公示期异议成立：其申报的一项专利经核实为他人成果，撤销“北京大工匠提名奖”建议资格（不递补）。")
    pr = next(p for p in people if p.cid == rejected_obj)
    pr.notes.append("公示期收到异议，经核实不成立，维持“北京大工匠”建议人选。")

    # ---------------------------------------------------------------- write
    occs = [(o, OCC[o]["name"], 3) for o in OCC]
    tl = [
        ("announced", dt.date(2016, 10, 10)),
        ("recommendation", (dt.date(2016, 11, 1), dt.date(2016, 11, 30))),
        ("qualification", (dt.date(2016, 12, 1), dt.date(2016, 12, 30))),
        ("competition", (dt.date(2017, 1, 9), dt.date(2017, 3, 15))),
        ("nominees_published", dt.date(2017, 3, 20)),
        ("voting", (dt.date(2017, 3, 21), dt.date(2017, 4, 10))),
        ("popularity_published", dt.date(2017, 4, 15)),
        ("review", (dt.date(2017, 4, 17), dt.date(2017, 4, 28))),
        ("notice", (dt.date(2018, 3, 20), dt.date(2018, 3, 26))),
        ("approval", dt.date(2018, 4, 2)),
        ("honor_roll_published", dt.date(2018, 4, 9)),
    ]
    g.edition_file(
        eid, "2016年“北京大工匠”选树（示例）",
        "首届“北京大工匠”选树：10个工种，评选30名提名人选，产生10名“北京大工匠”和20名提名奖，得票最多的10名获“最佳人气奖”。本届数据为虚构示例。",
        occs, list(bodies.values()), tl, dict(nominees=30, popularity=10, craftsmen=10, nomination_award=20),
        "010-5555 0123（示例）", "北京市西城区示例大街1号 北京市总工会“北京大工匠”评选办公室（示例）",
        extra_comment=[f"示例情形：{DNAME[over_district]}总工会（{over_district}-union）在焊工工种推荐2人，见 {first.cid}、{over.cid}。"],
        en=EDITION_EN_2016,
    )
    for p in people:
        g.candidate_file(eid, p)

    # qualification.yaml
    rel = "data/results/2016/qualification.yaml"
    y = Y(schema_line(rel, "qualification"), ["示例数据。资格审核：逐人结论。"])
    y.comment(f"示例情形：{failed.cid} 材料无法核实（不通过）；{vetoed.cid} 一票否决（不通过）。")
    y.comment(f"          {first.cid}、{over.cid}（超额推荐）和 {nonmember.cid}（非工会会员）停在推荐阶段，这里没有他们的结论。")
    y.kv("edition", q(eid))
    y.kv("decided", day(dt.date(2016, 12, 28)))
    y.kv("decisions", None)
    for p in sorted(people, key=lambda p: p.cid):
        if p.cid not in qual:
            continue
        res, reason, veto = qual[p.cid]
        y.kv("candidate", q(p.cid), 2, dash=True)
        y.kv("result", q(res), 4)
        if reason:
            y.kv("reason", q(reason), 4)
        if veto:
            y.kv("veto", None, 4)
            for v in veto:
                y.item(q(v), 6)
    g.write(rel, y.text())

    for o, sh in sheets.items():
        write_sheet(g, eid, o, sh, tie_pair if o == TIE_OCC else None)

    # votes.yaml
    rel = "data/results/2016/votes.yaml"
    y = Y(schema_line(rel, "votes"), ["示例数据。公众投票：30名提名人选在三个渠道的原始票数；作废票单列。"])
    y.comment(f"示例情形：{brushed} 在微信渠道刷票，作废 {cancelled[brushed][1]} 票（cancelled / cancel_reason）。")
    y.kv("edition", q(eid))
    y.kv("closed", day(dt.date(2017, 4, 10)))
    y.kv("tallies", None)
    for c in sorted(nominees):
        for ch in ("app", "wechat", "web"):
            y.kv("candidate", q(c), 2, dash=True)
            y.kv("channel", ch, 4)
            y.kv("votes", str(votes[c][ch]), 4)
            if c in cancelled and cancelled[c][0] == ch:
                y.kv("cancelled", str(cancelled[c][1]), 4)
                y.kv("cancel_reason", q("刷票：同一设备短时间内大量注册账号集中投票，经技术核查予以作废"), 4)
    g.write(rel, y.text())

    rel = "data/results/2016/review.yaml"
    y = Y(schema_line(rel, "review"), ["示例数据。综合评审：30名提名人选的综合评审得分（满分100）。"])
    y.kv("edition", q(eid))
    y.kv("meeting", q("2016年“北京大工匠”综合评审会"))
    y.kv("date", day(dt.date(2017, 4, 26)))
    y.kv("results", None)
    for c in sorted(nominees):
        y.kv("candidate", q(c), 2, dash=True)
        y.kv("score", num(review[c]), 4)
    g.write(rel, y.text())

    rel = "data/results/2016/objections.yaml"
    y = Y(schema_line(rel, "objections"), ["示例数据。社会公示期（2018-03-20 至 2018-03-26）收到的异议。"])
    y.comment(f"示例情形：对 {withdrawn} 的异议成立，撤销其提名奖建议资格（届次规定 replacement: none，不递补）；")
    y.comment(f"          对 {rejected_obj} 的异议不成立。")
    y.kv("edition", q(eid))
    y.kv("objections", None)
    y.kv("id", q("2016-yy-01"), 2, dash=True)
    y.kv("candidate", q(withdrawn), 4)
    y.kv("received", day(dt.date(2018, 3, 21)), 4)
    y.kv("channel", "信函", 4)
    y.kv("summary", q("实名来信反映：该同志申报材料中所列一项实用新型专利的发明人为同单位另一名职工"), 4)
    y.kv("outcome", "成立", 4)
    y.kv("decided", day(dt.date(2018, 3, 29)), 4)
    y.kv("public_note", q("经核实，申报材料中一项专利成果不属实，撤销其“北京大工匠提名奖”建议资格"), 4)
    y.kv("id", q("2016-yy-02"), 2, dash=True)
    y.kv("candidate", q(rejected_obj), 4)
    y.kv("received", day(dt.date(2018, 3, 23)), 4)
    y.kv("channel", "电话", 4)
    y.kv("summary", q("实名来电反映：该同志长期从事管理工作，不属于一线职工"), 4)
    y.kv("outcome", "不成立", 4)
    y.kv("decided", day(dt.date(2018, 3, 28)), 4)
    y.kv("public_note", q("经走访核实，该同志一直在生产一线岗位工作，反映情况不属实"), 4)
    g.write(rel, y.text())

    rel = "data/results/2016/approval.yaml"
    y = Y(schema_line(rel, "approval"), ["示例数据。审定命名。"])
    y.kv("edition", q(eid))
    y.kv("meeting", q("市总工会主席办公会"))
    y.kv("date", day(dt.date(2018, 4, 2)))
    y.kv("document", q("京工发〔2018〕示例1号"))
    g.write(rel, y.text())

    rel = "data/results/2016/decisions.yaml"
    y = Y(schema_line(rel, "decisions"), ["示例数据。本届所有同分均可按规则（tie_break）区分，没有需要人工裁定的情形。"])
    y.kv("edition", q(eid))
    y.kv("decisions", "[]")
    g.write(rel, y.text())

    # errata.yaml: one published correction (a craftsman's employer misspelt on the honour roll)
    corrected = next(p for p in people if p.cid == proposed_craftsmen[2])
    wrong = corrected.employer.replace("有限公司", "有限责任公司")
    assert wrong != corrected.employer
    rel = "data/results/2016/errata.yaml"
    y = Y(schema_line(rel, "errata"), ["示例数据。勘误：已公布信息的更正，自 date 起在网站“勘误”页显示。"])
    y.comment(f"示例情形：2018-04-09 公布的北京大工匠名单中，{corrected.cid} 的工作单位名称有误，2018-04-20 更正。")
    y.kv("edition", q(eid))
    y.kv("errata", None)
    y.kv("id", q("2016-kw-01"), 2, dash=True)
    y.kv("date", day(dt.date(2018, 4, 20)), 4)
    y.kv("candidate", q(corrected.cid), 4)
    y.kv("list_key", "craftsmen", 4)
    y.kv("field", "employer", 4)
    y.kv("what", q("工作单位"), 4)
    y.kv("before", q(wrong), 4)
    y.kv("after", q(corrected.employer), 4)
    y.kv("note", q(f"2018年4月9日公布的“北京大工匠”名单中，{corrected.name}同志的工作单位名称有误，现予更正。"), 4)
    g.write(rel, y.text())
    erratum = (corrected, wrong)

    # photos: most candidates; a few with EXIF orientation / GPS
    prng = random.Random(SEED + 17)
    no_photo = set(prng.sample([p.cid for p in people if p.cid not in nominees], 9))
    exif_plan = {}
    ordered = sorted(people, key=lambda p: p.cid)
    with_photo = [p for p in ordered if p.cid not in no_photo]
    for p, kind in zip(prng.sample(with_photo, 4), ["rotate", "gps", "rotate+gps", "gps"]):
        exif_plan[p.cid] = kind
    for p in ordered:
        if p.cid in no_photo:
            p.photo = False
            continue
        g.photos[p.cid] = (random.Random(f"{SEED}-photo-{p.cid}"), exif_plan.get(p.cid))
    # rewrite candidate files now that photo flags are final
    for p in people:
        if p.cid in exif_plan:
            k = exif_plan[p.cid]
            p.notes.append({"rotate": "照片带 EXIF 方向标记（Orientation=6，需顺时针旋转90°显示）。",
                            "gps": "照片带 EXIF GPS 位置信息（发布前必须去除）。",
                            "rotate+gps": "照片同时带 EXIF 方向标记（Orientation=6）和 GPS 位置信息。"}[k])
        if not p.photo:
            p.notes.append("没有照片（网站应显示占位图）。")
        g.candidate_file(eid, p)

    g.facts["2016"] = dict(
        people=people, over=over, first=first, nonmember=nonmember, failed=failed, vetoed=vetoed,
        tie=tie_pair, recusal=recusal, nominees=nominees, results=results, brushed=brushed,
        cancelled=cancelled, valid=valid, raw=raw_total, popularity=popularity, review=review,
        craftsmen=proposed_craftsmen, nom_award=proposed_nom_award, withdrawn=withdrawn,
        rejected_obj=rejected_obj, sheets=sheets, exif=exif_plan, no_photo=no_photo, specials=spec_targets,
        erratum=erratum,
    )


def compute_totals(rows, judges, comp):
    out = {}
    for p in comp:
        vals = {c: [rows[(j, p.cid)][c] for j, _ in judges if (j, p.cid) in rows] for c, _, _ in COMPONENTS}
        n = len(vals["practical"])
        means = {c: trimmed_mean(v) for c, v in vals.items()}
        tot_a = r2(sum((w * means[c] for c, _, w in COMPONENTS), D(0)))  # round only the total
        tot_b = r2(sum((w * r2(means[c]) for c, _, w in COMPONENTS), D(0)))  # round the means too
        out[p.cid] = dict(A=tot_a, B=tot_b, means={c: r2(m) for c, m in means.items()}, n=n)
    return out


def write_sheet(g: Gen, eid: str, o: str, sh: dict, tie):
    rel = f"data/results/{eid}/scores/{o}.yaml"
    nj = len(sh["judges"])
    head = [f"示例数据。行业比选评分表：{nj} 位评委，分项 技能展示(practical) 成果展示(achievements) 专场面试(interview)。"]
    if nj < 5:
        head.append("评委少于5人：不去掉最高分和最低分，直接取平均。")
    else:
        head.append("评委5人及以上：每个分项去掉一个最高分、一个最低分后取平均。")
    y = Y(schema_line(rel, "scores"), head)
    if tie:
        y.comment(f"示例情形：{tie[0].cid} 与 {tie[1].cid} 加权总分同为 89.50，在第3、4名之间；按 tie_break 第二项")
        y.comment(f"          component:practical（技能展示平均分 90.60 比 90.00）区分，{tie[0].cid} 进入提名人选。")
    if sh["recusals"]:
        r = sh["recusals"][0]
        y.comment(f"示例情形：评委 {r[0]} 对 {r[1]} 回避（没有该评委对该候选人的评分行）。")
    y.kv("edition", q(eid))
    y.kv("occupation", q(o))
    y.kv("judges", None)
    for j, n in sh["judges"]:
        y.kv("id", q(j), 2, dash=True)
        y.kv("name", q(n), 4)
    if sh["recusals"]:
        y.kv("recusals", None)
        for j, c, reason in sh["recusals"]:
            y.kv("judge", q(j), 2, dash=True)
            y.kv("candidate", q(c), 4)
            y.kv("reason", q(reason), 4)
    y.kv("rows", None)
    for p in sorted(sh["comp"], key=lambda p: p.cid):
        for j, _ in sh["judges"]:
            if (j, p.cid) not in sh["rows"]:
                continue
            y.kv("judge", q(j), 2, dash=True)
            y.kv("candidate", q(p.cid), 4)
            s = sh["rows"][(j, p.cid)]
            y.raw("    scores: {" + ", ".join(f"{c}: {num(s[c])}" for c, _, _ in COMPONENTS) + "}")
    if sh["metrics"]:
        y.kv("metrics", None)
        for c in sorted(sh["metrics"]):
            y.kv("candidate", q(c), 2, dash=True)
            y.raw(f"    values: {{completion-minutes: {num(sh['metrics'][c])}}}")
    g.write(rel, y.text())


# ---------------------------------------------------------------------------
# edition 2026 (in progress)


def build_2026(g: Gen):
    rng = random.Random(SEED + 2026)
    eid = "2026"
    bodies = [Body(f"{d}-union", f"{n}总工会", "区总工会", district=d) for d, n, _ in DISTRICTS]
    bodies += [
        Body("machinery-union", "北京市机械冶金建材工会", "产业工会", quota=6),
        Body("construction-union", "北京市建设工会", "产业工会", quota=4),
        Body("commerce-union", "北京市财贸工会", "产业工会", quota=4),
        Body("transport-union", "北京市交通运输工会", "产业工会", quota=3),
        Body("robotics-assoc", "北京市机器人产业协会", "社团"),
        Body("cuisine-assoc", "北京市烹饪协会", "社团"),
        Body("eldercare-assoc", "北京市养老服务行业协会", "社团"),
    ]
    names = Names(rng, {n for n, *_ in SPECIAL_2016 + SPECIAL_2026} | {p.name for p in g.facts["2016"]["people"]})
    dist_ids = [d for d, _, _ in DISTRICTS]
    people = []
    i = 0
    industry_used = {"machinery-union": 0, "construction-union": 0, "commerce-union": 0, "transport-union": 0}
    industry_for = {"cnc-lathe": "machinery-union", "welder": "construction-union", "electrician": "machinery-union",
                    "chinese-cook": "commerce-union", "metro-driver": "transport-union", "ev-mechanic": "transport-union",
                    "industrial-robot-operator": "machinery-union"}
    assoc_for = {"industrial-robot-operator": "robotics-assoc", "chinese-cook": "cuisine-assoc", "elder-care": "eldercare-assoc"}
    for k, (o, oname, sector) in enumerate(OCC_2026):
        ds = [dist_ids[(k * 5 + m * 7) % 16] for m in range(2)]
        recs = [("单位推荐", f"{d}-union", d) for d in ds]
        if o in industry_for:
            recs.append(("单位推荐", industry_for[o], rng.choice(dist_ids)))
        elif o in assoc_for:
            recs.append(("社团推荐", assoc_for[o], rng.choice(dist_ids)))
        else:
            recs.append(("个人自荐", None, rng.choice(dist_ids)))
        for ch, b, d in recs:
            i += 1
            gender = "女" if (rng.random() < 0.25 or o == "elder-care" and rng.random() < 0.6) else "男"
            p = Person(cid=f"2026-{i:03d}", name=names.make(gender), pinyin=None, gender=gender,
                       birth_year=rng.randint(1968, 2000), occupation=o, district=d,
                       employer=rng.choice(EMP_2026[o]), sector=sector, channel=ch, body=b,
                       rec_date=dt.date(2026, 7, 1) + dt.timedelta(days=rng.randrange(31)),
                       ability=rng.uniform(80, 94))
            if b in industry_used:
                industry_used[b] += 1
            people.append(p)
    for b in bodies:
        if b.quota is not None:
            assert industry_used.get(b.id, 0) <= b.quota, b.id
    for (name, py, gender, why), p in zip(SPECIAL_2026, [people[4], people[20]]):
        p.name, p.pinyin, p.gender = name, py, gender
        p.notes.append(why)
    for p in people:
        cite = "扎根一线{y}年，在" + dict((a, b) for a, b, _ in OCC_2026)[p.occupation] + "岗位上精益求精。"
        fill_person(p, rng, 2026, ACH_2026, cite)

    # qualification: one fails (so one occupation has only 2 competitors, both nominees)
    failed = people[17]
    failed.notes.append("资格审核不通过：推荐材料缺少所在单位意见。")
    qualified = [p for p in people if p is not failed]

    sheets = {}
    judge_names = Names(random.Random(SEED + 2027), names.taken)
    nominees = []
    order_by_occ = {}
    for o, oname, _ in OCC_2026:
        comp = [p for p in qualified if p.occupation == o]
        judges = [(f"{o}-j{k}", judge_names.make(rng.choice(["男", "男", "女"]))) for k in range(1, 6)]
        rrng = random.Random(f"{SEED}-2026-{o}")
        for attempt in range(500):
            rows = {}
            bias = {j: rrng.uniform(-2.0, 2.0) for j, _ in judges}
            for p in comp:
                for j, _ in judges:
                    rows[(j, p.cid)] = {c: D(str(round(min(98.0, max(70.0, p.ability + bias[j] + rrng.gauss(0, 1.8))), 1)))
                                         for c, _, _ in COMPONENTS}
            totals = compute_totals(rows, judges, comp)
            order = sorted(comp, key=lambda p: -totals[p.cid]["A"])
            tA = [totals[p.cid]["A"] for p in order]
            if all(totals[p.cid]["A"] == totals[p.cid]["B"] for p in comp) and all(a - b >= D("0.3") for a, b in zip(tA, tA[1:])):
                break
        else:
            raise SystemExit(f"could not place scores for {o}")
        sheets[o] = dict(judges=judges, rows=rows, recusals=[], comp=comp, metrics={}, order=order)
        order_by_occ[o] = [(p.cid, totals[p.cid]["A"]) for p in order]
        nominees += [p.cid for p in order[:2]]
    assert len(nominees) == 24

    tl = [
        ("announced", dt.date(2026, 6, 15)),
        ("recommendation", (dt.date(2026, 7, 1), dt.date(2026, 7, 31))),
        ("qualification", (dt.date(2026, 8, 3), dt.date(2026, 8, 28))),
        ("competition", (dt.date(2026, 9, 7), dt.date(2026, 11, 13))),
        ("nominees_published", dt.date(2026, 11, 20)),
        ("voting", (dt.date(2026, 11, 21), dt.date(2026, 12, 10))),
        ("popularity_published", dt.date(2026, 12, 15)),
        ("review", (dt.date(2026, 12, 16), dt.date(2026, 12, 25))),
        ("notice", (dt.date(2027, 1, 11), dt.date(2027, 1, 15))),
        ("approval", dt.date(2027, 1, 25)),
        ("honor_roll_published", dt.date(2027, 2, 1)),
    ]
    g.edition_file(
        eid, "2026年“北京大工匠”选树（示例）",
        "进行中的一届（虚构示例）：12个工种，每个工种2名提名人选，共24名；公众投票进行中。",
        [(o, n, 2) for o, n, _ in OCC_2026], bodies, tl,
        dict(nominees=24, popularity=8, craftsmen=12, nomination_award=12),
        "010-5555 0126（示例）", "北京市西城区示例大街1号 北京市总工会“北京大工匠”评选办公室（示例）",
        extra_comment=["进行中的一届：提名人选已于2026-11-20公布，公众投票2026-11-21至2026-12-10进行中，",
                       "投票结束前没有 votes.yaml；综合评审、公示、审定尚未进行，因此也没有相应文件。"],
    )

    prng = random.Random(SEED + 2028)
    no_photo = set(prng.sample([p.cid for p in people], 4))
    for p in people:
        if p.cid in no_photo:
            p.photo = False
            p.notes.append("没有照片（网站应显示占位图）。")
        else:
            g.photos[p.cid] = (random.Random(f"{SEED}-photo-{p.cid}"), None)
        g.candidate_file(eid, p)

    rel = "data/results/2026/qualification.yaml"
    y = Y(schema_line(rel, "qualification"), ["示例数据。资格审核：逐人结论。"])
    y.comment(f"示例情形：{failed.cid} 不通过，其工种只剩2名参赛者，二人均进入提名人选。")
    y.kv("edition", q(eid))
    y.kv("decided", day(dt.date(2026, 8, 28)))
    y.kv("decisions", None)
    for p in people:
        y.kv("candidate", q(p.cid), 2, dash=True)
        if p is failed:
            y.kv("result", "不通过", 4)
            y.kv("reason", q("推荐材料缺少所在单位意见，逾期未补正"), 4)
        else:
            y.kv("result", "通过", 4)
    g.write(rel, y.text())
    for o, sh in sheets.items():
        write_sheet(g, eid, o, sh, None)

    g.facts["2026"] = dict(people=people, failed=failed, nominees=nominees, order=order_by_occ, no_photo=no_photo)


# ---------------------------------------------------------------------------
# the human-readable account of the sample


def sample_doc(g: Gen) -> str:
    f = g.facts["2016"]
    by = {p.cid: p for p in f["people"]}

    def who(cid):
        p = by[cid]
        return f"{cid}（{p.name}，{OCC[p.occupation]['name']}）"

    L = []
    a = L.append
    a("# 示例数据说明")
    a("")
    a("> 本文件由 `tools/make_sample_data.py` 生成，请勿手工修改；修改生成器后重新运行：")
    a("> `.venv/bin/python tools/make_sample_data.py`（`--check` 只检查输出是否与仓库一致）。")
    a("")
    a("示例数据全部为**虚构**：人物、工作单位、身份证号、电话、地址、评委、票数、异议都是编造的，")
    a("届次文件中 `sample: true`：网站上由这些届次生成的页面都标有“示例数据”、带 `noindex` 且不列入 sitemap，`make publish` 拒绝把它们发布到 rsync 或 S3（只能发布到本地目录预览，见 staff-guide.md“发布”）。照片是合成的抽象剪影，不是真人。")
    a("")
    a("| 届次 | 状态 | 候选人 | 文件 |")
    a("|---|---|---|---|")
    a(f"| 2016 | 全部完成（推荐→资格审核→行业比选→公众投票→综合评审→公示→审定） | {len(f['people'])} 人 | 届次、候选人、qualification、scores/×10、votes、review、objections、approval、decisions、errata |")
    f26 = g.facts["2026"]
    a(f"| 2026 | 进行中：提名人选已公布（2026-11-20），公众投票 2026-11-21 至 2026-12-10 | {len(f26['people'])} 人 | 届次、候选人、qualification、scores/×12（没有 votes 等） |")
    a("")
    a("生成器自己按规则计算了结果（见下文“预期结果”），选择引擎的结果应与之一致。计算口径：")
    a("每个分项在评委不少于5人时去掉一个最高分、一个最低分后取平均（回避的评委不计入人数），")
    a("加权总分 = Σ 权重 × 分项平均分，四舍五入保留2位小数；生成器保证“只对总分取舍”与“先对分项平均分取舍”")
    a("两种做法得到相同的总分，除特意构造的同分外，各工种第3、4名之间至少相差0.3分。")
    a("")
    a("## 2016：特意安排的情形")
    a("")
    o = f["over"]
    a(f"1. **超额推荐**：{DNAME[o.district]}总工会（`{o.body}`）在焊工工种推荐了 {f['first'].cid} 和 {o.cid} 两人，"
      f"超过“每个区总工会每个工种不超过1人”（{who(f['first'].cid)} 先报送，{who(o.cid)} 后报送）。"
      f"预期：引擎不替推荐单位做选择，两人都停在推荐阶段（待定），并报出一个 quota 阻塞，点名该单位和两人；"
      f"其余人选照常计算，各名单仍为最终结果。两人没有资格审核结论和评分。撤回其中一人的推荐（删除或修改其文件）即可解除。")
    a(f"2. **非工会会员的个人自荐**：{who(f['nonmember'].cid)}，`union_member: false`，渠道“个人自荐”"
      f"（届次规定个人自荐须为会员）。预期：停在推荐阶段，待定（“须先加入工会”）——政策允许先入会，"
      f"数据记录入会后（`union_member: true`）才继续。没有资格审核结论和评分。")
    a(f"3. **资格审核不通过**：{who(f['failed'].cid)}，理由“技能等级证书经核实无法确认，申报材料不完整”。预期：不参加行业比选。")
    a(f"4. **一票否决**：{who(f['vetoed'].cid)}，`veto: [发生重大安全生产或质量事故]`（届次文件中列出的情形）。预期：不通过，轨迹中写明否决情形。")
    j, c, _ = f["recusal"]
    r = f["results"][c]
    a(f"5. **评委回避**：数控机床操作工评分表中评委 `{j}` 对 {who(c)} 回避，没有对应评分行。"
      f"该候选人按其余6位评委计分（仍不少于5人，去掉最高、最低分），加权总分 {r['total']}，本工种第{r['rank']}名。")
    ta, tb = f["tie"]
    ra, rb = f["results"][ta.cid], f["results"][tb.cid]
    a(f"6. **提名人选分界处同分**：焊工工种 {who(ta.cid)} 与 {who(tb.cid)} 加权总分都是 {ra['total']}，"
      f"在第3、4名之间（每个工种3个提名名额）。技能展示平均分 {ra['means']['practical']} 比 {rb['means']['practical']}，"
      f"按 `tie_break` 第二项 `component:practical desc` 区分：{ta.cid} 第3名入选，{tb.cid} 第4名未入选。"
      f"两人的各评委分数按构造，使去掉最高、最低分后的分项平均分恰好等于上述一位小数（按分项去分或按评委总分去分结果相同），不受舍入方式影响。焊工评分表另有 `completion-minutes` 指标（第三项比较依据；两人中 {tb.cid} 用时更短，所以只有先比技能展示才会让 {ta.cid} 胜出，可用来检验比较顺序）。")
    br = f["brushed"]
    ch, n = f["cancelled"][br]
    a(f"7. **作废票（刷票）**：{who(br)} 在微信渠道原始票数中有 {n} 票作废（`cancel_reason` 写明刷票）。"
      f"原始总票数 {f['raw'][br]}（第{sorted(f['raw'], key=lambda c: -f['raw'][c]).index(br) + 1}名），有效票数 {f['valid'][br]}，未进入最佳人气奖前10名。")
    a(f"8. **公示期异议成立**：{who(f['withdrawn'])} 是提名奖建议人选，异议 `2016-yy-01` 成立，撤销建议资格；"
      f"届次规定 `replacement: none`，不递补，最终提名奖为19名。另有异议 `2016-yy-02` 针对大工匠建议人选 {who(f['rejected_obj'])}，不成立，维持。")
    a(f"9. **多音字姓氏与同音姓名**：" + "、".join(f"{p.name}（{p.cid}，`name_pinyin: {p.pinyin}`）" for p in f["specials"].values())
      + "。张伟和章伟读音相同，网站搜索和排序要能区分。")
    exif = f["exif"]
    a(f"10. **照片**：{len(f['people']) - len(f['no_photo'])} 人有照片（600×800 合成 JPEG），"
      f"{len(f['no_photo'])} 人没有照片（{', '.join(sorted(f['no_photo']))}）。带 EXIF 的照片："
      + "，".join(f"{c}（{ {'rotate': '方向=6', 'gps': 'GPS 位置', 'rotate+gps': '方向=6 且有 GPS'}[k] }）" for c, k in sorted(exif.items()))
      + "。发布前应按方向标记摆正照片并去除全部 EXIF（尤其是 GPS）。")
    ec, ewrong = f["erratum"]
    a(f"11. **勘误**：`errata.yaml` 记录一条更正（`2016-kw-01`，2018-04-20）：北京大工匠 {who(ec.cid)} 的工作单位"
      f"在 2018-04-09 公布的名单中误为“{ewrong}”，更正为“{ec.employer}”。预期：网站“勘误”页自 2018-04-20 起显示该条，"
      "此前不显示；该工匠页面链接到这条勘误。")
    for cid, (when, decision, _) in REVOKED.items():
        a(f"12. **称号撤销**：提名奖 {who(cid)} 的称号于 {when.isoformat()} 撤销（`revoked:`，{decision}）。"
          "预期：自该日起其页面“核验”一节显示“称号已撤销”，不再提供产品徽标，也不制作证书。")
    a("")
    a("每个情形在相关数据文件里都有以“示例情形：”开头的注释。")
    a("")
    a("命名之后的工匠品牌数据（大工匠带徒、讲堂、创新工作室、新闻与专题）是手写的，不由本工具生成，见 [sample-data-brand.md](sample-data-brand.md)。")
    a("")
    a("## 2016：预期结果")
    a("")
    a("### 行业比选（每个工种前3名为提名人选）")
    a("")
    a("| 工种 | 名次 | 候选人 | 姓名 | 加权总分 | 技能展示 | 成果展示 | 专场面试 | 评委数 | 提名人选 |")
    a("|---|---|---|---|---|---|---|---|---|---|")
    for occ, sh in f["sheets"].items():
        for p in sh["order"]:
            rr = f["results"][p.cid]
            m = rr["means"]
            a(f"| {OCC[occ]['name']} | {rr['rank']} | {p.cid} | {p.name} | {rr['total']} | {m['practical']} | {m['achievements']} | {m['interview']} | {rr['n']} | {'是' if rr['rank'] <= 3 else ''} |")
    a("")
    a(f"不参加行业比选：{f['first'].cid}、{f['over'].cid}、{f['nonmember'].cid}（推荐阶段待定），"
      f"{f['failed'].cid}、{f['vetoed'].cid}（资格审核不通过）。")
    a("")
    a("### 最佳人气奖（有效票数前10名）")
    a("")
    a("| 名次 | 候选人 | 姓名 | 原始票数 | 作废 | 有效票数 |")
    a("|---|---|---|---|---|---|")
    for i, cid in enumerate(sorted(f["nominees"], key=lambda c: -f["valid"][c]), 1):
        canc = f["cancelled"].get(cid, (None, 0))[1]
        mark = "" if i <= 10 else "（未获奖）"
        if i > 12 and cid != br:
            continue
        a(f"| {i} | {cid} | {by[cid].name}{mark} | {f['raw'][cid]} | {canc or ''} | {f['valid'][cid]} |")
    a("")
    a("（只列出前12名和刷票者。）")
    a("")
    a("### 综合评审、公示与审定")
    a("")
    a("综合评审得分前10名为“北京大工匠”建议人选（恰好每个工种1名），其余20名为提名奖建议人选。")
    a("")
    a("| 名次 | 候选人 | 姓名 | 工种 | 综合评审得分 | 建议 | 最终 |")
    a("|---|---|---|---|---|---|---|")
    for i, cid in enumerate(sorted(f["nominees"], key=lambda c: -f["review"][c]), 1):
        prop = "北京大工匠" if i <= 10 else "提名奖"
        final = "撤销（异议成立）" if cid == f["withdrawn"] else prop
        a(f"| {i} | {cid} | {by[cid].name} | {OCC[by[cid].occupation]['name']} | {f['review'][cid]} | {prop} | {final} |")
    a("")
    a("最终：北京大工匠 10 名，北京大工匠提名奖 19 名（1名撤销，不递补），最佳人气奖 10 名。")
    a("审定：市总工会主席办公会，2018-04-02；名单 2018-04-09 公布。`decisions.yaml` 为空列表（没有需要人工裁定的同分）。")
    a("")
    a("## 2026：进行中的一届")
    a("")
    a("- 12个工种（含 工业机器人系统操作员、无人机驾驶员 等新工种），每个工种 `nominee_slots: 2`，共24名提名人选。")
    a(f"- {len(f26['people'])} 名候选人；{f26['failed'].cid} 资格审核不通过，其工种只剩2人，二人都进入提名人选。")
    a("- 以 2026-11-27 为准：提名人选名单已公布（2026-11-20），公众投票进行中（2026-11-21 至 2026-12-10）。")
    a("- **没有 `votes.yaml`**：`Votes` 记录要求投票截止日期（`closed`），票数在投票结束后一次录入；"
      "投票期间网站只显示“投票进行中”，不显示中间票数。也没有 review / objections / approval / decisions。")
    a("- 多音字姓氏：" + "、".join(f"{p.name}（{p.cid}，`{p.pinyin}`）" for p in f26["people"] if p.pinyin) + "。")
    a("")
    a("| 工种 | 提名人选（按加权总分） | 未入选 |")
    a("|---|---|---|")
    names26 = dict((a_, b_) for a_, b_, _ in OCC_2026)
    for occ, rows in f26["order"].items():
        a(f"| {names26[occ]} | " + "、".join(f"{c}（{t}）" for c, t in rows[:2]) + " | "
          + "、".join(f"{c}（{t}）" for c, t in rows[2:]) + " |")
    a("")
    return "\n".join(L) + "\n"


# ---------------------------------------------------------------------------


def render(out_root: Path) -> dict[str, bytes]:
    g = Gen(out_root)
    build_2016(g)
    build_2026(g)
    files = {rel: text.encode("utf-8") for rel, text in g.files.items()}
    for cid, (prng, kind) in sorted(g.photos.items()):
        tmp = io.BytesIO()
        with tempfile.TemporaryDirectory() as td:
            pth = Path(td) / "p.jpg"
            make_photo(pth, prng, kind)
            files[f"data/photos/{cid}.jpg"] = pth.read_bytes()
    files["docs/sample-data.md"] = sample_doc(g).encode("utf-8")
    return files


MANAGED = ["data/editions", "data/candidates", "data/results", "data/photos"]
SAMPLE_EDITIONS = ("2016", "2026")


def sample_owned(rel: str) -> bool:
    """Whether ``rel`` (under MANAGED) belongs to a sample edition; real editions' files are left alone."""
    parts = rel.split("/")
    if parts[1] == "editions":
        return parts[2].rsplit(".", 1)[0] in SAMPLE_EDITIONS
    if parts[1] in ("candidates", "results"):
        return parts[2] in SAMPLE_EDITIONS
    return parts[2].split("-", 1)[0] in SAMPLE_EDITIONS  # photos/<edition>-<nnn>.jpg


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="只检查：输出与仓库中的文件不同则失败")
    ap.add_argument("--root", default=str(ROOT), help="写入的项目根目录（默认本仓库）")
    args = ap.parse_args(argv)
    root = Path(args.root)
    files = render(root)
    existing = {}
    for d in MANAGED:
        for pth in (root / d).rglob("*"):
            if pth.is_file() and pth.name != ".gitkeep":
                rel = pth.relative_to(root).as_posix()
                if sample_owned(rel):
                    existing[rel] = pth.read_bytes()
    existing_doc = root / "docs/sample-data.md"
    if existing_doc.exists():
        existing["docs/sample-data.md"] = existing_doc.read_bytes()
    changed = sorted(k for k in files if existing.get(k) != files[k])
    stale = sorted(k for k in existing if k not in files)
    if args.check:
        for k in changed:
            print(f"会改变：{k}")
        for k in stale:
            print(f"多余的文件：{k}")
        return 1 if changed or stale else 0
    for k in stale:
        (root / k).unlink()
    for k, data in files.items():
        pth = root / k
        pth.parent.mkdir(parents=True, exist_ok=True)
        pth.write_bytes(data)
    photos = sum(len(v) for k, v in files.items() if k.endswith(".jpg"))
    print(f"写入 {len(files)} 个文件（{len(changed)} 个有变化，删除 {len(stale)} 个）；照片共 {photos / 1024 / 1024:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
