"""``${VAR}`` expansion in selector strings, and the `$${` escape (the rules are in `loader`'s docstring).

Only user_pools items and app_client_id_regex may read the environment. Selectors may come from
untrusted pull requests and their output may be published, so names that look like credentials are
refused, and `Text` remembers which variables went into a value so that messages name them instead of
showing the value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.selector.model import shown

EXPANDED_FIELDS = "user_pools items and app_client_id_regex"
# Parts of environment variable names that suggest a credential.
CREDENTIAL_WORDS = (
    "SECRET",
    "TOKEN",
    "PASS",  # PASSWORD, PASSWD, PASSPHRASE, SMTP_PASS
    "KEY",
    "CREDENTIAL",
    "PRIVATE",
    "SESSION",
    "COOKIE",
    "SIGNATURE",
    "DSN",
    "CONNECTION",
    "WEBHOOK",
)

_TOKEN = re.compile(r"\$\$\{|\$\{")
_REFERENCE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?", re.DOTALL)


@dataclass(frozen=True)
class Text:
    """A string value after `$${` and `${VAR}` replacement, and the variables that went into it."""

    value: str
    variables: tuple[str, ...] = ()

    def shown(self) -> str:
        """How messages may show the value: quoted when literal, by its variables when not."""
        return shown(self.value, self.variables)


def expand(text: str, environ: Mapping[str, str], where: Location, what: str, *, allowed: bool) -> Text:
    """`text` with `$${` unescaped and, where `allowed`, `${VAR}` replaced; `InputError` for a ``${``
    where variables are not `allowed`, and for any reference that cannot be read."""
    out: list[str] = []
    variables: list[str] = []
    position = 0
    for token in _TOKEN.finditer(text):
        if token.start() < position:
            continue  # inside a reference already consumed
        out.append(text[position : token.start()])
        if token.group() == "$${":
            out.append("${")
            position = token.end()
            continue
        if not allowed:
            raise InputError(
                f"{what}: variables (${{...}}) are expanded only in {EXPANDED_FIELDS}",
                where,
                hint="write the value itself here; write $${ for a literal ${",
            )
        close = text.find("}", token.end())
        if close < 0:
            raise InputError(
                f"{what}: '${{' is not closed by '}}'", where, hint="write ${NAME} or ${NAME:-default}"
            )
        value, variable = _read(text[token.end() : close], environ, where, what)
        out.append(value)
        if variable is not None:
            variables.append(variable)
        position = close + 1
    out.append(text[position:])
    return Text("".join(out), tuple(variables))


def _read(body: str, environ: Mapping[str, str], where: Location, what: str) -> tuple[str, str | None]:
    """The value of the reference ``${<body>}``, and the variable it came from (None for its default)."""
    reference = _REFERENCE.fullmatch(body)
    if reference is None:
        raise InputError(
            f"{what}: '${{{body}}}' is not a variable reference",
            where,
            hint="write ${NAME} or ${NAME:-default}, NAME made of letters, digits and _;"
            " a default cannot contain '{' or '}'; write $${ for a literal ${",
        )
    variable, default = reference.group(1), reference.group(2)
    if default is not None and "{" in default:
        raise InputError(
            f"{what}: the default of ${{{variable}}} cannot contain '{{' or '}}'",
            where,
            hint="set the variable instead, or write the whole value without a variable",
        )
    if any(word in variable.upper() for word in CREDENTIAL_WORDS):
        raise InputError(
            f"{what}: refusing to read ${{{variable}}}: its name looks like a credential, and a"
            " selector may come from an untrusted change while its output may be published",
            where,
            hint="keep pool ARNs and app client ids in plainly named variables, such as COGNITO_POOL_ARN",
        )
    found = environ.get(variable)
    if found:
        return found, variable
    if default is None:
        state = "empty" if found == "" else "not set"
        raise InputError(
            f"{what}: environment variable {variable} is {state}",
            where,
            hint=f"set {variable}, or give a default: ${{{variable}:-<value>}}",
        )
    return default, None
