"""One partition per managed Instagram account, keyed by the username it was registered under."""

from dagster import DynamicPartitionsDefinition

account_partitions = DynamicPartitionsDefinition(name="instagram_accounts")
