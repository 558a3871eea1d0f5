"""The edge's Swagger (backend/deploy/edge_swagger.py) on both deploy paths, and its check after a deploy.

`chalice package` (the single stack) and `chalice deploy` (deploy.sh) generate their Swagger with two
subclasses of one generator; both run wrapped, through `python -m backend.deploy.edge_swagger`. The
package path is pinned on what deploy.sh --dry-run built from the app; the deploy path's generator,
which moto cannot take an import from, on an app of this module's own, in-process.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from chalice.app import AuthResponse, Chalice
from chalice.deploy.swagger import CFNSwaggerGenerator, SwaggerGenerator, TemplatedSwaggerGenerator

from backend.deploy import aws as steps
from backend.deploy import edge_swagger
from tests.infra.conftest import ROOT, Built

Json = Any
PUBLIC = {"/health", "/openapi.json", "/auth/config"}


def small_app(guard_every_keyed_route: bool = True) -> Chalice:
    """An app shaped like ours: a public route, keyed routes behind the built-in authorizer."""
    app = Chalice(app_name="edge-test")

    @app.authorizer()
    def authorize(auth_request: Any) -> AuthResponse:
        return AuthResponse(routes=["*"], principal_id="test")

    @app.route("/health")
    def health() -> dict[str, str]:
        return {}

    @app.route("/customers", api_key_required=True, authorizer=authorize)
    def customers() -> dict[str, str]:
        return {}

    @app.route("/customers/{customer_id}", methods=["DELETE"], api_key_required=True,
               authorizer=authorize if guard_every_keyed_route else None)
    def delete(customer_id: str) -> dict[str, str]:
        return {}

    return app


GENERATORS: dict[str, Callable[[], SwaggerGenerator]] = {
    "chalice package": CFNSwaggerGenerator,
    "chalice deploy": TemplatedSwaggerGenerator,
}


@pytest.fixture
def wrapped() -> Iterator[None]:
    """Chalice's generator as `python -m backend.deploy.edge_swagger` runs it; unwrapped afterwards."""
    original = SwaggerGenerator.generate_swagger
    edge_swagger._rewrite_what_chalice_generates()
    try:
        yield
    finally:
        SwaggerGenerator.generate_swagger = original  # type: ignore[method-assign]


