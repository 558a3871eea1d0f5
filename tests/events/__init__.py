"""Moved: backend/local/lambda_events.py builds Lambda's context and API Gateway events (bench/ needs
them and may not import tests/). These names stay only while bench/api_bench.py imports them from
here; delete this package once it imports backend.local.lambda_events."""

from __future__ import annotations

from backend.local.lambda_events import LambdaContext, rest_request

__all__ = ["LambdaContext", "rest_request"]
