"""deploy.sh's steps, one subcommand each: `python -m backend.deploy STEP --stage STAGE`.

Every step reads what earlier ones recorded in .deploy/<stage>/ (templates, outputs.json), so a
failed deploy can be resumed from the failed step; the shell only hands the API URL to the console build.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from backend.deploy import bundle, canary, lint, release, smoke, spa, templates
from backend.deploy.aws import DeployError
from backend.deploy.release import ConsoleRelease
from backend.deploy.stage import Stage, StageError, check_settings, lambda_functions, load_stage

IDENTITY_GROUPS = ("viewer", "operator", "admin")  # backend/infra/identity.json

if TYPE_CHECKING:
    from boto3.session import Session


def _session() -> Session:
    import boto3

    return boto3.session.Session()


def _outputs_path(stage: Stage) -> Path:
    return stage.work_dir / "outputs.json"


def _recorded(stage: Stage) -> dict[str, str]:
    path = _outputs_path(stage)
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return data


def _record(stage: Stage, values: dict[str, str]) -> None:
    merged = _recorded(stage) | values
    path = _outputs_path(stage)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _template_dir(stage: Stage) -> Path:
    return stage.work_dir / "templates"


def _deployed_file(stage: Stage) -> Path:
    return stage.root / ".chalice" / "deployed" / f"{stage.name}.json"


def _lint_or_fail(paths: list[Path]) -> None:
    problems = [p for path in paths for p in lint.lint(path)]
    for problem in problems:
        print(f"cfn-lint: {problem}", file=sys.stderr)
    if problems:
        raise DeployError(f"cfn-lint found {len(problems)} problem(s) in {', '.join(p.name for p in paths)}")
    print(f"cfn-lint clean: {', '.join(str(p) for p in paths)}")


def cmd_check(stage: Stage, args: argparse.Namespace) -> None:
    """Stage settings consistent; AWS credentials and region usable (not with --offline)."""
    problems = check_settings(stage)
    if problems:
        raise StageError("stage settings need fixing:\n  " + "\n  ".join(problems))
    if args.offline:
        print(f"stage {stage.name}: settings consistent (credentials not checked: dry run)")
        return
    session = _session()
    if not session.region_name:
        raise DeployError("no AWS region: set AWS_DEFAULT_REGION (or a region in your AWS profile)")
    try:
        identity = session.client("sts").get_caller_identity()
    except Exception as error:  # botocore raises several unrelated kinds; each means the same here
        raise DeployError(
            f"no usable AWS credentials ({type(error).__name__}): set AWS_PROFILE or "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        ) from error
    print(f"stage {stage.name}: account {identity['Account']}, region {session.region_name}")


def cmd_build(stage: Stage, args: argparse.Namespace) -> None:
    """Build infra.json, edge.json and merge.json into .deploy/<stage>/templates; lint them."""
    out = _template_dir(stage)
    functions = lambda_functions(stage)
    hashes = templates.script_hashes(stage.root / "frontend" / "index.html")
    infra = templates.write(out / "infra.json", templates.build_infra(stage, functions))
    edge = templates.write(out / "edge.json", templates.build_edge(stage, hashes, functions))
    templates.write(out / "merge.json", templates.build_package_merge(stage, functions, hashes))
    _lint_or_fail([infra, edge])


def cmd_package(stage: Stage, args: argparse.Namespace) -> None:
    """The single-stack path: chalice package with the merge template, the bundle pruned
    (backend/deploy/bundle.py), the canary added (backend/deploy/canary.py), then lint it."""
    out = stage.work_dir / "package"
    bundle.package(stage.root, stage.name, out, merge_template=_template_dir(stage) / "merge.json")
    sam = out / "sam.json"
    templates.write(sam, canary.add_canary(templates.load(sam), stage))
    print(f"canary: {canary.deployment_type(stage)} through alias {canary.ALIAS}; the API invokes the alias")
    _lint_or_fail([sam])


def cmd_ensure_secret(stage: Stage, args: argparse.Namespace) -> None:
    """Create the cursor-signing SecureString with a random value if it is missing."""
    from backend.deploy.aws import ensure_secret

    created = ensure_secret(_session().client("ssm"), stage.cursor_secret_parameter)
    print(f"{stage.cursor_secret_parameter}: {'created with a random value' if created else 'exists'}")


def cmd_chalice_state(stage: Stage, args: argparse.Namespace) -> None:
    """Restore (pull) or save (push) .chalice/deployed/<stage>.json in SSM."""
    from backend.deploy.aws import pull_chalice_state, push_chalice_state

    ssm = _session().client("ssm")
    if args.direction == "pull":
        found = pull_chalice_state(ssm, stage.chalice_state_parameter, _deployed_file(stage))
        print(f"chalice state: {'restored from' if found else 'none yet in'} {stage.chalice_state_parameter}")
    else:
        push_chalice_state(ssm, stage.chalice_state_parameter, _deployed_file(stage))
        print(f"chalice state: saved to {stage.chalice_state_parameter}")


def _tags(stage: Stage) -> dict[str, str]:
    return {"project": stage.app_name, "stage": stage.name}


def cmd_deploy_infra(stage: Stage, args: argparse.Namespace) -> None:
    """Deploy the supporting stack: tables, workflow, alarm topic, alarms, dashboard."""
    from backend.deploy.aws import deploy_stack

    template = templates.load(_template_dir(stage) / "infra.json")
    outputs = deploy_stack(
        _session().client("cloudformation"),
        f"{stage.prefix}-infra",
        template,
        {},
        _tags(stage),
        protect=stage.name == "prod",
    )
    _record(stage, {"alarm_topic_arn": outputs.get("AlarmTopicArn", ""),
                    "user_pool_id": outputs.get("UserPoolId", "")})


def cmd_gateway_responses(stage: Stage, args: argparse.Namespace) -> None:
    """Check the API's edge (REQUEST authorizer, key source AUTHORIZER), put the gateway responses
    on Chalice's API and redeploy its stage."""
    from backend.deploy.aws import apply_gateway_responses, chalice_deployed, edge_problems

    api = chalice_deployed(_deployed_file(stage))
    apigw = _session().client("apigateway")
    problems = edge_problems(apigw, api["rest_api_id"])
    if problems:  # chalice deploy ran without backend/deploy/edge_swagger.py's Swagger
        raise DeployError(f"API {api['rest_api_id']} is not what backend/deploy/edge_swagger.py makes: "
                          f"{'; '.join(problems)}. Deploy with: python -m backend.deploy.edge_swagger deploy")
    responses = templates.gateway_responses(stage)
    apply_gateway_responses(apigw, api["rest_api_id"], stage.api_gateway_stage, responses, stage.xray)
    _record(stage, {"api_url": api["rest_api_url"], "rest_api_id": api["rest_api_id"]})
    print(
        f"gateway responses: {len(responses)} put on {api['rest_api_id']}, stage {stage.api_gateway_stage} "
        "redeployed"
    )


