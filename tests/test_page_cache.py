"""Incremental builds are correct: a cached rebuild equals a clean build, byte for
byte, after every kind of change; what did not change is kept (not rendered, not
rewritten); a change to a template or a setting invalidates what it should.

Each case copies the sample project (data, stories, policy pages, theme, plugin,
settings) into a scratch folder, builds it, makes one change, rebuilds into the
same output folder (incremental, as ``gongjiang build`` does) and into a fresh
folder (clean), and compares. The media cache is shared by all cases (share cards
are slow to draw and are not what is tested here).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from gongjiang_pipeline import buildcache
from gongjiang_pipeline.buildcache import Manifest, Unstable, digest
from gongjiang_pipeline.sitebuild import SiteBuildError, build_into, build_site

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 27)
PUBLIC = "2016-048"  # 单立新: public in 2016, has a story (content/stories)


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def stamps(out: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in out.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def media_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media-cache")


@pytest.fixture
def project(tmp_path, media_cache) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for d in ("data", "content", "theme", "plugins", "schemas"):
        shutil.copytree(ROOT / d, root / d, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pelican.conf.py", root / "pelican.conf.py")
    return root


def build(root: Path, out: Path, media_cache: Path, as_of: dt.date = AS_OF, force: bool = True, **override):
    """As ``gongjiang build`` does; ``force``: even when no input changed (the page
    cache is what these tests are about; the early stop has its own tests)."""
    return build_into(root, out, as_of, override={"GONGJIANG_MEDIA_CACHE": str(media_cache), **override},
                      force=force)


def clean_build(project: Path, folder: Path, media_cache: Path, as_of: dt.date = AS_OF):
    """A build from scratch into ``folder`` (no previous output, no page cache): what a
    cached rebuild must equal byte for byte. Returns its summary."""
    return build_site(project, folder, as_of, override={"GONGJIANG_MEDIA_CACHE": str(media_cache)})


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def candidate_file(root: Path, cid: str) -> Path:
    return root / "data" / "candidates" / cid[:4] / f"{cid}.yaml"


def change_citation(root: Path) -> None:
    path = candidate_file(root, PUBLIC)
    lines = path.read_text("utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.startswith("citation:"):
            lines[i] = "citation: 测量精准，数据可靠（修改后的推荐语）。"
    path.write_text("\n".join(lines), "utf-8")


def change_story(root: Path) -> None:
    story = sorted((root / "content" / "stories").glob("*.md"))[0]
    with open(story, "a", encoding="utf-8") as f:
        f.write("\n修改后新增的一段。\n")


def change_policy_title(root: Path) -> None:
    page = sorted((root / "content" / "pages").glob("*.md"))[0]
    lines = page.read_text("utf-8").split("\n")
    lines = [("Title: 改过的政策页标题" if line.startswith("Title:") else line) for line in lines]
    page.write_text("\n".join(lines), "utf-8")


def change_craftsman_template(root: Path) -> None:
    edit(root / "theme" / "templates" / "craftsman.html", "{% block content %}", "{% block content %}<!-- 改 -->")


def change_edition_name(root: Path) -> None:
    path = root / "data" / "editions" / "2016.yaml"
    text = path.read_text("utf-8")
    for line in text.split("\n"):
        if line.startswith("name:"):
            edit(path, line, line.rstrip().rstrip('"') + "（改）" + ('"' if line.rstrip().endswith('"') else ""))
            return
    raise AssertionError("no name: line in 2016.yaml")


def change_citation_en(root: Path) -> None:
    edit(candidate_file(root, PUBLIC), "citation_en: \"He guides", "citation_en: \"(changed) He guides")


def add_citation_en(root: Path) -> None:
    """何兴勇 (2016-003, 提名奖) gets an English citation: a new English page, and his
    Chinese page gains its hreflang links and switch."""
    edit(candidate_file(root, "2016-003"), "\nphoto:", "\ncitation_en: A welder whose every seam passes inspection.\nphoto:")


def change_edition_name_en(root: Path) -> None:
    edit(root / "data" / "editions" / "2016.yaml", "name_en: \"2016 Beijing", "name_en: \"(changed) 2016 Beijing")


CHANGES = {
    "候选人推荐语": change_citation,
    "英文推荐语": change_citation_en,
    "新增英文推荐语": add_citation_en,
    "届次英文名称": change_edition_name_en,
    "故事正文": change_story,
    "政策页面标题": change_policy_title,
    "工匠页面模板": change_craftsman_template,
    "届次名称": change_edition_name,
}


@pytest.mark.slow
@pytest.mark.parametrize("what", list(CHANGES))
def test_cached_rebuild_equals_clean_build(project, tmp_path, media_cache, what):
    out = tmp_path / "out"
    first = build(project, out, media_cache)
    assert first.kept == frozenset() and first.rendered >= first.pages  # and the feed, the sitemap
    before = stamps(out)
    CHANGES[what](project)
    again = build(project, out, media_cache)
    clean = clean_build(project, tmp_path / "clean", media_cache)
    assert files(out) == files(tmp_path / "clean")
    assert again.files == clean.files and again.pages == clean.pages
    assert again.rendered < clean.rendered or what in ("政策页面标题",)  # a footer change: every page
    after = stamps(out)
    # kept files were not rewritten; rewritten files are exactly those whose bytes changed
    for rel in again.kept:
        assert after[rel] == before[rel], rel


@pytest.mark.slow
def test_nothing_changed_renders_nothing_and_rewrites_nothing(project, tmp_path, media_cache):
    out = tmp_path / "out"
    first = build(project, out, media_cache)
    before = stamps(out)
    again = build(project, out, media_cache)
    assert again.rendered == 0
    assert stamps(out) == before
    assert again.search_pages == first.search_pages > 0
    assert len(again.kept) == len(first.keys)  # every page, image and search file kept


def media_identities(out: Path) -> dict[str, tuple[int, int, int]]:
    """Cards, QR codes and portraits of the site: (inode, mtime, links)."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_nlink)
            for p in out.rglob("*")
            if p.is_file() and (p.name in ("share.png", "qr.png", "qr.svg") or p.parent == out / "photos")}


