"""Event names, patterns and details, defined once (no AWS client here: the publisher is publisher.py).

Everything that names an event takes it from here: the publisher (publisher.py), the Chalice rules
(chalicelib/workflow/handlers.py), the local event glue (backend/local/glue.py) and the
templates (backend/infra/workflow_template.py).
"""

from __future__ import annotations

from typing import Any

from chalicelib.identity.actor import Actor
from chalicelib.workflow.submissions import FINAL_EXECUTION_STATUSES

SOURCE = "customers.api"
SUBMITTED = "CustomerIdSubmitted"
SUBMITTED_PATTERN: dict[str, Any] = {"source": [SOURCE], "detail-type": [SUBMITTED]}

# What Step Functions itself sends to the default bus when an execution changes status.
STATES_SOURCE = "aws.states"
EXECUTION_STATUS_CHANGE = "Step Functions Execution Status Change"


def execution_end_pattern(state_machine_name: str) -> dict[str, Any]:
    """The final status changes of one state machine, in any account and region it runs in.

    A suffix match on the ARN, because the account ID is not known where the pattern is built
    (when Chalice packages the app); EventBridge only delivers our own account's events anyway.
    """
    return {
        "source": [STATES_SOURCE],
        "detail-type": [EXECUTION_STATUS_CHANGE],
        "detail": {
            "stateMachineArn": [{"suffix": f":stateMachine:{state_machine_name}"}],
            "status": list(FINAL_EXECUTION_STATUSES),
        },
    }


def submitted_detail(submission_id: str, customer_id: str, submitted_at: str,
                     submitted_by: Actor | None = None) -> dict[str, object]:
    """`submittedBy` is `{"kind", "name"}`, or null for a submission stored before submitters were."""
    return {"submissionId": submission_id, "id": customer_id, "submittedAt": submitted_at,
            "submittedBy": submitted_by.to_json() if submitted_by else None}
