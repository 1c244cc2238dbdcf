"""Candidate photos -> upright, metadata-free 3:4 portraits, in several widths, WebP and JPEG.

For each photo (``candidate.photo``, under ``data/``):

1. identify the real format from the bytes (a ``.jpg`` that is really a GIF, TIFF,
   SVG or HEIC file is refused, whatever its name);
2. refuse decompression bombs before decoding (more than ``max_pixels``; Pillow's
   own ``MAX_IMAGE_PIXELS`` guard is set to the same limit while we work);
3. refuse photos whose 3:4 crop would be smaller than ``min_size``;
4. decode (JPEG: ``draft()`` lets libjpeg decode at 1/2, 1/4 or 1/8 scale when the
   largest output is that much smaller), apply the EXIF orientation
   (``ImageOps.exif_transpose``), convert an embedded colour profile to sRGB,
   flatten transparency onto white;
5. crop to 3:4 (centred horizontally; in tall photos the crop sits in the upper
   part, ``focus``), and resize (Lanczos) to each width in ``widths`` that the crop
   can fill, plus the crop's own width when it is smaller than the largest: never
   upscaled;
6. encode WebP and JPEG with fixed settings (same input, same bytes) from images
   that carry no ``info``: no EXIF, GPS, XMP, comment or ICC profile can reach
   the output.

Work runs in worker processes (:mod:`.parallel`) and is cached by content
(:mod:`.cache`): a photo whose bytes, parameters and code are unchanged is not
decoded again. A warm build does not even read the photos: ``portraits/sources.json``
in the cache remembers each photo file's key by its identity (path, size,
modification and change times, inode); any change to the file changes that
identity, and the file is then read and hashed again. Every problem, for every photo, is reported at once as a
:class:`~gongjiang_pipeline.errors.Problem` at the candidate file's ``photo`` field.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from ..errors import Problem
from . import MediaError
from ..atomic import write_atomic
from .cache import CachedFile, CacheSource, MediaCache, content_key
from .parallel import run_all

VERSION = "portrait-1"  # bump when the output of the same input changes
KIND = "portraits"
SOURCES = "sources.json"  # in <cache>/portraits/: photo file identity -> key
ASPECT = (3, 4)  # width : height

# Pillow format name -> name shown to editors; only these are accepted
ACCEPTED = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
FORMAT_NAMES = {"GIF": "GIF", "TIFF": "TIFF", "BMP": "BMP", "ICO": "ICO", "PPM": "PPM", "AVIF": "AVIF",
                "JPEG2000": "JPEG 2000", "PSD": "Photoshop（PSD）", "EPS": "EPS"}

EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class PortraitSpec:
    widths: tuple[int, ...] = (240, 480, 960)
    min_size: tuple[int, int] = (300, 400)  # of the 3:4 crop, in source pixels
    max_pixels: int = 40_000_000
    focus: float = 0.2  # vertical position of the crop in a tall photo: 0 top, 0.5 centre
    webp_quality: int = 80
    webp_method: int = 4
    jpeg_quality: int = 82

    def params(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    format: str  # "webp" | "jpeg"
    file: str  # file name inside the cache entry, e.g. "480.webp"

    @property
    def ext(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format


@dataclass(frozen=True)
class Portrait:
    """A processed photo: its renditions, stored in ``folder`` (a cache entry)."""

    key: str
    folder: Path
    width: int  # of the largest rendition
    height: int
    renditions: tuple[Rendition, ...]  # by width, then format

    def of(self, fmt: str) -> tuple[Rendition, ...]:
        return tuple(r for r in self.renditions if r.format == fmt)

    def best(self, fmt: str, min_width: int) -> Rendition:
        """The smallest rendition of ``fmt`` at least ``min_width`` wide (else the largest)."""
        rs = self.of(fmt)
        for r in rs:
            if r.width >= min_width:
                return r
        return rs[-1]

    def path(self, r: Rendition) -> Path:
        return self.folder / r.file

    @classmethod
    def from_meta(cls, key: str, folder: Path, meta: dict) -> "Portrait":
        rs = tuple(Rendition(**r) for r in meta["renditions"])
        top = max(rs, key=lambda r: r.width)
        return cls(key, folder, top.width, top.height, rs)


@dataclass(frozen=True)
class PhotoJob:
    """One candidate's photo, as the adapter asks for it."""

    candidate_id: str
    record_path: str  # the candidate file, as shown to users: data/candidates/2016/2016-001.yaml
    photo: str  # as written in the file, relative to data/: photos/2016-001.jpg


