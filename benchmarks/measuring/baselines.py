"""The baseline programs, each run as `python -c PROGRAM ARGS`: what our commands are compared with."""

from __future__ import annotations

JSON_BASELINE = """\
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    data = json.load(f)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(data, f, indent=2)
"""
RUAMEL_BASELINE = """\
import sys
from ruamel.yaml import YAML
yaml = YAML()
with open(sys.argv[1], encoding="utf-8") as f:
    data = yaml.load(f)
with open(sys.argv[2], "w", encoding="utf-8") as f:
    yaml.dump(data, f)
"""
VALIDATOR_BASELINE = """\
import sys
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename
spec, uri = read_from_filename(sys.argv[1])
try:
    validate(spec, base_uri=uri)
except Exception as e:
    print("invalid:", type(e).__name__, str(e).splitlines()[0][:300] if str(e) else "")
    sys.exit(1)
print("valid")
"""
IMPORT_BASELINE = "import json"
# What a validating `apply` imports before any code of its own runs: the command line, both YAML parsers
# and the validator libraries, the latter as the engine loads them (settings stand-ins, no requests).
STACK_BASELINE = (
    "import typer, yaml, ruamel.yaml\nfrom apigw_cognito.checks.validation_engine import engine\nengine()"
)