@pytest.mark.slow
def test_media_files_are_cache_links_kept_by_every_kind_of_rebuild(project, tmp_path, media_cache, monkeypatch):
    out = tmp_path / "out"
    build(project, out, media_cache)
    cached = {p.stat().st_ino for p in media_cache.rglob("*") if p.is_file()}
    before = media_identities(out)
    assert len(before) > 300 and all(ino in cached and links >= 2 for ino, _, links in before.values())
    # incremental: unchanged media are kept (not even read), same inode and mtime
    from gongjiang_pipeline.media.cache import MediaCache

    def forbidden(*args, **kwargs):
        raise AssertionError("a kept media file must not be read")

    change_citation(project)
    monkeypatch.setattr(MediaCache, "read_file", forbidden)
    again = build(project, out, media_cache)
    monkeypatch.undo()
    assert set(before) <= again.kept
    assert media_identities(out) == before
    # --clean and GONGJIANG_NO_CACHE=1 produce every file again: linked to the same cache
    # files, so the sync finds them unchanged and leaves them alone
    clean = build_into(project, out, AS_OF, override={"GONGJIANG_MEDIA_CACHE": str(media_cache)}, force=True,
                       reuse=False)
    assert clean.kept == frozenset()
    assert {rel: v[:2] for rel, v in media_identities(out).items()} == {rel: v[:2] for rel, v in before.items()}
    monkeypatch.setenv("GONGJIANG_NO_CACHE", "1")
    assert build(project, out, media_cache).kept == frozenset()
    assert {rel: v[:2] for rel, v in media_identities(out).items()} == {rel: v[:2] for rel, v in before.items()}


@pytest.mark.slow
def test_studio_photos_are_re_encoded_only_when_they_change(project, tmp_path, media_cache, monkeypatch):
    from PIL import Image

    from gongjiang_pipeline import images

    out = tmp_path / "out"
    build(project, out, media_cache)
    (photo,) = out.glob("studios/*/photo.*")
    rel, stamp = photo.relative_to(out).as_posix(), photo.stat().st_mtime_ns
    calls = []
    real = images.without_metadata
    monkeypatch.setattr(images, "without_metadata", lambda src: calls.append(Path(src).name) or real(src))
    change_citation(project)
    again = build(project, out, media_cache)
    assert calls == [] and rel in again.kept and photo.stat().st_mtime_ns == stamp
    # a changed photo is re-encoded, and only that one
    (src,) = (project / "data/photos/studios").iterdir()
    with Image.open(src) as im:
        im = im.convert("RGB")
        im.putpixel((0, 0), (255, 0, 0))
        im.save(src, quality=95)
    again = build(project, out, media_cache)
    assert calls == [src.name] and rel not in again.kept
    assert photo.read_bytes() == real(src)


