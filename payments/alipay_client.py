"""A small typed wrapper around the official Alipay SDK (`alipay-sdk-python`). No Django imports.

What the SDK gets wrong, and how this module deals with it:

- It stamps requests with the server's local time; Alipay expects Beijing time. `_ShopAlipayClient`
  builds the signed parameters itself with an Asia/Shanghai timestamp (using the SDK's own
  `get_sign_content` / `sign_with_rsa2`), whatever the server's TZ.
- Given a logger it logs every signed request; we never pass one, and our request builder does
  not log at all.
- Its HTTP transport ignores the port of the gateway URL (and crashes on one), so `execute()`
  posts with urllib instead and hands the answer to the SDK's own response-signature check.
- `is_success()` ignores `code`: every answer here is checked for `code == "10000"`.
- It has no notification verifier, and `verify_with_rsa` raises on a bad signature and also
  accepts SHA-1 signatures: `verify_notification` insists on sign_type RSA2 and a SHA-256
  signature.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import rsa
from alipay.aop.api.AlipayClientConfig import AlipayClientConfig
from alipay.aop.api.constant.CommonConstants import THREAD_LOCAL
from alipay.aop.api.DefaultAlipayClient import DefaultAlipayClient
from alipay.aop.api.domain.AlipayTradeAppPayModel import AlipayTradeAppPayModel
from alipay.aop.api.domain.AlipayTradeCloseModel import AlipayTradeCloseModel
from alipay.aop.api.domain.AlipayTradeFastpayRefundQueryModel import (
    AlipayTradeFastpayRefundQueryModel,
)
from alipay.aop.api.domain.AlipayTradePagePayModel import AlipayTradePagePayModel
from alipay.aop.api.domain.AlipayTradeQueryModel import AlipayTradeQueryModel
from alipay.aop.api.domain.AlipayTradeRefundModel import AlipayTradeRefundModel
from alipay.aop.api.domain.AlipayTradeWapPayModel import AlipayTradeWapPayModel
from alipay.aop.api.exception.Exception import AopException, RequestException, ResponseException
from alipay.aop.api.request.AlipayTradeAppPayRequest import AlipayTradeAppPayRequest
from alipay.aop.api.request.AlipayTradeCloseRequest import AlipayTradeCloseRequest
from alipay.aop.api.request.AlipayTradeFastpayRefundQueryRequest import (
    AlipayTradeFastpayRefundQueryRequest,
)
from alipay.aop.api.request.AlipayTradePagePayRequest import AlipayTradePagePayRequest
from alipay.aop.api.request.AlipayTradeQueryRequest import AlipayTradeQueryRequest
from alipay.aop.api.request.AlipayTradeRefundRequest import AlipayTradeRefundRequest
from alipay.aop.api.request.AlipayTradeWapPayRequest import AlipayTradeWapPayRequest
from alipay.aop.api.response.AlipayTradeCloseResponse import AlipayTradeCloseResponse
from alipay.aop.api.response.AlipayTradeFastpayRefundQueryResponse import (
    AlipayTradeFastpayRefundQueryResponse,
)
from alipay.aop.api.response.AlipayTradeQueryResponse import AlipayTradeQueryResponse
from alipay.aop.api.response.AlipayTradeRefundResponse import AlipayTradeRefundResponse
from alipay.aop.api.util.SignatureUtils import get_sign_content, sign_with_rsa2
from alipay.aop.api.util.WebUtils import url_encode
from Crypto.PublicKey import RSA

from payments.gateways.base import GatewayError, InvalidNotification

BEIJING = ZoneInfo("Asia/Shanghai")
CHARSET = "utf-8"
SUCCESS_CODE = "10000"
BUSINESS_FAILED_CODE = "40004"
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
CENT = Decimal("0.01")


# The gateway-neutral exceptions (payments.gateways.base): Alipay could not be reached or gave an
# answer we cannot trust; a notification (or return) whose signature does not check out.
__all__ = ["AlipayGateway", "GatewayError", "InvalidNotification"]


def format_amount(amount: Decimal) -> str:
    """An amount as Alipay wants it: yuan with exactly two decimals, e.g. "88.00"."""
    if not isinstance(amount, Decimal):
        raise TypeError("amounts are Decimal")
    quantized = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if quantized != amount:
        raise ValueError(f"amount {amount} has more than two decimals")
    return f"{quantized:.2f}"


def parse_amount(value: str | None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(value).quantize(CENT)
    except (InvalidOperation, TypeError) as exc:
        raise GatewayError(f"unparseable amount {value!r}") from exc


def beijing_timestamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now(BEIJING)).astimezone(BEIJING).strftime(TIMESTAMP_FORMAT)


def _key_body(pem_or_base64: str) -> bytes:
    text = pem_or_base64.strip()
    if text.startswith("-----BEGIN"):
        return text.encode()
    try:  # Alipay's key tool hands out bare base64 (DER) without PEM markers.
        return base64.b64decode("".join(text.split()), validate=True)
    except binascii.Error as exc:
        raise ValueError("not a PEM or base64 RSA key") from exc


def normalize_private_key(key: str) -> str:
    """Any RSA private key (PKCS#1/PKCS#8, PEM or bare base64) as the PKCS#1 PEM the SDK reads."""
    return RSA.import_key(_key_body(key)).export_key(format="PEM", pkcs=1).decode()


def normalize_public_key(key: str) -> str:
    """Any RSA public key as the X.509 SubjectPublicKeyInfo PEM the SDK reads."""
    return RSA.import_key(_key_body(key)).public_key().export_key(format="PEM").decode()


def sign_params(params: dict[str, str], private_key: str) -> str:
    """RSA2 signature over the sorted, unencoded params except sign/sign_type (Alipay's rule for
    notifications; requests sign sign_type too, which the SDK handles)."""
    content = get_sign_content({k: v for k, v in params.items() if k not in ("sign", "sign_type")})
    return sign_with_rsa2(private_key, content, CHARSET)


def verify_params(params: dict[str, str], public_key: str, *, exclude_sign_type: bool) -> None:
    """Raise InvalidNotification unless `params` carry a valid RSA2 (SHA-256) signature."""
    if params.get("sign_type") != "RSA2":
        raise InvalidNotification(f"unsupported sign_type {params.get('sign_type')!r}")
    sign = params.get("sign")
    if not sign:
        raise InvalidNotification("missing sign")
    excluded = ("sign", "sign_type") if exclude_sign_type else ("sign",)
    content = get_sign_content({k: v for k, v in params.items() if k not in excluded})
    try:
        signature = base64.b64decode(sign, validate=True)
        # The SDK's verify_with_rsa does this too but throws away which hash was used, and
        # accepts SHA-1; rsa.verify returns it, so a SHA-1 signature labelled RSA2 is refused.
        hash_name = rsa.verify(
            content.encode(CHARSET), signature, rsa.PublicKey.load_pkcs1_openssl_pem(public_key)
        )
    except (binascii.Error, ValueError, rsa.VerificationError) as exc:
        raise InvalidNotification("bad signature") from exc
    if hash_name != "SHA-256":
        raise InvalidNotification(f"signature uses {hash_name}, not SHA-256")


@dataclass(frozen=True)
class AlipayConfig:
    app_id: str
    gateway_url: str
    app_private_key: str
    alipay_public_key: str
    seller_id: str | None = None
    timeout: int = 10

    def __repr__(self) -> str:  # keys never end up in logs or tracebacks through repr()
        return f"AlipayConfig(app_id={self.app_id!r}, gateway_url={self.gateway_url!r})"


@dataclass(frozen=True)
class TradeQueryResult:
    trade_status: str | None
    trade_no: str | None
    total_amount: Decimal | None
    found: bool


@dataclass(frozen=True)
class RefundResult:
    ok: bool
    refund_fee: Decimal
    message: str


class _ShopAlipayClient(DefaultAlipayClient):
    """The SDK client with Beijing timestamps, no request logging and a transport that honours
    the gateway's port. Overrides the SDK's name-mangled internals on purpose; the tests go
    through the SDK end to end, so an SDK upgrade that moves them fails loudly."""

    def __init__(self, config: AlipayClientConfig):
        super().__init__(config, logger=None)
        self._shop_config = config

    def _DefaultAlipayClient__prepare_request_params(self, request):
        THREAD_LOCAL.logger = None
        config = self._shop_config
        params = request.get_params()
        params["timestamp"] = beijing_timestamp()
        common_params = self._DefaultAlipayClient__get_common_params(params)
        all_params = {**params, **common_params}
        common_params["sign"] = sign_with_rsa2(
            config.app_private_key, get_sign_content(all_params), config.charset
        )
        self._DefaultAlipayClient__remove_common_params(params)
        return common_params, params

    def execute(self, request) -> str:
        THREAD_LOCAL.uuid = str(uuid.uuid4())
        config = self._shop_config
        query_string, params = self._DefaultAlipayClient__prepare_request(request)
        http_request = urllib.request.Request(
            config.server_url.split("?", 1)[0] + "?" + query_string,
            data=url_encode(params, config.charset).encode(config.charset),
            headers={"Content-Type": f"application/x-www-form-urlencoded;charset={config.charset}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(http_request, timeout=config.timeout) as response:
                body = response.read()
        except (urllib.error.URLError, OSError) as exc:
            raise GatewayError(f"{request.get_params()['method']}: {exc}") from exc
        try:
            return self._DefaultAlipayClient__parse_response(body)
        except (AopException, RequestException, ResponseException, UnicodeDecodeError) as exc:
            raise GatewayError(f"{request.get_params()['method']}: untrusted answer") from exc


class AlipayGateway:
    def __init__(self, config: AlipayConfig):
        self.config = config
        sdk_config = AlipayClientConfig()
        sdk_config.app_id = config.app_id
        sdk_config.server_url = config.gateway_url
        sdk_config.app_private_key = normalize_private_key(config.app_private_key)
        sdk_config.alipay_public_key = normalize_public_key(config.alipay_public_key)
        sdk_config.sign_type = "RSA2"
        sdk_config.charset = CHARSET
        sdk_config.timeout = config.timeout
        self._alipay_public_key = sdk_config.alipay_public_key
        self._client = _ShopAlipayClient(sdk_config)

    def __repr__(self) -> str:
        return f"AlipayGateway({self.config!r})"

    # --- the browser goes to Alipay -------------------------------------------------------------
    def page_pay_url(
        self,
        out_trade_no: str,
        amount: Decimal,
        subject: str,
        return_url: str,
        notify_url: str,
        mobile: bool,
    ) -> str:
        """The signed gateway URL that opens Alipay's cashier (desktop page pay or mobile WAP)."""
        if mobile:
            model, request_class, product_code = (
                AlipayTradeWapPayModel(),
                AlipayTradeWapPayRequest,
                "QUICK_WAP_WAY",
            )
        else:
            model, request_class, product_code = (
                AlipayTradePagePayModel(),
                AlipayTradePagePayRequest,
                "FAST_INSTANT_TRADE_PAY",
            )
        model.out_trade_no = out_trade_no
        model.total_amount = format_amount(amount)
        model.subject = subject
        model.product_code = product_code
        if self.config.seller_id:
            model.seller_id = self.config.seller_id
        request = request_class(biz_model=model)
        request.return_url = return_url
        request.notify_url = notify_url
        return self._client.page_execute(request, http_method="GET")

    def app_pay_order_string(
        self, out_trade_no: str, amount: Decimal, subject: str, notify_url: str
    ) -> str:
        """The signed order string of alipay.trade.app.pay, which a mobile app hands to the
        Alipay SDK on the phone to open the Alipay app's cashier (no return URL: the app gets
        the outcome from the SDK, and the shop from the notify)."""
        model = AlipayTradeAppPayModel()
        model.out_trade_no = out_trade_no
        model.total_amount = format_amount(amount)
        model.subject = subject
        model.product_code = "QUICK_MSECURITY_PAY"
        if self.config.seller_id:
            model.seller_id = self.config.seller_id
        request = AlipayTradeAppPayRequest(biz_model=model)
        request.notify_url = notify_url
        return self._client.sdk_execute(request)

    # --- Alipay calls us ------------------------------------------------------------------------
    def verify_notification(self, params: dict[str, str]) -> dict[str, str]:
        """Check an asynchronous notification (or a synchronous return) as Django parsed it, so with
        URL-decoded values. Returns the params when the signature is Alipay's."""
        if not isinstance(params, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in params.items()
        ):
            raise InvalidNotification("unparseable notification")
        verify_params(params, self._alipay_public_key, exclude_sign_type=True)
        if params.get("app_id") != self.config.app_id:
            raise InvalidNotification("notification for another app_id")
        if self.config.seller_id and params.get("seller_id", self.config.seller_id) != (
            self.config.seller_id
        ):
            raise InvalidNotification("notification for another seller_id")
        return dict(params)

    # --- we call Alipay -------------------------------------------------------------------------
    def _call(self, request, response_class):
        body = self._client.execute(request)
        response = response_class()
        try:
            response.parse_response_content(body)
        except (ValueError, TypeError) as exc:
            raise GatewayError("unparseable answer") from exc
        return response

    def query(self, out_trade_no: str) -> TradeQueryResult:
        model = AlipayTradeQueryModel()
        model.out_trade_no = out_trade_no
        response = self._call(AlipayTradeQueryRequest(biz_model=model), AlipayTradeQueryResponse)
        if response.code == SUCCESS_CODE:
            return TradeQueryResult(
                trade_status=response.trade_status,
                trade_no=response.trade_no,
                total_amount=parse_amount(response.total_amount),
                found=True,
            )
        if response.code == BUSINESS_FAILED_CODE and response.sub_code == "ACQ.TRADE_NOT_EXIST":
            return TradeQueryResult(None, None, None, found=False)
        raise GatewayError(f"query: {response.code} {response.sub_code or ''} {response.sub_msg}")

    def refund(
        self, out_trade_no: str, amount: Decimal, out_request_no: str, reason: str
    ) -> RefundResult:
        """Refund `amount` of a paid trade. The same out_request_no refunds once, however often
        it is sent, so a retry after a timeout is safe."""
        model = AlipayTradeRefundModel()
        model.out_trade_no = out_trade_no
        model.refund_amount = format_amount(amount)
        model.out_request_no = out_request_no
        model.refund_reason = reason
        response = self._call(AlipayTradeRefundRequest(biz_model=model), AlipayTradeRefundResponse)
        if response.code == SUCCESS_CODE:
            return RefundResult(
                ok=True, refund_fee=parse_amount(response.refund_fee) or Decimal("0.00"), message=""
            )
        if response.code == BUSINESS_FAILED_CODE:
            message = " ".join(filter(None, [response.sub_code, response.sub_msg or response.msg]))
            return RefundResult(ok=False, refund_fee=Decimal("0.00"), message=message)
        # Anything else (20000 "service unavailable" ...) leaves the outcome unknown: the caller
        # retries with the same out_request_no.
        raise GatewayError(f"refund: {response.code} {response.sub_code or ''}")

    def refund_query(self, out_trade_no: str, out_request_no: str) -> bool:
        """Whether Alipay has made the refund `out_request_no` of this trade
        (alipay.trade.fastpay.refund.query: a refund it does not know is answered with success
        but no refund_amount)."""
        model = AlipayTradeFastpayRefundQueryModel()
        model.out_trade_no = out_trade_no
        model.out_request_no = out_request_no
        response = self._call(
            AlipayTradeFastpayRefundQueryRequest(biz_model=model),
            AlipayTradeFastpayRefundQueryResponse,
        )
        if response.code == SUCCESS_CODE:
            if response.refund_status:
                return response.refund_status == "REFUND_SUCCESS"
            return bool(response.refund_amount)
        if response.code == BUSINESS_FAILED_CODE and response.sub_code == "ACQ.TRADE_NOT_EXIST":
            return False
        raise GatewayError(f"refund query: {response.code} {response.sub_code or ''}")

    def close(self, out_trade_no: str) -> bool:
        """Close an unpaid trade so it can no longer be paid. False when Alipay refuses."""
        model = AlipayTradeCloseModel()
        model.out_trade_no = out_trade_no
        response = self._call(AlipayTradeCloseRequest(biz_model=model), AlipayTradeCloseResponse)
        if response.code in (SUCCESS_CODE, BUSINESS_FAILED_CODE):
            return response.code == SUCCESS_CODE
        raise GatewayError(f"close: {response.code} {response.sub_code or ''}")
