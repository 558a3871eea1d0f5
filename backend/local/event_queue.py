"""An EventBridge rule delivering to an SQS queue: how the local stack sees events at all.

moto's EventBridge fails on Lambda and Step Functions targets but delivers to SQS, so whatever
must receive events locally (the glue's handlers, a test, a benchmark) puts a rule with its
pattern in front of a queue of its own and reads the queue. Nothing here ships.
"""

from __future__ import annotations

import json
from typing import Any

TARGET_ID = "queue"


def route_to_queue(sqs: Any, events: Any, name: str, pattern: dict[str, Any],
                   queue_attributes: dict[str, str] | None = None) -> str:
    """Rule `name` on the default bus sends what matches `pattern` to SQS queue `name` (both created,
    or updated when they exist). Returns the queue's URL."""
    queue_url: str = sqs.create_queue(QueueName=name, Attributes=queue_attributes or {})["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    events.put_rule(Name=name, EventPattern=json.dumps(pattern), State="ENABLED")
    events.put_targets(Rule=name, Targets=[{"Id": TARGET_ID, "Arn": queue_arn}])
    return queue_url


def unroute(events: Any, name: str) -> None:
    """Remove rule `name` (its queue stays, with what it holds)."""
    events.remove_targets(Rule=name, Ids=[TARGET_ID])
    events.delete_rule(Name=name)


def take_events(sqs: Any, queue_url: str, wait_seconds: int = 1) -> list[dict[str, Any]]:
    """The events waiting on the queue (up to 10, long-polling `wait_seconds`), removed from it."""
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                   WaitTimeSeconds=wait_seconds).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(message["Body"]) for message in messages]
