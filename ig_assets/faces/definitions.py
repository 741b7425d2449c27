"""The faces domain's Dagster definitions."""

import dagster as dg

from schedules import faces_schedule
from sensors.new_stories import new_stories_sensor

from .assets import post_faces, story_faces, story_people
from .jobs import faces_job, stories_job

defs = dg.Definitions(
    assets=[story_faces, post_faces, story_people],
    jobs=[stories_job, faces_job],
    schedules=[faces_schedule],
    sensors=[new_stories_sensor],
)