@pytest.mark.slow
def test_unchanged_inputs_stop_early_and_anything_else_does_not(project, tmp_path, media_cache):
    out = tmp_path / "out"
    first = build(project, out, media_cache, force=False)
    before = stamps(out)
    again = build(project, out, media_cache, force=False)
    assert again.unchanged and again.rendered == 0
    assert (again.files, again.pages, again.search_pages) == (first.files, first.pages, first.search_pages)
    assert stamps(out) == before
    # an input touched but with the same bytes: still nothing to do
    story = sorted((project / "content" / "stories").glob("*.md"))[0]
    os.utime(story, ns=(1, 1))
    assert build(project, out, media_cache, force=False).unchanged
    # another date, another setting, an input changed: a real build
    assert not build(project, out, media_cache, as_of=dt.date(2026, 11, 28), force=False).unchanged
    assert not build(project, out, media_cache, as_of=dt.date(2026, 11, 28), force=False,
                     GONGJIANG_SITE_NAME="测试").unchanged
    change_story(project)
    assert not build(project, out, media_cache, force=False).unchanged
    assert build(project, out, media_cache, force=False).unchanged


@pytest.mark.slow
def test_a_touched_output_folder_is_rebuilt(project, tmp_path, media_cache):
    out = tmp_path / "out"
    build(project, out, media_cache, force=False)
    clean = files(out)
    (out / "stray.html").write_text("不该留下", "utf-8")
    assert not build(project, out, media_cache, force=False).unchanged
    assert files(out) == clean
    (out / "index.html").unlink()
    again = build(project, out, media_cache, force=False)
    assert not again.unchanged and "index.html" not in again.kept
    assert files(out) == clean


@pytest.mark.slow
def test_no_cache_renders_everything(project, tmp_path, media_cache, monkeypatch):
    out = tmp_path / "out"
    build(project, out, media_cache, force=False)
    monkeypatch.setenv("GONGJIANG_NO_CACHE", "1")
    again = build(project, out, media_cache, force=False)
    assert not again.unchanged and again.kept == frozenset() and again.rendered >= again.pages


def change_employer(root: Path) -> None:
    edit(candidate_file(root, PUBLIC), "employer: 北京京测地理信息有限公司", "employer: 北京京测地理信息集团有限公司")


@pytest.mark.slow
def test_one_candidate_rerenders_the_pages_that_show_them_only(project, tmp_path, media_cache):
    # the employer is shown on the person's pages, the stories about them, their lists and
    # browse pages (the dependency graph records each page's reads: tests/test_depgraph.py)
    out = tmp_path / "out"
    build(project, out, media_cache)
    change_employer(project)
    again = build(project, out, media_cache)
    rendered = {rel for rel, key in again.keys.items()
                if rel not in again.kept and not key.startswith(("bytes:", "search:"))}
    craftsmen = {rel for rel in rendered if rel.startswith("craftsmen/") and rel != "craftsmen/index.html"}
    assert craftsmen == {"craftsmen/shan-lixin/index.html", "craftsmen/shan-lixin/poster/index.html"}
    about = {f"stories/{p.stem}/index.html" for p in (project / "content" / "stories").glob("*.md")
             if f"Candidate: {PUBLIC}" in p.read_text("utf-8") and "\nLang: en\n" not in p.read_text("utf-8")}
    assert about  # a story shows the person it is about: it follows them
    assert {rel for rel in rendered if rel.startswith("stories/") and rel != "stories/index.html"} == about
    # the English edition: his English page and the English story about him follow him too
    assert {rel for rel in rendered if rel.startswith(("en/craftsmen/", "en/stories/"))} == {
        "en/craftsmen/shan-lixin/index.html", "en/stories/shan-lixin-cezhang/index.html"}
    assert "editions/2016/craftsmen/index.html" in rendered  # his edition's lists show him
    assert not any(rel.startswith("editions/2026/") for rel in rendered)  # another edition's do not
    assert "occupations/surveyor/index.html" in rendered  # his occupation's browse page
    assert "occupations/welder/index.html" not in rendered
    assert again.rendered == len(rendered)
    assert {"sitemap.xml", "feeds/stories.atom.xml"} & rendered == set()  # they do not show employers
    clean_build(project, tmp_path / "clean", media_cache)
    assert files(out) == files(tmp_path / "clean")


