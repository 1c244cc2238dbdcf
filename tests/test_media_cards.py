"""Share cards: real Chinese glyphs (never boxes), size, determinism, no metadata; fonts."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from mediakit import figure, metadata_problems
from PIL import Image, ImageChops, ImageFont

from gongjiang_pipeline.media import cards, fonts
from gongjiang_pipeline.media.cache import MediaCache
from gongjiang_pipeline.media.cards import CardRequest, CardText, prepare_cards, render_card
from gongjiang_pipeline.sitemodel import Honour, Person, Ref

NOTO = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2)


def dejavu() -> fonts.FontRef:
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf"):
        if Path(path).is_file():
            return fonts.FontRef(path)
    pytest.fail("DejaVu Sans is needed for this test (Debian: fonts-dejavu-core, installed by .ci/run)")


@pytest.fixture(scope="module")
def cjk() -> fonts.FontChoice:
    choice, why = fonts.find_cjk_font()
    assert choice is not None, f"{why} (CI installs fonts-noto-cjk in .ci/run)"
    return choice


def person(**kw) -> Person:
    base = dict(
        id="2099-001", slug="shan-lixin", name="单立新", female=False, gender="男", employer="北京京测地理信息有限公司",
        occupation=Ref("surveyor", "工程测量员"), district=Ref("fangshan", "房山区"), sector=Ref("services", "服务业"),
        citation="用毫米级的精度为首都地下交通网络“定位导航”。", titles=(), achievements=(), photo="photos/x.jpg",
        edition_id="2099", edition_name="2099年“北京大工匠”选树（示例）", sample=True, public_since=dt.date(2099, 4, 1),
        honours=(
            Honour("2099", "nominees", "提名人选", dt.date(2099, 4, 1)),
            Honour("2099", "popularity", "最佳人气奖", dt.date(2099, 4, 25)),
            Honour("2099", "craftsmen", "北京大工匠", dt.date(2099, 6, 20)),
        ),
    )
    base.update(kw)
    return Person(**base)


def test_the_sample_font_is_noto_sans_cjk_sc(cjk):
    assert (cjk.regular.path, cjk.regular.index) == NOTO
    assert cjk.bold.path.endswith("NotoSansCJK-Bold.ttc")


def test_missing_glyphs_are_detected():
    noto = fonts.FontRef(*NOTO).load(40)
    assert fonts.missing(noto, "单立新 工程测量员（示例）“北京大工匠”2099") == []
    assert fonts.missing(dejavu().load(40), "单立新 ABC") == ["单", "立", "新"]
    assert fonts.missing(ImageFont.load_default(40), "北京") == ["北", "京"]


def test_coverage_is_remembered_per_font_file(tmp_path):
    text = "单立新 ABC 北京大工匠"
    font = tmp_path / "fonts" / "DejaVuSans.ttf"
    font.parent.mkdir()
    font.write_bytes(Path(dejavu().path).read_bytes())
    ref, store = fonts.FontRef(str(font)), tmp_path / "coverage.json"
    first = fonts.Coverage(store)
    assert first.missing(ref, text) == fonts.missing(ref.load(40), text) == list("单立新北京大工匠")
    assert first.glyphs == len(set(text.replace(" ", "")))
    assert first.missing(ref, text + "A") == list("单立新北京大工匠") and first.glyphs == len(set(text.replace(" ", "")))
    digest = first.digest(ref)
    first.save()
    again = fonts.Coverage(store)  # the next build
    assert again.missing(ref, text) == list("单立新北京大工匠") and again.glyphs == 0
    assert again.digest(ref) == digest == ref.digest()
    assert again.missing(ref, "工匠Z") == ["工", "匠"] and again.glyphs == 1  # only Z is new
    # another size is another check; a changed font file (modification time) is checked again
    assert again.missing(ref, "AB", size=32) == [] and again.glyphs == 3
    again.save()
    st = font.stat()
    os.utime(font, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    changed = fonts.Coverage(store)
    assert changed.missing(ref, text) == list("单立新北京大工匠") and changed.glyphs > 0


def test_a_damaged_coverage_file_is_ignored(tmp_path):
    store = tmp_path / "coverage.json"
    store.write_bytes(b'{"version": "coverage-1", "faces": [')
    cov = fonts.Coverage(store)
    assert cov.missing(fonts.FontRef(*NOTO), "北京") == [] and cov.glyphs == 2


def test_configured_font_without_chinese_is_refused_with_a_reason():
    choice, why = fonts.find_cjk_font(dejavu().path)
    assert choice is None and "不含中文字形" in why
    choice, why = fonts.find_cjk_font(("/no/such/font.ttc", 2))
    assert choice is None and why == "GONGJIANG_CJK_FONT 指定的字体文件不存在：/no/such/font.ttc"
    choice, why = fonts.find_cjk_font(NOTO)
    assert choice is not None and choice.regular == fonts.FontRef(*NOTO)


def test_awards_most_significant_first():
    assert cards.awards(person()) == ("北京大工匠", "最佳人气奖")
    assert cards.awards(person(honours=(Honour("2099", "nominees", "提名人选", dt.date(2099, 4, 1)),))) == ("提名人选",)


def _text_region(png: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(png)).convert("RGB")
    return im.crop((cards.TEXT_LEFT, 0, cards.SIZE[0], cards.SIZE[1] - 30))


def _ink(region: Image.Image) -> int:
    """Pixels of the region that are not the card's background."""
    bg = Image.new("RGB", region.size, cards.PAPER)
    diff = ImageChops.difference(region, bg).convert("L").point(lambda v: 255 if v > 40 else 0)
    return diff.histogram()[255]


