"""Schemathesis over /openapi.json of the running stack: no 5xx, nothing outside the document.

Runs the schemathesis CLI (its pytest plugin does not support pytest 9 yet) with every check on,
positive and negative inputs, and a fixed seed so a failure can be replayed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from backend.local.devstack import DevStack
from tests.conftest import API_KEY
from tests.integration.people import sign_in

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CONFIG = Path(__file__).with_name("schemathesis.toml")


def test_api_conforms_to_its_document(stack: DevStack) -> None:
    credentials = {"SCHEMATHESIS_API_KEY": API_KEY,
                   "SCHEMATHESIS_BEARER_TOKEN": sign_in(stack, "admin")["AccessToken"]}
    result = subprocess.run(
        [str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", f"{stack.api_url}/openapi.json",
         "--checks", "all", "--max-examples", "40", "--seed", "20261125", "--no-color"],
        capture_output=True, text=True, timeout=600, env={**os.environ, **credentials},
    )
    print(result.stdout[-6000:])
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
