"""cfn-lint, in-process: errors and warnings both fail (a "clean" template has neither)."""

from __future__ import annotations

from pathlib import Path

# The regions linted against: resource types and property values differ per region, and the
# console's certificate and CloudFront live in us-east-1 whatever the API's region.
REGIONS = ["us-east-1", "eu-west-1"]


def lint(path: Path) -> list[str]:
    # Deferred: cfn-lint takes about a second to import. It ships no type information.
    from cfnlint.api import ManualArgs, lint_file  # type: ignore[import-untyped]

    matches = lint_file(path, ManualArgs(regions=REGIONS))
    return [f"{m.rule.id} {path.name}:{m.linenumber} {m.message}" for m in matches]
