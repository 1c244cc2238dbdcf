"""Publish the built site (``make publish``): sync ``output/`` to a target, changed files only.

Targets (``PUBLISH_TARGET`` or ``--target``):

* ``dir:/srv/www/gongjiang`` - a local (or mounted) folder. Files are compared by
  size and bytes; only new and changed files are written (each through a
  temporary file and a rename, so a reader never sees half a file), files that
  are no longer built are deleted. A marker file ``.gongjiang-publish`` is kept in
  the folder: a non-empty folder without it is refused, so a mistyped path cannot
  wipe an unrelated folder.
* ``rsync:host:/path`` - ``rsync -rlc --delete`` (``-c``: by checksum: a build
  keeps unchanged files as they are, but a build on another machine or in a fresh
  clone has new modification times for the same bytes).
* ``s3://bucket/prefix`` - ``s3cmd sync --delete-removed`` (compares MD5 with the
  stored ETag, uploads only what changed). s3cmd is an optional extra
  (``pip install -e '.[publish]'``); credentials from ``~/.s3cfg`` or the
  ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` environment variables.

Sample data (an edition with ``sample: true``) may go to a local folder only, for a
preview: publishing it to an rsync or S3 target is refused before anything is sent
(:func:`refuse_sample_data`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GongjiangError, UsageError

MARKER = ".gongjiang-publish"
MARKER_TEXT = "本目录由 python -m gongjiang_pipeline publish 维护：发布时会删除网站中已不存在的文件。\n"


class PublishError(GongjiangError):
    """Publishing failed (the target was not changed, or only partly: see the message)."""


@dataclass(frozen=True)
class Target:
    kind: str  # "dir" | "rsync" | "s3"
    where: str  # folder, host:/path, or s3://bucket/prefix/

    def __str__(self) -> str:
        return self.where if self.kind == "s3" else f"{self.kind}:{self.where}"


def parse_target(text: str | None) -> Target:
    if not text:
        raise UsageError(
            "没有指定发布目标：请设置 PUBLISH_TARGET，例如 PUBLISH_TARGET=dir:/srv/www/gongjiang、"
            "PUBLISH_TARGET=rsync:www.example.org:/srv/www/gongjiang 或 PUBLISH_TARGET=s3://存储桶/前缀"
        )
    if text.startswith("dir:") and text[4:]:
        return Target("dir", text[4:])
    if text.startswith("rsync:"):
        rest = text[6:]
        host, sep, path = rest.partition(":")
        if sep and host and path:
            return Target("rsync", rest)
    if text.startswith("s3://") and len(text) > 5 and not text[5:].startswith("/"):
        return Target("s3", text.rstrip("/") + "/")
    raise UsageError(
        f"无法识别的发布目标「{text}」：应为 dir:<目录>、rsync:<主机>:<路径> 或 s3://<存储桶>/<前缀>"
    )


def command(target: Target, source: Path, *, dry_run: bool = False) -> list[str]:
    """The external command that syncs ``source`` to an rsync or S3 target."""
    src = str(source).rstrip("/") + "/"
    if target.kind == "rsync":
        return ["rsync", "-rlc", "--delete", "--itemize-changes", *(["--dry-run"] if dry_run else []),
                src, target.where.rstrip("/") + "/"]
    if target.kind == "s3":
        return ["s3cmd", "sync", "--delete-removed", "--no-preserve", "--no-mime-magic", "--guess-mime-type",
                *(["--dry-run"] if dry_run else []), src, target.where]
    raise ValueError(target.kind)


INSTALL_HINT = {
    "rsync": "找不到 rsync 命令：请先安装（Debian/Ubuntu：apt-get install rsync）",
    "s3cmd": "找不到 s3cmd 命令：请先安装（.venv/bin/pip install -e '.[publish]'），并配置 ~/.s3cfg 或环境变量 "
             "AWS_ACCESS_KEY_ID、AWS_SECRET_ACCESS_KEY",
}


# --------------------------------------------------------------------------
# dir: targets


@dataclass
class SyncPlan:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # files; empty folders are pruned too
    unchanged: int = 0


def _files(root: Path) -> dict[str, Path]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            if rel != MARKER:
                out[rel] = p
    return out


def _same(a: Path, b: Path) -> bool:
    if not b.is_file() or b.is_symlink() or a.stat().st_size != b.stat().st_size:
        return False
    ha, hb = hashlib.sha256(), hashlib.sha256()
    with a.open("rb") as fa, b.open("rb") as fb:
        for chunk in iter(lambda: fa.read(1 << 20), b""):
            ha.update(chunk)
        for chunk in iter(lambda: fb.read(1 << 20), b""):
            hb.update(chunk)
    return ha.digest() == hb.digest()


def plan_dir(source: Path, dest: Path) -> SyncPlan:
    src = _files(source)
    old = _files(dest) if dest.is_dir() else {}
    plan = SyncPlan()
    for rel, path in src.items():
        if rel not in old:
            plan.added.append(rel)
        elif _same(path, old[rel]):
            plan.unchanged += 1
        else:
            plan.changed.append(rel)
    plan.removed = sorted(rel for rel in old if rel not in src)
    return plan


def _guard(source: Path, dest: Path, project: Path | None) -> None:
    source, dest = source.resolve(), dest.resolve()
    if dest == source or source in dest.parents or dest in source.parents:
        raise UsageError(f"发布目录不能是网站输出目录、它的子目录或上级目录：{dest}")
    if project is not None and (dest == project.resolve() or dest in project.resolve().parents
                                or project.resolve() in dest.parents):
        raise UsageError(f"发布目录不能是项目目录、它的子目录或上级目录：{dest}")
    if dest == Path(dest.anchor) or dest == Path.home().resolve():
        raise UsageError(f"发布目录不能是根目录或用户主目录：{dest}")
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"发布目标不是目录：{dest}")
    if dest.is_dir() and any(dest.iterdir()) and not (dest / MARKER).is_file():
        raise UsageError(
            f"发布目录 {dest} 不是空目录，也不是本工具发布过的目录（没有 {MARKER}）。"
            "为防止误删其中的文件，拒绝发布：请换一个空目录，或确认后手工清空它"
        )


def _copy(src: Path, dest: Path) -> None:
    # a new file renamed into place: never a write into ``dest`` (nor into ``src``, which
    # may be a hard link to a media cache file, media/cache.place)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".publish-", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            shutil.copyfileobj(inp, out)
        os.chmod(tmp, 0o644)
        if dest.is_dir() and not dest.is_symlink():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sync_dir(source: Path, dest: Path, *, dry_run: bool = False, project: Path | None = None) -> SyncPlan:
    _guard(source, dest, project)
    plan = plan_dir(source, dest)
    if dry_run:
        return plan
    dest.mkdir(parents=True, exist_ok=True)
    if not (dest / MARKER).is_file():
        (dest / MARKER).write_text(MARKER_TEXT, "utf-8")
    for rel in plan.added + plan.changed:
        target = dest / rel
        for parent in reversed(target.relative_to(dest).parents[:-1]):
            p = dest / parent
            if p.exists() and not p.is_dir():  # a file stands where a folder is needed now
                p.unlink()
        _copy(source / rel, target)
    for rel in plan.removed:
        gone = dest / rel
        if gone.is_symlink() or gone.is_file():  # a folder may stand there now
            gone.unlink()
    for dirpath, dirnames, filenames in sorted(os.walk(dest), key=lambda t: -len(t[0])):
        if Path(dirpath) != dest and not os.listdir(dirpath):
            os.rmdir(dirpath)
    return plan


def summary(target: Target, plan: SyncPlan, *, dry_run: bool) -> list[str]:
    head = "试运行（没有做任何修改）：" if dry_run else ""
    lines = [
        f"{head}发布到 {target}：新增 {len(plan.added)} 个文件，更新 {len(plan.changed)} 个，"
        f"删除 {len(plan.removed)} 个，未变 {plan.unchanged} 个。"
    ]
    if dry_run:
        lines += [f"  新增 {r}" for r in plan.added] + [f"  更新 {r}" for r in plan.changed]
        lines += [f"  删除 {r}" for r in plan.removed]
    return lines


# --------------------------------------------------------------------------
# sample data stays local


def sample_editions(project: Path) -> list[tuple[str, str]]:
    """``(id, name)`` of the project's editions marked ``sample: true``, by id."""
    from .loading import load_project

    editions = load_project(project).editions.values()
    return sorted((ed.edition.id, ed.edition.name) for ed in editions if ed.edition.sample)


