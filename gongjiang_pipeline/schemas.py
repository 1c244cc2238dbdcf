"""JSON Schemas for editors' tools, generated from the models (one source of truth)."""

from __future__ import annotations

import json
from pathlib import Path

from .models import FILE_KINDS

TITLES = {
    "edition": "北京大工匠 届次文件",
    "candidate": "北京大工匠 候选人文件",
    "qualification": "资格审核结论",
    "scores": "行业比选评分表",
    "votes": "公众投票计票",
    "review": "综合评审结果",
    "objections": "公示异议记录",
    "approval": "审定命名记录",
    "decisions": "同分裁定记录",
    "errata": "勘误记录",
    "mentorship": "大工匠带徒 带徒记录",
    "lecture": "北京大工匠讲堂 讲座",
    "studio": "创新工作室",
    "topic": "专题",
}


def schema_for(kind: str) -> dict:
    schema = FILE_KINDS[kind].model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{kind}.schema.json"
    schema["title"] = TITLES[kind]
    return schema


def render(kind: str) -> str:
    return json.dumps(schema_for(kind), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_all(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in FILE_KINDS:
        path = directory / f"{kind}.schema.json"
        path.write_text(render(kind), "utf-8")
        written.append(path)
    return written