@dataclass
class PortraitBatch:
    portraits: dict[str, Portrait] = field(default_factory=dict)  # by candidate id
    problems: list[Problem] = field(default_factory=list)
    processed: int = 0  # photos decoded and encoded in this build (cache misses, damaged entries)
    workers: int = 0
    cache: MediaCache | None = None
    spec: PortraitSpec | None = None
    sources: dict[str, Path] = field(default_factory=dict)  # key -> the photo file, to process it again

    def read(self, pt: Portrait, r: Rendition) -> bytes:
        """A rendition's bytes, checked; a damaged cache entry is processed again from the photo."""
        return self.read_file(pt, r).data

    def source(self, pt: Portrait, r: Rendition) -> CacheSource:
        """The file to publish: its recorded digest, :meth:`read_file` when it must be written."""
        return CacheSource(self.cache.recorded(KIND, pt.key, r.file), lambda: self.read_file(pt, r))

    def read_file(self, pt: Portrait, r: Rendition) -> CachedFile:
        """:meth:`read` as a :class:`CachedFile` (to publish by hard link)."""
        def remake() -> tuple[dict[str, bytes], dict]:
            path = self.sources[pt.key]
            data = path.read_bytes()
            if photo_key(data, self.spec) != pt.key:
                raise MediaError(f"照片 {path} 在构建过程中被修改，请重新构建")
            try:
                files, meta = render(data, self.spec)
            except _Refused as exc:
                raise MediaError(f"照片 {path} 无法处理：{exc.reason}") from None
            self.processed += 1
            return files, meta

        return self.cache.fetch_file(KIND, pt.key, r.file, remake)


# --------------------------------------------------------------------------
# the work of one photo (runs in a worker process)


@dataclass(frozen=True)
class _Work:
    path: str  # read by the worker: the build process never holds every photo at once
    key: str
    cache_root: str
    spec: PortraitSpec


class _Refused(Exception):
    def __init__(self, reason: str, **detail):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def crop_box(w: int, h: int, focus: float) -> tuple[int, int, int, int]:
    """The largest 3:4 box in a ``w`` x ``h`` image: centred across, ``focus`` down."""
    aw, ah = ASPECT
    if w * ah > h * aw:  # wider than 3:4: full height, centred
        cw = round(h * aw / ah)
        left = (w - cw) // 2
        return (left, 0, left + cw, h)
    ch = min(h, round(w * ah / aw))
    top = round((h - ch) * focus)
    return (0, top, w, top + ch)


def output_widths(crop_width: int, widths: Iterable[int]) -> tuple[int, ...]:
    """Widths to write: those the crop can fill, plus the crop width if it is below the largest."""
    widths = sorted(set(widths))
    out = [w for w in widths if w <= crop_width]
    if crop_width < widths[-1] and crop_width not in out:
        out.append(crop_width)
    return tuple(out)


def _height(width: int) -> int:
    return round(width * ASPECT[1] / ASPECT[0])


