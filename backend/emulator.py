"""What the in-process emulator (moto 5.2.5) needs so that our code meets AWS's guarantees there.

Applied by DevStack in its own process, where moto's server thread runs; each fix is measured:

- Step Functions' interpreter calls DynamoDB back at http://localhost:$MOTO_PORT (default 5000)
  from the server process itself, so that process needs MOTO_PORT, not only the children.
- moto's DynamoDB checks a ConditionExpression and then writes, with no lock, while its HTTP server
  answers each request on its own thread: two concurrent `attribute_not_exists(id)` puts of one
  key could both succeed (seen in 7 of 100 rounds of 20 concurrent puts, with a short thread switch
  interval). Its UpdateItem of a new key stores the bare key first and then applies the actions
  one by one on the stored item, so a concurrent GetItem read the bare key (110 of 150 rounds in
  tests/integration/test_emulator.py; in CI, a submission without a status was a 500), and a
  read that iterates while a write adds a key fails with "dictionary changed size". Real DynamoDB
  makes each request atomic, and our "never overwrites" and "every item is whole" rest on that,
  so every item read and write is serialised here. The price: a Query or Scan that walks a large
  table holds writes back for as long as it takes.
- moto's EventBridge builds a jsonpath parser (PLY) for each of eight paths, for every event and
  every target it is delivered to (~1.2 ms each): a put_events of two status changes cost 34-50 ms
  of CPU (14-26 ms memoised), and the workflow glue announces every status change that way. The
  parser is a pure function of the path: it is memoised here.
- The interpreter logs every error a Catch handles (a conditional check that failed, a missing
  item) with a full state dump; those are outcomes here, and describe_execution keeps the details.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

_ITEM_OPERATIONS = (
    "put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item",
    "get_item", "batch_get_item", "transact_get_items", "query", "scan",
)
_item_lock = threading.RLock()  # re-entrant: moto's batch and transaction calls use the single ones


def _serialised(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        with _item_lock:
            return method(*args, **kwargs)

    call.__serialised__ = True  # type: ignore[attr-defined]
    return call


def prepare(port: int) -> None:
    """Call before the emulator serves requests; safe to call again (a second DevStack)."""
    from moto.dynamodb.models import DynamoDBBackend

    os.environ["MOTO_PORT"] = str(port)
    for name in _ITEM_OPERATIONS:
        method = getattr(DynamoDBBackend, name)
        if not getattr(method, "__serialised__", False):
            setattr(DynamoDBBackend, name, _serialised(method))
    _memoise_jsonpath_parser()
    logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)


def _memoise_jsonpath_parser() -> None:
    # moto imports `parse` from jsonpath_ng.ext at each call, so replacing it there reaches moto.
    import jsonpath_ng.ext
    from jsonpath_ng.ext.parser import parse

    if vars(jsonpath_ng.ext).get("parse") is parse:
        vars(jsonpath_ng.ext)["parse"] = functools.lru_cache(maxsize=256)(parse)
