"""The cache of parsed and validated data files (``cache/records/``) is right.

* A cached load gives exactly the records (and document positions) of an
  uncached one, on the whole sample data.
* A changed file is read again; the others come from the cache.
* A different code version (``models.py`` edited, simulated by the version
  key) starts empty: nothing is taken from the old cache.
* A file with a problem is never cached: it is reported again, every time.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from scratch import ScratchProject

from gongjiang_pipeline import recordcache
from gongjiang_pipeline.errors import DataError
from gongjiang_pipeline.loading import load_project, read_all
from gongjiang_pipeline.recordcache import RecordCache

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sample(tmp_path) -> Path:
    root = tmp_path / "project"
    for name in ("data", "schemas"):
        shutil.copytree(ROOT / name, root / name)
    return root


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
    assert (sample / "cache" / "records" / f"{version}.pickle").is_file()

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
