"""What every command shares at the edge: printing reports and errors, and picking exit codes."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import NoReturn

import typer

from apigw_cognito.basics.errors import ExitCode, ToolError
from apigw_cognito.reports.model import Report
from apigw_cognito.reports.render import RENDERERS
from apigw_cognito.reports.text import render_text

state = {"debug": False}


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    junit = "junit"


def fail(message: str, code: ExitCode = ExitCode.BAD_INPUT) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(int(code))


@contextmanager
def guarded() -> Iterator[None]:
    """Expected failures become one clear message and their exit code; anything else is exit 4."""
    try:
        yield
    except typer.Exit:
        raise
    except ToolError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted; nothing was written", ExitCode.BAD_INPUT)
    except Exception as exc:
        if state["debug"]:
            traceback.print_exc()
        fail(
            f"internal error ({type(exc).__name__}: {exc}); please report it with the command that caused it"
            + ("" if state["debug"] else " (run with --debug for the traceback)"),
            ExitCode.INTERNAL,
        )


def emit_report(report: Report, fmt: ReportFormat, *, to_stderr: bool, full: bool = False) -> None:
    """Print `report`; the text format's `apply` table shows every row only with `full` (machine
    formats are always complete)."""
    text = render_text(report, full=full) if fmt is ReportFormat.text else RENDERERS[fmt.value](report)
    typer.echo(text, nl=False, err=to_stderr)
