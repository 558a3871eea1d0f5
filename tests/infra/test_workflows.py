"""The release pipeline's GitHub workflows and its AWS access, checked offline.

zizmor (security audit, --offline) and check-jsonschema (GitHub's workflow schema) run for real;
the rest reads the workflows as data: pins, permissions, concurrency, environments, stages.
Nothing here can run a workflow (no runner, no act without Docker): docs/releasing.md says what
only a real repository and account can prove.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]  # PyYAML ships no type information

from backend.deploy import templates
from backend.deploy.stage import deployable_stages
from tests.infra.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
ZIZMOR_CONFIG = ROOT / ".github" / "zizmor.yml"
BIN = Path(sys.executable).parent
# Each action's pinned commit is its release tag's commit, read from the action's own repository
# (git rev-parse vX.Y.Z^{commit}); the comment after the SHA names that tag.
PINS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/setup-node": ("820762786026740c76f36085b0efc47a31fe5020", "v7.0.0"),
    "actions/cache": ("27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
    "actions/download-artifact": ("3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"),
    "aws-actions/configure-aws-credentials": ("e6de054238d6b7531b4efff3b6587d9aade6a06c", "v6.2.3"),
}


def workflow(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return data


def triggers(data: dict[Any, Any]) -> dict[str, Any]:
    found: dict[str, Any] = data[True]  # YAML 1.1 reads the key `on` as True
    return found


def all_workflows() -> list[str]:
    return sorted(p.name for p in WORKFLOWS.glob("*.yml"))


def zizmor(*extra: str) -> subprocess.CompletedProcess[str]:
    args = [str(BIN / "zizmor"), "--offline", "--config", str(ZIZMOR_CONFIG), *extra, str(WORKFLOWS)]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_zizmor_finds_nothing() -> None:
    run = zizmor()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No findings to report" in run.stdout


def test_every_accepted_zizmor_finding_still_occurs() -> None:
    # GIVEN the findings zizmor.yml accepts  WHEN zizmor runs without them  THEN each still occurs
    accepted = yaml.safe_load(ZIZMOR_CONFIG.read_text(encoding="utf-8"))["rules"]
    findings = json.loads(zizmor("--no-ignores", "--format", "json").stdout)
    found = {(f["ident"], Path(loc["symbolic"]["key"]["Local"]["verbatim_path"]).name)
             for f in findings for loc in f["locations"]}
    for rule, config in accepted.items():
        for place in config["ignore"]:
            assert (rule, place.split(":")[0]) in found, f"drop {rule} for {place} from zizmor.yml"


def test_workflows_match_githubs_schema() -> None:
    run = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                          *(str(WORKFLOWS / n) for n in all_workflows())],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("name", all_workflows())
def test_every_action_is_pinned_by_commit_with_its_tag(name: str) -> None:
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    for match in re.finditer(r"uses:\s*(\S+)(.*)", text):
        target, rest = match.group(1), match.group(2)
        if target.startswith("./"):
            continue  # a workflow of this repository, at the same commit
        action, _, ref = target.partition("@")
        assert action in PINS, f"{name}: {action} has no justified pin in PINS"
        sha, tag = PINS[action]
        assert (ref, rest.strip()) == (sha, f"# {tag}"), f"{name}: {target}{rest}"


@pytest.mark.parametrize("name", all_workflows())
def test_no_default_permissions_and_each_job_names_its_own(name: str) -> None:
    data = workflow(name)
    assert data["permissions"] == {}, f"{name}: the workflow's default token must have no permission"
    for job_name, job in data["jobs"].items():
        assert "permissions" in job, f"{name}/{job_name} names no permissions"
        granted = {k: v for k, v in job["permissions"].items() if v != "none"}
        allowed = {"contents": "read", "id-token": "write"} if job_name in ("deploy", "dev", "prod") else {
            "contents": "read"}
        assert granted.items() <= allowed.items(), f"{name}/{job_name}: {granted}"


def test_only_the_deploy_job_can_ask_for_aws_credentials() -> None:
    for name in all_workflows():
        for job_name, job in workflow(name)["jobs"].items():
            text = json.dumps(job)
            if "configure-aws-credentials" in text:
                assert (name, job_name) == ("deploy.yml", "deploy")
                assert job["permissions"]["id-token"] == "write"


def test_pull_requests_get_no_secrets_and_no_privileged_trigger() -> None:
    for name in all_workflows():
        text = (WORKFLOWS / name).read_text(encoding="utf-8")
        assert "pull_request_target" not in text and "workflow_run" not in text, name
    checks = (WORKFLOWS / "checks.yml").read_text(encoding="utf-8")
    assert "secrets." not in checks and "vars." not in checks


def test_checks_run_make_test_as_ci_does_and_dry_run_every_stage() -> None:
    data = workflow("checks.yml")
    assert {"pull_request", "push", "workflow_call"} <= set(triggers(data))
    test_steps = [s.get("run", "") for s in data["jobs"]["test"]["steps"]]
    assert "bash .ci/run" in test_steps and "make test" in (ROOT / ".ci" / "run").read_text()
    dry_run = data["jobs"]["deploy-dry-run"]
    assert dry_run["strategy"]["matrix"]["stage"] == deployable_stages()
    runs = " ".join(s.get("run", "") for s in dry_run["steps"])
    assert "./deploy.sh --stage \"$STAGE\" --dry-run" in runs
    assert "backend.deploy.secret_scan frontend/dist" in runs and "deployment.zip" in runs


def test_every_workflow_has_a_concurrency_group() -> None:
    for name in all_workflows():
        data = workflow(name)
        has_group = "concurrency" in data or all("concurrency" in j for j in data["jobs"].values())
        only_called = set(triggers(data)) == {"workflow_call"}  # runs inside its caller's group
        assert has_group or only_called, name
    assert workflow("release.yml")["concurrency"]["cancel-in-progress"] is False


def test_release_builds_once_and_promotes_the_same_artifact_dev_then_prod() -> None:
    jobs = workflow("release.yml")["jobs"]
    assert jobs["build"]["needs"] == "checks"
    assert (jobs["dev"]["needs"], jobs["prod"]["needs"]) == ("build", "dev")
    for stage in deployable_stages():
        assert jobs[stage]["uses"] == "./.github/workflows/deploy.yml"
        assert jobs[stage]["with"] == {"stage": stage}
    upload = next(s for s in jobs["build"]["steps"] if "upload-artifact" in s.get("uses", ""))
    deploy = workflow("deploy.yml")["jobs"]["deploy"]
    download = next(s for s in deploy["steps"] if "download-artifact" in s.get("uses", ""))
    assert upload["with"]["name"] == download["with"]["name"] == "release-${{ github.sha }}"
    assert deploy["environment"]["name"] == "${{ inputs.stage }}"
    runs = [s.get("run", "") for s in deploy["steps"]]
    assert not any("npm" in run or "package" in run.split() for run in runs), "a stage must not rebuild"


# --- the pipeline's AWS access (backend/infra/github-oidc.json) -----------------------------------

PIPELINE = templates.load(ROOT / "backend" / "infra" / "github-oidc.json")


def test_the_deploy_role_trusts_only_its_environment_of_this_repository() -> None:
    trust = PIPELINE["Resources"]["GitHubDeployRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert len(trust) == 1 and trust[0]["Action"] == "sts:AssumeRoleWithWebIdentity"
    conditions = trust[0]["Condition"]
    assert set(conditions) == {"StringEquals"}, "StringLike would allow wildcards in the subject"
    assert conditions["StringEquals"] == {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": {
            "Fn::Sub": "repo:${GitHubRepository}:environment:${Stage}"},
    }
    assert PIPELINE["Parameters"]["Stage"]["AllowedValues"] == deployable_stages()


def _statements(role: str) -> list[dict[str, Any]]:
    policies = PIPELINE["Resources"][role]["Properties"]["Policies"]
    return [s for p in policies for s in p["PolicyDocument"]["Statement"]]


@pytest.mark.parametrize("role", ["GitHubDeployRole", "CloudFormationExecutionRole"])
def test_roles_grant_named_actions_on_named_resources(role: str) -> None:
    for statement in _statements(role):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert all("*" not in a for a in actions), f"{role}/{statement['Sid']}: wildcard action"
        if statement["Resource"] == "*":
            # Only an action with no resource type (Cognito's CreateUserPool), for the stage's tags only
            assert actions == ["cognito-idp:CreateUserPool"], statement["Sid"]
            assert statement["Condition"] == {"StringEquals": {
                "aws:RequestTag/project": {"Ref": "AppName"}, "aws:RequestTag/stage": {"Ref": "Stage"}}}
            continue
        assert "*" not in statement["Resource"], statement["Sid"]


def test_the_deploy_role_hands_the_stack_only_to_its_execution_role() -> None:
    passes = [s for s in _statements("GitHubDeployRole") if "iam:PassRole" in s["Action"]]
    assert passes == [{
        "Sid": "HandTheStackToItsExecutionRole", "Effect": "Allow", "Action": ["iam:PassRole"],
        "Resource": [{"Fn::Sub": "${CloudFormationExecutionRole.Arn}"}],
        "Condition": {"StringEquals": {"iam:PassedToService": "cloudformation.amazonaws.com"}}}]
    stacks = next(s for s in _statements("GitHubDeployRole") if s["Sid"] == "ReleaseTheStageStack")
    assert stacks["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/"
                    "${AppName}-${Stage}/*"}]
