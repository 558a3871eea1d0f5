"""`make bench`, API part: five figures, each next to a baseline measured in the same run.

1. cold start   the prod bundle built as deploy.sh builds it (its size: zip, unpacked, files), then a
                fresh process that loads the app from it as Lambda does + first GET through the
                handler (tracing on), vs a fresh process that imports boto3 and makes the same GetItem;
                and the authorizer's function from the same bundle: import + first token verified
                (its key set fetched from the emulator), alone and added to the app's
2. warm         median handler time of PUT/GET/DELETE vs the raw DynamoDB call each one makes; a GET
                with a person's token and with the key, authorizer and handler both, vs the raw GetItem
3. list pages   GET /customers?limit=25, first/middle/prefix/last page, at 1,000 vs 30,000 IDs that
                share a prefix and that are spread over every shard (time through the handler and
                over HTTP through `chalice local`, items read, Queries)
4. import       30,000 IDs via POST /customers/batch over HTTP (IDs/s)
5. batch        10,000 IDs via POST /customers/batch vs 10,000 single PUTs, over HTTP

Everything runs against the local emulator (moto), so absolute times are the emulator's; ratios
say what our code adds. Timings are noisy on 2 cores: nothing here passes or fails.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend.deploy import bundle  # noqa: E402
from backend.deploy.lambda_probe import context_attributes  # noqa: E402
from backend.local.devstack import DevStack  # noqa: E402
from backend.local.lambda_events import LambdaContext, rest_request  # noqa: E402
from backend.local.unique import free_port  # noqa: E402
from chalicelib.customers.store import SHARDS  # noqa: E402

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import WriteRequestTypeDef

PROBE_ID = "cust-0001"


def report(name: str, value: float, baseline: float, unit: str, target: str) -> None:
    ratio = value / baseline if baseline else float("inf")
    print(f"{name}: {value:.{3 if unit == 's' else 2}f} {unit} vs baseline {baseline:.3f} {unit}"
          f" = {ratio:.2f}x ({target})", flush=True)


def prod_like_env(emulator_url: str) -> dict[str, str]:
    """What the prod stage's Lambda sees, pointed at the emulator; X-Ray on (no daemon: UDP drops)."""
    return {
        "AWS_ENDPOINT_URL": emulator_url, "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
        "APP_STAGE": "prod", "CUSTOMERS_TABLE": "customer_ids", "CURSOR_SECRET": "bench",
        "TRACING_ENABLED": "true", "POWERTOOLS_SERVICE_NAME": "customer-ids",
        "POWERTOOLS_METRICS_NAMESPACE": "CustomerIds", "LAMBDA_TASK_ROOT": str(ROOT),
        "AWS_LAMBDA_FUNCTION_NAME": "customer-ids-prod", "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "_X_AMZN_TRACE_ID": "Root=1-6743a1b2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1",
    }


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """Send the app's per-request log and EMF lines to /dev/null while timing (they still cost)."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
        try:
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def median_time(action: Callable[[], object], runs: int) -> float:
    return median_times([action], runs)[0]


def median_times(actions: list[Callable[[], object]], runs: int) -> list[float]:
    """Each action's median time; the actions take turns, so drift on a busy machine hits all alike."""
    samples: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, taken in zip(actions, samples, strict=True):
            started = time.perf_counter()
            action()
            taken.append(time.perf_counter() - started)
    return [statistics.median(taken) for taken in samples]


# -- 1. cold start, from the deployment package itself ------------------------------------------
# The floor: the least a Python Lambda can do for the same answer, importing boto3 from the same
# folder the app's bundle is in (so both load the same SDK, with or without bytecode alike).
FLOOR = ("import sys\n"
         "sys.path[0] = %r\n"
         "import boto3\n"
         "boto3.client('dynamodb').get_item(TableName='customer_ids', Key={'id': {'S': %r}})\n")


AUTHORIZER_HANDLER = "chalicelib.identity.authorizer.authorize"  # as Chalice sets the function's handler
METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/api/GET/customers/" + PROBE_ID


