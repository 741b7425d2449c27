"""The one Definitions object of ig-pipeline: assets, checks, jobs, sensors, schedules, resources."""

from __future__ import annotations

import os

import dagster as dg

from ig_assets.content import definitions as content
from ig_assets.discovery import definitions as discovery
from ig_assets.faces import definitions as faces
from ig_assets.insights import definitions as insights
from ig_assets.network import definitions as network
from ig_resources.ai import AIResource
from ig_resources.database import DatabaseResource
from ig_resources.faces import FaceAnalysisResource
from ig_resources.instagram import InstagramClientResource
from ig_resources.instagram.apify import ApifyInstagramClient
from ig_resources.media import DEFAULT_TRUSTED_HOSTS, MediaStore


def _env(name: str) -> dg.EnvVar | None:
    # EnvVar keeps the value (a database password, say) out of the UI; unset means the embedded default.
    return dg.EnvVar(name) if os.environ.get(name) else None


def _resources() -> dict[str, dg.ConfigurableResource]:
    database = {"url": url} if (url := _env("IG_DATABASE_URL")) else {}
    instagram = {
        field: value
        for field, name in (("api_base_url", "IG_API_BASE_URL"), ("web_base_url", "IG_WEB_BASE_URL"))
        if (value := _env(name))
    }
    # Only the offline sandbox may be hammered: IG_PACING=off.
    pacing = os.environ.get("IG_PACING", "on").lower() not in ("off", "0", "false", "no")
    media: dict[str, object] = {"root": root} if (root := _env("IG_MEDIA_ROOT")) else {}
    # The sandbox serves its CDN on loopback: IG_TRUSTED_MEDIA_HOSTS=127.0.0.1 adds it to Instagram's CDNs.
    extra_hosts = [h.strip() for h in os.environ.get("IG_TRUSTED_MEDIA_HOSTS", "").split(",") if h.strip()]
    apify = {
        field: value
        for field, name in (("api_token", "APIFY_TOKEN"), ("base_url", "APIFY_BASE_URL"))
        if (value := _env(name))
    }
    # IG_FACE_MODEL_ROOT: an insightface pack the operator provides; unset: the bundled offline models.
    face_models = {
        field: value
        for field, name in (("model_root", "IG_FACE_MODEL_ROOT"), ("cache_dir", "IG_FACE_CACHE"))
        if (value := _env(name))
    }
    # OPENAI_API_KEY / OPENAI_BASE_URL (any OpenAI-compatible server) / IG_AI_MODEL;
    # unset: the heuristic provider.
    ai = {
        field: value
        for field, name in (
            ("api_key", "OPENAI_API_KEY"),
            ("base_url", "OPENAI_BASE_URL"),
            ("model", "IG_AI_MODEL"),
        )
        if (value := _env(name))
    }
    return {
        "ai": AIResource(**ai),
        "apify": ApifyInstagramClient(**apify),
        "database": DatabaseResource(**database, secret_key=dg.EnvVar("IG_SECRET_KEY")),
        "faces": FaceAnalysisResource(**face_models),
        "instagram": InstagramClientResource(**instagram, pacing=pacing),
        "media": MediaStore(**media, trusted_hosts=[*DEFAULT_TRUSTED_HOSTS, *extra_hosts]),
    }


# Each domain brings its assets, checks, jobs, schedules and sensors; the resources are shared.
defs = dg.Definitions.merge(
    network.defs,
    content.defs,
    discovery.defs,
    faces.defs,
    insights.defs,
    dg.Definitions(resources=_resources()),
)
