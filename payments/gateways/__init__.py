"""Payment gateways by code (Payment.gateway). Services ask `gateway_for(code)` and speak only
payments.gateways.base; adding WeChat Pay or cards means one module and one REGISTRY entry."""

from __future__ import annotations

from collections.abc import Callable

from .base import GatewayError, InvalidNotification, PaymentGateway

DEFAULT_GATEWAY = "alipay"


def _alipay() -> PaymentGateway:
    from payments.config import alipay_config

    from .alipay import AlipayPaymentGateway

    return AlipayPaymentGateway(alipay_config())


# A factory per code: gateways read their keys from settings when made, so a changed setting
# (or rotated key file) counts from the next payment on.
REGISTRY: dict[str, Callable[[], PaymentGateway]] = {"alipay": _alipay}


# A local stand-in for a gateway (the alipay_sandbox development app, when installed) registers
# here how it learns of trades settled without it, e.g. the demo shop's history; payments never
# imports the stand-in. A recorder takes the trades and returns how many it wrote.
SETTLED_TRADE_RECORDERS: dict[str, Callable[[list[dict]], int]] = {}


def settled_trades_record(*, gateway: str, trades: list[dict]) -> int:
    """Tell the local stand-in of `gateway`, if one is installed, of trades that were paid (and
    perhaps refunded) before it saw them: {out_trade_no, trade_no, subject, total_amount,
    gmt_create, gmt_payment, refunds}. Returns how many it wrote; 0 without a stand-in (a real
    gateway knows its trades)."""
    recorder = SETTLED_TRADE_RECORDERS.get(gateway)
    return recorder(trades) if recorder is not None and trades else 0


def gateway_for(code: str = DEFAULT_GATEWAY) -> PaymentGateway:
    try:
        factory = REGISTRY[code]
    except KeyError:
        raise LookupError(f"no payment gateway {code!r}") from None
    return factory()


__all__ = [
    "DEFAULT_GATEWAY",
    "REGISTRY",
    "SETTLED_TRADE_RECORDERS",
    "GatewayError",
    "InvalidNotification",
    "PaymentGateway",
    "gateway_for",
    "settled_trades_record",
]