def cmd_deploy_edge(stage: Stage, args: argparse.Namespace) -> None:
    """Deploy the edge stack (API key, usage plan, access logs, console hosting, DLQ destinations)."""
    from backend.deploy.aws import chalice_deployed, deploy_stack

    api = chalice_deployed(_deployed_file(stage))
    origin = "/".join(api["rest_api_url"].split("/")[:3])  # https://host
    hashes = templates.script_hashes(Path(args.build_dir) / "index.html")
    template = templates.build_edge(stage, hashes, lambda_functions(stage))
    templates.write(_template_dir(stage) / "edge.json", template)
    cfn = _session().client("cloudformation")
    outputs = deploy_stack(
        cfn,
        f"{stage.prefix}-edge",
        template,
        # The console release CloudFront serves stays as it is: only `publish` switches it.
        {"RestApiId": api["rest_api_id"], "ApiOrigin": origin,
         release.CONSOLE_RELEASE_PARAMETER: release.live_console(cfn, f"{stage.prefix}-edge")},
        _tags(stage),
        protect=stage.name == "prod",
    )
    from backend.deploy.aws import apply_access_logs

    apply_access_logs(_session().client("apigateway"), api["rest_api_id"], stage.api_gateway_stage,
                      outputs["ApiAccessLogGroupArn"], templates.ACCESS_LOG_FORMAT)
    _record(
        stage,
        {
            "api_key_id": outputs["ApiKeyId"],
            "spa_bucket": outputs["SpaBucketName"],
            "distribution_id": outputs["DistributionId"],
            "console_url": outputs["ConsoleUrl"],
        },
    )
    console = outputs["ConsoleUrl"]
    if console not in stage.allowed_origins:
        print(
            f"WARNING: {console} is not in CORS_ALLOWED_ORIGINS of stage {stage.name}: the API will refuse "
            "the console's requests until you add it in .chalice/config.json and deploy again.",
            file=sys.stderr,
        )


