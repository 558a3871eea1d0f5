"""What the in-process emulator (moto 5.2.5) needs so that our code meets AWS's guarantees there.

Applied by DevStack in its own process, where moto's server thread runs; each fix is measured, and
each names the moto code it was written for (`written_for`, backend/local/upstream.py):

- Cognito's pool and client IDs are random unless moto is told to derive them (HASH): set here.
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
  of CPU (14-26 ms memoised), and every execution's status changes are put that way. The
  parser is a pure function of the path: it is memoised here.
- moto's Step Functions sends no "Execution Status Change" events, which AWS puts on the default
  bus when an execution starts and when it ends (the workflow's outcome handler rests on them).
  They are put here, in the emulator's process, at the two moments the interpreter reaches: no
  polling, so nothing grows with the executions that have run. (The workflow glue used to poll
  for them: each look described every unfinished execution, 5-10 ms of emulator CPU each, and
  after a burst of 1,000 it announced ends 80-100 s late.)
- Under a burst of executions the emulator's one process is the bottleneck (py-spy, 300
  submissions): per execution, moto's interpreter re-parsed the definition with ANTLR (15% of
  the process's samples) and created a new boto3 client for each task's call back to the emulator
  (10%), and per request its server scanned its package folder to route the request, under a
  lock (10%). All three are pure functions of their input: they are memoised here.
- moto answers a Query on a GSI by sorting every item of the table: backend/local/query_index.py
  keeps an index on write and hands moto's query only the items it needs (docs/lists.md).
- moto writes each attribute of each item of an answer through its model-driven serializer (a
  page of 25 items: most of the emulator's time per page): backend/local/item_json.py writes
  them directly, byte for byte the same JSON.
- Every request lists its response class's methods with `inspect.getmembers` to find the
  action's (~5% of the emulator's CPU under a batch import): a pure function of the class, memoised.
- moto's Cognito imports its one fixed private key (shipped with moto) from its JWK for every user
  pool it creates, which checks the RSA key: 0.15-0.3 CPU-s a pool, most of what making make dev's
  pool cost at each start. Only signing a token uses it: it is made once, at the first sign-in, and
  every pool shares it.
- moto's KMS generates an RSA-2048 private key for every key it creates, symmetric ones included,
  and DynamoDB creates one (the account's `aws/dynamodb` key) for a table with SSE: 40-100 ms of
  CPU at each start of the stack and in each functional test (~7% of theirs). Only asymmetric
  signing uses it: the key is made on first use.
- moto parses a ConditionExpression (or FilterExpression) again at every step that reads it: a
  conditional put parses it in the request handler (to check the names it uses) and again in the
  table (to evaluate it), about 0.13 ms each, a tenth of the emulator's CPU per put. The parse is
  a pure function of the expression and its names and values, and what it builds is only
  evaluated, never changed: memoised.
- moto keeps every model object it ever creates in a class-wide list (`instances_tracked`, read
  only by its /moto-api/data.json dashboard and its S3 reset): for DynamoDB, every item ever
  written, every item a write replaced or deleted, every copy a Query or Scan answered with, and
  every table ever deleted with all its items. The emulator's memory and every full garbage
  collection grew with the writes and reads it had served, not with the data. DynamoDB items and
  tables are not kept there (the dashboard lists none).
- The interpreter logs every error a Catch handles (a conditional check that failed, a missing
  item) with a full state dump; those are outcomes here, and describe_execution keeps the details.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from backend.local.upstream import written_for
from chalicelib.workflow.events import EXECUTION_STATUS_CHANGE, STATES_SOURCE

log = logging.getLogger(__name__)

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
    from backend.local import item_json, query_index

    os.environ["MOTO_PORT"] = str(port)
    # The local user pool's and app client's IDs derived from what creates them, not random: the
    # same at every start of `make dev` (backend/local/user_pool.py), so a pasted curl line or a
    # console left open keeps working across restarts.
    os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY", "HASH")
    os.environ.setdefault("MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY", "HASH")
    item_json.install()
    query_index.install()  # before the lock below wraps the operations it hooks (so it runs inside)
    _serialise_item_operations()
    _memoise_jsonpath_parser()
    _announce_status_changes()
    _memoise_definition_parsing()
    _reuse_interpreter_clients()
    _memoise_request_routing()
    _memoise_action_lookup()
    lighten_moto()
    read_json_templates_as_json()
    share_cognito_signing_key()
    logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)


@written_for("moto", "5.2.5", {
    "moto.dynamodb.models:DynamoDBBackend.put_item": "b043f1999f49",
    "moto.dynamodb.models:DynamoDBBackend.update_item": "f1d5d4acae8e",
    "moto.dynamodb.models:DynamoDBBackend.delete_item": "a03a3f819a3f",
    "moto.dynamodb.models:DynamoDBBackend.transact_write_items": "0b5c3b73cdcc",
    "moto.dynamodb.models:DynamoDBBackend.batch_write_item": "a97d6105c2ee",
    "moto.dynamodb.models:DynamoDBBackend.get_item": "ffddb28c9fe9",
    "moto.dynamodb.models:DynamoDBBackend.batch_get_item": "5ca0a4d5ea47",
    "moto.dynamodb.models:DynamoDBBackend.transact_get_items": "24b39dbaaa2b",
    "moto.dynamodb.models:DynamoDBBackend.query": "95f5c6220a93",
    "moto.dynamodb.models:DynamoDBBackend.scan": "4556ce911fb8",
})
def _serialise_item_operations() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in _ITEM_OPERATIONS:
        method = getattr(DynamoDBBackend, name)
        if not getattr(method, "__serialised__", False):
            setattr(DynamoDBBackend, name, _serialised(method))


@written_for("moto", "5.2.5", {"moto.events.utils:EventTemplateParser.parse": "316594ec2a68"})
@written_for("jsonpath-ng", "1.16.0", {"jsonpath_ng.ext.parser:parse": "8e8fc5e91980"})
def _memoise_jsonpath_parser() -> None:
    # moto imports `parse` from jsonpath_ng.ext at each call, so replacing it there reaches moto.
    import jsonpath_ng.ext
    from jsonpath_ng.ext.parser import parse

    if vars(jsonpath_ng.ext).get("parse") is parse:
        vars(jsonpath_ng.ext)["parse"] = functools.lru_cache(maxsize=256)(parse)


def status_change_event(execution: dict[str, Any], status: str) -> dict[str, Any]:
    """A PutEvents entry shaped like the event Step Functions sends, from a DescribeExecution."""
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


def _millis(moment: datetime | None) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


@written_for("moto", "5.2.5", {
    "moto.stepfunctions.parser.backend.execution:Execution.start": "1ab86e01d4ba",
    "moto.stepfunctions.parser.backend.execution:BaseExecutionWorkerCommunication.terminated": "60ae632ef979",
    "moto.stepfunctions.parser.backend.execution:Execution.to_describe_output": "f995eeb81249",
    "moto.events.models:EventsBackend.put_events": "1b8bc624872a",
})
def _announce_status_changes() -> None:
    """RUNNING just before the interpreter's thread starts (so it always comes first, however
    quickly the execution ends), and the final status once the interpreter has set it."""
    from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication, Execution

    if getattr(Execution.start, "__announces__", False):
        return
    start, terminated = Execution.start, BaseExecutionWorkerCommunication.terminated

    @functools.wraps(start)
    def announced_start(execution: Any) -> None:
        _put_status_change(execution, "RUNNING")
        start(execution)

    @functools.wraps(terminated)
    def announced_end(communication: Any) -> None:
        terminated(communication)
        _put_status_change(communication.execution, communication.execution.exec_status.value)

    announced_start.__announces__ = True  # type: ignore[attr-defined]
    setattr(Execution, "start", announced_start)  # noqa: B010 (a patch, not an attribute of ours)
    setattr(BaseExecutionWorkerCommunication, "terminated", announced_end)  # noqa: B010


def _put_status_change(execution: Any, status: str) -> None:
    from moto.events.models import events_backends

    bus = events_backends[execution.account_id][execution.region_name]
    event = status_change_event(execution.to_describe_output(), status)
    try:
        failed = [entry for entry in bus.put_events([event]) if "ErrorCode" in entry]
    except Exception:  # an event lost here is what the reconciler is for; the execution goes on
        log.exception("could not put the %s status change of %s", status, execution.exec_arn)
        return
    if failed:
        log.error("the %s status change of %s was refused: %s", status, execution.exec_arn, failed)


@written_for("moto", "5.2.5", {
    "moto.stepfunctions.parser.asl.parse.asl_parser:AmazonStateLanguageParser.parse": "e08871c8420a",
})
def _memoise_definition_parsing() -> None:
    """The ANTLR parse tree of a definition is read-only: parse each definition once. The
    components evaluated (which hold an execution's state) are still built afresh each time."""
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
    from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor

    original = AmazonStateLanguageParser.parse
    if getattr(original, "__memoised__", False):
        return

    @functools.lru_cache(maxsize=64)
    def tree_of(definition: str) -> Any:  # a definition with a syntax error raises, and is not kept
        return original(definition)[1]

    def parse(definition: str) -> tuple[Any, Any]:
        tree = tree_of(definition)
        return Preprocessor().visit(tree), tree

    parse.__memoised__ = True  # type: ignore[attr-defined]
    setattr(AmazonStateLanguageParser, "parse", staticmethod(parse))  # noqa: B010


@written_for("moto", "5.2.5", {
    "moto.stepfunctions.parser.asl.utils.boto_client:boto_client_for": "1f44dc2ac8aa",
    "moto.settings:moto_server_port": "b039b19fa4d3",
})
def _reuse_interpreter_clients() -> None:
    """boto3 clients are thread-safe: one per region, service and emulator port, instead of one per
    task. A task with credentials of its own still gets a client of its own."""
    import sys

    from moto.core.models import botocore_stubber
    from moto.settings import moto_server_port
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (  # noqa: F401
        state_task_service_dynamodb,  # imports what our definition's tasks call
    )
    from moto.stepfunctions.parser.asl.utils import boto_client

    original = boto_client.boto_client_for
    if getattr(original, "__shared__", False):
        return
    clients: dict[tuple[str, str, bool, str], Any] = {}
    creating = threading.Lock()  # a burst's first tasks all ask at once: create each client once

    def shared(region: str, service: str, stubbed: bool, port: str) -> Any:
        key = (region, service, stubbed, port)
        if key not in clients:
            with creating:
                if key not in clients:
                    clients[key] = original(region, service)
        return clients[key]

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        if state_credentials is not None:
            return original(region, service, state_credentials)
        return shared(region, service, botocore_stubber.enabled, moto_server_port())

    boto_client_for.__shared__ = True  # type: ignore[attr-defined]
    for module in list(sys.modules.values()):  # each service module imported the function by name
        interpreter = module.__name__.startswith("moto.stepfunctions.parser")
        if interpreter and vars(module).get("boto_client_for") is original:
            setattr(module, "boto_client_for", boto_client_for)  # noqa: B010


@written_for("moto", "5.2.5", {
    "moto.moto_server.werkzeug_app:DomainDispatcherApplication.get_backend_for_host": "105a0141fcfd",
})
def _memoise_request_routing() -> None:
    """moto finds the backend for a request's host by listing its package folder (an isdir per
    service, ~150) and matching URL patterns, for every request, under the server's one lock."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    route = DomainDispatcherApplication.get_backend_for_host
    if getattr(route, "__memoised__", False):
        return
    routes: dict[str | None, Any] = {}

    @functools.wraps(route)
    def get_backend_for_host(application: Any, host: str | None) -> Any:
        if host not in routes:
            routes[host] = route(application, host)
        return routes[host]

    get_backend_for_host.__memoised__ = True  # type: ignore[attr-defined]
    setattr(DomainDispatcherApplication, "get_backend_for_host", get_backend_for_host)  # noqa: B010


@written_for("moto", "5.2.5", {
    "moto.core.utils:method_names_from_class": "9dbac89d082b",
    "moto.core.responses:BaseResponse.call_action": "34a17a4a36dd",
})
def _memoise_action_lookup() -> None:
    """call_action looks its action up in `method_names_from_class(self.__class__)`, imported into
    moto.core.responses: the list is only read (`in`), so one list per class serves every request."""
    import moto.core.responses as responses

    listing = vars(responses)["method_names_from_class"]
    if not getattr(listing, "__memoised__", False):
        memoised = functools.lru_cache(maxsize=None)(listing)
        memoised.__memoised__ = True  # type: ignore[attr-defined]
        vars(responses)["method_names_from_class"] = memoised


def lighten_moto() -> None:
    """The patches that change only moto's cost, never an answer (each has its test): for the
    emulator, and for any moto in a process (the tests' `mock_aws`). Safe to call again."""
    memoise_condition_parsing()
    untrack_dynamodb_models()
    make_kms_private_keys_on_first_use()


@written_for("moto", "5.2.5", {  # the parser, and every class of what it builds (only evaluated)
    "moto.dynamodb.comparisons:ConditionExpressionParser.__init__": "da53163884f6",
    "moto.dynamodb.comparisons:ConditionExpressionParser.parse": "bb928a5fdd4e",
    "moto.dynamodb.comparisons:ConditionExpressionParser._make_op_condition": "2f7aa822bf2c",
    "moto.dynamodb.comparisons:Operand": "a9c5e0bc0679",
    "moto.dynamodb.comparisons:AttributePath": "9154a303c550",
    "moto.dynamodb.comparisons:AttributeValue": "69dd03f6e330",
    "moto.dynamodb.comparisons:Op": "4947d7f302d3",
    "moto.dynamodb.comparisons:OpDefault": "019f09776eba",
    "moto.dynamodb.comparisons:OpNot": "1b7a5b78048d",
    "moto.dynamodb.comparisons:OpAnd": "9645535ea4d2",
    "moto.dynamodb.comparisons:OpLessThan": "5a6585f7bd52",
    "moto.dynamodb.comparisons:OpGreaterThan": "2660ed9d9979",
    "moto.dynamodb.comparisons:OpEqual": "0461c2a0188f",
    "moto.dynamodb.comparisons:OpNotEqual": "1251a21f62ba",
    "moto.dynamodb.comparisons:OpLessThanOrEqual": "8294a550215b",
    "moto.dynamodb.comparisons:OpGreaterThanOrEqual": "d2c211f28c48",
    "moto.dynamodb.comparisons:OpOr": "f03c62b8d97c",
    "moto.dynamodb.comparisons:Func": "37fbafbc8fc4",
    "moto.dynamodb.comparisons:FuncAttrExists": "8fdbff7ab247",
    "moto.dynamodb.comparisons:FuncAttrType": "db0b1ebac58c",
    "moto.dynamodb.comparisons:FuncBeginsWith": "263934d9c520",
    "moto.dynamodb.comparisons:FuncContains": "82be3d67670d",
    "moto.dynamodb.comparisons:FuncSize": "7a94713a3ce3",
    "moto.dynamodb.comparisons:FuncBetween": "d5ab22caf4aa",
    "moto.dynamodb.comparisons:FuncIn": "6abaf098ad89",
})
def memoise_condition_parsing() -> None:
    """One parse per (expression, names, values), kept for every later parser of the same three.
    A parse that raises is not kept (it raises again each time). What is kept is parsed from a
    copy of the names and values, so nothing the request's handler does to its own can change it;
    each parser still gets lists of the names and values it found of its own (callers extend them)."""
    from moto.dynamodb.comparisons import ConditionExpressionParser

    original = ConditionExpressionParser.parse
    if getattr(original, "__memoised__", False):
        return

    @functools.lru_cache(maxsize=256)
    def parsed(expression: str, names: str, values: str) -> tuple[Any, tuple[str, ...], tuple[str, ...]]:
        parser = ConditionExpressionParser(expression, json.loads(names), json.loads(values))
        op = original(parser)
        return op, tuple(parser.expr_attr_names_found), tuple(parser.expr_attr_values_found)

    def parse(self: Any) -> Any:
        if not self.condition_expression:
            return original(self)
        try:
            key = (self.condition_expression, json.dumps(self.expression_attribute_names, sort_keys=True),
                   json.dumps(self.expression_attribute_values, sort_keys=True))
        except (TypeError, ValueError):  # not JSON's types: parsed as moto would, not kept
            return original(self)
        op, names_found, values_found = parsed(*key)
        self.expr_attr_names_found.extend(names_found)
        self.expr_attr_values_found.extend(values_found)
        return op

    parse.__memoised__ = True  # type: ignore[attr-defined]
    parse.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(ConditionExpressionParser, "parse", parse)  # noqa: B010


@written_for("moto", "5.2.5", {
    "moto.core.common_models:BaseModel.__new__": "122d2cd5b021",
    "moto.core.base_backend:InstanceTrackerMeta": "b78750695097",
    "moto.core.model_instances:reset_model_data": "4a510e716295",
    "moto.moto_api._internal.responses:MotoAPIResponse.model_data": "278ef4444f0e",
    "moto.dynamodb.models.dynamo_type:Item.__init__": "bebd77855342",
    "moto.dynamodb.models.dynamo_type:Item.__deepcopy__": "1ccd3e66db82",
    "moto.dynamodb.models.table:Table.__init__": "14e1d24e576c",
})
def untrack_dynamodb_models() -> None:
    """DynamoDB's Item and Table are created as any object is, not appended to their class's
    `instances_tracked` (their own `__new__` comes first; a reset of moto's model data does not
    undo it)."""
    from moto.dynamodb.models.dynamo_type import Item
    from moto.dynamodb.models.table import Table

    def new(cls: type[Any], *_args: Any, **_kwargs: Any) -> Any:
        return object.__new__(cls)

    for model in (Item, Table):
        if "__new__" not in vars(model):
            model.__new__ = staticmethod(new)
            model.instances_tracked.clear()


@written_for("moto", "5.2.5", {
    "moto.cloudformation.models:Stack.parse_template": "e43c0d55bf4a",
    "moto.cloudformation.models:ChangeSet._parse_template": "86b02225403c",
})
def read_json_templates_as_json() -> None:
    """moto reads every stack's and change set's template with PyYAML's pure-Python loader first
    (JSON is YAML, so it always succeeds), which costs a hundred times what json.loads does: a
    third of each functional test's table setup. A template that is JSON is read as JSON, as
    CloudFormation reads it; any other text (YAML) still goes to moto's own reader. Not part of
    `lighten_moto`: importing moto's CloudFormation costs seconds, so only a process that creates
    stacks applies it (the emulator, and the tests' fixtures that do)."""
    from moto.cloudformation.models import ChangeSet, Stack

    read_template = Stack.parse_template  # what ChangeSet._parse_template does too, inline
    if getattr(read_template, "__json_first__", False):
        return

    def parse_template(template: str) -> Any:
        try:
            return json.loads(template)
        except (TypeError, ValueError):
            return read_template(template)

    def parse_change_set_template(change_set: Any) -> None:
        change_set.template_dict = parse_template(change_set.template)

    parse_template.__json_first__ = True  # type: ignore[attr-defined]
    Stack.parse_template = staticmethod(parse_template)
    ChangeSet._parse_template = parse_change_set_template


@written_for("moto", "5.2.5", {
    "moto.cognitoidp.models:CognitoIdpUserPool.__init__": "600686199aef",
    "moto.cognitoidp.models:CognitoIdpUserPool.create_jwt": "8dd1e0477961",
})
def share_cognito_signing_key() -> None:
    """`jwk` in moto.cognitoidp.models has one use, making a new pool's key in its __init__: it
    makes nothing there now, and `json_web_key` (read only by create_jwt) is the shared key."""
    import moto.cognitoidp.models as models
    from joserfc import jwk

    pool = models.CognitoIdpUserPool
    if isinstance(vars(pool).get("json_web_key"), property):
        return

    @functools.lru_cache(maxsize=1)
    def signing_key() -> Any:
        return jwk.RSAKey.import_key(models.load_resource("cognitoidp/resources/jwks-private.json"))

    class KeysMadeOnFirstUse:
        class RSAKey:
            @staticmethod
            def import_key(_value: Any) -> None:
                return None

    vars(models)["jwk"] = KeysMadeOnFirstUse
    pool.json_web_key = property(lambda _pool: signing_key(), lambda _pool, _value: None)


@written_for("moto", "5.2.5", {
    "moto.kms.models:Key.__init__": "973352d7914e",
    "moto.kms.utils:generate_private_key": "cdf2b67aac14",
    "moto.kms.utils:AbstractPrivateKey": "5d8b06d97008",
})
def make_kms_private_keys_on_first_use() -> None:
    """Key() calls `generate_private_key`, imported into moto.kms.models by name: the key it gets
    stands in for the real one, generated when sign, verify or public_key first asks. Also applied
    to the functional tests' in-process moto (tests/conftest.py)."""
    import moto.kms.models as models
    from moto.kms.utils import AbstractPrivateKey

    generate = vars(models)["generate_private_key"]
    if getattr(generate, "__lazy__", False):
        return

    class PrivateKeyMadeOnFirstUse(AbstractPrivateKey):  # type: ignore[misc]  # moto is Any to mypy
        def __init__(self, key_spec: str) -> None:
            self._key_spec = key_spec
            self._key: Any = None
            self._making = threading.Lock()

        def _made(self) -> Any:
            with self._making:
                if self._key is None:
                    self._key = generate(self._key_spec)
                return self._key

        def sign(self, message: bytes, signing_algorithm: str) -> Any:
            return self._made().sign(message, signing_algorithm)

        def verify(self, message: bytes, signature: bytes, signing_algorithm: str) -> Any:
            return self._made().verify(message, signature, signing_algorithm)

        def public_key(self) -> Any:
            return self._made().public_key()

    def generate_private_key(key_spec: str) -> Any:
        return PrivateKeyMadeOnFirstUse(key_spec)

    generate_private_key.__lazy__ = True  # type: ignore[attr-defined]
    vars(models)["generate_private_key"] = generate_private_key
