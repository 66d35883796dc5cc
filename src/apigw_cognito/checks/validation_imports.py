"""Importing the validator libraries without what the engine never uses: pydantic, requests, urllib's client.

`lean_imports` is the context in which `validation_engine` imports the libraries. Three of their imports
cost more than the rest of them together and serve nothing the engine does:

- pydantic (0.1 to 0.3 s), for the libraries' settings: see below.
- requests (50 ms), which jsonschema-path prefers for fetching remote ``$ref``s. The engine fetches none
  (its retriever refuses every URI), and jsonschema-path falls back to urllib when requests cannot be
  imported, so its import is refused while the libraries load. Afterwards requests imports as usual; only
  jsonschema-path's own retriever and default handlers, in this process, fetch through urllib.
- urllib.request (20 ms with http.client, ssl and email), which jsonschema-path imports for the same
  fetching and for turning file URIs into paths. While the libraries load, ``urllib.request`` is a stand-in
  whose four names jsonschema-path takes (``urlopen``, ``url2pathname``, ``pathname2url``, ``Request``)
  import the real module when called, as does any other name read from it; the real module then takes its
  place everywhere, so a later ``import urllib.request`` anywhere gets the real one.

Settings: openapi-spec-validator 0.9 and openapi-schema-validator 0.9 each read their settings through a
pydantic-settings class (``OPENAPI_SPEC_VALIDATOR_*``, ``OPENAPI_SCHEMA_VALIDATOR_*``). Importing pydantic
costs a validating run 0.1 to 0.3 s, more than the rest of the validator together, to learn in nearly every
run that nothing is set. `install` serves the two ``settings`` modules from here before the libraries are
first imported (a library whose own module is loaded already keeps it): while no variable with the
library's prefix is in the environment, they give the defaults; once one is, every call goes to the
library's own pydantic class, loaded from its file, so a set variable is read, and refused, exactly as the
library would. `tests/unit/checks/test_validation_imports.py` pins the names and the defaults.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

SPEC_SETTINGS = "openapi_spec_validator.settings"
SCHEMA_SETTINGS = "openapi_schema_validator.settings"
_PREFIXES = {SPEC_SETTINGS: "openapi_spec_validator_", SCHEMA_SETTINGS: "openapi_schema_validator_"}


_REFUSED = ("requests",)
_URLLIB = "urllib.request"


@contextmanager
def lean_imports() -> Iterator[None]:
    """Import the validator libraries in this context: the settings from here, requests left out."""
    install()
    refused = [name for name in _REFUSED if name not in sys.modules]
    for name in refused:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` raise ImportError
    deferred = _URLLIB not in sys.modules
    if deferred:
        sys.modules[_URLLIB] = URLLIB_MODULE
    try:
        yield
    finally:
        for name in refused:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
        if deferred and sys.modules.get(_URLLIB) is URLLIB_MODULE:
            del sys.modules[_URLLIB]
            # `import urllib.request` found the stand-in without making it an attribute of the package;
            # code that reads `urllib.request.x` then reaches the real module through it.
            urllib = sys.modules["urllib"]
            if not isinstance(getattr(urllib, "request", None), ModuleType):
                urllib.request = URLLIB_MODULE  # type: ignore[attr-defined]


def _real_urllib() -> ModuleType:
    if sys.modules.get(_URLLIB) is URLLIB_MODULE:  # called while the libraries load: not yet
        raise ImportError("urllib.request is not available while the validator libraries load")
    return importlib.import_module(_URLLIB)


def _forwarding(name: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(_real_urllib(), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


def _urllib_getattr(name: str) -> Any:
    if name.startswith("__"):  # the import system asks for `__path__` and the like
        raise AttributeError(name)
    return getattr(_real_urllib(), name)


def install() -> None:
    """Serve the libraries' settings modules from here, unless their own are loaded already."""
    sys.modules.setdefault(SPEC_SETTINGS, SPEC_MODULE)
    sys.modules.setdefault(SCHEMA_SETTINGS, SCHEMA_MODULE)


def _set_in_environment(module: str) -> bool:
    # pydantic-settings matches names without regard to case.
    prefix = _PREFIXES[module]
    return any(key.lower().startswith(prefix) for key in os.environ)


@cache
def library_module(module: str) -> ModuleType:
    """The library's own settings module (it imports pydantic), loaded from its file under another name."""
    package, _, leaf = module.partition(".")
    found = importlib.util.find_spec(package)  # a top-level name: found without importing it
    if found is None or not found.submodule_search_locations:
        raise ImportError(f"{package} is not installed")
    path = Path(next(iter(found.submodule_search_locations))) / f"{leaf}.py"
    spec = importlib.util.spec_from_file_location(f"_apigw_cognito_library_{package}_{leaf}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


class OpenAPISpecValidatorSettings:
    """openapi-spec-validator's settings: the defaults, or the library's class once a variable is set."""

    resolved_cache_maxsize = 128
    schema_validator_backend = "auto"

    def __new__(cls, **values: Any) -> Any:
        if values or _set_in_environment(SPEC_SETTINGS):
            return library_module(SPEC_SETTINGS).OpenAPISpecValidatorSettings(**values)
        return super().__new__(cls)


def _get_resolved_cache_maxsize() -> int:
    return int(OpenAPISpecValidatorSettings().resolved_cache_maxsize)


def _get_schema_validator_backend() -> str:
    return str(OpenAPISpecValidatorSettings().schema_validator_backend)


class OpenAPISchemaValidatorSettings:
    """openapi-schema-validator's settings: the defaults, or the library's class once a variable is set."""

    compiled_validator_cache_max_size = 128

    def __new__(cls, **values: Any) -> Any:
        if values or _set_in_environment(SCHEMA_SETTINGS):
            return library_module(SCHEMA_SETTINGS).OpenAPISchemaValidatorSettings(**values)
        return super().__new__(cls)


@lru_cache(maxsize=1)
def _get_settings() -> Any:
    return OpenAPISchemaValidatorSettings()


def _reset_settings_cache() -> None:
    _get_settings.cache_clear()


def _module(name: str, names: dict[str, Any]) -> ModuleType:
    module = ModuleType(name, f"{name}, served by {__name__} (see there)")
    vars(module).update(names)
    return module


SPEC_MODULE = _module(
    SPEC_SETTINGS,
    {
        "ENV_PREFIX": "OPENAPI_SPEC_VALIDATOR_",
        "RESOLVED_CACHE_MAXSIZE_DEFAULT": 128,
        "SCHEMA_VALIDATOR_BACKEND_DEFAULT": "auto",
        "SCHEMA_VALIDATOR_BACKEND_ALLOWED": {"auto", "jsonschema", "jsonschema-rs"},
        "OpenAPISpecValidatorSettings": OpenAPISpecValidatorSettings,
        "get_resolved_cache_maxsize": _get_resolved_cache_maxsize,
        "get_schema_validator_backend": _get_schema_validator_backend,
    },
)
# The names jsonschema-path takes from urllib.request while it loads; any other is read from the real one.
URLLIB_MODULE = _module(
    _URLLIB,
    {
        **{name: _forwarding(name) for name in ("urlopen", "url2pathname", "pathname2url", "Request")},
        "__getattr__": _urllib_getattr,
    },
)
SCHEMA_MODULE = _module(
    SCHEMA_SETTINGS,
    {
        "OpenAPISchemaValidatorSettings": OpenAPISchemaValidatorSettings,
        "get_settings": _get_settings,
        "reset_settings_cache": _reset_settings_cache,
    },
)
