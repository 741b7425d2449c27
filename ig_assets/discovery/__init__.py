"""Discovery: accounts around the network, bio e-mails, caption languages and account metrics.

Its Dagster definitions are in `definitions.py`; importing a rules module here loads no stack."""
