"""The secured document as a Terraform `templatefile()` template (`apply --templatefile`).

A pool written ``{template_variable: NAME}`` in the selector becomes ``${NAME}`` in providerARNs, which
templatefile() replaces by the value passed for NAME; every other ``${`` and ``%{`` of the document is
escaped (``$${``, ``%%{``) so that it comes out as written (an integration URI's
``${stageVariables.backend}``, a description's ``%{``). HCL's template scanner (hclsyntax's
scan_tokens.rl, bare templates) reads ``$${`` as a literal ``${``, a ``$`` before anything else as itself,
and ``${`` as an interpolation; the same for ``%``.

The document is rendered with a marker in each variable's place (a text the document does not hold), then
escaped, then the markers become ``${NAME}``; `unescaped` reads the result back as templatefile() would
and it must give the rendered text exactly, or nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from apigw_cognito.basics.intrinsics import TEMPLATE_VARIABLE_RE
from apigw_cognito.selector.model import Selector

# A marker is shaped as a pool ARN, so that every check of the rendering reads it as one; the variable's
# name goes in as hex (a pool id is letters and digits only).
_MARKER = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_ApigwCognitoTemplate{nonce}X{name}"


def markers(selector: Selector, text: str) -> dict[str, str]:
    """A marker for each template variable of `selector` (marker -> variable name), none found in `text`."""
    names = sorted(
        {
            m.group(1)
            for a in selector.authorizers.values()
            for p in a.user_pools
            if (m := re.fullmatch(TEMPLATE_VARIABLE_RE, p))
        }
    )
    nonce = 0
    while _MARKER.format(nonce=nonce, name="") in text:
        nonce += 1
    return {_MARKER.format(nonce=nonce, name=name.encode().hex()): name for name in names}


def with_markers(selector: Selector, marked: Mapping[str, str]) -> Selector:
    """`selector` with each template variable's pool replaced by its marker."""
    by_pool = {"${" + name + "}": marker for marker, name in marked.items()}
    authorizers = {
        key: replace(a, user_pools=tuple(by_pool.get(p, p) for p in a.user_pools))
        for key, a in selector.authorizers.items()
    }
    return replace(selector, authorizers=authorizers)


def escaped(text: str, marked: Mapping[str, str]) -> str:
    """`text` as a templatefile() template: every ``${`` and ``%{`` escaped, the markers as variables."""
    out = text.replace("${", "$${").replace("%{", "%%{")
    for marker, name in marked.items():
        out = out.replace(marker, "${" + name + "}")
    return out


def unescaped(template: str, values: Mapping[str, str]) -> str:
    """What templatefile() gives for `template` with `values`; ValueError for a directive, an undeclared
    variable or an interpolation that is not a plain variable name."""
    out: list[str] = []
    index = 0
    length = len(template)
    while index < length:
        char = template[index]
        if char in "$%" and template.startswith(char + char + "{", index):
            out.append(char + "{")
            index += 3
        elif char in "$%" and template.startswith(char + "{", index):
            if char == "%":
                raise ValueError(f"a template directive at offset {index}")
            close = template.find("}", index)
            name = template[index + 2 : close] if close > 0 else ""
            if name not in values:
                raise ValueError(f"an interpolation of {name!r}, not a declared variable, at offset {index}")
            out.append(values[name])
            index = close + 1
        else:
            out.append(char)
            index += 1
    return "".join(out)
