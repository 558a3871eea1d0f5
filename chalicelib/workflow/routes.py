"""Workflow routes: submit an ID to the customers-workflow and follow the submissions."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib import wiring
from chalicelib.http.body import parse_body
from chalicelib.http.idempotency import replayable, write_token
from chalicelib.http.params import query_int
from chalicelib.observability import count, logger
from chalicelib.workflow.submissions import DEFAULT_RECENT

bp = Blueprint(__name__)


@bp.route("/workflow/submit", methods=["POST"], api_key_required=True)
@replayable(bp)
def submit() -> Response:
    from chalicelib.workflow.schemas import SubmitRequest

    request = bp.current_request
    body = parse_body(request, SubmitRequest)
    accepted = wiring.submissions().submit(body.id, write_token(request))
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


@bp.route("/workflow/submissions/{submissionId}", methods=["GET"], api_key_required=True)
def get_submission(submissionId: str) -> dict[str, str | None]:
    return wiring.submissions().get(submissionId).to_json()


@bp.route("/workflow/submissions", methods=["GET"], api_key_required=True)
def list_submissions() -> dict[str, Any]:
    limit = query_int(bp.current_request, "limit", DEFAULT_RECENT)
    return {"items": [s.to_json() for s in wiring.submissions().recent(limit)]}
