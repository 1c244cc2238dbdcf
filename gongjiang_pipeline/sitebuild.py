"""Build the public site with Pelican, programmatically (the CLI's ``build``).

This is an adapter: it may import Pelican. A build succeeds only if Pelican and
our plugin logged no warning and no error: Pelican reports many problems (an
unreadable story, a plugin that failed to load) by logging and carrying on, so a
logging handler collects them and the build fails with all of them listed.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any, Mapping

from .errors import GongjiangError


class SiteBuildError(GongjiangError):
    """Pelican reported warnings or errors; the site was not built."""


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _check_output(root: Path, output: Path) -> None:
    root, output = root.resolve(), output.resolve()
    if output == root or output in root.parents or output == Path(output.anchor):
        raise SiteBuildError(f"输出目录不能是项目目录或其上级目录：{output}")
    for keep in ("data", "content", "theme", "plugins"):
        if output == root / keep or (root / keep) in output.parents:
            raise SiteBuildError(f"输出目录不能放在 {keep}/ 里：{output}")


def pelican_settings(root: Path, output: Path, as_of: dt.date, override: Mapping[str, Any] | None = None) -> dict:
    from pelican.settings import read_settings

    root = Path(root).resolve()
    conf = root / "pelican.conf.py"
    if not conf.is_file():
        raise SiteBuildError(f"找不到网站配置文件：{conf}")
    values: dict[str, Any] = {
        "OUTPUT_PATH": str(Path(output).resolve()),
        "GONGJIANG_AS_OF": as_of.isoformat(),
        "GONGJIANG_PROJECT_ROOT": str(root),
    }
    values.update(override or {})
    return read_settings(str(conf), override=values)


def build_site(root: Path, output: Path, as_of: dt.date, *, override: Mapping[str, Any] | None = None):
    """Build the site of the project at ``root`` into ``output``, public as of ``as_of``.

    Raises DataError for bad data (photos included), SiteBuildError when Pelican
    logged any warning or error, and lets template errors propagate. ``override``
    replaces Pelican settings (tests use it, e.g. for GONGJIANG_ENGINE). Returns the
    media statistics (:class:`gongjiang_pipeline.media.stats.MediaStats`: images
    processed, cards drawn, Chinese warnings such as a missing CJK font).
    """
    from pelican import Pelican

    root, output = Path(root), Path(output)
    _check_output(root, output)
    handler = _Collect()
    loggers = [logging.getLogger(name) for name in ("pelican", "gongjiang_site", "gongjiang_pipeline", "py.warnings")]
    for lg in loggers:
        lg.addHandler(handler)
    try:
        settings = pelican_settings(root, output, as_of, override)
        pelican = Pelican(settings)
        pelican.run()
    finally:
        for lg in loggers:
            lg.removeHandler(handler)
    if handler.records:
        lines = [f"{r.levelname}: {r.getMessage()}" for r in handler.records]
        for r in handler.records:
            if r.exc_info and r.exc_info[1] is not None:
                lines.append(f"  原因：{r.exc_info[1]!r}")
        raise SiteBuildError("网站生成时出现问题，未生成网站：\n" + "\n".join(lines))
    return pelican.settings.get("GONGJIANG_MEDIA_STATS")
