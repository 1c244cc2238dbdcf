"""Media in built sites: portraits, share cards, QR codes, posters, photo errors, the cache, no font."""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import re
import shutil
import stat
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import zxingcpp
from mediakit import encode, figure, jpeg_with_everything, metadata_problems, png_header
from PIL import Image
from sitekit import SiteProject, fake_engine, files

from gongjiang_pipeline.errors import DataError, GongjiangError
from gongjiang_pipeline.sitebuild import build_site

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
IMAGE_SUFFIXES = (".jpg", ".webp", ".png")
BASE = "https://gongjiang.example.org"  # GONGJIANG_CANONICAL_BASE of pelican.conf.py


def add_photo(site: SiteProject, cid: str, data: bytes, name: str | None = None) -> str:
    name = name or f"{cid}.jpg"
    site.write_bytes(f"data/photos/{name}", data)
    p = site.path(f"data/candidates/2099/{cid}.yaml")
    text = re.sub(r"(?m)^photo: .*\n", "", p.read_text("utf-8"))
    p.write_text(text.replace("citation:", f"photo: photos/{name}\ncitation:"), "utf-8")
    return name


def build(site: SiteProject, as_of: str, out: Path, **override):
    override.setdefault("GONGJIANG_ENGINE", fake_engine)
    return build_site(site.root, out, dt.date.fromisoformat(as_of), override=override).media


def decode_qr(path: Path) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(path).convert("L"))]


def dejavu() -> str:
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf"):
        if Path(path).is_file():
            return path
    pytest.fail("DejaVu Sans is needed for this test (Debian: fonts-dejavu-core, installed by .ci/run)")


@pytest.fixture
def site(tmp_path):
    s = SiteProject(tmp_path / "project")
    add_photo(s, "2099-001", jpeg_with_everything())  # craftsman; orientation 6, GPS, XMP, ICC, comment
    add_photo(s, "2099-002", encode(figure(), "PNG"), "2099-002.png")
    add_photo(s, "2099-005", encode(figure(), "JPEG"))  # never public
    return s


