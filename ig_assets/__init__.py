"""Dagster definitions, one sub-package per domain, each beside the pure rules it calls."""
