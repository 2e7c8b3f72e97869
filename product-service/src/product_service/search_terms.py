"""From a query's words to what the search index matches: each word's lexeme, as PostgreSQL's
`to_tsquery('english', word)` gives it (asked once per word, then remembered), and the query as
PostgreSQL's ranking sees it.

The index answers only where its answer is PostgreSQL's; otherwise `resolve` returns None and
the search runs in PostgreSQL:
- a word whose `to_tsquery` is not one lexeme (or none, a stop word);
- a search sorted by relevance whose query has two operands of the same lexeme, one a prefix
  and one not (`mous:* | mouse`, `run & run:*`): ts_rank keeps one of them (SortAndUniqItems
  compares lexemes only), and which one depends on how its sort orders equal items. Matching
  and the other sorts do not depend on it.
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
    rank_exact: bool = True  # False: a lexeme both as a prefix and whole (see the module)

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
    unique = sorted({operand for group in groups for operand in group})
    lexemes_seen = [lexeme for lexeme, _ in unique]
    rank_exact = len(set(lexemes_seen)) == len(lexemes_seen)
    return ResolvedQuery(tuple(groups), query.any_group, tuple(unique), rank_exact)


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
