"""The published JSON Schemas are current, and every data file validates against them."""

import json
from pathlib import Path

import jsonschema
import pytest

from gongjiang_pipeline.loading import classify, data_files, schema_line
from gongjiang_pipeline.models import FILE_KINDS
from gongjiang_pipeline.schemas import render
from gongjiang_pipeline.yamlload import load_file, to_plain

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SAMPLE_FILES = data_files(DATA)


@pytest.mark.parametrize("kind", sorted(FILE_KINDS))
def test_published_schema_is_current(kind):
    """Regenerate with: python -m gongjiang_pipeline schema"""
    assert (ROOT / "schemas" / f"{kind}.schema.json").read_text("utf-8") == render(kind)


def test_private_fields_are_marked_in_schema():
    schema = json.loads(render("candidate"))
    assert schema["properties"]["private"]["x-private"] is True
    private = schema["$defs"]["Private"]["properties"]
    assert {k for k, v in private.items() if v.get("x-private")} == {"id_number", "phone", "address", "union_card"}


def test_sample_data_exists():
    kinds = {classify(f.relative_to(DATA).parts)[0] for f in SAMPLE_FILES}
    assert kinds == set(FILE_KINDS), f"sample data lacks: {set(FILE_KINDS) - kinds}"


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[str(p.relative_to(DATA)) for p in SAMPLE_FILES])
def test_sample_file_validates_against_json_schema(path):
    kind = classify(path.relative_to(DATA).parts)[0]
    assert path.read_text("utf-8").splitlines()[0] == schema_line(ROOT, path, kind)
    schema = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
    value = to_plain(load_file(str(path), path.read_bytes()).value)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(value)


def test_json_schema_rejects_what_the_validator_rejects():
    """The schema editors see catches the same typing mistakes (quoted number, unknown key)."""
    schema = json.loads(render("candidate"))
    v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    good = {
        "id": "2016-001", "edition": "2016", "name": "张三", "gender": "男", "birth_year": 1970,
        "employer": "某厂", "district": "dongcheng", "occupation": "welder", "sector": "m",
        "citation": "好", "recommendation": {"channel": "个人自荐", "date": "2016-11-02", "union_member": True},
        "private": {"id_number": "1", "phone": "2"},
    }
    assert not list(v.iter_errors(good))
    assert list(v.iter_errors(good | {"birth_year": "1970"}))
    assert list(v.iter_errors(good | {"gendr": "男"}))
    assert list(v.iter_errors(good | {"id": "2016_001"}))
