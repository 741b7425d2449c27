"""Every command that names an account takes it as a person types it: `@Hana`, ` hana `, `HANA`."""

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from ig_cli.main import cli
from ig_resources.database import DatabaseResource
from ig_resources.instagram.session import SessionCookies


@pytest.fixture
def env(database: DatabaseResource, monkeypatch: pytest.MonkeyPatch) -> DatabaseResource:
    monkeypatch.setenv("IG_DATABASE_URL", database.url)
    monkeypatch.setenv("IG_SECRET_KEY", database.secret_key or "")
    database.migrate()
    database.accounts.register(
        "hana", SessionCookies(cookies={"sessionid": "1%3Aabc", "csrftoken": "t", "ds_user_id": "1"})
    )
    return database


@pytest.mark.parametrize("typed", ["@Hana", " hana ", "HANA"])
def test_resume_source_and_remove_take_the_username_as_typed(env: DatabaseResource, typed: str) -> None:
    account = env.accounts.get("hana")
    env.accounts.record_health(
        account.id, cooldown_until=datetime.now(UTC) + timedelta(hours=1), reason="429"
    )
    runner = CliRunner()
    resumed = runner.invoke(cli, ["accounts", "resume", typed])
    assert resumed.exit_code == 0, resumed.output
    assert env.accounts.get("hana").cooldown_until is None
    source = runner.invoke(cli, ["accounts", "source", typed, "apify"])
    assert source.exit_code == 0, source.output
    assert env.accounts.get("hana").content_source == "apify"
    removed = runner.invoke(cli, ["accounts", "remove", typed])
    assert removed.exit_code == 0, removed.output
    assert [a.username for a in env.accounts.all()] == []


def test_an_empty_username_is_refused_by_name(env: DatabaseResource) -> None:
    result = CliRunner().invoke(cli, ["accounts", "resume", " @ "])
    assert result.exit_code == 2
    assert "an Instagram username is needed" in result.output
