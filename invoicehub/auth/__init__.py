"""Accounts: password hashing, API tokens, browser sessions and login throttling."""
