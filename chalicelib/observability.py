"""Structured JSON logs, EMF metrics and X-Ray traces: Powertools' Logger, Metrics and Tracer.

`instrument(app)` applies them to every entry point as Chalice middleware, so no handler does it
by hand:
- Logger.inject_lambda_context: every line of an invocation carries the Lambda context and a
  correlation ID (the EventBridge event's ID; a request's is API Gateway's request ID, set with the
  request's own keys, per thread); an event handler's keys from the previous invocation are gone.
- Tracer.capture_lambda_handler: a subsegment per invocation, every botocore call inside it; only
  in the stages that trace (TRACING_ENABLED), as aws_xray_sdk costs ~90 ms of cold start to import.
- Metrics: what an invocation counted is flushed as one EMF line when it ends (`flush_metrics`).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from chalice.app import Chalice, Request

from chalicelib.config import telemetry

_TELEMETRY = telemetry()
logger = Logger(service=_TELEMETRY.service_name)
metrics = Metrics(namespace=_TELEMETRY.metrics_namespace, service=_TELEMETRY.service_name)

# A request that counted nothing (most GETs) is normal, not worth a warning.
warnings.filterwarnings("ignore", message="No application metrics to publish")

Handler = Callable[[Any, Any], Any]


def _tracer() -> Any:
    if not _TELEMETRY.tracing:
        return None
    from aws_lambda_powertools import Tracer

    return Tracer(service=_TELEMETRY.service_name, patch_modules=("botocore",))


tracer = _tracer()


# `chalice local` answers on many threads and Powertools' metric set is shared: a flush that walked
# the set while another thread added to it raised (a 500 from outside the app's error boundary),
# and its clear dropped what the other thread had just counted. Lambda runs one at a time.
_metric_set = threading.Lock()


def record(name: str, value: float, unit: MetricUnit) -> None:
    with _metric_set:
        metrics.add_metric(name=name, unit=unit, value=value)


def count(name: str, value: int = 1) -> None:
    record(name, value, MetricUnit.Count)


def request_keys(**keys: str | None) -> None:
    """This request's own log keys, replacing the previous request's on this thread."""
    logger.thread_safe_clear_keys()
    logger.thread_safe_append_keys(**keys)


def annotate(**annotations: str) -> None:
    """Make this invocation's trace searchable by these values (nothing when not tracing)."""
    # On the handler's subsegment, found once: each `tracer.put_annotation` would look it up again.
    subsegment = tracer.provider.current_subsegment() if tracer is not None else None
    if subsegment is not None:
        for key, value in annotations.items():
            subsegment.put_annotation(key, value)


# The rest of the middleware chain, for the one handler the Powertools decorators wrap.
_next: ContextVar[Callable[[], Any]] = ContextVar("rest_of_chain")


def handler(event: Any, context: Any) -> Any:
    """What Powertools' decorators wrap (X-Ray names each invocation's subsegment "## handler")."""
    return _next.get()()


def _as_middleware(decorated: Handler) -> Callable[[Any, Callable[[Any], Any]], Any]:
    """chalice's ConvertToMiddleware, with the decorator applied once here instead of on every
    invocation: re-decorating (functools.wraps, environment lookups) cost about 115 Python calls a
    request, half of what the three decorators add to a warm request (bench/api_bench.py)."""

    def middleware(event: Any, get_response: Callable[[Any], Any]) -> Any:
        if isinstance(event, Request):
            original, context = event.to_original_event(), event.lambda_context
        else:
            original, context = event.to_dict(), event.context
        token = _next.set(lambda: get_response(event))
        try:
            return decorated(original, context)
        finally:
            _next.reset(token)

    return middleware


def flush_metrics(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Metrics.log_metrics as middleware, flushing under the lock that `record` adds under."""
    try:
        return get_response(event)
    finally:
        with _metric_set:
            metrics.flush_metrics()


def instrument(app: Chalice) -> None:
    """Register the middleware; the first registered runs outermost, so logs carry context first and
    metrics are flushed last, after every other middleware has counted."""
    # A request's own keys, its correlation ID (API Gateway's request ID) among them, are kept per
    # thread by the HTTP middleware (`request_keys`): `chalice local` answers on many threads, and
    # clearing or setting the shared keys under one request would garble another's lines.
    app.register_middleware(_as_middleware(logger.inject_lambda_context(handler)), "http")
    for event_type in ("cloudwatch", "scheduled"):
        log_context = logger.inject_lambda_context(
            handler, clear_state=True, correlation_id_path=correlation_paths.EVENT_BRIDGE)
        app.register_middleware(_as_middleware(log_context), event_type)
    if tracer is not None:
        traced = tracer.capture_lambda_handler(handler, capture_response=False)
        app.register_middleware(_as_middleware(traced), "all")
    app.register_middleware(flush_metrics, "all")
