"""The validator libraries imported lean: settings stand-ins that read every value as the libraries do,
and requests left out only while they load."""

from __future__ import annotations

import os
import subprocess
import sys
from types import ModuleType
from typing import Any

import pytest

from apigw_cognito.checks import validation_imports as ours

MODULES = [
    (ours.SPEC_SETTINGS, ours.SPEC_MODULE, "OPENAPI_SPEC_VALIDATOR_"),
    (ours.SCHEMA_SETTINGS, ours.SCHEMA_MODULE, "OPENAPI_SCHEMA_VALIDATOR_"),
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.upper().startswith(("OPENAPI_SPEC_VALIDATOR_", "OPENAPI_SCHEMA_VALIDATOR_")):
            monkeypatch.delenv(key)
    ours.SCHEMA_MODULE.reset_settings_cache()


def _public(module: ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, ModuleType)
        and getattr(value, "__module__", module.__name__) == module.__name__
    }


def _values(settings: Any) -> dict[str, Any]:
    names = ("resolved_cache_maxsize", "schema_validator_backend", "compiled_validator_cache_max_size")
    return {name: getattr(settings, name) for name in names if hasattr(settings, name)}


@pytest.mark.parametrize(("name", "standin", "prefix"), MODULES)
def test_every_name_and_default_of_the_library_module(name: str, standin: ModuleType, prefix: str) -> None:
    library = ours.library_module(name)
    assert _public(library) <= set(vars(standin)), _public(library) - set(vars(standin))
    for constant, value in vars(library).items():
        if constant.isupper():
            assert getattr(standin, constant) == value, constant
    cls = next(n for n in vars(standin) if n.endswith("Settings"))
    assert _values(getattr(standin, cls)()) == _values(getattr(library, cls)())
    assert _values(getattr(standin, cls)()) != {}


def test_the_functions_give_the_defaults() -> None:
    assert ours.SPEC_MODULE.get_resolved_cache_maxsize() == 128
    assert ours.SPEC_MODULE.get_schema_validator_backend() == "auto"
    assert ours.SCHEMA_MODULE.get_settings().compiled_validator_cache_max_size == 128


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("OPENAPI_SPEC_VALIDATOR_RESOLVED_CACHE_MAXSIZE", " 7 "),
        ("OPENAPI_SPEC_VALIDATOR_RESOLVED_CACHE_MAXSIZE", "-1"),
        ("openapi_spec_validator_schema_validator_backend", "JSONSCHEMA"),
        ("OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND", "bogus"),
        ("OPENAPI_SCHEMA_VALIDATOR_COMPILED_VALIDATOR_CACHE_MAX_SIZE", "5"),
        ("OPENAPI_SCHEMA_VALIDATOR_COMPILED_VALIDATOR_CACHE_MAX_SIZE", "-1"),
        ("OPENAPI_SCHEMA_VALIDATOR_COMPILED_VALIDATOR_CACHE_MAX_SIZE", "x"),
    ],
)
def test_a_set_variable_is_read_by_the_library_class(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    name = ours.SPEC_SETTINGS if "SPEC" in variable.upper() else ours.SCHEMA_SETTINGS
    standin = ours.SPEC_MODULE if name == ours.SPEC_SETTINGS else ours.SCHEMA_MODULE
    library = ours.library_module(name)
    cls = next(n for n in vars(standin) if n.endswith("Settings"))

    def read(module: ModuleType) -> Any:
        try:
            with pytest.warns() if "bogus" in value else _nothing():
                return _values(getattr(module, cls)())
        except Exception as exc:  # pydantic refuses a value the field cannot hold
            return type(exc).__name__

    assert read(standin) == read(library)


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def test_a_validating_run_imports_neither_pydantic_nor_requests() -> None:
    code = (
        "import sys\n"
        "from apigw_cognito.checks.validation import validate_spec\n"
        "doc = {'openapi': '3.0.3', 'info': {'title': 't', 'version': '1'}, 'paths': {}}\n"
        "assert validate_spec(doc) == []\n"
        "import openapi_spec_validator.settings as s, openapi_schema_validator.settings as t\n"
        "import openapi_spec_validator.schemas.backend as b\n"
        "print(s.__doc__.split(',')[0], t.__doc__.split(',')[0], b.get_validator_backend())\n"
        "print('pydantic' in sys.modules, 'requests' in sys.modules)\n"
        "import jsonschema_path.handlers.requests\n"  # refused only while the libraries loaded
        "print('requests' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("OPENAPI_")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split() == [
        ours.SPEC_SETTINGS,
        ours.SCHEMA_SETTINGS,
        "jsonschema-rs",
        "False",
        "False",
        "True",
    ]


def test_urllib_request_is_loaded_only_when_something_fetches_and_then_is_the_real_module() -> None:
    code = (
        "import sys\n"
        "from apigw_cognito.checks.validation import validate_spec\n"
        "doc = {'openapi': '3.0.3', 'info': {'title': 't', 'version': '1'}, 'paths': {}}\n"
        "assert validate_spec(doc) == []\n"
        "print('urllib.request' in sys.modules, 'http.client' in sys.modules)\n"
        # jsonschema-path's names work, through the real module, and make it the one everywhere
        "from jsonschema_path.handlers.utils import uri_to_path\n"
        "print(uri_to_path('file:///tmp/a%20b'))\n"
        "import urllib.request, jsonschema_path.retrievers as r\n"
        "print(sys.modules['urllib'].request is urllib.request, urllib.request.__file__ is not None)\n"
        "print(callable(r.urlopen), urllib.request.Request('http://x').full_url)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "/tmp/a", "b", "True", "True", "True", "http://x"]


def test_urllib_request_already_loaded_is_left_alone() -> None:
    code = (
        "import urllib.request as real\n"
        "from apigw_cognito.checks.validation import validate_spec\n"
        "validate_spec({'openapi': '3.0.3', 'info': {'title': 't', 'version': '1'}, 'paths': {}})\n"
        "import jsonschema_path.retrievers as r\n"
        "print(r.urlopen is real.urlopen)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True"]
