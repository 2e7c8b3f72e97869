"""PostgreSQL's `ts_rank(vector, query)` (default weights, no normalisation), computed for many
products at once, to the same float32 value: calc_rank_or and calc_rank_and of PostgreSQL's
src/backend/utils/adt/tsrank.c, step for step.

PostgreSQL ranks one product at a time and accumulates in float (float4), with some steps in
double. The order of those steps decides the last bit of the result, and ties in rank are then
broken by date and id, so the order is kept exactly: the loops run over the query's operands
and their lexemes in the same order as in C, and each step is one numpy operation over every
product it applies to, in float32 or float64 where C uses float or double.

A position is a `WordEntryPos`: the weight in the top two bits (D 0, C 1, B 2, A 3), the
position in the low fourteen.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

F32 = np.float32
F64 = np.float64

# ts_rank's default weights, indexed by WEP_GETWEIGHT: {D, C, B, A}.
WEIGHTS = np.array([0.1, 0.2, 0.4, 1.0], dtype=F32)
MAXENTRYPOS = 1 << 14
POSITION_MASK = MAXENTRYPOS - 1
# calc_rank_and's stand-in for a lexeme stored without positions.
POSNULL = MAXENTRYPOS - 1
OR_DIVISOR = 1.64493406685  # pi^2 / 6, a double in C


def _word_distance(distance: int) -> float:
    if distance > 100:
        return float(F32(1e-30))
    # Python's math.exp is the C library's exp, as PostgreSQL's is.
    return float(F32(1.0 / (1.005 + 0.05 * math.exp(float(F32(distance)) / 1.5 - 2))))


# Every distance over 100 weighs the same; index 101 stands for all of them.
WORD_DISTANCE = np.array([_word_distance(d) for d in range(102)], dtype=F32)


@cache
def or_term(weights: tuple[int, ...]) -> float:
    """calc_rank_or's contribution of one lexeme of one product before the division by pi^2/6
    (float arithmetic), from the weights of its positions in stored order; () for a lexeme
    without positions (one position of weight D)."""
    values = [WEIGHTS[w] for w in weights] or [WEIGHTS[0]]
    resj = F32(0.0)
    wjm = F32(-1.0)
    jm = 0
    for j, value in enumerate(values):
        resj = F32(resj + F32(value / F32((j + 1) * (j + 1))))
        if value > wjm:
            wjm = value
            jm = j
    return float(F32(F32(wjm + resj) - F32(wjm / F32((jm + 1) * (jm + 1)))))


@dataclass
class Postings:
    """The products holding one lexeme: their slots (ascending), calc_rank_or's term for each,
    and where each one's positions are in the index's position array (count 0: stored
    without positions)."""

    slots: npt.NDArray[np.int32]
    or_terms: npt.NDArray[np.float32]
    pos_start: npt.NDArray[np.int64]
    pos_count: npt.NDArray[np.int32]


# The lexemes each operand finds, in the order calc_rank visits them: operands sorted and
# de-duplicated, each one's lexemes in tsvector (byte) order.
Operands = Sequence[Sequence[Postings]]


Slots = npt.NDArray[np.int32]


def common(a: Slots, b: Slots) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Where the values in both of two ascending arrays of distinct slots are: (positions in
    `a`, positions in `b`), ascending. A much shorter array is looked up in the longer one by
    binary search; arrays of like length are merged (a stable sort of two sorted runs is one
    merge pass). Either way the cost follows the arrays' lengths, not the catalog's size."""
    if not len(a) or not len(b):
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty
    if 16 * len(a) < len(b):
        at = np.searchsorted(b, a)
        at[at == len(b)] = 0
        in_a = np.flatnonzero(b[at] == a)
        return in_a, at[in_a]
    if 16 * len(b) < len(a):
        in_b, in_a = common(b, a)
        return in_a, in_b
    merged = np.concatenate([a, b])
    order = np.argsort(merged, kind="stable")
    ordered = merged[order]
    # Equal values sit side by side, `a`'s first (the sort is stable).
    pairs = np.flatnonzero(ordered[1:] == ordered[:-1])
    return order[pairs], order[pairs + 1] - len(a)


