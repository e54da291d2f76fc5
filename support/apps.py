from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Customer support")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import receivers

        user_logged_in.connect(
            receivers.claim_visitor_conversations, dispatch_uid="support.claim_conversations"
        )
