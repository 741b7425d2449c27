"""Content: the posts and stories of each account's network, read incrementally.

Its Dagster definitions are in `definitions.py`; importing a rules module here loads no stack."""
