"""Settings shared by every environment.

Everything that differs between a laptop and production comes from the environment. An
integration is switched on by its URL being set (DATABASE_URL, REDIS_URL, ELASTICSEARCH_URL);
without it the embedded default is used: SQLite, local-memory cache, a SQLite-file Celery broker,
console email and database search.
"""

import base64
import hashlib
import os
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("SHOP_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
# The URLs that switch the integrations on. The embedded test pass (SHOP_TEST_PASS=embedded, as
# `make test-sqlite` runs it) must run on the embedded defaults: a .env written for the services
# mode may not switch them back on behind its back (tests/conftest.py refuses the pass when the
# environment itself names a service).
SERVICE_URL_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "ELASTICSEARCH_URL")
ENV_FILE = Path(os.environ.get("SHOP_ENV_FILE") or BASE_DIR / ".env")
_given_by_environment = set(os.environ)
environ.Env.read_env(ENV_FILE, overwrite=False)
if os.environ.get("SHOP_TEST_PASS") == "embedded":
    for _name in SERVICE_URL_VARIABLES:
        if _name not in _given_by_environment:
            os.environ.pop(_name, None)

SECRET_KEY = env.str("SECRET_KEY", default="embedded-dev-key-not-for-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    # Listed for its translations (its messages in Chinese); token_blacklist keeps revoked tokens.
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "common",
    "shop",
    "accounts",
    "catalog",
    "pages",
    "logistics",
    "cart",
    "orders",
    "payments",
    "recommendations",
    "support",
    "search",
    "insights",
    "import_export",
    "demo",
    "api",
    "django_elasticsearch_dsl",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "shop.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A request's first read of the cache takes the keys most requests read with it (the
    # session, the catalog version ...: common/read_ahead.py); the catalog version is read once
    # per request (catalog/caching.py).
    "common.read_ahead.ReadAheadMiddleware",
    "catalog.caching.CatalogVersionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "shop.languages.BrowserLanguageMiddleware",
    # /api/: the language of the client's Accept-Language (api/languages.py).
    "api.languages.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # /admin/: the staff member's own language (accounts/admin_language.py).
    "accounts.admin_language.AdminLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shop.middleware.NumberTooLargeMiddleware",
    # Last, as django-axes asks: it turns a login locked out by accounts/lockout.py into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

# The storefront's pages are Jinja2 templates in jinja2_templates/ (docs/templates.md); admin
# and emails stay Django templates in templates/. A name is looked up in jinja2_templates/ first.
STOREFRONT_CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "shop.context_processors.storefront",
    "catalog.context_processors.categories",
    "pages.context_processors.footer_pages",
    "cart.context_processors.cart",
]
TEMPLATES = [
    {
        "BACKEND": "shop.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja2_templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "shop.jinja2.environment",
            "context_processors": STOREFRONT_CONTEXT_PROCESSORS,
            "filters": {
                "image_url": "catalog.templatetags.catalog_tags.image_url",
                "variant_label": "catalog.templatetags.catalog_tags.variant_label",
                "swatch": "catalog.templatetags.catalog_tags.swatch",
            },
            "globals": {
                "stars": "catalog.templatetags.catalog_tags.stars",
                "category_nav": "catalog.fragments.category_nav",
                "site_footer": "catalog.fragments.site_footer",
                "home_recommendations": "recommendations.templatetags.recommendations.home_slots",
                "product_recommendations": (
                    "recommendations.templatetags.recommendations.product_slots"
                ),
                "cart_recommendations": "recommendations.templatetags.recommendations.cart_slots",
                "order_payment": "payments.templatetags.payments_tags.order_payment",
                "order_refunds": "payments.templatetags.payments_tags.order_refunds",
            },
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.context_processors.storefront",
                "catalog.context_processors.categories",
                "pages.context_processors.footer_pages",
                "cart.context_processors.cart",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'shop.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the Celery worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "shop.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="shop"),
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "shop",
            "TIMEOUT": 300,
        }
    }
