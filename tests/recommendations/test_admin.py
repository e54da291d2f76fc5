"""The model versions in admin: merchant staff see the evaluation; only operators queue a
retrain or change the recommender's settings."""

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import ModelVersion, VersionStatus
from tests.accounts.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return ModelVersion.objects.create(
        status=VersionStatus.LIVE,
        is_live=True,
        trained_until=timezone.now(),
        seconds=12.5,
        users=430,
        products=780,
        interactions=10_000,
        metrics={
            "als": {"ndcg@10": 0.0843, "precision@10": 0.0208, "recall@10": 0.1, "map@10": 0.06,
                    "coverage": 0.2, "users": 100},
            "popularity": {"ndcg@10": 0.0225, "precision@10": 0.0078, "recall@10": 0.04,
                           "map@10": 0.012, "coverage": 0.0002, "users": 100},
        },
    )  # fmt: skip


def test_merchant_staff_see_versions_with_their_evaluation_but_no_retrain_button(client, version):
    client.force_login(StaffFactory())
    html = client.get(reverse("admin:recommendations_modelversion_changelist")).content.decode()
    assert "0.0843" in html and "0.0225" in html and "3.75x" in html
    assert 'data-testid="retrain"' not in html


def test_the_operator_sees_the_retrain_button(admin_client, version):
    html = admin_client.get(reverse("admin:recommendations_modelversion_changelist")).content
    assert 'data-testid="retrain"' in html.decode()


def test_retrain_now_queues_the_training_task(
    admin_client, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(reverse("admin:recommendations_modelversion_retrain"))
    assert response.status_code == 302
    assert [c.__self__.name for c in callbacks] == ["recommendations.train"]


def test_merchant_staff_cannot_queue_a_retrain(client, version, django_capture_on_commit_callbacks):
    client.force_login(StaffFactory())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("admin:recommendations_modelversion_retrain"))
    assert response.status_code == 403
    assert callbacks == []


def test_only_operators_change_the_settings(client):
    client.force_login(StaffFactory())
    url = reverse("admin:recommendations_recommendersettings_changelist")
    assert client.get(url).status_code in (302, 403)
