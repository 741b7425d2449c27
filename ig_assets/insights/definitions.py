"""The insights domain's Dagster definitions."""

import dagster as dg

from schedules import insights_schedule

from .assets import (
    behavior_profiles,
    history_chunks,
    message_strategies,
    post_insights,
    profile_demographics,
    profile_insights,
)
from .jobs import insights_job

defs = dg.Definitions(
    assets=[
        post_insights,
        history_chunks,
        behavior_profiles,
        profile_insights,
        message_strategies,
        profile_demographics,
    ],
    jobs=[insights_job],
    schedules=[insights_schedule],
)
