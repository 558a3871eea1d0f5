"""`make bench`, workflow part: what going asynchronous costs, and what the local stack sustains.

Against a local stack on free ports (the emulator, chalice local, the workflow glue):

1. submission -> SUCCEEDED, next to the same insert done by PUT: 20 submissions of fresh IDs, one
   at a time, each timed from sending POST /workflow/submit to the first GET that says SUCCEEDED
   (polled every 10 ms); then 20 PUTs. Medians, and where the workflow's time goes.
2. a lost event -> the submission's final status: the start handler's rule has no target while 3
   submissions are sent (their CustomerIdSubmitted events reach nothing), then gets it back; the
   app's `@app.schedule` reconciler must finish them. Without one in the app: n/a.
3. a burst of 300 submissions, sent 16 at a time: time until all are final (from the first
   submittedAt to the last updatedAt, server-side), and each one's submittedAt -> updatedAt.
4. API GET throughput (8 concurrent clients, GET /customers/{id}), the CPU each process spends per
   GET, and the idle CPU of each process, before and after 1,000 executions (those above, the rest
   started directly on the state machine with an invalid ID), "after" once the emulator has announced
   every one of them ended: flat means the local stack's work does not grow with history.

Absolute times are the emulator's and the local glue's, not AWS's. Timings are noisy on 2 cores:
nothing here passes or fails. Run from the repository root: `.venv/bin/python bench/workflow_bench.py`
(`make bench` does).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from backend.local.devstack import DevStack  # noqa: E402
from backend.local.event_queue import route_to_queue, take_events  # noqa: E402
from backend.local.glue import schedule_seconds, scheduled_handlers  # noqa: E402
from backend.local.unique import free_port, fresh_id  # noqa: E402

RUNS = 20
POLL_SECONDS = 0.01
LOST = 3
BURST = 300
EXECUTIONS = 1_000
SENDERS = 16
READERS = 8
THROUGHPUT_SECONDS = 5.0
IDLE_SECONDS = 5.0
FINAL = ("SUCCEEDED", "FAILED")
START_RULE = "customer-ids-local-start_workflow"  # the glue's rule for the start handler
SUBMISSIONS_TABLE = "customer_id_submissions"


def line(name: str, value_ms: float, baseline_ms: float | None = None, baseline: str = "") -> None:
    text = f"{name}: {value_ms:.1f} ms"
    if baseline_ms is not None:
        text += f" vs {baseline} {baseline_ms:.1f} ms = {value_ms / baseline_ms:.2f}x"
    print(text, flush=True)


def submit(api: httpx.Client) -> dict[str, Any]:
    response = api.post("/workflow/submit", json={"id": fresh_id("bench")})
    response.raise_for_status()
    return {**response.json(), "location": response.headers["location"]}


def wait_final(api: httpx.Client, location: str, timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (body := api.get(location).json())["status"] not in FINAL:
        if time.monotonic() > deadline:
            raise RuntimeError(f"still {body['status']} after {timeout:.0f} s: {body}")
        time.sleep(POLL_SECONDS)
    result: dict[str, Any] = body
    return result


def submit_until_succeeded(api: httpx.Client) -> dict[str, Any]:
    started = time.perf_counter()
    accepted = submit(api)
    posted = time.perf_counter()
    body = wait_final(api, accepted["location"])
    finished = time.perf_counter()
    if (body["status"], body["outcome"]) != ("SUCCEEDED", "inserted"):
        raise RuntimeError(f"the workflow did not insert: {body}")
    return {"total": finished - started, "post": posted - started, **body}


def workflow_arn(sfn: Any) -> str:
    """The local stage's state machine, as the glue registered it."""
    return str(next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]
                    if m["name"] == "customers-workflow"))


def execution_times(stack: DevStack, submission: dict[str, Any]) -> tuple[float, float]:
    """(submitted -> execution started, execution duration), in seconds, from the emulator."""
    sfn = stack.client("stepfunctions")
    machine = workflow_arn(sfn)
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


def seconds_between(earlier: str, later: str) -> float:
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds()