def test_portraits_in_every_width_and_format_only_for_public_people(site, tmp_path):
    out = tmp_path / "out"
    stats = build(site, "2099-07-01", out)
    names = files(out)
    photos = sorted(n for n in names if n.startswith("photos/"))
    assert photos == sorted(
        f"photos/{slug}-{w}.{ext}" for slug in ("zhang-jianguo", "li-xiuying") for w in (240, 480, 600) for ext in ("jpg", "webp")
    )
    assert stats.photos == 3  # the non-public candidate's photo is checked too, but never published
    for n in photos:
        assert metadata_problems(names[n]) == [], n
        im = Image.open(io.BytesIO(names[n]))
        w = int(re.search(r"-(\d+)\.", n).group(1))
        assert im.size == (w, w * 4 // 3)
    assert Image.open(out / "photos/zhang-jianguo-600.jpg").convert("RGB").getpixel((3, 3))[0] > 180  # upright


def test_picture_markup(site, tmp_path):
    out = tmp_path / "out"
    build(site, "2099-07-01", out)
    page = (out / "craftsmen/zhang-jianguo/index.html").read_text("utf-8")
    assert '<source type="image/webp" srcset="/photos/zhang-jianguo-240.webp 240w, /photos/zhang-jianguo-480.webp 480w, /photos/zhang-jianguo-600.webp 600w"' in page
    hero = re.search(r'<img class="portrait"[^>]*>', page).group(0)
    assert 'src="/photos/zhang-jianguo-480.jpg"' in hero and 'width="480" height="640"' in hero
    assert 'srcset="/photos/zhang-jianguo-240.jpg 240w, /photos/zhang-jianguo-480.jpg 480w, /photos/zhang-jianguo-600.jpg 600w"' in hero
    assert 'loading="lazy"' not in hero and 'fetchpriority="high"' in hero  # the hero image loads at once
    listing = (out / "craftsmen/index.html").read_text("utf-8")
    thumbs = re.findall(r'<img class="card-photo"[^>]*>', listing)
    assert len(thumbs) == 2 and all('loading="lazy"' in t and 'width="' in t and 'height="' in t for t in thumbs)
    # 王芳 has no photo: no image, no broken link
    assert "<picture>" not in (out / "craftsmen/wang-fang/index.html").read_text("utf-8").split("<main")[1].split("分享与打印")[0]


def test_share_cards_are_the_open_graph_images(site, tmp_path):
    out = tmp_path / "out"
    build(site, "2099-07-01", out)
    page = (out / "craftsmen/zhang-jianguo/index.html").read_text("utf-8")
    for tag in (
        f'<meta property="og:image" content="{BASE}/craftsmen/zhang-jianguo/share.png">',
        '<meta property="og:image:width" content="1200">',
        '<meta property="og:image:height" content="630">',
        '<meta property="og:image:type" content="image/png">',
        '<meta name="twitter:card" content="summary_large_image">',
    ):
        assert tag in page
    listing = (out / "editions/2099/craftsmen/index.html").read_text("utf-8")
    assert f'<meta property="og:image" content="{BASE}/editions/2099/craftsmen/share.png">' in listing
    cards = sorted(n for n in files(out) if n.endswith("share.png"))
    assert cards == sorted(
        [f"craftsmen/{s}/share.png" for s in ("zhang-jianguo", "li-xiuying", "wang-fang", "zhang-san", "zhang-san-2")]
        + [f"editions/2099/{k}/share.png" for k in ("nominees", "popularity", "notice", "craftsmen", "nomination_award")]
    )
    for n in cards:
        data = (out / n).read_bytes()
        assert Image.open(io.BytesIO(data)).size == (1200, 630) and metadata_problems(data) == []
    story_free = (out / "craftsmen/wang-fang/index.html").read_text("utf-8")  # no photo: still a card
    assert f'content="{BASE}/craftsmen/wang-fang/share.png"' in story_free


def test_second_build_processes_no_image(site, tmp_path):
    first = build(site, "2099-07-01", tmp_path / "a")
    assert first.photos_processed == 3 and first.cards_rendered == 10
    assert first.decoded == 3 + 2  # three photos, two portraits drawn on cards
    second = build(site, "2099-07-01", tmp_path / "b")
    assert second.photos_processed == 0
    assert second.cards_rendered == 0
    assert second.decoded == 0
    assert second.workers == 0
    assert files(tmp_path / "a") == files(tmp_path / "b")  # byte-identical, cache or not
    # a changed photo is processed again, and so is the card that shows it
    add_photo(site, "2099-002", encode(figure(colour=(10, 80, 10)), "PNG"), "2099-002.png")
    third = build(site, "2099-07-01", tmp_path / "c")
    assert (third.photos_processed, third.cards_rendered, third.decoded) == (1, 1, 2)


def test_cache_folder_setting(site, tmp_path):
    stats = build(site, "2099-07-01", tmp_path / "out", GONGJIANG_MEDIA_CACHE=str(tmp_path / "elsewhere"))
    assert stats.photos_processed == 3
    assert (tmp_path / "elsewhere" / "portraits").is_dir() and not (site.root / "cache").exists()


def test_qr_codes_and_poster(site, tmp_path):
    out = tmp_path / "out"
    stats = build(site, "2099-07-01", out)
    assert decode_qr(out / "craftsmen/zhang-jianguo/qr.png") == [f"{BASE}/craftsmen/zhang-jianguo/"]
    assert (out / "craftsmen/zhang-jianguo/qr.svg").read_bytes().startswith(b"<svg")
    page = (out / "craftsmen/zhang-jianguo/index.html").read_text("utf-8")
    assert 'src="/craftsmen/zhang-jianguo/qr.svg"' in page and 'href="/craftsmen/zhang-jianguo/poster/"' in page
    poster = (out / "craftsmen/zhang-jianguo/poster/index.html").read_text("utf-8")
    for part in ("张建国", "焊工", "北京大工匠", "三十年如一日钻研焊接技术。", 'src="/craftsmen/zhang-jianguo/qr.svg"',
                 '<meta name="robots" content="noindex">', f'<link rel="canonical" href="{BASE}/craftsmen/zhang-jianguo/">',
                 "/photos/zhang-jianguo-600.jpg", "poster.css"):
        assert part in poster, part
    assert "poster" not in (out / "sitemap.xml").read_text("utf-8")
    assert stats.posters == 5 and stats.qr_codes == 5  # voting is over: no voting QR


def test_voting_qr_while_the_vote_is_open(site, tmp_path):
    out = build_out = tmp_path / "open"
    build(site, "2099-04-10", out)  # nominees published 04-01, voting 04-02 .. 04-20
    assert decode_qr(out / "editions/2099/nominees/qr.png") == [f"{BASE}/editions/2099/nominees/"]
    for page in ("editions/2099/nominees/index.html", "editions/2099/index.html"):
        assert 'src="/editions/2099/nominees/qr.svg"' in (out / page).read_text("utf-8"), page
    closed = tmp_path / "closed"
    build(site, "2099-04-21", closed)
    assert not (closed / "editions/2099/nominees/qr.svg").exists()
    assert "qr.svg" not in (closed / "editions/2099/index.html").read_text("utf-8")
    assert build_out.exists()


def test_voting_qr_points_to_the_edition_page_without_a_nominees_list(site, tmp_path):
    def no_lists(ed):
        res = fake_engine(ed)
        return type(res)(res.edition_id, {}, traces={})

    out = tmp_path / "out"
    build(site, "2099-04-10", out, GONGJIANG_ENGINE=no_lists)
    assert decode_qr(out / "editions/2099/qr.png") == [f"{BASE}/editions/2099/"]
    assert 'src="/editions/2099/qr.svg"' in (out / "editions/2099/index.html").read_text("utf-8")


# --------------------------------------------------------------------------
# bad photos: every problem listed once, nothing written, previous output kept


def test_bad_photos_fail_the_build_with_every_problem(site, tmp_path):
    add_photo(site, "2099-003", encode(figure(), "JPEG")[:2500])
    add_photo(site, "2099-004", png_header(10000, 10000), "2099-004.png")
    add_photo(site, "2099-006", encode(figure(), "GIF"))
    tiny = add_photo(site, "2099-002", encode(figure((240, 320)), "JPEG"), "tiny.jpg")
    with pytest.raises(DataError) as err:
        build(site, "2099-07-01", tmp_path / "out")

    def at(cid):
        lines = site.path(f"data/candidates/2099/{cid}.yaml").read_text("utf-8").splitlines()
        line = next(i for i, t in enumerate(lines, 1) if t.startswith("photo:"))
        return f"data/candidates/2099/{cid}.yaml:{line}:8: photo: "

    assert str(err.value).splitlines() == [
        at("2099-002") + f"照片 data/photos/{tiny} 太小（240×320 像素）：裁成 3:4 竖幅后至少应为 300×400 像素",
        at("2099-003") + "照片 data/photos/2099-003.jpg 已损坏，无法读取",
        at("2099-004") + "照片 data/photos/2099-004.png 的像素过多（10000×10000，约 10000 万像素），超过上限 4000 万像素；请缩小后再提交",
        at("2099-006") + "照片 data/photos/2099-006.jpg 的实际格式是 GIF，不支持；请转换为 JPEG、PNG 或 WebP 格式",
        "数据检查未通过：4 个文件中共有 4 处错误。",
    ]
    assert not (tmp_path / "out").exists()


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gongjiang_pipeline", "--root", str(root), "build", *args],
        capture_output=True, text=True, timeout=600, env=dict(os.environ, PYTHONHASHSEED="0"),
    )


