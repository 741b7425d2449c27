"""`ig_cli.launch`: runs created from a code location's remote job, launched by the instance's run
launcher, carry the code location's origin (and a sensor's, for a sensor's request), unlike
`execute_in_process`; their outcome is read back from the run's events."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.tags import REPOSITORY_LABEL_TAG

from ig_cli.launch import IN_PROCESS, code_location

LOCATION = "launch_test"
DEFINITIONS = """
import os

import dagster as dg

letters = dg.StaticPartitionsDefinition(["a", "b", "c"])


@dg.asset(partitions_def=letters)
def letter(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    if context.partition_key == "b":
        raise dg.Failure(description="b is refused")
    if context.partition_key == "c":
        os._exit(3)  # the run worker dies: no step reports it
    return dg.MaterializeResult(metadata={"letter": context.partition_key, "count": 2})


@dg.asset_check(asset=letter)
def letter_is_small(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False)


letter_job = dg.define_asset_job(
    "letter_job", selection=dg.AssetSelection.assets(letter), partitions_def=letters
)


@dg.sensor(job=letter_job)
def letter_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    return dg.SensorResult(run_requests=[dg.RunRequest(partition_key="a", run_key="a:1")])


defs = dg.Definitions(
    assets=[letter], asset_checks=[letter_is_small], jobs=[letter_job], sensors=[letter_sensor]
)
"""


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        yield instance


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    code = tmp_path / "code"
    code.mkdir()
    (code / "launch_defs.py").write_text(DEFINITIONS)
    (code / "workspace.yaml").write_text(
        textwrap.dedent(f"""\
            load_from:
              - python_module:
                  module_name: launch_defs
                  working_directory: .
                  location_name: {LOCATION}
            """)
    )
    return code / "workspace.yaml"


def test_launched_runs_carry_the_code_location_and_the_sensor_and_report_their_outcome(
    instance: dg.DagsterInstance, workspace: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    with code_location(instance, workspace, LOCATION) as launcher:
        plain = launcher.run("letter_job", partition_key="a", run_config=IN_PROCESS, tags={"ig/x": "1"})
        by_sensor = launcher.run(
            "letter_job",
            partition_key="a",
            run_config=IN_PROCESS,
            tags={"ig/trigger": "letter_sensor"},
            sensor_name="letter_sensor",
            run_key="a:1",
        )
        refused = launcher.run("letter_job", partition_key="b", run_config=IN_PROCESS)
        died = launcher.run("letter_job", partition_key="c", run_config=IN_PROCESS)
        label = (
            launcher.repository.get_sensor("letter_sensor").get_remote_origin().repository_origin.get_label()
        )

    # The code server and the run workers leave the command's standard output to the command.
    assert capfd.readouterr().out == ""
    # Every run belongs to the code location, as a run the UI or a daemon launched.
    runs = instance.get_runs()
    assert len(runs) == 4
    for run in runs:
        assert run.remote_job_origin is not None, run.run_id
        assert run.remote_job_origin.location_name == LOCATION
        assert run.tags["dagster/partition"] in "abc"
    # the label the UI filters a code location's runs by
    assert len(instance.get_runs(dg.RunsFilter(tags={REPOSITORY_LABEL_TAG: label}))) == 4
    # The sensor's Runs tab asks for the runs with its name in its repository: exactly its run.
    sensor_runs = instance.get_runs(
        dg.RunsFilter(tags={"dagster/sensor_name": "letter_sensor", REPOSITORY_LABEL_TAG: label})
    )
    assert [r.run_id for r in sensor_runs] == [by_sensor.run_id]
    assert sensor_runs[0].tags["dagster/run_key"] == "a:1"
    assert sensor_runs[0].tags["ig/trigger"] == "letter_sensor"

    assert plain.success
    assert plain.materializations == [("letter", {"letter": "a", "count": 2})]
    assert plain.checks == [("letter_is_small", False)]
    assert plain.failed_checks == ["letter_is_small"]
    assert plain.step_failure is None
    assert plain.failed_steps == []
    assert plain.run_errors == []
    assert plain.seconds >= 0
    assert plain.wall_seconds >= 0

    assert not refused.success
    assert refused.status == dg.DagsterRunStatus.FAILURE
    assert refused.step_failure == "b is refused"
    assert refused.failed_steps == ["letter"]
    assert refused.materializations == []
    assert refused.run_errors == []

    # A run worker that died is a failed run with the run's own error, not a step's.
    assert died.status == dg.DagsterRunStatus.FAILURE
    assert died.step_failure is None
    assert died.failed_steps == []
    assert died.run_errors, "the run's failure names what happened"


def test_an_unknown_job_or_sensor_is_refused_before_a_run_exists(
    instance: dg.DagsterInstance, workspace: Path
) -> None:
    with code_location(instance, workspace, LOCATION) as launcher:
        with pytest.raises(dg.DagsterInvariantViolationError, match="no job nope_job"):
            launcher.submit("nope_job", partition_key="a")
        with pytest.raises(Exception, match="nope_sensor"):
            launcher.submit("letter_job", partition_key="a", sensor_name="nope_sensor")
    assert instance.get_runs() == []


def test_execute_in_process_runs_have_no_origin(instance: dg.DagsterInstance) -> None:
    """Why the demo launches: an in-process run belongs to no code location (what the UI missed)."""

    @dg.asset
    def x() -> None: ...

    result = dg.materialize([x], instance=instance)
    assert result.dagster_run.remote_job_origin is None
