"""Command line: ``python -m gongjiang_pipeline <command>``. Output in Chinese."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

from . import siteurl
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
    b.add_argument("--as-of", type=_date, default=None, help="按该日期（YYYY-MM-DD）生成网站，默认北京时间今天")
    b.add_argument("--force", action="store_true",
                   help="即使数据、内容、模板和设置都与上次相同，也重新检查并生成（未变的页面仍沿用）")
    b.add_argument("--clean", action="store_true", help="不沿用上次生成的任何页面，全部重新生成（仍只改写内容有变化的文件）")
    b.add_argument("--siteurl", default=None, metavar="网址", help="网站的正式地址，例如 https://gongjiang.bjzgh.org（默认取 pelican.conf.py 的 GONGJIANG_CANONICAL_BASE）")
    b.add_argument("--timings", action="store_true", help="生成后列出各阶段用时（读取数据、评选、渲染、搜索索引等）")
    b.add_argument("--timings-json", type=Path, default=None, metavar="文件",
                   help="把各阶段用时另存为 JSON 文件（供基准测试读取）")
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
    nc = sub.add_parser("new-candidate", help="新建候选人文件：在终端中逐项询问，否则按参数填写，未给出的必填字段留空")
    nc.add_argument("--edition", help="届次编号（默认最新的届次）")
    for flag, what in (
        ("--name", "姓名"), ("--gender", "性别：男 / 女"), ("--birth-year", "出生年份"), ("--employer", "工作单位"),
        ("--district", "所在区编号"), ("--occupation", "参评工种编号"), ("--sector", "行业领域编号"),
        ("--citation", "推荐语"), ("--channel", "推荐渠道：单位推荐 / 社团推荐 / 个人自荐"), ("--body", "推荐单位编号"),
        ("--date", "推荐日期 YYYY-MM-DD"), ("--union-member", "是否工会会员：是 / 否"), ("--id-number", "身份证号"),
        ("--phone", "联系电话"),
    ):
        nc.add_argument(flag, help=what)
    nc.add_argument("--no-input", action="store_true", help="不询问（即使在终端中）")
    ns = sub.add_parser("new-story", help="新建工匠故事 content/stories/<文件名>.md")
    ns.add_argument("candidate", nargs="?", help="候选人编号，例如 2016-003")
    ns.add_argument("--slug", help="文件名（也是网址），默认按姓名拼音，例如 he-xingyong")
    ns.add_argument("--title", help="标题（默认留待填写）")
    ns.add_argument("--date", type=_date, default=None, help="发布日期 YYYY-MM-DD，默认今天")
    nm = sub.add_parser("new-mentorship", help="新建带徒记录 data/mentorships/<编号>.yaml")
    nm.add_argument("--master", help="师傅的候选人编号，例如 2016-003")
    nm.add_argument("--from", dest="master_from", help="师傅不是候选人时：师傅本人作为徒弟的带徒记录编号")
    nm.add_argument("--name", help="徒弟姓名")
    nm.add_argument("--candidate", help="徒弟的候选人编号（徒弟也是候选人时）")
    nm.add_argument("--id", dest="record_id", help="记录编号（也是文件名），默认按徒弟姓名拼音")
    nm.add_argument("--start", type=_date, default=None, help="拜师日期 YYYY-MM-DD，默认今天")
    nt = sub.add_parser("new-topic", help="新建专题 data/topics/<编号>.yaml")
    nt.add_argument("topic", nargs="?", help="专题编号（也是网址 /topics/<编号>/），例如 2016-jiangxin")
    nl = sub.add_parser("new-lecture", help="新建北京大工匠讲堂讲座文件 data/lectures/<编号>.yaml")
    nl.add_argument("lecture", nargs="?", help="讲座编号（也是网址），例如 2030-hanjie")
    nl.add_argument("--speaker", help="主讲工匠的候选人编号，例如 2016-048（不填则为嘉宾讲座）")
    nw = sub.add_parser("new-studio", help="新建创新工作室文件 data/studios/<编号>.yaml")
    nw.add_argument("studio", nargs="?", help="工作室编号（也是网址），例如 zhao-lidan-hanjie")
    nw.add_argument("--craftsman", help="以其命名的工匠的候选人编号，例如 2016-028")
    pb = sub.add_parser("publish", help="把生成好的网站同步到发布目标（只传输有变化的文件）")
    pb.add_argument("--target", default=None, help="发布目标：dir:<目录>、rsync:<主机>:<路径> 或 s3://<存储桶>/<前缀>（默认取环境变量 PUBLISH_TARGET）")
    pb.add_argument("--source", type=Path, default=Path("output"), help="生成好的网站目录（默认 output）")
    pb.add_argument("--dry-run", action="store_true", help="试运行：只列出会做的修改")
    pb.add_argument("--siteurl", default=None, metavar="网址", help="网站的正式地址，例如 https://gongjiang.bjzgh.org（默认取 pelican.conf.py 的 GONGJIANG_CANONICAL_BASE）；必须是正式地址，且网站是按这个地址生成的")
    sv = sub.add_parser("serve", help="在 http://127.0.0.1:<端口>/ 提供已生成的网站")
    sv.add_argument("--output", type=Path, default=Path("output"), help="网站目录（默认 output）")
    sv.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    dv = sub.add_parser("devserver", help="本地预览：生成网站并在修改 content/、data/、theme/ 后自动重新生成、刷新浏览器")
    dv.add_argument("--output", type=Path, default=Path("output"), help="输出目录（默认 output）")
    dv.add_argument("--as-of", type=_date, default=None, help="按该日期（YYYY-MM-DD）生成，默认今天")
    dv.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    sub.add_parser("schema", help="重新生成 schemas/ 下的 JSON Schema")
    ce = sub.add_parser("certificates", help="为已审定届次的北京大工匠和提名奖制作 A4 横版 PDF 证书（工作人员用，不进入网站）")
    ce.add_argument("edition", help="届次编号，例如 2016")
    ce.add_argument("--output", type=Path, default=None, help="输出目录（默认 certificates/<届次>）")
    ce.add_argument("--siteurl", default=None, metavar="网址", help="网站的正式地址，例如 https://gongjiang.bjzgh.org（默认取 pelican.conf.py 的 GONGJIANG_CANONICAL_BASE）；真实届次的证书必须用正式地址")
    return p


SITE_TIMEZONE = "Asia/Shanghai"


def today() -> dt.date:
    """Today in Beijing, whatever the machine's time zone (the default build date)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(SITE_TIMEZONE)).date()


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
    from .stories import check_stories

    stories = check_stories(args.root)
    try:
        project = _load(args.root)
    except DataError as exc:
        raise DataError(exc.problems + stories) from None
    if stories:
        raise DataError(stories)
    n_cand = sum(len(e.candidates) for e in project.editions.values())
    print(f"数据检查通过：{len(project.editions)} 个届次，{n_cand} 名候选人。")
    return 0


