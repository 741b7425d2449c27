"""The network domain's jobs."""

from dagster import AssetSelection, define_asset_job

from .assets import follow_graph
from .profiles import avatars, profile_details

#: The follow graph of one account and its checks (the checks are selected with their asset).
follow_graph_job = define_asset_job("follow_graph_job", selection=AssetSelection.assets(follow_graph))
#: The next batch of profile details of one account, then the avatars that changed.
profile_refresh_job = define_asset_job(
    "profile_refresh_job", selection=AssetSelection.assets(profile_details, avatars)
)
