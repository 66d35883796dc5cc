"""Spacing of rate-limited calls across several imports in one run (`import --target`).

API Gateway limits some calls per account and region, whoever sends them: PutRestApi and ImportRestApi to
one per second, CreateDeployment to one per five seconds. `with_throttle_retry` recovers after AWS says
no; a `Pacer` shared by every import of a run keeps them from being told no in the first place, by waiting
until the interval since the same call to the same account and region has passed. The clock and the sleep
are injected, so tests check the waits without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


@dataclass
class Pacer:
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    waits: list[float] = field(default_factory=list)  # what was waited, for reports and tests
    _last: dict[Hashable, float] = field(default_factory=dict)

    def wait(self, key: Hashable, interval: float) -> float:
        """Wait until `interval` seconds have passed since the last call under `key`; the seconds waited."""
        now = self.clock()
        last = self._last.get(key)
        waited = 0.0
        if last is not None and now - last < interval:
            waited = interval - (now - last)
            self.waits.append(waited)
            self.sleep(waited)
            now = self.clock()
        self._last[key] = now
        return waited
