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


def gateway_for(code: str = DEFAULT_GATEWAY) -> PaymentGateway:
    try:
        factory = REGISTRY[code]
    except KeyError:
        raise LookupError(f"no payment gateway {code!r}") from None
    return factory()


__all__ = [
    "DEFAULT_GATEWAY",
    "REGISTRY",
    "GatewayError",
    "InvalidNotification",
    "PaymentGateway",
    "gateway_for",
]
