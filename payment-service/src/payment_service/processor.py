"""The mock card processor's rules: card checks, brands, test cards, and the charge decision.

Pure functions, no I/O. A card number enters `check_card` and never leaves it: what comes out
(`Card`) is what a processor may keep — brand, last four digits, expiry, and the test-mode
behaviour the number stands for. Problems name the field, never echo its value.
"""

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

TOKEN_PREFIX = "pm_"
MIN_DIGITS = 12
MAX_DIGITS = 19
MAX_YEARS_AHEAD = 20
_DIGITS = frozenset("0123456789")


class Brand(StrEnum):
    VISA = "visa"
    MASTERCARD = "mastercard"
    AMEX = "amex"
    DISCOVER = "discover"
    DINERS = "diners"
    JCB = "jcb"
    UNIONPAY = "unionpay"


class Behaviour(StrEnum):
    """What a charge on the card does, fixed when the card is tokenised (test mode)."""

    APPROVE = "approve"
    CARD_DECLINED = "card_declined"
    INSUFFICIENT_FUNDS = "insufficient_funds"


class DeclineReason(StrEnum):
    CARD_DECLINED = "card_declined"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    EXPIRED_CARD = "expired_card"
    INVALID_PAYMENT_METHOD = "invalid_payment_method"


# Numbers that behave in a fixed way, like a real processor's test mode (API.md). Any other
# valid number approves.
TEST_CARD_BEHAVIOURS: dict[str, Behaviour] = {
    "4000000000000002": Behaviour.CARD_DECLINED,
    "4000000000009995": Behaviour.INSUFFICIENT_FUNDS,
}

# Card lengths per brand, and the number prefixes (IIN ranges, inclusive) that identify it.
# Order matters: Discover's co-branded UnionPay range comes before UnionPay's 62.
_BRAND_LENGTHS: dict[Brand, frozenset[int]] = {
    Brand.VISA: frozenset({13, 16, 19}),
    Brand.MASTERCARD: frozenset({16}),
    Brand.AMEX: frozenset({15}),
    Brand.DISCOVER: frozenset(range(16, 20)),
    Brand.DINERS: frozenset(range(14, 20)),
    Brand.JCB: frozenset(range(16, 20)),
    Brand.UNIONPAY: frozenset(range(16, 20)),
}
_BRAND_RANGES: tuple[tuple[Brand, int, int], ...] = (
    (Brand.AMEX, 34, 34),
    (Brand.AMEX, 37, 37),
    (Brand.VISA, 4, 4),
    (Brand.MASTERCARD, 51, 55),
    (Brand.MASTERCARD, 2221, 2720),
    (Brand.DISCOVER, 6011, 6011),
    (Brand.DISCOVER, 644, 649),
    (Brand.DISCOVER, 65, 65),
    (Brand.DISCOVER, 622126, 622925),
    (Brand.DINERS, 300, 305),
    (Brand.DINERS, 36, 36),
    (Brand.DINERS, 38, 39),
    (Brand.JCB, 3528, 3589),
    (Brand.UNIONPAY, 62, 62),
)


@dataclass(frozen=True, slots=True)
class Card:
    """What is kept of a card: never its number or CVC."""

    brand: str
    last4: str
    exp_month: int
    exp_year: int
    behaviour: Behaviour


@dataclass(frozen=True, slots=True)
class CardProblem:
    field: str
    message: str
    type: str


