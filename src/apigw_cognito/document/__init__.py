"""The document layer: OpenAPI files read with positions and changed only by inserting text.

`load` reads bytes into a `Document` (data plus positions); `edits` holds the `Edit`s the core asks for and
the self-check every rendering passes; `json_source` and `yaml_source` are the two formats. Nothing outside
this package knows how either format is parsed or written.
"""
