"""Command line: ``python -m gongjiang_pipeline <command>``. Output in Chinese."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import DataError, GongjiangError, UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own messages are English
        self.print_usage(sys.stderr)
        print(f"命令用法错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m gongjiang_pipeline", description="北京大工匠宣传网站：数据检查、评选计算、网站生成")
    p.add_argument("--root", type=Path, default=Path("."), help="项目根目录（默认：当前目录）")
    sub = p.add_subparsers(dest="command", required=True, metavar="命令", parser_class=_Parser)
    sub.add_parser("check", help="检查全部数据文件")
    b = sub.add_parser("build", help="检查数据并生成网站")
    b.add_argument("--output", type=Path, default=Path("output"), help="输出目录（默认 output）")
    b.add_argument("--as-of", type=_date, default=None, help="按该日期（YYYY-MM-DD）生成网站，默认今天")
    r = sub.add_parser("results", help="以 JSON 输出某届评选结果")
    r.add_argument("edition", help="届次编号，例如 2016")
    e = sub.add_parser("explain", help="逐阶段说明某位候选人的评选结果")
    e.add_argument("candidate", help="候选人编号，例如 2016-001")
    d = sub.add_parser("diff", help="比较两个版本的评选结果（git 版本或 results 输出的 JSON 文件）")
    d.add_argument("old", help="旧版本：git 版本号（如 HEAD~1）或 JSON 文件")
    d.add_argument("new", help="新版本：git 版本号、JSON 文件，或 . 表示当前工作区")
    d.add_argument("--edition", default=None, help="只比较该届次")
    st = sub.add_parser("status", help="各届次当前阶段、已公布名单、下一步和还缺少的数据")
    st.add_argument("--as-of", type=_date, default=None, help="按该日期（YYYY-MM-DD）查看，默认今天")
    st.add_argument("--edition", default=None, help="只看该届次")
    sub.add_parser("schema", help="重新生成 schemas/ 下的 JSON Schema")
    return p


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except GongjiangError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


def _load(root: Path):
    from .loading import load_project

    return load_project(root)


def cmd_check(args) -> int:
    project = _load(args.root)
    n_cand = sum(len(e.candidates) for e in project.editions.values())
    print(f"数据检查通过：{len(project.editions)} 个届次，{n_cand} 名候选人。")
    return 0


def cmd_build(args) -> int:
    from .atomic import atomic_directory
    from .sitebuild import build_site

    as_of = args.as_of or dt.date.today()
    output = args.output if args.output.is_absolute() else args.root / args.output
    with atomic_directory(output.resolve()) as tmp:
        stats = build_site(args.root.resolve(), tmp, as_of)
    print(f"网站已生成：{output}（按 {as_of.isoformat()} 的公开范围）")
    if stats:
        print(stats)
    return 0


def _edition(project, eid):
    if eid not in project.editions:
        raise UsageError(f"没有届次「{eid}」。现有届次：{'、'.join(project.editions)}")
    return project.editions[eid]


def _results(project, eid) -> dict:
    from .engine import run
    from .report import results_json

    data = _edition(project, eid)
    return results_json(data, run(data))


def cmd_results(args) -> int:
    project = _load(args.root)
    print(json.dumps(_results(project, args.edition), ensure_ascii=False, indent=2, sort_keys=True))
    return 0


def cmd_explain(args) -> int:
    from .engine import run
    from .report import explain_text

    project = _load(args.root)
    found = project.find_candidate(args.candidate)
    if found is None:
        raise UsageError(f"没有编号为「{args.candidate}」的候选人")
    data, _ = found
    print(explain_text(data, run(data), args.candidate))
    return 0


def _results_at(root: Path, ref: str, edition: str | None) -> dict:
    """All editions' results for a results file, the work tree ('.') or a git revision."""
    path = Path(ref)
    if path.is_file():
        loaded = json.loads(path.read_text("utf-8"))
        return {loaded["edition"]: loaded} if "edition" in loaded else loaded
    if ref == ".":
        project = _load(root)
    else:
        with tempfile.TemporaryDirectory(prefix="gongjiang-diff-") as tmp:
            archive = subprocess.run(
                ["git", "-C", str(root), "archive", "--format=tar", ref, "data", "schemas"],
                capture_output=True,
            )
            if archive.returncode != 0:
                raise UsageError(f"无法读取 git 版本「{ref}」：{archive.stderr.decode('utf-8', 'replace').strip()}")
            subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
            project = _load(Path(tmp))
    eids = [edition] if edition else list(project.editions)
    return {eid: _results(project, eid) for eid in eids if eid in project.editions}


def cmd_diff(args) -> int:
    from .report import diff_results

    old = _results_at(args.root, args.old, args.edition)
    new = _results_at(args.root, args.new, args.edition)
    lines = []
    for eid in sorted(set(old) | set(new)):
        if eid not in old:
            lines.append(f"届次 {eid}：新增")
            continue
        if eid not in new:
            lines.append(f"届次 {eid}：已删除")
            continue
        changes = diff_results(old[eid], new[eid])
        if changes:
            lines.append(f"届次 {eid}：")
            lines.extend(f"  {c}" for c in changes)
    print("\n".join(lines) if lines else "两个版本的评选结果没有差别。")
    return 0


def cmd_status(args) -> int:
    from .engine import run
    from .status import project_status

    project = _load(args.root)
    eids = [_edition(project, args.edition).edition.id] if args.edition else list(project.editions)
    results = {eid: run(project.editions[eid]) for eid in eids}
    print(project_status(project, results, args.as_of or dt.date.today(), eids))
    return 0


def cmd_schema(args) -> int:
    from .schemas import write_all

    for path in write_all(args.root / "schemas"):
        print(f"已写入 {path}")
    return 0


COMMANDS = {
    "check": cmd_check,
    "build": cmd_build,
    "results": cmd_results,
    "explain": cmd_explain,
    "diff": cmd_diff,
    "schema": cmd_schema,
    "status": cmd_status,
}


__all__ = ["main", "DataError"]
