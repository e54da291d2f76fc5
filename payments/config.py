"""The Alipay configuration from settings: real Alipay or the local sandbox, same code."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

from payments.alipay_client import AlipayConfig

# File names in ALIPAY_KEYS_DIR, written by `manage.py alipay_dev_keys`.
APP_PRIVATE_KEY_FILE = "app_private_key.pem"
APP_PUBLIC_KEY_FILE = "app_public_key.pem"
ALIPAY_PRIVATE_KEY_FILE = "alipay_private_key.pem"  # the sandbox's stand-in for Alipay's key
ALIPAY_PUBLIC_KEY_FILE = "alipay_public_key.pem"


@sensitive_variables("text")  # never in an error report's local variables
def read_key(setting: str, default_file: str) -> str:
    """A key from `setting` (text), `<setting>_FILE`, or ALIPAY_KEYS_DIR/default_file."""
    text = getattr(settings, setting, "")
    if text:
        return text
    path = getattr(settings, f"{setting}_FILE", "")
    if not path and settings.ALIPAY_KEYS_DIR:
        path = Path(settings.ALIPAY_KEYS_DIR) / default_file
    if not path or not Path(path).is_file():
        raise ImproperlyConfigured(
            f"No {setting}: set it (or {setting}_FILE), or run `manage.py alipay_dev_keys` "
            "for development keys."
        )
    return Path(path).read_text(encoding="ascii")


def alipay_config() -> AlipayConfig:
    return AlipayConfig(
        app_id=settings.ALIPAY_APP_ID,
        gateway_url=settings.ALIPAY_GATEWAY,
        app_private_key=read_key("ALIPAY_APP_PRIVATE_KEY", APP_PRIVATE_KEY_FILE),
        alipay_public_key=read_key("ALIPAY_PUBLIC_KEY", ALIPAY_PUBLIC_KEY_FILE),
        seller_id=settings.ALIPAY_SELLER_ID or None,
    )
