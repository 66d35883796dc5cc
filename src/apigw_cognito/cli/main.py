"""The command line: the `apigw-cognito` application, its global options, and the commands it offers.

Commands live in `document_commands` (files only) and `aws_commands` (AWS calls); `output` prints and
picks exit codes. Heavy libraries (the validator, boto3) are imported only by the calls that need them, so
`apigw-cognito --help` and a small `apply` start fast.
"""

from __future__ import annotations

import signal
import sys
from typing import Annotated

import typer

from apigw_cognito.cli import (
    aws_commands,
    document_commands,
    explain_command,
    init_command,
    output,
    serve_command,
)

app = typer.Typer(
    name="apigw-cognito",
    help="Secure an OpenAPI document with Amazon Cognito user pool authorizers for API Gateway.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version  # noqa: PLC0415  (25 ms to import; only --version needs it)

        typer.echo(f"apigw-cognito {version('apigw-cognito')}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    output.state["debug"] = debug
    # Text from a document may hold lone surrogates (JSON escapes such as \ud800): reports and tables show
    # them as escapes instead of failing to encode them.
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")


app.command()(document_commands.apply)
app.command()(document_commands.audit)
app.command()(init_command.init)
app.command()(document_commands.validate)
app.command()(document_commands.bundle)
app.command()(document_commands.schema)
app.command("import")(aws_commands.import_command)
app.command("verify")(aws_commands.verify_command)
app.command("explain")(explain_command.explain_command)
app.command("serve")(serve_command.serve_command)


def _terminated(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # a cancelled pipeline job: clean up like Ctrl-C does


def main() -> None:
    # SIGTERM (what CI systems send to cancel a job) unwinds like Ctrl-C, so a write in progress removes its
    # temporary file and the run ends with one line instead of vanishing. A parent that ignores SIGTERM for
    # its children keeps it ignored.
    if hasattr(signal, "SIGTERM") and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminated)
    app()
