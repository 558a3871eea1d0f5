"""moto's KMS keys, made on first use (backend/local/emulator.py): a table with encryption at rest
costs no RSA key, and a key that signs still signs and verifies as moto's own would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.kms.models import kms_backends

from backend.local.emulator import make_kms_private_keys_on_first_use
from chalicelib.aws import new_session


@pytest.fixture
def kms() -> Iterator[Any]:
    make_kms_private_keys_on_first_use()
    with mock_aws():
        yield boto3.Session(botocore_session=new_session()).client("kms", region_name="us-east-1")


def _private_key_made(key_id: str) -> bool:
    key: Any = kms_backends["123456789012"]["us-east-1"].keys[key_id].private_key
    return key._key is not None


def test_a_table_with_encryption_at_rest_makes_its_kms_key_without_a_private_key(kms: Any) -> None:
    dynamodb = boto3.Session(botocore_session=new_session()).client("dynamodb", region_name="us-east-1")
    table = dynamodb.create_table(
        TableName="t", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST", SSESpecification={"Enabled": True, "SSEType": "KMS"},
    )["TableDescription"]

    key_id = table["SSEDescription"]["KMSMasterKeyArn"].rsplit("/", 1)[1]
    assert not _private_key_made(key_id)


def test_an_asymmetric_key_made_on_first_use_signs_verifies_and_shows_its_public_key(kms: Any) -> None:
    key_id = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    assert not _private_key_made(key_id)

    signed = kms.sign(KeyId=key_id, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert _private_key_made(key_id)
    checked = kms.verify(KeyId=key_id, Message=b"m", Signature=signed["Signature"],
                         SigningAlgorithm="RSASSA_PSS_SHA_256")
    forged = kms.verify(KeyId=key_id, Message=b"other", Signature=signed["Signature"],
                        SigningAlgorithm="RSASSA_PSS_SHA_256")
    public = kms.get_public_key(KeyId=key_id)["PublicKey"]

    assert checked["SignatureValid"] is True and forged["SignatureValid"] is False
    assert public.startswith(b"0\x82")  # a DER SubjectPublicKeyInfo, as KMS gives
