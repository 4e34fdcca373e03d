"""The OpenAPI document tells the truth: one name per schema, every response field documented."""

import pytest
from ninja import Schema

from klynge.api.api import api
from klynge.core.services import api_token_create


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_schema_class_of_the_api_has_its_own_name():
    """Two classes with one name share one entry in the document: one of them is then described wrongly."""
    import klynge.api.api  # noqa: F401  (loads every app's routes)

    names: dict[str, list[str]] = {}
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("klynge."):
            names.setdefault(cls.__name__, []).append(f"{cls.__module__}.{cls.__qualname__}")
    twice = {name: where for name, where in names.items() if len(set(where)) > 1}
    assert twice == {}


def test_status_codes_are_listed_once_as_strings():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = list(operation["responses"])
            assert all(isinstance(code, str) for code in codes), f"{method} {path}: {codes}"
            assert len(codes) == len(set(codes))
            if method in ("post", "put", "patch", "delete"):
                assert "400" in codes, f"{method} {path}"


def test_response_schemas_allow_no_undocumented_fields():
    schema = api.get_openapi_schema()
    practice = schema["paths"]["/api/v1/clusters/{slug}/practices"]["get"]["responses"]["200"]
    ref = practice["content"]["application/json"]["schema"]["items"]["$ref"].rsplit("/", 1)[1]
    component = schema["components"]["schemas"][ref]
    assert component["additionalProperties"] is False
    assert {"id", "name", "provider_number", "listed_patients", "status"} <= set(component["properties"])


@pytest.mark.django_db
def test_a_real_practice_response_has_exactly_the_documented_fields(client, world):
    _, secret = api_token_create(person=world.chair, name="t")
    rows = client.get(
        f"/api/v1/clusters/{world.cluster.slug}/practices", headers={"Authorization": f"Bearer {secret}"}
    ).json()
    schema = api.get_openapi_schema()
    documented = set(schema["components"]["schemas"]["PracticeOut"]["properties"])
    assert rows and all(set(row) == documented for row in rows)
