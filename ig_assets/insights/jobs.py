"""The insights domain's jobs."""

import dagster as dg

#: every insight of an account; what `insights_schedule` runs and what a backfill after a model or
#: prompt change re-runs
insights_job = dg.define_asset_job("insights_job", selection=dg.AssetSelection.groups("insights"))
