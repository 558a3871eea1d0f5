"""The emulator's direct item writer (backend/local/item_json.py) against moto's own serializer:
the same JSON, byte for byte, for random items of every attribute type, in every DynamoDB answer
that carries items. Its pin to the moto it was written for is checked in
tests/unit/test_upstream_patches.py."""

from __future__ import annotations

import base64
import random
import string
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from backend.local import item_json

Items = list[dict[str, Any]]
OPERATIONS: dict[str, Callable[[Items], dict[str, Any]]] = {  # each operation's answer, around items
    "Query": lambda items: {"Items": items, "Count": len(items), "ScannedCount": len(items) + 1,
                            "LastEvaluatedKey": {k: v for k, v in items[-1].items() if k == "id"}},
    "Scan": lambda items: {"Items": items, "Count": len(items), "ScannedCount": len(items)},
    "GetItem": lambda items: {"Item": items[0]},
    "PutItem": lambda items: {"Attributes": items[0]},
    "BatchGetItem": lambda items: {"Responses": {"t": items}, "UnprocessedKeys": {}},
    "TransactGetItems": lambda items: {"Responses": [{"Item": item} for item in items]},
}


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + "é€😀\"\\\n ") for _ in range(rng.randint(0, 6)))


def _blob(rng: random.Random) -> bytes:
    return bytes(rng.randrange(256) for _ in range(rng.randint(0, 5)))


def _value(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    """One attribute value in the form moto's answers hold (binary as raw bytes)."""
    kind = rng.choice(["S", "N", "B", "SS", "NS", "BS", "NULL", "BOOL"] + (["M", "L"] if depth < 3 else []))
    many = range(rng.randint(1, 3))
    if kind == "S":
        return {"S": _text(rng)}
    if kind == "N":
        return {"N": str(rng.randint(-10**6, 10**6) / rng.choice([1, 7, 1000]))}
    if kind == "B":
        return {"B": _blob(rng)}
    if kind in ("SS", "NS"):
        return {kind: [(_text(rng) if kind == "SS" else "") + str(n) for n in many]}
    if kind == "BS":
        return {"BS": [_blob(rng) + bytes([n]) for n in many]}
    if kind in ("NULL", "BOOL"):
        return {kind: kind == "NULL" or rng.random() < 0.5}
    if kind == "M":
        return {"M": {_text(rng) + str(n): _value(rng, depth + 1) for n in range(rng.randint(0, 3))}}
    return {"L": [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]}


def _item(rng: random.Random) -> dict[str, Any]:
    return {"id": {"S": f"cust-{rng.randrange(10**6):07d}"},
            **{f"a{n}": _value(rng) for n in range(rng.randint(0, 6))}}


def _unusual(rng: random.Random) -> dict[str, Any]:
    """Values moto's answers never hold, which the direct writer hands back to moto's code."""
    return rng.choice([
        {"B": "c3RyaW5n"}, {"S": None}, {"S": "a", "N": "1"}, {}, {"M": {"k": None}},
        {"L": [None]}, {"SS": [1, 2]}, {"X": "?"}, {"N": 12},
    ])


def _body(operation: str, answer: dict[str, Any]) -> str:
    from moto.core.serialize import JSONSerializer, XFormedAttributePicker
    from moto.core.utils import get_service_model

    model = get_service_model("dynamodb").operation_model(operation)
    serializer = JSONSerializer(operation_model=model, value_picker=XFormedAttributePicker())
    body = serializer.serialize(answer)["body"]
    assert isinstance(body, str)
    return body


@pytest.fixture
def installed() -> Iterator[None]:
    """The direct writer installed for this test only (other tests use moto as it comes)."""
    from moto.core.serialize import JSONSerializer

    saved = {n: vars(JSONSerializer)[n] for n in ("_serialize_type_structure", "_serialize_type_map")
             if n in vars(JSONSerializer)}
    item_json.install()
    try:
        yield
    finally:
        for name in ("_serialize_type_structure", "_serialize_type_map"):
            if name in saved:
                setattr(JSONSerializer, name, saved[name])
            elif name in vars(JSONSerializer):
                delattr(JSONSerializer, name)


def _moto_alone(operation: str, answer: dict[str, Any]) -> str:
    from moto.core.serialize import JSONSerializer

    patched = {n: vars(JSONSerializer)[n] for n in ("_serialize_type_structure", "_serialize_type_map")}
    for name in patched:
        delattr(JSONSerializer, name)
    try:
        return _body(operation, answer)
    finally:
        for name, method in patched.items():
            setattr(JSONSerializer, name, method)


def test_botocore_still_declares_attribute_values_as_the_writer_expects() -> None:
    assert item_json.model_matches()


@pytest.mark.parametrize("seed", range(40))
def test_the_direct_writer_writes_what_moto_writes(installed: None, seed: int) -> None:
    # GIVEN random items of every attribute type, nested, some with values moto never holds
    rng = random.Random(seed)
    items = [_item(rng) for _ in range(rng.randint(1, 8))]
    if seed % 4 == 0:
        items[rng.randrange(len(items))]["odd"] = _unusual(rng)
    for operation, answer_of in OPERATIONS.items():
        answer = answer_of(items)

        # WHEN both writers write the answer, THEN the JSON is the same, byte for byte
        assert _body(operation, answer) == _moto_alone(operation, answer), (operation, answer)


def test_binary_values_come_back_as_they_went_in(installed: None) -> None:
    # GIVEN an item with binary values, as a client sends it, through moto's DynamoDB
    from moto import mock_aws

    with mock_aws():
        import boto3

        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        item: dict[str, Any] = {"id": {"S": "x"}, "b": {"B": b"\x00\xff raw"}, "bs": {"BS": [b"1", b"\x02"]},
                "m": {"M": {"l": {"L": [{"N": "1.5"}, {"NULL": True}, {"B": b"\x10"}]}}}}
        client.put_item(TableName="t", Item=item)

        # WHEN it is read back (the answer written by the direct writer)
        found = client.get_item(TableName="t", Key={"id": {"S": "x"}})["Item"]

    # THEN every value is what was stored
    assert found == item


def test_it_is_the_direct_writer_that_answers(installed: None) -> None:
    # GIVEN an answer whose attribute values moto's own path would walk member by member
    from moto.core.serialize import ResponseSerializer

    walked: list[str] = []
    original = ResponseSerializer._serialize_structure_member

    def counting(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        walked.append(shape.name)
        original(self, serialized, value, shape, key)

    ResponseSerializer._serialize_structure_member = counting
    try:
        # WHEN a page of items is written
        _body("Query", OPERATIONS["Query"]([{"id": {"S": f"c{n}"}, "b": {"B": base64.b64decode("AA==")}}
                                            for n in range(25)]))
    finally:
        ResponseSerializer._serialize_structure_member = original

    # THEN only the answer's own members were walked, none of the items' attribute values
    assert "StringAttributeValue" not in walked and "BinaryAttributeValue" not in walked
    assert {"ItemList", "Integer"} <= set(walked)  # the answer's own members are still moto's