# -- 1. one submission at a time ----------------------------------------------------------------
def one_at_a_time(stack: DevStack, api: httpx.Client) -> float:
    """Returns the median submission -> SUCCEEDED, in seconds: the baseline of what follows."""
    submissions = [submit_until_succeeded(api) for _ in range(RUNS)]
    puts = [timed_put(api) for _ in range(RUNS)]
    phases = [execution_times(stack, s) for s in submissions]
    line(f"workflow submit -> SUCCEEDED/inserted (median of {RUNS})", ms([s["total"] for s in submissions]),
         ms(puts), f"PUT /customers/{{id}} (median of {RUNS})")
    line("  POST /workflow/submit answered 202 (median)", ms([s["post"] for s in submissions]))
    line("  submittedAt -> execution started: EventBridge -> SQS -> start handler (median)",
         ms([started for started, _ in phases]))
    line("  execution in moto's interpreter (median)", ms([run for _, run in phases]))
    line("  slowest submission -> SUCCEEDED", max(s["total"] for s in submissions) * 1000)
    return float(statistics.median(s["total"] for s in submissions))


# -- 2. a lost event ----------------------------------------------------------------------------
def app_schedules() -> list[str]:
    """The `@app.schedule` functions the Chalice app declares (the glue runs each locally)."""
    import app  # here, not at the top: only this figure needs the app imported

    return [handler.name for handler in scheduled_handlers(app.app)]


def reconcile_after() -> str:
    """The reconciler's threshold as the local stage sets it (the stage's value wins, as in chalice)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    local = config["stages"]["local"].get("environment_variables", {})
    name = "RECONCILE_AFTER_SECONDS"
    value = (local.get(name) or config["environment_variables"].get(name) or os.environ.get(name)
             or "its default")
    return str(value)


def lost_events(stack: DevStack, api: httpx.Client, baseline_s: float) -> int:
    """Returns how many submissions it made."""
    schedules = app_schedules()
    name = f"lost event -> final status (median of {LOST})"
    if not schedules:
        print(f"{name}: n/a: the app declares no @app.schedule function (no reconciler), so a "
              "submission whose event is lost stays PENDING", flush=True)
        return 0
    # The start handler's rule loses its target meanwhile: the events match and go nowhere.
    # (moto ignores a DISABLED rule's state, so disabling it would lose nothing.)
    events = stack.client("events")
    targets = events.list_targets_by_rule(Rule=START_RULE)["Targets"]
    events.remove_targets(Rule=START_RULE, Ids=[target["Id"] for target in targets])
    try:
        accepted = [submit(api) for _ in range(LOST)]
    finally:
        events.put_targets(Rule=START_RULE, Targets=targets)
    started = time.perf_counter()
    ends = [wait_final(api, a["location"], timeout=600) for a in accepted]
    waited = time.perf_counter() - started
    times = [seconds_between(e["submittedAt"], e["updatedAt"]) for e in ends]
    statuses = sorted({f"{e['status']}/{e['outcome']}" for e in ends})
    print(f"{name}: {statistics.median(times):.1f} s vs baseline {baseline_s * 1000:.0f} ms when "
          f"delivered = {statistics.median(times) / baseline_s:.0f}x (slowest {max(times):.1f} s, "
          f"{', '.join(statuses)}; schedules {', '.join(schedules)} every {schedule_seconds():g} s "
          f"here, RECONCILE_AFTER_SECONDS={reconcile_after()}; waited {waited:.1f} s)", flush=True)
    return LOST


# -- 3. a burst ---------------------------------------------------------------------------------
def final_records(stack: DevStack, ids: set[str]) -> dict[str, dict[str, str]]:
    """The burst's submissions that are final, read from the table (one scan, not 300 GETs)."""
    dynamodb, found = stack.client("dynamodb"), {}
    pages = dynamodb.get_paginator("scan").paginate(
        TableName=SUBMISSIONS_TABLE, ProjectionExpression="submissionId, #s, submittedAt, updatedAt",
        ExpressionAttributeNames={"#s": "status"})
    for page in pages:
        for item in page["Items"]:
            submission_id = item["submissionId"]["S"]
            if submission_id in ids and item["status"]["S"] in FINAL:
                found[submission_id] = {k: v["S"] for k, v in item.items()}
    return found


def submit_or_none(api: httpx.Client) -> str | None:
    """A refused submission is counted, not fatal: the figure is about the ones accepted."""
    try:
        return str(submit(api)["submissionId"])
    except httpx.HTTPError as error:
        print(f"  a submission was refused: {error}", flush=True)
        return None


