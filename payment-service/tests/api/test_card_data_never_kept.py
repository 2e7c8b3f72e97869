"""A tokenised card's number and CVC reach no table (text, JSON or bytes column), no event and
no log line — not even with every logger, SQL statements included, at DEBUG."""

import logging

from payment_service_tests_factories import VISA, VISA_DIGITS, card_payload, order_created
from service_kit.logging import JsonFormatter
from sqlalchemy import text

CVC = "987"
NUMBER_FORMS = (VISA_DIGITS, VISA, "4242-4242-4242-4242", VISA_DIGITS[:12])
# A CVC is too short to search for as a bare substring (it may occur inside any id or time);
# these are the shapes in which a leaked CVC would appear.
CVC_FORMS = (f'"{CVC}"', f"'{CVC}'", f"={CVC}", '"cvc"', "'cvc'", "cvc=")

_TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "bytea")


async def _textual_columns(session) -> list[tuple[str, str, str]]:
    rows = await session.execute(
        text(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type = ANY(:types)"
        ),
        {"types": list(_TEXT_TYPES)},
    )
    return [tuple(row) for row in rows]


async def _rows_containing(session, needles: tuple[str, ...]) -> list[str]:
    found = []
    for table, column, data_type in await _textual_columns(session):
        value = (
            f"convert_from(\"{column}\", 'UTF8')" if data_type == "bytea" else f'"{column}"::text'
        )
        hits = await session.scalar(
            text(f'SELECT count(*) FROM "{table}" WHERE {value} LIKE ANY(:patterns)'),
            {"patterns": [f"%{needle}%" for needle in needles]},
        )
        if hits:
            found.append(f"{table}.{column}")
    return found


async def test_the_card_number_and_cvc_are_in_no_table_event_or_log(shop, client, sessions, caplog):
    caplog.set_level(logging.DEBUG)
    # SQLAlchemy keeps its loggers at WARNING unless told otherwise.
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    customer = shop.customer()

    method = await shop.tokenise(customer, cvc=CVC)
    # A refused card goes through the same code paths up to the check.
    refused = await client.post(
        "/api/payments/methods",
        json=card_payload(card_number=VISA, cvc="98"),
        headers=customer.headers,
    )
    assert refused.status_code == 422
    order = order_created(user_id=customer.id, payment_method=method["id"])
    assert await shop.deliver(order)
    [(envelope, _)] = await shop.events_for(order.order_id)
    assert envelope.type == "payment.success"
    # What the service logged; the searches below log their own needles.
    records = list(caplog.records)

    async with sessions() as session:
        stored = await session.execute(
            text("SELECT brand, last4, behaviour FROM payment_methods WHERE id = :id"),
            {"id": method["id"]},
        )
        assert tuple(stored.one()) == ("visa", "4242", "approve")
        columns = await _textual_columns(session)
        assert {table for table, _, _ in columns} >= {"payment_methods", "payments", "outbox"}
        assert await _rows_containing(session, NUMBER_FORMS) == []
        assert await _rows_containing(session, CVC_FORMS) == []

    formatter = JsonFormatter("payment-service")
    lines = [formatter.format(record) for record in records]
    logged = "\n".join(lines)
    # The logs were captured: the request, the tokenisation and the charge are all there.
    assert '"path":"/api/payments/methods"' in logged
    assert "card tokenised" in logged
    assert "payment approved" in logged
    assert "INSERT INTO payment_methods" in logged  # SQL with its parameters, at DEBUG
    for needle in (*NUMBER_FORMS, *CVC_FORMS):
        assert needle not in logged, needle
