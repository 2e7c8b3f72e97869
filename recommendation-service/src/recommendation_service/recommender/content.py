"""Content similarity: TF-IDF over a product's name, category and description (scikit-learn),
cosine between products, the k nearest kept per product."""

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from recommendation_service.recommender.catalog import CatalogItem

# Rows of the similarity computed at once: a block of BLOCK x n floats at a time.
BLOCK = 512


def document(item: CatalogItem) -> str:
    """The text a product is compared by: the name and the category count twice (a shopper
    looks for the same kind of thing first), the description once."""
    category = item.category.replace("-", " ")
    return f"{item.name} {item.name} {category} {category} {item.description}"


def content_neighbours(items: Sequence[CatalogItem], k: int) -> sparse.csr_matrix:
    """An n x n sparse matrix: row i holds the cosine similarity of product i to its k most
    similar other products (never itself)."""
    n = len(items)
    if n < 2:
        return sparse.csr_matrix((n, n), dtype=np.float32)
    vectorizer = TfidfVectorizer(
        sublinear_tf=True, stop_words="english", token_pattern=r"(?u)\b[^\W\d_]{2,}\b"
    )
    try:
        vectors = vectorizer.fit_transform([document(item) for item in items])
    except ValueError:  # no word at all (every text empty or stop words)
        return sparse.csr_matrix((n, n), dtype=np.float32)
    vectors = vectors.astype(np.float32)
    keep = min(k, n - 1)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    for start in range(0, n, BLOCK):
        stop = min(n, start + BLOCK)
        block = (vectors[start:stop] @ vectors.T).toarray()
        block[np.arange(stop - start), np.arange(start, stop)] = -1.0  # never itself
        top = np.argpartition(-block, keep - 1, axis=1)[:, :keep]
        scores = np.take_along_axis(block, top, axis=1)
        positive = scores > 0
        rows.append(np.nonzero(positive)[0] + start)
        cols.append(top[positive])
        vals.append(scores[positive])
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n, n),
        dtype=np.float32,
    )
