"""Every patch of moto, botocore or chalice local still matches the upstream code it was written for
(backend/local/upstream.py), and the check itself sees a change."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

import backend.deploy.edge_swagger
import backend.local.botocore_sessions
import backend.local.dynamodb_route
import backend.local.emulator
import backend.local.gateway
import backend.local.item_json
import backend.local.item_writes
import backend.local.journal
import backend.local.query_index
from backend.local.upstream import PINS, Pin, fingerprint, installed_version

PATCHING_MODULES = {backend.local.botocore_sessions.__name__, backend.local.dynamodb_route.__name__,
                    backend.local.emulator.__name__, backend.local.gateway.__name__,
                    backend.local.item_json.__name__, backend.local.item_writes.__name__,
                    backend.local.journal.__name__, backend.local.query_index.__name__,
                    backend.deploy.edge_swagger.__name__}


def test_the_patching_modules_declare_their_patches() -> None:
    declared = {pin.patch.rpartition(".")[0] for pin in PINS}
    assert declared >= PATCHING_MODULES
    assert {pin.distribution for pin in PINS} >= {"moto", "chalice", "botocore"}


@pytest.mark.parametrize("pin", PINS, ids=lambda pin: f"{pin.patch}[{pin.distribution}]")
def test_a_patch_matches_the_upstream_code_it_was_written_for(pin: Pin) -> None:
    installed = installed_version(pin.distribution)
    problems = pin.problems(installed)
    assert not problems, (
        f"{pin.patch} was written for {pin.distribution} {pin.version}; what is installed differs: "
        + "; ".join(problems)
        + ".\nRe-read what changed upstream, make sure the patch still holds (or fix it), then replace"
        f" its declaration with:\n{pin.declaration(installed)}"
    )


@pytest.fixture
def upstream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A module of a make-believe upstream package, importable by name."""
    monkeypatch.syspath_prepend(str(tmp_path))
    module = tmp_path / f"upstream_{uuid.uuid4().hex}.py"
    module.write_text("class Handler:\n    def send(self):\n        return 1\n")
    return module


def test_the_check_sees_another_version_a_changed_and_a_vanished_definition(upstream: Path) -> None:
    # GIVEN a patch pinned to Handler.send as it is in version 1.0
    target = f"{upstream.stem}:Handler.send"
    pin = Pin("ours.patch", "upstream", "1.0", {target: fingerprint(target) or ""})
    assert pin.problems("1.0") == []

    # WHEN another version is installed, THEN the check says so
    assert pin.problems("1.1") == ["upstream 1.1 is installed"]

    # WHEN the method changes, THEN it is named, with its fingerprint then and now
    upstream.write_text("class Handler:\n    def send(self):\n        return 2\n")
    [changed] = pin.problems("1.0")
    assert changed.startswith(f"{target} changed (fingerprint {pin.fingerprints[target]}, now ")
    assert f"\"{target}\": \"{fingerprint(target)}\"" in pin.declaration("1.0")

    # WHEN it is gone, THEN that too
    upstream.write_text("class Handler:\n    pass\n")
    assert pin.problems("1.0") == [f"{target} is no longer defined"]


def test_a_fingerprint_reads_the_source_not_the_live_object(upstream: Path) -> None:
    # GIVEN the upstream method, patched in this process as DevStack patches moto
    target = f"{upstream.stem}:Handler.send"
    before = fingerprint(target)
    module = __import__(upstream.stem)
    module.Handler.send = lambda self: 3

    # THEN its fingerprint is still that of the upstream source
    assert fingerprint(target) == before is not None
    assert fingerprint(f"{upstream.stem}:Handler") is not None
    assert fingerprint(f"{upstream.stem}:Handler.nothing") is None
    assert fingerprint("no_such_package_anywhere.module:thing") is None
