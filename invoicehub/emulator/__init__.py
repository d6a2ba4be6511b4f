"""A local Allegro emulator: OAuth2 + the order, event, invoice and offer REST resources.

It runs as its own process (`python -m invoicehub.emulator --port 8300`) and is never imported by
production code. Allegro facts it follows: shared/reference/allegro/allegro-api.md and the official
OpenAPI file. Tests and demos drive it through the JSON control API under `/__emulator/`
(see `routes_control`).
"""
