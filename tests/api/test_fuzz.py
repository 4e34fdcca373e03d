"""schemathesis against /api/v1/openapi.json: no 5xx, and every response conforms to the document.

Path parameters named `slug` are pinned to a real cluster the caller belongs to, so the fuzzing
reaches the handlers instead of stopping at 404.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from klynge.core.services import api_token_create
from klynge.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client: the WSGI handler must not close the test's database connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def chair_token(db):
    from tests.factories import ClusterWorld

    world = ClusterWorld("Fuzzklyngen")
    world.cluster.slug = "fuzz"
    world.cluster.save()
    _, secret = api_token_create(person=world.chair, name="fuzz")
    return secret


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_and_never_fails(case, chair_token):
    if case.path_parameters and "slug" in case.path_parameters:
        case.path_parameters["slug"] = "fuzz"
    # Well-formed requests may still break a rule of the domain (a taken e-mail, a closed poll):
    # those answer 400 with a Danish message, so acceptance of schema-valid data is not checked.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {chair_token}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )


def test_conformance_check_sees_a_field_the_document_does_not_name(chair_token):
    """Control for the check above: a practice answer with one undocumented field fails conformance."""
    import json

    import requests

    case = schema["/api/v1/clusters/{slug}/practices"]["GET"].Case(path_parameters={"slug": "fuzz"})
    real = case.call(headers={"Authorization": f"Bearer {chair_token}"})
    case.validate_response(real, checks=[schemathesis.checks.response_schema_conformance])
    body = real.json()
    assert body
    body[0]["undocumented"] = 1
    tampered = requests.Response()
    tampered.status_code = 200
    tampered._content = json.dumps(body).encode()
    tampered.headers["Content-Type"] = "application/json"
    tampered.request = requests.Request("GET", "http://testserver/api/v1/clusters/fuzz/practices").prepare()
    with pytest.raises(BaseException) as failure:  # schemathesis raises a group of failures
        case.validate_response(tampered, checks=[schemathesis.checks.response_schema_conformance])
    failures = getattr(failure.value, "exceptions", [failure.value])
    assert any("('undocumented' was unexpected)" in str(f) for f in failures)
