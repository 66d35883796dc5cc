"""Errors and findings shared by every layer; only the CLI turns them into exit codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Literal


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    BAD_INPUT = 2
    AWS = 3
    INTERNAL = 4


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; line and column are 1-based, as editors show them."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


Level = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Finding:
    """One thing a check noticed. `code` is stable and documented (e.g. ``APIGW004``)."""

    level: Level
    code: str
    message: str
    location: Location | None = None
    pointer: tuple[str | int, ...] = ()


class ToolError(Exception):
    """An expected failure with a message meant for the user; never shown with a traceback."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        tail = f"\n  hint: {self.hint}" if self.hint else ""
        return f"{where}{self.message}{tail}"


class InputError(ToolError):
    """Unreadable, malformed or unsupported input: a file, a document or a selector (exit 2)."""

    exit_code = ExitCode.BAD_INPUT


class InputErrors(InputError):
    """Several mistakes in one input, reported together like a linter reports them, in the order they
    were found (for a selector: the top level, the authorizers, the rules in order, then the defaults).

    Its own message, place and hint are the first mistake's. Printed, every mistake gets its own
    ``error:`` line, as the command line prints a single one, so that a run over many APIs (which keeps the
    text) shows them the same way.
    """

    def __init__(self, errors: Sequence[InputError]) -> None:
        first = errors[0]
        super().__init__(first.message, first.location, first.hint)
        self.errors = tuple(errors)

    def __str__(self) -> str:
        return "\nerror: ".join(InputError.__str__(error) for error in self.errors)


def raise_all(errors: Sequence[InputError]) -> None:
    """Raise the mistakes in `errors`: one as itself, several as `InputErrors`; nothing when empty."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(errors)


class AwsError(ToolError):
    """An AWS call or the network failed (exit 3)."""

    exit_code = ExitCode.AWS