def access_token(stack: DevStack, username: str = "viewer") -> str:
    """A real access token from the emulator's Cognito, for one of make dev's users."""
    assert stack.user_pool is not None
    found = stack.client("cognito-idp").initiate_auth(
        ClientId=stack.user_pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": stack.user_password})
    token: str = found["AuthenticationResult"]["AccessToken"]
    return token


def authorizer_event(bearer: str | None = None, key: str | None = None) -> dict[str, Any]:
    """API Gateway's REQUEST authorizer event for a GET of the probe ID."""
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {"x-api-key": key or "bench-key"}
    return {"type": "REQUEST", "methodArn": METHOD_ARN, "resource": "/customers/{id}",
            "path": f"/customers/{PROBE_ID}", "httpMethod": "GET", "headers": headers,
            "multiValueHeaders": {name: [value] for name, value in headers.items()}}


def authorizer_env(stack: DevStack) -> dict[str, str]:
    """The pool's settings, and the local stage: the emulator signs with the one key moto publishes,
    which only the local stage accepts (the verification's cost is the same)."""
    return {**stack.identity_env(), "APP_STAGE": "local"}


def store_probe(stack: DevStack) -> None:
    """The ID the cold-start and warm GETs read (each part can run alone)."""
    stack.client("dynamodb").put_item(TableName="customer_ids", Item={
        "id": {"S": PROBE_ID}, "shard": {"S": "c"}, "createdAt": {"S": "2026-11-25T00:00:00.000Z"},
        "source": {"S": "api"}})


def build_bundle(into: Path) -> tuple[Path, bundle.Size]:
    """The prod stage's bundle, built as deploy.sh builds it (backend/deploy/bundle.py), and
    unpacked as Lambda unpacks it into /var/task. One chalice package at a time (its cache)."""
    with bundle.BUILD_LOCK.open("w") as lock, quiet_stdout():
        fcntl.flock(lock, fcntl.LOCK_EX)
        _, shipped = bundle.package(ROOT, "prod", into / "package")
    return bundle.unpack(into / "package" / "deployment.zip", into / "task"), shipped


def without_bytecode(unpacked: Path, into: Path) -> Path:
    """A copy of the bundle without its .pyc files: what `chalice package` alone ships."""
    return Path(shutil.copytree(unpacked, into, ignore=shutil.ignore_patterns("__pycache__")))


def cold_start(stack: DevStack, runs: int = 9) -> None:
    """Fresh processes that load the app from the unpacked bundle as Lambda does (bundle first on
    sys.path, then this interpreter's site-packages standing in for the runtime's; nothing written
    back: /var/task is read-only) and answer a GET through the handler with tracing on, vs the
    floor; with the bytecode the bundle ships, and without it."""
    store_probe(stack)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        shipped, size = build_bundle(tmp)
        print(f"bundle as it ships (prod; models no client loads pruned, with .pyc): {size}", flush=True)
        job, answer = tmp / "job.json", tmp / "answer.json"
        context = context_attributes(LambdaContext())
        job.write_text(json.dumps({"context": context, "events": [rest_request(
            "GET", "/customers/{id}", f"/customers/{PROBE_ID}", {"id": PROBE_ID})]}))
        auth_job, auth_answer = tmp / "auth-job.json", tmp / "auth-answer.json"
        auth_job.write_text(json.dumps({"context": context, "handler": AUTHORIZER_HANDLER,
                                        "events": [authorizer_event(bearer=access_token(stack))]}))
        bundles = {"as shipped, with .pyc": shipped,
                   "no .pyc, as chalice package alone": without_bytecode(shipped, tmp / "no-pyc")}
        probes = {"floor": None, "app": (job, answer), "authorizer": (auth_job, auth_answer)}
        commands = {(condition, who): ([sys.executable, "-c", FLOOR % (str(task), PROBE_ID)]
                                       if files is None else
                                       [sys.executable, str(bundle.PROBE), str(task), *map(str, files)],
                                       task)
                    for condition, task in bundles.items() for who, files in probes.items()}
        base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPYCACHEPREFIX", "PYTHONPATH")}
        samples: dict[tuple[str, str], list[float]] = {key: [] for key in commands}
        for run in range(runs + 1):  # the first round fills the OS's file cache, untimed
            for key, (command, task) in commands.items():  # interleaved: drift hits all alike
                env = {**base, **prod_like_env(stack.emulator_url), "LAMBDA_TASK_ROOT": str(task),
                       "PYTHONDONTWRITEBYTECODE": "1",
                       **(authorizer_env(stack) if key[1] == "authorizer" else {})}
                started = time.perf_counter()
                subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, cwd=task)
                if run:
                    samples[key].append(time.perf_counter() - started)
                if key[1] == "app":
                    status = json.loads(answer.read_text())["answers"][0]["statusCode"]
                    assert status == 200, answer.read_text()
                if key[1] == "authorizer":
                    allowed = json.loads(auth_answer.read_text())["answers"][0]
                    assert allowed.get("context", {}).get("kind") == "person", allowed
        median = {key: statistics.median(taken) for key, taken in samples.items()}
        for condition in bundles:
            floor = median[condition, "floor"]
            report(f"cold start from the bundle (import + first GET, tracing on, {condition})",
                   median[condition, "app"], floor, "s", "target <= 1.2x")
            report(f"cold start of the authorizer (import + key set fetched + first token verified, "
                   f"{condition})", median[condition, "authorizer"], floor, "s", "target <= 1.2x")
            report(f"a person's first request: both cold starts, one after the other ({condition})",
                   median[condition, "authorizer"] + median[condition, "app"], floor, "s", "no target")


