"""Every relative link in the tracked Markdown leads somewhere a clone of the repository has.

A link's target must be a tracked file or a folder holding one (what GitHub and a fresh clone
show), and an `#anchor` into a Markdown file must name one of its headings (GitHub's slugs) or an
HTML `id`. Links are read by a CommonMark parser, so code spans and fenced blocks are not links.
Links with a scheme (https:, mailto:) are not followed: no test here needs the network.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

ROOT = Path(__file__).resolve().parents[2]
_PARSER = MarkdownIt("commonmark").enable("table")
_HTML_TARGET = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_HTML_ANCHOR = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_LINE_BREAKS = ("softbreak", "hardbreak")


@dataclass(frozen=True)
class Link:
    line: int  # 1-based
    target: str


def _inline_targets(token: Token) -> Iterator[Link]:
    line = (token.map[0] if token.map else 0) + 1
    for child in token.children or []:
        if child.type in _LINE_BREAKS:
            line += 1
        elif child.type == "link_open":
            yield Link(line, str(child.attrs["href"]))
        elif child.type == "image":
            yield Link(line, str(child.attrs["src"]))
        elif child.type == "html_inline":
            yield from (Link(line, target) for target in _HTML_TARGET.findall(child.content))


def links_in(text: str) -> list[Link]:
    found: list[Link] = []
    for token in _PARSER.parse(text):
        if token.type == "inline":
            found.extend(_inline_targets(token))
        elif token.type == "html_block" and token.map:
            for offset, source_line in enumerate(token.content.splitlines()):
                found.extend(Link(token.map[0] + offset + 1, t) for t in _HTML_TARGET.findall(source_line))
    return found


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _plain_text(inline: Token) -> str:
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))


def anchors_in(text: str) -> set[str]:
    """The fragments that land somewhere in a Markdown file: headings (a repeated one gets -1,
    -2, ... as on GitHub) and explicit HTML ids."""
    anchors: set[str] = set(_HTML_ANCHOR.findall(text))
    seen: Counter[str] = Counter()
    tokens = _PARSER.parse(text)
    for opening, inline in pairwise(tokens):
        if opening.type == "heading_open":
            base = slug(_plain_text(inline))
            anchors.add(base if seen[base] == 0 else f"{base}-{seen[base]}")
            seen[base] += 1
    return anchors


def broken_links(documents: Mapping[str, str], tracked: set[str]) -> list[str]:
    """`file:line: link: why` for each relative link that leads nowhere. `documents` maps each
    Markdown file's repository path to its text; `tracked` is every file a clone has."""
    folders = {posixpath.dirname(path) for path in tracked}
    folders |= {parent for folder in folders for parent in _parents(folder)}
    problems: list[str] = []
    for path, text in sorted(documents.items()):
        for link in links_in(text):
            why = _problem(path, link.target, documents, tracked, folders)
            if why:
                problems.append(f"{path}:{link.line}: {link.target}: {why}")
    return problems


def _parents(folder: str) -> Iterator[str]:
    while folder:
        folder = posixpath.dirname(folder)
        yield folder


def _problem(source: str, target: str, documents: Mapping[str, str], tracked: set[str],
             folders: set[str]) -> str | None:
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target:
        return None  # absolute URLs are not followed; an empty link is CommonMark's own business
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    if path.startswith("/"):  # GitHub reads these from the repository's root
        resolved = posixpath.normpath(path.lstrip("/")) or "."
    else:
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path)) if path else source
    if resolved == ".." or resolved.startswith("../"):
        return "points outside the repository"
    if resolved not in tracked and resolved.rstrip("/") not in folders and resolved != ".":
        return f"{resolved} is not a file or folder in git"
    if fragment and resolved in documents and fragment not in anchors_in(documents[resolved]):
        return f"{resolved} has no heading or id #{fragment}"
    return None


def tracked_files(root: Path) -> set[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, check=True, capture_output=True, text=True)
    return {p for p in listed.stdout.split("\0") if p and (root / p).exists()}  # minus deleted ones


def test_every_relative_link_in_the_tracked_markdown_leads_somewhere() -> None:
    # GIVEN every tracked Markdown file of the repository
    tracked = tracked_files(ROOT)
    documents = {p: (ROOT / p).read_text(encoding="utf-8") for p in tracked if p.endswith(".md")}
    assert "README.md" in documents
    # WHEN their relative links are followed / THEN each lands on a tracked file, folder or heading
    problems = broken_links(documents, tracked)
    if problems:
        pytest.fail("broken links in Markdown:\n" + "\n".join(problems), pytrace=False)


SAMPLE = """# Guide

## Failure behaviour
## Failure behaviour

See [the docs](docs/guide.md), [a heading](#failure-behaviour), [its twin](#failure-behaviour-1),
[the code](app.py#L3), [a folder](docs/) and [the web](https://example.com/missing.md).
![a picture](docs/missing.png)

| Where | What |
| --- | --- |
| [gone](docs/gone.md) | [nowhere](#no-such-heading) |

`[not a link](nowhere.md)`

```
[not a link either](nowhere.md)
```

<a href="docs/guide.md#not-there">html</a> [up](../outside.md) [lost ref][ref]

[ref]: ./docs/never.md
"""
GUIDE = '# The guide\n\n<a id="setup"></a>\nBack to [the README](../README.md#guide) and [setup](#setup).\n'


def test_each_broken_link_is_named_with_its_file_line_and_reason() -> None:
    # GIVEN a README whose links are good, broken, or not links at all (code), and a guide
    documents = {"README.md": SAMPLE, "docs/guide.md": GUIDE}
    tracked = {"README.md", "docs/guide.md", "app.py"}
    # WHEN the links are checked
    problems = broken_links(documents, tracked)
    # THEN exactly the broken ones are reported, where they are written
    assert problems == [
        "README.md:8: docs/missing.png: docs/missing.png is not a file or folder in git",
        "README.md:12: docs/gone.md: docs/gone.md is not a file or folder in git",
        "README.md:12: #no-such-heading: README.md has no heading or id #no-such-heading",
        "README.md:20: docs/guide.md#not-there: docs/guide.md has no heading or id #not-there",
        "README.md:20: ../outside.md: points outside the repository",
        "README.md:20: ./docs/never.md: docs/never.md is not a file or folder in git",
    ]


def test_github_slugs_drop_punctuation_and_keep_hyphens_and_underscores() -> None:
    assert slug("A submission's life") == "a-submissions-life"
    assert slug("Configuration per stage (`local`, dev, prod)") == "configuration-per-stage-local-dev-prod"
    assert slug("make_dev & make-test") == "make_dev--make-test"
    assert anchors_in("# Two `make` commands\n") == {"two-make-commands"}
