"""A deployable stage: the values every deploy step needs, read once from the repository.

Two files feed it: `.chalice/config.json` (what Chalice deploys: app name, API stage, X-Ray, the Lambda
environment) and `backend/infra/stages.json` (what the CloudFormation templates need: table names,
throttles, console domain, ...). Chalice's own Config class merges the former, so a stage sees
exactly the environment Chalice will deploy.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

# Account-specific settings an operator may give in the environment rather than commit.
ENV_OVERRIDES = {
    "ConsoleDomainName": "CONSOLE_DOMAIN_NAME",
    "ConsoleCertificateArn": "CONSOLE_CERTIFICATE_ARN",
    "AlarmEmail": "ALARM_EMAIL",
}


class StageError(Exception):
    """The stage is unknown, not deployable, or its settings contradict each other."""


@dataclass(frozen=True)
class LambdaFunction:
    logical_id: str  # its resource name in `chalice package` output
    function_name: str  # its name after `chalice deploy`


@dataclass(frozen=True)
class Stage:
    name: str
    app_name: str
    api_gateway_stage: str
    xray: bool
    log_retention_set: bool
    environment: Mapping[str, str]
    settings: Mapping[str, str]
    root: Path
    work_root: Path  # .deploy/ unless DEPLOY_WORK_DIR says otherwise (the tests use a tmp dir)

    @property
    def prefix(self) -> str:
        return f"{self.app_name}-{self.name}"

    @property
    def allowed_origins(self) -> list[str]:
        raw = self.environment.get("CORS_ALLOWED_ORIGINS", "")
        return [o.strip() for o in raw.split(",") if o.strip()]

    @property
    def console_origin(self) -> str:
        """The origin named in gateway responses, which cannot reflect the caller's: the first allowed."""
        origins = self.allowed_origins
        if not origins:
            raise StageError(f"stage {self.name}: CORS_ALLOWED_ORIGINS is empty in .chalice/config.json")
        return origins[0]

    @property
    def cursor_secret_parameter(self) -> str:
        name = self.environment.get("CURSOR_SECRET_PARAMETER", "")
        if not name.startswith("/"):
            raise StageError(f"stage {self.name}: CURSOR_SECRET_PARAMETER must be an SSM name like /a/b")
        return name

    @property
    def identity_parameters(self) -> str:
        """The prefix of the user pool's, client's and people usage key's SSM parameters."""
        prefix = self.environment.get("IDENTITY_PARAMETERS", "")
        if not (prefix.startswith("/") and prefix.endswith("/")):
            raise StageError(f"stage {self.name}: IDENTITY_PARAMETERS must be an SSM prefix like /a/b/")
        return prefix

    @property
    def chalice_state_parameter(self) -> str:
        """Where deploy.sh keeps .chalice/deployed/<stage>.json, so any operator redeploys the same API."""
        return f"/{self.app_name}/{self.name}/chalice-deployed"

    @property
    def console_releases_parameter(self) -> str:
        """The console releases kept (oldest first, the last live): what rollback-console reads."""
        return f"/{self.app_name}/{self.name}/console-releases"

    @property
    def infra_dir(self) -> Path:
        return self.root / "backend" / "infra"

    @property
    def work_dir(self) -> Path:
        return self.work_root / self.name


def _read_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def deployable_stages(root: Path = ROOT) -> list[str]:
    return sorted(k for k in _read_json(root / "backend" / "infra" / "stages.json") if not k.startswith("_"))


def load_stage(name: str, root: Path = ROOT, environ: Mapping[str, str] | None = None) -> Stage:
    from chalice.config import Config  # deferred: only commands that need a stage pay for the import

    environ = os.environ if environ is None else environ
    config_from_disk = _read_json(root / ".chalice" / "config.json")
    if name not in config_from_disk.get("stages", {}):
        raise StageError(f"stage {name!r} is not in .chalice/config.json")
    stages = _read_json(root / "backend" / "infra" / "stages.json")
    if name not in stages or name.startswith("_"):
        raise StageError(
            f"stage {name!r} is not deployable: backend/infra/stages.json has {deployable_stages(root)}"
        )
    settings = {k: str(v) for k, v in stages[name].items()}
    for key, variable in ENV_OVERRIDES.items():
        if environ.get(variable):
            settings[key] = environ[variable]
    config = Config(
        chalice_stage=name,
        config_from_disk=config_from_disk,
        default_params={"api_gateway_stage": "api", "project_dir": str(root)},
    )
    return Stage(
        name=name,
        app_name=str(config.app_name),
        api_gateway_stage=str(config.api_gateway_stage),
        xray=bool(config.xray_enabled),
        log_retention_set=config.log_retention_in_days is not None,
        environment=dict(config.environment_variables),
        settings=settings,
        root=root,
        work_root=Path(environ.get("DEPLOY_WORK_DIR") or root / ".deploy"),
    )


def check_settings(stage: Stage) -> list[str]:
    """Contradictions an operator must fix before a deploy could work; empty when none."""
    problems: list[str] = []
    domain = stage.settings.get("ConsoleDomainName", "")
    if domain:
        if f"https://{domain}" not in stage.allowed_origins:
            problems.append(
                f"ConsoleDomainName {domain} is not in CORS_ALLOWED_ORIGINS of stage {stage.name} "
                "(.chalice/config.json): the API would refuse the console's requests"
            )
        if not stage.settings.get("ConsoleCertificateArn"):
            problems.append(
                f"stage {stage.name} serves the console at {domain} but has no certificate: set "
                "CONSOLE_CERTIFICATE_ARN (an ACM certificate in us-east-1 covering that name), or "
                "ConsoleCertificateArn in backend/infra/stages.json"
            )
    try:
        stage.console_origin  # noqa: B018 - raises when no origin is configured
        stage.cursor_secret_parameter  # noqa: B018
        stage.identity_parameters  # noqa: B018
    except StageError as error:
        problems.append(str(error))
    return problems


def lambda_functions(stage: Stage) -> list[LambdaFunction]:
    """Every Lambda function Chalice creates for the stage, from Chalice's own application graph.

    Imports app.py (as `chalice package` does), so run it in a process of its own.
    """
    from chalice.cli.factory import CLIFactory
    from chalice.deploy import models
    from chalice.deploy.appgraph import ApplicationGraphBuilder, DependencyBuilder
    from chalice.utils import to_cfn_resource_name

    config = CLIFactory(str(stage.root)).create_config_obj(chalice_stage_name=stage.name)
    graph = ApplicationGraphBuilder().build(config, stage.name)
    found: list[LambdaFunction] = []
    for resource in DependencyBuilder().build_dependencies(graph):
        if isinstance(resource, models.LambdaFunction):
            # `chalice package` renames the REST API's handler to APIHandler (chalice/package.py).
            name = resource.resource_name
            logical = "APIHandler" if name == "api_handler" else to_cfn_resource_name(name)
            found.append(LambdaFunction(logical_id=logical, function_name=resource.function_name))
    return found
