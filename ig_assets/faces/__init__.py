"""Faces: the faces in stories and posts, and the people they belong to."""

import dagster as dg

from .assets import post_faces, story_faces, story_people

#: what the new-stories sensor runs for an account whose tray changed
stories_job = dg.define_asset_job(
    "stories_job", selection=dg.AssetSelection.assets("stories", "story_faces", "story_people")
)
#: faces of newly stored post files, then the people of the profiles they are in
faces_job = dg.define_asset_job("faces_job", selection=dg.AssetSelection.assets("post_faces", "story_people"))

assets = [story_faces, post_faces, story_people]
jobs = [stories_job, faces_job]

__all__ = ["assets", "faces_job", "jobs", "post_faces", "stories_job", "story_faces", "story_people"]
