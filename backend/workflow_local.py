"""The event-driven half of the local stack: only what the emulator cannot do, done in the open.

moto runs the state machine for real (its Step Functions interpreter executes the generated
definition against its DynamoDB), but it cannot run Lambda code without Docker, its EventBridge
fails on Lambda or Step Functions targets, and it emits no execution status-change events. This
process, started by DevStack with the emulator's environment and the stage's variables (as
`chalice local` gets them), fills exactly those gaps:

1. It registers the checked-in definition (workflow/customers-workflow.asl.json), names filled in
   as CloudFormation's DefinitionSubstitutions would, with moto's interpreter, under the stage's
   state machine name. (moto's CloudFormation puts state machines where its interpreter does not
   look, and fails on the template's event archive, so workflow.json itself is not deployed here.)
2. For every `on_cw_event` handler of the Chalice app it puts a rule with the handler's own
   pattern on the default bus, targeting an SQS queue, and hands each delivered event to the
   handler, as Lambda would: one event at a time, a failed event retried twice, then dropped.
3. It watches the state machine's executions and puts on the default bus the "Step Functions
   Execution Status Change" events AWS would send, where the rules of (2) pick them up.

So the API publishes, moto's EventBridge matches the patterns, and our handlers and the state
machine run unchanged. Nothing here ships: the Lambda bundle is app.py and chalicelib/.

Alone (with AWS_ENDPOINT_URL etc. set): python -m backend.workflow_local --stage local
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.events import EXECUTION_STATUS_CHANGE, STATES_SOURCE

ROOT = Path(__file__).resolve().parent.parent
POLL_SECONDS = 0.05  # how often the execution watcher looks
MAX_ATTEMPTS = 3  # Lambda's asynchronous invocation: the first try and two retries
RETRY_AFTER_SECONDS = 1  # the queue's visibility timeout: when a failed event comes back

log = logging.getLogger("workflow-local")


@dataclass(frozen=True)
class EventHandler:
    name: str
    pattern: dict[str, Any]
    function: Callable[[dict[str, Any], Any], Any]


def load_app(stage: str) -> Any:
    """The Chalice app, imported the way `chalice local` imports it: stage variables set first."""
    from chalice.cli.factory import CLIFactory

    factory = CLIFactory(project_dir=str(ROOT), environ=os.environ)
    return factory.create_config_obj(chalice_stage_name=stage).chalice_app


def event_handlers(app: Any) -> list[EventHandler]:
    from chalice.app import CloudWatchEventConfig

    return [EventHandler(source.name, source.event_pattern, app.handler_map[source.name])
            for source in app.event_sources if isinstance(source, CloudWatchEventConfig)]


def _client(service: str) -> Any:
    from chalicelib.aws import client

    return client(service)  # the app's own clients: same endpoint, region and credentials


def _millis(moment: datetime | None) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


def status_change_event(execution: dict[str, Any], status: str) -> dict[str, Any]:
    """A PutEvents entry shaped like the event Step Functions sends (detail fields and all)."""
    final = status != "RUNNING"
    output = execution.get("output") if final else None
    detail = {
        "executionArn": execution["executionArn"],
        "stateMachineArn": execution["stateMachineArn"],
        "name": execution["name"],
        "status": status,
        "startDate": _millis(execution.get("startDate")),
        "stopDate": _millis(execution.get("stopDate")) if final else None,
        "input": execution.get("input"),
        "output": output,
        "inputDetails": {"included": True},
        "outputDetails": {"included": True} if output is not None else None,
        "error": execution.get("error") if final else None,
        "cause": execution.get("cause") if final else None,
    }
    return {
        "Source": STATES_SOURCE,
        "DetailType": EXECUTION_STATUS_CHANGE,
        "Resources": [execution["executionArn"]],
        "Detail": json.dumps(detail),
    }


class LocalWorkflow:
    def __init__(self, app: Any, stage: str) -> None:
        from chalicelib.config import settings

        self._app = app
        self._stage = stage
        self._settings = settings()
        identity = _client("sts").get_caller_identity()
        self._account: str = identity["Account"]
        self._region: str = _client("sts").meta.region_name
        self._handlers = event_handlers(app)
        self._stop = threading.Event()
        self._invoke_lock = threading.Lock()  # one event at a time: one warm Lambda container
        self._threads: list[threading.Thread] = []
        self.state_machine_arn = (
            f"arn:aws:states:{self._region}:{self._account}:stateMachine:{self._settings.workflow_name}"
        )

    # -- 1. the state machine ------------------------------------------------------------
    def register_state_machine(self) -> None:
        from workflow.definition import load

        definition = load({
            "CustomersTableName": self._settings.customers_table,
            "SubmissionsTableName": self._settings.submissions_table,
        })
        role = f"arn:aws:iam::{self._account}:role/{self._settings.workflow_name}-local"
        sfn = _client("stepfunctions")
        try:
            sfn.update_state_machine(stateMachineArn=self.state_machine_arn, definition=definition,
                                     roleArn=role)
        except ClientError as error:
            if error.response["Error"]["Code"] != "StateMachineDoesNotExist":
                raise
            sfn.create_state_machine(name=self._settings.workflow_name, definition=definition,
                                     roleArn=role, type="STANDARD")
        log.info("state machine %s registered with the emulator's interpreter", self.state_machine_arn)

    # -- 2. EventBridge rule -> SQS -> handler -------------------------------------------
    def _subscribe(self, handler: EventHandler) -> str:
        sqs, events = _client("sqs"), _client("events")
        queue_name = f"{self._app.app_name}-{self._stage}-{handler.name}"
        queue_url: str = sqs.create_queue(
            QueueName=queue_name, Attributes={"VisibilityTimeout": str(RETRY_AFTER_SECONDS)}
        )["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        events.put_rule(Name=queue_name, EventPattern=json.dumps(handler.pattern), State="ENABLED")
        events.put_targets(Rule=queue_name, Targets=[{"Id": "local-lambda", "Arn": queue_arn}])
        log.info("rule %s -> %s: %s", queue_name, handler.name, json.dumps(handler.pattern))
        return queue_url

    def _context(self, handler: EventHandler) -> Any:
        from chalice.local import LambdaContext

        function_name = f"{self._app.app_name}-{self._stage}-{handler.name}"
        context = LambdaContext(function_name, memory_size=512, max_runtime_ms=60_000)
        context.invoked_function_arn = (
            f"arn:aws:lambda:{self._region}:{self._account}:function:{function_name}"
        )
        return context

    def _invoke(self, handler: EventHandler, event: dict[str, Any]) -> None:
        # moto's delivered events lack `account`; Lambda always gets the full envelope.
        event.setdefault("account", self._account)
        event.setdefault("region", self._region)
        event.setdefault("resources", [])
        with self._invoke_lock:
            handler.function(event, self._context(handler))

    def _deliver(self, handler: EventHandler, queue_url: str) -> None:
        sqs = _client("sqs")
        while not self._stop.is_set():
            try:
                messages = sqs.receive_message(
                    QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                    MessageSystemAttributeNames=["ApproximateReceiveCount"],
                ).get("Messages", [])
            except Exception:
                log.exception("receiving %s's events failed; trying again", handler.name)
                self._stop.wait(RETRY_AFTER_SECONDS)
                continue
            for message in messages:
                attempt = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
                try:
                    self._invoke(handler, json.loads(message["Body"]))
                except Exception:
                    if attempt < MAX_ATTEMPTS:
                        log.exception("%s failed (attempt %d); retrying in %d s", handler.name, attempt,
                                      RETRY_AFTER_SECONDS)
                        continue
                    log.exception("%s failed %d times; event dropped", handler.name, attempt)
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])

    # -- 3. execution status changes -----------------------------------------------------
    def _watch_executions(self) -> None:
        sfn, events = _client("stepfunctions"), _client("events")
        announced: dict[str, str] = {}  # execution ARN -> the last status announced
        while not self._stop.wait(POLL_SECONDS):
            try:
                self._announce_changes(sfn, events, announced)
            except Exception:
                log.exception("watching executions failed; trying again")

    def _announce_changes(self, sfn: Any, events: Any, announced: dict[str, str]) -> None:
        for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=self.state_machine_arn):
            for summary in page["executions"]:
                arn, status = summary["executionArn"], summary["status"]
                if announced.get(arn) == status:
                    continue
                execution = sfn.describe_execution(executionArn=arn)
                # Like Step Functions: RUNNING first, however quickly the execution ended.
                pending = ["RUNNING"] if arn not in announced else []
                pending += [status] if status != "RUNNING" else []
                entries = [status_change_event(execution, s) for s in pending]
                response = events.put_events(Entries=entries)
                if response.get("FailedEntryCount"):
                    raise RuntimeError(f"put_events refused a status change: {response['Entries']}")
                announced[arn] = status

    # -- running -------------------------------------------------------------------------
    def start(self) -> LocalWorkflow:
        self.register_state_machine()
        for handler in self._handlers:
            queue_url = self._subscribe(handler)
            self._spawn(f"deliver-{handler.name}", functools.partial(self._deliver, handler, queue_url))
        self._spawn("watch-executions", self._watch_executions)
        return self

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="local")
    parser.add_argument("--ready-file", type=Path, help="touched once events flow")
    args = parser.parse_args()
    logging.basicConfig(format="workflow-local: %(message)s")
    log.setLevel(logging.INFO)

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    workflow = LocalWorkflow(load_app(args.stage), args.stage).start()
    if args.ready_file:
        args.ready_file.touch()
    log.info("delivering events to the app's handlers; the API's submissions now run")
    while not stopping.wait(0.5):
        pass
    workflow.stop()


if __name__ == "__main__":
    main()
