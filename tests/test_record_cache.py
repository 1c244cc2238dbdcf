"""The cache of parsed and validated data files (``cache/records/``) is right.

* A cached load gives exactly the records (and document positions) of an
  uncached one, on the whole sample data.
* A changed file is read again; the others come from the cache.
* A different code version (``models.py`` edited, simulated by the version
  key) starts empty: nothing is taken from the old cache.
* A file with a problem is never cached: it is reported again, every time.
* Records from the cache are exactly the validated ones: equal, same dumps, and
  the same pydantic internals (fields set, extra, private), nested records too.
* The cache is one file per data folder (shard): a load rewrites only the shards
  whose entries changed; a corrupt or unreadable shard is ignored and rebuilt;
  a cache that cannot be written does not stop a load.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import BaseModel
from scratch import ScratchProject

from gongjiang_pipeline import recordcache
from gongjiang_pipeline.errors import DataError
from gongjiang_pipeline.loading import load_project, read_all
from gongjiang_pipeline.recordcache import RecordCache


def summary(loaded):
    return [(x.kind, x.path, x.record, x.doc.value, x.doc.values_at, x.doc.keys_at, x.edition_dir) for x in loaded]


def test_cached_load_equals_uncached_load(sample):
    plain_loaded, plain_problems = read_all(sample)
    plain = load_project(sample, cache=False)
    assert not (sample / "cache").exists()

    first = RecordCache(sample, enabled=True)
    loaded1, problems1 = read_all(sample, cache=first)
    first.save()
    assert (first.hits, first.misses) == (0, len(plain_loaded))
    second = RecordCache(sample, enabled=True)
    loaded2, problems2 = read_all(sample, cache=second)
    assert (second.hits, second.misses) == (len(plain_loaded), 0)

    assert summary(loaded1) == summary(plain_loaded) == summary(loaded2)
    assert problems1 == problems2 == plain_problems == []
    assert load_project(sample, cache=True) == plain  # the whole project, records and all
    assert load_project(sample, cache=True) == plain  # (all from the cache this time)


def parts(value):
    """Everything pydantic keeps in a record, nested records included."""
    if isinstance(value, BaseModel):
        return (
            type(value),
            value.__pydantic_fields_set__,
            value.__pydantic_extra__,
            value.__pydantic_private__,
            {name: parts(v) for name, v in value.__dict__.items()},
        )
    if isinstance(value, (tuple, list)):
        return type(value), [parts(v) for v in value]
    if isinstance(value, dict):
        return {k: parts(v) for k, v in value.items()}
    return type(value), value


def test_records_from_the_cache_are_exactly_the_validated_ones(sample):
    validated, _ = read_all(sample)
    first = RecordCache(sample, enabled=True)
    read_all(sample, cache=first)
    first.save()
    second = RecordCache(sample, enabled=True)
    cached, _ = read_all(sample, cache=second)
    assert second.misses == 0 and second.hits == len(validated) == len(cached)
    kinds = set()
    for fresh, hit in zip(validated, cached):
        a, b = fresh.record, hit.record
        kinds.add(fresh.kind)
        assert a == b
        assert a.model_dump() == b.model_dump()
        assert a.model_dump(exclude_unset=True) == b.model_dump(exclude_unset=True)
        assert a.model_dump_json() == b.model_dump_json()
        assert parts(a) == parts(b)
        assert a is not b and a.__pydantic_fields_set__ is not b.__pydantic_fields_set__
    assert {"edition", "candidate", "scores", "qualification", "votes", "review", "errata"} <= kinds


def test_changed_file_is_read_again(sample):
    load_project(sample, cache=True)
    cand = next((sample / "data" / "candidates" / "2016").glob("*.yaml"))
    text = cand.read_text("utf-8")
    assert "\ncitation: " in text
    cand.write_text(text.replace("\ncitation: ", "\ncitation: 改过的推荐语。"), "utf-8")

    cache = RecordCache(sample, enabled=True)
    loaded, problems = read_all(sample, cache=cache)
    assert problems == [] and cache.misses == 1 and cache.hits == len(loaded) - 1
    changed = next(x for x in loaded if x.path == cand.relative_to(sample).as_posix())
    assert changed.record.citation.startswith("改过的推荐语。")
    assert load_project(sample, cache=True) == load_project(sample, cache=False)


def test_code_change_invalidates(sample, tmp_path, monkeypatch):
    load_project(sample, cache=True)
    version = recordcache.code_version()
    assert RecordCache(sample, version=version, enabled=True).get  # the cache of this code exists
    shards = sample / "cache" / "records" / version  # one file per data folder
    assert {"editions.pickle", "candidates%2F2016.pickle", "results%2F2016.pickle"} <= {p.name for p in shards.iterdir()}

    # models.py edited: the code version differs ...
    package = tmp_path / "package"
    shutil.copytree(Path(recordcache.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    with open(package / "models.py", "a", encoding="utf-8") as f:
        f.write("\n# a change\n")
    monkeypatch.setattr(recordcache, "_PACKAGE", package)
    other = recordcache.code_version()
    assert other != version

    # ... so nothing comes from the old cache
    cache = RecordCache(sample, version=other, enabled=True)
    loaded, _ = read_all(sample, cache=cache)
    assert cache.hits == 0 and cache.misses == len(loaded)
    cache.save()  # the old code's cache is dead
    assert [p.name for p in (sample / "cache" / "records").iterdir()] == [other]


def test_bad_file_is_never_cached(tmp_path):
    scratch = ScratchProject(tmp_path / "p")
    bad = scratch.write("data/candidates/2099/2099-002.yaml",
                        (scratch.path("data/candidates/2099/2099-001.yaml").read_text("utf-8").split("\n", 1)[1])
                        .replace("2099-001", "2099-002").replace("gender: 男", "gender: 未知"))
    for _ in range(2):
        with pytest.raises(DataError) as exc:
            load_project(scratch.root, cache=True)
        assert any(p.path.endswith("2099-002.yaml") and "gender" in p.format() for p in exc.value.problems)
    cache = RecordCache(scratch.root, enabled=True)
    loaded, _ = read_all(scratch.root, cache=cache)
    assert cache.hits == len(loaded) == 2 and cache.misses == 1  # edition and 2099-001 cached, 2099-002 read again

    # a bad first line (schema declaration) is not cached either
    bad.write_text(bad.read_text("utf-8").replace("gender: 未知", "gender: 女").split("\n", 1)[1], "utf-8")
    for _ in range(2):
        with pytest.raises(DataError) as exc:
            load_project(scratch.root, cache=True)
        assert [p.message for p in exc.value.problems if p.path.endswith("2099-002.yaml")][0].startswith("第一行应为 schema 声明")


def test_disabled_by_environment(sample, monkeypatch):
    monkeypatch.setenv("GONGJIANG_NO_CACHE", "1")
    load_project(sample)
    assert not (sample / "cache").exists()


def test_cross_file_problems_point_at_the_same_place_from_the_cache(tmp_path):
    scratch = ScratchProject(tmp_path / "p")
    text = scratch.path("data/candidates/2099/2099-001.yaml").read_text("utf-8").split("\n", 1)[1]
    scratch.write("data/candidates/2099/2099-002.yaml", text.replace("2099-001", "2099-002").replace("occupation: welder", "occupation: nosuch"))
    with pytest.raises(DataError) as plain:
        load_project(scratch.root, cache=False)
    assert any("nosuch" in p.format() for p in plain.value.problems)
    for _ in range(2):  # filling the cache, then every file from it (documents unpickled on demand)
        with pytest.raises(DataError) as cached:
            load_project(scratch.root, cache=True)
        assert cached.value.problems == plain.value.problems
    cache = RecordCache(scratch.root, enabled=True)
    loaded, _ = read_all(scratch.root, cache=cache)
    assert cache.misses == 0 and cache.hits == len(loaded) == 3


def shard_files(root: Path) -> dict[str, tuple[int, int]]:
    """The cache's shard files: name -> (inode, mtime in ns); a rewritten file has a new inode."""
    folder = root / "cache" / "records" / recordcache.code_version()
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}


