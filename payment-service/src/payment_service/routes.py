"""HTTP routes, at the same paths as the gateway's: parse, call the service, shape the answer."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from payment_service import service
from payment_service.dependencies import (
    ConnectionDep,
    CurrentUser,
    ReadSessionDep,
    RequireAdmin,
    SessionDep,
    SettingsDep,
    TxDep,
)
from payment_service.errors import error_responses
from payment_service.schemas import (
    PaymentMethodCreate,
    PaymentMethodOut,
    PaymentMethodPage,
    PaymentOut,
    ProcessorSwitchIn,
    ProcessorSwitchOut,
)

router = APIRouter(prefix="/api/payments", tags=["payments"])


@router.post(
    "/methods",
    status_code=201,
    summary="Tokenise a card (the number and CVC are never stored or logged)",
    responses=error_responses(400, 401, 409, 422),
)
async def create_payment_method(
    body: PaymentMethodCreate, user: CurrentUser, session: SessionDep
) -> PaymentMethodOut:
    method = await service.tokenise_card(
        session,
        user,
        card_number=body.card_number.get_secret_value(),
        exp_month=body.exp_month,
        exp_year=body.exp_year,
        cvc=body.cvc.get_secret_value(),
    )
    return PaymentMethodOut.of(method)


@router.get(
    "/methods",
    summary="The caller's saved cards, newest first (at most 20 can be saved)",
    responses=error_responses(401, 422),
)
async def list_payment_methods(
    user: CurrentUser,
    session: ReadSessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PaymentMethodPage:
    methods, total = await service.list_payment_methods(session, user, limit=limit, offset=offset)
    return PaymentMethodPage(
        items=[PaymentMethodOut.of(m) for m in methods], total=total, limit=limit, offset=offset
    )


@router.get(
    "/processor",
    summary="The mock processor's switch: random declines and latency (admin)",
    responses=error_responses(401, 403),
)
async def get_processor_switch(
    _: RequireAdmin, conn: ConnectionDep, settings: SettingsDep
) -> ProcessorSwitchOut:
    return ProcessorSwitchOut.of(await service.processor_switch(conn, settings))


@router.put(
    "/processor",
    summary="Change the processor's switch at runtime, for every replica (admin)",
    responses=error_responses(400, 401, 403, 422),
)
async def put_processor_switch(
    body: ProcessorSwitchIn, admin: RequireAdmin, tx: TxDep
) -> ProcessorSwitchOut:
    switch = await service.set_processor_switch(
        tx.conn,
        admin,
        decline_rate=body.decline_rate,
        processing_delay_ms=body.processing_delay_ms,
    )
    return ProcessorSwitchOut.of(switch)


@router.delete(
    "/processor",
    summary="Return the processor's switch to the configured settings (admin)",
    responses=error_responses(401, 403),
)
async def reset_processor_switch(
    admin: RequireAdmin, tx: TxDep, settings: SettingsDep
) -> ProcessorSwitchOut:
    return ProcessorSwitchOut.of(await service.reset_processor_switch(tx.conn, admin, settings))


@router.get(
    "",
    summary="Payments, newest first: the caller's own, or everyone's for an admin",
    responses=error_responses(401, 422),
)
async def list_payments(
    user: CurrentUser,
    session: ReadSessionDep,
    order_id: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[PaymentOut]:
    payments = await service.list_payments(
        session, user, order_id=order_id, limit=limit, offset=offset
    )
    return [PaymentOut.of(p) for p in payments]


@router.get(
    "/{payment_id}",
    summary="One payment (404 for another user's)",
    responses=error_responses(401, 404, 422),
)
async def get_payment(payment_id: UUID, user: CurrentUser, session: ReadSessionDep) -> PaymentOut:
    return PaymentOut.of(await service.get_payment(session, user, payment_id))
