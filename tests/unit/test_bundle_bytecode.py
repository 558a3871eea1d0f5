"""backend/deploy/bundle.finish: whatever bytecode Chalice's zip brings, each module ships with
an unchecked-hash .pyc compiled from the zip's own source (the infra tests check a real build)."""

from __future__ import annotations

import importlib.util
import marshal
import py_compile
import zipfile
from pathlib import Path

import pytest

from backend.deploy import bundle


def test_a_timestamp_pyc_cached_on_the_build_machine_is_replaced_by_an_unchecked_one(tmp_path: Path) -> None:
    # GIVEN a bundle holding a module and the .pyc the build machine's own imports cached for it
    # (checked against the source's file time, which the zip does not keep)
    source = tmp_path / "mod.py"
    source.write_text("ANSWER = 42\n")
    stale = tmp_path / "mod.pyc"
    py_compile.compile(str(source), cfile=str(stale),
                       invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)
    cached = importlib.util.cache_from_source("chalicelib/mod.py", optimization="")
    zipped = tmp_path / "deployment.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("chalicelib/mod.py", source.read_text())
        z.writestr(cached, stale.read_bytes())
    # WHEN it is finished, twice
    bundle.finish(zipped)
    once = zipped.read_bytes()
    bundle.finish(zipped)
    # THEN the module's one .pyc is unchecked-hash (flags 0b01), and a second run changes nothing
    with zipfile.ZipFile(zipped) as z:
        names = z.namelist()
        header = z.read(cached)[:8]
    assert names.count(cached) == 1
    assert header[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(header[4:8], "little") == 0b01
    assert zipped.read_bytes() == once


def test_a_finished_zip_keeps_its_bytecode_and_a_changed_module_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a finished bundle of two modules (Chalice's cache, which the next package reuses)
    zipped = tmp_path / "deployment.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("chalicelib/same.py", "SAME = 1\n")
        z.writestr("chalicelib/edited.py", "EDITED = 1\n")
    bundle.finish(zipped)
    # WHEN one module's source changes under its .pyc, and the zip is finished again
    with zipfile.ZipFile(zipped) as z:
        entries = {name: z.read(name) for name in z.namelist()}
    entries["chalicelib/edited.py"] = b"EDITED = 2\n"
    with zipfile.ZipFile(zipped, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    compiled: list[str] = []
    compile_ = bundle._compiled

    def counted(source: bytes, name: str, scratch: Path) -> bytes | None:
        compiled.append(name)
        return compile_(source, name, scratch)

    monkeypatch.setattr(bundle, "_compiled", counted)
    bundle.finish(zipped)
    # THEN only the changed module is compiled again, and its .pyc holds the new source's code
    assert compiled == ["chalicelib/edited.py"]
    namespace: dict[str, object] = {}
    with zipfile.ZipFile(zipped) as z:
        pyc = z.read(importlib.util.cache_from_source("chalicelib/edited.py", optimization=""))
    exec(marshal.loads(pyc[16:]), namespace)  # the .pyc's code object, after its 16-byte header
    assert namespace["EDITED"] == 2


def test_a_zip_finish_wrote_is_left_as_it_is_and_one_rewritten_since_is_finished(tmp_path: Path) -> None:
    # GIVEN a finished bundle (as Chalice's cache is after a package step)
    zipped = tmp_path / "deployment.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("botocore/data/s3/2006-03-01/service-2.json.gz", b"s3")
        z.writestr("chalicelib/mod.py", "ANSWER = 42\n")
    assert bundle.finish(zipped) == 1
    finished = zipped.stat().st_ino
    # WHEN it is finished again: THEN the file is not even rewritten
    assert bundle.finish(zipped) == 0
    assert zipped.stat().st_ino == finished
    # WHEN another writer rewrites it (Chalice's inject_latest_app writes a new zip) with a model back
    with zipfile.ZipFile(zipped) as z:
        entries = {name: z.read(name) for name in z.namelist()}
    with zipfile.ZipFile(zipped, "w") as z:
        for name, data in {**entries, "botocore/data/s3/2006-03-01/service-2.json.gz": b"s3"}.items():
            z.writestr(name, data)
    # THEN it is finished again
    assert bundle.finish(zipped) == 1
