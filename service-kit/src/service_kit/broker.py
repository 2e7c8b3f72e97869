"""The RabbitMQ connection of a process, and idempotent declaration of the topology."""

import logging

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractRobustConnection

from service_kit.topology import DEAD_LETTER_EXCHANGE, EXCHANGE, QueueSpec, platform_topology

log = logging.getLogger(__name__)


async def connect(amqp_url: str, name: str) -> AbstractRobustConnection:
    return await aio_pika.connect_robust(amqp_url, client_properties={"connection_name": name})


async def declare_exchanges(channel: AbstractChannel) -> AbstractExchange:
    exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)
    await channel.declare_exchange(DEAD_LETTER_EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True)
    return exchange


async def declare_queue(channel: AbstractChannel, spec: QueueSpec) -> aio_pika.abc.AbstractQueue:
    queue = await channel.declare_queue(spec.name, durable=True, arguments=spec.arguments)
    for exchange, key in spec.bindings:
        await queue.bind(exchange, routing_key=key)
    return queue


async def declare_platform(channel: AbstractChannel) -> None:
    """Declare every queue of the platform, so that no event is unroutable while a consuming
    service is not running yet: its messages wait in its queue."""
    await declare_exchanges(channel)
    for spec in platform_topology().queues:
        await declare_queue(channel, spec)
