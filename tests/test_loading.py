"""Loading pauses the garbage collector and leaves it as it was; parallel parsing changes nothing.

* While files are parsed and validated the cyclic collector is off (it would walk
  every parsed document again and again), in the loading process and in a worker.
* Afterwards it is exactly as before (on or off), also when loading fails with
  DataError.
* A process that keeps what it loads (``python -m gongjiang_pipeline``) has a
  successful load freeze it; a failed load freezes nothing.
* Parsing on forked workers gives the same files, records, documents and
  problems, in the same order, as parsing in the process itself.
"""

from __future__ import annotations

import copy
import gc
import pickle

import pytest
from scratch import ScratchProject

from gongjiang_pipeline import gcpause, loading
from gongjiang_pipeline.errors import DataError
from gongjiang_pipeline.loading import load_project, read_all


@pytest.fixture
def gc_state():
    """Set the collector on or off for a test; put it back as pytest had it."""
    was = gc.isenabled()

    def set_to(on: bool) -> None:
        (gc.enable if on else gc.disable)()

    yield set_to
    set_to(was)


def spy_validate(monkeypatch) -> list[bool]:
    """Record whether the collector was on at each validation."""
    seen: list[bool] = []
    real = loading.validate

    def validate(doc, model):
        seen.append(gc.isenabled())
        return real(doc, model)

    monkeypatch.setattr(loading, "validate", validate)
    return seen


def summary(loaded):
    return [(x.kind, x.path, x.record, x.doc.value, x.doc.values_at, x.doc.keys_at, x.edition_dir) for x in loaded]


@pytest.mark.parametrize("on", [True, False])
def test_gc_paused_while_loading_and_restored(sample, gc_state, monkeypatch, on):
    gc_state(on)
    seen = spy_validate(monkeypatch)
    for cache in (False, True, True):  # parsed; parsed and cached; all from the cache
        load_project(sample, cache=cache)
        assert gc.isenabled() is on
    assert seen and not any(seen)  # validated only with the collector off


@pytest.mark.parametrize("on", [True, False])
def test_gc_restored_when_loading_fails(tmp_path, gc_state, monkeypatch, on):
    scratch = ScratchProject(tmp_path / "p")
    scratch.write("data/candidates/2099/2099-002.yaml", "id: [")  # unreadable YAML
    text = scratch.path("data/candidates/2099/2099-001.yaml").read_text("utf-8")
    scratch.path("data/candidates/2099/2099-001.yaml").write_text(text.replace("gender: 男", "gender: 未知"), "utf-8")
    gc_state(on)
    seen = spy_validate(monkeypatch)
    for cache in (False, True):
        with pytest.raises(DataError) as exc:
            load_project(scratch.root, cache=cache)
        assert {p.path.rsplit("/", 1)[-1] for p in exc.value.problems} == {"2099-001.yaml", "2099-002.yaml"}
        assert gc.isenabled() is on
    assert seen and not any(seen)


def test_gc_restored_when_parsing_raises(sample, gc_state, monkeypatch):
    gc_state(True)

    def broken(doc, model):
        raise RuntimeError("boom")

    monkeypatch.setattr(loading, "validate", broken)
    with pytest.raises(RuntimeError):
        load_project(sample, cache=False)
    assert gc.isenabled()


def test_worker_parses_with_gc_paused(sample, gc_state, monkeypatch):
    gc_state(True)
    seen = spy_validate(monkeypatch)
    file = sample / "data" / "editions" / "2016.yaml"
    job = (file.relative_to(sample).as_posix(), file.read_bytes(), "edition", loading.schema_line(sample, file, "edition"))
    monkeypatch.setattr(loading, "_worker_jobs", [job])
    [(record, problems, clean)] = pickle.loads(loading._parse_in_worker([0]))
    assert record == loading._parse_one(job)[0] and problems == [] and clean
    assert seen == [False, True] and gc.isenabled()


def test_parallel_parsing_gives_the_same_result(sample, monkeypatch):
    # a bad file, so problems travel back from the workers too
    first = sorted((sample / "data" / "candidates" / "2016").glob("*.yaml"))[0]
    text = first.read_text("utf-8")
    first.write_text(text.replace("gender: 男", "gender: M").replace("gender: 女", "gender: M"), "utf-8")
    serial = read_all(sample)
    monkeypatch.setattr(loading, "PARALLEL_MIN_FILES", 0)
    monkeypatch.setattr(loading, "cpu_count", lambda: 2)
    parallel = read_all(sample)
    assert summary(parallel[0]) == summary(serial[0])
    for a, b in zip(parallel[0], serial[0]):  # fields set, too (model_dump(exclude_unset=True))
        assert a.record.model_dump(exclude_unset=True) == b.record.model_dump(exclude_unset=True)
        assert a.record.__pydantic_fields_set__ == b.record.__pydantic_fields_set__
    assert parallel[1] == serial[1] and any("gender" in p.format() for p in serial[1])


@pytest.fixture
def unfreeze():
    """Freezing is for a process of its own: undo it for the rest of the tests."""
    yield
    gcpause.freeze_loaded_data(False)
    gc.unfreeze()


def test_freeze_only_when_the_process_keeps_the_data(sample, gc_state, unfreeze):
    gc_state(True)
    gc.unfreeze()
    load_project(sample)
    assert gc.get_freeze_count() == 0 and gc.isenabled()

    gcpause.freeze_loaded_data()
    project = load_project(sample)
    assert gc.get_freeze_count() > 0 and gc.isenabled()
    assert project == load_project(sample, cache=False)


def test_failed_load_freezes_nothing(tmp_path, gc_state, unfreeze):
    scratch = ScratchProject(tmp_path / "p")
    scratch.write("data/candidates/2099/2099-002.yaml", "id: [")
    gc_state(True)
    gc.unfreeze()
    gcpause.freeze_loaded_data()
    with pytest.raises(DataError):
        load_project(scratch.root)
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_paused_gc_freezes_only_on_success(gc_state, unfreeze):
    gc_state(False)
    gc.unfreeze()
    with pytest.raises(ZeroDivisionError):
        with gcpause.paused_gc(freeze=True):
            assert not gc.isenabled()
            1 / 0
    assert gc.get_freeze_count() == 0 and not gc.isenabled()
    with gcpause.paused_gc(freeze=True):
        kept = [{} for _ in range(10)]
    assert gc.get_freeze_count() > 0 and not gc.isenabled() and kept


def test_lazy_document_is_the_parsed_document(sample):
    file = sorted((sample / "data" / "candidates" / "2016").glob("*.yaml"))[0]
    shown, raw = file.relative_to(sample).as_posix(), file.read_bytes()
    doc = loading.load_file(shown, raw)
    for lazy in (loading.LazyDocument(shown, raw), copy.copy(loading.LazyDocument(shown, raw)),
                 pickle.loads(pickle.dumps(loading.LazyDocument(shown, raw)))):
        assert lazy.position(("citation",)) == doc.position(("citation",)) != (1, 1)
        assert (lazy.path, lazy.value, lazy.values_at, lazy.keys_at) == (doc.path, doc.value, doc.values_at, doc.keys_at)
    with pytest.raises(AttributeError):
        loading.LazyDocument(shown, raw).nosuch
