"""The exceptions users see. Messages are written for editors and staff, in Chinese."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one place."""

    path: str
    line: int
    column: int
    field: str
    message: str

    def format(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class GongjiangError(Exception):
    """Base of every error this package reports to a user (no traceback is shown)."""

    exit_code = 1


class DataError(GongjiangError):
    """The data files have problems; all of them, across all files, are listed."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        lines = [p.format() for p in self.problems]
        files = len({p.path for p in self.problems})
        lines.append(f"数据检查未通过：{files} 个文件中共有 {len(self.problems)} 处错误。")
        return "\n".join(lines)


class UsageError(GongjiangError):
    """A command was called wrongly (unknown candidate, edition or revision)."""

    exit_code = 2
