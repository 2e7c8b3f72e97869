"""The RabbitMQ topology: one topic exchange, a dead-letter exchange, and per consuming service
a quorum queue with a delivery limit and its dead-letter queue. broker-config/ holds the same
as RabbitMQ definitions; a test keeps the two equal."""

from dataclasses import dataclass, field
from typing import Any

from shop_contracts import SUBSCRIPTIONS

EXCHANGE = "shop.events"
DEAD_LETTER_EXCHANGE = "shop.events.dlx"
DEFAULT_DELIVERY_LIMIT = 8


@dataclass(frozen=True)
class QueueSpec:
    name: str
    arguments: dict[str, Any]
    bindings: tuple[tuple[str, str], ...]  # (exchange, routing key)


@dataclass(frozen=True)
class Topology:
    queues: tuple[QueueSpec, ...] = field(default_factory=tuple)


def queue_name(service: str) -> str:
    return f"{service}.events"


def dead_letter_queue_name(service: str) -> str:
    return f"{service}.events.dlq"


def service_queues(
    service: str, routing_keys: tuple[str, ...], delivery_limit: int = DEFAULT_DELIVERY_LIMIT
) -> tuple[QueueSpec, QueueSpec]:
    queue = queue_name(service)
    dlq = dead_letter_queue_name(service)
    return (
        QueueSpec(
            name=queue,
            arguments={
                "x-queue-type": "quorum",
                "x-delivery-limit": delivery_limit,
                "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
                "x-dead-letter-routing-key": dlq,
            },
            bindings=tuple((EXCHANGE, key) for key in routing_keys),
        ),
        QueueSpec(
            name=dlq,
            arguments={"x-queue-type": "quorum"},
            bindings=((DEAD_LETTER_EXCHANGE, dlq),),
        ),
    )


def platform_topology() -> Topology:
    """Every service's queues, from the subscriptions in shared-contracts."""
    queues: list[QueueSpec] = []
    for service, keys in sorted(SUBSCRIPTIONS.items()):
        queues.extend(service_queues(service, keys))
    return Topology(tuple(queues))


def rabbitmq_definitions(topology: Topology, vhost: str = "/") -> dict[str, Any]:
    """The topology in RabbitMQ's definitions format (for `rabbitmqctl import_definitions`)."""
    return {
        "vhosts": [{"name": vhost}],
        "exchanges": [
            {
                "name": name,
                "vhost": vhost,
                "type": kind,
                "durable": True,
                "auto_delete": False,
                "internal": False,
                "arguments": {},
            }
            for name, kind in ((EXCHANGE, "topic"), (DEAD_LETTER_EXCHANGE, "direct"))
        ],
        "queues": [
            {
                "name": q.name,
                "vhost": vhost,
                "durable": True,
                "auto_delete": False,
                "arguments": q.arguments,
            }
            for q in topology.queues
        ],
        "bindings": [
            {
                "source": exchange,
                "vhost": vhost,
                "destination": q.name,
                "destination_type": "queue",
                "routing_key": key,
                "arguments": {},
            }
            for q in topology.queues
            for exchange, key in q.bindings
        ],
        "policies": [],
    }


def render_definitions() -> str:
    import json

    return json.dumps(rabbitmq_definitions(platform_topology()), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(render_definitions(), end="")
