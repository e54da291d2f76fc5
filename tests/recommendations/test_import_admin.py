"""The interactions admin's "Import history" form: operators only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from recommendations import forms
from recommendations.models import Interaction
from tests.accounts.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "admin:recommendations_interaction_import"


def upload(text: str, name: str = "history.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def rows(make_product):
    shopper, product = UserFactory(), make_product()
    return (
        "user_id,product_id,kind,time\n"
        f"{shopper.pk},{product.pk},view,2024-01-01\n"
        f"{shopper.pk},{product.pk},teleport,2024-01-01\n"
        f"999999,{product.pk},view,2024-01-01\n"
    )


def test_the_operator_sees_the_import_button_on_the_interactions_list(admin_client):
    html = admin_client.get(reverse("admin:recommendations_interaction_changelist")).content
    assert 'data-testid="import-history"' in html.decode()


def test_a_dry_run_from_admin_shows_the_report_and_writes_nothing(admin_client, rows):
    response = admin_client.post(
        reverse(URL), {"file": upload(rows), "source": "import", "dry_run": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="import-report"' in html and "Dry run: nothing was written" in html
    assert "unknown kind" in html and "no shopper with this user id" in html
    assert not Interaction.objects.exists()


def test_the_operator_imports_a_file_from_admin(admin_client, rows):
    response = admin_client.post(reverse(URL), {"file": upload(rows), "source": "import"})
    assert 'data-testid="imported">1<' in response.content.decode()
    assert Interaction.objects.count() == 1


def test_a_file_that_cannot_be_read_gets_a_message_not_an_error(admin_client):
    response = admin_client.post(
        reverse(URL), {"file": upload("a,b\n1,2\n"), "source": "import", "dry_run": "on"}
    )
    assert response.status_code == 200
    assert 'data-testid="import-error"' in response.content.decode()


def test_creating_products_without_a_merchant_is_a_form_error(admin_client, rows):
    response = admin_client.post(
        reverse(URL), {"file": upload(rows), "source": "import", "create_products": "on"}
    )
    assert response.context["form"].errors["merchant"]
    assert not Interaction.objects.exists()


def test_an_unknown_file_name_asks_for_the_format(admin_client, rows):
    response = admin_client.post(reverse(URL), {"file": upload(rows, "h.xlsx"), "source": "s"})
    assert response.context["form"].errors["format"]


def test_a_file_too_large_for_admin_points_to_the_command(admin_client, rows, monkeypatch):
    monkeypatch.setattr(forms, "ADMIN_IMPORT_MAX_BYTES", 10)
    response = admin_client.post(reverse(URL), {"file": upload(rows), "source": "import"})
    assert "import_interactions" in str(response.context["form"].errors["file"])
    assert not Interaction.objects.exists()


def test_merchant_staff_get_403_on_the_import_form(client, rows):
    client.force_login(StaffFactory())
    assert client.get(reverse(URL)).status_code == 403
    response = client.post(reverse(URL), {"file": upload(rows), "source": "import"})
    assert response.status_code == 403
    assert not Interaction.objects.exists()
