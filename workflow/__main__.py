"""`python -m workflow` writes the state machine's definition and the template that deploys it;
`--check` only says if they are stale."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backend.infra import workflow_template as template
from workflow import definition


def generated() -> dict[Path, str]:
    return {definition.CHECKED_IN: definition.render(), template.CHECKED_IN: template.render()}


def stale() -> list[Path]:
    return [path for path, text in generated().items()
            if not path.exists() or path.read_text() != text]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when a checked-in file is stale")
    args = parser.parse_args()
    if args.check:
        for path in stale():
            sys.stderr.write(f"{path.relative_to(definition.ROOT)} is stale: run `python -m workflow`\n")
        return 1 if stale() else 0
    for path, text in generated().items():
        path.write_text(text)
        sys.stdout.write(f"wrote {path.relative_to(definition.ROOT)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
