"""The event-driven half of the local stack: only what the emulator cannot do, done in the open.

moto runs the state machine for real (its Step Functions interpreter executes the generated
definition against its DynamoDB), but it cannot run Lambda code without Docker, its EventBridge
fails on Lambda or Step Functions targets, and it fires no schedules. (Its missing execution
status-change events are put by the emulator itself, as Step Functions would: backend/local/emulator.py.)
This process, started by DevStack with the emulator's environment and the stage's variables (as
`chalice local` gets them), fills exactly those gaps, for whatever handlers the Chalice app
declares:

1. It registers the checked-in definition (workflow/customers-workflow.asl.json), names filled in
   as CloudFormation's DefinitionSubstitutions would, with moto's interpreter, under the stage's
   state machine name. (moto's CloudFormation puts state machines where its interpreter does not
   look, and fails on the template's event archive, so workflow.json itself is not deployed here.)
2. For every `on_cw_event` handler it puts a rule with the handler's own pattern on the default
   bus, targeting an SQS queue, and hands each delivered event to the handler as Lambda's
   asynchronous invocation would: a failed event is retried twice, then sent to the handler's
   on-failure destination, the SQS queue `<app>-<stage>-<handler>-dlq`, in the record format
   Lambda uses. Nothing is dropped.
3. It runs every `@app.schedule` function every LOCAL_SCHEDULE_SECONDS (5) with a Scheduled Event,
   whatever its expression: "every minute" becomes every few seconds locally.

Handlers run one at a time in this process, as in one warm Lambda container each (and the app's
log context is per process). Nothing here ships: the Lambda bundle is app.py and chalicelib/.

Alone (with AWS_ENDPOINT_URL etc. set): python -m backend.local.glue --stage local
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import signal
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from backend.local.event_queue import route_to_queue
from backend.local.lambda_events import LambdaContext

ROOT = Path(__file__).resolve().parents[2]
MAX_ATTEMPTS = 3  # Lambda's asynchronous invocation: the first try and two retries
RETRY_AFTER_SECONDS = 1  # the queue's visibility timeout: when a failed event comes back
DEFAULT_SCHEDULE_SECONDS = 5.0

log = logging.getLogger("workflow-local")


@dataclass(frozen=True)
class LambdaHandler:
    name: str
    function: Callable[[dict[str, Any], Any], Any]
    pattern: dict[str, Any] | None = None  # an `on_cw_event` handler's; None for a schedule


def load_app(stage: str) -> Any:
    """The Chalice app, imported the way `chalice local` imports it: stage variables set first."""
    from chalice.cli.factory import CLIFactory

    factory = CLIFactory(project_dir=str(ROOT), environ=os.environ)
    return factory.create_config_obj(chalice_stage_name=stage).chalice_app


def event_handlers(app: Any) -> list[LambdaHandler]:
    from chalice.app import CloudWatchEventConfig

    return [LambdaHandler(source.name, app.handler_map[source.name], source.event_pattern)
            for source in app.event_sources if isinstance(source, CloudWatchEventConfig)]


def scheduled_handlers(app: Any) -> list[LambdaHandler]:
    from chalice.app import ScheduledEventConfig

    return [LambdaHandler(source.name, app.handler_map[source.name])
            for source in app.event_sources if isinstance(source, ScheduledEventConfig)]


def _describe(pattern: dict[str, Any] | None) -> str:
    """A rule's pattern, short enough for a line of `make dev`'s output."""
    kinds = (pattern or {}).get("detail-type") or (pattern or {}).get("source") or ["all"]
    return " / ".join(str(kind) for kind in kinds)


def schedule_seconds() -> float:
    return float(os.environ.get("LOCAL_SCHEDULE_SECONDS") or DEFAULT_SCHEDULE_SECONDS)


@functools.cache
def _client(service: str) -> Any:
    """The glue's own client (the handlers use the app's): it stands in for AWS's machinery, so it
    waits as long as the emulator takes. Registering a large state machine makes moto parse its
    ASL, which took over 5 s on a busy machine. AWS_ENDPOINT_URL points it at the emulator."""
    from botocore.config import Config

    from chalicelib.aws import new_session

    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    config = Config(read_timeout=60, connect_timeout=5, retries={"mode": "standard", "total_max_attempts": 3},
                    max_pool_connections=16)
    return new_session().create_client(service, region_name=region, config=config)


def _iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def scheduled_event(account: str, region: str, rule_arn: str) -> dict[str, Any]:
    """The event EventBridge hands a scheduled Lambda function."""
    return {
        "version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event",
        "source": "aws.events", "account": account, "time": _iso_now(), "region": region,
        "resources": [rule_arn], "detail": {},
    }


def failure_record(event: dict[str, Any], function_arn: str, attempts: int,
                   error: BaseException) -> dict[str, Any]:
    """What Lambda sends an asynchronous invocation's on-failure destination once retries are spent."""
    return {
        "version": "1.0",
        "timestamp": _iso_now(),
        "requestContext": {"requestId": str(uuid.uuid4()), "functionArn": f"{function_arn}:$LATEST",
                           "condition": "RetriesExhausted", "approximateInvokeCount": attempts},
        "requestPayload": event,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorMessage": str(error), "errorType": type(error).__name__,
                            "stackTrace": traceback.format_tb(error.__traceback__)},
    }