def _console_release(stage: Stage, session: Session, stack: str) -> tuple[ConsoleRelease, dict[str, str]]:
    from backend.deploy.aws import stack_outputs

    cfn = session.client("cloudformation")
    outputs = stack_outputs(cfn, stack)
    history = release.History(session.client("ssm"), stage.console_releases_parameter)
    return ConsoleRelease(session.client("s3"), cfn, session.client("cloudfront"), history, stack,
                          outputs["SpaBucketName"], outputs["DistributionId"]), outputs


def _smoke_checks(stage: Stage, session: Session, api_url: str, outputs: dict[str, str],
                  ) -> tuple[Callable[[], None], Callable[[], None]]:
    """The smoke test's API part and console part, with the stage's key (read, never printed)."""
    key = session.client("apigateway").get_api_key(apiKey=outputs["ApiKeyId"], includeValue=True)["value"]
    checks = smoke.Smoke(api_url, key)

    def check_api() -> None:
        checks.health()
        checks.edge()
        checks.keyed_round_trip()
        checks.submission()

    def check_console() -> None:
        checks.console(outputs["ConsoleUrl"])
        for line in checks.passed:
            print(f"smoke ok  {line}")

    return check_api, check_console


def _publish_console(stage: Stage, session: Session, stack: str, api_url: str, build_dir: Path,
                     release_id: str) -> None:
    console, outputs = _console_release(stage, session, stack)
    check_api, check_console = _smoke_checks(stage, session, api_url, outputs)
    with tempfile.TemporaryDirectory() as scratch:
        built = build_dir
        if release.has_placeholder(build_dir):  # built once for every stage: this stage's API URL
            built = release.bind_api_url(build_dir, api_url, Path(scratch))
        pruned = console.publish(built, release_id, check_api, check_console)
    print(f"console release {release_id} live at {outputs['ConsoleUrl']} (releases/{release_id}); "
          f"kept: the last {release.KEEP_RELEASES}; removed: {', '.join(pruned) or 'none'}")
    _record(stage, {"spa_bucket": outputs["SpaBucketName"], "distribution_id": outputs["DistributionId"],
                    "console_url": outputs["ConsoleUrl"], "console_release": release_id})


def _release_id(args: argparse.Namespace) -> str:
    return str(args.release_id or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))


def cmd_publish(stage: Stage, args: argparse.Namespace) -> None:
    """Upload the built console to a new release prefix, smoke-test, switch CloudFront to it."""
    stack = args.stack or f"{stage.prefix}-edge"
    api_url = _recorded(stage).get("api_url", "")
    if not api_url:
        raise DeployError(f"{_outputs_path(stage)} has no api_url: run the gateway-responses step first")
    _publish_console(stage, _session(), stack, api_url, Path(args.build_dir), _release_id(args))


def cmd_build_console(stage: Stage, args: argparse.Namespace) -> None:
    """Build the console once for every stage (no key; the API URL a placeholder each release sets)."""
    print(f"console built in {release.build_console(stage.root)}")


def cmd_release(stage: Stage, args: argparse.Namespace) -> None:
    """The pipeline's release of this stage from the build job's artifact: stack (canary), then console."""
    from backend.deploy.aws import deploy_stack, ensure_secret

    bucket = os.environ.get("AWS_ARTIFACT_BUCKET", "")
    role = os.environ.get("AWS_CLOUDFORMATION_ROLE_ARN", "")
    if not bucket or not role:
        raise DeployError("set AWS_ARTIFACT_BUCKET and AWS_CLOUDFORMATION_ROLE_ARN (the pipeline stack's "
                          "outputs, docs/releasing.md)")
    session = _session()
    package_dir = Path(args.artifact) / stage.name / "package"
    release_id = _release_id(args)
    ensure_secret(session.client("ssm"), stage.cursor_secret_parameter)
    url = release.upload_artifacts(session.client("s3"), bucket, package_dir, stage.name, release_id,
                                   session.region_name or "")
    stack = stage.prefix
    live = release.live_console(session.client("cloudformation"), stack)
    outputs = deploy_stack(session.client("cloudformation"), stack, templates.load(package_dir / "sam.json"),
                           {release.CONSOLE_RELEASE_PARAMETER: live}, _tags(stage),
                           protect=stage.name == "prod",
                           template_url=url, role_arn=role)
    _record(stage, {"api_url": outputs["EndpointURL"], "api_key_id": outputs["ApiKeyId"],
                    "user_pool_id": outputs.get("UserPoolId", "")})
    api_url = outputs["EndpointURL"].rstrip("/")
    _publish_console(stage, session, stack, api_url, Path(args.artifact) / "console", release_id)


