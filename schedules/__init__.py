from .content import content_schedule
from .faces import faces_schedule, story_retention_schedule
from .follow_graph import follow_graph_schedule
from .insights import insights_schedule
from .profile_refresh import profile_refresh_schedule

__all__ = [
    "content_schedule",
    "faces_schedule",
    "follow_graph_schedule",
    "insights_schedule",
    "profile_refresh_schedule",
    "story_retention_schedule",
]
