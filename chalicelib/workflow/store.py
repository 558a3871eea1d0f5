"""DynamoDB access for workflow submissions, in their own table, expired by TTL.

Key design: the partition key is `submissionId` (a UUID), so reading a submission and every status
change are single-item operations, and status changes are conditional writes: a late or repeated
event can never move a submission backwards. "Newest first" uses the GSI `by_submitted_at`:
partition `listShard` (one of LIST_SHARDS values, from a hash of the submission ID), sort key
`submittedAt`. A listing queries each shard newest-first with `Limit` and merges, so it reads at
most LIST_SHARDS x limit items however large the table grows, and a burst of submissions spreads
over LIST_SHARDS index partitions instead of one hot one. `expiresAt` (epoch seconds) is the
table's TTL attribute: DynamoDB deletes a submission some time after it.

The reconciler finds unfinished submissions through the sparse GSI `by_unfinished`: partition
`unfinishedShard` (the same LIST_SHARDS values), sort key `submittedAt`. Only a PENDING or RUNNING
submission carries `unfinishedShard`; whoever records the final status removes it, so the index
holds exactly the unfinished ones (usually none) and the oldest comes first, however many finished
submissions the table keeps.

The state machine writes the final status itself (workflow/definition.py); the attribute names
below and there are the same, and a unit test holds them together.

`submittedBy` (a map `{"kind", "name"}`, as the customers table's `createdBy`) is written with the
submission and never changed: a status change sets it only on a record that has none.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, cast

from botocore.exceptions import ClientError

from chalicelib.customers.store import actor_attribute, actor_from
from chalicelib.dynamo import is_condition_failure, old_item, written_by
from chalicelib.workflow.submissions import Outcome, Status, Submission, canonical_time

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

    from chalicelib.dynamo import Item

RECENT_INDEX = "by_submitted_at"
UNFINISHED_INDEX = "by_unfinished"
UNFINISHED_ATTRIBUTE = "unfinishedShard"  # workflow/definition.py removes it too
LIST_SHARDS = 4

_NAMES = {"#status": "status", "#error": "error"}  # both are DynamoDB reserved words


def list_shard(submission_id: str) -> str:
    return str(zlib.crc32(submission_id.encode()) % LIST_SHARDS)


def _to_item(submission: Submission, expires_at: int) -> dict[str, AttributeValueTypeDef]:
    item: dict[str, AttributeValueTypeDef] = {
        "submissionId": {"S": submission.submission_id},
        "id": {"S": submission.customer_id},
        "status": {"S": submission.status},
        "submittedAt": {"S": submission.submitted_at},
        "updatedAt": {"S": submission.updated_at},
        "listShard": {"S": list_shard(submission.submission_id)},
        "expiresAt": {"N": str(expires_at)},
    }
    if not submission.final:
        item[UNFINISHED_ATTRIBUTE] = {"S": list_shard(submission.submission_id)}
    if submission.outcome is not None:
        item["outcome"] = {"S": submission.outcome}
    if submission.error is not None:
        item["error"] = {"S": submission.error}
    if submission.submitted_by is not None:
        item["submittedBy"] = actor_attribute(submission.submitted_by)
    return item


def _text(item: Item, name: str) -> str | None:
    value = item.get(name, {}).get("S")
    return value if isinstance(value, str) else None


def _from_item(item: Item) -> Submission:
    # Only this module and the state machine write these, with a Status and an Outcome.
    status = cast(Status, item["status"]["S"])
    outcome = cast("Outcome | None", item.get("outcome", {}).get("S"))
    return Submission(
        submission_id=item["submissionId"]["S"],
        customer_id=_text(item, "id") or "",
        status=status,
        outcome=outcome,
        error=_text(item, "error"),
        submitted_at=_text(item, "submittedAt") or "",
        # The state machine stamps `$$.State.EnteredTime`, whose format varies by runtime.
        updated_at=canonical_time(_text(item, "updatedAt") or ""),
        submitted_by=actor_from(item, "submittedBy"),
    )


class DynamoSubmissionStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def create(self, submission: Submission, expires_at: int, write_token: str) -> Submission | None:
        """Like the customers' store: a failed condition on our own token is our earlier attempt."""
        item = {**_to_item(submission, expires_at), "writeToken": {"S": write_token}}
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression="attribute_not_exists(submissionId)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not is_condition_failure(error):
                raise
            found = old_item(error)
            return _from_item(found) if found is not None and written_by(found, write_token) else None
        return submission

    def get(self, submission_id: str) -> Submission | None:
        response = self._client.get_item(
            TableName=self._table, Key={"submissionId": {"S": submission_id}}, ConsistentRead=True
        )
        item = response.get("Item")
        return _from_item(item) if item else None

    def recent(self, limit: int) -> list[Submission]:
        found: list[Submission] = []
        for shard in range(LIST_SHARDS):
            response = self._client.query(
                TableName=self._table,
                IndexName=RECENT_INDEX,
                KeyConditionExpression="listShard = :shard",
                ExpressionAttributeValues={":shard": {"S": str(shard)}},
                ScanIndexForward=False,
                Limit=limit,
            )
            found.extend(_from_item(item) for item in response["Items"])
        found.sort(key=lambda s: (s.submitted_at, s.submission_id), reverse=True)
        return found[:limit]

    def unfinished(self, limit: int, submitted_before: str | None = None) -> list[str]:
        """IDs of up to `limit` unfinished submissions (per index shard), oldest first.

        The index is eventually consistent and keeps keys only: callers read each one back.
        """
        condition = "unfinishedShard = :shard"
        values: dict[str, AttributeValueTypeDef] = {}
        if submitted_before is not None:
            condition += " AND submittedAt < :before"
            values[":before"] = {"S": submitted_before}
        found: list[tuple[str, str]] = []
        for shard in range(LIST_SHARDS):
            response = self._client.query(
                TableName=self._table,
                IndexName=UNFINISHED_INDEX,
                KeyConditionExpression=condition,
                ExpressionAttributeValues={**values, ":shard": {"S": str(shard)}},
                ScanIndexForward=True,
                Limit=limit,
            )
            found.extend((i["submittedAt"]["S"], i["submissionId"]["S"]) for i in response["Items"])
        return [submission_id for _, submission_id in sorted(found)]

    def mark_running(self, submission: Submission, expires_at: int) -> Submission | None:
        # if_not_exists: a submission published by someone other than our API gets a full record,
        # and one our API stored keeps what it has.
        item = _to_item(submission, expires_at)
        expression = (
            "SET #status = :status, updatedAt = :updatedAt, id = if_not_exists(id, :id), "
            "submittedAt = if_not_exists(submittedAt, :submittedAt), unfinishedShard = :unfinished, "
            "listShard = if_not_exists(listShard, :listShard), "
            "expiresAt = if_not_exists(expiresAt, :expiresAt)"
        )
        values: dict[str, AttributeValueTypeDef] = {
            ":status": item["status"],
            ":updatedAt": item["updatedAt"],
            ":id": item["id"],
            ":submittedAt": item["submittedAt"],
            ":listShard": item["listShard"],
            ":unfinished": item[UNFINISHED_ATTRIBUTE],
            ":expiresAt": item["expiresAt"],
            ":pending": {"S": "PENDING"},
        }
        if "submittedBy" in item:
            expression += ", submittedBy = if_not_exists(submittedBy, :submittedBy)"
            values[":submittedBy"] = item["submittedBy"]
        stored = self._update(submission.submission_id, expression,
                              "attribute_not_exists(#status) OR #status = :pending", values)
        return _from_item(stored) if stored is not None else None

    def finish(self, submission_id: str, status: Status, outcome: Outcome | None, error: str | None,
               updated_at: str) -> bool:
        sets = ["#status = :status", "updatedAt = :updatedAt"]
        removes: list[str] = [UNFINISHED_ATTRIBUTE]
        values: dict[str, AttributeValueTypeDef] = {
            ":status": {"S": status},
            ":updatedAt": {"S": updated_at},
            ":pending": {"S": "PENDING"},
            ":running": {"S": "RUNNING"},
        }
        for attribute, placeholder, value in (("outcome", "outcome", outcome), ("#error", "error", error)):
            if value is None:
                removes.append(attribute)
            else:
                sets.append(f"{attribute} = :{placeholder}")
                values[f":{placeholder}"] = {"S": value}
        expression = "SET " + ", ".join(sets) + (" REMOVE " + ", ".join(removes) if removes else "")
        return self._update(
            submission_id,
            expression,
            "attribute_exists(submissionId) AND #status IN (:pending, :running)",
            values,
        ) is not None

    def _update(self, submission_id: str, expression: str, condition: str,
                values: dict[str, AttributeValueTypeDef]) -> Item | None:
        """The item as updated; None when the condition failed and nothing was written."""
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key={"submissionId": {"S": submission_id}},
                UpdateExpression=expression,
                ConditionExpression=condition,
                # DynamoDB refuses names that the expressions do not use.
                ExpressionAttributeNames={
                    k: v for k, v in _NAMES.items() if k in expression or k in condition
                },
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if is_condition_failure(error):
                return None
            raise
        return response["Attributes"]
