"""`make bench`, workflow part: submission -> SUCCEEDED, next to the same insert done by PUT.

Against a local stack on free ports (the emulator, chalice local, the workflow's event glue):
20 submissions of fresh IDs, one at a time, each timed from sending POST /workflow/submit to the
first GET /workflow/submissions/{id} that says SUCCEEDED (polled every 10 ms); then 20 PUTs of
fresh IDs. Medians, plus where the workflow's time goes: the POST itself, event delivery up to the
execution's start, and the execution in moto's interpreter.

Absolute times are the emulator's and the local glue's (which polls), not AWS's; the ratio says
what going asynchronous costs here. Timings are noisy on 2 cores: nothing here passes or fails.
Run from the repository root: `.venv/bin/python bench/workflow_bench.py` (`make bench` does).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from backend.devstack import DevStack  # noqa: E402
from tests.conftest import free_port, fresh_id  # noqa: E402

RUNS = 20
POLL_SECONDS = 0.01


def line(name: str, value_ms: float, baseline_ms: float | None = None, baseline: str = "") -> None:
    text = f"{name}: {value_ms:.1f} ms"
    if baseline_ms is not None:
        text += f" vs {baseline} {baseline_ms:.1f} ms = {value_ms / baseline_ms:.2f}x"
    print(text, flush=True)


def submit_until_succeeded(api: httpx.Client) -> dict[str, Any]:
    started = time.perf_counter()
    response = api.post("/workflow/submit", json={"id": fresh_id("bench")})
    accepted = time.perf_counter()
    response.raise_for_status()
    location = response.headers["location"]
    while True:
        body: dict[str, Any] = api.get(location).json()
        if body["status"] in ("SUCCEEDED", "FAILED"):
            break
        time.sleep(POLL_SECONDS)
    finished = time.perf_counter()
    if (body["status"], body["outcome"]) != ("SUCCEEDED", "inserted"):
        raise RuntimeError(f"the workflow did not insert: {body}")
    return {"total": finished - started, "post": accepted - started, **body}


def execution_times(stack: DevStack, submission: dict[str, Any]) -> tuple[float, float]:
    """(submitted -> execution started, execution duration), in seconds, from the emulator."""
    sfn = stack.client("stepfunctions")
    machine = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]
                   if m["name"] == "customers-workflow")
    arn = machine.replace(":stateMachine:", ":execution:") + f":{submission['submissionId']}"
    execution = sfn.describe_execution(executionArn=arn)
    submitted = datetime.fromisoformat(submission["submittedAt"])
    start: datetime = execution["startDate"]
    stop: datetime = execution["stopDate"]
    return (start - submitted).total_seconds(), (stop - start).total_seconds()


def timed_put(api: httpx.Client) -> float:
    started = time.perf_counter()
    response = api.put(f"/customers/{fresh_id('bench')}")
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed


def ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    with DevStack(api_port=free_port(), emulator_port=free_port(), web_port=free_port(), web=False,
                  quiet=True) as stack, \
            httpx.Client(base_url=stack.api_url, headers={"x-api-key": stack.api_key}, timeout=30) as api:
        for _ in range(2):  # warm up both paths: first imports, first clients, first connections
            submit_until_succeeded(api)
            timed_put(api)
        submissions = [submit_until_succeeded(api) for _ in range(RUNS)]
        puts = [timed_put(api) for _ in range(RUNS)]
        phases = [execution_times(stack, s) for s in submissions]

    line(f"workflow submit -> SUCCEEDED/inserted (median of {RUNS})", ms([s["total"] for s in submissions]),
         ms(puts), f"PUT /customers/{{id}} (median of {RUNS})")
    line("  POST /workflow/submit answered 202 (median)", ms([s["post"] for s in submissions]))
    line("  submittedAt -> execution started: EventBridge -> SQS -> start handler (median)",
         ms([started for started, _ in phases]))
    line("  execution in moto's interpreter, 3 DynamoDB steps (median)", ms([run for _, run in phases]))
    line("  slowest submission -> SUCCEEDED", max(s["total"] for s in submissions) * 1000)


if __name__ == "__main__":
    main()