def _sniff(data: bytes) -> str | None:
    """Name of a well-known format Pillow does not open (for a clear message)."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096]):
        return "SVG（矢量图）"
    if head.startswith(b"%PDF"):
        return "PDF"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis"):
            return "HEIC"
        if brand in (b"avif", b"avis"):
            return "AVIF"
    return None


def _header_size(data: bytes) -> tuple[int, int] | None:
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # header only: nothing is decoded
    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.size
    except Exception:
        return None
    finally:
        Image.MAX_IMAGE_PIXELS = saved


_SRGB = None


def _to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    global _SRGB
    if not icc:
        return im
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in ImageCms.getProfileDescription(src).lower() and im.mode == "RGB":
            return im
        if _SRGB is None:
            _SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        return ImageCms.profileToProfile(im, src, _SRGB, renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return im  # an unusable profile: take the pixels as sRGB


def _flatten(im: Image.Image) -> Image.Image:
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        bg = Image.new("RGB", rgba.size, (255, 255, 255))
        bg.paste(rgba, mask=rgba.getchannel("A"))
        return bg
    if im.mode == "RGB":
        return im
    if im.mode.startswith("I;16") or im.mode in ("I", "F"):
        im = im.point(lambda v: v / 256) if im.mode != "F" else im
        return im.convert("L").convert("RGB")
    return im.convert("RGB")


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(EXIF_ORIENTATION, 1)
        return value if isinstance(value, int) and 1 <= value <= 8 else 1
    except Exception:
        return 1  # unreadable EXIF: keep the pixels as they are


def render(data: bytes, spec: PortraitSpec) -> tuple[dict[str, bytes], dict]:
    """Files and metadata of one photo's renditions; raises _Refused with the reason."""
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = spec.max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _render(data, spec)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Refused("bomb", size=_header_size(data)) from None
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _render(data: bytes, spec: PortraitSpec) -> tuple[dict[str, bytes], dict]:
    try:
        im = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        sniffed = _sniff(data)
        raise (_Refused("unsupported", format=sniffed) if sniffed else _Refused("corrupt")) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise
    except Exception:
        raise _Refused("corrupt") from None
    with im:
        if im.format not in ACCEPTED:
            raise _Refused("unsupported", format=FORMAT_NAMES.get(im.format, im.format))
        w, h = im.size
        if w * h > spec.max_pixels:
            raise _Refused("bomb", size=(w, h))
        turned = _orientation(im) in (5, 6, 7, 8)
        ow, oh = (h, w) if turned else (w, h)
        box = crop_box(ow, oh, spec.focus)
        cw, ch = box[2] - box[0], box[3] - box[1]
        if cw < spec.min_size[0] or ch < spec.min_size[1]:
            raise _Refused("tiny", size=(ow, oh))
        widths = output_widths(cw, spec.widths)
        if im.format in ("JPEG", "MPO"):
            scale = max(widths) / cw
            im.draft(None, (math.ceil(w * scale), math.ceil(h * scale)))
        try:
            im.load()
            icc = im.info.get("icc_profile")
            im = ImageOps.exif_transpose(im)
            im = _flatten(_to_srgb(im, icc))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise
        except Exception:
            raise _Refused("corrupt") from None
    # the crop in the (possibly draft-reduced) decoded image
    box = crop_box(im.width, im.height, spec.focus)
    files: dict[str, bytes] = {}
    renditions = []
    for width in widths:
        size = (width, _height(width))
        out = im.resize(size, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
        out.info = {}  # nothing of the source's metadata may follow
        for fmt, ext in (("webp", "webp"), ("jpeg", "jpg")):
            buf = io.BytesIO()
            if fmt == "webp":
                out.save(buf, "WEBP", quality=spec.webp_quality, method=spec.webp_method)
            else:
                out.save(buf, "JPEG", quality=spec.jpeg_quality, optimize=True, progressive=True)
            name = f"{width}.{ext}"
            files[name] = buf.getvalue()
            renditions.append({"width": size[0], "height": size[1], "format": fmt, "file": name})
    meta = {"version": VERSION, "source": [ow, oh], "crop": [cw, ch], "renditions": renditions}
    return files, meta


def _work(job: _Work) -> dict:
    """Worker entry point: render and store one photo, or say why not."""
    try:
        data = Path(job.path).read_bytes()
    except OSError as exc:
        return {"refused": "unreadable", "error": exc.strerror or str(exc)}
    if photo_key(data, job.spec) != job.key:  # replaced while the build ran: never store it under the old key
        return {"refused": "unreadable", "error": "照片在生成过程中被改动，请重新生成"}
    try:
        files, meta = render(data, job.spec)
    except _Refused as r:
        return {"refused": r.reason, **r.detail}
    meta = MediaCache(Path(job.cache_root)).store(KIND, job.key, files, meta)
    return dict(meta, decoded=1)


# --------------------------------------------------------------------------
# the batch (runs in the build process)


def photo_key(data: bytes, spec: PortraitSpec) -> str:
    return content_key(KIND, VERSION, spec.params(), data)


def message(job: PhotoJob, reason: str, spec: PortraitSpec, **detail) -> str:
    shown = f"data/{job.photo}"
    if reason == "corrupt":
        return f"照片 {shown} 已损坏，无法读取"
    if reason == "unsupported":
        return f"照片 {shown} 的实际格式是 {detail.get('format') or '未知格式'}，不支持；请转换为 JPEG、PNG 或 WebP 格式"
    if reason == "bomb":
        limit = f"{spec.max_pixels // 10_000} 万像素"
        size = detail.get("size")
        if size:
            w, h = size
            return f"照片 {shown} 的像素过多（{w}×{h}，约 {round(w * h / 10_000)} 万像素），超过上限 {limit}；请缩小后再提交"
        return f"照片 {shown} 的像素过多，超过上限 {limit}；请缩小后再提交"
    if reason == "tiny":
        w, h = detail["size"]
        mw, mh = spec.min_size
        return f"照片 {shown} 太小（{w}×{h} 像素）：裁成 3:4 竖幅后至少应为 {mw}×{mh} 像素"
    if reason == "unreadable":
        return f"无法读取照片文件 {shown}：{detail.get('error', '')}"
    return f"处理照片 {shown} 时出错：{detail.get('error', reason)}"


def _position(root: Path, record_path: str) -> tuple[int, int]:
    """Line and column of the ``photo`` value in the candidate file (1, 1 if unknown)."""
    from ..yamlload import load_file

    try:
        doc = load_file(record_path, (root / record_path).read_bytes())
        return doc.position(("photo",))
    except Exception:
        return 1, 1


def prepare_portraits(
    root: Path,
    jobs: Iterable[PhotoJob],
    cache: MediaCache,
    spec: PortraitSpec = PortraitSpec(),
    workers: int | None = None,
) -> PortraitBatch:
    """Process (or find in the cache) every job's photo; collect every problem."""
    root = Path(root)
    batch = PortraitBatch(cache=cache, spec=spec)
    todo: dict[str, tuple[Path, list[PhotoJob]]] = {}  # key -> (a file with those bytes, jobs)
    known = _Sources(cache, spec)
    ident_of: dict[str, str | None] = {}  # candidate id -> its photo's identity, taken before reading it

    def refuse(job: PhotoJob, reason: str, **detail) -> None:
        line, col = _position(root, job.record_path)
        batch.problems.append(Problem(job.record_path, line, col, "photo", message(job, reason, spec, **detail)))

    for job in jobs:
        path = root / "data" / job.photo
        ident, key = known.get(path)
        ident_of[job.candidate_id] = ident
        meta = cache.lookup(KIND, key) if key else None
        if meta is None:
            try:
                data = path.read_bytes()
            except OSError as exc:
                refuse(job, "unreadable", error=exc.strerror or str(exc))
                continue
            key = photo_key(data, spec)
            meta = cache.lookup(KIND, key)
            if meta is None:
                todo.setdefault(key, (path, []))[1].append(job)
            del data  # hashed; the worker reads it again (memory stays bounded with thousands of photos)
        batch.sources.setdefault(key, path)
        if meta is not None:
            known.put(ident, key)
            batch.portraits[job.candidate_id] = Portrait.from_meta(key, cache.entry(KIND, key), meta)

    keys = list(todo)
    results, batch.workers = run_all(_work, [_Work(str(todo[k][0]), k, str(cache.root), spec) for k in keys], workers)
    for key, res in zip(keys, results):
        for job in todo[key][1]:
            if isinstance(res, BaseException):
                refuse(job, "error", error=f"{type(res).__name__}: {res}")
            elif "refused" in res:
                detail = {k: v for k, v in res.items() if k != "refused"}
                refuse(job, res["refused"], **detail)
            else:
                batch.portraits[job.candidate_id] = Portrait.from_meta(key, cache.entry(KIND, key), res)
                known.put(ident_of.get(job.candidate_id), key)
        if not isinstance(res, BaseException) and "refused" not in res:
            batch.processed += res.pop("decoded", 0)
            cache.note(KIND, key, res)
    cache.save()
    known.save()
    return batch


class _Sources:
    """Photo file identity -> cache key, so that a warm build need not read every photo.

    The identity includes the change time (ctime), which no program can set back:
    a photo rewritten with the same size and modification time still gets a new one.
    """

    def __init__(self, cache: MediaCache, spec: PortraitSpec):
        self.path = cache.root / KIND / SOURCES
        self.salt = json.dumps([VERSION, spec.params()], sort_keys=True)
        try:
            doc = json.loads(self.path.read_bytes())
            self.old = {k: v for k, v in doc.items() if isinstance(v, str)} if isinstance(doc, dict) else {}
        except (OSError, ValueError):
            self.old = {}
        self.seen: dict[str, str] = {}

    def identity(self, path: Path) -> str | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        blob = json.dumps([self.salt, os.path.abspath(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev])
        return hashlib.sha256(blob.encode()).hexdigest()

    def get(self, path: Path) -> tuple[str | None, str | None]:
        ident = self.identity(path)
        return ident, (self.old.get(ident) if ident else None)

    def put(self, ident: str | None, key: str) -> None:
        if ident:
            self.seen[ident] = key

    def save(self) -> None:
        """Keep the photos of this run (entries of photos no longer used are dropped)."""
        if self.seen == self.old:
            return
        try:
            write_atomic(self.path, json.dumps(self.seen, sort_keys=True, separators=(",", ":")).encode())
        except OSError:
            pass
