"""Schemathesis against the live schema (/api/schema/), through the WSGI app, no server: every
operation the schema lists (those added later too), anonymous and with a shopper's bearer token.
No 5xx; status codes, content types and bodies as documented. Bounded: a few examples per
operation, so the whole file takes well under a minute."""

from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
)

from recommendations.services.buffer import interactions_flush_pending
from tests.accounts.factories import AddressFactory, UserFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


# Loaded when the module is collected (the schema is generated from the code; no database is
# read). Not schemathesis.pytest.from_fixture: its lazy loader reads a node attribute pytest 9
# no longer has.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def catalog(db, monkeypatch, make_product):
    """Something to find, and no throttling: it would answer most examples with a (documented)
    429 and fuzz nothing else."""
    monkeypatch.setattr(SimpleRateThrottle, "allow_request", lambda self, request, view: True)
    # As Django's test client does: the test's transaction outlives each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield make_product(prices=(Decimal("99.00"), Decimal("129.00")), images=1)
    # The WSGI client never closes a response, so request_finished (which sends on the views a
    # request noted) was not sent for the last one: send them on inside this test's transaction,
    # not into the next test's.
    interactions_flush_pending()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def shopper_token(db):
    shopper = UserFactory(email="fuzz@example.com")
    AddressFactory(user=shopper, is_default=True)
    return str(RefreshToken.for_user(shopper).access_token)


@schema.parametrize()
@EXAMPLES
def test_anonymous_client(case):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@EXAMPLES
def test_signed_in_shopper(case, shopper_token):
    # ignored_auth: each operation that needs a sign-in, sent again without the token (and with
    # a wrong one), must refuse it.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {shopper_token}"}, checks=[*CHECKS, ignored_auth]
    )


# --- Stateful: sequences of calls following the links schemathesis infers between operations
# (an address created, then read, changed, made default, deleted by the id the first answered).
Workflow = schema.as_state_machine()


def test_signed_in_shopper_workflows(shopper_token):
    class ShopperWorkflow(Workflow):
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Bearer {shopper_token}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # Besides the checks above: what was just created can be read, and what was just
            # deleted cannot.
            case.validate_response(
                response,
                checks=[*CHECKS, ensure_resource_availability, use_after_free],
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    ShopperWorkflow.run(
        settings=settings(
            max_examples=8,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
