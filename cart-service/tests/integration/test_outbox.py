from shop_contracts import Envelope, parse_event
from shop_contracts.events import CartUpdated
from sqlalchemy import text


async def test_every_event_the_service_staged_validates_against_its_contract(factory, sessions):
    shopper = factory.shopper()
    await factory.add(shopper, await factory.product())

    async with sessions() as session:
        bodies = (await session.execute(text("SELECT body FROM outbox"))).scalars().all()

    events = [parse_event(Envelope.model_validate_json(body)) for body in bodies]
    assert {env.type for env, _ in events} == {"cart.updated"}
    assert all(env.producer == "cart-service" for env, _ in events)
    assert any(isinstance(e, CartUpdated) and e.user_id == shopper.user_id for _, e in events)
