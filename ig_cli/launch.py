"""Runs launched as a deployment launches them, from a command (the demo).

`code_location(instance)` loads the workspace (`workspace.yaml`: the `ig_pipeline` code location,
served by a gRPC code server as `dagster dev` serves it). A run is created from the remote job, so
it carries the code location's origin (`remote_job_origin`, the `.dagster/repository` label): the
UI's timeline, the job's and the sensor's Runs tabs list it, re-execution works, and run-status
sensors and run retries see it, none of which holds for `execute_in_process`. The instance's run
launcher (the DefaultRunLauncher: a run worker process started by the code server) executes it.

The command is its own coordinator: it launches each run at once and waits for it, one at a time,
so the queue's limits (one run per account partition) hold by construction, and a daemon that
happens to run beside it never dequeues these runs (they are never QUEUED).

A run a sensor's request started carries what the sensor daemon gives it: the sensor's name
(`dagster/sensor_name`), the request's run key and tags.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, chdir, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg

PROJECT_ROOT = Path(__file__).resolve().parents[1]
WORKSPACE_FILE = PROJECT_ROOT / "workspace.yaml"
LOCATION_NAME = "ig_pipeline"
#: the run config that keeps a run's steps in its run worker, one after the other (as the demo ran them)
IN_PROCESS = {"execution": {"config": {"in_process": {}}}}


@dataclass
class Outcome:
    """What a finished run did: its status and time, its materializations' metadata in order, its
    asset checks, its failed steps (with the first one's `dg.Failure` description), and errors of
    the run itself (a launch that failed, a run worker that died) that no step reports."""

    run_id: str
    job_name: str
    status: dg.DagsterRunStatus
    #: the run's own time, from its start to its end (as the UI shows it)
    seconds: float
    #: from submission to the end, with the run worker's start
    wall_seconds: float
    materializations: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: (check name, passed) of every asset check evaluated
    checks: list[tuple[str, bool]] = field(default_factory=list)
    #: the description of the first failed step's `dg.Failure` (None for another exception)
    step_failure: str | None = None
    failed_steps: list[str] = field(default_factory=list)
    run_errors: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.status == dg.DagsterRunStatus.SUCCESS

    @property
    def failed_checks(self) -> list[str]:
        return [name for name, passed in self.checks if not passed]


class Launcher:
    """Creates runs of the code location's jobs, launches them and waits for them."""

    def __init__(self, instance: dg.DagsterInstance, workspace: Any, location_name: str) -> None:
        self.instance = instance
        self.workspace = workspace  # a WorkspaceRequestContext
        self.location = workspace.get_code_location(location_name)
        (self.repository,) = self.location.get_repositories().values()

    def submit(
        self,
        job_name: str,
        *,
        partition_key: str | None = None,
        run_config: Mapping[str, Any] | None = None,
        tags: Mapping[str, str] | None = None,
        sensor_name: str | None = None,
        run_key: str | None = None,
    ) -> str:
        """Create a run of `job_name` with the remote job's origin and launch it; returns its id.
        With `sensor_name` (a sensor of the code location), the run is the sensor's, as the sensor
        daemon creates it for a request with `run_key`."""
        from dagster._core.definitions.selector import JobSubsetSelector
        from dagster._core.storage.tags import PARTITION_NAME_TAG, RUN_KEY_TAG

        if not self.repository.has_job(job_name):
            raise dg.DagsterInvariantViolationError(
                f"no job {job_name} in code location {self.location.name}"
            )
        remote_job = self.location.get_job(
            JobSubsetSelector(
                location_name=self.location.name,
                repository_name=self.repository.name,
                job_name=job_name,
                op_selection=None,
            )
        )
        config = dict(run_config or {})
        plan = self.location.get_execution_plan(
            remote_job, config, step_keys_to_execute=None, known_state=None, instance=self.instance
        )
        run_tags = {**(remote_job.run_tags or {}), **(tags or {})}
        if partition_key is not None:
            run_tags[PARTITION_NAME_TAG] = partition_key
        if sensor_name is not None:
            sensor = self.repository.get_sensor(sensor_name)  # raises for an unknown sensor
            run_tags.update(dg.DagsterRun.tags_for_sensor(sensor))
            if run_key:
                run_tags[RUN_KEY_TAG] = run_key
        run = self.instance.create_run(
            job_name=job_name,
            run_id=None,
            run_config=config,
            resolved_op_selection=remote_job.resolved_op_selection,
            step_keys_to_execute=None,
            status=dg.DagsterRunStatus.NOT_STARTED,
            op_selection=None,
            root_run_id=None,
            parent_run_id=None,
            tags=run_tags,
            job_snapshot=remote_job.job_snapshot,
            execution_plan_snapshot=plan.execution_plan_snapshot,
            parent_job_snapshot=remote_job.parent_job_snapshot,
            remote_job_origin=remote_job.get_remote_origin(),
            job_code_origin=remote_job.get_python_origin(),
            asset_selection=None,
            asset_check_selection=None,
            asset_graph=self.repository.asset_graph,
        )
        # A launch that fails has recorded its error (an engine event) and failed the run:
        # wait() reports it with the run's outcome, as for any run.
        with suppress(Exception):
            self.instance.launch_run(run.run_id, self.workspace)
        return run.run_id

    def wait(self, run_id: str, *, poll_seconds: float = 0.1, submitted_at: float | None = None) -> Outcome:
        """Wait until the run has finished (however long it takes), then read what it did."""
        started = time.perf_counter() if submitted_at is None else submitted_at
        while True:
            record = self.instance.get_run_record_by_id(run_id)
            if record is None:
                raise dg.DagsterInvariantViolationError(f"run {run_id} is gone")
            if record.dagster_run.is_finished:
                break
            time.sleep(poll_seconds)
        wall = time.perf_counter() - started
        run = record.dagster_run
        seconds = record.end_time - record.start_time if record.start_time and record.end_time else wall
        outcome = Outcome(
            run_id=run_id, job_name=run.job_name, status=run.status, seconds=seconds, wall_seconds=wall
        )
        _read_events(self.instance, outcome)
        return outcome

    def run(self, job_name: str, **kwargs: Any) -> Outcome:
        """`submit` and `wait`."""
        submitted_at = time.perf_counter()
        return self.wait(self.submit(job_name, **kwargs), submitted_at=submitted_at)


def _read_events(instance: dg.DagsterInstance, outcome: Outcome) -> None:
    from dagster._core.events import DagsterEventType, RunFailureReason

    kinds = {
        DagsterEventType.ASSET_MATERIALIZATION,
        DagsterEventType.ASSET_CHECK_EVALUATION,
        DagsterEventType.STEP_FAILURE,
        DagsterEventType.RUN_FAILURE,
        DagsterEventType.ENGINE_EVENT,
    }
    for entry in instance.all_logs(outcome.run_id, of_type=kinds):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.step_materialization_data.materialization
            metadata = {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
            outcome.materializations.append((materialization.asset_key.path[-1], metadata))
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.asset_check_evaluation_data
            outcome.checks.append((evaluation.check_name, evaluation.passed))
        elif event.event_type == DagsterEventType.STEP_FAILURE:
            data = event.step_failure_data
            if not outcome.failed_steps and data.user_failure_data is not None:
                outcome.step_failure = data.user_failure_data.description
            outcome.failed_steps.append(event.step_key or "")
        elif event.event_type == DagsterEventType.RUN_FAILURE:
            data = event.event_specific_data  # None when the code server failed a dead run worker
            # a step's failure is the step's (`step_failure`), not the run's own error
            if data is None or data.failure_reason != RunFailureReason.STEP_FAILURE:
                error = getattr(data, "error", None)
                outcome.run_errors.append((error.to_string() if error else event.message or "").strip())
        elif event.event_type == DagsterEventType.ENGINE_EVENT:
            error = getattr(event.event_specific_data, "error", None)
            if error is not None:
                outcome.run_errors.append(error.to_string().strip())


@contextmanager
def code_location(
    instance: dg.DagsterInstance,
    workspace_file: Path = WORKSPACE_FILE,
    location_name: str = LOCATION_NAME,
) -> Iterator[Launcher]:
    """The workspace's code location served by its own code server (started here, stopped on
    exit), with a launcher of its jobs' runs. The code server, and the run workers it starts, work
    in the workspace file's folder, as `ig-pipeline ui` runs `dagster dev` there: the file's
    `working_directory: .` means that folder."""
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import WorkspaceFileTarget

    with ExitStack() as stack:
        with chdir(workspace_file.resolve().parent):  # only while the code server is started
            process = stack.enter_context(
                WorkspaceProcessContext(
                    instance,
                    WorkspaceFileTarget(paths=[str(workspace_file.resolve())]),
                    # its start and stop messages would go to the command's standard output
                    code_server_log_level="WARNING",
                )
            )
        yield Launcher(instance, process.create_request_context(), location_name)
