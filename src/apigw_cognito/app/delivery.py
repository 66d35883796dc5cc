"""What `apply` does with a secured document: compare it with its target, diff it, check it, write it.

One decision for the command (`apply SPEC`) and for runs over every configured API, so `--check`,
`--diff` and writing mean the same in both.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass

from apigw_cognito.app.files import holds, read_input, write_atomic, write_atomic_many
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
    before_write: Callable[[], None] | None = None,
) -> Delivery:
    """Compare `applied` with `target` and write it there.

    `target` None (standard output) or the document itself compares with the document's own files: for a
    split document, each file that changes (and `--in-place` writes each of them). Another target gets the
    one file `applied.output` (a bundle for a split document). With `check` nothing is written and a note
    says what would change. `before_write` runs once nothing can stop the write any more (the overlay goes
    out first, so a failing overlay leaves the target as it was).
    """
    report = applied.report
    report.output = target
    if not applied.writable:
        report.notes.append("nothing was written: fix the errors above")
        report.delivery = "nothing written"
        return Delivery(ExitCode.FINDINGS, "errors")
    if target is not None and target != spec.name and not diff:
        output = applied.output_for(target)
        assert output is not None
        new = {target: output}
        changed = [] if holds(target, output) else [target]  # no second copy of a large output in memory
        text = ""
    else:
        pairs = _compared(spec, applied, target)
        new = {name: pair[1] for name, pair in pairs.items()}
        changed = [name for name, (old, data) in pairs.items() if old != data]
        text = "".join(unified_diff(pairs[n][0] or b"", pairs[n][1], n, n) for n in pairs) if diff else ""
    if check:
        report.notes.extend(f"{name}: would change" for name in changed)
        if not changed:
            report.notes.append(f"{target or spec.name}: up to date")
        code = ExitCode.FINDINGS if changed else ExitCode.OK
        report.delivery = "would change" if changed else "up to date"
        return Delivery(code, report.delivery, text)
    if before_write is not None:
        before_write()
    if target is None or not changed:
        report.delivery = "up to date" if target is not None else "written"
        return Delivery(ExitCode.OK, report.delivery, text)
    write_atomic_many({name: new[name] for name in changed})
    report.wrote = True
    report.delivery = "written"
    return Delivery(ExitCode.OK, "written", text, wrote=True)


def _compared(spec: Spec, applied: Applied, target: str | None) -> dict[str, tuple[bytes | None, bytes]]:
    """Each file to compare: its current bytes (None when it does not exist yet) and the new ones."""
    if target is None or target == spec.name:
        if spec.documents.split:
            raws = spec.documents.raws
            return {name: (raws[name], new) for name, new in applied.files.items()}
        return {spec.name: (spec.raw, applied.files.get(spec.name, spec.raw))}
    try:
        current: bytes | None = read_input(target)
    except InputError:
        current = None  # an output that does not exist yet differs from anything
    output = applied.output_for(target)
    assert output is not None
    return {target: (current, output)}


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