def cmd_rollback_console(stage: Stage, args: argparse.Namespace) -> None:
    """Point CloudFront back at the console release before the live one."""
    session = _session()
    stack = args.stack or release.console_stack(session.client("cloudformation"), stage.prefix)
    console, outputs = _console_release(stage, session, stack)
    live, previous = console.rollback()
    print(f"console of {stage.name}: {live} -> {previous}, served at {outputs['ConsoleUrl']}")


def cmd_invite(stage: Stage, args: argparse.Namespace) -> None:
    """Invite a person to the stage's user pool (Cognito emails a temporary password), in a group."""
    from backend.deploy.aws import identity_parameter, invite

    session = _session()
    pool_id = identity_parameter(session.client("ssm"), stage.identity_parameters, "user-pool-id")
    username = args.username or args.email.partition("@")[0]
    created = invite(session.client("cognito-idp"), pool_id, username, args.email, args.group)
    if created:
        print(f"invited {username} <{args.email}> to {stage.name} as {args.group}: Cognito emails a "
              "temporary password, and the console asks for a new one at the first sign-in")
    else:
        print(f"{username} already has an account in {stage.name}; now in the group {args.group}")


def cmd_output(stage: Stage, args: argparse.Namespace) -> None:
    """Print one recorded output (e.g. api_url); never a secret, none is recorded."""
    value = _recorded(stage).get(args.key)
    if not value:
        raise DeployError(f"{_outputs_path(stage)} has no {args.key} yet")
    print(value)


def cmd_summary(stage: Stage, args: argparse.Namespace) -> None:
    """Print what the deploy recorded, and how to read the API key's value."""
    recorded = _recorded(stage)
    for key in ("api_url", "console_url", "api_key_id", "spa_bucket", "distribution_id", "alarm_topic_arn",
                "user_pool_id"):
        print(f"{key:16} {recorded.get(key, '-')}")
    if recorded.get("api_key_id"):
        print(
            "The API key's value is not printed. Read it with:\n"
            f"  aws apigateway get-api-key --api-key {recorded['api_key_id']} --include-value "
            "--query value --output text"
        )
    print("Invite people (the first admin first):\n"
          f"  .venv/bin/python -m backend.deploy invite --stage {stage.name} --email someone@example.com "
          "[--group viewer|operator|admin]")


COMMANDS: dict[str, Callable[[Stage, argparse.Namespace], None]] = {
    "check": cmd_check,
    "build": cmd_build,
    "package": cmd_package,
    "ensure-secret": cmd_ensure_secret,
    "chalice-state": cmd_chalice_state,
    "deploy-infra": cmd_deploy_infra,
    "gateway-responses": cmd_gateway_responses,
    "deploy-edge": cmd_deploy_edge,
    "publish": cmd_publish,
    "build-console": cmd_build_console,
    "release": cmd_release,
    "rollback-console": cmd_rollback_console,
    "invite": cmd_invite,
    "output": cmd_output,
    "summary": cmd_summary,
}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m backend.deploy", description=__doc__)
    steps = parser.add_subparsers(dest="command", required=True)
    for name, function in COMMANDS.items():
        step = steps.add_parser(name, help=(function.__doc__ or "").split("\n")[0] or None)
        step.add_argument("--stage", required=True)
        if name == "check":
            step.add_argument("--offline", action="store_true", help="skip the credentials check")
        if name in ("deploy-edge", "publish"):
            step.add_argument("--build-dir", default="frontend/dist")
        if name in ("publish", "rollback-console"):
            step.add_argument("--stack", help="the stack serving the console (default: the stage's)")
        if name in ("publish", "release"):
            step.add_argument("--release-id", help="names the console release (default: the UTC time)")
        if name == "release":
            step.add_argument("--artifact", required=True, help="the build job's artifact directory")
        if name == "chalice-state":
            step.add_argument("direction", choices=["pull", "push"])
        if name == "output":
            step.add_argument("key")
        if name == "invite":
            step.add_argument("--email", required=True, help="where Cognito sends the temporary password")
            step.add_argument("--username", help="the sign-in name, shown in createdBy (default: the email's "
                              "part before @)")
            step.add_argument("--group", choices=IDENTITY_GROUPS, default="admin")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    try:
        COMMANDS[args.command](load_stage(args.stage), args)
    except (StageError, DeployError, spa.PublishError, templates.TemplateError, canary.TemplateError,
            release.ReleaseError, smoke.SmokeError) as error:
        print(f"deploy: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
