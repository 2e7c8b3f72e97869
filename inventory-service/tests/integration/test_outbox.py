from inventory_service_tests_factories import payment_succeeded
from shop_contracts import Envelope, parse_event
from shop_contracts.events import StockUpdated
from sqlalchemy import text


async def test_every_event_the_service_staged_validates_against_its_contract(factory, sessions):
    product_id = await factory.product(stock=1)
    await factory.deliver(payment_succeeded([(product_id, 5)]))  # a stock.insufficient too

    async with sessions() as session:
        bodies = (await session.execute(text("SELECT body FROM outbox"))).scalars().all()

    events = [parse_event(Envelope.model_validate_json(body)) for body in bodies]
    assert {env.type for env, _ in events} >= {"stock.updated", "stock.insufficient"}
    assert all(env.producer == "inventory-service" for env, _ in events)
    assert any(isinstance(e, StockUpdated) and e.product_id == product_id for _, e in events)
