"""Every output byte is scanned for private values and for embargoed lists.

Two projects: the committed sample (real engine), and a synthetic one with
recognisable private values (ID numbers, phones, addresses, union card numbers) that
are also planted in the metadata of a candidate's photo and of story images (EXIF
ImageDescription/Artist, UTF-16 XPComment, GPS, XMP, JPEG comment, PNG text chunks).

Each value is searched as UTF-8, UTF-16 (both byte orders: EXIF text), HTML-escaped,
JSON-escaped and URL-encoded, in every file of the output: HTML, JSON, CSV, feed,
sitemap, CSS, images, and the search index (Pagefind's files, decompressed). Each project is built the day before each list's publication
date and once after everything is published: a list before its date leaves no trace
(its page, its open data files, the names first published on it).
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from sitekit import ROOT, SiteProject

from gongjiang_pipeline.engine import run as real_engine
from gongjiang_pipeline.loading import load_project
from gongjiang_pipeline.outcome import LIST_TITLES, EditionResult, StageList
from gongjiang_pipeline.publication import publish
from gongjiang_pipeline.sitebuild import build_site

pytestmark = pytest.mark.slow

FAR_FUTURE = dt.date(2999, 12, 31)


# --------------------------------------------------------------------------
# the scanner


def forms(value: str) -> set[bytes]:
    """The byte sequences under which ``value`` could appear in an output file."""
    texts = {value, html.escape(value), html.escape(value, quote=False), json.dumps(value)[1:-1],
             json.dumps(value, ensure_ascii=False)[1:-1], quote(value)}
    out: set[bytes] = set()
    for t in texts:
        out.add(t.encode("utf-8"))
    out.add(value.encode("utf-16-le"))
    out.add(value.encode("utf-16-be"))
    return out


@dataclass
class Scan:
    files: int = 0
    bytes: int = 0
    values: int = 0
    hits: list[str] = field(default_factory=list)


# Pagefind's index files are gzip-compressed: scanned as stored and decompressed
PAGEFIND_COMPRESSED = (".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta")


def _bytes(p: Path) -> bytes:
    data = p.read_bytes()
    if p.suffix in PAGEFIND_COMPRESSED:
        data += b"\x00" + gzip.decompress(data)
    return data


def scan(out: Path, values: dict[str, str]) -> Scan:
    """``values``: text -> what it is (for the report). Every file, every form."""
    contents = {p.relative_to(out).as_posix(): _bytes(p) for p in sorted(out.rglob("*")) if p.is_file()}
    blob = b"\x00".join(contents.values())
    s = Scan(files=len(contents), bytes=len(blob), values=len(values))
    for value, what in sorted(values.items()):
        for needle in forms(value):
            if needle in blob:
                where = [name for name, data in contents.items() if needle in data]
                s.hits.append(f"{what} «{value}» in {', '.join(where[:5])}")
    return s


# --------------------------------------------------------------------------
# what may not appear on a date


def private_values(project) -> dict[str, str]:
    values = {}
    for ed in project.editions.values():
        for c in ed.candidates:
            for key, value in c.private.model_dump().items():
                if value:
                    values[str(value)] = f"{c.id} private.{key}"
    for s in getattr(project, "studios", ()):  # 创新工作室 (data/studios/)
        if s.private is not None:
            for key, value in s.private.model_dump().items():
                if value:
                    values[str(value)] = f"studio {s.id} private.{key}"
    return values


def embargoed(project, engine, as_of: dt.date) -> dict[str, str]:
    """Names of people not public on ``as_of`` (and not sharing a name with anyone who
    is), and the pages and files of every list not yet published.

    An apprentice of a 大工匠带徒 record begun by ``as_of`` is named as an apprentice
    (public mentorship data, not their candidacy): for a candidate not yet public, their
    citation is searched instead of their name."""
    values: dict[str, str] = {}
    public_names = set()
    for ed in project.editions.values():
        now = publish(ed.edition, engine(ed), as_of)
        public_names |= {ed.candidate(cid).name for cid in now.public_ids}
    apprentices = {m.apprentice.name for m in project.mentorships if m.start <= as_of}
    for ed in project.editions.values():
        result = engine(ed)
        later = publish(ed.edition, result, FAR_FUTURE)
        now = publish(ed.edition, result, as_of)
        for cid, since in later.public_since.items():
            name = ed.candidate(cid).name
            if cid not in now.public_ids and name in apprentices:
                values[ed.candidate(cid).citation] = f"{cid} citation (public from {since})"
            elif cid not in now.public_ids and name not in public_names:
                values[name] = f"{cid} (public from {since})"
        visible = {sl.key for sl in now.lists}
        for sl in later.lists:
            if sl.key not in visible:
                values[f"/editions/{ed.edition.id}/{sl.key}/"] = f"list {ed.edition.id}/{sl.key} (from {sl.publish_on})"
                values[f"opendata/{ed.edition.id}/{sl.key}."] = f"open data {ed.edition.id}/{sl.key}"
    return values


def build_dates(project, engine) -> list[dt.date]:
    """The day before each publication date, and the day after the last one."""
    days = set()
    for ed in project.editions.values():
        for sl in publish(ed.edition, engine(ed), FAR_FUTURE).lists:
            days.add(sl.publish_on)
    return sorted({d - dt.timedelta(days=1) for d in days} | {max(days) + dt.timedelta(days=1)})


def check_project(root: Path, out_base: Path, engine, build, figures, label: str) -> int:
    project = load_project(root)
    private = private_values(project)
    totals = Scan()
    for as_of in build_dates(project, engine):
        out = build(as_of, out_base / as_of.isoformat())
        values = dict(private)
        values.update(embargoed(project, engine, as_of))
        s = scan(out, values)
        totals.files += s.files
        totals.bytes += s.bytes
        totals.values += s.values
        totals.hits += [f"{as_of}: {h}" for h in s.hits]
        assert s.files > 0
    figures(
        f"private scan ({label}): {len(build_dates(project, engine))} builds, {totals.files} files "
        f"({totals.bytes} bytes) scanned, {totals.values} values searched "
        f"({len(private)} private values per build, the rest embargoed names and lists), {len(totals.hits)} hits"
    )
    assert totals.hits == []
    return totals.files


# --------------------------------------------------------------------------
# the sample site


def test_sample_site_has_no_private_value_and_no_embargoed_list(tmp_path, safety_figures):
    if not any((ROOT / "data" / "editions").glob("*.yaml")):
        pytest.skip("no sample data in data/editions yet")

    def build(as_of, out):
        build_site(ROOT, out, as_of)
        return out

    check_project(ROOT, tmp_path, real_engine, build, safety_figures, "sample data")


# --------------------------------------------------------------------------
# the synthetic project

SECRETS = {  # candidate id -> private values, recognisable and unlike anything public
    "2099-001": ("11010119750101999X", "13911112222", "北京市东城区秘密胡同9号院3单元502室", "BJGH-SECRET-0001"),
    "2099-002": ("110105198002029998", "010-66667777", "北京市朝阳区保密小区1号楼", "BJGH-SECRET-0002"),
    "2099-003": ("110108198503039997", "+86 139 3333 4444", "北京市海淀区隐私路33号", "BJGH-SECRET-0003"),
    "2099-004": ("110101199004049996", "13955556666", "北京市西城区不公开街4号", "BJGH-SECRET-0004"),
    "2099-005": ("110101199505059995", "13977778888", "北京市丰台区私人巷5号", "BJGH-SECRET-0005"),
    "2099-006": ("110101200006069994", "13999990000", "北京市通州区住址保密6号", "BJGH-SECRET-0006"),
}
HONOUR_ONLY = "2099-006"  # named only on the honour roll


def honour_roll_engine(ed) -> EditionResult:
    """Nominees 001-004; 005 never public; 006 appears first on the honour roll."""
    t = ed.edition.timeline

    def sl(key, entries, day):
        return StageList(key, LIST_TITLES[key], "final", tuple(entries), day)

    return EditionResult(
        ed.edition.id,
        {
            "nominees": sl("nominees", ["2099-001", "2099-002", "2099-003", "2099-004"], t.nominees_published),
            "popularity": sl("popularity", ["2099-002"], t.popularity_published),
            "notice": sl("notice", ["2099-001", "2099-003"], t.notice.start),
            "craftsmen": sl("craftsmen", ["2099-001", HONOUR_ONLY], t.honor_roll_published),
            "nomination_award": sl("nomination_award", ["2099-003"], t.honor_roll_published),
        },
        traces={},
    )


def image_with_secrets(fmt: str, secrets: tuple[str, str, str, str]) -> bytes:
    from PIL import Image, PngImagePlugin

    id_number, phone, address, card = secrets
    im = Image.new("RGB", (360, 480), (180, 120, 90))
    exif = Image.Exif()
    exif[0x010E] = f"ID {id_number}"  # ImageDescription
    exif[0x013B] = phone  # Artist
    exif[0x9C9C] = address.encode("utf-16-le") + b"\0\0"  # XPComment (UTF-16)
    exif[0x0112] = 1  # orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (39.0, 54.0, 27.0)
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>{card}</dc:description>'
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode("utf-8")
    buf = io.BytesIO()
    if fmt == "JPEG":
        im.save(buf, "JPEG", exif=exif.tobytes(), xmp=xmp, comment=f"{phone} {address}".encode("utf-8"))
    else:
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", f"{card} {phone}")
        info.add_itxt("Address", address)
        im.save(buf, "PNG", pnginfo=info, exif=exif.tobytes())
    return buf.getvalue()


class SecretProject(SiteProject):
    def __init__(self, root: Path):
        super().__init__(root)
        for cid, (id_number, phone, address, card) in SECRETS.items():
            p = self.path(f"data/candidates/2099/{cid}.yaml")
            text = p.read_text("utf-8")
            start = text.index("private:")
            text = text[:start] + (
                f'private:\n  id_number: "{id_number}"\n  phone: "{phone}"\n  address: "{address}"\n'
                f'  union_card: "{card}"\n'
            )
            text = text.replace("citation:", f"photo: photos/{cid}.jpg\ncitation:")
            p.write_text(text, "utf-8")
            self.write_bytes(f"data/photos/{cid}.jpg", image_with_secrets("JPEG", SECRETS[cid]))
        self.write_bytes("content/images/workshop.jpg", image_with_secrets("JPEG", SECRETS["2099-001"]))
        self.write_bytes("content/images/award.png", image_with_secrets("PNG", SECRETS["2099-003"]))
        (self.root / "content" / "stories" / "workshop.md").write_text(
            "Title: 车间里的故事\nDate: 2099-04-02\nCandidate: 2099-001\n\n"
            "![车间]({static}/images/workshop.jpg)\n\n![奖状]({static}/images/award.png)\n",
            "utf-8",
        )
        site_story_about_honour_only = "Title: 只在荣誉榜上的人\nDate: 2099-06-21\nCandidate: 2099-006\n\n故事。\n"
        (self.root / "content" / "stories" / "honour.md").write_text(site_story_about_honour_only, "utf-8")


def test_scanner_finds_what_is_planted(tmp_path):
    """The scanner itself: it finds every secret in the source images (EXIF UTF-16,
    XMP, comments, PNG text) and in a page, so a clean scan means something."""
    project = SecretProject(tmp_path / "project")
    values = {v: cid for cid, secrets in SECRETS.items() for v in secrets}
    s = scan(project.path("data/photos"), values)
    found = {h.split("«")[1].split("»")[0] for h in s.hits}
    assert found == {v for cid, secrets in SECRETS.items() for v in secrets}
    src = tmp_path / "src"
    src.mkdir()
    (src / "p.html").write_text(f"<p>{html.escape(SECRETS['2099-001'][2])}</p>", "utf-8")
    assert len(scan(src, {SECRETS["2099-001"][2]: "address"}).hits) == 1


def test_synthetic_site_has_no_private_value_and_no_embargoed_list(tmp_path, safety_figures):
    project = SecretProject(tmp_path / "project")

    def build(as_of, out):
        return project.build(as_of.isoformat(), out, GONGJIANG_ENGINE=honour_roll_engine)

    check_project(project.root, tmp_path / "out", honour_roll_engine, build, safety_figures, "synthetic")
    # the eve of the honour roll searched for the name first published on it
    eve = embargoed(load_project(project.root), honour_roll_engine, dt.date(2099, 6, 19))
    assert eve["张三"].startswith(HONOUR_ONLY) and "/editions/2099/craftsmen/" in eve

    # the scan was not vacuous: photos and story images are published ...
    final = tmp_path / "out" / "2099-06-21"
    published = sorted(p.relative_to(final).as_posix() for p in final.rglob("*") if p.suffix in (".jpg", ".png", ".webp"))
    assert "images/workshop.jpg" in published and "images/award.png" in published
    assert "photos/zhang-jianguo-240.jpg" in published and "craftsmen/zhang-jianguo/share.png" in published
    # ... without any metadata, and the honour-roll-only person appears on the honour roll day
    from PIL import Image

    for rel in published:
        with Image.open(final / rel) as im:
            assert not im.getexif(), rel
            assert not {"exif", "xmp", "comment", "icc_profile", "Comment", "Address"} & set(im.info), (rel, im.info)
    roll = (final / "editions/2099/craftsmen/index.html").read_text("utf-8")
    assert "张三" in roll
    before = tmp_path / "out" / "2099-06-19"
    assert not (before / "stories" / "honour").exists()
    # a story image is published with its story, not before (2099-001 is public from 04-01)
    early = tmp_path / "out" / "2099-03-31"
    assert not (early / "images").exists() and not (early / "photos").exists()
