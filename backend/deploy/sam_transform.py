"""Expand a packaged SAM template with AWS's own SAM translator, offline: what CloudFormation's
AWS::Serverless transform would make of it. `.venv-checkov/bin/python backend/deploy/sam_transform.py
IN OUT`.

Runs in .venv-checkov (requirements-checkov.txt): the translator wants an older pydantic than the
app's environment has. Standalone for that reason: it imports nothing of this project. The managed
policies SAM attaches are named here, so the translator asks IAM for nothing.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

# The AWS managed policies SAM attaches to the roles it makes (function, hook, CodeDeploy).
MANAGED_POLICIES = {
    "AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "AWSXrayWriteOnlyAccess": "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
    "AWSCodeDeployRoleForLambda": "arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda",
}
PLACEHOLDER_CODE = "s3://release-artifacts/code.zip"  # what release.upload_artifacts puts in CodeUri


class _Policies:
    def load(self) -> dict[str, str]:
        return MANAGED_POLICIES


def expand(template: dict[str, Any]) -> dict[str, Any]:
    from samtranslator.translator.transform import transform  # type: ignore[import-not-found]

    for resource in template["Resources"].values():
        if resource.get("Properties", {}).get("CodeUri") == "./deployment.zip":
            resource["Properties"]["CodeUri"] = PLACEHOLDER_CODE
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")  # fills ${AWS::Region} in ARNs it builds
    expanded: dict[str, Any] = transform(template, {}, _Policies())
    return expanded


def main() -> int:
    source, target = sys.argv[1:3]
    with open(source, encoding="utf-8") as handle:
        template = json.load(handle)
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(expand(template), handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
