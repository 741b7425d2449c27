from .account_partitions import account_partitions_sensor, apply_partition_requests
from .new_stories import new_stories_sensor

__all__ = ["account_partitions_sensor", "apply_partition_requests", "new_stories_sensor"]
