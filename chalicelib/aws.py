"""AWS clients, built at first use and then reused for the life of the Lambda container.

Plain botocore, not boto3: importing boto3 pulls in s3transfer and costs ~80 ms of cold start
here, and the DynamoDB items we store are three strings, which need no (de)serializer.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from botocore.config import Config

# Bounded retries: a throttle or outage fails fast enough to answer 503 within API Gateway's 29 s.
_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 3},
    connect_timeout=2,
    read_timeout=5,
    max_pool_connections=32,
)


@cache
def _session() -> Any:
    import botocore.session

    return botocore.session.get_session()


@cache
def client(service: str) -> Any:
    """A botocore client; AWS_ENDPOINT_URL (the local emulator) is honoured by botocore itself."""
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return _session().create_client(service, region_name=region, config=_CONFIG)


def reset() -> None:
    client.cache_clear()
    _session.cache_clear()
