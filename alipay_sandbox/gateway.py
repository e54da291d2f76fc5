"""What the sandbox gateway does, without HTTP: check the shop's signed requests, keep a trade book
in JSON files under ALIPAY_SANDBOX_DIR (shared by the web server and the worker, no migrations),
and sign what it sends back with its own key (the stand-in for Alipay's)."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from alipay.aop.api.util.SignatureUtils import sign_with_rsa2
from django.conf import settings

from payments import config
from payments.alipay_client import (
    BEIJING,
    TIMESTAMP_FORMAT,
    InvalidNotification,
    beijing_timestamp,
    format_amount,
    normalize_private_key,
    normalize_public_key,
    sign_params,
    verify_params,
)

PAGE_METHODS = {
    "alipay.trade.page.pay": "FAST_INSTANT_TRADE_PAY",
    "alipay.trade.wap.pay": "QUICK_WAP_WAY",
    # App pay: the app hands the signed order string to the Alipay SDK; in the sandbox the app
    # (or the developer) opens gateway.do?<order string>, which shows this same cashier.
    "alipay.trade.app.pay": "QUICK_MSECURITY_PAY",
}
# App pay has no return URL: the app learns the outcome from the SDK, the shop from the notify.
NO_RETURN_URL = frozenset({"alipay.trade.app.pay"})
API_METHODS = (
    "alipay.trade.query",
    "alipay.trade.refund",
    "alipay.trade.fastpay.refund.query",
    "alipay.trade.close",
)
OUT_TRADE_NO_RE = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
AMOUNT_RE = re.compile(r"^(0|[1-9]\d{0,7})\.\d{2}$")
MAX_CLOCK_SKEW = dt.timedelta(minutes=10)
SANDBOX_SELLER_ID = "2088000000000000"
SANDBOX_BUYER_ID = "2088000000000001"


class SandboxError(Exception):
    """A request the sandbox refuses, with Alipay's error code and sub_code."""

    def __init__(self, code: str, msg: str, sub_code: str, sub_msg: str):
        super().__init__(f"{sub_code}: {sub_msg}")
        self.code, self.msg, self.sub_code, self.sub_msg = code, msg, sub_code, sub_msg


def _invalid(sub_code: str, sub_msg: str) -> SandboxError:
    return SandboxError("40002", "Invalid Arguments", sub_code, sub_msg)


def _business(sub_code: str, sub_msg: str) -> SandboxError:
    return SandboxError("40004", "Business Failed", sub_code, sub_msg)


# --- keys ---------------------------------------------------------------------------------------
def sandbox_private_key() -> str:
    path = Path(settings.ALIPAY_KEYS_DIR or "") / config.ALIPAY_PRIVATE_KEY_FILE
    if not settings.ALIPAY_KEYS_DIR or not path.is_file():
        raise _invalid("isv.missing-key", "run `manage.py alipay_dev_keys` first")
    return normalize_private_key(path.read_text(encoding="ascii"))


def shop_public_key() -> str:
    path = Path(settings.ALIPAY_KEYS_DIR or "") / config.APP_PUBLIC_KEY_FILE
    if not settings.ALIPAY_KEYS_DIR or not path.is_file():
        raise _invalid("isv.missing-key", "run `manage.py alipay_dev_keys` first")
    return normalize_public_key(path.read_text(encoding="ascii"))