def burst(stack: DevStack, api: httpx.Client, count: int, timeout: float = 900) -> list[dict[str, str]]:
    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        ids = {sid for sid in pool.map(lambda _: submit_or_none(api), range(count)) if sid}
    deadline = time.monotonic() + timeout
    while len(done := final_records(stack, ids)) < len(ids):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(ids) - len(done)} of {count} submissions not final after {timeout} s")
        time.sleep(1)
    return list(done.values())


def drain(stack: DevStack, api: httpx.Client, baseline_s: float) -> int:
    records = burst(stack, api, BURST)
    took = seconds_between(min(r["submittedAt"] for r in records), max(r["updatedAt"] for r in records))
    each = sorted(seconds_between(r["submittedAt"], r["updatedAt"]) for r in records)
    failed = sum(r["status"] != "SUCCEEDED" for r in records)
    print(f"burst of {BURST} submissions ({SENDERS} senders) drained in {took:.1f} s = "
          f"{BURST / took:.1f}/s; each: p50 {statistics.median(each):.2f} s, "
          f"p95 {each[int(len(each) * 0.95)]:.2f} s vs baseline {baseline_s:.2f} s one at a time"
          f"{f'; {failed} FAILED' if failed else ''}", flush=True)
    return BURST


# -- 4. flat with history -----------------------------------------------------------------------
def get_throughput(stack: DevStack, customer_id: str) -> float:
    stop, counts = threading.Event(), [0] * READERS

    def read(slot: int) -> None:
        with httpx.Client(base_url=stack.api_url, headers={"x-api-key": stack.api_key}) as client:
            while not stop.is_set():
                client.get(f"/customers/{customer_id}").raise_for_status()
                counts[slot] += 1

    threads = [threading.Thread(target=read, args=(i,)) for i in range(READERS)]
    for thread in threads:
        thread.start()
    time.sleep(THROUGHPUT_SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts) / THROUGHPUT_SECONDS


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def idle_cpu(stack: DevStack) -> dict[str, float]:
    """Each process's CPU use, in % of one core, while nobody calls the API."""
    pids = _pids(stack)
    before = {name: _cpu_seconds(pid) for name, pid in pids.items()}
    time.sleep(IDLE_SECONDS)
    return {name: 100 * (_cpu_seconds(pid) - before[name]) / IDLE_SECONDS for name, pid in pids.items()}


def start_directly(stack: DevStack, count: int) -> set[str]:
    """Executions of the workflow with the start handler's input, for an invalid ID (so nothing is
    inserted), started 8 at a time: history the stack must not slow down with, faster than the API path.
    Returns their names."""
    from chalicelib.customers.domain import utc_now
    from chalicelib.workflow.executions import workflow_input
    from chalicelib.workflow.submissions import WorkflowRequest

    sfn = stack.client("stepfunctions")
    machine = workflow_arn(sfn)

    def start(_: int) -> str:
        name, now = str(uuid.uuid4()), utc_now()
        request = WorkflowRequest(name, "not an ID!", "bench history", now, now)
        sfn.start_execution(stateMachineArn=machine, name=name, input=json.dumps(workflow_input(request)))
        return name

    with ThreadPoolExecutor(max_workers=8) as pool:
        return set(pool.map(start, range(count)))


class FinalStatusLog:
    """A queue of its own behind a rule for the state machine's final status changes: which
    executions announced as ended (the stack's work is done only once all of them are)."""

    NAME = "bench-final-status-changes"

    def __init__(self, stack: DevStack) -> None:
        self._sqs = stack.client("sqs")
        self._queue = route_to_queue(self._sqs, stack.client("events"), self.NAME, {
            "source": ["aws.states"], "detail-type": ["Step Functions Execution Status Change"],
            "detail": {"status": ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]}})

    def wait_for(self, names: set[str], timeout: float = 900) -> None:
        pending, deadline = set(names), time.monotonic() + timeout
        while pending:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(pending)} executions not announced ended after {timeout:.0f} s")
            pending -= {event["detail"]["name"] for event in take_events(self._sqs, self._queue)}


