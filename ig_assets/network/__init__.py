"""Network: the follow graph, inbox peers and story sightings of each managed account."""

from .assets import follow_graph
from .checks import follow_graph_flags_consistent, follow_graph_unique_keys
from .jobs import follow_graph_job

assets = [follow_graph]
asset_checks = [follow_graph_unique_keys, follow_graph_flags_consistent]
jobs = [follow_graph_job]

__all__ = ["asset_checks", "assets", "follow_graph", "follow_graph_job", "jobs"]
