from .content import content_schedule
from .follow_graph import follow_graph_schedule
from .profile_refresh import profile_refresh_schedule

__all__ = ["content_schedule", "follow_graph_schedule", "profile_refresh_schedule"]
