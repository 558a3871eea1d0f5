"""checkov over the templates deploy.sh builds: no failure that is not skipped, with its reason,
in backend/deploy/checkov.py, and no skip that no longer matches a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.deploy import checkov, templates
from tests.infra.conftest import ROOT, STAGES, Built


@pytest.fixture(scope="module")
def failures(built: dict[str, Built], checkov_installed: None) -> list[dict[str, str]]:
    paths: list[Path] = [ROOT / "backend" / "infra" / name for name in templates.PIPELINE_TEMPLATES]
    for stage in STAGES:
        work = built[stage].work_dir
        paths += [work / "package" / "sam.json", work / "templates" / "infra.json",
                  work / "templates" / "edge.json"]
    return checkov.scan(paths)


def test_every_failed_check_is_a_justified_skip(failures: list[dict[str, str]]) -> None:
    unexplained = sorted({f"{f['check']} {f['name']}: {f['resource']}" for f in failures
                          if f["check"] not in checkov.SKIPS})
    assert unexplained == [], "fix the template, or add the check to SKIPS with the reason"


def test_every_skip_still_matches_a_failure(failures: list[dict[str, str]]) -> None:
    stale = set(checkov.SKIPS) - {f["check"] for f in failures}
    assert stale == set(), "drop these from SKIPS: nothing fails them any more"


def test_each_skip_says_why() -> None:
    assert all(len(reason) > 40 for reason in checkov.SKIPS.values())