def test_only_shards_whose_entries_changed_are_rewritten(sample):
    load_project(sample, cache=True)
    first = shard_files(sample)
    assert "candidates%2F2016.pickle" in first and "candidates%2F2026.pickle" in first
    load_project(sample, cache=True)
    assert shard_files(sample) == first  # nothing changed: nothing written

    cand = sorted((sample / "data" / "candidates" / "2016").glob("*.yaml"))[0]
    cand.write_text(cand.read_text("utf-8").replace("\ncitation: ", "\ncitation: 改过的推荐语。"), "utf-8")
    assert load_project(sample, cache=True) == load_project(sample, cache=False)
    second = shard_files(sample)
    assert second.keys() == first.keys()
    assert {name for name in first if second[name] != first[name]} == {"candidates%2F2016.pickle"}

    # a folder that is gone takes its shard with it; the others stay as they are
    shutil.rmtree(sample / "data" / "candidates" / "2026")
    cache = RecordCache(sample, enabled=True)
    read_all(sample, cache=cache)
    cache.save()
    third = shard_files(sample)
    assert third == {name: at for name, at in second.items() if name != "candidates%2F2026.pickle"}


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "another shard", "a folder"])
def test_corrupt_shard_is_ignored_and_rebuilt(sample, damage):
    plain = load_project(sample, cache=False)
    load_project(sample, cache=True)
    folder = sample / "cache" / "records" / recordcache.code_version()
    shard = folder / "candidates%2F2016.pickle"
    good = shard.read_bytes()
    shard.unlink()
    if damage == "garbage":
        shard.write_bytes(b"\x80\x05not a pickle at all")
    elif damage == "empty":
        shard.write_bytes(b"")
    elif damage == "truncated":
        shard.write_bytes(good[: len(good) // 2])
    elif damage == "another shard":  # a valid shard file under the wrong name
        shard.write_bytes((folder / "candidates%2F2026.pickle").read_bytes())
    else:  # cannot be read (nor replaced)
        shard.mkdir()
    before = shard_files(sample)
    n2016 = len(list((sample / "data" / "candidates" / "2016").glob("*.yaml")))

    cache = RecordCache(sample, enabled=True)
    loaded, problems = read_all(sample, cache=cache)
    assert problems == [] and (cache.hits, cache.misses) == (len(loaded) - n2016, n2016)
    cache.save()
    after = shard_files(sample)
    assert {name for name in before if after[name] != before[name]} == (set() if damage == "a folder" else {shard.name})
    assert load_project(sample, cache=True) == plain

    cache = RecordCache(sample, enabled=True)
    read_all(sample, cache=cache)
    assert cache.misses == (n2016 if damage == "a folder" else 0)  # rebuilt


def test_unwritable_cache_folder_still_loads(sample):
    plain = load_project(sample, cache=False)
    blocker = sample / "cache"
    blocker.write_text("not a folder", "utf-8")  # cache/records cannot be created
    assert load_project(sample, cache=True) == plain
    assert load_project(sample, cache=True, cache_dir=blocker / "records") == plain
    assert blocker.read_text("utf-8") == "not a folder"


def test_other_versions_are_removed_but_nothing_else(sample):
    records = sample / "cache" / "records"
    stale = records / ("0" * 24)
    stale.mkdir(parents=True)
    (stale / "editions.pickle").write_bytes(b"old")
    (records / ("1" * 24 + ".pickle")).write_bytes(b"old, one file")
    (records / "notes.txt").write_text("not ours", "utf-8")
    load_project(sample, cache=True)
    assert sorted(p.name for p in records.iterdir()) == sorted([recordcache.code_version(), "notes.txt"])


def test_folders_with_any_name_get_a_shard(sample):
    src = sorted((sample / "data" / "candidates" / "2016").glob("*.yaml"))[0]
    for name in ("2016 副本", "x" * 120, "届" * 80):  # spaces, long, long once percent-encoded
        shutil.rmtree(sample / "data" / "candidates" / name, ignore_errors=True)
        (sample / "data" / "candidates" / name).mkdir()
        shutil.copy(src, sample / "data" / "candidates" / name / src.name)
        first = RecordCache(sample, enabled=True)
        read_all(sample, cache=first)
        first.save()
        assert (sample / "cache" / "records" / first.version / recordcache.shard_file(f"candidates/{name}")).is_file()
        second = RecordCache(sample, enabled=True)
        loaded, _ = read_all(sample, cache=second)
        assert second.misses == 0 and second.hits == len(loaded)
        shutil.rmtree(sample / "data" / "candidates" / name)
    assert len(recordcache.shard_file("candidates/" + "届" * 80)) < 255
