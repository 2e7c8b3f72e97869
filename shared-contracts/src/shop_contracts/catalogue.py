"""The AsyncAPI catalogue of every event, generated from the models (docs/events.asyncapi.json)."""

import json
from typing import Any

from shop_contracts.envelope import Envelope
from shop_contracts.registry import EVENT_TYPES, SUBSCRIPTIONS

EXCHANGE = "shop.events"


def _model_name(event_type: str) -> str:
    return EVENT_TYPES[event_type].__name__


def asyncapi_document() -> dict[str, Any]:
    schemas: dict[str, Any] = {
        "Envelope": Envelope.model_json_schema(ref_template="#/components/schemas/{model}")
    }
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for event_type, model in EVENT_TYPES.items():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in schema.pop("$defs", {}).items():
            schemas[name] = sub
        schemas[model.__name__] = schema
        consumers = sorted(s for s, keys in SUBSCRIPTIONS.items() if event_type in keys)
        messages[model.__name__] = {
            "name": event_type,
            "title": model.__name__,
            "summary": (model.__doc__ or "").strip() or f"{event_type} event",
            "contentType": "application/json",
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/Envelope"},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": event_type},
                            "version": {"const": model.VERSION},
                            "data": {"$ref": f"#/components/schemas/{model.__name__}"},
                        },
                    },
                ]
            },
            "x-consumers": consumers,
        }
        channel_id = event_type.replace(".", "_")
        channels[channel_id] = {
            "address": event_type,
            "messages": {model.__name__: {"$ref": f"#/components/messages/{model.__name__}"}},
            "bindings": {
                "amqp": {
                    "is": "routingKey",
                    "exchange": {"name": EXCHANGE, "type": "topic", "durable": True},
                }
            },
        }
        operations[f"publish_{channel_id}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Shop events",
            "version": "1.0.0",
            "description": "Every event on the shop.events topic exchange. Generated from "
            "shared-contracts; regenerate with `make contracts`.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def render() -> str:
    return json.dumps(asyncapi_document(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(render(), end="")
