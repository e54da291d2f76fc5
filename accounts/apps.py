from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _sync_merchant_staff_group(sender, **kwargs) -> None:
    """Keep the "Merchant staff" group's permissions current after every migrate, so a new
    release's permissions reach existing staff without a manual step."""
    if sender.name != "accounts":
        return
    from .permissions import merchant_staff_group_sync

    merchant_staff_group_sync()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and merchants")

    def ready(self) -> None:
        post_migrate.connect(_sync_merchant_staff_group, sender=self)
        from .backends import user_saved
        from .models import User

        # The signed-in user's cached copy (accounts/backends.py) is not served after a change.
        post_save.connect(user_saved, sender=User, dispatch_uid="accounts.user_saved")
        post_delete.connect(user_saved, sender=User, dispatch_uid="accounts.user_deleted")
