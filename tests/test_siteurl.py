"""The site's public address (SITEURL, issue 17.6): checked, required for publishing,
and the one address every absolute link, QR code and badge of the site points to."""

import io
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from gongjiang_pipeline.cli import main
from gongjiang_pipeline.siteurl import PLACEHOLDER, SiteUrlError, built_with, normalise, require_public

from sitekit import SiteProject, files

REAL = "https://gongjiang.bjzgh.org"
CONF = "pelican.conf.py 的 GONGJIANG_CANONICAL_BASE"
PLACEHOLDER_REFUSED = (
    "网站地址还是占位地址 {base}（{where}），不能发布：二维码、分享图片、徽标、订阅和网站地图都会指向这个地址。"
    "请在 pelican.conf.py 中把 GONGJIANG_CANONICAL_BASE 改为网站的正式地址，"
    "或在命令中给出，例如 make publish SITEURL=https://gongjiang.bjzgh.org PUBLISH_TARGET=…"
)
NOT_A_URL = "网站地址「{text}」（SITEURL）不是网址：请写成 https://域名，例如 SITEURL=https://gongjiang.bjzgh.org"
WITH_PATH = (
    "网站地址「{text}」（SITEURL）只能是 https://域名，不能带路径、参数或用户名："
    "网站内的链接都从域名的根目录开始（/craftsmen/…），网站必须放在域名的根目录下"
)


def cli(*args):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main(list(args))
    return rc, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("text,expected", [
    ("https://gongjiang.bjzgh.org", REAL),
    ("https://gongjiang.bjzgh.org/", REAL),
    ("  https://GongJiang.BJZGH.org  ", REAL),
    ("https://gongjiang.bjzgh.org:8443/", "https://gongjiang.bjzgh.org:8443"),
    ("http://gongjiang.bjzgh.org", "http://gongjiang.bjzgh.org"),
])
def test_normalise(text, expected):
    assert normalise(text, "SITEURL") == expected


@pytest.mark.parametrize("text,message", [
    ("", "没有设置网站地址（SITEURL）：请写成 https://域名，例如 SITEURL=https://gongjiang.bjzgh.org"),
    ("gongjiang.bjzgh.org", NOT_A_URL.format(text="gongjiang.bjzgh.org")),
    ("ftp://gongjiang.bjzgh.org", NOT_A_URL.format(text="ftp://gongjiang.bjzgh.org")),
    ("https://", NOT_A_URL.format(text="https://")),
    ("https://bjzgh.org/gongjiang/", WITH_PATH.format(text="https://bjzgh.org/gongjiang/")),
    ("https://gongjiang.bjzgh.org/?x=1", WITH_PATH.format(text="https://gongjiang.bjzgh.org/?x=1")),
    ("https://staff@gongjiang.bjzgh.org", WITH_PATH.format(text="https://staff@gongjiang.bjzgh.org")),
])
def test_not_an_address(text, message):
    with pytest.raises(SiteUrlError) as exc:
        normalise(text, "SITEURL")
    assert str(exc.value) == message


@pytest.mark.parametrize("text", [
    PLACEHOLDER, "https://example.org", "https://www.example.com", "https://gongjiang.test", "https://site.example",
    "https://localhost:8000", "https://127.0.0.1", "https://10.0.0.8", "https://192.168.1.20", "https://intranet",
])
def test_placeholders_are_not_published(text):
    with pytest.raises(SiteUrlError) as exc:
        require_public(text, "SITEURL")
    assert str(exc.value) == PLACEHOLDER_REFUSED.format(base=normalise(text, "SITEURL"), where="SITEURL")


def test_plain_http_is_not_published():
    with pytest.raises(SiteUrlError) as exc:
        require_public("http://gongjiang.bjzgh.org", "SITEURL")
    assert str(exc.value) == (
        "网站地址 http://gongjiang.bjzgh.org（SITEURL）不是 https 地址：正式网站请使用 https，"
        "例如 SITEURL=https://gongjiang.bjzgh.org"
    )
    assert require_public("https://gongjiang.bjzgh.org/", "SITEURL") == REAL


# --------------------------------------------------------------------------
# make publish: a real address, and a site built for it


def built_site(root: Path, base: str) -> Path:
    out = root / "output"
    out.mkdir(parents=True)
    (out / "index.html").write_text("首页", "utf-8")
    (out / "sitemap.xml").write_text(
        f'<?xml version="1.0" encoding="utf-8"?>\n<urlset><url><loc>{base}/</loc></url></urlset>\n', "utf-8")
    return out


def project(tmp_path, base_setting: str) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "pelican.conf.py").write_text(f'GONGJIANG_CANONICAL_BASE = "{base_setting}"\n', "utf-8")
    return root


def test_publish_refuses_the_placeholder_of_pelican_conf(tmp_path):
    root = project(tmp_path, PLACEHOLDER)
    built_site(root, PLACEHOLDER)
    dest = tmp_path / "www"
    rc, out, err = cli("--root", str(root), "publish", "--target", f"dir:{dest}")
    assert (rc, out) == (2, "")
    assert err == PLACEHOLDER_REFUSED.format(base=PLACEHOLDER, where=CONF) + "\n"
    assert not dest.exists()


def test_publish_refuses_a_placeholder_given_on_the_command_line(tmp_path):
    root = project(tmp_path, REAL)
    built_site(root, REAL)
    rc, out, err = cli("--root", str(root), "publish", "--target", f"dir:{tmp_path / 'www'}",
                       "--siteurl", "https://gongjiang.example.com/")
    assert (rc, out) == (2, "")
    assert err == PLACEHOLDER_REFUSED.format(base="https://gongjiang.example.com", where="SITEURL") + "\n"


