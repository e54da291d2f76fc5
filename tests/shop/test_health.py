import pytest
from django.urls import reverse
from elasticsearch import Elasticsearch
from elasticsearch.dsl.connections import connections

from tests.search.es_fixtures import *  # noqa: F403 (osmem-server fixtures)

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
            "BACKEND": "shop.cache.RedisCache",
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


def test_healthz_reports_search_ok_when_elasticsearch_answers(client, elasticsearch_backend):
    # osmem-server, reached through the connection searches use (with its test transport).
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["search"]["ok"] is True, body["checks"]["search"]["detail"]
    assert body["checks"]["search"]["detail"].startswith("elasticsearch (http://127.0.0.1:")
    assert body["status"] == "ok"


def test_healthz_reports_search_degraded_when_the_cluster_refuses_searches(
    client, elasticsearch_backend, settings
):
    # osmem answers the plain client's `HEAD /` but refuses its media types on every search.
    connections.add_connection("default", Elasticsearch(settings.ELASTICSEARCH_URL))

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["search"]["ok"] is False
    assert "falls back to the database" in body["checks"]["search"]["detail"]


def test_healthz_reports_search_degraded_when_elasticsearch_is_a_closed_port(
    client, unreachable_elasticsearch
):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    search = body["checks"]["search"]
    assert search["ok"] is False
    assert search["required"] is False
    assert unreachable_elasticsearch in search["detail"]
    assert search["ms"] < 2000  # a refused connection is not waited on


def test_healthz_never_shows_a_broker_password(client, settings):
    settings.CELERY_BROKER_URL = "redis://:s3cret-pass@127.0.0.1:1/0"

    body = client.get(reverse("healthz")).content.decode()

    assert "s3cret-pass" not in body


@pytest.fixture
def registered_check(monkeypatch):
    """Register checks for one test only: the registry is left as the apps filled it."""
    from common import integrations

    monkeypatch.setattr(integrations, "_registered", dict(integrations._registered))
    return integrations.register_check


def test_the_search_app_registers_its_check_when_ready():
    from common import integrations

    assert integrations._registered["search"].required is False


def test_a_registered_required_check_that_fails_takes_the_shop_down(client, registered_check):
    def probe() -> str:
        raise ConnectionError("no answer from the mail relay")

    registered_check("mail", probe, required=True)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    mail = response.json()["checks"]["mail"]
    assert (mail["ok"], mail["required"]) == (False, True)
    assert "no answer from the mail relay" in mail["detail"]


def test_a_registered_check_that_answers_is_reported_with_its_detail(client, registered_check):
    registered_check("mail", lambda: "smtp (relay.internal)", required=True)

    body = client.get(reverse("healthz")).json()

    assert body["status"] == "ok"
    assert body["checks"]["mail"]["detail"] == "smtp (relay.internal)"


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
    from common.integrations import redact

    assert redact(url) == shown


def test_the_start_up_summary_says_which_payment_gateway_is_used(settings):
    from common.integrations import describe

    settings.ALIPAY_SANDBOX = True
    assert any("local Alipay sandbox" in line for line in describe())

    settings.ALIPAY_SANDBOX = False
    settings.ALIPAY_GATEWAY = "https://openapi.alipay.com/gateway.do"
    assert "payments: Alipay at https://openapi.alipay.com/gateway.do" in describe()


# --- Who sees the details -------------------------------------------------------------------------
OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


def test_an_outside_caller_gets_only_the_status(client):
    response = client.get(reverse("healthz"), **OUTSIDE)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_an_outside_caller_gets_the_same_503_without_the_error_or_the_broker_url(client, settings):
    settings.CELERY_BROKER_URL = "redis://broker.internal:1/0"

    response = client.get(reverse("healthz"), **OUTSIDE)

    assert response.status_code == 503
    assert response.json() == {"status": "down"}
    assert "broker.internal" not in response.content.decode()


def test_a_proxied_request_from_loopback_is_an_outside_caller(client):
    response = client.get(
        reverse("healthz"), REMOTE_ADDR="127.0.0.1", headers={"X-Forwarded-For": "203.0.113.7"}
    )

    assert response.json() == {"status": "ok"}


def test_loopback_can_be_refused_the_details(client, settings):
    settings.HEALTHZ_DETAILS_FOR_LOOPBACK = False

    response = client.get(reverse("healthz"), REMOTE_ADDR="127.0.0.1")

    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_a_caller_on_this_machine_gets_the_details(client, address):
    response = client.get(reverse("healthz"), REMOTE_ADDR=address)

    assert set(response.json()["checks"]) == {"database", "cache", "broker", "search"}


def test_staff_get_the_details_from_outside(client):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("healthz"), **OUTSIDE)

    assert "checks" in response.json()


def test_a_shopper_signed_in_gets_only_the_status(client):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())

    response = client.get(reverse("healthz"), **OUTSIDE)

    assert response.json() == {"status": "ok"}


def test_the_healthz_token_gets_the_details_from_outside(client, settings):
    settings.HEALTHZ_TOKEN = "monitor-secret"

    response = client.get(
        reverse("healthz"), headers={"Authorization": "Bearer monitor-secret"}, **OUTSIDE
    )

    assert "checks" in response.json()


@pytest.mark.parametrize(
    "header", ["Bearer wrong", "Bearer 密钥", "Basic monitor-secret", "Bearer"]
)
def test_a_wrong_token_gets_only_the_status(client, settings, header):
    settings.HEALTHZ_TOKEN = "monitor-secret"

    response = client.get(reverse("healthz"), headers={"Authorization": header}, **OUTSIDE)

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_no_token_is_accepted_while_none_is_set(client, settings):
    settings.HEALTHZ_TOKEN = ""

    response = client.get(reverse("healthz"), headers={"Authorization": "Bearer "}, **OUTSIDE)

    assert response.json() == {"status": "ok"}
