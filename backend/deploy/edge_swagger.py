"""The edge's Swagger: Chalice's document with a REQUEST authorizer and the key source AUTHORIZER.

A person sends `Authorization: Bearer <token>` and no key; a machine sends `x-api-key` and no
token. API Gateway must let both through to the authorizer and still meter both in the usage plan:

- Chalice's built-in authorizers are TOKEN authorizers, which answer 401 before the function runs
  when their one header is missing (a machine). A REQUEST authorizer with its result cache off
  (`authorizerResultTtlInSeconds: 0`) needs no identity source, so it runs for every request.
- With the API's key source `AUTHORIZER` (`x-amazon-apigateway-api-key-source`), API Gateway takes the
  usage-plan key from the authorizer's `usageIdentifierKey` instead of the x-api-key header: the
  presented key for a machine (a wrong one is still API Gateway's 403), the people usage key for a
  person. `api_key_required` stays on every credentialed route, so the usage plan still applies.

`rewrite()` does that to the document Chalice generates. Both deploy paths get it the same way:
`python -m backend.deploy.edge_swagger package|deploy ...` runs Chalice's own CLI with its Swagger
generator wrapped (`_rewrite_what_chalice_generates`), so `chalice package` (the single stack's
DefinitionBody) and `chalice deploy` (its ImportRestApi/PutRestApi body) carry the same document;
no call after the deploy changes the API behind Chalice's back.
"""

from __future__ import annotations

import sys
from typing import Any

from backend.local.upstream import written_for

Json = Any

KEY_SOURCE = "x-amazon-apigateway-api-key-source"
AUTHORIZER_EXTENSION = "x-amazon-apigateway-authorizer"
API_KEY_SCHEME = "api_key"  # Chalice's name for `api_key_required=True`
# Each request is authorized afresh: a cached result would need identity sources (all required),
# and a revoked token or a disabled key must stop working at once.
RESULT_TTL_SECONDS = 0


class EdgeSwaggerError(Exception):
    """The document cannot be given the edge's design without locking a route out."""


def _chalice_authorizers(document: dict[str, Json]) -> dict[str, dict[str, Json]]:
    """The security definitions of Chalice's built-in (Lambda) authorizers."""
    return {name: scheme for name, scheme in document.get("securityDefinitions", {}).items()
            if scheme.get("x-amazon-apigateway-authtype") == "custom" and AUTHORIZER_EXTENSION in scheme}


def _keyed_operations_without(document: dict[str, Json], authorizers: set[str]) -> list[str]:
    found = []
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            security = [name for entry in operation.get("security", []) for name in entry]
            if API_KEY_SCHEME in security and not authorizers & set(security):
                found.append(f"{method.upper()} {path}")
    return found


def rewrite(document: dict[str, Json]) -> dict[str, Json]:
    """Chalice's Swagger with its authorizers as REQUEST authorizers (no cache, no identity source)
    and the key source AUTHORIZER. A document without a Chalice authorizer is returned as it is
    (keys stay in the x-api-key header); one with keyed routes the authorizer does not guard is
    refused: under the key source AUTHORIZER no key could ever reach them."""
    authorizers = _chalice_authorizers(document)
    if not authorizers:
        return document
    locked_out = _keyed_operations_without(document, set(authorizers))
    if locked_out:
        raise EdgeSwaggerError(
            f"{', '.join(locked_out)} require an API key but not the authorizer "
            f"({', '.join(sorted(authorizers))}): with the key source AUTHORIZER no key would reach them")
    for scheme in authorizers.values():
        extension = scheme[AUTHORIZER_EXTENSION]
        extension["type"] = "request"
        extension["authorizerResultTtlInSeconds"] = RESULT_TTL_SECONDS
        extension.pop("identitySource", None)
    document[KEY_SOURCE] = "AUTHORIZER"
    return document


@written_for("chalice", "1.34.0", {
    "chalice.deploy.swagger:SwaggerGenerator.generate_swagger": "d640bbe60c97",
    "chalice.deploy.swagger:SwaggerGenerator._generate_security_from_auth_obj": "ef485bfe8ea9",
})
def _rewrite_what_chalice_generates() -> None:
    """Every Swagger generator of Chalice (package's CloudFormation one, deploy's templated one)
    inherits generate_swagger; its built-in authorizers come from _generate_security_from_auth_obj
    as `type: token` security definitions, which `rewrite` expects."""
    from chalice.deploy.swagger import SwaggerGenerator

    generate = SwaggerGenerator.generate_swagger
    if getattr(generate, "edge_rewrite", False):
        return

    def generate_swagger(self: SwaggerGenerator, app: Any, rest_api: Any = None) -> dict[str, Json]:
        return rewrite(generate(self, app, rest_api))

    generate_swagger.edge_rewrite = True  # type: ignore[attr-defined]
    SwaggerGenerator.generate_swagger = generate_swagger  # type: ignore[method-assign]


def main() -> int:
    """Chalice's CLI (`package`, `deploy`, ...) generating the edge's Swagger."""
    from chalice.cli import main as chalice_main

    _rewrite_what_chalice_generates()
    sys.argv[0] = "chalice"
    return int(chalice_main() or 0)


if __name__ == "__main__":
    sys.exit(main())
