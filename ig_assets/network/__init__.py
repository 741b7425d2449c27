"""Network: the follow graph, inbox peers and story sightings of each managed account, and the
details and avatars of every profile in it.

Its Dagster definitions are in `definitions.py`; importing a rules module here loads no stack."""
