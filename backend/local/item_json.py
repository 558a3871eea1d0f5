"""The emulator writes DynamoDB items into its answers directly, not through moto's model walk.

moto 5.2.5 turns every answer into JSON with a serializer driven by botocore's service model: for
each attribute of each item it visits the ten members of the `AttributeValue` shape, and for each
member asks an attribute picker to try a list of aliases (the name, its snake_case form...) on the
value. A list page of 25 items spent about half of the emulator's time there (py-spy, one-prefix
table), whatever the table's size.

An item in moto's answer is already in DynamoDB's wire form by then ({"S": "..."}, binary as raw
bytes, sets as lists; moto.dynamodb.models.utilities.dynamo_to_dict), so its JSON is a direct
mapping: strings and booleans as they are, binary base64-encoded, maps and lists recursively.
Here the DynamoDB serializer writes `AttributeValue`s and maps of them that way, and hands every
value it does not recognise (another type, a value that is not one plain attribute) back to
moto's own code. tests/unit/test_emulator_item_json.py compares both writers' JSON on random
items of every attribute type; the patch is pinned to the moto code it mirrors
(backend/local/upstream.py).
"""

from __future__ import annotations

import base64
import functools
import logging
from typing import Any

from backend.local.upstream import written_for

log = logging.getLogger(__name__)

ATTRIBUTE_VALUE = "AttributeValue"  # the shape's name in DynamoDB's service model
# Each member of that shape, as botocore's DynamoDB model declares it: its wire type.
MEMBERS = {"S": "string", "N": "string", "B": "blob", "SS": "list", "NS": "list", "BS": "list",
           "M": "map", "L": "list", "NULL": "boolean", "BOOL": "boolean"}


class _Unknown(Exception):
    """A value this writer does not recognise: moto's own serializer writes it."""


def _wire(value: Any) -> dict[str, Any]:
    """The JSON of one AttributeValue, as moto's serializer writes it."""
    if type(value) is not dict or len(value) != 1:
        raise _Unknown
    ((kind, inner),) = value.items()
    if kind in ("S", "N") and type(inner) is str:
        return {kind: inner}
    if kind in ("NULL", "BOOL") and type(inner) is bool:
        return {kind: inner}
    if kind == "B" and type(inner) is bytes:
        return {kind: _base64(inner)}
    if kind in ("SS", "NS") and type(inner) is list and all(type(s) is str for s in inner):
        return {kind: list(inner)}
    if kind == "BS" and type(inner) is list and all(type(b) is bytes for b in inner):
        return {kind: [_base64(b) for b in inner]}
    if kind == "M" and type(inner) is dict:
        return {kind: _wire_map(inner)}
    if kind == "L" and type(inner) is list:
        return {kind: [_wire(each) for each in inner]}
    raise _Unknown


def _wire_map(values: Any) -> dict[str, Any]:
    if type(values) is not dict or not all(type(k) is str for k in values):
        raise _Unknown
    return {name: _wire(each) for name, each in values.items()}


def _base64(data: bytes) -> str:
    return base64.b64encode(data).strip().decode("utf-8")


def model_matches() -> bool:
    """Whether the DynamoDB model moto serializes with still declares AttributeValue as this
    writer expects (it is botocore's, which moves on its own)."""
    from moto.core.utils import get_service_model

    shape: Any = get_service_model("dynamodb").shape_for(ATTRIBUTE_VALUE)
    members = {name: member.type_name for name, member in shape.members.items()}
    unnamed = all("name" not in member.serialization for member in shape.members.values())
    return members == MEMBERS and unnamed and shape.members["M"].value.name == ATTRIBUTE_VALUE \
        and shape.members["L"].member.name == ATTRIBUTE_VALUE


def _ours(serializer: Any, shape: Any) -> bool:
    return bool(serializer.service_model.service_name == "dynamodb" and shape.name == ATTRIBUTE_VALUE)


@written_for("moto", "5.2.5", {
    "moto.core.serialize:JSONSerializer": "665dba3e0d52",
    "moto.core.serialize:BaseJSONSerializer._serialize_type_structure": "cacf61ed9563",
    "moto.core.serialize:BaseJSONSerializer._serialize_type_map": "5fd6860e5351",
    "moto.core.serialize:BaseJSONSerializer._serialize_type_list": "8420b6e45dc9",
    "moto.core.serialize:BaseJSONSerializer._serialize_type_string": "9a36ec67c4f4",
    "moto.core.serialize:ResponseSerializer._serialize": "dfe5dad4ae4b",
    "moto.core.serialize:ResponseSerializer._serialize_type_structure": "7d2242eea87c",
    "moto.core.serialize:ResponseSerializer._serialize_structure_member": "91e36e3e7f93",
    "moto.core.serialize:ResponseSerializer._serialize_type_blob": "f5868f63c378",
    "moto.core.serialize:ResponseSerializer._default_serialize": "f6b129fafa3a",
    "moto.core.serialize:ResponseSerializer._base64": "511faac0dd07",
    "moto.core.serialize:ResponseSerializer.get_serialized_name": "d6c5348e2a13",
    "moto.core.serialize:ResponseSerializer.get_value": "e9e6f200cfa8",
    "moto.core.serialize:AttributePicker": "de1006e71db0",
    "moto.core.serialize:XFormedAttributePicker": "198e800d0a4d",
    "moto.core.responses:ActionResult.execute_result": "95ecd660ad7e",
    "moto.core.utils:get_service_model": "0a4a5eced5d6",
    "moto.dynamodb.responses:DynamoResult": "60bf60c38edb",
    "moto.dynamodb.models.utilities:dynamo_to_dict": "80f600124c13",
})
def install() -> None:
    """Write DynamoDB's attribute values directly; safe to call again."""
    from moto.core.serialize import JSONSerializer

    structure, mapping = JSONSerializer._serialize_type_structure, JSONSerializer._serialize_type_map
    if getattr(structure, "__direct__", False):
        return
    if not model_matches():
        log.warning("DynamoDB's service model changed: the emulator writes items the slow way")
        return

    @functools.wraps(structure)
    def serialize_structure(serializer: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if key and _ours(serializer, shape):
            try:
                serializer._default_serialize(serialized, _wire(value), shape, key)
                return
            except _Unknown:
                pass  # moto's own code writes it
        structure(serializer, serialized, value, shape, key)

    @functools.wraps(mapping)
    def serialize_map(serializer: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if _ours(serializer, shape.value):
            try:
                serializer._default_serialize(serialized, _wire_map(value), shape, key)
                return
            except _Unknown:
                pass  # moto's own code writes it
        mapping(serializer, serialized, value, shape, key)

    serialize_structure.__direct__ = True  # type: ignore[attr-defined]
    # On JSONSerializer only (DynamoDB's protocol is plain JSON): its base classes stay moto's.
    setattr(JSONSerializer, "_serialize_type_structure", serialize_structure)  # noqa: B010
    setattr(JSONSerializer, "_serialize_type_map", serialize_map)  # noqa: B010

