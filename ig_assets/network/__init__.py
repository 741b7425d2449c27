"""Network: the follow graph, inbox peers and story sightings of each managed account, and the
details and avatars of every profile in it."""

from .assets import follow_graph
from .checks import follow_graph_flags_consistent, follow_graph_unique_keys
from .jobs import follow_graph_job, profile_refresh_job
from .profiles import avatars, profile_details

assets = [follow_graph, profile_details, avatars]
asset_checks = [follow_graph_unique_keys, follow_graph_flags_consistent]
jobs = [follow_graph_job, profile_refresh_job]

__all__ = [
    "asset_checks",
    "assets",
    "avatars",
    "follow_graph",
    "follow_graph_job",
    "jobs",
    "profile_details",
    "profile_refresh_job",
]