# --- checking requests --------------------------------------------------------------------------
def check_request(params: dict[str, str]) -> dict:
    """Verify the shop's signature and the common parameters; return the parsed biz_content."""
    for name in ("app_id", "method", "charset", "sign_type", "timestamp", "version", "sign"):
        if not params.get(name):
            raise _invalid(f"isv.missing-{name.replace('_', '-')}", f"missing {name}")
    if params["app_id"] != settings.ALIPAY_APP_ID:
        raise _invalid("isv.invalid-app-id", "unknown app_id")
    if params["charset"].lower() != "utf-8":
        raise _invalid("isv.invalid-charset", "charset must be utf-8")
    try:
        verify_params(params, shop_public_key(), exclude_sign_type=False)
    except InvalidNotification as exc:
        raise _invalid("isv.invalid-signature", f"signature check failed: {exc.reason}") from exc
    try:
        sent = dt.datetime.strptime(params["timestamp"], TIMESTAMP_FORMAT).replace(tzinfo=BEIJING)
    except ValueError as exc:
        raise _invalid("isv.invalid-timestamp", "timestamp is not yyyy-MM-dd HH:mm:ss") from exc
    if abs(dt.datetime.now(BEIJING) - sent) > MAX_CLOCK_SKEW:
        raise _invalid("isv.invalid-timestamp", "timestamp is not Beijing time (UTC+8)")
    try:
        biz = json.loads(params.get("biz_content") or "")
    except ValueError as exc:
        raise _invalid("isv.invalid-biz-content", "biz_content is not JSON") from exc
    if not isinstance(biz, dict):
        raise _invalid("isv.invalid-biz-content", "biz_content is not an object")
    out_trade_no = biz.get("out_trade_no")
    if not isinstance(out_trade_no, str) or not OUT_TRADE_NO_RE.match(out_trade_no):
        raise _invalid("isv.invalid-out-trade-no", "out_trade_no: 1-64 letters, digits, _ or -")
    return biz


def _amount(value, field: str) -> Decimal:
    if not isinstance(value, str) or not AMOUNT_RE.match(value) or Decimal(value) <= 0:
        raise _invalid(f"isv.invalid-{field.replace('_', '-')}", f"{field}: yuan, two decimals")
    return Decimal(value)


def check_page_request(params: dict[str, str]) -> dict:
    """A page/WAP pay request: signature, biz_content, product_code. Returns the biz_content."""
    biz = check_request(params)
    _amount(biz.get("total_amount"), "total_amount")
    if not isinstance(biz.get("subject"), str) or not biz["subject"].strip():
        raise _invalid("isv.missing-subject", "missing subject")
    if biz.get("product_code") != PAGE_METHODS[params["method"]]:
        raise _invalid("isv.invalid-product-code", f"product_code for {params['method']}")
    names = ("notify_url",) if params["method"] in NO_RETURN_URL else ("notify_url", "return_url")
    for name in names:
        if not params.get(name, "").startswith(("http://", "https://")):
            raise _invalid(f"isv.invalid-{name.replace('_', '-')}", f"{name} must be http(s)")
    return biz


