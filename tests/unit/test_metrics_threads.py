"""`chalice local` answers on many threads, which share Powertools' one metric set: counting and
flushing must not race (a flush that found the set emptied by another thread's flush, or walked it
while a thread added a metric, raised outside the app's error boundary: Chalice's own 500)."""

from __future__ import annotations

import contextlib
import io
import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

from chalicelib import observability

THREADS, REQUESTS = 8, 400


class _Lines(io.TextIOBase):
    """stdout for many threads: each print's text kept whole, in order of arrival."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            self.text.append(text)
        return len(text)


def test_requests_on_many_threads_flush_every_count_once_and_never_fail() -> None:
    # GIVEN requests on many threads, each counting two metrics (one only now and then, so the
    # set's size changes under a flush) and flushing at its end
    def request(n: int) -> None:
        def view(_event: object) -> None:
            observability.count("Probe")
            if n % 3 == 0:
                observability.count(f"Rare{n % 2}")

        observability.flush_metrics(object(), view)

    out = _Lines()
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns often: a race shows within a few hundred requests
    try:
        with contextlib.redirect_stdout(out), ThreadPoolExecutor(THREADS) as pool:
            # WHEN they all run at once
            list(pool.map(request, range(THREADS * REQUESTS)))  # re-raises any request's error
    finally:
        sys.setswitchinterval(switch)

    # THEN each count was published once: none lost by another thread's clear, none twice
    published = [json.loads(line) for line in "".join(out.text).splitlines() if line.startswith("{")]
    probes = sum(_total(emf.get("Probe", 0)) for emf in published)
    rare = sum(_total(emf.get("Rare0", 0)) + _total(emf.get("Rare1", 0)) for emf in published)
    assert probes == THREADS * REQUESTS
    assert rare == len([n for n in range(THREADS * REQUESTS) if n % 3 == 0])


def _total(value: float | list[float]) -> float:
    return sum(value) if isinstance(value, list) else value
