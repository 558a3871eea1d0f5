"""An in-memory CustomerStore with DynamoDB's semantics, for domain tests with no I/O."""

from __future__ import annotations

from chalicelib.customers.domain import Customer, Listing


class InMemoryCustomerStore:
    def __init__(self) -> None:
        self.items: dict[str, Customer] = {}
        self.tokens: dict[str, str] = {}

    def insert(self, customer: Customer, write_token: str) -> Customer | None:
        if customer.id in self.items:
            mine = self.tokens[customer.id] == write_token
            return self.items[customer.id] if mine else None
        self.items[customer.id] = customer
        self.tokens[customer.id] = write_token
        return customer

    def get(self, customer_id: str) -> Customer | None:
        return self.items.get(customer_id)

    def delete(self, customer_id: str) -> bool:
        self.tokens.pop(customer_id, None)
        return self.items.pop(customer_id, None) is not None

    def insert_many(self, customers: list[Customer], write_token: str) -> set[str]:
        return {c.id for c in customers if self.insert(c, write_token) is None}

    def list_after(self, after: str | None, prefix: str | None, limit: int) -> Listing:
        ids = sorted(i for i in self.items if (after is None or i > after)
                     and (prefix is None or i.startswith(prefix)))
        return Listing([self.items[i] for i in ids[:limit]])
