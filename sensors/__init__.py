from .account_partitions import account_partitions_sensor, apply_partition_requests

__all__ = ["account_partitions_sensor", "apply_partition_requests"]
