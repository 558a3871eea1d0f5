"""The AWS clients of the app's composition root, for tests that set up or watch the emulator."""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders

from chalicelib import wiring
from chalicelib.aws import Clients


def clients() -> Clients:
    """The current root's clients: the ones the code under test calls through."""
    return wiring.services().clients


def throttling(request: Any, **_: Any) -> AWSResponse:
    """A `before-send` handler: what DynamoDB, EventBridge and SSM answer when they throttle."""
    headers = HTTPHeaders.from_dict({"x-amzn-ErrorType": "ThrottlingException"})
    body = b'{"__type":"ThrottlingException","message":"slow down"}'
    raw = type("Raw", (), {"stream": lambda self, **_: iter([body])})()
    return AWSResponse(request.url, 400, headers, raw)
