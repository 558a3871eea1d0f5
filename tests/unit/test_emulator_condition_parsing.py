"""The emulator's memoised condition parsing (backend/local/emulator.py, memoise_condition_parsing)
against moto's own: the same answers, successes and errors alike, for conditional writes, filtered
reads and transactions whose expressions repeat with the same and with other names and values. Its
pin to the moto it was written for is checked in tests/unit/test_upstream_patches.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from moto import mock_aws

from backend.local.emulator import memoise_condition_parsing

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TABLE = "t"


@pytest.fixture
def moto_parse() -> Iterator[None]:
    """moto's own parse for the test, and afterwards whatever was there (an emulator of this
    process may have installed the memo)."""
    from moto.dynamodb.comparisons import ConditionExpressionParser

    found = vars(ConditionExpressionParser)["parse"]
    ConditionExpressionParser.parse = getattr(found, "__wrapped__", found)
    yield
    ConditionExpressionParser.parse = found


def key(name: str) -> dict[str, Any]:
    return {"pk": {"S": name}}


def calls(ddb: DynamoDBClient) -> list[Callable[[], object]]:
    """Each write or read of the script; the same expressions come back with the same or other
    names and values, and some fail (a condition, a name left unused, a syntax error)."""
    not_there = "attribute_not_exists(pk)"

    def put_if(status: str, expected: str, order: int = 1) -> Callable[[], object]:
        names = {"#s": "status", "#n": "n"} if order == 1 else {"#n": "n", "#s": "status"}
        return lambda: ddb.put_item(
            TableName=TABLE, Item={**key("a"), "status": {"S": status}, "n": {"N": "1"}},
            ConditionExpression="#s = :v AND #n < :m", ExpressionAttributeNames=names,
            ExpressionAttributeValues={":v": {"S": expected}, ":m": {"N": "5"}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD")

    return [
        lambda: ddb.put_item(TableName=TABLE, Item={**key("a"), "status": {"S": "new"}, "n": {"N": "1"}},
                             ConditionExpression=not_there),
        lambda: ddb.put_item(TableName=TABLE, Item={**key("a")}, ConditionExpression=not_there,
                             ReturnValuesOnConditionCheckFailure="ALL_OLD"),
        lambda: ddb.put_item(TableName=TABLE, Item={**key("b"), "n": {"N": "2"}},
                             ConditionExpression=not_there),
        put_if("done", "other"),  # fails: the status is "new"
        put_if("done", "new", order=2),  # the same names in another order, and it holds
        put_if("again", "new"),  # the same expression and names, now failing
        put_if("again", "done"),
        lambda: ddb.update_item(
            TableName=TABLE, Key=key("b"), UpdateExpression="SET n = n + :one",
            ConditionExpression="attribute_exists(pk) AND n < :m",
            ExpressionAttributeValues={":one": {"N": "1"}, ":m": {"N": "3"}}, ReturnValues="ALL_NEW"),
        lambda: ddb.update_item(  # the same, failing now that n is 3
            TableName=TABLE, Key=key("b"), UpdateExpression="SET n = n + :one",
            ConditionExpression="attribute_exists(pk) AND n < :m",
            ExpressionAttributeValues={":one": {"N": "1"}, ":m": {"N": "3"}}),
        lambda: ddb.put_item(TableName=TABLE, Item=key("c"), ConditionExpression="attribute_not_exists(pk)",
                             ExpressionAttributeNames={"#unused": "x"}),
        lambda: ddb.put_item(TableName=TABLE, Item=key("c"), ConditionExpression="attribute_not_exists("),
        lambda: ddb.put_item(TableName=TABLE, Item=key("c"), ConditionExpression="#missing = :v",
                             ExpressionAttributeValues={":v": {"S": "x"}}),
        lambda: ddb.scan(TableName=TABLE, FilterExpression="begins_with(#s, :p) OR size(pk) > :z",
                         ExpressionAttributeNames={"#s": "status"},
                         ExpressionAttributeValues={":p": {"S": "do"}, ":z": {"N": "5"}}),
        lambda: ddb.scan(TableName=TABLE, FilterExpression="begins_with(#s, :p) OR size(pk) > :z",
                         ExpressionAttributeNames={"#s": "status"},
                         ExpressionAttributeValues={":p": {"S": "ne"}, ":z": {"N": "0"}}),
        lambda: ddb.query(TableName=TABLE, KeyConditionExpression="pk = :k", FilterExpression="n IN (:a, :b)",
                          ExpressionAttributeValues={":k": {"S": "b"}, ":a": {"N": "3"}, ":b": {"N": "4"}}),
        lambda: ddb.transact_write_items(TransactItems=[
            {"ConditionCheck": {"TableName": TABLE, "Key": key("b"),
                                "ConditionExpression": "n BETWEEN :l AND :h",
                                "ExpressionAttributeValues": {":l": {"N": "1"}, ":h": {"N": "9"}}}},
            {"Put": {"TableName": TABLE, "Item": key("d"), "ConditionExpression": not_there}}]),
        lambda: ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": TABLE, "Item": key("d"), "ConditionExpression": not_there}}]),
        lambda: ddb.delete_item(TableName=TABLE, Key=key("z"), ConditionExpression="attribute_exists(pk)"),
        lambda: ddb.delete_item(TableName=TABLE, Key=key("d"),
                                ConditionExpression="NOT attribute_type(pk, :t)",
                                ExpressionAttributeValues={":t": {"S": "N"}}, ReturnValues="ALL_OLD"),
        lambda: ddb.scan(TableName=TABLE, ConsistentRead=True),
    ]


def answers() -> list[object]:
    """Every call's answer (less its request ID), or its error's class and message."""
    with mock_aws():
        import boto3

        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        found: list[object] = []
        for call in calls(ddb):
            try:
                answer: Any = call()
                answer.pop("ResponseMetadata")
                found.append(answer)
            except Exception as error:  # an error is an answer to compare too
                found.append((type(error).__name__, str(error), getattr(error, "response", {}).get("Item")))
        return found


def test_the_memoised_parse_answers_as_motos_own(moto_parse: None) -> None:
    # GIVEN the script's answers with moto's own parsing
    expected = answers()

    # WHEN the memo is installed (and the script runs twice, so its second run finds every parse kept)
    memoise_condition_parsing()
    first, second = answers(), answers()

    # THEN every answer is the same, errors included
    assert first == expected
    assert second == expected
    assert sum(isinstance(answer, tuple) for answer in expected) >= 8  # the failures are in the script


def test_a_parse_is_kept_for_the_same_expression_names_and_values_only(moto_parse: None) -> None:
    # GIVEN the memo
    from moto.dynamodb.comparisons import ConditionExpressionParser as Parser

    memoise_condition_parsing()
    names, values = {"#s": "status"}, {":v": {"S": "x"}}

    # WHEN an expression is parsed twice, THEN the second parser is handed what the first built
    first, again = Parser("#s = :v", names, values), Parser("#s = :v", dict(names), dict(values))
    assert again.parse() is first.parse()
    assert again.expr_attr_names_found == first.expr_attr_names_found == ["#s"]
    assert again.expr_attr_values_found == [":v"]

    # WHEN a value differs, THEN it is parsed afresh
    assert Parser("#s = :v", names, {":v": {"S": "y"}}).parse() is not first.parse()
