import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_check_and_200_when_all_required_are_up(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "search"}
    assert all(check["ok"] for check in body["checks"].values())


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_healthz_is_503_when_the_cache_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False


def test_healthz_degrades_but_stays_200_when_elasticsearch_is_down(client, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["search"]["ok"] is False
    assert "falls back to the database" in body["checks"]["search"]["detail"]


def test_healthz_never_shows_a_broker_password(client, settings):
    settings.CELERY_BROKER_URL = "redis://:s3cret-pass@127.0.0.1:1/0"

    body = client.get(reverse("healthz")).content.decode()

    assert "s3cret-pass" not in body


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:pw@127.0.0.1:6379/0", "redis://:***@127.0.0.1:6379/0"),
        ("postgres://shop:pw@db:5432/shop", "postgres://shop:***@db:5432/shop"),
        (
            "sqla+sqlite:////srv/shop/var/broker.sqlite3",
            "sqla+sqlite:////srv/shop/var/broker.sqlite3",
        ),
    ],
)
def test_urls_are_shown_without_passwords_and_otherwise_unchanged(url, shown):
    from shop.integrations import redact

    assert redact(url) == shown


def test_the_start_up_summary_says_which_payment_gateway_is_used(settings):
    from shop.integrations import describe

    settings.ALIPAY_SANDBOX = True
    assert any("local Alipay sandbox" in line for line in describe())

    settings.ALIPAY_SANDBOX = False
    settings.ALIPAY_GATEWAY = "https://openapi.alipay.com/gateway.do"
    assert "payments: Alipay at https://openapi.alipay.com/gateway.do" in describe()