# -- 2. warm requests ---------------------------------------------------------------------------
WarmTimes = dict[str, tuple[float, float]]  # method -> (handler, raw call) median seconds
WARM_CHILD = "--measure-warm"  # how warm_requests starts this file in a process of its own
WARM_TOKEN = "BENCH_ACCESS_TOKEN"  # the person's token the warm child sends


def warm_requests(stack: DevStack) -> None:
    """Timed in a process of its own, as a Lambda runs: in this one the emulator's server thread
    shares the GIL, finishing each answer while whatever runs next (the handler's log line, say)
    waits for it, which counted up to 0.2 ms a request against the handler alone."""
    store_probe(stack)
    env = {**os.environ, **prod_like_env(stack.emulator_url), **authorizer_env(stack),
           WARM_TOKEN: access_token(stack)}
    done = subprocess.run([sys.executable, __file__, WARM_CHILD], env=env, check=True,
                          capture_output=True, text=True)
    results: WarmTimes = json.loads(done.stdout.strip().splitlines()[-1])
    for method, (handler_time, raw_time) in results.items():
        target = "target <= 1.25x" if "token" in method else "target <= 1.2x"
        what = method if " " in method else f"{method} handler"
        report(f"warm {what} vs raw DynamoDB call", handler_time * 1000, raw_time * 1000, "ms", target)


