"""Item-to-item co-purchase similarity from the order x product matrix (scipy sparse).

The similarity of two products is the cosine of their columns (how many orders hold both,
over the geometric mean of how many hold each), damped by `count / (count + shrink)` so that a
single shared order weighs less than a habit."""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from recommendation_service.recommender.catalog import Basket


@dataclass(frozen=True)
class CoPurchases:
    counts: sparse.csr_matrix  # orders holding both products (no diagonal)
    similarity: sparse.csr_matrix  # the damped cosine of the counts
    orders_per_product: np.ndarray  # paid orders holding each product (popularity)


def co_purchases(
    baskets: Sequence[Basket], index: Mapping[uuid.UUID, int], shrink: float
) -> CoPurchases:
    n = len(index)
    rows: list[int] = []
    cols: list[int] = []
    for row, basket in enumerate(baskets):
        for product_id in set(basket.products):
            col = index.get(product_id)
            if col is not None:
                rows.append(row)
                cols.append(col)
    orders = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(baskets), n)
    )
    counts = (orders.T @ orders).tocsr()
    per_product = np.asarray(counts.diagonal(), dtype=np.float32)
    counts.setdiag(0)
    counts.eliminate_zeros()
    coo = counts.tocoo()
    cosine = coo.data / np.sqrt(per_product[coo.row] * per_product[coo.col])
    damped = cosine * coo.data / (coo.data + shrink)
    similarity = sparse.csr_matrix((damped.astype(np.float32), (coo.row, coo.col)), shape=(n, n))
    return CoPurchases(counts=counts, similarity=similarity, orders_per_product=per_product)
