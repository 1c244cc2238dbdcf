"""Scaffolds for editors and staff: a new candidate file, a new story.

``new-candidate`` writes ``data/candidates/<edition>/<next id>.yaml`` with the
schema line, a Chinese comment above every field and the values given as flags
or, on a terminal, typed at prompts. A required value that is not given is left
empty (``employer:``), so ``check`` reports it as 不能为空 at its line until it is
filled in; with every essential given the file passes ``check`` as written.

``new-story`` writes ``content/stories/<slug>.md`` with the metadata Pelican and
the site need and a Chinese template body whose 【待填写……】 markers ``check``
reports until they are replaced (see :mod:`gongjiang_pipeline.stories`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, TextIO

from .errors import GongjiangError, UsageError
from .loading import read_all, schema_line
from .models import Body, Candidate, Edition
from .naming import SURNAME_READINGS, SlugError, base_slug, name_syllables
from .stories import PLACEHOLDER
from .strokes import split_name

# --------------------------------------------------------------------------
# YAML text


_YAML_WORDS = re.compile(r"(y|yes|n|no|on|off|true|false|null|~)\Z", re.I)
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9.+~=<\\][^:#\[\]{},\"'\\\t\n]*\Z")


def quote(text: str) -> str:
    """``text`` as a YAML scalar: plain when it cannot be misread, else double-quoted."""
    if _PLAIN.match(text) and text == text.strip() and not _YAML_WORDS.match(text):
        return text
    return json.dumps(text, ensure_ascii=False)


# --------------------------------------------------------------------------
# what the project has


@dataclass(frozen=True)
class Known:
    editions: dict[str, Edition]
    candidates: dict[str, Candidate]  # every candidate file that validated on its own


def known(root: Path) -> Known:
    """Editions and candidates that validate file by file (other problems do not stop a scaffold)."""
    loaded, _ = read_all(root)
    return Known(
        editions={x.record.id: x.record for x in loaded if x.kind == "edition"},
        candidates={x.record.id: x.record for x in loaded if x.kind == "candidate"},
    )


def newest_edition(editions: dict[str, Edition]) -> str:
    return max(editions.values(), key=lambda e: (e.timeline.announced, e.id)).id


def next_candidate_id(root: Path, edition: str) -> str:
    """The edition's next free candidate number: 2016-094 -> 2016-095."""
    pattern = re.compile(re.escape(edition) + r"-(\d+)\Z")
    numbers, width = [0], 3
    folder = root / "data" / "candidates" / edition
    for path in folder.glob("*.yaml") if folder.is_dir() else ():
        m = pattern.match(path.stem)
        if m:
            numbers.append(int(m.group(1)))
            width = max(width, len(m.group(1)))
    return f"{edition}-{max(numbers) + 1:0{width}d}"


# --------------------------------------------------------------------------
# asking


class Asker:
    """Reads answers at prompts (only used when stdin is a terminal)."""

    def __init__(self, stdin: TextIO, stdout: TextIO):
        self.stdin, self.stdout = stdin, stdout

    def _line(self, prompt: str) -> str | None:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.stdout.write("\n")
            return None
        return line.strip()

    def text(self, label: str, check: Callable[[str], str | None] | None = None, *, hint: str = "直接回车则留空") -> str | None:
        while True:
            answer = self._line(f"{label}（{hint}）：")
            if not answer:
                return None
            problem = check(answer) if check else None
            if problem is None:
                return answer
            self.stdout.write(f"输入无效：{problem}，请重新输入。\n")

    def choice(self, label: str, options: list[tuple[str, str]], *, blank: str = "留空") -> str | None:
        self.stdout.write(f"{label}：\n")
        for i, (value, name) in enumerate(options, 1):
            shown = value if value == name else f"{value}（{name}）"
            self.stdout.write(f"  {i}. {shown}\n")
        values = [v for v, _ in options]

        def check(answer: str) -> str | None:
            return None if answer in values or (answer.isdigit() and 1 <= int(answer) <= len(options)) else "请输入序号或列出的编号"

        answer = self.text(f"请选择{label}", check, hint=f"输入序号或编号；直接回车则{blank}")
        if answer is None:
            return None
        return options[int(answer) - 1][0] if answer.isdigit() and answer not in values else answer


def is_tty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


# --------------------------------------------------------------------------
# new-candidate


@dataclass(frozen=True)
class Field:
    """One value of a candidate file the scaffold asks for."""

    key: str  # flag/answer key
    label: str  # Chinese, for prompts and for the list of what is missing
    yaml_key: str


FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", "name"),
    Field("gender", "性别", "gender"),
    Field("birth_year", "出生年份", "birth_year"),
    Field("employer", "工作单位", "employer"),
    Field("district", "所在区", "district"),
    Field("occupation", "参评工种", "occupation"),
    Field("sector", "行业领域", "sector"),
    Field("citation", "推荐语", "citation"),
    Field("channel", "推荐渠道", "recommendation.channel"),
    Field("body", "推荐单位", "recommendation.body"),
    Field("date", "推荐日期", "recommendation.date"),
    Field("union_member", "是否工会会员", "recommendation.union_member"),
    Field("id_number", "身份证号", "private.id_number"),
    Field("phone", "联系电话", "private.phone"),
)
CHANNELS = ("单位推荐", "社团推荐", "个人自荐")
BODY_KINDS = {"单位推荐": ("区总工会", "产业工会"), "社团推荐": ("社团",), "个人自荐": ()}


def _check_year(v: str) -> str | None:
    return None if v.isdigit() and 1920 <= int(v) <= 2015 else "应为 1920 至 2015 之间的四位年份"


def _check_date(v: str) -> str | None:
    try:
        dt.date.fromisoformat(v)
    except ValueError:
        return "日期格式应为 YYYY-MM-DD，例如 2026-07-15"
    return None if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) else "日期格式应为 YYYY-MM-DD，例如 2026-07-15"


def _check_name(v: str) -> str | None:
    return None if len(v) <= 20 else "姓名最多 20 个字"


def _check_citation(v: str) -> str | None:
    return None if len(v) <= 200 else f"推荐语最多 200 字，现有 {len(v)} 字"


def _options(e: Edition) -> dict[str, list[tuple[str, str]]]:
    return {
        "gender": [("男", "男"), ("女", "女")],
        "district": [(d.id, d.name) for d in e.districts],
        "occupation": [(o.id, o.name) for o in e.occupations],
        "sector": [(s.id, s.name) for s in e.sectors],
        "channel": [(c, c) for c in CHANNELS],
        "union_member": [("是", "是"), ("否", "否")],
    }


def _bodies(e: Edition, channel: str | None) -> list[Body]:
    kinds = BODY_KINDS.get(channel or "", ("区总工会", "产业工会", "社团"))
    return [b for b in e.bodies if b.kind in kinds]


def _validate_given(e: Edition, values: dict[str, str | None]) -> None:
    """Flags are checked before anything is written (exit status 2, nothing written)."""
    checks = {"birth_year": _check_year, "date": _check_date, "name": _check_name, "citation": _check_citation}
    for key, check in checks.items():
        v = values.get(key)
        if v is not None and (problem := check(v)):
            raise UsageError(f"--{key.replace('_', '-')} {v}：{problem}")
    for key, options in _options(e).items():
        v = values.get(key)
        if v is not None and v not in [o for o, _ in options]:
            listed = "、".join(o if o == n else f"{o}（{n}）" for o, n in options)
            raise UsageError(f"--{key.replace('_', '-')} {v}：不是届次 {e.id} 的可选值。可选：{listed}")
    body = values.get("body")
    if body is not None:
        allowed = _bodies(e, values.get("channel"))
        if body not in [b.id for b in allowed]:
            listed = "、".join(f"{b.id}（{b.name}）" for b in allowed) or "无（个人自荐不填推荐单位）"
            raise UsageError(f"--body {body}：不是{values.get('channel') or ''}可选的推荐单位。可选：{listed}")


def _ask_missing(e: Edition, values: dict[str, str | None], ask: Asker) -> None:
    options = _options(e)
    checks = {"birth_year": _check_year, "date": _check_date, "name": _check_name, "citation": _check_citation}
    for f in FIELDS:
        if values.get(f.key) is not None:
            continue
        if f.key == "body":
            if values.get("channel") == "个人自荐":
                continue
            bodies = _bodies(e, values.get("channel"))
            values["body"] = ask.choice(f.label, [(b.id, b.name) for b in bodies]) if bodies else None
        elif f.key in options:
            values[f.key] = ask.choice(f.label, options[f.key])
        elif f.key == "date":
            p = e.timeline.recommendation
            values[f.key] = ask.text(f"{f.label}（YYYY-MM-DD，推荐阶段 {p.start} 至 {p.end}）", _check_date)
        else:
            values[f.key] = ask.text(f.label, checks.get(f.key))


def _wrap_list(head: str, items: Iterable[str], indent: str, width: int = 60) -> list[str]:
    """A comment listing ``items`` after ``head``, wrapped at about ``width`` characters."""
    lines, current = [], head
    for item in items:
        piece = item + "、"
        if len(current) + len(piece) > width and current.strip():
            lines.append(current)
            current = "  "
        current += piece
    lines.append(current.rstrip("、"))
    return [f"{indent}# {line}" for line in lines]


