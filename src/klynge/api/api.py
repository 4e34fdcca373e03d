"""The JSON API at /api/v1/, assembled from each app's router."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from klynge.core.api import router as core_router
from klynge.decisions.api import router as decisions_router
from klynge.meetings.api import router as meetings_router
from klynge.projects.api import router as projects_router
from klynge.quality.api import router as quality_router
from klynge.reports.api import router as reports_router
from klynge.surveys.api import router as surveys_router

from .auth import API_AUTH

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "errors": {}},
    "required": ["detail"],
}
# Answers every operation can give, whatever its own responses say.
COMMON_RESPONSES = {
    "401": "Log ind eller brug en gyldig API-nøgle.",
    "404": "Findes ikke, eller du har ikke adgang.",
    "422": "Ugyldige data i forespørgslen.",
}
# A write can also break a rule of the domain (a taken e-mail, a closed poll): 400 with a Danish message.
WRITE_RESPONSES = {"400": "En regel er brudt; beskeden siger hvilken."}
WRITE_METHODS = {"post", "put", "patch", "delete"}
REF_PREFIX = "#/components/schemas/"


def _referenced(node, components: dict, found: set[str]) -> None:
    """Names of the component schemas reachable from `node`."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            name = ref[len(REF_PREFIX) :]
            if name not in found:
                found.add(name)
                _referenced(components.get(name, {}), components, found)
        for key, value in node.items():
            if key != "$ref":
                _referenced(value, components, found)
    elif isinstance(node, list):
        for value in node:
            _referenced(value, components, found)


def _close_objects(node) -> None:
    """Every object schema with properties says it has no others (unless it says otherwise)."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close_objects(value)
    elif isinstance(node, list):
        for value in node:
            _close_objects(value)


class KlyngeAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.get("components", {}).get("schemas", {})
        request_names: set[str] = set()
        response_names: set[str] = set()
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                # Status codes as strings: ninja writes ints, which a JSON document cannot tell from
                # the strings added below (two "404" keys).
                responses = {str(code): answer for code, answer in operation.get("responses", {}).items()}
                common = COMMON_RESPONSES | (WRITE_RESPONSES if method in WRITE_METHODS else {})
                for status, description in common.items():
                    responses.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": dict(ERROR_SCHEMA)}},
                        },
                    )
                operation["responses"] = responses
                _referenced(operation.get("requestBody"), components, request_names)
                _referenced(operation.get("parameters"), components, request_names)
                for answer in responses.values():
                    _referenced(answer.get("content"), components, response_names)
                    # Inline response schemas (the common errors) are closed too.
                    _close_objects(answer.get("content"))
        # A response documents every field it returns and no others: schemathesis' response
        # conformance check then fails on a field the document does not name.
        for name in response_names - request_names:
            _close_objects(components[name])
        return schema


api = KlyngeAPI(
    title="Klynge API",
    version="1",
    description="Klynges API. Godkend med en personlig nøgle: `Authorization: Bearer <nøgle>`.",
    auth=API_AUTH,
    urls_namespace="api",
)


DANISH_ERRORS = {
    "missing": "skal udfyldes",
    "string_pattern_mismatch": "har ikke det rigtige format",
    "string_too_short": "er for kort",
    "string_too_long": "er for lang",
    "greater_than_equal": "er for lille",
    "less_than_equal": "er for stor",
    "enum": "er ikke en af de tilladte værdier",
    "literal_error": "er ikke en af de tilladte værdier",
}


def danish_error(error: dict) -> str:
    field = ".".join(str(part) for part in error.get("loc", ())[1:] if part != "payload") or "forespørgslen"
    if error.get("type") == "value_error":
        # Our own validators say in Danish what is wrong (»tidszonen findes ikke«).
        return f"{field}: {str(error.get('msg', '')).removeprefix('Value error, ')}"
    return f"{field} {DANISH_ERRORS.get(error.get('type', ''), 'er ugyldig')}"


@api.exception_handler(NinjaValidationError)
def invalid_input(request, exc):
    messages = [danish_error(error) for error in exc.errors]
    return api.create_response(
        request, {"detail": "Ugyldige data: " + "; ".join(messages) + ".", "errors": exc.errors}, status=422
    )


@api.exception_handler(DjangoValidationError)
def rule_broken(request, exc):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": " ".join(exc.messages), "errors": errors}, status=400)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Findes ikke."}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "Log ind eller brug en gyldig API-nøgle."}, status=401)


api.add_router("/", core_router)
api.add_router("/", meetings_router)
api.add_router("/", decisions_router)
api.add_router("/", projects_router)
api.add_router("/", surveys_router)
api.add_router("/", quality_router)
api.add_router("/", reports_router)
