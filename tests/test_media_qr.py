"""QR codes: they decode to the page URL (read back with zxing-cpp), SVG is valid, bytes are stable."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import zxingcpp
from mediakit import metadata_problems
from PIL import Image

from gongjiang_pipeline.media import qr

URL = "https://gongjiang.example.org/craftsmen/shan-lixin/"


def decode(im: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(im.convert("L"))]


def test_png_decodes_to_the_url():
    code = qr.make(URL)
    im = Image.open(io.BytesIO(code.png))
    assert im.size == (code.png_size, code.png_size) == (code.modules * qr.PNG_SCALE,) * 2
    assert decode(im) == [URL]
    assert metadata_problems(code.png) == []


def test_svg_is_valid_and_titled():
    code = qr.make(URL, title=f"二维码：{URL}")
    root = ET.fromstring(code.svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == root.get("height") == str(code.svg_size)
    assert root.find("{http://www.w3.org/2000/svg}title").text == f"二维码：{URL}"
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


def test_same_url_same_bytes_other_url_other_code():
    a, b = qr.make(URL), qr.make(URL)
    assert (a.svg, a.png) == (b.svg, b.png)
    other = qr.make(URL.replace("shan-lixin", "shan-lixin-2"))
    assert other.png != a.png
    assert decode(Image.open(io.BytesIO(other.png))) == [other.url]


def test_chinese_and_long_urls():
    url = "https://gongjiang.example.org/editions/2026/nominees/?from=海报&" + "x" * 300
    code = qr.make(url)
    assert decode(Image.open(io.BytesIO(code.png))) == [url]
