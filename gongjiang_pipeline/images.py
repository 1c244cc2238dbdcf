"""Images as published: re-encoded with Pillow, with no metadata at all (pure; no Pelican).

A camera or phone writes EXIF (device, time, GPS position), XMP, IPTC and JPEG
comments, and editors' tools add their own; any of them may hold a home address or a
phone number. Pillow copies some of it on save when it sits in ``Image.info`` (a JPEG
``comment``, for one), so every image is saved from a fresh ``info``.
"""

from __future__ import annotations

import io
from pathlib import Path

# static image types the site publishes (lower-case suffix -> Pillow format)
STATIC_IMAGE_FORMATS: dict[str, str] = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".png": "PNG",
    ".webp": "WEBP",
    ".gif": "GIF",
}


class ImageError(ValueError):
    """An image cannot be read."""


def _open(src: Path):
    from PIL import Image, UnidentifiedImageError

    try:
        return Image.open(src)
    except (OSError, UnidentifiedImageError) as exc:
        raise ImageError(f"无法读取图片：{exc}") from None


def without_metadata(src: Path) -> bytes:
    """An image file (STATIC_IMAGE_FORMATS) re-saved in its own format with no metadata.

    JPEG keeps its quantisation tables (``quality="keep"``) unless it had to be turned
    upright; EXIF orientation is applied to the pixels, since the tag is dropped.
    """
    from PIL import ImageOps

    fmt = STATIC_IMAGE_FORMATS.get(src.suffix.lower())
    if fmt is None:
        raise ImageError(f"不支持的图片类型：{src.suffix}")
    with _open(src) as im:
        turned = im.getexif().get(0x0112, 1) not in (1, None)  # EXIF orientation
        out = ImageOps.exif_transpose(im) if turned else im
        params: dict = {}
        if fmt == "JPEG":
            params = {"quality": 90} if turned else {"quality": "keep"}
        elif fmt == "GIF" and getattr(im, "is_animated", False):
            params = {"save_all": True}
        out.info.clear()
        buf = io.BytesIO()
        out.save(buf, fmt, **params)
    return buf.getvalue()
