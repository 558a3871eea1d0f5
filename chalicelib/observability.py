"""Structured JSON logs, EMF metrics and X-Ray tracing, set up once per Lambda container."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import Metrics, MetricUnit

# Powertools reads POWERTOOLS_SERVICE_NAME, _LOG_LEVEL and _METRICS_NAMESPACE from the stage config.
logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "customer-ids"))
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "CustomerIds"))


def count(name: str, value: int = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def flush_metrics() -> None:
    """Emit this request's metrics as one EMF log line (CloudWatch turns it into metrics)."""
    if metrics.metric_set:
        metrics.flush_metrics()


def tracing_enabled() -> bool:
    return os.environ.get("TRACING_ENABLED", "").lower() == "true"


@cache
def _recorder() -> Any:
    # Imported only when tracing is on: aws_xray_sdk builds its own client at import (~90 ms).
    from aws_xray_sdk.core import patch, xray_recorder

    xray_recorder.configure(service=logger.service, context_missing="LOG_ERROR")
    patch(["botocore"])  # every DynamoDB call becomes a subsegment
    return xray_recorder


def start_tracing() -> None:
    """Patch AWS SDK calls for X-Ray when the stage turns tracing on (never locally)."""
    if tracing_enabled():
        _recorder()


@contextmanager
def _traced(name: str, annotations: dict[str, str]) -> Iterator[None]:
    with _recorder().in_subsegment(name) as subsegment:
        for key, value in annotations.items():
            subsegment.put_annotation(key, value)
        yield


def trace(name: str, **annotations: str) -> AbstractContextManager[None]:
    """A subsegment around one request, annotated so traces can be searched by route or ID."""
    return _traced(name, annotations) if tracing_enabled() else nullcontext()
