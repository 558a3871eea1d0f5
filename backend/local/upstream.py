"""Patches of other packages' internals, each pinned to the upstream code it was written for.

The local stack changes a few internals of moto (backend/local/emulator.py) and of chalice local
(backend/local/gateway.py). A version bump can change those internals without a sound, so every
function that applies such a patch says what it was written for:

    @written_for("moto", "5.2.5", {
        "moto.dynamodb.models:DynamoDBBackend.put_item": "0f3c6b1e9a27",
    })
    def _my_patch() -> None:
        ...

- the distribution, as pip names it, and the version the patch was written and checked against;
- every upstream definition the patch replaces, wraps or relies on, as "module:qualified.name"
  (a function, a method or a whole class), with a fingerprint of its source text.

tests/unit/test_upstream_patches.py checks every declaration against what is installed; it reads
the source files (the live objects may already be patched). A different version, or a definition
that changed or is gone, fails with the patch's name, what changed and the declaration that matches
what is installed now. Re-read the upstream change, make sure the patch still holds (or fix it),
then paste that declaration.

To add a patch: write it as a function, decorate it with `written_for(...)` listing what it
touches, with "" as each fingerprint; the test fails and prints the fingerprints to paste. A patch
that relies on two packages takes one decorator per package. The standard library (http.server
under chalice local) is not pinned: it follows the Python version, checked by the tests themselves.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar

Patch = TypeVar("Patch", bound=Callable[..., object])

_Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


@dataclass(frozen=True)
class Pin:
    """What one patch (a function of ours) was written for, in one upstream distribution."""

    patch: str  # module.function of the patch
    distribution: str
    version: str
    fingerprints: dict[str, str]  # "module:qualified.name" -> fingerprint of its source

    def problems(self, installed: str) -> list[str]:
        """What differs from the installed distribution (`installed` is its version)."""
        found = [] if installed == self.version else [f"{self.distribution} {installed} is installed"]
        for target, expected in self.fingerprints.items():
            now = fingerprint(target)
            if now is None:
                found.append(f"{target} is no longer defined")
            elif now != expected:
                found.append(f"{target} changed (fingerprint {expected or 'not set'}, now {now})")
        return found

    def declaration(self, installed: str) -> str:
        """The decorator that matches what is installed, to paste once the patch is checked."""
        lines = [f'    "{target}": "{fingerprint(target) or ""}",' for target in self.fingerprints]
        return "\n".join([f'@written_for("{self.distribution}", "{installed}", {{', *lines, "})"])


PINS: list[Pin] = []  # every declaration, in import order


def written_for(distribution: str, version: str, fingerprints: dict[str, str]) -> Callable[[Patch], Patch]:
    """Declare what the decorated patch was written for (see the module's docstring)."""

    def declare(patch: Patch) -> Patch:
        PINS.append(Pin(f"{patch.__module__}.{patch.__qualname__}", distribution, version, fingerprints))
        return patch

    return declare


def installed_version(distribution: str) -> str:
    return version(distribution)


def fingerprint(target: str) -> str | None:
    """A short hash of the source of `target` ("module:qualified.name"), None when it is not
    defined. Every definition of the name counts (a property's setter, overloads)."""
    module, _, qualified_name = target.partition(":")
    path = _source_file(module)
    if path is None:
        return None
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    nodes: list[ast.AST] = [_parsed(source)]
    for name in qualified_name.split("."):
        nodes = [d for node in nodes for d in _definitions(node) if d.name == name]
    if not nodes:
        return None
    digest = hashlib.sha256()
    for node in nodes:
        assert isinstance(node, _Definition)
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        assert node.end_lineno is not None
        digest.update(textwrap.dedent("".join(lines[first - 1 : node.end_lineno])).encode())
    return digest.hexdigest()[:12]


@functools.lru_cache(maxsize=8)
def _parsed(source: str) -> ast.Module:
    return ast.parse(source)  # once per source text: a patch often pins several methods of one file


def _source_file(module: str) -> Path | None:
    """The file of `module`, found without importing it or its parents (moto's are slow)."""
    top, *rest = module.split(".")
    spec = importlib.util.find_spec(top)
    if spec is None or spec.origin is None:
        return None
    if not rest:
        return Path(spec.origin)
    path = Path(spec.origin).parent.joinpath(*rest)
    return next((f for f in (path.with_suffix(".py"), path / "__init__.py") if f.is_file()), None)


def _definitions(node: ast.AST) -> Iterator[_Definition]:
    """The functions and classes defined directly in `node`, also under `if`/`try`/`with`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, _Definition):
            yield child
        elif isinstance(child, ast.If | ast.Try | ast.With):
            yield from _definitions(child)
