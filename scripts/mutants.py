"""`make mutants`: mutation testing (mutmut 3) of the decision code, one module at a time.

    python scripts/mutants.py                      # every module below, then the score table
    python scripts/mutants.py core.transform ...   # some of them
    python scripts/mutants.py --report             # the table of what was run, without running

mutmut copies the project into mutants/, runs the test selection of pyproject's [tool.mutmut] once to learn
which tests reach which function, then runs each mutant against those tests only (Hypothesis with the
fixed-seed `ci` profile, so a verdict is repeatable). Results stay in mutants/ between runs; a module is
run again only where its code or tests changed. `mutmut show NAME` prints one mutant's diff. Survivors and
why each is equivalent or which test now kills it: docs/robustness.md#mutation-testing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).parent / "mutmut"
MODULES = (
    "core.api_keys",
    "core.access",
    "selector.globs",
    "selector.model",
    "core.transform",
    "core.gateway_responses",
    "core.tokens",
)
CHILDREN = os.environ.get("MUTANTS_CHILDREN", "2")  # the machines have 2 cores


def results() -> dict[str, str]:
    """mutant name -> status, for every mutant mutmut knows."""
    done = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    found = {}
    for line in done.stdout.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


def table(modules: tuple[str, ...]) -> str:
    found = results()
    rows = ["| module | mutants | killed | timeout | survived | no test reaches it | not run | score |"]
    rows.append("|---|---|---|---|---|---|---|---|")
    for module in modules:
        prefix = f"apigw_cognito.{module}."
        counts = Counter(status for name, status in found.items() if name.startswith(prefix))
        total = sum(counts.values())
        killed, timeout, survived = counts["killed"], counts["timeout"], counts["survived"]
        untested, unrun = counts["no tests"], counts["not checked"]
        judged = killed + timeout + survived
        score = f"{(killed + timeout) / judged:.1%}" if judged else "-"
        rows.append(
            f"| {module} | {total} | {killed} | {timeout} | {survived} | {untested} | {unrun} | {score} |"
        )
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    if argv == ["--report"]:
        print(table(MODULES))
        return 0
    modules = tuple(argv) or MODULES
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        print(
            f"error: not a decision module: {', '.join(unknown)}; one of {', '.join(MODULES)}",
            file=sys.stderr,
        )
        return 2
    env = {**os.environ, "HYPOTHESIS_PROFILE": "ci"}
    for module in modules:
        print(f"=== mutants of apigw_cognito.{module}", flush=True)
        subprocess.run(
            [str(MUTMUT), "run", f"apigw_cognito.{module}.*", "--max-children", CHILDREN],
            cwd=ROOT,
            env=env,
            check=True,
        )
    print(table(modules))
    survivors = [name for name, status in results().items() if status == "survived"]
    for name in survivors:
        print(f"survived: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
