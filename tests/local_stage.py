"""A project directory whose Chalice config is ours with some local-stage variables changed, for a
test that needs a setting shortened that the stage itself sets (`chalice local` and
chalice.test.Client both apply the stage's variables over the process's environment)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def local_stage_project(directory: Path, **variables: str) -> Path:
    """`directory`, holding .chalice/config.json with these local-stage variables (for the API's
    function too, where the stage sets it per function). The app itself is imported from ROOT."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    local = config["stages"]["local"]
    local["environment_variables"].update(variables)
    for function in local.get("lambda_functions", {}).values():
        overridden = set(function.get("environment_variables", {})) & set(variables)
        function["environment_variables"].update({name: variables[name] for name in overridden})
    (directory / ".chalice").mkdir(parents=True, exist_ok=True)
    (directory / ".chalice" / "config.json").write_text(json.dumps(config, indent=2))
    return directory
