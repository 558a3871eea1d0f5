"""The emulator keeps the DynamoDB guarantees our code rests on (backend/emulator.py), checked over
HTTP against the session's emulator: a write is all-or-nothing to any reader, as in DynamoDB."""

from __future__ import annotations

import sys
import threading
import uuid
from collections.abc import Iterator

import pytest

from backend.devstack import DevStack
from chalicelib.config import settings

ROUNDS = 150
ATTRIBUTES = {f"a{n}": {"S": f"value {n}"} for n in range(12)}


@pytest.fixture
def frequent_thread_switches() -> Iterator[None]:
    """The emulator's threads run in this process: switch often, so a torn write shows if it can."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_a_reader_never_sees_an_update_half_applied(stack: DevStack, frequent_thread_switches: None) -> None:
    # GIVEN an update that creates an item with 12 attributes, and a reader polling that key meanwhile
    dynamodb, table = stack.client("dynamodb"), settings().submissions_table
    torn: list[dict[str, object]] = []
    for _ in range(ROUNDS):
        key = {"submissionId": {"S": f"emulator-{uuid.uuid4().hex}"}}
        done = threading.Event()

        def read(key: dict[str, dict[str, str]] = key, done: threading.Event = done) -> None:
            while True:
                finished = done.is_set()
                item = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
                if item is not None:
                    if len(item) != len(ATTRIBUTES) + 1:
                        torn.append(item)
                    return
                if finished:
                    return

        reader = threading.Thread(target=read)
        reader.start()
        # WHEN the update lands
        dynamodb.update_item(
            TableName=table, Key=key,
            UpdateExpression="SET " + ", ".join(f"{name} = :{name}" for name in ATTRIBUTES),
            ExpressionAttributeValues={f":{name}": value for name, value in ATTRIBUTES.items()},
        )
        done.set()
        reader.join()
    # THEN the reader saw no item, or all of it
    assert torn == [], f"{len(torn)} of {ROUNDS} reads saw a partial item, e.g. {torn[0]}"
