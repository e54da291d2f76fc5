"""Alipay test fixtures: development keys made once per session, the sandbox gateway on the live
server, and a stand-in for the shop's notify endpoint recording what the sandbox sent."""

import http.cookiejar
import http.server
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import pytest

from payments.alipay_client import AlipayGateway
from payments.config import alipay_config
from payments.management.commands.alipay_dev_keys import write_key_pairs


@pytest.fixture(scope="session")
def alipay_keys(tmp_path_factory):
    directory = tmp_path_factory.mktemp("alipay-keys")
    write_key_pairs(directory)
    return directory


@pytest.fixture
def sandbox_settings(settings, alipay_keys, tmp_path, live_server):
    settings.ALIPAY_KEYS_DIR = alipay_keys
    settings.ALIPAY_SANDBOX_DIR = tmp_path / "alipay-sandbox"
    settings.ALIPAY_GATEWAY = live_server.url + "/alipay-sandbox/gateway.do"
    settings.ALIPAY_APP_PRIVATE_KEY = settings.ALIPAY_PUBLIC_KEY = ""
    settings.ALIPAY_APP_PRIVATE_KEY_FILE = settings.ALIPAY_PUBLIC_KEY_FILE = ""
    return settings


@pytest.fixture
def gateway(sandbox_settings) -> AlipayGateway:
    return AlipayGateway(alipay_config())


@dataclass
class NotifyReceiver:
    url: str
    received: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # what to answer, in turn; then "success"


@pytest.fixture
def notify_receiver():
    receiver = NotifyReceiver(url="")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            receiver.received.append(self.rfile.read(length).decode("utf-8"))
            answer = receiver.answers.pop(0) if receiver.answers else "success"
            self.send_response(200)
            self.end_headers()
            self.wfile.write(answer.encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_port}/payments/alipay/notify/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Page:
    status: int
    html: str
    location: str | None = None


class Browser:
    """Just enough of a browser for the cashier: cookies, CSRF token, no redirect following."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.last: Page | None = None
        self.last_url = ""

    def _open(self, request) -> Page:
        try:
            with self.opener.open(request, timeout=10) as response:
                page = Page(response.status, response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            page = Page(exc.code, exc.read().decode("utf-8"), exc.headers.get("Location"))
        return page

    def get(self, url: str) -> Page:
        self.last_url = url
        self.last = self._open(url)
        return self.last

    def press(self, action: str) -> Page:
        html = self.last.html
        form_action = re.search(r'<form method="post" action="([^"]+)"', html).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "action": action}).encode()
        url = urllib.parse.urljoin(self.last_url, form_action)
        request = urllib.request.Request(url, data=data, headers={"Referer": self.last_url})
        return self._open(request)


@pytest.fixture
def browser() -> Browser:
    return Browser()


RETURN_URL = "http://shop.test/payments/alipay/return/"


@pytest.fixture
def pay(gateway, browser, notify_receiver):
    """Open the cashier for a new trade and press Pay; returns the redirect to return_url."""

    def pay(out_trade_no: str, amount, *, mobile: bool = False) -> Page:
        url = gateway.page_pay_url(
            out_trade_no, amount, "Lumen order", RETURN_URL, notify_receiver.url, mobile=mobile
        )
        assert browser.get(url).status == 200
        return browser.press("pay")

    return pay


NOTIFY_PATH = "/payments/alipay/notify/"


@pytest.fixture
def notify_url(sandbox_settings, live_server) -> str:
    """The shop's own notify endpoint on the live server."""
    return live_server.url + NOTIFY_PATH


@pytest.fixture
def payment(sandbox_settings, notify_url):
    """A pending Alipay payment of a placed order, whose notifications come to notify_url."""
    from payments.services import payment_start
    from tests.orders.factories import place_order, variant_in_stock

    order = place_order((variant_in_stock(price="88.00"), 1))
    payment, _url = payment_start(
        order=order, mobile=False, return_url=RETURN_URL, notify_url=notify_url
    )
    return payment


@pytest.fixture
def paid_order(sandbox_settings, live_server, browser):
    """An order paid at the sandbox (the cashier's Pay, then its notify or the reconciliation
    settles it), optionally shipped. Returns the order."""
    from datetime import timedelta

    from orders import services as order_services
    from payments.services import payment_start, payments_reconcile
    from tests.orders.factories import place_order, variant_in_stock

    def make(*items, shipped: bool = False, user=None):
        items = items or ((variant_in_stock(price="100.00"), 1),)
        order = place_order(*items, user=user)
        _payment, url = payment_start(
            order=order,
            mobile=False,
            return_url=RETURN_URL,
            notify_url=live_server.url + NOTIFY_PATH,
        )
        assert browser.get(url).status == 200
        assert browser.press("pay").status == 302
        payments_reconcile(older_than=timedelta(0))  # in case the notify has not landed yet
        order.refresh_from_db()
        assert order.status == "paid"
        if shipped:
            order = order_services.order_ship(order=order, actor=None)
        return order

    return make


def sandbox_refunds(out_trade_no: str) -> dict[str, str]:
    """The sandbox's ledger of refunds for a trade: out_request_no -> amount."""
    from alipay_sandbox.gateway import get_trade

    trade = get_trade(out_trade_no)
    return dict(trade["refunds"]) if trade else {}


def closed_port_url() -> str:
    """A gateway URL nothing listens on: connecting is refused, a real network failure."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/gateway.do"
