"""Faces: the faces in stories and posts, and the people they belong to.

Its Dagster definitions are in `definitions.py`; importing a rules module here loads no stack."""
