import pytest

from gongjiang_pipeline.atomic import atomic_directory


def test_success_replaces_output(tmp_path):
    out = tmp_path / "output"
    out.mkdir()
    (out / "old.html").write_text("old")
    with atomic_directory(out) as tmp:
        (tmp / "new.html").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


@pytest.mark.parametrize("exc", [RuntimeError("模板错误"), KeyboardInterrupt()])
def test_failure_leaves_previous_output_untouched(tmp_path, exc):
    out = tmp_path / "output"
    out.mkdir()
    (out / "index.html").write_bytes(b"previous site")
    with pytest.raises(type(exc)):
        with atomic_directory(out) as tmp:
            (tmp / "index.html").write_text("half-written")
            raise exc
    assert [(p.name, p.read_bytes()) for p in out.iterdir()] == [("index.html", b"previous site")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]
