"""CloudWatch alarms and a dashboard, generated for whatever the stage deploys.

Generated rather than written by hand so that a table, state machine or Lambda function added later
(the workflow's, a new event handler) is watched without anyone remembering to add an alarm.
The same generator serves both deploy paths: in the single packaged stack the dimensions are `Ref`s
to Chalice's resources, in deploy.sh's supporting stack they are the names `chalice deploy` gives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

Json = Any  # a CloudFormation value: a literal or an intrinsic function

PERIOD = 300  # seconds; alarms look at one 5-minute window
# Thresholds (sum over PERIOD). Unhandled Lambda errors, throttles and failed executions should
# never happen, so one is worth a page; a few 5XX can be a client retrying through a blip.
API_5XX_THRESHOLD = 5
LAMBDA_ERRORS_THRESHOLD = 1
LAMBDA_THROTTLES_THRESHOLD = 1
TABLE_THROTTLES_THRESHOLD = 1
STATE_MACHINE_FAILURES_THRESHOLD = 1
# The API's p99 latency (ms) over PERIOD: the handler's own budget is 4 s (REQUEST_BUDGET_SECONDS);
# a release that pushes p99 past 2.5 s is slower than any healthy one measured, and rolls back.
API_LATENCY_P99_MS = 2500
# An event a handler failed past Lambda's retries: the reconciler finishes its submission, but
# the cause (a bug, a permission, an outage) needs a person.
DEAD_LETTERS_THRESHOLD = 1
# The reconciler finishes any submission within about five minutes (the 3-minute execution
# timeout + its 1-minute threshold + one run); older than this, something keeps it from doing so.
STRANDED_SUBMISSION_SECONDS = 600
# Functions whose answers include raising (logical IDs): the authorizer refuses a credential with
# `Exception("Unauthorized")`, API Gateway's way to a 401, so its Errors count refusals, not faults.
# They get no Errors alarm (a wrong password would page someone and roll a canary back); their
# faults reach callers as AUTHORIZER_FAILURE (503), which the API's 5XX alarm watches.
ANSWERS_BY_RAISING = frozenset({"Authorize"})


@dataclass(frozen=True)
class Table:
    key: str  # logical ID of the table resource
    name: Json  # the TableName dimension value
    indexes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Targets:
    prefix: str  # "<app>-<stage>": every alarm name and the dashboard name start with it
    topic: Json  # ARN of the SNS topic alarms notify
    api_name: str
    api_stage: Json
    functions: list[tuple[str, Json]] = field(default_factory=list)  # (logical ID, FunctionName)
    tables: list[Table] = field(default_factory=list)
    state_machines: list[tuple[str, Json]] = field(default_factory=list)  # (logical ID, ARN)
    dead_letter_queues: list[tuple[str, Json]] = field(default_factory=list)  # (logical ID, QueueName)
    metrics_namespace: str = "CustomerIds"  # our own metrics (Powertools, EMF)
    # The alias CodeDeploy shifts (backend/deploy/canary.py): when set, each function also gets an
    # alarm on the errors of the version being released, the canary's first rollback signal.
    release_alias: str = ""


def _alarm(t: Targets, name: str, description: str, threshold: int, metrics: Json) -> Json:
    properties: dict[str, Json] = {
        "AlarmName": f"{t.prefix}-{name}",
        "AlarmDescription": description,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "Threshold": threshold,
        "EvaluationPeriods": 1,
        "DatapointsToAlarm": 1,
        # No traffic means no data points: that is healthy, not an alarm.
        "TreatMissingData": "notBreaching",
        "AlarmActions": [t.topic],
        "OKActions": [t.topic],
    }
    properties.update(metrics)
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": properties}


def _single(namespace: str, metric: str, dimensions: dict[str, Json], statistic: str = "Sum") -> Json:
    return {
        "Namespace": namespace,
        "MetricName": metric,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions.items()],
        # Percentiles ("p99") are extended statistics in CloudWatch's API.
        ("ExtendedStatistic" if statistic.startswith("p") else "Statistic"): statistic,
        "Period": PERIOD,
    }


def _sum_of(label: str, namespace: str, series: list[tuple[str, dict[str, Json]]]) -> Json:
    """Metric math: one alarm over the sum of several metrics (e.g. read + write throttles)."""
    queries: list[Json] = [
        {
            "Id": f"m{i}",
            "MetricStat": {
                "Metric": {
                    "Namespace": namespace,
                    "MetricName": metric,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                },
                "Period": PERIOD,
                "Stat": "Sum",
            },
            "ReturnData": False,
        }
        for i, (metric, dims) in enumerate(series)
    ]
    queries.append({"Id": "total", "Expression": "SUM(METRICS())", "Label": label, "ReturnData": True})
    return {"Metrics": queries}


def alarms(t: Targets) -> dict[str, Json]:
    """CloudFormation resources: one alarm per failure signal the issue names."""
    resources: dict[str, Json] = {
        "Api5xxAlarm": _alarm(
            t,
            "api-5xx",
            f"API answered {API_5XX_THRESHOLD}+ 5XX responses in 5 minutes.",
            API_5XX_THRESHOLD,
            _single("AWS/ApiGateway", "5XXError", {"ApiName": t.api_name, "Stage": t.api_stage}),
        )
    }
    resources["ApiLatencyP99Alarm"] = _alarm(
        t,
        "api-latency-p99",
        f"API p99 latency reached {API_LATENCY_P99_MS} ms over 5 minutes.",
        API_LATENCY_P99_MS,
        _single("AWS/ApiGateway", "Latency", {"ApiName": t.api_name, "Stage": t.api_stage}, "p99"),
    )
    for key, name in t.functions:
        dims = {"FunctionName": name}
        if key not in ANSWERS_BY_RAISING:
            if t.release_alias:
                resources[f"{key}NewVersionErrorsAlarm"] = _new_version_errors(t, key, name)
            resources[f"{key}ErrorsAlarm"] = _alarm(
                t,
                f"{key}-errors",
                f"Lambda {key} raised unhandled errors.",
                LAMBDA_ERRORS_THRESHOLD,
                _single("AWS/Lambda", "Errors", dims),
            )
        resources[f"{key}ThrottlesAlarm"] = _alarm(
            t,
            f"{key}-throttles",
            f"Lambda {key} was throttled.",
            LAMBDA_THROTTLES_THRESHOLD,
            _single("AWS/Lambda", "Throttles", dims),
        )
    for table in t.tables:
        series: list[tuple[str, dict[str, Json]]] = []
        for index in ("", *table.indexes):
            dims = {"TableName": table.name} | ({"GlobalSecondaryIndexName": index} if index else {})
            series += [("ReadThrottleEvents", dims), ("WriteThrottleEvents", dims)]
        resources[f"{table.key}ThrottlesAlarm"] = _alarm(
            t,
            f"{table.key}-throttles",
            f"DynamoDB throttled requests to {table.key} or its indexes.",
            TABLE_THROTTLES_THRESHOLD,
            _sum_of("throttle events", "AWS/DynamoDB", series),
        )
    for key, arn in t.state_machines:
        dims = {"StateMachineArn": arn}
        resources[f"{key}FailuresAlarm"] = _alarm(
            t,
            f"{key}-failures",
            f"Executions of {key} failed or timed out.",
            STATE_MACHINE_FAILURES_THRESHOLD,
            _sum_of(
                "failed executions", "AWS/States", [("ExecutionsFailed", dims), ("ExecutionsTimedOut", dims)]
            ),
        )
    resources.update(_recovery_alarms(t))
    return resources


def _new_version_errors(t: Targets, key: str, name: Json) -> Json:
    """Errors of the version being released only: Lambda reports alias invocations per
    ExecutedVersion, and SAM's `<Function>.Version` is the version its AutoPublishAlias creates."""
    return _alarm(
        t,
        f"{key}-new-version-errors",
        f"The version of {key} being released raised unhandled errors (rolls the release back).",
        LAMBDA_ERRORS_THRESHOLD,
        _single("AWS/Lambda", "Errors", {
            "FunctionName": name,
            "Resource": {"Fn::Sub": ["${Name}:" + t.release_alias, {"Name": name}]},
            "ExecutedVersion": {"Fn::GetAtt": [f"{key}.Version", "Version"]},
        }),
    )


