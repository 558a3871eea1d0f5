"""An in-memory CustomerStore with DynamoDB's semantics, for domain tests with no I/O."""

from __future__ import annotations

from chalicelib.customers import Customer


class InMemoryCustomerStore:
    def __init__(self) -> None:
        self.items: dict[str, Customer] = {}

    def insert(self, customer: Customer) -> bool:
        if customer.id in self.items:
            return False
        self.items[customer.id] = customer
        return True

    def get(self, customer_id: str) -> Customer | None:
        return self.items.get(customer_id)

    def delete(self, customer_id: str) -> bool:
        return self.items.pop(customer_id, None) is not None

    def insert_many(self, customers: list[Customer]) -> set[str]:
        return {c.id for c in customers if not self.insert(c)}

    def list_after(self, after: str | None, prefix: str | None, limit: int) -> list[Customer]:
        ids = sorted(i for i in self.items if (after is None or i > after)
                     and (prefix is None or i.startswith(prefix)))
        return [self.items[i] for i in ids[:limit]]
