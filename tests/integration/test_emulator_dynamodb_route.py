"""The emulator's DynamoDB route (backend/local/dynamodb_route.py) answers exactly as moto's own
Flask route: the same requests, sent over HTTP to the emulator and to moto's app served alike, get
the same status, headers and body, byte for byte (less the Date and the random request ID)."""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from backend.local.devstack import _Emulator
from backend.local.dynamodb_route import dynamodb_route
from backend.local.unique import free_port

# Every response of both servers carries these; they differ between any two calls.
VARYING_HEADERS = {"date", "x-amzn-requestid"}
SIGNED_FOR_DYNAMODB = (
    "AWS4-HMAC-SHA256 Credential=local/20261205/us-east-1/dynamodb/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64
)


@dataclass(frozen=True)
class Call:
    method: str = "POST"
    target: str | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    signed_for: str = SIGNED_FOR_DYNAMODB

    def headers_sent(self) -> dict[str, str]:
        headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Date": "20261205T060000Z",
                   "Authorization": self.signed_for, **self.headers}
        if self.target is not None:
            headers["X-Amz-Target"] = self.target
        return headers

    def send(self, port: int) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(self.method, "/", body=self.body, headers=self.headers_sent())
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()


def op(name: str, body: dict[str, Any] | str, **kwargs: Any) -> Call:
    payload = body if isinstance(body, str) else json.dumps(body)
    return Call(target=f"DynamoDB_20120810.{name}", body=payload.encode(), **kwargs)


def item(key: str, **values: str) -> dict[str, Any]:
    return {"pk": {"S": key}, "sk": {"S": "a"}, **{k: {"S": v} for k, v in values.items()}}


def table_calls(table: str) -> tuple[Call, Call]:
    create = op("CreateTable", {
        "TableName": table, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                      {"AttributeName": "sk", "KeyType": "RANGE"}],
    })
    return create, op("DeleteTable", {"TableName": table})


# The cases the emulator answers itself; the others go to moto's app as they are.
ANSWERED_DIRECTLY = {
    "put", "put returning the old item", "get", "get of a missing item", "query", "batch write",
    "transact write", "transact write cancelled", "conditional check failed", "validation error",
    "bad expression", "resource not found", "unknown operation", "malformed JSON body", "empty body",
}


def cases(table: str) -> dict[str, tuple[list[Call], Call]]:
    """name -> (calls that set the table up, the call whose answers are compared)."""
    seeded = [op("PutItem", {"TableName": table, "Item": item(f"k{n}", v=str(n))}) for n in range(3)]
    condition = {"ConditionExpression": "attribute_not_exists(pk)"}
    return {
        "put": ([], op("PutItem", {"TableName": table, "Item": item("new", v="1"), **condition})),
        "put returning the old item": (seeded, op("PutItem", {
            "TableName": table, "Item": item("k1", v="2"), "ReturnValues": "ALL_OLD"})),
        "get": (seeded, op("GetItem", {"TableName": table, "Key": {"pk": {"S": "k1"}, "sk": {"S": "a"}},
                                       "ConsistentRead": True})),
        "get of a missing item": ([], op("GetItem", {"TableName": table,
                                                     "Key": {"pk": {"S": "none"}, "sk": {"S": "a"}}})),
        "query": (seeded, op("Query", {"TableName": table, "KeyConditionExpression": "pk = :k",
                                       "ExpressionAttributeValues": {":k": {"S": "k2"}}, "Limit": 5})),
        "batch write": ([], op("BatchWriteItem", {"RequestItems": {table: [
            {"PutRequest": {"Item": item(f"b{n}")}} for n in range(5)]}})),
        "transact write": (seeded, op("TransactWriteItems", {"TransactItems": [
            {"Put": {"TableName": table, "Item": item("t1"), **condition}},
            {"Delete": {"TableName": table, "Key": {"pk": {"S": "k0"}, "sk": {"S": "a"}}}}]})),
        "transact write cancelled": (seeded, op("TransactWriteItems", {"TransactItems": [
            {"Put": {"TableName": table, "Item": item("k1"), **condition}}]})),
        "conditional check failed": (seeded, op("PutItem", {
            "TableName": table, "Item": item("k1"), **condition,
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})),
        "validation error": ([], op("PutItem", {"TableName": table, "Item": {"pk": {"S": "no sort key"}}})),
        "bad expression": ([], op("PutItem", {"TableName": table, "Item": item("x"),
                                              "ConditionExpression": "attribute_not_exists("})),
        "resource not found": ([], op("GetItem", {"TableName": f"{table}-missing",
                                                  "Key": {"pk": {"S": "k"}, "sk": {"S": "a"}}})),
        "unknown operation": ([], op("NoSuchOperation", {"TableName": table})),
        "malformed JSON body": ([], op("PutItem", '{"TableName": "' + table + '", "Item": ')),
        "empty body": ([], op("GetItem", "")),
        "no target": ([], Call(body=json.dumps({"TableName": table}).encode())),
        "HEAD to /": ([], Call(method="HEAD", target="DynamoDB_20120810.ListTables")),
        "GET to /": ([], Call(method="GET", target="DynamoDB_20120810.ListTables")),
        "a browser's call (CORS)": ([], op("ListTables", {"Limit": 1}, headers={"Origin": "http://127.0.0.1:1"})),
        "streams": ([], Call(target="DynamoDBStreams_20120810.ListStreams", body=b"{}")),
        "API version 2011-12-05": ([], Call(target="DynamoDB_20111205.ListTables", body=b"{}")),
        "signed for another service": ([], op("ListTables", {}, signed_for=SIGNED_FOR_DYNAMODB.replace(
            "/dynamodb/", "/sqs/"))),
        "unsigned": ([], op("ListTables", {}, signed_for="")),
    }


