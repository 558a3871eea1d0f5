"""Run events through a function of the app as Lambda loads it from the unpacked bundle.

    python [-S] backend/deploy/lambda_probe.py UNPACKED_BUNDLE JOB_JSON RESULT_JSON

Lambda puts /var/task (the unpacked bundle) first on sys.path, then the runtime's own packages
(/var/runtime, with its boto3): so does this script, with this interpreter's site-packages standing
in for the runtime's; `-S` leaves them out, to show the bundle needs nothing from them. The job
names the events, the context's attributes, the modules whose origin the result reports and,
optionally, the function's handler as Chalice sets it (default `app.app`, the API's). An event the
handler raises on (the authorizer's refusal) is answered `{"raised": "<type>: <message>"}`.
Used by bench/api_bench.py (cold start) and tests/infra/test_bundle.py. Standard library only: it
must not import anything before the app does.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def context_attributes(context: object) -> dict[str, Any]:
    """A Lambda context object's plain attributes (function_name, aws_request_id, ...), for a job."""
    values = {name: getattr(context, name) for name in dir(context) if not name.startswith("_")}
    return {name: value for name, value in values.items() if not callable(value)}


def _context(attributes: dict[str, Any]) -> object:
    def remaining(_self: object) -> int:
        return int(attributes.get("remaining_millis", 15_000))

    return type("LambdaContext", (), {**attributes, "get_remaining_time_in_millis": remaining})()


def _answer(handler: Any, event: dict[str, Any], context: object) -> Any:
    try:
        return handler(event, context)
    except Exception as error:  # Lambda reports any exception as the function's error
        return {"raised": f"{type(error).__name__}: {error}"}


def main(bundle: str, job_file: str, result_file: str) -> None:
    sys.path[0] = bundle  # instead of this script's folder: /var/task comes first in Lambda
    with open(job_file, encoding="utf-8") as job_json:
        job: dict[str, Any] = json.load(job_json)
    import importlib

    module, _, name = job.get("handler", "app.app").rpartition(".")
    handler = getattr(importlib.import_module(module), name)
    context = _context(job["context"])
    answers = [_answer(handler, event, context) for event in job["events"]]
    origins = {name: getattr(sys.modules.get(name), "__file__", None) for name in job.get("modules", [])}
    with open(result_file, "w", encoding="utf-8") as result:
        json.dump({"answers": answers, "origins": origins}, result)


if __name__ == "__main__":
    main(*sys.argv[1:4])
