"""The emulator's DynamoDB calls answered without moto's Flask app in between.

moto's server hands every request to a Flask app per service (werkzeug routing, Flask's request
context, flask-cors) whose one DynamoDB rule calls `DynamoHandler.dispatch` through
`convert_to_flask_response`. For DynamoDB, Flask's share of the emulator's CPU was as large as the
DynamoDB work itself. `dynamodb_route` answers the calls the SDK makes (POST / with a JSON body and a
`DynamoDB_20120810.*` target that moto's own dispatcher sends to DynamoDB) by doing what that view
does, with the same request class, recorder call, error mapping and response class; everything else
(the older API version, Streams, other services, CORS requests, GET/HEAD) goes to moto's app
unchanged. tests/integration/test_emulator_dynamodb_route.py compares the answers of both routes
byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from backend.local.upstream import written_for

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

TARGET_PREFIX = "DynamoDB_20120810."
# What botocore sends; another type (a form body) would be parsed by Flask's request class.
JSON_CONTENT_TYPE = "application/x-amz-json-1.0"


@written_for("moto", "5.2.5", {
    "moto.moto_server.werkzeug_app:DomainDispatcherApplication.get_application": "5d1372e9a2e5",
    "moto.moto_server.werkzeug_app:DomainDispatcherApplication.infer_service_region_host": "1a365cccd617",
    "moto.moto_server.werkzeug_app:DomainDispatcherApplication.__call__": "36eb7f931a4a",
    "moto.moto_server.werkzeug_app:create_backend_app": "a317751ebd1c",
    "moto.moto_server.werkzeug_app:BackendRequest": "6ade7d0bb6ca",
    "moto.core.utils:convert_to_flask_response.__call__": "5d0949692286",
    "moto.core.request:Request": "a4cbd42ad3c1",
    "moto.core.responses:BaseResponse.dispatch": "98c7f8cffd6a",
    "moto.dynamodb.responses:DynamoHandler.call_action": "a740ca250f69",  # dispatch is BaseResponse's
})
@written_for("flask-cors", "6.0.5", {  # what it adds to a request without an Origin: _cors_headers
    "flask_cors.core:get_cors_origins": "e209ef67b65f",
    "flask_cors.core:get_cors_headers": "80f37277960e",
    "flask_cors.core:set_cors_headers": "de266239ae2b",
})
@written_for("flask", "3.1.3", {  # the answer's class, and how moto's app turns a view's error into one
    "flask.wrappers:Response": "97e0a6d461a5",
    "flask.app:Flask.make_response": "af082f17bf26",
    "flask.app:Flask.handle_user_exception": "7020c8df289f",
    "flask.app:Flask.handle_http_exception": "abdc6764fd13",
    "flask.sansio.app:App.trap_http_exception": "854db6f150a4",
})
def dynamodb_route(dispatcher: Any) -> DynamoDBRoute:
    """A WSGI app that answers DynamoDB calls directly and passes the rest to `dispatcher` (moto's
    DomainDispatcherApplication)."""
    return DynamoDBRoute(dispatcher)


class DynamoDBRoute:
    def __init__(self, dispatcher: Any) -> None:
        from botocore.exceptions import ClientError
        from flask import Response  # moto's view answers with Flask's class (its default mimetype)
        from moto.core.request import Request
        from moto.dynamodb.responses import DynamoHandler
        from moto.moto_api import recorder
        from moto.settings import DISABLE_GLOBAL_CORS
        from werkzeug.exceptions import BadRequestKeyError, HTTPException

        class ServerRequest(Request):  # type: ignore[misc]  # moto is Any to mypy
            from_wsgi_server = True  # as moto's BackendRequest: the WSGI server supplies the Date header

        self._dispatcher = dispatcher
        self._request_class = ServerRequest
        self._handler, self._recorder, self._response_class = DynamoHandler, recorder, Response
        self._client_error, self._http_exception = ClientError, HTTPException
        # moto's app runs in debug mode, where Flask lets this one propagate (a 500 from the server)
        self._trapped = BadRequestKeyError
        # What moto's app adds through flask-cors (default options) to a request without an Origin
        self._cors_headers = [] if DISABLE_GLOBAL_CORS else [("Access-Control-Allow-Origin", "*")]

    def answers_directly(self, environ: Environ) -> bool:
        """Whether moto's app would call `DynamoHandler.dispatch` for this request, and nothing
        of Flask's (flask-cors, form parsing) would change the answer."""
        return (
            environ.get("REQUEST_METHOD") == "POST"
            and environ.get("PATH_INFO") == "/"
            and environ.get("CONTENT_TYPE") == JSON_CONTENT_TYPE
            and environ.get("HTTP_X_AMZ_TARGET", "").startswith(TARGET_PREFIX)
            # flask-cors answers these with more than the one header _answer adds
            and "HTTP_ORIGIN" not in environ
            and "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK" not in environ
            # moto's own choice of backend (by the signature's service), last: it takes a lock
            and getattr(self._dispatcher.get_application(environ), "service", None) == "dynamodb"
        )

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if not self.answers_directly(environ):
            return self._dispatcher(environ, start_response)  # type: ignore[no-any-return]
        return self._answer(environ, start_response)

    def _answer(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        """What moto's view (convert_to_flask_response(DynamoHandler.dispatch)) does."""
        request = self._request_class(environ)
        try:
            self._recorder._record_request(request)
            result = self._handler.dispatch(request, request.raw_url, dict(request.headers))
        except self._client_error as error:
            result = 400, {}, error.response["Error"]["Message"]
        except self._trapped:
            raise
        except self._http_exception as error:  # Flask turns one raised in a view into its answer
            answer = self._response_class.force_type(error, environ)  # type: ignore[arg-type]  # a WSGI app
            return self._respond(answer, environ, start_response)
        status, headers, body = result if len(result) == 3 else (200, {}, result)
        return self._respond(self._response_class(response=body, status=status, headers=headers),
                             environ, start_response)

    def _respond(self, response: Any, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        for name, value in self._cors_headers:
            response.headers.add(name, value)
        return response(environ, start_response)  # type: ignore[no-any-return]
