"""A connection of its own LISTENing on one PostgreSQL channel, for a replica that keeps
something in memory in step with the database (a search index, cached answers).

A notification calls `on_notify(payload)`; the connection ending (a network failure, a
restart) calls `on_lost()`. A connection can also stop answering without ending, so the
owner calls `check()` now and then: it raises when the connection has ended or does not
answer a ping. Notifications sent while nobody listened are gone: after a loss, the owner
starts over (a new `Listener`, and whatever it kept rebuilt or dropped).
"""

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import asyncpg


class Listener:
    def __init__(
        self,
        dsn: str,
        channel: str,
        on_notify: Callable[[str], None],
        on_lost: Callable[[], None] = lambda: None,
    ) -> None:
        self.dsn = dsn
        self.channel = channel
        self.on_notify = on_notify
        self.on_lost = on_lost
        self._conn: asyncpg.Connection | None = None

    async def open(self) -> None:
        """Connect and LISTEN; from its return on, every commit's notification arrives."""
        conn = await asyncpg.connect(self.dsn)
        self._conn = conn
        conn.add_termination_listener(lambda _: self.on_lost())
        await conn.add_listener(self.channel, self._notified)

    def _notified(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self.on_notify(payload)

    @property
    def closed(self) -> bool:
        return self._conn is None or self._conn.is_closed()

    async def check(self, timeout: float) -> None:
        """Raise ConnectionError if the connection has ended; TimeoutError if it does not
        answer within `timeout`."""
        if self._conn is None or self._conn.is_closed():
            raise ConnectionError(f"the listener on {self.channel} lost its connection")
        await asyncio.wait_for(self._conn.fetchval("SELECT 1"), timeout)

    def terminate(self) -> None:
        """End the connection as a network failure would (for tests)."""
        if self._conn is not None:
            self._conn.terminate()

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 2)
