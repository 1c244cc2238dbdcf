"""QR codes: they decode to the page URL (read back with zxing-cpp), SVG is valid, bytes are stable."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

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


# --------------------------------------------------------------------------
# the cache


def _requests(*urls):
    return [(u, f"二维码：{u}") for u in urls]


def test_prepared_codes_are_cached_and_byte_identical(tmp_path):
    from gongjiang_pipeline.media.cache import MediaCache

    urls = [URL, URL.replace("shan-lixin", "li-hua"), URL.replace("shan-lixin", "wang-fang")]
    first = qr.prepare_qr(_requests(*urls), MediaCache(tmp_path), workers=2)
    assert (first.encoded, first.reused) == (3, 0)
    second = qr.prepare_qr(_requests(*urls), MediaCache(tmp_path), workers=2)
    assert (second.encoded, second.reused, second.workers) == (0, 3, 0)
    for url, title in _requests(*urls):
        made = qr.make(url, title)
        entry = second.codes[(url, title)]
        assert (entry.modules, entry.svg_size, entry.png_size) == (made.modules, made.svg_size, made.png_size)
        assert (second.read(entry, "svg"), second.read(entry, "png")) == (made.svg, made.png)
    assert second.encoded == 0
    # a URL the build did not prepare is cached too
    late = URL + "poster/"
    assert second.get(late, "t").svg_size == qr.make(late, "t").svg_size and second.encoded == 1
    assert qr.prepare_qr([(late, "t")], MediaCache(tmp_path)).encoded == 0


def test_the_key_covers_url_title_options_and_versions(monkeypatch):
    base = qr.qr_key(URL, "a")
    assert qr.qr_key(URL, "a") == base
    assert qr.qr_key(URL + "x", "a") != base and qr.qr_key(URL, "b") != base
    monkeypatch.setattr(qr, "PNG_SCALE", qr.PNG_SCALE + 1)
    assert qr.qr_key(URL, "a") != base
    monkeypatch.undo()
    monkeypatch.setattr(qr.segno, "__version__", "0.0.1")
    assert qr.qr_key(URL, "a") != base
    monkeypatch.undo()
    monkeypatch.setattr(qr, "VERSION", "qr-test")
    assert qr.qr_key(URL, "a") != base


def test_a_damaged_entry_is_encoded_again(tmp_path):
    from gongjiang_pipeline.media.cache import MediaCache

    batch = qr.prepare_qr(_requests(URL), MediaCache(tmp_path))
    entry = batch.codes[_requests(URL)[0]]
    png = tmp_path / "qr" / entry.key[:2] / entry.key / "qr.png"
    good = png.read_bytes()
    png.write_bytes(good[:-20])
    again = qr.prepare_qr(_requests(URL), MediaCache(tmp_path))
    assert again.encoded == 0  # found in the index; the damage shows when the bytes are read
    assert again.read(entry, "png") == good == qr.make(URL, f"二维码：{URL}").png
    assert again.encoded == 1 and again.cache.repaired == {"qr": 1}
    assert png.read_bytes() == good


def test_place_links_the_checked_cache_file_else_writes_a_new_copy(tmp_path, monkeypatch):
    import errno
    import os

    from gongjiang_pipeline.media.cache import MediaCache, place

    cache = MediaCache(tmp_path / "cache")
    batch = qr.prepare_qr(_requests(URL), cache)
    entry = batch.codes[_requests(URL)[0]]
    png = cache.entry("qr", entry.key) / "qr.png"
    out = tmp_path / "out"
    out.mkdir()

    checked = batch.read_file(entry, "png")
    assert Path(checked.path) == png and checked.sha256 == batch.source(entry, "png").recorded
    assert place(checked, out / "linked.png")
    assert os.stat(out / "linked.png").st_ino == png.stat().st_ino and png.stat().st_nlink == 2

    # linking fails (another file system): a new file, the same bytes and permissions
    def cross_device(src, dst, *args, **kwargs):
        raise OSError(errno.EXDEV, "Invalid cross-device link", str(src))

    monkeypatch.setattr(os, "link", cross_device)
    assert not place(checked, out / "copied.png")
    monkeypatch.undo()
    copied = (out / "copied.png").stat()
    assert (out / "copied.png").read_bytes() == png.read_bytes() and copied.st_nlink == 1
    assert copied.st_mode == (out / "linked.png").stat().st_mode

    # never written into a file already there: it may be a link to a cache file
    monkeypatch.setattr(os, "link", cross_device)
    assert not place(checked, out / "linked.png")
    monkeypatch.undo()
    assert (out / "linked.png").stat().st_ino != png.stat().st_ino and png.stat().st_nlink == 1
    assert png.read_bytes() == checked.data

    # the cache file was made again after it was checked: what was checked is copied, not the new file linked
    cache.forget("qr", entry.key)
    cache.store("qr", entry.key, {"qr.png": b"other bytes", "qr.svg": b"<svg/>"}, {})
    assert not place(checked, out / "raced.png")
    assert (out / "raced.png").read_bytes() == checked.data and (out / "raced.png").stat().st_nlink == 1


def test_a_cache_file_with_other_permissions_is_copied(tmp_path):
    import os

    from gongjiang_pipeline.media.cache import MediaCache, place

    cache = MediaCache(tmp_path / "cache")
    batch = qr.prepare_qr(_requests(URL), cache)
    entry = batch.codes[_requests(URL)[0]]
    png = cache.entry("qr", entry.key) / "qr.png"
    os.chmod(png, 0o600)  # e.g. made by a build with another umask
    out = tmp_path / "out"
    out.mkdir()
    (out / "new.txt").write_bytes(b"")
    assert not place(batch.read_file(entry, "png"), out / "qr.png")
    assert (out / "qr.png").stat().st_mode == (out / "new.txt").stat().st_mode  # as a new file gets it
    assert (out / "qr.png").read_bytes() == png.read_bytes()


def test_a_repaired_entry_is_published_as_a_copy(tmp_path):
    from gongjiang_pipeline.media.cache import MediaCache

    batch = qr.prepare_qr(_requests(URL), MediaCache(tmp_path))
    entry = batch.codes[_requests(URL)[0]]
    png = tmp_path / "qr" / entry.key[:2] / entry.key / "qr.png"
    png.write_bytes(png.read_bytes()[:-20])
    found = qr.prepare_qr(_requests(URL), MediaCache(tmp_path)).read_file(entry, "png")
    assert found.path is None and found.data == qr.make(URL, f"二维码：{URL}").png