def assert_edge_design(document: dict[str, Json], authorizer_uri: Json) -> None:
    scheme = document["securityDefinitions"]["authorize"]
    assert scheme["x-amazon-apigateway-authorizer"] == {
        "type": "request", "authorizerUri": authorizer_uri, "authorizerResultTtlInSeconds": 0,
    }, "REQUEST, never cached, no identity source: it runs for a token-less machine and a key-less person"
    assert document["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"


@pytest.mark.parametrize("path", GENERATORS)
def test_each_deploy_path_generates_a_request_authorizer_and_the_key_source_authorizer(
    wrapped: None, path: str
) -> None:
    # GIVEN the generator Chalice uses on this path, wrapped as the deploy path runs it
    generator = GENERATORS[path]()
    # WHEN it generates the app's Swagger
    document = generator.generate_swagger(small_app())
    # THEN the authorizer is a REQUEST one without cache or identity source, the key source AUTHORIZER
    uri = document["securityDefinitions"]["authorize"]["x-amazon-apigateway-authorizer"]["authorizerUri"]
    assert "authorize" in str(uri).lower()
    assert_edge_design(document, uri)
    # AND every keyed route still requires the key (the usage plan meters it) and the authorizer
    for path_name, methods in document["paths"].items():
        for method, operation in methods.items():
            if path_name not in PUBLIC and method != "options":
                assert {"api_key": []} in operation["security"] and {"authorize": []} in operation["security"]


def test_the_rewrite_changes_only_the_authorizer_s_kind_and_the_key_source() -> None:
    # GIVEN Chalice's own document (TOKEN authorizer on the Authorization header)
    original = CFNSwaggerGenerator().generate_swagger(small_app())
    assert original["securityDefinitions"]["authorize"]["x-amazon-apigateway-authorizer"]["type"] == "token"
    # WHEN it is rewritten
    rewritten = edge_swagger.rewrite(copy.deepcopy(original))
    # THEN the URI Chalice wrote is kept, and nothing but the authorizer and the key source changed
    assert_edge_design(rewritten, original["securityDefinitions"]["authorize"]
                       ["x-amazon-apigateway-authorizer"]["authorizerUri"])
    rewritten.pop("x-amazon-apigateway-api-key-source")
    del rewritten["securityDefinitions"]["authorize"]["x-amazon-apigateway-authorizer"]
    del original["securityDefinitions"]["authorize"]["x-amazon-apigateway-authorizer"]
    assert rewritten == original


def test_a_keyed_route_without_the_authorizer_is_refused_not_locked_out() -> None:
    # GIVEN an app whose DELETE needs a key but forgot the authorizer
    document = CFNSwaggerGenerator().generate_swagger(small_app(guard_every_keyed_route=False))
    # WHEN it is rewritten, THEN it is refused: under the key source AUTHORIZER no key reaches it
    with pytest.raises(edge_swagger.EdgeSwaggerError, match=r"DELETE /customers/\{customer_id\}"):
        edge_swagger.rewrite(document)


def test_an_app_without_authorizers_keeps_its_keys_in_the_header() -> None:
    app = Chalice(app_name="keys-only")

    @app.route("/things", api_key_required=True)
    def things() -> dict[str, str]:
        return {}

    document = CFNSwaggerGenerator().generate_swagger(app)
    assert edge_swagger.rewrite(copy.deepcopy(document)) == document


def test_the_packaged_api_has_the_edge_design(stage_built: Built) -> None:
    # GIVEN the single stack deploy.sh --dry-run packaged from the app (through the wrapped CLI)
    body = stage_built.template("package")["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    # THEN the app's authorizer is a REQUEST authorizer (its URI: the canary's alias) and keys come
    # from the authorizer
    uri = body["securityDefinitions"]["authorize"]["x-amazon-apigateway-authorizer"]["authorizerUri"]
    assert uri["Fn::Sub"][1] == {"AuthorizerAlias": {"Ref": "Authorize.Alias"}}
    assert_edge_design(body, uri)


def test_deploy_sh_runs_chalice_deploy_through_the_edge_swagger() -> None:
    # GIVEN deploy.sh's commands (the comments aside)
    commands = [line.split("#")[0] for line in (ROOT / "deploy.sh").read_text().splitlines()]
    # THEN chalice deploy runs only through the wrapper, never as Chalice's bare CLI
    deploys = [c for c in commands if " deploy --stage" in c and "backend.deploy " not in c]
    assert deploys and all("-m backend.deploy.edge_swagger deploy" in c for c in deploys), deploys


def _api(apigw: Any, key_source: str, authorizer_type: str, ttl: int) -> str:
    api: str = apigw.create_rest_api(name="customer-ids", apiKeySource=key_source)["id"]
    apigw.create_authorizer(
        restApiId=api, name="authorize", type=authorizer_type, authorizerResultTtlInSeconds=ttl,
        authorizerUri="arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
                      "arn:aws:lambda:eu-west-1:123456789012:function:customer-ids-dev-authorize/invocations",
        **({"identitySource": "method.request.header.Authorization"} if authorizer_type == "TOKEN" else {}),
    )
    return api


def test_the_deployed_edge_is_checked_before_the_gateway_responses(aws: dict[str, str]) -> None:
    apigw = boto3.client("apigateway")
    # GIVEN an API deployed with the edge's Swagger, THEN nothing is wrong with it
    assert steps.edge_problems(apigw, _api(apigw, "AUTHORIZER", "REQUEST", 0)) == []
    # GIVEN one deployed by Chalice's bare CLI (TOKEN authorizer, keys in the header)
    problems = steps.edge_problems(apigw, _api(apigw, "HEADER", "TOKEN", 300))
    # THEN both differences are named
    assert problems == ["authorizer authorize is TOKEN with a 300 s cache (want REQUEST, 0 s)",
                        "the API's key source is HEADER (want AUTHORIZER)"]
    # AND an API without authorizers (keys only) is left as it is
    bare = apigw.create_rest_api(name="keys-only")["id"]
    assert steps.edge_problems(apigw, bare) == []
