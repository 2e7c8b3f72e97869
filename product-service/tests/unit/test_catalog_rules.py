"""Rules for catalog values: category slugs, image URLs, request bodies."""

import uuid

import pytest
from product_service.catalog_rules import check_image_url, normalize_category
from product_service.schemas import ProductCreate, ProductUpdate
from pydantic import ValidationError


@pytest.mark.parametrize(
    ("given", "slug"),
    [
        ("Audio", "audio"),
        ("  Home & Kitchen ", "home-kitchen"),
        ("HOME  KITCHEN", "home-kitchen"),
        ("home-kitchen", "home-kitchen"),
        ("Café_Bar", "café-bar"),
        ("\uff34\uff36s", "tvs"),  # full-width letters
    ],
)
def test_categories_are_stored_as_slugs(given, slug):
    assert normalize_category(given) == slug


def test_a_category_of_symbols_only_is_refused():
    with pytest.raises(ValueError, match="letter or digit"):
        normalize_category(" & / ")


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.com/a.png",
        "HTTP://cdn.example.com:8080/a.png?x=1#y",
        "https://[::1]/a.png",
        "/api/products/42/image.svg",
    ],
)
def test_http_urls_and_site_paths_are_images(url):
    assert check_image_url(url).lower() == url.lower()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:image/svg+xml,<svg/>",
        "//evil.example.com/a.png",
        "/\\evil.example.com",
        "https://user:pw@host/a.png",
        "https:///a.png",
        "https://host/a b.png",
        "https://ho st/a.png",
        "https://cdn.example.com/\u00e9.png",
        "file:///etc/passwd",
    ],
)
def test_other_urls_are_refused(url):
    with pytest.raises(ValueError, match="an image must be"):
        check_image_url(url)


def _body(**overrides):
    return {"name": "Lamp", "price_cents": 100, "category": "home", **overrides}


def test_a_new_product_has_defaults_for_what_is_optional():
    product = ProductCreate.model_validate(_body())

    assert product.model_dump() == {
        "name": "Lamp",
        "description": "",
        "price_cents": 100,
        "category": "home",
        "stock": 0,
        "image_url": None,
        "attributes": {},
    }


@pytest.mark.parametrize(
    "attributes",
    [{"a": float("nan")}, {"a": 2**60}, {" ": 1}, {"a": {"b": 1}}, {"a": [1]}],
)
def test_attributes_are_finite_json_scalars_with_names(attributes):
    with pytest.raises(ValidationError):
        ProductCreate.model_validate(_body(attributes=attributes))


def test_attribute_values_keep_their_json_type():
    product = ProductCreate.model_validate(
        _body(attributes={"wireless": True, "hours": 40, "weight": 0.3, "color": "red", "x": None})
    )

    assert product.attributes == {
        "wireless": True,
        "hours": 40,
        "weight": 0.3,
        "color": "red",
        "x": None,
    }
    assert type(product.attributes["wireless"]) is bool


def test_an_update_reports_only_the_fields_sent_and_an_empty_description_for_null():
    update = ProductUpdate.model_validate({"price_cents": 5, "description": None})

    assert update.changes() == {"price_cents": 5, "description": ""}


def test_attribute_text_that_looks_like_a_number_stays_text():
    product = ProductCreate.model_validate(_body(attributes={"model": "0042", "size": 42}))

    assert product.attributes == {"model": "0042", "size": 42}


def test_placeholder_pictures_are_local_paths():
    product_id = uuid.uuid4()

    assert check_image_url(f"/api/products/{product_id}/image.svg")
