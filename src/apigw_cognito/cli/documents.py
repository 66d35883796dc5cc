"""Loading a document in the command's own process, where the cyclic garbage collector can skip it.

A document's data is half a million dicts and lists (GitHub's REST description) that hold no cycles. Left to
the collector, each full collection walks all of them, and loading one triggers several: 15% of `apply`'s
time on GitHub's JSON. The command line owns its short-lived process, so it loads each document with the
collector paused and then moves everything alive out of its sight (`gc.freeze`); those objects are still
freed by reference counting, and what is made later is collected as usual. The library does not do this:
freezing is a decision about the whole process, which belongs to whoever owns it.
"""

from __future__ import annotations

import gc

from apigw_cognito.app.pipeline import Spec, load_spec


def load_for_command(path: str, *, allowed_root: str | None = None) -> Spec:
    """`load_spec`, with the collector paused while it loads and the result frozen out of its sight."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        spec = load_spec(path, allowed_root=allowed_root)
    finally:
        if enabled:
            gc.enable()
    gc.freeze()
    return spec
