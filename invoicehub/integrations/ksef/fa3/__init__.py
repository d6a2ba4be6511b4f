"""FA(3): the structured invoice KSeF accepts, built from an issued invoice's snapshot (pure)."""