def handlers_idle(stack: DevStack, timeout: float = 900) -> None:
    """Until every event handler's queue is empty: the status changes of the last executions are
    handled, so "after" measures the idle stack, not its backlog."""
    sqs = stack.client("sqs")
    queues = [url for url in sqs.list_queues(QueueNamePrefix="customer-ids-local-")["QueueUrls"]
              if not url.endswith("-dlq")]
    deadline = time.monotonic() + timeout
    while any(int(count) for url in queues for count in sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                          "ApproximateNumberOfMessagesNotVisible"])["Attributes"].values()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the event handlers' queues were not empty after {timeout:.0f} s")
        time.sleep(1)
    time.sleep(2)  # the last invocation's own calls


def _pids(stack: DevStack) -> dict[str, int]:
    """The emulator runs in this process, whose own threads are asleep while it is measured."""
    return {"emulator": os.getpid(), "glue": stack.processes["workflow glue"].pid,
            "API": stack.processes["API"].pid}


def served(stack: DevStack, customer_id: str) -> tuple[float, dict[str, float]]:
    """GET throughput, and the CPU each process spent per request meanwhile (ms): on a shared
    machine the rate moves with other work, the CPU per request much less."""
    pids = _pids(stack)
    before = {name: _cpu_seconds(pid) for name, pid in pids.items()}
    rate = get_throughput(stack, customer_id)
    requests = rate * THROUGHPUT_SECONDS
    return rate, {name: 1000 * (_cpu_seconds(pid) - before[name]) / requests for name, pid in pids.items()}


def every_execution(stack: DevStack) -> set[str]:
    sfn = stack.client("stepfunctions")
    machine = workflow_arn(sfn)
    pages = sfn.get_paginator("list_executions").paginate(stateMachineArn=machine)
    return {execution["name"] for page in pages for execution in page["executions"]}


def flat_with_history(stack: DevStack, api: httpx.Client, ran: int, ended: FinalStatusLog) -> None:
    # "Before" too is the idle stack: the burst's executions may still be running.
    ended.wait_for(every_execution(stack))
    handlers_idle(stack)
    customer_id = fresh_id("bench")
    api.put(f"/customers/{customer_id}").raise_for_status()
    cpu_before, (reads_before, work_before) = idle_cpu(stack), served(stack, customer_id)
    started = time.monotonic()
    names = start_directly(stack, EXECUTIONS - ran)
    all_started = time.monotonic()
    ended.wait_for(names)  # "after" is the idle stack, not the emulator still running a backlog
    handlers_idle(stack)
    print(f"{len(names)} executions started directly in {all_started - started:.0f} s; the last "
          f"announced ended {time.monotonic() - all_started:.1f} s after the last start", flush=True)
    cpu_after, (reads_after, work_after) = idle_cpu(stack), served(stack, customer_id)
    print(f"API GET throughput ({READERS} clients) after {ran + len(names):,} executions "
          f"({len(names)} of them started directly, with invalid IDs): {reads_after:.0f} req/s vs "
          f"baseline {reads_before:.0f} req/s before them = {reads_after / reads_before:.2f}x (flat: 1.0)",
          flush=True)
    for name in ("emulator", "API"):
        print(f"  CPU per GET, {name}: {work_after[name]:.2f} ms vs {work_before[name]:.2f} ms before "
              f"= {work_after[name] / work_before[name]:.2f}x", flush=True)
    for name in cpu_before:
        print(f"  idle CPU, {name}: {cpu_after[name]:.1f}% vs {cpu_before[name]:.1f}% before", flush=True)


def main() -> None:
    with DevStack(api_port=free_port(), emulator_port=free_port(), web_port=free_port(), web=False,
                  quiet=True) as stack, \
            httpx.Client(base_url=stack.api_url, headers={"x-api-key": stack.api_key}, timeout=60) as api:
        ended = FinalStatusLog(stack)  # before any execution, so it sees every one end
        for _ in range(2):  # warm up both paths: first imports, first clients, first connections
            submit_until_succeeded(api)
            timed_put(api)
        baseline_s = one_at_a_time(stack, api)
        ran = 2 + RUNS + lost_events(stack, api, baseline_s)
        ran += drain(stack, api, baseline_s)
        flat_with_history(stack, api, ran, ended)


if __name__ == "__main__":
    main()
