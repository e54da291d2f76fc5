"""What every endpoint of the API shares: the schema and its docs served from the project, one
JSON error body, a service's refusal as a 409, throttling with Retry-After."""

import pytest
from django.core.cache import cache
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient
from rest_framework.views import APIView

from common.errors import DomainError
from shop import urls as shop_urls


class OutOfSomething(DomainError):
    pass


class Refusing(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        raise OutOfSomething("Only 2 left of this size.")


class Crashing(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("a secret detail")


urlpatterns = [
    path("refusing/", Refusing.as_view()),
    path("crashing/", Crashing.as_view()),
    *shop_urls.urlpatterns,
]


@pytest.fixture
def client():
    return APIClient()


@pytest.mark.django_db
def test_root_points_at_the_schema_and_the_docs(client):
    body = client.get("/api/v1/").json()
    assert body["version"] == "1"
    assert body["schema"].endswith("/api/schema/")
    assert body["docs"].endswith("/api/docs/")


@pytest.mark.django_db
def test_the_schema_is_openapi_3_and_the_docs_load_nothing_from_a_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    for url in ("/api/docs/", "/api/redoc/"):
        page = client.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in page, url
        assert "cdn." not in page and "unpkg" not in page, url


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_services_refusal_is_a_409_with_its_message(client):
    response = client.post("/refusing/", {}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {"code": "out_of_something", "detail": "Only 2 left of this size.", "attr": None}
        ],
    }


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_an_unexpected_error_is_a_json_500_without_its_detail(client):
    client.raise_request_exception = False
    response = client.get("/crashing/")
    assert response.status_code == 500
    assert response.json()["type"] == "server_error"
    assert "secret" not in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_api_address_is_a_json_404_and_a_page_elsewhere():
    response = APIClient().get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
    page = APIClient().get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_too_many_requests_is_a_429_with_retry_after(client, settings):
    cache.clear()
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "3/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    from rest_framework.throttling import AnonRateThrottle

    before = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = rates
    try:
        statuses = [client.get("/api/v1/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = client.get("/api/v1/")
        assert int(response["Retry-After"]) > 0
        assert response.json()["errors"][0]["code"] == "throttled"
    finally:
        AnonRateThrottle.THROTTLE_RATES = before
        cache.clear()


@pytest.mark.django_db
def test_an_app_signs_in_with_a_token_refreshes_it_and_revokes_it(anon, shopper):
    from tests.accounts.factories import PASSWORD

    pair = anon.post(
        "/api/v1/auth/token/", {"email": shopper.email, "password": PASSWORD}, format="json"
    )
    assert pair.status_code == 200, pair.content
    refresh = pair.json()["refresh"]
    rotated = anon.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert rotated.status_code == 200
    # Rotation revoked the first refresh token: a stolen copy works once at most.
    again = anon.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert again.status_code == 401
    new_refresh = rotated.json()["refresh"]
    revoked = anon.post("/api/v1/auth/token/revoke/", {"refresh": new_refresh}, format="json")
    assert revoked.status_code == 200
    after = anon.post("/api/v1/auth/token/refresh/", {"refresh": new_refresh}, format="json")
    assert after.status_code == 401
    assert after.json()["errors"][0]["code"]


@pytest.mark.django_db
def test_a_wrong_password_is_a_401_with_the_error_body(anon, shopper):
    response = anon.post(
        "/api/v1/auth/token/", {"email": shopper.email, "password": "nope"}, format="json"
    )
    assert response.status_code == 401
    assert response.json()["type"] == "client_error"


@pytest.mark.django_db
def test_an_app_gets_messages_in_the_language_it_asks_for(anon):
    wrong = {"email": "nobody@example.com", "password": "wrong"}
    english = anon.post("/api/v1/auth/token/", wrong, format="json")
    chinese = anon.post("/api/v1/auth/token/", wrong, format="json", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert english.json()["errors"][0]["detail"].startswith("No active account")
    detail = chinese.json()["errors"][0]["detail"]
    assert detail != english.json()["errors"][0]["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detail)
    assert chinese["Content-Language"] == "zh-hans"
    assert "Accept-Language" in chinese["Vary"]
