"""Every configured API at once: `apply [--check]` and `audit` with no SPEC, and their combined report.

Each API runs on its own and its failure (bad input, findings) is reported, never raised, so one broken
API does not hide the others. With `jobs` above 1 the APIs are spread over worker processes: the work is
pure Python (parsing, the transform, the validator), so threads would only take turns on one core.
Processes pay for themselves only on large inputs (see `PARALLEL_MIN_BYTES`).
Nothing here prints or exits; the command line does (`cli.project_runs`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from apigw_cognito.app.config import Api
from apigw_cognito.app.delivery import deliver
from apigw_cognito.app.pipeline import load_selector_file, load_spec, run_apply, run_audit
from apigw_cognito.basics.errors import ExitCode, ToolError
from apigw_cognito.reports.model import ApiOutcome

if TYPE_CHECKING:
    from concurrent.futures import Executor

Command = Literal["apply", "audit"]
# Below this much input in total, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 4_000_000


@dataclass(frozen=True)
class Task:
    command: Command
    check: bool = False  # apply: compare, write nothing
    diff: bool = False  # apply: also give a unified diff
    validate: bool | None = None  # the command line's say; None: the API's own setting, else the default
    default_validate: bool = True  # the configuration file's top-level `validate`


def _run_apply(api: Api, task: Task) -> ApiOutcome:
    validate = next(v for v in (task.validate, api.validate, task.default_validate) if v is not None)
    spec = load_spec(api.spec)
    applied = run_apply(spec, load_selector_file(api.selector), validate=validate)
    done = deliver(spec, applied, api.target_path, check=task.check, diff=task.diff)
    return ApiOutcome(
        api.name, int(done.exit_code), done.status, applied.report, diff=done.diff, wrote=done.wrote
    )


def _run_audit(api: Api, task: Task) -> ApiOutcome:
    report = run_audit(load_spec(api.spec), load_selector_file(api.selector))
    if report.errors:
        return ApiOutcome(api.name, int(ExitCode.FINDINGS), "OPEN operations", report)
    return ApiOutcome(api.name, 0, "ok", report)


def run_api(api: Api, task: Task) -> ApiOutcome:
    """One API's run; expected failures become an outcome with their exit code, anything else exit 4."""
    try:
        return _run_apply(api, task) if task.command == "apply" else _run_audit(api, task)
    except ToolError as exc:
        status = {ExitCode.BAD_INPUT: "invalid input", ExitCode.AWS: "AWS failure"}.get(
            exc.exit_code, "failed"
        )
        return ApiOutcome(api.name, int(exc.exit_code), status, error=str(exc))
    except Exception as exc:
        return ApiOutcome(
            api.name,
            int(ExitCode.INTERNAL),
            "internal error",
            error=f"internal error ({type(exc).__name__}: {exc}); please report it",
        )


def auto_jobs(apis: Sequence[Api]) -> int:
    """Worker processes worth starting: one per core for big inputs, none for small ones."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if len(apis) < 2 or cores < 2:
        return 1
    total = 0
    for api in apis:
        with contextlib.suppress(OSError):
            total += os.path.getsize(api.spec)
    return min(cores, len(apis)) if total >= PARALLEL_MIN_BYTES else 1


def workers_for(apis: Sequence[Api], jobs: int | None) -> int:
    """`jobs` (0 or None: `auto_jobs`), never more than there are APIs."""
    return auto_jobs(apis) if not jobs else max(1, min(jobs, len(apis)))


def start_pool(workers: int) -> Executor:
    """Worker processes, started now: before any other thread exists, so forking them is safe.

    Where `fork` exists the workers are forked after the heavy modules are imported here once, so they
    inherit them instead of each importing its own (the validator alone takes a third of a second).
    """
    # multiprocessing takes 45 ms to import: only runs that start workers pay for it.
    import multiprocessing  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        import openapi_spec_validator  # noqa: F401, PLC0415  (imported once here, inherited by the workers)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method))
    pool.submit(int).result()  # launches every worker at once with fork
    return pool


def run_many(
    apis: Sequence[Api],
    task: Task,
    jobs: int | None = None,
    on_done: Callable[[ApiOutcome], None] | None = None,
    pool: Executor | None = None,
) -> list[ApiOutcome]:
    """Run `task` on every API, in worker processes when `jobs` > 1 (or in `pool`), in the order of `apis`."""
    if pool is None and workers_for(apis, jobs) > 1:
        with start_pool(workers_for(apis, jobs)) as own:
            return run_many(apis, task, on_done=on_done, pool=own)
    if pool is None:
        outcomes = []
        for api in apis:
            outcome = run_api(api, task)
            outcomes.append(outcome)
            if on_done:
                on_done(outcome)
        return outcomes
    from concurrent.futures import as_completed  # noqa: PLC0415  (see start_pool)

    results: dict[int, ApiOutcome] = {}
    futures = {pool.submit(run_api, api, task): i for i, api in enumerate(apis)}
    for future in as_completed(futures):
        outcome = future.result()
        results[futures[future]] = outcome
        if on_done:
            on_done(outcome)
    return [results[i] for i in range(len(apis))]
