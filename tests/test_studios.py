"""创新工作室: studio records, their exact error messages, what the site shows when
(founding date, the craftsman's published title), the pages and the scaffold."""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from mediakit import jpeg_with_everything, metadata_problems
from PIL import Image
from test_bad_corpus import run_check
from test_scaffold import cli

from gongjiang_pipeline import studios
from gongjiang_pipeline.loading import load_project
from gongjiang_pipeline.sitemodel import build_model

ROOT = Path(__file__).resolve().parent.parent
S = "data/studios/2099-a.yaml"
AS_OF = dt.date(2030, 1, 1)
GATE_AS_OF = dt.date(2026, 12, 1)  # the browser gate's sample site (conftest.SAMPLE_AS_OF)

GOOD = """\
id: 2099-a
name: 张建国焊接创新工作室
craftsmen:
  - "2099-001"
host: 北京某钢结构工程有限公司
district: dongcheng
founded: 2099-07-01
level: 市级
fields:
  - 焊接
team_size: 8
achievements:
  - kind: 专利
    title: 一种焊接装置
    year: 2099
"""


def studio(old="", new="", text=GOOD):
    assert old in text
    return text.replace(old, new, 1)


def test_a_valid_studio_passes(scratch):
    scratch.write_stages()  # 2099-001 is named 北京大工匠, 2099-003 提名奖
    scratch.write(S, GOOD)
    scratch.write("data/studios/2099-b.yaml", studio("id: 2099-a", "id: 2099-b", studio('  - "2099-001"', '  - "2099-003"')))
    rc, out, err = run_check(scratch.root)
    assert (rc, err) == (0, "")


CASES = [
    ("unknown-craftsman", studio('  - "2099-001"', '  - "2099-010"'),
     [f"{S}:5:5: craftsmen[1]: 未知的工匠编号「2099-010」，是否想写「2099-001」？"]),
    ("same-craftsman-twice", studio('  - "2099-001"', '  - "2099-001"\n  - "2099-001"'),
     [f"{S}:6:5: craftsmen[2]: 工匠编号「2099-001」重复"]),
    ("no-craftsman", studio('craftsmen:\n  - "2099-001"', "craftsmen: []"),
     [f"{S}:4:12: craftsmen: 至少需要 1 项"]),
    ("unknown-district", studio("district: dongcheng", "district: dongchen"),
     [f"{S}:7:11: district: 未知的区「dongchen」，是否想写「dongcheng」？"]),
    ("bad-level", studio("level: 市级", "level: 国家级"),
     [f"{S}:9:8: level: 取值「国家级」无效，应为以下之一：市级、区级、企业级"]),
    ("bad-achievement-kind", studio("kind: 专利", "kind: 论文"),
     [f"{S}:14:11: achievements[1].kind: 取值「论文」无效，应为以下之一：专利、技术攻关、奖项"]),
    ("achievement-before-founding", studio("    year: 2099", "    year: 2098"),
     [f"{S}:16:11: achievements[1].year: 成果年份 2098 早于工作室创建年份 2099"]),
    ("team-size-zero", studio("team_size: 8", "team_size: 0"),
     [f"{S}:12:12: team_size: 不能小于 1"]),
    ("missing-founded", studio("founded: 2099-07-01\n", ""),
     [f"{S}:2:1: founded: 缺少必填字段"]),
    ("bad-founded", studio("founded: 2099-07-01", "founded: 2099-13-01"),
     [f"{S}:8:10: founded: 日期不存在：2099-13-01"]),
    ("id-filename", studio("id: 2099-a", "id: 2099-b"),
     [f"{S}:2:5: id: 工作室编号「2099-b」与文件名「2099-a.yaml」不一致"]),
    ("missing-photo", studio("team_size: 8", "team_size: 8\nphoto: photos/studios/x.jpg\nphoto_alt: 工作室"),
     [f"{S}:13:8: photo: 找不到照片文件 data/photos/studios/x.jpg"]),
    ("photo-outside-data", studio("team_size: 8", "team_size: 8\nphoto: ../x.jpg\nphoto_alt: 工作室"),
     [f"{S}:13:8: photo: 照片路径必须是 data/ 目录内的相对路径，例如 photos/2016-001.jpg（不能用 ..、/ 开头或反斜杠）"]),
    ("placeholder-left", studio("name: 张建国焊接创新工作室", 'name: "张建国【待填写：专业】创新工作室"'),
     [f"{S}:3:7: name: 还没有填写（请把【待填写：……】换成实际内容）"]),
    ("unknown-field", studio("team_size: 8", "team_size: 8\nphone: 123"),
     [f"{S}:13:1: phone: 未知字段「phone」，是否想写「photo」？"]),
]


