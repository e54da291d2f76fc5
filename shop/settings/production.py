"""Production: no default secrets, HTTPS everywhere. Fails at start when SECRET_KEY is unset."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, SHOP_BASE_URL, content_security_policy, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith("embedded-") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 50 characters in production."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Load balancers and container health checks call /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Alipay: the local sandbox never runs here, and real credentials have no defaults.
ALIPAY_SANDBOX = env.bool("ALIPAY_SANDBOX", default=False)
if ALIPAY_SANDBOX:
    raise ImproperlyConfigured("ALIPAY_SANDBOX must not be enabled in production.")
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "alipay_sandbox"]
ALIPAY_APP_ID = env.str("ALIPAY_APP_ID", default="")
ALIPAY_GATEWAY = env.str("ALIPAY_GATEWAY", default="https://openapi.alipay.com/gateway.do")
ALIPAY_KEYS_DIR = None
if ALIPAY_APP_ID:
    for _name in ("ALIPAY_APP_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY"):
        _file = env.str(f"{_name}_FILE", default="")
        if not env.str(_name, default="") and not (_file and Path(_file).is_file()):
            raise ImproperlyConfigured(
                f"ALIPAY_APP_ID is set: {_name} (PEM text) or {_name}_FILE (a readable file) "
                "must be set too."
            )

# The form-action of the policy names the gateway configured here, not the sandbox's.
CONTENT_SECURITY_POLICY = content_security_policy(form_targets=[ALIPAY_GATEWAY, SHOP_BASE_URL])
