"""Alembic environment: runs against the engine handed over in `config.attributes["engine"]`,
or `IG_DATABASE_URL` when Alembic is driven from its own command line."""

from __future__ import annotations

import os

from alembic import context

from ig_resources.database.engine import default_database_url, engine_for
from ig_resources.database.models import Base

config = context.config
engine = config.attributes.get("engine") or engine_for(
    os.environ.get("IG_DATABASE_URL") or default_database_url()
)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