@pytest.mark.parametrize("name,text,expected", CASES, ids=[c[0] for c in CASES])
def test_studio_error(scratch, name, text, expected):
    scratch.write(S, text)
    rc, out, err = run_check(scratch.root)
    assert rc == 1, err
    assert err.splitlines() == expected + [f"数据检查未通过：1 个文件中共有 {len(expected)} 处错误。"]


def test_a_photo_needs_its_text_alternative(scratch):
    scratch.write_bytes("data/photos/studios/a.jpg", jpeg_with_everything())
    scratch.write(S, studio("team_size: 8", "team_size: 8\nphoto: photos/studios/a.jpg"))
    rc, out, err = run_check(scratch.root)
    assert err.splitlines() == [
        f"{S}:13:1: photo: 有照片时必须填写 photo_alt（照片的文字说明）",
        "数据检查未通过：1 个文件中共有 1 处错误。",
    ]


def test_a_filter_page_name_is_not_a_studio_id(scratch):
    scratch.write("data/studios/district.yaml", studio("id: 2099-a", "id: district"))
    rc, out, err = run_check(scratch.root)
    assert err.splitlines() == [
        "data/studios/district.yaml:2:5: id: 工作室编号不能用「district」（网址 studios/district/ 用于筛选页），请换一个编号",
        "数据检查未通过：1 个文件中共有 1 处错误。",
    ]


def test_a_studio_is_named_after_a_named_craftsman_only(scratch):
    scratch.write_stages()  # 2099-002 李卫东 does not make the shortlist
    scratch.write(S, studio('  - "2099-001"', '  - "2099-001"\n  - "2099-002"'))
    rc, out, err = run_check(scratch.root)
    assert rc == 1
    assert err.splitlines() == [
        f"{S}:6:5: craftsmen[2]: 候选人 2099-002（李卫东）未被命名为北京大工匠或提名奖，不能以其命名创新工作室",
        "数据检查未通过：1 个文件中共有 1 处错误。",
    ]


def test_a_candidate_of_an_edition_without_a_naming_is_refused(scratch):
    scratch.write(S, GOOD)  # no stage files: nobody of 2099 is named yet
    rc, out, err = run_check(scratch.root)
    assert err.splitlines() == [
        f"{S}:5:5: craftsmen[1]: 候选人 2099-001（张建国）未被命名为北京大工匠或提名奖，不能以其命名创新工作室",
        "数据检查未通过：1 个文件中共有 1 处错误。",
    ]


def test_errors_in_several_studio_files_are_all_reported(scratch):
    scratch.write(S, studio("district: dongcheng", "district: dongchen"))
    scratch.write("data/studios/2099-b.yaml", studio("id: 2099-a", "id: 2099-b", studio("    year: 2099", "    year: 2090")))
    rc, out, err = run_check(scratch.root)
    assert rc == 1
    assert err.splitlines() == [
        f"{S}:7:11: district: 未知的区「dongchen」，是否想写「dongcheng」？",
        "data/studios/2099-b.yaml:16:11: achievements[1].year: 成果年份 2090 早于工作室创建年份 2099",
        "数据检查未通过：2 个文件中共有 2 处错误。",
    ]


# --------------------------------------------------------------------------
# what the site shows, when (the sample data)


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT, cache=False)


def _shown(project, as_of, records=None):
    results = {eid: project.result(eid) for eid in project.editions}
    model = build_model(project, results, as_of)
    names = studios.district_names(ed.edition for ed in project.editions.values())
    return studios.public_studios(project.studios if records is None else records, as_of, model.person, names)


def test_sample_has_studios_of_several_districts_levels_and_a_two_craftsman_studio(project):
    shown = _shown(project, AS_OF)
    assert len(shown) >= 6
    assert {v.studio.level for v in shown} == set(studios.LEVELS)
    assert len({v.district.id for v in shown}) >= 5
    assert any(len(v.craftsmen) == 2 for v in shown)
    assert {k for v in shown for p in v.craftsmen for k in (h.list_key for h in p.honours)} >= set(studios.NAMED_LISTS)


