"""The Definitions load, follow the naming conventions, and the production instance config is valid."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from definitions import defs

ROOT = Path(__file__).resolve().parents[1]


def test_definitions_are_loadable() -> None:
    dg.Definitions.validate_loadable(defs)


def test_names_follow_the_conventions() -> None:
    repo = defs.get_repository_def()
    assert {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()} >= {"follow_graph"}
    assert all(s.name.endswith("_sensor") for s in repo.sensor_defs)
    assert all(s.name.endswith("_schedule") for s in repo.schedule_defs)
    assert all(j.name.endswith("_job") or j.name.startswith("__") for j in repo.get_all_jobs())
    checks = {k.name for k in repo.asset_graph.asset_check_keys}
    assert checks == {"plausible_size", "follow_graph_unique_keys", "follow_graph_flags_consistent"}


@pytest.mark.slow
def test_cli_validates_the_workspace_against_the_production_instance(pg_url: str) -> None:
    """`dagster definitions validate -w workspace.yaml` in the project folder, which reads the
    production dagster.yaml there: PostgreSQL storage, queued runs, per-partition limits."""
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    name = f"igp_dagster_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_url)
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env.update(
        DAGSTER_PG_USER=url.username or "postgres",
        DAGSTER_PG_PASSWORD=url.password or "",
        DAGSTER_PG_HOST=url.host or "127.0.0.1",
        DAGSTER_PG_DB=name,
    )
    try:
        done = subprocess.run(
            [
                str(Path(sys.executable).with_name("dagster")),
                "definitions",
                "validate",
                "-w",
                "workspace.yaml",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Validation successful" in done.stdout + done.stderr
        with create_engine(url.set(database=name)).connect() as c:  # it really used PostgreSQL
            assert (
                c.execute(
                    text("SELECT count(*) FROM information_schema.tables WHERE table_name = 'runs'")
                ).scalar()
                == 1
            )
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
