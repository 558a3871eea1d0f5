"""The one place an error becomes an HTTP response.

Every error answer has the shape `{"error": {"code", "message"}}`, the status its class declares
(chalicelib/errors.py) and `Retry-After` when the client should come back. Three kinds of failure
arrive here: an AppError raised by our code (its own answer), any other exception (a logged 500 that
tells nothing), and an error answer Chalice produced itself before our code ran (405, 415, a bad
request): `in_error_shape` puts that one into ours.
"""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Response

from chalicelib.errors import (
    AlreadyExistsError,
    AppError,
    ForbiddenError,
    IdempotencyKeyReusedError,
    InvalidRequestError,
    MethodNotAllowedError,
    NotFoundError,
    PayloadTooLargeError,
    ServiceUnavailableError,
    UnsupportedMediaTypeError,
)
from chalicelib.observability import logger

INTERNAL_ERROR_MESSAGE = "an internal error occurred; it has been logged"

# Chalice's own error answers ({"Code", "Message"}), by their code, then by status.
_CHALICE_CODES: dict[str, type[AppError]] = {
    "MethodNotAllowedError": MethodNotAllowedError,
    "UnsupportedMediaType": UnsupportedMediaTypeError,
    "BadRequestError": InvalidRequestError,
    "BadRequest": InvalidRequestError,
    "NotFoundError": NotFoundError,
}
_BY_STATUS: dict[int, type[AppError]] = {
    400: InvalidRequestError,
    403: ForbiddenError,
    404: NotFoundError,
    405: MethodNotAllowedError,
    409: AlreadyExistsError,
    413: PayloadTooLargeError,
    415: UnsupportedMediaTypeError,
    422: IdempotencyKeyReusedError,
    503: ServiceUnavailableError,
}
# Chalice's message names internals for these ("Unsupported media type: text/plain"): ours instead.
_OWN_MESSAGES: dict[type[AppError], str] = {
    MethodNotAllowedError: "this method is not allowed here",
    UnsupportedMediaTypeError: "send the request body as application/json",
    AppError: INTERNAL_ERROR_MESSAGE,
}


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def error_response(error: AppError, headers: dict[str, str] | None = None) -> Response:
    all_headers: dict[str, str | list[str]] = {"Content-Type": "application/json", **(headers or {})}
    if error.retry_after_seconds is not None:
        all_headers["Retry-After"] = str(error.retry_after_seconds)
    if error.challenge is not None:
        all_headers["WWW-Authenticate"] = error.challenge
    return Response(error_body(error.code, error.message), headers=all_headers, status_code=error.status)


def response_for(error: Exception) -> Response:
    """The answer to an exception raised while handling a request; call it where it was caught."""
    if isinstance(error, AppError):
        if error.status >= 500:
            logger.warning("unavailable", cause=repr(error.__cause__ or error))
        return error_response(error)
    logger.exception("unhandled error", exc_info=error)
    return error_response(AppError(INTERNAL_ERROR_MESSAGE))


def error_code(response: Response) -> str | None:
    """The error code an answer carries; None for a success (a submission's `"error": null` too)."""
    error = response.body.get("error") if isinstance(response.body, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) else None


def in_error_shape(response: Response) -> Response:
    """`response` itself, unless it is an error Chalice answered in its own shape: then ours."""
    if response.status_code < 400 or error_code(response) is not None:
        return response
    found = _chalice_error(response.body)
    kind = _CHALICE_CODES.get(str(found.get("Code", ""))) or _BY_STATUS.get(response.status_code, AppError)
    message = _OWN_MESSAGES.get(kind) or str(found.get("Message") or INTERNAL_ERROR_MESSAGE)
    reshaped = error_response(kind(message))
    reshaped.headers.update({k: v for k, v in response.headers.items() if k.lower() == "allow"})
    return reshaped


def _chalice_error(body: Any) -> dict[str, Any]:
    if isinstance(body, str | bytes):
        try:
            body = json.loads(body)
        except ValueError:
            return {}
    return body if isinstance(body, dict) else {}