def test_a_studio_is_public_from_its_founding_date(project):
    du = next(s for s in project.studios if s.id == "du-fuli-yeya")
    assert du.founded == dt.date(2029, 3, 18)
    assert "du-fuli-yeya" not in [v.id for v in _shown(project, GATE_AS_OF)]
    assert "du-fuli-yeya" not in [v.id for v in _shown(project, dt.date(2029, 3, 17))]
    assert "du-fuli-yeya" in [v.id for v in _shown(project, dt.date(2029, 3, 18))]
    for day in (GATE_AS_OF, AS_OF):
        assert all(v.studio.founded <= day for v in _shown(project, day))


def test_achievements_are_shown_from_their_year(project):
    def zhao(day):
        return next(v for v in _shown(project, day) if v.id == "zhao-lidan-hanjie")

    assert [a.year for a in zhao(GATE_AS_OF).achievements] == [2023, 2021, 2019]
    assert [a.year for a in zhao(AS_OF).achievements] == [2028, 2023, 2021, 2019]


def test_a_studio_waits_for_its_craftsmans_title_to_be_published(project):
    # 2016: nominees public from 2016-11-01 on, the honor roll (北京大工匠, 提名奖) from 2018-04-09
    early = studios.Studio.model_validate({
        "id": "early", "name": "早建工作室", "craftsmen": ["2016-028"], "host": "某单位", "district": "fengtai",
        "founded": "2016-01-01", "level": "企业级", "fields": ["焊接"], "team_size": 3,
    })
    roll = project.editions["2016"].edition.timeline.honor_roll_published
    assert roll == dt.date(2018, 4, 9)
    before = roll - dt.timedelta(days=1)
    model = build_model(project, {eid: project.result(eid) for eid in project.editions}, before)
    assert model.person("2016-028") is not None  # public as a nominee already
    assert _shown(project, before, [early]) == ()
    assert [v.id for v in _shown(project, roll, [early])] == ["early"]


def test_only_craftsmen_public_with_their_title_are_shown(project):
    chang = next(s for s in project.studios if s.id == "chang-zhen-yinpian")
    assert chang.craftsmen == ("2016-093", "2016-063")
    results = {eid: project.result(eid) for eid in project.editions}
    model = build_model(project, results, AS_OF)

    def only_093(cid):
        return model.person(cid) if cid == "2016-093" else None

    (v,) = studios.public_studios([chang], AS_OF, only_093, {})
    assert [p.id for p in v.craftsmen] == ["2016-093"]
    assert studios.public_studios([chang], AS_OF, lambda cid: None, {}) == ()


def test_filter_values_come_from_the_district_and_the_craftsmens_sector_and_occupation(project):
    shown = _shown(project, AS_OF)
    f = studios.facets(shown)
    assert set(f) == {"district", "sector", "occupation"}
    fangshan = next(x for x in f["district"] if x.id == "fangshan")
    assert fangshan.name == "房山区"
    assert sorted(v.id for v in fangshan.studios) == ["he-xingyong-hanjie", "shan-lixin-celiang"]
    welder = next(x for x in f["occupation"] if x.id == "welder")
    assert sorted(v.id for v in welder.studios) == ["he-xingyong-hanjie", "zhao-lidan-hanjie"]
    assert sum(len(x.studios) for x in f["district"]) == len(shown)  # one district each


# --------------------------------------------------------------------------
# the built site (the sample project; its studio photo replaced by one full of metadata)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from gongjiang_pipeline.sitebuild import build_site

    base = tmp_path_factory.mktemp("studios")
    root = base / "project"
    for name in ("data", "content", "schemas"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "pelican.conf.py", root / "pelican.conf.py")
    for name in ("theme", "plugins"):
        os.symlink(ROOT / name, root / name)
    (root / "data/photos/studios/zhao-lidan-hanjie.jpg").write_bytes(jpeg_with_everything())  # GPS, camera, XMP
    out = base / "site"
    build_site(root, out, AS_OF)
    return out


@pytest.mark.slow
def test_directory_lists_every_public_studio_and_links_the_filters(site, project):
    page = (site / "studios/index.html").read_text("utf-8")
    for v in _shown(project, AS_OF):
        assert f'href="/studios/{v.id}/"' in page
    for kind in ("district", "sector", "occupation"):
        assert f'href="/studios/{kind}/' in page
    fangshan = (site / "studios/district/fangshan/index.html").read_text("utf-8")
    assert "/studios/shan-lixin-celiang/" in fangshan and "/studios/he-xingyong-hanjie/" in fangshan
    assert "/studios/zhao-lidan-hanjie/" not in fangshan
    assert 'href="/studios/district/fangshan/" aria-current="page"' in fangshan
    welder = (site / "studios/occupation/welder/index.html").read_text("utf-8")
    assert "/studios/zhao-lidan-hanjie/" in welder and "/studios/shan-lixin-celiang/" not in welder
    assert (site / "studios/sector/culture/index.html").is_file()


