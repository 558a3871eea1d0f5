"""Request bodies: JSON parsed within fixed bounds, then validated against a pydantic model.

Every body is a 400 or a success: nesting depth, number size, string size and the count of values
are bounded while or right after parsing, so a hostile body (`[[[[...]]]]`, a 5,000-digit number)
gets a clear error instead of a RecursionError or ValueError and a 500.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeVar

from chalice.app import Request

from chalicelib.errors import InvalidRequestError, MalformedJsonError

if TYPE_CHECKING:
    from pydantic import BaseModel

ModelT = TypeVar("ModelT", bound="BaseModel")

MAX_DEPTH = 32
MAX_NUMBER_CHARS = 30
MAX_STRING_CHARS = 4096
MAX_VALUES = 10_000


def _number(text: str) -> str:
    if len(text) > MAX_NUMBER_CHARS:
        raise InvalidRequestError(f"a number in the body is longer than {MAX_NUMBER_CHARS} characters")
    return text


def _int(text: str) -> int:
    return int(_number(text))


def _float(text: str) -> float:
    return float(_number(text))


def _constant(name: str) -> None:
    raise MalformedJsonError(f"the body is not valid JSON: {name} is not a JSON value")


def _check_bounds(document: Any) -> None:
    """Walk the parsed body without recursion; refuse it past any bound."""
    pending: list[tuple[Any, int]] = [(document, 1)]
    values = 0
    while pending:
        value, depth = pending.pop()
        values += 1
        if values > MAX_VALUES:
            raise InvalidRequestError(f"the body holds more than {MAX_VALUES} values")
        if depth > MAX_DEPTH:
            raise InvalidRequestError(f"the body nests deeper than {MAX_DEPTH} levels")
        if isinstance(value, str) and len(value) > MAX_STRING_CHARS:
            raise InvalidRequestError(f"a string in the body is longer than {MAX_STRING_CHARS} characters")
        if isinstance(value, dict):
            pending.extend((key, depth + 1) for key in value)
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)


def json_body(request: Request) -> Any:
    """The request's JSON body; a clear 400 when it is missing, not JSON, or out of bounds."""
    raw = request.raw_body
    if not raw:
        raise MalformedJsonError("the request needs a JSON body")
    try:
        document = json.loads(raw, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise InvalidRequestError(f"the body nests deeper than {MAX_DEPTH} levels") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedJsonError(f"the body is not valid JSON: {error}") from error
    _check_bounds(document)
    return document


def parse_body(request: Request, model: type[ModelT]) -> ModelT:
    """Validate the JSON body against a pydantic model; a readable 400 when it does not fit."""
    from pydantic import ValidationError

    data = json_body(request)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidRequestError(f"{where}: {first['msg']}") from None
