"""The selector's scopes and app client regex checked against its user pools, for the commands that may
call AWS (`import`, `verify`, `apply --resolve`); offline commands note `core.pool_scopes.SKIPPED_NOTE`.

The comparison is `core.pool_scopes`; the reading `aws.cognito_scopes`. A selector with no custom scope
and no app_client_id_regex needs no call.
"""

from __future__ import annotations

from dataclasses import replace

from apigw_cognito.app.pipeline import Applied
from apigw_cognito.aws.clients import Clients
from apigw_cognito.aws.cognito_scopes import read_all
from apigw_cognito.core.pool_scopes import needs_pool_check, pool_id, scope_findings
from apigw_cognito.selector.model import Selector, deploy_time_pools


def check_pools(applied: Applied, selector: Selector, clients: Clients) -> None:
    """Add the pool findings to `applied`'s report; an error among them forbids the result (no output).

    `selector` must name its pools by ARN (resolved)."""
    if not needs_pool_check(selector):
        return
    skipped = {authorizer.name for authorizer, _ in deploy_time_pools(selector)}
    for name in sorted(skipped):
        applied.report.notes.append(
            f"authorizer {name}: scopes and app_client_id_regex not checked against its user pools: a"
            " deploy-time reference names no pool before the deployment (verify --stack checks the"
            " deployed one)"
        )
    if skipped:
        selector = replace(
            selector,
            authorizers={n: a for n, a in selector.authorizers.items() if n not in skipped},
            rules=tuple(r for r in selector.rules if r.authorizer not in skipped),
        )
        if not needs_pool_check(selector):
            return
    pools: dict[str, str] = {}
    for authorizer in selector.authorizers.values():
        for index, arn in enumerate(authorizer.user_pools):
            from_environment = index < len(authorizer.pool_variables) and authorizer.pool_variables[index]
            pools.setdefault(arn, authorizer.pool_shown(index) if from_environment else pool_id(arn))
    findings = scope_findings(selector, read_all(clients, pools))
    applied.report.findings.extend(findings)
    if any(f.level == "error" for f in findings):
        applied.forbid()