@pytest.mark.slow
def test_studio_page_and_craftsman_page_link_each_other(site):
    page = (site / "studios/chang-zhen-yinpian/index.html").read_text("utf-8")
    assert 'href="/craftsmen/chang-zhen/"' in page and "黄平兴" in page
    assert "区级职工创新工作室" in page and "酒炙黄芪炮制火候量化控制" in page
    for slug in ("chang-zhen", "huang-pingxing"):
        craftsman = (site / f"craftsmen/{slug}/index.html").read_text("utf-8")
        assert 'href="/studios/chang-zhen-yinpian/"' in craftsman
    assert "/studios/" not in (site / "craftsmen/shen-ming/index.html").read_text("utf-8").split("</nav>", 1)[1]


@pytest.mark.slow
def test_private_fields_never_reach_the_site(site):
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in ("010-00000000".encode(), "王某某".encode(), "复评材料已归档".encode()):
                assert secret not in data, path


@pytest.mark.slow
def test_studio_photo_is_published_without_metadata_and_upright(site):
    page = (site / "studios/zhao-lidan-hanjie/index.html").read_text("utf-8")
    assert '<img src="/studios/zhao-lidan-hanjie/photo.jpg" alt="工作室成员在焊接实训区讨论焊缝检验结果（示例图片）">' in page
    data = (site / "studios/zhao-lidan-hanjie/photo.jpg").read_bytes()
    assert metadata_problems(data) == []
    with Image.open(site / "studios/zhao-lidan-hanjie/photo.jpg") as im:
        assert im.size == (600, 800)  # stored sideways (800 x 600) with orientation 6: turned upright


# --------------------------------------------------------------------------
# scaffold: make new-studio


def test_new_studio_writes_a_file_that_fails_check_until_filled(scratch):
    root = str(scratch.root)
    rc, out, err = cli("--root", root, "new-studio", "zhang-hanjie", "--craftsman", "2099-001")
    assert (rc, err) == (0, "")
    assert out.splitlines()[0] == "已新建 data/studios/zhang-hanjie.yaml"
    text = (scratch.root / "data/studios/zhang-hanjie.yaml").read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/studio.schema.json\n")
    assert '  - "2099-001"  # 张建国\n' in text and "district: dongcheng" in text
    rc, out, err = run_check(scratch.root)
    assert err.splitlines() == [
        "data/studios/zhang-hanjie.yaml:3:7: name: 还没有填写（请把【待填写：……】换成实际内容）",
        "data/studios/zhang-hanjie.yaml:11:5: fields[1]: 还没有填写（请把【待填写：……】换成实际内容）",
        "数据检查未通过：1 个文件中共有 2 处错误。",
    ]
    filled = text.replace("张建国【待填写：专业】创新工作室", "张建国焊接创新工作室").replace("【待填写：专业领域】", "焊接")
    (scratch.root / "data/studios/zhang-hanjie.yaml").write_text(filled, "utf-8")
    scratch.write_stages()
    assert run_check(scratch.root)[0::2] == (0, "")


def test_new_studio_refuses_bad_input(scratch):
    root = str(scratch.root)
    assert cli("--root", root, "new-studio") == (
        2, "", "请给出工作室编号和工匠编号，例如：make new-studio ID=zhao-lidan-hanjie CRAFTSMAN=2016-028\n")
    assert cli("--root", root, "new-studio", "a", "--craftsman", "2099-010") == (
        2, "", "未知的工匠编号「2099-010」，是否想写「2099-001」？\n")
    assert cli("--root", root, "new-studio", "Zhang_HJ", "--craftsman", "2099-001") == (
        2, "", "工作室编号「Zhang_HJ」只能使用小写字母、数字和连字符，例如 zhao-lidan-hanjie\n")
    assert cli("--root", root, "new-studio", "sector", "--craftsman", "2099-001") == (
        2, "", "工作室编号不能用「sector」（网址 studios/sector/ 用于筛选页），请换一个编号\n")
    assert cli("--root", root, "new-studio", "a", "--craftsman", "2099-001")[0] == 0
    assert cli("--root", root, "new-studio", "a", "--craftsman", "2099-001") == (
        2, "", "工作室文件已存在：data/studios/a.yaml\n")
