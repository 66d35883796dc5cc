"""The pacer of target runs, on an injected clock: no test waits for real."""

from __future__ import annotations

from apigw_cognito.aws.pacer import Pacer


def test_calls_are_spaced_per_key() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = Pacer(clock=lambda: now[0], sleep=sleep)
    assert pacer.wait("deploy", 5.0) == 0.0
    now[0] += 2.0
    assert pacer.wait("deploy", 5.0) == 3.0
    assert pacer.wait("put", 1.0) == 0.0  # another call has its own interval
    now[0] += 10.0
    assert pacer.wait("deploy", 5.0) == 0.0
    assert pacer.waits == [3.0]