def cmd_build(args) -> int:
    from .sitebuild import build_into
    from .timings import recording

    as_of = args.as_of or today()
    output = args.output if args.output.is_absolute() else args.root / args.output
    override = {}
    if args.siteurl is not None:  # a preview may use the placeholder; publish checks it (siteurl.py)
        override[siteurl.SETTING] = siteurl.normalise(args.siteurl, "SITEURL")
    with recording() as timings:
        summary = build_into(args.root, output, as_of, override=override or None,
                             force=args.force or args.clean, reuse=not args.clean)
    print(f"网站已生成：{output}（按 {as_of.isoformat()} 的公开范围）")
    print(summary)
    if args.timings:
        print(timings.report())
    if args.timings_json is not None:
        timings.write_json(args.timings_json)
    for warning in summary.warnings:
        print(f"警告：{warning}", file=sys.stderr)
    from .strokes import stroke_order_note

    if (note := stroke_order_note()) is not None:  # lists tied on strokes are not in official order
        print(note, file=sys.stderr)
    return 0


def _edition(project, eid):
    if eid not in project.editions:
        raise UsageError(f"没有届次「{eid}」。现有届次：{'、'.join(project.editions)}")
    return project.editions[eid]


def _results(project, eid) -> dict:
    from .report import results_json

    data = _edition(project, eid)
    return results_json(data, project.result(eid))


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
            # content/ too: topics and news articles in data/ are checked against the stories
            parts = ["data", "schemas"] + [
                p for p in ("content",)
                if subprocess.run(["git", "-C", str(root), "cat-file", "-e", f"{ref}:{p}"], capture_output=True).returncode == 0
            ]
            archive = subprocess.run(
                ["git", "-C", str(root), "archive", "--format=tar", ref, *parts],
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
    from .status import project_status

    project = _load(args.root)
    eids = [_edition(project, args.edition).edition.id] if args.edition else list(project.editions)
    results = {eid: project.result(eid) for eid in eids}
    from .stories import story_index

    print(project_status(project, results, args.as_of or dt.date.today(), eids, story_index(Path(args.root))))
    return 0


def cmd_new_candidate(args) -> int:
    from .scaffold import FIELDS, Asker, candidate_report, is_tty, new_candidate

    values = {f.key: getattr(args, f.key) for f in FIELDS}
    ask = Asker(sys.stdin, sys.stdout) if is_tty(sys.stdin) and not args.no_input else None
    written = new_candidate(args.root, values, edition=args.edition, ask=ask, out=sys.stdout)
    print("\n".join(candidate_report(args.root, written)))
    return 0


def cmd_new_story(args) -> int:
    from .scaffold import Asker, is_tty, new_story

    candidate = args.candidate
    if candidate is None and is_tty(sys.stdin):
        candidate = Asker(sys.stdin, sys.stdout).text("候选人编号，例如 2016-003")
    if not candidate:
        raise UsageError("请给出候选人编号，例如：make new-story ID=2016-003")
    path = new_story(args.root, candidate, slug=args.slug, title=args.title, date=args.date or dt.date.today())
    print(f"已新建 {path.relative_to(args.root).as_posix()}")
    print("把其中的【待填写：……】换成正文（make check 会列出还没填写的地方），用 make devserver 预览。")
    return 0


def cmd_new_mentorship(args) -> int:
    from .mentorship import new_mentorship

    path = new_mentorship(
        args.root, master=args.master, master_from=args.master_from, name=args.name or "",
        start=args.start or dt.date.today(), record_id=args.record_id, candidate=args.candidate,
    )
    print(f"已新建 {path.relative_to(args.root).as_posix()}")
    print("补充成长记录（milestones）后运行 make check 检查，用 make devserver 预览。")
    return 0


def cmd_new_topic(args) -> int:
    from .news import new_topic

    if not args.topic:
        raise UsageError("请给出专题编号，例如：make new-topic ID=2016-jiangxin")
    path = new_topic(args.root, args.topic, today=dt.date.today())
    print(f"已新建 {path.relative_to(args.root).as_posix()}")
    print("把其中的【待填写：……】换成实际内容，在 items 下按顺序列出故事、新闻和工匠（make check 会检查每一项），用 make devserver 预览。")
    return 0


def cmd_new_lecture(args) -> int:
    from .lectures import new_lecture

    if not args.lecture:
        raise UsageError("请给出讲座编号，例如：make new-lecture ID=2030-hanjie SPEAKER=2016-028")
    path = new_lecture(args.root, args.lecture, speaker=args.speaker, today=dt.date.today())
    print(f"已新建 {path.relative_to(args.root).as_posix()}")
    print("把其中的【待填写：……】换成实际内容（make check 会列出还没填写的地方），用 make devserver 预览。")
    return 0


def cmd_new_studio(args) -> int:
    from .studios import new_studio

    if not args.studio or not args.craftsman:
        raise UsageError("请给出工作室编号和工匠编号，例如：make new-studio ID=zhao-lidan-hanjie CRAFTSMAN=2016-028")
    path = new_studio(args.root, args.studio, craftsman=args.craftsman, today=dt.date.today())
    print(f"已新建 {path.relative_to(args.root).as_posix()}")
    print("把其中的【待填写：……】换成实际内容（make check 会列出还没填写的地方），用 make devserver 预览。")
    return 0


def cmd_publish(args) -> int:
    import os

    from .publish import parse_target, publish

    target = parse_target(args.target or os.environ.get("PUBLISH_TARGET"))
    source = args.source if args.source.is_absolute() else args.root / args.source
    base = siteurl.require_public(*siteurl.resolve(args.siteurl, _site_settings(args.root)))
    print("\n".join(publish(target, source, dry_run=args.dry_run, project=args.root, siteurl=base)))
    return 0


HOST = "127.0.0.1"  # preview servers listen on the loopback interface only


def cmd_serve(args) -> int:
    from .devserver import serve

    serve(args.output if args.output.is_absolute() else args.root / args.output, HOST, args.port)
    return 0


def cmd_devserver(args) -> int:
    from .devserver import DevServer
    from .gcpause import freeze_loaded_data

    freeze_loaded_data(False)  # this process loads again after every change (gcpause.py)
    DevServer(args.root, args.output, args.as_of).run(HOST, args.port)
    return 0


def cmd_schema(args) -> int:
    from .schemas import write_all

    for path in write_all(args.root / "schemas"):
        print(f"已写入 {path}")
    return 0


def _site_settings(root: Path) -> dict:
    """The settings of pelican.conf.py, read without Pelican (no content/ needed)."""
    conf = root / "pelican.conf.py"
    return runpy.run_path(str(conf)) if conf.is_file() else {}


CRAFTSMAN_URL = "craftsmen/{slug}/"  # the plugin's default GONGJIANG_CRAFTSMAN_URL


def cmd_certificates(args) -> int:
    from .certificates import honorees, write_all
    from .media.fonts import find_cjk_font
    from .sitemodel import build_model

    project = _load(args.root)
    items = honorees(project, args.edition)
    settings = _site_settings(args.root)
    choice, why = find_cjk_font(settings.get("GONGJIANG_CJK_FONT"))
    if choice is None:
        raise UsageError(f"无法制作证书：{why}")
    # the slugs of the complete site (everyone published), as on the craftsman pages
    model = build_model(project, {eid: project.result(eid) for eid in project.editions}, dt.date(9999, 1, 1))
    slugs = {p.id: p.slug for p in model.people}
    # the QR code of a real certificate must lead to the real site; a sample one may not
    value, where = siteurl.resolve(args.siteurl, settings)
    sample = project.editions[args.edition].edition.sample  # honorees() knows the edition
    base = siteurl.normalise(value, where) if sample else siteurl.require_public(value, where)
    pattern = settings.get("GONGJIANG_CRAFTSMAN_URL", CRAFTSMAN_URL)

    def page_url(h) -> str:
        return f"{base}/{pattern.format(slug=slugs[h.candidate_id])}"

    out = args.output or Path("certificates") / args.edition
    out = out if out.is_absolute() else args.root / out
    paths = write_all(items, out, page_url, (choice.regular.path, choice.regular.index),
                      (choice.bold.path, choice.bold.index))
    n = sum(1 for h in items if h.list_key == "craftsmen")
    print(f"已制作 {len(paths)} 份证书（北京大工匠 {n} 份，提名奖 {len(paths) - n} 份）：{out}")
    return 0


COMMANDS = {
    "certificates": cmd_certificates,
    "check": cmd_check,
    "build": cmd_build,
    "results": cmd_results,
    "explain": cmd_explain,
    "diff": cmd_diff,
    "schema": cmd_schema,
    "status": cmd_status,
    "new-candidate": cmd_new_candidate,
    "new-story": cmd_new_story,
    "new-mentorship": cmd_new_mentorship,
    "new-lecture": cmd_new_lecture,
    "new-studio": cmd_new_studio,
    "new-topic": cmd_new_topic,
    "publish": cmd_publish,
    "serve": cmd_serve,
    "devserver": cmd_devserver,
}


__all__ = ["main", "DataError"]
