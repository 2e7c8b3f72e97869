"""The search index's set operations on sorted slot arrays agree with numpy's own, whatever
the lengths (empty, far apart, alike)."""

import random

import numpy as np
from product_service.search_index import _intersection, _union
from product_service.search_rank import common


def _slots(rng: random.Random, count: int) -> np.ndarray:
    return np.array(sorted(rng.sample(range(5000), count)), dtype=np.int32)


def test_common_union_and_intersection_agree_with_numpy():
    rng = random.Random(7)
    for _ in range(400):
        a = _slots(rng, rng.choice((0, 1, 3, 40, 300, 2000)))
        b = _slots(rng, rng.choice((0, 1, 3, 40, 300, 2000)))
        both, in_a, in_b = np.intersect1d(a, b, assume_unique=True, return_indices=True)
        found_a, found_b = common(a, b)
        assert found_a.tolist() == in_a.tolist() and found_b.tolist() == in_b.tolist()
        assert _intersection(a, b).tolist() == both.tolist()
        c = _slots(rng, rng.choice((0, 5, 500)))
        assert _union([a, b, c]).tolist() == np.union1d(np.union1d(a, b), c).tolist()
