"""The content domain's jobs."""

import dagster as dg

#: the posts of the next batch of each account's profiles, the comments of the busier ones, and the
#: people around them and the metrics of all
content_job = dg.define_asset_job(
    "content_job",
    selection=dg.AssetSelection.assets(
        "profile_posts", "post_comments", "post_media", "discovered_accounts", "account_metrics"
    ),
)

#: expired story files let go, daily
story_retention_job = dg.define_asset_job(
    "story_retention_job", selection=dg.AssetSelection.assets("story_retention")
)