class LocalWorkflow:
    def __init__(self, app: Any, stage: str, schedule_every: float | None = None) -> None:
        from chalicelib.config import read_settings

        self._app = app
        self._stage = stage
        self._settings = read_settings()
        identity = _client("sts").get_caller_identity()
        self._account: str = identity["Account"]
        self._region: str = _client("sts").meta.region_name
        self._schedule_every = schedule_every if schedule_every is not None else schedule_seconds()
        self._stop = threading.Event()
        self._invoke_lock = threading.Lock()  # one event at a time: one warm Lambda container
        self._threads: list[threading.Thread] = []
        self.state_machine_arn = (
            f"arn:aws:states:{self._region}:{self._account}:stateMachine:{self._settings.workflow_name}"
        )

    def function_name(self, handler: LambdaHandler) -> str:
        return f"{self._app.app_name}-{self._stage}-{handler.name}"

    def dead_letter_queue_name(self, handler: LambdaHandler) -> str:
        return f"{self.function_name(handler)}-dlq"

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
        log.info("state machine %s registered with the emulator's interpreter",
                 self._settings.workflow_name)

    # -- 2. EventBridge rule -> SQS -> handler, failures -> its dead-letter queue --------
    def _subscribe(self, handler: LambdaHandler) -> tuple[str, str]:
        """Returns the URLs of the handler's event queue and of its dead-letter queue."""
        queue_name = self.function_name(handler)
        queue_url = route_to_queue(_client("sqs"), _client("events"), queue_name, handler.pattern or {},
                                   queue_attributes={"VisibilityTimeout": str(RETRY_AFTER_SECONDS)})
        dead_letter_url: str = _client("sqs").create_queue(
            QueueName=self.dead_letter_queue_name(handler))["QueueUrl"]
        log.info("%s <- %s events (rule %s; failures go to %s)", handler.name, _describe(handler.pattern),
                 queue_name, self.dead_letter_queue_name(handler))
        return queue_url, dead_letter_url

    def _function_arn(self, handler: LambdaHandler) -> str:
        return f"arn:aws:lambda:{self._region}:{self._account}:function:{self.function_name(handler)}"

    def _context(self, handler: LambdaHandler) -> LambdaContext:
        return LambdaContext(self.function_name(handler), region=self._region, account=self._account,
                             timeout_ms=60_000)

    def _invoke(self, handler: LambdaHandler, event: dict[str, Any]) -> None:
        # moto's delivered events lack `account`; Lambda always gets the full envelope.
        event.setdefault("account", self._account)
        event.setdefault("region", self._region)
        event.setdefault("resources", [])
        with self._invoke_lock:
            handler.function(event, self._context(handler))

    def _deliver(self, handler: LambdaHandler, queue_url: str, dead_letter_url: str) -> None:
        sqs = _client("sqs")
        while not self._stop.is_set():
            try:
                messages = sqs.receive_message(
                    QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                    MessageSystemAttributeNames=["ApproximateReceiveCount"],
                ).get("Messages", [])
                for message in messages:
                    if self._handled(handler, message, dead_letter_url):
                        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            except Exception:
                log.exception("delivering %s's events failed; trying again", handler.name)
                self._stop.wait(RETRY_AFTER_SECONDS)

    def _handled(self, handler: LambdaHandler, message: dict[str, Any], dead_letter_url: str) -> bool:
        """Invoke the handler. False: it failed and the message comes back for another attempt;
        after the last attempt the event goes to the dead-letter queue instead."""
        attempt = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
        event = json.loads(message["Body"])
        try:
            self._invoke(handler, event)
        except Exception as error:
            if attempt < MAX_ATTEMPTS:
                log.warning("%s failed (attempt %d of %d: %r); retrying in %d s", handler.name, attempt,
                            MAX_ATTEMPTS, error, RETRY_AFTER_SECONDS)
                return False
            log.exception("%s failed %d times; event sent to %s", handler.name, attempt,
                          self.dead_letter_queue_name(handler))
            record = failure_record(event, self._function_arn(handler), attempt, error)
            _client("sqs").send_message(QueueUrl=dead_letter_url, MessageBody=json.dumps(record))
        return True

    # -- 3. schedules --------------------------------------------------------------------
    def _run_on_schedule(self, handler: LambdaHandler) -> None:
        rule_arn = f"arn:aws:events:{self._region}:{self._account}:rule/{self.function_name(handler)}-event"
        while not self._stop.wait(self._schedule_every):
            try:
                self._invoke(handler, scheduled_event(self._account, self._region, rule_arn))
            except Exception:  # the next period is the retry
                log.exception("scheduled %s failed", handler.name)

    # -- running -------------------------------------------------------------------------
    def start(self) -> LocalWorkflow:
        """Returns once every rule, poller and schedule runs."""
        self.register_state_machine()
        for handler in event_handlers(self._app):
            queue_url, dead_letter_url = self._subscribe(handler)
            self._spawn(f"deliver-{handler.name}",
                        functools.partial(self._deliver, handler, queue_url, dead_letter_url))
        for handler in scheduled_handlers(self._app):
            log.info("%s <- a Scheduled Event every %g s (LOCAL_SCHEDULE_SECONDS)", handler.name,
                     self._schedule_every)
            self._spawn(f"schedule-{handler.name}", functools.partial(self._run_on_schedule, handler))
        return self

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        """Within about a second: each poller notices between two long polls."""
        self._stop.set()
        deadline = time.monotonic() + 3
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))


def main() -> None:
    from backend.local.devstack import exit_with_parent
    from backend.local.gc_tuning import collect_garbage_less_often

    collect_garbage_less_often()

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", default="local")
    parser.add_argument("--ready-file", type=Path, help="created once events flow")
    parser.add_argument("--start-when", type=Path, help="start once this file exists (resources provisioned)")
    args = parser.parse_args()
    logging.basicConfig(format="workflow-local: %(message)s")
    log.setLevel(logging.INFO)

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    exit_with_parent(stopping.set)
    app = load_app(args.stage)  # the slow part (imports) runs while DevStack provisions
    while args.start_when and not args.start_when.exists():
        if stopping.wait(0.05):
            return
    workflow = LocalWorkflow(app, args.stage).start()
    if args.ready_file:
        args.ready_file.touch()
    log.info("ready: events flow to the app's handlers")
    stopping.wait()
    workflow.stop()


if __name__ == "__main__":
    main()