# Storefront fragment caching (see catalog/caching.py). Off by setting STOREFRONT_CACHE_SECONDS=0.
STOREFRONT_CACHE_SECONDS = env.int("STOREFRONT_CACHE_SECONDS", default=300)
# The staff dashboard's figures (insights/selectors/dashboard.py), cached per merchant, period and
# language for this long; 0 computes them on every request.
INSIGHTS_DASHBOARD_CACHE_SECONDS = env.int("INSIGHTS_DASHBOARD_CACHE_SECONDS", default=60)

# The signed-in user and their cart count, kept in the cache between changes to them
# (accounts/backends.py, cart/storage.py), so a page served from the storefront cache runs no
# query. Only with a cache every process shares (REDIS_URL): a change one process makes (the
# worker, manage.py changepassword) must reach the others at once. 0 reads them every request.
SIGNED_IN_CACHE_SECONDS = env.int("SIGNED_IN_CACHE_SECONDS", default=300 if REDIS_URL else 0)

# Page views are written once the response has gone (recommendations.store): with a shared
# cache, what each process's requests noted is sent together this often, by a thread of the
# process (one round trip for all of them). A worker that dies loses up to this much of its
# views; a shopper's "recently viewed" shows a view this much later at most. 0: sent after each
# response.
AFTER_RESPONSE_BATCH_SECONDS = env.float(
    "AFTER_RESPONSE_BATCH_SECONDS", default=0.25 if REDIS_URL else 0
)

# Django's cached_db sessions, read with the request's first read of the cache
# (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"

# --- Celery -------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL",
    default=REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}",
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "catalog-refresh-product-stats": {
        "task": "catalog.refresh_product_stats",
        "schedule": crontab(minute="*/15"),
    },
    # Units sold (best sellers), counted from the paid orders.
    "recommendations-refresh-sales-counts": {
        "task": "recommendations.refresh_sales_counts",
        "schedule": crontab(minute="*/15"),
    },
    "orders-cancel-expired-unpaid": {
        "task": "orders.cancel_expired_unpaid",
        "schedule": 60.0,
    },
    "payments-reconcile": {
        "task": "payments.reconcile",
        "schedule": 5 * 60.0,
    },
    # The API's Idempotency-Key answers are kept a day (api/idempotency.py).
    "api-purge-idempotency-keys": {
        "task": "api.purge_idempotency_keys",
        "schedule": crontab(minute=40),
    },
    # The simulated carrier reports the stages of its parcels whose time has come.
    "logistics-simulate-carrier": {
        "task": "logistics.simulate_carrier",
        "schedule": 5 * 60.0,
    },
    # The whole search index rebuilt at night (swapped in without downtime).
    "search-rebuild-index": {
        "task": "search.rebuild_index",
        "schedule": crontab(hour=3, minute=30),
    },
    # The recommender retrained at night; shopper profiles just before it.
    "recommendations-build-user-profiles": {
        "task": "recommendations.build_user_profiles",
        "schedule": crontab(hour=2, minute=30),
    },
    "recommendations-train": {
        "task": "recommendations.train",
        "schedule": crontab(hour=2, minute=45),
    },
    # The recommender's settings searched on a validation split once a week, before that
    # night's training (which uses the best ones).
    "recommendations-tune": {
        "task": "recommendations.tune",
        "schedule": crontab(day_of_week="sun", hour=1, minute=15),
    },
    # Customers' RFM segments and lifetime value (insights), for the shop and every merchant.
    "insights-compute-segments": {
        "task": "insights.compute_segments",
        "schedule": crontab(hour=1, minute=50),
    },
    # What trends for new and anonymous shoppers, between the nightly retrains.
    "recommendations-refresh-trending": {
        "task": "recommendations.refresh_trending",
        "schedule": crontab(minute=15),
    },
    # Product views buffered in Redis (services mode) into the interactions table.
    "recommendations-flush-interactions": {
        "task": "recommendations.flush_interactions",
        "schedule": 5.0,
    },
    # The funnel's product views buffered in Redis (services mode) into its events table.
    "insights-flush-views": {
        "task": "insights.flush_views",
        "schedule": 5.0,
    },
}
# --- Delivery route planning (logistics.routing, manage.py plan_routes) -------------------------
# The vans' working day, the minutes spent at each door, how road distances and driving times
# are estimated from coordinates (great-circle distance x road factor, at an average speed), and
# how long the solver searches (PyVRP; docs/routing.md).
ROUTES_SHIFT_START = env.str("ROUTES_SHIFT_START", default="08:00")
ROUTES_SHIFT_END = env.str("ROUTES_SHIFT_END", default="20:00")
ROUTES_SERVICE_MINUTES = env.int("ROUTES_SERVICE_MINUTES", default=5)
ROUTES_ROAD_FACTOR = env.float("ROUTES_ROAD_FACTOR", default=1.3)
ROUTES_SPEED_KMH = env.float("ROUTES_SPEED_KMH", default=25.0)
ROUTES_TIME_LIMIT = env.float("ROUTES_TIME_LIMIT", default=5.0)
# Off unless ROUTES_DAILY_AT ("HH:MM", local time) is set: then every morning at that time a
# draft plan of the day for each warehouse with local deliveries and no confirmed plan, with this
# fleet. Ops confirm (or re-plan) it in admin.
ROUTES_DAILY_AT = env.str("ROUTES_DAILY_AT", default="")
ROUTES_DAILY_VEHICLES = env.int("ROUTES_DAILY_VEHICLES", default=4)
ROUTES_DAILY_CAPACITY_KG = env.float("ROUTES_DAILY_CAPACITY_KG", default=800.0)
if ROUTES_DAILY_AT:
    _hour, _minute = (int(part) for part in ROUTES_DAILY_AT.split(":"))
    CELERY_BEAT_SCHEDULE["logistics-plan-routes-today"] = {
        "task": "logistics.plan_routes_today",
        "schedule": crontab(hour=_hour, minute=_minute),
    }

