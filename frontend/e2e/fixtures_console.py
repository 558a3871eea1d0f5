"""Fixtures for the console's everyday-work tests: the server's state read through the API itself,
so a test checks what was stored, not only what the page says."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest

from backend.local.devstack import DevStack


@dataclass
class Api:
    """The stack's API over HTTP, with its key: what a second client of the service would see."""

    url: str
    key: str

    def _call(self, method: str, path: str) -> tuple[int, Any]:
        request = urllib.request.Request(self.url + path, method=method, headers={"x-api-key": self.key})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
                return response.status, json.loads(body) if body else None
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def customer(self, customer_id: str) -> dict[str, Any] | None:
        """The stored record, or None when the API answers 404."""
        status, body = self._call("GET", f"/customers/{urllib.parse.quote(customer_id)}")
        assert status in (200, 404), (status, body)
        return body if status == 200 else None

    def create(self, customer_id: str) -> None:
        status, body = self._call("PUT", f"/customers/{urllib.parse.quote(customer_id)}")
        assert status == 201, (status, body)

    def delete(self, customer_id: str) -> None:
        status, body = self._call("DELETE", f"/customers/{urllib.parse.quote(customer_id)}")
        assert status == 204, (status, body)

    def ids_with_prefix(self, prefix: str) -> list[str]:
        """Every stored ID starting with `prefix`, walking the cursor."""
        found: list[str] = []
        cursor: str | None = None
        while True:
            query = {"prefix": prefix, "limit": "100", **({"cursor": cursor} if cursor else {})}
            status, page = self._call("GET", "/customers?" + urllib.parse.urlencode(query))
            assert status == 200, (status, page)
            found += [item["id"] for item in page["items"]]
            cursor = page["nextCursor"]
            if not cursor:
                return found

    def first_page(self, limit: int = 25) -> dict[str, Any]:
        status, page = self._call("GET", f"/customers?limit={limit}")
        assert status == 200, (status, page)
        return dict(page)


@pytest.fixture(scope="session")
def api(stack: DevStack) -> Api:
    return Api(stack.api_url, stack.api_key)