@pytest.mark.slow
def test_a_setting_change_invalidates_every_page(project, tmp_path, media_cache):
    out = tmp_path / "out"
    build(project, out, media_cache)
    again = build(project, out, media_cache, GONGJIANG_SITE_NAME="北京大工匠（测试）")
    # every Chinese page and the feed show the site name; the sitemap (addresses only) does
    # not read it, nor do the English pages (they show GONGJIANG_SITE_NAME_EN)
    english = {rel for rel in again.keys if rel.startswith("en/") and rel.endswith(".html")}
    assert len(english) == 23
    assert again.rendered == again.pages - len(english) + 1 and "sitemap.xml" in again.kept
    assert {rel for rel in again.kept if rel.endswith(".html")} == english
    assert "北京大工匠（测试）" in (out / "craftsmen" / "shan-lixin" / "index.html").read_text("utf-8")


@pytest.mark.slow
def test_a_later_date_publishes_what_became_public(project, tmp_path, media_cache):
    out = tmp_path / "out"
    first = build(project, out, media_cache, as_of=dt.date(2026, 10, 1))
    page = out / "craftsmen" / "shan-lixin" / "index.html"
    before = page.read_text("utf-8")
    again = build(project, out, media_cache, as_of=AS_OF)
    assert again.people > first.people  # the 2026 nominees became public
    assert page.read_text("utf-8") != before  # a 2016 page: only its footer's date changed
    assert "craftsmen/shan-lixin/index.html" not in again.kept
    clean_build(project, tmp_path / "clean", media_cache)
    assert files(out) == files(tmp_path / "clean")


@pytest.mark.slow
def test_an_edited_output_file_is_rewritten(project, tmp_path, media_cache):
    out = tmp_path / "out"
    build(project, out, media_cache)
    page = out / "craftsmen" / "shan-lixin" / "index.html"
    good = page.read_bytes()
    page.write_bytes(good.replace("单立新".encode(), "某某某".encode()))
    again = build(project, out, media_cache)
    assert "craftsmen/shan-lixin/index.html" not in again.kept
    assert page.read_bytes() == good


@pytest.mark.slow
def test_workers_do_not_change_the_output(project, tmp_path, media_cache):
    one = build(project, tmp_path / "one", media_cache, GONGJIANG_RENDER_WORKERS=1)
    two = build(project, tmp_path / "two", media_cache, GONGJIANG_RENDER_WORKERS=2)
    assert one.rendered == two.rendered > 64  # enough pages for the workers to be used
    assert files(tmp_path / "one") == files(tmp_path / "two")


@pytest.mark.slow
def test_a_template_error_in_a_worker_names_the_template_line(project, tmp_path, media_cache):
    edit(project / "theme" / "templates" / "craftsman.html", "{% block content %}", "{% block content %}{{ 1 // 0 }}")
    line = next(i for i, text in enumerate(
        (project / "theme" / "templates" / "craftsman.html").read_text("utf-8").split("\n"), 1) if "1 // 0" in text)
    out = tmp_path / "out"
    with pytest.raises(SiteBuildError) as err:
        build(project, out, media_cache, GONGJIANG_RENDER_WORKERS=2)
    assert str(err.value).startswith(f"模板错误：theme/templates/craftsman.html:{line}: 模板运行出错（ZeroDivisionError）")
    assert not out.exists()


# ---- buildcache unit tests

@pytest.mark.parametrize("a, b, same", [
    (("x", 1), ("x", 1), True),
    (("x", 1), ("x", "1"), False),  # types matter
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}, False),  # dict order is shown on pages: it matters
    ({1, 2, 3}, {3, 2, 1}, True),  # set order does not
    (dt.date(2026, 1, 1), dt.datetime(2026, 1, 1), False),
    ((True,), (1,), False),
    (Path("a/b"), "a/b", False),
    (("a", "b"), ("ab",), False),  # no ambiguity from concatenation
])
def test_digest_by_content(a, b, same):
    assert (digest(a) == digest(b)) is same


def test_digest_refuses_objects_known_only_by_address():
    class Opaque:
        pass

    with pytest.raises(Unstable):
        digest(Opaque())


