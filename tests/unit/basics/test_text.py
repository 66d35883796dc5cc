"""One UTF-8 decoding with one located message, for documents, selectors and configuration files."""

from __future__ import annotations

from pathlib import Path

import pytest

from apigw_cognito.app.config import load_config
from apigw_cognito.basics.errors import InputError, Location
from apigw_cognito.basics.text import decode_utf8
from apigw_cognito.selector.loader import load_selector

MESSAGE = "not valid UTF-8: byte 0xff cannot start or continue a character"


def test_the_message_names_the_byte_at_its_line_and_character_column() -> None:
    assert decode_utf8("é\n".encode(), "f") == "é\n"
    with pytest.raises(InputError) as caught:
        decode_utf8("a\n# é".encode() + b"\xff\n", "f")
    assert (caught.value.message, caught.value.location) == (MESSAGE, Location("f", 2, 4))
    assert caught.value.hint is None


def test_utf16_gets_a_hint() -> None:
    with pytest.raises(InputError) as caught:
        decode_utf8("version: 1".encode("utf-16"), "f")
    assert caught.value.hint == "the file looks UTF-16 encoded: save it as UTF-8"


def test_selectors_and_configuration_files_share_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    raw = b'[apis.pets]\nspec = "\xff"\n'
    Path("apigw-cognito.toml").write_bytes(raw)
    with pytest.raises(InputError) as caught:
        load_config("apigw-cognito.toml")
    assert (caught.value.message, caught.value.location) == (MESSAGE, Location("apigw-cognito.toml", 2, 9))
    with pytest.raises(InputError) as caught:
        load_selector(raw, "s.yaml", {})
    assert (caught.value.message, caught.value.location) == (MESSAGE, Location("s.yaml", 2, 9))
