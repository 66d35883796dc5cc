"""apigw-cognito: secure OpenAPI documents with Cognito user pool authorizers for API Gateway.

The library API, for build scripts and CDK apps::

    from apigw_cognito import secure_document

    result = secure_document(Path("openapi.yaml"), Path("selector.yaml"))
    result.output  # the document's bytes with the security inserted
    result.data    # the same as plain data, e.g. for ApiDefinition.from_inline(result.data)

Names are imported on first use, so `import apigw_cognito` stays cheap (no validator, no boto3).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apigw_cognito.app.library import (
        FindingsError,
        SecureResult,
        Source,
        audit_document,
        import_configured,
        import_document,
        import_http_document,
        load_config,
        load_document,
        load_selector,
        secure_document,
        validate_document,
    )
    from apigw_cognito.app.pipeline import Spec
    from apigw_cognito.basics.errors import AwsError, ExitCode, Finding, InputError, Location, ToolError
    from apigw_cognito.reports.model import Report
    from apigw_cognito.selector.model import Selector

_EXPORTS: dict[str, str] = {
    "load_document": "app.library",
    "load_selector": "app.library",
    "load_config": "app.library",
    "secure_document": "app.library",
    "audit_document": "app.library",
    "validate_document": "app.library",
    "import_document": "app.library",
    "import_configured": "app.library",
    "import_http_document": "app.library",
    "SecureResult": "app.library",
    "FindingsError": "app.library",
    "Source": "app.library",
    "Spec": "app.pipeline",
    "Report": "reports.model",
    "Selector": "selector.model",
    "ToolError": "basics.errors",
    "InputError": "basics.errors",
    "AwsError": "basics.errors",
    "ExitCode": "basics.errors",
    "Finding": "basics.errors",
    "Location": "basics.errors",
}

__all__ = [
    "AwsError",
    "ExitCode",
    "Finding",
    "FindingsError",
    "InputError",
    "Location",
    "Report",
    "SecureResult",
    "Selector",
    "Source",
    "Spec",
    "ToolError",
    "__version__",
    "audit_document",
    "import_configured",
    "import_document",
    "import_http_document",
    "load_config",
    "load_document",
    "load_selector",
    "secure_document",
    "validate_document",
]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415  (25 ms to import: only when asked)

        return version("apigw-cognito")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'apigw_cognito' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
