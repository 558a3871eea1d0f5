"""The service objects a view needs, built once per Lambda container at first use."""

from __future__ import annotations

from functools import cache

from chalicelib.aws import client
from chalicelib.config import cursor_secret, settings
from chalicelib.cursor import CursorCodec
from chalicelib.customers import Customers
from chalicelib.store import DynamoCustomerStore


@cache
def customers() -> Customers:
    store = DynamoCustomerStore(client("dynamodb"), settings().customers_table)
    return Customers(store, CursorCodec(cursor_secret))


def reset() -> None:
    customers.cache_clear()
