"""broker-config/definitions.json is what the services declare, and what the broker holds."""

import json
from pathlib import Path

import aio_pika
import pytest
from service_kit.broker import declare_platform
from service_kit.topology import platform_topology, rabbitmq_definitions, render_definitions
from shop_contracts import SUBSCRIPTIONS

DEFINITIONS = Path(__file__).resolve().parents[1] / "definitions.json"


def test_definitions_file_matches_the_topology_services_declare():
    assert DEFINITIONS.read_text() == render_definitions(), (
        "broker-config/definitions.json is stale: run `make contracts`"
    )


def test_every_consuming_service_has_a_quorum_queue_with_limit_and_dead_letter_queue():
    definitions = json.loads(DEFINITIONS.read_text())
    queues = {q["name"]: q for q in definitions["queues"]}
    bindings = {(b["source"], b["destination"], b["routing_key"]) for b in definitions["bindings"]}
    for service, keys in SUBSCRIPTIONS.items():
        queue = queues[f"{service}.events"]
        assert queue["durable"] is True
        assert queue["arguments"]["x-queue-type"] == "quorum"
        assert queue["arguments"]["x-delivery-limit"] > 0
        assert queue["arguments"]["x-dead-letter-exchange"] == "shop.events.dlx"
        assert queues[f"{service}.events.dlq"]["arguments"]["x-queue-type"] == "quorum"
        assert ("shop.events.dlx", f"{service}.events.dlq", f"{service}.events.dlq") in bindings
        for key in keys:
            assert ("shop.events", f"{service}.events", key) in bindings


@pytest.fixture
async def channel():
    import os

    connection = await aio_pika.connect(os.environ["AMQP_URL"])
    channel = await connection.channel()
    yield channel
    await connection.close()


async def test_broker_holds_exactly_the_definitions_after_services_declare(channel):
    await declare_platform(channel)
    definitions = rabbitmq_definitions(platform_topology())
    # A passive declare with the same arguments succeeds only if the broker's queue matches.
    for queue in definitions["queues"]:
        declared = await channel.declare_queue(
            queue["name"], durable=True, arguments=queue["arguments"], passive=False
        )
        assert declared.name == queue["name"]
    for exchange in definitions["exchanges"]:
        await channel.declare_exchange(
            exchange["name"], exchange["type"], durable=True, passive=True
        )
    # A queue declared with other arguments is refused: the comparison above is meaningful.
    with pytest.raises(aio_pika.exceptions.ChannelPreconditionFailed):
        await channel.declare_queue(
            "order.events", durable=True, arguments={"x-queue-type": "classic"}
        )
