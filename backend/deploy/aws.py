"""The AWS calls of a deploy, each idempotent, none printing a secret.

boto3 only (no AWS CLI needed): it honours AWS_PROFILE, AWS_REGION and AWS_ENDPOINT_URL, so the
same code runs against an account or, in the rehearsal tests, against the local emulator.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError, WaiterError

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_ssm import SSMClient

TEMPLATE_BODY_LIMIT = 51_200  # bytes CloudFormation accepts inline; larger needs an S3 upload
CAPABILITIES: list[Any] = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
# A template with a Transform (SAM: the pipeline's single stack) is expanded by CloudFormation.
SAM_CAPABILITIES: list[Any] = [*CAPABILITIES, "CAPABILITY_AUTO_EXPAND"]
_NO_CHANGES = ("didn't contain changes", "No updates are to be performed")


class DeployError(Exception):
    """A step failed in a way the operator must look at; the message says what and where."""


def _stack(cfn: CloudFormationClient, name: str) -> dict[str, Any] | None:
    try:
        stacks = cfn.describe_stacks(StackName=name)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    return dict(stacks[0]) if stacks else None


def stack_outputs(cfn: CloudFormationClient, name: str) -> dict[str, str]:
    stack = _stack(cfn, name)
    if stack is None:
        raise DeployError(f"stack {name} does not exist: deploy it first")
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def _failure_events(cfn: CloudFormationClient, name: str) -> str:
    events = cfn.describe_stack_events(StackName=name)["StackEvents"][:30]
    failed = [e for e in events if str(e.get("ResourceStatus", "")).endswith("FAILED")]
    return "\n".join(
        f"  {e['LogicalResourceId']} {e['ResourceStatus']}: {e.get('ResourceStatusReason', '')}"
        for e in failed
    )


def deploy_stack(
    cfn: CloudFormationClient,
    name: str,
    template: dict[str, Any],
    parameters: Mapping[str, str],
    tags: Mapping[str, str],
    protect: bool = False,
    template_url: str = "",
    role_arn: str = "",
) -> dict[str, str]:
    """Create or update a stack through a change set, print what changes, wait, return its outputs.

    `template_url`: the template was uploaded there (over the inline limit; `template` is then
    only read for its Transform). `role_arn`: the role CloudFormation acts with (the pipeline's)."""
    body = json.dumps(template, separators=(",", ":"))
    if not template_url and len(body.encode()) > TEMPLATE_BODY_LIMIT:
        raise DeployError(f"{name}: template is {len(body)} bytes, over CloudFormation's inline limit")
    source: dict[str, Any] = {"TemplateURL": template_url} if template_url else {"TemplateBody": body}
    extra: dict[str, Any] = {"RoleARN": role_arn} if role_arn else {}
    stack = _stack(cfn, name)
    if stack is not None and stack["StackStatus"] == "ROLLBACK_COMPLETE":
        raise DeployError(
            f"stack {name} is ROLLBACK_COMPLETE (its first create failed). Read its events, delete it "
            "(retained tables and buckets stay and must be removed or imported by hand), and rerun."
        )
    kind: Any = "UPDATE" if stack is not None else "CREATE"
    change_set = f"deploy-{int(time.time())}"
    cfn.create_change_set(
        StackName=name,
        ChangeSetName=change_set,
        ChangeSetType=kind,
        **source,
        **extra,
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=SAM_CAPABILITIES if "Transform" in template else CAPABILITIES,
        Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
    )
    try:
        cfn.get_waiter("change_set_create_complete").wait(
            StackName=name, ChangeSetName=change_set, WaiterConfig={"Delay": 5, "MaxAttempts": 120}
        )
    except WaiterError as error:
        described = cfn.describe_change_set(StackName=name, ChangeSetName=change_set)
        reason = str(described.get("StatusReason", ""))
        if any(marker in reason for marker in _NO_CHANGES):
            cfn.delete_change_set(StackName=name, ChangeSetName=change_set)
            print(f"{name}: no changes")
            return stack_outputs(cfn, name)
        raise DeployError(f"{name}: change set failed: {reason}") from error
    changes = cfn.describe_change_set(StackName=name, ChangeSetName=change_set).get("Changes", [])
    for change in changes:
        rc = change.get("ResourceChange", {})
        replacement = " (REPLACEMENT)" if rc.get("Replacement") == "True" else ""
        print(
            f"{name}: {rc.get('Action')} {rc.get('LogicalResourceId')} {rc.get('ResourceType')}{replacement}"
        )
    cfn.execute_change_set(StackName=name, ChangeSetName=change_set)
    waiter = cfn.get_waiter("stack_create_complete" if kind == "CREATE" else "stack_update_complete")
    try:
        waiter.wait(StackName=name, WaiterConfig={"Delay": 10, "MaxAttempts": 360})
    except WaiterError as error:
        raise DeployError(f"{name}: deploy failed:\n{_failure_events(cfn, name)}") from error
    if protect:
        cfn.update_termination_protection(StackName=name, EnableTerminationProtection=True)
    return stack_outputs(cfn, name)


def ensure_secret(ssm: SSMClient, name: str) -> bool:
    """Create the SecureString with a random value if it is missing; True when created.

    The value is generated here and sent to SSM only: it never reaches stdout, a file or a log.
    """
    try:
        found = ssm.get_parameter(Name=name)["Parameter"]
    except ssm.exceptions.ParameterNotFound:
        ssm.put_parameter(
            Name=name,
            Type="SecureString",
            Value=secrets.token_urlsafe(48),
            Description="Signs list cursors of the customer-ids API.",
            Overwrite=False,
        )
        return True
    if found.get("Type") != "SecureString":
        raise DeployError(f"SSM parameter {name} exists but is {found.get('Type')}, not SecureString")
    return False


def pull_chalice_state(ssm: SSMClient, name: str, path: Path) -> bool:
    """Restore .chalice/deployed/<stage>.json from SSM; True when there was one to restore.

    chalice deploy finds its API and functions through that file only: without it a second operator
    (or a fresh CI checkout) would create a second API with a new URL.
    """
    try:
        value = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(value, encoding="utf-8")
    return True


def push_chalice_state(ssm: SSMClient, name: str, path: Path) -> None:
    if not path.exists():
        raise DeployError(f"{path} is missing: chalice deploy did not record its resources")
    # Intelligent-Tiering: standard (free, 4 KB) until the file outgrows it, then advanced (8 KB).
    ssm.put_parameter(
        Name=name,
        Type="String",
        Value=path.read_text(encoding="utf-8"),
        Overwrite=True,
        Tier="Intelligent-Tiering",
    )


def chalice_deployed(path: Path) -> dict[str, str]:
    """rest_api_id and rest_api_url from .chalice/deployed/<stage>.json."""
    if not path.exists():
        raise DeployError(f"{path} is missing: run chalice deploy first")
    resources = json.loads(path.read_text(encoding="utf-8")).get("resources", [])
    for resource in resources:
        if resource.get("resource_type") == "rest_api":
            return {"rest_api_id": resource["rest_api_id"], "rest_api_url": resource["rest_api_url"]}
    raise DeployError(f"{path} records no REST API")


def apply_gateway_responses(
    apigw: APIGatewayClient,
    rest_api_id: str,
    stage_name: str,
    responses: Mapping[str, Mapping[str, Any]],
    xray: bool,
) -> None:
    """Put every gateway response, then redeploy the stage: they take effect only in a deployment."""
    for response_type, item in responses.items():
        arguments: dict[str, Any] = dict(item)
        apigw.put_gateway_response(
            restApiId=rest_api_id,
            responseType=response_type,  # type: ignore[arg-type]
            **arguments,
        )
    apigw.create_deployment(
        restApiId=rest_api_id,
        stageName=stage_name,
        tracingEnabled=xray,
        description="gateway responses (deploy.sh)",
    )


def apply_access_logs(apigw: APIGatewayClient, rest_api_id: str, stage_name: str, log_group_arn: str,
                      log_format: str) -> None:
    """Turn on the stage's JSON access logs (chalice deploy creates the stage without them)."""
    apigw.update_stage(
        restApiId=rest_api_id,
        stageName=stage_name,
        patchOperations=[
            {"op": "replace", "path": "/accessLogSettings/destinationArn",
             "value": log_group_arn.removesuffix(":*")},
            {"op": "replace", "path": "/accessLogSettings/format", "value": log_format},
        ],
    )


def edge_problems(apigw: APIGatewayClient, rest_api_id: str) -> list[str]:
    """How the deployed API differs from the edge's design (backend/deploy/edge_swagger.py): its
    Lambda authorizers REQUEST ones without a result cache, and the key source AUTHORIZER. Empty
    when it matches, or when the API has no authorizer (keys then stay in the x-api-key header)."""
    authorizers = apigw.get_authorizers(restApiId=rest_api_id).get("items", [])
    if not authorizers:
        return []
    problems = [
        f"authorizer {a.get('name')} is {a.get('type')} with a "
        f"{a.get('authorizerResultTtlInSeconds')} s cache (want REQUEST, 0 s)"
        for a in authorizers
        if a.get("type") != "REQUEST" or a.get("authorizerResultTtlInSeconds", 0) != 0
    ]
    source = apigw.get_rest_api(restApiId=rest_api_id).get("apiKeySource")
    if source != "AUTHORIZER":
        problems.append(f"the API's key source is {source} (want AUTHORIZER)")
    return problems


def identity_parameter(ssm: SSMClient, prefix: str, name: str) -> str:
    """One of the stage's identity parameters (user-pool-id, client-id) under IDENTITY_PARAMETERS."""
    try:
        return str(ssm.get_parameter(Name=f"{prefix}{name}")["Parameter"]["Value"])
    except ssm.exceptions.ParameterNotFound as error:
        raise DeployError(f"SSM parameter {prefix}{name} is missing: deploy the stage first") from error


def invite(cognito: Any, pool_id: str, username: str, email: str, group: str) -> bool:
    """Create the person (Cognito emails a temporary password) and put them in `group`. True when
    created; an existing person is only added to the group (running it twice changes nothing).
    `cognito`: a cognito-idp client (its type stubs are not among the dev requirements)."""
    try:
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            # The invitation goes to this address: marked verified so that it can also reset the password.
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
            DesiredDeliveryMediums=["EMAIL"],
        )
        created = True
    except cognito.exceptions.UsernameExistsException:
        created = False
    cognito.admin_add_user_to_group(UserPoolId=pool_id, Username=username, GroupName=group)
    return created
