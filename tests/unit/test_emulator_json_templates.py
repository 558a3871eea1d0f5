"""moto reads a JSON template as JSON (backend/local/emulator.py): each of our templates reads as
moto's own YAML reader reads it, a YAML template still reads, and a stack and a change set made
from JSON are what they were."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml  # type: ignore[import-untyped]  # moto's reader; no stubs installed
from moto import mock_aws

from backend.local.emulator import read_json_templates_as_json
from chalicelib.aws import new_session

INFRA = Path(__file__).resolve().parents[2] / "backend" / "infra"


def _read(template: str) -> Any:
    """As a stack reads its template. (moto's CloudFormation is imported here, not at collection:
    it costs every test process seconds.)"""
    from moto.cloudformation.models import Stack

    read_json_templates_as_json()
    return Stack.parse_template(template)


def _as_moto_reads_yaml(template: str) -> Any:
    from moto.cloudformation.utils import yaml_tag_constructor

    yaml.add_multi_constructor("", yaml_tag_constructor)
    return yaml.load(template, Loader=yaml.Loader)  # moto's own call


@pytest.fixture
def cloudformation() -> Iterator[Any]:
    read_json_templates_as_json()
    with mock_aws():
        yield boto3.Session(botocore_session=new_session()).client("cloudformation", region_name="us-east-1")


@pytest.mark.parametrize("path", sorted(INFRA.glob("*.json")), ids=lambda p: p.name)
def test_each_of_our_templates_reads_as_moto_read_it_through_yaml(path: Path) -> None:
    text = path.read_text()

    assert _read(text) == _as_moto_reads_yaml(text)


def test_a_yaml_template_still_reads_with_its_short_form_functions() -> None:
    template = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\nOutputs:\n  Arn:\n    Value: !Ref Topic\n"

    assert _read(template)["Outputs"]["Arn"]["Value"] == {"Ref": "Topic"}


def test_json_is_read_as_json_as_cloudformation_reads_it() -> None:
    # YAML 1.1 reads 1e3 as the string "1e3"; JSON (and CloudFormation, for a JSON template) as a number.
    assert _read('{"Value": 1e3}') == {"Value": 1000.0}


def test_a_stack_and_a_change_set_from_json_templates_make_and_plan_resources(cloudformation: Any) -> None:
    body = (INFRA / "data.json").read_text()
    with_topic = json.loads(body)
    with_topic["Resources"]["Alerts"] = {"Type": "AWS::SNS::Topic"}

    cloudformation.create_stack(StackName="data", TemplateBody=body)
    cloudformation.create_change_set(StackName="data", TemplateBody=json.dumps(with_topic),
                                     ChangeSetName="add-topic", ChangeSetType="UPDATE")

    resources = cloudformation.describe_stack_resources(StackName="data")["StackResources"]
    planned = cloudformation.describe_change_set(StackName="data", ChangeSetName="add-topic")
    assert {r["LogicalResourceId"] for r in resources} == set(json.loads(body)["Resources"])
    assert [(c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"])
            for c in planned["Changes"]] == [("Add", "Alerts")]
