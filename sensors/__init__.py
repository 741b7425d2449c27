from .account_partitions import account_partitions_sensor

__all__ = ["account_partitions_sensor"]