def _present(postings: Postings, shown: Slots) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Which of the products being ranked (`shown`: their slots, ascending) hold this lexeme:
    their rows in `shown`, and where each is in the postings, both ascending."""
    return common(shown, postings.slots)


def rank_or(operands: Operands, shown: Slots) -> npt.NDArray[np.float32]:
    """The ranks of the products in `shown` (slots, ascending), in that order."""
    res = np.zeros(len(shown), dtype=F32)
    for entries in operands:
        for postings in entries:
            rows, found = _present(postings, shown)
            if not len(rows):
                continue
            # res = res + (float term) / 1.64493406685: the sum in double, stored as float.
            terms = postings.or_terms[found].astype(F64) / OR_DIVISOR
            res[rows] = (res[rows].astype(F64) + terms).astype(F32)
    if operands:
        res = res / F32(len(operands))
    return res


@dataclass
class _Latest:
    """Per product, the positions of the last lexeme an operand found in it (calc_rank_and's
    `pos[k]`): count 0 where the operand found nothing."""

    count: npt.NDArray[np.int32]
    null: npt.NDArray[np.bool_]
    positions: npt.NDArray[np.uint16]  # products x widest, padded


def _gather(
    postings: Postings, found: npt.NDArray[np.intp], positions: npt.NDArray[np.uint16]
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.bool_], npt.NDArray[np.uint16]]:
    counts = postings.pos_count[found]
    starts = postings.pos_start[found]
    null = counts == 0
    counts = np.where(null, 1, counts).astype(np.int32)
    width = int(counts.max())
    table = np.empty((len(counts), width), dtype=np.uint16)
    for column in range(width):
        table[:, column] = positions[starts + np.minimum(column, counts - 1)]
    table[null, 0] = POSNULL
    return counts, null, table


def rank_and(
    operands: Operands, shown: Slots, positions: npt.NDArray[np.uint16]
) -> npt.NDArray[np.float32]:
    """calc_rank_and for operands of two or more (fewer: calc_rank_or, as in C)."""
    if len(operands) < 2:
        return rank_or(operands, shown)
    count = len(shown)
    res = np.full(count, -1.0, dtype=F32)
    latest: list[_Latest | None] = []
    for entries in operands:
        mine: _Latest | None = None
        for postings in entries:
            rows, found = _present(postings, shown)
            if not len(rows):
                continue
            counts, null, table = _gather(postings, found, positions)
            for earlier in latest:
                if earlier is not None:
                    _pair(res, rows, counts, null, table, earlier)
            mine = _remember(mine, count, rows, counts, null, table)
        latest.append(mine)
    res[res < 0] = F32(1e-20)
    return res


def _pair(
    res: npt.NDArray[np.float32],
    rows: npt.NDArray[np.intp],
    counts: npt.NDArray[np.int32],
    null: npt.NDArray[np.bool_],
    table: npt.NDArray[np.uint16],
    earlier: _Latest,
) -> None:
    """Every position of this lexeme against every position of an earlier operand's latest
    lexeme. The weights of all pairs are computed at once (products x this lexeme's positions
    x the earlier one's); they are then folded into each product's rank one pair at a time in
    C's loop order (l over this one's positions, p over the earlier one's), since that order
    decides the float result."""
    their_counts = earlier.count[rows]
    if not their_counts.any():
        return
    their = earlier.positions[rows]
    either_null = earlier.null[rows] | null
    mine_width, their_width = table.shape[1], their.shape[1]
    here = table[:, :, None]
    there = their[:, None, :]
    distance = np.abs(
        (here & POSITION_MASK).astype(np.int32) - (there & POSITION_MASK).astype(np.int32)
    )
    zero = distance == 0
    valid = (
        (np.arange(mine_width)[None, :, None] < counts[:, None, None])
        & (np.arange(their_width)[None, None, :] < their_counts[:, None, None])
        & (~zero | either_null[:, None, None])
    )
    distance[zero] = MAXENTRYPOS
    product = (WEIGHTS[here >> 14] * WEIGHTS[there >> 14]) * WORD_DISTANCE[
        np.minimum(distance, 101)
    ]
    pairs = mine_width * their_width
    curw = np.sqrt(product.astype(F64)).astype(F32).reshape(len(rows), pairs)
    valid = valid.reshape(len(rows), pairs)
    current = res[rows]
    for step in np.flatnonzero(valid.any(axis=0)):
        weight = curw[:, step]
        combined = (1.0 - (1.0 - current.astype(F64)) * (1.0 - weight.astype(F64))).astype(F32)
        current = np.where(valid[:, step], np.where(current < 0, weight, combined), current)
    res[rows] = current


def _remember(
    latest: _Latest | None,
    count: int,
    rows: npt.NDArray[np.intp],
    counts: npt.NDArray[np.int32],
    null: npt.NDArray[np.bool_],
    table: npt.NDArray[np.uint16],
) -> _Latest:
    if latest is None:
        latest = _Latest(
            np.zeros(count, dtype=np.int32),
            np.zeros(count, dtype=np.bool_),
            np.zeros((count, table.shape[1]), dtype=np.uint16),
        )
    elif latest.positions.shape[1] < table.shape[1]:
        wider = np.zeros((count, table.shape[1]), dtype=np.uint16)
        wider[:, : latest.positions.shape[1]] = latest.positions
        latest.positions = wider
    latest.count[rows] = counts
    latest.null[rows] = null
    latest.positions[rows, : table.shape[1]] = table
    return latest