# --- the trade book -----------------------------------------------------------------------------
def _book() -> Path:
    path = Path(settings.ALIPAY_SANDBOX_DIR) / "trades"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def _locked() -> Iterator[Path]:
    """One lock for every read-modify-write, across the web server and worker processes."""
    book = _book()
    with open(book / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield book
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read(book: Path, out_trade_no: str) -> dict | None:
    path = book / f"{out_trade_no}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _write(book: Path, trade: dict) -> None:
    tmp = book / f".{trade['out_trade_no']}.tmp"
    tmp.write_text(json.dumps(trade, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(book / f"{trade['out_trade_no']}.json")


def get_trade(out_trade_no: str) -> dict | None:
    if not OUT_TRADE_NO_RE.match(out_trade_no):
        return None
    with _locked() as book:
        return _read(book, out_trade_no)


def open_trade(params: dict[str, str], biz: dict) -> dict:
    """The trade a cashier shows: created on first sight, unchanged on a second visit."""
    with _locked() as book:
        trade = _read(book, biz["out_trade_no"])
        if trade is None:
            trade = {
                "out_trade_no": biz["out_trade_no"],
                "trade_no": dt.datetime.now(BEIJING).strftime("%Y%m%d")
                + "".join(secrets.choice("0123456789") for _ in range(20)),
                "subject": biz["subject"],
                "total_amount": biz["total_amount"],
                "method": params["method"],
                "status": "WAIT_BUYER_PAY",
                "notify_url": params["notify_url"],
                "return_url": params.get("return_url", ""),
                "gmt_create": beijing_timestamp(),
                "gmt_payment": None,
                "request_timestamp": params["timestamp"],
                "refunds": {},
            }
            _write(book, trade)
        elif trade["total_amount"] != biz["total_amount"] or trade["subject"] != biz["subject"]:
            raise _business("ACQ.CONTEXT_INCONSISTENT", "trade exists with other details")
        else:
            trade["request_timestamp"] = params["timestamp"]
            _write(book, trade)
        return trade


def record_settled_trades(trades: list[dict]) -> int:
    """Write trades that were paid (and perhaps refunded) before the sandbox saw them, e.g. the
    demo shop's year of history, so that refunding one of them finds its trade as Alipay would.
    Each is {out_trade_no, trade_no, subject, total_amount, gmt_create, gmt_payment, refunds};
    an existing trade of the same number is replaced. One lock for the whole batch. Returns how
    many were written."""
    with _locked() as book:
        for trade in trades:
            refunded = sum((Decimal(v) for v in trade["refunds"].values()), Decimal("0.00"))
            _write(
                book,
                {
                    "out_trade_no": trade["out_trade_no"],
                    "trade_no": trade["trade_no"],
                    "subject": trade["subject"],
                    "total_amount": trade["total_amount"],
                    "method": "alipay.trade.page.pay",
                    "status": "TRADE_CLOSED"
                    if refunded == Decimal(trade["total_amount"])
                    else "TRADE_SUCCESS",
                    "notify_url": "",
                    "return_url": "",
                    "gmt_create": trade["gmt_create"],
                    "gmt_payment": trade["gmt_payment"],
                    "request_timestamp": trade["gmt_create"],
                    "refunds": dict(trade["refunds"]),
                },
            )
    return len(trades)


def pay_trade(out_trade_no: str) -> dict:
    with _locked() as book:
        trade = _read(book, out_trade_no)
        if trade is None:
            raise _business("ACQ.TRADE_NOT_EXIST", "trade does not exist")
        if trade["status"] != "WAIT_BUYER_PAY":
            raise _business("ACQ.TRADE_STATUS_ERROR", f"trade is {trade['status']}")
        trade["status"] = "TRADE_SUCCESS"
        trade["gmt_payment"] = beijing_timestamp()
        _write(book, trade)
        return trade


def notification_params(trade: dict) -> dict[str, str]:
    """The asynchronous notification for a paid trade, signed with the sandbox's key."""
    now = beijing_timestamp()
    params = {
        "notify_time": now,
        "notify_type": "trade_status_sync",
        "notify_id": secrets.token_hex(16),
        "app_id": settings.ALIPAY_APP_ID,
        "charset": "utf-8",
        "version": "1.0",
        "sign_type": "RSA2",
        "trade_no": trade["trade_no"],
        "out_trade_no": trade["out_trade_no"],
        "total_amount": trade["total_amount"],
        "receipt_amount": trade["total_amount"],
        "buyer_pay_amount": trade["total_amount"],
        "buyer_id": SANDBOX_BUYER_ID,
        "seller_id": settings.ALIPAY_SELLER_ID or SANDBOX_SELLER_ID,
        "trade_status": trade["status"],
        "gmt_create": trade["gmt_create"],
        "gmt_payment": trade["gmt_payment"],
        "subject": trade["subject"],
    }
    params["sign"] = sign_params(params, sandbox_private_key())
    return params


def return_params(trade: dict) -> dict[str, str]:
    """The synchronous return the browser carries back to return_url, signed too."""
    params = {
        "charset": "utf-8",
        "out_trade_no": trade["out_trade_no"],
        "method": trade["method"] + ".return",
        "total_amount": trade["total_amount"],
        "trade_no": trade["trade_no"],
        "auth_app_id": settings.ALIPAY_APP_ID,
        "version": "1.0",
        "app_id": settings.ALIPAY_APP_ID,
        "sign_type": "RSA2",
        "seller_id": settings.ALIPAY_SELLER_ID or SANDBOX_SELLER_ID,
        "timestamp": beijing_timestamp(),
    }
    params["sign"] = sign_params(params, sandbox_private_key())
    return params


# --- server-side API ----------------------------------------------------------------------------
def _success(**fields) -> dict:
    return {"code": "10000", "msg": "Success", **fields}


def _query(biz: dict) -> dict:
    trade = get_trade(biz["out_trade_no"])
    if trade is None:
        raise _business("ACQ.TRADE_NOT_EXIST", "trade does not exist")
    return _success(
        out_trade_no=trade["out_trade_no"],
        trade_no=trade["trade_no"],
        trade_status=trade["status"],
        total_amount=trade["total_amount"],
        buyer_user_id=SANDBOX_BUYER_ID,
    )


def _refund(biz: dict) -> dict:
    amount = _amount(biz.get("refund_amount"), "refund_amount")
    request_no = biz.get("out_request_no") or biz["out_trade_no"]
    with _locked() as book:
        trade = _read(book, biz["out_trade_no"])
        if trade is None:
            raise _business("ACQ.TRADE_NOT_EXIST", "trade does not exist")
        refunds = trade["refunds"]
        if request_no in refunds:  # the same out_request_no refunds once
            if Decimal(refunds[request_no]) != amount:
                raise _business("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "out_request_no reused")
            fund_change = "N"
        else:
            if trade["status"] != "TRADE_SUCCESS":
                raise _business("ACQ.TRADE_STATUS_ERROR", f"trade is {trade['status']}")
            refunded = sum((Decimal(v) for v in refunds.values()), Decimal("0.00"))
            if refunded + amount > Decimal(trade["total_amount"]):
                raise _business("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "refund exceeds amount paid")
            refunds[request_no] = format_amount(amount)
            if refunded + amount == Decimal(trade["total_amount"]):
                trade["status"] = "TRADE_CLOSED"  # fully refunded, as Alipay reports it
            _write(book, trade)
            fund_change = "Y"
        total_refunded = sum((Decimal(v) for v in refunds.values()), Decimal("0.00"))
    return _success(
        out_trade_no=trade["out_trade_no"],
        trade_no=trade["trade_no"],
        refund_fee=format_amount(total_refunded),
        fund_change=fund_change,
        buyer_user_id=SANDBOX_BUYER_ID,
        gmt_refund_pay=beijing_timestamp(),
    )


def _refund_query(biz: dict) -> dict:
    """Like Alipay: a refund it made is reported with its amount and REFUND_SUCCESS; one it does
    not know is a success answer without them."""
    trade = get_trade(biz["out_trade_no"])
    if trade is None:
        raise _business("ACQ.TRADE_NOT_EXIST", "trade does not exist")
    request_no = biz.get("out_request_no") or biz["out_trade_no"]
    answer = _success(out_trade_no=trade["out_trade_no"], trade_no=trade["trade_no"])
    if request_no in trade["refunds"]:
        answer.update(
            out_request_no=request_no,
            total_amount=trade["total_amount"],
            refund_amount=trade["refunds"][request_no],
            refund_status="REFUND_SUCCESS",
        )
    return answer


def _close(biz: dict) -> dict:
    with _locked() as book:
        trade = _read(book, biz["out_trade_no"])
        if trade is None:
            raise _business("ACQ.TRADE_NOT_EXIST", "trade does not exist")
        if trade["status"] != "WAIT_BUYER_PAY":
            raise _business("ACQ.TRADE_STATUS_ERROR", f"trade is {trade['status']}")
        trade["status"] = "TRADE_CLOSED"
        _write(book, trade)
    return _success(out_trade_no=trade["out_trade_no"], trade_no=trade["trade_no"])


HANDLERS = {
    "alipay.trade.query": _query,
    "alipay.trade.refund": _refund,
    "alipay.trade.fastpay.refund.query": _refund_query,
    "alipay.trade.close": _close,
}


def api_call(params: dict[str, str]) -> dict:
    """Answer one server-side call with the content of Alipay's `<method>_response` object."""
    try:
        biz = check_request(params)
        return HANDLERS[params["method"]](biz)
    except SandboxError as exc:
        return {"code": exc.code, "msg": exc.msg, "sub_code": exc.sub_code, "sub_msg": exc.sub_msg}


def signed_response(method: str, content: dict) -> str:
    """Alipay's answer: {"<method>_response": {...}, "sign": "..."}, signed over the exact text of
    the inner object, which is what the SDK cuts out and verifies."""
    inner = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    sign = sign_with_rsa2(sandbox_private_key(), inner, "utf-8")
    key = method.replace(".", "_") + "_response"
    return "{" + json.dumps(key) + ":" + inner + ',"sign":' + json.dumps(sign) + "}"
