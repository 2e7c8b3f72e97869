"""The shown products' parts of a search page, kept in memory: each live product's `ProductOut`
as JSON, byte for byte as the page's body holds it. A page whose products are all known here
needs neither a PostgreSQL round trip nor pydantic per product; the rest are read once and
kept (the least recently shown forgotten past `max_products`).

A fragment is dropped as soon as this replica's search index learns that its product changed
(`LiveSearchIndex`: this process's own commits, and the notifications of every change of a
`products` row, from every replica). That covers every field a page shows: an update of any
editable field, a deletion (it sets `deleted_at`), a stock level, a bulk load (a notification
of everything). Everything is dropped when the index stops listening, since notifications may
then be missed, and when it is built again.

A product read from PostgreSQL while it was being changed may be older than the change whose
notification arrives during the read: a read is kept only if no change of any product arrived
since it started (a generation count), otherwise it is used for this page alone.
"""

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

from pydantic import TypeAdapter

from product_service.schemas import ProductOut

# A page of products: (id, the ProductOut JSON), in the page's order.
Fragments = list[tuple[UUID, bytes]]
ReadProducts = Callable[[Sequence[UUID]], Awaitable[Sequence[Mapping[str, Any]]]]

_PRODUCT_JSON = TypeAdapter(ProductOut)


def product_json(product: Mapping[str, Any]) -> bytes:
    """The product as a page's `items` shows it."""
    return _PRODUCT_JSON.dump_json(ProductOut.model_validate(dict(product)))


async def read_fragments(ids: Sequence[UUID], read: ReadProducts) -> Fragments:
    """The live ones of these products, in this order, read now."""
    return [(product["id"], product_json(product)) for product in await read(ids)]


class ProductFragments:
    """Not safe across threads; the service uses it from its event loop only."""

    def __init__(self, max_products: int) -> None:
        self.max_products = max_products
        self._json: OrderedDict[UUID, bytes] = OrderedDict()
        self._generation = 0

    def __len__(self) -> int:
        return len(self._json)

    def forget(self, product_ids: Iterable[UUID]) -> None:
        self._generation += 1
        for product_id in product_ids:
            self._json.pop(product_id, None)

    def clear(self) -> None:
        self._generation += 1
        self._json.clear()

    async def page(self, ids: Sequence[UUID], read: ReadProducts) -> Fragments:
        """The live ones of these products, in this order: the known ones from memory, the
        others read with `read` (products in the order given, deleted ones left out)."""
        known = self._json
        found: dict[UUID, bytes] = {}
        missing = []
        for product_id in ids:
            fragment = known.get(product_id)
            if fragment is None:
                missing.append(product_id)
            else:
                known.move_to_end(product_id)
                found[product_id] = fragment
        if missing:
            generation = self._generation
            fresh = await read_fragments(missing, read)
            found.update(fresh)
            if generation == self._generation:
                known.update(fresh)
                while len(known) > self.max_products:
                    known.popitem(last=False)
        return [(product_id, found[product_id]) for product_id in ids if product_id in found]