def test_manifest_keeps_only_untouched_files(tmp_path):
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a" / "x.html").write_text("x", "utf-8")
    (out / "y.html").write_text("y", "utf-8")
    Manifest(out).save(tmp_path / "cache", {"a/x.html": "k1", "y.html": "k2", "gone.html": "k3"})
    m = Manifest.load(tmp_path / "cache", out)
    assert sorted(m.entries) == ["a/x.html", "y.html"]
    assert m.fresh("a/x.html", "k1") and not m.fresh("a/x.html", "k2")
    (out / "y.html").write_text("z", "utf-8")
    os.utime(out / "y.html", ns=(0, 0))
    assert not m.fresh("y.html", "k2")  # touched since
    assert not Manifest.load(tmp_path / "cache", tmp_path / "other").entries  # per output folder
    Manifest.location(tmp_path / "cache", out).write_text("{bad json", "utf-8")
    assert not Manifest.load(tmp_path / "cache", out).entries  # unreadable: nothing kept


def test_code_version_follows_the_code(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "m.py").write_text("A = 1\n", "utf-8")
    v1 = buildcache.code_version(pkg)
    buildcache.code_version.cache_clear()
    (pkg / "m.py").write_text("A = 2\n", "utf-8")
    assert buildcache.code_version(pkg) != v1


def test_pelican_reader_cache_is_per_settings_and_code(tmp_path):
    from gongjiang_pipeline.sitebuild import content_cache_path

    base = {"MARKDOWN": {"output_format": "html5"}, "CACHE_CONTENT": True, "OUTPUT_PATH": "/tmp/a"}
    same = dict(base, OUTPUT_PATH="/tmp/b", GONGJIANG_AS_OF="2026-01-01")  # per-run values do not count
    other = dict(base, MARKDOWN={"output_format": "xhtml"})
    assert content_cache_path(base, tmp_path) == content_cache_path(same, tmp_path)
    assert content_cache_path(base, tmp_path) != content_cache_path(other, tmp_path)
    assert content_cache_path(base, tmp_path).parent == tmp_path.resolve() / "cache" / "pelican"


@pytest.mark.slow
def test_story_images_are_cleaned_once_and_kept(project, tmp_path, media_cache):
    from PIL import Image

    images = project / "content" / "images"
    images.mkdir(exist_ok=True)

    def photo(colour) -> None:
        exif = Image.Exif()
        exif[0x010F] = "相机厂商"  # Make: metadata the site must not publish
        Image.new("RGB", (64, 48), colour).save(images / "workshop.jpg", exif=exif, quality=90)

    photo((200, 40, 40))
    story = sorted((project / "content" / "stories").glob("*.md"))[0]
    with open(story, "a", encoding="utf-8") as f:
        f.write("\n![车间]({static}/images/workshop.jpg)\n")
    out = tmp_path / "out"
    build(project, out, media_cache)
    published = out / "images" / "workshop.jpg"
    assert published.is_file() and b"\xe7\x9b\xb8\xe6\x9c\xba" not in published.read_bytes()  # 相机 gone
    stamp = published.stat().st_mtime_ns, published.stat().st_ino
    again = build(project, out, media_cache)
    assert "images/workshop.jpg" in again.kept
    assert (published.stat().st_mtime_ns, published.stat().st_ino) == stamp
    photo((40, 40, 200))
    again = build(project, out, media_cache)
    assert "images/workshop.jpg" not in again.kept
    clean_build(project, tmp_path / "clean", media_cache)
    assert files(out) == files(tmp_path / "clean")


@pytest.mark.slow
def test_a_new_day_with_nothing_published_renders_only_date_pages(project, tmp_path, media_cache):
    out = tmp_path / "out"
    build(project, out, media_cache, as_of=dt.date(2026, 11, 28))
    again = build(project, out, media_cache, as_of=dt.date(2026, 11, 29))
    # the footer's update date is unchanged: craftsman pages and stories are kept; pages that
    # show the build date itself (lists with 投票已结束, the feed, the home page) may render
    assert not any(rel.startswith(("craftsmen/", "stories/")) and rel.endswith(".html") and rel != "craftsmen/index.html"
                   and rel != "stories/index.html" and rel not in again.kept
                   for rel in again.keys)
    clean_build(project, tmp_path / "clean", media_cache, dt.date(2026, 11, 29))
    assert files(out) == files(tmp_path / "clean")
