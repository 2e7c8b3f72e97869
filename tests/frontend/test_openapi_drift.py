"""The storefront's typed client is generated from the services' OpenAPI: the committed
document must be what the services describe now (`make openapi` regenerates it)."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

import openapi


def test_the_committed_gateway_document_matches_the_services() -> None:
    built = openapi.render(openapi.build())
    committed = openapi.OUTPUT.read_text()
    assert json.loads(committed) == json.loads(built), "run `make openapi`"
    assert committed == built


def test_only_public_api_paths_are_in_it() -> None:
    spec = json.loads(openapi.OUTPUT.read_text())
    assert spec["paths"], "no paths"
    for path in spec["paths"]:
        assert path.startswith("/api/"), path
        assert not path.startswith(("/internal", "/api/internal", "/api/docs")), path
    assert "/api/products" in spec["paths"]
    assert "/api/auth/login" in spec["paths"]


def test_a_schema_clash_between_services_is_kept_apart() -> None:
    one = {
        "paths": {"/api/a": {"get": {"$ref": "#/components/schemas/Item"}}, "/internal/x": {}},
        "components": {"schemas": {"Item": {"type": "object", "title": "A"}}},
    }
    two = {
        "paths": {"/api/b": {"get": {"$ref": "#/components/schemas/Item"}}},
        "components": {"schemas": {"Item": {"type": "string"}}},
    }
    merged = openapi.merge([("a-service", one), ("b-service", two)])
    assert set(merged["paths"]) == {"/api/a", "/api/b"}
    assert merged["components"]["schemas"]["Item"] == {"type": "object", "title": "A"}
    assert merged["components"]["schemas"]["BItem"] == {"type": "string"}
    assert merged["paths"]["/api/b"]["get"]["$ref"] == "#/components/schemas/BItem"
