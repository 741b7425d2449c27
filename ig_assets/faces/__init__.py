"""Faces: the faces in stories and posts, and the people they belong to."""