def _measure_warm(runs: int = 200) -> WarmTimes:
    """In the child process: each handler and the raw DynamoDB call it makes, taking turns."""
    from app import app
    from chalicelib import wiring
    from chalicelib.identity.authorizer import authorize

    # plain botocore, one attempt: what the app's budgeted client wraps
    raw = wiring.services().clients.raw("dynamodb")
    context = LambdaContext()
    ids = iter(f"warm-{n:05d}" for n in range(10 * runs))

    def call(method: str, cid: str) -> None:
        response = app(rest_request(method, "/customers/{id}", f"/customers/{cid}", {"id": cid}),
                       context)
        assert response["statusCode"] < 300, response

    def item(cid: str) -> dict[str, Any]:
        return {"id": {"S": cid}, "shard": {"S": cid[0]}, "createdAt": {"S": "x"},
                "source": {"S": "api"}}

    def raw_put() -> None:
        raw.put_item(TableName="customer_ids", Item=item(next(ids)),
                     ConditionExpression="attribute_not_exists(id)")

    def through_authorizer(event: dict[str, Any]) -> None:
        """What API Gateway runs for a GET: the authorizer, then the API with its context."""
        allowed = authorize(event, context)
        request = rest_request("GET", "/customers/{id}", f"/customers/{PROBE_ID}", {"id": PROBE_ID})
        request["requestContext"]["authorizer"] = {**allowed["context"],
                                                   "principalId": allowed["principalId"]}
        response = app(request, context)
        assert response["statusCode"] == 200, response

    raw_get = lambda: raw.get_item(TableName="customer_ids", Key={"id": {"S": PROBE_ID}},  # noqa: E731
                                   ConsistentRead=True)
    person, machine = authorizer_event(bearer=os.environ[WARM_TOKEN]), authorizer_event(key="bench-key")

    with quiet_stdout():
        call("GET", PROBE_ID)  # warm up: the first call builds the client
        results: WarmTimes = {}
        through_authorizer(person)  # warm up: the first token fetches the pool's key set
        for method, handler, baseline in [
            ("PUT", lambda: call("PUT", next(ids)), raw_put),
            ("GET", lambda: call("GET", PROBE_ID), raw_get),
            ("GET with a person's token (authorizer + handler)", lambda: through_authorizer(person), raw_get),
            ("GET with the key (authorizer + handler)", lambda: through_authorizer(machine), raw_get),
        ]:
            handler_time, raw_time = median_times([handler, baseline], runs)
            results[method] = (handler_time, raw_time)
        made = [next(ids) for _ in range(2 * runs)]
        for cid in made:
            raw.put_item(TableName="customer_ids", Item=item(cid))
        victims = iter(made)
        handler_time, raw_time = median_times([
            lambda: call("DELETE", next(victims)),
            lambda: raw.delete_item(TableName="customer_ids", Key={"id": {"S": next(victims)}},
                                    ConditionExpression="attribute_exists(id)"),
        ], runs)
        results["DELETE"] = (handler_time, raw_time)
    return results


# -- 3. list pages ------------------------------------------------------------------------------
TEMPLATE = ROOT / "backend" / "infra" / "data.json"
SMALL_TABLE, LARGE_TABLE = 1_000, 30_000
PAGE = 25
# How IDs are spread: all behind one first character (most real schemes), or over all 64 shards;
# and how long a prefix the prefix page asks for (one that matches a few hundred IDs or more).
SCHEMES: dict[str, tuple[Callable[[int], str], int]] = {
    "one prefix": (lambda n: f"cust-{n:07d}", 9),
    "spread": (lambda n: f"{SHARDS[n % len(SHARDS)]}{n:07d}", 2),
}


def _new_customers_table(stack: DevStack, name: str) -> None:
    """The table `name`, made afresh (empty) from the template production deploys."""
    ddb = stack.client("dynamodb")
    if name in ddb.list_tables()["TableNames"]:
        ddb.update_table(TableName=name, DeletionProtectionEnabled=False)  # as the template makes it
        ddb.delete_table(TableName=name)
    definition = json.loads(TEMPLATE.read_text())["Resources"]["CustomersTable"]["Properties"]
    ddb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", KeySchema=definition["KeySchema"],
        AttributeDefinitions=definition["AttributeDefinitions"],
        GlobalSecondaryIndexes=definition["GlobalSecondaryIndexes"])


def _fill(stack: DevStack, table: str, ids: list[str]) -> None:
    """Raw writes, as a table filled before the shard directory existed: the first page builds it."""
    ddb = stack.client("dynamodb")
    for first in range(0, len(ids), 25):
        batch: list[WriteRequestTypeDef] = [{"PutRequest": {"Item": {
            "id": {"S": cid}, "shard": {"S": cid[0]}, "source": {"S": "batch"},
            "createdAt": {"S": "2026-11-25T00:00:00.000Z"}}}} for cid in ids[first:first + 25]]
        ddb.batch_write_item(RequestItems={table: batch})


