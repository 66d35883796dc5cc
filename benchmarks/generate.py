"""`python -m benchmarks.generate`: one deterministic synthetic OpenAPI document (`synthetic/document.py`).

    python -m benchmarks.generate -n 1000 --version 3.0 --format yaml       # into the cache: prints its path
    python -m benchmarks.generate -n 1000 --version 2.0 --format json -o -  # to stdout

Written to the cache, it prints the document's path and its worst-case selector's, one a line.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.synthetic.cache import ensure
from benchmarks.synthetic.document import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--operations", "-n", type=int, default=1000)
    parser.add_argument("--version", choices=["2.0", "3.0"], default="3.0")
    parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of the cache; '-' for stdout")
    args = parser.parse_args(argv)
    if args.output is None:
        path, selector = ensure(args.operations, args.version, args.format)
        print(path)
        print(selector)
    elif str(args.output) == "-":
        print(generate(args.operations, args.version, args.format), end="")
    else:
        args.output.write_text(generate(args.operations, args.version, args.format), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
