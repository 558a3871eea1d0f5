"""Every botocore session of a local-stack or test process shares the SDK files it parsed.

moto builds boto3 sessions of its own (three while it imports its EC2 models, one for each account
it serves), and the tests build one or more per test. Each new session parses the SDK's endpoint
and model files again (read-only JSON; the endpoints alone are tens of ms of CPU).
chalicelib.aws.new_session() shares them among the app's sessions; this patch shares them among
all sessions of the process.
"""

from __future__ import annotations

from backend.local.upstream import written_for


@written_for("botocore", "1.44.8", {
    "botocore.session:Session._register_data_loader": "996b3b23152b",
    "botocore.loaders:create_loader": "89050e30206e",
})
def share_model_files_across_sessions() -> None:
    """Safe to call again."""
    import botocore.session

    from chalicelib.aws import shared_model_loader

    # Session._register_data_loader calls this name (imported into botocore.session) the first
    # time the session needs a file; the shared loader is one per data path.
    botocore.session.create_loader = shared_model_loader
