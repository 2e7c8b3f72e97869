"""Answers of the reports, kept until the roll-ups change.

A dashboard asks the same few questions again and again (the last 30 days, the daily trend,
the top ten), and between two changes of the roll-ups the answers stay the same. Every
statement that writes a roll-up notifies `analytics_changed` (migration 0002, statement
triggers; PostgreSQL sends the notification when the transaction commits, once however many
statements asked), and every replica listens: a notification drops every kept answer. This
replica's own consumer drops them right after its commit, before the notification comes back.

So a kept answer is never older than the last change this replica has heard of: exact on the
replica that applied the events, a few milliseconds behind a commit elsewhere. An answer
computed while a change arrived is not kept (it may have read the rows before it). While the
listener is not connected (at start, or after losing its connection) nothing is kept or
answered from here; the reports are then read from the roll-ups every time, as with
`REPORT_CACHE_ENTRIES=0`.
"""

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from service_kit.listen import Listener

log = logging.getLogger(__name__)

CHANNEL = "analytics_changed"
# How often the listener's connection is checked when nothing arrives.
PING_SECONDS = 10.0

T = TypeVar("T")


class ReportCache:
    """At most `max_entries` answers (0: none), the least recently used going first."""

    def __init__(self, dsn: str, max_entries: int) -> None:
        self.dsn = dsn
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._generation = 0  # bumped by every change heard of
        self._listener: Listener | None = None
        self._listening = False
        self._task: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()

    @property
    def listening(self) -> bool:
        return self._listening

    def start(self) -> None:
        if self.max_entries > 0:
            self._task = asyncio.create_task(self._run(), name="report-cache-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._close_listener()

    async def answer(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """The kept answer to `key`, or `compute()`'s (kept if no change came meanwhile)."""
        if not self._listening:
            return await compute()
        if key in self._entries:
            self._entries.move_to_end(key)
            kept: T = self._entries[key]
            return kept
        generation = self._generation
        value = await compute()
        if self._listening and generation == self._generation:
            self._entries[key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def changed(self) -> None:
        """The roll-ups changed: nothing kept is true any more."""
        self._generation += 1
        self._entries.clear()

    def drop_listener(self) -> None:
        """Close the listener connection as a network failure would (for tests)."""
        if self._listener is not None:
            self._listener.terminate()

    async def _run(self) -> None:
        delay = 0.5
        while True:
            try:
                await self._listen()
                delay = 0.5
                await self._follow()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("report cache: listener lost; reading the roll-ups meanwhile")
            self._listening = False
            self.changed()
            await self._close_listener()
            await asyncio.sleep(delay)
            delay = min(10.0, delay * 2)

    async def _listen(self) -> None:
        self._lost.clear()
        self._listener = Listener(
            self.dsn, CHANNEL, lambda _payload: self.changed(), on_lost=self._lost.set
        )
        await self._listener.open()
        # Changes committed before this point were never announced: start empty.
        self.changed()
        self._listening = True

    async def _follow(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), PING_SECONDS)
            if self._lost.is_set() or self._listener is None:
                raise ConnectionError("the report cache's listener connection closed")
            await self._listener.check(PING_SECONDS)

    async def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            await listener.close()