def test_card_text_is_drawn_in_real_chinese_glyphs(cjk):
    card = cards.person_card(person(), "北京大工匠")
    portrait = figure((480, 640))
    real = render_card(card, cjk, portrait)
    tofu = render_card(card, fonts.FontChoice(dejavu(), dejavu()), portrait)
    regular_only = render_card(card, fonts.FontChoice(fonts.FontRef(*NOTO), fonts.FontRef(*NOTO)), portrait)
    assert Image.open(io.BytesIO(real)).size == (1200, 630)
    text = _text_region(real)
    assert _ink(text) > 20_000  # name, occupation, employer, awards, edition: not a blank box
    # the same text in a font without Chinese draws something else (boxes)
    assert ImageChops.difference(text, _text_region(tofu)).getbbox() is not None
    assert _ink(ImageChops.difference(text, _text_region(tofu))) > 10_000
    # the name is drawn large: its line alone has plenty of ink
    name_line = Image.open(io.BytesIO(real)).convert("RGB").crop((cards.TEXT_LEFT, 130, 1140, 250))
    assert _ink(name_line) > 8_000
    assert regular_only != real  # the bold face is used for name and awards


def test_card_portrait_is_on_the_card(cjk):
    png = render_card(cards.person_card(person(), "北京大工匠"), cjk, figure((480, 640)))
    im = Image.open(io.BytesIO(png)).convert("RGB")
    x0, y0, _, _ = cards.PORTRAIT_BOX
    assert im.getpixel((x0 + 5, y0 + 5))[0] > 180  # the red mark of the test figure, top-left of the box


def test_list_card(cjk):
    ev = type("Ev", (), {"name": "2099年“北京大工匠”选树（示例）", "sample": True})()
    lv = type("Lv", (), {"title": "提名人选", "people": (1, 2, 3), "publish_on": dt.date(2099, 4, 1)})()
    card = cards.list_card(ev, lv, "北京大工匠")
    assert card.title == "提名人选名单" and card.lines[1] == "共 3 人 · 2099年4月1日公布"
    png = render_card(card, cjk)
    im = Image.open(io.BytesIO(png)).convert("RGB")
    assert im.size == (1200, 630)
    assert _ink(im.crop((cards.LIST_TEXT_LEFT, 160, 1140, 300))) > 10_000


def test_cards_are_deterministic_and_clean(cjk):
    card = cards.person_card(person(), "北京大工匠")
    a = render_card(card, cjk, figure((480, 640)))
    b = render_card(card, cjk, figure((480, 640)))
    assert a == b
    assert metadata_problems(a) == []


def test_long_texts_shrink_to_fit(cjk):
    card = CardText("北京大工匠", "欧阳" * 10, ("超长的工种名称" * 5, "北京" * 40), ("北京大工匠提名奖",), "届次" * 30)
    png = render_card(card, cjk, figure((480, 640)))
    im = Image.open(io.BytesIO(png)).convert("RGB")
    # nothing is drawn over the right margin
    assert _ink(im.crop((1150, 0, 1200, 600))) == 0


def test_prepare_cards_caches_and_refuses_missing_glyphs(cjk, tmp_path):
    cache = MediaCache(tmp_path)
    ok = CardRequest("craftsman:2099-001", cards.person_card(person(), "北京大工匠"), None, "候选人 2099-001（单立新）")
    rare = CardRequest("craftsman:2099-002", cards.person_card(person(name="王\U000323af"), "北京大工匠"), None,
                       "候选人 2099-002（王\U000323af）")
    first = prepare_cards([ok, rare], cjk, cache)
    assert set(first.cards) == {"craftsman:2099-001"} and first.rendered == 1
    assert first.warnings == ["候选人 2099-002（王\U000323af）：字体缺少“\U000323af”的字形，未生成分享图片"]
    assert first.glyphs > 0
    second = prepare_cards([ok], cjk, cache)
    assert second.rendered == 0 and second.decoded == 0 and second.workers == 0
    assert second.glyphs == 0  # the font checks are in the cache (fonts/coverage.json)
    assert second.cards["craftsman:2099-001"].path.read_bytes() == first.cards["craftsman:2099-001"].path.read_bytes()
