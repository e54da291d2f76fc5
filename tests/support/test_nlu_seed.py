"""seed_demo gives the demo shop a trained assistant: the shipped FAQ and examples, and a live
classifier."""

from io import StringIO

import pytest
from django.core.management import call_command

from support.models import ClassifierVersion, FaqEntry, TrainingExample
from support.training import SHIPPED_TRAIN, examples_read, faq_shipped_rows

pytestmark = pytest.mark.django_db

TINY = ["--products", "30", "--users", "5", "--interactions", "50", "--orders", "5"]
TINY += ["--images-per-leaf", "1"]


@pytest.fixture(autouse=True)
def sandbox_book(settings, tmp_path):
    settings.ALIPAY_SANDBOX = True
    settings.ALIPAY_SANDBOX_DIR = tmp_path / "alipay-sandbox"


def test_seed_demo_loads_the_faq_and_examples_and_trains_the_classifier(
    django_capture_on_commit_callbacks,
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", *TINY, stdout=out)
    assert FaqEntry.objects.filter(merchant=None).count() == len(faq_shipped_rows())
    assert TrainingExample.objects.count() == len(examples_read(SHIPPED_TRAIN))
    version = ClassifierVersion.objects.get(is_live=True)
    assert version.examples == TrainingExample.objects.count()
    assert f"classifier {version} trained" in out.getvalue()


def test_seed_demo_without_training_still_loads_the_faq_and_examples():
    call_command("seed_demo", *TINY, "--no-train", stdout=StringIO())
    assert FaqEntry.objects.exists()
    assert TrainingExample.objects.exists()
    assert not ClassifierVersion.objects.exists()


def test_seed_demo_on_a_seeded_shop_still_gives_it_the_assistant(
    django_capture_on_commit_callbacks,
):
    call_command("seed_demo", *TINY, "--no-train", stdout=StringIO())
    FaqEntry.objects.all().delete()
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", *TINY, "--if-empty", stdout=out)
    assert "nothing to seed" in out.getvalue()
    assert FaqEntry.objects.count() == len(faq_shipped_rows())
    assert ClassifierVersion.objects.filter(is_live=True).exists()
