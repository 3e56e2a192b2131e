"""The OpenAPI document: valid OpenAPI 3.1, generated from the endpoints' declarations, every
API route in it, and its request schemas the very ones the endpoints validate with."""

import re

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from pydantic import Field

from app.api import schemas
from app.api.openapi import REF, build_document, openapi_path, query_parameters
from app.api.routing import Operation
from app.api.views import bp

OPENAPI = "/api/v1/openapi.json"
METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def document(client):
    response = client.get(OPENAPI)
    assert response.status_code == 200
    return response.json


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)


def test_every_api_route_is_in_the_document_and_nothing_else(app, document):
    routes = {
        (re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
        for method in rule.methods & METHODS
    }  # fmt: skip
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert routes == documented
    assert len(routes) == 12


def _component(document, ref: str) -> dict:
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_request_bodies_are_the_validators_schemas(document):
    checked = 0
    for op in bp.operations:
        if op.body is None:
            continue
        item = document["paths"][openapi_path("/api/v1", op.rule)][op.method.lower()]
        ref = item["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        own = op.body.model_json_schema(ref_template=REF)
        nested = own.pop("$defs", {})
        assert _component(document, ref) == own
        for name, schema in nested.items():
            assert document["components"]["schemas"][name] == schema
        checked += 1
    assert checked == 3  # people upsert, assignments and conversations


def test_query_parameters_are_the_validators_fields(document):
    for op in bp.operations:
        item = document["paths"][openapi_path("/api/v1", op.rule)][op.method.lower()]
        documented = {p["name"]: p for p in item.get("parameters", []) if p["in"] == "query"}
        expected = set(op.query.model_fields) if op.query else set()
        assert set(documented) == expected, op.endpoint
        for name, parameter in documented.items():
            assert parameter["schema"] == op.query.model_json_schema()["properties"][name]


def test_scopes_are_documented_per_operation(document):
    upsert = document["paths"]["/api/v1/people/upsert"]["post"]
    assert upsert["security"] == [{"bearer": ["people:write"]}]
    listing = document["paths"]["/api/v1/assignments"]["get"]
    assert listing["security"] == [{"bearer": ["assignments:write", "reports:read"]}]
    assert document["paths"]["/api/v1/openapi.json"]["get"]["security"] == []


def test_answers_match_the_documented_response_schemas(document, api, make_token, make_user):
    secret = make_token()
    make_user("agent", employee_no="E1")
    calls = [("GET", "/api/v1/standards", "/api/v1/standards", None),
             ("GET", "/api/v1/people/E1/standards", "/api/v1/people/{employee_no}/standards",
              None),
             ("POST", "/api/v1/people/upsert", "/api/v1/people/upsert", {"people": [{}]})]  # fmt: skip
    for method, url, path, body in calls:
        response = api(method, url, secret, json=body)
        responses = document["paths"][path][method.lower()]["responses"]
        found = responses[str(response.status_code)]
        if "$ref" in found:
            found = document["components"]["responses"][found["$ref"].rsplit("/", 1)[1]]
        schema = found["content"]["application/json"]["schema"]
        validator = OAS31Validator({**schema, "components": document["components"]})
        assert not list(validator.iter_errors(response.json)), (url, response.json)


# --- the generator on its own ----------------------------------------------------------------


class Tiny(schemas.Body):
    name: str = Field(max_length=5)
    tags: list[str] = []


class TinyQuery(schemas.Query):
    colour: str
    size: int = 3


class TinyAnswer(schemas.Answer):
    count: int


def _tiny(**changes) -> dict:
    op = Operation(endpoint="tiny", rule="/things/<int:thing_id>", method="PUT",
                   scopes=frozenset({"things:write"}), summary="Change a thing.",
                   response=TinyAnswer, query=TinyQuery, body=Tiny, **changes)  # fmt: skip
    return build_document([op], prefix="/x", title="T", version="0", error_model=schemas.Error,
                          scopes={"things:write": "Change things"})  # fmt: skip


def test_flask_rules_become_openapi_paths():
    assert openapi_path("/api", "/people/<employee_no>/x") == "/api/people/{employee_no}/x"
    assert openapi_path("/api", "/t/<int:thing_id>/<path:rest>") == "/api/t/{thing_id}/{rest}"


def test_query_fields_become_parameters_with_their_required_flag():
    found = {p["name"]: (p["required"], p["schema"]["type"]) for p in query_parameters(TinyQuery)}
    assert found == {"colour": (True, "string"), "size": (False, "integer")}


def test_a_generated_document_is_valid_and_complete():
    doc = _tiny(status=201)
    validate(doc, cls=OpenAPIV31SpecValidator)
    item = doc["paths"]["/x/things/{thing_id}"]["put"]
    assert [p["name"] for p in item["parameters"]] == ["thing_id", "colour", "size"]
    assert item["requestBody"]["content"]["application/json"]["schema"] == {"$ref": REF.format(
        model="Tiny")}  # fmt: skip
    assert doc["components"]["schemas"]["Tiny"]["properties"]["name"]["maxLength"] == 5
    assert set(item["responses"]) == {"201", "401", "403", "404", "422", "429"}
    assert item["security"] == [{"bearer": ["things:write"]}]


def test_the_validator_rejects_a_broken_document():
    """The structural check can fail: a document missing its responses is refused."""
    doc = _tiny()
    del doc["paths"]["/x/things/{thing_id}"]["put"]["responses"]["200"]["description"]
    with pytest.raises(OpenAPIValidationError):
        validate(doc, cls=OpenAPIV31SpecValidator)
