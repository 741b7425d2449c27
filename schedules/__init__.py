from .follow_graph import follow_graph_schedule

__all__ = ["follow_graph_schedule"]
