"""Large JPEG photos are decoded at reduced size (libjpeg ``draft``), before the
EXIF orientation is applied: a 4000x3000 camera photo never becomes 12 million
decoded pixels when the largest portrait is 960 pixels wide."""

from __future__ import annotations

import io

from PIL import Image

from gongjiang_pipeline.media import portraits
from gongjiang_pipeline.media.portraits import PortraitSpec, render


def camera_jpeg(size=(4000, 3000), orientation: int | None = 6) -> bytes:
    im = Image.linear_gradient("L").resize(size).convert("RGB")
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=70, exif=exif.tobytes())
    return buf.getvalue()


def test_large_jpeg_decodes_reduced_before_exif_transpose(monkeypatch):
    seen = []
    original = portraits.ImageOps.exif_transpose

    def spy(im, *a, **kw):
        seen.append((im.size, dict(im.decoderconfig and {"scale": im.decoderconfig[0]} or {})))
        return original(im, *a, **kw)

    monkeypatch.setattr(portraits.ImageOps, "exif_transpose", spy)
    files, meta = render(camera_jpeg(), PortraitSpec())
    # orientation 6: the upright photo is 3000x4000, its 3:4 crop 3000x4000; 960 wide is
    # 0.32 of it, so libjpeg decodes at 1/2 (1/4 would be too small for 960)
    assert seen == [((2000, 1500), {"scale": 2})]
    assert meta["source"] == [3000, 4000] and meta["crop"] == [3000, 4000]
    assert [r["width"] for r in meta["renditions"]][::2] == [240, 480, 960]
    assert Image.open(io.BytesIO(files["960.jpg"])).size == (960, 1280)
