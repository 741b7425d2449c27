"""The network domain's Dagster definitions."""

import dagster as dg

from schedules import follow_graph_schedule, profile_refresh_schedule
from sensors.account_partitions import account_partitions_sensor

from .assets import follow_graph
from .checks import follow_graph_flags_consistent, follow_graph_unique_keys
from .jobs import follow_graph_job, profile_refresh_job
from .profiles import avatars, profile_details

defs = dg.Definitions(
    assets=[follow_graph, profile_details, avatars],
    asset_checks=[follow_graph_unique_keys, follow_graph_flags_consistent],
    jobs=[follow_graph_job, profile_refresh_job],
    schedules=[follow_graph_schedule, profile_refresh_schedule],
    sensors=[account_partitions_sensor],
)
