"""Every target of a run, in one list: issue 4's, then issue 13's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from benchmarks.measuring.model import Document
from benchmarks.peers.results import PeerResult
from benchmarks.targets.issue4 import judge_issue4
from benchmarks.targets.issue13 import judge_issue13
from benchmarks.targets.verdict import Verdict
from benchmarks.timing.commands import Command


def judge(
    docs: Sequence[Document],
    startup: Mapping[str, Command],
    min_ops: int,
    startup_peers: Mapping[str, PeerResult] | None = None,
    peers_skipped: str = "",
) -> list[Verdict]:
    """Targets 0-6 (issue 4) and 7-11 (issue 13: the peers, the default validating apply, memory)."""
    return [
        *judge_issue4(docs, startup, min_ops),
        *judge_issue13(docs, startup, min_ops, startup_peers or {}, peers_skipped),
    ]
