"""Every error the service can answer with: its status and stable code, declared once per class.

Domain code raises these without knowing HTTP; chalicelib/http/responses.py turns them into
`{"error": {"code", "message"}}` with the status below.
"""

from __future__ import annotations


class AppError(Exception):
    """Base of every error that reaches a client as a clear message."""

    status = 500
    code = "internal_error"
    retry_after_seconds: int | None = None  # set: the answer carries Retry-After
    challenge: str | None = None  # set: the answer carries WWW-Authenticate (RFC 6750)

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidIdError(AppError):
    status, code = 400, "invalid_id"


class InvalidRequestError(AppError):
    status, code = 400, "invalid_request"


class MalformedJsonError(AppError):
    status, code = 400, "malformed_json"


class InvalidCursorError(AppError):
    status, code = 400, "invalid_cursor"


class IdempotencyKeyInvalidError(AppError):
    status, code = 400, "invalid_idempotency_key"


SIGN_IN = "sign in: send Authorization: Bearer <access token> (people) or x-api-key (machines)"


class UnauthenticatedError(AppError):
    """No credential, or one that is not valid: the same answer whatever the reason, which only
    the log says (`reason`)."""

    status, code = 401, "unauthenticated"
    challenge = "Bearer"

    def __init__(self, reason: str, message: str = SIGN_IN) -> None:
        super().__init__(message)
        self.reason = reason


class ForbiddenError(AppError):
    """A key that is not one of the stage's (API Gateway's own answer in AWS)."""

    status, code = 403, "forbidden"


class InsufficientRoleError(AppError):
    """A valid identity whose role does not include the route."""

    status, code = 403, "insufficient_role"


class NotFoundError(AppError):
    status, code = 404, "not_found"


class MethodNotAllowedError(AppError):
    status, code = 405, "method_not_allowed"


class AlreadyExistsError(AppError):
    status, code = 409, "already_exists"


class IdempotencyKeyInUseError(AppError):
    """An earlier request with the same Idempotency-Key is still running."""

    status, code = 409, "idempotency_key_in_use"
    retry_after_seconds = 1


class PayloadTooLargeError(AppError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaTypeError(AppError):
    status, code = 415, "unsupported_media_type"


class IdempotencyKeyReusedError(AppError):
    """The Idempotency-Key was used before for a different request."""

    status, code = 422, "idempotency_key_reused"


class ServiceUnavailableError(AppError):
    """The data store is throttling or down; the client should retry later."""

    status, code = 503, "service_unavailable"
    retry_after_seconds = 1


# API Gateway answers these itself (backend/infra/gateway-responses.json); our code never raises them.
# They are listed so the gateway responses and the OpenAPI document share this one table of codes.


class TooManyRequestsError(AppError):
    """The stage's or the key's request rate is exceeded (API Gateway THROTTLED)."""

    status, code = 429, "too_many_requests"
    retry_after_seconds = 1


class QuotaExceededError(AppError):
    """The key's request quota for the usage plan's period is used up (API Gateway QUOTA_EXCEEDED)."""

    status, code = 429, "quota_exceeded"


class FunctionFailedError(AppError):
    """The function crashed or was stopped before it answered (API Gateway DEFAULT_5XX)."""

    status, code = 502, "internal_error"


class GatewayTimeoutError(AppError):
    """No answer from the function within API Gateway's integration timeout (INTEGRATION_TIMEOUT)."""

    status, code = 504, "gateway_timeout"
    retry_after_seconds = 1
