"""Accounts: the account session every Instagram-facing asset runs in, and the account-health rules."""