def refuse_sample_data(target: Target, project: Path) -> None:
    """Raise :class:`PublishError` when ``target`` is a server (rsync, S3) and any
    edition of ``project`` is sample data; a local folder (``dir:``) is allowed."""
    if target.kind == "dir":
        return
    samples = sample_editions(project)
    if not samples:
        return
    named = "、".join(f"{eid}（{name}，data/editions/{eid}.yaml）" for eid, name in samples)
    raise PublishError(
        f"拒绝发布到 {target}：以下届次是示例数据（届次文件中写有 sample: true），示例数据不能发布到服务器：{named}。"
        "如果这是真实的届次，请删除该届次文件中的 sample: true，重新生成后再发布；"
        "如果只想预览示例网站，请运行 make html 后用 make serve 在本机预览，或发布到本地目录 dir:…"
    )


# --------------------------------------------------------------------------


def publish(
    target: Target, source: Path, *, dry_run: bool = False, project: Path | None = None, siteurl: str | None = None,
) -> list[str]:
    """Sync ``source`` (a built site) to ``target``; Chinese lines describing what was done.
    ``project``: the project root; its sample editions are never sent to a server.
    ``siteurl``: the site's public address (``siteurl.require_public``); ``source``
    must have been built for it."""
    if not (source / "index.html").is_file():
        raise UsageError(f"{source} 中没有生成好的网站（缺少 index.html）：请先运行 make html")
    if project is not None:
        refuse_sample_data(target, project)
    if siteurl is not None:
        from .siteurl import require_built_for

        require_built_for(source, siteurl)
    if target.kind == "dir":
        plan = sync_dir(source, Path(target.where), dry_run=dry_run, project=project)
        return summary(target, plan, dry_run=dry_run)
    cmd = command(target, source, dry_run=dry_run)
    try:
        run = subprocess.run(cmd)
    except FileNotFoundError:
        raise PublishError(INSTALL_HINT[cmd[0]]) from None
    if run.returncode != 0:
        raise PublishError(f"发布失败：{cmd[0]} 退出码 {run.returncode}（命令：{' '.join(cmd)}）")
    return [f"{'试运行：' if dry_run else ''}已发布到 {target}（{cmd[0]}，只传输有变化的文件）。"]
