"""Operator tools for dead-lettered messages: list them, and replay them into the service's queue.

Replay publishes a copy to the service's own queue only (through the default exchange), with
confirms, and removes the original from the DLQ after the broker confirmed the copy. The event
keeps its id, so a consumer that had in fact handled it acks it without effect.
"""

from dataclasses import dataclass
from typing import Any

import aio_pika
import orjson

from service_kit.topology import dead_letter_queue_name, queue_name


@dataclass(frozen=True)
class DeadLetter:
    message_id: str | None
    routing_key: str | None
    event_type: str | None
    reason: str | None
    body: dict[str, Any] | None


def _describe(message: aio_pika.abc.AbstractIncomingMessage) -> DeadLetter:
    deaths = (message.headers or {}).get("x-death")
    first: dict[str, Any] = {}
    if isinstance(deaths, list) and deaths and isinstance(deaths[0], dict):
        first = dict(deaths[0])
    keys = first.get("routing-keys") or []
    try:
        body = orjson.loads(message.body)
    except orjson.JSONDecodeError:
        body = None
    reason = first.get("reason")
    return DeadLetter(
        message_id=message.message_id,
        routing_key=str(keys[0]) if keys else message.routing_key,
        event_type=message.type,
        reason=str(reason) if reason is not None else None,
        body=body if isinstance(body, dict) else None,
    )


async def list_dead_letters(amqp_url: str, service: str, limit: int = 100) -> list[DeadLetter]:
    """Look at up to `limit` dead letters without removing them."""
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel()
        queue = await channel.get_queue(dead_letter_queue_name(service), ensure=True)
        found: list[DeadLetter] = []
        held: list[aio_pika.abc.AbstractIncomingMessage] = []
        while len(found) < limit:
            message = await queue.get(no_ack=False, fail=False)
            if message is None:
                break
            held.append(message)
            found.append(_describe(message))
        for message in held:
            await message.nack(requeue=True)
        return found
    finally:
        await connection.close()


async def replay_dead_letters(
    amqp_url: str, service: str, message_ids: set[str] | None = None, limit: int = 1000
) -> int:
    """Move dead letters (all, or those with the given ids) back into the service's queue."""
    connection = await aio_pika.connect(amqp_url)
    replayed = 0
    try:
        channel = await connection.channel(publisher_confirms=True)
        queue = await channel.get_queue(dead_letter_queue_name(service), ensure=True)
        skipped: list[aio_pika.abc.AbstractIncomingMessage] = []
        for _ in range(limit):
            message = await queue.get(no_ack=False, fail=False)
            if message is None:
                break
            if message_ids is not None and message.message_id not in message_ids:
                skipped.append(message)
                continue
            headers = {k: v for k, v in (message.headers or {}).items() if not k.startswith("x-")}
            copy = aio_pika.Message(
                message.body,
                content_type=message.content_type,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=message.message_id,
                correlation_id=message.correlation_id,
                type=message.type,
                app_id=message.app_id,
                headers={**headers, "x-replayed": True},
            )
            await channel.default_exchange.publish(
                copy, routing_key=queue_name(service), mandatory=True
            )
            await message.ack()
            replayed += 1
        for message in skipped:
            await message.nack(requeue=True)
        return replayed
    finally:
        await connection.close()
