"""Sessions share the SDK files they parsed (backend/local/botocore_sessions.py), and answer
exactly as a session that parses its own."""

from __future__ import annotations

import botocore.session
from botocore.loaders import create_loader

from backend.local.botocore_sessions import share_model_files_across_sessions

share_model_files_across_sessions()  # as tests/conftest.py and `make dev` do; again is a no-op


def test_two_sessions_share_one_loader_and_each_file_is_parsed_once() -> None:
    # GIVEN two sessions built the ordinary way, after the patch
    first, second = botocore.session.get_session(), botocore.session.get_session()
    # WHEN each loads the endpoints and a service's model
    # THEN both get the very same parsed objects, from one loader
    assert first.get_component("data_loader") is second.get_component("data_loader")
    assert first.get_data("endpoints") is second.get_data("endpoints")
    assert first.get_service_model("dynamodb").operation_names == \
        second.get_service_model("dynamodb").operation_names


def test_a_session_answers_as_one_with_a_loader_of_its_own() -> None:
    # GIVEN a session with the shared loader, and one given a loader of its own
    shared = botocore.session.get_session()
    own = botocore.session.get_session()
    own.register_component("data_loader", create_loader(own.get_config_variable("data_path")))
    assert shared.get_component("data_loader") is not own.get_component("data_loader")
    # THEN what they derive from the files is the same: regions, endpoints, service models (not
    # the raw endpoint data: botocore's resolver writes what it resolved into it, in any session)
    assert shared.get_available_regions("ec2") == own.get_available_regions("ec2")
    for service, region in [("dynamodb", "us-east-1"), ("kms", "eu-west-1"), ("sts", "ap-south-1")]:
        assert shared.create_client(service, region).meta.endpoint_url == \
            own.create_client(service, region).meta.endpoint_url
    assert shared.get_service_model("stepfunctions").operation_names == \
        own.get_service_model("stepfunctions").operation_names
