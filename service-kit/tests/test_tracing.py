"""Correlation id and trace context travel from an HTTP request into the events it causes."""

import uuid

import pytest
from fastapi import APIRouter
from service_kit.app import create_service_app
from service_kit.context import TraceParent, outgoing_headers
from service_kit.db import SessionDep
from service_kit.outbox import add_event
from service_kit.testing import app_client
from shop_contracts import Envelope
from shop_contracts.events import ProductDeleted
from sqlalchemy import text

router = APIRouter()


@router.post("/things/{thing_id}/delete", status_code=202)
async def delete_thing(thing_id: uuid.UUID, session: SessionDep) -> dict[str, str]:
    await add_event(session, ProductDeleted(product_id=thing_id))
    return {"outgoing_traceparent": outgoing_headers()["traceparent"]}


@pytest.fixture
async def client(settings, engine, sessions):
    app = create_service_app(settings, title="trace test", routers=[router])
    async with app_client(app) as c:
        yield c


async def test_correlation_id_and_trace_id_of_the_request_are_carried_into_the_event(
    client, sessions
):
    correlation_id = uuid.uuid4()
    parent = TraceParent.new()
    thing = uuid.uuid4()
    resp = await client.post(
        f"/things/{thing}/delete",
        headers={"x-correlation-id": str(correlation_id), "traceparent": str(parent)},
    )
    assert resp.status_code == 202
    outgoing = TraceParent.parse(resp.json()["outgoing_traceparent"])
    assert outgoing is not None and outgoing.trace_id == parent.trace_id
    async with sessions() as session:
        row = (await session.execute(text("SELECT body, headers FROM outbox"))).one()
    envelope = Envelope.model_validate_json(row.body)
    assert envelope.correlation_id == correlation_id
    assert envelope.data["product_id"] == str(thing)
    event_trace = TraceParent.parse(row.headers["traceparent"])
    assert event_trace is not None
    assert event_trace.trace_id == parent.trace_id
    assert event_trace.span_id != parent.span_id
