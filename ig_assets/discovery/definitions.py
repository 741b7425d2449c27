"""The discovery domain's Dagster definitions."""

import dagster as dg

from .assets import account_metrics, discovered_accounts

defs = dg.Definitions(assets=[discovered_accounts, account_metrics])
