import asyncio
import uuid

from inventory_service import service
from inventory_service.models import MovementReason


async def test_twenty_concurrent_withdrawals_never_take_stock_below_zero(client, factory, admin):
    product_id = await factory.product(stock=10)
    url = f"/api/inventory/{product_id}/adjust"

    responses = await asyncio.gather(
        *(client.post(url, json={"delta": -1}, headers=admin) for _ in range(20))
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 10 + [409] * 10
    assert sorted(r.json()["stock"] for r in responses if r.status_code == 200) == list(range(10))
    assert await factory.stock(product_id) == 0
    ledger = await factory.ledger(product_id)
    assert sum(m["delta"] for m in ledger) == 0
    assert len(ledger) == 11


async def test_concurrent_mixed_adjustments_keep_the_ledger_equal_to_the_stock(
    client, factory, admin
):
    product_id = await factory.product(stock=3)
    url = f"/api/inventory/{product_id}/adjust"
    deltas = [-2, 3, -4, 1, -1, 5, -3, -2, 2, -5, 4, -1, -1, 2, -3, 1, -2, 3, -4, 1]

    responses = await asyncio.gather(
        *(client.post(url, json={"delta": d}, headers=admin) for d in deltas)
    )

    assert {r.status_code for r in responses} <= {200, 409}
    applied = [d for d, r in zip(deltas, responses, strict=True) if r.status_code == 200]
    final = await factory.stock(product_id)
    assert final == 3 + sum(applied) >= 0
    ledger = await factory.ledger(product_id)
    assert sum(m["delta"] for m in ledger) == final
    assert all(m["stock_after"] >= 0 for m in ledger)
    assert len(ledger) == 1 + len(applied)


async def test_a_withdrawal_waiting_for_a_restock_counts_the_restocked_units(
    client, factory, admin, pg
):
    product_id = await factory.product(stock=1)
    async with pg.transaction() as restock:
        await service.adjust_stock(
            restock, product_id, 5, reason=MovementReason.RESTOCK, actor_id=uuid.uuid4()
        )
        withdrawal = asyncio.create_task(
            client.post(f"/api/inventory/{product_id}/adjust", json={"delta": -4}, headers=admin)
        )
        await asyncio.sleep(0.2)
        assert not withdrawal.done()

    response = await withdrawal
    assert response.status_code == 200, response.text
    assert response.json()["stock"] == 2
    assert [m["stock_after"] for m in await factory.ledger(product_id)] == [1, 6, 2]
