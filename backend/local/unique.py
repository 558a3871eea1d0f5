"""What each run of a test or a benchmark needs to itself: a free port, a customer ID no one used.

Shared by tests/ and bench/ (bench may not import tests/). Nothing here ships.
"""

from __future__ import annotations

import socket
import uuid


def free_port() -> int:
    """A port nothing listens on now (the OS picks it), for a server this run starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fresh_id(prefix: str = "t") -> str:
    """A random valid customer ID, so runs never collide with each other or with old data."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"
