"""What `apply` does with a secured document: compare it with its target, diff it, check it, write it.

One decision for the command (`apply SPEC`) and for runs over every configured API, so `--check`,
`--diff` and writing mean the same in both.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass

from apigw_cognito.app.files import holds, read_input, write_atomic
from apigw_cognito.app.pipeline import Applied, Spec
from apigw_cognito.basics.errors import ExitCode, InputError
from apigw_cognito.core.overlay import build_overlay, render_overlay


@dataclass(frozen=True)
class Delivery:
    """The outcome of delivering one secured document."""

    exit_code: ExitCode
    status: str  # for summaries: "errors", "would change", "up to date", "written"
    diff: str = ""  # the unified diff, when asked for
    wrote: bool = False


def unified_diff(before: bytes, after: bytes, old_name: str, new_name: str) -> str:
    old = before.decode("utf-8", "replace").splitlines(keepends=True)
    new = after.decode("utf-8", "replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, f"a/{old_name}", f"b/{new_name}"))


def deliver(
    spec: Spec,
    applied: Applied,
    target: str | None,
    *,
    check: bool = False,
    diff: bool = False,
    make_dirs: bool = False,
    before_write: Callable[[], None] | None = None,
) -> Delivery:
    """Compare `applied` with `target` (None: standard output, compared with the input) and write it there.

    With `check` nothing is written and a note says whether the target would change. `before_write` runs
    once nothing can stop the write any more (the overlay goes out first, so a failing overlay leaves the
    target as it was). `make_dirs` creates the target's folder, which a fresh clone may lack.
    """
    report = applied.report
    report.output = target
    if applied.output is None:
        report.notes.append("nothing was written: fix the errors above")
        return Delivery(ExitCode.FINDINGS, "errors")
    compare_with = target or spec.name
    current: bytes | None = spec.raw
    if target is not None and target != spec.name:
        if diff:
            try:
                current = read_input(target)
            except InputError:
                current = None  # an output that does not exist yet differs from anything
            differs = current != applied.output
        else:
            differs = not holds(target, applied.output)  # no second copy of a large output in memory
    else:
        differs = current != applied.output
    text = unified_diff(current or b"", applied.output, compare_with, compare_with) if diff else ""
    if check:
        report.notes.append(f"{compare_with}: {'would change' if differs else 'up to date'}")
        code = ExitCode.FINDINGS if differs else ExitCode.OK
        return Delivery(code, "would change" if differs else "up to date", text)
    if before_write is not None:
        before_write()
    if target is None or not differs:
        return Delivery(ExitCode.OK, "up to date" if target is not None else "written", text)
    if make_dirs:
        os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    write_atomic(target, applied.output)
    report.wrote = True
    return Delivery(ExitCode.OK, "written", text, wrote=True)


def write_overlay(path: str, spec: Spec, applied: Applied) -> None:
    """Write the change `applied` makes to `spec` as an Overlay document at `path` (`extends` the spec)."""
    extends = None
    if spec.name != "<stdin>":
        relative = os.path.relpath(os.path.abspath(spec.name), os.path.dirname(os.path.abspath(path)))
        extends = relative.replace(os.sep, "/")
    overlay = build_overlay(
        applied.result,
        spec.version,
        title=f"Cognito authorizers for {os.path.basename(spec.name)}",
        extends=extends,
    )
    write_atomic(path, render_overlay(overlay, path))