# Recommendation slots and interaction recording; off turns both off (benchmarks compare).
RECOMMENDATIONS_ENABLED = env.bool("RECOMMENDATIONS_ENABLED", default=True)

# --- Search -------------------------------------------------------------------------------------
# The database backends precompute postings and facet counts for every stem held by at least this
# share of the documents (chosen at each rebuild): a one-word search for such a stem then reads
# them instead of every matching document. Lower: more stems fast, a larger index to maintain.
SEARCH_FREQUENT_STEM_SHARE = env.float("SEARCH_FREQUENT_STEM_SHARE", default=0.02)
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
# django-elasticsearch-dsl (search/documents.py). The connection is lazy: nothing connects while
# ELASTICSEARCH_URL is empty. Short timeouts and no retries, so a dead cluster costs a page two
# seconds at most before search falls back to the database.
ELASTICSEARCH_INDEX_PREFIX = env.str("ELASTICSEARCH_INDEX_PREFIX", default="shop-")
ELASTICSEARCH_DSL = {
    "default": {
        "hosts": ELASTICSEARCH_URL or "http://127.0.0.1:9200",
        "request_timeout": env.float("ELASTICSEARCH_TIMEOUT", default=2.0),
        "max_retries": 0,
        "retry_on_timeout": False,
    },
}
ELASTICSEARCH_DSL_INDEX_SETTINGS = {
    "number_of_shards": 1,
    "number_of_replicas": env.int("ELASTICSEARCH_REPLICAS", default=1),
}
# Documents are written by the search app's Celery task, never by model signals in a request.
ELASTICSEARCH_DSL_AUTOSYNC = False
ELASTICSEARCH_DSL_SIGNAL_PROCESSOR = "django_elasticsearch_dsl.signals.BaseSignalProcessor"
ELASTICSEARCH_DSL_AUTO_REFRESH = False

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "catalog:home"
# Brute-force protection of every login (accounts/lockout.py): the first backend refuses a locked
# out login before the password is even checked. authenticate() needs the request for it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with the signed-in user loaded from the cache (a session signed in through
    # Django's ModelBackend is renamed to it as it is loaded: accounts.sessions).
    "accounts.backends.CachedModelBackend",
]
AXES_HANDLER = "accounts.lockout.LoginLockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)  # one account from one address
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=30)  # one address, any account
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
# A successful login clears nothing: it would let someone wipe their address's count of
# failures on other accounts by logging into their own now and then.
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.login_username"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Email --------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Demo Shop <shop@example.com>")

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A shopper's choice from the language switcher is kept for a year (shop/languages.py).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "zh-hans")
TIME_ZONE = "Asia/Shanghai"
# One date format per language on every page and email (shop/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["shop.formats"]
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Serve MEDIA_ROOT from Django (embedded default and small deployments); larger ones put media
# behind the web server or object storage and leave this off.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Shop ---------------------------------------------------------------------------------------
SHOP_NAME = env.str("SHOP_NAME", default="Lumen & Co.")
SHOP_CURRENCY = "CNY"
SHOP_PRODUCTS_PER_PAGE = 24
SHOP_MAX_PRICE = Decimal("9999999.99")

