"""What a submission row says about its invoice (`error_description`), stored in English.

The sender writes these before anyone knows who reads them, so they are stored as catalogue
msgids (placeholders filled) and translated when shown (invoicehub/i18n/stored.py): the invoice
page reads them in the seller's language and the API returns them as stored, in English, like
every other stored text. Migration 0017 rewrote the Polish texts stored before.
"""

from __future__ import annotations

from invoicehub.i18n import N_

# Plain words for the seller, by KSeF invoice status code (docs: faktury/statusy); "fa3" is our
# own FA(3) check before sending. Stored as "<words>" or "<words>: <details KSeF gave>".
REASONS = {
    "fa3": N_("The invoice failed FA(3) validation before sending"),
    "410": N_("Wrong scope of permissions to issue the invoice"),
    "415": N_("No permission to issue the invoice in this context (NIP)"),
    "430": N_("The invoice file does not match the FA(3) schema"),
    "435": N_("KSeF could not decrypt the invoice"),
    "440": N_("Duplicate invoice: KSeF accepted it earlier"),
    "450": N_("Semantic error in the invoice document"),
    "500": N_("Unknown KSeF error while processing the invoice"),
}
# A rejection whose code has no words above and KSeF gave no description.
REJECTED = N_("KSeF rejected the invoice")
# Texts that may be followed by ": <details>", the details kept as they are.
WITH_DETAILS = (*REASONS.values(), REJECTED)

TOKEN_REFUSED = N_("KSeF did not accept the company's token: {error}")
UNAVAILABLE = N_(
    "KSeF is unavailable ({reason}); the invoice will be sent in offline mode once KSeF is back"
)
DUPLICATE_ADOPTED = N_("KSeF had accepted this invoice earlier; its original KSeF number was kept")
TEMPLATES = (TOKEN_REFUSED, UNAVAILABLE, DUPLICATE_ADOPTED)
