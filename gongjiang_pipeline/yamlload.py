"""Strict YAML reading for data files.

PyYAML's fast libyaml parser is used for *syntax only*: we consume its event
stream and build values ourselves, so that

* scalar typing follows the YAML 1.2 core schema (``no`` is a string,
  ``0123`` is never octal) and, further, plain scalars keep their source
  text (:class:`PlainScalar`) so that a field the schema declares as text
  keeps ``0123`` exactly as written;
* duplicate keys, anchors/aliases (expansion bombs) and tags are rejected
  before anything is expanded;
* every value and every key remembers its line and column, so validation
  errors can point at ``path:line:column``.

Nothing here knows about the data model.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

# libyaml is much faster; the pure-Python loader gives the same events.
# Only the event stream is used: no constructor or resolver of PyYAML runs.
_Parser = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

from .errors import Problem

MAX_FILE_BYTES = 512 * 1024
MAX_NODES = 200_000

Path_ = tuple  # a location inside a document: keys and list indexes


class PlainScalar(str):
    """Source text of an unquoted scalar; ``resolved()`` gives its core-schema value."""

    __slots__ = ()

    def resolved(self) -> Any:
        return resolve_core(str(self))


_INT10 = re.compile(r"[-+]?[0-9]+\Z")
_INT8 = re.compile(r"0o[0-7]+\Z")
_INT16 = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


def resolve_core(text: str) -> Any:
    """Resolve a plain scalar by the YAML 1.2 core schema."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT10.match(text):
        return int(text)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    low = text.lower()
    if low in {".inf", "+.inf"}:
        return math.inf
    if low == "-.inf":
        return -math.inf
    if low == ".nan":
        return math.nan
    return text


@dataclass
class Document:
    """A parsed data file: its value and where every part of it stands."""

    path: str
    value: Any
    # (line, column), 1-based, of each value and of each mapping key
    values_at: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys_at: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Path_, *, key: bool = False) -> tuple[int, int]:
        """Best known position of ``loc``: the key itself, its value, or the nearest parent."""
        loc = tuple(loc)
        if key and loc in self.keys_at:
            return self.keys_at[loc]
        while loc:
            if loc in self.values_at:
                return self.values_at[loc]
            if loc in self.keys_at:
                return self.keys_at[loc]
            loc = loc[:-1]
        return self.values_at.get((), (1, 1))