def test_publish_refuses_a_site_built_for_another_address(tmp_path):
    root = project(tmp_path, PLACEHOLDER)
    out = built_site(root, PLACEHOLDER)  # make html without SITEURL, then make publish SITEURL=...
    dest = tmp_path / "www"
    rc, stdout, err = cli("--root", str(root), "publish", "--target", f"dir:{dest}", "--siteurl", REAL)
    assert (rc, stdout) == (2, "")
    assert err == (
        f"{out} 中的网站是按网站地址 {PLACEHOLDER} 生成的，不是 {REAL}：其中的链接、二维码和分享图片都指向 {PLACEHOLDER}。"
        f"请运行 make publish SITEURL={REAL}（会先按这个地址重新生成）\n"
    )
    assert not dest.exists()
    (out / "sitemap.xml").unlink()
    rc, stdout, err = cli("--root", str(root), "publish", "--target", f"dir:{dest}", "--siteurl", REAL)
    assert (rc, stdout) == (2, "")
    assert err == f"{out} 中的网站没有网站地图（sitemap.xml），无法确认它是按网站地址 {REAL} 生成的：请先运行 make html SITEURL={REAL}\n"


def test_publish_with_a_real_address(tmp_path):
    root = project(tmp_path, REAL)
    built_site(root, REAL)
    dest = tmp_path / "www"
    rc, out, err = cli("--root", str(root), "publish", "--target", f"dir:{dest}")
    assert (rc, err) == (0, "")
    assert out == f"发布到 dir:{dest}：新增 2 个文件，更新 0 个，删除 0 个，未变 0 个。\n"


def test_build_rejects_a_malformed_address_before_building(tmp_path):
    rc, out, err = cli("--root", str(tmp_path), "build", "--output", str(tmp_path / "out"),
                       "--siteurl", "https://bjzgh.org/gongjiang/")
    assert (rc, out) == (2, "")
    assert err == WITH_PATH.format(text="https://bjzgh.org/gongjiang/") + "\n"
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------
# one address for every absolute URL of the site


@pytest.mark.slow
def test_every_absolute_url_uses_the_site_address(tmp_path):
    site = SiteProject(tmp_path / "project").write_stages()  # named through to the honor roll
    for extra in sorted(site.path("data/candidates/2099").glob("*.yaml"))[3:]:  # SiteProject's, not in STAGES
        extra.unlink()
    site.story("gushi", "2099-001")
    out = site.build("2099-12-31", tmp_path / "out", GONGJIANG_CANONICAL_BASE=REAL,
                     GONGJIANG_ENGINE="gongjiang_pipeline.engine:run")
    text = {name: data.decode("utf-8") for name, data in files(out).items()
            if name.endswith((".html", ".xml", ".ics", ".svg", ".json", ".txt", ".csv", "_headers"))}
    assert not [name for name, t in text.items() if "example.org" in t]
    assert built_with(out) == REAL
    locs = re.findall(r"<loc>([^<]*)</loc>", text["sitemap.xml"])
    assert locs and all(u.startswith(REAL + "/") for u in locs)
    feed = text["feeds/stories.atom.xml"]
    assert f'<link href="{REAL}/stories/gushi/"' in feed
    badged = sorted({p.parent for p in out.glob("craftsmen/*/badge*.png")})
    assert badged, "the named craftsman has a badge kit"
    for folder in badged:
        url = f"{REAL}/craftsmen/{folder.name}/"
        page = text[f"craftsmen/{folder.name}/index.html"]
        assert f'<link rel="canonical" href="{url}">' in page
        assert f'<meta property="og:url" content="{url}">' in page
        assert f'<meta property="og:image" content="{url}share.png">' in page  # the share card
        for png in [folder / "qr.png", *sorted(folder.glob("badge*.png"))]:
            codes = zxingcpp.read_barcodes(Image.open(png).convert("L"))
            assert [r.text for r in codes] == [url], png.name


def test_certificates_of_a_real_edition_need_the_real_address(sample, tmp_path):
    f = sample / "data/editions/2016.yaml"
    f.write_text(f.read_text("utf-8").replace("\nsample: true\n", "\n"), "utf-8")
    out = tmp_path / "certs"
    rc, stdout, err = cli("--root", str(sample), "certificates", "2016", "--output", str(out), "--siteurl", PLACEHOLDER)
    assert (rc, stdout) == (2, "")
    assert err == PLACEHOLDER_REFUSED.format(base=PLACEHOLDER, where="SITEURL") + "\n"
    rc, stdout, err = cli("--root", str(sample), "certificates", "2016", "--output", str(out))
    assert (rc, stdout) == (2, "")
    assert err == f"没有设置网站地址（{CONF}）：请写成 https://域名，例如 SITEURL=https://gongjiang.bjzgh.org\n"
    assert not out.exists()


# --------------------------------------------------------------------------
# the build says when 公示 lists cannot be in the official 横竖撇点折 order (issue 17.5)


@pytest.mark.slow
def test_build_prints_the_stroke_order_notice_without_the_data(tmp_path, monkeypatch):
    from gongjiang_pipeline import strokes

    site = SiteProject(tmp_path / "project")
    args = ("--root", str(site.root), "build", "--output", str(tmp_path / "out"), "--as-of", "2099-07-01")
    rc, out, err = cli(*args)
    assert (rc, err) == (0, "")  # the test extras install the stroke-order data
    monkeypatch.setattr(strokes, "default_stroke_order", lambda: None)
    rc, out, err = cli(*args, "--force")
    assert (rc, err) == (0, strokes.stroke_order_note(None) + "\n")
    assert "提示：未安装笔顺数据" in err
