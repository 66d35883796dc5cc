"""The pure core: documents and a selector in; decisions, edits and findings out. No files, AWS or printing.

`transform` decides and secures (with `api_keys`, the API keys operations keep, and `gateway_responses`,
the CORS headers of API Gateway's error responses), `access` says how API Gateway would authorize each
operation (audit), `starter` writes a starter selector (init), `overlay` builds the same change as an
OpenAPI Overlay. For `serve`: `routes` (which method a request reaches), `request_checks` (the authorizer
and API key checks, with `tokens`), `gateway_errors` (gateway responses on the wire) and `integrations`.
"""
