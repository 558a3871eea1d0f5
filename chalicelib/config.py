"""The only module of the app that reads the environment. `read_settings()` reads it afresh each
time; the composition root (chalicelib/wiring.py) reads it once per container, at first use.

(Powertools and botocore read their own variables too: POWERTOOLS_LOG_LEVEL, AWS_ENDPOINT_URL, ...)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from chalicelib import __version__

DEFAULT_LOCAL_API_KEY = "local-dev-key"
# The local usage plan's key for people (backend/local/gateway.py): like AWS's, no client ever sends it.
DEFAULT_LOCAL_PEOPLE_API_KEY = "local-people-usage-key"
DEFAULT_WEB_PORT = "5173"


class ConfigError(Exception):
    """A required setting is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    stage: str
    version: str
    customers_table: str
    cors_allowed_origins: frozenset[str]
    local_api_key: str
    api_key_name: str
    cognito_user_pool_id: str | None
    cognito_client_id: str | None
    cognito_endpoint: str
    people_api_key: str | None
    identity_parameters: str | None
    jwks_timeout_seconds: float
    max_body_bytes: int
    submissions_table: str
    submission_ttl_days: int
    workflow_name: str
    workflow_state_machine_arn: str | None
    request_budget_seconds: float
    idempotency_table: str
    reconcile_after_seconds: int
    cursor_secret: str | None
    cursor_secret_parameter: str | None


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


def _origins(stage: str) -> frozenset[str]:
    configured = os.environ.get("CORS_ALLOWED_ORIGINS")
    if configured is not None:
        return frozenset(o.strip() for o in configured.split(",") if o.strip())
    if stage == "local":
        # The local console runs on WEB_PORT; 127.0.0.1 and localhost are different origins.
        port = os.environ.get("WEB_PORT", DEFAULT_WEB_PORT)
        return frozenset({f"http://127.0.0.1:{port}", f"http://localhost:{port}"})
    return frozenset()


def read_settings() -> Settings:
    stage = os.environ.get("APP_STAGE", "local")
    return Settings(
        stage=stage,
        version=os.environ.get("APP_VERSION", __version__),
        customers_table=os.environ.get("CUSTOMERS_TABLE", "customer_ids"),
        cors_allowed_origins=_origins(stage),
        local_api_key=os.environ.get("LOCAL_API_KEY") or DEFAULT_LOCAL_API_KEY,
        # The machine key's name, as `createdBy` shows it (AWS: the stage's API key's Name).
        api_key_name=os.environ.get("API_KEY_NAME") or DEFAULT_LOCAL_API_KEY,
        # The user pool, its console client and the people usage key: given directly (local stage,
        # tests), or read at first use from the SSM parameters under IDENTITY_PARAMETERS (AWS).
        cognito_user_pool_id=os.environ.get("COGNITO_USER_POOL_ID") or None,
        cognito_client_id=os.environ.get("COGNITO_CLIENT_ID") or None,
        cognito_endpoint=os.environ.get("COGNITO_ENDPOINT") or f"https://cognito-idp.{region()}.amazonaws.com/",
        people_api_key=os.environ.get("PEOPLE_API_KEY") or (DEFAULT_LOCAL_PEOPLE_API_KEY if stage == "local"
                                                            else None),
        identity_parameters=os.environ.get("IDENTITY_PARAMETERS") or None,
        # One try at the pool's signing keys; the request's budget caps it too.
        jwks_timeout_seconds=float(os.environ.get("JWKS_TIMEOUT_SECONDS", "2")),
        max_body_bytes=int(os.environ.get("MAX_BODY_BYTES", str(256 * 1024))),
        submissions_table=os.environ.get("SUBMISSIONS_TABLE", "customer_id_submissions"),
        submission_ttl_days=int(os.environ.get("SUBMISSION_TTL_DAYS", "30")),
        workflow_name=os.environ.get("WORKFLOW_NAME", "customers-workflow"),
        # Usually unset: the event handlers derive it from their own ARN and workflow_name.
        workflow_state_machine_arn=os.environ.get("WORKFLOW_STATE_MACHINE_ARN") or None,
        # Every API request answers within this, inside the Lambda timeout and API Gateway's 29 s.
        request_budget_seconds=float(os.environ.get("REQUEST_BUDGET_SECONDS", "4")),
        idempotency_table=os.environ.get("IDEMPOTENCY_TABLE", "customer_id_idempotency"),
        # How long a submission may stay unfinished before the reconciler takes it up, and how long
        # after an execution stopped abnormally its in-flight insert is waited for.
        reconcile_after_seconds=int(os.environ.get("RECONCILE_AFTER_SECONDS", "60")),
        # The key that signs list cursors: given directly, or the SSM parameter of a deployed stage.
        cursor_secret=os.environ.get("CURSOR_SECRET") or None,
        cursor_secret_parameter=os.environ.get("CURSOR_SECRET_PARAMETER") or None,
    )


@dataclass(frozen=True)
class Telemetry:
    service_name: str
    metrics_namespace: str
    tracing: bool


def telemetry() -> Telemetry:
    """Read when the logger and metrics are built, at import: not part of `Settings`, which
    must not be read before `chalice local` has put the stage's environment in place."""
    return Telemetry(
        service_name=os.environ.get("POWERTOOLS_SERVICE_NAME", "customer-ids"),
        metrics_namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "CustomerIds"),
        # The stages that trace (`xray` in .chalice/config.json) set it; never locally.
        tracing=_flag("TRACING_ENABLED"),
    )


def region() -> str:
    """The region clients are built for: Lambda's own (AWS_REGION), else the SDK's default."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