@pytest.fixture(scope="module")
def ports() -> Iterator[tuple[int, int]]:
    """(moto's own app, the emulator): two servers of this process, so one moto state."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from waitress.server import create_server
    from waitress.wasyncore import close_all

    sockets: dict[int, Any] = {}
    moto_server = create_server(DomainDispatcherApplication(create_backend_app), map=sockets,
                                host="127.0.0.1", port=free_port(), threads=2, ident=None)
    thread = threading.Thread(target=moto_server.run, daemon=True)
    thread.start()
    emulator_port = free_port()
    emulator = _Emulator(emulator_port)
    try:
        yield moto_server.effective_port, emulator_port  # type: ignore[union-attr]
    finally:
        emulator.stop()
        close_all(sockets)
        moto_server.task_dispatcher.shutdown()
        thread.join(timeout=10)


def answer(port: int, table: str, name: str) -> tuple[int, list[tuple[str, str]], bytes]:
    """The compared call's answer on a table created, set up and deleted for it alone."""
    create, delete = table_calls(table)
    setup, call = cases(table)[name]
    assert create.send(port)[0] == 200
    try:
        for step in setup:
            assert step.send(port)[0] == 200
        status, headers, body = call.send(port)
    finally:
        assert delete.send(port)[0] == 200
    for header, value in headers:
        if header.lower() == "x-amzn-requestid":
            assert len(value) == 52, value  # moto's form; the value is random
    return status, [(h, v) for h, v in headers if h.lower() not in VARYING_HEADERS], body


@pytest.mark.parametrize("name", list(cases("t")))
def test_the_emulator_answers_as_motos_own_route(ports: tuple[int, int], name: str) -> None:
    # GIVEN moto's own app and the emulator, each with the same table, set up the same way
    table = f"route-{uuid.uuid4().hex[:12]}"
    moto_port, emulator_port = ports

    # WHEN the same call goes to each
    expected = answer(moto_port, table, name)
    actual = answer(emulator_port, table, name)

    # THEN the answers are the same, byte for byte
    assert actual == expected


def test_the_emulator_answers_dynamodb_calls_itself_and_passes_the_rest_to_moto() -> None:
    # GIVEN the emulator's route in front of moto's app
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.test import EnvironBuilder

    route = dynamodb_route(DomainDispatcherApplication(create_backend_app))

    # WHEN each compared call comes in, THEN only the DynamoDB calls are answered without moto's app
    answered = set()
    for name, (_, call) in cases("t").items():
        headers = list(call.headers_sent().items())
        builder = EnvironBuilder(method=call.method, path="/", headers=headers, data=call.body)
        if route.answers_directly(builder.get_environ()):
            answered.add(name)
    assert answered == ANSWERED_DIRECTLY
