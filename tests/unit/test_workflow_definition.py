"""The generated state machine and its template: current, deterministic, well-formed, least-privilege.

cfn-lint checks the template and the definition's structure (E3601), but not that every `Next`
names a state; moto's ASL parser (the interpreter that runs the definition locally) checks the
grammar; the graph test below checks the rest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backend.infra import workflow_template as cfn
from chalicelib.workflow.events import SUBMITTED_PATTERN
from chalicelib.workflow.store import _to_item as submission_item
from chalicelib.workflow.submissions import Submission
from workflow import __main__ as generator
from workflow import definition as asl

ROOT = Path(__file__).resolve().parents[2]
STATES: dict[str, dict[str, Any]] = asl.definition()["States"]


def targets(state: dict[str, Any]) -> set[str]:
    found = {state[k] for k in ("Next", "Default") if k in state}
    found |= {choice["Next"] for choice in state.get("Choices", [])}
    found |= {catch["Next"] for catch in state.get("Catch", [])}
    return found


def test_the_checked_in_definition_and_template_are_current() -> None:
    assert generator.stale() == [], "run: make generate"


def rendered_in_a_fresh_interpreter(hash_seed: str) -> str:
    script = ("import sys\n"
              "from backend.infra import workflow_template as cfn\n"
              "from workflow import definition as asl\n"
              "sys.stdout.write(asl.render() + '\\0' + cfn.render())\n")
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True, timeout=60)
    return done.stdout


def test_generation_does_not_depend_on_the_interpreter_s_hash_seed() -> None:
    # GIVEN two fresh interpreters whose sets and str hashes iterate in different orders
    # WHEN each renders the definition and the template
    renders = {rendered_in_a_fresh_interpreter(seed) for seed in ("1", "2")}
    # THEN both write exactly what this process renders
    assert renders == {asl.render() + "\0" + cfn.render()}


def test_the_template_embeds_exactly_the_checked_in_definition() -> None:
    machine = cfn.template()["Resources"]["StateMachine"]["Properties"]
    assert machine["Definition"] == json.loads(asl.CHECKED_IN.read_text())
    assert set(machine["DefinitionSubstitutions"]) == set(asl.SUBSTITUTIONS)
    assert asl.placeholders(asl.render()) == set(asl.SUBSTITUTIONS)


def test_substitution_fills_every_placeholder_or_refuses() -> None:
    filled = asl.load({"CustomersTableName": "c_t", "SubmissionsTableName": "s_t"})
    assert "${" not in filled and '"c_t"' in filled and '"s_t"' in filled
    with pytest.raises(KeyError):
        asl.load({"CustomersTableName": "c_t"})


def test_every_transition_names_a_state_and_every_state_is_reachable() -> None:
    seen, todo = set(), [asl.definition()["StartAt"]]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        assert name in STATES, f"a transition names a missing state: {name}"
        seen.add(name)
        todo.extend(targets(STATES[name]))
    assert seen == set(STATES)
    for name, state in STATES.items():
        ends = state.get("End") or state["Type"] in ("Fail", "Succeed")
        assert ends or targets(state), f"{name} neither ends nor moves on"


def test_moto_s_interpreter_accepts_the_definition() -> None:
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    AmazonStateLanguageParser.parse(asl.load({"CustomersTableName": "c", "SubmissionsTableName": "s"}))


def test_every_step_is_a_direct_dynamodb_integration_retried_with_backoff() -> None:
    tasks = {n: s for n, s in STATES.items() if s["Type"] == "Task"}
    assert tasks
    for name, task in tasks.items():
        assert task["Resource"].startswith("arn:aws:states:::dynamodb:"), name
        permanent, transient = task["Retry"]
        # First the errors a retry cannot fix (never retried), then everything else a task reports.
        assert permanent == {"ErrorEquals": asl.PERMANENT_ERRORS, "MaxAttempts": 0}, name
        assert "DynamoDB.ConditionalCheckFailedException" in permanent["ErrorEquals"]
        assert transient["ErrorEquals"] == ["States.TaskFailed", "States.Timeout"], name
        assert transient["BackoffRate"] > 1 and transient["MaxDelaySeconds"], name
        assert transient["JitterStrategy"] == "NONE", f"{name}: the budget must be a guarantee"


def test_the_deployed_retry_budget_rides_out_a_60_second_outage_within_the_execution_timeout() -> None:
    # GIVEN the budget the checked-in definition (what every stage deploys) carries in its tasks
    budget = asl.RetryBudget.of(json.loads(asl.CHECKED_IN.read_text()))
    assert budget == asl.PRODUCTION
    # WHEN Step Functions computes the waits between the attempts of one step
    delays = budget.delays()
    assert delays[:3] == [1, 2, 4] and max(delays) == budget.max_delay_seconds
    # THEN an outage that fails every attempt at once is still retried 60 s after it began,
    assert sum(delays) - delays[-1] > 60
    # and one step that sits out a 60 s outage of hung calls ends well before the execution's
    # timeout: attempts until the outage ends, then the longest wait and one more attempt.
    worst_step = 60 + budget.max_delay_seconds + budget.task_timeout_seconds
    assert worst_step + 3 * budget.task_timeout_seconds < budget.execution_timeout_seconds
    assert budget.rides_out(60)


def test_a_budget_rides_out_only_an_outage_it_outlasts() -> None:
    # GIVEN a budget whose waits before its last attempt add up to 3 s, in a 30 s execution
    short = asl.RetryBudget(task_timeout_seconds=1, interval_seconds=1, backoff_rate=1, max_delay_seconds=1,
                            max_attempts=4, execution_timeout_seconds=30)
    # THEN it rides out 2 s, not 3 s; and not even 2 s when the execution would time out first
    assert short.rides_out(2) and not short.rides_out(3)
    assert not asl.RetryBudget(**{**vars(short), "execution_timeout_seconds": 6}).rides_out(2)
    # AND a definition generated with it carries it, for the tests that shorten their outage
    assert asl.RetryBudget.of(asl.definition(short)) == short


def test_the_insert_never_overwrites_and_a_failed_condition_checks_whose_item_it_is() -> None:
    insert = STATES["Insert"]
    assert insert["Parameters"]["ConditionExpression"] == "attribute_not_exists(id)"
    assert insert["Parameters"]["Item.$"] == "$.item"  # built by chalicelib/workflow/executions.py
    first, last = insert["Catch"]
    assert first == {"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "ResultPath": None,
                     "Next": "CheckOwnInsert"}
    assert last == {"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "CheckOwnInsert"}
    check = STATES["CheckOwnInsert"]["Parameters"]
    assert check["ProjectionExpression"] == "id, writeToken" and check["ConsistentRead"] is True
    own, failed = STATES["IsOwnInsert"]["Choices"]
    assert own["Next"] == "RecordInserted"
    assert {"Variable": "$.stored.Item.writeToken.S", "StringEqualsPath": "$.submissionId"} in own["And"]
    assert failed == {"Variable": "$.failure", "IsPresent": True, "Next": "RecordFailure"}
    assert STATES["IsOwnInsert"]["Default"] == "RecordAlreadyExists"


def test_any_failure_before_the_outcome_is_caught_and_recorded_then_fails_the_execution() -> None:
    for name in ("CheckExists", "CheckOwnInsert"):
        assert STATES[name]["Catch"][-1]["Next"] == "RecordFailure", name
    assert STATES["RecordFailure"]["Next"] == "Failed"
    assert STATES["Failed"]["Type"] == "Fail"


def test_a_record_step_never_overwrites_a_final_status_and_leaves_the_unfinished_index() -> None:
    for name in ("RecordInserted", "RecordAlreadyExists", "RecordInvalid", "RecordFailure"):
        params = STATES[name]["Parameters"]
        assert "#status IN (:pending, :running)" in params["ConditionExpression"], name
        assert params["UpdateExpression"].split(" REMOVE ")[1].startswith("unfinishedShard"), name
        assert STATES[name]["Catch"] == [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                                          "ResultPath": None, "Next": "AlreadyRecorded"}]
    assert STATES["AlreadyRecorded"]["Type"] == "Fail"


@pytest.mark.parametrize(("state", "status", "outcome"), [
    ("RecordInserted", "SUCCEEDED", "inserted"),
    ("RecordAlreadyExists", "SUCCEEDED", "already_exists"),
    ("RecordInvalid", "FAILED", "invalid"),
    ("RecordFailure", "FAILED", None),
])
def test_each_record_step_writes_the_attributes_the_store_reads(
    state: str, status: str, outcome: str | None
) -> None:
    params = STATES[state]["Parameters"]
    stored = submission_item(Submission("s", "i", "FAILED", "invalid", "e", "t", "t"), 0)
    written = set(params["ExpressionAttributeNames"].values()) | {"updatedAt", "outcome"}
    assert written <= set(stored), "the state machine and submission_store.py disagree on names"
    assert params["TableName"] == "${SubmissionsTableName}"
    assert params["Key"] == {"submissionId": {"S.$": "$.submissionId"}}
    assert params["ExpressionAttributeValues"][":status"] == {"S": status}
    assert STATES[state]["ResultSelector"]["outcome"] == outcome
    assert ("outcome = :outcome" in params["UpdateExpression"]) == (outcome is not None)


def test_the_archive_keeps_exactly_the_events_the_rule_and_publisher_use() -> None:
    archive = cfn.template()["Resources"]["SubmittedArchive"]["Properties"]
    assert archive["EventPattern"] == SUBMITTED_PATTERN


def test_the_role_grants_exactly_what_the_definition_calls() -> None:
    called: set[tuple[str, str]] = set()
    for state in STATES.values():
        if state["Type"] == "Task":
            api = state["Resource"].rsplit(":", 1)[1]  # getItem
            table = state["Parameters"]["TableName"][2:-1]  # ${CustomersTableName}
            called.add((f"dynamodb:{api[0].upper()}{api[1:]}", table))
    role = cfn.template()["Resources"]["WorkflowRole"]["Properties"]
    granted: set[tuple[str, str]] = set()
    for statement in role["Policies"][0]["PolicyDocument"]["Statement"]:
        if isinstance(statement["Resource"], dict):  # a table ARN
            table = statement["Resource"]["Fn::Sub"].rsplit("${", 1)[1].rstrip("}")
            granted |= {(action, table) for action in statement["Action"]}
        else:
            assert not any(a.startswith("dynamodb:") for a in statement["Action"])
    assert granted == called


def test_cfn_lint_passes_the_template_and_really_reads_the_definition(tmp_path: Path) -> None:
    from backend.deploy.lint import lint

    assert lint(cfn.CHECKED_IN) == []
    broken = cfn.template()
    broken["Resources"]["StateMachine"]["Properties"]["Definition"]["States"]["Insert"]["Type"] = "Tsk"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    assert any(problem.startswith("E3601") for problem in lint(path))
