"""Insights: what each post shows, who each profile is, how to talk with them, and their history.

Its Dagster definitions are in `definitions.py`; importing a rules module here loads no stack."""
