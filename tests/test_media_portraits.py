"""Portraits: orientation, metadata stripping, 3:4 crop, sizes, refusals, cache, determinism."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from mediakit import (
    encode,
    figure,
    gps_exif,
    jpeg_with_everything,
    mean_difference,
    metadata_problems,
    png_header,
    read,
)
from PIL import Image, ImageOps

from gongjiang_pipeline.media.cache import MediaCache
from gongjiang_pipeline.media.portraits import (
    PhotoJob,
    PortraitSpec,
    crop_box,
    output_widths,
    prepare_portraits,
    render,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PHOTOS = sorted(p for p in (ROOT / "data" / "photos").glob("*") if p.is_file())  # candidates; studios/ has its own


def sample_jobs() -> list[PhotoJob]:
    return [PhotoJob(p.stem, f"data/candidates/{p.stem[:4]}/{p.stem}.yaml", f"photos/{p.name}") for p in SAMPLE_PHOTOS]


@pytest.fixture(scope="module")
def sample_batch(tmp_path_factory):
    """Every sample photo processed once, cold, into a fresh cache."""
    cache = MediaCache(tmp_path_factory.mktemp("media-cache"))
    batch = prepare_portraits(ROOT, sample_jobs(), cache)
    return batch, cache


def test_every_sample_photo_processed_without_problems(sample_batch):
    batch, _ = sample_batch
    assert batch.problems == []
    assert len(batch.portraits) == len(SAMPLE_PHOTOS) == 117
    assert batch.processed == len(SAMPLE_PHOTOS)


def test_every_output_image_has_no_metadata(sample_batch):
    batch, _ = sample_batch
    checked = 0
    for cid, pt in batch.portraits.items():
        for r in pt.renditions:
            data = pt.path(r).read_bytes()
            assert metadata_problems(data) == [], (cid, r.file)
            with Image.open(io.BytesIO(data)) as im:
                assert im.format == {"jpeg": "JPEG", "webp": "WEBP"}[r.format]
                assert im.size == (r.width, r.height)
                assert im.mode == "RGB"
            checked += 1
    assert checked == 117 * 6  # 600x800 sources: 240, 480 and 600 wide, WebP and JPEG


def test_sample_sizes_never_upscaled(sample_batch):
    batch, _ = sample_batch
    pt = batch.portraits["2016-001"]
    assert [(r.width, r.height, r.format) for r in pt.renditions] == [
        (240, 320, "webp"), (240, 320, "jpeg"), (480, 640, "webp"), (480, 640, "jpeg"), (600, 800, "webp"), (600, 800, "jpeg"),
    ]


@pytest.mark.parametrize("cid", ["2016-083", "2016-091"])
def test_orientation_6_photos_come_out_upright(sample_batch, cid):
    batch, _ = sample_batch
    source = read(ROOT / "data" / "photos" / f"{cid}.jpg")
    assert source.size == (800, 600) and source.getexif()[0x0112] == 6
    upright = ImageOps.exif_transpose(source)
    assert upright.size == (600, 800)
    pt = batch.portraits[cid]
    for r in pt.renditions:
        out = read(pt.path(r))
        assert out.height > out.width  # portrait
        assert mean_difference(out, upright) < 4, r.file  # the same picture, upright
        assert mean_difference(out, source.resize(upright.size)) > 20  # not the sideways one
        assert metadata_problems(pt.path(r).read_bytes()) == []


def test_gps_photos_lose_their_gps(sample_batch):
    batch, _ = sample_batch
    for cid in ("2016-016", "2016-076", "2016-083"):
        assert 0x8825 in read(ROOT / "data" / "photos" / f"{cid}.jpg").getexif()  # the source has GPS
        pt = batch.portraits[cid]
        for r in pt.renditions:
            assert metadata_problems(pt.path(r).read_bytes()) == [], (cid, r.file)


def test_warm_run_decodes_nothing(sample_batch):
    _, cache = sample_batch
    again = prepare_portraits(ROOT, sample_jobs(), cache)
    assert again.problems == []
    assert again.processed == 0
    assert again.workers == 0  # no process was even started
    assert len(again.portraits) == 117


def test_every_kind_of_metadata_is_stripped():
    data = jpeg_with_everything()
    with Image.open(io.BytesIO(data)) as src:  # the source really carries it all
        assert {"exif", "icc_profile", "comment"} <= set(src.info) and ("xmp" in src.info or b"xap" in data)
        assert 0x8825 in src.getexif()
    found = " ".join(metadata_problems(data))  # the checker sees all of it
    for what in ("Exif", "xap", "ICC_PROFILE", "EXIF {", "comment"):
        assert what in found, what
    files, meta = render(data, PortraitSpec())
    assert meta["source"] == [600, 800]  # after orientation
    for name, out in files.items():
        assert metadata_problems(out) == [], name
        assert b"SecretCam" not in out and b"secret comment" not in out
        im = Image.open(io.BytesIO(out))
        assert im.height > im.width
        # the red mark is top-left: the photo is upright
        assert im.convert("RGB").getpixel((3, 3))[0] > 180, name


def test_png_and_webp_sources_with_metadata_and_transparency():
    src = figure().convert("RGBA")
    src.putpixel((599, 799), (0, 0, 0, 0))
    for fmt in ("PNG", "WEBP"):
        data = encode(src, fmt, exif=gps_exif(), **({"lossless": True} if fmt == "WEBP" else {}))
        files, _ = render(data, PortraitSpec())
        for name, out in files.items():
            assert metadata_problems(out) == [], (fmt, name)
            assert Image.open(io.BytesIO(out)).mode == "RGB"


def test_identical_input_gives_identical_bytes():
    data = jpeg_with_everything()
    assert render(data, PortraitSpec()) == render(data, PortraitSpec())


def test_crop_is_3_by_4_centred_across_and_high_in_tall_photos():
    assert crop_box(600, 800, 0.2) == (0, 0, 600, 800)
    assert crop_box(800, 600, 0.2) == (175, 0, 625, 600)  # landscape: centred
    assert crop_box(600, 1000, 0.2) == (0, 40, 600, 840)  # tall: 20% of the spare height above
    assert crop_box(600, 1000, 0.5) == (0, 100, 600, 900)


def test_output_widths_never_upscale():
    assert output_widths(300, (240, 480, 960)) == (240, 300)
    assert output_widths(450, (240, 480, 960)) == (240, 450)
    assert output_widths(600, (240, 480, 960)) == (240, 480, 600)
    assert output_widths(960, (240, 480, 960)) == (240, 480, 960)
    assert output_widths(3000, (240, 480, 960)) == (240, 480, 960)


@pytest.mark.parametrize("mode,fmt", [("CMYK", "JPEG"), ("L", "JPEG"), ("P", "PNG"), ("LA", "PNG"), ("RGBA", "WEBP")])
def test_other_colour_modes_become_rgb_with_their_colours(mode, fmt):
    src = figure()
    files, _ = render(encode(src.convert(mode), fmt), PortraitSpec())
    for name, out in files.items():
        im = Image.open(io.BytesIO(out))
        assert im.mode == "RGB" and metadata_problems(out) == [], name
    out = read_bytes_image(files["600.jpg"])
    assert mean_difference(out, src.convert(mode).convert("RGB")) < 6


def read_bytes_image(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return im.copy()


def test_large_jpeg_is_resized_to_every_width():
    data = encode(figure((2400, 3600)), "JPEG", quality=90)
    files, meta = render(data, PortraitSpec())
    assert meta["crop"] == [2400, 3200]
    assert sorted((Image.open(io.BytesIO(b)).size, n[-4:]) for n, b in files.items()) == [
        ((240, 320), ".jpg"), ((240, 320), "webp"), ((480, 640), ".jpg"), ((480, 640), "webp"),
        ((960, 1280), ".jpg"), ((960, 1280), "webp"),
    ]


def test_landscape_photo_is_cropped_to_portrait():
    data = encode(figure((1200, 800)), "JPEG", quality=90)
    files, meta = render(data, PortraitSpec())
    assert meta["crop"] == [600, 800]
    assert Image.open(io.BytesIO(files["600.jpg"])).size == (600, 800)


# --------------------------------------------------------------------------
# refusals: each with its exact Chinese message, all collected at once


def _project(tmp_path: Path, photos: dict[str, bytes]) -> tuple[Path, list[PhotoJob]]:
    jobs = []
    for i, (name, data) in enumerate(sorted(photos.items()), start=1):
        cid = f"2099-{i:03d}"
        record = f"data/candidates/2099/{cid}.yaml"
        (tmp_path / "data/candidates/2099").mkdir(parents=True, exist_ok=True)
        (tmp_path / "data/photos").mkdir(parents=True, exist_ok=True)
        (tmp_path / record).write_text(f'id: "{cid}"\nname: 测试\nphoto: photos/{name}\n', "utf-8")
        (tmp_path / "data/photos" / name).write_bytes(data)
        jobs.append(PhotoJob(cid, record, f"photos/{name}"))
    return tmp_path, jobs


def _svg() -> bytes:
    return b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800"><rect width="600" height="800"/></svg>\n'


BAD = {
    "a-corrupt.jpg": (lambda: encode(figure(), "JPEG")[:3000], "照片 data/photos/a-corrupt.jpg 已损坏，无法读取"),
    "b-garbage.jpg": (lambda: b"this is not an image at all" * 40, "照片 data/photos/b-garbage.jpg 已损坏，无法读取"),
    "c-bomb.png": (lambda: png_header(10000, 10000),
                   "照片 data/photos/c-bomb.png 的像素过多（10000×10000，约 10000 万像素），超过上限 4000 万像素；请缩小后再提交"),
    "d-bomb.png": (lambda: png_header(7000, 7000),
                   "照片 data/photos/d-bomb.png 的像素过多（7000×7000，约 4900 万像素），超过上限 4000 万像素；请缩小后再提交"),
    "e-gif.jpg": (lambda: encode(figure(), "GIF"),
                  "照片 data/photos/e-gif.jpg 的实际格式是 GIF，不支持；请转换为 JPEG、PNG 或 WebP 格式"),
    "f-tiff.jpg": (lambda: encode(figure(), "TIFF"),
                   "照片 data/photos/f-tiff.jpg 的实际格式是 TIFF，不支持；请转换为 JPEG、PNG 或 WebP 格式"),
    "g-svg.jpg": (_svg, "照片 data/photos/g-svg.jpg 的实际格式是 SVG（矢量图），不支持；请转换为 JPEG、PNG 或 WebP 格式"),
    "h-tiny.jpg": (lambda: encode(figure((200, 260)), "JPEG"),
                   "照片 data/photos/h-tiny.jpg 太小（200×260 像素）：裁成 3:4 竖幅后至少应为 300×400 像素"),
    "i-wide.jpg": (lambda: encode(figure((500, 300)), "JPEG"),
                   "照片 data/photos/i-wide.jpg 太小（500×300 像素）：裁成 3:4 竖幅后至少应为 300×400 像素"),
}


@pytest.mark.parametrize("workers", [1, 2])
def test_every_bad_photo_is_reported_with_its_file_and_record(tmp_path, workers):
    photos = {name: make() for name, (make, _) in BAD.items()}
    photos["z-good.jpg"] = encode(figure(), "JPEG")
    root, jobs = _project(tmp_path, photos)
    batch = prepare_portraits(root, jobs, MediaCache(tmp_path / "cache"), workers=workers)
    got = sorted(p.format() for p in batch.problems)
    want = sorted(
        f"data/candidates/2099/2099-{i:03d}.yaml:3:8: photo: {msg}"
        for i, (_, (_, msg)) in enumerate(sorted(BAD.items()), start=1)
    )
    assert got == want
    assert set(batch.portraits) == {f"2099-{len(BAD) + 1:03d}"}  # the good one is still processed


def test_lower_pixel_limit_is_honoured(tmp_path):
    root, jobs = _project(tmp_path, {"big.jpg": encode(figure((1200, 1600)), "JPEG")})
    batch = prepare_portraits(root, jobs, MediaCache(tmp_path / "cache"), PortraitSpec(max_pixels=1_000_000))
    assert [p.message for p in batch.problems] == [
        "照片 data/photos/big.jpg 的像素过多（1200×1600，约 192 万像素），超过上限 100 万像素；请缩小后再提交"
    ]


def test_refusals_are_not_cached_and_a_fixed_photo_is_processed(tmp_path):
    root, jobs = _project(tmp_path, {"p.jpg": encode(figure((200, 260)), "JPEG")})
    cache = MediaCache(tmp_path / "cache")
    assert len(prepare_portraits(root, jobs, cache).problems) == 1
    (root / "data/photos/p.jpg").write_bytes(encode(figure(), "JPEG"))
    fixed = prepare_portraits(root, jobs, cache)
    assert fixed.problems == [] and fixed.processed == 1
    assert prepare_portraits(root, jobs, cache).processed == 0


def test_changed_photo_or_parameters_are_processed_again(tmp_path):
    root, jobs = _project(tmp_path, {"p.jpg": encode(figure(), "JPEG")})
    cache = MediaCache(tmp_path / "cache")
    assert prepare_portraits(root, jobs, cache).processed == 1
    assert prepare_portraits(root, jobs, cache, PortraitSpec(widths=(200, 400))).processed == 1
    (root / "data/photos/p.jpg").write_bytes(encode(figure(colour=(10, 10, 10)), "JPEG"))
    assert prepare_portraits(root, jobs, cache).processed == 1


@pytest.mark.parametrize("damage", ["delete", "truncate", "flip"])
def test_broken_cache_entry_is_rebuilt_when_read(tmp_path, damage):
    root, jobs = _project(tmp_path, {"p.jpg": encode(figure(), "JPEG")})
    cache = MediaCache(tmp_path / "cache")
    first = prepare_portraits(root, jobs, cache)
    pt = first.portraits["2099-001"]
    good = {r.file: pt.path(r).read_bytes() for r in pt.renditions}
    victim = pt.path(pt.renditions[0])
    if damage == "delete":
        victim.unlink()
    elif damage == "truncate":
        victim.write_bytes(good[victim.name][: len(good[victim.name]) // 2])
    else:  # same size, one byte changed
        data = bytearray(good[victim.name])
        data[len(data) // 2] ^= 0xFF
        victim.write_bytes(bytes(data))
    # a new build (its own cache object) finds the entry in the index without opening it ...
    again = prepare_portraits(root, jobs, MediaCache(tmp_path / "cache"))
    assert again.processed == 0
    # ... and the damage is found when the files are read for publishing: made again, never passed on
    assert {r.file: again.read(again.portraits["2099-001"], r) for r in pt.renditions} == good
    assert again.processed == 1 and again.cache.repaired == {"portraits": 1}
    assert victim.read_bytes() == good[victim.name]


def test_cache_entry_missing_from_the_index_is_checked_on_disk(tmp_path):
    root, jobs = _project(tmp_path, {"p.jpg": encode(figure(), "JPEG")})
    cache = MediaCache(tmp_path / "cache")
    pt = prepare_portraits(root, jobs, cache).portraits["2099-001"]
    (tmp_path / "cache/portraits/index.json").unlink()
    pt.path(pt.renditions[0]).unlink()
    again = prepare_portraits(root, jobs, MediaCache(tmp_path / "cache"))
    assert again.processed == 1 and again.portraits["2099-001"].path(pt.renditions[0]).is_file()


def test_warm_run_reads_no_photo(tmp_path, monkeypatch):
    def flat(colour) -> bytes:  # uncompressed: the size depends only on the dimensions
        return encode(figure(colour=colour), "PNG", compress_level=0)

    root, jobs = _project(tmp_path, {"p.jpg": flat((70, 60, 90))})
    assert prepare_portraits(root, jobs, MediaCache(tmp_path / "cache")).processed == 1
    opened = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: opened.append(self.name) or real(self))
    again = prepare_portraits(root, jobs, MediaCache(tmp_path / "cache"))
    assert again.processed == 0 and again.portraits and "p.jpg" not in opened
    # a rewritten photo (same size, same modification time) is read again: its change time differs
    monkeypatch.undo()
    path = root / "data/photos/p.jpg"
    st = path.stat()
    other = flat((200, 10, 10))
    assert len(other) == st.st_size
    path.write_bytes(other)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    third = prepare_portraits(root, jobs, MediaCache(tmp_path / "cache"))
    assert third.portraits["2099-001"].key != again.portraits["2099-001"].key


def test_parallel_and_serial_give_the_same_bytes(tmp_path):
    photos = {f"p{i}.jpg": encode(figure(colour=(10 * i, 40, 90)), "JPEG", quality=85) for i in range(4)}
    root, jobs = _project(tmp_path, photos)
    one = prepare_portraits(root, jobs, MediaCache(tmp_path / "c1"), workers=1)
    two = prepare_portraits(root, jobs, MediaCache(tmp_path / "c2"), workers=2)
    assert two.workers == 2 and one.workers == 1
    for cid, pt in one.portraits.items():
        other = two.portraits[cid]
        assert [pt.path(r).read_bytes() for r in pt.renditions] == [other.path(r).read_bytes() for r in other.renditions]
    shutil.rmtree(tmp_path / "c1")


def test_entries_written_before_checksums_are_reused_after_a_check(tmp_path):
    import json

    root, jobs = _project(tmp_path, {"p.jpg": encode(figure(), "JPEG"), "q.jpg": encode(figure(colour=(9, 9, 9)), "JPEG")})
    cache_dir = tmp_path / "cache"
    batch = prepare_portraits(root, jobs, MediaCache(cache_dir))
    for name in ("index.json", "sources.json"):
        (cache_dir / "portraits" / name).unlink()
    for meta in cache_dir.glob("portraits/*/*/meta.json"):  # as the first version of the cache wrote them
        doc = json.loads(meta.read_text("utf-8"))
        del doc["sha256"]
        meta.write_text(json.dumps(doc), "utf-8")
    damaged = batch.portraits["2099-002"]
    victim = damaged.path(damaged.of("webp")[-1])
    victim.write_bytes(victim.read_bytes()[:-100])  # truncated: the RIFF size no longer matches
    again = prepare_portraits(root, jobs, MediaCache(cache_dir))
    assert again.processed == 1  # only the damaged one
    for cid, pt in again.portraits.items():
        assert [again.read(pt, r) for r in pt.renditions] == [batch.read(batch.portraits[cid], r) for r in pt.renditions]
    assert again.processed == 1 and not again.cache.repaired
