"""Rules for catalog values, shared by request validation, search and the seed data.

Categories are free text stored as slugs: NFKC-normalised, lower case, every run of characters
that are not letters or digits becomes one '-'. "Home & Kitchen", "home-kitchen" and
"HOME  KITCHEN" are one category, `home-kitchen`, and a filter compares the same way.
"""

import re
import unicodedata
from uuid import UUID

MAX_ATTRIBUTES = 30
MAX_CATEGORY_LENGTH = 60

_NOT_ALNUM = re.compile(r"[\W_]+")

# An image is an http(s) URL with a host (no user name or password), or a path on this site;
# only the characters RFC 3986 allows unescaped. One pattern serves the validator and the
# OpenAPI document, so both say the same.
_HOST = r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
_URL_CHARS = r"[A-Za-z0-9\-._~!$&'()*+,;=:@%/?#\[\]]"
_PATH_FIRST = r"[A-Za-z0-9\-._~!$&'()*+,;=:@%?#]"
_PATH_CHARS = r"[A-Za-z0-9\-._~!$&'()*+,;=:@%/?#]"
IMAGE_URL_PATTERN = (
    rf"^(?:[Hh][Tt][Tt][Pp][Ss]?://{_HOST}(?::[0-9]{{1,5}})?(?:[/?#]{_URL_CHARS}*)?"
    rf"|/(?:{_PATH_FIRST}{_PATH_CHARS}*)?)$"
)
_IMAGE_URL = re.compile(IMAGE_URL_PATTERN)


def normalize_text(value: str) -> str:
    return value.strip()


def normalize_category(value: str) -> str:
    """The slug of a category name; raises ValueError when nothing of it is left."""
    slug = _NOT_ALNUM.sub("-", unicodedata.normalize("NFKC", value).lower()).strip("-")
    if not slug:
        raise ValueError("a category needs at least one letter or digit")
    return slug[:MAX_CATEGORY_LENGTH].strip("-")


def category_key(value: str) -> str | None:
    """The slug a category filter compares with; None for input with no letters or digits."""
    try:
        return normalize_category(value)
    except ValueError:
        return None


def check_image_url(value: str) -> str:
    """The server never fetches an image; the browser does, so anything but http(s) and our
    own paths (javascript:, data:, //host, user:password@host) is refused."""
    if not _IMAGE_URL.match(value):
        raise ValueError(
            "an image must be an http(s) URL with a host, or a path on this site such as "
            "/api/products/{id}/image.svg"
        )
    if value.startswith("/"):
        return value
    scheme, rest = value.split(":", 1)
    return scheme.lower() + ":" + rest


def placeholder_image_url(product_id: UUID) -> str:
    """The generated picture of a product that has no image of its own."""
    return f"/api/products/{product_id}/image.svg"
