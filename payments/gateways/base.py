"""What the shop needs from a payment gateway, whoever runs it (Alipay today; WeChat Pay or a card
acquirer could follow). Results are normalised here, so services and orders never read a
gateway's own status codes. No Django imports."""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass, field
from decimal import Decimal


class GatewayError(Exception):
    """The gateway could not be reached, or answered something we cannot trust or understand:
    the outcome is unknown and the caller retries the same request later."""


class InvalidNotification(Exception):
    """A notification whose authenticity does not check out; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class TradeState(enum.StrEnum):
    WAITING = "waiting"  # opened, not paid yet
    PAID = "paid"
    CLOSED = "closed"  # unpaid and closed, or fully refunded
    NOT_FOUND = "not_found"  # the gateway never saw it (the buyer never opened the cashier)
    OTHER = "other"


@dataclass(frozen=True)
class TradeResult:
    """A trade as the gateway reports it, by query or by notification."""

    reference: str  # our payment reference (Payment.out_trade_no)
    state: TradeState
    gateway_reference: str = ""  # the gateway's own trade number
    amount: Decimal | None = None
    raw_status: str = ""  # the gateway's word for the state, for the audit trail
    params: dict[str, str] = field(default_factory=dict)  # what it sent (notifications)


@dataclass(frozen=True)
class PaymentRequest:
    reference: str
    amount: Decimal
    subject: str
    return_url: str
    notify_url: str
    mobile: bool = False


@dataclass(frozen=True)
class RefundRequest:
    reference: str  # the payment's
    request_reference: str  # the refund's own, unique: the same one never refunds twice
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class RefundOutcome:
    """`ok`: the gateway refunded (now or already, for this request_reference); otherwise it
    refused and `message` says why. An unknown outcome is a GatewayError instead."""

    ok: bool
    message: str = ""
    total_refunded: Decimal | None = None  # of the whole payment, where the gateway says


class PaymentGateway(abc.ABC):
    """One gateway. Implementations are registered in payments.gateways.REGISTRY under the code
    stored in Payment.gateway."""

    code: str

    @abc.abstractmethod
    def start_payment(self, request: PaymentRequest) -> str:
        """The URL the buyer's browser goes to, to pay."""

    @abc.abstractmethod
    def start_app_payment(self, request: PaymentRequest) -> str:
        """What a mobile app hands to the gateway's SDK on the phone to pay (for Alipay the signed
        order string of alipay.trade.app.pay); `return_url` is not used."""

    @abc.abstractmethod
    def verify_notification(self, params: dict[str, str]) -> TradeResult:
        """An asynchronous notification, authenticated and normalised; InvalidNotification
        otherwise."""

    @abc.abstractmethod
    def verify_return(self, params: dict[str, str]) -> str:
        """The payment reference of the buyer's signed return from the cashier, authenticated;
        InvalidNotification otherwise. A return says the buyer came back, not what the trade
        is: the caller asks query() for that."""

    @abc.abstractmethod
    def query(self, reference: str) -> TradeResult:
        """Ask the gateway about a payment."""

    @abc.abstractmethod
    def refund(self, request: RefundRequest) -> RefundOutcome:
        """Send money back. Idempotent per request_reference."""

    @abc.abstractmethod
    def refund_query(self, reference: str, request_reference: str) -> bool:
        """Whether the gateway has made the refund `request_reference` of this payment."""

    @abc.abstractmethod
    def close(self, reference: str) -> bool:
        """Close an unpaid trade so it can no longer be paid; False when the gateway refuses."""