class YamlError(Exception):
    """Raised with the problems of one file that cannot be read at all."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(p.format() for p in problems))
        self.problems = problems


def _mark(m) -> tuple[int, int]:
    return (m.line + 1, m.column + 1)


def decode(path: str, raw: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Check size and encoding; return the text or raise YamlError."""
    if len(raw) > max_bytes:
        raise YamlError([Problem(path, 1, 1, "", f"文件过大（{len(raw)} 字节，上限 {max_bytes} 字节），请检查是否放错了文件")])
    if raw.startswith(b"\xef\xbb\xbf"):
        raise YamlError([Problem(path, 1, 1, "", "文件以 BOM（字节顺序标记）开头，请另存为“UTF-8（无 BOM）”")])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlError([Problem(path, 1, 1, "", "文件是 UTF-16 编码，请另存为 UTF-8（无 BOM）")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError([Problem(path, line, col, "", "文件不是 UTF-8 编码（可能是 GBK），请另存为 UTF-8")]) from None
    if "\x00" in text:
        raise YamlError([Problem(path, 1, 1, "", "文件含有空字符（NUL），不是文本文件")])
    if not text.strip():
        raise YamlError([Problem(path, 1, 1, "", "文件为空")])
    return text


_SYNTAX_HINTS = [
    ("found character '\\t'", "不能用 Tab 缩进，请改用空格"),
    ("mapping values are not allowed", "冒号位置不对：值里含有“: ”时请给整个值加引号"),
    ("could not find expected ':'", "缺少冒号，或缩进不一致"),
    ("did not find expected key", "缩进不一致，或上一行的引号没有配对"),
    ("found undefined tag handle", "不允许使用标签（以 ! 开头）"),
    ("found unexpected end of stream", "文件意外结束：引号或括号没有配对"),
    ("found unknown escape character", "双引号中的反斜杠转义无效，请改用单引号"),
    ("did not find expected node content", "缺少值，或列表/映射写法有误"),
    ("expected <block end>", "缩进不一致"),
    ("block sequence entries are not allowed", "列表项（- ）的位置或缩进不对"),
    ("found character", "含有 YAML 不允许的字符（如 @ 或 ` 开头），请给值加引号"),
]


def _syntax_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    problem = exc.problem or ""
    mark = exc.problem_mark
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        return "YAML 语法错误：不能用 Tab 缩进，请改用空格"
    for needle, hint in _SYNTAX_HINTS:
        if needle in problem:
            return f"YAML 语法错误：{hint}"
    return f"YAML 语法错误：{problem or exc}"


_Scalar = yaml.ScalarEvent
_MapStart = yaml.MappingStartEvent
_SeqStart = yaml.SequenceStartEvent
_Ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def parse(path: str, text: str) -> Document:
    """Parse one YAML document strictly. Raises YamlError with every problem found.

    (The loop below runs once per event, a few hundred thousand times per second
    of loading: it dispatches on the event's class and places scalars inline.)
    """
    doc = Document(path, None)
    values_at, keys_at = doc.values_at, doc.keys_at
    problems: list[Problem] = []
    # one frame per open container: [container, its location, state], the state of
    # a list being _IN_LIST, of a mapping _NO_KEY (a key comes next), _DUP (the
    # value of a repeated key comes next) or the key whose value comes next
    stack: list[list] = []
    nodes = 0
    root_set = False
    docs = 0

    def err(mark, message, fieldname=""):
        problems.append(Problem(path, mark.line + 1, mark.column + 1, fieldname, message))

    def take_key(frame, value, mark) -> None:
        container, loc = frame[0], frame[1]
        if not isinstance(value, str):
            err(mark, "键必须是简单文字", format_loc(loc))
            value = str(value)
        if value in container:  # (a key's value is in the mapping before the next key comes)
            err(mark, f"重复的键「{value}」（同一层级只能出现一次）", format_loc(loc + (value,)))
            frame[2] = _DUP
            return
        frame[2] = value
        keys_at[loc + (value,)] = (mark.line + 1, mark.column + 1)

    parser = _Parser(text)
    get_event = parser.get_event
    try:
        while True:
            ev = get_event()
            if ev is None:
                break
            nodes += 1
            if nodes > MAX_NODES:
                err(ev.start_mark, f"内容过多（超过 {MAX_NODES} 个节点）")
                break
            cls = ev.__class__
            if cls is _Scalar or cls is _MapStart or cls is _SeqStart:
                mark = ev.start_mark
                if ev.anchor is not None:
                    err(mark, f"不允许使用锚点（&{ev.anchor}）：请直接写出内容")
                    break
                tag = ev.tag
                if tag is not None and tag != "!":
                    err(mark, f"不允许使用标签（{tag}）：数据文件只能包含文字、数字、列表和映射")
                    break
                if cls is _Scalar:
                    value = ev.value
                    if not ev.style:  # plain: null stays None, everything else keeps its source text
                        value = None if value in _NULLS else PlainScalar(value)
                else:
                    value = {} if cls is _MapStart else []
                if not stack:
                    doc.value = value
                    root_set = True
                    loc = ()
                else:
                    frame = stack[-1]
                    container, loc, state = frame
                    if state is _IN_LIST:
                        loc = loc + (len(container),)
                        container.append(value)
                    elif state is _NO_KEY:
                        take_key(frame, value, mark)
                        if cls is not _Scalar:  # a list or mapping used as a key
                            err(mark, "键必须是简单文字")
                            break
                        continue
                    else:
                        frame[2] = _NO_KEY
                        if state is _DUP:
                            loc = loc + ("\x00dup",)
                        else:
                            container[state] = value
                            loc = loc + (state,)
                values_at[loc] = (mark.line + 1, mark.column + 1)
                if cls is _MapStart:
                    stack.append([value, loc, _NO_KEY])
                elif cls is _SeqStart:
                    stack.append([value, loc, _IN_LIST])
            elif cls in _Ends:
                stack.pop()
            elif cls is yaml.DocumentStartEvent:
                docs += 1
                if docs > 1:
                    err(ev.start_mark, "一个文件只能有一个 YAML 文档（不要用 --- 分隔多个文档）")
                    break
                if getattr(ev, "tags", None):
                    err(ev.start_mark, "不允许使用 %TAG 指令")
            elif cls is yaml.AliasEvent:
                err(ev.start_mark, f"不允许使用别名（*{ev.anchor}）：请直接写出内容")
                break
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _mark(mark) if mark else (1, 1)
        problems.append(Problem(path, line, col, "", _syntax_message(exc, text)))
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked parser errors are rare
        problems.append(Problem(path, 1, 1, "", f"YAML 语法错误：{exc}"))
    finally:
        parser.dispose()
    if problems:
        raise YamlError(problems)
    if not root_set or doc.value is None:
        raise YamlError([Problem(path, 1, 1, "", "文件为空")])
    return doc


class _Sentinel:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


_NO_KEY = _Sentinel("NO_KEY")
_DUP = _Sentinel("DUP")
_IN_LIST = _Sentinel("IN_LIST")


def format_loc(loc) -> str:
    """``('recommendation', 'body')`` -> ``recommendation.body``; indexes as ``[2]`` (1-based)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        elif isinstance(part, str) and part.startswith("\x00"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def to_plain(value: Any) -> Any:
    """The document as YAML 1.2 core / JSON values (for JSON Schema checks)."""
    if isinstance(value, PlainScalar):
        return value.resolved()
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value


def load_file(path: str, raw: bytes, *, max_bytes: int = MAX_FILE_BYTES) -> Document:
    return parse(path, decode(path, raw, max_bytes=max_bytes))
