"""From a query's words to what the search index matches: each word's lexeme, as PostgreSQL's
`to_tsquery('english', word)` gives it (asked once per word, then remembered), and the query as
PostgreSQL's ranking sees it.

The index answers only where its answer is PostgreSQL's: for a word whose `to_tsquery` is
neither one lexeme nor none (a stop word), `resolve` returns None and the search runs in
PostgreSQL. The shopper's words are letters and digits, which the parser keeps as one token.

When a query holds one lexeme twice, once as a prefix and once whole (`mous:* | mouse`,
`run & run:*`), ts_rank keeps only one of them (SortAndUniqItems compares lexemes only): the
first of the equal ones after PostgreSQL's qsort of the operands in the order the tsquery
stores them (operator, right operand, left operand: the reverse of the text). `pg_qsort` is
that sort (src/include/lib/sort_template.h), so the same one is kept here.
"""

import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from product_service.search import WordQuery

STOP_WORD = ""  # to_tsquery gave no lexeme
_ONE_LEXEME = re.compile(r"'((?:[^'\\]|''|\\.)*)'")

Operand = tuple[str, bool]  # lexeme, prefix


def lexeme_of(tsquery_text: str) -> str | None:
    """The lexeme of a one-word `to_tsquery(...)::text`, STOP_WORD for an empty query, None
    for anything else."""
    if not tsquery_text:
        return STOP_WORD
    found = _ONE_LEXEME.fullmatch(tsquery_text)
    if found is None:
        return None
    return re.sub(r"''|\\(.)", lambda m: m.group(1) or "'", found.group(1))


@dataclass(frozen=True)
class ResolvedQuery:
    """The query's groups of operands without stop words (empty groups dropped), and the
    operands ts_rank ranks by: sorted, each lexeme once."""

    groups: tuple[tuple[Operand, ...], ...]
    any_group: bool
    operands: tuple[Operand, ...]

    @property
    def ranks_all_words(self) -> bool:
        """ts_rank uses calc_rank_and when the query's top operator is `&`: two groups or more
        left, all required."""
        return not self.any_group and len(self.groups) >= 2


def resolve(query: WordQuery, lexemes: dict[str, str | None]) -> ResolvedQuery | None:
    groups = []
    for group in query.groups:
        operands = []
        for term in group:
            lexeme = lexemes[term.word]
            if lexeme is None:
                return None
            if lexeme != STOP_WORD:
                operands.append((lexeme, term.prefix))
        if operands:
            groups.append(tuple(operands))
    stored = [operand for group in reversed(groups) for operand in reversed(group)]
    pg_qsort(stored, lambda a, b: (a[0] > b[0]) - (a[0] < b[0]))
    unique = [
        operand for i, operand in enumerate(stored) if i == 0 or operand[0] != stored[i - 1][0]
    ]
    return ResolvedQuery(tuple(groups), query.any_group, tuple(unique))


def pg_qsort(items: list[Operand], compare: Callable[[Operand, Operand], int]) -> None:
    """PostgreSQL's qsort (sort_template.h: insertion sort under 7 items, otherwise a
    three-way quicksort with a median of three, or of nine over 40), in place, so that equal
    items end in the same order as there."""

    def swap(i: int, j: int) -> None:
        items[i], items[j] = items[j], items[i]

    def med3(i: int, j: int, k: int) -> int:
        if compare(items[i], items[j]) < 0:
            if compare(items[j], items[k]) < 0:
                return j
            return k if compare(items[i], items[k]) < 0 else i
        if compare(items[j], items[k]) > 0:
            return j
        return i if compare(items[i], items[k]) < 0 else k

    def sort(a: int, n: int) -> None:
        while True:
            if n < 7:
                for m in range(a + 1, a + n):
                    low = m
                    while low > a and compare(items[low - 1], items[low]) > 0:
                        swap(low, low - 1)
                        low -= 1
                return
            if all(compare(items[m - 1], items[m]) <= 0 for m in range(a + 1, a + n)):
                return
            pm = a + n // 2
            if n > 7:
                pl, pn = a, a + n - 1
                if n > 40:
                    d = n // 8
                    pl = med3(pl, pl + d, pl + 2 * d)
                    pm = med3(pm - d, pm, pm + d)
                    pn = med3(pn - 2 * d, pn - d, pn)
                pm = med3(pl, pm, pn)
            swap(a, pm)
            pa = pb = a + 1
            pc = pd = a + n - 1
            while True:
                while pb <= pc and (r := compare(items[pb], items[a])) <= 0:
                    if r == 0:
                        swap(pa, pb)
                        pa += 1
                    pb += 1
                while pb <= pc and (r := compare(items[pc], items[a])) >= 0:
                    if r == 0:
                        swap(pc, pd)
                        pd -= 1
                    pc -= 1
                if pb > pc:
                    break
                swap(pb, pc)
                pb += 1
                pc -= 1
            pn = a + n
            d1 = min(pa - a, pb - pa)
            for i in range(d1):
                swap(a + i, pb - d1 + i)
            d1 = min(pd - pc, pn - pd - 1)
            for i in range(d1):
                swap(pb + i, pn - d1 + i)
            d1, d2 = pb - pa, pd - pc
            if d1 <= d2:
                if d1 > 1:
                    sort(a, d1)
                if d2 <= 1:
                    return
                a, n = pn - d2, d2
            else:
                if d2 > 1:
                    sort(pn - d2, d2)
                if d1 <= 1:
                    return
                n = d1

    sort(0, len(items))


Fetch = Callable[[Sequence[str]], Awaitable[dict[str, str]]]


class LexemeCache:
    """Words' lexemes, the least recently used forgotten past `max_words`."""

    def __init__(self, max_words: int = 20_000) -> None:
        self.max_words = max_words
        self._known: OrderedDict[str, str | None] = OrderedDict()

    async def lexemes(self, words: Iterable[str], fetch: Fetch) -> dict[str, str | None]:
        wanted = list(dict.fromkeys(words))
        missing = [word for word in wanted if word not in self._known]
        if missing:
            for word, text in (await fetch(missing)).items():
                self._known[word] = lexeme_of(text)
            while len(self._known) > self.max_words:
                self._known.popitem(last=False)
        found = {}
        for word in wanted:
            if word not in self._known:
                self._known[word] = None  # evicted at once; PostgreSQL answers this time
            self._known.move_to_end(word)
            found[word] = self._known[word]
        return found