def test_cli_bad_photo_exits_1_and_keeps_the_previous_site(site, tmp_path):
    out = tmp_path / "site"
    ok = _cli(site.root, "--output", str(out), "--as-of", "2099-01-20")
    assert ok.returncode == 0, ok.stderr
    assert "图片：照片 3 张（本次处理 3 张" in ok.stdout
    before = files(out)
    add_photo(site, "2099-003", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    bad = _cli(site.root, "--output", str(out), "--as-of", "2099-01-20")
    assert bad.returncode == 1
    assert "照片 data/photos/2099-003.jpg 的实际格式是 SVG（矢量图），不支持；请转换为 JPEG、PNG 或 WebP 格式" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert files(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]  # no half-built folder left


# --------------------------------------------------------------------------
# no CJK font: a Chinese warning, the portrait as og:image, never boxes


NO_FONT = "不含中文字形，未生成分享图片，工匠页面改用照片作为分享图片。"


def test_without_a_cjk_font_pages_use_the_portrait(site, tmp_path):
    out = tmp_path / "out"
    stats = build(site, "2099-07-01", out, GONGJIANG_CJK_FONT=dejavu())
    assert len(stats.warnings) == 1 and NO_FONT in stats.warnings[0] and "fonts-noto-cjk" in stats.warnings[0]
    assert not [n for n in files(out) if n.endswith("share.png")]
    page = (out / "craftsmen/zhang-jianguo/index.html").read_text("utf-8")
    assert f'<meta property="og:image" content="{BASE}/photos/zhang-jianguo-600.jpg">' in page
    assert '<meta property="og:image:width" content="600">' in page and '<meta name="twitter:card" content="summary">' in page
    assert "og:image" not in (out / "craftsmen/wang-fang/index.html").read_text("utf-8")  # no photo, no card
    assert "og:image" not in (out / "editions/2099/craftsmen/index.html").read_text("utf-8")


def test_cli_prints_the_missing_font_warning_in_chinese(site, tmp_path):
    conf = site.path("pelican.conf.py")
    conf.write_text(conf.read_text("utf-8") + f"\nGONGJIANG_CJK_FONT = {dejavu()!r}\n", "utf-8")
    res = _cli(site.root, "--output", str(tmp_path / "site"), "--as-of", "2099-01-20")
    assert res.returncode == 0, res.stderr
    assert f"警告：GONGJIANG_CJK_FONT 指定的字体（{dejavu()}，第 0 个字体）{NO_FONT}" in res.stderr


# --------------------------------------------------------------------------
# the sample site


def test_every_image_of_the_sample_site_is_clean(tmp_path):
    out = tmp_path / "site"
    stats = build_site(ROOT, out, dt.date(2026, 12, 1)).media
    images = [p for p in sorted(out.rglob("*")) if p.suffix in IMAGE_SUFFIXES]
    assert stats.photos == 117 and stats.warnings == []
    assert len([p for p in images if p.parent.name == "photos"]) == 6 * 52  # 54 public, 52 with photos
    for p in images:
        assert metadata_problems(p.read_bytes()) == [], p
    for p in images:
        if p.parent.name == "photos":
            w, h = Image.open(p).size
            assert h > w, p  # 2016-083 and 2016-091 are stored sideways (orientation 6)


# --------------------------------------------------------------------------
# printing (needs Chromium and poppler-utils: skipped with a notice outside CI, a failure in CI)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing (.ci/run installs it)")
        pytest.skip(f"{name} not installed")
    return path


@pytest.mark.browser
def test_poster_prints_on_exactly_one_a4_page(site, tmp_path):
    chromium, pdfinfo = _tool("chromium"), _tool("pdfinfo")
    p = site.path("data/candidates/2099/2099-001.yaml")
    long_citation = "他扎根生产一线三十年，" + "潜心钻研焊接工艺，攻克多项技术难题，" * 9 + "带出一支技术过硬的团队。"
    assert len(long_citation) <= 200
    p.write_text(p.read_text("utf-8").replace("三十年如一日钻研焊接技术。", long_citation)
                 .replace("北京示例机械有限公司", "北京示例重型机械装备制造集团有限公司第一分公司"), "utf-8")
    out = tmp_path / "out"
    build(site, "2099-07-01", out)
    handler = partial(SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *a: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        pdf = tmp_path / "poster.pdf"
        url = f"http://127.0.0.1:{server.server_address[1]}/craftsmen/zhang-jianguo/poster/"
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
             f"--user-data-dir={tmp_path / 'chrome'}", f"--print-to-pdf={pdf}", url],
            capture_output=True, timeout=120, check=True,
        )
    finally:
        server.shutdown()
        thread.join()
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    w, h = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups())
    assert abs(w - 595.3) < 1.5 and abs(h - 841.9) < 1.5, info  # A4