def render_candidate(root: Path, path: Path, e: Edition, cid: str, v: dict[str, str | None]) -> str:
    """The candidate file's text: schema line, comments in Chinese, values or empty placeholders."""

    def val(key: str, render: Callable[[str], str] = quote) -> str:
        x = v.get(key)
        return f" {render(x)}" if x is not None else ""

    def ids(items) -> list[str]:
        return [f"{i.id}（{i.name}）" for i in items]

    pinyin = None
    if v.get("name"):
        surname, _ = split_name(v["name"])
        if surname in SURNAME_READINGS:
            try:
                sur, giv = name_syllables(v["name"])
                pinyin = " ".join(sur + giv)
            except SlugError:
                pinyin = None
    channel = v.get("channel")
    member = {"是": "true", "否": "false"}.get(v.get("union_member") or "")
    photo = next((f"photos/{cid}{ext}" for ext in (".jpg", ".jpeg", ".png", ".webp")
                  if (root / "data" / "photos" / f"{cid}{ext}").is_file()), None)
    rec = e.timeline.recommendation
    lines = [
        schema_line(root, path, "candidate"),
        "# 候选人文件：一人一个文件，文件名就是候选人编号。各字段说明见 docs/data-format.md 第 4 节。",
        "# 冒号后面空着的是必填字段：运行 make check 会报“不能为空”，填好后再提交。",
        "# 以数字开头、或含有冒号、井号的文字，请用英文双引号括起来。",
        "",
        "# 候选人编号：发布后不要修改（用于网址）",
        f"id: {json.dumps(cid)}",
        "# 届次编号",
        f"edition: {json.dumps(e.id)}",
        "# 姓名（最多 20 个字）",
        f"name:{val('name')}",
        "# 姓名拼音，空格分隔，例如 shan li xin。多音字姓氏（单、曾、解、区、仇、查、朴等）必须填写",
        f"name_pinyin: {quote(pinyin)}" if pinyin else "# name_pinyin: ……",
        "# 性别：男 / 女（不影响评选结果）",
        f"gender:{val('gender')}",
        "# 出生年份，例如 1978（不影响评选结果）",
        f"birth_year:{val('birth_year', str)}",
        "# 学历、技能等级、工作年限：可选，不影响评选结果，也不会发布",
        "# education: 大专",
        "# skill_grade: 高级技师",
        "# work_years: 20",
        "# 工作单位（公开）",
        f"employer:{val('employer')}",
        *_wrap_list("所在区编号：", ids(e.districts), ""),
        f"district:{val('district')}",
        *_wrap_list("参评工种编号：", ids(e.occupations), ""),
        f"occupation:{val('occupation')}",
        *_wrap_list("行业领域编号：", ids(e.sectors), ""),
        f"sector:{val('sector')}",
        "# 荣誉称号（可选，公开）：去掉行首的 # 号，每项一行，以“- ”开头",
        "# titles:",
        "#   - 北京市技术能手",
        "# 主要成就（可选，公开）：写法同上",
        "# achievements:",
        "#   - 主持完成某项技术攻关，获国家发明专利2项",
        "# 推荐语：一两句话，公开显示，最多 200 字",
        f"citation:{val('citation')}",
        "# 照片（可选）：放在 data/photos/ 下，这里写相对 data/ 的路径；照片要求见 docs/editor-guide.md",
        f"photo: {photo}" if photo else f"# photo: photos/{cid}.jpg",
        "# 推荐信息（不公开）",
        "recommendation:",
        "  # 推荐渠道：单位推荐 / 社团推荐 / 个人自荐",
        f"  channel:{val('channel')}",
    ]
    if channel == "个人自荐":
        lines += ["  # 推荐单位编号：个人自荐不填", "  # body: ……"]
    else:
        lines += _wrap_list("推荐单位编号（单位推荐选区总工会或产业工会，社团推荐选社团）：", ids(_bodies(e, channel)), "  ")
        lines.append(f"  body:{val('body')}")
    lines += [
        f"  # 推荐（报名）日期 YYYY-MM-DD，须在推荐阶段（{rec.start} 至 {rec.end}）内",
        f"  date:{val('date', str)}",
        "  # 是否为北京市工会会员：true / false（" + "、".join(e.quotas.membership_required) + "须为会员）",
        "  union_member:" + (f" {member}" if member else ""),
        "# 私密信息：永远不会出现在网站上",
        "private:",
        "  # 身份证号",
        f"  id_number:{val('id_number')}",
        "  # 联系电话",
        f"  phone:{val('phone')}",
        "  # 家庭住址、工会会员证号（可选）",
        "  # address: 北京市……",
        "  # union_card: ……",
    ]
    return "\n".join(lines) + "\n"