class _Counted:
    """DynamoDB calls and items read (ScannedCount) by the app in this process."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.read = 0

    def watch(self) -> None:
        """Count the calls of the app's current composition root (each reset builds new clients)."""
        from chalicelib import wiring

        clients = wiring.services().clients
        clients.on_every_attempt("dynamodb", "before-call.dynamodb", self._call)
        clients.on_every_attempt("dynamodb", "after-call.dynamodb.Query", self._read)

    def _call(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    def _read(self, parsed: dict[str, Any], **_: Any) -> None:
        self.read += parsed.get("ScannedCount", 0)


def _pages(ids: list[str], prefix_length: int) -> dict[str, tuple[str | None, str | None]]:
    """Page name -> (the ID it starts after, its prefix), for a table holding `ids` (sorted)."""
    prefix = ids[len(ids) // 2][:prefix_length]
    return {"first": (None, None), "middle": (ids[len(ids) // 2], None),
            "prefix": (None, prefix), "last": (ids[-PAGE // 2], None)}


def _local_cursor_secret() -> bytes:
    """The cursor secret of the stage `chalice local` runs (the stack's API signs with it)."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return str(config["stages"]["local"]["environment_variables"]["CURSOR_SECRET"]).encode()


def list_pages(stack: DevStack, runs: int = 9) -> None:
    """Each page of each scheme at 1,000 and 30,000 IDs, through the API's handler in this process
    (counting its DynamoDB calls) and over HTTP through the stack's `chalice local`, taking turns.
    Both read the stack's customers table, made afresh for each scheme (and left empty)."""
    import httpx

    os.environ.update(prod_like_env(stack.emulator_url))  # before the app is imported
    from app import app
    from chalicelib import wiring
    from chalicelib.customers.cursor import CursorCodec

    table = os.environ["CUSTOMERS_TABLE"]  # the name the stack's API reads (its stage's config)
    secret = prod_like_env(stack.emulator_url)["CURSOR_SECRET"].encode()
    counted, context = _Counted(), LambdaContext()
    cursors, http_cursors = CursorCodec(lambda: secret), CursorCodec(_local_cursor_secret)
    shown = [0, 0]
    with httpx.Client(base_url=stack.api_url, headers={"x-api-key": stack.api_key}, timeout=30) as http:
        for scheme, (make_id, prefix_length) in SCHEMES.items():
            _new_customers_table(stack, table)
            wiring.reset()
            counted.watch()
            figures: dict[tuple[str, int], tuple[float, float, float, float, int, int]] = {}
            stored = 0
            for total in (SMALL_TABLE, LARGE_TABLE):
                _fill(stack, table, [make_id(n) for n in range(stored, total)])
                stored = total
                ids = sorted(make_id(n) for n in range(total))
                for name, (after, prefix) in _pages(ids, prefix_length).items():
                    query = {"limit": str(PAGE)} | ({"prefix": prefix} if prefix else {})
                    http_query = dict(query)
                    if after:
                        query["cursor"] = cursors.encode(after, prefix)
                        http_query["cursor"] = http_cursors.encode(after, prefix)

                    def page(query: dict[str, str] = query) -> None:
                        response = app(rest_request("GET", "/customers", "/customers", query=query), context)
                        assert response["statusCode"] == 200, response["body"]
                        shown[0] = len(json.loads(response["body"])["items"])

                    def http_page(query: dict[str, str] = http_query) -> None:
                        response = http.get("/customers", params=query)
                        assert response.status_code == 200, response.text
                        shown[1] = len(response.json()["items"])

                    with quiet_stdout():
                        page()  # the first ever builds the table's directory: not this figure
                        http_page()
                        counted.calls.clear()
                        counted.read = 0
                        elapsed, over_http = median_times([page, http_page], runs)
                    figures[name, total] = (elapsed, over_http, counted.read / runs,
                                            counted.calls["Query"] / runs, shown[0], shown[1])
            for name in ("first", "middle", "prefix", "last"):
                small, large = figures[name, SMALL_TABLE], figures[name, LARGE_TABLE]
                report(f"list {name} page, {scheme}, {LARGE_TABLE:,} vs {SMALL_TABLE:,} IDs", large[0] * 1000,
                       small[0] * 1000, "ms", "target <= 1.5x")
                report(f"  over HTTP (chalice local + emulator), {LARGE_TABLE:,} vs {SMALL_TABLE:,} IDs",
                       large[1] * 1000, small[1] * 1000, "ms", "target each < 100 ms")
                print(f"  items read {large[2]:.0f} vs {small[2]:.0f}; Queries per page {large[3]:.1f}; "
                      f"items on the page {large[4]} (HTTP: {large[5]}; of {PAGE}, fewer only on the last)",
                      flush=True)
    _new_customers_table(stack, table)  # what the other parts expect: the stack's table, empty


# -- 4. batch vs single PUTs --------------------------------------------------------------------
def batch_vs_single(stack: DevStack, total: int = 10_000) -> None:
    import httpx

    with httpx.Client(base_url=stack.api_url, headers={"x-api-key": stack.api_key},
                      timeout=120) as http:
        started = time.perf_counter()
        for n in range(total):
            assert http.put(f"/customers/single-{n:05d}").status_code == 201
        single = time.perf_counter() - started
        started, retries = time.perf_counter(), 0
        for chunk in range(0, total, 1000):
            ids = [f"batch-{n:05d}" for n in range(chunk, chunk + 1000)]
            key = {"Idempotency-Key": f"bench-{uuid.uuid4()}"}
            # As a client does: an answer with Retry-After (a 503 out of budget, or a 409 while the
            # key's earlier attempt still runs) is retried with the same key after it; each retry
            # skips what the earlier attempts stored.
            send = functools.partial(http.post, "/customers/batch", json={"ids": ids}, headers=key)
            while "Retry-After" in (response := send()).headers:
                retries += 1
                time.sleep(int(response.headers["Retry-After"]))
            assert response.status_code == 200, response.text
            assert len(response.json()["created"]) == 1000, response.text
        batch = time.perf_counter() - started
    print(f"batch create {total:,} IDs: {batch:.1f} s via /customers/batch ({retries} keyed retries "
          f"after a 503 or 409) vs {single:.1f} s as single PUTs = {single / batch:.1f}x faster "
          "(target >= 10x)",
          flush=True)


def import_rate(stack: DevStack, total: int = LARGE_TABLE) -> None:
    """`total` IDs through POST /customers/batch, 1,000 a request, over HTTP: the rate a user
    loading a realistic data set into `make dev` sees (each ID one conditional put)."""
    import httpx

    with httpx.Client(base_url=stack.api_url, headers={"x-api-key": stack.api_key},
                      timeout=120) as http:
        started, retries = time.perf_counter(), 0
        for chunk in range(0, total, 1000):
            ids = [f"imp-{n:07d}" for n in range(chunk, min(chunk + 1000, total))]
            key = {"Idempotency-Key": f"bench-{uuid.uuid4()}"}
            send = functools.partial(http.post, "/customers/batch", json={"ids": ids}, headers=key)
            while "Retry-After" in (response := send()).headers:
                retries += 1
                time.sleep(int(response.headers["Retry-After"]))
            assert response.status_code == 200 and len(response.json()["created"]) == len(ids), response.text
        elapsed = time.perf_counter() - started
    print(f"batch import of {total:,} IDs: {elapsed:.1f} s = {total / elapsed:,.0f} IDs/s "
          f"({retries} keyed retries after a 503 or 409)", flush=True)


PARTS: dict[str, Callable[[DevStack], None]] = {
    "cold": cold_start,
    "list": list_pages,  # makes the customers table afresh, before and after
    "import": import_rate,
    "batch": batch_vs_single,
    "warm": warm_requests,
}


def main(chosen: list[str]) -> None:
    """`python bench/api_bench.py [cold|list|batch|warm ...]`: the parts named, or all of them."""
    unknown = set(chosen) - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    # One emulator per process (moto's state is process-wide); the API runs against it too.
    with DevStack(api_port=free_port(), emulator_port=free_port(), web=False, quiet=True) as stack:
        for name, part in PARTS.items():
            if not chosen or name in chosen:
                part(stack)


if __name__ == "__main__":
    if sys.argv[1:] == [WARM_CHILD]:
        print(json.dumps(_measure_warm()), flush=True)
    else:
        main(sys.argv[1:])
