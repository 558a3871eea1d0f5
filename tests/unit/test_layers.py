"""The shipped code's imports point down, and the domain knows neither HTTP nor AWS.

Layers, bottom to top: the foundation (config, errors, clients, logs) < the HTTP helpers routes use
< each feature's domain and adapters < the wiring < the routes and event handlers < what assembles
and describes the app (chalicelib/api). A module may import its own layer and those below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"

LAYERS: list[tuple[str, ...]] = [
    ("chalicelib", "chalicelib.config", "chalicelib.errors", "chalicelib.deadline", "chalicelib.aws",
     "chalicelib.dynamo", "chalicelib.observability"),
    ("chalicelib.http", "chalicelib.identity"),
    ("chalicelib.customers",),
    ("chalicelib.workflow",),  # builds on customers: the workflow inserts customers
    ("chalicelib.wiring",),
    ("chalicelib.customers.routes", "chalicelib.workflow.routes", "chalicelib.workflow.handlers",
     "chalicelib.identity.authorizer"),  # the API's authorizer is an entry point too
    ("chalicelib.api",),
]
# The rules themselves: pure Python, testable without HTTP or AWS.
DOMAIN = ("chalicelib.customers.domain", "chalicelib.customers.cursor", "chalicelib.workflow.submissions",
          "chalicelib.workflow.reconciler", "chalicelib.workflow.events")
FRAMEWORKS = ("chalice", "botocore", "boto3", "aws_lambda_powertools", "pydantic")


def module_name(path: Path) -> str:
    parts = path.relative_to(CHALICELIB.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    """The highest layer whose name is the module or one of its packages (the longest match wins)."""
    matches = [(len(name), rank) for rank, names in enumerate(LAYERS) for name in names
               if module == name or module.startswith(f"{name}.")]
    return max(matches)[1]


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


MODULES = {module_name(path): path for path in sorted(CHALICELIB.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_import_points_down(module: str) -> None:
    own = layer_of(module)
    upward = [name for name in imports_of(MODULES[module])
              if name in MODULES and layer_of(name) > own]
    assert upward == [], f"{module} (layer {own}) imports from above: {upward}"


@pytest.mark.parametrize("module", DOMAIN)
def test_the_domain_imports_no_framework(module: str) -> None:
    frameworks = [name for name in imports_of(MODULES[module]) if name.split(".")[0] in FRAMEWORKS]
    assert frameworks == [], f"{module} imports {frameworks}"