def _recovery_alarms(t: Targets) -> dict[str, Json]:
    """Dead letters, and a submission nobody finishes (the reconciler's own metric)."""
    resources: dict[str, Json] = {}
    for key, name in t.dead_letter_queues:
        resources[f"{key}DepthAlarm"] = _alarm(
            t,
            f"{key}-depth",
            f"Events that a workflow handler failed past Lambda's retries wait in {key}.",
            DEAD_LETTERS_THRESHOLD,
            _single("AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": name}, "Maximum"),
        )
    if t.state_machines:
        resources["StrandedSubmissionAlarm"] = _alarm(
            t,
            "stranded-submission",
            f"A submission is still unfinished {STRANDED_SUBMISSION_SECONDS} s after it was made "
            "(OldestUnfinishedSubmissionAge, reported by the reconciler every minute).",
            STRANDED_SUBMISSION_SECONDS,
            _single(t.metrics_namespace, "OldestUnfinishedSubmissionAge", {}, "Maximum"),
        )
    return resources


class _Placeholders:
    """Turns CloudFormation values into ${Vn} names for one Fn::Sub over the dashboard JSON."""

    def __init__(self) -> None:
        self.variables: dict[str, Json] = {}

    def __call__(self, value: Json) -> str:
        if isinstance(value, str):
            return value
        name = f"V{len(self.variables)}"
        self.variables[name] = value
        return "${" + name + "}"


