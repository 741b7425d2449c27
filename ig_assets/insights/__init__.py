"""Insights: what each post shows, who each profile is, how to talk with them, and their history."""

import dagster as dg

from .assets import (
    behavior_profiles,
    history_chunks,
    message_strategies,
    post_insights,
    profile_demographics,
    profile_insights,
)

#: every insight of an account; what `insights_schedule` runs and what a backfill after a model or
#: prompt change re-runs
insights_job = dg.define_asset_job("insights_job", selection=dg.AssetSelection.groups("insights"))

assets = [
    post_insights,
    history_chunks,
    behavior_profiles,
    profile_insights,
    message_strategies,
    profile_demographics,
]
jobs = [insights_job]

__all__ = [
    "assets",
    "behavior_profiles",
    "history_chunks",
    "insights_job",
    "jobs",
    "message_strategies",
    "post_insights",
    "profile_demographics",
    "profile_insights",
]
