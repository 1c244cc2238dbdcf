"""Product and service badges (产品上备注工匠姓名) and the 核验 section (issue 15.6).

On the sample site (conftest.sample_site, as of SAMPLE_AS_OF): every valid 北京大工匠
and 提名奖 of 2016 has the badge kit in two sizes (SVG with real text, PNG whose QR
code decodes, with zxing-cpp, to the craftsman's page); the 核验 section shows the
title, the year and the badge code. 2016-018 (孔宏军, 提名奖) was revoked on
2020-06-01: from that date the section says 称号已撤销, and the honour has no badge
files and no certificate (the decision documented in docs/data-format.md, 4.5).
Over the scratch project (tests/scratch.py): every error of ``revoked:`` with its
exact message.
"""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from conftest import SAMPLE_AS_OF
from gongjiang_pipeline import certificates
from gongjiang_pipeline.badges import verifications
from gongjiang_pipeline.certificates import TITLES, certificate_number
from gongjiang_pipeline.engine import run
from gongjiang_pipeline.loading import load_project
from gongjiang_pipeline.sitemodel import build_model
from test_bad_corpus import run_check

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://gongjiang.example.org"
REVOKED = "2016-018"
SIZES = {"large": (800, 320), "small": (400, 160)}
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def project():
    return load_project(ROOT, cache=False)


@pytest.fixture(scope="module")
def results(project):
    return {eid: run(ed) for eid, ed in project.editions.items()}


@pytest.fixture(scope="module")
def model(project, results):
    return build_model(project, results, SAMPLE_AS_OF)


def honorees_2016(results) -> list[tuple[str, str]]:
    """(candidate id, list key) of every named 北京大工匠 and 提名奖 of 2016, from the engine."""
    r = results["2016"]
    return [(cid, key) for key in TITLES for cid in r.lists[key].entries]


def test_the_sample_has_a_revoked_honour(results, project):
    assert (REVOKED, "nomination_award") in honorees_2016(results)
    assert project.editions["2016"].candidate(REVOKED).revoked.date == dt.date(2020, 6, 1)


def test_every_2016_honoree_has_the_badge_kit_in_two_sizes(sample_site, results, model):
    valid = [(cid, key) for cid, key in honorees_2016(results) if cid != REVOKED]
    assert len([k for _, k in valid if k == "craftsmen"]) == len(results["2016"].lists["craftsmen"].entries) >= 10
    for cid, key in valid:
        p = model.person(cid)
        folder = sample_site / "craftsmen" / p.slug
        page = f"{BASE}/craftsmen/{p.slug}/"
        code = certificate_number("2016", key, cid)
        for size, (w, h) in SIZES.items():
            png = Image.open(io.BytesIO((folder / f"badge-{size}.png").read_bytes()))
            assert png.size == (w, h), (cid, size)
            found = [r.text for r in zxingcpp.read_barcodes(png.convert("L"))]
            assert found == [page], (cid, size)
            svg = ET.fromstring((folder / f"badge-{size}.svg").read_bytes())
            assert (svg.get("width"), svg.get("height")) == (str(w), str(h)), (cid, size)
            text = "".join("".join(t.itertext()) for t in svg.iter(f"{SVG}text"))
            for part in (TITLES[key], p.name, "2016年度", code):
                assert part in text, (cid, size, part)


def test_verify_section_shows_title_year_and_badge_code(sample_site, model):
    p = model.person("2016-048")  # 单立新, 北京大工匠
    html = (sample_site / "craftsmen" / p.slug / "index.html").read_text("utf-8")
    section = html[html.index('<h2 id="verify"'):html.index("分享与打印")]
    assert f"本页是{p.name}“北京大工匠”称号的官方记录。称号有效。" in section
    assert "<dt>称号</dt><dd>北京大工匠</dd>" in section
    assert "<dt>年度</dt><dd>2016年度" in section
    assert "<dt>徽标编号</dt><dd><code>BJGJ-2016-D-048</code>（与证书编号相同）</dd>" in section
    for size in SIZES:
        for ext in ("svg", "png"):
            assert f'href="/craftsmen/{p.slug}/badge-{size}.{ext}" download' in section
    assert "称号已撤销" not in section


def test_a_candidate_without_a_named_honour_has_no_verify_section(sample_site, results, model):
    named = {cid for cid, _ in honorees_2016(results)}
    other = next(p for p in model.people if p.edition_id == "2016" and p.id not in named)
    folder = sample_site / "craftsmen" / other.slug
    assert 'id="verify"' not in (folder / "index.html").read_text("utf-8")
    assert not list(folder.glob("badge-*"))


