"""The recommender's model: for every product its neighbours, ranked by a blend of content
similarity and co-purchase similarity, with what each signal contributed (for the reason).

A `Snapshot` is built in the background from the whole read model and never changes after;
requests only look up in it (the service swaps in a new one when the data changed)."""

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from recommendation_service.recommender.catalog import Basket, CatalogItem, category_label
from recommendation_service.recommender.content import content_neighbours
from recommendation_service.recommender.copurchase import co_purchases

BEST_SELLERS_KEPT = 500


@dataclass(frozen=True)
class BlendWeights:
    """How the signals mix (chosen with bench/recommendations.py, docs/performance.md)."""

    content: float = 0.1
    copurchase: float = 1.0
    popularity: float = 0.02  # a tie-break among neighbours, by log-popularity
    shrink: float = 1.0  # co-purchase damping: n shared orders weigh n / (n + shrink)
    # Content similarity speaks for a product in proportion to how little its orders say:
    # its weight is scaled by evidence / (evidence + paid orders holding the product), so a
    # new product's neighbours are its look-alikes and a best seller's what is bought with it.
    evidence: float = 3.0


@dataclass(frozen=True, slots=True)
class Suggestion:
    product_id: uuid.UUID
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class Neighbours:
    """One product's neighbours, best first, as aligned arrays."""

    index: np.ndarray
    score: np.ndarray
    content: np.ndarray
    copurchase: np.ndarray
    together: np.ndarray  # paid orders that held both


class Snapshot:
    def __init__(
        self,
        version: int,
        items: Sequence[CatalogItem],
        neighbours: Sequence[Neighbours],
        popularity: np.ndarray,
        weights: BlendWeights,
    ) -> None:
        self.version = version
        self.items = list(items)
        self.index = {item.product_id: i for i, item in enumerate(self.items)}
        self.neighbours = list(neighbours)
        self.popularity = popularity
        self.weights = weights
        order = np.lexsort((np.arange(len(items)), -popularity))
        self.best_sellers = order[:BEST_SELLERS_KEPT].tolist()

    def __len__(self) -> int:
        return len(self.items)

    def knows(self, product_id: uuid.UUID) -> bool:
        return product_id in self.index

    def related(self, product_id: uuid.UUID) -> list[Suggestion]:
        """The product's neighbours, best first (never the product itself)."""
        i = self.index.get(product_id)
        if i is None:
            return []
        anchor = self.items[i]
        row = self.neighbours[i]
        return [
            Suggestion(
                self.items[j].product_id,
                float(row.score[k]),
                self._reason(
                    anchor, j, float(row.content[k]), float(row.copurchase[k]), int(row.together[k])
                ),
            )
            for k, j in enumerate(row.index.tolist())
        ]

    def for_user(
        self, history: Mapping[uuid.UUID, tuple[float, str]], exclude: Iterable[uuid.UUID]
    ) -> list[Suggestion]:
        """Products for someone whose history holds these products, each with a weight and how
        it is named in a reason ("which you bought", "in your cart"), best first; the excluded
        ones (bought, in the cart) never."""
        excluded = {self.index[p] for p in exclude if p in self.index}
        excluded.update(self.index[p] for p in history if p in self.index)
        totals: dict[int, float] = {}
        best: dict[int, tuple[float, str]] = {}
        for product_id, (weight, where) in history.items():
            i = self.index.get(product_id)
            if i is None:
                continue
            anchor = self.items[i]
            row = self.neighbours[i]
            for k, j in enumerate(row.index.tolist()):
                if j in excluded:
                    continue
                contribution = weight * float(row.score[k])
                totals[j] = totals.get(j, 0.0) + contribution
                if contribution > best.get(j, (-1.0, ""))[0]:
                    reason = self._reason(
                        anchor,
                        j,
                        float(row.content[k]),
                        float(row.copurchase[k]),
                        int(row.together[k]),
                        where=where,
                    )
                    best[j] = (contribution, reason)
        ranked = sorted(totals, key=lambda j: (-totals[j], j))
        return [Suggestion(self.items[j].product_id, totals[j], best[j][1]) for j in ranked]

    def popular(self, exclude: Iterable[uuid.UUID] = ()) -> Iterator[Suggestion]:
        """Best sellers first (paid orders holding them), then the rest of the catalog."""
        excluded = set(exclude)
        top = float(self.popularity.max()) if len(self.popularity) else 0.0
        for j in self.best_sellers:
            item = self.items[j]
            if item.product_id in excluded:
                continue
            sold = float(self.popularity[j])
            label = category_label(item.category)
            reason = f"A best seller in {label}" if sold > 0 else f"From our {label} range"
            yield Suggestion(item.product_id, sold / top if top else 0.0, reason)

    def _reason(
        self,
        anchor: CatalogItem,
        j: int,
        content: float,
        copurchase: float,
        together: int,
        where: str = "",
    ) -> str:
        item = self.items[j]
        named = f"{anchor.name}{where}"
        if together > 0 and self.weights.copurchase * copurchase >= self.weights.content * content:
            often = "Often bought" if together >= 2 else "Bought"
            return f"{often} together with {named}"
        if item.category == anchor.category:
            return f"Also in {category_label(item.category)}, similar to {named}"
        return f"Similar to {named}"