# --- Health -------------------------------------------------------------------------------------
# /healthz shows every caller the overall status; each check's detail (errors, hosts) only to staff,
# to callers sending "Authorization: Bearer <HEALTHZ_TOKEN>" (off while empty), and to processes on
# this machine. Behind a proxy on the same machine that does not add X-Forwarded-For, turn the
# last off (HEALTHZ_DETAILS_FOR_LOOPBACK=false) and give monitoring the token.
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")
HEALTHZ_DETAILS_FOR_LOOPBACK = env.bool("HEALTHZ_DETAILS_FOR_LOOPBACK", default=True)

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The Alipay SDK logs whole signed requests at INFO; never let that reach the logs.
        "aop": {"level": "WARNING"},
        # django-axes: each failed login and lockout is a WARNING; its INFO chatter is not kept.
        "axes": {"level": "WARNING"},
    },
}

# --- REST API (api/, docs/api.md) -----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Apps and partners: a bearer access token (api/v1/auth/token/); the browser: its session.
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "PAGE_SIZE": 20,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Per signed-in user, and per IP address for everyone else; a refusal is a 429 with
    # Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
    },
    # One JSON body for every error: {"type", "errors": [{"code", "detail", "attr"}]}.
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_standardized_errors.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

DRF_STANDARDIZED_ERRORS = {
    # Also for the browser's session: the error body is the same JSON whatever authenticates.
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    # A service's refusal (DomainError) is a 409 with its message (api/errors.py).
    "EXCEPTION_HANDLER_CLASS": "api.errors.ShopExceptionHandler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Shop API",
    "DESCRIPTION": "The shop for mobile apps, mini-programs and partners: the same catalog, "
    "cart, orders, payments and rules as the storefront. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI and ReDoc from the project's own static files, no CDN (drf-spectacular-sidecar).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # drf-standardized-errors' error codes as named enums in the schema.
    "ENUM_NAME_OVERRIDES": {
        f"{name}Enum": f"drf_standardized_errors.openapi_serializers.{name}Enum.choices"
        for name in (
            "ValidationError",
            "ClientError",
            "ServerError",
            "ErrorCode401",
            "ErrorCode403",
            "ErrorCode404",
            "ErrorCode405",
            "ErrorCode406",
            "ErrorCode415",
            "ErrorCode429",
            "ErrorCode500",
        )
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
    ],
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("API_ACCESS_TOKEN_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("API_REFRESH_TOKEN_DAYS", default=30)),
    # A refresh returns a new refresh token and revokes the old one (a stolen one works once).
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
}

# --- Orders -------------------------------------------------------------------------------------
# Unpaid orders hold their stock this long; then the beat task cancels them.
ORDER_PAYMENT_TIMEOUT_MINUTES = env.int("ORDER_PAYMENT_TIMEOUT", default=30)
# The most of one variant a shopper can put in one cart line or order line.
CART_MAX_LINE_QUANTITY = env.int("CART_MAX_LINE_QUANTITY", default=20)
# Where the shop is reached from outside; used for links in emails sent by workers.
SHOP_BASE_URL = env.str("SHOP_BASE_URL", default="http://127.0.0.1:8000")

# --- Delivery tracking --------------------------------------------------------------------------
# The simulated carrier (logistics/carrier_sim.py): the seed of its journeys (the same seed, the
# same journey for a shipment number) and how often a delivery attempt fails.
CARRIER_SIM_SEED = env.str("CARRIER_SIM_SEED", default="")
CARRIER_SIM_EXCEPTION_RATE = env.float("CARRIER_SIM_EXCEPTION_RATE", default=0.05)
# How often a shopper's tracking page looks for news while a parcel is on its way.
TRACKING_REFRESH_SECONDS = env.int("TRACKING_REFRESH_SECONDS", default=20)

# --- Alipay -------------------------------------------------------------------------------------
# Without real credentials the shop pays through a local stand-in for Alipay's gateway (the
# alipay_sandbox app, installed and mounted at /alipay-sandbox/ only while ALIPAY_SANDBOX is on,
# its notification task found by Celery's autodiscovery) with development keys from
# `manage.py alipay_dev_keys`. Real Alipay: set ALIPAY_APP_ID, ALIPAY_GATEWAY
# (https://openapi.alipay.com/gateway.do) and the two keys; no code changes.
# The sandbox pays without money, so it is on only with DEBUG or when asked for (ALIPAY_SANDBOX=1):
# a deployment that forgets the production settings must not accept free payments. Settings
# modules that change DEBUG decide again (local.py, test.py).
ALIPAY_SANDBOX = env.bool("ALIPAY_SANDBOX", default=DEBUG)
if ALIPAY_SANDBOX:
    INSTALLED_APPS += ["alipay_sandbox"]
ALIPAY_APP_ID = env.str("ALIPAY_APP_ID", default="2021000000000000")
ALIPAY_GATEWAY = env.str(
    "ALIPAY_GATEWAY", default=SHOP_BASE_URL.rstrip("/") + "/alipay-sandbox/gateway.do"
)
ALIPAY_SELLER_ID = env.str("ALIPAY_SELLER_ID", default="")
# Keys as PEM (or bare base64) text, or as files; a key not given either way is read from
# ALIPAY_KEYS_DIR (app_private_key.pem, alipay_public_key.pem).
ALIPAY_KEYS_DIR = Path(env.str("ALIPAY_KEYS_DIR", default=str(VAR_DIR / "alipay-keys")))
ALIPAY_APP_PRIVATE_KEY = env.str("ALIPAY_APP_PRIVATE_KEY", default="", multiline=True)
ALIPAY_APP_PRIVATE_KEY_FILE = env.str("ALIPAY_APP_PRIVATE_KEY_FILE", default="")
ALIPAY_PUBLIC_KEY = env.str("ALIPAY_PUBLIC_KEY", default="", multiline=True)
ALIPAY_PUBLIC_KEY_FILE = env.str("ALIPAY_PUBLIC_KEY_FILE", default="")
# The sandbox's trade book (JSON files shared by the web server and the worker).
ALIPAY_SANDBOX_DIR = VAR_DIR / "alipay-sandbox"
# A payment still pending this long is asked about at Alipay (payments.reconcile).
PAYMENTS_RECONCILE_AFTER_MINUTES = env.int("PAYMENTS_RECONCILE_AFTER_MINUTES", default=10)
# After the buyer is sent to Alipay's cashier, the order page says the payment is being confirmed
# (and asks Alipay) for this long instead of offering to pay again. Alipay is asked about one
# payment at most once per PAYMENTS_STATUS_QUERY_SECONDS, however often pages poll.
PAYMENTS_CONFIRMING_MINUTES = env.int("PAYMENTS_CONFIRMING_MINUTES", default=3)
PAYMENTS_STATUS_QUERY_SECONDS = env.int("PAYMENTS_STATUS_QUERY_SECONDS", default=5)
# The notify endpoint: a body larger than this is refused unread (Alipay's are a few KB); after
# PAYMENTS_NOTIFY_REJECTED_LIMIT rejected (unsigned, forged) notifications from one address within
# the window, that address is answered "failure" unread. Of rejected notifications only a bounded
# summary is kept, the newest PAYMENTS_NOTIFY_REJECTED_KEEP and none older than the days given.
PAYMENTS_NOTIFY_MAX_BYTES = env.int("PAYMENTS_NOTIFY_MAX_BYTES", default=32 * 1024)
PAYMENTS_NOTIFY_REJECTED_LIMIT = env.int("PAYMENTS_NOTIFY_REJECTED_LIMIT", default=20)
PAYMENTS_NOTIFY_REJECTED_WINDOW_SECONDS = env.int(
    "PAYMENTS_NOTIFY_REJECTED_WINDOW_SECONDS", default=10 * 60
)
PAYMENTS_NOTIFY_REJECTED_KEEP = env.int("PAYMENTS_NOTIFY_REJECTED_KEEP", default=1000)
PAYMENTS_NOTIFY_REJECTED_KEEP_DAYS = env.int("PAYMENTS_NOTIFY_REJECTED_KEEP_DAYS", default=30)
# Orders whose fraud and risk score (the RiskRule rows in admin) reaches this are held for review.
PAYMENTS_RISK_REVIEW_THRESHOLD = env.int("PAYMENTS_RISK_REVIEW_THRESHOLD", default=60)

# --- Support assistant --------------------------------------------------------------------------
# The chat widget: the longest message accepted, how many messages one browser session and one
# address may send per window (past that: 429 with Retry-After), and how often the open widget
# asks for news (and, closed, while staff have yet to answer).
SUPPORT_MAX_MESSAGE_CHARS = env.int("SUPPORT_MAX_MESSAGE_CHARS", default=1000)
SUPPORT_RATE_WINDOW_SECONDS = env.int("SUPPORT_RATE_WINDOW_SECONDS", default=60)
SUPPORT_RATE_PER_SESSION = env.int("SUPPORT_RATE_PER_SESSION", default=20)
SUPPORT_RATE_PER_IP = env.int("SUPPORT_RATE_PER_IP", default=60)
SUPPORT_POLL_SECONDS = env.int("SUPPORT_POLL_SECONDS", default=4)
SUPPORT_POLL_IDLE_SECONDS = env.int("SUPPORT_POLL_IDLE_SECONDS", default=20)

# --- Content-Security-Policy --------------------------------------------------------------------
# django-csp. Scripts, styles, images, fonts and fetch() only from the shop itself: no inline
# script, handler or style attribute anywhere (templates keep JavaScript in static/js and read
# data from data-* attributes or json_script), so no nonce or 'unsafe-inline' is needed.


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _django_admin_style_hashes() -> list[str]:
    """Django's admin change list writes one fixed <style> element (for a list without actions).
    Its hash lets exactly that element in, and no other inline style; read from the installed
    Django, so an upgrade that changes it keeps working."""
    import django

    template = Path(django.__file__).parent / "contrib/admin/templates/admin/change_list.html"
    bodies = re.findall(r"<style>(.*?)</style>", template.read_text(encoding="utf-8"), re.S)
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in bodies
    ]


def content_security_policy(*, form_targets: list[str]) -> dict:
    """The policy, with the other sites a form may lead to: the payment form of an order posts to
    the shop, which redirects to Alipay's gateway, and browsers check redirects of a form too."""
    origins = sorted({o for o in map(_origin, form_targets) if o})
    return {
        "DIRECTIVES": {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'", *_django_admin_style_hashes()],
            "img-src": ["'self'", "data:"],
            "font-src": ["'self'"],
            "connect-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "frame-ancestors": ["'none'"],
            "form-action": ["'self'", *origins],
        }
    }


CONTENT_SECURITY_POLICY = content_security_policy(form_targets=[ALIPAY_GATEWAY, SHOP_BASE_URL])
