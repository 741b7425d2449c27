"""The faces domain's jobs."""

import dagster as dg

#: what the new-stories sensor runs for an account whose tray changed
stories_job = dg.define_asset_job(
    "stories_job", selection=dg.AssetSelection.assets("stories", "story_faces", "story_people")
)
#: faces of newly stored post files, then the people of the profiles they are in
faces_job = dg.define_asset_job("faces_job", selection=dg.AssetSelection.assets("post_faces", "story_people"))