# --------------------------------------------------------------------------
# the media cache: QR codes and font checks are not redone, damage is never published


def _qr_entries(cache: Path) -> list[Path]:
    return sorted(p for p in (cache / "qr").glob("*/*") if p.is_dir())


def test_warm_build_encodes_no_qr_code_and_renders_no_glyph(site, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cold = build(site, "2099-04-10", tmp_path / "a", GONGJIANG_MEDIA_CACHE=str(cache))  # vote open: a voting QR too
    assert (cold.qr_encoded, cold.qr_reused) == (6, 0) and cold.qr_codes == 6
    assert cold.glyphs_checked > 0
    assert len(_qr_entries(cache)) == 6

    def forbidden(*a, **k):
        raise AssertionError("a warm build must not do this")

    # not just the counters: encoding a QR code, rendering a glyph or opening an image would fail the build
    import segno
    from PIL import Image, ImageFont

    monkeypatch.setattr(segno, "make", forbidden)
    monkeypatch.setattr(ImageFont.FreeTypeFont, "getmask", forbidden)
    monkeypatch.setattr(Image, "open", forbidden)
    warm = build(site, "2099-04-10", tmp_path / "b", GONGJIANG_MEDIA_CACHE=str(cache))
    monkeypatch.undo()
    assert (warm.qr_encoded, warm.qr_reused) == (0, 6) and warm.qr_codes == 6
    assert warm.glyphs_checked == 0
    assert (warm.photos_processed, warm.cards_rendered, warm.decoded, warm.workers, warm.repaired) == (0, 0, 0, 0, 0)
    assert "二维码 6 个（本次生成 0 个，其余来自缓存）" in warm.summary()
    assert files(tmp_path / "a") == files(tmp_path / "b")
    # the same output as a build without any cache
    fresh = build(site, "2099-04-10", tmp_path / "c", GONGJIANG_MEDIA_CACHE=str(tmp_path / "empty"))
    assert fresh.qr_encoded == 6
    assert files(tmp_path / "c") == files(tmp_path / "a")


def test_a_changed_url_makes_a_new_qr_code(site, tmp_path):
    cache = str(tmp_path / "cache")
    build(site, "2099-07-01", tmp_path / "a", GONGJIANG_MEDIA_CACHE=cache)
    other = "https://gongjiang.example.net"
    moved = build(site, "2099-07-01", tmp_path / "b", GONGJIANG_MEDIA_CACHE=cache, GONGJIANG_CANONICAL_BASE=other)
    assert (moved.qr_encoded, moved.qr_reused) == (5, 0)
    assert decode_qr(tmp_path / "b/craftsmen/zhang-jianguo/qr.png") == [f"{other}/craftsmen/zhang-jianguo/"]
    # a new slug: only that person's code is encoded again
    p = site.path("data/candidates/2099/2099-001.yaml")
    p.write_text(p.read_text("utf-8").replace("name: 张建国\n", "name: 张建国\nname_pinyin: zhangjian guo\n"), "utf-8")
    renamed = build(site, "2099-07-01", tmp_path / "c", GONGJIANG_MEDIA_CACHE=cache)
    slug = "zhangjian-guo"
    assert not (tmp_path / "c/craftsmen/zhang-jianguo").exists()
    assert (renamed.qr_encoded, renamed.qr_reused) == (1, 4)
    assert decode_qr(tmp_path / f"c/craftsmen/{slug}/qr.png") == [f"{BASE}/craftsmen/{slug}/"]
    assert f'src="/craftsmen/{slug}/qr.svg"' in (tmp_path / f"c/craftsmen/{slug}/index.html").read_text("utf-8")


def test_a_changed_name_makes_only_that_persons_card_in_one_pool(site, tmp_path):
    cache = str(tmp_path / "cache")
    cold = build(site, "2099-07-01", tmp_path / "a", GONGJIANG_MEDIA_CACHE=cache, GONGJIANG_MEDIA_WORKERS=2)
    # every kind of image made, by one set of worker processes, timed per kind
    assert cold.cards_rendered == cold.cards > 1 and cold.pools == 1
    assert set(cold.kind_seconds) == {"photos", "cards", "badges", "qr"}
    before = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("share.png")}
    # 李秀英 -> 李秀瑛: the same reading (the same slug, URL and QR code), another character on the card
    p = site.path("data/candidates/2099/2099-002.yaml")
    text = p.read_text("utf-8")
    assert "name: 李秀英\n" in text
    p.write_text(text.replace("name: 李秀英\n", "name: 李秀瑛\nname_pinyin: li xiuying\n", 1), "utf-8")
    again = build(site, "2099-07-01", tmp_path / "b", GONGJIANG_MEDIA_CACHE=cache, GONGJIANG_MEDIA_WORKERS=2)
    assert (again.cards_rendered, again.qr_encoded, again.photos_processed) == (1, 0, 0)
    after = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("share.png")}
    assert set(after) == set(before)
    assert [k.as_posix() for k in sorted(before) if before[k] != after[k]] == ["craftsmen/li-xiuying/share.png"]
    # nothing to make: no process started
    warm = build(site, "2099-07-01", tmp_path / "c", GONGJIANG_MEDIA_CACHE=cache, GONGJIANG_MEDIA_WORKERS=2)
    assert (warm.cards_rendered, warm.pools) == (0, 0)


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete"])
def test_a_damaged_cache_entry_is_made_again_never_published(site, tmp_path, damage):
    cache = tmp_path / "cache"
    build(site, "2099-07-01", tmp_path / "a", GONGJIANG_MEDIA_CACHE=str(cache))
    good = files(tmp_path / "a")
    url = f"{BASE}/craftsmen/zhang-jianguo/"
    victims = [
        next(e for e in _qr_entries(cache) if url.encode() in (e / "qr.svg").read_bytes()) / "qr.png",
        next((cache / "cards").glob("*/*/card.png")),
        next(p for p in (cache / "portraits").glob("*/*/240.jpg") if p.read_bytes() == good["photos/zhang-jianguo-240.jpg"]),
    ]
    damaged = {(v.stat().st_dev, v.stat().st_ino) for v in victims}
    for v in victims:
        data = v.read_bytes()
        if damage == "truncate":
            v.write_bytes(data[: len(data) // 2])
        elif damage == "flip":
            v.write_bytes(data[:200] + bytes([data[200] ^ 0xFF]) + data[201:])
        else:
            v.unlink()
    again = build(site, "2099-07-01", tmp_path / "b", GONGJIANG_MEDIA_CACHE=str(cache))
    assert files(tmp_path / "b") == good  # byte for byte what a healthy cache gives
    assert not damaged & set(_identities(media_files(tmp_path / "b")))  # never a link to the damaged file
    assert again.repaired == 3
    assert (again.qr_encoded, again.cards_rendered, again.photos_processed) == (1, 1, 1)
    assert "缓存中有 3 项已损坏，已重新生成" in again.summary()
    third = build(site, "2099-07-01", tmp_path / "c", GONGJIANG_MEDIA_CACHE=str(cache))  # the cache is whole again
    assert (third.repaired, third.qr_encoded, third.cards_rendered, third.photos_processed) == (0, 0, 0, 0)


# --------------------------------------------------------------------------
# media files are hard links to their cache files (media.cache.place)


def media_files(out: Path) -> list[Path]:
    """Every file of the site that comes from the media cache: cards, QR codes, portraits."""
    return sorted(p for p in out.rglob("*") if p.is_file()
                  and (p.name in ("share.png", "qr.png", "qr.svg") or p.parent == out / "photos"))


def _identities(paths) -> dict[tuple[int, int], Path]:
    return {(st.st_dev, st.st_ino): p for p in paths for st in [p.stat()]}


def cache_files(cache: Path) -> dict[tuple[int, int], Path]:
    return _identities(p for p in cache.rglob("*") if p.is_file() and not p.name.endswith(".json"))


def modes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*") if p.is_file()}


def test_media_files_are_hard_links_to_their_cache_files(site, tmp_path):
    cache = tmp_path / "cache"
    build(site, "2099-07-01", tmp_path / "a", GONGJIANG_MEDIA_CACHE=str(cache))
    out, cached = tmp_path / "a", cache_files(cache)
    published = media_files(out)
    names = {p.relative_to(out).as_posix() for p in published}
    assert {"craftsmen/zhang-jianguo/share.png", "craftsmen/zhang-jianguo/qr.png", "craftsmen/zhang-jianguo/qr.svg",
            "editions/2099/craftsmen/share.png", "photos/zhang-jianguo-240.jpg", "photos/li-xiuying-600.webp"} <= names
    assert len(published) == 5 * 3 + 5 + 2 * 6  # per craftsman card and QR code, list cards, portraits
    for p in published:
        st = p.stat()
        assert (st.st_dev, st.st_ino) in cached and st.st_nlink >= 2, p
        assert cached[(st.st_dev, st.st_ino)].read_bytes() == p.read_bytes()
    # a second build links the same cache files again
    build(site, "2099-07-01", tmp_path / "b", GONGJIANG_MEDIA_CACHE=str(cache))
    assert set(_identities(media_files(tmp_path / "b"))) == set(_identities(published))


def test_where_links_fail_the_media_files_are_copies_and_the_site_is_the_same(site, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    build(site, "2099-07-01", tmp_path / "linked", GONGJIANG_MEDIA_CACHE=str(cache))

    def cross_device(src, dst, *args, **kwargs):  # what an output folder on another file system gives
        raise OSError(errno.EXDEV, "Invalid cross-device link", str(src))

    monkeypatch.setattr(os, "link", cross_device)
    build(site, "2099-07-01", tmp_path / "copied", GONGJIANG_MEDIA_CACHE=str(cache))
    monkeypatch.undo()
    linked, copied = tmp_path / "linked", tmp_path / "copied"
    assert files(copied) == files(linked)
    assert modes(copied) == modes(linked)
    published = media_files(copied)
    assert len(published) == len(media_files(linked)) > 0
    cached = cache_files(cache)
    for p in published:  # independent copies
        st = p.stat()
        assert st.st_nlink == 1 and (st.st_dev, st.st_ino) not in cached, p


def test_deleting_the_cache_leaves_the_published_files_whole(site, tmp_path):
    cache = tmp_path / "cache"
    build(site, "2099-07-01", tmp_path / "a", GONGJIANG_MEDIA_CACHE=str(cache))
    good = files(tmp_path / "a")
    shutil.rmtree(cache)  # the site keeps its own link to every file
    assert files(tmp_path / "a") == good
    assert all(p.stat().st_nlink == 1 for p in media_files(tmp_path / "a"))
    again = build(site, "2099-07-01", tmp_path / "b", GONGJIANG_MEDIA_CACHE=str(cache))
    assert again.photos_processed == 3 and files(tmp_path / "b") == good


def test_a_media_file_where_pelican_copies_a_static_file_is_refused(site, tmp_path):
    # Pelican would copy the theme's site.css over the card in place, through the link into the cache
    with pytest.raises(GongjiangError, match="输出文件重复：theme/css/site.css（图片或二维码与静态文件的位置相同"):
        build(site, "2099-07-01", tmp_path / "out", GONGJIANG_CRAFTSMAN_CARD_SAVE_AS="theme/css/site.css")
