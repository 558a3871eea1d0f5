"""The cyclic garbage collector's pace for the local stack's processes and the test processes.

They hold large object graphs that live as long as the process: moto's backends and every item
they store, botocore's service models, the app. CPython's default thresholds start a collection
every 700 net new objects, and a full one, which walks that whole graph, about every hundredth.
Under `make test`, a profile of the pytest processes put a seventh of their CPU in the collector.
Collecting the young generation far less often, and the older ones rarely, leaves cyclic garbage
around a little longer (it is still collected), which these processes can afford. AWS Lambda
keeps the defaults: nothing in chalicelib calls this.
"""

from __future__ import annotations

import gc

# Net new container objects between collections of the youngest generation; then how many of
# those before the middle generation is collected, and how many of those before the oldest.
THRESHOLDS = (50_000, 50, 100)


def collect_garbage_less_often() -> None:
    gc.set_threshold(*THRESHOLDS)
