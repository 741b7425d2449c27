"""Kinds name what an asset is, not who answered: no AI asset claims OpenAI, whose badge the UI showed
while the offline heuristic provider did the work; the materialization names the provider that ran."""

from __future__ import annotations

import dagster as dg
import pytest

from definitions import defs
from ig_resources.ai import AIResource
from ig_sandbox.openai import OpenAIStandIn

from .conftest import World, openai_resource, run_insights

AI_ASSETS = {"post_insights", "profile_insights", "message_strategies", "profile_demographics"}


def _ai_assets() -> set[str]:
    """The assets that ask the AI resource."""
    return {
        key.path[-1]
        for a in defs.assets or []
        if isinstance(a, dg.AssetsDefinition) and "ai" in a.required_resource_keys
        for key in a.keys
    }


def test_no_asset_claims_the_openai_kind_and_every_ai_asset_is_of_kind_ai() -> None:
    specs = {spec.key.path[-1]: spec for spec in defs.resolve_all_asset_specs()}
    assert _ai_assets() == AI_ASSETS
    assert not [name for name, spec in specs.items() if "openai" in spec.kinds]
    assert all("ai" in specs[name].kinds for name in AI_ASSETS)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_materialization_names_the_provider_that_answered(content: World, standin: OpenAIStandIn) -> None:
    offline = run_insights(content, AIResource())
    assert {name: offline[name]["ai.provider"] for name in AI_ASSETS} == dict.fromkeys(AI_ASSETS, "heuristic")
    assert {name: offline[name]["ai.model"] for name in AI_ASSETS} == dict.fromkeys(AI_ASSETS, "heuristic-1")
    served = run_insights(content, openai_resource(standin))
    assert {name: served[name]["ai.provider"] for name in AI_ASSETS} == dict.fromkeys(AI_ASSETS, "openai")
