"""Alipay as a PaymentGateway, over the SDK wrapper in payments.alipay_client. Everything that
knows Alipay's trade statuses and parameter names stays in this module and that one."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from payments.alipay_client import AlipayConfig, AlipayGateway, format_amount

from .base import (
    InvalidNotification,
    PaymentGateway,
    PaymentRequest,
    RefundOutcome,
    RefundRequest,
    TradeResult,
    TradeState,
)

STATES = {
    "WAIT_BUYER_PAY": TradeState.WAITING,
    "TRADE_SUCCESS": TradeState.PAID,
    "TRADE_FINISHED": TradeState.PAID,
    "TRADE_CLOSED": TradeState.CLOSED,
}


def _amount(value: str | None) -> Decimal | None:
    try:
        amount = Decimal(value or "")
    except (InvalidOperation, TypeError):
        return None
    return amount if amount.is_finite() else None


class AlipayPaymentGateway(PaymentGateway):
    code = "alipay"

    def __init__(self, config: AlipayConfig):
        self.client = AlipayGateway(config)

    def __repr__(self) -> str:
        return f"AlipayPaymentGateway({self.client.config!r})"

    def start_payment(self, request: PaymentRequest) -> str:
        return self.client.page_pay_url(
            request.reference,
            request.amount,
            request.subject,
            request.return_url,
            request.notify_url,
            mobile=request.mobile,
        )

    def start_app_payment(self, request: PaymentRequest) -> str:
        return self.client.app_pay_order_string(
            request.reference, request.amount, request.subject, request.notify_url
        )

    def verify_notification(self, params: dict[str, str]) -> TradeResult:
        params = self.client.verify_notification(params)
        status = params.get("trade_status", "")
        return TradeResult(
            reference=params.get("out_trade_no", ""),
            state=STATES.get(status, TradeState.OTHER),
            gateway_reference=params.get("trade_no", "")[:64],
            amount=_amount(params.get("total_amount")),
            raw_status=status,
            params=params,
        )

    def verify_return(self, params: dict[str, str]) -> str:
        # Alipay signs the synchronous return like the notification (RSA2 over every parameter
        # but sign and sign_type, same app_id and seller_id), without a trade_status.
        params = self.client.verify_notification(params)
        reference = params.get("out_trade_no", "")
        if not reference:
            raise InvalidNotification("return without out_trade_no")
        return reference

    def query(self, reference: str) -> TradeResult:
        result = self.client.query(reference)
        if not result.found:
            return TradeResult(reference=reference, state=TradeState.NOT_FOUND)
        status = result.trade_status or ""
        return TradeResult(
            reference=reference,
            state=STATES.get(status, TradeState.OTHER),
            gateway_reference=result.trade_no or "",
            amount=result.total_amount,
            raw_status=status,
            params={
                "out_trade_no": reference,
                "trade_no": result.trade_no or "",
                "trade_status": status,
                "total_amount": (
                    format_amount(result.total_amount) if result.total_amount is not None else ""
                ),
                "source": "alipay.trade.query",
            },
        )

    def refund(self, request: RefundRequest) -> RefundOutcome:
        result = self.client.refund(
            request.reference, request.amount, request.request_reference, request.reason
        )
        return RefundOutcome(
            ok=result.ok, message=result.message, total_refunded=result.refund_fee or None
        )

    def refund_query(self, reference: str, request_reference: str) -> bool:
        return self.client.refund_query(reference, request_reference)

    def close(self, reference: str) -> bool:
        return self.client.close(reference)
