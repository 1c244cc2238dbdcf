"""Turn pydantic validation errors into Chinese problems at file:line:column."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .yamlload import Document, format_loc


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str] | None:
    """Names of the fields of the model that stands at ``loc`` inside ``model``."""
    current: Any = model
    for part in loc:
        current = _descend(current, part)
        if current is None:
            return None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return None


def _unwrap(tp: Any) -> Any:
    """Strip Annotated/Optional to the underlying type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _descend(tp: Any, part: Any) -> Any:
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        f = tp.model_fields.get(part)
        return f.annotation if f else None
    origin = typing.get_origin(tp)
    if origin in (list, tuple) and isinstance(part, int):
        return typing.get_args(tp)[0]
    if origin is dict:
        return typing.get_args(tp)[1]
    return None


def _choices(ctx: dict) -> str:
    expected = ctx.get("expected", "")
    # pydantic writes "'a', 'b' or 'c'"
    return expected.replace("' or '", "、").replace("', '", "、").strip("'")


def _message(err: dict, model: type[BaseModel]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "missing":
        return "缺少必填字段"
    if kind == "extra_forbidden":
        name = str(err["loc"][-1])
        known = _fields_at(model, tuple(err["loc"][:-1])) or []
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"，是否想写「{close[0]}」？" if close else f"。可用的字段：{'、'.join(known)}" if known else ""
        return f"未知字段「{name}」{hint}"
    if value is None and kind in {"literal_error", "string_type", "int_type", "float_type", "bool_type", "date_type", "list_type", "tuple_type", "dict_type", "model_type", "model_attributes_type"}:
        return "不能为空"
    if kind == "string_type":
        return "应为文字（如果是数字或 true/false 形式的文字，请加引号）"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return "应为整数（不要加引号）"
    if kind in {"float_type", "float_parsing"}:
        return "应为数字（不要加引号）"
    if kind in {"bool_type", "bool_parsing"}:
        return "应为 true 或 false（不能写 yes/no、是/否）"
    if kind == "literal_error":
        return f"取值「{value}」无效，应为以下之一：{_choices(ctx)}"
    if kind in {"list_type", "tuple_type"}:
        return "应为列表（每项以“- ”开头）"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "应为“字段: 值”形式的映射"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "greater_than":
        return f"必须大于 {ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind == "less_than":
        return f"必须小于 {ctx.get('lt')}"
    if kind == "string_too_long":
        return f"太长：最多 {ctx.get('max_length')} 个字，现有 {len(value)} 个字"
    if kind == "too_short":
        return f"至少需要 {ctx.get('min_length')} 项"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    if kind.startswith("gj_"):
        return err["msg"]
    return f"取值无效：{err['msg']}"  # pragma: no cover - every reachable type is mapped above


def problems_from(exc: ValidationError, doc: Document, model: type[BaseModel]) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        kind = err["type"]
        if kind == "missing":
            line, col = doc.position(loc[:-1])
        else:
            line, col = doc.position(loc, key=kind == "extra_forbidden")
        out.append(Problem(doc.path, line, col, format_loc(loc), _message(err, model)))
    return out


def validate(doc: Document, model: type[BaseModel]) -> tuple[BaseModel | None, list[Problem]]:
    try:
        return model.model_validate(doc.value), []
    except ValidationError as exc:
        return None, problems_from(exc, doc, model)
