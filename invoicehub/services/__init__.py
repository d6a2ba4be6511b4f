"""Units of work for the invoicing domain: each function does one seller's change with its
audit row and commits the session it is given.

Domain functions (`invoicehub.domain`) only flush; API routes and Reflex handlers call these
(or the integrations' own services) and never commit. Integration changes have their services
beside their integration (`integrations/allegro/...`, `integrations/ksef/settings.py`),
account changes in `auth/changes.py`, platform admin in `admin/`.
"""