def build_snapshot(
    version: int,
    items: Sequence[CatalogItem],
    baskets: Sequence[Basket],
    *,
    weights: BlendWeights = BlendWeights(),
    k: int = 50,
) -> Snapshot:
    """Blend both signals for every product and keep its k best neighbours."""
    n = len(items)
    index = {item.product_id: i for i, item in enumerate(items)}
    bought = co_purchases(baskets, index, weights.shrink)
    content = content_neighbours(items, k) if weights.content > 0 else sparse.csr_matrix((n, n))
    if weights.evidence != float("inf"):
        confidence = weights.evidence / (weights.evidence + bought.orders_per_product)
        content = sparse.csr_matrix(content.multiply(confidence[:, None]))
    copurchase = bought.similarity if weights.copurchase > 0 else sparse.csr_matrix((n, n))
    blended = (weights.content * content + weights.copurchase * copurchase).tocsr()
    lift = np.log1p(bought.orders_per_product)
    if lift.max(initial=0.0) > 0:
        lift = lift / lift.max()
    blended.data = blended.data + weights.popularity * lift[blended.indices]
    content = content.tocsr()
    copurchase = copurchase.tocsr()
    counts = bought.counts.tocsr()
    rows = [_top_of_row(blended, content, copurchase, counts, i, k) for i in range(n)]
    return Snapshot(version, items, rows, bought.orders_per_product, weights)


def _top_of_row(
    blended: sparse.csr_matrix,
    content: sparse.csr_matrix,
    copurchase: sparse.csr_matrix,
    counts: sparse.csr_matrix,
    i: int,
    k: int,
) -> Neighbours:
    start, stop = blended.indptr[i], blended.indptr[i + 1]
    cols = blended.indices[start:stop]
    scores = blended.data[start:stop]
    order = np.lexsort((cols, -scores))[:k]
    cols, scores = cols[order], scores[order]
    return Neighbours(
        index=cols,
        score=scores,
        content=_row_values(content, i, cols),
        copurchase=_row_values(copurchase, i, cols),
        together=_row_values(counts, i, cols).astype(np.int32),
    )


def _row_values(matrix: sparse.csr_matrix, i: int, cols: np.ndarray) -> np.ndarray:
    start, stop = matrix.indptr[i], matrix.indptr[i + 1]
    row_cols = matrix.indices[start:stop]
    row_vals = matrix.data[start:stop]
    values = np.zeros(len(cols), dtype=np.float32)
    if len(row_cols) == 0:
        return values
    sorter = np.argsort(row_cols)
    found = np.searchsorted(row_cols, cols, sorter=sorter)
    found = np.clip(found, 0, len(row_cols) - 1)
    hit = row_cols[sorter[found]] == cols
    values[hit] = row_vals[sorter[found[hit]]]
    return values
