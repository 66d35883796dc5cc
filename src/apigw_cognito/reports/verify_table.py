"""The table `import` and `verify` print: every method with its live authorizer and scopes, then problems.

Plain text for a terminal or a CI log; the comparison itself is `aws.verify.compare`.
"""

from __future__ import annotations

from apigw_cognito.aws.verify import Verification


def _key(required: bool | None) -> str:
    return "-" if required is None else ("yes" if required else "no")


def render_table(verification: Verification) -> str:
    """A plain-text table of every method with its live authorizer and scopes, then problems and notes.

    The API KEY column (the live apiKeyRequired) is there when a method requires a key or should."""
    keys = any(r.api_key_required or "API key" in r.expected for r in verification.rows)
    headers = ("METHOD", "PATH", "AUTHORIZATION", "AUTHORIZER", "SCOPES", *(("API KEY",) if keys else ()))
    headers += ("STATUS",)
    cells = [
        (
            r.method,
            r.path,
            r.authorization,
            r.authorizer,
            " ".join(r.scopes) or "-",
            *((_key(r.api_key_required),) if keys else ()),
            r.status.upper() if r.status == "mismatch" else r.status,
        )
        for r in verification.rows
    ]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)).rstrip() for cell in cells]
    lines.append("")
    for r in verification.mismatches:
        lines += [f"mismatch: {r.method} {r.path}: {p}" for p in r.problems]
    for c in verification.response_mismatches:
        lines += [f"mismatch: gateway response {c.kind}: {p}" for p in c.problems]
    lines += [f"note: {n}" for n in verification.notes]
    checked = sum(1 for r in verification.rows if r.status != "extra")
    bad = len(verification.mismatches) + len(verification.response_mismatches)
    responses = f", {len(verification.responses)} gateway responses" if verification.responses else ""
    lines.append(
        f"verify: {checked} {verification.unit}{responses} checked, {bad} mismatch{'es' if bad != 1 else ''}"
        + ("" if bad else ": API Gateway attached what the document says")
    )
    return "\n".join(lines) + "\n"
