from dagster import AssetSelection, define_asset_job

from .assets import follow_graph

#: The follow graph of one account and its checks (the checks are selected with their asset).
follow_graph_job = define_asset_job("follow_graph_job", selection=AssetSelection.assets(follow_graph))