def _widget(title: str, metrics: list[list[Any]], stat: str, y: int, x: int) -> dict[str, Any]:
    return {
        "type": "metric",
        "x": x,
        "y": y,
        "width": 12,
        "height": 6,
        "properties": {
            "title": title,
            "region": "${AWS::Region}",
            "metrics": metrics,
            "stat": stat,
            "period": PERIOD,
            "view": "timeSeries",
        },
    }


def _recovery_widget(t: Targets, ph: _Placeholders) -> dict[str, Any]:
    """What the reconciler did and what is left: re-driven, resolved, oldest unfinished, dead letters."""
    ours = t.metrics_namespace
    metrics: list[list[Any]] = [
        [ours, "SubmissionsRedriven", {"stat": "Sum", "label": "re-driven (lost start)"}],
        [ours, "SubmissionsResolved", {"stat": "Sum", "label": "resolved (lost end)"}],
        [ours, "OldestUnfinishedSubmissionAge", {"stat": "Maximum", "label": "oldest unfinished (s)",
                                                 "yAxis": "right"}],
    ]
    metrics += [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", ph(name),
                 {"stat": "Maximum", "label": f"{key} depth"}] for key, name in t.dead_letter_queues]
    return _widget("Workflow recovery: reconciler and dead letters", metrics, "Sum", 18, 0) | {"width": 24}


def _errors_label(key: str, metric: str) -> str:
    return "refusals (401)" if metric == "Errors" and key in ANSWERS_BY_RAISING else metric


def dashboard(t: Targets, alarm_keys: list[str]) -> dict[str, Json]:
    ph = _Placeholders()
    api = ["ApiName", t.api_name, "Stage", ph(t.api_stage)]
    fns = [(key, ph(name)) for key, name in t.functions]
    widgets = [
        _widget(
            "API requests and errors",
            [["AWS/ApiGateway", m, *api] for m in ("Count", "4XXError", "5XXError")],
            "Sum",
            0,
            0,
        ),
        _widget(
            "API latency p99 (ms)",
            [["AWS/ApiGateway", m, *api] for m in ("Latency", "IntegrationLatency")],
            "p99",
            0,
            12,
        ),
        _widget(
            "Lambda errors and throttles",
            [
                ["AWS/Lambda", m, "FunctionName", n, {"label": f"{k} {_errors_label(k, m)}"}]
                for k, n in fns
                for m in ("Errors", "Throttles")
            ],
            "Sum",
            6,
            0,
        ),
        _widget(
            "Lambda duration p99 (ms)",
            [["AWS/Lambda", "Duration", "FunctionName", n, {"label": k}] for k, n in fns],
            "p99",
            6,
            12,
        ),
    ]
    tables = [(tb.key, ph(tb.name)) for tb in t.tables]
    widgets.append(
        _widget(
            "DynamoDB consumed capacity and throttles",
            [
                ["AWS/DynamoDB", m, "TableName", n, {"label": f"{k} {m}"}]
                for k, n in tables
                for m in (
                    "ConsumedReadCapacityUnits",
                    "ConsumedWriteCapacityUnits",
                    "ReadThrottleEvents",
                    "WriteThrottleEvents",
                )
            ],
            "Sum",
            12,
            0,
        )
    )
    if t.state_machines:
        machines = [(k, ph(arn)) for k, arn in t.state_machines]
        widgets.append(
            _widget(
                "Workflow executions",
                [
                    ["AWS/States", m, "StateMachineArn", a, {"label": f"{k} {m}"}]
                    for k, a in machines
                    for m in (
                        "ExecutionsStarted",
                        "ExecutionsSucceeded",
                        "ExecutionsFailed",
                        "ExecutionsTimedOut",
                    )
                ],
                "Sum",
                12,
                12,
            )
        )
    widgets.append(_recovery_widget(t, ph))
    widgets.append(
        {
            "type": "alarm",
            "x": 0,
            "y": 24,
            "width": 24,
            "height": 4,
            "properties": {"title": "Alarms", "alarms": [ph({"Fn::GetAtt": [k, "Arn"]}) for k in alarm_keys]},
        }
    )
    body = json.dumps({"widgets": widgets}, separators=(",", ":"))
    return {
        "Dashboard": {
            "Type": "AWS::CloudWatch::Dashboard",
            "Properties": {"DashboardName": t.prefix, "DashboardBody": {"Fn::Sub": [body, ph.variables]}},
        }
    }


def monitoring(t: Targets) -> dict[str, Json]:
    resources = alarms(t)
    resources.update(dashboard(t, sorted(resources)))
    return resources
