"""`make golden`: run every golden case, print each one's differences from its expected files, and write
the new expected files only for the cases accepted after review.

    python -m tests.golden.review                 # show what differs, write nothing
    python -m tests.golden.review case other      # accept these cases (after reading their diffs)
    python -m tests.golden.review all             # accept every case that differs

Refused under CI, where expected files are only ever compared.
"""

from __future__ import annotations

import os
import sys

from tests.golden.test_golden import CASES, GOLDEN, differences, expected_of, run_case
from tests.support.ci import in_ci


def main(argv: list[str]) -> int:
    accept = set(argv)
    if accept and in_ci():
        print(
            "error: golden files are never accepted under CI; review and accept them locally", file=sys.stderr
        )
        return 2
    unknown = accept - {*CASES, "all"}
    if unknown:
        print(f"error: no golden case named {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    differ: list[str] = []
    accepted: list[str] = []
    here = os.getcwd()
    for name in CASES:
        case = GOLDEN / name
        os.chdir(case)
        try:
            got = run_case(case)
        finally:
            os.chdir(here)
        diff = differences(name, expected_of(case), got)
        if not diff:
            continue
        differ.append(name)
        print(f"=== {name}\n{diff}")
        if "all" in accept or name in accept:
            (case / "expected").mkdir(exist_ok=True)
            for key, value in got.items():
                (case / "expected" / key).write_text(value)
            accepted.append(name)
    print(f"{len(CASES)} cases, {len(differ)} differ: {', '.join(differ) or 'none'}")
    if accepted:
        print(f"accepted: {', '.join(accepted)} (commit them with the change that explains them)")
    pending = [n for n in differ if n not in accepted]
    if pending:
        print(f"not accepted: {' '.join(pending)}; after review: make golden ACCEPT='{' '.join(pending)}'")
    return 1 if pending else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
