from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlipaySandboxConfig(AppConfig):
    """Installed only while settings.ALIPAY_SANDBOX is on (shop.settings); payments never imports
    it. What the shop needs of it goes through payments' registries, filled here."""

    name = "alipay_sandbox"
    verbose_name = _("Alipay sandbox")

    def ready(self) -> None:
        from payments.gateways import SETTLED_TRADE_RECORDERS

        from .gateway import record_settled_trades

        # The demo's year of paid (and refunded) orders: the sandbox learns their trades, so
        # refunding one from admin finds it as Alipay would.
        SETTLED_TRADE_RECORDERS["alipay"] = record_settled_trades
