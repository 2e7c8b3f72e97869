import asyncio

import asyncpg
import pytest
from service_kit.listen import Listener


async def test_a_notification_arrives_and_a_lost_connection_is_told_and_checked(settings):
    payloads: list[str] = []
    lost = asyncio.Event()
    listener = Listener(settings.database_dsn, "kit_listen_test", payloads.append, lost.set)
    await listener.open()
    sender = await asyncpg.connect(settings.database_dsn)
    try:
        await sender.execute("SELECT pg_notify('kit_listen_test', 'a,b')")
        for _ in range(100):
            if payloads:
                break
            await asyncio.sleep(0.02)
        assert payloads == ["a,b"]
        await listener.check(2)  # answers a ping

        listener.terminate()  # as a network failure would
        await asyncio.wait_for(lost.wait(), 5)
        assert listener.closed
        with pytest.raises(ConnectionError):
            await listener.check(2)
    finally:
        await sender.close()
        await listener.close()
