"""KSeF (Krajowy System e-Faktur): FA(3) documents, the KSeF 2.0 client and sending.

Never imports `invoicehub.integrations.allegro`: each integration stands on its own.
"""