def missing_fields(v: dict[str, str | None]) -> list[Field]:
    out = []
    for f in FIELDS:
        if v.get(f.key) is not None:
            continue
        if f.key == "body" and v.get("channel") == "个人自荐":
            continue
        out.append(f)
    return out


@dataclass(frozen=True)
class Written:
    path: Path
    shown: str  # relative to the project root
    missing: tuple[str, ...]  # still empty, e.g. 性别（gender）


def new_candidate(
    root: Path, values: dict[str, str | None], *, edition: str | None, ask: Asker | None, out: TextIO
) -> Written:
    k = known(root)
    if not k.editions:
        raise UsageError("找不到任何届次文件（data/editions/<届次>.yaml），请先建立届次")
    if edition is None:
        default = newest_edition(k.editions)
        if ask is not None:
            options = [(eid, k.editions[eid].name) for eid in sorted(k.editions, reverse=True)]
            edition = ask.choice("届次", options, blank=f"使用 {default}") or default
        else:
            edition = default
            out.write(f"未指定 --edition，使用最新的届次 {edition}（{k.editions[edition].name}）。\n")
    if edition not in k.editions:
        raise UsageError(f"没有届次「{edition}」。现有届次：{'、'.join(sorted(k.editions))}")
    e = k.editions[edition]
    _validate_given(e, values)
    cid = next_candidate_id(root, edition)
    if ask is not None:
        out.write(f"新候选人编号：{cid}（{e.name}）。逐项输入；直接回车则留空，稍后在文件中填写。\n")
        _ask_missing(e, values, ask)
    path = root / "data" / "candidates" / edition / f"{cid}.yaml"
    if path.exists():  # pragma: no cover - next_candidate_id never returns a taken number
        raise GongjiangError(f"文件已存在：{path}")
    text = render_candidate(root, path, e, cid, values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    shown = path.relative_to(root).as_posix()
    return Written(path, shown, tuple(f"{f.label}（{f.yaml_key}）" for f in missing_fields(values)))


# --------------------------------------------------------------------------
# new-story


STORY_BODY = f"""\
## {PLACEHOLDER}小标题一】

{PLACEHOLDER}开头一段：人物是谁、在哪个单位做什么工作，最好用一个具体的工作场景引入。】

## {PLACEHOLDER}小标题二】

{PLACEHOLDER}主要事迹：攻克了什么难题、取得了哪些成绩，尽量写具体数字，与候选人文件中的“主要成就”一致。】

> {PLACEHOLDER}人物自己说的一句话；没有合适的引语就删去这一段。】

## {PLACEHOLDER}小标题三】

{PLACEHOLDER}传帮带、获得的荣誉和今后的打算。】
"""


def story_slug(root: Path, c: Candidate) -> str:
    base = base_slug(c.name, c.name_pinyin)
    slug, n = base, 1
    while (root / "content" / "stories" / f"{slug}.md").exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*\Z")


def new_story(root: Path, candidate: str, *, slug: str | None, title: str | None, date: dt.date) -> Path:
    k = known(root)
    c = k.candidates.get(candidate)
    if c is None:
        raise UsageError(f"没有编号为「{candidate}」的候选人（或其文件有错误，请先运行 make check）")
    if slug is not None and not _SLUG.match(slug):
        raise UsageError(f"--slug {slug}：只能使用小写字母、数字和连字符，例如 he-xingyong-hanfeng")
    slug = slug or story_slug(root, c)
    path = root / "content" / "stories" / f"{slug}.md"
    if path.exists():
        raise UsageError(f"故事文件已存在：{path.relative_to(root).as_posix()}，请用 --slug 另取一个文件名")
    head = [
        f"Title: {title or f'{c.name}：{PLACEHOLDER}一句话标题】'}",
        f"Date: {date.isoformat()}",
        f"Candidate: {c.id}",
        f"Summary: {PLACEHOLDER}一两句话的摘要，显示在故事列表和订阅中】",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(head) + "\n\n" + STORY_BODY, "utf-8")
    return path


def candidate_report(root: Path, written: Written) -> list[str]:
    """Chinese lines for the user after new-candidate: what is still empty, what check says of the file."""
    from .errors import DataError
    from .loading import load_project

    lines = [f"已新建 {written.shown}"]
    try:
        load_project(root)
        problems = []
    except DataError as exc:
        problems = [p for p in exc.problems if p.path == written.shown]
    if written.missing:
        lines.append(f"还有 {len(written.missing)} 个必填字段没有填写：{'、'.join(written.missing)}。")
    if problems:
        lines.append("检查这个文件发现以下问题，请打开文件修改后运行 make check：")
        lines.extend(f"  {p.format()}" for p in problems)
    else:
        lines.append("这个文件已通过检查。提交前请再运行 make check。")
    return lines