class CardRejected(ValueError):
    def __init__(self, problems: list[CardProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


# Test tokens any user may charge (API.md). They stand for the test cards and never expire.
BUILTIN_METHODS: dict[str, Card] = {
    "pm_card_visa": Card(Brand.VISA, "4242", 12, 2099, Behaviour.APPROVE),
    "pm_card_mastercard": Card(Brand.MASTERCARD, "4444", 12, 2099, Behaviour.APPROVE),
    "pm_card_chargeDeclined": Card(Brand.VISA, "0002", 12, 2099, Behaviour.CARD_DECLINED),
    "pm_card_chargeDeclinedInsufficientFunds": Card(
        Brand.VISA, "9995", 12, 2099, Behaviour.INSUFFICIENT_FUNDS
    ),
}


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(18)


def normalize_number(raw: str) -> str:
    """The digits of a card number as people type it: spaces and dashes are dropped."""
    return raw.replace(" ", "").replace("-", "")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def detect_brand(digits: str) -> Brand | None:
    for brand, low, high in _BRAND_RANGES:
        width = len(str(low))
        if len(digits) >= width and low <= int(digits[:width]) <= high:
            return brand
    return None


def is_expired(exp_month: int, exp_year: int, now: datetime) -> bool:
    """A card is good until the end of its expiry month (UTC)."""
    now = now.astimezone(UTC)
    return (exp_year, exp_month) < (now.year, now.month)


def check_card(number: str, exp_month: int, exp_year: int, cvc: str, *, now: datetime) -> Card:
    """Validate card details; raises CardRejected naming every field that is wrong."""
    problems: list[CardProblem] = []
    digits = normalize_number(number)
    brand: Brand | None = None
    if not digits or not set(digits) <= _DIGITS:
        problems.append(
            CardProblem("card_number", "Use digits only (spaces and dashes are fine).", "digits")
        )
    elif not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        problems.append(
            CardProblem(
                "card_number", f"A card number has {MIN_DIGITS} to {MAX_DIGITS} digits.", "length"
            )
        )
    elif not luhn_valid(digits):
        problems.append(CardProblem("card_number", "This is not a valid card number.", "luhn"))
    else:
        brand = detect_brand(digits)
        if brand is None:
            problems.append(
                CardProblem("card_number", "This card brand is not supported.", "brand")
            )
        elif len(digits) not in _BRAND_LENGTHS[brand]:
            problems.append(
                CardProblem("card_number", f"Not a valid length for a {brand} card.", "length")
            )
            brand = None

    now = now.astimezone(UTC)
    if not 1 <= exp_month <= 12:
        problems.append(CardProblem("exp_month", "The month is 1 to 12.", "range"))
    elif is_expired(exp_month, exp_year, now):
        field = "exp_month" if exp_year == now.year else "exp_year"
        problems.append(CardProblem(field, "The card has expired.", "expired"))
    elif exp_year > now.year + MAX_YEARS_AHEAD:
        problems.append(CardProblem("exp_year", "The year is too far in the future.", "range"))

    cvc_lengths = {4} if brand is Brand.AMEX else {3} if brand is not None else {3, 4}
    if not set(cvc) <= _DIGITS or len(cvc) not in cvc_lengths:
        wanted = " or ".join(str(n) for n in sorted(cvc_lengths))
        problems.append(CardProblem("cvc", f"The security code is {wanted} digits.", "cvc"))

    if problems:
        raise CardRejected(problems)
    assert brand is not None
    return Card(
        brand=brand,
        last4=digits[-4:],
        exp_month=exp_month,
        exp_year=exp_year,
        behaviour=TEST_CARD_BEHAVIOURS.get(digits, Behaviour.APPROVE),
    )


@dataclass(frozen=True, slots=True)
class Decision:
    approved: bool
    decline_reason: DeclineReason | None = None


APPROVED = Decision(approved=True)


def decide(
    card: Card | None,
    *,
    now: datetime,
    decline_rate: float = 0.0,
    roll: Callable[[], float] = random.random,
) -> Decision:
    """The outcome of charging `card` (None: no usable payment method)."""
    if card is None:
        return Decision(False, DeclineReason.INVALID_PAYMENT_METHOD)
    if card.behaviour is not Behaviour.APPROVE:
        return Decision(False, DeclineReason(card.behaviour.value))
    if is_expired(card.exp_month, card.exp_year, now):
        return Decision(False, DeclineReason.EXPIRED_CARD)
    if decline_rate > 0 and roll() < decline_rate:
        return Decision(False, DeclineReason.CARD_DECLINED)
    return APPROVED
