"""Helpers for media tests: synthetic photos with metadata, and metadata checks on outputs."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw

# keys Pillow may put in ``info`` when reading our outputs: format details, not metadata
HARMLESS_INFO = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "progressive", "progression",
                 "loop", "background", "dpi"}
# byte markers of metadata blocks in JPEG, PNG and WebP files
MARKERS = (b"Exif", b"EXIF", b"http://ns.adobe.com/xap", b"<x:xmpmeta", b"XMP ", b"ICC_PROFILE", b"iCCP",
           b"ICCP", b"tEXt", b"iTXt", b"zTXt", b"eXIf")

XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       b'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="SecretCam"/></rdf:RDF></x:xmpmeta>'
       b'<?xpacket end="w"?>')


def metadata_problems(data: bytes) -> list[str]:
    """Everything in an image file that is metadata (EXIF, GPS, XMP, ICC, text, comments)."""
    problems = [f"marker {m!r}" for m in MARKERS if m in data]
    with Image.open(io.BytesIO(data)) as im:
        if len(im.getexif()):
            problems.append(f"EXIF {dict(im.getexif())}")
        extra = set(im.info) - HARMLESS_INFO
        if extra:
            problems.append(f"info {sorted(extra)}")
    return problems


def figure(size=(600, 800), colour=(70, 60, 90)) -> Image.Image:
    """A photo-like test image: a light background, a dark 'head' near the top, a red mark top-left."""
    w, h = size
    im = Image.new("RGB", size, (200, 220, 190))
    d = ImageDraw.Draw(im)
    d.ellipse((w * 0.35, h * 0.18, w * 0.65, h * 0.45), fill=colour)
    d.rectangle((w * 0.15, h * 0.55, w * 0.85, h), fill=colour)
    d.rectangle((0, 0, w // 6, h // 8), fill=(220, 30, 30))  # shows which way is up
    return im


def gps_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0110] = "Model S"
    exif[0x0132] = "2016:11:15 10:30:00"
    if orientation:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (39.0, 54.0, 26.0)
    gps[3] = "E"
    gps[4] = (116.0, 23.0, 29.0)
    return exif


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def jpeg_with_everything(size=(800, 600), orientation=6) -> bytes:
    """A JPEG with EXIF (GPS, camera, orientation), XMP, an ICC profile and a comment."""
    buf = io.BytesIO()
    im = figure((size[1], size[0])).transpose(Image.Transpose.ROTATE_90)  # stored sideways, like a phone photo
    im.save(buf, "JPEG", quality=90, exif=gps_exif(orientation), xmp=XMP, icc_profile=srgb_icc(),
            comment=b"secret comment")
    return buf.getvalue()


def encode(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` (a decompression-bomb stand-in)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    a, b = a.convert("L"), b.convert("L").resize(a.size)
    pa, pb = a.tobytes(), b.tobytes()
    return sum(abs(x - y) for x, y in zip(pa, pb)) / len(pa)


def read(path: Path) -> Image.Image:
    with Image.open(path) as im:
        im.load()
        return im.copy()
