"""Two checkouts with one Idempotency-Key at the same moment: the key's primary key, not a
prior read, decides — the second waits for the first, then returns the first's order."""

import asyncio
import uuid

from order_service.cart_client import Cart
from order_service.schemas import CheckoutRequest
from order_service.service.checkout import place_order
from order_service_tests_factories import cart_body, cart_line, checkout_body
from sqlalchemy import text


class FixedCart:
    """The cart reader's port, answering one cart (the HTTP client is tested elsewhere)."""

    def __init__(self, user_id: uuid.UUID) -> None:
        self.cart = Cart.model_validate(cart_body(user_id, [cart_line(quantity=2)]))

    async def cart_of(self, authorization: str) -> Cart:
        return self.cart


async def _wait_until_blocked_on_a_lock(sessions, timeout: float = 10.0) -> None:
    async with sessions() as probe:
        for _ in range(int(timeout / 0.02)):
            waiting = await probe.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
            if waiting:
                return
            await asyncio.sleep(0.02)
    raise AssertionError("the second checkout never waited for the first")


async def test_second_checkout_with_a_key_in_flight_waits_and_returns_the_first_order(
    sessions, pool
):
    user_id = uuid.uuid4()
    carts = FixedCart(user_id)
    request = CheckoutRequest.model_validate(checkout_body())

    async def checkout():
        async with pool.transaction() as tx:
            return await place_order(
                tx,
                carts,
                user_id=user_id,
                authorization="Bearer t",
                idempotency_key="in-flight",
                request=request,
                default_currency="USD",
            )

    async with pool.transaction() as tx:
        first = await place_order(
            tx,
            carts,
            user_id=user_id,
            authorization="Bearer t",
            idempotency_key="in-flight",
            request=request,
            default_currency="USD",
        )
        # The second request finds no committed key, reads the cart, and tries to claim it.
        second_task = asyncio.create_task(checkout())
        await _wait_until_blocked_on_a_lock(sessions)
    second = await second_task

    assert first.created is True
    assert second.created is False
    assert second.order.id == first.order.id
    async with sessions() as session:
        count = await session.scalar(
            text("SELECT count(*) FROM orders WHERE user_id = :u"), {"u": user_id}
        )
    assert count == 1