def test_a_revoked_honour_shows_as_revoked_with_no_badge(sample_site, model):
    p = model.person(REVOKED)
    folder = sample_site / "craftsmen" / p.slug
    html = (folder / "index.html").read_text("utf-8")
    section = html[html.index('<h2 id="verify"'):html.index("分享与打印")]
    assert (f"<strong>称号已撤销</strong>：{p.name}的“北京大工匠提名奖”称号已于2020年6月1日撤销，"
            "不得再以此称号在产品、服务上使用徽标。") in section
    assert "<dt>称号</dt><dd>北京大工匠提名奖（已撤销）</dd>" in section
    assert "<dt>徽标编号</dt><dd><code>BJGJ-2016-N-018</code>" in section  # still verifiable: which code was revoked
    assert "<dt>撤销依据</dt><dd>市总工会主席办公会决定（京工发〔2020〕示例5号）</dd>" in section
    assert "称号有效" not in section and f"/craftsmen/{p.slug}/badge-" not in html
    assert not list(folder.glob("badge-*"))
    assert not list(sample_site.rglob("*BJGJ-2016-N-018*"))


def test_revocation_is_public_only_from_its_date(project, results):
    def of(day):
        return verifications(project, build_model(project, results, day))[REVOKED]

    assert of(dt.date(2020, 5, 31)).valid
    later = of(dt.date(2020, 6, 1))
    assert not later.valid and later.revoked.date == dt.date(2020, 6, 1)
    assert later.code == "BJGJ-2016-N-018"


def test_a_revoked_honour_gets_no_certificate(project):
    made = {h.candidate_id for h in certificates.honorees(project, "2016")}
    assert REVOKED not in made
    assert "2016-048" in made


# --------------------------------------------------------------------------
# every error of revoked: (scratch project: 2099-001 北京大工匠, 2099-003 提名奖,
# 2099-002 not named; naming 2099-06-15)

REV = "revoked:\n  date: {date}\n  decision: 市总工会主席办公会决定\n  reason: 违反职业道德\n"
C = "data/candidates/2099/{}.yaml".format


def revoke(p, cid: str, text: str) -> None:
    f = p.path(C(cid))
    f.write_text(f.read_text("utf-8") + text, "utf-8")


def test_a_valid_revocation_passes(scratch):
    p = scratch.write_stages()
    revoke(p, "2099-001", REV.format(date="2099-06-15"))  # on the day of the naming
    revoke(p, "2099-003", REV.format(date="2099-07-01"))
    assert run_check(p.root)[0::2] == (0, "")


REVOKED_CASES = [
    ("not-named", "2099-002", REV.format(date="2099-07-01"),
     f"{C('2099-002')}:20:1: revoked: 候选人 2099-002（李卫东）未被命名为北京大工匠或提名奖，不能撤销称号"),
    ("before-naming", "2099-003", REV.format(date="2099-06-14"),
     f"{C('2099-003')}:21:9: revoked.date: 撤销日期 2099-06-14 早于审定命名日期 2099-06-15"
     "（见 data/results/2099/approval.yaml）"),
    ("no-reason", "2099-001", "revoked:\n  date: 2099-07-01\n  decision: 决定\n",
     f"{C('2099-001')}:21:3: revoked.reason: 缺少必填字段"),
    ("unknown-field", "2099-001", REV.format(date="2099-07-01") + "  reasons: 另有说明\n",
     f"{C('2099-001')}:24:3: revoked.reasons: 未知字段「reasons」，是否想写「reason」？"),
    ("impossible-date", "2099-001", REV.format(date="2099-13-01"),
     f"{C('2099-001')}:21:9: revoked.date: 日期不存在：2099-13-01"),
]


@pytest.mark.parametrize("name,cid,text,expected", REVOKED_CASES, ids=[c[0] for c in REVOKED_CASES])
def test_revoked_error(scratch, name, cid, text, expected):
    p = scratch.write_stages()
    revoke(p, cid, text)
    rc, out, err = run_check(p.root)
    assert (rc, out) == (1, "")
    assert err.splitlines() == [expected, "数据检查未通过：1 个文件中共有 1 处错误。"]


def test_revoking_in_an_edition_not_yet_approved(scratch):
    p = scratch.write_stages()
    p.path("data/results/2099/approval.yaml").unlink()
    revoke(p, "2099-001", REV.format(date="2099-07-01"))
    rc, out, err = run_check(p.root)
    assert rc == 1
    assert err.splitlines() == [
        f"{C('2099-001')}:20:1: revoked: 候选人 2099-001（张建国）未被命名为北京大工匠或提名奖，不能撤销称号",
        "数据检查未通过：1 个文件中共有 1 处错误。",
    ]


def test_revoked_errors_in_several_files_are_all_reported(scratch):
    p = scratch.write_stages()
    revoke(p, "2099-002", REV.format(date="2099-07-01"))
    revoke(p, "2099-003", REV.format(date="2099-06-01"))
    rc, out, err = run_check(p.root)
    assert rc == 1
    assert err.splitlines() == [
        f"{C('2099-002')}:20:1: revoked: 候选人 2099-002（李卫东）未被命名为北京大工匠或提名奖，不能撤销称号",
        f"{C('2099-003')}:21:9: revoked.date: 撤销日期 2099-06-01 早于审定命名日期 2099-06-15"
        "（见 data/results/2099/approval.yaml）",
        "数据检查未通过：2 个文件中共有 2 处错误。",
    ]
