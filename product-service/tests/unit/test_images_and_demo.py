"""Generated pictures and the demo catalog: deterministic, safe, realistic."""

import itertools
import uuid
from xml.etree import ElementTree

from product_service.demo_catalog import categories, demo_items, synthetic_items
from product_service.images import name_lines, render_svg
from product_service.schemas import ProductCreate

PRODUCT = uuid.UUID("7c96f4d7-55b2-5763-9070-1ff294d5a8fd")


def test_a_picture_is_the_same_every_time_and_differs_between_products():
    first = render_svg(PRODUCT, "Aria Headphones", "audio")

    assert first == render_svg(PRODUCT, "Aria Headphones", "audio")
    assert first != render_svg(uuid.uuid4(), "Aria Headphones", "audio")


def test_a_picture_is_well_formed_svg_even_for_hostile_names():
    svg = render_svg(PRODUCT, '"><script>alert(1)</script> & <b>', "unknown-category")

    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "<script>" not in svg
    assert root.attrib["aria-label"] == '"><script>alert(1)</script> & <b>'


def test_long_names_wrap_into_three_lines_at_most():
    lines = name_lines("Kestrel Noise-Cancelling Over-Ear Headphones With A Very Long Name")

    assert len(lines) == 3
    assert lines[-1].endswith("…")
    assert all(len(line) <= 22 for line in lines)


def test_the_demo_catalog_has_over_200_distinct_products_in_over_8_categories():
    items = demo_items()

    assert len(items) >= 200
    assert len({i.category for i in items}) >= 8
    assert len({i.name for i in items}) == len({i.id for i in items}) == len(items)
    assert items == demo_items()


def test_every_demo_product_is_a_valid_product_with_a_real_description():
    for item in demo_items():
        ProductCreate.model_validate(
            {
                "name": item.name,
                "description": item.description,
                "price_cents": item.price_cents,
                "category": item.category,
                "stock": item.stock,
                "attributes": item.attributes,
            }
        )
        assert len(item.description.split(". ")) >= 3
        assert item.attributes["brand"] in item.name
        assert str(item.price_cents).endswith("99")


def test_every_category_has_a_picture_colour_and_some_products_are_sold_out():
    items = demo_items()

    assert all(c.color.startswith("#") for c in categories())
    assert any(i.stock == 0 for i in items) and any(i.stock > 0 for i in items)


def test_synthetic_catalogs_are_the_same_for_a_seed():
    first = [i.name for i in itertools.islice(synthetic_items(50, seed=1), 50)]

    assert first == [i.name for i in synthetic_items(50, seed=1)]
    assert first != [i.name for i in synthetic_items(50, seed=2)]
    assert len(set(first)) == 50
