"""Printable documents: invoice PDFs."""
