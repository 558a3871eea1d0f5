"""Workflow routes: submit an ID to the customers-workflow and follow the submissions; each declared
once (chalicelib/http/operations.py)."""

from __future__ import annotations

from typing import Any

from chalice.app import Response

from chalicelib import wiring
from chalicelib.errors import InvalidIdError, InvalidRequestError, MalformedJsonError, NotFoundError
from chalicelib.http.body import parse_body
from chalicelib.http.idempotency import write_token
from chalicelib.http.operations import Operation, Routes
from chalicelib.http.params import query_int
from chalicelib.identity.actor import actor_of
from chalicelib.identity.authorizer import authorize
from chalicelib.observability import count, logger
from chalicelib.workflow.submissions import DEFAULT_RECENT, MAX_RECENT, SUBMISSION_ID_PATTERN

_SUBMISSION_ID = {"name": "submissionId", "in": "path", "required": True,
                  "schema": {"type": "string", "pattern": SUBMISSION_ID_PATTERN}}
_RECENT = {"name": "limit", "in": "query", "required": False,
           "schema": {"type": "integer", "minimum": 1, "maximum": MAX_RECENT, "default": DEFAULT_RECENT}}

routes = Routes(__name__, idempotency=lambda: wiring.services().idempotency, authorizer=authorize)
bp = routes.blueprint


@routes.operation(Operation(
    "post", "/workflow/submit", "submitWorkflow",
    "Submit an ID to the customers-workflow; follow it at `Location`", 202, "SubmissionAccepted",
    (InvalidIdError, MalformedJsonError, InvalidRequestError), body="SubmitRequest",
    headers=("Location",), idempotent=True, role="operator",
))
def submit() -> Response:
    from chalicelib.workflow.schemas import SubmitRequest

    request = routes.current_request
    body = parse_body(request, SubmitRequest)
    accepted = wiring.services().submissions.submit(body.id, write_token(request), actor_of(request.context))
    submission = accepted.submission
    count("WorkflowSubmitted")
    if not accepted.announced:
        count("WorkflowPublishDeferred")
        logger.warning("submission stored but not announced; the reconciler will",
                       submission_id=submission.submission_id, reason=accepted.reason)
    # Behind API Gateway the path carries the stage (/api/workflow/submit): keep its prefix.
    path: str = request.context.get("path") or "/workflow/submit"
    location = f"{path.rstrip('/').removesuffix('submit')}submissions/{submission.submission_id}"
    return Response(
        {"submissionId": submission.submission_id, "id": submission.customer_id, "status": "accepted"},
        status_code=202,
        headers={"Location": location},
    )


@routes.operation(Operation(
    "get", "/workflow/submissions/{submissionId}", "getSubmission", "A submission's status and outcome",
    200, "Submission", (NotFoundError,), parameters=(_SUBMISSION_ID,), role="viewer",
))
def get_submission(submissionId: str) -> dict[str, object]:
    return wiring.services().submissions.get(submissionId).to_json()


@routes.operation(Operation(
    "get", "/workflow/submissions", "listSubmissions", "The most recent submissions, newest first",
    200, "SubmissionList", (InvalidRequestError,), parameters=(_RECENT,), role="viewer",
))
def list_submissions() -> dict[str, Any]:
    limit = query_int(routes.current_request, "limit", DEFAULT_RECENT)
    return {"items": [s.to_json() for s in wiring.services().submissions.recent(limit)]}
