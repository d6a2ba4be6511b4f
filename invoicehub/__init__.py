"""Invoice-HUB: Allegro orders to Polish VAT invoices."""
